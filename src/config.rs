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

/// Review intervals above this many years are surely a typo (and would overflow date arithmetic).
pub const MAX_REVIEW_INTERVAL_YEARS: u32 = 10;

/// Locales whose care-card wording (emergency numbers) medkb knows. Other locales
/// must give their own `[care_cards]`: sending a reader to the wrong emergency
/// number is worse than a build that stops.
pub const KNOWN_LOCALES: [&str; 2] = ["en-GB", "en-US"];

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
    title: Spanned<String>,
    base_url: Spanned<String>,
    locale: Option<Spanned<String>>,
    #[serde(default)]
    description: Option<Spanned<String>>,
    disclaimer: Spanned<String>,
    review_interval_years: Option<Spanned<u32>>,
    body_regions: Option<Vec<RawRegion>>,
    care_cards: Option<RawCareCards>,
    #[serde(default = "default_summary_limit")]
    summary_max_chars: usize,
    readability_target_grade: Option<Spanned<f64>>,
    #[serde(default = "default_feed_limit")]
    feed_limit: usize,
    #[serde(default = "default_offline")]
    offline: bool,
    #[serde(default = "default_offline_install_bytes")]
    offline_search_install_bytes: u64,
    #[serde(default = "default_offline_idle_bytes")]
    offline_search_idle_bytes: u64,
    /// Rule code → level; see [`Lints`].
    #[serde(default)]
    lints: BTreeMap<String, toml::Spanned<String>>,
    #[serde(default)]
    review: ReviewPolicy,
    /// Languages besides the default (`locale`), by the tag their URLs and content folder use.
    #[serde(default)]
    languages: BTreeMap<String, Spanned<RawLanguage>>,
}

