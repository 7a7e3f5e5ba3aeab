//! Diagnostics: what every stage reports about the content, with a position.
//!
//! Stages never stop at the first problem: they push [`Diagnostic`]s and carry on,
//! so `medkb check` can show an author every problem in one run. Positions are
//! byte offsets into a [`SourceFile`]; they become 1-based lines and columns (in
//! characters) only when printed, through the file's [`LineIndex`].

use std::fmt::Write as _;
use std::path::PathBuf;

use serde::Serialize;

use crate::rules::Rule;

pub use crate::rules::Severity;

/// One problem found in the site's files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The rule it breaks (its code, such as `broken-link`, is what authors see).
    pub code: Rule,
    /// Path relative to the site root, with `/` separators.
    pub path: String,
    /// Byte range in the file; `None` for problems about the whole file.
    pub span: Option<(usize, usize)>,
    pub message: String,
    pub help: Option<String>,
}

impl Diagnostic {
    /// A diagnostic at its rule's default level; the site's `[lints]` may change it later.
    pub fn new(rule: Rule, path: &str, span: Option<(usize, usize)>, message: impl Into<String>) -> Self {
        Diagnostic { severity: rule.default_severity(), code: rule, path: path.to_string(), span, message: message.into(), help: None }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// Maps byte offsets to 1-based line and column numbers (columns count characters).
#[derive(Debug, Clone)]
pub struct LineIndex {
    /// Byte offset at which each line starts.
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    /// 1-based (line, column) of a byte offset; offsets past the end clamp to the end.
    pub fn position(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let prefix = text.get(start..offset).unwrap_or("");
        // A BOM at the start of the file is not a column an editor shows.
        let col = prefix.trim_start_matches('\u{feff}').chars().count() + 1;
        (line + 1, col)
    }

    /// The text of a 1-based line, without its line ending.
    pub fn line_text<'a>(&self, text: &'a str, line: usize) -> &'a str {
        let start = self.starts[line - 1];
        let end = self.starts.get(line).copied().unwrap_or(text.len());
        text[start..end].trim_end_matches(['\n', '\r']).trim_start_matches('\u{feff}')
    }
}

/// A file's text with its line index, kept so diagnostics can quote it.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the site root, `/`-separated (what diagnostics print).
    pub rel: String,
    pub abs: PathBuf,
    pub text: String,
    pub lines: LineIndex,
}

impl SourceFile {
    pub fn new(rel: String, abs: PathBuf, text: String) -> Self {
        let lines = LineIndex::new(&text);
        SourceFile { rel, abs, text, lines }
    }
}

/// Looks up a file's text by its relative path, for quoting source lines.
pub trait SourceLookup {
    fn source(&self, rel: &str) -> Option<&SourceFile>;
}

impl SourceLookup for [SourceFile] {
    fn source(&self, rel: &str) -> Option<&SourceFile> {
        self.iter().find(|f| f.rel == rel)
    }
}

impl SourceLookup for std::collections::HashMap<String, SourceFile> {
    fn source(&self, rel: &str) -> Option<&SourceFile> {
        self.get(rel)
    }
}

/// A diagnostic with its position resolved, ready to print or serialise.
#[derive(Debug, Clone, Serialize)]
pub struct Located {
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub severity: Severity,
    pub code: Rule,
    pub message: String,
    pub help: Option<String>,
    pub source_line: Option<String>,
}

pub fn locate(d: &Diagnostic, sources: &dyn SourceLookup) -> Located {
    let file = sources.source(&d.path);
    let (mut line, mut column, mut end_line, mut end_column, mut source_line) = (1, 1, 1, 1, None);
    if let (Some(f), Some((start, end))) = (file, d.span) {
        (line, column) = f.lines.position(&f.text, start);
        (end_line, end_column) = f.lines.position(&f.text, end.max(start));
        source_line = Some(f.lines.line_text(&f.text, line).to_string());
    }
    Located {
        path: d.path.clone(),
        line,
        column,
        end_line,
        end_column,
        severity: d.severity,
        code: d.code,
        message: d.message.clone(),
        help: d.help.clone(),
        source_line,
    }
}

