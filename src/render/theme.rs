//! The theme: Tera templates and static files, with site overrides.
//!
//! Lookup order for every file: the site's own `templates/` or `static/`, then the
//! site's `themes/default/`, then the copy of the default theme built into medkb.
//! So a site overrides one template by dropping a file of the same name in
//! `templates/`, and medkb still works on a site that has no theme at all.
//!
//! Nothing outside the site root is ever read: the folders themselves and every
//! link inside them are resolved, and one that leaves the site is refused with a
//! diagnostic, as in `content/` (a `static -> /etc` link would otherwise publish
//! `/etc/shadow`). Templates that include or import one another in a cycle (which is
//! also the only way a macro can recurse across files) are reported and replaced by
//! one that fails, because Tera would recurse until the stack overflows.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context as _;

use crate::diag::Diagnostic;
use crate::rules::Rule;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/theme.rs"));
}

/// Templates (name → source) and static files (relative path → bytes).
#[derive(Debug, Default, Clone)]
pub struct Theme {
    pub templates: BTreeMap<String, String>,
    pub statics: BTreeMap<String, Vec<u8>>,
    /// Template name → the site-relative file it came from (absent: built into medkb).
    pub template_paths: BTreeMap<String, String>,
    /// Links refused or skipped, include cycles: reported by `check`, `build` and `serve`.
    pub problems: Vec<Diagnostic>,
    /// UI strings by locale (`strings/<locale>.toml`): key → text. A site's file adds
    /// to and overrides the theme's keys one by one.
    pub strings: BTreeMap<String, BTreeMap<String, String>>,
    /// Locale → the site-relative file its strings were last read from (absent: built in).
    pub string_paths: BTreeMap<String, String>,
}

/// The locale whose strings every other locale must match key for key.
pub const REFERENCE_STRINGS: &str = "en-GB";

impl Theme {
    pub fn load(root: &Path) -> anyhow::Result<Theme> {
        let mut theme = Theme::default();
        for (rel, bytes) in embedded::THEME_FILES {
            theme.add(rel, bytes.to_vec(), None);
        }
        let canonical_root = root.canonicalize().with_context(|| format!("cannot read the site folder {}", root.display()))?;
        for (dir, prefix) in [("themes/default", ""), ("templates", "templates/"), ("static", "static/"), ("strings", "strings/")] {
            theme.overlay(root, &canonical_root, dir, prefix)?;
        }
        theme.break_include_cycles();
        theme.break_recursive_macros();
        Ok(theme)
    }

    fn add(&mut self, rel: &str, bytes: Vec<u8>, from: Option<String>) {
        if let Some(name) = rel.strip_prefix("templates/") {
            self.templates.insert(name.to_string(), String::from_utf8_lossy(&bytes).into_owned());
            match from {
                Some(p) => self.template_paths.insert(name.to_string(), p),
                None => self.template_paths.remove(name),
            };
        } else if let Some(path) = rel.strip_prefix("static/") {
            self.statics.insert(path.to_string(), bytes);
        } else if let Some(locale) = rel.strip_prefix("strings/").and_then(|r| r.strip_suffix(".toml")) {
            let shown = from.clone().unwrap_or_else(|| format!("(built-in theme) strings/{locale}.toml"));
            match toml::from_str::<BTreeMap<String, String>>(&String::from_utf8_lossy(&bytes)) {
                Ok(table) => {
                    self.strings.entry(locale.to_string()).or_default().extend(table);
                    if let Some(p) = from {
                        self.string_paths.insert(locale.to_string(), p);
                    }
                }
                Err(e) => self.problems.push(
                    Diagnostic::new(Rule::MissingString, &shown, None, format!("these UI strings cannot be read: {}", e.message().trim()))
                        .with_help("write one `key = \"text\"` line per string"),
                ),
            }
        }
    }

    /// The UI strings for pages in `locale`: its own file, else its language's
    /// (`es-US` → `es`), else the reference strings.
    pub fn strings_for(&self, locale: &str) -> &BTreeMap<String, String> {
        let primary = locale.split('-').next().unwrap_or(locale);
        self.strings
            .get(locale)
            .or_else(|| self.strings.get(primary))
            .or_else(|| self.strings.get(REFERENCE_STRINGS))
            .expect("the built-in theme has reference strings")
    }

    /// Which locale's file serves `locale` (see [`Theme::strings_for`]), if any.
    pub fn strings_locale(&self, locale: &str) -> Option<&str> {
        let primary = locale.split('-').next().unwrap_or(locale);
        [locale, primary]
            .into_iter()
            .find(|l| self.strings.contains_key(*l))
            .and_then(|l| self.strings.get_key_value(l))
            .map(|(k, _)| k.as_str())
    }

