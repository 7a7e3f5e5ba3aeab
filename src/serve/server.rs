//! The preview's HTTP side: the site from memory, live-reload events over SSE.
//!
//! The whole site is an immutable [`Site`] behind an [`ArcSwap`]: a request takes
//! the current one and keeps it for its whole life, and a rebuild swaps in a new
//! one in a single pointer store. So a reader never sees half of one build and
//! half of another, and no request waits for a rebuild. Nothing is read from disk,
//! so nothing outside the site can be served whatever the URL says; odd URLs
//! (`..`, encoded or double-encoded, backslashes) are still refused with 400
//! rather than looked up, so probes get a clear answer.
//!
//! Requests must name this server in their `Host` header ([`HostFilter`]): the
//! bound address, a loopback address, `localhost`, or a name allowed with
//! `--allow-host`. Any other name gets 403, so a web page that points its own
//! domain at 127.0.0.1 (DNS rebinding) cannot read the preview, as in Vite and
//! webpack-dev-server.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use arc_swap::ArcSwap;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use futures_util::stream::{self, Stream};
use tokio::sync::broadcast;
use tower_http::compression::CompressionLayer;

use crate::pipeline::incremental::Bytes as SiteBytes;

/// The reload script, served at [`SCRIPT_PATH`] and referenced from every HTML response.
pub const LIVERELOAD_JS: &str = include_str!("livereload.js");
pub const SCRIPT_PATH: &str = "/__medkb/livereload.js";
pub const EVENTS_PATH: &str = "/__medkb/events";

/// One servable file.
#[derive(Clone)]
pub struct Entry {
    bytes: Bytes,
    etag: HeaderValue,
    content_type: HeaderValue,
    html: bool,
}

struct Shared(SiteBytes);

impl AsRef<[u8]> for Shared {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl Entry {
    pub fn new(path: &str, bytes: &SiteBytes) -> Entry {
        let html = path.ends_with(".html");
        let hash = crate::fingerprint::of(&bytes[..]);
        // Weak: compression changes the bytes on the wire, not the resource.
        let etag = HeaderValue::from_str(&format!("W/\"{hash:016x}{}\"", if html { "-lr" } else { "" })).expect("ascii");
        Entry { bytes: Bytes::from_owner(Shared(bytes.clone())), etag, content_type: HeaderValue::from_static(content_type(path)), html }
    }
}

pub fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "txt" => "text/plain; charset=utf-8",
        "xml" if path.ends_with("atom.xml") => "application/atom+xml",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "wasm" => "application/wasm",
        "woff2" => "font/woff2",
        "gz" => "application/gzip",
        _ => mime_guess::from_ext(&ext).first_raw().unwrap_or("application/octet-stream"),
    }
}

/// One immutable version of the site, as buckets of files shared between versions:
/// an edit copies only the buckets holding what it changed. Copying one map of every
/// file was 6 ms of each edit at 10k pages, spent before the tabs could be told.
#[derive(Clone)]
pub struct Site {
    buckets: Vec<Arc<HashMap<String, Entry>>>,
}

/// Enough that a bucket of a 10k-page site holds a few hundred files.
const BUCKETS: usize = 64;

impl Default for Site {
    fn default() -> Site {
        Site { buckets: vec![Arc::default(); BUCKETS] }
    }
}

impl Site {
    fn bucket_of(path: &str) -> usize {
        (crate::fingerprint::of(path) % BUCKETS as u64) as usize
    }

    /// The file served at `path` (site-relative, no leading slash).
    pub fn get(&self, path: &str) -> Option<&Entry> {
        self.buckets[Self::bucket_of(path)].get(path)
    }

    /// The file with its path as stored.
    fn get_key_value(&self, path: &str) -> Option<(&String, &Entry)> {
        self.buckets[Self::bucket_of(path)].get_key_value(path)
    }

    pub fn contains(&self, path: &str) -> bool {
        self.get(path).is_some()
    }

    /// A new version: `old` with `changed` paths taken from `source` (absent there = removed).
    pub fn patched(old: &Site, source: &std::collections::BTreeMap<String, SiteBytes>, changed: &[String]) -> Site {
        let mut site = old.clone();
        for path in changed {
            let bucket = Arc::make_mut(&mut site.buckets[Self::bucket_of(path)]);
            match source.get(path) {
                Some(b) => bucket.insert(path.clone(), Entry::new(path, b)),
                None => bucket.remove(path),
            };
        }
        site
    }

