//! Text analysis: how text becomes index terms.
//!
//! Every text field, and every typed query, goes through the same chain:
//! split on non-alphanumerics → drop absurdly long tokens → lower-case →
//! ASCII-fold (`Sever's` and `séver` meet, `naïve` → `naive`) → English
//! spelling variants ([`spelling`]: UK and US spellings meet, `anaemia` and
//! `anemia` → `anemia`) → English Snowball stemming (`running`, `runs` →
//! `run`; `fasciitis` → `fasciiti`).
//!
//! Stop words are **kept** in the index: phrases such as "pain in the heel"
//! and "throat on fire" need them, and BM25 already gives them almost no
//! weight. At query time [`is_stop_word`] drops them from the per-word
//! clauses when the query has other words (see [`crate::search`]).

use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer, TextAnalyzer, Token, TokenFilter, TokenStream,
    Tokenizer,
};

/// The name the English analyzer is registered under in the index.
pub const ANALYZER: &str = "medkb_en";

/// The language an index is analysed in: it decides the stemmer, the spelling
/// variants and the stop words. Each language a site publishes gets its own index;
/// which one an index is in is recorded by its fields' tokenizer name, so a reader
/// (the browser's too) analyses queries exactly as the index was built.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Language {
    #[default]
    English,
    Spanish,
}

impl Language {
    pub const ALL: [Language; 2] = [Language::English, Language::Spanish];

    /// The language of a language tag (`es`, `es-US` → Spanish); `None` when
    /// medkb has no analyzer for it.
    pub fn of_tag(tag: &str) -> Option<Language> {
        match tag.split('-').next().unwrap_or(tag).to_ascii_lowercase().as_str() {
            "en" => Some(Language::English),
            "es" => Some(Language::Spanish),
            _ => None,
        }
    }

    /// The name its analyzer is registered under in an index.
    pub fn tokenizer_name(self) -> &'static str {
        match self {
            Language::English => ANALYZER,
            Language::Spanish => "medkb_es",
        }
    }

    pub fn of_tokenizer_name(name: &str) -> Option<Language> {
        Language::ALL.into_iter().find(|l| l.tokenizer_name() == name)
    }

    fn algorithm(self) -> frostem::Algorithm {
        match self {
            Language::English => frostem::Algorithm::English,
            Language::Spanish => frostem::Algorithm::Spanish,
        }
    }
}

thread_local! {
    /// The language this thread analyses in: set around a build or a search with
    /// [`with_language`], so the helpers below ([`terms`], [`stem`], …) and the
    /// registered analyzer agree without threading a parameter through every call.
    static LANGUAGE: std::cell::Cell<Language> = const { std::cell::Cell::new(Language::English) };
}

/// The language this thread analyses in (English unless inside [`with_language`]).
pub fn language() -> Language {
    LANGUAGE.with(|l| l.get())
}

/// Runs `f` analysing in `lang`, then restores the previous language.
pub fn with_language<R>(lang: Language, f: impl FnOnce() -> R) -> R {
    let before = LANGUAGE.with(|l| l.replace(lang));
    let out = f();
    LANGUAGE.with(|l| l.set(before));
    out
}

/// Tokens longer than this (in bytes) are dropped: they are never words.
pub const MAX_TOKEN_LEN: usize = 40;

/// The full analyzer used for every text field, in this thread's [`language`].
pub fn analyzer() -> TextAnalyzer {
    analyzer_for(language())
}

/// The full analyzer of `lang`. Folding comes before stemming, so accents typed or
/// not meet (`fascítis` and `fascitis`, `rodilla` and `ródilla`).
pub fn analyzer_for(lang: Language) -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_LEN))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(EnglishStemmer(lang))
        .build()
}

/// The analyzer without stemming: what the reader typed, normalised.
pub fn folding_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_LEN))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// Stems one already folded word.
pub fn stemmer() -> TextAnalyzer {
    TextAnalyzer::builder(RawTokenizer::default()).filter(EnglishStemmer(language())).build()
}

/// Snowball stemming, as Tantivy's `Stemmer::new(Language::English)` (or
/// `Spanish`) does (same crate, same algorithm, same terms), without compiling
/// the other languages into the browser module. English also maps spelling
/// variants (UK and US) before stemming.
#[derive(Clone, Copy, Debug, Default)]
pub struct EnglishStemmer(pub Language);

