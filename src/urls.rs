//! The site's URL scheme, in one place.
//!
//! Pages, index pages, feeds and the search files each have one address, decided here
//! and handed to templates as `site.urls`, so no template or stage spells `/a-z/` or
//! `/conditions/` itself. Changing the scheme (or adding a language prefix) is a change
//! to this module.

use serde::Serialize;

use crate::kind::PageKind;

/// The address of a page of `kind` called `slug`.
pub fn page(kind: PageKind, slug: &str) -> String {
    match (kind, kind.folder()) {
        (PageKind::Home, _) => HOME.into(),
        (PageKind::About, _) => "/about/".into(),
        (_, Some(folder)) => format!("/{folder}/{slug}/"),
        (_, None) => format!("/{slug}/"),
    }
}

/// The address of a body region's index page.
pub fn region(slug: &str) -> String {
    format!("{REGIONS}{slug}/")
}

pub const HOME: &str = "/";
pub const AZ: &str = "/a-z/";
pub const REGIONS: &str = "/regions/";
pub const GUIDES: &str = "/guides/";
pub const SYMPTOMS: &str = "/symptoms/";
pub const FEED: &str = "/atom.xml";
pub const SITEMAP: &str = "/sitemap.xml";
pub const SEARCH: &str = "/search/";

/// The index pages every site has, in sitemap order.
pub const INDEXES: [&str; 4] = [AZ, REGIONS, GUIDES, SYMPTOMS];

/// The output file that serves `url`: `/a-z/` → `a-z/index.html`, `/atom.xml` → `atom.xml`.
pub fn output_path(url: &str) -> String {
    let rel = url.trim_start_matches('/');
    if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    }
}

/// What templates see as `site.urls`.
#[derive(Debug, Clone, Serialize)]
pub struct SiteUrls {
    pub home: &'static str,
    pub about: String,
    pub az: &'static str,
    pub regions: &'static str,
    pub guides: &'static str,
    pub symptoms: &'static str,
    pub feed: &'static str,
    pub search: &'static str,
}

impl SiteUrls {
    pub fn new() -> SiteUrls {
        SiteUrls {
            home: HOME,
            about: page(PageKind::About, "about"),
            az: AZ,
            regions: REGIONS,
            guides: GUIDES,
            symptoms: SYMPTOMS,
            feed: FEED,
            search: SEARCH,
        }
    }
}

impl Default for SiteUrls {
    fn default() -> Self {
        SiteUrls::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_and_their_files() {
        assert_eq!(page(PageKind::Condition, "gout"), "/conditions/gout/");
        assert_eq!(page(PageKind::Guide, "x"), "/guides/x/");
        assert_eq!(page(PageKind::Home, "_index"), "/");
        assert_eq!(output_path("/"), "index.html");
        assert_eq!(output_path(AZ), "a-z/index.html");
        assert_eq!(output_path(&region("lower-leg")), "regions/lower-leg/index.html");
        assert_eq!(output_path(FEED), "atom.xml");
    }
}
