//! The link graph: every cross-link resolved, and what each page is linked from.
//!
//! Built once all pages are parsed. It reports broken links and anchors, one-way
//! `related` entries and orphan pages, and answers the renderer's questions
//! ("where does `[[gout#fixes]]` go?", "which pages mention gout?") in O(1).
//! Building it is linear in the number of links: no page is compared with every other.

use crate::rules::Rule;
use std::collections::BTreeSet;

use rayon::prelude::*;

use crate::diag::Diagnostic;
use crate::parse::links::PageRef;
use crate::parse::Page;

/// Slugs that have a file but no page in this build, and why.
#[derive(Debug, Default, Clone)]
pub struct Absent {
    pub drafts: BTreeSet<String>,
    pub broken: BTreeSet<String>,
}

impl Absent {
    /// `drafts` left out of the build; every other page file that has no page among
    /// `published` (unreadable, or too broken to parse) is `broken`.
    pub fn of<'a>(
        drafts: BTreeSet<String>,
        unreadable: &[String],
        page_files: impl IntoIterator<Item = &'a String>,
        published: &[Page],
    ) -> Absent {
        let published: foldhash::HashSet<&str> = published.iter().map(|p| p.slug.as_str()).collect();
        let mut broken: BTreeSet<String> = unreadable.iter().cloned().collect();
        broken.extend(page_files.into_iter().filter(|s| !published.contains(s.as_str()) && !drafts.contains(*s)).cloned());
        Absent { drafts, broken }
    }
}

/// A link target resolved to a URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub url: String,
    pub title: String,
    /// The link is from a translation to a page that has no translation in its
    /// language yet, so it goes to the original (readers are told).
    pub fallback: bool,
}

#[derive(Debug, Default)]
pub struct LinkGraph {
    /// slug → index into the page list (pages of the default language).
    by_slug: foldhash::HashMap<String, usize>,
    /// (language, slug) → index: the translations of listed pages.
    /// Looked up by `&str` pairs without making Strings: every link of a translation asks.
    by_lang: foldhash::HashMap<String, foldhash::HashMap<String, usize>>,
    /// For each page: the same page in the site's other languages (the original
    /// and the other translations), by index.
    pub counterparts: Vec<Vec<usize>>,
    /// For each page: pages whose body links to it ("Mentioned in"), by index, in
    /// order, each once (a vector filled in page order: a set per page was a
    /// fifth of a related edit's graph at 10k pages).
    pub backlinks: Vec<Vec<usize>>,
    /// For each page: related pages in both directions, by index, own entries first.
    pub related: Vec<Vec<usize>>,
}

impl LinkGraph {
    /// `pages` are the pages being published; `absent` are slugs whose files exist but
    /// are not in this build: drafts, and pages too broken to parse (already reported,
    /// so links to them are not reported again).
    pub fn build(pages: &[Page], absent: &Absent, diags: &mut Vec<Diagnostic>) -> LinkGraph {
        let mut g = LinkGraph::addresses(pages);
        // Each page's links on its own, on every core (this was the longest serial
        // stretch of a 10k-page build); then merged in page order.
        let mut links: Vec<PageLinks> = pages
            .par_iter()
            .enumerate()
            .map(|(i, page)| g.links_of(i, page, pages, absent, |slug| g.index_in(page.lang.as_deref(), slug).map(|t| (t, t))))
            .collect();
        for l in &mut links {
            diags.append(&mut l.found);
        }
        g.connect(pages, absent, &links, |_, t| t, diags);
        g
    }

    /// The graph's addresses: which page each slug names, and each page's other
    /// languages. Its lists stay empty until [`LinkGraph::connect`].
    pub fn addresses(pages: &[Page]) -> LinkGraph {
        let by_slug: foldhash::HashMap<String, usize> =
            pages.iter().enumerate().filter(|(_, p)| p.kind.listed() && p.lang.is_none()).map(|(i, p)| (p.slug.clone(), i)).collect();
        let mut by_lang: foldhash::HashMap<String, foldhash::HashMap<String, usize>> = Default::default();
        for (i, p) in pages.iter().enumerate().filter(|(_, p)| p.kind.listed()) {
            if let Some(lang) = &p.lang {
                by_lang.entry(lang.clone()).or_default().insert(p.slug.clone(), i);
            }
        }
        let mut versions: foldhash::HashMap<(crate::kind::PageKind, &str), Vec<usize>> = Default::default();
        for (i, p) in pages.iter().enumerate() {
            versions.entry((p.kind, p.slug.as_str())).or_default().push(i);
        }
        let counterparts = pages
            .iter()
            .enumerate()
            .map(|(i, p)| versions[&(p.kind, p.slug.as_str())].iter().copied().filter(|&j| j != i).collect())
            .collect();
        LinkGraph { by_slug, by_lang, counterparts, backlinks: Vec::new(), related: Vec::new() }
    }

