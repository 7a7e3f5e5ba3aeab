//! Addresses that never break: former slugs, redirects and the published-address record.
//!
//! A page renamed from `gout` to `gouty-arthritis` lists its old slug in
//! `aliases`; the build then answers the old address with a redirect page and a
//! `_redirects` line (see `render`). `published-urls.txt`, written by
//! `medkb build --record-urls` and committed with the content, lists every address
//! the site has published; `check` fails when one of them would no longer answer.
//! Both the full build and the preview call [`check`], so they report alike.
//!
//! Addresses come from `urls` only, so a language prefix (`/es/`) reaches
//! aliases and the record without changes here.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::config::SiteConfig;
use crate::diag::Diagnostic;
use crate::kind::PageKind;
use crate::parse::Page;
use crate::rules::Rule;
use crate::urls;

/// An old address and the page that now answers it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Redirect {
    pub from: String,
    pub to: String,
    /// The title of the page it leads to, for the redirect page's visible link.
    pub title: String,
    /// The language of that page (`None`: the default), which the redirect page speaks.
    pub lang: Option<String>,
}

/// Every redirect the pages ask for, sorted by old address. Aliases the check
/// rejects (not slugs, or clashing) are left out, so a preview never publishes them.
pub fn redirects(pages: &[Page]) -> Vec<Redirect> {
    let mut taken: BTreeSet<String> = pages.iter().map(|p| p.url.clone()).collect();
    let mut out: BTreeMap<String, Redirect> = BTreeMap::new();
    for p in pages {
        for a in &p.fm.aliases {
            if !crate::slug::is_slug(&a.value) || !p.kind.listed() {
                continue;
            }
            // A translation's former slug was a former address in its language.
            let from = urls::page_in(p.lang.as_deref(), p.kind, &a.value);
            if taken.insert(from.clone()) {
                out.insert(from.clone(), Redirect { from, to: p.url.clone(), title: p.fm.title.clone(), lang: p.lang.clone() });
            }
        }
    }
    out.into_values().collect()
}

/// Every address a build of these pages answers with a page a reader reads: pages,
/// index pages, section folders, regions and redirects.
pub fn answered(pages: &[Page], config: &SiteConfig) -> BTreeSet<String> {
    let mut set: BTreeSet<String> = pages.iter().map(|p| p.url.clone()).collect();
    set.insert(urls::HOME.to_string());
    set.extend(urls::INDEXES.iter().map(|u| u.to_string()));
    set.extend(PageKind::ALL.iter().filter_map(|&k| urls::section(k)));
    set.extend(config.body_regions.iter().map(|r| urls::region(&r.slug)));
    set.extend(redirects(pages).into_iter().map(|r| r.from));
    set
}

/// The text of `published-urls.txt` for these addresses.
pub fn record_text(answered: &BTreeSet<String>) -> String {
    let mut text = String::from(
        "# Addresses this site has published. `medkb check` fails when one would stop answering:\n\
         # give the page that replaced it `aliases = [\"old-slug\"]`, or delete the line on purpose.\n\
         # Updated by `medkb build --record-urls`; commit it with the content.\n",
    );
    for u in answered {
        text.push_str(u);
        text.push('\n');
    }
    text
}

/// Writes `published-urls.txt`, keeping every address recorded before: an address
/// once published stays guarded until someone deletes its line.
pub fn record(root: &Path, answered: &BTreeSet<String>) -> anyhow::Result<usize> {
    let path = root.join(urls::PUBLISHED_URLS_FILE);
    let mut all = answered.clone();
    if let Ok(old) = std::fs::read_to_string(&path) {
        all.extend(recorded(&old).map(|(_, u)| u.to_string()));
    }
    std::fs::write(&path, record_text(&all)).map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
    Ok(all.len())
}

/// The addresses in a record, with their byte offsets (comments and blank lines skipped).
fn recorded(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut offset = 0;
    text.split_inclusive('\n').filter_map(move |line| {
        let start = offset;
        offset += line.len();
        let url = line.trim();
        (!url.is_empty() && !url.starts_with('#')).then(|| (start + (line.len() - line.trim_start().len()), url))
    })
}

/// Alias problems, and recorded addresses this build would no longer answer.
pub fn check(root: &Path, pages: &[Page], config: &SiteConfig, diags: &mut Vec<Diagnostic>) {
    check_aliases(pages, diags);
    let path = root.join(urls::PUBLISHED_URLS_FILE);
    let Ok(text) = std::fs::read_to_string(&path) else { return };
    let answered = answered(pages, config);
    for (start, url) in recorded(&text) {
        if answered.contains(url) {
            continue;
        }
        let slug = url.trim_end_matches('/').rsplit('/').next().unwrap_or("");
        let nearest = pages
            .iter()
            .filter(|p| p.kind.listed())
            .map(|p| (strsim::jaro_winkler(&p.slug, slug), p))
            .filter(|(score, _)| *score > 0.8)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, p)| p);
        let help = match nearest {
            Some(p) => format!(
                "if {} replaced it, add `aliases = [\"{slug}\"]` to its front matter; if the page was withdrawn on purpose, delete this line",
                p.path
            ),
            None => format!(
                "add `aliases = [\"{slug}\"]` to the page that replaced it; if the page was withdrawn on purpose, delete this line"
            ),
        };
        diags.push(
            Diagnostic::new(
                Rule::RemovedUrl,
                urls::PUBLISHED_URLS_FILE,
                Some((start, start + url.len())),
                format!("`{url}` was published, but this build would no longer answer it"),
            )
            .with_help(help),
        );
    }
}

fn check_aliases(pages: &[Page], diags: &mut Vec<Diagnostic>) {
    let owners: BTreeMap<&str, &Page> = pages.iter().map(|p| (p.url.as_str(), p)).collect();
    let mut claimed: BTreeMap<String, &Page> = BTreeMap::new();
    let mut ordered: Vec<&Page> = pages.iter().collect();
    ordered.sort_by(|a, b| a.path.cmp(&b.path));
    for p in ordered {
        for a in &p.fm.aliases {
            if !p.kind.listed() {
                diags.push(
                    Diagnostic::new(Rule::Alias, &p.path, Some(a.span), "only condition and guide pages can have aliases")
                        .with_help("remove `aliases`; this page's address does not come from its slug"),
                );
                continue;
            }
            if !crate::slug::is_slug(&a.value) {
                diags.push(
                    Diagnostic::new(Rule::Alias, &p.path, Some(a.span), format!("the alias `{}` is not a slug", a.value)).with_help(
                        format!("write the old slug as it appeared in the address, such as \"{}\"", crate::slug::slugify(&a.value)),
                    ),
                );
                continue;
            }
            let from = urls::page_in(p.lang.as_deref(), p.kind, &a.value);
            if let Some(owner) = owners.get(from.as_str()) {
                let message = if owner.path == p.path {
                    format!("the alias `{}` is this page's own slug", a.value)
                } else {
                    format!("the alias `{}` is the address of {}", a.value, owner.path)
                };
                diags.push(
                    Diagnostic::new(Rule::Alias, &p.path, Some(a.span), message)
                        .with_help("an alias is a former slug no page uses any more; remove it"),
                );
            } else if let Some(other) = claimed.get(&from) {
                diags.push(
                    Diagnostic::new(
                        Rule::Alias,
                        &p.path,
                        Some(a.span),
                        format!("the alias `{}` is already an alias of {}", a.value, other.path),
                    )
                    .with_help("an old address can lead to one page only; keep the alias on the page that replaced it"),
                );
            } else {
                claimed.insert(from, p);
            }
        }
    }
}
