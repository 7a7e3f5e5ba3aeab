//! The TOML front matter between `+++` lines.
//!
//! Parsed in two passes: a loose pass into a table finds every unknown key (all of
//! them, not just the first), then a typed pass with [`toml::Spanned`] fields keeps
//! the position of each value, shifted by where the TOML starts in the file.

use crate::kind::Needs;
use crate::rules::Rule;
use chrono::NaiveDate;
use serde::Deserialize;
use toml::Spanned;

use crate::diag::Diagnostic;

/// Where the front matter sits in the file.
#[derive(Debug, Clone, Copy)]
pub struct Split {
    /// Byte offset of the TOML text (the line after the opening `+++`).
    pub toml_start: usize,
    pub toml_end: usize,
    /// Byte offset of the body (the line after the closing `+++`).
    pub body_start: usize,
}

/// Finds the `+++` fences. `Err` is a diagnostic about the file's first lines.
pub fn split(text: &str, path: &str) -> Result<Split, Diagnostic> {
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut lines = text[bom..].split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if !text.contains('\n') && text.contains('\r') {
        let cr = text.find('\r').unwrap_or(0);
        return Err(Diagnostic::new(
            Rule::FrontMatter,
            path,
            Some((bom, cr.max(bom + 1))),
            "this file's lines end with a carriage return only (old Mac line endings), which medkb cannot read",
        )
        .with_help("save the file with LF (Unix) or CRLF (Windows) line endings in your editor"));
    }
    if first.trim_end() != "+++" {
        return Err(Diagnostic::new(
            Rule::FrontMatter,
            path,
            Some((bom, bom + first.trim_end().len())),
            "a page must start with front matter between `+++` lines",
        )
        .with_help("put `+++` on the first line, then `title = \"...\"` and the other keys, then `+++` again (see docs/authoring.md)"));
    }
    let toml_start = bom + first.len();
    let mut offset = toml_start;
    for line in lines {
        if line.trim_end() == "+++" {
            return Ok(Split { toml_start, toml_end: offset, body_start: offset + line.len() });
        }
        offset += line.len();
    }
    Err(Diagnostic::new(Rule::FrontMatter, path, Some((bom, bom + 3)), "the front matter starting here is never closed")
        .with_help("add a line with just `+++` after the last front-matter key"))
}

/// The keys medkb knows. Anything else is an `unknown-key` error.
pub const KNOWN_KEYS: &[&str] = &[
    "title",
    "summary",
    "medical_name",
    "also_called",
    "search_terms",
    "body_region",
    "page_type",
    "related",
    "status",
    "last_reviewed",
    "next_review_due",
    "reviewed_by",
    "sources",
    "gather_red_flags",
    "review_history",
    "translation",
    "aliases",
];

