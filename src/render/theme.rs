//! The theme: Tera templates and static files, with site overrides.
//!
//! Lookup order for every file: the site's own `templates/` or `static/`, then the
//! site's `themes/default/`, then the copy of the default theme built into medkb.
//! So a site overrides one template by dropping a file of the same name in
//! `templates/`, and medkb still works on a site that has no theme at all.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context as _;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/theme.rs"));
}

/// Templates (name → source) and static files (relative path → bytes).
#[derive(Debug, Default, Clone)]
pub struct Theme {
    pub templates: BTreeMap<String, String>,
    pub statics: BTreeMap<String, Vec<u8>>,
}

impl Theme {
    pub fn load(root: &Path) -> anyhow::Result<Theme> {
        let mut theme = Theme::default();
        for (rel, bytes) in embedded::THEME_FILES {
            theme.add(rel, bytes.to_vec());
        }
        theme.overlay(&root.join("themes/default"), "")?;
        theme.overlay(&root.join("templates"), "templates/")?;
        theme.overlay(&root.join("static"), "static/")?;
        Ok(theme)
    }

    fn add(&mut self, rel: &str, bytes: Vec<u8>) {
        if let Some(name) = rel.strip_prefix("templates/") {
            self.templates.insert(name.to_string(), String::from_utf8_lossy(&bytes).into_owned());
        } else if let Some(path) = rel.strip_prefix("static/") {
            self.statics.insert(path.to_string(), bytes);
        }
    }

    fn overlay(&mut self, dir: &Path, prefix: &str) -> anyhow::Result<()> {
        if !dir.is_dir() {
            return Ok(());
        }
        for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
            let entry = entry.with_context(|| format!("cannot read {}", dir.display()))?;
            let name = entry.file_name().to_string_lossy();
            if !entry.file_type().is_file() || crate::fsutil::is_editor_noise(&name) {
                continue;
            }
            let rel = crate::fsutil::rel_path(dir, entry.path());
            let bytes = std::fs::read(entry.path()).with_context(|| format!("cannot read {}", entry.path().display()))?;
            self.add(&format!("{prefix}{rel}"), bytes);
        }
        Ok(())
    }
}