    /// A located error for every UI string the reference locale has and one of the
    /// site's `locales` lacks (or for a locale with no strings at all).
    pub fn missing_strings(&self, locales: &[&str]) -> Vec<Diagnostic> {
        let reference = &self.strings[REFERENCE_STRINGS];
        let mut out = Vec::new();
        for &locale in locales {
            let Some(found) = self.strings_locale(locale) else {
                out.push(
                    Diagnostic::new(
                        Rule::MissingString,
                        "site.toml",
                        None,
                        format!("the theme has no UI strings for `{locale}`, one of the site's languages"),
                    )
                    .with_help(format!(
                        "write strings/{locale}.toml with every key of the theme's strings/{REFERENCE_STRINGS}.toml, translated"
                    )),
                );
                continue;
            };
            let path = self.string_paths.get(found).cloned().unwrap_or_else(|| format!("strings/{found}.toml"));
            let have = &self.strings[found];
            let missing: Vec<&str> = reference.keys().filter(|k| !have.contains_key(*k)).map(String::as_str).collect();
            for key in missing {
                out.push(
                    Diagnostic::new(
                        Rule::MissingString,
                        &path,
                        None,
                        format!("the UI string `{key}` has no {found} text, so {found} pages cannot show it"),
                    )
                    .with_help(format!(
                        "add `{key} = \"…\"` to strings/{found}.toml (the {REFERENCE_STRINGS} text is \"{}\")",
                        reference[key]
                    )),
                );
            }
        }
        out
    }

    fn refuse_outside(&mut self, rel: &str, target: &Path) {
        self.problems.push(
            Diagnostic::new(Rule::InvalidFile, rel, None, format!("this is a link to {}, which is outside the site", target.display()))
                .with_help("copy what you need into the site instead of linking to it; medkb never publishes files from outside the site"),
        );
    }

    fn overlay(&mut self, root: &Path, canonical_root: &Path, dir_rel: &str, prefix: &str) -> anyhow::Result<()> {
        let dir = root.join(dir_rel);
        if !dir.is_dir() {
            return Ok(());
        }
        // The folder itself may be a link: walkdir would follow it wherever it goes.
        let canonical_dir = dir.canonicalize().with_context(|| format!("cannot read {}", dir.display()))?;
        if !canonical_dir.starts_with(canonical_root) {
            self.refuse_outside(dir_rel, &canonical_dir);
            return Ok(());
        }
        for entry in walkdir::WalkDir::new(&dir).follow_links(false).sort_by_file_name() {
            let entry = entry.with_context(|| format!("cannot read {}", dir.display()))?;
            let name = entry.file_name().to_string_lossy();
            if entry.depth() > 0 && crate::fsutil::is_editor_noise(&name) {
                continue;
            }
            let site_rel = crate::fsutil::rel_path(root, entry.path());
            if entry.path_is_symlink() && entry.depth() > 0 {
                match entry.path().canonicalize() {
                    Ok(target) if !target.starts_with(canonical_root) => {
                        self.refuse_outside(&site_rel, &target);
                        continue;
                    }
                    Ok(target) if target.is_file() => {}
                    Ok(_) => {
                        self.problems.push(
                            Diagnostic::new(Rule::LinkedFolder, &site_rel, None, "this is a link to a folder, which medkb does not follow")
                                .with_help("copy the folder here instead of linking to it"),
                        );
                        continue;
                    }
                    Err(_) => {
                        self.problems.push(Diagnostic::new(
                            Rule::LinkedFolder,
                            &site_rel,
                            None,
                            "this link points to a file that does not exist",
                        ));
                        continue;
                    }
                }
            } else if !entry.file_type().is_file() {
                continue;
            }
            let rel = crate::fsutil::rel_path(&dir, entry.path());
            let bytes = std::fs::read(entry.path()).with_context(|| format!("cannot read {}", entry.path().display()))?;
            self.add(&format!("{prefix}{rel}"), bytes, Some(site_rel));
        }
        Ok(())
    }