/// Sorts by path, then position, then severity, and drops exact repeats.
pub fn sort(diags: &mut Vec<Located>) {
    diags.sort_by(|a, b| {
        (&a.path, a.line, a.column, a.severity, a.code, &a.message).cmp(&(&b.path, b.line, b.column, b.severity, b.code, &b.message))
    });
    diags.dedup_by(|a, b| a.path == b.path && a.line == b.line && a.column == b.column && a.code == b.code && a.message == b.message);
}

/// Renders one diagnostic the way rustc and ruff do:
/// `path:line:col: error[code]: message`, the source line, a caret, a help line.
pub fn render_human(d: &Located) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}:{}:{}: {}[{}]: {}", d.path, d.line, d.column, d.severity.label(), d.code, d.message);
    if let Some(src) = &d.source_line {
        let gutter = d.line.to_string().len();
        let pad = " ".repeat(gutter);
        let width = if d.end_line == d.line {
            d.end_column.saturating_sub(d.column).max(1)
        } else {
            src.chars().count().saturating_sub(d.column - 1).max(1)
        };
        let lead: String = src.chars().take(d.column - 1).map(|c| if c == '\t' { '\t' } else { ' ' }).collect();
        let _ = writeln!(out, "{pad} |");
        let _ = writeln!(out, "{} | {}", d.line, src);
        let _ = writeln!(out, "{pad} | {lead}{}", "^".repeat(width));
    }
    if let Some(help) = &d.help {
        let pad = " ".repeat(if d.source_line.is_some() { d.line.to_string().len() } else { 0 });
        let _ = writeln!(out, "{pad} = help: {help}");
    }
    out
}

/// How [`print_human`] lays out a run's diagnostics.
#[derive(Debug, Clone, Copy)]
pub struct PrintOptions {
    /// Print notes too (`--notes`); otherwise only their count shows in the summary.
    pub notes: bool,
    /// At most this many diagnostics per rule (0: no limit). A 10,000-page site can
    /// raise tens of thousands of one warning; the first few say what to fix, and
    /// `--format json` still lists every one.
    pub max_per_rule: usize,
}

impl Default for PrintOptions {
    fn default() -> Self {
        PrintOptions { notes: false, max_per_rule: 20 }
    }
}

/// Human output of a run: grouped by rule (errors first, then warnings, then notes),
/// each group in file order and capped at `max_per_rule` with one line saying how many
/// more there are.
pub fn format_human(diags: &[Located], opts: PrintOptions) -> String {
    // Groups in order of first appearance (the input is sorted by file and position),
    // errors before warnings before notes: the first screen shows what blocks a build.
    let mut groups: Vec<(Severity, Rule, Vec<&Located>)> = Vec::new();
    let mut index: std::collections::HashMap<(Severity, Rule), usize> = std::collections::HashMap::new();
    for d in diags.iter().filter(|d| opts.notes || d.severity != Severity::Note) {
        let i = *index.entry((d.severity, d.code)).or_insert_with(|| {
            groups.push((d.severity, d.code, Vec::new()));
            groups.len() - 1
        });
        groups[i].2.push(d);
    }
    groups.sort_by_key(|(s, _, _)| *s);
    let mut out = String::new();
    for (severity, rule, items) in groups {
        let shown = if opts.max_per_rule == 0 { items.len() } else { items.len().min(opts.max_per_rule) };
        for d in &items[..shown] {
            out.push_str(&render_human(d));
            out.push('\n');
        }
        let more = items.len() - shown;
        if more > 0 {
            let label = severity.label();
            let _ = writeln!(
                out,
                "… and {} more `{rule}` {label}{} (`medkb check --format json` lists all)\n",
                thousands(more),
                if more == 1 { "" } else { "s" }
            );
        }
    }
    out
}

/// Prints [`format_human`] to stderr.
pub fn print_human(diags: &[Located], opts: PrintOptions) {
    use std::io::Write as _;
    let text = format_human(diags, opts);
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// "2 errors, 1 warning, 73 notes": every diagnostic counted by level.
pub fn counts(t: Tally) -> String {
    let plural = |n: usize, word: &str| format!("{} {word}{}", thousands(n), if n == 1 { "" } else { "s" });
    format!("{}, {}, {}", plural(t.errors, "error"), plural(t.warnings, "warning"), plural(t.notes, "note"))
}

/// 44791 → "44,791", so big counts read at a glance.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Counts by severity, for summaries and exit codes.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
}

