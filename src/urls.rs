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

/// The address of `url` (one of the default language's) in the language `lang`:
/// `/conditions/gout/` → `/es/conditions/gout/`. The default language (`None`) keeps
/// today's addresses, so a one-language site's URLs never change.
pub fn in_lang(lang: Option<&str>, url: &str) -> String {
    match lang {
        None => url.to_string(),
        Some(code) => format!("/{code}{url}"),
    }
}

/// The address of a page of `kind` called `slug` in the language `lang`.
pub fn page_in(lang: Option<&str>, kind: PageKind, slug: &str) -> String {
    in_lang(lang, &page(kind, slug))
}

/// The address of a body region's index page.
pub fn region(slug: &str) -> String {
    format!("{REGIONS}{slug}/")
}

/// The index page of a kind's folder (`/conditions/`), so every folder a reader can
/// reach by trimming a page's address answers.
pub fn section(kind: PageKind) -> Option<String> {
    kind.folder().map(|folder| format!("/{folder}/"))
}

/// The redirect files of the common static hosts (Netlify, Cloudflare Pages): one
/// `from to status` line per old address.
pub const REDIRECTS: &str = "/_redirects";

/// The offline page the service worker shows for a page it has not cached.
pub const OFFLINE: &str = "/offline/";

/// The service worker. It sits at the root so its scope is the whole site.
pub const SERVICE_WORKER: &str = "/sw.js";

/// The committed list of published addresses `check` guards (`build --record-urls`).
pub const PUBLISHED_URLS_FILE: &str = "published-urls.txt";

pub const HOME: &str = "/";
pub const AZ: &str = "/a-z/";
pub const REGIONS: &str = "/regions/";
pub const CONDITIONS: &str = "/conditions/";
pub const GUIDES: &str = "/guides/";
pub const SYMPTOMS: &str = "/symptoms/";
pub const FEED: &str = "/atom.xml";
pub const SITEMAP: &str = "/sitemap.xml";
pub const SEARCH: &str = "/search/";

/// The index pages every site has, in sitemap order.
pub const INDEXES: [&str; 5] = [AZ, REGIONS, CONDITIONS, GUIDES, SYMPTOMS];

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
    pub home: String,
    pub about: String,
    pub az: String,
    pub regions: String,
    pub conditions: String,
    pub guides: String,
    pub symptoms: String,
    pub feed: String,
    pub search: String,
}

impl SiteUrls {
    pub fn new() -> SiteUrls {
        SiteUrls::in_lang(None)
    }

    /// The addresses of the site in the language `lang` (`None`: the default language).
    pub fn in_lang(lang: Option<&str>) -> SiteUrls {
        let at = |url: &str| in_lang(lang, url);
        SiteUrls {
            home: at(HOME),
            about: at(&page(PageKind::About, "about")),
            az: at(AZ),
            regions: at(REGIONS),
            conditions: at(CONDITIONS),
            guides: at(GUIDES),
            symptoms: at(SYMPTOMS),
            feed: at(FEED),
            // The search files of the reader's language: the browser loads no other.
            search: at(SEARCH),
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
        assert_eq!(page_in(Some("es"), PageKind::Condition, "gout"), "/es/conditions/gout/");
        assert_eq!(page_in(Some("es"), PageKind::Home, "_index"), "/es/");
        assert_eq!(output_path(&in_lang(Some("es"), AZ)), "es/a-z/index.html");
        assert_eq!(SiteUrls::in_lang(Some("es")).feed, "/es/atom.xml");
        assert_eq!(output_path(REDIRECTS), "_redirects");
        assert_eq!(section(PageKind::Condition).as_deref(), Some(CONDITIONS));
        assert_eq!(section(PageKind::Guide).as_deref(), Some(GUIDES));
        assert_eq!(section(PageKind::Home), None);
    }
}
