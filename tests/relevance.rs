//! Relevance of search on the bundled knowledge base: does the right page come up
//! for what readers type?
//!
//! The judged queries are in `tests/relevance/queries.toml` (lay names, medical
//! names, typos, symptom descriptions, questions and red flags). The documents are
//! made from `content/` by medkb's own code (the pipeline's check stage and
//! `index::document`, exactly what `medkb build` indexes), then indexed and opened
//! with the `search-index` crate, the same code the browser runs.
//!
//! Prints recall@3 and MRR, overall and per kind, and fails when either falls
//! below its floor. The floors sit just under what was measured when they were
//! set: raise them when ranking improves, never lower them to let a change in.
//! Run with `cargo test --test relevance -- --nocapture` to see every query;
//! `MEDKB_RELEVANCE_ROOT=/path/to/site` runs the set on another copy of the
//! content (e.g. the editors' working tree).
//!
//! Two classes are judged differently: `emergency` passes when the emergency
//! card comes first (its first line on a listed page, or, with no page listed,
//! any emergency line) and `none` passes when `results` is empty.

use std::collections::BTreeMap;
use std::path::PathBuf;

use medkb::pipeline::{self, BuildOptions, Stage};
use search_index::eval::{self, Case};
use search_index::{Document, SearchIndex};

/// Share of queries with an acceptable page in the top 3 (measured: 1.000).
const RECALL_AT_3_FLOOR: f64 = 0.98;
/// Mean reciprocal rank of the first acceptable page (measured: 0.969).
const MRR_FLOOR: f64 = 0.95;
/// Every kind must also clear this recall@3 on its own...
const PER_KIND_RECALL_FLOOR: f64 = 0.85;
/// ...and these kinds their own floors (pass rates for `emergency` and `none`),
/// just under what was measured on the cleaned content (no misspelt search
/// terms) when they were set: story 0.933, abbreviation 1.000, spelling 1.000,
/// typo2 0.938, emergency 0.929, none 1.000 (every uncovered topic says so:
/// typo corrections that change the first letter or land on a term under four
/// letters do not cover, and a word a page has only in its running text must
/// be rare, or the page's title must hold another query word, or it must stand
/// near one: "ear infection", "head lice", "pulled shoulder").
const KIND_FLOORS: &[(&str, f64)] =
    &[("story", 0.90), ("abbreviation", 0.95), ("spelling", 0.95), ("typo2", 0.90), ("emergency", 0.90), ("none", 0.99)];

#[derive(serde::Deserialize)]
struct Set {
    case: Vec<JudgedCase>,
}

