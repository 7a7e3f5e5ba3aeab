//! Emergency numbers and services that belong to another country than the site's.
//!
//! Care cards say what to do in the site's locale ("Call 999 or go to A&E" on en-GB,
//! "Call 911 or go to the emergency room" on en-US), but body text is written by hand.
//! A page that tells a US reader to ring 999 sends them nowhere in an emergency, so
//! `check` warns (`emergency-number-locale`) about every such mention, in the page
//! text and in site.toml's description and disclaimer. Only en-GB and en-US have
//! lists; other locales are not checked.

use crate::config::SiteConfig;
use crate::diag::{Diagnostic, SourceFile};
use crate::rules::Rule;

/// The audiences medkb knows the emergency services of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Uk,
    Us,
}

impl Audience {
    pub fn of(locale: &str) -> Option<Audience> {
        if locale.eq_ignore_ascii_case("en-GB") {
            Some(Audience::Uk)
        } else if locale.eq_ignore_ascii_case("en-US") {
            Some(Audience::Us)
        } else {
            None
        }
    }
}

/// Which care card a term belongs with: what the reader should do instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Card {
    Emergency,
    Urgent,
}

#[derive(Debug, Clone, Copy)]
enum Shape {
    /// A phone number: not part of a longer number.
    Number,
    /// A number that is only a phone number after a word like "call" or before "online".
    PhoneNumber,
    /// Words, matched ignoring case, with an optional plural `s`.
    Phrase,
    /// Exactly these letters as a word (`A&E`, `ER`).
    Exact,
}

struct Term {
    text: &'static str,
    shape: Shape,
    /// What it is, for the message: "the UK emergency number".
    what: &'static str,
    /// The site locale's wording to use instead.
    instead: &'static str,
    card: Card,
}

/// UK terms, wrong on an en-US site.
const UK_TERMS: &[Term] = &[
    Term {
        text: "NHS 111",
        shape: Shape::Phrase,
        what: "the UK's urgent-care phone service",
        instead: "a doctor or an urgent care center",
        card: Card::Urgent,
    },
    Term { text: "999", shape: Shape::Number, what: "the UK emergency number", instead: "911", card: Card::Emergency },
    Term {
        text: "111",
        shape: Shape::PhoneNumber,
        what: "the UK's urgent-care phone number",
        instead: "a doctor or an urgent care center",
        card: Card::Urgent,
    },
    Term {
        text: "A&E",
        shape: Shape::Exact,
        what: "the UK name for the emergency department",
        instead: "the emergency room",
        card: Card::Emergency,
    },
];

/// US terms, wrong on an en-GB site.
const US_TERMS: &[Term] = &[
    Term { text: "911", shape: Shape::Number, what: "the US emergency number", instead: "999", card: Card::Emergency },
    Term { text: "emergency room", shape: Shape::Phrase, what: "the US name for A&E", instead: "A&E", card: Card::Emergency },
    Term { text: "ER", shape: Shape::Exact, what: "the US name for A&E", instead: "A&E", card: Card::Emergency },
    Term {
        text: "urgent care center",
        shape: Shape::Phrase,
        what: "a US service",
        instead: "an urgent treatment centre",
        card: Card::Urgent,
    },
];

/// Words after which "111" is a phone number.
const CALL_WORDS: &[&str] = &["call", "calling", "phone", "phoning", "ring", "dial", "contact", "try", "nhs"];

/// One mention of another locale's service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    pub start: usize,
    pub end: usize,
    term: usize,
}

fn terms(audience: Audience) -> &'static [Term] {
    match audience {
        Audience::Uk => US_TERMS,
        Audience::Us => UK_TERMS,
    }
}

/// Quickly rules out text that cannot contain a term, before any Markdown is parsed.
pub fn may_contain(text: &str, audience: Audience) -> bool {
    match audience {
        Audience::Us => text.contains("999") || text.contains("111") || text.contains("A&E"),
        Audience::Uk => {
            text.contains("911")
                || text.contains("ER")
                || text.contains("mergency")
                || text.contains("MERGENCY")
                || text.contains("enter")
                || text.contains("ENTER")
        }
    }
}

/// Every mention of another locale's emergency service in `text`, in order.
pub fn find(text: &str, audience: Audience) -> Vec<Mention> {
    let bytes = text.as_bytes();
    let lower = text.to_ascii_lowercase();
    let mut found: Vec<Mention> = Vec::new();
    for (i, term) in terms(audience).iter().enumerate() {
        let hay = match term.shape {
            Shape::Phrase => lower.as_str(),
            _ => text,
        };
        let needle = match term.shape {
            Shape::Phrase => term.text.to_ascii_lowercase(),
            _ => term.text.to_string(),
        };
        for (start, _) in hay.match_indices(needle.as_str()) {
            let mut end = start + needle.len();
            let before = text[..start].chars().next_back();
            let after = text[end..].chars().next();
            let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric());
            let ok = match term.shape {
                Shape::Number | Shape::PhoneNumber => {
                    let part_of_number = before.is_some_and(|c| c.is_alphanumeric() || matches!(c, ',' | '.' | '$' | '£' | '/'))
                        || word(after)
                        || (matches!(after, Some(',' | '.' | '/')) && bytes.get(end + 1).is_some_and(u8::is_ascii_digit));
                    !part_of_number && (!matches!(term.shape, Shape::PhoneNumber) || is_phone_context(&lower, start, end))
                }
                Shape::Phrase => {
                    if after == Some('s') && !word(text[end + 1..].chars().next()) {
                        end += 1;
                    }
                    !word(before) && !word(text[end..].chars().next())
                }
                Shape::Exact => !word(before) && !word(after) && before != Some('\'') && after != Some('\''),
            };
            // Longer terms come first in each list, so "NHS 111" keeps its 111.
            if ok && !found.iter().any(|m| m.start < end && start < m.end) {
                found.push(Mention { start, end, term: i });
            }
        }
    }
    found.sort_by_key(|m| m.start);
    found
}

