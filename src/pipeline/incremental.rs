//! Incremental rebuilds for `medkb serve`: after an edit, redo only the work the
//! edit can have changed, and end with exactly the site `pipeline::build` makes.
//!
//! Why not just call [`crate::pipeline::build`] on every save? On a 10,000-page
//! site a full build takes seconds; an author saving one page wants the browser
//! to show it in well under a tenth of one. So the [`Engine`] keeps every stage's
//! result between saves and redoes a stage only for what changed:
//!
//! * **load**: a saved page is re-read on its own. Anything that can change which
//!   files are pages (a file created, deleted or renamed, a folder moved, a read that
//!   fails) walks `content/` again, and only files whose text changed are re-parsed.
//! * **parse**: per file, in parallel; a file is re-parsed when its text changed,
//!   when `site.toml` (or the date) changed, or when a page its relative links may
//!   name appeared or disappeared.
//! * **link graph and diagnostics**: rebuilt whole on every change. Both are linear
//!   in the number of links and cheap next to parsing and rendering, and rebuilding
//!   them is what keeps broken-link and orphan reports exactly right.
//! * **render**: every page output gets a fingerprint of everything it is rendered
//!   from: its own text and the *public part* (front matter, headings, anchors, red
//!   flags) of every page it links to, is linked from or is related to. Only pages
//!   whose fingerprint changed are rendered again. So an edit to a page's prose
//!   re-renders that page alone; a changed title re-renders its neighbours too; and
//!   the index pages (home, A–Z, regions, symptoms, feeds) re-render only when some
//!   page's listing data changed. A template or `site.toml` change re-renders all.
//!   The big lists are joined from per-entry fragments the engine keeps between
//!   edits ([`crate::render::fragments`]): a re-rendered A–Z renders again only the
//!   entries whose data changed.
//! * **search**: [`crate::index::search_files`] builds the search files from all
//!   pages, so it runs again whenever any page's text changed.
//!
//! The contract is that [`Engine::outputs`] always equals `pipeline::build`'s
//! `outputs` byte for byte, and [`Engine::diagnostics`] its diagnostics; the tests
//! at the bottom check this after sequences of edits of every kind.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use rayon::prelude::*;

use super::stages::{self, Layer};
use crate::built::Output;
use crate::config::SiteConfig;
use crate::diag::{self, Diagnostic, Located, Severity, SourceFile};
use crate::graph::{Absent, LinkGraph, PageLinks};
use crate::load::{self, ContentFile};
use crate::parse::Page;
use crate::render::deps::{self, debug_hash};
use crate::render::{theme::Theme, IndexKey, SiteRenderer};

/// What changed on disk, as far as a rebuild cares. Made by `serve::watch` from
/// file-system events; paths are site-relative with `/` separators.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Change {
    /// A page file under `content/` was written, created or removed.
    Page(String),
    /// Something under `content/` that is not a page file: a folder created,
    /// renamed or removed. Which files are pages must be worked out again.
    ContentTree,
    /// `site.toml`.
    Config,
    /// A template: the site's `templates/` or `themes/default/templates/`.
    Templates,
    /// A static file: the site's `static/` or `themes/default/static/`.
    Static,
}

/// Shared bytes of one output file: the engine, the server and every past
/// version of the site point at the same allocation.
pub type Bytes = Arc<[u8]>;

/// What one [`Engine::apply`] did.
#[derive(Debug, Default, Clone)]
pub struct Update {
    /// Output paths whose bytes changed, appeared or disappeared, sorted.
    pub changed: Vec<String>,
    /// Whether `content/` was walked again (else only the files named were read).
    pub walked: bool,
    /// Pages parsed again.
    pub parsed: usize,
    /// Page and index outputs rendered again.
    pub rendered: usize,
    /// Whether every page was rendered (template, config or page-set change).
    pub full_render: bool,
    /// List entries of index pages rendered again (the others were reused).
    pub fragments: usize,
    /// Whether the search files were rebuilt, and how long that took.
    pub search: Option<Duration>,
    /// In background-search mode: the search index to build off the rebuild thread.
    pub search_job: Option<SearchJob>,
    /// False when the site has errors: the last good outputs stay as they were.
    pub ok: bool,
    /// Time per stage, for `MEDKB_SERVE_TIMINGS=1` and benchmarks.
    pub timings: Vec<(&'static str, Duration)>,
}

impl Update {
    fn lap(&mut self, stage: &'static str, since: &mut Instant) {
        let now = Instant::now();
        self.timings.push((stage, now - *since));
        *since = now;
    }
}

/// The search documents of one state of the site; [`SearchJob::run`] builds its
/// files, [`Engine::set_search`] publishes them if no newer job was made since.
#[derive(Debug, Clone)]
pub struct SearchJob {
    pub fingerprint: u64,
    /// Shared with the engine's slots: making a job copies no text. Each with its page's language.
    pub docs: Vec<(Option<String>, Arc<search_index::Document>)>,
    /// The site's synonyms, applied to the default language's documents when the job runs.
    pub synonyms: search_index::Synonyms,
    /// One index per language (see `index::search_languages`).
    pub languages: Vec<(Option<String>, search_index::Language)>,
}

impl SearchJob {
    pub fn run(&self) -> anyhow::Result<Vec<Output>> {
        let docs: Vec<(Option<String>, search_index::Document)> = self
            .docs
            .iter()
            .map(|(lang, d)| {
                let mut d = (**d).clone();
                if lang.is_none() {
                    self.synonyms.apply(&mut d);
                }
                (lang.clone(), d)
            })
            .collect();
        crate::index::search_files_of(&docs, &self.languages)
    }
}

/// One content file as last loaded, with its parse.
struct Slot {
    file: ContentFile,
    /// Modified time and length when the file was last read: a walk reads again only
    /// the files whose stamp moved (reading every page took a third of a second at 10k).
    stamp: Option<Stamp>,
    is_symlink: bool,
    text_hash: u64,
    parsed: Option<Parsed>,
}

struct Parsed {
    /// The config generation the page was parsed under.
    generation: u64,
    page: Option<Page>,
    diags: Vec<Diagnostic>,
    /// Front matter, headings, anchors, red flags: what other pages show of it.
    public: u64,
    /// `public` plus what index pages list from its body (symptoms).
    listing: u64,
    /// What the link graph reads of it: slug, kind, links and related with their
    /// positions, anchors, the title's position; and `forward`, whose positions its
    /// kept link checks use.
    graph: u64,
    /// What each kind of index page shows of it (see `deps::listing_faces`).
    faces: deps::ListingFaces,
    /// Slugs its output may show something of: links, related, `[[...]]` anywhere.
    forward: Vec<String>,
    /// `forward` resolved to page positions, under the site's addresses of this
    /// fingerprint: resolved again only when the page or some page's address changes.
    targets: Option<(u64, Vec<Option<usize>>)>,
    /// Its links checked (`LinkGraph::links_of`, target ids being positions in
    /// `forward`), under a key of its own and its targets' graph inputs.
    links: Option<(u64, Arc<PageLinks>)>,
    /// The site paths its relative links named when it was parsed: it is parsed again
    /// when a file appears or goes away at one of them.
    asked: Vec<String>,
    /// Its search document, when it is searchable (background-search mode only).
    doc: Option<Arc<search_index::Document>>,
}

/// The state the current outputs were rendered from.
struct Rendered {
    site: u64,
    /// Each page's fingerprint, by its file.
    pages: PathMap<u64>,
    /// Each index unit's fingerprint.
    units: BTreeMap<IndexKey, u64>,
    search: u64,
}

pub struct Engine {
    root: PathBuf,
    drafts: bool,
    today: NaiveDate,
    /// Follow the clock (serve) or keep `today` fixed (tests).
    follow_clock: bool,
    /// Hand the search index to the caller as a [`SearchJob`] instead of building it inline.
    background_search: bool,
    /// site.toml's text and the other configuration files' (see [`SiteConfig::other_inputs`]).
    config_text: Option<String>,
    config_file: Option<SourceFile>,
    config: Result<SiteConfig, Vec<Diagnostic>>,
    generation: u64,
    theme: Option<Theme>,
    templates_hash: u64,
    /// The theme's templates compiled, kept until the theme changes.
    tera: Option<Arc<tera::Tera>>,
    /// Whether the statics layer holds the current theme's files.
    statics_published: bool,
    load_diags: Vec<Diagnostic>,
    /// Slugs of page files that could not be read (reported by load).
    unreadable: Vec<String>,
    slots: Vec<Slot>,
    by_rel: HashMap<String, usize>,
    known_paths: HashMap<String, String>,
    /// The last link graph, with the fingerprint of what it was built from.
    graph: Option<(u64, LinkGraph)>,
    /// Diagnostics of the link graph that only the whole site shows (broken links,
    /// orphans); each page's others are in its `PageLinks`, and the rest with the files.
    graph_diags: Vec<Diagnostic>,
    /// Each published page's checked links, in page order, as the last graph used them.
    page_links: Vec<Arc<PageLinks>>,
    /// Translations checked against their originals, and UI strings the theme lacks: redone every refresh.
    cross_diags: Vec<Diagnostic>,
    /// Alias and published-address problems, recomputed on every update.
    address_diags: Vec<Diagnostic>,
    /// Every published file's fingerprint (`offline::file_hash`), for the worker's version.
    file_hashes: BTreeMap<String, u64>,
    /// What the offline worker pre-caches; `None` when the site turned it off.
    worker_precache: Option<crate::render::offline::Plan>,
    /// `published-urls.txt` while a diagnostic points into it.
    record_file: Option<SourceFile>,
    /// Files of draft pages, whose warnings and notes are left out.
    draft_paths: HashSet<String>,
    has_errors: bool,
    /// All diagnostics located and sorted, worked out when first asked for: on a
    /// large site that is tens of milliseconds no preview refresh should wait for.
    located: std::sync::OnceLock<Vec<Located>>,
    page_count: usize,
    rendered: Option<Rendered>,
    /// The files each index unit made last, so a unit that makes fewer (redirects) drops the rest.
    unit_outputs: HashMap<IndexKey, Vec<String>>,
    /// The index pages' rendered list entries, so an edit renders only the entries it changed.
    fragments: crate::render::fragments::Fragments,
    /// The file each page was rendered to, by the page's file.
    page_outputs: PathMap<String>,
    /// Rendered pages and index pages.
    /// The output layers (`stages::Layer`), lowest first; `site` is their stack.
    layers: [BTreeMap<String, Bytes>; 3],
    /// What is published: the layers merged, rendered over statics over search.
    site: BTreeMap<String, Bytes>,
}

/// By site-relative path: looked up for every page on every edit.
type PathMap<V> = foldhash::HashMap<String, V>;

/// A file's modified time and length (of its target, for a link).
type Stamp = (std::time::SystemTime, u64);

fn stamp_of(path: &Path) -> Option<Stamp> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.modified().ok()?, meta.len()))
}

fn hash_of(x: impl Hash) -> u64 {
    crate::fingerprint::of(x)
}

