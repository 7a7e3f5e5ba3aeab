//! `medkb review sign`: record a review in a page's front matter, leaving every other
//! byte of the file — comments, key order, spacing, the body — as the author wrote it.
//!
//! Why `toml_edit`: re-serialising the front matter through serde would drop comments
//! and reorder keys, and a sign-off must show in version control as the few lines it
//! changed, nothing else.

use chrono::{Datelike, NaiveDate};
use toml_edit::{value, Array, ArrayOfTables, DocumentMut, Item, Table, Value};

use crate::parse::frontmatter::ReviewScope;

/// One sign-off to record.
#[derive(Debug, Clone)]
pub struct SignOff<'a> {
    /// "Name, role".
    pub by: &'a str,
    pub date: NaiveDate,
    pub scope: ReviewScope,
    /// For a full review: the new `next_review_due`.
    pub next_due: Option<NaiveDate>,
}

fn toml_date(d: NaiveDate) -> Value {
    let date = toml_edit::Date { year: d.year() as u16, month: d.month() as u8, day: d.day() as u8 };
    Value::from(toml_edit::Datetime { date: Some(date), time: None, offset: None })
}

/// Replaces a top-level value, keeping the comment and spacing around it; adds the key when absent.
fn set(table: &mut Table, key: &str, new: Value) {
    match table.get_mut(key).and_then(Item::as_value_mut) {
        Some(old) => {
            let decor = old.decor().clone();
            *old = new;
            *old.decor_mut() = decor;
        }
        None => {
            table.insert(key, value(new));
        }
    }
}

/// The page's text with the sign-off recorded. `Err` says why it cannot be recorded.
pub fn sign(text: &str, path: &str, s: &SignOff) -> Result<String, String> {
    let split = crate::parse::frontmatter::split(text, path).map_err(|d| d.message)?;
    let front = &text[split.toml_start..split.toml_end];
    let mut doc: DocumentMut = front.parse().map_err(|e: toml_edit::TomlError| format!("the front matter is not valid TOML: {e}"))?;
    let by = s.by.trim();
    if by.is_empty() {
        return Err("--by must name the reviewer, e.g. --by \"Dr A. Example, GP\"".into());
    }
    let root = doc.as_table_mut();
    if s.scope == ReviewScope::Full {
        set(root, "last_reviewed", toml_date(s.date));
        if let Some(due) = s.next_due {
            set(root, "next_review_due", toml_date(due));
        }
        let mut names = Array::new();
        names.push(by);
        set(root, "reviewed_by", Value::Array(names));
    }
    let mut entry = Table::new();
    entry.insert("date", value(toml_date(s.date)));
    entry.insert("by", value(by));
    entry.insert("scope", value(s.scope.as_str()));
    match root.get_mut("review_history") {
        Some(Item::ArrayOfTables(list)) => list.push(entry),
        Some(_) => return Err("`review_history` must be written as [[review_history]] tables to be signed by medkb".into()),
        None => {
            let mut list = ArrayOfTables::new();
            list.push(entry);
            root.insert("review_history", Item::ArrayOfTables(list));
        }
    }
    let mut edited = doc.to_string();
    if !edited.ends_with('\n') {
        edited.push('\n');
    }
    Ok(format!("{}{}{}", &text[..split.toml_start], edited, &text[split.toml_end..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "+++\ntitle = \"Gout\" # as readers say it\nlast_reviewed = 2024-01-02   # clinical\nreviewed_by = []\n\n[[sources]]\ntitle = \"A\"\n+++\nBody.\n";

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn full_sign_off_keeps_comments_and_order() {
        let s = SignOff { by: "Dr A. Example, GP", date: day("2026-11-20"), scope: ReviewScope::Full, next_due: Some(day("2029-11-20")) };
        let out = sign(PAGE, "p.md", &s).unwrap();
        assert!(out.contains("title = \"Gout\" # as readers say it\nlast_reviewed = 2026-11-20   # clinical\n"), "{out}");
        assert!(out.contains("reviewed_by = [\"Dr A. Example, GP\"]"), "{out}");
        assert!(out.contains("[[review_history]]\ndate = 2026-11-20\nby = \"Dr A. Example, GP\"\nscope = \"full\"\n"), "{out}");
        assert!(out.ends_with("+++\nBody.\n"));
        assert!(out.find("[[sources]]") < out.find("[[review_history]]"));
    }

    #[test]
    fn editorial_sign_off_keeps_the_clinical_date() {
        let s = SignOff { by: "B. Editor, content designer", date: day("2026-11-20"), scope: ReviewScope::Editorial, next_due: None };
        let out = sign(PAGE, "p.md", &s).unwrap();
        assert!(out.contains("last_reviewed = 2024-01-02   # clinical"), "{out}");
        assert!(out.contains("reviewed_by = []"));
        assert!(out.contains("scope = \"editorial\""));
    }
}
