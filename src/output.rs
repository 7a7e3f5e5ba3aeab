//! Write: put the rendered site on disk without ever leaving a half-built site.
//!
//! The new site is assembled in a temporary folder beside the output folder, then
//! swapped in with two renames. A failed build never reaches this module, so the
//! previous `public/` stays byte-identical. Files whose bytes did not change are
//! hard-linked from the previous output instead of rewritten, so their timestamps
//! (and any server's caches keyed on them) survive a rebuild.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::Context as _;

use crate::built::{Output, OutputSink};

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct WriteStats {
    pub written: usize,
    pub unchanged: usize,
}

/// Refuses paths that would escape the output folder.
fn safe_rel(rel: &str) -> anyhow::Result<&str> {
    if rel.is_empty() || rel.starts_with('/') || rel.contains('\\') || rel.split('/').any(|s| s == ".." || s == "." || s.is_empty()) {
        anyhow::bail!("refusing to write `{rel}`: outputs must stay inside the output folder");
    }
    Ok(rel)
}

/// Keeps every output in memory, for `serve` and tests. A later file of the same path replaces an earlier one.
#[derive(Debug, Default)]
pub struct Collect(std::sync::Mutex<Vec<Output>>);

impl Collect {
    /// The outputs sorted by path, the last one written winning for a path.
    pub fn into_outputs(self) -> Vec<Output> {
        let mut v = self.0.into_inner().unwrap_or_else(|e| e.into_inner());
        v.reverse();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v.dedup_by(|a, b| a.0 == b.0);
        v
    }
}

impl OutputSink for Collect {
    fn put(&self, rel: String, bytes: Vec<u8>) -> anyhow::Result<()> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).push((rel, bytes));
        Ok(())
    }
}

/// A new site being assembled beside `out_dir`; [`Staging::commit`] swaps it in.
/// Dropped without a commit, it deletes itself and `out_dir` is untouched.
#[derive(Debug)]
pub struct Staging {
    out_dir: PathBuf,
    dir: tempfile::TempDir,
    written: AtomicUsize,
    unchanged: AtomicUsize,
}

impl Staging {
    pub fn new(out_dir: &Path) -> anyhow::Result<Staging> {
        let parent = out_dir.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
        let name = out_dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "public".into());
        let dir = tempfile::Builder::new()
            .prefix(&format!(".{name}.new-"))
            .tempdir_in(parent)
            .with_context(|| format!("cannot create a temporary folder in {}", parent.display()))?;
        Ok(Staging { out_dir: out_dir.to_path_buf(), dir, written: AtomicUsize::new(0), unchanged: AtomicUsize::new(0) })
    }

    /// Swaps the staged site in place of the output folder.
    pub fn commit(self) -> anyhow::Result<WriteStats> {
        let stats = WriteStats { written: self.written.load(Ordering::Relaxed), unchanged: self.unchanged.load(Ordering::Relaxed) };
        let staged = self.dir.keep();
        swap_in(&staged, &self.out_dir)?;
        Ok(stats)
    }
}

impl OutputSink for Staging {
    fn put(&self, rel: String, bytes: Vec<u8>) -> anyhow::Result<()> {
        let rel = safe_rel(&rel)?;
        let dest = self.dir.path().join(rel);
        if let Some(dir) = dest.parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        }
        // Never write through an existing file: it may be a hard link into the previous output.
        let _ = std::fs::remove_file(&dest);
        let previous = self.out_dir.join(rel);
        if same_bytes(&previous, &bytes) && std::fs::hard_link(&previous, &dest).is_ok() {
            self.unchanged.fetch_add(1, Ordering::Relaxed);
            return Ok(());
        }
        std::fs::write(&dest, &bytes).with_context(|| format!("cannot write {}", dest.display()))?;
        self.written.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}

/// Replaces `out_dir` with exactly `outputs`.
pub fn write_site(out_dir: &Path, outputs: &[Output]) -> anyhow::Result<WriteStats> {
    let staging = Staging::new(out_dir)?;
    for (rel, bytes) in outputs {
        staging.put(rel.clone(), bytes.clone())?;
    }
    staging.commit()
}

fn same_bytes(path: &Path, bytes: &[u8]) -> bool {
    match std::fs::metadata(path) {
        Ok(m) if m.is_file() && m.len() == bytes.len() as u64 => std::fs::read(path).map(|old| old == bytes).unwrap_or(false),
        _ => false,
    }
}

/// Moves `staged` to `out_dir`, putting any previous output aside first and deleting it after.
fn swap_in(staged: &Path, out_dir: &Path) -> anyhow::Result<()> {
    let old: Option<PathBuf> = if out_dir.exists() {
        let aside =
            out_dir.with_file_name(format!(".{}.old-{}", out_dir.file_name().unwrap_or_default().to_string_lossy(), std::process::id()));
        let _ = std::fs::remove_dir_all(&aside);
        std::fs::rename(out_dir, &aside).with_context(|| format!("cannot move the previous {} aside", out_dir.display()))?;
        Some(aside)
    } else {
        None
    };
    if let Err(e) = std::fs::rename(staged, out_dir) {
        if let Some(aside) = &old {
            let _ = std::fs::rename(aside, out_dir);
        }
        return Err(e).with_context(|| format!("cannot move the new site into {}", out_dir.display()));
    }
    if let Some(aside) = old {
        let _ = std::fs::remove_dir_all(aside);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unchanged_files_keep_their_inode() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let v1 = vec![("a/index.html".to_string(), b"one".to_vec()), ("b.txt".to_string(), b"two".to_vec())];
        assert_eq!(write_site(&out, &v1).unwrap(), WriteStats { written: 2, unchanged: 0 });
        let ino = std::fs::metadata(out.join("a/index.html")).unwrap().ino();
        let v2 = vec![("a/index.html".to_string(), b"one".to_vec()), ("b.txt".to_string(), b"changed".to_vec())];
        assert_eq!(write_site(&out, &v2).unwrap(), WriteStats { written: 1, unchanged: 1 });
        assert_eq!(std::fs::metadata(out.join("a/index.html")).unwrap().ino(), ino);
        assert_eq!(std::fs::read(out.join("b.txt")).unwrap(), b"changed");
        // Nothing left behind beside the output.
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, vec![std::ffi::OsString::from("public")]);
    }

    #[test]
    fn escaping_paths_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        for bad in ["../x", "/etc/x", "a/../../x", "a\\b"] {
            assert!(write_site(&dir.path().join("p"), &[(bad.to_string(), vec![])]).is_err(), "{bad}");
        }
    }
}