/// "call 111", "NHS 111", "111 online".
fn is_phone_context(lower: &str, start: usize, end: usize) -> bool {
    let previous = lower[..start].trim_end().rsplit(|c: char| !c.is_alphanumeric()).next().unwrap_or("");
    let next = lower[end..].trim_start().split(|c: char| !c.is_alphanumeric()).next().unwrap_or("");
    CALL_WORDS.contains(&previous) || next == "online"
}

/// The warning for one mention; `offset` is where `text` starts in the file.
pub fn diagnostic(path: &str, text: &str, offset: usize, m: &Mention, audience: Audience, config: &SiteConfig) -> Diagnostic {
    let term = &terms(audience)[m.term];
    let card = match term.card {
        Card::Emergency => &config.care_cards.emergency,
        Card::Urgent => &config.care_cards.urgent,
    };
    Diagnostic::new(
        Rule::EmergencyNumberLocale,
        path,
        Some((offset + m.start, offset + m.end)),
        format!("\"{}\" is {}, but this site's locale is {}", &text[m.start..m.end], term.what, config.locale),
    )
    .with_help(format!(
        "write {} for {} readers (the site's care card says \"{card}\"), or change `locale` in site.toml",
        quoted(term.instead),
        config.locale
    ))
}

/// Mentions in site.toml's `description` and `disclaimer`, which every page shows.
pub fn site_toml(file: &SourceFile, config: &SiteConfig) -> Vec<Diagnostic> {
    let Some(audience) = Audience::of(&config.locale) else { return Vec::new() };
    let mut out = Vec::new();
    // The raw TOML values hold the words as written, so positions are exact.
    for span in config.description_span.iter().chain([&config.disclaimer_span]) {
        let Some(value) = file.text.get(span.clone()) else { continue };
        for m in find(value, audience) {
            out.push(diagnostic(&file.rel, value, span.start, &m, audience, config));
        }
    }
    out
}

fn quoted(s: &str) -> String {
    format!("\"{s}\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str, audience: Audience) -> Vec<&str> {
        find(text, audience).iter().map(|m| &text[m.start..m.end]).collect()
    }

    #[test]
    fn uk_terms_on_a_us_site() {
        assert_eq!(
            words("Call 999 or go to A&E. Or call NHS 111, or ring 111 now, or use 111 online.", Audience::Us),
            ["999", "A&E", "NHS 111", "111", "111"]
        );
        // Not phone numbers: parts of other numbers, and 111 with no call word.
        assert!(words("In 1999 we ran 9,999 steps, 111 laps and 1.999 km; $999 shoes. A&Every", Audience::Us).is_empty());
    }

    #[test]
    fn us_terms_on_a_uk_site() {
        assert_eq!(
            words("Call 911 or go to the Emergency Room. The ER is busy; urgent care centers help.", Audience::Uk),
            ["911", "Emergency Room", "ER", "urgent care centers"]
        );
        assert!(words("ERROR: hER 9110 or 911.5 emergency rooms-ish? no: emergency roomy. Her", Audience::Uk) == ["emergency rooms"]);
    }

    #[test]
    fn the_prefilter_never_hides_a_mention() {
        for (text, audience) in [("go to A&E", Audience::Us), ("the emergency room", Audience::Uk), ("Urgent Care Center", Audience::Uk)] {
            assert!(may_contain(text, audience), "{text}");
            assert_eq!(find(text, audience).len(), 1, "{text}");
        }
        assert!(!may_contain("rest and ice", Audience::Uk));
    }

    #[test]
    fn another_countrys_number_in_the_disclaimer_is_a_located_warning() {
        let file = |text: &str| SourceFile::new("site.toml".into(), "site.toml".into(), text.into());
        let f = file("title='t'\nbase_url='https://x.org'\nlocale='en-GB'\ndescription = \"Ask the ER.\"\ndisclaimer = \"In an emergency, call 911.\"\n");
        let warnings = site_toml(&f, &SiteConfig::parse(&f).unwrap());
        let found: Vec<&str> = warnings.iter().map(|d| &f.text[d.span.unwrap().0..d.span.unwrap().1]).collect();
        assert_eq!(found, ["ER", "911"]);
        assert!(warnings.iter().all(|d| d.code == Rule::EmergencyNumberLocale));
        let us = file("title='t'\nbase_url='https://x.org'\nlocale='en-US'\ndisclaimer = \"In an emergency, call 911.\"\n");
        assert!(site_toml(&us, &SiteConfig::parse(&us).unwrap()).is_empty());
    }

    #[test]
    fn only_two_locales_are_checked() {
        assert_eq!(Audience::of("en-gb"), Some(Audience::Uk));
        assert_eq!(Audience::of("en-US"), Some(Audience::Us));
        assert_eq!(Audience::of("en-AU"), None);
    }
}
