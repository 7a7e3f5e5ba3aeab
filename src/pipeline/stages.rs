//! The build's stage rules, defined once for the full build and the preview's engine.
//!
//! `pipeline::build_into` runs every stage on every file; the incremental engine
//! (`incremental.rs`) runs them on what changed and caches the rest. Both call these
//! functions for the decisions that must agree — which pages are published, which
//! diagnostics a draft keeps, the site's rule levels, the error gate, how diagnostics
//! are located and sorted, and how the output layers stack — so a rule is written
//! once and the preview shows exactly what `medkb build` publishes.

use chrono::NaiveDate;

use crate::built::Output;
use crate::config::{Lints, SiteConfig};
use crate::diag::{self, Diagnostic, Located, Severity, SourceLookup};
use crate::load::ContentFile;
use crate::parse::{self, Page};

/// Parses one content file and runs the page rules on it: the page (when it could be
/// read as one) and its diagnostics.
pub fn parse_file(
    file: &ContentFile,
    config: &SiteConfig,
    today: NaiveDate,
    slug_of_path: &(dyn Fn(&str) -> Option<String> + Sync),
) -> (Option<Page>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let page = parse::parse_page(file, config, slug_of_path, &mut diags);
    if let Some(page) = &page {
        crate::page_rules::check(page, &file.source.text, config, today, &mut diags);
    }
    (page, diags)
}

/// Rules across pages that are not links: each translation against its original
/// (see `page_rules::check_translations`).
pub fn cross_page_diagnostics(pages: &[Page]) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    crate::page_rules::check_translations(pages, &mut diags);
    diags
}

/// UI strings the theme lacks for the site's languages. A one-language site is not
/// held to it (its theme's strings are the English ones it always had).
pub fn missing_strings(theme: &crate::render::theme::Theme, config: &SiteConfig) -> Vec<Diagnostic> {
    if config.languages.is_empty() {
        return Vec::new();
    }
    let locales: Vec<&str> = std::iter::once(config.locale.as_str()).chain(config.languages.iter().map(|l| l.locale.as_str())).collect();
    theme.missing_strings(&locales)
}

/// Whether a parsed page is part of this build (drafts only with `--drafts`).
pub fn is_published(page: &Page, drafts: bool) -> bool {
    drafts || !page.is_draft()
}

/// Whether a diagnostic is this build's business: a left-out draft's warnings and
/// notes are not, its errors are (they would break the page once published).
pub fn keeps(d: &Diagnostic, draft_paths: &dyn Fn(&str) -> bool) -> bool {
    d.severity == Severity::Error || !draft_paths(&d.path)
}

/// The error gate: does anything, at the site's levels, stop the build?
pub fn has_errors<'a>(diags: impl IntoIterator<Item = &'a Diagnostic>, lints: &Lints) -> bool {
    diags.into_iter().any(|d| lints.severity_of(d) == Some(Severity::Error))
}

/// Diagnostics at the site's levels (allowed rules dropped), located and sorted.
pub fn locate_all<'a>(diags: impl IntoIterator<Item = &'a Diagnostic>, lints: &Lints, sources: &dyn SourceLookup) -> Vec<Located> {
    let mut located: Vec<Located> = lints.apply(diags).iter().map(|d| diag::locate(d, sources)).collect();
    diag::sort(&mut located);
    located
}

/// Diagnostics of a `site.toml` that cannot be used: the only thing reported then.
pub fn locate_config_errors(diags: &[Diagnostic], sources: &dyn SourceLookup) -> Vec<Located> {
    locate_all(diags, &Lints::default(), sources)
}

/// Alias problems and recorded addresses (`published-urls.txt`) that would stop
/// answering: run after the link graph, on the published pages.
pub fn address_diagnostics(root: &std::path::Path, pages: &[Page], config: &SiteConfig) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    crate::addresses::check(root, pages, config, &mut diags);
    diags
}

/// The output layers, lowest first: a later layer's file replaces an earlier one of
/// the same path (a site's rendered page wins over a theme file; the search files
/// are medkb's own and win over both).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Layer {
    ThemeStatics,
    Pages,
    Search,
}

impl Layer {
    pub const ALL: [Layer; 3] = [Layer::ThemeStatics, Layer::Pages, Layer::Search];
}

/// Passes files on to the real sink, keeping each one's fingerprint for the
/// service worker's build version ([`service_worker`]).
pub struct Fingerprinting<'a> {
    pub inner: &'a dyn crate::built::OutputSink,
    pub files: std::sync::Mutex<std::collections::BTreeMap<String, u64>>,
}

impl crate::built::OutputSink for Fingerprinting<'_> {
    fn put(&self, rel: String, bytes: Vec<u8>) -> anyhow::Result<()> {
        let hash = crate::render::offline::file_hash(&bytes);
        self.files.lock().unwrap_or_else(|e| e.into_inner()).insert(rel.clone(), hash);
        self.inner.put(rel, bytes)
    }
}

/// The service worker of a finished build, from every other file's fingerprint
/// (path → `file_hash`, the last file written for a path winning): the same bytes
/// whichever engine made the files. `None` when the site turned it off.
pub fn service_worker(pages: &[Page], config: &SiteConfig, files: &std::collections::BTreeMap<String, u64>) -> Option<Output> {
    use crate::render::offline;
    let plan = offline::precache(pages, config)?;
    let version = offline::version(files.iter().map(|(p, h)| (p.as_str(), *h)));
    Some((offline::output_path(), offline::script(&plan, &version)))
}

/// The search files of the published pages.
pub fn search_files(pages: &[Page], config: &SiteConfig) -> anyhow::Result<Vec<Output>> {
    crate::index::search_files(pages, config)
}

/// Which pages changed after their last review ("clinical" or "editorial"), by slug, for
/// the review box; only the pages `which` names. Empty outside a git repository. Both
/// the full build and the preview call this, so both render the same notice.
pub fn review_changes(
    root: &std::path::Path,
    pages: &[crate::parse::Page],
    which: impl Iterator<Item = usize>,
) -> anyhow::Result<std::collections::HashMap<String, &'static str>> {
    let mut out = std::collections::HashMap::new();
    let Some(history) = crate::review::history::History::open(root)? else { return Ok(out) };
    for i in which {
        let Some(page) = pages.get(i) else { continue };
        if let Some(change) = crate::review::changes(&history, root, page)? {
            if !change.clinical.is_empty() {
                out.insert(page.slug.clone(), "clinical");
            } else if !change.editorial.is_empty() {
                out.insert(page.slug.clone(), "editorial");
            }
        }
    }
    Ok(out)
}