impl TokenFilter for EnglishStemmer {
    type Tokenizer<T: Tokenizer> = EnglishStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> EnglishStemmerFilter<T> {
        EnglishStemmerFilter { inner: tokenizer, lang: self.0 }
    }
}

#[derive(Clone)]
pub struct EnglishStemmerFilter<T> {
    inner: T,
    lang: Language,
}

impl<T: Tokenizer> Tokenizer for EnglishStemmerFilter<T> {
    type TokenStream<'a> = EnglishStemmerStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        EnglishStemmerStream { tail: self.inner.token_stream(text), stemmer: frostem::Stemmer::new(self.lang.algorithm()), lang: self.lang }
    }
}

/// Words whose stems are remembered per thread before the memo starts again.
const STEM_CACHE_WORDS: usize = 50_000;

thread_local! {
    /// Each language's words and their stems (see `EnglishStemmerStream::advance`).
    static STEMS: std::cell::RefCell<[foldhash::HashMap<String, String>; Language::ALL.len()]> = Default::default();
}

pub struct EnglishStemmerStream<T> {
    tail: T,
    stemmer: frostem::Stemmer,
    lang: Language,
}

impl<T: TokenStream> TokenStream for EnglishStemmerStream<T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        // Stemming was a quarter of a site build's CPU time, and running text repeats
        // the same few thousand words: remember each word's stem.
        let stemmer = &self.stemmer;
        let lang = self.lang;
        // Looked up by the word itself and written into the token's own buffer: no
        // allocation for a word seen before (most of them), and a fast hash, as
        // SipHash over a key made for each token was a fifth of indexing time.
        STEMS.with(|cache| {
            let cache = &mut cache.borrow_mut()[lang as usize];
            if let Some(stem) = cache.get(token.text.as_str()) {
                token.text.clear();
                token.text.push_str(stem);
                return;
            }
            if cache.len() >= STEM_CACHE_WORDS {
                cache.clear();
            }
            let stem = match lang {
                Language::English => stemmer.stem(&spelling(&token.text)).into_owned(),
                _ => stemmer.stem(&token.text).into_owned(),
            };
            let word = std::mem::replace(&mut token.text, stem.clone());
            cache.insert(word, stem);
        });
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// One spelling for UK and US variants of a (lower-case, folded) word, by
/// rule rather than by word list wherever a rule exists, applied to the
/// index and to queries alike, so each spelling finds the other:
///
/// * `-ise`/`-ize`, `-yse`/`-yze` → `-is…`, `-ys…` (organize, organise; not
///   *size*, *prize*: the rule wants three letters before the suffix);
/// * `-our` → `-or` (tumour, colours, favourite; not *four*, *your*, *hours*);
/// * `-tre`, `-bre` → `-ter`, `-ber` (centre, fibre, litres);
/// * `ae` between consonants or at the start before a consonant → `e`
///   (anaemia, haemorrhage, paediatric, aetiology; not *aerobic*, *vertebrae*);
/// * `oe` at the start before a consonant and in `rrhoe`, `foet`, `coel`,
///   `amoeb`, `manoeuv` → `e` (oedema, oesophagus, diarrhoea, coeliac);
/// * `-logue` → `-log` (catalogue, dialogue);
/// * the few doubled-`l` stems (travelled, fuelling, modelling, labelled,
///   cancelled), `-ence`/`-ense` nouns (defence, licence, offence) and single
///   words (programme, grey, sulphur, mould, ageing, practise, tyre).
pub fn spelling(word: &str) -> std::borrow::Cow<'_, str> {
    use std::borrow::Cow;
    let mut w: Cow<str> = Cow::Borrowed(word);
    let replace_suffix = |w: &str, suffixes: &[(&str, &str)], min_prefix: usize| -> Option<String> {
        suffixes.iter().find_map(|(from, to)| w.strip_suffix(from).filter(|p| p.len() >= min_prefix).map(|p| format!("{p}{to}")))
    };
    const IZE: &[(&str, &str)] = &[
        ("izations", "isations"),
        ("ization", "isation"),
        ("izing", "ising"),
        ("ized", "ised"),
        ("izes", "ises"),
        ("izers", "isers"),
        ("izer", "iser"),
        ("ize", "ise"),
        ("yzing", "ysing"),
        ("yzed", "ysed"),
        ("yzes", "yses"),
        ("yze", "yse"),
    ];
    const OUR: &[(&str, &str)] = &[
        ("ourites", "orites"),
        ("ourite", "orite"),
        ("ourable", "orable"),
        ("ourful", "orful"),
        ("ouring", "oring"),
        ("oured", "ored"),
        ("ours", "ors"),
        ("our", "or"),
    ];
    const RE: &[(&str, &str)] = &[("tres", "ters"), ("tre", "ter"), ("bres", "bers"), ("bre", "ber")];
    if let Some(x) = replace_suffix(&w, IZE, 3) {
        w = Cow::Owned(x);
    }
    if let Some(x) = replace_suffix(&w, OUR, 2) {
        w = Cow::Owned(x);
    }
    if w.len() >= 5 {
        if let Some(x) = replace_suffix(&w, RE, 2) {
            w = Cow::Owned(x);
        }
    }
    if let Some(x) = replace_suffix(&w, &[("logues", "logs"), ("logue", "log")], 2) {
        w = Cow::Owned(x);
    }
    const PARTS: &[(&str, &str)] = &[
        ("rrhoe", "rrhe"),
        ("foet", "fet"),
        ("coel", "cel"),
        ("amoeb", "ameb"),
        ("manoeuvre", "maneuver"),
        ("manoeuv", "maneuv"),
        ("travell", "travel"),
        ("fuell", "fuel"),
        ("modell", "model"),
        ("labell", "label"),
        ("cancell", "cancel"),
        ("signall", "signal"),
        ("counsell", "counsel"),
        ("levell", "level"),
        ("defenc", "defens"),
        ("offenc", "offens"),
        ("licenc", "licens"),
        ("pretenc", "pretens"),
        ("programme", "program"),
        ("sulph", "sulf"),
        ("mould", "mold"),
        ("ageing", "aging"),
        ("practis", "practic"),
    ];
    for (from, to) in PARTS {
        if w.contains(from) {
            w = Cow::Owned(w.replace(from, to));
        }
    }
    match w.as_ref() {
        "grey" => w = Cow::Borrowed("gray"),
        "tyre" | "tyres" => w = Cow::Owned(w.replacen("tyre", "tire", 1)),
        _ => {}
    }
    // ae / oe digraphs.
    let b = w.as_bytes();
    let consonant = |c: u8| c.is_ascii_lowercase() && !b"aeiouy".contains(&c);
    if b.len() >= 4
        && ((b[0] == b'a' && b[1] == b'e' && consonant(b[2]) && b[2] != b'r') || (b[0] == b'o' && b[1] == b'e' && consonant(b[2])))
    {
        w = Cow::Owned(w[1..].to_string());
    }
    let b = w.as_bytes();
    if b.windows(4).any(|x| consonant(x[0]) && x[1] == b'a' && x[2] == b'e' && consonant(x[3])) {
        let mut out = Vec::with_capacity(b.len());
        let mut i = 0;
        while i < b.len() {
            if i + 3 < b.len() + 1
                && i >= 1
                && b[i] == b'a'
                && i + 2 < b.len()
                && b[i + 1] == b'e'
                && consonant(b[i - 1])
                && consonant(b[i + 2])
            {
                i += 1; // drop the `a`
                continue;
            }
            out.push(b[i]);
            i += 1;
        }
        w = Cow::Owned(String::from_utf8(out).unwrap_or_default());
    }
    w
}

