//! What index pages list of a page, derived once when the page is parsed.
//!
//! Why here and not in the renderer: the A–Z, the conditions list and the symptom
//! index sort and group every page of the site each time one of them is rendered
//! again, and at 10,000 pages deriving their names there (30,000 lower-cased sort
//! keys, 50,000 short symptom names) was most of a title edit's time in the preview.
//! A page's names follow from its own text only, so they are derived with it: an
//! edit derives again only the pages it parses again, and `build` and the preview
//! read the same values.

use super::frontmatter::Frontmatter;
use super::markdown::{Body, SectionKind};

/// One name a page is listed under in the A–Z (its title, or one of its other names).
#[derive(Debug, Clone, PartialEq)]
pub struct ListedName {
    /// The name lower-cased: lists sort by it, so case never splits a letter.
    pub sort_key: String,
    /// The A–Z letter it is filed under: its first letter or digit, upper-cased; `#` for digits.
    pub letter: char,
}

impl ListedName {
    fn of(name: &str) -> Self {
        ListedName { sort_key: name.to_lowercase(), letter: initial(name) }
    }
}

/// A page's names and symptoms as index pages list them.
#[derive(Debug, Clone, PartialEq)]
pub struct Listing {
    /// The title's A–Z name.
    pub title: ListedName,
    /// Each `also_called` name's, in the order written.
    pub also_called: Vec<ListedName>,
    /// The symptom index's name for each item of the page's Symptoms section, in order;
    /// items too long to be a name are left out.
    pub symptoms: Vec<String>,
    /// A fingerprint of what a link to the page in a list shows (title, address,
    /// summary, review date): lists key their kept entries by it, and hashing those
    /// strings for every entry of every list was a tenth of a title edit at 10k pages.
    pub link: u64,
    /// The same for its A–Z entries (title, address, review date; no summary).
    pub az: u64,
}

impl Listing {
    pub fn of(fm: &Frontmatter, url: &str, body: &Body) -> Self {
        let (title, also_called) = (fm.title.as_str(), &fm.also_called);
        let symptoms = body
            .sections
            .iter()
            .find(|s| s.kind == SectionKind::Symptoms)
            .map(|s| s.items.iter().map(|item| short_symptom(item)).filter(|k| !k.is_empty()).collect())
            .unwrap_or_default();
        Listing {
            title: ListedName::of(title),
            also_called: also_called.iter().map(|a| ListedName::of(a)).collect(),
            symptoms,
            link: crate::fingerprint::of((title, url, &fm.summary, fm.last_reviewed)),
            az: crate::fingerprint::of((url, title, fm.last_reviewed)),
        }
    }
}

/// The letter a name is filed under in the A–Z.
fn initial(s: &str) -> char {
    s.chars().find(|c| c.is_alphanumeric()).map(|c| if c.is_ascii_digit() { '#' } else { c.to_ascii_uppercase() }).unwrap_or('#')
}

/// A symptom list item as an index entry: its first clause, with a capital first
/// letter; empty when that clause is too long to read as a name.
fn short_symptom(item: &str) -> String {
    let first = item.split(['.', ';', ':', '(', ',']).next().unwrap_or("").trim();
    if first.split_whitespace().count() > 8 {
        return String::new();
    }
    let mut s = first.to_string();
    if let Some(c) = s.get(0..1) {
        s.replace_range(0..1, &c.to_uppercase());
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_filed_by_their_first_letter_or_digit() {
        assert_eq!(initial("achilles"), 'A');
        assert_eq!(initial("\"Runner's knee\""), 'R');
        assert_eq!(initial("5k pain"), '#');
        assert_eq!(initial("…"), '#');
        assert_eq!(initial("élan"), 'é');
        assert_eq!(ListedName::of("Shin Splints").sort_key, "shin splints");
    }

    #[test]
    fn a_symptom_is_named_by_its_first_clause() {
        assert_eq!(short_symptom("pain at the back of the heel, worse in the morning"), "Pain at the back of the heel");
        assert_eq!(short_symptom("swelling (sometimes)"), "Swelling");
        assert_eq!(short_symptom("one two three four five six seven eight nine ten"), "");
    }
}