    /// Fills in backlinks and related lists from every page's [`PageLinks`], in page
    /// order, and reports what only the whole site shows: broken links (with a "did
    /// you mean" for the first ones, counted in page order, so a site full of broken
    /// links is still checked in linear time) and orphan pages. `index(i, id)` is the
    /// page that page `i`'s target id stands for (the id `links_of`'s `find` gave).
    /// The pages' own diagnostics stay in their `PageLinks`.
    pub fn connect<L: std::borrow::Borrow<PageLinks>>(
        &mut self,
        pages: &[Page],
        absent: &Absent,
        links: &[L],
        index: impl Fn(usize, usize) -> usize,
        diags: &mut Vec<Diagnostic>,
    ) {
        let mut hints_left = 64usize;
        let mut inbound = vec![false; pages.len()];
        let mut backlinks: Vec<Vec<usize>> = vec![Vec::new(); pages.len()];
        let mut related: Vec<Vec<usize>> = vec![Vec::new(); pages.len()];
        for (i, (page, found)) in pages.iter().zip(links).enumerate() {
            let found = found.borrow();
            for &id in &found.linked {
                let t = index(i, id);
                inbound[t] = true;
                // "Mentioned in" lists pages in the reader's language only.
                if pages[t].lang == page.lang && backlinks[t].last() != Some(&i) {
                    backlinks[t].push(i);
                }
            }
            related[i] = found.related.iter().map(|&id| index(i, id)).collect();
            for &t in &related[i] {
                inbound[t] = true;
            }
            for (span, slug) in &found.broken {
                let on = hints_left > 0;
                hints_left = hints_left.saturating_sub(1);
                let slugs = self.by_slug.keys().map(String::as_str).filter(|_| on);
                diags.push(broken(&page.path, *span, slug, &absent.drafts, slugs));
            }
        }
        // Related pages show on both ends, even when only one end lists the other.
        for i in 0..pages.len() {
            for k in 0..related[i].len() {
                let t = related[i][k];
                if pages[t].lang == pages[i].lang && !related[t].contains(&i) {
                    related[t].push(i);
                }
            }
        }
        for (i, page) in pages.iter().enumerate() {
            if page.kind.listed() && page.lang.is_none() && !inbound[i] {
                diags.push(
                    Diagnostic::new(Rule::OrphanPage, &page.path, Some(page.fm.title_span), "no other page links to this page")
                        .with_help("link to it with [[slug]] from a related page, or list it in another page's `related`"),
                );
            }
        }
        self.backlinks = backlinks;
        self.related = related;
    }

