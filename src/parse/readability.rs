//! Readability: the Flesch–Kincaid grade of a page's prose.
//!
//! Health writers aim for a school grade of 8 or below (NHS, MedlinePlus). The
//! formula only needs sentence, word and syllable counts; syllables are estimated
//! from vowel groups, which is what every FK implementation does. List items and
//! headings count as sentences, because that is how readers take them in.

/// Grade = 0.39 × words/sentences + 11.8 × syllables/words − 15.59. `None` under 30 words.
pub fn grade(text: &str) -> Option<f64> {
    let mut words = 0usize;
    let mut syllables = 0usize;
    let mut sentences = 0usize;
    let mut in_sentence = false;
    for token in text.split_whitespace() {
        // The word is the token's letters and digits; no allocation (this runs on every page).
        if token.chars().any(char::is_alphanumeric) {
            words += 1;
            syllables += count_syllables(token);
            in_sentence = true;
        }
        if token.ends_with(['.', '!', '?', ':', ';']) && in_sentence {
            sentences += 1;
            in_sentence = false;
        }
    }
    if in_sentence {
        sentences += 1;
    }
    if words < 30 || sentences == 0 {
        return None;
    }
    let g = 0.39 * words as f64 / sentences as f64 + 11.8 * syllables as f64 / words as f64 - 15.59;
    Some((g * 10.0).round() / 10.0)
}

/// Vowel groups, minus a silent final `e`, at least one. Punctuation is ignored.
pub fn count_syllables(word: &str) -> usize {
    let is_vowel = |c: char| matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y');
    // One pass over the word (this runs for every word of every page).
    let (mut count, mut prev, mut len, mut only_digits) = (0usize, false, 0usize, true);
    let (mut last, mut before_last) = (' ', ' ');
    for c in word.chars().filter(|c| c.is_alphanumeric()) {
        only_digits &= c.is_ascii_digit();
        let c = c.to_ascii_lowercase();
        let v = is_vowel(c);
        if v && !prev {
            count += 1;
        }
        prev = v;
        before_last = last;
        last = c;
        len += 1;
    }
    if only_digits {
        return 1;
    }
    // A final silent e ("make"), but not "-le" ("table").
    if len > 2 && last == 'e' && before_last != 'l' && !is_vowel(before_last) {
        count -= 1;
    }
    count.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syllables() {
        assert_eq!(count_syllables("run"), 1);
        assert_eq!(count_syllables("injury"), 3);
        assert_eq!(count_syllables("make"), 1);
        assert_eq!(count_syllables("table"), 2);
        assert_eq!(count_syllables("plantar"), 2);
        assert_eq!(count_syllables("2026"), 1);
        assert_eq!(count_syllables("Achilles'"), 3);
        assert_eq!(count_syllables("bse"), 1);
    }

    #[test]
    fn simple_text_scores_lower_than_dense_text() {
        let simple = "Rest your leg. Put ice on it. Walk a bit each day. Do not run if it hurts. See a doctor if it gets worse. Most people get better in a few weeks. Keep your runs short and easy.";
        let dense = "Medial tibial stress syndrome represents a periosteal inflammatory reaction attributable to repetitive tibial loading, frequently necessitating comprehensive biomechanical evaluation, individualised rehabilitation programmes and graduated reintroduction of impact activities under professional supervision.";
        let (s, d) = (grade(simple).unwrap(), grade(dense).unwrap());
        assert!(s < 6.0, "{s}");
        assert!(d > 14.0, "{d}");
        assert_eq!(grade("too short"), None);
    }
}
