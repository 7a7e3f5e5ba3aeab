//! The bundled knowledge base: every page of the inventory exists and builds, no
//! page copies a run of 12 words from the source articles, every warning sign in
//! `redflags.tsv` has its urgency on its page (unless the clinical review moved it:
//! `tests/content/triage-overrides.tsv`), every reviewed sign is at its reviewed
//! urgency and nowhere lower, and `check` is clean.
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
    // Any warning or error fails, in every language: the Spanish summaries
    // (content/es/) now keep the same 160-character limit as the English ones.
    let not_notes: Vec<&serde_json::Value> = v["diagnostics"].as_array().unwrap().iter().filter(|d| d["severity"] != "note").collect();
    assert!(not_notes.is_empty(), "{not_notes:#?}");
    // Notes: pages await clinical review, and every editors' safety-netting addition is listed for it.
    let notes: HashSet<&str> =
        v["diagnostics"].as_array().unwrap().iter().filter(|d| d["severity"] == "note").map(|d| d["code"].as_str().unwrap()).collect();
    assert!(notes.contains("awaiting-review"), "{notes:?}");
    let other: Vec<&&str> = notes.iter().filter(|c| !["awaiting-review", "safety-netting"].contains(c)).collect();
    assert!(other.is_empty(), "unexpected notes: {other:?}");
    let median = v["readability"]["median_grade"].as_f64().unwrap();
    println!("median Flesch–Kincaid grade: {median}");
    assert!(median <= 8.0, "median grade {median} is above 8");
}

/// Issue 15: the bundled site is bilingual for a useful core: the home and about
/// pages, when-to-see-a-doctor and every page with an emergency red flag have a
/// Spanish translation (the rest falls back visibly to English).
#[test]
fn spanish_covers_the_core_and_every_emergency_page() {
    let content = repo().join("content");
    let mut missing = Vec::new();
    for rel in ["_index.md", "about.md", "guides/when-to-see-a-doctor.md"] {
        if !content.join("es").join(rel).exists() {
            missing.push(rel.to_string());
        }
    }
    let mut emergency_pages = 0;
    for folder in ["conditions", "guides"] {
        for entry in std::fs::read_dir(content.join(folder)).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            let has_emergency = text.lines().any(|l| {
                let l = l.trim_start().trim_start_matches(['-', '*']).trim_start().trim_start_matches(['*', '_', '[']);
                l.to_ascii_lowercase().starts_with("emergency")
            });
            if has_emergency {
                emergency_pages += 1;
                let rel = format!("{folder}/{}", path.file_name().unwrap().to_string_lossy());
                if !content.join("es").join(&rel).exists() {
                    missing.push(rel);
                }
            }
        }
    }
    assert!(emergency_pages > 20, "found only {emergency_pages} pages with an emergency red flag");
    assert!(missing.is_empty(), "no Spanish translation for: {missing:?}");
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

/// How soon to get help, least urgent first, so `<` means "less urgent than".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Urgency {
    Routine,
    Urgent,
    Emergency,
}

impl Urgency {
    fn parse(word: &str) -> Option<Urgency> {
        match word {
            "routine" => Some(Urgency::Routine),
            "urgent" => Some(Urgency::Urgent),
            "emergency" => Some(Urgency::Emergency),
            _ => None,
        }
    }
}

/// One row of `tests/content/triage-overrides.tsv`: where the clinical review of
/// 2026-11-27 changed the urgency `redflags.tsv` suggested for a sign on a page.
#[derive(Debug)]
struct Override {
    slug: String,
    /// A lower-case phrase that occurs verbatim in the sign's red-flag item.
    phrase: String,
    /// `None`: redflags.tsv did not have the sign (the review added it).
    tsv_urgency: Option<Urgency>,
    /// `None`: the review removed the sign (or this wording of it) from the page.
    reviewed: Option<Urgency>,
}

