//! `site.toml`: the site's own settings.
//!
//! Unknown keys are errors (with their line), because a misspelt key that is
//! silently ignored is worse than a build that stops and says why.

use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use crate::diag::{Diagnostic, SourceFile};
use crate::parse::emergency_terms::{self, Audience};

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
    /// Warnings about a usable configuration (e.g. another country's emergency number
    /// in the disclaimer), reported with the content's diagnostics.
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
            vec![Diagnostic::error(
                "config",
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
                Diagnostic::error("config", &file.rel, at("base_url"), format!("base_url `{}` is not an http(s) address", raw.base_url))
                    .with_help("write the address the site will be published at, e.g. base_url = \"https://example.org\""),
            );
        }
        if raw.review_interval_years == 0 {
            errors.push(Diagnostic::error("config", &file.rel, at("review_interval_years"), "review_interval_years must be at least 1"));
        }
        let body_regions = raw
            .body_regions
            .unwrap_or_else(|| DEFAULT_REGIONS.iter().map(|(s, n)| BodyRegion { slug: s.to_string(), name: n.to_string() }).collect());
        for r in &body_regions {
            if !crate::parse::is_slug(&r.slug) {
                errors.push(
                    Diagnostic::error("config", &file.rel, at("body_regions"), format!("body region `{}` is not a slug", r.slug))
                        .with_help("use lower-case letters, digits and hyphens, e.g. `ankle-foot`"),
                );
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let care_cards = raw.care_cards.unwrap_or_else(|| CareCardWording::for_locale(&raw.locale));
        let (description, disclaimer) = (raw.description.map(|d| (d.span(), d.into_inner())), raw.disclaimer.span());
        let mut config = SiteConfig {
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
            warnings: Vec::new(),
        };
        if let Some(audience) = Audience::of(&config.locale) {
            // Readers see both; the raw TOML values hold the words as written.
            for span in description.map(|d| d.0).into_iter().chain([disclaimer]) {
                let value = &file.text[span.clone()];
                for m in emergency_terms::find(value, audience) {
                    let d = emergency_terms::diagnostic(&file.rel, value, span.start, &m, audience, &config);
                    config.warnings.push(d);
                }
            }
        }
        Ok(config)
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
    fn another_countrys_number_in_the_disclaimer_is_a_located_warning() {
        let f = file("title='t'\nbase_url='https://x.org'\nlocale='en-GB'\ndescription = \"Ask the ER.\"\ndisclaimer = \"In an emergency, call 911.\"\n");
        let config = SiteConfig::parse(&f).unwrap();
        let found: Vec<&str> = config.warnings.iter().map(|d| &f.text[d.span.unwrap().0..d.span.unwrap().1]).collect();
        assert_eq!(found, ["ER", "911"]);
        assert!(config.warnings.iter().all(|d| d.code == "emergency-number-locale"));
        let us = file("title='t'\nbase_url='https://x.org'\nlocale='en-US'\ndisclaimer = \"In an emergency, call 911.\"\n");
        assert!(SiteConfig::parse(&us).unwrap().warnings.is_empty());
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