impl Tally {
    pub fn of<'a>(diags: impl IntoIterator<Item = &'a Located>) -> Self {
        let mut t = Tally::default();
        for d in diags {
            match d.severity {
                Severity::Error => t.errors += 1,
                Severity::Warning => t.warnings += 1,
                Severity::Note => t.notes += 1,
            }
        }
        t
    }
}

/// The nearest candidate within a small edit distance, for "did you mean" hints.
///
/// Candidates whose length alone rules them out are skipped before any distance is
/// computed, so a broken link on a 10k-page site costs a scan, not 10k edit distances.
pub fn did_you_mean<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let max_for = |len: usize| (len / 3).max(2);
    candidates
        .into_iter()
        .filter(|c| c.len().abs_diff(wanted.len()) <= max_for(wanted.len().max(c.len())))
        .map(|c| (strsim::damerau_levenshtein(wanted, c), c))
        .filter(|(d, c)| *d <= max_for(wanted.len().max(c.len())))
        .min()
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_in_chars() {
        let text = "ab\nçd e\r\nlast";
        let idx = LineIndex::new(text);
        assert_eq!(idx.position(text, 0), (1, 1));
        assert_eq!(idx.position(text, 1), (1, 2));
        // 'ç' is two bytes: the 'e' after "çd " is the 4th character.
        let e = text.find('e').unwrap();
        assert_eq!(idx.position(text, e), (2, 4));
        assert_eq!(idx.line_text(text, 2), "çd e");
        assert_eq!(idx.position(text, text.len()), (3, 5));
    }

    #[test]
    fn bom_does_not_count_as_a_column() {
        let text = "\u{feff}+++";
        let idx = LineIndex::new(text);
        assert_eq!(idx.position(text, 3), (1, 1));
        assert_eq!(idx.line_text(text, 1), "+++");
    }

    #[test]
    fn human_rendering_has_caret_and_help() {
        let located = Located {
            path: "content/conditions/a.md".into(),
            line: 12,
            column: 5,
            end_line: 12,
            end_column: 9,
            severity: Severity::Error,
            code: Rule::BrokenLink,
            message: "no page called `x`".into(),
            help: Some("check the slug".into()),
            source_line: Some("see [[x]]".into()),
        };
        let out = render_human(&located);
        assert_eq!(
            out,
            "content/conditions/a.md:12:5: error[broken-link]: no page called `x`\n   |\n12 | see [[x]]\n   |     ^^^^\n   = help: check the slug\n"
        );
    }

    #[test]
    fn human_output_groups_by_rule_and_caps_each_group() {
        let d = |code: Rule, severity: Severity, line: usize| Located {
            path: "content/conditions/a.md".into(),
            line,
            column: 1,
            end_line: line,
            end_column: 2,
            severity,
            code,
            message: format!("m{line}"),
            help: None,
            source_line: None,
        };
        let mut diags: Vec<Located> = (1..=25).map(|l| d(Rule::OneWayRelated, Severity::Warning, l)).collect();
        diags.push(d(Rule::BrokenLink, Severity::Error, 30));
        let out = format_human(&diags, PrintOptions { notes: false, max_per_rule: 20 });
        assert!(out.starts_with("content/conditions/a.md:30:1: error[broken-link]"), "{out}");
        assert_eq!(out.matches("warning[one-way-related]").count(), 20);
        assert!(out.contains("… and 5 more `one-way-related` warnings (`medkb check --format json` lists all)"), "{out}");
        assert_eq!(format_human(&diags, PrintOptions { notes: false, max_per_rule: 0 }).matches("warning[").count(), 25);
        assert_eq!(thousands(44791), "44,791");
        assert_eq!(counts(Tally { errors: 1, warnings: 44791, notes: 0 }), "1 error, 44,791 warnings, 0 notes");
    }

    #[test]
    fn suggests_close_slugs_only() {
        assert_eq!(did_you_mean("calf-strian", ["calf-strain", "gout"]), Some("calf-strain"));
        assert_eq!(did_you_mean("zzz-totally-else", ["calf-strain", "gout"]), None);
    }
}