fn overrides() -> Vec<Override> {
    let path = repo().join("tests/content/triage-overrides.tsv");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    // `#` lines are comments.
    let mut lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'));
    assert_eq!(lines.next().map(|l| l.1), Some("slug\tmatch\ttsv_urgency\treviewed_urgency\treason"), "the header of {}", path.display());
    // A header may be repeated where the file starts a new part.
    let rows: Vec<Override> = lines
        .filter(|(_, l)| !l.starts_with("slug\tmatch\t"))
        .map(|(i, line)| {
            let at = format!("triage-overrides.tsv:{}", i + 1);
            let cols: Vec<&str> = line.split('\t').map(str::trim).collect();
            assert_eq!(cols.len(), 5, "{at}: needs 5 tab-separated columns: {line:?}");
            assert!(!cols[1].is_empty() && cols[1] == cols[1].to_lowercase(), "{at}: `match` must be a lower-case phrase");
            assert!(!cols[4].is_empty(), "{at}: give the reason for the change");
            Override {
                slug: cols[0].to_string(),
                phrase: cols[1].to_string(),
                tsv_urgency: match cols[2] {
                    "none" => None,
                    u => Some(Urgency::parse(u).unwrap_or_else(|| panic!("{at}: tsv_urgency {u:?} is not emergency|urgent|routine|none"))),
                },
                reviewed: match cols[3] {
                    "removed" => None,
                    u => Some(
                        Urgency::parse(u).unwrap_or_else(|| panic!("{at}: reviewed_urgency {u:?} is not emergency|urgent|routine|removed")),
                    ),
                },
            }
        })
        .collect();
    assert!(!rows.is_empty(), "{} has no rows", path.display());
    rows
}

/// The page file of a slug, a condition or a guide.
fn page_path(slug: &str) -> Option<PathBuf> {
    ["conditions", "guides"].iter().map(|d| repo().join(format!("content/{d}/{slug}.md"))).find(|p| p.exists())
}

/// Every red-flag item of a page (a line `- <urgency>: …`), lower-cased.
fn red_flag_items(text: &str) -> Vec<(Urgency, String)> {
    text.lines()
        .filter_map(|l| {
            let l = l.trim_start().to_lowercase();
            let (word, _) = l.strip_prefix("- ")?.split_once(':')?;
            Some((Urgency::parse(word)?, l))
        })
        .collect()
}

#[test]
fn reviewed_urgencies_hold_on_every_page() {
    let pages: Vec<(PathBuf, Vec<(Urgency, String)>)> =
        content_files().into_iter().map(|p| (p.clone(), red_flag_items(&std::fs::read_to_string(&p).unwrap()))).collect();
    let mut wrong = Vec::new();
    for o in overrides() {
        let Some(path) = page_path(&o.slug) else {
            wrong.push(format!("{}: no page", o.slug));
            continue;
        };
        let items = &pages.iter().find(|(p, _)| *p == path).unwrap().1;
        let on_page: Vec<Urgency> = items.iter().filter(|(_, l)| l.contains(&o.phrase)).map(|(u, _)| *u).collect();
        match o.reviewed {
            None if !on_page.is_empty() => {
                wrong.push(format!("{}: \"{}\" was removed by the review but is still a red flag", o.slug, o.phrase))
            }
            None => {}
            Some(want) => {
                if !on_page.contains(&want) {
                    wrong.push(format!("{}: no `{want:?}` red flag contains \"{}\" (found {on_page:?})", o.slug, o.phrase));
                }
                // The same sign must not be under-triaged anywhere else either.
                for (p, items) in &pages {
                    for (u, line) in items.iter().filter(|(u, l)| *u < want && l.contains(&o.phrase)) {
                        let rel = p.strip_prefix(repo()).unwrap().display();
                        wrong.push(format!("{rel}: \"{}\" is `{u:?}`, below the reviewed `{want:?}`: {line}", o.phrase));
                    }
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn every_red_flag_in_the_sources_is_on_its_page_with_an_urgency() {
    // The clinical review supersedes the urgencies redflags.tsv suggests: where it moved
    // or removed a sign, triage-overrides.tsv records it, and that row of redflags.tsv
    // no longer asks for the old urgency (`reviewed_urgencies_hold_on_every_page` checks
    // the new one instead). Each override stands in for one redflags.tsv row.
    let mut overridden: BTreeMap<(String, String), usize> = BTreeMap::new();
    for o in overrides().into_iter().filter(|o| o.tsv_urgency.is_some() && o.reviewed != o.tsv_urgency) {
        *overridden.entry((o.slug, format!("{:?}", o.tsv_urgency.unwrap()).to_lowercase())).or_default() += 1;
    }
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
        let rows = rows.saturating_sub(overridden.get(&(slug.clone(), urgency.clone())).copied().unwrap_or(0));
        let Some(path) = page_path(&slug) else {
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
