//! The import structure is part of the design: each stage imports only the stages
//! below it, so there are no import circles and no module reaches up into a later
//! stage. This test reads `use crate::…` and `crate::…` paths in the source (doc
//! comments aside) and fails with the offending file and import.

use std::path::Path;

/// Floors, top to bottom. A module may import modules on lower floors only
/// (modules on one floor do not import each other).
const FLOORS: &[&[&str]] = &[
    &["cmd"],
    &["cli"],
    &["serve"],
    &["pipeline"],
    &["review"],
    &["output"],
    &["index"],
    &["render"],
    &["addresses"],
    &["graph"],
    &["page_rules"],
    &["parse"],
    &["load"],
    &["config"],
    &["synonyms"],
    &["vocab"],
    &["urls"],
    &["kind"],
    &["diag"],
    &["rules", "slug", "fingerprint", "fsutil", "built", "term", "url"],
];

fn floor(module: &str) -> usize {
    FLOORS.iter().position(|f| f.contains(&module)).unwrap_or_else(|| panic!("module `{module}` has no floor in tests/architecture.rs"))
}

#[test]
fn no_module_imports_a_later_stage() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut wrong = Vec::new();
    for entry in walkdir::WalkDir::new(&src) {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let rel = path.strip_prefix(&src).unwrap().to_string_lossy().replace('\\', "/");
        let module = rel.split('/').next().unwrap().trim_end_matches(".rs").to_string();
        if module == "main" || module == "lib" {
            continue;
        }
        let text = std::fs::read_to_string(path).unwrap();
        // Tests may reach anywhere; only the shipped code is layered.
        let code = text.split("#[cfg(test)]").next().unwrap();
        for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
            for (i, _) in line.match_indices("crate::") {
                let rest = &line[i + "crate::".len()..];
                let target: String = rest.chars().take_while(|c| c.is_ascii_lowercase() || *c == '_').collect();
                if target.is_empty() || target == module {
                    continue;
                }
                if floor(&target) <= floor(&module) {
                    wrong.push(format!("src/{rel}: `{module}` imports `{target}`: {}", line.trim()));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "imports that go up or sideways:\n{}", wrong.join("\n"));
}

/// The search engine knows nothing of medkb, so the same code runs in the browser.
#[test]
fn search_index_imports_nothing_of_medkb() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("search-index/src");
    for entry in walkdir::WalkDir::new(&src) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(entry.path()).unwrap();
            assert!(!text.contains("medkb::"), "{} imports medkb", entry.path().display());
        }
    }
}
