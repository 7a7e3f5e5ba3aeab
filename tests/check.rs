//! `medkb check`: one fixture per validation rule, each with a snapshot of the
//! diagnostics an author sees. Set `MEDKB_BLESS=1` to rewrite the snapshots after
//! an intended change, then read the diff.

mod util;

use util::*;

/// The part of stderr that is diagnostics, with the temporary path taken out.
fn diagnostics_of(site: &Site, out: &std::process::Output) -> String {
    let text = stderr(out).replace(&site.root().display().to_string(), "<site>");
    text.lines().filter(|l| !l.starts_with("medkb: ")).collect::<Vec<_>>().join("\n").trim().to_string() + "\n"
}

fn snapshot(name: &str) {
    let site = Site::with_overlay(name);
    // A fixture may ask for more flags (a note rule needs --notes to print).
    let extra = std::fs::read_to_string(fixtures().join("check").join(name).join("args.txt")).unwrap_or_default();
    let mut args = vec!["check"];
    args.extend(extra.split_whitespace());
    let out = site.medkb(&args);
    let got = diagnostics_of(&site, &out);
    let path = fixtures().join("check").join(name).join("expected.txt");
    if std::env::var_os("MEDKB_BLESS").is_some() {
        std::fs::write(&path, &got).unwrap();
    }
    let want = std::fs::read_to_string(&path).unwrap_or_else(|_| panic!("no snapshot at {}; run with MEDKB_BLESS=1", path.display()));
    assert_eq!(got, want, "diagnostics for `{name}` changed (MEDKB_BLESS=1 to accept):\n{got}");
    let code = out.status.code().unwrap();
    let has_error = got.contains(": error[");
    assert_eq!(code, if has_error { 1 } else { 0 }, "exit code for `{name}`");
}

