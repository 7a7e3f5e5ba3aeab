//! Markdown to safe HTML, with cross-links resolved to pretty URLs.
//!
//! Everything an author writes passes through [`ammonia`] on its way out, so raw
//! HTML in a page can format text but never run script: `<script>`, `on*=`
//! handlers and `javascript:` URLs are removed whatever the page says.

use pulldown_cmark::{html, CowStr, Event, Parser, Tag};

use crate::graph::LinkGraph;
use crate::parse::frontmatter::SourceKind;
use crate::parse::links::{markdown_options, markdown_page_target, resolve_relative, scan_wikilinks, PageRef};
use crate::parse::markdown::CITATION;
use crate::parse::Page;

/// The anchor of a page's `n`th source (0-based) in its Sources list.
pub fn source_anchor(n: usize) -> String {
    format!("source-{}", n + 1)
}

/// Marks a link title left in another language inside expanded wikilinks:
/// `LANG_OPEN` tag `LANG_SEP` title `LANG_CLOSE` becomes `<span lang="tag">title</span>`
/// (WCAG 3.1.2). Private-use characters: no author writes them, no Markdown reads them.
const LANG_OPEN: char = '\u{E011}';
const LANG_SEP: char = '\u{E012}';
const LANG_CLOSE: char = '\u{E013}';

/// What a safety-netting citation says, on the item and in the Sources list (the
/// default language's `safety_netting_label` UI string replaces it in a site's pages).
pub const SAFETY_NETTING_LABEL: &str = "Editors' safety-netting";

pub struct MarkdownRenderer<'a> {
    pages: &'a [Page],
    graph: &'a LinkGraph,
    sanitizer: ammonia::Builder<'static>,
    /// Language code → what a link to an untranslated page says after its text
    /// ("(en inglés)"), so readers know the page they go to is in another language.
    fallback_labels: std::collections::BTreeMap<String, String>,
    /// Language code ("" for the default) → what a safety-netting citation says.
    citation_labels: std::collections::BTreeMap<String, String>,
    /// The `lang` of the default language's pages, for their titles in a translation.
    original_lang: String,
}

impl<'a> MarkdownRenderer<'a> {
    pub fn new(pages: &'a [Page], graph: &'a LinkGraph) -> Self {
        let mut sanitizer = ammonia::Builder::default();
        for h in ["h2", "h3", "h4", "h5", "h6"] {
            sanitizer.add_tag_attributes(h, &["id"]);
        }
        sanitizer.add_tags(&["mark"]);
        sanitizer.add_tag_attributes("sup", &["class"]);
        sanitizer.link_rel(None);
        MarkdownRenderer {
            pages,
            graph,
            sanitizer,
            fallback_labels: Default::default(),
            citation_labels: Default::default(),
            original_lang: String::new(),
        }
    }

    /// Sets the `lang` of the default language's pages (see `original_lang`).
    pub fn with_original_lang(mut self, lang: String) -> Self {
        self.original_lang = lang;
        self
    }

    /// Sets what safety-netting citations say in each language ("" for the default).
    pub fn with_citation_labels(mut self, labels: std::collections::BTreeMap<String, String>) -> Self {
        self.citation_labels = labels;
        self
    }

    /// Sets what links from a translation to an untranslated page say (see `fallback_labels`).
    pub fn with_fallback_labels(mut self, labels: std::collections::BTreeMap<String, String>) -> Self {
        self.fallback_labels = labels;
        self
    }

    /// Renders block Markdown from `page`. `heading_ids` are given to its headings in order.
    pub fn block(&self, md: &str, page: &Page, heading_ids: &[String]) -> String {
        self.render(md, page, heading_ids)
    }

    /// Renders one line of inline Markdown (a red flag, a timeline phase) without a `<p>`.
    pub fn inline(&self, md: &str, page: &Page) -> String {
        let html = self.render(md, page, &[]);
        let trimmed = html.trim();
        match trimmed.strip_prefix("<p>").and_then(|s| s.strip_suffix("</p>")) {
            Some(inner) if !inner.contains("<p>") => inner.to_string(),
            _ => trimmed.to_string(),
        }
    }

    /// The superscript that cites the page's safety-netting source for a marked item.
    pub fn citation(&self, page: &Page) -> String {
        let target = page
            .fm
            .sources
            .iter()
            .position(|s| s.kind == SourceKind::SafetyNetting)
            .map(source_anchor)
            .unwrap_or_else(|| "sources-heading".into());
        // Theme and site strings are trusted like templates (a site writes both).
        let label = self.citation_labels.get(page.lang.as_deref().unwrap_or("")).map(String::as_str).unwrap_or(SAFETY_NETTING_LABEL);
        format!("<sup class=\"citation citation--safety-netting\"> <a href=\"#{target}\">{label}</a></sup>")
    }

