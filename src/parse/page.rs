//! A content file becomes a [`Page`]: validated front matter plus parsed body.

use crate::rules::Rule;
use chrono::{Months, NaiveDate};

use super::frontmatter::{self, Frontmatter, Status};
use super::links::{find_links, LinkRef};
use super::markdown::{parse_body, Body, SectionKind};
use crate::config::SiteConfig;
use crate::diag::Diagnostic;
pub use crate::kind::PageKind;
use crate::load::ContentFile;

/// A parsed, validated page. Cross-links are found but not yet resolved.
#[derive(Debug, Clone)]
pub struct Page {
    pub slug: String,
    pub kind: PageKind,
    /// Site-relative source path, e.g. `content/conditions/gout.md`.
    pub path: String,
    pub url: String,
    pub fm: Frontmatter,
    pub body: Body,
    pub links: Vec<LinkRef>,
    pub next_review_due: Option<NaiveDate>,
    /// Flesch–Kincaid grade of the page's prose.
    pub grade: Option<f64>,
}

impl Page {
    pub fn is_draft(&self) -> bool {
        self.fm.status == Status::Draft
    }

    pub fn section(&self, kind: SectionKind) -> Option<&super::markdown::Section> {
        self.body.sections.iter().find(|s| s.kind == kind)
    }
}

