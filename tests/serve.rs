//! `medkb serve` end to end: the real binary on an ephemeral port against a small
//! site in a temporary folder, edited the ways editors save files. Every wait is
//! bounded; a hung server fails the test instead of hanging it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(20);

fn page(title: &str, region: &str, related: &[&str], extra: &str) -> String {
    let related: Vec<String> = related.iter().map(|r| format!("\"{r}\"")).collect();
    format!(
        "+++\ntitle = \"{title}\"\nsummary = \"A short summary of {title}.\"\nbody_region = \"{region}\"\nrelated = [{}]\nlast_reviewed = 2026-01-10\nreviewed_by = [\"Dr A\"]\n\n[[sources]]\ntitle = \"A source\"\n+++\n\nLead text about {title}. {extra}\n\n## Symptoms\n\n- pain when running\n\n## Causes\n\n- too much too soon\n\n## Fixes\n\n- rest\n\n## Red flags\n\n- emergency: the leg is cold and pale\n- routine: no better after two weeks\n",
        related.join(", ")
    )
}

fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("content/conditions")).unwrap();
    std::fs::create_dir_all(d.join("content/guides")).unwrap();
    std::fs::write(
        d.join("site.toml"),
        "title = \"Serve Test\"\nbase_url = \"https://example.org\"\nlocale = \"en-US\"\ndisclaimer = \"Not advice.\"\n",
    )
    .unwrap();
    std::fs::write(
        d.join("content/conditions/shin-splints.md"),
        page("Shin splints", "lower-leg", &["calf-strain"], "See [[calf-strain]]."),
    )
    .unwrap();
    std::fs::write(
        d.join("content/conditions/calf-strain.md"),
        page("Calf strain", "lower-leg", &["shin-splints"], "Not [[shin-splints]]."),
    )
    .unwrap();
    std::fs::write(
        d.join("content/guides/when-to-get-help.md"),
        "+++\ntitle = \"When to get help\"\nsummary = \"Signs that need a doctor.\"\nlast_reviewed = 2026-01-10\n\n[[sources]]\ntitle = \"A source\"\n+++\n\nRead [[shin-splints]] and [[calf-strain#fixes]].\n",
    )
    .unwrap();
    dir
}

struct Server {
    child: Child,
    base: String,
    log: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn start(root: &Path) -> Server {
        Server::start_with(root, &[])
    }

    fn start_with(root: &Path, extra: &[&str]) -> Server {
        Server::start_env(root, extra, &[])
    }

    fn start_env(root: &Path, extra: &[&str], env: &[(&str, &Path)]) -> Server {
        let log = root.with_extension("serve.log");
        let mut child = Command::new(env!("CARGO_BIN_EXE_medkb"))
            .args(["serve", "--port", "0", "--root"])
            .arg(root)
            .args(extra)
            .envs(env.iter().map(|(k, v)| (*k, *v)))
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let deadline = Instant::now() + WAIT;
        let base = loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(line) => {
                    if let Some(url) = line.strip_prefix("medkb: serving ") {
                        break url.trim_end_matches('/').to_string();
                    }
                }
                Err(_) => {
                    panic!("medkb serve printed no address within {WAIT:?}; log:\n{}", std::fs::read_to_string(&log).unwrap_or_default())
                }
            }
        };
        Server { child, base, log }
    }

    fn agent() -> ureq::Agent {
        ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(10)))
            .http_status_as_error(false)
            .max_redirects(0)
            .max_redirects_will_error(false)
            .build()
            .into()
    }

    fn get(&self, path: &str) -> (u16, String) {
        let mut res = Self::agent().get(format!("{}{path}", self.base)).call().unwrap();
        let status = res.status().as_u16();
        (status, res.body_mut().read_to_string().unwrap_or_default())
    }

    /// A request sent byte for byte as written: no client-side path normalising
    /// or decompression. Returns the response head.
    fn raw_response(&self, path: &str, headers: &str) -> String {
        let addr = self.base.trim_start_matches("http://");
        let mut s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        write!(s, "GET {path} HTTP/1.1\r\nHost: {addr}\r\n{headers}Connection: close\r\n\r\n").unwrap();
        let mut out = Vec::new();
        let _ = s.read_to_end(&mut out);
        let out = String::from_utf8_lossy(&out);
        out.split("\r\n\r\n").next().unwrap_or("").to_string()
    }

    /// The status of a GET sent with this `Host` header.
    fn status_for_host(&self, path: &str, host: &str) -> u16 {
        let addr = self.base.trim_start_matches("http://");
        let mut s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        write!(s, "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").unwrap();
        let mut out = Vec::new();
        let _ = s.read_to_end(&mut out);
        String::from_utf8_lossy(&out).split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0)
    }

    fn raw_status(&self, path: &str) -> u16 {
        self.raw_response(path, "").split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0)
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

