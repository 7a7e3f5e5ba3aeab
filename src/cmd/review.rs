//! `medkb review`, `medkb review diff SLUG`, `medkb review sign SLUG`: the clinical
//! editor's weekly commands. The logic lives in `crate::review`; this file loads the
//! site, prints and chooses the exit code.

use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;

use crate::cli::{ListFormat, ReviewAction, ReviewList, SignScope, SiteArgs};
use crate::diag::{did_you_mean, Severity};
use crate::parse::frontmatter::ReviewScope;
use crate::parse::Page;
use crate::pipeline::{self, BuildOutcome, Stage};
use crate::review::history::History;
use crate::review::{self, sections, ChangeSummary, Filter, ReviewRow, ReviewState};
use crate::rules::Rule;

pub fn run(action: Option<ReviewAction>, site: &SiteArgs, list: &ReviewList) -> anyhow::Result<ExitCode> {
    match action {
        None => report(site, list),
        Some(ReviewAction::Diff { slug, site }) => diff(&site, &slug),
        Some(ReviewAction::Sign { slug, by, date, scope, site }) => {
            let scope = match scope {
                SignScope::Full => ReviewScope::Full,
                SignScope::Editorial => ReviewScope::Editorial,
            };
            sign(&site, &slug, &by, date, scope)
        }
    }
}

fn load(site: &SiteArgs) -> anyhow::Result<BuildOutcome> {
    let opts = super::build_options(site, Stage::Check);
    let outcome = pipeline::build(&opts)?;
    if outcome.config.is_none() {
        anyhow::bail!("site.toml has errors; run `medkb check` to see them");
    }
    Ok(outcome)
}

fn today(site: &SiteArgs) -> chrono::NaiveDate {
    site.today.unwrap_or_else(pipeline::clock_today)
}

fn report(site: &SiteArgs, list: &ReviewList) -> anyhow::Result<ExitCode> {
    let mut states = Vec::new();
    for s in &list.states {
        match ReviewState::parse(s) {
            Some(state) => states.push(state),
            None => {
                let names = ReviewState::ALL.map(ReviewState::as_str);
                let hint = did_you_mean(s, names).map(|n| format!(" (did you mean `{n}`?)")).unwrap_or_default();
                anyhow::bail!("`{s}` is not a review state{hint}; the states are {}", names.join(", "));
            }
        }
    }
    let outcome = load(site)?;
    let history = History::open(&site.root)?;
    if history.is_none() {
        eprintln!("medkb: {} is not inside a git repository: review dates only, no change history", site.root.display());
    }
    let root = site.root.clone();
    let changes_of = |p: &Page| match &history {
        None => None,
        Some(h) => review::changes(h, &root, p).unwrap_or_else(|e| {
            eprintln!("medkb: {}: {e:#}", p.path);
            None
        }),
    };
    let all = review::report(&outcome.pages, today(site), list.within, &changes_of);
    let filter = Filter { reviewer: list.reviewer.clone(), region: list.region.clone(), states };
    let rows: Vec<ReviewRow> = all.into_iter().filter(|r| filter.keeps(r)).collect();
    match list.format {
        ListFormat::Human => print!("{}", table(&rows, history.is_some())),
        ListFormat::Json => println!("{}", serde_json::to_string_pretty(&json(&rows, site, list, history.is_some()))?),
        ListFormat::Csv => print!("{}", csv(&rows)),
    }
    if let Some(dir) = &list.html {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        let title = outcome.config.as_ref().map(|c| c.title.as_str()).unwrap_or("medkb");
        let file = dir.join("index.html");
        std::fs::write(&file, dashboard(title, &rows, today(site), list.within, history.is_some()))
            .with_context(|| format!("writing {}", file.display()))?;
        eprintln!("medkb: wrote the review dashboard to {}", file.display());
    }
    if let Some(dir) = &list.evidence {
        let config = outcome.config.as_ref().expect("load() checked the config");
        evidence(dir, &outcome.pages, &rows, config, today(site), list.within)?;
        eprintln!("medkb: wrote the evidence pack (evidence.json, pages.csv) to {}", dir.display());
    }
    let counts: Vec<String> = review::counts(&rows).iter().map(|(s, n)| format!("{n} {}", s.as_str())).collect();
    eprintln!("medkb: {} pages: {}", rows.len(), counts.join(", "));
    Ok(ExitCode::SUCCESS)
}

