//! `medkb serve`: the authors' preview. Build, serve from memory, watch, rebuild
//! what an edit touched, and tell the open tabs.
//!
//! Three parts, on their own threads, joined by channels:
//!
//! * [`watch`]: file-system events → a set of [`Change`]s (editor noise dropped,
//!   bursts merged);
//! * the rebuild loop (here): changes → [`Engine::apply`] → a new immutable
//!   [`server::Site`] swapped in whole, then one event for the tabs (reload these
//!   pages, swap this stylesheet, show these errors, errors gone);
//! * [`server`]: HTTP from the current `Site`, plus the SSE stream of those events.
//!
//! A save that breaks the site never replaces the last good pages: the tabs show
//! an [`overlay`] with the diagnostics over the last good version, the terminal
//! prints the same, and the next good save clears both. The reload script is added
//! to HTML as it is served, so `medkb build` output never contains it.

pub mod overlay;
pub mod server;
pub mod watch;

use std::collections::BTreeSet;
use std::io::Write as _;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use crate::pipeline::incremental::{Change, Engine, SearchJob, Update};
use server::{AppState, LiveEvent, Site};

/// How long the watcher waits for quiet before reporting a batch. Editors finish a
/// save (temp file, rename, swap file) within a few milliseconds.
pub const QUIET: Duration = Duration::from_millis(20);

/// A batch naming more files than this is a burst (a checkout, a search-and-replace):
/// wait for [`BURST_QUIET`] without events, then rebuild once.
const BURST_FILES: usize = 8;
const BURST_QUIET: Duration = Duration::from_millis(150);

#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub port: u16,
    pub bind: IpAddr,
    pub open: bool,
    pub drafts: bool,
    /// `--today`: a fixed date for review checks, as `build` and `check` take it;
    /// without it the preview follows the clock across midnight.
    pub today: Option<chrono::NaiveDate>,
    /// `--timings`: print each rebuild's stage times.
    pub timings: bool,
    /// Host names answered besides the bound address, loopback and `localhost`.
    pub allow_hosts: Vec<String>,
}

/// What [`report`] prints besides the outcome.
#[derive(Debug, Clone, Copy)]
struct Verbosity {
    /// The first build: print every diagnostic, not just the counts.
    first: bool,
    timings: bool,
}

/// Runs until interrupted.
pub fn run(opts: &ServeOptions) -> anyhow::Result<()> {
    if !opts.root.join("site.toml").is_file() {
        anyhow::bail!(
            "no site.toml in {}\nhelp: run medkb serve in the folder that holds site.toml, or pass --root DIR",
            crate::load::display_root(&opts.root).display()
        );
    }
    if !opts.bind.is_loopback() {
        eprintln!(
            "medkb: warning: serving on {} makes the preview (drafts, unreviewed pages and all) reachable from other machines",
            opts.bind
        );
    }
    let root = opts.root.canonicalize()?;
    let started = Instant::now();
    let mut engine = match opts.today {
        Some(day) => Engine::new(&root, opts.drafts, day),
        None => Engine::new(&root, opts.drafts, crate::pipeline::clock_today()).follow_clock(),
    }
    .background_search();
    let (tx, rx) = mpsc::channel::<Msg>();
    let search = search_worker(tx.clone());
    let first = engine.full();
    let state = AppState::new(Site::from_all(engine.site()));
    report(&engine, &state, first, &BTreeSet::new(), started, Verbosity { first: true, timings: opts.timings }, &search);

    let watch_tx = tx.clone();
    let (batch_tx, batch_rx) = mpsc::channel::<watch::Batch>();
    std::thread::Builder::new().name("medkb-watch-forward".into()).spawn(move || {
        for b in batch_rx {
            if watch_tx.send(Msg::Watch(b)).is_err() {
                break;
            }
        }
    })?;
    let watcher = watch::Watcher::start(&root, QUIET, batch_tx)?;
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    let listener = rt.block_on(tokio::net::TcpListener::bind(SocketAddr::new(opts.bind, opts.port)))?;
    let addr = listener.local_addr()?;
    let host = if addr.ip().is_unspecified() { "127.0.0.1".to_string() } else { addr.ip().to_string() };
    let host = if addr.is_ipv6() && !host.starts_with('[') { format!("[{host}]") } else { host };
    let url = format!("http://{host}:{}/", addr.port());
    // On stdout, on its own line, flushed: scripts and tests read the address from it.
    println!("medkb: serving {url}");
    let _ = std::io::stdout().flush();
    eprintln!("medkb: watching {} for changes; press Ctrl-C to stop", root.display());

    let loop_state = state.clone();
    let timings = opts.timings;
    std::thread::Builder::new()
        .name("medkb-rebuild".into())
        .spawn(move || rebuild_loop(engine, watcher, rx, loop_state, search, timings))?;
    if opts.open {
        if let Err(e) = opener::open(&url) {
            eprintln!("medkb: could not open a browser: {e}");
        }
    }
    rt.block_on(async move {
        axum::serve(listener, server::router(state, server::HostFilter::new(opts.bind, &opts.allow_hosts)))
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
    })?;
    Ok(())
}