/// Parses one file. Returns `None` only when the page is too broken to render
/// (no usable front matter); everything else is reported and the page kept.
pub fn parse_page(
    file: &ContentFile,
    config: &SiteConfig,
    today: NaiveDate,
    slug_of_path: &dyn Fn(&str) -> Option<String>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Page> {
    let text = &file.source.text;
    let path = file.source.rel.as_str();
    let kind = file.placement;
    let split = match frontmatter::split(text, path) {
        Ok(s) => s,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let fm = frontmatter::parse(text, split, path, kind.needs(), diags)?;
    // Control characters are invisible in an editor and make the feed and sitemap
    // ill-formed; a handful of reports per file is enough to find them all.
    for (at, c) in text.char_indices().filter(|(_, c)| super::forbidden_char(c.encode_utf8(&mut [0; 4])).is_some()).take(5) {
        diags.push(
            Diagnostic::new(
                Rule::InvalidFile,
                path,
                Some((at, at + c.len_utf8())),
                format!("this line contains the control character U+{:04X}, which cannot be published", c as u32),
            )
            .with_help("delete it; control characters are invisible in most editors"),
        );
    }
    let body_text = &text[split.body_start..];
    if body_text.trim().is_empty() {
        diags.push(
            Diagnostic::new(
                Rule::InvalidFile,
                path,
                Some((split.body_start.saturating_sub(4), split.body_start.saturating_sub(1))),
                "this page has front matter but no text",
            )
            .with_help("write the page's lead and sections after the closing `+++`"),
        );
        return None;
    }
    let body = parse_body(body_text, split.body_start, path, diags);
    if let (depth, Some(at)) = super::markdown::nesting(body_text, super::markdown::MAX_NESTING) {
        let at = split.body_start + at;
        diags.push(
            Diagnostic::new(
                Rule::TooDeep,
                path,
                Some((at, at + 1)),
                format!(
                    "elements here nest {depth} deep (more than {}), so the raw HTML in this page is shown as text",
                    super::markdown::MAX_NESTING
                ),
            )
            .with_help("flatten the nesting: no page needs lists or HTML this deep"),
        );
    }

    {
        for &required in kind.required_sections() {
            if !body.sections.iter().any(|s| s.kind == required) {
                diags.push(
                    Diagnostic::new(
                        Rule::MissingSection,
                        path,
                        Some(fm.title_span),
                        format!("this condition page has no `## {}` section", required.name()),
                    )
                    .with_help(format!(
                        "add a `## {}` section; every condition page needs Symptoms, Causes, Fixes and Red flags",
                        required.name()
                    )),
                );
            }
        }
        // Flags that fail to parse were reported where they are; a section with no
        // list at all would otherwise publish a condition page with no warning signs.
        if let Some(sec) = body.sections.iter().find(|s| s.kind == SectionKind::RedFlags) {
            if sec.items.is_empty() {
                diags.push(
                    Diagnostic::new(Rule::NoRedFlags, path, Some(sec.heading_span), "this Red flags section lists no red flags")
                        .with_help("list each warning sign as an item starting with `emergency:`, `urgent:` or `routine:`"),
                );
            }
        }
        if let Some(region) = &fm.body_region {
            if config.region(&region.value).is_none() {
                let names: Vec<&str> = config.body_regions.iter().map(|r| r.slug.as_str()).collect();
                let help = match crate::diag::did_you_mean(&region.value, names.iter().copied()) {
                    Some(n) => format!("did you mean `{n}`?"),
                    None => format!("use one of: {}", names.join(", ")),
                };
                diags.push(
                    Diagnostic::new(
                        Rule::InvalidField,
                        path,
                        Some(region.span),
                        format!("`{}` is not one of the site's body regions", region.value),
                    )
                    .with_help(help),
                );
            }
        }
    }
    if fm.summary.chars().count() > config.summary_max_chars {
        let span = frontmatter::key_span(&text[split.toml_start..split.toml_end], "summary")
            .map(|(s, e)| (s + split.toml_start, e + split.toml_start));
        diags.push(
            Diagnostic::new(Rule::LongSummary, path, span, format!("the summary is {} characters long", fm.summary.chars().count()))
                .with_help(format!("keep it to {} characters so search engines show all of it", config.summary_max_chars)),
        );
    }
    for (i, _) in text.match_indices("TODO") {
        diags.push(
            Diagnostic::new(Rule::Unfinished, path, Some((i, i + 4)), "this page still has a TODO placeholder")
                .with_help("replace the placeholder with real content"),
        );
    }
    let next_review_due = fm.next_review_due.as_ref().map(|n| n.value).or_else(|| {
        let months = config.review_interval_years.checked_mul(12)?;
        fm.last_reviewed.and_then(|d| d.checked_add_months(Months::new(months)))
    });
    if kind.needs().review_and_sources {
        if let Some(due) = next_review_due {
            if due < today {
                let span = fm.next_review_due.as_ref().map(|n| n.span).or_else(|| {
                    frontmatter::key_span(&text[split.toml_start..split.toml_end], "last_reviewed")
                        .map(|(s, e)| (s + split.toml_start, e + split.toml_start))
                });
                diags.push(
                    Diagnostic::new(Rule::ReviewOverdue, path, span, format!("this page was due for review on {due}"))
                        .with_help("have a clinician review the page, then update last_reviewed"),
                );
            }
        }
        if fm.reviewed_by.is_empty() {
            diags.push(
                Diagnostic::new(
                    Rule::AwaitingReview,
                    path,
                    fm.reviewed_by_span.or(Some(fm.title_span)),
                    "no clinician has reviewed this page yet",
                )
                .with_help("the page shows an \"awaiting clinical review\" notice until reviewed_by names a reviewer"),
            );
        }
    }
    let (links, unresolved) = find_links(body_text, split.body_start, path, slug_of_path);
    for (s, e, written) in unresolved {
        diags.push(
            Diagnostic::new(Rule::BrokenLink, path, Some((s, e)), format!("`{written}` is not a page of this site"))
                .with_help("link to another page's .md file relative to this one, or use [[slug]]"),
        );
    }
    let grade = super::readability::grade(&page_prose(&fm, &body));
    Some(Page {
        slug: file.slug.clone(),
        kind,
        path: path.to_string(),
        url: crate::urls::page(kind, &file.slug),
        fm,
        body,
        links,
        next_review_due,
        grade,
    })
}

/// The prose a reader reads, for the readability score.
fn page_prose(fm: &Frontmatter, body: &Body) -> String {
    let mut s = fm.summary.clone();
    s.push_str(". ");
    s.push_str(&body.lead_plain);
    for sec in &body.sections {
        s.push(' ');
        s.push_str(&sec.plain);
    }
    s
}
