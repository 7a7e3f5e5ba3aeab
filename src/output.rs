//! Write: put the rendered site on disk without ever leaving a half-built site,
//! and without ever destroying a folder medkb did not make.
//!
//! The new site is assembled in a temporary folder beside the output folder, then
//! swapped in. On Linux the swap is one `renameat2(RENAME_EXCHANGE)`, so there is no
//! moment without a complete output folder; where the kernel or file system cannot
//! exchange (other systems, some network file systems) it falls back to two renames,
//! with a short window in which the output folder is missing. A failed build never
//! reaches this module, so the previous `public/` stays byte-identical. Files whose
//! bytes did not change are hard-linked from the previous output instead of
//! rewritten, so their timestamps (and any server's caches keyed on them) survive a
//! rebuild.
//!
//! Every output carries a marker file, [`MARKER`]. [`guard_output`] refuses to
//! replace a folder that exists, is not empty and has no marker (the site's default
//! `public/` excepted, for outputs of earlier versions), and any folder that is, holds
//! or lies inside the site's sources. Staging folders are named after the building
//! process, so the next build removes those a killed build left behind.

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

/// The file that marks a folder as a medkb output, safe to replace on the next build.
pub const MARKER: &str = ".medkb-output";

const MARKER_TEXT: &str = "This folder was built by medkb. `medkb build` replaces all of it on every build.\n";

/// Folders under the site root that hold sources; an output may never lie inside one.
const SOURCE_DIRS: [&str; 4] = ["content", "themes", "templates", "static"];

/// Refuses an output folder whose replacement would destroy something medkb did not
/// make: the site root, a folder holding it, a folder inside its sources, a file, or
/// a non-empty folder without [`MARKER`] (except `default`, the site's own `public/`,
/// which earlier versions wrote without a marker).
pub fn guard_output(root: &Path, out_dir: &Path, default: bool) -> anyhow::Result<()> {
    let root = root.canonicalize().with_context(|| format!("cannot read the site folder {}", root.display()))?;
    let out = resolve(out_dir);
    let shown = out_dir.display();
    if out == root {
        anyhow::bail!(
            "refusing to build into {shown}: it is the site's own folder, and building replaces the whole output folder\nhelp: leave out --output to build into {}",
            root.join("public").display()
        );
    }
    if root.starts_with(&out) {
        anyhow::bail!(
            "refusing to build into {shown}: it holds the site ({}), and building replaces the whole output folder\nhelp: choose a new, empty folder",
            root.display()
        );
    }
    for dir in SOURCE_DIRS {
        let source = root.join(dir);
        let source = source.canonicalize().unwrap_or(source);
        if out.starts_with(&source) || out.starts_with(root.join(dir)) {
            anyhow::bail!(
                "refusing to build into {shown}: it is inside the site's {dir}/ folder, and building replaces the whole output folder\nhelp: choose a folder outside {dir}/, such as {}",
                root.join("public").display()
            );
        }
    }
    match std::fs::symlink_metadata(out_dir) {
        Err(_) => Ok(()),
        Ok(m) if m.is_dir() => {
            let empty = std::fs::read_dir(out_dir).map(|mut d| d.next().is_none()).unwrap_or(false);
            if empty || default || out_dir.join(MARKER).is_file() {
                Ok(())
            } else {
                anyhow::bail!(
                    "refusing to build into {shown}: the folder exists and was not made by medkb (it has no {MARKER} file), and building would delete everything in it\nhelp: choose a new or empty folder, or delete this one yourself if it is really meant to go"
                )
            }
        }
        Ok(m) if m.file_type().is_symlink() && out_dir.is_dir() => anyhow::bail!(
            "refusing to build into {shown}: it is a link to a folder, and building would replace the link\nhelp: pass the folder the link points to"
        ),
        Ok(_) => anyhow::bail!("refusing to build into {shown}: it is a file, not a folder\nhelp: choose a folder, or move the file away"),
    }
}

/// An absolute path with every existing part resolved (links followed), for comparisons.
fn resolve(path: &Path) -> PathBuf {
    let abs = if path.is_absolute() { path.to_path_buf() } else { std::env::current_dir().unwrap_or_default().join(path) };
    let mut tail = Vec::new();
    let mut cur = abs.as_path();
    loop {
        if let Ok(c) = cur.canonicalize() {
            let mut out = c;
            for part in tail.iter().rev() {
                match part {
                    std::path::Component::ParentDir => {
                        out.pop();
                    }
                    std::path::Component::CurDir => {}
                    p => out.push(p.as_os_str()),
                }
            }
            return out;
        }
        match (cur.parent(), cur.components().next_back()) {
            (Some(parent), Some(last)) => {
                tail.push(last);
                cur = parent;
            }
            _ => return abs,
        }
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
        remove_stale(parent, &name);
        let dir = tempfile::Builder::new()
            .prefix(&format!(".{name}.new-{}-", std::process::id()))
            .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .tempdir_in(parent)
            .with_context(|| format!("cannot create a temporary folder in {}", parent.display()))?;
        Ok(Staging { out_dir: out_dir.to_path_buf(), dir, written: AtomicUsize::new(0), unchanged: AtomicUsize::new(0) })
    }

    /// Swaps the staged site in place of the output folder.
    pub fn commit(self) -> anyhow::Result<WriteStats> {
        let stats = WriteStats { written: self.written.load(Ordering::Relaxed), unchanged: self.unchanged.load(Ordering::Relaxed) };
        write_file(&self.dir.path().join(MARKER), MARKER_TEXT.as_bytes())?;
        let staged = self.dir.keep();
        if let Err(e) = swap_in(&staged, &self.out_dir) {
            let _ = std::fs::remove_dir_all(&staged);
            return Err(e);
        }
        Ok(stats)
    }
}