#[derive(serde::Deserialize)]
struct JudgedCase {
    kind: String,
    query: String,
    expected: Vec<String>,
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn site() -> PathBuf {
    std::env::var_os("MEDKB_RELEVANCE_ROOT").map(PathBuf::from).unwrap_or_else(repo)
}

fn documents() -> Vec<Document> {
    documents_in(None)
}

/// The search documents of one language's pages (`None`: the default language), as
/// `medkb build` indexes them (the site's synonyms join the default language's index).
fn documents_in(lang: Option<&str>) -> Vec<Document> {
    let mut opts = BuildOptions::new(&site(), Stage::Check);
    opts.today = chrono::NaiveDate::from_ymd_opt(2026, 11, 21).unwrap();
    let outcome = pipeline::build(&opts).expect("the bundled content loads");
    assert_eq!(outcome.tally().errors, 0, "the bundled content has errors: run `medkb check`");
    if lang.is_some() {
        return medkb::index::searchable(&outcome.pages).filter(|p| p.lang.as_deref() == lang).map(medkb::index::document).collect();
    }
    // The site's synonyms, applied as `medkb build` applies them.
    let synonyms = match medkb::synonyms::load(&site()).expect("synonyms.toml reads") {
        Some((_, parsed)) => parsed.expect("synonyms.toml is valid"),
        None => search_index::Synonyms::default(),
    };
    medkb::index::searchable(&outcome.pages)
        .filter(|p| p.lang.is_none())
        .map(|p| {
            let mut d = medkb::index::document(p);
            synonyms.apply(&mut d);
            d
        })
        .collect()
}

fn judged() -> Vec<JudgedCase> {
    let text = std::fs::read_to_string(repo().join("tests/relevance/queries.toml")).unwrap();
    toml::from_str::<Set>(&text).expect("tests/relevance/queries.toml parses").case
}

#[test]
fn bundled_content_relevance() {
    let docs = documents();
    let slugs: Vec<&str> = docs.iter().map(|d| d.slug.as_str()).collect();
    let judged = judged();
    assert!(judged.len() >= 60, "the relevance set needs at least 60 queries, has {}", judged.len());
    for c in &judged {
        let may_be_empty = c.kind == "none" || c.kind == "emergency";
        assert!(may_be_empty || !c.expected.is_empty(), "{:?} lists no expected page", c.query);
        assert!(c.kind != "none" || c.expected.is_empty(), "{:?} is `none` but lists pages", c.query);
        for s in &c.expected {
            assert!(slugs.contains(&s.as_str()), "{:?} expects {s:?}, which is not a searchable page", c.query);
        }
    }

    let files = search_index::build_index(&docs).expect("index builds");
    let index = SearchIndex::open(files).expect("index opens");
    assert_eq!(index.num_docs() as usize, docs.len());

    // Ranked classes make the overall recall and MRR; `emergency` and `none` are pass/fail.
    let special = |k: &str| k == "none" || k == "emergency";
    let ranked: Vec<&JudgedCase> = judged.iter().filter(|c| !special(&c.kind)).collect();
    let cases: Vec<Case> = ranked.iter().map(|c| Case { query: c.query.clone(), expected: c.expected.clone() }).collect();
    let report = eval::evaluate(&index, &cases);
    println!("{report}");

    let mut failed_special = Vec::new();
    let mut special_rates: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for c in judged.iter().filter(|c| special(&c.kind)) {
        let answer = index.answer(&search_index::Query { text: c.query.clone(), limit: 10, ..Default::default() });
        let pass = match c.kind.as_str() {
            "none" => answer.results.is_empty(),
            _ => answer.emergency.first().is_some_and(|e| c.expected.is_empty() || c.expected.contains(&e.slug)),
        };
        let e = special_rates.entry(c.kind.as_str()).or_default();
        e.0 += usize::from(pass);
        e.1 += 1;
        println!(
            "  {} {:?} [{}] emergency {:?} results {:?} partial {:?}",
            if pass { "ok  " } else { "FAIL" },
            c.query,
            c.kind,
            answer.emergency.iter().map(|e| e.slug.as_str()).collect::<Vec<_>>(),
            answer.results.iter().take(3).map(|h| h.slug.as_str()).collect::<Vec<_>>(),
            answer.partial.iter().take(3).map(|h| h.slug.as_str()).collect::<Vec<_>>(),
        );
        if !pass {
            failed_special.push(format!("{} {:?}", c.kind, c.query));
        }
    }

    let mut by_kind: BTreeMap<&str, Vec<&eval::Outcome>> = BTreeMap::new();
    for (c, o) in ranked.iter().zip(&report.outcomes) {
        by_kind.entry(c.kind.as_str()).or_default().push(o);
    }
    let mut weak = Vec::new();
    println!("{:<10} {:>3} {:>9} {:>6}", "kind", "n", "recall@3", "MRR");
    for (kind, outs) in &by_kind {
        let n = outs.len() as f64;
        let recall = outs.iter().filter(|o| o.rank.is_some_and(|r| r <= 3)).count() as f64 / n;
        let mrr = outs.iter().map(|o| o.rank.map_or(0.0, |r| 1.0 / r as f64)).sum::<f64>() / n;
        println!("{kind:<10} {:>3} {recall:>9.3} {mrr:>6.3}", outs.len());
        let floor = KIND_FLOORS.iter().find(|(k, _)| k == kind).map_or(PER_KIND_RECALL_FLOOR, |(_, f)| *f);
        if recall < floor {
            weak.push(format!("{kind}: recall@3 {recall:.3} < {floor}"));
        }
    }
    for (kind, (pass, n)) in &special_rates {
        let rate = *pass as f64 / *n as f64;
        println!("{kind:<10} {n:>3} {rate:>9.3} (pass rate)");
        let floor = KIND_FLOORS.iter().find(|(k, _)| k == kind).map_or(1.0, |(_, f)| *f);
        if rate < floor {
            weak.push(format!("{kind}: pass rate {rate:.3} < {floor}: {failed_special:?}"));
        }
    }
    println!("all        {:>3} {:>9.3} {:>6.3}", report.cases, report.recall_at_3, report.mrr);

    assert!(report.recall_at_3 >= RECALL_AT_3_FLOOR, "recall@3 {:.3} < {RECALL_AT_3_FLOOR}\n{report}", report.recall_at_3);
    assert!(report.mrr >= MRR_FLOOR, "MRR {:.3} < {MRR_FLOOR}\n{report}", report.mrr);
    assert!(weak.is_empty(), "kinds below recall@3 {PER_KIND_RECALL_FLOOR}: {weak:?}\n{report}");
}

/// Spanish floors, just under what was measured on the translators' 31 pages when
/// they were set (recall@3 0.947, MRR 0.959; lay, clinical and accent 1.000, symptom
/// 0.600: "muslo adormecido" and "pantorrillas doloridas" rank 4th and 5th). Raise
/// them when ranking improves, never lower them to let a change in.
const ES_RECALL_AT_3_FLOOR: f64 = 0.93;
const ES_MRR_FLOOR: f64 = 0.94;
const ES_KIND_FLOOR: f64 = 0.95;
const ES_KIND_FLOORS: &[(&str, f64)] = &[("symptom", 0.55)];

/// The Spanish index on the Spanish pages: at least 30 judged queries, accents typed
/// or not, each kind above its floor.
#[test]
fn spanish_relevance() {
    let docs = documents_in(Some("es"));
    let slugs: Vec<&str> = docs.iter().map(|d| d.slug.as_str()).collect();
    let text = std::fs::read_to_string(repo().join("tests/relevance/queries.es.toml")).unwrap();
    let judged = toml::from_str::<Set>(&text).expect("tests/relevance/queries.es.toml parses").case;
    assert!(judged.len() >= 30, "the Spanish set needs at least 30 queries, has {}", judged.len());
    for c in &judged {
        for s in &c.expected {
            assert!(slugs.contains(&s.as_str()), "{:?} expects {s:?}, which is not a searchable Spanish page", c.query);
        }
    }
    let mut sorted: Vec<&Document> = docs.iter().collect();
    sorted.sort_by(|a, b| a.slug.cmp(&b.slug));
    let files = search_index::build_index_sorted_in(search_index::Language::Spanish, sorted).expect("index builds");
    let index = SearchIndex::open(files).expect("index opens");
    assert_eq!(index.language(), search_index::Language::Spanish);
    let cases: Vec<Case> = judged.iter().map(|c| Case { query: c.query.clone(), expected: c.expected.clone() }).collect();
    let report = eval::evaluate(&index, &cases);
    println!("{report}");
    let mut weak = Vec::new();
    let mut by_kind: BTreeMap<&str, Vec<&eval::Outcome>> = BTreeMap::new();
    for (c, o) in judged.iter().zip(&report.outcomes) {
        by_kind.entry(c.kind.as_str()).or_default().push(o);
    }
    for (kind, outs) in &by_kind {
        let recall = outs.iter().filter(|o| o.rank.is_some_and(|r| r <= 3)).count() as f64 / outs.len() as f64;
        println!("{kind:<10} {:>3} {recall:>9.3}", outs.len());
        let floor = ES_KIND_FLOORS.iter().find(|(k, _)| k == kind).map_or(ES_KIND_FLOOR, |(_, f)| *f);
        if recall < floor {
            weak.push(format!("{kind}: recall@3 {recall:.3} < {floor}"));
        }
    }
    println!("all        {:>3} {:>9.3} {:>6.3}", report.cases, report.recall_at_3, report.mrr);
    assert!(report.recall_at_3 >= ES_RECALL_AT_3_FLOOR, "recall@3 {:.3} < {ES_RECALL_AT_3_FLOOR}\n{report}", report.recall_at_3);
    assert!(report.mrr >= ES_MRR_FLOOR, "MRR {:.3} < {ES_MRR_FLOOR}\n{report}", report.mrr);
    assert!(weak.is_empty(), "{weak:?}\n{report}");
}

/// Spanish emergencies come first too: the Spanish index knows the emergency
/// concepts in Spanish ("infarto", "no puedo respirar"), not only the pages' flags.
#[test]
fn spanish_emergencies_come_first() {
    let docs = documents_in(Some("es"));
    let mut sorted: Vec<&Document> = docs.iter().collect();
    sorted.sort_by(|a, b| a.slug.cmp(&b.slug));
    let files = search_index::build_index_sorted_in(search_index::Language::Spanish, sorted).expect("index builds");
    let index = SearchIndex::open(files).expect("index opens");
    let ask = |q: &str| index.answer(&search_index::Query { text: format!("{q} "), limit: 10, ..Default::default() });
    let heart = ask("infarto");
    assert_eq!(heart.emergency.first().map(|e| e.slug.as_str()), Some("chest-pain-while-running"), "{:?}", heart.emergency);
    assert_eq!(heart.results.first().map(|h| h.slug.as_str()), Some("chest-pain-while-running"));
    for q in ["no puedo respirar", "me desmayé después de correr", "dolor en el pecho", "ictus", "hemorragia"] {
        assert!(!ask(q).emergency.is_empty(), "{q:?} has no emergency line");
    }
    assert!(ask("dolor de rodilla").emergency.is_empty());
}
