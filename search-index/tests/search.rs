mod fixture;

use std::sync::OnceLock;

use search_index::eval::{evaluate, Case};
use search_index::{build_index, Hit, Query, SearchIndex};

fn index() -> &'static SearchIndex {
    static INDEX: OnceLock<SearchIndex> = OnceLock::new();
    INDEX.get_or_init(|| SearchIndex::open(build_index(&fixture::docs()).unwrap()).unwrap())
}

/// The ranked pages: the results, or the partial matches when no page covers
/// the query (the ranking tests here are about order, not confidence).
fn search(text: &str) -> Vec<Hit> {
    let a = index().answer(&Query::new(text));
    if a.results.is_empty() {
        a.partial
    } else {
        a.results
    }
}

fn slugs(text: &str) -> Vec<String> {
    search(text).into_iter().map(|h| h.slug).collect()
}

fn top(text: &str) -> String {
    slugs(text).into_iter().next().unwrap_or_default()
}

#[test]
fn opens_and_counts() {
    assert_eq!(index().num_docs(), fixture::docs().len() as u64);
}

#[test]
fn build_is_reproducible() {
    let a = build_index(&fixture::docs()).unwrap();
    let mut reversed = fixture::docs();
    reversed.reverse();
    let b = build_index(&reversed).unwrap();
    assert_eq!(a, b, "same pages must give byte-identical index files");
    let names: Vec<&str> = a.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names[..2], ["manifest.json", "head.gz"]);
    assert!(names[2..].iter().all(|n| n.starts_with("p/") && n.ends_with(".gz")), "{names:?}");
}

/// The fixture pages plus `n` filler pages, so the index spans many pages.
fn big_site(n: usize) -> Vec<search_index::Document> {
    let mut docs = fixture::docs();
    let words = ["stride", "cadence", "tempo", "hill", "track", "trail", "interval", "easy", "long", "recovery", "taper", "warmup"];
    for i in 0..n {
        let mut d = docs[i % 8].clone();
        d.slug = format!("filler-{i:04}");
        d.url = format!("/filler/{i}/");
        d.title = format!("Training note {i} {}", words[i % words.len()]);
        d.also_called.clear();
        d.search_terms.clear();
        for s in &mut d.sections {
            s.text = format!("{} {} {} {}", s.text, words[(i * 7) % words.len()], words[(i * 3) % words.len()], i);
        }
        docs.push(d);
    }
    docs
}

#[test]
fn paged_index_answers_like_the_whole_one_in_a_few_rounds() {
    use search_index::pages::PageStore;
    use search_index::Answer;
    use std::sync::Arc;

    let files = build_index(&big_site(400)).unwrap();
    let whole = SearchIndex::open(files.clone()).unwrap();
    let gunzip = |b: &[u8]| search_index::build::gunzip(b).unwrap();
    let manifest: serde_json::Value = serde_json::from_slice(&files[0].1).unwrap();
    assert_eq!(manifest["format"], "medkb-search/2");
    let pages = manifest["pages"].as_u64().unwrap() as usize;
    assert!(pages > 20, "the test site should span many pages, got {pages}");
    let head_pages = manifest["head_pages"].as_u64().unwrap() as usize;
    assert_eq!(files.len() - 2, pages - head_pages, "one file per page outside the head");

    // The browser's way: only the head, then the pages each answer asks for.
    let store = Arc::new(PageStore::from_head(&gunzip(&files[1].1)).unwrap());
    let paged = SearchIndex::open_paged(store.clone()).unwrap();
    let mut fetched = 0;
    for text in
        ["heel", "shin splints", "plantar fasciitus", "\"first steps\"", "why does my shin hurt", "tempo", "recovery 17", "zzzz", ""]
    {
        for region in [None, Some("ankle-foot".to_string())] {
            let q = Query { text: text.into(), limit: 8, region, ..Query::default() };
            let mut rounds = 0;
            let hits = loop {
                match paged.search_paged(&q) {
                    Answer::Results(r) => break r.results,
                    Answer::Need(want) => {
                        rounds += 1;
                        assert!(rounds <= 3, "{text:?}: more than three rounds");
                        for n in want {
                            let name = format!("p/{n}.gz");
                            let (_, gz) =
                                files.iter().find(|(f, _)| *f == name).unwrap_or_else(|| panic!("{name} wanted but not published"));
                            assert!(store.add_page(n, gunzip(gz)));
                            fetched += 1;
                        }
                    }
                }
            };
            assert_eq!(hits, whole.search(&q), "{text:?}");
        }
    }
    assert!(fetched < pages - head_pages, "a session must not need the whole index ({fetched} of {pages} pages)");
}

