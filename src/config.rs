//! `site.toml`: the site's own settings.
//!
//! Unknown keys are errors (with their line), because a misspelt key that is
//! silently ignored is worse than a build that stops and says why.

use std::collections::{BTreeMap, HashMap};

use crate::diag::did_you_mean;
use crate::rules::{Level, Rule, Severity};
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use crate::diag::{Diagnostic, SourceFile};

/// A body region readers can browse by.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct BodyRegion {
    pub slug: String,
    pub name: String,
}

/// Wording of the care-card headings, one per urgency. Drives what readers are told to do.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct CareCardWording {
    pub emergency: String,
    pub urgent: String,
    pub routine: String,
}

impl CareCardWording {
    /// Defaults by locale: the UK's 999/111 and A&E, the US's 911 and emergency room.
    /// The urgent card names a place that sees injuries the same day (an urgent
    /// treatment centre, an urgent care center), not only an appointment with a doctor.
    pub fn for_locale(locale: &str) -> Self {
        if locale.eq_ignore_ascii_case("en-GB") {
            CareCardWording {
                emergency: "Call 999 or go to A&E now if:".into(),
                urgent: "Get help today from a GP, NHS 111 or an urgent treatment centre if:".into(),
                routine: "See a GP or physiotherapist if:".into(),
            }
        } else {
            CareCardWording {
                emergency: "Call 911 or go to the emergency room now if:".into(),
                urgent: "Get medical help today from a doctor or an urgent care center if:".into(),
                routine: "See a doctor or physical therapist if:".into(),
            }
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: String,
    base_url: String,
    #[serde(default = "default_locale")]
    locale: String,
    description: Option<Spanned<String>>,
    disclaimer: Spanned<String>,
    #[serde(default = "default_interval")]
    review_interval_years: u32,
    body_regions: Option<Vec<BodyRegion>>,
    care_cards: Option<CareCardWording>,
    #[serde(default = "default_summary_limit")]
    summary_max_chars: usize,
    #[serde(default = "default_grade")]
    readability_target_grade: f64,
    #[serde(default = "default_feed_limit")]
    feed_limit: usize,
    /// Rule code → level; see [`Lints`].
    #[serde(default)]
    lints: BTreeMap<String, toml::Spanned<String>>,
}

fn default_locale() -> String {
    "en-GB".into()
}
fn default_interval() -> u32 {
    3
}
fn default_summary_limit() -> usize {
    160
}
fn default_grade() -> f64 {
    8.0
}
fn default_feed_limit() -> usize {
    20
}

/// The validated site configuration.
#[derive(Debug, Clone)]
pub struct SiteConfig {
    pub title: String,
    /// Without a trailing slash, e.g. `https://example.org`.
    pub base_url: String,
    pub locale: String,
    pub description: String,
    pub disclaimer: String,
    pub review_interval_years: u32,
    pub body_regions: Vec<BodyRegion>,
    pub care_cards: CareCardWording,
    pub summary_max_chars: usize,
    pub readability_target_grade: f64,
    pub feed_limit: usize,
    /// The site's own levels for rules (`[lints]`).
    pub lints: Lints,
    /// Where `description` and `disclaimer` are written, for rules about their words.
    pub description_span: Option<std::ops::Range<usize>>,
    pub disclaimer_span: std::ops::Range<usize>,
    /// Warnings about a usable configuration (e.g. another country's emergency number
    /// in the disclaimer), found by the pipeline and reported with the content's.
    pub warnings: Vec<Diagnostic>,
}

pub const DEFAULT_REGIONS: [(&str, &str); 8] = [
    ("head-neck", "Head and neck"),
    ("chest-heart-lungs", "Chest, heart and lungs"),
    ("abdomen-core", "Abdomen and core"),
    ("hip-pelvis", "Hip and pelvis"),
    ("thigh-knee", "Thigh and knee"),
    ("lower-leg", "Lower leg"),
    ("ankle-foot", "Ankle and foot"),
    ("whole-body", "Whole body"),
];

impl SiteConfig {
    pub fn region(&self, slug: &str) -> Option<&BodyRegion> {
        self.body_regions.iter().find(|r| r.slug == slug)
    }

    /// Parses `site.toml`, reporting problems as diagnostics against the file.
    pub fn parse(file: &SourceFile) -> Result<SiteConfig, Vec<Diagnostic>> {
        let raw: RawConfig = toml::from_str(&file.text).map_err(|e| {
            let span = e.span().map(|r| (r.start, r.end));
            vec![Diagnostic::new(
                Rule::Config,
                &file.rel,
                span,
                e.message().lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join("; "),
            )
            .with_help("see docs/site-toml.md for every key site.toml accepts")]
        })?;
        let mut errors = Vec::new();
        let at = |key: &str| -> Option<(usize, usize)> { find_key(&file.text, key) };
        let base_url = raw.base_url.trim_end_matches('/').to_string();
        if !(base_url.starts_with("https://") || base_url.starts_with("http://")) {
            errors.push(
                Diagnostic::new(Rule::Config, &file.rel, at("base_url"), format!("base_url `{}` is not an http(s) address", raw.base_url))
                    .with_help("write the address the site will be published at, e.g. base_url = \"https://example.org\""),
            );
        }
        if raw.review_interval_years == 0 {
            errors.push(Diagnostic::new(Rule::Config, &file.rel, at("review_interval_years"), "review_interval_years must be at least 1"));
        }
        let body_regions = raw
            .body_regions
            .unwrap_or_else(|| DEFAULT_REGIONS.iter().map(|(s, n)| BodyRegion { slug: s.to_string(), name: n.to_string() }).collect());
        for r in &body_regions {
            if !crate::slug::is_slug(&r.slug) {
                errors.push(
                    Diagnostic::new(Rule::Config, &file.rel, at("body_regions"), format!("body region `{}` is not a slug", r.slug))
                        .with_help("use lower-case letters, digits and hyphens, e.g. `ankle-foot`"),
                );
            }
        }
        let lints = Lints::parse(&raw.lints, &file.text, &file.rel, &mut errors);
        if !errors.is_empty() {
            return Err(errors);
        }
        let care_cards = raw.care_cards.unwrap_or_else(|| CareCardWording::for_locale(&raw.locale));
        let (description, disclaimer) = (raw.description.map(|d| (d.span(), d.into_inner())), raw.disclaimer.span());
        Ok(SiteConfig {
            title: raw.title,
            base_url,
            locale: raw.locale,
            description: description.as_ref().map(|d| d.1.clone()).unwrap_or_default(),
            disclaimer: raw.disclaimer.into_inner(),
            review_interval_years: raw.review_interval_years,
            body_regions,
            care_cards,
            summary_max_chars: raw.summary_max_chars,
            readability_target_grade: raw.readability_target_grade,
            feed_limit: raw.feed_limit,
            lints,
            description_span: description.map(|d| d.0),
            disclaimer_span: disclaimer,
            warnings: Vec::new(),
        })
    }

    /// Reads `<root>/site.toml`.
    pub fn load(root: &Path) -> anyhow::Result<(SourceFile, Result<SiteConfig, Vec<Diagnostic>>)> {
        let abs = root.join("site.toml");
        let text = std::fs::read_to_string(&abs).map_err(|e| {
            anyhow::anyhow!("cannot read {}: {e}\nhelp: run medkb in the folder that holds site.toml, or pass --root DIR", abs.display())
        })?;
        let file = SourceFile::new("site.toml".into(), abs, text);
        let parsed = SiteConfig::parse(&file);
        Ok((file, parsed))
    }
}

/// Byte span of `key =` at the start of a line, for pointing at a value we reject.
fn find_key(text: &str, key: &str) -> Option<(usize, usize)> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with(key) && trimmed[key.len()..].trim_start().starts_with('=') {
            let start = offset + (line.len() - trimmed.len());
            return Some((start, start + key.len()));
        }
        offset += line.len();
    }
    None
}