fn flags(r: &ReviewRow) -> String {
    let c = r.red_flags;
    format!("{}/{}/{}", c.emergency, c.urgent, c.routine)
}

fn date(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_else(|| "-".into())
}

fn table(rows: &[ReviewRow], git: bool) -> String {
    let head = ["STATE", "NEXT DUE", "LAST REVIEWED", "FLAGS E/U/R", "PAGE", "REVIEWED BY"];
    let mut cells: Vec<Vec<String>> = vec![head.iter().map(|s| s.to_string()).collect()];
    if git {
        cells[0].push("CHANGED SINCE REVIEW".into());
    }
    for r in rows {
        let mut row = vec![
            r.state.as_str().to_string(),
            date(r.next_review_due),
            date(r.last_reviewed),
            flags(r),
            r.slug.clone(),
            if r.reviewers.is_empty() { "-".into() } else { r.reviewers.join("; ") },
        ];
        if git {
            row.push(r.changed.as_ref().map(ChangeSummary::describe).unwrap_or_default());
        }
        cells.push(row);
    }
    let widths: Vec<usize> = (0..cells[0].len()).map(|i| cells.iter().map(|row| row[i].chars().count()).max().unwrap_or(0)).collect();
    let mut out = String::new();
    for row in cells {
        let line: Vec<String> = row.iter().zip(&widths).map(|(c, w)| format!("{c:<w$}")).collect();
        let _ = writeln!(out, "{}", line.join("  ").trim_end());
    }
    out
}

fn json(rows: &[ReviewRow], site: &SiteArgs, list: &ReviewList, git: bool) -> serde_json::Value {
    let counts: serde_json::Map<String, serde_json::Value> =
        review::counts(rows).into_iter().map(|(s, n)| (s.as_str().to_string(), n.into())).collect();
    serde_json::json!({
        "today": today(site),
        "within_days": list.within,
        "git": git,
        "counts": counts,
        "workload": review::workload(rows).into_iter()
            .map(|(name, signed, due)| serde_json::json!({ "reviewer": name, "pages": signed, "due_or_overdue": due }))
            .collect::<Vec<_>>(),
        "pages": rows,
    })
}

/// RFC 4180 quoting; a leading `=`, `+`, `-` or `@` is prefixed with `'` so a
/// spreadsheet shows the text instead of running it as a formula.
pub fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) { format!("'{s}") } else { s.to_string() };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

