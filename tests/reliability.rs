//! Regression tests for the adversarial review of 2026-11-27
//! (`../shared/reviews/reliability-2026-11-27.md`): one or more per defect, D1–D15.
//! Diagnostics have their own fixtures and snapshots in `tests/fixtures/check/`.

mod util;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::{Duration, Instant};

use util::*;

fn names_beside(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".public"))
        .collect();
    v.sort();
    v
}

fn json_check(site: &Site) -> serde_json::Value {
    let out = site.medkb(&["check", "--format", "json"]);
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(&out)))
}

fn codes(v: &serde_json::Value) -> Vec<String> {
    v["diagnostics"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap().to_string()).collect()
}

// D1: --output never destroys what medkb did not make.
#[test]
fn output_refuses_folders_medkb_did_not_make() {
    let site = Site::base();
    let scratch = tempfile::tempdir().unwrap();
    let decoy = scratch.path().join("decoy");
    std::fs::create_dir(&decoy).unwrap();
    std::fs::write(decoy.join("thesis.txt"), "keep").unwrap();
    let refused = |target: &Path, why: &str| {
        let out = site.medkb(&["build", "--output", target.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2), "{why}: {}", stderr(&out));
        assert!(stderr(&out).contains("refusing to build into"), "{why}: {}", stderr(&out));
    };
    refused(&decoy, "a folder with other files");
    assert_eq!(std::fs::read_to_string(decoy.join("thesis.txt")).unwrap(), "keep");
    refused(site.root(), "the site root");
    refused(&site.root().join("."), "the site root, spelt with a dot");
    refused(&site.root().join("content"), "content/");
    refused(&site.root().join("content/conditions/new"), "a new folder inside content/");
    refused(&site.root().join("static/out"), "a new folder inside static/");
    refused(&site.root().join("templates"), "templates/");
    refused(site.root().parent().unwrap(), "a folder holding the site");
    std::fs::write(scratch.path().join("file"), "x").unwrap();
    refused(&scratch.path().join("file"), "a file");
    assert!(site.root().join("site.toml").exists() && site.root().join("content/conditions/calf-strain.md").exists());
    assert!(!site.root().join("public").exists(), "nothing was built");

    // A new folder, an empty folder and a previous medkb output are fine.
    let fresh = scratch.path().join("fresh");
    assert!(site.medkb(&["build", "--output", fresh.to_str().unwrap()]).status.success());
    assert!(fresh.join(".medkb-output").is_file(), "outputs are marked");
    let again = site.medkb(&["build", "--output", fresh.to_str().unwrap()]);
    assert!(again.status.success(), "{}", stderr(&again));
    let empty = scratch.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    assert!(site.medkb(&["build", "--output", empty.to_str().unwrap()]).status.success());
    // The default public/ keeps working, marked or not (outputs of earlier versions).
    std::fs::create_dir(site.root().join("public")).unwrap();
    std::fs::write(site.root().join("public/old.html"), "old").unwrap();
    assert!(site.build().status.success());
    assert!(!site.root().join("public/old.html").exists());
}

// D4: the next build removes what killed builds left; a live build's folder stays.
#[test]
fn stale_staging_folders_are_removed() {
    let site = Site::base();
    assert!(site.build().status.success());
    // No process has this id (above Linux's pid_max), so these are a killed build's leftovers.
    for stale in [".public.new-4194305-abc123", ".public.old-4194305"] {
        std::fs::create_dir_all(site.root().join(stale).join("conditions")).unwrap();
        std::fs::write(site.root().join(stale).join("conditions/x.html"), "old").unwrap();
    }
    let live = format!(".public.new-{}-xyz", std::process::id());
    std::fs::create_dir(site.root().join(&live)).unwrap();
    let out = site.build();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(names_beside(site.root()), [live], "only the live process's folder is left");
    assert!(site.root().join("public/index.html").exists());
}

