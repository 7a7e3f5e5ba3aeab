//! What the renderer reads from pages other than the one it renders.
//!
//! The preview re-renders a page only when something it shows has changed. That is
//! decided by fingerprints, and a fingerprint is only right if it covers everything a
//! template reads from a neighbour. These declarations live here, beside the views that
//! read those fields (`mod.rs`, `views.rs`), so a template or view change and its
//! dependency change sit in the same folder; the incremental engine only combines
//! the numbers. The "incremental equals full build" tests catch a declaration that
//! falls behind.

use std::collections::{BTreeSet, HashMap};
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
    let mut h = std::collections::hash_map::DefaultHasher::new();
    x.hash(&mut h);
    h.finish()
}

/// What a page shows of itself to its neighbours (related lists, backlinks, link
/// titles, gathered red flags): front matter, section names and anchors, red flags.
pub fn public_inputs(p: &Page) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
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

/// Site-wide inputs every page reads: the configuration and the page count per body
/// region (the body map and region navigation show them).
pub fn site_inputs(h: &mut impl Hasher, config: &SiteConfig, pages: &[Page]) {
    debug_hash(h, config);
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