fn csv(rows: &[ReviewRow]) -> String {
    let mut out = String::from(
        "slug,title,path,region,state,emergency_flags,urgent_flags,routine_flags,last_reviewed,next_review_due,reviewed_by,commits_since_review,clinical_changes,editorial_changes\n",
    );
    for r in rows {
        let ch = r.changed.clone().unwrap_or_default();
        let fields = [
            r.slug.clone(),
            r.title.clone(),
            r.path.clone(),
            r.region.clone().unwrap_or_default(),
            r.state.as_str().to_string(),
            r.red_flags.emergency.to_string(),
            r.red_flags.urgent.to_string(),
            r.red_flags.routine.to_string(),
            r.last_reviewed.map(|d| d.to_string()).unwrap_or_default(),
            r.next_review_due.map(|d| d.to_string()).unwrap_or_default(),
            r.reviewers.join("; "),
            if r.changed.is_some() { ch.commits.to_string() } else { String::new() },
            ch.clinical.join("; "),
            ch.editorial.join("; "),
        ];
        let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        let _ = writeln!(out, "{}", line.join(","));
    }
    out
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The dashboard: one HTML file, styles inline, no script, no request to anywhere.
fn dashboard(title: &str, rows: &[ReviewRow], today: chrono::NaiveDate, within: u32, git: bool) -> String {
    let mut h = String::new();
    let _ = write!(
        h,
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<link rel=\"icon\" href=\"data:,\">\n<title>Review dashboard: {t}</title>\n<style>\nbody{{font:16px/1.5 system-ui,sans-serif;margin:1.5rem;color:#1b1b1b;background:#fff}}\ntable{{border-collapse:collapse;margin:1rem 0}}th,td{{border:1px solid #767676;padding:.3rem .6rem;text-align:left;vertical-align:top}}\nth{{background:#f0f0f0}}.overdue{{color:#8a1c1c;font-weight:bold}}.never-reviewed{{color:#6b3e00;font-weight:bold}}\n</style>\n</head>\n<body>\n<main>\n<h1>Review dashboard: {t}</h1>\n<p>On {today}; pages due within {within} days count as due soon.{git}</p>\n",
        t = esc(title),
        git = if git { "" } else { " Not inside a git repository: no change history." }
    );
    h.push_str(
        "<h2>Pages by state</h2>\n<table>\n<thead><tr><th scope=\"col\">State</th><th scope=\"col\">Pages</th></tr></thead>\n<tbody>\n",
    );
    for (s, n) in review::counts(rows) {
        let _ = writeln!(h, "<tr><th scope=\"row\">{}</th><td>{n}</td></tr>", s.as_str());
    }
    h.push_str("</tbody>\n</table>\n<h2>Reviewer workload</h2>\n");
    let load = review::workload(rows);
    if load.is_empty() {
        h.push_str("<p>No page names a reviewer yet.</p>\n");
    } else {
        h.push_str("<table>\n<thead><tr><th scope=\"col\">Reviewer</th><th scope=\"col\">Pages signed</th><th scope=\"col\">Due soon or overdue</th></tr></thead>\n<tbody>\n");
        for (name, signed, due) in load {
            let _ = writeln!(h, "<tr><th scope=\"row\">{}</th><td>{signed}</td><td>{due}</td></tr>", esc(&name));
        }
        h.push_str("</tbody>\n</table>\n");
    }
    h.push_str("<h2>Pages</h2>\n<p>Pages with emergency red flags first, then urgent ones.</p>\n<table>\n<thead><tr><th scope=\"col\">Page</th><th scope=\"col\">State</th><th scope=\"col\">Next review due</th><th scope=\"col\">Last reviewed</th><th scope=\"col\">Red flags (emergency / urgent / routine)</th><th scope=\"col\">Reviewed by</th>");
    if git {
        h.push_str("<th scope=\"col\">Changed since review</th>");
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    for r in rows {
        let _ = write!(
            h,
            "<tr><th scope=\"row\">{title}<br><small>{path}</small></th><td class=\"{state}\">{state}</td><td>{due}</td><td>{last}</td><td>{flags}</td><td>{by}</td>",
            title = esc(&r.title),
            path = esc(&r.path),
            state = r.state.as_str(),
            due = date(r.next_review_due),
            last = date(r.last_reviewed),
            flags = flags(r),
            by = if r.reviewers.is_empty() { "awaiting clinical review".to_string() } else { esc(&r.reviewers.join("; ")) },
        );
        if git {
            let _ = write!(h, "<td>{}</td>", esc(&r.changed.as_ref().map(ChangeSummary::describe).unwrap_or_default()));
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody>\n</table>\n</main>\n</body>\n</html>\n");
    h
}

/// The evidence pack a quality-mark assessor asks for: per page its sources, review
/// history, reading grade and red flags by urgency, and the site's review policy.
fn evidence(
    dir: &Path,
    pages: &[Page],
    rows: &[ReviewRow],
    config: &crate::config::SiteConfig,
    today: chrono::NaiveDate,
    within: u32,
) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let by_slug: std::collections::HashMap<&str, &Page> = pages.iter().map(|p| (p.slug.as_str(), p)).collect();
    let mut json_pages = Vec::new();
    let mut csv_out = String::from(
        "slug,title,path,state,last_reviewed,next_review_due,reviewed_by,review_history,reading_grade,emergency_flags,urgent_flags,routine_flags,sources\n",
    );
    for r in rows {
        let Some(p) = by_slug.get(r.slug.as_str()) else { continue };
        let grade = p.grade.map(|g| (g * 10.0).round() / 10.0);
        json_pages.push(serde_json::json!({
            "slug": r.slug,
            "title": r.title,
            "path": r.path,
            "state": r.state,
            "last_reviewed": r.last_reviewed,
            "next_review_due": r.next_review_due,
            "reviewed_by": r.reviewers,
            "review_history": p.fm.review_history,
            "reading_grade": grade,
            "red_flags": r.red_flags,
            "sources": p.fm.sources,
            "changed_since_review": r.changed,
        }));
        let history: Vec<String> = p.fm.review_history.iter().map(|h| format!("{} {} ({})", h.date, h.by, h.scope.as_str())).collect();
        let sources: Vec<String> =
            p.fm.sources
                .iter()
                .map(|s| match &s.url {
                    Some(u) => format!("{} <{u}>", s.title),
                    None => s.title.clone(),
                })
                .collect();
        let fields = [
            r.slug.clone(),
            r.title.clone(),
            r.path.clone(),
            r.state.as_str().to_string(),
            r.last_reviewed.map(|d| d.to_string()).unwrap_or_default(),
            r.next_review_due.map(|d| d.to_string()).unwrap_or_default(),
            r.reviewers.join("; "),
            history.join("; "),
            grade.map(|g| format!("{g:.1}")).unwrap_or_default(),
            r.red_flags.emergency.to_string(),
            r.red_flags.urgent.to_string(),
            r.red_flags.routine.to_string(),
            sources.join("; "),
        ];
        let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        let _ = writeln!(csv_out, "{}", line.join(","));
    }
    let pack = serde_json::json!({
        "site": { "title": config.title, "base_url": config.base_url, "locale": config.locale },
        "generated_for": today,
        "policy": {
            "review_interval_years": config.review_interval_years,
            "due_soon_within_days": within,
            "fail_overdue_emergency": config.review.fail_overdue_emergency,
            "require_review_after_clinical_change": config.review.require_review_after_clinical_change,
            "readability_target_grade": config.readability_target_grade,
        },
        "counts": review::counts(rows).into_iter().map(|(s, n)| (s.as_str().to_string(), serde_json::Value::from(n))).collect::<serde_json::Map<_, _>>(),
        "pages": json_pages,
    });
    std::fs::write(dir.join("evidence.json"), serde_json::to_string_pretty(&pack)? + "\n")
        .with_context(|| format!("writing {}", dir.join("evidence.json").display()))?;
    std::fs::write(dir.join("pages.csv"), csv_out).with_context(|| format!("writing {}", dir.join("pages.csv").display()))?;
    Ok(())
}

fn find<'a>(outcome: &'a BuildOutcome, slug: &str) -> anyhow::Result<&'a Page> {
    outcome.pages.iter().find(|p| p.slug == slug && review::reviewable(p)).ok_or_else(|| {
        let hint = did_you_mean(slug, outcome.pages.iter().map(|p| p.slug.as_str()))
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        anyhow::anyhow!("no page with a review cycle has the slug `{slug}`{hint}")
    })
}

fn diff(site: &SiteArgs, slug: &str) -> anyhow::Result<ExitCode> {
    let outcome = load(site)?;
    let page = find(&outcome, slug)?;
    let Some(history) = History::open(&site.root)? else {
        eprintln!("medkb: {} is not inside a git repository, so medkb cannot tell what changed since the review", site.root.display());
        return Ok(ExitCode::from(super::EXIT_CONTENT_ERRORS));
    };
    let Some(reviewed) = page.fm.last_reviewed else {
        eprintln!("medkb: {} has no last_reviewed date: review the whole page", page.path);
        return Ok(ExitCode::SUCCESS);
    };
    let now = std::fs::read_to_string(site.root.join(&page.path)).with_context(|| format!("reading {}", page.path))?;
    let then = history.text_at(&page.path, reviewed)?;
    let commits = history.since(&page.path, reviewed).len();
    println!("{} ({}): last reviewed {reviewed}; {commits} commit{} since", page.slug, page.path, if commits == 1 { "" } else { "s" });
    let Some(then) = then else {
        println!("The page did not exist in the repository on {reviewed}: review the whole page.");
        return Ok(ExitCode::SUCCESS);
    };
    let changed = sections::compare(&then, &now);
    if changed.is_empty() {
        println!("Nothing has changed since the review.");
    }
    for c in changed {
        let what = match (&c.before, &c.after) {
            (None, _) => "added",
            (_, None) => "removed",
            _ => "changed",
        };
        println!("\n=== {} ({}, {what}) ===", c.name, if c.clinical { "clinical" } else { "editorial" });
        print!("{}", sections::line_diff(c.before.as_deref().unwrap_or(""), c.after.as_deref().unwrap_or("")));
    }
    Ok(ExitCode::SUCCESS)
}

fn sign(site: &SiteArgs, slug: &str, by: &str, date: Option<chrono::NaiveDate>, scope: ReviewScope) -> anyhow::Result<ExitCode> {
    let outcome = load(site)?;
    let page = find(&outcome, slug)?;
    let refuse = |msg: String| {
        eprintln!("error: {msg}");
        Ok(ExitCode::from(super::EXIT_CONTENT_ERRORS))
    };
    // The review gates are what a sign-off resolves: they do not block it.
    let gate = |r: Rule| matches!(r, Rule::UnreviewedClinicalChange | Rule::OverdueEmergencyPage);
    let errors = outcome.diagnostics.iter().filter(|d| d.path == page.path && d.severity == Severity::Error && !gate(d.code)).count();
    if errors > 0 {
        return refuse(format!(
            "{} has {errors} error{} that `medkb check` reports; fix {} before signing the page off",
            page.path,
            if errors == 1 { "" } else { "s" },
            if errors == 1 { "it" } else { "them" }
        ));
    }
    let today = today(site);
    let date = date.unwrap_or(today);
    if date > today {
        return refuse(format!("a review cannot be dated {date}, after today ({today})"));
    }
    if scope == ReviewScope::Full {
        if let Some(last) = page.fm.last_reviewed {
            if date < last {
                return refuse(format!("{} was last reviewed on {last}; a full review dated {date} would move that date back", page.path));
            }
        }
    }
    let config = outcome.config.as_ref().expect("load() checked the config");
    let next_due = if scope == ReviewScope::Full { review::next_due(config, date) } else { None };
    let file = site.root.join(&page.path);
    let text = std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
    let signed = match review::sign::sign(&text, &page.path, &review::sign::SignOff { by, date, scope, next_due }) {
        Ok(t) => t,
        Err(msg) => return refuse(format!("{}: {msg}", page.path)),
    };
    // Write beside the page, then rename: an interrupted sign-off never leaves half a file.
    let dir = file.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    std::io::Write::write_all(&mut tmp, signed.as_bytes())?;
    tmp.persist(&file).with_context(|| format!("writing {}", file.display()))?;
    match scope {
        ReviewScope::Full => eprintln!(
            "medkb: signed {} off: full review by {by} on {date}; next review due {}",
            page.path,
            next_due.map(|d| d.to_string()).unwrap_or_else(|| "-".into())
        ),
        ReviewScope::Editorial => eprintln!(
            "medkb: recorded an editorial review of {} by {by} on {date}; the clinical review date stays {}",
            page.path,
            date_or_none(page.fm.last_reviewed)
        ),
    }
    Ok(ExitCode::SUCCESS)
}

fn date_or_none(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_else(|| "unset".into())
}
