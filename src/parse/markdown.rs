//! The page body: lead, `##` sections, and the two structured sections.
//!
//! Sections are found on the Markdown event stream (so a `##` inside a code block
//! is not a section) but kept as slices of the original text, so every later
//! diagnostic can point into the file and rendering stays plain pulldown-cmark.
//!
//! One piece of syntax is taken out before that: the `{safety-netting}` marker that
//! ends a paragraph or list item the site's editors added as standard safety-netting
//! advice (not from the page's sources). It becomes [`CITATION`], a private-use
//! character of the same byte length plus padding, so every offset still points into
//! the file; the renderer turns it into a citation and plain text drops it.

use crate::rules::Rule;
use std::collections::HashSet;

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};
use serde::Serialize;

use super::links::markdown_options;
use crate::diag::Diagnostic;

pub use crate::kind::SectionKind;
use crate::vocab::Vocabulary;

/// How soon a reader needs help. Ordered most urgent first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Urgency {
    Emergency,
    Urgent,
    Routine,
}

impl Urgency {
    pub const ALL: [Urgency; 3] = [Urgency::Emergency, Urgency::Urgent, Urgency::Routine];

    fn parse(word: &str) -> Option<Urgency> {
        match word.to_ascii_lowercase().as_str() {
            "emergency" => Some(Urgency::Emergency),
            "urgent" => Some(Urgency::Urgent),
            "routine" | "non-urgent" => Some(Urgency::Routine),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Urgency::Emergency => "emergency",
            Urgency::Urgent => "urgent",
            Urgency::Routine => "routine",
        }
    }
}

/// One warning sign and how urgently to act on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedFlag {
    pub urgency: Urgency,
    /// Inline Markdown, without the `urgency:` prefix or a safety-netting marker.
    pub text: String,
    pub plain: String,
    pub span: (usize, usize),
    /// Where its `{safety-netting}` marker is, when the editors added this sign.
    pub safety_netting: Option<(usize, usize)>,
}

/// What an editor writes at the end of a paragraph or list item that is standard
/// safety-netting advice, added by the site's editors rather than taken from a source.
pub const SAFETY_NETTING_MARKER: &str = "{safety-netting}";

/// What a marker becomes in the parsed Markdown: the renderer shows a citation in its
/// place, plain text (search, readability, structured data) drops it.
pub const CITATION: char = '\u{E000}';

/// A paragraph or list item marked `{safety-netting}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SafetyNet {
    /// The marker's span in the file.
    pub span: (usize, usize),
    /// Plain text of what it marks, for a reviewer to read.
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TimeUnit {
    Hour,
    Day,
    Week,
    Month,
    Year,
}

impl TimeUnit {
    fn parse(word: &str) -> Option<TimeUnit> {
        let w = word.to_ascii_lowercase();
        let w = w.trim_end_matches('s');
        match w {
            "hour" | "hr" => Some(TimeUnit::Hour),
            "day" => Some(TimeUnit::Day),
            "week" | "wk" => Some(TimeUnit::Week),
            "month" => Some(TimeUnit::Month),
            "year" => Some(TimeUnit::Year),
            _ => None,
        }
    }
}

/// One phase of a recovery timeline: "Weeks 2–6: build back up".
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Phase {
    pub label: String,
    pub from: u32,
    /// `None` for a single point ("Week 1") or an open end ("6+ weeks").
    pub to: Option<u32>,
    pub open_ended: bool,
    pub unit: TimeUnit,
    /// Inline Markdown: what to do in this phase.
    pub text: String,
    #[serde(skip)]
    pub span: (usize, usize),
}