impl Engine {
    /// An engine for the site at `root`. Nothing is read until [`Engine::full`].
    pub fn new(root: &Path, drafts: bool, today: NaiveDate) -> Engine {
        Engine {
            root: root.to_path_buf(),
            drafts,
            today,
            follow_clock: false,
            background_search: false,
            config_text: None,
            config_file: None,
            config: Err(Vec::new()),
            generation: 0,
            theme: None,
            templates_hash: 0,
            tera: None,
            statics_published: false,
            load_diags: Vec::new(),
            unreadable: Vec::new(),
            slots: Vec::new(),
            by_rel: HashMap::new(),
            known_paths: HashMap::new(),
            graph: None,
            graph_diags: Vec::new(),
            page_links: Vec::new(),
            cross_diags: Vec::new(),
            address_diags: Vec::new(),
            record_file: None,
            file_hashes: BTreeMap::new(),
            worker_precache: None,
            draft_paths: HashSet::new(),
            has_errors: false,
            located: std::sync::OnceLock::new(),
            page_count: 0,
            rendered: None,
            unit_outputs: HashMap::new(),
            fragments: Default::default(),
            page_outputs: PathMap::default(),
            layers: Default::default(),
            site: BTreeMap::new(),
        }
    }

    /// Re-reads the date on every rebuild, so a preview left running past midnight
    /// shows review dates the way a build that day would.
    pub fn follow_clock(mut self) -> Self {
        self.follow_clock = true;
        self
    }

    /// Leaves building the search index to the caller (see [`Update::search_job`]):
    /// on a large site it takes far longer than rendering the page that changed.
    pub fn background_search(mut self) -> Self {
        self.background_search = true;
        self
    }

    /// Whether a search job of this fingerprint is the one the current pages need.
    pub fn wants_search(&self, fingerprint: u64) -> bool {
        self.rendered.as_ref().is_some_and(|r| r.search == fingerprint)
    }

    /// Publishes the search files of a finished job, unless a newer one was made
    /// since. Returns the output paths that changed.
    pub fn set_search(&mut self, fingerprint: u64, files: Vec<Output>) -> Vec<String> {
        if self.rendered.as_ref().is_none_or(|r| r.search != fingerprint) {
            return Vec::new();
        }
        let mut touched = BTreeSet::new();
        replace_layer(&mut self.layers[Layer::Search as usize], &mut touched, files);
        self.merge(touched)
    }

    /// Updates the published site for these touched paths; returns those whose bytes changed.
    fn merge(&mut self, touched: BTreeSet<String>) -> Vec<String> {
        let mut changed = Vec::new();
        for path in touched {
            // The highest layer holding the path wins, as in the full build.
            let now = Layer::ALL.iter().rev().find_map(|&l| self.layers[l as usize].get(&path)).cloned();
            let before = match &now {
                Some(b) => self.site.insert(path.clone(), b.clone()),
                None => self.site.remove(&path),
            };
            match &now {
                Some(b) => self.file_hashes.insert(path.clone(), crate::render::offline::file_hash(b)),
                None => self.file_hashes.remove(&path),
            };
            if before.as_deref() != now.as_deref() {
                changed.push(path);
            }
        }
        // The worker's version covers every other file: remade after every change, as the full build does last.
        let worker = crate::render::offline::output_path();
        let made = match self.worker_precache.as_ref() {
            Some(precache) => {
                let version = crate::render::offline::version(self.file_hashes.iter().map(|(p, h)| (p.as_str(), *h)));
                Some(Arc::from(crate::render::offline::script(precache, &version)))
            }
            // Turned off: a theme's own file of that name, if any, as the full build would publish it.
            None => Layer::ALL.iter().rev().find_map(|&l| self.layers[l as usize].get(&worker)).cloned(),
        };
        let before = match &made {
            Some(b) => self.site.insert(worker.clone(), b.clone()),
            None => self.site.remove(&worker),
        };
        if before.as_deref() != made.as_deref() && !changed.contains(&worker) {
            changed.push(worker);
        }
        changed
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Diagnostics of the current files, sorted, as `pipeline::build` reports them.
    pub fn diagnostics(&self) -> &[Located] {
        self.located.get_or_init(|| self.locate(self.raw_diagnostics().into_iter()))
    }

    /// Just the errors, located and sorted (cheap: most diagnostics are not errors).
    pub fn errors(&self) -> Vec<Located> {
        match self.located.get() {
            Some(all) => all.iter().filter(|d| d.severity == Severity::Error).cloned().collect(),
            None => self.locate(self.raw_diagnostics().into_iter().filter(|d| d.severity == Severity::Error)),
        }
    }

    /// The diagnostics of one rule, located and sorted, without locating the others
    /// (a 10k-page site has tens of thousands of warnings; locating them all took
    /// longer than the edit itself).
    pub fn diagnostics_of(&self, rule: crate::rules::Rule) -> Vec<Located> {
        match self.located.get() {
            Some(all) => all.iter().filter(|d| d.code == rule).cloned().collect(),
            None => self.locate(self.raw_diagnostics().into_iter().filter(|d| d.code == rule)),
        }
    }

    /// Warnings, counted before duplicates are merged (for a status line).
    pub fn warning_count(&self) -> usize {
        match self.located.get() {
            Some(all) => all.iter().filter(|d| d.severity == Severity::Warning).count(),
            None => {
                let level = |d: &Diagnostic| match &self.config {
                    Ok(c) => c.lints.severity_of(d),
                    Err(_) => Some(d.severity),
                };
                self.raw_diagnostics().into_iter().filter(|d| level(d) == Some(Severity::Warning)).count()
            }
        }
    }

    pub fn has_errors(&self) -> bool {
        self.has_errors
    }

    /// Every diagnostic, in the order `pipeline::build` gathers them.
    fn raw_diagnostics(&self) -> Vec<&Diagnostic> {
        if self.config.is_err() {
            return Vec::new();
        }
        let mut diags: Vec<&Diagnostic> = self.load_diags.iter().collect();
        for slot in &self.slots {
            diags.extend(slot.parsed.iter().flat_map(|p| p.diags.iter()));
        }
        if !self.draft_paths.is_empty() {
            diags.retain(|d| stages::keeps(d, &|p| self.draft_paths.contains(p)));
        }
        diags.extend(self.page_links.iter().flat_map(|l| l.diagnostics()));
        diags.extend(self.graph_diags.iter());
        diags.extend(self.cross_diags.iter());
        diags.extend(self.address_diags.iter());
        if let Ok(config) = &self.config {
            diags.extend(config.warnings.iter());
        }
        diags
    }

    fn locate<'a>(&self, diags: impl Iterator<Item = &'a Diagnostic>) -> Vec<Located> {
        match &self.config {
            Err(config_diags) => {
                // As `pipeline::build`: a bad site.toml is the only thing reported, quoted.
                let lookup = SlotSources { slots: &[], by_rel: &HashMap::new(), config: self.config_file.as_ref(), record: None };
                stages::locate_config_errors(config_diags, &lookup)
            }
            // Once site.toml is valid, content files are quoted, and site.toml for its warnings.
            Ok(config) => {
                let lookup = SlotSources {
                    slots: &self.slots,
                    by_rel: &self.by_rel,
                    config: self.config_file.as_ref(),
                    record: self.record_file.as_ref(),
                };
                stages::locate_all(diags, &config.lints, &lookup)
            }
        }
    }

    /// Published pages in the current files.
    pub fn page_count(&self) -> usize {
        self.page_count
    }

    /// The last good site, path → bytes.
    pub fn site(&self) -> &BTreeMap<String, Bytes> {
        &self.site
    }

    /// The last good site in `pipeline::build`'s form: sorted (path, bytes).
    pub fn outputs(&self) -> Vec<Output> {
        self.site.iter().map(|(p, b)| (p.clone(), b.to_vec())).collect()
    }

    /// Reads everything and builds the whole site.
    pub fn full(&mut self) -> anyhow::Result<Update> {
        let all: BTreeSet<Change> = [Change::Config, Change::Templates, Change::ContentTree].into_iter().collect();
        self.apply(&all)
    }

    /// Brings the site up to date with `changes`. An `Err` is a problem that stops
    /// the build as a whole (no `content/` folder, a template that does not
    /// compile); the last good outputs stay, as they do when pages have errors.
    pub fn apply(&mut self, changes: &BTreeSet<Change>) -> anyhow::Result<Update> {
        let mut update = Update::default();
        if self.follow_clock {
            let today = chrono::Local::now().date_naive();
            if today != self.today {
                self.today = today;
                self.generation += 1;
            }
        }
        if changes.contains(&Change::Config) {
            self.reload_config()?;
        }
        if changes.contains(&Change::Templates) || changes.contains(&Change::Static) || self.theme.is_none() {
            self.reload_theme()?;
        }
        // A change of site.toml may declare or drop a language: its content folder is read again.
        let mut rescan = changes.contains(&Change::ContentTree)
            || changes.contains(&Change::Config)
            || (self.slots.is_empty() && self.by_rel.is_empty());
        // Files that appeared or went away: added or dropped alone when a walk would
        // have nothing else to say (see `add_or_drop_alone`), else the folders are walked again.
        let mut arrived: Vec<&str> = Vec::new();
        let mut gone: Vec<&str> = Vec::new();
        for c in changes {
            if let Change::Page(rel) = c {
                let is_file = self.root.join(rel).symlink_metadata().is_ok_and(|m| m.is_file());
                match self.by_rel.contains_key(rel) {
                    true if is_file => {}
                    true => gone.push(rel),
                    false if is_file => arrived.push(rel),
                    false => rescan = true,
                }
            }
        }
        // A file the walk spoke of (a duplicate slug, a stray file) may be what changed.
        let walk_spoke = !self.load_diags.is_empty() || !self.unreadable.is_empty();
        if !rescan && (!arrived.is_empty() || !gone.is_empty()) {
            let mut t = Instant::now();
            rescan = walk_spoke || !self.add_or_drop_alone(&arrived, &gone);
            if !rescan {
                update.lap("read content/", &mut t);
            }
        }
        let mut reread: Vec<usize> = changes
            .iter()
            .filter_map(|c| match c {
                Change::Page(rel) if !arrived.contains(&rel.as_str()) => self.by_rel.get(rel).copied(),
                _ => None,
            })
            .collect();
        if !rescan && !changes.is_empty() {
            // A symlinked page changes when its target does, which no event names.
            reread.extend(self.slots.iter().enumerate().filter(|(_, s)| s.is_symlink).map(|(i, _)| i));
        }
        update.walked = rescan;
        if rescan {
            let mut t = Instant::now();
            self.rescan()?;
            update.lap("read content/", &mut t);
        } else {
            for i in reread {
                let slot = &mut self.slots[i];
                // Stamped before reading: a write in between is seen by the next walk.
                let stamp = stamp_of(&slot.file.source.abs);
                match load::read_page(&slot.file.source.abs, &slot.file.source.rel) {
                    Ok(text) => {
                        slot.stamp = stamp;
                        if text != slot.file.source.text {
                            slot.text_hash = hash_of(&text);
                            slot.file.source = SourceFile::new(slot.file.source.rel.clone(), slot.file.source.abs.clone(), text);
                            slot.parsed = None;
                        }
                    }
                    // It stopped being a page (emptied, too big, not UTF-8): walk again.
                    Err(_) => {
                        update.walked = true;
                        slot.stamp = None;
                        self.rescan()?;
                        break;
                    }
                }
            }
        }
        self.refresh(&mut update)?;
        Ok(update)
    }

