//! The bundled knowledge base: every page of the inventory exists and builds, no
//! page copies a run of 12 words from the source articles, every warning sign in
//! `redflags.tsv` has its urgency on its page, and `check` is clean.
//!
//! Needs `../shared/` beside the checkout (it is there in CI).

mod util;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use util::*;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn shared() -> PathBuf {
    let p = repo().join("../shared");
    assert!(p.join("content-inventory.md").exists(), "../shared is missing beside the checkout: {}", p.display());
    p
}

/// Slugs in the inventory's summary table: (slug, is_guide).
fn inventory_slugs() -> Vec<(String, bool)> {
    let text = std::fs::read_to_string(shared().join("content-inventory.md")).unwrap();
    let mut out = Vec::new();
    let mut in_summary = false;
    for line in text.lines() {
        if line.starts_with("## Summary") {
            in_summary = true;
        } else if line.starts_with("## ") && in_summary {
            break;
        }
        if in_summary && line.starts_with("| ") && line.contains('`') {
            let guide = line.starts_with("| guides");
            for part in line.split('`').skip(1).step_by(2) {
                out.push((part.to_string(), guide));
            }
        }
    }
    out
}

fn words(text: &str) -> Vec<String> {
    let text = text.replace(['\u{2019}', '\u{2018}'], "'").to_lowercase();
    let mut out = Vec::new();
    let mut cur = String::new();
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let apostrophe_in_word = c == '\'' && !cur.is_empty() && chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
        if c.is_ascii_lowercase() || c.is_ascii_digit() || apostrophe_in_word {
            cur.push(c);
        } else if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// The page's prose: everything but the `[[sources]]` tables (citing a title is not copying it).
fn prose(text: &str) -> String {
    let mut out = String::new();
    let mut in_sources = false;
    for line in text.lines() {
        let t = line.trim();
        if t == "[[sources]]" {
            in_sources = true;
            continue;
        }
        if t == "+++" || t.starts_with('[') {
            in_sources = false;
        }
        if !in_sources {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

fn content_files() -> Vec<PathBuf> {
    walkdir::WalkDir::new(repo().join("content"))
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect()
}

#[test]
fn every_inventory_page_exists_and_builds() {
    let slugs = inventory_slugs();
    assert_eq!(slugs.len(), 73, "the inventory lists 73 pages");
    let out_dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_medkb"))
        .args(["build", "--root"])
        .arg(repo())
        .arg("--output")
        .arg(out_dir.path().join("public"))
        .env("MEDKB_TODAY", TODAY)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    for (slug, guide) in slugs {
        let dir = if guide { "guides" } else { "conditions" };
        assert!(repo().join(format!("content/{dir}/{slug}.md")).exists(), "content/{dir}/{slug}.md is missing");
        let html = out_dir.path().join(format!("public/{dir}/{slug}/index.html"));
        let doc = scraper::Html::parse_document(&std::fs::read_to_string(&html).unwrap());
        assert_eq!(texts(&doc, "h1").len(), 1, "{slug}");
        assert_eq!(texts(&doc, ".disclaimer").len(), 1, "{slug} shows the disclaimer");
        assert_eq!(texts(&doc, ".review-notice").len(), 1, "{slug} is honest that it awaits review");
        assert!(!texts(&doc, ".sources li").is_empty(), "{slug} cites its sources");
    }
}

#[test]
fn check_is_clean_apart_from_review_notes() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_medkb"))
        .args(["check", "--format", "json", "--root"])
        .arg(repo())
        .env("MEDKB_TODAY", TODAY)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let not_notes: Vec<&serde_json::Value> = v["diagnostics"].as_array().unwrap().iter().filter(|d| d["severity"] != "note").collect();
    assert!(not_notes.is_empty(), "{not_notes:#?}");
    let notes: HashSet<&str> = v["diagnostics"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert_eq!(notes.into_iter().collect::<Vec<_>>(), ["awaiting-review"]);
    let median = v["readability"]["median_grade"].as_f64().unwrap();
    println!("median Flesch–Kincaid grade: {median}");
    assert!(median <= 8.0, "median grade {median} is above 8");
}

#[test]
fn no_page_copies_twelve_words_from_a_seed() {
    const N: usize = 12;
    let mut grams: HashSet<Vec<String>> = HashSet::new();
    for seed in std::fs::read_dir(shared().join("seeds")).unwrap() {
        let w = words(&std::fs::read_to_string(seed.unwrap().path()).unwrap());
        for g in w.windows(N) {
            grams.insert(g.to_vec());
        }
    }
    assert!(grams.len() > 10_000, "seeds were read");
    let mut copied = Vec::new();
    for file in content_files() {
        let w = words(&prose(&std::fs::read_to_string(&file).unwrap()));
        if let Some(g) = w.windows(N).find(|g| grams.contains(*g)) {
            copied.push(format!("{}: \"{}\"", file.strip_prefix(repo()).unwrap().display(), g.join(" ")));
        }
    }
    assert!(copied.is_empty(), "pages sharing a 12-word run with a seed:\n{}", copied.join("\n"));
}

#[test]
fn every_red_flag_in_the_sources_is_on_its_page_with_an_urgency() {
    let tsv = std::fs::read_to_string(shared().join("redflags.tsv")).unwrap();
    // (slug, urgency) → rows that need it.
    let mut need: BTreeMap<(String, String), usize> = BTreeMap::new();
    for line in tsv.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        for slug in cols[0].split(',') {
            *need.entry((slug.trim().to_string(), cols[2].trim().to_string())).or_default() += 1;
        }
    }
    let mut missing = Vec::new();
    for ((slug, urgency), rows) in need {
        let path = ["conditions", "guides"].iter().map(|d| repo().join(format!("content/{d}/{slug}.md"))).find(|p| p.exists());
        let Some(path) = path else {
            missing.push(format!("{slug}: no page"));
            continue;
        };
        let text = std::fs::read_to_string(Path::new(&path)).unwrap();
        let count = text.lines().filter(|l| l.trim_start().to_lowercase().starts_with(&format!("- {urgency}:"))).count();
        if count < rows.min(1) {
            missing.push(format!("{slug}: needs {rows} `{urgency}` flag(s), has {count}"));
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}
