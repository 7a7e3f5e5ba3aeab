//! A content file becomes a [`Page`]: validated front matter plus parsed body.

use chrono::{Months, NaiveDate};

use super::emergency_terms::{self, Audience};
use super::frontmatter::{self, Frontmatter, Requirements, SourceKind, Status};
use super::links::{find_links, LinkRef};
use super::markdown::{parse_body, text_runs, Body, SectionKind, Urgency};
use crate::config::SiteConfig;
use crate::diag::Diagnostic;
use crate::load::{ContentFile, Placement};

/// What a page is, which decides its URL, template and rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PageKind {
    Condition,
    Guide,
    Home,
    About,
}

impl PageKind {
    fn of(p: Placement) -> PageKind {
        match p {
            Placement::Condition => PageKind::Condition,
            Placement::Guide => PageKind::Guide,
            Placement::Home => PageKind::Home,
            Placement::About => PageKind::About,
        }
    }
}

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

pub fn url_for(kind: PageKind, slug: &str) -> String {
    match kind {
        PageKind::Condition => format!("/conditions/{slug}/"),
        PageKind::Guide => format!("/guides/{slug}/"),
        PageKind::Home => "/".into(),
        PageKind::About => "/about/".into(),
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
    let kind = PageKind::of(file.placement);
    let split = match frontmatter::split(text, path) {
        Ok(s) => s,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let needs = match kind {
        PageKind::Condition => Requirements::Condition,
        PageKind::Guide => Requirements::Guide,
        PageKind::Home | PageKind::About => Requirements::Plain,
    };
    let fm = frontmatter::parse(text, split, path, needs, diags)?;
    let body_text = &text[split.body_start..];
    if body_text.trim().is_empty() {
        diags.push(
            Diagnostic::error(
                "invalid-file",
                path,
                Some((split.body_start.saturating_sub(4), split.body_start.saturating_sub(1))),
                "this page has front matter but no text",
            )
            .with_help("write the page's lead and sections after the closing `+++`"),
        );
        return None;
    }
    let body = parse_body(body_text, split.body_start, path, diags);
    check_safety_netting(&fm, &body, path, diags);
    check_care_card_count(&body, path, diags);
    if let Some(audience) = Audience::of(&config.locale) {
        // The summary and title are shown too; their raw TOML values hold the words as written.
        let shown = [Some(fm.title_span), fm.summary_span].into_iter().flatten().map(|(s, e)| (s, &text[s..e]));
        for (offset, value) in shown {
            for m in emergency_terms::find(value, audience) {
                diags.push(emergency_terms::diagnostic(path, value, offset, &m, audience, config));
            }
        }
        if emergency_terms::may_contain(body_text, audience) {
            for (s, e) in text_runs(body_text) {
                let run = &body_text[s..e];
                for m in emergency_terms::find(run, audience) {
                    diags.push(emergency_terms::diagnostic(path, run, split.body_start + s, &m, audience, config));
                }
            }
        }
    }

    if kind == PageKind::Condition {
        for required in [SectionKind::Symptoms, SectionKind::Causes, SectionKind::Fixes, SectionKind::RedFlags] {
            if !body.sections.iter().any(|s| s.kind == required) {
                diags.push(
                    Diagnostic::error(
                        "missing-section",
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
        if let Some(region) = &fm.body_region {
            if config.region(&region.value).is_none() {
                let names: Vec<&str> = config.body_regions.iter().map(|r| r.slug.as_str()).collect();
                let help = match crate::diag::did_you_mean(&region.value, names.iter().copied()) {
                    Some(n) => format!("did you mean `{n}`?"),
                    None => format!("use one of: {}", names.join(", ")),
                };
                diags.push(
                    Diagnostic::error(
                        "invalid-field",
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
            Diagnostic::warning("long-summary", path, span, format!("the summary is {} characters long", fm.summary.chars().count()))
                .with_help(format!("keep it to {} characters so search engines show all of it", config.summary_max_chars)),
        );
    }
    for (i, _) in text.match_indices("TODO") {
        diags.push(
            Diagnostic::error("unfinished", path, Some((i, i + 4)), "this page still has a TODO placeholder")
                .with_help("replace the placeholder with real content"),
        );
    }
    let next_review_due = fm
        .next_review_due
        .as_ref()
        .map(|n| n.value)
        .or_else(|| fm.last_reviewed.and_then(|d| d.checked_add_months(Months::new(12 * config.review_interval_years))));
    if kind != PageKind::Home && kind != PageKind::About {
        if let Some(due) = next_review_due {
            if due < today {
                let span = fm.next_review_due.as_ref().map(|n| n.span).or_else(|| {
                    frontmatter::key_span(&text[split.toml_start..split.toml_end], "last_reviewed")
                        .map(|(s, e)| (s + split.toml_start, e + split.toml_start))
                });
                diags.push(
                    Diagnostic::warning("review-overdue", path, span, format!("this page was due for review on {due}"))
                        .with_help("have a clinician review the page, then update last_reviewed"),
                );
            }
        }
        if fm.reviewed_by.is_empty() {
            diags.push(
                Diagnostic::note(
                    "awaiting-review",
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
            Diagnostic::error("broken-link", path, Some((s, e)), format!("`{written}` is not a page of this site"))
                .with_help("link to another page's .md file relative to this one, or use [[slug]]"),
        );
    }
    let grade = super::readability::grade(&page_prose(&fm, &body));
    Some(Page {
        slug: file.slug.clone(),
        kind,
        path: path.to_string(),
        url: url_for(kind, &file.slug),
        fm,
        body,
        links,
        next_review_due,
        grade,
    })
}

/// Every item the editors marked as safety-netting needs the source entry that the
/// page cites for it, and is listed for a clinical reviewer as a note.
fn check_safety_netting(fm: &Frontmatter, body: &Body, path: &str, diags: &mut Vec<Diagnostic>) {
    let cited = fm.sources.iter().any(|s| s.kind == SourceKind::SafetyNetting);
    for net in &body.safety_nets {
        diags.push(if cited {
            Diagnostic::note("safety-netting", path, Some(net.span), format!("added by the editors as safety-netting: \"{}\"", net.text))
                .with_help("a clinician should check this addition; the page cites it as the editors' safety-netting, not its sources")
        } else {
            Diagnostic::error(
                "safety-netting-source",
                path,
                Some(net.span),
                "this is marked `{safety-netting}`, but the page has no safety-netting source to cite",
            )
            .with_help("add a [[sources]] entry with kind = \"safety-netting\" and a title that says the editors added it (see docs/authoring.md#safety-netting)")
        });
    }
    if body.safety_nets.is_empty() {
        for s in fm.sources.iter().filter(|s| s.kind == SourceKind::SafetyNetting) {
            diags.push(
                Diagnostic::warning(
                    "unused-safety-netting",
                    path,
                    s.kind_span,
                    "this page cites the editors' safety-netting, but nothing on it is marked `{safety-netting}`",
                )
                .with_help("end each sign or sentence the editors added with ` {safety-netting}`, or remove this source"),
            );
        }
    }
}

/// The most urgent red flags one page shows before the cards stop being read.
pub const MAX_URGENT_FLAGS: usize = 5;

fn check_care_card_count(body: &Body, path: &str, diags: &mut Vec<Diagnostic>) {
    let urgent: Vec<_> = body.red_flags.iter().filter(|f| f.urgency == Urgency::Urgent).collect();
    if let Some(extra) = urgent.get(MAX_URGENT_FLAGS) {
        diags.push(
            Diagnostic::warning(
                "too-many-care-cards",
                path,
                Some(extra.span),
                format!("this page shows {} urgent warning signs; more than {MAX_URGENT_FLAGS} is too many", urgent.len()),
            )
            .with_help("as the NHS care-card guidance asks: too many cards hide the real emergencies. Merge signs that mean the same, or move signs that can wait to `routine:`"),
        );
    }
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
