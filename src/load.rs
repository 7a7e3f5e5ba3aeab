//! Load: find the content files and read them, rejecting what cannot be a page.
//!
//! Nothing here parses Markdown. A file that cannot be read as a page (not UTF-8,
//! empty, too big, a link that leaves the site) becomes a located diagnostic and the
//! walk carries on, so one bad file never hides the others.

use crate::rules::Rule;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diag::{Diagnostic, SourceFile};
use crate::fsutil::rel_path;
use crate::kind::PageKind;

/// Larger than any real page; stops a stray data file from eating memory.
pub const MAX_PAGE_BYTES: u64 = 2 * 1024 * 1024;

#[derive(Debug)]
pub struct ContentFile {
    pub source: SourceFile,
    /// What kind of page it is, from where it sits.
    pub placement: PageKind,
    /// The file name without `.md`.
    pub slug: String,
    /// The language of a translation (`content/es/…` → `es`); `None` for the default language.
    pub lang: Option<String>,
    /// A link to a file in the site, not a file: it changes when its target does.
    pub linked: bool,
}

#[derive(Debug, Default)]
pub struct Loaded {
    pub files: Vec<ContentFile>,
    pub diagnostics: Vec<Diagnostic>,
    /// Slugs of page files that exist but could not be read (already reported).
    pub unreadable: Vec<String>,
}

impl Loaded {
    /// Site-relative path → slug of every condition and guide file.
    pub fn page_paths(&self) -> HashMap<String, String> {
        self.files.iter().filter(|f| f.placement.listed()).map(|f| (f.source.rel.clone(), f.slug.clone())).collect()
    }
}

/// Walks `<root>/content` of a one-language site. Files are returned sorted by path,
/// so builds are reproducible.
pub fn load_content(root: &Path) -> anyhow::Result<Loaded> {
    load_content_in(root, &[])
}

/// Walks `<root>/content`, reading `content/<code>/` as translations for each of the
/// site's other `languages`.
pub fn load_content_in(root: &Path, languages: &[String]) -> anyhow::Result<Loaded> {
    let (found, diagnostics) = walk_content_in(root, languages)?;
    let mut out = Loaded { diagnostics, ..Loaded::default() };
    // Reading and indexing lines is the slow part at 10k pages: do it on every core.
    let read: Vec<_> = found.into_par_iter().map(Found::read).collect();
    for r in read {
        match r {
            Ok(f) => out.files.push(f),
            Err((d, slug)) => {
                out.diagnostics.push(*d);
                out.unreadable.push(slug);
            }
        }
    }
    Ok(out)
}

/// A page file the walk found, not read yet: the preview reads only those that
/// changed since it last read them.
#[derive(Debug, Clone)]
pub struct Found {
    pub path: PathBuf,
    pub rel: String,
    pub placement: PageKind,
    pub slug: String,
    pub lang: Option<String>,
    /// A link to a file in the site (see [`ContentFile::linked`]).
    pub linked: bool,
}

impl Found {
    /// Reads it, or says why it cannot be a page (and which slug is then unreadable).
    pub fn read(self) -> Result<ContentFile, (Box<Diagnostic>, String)> {
        match read_page(&self.path, &self.rel) {
            Ok(text) => Ok(ContentFile {
                source: SourceFile::new(self.rel, self.path, text),
                placement: self.placement,
                slug: self.slug,
                lang: self.lang,
                linked: self.linked,
            }),
            Err(d) => Err((d, self.slug)),
        }
    }
}

