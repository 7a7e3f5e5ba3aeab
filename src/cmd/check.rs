//! `medkb check`

use std::process::ExitCode;

use crate::cli::{Format, ReportArgs, SiteArgs};
use crate::diag::{self, counts, PrintOptions, Severity};
use crate::parse::PageKind;
use crate::pipeline::{self, Stage};
use crate::rules::Rule;

/// What `check` prints besides the diagnostics.
#[derive(Debug, Clone, Copy)]
pub struct Show {
    pub format: Format,
    pub notes: bool,
    pub readability: bool,
}

pub fn run(site: &SiteArgs, report: &ReportArgs, show: Show) -> anyhow::Result<ExitCode> {
    let Show { format, notes, readability } = show;
    let deny_warnings = report.deny_warnings;
    let opts = super::build_options(site, Stage::Check);
    let outcome = pipeline::build(&opts)?;
    let tally = outcome.tally();
    let failed = tally.errors > 0 || (deny_warnings && tally.warnings > 0);
    let mut grades: Vec<(f64, &str)> =
        outcome.pages.iter().filter(|p| p.kind != PageKind::Home).filter_map(|p| p.grade.map(|g| (g, p.path.as_str()))).collect();
    grades.sort_by(|a, b| a.0.total_cmp(&b.0));
    let median = grades.get(grades.len() / 2).map(|g| g.0);
    let target = outcome.config.as_ref().map(|c| c.readability_target_grade).unwrap_or(8.0);
    match format {
        Format::Json => {
            let json = serde_json::json!({
                "diagnostics": outcome.diagnostics,
                "summary": { "pages": outcome.pages.len(), "errors": tally.errors, "warnings": tally.warnings, "notes": tally.notes },
                "readability": {
                    "target_grade": target,
                    "median_grade": median,
                    "pages": grades.iter().map(|(g, p)| serde_json::json!({ "path": p, "grade": g })).collect::<Vec<_>>(),
                },
            });
            println!("{}", serde_json::to_string_pretty(&json)?);
        }
        Format::Human => {
            diag::print_human(&outcome.diagnostics, PrintOptions { notes, max_per_rule: report.max_per_rule });
            if readability {
                eprintln!("readability (Flesch–Kincaid grade, target ≤ {target}):");
                for (g, p) in grades.iter().rev() {
                    eprintln!("  {g:>5.1}{}  {p}", if *g > target { " !" } else { "  " });
                }
            }
            if let Some(m) = median {
                let above = grades.iter().filter(|g| g.0 > target).count();
                eprintln!(
                    "medkb: readability: median grade {m:.1} (target ≤ {target}); {above} of {} pages above target{}",
                    grades.len(),
                    if readability { "" } else { " (--readability lists them)" }
                );
            }
            let awaiting = outcome.diagnostics.iter().filter(|d| d.severity == Severity::Note && d.code == Rule::AwaitingReview).count();
            if awaiting > 0 && !notes {
                eprintln!("medkb: {awaiting} pages await clinical review (--notes lists them)");
            }
            eprintln!("medkb: checked {} pages: {}", outcome.pages.len(), counts(tally));
        }
    }
    Ok(if failed { ExitCode::from(super::EXIT_CONTENT_ERRORS) } else { ExitCode::SUCCESS })
}