/// The index terms for `text`, in order.
pub fn terms(text: &str) -> Vec<String> {
    collect(&mut analyzer(), text)
}

/// The lower-cased, folded, unstemmed words of `text`, in order.
pub fn words(text: &str) -> Vec<String> {
    collect(&mut folding_analyzer(), text)
}

/// Stems a single folded word (`running` → `run`).
pub fn stem(word: &str) -> String {
    collect(&mut stemmer(), word).into_iter().next().unwrap_or_default()
}

fn collect(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        out.push(stream.token().text.clone());
    }
    out
}

/// Function words that carry no meaning on their own in a query such as
/// "why does my throat burn when I run". Kept in the index (phrases need
/// them), ignored as stand-alone query words when other words are present.
pub fn is_stop_word(folded: &str) -> bool {
    if language() == Language::Spanish {
        return ES_STOP.contains(&folded);
    }
    const STOP: &[&str] = &[
        "a", "about", "after", "am", "an", "and", "any", "are", "as", "at", "be", "been", "before", "but", "by", "can", "could", "did",
        "do", "does", "doing", "during", "for", "from", "get", "gets", "got", "had", "has", "have", "having", "how", "i", "if", "im", "in",
        "into", "is", "it", "its", "it's", "just", "me", "my", "of", "on", "or", "should", "so", "some", "that", "the", "their", "them",
        "then", "there", "these", "they", "this", "to", "too", "up", "very", "was", "we", "what", "when", "where", "which", "while", "who",
        "why", "will", "with", "would", "you", "your",
    ];
    STOP.contains(&folded)
}