/// The page files under `<root>/content`, sorted by path, and what is wrong with the
/// files that cannot be pages (placement, names, links, duplicate slugs); nothing is read.
pub fn walk_content_in(root: &Path, languages: &[String]) -> anyhow::Result<(Vec<Found>, Vec<Diagnostic>)> {
    let content = root.join("content");
    let mut out = Walked::default();
    if !content.is_dir() {
        anyhow::bail!(
            "no content folder at {}\nhelp: pages live in content/conditions/ and content/guides/; run `medkb new condition \"Title\"` to start one",
            content.display()
        );
    }
    let canonical_root = root.canonicalize()?;
    if let Ok(target) = content.canonicalize() {
        if !target.starts_with(&canonical_root) {
            out.diagnostics.push(
                Diagnostic::new(
                    Rule::InvalidFile,
                    "content",
                    None,
                    format!("content/ is a link to {}, which is outside the site", target.display()),
                )
                .with_help("move the pages into the site's own content/ folder"),
            );
            return Ok((out.found, out.diagnostics));
        }
    }
    let mut seen: HashMap<String, String> = HashMap::new();
    for entry in walkdir::WalkDir::new(&content).follow_links(false).sort_by_file_name() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e.path().map(|p| rel_path(root, p)).unwrap_or_else(|| "content".into());
                out.diagnostics.push(Diagnostic::new(Rule::InvalidFile, &path, None, format!("cannot read: {e}")));
                continue;
            }
        };
        let path = entry.path();
        let rel = rel_path(root, path);
        let name = entry.file_name().to_string_lossy();
        // A linked folder is not walked: say so, or its pages would vanish without a word.
        if entry.path_is_symlink() && path.is_dir() {
            let target = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
            let d = if target.starts_with(&canonical_root) {
                Diagnostic::new(Rule::LinkedFolder, &rel, None, "this is a link to a folder, which medkb does not follow")
            } else {
                Diagnostic::new(Rule::InvalidFile, &rel, None, format!("this is a link to {}, which is outside the site", target.display()))
            };
            out.diagnostics.push(d.with_help("move the folder's pages into content/ instead of linking to it"));
            continue;
        }
        if crate::fsutil::is_editor_noise(&name) || !name.ends_with(".md") {
            continue; // editor backups, hidden files and assets are not pages
        }
        if entry.path_is_symlink() {
            match path.canonicalize() {
                Ok(target) if target.starts_with(&canonical_root) && target.is_file() => {}
                Ok(target) if target.starts_with(&canonical_root) => {
                    out.diagnostics.push(Diagnostic::new(
                        Rule::InvalidFile,
                        &rel,
                        None,
                        format!("this is a link to {}, which is not a regular file", target.display()),
                    ));
                    continue;
                }
                Ok(target) => {
                    out.diagnostics.push(
                        Diagnostic::new(
                            Rule::InvalidFile,
                            &rel,
                            None,
                            format!("this is a link to {}, which is outside the site", target.display()),
                        )
                        .with_help("copy the file into content/ instead of linking to it"),
                    );
                    continue;
                }
                Err(_) => {
                    out.diagnostics.push(Diagnostic::new(Rule::InvalidFile, &rel, None, "this link points to a file that does not exist"));
                    continue;
                }
            }
        } else if !entry.file_type().is_file() {
            continue;
        }
        let (placement, lang, slug) = match place(&rel, &name, languages) {
            Ok(placed) => placed,
            Err(d) => {
                out.diagnostics.push(*d);
                continue;
            }
        };
        if placement.listed() {
            let key = slug_key(lang.as_deref(), &slug);
            if let Some(first) = seen.get(&key) {
                let message = if first.ends_with(&format!("/{slug}.md")) {
                    format!("the slug `{slug}` is already used by {first}")
                } else {
                    format!("the slug `{slug}` differs only in case from {first}")
                };
                out.diagnostics.push(
                    Diagnostic::new(Rule::DuplicateSlug, &rel, None, message)
                        .with_help("slugs must be unique across conditions and guides; rename one file"),
                );
                continue;
            }
            seen.insert(key, rel.clone());
        }
        out.found.push(Found { path: path.to_path_buf(), rel, placement, slug, lang, linked: entry.path_is_symlink() });
    }
    Ok((out.found, out.diagnostics))
}

/// What two listed pages of one language may not share: their slugs, case aside.
pub fn slug_key(lang: Option<&str>, slug: &str) -> String {
    format!("{}/{}", lang.unwrap_or(""), slug.to_lowercase())
}

