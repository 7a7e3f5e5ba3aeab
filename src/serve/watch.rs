//! Watching: file-system events in, a small set of [`Change`]s out.
//!
//! Editors save in many ways: vim renames the old file aside and writes a new one
//! (with a `4913` probe file and a `.swp` beside it), VS Code and JetBrains write a
//! temporary file and rename it over the page, emacs leaves `.#lock` and `#auto#`
//! files, and `git checkout` rewrites hundreds of files at once. The raw events are
//! noisy (inotify also reports every *open*, including medkb's own reads), so they
//! are reduced in two steps: [`classify`] maps one path to a [`Change`] or to
//! nothing, and [`changes_of`] drops the event kinds that change no bytes. The
//! rebuild loop only ever sees the resulting set, so a burst of 500 events on 500
//! files is one rebuild, and a save is one rebuild whichever way the editor saved.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use notify::event::{AccessKind, AccessMode, MetadataKind, ModifyKind};
use notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{new_debouncer, DebounceEventResult, DebouncedEvent, Debouncer, RecommendedCache};

use crate::fsutil::is_editor_noise;
use crate::pipeline::incremental::Change;

/// What a change to `path` means for the site at `root` (both absolute), if anything.
pub fn classify(root: &Path, path: &Path) -> Option<Change> {
    let rel = path.strip_prefix(root).ok()?;
    let parts: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    if parts.iter().any(|p| is_editor_noise(p)) {
        return None;
    }
    let name = parts.last()?.as_str();
    let looks_like_dir = !name.contains('.');
    match parts.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["site.toml"] => Some(Change::Config),
        // Read with site.toml: the site's synonyms and its languages' vocabularies.
        ["synonyms.toml"] => Some(Change::Config),
        ["vocabulary"] => Some(Change::Config),
        ["vocabulary", ..] if name.ends_with(".toml") => Some(Change::Config),
        // The site's UI strings are part of the theme.
        ["strings"] => Some(Change::Templates),
        ["strings", ..] if name.ends_with(".toml") => Some(Change::Templates),
        ["content"] => Some(Change::ContentTree),
        ["content", ..] if name.ends_with(".md") => Some(Change::Page(parts.join("/"))),
        // A folder created, removed or renamed under content/ (its pages get no events of their own).
        ["content", ..] if looks_like_dir => Some(Change::ContentTree),
        ["content", ..] => None, // images and other files medkb does not read
        ["templates", ..] => Some(Change::Templates),
        ["static", ..] => Some(Change::Static),
        ["themes"] | ["themes", "default"] => Some(Change::Templates),
        ["themes", "default", "static", ..] => Some(Change::Static),
        ["themes", "default", ..] => Some(Change::Templates),
        _ => None, // public/, other themes, anything else at the root
    }
}

/// Whether an event can have changed a file's bytes or existence. Opens, reads,
/// closes after reading and access-time updates cannot, and medkb causes them itself.
pub fn changes_bytes(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)) => false,
        _ => true,
    }
}

/// The changes a batch of debounced events amounts to.
pub fn changes_of(root: &Path, events: &[DebouncedEvent]) -> BTreeSet<Change> {
    events.iter().filter(|e| changes_bytes(&e.event.kind)).flat_map(|e| e.event.paths.iter()).filter_map(|p| classify(root, p)).collect()
}

/// The folders watched: content/, templates/, static/, themes/, strings/ and
/// vocabulary/ recursively, the root itself without recursion (for site.toml and
/// synonyms.toml, and to see those folders appear).
fn watch_dirs(root: &Path) -> Vec<PathBuf> {
    ["content", "templates", "static", "themes", "strings", "vocabulary"].iter().map(|d| root.join(d)).collect()
}

pub struct Watcher {
    root: PathBuf,
    debouncer: Debouncer<notify::RecommendedWatcher, RecommendedCache>,
    watched: Vec<PathBuf>,
}

/// A batch of changes, or a watcher error to print.
pub type Batch = Result<BTreeSet<Change>, String>;

