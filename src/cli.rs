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
    /// Where every page stands in its clinical review cycle; record and read reviews.
    #[command(
        args_conflicts_with_subcommands = true,
        after_help = "Examples:\n  medkb review\n  medkb review --status overdue --status never-reviewed --format csv > due.csv\n  medkb review --reviewer \"Dr A. Example\" --within 30\n  medkb review --html /tmp/dashboard\n  medkb review diff gout\n  medkb review sign gout --by \"Dr A. Example, GP\""
    )]
    Review {
        #[command(subcommand)]
        action: Option<ReviewAction>,
        #[command(flatten)]
        site: SiteArgs,
        #[command(flatten)]
        list: ReviewList,
    },
}

/// What `medkb review` lists and how.
#[derive(Debug, Clone, Args)]
pub struct ReviewList {
    /// Pages whose next review falls within this many days are "due-soon".
    #[arg(long, value_name = "DAYS", default_value_t = 90)]
    pub within: u32,
    /// Only pages signed by a reviewer whose name or role contains this (any case).
    #[arg(long)]
    pub reviewer: Option<String>,
    /// Only pages of this body region.
    #[arg(long)]
    pub region: Option<String>,
    /// Only pages in this state: overdue, never-reviewed, due-soon or current (repeatable).
    #[arg(long = "status", value_name = "STATE")]
    pub states: Vec<String>,
    #[arg(long, value_enum, default_value_t = ListFormat::Human)]
    pub format: ListFormat,
    /// Also write a self-contained dashboard (index.html) into DIR; it is not part of the public site.
    #[arg(long, value_name = "DIR")]
    pub html: Option<PathBuf>,
    /// Also write an assessor's evidence pack into DIR: evidence.json and pages.csv (per page:
    /// sources, review history, reading grade, red flags by urgency) with the site's review policy.
    #[arg(long, value_name = "DIR")]
    pub evidence: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum ReviewAction {
    /// Show, section by section, what changed in a page since its last review.
    Diff {
        /// The page's slug (its file name without .md).
        slug: String,
        #[command(flatten)]
        site: SiteArgs,
    },
    /// Record a review in a page's front matter (last_reviewed, next_review_due, review_history).
    Sign {
        slug: String,
        /// Who reviewed it: "Name, role".
        #[arg(long, value_name = "NAME, ROLE")]
        by: String,
        /// The review's date (YYYY-MM-DD) [default: today].
        #[arg(long, value_parser = parse_date)]
        date: Option<NaiveDate>,
        /// full: the whole page, clinical content included; editorial: wording only (keeps the clinical review date).
        #[arg(long, value_enum, default_value_t = SignScope::Full)]
        scope: SignScope,
        #[command(flatten)]
        site: SiteArgs,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SignScope {
    Full,
    Editorial,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Human,
    Json,
    Csv,
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
