//! `medkb build`

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use crate::pipeline::{self, BuildOptions, Stage};

pub fn run(root: &Path, output: Option<&Path>, drafts: bool, deny_warnings: bool) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let mut opts = BuildOptions::new(root, Stage::Render);
    opts.drafts = drafts;
    opts.progress = true;
    let out_dir = output.map(Path::to_path_buf).unwrap_or_else(|| root.join("public"));
    // Building replaces the whole output folder: never point that at something medkb did not make.
    crate::output::guard_output(root, &out_dir, output.is_none())?;
    // Files stream into a folder beside the output as they are rendered; only a
    // successful build swaps it in. Dropping it on failure leaves the output as it was.
    let staging = crate::output::Staging::new(&out_dir)?;
    let outcome = pipeline::build_into(&opts, &staging)?;
    super::print_diagnostics(&outcome.diagnostics, false);
    let tally = outcome.tally();
    if tally.errors > 0 || (deny_warnings && tally.warnings > 0) || !outcome.rendered {
        eprintln!("medkb: build failed: {}; {} left as it was", super::counts(tally), out_dir.display());
        return Ok(ExitCode::from(super::EXIT_CONTENT_ERRORS));
    }
    let stats = staging.commit()?;
    eprintln!(
        "medkb: built {} pages ({} files, {} changed) with {} in {:.2}s → {}",
        outcome.pages.len(),
        stats.written + stats.unchanged,
        stats.written,
        super::counts(tally),
        started.elapsed().as_secs_f64(),
        out_dir.display()
    );
    Ok(ExitCode::SUCCESS)
}
