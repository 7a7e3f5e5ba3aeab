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
        let word: String = token.chars().filter(|c| c.is_alphanumeric() || *c == '\'').collect();
        if !word.is_empty() {
            words += 1;
            syllables += count_syllables(&word);
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

/// Vowel groups, minus a silent final `e`, at least one.
pub fn count_syllables(word: &str) -> usize {
    let w = word.to_lowercase();
    if w.chars().all(|c| c.is_ascii_digit()) {
        return 1;
    }
    let chars: Vec<char> = w.chars().collect();
    let is_vowel = |c: char| matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y');
    let mut count = 0;
    let mut prev = false;
    for &c in &chars {
        let v = is_vowel(c);
        if v && !prev {
            count += 1;
        }
        prev = v;
    }
    if chars.len() > 2 && w.ends_with('e') && !w.ends_with("le") && !is_vowel(chars[chars.len() - 2]) {
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
