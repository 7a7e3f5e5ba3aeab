//! Emergency concepts: what a frightened reader types when something is an
//! emergency ("heart attack", "can't breathe", "passed out").
//!
//! A query that names one of these concepts, or whose meaningful words all
//! appear in one page's emergency red flag, answers with those red flags
//! first (see [`crate::search`]). A concept is matched by its trigger
//! phrases, compared as stems so "fainted" and "fainting" both count; its
//! `flag_words` say which emergency red flags of the site it means (a
//! flag containing all of them). A concept no page's flag covers (a stroke
//! on a running site) still gets its line, without a page: on a health
//! site the emergency line must never depend on the content having it.
//!
//! The list is English and built in, because it must work on every site
//! without setup; a site adds lay names for its own flags in its synonyms
//! file ([`crate::Synonyms`]), which expands the flags at build time.

use crate::analysis;

/// One emergency concept.
pub struct Concept {
    /// The line shown when no page's red flag covers it.
    pub line: &'static str,
    /// Phrases that name it.
    pub triggers: &'static [&'static str],
    /// Words a page's emergency red flag must contain to be about it.
    pub flag_words: &'static [&'static str],
}

pub const CONCEPTS: &[Concept] = &[
    Concept {
        line: "you have chest pain, pressure or tightness, or think you are having a heart attack",
        triggers: &[
            "heart attack",
            "cardiac arrest",
            "chest pain",
            "chest pains",
            "chest pressure",
            "chest tightness",
            "tight chest",
            "crushing chest",
            "angina",
            "myocardial infarction",
        ],
        flag_words: &["chest"],
    },
    Concept {
        line: "you think you are having a stroke: a drooping face, a weak arm or leg, or slurred or muddled speech",
        triggers: &["stroke", "face drooping", "drooping face", "slurred speech", "face droop"],
        flag_words: &[],
    },
    Concept {
        line: "you cannot breathe, or are struggling to breathe even at rest",
        triggers: &[
            "can't breathe",
            "cant breathe",
            "cannot breathe",
            "unable to breathe",
            "struggling to breathe",
            "not breathing",
            "choking",
            "can't catch my breath",
        ],
        flag_words: &["breath"],
    },
    Concept {
        line: "someone collapses, faints or passes out",
        triggers: &[
            "collapse",
            "collapsed",
            "collapsing",
            "passed out",
            "pass out",
            "passing out",
            "faint",
            "fainted",
            "fainting",
            "blacked out",
            "black out",
            "unconscious",
        ],
        flag_words: &["faint"],
    },
    Concept {
        line: "there is severe bleeding that will not stop",
        triggers: &[
            "severe bleeding",
            "heavy bleeding",
            "bleeding heavily",
            "bleeding badly",
            "won't stop bleeding",
            "wont stop bleeding",
            "haemorrhage",
            "hemorrhage",
        ],
        flag_words: &["bleed"],
    },
];

/// The concepts named in `stems` (the query's stems, in order).
pub fn concepts_in(stems: &[String]) -> Vec<&'static Concept> {
    CONCEPTS
        .iter()
        .filter(|c| {
            c.triggers.iter().any(|t| {
                let trigger = analysis::terms(t);
                !trigger.is_empty() && stems.windows(trigger.len()).any(|w| w == trigger.as_slice())
            })
        })
        .collect()
}

/// The stems a concept's red flags contain.
pub fn flag_stems(c: &Concept) -> Vec<String> {
    c.flag_words.iter().flat_map(|w| analysis::terms(w)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(q: &str) -> Vec<&'static str> {
        concepts_in(&analysis::terms(q)).iter().map(|c| c.line).collect()
    }

    #[test]
    fn names_and_forms_match() {
        assert_eq!(lines("am I having a heart attack").len(), 1);
        assert_eq!(lines("I can't breathe").len(), 1);
        assert_eq!(lines("cant breathe after run").len(), 1);
        assert_eq!(lines("she fainted at the finish").len(), 1);
        assert_eq!(lines("Stroke?").len(), 1);
        assert!(lines("heart rate").is_empty());
        assert!(lines("attack of cramp").is_empty());
    }
}