    pub fn from_all(source: &std::collections::BTreeMap<String, SiteBytes>) -> Site {
        let mut buckets: Vec<HashMap<String, Entry>> = vec![HashMap::new(); BUCKETS];
        for (p, b) in source {
            buckets[Self::bucket_of(p)].insert(p.clone(), Entry::new(p, b));
        }
        Site { buckets: buckets.into_iter().map(Arc::new).collect() }
    }
}

/// The live-reload protocol between the preview and `livereload.js`: one typed event
/// per message on the SSE stream. The event's name is the SSE event name; its fields
/// are the JSON data (`livereload.js` reads exactly these).
#[derive(Clone, Debug, serde::Serialize)]
#[serde(untagged)]
pub enum LiveEvent {
    /// First message on every connection: the current version and errors.
    Hello { version: u64, errors: serde_json::Value },
    /// The site builds again: hide the error overlay.
    Ok { version: u64 },
    /// Only stylesheets changed: swap them without a reload.
    Css { version: u64, hrefs: Vec<String> },
    /// Pages changed: tabs showing them (or every tab, with `all`) reload.
    Reload { version: u64, all: bool, pages: Vec<String> },
    /// The site does not build: show these errors over the last good page.
    Errors { version: u64, errors: serde_json::Value },
}

impl LiveEvent {
    pub fn name(&self) -> &'static str {
        match self {
            LiveEvent::Hello { .. } => "hello",
            LiveEvent::Ok { .. } => "ok",
            LiveEvent::Css { .. } => "css",
            LiveEvent::Reload { .. } => "reload",
            LiveEvent::Errors { .. } => "errors",
        }
    }

    fn to_sse(&self) -> Event {
        Event::default().event(self.name()).data(serde_json::to_string(self).unwrap_or_default())
    }
}

/// Everything the handlers share.
pub struct AppState {
    pub site: ArcSwap<Site>,
    pub version: AtomicU64,
    /// The current errors as the JSON array the overlay shows; empty when the site builds.
    pub errors: ArcSwap<String>,
    pub events: broadcast::Sender<LiveEvent>,
    /// A search index is being built for the current pages. While it is, a search
    /// file the site does not have yet answers 503 (try again shortly) instead of
    /// 404, so the search box says "still being prepared" rather than "failed".
    pub indexing: AtomicBool,
}

impl AppState {
    pub fn new(site: Site) -> Arc<AppState> {
        let (events, _) = broadcast::channel(64);
        Arc::new(AppState {
            site: ArcSwap::from_pointee(site),
            version: AtomicU64::new(1),
            errors: ArcSwap::from_pointee(String::new()),
            events,
            indexing: AtomicBool::new(false),
        })
    }

    pub fn version(&self) -> u64 {
        self.version.load(Ordering::SeqCst)
    }

    pub fn send(&self, event: LiveEvent) {
        let _ = self.events.send(event);
    }
}

pub fn router(state: Arc<AppState>, hosts: HostFilter) -> Router {
    let hosts = Arc::new(hosts);
    Router::new()
        .route(SCRIPT_PATH, get(script))
        .route(EVENTS_PATH, get(events))
        .fallback_service(get(serve_file).with_state(state.clone()))
        .with_state(state)
        .layer(CompressionLayer::new())
        .layer(axum::middleware::from_fn(move |req: axum::extract::Request, next: axum::middleware::Next| {
            let hosts = hosts.clone();
            async move {
                let host = req.headers().get(header::HOST).map(|h| h.to_str().unwrap_or("\u{fffd}").to_string());
                match host {
                    Some(h) if !hosts.allows(&h) => (
                        StatusCode::FORBIDDEN,
                        format!(
                            "medkb serve does not answer for the host name `{}`; start it with --allow-host NAME to allow it\n",
                            h.escape_debug()
                        ),
                    )
                        .into_response(),
                    _ => next.run(req).await,
                }
            }
        }))
}

/// The `Host` values the preview answers to.
#[derive(Debug, Clone)]
pub struct HostFilter {
    bind: std::net::IpAddr,
    names: Vec<String>,
}

impl HostFilter {
    /// `bind` is the address listened on; `names` come from `--allow-host`.
    pub fn new(bind: std::net::IpAddr, names: &[String]) -> HostFilter {
        HostFilter { bind, names: names.iter().map(|n| n.trim().trim_end_matches('.').to_ascii_lowercase()).collect() }
    }