/// Where a `.md` file at `rel` (named `name`) belongs: its kind, language and slug,
/// or why it cannot be a page there (a folder medkb does not read, an undeclared
/// language, a name that is not a slug).
fn place(rel: &str, name: &str, languages: &[String]) -> Result<(PageKind, Option<String>, String), Box<Diagnostic>> {
    let Some((placement, lang)) = PageKind::of_content_path_in(rel, languages) else {
        if let Some(code) = PageKind::language_folder(rel) {
            let declared = if languages.is_empty() { "none".to_string() } else { languages.join(", ") };
            return Err(Box::new(
                Diagnostic::new(
                    Rule::UnknownLanguage,
                    rel,
                    None,
                    format!("this file is in content/{code}/, but `{code}` is not one of the site's languages, so it is not published"),
                )
                .with_help(format!("declare it in site.toml with [languages.{code}] (declared other languages: {declared})")),
            ));
        }
        return Err(Box::new(
            Diagnostic::new(Rule::UnpublishedFile, rel, None, "this file is not in a place medkb reads, so it is not published")
                .with_help("put condition pages in content/conditions/ and guides in content/guides/"),
        ));
    };
    let slug = name.trim_end_matches(".md").to_string();
    if placement.listed() && !crate::slug::is_slug(&slug) {
        return Err(Box::new(
            Diagnostic::new(Rule::InvalidFile, rel, None, format!("`{name}` is not a valid page name"))
                .with_help(format!("rename it to `{}.md`: lower-case letters, digits and hyphens", crate::slug::slugify(&slug))),
        ));
    }
    Ok((placement, lang, slug))
}

/// What a walk would find at `rel`, when it is a plain page file the walk would have
/// nothing to say about: a regular file (no link on its way from the site's root),
/// named and placed as a page. The preview adds a new file this way instead of
/// walking every folder again (a tenth of a second at 10k pages). `None` means
/// "walk": the caller still checks that no other page has its slug.
pub fn found_alone(root: &Path, rel: &str, languages: &[String]) -> Option<Found> {
    let name = rel.rsplit('/').next()?;
    if crate::fsutil::is_editor_noise(name) || !name.ends_with(".md") {
        return None;
    }
    let path = root.join(rel);
    if !path.symlink_metadata().ok()?.file_type().is_file() || path.canonicalize().ok()? != root.canonicalize().ok()?.join(rel) {
        return None;
    }
    let (placement, lang, slug) = place(rel, name, languages).ok()?;
    Some(Found { path, rel: rel.to_string(), placement, slug, lang, linked: false })
}

#[derive(Default)]
struct Walked {
    found: Vec<Found>,
    diagnostics: Vec<Diagnostic>,
}

/// Reads one page file, or says why it cannot be a page (too big, not UTF-8, empty).
/// Public so `serve` can re-read just the file an editor saved.
pub fn read_page(path: &Path, rel: &str) -> Result<String, Box<Diagnostic>> {
    let meta = std::fs::metadata(path).map_err(|e| Box::new(Diagnostic::new(Rule::InvalidFile, rel, None, format!("cannot read: {e}"))))?;
    if meta.len() > MAX_PAGE_BYTES {
        return Err(Box::new(
            Diagnostic::new(
                Rule::InvalidFile,
                rel,
                None,
                format!("this file is {} KiB; a page may be at most {} KiB", meta.len() / 1024, MAX_PAGE_BYTES / 1024),
            )
            .with_help("split it into several pages"),
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| Box::new(Diagnostic::new(Rule::InvalidFile, rel, None, format!("cannot read: {e}"))))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let good = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let line = bytes[..good].iter().filter(|&&b| b == b'\n').count() + 1;
        Box::new(
            Diagnostic::new(
                Rule::InvalidFile,
                rel,
                Some((good, good + 1)),
                format!("this file is not valid UTF-8 (line {line}, byte {good})"),
            )
            .with_help("save the file as UTF-8 in your editor"),
        )
    })?;
    if text.trim().is_empty() {
        return Err(Box::new(
            Diagnostic::new(Rule::InvalidFile, rel, None, "this file is empty")
                .with_help("run `medkb new condition \"Title\"` for a page to start from"),
        ));
    }
    Ok(text)
}

/// Absolute path of a site's folder, for messages.
pub fn display_root(root: &Path) -> PathBuf {
    root.canonicalize().unwrap_or_else(|_| root.to_path_buf())
}
