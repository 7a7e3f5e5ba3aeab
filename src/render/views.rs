//! Template views: what templates see, built from the model.
//!
//! Templates never see `Page` itself; these structs are the stable contract a
//! site's own templates can rely on (theme overrides: docs/site-toml.md).

use serde::Serialize;

use crate::parse::frontmatter::Source;
use crate::parse::markdown::{Phase, SectionKind, Urgency};

#[derive(Debug, Clone, Serialize)]
pub struct RegionView {
    pub slug: String,
    pub name: String,
    pub url: String,
    pub count: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct LinkView {
    pub title: String,
    pub url: String,
    pub summary: String,
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
    pub prefix: &'static str,
    pub items: Vec<String>,
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
}

#[derive(Debug, Clone, Serialize)]
pub struct GatheredCard {
    pub urgency: Urgency,
    pub heading: String,
    pub prefix: &'static str,
    pub items: Vec<GatheredFlag>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReviewView {
    pub last_reviewed: Option<String>,
    pub next_review_due: Option<String>,
    pub reviewed_by: Vec<String>,
    pub awaiting_review: bool,
    pub overdue: bool,
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
    pub red_flags_intro_html: String,
    pub care_cards: Vec<CareCardView>,
    pub timeline: Option<TimelineView>,
    pub related: Vec<LinkView>,
    pub backlinks: Vec<LinkView>,
    pub sources: Vec<Source>,
    pub review: ReviewView,
    pub toc: Vec<TocEntry>,
    pub gathered_flags: Vec<GatheredCard>,
    /// schema.org JSON-LD, serialised and safe to place inside `<script>`.
    pub jsonld: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct AzEntry {
    pub letter: String,
    pub title: String,
    pub url: String,
    /// For "also called" entries: the page's own title.
    pub see: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AzLetter {
    pub letter: String,
    pub entries: Vec<AzEntry>,
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
}

#[derive(Debug, Clone, Serialize)]
pub struct FeedEntry {
    pub title: String,
    pub permalink: String,
    pub summary: String,
    pub updated: String,
}

pub fn urgency_prefix(u: Urgency) -> &'static str {
    match u {
        Urgency::Emergency => "Immediate action required",
        Urgency::Urgent => "Urgent advice",
        Urgency::Routine => "Non-urgent advice",
    }
}