#[test]
fn missing_or_foreign_pages_are_errors() {
    let files = build_index(&big_site(100)).unwrap();
    let victim = files.iter().map(|(n, _)| n.clone()).find(|n| n.starts_with("p/")).unwrap();
    let without_one: Vec<_> = files.iter().filter(|(n, _)| *n != victim).cloned().collect();
    let err = SearchIndex::open(without_one).unwrap_err().to_string();
    let number = victim.trim_start_matches("p/").trim_end_matches(".gz");
    assert!(err.contains(&format!("page {number} ")), "{err}");
    assert!(SearchIndex::open(vec![]).is_err());
    assert!(SearchIndex::open(vec![("head.gz".into(), b"junk".to_vec())]).is_err());
    assert!(SearchIndex::open(vec![("index.pack".into(), b"junk".to_vec())]).is_err());
}

#[test]
fn empty_index_answers_nothing() {
    let idx = SearchIndex::open(build_index(&[]).unwrap()).unwrap();
    assert!(idx.search(&Query::new("heel pain")).is_empty());
}

#[test]
fn titles_and_clinical_names() {
    assert_eq!(top("plantar fasciitis"), "plantar-fasciitis");
    assert_eq!(top("Hamstring strain"), "hamstring-strain");
    assert_eq!(top("medial tibial stress syndrome"), "shin-splints");
    assert_eq!(top("iliotibial band"), "iliotibial-band-syndrome");
}

#[test]
fn aliases_and_search_terms_find_their_page() {
    assert_eq!(top("shin splints"), "shin-splints");
    assert_eq!(top("throat on fire"), "exercise-induced-bronchoconstriction");
    assert_eq!(top("policeman's heel"), "plantar-fasciitis");
    assert_eq!(top("ITBS"), "iliotibial-band-syndrome");
    assert_eq!(top("exercise induced asthma"), "exercise-induced-bronchoconstriction");
    assert_eq!(top("pulled hamstring"), "hamstring-strain");
}

#[test]
fn symptom_descriptions_and_questions() {
    assert_eq!(top("pain under the sit bone"), "hamstring-strain");
    assert_eq!(top("why does my throat burn when I run in the cold"), "exercise-induced-bronchoconstriction");
    assert_eq!(top("pain on the outside of my knee"), "iliotibial-band-syndrome");
    assert_eq!(top("heel hurts first thing in the morning"), "plantar-fasciitis");
}

#[test]
fn typos_within_budget_are_found() {
    // 2 edits in a 9+ letter word.
    assert_eq!(top("plantar fasciitus"), "plantar-fasciitis");
    assert_eq!(top("planter fasciitis"), "plantar-fasciitis");
    // A transposition is one edit.
    assert_eq!(top("hamstring strian"), "hamstring-strain");
    assert_eq!(top("achilles tendonitis"), "achilles-tendinopathy");
    assert_eq!(top("iliotibail"), "iliotibial-band-syndrome");
}

#[test]
fn typo_budget_thresholds() {
    use search_index::search::typo_budget;
    assert_eq!(typo_budget(4), 0);
    assert_eq!(typo_budget(5), 1);
    assert_eq!(typo_budget(8), 1);
    assert_eq!(typo_budget(9), 2);
    // A known four-letter word is not corrected ("heal" below); an unknown
    // one may be, in page names only ("gowt" → gout: see `search::expand`).
    // "shinn" (5 letters, one edit) is.
    assert_eq!(top("shinn splints"), "shin-splints");
    // "hamstrnig" -> 9 letters, 1 transposition; "hmstrnig" 8 letters, 2 edits:
    // allowed because the index does not know the word (one more for unknown
    // words from 7 letters), and it is offered as a correction.
    assert_eq!(top("hamstrnig"), "hamstring-strain");
    assert_eq!(top("hmstrnig"), "hamstring-strain");
    assert!(index().answer(&Query::new("hmstrnig ")).corrected.is_some());
    // A known short word is never corrected.
    assert!(index().answer(&Query::new("heal ")).corrected.is_none());
}

#[test]
fn exact_title_beats_fuzzy_body_match() {
    // "fracture" is exact in the stress-fracture title; "fractured"/"fracture"
    // also appears in the shin-splints red flags, and fuzzy terms elsewhere.
    let s = slugs("stress fracture");
    assert_eq!(s[0], "stress-fracture");
    // An exact match outranks a one-typo match of another word.
    let hits = search("stiffness");
    assert_eq!(hits[0].slug, "achilles-tendinopathy");
}