/// Reads a phase label such as `Days 0–3`, `3-6 months`, `6+ weeks`, `After 6 weeks`.
pub fn parse_phase_label(label: &str) -> Option<(u32, Option<u32>, bool, TimeUnit)> {
    let norm = label.replace(['\u{2013}', '\u{2014}', '\u{2212}'], "-").to_lowercase();
    let mut words: Vec<String> = Vec::new();
    // Split "0-3" and "6+" into tokens, keep words.
    let mut cur = String::new();
    for c in norm.chars() {
        if c.is_ascii_alphanumeric() {
            if !cur.is_empty() && (cur.chars().last().unwrap().is_ascii_digit() != c.is_ascii_digit()) {
                words.push(std::mem::take(&mut cur));
            }
            cur.push(c);
        } else {
            if !cur.is_empty() {
                words.push(std::mem::take(&mut cur));
            }
            if c == '-' || c == '+' {
                words.push(c.to_string());
            }
        }
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    let mut lead = None;
    if let Some(first) = words.first() {
        if matches!(first.as_str(), "after" | "from" | "first" | "within") {
            lead = Some(words.remove(0));
        }
    }
    let mut unit = None;
    let mut nums: Vec<u32> = Vec::new();
    let mut plus = false;
    let mut dash = false;
    for (i, w) in words.iter().enumerate() {
        if let Ok(n) = w.parse::<u32>() {
            nums.push(n);
        } else if w == "-" || w == "to" {
            if nums.len() != 1 {
                return None;
            }
            dash = true;
        } else if w == "+" {
            plus = true;
        } else if let Some(u) = TimeUnit::parse(w) {
            // The unit comes first ("Weeks 2-6") or last ("2-6 weeks"), once.
            if unit.is_some() || !(i == 0 || i == words.len() - 1) {
                return None;
            }
            unit = Some(u);
        } else {
            return None;
        }
    }
    let unit = unit?;
    match (nums.as_slice(), dash, plus, lead.as_deref()) {
        ([a], false, false, None) => Some((*a, None, false, unit)),
        ([a], false, true, None) | ([a], false, false, Some("after" | "from")) => Some((*a, None, true, unit)),
        ([a], false, false, Some("first" | "within")) => Some((0, Some(*a), false, unit)),
        ([a, b], true, false, None) if a <= b => Some((*a, Some(*b), false, unit)),
        ([a, b], true, true, None) if a <= b => Some((*a, Some(*b), true, unit)),
        _ => None,
    }
}

/// A `##` section of a page.
#[derive(Debug, Clone)]
pub struct Section {
    pub kind: SectionKind,
    pub heading: String,
    /// The `id` of the section heading, unique in the page.
    pub anchor: String,
    pub heading_span: (usize, usize),
    /// The Markdown under the heading, up to the next `##`.
    pub body: String,
    /// Byte offset of `body` in the file.
    pub body_offset: usize,
    /// Ids of the headings inside the section, in order.
    pub sub_anchors: Vec<String>,
    /// The section as plain text, for search and readability.
    pub plain: String,
    /// Plain text of each top-level list item (symptoms, causes, treatments for JSON-LD).
    pub items: Vec<String>,
    /// Markdown of the parts of a structured section that are not its list.
    pub intro: String,
    /// The Red flags section in source order: prose and runs of red flags.
    pub parts: Vec<Part>,
}

/// A piece of a Red flags section, in the order the author wrote it, so a lead-in
/// sentence stays before the cards it introduces and a closing note after them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// Markdown that is not a red-flag list.
    Prose(String),
    /// Consecutive red-flag lists: these indexes into [`Body::red_flags`].
    Flags(Vec<usize>),
}

/// The parsed body.
#[derive(Debug, Clone, Default)]
pub struct Body {
    pub lead: String,
    pub lead_plain: String,
    pub sections: Vec<Section>,
    pub red_flags: Vec<RedFlag>,
    pub phases: Vec<Phase>,
    /// Every paragraph and list item marked `{safety-netting}`, in order.
    pub safety_nets: Vec<SafetyNet>,
    /// Every anchor a link may target: heading ids and canonical section names.
    pub anchors: HashSet<String>,
    /// Ids of headings in the lead (rare), in order.
    pub lead_anchors: Vec<String>,
    /// Other headings (level 3+) with ids, used for the on-page contents list.
    pub all_headings: Vec<(u8, String, String)>,
}

struct Heading {
    level: HeadingLevel,
    text: String,
    start: usize,
    end: usize,
}

fn headings(body: &str) -> Vec<Heading> {
    let mut out = Vec::new();
    let mut current: Option<Heading> = None;
    for (event, range) in Parser::new_ext(body, markdown_options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                current = Some(Heading { level, text: String::new(), start: range.start, end: range.end })
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(h) = current.as_mut() {
                    h.text.push_str(&t);
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some(h) = current.take() {
                    out.push(h);
                }
            }
            _ => {}
        }
    }
    out
}

/// Plain text of Markdown, words separated by spaces.
pub fn plain_text(md: &str) -> String {
    blocks(md).plain
}

/// Appends the plain text of one event (a space for breaks and block ends).
fn push_plain(out: &mut String, event: &Event<'_>) {
    match event {
        Event::Text(t) | Event::Code(t) => out.push_str(t),
        Event::SoftBreak | Event::HardBreak | Event::End(_) if !out.is_empty() && !out.ends_with(' ') => out.push(' '),
        _ => {}
    }
}

/// Wiki-links read as their label, or their slug in words.
fn finish_plain(out: String) -> String {
    // A cut marker leaves a run of spaces behind.
    let mut text = if out.contains(CITATION) { out.replace(CITATION, " ").split_whitespace().collect::<Vec<_>>().join(" ") } else { out }
        .trim()
        .to_string();
    for w in super::links::scan_wikilinks_plain(&text.clone()).into_iter().rev() {
        let shown = w.label.clone().unwrap_or_else(|| w.target.slug.replace('-', " "));
        text.replace_range(w.start..w.end, &shown);
    }
    text
}

/// A section read in one pass: each top-level list item (span and plain text),
/// the spans of the other top-level blocks, and the whole section's plain text.
struct Blocks {
    items: Vec<(usize, usize)>,
    item_plain: Vec<String>,
    other: Vec<(usize, usize)>,
    /// Spans of the top-level lists.
    lists: Vec<(usize, usize)>,
    plain: String,
}