    fn reload_config(&mut self) -> anyhow::Result<()> {
        let (file, mut config) = SiteConfig::load(&self.root)?;
        // site.toml and the files that travel with it (synonyms, vocabularies).
        let mut inputs = file.text.clone();
        for (rel, text) in SiteConfig::other_inputs(&self.root) {
            inputs.push_str(&format!("\0{rel}\0{text}"));
        }
        if self.config_text.as_deref() != Some(inputs.as_str()) {
            self.config_text = Some(inputs);
            if let Ok(c) = &mut config {
                c.warnings = crate::parse::emergency_terms::site_toml(&file, c);
            }
            self.config = config;
            self.config_file = Some(file);
            self.generation += 1;
        }
        Ok(())
    }

    fn reload_theme(&mut self) -> anyhow::Result<()> {
        let theme = Theme::load(&self.root)?;
        // The UI strings render into every page as the templates do.
        self.templates_hash = hash_of((&theme.templates, &theme.strings));
        self.theme = Some(theme);
        self.tera = None;
        self.statics_published = false;
        Ok(())
    }

    /// Adds the files that `arrived` and drops those `gone`, without a walk, when a
    /// walk would find just that: each new file a plain page file (`load::found_alone`)
    /// whose slug no other page has, readable as a page. False, with nothing changed,
    /// when a walk is needed. At 10k pages a walk, with the stamps of every file, was
    /// a tenth of a second of every new or deleted page's preview.
    fn add_or_drop_alone(&mut self, arrived: &[&str], gone: &[&str]) -> bool {
        let languages = self.config.as_ref().map(|c| c.language_codes()).unwrap_or_default();
        let mut taken: HashSet<String> = self
            .slots
            .iter()
            .filter(|s| s.file.placement.listed() && !gone.contains(&s.file.source.rel.as_str()))
            .map(|s| load::slug_key(s.file.lang.as_deref(), &s.file.slug))
            .collect();
        // Only a plain file with nothing left at its place goes alone: a link whose
        // target went away, or a file turned folder, is for the walk to report.
        let plainly_gone = |rel: &&str| {
            self.root.join(rel).symlink_metadata().is_err() && self.by_rel.get(*rel).is_some_and(|&i| !self.slots[i].is_symlink)
        };
        if !gone.iter().all(plainly_gone) {
            return false;
        }
        let mut read = Vec::new();
        for rel in arrived {
            let Some(found) = load::found_alone(&self.root, rel, &languages) else { return false };
            if found.placement.listed() && !taken.insert(load::slug_key(found.lang.as_deref(), &found.slug)) {
                return false;
            }
            let stamp = stamp_of(&found.path);
            match found.read() {
                Ok(file) => read.push(Slot { text_hash: hash_of(&file.source.text), is_symlink: false, file, stamp, parsed: None }),
                Err(_) => return false,
            }
        }
        self.slots.retain(|s| !gone.contains(&s.file.source.rel.as_str()));
        for slot in read {
            // In the walk's order: by path, folder by folder.
            let at = self.slots.partition_point(|s| Path::new(&s.file.source.rel) < Path::new(&slot.file.source.rel));
            self.slots.insert(at, slot);
        }
        self.files_moved();
        true
    }

    /// Walks `content/` again, keeping the parse of every file whose text is unchanged.
    fn rescan(&mut self) -> anyhow::Result<()> {
        let languages = self.config.as_ref().map(|c| c.language_codes()).unwrap_or_default();
        let (found, mut load_diags) = load::walk_content_in(&self.root, &languages)?;
        let mut old: HashMap<String, Slot> = self.slots.drain(..).map(|s| (s.file.source.rel.clone(), s)).collect();
        // Stamped before reading: a write in between is seen by the next walk.
        let stamps: Vec<Option<Stamp>> = found.par_iter().map(|f| stamp_of(&f.path)).collect();
        let kept: Vec<bool> = found
            .iter()
            .zip(&stamps)
            .map(|(f, stamp)| {
                stamp.is_some()
                    && old.get(&f.rel).is_some_and(|s| {
                        s.stamp == *stamp && s.file.placement == f.placement && s.file.slug == f.slug && s.file.lang == f.lang
                    })
            })
            .collect();
        enum Scan {
            Kept(load::Found),
            Read(Result<ContentFile, (Box<Diagnostic>, String)>),
        }
        let scanned: Vec<Scan> =
            found.into_par_iter().zip(kept).map(|(f, kept)| if kept { Scan::Kept(f) } else { Scan::Read(f.read()) }).collect();
        let mut unreadable = Vec::new();
        for (scan, stamp) in scanned.into_iter().zip(stamps) {
            let slot = match scan {
                Scan::Kept(f) => {
                    let mut s = old.remove(&f.rel).expect("kept only when it has a slot");
                    s.is_symlink = f.linked;
                    s.file.linked = f.linked;
                    s
                }
                Scan::Read(Ok(f)) => match old.remove(&f.source.rel) {
                    Some(mut s)
                        if s.file.source.text == f.source.text
                            && s.file.placement == f.placement
                            && s.file.slug == f.slug
                            && s.file.lang == f.lang =>
                    {
                        s.is_symlink = f.linked;
                        s.file.linked = f.linked;
                        s.stamp = stamp;
                        s
                    }
                    _ => Slot { text_hash: hash_of(&f.source.text), is_symlink: f.linked, file: f, stamp, parsed: None },
                },
                Scan::Read(Err((d, slug))) => {
                    load_diags.push(*d);
                    unreadable.push(slug);
                    continue;
                }
            };
            self.slots.push(slot);
        }
        self.load_diags = load_diags;
        self.unreadable = unreadable;
        self.files_moved();
        Ok(())
    }

    /// After files appeared or went away: the address book of files, and a new parse
    /// for every page whose relative links may name one of them.
    fn files_moved(&mut self) {
        let known: HashMap<String, String> =
            self.slots.iter().filter(|s| s.file.placement.listed()).map(|s| (s.file.source.rel.clone(), s.file.slug.clone())).collect();
        // Pages whose relative links named a file that appeared or went away are parsed
        // again: each page keeps the paths it asked about (on the first scan every file
        // is new, and searching every page's text for every new name was 90 s at 10k).
        let moved: HashSet<&str> = known
            .keys()
            .filter(|k| !self.known_paths.contains_key(*k))
            .chain(self.known_paths.keys().filter(|k| !known.contains_key(*k)))
            .map(String::as_str)
            .collect();
        if !moved.is_empty() {
            for slot in &mut self.slots {
                if slot.parsed.as_ref().is_some_and(|p| p.asked.iter().any(|a| moved.contains(a.as_str()))) {
                    slot.parsed = None;
                }
            }
        }
        self.known_paths = known;
        self.by_rel = self.slots.iter().enumerate().map(|(i, s)| (s.file.source.rel.clone(), i)).collect();
    }

    /// Parse what needs it, rebuild graph and diagnostics, render what changed.
    fn refresh(&mut self, update: &mut Update) -> anyhow::Result<()> {
        let mut t = Instant::now();
        self.located = std::sync::OnceLock::new();
        let config = match &self.config {
            Ok(c) => c.clone(),
            Err(diags) => {
                self.has_errors = diags.iter().any(|d| d.severity == Severity::Error);
                self.page_count = 0;
                return Ok(());
            }
        };
        let generation = self.generation;
        let today = self.today;
        let known = &self.known_paths;
        let with_doc = self.background_search;
        let todo: Vec<&mut Slot> = self.slots.iter_mut().filter(|s| s.parsed.as_ref().is_none_or(|p| p.generation != generation)).collect();
        update.parsed = todo.len();
        todo.into_par_iter().for_each(|slot| {
            // The paths its relative links name, asked of the site's files as it is parsed.
            let asked = std::sync::Mutex::new(Vec::new());
            let slug_of_path = |p: &str| {
                asked.lock().unwrap_or_else(|e| e.into_inner()).push(p.to_string());
                known.get(p).cloned()
            };
            let (page, diags) = stages::parse_file(&slot.file, &config, today, &slug_of_path);
            let mut parsed = fingerprint_page(page, diags, generation, with_doc);
            parsed.asked = asked.into_inner().unwrap_or_else(|e| e.into_inner());
            slot.parsed = Some(parsed);
        });

        // Published pages, borrowed out of their slots for the graph and the renderer.
        update.lap("parse", &mut t);
        let mut owners: Vec<usize> = Vec::with_capacity(self.slots.len());
        let mut pages: Vec<Page> = Vec::with_capacity(self.slots.len());
        let mut draft_slugs: BTreeSet<String> = BTreeSet::new();
        for (k, slot) in self.slots.iter_mut().enumerate() {
            let parsed = slot.parsed.as_mut().expect("parsed above");
            if let Some(page) = parsed.page.take() {
                if !stages::is_published(&page, self.drafts) {
                    draft_slugs.insert(page.slug.clone());
                    parsed.page = Some(page);
                } else {
                    owners.push(k);
                    pages.push(page);
                }
            }
        }
        update.lap("assemble", &mut t);
        let result = self.refresh_with(&config, &pages, &owners, &draft_slugs, update);
        for (page, k) in pages.into_iter().zip(owners) {
            self.slots[k].parsed.as_mut().expect("parsed above").page = Some(page);
        }
        result
    }

