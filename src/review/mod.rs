//! Clinical governance: where each page stands in its review cycle (`medkb review`).
//!
//! Why a module of its own: `check` only warns when a page is overdue, but a clinical
//! editor needs the whole picture every week — which pages no clinician has signed,
//! which are overdue or due soon, what changed since each review (from git history,
//! split into clinical and editorial sections) — and a way to record a sign-off that
//! leaves the rest of the file as the author wrote it. The states come from the parsed
//! pages (`crate::parse`); the history from the repository (`history`), read in-process.

pub mod history;
pub mod sections;
pub mod sign;

use chrono::{Days, NaiveDate};
use serde::Serialize;

use crate::config::SiteConfig;
use crate::diag::Diagnostic;
use crate::kind::PageKind;
use crate::parse::frontmatter::ReviewScope;
use crate::parse::markdown::Urgency;
use crate::parse::Page;
use crate::rules::Rule;

/// Where a page stands in its review cycle, most pressing first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReviewState {
    /// Past its next review date.
    Overdue,
    /// No clinician has signed it (no `last_reviewed`, or nobody named).
    NeverReviewed,
    /// The next review falls within the window (`--within`, 90 days by default).
    DueSoon,
    Current,
}

impl ReviewState {
    pub const ALL: [ReviewState; 4] = [ReviewState::Overdue, ReviewState::NeverReviewed, ReviewState::DueSoon, ReviewState::Current];

    pub fn as_str(self) -> &'static str {
        match self {
            ReviewState::Overdue => "overdue",
            ReviewState::NeverReviewed => "never-reviewed",
            ReviewState::DueSoon => "due-soon",
            ReviewState::Current => "current",
        }
    }

    pub fn parse(name: &str) -> Option<ReviewState> {
        ReviewState::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

/// The most urgent red flag a page carries, which orders the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Gravity {
    Emergency,
    Urgent,
    None,
}

/// What changed in a page since its last review, from the repository's history.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ChangeSummary {
    /// Commits after the review date that touched the page.
    pub commits: usize,
    /// Clinical parts that differ from the reviewed version (e.g. "Red flags", "medical_name").
    pub clinical: Vec<String>,
    /// Other parts that differ.
    pub editorial: Vec<String>,
}

impl ChangeSummary {
    pub fn is_empty(&self) -> bool {
        self.clinical.is_empty() && self.editorial.is_empty()
    }

    /// "Red flags, Fixes (3 commits); editorial: Lead", "editorial only: Lead (1 commit)",
    /// or "" when unchanged.
    pub fn describe(&self) -> String {
        if self.is_empty() {
            return String::new();
        }
        let commits = match self.commits {
            0 => "uncommitted".to_string(),
            1 => "1 commit".to_string(),
            n => format!("{n} commits"),
        };
        if self.clinical.is_empty() {
            format!("editorial only: {} ({commits})", self.editorial.join(", "))
        } else if self.editorial.is_empty() {
            format!("{} ({commits})", self.clinical.join(", "))
        } else {
            format!("{} ({commits}); editorial: {}", self.clinical.join(", "), self.editorial.join(", "))
        }
    }
}

/// One page's line in the report.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewRow {
    pub slug: String,
    pub title: String,
    pub path: String,
    pub kind: PageKind,
    pub region: Option<String>,
    pub state: ReviewState,
    pub gravity: Gravity,
    pub red_flags: RedFlagCounts,
    pub last_reviewed: Option<NaiveDate>,
    pub next_review_due: Option<NaiveDate>,
    /// Who signed the current clinical review (`reviewed_by`, else the latest full entry of `review_history`).
    pub reviewers: Vec<String>,
    /// `None` outside a git repository.
    pub changed: Option<ChangeSummary>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct RedFlagCounts {
    pub emergency: usize,
    pub urgent: usize,
    pub routine: usize,
}

/// The names a page's review box and the report show (see [`Page::reviewers`]).
pub fn reviewers(page: &Page) -> Vec<String> {
    page.reviewers()
}