    /// Finds macros that call themselves (directly or through other macros of the same
    /// file, `self::name()`): Tera has no recursion limit, so such a macro overflows the
    /// stack and aborts the process. Reported, and the template made to fail instead.
    fn break_recursive_macros(&mut self) {
        let mut broken = Vec::new();
        for (name, src) in &self.templates {
            let macros = macros(src);
            for (m, (span, _)) in &macros {
                // Depth-first search over `self::` calls for a path back to `m`.
                let mut stack = vec![m.as_str()];
                let mut seen = std::collections::BTreeSet::new();
                let mut cycle = false;
                while let Some(cur) = stack.pop() {
                    for callee in macros.get(cur).map(|(_, c)| c.as_slice()).unwrap_or(&[]) {
                        if callee == m {
                            cycle = true;
                        } else if seen.insert(callee.as_str()) {
                            stack.push(callee.as_str());
                        }
                    }
                }
                if cycle {
                    let path = self.template_paths.get(name).cloned().unwrap_or_else(|| format!("(built-in theme) templates/{name}"));
                    self.problems.push(
                        Diagnostic::new(
                            Rule::Template,
                            &path,
                            Some(*span),
                            format!("the macro `{m}` calls itself, which medkb cannot bound"),
                        )
                        .with_help("write the macro without recursion (a loop over the data, or one macro per level)"),
                    );
                    broken.push((name.clone(), m.clone()));
                }
            }
        }
        for (name, m) in broken {
            let message = format!("the macro {m} in {name} calls itself").replace('"', "'");
            self.templates.insert(name, format!("{{{{ throw(message=\"{message}\") }}}}"));
        }
    }

    /// Finds templates that include themselves, directly or through others, reports
    /// each cycle once and makes its templates fail with a message instead of recursing.
    fn break_include_cycles(&mut self) {
        // An `{% import %}` cycle recurses the same way when Tera loads the macros (and a
        // macro can only call back into another file through one), so imports are edges too.
        let includes: BTreeMap<&str, Vec<Include>> =
            self.templates.iter().map(|(name, src)| (name.as_str(), included(src).into_iter().chain(imported(src)).collect())).collect();
        let mut broken: Vec<(String, String)> = Vec::new();
        for start in includes.keys() {
            // Depth-first search from `start` for a path back to `start`.
            let mut stack: Vec<(&str, usize)> = vec![(start, 0)];
            let mut seen = std::collections::BTreeSet::new();
            while let Some((name, i)) = stack.pop() {
                let Some(next) = includes.get(name).and_then(|v| v.get(i)) else { continue };
                stack.push((name, i + 1));
                if next.0 == *start {
                    let chain: Vec<&str> = stack.iter().map(|(n, _)| *n).chain([*start]).collect();
                    let (first, _) = stack[0];
                    let (_, span) = includes[first][stack[0].1 - 1].clone();
                    let verb = if self.templates[first][span.0..span.1].contains("import") { "imports" } else { "includes" };
                    let path = self.template_paths.get(first).cloned().unwrap_or_else(|| format!("(built-in theme) templates/{first}"));
                    if !broken.iter().any(|(n, _)| chain.contains(&n.as_str())) {
                        self.problems.push(
                            Diagnostic::new(
                                Rule::Template,
                                &path,
                                Some(span),
                                format!("this template {verb} itself: {}", chain.join(" → ")),
                            )
                            .with_help("remove the include or import that leads back to this template"),
                        );
                    }
                    broken.push((start.to_string(), chain.join(" → ")));
                    break;
                }
                if seen.insert(next.0.as_str()) && includes.contains_key(next.0.as_str()) {
                    stack.push((next.0.as_str(), 0));
                }
            }
        }
        for (name, chain) in broken {
            let message = format!("template include cycle: {chain}").replace('"', "'");
            self.templates.insert(name, format!("{{{{ throw(message=\"{message}\") }}}}"));
        }
    }
}

/// Each macro of a template: name → (span of its `{% macro %}` tag, names it calls with `self::`).
fn macros(src: &str) -> BTreeMap<String, ((usize, usize), Vec<String>)> {
    let mut out = BTreeMap::new();
    let mut current: Option<(String, (usize, usize), usize)> = None;
    let mut from = 0;
    while let Some(open) = src[from..].find("{%").map(|i| i + from) {
        let Some(close) = src[open..].find("%}").map(|i| i + open + 2) else { break };
        let tag = src[open + 2..close - 2].trim_matches(|c: char| c == '-' || c.is_whitespace());
        if let Some(rest) = tag.strip_prefix("macro ") {
            let name: String = rest.trim_start().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            current = Some((name, (open, close), close));
        } else if tag.starts_with("endmacro") {
            if let Some((name, span, body_start)) = current.take() {
                let body = &src[body_start..open];
                let calls = body
                    .match_indices("self::")
                    .map(|(i, _)| body[i + 6..].chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect::<String>())
                    .collect();
                out.insert(name, (span, calls));
            }
        }
        from = close;
    }
    out
}

/// An included template's name and the byte span of its `{% include %}` tag.
type Include = (String, (usize, usize));

/// `(name, byte span)` of every `{% include "name" %}` in a template (also
/// `ignore missing` and lists of names).
fn included(src: &str) -> Vec<Include> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(open) = src[from..].find("{%").map(|i| i + from) {
        let Some(close) = src[open..].find("%}").map(|i| i + open + 2) else { break };
        let tag = src[open + 2..close - 2].trim_matches(|c: char| c == '-' || c.is_whitespace());
        if let Some(rest) = tag.strip_prefix("include") {
            if rest.starts_with(|c: char| c.is_whitespace() || c == '[') {
                for (i, part) in rest.split(['"', '\'']).enumerate() {
                    if i % 2 == 1 {
                        out.push((part.to_string(), (open, close)));
                    }
                }
            }
        }
        from = close;
    }
    out
}