macro_rules! rules {
    ($($test:ident => $name:literal,)*) => {
        $(#[test] fn $test() { snapshot($name); })*
        /// Every fixture folder has a test, so none is silently skipped.
        #[test]
        fn every_fixture_has_a_test() {
            let mut listed = vec![$($name),*];
            listed.sort();
            let mut dirs: Vec<String> = std::fs::read_dir(fixtures().join("check")).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
            dirs.sort();
            assert_eq!(dirs, listed);
        }
    };
}

rules! {
    overdue_emergency_page => "overdue-emergency-page",
    unreviewed_clinical_change => "unreviewed-clinical-change",
    front_matter_unclosed => "front-matter-unclosed",
    alias => "alias",
    removed_url => "removed-url",
    front_matter_missing => "front-matter-missing",
    front_matter_toml => "front-matter-toml",
    unknown_key => "unknown-key",
    missing_field => "missing-field",
    invalid_region => "invalid-region",
    invalid_date => "invalid-date",
    missing_section => "missing-section",
    red_flag_urgency => "red-flag-urgency",
    emergency_link => "emergency-link",
    timeline_phase => "timeline-phase",
    broken_link => "broken-link",
    broken_anchor => "broken-anchor",
    duplicate_slug => "duplicate-slug",
    case_collision => "case-collision",
    only_front_matter => "only-front-matter",
    empty_file => "empty-file",
    long_summary => "long-summary",
    one_way_related => "one-way-related",
    orphan_page => "orphan-page",
    review_overdue => "review-overdue",
    unfinished => "unfinished",
    config_unknown_key => "config-unknown-key",
    synonyms_invalid => "synonyms-invalid",
    draft_link => "draft-link",
    hidden_red_flags => "hidden-red-flags",
    no_red_flags => "no-red-flags",
    too_deep => "too-deep",
    template => "template",
    unsafe_url => "unsafe-url",
    control_character => "control-character",
    config_values => "config-values",
    safety_netting => "safety-netting",
    safety_netting_source => "safety-netting-source",
    safety_netting_marker => "safety-netting-marker",
    unused_safety_netting => "unused-safety-netting",
    unknown_source_kind => "unknown-source-kind",
    too_many_care_cards => "too-many-care-cards",
    emergency_number_locale => "emergency-number-locale",
    duplicate_section => "duplicate-section",
    related_self => "related-self",
    ignored_field => "ignored-field",
    unpublished_file => "unpublished-file",
    awaiting_review => "awaiting-review",
    lints_invalid => "lints-invalid",
    lints_allow => "lints-allow",
    linked_folder => "linked-folder",
    translation_stale => "translation-stale",
    translation_flags => "translation-flags",
    translation_orphan => "translation-orphan",
    unknown_language => "unknown-language",
    missing_string => "missing-string",
}

/// The registry is the one list of rules: each has a fixture whose snapshot shows it,
/// a row in docs/authoring.md, and an `explain` text with both examples.
#[test]
fn every_rule_has_a_fixture_a_snapshot_and_a_docs_row() {
    let docs = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/authoring.md")).unwrap();
    let snapshots: Vec<String> = std::fs::read_dir(fixtures().join("check"))
        .unwrap()
        .filter_map(|e| std::fs::read_to_string(e.unwrap().path().join("expected.txt")).ok())
        .collect();
    let mut missing = Vec::new();
    for rule in medkb::rules::Rule::ALL {
        let code = rule.code();
        if !snapshots.iter().any(|s| s.contains(&format!("[{code}]"))) {
            missing.push(format!("{code}: no snapshot in tests/fixtures/check/*/expected.txt shows it"));
        }
        if !docs.contains(&format!("| `{code}` |")) {
            missing.push(format!("{code}: no row in docs/authoring.md"));
        }
        let explained = rule.explain();
        assert!(explained.contains("This fails the rule:") && explained.contains("This passes:"), "{code}");
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn explain_prints_a_rule_and_lists_all() {
    let run = |args: &[&str]| std::process::Command::new(env!("CARGO_BIN_EXE_medkb")).args(args).output().unwrap();
    let one = run(&["explain", "one-way-related"]);
    assert!(one.status.success());
    let text = String::from_utf8_lossy(&one.stdout);
    assert!(text.starts_with("one-way-related (warning):") && text.contains("[lints] one-way-related"), "{text}");
    let all = String::from_utf8_lossy(&run(&["explain"]).stdout).into_owned();
    for rule in medkb::rules::Rule::ALL {
        assert!(all.contains(rule.code()), "{} missing from `medkb explain`", rule.code());
    }
    let unknown = run(&["explain", "one-way-realted"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("did you mean `one-way-related`?"), "{}", stderr(&unknown));
}

/// A 10,000-page site must not drown the terminal: human output is capped per rule,
/// the summary still counts everything, and JSON lists every diagnostic.
#[test]
fn human_output_is_capped_per_rule_and_json_is_complete() {
    let site = Site::base();
    let mut related = Vec::new();
    for i in 0..30 {
        let slug = format!("page-{i:02}");
        related.push(format!("\"{slug}\""));
        site.write(
            &format!("content/conditions/{slug}.md"),
            format!("+++\ntitle = \"Page {i}\"\nsummary = \"s\"\nbody_region = \"lower-leg\"\nrelated = []\nlast_reviewed = 2026-01-10\n[[sources]]\ntitle = \"A\"\n+++\n\nText, see [[calf-strain]].\n\n## Symptoms\n\n- a\n\n## Causes\n\n- b\n\n## Fixes\n\n- c\n\n## Red flags\n\n- urgent: d\n"),
        );
    }
    let calf = site
        .read("content/conditions/calf-strain.md")
        .replace("related = [\"shin-splints\"]", &format!("related = [\"shin-splints\", {}]", related.join(", ")));
    site.write("content/conditions/calf-strain.md", calf);
    let out = site.medkb(&["check", "--max-per-rule", "5"]);
    let err = stderr(&out);
    assert_eq!(err.matches("warning[one-way-related]").count(), 5, "{err}");
    assert!(err.contains("… and 25 more `one-way-related` warnings (`medkb check --format json` lists all)"), "{err}");
    assert!(err.contains(" 30 warnings, "), "{err}");
    let json = site.medkb(&["check", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let n = v["diagnostics"].as_array().unwrap().iter().filter(|d| d["code"] == "one-way-related").count();
    assert_eq!(n, 30);
}

#[test]
fn base_site_is_clean() {
    let site = Site::base();
    let out = site.medkb(&["check"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("checked 3 pages: 0 errors, 0 warnings"), "{}", stderr(&out));
}

#[test]
fn all_problems_are_reported_together_and_sorted() {
    let site = Site::with_overlay("broken-link");
    site.write("content/conditions/shin-splints.md", site.read("content/conditions/shin-splints.md").replace("- routine:", "-"));
    let out = site.medkb(&["check"]);
    let err = stderr(&out);
    let positions: Vec<&str> = err.lines().filter(|l| l.contains(": error[")).collect();
    assert!(positions.len() >= 4, "{err}");
    assert!(err.find("calf-strain.md").unwrap() < err.find("shin-splints.md:").unwrap(), "sorted by path:\n{err}");
}

#[test]
fn json_format_for_editors() {
    let site = Site::with_overlay("broken-anchor");
    let out = site.medkb(&["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let d = &v["diagnostics"].as_array().unwrap().iter().find(|d| d["code"] == "broken-anchor").unwrap().clone();
    assert_eq!(d["path"], "content/conditions/calf-strain.md");
    assert_eq!(d["line"], 12);
    assert_eq!(d["severity"], "error");
    assert_eq!(d["help"], "did you mean `#fixes`?");
    assert_eq!(v["summary"]["errors"], 1);
}

#[test]
fn invalid_utf8_is_a_located_error_not_a_panic() {
    let site = Site::base();
    site.write("content/conditions/bad-bytes.md", b"+++\ntitle = \"x\"\n+++\nok\n\xff\xfe broken\n".as_slice());
    let out = site.medkb(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("content/conditions/bad-bytes.md:5:1: error[invalid-file]: this file is not valid UTF-8 (line 5"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn huge_file_is_refused() {
    let site = Site::base();
    site.write("content/conditions/huge.md", "a".repeat(3 * 1024 * 1024));
    let out = site.medkb(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("huge.md:1:1: error[invalid-file]: this file is 3072 KiB"), "{}", stderr(&out));
}

#[test]
fn symlink_outside_the_site_is_refused() {
    let site = Site::base();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("x.md"), site.read("content/conditions/calf-strain.md")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("x.md"), site.root().join("content/conditions/linked.md")).unwrap();
    let out = site.medkb(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("linked.md:1:1: error[invalid-file]: this is a link to"), "{}", stderr(&out));
}

#[test]
fn deny_warnings_fails_on_warnings() {
    let site = Site::with_overlay("long-summary");
    assert_eq!(site.medkb(&["check"]).status.code(), Some(0));
    assert_eq!(site.medkb(&["check", "--deny-warnings"]).status.code(), Some(1));
}

#[test]
fn usage_errors_exit_2() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_medkb")).args(["check", "--format", "yaml"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let missing = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_medkb")).args(["build", "--root"]).arg(missing.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("site.toml"), "{}", stderr(&out));
}

#[test]
fn every_command_has_help_with_an_example() {
    for cmd in ["build", "check", "new"] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_medkb")).args([cmd, "--help"]).output().unwrap();
        assert!(out.status.success());
        assert!(stdout(&out).contains("Example"), "{cmd} --help has no example");
    }
}

#[test]
fn readability_report() {
    let site = Site::base();
    let out = site.medkb(&["check", "--readability"]);
    let err = stderr(&out);
    assert!(err.contains("readability (Flesch–Kincaid grade, target ≤ 8)"), "{err}");
    assert!(err.contains("content/conditions/shin-splints.md"), "{err}");
}

/// `medkb explain | head`: a reader closing the pipe early is not a crash.
#[test]
fn a_closed_pipe_is_not_a_panic() {
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_medkb")).arg("explain").stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"), "{}", String::from_utf8_lossy(&out.stderr));
}
