//! `synonyms.toml`: the site's abbreviations and lay names, once per site.
//!
//! Readers type "ITBS", "DOMS" or "runner's knee" where a page says
//! "iliotibial band syndrome"; listing those on every page (`search_terms`)
//! repeats them and drifts. A site lists each group of names that mean the
//! same thing once, at its root; the search index applies them when it is
//! built (see `search_index::Synonyms`). The file is optional.
//!
//! ```toml
//! [[synonyms]]
//! terms = ["ITBS", "IT band syndrome", "iliotibial band syndrome"]
//! ```
//!
//! `check` reports, at the exact place: TOML errors, unknown keys, a group
//! with fewer than two terms, and a term with no words in it.

use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use crate::diag::{Diagnostic, SourceFile};
use crate::rules::Rule;

/// The file's name at the site root.
pub const FILE: &str = "synonyms.toml";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    #[serde(default)]
    synonyms: Vec<Spanned<Group>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Group {
    terms: Vec<Spanned<String>>,
}

/// The file as read, and its synonyms or the problems found in it.
pub type Loaded = (SourceFile, Result<search_index::Synonyms, Vec<Diagnostic>>);

/// Reads `<root>/synonyms.toml` when there is one.
pub fn load(root: &Path) -> anyhow::Result<Option<Loaded>> {
    let abs = root.join(FILE);
    if !abs.exists() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&abs).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", abs.display()))?;
    let file = SourceFile::new(FILE.into(), abs, text);
    let parsed = parse(&file);
    Ok(Some((file, parsed)))
}

/// Parses and checks a synonyms file.
pub fn parse(file: &SourceFile) -> Result<search_index::Synonyms, Vec<Diagnostic>> {
    let raw: Raw = toml::from_str(&file.text).map_err(|e| {
        let span = e.span().map(|r| (r.start, r.end));
        vec![Diagnostic::new(
            Rule::Synonyms,
            &file.rel,
            span,
            e.message().lines().map(str::trim).collect::<Vec<_>>().join("; ").trim().to_string(),
        )
        .with_help("write each group as [[synonyms]] with terms = [\"ABBR\", \"full name\", …] (see docs/site-toml.md#synonyms)")]
    })?;
    let mut errors = Vec::new();
    let mut groups = Vec::new();
    for group in &raw.synonyms {
        let span = (group.span().start, group.span().end);
        let terms = &group.get_ref().terms;
        if terms.len() < 2 {
            errors.push(
                Diagnostic::new(Rule::Synonyms, &file.rel, Some(span), "this synonym group has fewer than two terms")
                    .with_help("a group names one thing at least two ways, e.g. terms = [\"DOMS\", \"delayed onset muscle soreness\"]"),
            );
        }
        for t in terms {
            if search_index::analysis::terms(t.get_ref()).is_empty() {
                errors.push(
                    Diagnostic::new(Rule::Synonyms, &file.rel, Some((t.span().start, t.span().end)), "this synonym has no words in it")
                        .with_help("write a word or phrase readers type, or remove it"),
                );
            }
        }
        groups.push(terms.iter().map(|t| t.get_ref().clone()).collect::<Vec<_>>());
    }
    if errors.is_empty() {
        Ok(search_index::Synonyms::new(groups))
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile::new(FILE.into(), FILE.into(), text.into())
    }

    #[test]
    fn groups_parse() {
        let s = parse(&file("[[synonyms]]\nterms = [\"DOMS\", \"delayed onset muscle soreness\"]\n")).unwrap();
        assert!(!s.is_empty());
    }

    #[test]
    fn errors_are_located() {
        let text = "[[synonyms]]\nterms = [\"DOMS\"]\n\n[[synonyms]]\nterms = [\"ok\", \"--\"]\n";
        let errs = parse(&file(text)).unwrap_err();
        assert_eq!(errs.len(), 2);
        let bad = errs[1].span.unwrap();
        assert_eq!(&text[bad.0..bad.1], "\"--\"");
        assert!(parse(&file("[[synonym]]\nterms = []\n")).is_err());
    }
}
