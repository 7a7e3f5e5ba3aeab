//! Kinds of page (and of section): the one place that knows what each kind is.
//!
//! Where a kind's files live, its URL and output path, its template, the front-matter
//! keys and sections it needs, whether it is listed (A–Z, related, search), its
//! schema.org type and its name in JSON and templates all used to be spread over four
//! enums and a dozen `match`es. Adding a kind of page is now this enum, a template and
//! a fixture.

use serde::Serialize;

/// The sections medkb knows, whatever the author called them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SectionKind {
    Symptoms,
    Causes,
    Fixes,
    RedFlags,
    Timeline,
    Other,
}

impl SectionKind {
    /// Recognises a heading, accepting the usual synonyms.
    pub fn from_heading(heading: &str) -> SectionKind {
        let h = heading.trim().trim_end_matches([':', '?', '.']).to_lowercase();
        let h = h.as_str();
        match h {
            "symptoms" | "signs and symptoms" | "signs" | "check if you have it" | "what it feels like" => SectionKind::Symptoms,
            "causes" | "why it happens" | "risk factors and causes" | "causes and risk factors" | "what causes it" => SectionKind::Causes,
            "fixes"
            | "treatment"
            | "treatments"
            | "things you can do"
            | "things you can do yourself"
            | "self-care"
            | "self care"
            | "what helps"
            | "how to fix it"
            | "what to do"
            | "what you can do"
            | "treatment and fixes" => SectionKind::Fixes,
            "red flags" | "when to get help" | "when to see a doctor" | "warning signs" | "urgent advice" | "when to get medical help" => {
                SectionKind::RedFlags
            }
            "timeline" | "recovery" | "recovery timeline" | "how long it lasts" | "how long it takes" | "recovery time" => {
                SectionKind::Timeline
            }
            _ => SectionKind::Other,
        }
    }

    /// A section by its canonical anchor (`red-flags`), as vocabularies name them.
    pub fn from_anchor(name: &str) -> Option<SectionKind> {
        [SectionKind::Symptoms, SectionKind::Causes, SectionKind::Fixes, SectionKind::RedFlags, SectionKind::Timeline]
            .into_iter()
            .find(|k| k.canonical_anchor() == Some(name))
    }

    /// The anchor a link may use for this section whatever its heading says.
    pub fn canonical_anchor(self) -> Option<&'static str> {
        match self {
            SectionKind::Symptoms => Some("symptoms"),
            SectionKind::Causes => Some("causes"),
            SectionKind::Fixes => Some("fixes"),
            SectionKind::RedFlags => Some("red-flags"),
            SectionKind::Timeline => Some("timeline"),
            SectionKind::Other => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            SectionKind::Symptoms => "Symptoms",
            SectionKind::Causes => "Causes",
            SectionKind::Fixes => "Fixes",
            SectionKind::RedFlags => "Red flags",
            SectionKind::Timeline => "Timeline",
            SectionKind::Other => "Other",
        }
    }
}

/// A condition page's own say on what it is (`page_type` in its front matter): a
/// condition, or a symptom that several conditions share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PageType {
    Condition,
    Symptom,
}

/// What a page is, which decides its URL, template and rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PageKind {
    Condition,
    Guide,
    Home,
    About,
}

/// Front-matter keys a kind requires, beyond `title` and `summary` (every page's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Needs {
    /// `last_reviewed` and at least one `[[sources]]`.
    pub review_and_sources: bool,
    /// `body_region`.
    pub region: bool,
    /// Keys that only guides take (`gather_red_flags`).
    pub guide_keys: bool,
    /// A translation: its `[translation]` record stands in for `last_reviewed` (the
    /// review it was translated from), and it has no review of its own until one is recorded.
    pub translation: bool,
}

impl PageKind {
    pub const ALL: [PageKind; 4] = [PageKind::Condition, PageKind::Guide, PageKind::Home, PageKind::About];

    /// The kind of the content file at a site-relative path, from where it sits.
    pub fn of_content_path(rel: &str) -> Option<PageKind> {
        let parts: Vec<&str> = rel.split('/').collect();
        match parts.as_slice() {
            ["content", folder, _] => PageKind::ALL.into_iter().find(|k| k.folder() == Some(*folder)),
            ["content", "_index.md"] => Some(PageKind::Home),
            ["content", "about.md"] => Some(PageKind::About),
            _ => None,
        }
    }