/// Removes staging and set-aside folders of `name` left by builds that were killed:
/// those whose process is gone. A concurrent build's folders are left alone.
fn remove_stale(parent: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else { return };
    for entry in entries.flatten() {
        let file = entry.file_name();
        let Some(file) = file.to_str() else { continue };
        let Some(rest) = file.strip_prefix(&format!(".{name}.new-")).or_else(|| file.strip_prefix(&format!(".{name}.old-"))) else {
            continue;
        };
        let pid: Option<u32> = rest.split('-').next().and_then(|p| p.parse().ok());
        let dead = match pid {
            Some(pid) => pid != std::process::id() && !process_alive(pid),
            // Named by an earlier version, without a process id: stale once an hour old.
            None => entry.metadata().and_then(|m| m.modified()).map(|t| t.elapsed().unwrap_or_default().as_secs() > 3600).unwrap_or(false),
        };
        if dead {
            let path = entry.path();
            let _ = if path.is_dir() { std::fs::remove_dir_all(&path) } else { std::fs::remove_file(&path) };
        }
    }
}

fn process_alive(pid: u32) -> bool {
    // Without /proc (not Linux), every process counts as alive: nothing is removed by guess.
    if Path::new("/proc").is_dir() {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        true
    }
}

/// Writes a published file with ordinary permissions (0644), whatever the source's were.
fn write_file(dest: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o644)
        .open(dest)
        .with_context(|| format!("cannot write {}", dest.display()))?;
    f.write_all(bytes).with_context(|| format!("cannot write {}", dest.display()))
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
        write_file(&dest, &bytes)?;
        self.written.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}

/// Replaces `out_dir` with exactly `outputs`.
#[cfg(test)]
fn write_site(out_dir: &Path, outputs: &[Output]) -> anyhow::Result<WriteStats> {
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

/// Moves `staged` to `out_dir`. An existing output is exchanged with the staged one
/// in one step where the system can, then deleted.
fn swap_in(staged: &Path, out_dir: &Path) -> anyhow::Result<()> {
    if std::fs::symlink_metadata(out_dir).map(|m| m.is_dir()).unwrap_or(false) {
        match exchange(staged, out_dir) {
            Ok(()) => {
                // `staged` now holds the previous output.
                let _ = std::fs::remove_dir_all(staged);
                return Ok(());
            }
            Err(e) if exchange_unsupported(&e) => {}
            Err(e) => return Err(e).with_context(|| format!("cannot move the new site into {}", out_dir.display())),
        }
    }
    swap_by_renames(staged, out_dir)
}

/// The fallback: put the previous output aside, move the new one in, delete the old.
/// A build killed between the two renames leaves no output folder; the next build
/// makes a new one and removes the set-aside copy.
fn swap_by_renames(staged: &Path, out_dir: &Path) -> anyhow::Result<()> {
    let old: Option<PathBuf> = if std::fs::symlink_metadata(out_dir).is_ok() {
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
        let _ = if aside.is_dir() { std::fs::remove_dir_all(aside) } else { std::fs::remove_file(aside) };
    }
    Ok(())
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::os::unix::ffi::OsStrExt as _;
    let a = std::ffi::CString::new(a.as_os_str().as_bytes())?;
    let b = std::ffi::CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both paths are valid NUL-terminated strings that outlive the call.
    let rc = unsafe { libc::renameat2(libc::AT_FDCWD, a.as_ptr(), libc::AT_FDCWD, b.as_ptr(), libc::RENAME_EXCHANGE) };
    if rc == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}

/// Errors meaning "this system or file system cannot exchange", not "this swap failed".
fn exchange_unsupported(e: &std::io::Error) -> bool {
    #[cfg(target_os = "linux")]
    if matches!(e.raw_os_error(), Some(libc::EINVAL | libc::ENOSYS | libc::EOPNOTSUPP)) {
        return true;
    }
    e.kind() == std::io::ErrorKind::Unsupported
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
