//! The offline service worker: what it pre-caches, per language, and its build version.
//!
//! Readers most need the emergency guidance where the signal is worst. One worker at
//! the site's root serves every language from one cache named after the build. It
//! pre-caches what every language shares (stylesheet, scripts, the search module) and,
//! for each language a reader actually reads, that language's pack: its home page, its
//! offline page, its "when to see a doctor" (every guide that gathers red flags), its
//! version of every page with an emergency red flag, and its search manifest and head
//! (the whole index when small). A reader's language is the language of the pages they
//! open (the address prefix, `/es/`), so an English reader never downloads the Spanish
//! index, and a bilingual reader keeps one cache, one version and one copy of the module.
//! Larger indexes are saved while the reader is idle and online, up to a cap the site sets.
//!
//! Its version is a fingerprint of every other file of the build, so any change makes
//! a new cache and the old one is dropped whole: no mix of builds. The full build and
//! the preview compute it the same way ([`version`]) from the same bytes, so `sw.js`
//! stays byte-identical between them. The preview never registers it: `reader.js`
//! skips registration on a page that carries the live-reload script.

use std::hash::{Hash, Hasher};

use serde::Serialize;

use crate::config::SiteConfig;
use crate::parse::markdown::Urgency;
use crate::parse::{Page, PageKind};
use crate::urls;

const SCRIPT: &str = include_str!("sw.js");

/// The output path of the worker (`sw.js`).
pub fn output_path() -> String {
    urls::output_path(urls::SERVICE_WORKER)
}

/// What the worker saves: files every language shares, and one pack per language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Plan {
    /// Fetched when the worker installs, whatever the reader's language.
    pub shared: Vec<String>,
    /// The default language's pack first; the worker picks a pack by address prefix.
    pub languages: Vec<LanguagePack>,
    /// A search index up to this size is saved whole on a first visit (`offline_search_install_bytes`).
    pub install_bytes: u64,
    /// Up to this size, later, while idle and online (`offline_search_idle_bytes`).
    pub idle_bytes: u64,
}

/// What readers of one language get saved when they first open one of its pages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LanguagePack {
    /// The `lang` of its pages (`en-US`, `es`).
    pub lang: String,
    /// Its address prefix: `/` for the default language, `/es/`.
    pub prefix: String,
    /// Its offline page.
    pub offline: String,
    /// Its search files' folder (`/es/search/`).
    pub search: String,
    /// Its pages, sorted: home, offline page, red-flag guides and emergency pages.
    pub pages: Vec<String>,
}

impl Plan {
    /// The pack of readers of `lang` (`None`: the default language).
    pub fn pack(&self, lang: Option<&str>) -> Option<&LanguagePack> {
        let prefix = urls::in_lang(lang, urls::HOME);
        self.languages.iter().find(|p| p.prefix == prefix)
    }
}

/// The worker's plan for this site; `None` when the site turned the worker off.
pub fn precache(pages: &[Page], config: &SiteConfig) -> Option<Plan> {
    if !config.offline {
        return None;
    }
    let shared: Vec<String> = vec![
        "/favicon.svg".into(),
        "/reader.js".into(),
        "/style.css".into(),
        format!("{}medkb-search.js", urls::SEARCH),
        format!("{}medkb_search.wasm.xz", urls::SEARCH),
        format!("{}xz-decompress.min.js", urls::SEARCH),
    ];
    let wanted =
        |p: &Page| p.kind != PageKind::Home && (p.fm.gather_red_flags || p.body.red_flags.iter().any(|f| f.urgency == Urgency::Emergency));
    // Only a site with translations needs to ask which addresses exist.
    let published: std::collections::HashSet<&str> =
        if config.languages.is_empty() { Default::default() } else { pages.iter().map(|p| p.url.as_str()).collect() };
    let langs =
        std::iter::once((None, config.locale.clone())).chain(config.languages.iter().map(|l| (Some(l.code.as_str()), l.locale.clone())));
    let languages = langs
        .map(|(lang, locale)| {
            let at = |url: &str| urls::in_lang(lang, url);
            let mut list = vec![at(urls::HOME), at(urls::OFFLINE)];
            for p in pages.iter().filter(|p| p.lang.is_none() && wanted(p)) {
                // The page in the reader's language, or the original when it has no translation yet
                // (what that language's lists link to).
                let translated = at(&p.url);
                list.push(if lang.is_none() || published.contains(translated.as_str()) { translated } else { p.url.clone() });
            }
            // A translation that gathers or carries emergencies its original does not.
            list.extend(pages.iter().filter(|p| lang.is_some() && p.lang.as_deref() == lang && wanted(p)).map(|p| p.url.clone()));
            list.sort();
            list.dedup();
            LanguagePack { lang: locale, prefix: at(urls::HOME), offline: at(urls::OFFLINE), search: at(urls::SEARCH), pages: list }
        })
        .collect();
    Some(Plan { shared, languages, install_bytes: config.offline_search_install_bytes, idle_bytes: config.offline_search_idle_bytes })
}

/// The fingerprint of one output file, for [`version`].
pub fn file_hash(bytes: &[u8]) -> u64 {
    crate::fingerprint::of(bytes)
}

/// The build's version: a fingerprint of every output but the worker itself, given as
/// (path, [`file_hash`]) sorted by path.
pub fn version<'a>(files: impl Iterator<Item = (&'a str, u64)>) -> String {
    let worker = output_path();
    let mut h = crate::fingerprint::hasher();
    for (path, hash) in files.filter(|(p, _)| *p != worker) {
        (path, hash).hash(&mut h);
    }
    format!("{:016x}", h.finish())
}

/// The worker's script for this build.
pub fn script(plan: &Plan, version: &str) -> Vec<u8> {
    fn json<T: Serialize>(v: &T) -> String {
        serde_json::to_string(v).unwrap_or_else(|_| "[]".into())
    }
    SCRIPT
        .replace("__MEDKB_VERSION__", version)
        .replace("__MEDKB_SHARED__", &json(&plan.shared))
        .replace("__MEDKB_LANGUAGES__", &json(&plan.languages))
        .replace("__MEDKB_INSTALL_BYTES__", &plan.install_bytes.to_string())
        .replace("__MEDKB_IDLE_BYTES__", &plan.idle_bytes.to_string())
        .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_language_pack_has_its_own_home_offline_page_and_search() {
        let plan = Plan {
            shared: vec![],
            languages: vec![
                LanguagePack {
                    lang: "en-US".into(),
                    prefix: "/".into(),
                    offline: "/offline/".into(),
                    search: "/search/".into(),
                    pages: vec![],
                },
                LanguagePack {
                    lang: "es".into(),
                    prefix: "/es/".into(),
                    offline: "/es/offline/".into(),
                    search: "/es/search/".into(),
                    pages: vec![],
                },
            ],
            install_bytes: 0,
            idle_bytes: 0,
        };
        assert_eq!(plan.pack(Some("es")).map(|p| p.search.as_str()), Some("/es/search/"));
        assert_eq!(plan.pack(None).map(|p| p.offline.as_str()), Some("/offline/"));
    }
}