// D4: the swap leaves one complete public/ and nothing beside it, every time.
#[test]
fn swap_leaves_one_complete_output() {
    let site = Site::base();
    for _ in 0..3 {
        site.write(
            "content/conditions/calf-strain.md",
            site.read("content/conditions/calf-strain.md").replace("rest and ice", "rest, ice"),
        );
        assert!(site.build().status.success());
        assert!(site.root().join("public/conditions/calf-strain/index.html").exists());
        assert!(names_beside(site.root()).is_empty());
    }
    let mode = std::fs::metadata(site.root().join("public")).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode & 0o055, 0o055, "public/ is readable by a web server: {mode:o}");
}

// D2: only http(s) and relative URLs are published.
#[test]
fn script_urls_are_errors_and_never_published() {
    let site = Site::with_overlay("unsafe-url");
    let v = json_check(&site);
    let bad: Vec<_> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "invalid-field" && d["message"].as_str().unwrap().contains("url"))
        .collect();
    assert_eq!(bad.len(), 2, "{v:#}");
    assert_eq!(bad[0]["line"], 10, "located at the value: {v:#}");
    let out = site.build();
    assert_eq!(out.status.code(), Some(1));
    assert!(!site.root().join("public").exists());
}

// D3: nothing outside the site root is published, whatever links say.
#[test]
fn links_out_of_the_site_are_refused() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("shadow"), "root:secret").unwrap();
    std::fs::create_dir(outside.path().join("templates")).unwrap();
    for (what, link) in [("static", "static"), ("themes/default", "themes/default"), ("templates", "templates")] {
        let site = Site::base();
        std::fs::create_dir_all(site.root().join(link).parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(outside.path(), site.root().join(link)).unwrap();
        let v = json_check(&site);
        let d = v["diagnostics"].as_array().unwrap().iter().find(|d| d["path"] == link).unwrap_or_else(|| panic!("{what}: {v:#}"));
        assert_eq!(d["severity"], "error", "{what}");
        assert!(d["message"].as_str().unwrap().contains("outside the site"), "{what}");
        let out = site.build();
        assert_eq!(out.status.code(), Some(1), "{what}: {}", stderr(&out));
        assert!(!site.root().join("public").exists(), "{what}");
    }
    // Links inside static/: to a file outside (error), to a folder (warning, not followed).
    let site = Site::base();
    std::fs::create_dir(site.root().join("static")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("shadow"), site.root().join("static/passwd")).unwrap();
    std::os::unix::fs::symlink(site.root().join("content"), site.root().join("static/pages")).unwrap();
    let v = json_check(&site);
    let at = |p: &str| v["diagnostics"].as_array().unwrap().iter().find(|d| d["path"] == p).map(|d| d["severity"].clone());
    assert_eq!(at("static/passwd"), Some("error".into()), "{v:#}");
    assert_eq!(at("static/pages"), Some("warning".into()), "{v:#}");
    std::fs::remove_file(site.root().join("static/passwd")).unwrap();
    // Published files get ordinary permissions whatever the source's were.
    site.write("static/tool.sh", "echo");
    std::fs::set_permissions(site.root().join("static/tool.sh"), std::fs::Permissions::from_mode(0o4777)).unwrap();
    assert!(site.build().status.success());
    let mode = std::fs::metadata(site.root().join("public/tool.sh")).unwrap().permissions().mode() & 0o7777;
    assert_eq!(mode & 0o7133, 0, "no execute, setuid or group/other write bits: {mode:o}");
}

// D5: every parsed flag is on the page; a care card never loses one.
#[test]
fn care_cards_show_every_parsed_flag_of_the_bundled_site() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let site = Site { dir: tempfile::tempdir().unwrap() };
    std::fs::copy(repo.join("site.toml"), site.root().join("site.toml")).unwrap();
    copy_tree(&repo.join("content"), &site.root().join("content"));
    let out = site.build();
    assert!(out.status.success(), "{}", stderr(&out));
    let mut opts = medkb::pipeline::BuildOptions::new(site.root(), medkb::pipeline::Stage::Check);
    opts.today = chrono::NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").unwrap();
    let outcome = medkb::pipeline::build(&opts).unwrap();
    let mut checked = 0;
    for page in outcome.pages.iter().filter(|p| p.kind == medkb::parse::PageKind::Condition) {
        let doc = site.html(&format!("{}index.html", page.url.trim_start_matches('/')));
        let shown = texts(&doc, ".care-card li").len();
        assert_eq!(shown, page.body.red_flags.len(), "{}", page.path);
        assert!(shown > 0, "{} has no flags", page.path);
        checked += 1;
    }
    assert!(checked > 10, "only {checked} condition pages");
}

