//! Rules over one parsed page: what `check` says about a page on its own.
//!
//! Parsing turns text into a [`Page`] and reports only what stops it being read
//! (bad TOML, an unknown key, an unreadable red flag). Whether a readable page is
//! *right* — every section a condition needs, a region the site has, a short summary,
//! no TODO left, a review that is not overdue — is decided here, after parsing, by
//! the same function for the full build and the preview.

use chrono::NaiveDate;

use crate::config::SiteConfig;
use crate::diag::Diagnostic;
use crate::parse::frontmatter;
use crate::parse::Page;
use crate::rules::Rule;

/// Runs every page rule on `page`, whose file text is `text`.
pub fn check(page: &Page, text: &str, config: &SiteConfig, today: NaiveDate, diags: &mut Vec<Diagnostic>) {
    let path = page.path.as_str();
    let kind = page.kind;
    let fm = &page.fm;
    let body = &page.body;
    // The front matter's range, to point at a key; parsing already found it.
    let Ok(split) = frontmatter::split(text, path) else { return };
    let key_span = |key: &str| {
        frontmatter::key_span(&text[split.toml_start..split.toml_end], key).map(|(s, e)| (s + split.toml_start, e + split.toml_start))
    };
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
        let red_flags = crate::kind::SectionKind::RedFlags;
        if let Some(sec) = body.sections.iter().find(|s| s.kind == red_flags && kind.required_sections().contains(&red_flags)) {
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
        let span = key_span("summary");
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
    if kind.needs().review_and_sources {
        if let Some(due) = page.next_review_due {
            if due < today {
                let span = fm.next_review_due.as_ref().map(|n| n.span).or_else(|| key_span("last_reviewed"));
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
}
