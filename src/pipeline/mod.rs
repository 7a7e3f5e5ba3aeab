//! The build pipeline: load → parse/validate → link graph → render → index.
//!
//! One function, [`build`], used by `build`, `check` and `serve` alike, so what the
//! preview shows is exactly what `medkb build` publishes. It returns diagnostics
//! and outputs as values; deciding what to print or write is the caller's job.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::built::Output;
use crate::built::OutputSink;
pub mod incremental;
pub mod stages;

use crate::config::SiteConfig;
use crate::diag::{self, Diagnostic, Located, SourceFile};
use crate::graph::{Absent, LinkGraph};
use crate::load;
use crate::output::Collect;
use crate::parse::Page;
use crate::render::{theme::Theme, SiteRenderer};
use crate::rules::Rule;

/// What to do after validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Validate only (`medkb check`).
    Check,
    /// Validate, render and index (`medkb build`, `serve`).
    Render,
}

#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    pub drafts: bool,
    pub today: NaiveDate,
    pub stage: Stage,
    /// Show a progress bar (only on a terminal, only for large sites).
    pub progress: bool,
    /// Print each stage's time and peak memory (`--timings`).
    pub timings: bool,
}

impl BuildOptions {
    /// Options for today's date by the clock; commands set `today` from `--today`.
    pub fn new(root: &Path, stage: Stage) -> Self {
        BuildOptions { root: root.to_path_buf(), drafts: false, today: clock_today(), stage, progress: false, timings: false }
    }
}

/// Today's date by the local clock. Review-date checks depend on the date, so every
/// command takes `--today` to pin it; this is the default when it is not given.
pub fn clock_today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// Everything one run produced.
#[derive(Debug, Default)]
pub struct BuildOutcome {
    /// Sorted, located diagnostics from every stage.
    pub diagnostics: Vec<Located>,
    pub pages: Vec<Page>,
    /// The built site, when there were no errors and the stage was `Render`
    /// (only from [`build`]; [`build_into`] streams the files to its sink instead).
    pub outputs: Option<Vec<Output>>,
    /// Whether the site was rendered (no errors, stage `Render`).
    pub rendered: bool,
    pub config: Option<SiteConfig>,
}

impl BuildOutcome {
    pub fn tally(&self) -> diag::Tally {
        diag::Tally::of(&self.diagnostics)
    }
}

/// Pages above this count get a progress bar on a terminal.
const PROGRESS_THRESHOLD: usize = 500;

/// Runs the pipeline and keeps the built files in memory (`outcome.outputs`).
pub fn build(opts: &BuildOptions) -> anyhow::Result<BuildOutcome> {
    let collect = Collect::default();
    let mut outcome = build_into(opts, &collect)?;
    if outcome.rendered {
        outcome.outputs = Some(collect.into_outputs());
    }
    Ok(outcome)
}