// D8: a template that includes itself is a located error, in check and build alike.
#[test]
fn recursive_include_is_an_error_not_a_crash() {
    let site = Site::with_overlay("template");
    let out = site.build();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("templates/partials/search.html:1:1: error[template]"), "{}", stderr(&out));
    assert!(names_beside(site.root()).is_empty(), "no staging folder left");
    // A macro that calls itself would overflow the stack the same way.
    let site = Site::base();
    site.write("templates/404.html", "{% macro m() %}{{ self::m() }}{% endmacro m %}{{ self::m() }}");
    for cmd in ["check", "build"] {
        let out = site.medkb(&[cmd]);
        assert_eq!(out.status.code(), Some(1), "{cmd}: {}", stderr(&out));
        assert!(stderr(&out).contains("templates/404.html:1:1: error[template]: the macro `m` calls itself"), "{}", stderr(&out));
    }
    // A template that fails only when rendered fails check too.
    let site = Site::base();
    site.write("templates/404.html", "{{ no_such_variable }}");
    let out = site.medkb(&["check"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("error[template]") && stderr(&out).contains("no_such_variable"), "{}", stderr(&out));
}

// D9: every XML output is well-formed, and control characters never reach it.
#[test]
fn xml_outputs_are_well_formed() {
    let site = Site::base();
    site.write("site.toml", site.read("site.toml") + "feed_limit = 100\n");
    let page = site.read("content/conditions/calf-strain.md");
    site.write(
        "content/conditions/calf-strain.md",
        page.replace("A pulled calf muscle.", "A pulled <calf> & \\\"muscle\\\" ]]> \u{2028}."),
    );
    let out = site.build();
    assert!(out.status.success(), "{}", stderr(&out));
    let mut xml = 0;
    for e in walkdir::WalkDir::new(site.root().join("public")).into_iter().map(Result::unwrap) {
        if e.path().extension().is_some_and(|x| x == "xml") {
            let text = std::fs::read_to_string(e.path()).unwrap();
            roxmltree::Document::parse(&text).unwrap_or_else(|err| panic!("{}: {err}", e.path().display()));
            xml += 1;
        }
    }
    assert!(xml >= 2, "atom.xml and sitemap.xml");
    let site = Site::with_overlay("control-character");
    assert_eq!(site.build().status.code(), Some(1));
}

// D10: page text printed on the terminal shows its control characters.
#[test]
fn terminal_output_shows_escapes() {
    let site = Site::base();
    let page = site.read("content/conditions/calf-strain.md");
    site.write(
        "content/conditions/calf-strain.md",
        page.replace("- no warm-up", "- \u{1b}[1A\u{1b}[2K\u{1b}[32mall good\u{1b}[0m [[no-such-page]]"),
    );
    let out = site.medkb(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!out.stderr.contains(&0x1b), "raw ESC printed: {}", stderr(&out));
    assert!(stderr(&out).contains("\\u{1b}[2K"), "{}", stderr(&out));
}

// D6, D7: hostile input costs time and output linear in its size.
#[test]
fn hostile_input_builds_in_seconds() {
    let limit = Duration::from_secs(if cfg!(debug_assertions) { 60 } else { 10 });
    let site = Site::base();
    let page = site.read("content/conditions/calf-strain.md");
    let deep = format!("{}x\n\n{}", "<div>".repeat(50_000), "### Notes\n\n".repeat(20_000));
    site.write("content/conditions/calf-strain.md", page.replace("## Symptoms", &format!("{deep}## Symptoms")));
    let started = Instant::now();
    let out = site.build();
    let took = started.elapsed();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(took < limit, "build took {took:?}");
    assert!(stderr(&out).contains("warning[too-deep]"), "{}", stderr(&out));
    let html = site.read("public/conditions/calf-strain/index.html");
    assert!(html.contains("notes-20000"), "identical headings get numbered anchors");
    assert!(!html.contains("<div><div>"), "raw HTML past the depth limit is shown as text");

    // Thousands of errors on one long line: output grows with the number of errors only.
    let site = Site::base();
    let links: String = (0..4000).map(|k| format!("[[missing-{k}]] ")).collect();
    site.write("content/conditions/calf-strain.md", page.replace("## Symptoms", &format!("{links}\n\n## Symptoms")));
    let started = Instant::now();
    let out = site.medkb(&["check"]);
    assert!(started.elapsed() < limit);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stderr.len() < 4000 * 700, "{} bytes of diagnostics for 4000 errors", out.stderr.len());
    let json = site.medkb(&["check", "--format", "json"]);
    assert!(json.stdout.len() < 4000 * 1200, "{} bytes of JSON for 4000 errors", json.stdout.len());
}

