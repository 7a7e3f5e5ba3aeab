//! Template views: what templates see, built from the model.
//!
//! Templates never see `Page` itself; these structs are the stable contract a
//! site's own templates can rely on (theme overrides: docs/site-toml.md).

use serde::Serialize;

use crate::parse::frontmatter::{Source, SourceKind};
use crate::parse::markdown::{Phase, SectionKind, Urgency};

#[derive(Debug, Clone, Serialize)]
pub struct RegionView {
    pub slug: String,
    pub name: String,
    pub url: String,
    pub count: usize,
}

#[derive(Debug, Clone, Serialize, Hash)]
pub struct LinkView {
    pub title: String,
    pub url: String,
    pub summary: String,
    /// When the page was last reviewed, for lists that show it ("12 March 2026").
    pub last_reviewed: Option<String>,
    /// The same date as `2026-03-12`, for `<time datetime>`.
    pub last_reviewed_iso: Option<String>,
    /// In a list for readers of another language: the page has no translation in
    /// it yet, so the link goes to the original (templates say so).
    pub fallback: bool,
    /// The original's language (`lang` of its title) when `fallback`; empty otherwise.
    pub lang: String,
}

/// The same page (or index page) in one of the site's languages, for `hreflang`
/// alternates and the language switcher.
#[derive(Debug, Clone, Serialize)]
pub struct Alternate {
    /// The `hreflang` / `lang` value: `en-US`, `es`.
    pub lang: String,
    /// Its name in itself: "English", "Español".
    pub name: String,
    /// Where the page is in that language, or (when `exists` is false) that
    /// language's home page.
    pub url: String,
    pub permalink: String,
    /// Whether the page has a version in this language.
    pub exists: bool,
    /// Whether it is the language being shown.
    pub current: bool,
    /// What to say when the page has no version in this language, in that language.
    pub missing_text: String,
    /// The text of the link to that language's home page when the page is missing.
    pub missing_link: String,
}

/// Every language's version of the page being shown; `None` on a one-language site.
#[derive(Debug, Clone, Serialize)]
pub struct LanguageNav {
    pub alternates: Vec<Alternate>,
    /// The default language's version, for `hreflang="x-default"`.
    pub x_default: String,
}

/// One `<url>` of `sitemap.xml`.
#[derive(Debug, Clone, Hash, Serialize)]
pub struct SitemapUrl {
    pub loc: String,
    /// The last review (a translation's: when it was translated), as an ISO date.
    pub lastmod: Option<String>,
    /// On a multilingual site, every language's version (`hreflang`), then `x-default`.
    pub alternates: Option<Vec<SitemapAlternate>>,
}

#[derive(Debug, Clone, Hash, Serialize)]
pub struct SitemapAlternate {
    pub lang: String,
    pub href: String,
}