    /// Plain text with no markup at all, HTML-escaped by the caller's template.
    fn render(&self, md: &str, page: &Page, heading_ids: &[String]) -> String {
        let md = self.expand_wikilinks(md, page);
        let (out, raw_html) = self.to_html(&md, page, heading_ids, false);
        // pulldown-cmark escapes all text and attributes itself, and `safe_url` has
        // defused link schemes, so only raw HTML needs the (costly) full sanitiser.
        if !raw_html {
            return out;
        }
        // The sanitiser is quadratic in nesting depth: past the limit (which `check`
        // warns about) the raw HTML is shown as text, which needs no sanitiser at all.
        let mut max = 0;
        crate::parse::markdown::html_depth(&out, 0, &mut max);
        if max > crate::parse::markdown::MAX_NESTING {
            return self.to_html(&md, page, heading_ids, true).0;
        }
        self.sanitizer.clean(&out).to_string()
    }

    /// One pass of Markdown to HTML: links resolved and made safe, headings given their
    /// ids, safety-netting markers turned into citations (ours, so they stay even when
    /// the author's raw HTML is shown as text). Returns the HTML and whether the text
    /// held raw HTML; with `raw_as_text`, raw HTML is escaped as text instead.
    fn to_html(&self, md: &str, page: &Page, heading_ids: &[String], raw_as_text: bool) -> (String, bool) {
        let mut ids = heading_ids.iter();
        let mut raw_html = false;
        let cite = md.contains(CITATION).then(|| self.citation(page));
        let events = Parser::new_ext(md, markdown_options()).flat_map(|event| match event {
            Event::Text(t) if t.contains(CITATION) => with_citations(&t, cite.as_deref().unwrap_or_default()),
            Event::Text(t) if t.contains([LANG_OPEN, LANG_CLOSE]) => with_lang_spans(&t),
            other => vec![self.event(other, page, &mut ids, raw_as_text, &mut raw_html)],
        });
        let mut out = String::with_capacity(md.len() * 3 / 2);
        html::push_html(&mut out, events);
        (out, raw_html)
    }

    /// One event with its links resolved and made safe and its heading id given; raw
    /// HTML is noted, and escaped as text when `raw_as_text`.
    fn event<'e>(
        &self,
        event: Event<'e>,
        page: &Page,
        ids: &mut std::slice::Iter<'_, String>,
        raw_as_text: bool,
        raw_html: &mut bool,
    ) -> Event<'e> {
        match event {
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                let dest = self.link_url(&dest_url, page).map(CowStr::from).unwrap_or(dest_url);
                Event::Start(Tag::Link { link_type, dest_url: safe_url(dest), title, id })
            }
            Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
                Event::Start(Tag::Image { link_type, dest_url: safe_url(dest_url), title, id })
            }
            Event::Start(Tag::Heading { level, id: _, classes, attrs }) => {
                let id = ids.next().map(|s| CowStr::from(s.clone()));
                Event::Start(Tag::Heading { level, id, classes, attrs })
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                *raw_html = true;
                if raw_as_text {
                    Event::Text(h)
                } else {
                    Event::Html(h)
                }
            }
            other => other,
        }
    }

    /// `[[slug|label]]` → `[label](medkb:slug#anchor)`, which `link_url` resolves.
    fn expand_wikilinks(&self, md: &str, page: &Page) -> String {
        let links = scan_wikilinks(md);
        if links.is_empty() {
            return md.to_string();
        }
        let mut out = String::with_capacity(md.len() + 64);
        let mut last = 0;
        for w in links {
            out.push_str(&md[last..w.start]);
            let lang = page.lang.as_deref();
            let resolved = self.graph.resolve_in(self.pages, lang, &PageRef { slug: w.target.slug.clone(), anchor: None });
            let fallback = resolved.as_ref().is_some_and(|r| r.fallback) && lang.is_some();
            let label = w.label.clone().unwrap_or_else(|| match &resolved {
                Some(r) => r.title.clone(),
                None => w.target.slug.clone(),
            });
            let mut label = escape_label(&label);
            // A translation's link to a page not yet in its language says so in its text,
            // and the original's own title says which language it is in.
            if fallback {
                if w.label.is_none() && !self.original_lang.is_empty() {
                    label = format!("{LANG_OPEN}{}{LANG_SEP}{label}{LANG_CLOSE}", self.original_lang);
                }
                if let Some(suffix) = lang.and_then(|l| self.fallback_labels.get(l)).filter(|s| !s.is_empty()) {
                    label.push(' ');
                    label.push_str(&escape_label(suffix));
                }
            }
            let anchor = w.target.anchor.as_deref().map(|a| format!("#{a}")).unwrap_or_default();
            out.push('[');
            out.push_str(&label);
            out.push_str("](medkb:");
            out.push_str(&w.target.slug);
            out.push_str(&anchor);
            out.push(')');
            last = w.end;
        }
        out.push_str(&md[last..]);
        out
    }

    fn link_url(&self, dest: &str, page: &Page) -> Option<String> {
        let target = if let Some(rest) = dest.strip_prefix("medkb:") {
            let (slug, anchor) = match rest.split_once('#') {
                Some((s, a)) => (s, Some(a.to_string())),
                None => (rest, None),
            };
            PageRef { slug: slug.to_string(), anchor }
        } else {
            let (path, anchor) = markdown_page_target(dest)?;
            let full = resolve_relative(&page.path, path)?;
            let slug = full.rsplit('/').next()?.trim_end_matches(".md").to_string();
            PageRef { slug, anchor: anchor.map(str::to_string) }
        };
        // An unresolvable link was reported by `check`; publish it as plain text's neighbour: the 404.
        Some(self.graph.resolve_in(self.pages, page.lang.as_deref(), &target).map(|r| r.url).unwrap_or_else(|| "/404.html".into()))
    }
}