/// `[review]`: the publisher's review policy. Each gate is off unless turned on, and
/// each is a rule (`medkb explain CODE`) that fails `check` and `build`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewPolicy {
    /// Fail when a page with emergency red flags is past its review date (`overdue-emergency-page`).
    #[serde(default)]
    pub fail_overdue_emergency: bool,
    /// Fail when a page's clinical sections changed after its last review, by git
    /// history (`unreviewed-clinical-change`).
    #[serde(default)]
    pub require_review_after_clinical_change: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLanguage {
    /// The language's name in itself, for the language switcher: "Español".
    name: Spanned<String>,
    /// The `lang` of its pages when it differs from the table's key (e.g. `es-US`).
    locale: Option<Spanned<String>>,
    title: Option<Spanned<String>>,
    description: Option<Spanned<String>>,
    disclaimer: Spanned<String>,
    date_format: Option<Spanned<String>>,
    care_cards: Option<RawCareCards>,
    /// Region slug → its name in this language.
    #[serde(default)]
    body_regions: BTreeMap<String, Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRegion {
    slug: Spanned<String>,
    name: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCareCards {
    emergency: Spanned<String>,
    urgent: Spanned<String>,
    routine: Spanned<String>,
}

/// How dates are shown to readers of the default language.
pub const DEFAULT_DATE_FORMAT: &str = "%-d %B %Y";

/// A language the site publishes besides its default one: its pages live in
/// `content/<code>/` and are published under `/<code>/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Language {
    /// The tag in URLs and the content folder: `es`.
    pub code: String,
    /// The `lang` of its pages: `es`, or `es-US` when the site says so.
    pub locale: String,
    /// Its name in itself: "Español".
    pub name: String,
    pub title: String,
    pub description: String,
    pub disclaimer: String,
    pub date_format: String,
    pub care_cards: CareCardWording,
    /// The site's regions with their names in this language (the default's name when not given).
    pub body_regions: Vec<BodyRegion>,
    /// medkb's vocabulary for it, extended by the site's `vocabulary/<code>.toml`.
    pub vocabulary: crate::vocab::Vocabulary,
}

fn default_summary_limit() -> usize {
    160
}
fn default_feed_limit() -> usize {
    20
}
fn default_offline() -> bool {
    true
}
/// A search index this small is saved whole on a reader's first visit (2 MiB).
fn default_offline_install_bytes() -> u64 {
    2 * 1024 * 1024
}
/// A larger index, up to this size, is saved later while the reader is idle and online (8 MiB).
fn default_offline_idle_bytes() -> u64 {
    8 * 1024 * 1024
}

/// A well-formed language tag such as `en`, `en-GB` or `pt-BR` (BCP 47's common shape).
fn is_language_tag(s: &str) -> bool {
    let mut parts = s.split('-');
    let lang = parts.next().unwrap_or("");
    (2..=3).contains(&lang.len())
        && lang.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
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
    /// Publish the offline service worker (`offline = false` turns it off).
    pub offline: bool,
    /// The largest search index (bytes, uncompressed) the worker saves whole on a first visit.
    pub offline_search_install_bytes: u64,
    /// The largest search index it saves whole later, while the reader is idle and online
    /// (0: never); a larger one is saved only as far as the reader's own searches fetch it.
    pub offline_search_idle_bytes: u64,
    /// The site's own levels for rules (`[lints]`).
    pub lints: Lints,
    /// `[review]`: the review policy gates.
    pub review: ReviewPolicy,
    /// Where `description` and `disclaimer` are written, for rules about their words.
    pub description_span: Option<std::ops::Range<usize>>,
    pub disclaimer_span: std::ops::Range<usize>,
    /// Warnings about a usable configuration (e.g. another country's emergency number
    /// in the disclaimer), found by the pipeline and reported with the content's.
    pub warnings: Vec<Diagnostic>,
    /// From `synonyms.toml` (see `crate::synonyms`); empty when there is none.
    pub synonyms: search_index::Synonyms,
    /// The site's other languages (`[languages.*]`), by code; empty for a one-language site.
    pub languages: Vec<Language>,
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

    /// One of the site's other languages by its code (`None` for the default language).
    pub fn language(&self, code: Option<&str>) -> Option<&Language> {
        code.and_then(|c| self.languages.iter().find(|l| l.code == c))
    }

    /// The codes of the site's other languages: the folders under `content/` that hold translations.
    pub fn language_codes(&self) -> Vec<String> {
        self.languages.iter().map(|l| l.code.clone()).collect()
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
        let span = |r: std::ops::Range<usize>| Some((r.start, r.end));
        let text_field = |key: &str, v: &Spanned<String>, errors: &mut Vec<Diagnostic>| {
            if let Some(c) = crate::term::forbidden_char(v.get_ref()) {
                errors.push(
                    Diagnostic::new(
                        Rule::Config,
                        &file.rel,
                        span(v.span()),
                        format!("`{key}` contains the control character U+{:04X}, which cannot be published", c as u32),
                    )
                    .with_help("remove it; control characters are invisible and make feeds unreadable"),
                );
            }
        };
        text_field("title", &raw.title, &mut errors);
        text_field("disclaimer", &raw.disclaimer, &mut errors);
        if let Some(d) = &raw.description {
            text_field("description", d, &mut errors);
        }
        let base_url = raw.base_url.get_ref().trim_end_matches('/').to_string();
        let web = base_url.starts_with("https://") || base_url.starts_with("http://");
        if let Err(refusal) =
            crate::url::check(&base_url, false).and_then(|()| if web { Ok(()) } else { Err(crate::url::Refusal::Scheme(String::new())) })
        {
            errors.push(
                Diagnostic::new(
                    Rule::Config,
                    &file.rel,
                    span(raw.base_url.span()),
                    format!("base_url: {}", refusal.describe(raw.base_url.get_ref())),
                )
                .with_help("write the address the site will be published at, e.g. base_url = \"https://example.org\""),
            );
        }
        let review_interval_years = raw.review_interval_years.as_ref().map(|v| *v.get_ref()).unwrap_or(3);
        if let Some(v) = &raw.review_interval_years {
            if !(1..=MAX_REVIEW_INTERVAL_YEARS).contains(v.get_ref()) {
                errors.push(
                    Diagnostic::new(
                        Rule::Config,
                        &file.rel,
                        span(v.span()),
                        format!("review_interval_years must be between 1 and {MAX_REVIEW_INTERVAL_YEARS}, not {}", v.get_ref()),
                    )
                    .with_help("most clinical content is reviewed every 1 to 3 years"),
                );
            }
        }
        let readability_target_grade = raw.readability_target_grade.as_ref().map(|v| *v.get_ref()).unwrap_or(8.0);
        if let Some(v) = &raw.readability_target_grade {
            if !(1.0..=20.0).contains(v.get_ref()) {
                errors.push(
                    Diagnostic::new(
                        Rule::Config,
                        &file.rel,
                        span(v.span()),
                        format!("readability_target_grade must be a grade between 1 and 20, not {}", v.get_ref()),
                    )
                    .with_help("patient information usually aims at grade 6 to 8"),
                );
            }
        }
        let locale = raw.locale.as_ref().map(|l| l.get_ref().clone()).unwrap_or_else(|| "en-GB".into());
        if let Some(l) = &raw.locale {
            if !is_language_tag(l.get_ref()) {
                errors.push(
                    Diagnostic::new(
                        Rule::Config,
                        &file.rel,
                        span(l.span()),
                        format!("locale `{}` is not a language tag", crate::term::visible(l.get_ref())),
                    )
                    .with_help("write a language and region such as \"en-GB\" or \"en-US\""),
                );
            } else if raw.care_cards.is_none() && !KNOWN_LOCALES.iter().any(|k| k.eq_ignore_ascii_case(l.get_ref())) {
                errors.push(
                    Diagnostic::new(
                        Rule::Config,
                        &file.rel,
                        span(l.span()),
                        format!("medkb has no care-card wording (emergency numbers) for the locale `{}`", l.get_ref()),
                    )
                    .with_help(format!("use one of {}, or add a [care_cards] table with your country's wording", KNOWN_LOCALES.join(", "))),
                );
            }
        }
        let body_regions: Vec<BodyRegion> = match &raw.body_regions {
            None => DEFAULT_REGIONS.iter().map(|(s, n)| BodyRegion { slug: s.to_string(), name: n.to_string() }).collect(),
            Some(list) => {
                let mut seen = std::collections::HashSet::new();
                for r in list {
                    let slug = r.slug.get_ref();
                    if !crate::slug::is_slug(slug) {
                        errors.push(
                            Diagnostic::new(
                                Rule::Config,
                                &file.rel,
                                span(r.slug.span()),
                                format!("body region `{}` is not a slug", crate::term::visible(slug)),
                            )
                            .with_help("use lower-case letters, digits and hyphens, e.g. `ankle-foot`"),
                        );
                    } else if !seen.insert(slug.clone()) {
                        errors.push(
                            Diagnostic::new(
                                Rule::Config,
                                &file.rel,
                                span(r.slug.span()),
                                format!("the body region `{slug}` is listed twice"),
                            )
                            .with_help("each region needs its own slug: its page is published at /regions/SLUG/"),
                        );
                    }
                    text_field("body_regions.name", &r.name, &mut errors);
                    if r.name.get_ref().trim().is_empty() {
                        errors.push(Diagnostic::new(
                            Rule::Config,
                            &file.rel,
                            span(r.name.span()),
                            format!("the body region `{slug}` has an empty name"),
                        ));
                    }
                }
                list.iter().map(|r| BodyRegion { slug: r.slug.get_ref().clone(), name: r.name.get_ref().clone() }).collect()
            }
        };
        let care_cards = match &raw.care_cards {
            None => CareCardWording::for_locale(&locale),
            Some(c) => {
                for (key, v) in
                    [("care_cards.emergency", &c.emergency), ("care_cards.urgent", &c.urgent), ("care_cards.routine", &c.routine)]
                {
                    text_field(key, v, &mut errors);
                    if v.get_ref().trim().is_empty() {
                        errors.push(
                            Diagnostic::new(
                                Rule::Config,
                                &file.rel,
                                span(v.span()),
                                format!("`{key}` is empty: readers would not be told what to do"),
                            )
                            .with_help("say what to do, e.g. emergency = \"Call 999 or go to A&E now if:\""),
                        );
                    }
                }
                CareCardWording {
                    emergency: c.emergency.get_ref().clone(),
                    urgent: c.urgent.get_ref().clone(),
                    routine: c.routine.get_ref().clone(),
                }
            }
        };
        let lints = Lints::parse(&raw.lints, &file.text, &file.rel, &mut errors);
        let mut languages = Vec::new();
        for (code, lang) in &raw.languages {
            let at = span(lang.span());
            let l = lang.get_ref();
            if !is_language_tag(code) {
                errors.push(
                    Diagnostic::new(Rule::Config, &file.rel, at, format!("`{}` is not a language tag", crate::term::visible(code)))
                        .with_help("name each language by its tag, e.g. [languages.es] or [languages.cy]"),
                );
                continue;
            }
            let primary = |t: &str| t.split('-').next().unwrap_or(t).to_ascii_lowercase();
            if primary(code) == primary(&locale) {
                errors.push(
                    Diagnostic::new(
                        Rule::Config,
                        &file.rel,
                        at,
                        format!("`{code}` is the site's default language (locale = \"{locale}\")"),
                    )
                    .with_help("list only the other languages under [languages]; the default one's settings are at the top of site.toml"),
                );
                continue;
            }
            let lang_locale = l.locale.as_ref().map(|v| v.get_ref().clone()).unwrap_or_else(|| code.clone());
            if let Some(v) = &l.locale {
                if !is_language_tag(v.get_ref()) {
                    errors.push(Diagnostic::new(
                        Rule::Config,
                        &file.rel,
                        span(v.span()),
                        format!("locale `{}` is not a language tag", crate::term::visible(v.get_ref())),
                    ));
                }
            }
            for (key, v) in [("name", Some(&l.name)), ("disclaimer", Some(&l.disclaimer)), ("title", l.title.as_ref())] {
                if let Some(v) = v {
                    text_field(&format!("languages.{code}.{key}"), v, &mut errors);
                    if v.get_ref().trim().is_empty() {
                        errors.push(Diagnostic::new(Rule::Config, &file.rel, span(v.span()), format!("`languages.{code}.{key}` is empty")));
                    }
                }
            }
            let care_cards = match &l.care_cards {
                Some(c) => CareCardWording {
                    emergency: c.emergency.get_ref().clone(),
                    urgent: c.urgent.get_ref().clone(),
                    routine: c.routine.get_ref().clone(),
                },
                None if KNOWN_LOCALES.iter().any(|k| k.eq_ignore_ascii_case(&lang_locale)) => CareCardWording::for_locale(&lang_locale),
                None => {
                    errors.push(
                        Diagnostic::new(
                            Rule::Config,
                            &file.rel,
                            at,
                            format!("medkb has no care-card wording (emergency numbers) for the language `{code}`"),
                        )
                        .with_help(format!(
                            "add [languages.{code}.care_cards] with emergency, urgent and routine wording in that language"
                        )),
                    );
                    continue;
                }
            };
            for (slug, name) in &l.body_regions {
                if !body_regions.iter().any(|r| &r.slug == slug) {
                    errors.push(
                        Diagnostic::new(
                            Rule::Config,
                            &file.rel,
                            span(name.span()),
                            format!("`{slug}` is not one of the site's body regions"),
                        )
                        .with_help("name only regions the site has (body_regions, or medkb's default regions)"),
                    );
                }
            }
            // A language medkb has no vocabulary for needs the site's own (checked by `load`).
            let vocabulary = crate::vocab::Vocabulary::built_in(code).unwrap_or_default();
            languages.push(Language {
                code: code.clone(),
                locale: lang_locale,
                name: l.name.get_ref().clone(),
                title: l.title.as_ref().map(|t| t.get_ref().clone()).unwrap_or_else(|| raw.title.get_ref().clone()),
                description: l.description.as_ref().map(|t| t.get_ref().clone()).unwrap_or_default(),
                disclaimer: l.disclaimer.get_ref().clone(),
                date_format: l.date_format.as_ref().map(|t| t.get_ref().clone()).unwrap_or_else(|| DEFAULT_DATE_FORMAT.into()),
                care_cards,
                body_regions: body_regions
                    .iter()
                    .map(|r| BodyRegion {
                        slug: r.slug.clone(),
                        name: l.body_regions.get(&r.slug).map(|n| n.get_ref().clone()).unwrap_or_else(|| r.name.clone()),
                    })
                    .collect(),
                vocabulary,
            });
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let (description, disclaimer) = (raw.description.map(|d| (d.span(), d.into_inner())), raw.disclaimer.span());
        Ok(SiteConfig {
            title: raw.title.into_inner(),
            base_url,
            locale,
            description: description.as_ref().map(|d| d.1.clone()).unwrap_or_default(),
            disclaimer: raw.disclaimer.into_inner(),
            review_interval_years,
            body_regions,
            care_cards,
            summary_max_chars: raw.summary_max_chars,
            readability_target_grade,
            feed_limit: raw.feed_limit,
            offline: raw.offline,
            offline_search_install_bytes: raw.offline_search_install_bytes,
            offline_search_idle_bytes: raw.offline_search_idle_bytes,
            lints,
            review: raw.review,
            description_span: description.map(|d| d.0),
            disclaimer_span: disclaimer,
            warnings: Vec::new(),
            synonyms: search_index::Synonyms::default(),
            languages,
        })
    }

    /// Reads `<root>/site.toml`.
    /// The text of every file [`SiteConfig::load`] reads besides `site.toml`
    /// (`synonyms.toml`, `vocabulary/*.toml`), by path: the preview loads the
    /// configuration again when any of them changes, not only site.toml.
    pub fn other_inputs(root: &Path) -> Vec<(String, String)> {
        let mut files = vec![crate::synonyms::FILE.to_string()];
        if let Ok(dir) = std::fs::read_dir(root.join("vocabulary")) {
            let mut names: Vec<String> = dir.flatten().map(|e| format!("vocabulary/{}", e.file_name().to_string_lossy())).collect();
            names.sort();
            files.extend(names);
        }
        files.into_iter().filter_map(|rel| std::fs::read_to_string(root.join(&rel)).ok().map(|t| (rel, t))).collect()
    }

    pub fn load(root: &Path) -> anyhow::Result<(SourceFile, Result<SiteConfig, Vec<Diagnostic>>)> {
        let abs = root.join("site.toml");
        let bytes = std::fs::read(&abs).map_err(|e| {
            anyhow::anyhow!("cannot read {}: {e}\nhelp: run medkb in the folder that holds site.toml, or pass --root DIR", abs.display())
        })?;
        let text = match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                // Quote the file as far as it can be read, and point at the first bad byte.
                let good = e.utf8_error().valid_up_to();
                let file = SourceFile::new("site.toml".into(), abs, String::from_utf8_lossy(e.as_bytes()).into_owned());
                let d = Diagnostic::new(Rule::Config, &file.rel, Some((good, good + 1)), "site.toml is not valid UTF-8 from here on")
                    .with_help("save site.toml as UTF-8 in your editor");
                return Ok((file, Err(vec![d])));
            }
        };
        let file = SourceFile::new("site.toml".into(), abs, text);
        let mut parsed = SiteConfig::parse(&file);
        // The site's synonyms travel with its configuration; their errors stop
        // the build like the configuration's (located in synonyms.toml).
        if let Some((_, synonyms)) = crate::synonyms::load(root)? {
            match (&mut parsed, synonyms) {
                (Ok(config), Ok(s)) => config.synonyms = s,
                (Ok(_), Err(e)) => parsed = Err(e),
                (Err(errors), Err(e)) => errors.extend(e),
                (Err(_), Ok(_)) => {}
            }
        }
        // A site extends a language's vocabulary with vocabulary/<code>.toml.
        if let Ok(config) = &mut parsed {
            let mut errors = Vec::new();
            for lang in &mut config.languages {
                let rel = format!("vocabulary/{}.toml", lang.code);
                let Ok(text) = std::fs::read_to_string(root.join(&rel)) else {
                    if crate::vocab::Vocabulary::built_in(&lang.code).is_none() {
                        let at = key_span(&file.text, &format!("languages.{}", lang.code), file.text.len());
                        errors.push(
                            Diagnostic::new(
                                Rule::Config,
                                &file.rel,
                                at,
                                format!("medkb has no vocabulary (section headings, urgency words) for `{}`", lang.code),
                            )
                            .with_help(format!(
                                "write vocabulary/{}.toml (see docs/site-toml.md), or choose a language medkb knows: es",
                                lang.code
                            )),
                        );
                    }
                    continue;
                };
                match crate::vocab::Vocabulary::parse(&text) {
                    Ok(v) => {
                        for (table, key, value) in v.unknown_values() {
                            errors.push(
                                Diagnostic::new(
                                    Rule::Config,
                                    &rel,
                                    None,
                                    format!("`{key}` in [{table}] maps to `{value}`, which medkb does not know"),
                                )
                                .with_help(match table {
                                    "sections" => "map headings to symptoms, causes, fixes, red-flags or timeline",
                                    _ => "map urgency words to emergency, urgent or routine",
                                }),
                            );
                        }
                        lang.vocabulary.extend(v);
                    }
                    Err(e) => errors.push(
                        Diagnostic::new(Rule::Config, &rel, None, format!("this vocabulary is not valid: {}", e.message().trim()))
                            .with_help("it has the tables [sections], [urgency], [timeline] and [dates]"),
                    ),
                }
            }
            if !errors.is_empty() {
                parsed = Err(errors);
            }
        }
        Ok((file, parsed))
    }
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
