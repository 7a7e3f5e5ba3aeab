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
        // Columns count characters from the line start. Thousands of diagnostics on one
        // long line would each count from the start (quadratic); the last answer on the
        // same line is remembered so the count resumes from there.
        thread_local! {
            static LAST: std::cell::Cell<(usize, usize, usize, usize)> = const { std::cell::Cell::new((0, usize::MAX, 0, 0)) };
        }
        // The text is identified by address and length: a later text at the same address
        // would also need the same length and the same line start to be mistaken for it.
        let key = text.as_ptr() as usize ^ text.len().rotate_left(32);
        let (last_text, last_start, last_offset, last_col) = LAST.with(|c| c.get());
        let (from, col_before) = if last_text == key && last_start == start && last_offset <= offset && text.is_char_boundary(last_offset) {
            (last_offset, last_col)
        } else {
            (start, 1)
        };
        let mut counted = text.get(from..offset).unwrap_or("").chars().count();
        // A BOM at the start of the file is not a column an editor shows.
        if from == 0 && text.get(..offset).is_some_and(|p| p.starts_with('\u{feff}')) {
            counted -= 1;
        }
        let col = col_before + counted;
        if text.is_char_boundary(offset) {
            LAST.with(|c| c.set((key, start, offset, col)));
        }
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
    /// The source line around the problem, at most [`QUOTE_CHARS`] characters of it
    /// (a quote, not a copy: a 100 KB line with 8,000 errors must not print 800 MB).
    pub source_line: Option<String>,
    /// The 1-based column at which `source_line` starts (1 unless the line was clipped).
    pub source_column: usize,
}

/// How much of a source line a diagnostic quotes, in characters.
pub const QUOTE_CHARS: usize = 240;

/// The part of `line` a diagnostic quotes: the whole line when short, else a window
/// of [`QUOTE_CHARS`] characters around byte `at` (the span's start in the line), and
/// the 1-based column at which it starts. Works in the window only, never the whole line.
fn quote(line: &str, at: usize, column: usize) -> (String, usize) {
    if line.len() <= QUOTE_CHARS {
        return (line.to_string(), 1);
    }
    let at = (0..=at.min(line.len())).rev().find(|&i| line.is_char_boundary(i)).unwrap_or(0);
    let (before, after) = line.split_at(at);
    let back: Vec<(usize, char)> = before.char_indices().rev().take(QUOTE_CHARS / 4).collect();
    let from = back.last().map(|(i, _)| *i).unwrap_or(at);
    let ahead = QUOTE_CHARS - back.len();
    let to = after.char_indices().nth(ahead).map(|(i, _)| at + i).unwrap_or(line.len());
    (line[from..to].to_string(), column - back.len())
}

pub fn locate(d: &Diagnostic, sources: &dyn SourceLookup) -> Located {
    let file = sources.source(&d.path);
    let (mut line, mut column, mut end_line, mut end_column, mut source_line, mut source_column) = (1, 1, 1, 1, None, 1);
    if let (Some(f), Some((start, end))) = (file, d.span) {
        (line, column) = f.lines.position(&f.text, start);
        (end_line, end_column) = f.lines.position(&f.text, end.max(start));
        let line_text = f.lines.line_text(&f.text, line);
        // Byte offset of the span in the quoted line (which may have lost a BOM at its start).
        let line_start = line_text.as_ptr() as usize - f.text.as_ptr() as usize;
        let (quoted, from) = quote(line_text, start.saturating_sub(line_start), column);
        source_line = Some(quoted);
        source_column = from;
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
        source_column,
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
/// Text from the site (messages quote it, the source line is it) has its control
/// characters made visible, so a page cannot rewrite the terminal it is shown on.
pub fn render_human(d: &Located) -> String {
    use crate::term::visible;
    let mut out = String::new();
    let _ = writeln!(out, "{}:{}:{}: {}[{}]: {}", visible(&d.path), d.line, d.column, d.severity.label(), d.code, visible(&d.message));
    if let Some(src) = &d.source_line {
        let gutter = d.line.to_string().len();
        let pad = " ".repeat(gutter);
        let clipped_before = d.source_column > 1;
        let column = d.column.saturating_sub(d.source_column - 1).max(1);
        let chars = src.chars().count();
        let end_column = if d.end_line == d.line { d.end_column.saturating_sub(d.source_column - 1).min(chars + 1) } else { chars + 1 };
        let width = end_column.saturating_sub(column).max(1);
        // Each character is shown as `visible` shows it: an escaped control character is wider.
        let shown_width = |c: char| visible(c.encode_utf8(&mut [0; 4])).chars().count();
        let lead: String =
            src.chars().take(column - 1).map(|c| if c == '\t' { "\t".to_string() } else { " ".repeat(shown_width(c)) }).collect();
        let caret_width: usize = src.chars().skip(column - 1).take(width).map(shown_width).sum::<usize>().max(1);
        let pre = if clipped_before { "…" } else { "" };
        let _ = writeln!(out, "{pad} |");
        let _ = writeln!(out, "{} | {pre}{}", d.line, visible(src));
        let _ = writeln!(out, "{pad} | {}{lead}{}", if clipped_before { " " } else { "" }, "^".repeat(caret_width));
    }
    if let Some(help) = &d.help {
        let pad = " ".repeat(if d.source_line.is_some() { d.line.to_string().len() } else { 0 });
        let _ = writeln!(out, "{pad} = help: {}", visible(help));
    }
    out
}

/// How [`print_human`] lays out a run's diagnostics.
#[derive(Debug, Clone, Copy)]
pub struct PrintOptions {
    /// Print notes too (`--notes`); otherwise only their count shows in the summary.
    pub notes: bool,
    /// At most this many errors or warnings per rule (0: no limit). A 10,000-page site can
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
        // Notes print only when asked for (`--notes`), and then every one: they are the
        // reviewer's work list (pages awaiting review, editors' safety-netting).
        let capped = opts.max_per_rule != 0 && severity != Severity::Note;
        let shown = if capped { items.len().min(opts.max_per_rule) } else { items.len() };
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
            source_column: 1,
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
            source_column: 1,
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
