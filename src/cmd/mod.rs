//! Command front ends: run the pipeline, print what it found, choose the exit code.

pub mod build;
pub mod check;
pub mod new;
pub mod search;
pub mod serve;

use std::io::Write;

use crate::diag::{render_human, Located, Severity, Tally};

/// Prints errors and warnings (and notes when asked) to stderr, human-readable.
pub fn print_diagnostics(diags: &[Located], show_notes: bool) {
    let stderr = std::io::stderr();
    let mut out = stderr.lock();
    for d in diags.iter().filter(|d| show_notes || d.severity != Severity::Note) {
        let _ = writeln!(out, "{}", render_human(d));
    }
}

/// "2 errors, 1 warning" style counts.
pub fn counts(t: Tally) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    format!("{}, {}", plural(t.errors, "error"), plural(t.warnings, "warning"))
}

pub const EXIT_CONTENT_ERRORS: u8 = 1;