fn escape_label(label: &str) -> String {
    let mut s = String::with_capacity(label.len());
    for c in label.chars() {
        if matches!(c, '[' | ']' | '\\' | '*' | '_' | '`' | '<') {
            s.push('\\');
        }
        s.push(c);
    }
    s
}

/// Link and image URLs in page text: http(s), `mailto:` and relative URLs pass;
/// any other scheme (`javascript:`, `vbscript:`, `data:`, however disguised) becomes `#`.
fn safe_url(url: CowStr<'_>) -> CowStr<'_> {
    if crate::url::publishable(&url, true).is_some() {
        url
    } else {
        CowStr::from("#")
    }
}

/// Text with the parser's citation marks replaced by the citation superscript `cite`.
/// Text holding [`LANG_OPEN`]…[`LANG_CLOSE`] marks as text and `<span lang>` tags (ours,
/// so they stay when the author's raw HTML is shown as text). A tag is a language tag
/// from site.toml, checked again here so nothing else reaches the attribute.
fn with_lang_spans<'e>(text: &str) -> Vec<Event<'e>> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find([LANG_OPEN, LANG_CLOSE]) {
        if at > 0 {
            out.push(Event::Text(CowStr::from(rest[..at].to_string())));
        }
        let mark = rest[at..].chars().next().unwrap_or(LANG_CLOSE);
        rest = &rest[at + mark.len_utf8()..];
        if mark == LANG_CLOSE {
            out.push(Event::InlineHtml(CowStr::from("</span>")));
            continue;
        }
        let (tag, after) = rest.split_once(LANG_SEP).unwrap_or(("", rest));
        let tag: String = tag.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
        out.push(Event::InlineHtml(CowStr::from(format!("<span lang=\"{tag}\">"))));
        rest = after;
    }
    if !rest.is_empty() {
        out.push(Event::Text(CowStr::from(rest.to_string())));
    }
    out
}

fn with_citations<'e>(text: &str, cite: &str) -> Vec<Event<'e>> {
    let mut out = Vec::new();
    let pieces: Vec<&str> = text.split(CITATION).collect();
    for (i, piece) in pieces.iter().enumerate() {
        if i > 0 {
            out.push(Event::InlineHtml(CowStr::from(cite.to_string())));
        }
        // The cut marker's padding sits before the citation; the superscript hugs the word.
        let piece = if i + 1 < pieces.len() { piece.trim_end() } else { piece };
        if !piece.is_empty() {
            out.push(Event::Text(CowStr::from(piece.to_string())));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dangerous_schemes_are_defused() {
        for bad in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            " java\tscript:x",
            "java\nscript:x",
            "java\u{200b}script:x",
            "vbscript:x",
            "data:text/html,x",
        ] {
            assert_eq!(&*safe_url(CowStr::from(bad)), "#", "{bad:?}");
        }
        for ok in ["https://x.org/a:b", "/conditions/x/", "#fixes", "mailto:a@b.org", "page?q=a:b"] {
            assert_eq!(&*safe_url(CowStr::from(ok)), ok);
        }
    }
}