/// The live-reload stream, read on a thread: (event, data) pairs.
struct Events {
    rx: mpsc::Receiver<(String, String)>,
}

impl Events {
    fn open(server: &Server) -> Events {
        let addr = server.base.trim_start_matches("http://").to_string();
        let mut s = TcpStream::connect(&addr).unwrap();
        // HTTP/1.0: the body is close-delimited, so lines are never split by chunk headers.
        write!(s, "GET /__medkb/events HTTP/1.0\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n").unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut event = String::new();
            for line in BufReader::new(s).lines().map_while(Result::ok) {
                if let Some(e) = line.strip_prefix("event: ") {
                    event = e.to_string();
                } else if let Some(d) = line.strip_prefix("data: ") {
                    if tx.send((event.clone(), d.to_string())).is_err() {
                        break;
                    }
                }
            }
        });
        let ev = Events { rx };
        let (name, _) = ev.next_within(WAIT).expect("a hello event");
        assert_eq!(name, "hello");
        ev
    }

    fn next_within(&self, d: Duration) -> Option<(String, String)> {
        self.rx.recv_timeout(d).ok()
    }

    /// Waits for an event of this name, skipping others; panics after [`WAIT`].
    fn wait_for(&self, name: &str, log: impl Fn() -> String) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok((n, data)) if n == name => return data,
                Ok(_) => {}
                Err(_) => panic!("no `{name}` event within {WAIT:?}; server log:\n{}", log()),
            }
        }
    }

    /// Everything that arrives until `quiet` passes with nothing.
    fn drain(&self, quiet: Duration) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let deadline = Instant::now() + WAIT;
        while let Ok(e) = self.rx.recv_timeout(quiet) {
            out.push(e);
            if Instant::now() > deadline {
                break;
            }
        }
        out
    }
}