/// The site's levels for rules, from `[lints]` in site.toml.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lints {
    levels: HashMap<Rule, Level>,
}

impl Lints {
    /// Validates `[lints]`: every key a rule's code, every value a level the rule may take.
    /// Problems are pushed to `errors`, located at the key or value in `text`.
    pub fn parse(raw: &BTreeMap<String, toml::Spanned<String>>, text: &str, rel: &str, errors: &mut Vec<Diagnostic>) -> Lints {
        let mut levels = HashMap::new();
        for (key, value) in raw {
            let value_span = Some((value.span().start, value.span().end));
            let Some(rule) = Rule::from_code(key) else {
                let help = match did_you_mean(key, Rule::ALL.iter().map(|r| r.code())) {
                    Some(s) => format!("did you mean `{s}`? (`medkb explain` lists every rule)"),
                    None => "`medkb explain` lists every rule".to_string(),
                };
                errors.push(
                    Diagnostic::new(
                        Rule::Config,
                        rel,
                        key_span(text, key, value.span().start).or(value_span),
                        format!("there is no rule called `{key}`"),
                    )
                    .with_help(help),
                );
                continue;
            };
            let Some(level) = Level::parse(value.get_ref()) else {
                errors.push(
                    Diagnostic::new(Rule::Config, rel, value_span, format!("`{}` is not a level", value.get_ref()))
                        .with_help(format!("use one of {}", Level::NAMES.map(|n| format!("\"{n}\"")).join(", "))),
                );
                continue;
            };
            if !rule.may_set(level) {
                errors.push(
                    Diagnostic::new(Rule::Config, rel, value_span, format!("`{key}` protects readers, so it cannot be lowered"))
                        .with_help(format!("fix what it reports instead (`medkb explain {key}` says why it exists)")),
                );
                continue;
            }
            levels.insert(rule, level);
        }
        Lints { levels }
    }