    /// The kind of a content file and the language it is written in: a file under
    /// `content/<code>/` for one of the site's other `languages` is that language's
    /// translation of the page at the same path without `<code>/`.
    pub fn of_content_path_in(rel: &str, languages: &[String]) -> Option<(PageKind, Option<String>)> {
        if let Some(rest) = rel.strip_prefix("content/") {
            if let Some((folder, inner)) = rest.split_once('/') {
                if languages.iter().any(|l| l == folder) {
                    return PageKind::of_content_path(&format!("content/{inner}")).map(|k| (k, Some(folder.to_string())));
                }
            }
        }
        PageKind::of_content_path(rel).map(|k| (k, None))
    }

    /// The folder of `content/<folder>/…` when it looks like a language tag (`fr`,
    /// `pt-BR`) rather than a folder of pages: a translation for a language the site
    /// does not declare.
    pub fn language_folder(rel: &str) -> Option<&str> {
        let folder = rel.strip_prefix("content/")?.split_once('/')?.0;
        let mut parts = folder.split('-');
        let lang = parts.next()?;
        let tag = lang.len() == 2
            && lang.bytes().all(|b| b.is_ascii_lowercase())
            && parts.all(|p| (2..=4).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()));
        (tag && !PageKind::ALL.iter().any(|k| k.folder() == Some(folder))).then_some(folder)
    }

    /// The folder under `content/` (and in URLs) that holds pages of this kind, if
    /// the kind has many pages.
    pub fn folder(self) -> Option<&'static str> {
        match self {
            PageKind::Condition => Some("conditions"),
            PageKind::Guide => Some("guides"),
            PageKind::Home | PageKind::About => None,
        }
    }

    /// Listed pages have slugs others link to, appear in the A–Z, related lists and
    /// search, and are warned about when nothing links to them.
    pub fn listed(self) -> bool {
        self.folder().is_some()
    }

    pub fn template(self) -> &'static str {
        match self {
            PageKind::Condition => "condition.html",
            PageKind::Guide => "guide.html",
            PageKind::About => "page.html",
            PageKind::Home => "index.html",
        }
    }

    pub fn needs(self) -> Needs {
        match self {
            PageKind::Condition => Needs { review_and_sources: true, region: true, guide_keys: false, translation: false },
            PageKind::Guide => Needs { review_and_sources: true, region: false, guide_keys: true, translation: false },
            PageKind::Home | PageKind::About => Needs { review_and_sources: false, region: false, guide_keys: false, translation: false },
        }
    }

    /// Sections a page of this kind must have.
    pub fn required_sections(self) -> &'static [SectionKind] {
        match self {
            PageKind::Condition => &[SectionKind::Symptoms, SectionKind::Causes, SectionKind::Fixes, SectionKind::RedFlags],
            _ => &[],
        }
    }

    /// The schema.org type of what the page is about, when it is about one thing.
    pub fn schema_about(self) -> Option<&'static str> {
        match self {
            PageKind::Condition => Some("MedicalCondition"),
            _ => None,
        }
    }

    /// Its name in JSON, templates and search filters: a condition page whose
    /// front matter says `page_type = "symptom"` is a symptom page.
    pub fn name(self, page_type: PageType) -> &'static str {
        match (self, page_type) {
            (PageKind::Condition, PageType::Symptom) => "symptom",
            (PageKind::Condition, PageType::Condition) => "condition",
            (PageKind::Guide, _) => "guide",
            (PageKind::Home | PageKind::About, _) => "page",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_come_from_where_files_sit() {
        assert_eq!(PageKind::of_content_path("content/conditions/gout.md"), Some(PageKind::Condition));
        assert_eq!(PageKind::of_content_path("content/guides/x.md"), Some(PageKind::Guide));
        assert_eq!(PageKind::of_content_path("content/_index.md"), Some(PageKind::Home));
        assert_eq!(PageKind::of_content_path("content/about.md"), Some(PageKind::About));
        assert_eq!(PageKind::of_content_path("content/gout.md"), None);
        assert_eq!(PageKind::of_content_path("content/conditions/deep/x.md"), None);
        let es = ["es".to_string()];
        assert_eq!(PageKind::of_content_path_in("content/es/conditions/gout.md", &es), Some((PageKind::Condition, Some("es".into()))));
        assert_eq!(PageKind::of_content_path_in("content/es/_index.md", &es), Some((PageKind::Home, Some("es".into()))));
        assert_eq!(PageKind::of_content_path_in("content/conditions/gout.md", &es), Some((PageKind::Condition, None)));
        assert_eq!(PageKind::of_content_path_in("content/fr/conditions/gout.md", &es), None);
        assert_eq!(PageKind::language_folder("content/fr/conditions/gout.md"), Some("fr"));
        assert_eq!(PageKind::language_folder("content/conditions/gout.md"), None);
        assert_eq!(PageKind::language_folder("content/gout.md"), None);
    }
}