#[test]
fn fuzzy_ranks_below_exact() {
    // "hamstrings" stems to "hamstr"; exact page first.
    let hits = search("hamstrings");
    assert_eq!(hits[0].slug, "hamstring-strain");
    // "heal" is an exact word in the guide ("heal"), "heel" is one edit away
    // but only 4 letters, so it must not match by typo.
    let hits = search("heal");
    assert_eq!(hits[0].slug, "chronic-injury-roadmap");
}

#[test]
fn quoted_phrases_are_required_and_exact() {
    let hits = search("\"outside of the knee\"");
    assert_eq!(hits[0].slug, "iliotibial-band-syndrome");
    assert!(hits.iter().all(|h| h.slug == "iliotibial-band-syndrome"));
    // Words out of order do not match the phrase.
    assert!(slugs("\"knee the of outside\"").is_empty());
    // Phrase plus free word.
    let s = slugs("\"first steps\" heel");
    assert_eq!(s, ["plantar-fasciitis"]);
}

#[test]
fn prefix_on_the_last_word() {
    assert_eq!(top("plantar fasc"), "plantar-fasciitis");
    assert_eq!(top("hamstr"), "hamstring-strain");
    assert_eq!(top("ilio"), "iliotibial-band-syndrome");
    assert_eq!(top("bronchocon"), "exercise-induced-bronchoconstriction");
    // A finished word (trailing space) is not a prefix.
    assert!(slugs("ilio ").is_empty());
}

#[test]
fn region_filter() {
    let q = Query { text: "pain".into(), limit: 20, region: Some("ankle-foot".into()), ..Query::default() };
    let hits = index().search(&q);
    assert!(!hits.is_empty());
    let mut s: Vec<_> = hits.iter().map(|h| h.slug.as_str()).collect();
    s.sort();
    assert_eq!(s, ["achilles-tendinopathy", "plantar-fasciitis"]);
    let q = Query { region: Some(" Ankle-Foot ".into()), ..q };
    assert_eq!(index().search(&q).len(), 2);
    let q = Query { region: Some("nowhere".into()), ..q };
    assert!(index().search(&q).is_empty());
    let q = Query { region: Some(String::new()), ..q };
    assert!(index().search(&q).len() > 2);
}

#[test]
fn limit_is_respected() {
    let q = Query { text: "pain".into(), limit: 2, region: None, ..Query::default() };
    assert_eq!(index().search(&q).len(), 2);
}

#[test]
fn url_points_at_best_section() {
    let hits = search("frozen bottle");
    assert_eq!(hits[0].url, "/conditions/plantar-fasciitis/#fixes");
    let hits = search("wheezing");
    assert_eq!(hits[0].url, "/conditions/exercise-induced-bronchoconstriction/#symptoms");
    // A title match shows the page itself, with the summary.
    let hits = search("stress fracture");
    assert_eq!(hits[0].url, "/conditions/stress-fracture/");
    assert!(hits[0].snippet.contains("crack in a bone"));
}

#[test]
fn snippets_highlight_exact_stemmed_fuzzy_and_prefix_matches() {
    let h = &search("wheezing")[0];
    assert!(h.snippet.contains("<mark>Wheezing</mark>"), "{}", h.snippet);
    // Stemming: "stretches" finds and marks "Stretch".
    let h = &search("stretches calves")[0];
    assert!(h.snippet.contains("<mark>Stretch</mark>"), "{}", h.snippet);
    // Fuzzy: the typo's match is highlighted.
    let h = &search("wheezng")[0];
    assert!(h.snippet.contains("<mark>Wheezing</mark>"), "{}", h.snippet);
    let h = &search("plantar fasciitus")[0];
    assert!(h.snippet.contains("<mark>fasciitis</mark>"), "{}", h.snippet);
    // Prefix.
    let h = &search("wheez")[0];
    assert!(h.snippet.contains("<mark>Wheezing</mark>"), "{}", h.snippet);
}

#[test]
fn snippets_are_html_escaped() {
    let mut docs = fixture::docs();
    docs[0].summary = "Heel <script>alert(1)</script> & \"pain\"".into();
    let idx = SearchIndex::open(build_index(&docs).unwrap()).unwrap();
    let h = &idx.search(&Query::new("alert"))[0];
    assert!(!h.snippet.contains("<script>"), "{}", h.snippet);
    assert!(h.snippet.contains("&lt;script&gt;"), "{}", h.snippet);
    assert!(h.snippet.contains("<mark>alert</mark>"), "{}", h.snippet);
    let a = idx.answer(&Query::new("xyzzy heel"));
    let h = &a.partial[0];
    let stripped = h.snippet.replace("<mark>", "").replace("</mark>", "");
    assert!(!stripped.contains('<'), "{}", h.snippet);
}

