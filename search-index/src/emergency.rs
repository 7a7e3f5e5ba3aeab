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
//! The lists are built in, one per index language (English and Spanish),
//! because they must work on every site without setup; a site adds lay names
//! for its own flags in its synonyms file ([`crate::Synonyms`]), which expands
//! the flags at build time. The Spanish list is the editors' own wording,
//! awaiting clinical review like the Spanish pages.

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

/// The same concepts for Spanish readers, matched with the Spanish analyzer.
/// Bleeding names no flag words: "sangre" is also in "tose sangre", which is
/// another emergency, so severe bleeding always gets its own line.
pub const CONCEPTS_ES: &[Concept] = &[
    Concept {
        line: "tiene dolor, presión u opresión en el pecho, o cree que está teniendo un infarto",
        triggers: &[
            "infarto",
            "ataque al corazón",
            "ataque cardiaco",
            "paro cardiaco",
            "dolor de pecho",
            "dolor en el pecho",
            "opresión en el pecho",
            "presión en el pecho",
            "pecho apretado",
            "angina de pecho",
        ],
        flag_words: &["pecho"],
    },
    Concept {
        line: "cree que está teniendo un ictus (derrame cerebral): la cara caída, un brazo o una pierna débil, o el habla arrastrada o confusa",
        triggers: &["ictus", "derrame cerebral", "accidente cerebrovascular", "embolia cerebral", "cara caída", "habla arrastrada"],
        flag_words: &[],
    },
    Concept {
        line: "no puede respirar, o le cuesta respirar incluso en reposo",
        triggers: &["no puedo respirar", "no puede respirar", "no respira", "me ahogo", "se ahoga", "asfixia", "atragantado", "me falta el aire"],
        flag_words: &["aire"],
    },
    Concept {
        line: "alguien se desploma, se desmaya o pierde el conocimiento",
        triggers: &[
            "desmayo",
            "desmayé",
            "desmayó",
            "desmayarse",
            "desmayado",
            "perdió el conocimiento",
            "perder el conocimiento",
            "inconsciente",
            "se desplomó",
            "colapso",
        ],
        flag_words: &["desmaya"],
    },
    Concept {
        line: "hay un sangrado grave que no se detiene",
        triggers: &["sangrado abundante", "sangrado grave", "sangra mucho", "hemorragia", "no para de sangrar"],
        flag_words: &[],
    },
];

/// The concepts of the language this thread analyses in ([`analysis::language`]).
pub fn concepts() -> &'static [Concept] {
    match analysis::language() {
        analysis::Language::Spanish => CONCEPTS_ES,
        analysis::Language::English => CONCEPTS,
    }
}

/// The concepts named in `stems` (the query's stems, in order).
pub fn concepts_in(stems: &[String]) -> Vec<&'static Concept> {
    concepts()
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

    #[test]
    fn spanish_readers_have_their_own_concepts() {
        let es = |q: &str| analysis::with_language(analysis::Language::Spanish, || lines(q));
        assert_eq!(es("¿estoy teniendo un infarto?").len(), 1);
        assert_eq!(es("Infarto").len(), 1);
        assert_eq!(es("dolor en el pécho").len(), 1, "accents typed or not");
        assert_eq!(es("no puedo respirar").len(), 1);
        assert_eq!(es("se desmayó al terminar").len(), 1);
        assert_eq!(es("hemorragia").len(), 1);
        assert!(es("dolor de rodilla").is_empty());
        assert!(es("heart attack").is_empty(), "English words do not trigger Spanish concepts");
        assert!(es("infarto")[0].starts_with("tiene dolor"), "the line is Spanish");
    }
}