/// A translation's provenance as the page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct TranslationView {
    /// The original's review date it was translated from, as readers write dates.
    pub source_reviewed: Option<String>,
    pub translated: Option<String>,
    pub translated_by: Vec<String>,
    /// The original has been reviewed again since: the page says so and links it.
    pub stale: bool,
    pub original_url: String,
    pub original_lang: String,
    pub original_title: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SectionView {
    pub kind: SectionKind,
    pub heading: String,
    pub anchor: String,
    pub html: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CareCardView {
    pub urgency: Urgency,
    /// "Call 911 or go to the emergency room now if:"
    pub heading: String,
    /// Hidden prefix for screen readers: "Immediate action required".
    pub prefix: String,
    pub items: Vec<String>,
}

/// A piece of the Red flags section in the order it was written: prose (`html`) or
/// a run of care cards (`cards`).
#[derive(Debug, Clone, Serialize)]
pub struct RedFlagsBlock {
    /// `"prose"` or `"cards"`.
    pub kind: &'static str,
    pub html: String,
    pub cards: Vec<CareCardView>,
}

/// One entry of the Sources list.
#[derive(Debug, Clone, Serialize)]
pub struct SourceView {
    #[serde(flatten)]
    pub source: Source,
    /// The list item's id, which citations link to: `source-1`, `source-2`, …
    pub anchor: String,
    /// What kind of source it is, in words, when it is not an article: "Editors' safety-netting".
    pub label: Option<String>,
}

impl SourceView {
    /// The `n`th source; `safety_netting` is what the page's language calls the editors' additions.
    pub fn of(n: usize, source: &Source, safety_netting: &str) -> SourceView {
        // Validated by `check`; dropped here too, so no path around validation publishes a script URL.
        let label = (source.kind == SourceKind::SafetyNetting).then(|| safety_netting.to_string());
        let mut source = source.clone();
        source.url = source.url.filter(|u| crate::url::publishable(u, false).is_some());
        SourceView { source, anchor: super::markdown::source_anchor(n), label }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct PhaseView {
    #[serde(flatten)]
    pub phase: Phase,
    pub html: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TimelineView {
    pub heading: String,
    pub anchor: String,
    pub intro_html: String,
    pub phases: Vec<PhaseView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub text: String,
    pub anchor: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct GatheredFlag {
    pub html: String,
    pub page_title: String,
    pub page_url: String,
    /// The flag's language when it is not the guide's (an untranslated page's); empty otherwise.
    pub lang: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct GatheredCard {
    pub urgency: Urgency,
    pub heading: String,
    pub prefix: String,
    pub items: Vec<GatheredFlag>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReviewView {
    pub last_reviewed: Option<String>,
    /// "Page last reviewed" once a clinician has reviewed the page; until then
    /// "Last checked against sources", so nobody takes the date for clinical review.
    pub last_reviewed_label: String,
    pub next_review_due: Option<String>,
    pub reviewed_by: Vec<String>,
    pub awaiting_review: bool,
    pub overdue: bool,
    /// "clinical" or "editorial" when the page changed after its last review (by the
    /// site's git history, `medkb review`); `None` when unchanged or not known.
    pub changed_since_review: Option<&'static str>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PageView {
    pub slug: String,
    pub kind: crate::parse::PageKind,
    pub page_type: &'static str,
    pub url: String,
    pub permalink: String,
    pub title: String,
    pub medical_name: Option<String>,
    pub also_called: Vec<String>,
    pub summary: String,
    pub region: Option<RegionView>,
    pub lead_html: String,
    pub sections: Vec<SectionView>,
    pub red_flags_anchor: Option<String>,
    pub red_flags_heading: Option<String>,
    /// Every part of the Red flags section that is not a list (kept for themes
    /// written before `red_flags_blocks`, which keeps them in place).
    pub red_flags_intro_html: String,
    /// Every red flag, as cards by urgency.
    pub care_cards: Vec<CareCardView>,
    /// The Red flags section as written: lead-in prose, the cards, any closing prose.
    pub red_flags_blocks: Vec<RedFlagsBlock>,
    pub timeline: Option<TimelineView>,
    pub related: Vec<LinkView>,
    pub backlinks: Vec<LinkView>,
    pub sources: Vec<SourceView>,
    pub review: ReviewView,
    pub toc: Vec<TocEntry>,
    pub gathered_flags: Vec<GatheredCard>,
    /// What the printed leaflet adds (condition and guide pages only).
    pub leaflet: Option<LeafletView>,
    /// schema.org JSON-LD, serialised and safe to place inside `<script>`.
    pub jsonld: String,
    /// The page's language code for a translation (`es`); `None` in the default language.
    pub lang: Option<String>,
    /// A translation's provenance (`None` for originals).
    pub translation: Option<TranslationView>,
}

/// The printed leaflet's footer: the page's address as a QR code and its version.
#[derive(Debug, Clone, Serialize)]
pub struct LeafletView {
    /// An inline `<svg>` (built by medkb, safe to include unescaped).
    pub qr_svg: String,
    /// A short fingerprint of the page's content: "3f9a0c21".
    pub version: String,
}

#[derive(Debug, Clone, Serialize, Hash)]
pub struct AzEntry {
    pub letter: String,
    pub title: String,
    pub url: String,
    /// The page's last review ("12 March 2026"); `None` on "also called" entries.
    pub last_reviewed: Option<String>,
    pub last_reviewed_iso: Option<String>,
    /// For "also called" entries: the page's own title.
    pub see: Option<String>,
    /// The page has no translation in the reader's language yet (see [`LinkView::fallback`]).
    pub fallback: bool,
    /// The original's language when `fallback`; empty otherwise.
    pub lang: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct AzLetter {
    pub letter: String,
    pub entries: Vec<AzEntry>,
    /// The entries rendered (`partials/az_entry.html`), one a line.
    pub html: String,
}

/// A row of the symptom index: a symptom and the pages that list it.
#[derive(Debug, Clone, Serialize, Hash)]
pub struct SymptomRow {
    pub name: String,
    /// The pages' links, each rendered by `partials/symptom_link.html`, joined by ", ".
    pub links_html: String,
    /// The pages' links as views: only for a site with its own `symptom_row.html`
    /// or `symptoms.html` (the largest rows have thousands of links at 10,000 pages).
    pub pages: Vec<LinkView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SiteView {
    pub title: String,
    pub base_url: String,
    pub description: String,
    pub disclaimer: String,
    pub locale: String,
    pub lang: String,
    pub regions: Vec<RegionView>,
    pub emergency_heading: String,
    /// The site's addresses (`site.urls.az` …), so templates never spell a URL.
    pub urls: crate::urls::SiteUrls,
    /// The search script's strings in this language (JSON of the `js_*` UI strings and
    /// the emergency-line pieces), sent to it on sites with several languages.
    pub search_strings: String,
    /// The offline service worker's address, when the site publishes one.
    pub service_worker: Option<&'static str>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FeedEntry {
    pub title: String,
    pub permalink: String,
    /// One entry per review of a page: the same page reviewed again is a new entry
    /// (`https://…/conditions/gout/#reviewed-2026-03-12`), so feed readers show it.
    pub id: String,
    /// The review's date as readers see it, when the page has one.
    pub reviewed: Option<String>,
    pub summary: String,
    pub updated: String,
}

/// The UI string key of a care card's hidden prefix ("Immediate action required").
pub fn urgency_prefix_key(u: Urgency) -> &'static str {
    match u {
        Urgency::Emergency => "care_prefix_emergency",
        Urgency::Urgent => "care_prefix_urgent",
        Urgency::Routine => "care_prefix_routine",
    }
}
