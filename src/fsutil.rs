//! File-system helpers shared by loading, the theme and the watcher.
//!
//! One predicate for editors' temporary files: when loading, the theme overlay and the
//! watcher each had their own, a theme loaded mid-save could pick up
//! `base.html___jb_tmp___` or `#base.html#`.

use std::path::Path;

/// `content/x.md` style path for display, relative to `root` when possible.
pub fn rel_path(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

/// Files editors and tools write beside the real one. Never pages, never rebuilt for.
pub fn is_editor_noise(name: &str) -> bool {
    name.starts_with('.')                       // hidden: .#lock (emacs), .foo.swp, .DS_Store, .goutputstream-*
        || name.ends_with('~')                  // backups: vim, emacs, gedit
        || name == "4913"                       // vim's "can I write here?" probe
        || (name.starts_with('#') && name.ends_with('#')) // emacs auto-save
        || [".swp", ".swo", ".swx", ".swpx", ".tmp", ".bak", ".orig", ".crswap", "___jb_tmp___", "___jb_old___"]
            .iter()
            .any(|s| name.ends_with(s))
}