    /// Whether a request's `Host` header (name or address, with or without a port) is ours.
    pub fn allows(&self, host: &str) -> bool {
        let host = host.trim().to_ascii_lowercase();
        // Strip the port: `[::1]:1111` → `::1`, `localhost:1111` → `localhost`.
        let name = if let Some(rest) = host.strip_prefix('[') {
            match rest.split_once(']') {
                Some((ip, tail)) if tail.is_empty() || tail.starts_with(':') => ip.to_string(),
                _ => return false,
            }
        } else {
            match host.rsplit_once(':') {
                Some((n, port)) if port.bytes().all(|b| b.is_ascii_digit()) => n.to_string(),
                Some(_) => return false,
                None => host.clone(),
            }
        };
        let name = name.trim_end_matches('.');
        if let Ok(ip) = name.parse::<std::net::IpAddr>() {
            // An address cannot be rebound; still, answer only to addresses this server can be reached at.
            return ip.is_loopback() || ip == self.bind || self.bind.is_unspecified();
        }
        name == "localhost" || name.ends_with(".localhost") || self.names.iter().any(|n| n == name)
    }
}

async fn script() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, "no-cache")], LIVERELOAD_JS)
}

async fn events(State(state): State<Arc<AppState>>) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let rx = state.events.subscribe();
    let errors = state.errors.load_full();
    let hello = LiveEvent::Hello {
        version: state.version(),
        errors: if errors.is_empty() { serde_json::Value::Array(vec![]) } else { serde_json::from_str(&errors).unwrap_or_default() },
    };
    let first = stream::iter([Ok(hello.to_sse())]);
    let rest = stream::unfold((rx, state), |(mut rx, state)| async move {
        let event = match rx.recv().await {
            Ok(e) => e.to_sse(),
            // Too slow to keep up: tell the tab to reload everything.
            Err(broadcast::error::RecvError::Lagged(_)) => {
                LiveEvent::Reload { version: state.version(), all: true, pages: Vec::new() }.to_sse()
            }
            Err(broadcast::error::RecvError::Closed) => return None,
        };
        Some((Ok(event), (rx, state)))
    });
    Sse::new(futures_util::StreamExt::chain(first, rest)).keep_alive(KeepAlive::default())
}

/// Where a request path leads.
#[derive(Debug, PartialEq, Eq)]
pub enum Target {
    File(String),
    Redirect(String),
    BadRequest,
    NotFound,
}

/// Maps a raw request path to a file of the site. Never touches the disk.
pub fn resolve(raw: &str, query: Option<&str>, exists: impl Fn(&str) -> bool) -> Target {
    if !raw.starts_with('/') || raw.contains('\\') {
        return Target::BadRequest;
    }
    let Ok(decoded) = percent_encoding::percent_decode_str(raw).decode_utf8() else { return Target::BadRequest };
    if decoded.contains(['\\', '\0']) {
        return Target::BadRequest;
    }
    // Double encoding (`%252e%252e`) is a probe, not a file name medkb writes.
    if decoded.contains('%') && percent_encoding::percent_decode_str(&decoded).decode_utf8_lossy() != decoded {
        return Target::BadRequest;
    }
    let rel = &decoded[1..];
    if rel.split('/').any(|s| s == ".." || s == ".") {
        return Target::BadRequest;
    }
    if rel.split('/').rev().skip(1).any(str::is_empty) {
        return Target::NotFound;
    }
    if rel.is_empty() || rel.ends_with('/') {
        let index = format!("{rel}index.html");
        return if exists(&index) { Target::File(index) } else { Target::NotFound };
    }
    if exists(rel) {
        return Target::File(rel.to_string());
    }
    if exists(&format!("{rel}/index.html")) {
        let q = query.map(|q| format!("?{q}")).unwrap_or_default();
        return Target::Redirect(format!("{raw}/{q}"));
    }
    Target::NotFound
}

/// The 404 page for an unknown `path`: the one in its first folder when there is one
/// (`/es/x` → `es/404.html`, a language's own), else the site's.
fn not_found_page(path: &str, exists: impl Fn(&str) -> bool) -> Option<String> {
    let folder = path.trim_start_matches('/').split('/').next().filter(|f| !f.is_empty() && !f.starts_with('.'));
    folder.map(|f| format!("{f}/404.html")).into_iter().chain(std::iter::once("404.html".to_string())).find(|p| exists(p))
}