/// What the rebuild loop waits for.
enum Msg {
    Watch(watch::Batch),
    /// A finished search index: the job's fingerprint, its files, how long it took.
    Search(u64, anyhow::Result<Vec<crate::built::Output>>, Duration),
}

/// Builds search indexes off the rebuild thread, newest job first: jobs that were
/// overtaken by a newer one while waiting are dropped unbuilt.
type SearchQueue = Arc<(std::sync::Mutex<Option<SearchJob>>, std::sync::Condvar)>;

fn search_worker(tx: mpsc::Sender<Msg>) -> SearchQueue {
    let queue: SearchQueue = Arc::new((std::sync::Mutex::new(None), std::sync::Condvar::new()));
    let q = queue.clone();
    let _ = std::thread::Builder::new().name("medkb-search".into()).spawn(move || {
        lower_priority();
        hold_search();
        // Its own worker threads, made here so they inherit the lower priority. In the
        // shared pool, its compression tasks sat in front of the next edit's render:
        // rayon's workers finish their own queues before taking work from outside.
        match rayon::ThreadPoolBuilder::new().thread_name(|i| format!("medkb-search-{i}")).build() {
            Ok(pool) => pool.install(|| search_loop(&q, &tx)),
            Err(_) => search_loop(&q, &tx),
        }
    });
    queue
}

/// Search indexing is background work: on a two-core laptop it must not take a
/// core from the render of the page the author just saved.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: plain system calls on the calling thread's own id; no memory is shared.
    unsafe {
        let tid = libc::gettid();
        libc::setpriority(libc::PRIO_PROCESS, tid as libc::id_t, 10);
    }
}