    fn refresh_with(
        &mut self,
        config: &SiteConfig,
        pages: &[Page],
        owners: &[usize],
        draft_slugs: &BTreeSet<String>,
        update: &mut Update,
    ) -> anyhow::Result<()> {
        let mut t = Instant::now();
        self.draft_paths = if self.drafts || draft_slugs.is_empty() {
            HashSet::new()
        } else {
            self.slots.iter().filter(|s| draft_slugs.contains(&s.file.slug)).map(|s| s.file.source.rel.clone()).collect()
        };
        // Slugs with a file but no page here: as `pipeline::build` works them out.
        let absent = Absent::of(draft_slugs.clone(), &self.unreadable, self.known_paths.values(), pages);
        // The link graph and its diagnostics depend on each page's links, related
        // list, anchors and their positions, not on its prose: after a prose-only
        // edit the last graph is still exact, and rebuilding it is the largest fixed
        // cost of a refresh on a big site.
        let absent_fp = hash_of(format!("{absent:?}"));
        let graph_fp = hash_of((
            (0..pages.len()).map(|i| (owners[i], self.slots[owners[i]].parsed.as_ref().map_or(0, |p| p.graph))).collect::<Vec<_>>(),
            absent_fp,
        ));
        let kept = match self.graph.take() {
            Some((fp, g)) if fp == graph_fp => Some(g),
            _ => None,
        };
        let rebuild = kept.is_none();
        let mut graph = kept.unwrap_or_else(|| LinkGraph::addresses(pages));
        let sub = Instant::now();
        self.cross_diags = stages::cross_page_diagnostics(pages);
        if let Some(theme) = &self.theme {
            self.cross_diags.extend(stages::missing_strings(theme, config));
        }
        // Cheap and reads published-urls.txt, which the watcher does not track: every update.
        self.address_diags = stages::address_diagnostics(&self.root, pages, config);
        // Quoted in the overlay like any source, when one of its lines is at fault.
        let record = crate::urls::PUBLISHED_URLS_FILE;
        self.record_file = self.address_diags.iter().any(|d| d.path == record).then(|| {
            let text = std::fs::read_to_string(self.root.join(record)).unwrap_or_default();
            SourceFile::new(record.to_string(), self.root.join(record), text)
        });
        update.timings.push(("of which site checks", sub.elapsed()));
        let sub = Instant::now();
        // Where each page's links go, by position: resolved for pages parsed since the
        // addresses last changed, kept for the others. A slug names the same page as long
        // as every page keeps its slug, language, listing and place (`LinkGraph::index_in`
        // reads nothing else), so an edit that only moves links keeps them all.
        let addresses_fp = hash_of(pages.iter().map(|p| (p.kind.listed(), &p.lang, &p.slug)).collect::<Vec<_>>());
        let stale: Vec<usize> = (0..pages.len())
            .filter(|&i| {
                self.slots[owners[i]].parsed.as_ref().is_some_and(|p| p.targets.as_ref().is_none_or(|(fp, _)| *fp != addresses_fp))
            })
            .collect();
        let resolved: Vec<Vec<Option<usize>>> = stale
            .par_iter()
            .map(|&i| {
                let forward = &self.slots[owners[i]].parsed.as_ref().expect("filtered above").forward;
                forward.iter().map(|slug| graph.index_in(pages[i].lang.as_deref(), slug)).collect()
            })
            .collect();
        for (i, targets) in stale.into_iter().zip(resolved) {
            self.slots[owners[i]].parsed.as_mut().expect("filtered above").targets = Some((addresses_fp, targets));
        }
        update.timings.push(("of which link targets", sub.elapsed()));
        if rebuild {
            let sub = Instant::now();
            self.connect_graph(&mut graph, pages, owners, &absent, absent_fp);
            update.timings.push(("of which link checks", sub.elapsed()));
        }
        update.lap("link graph", &mut t);
        let result = self.render_with(config, pages, owners, &graph, update, t);
        self.graph = Some((graph_fp, graph));
        result
    }

    /// Fills in `graph` (which has its addresses), checking again only the pages whose
    /// links, or whose targets' graph inputs, changed since their last check: after a
    /// related-list edit at 10k pages, re-making every page's 45,881 one-way warnings
    /// was most of the preview's rebuild. A page's check is keyed by its own graph
    /// fingerprint, each target's (and whether it is the page itself) and what is
    /// absent; its target ids are positions in its `forward` list, which a new or
    /// deleted page elsewhere does not move.
    fn connect_graph(&mut self, graph: &mut LinkGraph, pages: &[Page], owners: &[usize], absent: &Absent, absent_fp: u64) {
        let parsed = |i: usize| self.slots[owners[i]].parsed.as_ref().expect("published pages are parsed");
        let graph_fps: Vec<u64> = (0..pages.len()).map(|i| parsed(i).graph).collect();
        let checked: Vec<(u64, Arc<PageLinks>)> = (0..pages.len())
            .into_par_iter()
            .map(|i| {
                let p = parsed(i);
                let targets: &[Option<usize>] = p.targets.as_ref().map_or(&[], |(_, t)| t);
                let mut h = crate::fingerprint::hasher();
                (graph_fps[i], absent_fp).hash(&mut h);
                for t in targets {
                    t.map(|t| (graph_fps[t], t == i)).hash(&mut h);
                }
                let key = h.finish();
                if let Some((k, links)) = &p.links {
                    if *k == key {
                        return (key, links.clone());
                    }
                }
                let find = |slug: &str| {
                    let pos = p.forward.binary_search_by(|s| s.as_str().cmp(slug));
                    debug_assert!(pos.is_ok(), "`forward` holds every slug a page links to");
                    pos.ok().and_then(|pos| Some((pos, targets[pos]?)))
                };
                (key, Arc::new(graph.links_of(i, &pages[i], pages, absent, find)))
            })
            .collect();
        let mut site_diags = Vec::new();
        let links: Vec<Arc<PageLinks>> = checked.iter().map(|(_, l)| l.clone()).collect();
        graph.connect(
            pages,
            absent,
            &links,
            |i, pos| parsed(i).targets.as_ref().and_then(|(_, t)| t[pos]).expect("kept only while its targets resolve"),
            &mut site_diags,
        );
        for (i, entry) in checked.into_iter().enumerate() {
            self.slots[owners[i]].parsed.as_mut().expect("published pages are parsed").links = Some(entry);
        }
        self.graph_diags = site_diags;
        self.page_links = links;
    }

    fn render_with(
        &mut self,
        config: &SiteConfig,
        pages: &[Page],
        owners: &[usize],
        graph: &LinkGraph,
        update: &mut Update,
        mut t: Instant,
    ) -> anyhow::Result<()> {
        self.has_errors = stages::has_errors(
            self.load_diags
                .iter()
                .chain(self.slots.iter().flat_map(|s| s.parsed.iter().flat_map(|p| p.diags.iter())))
                .chain(self.page_links.iter().flat_map(|l| l.diagnostics()))
                .chain(self.graph_diags.iter())
                .chain(self.cross_diags.iter())
                .chain(self.address_diags.iter()),
            &config.lints,
        );
        update.lap("error check", &mut t);
        self.page_count = pages.len();
        if self.has_errors {
            return Ok(());
        }
        let theme = self.theme.as_ref().expect("loaded in apply");

        // Fingerprints of what each output is made from.
        let parsed = |i: usize| self.slots[owners[i]].parsed.as_ref().expect("parsed");
        let mut site_h = crate::fingerprint::hasher();
        deps::site_inputs(&mut site_h, config, pages, &theme.templates);
        self.templates_hash.hash(&mut site_h);
        self.today.hash(&mut site_h);
        let site_fp = site_h.finish();
        // Compact copies, so the per-page pass below stays in cache.
        let publics: Vec<u64> = (0..pages.len()).map(|i| parsed(i).public).collect();
        let index_fp = hash_of((site_fp, (0..pages.len()).map(|i| parsed(i).listing).collect::<Vec<_>>()));
        let search_fp = hash_of((site_fp, (0..pages.len()).map(|i| (owners[i], self.slots[owners[i]].text_hash)).collect::<Vec<_>>()));
        let page_fps: Vec<u64> = (0..pages.len())
            .into_par_iter()
            .map(|i| {
                let mut h = crate::fingerprint::hasher();
                site_fp.hash(&mut h);
                self.slots[owners[i]].text_hash.hash(&mut h);
                // Neighbours by their public face (which names them), not their position:
                // a new or deleted page moves positions, not what a page shows.
                for &t in &graph.related[i] {
                    publics[t].hash(&mut h);
                }
                1u8.hash(&mut h);
                for &b in &graph.backlinks[i] {
                    publics[b].hash(&mut h);
                }
                2u8.hash(&mut h);
                for target in parsed(i).targets.iter().flat_map(|(_, t)| t) {
                    target.map(|t| publics[t]).hash(&mut h);
                }
                // The language switcher and a translation's notice read the page's other versions.
                3u8.hash(&mut h);
                for &c in &graph.counterparts[i] {
                    publics[c].hash(&mut h);
                }
                if deps::reads_listings(&pages[i]) {
                    index_fp.hash(&mut h);
                }
                h.finish()
            })
            .collect();

        // Each index unit from the face of every page it reads, and which page is a
        // translation of which (the lists show a translation where there is one).
        let counterparts_fp =
            hash_of(graph.counterparts.iter().map(|cs| cs.iter().map(|&c| &pages[c].path).collect::<Vec<_>>()).collect::<Vec<_>>());
        let face_fps: HashMap<deps::Face, u64> = deps::Face::ALL
            .iter()
            .map(|&f| (f, hash_of((0..pages.len()).map(|i| f.of(&parsed(i).faces, parsed(i).listing)).collect::<Vec<_>>())))
            .collect();
        let unit_fps: BTreeMap<IndexKey, u64> = crate::render::index_units(config, pages)
            .into_iter()
            .map(|k| {
                let fp = hash_of((site_fp, counterparts_fp, &k, face_fps[&deps::index_inputs(k.unit)]));
                (k, fp)
            })
            .collect();
        update.lap("fingerprints", &mut t);
        // Pages by their file: a page added or deleted leaves the others' fingerprints as they were.
        let previous = self.rendered.as_ref().filter(|r| r.site == site_fp);
        update.full_render = previous.is_none();
        let dirty: Vec<usize> = match previous {
            Some(r) => (0..pages.len()).filter(|&i| r.pages.get(&pages[i].path) != Some(&page_fps[i])).collect(),
            None => (0..pages.len()).collect(),
        };
        let dirty_units: Vec<IndexKey> =
            unit_fps.iter().filter(|(k, fp)| previous.is_none_or(|r| r.units.get(*k) != Some(*fp))).map(|(k, _)| k.clone()).collect();
        let search = previous.is_none_or(|r| r.search != search_fp);

        // Render everything that needs it before touching any layer: a template
        // error half-way must leave the last good site whole.
        let mut new_pages: Vec<Output> = Vec::new();
        let mut new_units: Vec<(IndexKey, Vec<Output>)> = Vec::new();
        if !dirty.is_empty() || !dirty_units.is_empty() {
            // Entries rendered under another site state (templates, strings, config) are stale.
            self.fragments.for_site(site_fp);
            let fragments = std::mem::take(&mut self.fragments);
            let before = fragments.rendered();
            let tera = match &self.tera {
                Some(t) => t.clone(),
                None => self.tera.insert(crate::render::compile_templates(theme)?).clone(),
            };
            let mut renderer = SiteRenderer::with_templates(config, pages, graph, theme, tera)?;
            renderer.with_fragments(&fragments);
            renderer.set_review_changes(stages::review_changes(&self.root, pages, dirty.iter().copied())?);
            let today = self.today;
            // Pages and index units side by side: the big lists take as long as many pages.
            let (p, u) = rayon::join(
                || {
                    let started = Instant::now();
                    dirty
                        .par_iter()
                        .map(|&i| renderer.render_page(i, today))
                        .collect::<anyhow::Result<Vec<_>>>()
                        .map(|v| (v, started.elapsed()))
                },
                || {
                    let started = Instant::now();
                    renderer.render_index_units(&dirty_units).map(|v| (v, started.elapsed()))
                },
            );
            let (p, pages_took) = p?;
            let (u, units_took) = u?;
            // Side by side, so each is its own wall time (they overlap).
            update.timings.push(("of which pages", pages_took));
            update.timings.push(("of which index pages", units_took));
            new_pages = p;
            new_units = u;
            drop(renderer);
            update.fragments = fragments.rendered() - before;
            self.fragments = fragments;
        }
        // A unit that made a file last time and not now (a redirect gone) drops it.
        let mut dropped: Vec<String> = Vec::new();
        for (key, files) in &new_units {
            let made: Vec<String> = files.iter().map(|(p, _)| p.clone()).collect();
            if let Some(before) = self.unit_outputs.get(key) {
                dropped.extend(before.iter().filter(|p| !made.contains(p)).cloned());
            }
            self.unit_outputs.insert(key.clone(), made);
        }
        if previous.is_none() {
            self.unit_outputs.retain(|k, _| unit_fps.contains_key(k));
        }
        // The same pages as last time, each at its old address (every edit but a new,
        // deleted or moved page): the maps are patched where the edit reached, not
        // rebuilt with a copy of every path.
        let same_pages = previous.is_some()
            && pages.len() == self.page_outputs.len()
            && dirty.iter().zip(&new_pages).all(|(&i, (out, _))| self.page_outputs.get(&pages[i].path) == Some(out));
        if !same_pages {
            // A page that is gone (or moved to another address) drops its old file.
            let mut page_outputs: PathMap<String> = PathMap::default();
            page_outputs.reserve(pages.len());
            for (&i, (out, _)) in dirty.iter().zip(&new_pages) {
                page_outputs.insert(pages[i].path.clone(), out.clone());
            }
            for p in pages {
                if !page_outputs.contains_key(&p.path) {
                    if let Some(out) = self.page_outputs.get(&p.path) {
                        page_outputs.insert(p.path.clone(), out.clone());
                    }
                }
            }
            if previous.is_some() {
                let now: HashSet<&String> = page_outputs.values().collect();
                dropped.extend(self.page_outputs.values().filter(|o| !now.contains(o)).cloned());
            }
            self.page_outputs = page_outputs;
        }
        new_pages.extend(new_units.into_iter().flat_map(|(_, files)| files));
        update.lap("render", &mut t);
        let started = Instant::now();
        let mut new_search = None;
        if search && self.background_search {
            let docs = (0..pages.len()).filter_map(|i| parsed(i).doc.clone().map(|d| (pages[i].lang.clone(), d))).collect();
            update.search_job = Some(SearchJob {
                fingerprint: search_fp,
                docs,
                synonyms: config.synonyms.clone(),
                languages: crate::index::search_languages(config),
            });
        } else if search {
            new_search = Some(crate::index::search_files(pages, config)?);
            update.search = Some(started.elapsed());
        }
        update.rendered = new_pages.len();
        self.worker_precache = crate::render::offline::precache(pages, config);

        let mut touched: BTreeSet<String> = BTreeSet::new();
        if previous.is_none() {
            // The page set or the whole look changed: outputs nobody made this time go.
            let made: HashSet<&str> = new_pages.iter().map(|(p, _)| p.as_str()).collect();
            let gone: Vec<String> = self.layers[Layer::Pages as usize].keys().filter(|k| !made.contains(k.as_str())).cloned().collect();
            for k in gone {
                self.layers[Layer::Pages as usize].remove(&k);
                touched.insert(k);
            }
        }
        for path in dropped {
            if self.layers[Layer::Pages as usize].remove(&path).is_some() {
                touched.insert(path);
            }
        }
        for (path, bytes) in new_pages {
            put(&mut self.layers[Layer::Pages as usize], &mut touched, path, bytes);
        }
        // Copied and compared only when the theme was read again (they hold the wasm).
        if !self.statics_published {
            let statics: Vec<Output> = theme.statics.iter().map(|(p, b)| (p.clone(), b.clone())).collect();
            replace_layer(&mut self.layers[Layer::ThemeStatics as usize], &mut touched, statics);
            self.statics_published = true;
        }
        if let Some(files) = new_search {
            replace_layer(&mut self.layers[Layer::Search as usize], &mut touched, files);
        }
        update.lap("search documents", &mut t);
        update.changed = self.merge(touched);
        update.lap("publish", &mut t);
        let pages_fps = match self.rendered.take() {
            Some(mut r) if same_pages => {
                for &i in &dirty {
                    r.pages.insert(pages[i].path.clone(), page_fps[i]);
                }
                r.pages
            }
            _ => pages.iter().map(|p| p.path.clone()).zip(page_fps).collect(),
        };
        self.rendered = Some(Rendered { site: site_fp, pages: pages_fps, units: unit_fps, search: search_fp });
        update.ok = true;
        Ok(())
    }
}