impl Watcher {
    /// Starts watching; batches arrive on `tx` after `quiet` without further events.
    pub fn start(root: &Path, quiet: Duration, tx: mpsc::Sender<Batch>) -> anyhow::Result<Watcher> {
        let root = root.canonicalize()?;
        let r = root.clone();
        let handler = move |result: DebounceEventResult| {
            let batch = match result {
                Ok(events) => Ok(changes_of(&r, &events)),
                Err(errors) => Err(errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; ")),
            };
            if batch.as_ref().map_or(true, |c| !c.is_empty()) {
                let _ = tx.send(batch);
            }
        };
        // Tick at a fifth of the quiet time: a save is seen at most 1.2 × `quiet` after it.
        let debouncer = new_debouncer(quiet, Some(quiet / 5), handler)?;
        let mut w = Watcher { root, debouncer, watched: Vec::new() };
        w.debouncer.watch(&w.root, RecursiveMode::NonRecursive)?;
        w.ensure_watches();
        Ok(w)
    }

    /// Watches the site folders that exist now and were not watched (created since,
    /// or removed and created again). Called after every batch.
    pub fn ensure_watches(&mut self) {
        for dir in watch_dirs(&self.root) {
            let is_dir = dir.is_dir();
            let watched = self.watched.contains(&dir);
            if is_dir && !watched {
                if self.debouncer.watch(&dir, RecursiveMode::Recursive).is_ok() {
                    self.watched.push(dir);
                }
            } else if !is_dir && watched {
                let _ = self.debouncer.unwatch(&dir);
                self.watched.retain(|d| d != &dir);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{CreateKind, RemoveKind, RenameMode};
    use notify::Event;

    fn c(path: &str) -> Option<Change> {
        classify(Path::new("/site"), &Path::new("/site").join(path))
    }

    #[test]
    fn paths_map_to_changes() {
        assert_eq!(c("content/conditions/gout.md"), Some(Change::Page("content/conditions/gout.md".into())));
        assert_eq!(c("content/_index.md"), Some(Change::Page("content/_index.md".into())));
        assert_eq!(c("content/conditions"), Some(Change::ContentTree));
        assert_eq!(c("content/new-folder"), Some(Change::ContentTree));
        assert_eq!(c("content"), Some(Change::ContentTree));
        assert_eq!(c("content/conditions/photo.png"), None);
        assert_eq!(c("site.toml"), Some(Change::Config));
        assert_eq!(c("synonyms.toml"), Some(Change::Config));
        assert_eq!(c("vocabulary/es.toml"), Some(Change::Config));
        assert_eq!(c("strings/es.toml"), Some(Change::Templates));
        assert_eq!(c("strings/notes.txt"), None);
        assert_eq!(c("templates/condition.html"), Some(Change::Templates));
        assert_eq!(c("templates/partials/search.html"), Some(Change::Templates));
        assert_eq!(c("static/style.css"), Some(Change::Static));
        assert_eq!(c("themes/default/static/style.css"), Some(Change::Static));
        assert_eq!(c("themes/default/templates/base.html"), Some(Change::Templates));
        assert_eq!(c("themes/other/templates/base.html"), None);
        assert_eq!(c("public/index.html"), None);
        assert_eq!(c("README.md"), None);
        assert_eq!(classify(Path::new("/site"), Path::new("/elsewhere/content/x.md")), None);
    }

    #[test]
    fn editor_side_files_are_ignored() {
        for noise in [
            "content/conditions/.gout.md.swp",
            "content/conditions/.gout.md.swx",
            "content/conditions/gout.md~",
            "content/conditions/4913",
            "content/conditions/.#gout.md",
            "content/conditions/#gout.md#",
            "content/conditions/gout.md___jb_tmp___",
            "content/conditions/gout.md___jb_old___",
            "content/conditions/.goutputstream-ABC123",
            "content/.git/index",
            "templates/.base.html.swp",
            "site.toml~",
            ".site.toml.swp",
        ] {
            assert_eq!(c(noise), None, "{noise}");
        }
    }

    fn ev(kind: EventKind, paths: &[&str]) -> DebouncedEvent {
        let mut e = Event::new(kind);
        for p in paths {
            e = e.add_path(Path::new("/site").join(p));
        }
        DebouncedEvent::new(e, std::time::Instant::now())
    }

    #[test]
    fn save_patterns_become_one_change() {
        let root = Path::new("/site");
        let page = || Change::Page("content/conditions/gout.md".into());
        // In place: modify, then close-after-write; our own open/read events are dropped.
        let in_place = [
            ev(EventKind::Modify(ModifyKind::Data(notify::event::DataChange::Any)), &["content/conditions/gout.md"]),
            ev(EventKind::Access(AccessKind::Close(AccessMode::Write)), &["content/conditions/gout.md"]),
            ev(EventKind::Access(AccessKind::Open(AccessMode::Any)), &["content/conditions/gout.md"]),
        ];
        assert_eq!(changes_of(root, &in_place), [page()].into());
        // vim: probe file, swap file, rename aside to gout.md~, write a new gout.md.
        let vim = [
            ev(EventKind::Create(CreateKind::File), &["content/conditions/4913"]),
            ev(EventKind::Remove(RemoveKind::File), &["content/conditions/4913"]),
            ev(EventKind::Modify(ModifyKind::Name(RenameMode::Both)), &["content/conditions/gout.md", "content/conditions/gout.md~"]),
            ev(EventKind::Create(CreateKind::File), &["content/conditions/gout.md"]),
            ev(EventKind::Modify(ModifyKind::Data(notify::event::DataChange::Any)), &["content/conditions/.gout.md.swp"]),
            ev(EventKind::Remove(RemoveKind::File), &["content/conditions/gout.md~"]),
        ];
        assert_eq!(changes_of(root, &vim), [page()].into());
        // JetBrains / VS Code: write a temp file, rename it over the page.
        let temp_rename = [
            ev(EventKind::Create(CreateKind::File), &["content/conditions/gout.md___jb_tmp___"]),
            ev(
                EventKind::Modify(ModifyKind::Name(RenameMode::Both)),
                &["content/conditions/gout.md___jb_tmp___", "content/conditions/gout.md"],
            ),
        ];
        assert_eq!(changes_of(root, &temp_rename), [page()].into());
        // Metadata-only access-time updates change nothing.
        let atime = [ev(EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)), &["content/conditions/gout.md"])];
        assert!(changes_of(root, &atime).is_empty());
        // A burst (git checkout): many pages and a template, one set.
        let mut burst: Vec<DebouncedEvent> = (0..500)
            .map(|i| ev(EventKind::Modify(ModifyKind::Data(notify::event::DataChange::Any)), &[&format!("content/conditions/p{i}.md")]))
            .collect();
        burst.push(ev(EventKind::Create(CreateKind::Folder), &["content/guides"]));
        burst.push(ev(EventKind::Modify(ModifyKind::Any), &["templates/base.html"]));
        let set = changes_of(root, &burst);
        assert_eq!(set.len(), 502);
        assert!(set.contains(&Change::ContentTree) && set.contains(&Change::Templates));
    }
}