    /// Where page `i`'s links and related entries go, and what is wrong with them.
    /// `find(slug)` is the page the slug names, as (an id the caller chooses, its index
    /// in `pages`); the result keeps the ids, so a caller whose ids outlive the indices
    /// (the preview's positions in a page's own link list) may keep it across edits.
    pub fn links_of(
        &self,
        i: usize,
        page: &Page,
        pages: &[Page],
        absent: &Absent,
        find: impl Fn(&str) -> Option<(usize, usize)>,
    ) -> PageLinks {
        let mut out = PageLinks::default();
        for link in &page.links {
            match find(&link.target.slug) {
                Some((id, t)) => {
                    if let Some(anchor) = &link.target.anchor {
                        if !pages[t].body.anchors.contains(anchor) {
                            let mut known: Vec<&str> = pages[t].body.sections.iter().map(|s| s.anchor.as_str()).collect();
                            known.sort_unstable();
                            let help = match crate::diag::did_you_mean(anchor, known.iter().copied()) {
                                Some(a) => format!("did you mean `#{a}`?"),
                                None => format!(
                                    "sections of `{}`: {}",
                                    link.target.slug,
                                    known.iter().map(|a| format!("#{a}")).collect::<Vec<_>>().join(", ")
                                ),
                            };
                            out.found.push(
                                Diagnostic::new(
                                    Rule::BrokenAnchor,
                                    &page.path,
                                    Some(link.span),
                                    format!("`{}` has no section `#{anchor}`", link.target.slug),
                                )
                                .with_help(help),
                            );
                        }
                    }
                    if t != i {
                        out.linked.push(id);
                    }
                }
                None if absent.broken.contains(&link.target.slug) => {}
                None => out.broken.push((link.span, link.target.slug.clone())),
            }
        }
        let mut related_to: Vec<usize> = Vec::new();
        for rel in &page.fm.related {
            match find(&rel.value) {
                Some((_, t)) if t == i => out.found.push(
                    Diagnostic::new(Rule::RelatedSelf, &page.path, Some(rel.span), "a page cannot be related to itself")
                        .with_help("remove it from `related`"),
                ),
                Some((id, t)) => {
                    if !related_to.contains(&t) {
                        related_to.push(t);
                        out.related.push(id);
                    }
                    // A translation copies its original's list, which is checked there.
                    if page.lang.is_none() && !pages[t].fm.related.iter().any(|r| r.value == page.slug) {
                        out.found.push(
                            Diagnostic::new(
                                Rule::OneWayRelated,
                                &page.path,
                                Some(rel.span),
                                format!("`{}` does not list this page as related", rel.value),
                            )
                            .with_help(format!(
                                "add \"{}\" to `related` in {}, so readers find the link from both ends",
                                page.slug, pages[t].path
                            )),
                        );
                    }
                }
                None if absent.broken.contains(&rel.value) => {}
                None => out.broken.push((rel.span, rel.value.clone())),
            }
        }
        out
    }

    pub fn index_of(&self, slug: &str) -> Option<usize> {
        self.by_slug.get(slug).copied()
    }

    /// The page `[[slug]]` names for a reader of `lang`: its translation in that
    /// language when there is one, else the original.
    pub fn index_in(&self, lang: Option<&str>, slug: &str) -> Option<usize> {
        lang.and_then(|l| self.by_lang.get(l)?.get(slug).copied()).or_else(|| self.index_of(slug))
    }

    /// Where a link goes: the page URL plus the anchor (canonical names map to the real id).
    pub fn resolve(&self, pages: &[Page], target: &PageRef) -> Option<Resolved> {
        self.resolve_in(pages, None, target)
    }

    /// Where a link in a page of the language `lang` goes (see [`LinkGraph::index_in`]).
    pub fn resolve_in(&self, pages: &[Page], lang: Option<&str>, target: &PageRef) -> Option<Resolved> {
        let page = &pages[self.index_in(lang, &target.slug)?];
        let url = match &target.anchor {
            None => page.url.clone(),
            Some(a) => {
                let id = page
                    .body
                    .sections
                    .iter()
                    .find(|s| s.kind.canonical_anchor() == Some(a.as_str()))
                    .map(|s| s.anchor.clone())
                    .unwrap_or_else(|| a.clone());
                format!("{}#{id}", page.url)
            }
        };
        Some(Resolved { url, title: page.fm.title.clone(), fallback: lang.is_some() && page.lang.as_deref() != lang })
    }
}

/// One page's links and related entries, resolved and checked apart from every
/// other page. It depends only on the graph inputs of the page and of the pages it
/// names, so the preview keeps it across edits that leave those alone.
#[derive(Debug, Default)]
pub struct PageLinks {
    /// Pages its body links to (not itself), as the caller's target ids.
    linked: Vec<usize>,
    /// Its own related entries, resolved, each once, as target ids.
    related: Vec<usize>,
    /// What is wrong with its links that the page and its targets alone show.
    found: Vec<Diagnostic>,
    /// Links to no page, in order: their "did you mean" waits for the merge, because
    /// hints stop after a set number, counted in page order.
    broken: Vec<((usize, usize), String)>,
}

impl PageLinks {
    /// Broken anchors, self-relations and one-way related entries of the page.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.found
    }
}