    /// The severity the site gives this diagnostic, or `None` when its rule is allowed.
    pub fn severity_of(&self, d: &Diagnostic) -> Option<Severity> {
        match self.levels.get(&d.code) {
            Some(level) => level.severity(),
            None => Some(d.severity),
        }
    }

    /// The diagnostics as the site wants them: levels changed, allowed rules dropped.
    pub fn apply<'a>(&self, diags: impl IntoIterator<Item = &'a Diagnostic>) -> Vec<Diagnostic> {
        diags.into_iter().filter_map(|d| self.severity_of(d).map(|severity| Diagnostic { severity, ..d.clone() })).collect()
    }
}

/// The span of `key` as a key (not inside a string), searching backwards from its value.
fn key_span(text: &str, key: &str, value_start: usize) -> Option<(usize, usize)> {
    let before = text.get(..value_start)?;
    let at = before.rfind(key)?;
    Some((at, at + key.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile::new("site.toml".into(), "site.toml".into(), text.into())
    }

    #[test]
    fn locale_drives_emergency_wording() {
        let gb = SiteConfig::parse(&file("title='t'\nbase_url='https://x.org/'\nlocale='en-GB'\ndisclaimer='d'\n")).unwrap();
        assert!(gb.care_cards.emergency.contains("999"));
        assert_eq!(gb.base_url, "https://x.org");
        let us = SiteConfig::parse(&file("title='t'\nbase_url='https://x.org'\nlocale='en-US'\ndisclaimer='d'\n")).unwrap();
        assert!(us.care_cards.emergency.contains("911"));
        assert_eq!(us.body_regions.len(), 8);
        assert_eq!(us.review_interval_years, 3);
    }

    #[test]
    fn urgent_cards_fit_injuries() {
        let gb = CareCardWording::for_locale("en-GB");
        assert_eq!(gb.urgent, "Get help today from a GP, NHS 111 or an urgent treatment centre if:");
        let us = CareCardWording::for_locale("en-US");
        assert_eq!(us.urgent, "Get medical help today from a doctor or an urgent care center if:");
        let own = SiteConfig::parse(&file(
            "title='t'\nbase_url='https://x.org'\nlocale='en-US'\ndisclaimer='d'\n[care_cards]\nemergency='e'\nurgent='Go to the minor injuries unit today if:'\nroutine='r'\n",
        ))
        .unwrap();
        assert_eq!(own.care_cards.urgent, "Go to the minor injuries unit today if:");
    }

    #[test]
    fn unknown_key_is_an_error_at_its_line() {
        let f = file("title='t'\nbase_url='https://x.org'\ndisclaimer='d'\ntitel='oops'\n");
        let errs = SiteConfig::parse(&f).unwrap_err();
        assert_eq!(errs.len(), 1);
        let (start, _) = errs[0].span.unwrap();
        assert_eq!(f.lines.position(&f.text, start).0, 4);
        assert!(errs[0].message.contains("titel"), "{}", errs[0].message);
    }
}