// D12–D14: site.toml values that used to pass.
#[test]
fn absurd_config_values_are_located_errors() {
    let site = Site::with_overlay("config-values");
    let v = json_check(&site);
    let lines: Vec<u64> = v["diagnostics"].as_array().unwrap().iter().map(|d| d["line"].as_u64().unwrap()).collect();
    assert!(lines.iter().all(|&l| l > 1), "every error points at its line: {v:#}");
    assert!(codes(&v).iter().all(|c| c == "config"));
    assert_eq!(lines.len(), 5, "base_url, interval, grade, empty wording, duplicate region: {v:#}");
    for locale in ["en-AU", "../x", "x\u{1b}"] {
        let site = Site::base();
        site.write("site.toml", site.read("site.toml").replace("en-GB", locale));
        let v = json_check(&site);
        assert_eq!(codes(&v), ["config"], "{locale}: {v:#}");
        assert_eq!(v["diagnostics"][0]["line"], 3, "{locale}");
    }
}

// D13: `medkb new` writes valid TOML for any title.
#[test]
fn new_writes_valid_toml_for_any_title() {
    for title in ["Heel\u{200b}pain", "Bell\u{7} ringing", "Quote \" and \\ back", "Tab\there", "Emoji 🦶 foot"] {
        let site = Site::base();
        let out = site.medkb(&["new", "guide", title]);
        assert!(out.status.success(), "{title:?}: {}", stderr(&out));
        let v = json_check(&site);
        assert!(!codes(&v).iter().any(|c| c == "front-matter" || c == "invalid-field"), "{title:?}: {v:#}");
    }
}

