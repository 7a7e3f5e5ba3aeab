//! A content file becomes a [`Page`]: validated front matter plus parsed body.

use crate::rules::Rule;
use chrono::{Months, NaiveDate};

use super::frontmatter::{self, Frontmatter, Status};
use super::links::{find_links, LinkRef};
use super::markdown::{parse_body_in, Body, SectionKind};
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
    /// The language of a translation (`es`); `None` for the default language.
    pub lang: Option<String>,
    pub fm: Frontmatter,
    pub body: Body,
    pub links: Vec<LinkRef>,
    /// Relative links to files that are not pages: `(start, end, as written)`;
    /// the `broken-link` rule reports them.
    pub unresolved_links: Vec<(usize, usize, String)>,
    pub next_review_due: Option<NaiveDate>,
    /// Flesch–Kincaid grade of the page's prose.
    pub grade: Option<f64>,
    /// The names and symptoms index pages list it under.
    pub listing: super::listing::Listing,
}

impl Page {
    pub fn is_draft(&self) -> bool {
        self.fm.status == Status::Draft
    }

    /// Who signed the current clinical review ("Name, role"): `reviewed_by` as written,
    /// else the signers of the latest full review in `review_history`. Empty: awaiting review.
    pub fn reviewers(&self) -> Vec<String> {
        if !self.fm.reviewed_by.is_empty() {
            return self.fm.reviewed_by.clone();
        }
        let full = self.fm.review_history.iter().filter(|r| r.scope == frontmatter::ReviewScope::Full);
        let Some(latest) = full.clone().map(|r| r.date).max() else { return Vec::new() };
        full.filter(|r| r.date == latest).map(|r| r.by.clone()).collect()
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
    let language = config.language(file.lang.as_deref());
    let needs = crate::kind::Needs { translation: file.lang.is_some(), ..kind.needs() };
    let fm = frontmatter::parse(text, split, path, needs, diags)?;
    // Control characters are invisible in an editor and make the feed and sitemap
    // ill-formed; a handful of reports per file is enough to find them all.
    for (at, c) in text.char_indices().filter(|(_, c)| crate::term::forbidden_char(c.encode_utf8(&mut [0; 4])).is_some()).take(5) {
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
    let body = parse_body_in(body_text, split.body_start, path, language.map(|l| &l.vocabulary), diags);
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

    let next_review_due = fm.next_review_due.as_ref().map(|n| n.value).or_else(|| {
        let months = config.review_interval_years.checked_mul(12)?;
        fm.last_reviewed.and_then(|d| d.checked_add_months(Months::new(months)))
    });
    let (links, unresolved_links) = find_links(body_text, split.body_start, path, slug_of_path);
    // The readability formula is English's; a translation is not scored by it.
    let grade = if file.lang.is_none() { super::readability::grade(&page_prose(&fm, &body)) } else { None };
    let url = crate::urls::page_in(file.lang.as_deref(), kind, &file.slug);
    let listing = super::listing::Listing::of(&fm, &url, &body);
    Some(Page {
        slug: file.slug.clone(),
        kind,
        path: path.to_string(),
        url,
        lang: file.lang.clone(),
        fm,
        body,
        links,
        unresolved_links,
        next_review_due,
        grade,
        listing,
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