#[derive(Debug, Deserialize)]
struct Typed {
    title: Option<Spanned<String>>,
    summary: Option<Spanned<String>>,
    medical_name: Option<Spanned<String>>,
    also_called: Option<Vec<Spanned<String>>>,
    search_terms: Option<Vec<Spanned<String>>>,
    body_region: Option<Spanned<String>>,
    page_type: Option<Spanned<String>>,
    related: Option<Vec<Spanned<String>>>,
    status: Option<Spanned<String>>,
    last_reviewed: Option<Spanned<toml::value::Datetime>>,
    next_review_due: Option<Spanned<toml::value::Datetime>>,
    reviewed_by: Option<Vec<Spanned<String>>>,
    sources: Option<Spanned<Vec<RawSource>>>,
    gather_red_flags: Option<Spanned<bool>>,
    review_history: Option<Vec<Spanned<RawReview>>>,
    translation: Option<Spanned<RawTranslation>>,
    aliases: Option<Vec<Spanned<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReview {
    date: Spanned<toml::value::Datetime>,
    by: Spanned<String>,
    scope: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTranslation {
    source_reviewed: Option<Spanned<toml::value::Datetime>>,
    translated: Option<Spanned<toml::value::Datetime>>,
    #[serde(default)]
    translated_by: Vec<Spanned<String>>,
    source_hash: Option<Spanned<String>>,
}

/// A translation's provenance (`[translation]`): which review of the original it was
/// made from, when, and by whom (never invented: empty when not recorded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Translation {
    /// The original's `last_reviewed` when it was translated.
    pub source_reviewed: Option<At<NaiveDate>>,
    pub translated: Option<NaiveDate>,
    pub translated_by: Vec<String>,
    /// Optional: the fingerprint of the original's clinical sections it was translated
    /// from (`medkb` prints the current one), so a change without a new review is seen too.
    pub source_hash: Option<At<String>>,
    /// Where the `[translation]` table is, for diagnostics about it.
    pub span: (usize, usize),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    title: Spanned<String>,
    kind: Option<Spanned<String>>,
    author: Option<Spanned<String>>,
    publisher: Option<Spanned<String>>,
    date: Option<Spanned<toml::value::Datetime>>,
    url: Option<Spanned<String>>,
}

/// A value and the byte span it came from in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct At<T> {
    pub value: T,
    pub span: (usize, usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Published,
    Draft,
}

pub use crate::kind::PageType;

/// Where a source entry comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    /// Something the page was written from (the default).
    Article,
    /// Standard safety-netting advice the site's editors added, not from any article.
    /// The items it covers end with `{safety-netting}` and cite it.
    SafetyNetting,
}

