//! Site-level synonyms: abbreviations and lay names, once per site.
//!
//! A group says its phrases name the same thing ("ITBS", "IT band
//! syndrome", "iliotibial band syndrome"). Synonyms are applied when the
//! index is **built**, not when it is read, so the browser downloads no
//! list and queries cost nothing more: a page whose title, medical name or
//! aliases contain one phrase of a group gets the group's other phrases as
//! aliases, and an emergency red flag containing one gets the others as
//! extra words (so "heart attack" finds the flag that says "chest pain").
//! Phrases are compared as analysed terms, so case, plurals, accents and
//! UK/US spelling do not matter.

use crate::analysis;
use crate::Document;

/// The synonym groups of a site.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Synonyms {
    /// Each group: its phrases as written, and as terms.
    groups: Vec<Vec<(String, Vec<String>)>>,
}

/// Separates a red flag's text from the extra words it also matches.
pub const EXTRA: char = '\u{1f}';

impl Synonyms {
    /// Groups of phrases that mean the same; empty phrases are skipped.
    pub fn new(groups: impl IntoIterator<Item = Vec<String>>) -> Synonyms {
        let groups = groups
            .into_iter()
            .map(|g| {
                g.into_iter().map(|p| (analysis::terms(&p), p)).filter(|(t, _)| !t.is_empty()).map(|(t, p)| (p, t)).collect::<Vec<_>>()
            })
            .filter(|g: &Vec<_>| g.len() >= 2)
            .collect();
        Synonyms { groups }
    }

    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// The other phrases of every group one of whose phrases occurs in `text`.
    pub fn expansions(&self, text: &str) -> Vec<String> {
        let terms = analysis::terms(text);
        let mut out = Vec::new();
        for group in &self.groups {
            let present: Vec<bool> = group.iter().map(|(_, t)| contains(&terms, t)).collect();
            if present.iter().any(|&p| p) {
                for ((phrase, _), here) in group.iter().zip(present) {
                    if !here && !out.contains(phrase) {
                        out.push(phrase.clone());
                    }
                }
            }
        }
        out
    }

    /// Adds the synonyms of the page's names to its search terms, and of its
    /// emergency red flags to each flag (after [`EXTRA`]).
    pub fn apply(&self, doc: &mut Document) {
        if self.groups.is_empty() {
            return;
        }
        let names: Vec<&str> = std::iter::once(doc.title.as_str())
            .chain(std::iter::once(doc.medical_name.as_str()))
            .chain(doc.also_called.iter().map(String::as_str))
            .chain(doc.search_terms.iter().map(String::as_str))
            .collect();
        let mut extra = Vec::new();
        for name in names {
            for e in self.expansions(name) {
                if !extra.contains(&e) {
                    extra.push(e);
                }
            }
        }
        doc.search_terms.extend(extra);
        for flag in &mut doc.emergency {
            let extra = self.expansions(flag);
            if !extra.is_empty() {
                flag.push(EXTRA);
                flag.push_str(&extra.join(", "));
            }
        }
    }
}

fn contains(haystack: &[String], needle: &[String]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_gain_their_synonyms() {
        let syn = Synonyms::new([vec!["ITBS".to_string(), "iliotibial band syndrome".to_string()]]);
        let mut doc = Document { title: "Iliotibial Band Syndrome".into(), ..Document::default() };
        syn.apply(&mut doc);
        assert_eq!(doc.search_terms, ["ITBS"]);
        let mut other = Document { title: "Iliotibial band stretches".into(), ..Document::default() };
        syn.apply(&mut other);
        assert!(other.search_terms.is_empty());
    }

    #[test]
    fn flags_gain_extra_words() {
        let syn = Synonyms::new([vec!["heart attack".to_string(), "chest pain".to_string()]]);
        let mut doc = Document { emergency: vec!["you have chest pain while running".into()], ..Document::default() };
        syn.apply(&mut doc);
        assert_eq!(doc.emergency[0], "you have chest pain while running\u{1f}heart attack");
    }
}
