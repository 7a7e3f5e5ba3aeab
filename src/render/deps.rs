//! What the renderer reads from pages other than the one it renders.
//!
//! The preview re-renders a page only when something it shows has changed. That is
//! decided by fingerprints, and a fingerprint is only right if it covers everything a
//! template reads from a neighbour. These declarations live here, beside the views that
//! read those fields (`mod.rs`, `views.rs`), so a template or view change and its
//! dependency change sit in the same folder; the incremental engine only combines
//! the numbers. The "incremental equals full build" tests catch a declaration that
//! falls behind.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{Hash, Hasher};

use crate::config::SiteConfig;
use crate::parse::markdown::SectionKind;
use crate::parse::{Page, PageKind};

/// Hashes a value's `Debug` text. Debug output of the model types is deterministic
/// and covers every field, including ones added later: safer for a fingerprint than
/// a hand-picked list.
pub fn debug_hash(h: &mut impl Hasher, x: &impl std::fmt::Debug) {
    format!("{x:?}").hash(h);
}

fn hash_of(x: impl Hash) -> u64 {
    let mut h = crate::fingerprint::hasher();
    x.hash(&mut h);
    h.finish()
}

/// What a page shows of itself to its neighbours (related lists, backlinks, link
/// titles, gathered red flags): front matter, section names and anchors, red flags.
pub fn public_inputs(p: &Page) -> u64 {
    let mut h = crate::fingerprint::hasher();
    (&p.slug, &p.url, p.kind, &p.path).hash(&mut h);
    debug_hash(&mut h, &p.fm);
    for s in &p.body.sections {
        (&s.kind, &s.heading, &s.anchor).hash(&mut h);
    }
    let mut anchors: Vec<&String> = p.body.anchors.iter().collect();
    anchors.sort();
    anchors.hash(&mut h);
    for f in &p.body.red_flags {
        (f.urgency, &f.text, &f.plain).hash(&mut h);
    }
    h.finish()
}

/// What the index pages (A–Z, regions, symptoms, guides, feed, sitemap) show of a
/// page: its public face plus its Symptoms items (the symptom index lists them).
pub fn listing_inputs(p: &Page, public: u64) -> u64 {
    hash_of((public, p.section(SectionKind::Symptoms).map(|s| &s.items)))
}

/// Whether a page shows the index-level data (every page's red flags gathered, or the
/// home page's lists), so it must re-render when any listing changes.
pub fn reads_listings(p: &Page) -> bool {
    p.fm.gather_red_flags || p.kind == PageKind::Home
}

/// Site-wide inputs every page reads: the configuration, and the page count per body
/// region when a page template can show it (see [`pages_read_region_counts`]).
pub fn site_inputs(h: &mut impl Hasher, config: &SiteConfig, pages: &[Page], templates: &BTreeMap<String, String>) {
    debug_hash(h, config);
    if !pages_read_region_counts(templates) {
        return;
    }
    let mut region_counts: HashMap<&str, usize> = HashMap::new();
    for p in pages {
        if let Some(r) = &p.fm.body_region {
            *region_counts.entry(r.value.as_str()).or_default() += 1;
        }
    }
    for r in &config.body_regions {
        region_counts.get(r.slug.as_str()).copied().unwrap_or(0).hash(h);
    }
}

/// Whether a page's template can show how many pages each body region has. The
/// default theme shows the counts on the home page and the regions index only: index
/// units, whose fingerprints cover every page's region, and a content home page, which
/// reads the listings. Then a new or deleted page re-renders neither every page nor
/// every list. A site template anywhere else that mentions `count` makes the counts
/// an input of every page (over-cautious, never wrong).
pub fn pages_read_region_counts(templates: &BTreeMap<String, String>) -> bool {
    templates.iter().any(|(name, text)| !["index.html", "regions.html"].contains(&name.as_str()) && text.contains("count"))
}

