//! A page's text as named parts (front-matter keys, the lead, each `##` section), so a
//! change can be told clinical or editorial and shown section by section.
//!
//! Why its own parse: the versions compared come from history and may no longer be
//! valid pages; this split only needs the `+++` fences, TOML and `##` headings, and
//! never fails (an unreadable front matter is one part, "front matter").

use crate::kind::SectionKind;

/// Front-matter keys whose change alters what the page says medically.
pub const CLINICAL_KEYS: &[&str] = &["medical_name", "page_type", "body_region", "sources", "gather_red_flags"];

/// Bookkeeping of the review itself: changing these is not a change of content.
pub const REVIEW_KEYS: &[&str] = &["last_reviewed", "next_review_due", "reviewed_by", "review_history"];

/// One named part of a page and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// The key (`medical_name`), "Lead", or the section's heading as written.
    pub name: String,
    pub clinical: bool,
    pub text: String,
}

/// Splits a page into parts; the order is the file's.
pub fn parts(text: &str) -> Vec<Part> {
    let mut out = Vec::new();
    let (front, body) = split_front(text);
    if let Some(front) = front {
        match front.parse::<toml::Table>() {
            Ok(table) => {
                for (key, value) in table {
                    if REVIEW_KEYS.contains(&key.as_str()) {
                        continue;
                    }
                    let clinical = CLINICAL_KEYS.contains(&key.as_str());
                    out.push(Part { name: key.clone(), clinical, text: toml_value_text(&key, value) });
                }
            }
            Err(_) => out.push(Part { name: "front matter".into(), clinical: true, text: front.to_string() }),
        }
    }
    let mut name = "Lead".to_string();
    let mut clinical = false;
    let mut current = String::new();
    let mut fenced = false;
    for line in body.split_inclusive('\n') {
        let t = line.trim_start();
        if t.starts_with("```") || t.starts_with("~~~") {
            fenced = !fenced;
        }
        if !fenced && line.starts_with("## ") {
            out.push(Part { name: std::mem::take(&mut name), clinical, text: std::mem::take(&mut current) });
            let heading = line[3..].trim().trim_end_matches('#').trim();
            let heading = heading.split(" {#").next().unwrap_or(heading).trim();
            name = heading.to_string();
            clinical = SectionKind::from_heading(heading) != SectionKind::Other;
        }
        current.push_str(line);
    }
    out.push(Part { name, clinical, text: current });
    out.retain(|p| !(p.name == "Lead" && p.text.trim().is_empty()));
    out
}

fn toml_value_text(key: &str, value: toml::Value) -> String {
    let mut t = toml::Table::new();
    t.insert(key.to_string(), value);
    toml::to_string(&t).unwrap_or_default()
}

fn split_front(text: &str) -> (Option<&str>, &str) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.split_inclusive('\n');
    if lines.next().map(str::trim_end) != Some("+++") {
        return (None, text);
    }
    let start = text.find('\n').map(|i| i + 1).unwrap_or(text.len());
    let mut offset = start;
    for line in lines {
        if line.trim_end() == "+++" {
            return (Some(&text[start..offset]), &text[offset + line.len()..]);
        }
        offset += line.len();
    }
    (Some(&text[start..]), "")
}

/// A part that differs between two versions of a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changed {
    pub name: String,
    pub clinical: bool,
    /// `None` when the part is new.
    pub before: Option<String>,
    /// `None` when the part was removed.
    pub after: Option<String>,
}

/// The parts that differ, in the newer version's order (removed parts last). A part
/// counts as the same when only its trailing blank lines changed.
pub fn compare(before: &str, after: &str) -> Vec<Changed> {
    let old = parts(before);
    let new = parts(after);
    let find = |list: &[Part], name: &str| list.iter().position(|p| p.name == name);
    let mut out = Vec::new();
    for p in &new {
        match find(&old, &p.name) {
            Some(i) if old[i].text.trim_end() == p.text.trim_end() => {}
            Some(i) => out.push(Changed {
                name: p.name.clone(),
                clinical: p.clinical || old[i].clinical,
                before: Some(old[i].text.clone()),
                after: Some(p.text.clone()),
            }),
            None => out.push(Changed { name: p.name.clone(), clinical: p.clinical, before: None, after: Some(p.text.clone()) }),
        }
    }
    for p in &old {
        if find(&new, &p.name).is_none() {
            out.push(Changed { name: p.name.clone(), clinical: p.clinical, before: Some(p.text.clone()), after: None });
        }
    }
    out
}

/// A line diff of two texts: each line prefixed "  " (same), "- " (removed) or "+ "
/// (added). Longest common subsequence; the parts compared are a section each, small.
pub fn line_diff(before: &str, after: &str) -> String {
    let a: Vec<&str> = before.lines().collect();
    let b: Vec<&str> = after.lines().collect();
    // Parts are short; refuse quadratic work on pathological input and show both whole.
    if a.len().saturating_mul(b.len()) > 4_000_000 {
        let mut s = String::new();
        a.iter().for_each(|l| s.push_str(&format!("- {l}\n")));
        b.iter().for_each(|l| s.push_str(&format!("+ {l}\n")));
        return s;
    }
    let mut lcs = vec![vec![0u32; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] { lcs[i + 1][j + 1] + 1 } else { lcs[i + 1][j].max(lcs[i][j + 1]) };
        }
    }
    let (mut i, mut j, mut s) = (0, 0, String::new());
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            s.push_str(&format!("  {}\n", a[i]));
            i += 1;
            j += 1;
        } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            s.push_str(&format!("- {}\n", a[i]));
            i += 1;
        } else {
            s.push_str(&format!("+ {}\n", b[j]));
            j += 1;
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "+++\ntitle = \"Gout\"\nmedical_name = \"Gout\"\nlast_reviewed = 2026-01-02\n+++\nLead text.\n\n## Symptoms\n\nA hot toe.\n\n## Living with it\n\nTips.\n";

    #[test]
    fn sections_and_keys_are_told_clinical_or_editorial() {
        let edited = PAGE.replace("A hot toe.", "A hot, red toe.").replace("Tips.", "More tips.").replace("2026-01-02", "2026-05-05");
        let changed = compare(PAGE, &edited);
        let names: Vec<(&str, bool)> = changed.iter().map(|c| (c.name.as_str(), c.clinical)).collect();
        assert_eq!(names, [("Symptoms", true), ("Living with it", false)]);
        let renamed = PAGE.replace("medical_name = \"Gout\"", "medical_name = \"Gouty arthritis\"");
        assert_eq!(compare(PAGE, &renamed)[0].name, "medical_name");
        assert!(compare(PAGE, &renamed)[0].clinical);
        assert!(compare(PAGE, PAGE).is_empty());
    }

    #[test]
    fn line_diff_marks_added_and_removed_lines() {
        assert_eq!(line_diff("a\nb\nc\n", "a\nx\nc\n"), "  a\n- b\n+ x\n  c\n");
    }
}