/// The date editorial changes are counted from: the later of the clinical review and
/// the latest editorial sign-off.
pub fn editorial_since(page: &Page) -> Option<NaiveDate> {
    let editorial = page.fm.review_history.iter().filter(|r| r.scope == ReviewScope::Editorial).map(|r| r.date).max();
    match (page.fm.last_reviewed, editorial) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

/// A page's state on `today`, with `within` days counting as "due soon".
pub fn state_of(page: &Page, today: NaiveDate, within: u32) -> ReviewState {
    if page.fm.last_reviewed.is_none() || reviewers(page).is_empty() {
        return ReviewState::NeverReviewed;
    }
    match page.next_review_due {
        Some(due) if due < today => ReviewState::Overdue,
        Some(due) if due <= today.checked_add_days(Days::new(within.into())).unwrap_or(NaiveDate::MAX) => ReviewState::DueSoon,
        _ => ReviewState::Current,
    }
}

fn red_flag_counts(page: &Page) -> RedFlagCounts {
    let mut c = RedFlagCounts::default();
    for f in &page.body.red_flags {
        match f.urgency {
            Urgency::Emergency => c.emergency += 1,
            Urgency::Urgent => c.urgent += 1,
            Urgency::Routine => c.routine += 1,
        }
    }
    c
}

/// Pages that have a review cycle: the kinds that must carry `last_reviewed` and sources.
pub fn reviewable(page: &Page) -> bool {
    page.kind.needs().review_and_sources
}

/// One row per reviewable page, emergency pages first, then urgent, then the rest;
/// within each, the most pressing state first, then the earliest due date.
pub fn report(pages: &[Page], today: NaiveDate, within: u32, changes: &dyn Fn(&Page) -> Option<ChangeSummary>) -> Vec<ReviewRow> {
    let mut rows: Vec<ReviewRow> = pages
        .iter()
        .filter(|p| reviewable(p))
        .map(|p| {
            let red_flags = red_flag_counts(p);
            let gravity = if red_flags.emergency > 0 {
                Gravity::Emergency
            } else if red_flags.urgent > 0 {
                Gravity::Urgent
            } else {
                Gravity::None
            };
            ReviewRow {
                slug: p.slug.clone(),
                title: p.fm.title.clone(),
                path: p.path.clone(),
                kind: p.kind,
                region: p.fm.body_region.as_ref().map(|r| r.value.clone()),
                state: state_of(p, today, within),
                gravity,
                red_flags,
                last_reviewed: p.fm.last_reviewed,
                next_review_due: p.next_review_due,
                reviewers: reviewers(p),
                changed: changes(p),
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        (a.gravity, a.state, a.next_review_due.is_none(), a.next_review_due, &a.slug).cmp(&(
            b.gravity,
            b.state,
            b.next_review_due.is_none(),
            b.next_review_due,
            &b.slug,
        ))
    });
    rows
}

/// What `medkb review` keeps (all filters must match).
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Part of a reviewer's name or role, any case.
    pub reviewer: Option<String>,
    pub region: Option<String>,
    pub states: Vec<ReviewState>,
}

impl Filter {
    pub fn keeps(&self, row: &ReviewRow) -> bool {
        let reviewer_ok = self.reviewer.as_ref().is_none_or(|r| {
            let r = r.to_lowercase();
            row.reviewers.iter().any(|n| n.to_lowercase().contains(&r))
        });
        reviewer_ok
            && self.region.as_ref().is_none_or(|r| row.region.as_deref() == Some(r.as_str()))
            && (self.states.is_empty() || self.states.contains(&row.state))
    }
}

/// How many rows are in each state, in [`ReviewState::ALL`] order.
pub fn counts(rows: &[ReviewRow]) -> Vec<(ReviewState, usize)> {
    ReviewState::ALL.iter().map(|s| (*s, rows.iter().filter(|r| r.state == *s).count())).collect()
}

/// Per reviewer: pages they signed, and how many of those are overdue or due soon.
pub fn workload(rows: &[ReviewRow]) -> Vec<(String, usize, usize)> {
    let mut by: std::collections::BTreeMap<&str, (usize, usize)> = std::collections::BTreeMap::new();
    for r in rows {
        for name in &r.reviewers {
            let e = by.entry(name.as_str()).or_default();
            e.0 += 1;
            if matches!(r.state, ReviewState::Overdue | ReviewState::DueSoon) {
                e.1 += 1;
            }
        }
    }
    by.into_iter().map(|(n, (signed, due))| (n.to_string(), signed, due)).collect()
}

/// What changed in a page since its review: clinical parts since `last_reviewed`,
/// editorial parts since the later of that and the latest editorial sign-off, against
/// the file as it is now (uncommitted edits count: they are what would be published).
/// `None` when the page was never reviewed or has no history.
pub fn changes(history: &history::History, root: &std::path::Path, page: &Page) -> anyhow::Result<Option<ChangeSummary>> {
    use anyhow::Context;
    let Some(reviewed) = page.fm.last_reviewed else { return Ok(None) };
    if history.touches(&page.path).is_empty() {
        return Ok(None);
    }
    let now = std::fs::read_to_string(root.join(&page.path)).with_context(|| format!("reading {}", page.path))?;
    let mut summary = ChangeSummary { commits: history.since(&page.path, reviewed).len(), ..Default::default() };
    if summary.commits == 0 && history.is_last_committed(&page.path, now.as_bytes()) {
        // Nothing committed since the review and no edit since: no blob to read.
        return Ok(Some(summary));
    }
    let then = history.text_at(&page.path, reviewed)?.unwrap_or_default();
    summary.clinical = sections::compare(&then, &now).into_iter().filter(|c| c.clinical).map(|c| c.name).collect();
    let editorial_from = editorial_since(page).unwrap_or(reviewed);
    let then = if editorial_from == reviewed { then } else { history.text_at(&page.path, editorial_from)?.unwrap_or_default() };
    summary.editorial = sections::compare(&then, &now).into_iter().filter(|c| !c.clinical).map(|c| c.name).collect();
    Ok(Some(summary))
}

/// The `unreviewed-clinical-change` gate (`[review] require_review_after_clinical_change`):
/// one error per published page whose clinical parts changed after its last review,
/// located at its `last_reviewed`; one error against site.toml when there is no history.
pub fn clinical_change_gate(
    root: &std::path::Path,
    pages: &[Page],
    texts: &dyn Fn(&str) -> Option<String>,
) -> anyhow::Result<Vec<Diagnostic>> {
    let Some(history) = history::History::open(root)? else {
        return Ok(vec![Diagnostic::new(
            Rule::UnreviewedClinicalChange,
            "site.toml",
            None,
            "[review] require_review_after_clinical_change is on, but the site is not inside a git repository, so medkb cannot tell what changed since each review",
        )
        .with_help("build from a git checkout of the site, or turn the gate off")]);
    };
    let mut out = Vec::new();
    for page in pages.iter().filter(|p| reviewable(p)) {
        let Some(change) = changes(&history, root, page)? else { continue };
        if change.clinical.is_empty() {
            continue;
        }
        let span = texts(&page.path).and_then(|t| crate::parse::frontmatter::key_span(&t, "last_reviewed"));
        out.push(
            Diagnostic::new(
                Rule::UnreviewedClinicalChange,
                &page.path,
                span,
                format!(
                    "clinical content changed after this page's review of {}: {}",
                    page.fm.last_reviewed.map(|d| d.to_string()).unwrap_or_default(),
                    change.describe()
                ),
            )
            .with_help(format!(
                "a clinician reads `medkb review diff {slug}`, then signs it: `medkb review sign {slug} --by \"Name, role\"`",
                slug = page.slug
            )),
        );
    }
    Ok(out)
}

/// The site's interval, for recomputing `next_review_due` on sign-off.
pub fn next_due(config: &SiteConfig, reviewed: NaiveDate) -> Option<NaiveDate> {
    reviewed.checked_add_months(chrono::Months::new(config.review_interval_years.checked_mul(12)?))
}