/// Sets one output, noting the path if its bytes changed.
fn put(layer: &mut BTreeMap<String, Bytes>, touched: &mut BTreeSet<String>, path: String, bytes: Vec<u8>) {
    if layer.get(&path).is_none_or(|old| **old != *bytes) {
        layer.insert(path.clone(), Arc::from(bytes));
        touched.insert(path);
    }
}

fn replace_layer(layer: &mut BTreeMap<String, Bytes>, touched: &mut BTreeSet<String>, files: Vec<Output>) {
    let made: HashSet<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
    let gone: Vec<String> = layer.keys().filter(|k| !made.contains(k.as_str())).cloned().collect();
    for k in gone {
        layer.remove(&k);
        touched.insert(k);
    }
    for (path, bytes) in files {
        put(layer, touched, path, bytes);
    }
}

/// Source text for quoting in diagnostics, straight from the slots (no copies).
struct SlotSources<'a> {
    slots: &'a [Slot],
    by_rel: &'a HashMap<String, usize>,
    config: Option<&'a SourceFile>,
    record: Option<&'a SourceFile>,
}

impl diag::SourceLookup for SlotSources<'_> {
    fn source(&self, rel: &str) -> Option<&SourceFile> {
        match self.by_rel.get(rel) {
            Some(&i) => Some(&self.slots[i].file.source),
            None => self.config.filter(|c| c.rel == rel).or(self.record.filter(|c| c.rel == rel)),
        }
    }
}

