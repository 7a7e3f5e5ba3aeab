//! `medkb build`

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use crate::cli::{ReportArgs, SiteArgs};
use crate::diag::{self, counts, PrintOptions};
use crate::pipeline::{self, Stage};

pub fn run(site: &SiteArgs, report: &ReportArgs, output: Option<&Path>, record_urls: bool) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let mut opts = super::build_options(site, Stage::Render);
    opts.progress = true;
    let deny_warnings = report.deny_warnings;
    let out_dir = output.map(Path::to_path_buf).unwrap_or_else(|| site.root.join("public"));
    // Building replaces the whole output folder: never point that at something medkb did not make.
    crate::output::guard_output(&site.root, &out_dir, output.is_none())?;
    // Files stream into a folder beside the output as they are rendered; only a
    // successful build swaps it in. Dropping it on failure leaves the output as it was.
    let staging = crate::output::Staging::new(&out_dir)?;
    let outcome = pipeline::build_into(&opts, &staging)?;
    diag::print_human(&outcome.diagnostics, PrintOptions { notes: false, max_per_rule: report.max_per_rule });
    let tally = outcome.tally();
    if tally.errors > 0 || (deny_warnings && tally.warnings > 0) || !outcome.rendered {
        eprintln!("medkb: build failed: {}; {} left as it was", counts(tally), out_dir.display());
        return Ok(ExitCode::from(super::EXIT_CONTENT_ERRORS));
    }
    let stats = staging.commit()?;
    if record_urls {
        if let Some(config) = &outcome.config {
            let answered = crate::addresses::answered(&outcome.pages, config);
            let n = crate::addresses::record(&site.root, &answered)?;
            eprintln!("medkb: recorded {n} published addresses in {}", site.root.join(crate::urls::PUBLISHED_URLS_FILE).display());
        }
    }
    eprintln!(
        "medkb: built {} pages ({} files, {} changed) with {} in {:.2}s → {}",
        outcome.pages.len(),
        stats.written + stats.unchanged,
        stats.written,
        counts(tally),
        started.elapsed().as_secs_f64(),
        out_dir.display()
    );
    Ok(ExitCode::SUCCESS)
}
