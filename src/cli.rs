//! Command-line types (clap derive). No logic lives here.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};

/// What every command that reads the site takes.
#[derive(Debug, Clone, Args)]
pub struct SiteArgs {
    /// The site's folder: where site.toml is.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Include pages with status = "draft".
    #[arg(long)]
    pub drafts: bool,
    /// The date review checks use (YYYY-MM-DD) [default: today]. Pin it for reproducible builds and tests.
    #[arg(long, env = "MEDKB_TODAY", value_parser = parse_date)]
    pub today: Option<NaiveDate>,
    /// Print how long each stage took, and peak memory.
    #[arg(long)]
    pub timings: bool,
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|e| format!("`{s}` is not a date like 2026-11-27 ({e})"))
}

/// How `check` and `build` report diagnostics.
#[derive(Debug, Clone, Args)]
pub struct ReportArgs {
    /// Fail on warnings as well as errors.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Print at most N diagnostics per rule in human output (0: all); JSON output always lists all.
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub max_per_rule: usize,
}

#[derive(Debug, Parser)]
#[command(name = "medkb", version, about = "Build a fast, cross-linked, searchable static site from structured medical condition pages.", long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into DIR/public (or --output).
    #[command(
        after_help = "Examples:\n  medkb build --root my-site --output /tmp/site\n  medkb build --record-urls   # then commit published-urls.txt"
    )]
    Build {
        #[command(flatten)]
        site: SiteArgs,
        #[command(flatten)]
        report: ReportArgs,
        /// Where to write the site [default: ROOT/public].
        #[arg(long)]
        output: Option<PathBuf>,
        /// Add every address this build answers to ROOT/published-urls.txt (commit it):
        /// `check` then fails when one of them would stop answering.
        #[arg(long)]
        record_urls: bool,
    },
    /// Check every page and report every problem; writes nothing.
    #[command(after_help = "Examples:\n  medkb check\n  medkb check --format json > problems.json\n  medkb check --readability")]
    Check {
        #[command(flatten)]
        site: SiteArgs,
        #[command(flatten)]
        report: ReportArgs,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// List every note (such as pages awaiting clinical review), not just their count.
        #[arg(long)]
        notes: bool,
        /// Print the Flesch–Kincaid grade of every page.
        #[arg(long)]
        readability: bool,
    },
    /// Explain why a rule exists, with a failing and a fixed example; with no CODE, list every rule.
    #[command(after_help = "Examples:\n  medkb explain\n  medkb explain red-flag-urgency")]
    Explain {
        /// A rule's code, as printed in brackets by `check` (e.g. broken-link).
        code: Option<String>,
    },
    /// Start a new page from a template, with the parts to fill in marked TODO.
    #[command(
        after_help = "Examples:\n  medkb new condition \"Plantar fasciitis\" --region ankle-foot\n  medkb new guide \"Returning to running after injury\""
    )]
    New {
        #[arg(value_enum)]
        kind: NewKind,
        /// The page's title; its slug (file name) is made from it.
        title: String,
        /// Body region of a condition page (one of site.toml's regions).
        #[arg(long)]
        region: Option<String>,
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The new page's last_reviewed date (YYYY-MM-DD) [default: today].
        #[arg(long, env = "MEDKB_TODAY", value_parser = parse_date)]
        today: Option<NaiveDate>,
    },
    /// Search the built site's index, with the same code the browser runs.
    #[command(
        after_help = "Examples:\n  medkb search \"shin splints\"\n  medkb search \"plantar fasciitus\" --json --limit 3\n  medkb search \"pain\" --region ankle-foot --type symptom\n  medkb search \"heel pain\" --explain\n  medkb search \"fascitis plantar\" --lang es"
    )]
    Search {
        /// What a reader would type.
        query: String,
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The built site [default: ROOT/public].
        #[arg(long)]
        output: Option<PathBuf>,
        /// Print {"emergency": [{text, slug, title, url}, …], "results": [{slug, title, url, score, snippet}, …],
        /// "partial": […], "corrected": "…"}.
        #[arg(long)]
        json: bool,
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// Only pages of this body region.
        #[arg(long)]
        region: Option<String>,
        /// Only pages of this type: condition, symptom or guide.
        #[arg(long = "type", value_name = "TYPE")]
        page_type: Option<String>,
        /// Show, per result, which fields and terms matched and with what weight.
        #[arg(long)]
        explain: bool,
        /// Search the index of this language (a code from site.toml's [languages], e.g. es)
        /// [default: the site's default language].
        #[arg(long)]
        lang: Option<String>,
    },
    /// Preview the site: build it, serve it, and rebuild and reload the browser on every save.
    #[command(
        after_help = "Examples:\n  medkb serve --open\n  medkb serve --root my-site --port 8080\n  medkb serve --port 0   # any free port; the address is printed"
    )]
    Serve {
        #[command(flatten)]
        site: SiteArgs,
        /// Port to listen on (0: any free port).
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Address to listen on. Anything but loopback makes the preview reachable from other machines.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Open the site in the default browser.
        #[arg(long)]
        open: bool,
        /// Also answer requests for this host name (repeatable). By default only the
        /// bound address, loopback addresses and localhost are answered (DNS-rebinding defence).
        #[arg(long, value_name = "NAME")]
        allow_host: Vec<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NewKind {
    Condition,
    Guide,
}