/// `MEDKB_SERVE_HOLD_SEARCH=FILE`: the first search index is not built while FILE
/// exists. For tests and benchmarks of what the preview serves before its index is
/// ready (pages, and a search box that says it is still being prepared).
fn hold_search() {
    let Some(file) = std::env::var_os("MEDKB_SERVE_HOLD_SEARCH") else { return };
    while std::path::Path::new(&file).exists() {
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn search_loop(q: &SearchQueue, tx: &mpsc::Sender<Msg>) {
    loop {
        let job = {
            let (lock, cv) = &**q;
            let mut slot = lock.lock().unwrap_or_else(|e| e.into_inner());
            loop {
                if let Some(job) = slot.take() {
                    break job;
                }
                slot = cv.wait(slot).unwrap_or_else(|e| e.into_inner());
            }
        };
        let started = Instant::now();
        let result = job.run();
        if tx.send(Msg::Search(job.fingerprint, result, started.elapsed())).is_err() {
            break;
        }
    }
}

fn submit(queue: &SearchQueue, job: SearchJob) {
    let (lock, cv) = &**queue;
    *lock.lock().unwrap_or_else(|e| e.into_inner()) = Some(job);
    cv.notify_one();
}

fn rebuild_loop(
    mut engine: Engine,
    mut watcher: watch::Watcher,
    rx: mpsc::Receiver<Msg>,
    state: Arc<AppState>,
    search: SearchQueue,
    timings: bool,
) {
    let mut searched: Vec<(u64, anyhow::Result<Vec<crate::built::Output>>, Duration)> = Vec::new();
    let absorb = |msg: Msg, changes: &mut BTreeSet<Change>, searched: &mut Vec<_>| match msg {
        Msg::Watch(Ok(c)) => changes.extend(c),
        Msg::Watch(Err(e)) => {
            eprintln!("medkb: watcher: {e}; rescanning");
            changes.insert(Change::ContentTree);
        }
        Msg::Search(fp, files, took) => searched.push((fp, files, took)),
    };
    while let Ok(msg) = rx.recv() {
        let mut changes = BTreeSet::new();
        absorb(msg, &mut changes, &mut searched);
        if changes.len() > BURST_FILES {
            while let Ok(m) = rx.recv_timeout(BURST_QUIET) {
                absorb(m, &mut changes, &mut searched);
            }
        }
        while let Ok(m) = rx.try_recv() {
            absorb(m, &mut changes, &mut searched);
        }
        if !changes.is_empty() {
            watcher.ensure_watches();
            let started = Instant::now();
            let result = engine.apply(&changes);
            report(&engine, &state, result, &changes, started, Verbosity { first: false, timings }, &search);
        }
        for (fp, files, took) in searched.drain(..) {
            if engine.wants_search(fp) {
                // The index of the current pages, built or failed: no newer one is coming.
                state.indexing.store(false, Ordering::SeqCst);
            }
            match files {
                Ok(files) => {
                    let changed = engine.set_search(fp, files);
                    if !changed.is_empty() {
                        let old = state.site.load_full();
                        state.site.store(Arc::new(Site::patched(&old, engine.site(), &changed)));
                        eprintln!("medkb: search index updated in {} ms", took.as_millis());
                    }
                }
                Err(e) => eprintln!("medkb: the search index could not be built: {e:#}"),
            }
        }
    }
}

/// The `translation-stale` warnings about translations of the pages just saved.
fn stale_translations_of(diags: &[crate::diag::Located], changes: &BTreeSet<Change>) -> Vec<crate::diag::Located> {
    diags
        .iter()
        .filter(|d| d.code == crate::rules::Rule::TranslationStale)
        .filter(|d| {
            // content/<code>/conditions/x.md translates content/conditions/x.md.
            let original = d.path.strip_prefix("content/").and_then(|r| r.split_once('/')).map(|(_, rest)| format!("content/{rest}"));
            original.is_some_and(|o| changes.contains(&Change::Page(o)))
        })
        .cloned()
        .collect()
}

/// Publishes the outcome of a build: new site version and tab events, terminal lines.
fn report(
    engine: &Engine,
    state: &AppState,
    result: anyhow::Result<Update>,
    changes: &BTreeSet<Change>,
    started: Instant,
    verbosity: Verbosity,
    search: &SearchQueue,
) {
    let had_errors = !state.errors.load().is_empty();
    let what = describe(changes);
    match result {
        Ok(mut update) if update.ok => {
            let search_job = update.search_job.take();
            if search_job.is_some() {
                state.indexing.store(true, Ordering::SeqCst);
            }
            let version = state.version.fetch_add(1, Ordering::SeqCst) + 1;
            if !update.changed.is_empty() {
                let old = state.site.load_full();
                state.site.store(Arc::new(Site::patched(&old, engine.site(), &update.changed)));
            }
            state.errors.store(Arc::new(String::new()));
            if had_errors {
                state.send(LiveEvent::Ok { version });
            }
            let pages: Vec<&String> = update.changed.iter().filter(|p| p.ends_with(".html")).collect();
            let css: Vec<String> = update.changed.iter().filter(|p| p.ends_with(".css")).map(|p| format!("/{p}")).collect();
            // Scripts, images and fonts can change any page's behaviour: reload every tab.
            // Not the offline worker: the preview never registers it, so no tab runs it
            // (and its version changes with every file, a stylesheet included).
            let worker = crate::render::offline::output_path();
            let all = update.changed.iter().any(|p| {
                !(p.ends_with(".html")
                    || p.ends_with(".css")
                    || p.ends_with(".xml")
                    || p.ends_with(".txt")
                    || p.starts_with("search/")
                    || *p == worker)
            });
            if !css.is_empty() {
                state.send(LiveEvent::Css { version, hrefs: css });
            }
            if all || !pages.is_empty() {
                state.send(LiveEvent::Reload { version, all, pages: pages.into_iter().cloned().collect() });
            }
            // After the tabs are told: the index job takes a core from this thread's last steps.
            if let Some(job) = search_job {
                submit(search, job);
            }
            if verbosity.timings {
                let parts: Vec<String> = update.timings.iter().map(|(s, d)| format!("{s} {:.1}", d.as_secs_f64() * 1000.0)).collect();
                eprintln!("medkb: timings (ms): {}", parts.join(", "));
            }
            let warnings = engine.warning_count();
            if verbosity.first {
                crate::diag::print_human(engine.diagnostics(), crate::diag::PrintOptions::default());
            } else {
                // Saving an original that was reviewed again makes its translations stale:
                // say so at once, not only in the warning count.
                let stale = stale_translations_of(&engine.diagnostics_of(crate::rules::Rule::TranslationStale), changes);
                if !stale.is_empty() {
                    crate::diag::print_human(&stale, crate::diag::PrintOptions::default());
                }
            }
            eprintln!(
                "medkb: {what}{} pages, {} rendered, {} files changed in {} ms{}",
                engine.page_count(),
                update.rendered,
                update.changed.len(),
                started.elapsed().as_millis(),
                if warnings > 0 { format!(" ({warnings} warnings)") } else { String::new() },
            );
        }
        Ok(_) => {
            let version = state.version.fetch_add(1, Ordering::SeqCst) + 1;
            let shown = engine.errors();
            let errors = overlay::payload(&shown);
            state.errors.store(Arc::new(errors.to_string()));
            state.send(LiveEvent::Errors { version, errors });
            crate::diag::print_human(&shown, crate::diag::PrintOptions::default());
            eprintln!("medkb: {what}{} errors; still serving the last good version ({} ms)", shown.len(), started.elapsed().as_millis());
        }
        Err(e) => {
            let version = state.version.fetch_add(1, Ordering::SeqCst) + 1;
            let errors = overlay::fatal_payload(&e);
            state.errors.store(Arc::new(errors.to_string()));
            state.send(LiveEvent::Errors { version, errors });
            eprintln!("error: {e:#}");
            eprintln!("medkb: {what}the site cannot be built; still serving the last good version");
        }
    }
}

/// "content/x.md: " for the terminal line.
fn describe(changes: &BTreeSet<Change>) -> String {
    let names: Vec<String> = changes
        .iter()
        .map(|c| match c {
            Change::Page(p) => p.clone(),
            Change::ContentTree => "content/".into(),
            Change::Config => "site.toml (or synonyms, vocabulary)".into(),
            Change::Templates => "templates (or strings)".into(),
            Change::Static => "static files".into(),
        })
        .collect();
    match names.len() {
        0 => "built: ".into(),
        1..=3 => format!("{}: ", names.join(", ")),
        n => format!("{n} changes: "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saving_an_original_names_its_stale_translations() {
        let d = |path: &str, code| crate::diag::Located {
            path: path.into(),
            line: 1,
            column: 1,
            end_line: 1,
            end_column: 2,
            severity: crate::diag::Severity::Warning,
            code,
            message: "m".into(),
            help: None,
            source_line: None,
            source_column: 1,
        };
        let diags = vec![
            d("content/es/conditions/gout.md", crate::rules::Rule::TranslationStale),
            d("content/es/conditions/calf-strain.md", crate::rules::Rule::TranslationStale),
            d("content/conditions/gout.md", crate::rules::Rule::LongSummary),
        ];
        let saved: BTreeSet<Change> = [Change::Page("content/conditions/gout.md".into())].into_iter().collect();
        let shown: Vec<String> = stale_translations_of(&diags, &saved).into_iter().map(|d| d.path).collect();
        assert_eq!(shown, ["content/es/conditions/gout.md"]);
        assert!(stale_translations_of(&diags, &BTreeSet::new()).is_empty());
    }
}
