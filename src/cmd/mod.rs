//! Command front ends: run the pipeline, print what it found, choose the exit code.

pub mod build;
pub mod check;
pub mod explain;
pub mod new;
pub mod review;
pub mod search;
pub mod serve;

use crate::cli::SiteArgs;
use crate::pipeline::{BuildOptions, Stage};

/// The pipeline's options from the command line's shared site arguments.
fn build_options(site: &SiteArgs, stage: Stage) -> BuildOptions {
    let mut opts = BuildOptions::new(&site.root, stage);
    opts.drafts = site.drafts;
    opts.timings = site.timings;
    if let Some(day) = site.today {
        opts.today = day;
    }
    opts
}

pub const EXIT_CONTENT_ERRORS: u8 = 1;