/// Runs the pipeline, handing each built file to `sink` as soon as it is made.
pub fn build_into(opts: &BuildOptions, sink: &dyn OutputSink) -> anyhow::Result<BuildOutcome> {
    let mut outcome = BuildOutcome::default();
    let (config_file, config) = SiteConfig::load(&opts.root)?;
    let mut sources: HashMap<String, SourceFile> = HashMap::new();
    let mut config = match config {
        Ok(c) => c,
        Err(diags) => {
            sources.insert(config_file.rel.clone(), config_file);
            if let Some((file, _)) = crate::synonyms::load(&opts.root)? {
                sources.insert(file.rel.clone(), file);
            }
            outcome.diagnostics = stages::locate_config_errors(&diags, &sources);
            return Ok(outcome);
        }
    };
    config.warnings = crate::parse::emergency_terms::site_toml(&config_file, &config);
    let timer = StageTimer::new(opts.timings);
    let mut loaded = load::load_content_in(&opts.root, &config.language_codes())?;
    timer.lap("load");
    let known_paths = loaded.page_paths();
    let mut diags: Vec<Diagnostic> = std::mem::take(&mut loaded.diagnostics);
    diags.extend(config.warnings.iter().cloned());
    sources.insert(config_file.rel.clone(), config_file);
    let slug_of_path = |p: &str| known_paths.get(p).cloned();

    let parsed: Vec<(Option<Page>, Vec<Diagnostic>)> =
        loaded.files.par_iter().map(|f| stages::parse_file(f, &config, opts.today, &slug_of_path)).collect();
    let mut pages = Vec::with_capacity(parsed.len());
    for (page, d) in parsed {
        diags.extend(d);
        pages.extend(page);
    }
    let mut drafts = BTreeSet::new();
    pages.retain(|p| {
        let keep = stages::is_published(p, opts.drafts);
        if !keep {
            drafts.insert(p.slug.clone());
        }
        keep
    });
    if !drafts.is_empty() {
        let draft_paths: BTreeSet<&str> = loaded.files.iter().filter(|f| drafts.contains(&f.slug)).map(|f| f.source.rel.as_str()).collect();
        diags.retain(|d| stages::keeps(d, &|p| draft_paths.contains(p)));
    }
    let absent = Absent::of(drafts, &loaded.unreadable, known_paths.values(), &pages);
    diags.extend(stages::cross_page_diagnostics(&pages));
    timer.lap("parse");
    let graph = LinkGraph::build(&pages, &absent, &mut diags);
    diags.extend(stages::address_diagnostics(&opts.root, &pages, &config));
    timer.lap("graph");
    if config.review.require_review_after_clinical_change {
        let texts = |path: &str| loaded.files.iter().find(|f| f.source.rel == path).map(|f| f.source.text.clone());
        diags.extend(crate::review::clinical_change_gate(&opts.root, &pages, &texts)?);
        timer.lap("review history");
    }

    // The theme is loaded by `check` too: a link out of the site or a template that
    // does not compile or render fails `check`, not only `build`.
    let theme = Theme::load(&opts.root)?;
    diags.extend(theme.problems.iter().cloned());
    diags.extend(stages::missing_strings(&theme, &config));
    let content_errors = stages::has_errors(&diags, &config.lints);
    let renderer = match SiteRenderer::new(&config, &pages, &graph, &theme) {
        Ok(r) => Some(r),
        Err(e) => {
            diags.push(template_diagnostic(&e));
            None
        }
    };
    if opts.stage == Stage::Check && !content_errors {
        if let Some(r) = &renderer {
            if let Err(e) = r.render_samples(opts.today) {
                diags.push(template_diagnostic(&e));
            }
        }
    }
    for f in loaded.files {
        sources.insert(f.source.rel.clone(), f.source);
    }
    for d in &diags {
        if d.span.is_some() && !sources.contains_key(&d.path) {
            // Lossy: a file that is not UTF-8 is quoted up to its first bad byte, where the span points.
            if let Ok(bytes) = std::fs::read(opts.root.join(&d.path)) {
                let text = String::from_utf8_lossy(&bytes).into_owned();
                sources.insert(d.path.clone(), SourceFile::new(d.path.clone(), opts.root.join(&d.path), text));
            }
        }
    }
    outcome.diagnostics = stages::locate_all(&diags, &config.lints, &sources);
    // The file texts were kept only to quote them in diagnostics; free them before rendering.
    drop(sources);
    let has_errors = stages::has_errors(&diags, &config.lints);
    if let (Stage::Render, false, Some(mut renderer)) = (opts.stage, has_errors, renderer) {
        renderer.set_review_changes(stages::review_changes(&opts.root, &pages, 0..pages.len())?);
        let bar = (opts.progress && pages.len() > PROGRESS_THRESHOLD && std::io::IsTerminal::is_terminal(&std::io::stderr())).then(|| {
            let bar = indicatif::ProgressBar::new(pages.len() as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template("{spinner} rendering {pos}/{len} pages {wide_bar} {eta}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar
        });
        let done = AtomicUsize::new(0);
        let tick = || {
            let n = done.fetch_add(1, Ordering::Relaxed);
            if let Some(b) = &bar {
                if n.is_multiple_of(64) {
                    b.set_position(n as u64);
                }
            }
        };
        // The search index is written by one Tantivy thread; render the pages on the
        // other cores meanwhile instead of one after the other.
        // Theme files first: a rendered page of the same path replaces one.
        let sink = &stages::Fingerprinting { inner: sink, files: Default::default() };
        for (rel, bytes) in &theme.statics {
            sink.put(rel.clone(), bytes.clone())?;
        }
        let timed = |f: &dyn Fn() -> anyhow::Result<Vec<Output>>| {
            let start = std::time::Instant::now();
            (f(), start.elapsed())
        };
        let ((rendered, render_took), (search, index_took)) = rayon::join(
            || timed(&|| renderer.render_all(opts.today, sink, &tick).map(|()| Vec::new())),
            || timed(&|| stages::search_files(&pages, &config)),
        );
        timer.note("of which pages and index pages", render_took);
        timer.note("of which search index (alongside)", index_took);
        rendered?;
        for (rel, bytes) in search? {
            sink.put(rel, bytes)?;
        }
        // Last: its version covers every file above.
        let files = std::mem::take(&mut *sink.files.lock().unwrap_or_else(|e| e.into_inner()));
        if let Some((rel, bytes)) = stages::service_worker(&pages, &config, &files) {
            sink.inner.put(rel, bytes)?;
        }
        timer.lap("render and index");
        if let Some(b) = bar {
            b.finish_and_clear();
        }
        outcome.rendered = true;
    }
    outcome.pages = pages;
    outcome.config = Some(config);
    Ok(outcome)
}

/// A template that does not compile or render, as a diagnostic against the theme
/// (Tera's message names the template, line and column).
fn template_diagnostic(e: &anyhow::Error) -> Diagnostic {
    Diagnostic::new(Rule::Template, "templates", None, crate::term::visible(&format!("{e:#}")).into_owned())
        .with_help("fix the template named above; `medkb build` cannot render the site until then")
}

/// Prints how long each stage took under `--timings`: the first place to look when a
/// build is slow.
struct StageTimer {
    on: bool,
    last: std::cell::Cell<std::time::Instant>,
}

impl StageTimer {
    fn new(on: bool) -> Self {
        StageTimer { on, last: std::cell::Cell::new(std::time::Instant::now()) }
    }

    fn lap(&self, stage: &str) {
        if self.on {
            let now = std::time::Instant::now();
            let peak = std::fs::read_to_string("/proc/self/status")
                .ok()
                .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(|l| l.trim_start_matches("VmHWM:").trim().to_string()))
                .unwrap_or_default();
            eprintln!("medkb: timing: {stage} {:.1} ms (peak memory so far {peak})", (now - self.last.get()).as_secs_f64() * 1000.0);
            self.last.set(now);
        }
    }

    /// A part of the current stage that ran alongside another, timed on its own.
    fn note(&self, part: &str, took: std::time::Duration) {
        if self.on {
            eprintln!("medkb: timing:   {part} {:.1} ms", took.as_secs_f64() * 1000.0);
        }
    }
}
