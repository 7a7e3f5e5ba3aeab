//! The reader-safety half of search, on a hand-made site small enough to
//! reason about: emergencies come first, an alias with an emergency word
//! never outranks the page that carries the emergency flag, and a query no
//! page covers gets an empty `results` (the confidence rule in
//! `search.rs`), while real typos still count.

use std::sync::OnceLock;

use search_index::{build_index, Document, Query, Results, SearchIndex, Section, SectionKind};

fn page(slug: &str, title: &str, also: &[&str], summary: &str, body: &str, emergency: &[&str]) -> Document {
    let mut sections = vec![Section { anchor: String::new(), heading: String::new(), kind: SectionKind::Lead, text: body.into() }];
    if !emergency.is_empty() {
        sections.push(Section {
            anchor: "red-flags".into(),
            heading: "Red flags".into(),
            kind: SectionKind::RedFlags,
            text: emergency.join(" "),
        });
    }
    Document {
        slug: slug.into(),
        url: format!("/conditions/{slug}/"),
        title: title.into(),
        medical_name: String::new(),
        also_called: also.iter().map(|s| s.to_string()).collect(),
        search_terms: Vec::new(),
        summary: summary.into(),
        body_region: "lower-leg".into(),
        page_type: "condition".into(),
        sections,
        emergency: emergency.iter().map(|s| s.to_string()).collect(),
    }
}

fn index() -> &'static SearchIndex {
    static INDEX: OnceLock<SearchIndex> = OnceLock::new();
    INDEX.get_or_init(|| {
        let docs = vec![
            page(
                "calf-strain",
                "Calf Strain",
                &["Pulled calf", "Calf heart attack"],
                "A pulled or torn calf muscle, often a sudden pop mid-run.",
                "A sudden tearing pain in the calf during speedwork is sometimes called a calf heart attack. It is not a heart problem.",
                &[],
            ),
            page(
                "chest-pain-while-running",
                "Chest Pain While Running",
                &[],
                "Chest pain on a run can be harmless or a heart attack.",
                "Most chest pain on a run comes from muscles or reflux, but some needs an ambulance.",
                &["you have chest pain that spreads to your arm, jaw or back, with sweating or breathlessness"],
            ),
            page(
                "deep-vein-thrombosis",
                "Deep Vein Thrombosis",
                &["DVT", "Blood clot in the leg"],
                "A blood clot in a deep vein of the leg.",
                "A clot makes the calf red, warm, swollen and aching.",
                &["your leg is swollen and you are short of breath, have chest pain or cough up blood"],
            ),
            page(
                "avascular-necrosis-hip",
                "Avascular Necrosis of the Hip",
                &["AVN", "Bone death in the hip"],
                "When blood stops reaching the head of the thigh bone.",
                "Deep hip pain that is there all the time.",
                &[],
            ),
            page(
                "gout",
                "Gout",
                &["Gouty arthritis"],
                "A sudden, very painful, red and swollen joint, often the big toe.",
                "Uric acid crystals.",
                &[],
            ),
            page(
                "fueling",
                "Fueling Around Runs",
                &[],
                "What to eat before and after a run.",
                "Eat whole grains, fruit and a little salt. Too much sun can burn your skin on long runs.",
                &[],
            ),
        ];
        SearchIndex::open(build_index(&docs).unwrap()).unwrap()
    })
}

fn answer(text: &str) -> Results {
    index().answer(&Query::new(text))
}

fn slugs(hits: &[search_index::Hit]) -> Vec<&str> {
    hits.iter().map(|h| h.slug.as_str()).collect()
}

#[test]
fn an_emergency_concept_puts_the_flagged_page_first() {
    let a = answer("heart attack");
    let first = a.emergency.first().expect("an emergency line for `heart attack`");
    assert_eq!(first.slug, "chest-pain-while-running");
    assert_eq!(first.url, "/conditions/chest-pain-while-running/#red-flags");
    // The alias "calf heart attack" must not outrank the page with the flag.
    assert_eq!(slugs(&a.results).first(), Some(&"chest-pain-while-running"), "{:?}", slugs(&a.results));
}

#[test]
fn the_words_of_an_emergency_flag_bring_its_card() {
    let a = answer("swollen leg short of breath");
    assert!(a.emergency.iter().any(|e| e.slug == "deep-vein-thrombosis"), "{:?}", a.emergency);
}

#[test]
fn an_emergency_no_page_covers_still_gets_its_line() {
    let a = answer("stroke");
    let first = a.emergency.first().expect("the stroke line");
    assert!(first.slug.is_empty() && first.text.contains("stroke"), "{first:?}");
}

#[test]
fn an_ordinary_query_has_no_emergency_line() {
    assert!(answer("gout").emergency.is_empty());
}

#[test]
fn no_page_covers_an_unknown_topic() {
    for q in ["sprained wrist", "bee sting"] {
        let a = answer(q);
        assert!(a.results.is_empty(), "{q:?} should cover nothing, got {:?}", slugs(&a.results));
    }
}

#[test]
fn a_typo_that_changes_the_first_letter_does_not_cover() {
    // `grain` is within two edits of "migraine" (as stemmed), but it is a guess.
    let a = answer("migraine");
    assert!(a.results.is_empty(), "{:?}", slugs(&a.results));
}

#[test]
fn a_typo_onto_a_short_abbreviation_does_not_cover() {
    // "acne" is one edit from `avn` (as stemmed): an abbreviation, not a typo.
    let a = answer("acne");
    assert!(a.results.is_empty(), "{:?}", slugs(&a.results));
}

#[test]
fn a_real_typo_still_covers() {
    // (A trailing space: the word is finished, not being typed.)
    let a = answer("gowt ");
    assert_eq!(slugs(&a.results), ["gout"]);
    assert_eq!(a.corrected.as_deref(), Some("gout"));
}

#[test]
fn a_split_that_reads_the_same_is_no_correction() {
    assert_eq!(answer("sunburn ").corrected, None);
}
