//! The site's git history, read in-process with gitoxide (`gix`): for each content
//! file, the commits that changed it and the file's bytes in each.
//!
//! Why one walk: `medkb review` asks "what changed since the last review" of every
//! page. Asking git per page would walk history 10,000 times on a large site; here the
//! history is walked once, and only the `content/` trees of each commit and its first
//! parent are compared (subtrees with the same id are skipped without reading them).

use std::collections::HashMap;
use std::path::Path;

use chrono::{DateTime, NaiveDate};
use gix::ObjectId;

/// One commit that changed one file.
#[derive(Debug, Clone)]
pub struct Touch {
    /// The commit's date, in the committer's own time zone.
    pub date: NaiveDate,
    /// The file's blob before and after the commit (`None`: absent).
    pub before: Option<ObjectId>,
    pub after: Option<ObjectId>,
}

/// Per content file (site-relative path, e.g. `content/conditions/gout.md`), newest commit first.
pub struct History {
    repo: gix::Repository,
    touches: HashMap<String, Vec<Touch>>,
}

impl History {
    /// Reads the history of `root`'s `content/` folder. `Ok(None)`: `root` is not in a
    /// git repository (or the repository has no commits yet).
    pub fn open(root: &Path) -> anyhow::Result<Option<History>> {
        let repo = match gix::discover(root) {
            Ok(r) => r,
            Err(_) => return Ok(None),
        };
        let Some(workdir) = repo.workdir() else { return Ok(None) };
        let root = root.canonicalize()?;
        let workdir = workdir.canonicalize()?;
        let Ok(prefix) = root.strip_prefix(&workdir) else { return Ok(None) };
        let mut content_path: Vec<String> = prefix.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
        content_path.push("content".into());
        let head = match repo.head_id() {
            Ok(id) => id.detach(),
            Err(_) => return Ok(None),
        };
        let mut touches: HashMap<String, Vec<Touch>> = HashMap::new();
        for info in repo.rev_walk([head]).first_parent_only().all()? {
            let info = info?;
            let commit = info.object()?;
            let time = commit.time()?;
            let date = DateTime::from_timestamp(time.seconds + i64::from(time.offset), 0).map(|d| d.date_naive()).unwrap_or_default();
            let tree = subtree(&repo, commit.tree_id()?.detach(), &content_path)?;
            let parent = match info.parent_ids.first() {
                Some(p) => subtree(&repo, repo.find_object(*p)?.try_into_commit()?.tree_id()?.detach(), &content_path)?,
                None => None,
            };
            let mut changed = Vec::new();
            diff_trees(&repo, parent, tree, "content", &mut changed)?;
            for (path, before, after) in changed {
                touches.entry(path).or_default().push(Touch { date, before, after });
            }
        }
        Ok(Some(History { repo, touches }))
    }

    /// The commits that changed a file, newest first.
    pub fn touches(&self, path: &str) -> &[Touch] {
        self.touches.get(path).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Commits dated after `day` that changed the file (a commit on the review day
    /// itself counts as reviewed).
    pub fn since(&self, path: &str, day: NaiveDate) -> Vec<&Touch> {
        self.touches(path).iter().filter(|t| t.date > day).collect()
    }

    /// The file as it was at the end of `day` (committed versions only); `None` when it
    /// did not exist then or has no history.
    pub fn text_at(&self, path: &str, day: NaiveDate) -> anyhow::Result<Option<String>> {
        let list = self.touches(path);
        let blob = match list.iter().find(|t| t.date <= day) {
            Some(t) => t.after,
            // Older than all history of the file: it did not exist, or predates the walk.
            None => list.last().and_then(|t| t.before),
        };
        match blob {
            Some(id) => Ok(Some(self.text(id)?)),
            None => Ok(None),
        }
    }

    /// Whether `bytes` are the file as last committed (hashed as git would, no object read):
    /// the common case on a large site, where most pages did not change.
    pub fn is_last_committed(&self, path: &str, bytes: &[u8]) -> bool {
        let Some(last) = self.touches(path).first().and_then(|t| t.after) else { return false };
        gix::objs::compute_hash(self.repo.object_hash(), gix::object::Kind::Blob, bytes).is_ok_and(|id| id == last)
    }

    /// A blob's text (invalid UTF-8 is replaced: the versions are compared, not parsed).
    pub fn text(&self, id: ObjectId) -> anyhow::Result<String> {
        let object = self.repo.find_object(id)?;
        Ok(String::from_utf8_lossy(&object.data).into_owned())
    }
}

/// The tree at `path` under `tree`, if there is one.
fn subtree(repo: &gix::Repository, tree: ObjectId, path: &[String]) -> anyhow::Result<Option<ObjectId>> {
    let mut id = tree;
    for name in path {
        let object = repo.find_object(id)?.try_into_tree()?;
        let decoded = object.decode()?;
        match decoded.entries.iter().find(|e| e.filename == name.as_str() && e.mode.is_tree()) {
            Some(e) => id = e.oid.to_owned(),
            None => return Ok(None),
        }
    }
    Ok(Some(id))
}

/// Files under two trees that differ, with their blobs on each side.
fn diff_trees(
    repo: &gix::Repository,
    before: Option<ObjectId>,
    after: Option<ObjectId>,
    at: &str,
    out: &mut Vec<(String, Option<ObjectId>, Option<ObjectId>)>,
) -> anyhow::Result<()> {
    if before == after {
        return Ok(());
    }
    // name → (is_tree, id) for each side.
    let entries = |id: Option<ObjectId>| -> anyhow::Result<HashMap<String, (bool, ObjectId)>> {
        let Some(id) = id else { return Ok(HashMap::new()) };
        let tree = repo.find_object(id)?.try_into_tree()?;
        let decoded = tree.decode()?;
        Ok(decoded.entries.iter().map(|e| (e.filename.to_string(), (e.mode.is_tree(), e.oid.to_owned()))).collect())
    };
    let old = entries(before)?;
    let new = entries(after)?;
    let mut names: Vec<&String> = old.keys().chain(new.keys()).collect();
    names.sort();
    names.dedup();
    for name in names {
        let path = format!("{at}/{name}");
        let (o, n) = (old.get(name), new.get(name));
        if o.map(|e| e.1) == n.map(|e| e.1) {
            continue;
        }
        let tree_side = |e: Option<&(bool, ObjectId)>| e.filter(|e| e.0).map(|e| e.1);
        let blob_side = |e: Option<&(bool, ObjectId)>| e.filter(|e| !e.0).map(|e| e.1);
        if tree_side(o).is_some() || tree_side(n).is_some() {
            diff_trees(repo, tree_side(o), tree_side(n), &path, out)?;
        }
        if blob_side(o).is_some() || blob_side(n).is_some() {
            out.push((path, blob_side(o), blob_side(n)));
        }
    }
    Ok(())
}