/// Spanish function words, folded ("qué" → "que"), as [`is_stop_word`] uses them.
const ES_STOP: &[&str] = &[
    "a", "al", "algo", "como", "con", "cuando", "de", "del", "despues", "donde", "el", "ella", "en", "es", "esta", "este", "esto", "hay",
    "la", "las", "le", "lo", "los", "me", "mi", "mis", "muy", "no", "o", "para", "pero", "por", "porque", "que", "se", "si", "sin", "su",
    "sus", "tengo", "u", "un", "una", "y", "ya", "yo",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lowercases_folds_and_stems() {
        assert_eq!(terms("Running RUNS"), vec!["run", "run"]);
        assert_eq!(terms("Sévère naïve"), terms("severe naive"));
        assert_eq!(terms("Plantar Fasciitis"), terms("plantar fasciitis"));
        assert_eq!(terms("strains"), terms("strain"));
        assert_eq!(terms("splints"), terms("splint"));
    }

    #[test]
    fn words_are_folded_not_stemmed() {
        assert_eq!(words("Ça va, RUNNING!"), vec!["ca", "va", "running"]);
        assert_eq!(stem("running"), "run");
        assert_eq!(stem(""), "");
    }

    #[test]
    fn punctuation_and_long_tokens_vanish() {
        assert!(terms("+-*\"()&|").is_empty());
        assert!(terms(&"x".repeat(200)).is_empty());
    }

    #[test]
    fn uk_and_us_spellings_meet() {
        for (uk, us) in [
            ("anaemia", "anemia"),
            ("oedema", "edema"),
            ("haemorrhage", "hemorrhage"),
            ("centre", "center"),
            ("organise", "organize"),
            ("organisation", "organization"),
            ("tumour", "tumor"),
            ("colours", "colors"),
            ("fibre", "fiber"),
            ("paediatric", "pediatric"),
            ("orthopaedic", "orthopedic"),
            ("diarrhoea", "diarrhea"),
            ("oesophagus", "esophagus"),
            ("coeliac", "celiac"),
            ("anaesthetic", "anesthetic"),
            ("haematoma", "hematoma"),
            ("fuelling", "fueling"),
            ("travelled", "traveled"),
            ("analyse", "analyze"),
            ("defence", "defense"),
            ("litres", "liters"),
            ("favourite", "favorite"),
            ("behaviour", "behavior"),
            ("manoeuvre", "maneuver"),
            ("catalogue", "catalog"),
            ("grey", "gray"),
            ("aetiology", "etiology"),
        ] {
            assert_eq!(terms(uk), terms(us), "{uk} / {us}");
        }
        // Words the rules must leave alone.
        for (a, b) in [("four", "for"), ("your", "yor"), ("size", "sise"), ("aerobic", "erobic"), ("toes", "tes"), ("shoes", "shes")] {
            assert_ne!(terms(a), terms(b), "{a} / {b}");
        }
        assert_eq!(spelling("exercise"), "exercise");
        assert_eq!(spelling("vertebrae"), "vertebrae");
        assert_eq!(spelling("hours"), "hours");
    }

    #[test]
    fn stop_words() {
        assert!(is_stop_word("the"));
        assert!(!is_stop_word("throat"));
    }
}