fn broken<'a>(path: &str, span: (usize, usize), slug: &str, drafts: &BTreeSet<String>, slugs: impl Iterator<Item = &'a str>) -> Diagnostic {
    if drafts.contains(slug) {
        return Diagnostic::new(Rule::BrokenLink, path, Some(span), format!("`{slug}` is a draft, so it is not published"))
            .with_help("publish it (status = \"published\"), remove the link, or build with --drafts");
    }
    let help = match crate::diag::did_you_mean(slug, slugs) {
        _ if slug.trim().is_empty() => "write the slug of the page to link to between the brackets, e.g. [[shin-splints]]".to_string(),
        Some(s) => format!("did you mean `{s}`?"),
        None => format!("create content/conditions/{slug}.md with `medkb new condition`, or fix the slug"),
    };
    Diagnostic::new(
        Rule::BrokenLink,
        path,
        Some(span),
        if slug.trim().is_empty() { "this link names no page".to_string() } else { format!("there is no page called `{slug}`") },
    )
    .with_help(help)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::SiteConfig;
    use crate::diag::SourceFile;
    use crate::kind::PageKind;
    use crate::load::ContentFile;

    fn page(slug: &str, related: &str, body: &str) -> Page {
        let text = format!(
            "+++\ntitle = \"{slug}\"\nsummary = \"s\"\nbody_region = \"lower-leg\"\nrelated = [{related}]\nlast_reviewed = 2026-01-01\n[[sources]]\ntitle = \"t\"\n+++\n{body}\n## Symptoms\n- a\n## Causes\n- b\n## Fixes\n- c\n## Red flags\n- routine: d\n"
        );
        let file = ContentFile {
            source: SourceFile::new(format!("content/conditions/{slug}.md"), "x".into(), text),
            placement: PageKind::Condition,
            slug: slug.into(),
            lang: None,
            linked: false,
        };
        let config = SiteConfig::parse(&SourceFile::new(
            "site.toml".into(),
            "x".into(),
            "title='t'\nbase_url='https://x.org'\ndisclaimer='d'\n".into(),
        ))
        .unwrap();
        let mut diags = Vec::new();
        crate::parse::parse_page(&file, &config, &|_| None, &mut diags).unwrap()
    }

    #[test]
    fn backlinks_related_both_ways_and_warnings() {
        let pages = vec![
            page("a", "\"b\"", "See [[b#fixes]] and [[c]]."),
            page("b", "", "Nothing."),
            page("c", "", "Back to [[a]]. Also [[b#nowhere]] and [[zz]]."),
        ];
        let mut diags = Vec::new();
        let g = LinkGraph::build(&pages, &Absent::default(), &mut diags);
        assert_eq!(g.backlinks[1], [0, 2], "b is mentioned in a and c");
        assert_eq!(g.related[0], [1]);
        assert_eq!(g.related[1], [0], "related shows on both ends");
        let codes: Vec<&str> = diags.iter().map(|d| d.code.code()).collect();
        assert_eq!(codes, ["one-way-related", "broken-anchor", "broken-link"]);
        let resolved = g.resolve(&pages, &PageRef { slug: "b".into(), anchor: Some("fixes".into()) }).unwrap();
        assert_eq!(resolved.url, "/conditions/b/#fixes");
        assert!(g.resolve(&pages, &PageRef { slug: "zz".into(), anchor: None }).is_none());
    }

    #[test]
    fn did_you_mean_stops_after_the_first_broken_links_in_page_order() {
        // 70 broken links to "shin-splint", 10 per page: only the first 64 in page order get a hint.
        let body = "[[shin-splint]] ".repeat(10);
        let mut pages: Vec<Page> = (0..7).map(|n| page(&format!("p{n}"), "", &body)).collect();
        pages.push(page("shin-splints", "", "x"));
        let mut diags = Vec::new();
        LinkGraph::build(&pages, &Absent::default(), &mut diags);
        let broken: Vec<(&str, bool)> = diags
            .iter()
            .filter(|d| d.code == "broken-link")
            .map(|d| (d.path.as_str(), d.help.as_deref().is_some_and(|h| h.contains("did you mean `shin-splints`"))))
            .collect();
        assert_eq!(broken.len(), 70);
        assert!(broken.iter().take(64).all(|(_, hinted)| *hinted));
        assert!(broken.iter().skip(64).all(|(_, hinted)| !*hinted));
        let paths: Vec<&str> = broken.iter().map(|(p, _)| *p).collect();
        let mut sorted = paths.clone();
        sorted.sort();
        assert_eq!(paths, sorted, "reported in page order");
    }

    #[test]
    fn orphans_are_warned_about() {
        let pages = vec![page("a", "", "x"), page("b", "", "[[a]]")];
        let mut diags = Vec::new();
        LinkGraph::build(&pages, &Absent::default(), &mut diags);
        let orphans: Vec<&str> = diags.iter().filter(|d| d.code == "orphan-page").map(|d| d.path.as_str()).collect();
        assert_eq!(orphans, ["content/conditions/b.md"]);
    }
}