// D15: locations and messages.
#[test]
fn locations_point_at_the_problem() {
    let site = Site::base();
    let page = site.read("content/conditions/calf-strain.md");
    let mut bytes = page.replace("- no warm-up", "- no warm-up\n- bad \u{0}").into_bytes();
    let at = bytes.iter().position(|&b| b == 0).unwrap();
    bytes[at] = 0xff;
    site.write("content/conditions/calf-strain.md", &bytes);
    let v = json_check(&site);
    let d = &v["diagnostics"][0];
    assert_eq!((d["code"].as_str(), d["line"].as_u64()), (Some("invalid-file"), Some(21)), "{v:#}");

    let site = Site::base();
    site.write("content/conditions/calf-strain.md", page.replace("- urgent: you cannot walk", "-\n- urgent: you cannot walk"));
    let v = json_check(&site);
    let d = v["diagnostics"].as_array().unwrap().iter().find(|d| d["code"] == "red-flag-urgency").unwrap();
    assert_eq!(d["line"], 28, "the empty item's own line: {v:#}");

    let site = Site::base();
    site.write("content/conditions/calf-strain.md", page.replace('\n', "\r"));
    let out = site.medkb(&["check"]);
    assert!(stderr(&out).contains("carriage return"), "{}", stderr(&out));

    let site = Site::base();
    site.write("site.toml", b"title = \"Fixture\xff\"\n".as_slice());
    let out = site.medkb(&["check"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("site.toml:1:17: error[config]"), "{}", stderr(&out));

    let site = Site::base();
    site.write("content/conditions/calf-strain.md", page.replace("[[shin-splints]]", "[[]] [[shin-splints]]"));
    let out = site.medkb(&["check"]);
    assert!(stderr(&out).contains("names no page") && !stderr(&out).contains("conditions/.md"), "{}", stderr(&out));

    let outside = tempfile::tempdir().unwrap();
    let site = Site::base();
    let moved = outside.path().join("conditions");
    std::fs::rename(site.root().join("content/conditions"), &moved).unwrap();
    std::os::unix::fs::symlink(&moved, site.root().join("content/conditions")).unwrap();
    let v = json_check(&site);
    assert_eq!(v["diagnostics"][0]["path"], "content/conditions", "{v:#}");
    assert!(v["diagnostics"][0]["message"].as_str().unwrap().contains("outside the site"));
}

/// Every string in a JSON value with the key it is under.
fn json_strings<'a>(v: &'a serde_json::Value, key: &str, out: &mut Vec<(String, &'a str)>) {
    match v {
        serde_json::Value::String(s) => out.push((key.to_string(), s)),
        serde_json::Value::Array(a) => a.iter().for_each(|x| json_strings(x, key, out)),
        serde_json::Value::Object(o) => o.iter().for_each(|(k, x)| json_strings(x, k, out)),
        _ => {}
    }
}

fn json_is_safe(v: &serde_json::Value, file: &str) {
    let mut strings = Vec::new();
    json_strings(v, "", &mut strings);
    for (key, s) in strings {
        let k = key.to_ascii_lowercase();
        if k.ends_with("url") || k == "@id" || k == "href" {
            assert!(medkb::url::publishable(s, false).is_some(), "{file}: unsafe {key} {s:?}");
        }
        // Strings the browser inserts as HTML (snippets, rendered fragments) must be inert.
        if k.contains("snippet") || k.ends_with("html") {
            assert_eq!(executable_markup(&format!("<body>{s}</body>")), None, "{file}: {key} {s:?}");
        }
    }
}

// The report's payload classes in every field: no output may carry executable markup.
#[test]
fn xss_corpus_builds_inert() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixtures().join("xss"), dir.path());
    let site = Site { dir };
    let out = site.build();
    assert!(out.status.success(), "{}", stderr(&out));
    let (mut html, mut xml, mut json, mut jsonld) = (0, 0, 0, 0);
    for e in walkdir::WalkDir::new(site.root().join("public")).into_iter().map(Result::unwrap).filter(|e| e.file_type().is_file()) {
        let path = e.path();
        let name = path.display().to_string();
        let bytes = std::fs::read(path).unwrap();
        match path.extension().and_then(|x| x.to_str()) {
            Some("html") => {
                let text = String::from_utf8(bytes).unwrap();
                assert_eq!(executable_markup(&text), None, "{name}");
                let doc = scraper::Html::parse_document(&text);
                let sel = scraper::Selector::parse("script[type='application/ld+json']").unwrap();
                for s in doc.select(&sel) {
                    let v: serde_json::Value = serde_json::from_str(&s.inner_html()).unwrap_or_else(|e| panic!("{name}: JSON-LD {e}"));
                    json_is_safe(&v, &name);
                    jsonld += 1;
                }
                html += 1;
            }
            Some("xml") => {
                let text = String::from_utf8(bytes).unwrap();
                let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
                for n in doc.descendants() {
                    if let Some(href) = n.attribute("href") {
                        assert!(medkb::url::publishable(href, false).is_some(), "{name}: {href}");
                    }
                    if matches!(n.tag_name().name(), "loc" | "id") {
                        let t = n.text().unwrap_or("");
                        assert!(t.starts_with("https://xss.example/") || t.starts_with("tag:"), "{name}: {t}");
                    }
                }
                xml += 1;
            }
            Some("json") => {
                let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
                json_is_safe(&v, &name);
                json += 1;
            }
            _ => {}
        }
    }
    assert!(html >= 8 && xml >= 2 && jsonld >= 3, "html {html}, xml {xml}, json-ld {jsonld}, json {json}");
    // The search answers (the browser shows snippets as HTML) are inert too.
    for q in ["script", "alert", "onerror", "calf", "img"] {
        let out = site.medkb(&["search", q, "--json"]);
        assert!(out.status.success(), "{}", stderr(&out));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        json_is_safe(&v, &format!("search {q}"));
    }
}