/// The script tag added before `</body>`, naming the output file so the tab knows
/// whether a rebuild touched it.
fn with_script(bytes: &[u8], page: &str) -> Vec<u8> {
    let tag = format!("<script src=\"{SCRIPT_PATH}\" data-page=\"{page}\" defer></script>\n");
    let at = bytes.windows(7).rposition(|w| w.eq_ignore_ascii_case(b"</body>")).unwrap_or(bytes.len());
    let mut out = Vec::with_capacity(bytes.len() + tag.len());
    out.extend_from_slice(&bytes[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&bytes[at..]);
    out
}

fn etag_matches(headers: &HeaderMap, etag: &HeaderValue) -> bool {
    let strip = |s: &str| s.trim().trim_start_matches("W/").to_string();
    let want = strip(etag.to_str().unwrap_or(""));
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| t.trim() == "*" || strip(t) == want)
}

async fn serve_file(State(state): State<Arc<AppState>>, headers: HeaderMap, uri: Uri) -> Response {
    let site = state.site.load_full();
    match resolve(uri.path(), uri.query(), |p| site.contains(p)) {
        Target::BadRequest => (StatusCode::BAD_REQUEST, "bad request path\n").into_response(),
        Target::Redirect(to) => (StatusCode::FOUND, [(header::LOCATION, to)]).into_response(),
        Target::File(path) => {
            let Some(entry) = site.get(&path) else { return StatusCode::NOT_FOUND.into_response() };
            if etag_matches(&headers, &entry.etag) {
                return (StatusCode::NOT_MODIFIED, [(header::ETAG, entry.etag.clone())]).into_response();
            }
            file_response(StatusCode::OK, &path, entry)
        }
        Target::NotFound if state.indexing.load(Ordering::SeqCst) && is_search_file(uri.path()) => (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::RETRY_AFTER, "1"), (header::CACHE_CONTROL, "no-store"), (header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "medkb serve is still building the search index; pages are ready\n",
        )
            .into_response(),
        Target::NotFound => match not_found_page(uri.path(), |p| site.contains(p)).and_then(|p| site.get_key_value(&p)) {
            Some((path, entry)) => file_response(StatusCode::NOT_FOUND, path, entry),
            None => {
                let body = with_script(b"<!DOCTYPE html><title>Not found</title><h1>Not found</h1></body>", "404.html");
                (StatusCode::NOT_FOUND, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
            }
        },
    }
}

/// Whether a request path is in a search folder (`/search/`, `/<lang>/search/`; a
/// language code is short, a folder of pages is not).
fn is_search_file(path: &str) -> bool {
    let mut segments = path.trim_start_matches('/').split('/');
    match (segments.next(), segments.next()) {
        (Some("search"), _) => true,
        (Some(lang), Some("search")) => (2..=5).contains(&lang.len()) && lang.chars().all(|c| c.is_ascii_alphabetic() || c == '-'),
        _ => false,
    }
}

fn file_response(status: StatusCode, path: &str, entry: &Entry) -> Response {
    let body = if entry.html { Body::from(with_script(&entry.bytes, path)) } else { Body::from(entry.bytes.clone()) };
    let mut res = Response::new(body);
    *res.status_mut() = status;
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, entry.content_type.clone());
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if status == StatusCode::OK {
        h.insert(header::ETAG, entry.etag.clone());
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_patched_site_shares_what_the_edit_did_not_touch() {
        let bytes = |s: &str| -> SiteBytes { Arc::from(s.as_bytes()) };
        let mut source: std::collections::BTreeMap<String, SiteBytes> =
            (0..500).map(|i| (format!("conditions/p{i}/index.html"), bytes("old"))).collect();
        let old = Site::from_all(&source);
        source.insert("conditions/p7/index.html".into(), bytes("new"));
        source.remove("conditions/p8/index.html");
        let changed = ["conditions/p7/index.html".to_string(), "conditions/p8/index.html".to_string()];
        let new = Site::patched(&old, &source, &changed);
        assert_eq!(&new.get("conditions/p7/index.html").unwrap().bytes[..], b"new");
        assert!(!new.contains("conditions/p8/index.html"));
        // The old version still serves what it served.
        assert_eq!(&old.get("conditions/p7/index.html").unwrap().bytes[..], b"old");
        assert!(old.contains("conditions/p8/index.html"));
        let shared = old.buckets.iter().zip(&new.buckets).filter(|(a, b)| Arc::ptr_eq(a, b)).count();
        assert!(shared >= BUCKETS - 2, "only the edited buckets are copied: {shared} of {BUCKETS} shared");
    }

    fn r(path: &str) -> Target {
        let files = ["index.html", "conditions/gout/index.html", "style.css", "404.html", "search/index.json"];
        resolve(path, Some("a=1").filter(|_| path == "/conditions/gout"), |p| files.contains(&p))
    }

    #[test]
    fn resolves_pretty_urls() {
        assert_eq!(r("/"), Target::File("index.html".into()));
        assert_eq!(r("/conditions/gout/"), Target::File("conditions/gout/index.html".into()));
        assert_eq!(r("/conditions/gout/index.html"), Target::File("conditions/gout/index.html".into()));
        assert_eq!(r("/conditions/gout"), Target::Redirect("/conditions/gout/?a=1".into()));
        assert_eq!(r("/style.css"), Target::File("style.css".into()));
        assert_eq!(r("/conditions%2Fgout/"), Target::File("conditions/gout/index.html".into()));
        assert_eq!(r("/nothing/"), Target::NotFound);
        assert_eq!(r("/conditions//gout/"), Target::NotFound);
    }

    #[test]
    fn a_language_folder_has_its_own_404() {
        let files = ["404.html", "es/404.html"];
        let nf = |p: &str| not_found_page(p, |f| files.contains(&f));
        assert_eq!(nf("/es/conditions/nope/").as_deref(), Some("es/404.html"));
        assert_eq!(nf("/es").as_deref(), Some("es/404.html"));
        assert_eq!(nf("/conditions/nope/").as_deref(), Some("404.html"));
        assert_eq!(nf("/").as_deref(), Some("404.html"));
        assert_eq!(not_found_page("/x/", |_| false), None);
    }

    #[test]
    fn refuses_traversal() {
        for bad in [
            "/../etc/passwd",
            "/conditions/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/%2E%2E%2Fetc%2Fpasswd",
            "/..%2f..%2fetc/passwd",
            "/%252e%252e/%252e%252e/etc/passwd",
            "/..\\..\\etc\\passwd",
            "/%5c..%5c..%5cetc",
            "/./style.css",
            "/a%00b",
            "/%ff",
        ] {
            assert_eq!(r(bad), Target::BadRequest, "{bad}");
        }
    }

    #[test]
    fn script_goes_before_body_end() {
        let out = with_script(b"<html><body><p>x</p></BODY></html>", "a/index.html");
        let s = String::from_utf8(out).unwrap();
        assert!(s.contains("<p>x</p><script src=\"/__medkb/livereload.js\" data-page=\"a/index.html\" defer></script>\n</BODY>"), "{s}");
    }

    #[test]
    fn only_our_host_names_are_answered() {
        let local = HostFilter::new("127.0.0.1".parse().unwrap(), &["preview.test".to_string()]);
        for ok in ["127.0.0.1:1111", "localhost:1111", "LOCALHOST", "[::1]:1111", "127.0.0.1", "preview.test:80", "a.localhost:1"] {
            assert!(local.allows(ok), "{ok}");
        }
        for bad in ["evil.example:1111", "evil.example", "192.168.1.9:1111", "localhost.evil.example", "[::1", "127.0.0.1:x", ""] {
            assert!(!local.allows(bad), "{bad}");
        }
        let any = HostFilter::new("0.0.0.0".parse().unwrap(), &[]);
        assert!(any.allows("192.168.1.9:1111"));
        assert!(!any.allows("rebind.evil.example:1111"));
    }

    #[test]
    fn search_folders_are_recognised() {
        assert!(is_search_file("/search/manifest.json"));
        assert!(is_search_file("/es/search/head.gz"));
        assert!(!is_search_file("/conditions/search/"));
        assert!(!is_search_file("/searching/manifest.json"));
    }

    #[test]
    fn etags_compare_weakly() {
        let mut h = HeaderMap::new();
        let etag = HeaderValue::from_static("W/\"abc\"");
        h.insert(header::IF_NONE_MATCH, HeaderValue::from_static("\"x\", \"abc\""));
        assert!(etag_matches(&h, &etag));
        h.insert(header::IF_NONE_MATCH, HeaderValue::from_static("W/\"other\""));
        assert!(!etag_matches(&h, &etag));
    }
}
