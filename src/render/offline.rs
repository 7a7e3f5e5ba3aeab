//! The offline service worker: what it pre-caches, and its build version.
//!
//! Readers most need the emergency guidance where the signal is worst. The worker
//! pre-caches the home page, every guide that gathers the site's red flags (such as
//! "when to see a doctor"), every page with an emergency red flag, the offline page,
//! the stylesheet and scripts and the search module and head; it caches what a reader
//! opens as they go. Its version is a fingerprint of every other file of the build,
//! so any change makes a new cache and the old one is dropped whole: no mix of builds.
//! The full build and the preview compute it the same way ([`version`]) from the same
//! bytes, so `sw.js` stays byte-identical between them. The preview never registers
//! it: `reader.js` skips registration on a page that carries the live-reload script.

use std::hash::{Hash, Hasher};

use crate::config::SiteConfig;
use crate::parse::markdown::Urgency;
use crate::parse::{Page, PageKind};
use crate::urls;

const SCRIPT: &str = include_str!("sw.js");

/// The output path of the worker (`sw.js`).
pub fn output_path() -> String {
    urls::output_path(urls::SERVICE_WORKER)
}

/// The addresses the worker fetches when it installs, sorted.
pub fn precache(pages: &[Page], config: &SiteConfig) -> Vec<String> {
    if !config.offline {
        return Vec::new();
    }
    let mut urls: Vec<String> = vec![
        urls::HOME.into(),
        urls::OFFLINE.into(),
        "/style.css".into(),
        "/reader.js".into(),
        "/favicon.svg".into(),
        format!("{}medkb-search.js", urls::SEARCH),
        format!("{}medkb_search.wasm.xz", urls::SEARCH),
        format!("{}xz-decompress.min.js", urls::SEARCH),
        format!("{}manifest.json", urls::SEARCH),
    ];
    for p in pages {
        let emergency = p.body.red_flags.iter().any(|f| f.urgency == Urgency::Emergency);
        if p.kind != PageKind::Home && (emergency || p.fm.gather_red_flags) {
            urls.push(p.url.clone());
        }
    }
    urls.sort();
    urls.dedup();
    urls
}

/// The fingerprint of one output file, for [`version`].
pub fn file_hash(bytes: &[u8]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    h.finish()
}

/// The build's version: a fingerprint of every output but the worker itself, given as
/// (path, [`file_hash`]) sorted by path.
pub fn version<'a>(files: impl Iterator<Item = (&'a str, u64)>) -> String {
    let worker = output_path();
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for (path, hash) in files.filter(|(p, _)| *p != worker) {
        (path, hash).hash(&mut h);
    }
    format!("{:016x}", h.finish())
}

/// The worker's script for this build.
pub fn script(precache: &[String], version: &str) -> Vec<u8> {
    let list = serde_json::to_string(precache).unwrap_or_else(|_| "[]".into());
    SCRIPT
        .replace("__MEDKB_VERSION__", version)
        .replace("__MEDKB_PRECACHE__", &list)
        .replace("__MEDKB_OFFLINE__", urls::OFFLINE)
        .replace("__MEDKB_SEARCH__", urls::SEARCH)
        .into_bytes()
}
