//! Command-line types (clap derive). No logic lives here.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(name = "medkb", version, about = "Build a fast, cross-linked, searchable static site from structured medical condition pages.", long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into DIR/public (or --output).
    #[command(after_help = "Example:\n  medkb build --root my-site --output /tmp/site")]
    Build {
        /// The site's folder: where site.toml is.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Where to write the site [default: ROOT/public].
        #[arg(long)]
        output: Option<PathBuf>,
        /// Include pages with status = "draft".
        #[arg(long)]
        drafts: bool,
        /// Fail on warnings as well as errors.
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Check every page and report every problem; writes nothing.
    #[command(after_help = "Examples:\n  medkb check\n  medkb check --format json > problems.json\n  medkb check --readability")]
    Check {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Check drafts too.
        #[arg(long)]
        drafts: bool,
        /// List every note (such as pages awaiting clinical review), not just their count.
        #[arg(long)]
        notes: bool,
        /// Print the Flesch–Kincaid grade of every page.
        #[arg(long)]
        readability: bool,
        /// Fail on warnings as well as errors.
        #[arg(long)]
        deny_warnings: bool,
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
    },
    /// Search the built site's index, with the same code the browser runs.
    #[command(
        after_help = "Examples:\n  medkb search \"shin splints\"\n  medkb search \"plantar fasciitus\" --json --limit 3\n  medkb search \"pain\" --region ankle-foot"
    )]
    Search {
        /// What a reader would type.
        query: String,
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The built site [default: ROOT/public].
        #[arg(long)]
        output: Option<PathBuf>,
        /// Print {"results": [{slug, title, url, score, snippet}, …]}.
        #[arg(long)]
        json: bool,
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// Only pages of this body region.
        #[arg(long)]
        region: Option<String>,
    },
    /// Preview the site: build it, serve it, and rebuild and reload the browser on every save.
    #[command(
        after_help = "Examples:\n  medkb serve --open\n  medkb serve --root my-site --port 8080\n  medkb serve --port 0   # any free port; the address is printed"
    )]
    Serve {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Port to listen on (0: any free port).
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Address to listen on. Anything but loopback makes the preview reachable from other machines.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Open the site in the default browser.
        #[arg(long)]
        open: bool,
        /// Include pages with status = "draft".
        #[arg(long)]
        drafts: bool,
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
