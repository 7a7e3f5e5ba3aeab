//! `medkb review`: review states, change history from git, section diffs and sign-off,
//! on fixture sites inside temporary git repositories whose commits carry fixed dates.

mod util;

use std::path::Path;
use std::process::Command;

use util::{stderr, stdout, Site};

/// Runs git in `dir` with a fixed author, committer and date (setup only: medkb reads
/// the repository with its own library).
fn git(dir: &Path, date: &str, args: &[&str]) {
    let stamp = format!("{date}T12:00:00+00:00");
    let out = Command::new("git")
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"])
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_DATE", &stamp)
        .env("GIT_COMMITTER_DATE", &stamp)
        .env_remove("GIT_DIR")
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

fn commit(site: &Site, date: &str, message: &str) {
    git(site.root(), date, &["add", "-A"]);
    git(site.root(), date, &["commit", "-q", "-m", message]);
}

/// The base site as a repository whose first commit predates every review (2026-01-10).
fn repo() -> Site {
    let site = Site::base();
    git(site.root(), "2026-01-01", &["init", "-q"]);
    commit(&site, "2026-01-01", "first version");
    site
}

fn edit(site: &Site, rel: &str, from: &str, to: &str) {
    let text = site.read(rel);
    assert!(text.contains(from), "{rel} has no `{from}`");
    site.write(rel, text.replacen(from, to, 1));
}

fn json(site: &Site, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["review", "--format", "json"];
    all.extend_from_slice(args);
    let out = site.medkb(&all);
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn row<'a>(report: &'a serde_json::Value, slug: &str) -> &'a serde_json::Value {
    report["pages"].as_array().unwrap().iter().find(|p| p["slug"] == slug).unwrap_or_else(|| panic!("no {slug} in {report}"))
}

const CALF: &str = "content/conditions/calf-strain.md";
const SHIN: &str = "content/conditions/shin-splints.md";