/// `(name, byte span)` of every `{% import "name" as namespace %}` in a template.
fn imported(src: &str) -> Vec<Include> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(open) = src[from..].find("{%").map(|i| i + from) {
        let Some(close) = src[open..].find("%}").map(|i| i + open + 2) else { break };
        let tag = src[open + 2..close - 2].trim_matches(|c: char| c == '-' || c.is_whitespace());
        if let Some(rest) = tag.strip_prefix("import") {
            if let Some(name) = rest.trim_start().strip_prefix(['"', '\'']).and_then(|r| r.split(['"', '\'']).next()) {
                out.push((name.to_string(), (open, close)));
            }
        }
        from = close;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recursive_macros_are_reported_and_broken() {
        let mut theme = Theme::default();
        theme.templates.insert("a.html".into(), "{% macro m(n) %}{{ self::m(n=n) }}{% endmacro m %}{{ self::m(n=1) }}".into());
        theme
            .templates
            .insert("b.html".into(), "{% macro x() %}{{ self::y() }}{% endmacro %}{% macro y() %}{{ self::x() }}{% endmacro %}".into());
        theme.templates.insert("c.html".into(), "{% macro x() %}a{% endmacro %}{% macro y() %}{{ self::x() }}{% endmacro %}".into());
        theme.break_recursive_macros();
        let messages: Vec<&str> = theme.problems.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "the macro `m` calls itself, which medkb cannot bound",
                "the macro `x` calls itself, which medkb cannot bound",
                "the macro `y` calls itself, which medkb cannot bound"
            ]
        );
        assert!(theme.templates["a.html"].contains("throw") && !theme.templates["c.html"].contains("throw"));
    }

    #[test]
    fn include_names_are_found() {
        let found = included("a {% include \"x.html\" %} b {%- include ['y.html', \"z.html\"] ignore missing -%}");
        let names: Vec<&str> = found.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["x.html", "y.html", "z.html"]);
    }

    #[test]
    fn include_cycles_are_reported_and_broken() {
        let mut theme = Theme::default();
        theme.templates.insert("a.html".into(), "{% include \"b.html\" %}".into());
        theme.templates.insert("b.html".into(), "x {% include \"a.html\" %}".into());
        theme.templates.insert("c.html".into(), "{% include \"c.html\" %}".into());
        theme.templates.insert("d.html".into(), "{% include \"a.html\" %}".into());
        theme.template_paths.insert("c.html".into(), "templates/c.html".into());
        theme.break_include_cycles();
        let messages: Vec<&str> = theme.problems.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(messages, ["this template includes itself: a.html → b.html → a.html", "this template includes itself: c.html → c.html"]);
        assert_eq!(theme.problems[1].path, "templates/c.html");
        assert_eq!(theme.problems[1].span, Some((0, 22)));
        assert!(theme.templates["c.html"].contains("throw"));
        assert!(!theme.templates["d.html"].contains("throw"), "d only uses the cycle");
    }

    #[test]
    fn macros_recursing_through_an_import_are_reported_and_broken() {
        let mut theme = Theme::default();
        theme.templates.insert("a.html".into(), "{% import \"b.html\" as b %}{% macro m() %}{{ b::n() }}{% endmacro %}".into());
        theme.templates.insert("b.html".into(), "{% import 'a.html' as a %}{% macro n() %}{{ a::m() }}{% endmacro %}".into());
        theme.templates.insert("c.html".into(), "{% import \"c.html\" as c %}".into());
        theme.templates.insert("d.html".into(), "{% import \"b.html\" as b %}{{ b::n() }}".into());
        theme.break_include_cycles();
        let messages: Vec<&str> = theme.problems.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(messages, ["this template imports itself: a.html → b.html → a.html", "this template imports itself: c.html → c.html"]);
        assert_eq!(theme.problems[0].span, Some((0, 26)));
        assert!(["a.html", "b.html", "c.html"].iter().all(|t| theme.templates[*t].contains("throw")));
        assert!(!theme.templates["d.html"].contains("throw"), "d only uses the cycle");
        // Tera itself would overflow the stack loading these macros; broken, they are an error.
        let mut tera = tera::Tera::default();
        tera.add_raw_templates(theme.templates.iter().map(|(n, s)| (n.as_str(), s.as_str()))).unwrap();
        assert!(tera.render("d.html", &tera::Context::new()).is_err());
    }
}