/// Saves the way VS Code and JetBrains do: write a temporary file, rename it over.
fn write_temp_rename(path: &Path, text: &str) {
    let tmp = path.with_file_name(format!("{}___jb_tmp___", path.file_name().unwrap().to_string_lossy()));
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

/// Saves the way vim does by default: probe file, move the original aside, write anew, drop the backup.
fn write_vim_style(path: &Path, text: &str) {
    let dir = path.parent().unwrap();
    let probe = dir.join("4913");
    std::fs::write(&probe, "").unwrap();
    std::fs::remove_file(&probe).unwrap();
    let swap = dir.join(format!(".{}.swp", path.file_name().unwrap().to_string_lossy()));
    std::fs::write(&swap, "swap").unwrap();
    let backup = path.with_file_name(format!("{}~", path.file_name().unwrap().to_string_lossy()));
    std::fs::rename(path, &backup).unwrap();
    std::fs::write(path, text).unwrap();
    std::fs::remove_file(&backup).unwrap();
    std::fs::remove_file(&swap).unwrap();
}

#[test]
fn edits_reload_tabs_and_errors_show_an_overlay() {
    let site = fixture();
    let root = site.path();
    let server = Server::start(root);
    let log = || server.log();
    let shin = root.join("content/conditions/shin-splints.md");
    let shin_url = "/conditions/shin-splints/";

    let (status, html) = server.get(shin_url);
    assert_eq!(status, 200);
    assert!(html.contains("Shin splints") && html.contains("/__medkb/livereload.js"), "{html}");
    let events = Events::open(&server);

    // 1. In place.
    let mut f = std::fs::OpenOptions::new().append(true).open(&shin).unwrap();
    f.write_all(b"\nAn in-place zebra sentence.\n").unwrap();
    drop(f);
    let data = events.wait_for("reload", log);
    assert!(data.contains("conditions/shin-splints/index.html"), "{data}");
    assert!(server.get(shin_url).1.contains("in-place zebra"));

    // 2. Temporary file renamed over the page.
    write_temp_rename(&shin, &page("Shin splints", "lower-leg", &["calf-strain"], "See [[calf-strain]]. Renamed-over giraffe."));
    let data = events.wait_for("reload", log);
    assert!(data.contains("conditions/shin-splints/index.html"), "{data}");
    assert!(server.get(shin_url).1.contains("Renamed-over giraffe"));

    // 3. vim's backup dance.
    write_vim_style(&shin, &page("Shin splints", "lower-leg", &["calf-strain"], "See [[calf-strain]]. Vim okapi."));
    events.wait_for("reload", log);
    assert!(server.get(shin_url).1.contains("Vim okapi"));

    // 4. A broken save: overlay with file:line:col, the last good page stays.
    let broken = page("Shin splints", "lower-leg", &["calf-strain"], "See [[calf-strain]] and [[no-such-page]]. Broken yak.");
    std::fs::write(&shin, &broken).unwrap();
    let data = events.wait_for("errors", log);
    let line = broken.lines().position(|l| l.contains("[[no-such-page]]")).unwrap() + 1;
    assert!(data.contains(&format!("content/conditions/shin-splints.md:{line}:")), "{data}");
    assert!(data.contains("no-such-page") && data.contains("help"), "{data}");
    let (status, html) = server.get(shin_url);
    assert_eq!(status, 200);
    assert!(html.contains("Vim okapi") && !html.contains("Broken yak"), "the last good page stays served");
    // A new tab gets the overlay straight away.
    let (_, hello) = Events::open_raw(&server);
    assert!(hello.contains("no-such-page"), "{hello}");
    // The fix clears it by itself.
    std::fs::write(&shin, page("Shin splints", "lower-leg", &["calf-strain"], "See [[calf-strain]]. Fixed ibis.")).unwrap();
    events.wait_for("ok", log);
    events.wait_for("reload", log);
    assert!(server.get(shin_url).1.contains("Fixed ibis"));

    // 5. Delete and recreate: a linked page vanishing is an error until it is back.
    std::fs::remove_file(&shin).unwrap();
    events.wait_for("errors", log);
    std::fs::write(&shin, page("Shin splints", "lower-leg", &["calf-strain"], "See [[calf-strain]]. Recreated heron.")).unwrap();
    events.wait_for("ok", log);
    events.wait_for("reload", log);
    assert!(server.get(shin_url).1.contains("Recreated heron"));

    // 6. A stylesheet: swapped in place, no page reload.
    std::fs::create_dir_all(root.join("static")).unwrap();
    std::fs::write(root.join("static/style.css"), "body { color: rebeccapurple }\n").unwrap();
    let data = events.wait_for("css", log);
    assert!(data.contains("/style.css"), "{data}");
    assert!(events.drain(Duration::from_millis(500)).iter().all(|(n, _)| n != "reload"), "a CSS change reloads no page");
    assert_eq!(server.get("/style.css").1, "body { color: rebeccapurple }\n");

    // 7. A burst: 200 new pages written at once give one rebuild (a few on a loaded machine).
    let dir = root.join("content/conditions");
    for i in 0..200 {
        std::fs::write(dir.join(format!("burst-{i}.md")), page(&format!("Burst {i}"), "lower-leg", &[], "See [[calf-strain]].")).unwrap();
    }
    // Wait for what is asserted (every page served), not for a fixed quiet time: on a
    // loaded machine the 200 writes can straddle a coalescing window.
    let deadline = Instant::now() + WAIT;
    let mut burst = Vec::new();
    while (0..200).step_by(33).chain([199]).any(|i| server.get(&format!("/conditions/burst-{i}/")).0 != 200) {
        let left = deadline.saturating_duration_since(Instant::now());
        match events.rx.recv_timeout(left) {
            Ok(e) => burst.push(e),
            Err(_) => panic!("the burst was not served within {WAIT:?}; events {burst:?}\n{}", log()),
        }
    }
    // The site is swapped in before its event is sent: the event may still be on its way.
    if !burst.iter().any(|(n, _)| n == "reload") {
        burst.push(("reload".into(), events.wait_for("reload", log)));
    }
    // Coalescing is about time, so the bound leaves room for a loaded machine that
    // pauses the writer mid-burst (each pause can split a batch); what must never
    // happen is a rebuild per save or per small group of saves.
    let reloads = burst.iter().filter(|(n, _)| n == "reload").count();
    assert!((1..=10).contains(&reloads), "200 saves at once coalesce into a few rebuilds, got {reloads}: {burst:?}\n{}", log());

    // Editor side files never trigger a rebuild.
    std::fs::write(dir.join(".shin-splints.md.swp"), "x").unwrap();
    std::fs::write(dir.join("shin-splints.md~"), "x").unwrap();
    assert!(events.drain(Duration::from_millis(500)).is_empty());
}

impl Events {
    /// Opens a second stream and returns its hello data.
    fn open_raw(server: &Server) -> (Events, String) {
        let addr = server.base.trim_start_matches("http://").to_string();
        let mut s = TcpStream::connect(&addr).unwrap();
        write!(s, "GET /__medkb/events HTTP/1.0\r\nHost: {addr}\r\n\r\n").unwrap();
        s.set_read_timeout(Some(WAIT)).unwrap();
        let mut reader = BufReader::new(s);
        let mut hello = String::new();
        let mut line = String::new();
        while reader.read_line(&mut line).unwrap_or(0) > 0 {
            if let Some(d) = line.strip_prefix("data: ") {
                hello = d.to_string();
                break;
            }
            line.clear();
        }
        let (_tx, rx) = mpsc::channel();
        (Events { rx }, hello)
    }
}

#[test]
fn serves_safely_from_memory() {
    let site = fixture();
    let server = Server::start(site.path());
    // Pretty URLs and redirects.
    assert_eq!(server.get("/").0, 200);
    let mut res = Server::agent().get(format!("{}/conditions/calf-strain", server.base)).call().unwrap();
    assert_eq!(res.status().as_u16(), 302);
    assert_eq!(res.headers().get("location").unwrap(), "/conditions/calf-strain/");
    let _ = res.body_mut().read_to_string();
    // Content types, ETag and 304.
    let res = Server::agent().get(format!("{}/style.css", server.base)).call().unwrap();
    assert!(res.headers().get("content-type").unwrap().to_str().unwrap().starts_with("text/css"));
    let etag = res.headers().get("etag").unwrap().to_str().unwrap().to_string();
    let res = Server::agent().get(format!("{}/style.css", server.base)).header("If-None-Match", &etag).call().unwrap();
    assert_eq!(res.status().as_u16(), 304);
    // Compression when asked for.
    let head = server.raw_response("/conditions/calf-strain/", "Accept-Encoding: gzip\r\n");
    assert!(head.to_ascii_lowercase().contains("content-encoding: gzip"), "{head}");
    // The site's own 404 page, with status 404.
    let (status, html) = server.get("/no/such/page/");
    assert_eq!(status, 404);
    assert!(html.contains("<html") && html.contains("livereload.js"), "{html}");
    // Nothing outside the site, whatever the spelling.
    for probe in [
        "/../site.toml",
        "/../../../../etc/passwd",
        "/%2e%2e/site.toml",
        "/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/..%2fsite.toml",
        "/%252e%252e/site.toml",
        "/..\\site.toml",
        "/%5c..%5csite.toml",
        "/conditions/../../site.toml",
        "/content/conditions/calf-strain.md",
        "/site.toml",
    ] {
        let status = server.raw_status(probe);
        assert!(status == 400 || status == 404, "{probe} gave {status}");
    }
    // The build output never carries the reload script.
    let out = site.path().join("out");
    let built =
        Command::new(env!("CARGO_BIN_EXE_medkb")).args(["build", "--root"]).arg(site.path()).arg("--output").arg(&out).output().unwrap();
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    let html = std::fs::read_to_string(out.join("conditions/calf-strain/index.html")).unwrap();
    assert!(!html.contains("livereload"));
}

/// DNS rebinding: a page on another site that points its own name at 127.0.0.1 must
/// not be able to read the preview (D11 of the 2026-11-27 review).
#[test]
fn answers_only_its_own_host_names() {
    let site = fixture();
    let server = Server::start_with(site.path(), &["--allow-host", "preview.test"]);
    let port = server.base.rsplit(':').next().unwrap().to_string();
    for host in [format!("127.0.0.1:{port}"), format!("localhost:{port}"), format!("preview.test:{port}")] {
        assert_eq!(server.status_for_host("/", &host), 200, "{host}");
    }
    for host in [format!("evil.example:{port}"), "evil.example".to_string(), format!("localhost.evil.example:{port}")] {
        assert_eq!(server.status_for_host("/", &host), 403, "{host}");
        assert_eq!(server.status_for_host("/__medkb/events", &host), 403, "{host}");
    }
}

#[test]
fn a_site_broken_at_start_still_serves_the_overlay() {
    let site = fixture();
    std::fs::write(site.path().join("content/conditions/calf-strain.md"), page("Calf strain", "nowhere", &["shin-splints"], "x")).unwrap();
    let server = Server::start(site.path());
    let (status, html) = server.get("/");
    assert_eq!(status, 404);
    assert!(html.contains("livereload.js"));
    let (_e, hello) = Events::open_raw(&server);
    assert!(hello.contains("body regions") || hello.contains("nowhere"), "{hello}");
    let events = Events::open(&server);
    std::fs::write(site.path().join("content/conditions/calf-strain.md"), page("Calf strain", "lower-leg", &["shin-splints"], "x"))
        .unwrap();
    events.wait_for("ok", || server.log());
    assert_eq!(server.get("/conditions/calf-strain/").0, 200);
}

/// `--today` pins the date review checks use in the preview, as in `build` and `check`:
/// the preview and the build must agree on what is overdue.
#[test]
fn serve_honours_today_like_build() {
    let site = fixture();
    let overdue = |extra: &[&str]| {
        let server = Server::start_with(site.path(), extra);
        let (status, html) = server.get("/conditions/calf-strain/");
        assert_eq!(status, 200);
        html.contains("This page is overdue for review")
    };
    assert!(overdue(&["--today", "2099-01-01"]), "in 2099 every page is overdue");
    assert!(!overdue(&["--today", "2026-01-11"]), "the day after review nothing is");
    let out = site.path().join("out");
    let built = Command::new(env!("CARGO_BIN_EXE_medkb"))
        .args(["build", "--today", "2099-01-01", "--root"])
        .arg(site.path())
        .arg("--output")
        .arg(&out)
        .output()
        .unwrap();
    assert!(built.status.success());
    assert!(std::fs::read_to_string(out.join("conditions/calf-strain/index.html")).unwrap().contains("This page is overdue for review"));
}

/// Issue 15: translations are served and rebuilt like any page, and saving an
/// original that was reviewed again marks its translation stale at once: on the
/// page and in the terminal.
#[test]
fn saving_a_re_reviewed_original_marks_its_translation_stale() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bilingual");
    for entry in walkdir::WalkDir::new(&from) {
        let entry = entry.unwrap();
        let dest = root.join(entry.path().strip_prefix(&from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
    let server = Server::start_with(&root, &["--today", "2026-11-21"]);
    let (status, html) = server.get("/es/conditions/calf-strain/");
    assert_eq!(status, 200);
    assert!(html.contains("<html lang=\"es\">") && !html.contains("notice--stale"));
    let original = root.join("content/conditions/calf-strain.md");
    let text = std::fs::read_to_string(&original).unwrap().replace("last_reviewed = 2026-01-10", "last_reviewed = 2026-11-01");
    write_temp_rename(&original, &text);
    let log = || std::fs::read_to_string(root.with_extension("serve.log")).unwrap_or_default();
    let deadline = Instant::now() + WAIT;
    loop {
        let stale_page = server.get("/es/conditions/calf-strain/").1.contains("notice--stale");
        let said = log().contains("warning[translation-stale]");
        if stale_page && said {
            break;
        }
        assert!(Instant::now() < deadline, "no stale notice within {WAIT:?} (page: {stale_page}); log:\n{}", log());
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(log().contains("content/es/conditions/calf-strain.md"), "{}", log());
}

/// Issue 14, item 5: the preview serves its pages before the search index is built.
/// Until the index is there, a search file answers 503 (the search box then says it
/// is still being prepared and retries); then the index appears whole, with the bytes
/// `medkb build` writes.
#[test]
fn pages_are_served_before_the_search_index_is_ready() {
    let site = fixture();
    let hold = site.path().with_extension("hold-search");
    std::fs::write(&hold, "").unwrap();
    let server = Server::start_env(site.path(), &["--today", "2026-11-21"], &[("MEDKB_SERVE_HOLD_SEARCH", &hold)]);
    let (status, html) = server.get("/conditions/calf-strain/");
    assert_eq!(status, 200, "pages are served while the index is held back");
    assert!(html.contains("data-search-root=\"/search/\""), "{html}");
    let head = server.raw_response("/search/manifest.json", "");
    assert!(head.starts_with("HTTP/1.1 503"), "{head}");
    assert!(head.to_ascii_lowercase().contains("retry-after: 1"), "{head}");
    assert_eq!(server.raw_status("/search/no-such-file"), 503);
    // Other missing files are still plain 404s.
    assert_eq!(server.raw_status("/no/such/page/"), 404);

    std::fs::remove_file(&hold).unwrap();
    let deadline = Instant::now() + WAIT;
    let manifest = loop {
        let (status, body) = server.get("/search/manifest.json");
        if status == 200 {
            break body;
        }
        assert_eq!(status, 503, "{body}");
        assert!(Instant::now() < deadline, "no search index within {WAIT:?}; log:\n{}", server.log());
        std::thread::sleep(Duration::from_millis(20));
    };
    let out = site.path().join("out");
    let built = Command::new(env!("CARGO_BIN_EXE_medkb"))
        .args(["build", "--today", "2026-11-21", "--root"])
        .arg(site.path())
        .arg("--output")
        .arg(&out)
        .output()
        .unwrap();
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    assert_eq!(manifest, std::fs::read_to_string(out.join("search/manifest.json")).unwrap());
    // Once the index is there, a search file it does not have is a 404 again.
    assert_eq!(server.raw_status("/search/no-such-file"), 404);
}