/// Besides its links, related pages and backlinks, a page reads its versions in the
/// site's other languages (`LinkGraph::counterparts`): the language switcher and
/// hreflang alternates show their URLs, a translation's notice the original's review
/// date and title. The engine hashes their public inputs into the page's fingerprint,
/// and resolves a translation's links in its language (`LinkGraph::index_in`).
///
/// The slugs a page's text links to: their titles appear in the rendered page.
pub fn forward_slugs(p: &Page) -> Vec<String> {
    let mut slugs: BTreeSet<String> = p.links.iter().map(|l| l.target.slug.clone()).collect();
    slugs.extend(p.fm.related.iter().map(|r| r.value.clone()));
    let texts = std::iter::once(&p.body.lead)
        .chain(p.body.sections.iter().flat_map(|s| [&s.body, &s.intro]))
        .chain(p.body.red_flags.iter().map(|f| &f.text))
        .chain(p.body.phases.iter().map(|f| &f.text));
    for t in texts {
        slugs.extend(crate::parse::links::scan_wikilinks(t).into_iter().map(|w| w.target.slug));
    }
    slugs.into_iter().collect()
}

/// What the index units show of a page, one hash per kind of list, so an edit
/// re-renders only the index pages that show what it changed: a summary edit leaves
/// the A–Z alone, and a red flag or a related link touches no list at all.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct ListingFaces {
    /// A link in a list: title, address, summary, review date, kind, type, region, language.
    pub link: u64,
    /// The A–Z entry: title, address, review date and each "also called" name (no summary).
    pub az: u64,
    /// The symptom index: the link and the Symptoms items.
    pub symptoms: u64,
    /// The feed: the link and every review and translation date.
    pub feed: u64,
    /// The sitemap: address and last change.
    pub sitemap: u64,
}

pub fn listing_faces(p: &Page) -> ListingFaces {
    let link = {
        let mut h = crate::fingerprint::hasher();
        (&p.slug, &p.url, p.kind, &p.lang, &p.path, &p.fm.title, &p.fm.summary).hash(&mut h);
        debug_hash(&mut h, &(&p.fm.last_reviewed, &p.fm.page_type, &p.fm.body_region));
        h.finish()
    };
    let translated = p.fm.translation.as_ref().and_then(|t| t.translated);
    let mut feed = crate::fingerprint::hasher();
    link.hash(&mut feed);
    debug_hash(&mut feed, &(&p.fm.review_history, translated));
    let mut sitemap = crate::fingerprint::hasher();
    (&p.url, &p.lang, p.kind).hash(&mut sitemap);
    debug_hash(&mut sitemap, &(&p.fm.last_reviewed, translated));
    ListingFaces {
        link,
        az: {
            let mut h = crate::fingerprint::hasher();
            (&p.slug, &p.url, p.kind, &p.lang, &p.path, &p.fm.title, &p.fm.also_called).hash(&mut h);
            debug_hash(&mut h, &p.fm.last_reviewed);
            h.finish()
        },
        symptoms: hash_of((link, p.section(SectionKind::Symptoms).map(|s| &s.items))),
        feed: feed.finish(),
        sitemap: sitemap.finish(),
    }
}

/// Which of a page's faces an index unit reads. `None`: none (the unit reads only
/// the site, e.g. 404 and robots.txt); `Listing`: everything an index may show (the
/// offline page lists pages by their red flags; redirects read `aliases`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Face {
    Link,
    Az,
    Symptoms,
    Feed,
    Sitemap,
    Listing,
    None,
}

impl Face {
    pub const ALL: [Face; 7] = [Face::Link, Face::Az, Face::Symptoms, Face::Feed, Face::Sitemap, Face::Listing, Face::None];

    /// This face of one page (`listing`: its [`listing_inputs`]).
    pub fn of(self, faces: &ListingFaces, listing: u64) -> u64 {
        match self {
            Face::Link => faces.link,
            Face::Az => faces.az,
            Face::Symptoms => faces.symptoms,
            Face::Feed => faces.feed,
            Face::Sitemap => faces.sitemap,
            Face::Listing => listing,
            Face::None => 0,
        }
    }
}

/// What an index unit reads of each page (besides the site inputs and which page
/// is a translation of which, which every unit's fingerprint covers).
pub fn index_inputs(unit: super::IndexUnit) -> Face {
    use super::IndexUnit::*;
    match unit {
        Home | Region(_) | Regions | Guides | Conditions => Face::Link,
        Az => Face::Az,
        Symptoms => Face::Symptoms,
        Feed => Face::Feed,
        Sitemap => Face::Sitemap,
        Offline | Redirects => Face::Listing,
        NotFound | Robots => Face::None,
    }
}