impl SourceKind {
    pub const NAMES: [&'static str; 2] = ["article", "safety-netting"];

    fn parse(name: &str) -> Option<SourceKind> {
        match name {
            "article" => Some(SourceKind::Article),
            "safety-netting" => Some(SourceKind::SafetyNetting),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Source {
    pub title: String,
    pub kind: SourceKind,
    /// Where `kind = "…"` is written, for diagnostics about the entry.
    #[serde(skip)]
    pub kind_span: Option<(usize, usize)>,
    pub author: Option<String>,
    pub publisher: Option<String>,
    pub date: Option<NaiveDate>,
    pub url: Option<String>,
}

/// How much of a page a recorded review covered (`medkb review sign --scope`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ReviewScope {
    /// The whole page, clinical content included: resets the clinical review date.
    Full,
    /// Wording, links and layout only: never resets the clinical review date.
    Editorial,
}

impl ReviewScope {
    pub const NAMES: [&'static str; 2] = ["full", "editorial"];

    pub fn parse(name: &str) -> Option<ReviewScope> {
        match name {
            "full" => Some(ReviewScope::Full),
            "editorial" => Some(ReviewScope::Editorial),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ReviewScope::Full => "full",
            ReviewScope::Editorial => "editorial",
        }
    }
}

/// One entry of `[[review_history]]`: who reviewed the page, when, and how much of it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ReviewRecord {
    pub date: NaiveDate,
    /// "Name, role", as the reviewer signed.
    pub by: String,
    pub scope: ReviewScope,
}

/// Validated front matter. Required keys that were missing have been reported;
/// their fields hold an empty value so later stages can keep checking the page.
#[derive(Debug, Clone)]
pub struct Frontmatter {
    pub title: String,
    pub title_span: (usize, usize),
    pub summary: String,
    /// The summary's value as written (with its quotes), for diagnostics about its words.
    pub summary_span: Option<(usize, usize)>,
    pub medical_name: Option<String>,
    pub also_called: Vec<String>,
    pub search_terms: Vec<String>,
    pub body_region: Option<At<String>>,
    pub page_type: PageType,
    pub related: Vec<At<String>>,
    pub status: Status,
    pub last_reviewed: Option<NaiveDate>,
    pub next_review_due: Option<At<NaiveDate>>,
    pub reviewed_by: Vec<String>,
    pub reviewed_by_span: Option<(usize, usize)>,
    pub sources: Vec<Source>,
    pub gather_red_flags: bool,
    /// Recorded sign-offs, oldest first as written; empty when the page has none.
    pub review_history: Vec<ReviewRecord>,
    /// A translation's provenance; `None` on pages of the default language.
    pub translation: Option<Translation>,
    /// Slugs this page was published under before: each old address gets a redirect page.
    pub aliases: Vec<At<String>>,
}

pub fn parse(text: &str, split: Split, path: &str, needs: Needs, diags: &mut Vec<Diagnostic>) -> Option<Frontmatter> {
    let toml_text = &text[split.toml_start..split.toml_end];
    let shift = |r: std::ops::Range<usize>| (split.toml_start + r.start, split.toml_start + r.end);
    let table: toml::Table = match toml::from_str(toml_text) {
        Ok(t) => t,
        Err(e) => {
            diags.push(
                Diagnostic::new(
                    Rule::FrontMatter,
                    path,
                    e.span().map(shift),
                    format!("the front matter is not valid TOML: {}", one_line(e.message())),
                )
                .with_help("strings need double quotes, lists need [brackets], dates are written 2026-11-21 without quotes"),
            );
            return None;
        }
    };
    for key in table.keys() {
        if !KNOWN_KEYS.contains(&key.as_str()) {
            let span = key_span(toml_text, key).map(|(s, e)| (split.toml_start + s, split.toml_start + e));
            let help = match crate::diag::did_you_mean(key, KNOWN_KEYS.iter().copied()) {
                Some(k) => format!("did you mean `{k}`?"),
                None => format!("the keys medkb knows are: {}", KNOWN_KEYS.join(", ")),
            };
            diags.push(Diagnostic::new(Rule::UnknownKey, path, span, format!("unknown front-matter key `{key}`")).with_help(help));
        }
    }
    let typed: Typed = match toml::from_str(toml_text) {
        Ok(t) => t,
        Err(e) => {
            diags.push(
                Diagnostic::new(Rule::InvalidField, path, e.span().map(shift), one_line(e.message()))
                    .with_help("see the front-matter table in docs/authoring.md for each key's type"),
            );
            return None;
        }
    };
    let whole = (split.toml_start.saturating_sub(4), split.toml_start.saturating_sub(1));
    let mut require = |name: &str, present: bool, help: &str| {
        if !present {
            diags.push(
                Diagnostic::new(Rule::MissingField, path, Some(whole), format!("the front matter has no `{name}`"))
                    .with_help(help.to_string()),
            );
        }
    };
    require("title", typed.title.is_some(), "add a plain-English title, e.g. title = \"Shin splints\"");
    require("summary", typed.summary.is_some(), "add a one-sentence summary for lists and search results");
    if needs.translation {
        require(
            "translation",
            typed.translation.is_some(),
            "add a [translation] table with source_reviewed = the original's last_reviewed date, translated = today's date and translated_by = []",
        );
        if typed.sources.is_none() && needs.review_and_sources {
            require("sources", false, "copy the original's [[sources]] tables");
        }
    } else if needs.review_and_sources {
        require(
            "last_reviewed",
            typed.last_reviewed.is_some(),
            "add the date of the last whole-page review, e.g. last_reviewed = 2026-11-21",
        );
        require("sources", typed.sources.is_some(), "add at least one [[sources]] table with the title of the source you wrote from");
    }
    if needs.region {
        require("body_region", typed.body_region.is_some(), "add body_region = \"...\" with one of the regions in site.toml");
    }

    // A date with a time is refused, not truncated: which day was meant would be a guess.
    let date = |v: &Spanned<toml::value::Datetime>, key: &str, diags: &mut Vec<Diagnostic>| -> Option<NaiveDate> {
        let d = v.get_ref();
        match (d.date, d.time) {
            (Some(date), None) => NaiveDate::from_ymd_opt(date.year as i32, date.month as u32, date.day as u32),
            _ => {
                diags.push(
                    Diagnostic::new(Rule::InvalidField, path, Some(shift(v.span())), format!("`{key}` must be a date without a time"))
                        .with_help("write it as 2026-11-21"),
                );
                None
            }
        }
    };
    let last_reviewed = typed.last_reviewed.as_ref().and_then(|v| date(v, "last_reviewed", diags));
    let next_review_due =
        typed.next_review_due.as_ref().and_then(|v| date(v, "next_review_due", diags).map(|d| At { value: d, span: shift(v.span()) }));
    // Text that reaches HTML, XML feeds and JSON-LD: control characters would make the feed ill-formed.
    {
        let mut text_fields: Vec<(&str, &Spanned<String>)> = Vec::new();
        for (key, v) in [
            ("title", &typed.title),
            ("summary", &typed.summary),
            ("medical_name", &typed.medical_name),
            ("body_region", &typed.body_region),
        ] {
            text_fields.extend(v.iter().map(|v| (key, v)));
        }
        for (key, v) in [
            ("also_called", &typed.also_called),
            ("search_terms", &typed.search_terms),
            ("related", &typed.related),
            ("reviewed_by", &typed.reviewed_by),
            ("aliases", &typed.aliases),
        ] {
            text_fields.extend(v.iter().flatten().map(|v| (key, v)));
        }
        for s in typed.sources.iter().flat_map(|l| l.get_ref()) {
            text_fields.push(("sources.title", &s.title));
            text_fields.extend(s.author.iter().map(|v| ("sources.author", v)));
            text_fields.extend(s.publisher.iter().map(|v| ("sources.publisher", v)));
        }
        for (key, v) in text_fields {
            if let Some(c) = crate::term::forbidden_char(v.get_ref()) {
                diags.push(
                    Diagnostic::new(
                        Rule::InvalidField,
                        path,
                        Some(shift(v.span())),
                        format!("`{key}` contains the control character U+{:04X}, which cannot be published", c as u32),
                    )
                    .with_help("remove it; control characters are invisible and make feeds unreadable"),
                );
            }
        }
    }

    let page_type = match typed.page_type.as_ref().map(|v| (v.get_ref().as_str(), v.span())) {
        None | Some(("condition", _)) => PageType::Condition,
        Some(("symptom", _)) => PageType::Symptom,
        Some((other, span)) => {
            diags.push(
                Diagnostic::new(Rule::InvalidField, path, Some(shift(span)), format!("unknown page_type `{other}`"))
                    .with_help("use \"condition\" or \"symptom\""),
            );
            PageType::Condition
        }
    };
    let status = match typed.status.as_ref().map(|v| (v.get_ref().as_str(), v.span())) {
        None | Some(("published", _)) => Status::Published,
        Some(("draft", _)) => Status::Draft,
        Some((other, span)) => {
            diags.push(
                Diagnostic::new(Rule::InvalidField, path, Some(shift(span)), format!("unknown status `{other}`"))
                    .with_help("use \"published\" or \"draft\""),
            );
            Status::Published
        }
    };
    if !needs.guide_keys {
        if let Some(g) = &typed.gather_red_flags {
            diags.push(Diagnostic::new(Rule::InvalidField, path, Some(shift(g.span())), "`gather_red_flags` is only for guides"));
        }
    }
    if needs.guide_keys {
        for (key, present) in [("body_region", typed.body_region.is_some()), ("page_type", typed.page_type.is_some())] {
            if present {
                let span = key_span(toml_text, key).map(|(s, e)| (split.toml_start + s, split.toml_start + e));
                diags.push(
                    Diagnostic::new(Rule::IgnoredField, path, span, format!("`{key}` has no effect on a guide")).with_help("remove it"),
                );
            }
        }
    }
    let strings = |v: &Option<Vec<Spanned<String>>>| -> Vec<String> {
        v.iter().flatten().map(|s| s.get_ref().trim().to_string()).filter(|s| !s.is_empty()).collect()
    };
    let mut sources = Vec::new();
    if let Some(list) = &typed.sources {
        if list.get_ref().is_empty() && needs.review_and_sources {
            diags.push(
                Diagnostic::new(Rule::MissingField, path, Some(shift(list.span())), "`sources` is empty")
                    .with_help("cite at least one source the page was written from"),
            );
        }
        for s in list.get_ref() {
            let date = s.date.as_ref().and_then(|d| date(d, "date", diags));
            let url = s.url.as_ref().and_then(|u| {
                let value = u.get_ref().trim();
                match crate::url::check(value, false) {
                    Ok(()) => Some(value.to_string()),
                    Err(refusal) => {
                        diags.push(
                            Diagnostic::new(
                                Rule::InvalidField,
                                path,
                                Some(shift(u.span())),
                                format!("this source's url: {}", refusal.describe(value)),
                            )
                            .with_help("a source's url must be an http:// or https:// address (or a path on this site)"),
                        );
                        None
                    }
                }
            });
            let kind = match &s.kind {
                None => SourceKind::Article,
                Some(k) => SourceKind::parse(k.get_ref()).unwrap_or_else(|| {
                    let help = match crate::diag::did_you_mean(k.get_ref(), SourceKind::NAMES) {
                        Some(n) => format!("did you mean `{n}`?"),
                        None => "use \"article\" (the default) or \"safety-netting\"".to_string(),
                    };
                    diags.push(
                        Diagnostic::new(Rule::InvalidField, path, Some(shift(k.span())), format!("unknown source kind `{}`", k.get_ref()))
                            .with_help(help),
                    );
                    SourceKind::Article
                }),
            };
            let text = |v: &Option<Spanned<String>>| v.as_ref().map(|v| v.get_ref().clone());
            sources.push(Source {
                title: s.title.get_ref().clone(),
                kind,
                kind_span: s.kind.as_ref().map(|k| shift(k.span())),
                author: text(&s.author),
                publisher: text(&s.publisher),
                date,
                url,
            });
        }
    }
    let mut review_history = Vec::new();
    for r in typed.review_history.iter().flatten() {
        let entry = r.get_ref();
        let by = entry.by.get_ref().trim();
        if by.is_empty() || crate::term::forbidden_char(by).is_some() {
            diags.push(
                Diagnostic::new(
                    Rule::InvalidField,
                    path,
                    Some(shift(entry.by.span())),
                    "a review_history entry's `by` must name the reviewer",
                )
                .with_help("write the reviewer's name and role, e.g. by = \"Dr A. Example, GP\""),
            );
            continue;
        }
        let scope = match &entry.scope {
            None => ReviewScope::Full,
            Some(s) => match ReviewScope::parse(s.get_ref()) {
                Some(scope) => scope,
                None => {
                    diags.push(
                        Diagnostic::new(Rule::InvalidField, path, Some(shift(s.span())), format!("unknown review scope `{}`", s.get_ref()))
                            .with_help("use \"full\" (the default) or \"editorial\""),
                    );
                    continue;
                }
            },
        };
        let Some(day) = date(&entry.date, "review_history.date", diags) else { continue };
        if let Some(last) = last_reviewed {
            if scope == ReviewScope::Full && day > last {
                diags.push(
                    Diagnostic::new(
                        Rule::InvalidField,
                        path,
                        Some(shift(entry.date.span())),
                        format!("this full review is dated {day}, after last_reviewed ({last})"),
                    )
                    .with_help("last_reviewed is the date of the latest full review: set it to this date, or use `medkb review sign`"),
                );
            }
        }
        review_history.push(ReviewRecord { date: day, by: by.to_string(), scope });
    }
    let translation = match &typed.translation {
        None => None,
        Some(t) if !needs.translation => {
            diags.push(
                Diagnostic::new(
                    Rule::InvalidField,
                    path,
                    Some(shift(t.span())),
                    "only a translation (a page under content/<language>/) has a [translation] table",
                )
                .with_help("remove it, or move the page into the folder of its language"),
            );
            None
        }
        Some(t) => {
            let raw = t.get_ref();
            if raw.source_reviewed.is_none() {
                diags.push(
                    Diagnostic::new(Rule::MissingField, path, Some(shift(t.span())), "the [translation] table has no `source_reviewed`")
                        .with_help("add source_reviewed = the original's last_reviewed date, so medkb can tell when the original changes"),
                );
            }
            for v in &raw.translated_by {
                if let Some(c) = crate::term::forbidden_char(v.get_ref()) {
                    diags.push(Diagnostic::new(
                        Rule::InvalidField,
                        path,
                        Some(shift(v.span())),
                        format!("`translated_by` contains the control character U+{:04X}, which cannot be published", c as u32),
                    ));
                }
            }
            Some(Translation {
                source_reviewed: raw
                    .source_reviewed
                    .as_ref()
                    .and_then(|v| date(v, "source_reviewed", diags).map(|d| At { value: d, span: shift(v.span()) })),
                translated: raw.translated.as_ref().and_then(|v| date(v, "translated", diags)),
                translated_by: raw.translated_by.iter().map(|s| s.get_ref().trim().to_string()).filter(|s| !s.is_empty()).collect(),
                source_hash: raw.source_hash.as_ref().map(|h| At { value: h.get_ref().trim().to_string(), span: shift(h.span()) }),
                span: shift(t.span()),
            })
        }
    };
    let fm = Frontmatter {
        title: typed.title.as_ref().map(|t| t.get_ref().trim().to_string()).unwrap_or_default(),
        title_span: typed.title.as_ref().map(|t| shift(t.span())).unwrap_or(whole),
        summary: typed.summary.as_ref().map(|t| t.get_ref().trim().to_string()).unwrap_or_default(),
        summary_span: typed.summary.as_ref().map(|t| shift(t.span())),
        medical_name: typed.medical_name.as_ref().map(|t| t.get_ref().trim().to_string()).filter(|s| !s.is_empty()),
        also_called: strings(&typed.also_called),
        search_terms: strings(&typed.search_terms),
        body_region: typed.body_region.as_ref().map(|v| At { value: v.get_ref().clone(), span: shift(v.span()) }),
        page_type,
        related: typed.related.iter().flatten().map(|v| At { value: v.get_ref().clone(), span: shift(v.span()) }).collect(),
        status,
        last_reviewed,
        next_review_due,
        reviewed_by: strings(&typed.reviewed_by),
        reviewed_by_span: key_span(toml_text, "reviewed_by").map(|(s, e)| (split.toml_start + s, split.toml_start + e)),
        sources,
        gather_red_flags: typed.gather_red_flags.map(|g| g.into_inner()).unwrap_or(false),
        review_history,
        translation,
        aliases: typed.aliases.iter().flatten().map(|v| At { value: v.get_ref().trim().to_string(), span: shift(v.span()) }).collect(),
    };
    if fm.title.is_empty() && typed.title.is_some() {
        diags.push(Diagnostic::new(Rule::MissingField, path, Some(fm.title_span), "the title is empty"));
    }
    Some(fm)
}

/// TOML's messages span lines; a diagnostic's message is one line.
fn one_line(message: &str) -> String {
    message.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join("; ")
}

/// Byte span of a top-level key (`key = …`, `[key]` or `[[key]]`) in TOML text.
pub fn key_span(toml_text: &str, key: &str) -> Option<(usize, usize)> {
    let mut offset = 0;
    for line in toml_text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let bare = trimmed.trim_start_matches('[');
        let quoted = bare.strip_prefix('"').unwrap_or(bare);
        if let Some(after) = quoted.strip_prefix(key) {
            let after = after.trim_start_matches('"').trim_start();
            if after.starts_with('=') || after.starts_with(']') {
                let start = offset + indent + (trimmed.len() - quoted.len());
                return Some((start, start + key.len()));
            }
        }
        offset += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kind::PageKind;

    fn run(text: &str, needs: Needs) -> (Option<Frontmatter>, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let split = split(text, "p.md").unwrap();
        let fm = parse(text, split, "p.md", needs, &mut diags);
        (fm, diags)
    }

    const GOOD: &str = "+++\ntitle = \"Gout\"\nsummary = \"s\"\nbody_region = \"ankle-foot\"\nlast_reviewed = 2026-01-02\nrelated = [\"bunions\", \"hallux-rigidus\"]\n[[sources]]\ntitle = \"A\"\n+++\nbody\n";

    #[test]
    fn good_front_matter_parses_with_spans() {
        let (fm, diags) = run(GOOD, PageKind::Condition.needs());
        assert!(diags.is_empty(), "{diags:?}");
        let fm = fm.unwrap();
        assert_eq!(fm.title, "Gout");
        assert_eq!(fm.related.len(), 2);
        let span = fm.related[1].span;
        assert_eq!(&GOOD[span.0..span.1], "\"hallux-rigidus\"");
        assert_eq!(fm.last_reviewed, NaiveDate::from_ymd_opt(2026, 1, 2));
    }

    #[test]
    fn every_unknown_key_is_reported() {
        let text = GOOD.replace("summary", "sumary").replace("related", "relatd");
        let (_, diags) = run(&text, PageKind::Condition.needs());
        let mut unknown: Vec<_> = diags.iter().filter(|d| d.code == "unknown-key").collect();
        unknown.sort_by_key(|d| d.span);
        assert_eq!(unknown.len(), 2, "{diags:?}");
        assert_eq!(unknown[0].help.as_deref(), Some("did you mean `summary`?"));
        let (s, e) = unknown[0].span.unwrap();
        assert_eq!(&text[s..e], "sumary");
    }

    #[test]
    fn unclosed_and_missing_fences() {
        assert_eq!(split("title = 1\n", "p.md").unwrap_err().code, "front-matter");
        assert_eq!(split("+++\ntitle = 1\n", "p.md").unwrap_err().code, "front-matter");
        let s = split("\u{feff}+++\r\na = 1\r\n+++\r\nbody", "p.md").unwrap();
        assert_eq!(s.body_start, "\u{feff}+++\r\na = 1\r\n+++\r\n".len());
    }

    #[test]
    fn source_kinds() {
        let text = GOOD.replace("title = \"A\"\n", "title = \"A\"\n[[sources]]\nkind = \"safety-netting\"\ntitle = \"Editors\"\n");
        let (fm, diags) = run(&text, PageKind::Condition.needs());
        assert!(diags.is_empty(), "{diags:?}");
        let kinds: Vec<SourceKind> = fm.unwrap().sources.iter().map(|s| s.kind).collect();
        assert_eq!(kinds, [SourceKind::Article, SourceKind::SafetyNetting]);

        let text = text.replace("\"safety-netting\"", "\"safety-neting\"");
        let (_, diags) = run(&text, PageKind::Condition.needs());
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(diags[0].code, "invalid-field");
        assert_eq!(diags[0].help.as_deref(), Some("did you mean `safety-netting`?"));
        let (s, e) = diags[0].span.unwrap();
        assert_eq!(&text[s..e], "\"safety-neting\"");
    }

    #[test]
    fn quoted_date_is_a_located_type_error() {
        let text = GOOD.replace("2026-01-02", "\"2026-01-02\"");
        let (_, diags) = run(&text, PageKind::Condition.needs());
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(diags[0].code, "invalid-field");
        let (s, _) = diags[0].span.unwrap();
        assert!(text[s..].starts_with("\"2026"), "{}", &text[s..]);
    }
}