fn blocks(md: &str) -> Blocks {
    let mut depth = 0usize;
    let mut in_list = false;
    let mut out = Blocks { items: Vec::new(), item_plain: Vec::new(), other: Vec::new(), lists: Vec::new(), plain: String::new() };
    let mut item: Option<String> = None;
    for (event, range) in Parser::new_ext(md, markdown_options()).into_offset_iter() {
        push_plain(&mut out.plain, &event);
        if let Some(buf) = item.as_mut() {
            push_plain(buf, &event);
        }
        match event {
            Event::Start(tag) => {
                if depth == 0 {
                    if matches!(tag, Tag::List(_)) {
                        in_list = true;
                        out.lists.push((range.start, range.end));
                    } else {
                        in_list = false;
                        out.other.push((range.start, range.end));
                    }
                } else if depth == 1 && in_list && matches!(tag, Tag::Item) {
                    out.items.push((range.start, range.end));
                    item = Some(String::new());
                }
                depth += 1;
            }
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if depth == 1 && in_list {
                    if let Some(buf) = item.take() {
                        out.item_plain.push(finish_plain(buf));
                    }
                }
            }
            Event::Rule | Event::Html(_) if depth == 0 => out.other.push((range.start, range.end)),
            _ => {}
        }
    }
    out.plain = finish_plain(std::mem::take(&mut out.plain));
    out
}

/// The text of a list item without its marker (`- `, `* `, `1. `), and the marker's length.
fn strip_marker(item: &str) -> (usize, &str) {
    let trimmed = item.trim_start();
    let mut skip = item.len() - trimmed.len();
    let rest = if let Some(r) = trimmed.strip_prefix(['-', '*', '+']) {
        skip += 1;
        r
    } else {
        let digits = trimmed.bytes().take_while(u8::is_ascii_digit).count();
        match trimmed[digits..].strip_prefix(['.', ')']) {
            Some(r) if digits > 0 => {
                skip += digits + 1;
                r
            }
            _ => trimmed,
        }
    };
    // Spaces only: an empty item (`-` alone) must not point at the next line.
    let text = rest.trim_start_matches([' ', '\t']);
    skip += rest.len() - text.len();
    (skip, text.trim_end())
}

/// `emergency: text`, `**Urgent:** text`, `[routine] text` → (urgency, text).
fn split_urgency(text: &str) -> Option<(Urgency, &str)> {
    let rest = text.trim_start_matches(['*', '_', '[']);
    let word_len = rest.bytes().take_while(|b| b.is_ascii_alphabetic() || *b == b'-').count();
    let urgency = Urgency::parse(&rest[..word_len])?;
    split_urgency_word(text, rest, word_len).map(|(_, after)| (urgency, after))
}

/// What follows an urgency word of `word_len` bytes at the start of `rest` (`text`
/// without its leading emphasis): the colon or closing bracket, then the flag's text.
fn split_urgency_word<'t>(text: &'t str, rest: &'t str, word_len: usize) -> Option<((), &'t str)> {
    let mut after = &rest[word_len..];
    let closers = |s: &str| s.trim_start_matches([']', '*', '_']).to_string();
    let trimmed = closers(after);
    after = &after[after.len() - trimmed.len()..];
    let after = after.strip_prefix(':').or_else(|| (text.trim_start().starts_with('[')).then_some(after))?;
    let after = after.trim_start_matches(['*', '_']).trim_start();
    Some(((), after))
}

/// The span of a list item's text (its first line), or of its marker when the item
/// is empty: an empty `-` is reported on its own line, and never past the end of the file.
fn item_span(item_start: usize, skip: usize, text: &str) -> (usize, usize) {
    if text.is_empty() {
        (item_start, item_start + 1)
    } else {
        first_line_span(item_start + skip, text)
    }
}

/// A `{safety-netting}` found outside code.
struct Marker {
    /// From the spaces before it to its closing brace: what is taken out of the text.
    cut: (usize, usize),
    /// The braces.
    span: (usize, usize),
    /// The paragraph or list item it ends, up to the marker; `None` when it ends neither.
    marks: Option<(usize, usize)>,
}

fn is_inline(tag: &Tag<'_>) -> bool {
    matches!(tag, Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Link { .. } | Tag::Image { .. })
}

