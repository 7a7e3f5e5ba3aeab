//! Cross-links written in a page: `[[slug]]`, `[[slug|text]]`, `[[slug#section]]`
//! and ordinary relative Markdown links to other `.md` files.
//!
//! Links are found here, with their spans, and resolved later by the
//! [`LinkGraph`](crate::graph::LinkGraph), once every page is known.

use pulldown_cmark::{Event, Options, Parser, Tag};

/// Markdown extensions medkb turns on everywhere, so parse and render agree.
pub fn markdown_options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_FOOTNOTES | Options::ENABLE_SMART_PUNCTUATION
}

/// What a link points at: a page, maybe a section of it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PageRef {
    pub slug: String,
    pub anchor: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkSyntax {
    Wiki,
    Markdown,
}

/// One cross-link in a page, with its byte span in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRef {
    pub target: PageRef,
    pub span: (usize, usize),
    pub syntax: LinkSyntax,
    /// For Markdown links: the path as written, for messages.
    pub written: String,
}

/// A `[[...]]` found in text: byte range, target and optional label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WikiLink {
    pub start: usize,
    pub end: usize,
    pub target: PageRef,
    pub label: Option<String>,
}

/// Byte ranges of code spans and code blocks, where `[[` is just text.
fn code_ranges(text: &str) -> Vec<(usize, usize)> {
    code_ranges_and_links(text, |_, _| {})
}

/// One Markdown pass: returns the code ranges and calls `on_link(dest, range)` for every link.
fn code_ranges_and_links(text: &str, mut on_link: impl FnMut(&str, std::ops::Range<usize>)) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut block_start = None;
    for (event, range) in Parser::new_ext(text, markdown_options()).into_offset_iter() {
        match event {
            Event::Code(_) | Event::Html(_) | Event::InlineHtml(_) => out.push((range.start, range.end)),
            Event::Start(Tag::CodeBlock(_)) => block_start = Some(range.start),
            Event::End(pulldown_cmark::TagEnd::CodeBlock) => {
                if let Some(s) = block_start.take() {
                    out.push((s, range.end));
                }
            }
            Event::Start(Tag::Link { dest_url, .. }) => on_link(&dest_url, range),
            _ => {}
        }
    }
    out
}

/// Finds every `[[target]]`, `[[target|label]]` outside code. Offsets are into `text`.
pub fn scan_wikilinks(text: &str) -> Vec<WikiLink> {
    if !text.contains("[[") {
        return Vec::new();
    }
    scan(text, &code_ranges(text))
}

/// Like [`scan_wikilinks`] for text that is already plain (no Markdown code to skip).
pub fn scan_wikilinks_plain(text: &str) -> Vec<WikiLink> {
    if !text.contains("[[") {
        return Vec::new();
    }
    scan(text, &[])
}

fn scan(text: &str, code: &[(usize, usize)]) -> Vec<WikiLink> {
    let in_code = |i: usize| code.iter().any(|&(s, e)| s <= i && i < e);
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(rel) = text[from..].find("[[") {
        let start = from + rel;
        let Some(close_rel) = text[start + 2..].find("]]") else { break };
        let inner = &text[start + 2..start + 2 + close_rel];
        let end = start + 2 + close_rel + 2;
        if inner.contains('\n') || inner.contains("[[") || in_code(start) {
            from = start + 2;
            continue;
        }
        let (target, label) = match inner.split_once('|') {
            Some((t, l)) => (t.trim(), Some(l.trim().to_string()).filter(|l| !l.is_empty())),
            None => (inner.trim(), None),
        };
        let (slug, anchor) = match target.split_once('#') {
            Some((s, a)) => (s.trim(), Some(a.trim().to_string()).filter(|a| !a.is_empty())),
            None => (target, None),
        };
        out.push(WikiLink { start, end, target: PageRef { slug: slug.to_string(), anchor }, label });
        from = end;
    }
    out
}

/// A Markdown link destination that names another page's file: `x.md`, `../guides/y.md#a`.
pub fn markdown_page_target(dest: &str) -> Option<(&str, Option<&str>)> {
    if dest.contains("://") || dest.starts_with('/') || dest.starts_with('#') || dest.starts_with("mailto:") {
        return None;
    }
    let (path, anchor) = match dest.split_once('#') {
        Some((p, a)) => (p, Some(a).filter(|a| !a.is_empty())),
        None => (dest, None),
    };
    path.ends_with(".md").then_some((path, anchor))
}

/// Resolves `dest` (relative to the file at `from_rel`, e.g. `content/conditions/a.md`)
/// to a site-relative path such as `content/guides/b.md`. `None` if it climbs out of the site.
pub fn resolve_relative(from_rel: &str, dest: &str) -> Option<String> {
    let mut parts: Vec<&str> = from_rel.split('/').collect();
    parts.pop();
    for seg in dest.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// Every cross-link in `body` (which starts at byte `offset` of the file at `rel`).
pub fn find_links(
    body: &str,
    offset: usize,
    rel: &str,
    slug_of_path: &dyn Fn(&str) -> Option<String>,
) -> (Vec<LinkRef>, Vec<(usize, usize, String)>) {
    let mut links = Vec::new();
    let mut unresolved = Vec::new();
    // One pass finds both the Markdown links and the code where `[[` is just text.
    let code = code_ranges_and_links(body, |dest_url, range| {
        let Some((path, anchor)) = markdown_page_target(dest_url) else { return };
        let span = (offset + range.start, offset + range.end);
        match resolve_relative(rel, path).and_then(|p| slug_of_path(&p)) {
            Some(slug) => links.push(LinkRef {
                target: PageRef { slug, anchor: anchor.map(str::to_string) },
                span,
                syntax: LinkSyntax::Markdown,
                written: dest_url.to_string(),
            }),
            None => unresolved.push((span.0, span.1, dest_url.to_string())),
        }
    });
    if body.contains("[[") {
        for w in scan(body, &code) {
            links.push(LinkRef {
                target: w.target,
                span: (offset + w.start, offset + w.end),
                syntax: LinkSyntax::Wiki,
                written: String::new(),
            });
        }
    }
    links.sort_by_key(|l| l.span);
    (links, unresolved)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wikilink_forms() {
        let text = "See [[calf-strain]], [[gout|the gout page]] and [[when-to-see-a-doctor#tests]].";
        let links = scan_wikilinks(text);
        assert_eq!(links.len(), 3);
        assert_eq!(links[0].target, PageRef { slug: "calf-strain".into(), anchor: None });
        assert_eq!(&text[links[0].start..links[0].end], "[[calf-strain]]");
        assert_eq!(links[1].label.as_deref(), Some("the gout page"));
        assert_eq!(links[2].target.anchor.as_deref(), Some("tests"));
    }

    #[test]
    fn wikilinks_in_code_are_text() {
        let text = "`[[not-a-link]]`\n\n```\n[[nor-this]]\n```\n\n[[real]]\n";
        let links = scan_wikilinks(text);
        assert_eq!(links.len(), 1);
        assert_eq!(links[0].target.slug, "real");
    }

    #[test]
    fn relative_paths() {
        assert_eq!(resolve_relative("content/conditions/a.md", "b.md").as_deref(), Some("content/conditions/b.md"));
        assert_eq!(resolve_relative("content/conditions/a.md", "../guides/c.md").as_deref(), Some("content/guides/c.md"));
        assert_eq!(markdown_page_target("../guides/c.md#x"), Some(("../guides/c.md", Some("x"))));
        assert_eq!(markdown_page_target("https://x.org/a.md"), None);
        assert_eq!(markdown_page_target("pic.png"), None);
    }
}