#[test]
fn never_fails() {
    let long = "shin pain ".repeat(1024);
    let nasty = [
        "",
        " ",
        "\"",
        "\"\"",
        "\"shin",
        "shin\"",
        "\"\"\"heel pain",
        "*",
        "**",
        "shin*",
        "+heel -pain",
        "heel AND pain OR NOT",
        "title:heel",
        "(heel",
        "heel)",
        "[heel TO pain]",
        "heel~2",
        "heel^10",
        "\\",
        "&&||!",
        "%00",
        "\u{0}",
        "🏃‍♀️ heel",
        "ﬁ ligature",
        "İstanbul",
        "x",
        "a the of",
        &long,
        "“shin splints”",
        "\"shin splints",
    ];
    for q in nasty {
        let _ = search(q);
        for region in [None, Some(""), Some("ankle-foot"), Some("\"")] {
            let _ = index().search(&Query { text: q.to_string(), limit: 1000, region: region.map(str::to_string), ..Query::default() });
        }
    }
    assert!(search("").is_empty());
    assert!(search("*").is_empty());
    assert_eq!(top(&long), "shin-splints");
    assert_eq!(top("\"shin splints"), "shin-splints");
    assert_eq!(top("“shin splints”"), "shin-splints");
}

#[test]
fn only_stop_words_still_search() {
    // "the" appears everywhere; an all-stop-word query still returns pages.
    assert!(!search("the").is_empty());
}

#[test]
fn relevance_harness_reports_metrics() {
    let cases = [
        Case::new("shin splints", &["shin-splints"]),
        Case::new("throat on fire", &["exercise-induced-bronchoconstriction"]),
        Case::new("plantar fasciitus", &["plantar-fasciitis"]),
        Case::new("no such thing xyzzy", &["plantar-fasciitis"]),
    ];
    let report = evaluate(index(), &cases);
    assert_eq!(report.cases, 4);
    assert!((report.recall_at_3 - 0.75).abs() < 1e-9, "{report}");
    assert!((report.mrr - 0.75).abs() < 1e-9, "{report}");
    assert!(report.to_string().contains("MISS"));
}

mod fuzz {
    use super::*;
    use proptest::prelude::*;

    fn token() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("\"".to_string()),
            Just("*".to_string()),
            Just(" ".to_string()),
            Just("-".to_string()),
            Just("+".to_string()),
            Just("AND".to_string()),
            Just(":".to_string()),
            Just("heel".to_string()),
            Just("shin".to_string()),
            Just("the".to_string()),
            Just("fasciitus".to_string()),
            Just("“".to_string()),
            "[a-z]{1,12}",
            "\\PC{0,6}",
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        #[test]
        fn random_unicode_never_panics(text in "\\PC{0,300}", limit in 0usize..200) {
            let hits = index().search(&Query { text, limit, region: None, ..Query::default() });
            prop_assert!(hits.len() <= 100);
        }

        #[test]
        fn random_query_syntax_never_panics(parts in prop::collection::vec(token(), 0..40)) {
            let text = parts.concat();
            let hits = index().search(&Query { text, limit: 5, region: Some("lower-leg".into()), ..Query::default() });
            prop_assert!(hits.len() <= 5);
            for h in hits {
                prop_assert!(h.score.is_finite());
                prop_assert!(h.url.starts_with('/'));
            }
        }
    }
}

/// Every gzip file of the index names the index version in its header's comment, so a
/// reader can tell a page of another build (the browser reads it before inflating).
#[test]
fn every_gzip_file_carries_the_index_version() {
    let files = build_index(&fixture::docs()).unwrap();
    let manifest: serde_json::Value = serde_json::from_slice(&files[0].1).unwrap();
    let version = manifest["version"].as_str().unwrap().to_string();
    for (name, bytes) in files.iter().filter(|(n, _)| n.ends_with(".gz")) {
        let decoder = flate2::read::GzDecoder::new(&bytes[..]);
        let comment = decoder.header().and_then(|h| h.comment()).map(|c| String::from_utf8_lossy(c).into_owned());
        assert_eq!(comment.as_deref(), Some(version.as_str()), "{name}");
    }
}
