//! Per-language vocabulary: the words authors write for medkb's structure.
//!
//! The parser understands English section headings, urgency words and timeline units.
//! A page in another language is read through its language's vocabulary, which maps
//! what its authors write (`## Señales de alarma`, `emergencia:`, `Semanas 2–6`) to the
//! English medkb understands, so one parser serves every language and a red flag means
//! the same thing in each. medkb ships one file per language it knows (`src/vocab/`);
//! a site extends it with `vocabulary/<lang>.toml` of the same shape.

use std::collections::BTreeMap;

use serde::Deserialize;

/// The vocabularies built into medkb, by language subtag.
const BUILT_IN: &[(&str, &str)] = &[("es", include_str!("vocab/es.toml"))];

/// What a language's authors write, lower-cased, mapped to medkb's English.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vocabulary {
    /// Heading → `symptoms`, `causes`, `fixes`, `red-flags` or `timeline`.
    #[serde(default)]
    pub sections: BTreeMap<String, String>,
    /// Urgency word → `emergency`, `urgent` or `routine`.
    #[serde(default)]
    pub urgency: BTreeMap<String, String>,
    /// Word or phrase of a timeline label → its English (empty: dropped).
    #[serde(default)]
    pub timeline: BTreeMap<String, String>,
    #[serde(default)]
    pub dates: Dates,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dates {
    /// Month names, January first; empty means English.
    #[serde(default)]
    pub months: Vec<String>,
}

/// Section names a vocabulary may map to.
pub const SECTION_NAMES: [&str; 5] = ["symptoms", "causes", "fixes", "red-flags", "timeline"];
/// Urgencies a vocabulary may map to.
pub const URGENCY_NAMES: [&str; 3] = ["emergency", "urgent", "routine"];

impl Vocabulary {
    /// The vocabulary medkb ships for `lang` (matched on its first subtag: `es-US` → `es`).
    pub fn built_in(lang: &str) -> Option<Vocabulary> {
        let primary = lang.split('-').next().unwrap_or(lang).to_ascii_lowercase();
        BUILT_IN.iter().find(|(l, _)| *l == primary).map(|(_, text)| toml::from_str(text).expect("built-in vocabularies parse"))
    }

    /// Parses a site's vocabulary file.
    pub fn parse(text: &str) -> Result<Vocabulary, toml::de::Error> {
        toml::from_str(text)
    }

    /// Adds `other`'s entries to these (a site extends medkb's vocabulary).
    pub fn extend(&mut self, other: Vocabulary) {
        let low = |m: BTreeMap<String, String>| m.into_iter().map(|(k, v)| (k.to_lowercase(), v));
        self.sections.extend(low(other.sections));
        self.urgency.extend(low(other.urgency));
        self.timeline.extend(low(other.timeline));
        if !other.dates.months.is_empty() {
            self.dates.months = other.dates.months;
        }
    }

    /// Entries whose value medkb does not know, as (table, key, value).
    pub fn unknown_values(&self) -> Vec<(&'static str, &str, &str)> {
        let mut out = Vec::new();
        for (k, v) in &self.sections {
            if !SECTION_NAMES.contains(&v.as_str()) {
                out.push(("sections", k.as_str(), v.as_str()));
            }
        }
        for (k, v) in &self.urgency {
            if !URGENCY_NAMES.contains(&v.as_str()) {
                out.push(("urgency", k.as_str(), v.as_str()));
            }
        }
        out
    }

    /// The section a heading names in this language, as one of [`SECTION_NAMES`].
    pub fn section(&self, heading: &str) -> Option<&str> {
        self.sections.get(&heading.trim().trim_end_matches([':', '?', '.']).to_lowercase()).map(String::as_str)
    }

    /// The urgency a word names in this language, as one of [`URGENCY_NAMES`].
    pub fn urgency(&self, word: &str) -> Option<&str> {
        self.urgency.get(&word.to_lowercase()).map(String::as_str)
    }

    /// A timeline label in English words: phrases replaced longest first, so
    /// "Después de 6 semanas" reads "after 6 weeks" and "De 2 a 4 semanas" "2 to 4 weeks".
    pub fn timeline_label(&self, label: &str) -> String {
        if self.timeline.is_empty() {
            return label.to_string();
        }
        let words: Vec<String> = label.to_lowercase().split_whitespace().map(str::to_string).collect();
        let longest = self.timeline.keys().map(|k| k.split_whitespace().count()).max().unwrap_or(1);
        let mut out: Vec<String> = Vec::new();
        let mut i = 0;
        'outer: while i < words.len() {
            for n in (1..=longest.min(words.len() - i)).rev() {
                let phrase = words[i..i + n].join(" ");
                if let Some(en) = self.timeline.get(&phrase) {
                    if !en.is_empty() {
                        out.push(en.clone());
                    }
                    i += n;
                    continue 'outer;
                }
            }
            out.push(words[i].clone());
            i += 1;
        }
        out.join(" ")
    }

    /// `date` as readers of this language write it: `format` is strftime-like, and
    /// `%B` takes this language's month name.
    pub fn format_date(&self, date: chrono::NaiveDate, format: &str) -> String {
        use chrono::Datelike;
        match self.dates.months.get(date.month0() as usize) {
            Some(month) => date.format(&format.replace("%B", &month.replace('%', "%%"))).to_string(),
            None => date.format(format).to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spanish_reads_as_medkb_english() {
        let es = Vocabulary::built_in("es-US").unwrap();
        assert_eq!(es.section("Señales de alarma"), Some("red-flags"));
        assert_eq!(es.section("Síntomas"), Some("symptoms"));
        assert_eq!(es.urgency("Emergencia"), Some("emergency"));
        assert_eq!(es.timeline_label("Días 1–3"), "days 1–3");
        assert_eq!(es.timeline_label("Después de 6 semanas"), "after 6 weeks");
        assert_eq!(es.timeline_label("De 2 a 4 semanas"), "2 to 4 weeks");
        assert_eq!(es.timeline_label("3+ semanas"), "3+ weeks");
        assert!(es.unknown_values().is_empty());
        let d = chrono::NaiveDate::from_ymd_opt(2026, 11, 21).unwrap();
        assert_eq!(es.format_date(d, "%-d de %B de %Y"), "21 de noviembre de 2026");
    }

    #[test]
    fn a_site_extends_a_vocabulary() {
        let mut es = Vocabulary::built_in("es").unwrap();
        es.extend(Vocabulary::parse("[sections]\n\"Qué se siente\" = \"symptoms\"\n").unwrap());
        assert_eq!(es.section("qué se siente"), Some("symptoms"));
        assert_eq!(es.section("Causas"), Some("causes"));
    }
}