fn fingerprint_page(page: Option<Page>, diags: Vec<Diagnostic>, generation: u64, with_doc: bool) -> Parsed {
    let (mut public, mut listing, mut graph, mut forward, mut doc) = (0, 0, 0, Vec::new(), None);
    let mut faces = deps::ListingFaces::default();
    if let Some(p) = &page {
        if with_doc {
            doc = crate::index::searchable(std::slice::from_ref(p)).next().map(|p| Arc::new(crate::index::document(p)));
        }
        public = deps::public_inputs(p);
        listing = deps::listing_inputs(p, public);
        faces = deps::listing_faces(p);
        // What the link graph reads: links, related lists and anchors, not prose.
        let mut h = crate::fingerprint::hasher();
        (&p.slug, p.kind, &p.path, p.fm.title_span).hash(&mut h);
        debug_hash(&mut h, &p.links);
        debug_hash(&mut h, &p.fm.related);
        let mut anchors: Vec<&String> = p.body.anchors.iter().collect();
        anchors.sort();
        anchors.hash(&mut h);
        for s in &p.body.sections {
            (&s.kind, &s.anchor).hash(&mut h);
        }
        // Its kept link checks name targets by position in `forward`: a new list, new checks.
        forward = deps::forward_slugs(p);
        forward.hash(&mut h);
        graph = h.finish();
    }
    Parsed { generation, page, diags, public, listing, faces, graph, forward, targets: None, links: None, asked: Vec::new(), doc }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::{self, BuildOptions, Stage};

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 21).unwrap()
    }

    fn full_build(root: &Path) -> pipeline::BuildOutcome {
        let mut opts = BuildOptions::new(root, Stage::Render);
        opts.today = today();
        pipeline::build(&opts).unwrap()
    }

    fn page(title: &str, region: &str, related: &[&str], body_extra: &str) -> String {
        let related: Vec<String> = related.iter().map(|r| format!("\"{r}\"")).collect();
        format!(
            "+++\ntitle = \"{title}\"\nsummary = \"A short summary of {title}.\"\nbody_region = \"{region}\"\nrelated = [{}]\nlast_reviewed = 2026-01-10\nreviewed_by = [\"Dr A\"]\n\n[[sources]]\ntitle = \"A source\"\n+++\n\nLead text about {title}. {body_extra}\n\n## Symptoms\n\n- pain when running\n- swelling\n\n## Causes\n\n- too much too soon\n\n## Fixes\n\n- rest\n\n## Red flags\n\n- emergency: the leg is cold and pale\n- routine: no better after two weeks\n",
            related.join(", ")
        )
    }

    pub(crate) fn fixture(dir: &Path) {
        std::fs::create_dir_all(dir.join("content/conditions")).unwrap();
        std::fs::create_dir_all(dir.join("content/guides")).unwrap();
        std::fs::write(
            dir.join("site.toml"),
            "title = \"Test KB\"\nbase_url = \"https://example.org\"\nlocale = \"en-US\"\ndisclaimer = \"Not advice.\"\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("content/conditions/shin-splints.md"),
            page("Shin splints", "lower-leg", &["calf-strain"], "See [[calf-strain]]."),
        )
        .unwrap();
        std::fs::write(
            dir.join("content/conditions/calf-strain.md"),
            page("Calf strain", "lower-leg", &["shin-splints"], "Not [[shin-splints]]."),
        )
        .unwrap();
        std::fs::write(
            dir.join("content/guides/when-to-see-a-doctor.md"),
            "+++\ntitle = \"When to see a doctor\"\nsummary = \"Signs that need help.\"\nlast_reviewed = 2026-01-10\ngather_red_flags = true\n\n[[sources]]\ntitle = \"A source\"\n+++\n\nWhen to get help. Read [[shin-splints]] and [[calf-strain#fixes]].\n",
        )
        .unwrap();
    }

    fn assert_same(engine: &Engine, step: &str) {
        let full = full_build(engine.root());
        assert_eq!(engine.diagnostics().len(), full.diagnostics.len(), "{step}: diagnostics {:#?}", engine.diagnostics());
        for (a, b) in engine.diagnostics().iter().zip(&full.diagnostics) {
            assert_eq!(diag::render_human(a), diag::render_human(b), "{step}");
        }
        if let Some(outputs) = full.outputs {
            let mine = engine.outputs();
            let names = |o: &[Output]| o.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
            assert_eq!(names(&mine), names(&outputs), "{step}: output paths");
            for ((p, a), (_, b)) in mine.iter().zip(&outputs) {
                if a != b {
                    let (a, b) = (String::from_utf8_lossy(a), String::from_utf8_lossy(b));
                    let first = a.lines().zip(b.lines()).find(|(x, y)| x != y);
                    panic!("{step}: {p} differs from a full build; first differing line (preview, build): {first:?}");
                }
            }
        } else {
            assert!(engine.has_errors(), "{step}: full build failed but the engine has no errors");
        }
    }

    fn edit(engine: &mut Engine, rel: &str, text: Option<&str>) -> Update {
        let path = engine.root().join(rel);
        match text {
            Some(t) => {
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(&path, t).unwrap()
            }
            None => std::fs::remove_file(&path).unwrap(),
        }
        let change = if rel == "site.toml" || rel == "synonyms.toml" || rel.starts_with("vocabulary/") {
            Change::Config
        } else if rel.starts_with("templates/") || rel.starts_with("strings/") {
            Change::Templates
        } else if rel.starts_with("static/") {
            Change::Static
        } else {
            Change::Page(rel.to_string())
        };
        engine.apply(&[change].into_iter().collect()).unwrap()
    }

    /// The preview on a two-language site: translations rebuild like any page, and
    /// saving an original with a newer review marks its translation stale at once.
    #[test]
    fn incremental_equals_full_build_on_a_bilingual_site() {
        let dir = tempfile::tempdir().unwrap();
        let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bilingual");
        for entry in walkdir::WalkDir::new(&from) {
            let entry = entry.unwrap();
            let dest = dir.path().join(entry.path().strip_prefix(&from).unwrap());
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&dest).unwrap();
            } else {
                std::fs::copy(entry.path(), &dest).unwrap();
            }
        }
        let mut e = Engine::new(dir.path(), false, today());
        assert!(e.full().unwrap().ok, "{:#?}", e.diagnostics());
        assert_same(&e, "initial");
        let page_of = |e: &Engine, rel: &str| String::from_utf8(e.site()[rel].to_vec()).unwrap();
        assert!(!page_of(&e, "es/conditions/calf-strain/index.html").contains("notice--stale"));

        let original = "content/conditions/calf-strain.md";
        let text = std::fs::read_to_string(dir.path().join(original)).unwrap();
        let u = edit(&mut e, original, Some(&text.replace("last_reviewed = 2026-01-10", "last_reviewed = 2026-11-01")));
        assert!(u.ok);
        assert!(e.diagnostics().iter().any(|d| diag::render_human(d).contains("warning[translation-stale]")), "{:#?}", e.diagnostics());
        assert!(page_of(&e, "es/conditions/calf-strain/index.html").contains("notice--stale"), "the translation says so at once");
        assert!(u.changed.contains(&"es/conditions/calf-strain/index.html".to_string()), "{:?}", u.changed);
        assert_same(&e, "original re-reviewed");

        // A new translation: the original's switcher now goes to it.
        let es_shin = "content/es/conditions/shin-splints.md";
        let shin = std::fs::read_to_string(dir.path().join("content/conditions/shin-splints.md")).unwrap();
        let translated = shin.replace("last_reviewed = 2026-01-10\n", "").replace(
            "reviewed_by = [\"Dr Example Reviewer\"]\n",
            "[translation]\nsource_reviewed = 2026-01-10\ntranslated = 2026-11-20\ntranslated_by = []\n",
        );
        edit(&mut e, es_shin, Some(&translated));
        assert!(page_of(&e, "conditions/shin-splints/index.html").contains("href=\"/es/conditions/shin-splints/\" hreflang=\"es\""));
        assert_same(&e, "translation added");

        // A translated red flag made less urgent is an error, in the preview too.
        let es_calf = "content/es/conditions/calf-strain.md";
        let es_text = std::fs::read_to_string(dir.path().join(es_calf)).unwrap();
        edit(&mut e, es_calf, Some(&es_text.replace("- urgente: no puede caminar", "- rutina: no puede caminar")));
        assert!(e.has_errors());
        assert!(e.errors().iter().any(|d| diag::render_human(d).contains("error[translation-flags]")));
        assert_same(&e, "urgency changed in translation");
        edit(&mut e, es_calf, Some(&es_text));
        assert!(!e.has_errors());

        // The files read with site.toml and the theme: a vocabulary, the UI strings, the synonyms.
        edit(&mut e, es_calf, Some(&es_text.replace("## Síntomas", "## Qué se nota")));
        assert!(e.errors().iter().any(|d| diag::render_human(d).contains("error[missing-section]")), "a heading Spanish does not know");
        edit(&mut e, "vocabulary/es.toml", Some("[sections]\n\"Qué se nota\" = \"symptoms\"\n"));
        assert!(!e.has_errors(), "the site's vocabulary teaches it, without a save of the page: {:#?}", e.errors());
        assert_same(&e, "vocabulary added");
        edit(&mut e, "strings/es.toml", Some("search_label = \"Busque aquí\"\n"));
        assert!(page_of(&e, "es/conditions/calf-strain/index.html").contains("Busque aquí"), "a site's string shows at once");
        assert_same(&e, "string overridden");
        edit(&mut e, "synonyms.toml", Some("[[synonyms]]\nterms = [\"tennis leg\", \"calf strain\"]\n"));
        assert_same(&e, "synonyms added");
    }

    #[test]
    fn kept_link_checks_follow_the_pages_they_name() {
        // A page's link checks are kept while it and the pages it names keep their graph
        // inputs: each change below is to a *target*, and must still reach the page's warnings.
        let dir = tempfile::tempdir().unwrap();
        fixture(dir.path());
        let mut e = Engine::new(dir.path(), false, today());
        e.full().unwrap();
        let shin = "content/conditions/shin-splints.md";
        let calf = "content/conditions/calf-strain.md";
        let one_way = |e: &Engine| e.diagnostics_of(crate::rules::Rule::OneWayRelated).len();
        let anchors = |e: &Engine| e.diagnostics_of(crate::rules::Rule::BrokenAnchor).len();
        // The target drops the page from its related list: the page's warning appears.
        edit(&mut e, calf, Some(&page("Calf strain", "lower-leg", &[], "See [[shin-splints#causes]].")));
        assert_eq!(one_way(&e), 1);
        assert_same(&e, "target drops the page");
        // The target loses the section another page links to: a broken anchor.
        let no_causes = page("Shin splints", "lower-leg", &["calf-strain"], "See [[calf-strain]].").replace("## Causes", "## Background");
        edit(&mut e, shin, Some(&no_causes));
        assert_eq!(anchors(&e), 1, "{:#?}", e.diagnostics());
        assert_same(&e, "target loses a section");
        // Pages before and after every other move their positions; kept checks still
        // point at the same pages (related lists on both ends, "Mentioned in").
        for slug in ["aaa-first", "zzz-last"] {
            edit(
                &mut e,
                &format!("content/conditions/{slug}.md"),
                Some(&page(slug, "lower-leg", &["calf-strain"], "See [[shin-splints]].")),
            );
            assert_same(&e, &format!("{slug} added"));
        }
        edit(&mut e, "content/conditions/aaa-first.md", None);
        assert_same(&e, "first page deleted");
        // The target comes back to the list: the warning goes.
        edit(&mut e, calf, Some(&page("Calf strain", "lower-leg", &["shin-splints", "zzz-last"], "See [[shin-splints#causes]].")));
        assert_same(&e, "target lists the page again");
        edit(&mut e, shin, Some(&page("Shin splints", "lower-leg", &["calf-strain"], "See [[calf-strain]].")));
        assert_eq!((one_way(&e), anchors(&e)), (0, 0), "{:#?}", e.diagnostics());
        assert_same(&e, "all mended");
    }

    #[test]
    fn files_added_and_removed_without_a_walk_match_a_walk() {
        let dir = tempfile::tempdir().unwrap();
        fixture(dir.path());
        let mut e = Engine::new(dir.path(), false, today());
        e.full().unwrap();
        let knee = "content/conditions/runners-knee.md";
        // A plain new page, and its deletion: no walk.
        let u = edit(&mut e, knee, Some(&page("Runner's knee", "thigh-knee", &["calf-strain"], "See [[shin-splints]].")));
        assert!(!u.walked);
        assert_same(&e, "new page alone");
        // A new page named by another page's relative link: that page is parsed again.
        edit(
            &mut e,
            "content/conditions/shin-splints.md",
            Some(&page("Shin splints", "lower-leg", &["calf-strain"], "[Hip](hip-pain.md).")),
        );
        assert_eq!(e.diagnostics_of(crate::rules::Rule::BrokenLink).len(), 1);
        let u = edit(&mut e, "content/conditions/hip-pain.md", Some(&page("Hip pain", "thigh-knee", &[], "x")));
        assert!(!u.walked);
        assert_same(&e, "relative link now resolves");
        let u = edit(&mut e, "content/conditions/hip-pain.md", None);
        assert!(!u.walked);
        assert_same(&e, "relative link broken again");
        // What a walk has something to say about goes through a walk: a slug another
        // page has, a name that is not a slug, a folder medkb does not read.
        for (rel, why) in [
            ("content/guides/runners-knee.md", "duplicate slug"),
            ("content/conditions/Bad Name.md", "not a slug"),
            ("content/drafts/idea.md", "unread folder"),
        ] {
            let u = edit(&mut e, rel, Some(&page("Other", "thigh-knee", &[], "x")));
            assert!(u.walked, "{why}");
            assert_same(&e, why);
        }
        // While the walk has reported something, additions and deletions walk too:
        // deleting the first of two pages with one slug publishes the second.
        let u = edit(&mut e, knee, None);
        assert!(u.walked);
        assert_same(&e, "duplicate's original deleted");
        for rel in ["content/guides/runners-knee.md", "content/conditions/Bad Name.md", "content/drafts/idea.md"] {
            edit(&mut e, rel, None);
        }
        assert_same(&e, "strays removed");
        let u = edit(&mut e, knee, Some(&page("Runner's knee", "thigh-knee", &[], "x")));
        assert!(!u.walked, "nothing reported: alone again");
        assert_same(&e, "back to plain");
    }

    #[test]
    fn incremental_equals_full_build_after_every_kind_of_edit() {
        let dir = tempfile::tempdir().unwrap();
        fixture(dir.path());
        let mut e = Engine::new(dir.path(), false, today());
        let u = e.full().unwrap();
        assert!(u.ok && u.full_render, "{:#?}", e.diagnostics());
        assert_same(&e, "initial");

        let shin = "content/conditions/shin-splints.md";
        let calf = "content/conditions/calf-strain.md";
        // Prose only: that page alone.
        let u = edit(&mut e, shin, Some(&page("Shin splints", "lower-leg", &["calf-strain"], "See [[calf-strain]]. New words: zebra.")));
        assert!(!u.full_render);
        assert_eq!(u.rendered, 1, "{u:?}");
        assert_eq!(u.changed.iter().filter(|p| p.ends_with(".html")).collect::<Vec<_>>(), vec!["conditions/shin-splints/index.html"]);
        assert_same(&e, "prose");
        // Title: neighbours and indexes too.
        let u = edit(&mut e, calf, Some(&page("Calf muscle strain", "lower-leg", &["shin-splints"], "Not [[shin-splints]].")));
        assert!(u.changed.contains(&"conditions/shin-splints/index.html".to_string()), "{u:?}");
        assert!(u.changed.contains(&"a-z/index.html".to_string()), "{u:?}");
        assert_same(&e, "title");
        // Region: counts change everywhere.
        edit(&mut e, calf, Some(&page("Calf muscle strain", "thigh-knee", &["shin-splints"], "Not [[shin-splints]].")));
        assert_same(&e, "region");
        // Broken: errors, last good site kept.
        let before = e.outputs();
        let u = edit(&mut e, calf, Some(&page("Calf muscle strain", "thigh-knee", &["shin-splints"], "Broken [[no-such-page]].")));
        assert!(!u.ok && e.has_errors());
        assert!(e.outputs() == before);
        assert_same(&e, "broken");
        // Fixed.
        edit(&mut e, calf, Some(&page("Calf strain", "lower-leg", &["shin-splints"], "Fixed [[shin-splints#causes]].")));
        assert_same(&e, "fixed");
        // New page, linked both ways.
        edit(
            &mut e,
            "content/conditions/runners-knee.md",
            Some(&page("Runner's knee", "thigh-knee", &["calf-strain"], "See [[calf-strain]].")),
        );
        assert_same(&e, "new page (one-way related warning)");
        edit(&mut e, calf, Some(&page("Calf strain", "lower-leg", &["shin-splints", "runners-knee"], "Fixed [[shin-splints#causes]].")));
        assert_same(&e, "related both ways");
        // Relative Markdown link to a page that comes and goes.
        edit(&mut e, shin, Some(&page("Shin splints", "lower-leg", &["calf-strain"], "See [[calf-strain]] and [knee](runners-knee.md).")));
        assert_same(&e, "relative link");
        edit(&mut e, calf, Some(&page("Calf strain", "lower-leg", &["shin-splints"], "Fixed [[shin-splints#causes]].")));
        edit(&mut e, "content/conditions/runners-knee.md", None);
        assert!(e.has_errors());
        assert_same(&e, "deleted page still linked");
        edit(&mut e, "content/conditions/runners-knee.md", Some(&page("Runner's knee", "thigh-knee", &[], "See [[calf-strain]].")));
        assert_same(&e, "recreated");
        // Draft.
        let draft =
            page("Shin splints", "lower-leg", &["calf-strain"], "See [[calf-strain]].").replace("+++\n\n", "status = \"draft\"\n+++\n\n");
        edit(&mut e, "content/conditions/shin-splints.md", Some(&draft));
        assert_same(&e, "draft");
        edit(&mut e, shin, Some(&page("Shin splints", "lower-leg", &["calf-strain"], "See [[calf-strain]].")));
        assert_same(&e, "published again");
        // An emptied file, then written again.
        edit(&mut e, shin, Some(""));
        assert_same(&e, "emptied");
        edit(&mut e, shin, Some(&page("Shin splints", "lower-leg", &["calf-strain"], "Back.")));
        assert_same(&e, "refilled");
        // Templates, static files, site.toml.
        edit(&mut e, "templates/404.html", Some("{% extends \"base.html\" %}{% block content %}<h1>Lost</h1>{% endblock content %}"));
        assert_same(&e, "template override");
        let u = edit(&mut e, "static/style.css", Some("body { color: red }"));
        // The worker's build version covers the stylesheet: a new version, so readers get the new file.
        assert_eq!(u.changed, vec!["style.css".to_string(), "sw.js".to_string()]);
        assert_same(&e, "stylesheet");
        std::fs::write(dir.path().join("templates/404.html"), "{% extends \"base.html\" %}{% if %}").unwrap();
        assert!(e.apply(&[Change::Templates].into_iter().collect()).is_err(), "a template that does not compile stops the build");
        edit(&mut e, "templates/404.html", None);
        assert_same(&e, "template removed");
        edit(
            &mut e,
            "site.toml",
            Some("title = \"Renamed KB\"\nbase_url = \"https://example.org\"\nlocale = \"en-GB\"\ndisclaimer = \"Not advice.\"\n"),
        );
        assert_same(&e, "config");
        edit(
            &mut e,
            "site.toml",
            Some("title = \"Renamed KB\"\nbase_url = \"https://example.org\"\ntitel = 1\ndisclaimer = \"Not advice.\"\n"),
        );
        assert!(e.has_errors());
        assert_same(&e, "bad config");
        edit(
            &mut e,
            "site.toml",
            Some("title = \"Test KB\"\nbase_url = \"https://example.org\"\nlocale = \"en-US\"\ndisclaimer = \"Not advice.\"\n"),
        );
        assert_same(&e, "config back");
    }

    /// The edits the issue lists that the scenario above does not make: summary,
    /// also_called, red flags, a rename, and a site changing a rule's level.
    #[test]
    fn incremental_equals_full_build_after_front_matter_red_flag_rename_and_lint_edits() {
        let dir = tempfile::tempdir().unwrap();
        fixture(dir.path());
        let mut e = Engine::new(dir.path(), false, today());
        e.full().unwrap();
        assert_same(&e, "initial");
        let calf = "content/conditions/calf-strain.md";
        let base = page("Calf strain", "lower-leg", &["shin-splints"], "Not [[shin-splints]].");
        edit(&mut e, calf, Some(&base.replace("summary = \"A short summary of Calf strain.\"", "summary = \"A pulled calf muscle.\"")));
        assert_same(&e, "summary");
        edit(&mut e, calf, Some(&base.replace("summary = ", "also_called = [\"Pulled calf\"]\nsummary = ")));
        assert!(!e.has_errors(), "also_called: {:#?}", e.errors());
        assert_same(&e, "also_called");
        let u = edit(
            &mut e,
            calf,
            Some(&base.replace("- routine: no better after two weeks", "- urgent: you cannot walk\n- routine: no better after two weeks")),
        );
        assert!(u.changed.contains(&"guides/when-to-see-a-doctor/index.html".to_string()), "gathered red flags re-render: {u:?}");
        assert_same(&e, "red flags");
        // Rename: the old file goes, a new slug comes, and the pages that linked follow.
        edit(&mut e, calf, None);
        edit(
            &mut e,
            "content/conditions/calf-muscle-strain.md",
            Some(&page("Calf strain", "lower-leg", &["shin-splints"], "Not [[shin-splints]].")),
        );
        assert!(e.has_errors(), "links to the old slug are broken until fixed");
        assert_same(&e, "renamed, links broken");
        edit(
            &mut e,
            "content/conditions/shin-splints.md",
            Some(&page("Shin splints", "lower-leg", &["calf-muscle-strain"], "See [[calf-muscle-strain]].")),
        );
        let guide = std::fs::read_to_string(dir.path().join("content/guides/when-to-see-a-doctor.md"))
            .unwrap()
            .replace("calf-strain", "calf-muscle-strain");
        edit(&mut e, "content/guides/when-to-see-a-doctor.md", Some(&guide));
        assert_same(&e, "renamed, links fixed");
        // The old slug as an alias: a redirect page and a `_redirects` line, in both builds.
        let renamed = page("Calf strain", "lower-leg", &["shin-splints"], "Not [[shin-splints]].");
        edit(
            &mut e,
            "content/conditions/calf-muscle-strain.md",
            Some(&renamed.replace("last_reviewed", "aliases = [\"calf-strain\"]\nlast_reviewed")),
        );
        assert!(e.outputs().iter().any(|(p, _)| p == "conditions/calf-strain/index.html"), "the redirect page is served");
        assert_same(&e, "alias");
        // A recorded address without its alias: an error in the preview as in `check`.
        std::fs::write(dir.path().join("published-urls.txt"), "/conditions/calf-strain/\n").unwrap();
        edit(&mut e, "content/conditions/calf-muscle-strain.md", Some(&renamed));
        assert!(e.has_errors(), "a recorded address that stops answering stops the preview's build too");
        assert_same(&e, "recorded address removed");
        std::fs::remove_file(dir.path().join("published-urls.txt")).unwrap();
        // A rule's level set by the site: warnings go, denied ones stop the build.
        let toml = "title = \"Test KB\"\nbase_url = \"https://example.org\"\nlocale = \"en-US\"\ndisclaimer = \"Not advice.\"\n";
        edit(
            &mut e,
            "content/conditions/shin-splints.md",
            Some(&page("Shin splints", "lower-leg", &["calf-muscle-strain"], "See [[calf-muscle-strain]].")),
        );
        edit(&mut e, "site.toml", Some(&format!("{toml}\n[lints]\nawaiting-review = \"allow\"\n")));
        assert_same(&e, "lint allowed");
        edit(&mut e, "content/conditions/calf-muscle-strain.md", Some(&page("Calf strain", "lower-leg", &[], "Not [[shin-splints]].")));
        edit(&mut e, "site.toml", Some(&format!("{toml}\n[lints]\none-way-related = \"deny\"\n")));
        assert!(e.has_errors(), "a denied warning stops the preview's build too");
        assert_same(&e, "lint denied");
    }

    /// Issue 14, item 2: an edit re-renders only the index pages that show what it
    /// changed, and the site still equals a full build after each.
    #[test]
    fn index_pages_re_render_only_for_what_they_show() {
        let dir = tempfile::tempdir().unwrap();
        fixture(dir.path());
        let mut e = Engine::new(dir.path(), false, today());
        e.full().unwrap();
        let calf = "content/conditions/calf-strain.md";
        let base = page("Calf strain", "lower-leg", &["shin-splints"], "Not [[shin-splints]].");
        let html = |u: &Update| u.changed.iter().filter(|p| p.ends_with(".html") || p.ends_with(".xml")).cloned().collect::<Vec<_>>();

        let base = base.replace("A short summary of Calf strain.", "A pulled calf muscle.");
        let u = edit(&mut e, calf, Some(&base));
        assert_same(&e, "summary");
        let changed = html(&u);
        assert!(changed.contains(&"conditions/index.html".to_string()), "the conditions list shows summaries: {changed:?}");
        assert!(changed.contains(&"atom.xml".to_string()), "{changed:?}");
        assert!(!changed.contains(&"a-z/index.html".to_string()), "the A–Z shows no summaries: {changed:?}");
        assert!(!changed.contains(&"symptoms/index.html".to_string()), "{changed:?}");
        assert!(!changed.contains(&"sitemap.xml".to_string()), "{changed:?}");

        let base = base.replace("\nsummary = ", "\nalso_called = [\"Pulled calf\"]\nsummary = ");
        let u = edit(&mut e, calf, Some(&base));
        assert_same(&e, "also_called");
        assert!(u.ok, "{:#?}", e.errors());
        assert!(html(&u).contains(&"a-z/index.html".to_string()), "{u:?}");
        assert!(!html(&u).contains(&"conditions/index.html".to_string()), "{u:?}");

        // Red flags and related links are in no list (the gathering guide reads red flags).
        let u = edit(&mut e, calf, Some(&base.replace("- routine: no better", "- urgent: you cannot walk\n- routine: no better")));
        assert_same(&e, "red flag");
        let changed = html(&u);
        assert!(changed.contains(&"guides/when-to-see-a-doctor/index.html".to_string()), "{changed:?}");
        for list in ["a-z/index.html", "conditions/index.html", "symptoms/index.html", "atom.xml", "sitemap.xml", "index.html"] {
            assert!(!changed.contains(&list.to_string()), "{list} re-rendered for a red flag: {changed:?}");
        }
        let u = edit(&mut e, calf, Some(&base.replace("related = [\"shin-splints\"]", "related = []")));
        assert_same(&e, "related dropped");
        for list in ["a-z/index.html", "conditions/index.html", "symptoms/index.html", "atom.xml", "sitemap.xml"] {
            assert!(!html(&u).contains(&list.to_string()), "{list} re-rendered for a related link: {u:?}");
        }

        // Title: every list that shows it; then a review date (feed and sitemap).
        let u = edit(&mut e, calf, Some(&page("Calf muscle strain", "lower-leg", &[], "Not [[shin-splints]].")));
        assert_same(&e, "title");
        for list in ["a-z/index.html", "conditions/index.html", "symptoms/index.html", "regions/lower-leg/index.html"] {
            assert!(html(&u).contains(&list.to_string()), "{list} not re-rendered for a title: {u:?}");
        }
        let u = edit(
            &mut e,
            calf,
            Some(&page("Calf muscle strain", "lower-leg", &[], "Not [[shin-splints]].").replace("2026-01-10", "2026-02-01")),
        );
        assert_same(&e, "review date");
        assert!(html(&u).contains(&"sitemap.xml".to_string()), "{u:?}");

        // A new page and a deleted one: not every page again (the default theme shows
        // region counts only on the home page and the regions index).
        let knee = "content/conditions/runners-knee.md";
        let u = edit(&mut e, knee, Some(&page("Runner's knee", "thigh-knee", &[], "See [[calf-strain]].")));
        assert_same(&e, "new page");
        assert!(!u.full_render && !html(&u).contains(&"conditions/shin-splints/index.html".to_string()), "{u:?}");
        assert!(html(&u).contains(&"regions/index.html".to_string()), "the count changed: {u:?}");
        let u = edit(&mut e, knee, None);
        assert_same(&e, "deleted page");
        assert!(!u.full_render && !html(&u).contains(&"conditions/shin-splints/index.html".to_string()), "{u:?}");
        assert!(!e.site().contains_key("conditions/runners-knee/index.html"));

        // A site whose page template shows the counts: then every page follows them.
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        let condition = std::fs::read_to_string(repo.join("themes/default/templates/condition.html")).unwrap();
        let counted =
            condition.replacen("{% endblock kind %}", " ({% for r in site.regions %}{{ r.count }} {% endfor %}){% endblock kind %}", 1);
        assert_ne!(counted, condition);
        edit(&mut e, "templates/condition.html", Some(&counted));
        assert_same(&e, "condition template shows counts");
        let u = edit(&mut e, knee, Some(&page("Runner's knee", "lower-leg", &[], "See [[calf-strain]].")));
        assert_same(&e, "new page, counted");
        assert!(html(&u).contains(&"conditions/shin-splints/index.html".to_string()), "{u:?}");
        edit(&mut e, knee, None);
        assert_same(&e, "deleted page, counted");
    }

    /// Issue 14, item 2: the big lists are joined from cached entries, and an edit
    /// renders again only the entries that show what it changed.
    #[test]
    fn a_changed_entry_re_renders_only_its_fragment() {
        let dir = tempfile::tempdir().unwrap();
        fixture(dir.path());
        let mut e = Engine::new(dir.path(), false, today());
        let u = e.full().unwrap();
        let page_of = |e: &Engine, rel: &str| String::from_utf8(e.site()[rel].to_vec()).unwrap();
        // Two conditions: A–Z 2, conditions list 2, lower-leg 2, symptom links 2 and
        // symptom rows 2 ("Pain when running", "Swelling"); and each URL of the sitemap.
        let sitemap_urls = page_of(&e, "sitemap.xml").matches("<url>").count();
        assert!(sitemap_urls > 3, "every page and index page");
        assert_eq!(u.fragments, 10 + sitemap_urls, "the first render makes every entry");
        let calf = "content/conditions/calf-strain.md";

        // A title shows in the A–Z, the conditions list, its region, its symptom link and
        // the two rows that link (joined again from their links, the others kept).
        let u = edit(&mut e, calf, Some(&page("Calf tear", "lower-leg", &["shin-splints"], "Not [[shin-splints]].")));
        assert_same(&e, "title");
        assert_eq!(u.fragments, 6, "only the edited page's entries: {u:?}");
        assert!(page_of(&e, "a-z/index.html").contains(">Calf tear</a>"));
        assert!(page_of(&e, "symptoms/index.html").contains(">Calf tear</a>"));

        // A summary: the lists that carry it (the symptom rows hold the link, summary included).
        let torn = |extra: &str| page("Calf tear", "lower-leg", &["shin-splints"], extra).replace("A short summary of Calf tear.", "Torn.");
        let u = edit(&mut e, calf, Some(&torn("Not [[shin-splints]].")));
        assert_same(&e, "summary");
        assert_eq!(u.fragments, 5, "conditions, region, the symptom link and its two rows, not the A–Z: {u:?}");

        // A new review date: its sitemap entry too (and its list entries, which show it).
        let reviewed = |extra: &str| torn(extra).replace("last_reviewed = 2026-01-10", "last_reviewed = 2026-01-11");
        let u = edit(&mut e, calf, Some(&reviewed("Not [[shin-splints]].")));
        assert_same(&e, "review date");
        assert_eq!(u.fragments, 7, "A–Z, conditions, region, the symptom link, its two rows, the sitemap URL: {u:?}");
        assert!(page_of(&e, "sitemap.xml").contains("<lastmod>2026-01-11</lastmod>"));
        let torn = |extra: &str| reviewed(extra);

        // Prose: no list entry at all.
        let u = edit(&mut e, calf, Some(&torn("Not [[shin-splints]]. More.")));
        assert_same(&e, "prose");
        assert_eq!(u.fragments, 0, "{u:?}");

        // An entry template of the site's own: every entry is made again from it.
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        let az = std::fs::read_to_string(repo.join("themes/default/templates/partials/az_entry.html")).unwrap();
        edit(&mut e, "templates/partials/az_entry.html", Some(&az.replace("<li", "<li data-own")));
        assert_same(&e, "entry template");
        assert!(page_of(&e, "a-z/index.html").contains("<li data-own><a href=\"/conditions/calf-strain/\">Calf tear</a>"));

        // A page template of the site's own still gets the entries as data (it may read them).
        edit(&mut e, "templates/az.html", Some("{% for l in letters %}{% for x in l.entries %}[{{ x.title }}]{% endfor %}{% endfor %}"));
        assert_same(&e, "own A–Z template");
        assert_eq!(page_of(&e, "a-z/index.html").trim(), "[Calf tear][Shin splints]");
    }

    #[test]
    fn incremental_equals_full_build_on_the_bundled_site() {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        let dir = tempfile::tempdir().unwrap();
        for entry in walkdir::WalkDir::new(repo.join("content")) {
            let entry = entry.unwrap();
            let rel = entry.path().strip_prefix(repo).unwrap();
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(dir.path().join(rel)).unwrap();
            } else {
                std::fs::copy(entry.path(), dir.path().join(rel)).unwrap();
            }
        }
        std::fs::copy(repo.join("site.toml"), dir.path().join("site.toml")).unwrap();
        let mut e = Engine::new(dir.path(), false, today());
        e.full().unwrap();
        assert_same(&e, "bundled: initial");
        let mut files: Vec<String> = e.slots.iter().map(|s| s.file.source.rel.clone()).filter(|r| r.contains("/conditions/")).collect();
        files.sort();
        for (n, rel) in files.iter().take(6).enumerate() {
            let text = std::fs::read_to_string(dir.path().join(rel)).unwrap();
            let edited = match n % 3 {
                // Prose at the top of the body (every link after it moves), then at the end (none does).
                0 => text.replacen("+++\n\n", "+++\n\nAn added sentence about zebras.\n\n", 1) + "\nAnd one at the end.\n",
                1 => text.replacen("title = \"", "title = \"Renamed ", 1),
                _ => text.replacen("summary = \"", "summary = \"Changed. ", 1),
            };
            edit(&mut e, rel, Some(&edited));
            assert!(!e.has_errors(), "{:#?}", e.errors());
            assert_same(&e, &format!("bundled: edit {n} of {rel}"));
            let appended = edited.clone() + "\nA second sentence at the end.\n";
            let u = edit(&mut e, rel, Some(&appended));
            assert_eq!(u.rendered, 1, "prose at the end re-renders the page alone: {u:?}");
            assert_same(&e, &format!("bundled: appended to {rel}"));
        }
    }

    /// The contract at a scale where listing pages hold thousands of entries: 2,000
    /// pages over every region and letter, then one edit of each kind the preview
    /// must get right, each compared with a full build.
    #[test]
    fn incremental_equals_full_build_at_two_thousand_pages() {
        const PAGES: usize = 2000;
        let regions = ["lower-leg", "thigh-knee", "ankle-foot", "hip-pelvis", "head-neck", "whole-body"];
        let title = |i: usize| format!("{} condition {i}", char::from(b'A' + (i % 26) as u8));
        let slug = |i: usize| format!("c{:04}", i % PAGES);
        let text = |i: usize, extra: &str| {
            page(&title(i), regions[i % regions.len()], &[&slug(i + 1)], &format!("See [[{}]]. {extra}", slug(i + 7)))
        };
        let dir = tempfile::tempdir().unwrap();
        fixture(dir.path());
        for i in 0..PAGES {
            std::fs::write(dir.path().join(format!("content/conditions/{}.md", slug(i))), text(i, "")).unwrap();
        }
        let mut e = Engine::new(dir.path(), false, today());
        assert!(e.full().unwrap().ok, "{:#?}", e.errors());
        assert_same(&e, "2,000 pages: initial");
        let rel = |i: usize| format!("content/conditions/{}.md", slug(i));
        let base = text(42, "");
        let edits: [(&str, String); 6] = [
            ("prose", text(42, "New words: zebra.")),
            ("title", base.replace(&title(42), "Zebra stripes 42")),
            ("summary", base.replace("summary = \"A short summary", "summary = \"A changed summary")),
            ("also_called", base.replace("summary = ", "also_called = [\"Quagga\"]\nsummary = ")),
            ("related", base.replace(&format!("related = [\"{}\"]", slug(43)), &format!("related = [\"{}\"]", slug(900)))),
            ("red flag", base.replace("- routine: no better", "- urgent: you cannot walk\n- routine: no better")),
        ];
        for (kind, edited) in &edits {
            assert_ne!(edited, &base, "{kind}: the edit must change the page");
            edit(&mut e, &rel(42), Some(edited));
            assert!(!e.has_errors(), "{kind}: {:#?}", e.errors());
            assert_same(&e, &format!("2,000 pages: {kind}"));
        }
        edit(&mut e, "content/conditions/c9999.md", Some(&text(9999, "A new page.")));
        assert_same(&e, "2,000 pages: new page");
        edit(&mut e, "content/conditions/c9999.md", None);
        assert_same(&e, "2,000 pages: deleted page");
    }
}