/// Finds every marker in `body` and whether it ends a paragraph or list item.
fn find_markers(body: &str) -> Vec<Marker> {
    if !body.contains(SAFETY_NETTING_MARKER) {
        return Vec::new();
    }
    struct Open {
        start: usize,
        end: usize,
        block: bool,
        markable: bool,
        first_child: Option<usize>,
    }
    // Code and raw HTML show the marker as written; blocks: (start, end, markable, end of own text, depth).
    let mut literal: Vec<(usize, usize)> = Vec::new();
    let mut blocks: Vec<(usize, usize, bool, usize, usize)> = Vec::new();
    let mut open: Vec<Open> = Vec::new();
    for (event, range) in Parser::new_ext(body, markdown_options()).into_offset_iter() {
        match event {
            Event::Code(_) | Event::Html(_) | Event::InlineHtml(_) => literal.push((range.start, range.end)),
            Event::Start(tag) => {
                if matches!(tag, Tag::CodeBlock(_) | Tag::HtmlBlock) {
                    literal.push((range.start, range.end));
                }
                let block = !is_inline(&tag);
                if block {
                    if let Some(parent) = open.last_mut() {
                        parent.first_child.get_or_insert(range.start);
                    }
                }
                let markable = matches!(tag, Tag::Paragraph | Tag::Item);
                open.push(Open { start: range.start, end: range.end, block, markable, first_child: None });
            }
            Event::End(_) => {
                let depth = open.len();
                if let Some(o) = open.pop() {
                    if o.block {
                        blocks.push((o.start, o.end, o.markable, o.first_child.unwrap_or(o.end), depth));
                    }
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    for (at, _) in body.match_indices(SAFETY_NETTING_MARKER) {
        if literal.iter().any(|&(s, e)| s <= at && at < e) {
            continue;
        }
        let end = at + SAFETY_NETTING_MARKER.len();
        let cut_start = at - (body[..at].len() - body[..at].trim_end_matches([' ', '\t']).len());
        // A list and its first item can share their span: the deepest block is the innermost.
        let innermost = blocks.iter().filter(|b| b.0 <= at && at < b.1).max_by_key(|b| b.4);
        // It ends the paragraph or item (which it marks whole), or one of its lines
        // (which it marks: one sentence a line is how many editors write).
        let marks = innermost.and_then(|&(start, _, markable, own_end, _)| {
            let after = body.get(end..own_end.max(end)).unwrap_or("");
            let from = if after.trim().is_empty() { start } else { start.max(body[..cut_start].rfind('\n').map_or(0, |n| n + 1)) };
            let before = strip_marker(&body[from..cut_start]).1;
            let ends_line = after.split('\n').next().unwrap_or("").trim().is_empty();
            (markable && ends_line && !before.trim().is_empty()).then_some((from, cut_start))
        });
        out.push(Marker { cut: (cut_start, end), span: (at, end), marks });
    }
    out
}

/// `body` with each marker cut out. A placed marker leaves spaces and then
/// [`CITATION`], as many bytes as it had, so offsets do not move (and no line ends
/// in two spaces, which Markdown would read as a line break).
fn cut_markers(body: &str, markers: &[Marker]) -> String {
    let mut out = String::with_capacity(body.len());
    let mut last = 0;
    for m in markers {
        out.push_str(&body[last..m.cut.0]);
        let len = m.cut.1 - m.cut.0;
        if m.marks.is_some() {
            out.extend(std::iter::repeat_n(' ', len - CITATION.len_utf8()));
            out.push(CITATION);
        } else {
            out.extend(std::iter::repeat_n(' ', len));
        }
        last = m.cut.1;
    }
    out.push_str(&body[last..]);
    out
}

fn first_line_span(offset: usize, text: &str) -> (usize, usize) {
    let len = text.find('\n').unwrap_or(text.len());
    (offset, offset + len.max(1))
}

/// Splits the body (which starts at byte `offset` of the file) into sections and reads them.
pub fn parse_body(body: &str, offset: usize, path: &str, diags: &mut Vec<Diagnostic>) -> Body {
    parse_body_in(body, offset, path, None, diags)
}

/// The section a `##` heading names: English, or a word of the page's language.
fn section_kind(heading: &str, vocab: Option<&Vocabulary>) -> SectionKind {
    match SectionKind::from_heading(heading) {
        SectionKind::Other => vocab.and_then(|v| v.section(heading)).and_then(SectionKind::from_anchor).unwrap_or(SectionKind::Other),
        kind => kind,
    }
}

/// A red flag's urgency and text, with the urgency word in English or the page's language.
fn split_urgency_in<'t>(text: &'t str, vocab: Option<&Vocabulary>) -> Option<(Urgency, &'t str)> {
    split_urgency(text).or_else(|| {
        let v = vocab?;
        let rest = text.trim_start_matches(['*', '_', '[']);
        let word_len: usize = rest.chars().take_while(|c| c.is_alphabetic() || *c == '-').map(char::len_utf8).sum();
        let english = Urgency::parse(v.urgency(&rest[..word_len])?)?;
        let (_, after) = split_urgency_word(text, rest, word_len)?;
        Some((english, after))
    })
}

/// A timeline phase label in English or the page's language.
fn phase_label_in(label: &str, vocab: Option<&Vocabulary>) -> Option<(u32, Option<u32>, bool, TimeUnit)> {
    parse_phase_label(label).or_else(|| parse_phase_label(&vocab?.timeline_label(label)))
}

/// Reads a page body with its language's vocabulary (`None`: English only).
pub fn parse_body_in(body: &str, offset: usize, path: &str, vocab: Option<&Vocabulary>, diags: &mut Vec<Diagnostic>) -> Body {
    let markers = find_markers(body);
    let cut;
    let body = if markers.is_empty() {
        body
    } else {
        cut = cut_markers(body, &markers);
        cut.as_str()
    };
    let mut safety_nets = Vec::new();
    for m in &markers {
        let span = (offset + m.span.0, offset + m.span.1);
        match m.marks {
            Some((s, e)) => safety_nets.push(SafetyNet { span, text: plain_text(&body[s..e]) }),
            None => diags.push(
                Diagnostic::new(
                    Rule::SafetyNettingMarker,
                    path,
                    Some(span),
                    "`{safety-netting}` must come at the very end of the paragraph or list item it marks",
                )
                .with_help("move it after the last word of the paragraph or list item, with a space before it (see docs/authoring.md#safety-netting)"),
            ),
        }
    }
    let heads = headings(body);
    let mut used: HashSet<String> = HashSet::new();
    // The next number to try for each base anchor: 20,000 identical headings cost
    // 20,000 steps, not 200 million.
    let mut next: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut unique = |text: &str| -> String {
        let base = {
            let s = crate::slug::slugify(text);
            if s.is_empty() {
                "section".to_string()
            } else {
                s
            }
        };
        if used.insert(base.clone()) {
            return base;
        }
        let n = next.entry(base.clone()).or_insert(2);
        loop {
            let id = format!("{base}-{n}");
            *n += 1;
            if used.insert(id.clone()) {
                return id;
            }
        }
    };
    let h2s: Vec<usize> = heads.iter().enumerate().filter(|(_, h)| h.level == HeadingLevel::H2).map(|(i, _)| i).collect();
    let lead_end = h2s.first().map(|&i| heads[i].start).unwrap_or(body.len());
    let mut out =
        Body { lead: body[..lead_end].trim().to_string(), lead_plain: plain_text(&body[..lead_end]), safety_nets, ..Body::default() };
    // Lead headings (rare) still get ids, in document order.
    let mut lead_subs = Vec::new();
    for h in heads.iter().filter(|h| h.start < lead_end) {
        let id = unique(&h.text);
        out.all_headings.push((heading_number(h.level), h.text.clone(), id.clone()));
        lead_subs.push(id);
    }
    for (n, &hi) in h2s.iter().enumerate() {
        let h = &heads[hi];
        let next_h2 = h2s.get(n + 1).copied().unwrap_or(heads.len());
        let end = h2s.get(n + 1).map(|&j| heads[j].start).unwrap_or(body.len());
        let kind = section_kind(&h.text, vocab);
        let anchor = unique(&h.text);
        out.all_headings.push((2, h.text.clone(), anchor.clone()));
        let mut sub_anchors = Vec::new();
        for sub in &heads[hi + 1..next_h2] {
            let id = unique(&sub.text);
            out.all_headings.push((heading_number(sub.level), sub.text.clone(), id.clone()));
            sub_anchors.push(id);
        }
        let content = &body[h.end..end];
        let content_offset = offset + h.end;
        let b = blocks(content);
        let items: Vec<String> = b.item_plain.clone();
        let intro = b.other.iter().map(|&(s, e)| content[s..e].trim()).collect::<Vec<_>>().join("\n\n");
        let mut parts = Vec::new();
        match kind {
            SectionKind::RedFlags => {
                for (s, e, closer, closed) in swallowing_html(content) {
                    let opener = &content[s..e];
                    let shown = opener.lines().next().unwrap_or("").trim();
                    let flags = opener.lines().filter(|l| split_urgency_in(strip_marker(l).1, vocab).is_some()).count();
                    if !closed || flags > 0 {
                        let what = if closed {
                            format!(
                                "{flags} red flag{} inside raw HTML (`{}`) are hidden from readers",
                                if flags == 1 { "" } else { "s" },
                                clip(shown, 40)
                            )
                        } else {
                            format!("`{}` is never closed with `{closer}`, so it hides the rest of the Red flags section", clip(shown, 40))
                        };
                        diags.push(
                            Diagnostic::new(Rule::HiddenRedFlags, path, Some(first_line_span(content_offset + s, opener)), what).with_help(
                                format!("close it with `{closer}` before the flags, or remove it: readers must always see every red flag"),
                            ),
                        );
                    }
                }
                // (item start, index of its red flag) to put each list's flags in its part.
                let mut flag_at: Vec<(usize, usize)> = Vec::new();
                for &(s, e) in &b.items {
                    let (skip, text) = strip_marker(&content[s..e]);
                    let span = item_span(content_offset + s, skip, text);
                    match split_urgency_in(text, vocab) {
                        Some((urgency, rest)) if !rest.replace(CITATION, "").trim().is_empty() => {
                            let (item_start, item_end) = (content_offset + s, content_offset + e);
                            let safety_netting = out.safety_nets.iter().map(|n| n.span).find(|&(ms, _)| item_start <= ms && ms < item_end);
                            let text = if rest.contains(CITATION) {
                                rest.split(CITATION).map(str::trim_end).collect::<Vec<_>>().join("").trim_end().to_string()
                            } else {
                                rest.to_string()
                            };
                            flag_at.push((s, out.red_flags.len()));
                            out.red_flags.push(RedFlag { urgency, plain: plain_text(&text), text, span, safety_netting });
                        }
                        _ => diags.push(
                            Diagnostic::new(Rule::RedFlagUrgency, path, Some(span), "this red flag has no urgency")
                                .with_help("start the item with `emergency:`, `urgent:` or `routine:` (see docs/authoring.md#red-flags)"),
                        ),
                    }
                }
                parts = red_flag_parts(content, &b.lists, &flag_at);
            }
            SectionKind::Timeline => {
                for &(s, e) in &b.items {
                    let (skip, text) = strip_marker(&content[s..e]);
                    let span = item_span(content_offset + s, skip, text);
                    let parsed = text.split_once(':').and_then(|(label, rest)| {
                        let label = label.trim().trim_matches(['*', '_']).trim();
                        phase_label_in(label, vocab).map(|p| (label, rest.trim_start_matches(['*', '_']).trim(), p))
                    });
                    match parsed {
                        Some((label, rest, (from, to, open_ended, unit))) => {
                            out.phases.push(Phase { label: label.to_string(), from, to, open_ended, unit, text: rest.to_string(), span })
                        }
                        None => {
                            // At most 30 bytes, cut on a character boundary (found by the fuzzer).
                            let label_len = text
                                .find(':')
                                .unwrap_or_else(|| (0..=text.len().min(30)).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0));
                            diags.push(
                                Diagnostic::new(Rule::TimelinePhase, path, Some(if label_len == 0 { span } else { (span.0, span.0 + label_len) }), "medkb cannot read this timeline phase")
                                    .with_help("start the item with a phase label and a colon, e.g. `Days 0–3:`, `Weeks 2–6:`, `3–6 months:` or `6+ weeks:`"),
                            );
                        }
                    }
                }
            }
            _ => {}
        }
        out.sections.push(Section {
            kind,
            heading: h.text.trim().to_string(),
            anchor,
            heading_span: (offset + h.start, offset + h.end),
            body: content.to_string(),
            body_offset: content_offset,
            sub_anchors,
            plain: b.plain,
            items,
            intro,
            parts,
        });
    }
    for s in &out.sections {
        out.anchors.insert(s.anchor.clone());
        out.anchors.extend(s.sub_anchors.iter().cloned());
        if let Some(c) = s.kind.canonical_anchor() {
            out.anchors.insert(c.to_string());
        }
    }
    out.anchors.extend(lead_subs.iter().cloned());
    out.lead_anchors = lead_subs;
    out
}

/// How deeply elements may nest in a page's HTML. The HTML sanitiser's cost grows
/// with the square of the depth (50,000 nested `<div>` took 8 s); no real page
/// comes near this, so deeper raw HTML is shown as text instead (see `render::markdown`).
pub const MAX_NESTING: usize = 200;

/// Applies the tags in a piece of raw HTML to a running element depth: `<x>` opens,
/// `</x>` closes, void elements, `<x/>`, comments and declarations do neither.
/// Approximate (attributes holding `>` confuse it) but linear, which is the point.
pub fn html_depth(html: &str, mut depth: usize, max_seen: &mut usize) -> usize {
    const VOID: [&str; 14] =
        ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"];
    let bytes = html.as_bytes();
    let mut i = 0;
    while let Some(lt) = html[i..].find('<').map(|p| p + i) {
        let rest = &bytes[lt + 1..];
        let end = html[lt..].find('>').map(|p| p + lt).unwrap_or(html.len());
        if rest.first() == Some(&b'/') {
            depth = depth.saturating_sub(1);
        } else if rest.first().is_some_and(u8::is_ascii_alphabetic) {
            let name: String = html[lt + 1..end].chars().take_while(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_lowercase();
            if !VOID.contains(&name.as_str()) && !html[..end].ends_with('/') {
                depth += 1;
                *max_seen = (*max_seen).max(depth);
            }
        }
        i = (end + 1).min(html.len());
        if end >= html.len() {
            break;
        }
    }
    depth
}

/// The deepest element nesting of a Markdown text rendered to HTML, counting both
/// Markdown structure and raw HTML tags, and the byte offset where it first passes `limit`.
pub fn nesting(md: &str, limit: usize) -> (usize, Option<usize>) {
    let (mut depth, mut max, mut first_over) = (0usize, 0usize, None);
    for (event, range) in Parser::new_ext(md, markdown_options()).into_offset_iter() {
        match event {
            Event::Start(_) => {
                depth += 1;
                max = max.max(depth);
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::Html(h) | Event::InlineHtml(h) => depth = html_depth(&h, depth, &mut max),
            _ => {}
        }
        if max > limit && first_over.is_none() {
            first_over = Some(range.start);
        }
    }
    (max, first_over)
}

/// The first `max` characters of `s`, for quoting in a message.
fn clip(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// Raw HTML blocks that run until a closing marker rather than a blank line
/// (CommonMark's comment and `<script>`, `<style>`, `<textarea>`, `<pre>` blocks):
/// `(start, end, closer, closed)`. Unclosed, such a block runs to the end of the
/// text and the sanitiser drops all of it.
fn swallowing_html(md: &str) -> Vec<(usize, usize, &'static str, bool)> {
    let mut out = Vec::new();
    for (event, range) in Parser::new_ext(md, markdown_options()).into_offset_iter() {
        if let Event::Start(Tag::HtmlBlock) = event {
            let text = &md[range.clone()];
            let lower = text.trim_start().to_ascii_lowercase();
            let closer = if lower.starts_with("<!--") {
                "-->"
            } else {
                let Some(tag) = ["script", "style", "textarea", "pre"].into_iter().find(|t| {
                    lower
                        .strip_prefix('<')
                        .and_then(|r| r.strip_prefix(t))
                        .is_some_and(|r| r.is_empty() || r.starts_with([' ', '\t', '>', '\n', '\r']))
                }) else {
                    continue;
                };
                match tag {
                    "script" => "</script>",
                    "style" => "</style>",
                    "textarea" => "</textarea>",
                    _ => "</pre>",
                }
            };
            let after_open = if closer == "-->" { 4 } else { 1 };
            let closed = lower.get(after_open..).is_some_and(|rest| rest.contains(closer));
            out.push((range.start, range.end, closer, closed));
        }
    }
    out
}

/// Splits a Red flags section at its lists: the prose between them stays where it
/// was written, and lists with nothing between them make one run of cards.
fn red_flag_parts(content: &str, lists: &[(usize, usize)], flag_at: &[(usize, usize)]) -> Vec<Part> {
    let mut parts = Vec::new();
    let mut last = 0;
    for &(start, end) in lists {
        let prose = content[last..start].trim();
        let flags = flag_at.iter().filter(|(at, _)| start <= *at && *at < end).map(|&(_, i)| i);
        match parts.last_mut() {
            Some(Part::Flags(run)) if prose.is_empty() => run.extend(flags),
            _ => {
                if !prose.is_empty() {
                    parts.push(Part::Prose(prose.to_string()));
                }
                parts.push(Part::Flags(flags.collect()));
            }
        }
        last = end;
    }
    let prose = content[last..].trim();
    if !prose.is_empty() {
        parts.push(Part::Prose(prose.to_string()));
    }
    parts
}

fn heading_number(level: HeadingLevel) -> u8 {
    level as u8
}

/// Spans of the text a reader reads (not code, raw HTML or link targets), with
/// adjacent pieces joined: pulldown-cmark splits "A&E" into three text events.
pub fn text_runs(md: &str) -> Vec<(usize, usize)> {
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let mut in_code = false;
    for (event, range) in Parser::new_ext(md, markdown_options()).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            Event::Text(_) if !in_code => match runs.last_mut() {
                Some(last) if last.1 == range.start => last.1 = range.end,
                _ => runs.push((range.start, range.end)),
            },
            _ => {}
        }
    }
    runs
}

/// Whether inline Markdown contains a link of any kind.
/// Whether Markdown `md` holds a link (Markdown or `[[wiki]]`).
pub fn has_link(md: &str) -> bool {
    if !super::links::scan_wikilinks(md).is_empty() {
        return true;
    }
    Parser::new_ext(md, markdown_options()).any(|e| matches!(e, Event::Start(Tag::Link { .. })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phase_labels() {
        assert_eq!(parse_phase_label("Days 0–3"), Some((0, Some(3), false, TimeUnit::Day)));
        assert_eq!(parse_phase_label("Weeks 2-6"), Some((2, Some(6), false, TimeUnit::Week)));
        assert_eq!(parse_phase_label("3–6 months"), Some((3, Some(6), false, TimeUnit::Month)));
        assert_eq!(parse_phase_label("Week 1"), Some((1, None, false, TimeUnit::Week)));
        assert_eq!(parse_phase_label("6+ weeks"), Some((6, None, true, TimeUnit::Week)));
        assert_eq!(parse_phase_label("After 6 weeks"), Some((6, None, true, TimeUnit::Week)));
        assert_eq!(parse_phase_label("First 48 hours"), Some((0, Some(48), false, TimeUnit::Hour)));
        assert_eq!(parse_phase_label("2 to 4 weeks"), Some((2, Some(4), false, TimeUnit::Week)));
        for bad in ["Soon", "Weeks", "6 - 2 weeks", "Days 1-2 weeks", "a while", "3 fortnights"] {
            assert_eq!(parse_phase_label(bad), None, "{bad}");
        }
    }

    #[test]
    fn unreadable_phase_spans_whole_characters() {
        // Found by tests/fuzz.rs: a 30-byte cut through a four-byte character.
        let body = "## Timeline\n\n- a0\u{10000}\u{10000}\u{a1}\u{10000}\u{800}0\u{800}\u{10000}\u{10000}\u{10000}\u{10000} no colon\n";
        let mut diags = Vec::new();
        parse_body(body, 0, "p.md", &mut diags);
        let (s, e) = diags.iter().find(|d| d.code == Rule::TimelinePhase).unwrap().span.unwrap();
        assert!(body.is_char_boundary(s) && body.is_char_boundary(e) && e <= body.len(), "{s}..{e}");
        // And an empty item at the very end of the file is reported at its marker, inside the file.
        for body in ["## Timeline\n\n-", "## Red flags\n\n-"] {
            let mut diags = Vec::new();
            parse_body(body, 0, "p.md", &mut diags);
            assert_eq!(diags[0].span, Some((body.len() - 1, body.len())), "{body:?}");
        }
    }

    #[test]
    fn urgency_prefixes() {
        assert_eq!(split_urgency("emergency: chest pain"), Some((Urgency::Emergency, "chest pain")));
        assert_eq!(split_urgency("**Urgent:** swelling"), Some((Urgency::Urgent, "swelling")));
        assert_eq!(split_urgency("[routine] slow to heal"), Some((Urgency::Routine, "slow to heal")));
        assert_eq!(split_urgency("Routine: x"), Some((Urgency::Routine, "x")));
        assert_eq!(split_urgency("chest pain"), None);
        assert_eq!(split_urgency("urgently see someone"), None);
    }

    #[test]
    fn sections_flags_and_timeline() {
        let body = "Lead text.\n\n## Symptoms\n\n- aching\n- swelling\n\n## Treatment\n\nRest.\n\n### At home\n\nIce.\n\n## When to get help\n\n- emergency: cold, pale foot\n- urgent: can't walk\n- no urgency here\n- emergency: see [[gout]]\n\n## Recovery\n\n- Days 0–3: rest\n- Soon: run\n";
        let mut diags = Vec::new();
        let b = parse_body(body, 100, "p.md", &mut diags);
        let kinds: Vec<_> = b.sections.iter().map(|s| s.kind).collect();
        assert_eq!(kinds, [SectionKind::Symptoms, SectionKind::Fixes, SectionKind::RedFlags, SectionKind::Timeline]);
        assert_eq!(b.sections[0].items, ["aching", "swelling"]);
        assert_eq!(b.sections[1].sub_anchors, ["at-home"]);
        assert!(b.anchors.contains("fixes") && b.anchors.contains("treatment") && b.anchors.contains("at-home"));
        assert_eq!(b.red_flags.len(), 3);
        assert_eq!(b.red_flags[0].urgency, Urgency::Emergency);
        assert_eq!(b.phases.len(), 1);
        let codes: Vec<_> = diags.iter().map(|d| d.code.code()).collect();
        // What cannot be read is reported here; the link in the emergency flag is
        // a page rule's business (`emergency-link`, src/page_rules.rs).
        assert_eq!(codes, ["red-flag-urgency", "timeline-phase"]);
        assert!(has_link(&b.red_flags[2].text));
        let flag_span = diags[0].span.unwrap();
        assert_eq!(&body[flag_span.0 - 100..flag_span.1 - 100], "no urgency here");
        let phase_span = diags[1].span.unwrap();
        assert_eq!(&body[phase_span.0 - 100..phase_span.1 - 100], "Soon");
    }

    #[test]
    fn safety_netting_markers_are_parsed_out() {
        let body = "Lead one. {safety-netting}\nLead two.\n\n## Fixes\n\n- rest {safety-netting}\n  - sub item\n\n## Red flags\n\n- emergency: short of breath {safety-netting}\n- urgent: cannot walk\n\n`{safety-netting}` in code\n";
        let mut diags = Vec::new();
        let b = parse_body(body, 10, "p.md", &mut diags);
        assert!(diags.is_empty(), "{diags:?}");
        let texts: Vec<&str> = b.safety_nets.iter().map(|n| n.text.as_str()).collect();
        assert_eq!(texts, ["Lead one.", "rest", "emergency: short of breath"]);
        for n in &b.safety_nets {
            assert_eq!(&body[n.span.0 - 10..n.span.1 - 10], SAFETY_NETTING_MARKER);
        }
        let flag = &b.red_flags[0];
        assert_eq!((flag.text.as_str(), flag.plain.as_str()), ("short of breath", "short of breath"));
        assert_eq!(flag.safety_netting, Some(b.safety_nets[2].span));
        assert_eq!(b.red_flags[1].safety_netting, None);
        // Plain text (search, readability) has neither the marker nor its stand-in; code keeps it.
        assert_eq!(b.lead_plain, "Lead one. Lead two.");
        assert_eq!(b.sections[0].items, ["rest sub item"]);
        assert!(b.sections[1].plain.ends_with("{safety-netting} in code"), "{}", b.sections[1].plain);
        // Markdown keeps one citation where each marker was, and no line ends in a hard break.
        assert_eq!(b.lead.matches(CITATION).count(), 1);
        assert!(b.lead.contains(&format!("Lead one.{}{CITATION}\nLead two.", " ".repeat(14))));
    }

    #[test]
    fn a_marker_inside_text_is_an_error_at_the_marker() {
        for body in ["- urgent: a {safety-netting} b\n", "**bold {safety-netting}**\n", "## Head {safety-netting}\n", "{safety-netting}\n"]
        {
            let mut diags = Vec::new();
            let b = parse_body(body, 0, "p.md", &mut diags);
            assert_eq!(diags.iter().map(|d| d.code).collect::<Vec<_>>(), ["safety-netting-marker"], "{body:?}");
            let (s, e) = diags[0].span.unwrap();
            assert_eq!(&body[s..e], SAFETY_NETTING_MARKER);
            assert!(b.safety_nets.is_empty());
        }
    }

    #[test]
    fn red_flag_parts_keep_source_order() {
        let body = "## Red flags\n\nLead-in:\n\n- urgent: a\n- emergency: b\n\n* routine: c\n\nAfter.\n";
        let mut diags = Vec::new();
        let b = parse_body(body, 0, "p.md", &mut diags);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(b.sections[0].parts, [Part::Prose("Lead-in:".into()), Part::Flags(vec![0, 1, 2]), Part::Prose("After.".into())]);
    }

    #[test]
    fn duplicate_anchors_get_numbers() {
        let mut diags = Vec::new();
        let b = parse_body("## Notes\n\n### Notes\n\n## Notes\n", 0, "p.md", &mut diags);
        assert_eq!(b.sections[0].anchor, "notes");
        assert_eq!(b.sections[0].sub_anchors, ["notes-2"]);
        assert_eq!(b.sections[1].anchor, "notes-3");
    }
}