#[test]
fn states_order_filters_and_formats() {
    let site = Site::base();
    // Today is 2026-11-21 (util::TODAY). Calf strain: signed, due in 10 days. A new page: signed, overdue.
    edit(
        &site,
        CALF,
        "last_reviewed = 2026-01-10\n",
        "last_reviewed = 2023-12-01\nnext_review_due = 2026-12-01\nreviewed_by = [\"Dr B. Example, physiotherapist\"]\n",
    );
    let overdue = site.read(CALF).replace("title = \"Calf Strain\"", "title = \"Old Page\"").replace("2026-12-01", "2026-06-01");
    site.write("content/conditions/old-page.md", overdue.replace("[[shin-splints]]", "[[calf-strain]]"));
    let report = json(&site, &[]);
    let order: Vec<(&str, &str)> =
        report["pages"].as_array().unwrap().iter().map(|p| (p["slug"].as_str().unwrap(), p["state"].as_str().unwrap())).collect();
    // Shin splints carries an emergency red flag: first, though current. Then the urgent pages, most pressing first.
    assert_eq!(
        order,
        [("shin-splints", "current"), ("old-page", "overdue"), ("calf-strain", "due-soon"), ("running-guide", "never-reviewed")]
    );
    assert_eq!(report["counts"]["overdue"], 1);
    assert_eq!(report["git"], false);
    assert_eq!(row(&report, "calf-strain")["reviewers"][0], "Dr B. Example, physiotherapist");
    assert_eq!(row(&report, "shin-splints")["red_flags"]["emergency"], 1);

    // --within narrows "due soon"; filters combine.
    assert_eq!(row(&json(&site, &["--within", "5"]), "calf-strain")["state"], "current");
    let only: Vec<String> = json(&site, &["--status", "overdue", "--status", "never-reviewed"])["pages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["slug"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(only, ["old-page", "running-guide"]);
    assert_eq!(json(&site, &["--reviewer", "physio"])["pages"].as_array().unwrap().len(), 2);
    assert_eq!(json(&site, &["--region", "nowhere"])["pages"].as_array().unwrap().len(), 0);
    let bad = site.medkb(&["review", "--status", "overdeu"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("did you mean `overdue`?"), "{}", stderr(&bad));

    let csv = site.medkb(&["review", "--format", "csv"]);
    let text = stdout(&csv);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("slug,title,path,region,state,"), "{text}");
    assert_eq!(lines.len(), 5);
    assert!(lines.iter().any(|l| l.contains(",\"Dr B. Example, physiotherapist\",")), "{text}");

    let human = site.medkb(&["review"]);
    assert!(stdout(&human).lines().nth(1).unwrap().starts_with("current "), "{}", stdout(&human));
    assert!(stderr(&human).contains("not inside a git repository"), "{}", stderr(&human));
    assert_eq!(stderr(&human).matches("git repository").count(), 1);
    assert!(stderr(&human).contains("4 pages: 1 overdue, 1 never-reviewed, 1 due-soon, 1 current"), "{}", stderr(&human));
}

#[test]
fn dashboard_has_counts_and_workload() {
    let site = Site::base();
    let dir = site.root().join("dash");
    let out = site.medkb(&["review", "--html", dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let html = std::fs::read_to_string(dir.join("index.html")).unwrap();
    assert!(html.contains("<tr><th scope=\"row\">never-reviewed</th><td>2</td></tr>"), "{html}");
    assert!(html.contains("<tr><th scope=\"row\">Dr Example Reviewer</th><td>1</td><td>0</td></tr>"), "{html}");
    assert!(!html.contains("<script"), "the dashboard runs no script");
    assert!(!site.root().join("public").exists(), "the dashboard is not part of the site");
}

#[test]
fn changes_since_review_are_clinical_or_editorial_by_section() {
    let site = repo();
    // Reviewed 2026-01-10. After it: a red flag changes on shin splints; calf strain's lead is reworded.
    edit(&site, SHIN, "- emergency: your lower leg is cold, pale and numb", "- emergency: your lower leg or foot is cold, pale and numb");
    commit(&site, "2026-03-01", "red flag wording");
    edit(&site, SHIN, "- run less for a while", "- run less for a week or two");
    commit(&site, "2026-04-01", "fixes");
    edit(&site, CALF, "A calf strain is a pulled calf muscle.", "A calf strain is a pulled muscle in the calf.");
    commit(&site, "2026-04-02", "plainer lead");
    // A commit on the review day itself counts as reviewed.
    let report = json(&site, &[]);
    assert_eq!(report["git"], true);
    let shin = &row(&report, "shin-splints")["changed"];
    assert_eq!(shin["commits"], 2);
    assert_eq!(shin["clinical"], serde_json::json!(["Fixes", "Red flags"]));
    let calf = &row(&report, "calf-strain")["changed"];
    assert_eq!(calf["clinical"], serde_json::json!([]));
    assert_eq!(calf["editorial"], serde_json::json!(["Lead"]));
    assert_eq!(row(&report, "running-guide")["changed"]["commits"], 0);

    let human = stdout(&site.medkb(&["review"]));
    assert!(human.contains("Fixes, Red flags (2 commits)"), "{human}");
    assert!(human.contains("editorial only: Lead (1 commit)"), "{human}");

    // Uncommitted edits count too: the reviewer signs what would be published.
    edit(&site, "content/guides/running-guide.md", "Build up slowly.", "Build up slowly over weeks.");
    assert_eq!(row(&json(&site, &[]), "running-guide")["changed"]["editorial"], serde_json::json!(["Lead"]));

    let diff = site.medkb(&["review", "diff", "shin-splints"]);
    assert!(diff.status.success(), "{}", stderr(&diff));
    let text = stdout(&diff);
    assert!(text.starts_with("shin-splints (content/conditions/shin-splints.md): last reviewed 2026-01-10; 2 commits since\n"), "{text}");
    assert!(text.contains("=== Red flags (clinical, changed) ===\n  ## Red flags\n"), "{text}");
    assert!(
        text.contains(
            "- - emergency: your lower leg is cold, pale and numb\n+ - emergency: your lower leg or foot is cold, pale and numb\n"
        ),
        "{text}"
    );
    assert!(text.contains("=== Fixes (clinical, changed) ==="), "{text}");
    assert!(!text.contains("=== Symptoms"), "unchanged sections are not shown: {text}");
}

#[test]
fn front_matter_fields_that_change_medical_meaning_are_clinical() {
    let site = repo();
    edit(&site, SHIN, "medical_name = \"Medial tibial stress syndrome\"", "medical_name = \"Tibial periostitis\"");
    edit(&site, SHIN, "search_terms = [\"shin pain running\"]", "search_terms = [\"shin pain running\", \"sore shins\"]");
    commit(&site, "2026-05-01", "names");
    let report = json(&site, &[]);
    let changed = &row(&report, "shin-splints")["changed"];
    assert_eq!(changed["clinical"], serde_json::json!(["medical_name"]));
    assert_eq!(changed["editorial"], serde_json::json!(["search_terms"]));
}

#[test]
fn diff_outside_git_says_so() {
    let site = Site::base();
    let out = site.medkb(&["review", "diff", "shin-splints"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("is not inside a git repository"), "{}", stderr(&out));
    let out = site.medkb(&["review", "diff", "shin-splint"]);
    assert!(stderr(&out).contains("did you mean `shin-splints`?"), "{}", stderr(&out));
}

/// A page whose front matter has comments and an unusual key order, as authors write them.
const COMMENTED: &str = "+++\n# Reviewed with the physio team.\ntitle = \"Calf Strain\"   # readers' words\nsummary = \"A pulled calf muscle.\"\nlast_reviewed = 2026-01-10 # clinical\nbody_region = \"lower-leg\"\nrelated = [\"shin-splints\"]\nreviewed_by = []\n\n[[sources]]\ntitle = \"A source about calves\" # the only one\n+++\n";

#[test]
fn sign_off_round_trip_keeps_comments_and_order() {
    let site = repo();
    let body = site.read(CALF);
    let body = &body[body.find("\n+++\n").unwrap() + 5..];
    site.write(CALF, format!("{COMMENTED}{body}"));
    edit(&site, CALF, "- no warm-up", "- no warm-up before sport");
    commit(&site, "2026-02-01", "causes");
    assert_eq!(row(&json(&site, &[]), "calf-strain")["changed"]["clinical"], serde_json::json!(["Causes"]));

    let out = site.medkb(&["review", "sign", "calf-strain", "--by", "Dr A. Example, GP", "--date", "2026-11-20"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("next review due 2029-11-20"), "{}", stderr(&out));
    let signed = site.read(CALF);
    let snapshot = util::fixtures().join("review/signed-calf-strain.md");
    if std::env::var_os("MEDKB_BLESS").is_some() {
        std::fs::write(&snapshot, &signed).unwrap();
    }
    let want = std::fs::read_to_string(&snapshot).expect("snapshot; run with MEDKB_BLESS=1");
    assert_eq!(signed, want, "the signed file changed (MEDKB_BLESS=1 to accept)");
    assert!(signed.contains("# Reviewed with the physio team.\ntitle = \"Calf Strain\"   # readers' words\n"));
    assert!(signed.contains("last_reviewed = 2026-11-20 # clinical\n"));

    let check = site.medkb(&["check"]);
    assert!(check.status.success(), "{}", stderr(&check));
    let report = json(&site, &[]);
    let calf = row(&report, "calf-strain");
    assert_eq!(calf["state"], "current");
    assert_eq!(calf["reviewers"], serde_json::json!(["Dr A. Example, GP"]));
    assert_eq!(calf["changed"]["clinical"], serde_json::json!([]));

    // An editorial sign-off is recorded but cannot move the clinical date.
    let out = site.medkb(&["review", "sign", "calf-strain", "--by", "B. Editor, content designer", "--scope", "editorial"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let after = site.read(CALF);
    assert!(after.contains("last_reviewed = 2026-11-20 # clinical\n"), "{after}");
    assert!(
        after.ends_with(&format!(
            "[[review_history]]\ndate = 2026-11-21\nby = \"B. Editor, content designer\"\nscope = \"editorial\"\n+++\n{}",
            &body.replace("- no warm-up", "- no warm-up before sport")
        )),
        "{after}"
    );
    assert_eq!(row(&json(&site, &[]), "calf-strain")["reviewers"], serde_json::json!(["Dr A. Example, GP"]));

    // A full review cannot be dated before the current one, nor in the future.
    let back = site.medkb(&["review", "sign", "calf-strain", "--by", "Dr A. Example, GP", "--date", "2026-06-01"]);
    assert_eq!(back.status.code(), Some(1));
    assert!(stderr(&back).contains("would move that date back"), "{}", stderr(&back));
    let future = site.medkb(&["review", "sign", "calf-strain", "--by", "Dr A. Example, GP", "--date", "2027-01-01"]);
    assert_eq!(future.status.code(), Some(1));
    assert_eq!(site.read(CALF), after, "a refused sign-off leaves the file alone");
}

#[test]
fn sign_off_refuses_a_page_with_check_errors() {
    let site = Site::base();
    edit(&site, CALF, "[[shin-splints]]", "[[shin-splits]]");
    let before = site.read(CALF);
    let out = site.medkb(&["review", "sign", "calf-strain", "--by", "Dr A. Example, GP"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out)
            .contains("content/conditions/calf-strain.md has 1 error that `medkb check` reports; fix it before signing the page off"),
        "{}",
        stderr(&out)
    );
    assert_eq!(site.read(CALF), before);
}

#[test]
fn check_validates_review_history() {
    let site = Site::base();
    edit(&site, CALF, "[[sources]]", "[[review_history]]\ndate = 2026-01-10\nby = \"\"\n\n[[review_history]]\ndate = 2026-01-10\nby = \"Dr C\"\nscope = \"partial\"\n\n[[sources]]");
    let out = site.medkb(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("a review_history entry's `by` must name the reviewer"), "{err}");
    assert!(err.contains("unknown review scope `partial`"), "{err}");
}

#[test]
fn policy_gate_fails_on_unreviewed_clinical_change_with_a_located_diagnostic() {
    let site = repo();
    let policy = format!("{}\n[review]\nrequire_review_after_clinical_change = true\n", site.read("site.toml"));
    site.write("site.toml", policy);
    commit(&site, "2026-01-05", "policy");
    // Editorial changes pass the gate.
    edit(&site, CALF, "A calf strain is a pulled calf muscle.", "A calf strain is a pulled muscle in the calf.");
    commit(&site, "2026-02-01", "wording");
    let ok = site.medkb(&["check"]);
    assert!(ok.status.success(), "{}", stderr(&ok));
    // A clinical change fails check and build, located at the page's last_reviewed.
    edit(&site, CALF, "- urgent: you cannot walk", "- urgent: you cannot walk or stand");
    commit(&site, "2026-03-01", "red flag");
    let out = site.medkb(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("content/conditions/calf-strain.md:6:1: error[unreviewed-clinical-change]: clinical content changed after this page's review of 2026-01-10: Red flags (2 commits); editorial: Lead"),
        "{err}"
    );
    assert!(err.contains("medkb review diff calf-strain"), "{err}");
    assert!(!site.root().join("public/index.html").exists());
    // Signing the page off clears it.
    let signed = site.medkb(&["review", "sign", "calf-strain", "--by", "Dr A. Example, GP"]);
    assert!(signed.status.success(), "the gate does not block the sign-off that resolves it: {}", stderr(&signed));
    let out = site.medkb(&["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn review_box_and_json_ld_name_the_reviewers_of_review_history() {
    let site = Site::base();
    // No reviewed_by: the latest full review in review_history names who reviewed the page.
    edit(
        &site,
        CALF,
        "[[sources]]",
        "[[review_history]]\ndate = 2025-01-10\nby = \"Dr Old, GP\"\n\n[[review_history]]\ndate = 2026-01-10\nby = \"Dr B. Example, physiotherapist\"\nscope = \"full\"\n\n[[review_history]]\ndate = 2026-02-01\nby = \"C. Editor, content designer\"\nscope = \"editorial\"\n\n[[sources]]",
    );
    let out = site.build();
    assert!(out.status.success(), "{}", stderr(&out));
    let doc = site.html("conditions/calf-strain/index.html");
    let review = util::texts(&doc, ".review-box").join(" ");
    assert!(review.contains("Reviewed by Dr B. Example, physiotherapist."), "{review}");
    assert!(review.contains("Page last reviewed"), "{review}");
    assert!(!review.contains("Awaiting clinical review"), "{review}");
    let ld = util::texts(&doc, "script[type='application/ld+json']").join("");
    let ld: serde_json::Value = serde_json::from_str(&ld).unwrap();
    assert_eq!(ld["reviewedBy"], serde_json::json!([{ "@type": "Person", "name": "Dr B. Example", "jobTitle": "physiotherapist" }]));
    assert_eq!(ld["lastReviewed"], "2026-01-10");
}

#[test]
fn evidence_pack_has_sources_history_grades_flags_and_policy() {
    let site = Site::base();
    let policy = format!("{}\n[review]\nfail_overdue_emergency = true\n", site.read("site.toml"));
    site.write("site.toml", policy);
    let signed = site.medkb(&["review", "sign", "calf-strain", "--by", "Dr A. Example, GP"]);
    assert!(signed.status.success(), "{}", stderr(&signed));
    let dir = site.root().join("evidence");
    let out = site.medkb(&["review", "--evidence", dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let pack: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.join("evidence.json")).unwrap()).unwrap();
    assert_eq!(pack["policy"]["fail_overdue_emergency"], true);
    assert_eq!(pack["policy"]["require_review_after_clinical_change"], false);
    assert_eq!(pack["policy"]["review_interval_years"], 3);
    let calf = pack["pages"].as_array().unwrap().iter().find(|p| p["slug"] == "calf-strain").unwrap();
    assert_eq!(calf["review_history"], serde_json::json!([{ "date": "2026-11-21", "by": "Dr A. Example, GP", "scope": "full" }]));
    assert_eq!(calf["sources"][0]["title"], "A source about calves");
    assert_eq!(calf["red_flags"], serde_json::json!({ "emergency": 0, "urgent": 1, "routine": 0 }));
    assert!(calf["reading_grade"].is_number());
    let csv = std::fs::read_to_string(dir.join("pages.csv")).unwrap();
    assert!(csv.starts_with("slug,title,path,state,last_reviewed,"), "{csv}");
    assert!(csv.contains(",\"2026-11-21 Dr A. Example, GP (full)\","), "{csv}");
    assert_eq!(csv.lines().count(), 4);
}

#[test]
fn review_box_says_when_the_page_changed_since_its_review() {
    let site = repo();
    let review_box = |site: &Site| {
        let out = site.build();
        assert!(out.status.success(), "{}", stderr(&out));
        util::texts(&site.html("conditions/shin-splints/index.html"), ".review-box").join(" ")
    };
    assert!(!review_box(&site).contains("since the last review"));
    edit(&site, SHIN, "Shin splints is pain along the shin bone.", "Shin splints is pain along your shin bone.");
    commit(&site, "2026-02-01", "wording");
    assert!(review_box(&site).contains("Changed since the last review: editorial only."), "{}", review_box(&site));
    edit(
        &site,
        SHIN,
        "- routine: the pain has not eased after two weeks of rest",
        "- routine: the pain has not eased after a week of rest",
    );
    commit(&site, "2026-03-01", "red flag");
    let text = review_box(&site);
    assert!(text.contains("Clinical content changed since the last review; review pending."), "{text}");
    assert!(!text.contains("editorial only"), "{text}");
    let signed = site.medkb(&["review", "sign", "shin-splints", "--by", "Dr Example Reviewer"]);
    assert!(signed.status.success(), "{}", stderr(&signed));
    assert!(!review_box(&site).contains("since the last review"), "{}", review_box(&site));
}
