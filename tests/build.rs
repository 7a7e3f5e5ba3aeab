//! `medkb build` on fixture sites, with the output read back through an HTML parser.

mod util;

use std::os::unix::fs::MetadataExt;

use util::*;

fn built() -> Site {
    let site = Site::base();
    let out = site.build();
    assert!(out.status.success(), "{}", stderr(&out));
    site
}

#[test]
fn condition_page_structure() {
    let site = built();
    let doc = site.html("conditions/shin-splints/index.html");
    assert_eq!(texts(&doc, "h1"), ["Shin Splints"]);
    assert_eq!(texts(&doc, ".medical-name"), ["Medical name: Medial tibial stress syndrome"]);
    assert_eq!(texts(&doc, ".also-called"), ["Also called: MTSS, Sore shins"]);
    // Care cards: emergency first whatever the order written, with the locale's wording.
    let cards = attrs(&doc, ".care-card", "class");
    assert_eq!(cards, ["care-card care-card--emergency", "care-card care-card--urgent", "care-card care-card--routine"]);
    let headings = texts(&doc, ".care-card__heading");
    assert_eq!(headings[0], "Immediate action required: Call 999 or go to A&E now if:");
    assert_eq!(headings[1], "Urgent advice: Get help today from a GP, NHS 111 or an urgent treatment centre if:");
    assert_eq!(texts(&doc, ".care-card--emergency li"), ["your lower leg is cold, pale and numb"]);
    // Cards come before the symptoms.
    let html = site.read("public/conditions/shin-splints/index.html");
    assert!(html.find("care-card--emergency").unwrap() < html.find("id=\"symptoms\"").unwrap());
    // Timeline: an ordered list of phases.
    assert_eq!(texts(&doc, "ol.timeline__phases > li .timeline__label"), ["Days 0–3", "Weeks 2–6"]);
    // Cross-links resolve to pretty URLs, with section anchors.
    let links = attrs(&doc, ".lead a, .section a", "href");
    assert!(links.contains(&"/conditions/calf-strain/".to_string()), "{links:?}");
    assert!(links.contains(&"/guides/running-guide/".to_string()), "{links:?}");
    assert!(links.contains(&"/conditions/calf-strain/#fixes".to_string()), "{links:?}");
    assert!(texts(&doc, ".lead a").contains(&"our running guide".to_string()));
    // Related (both ends), mentioned in, sources, review box, disclaimer, breadcrumb.
    assert_eq!(texts(&doc, ".related a"), ["Calf Strain"]);
    assert_eq!(texts(&doc, ".backlinks a"), ["Calf Strain", "Running Guide"]);
    assert!(texts(&doc, ".sources li")[0].starts_with("A source about shins. A. Author. Example Press, 2024-03-01"));
    assert!(texts(&doc, ".review-box")[0].contains("Reviewed by Dr Example Reviewer"));
    assert!(texts(&doc, ".review-box dd").contains(&"10 January 2029".to_string()), "next review = last + 3 years");
    assert!(texts(&doc, ".disclaimer")[0].contains("Fixture disclaimer"));
    assert_eq!(texts(&doc, ".breadcrumb li"), ["Home", "Lower leg", "Shin Splints"]);
}

#[test]
fn awaiting_review_notice_when_no_reviewer() {
    let site = built();
    let doc = site.html("conditions/calf-strain/index.html");
    assert_eq!(texts(&doc, ".notice--review").len(), 1);
    assert!(texts(&doc, ".review-notice")[0].contains("Awaiting clinical review"));
    // Related shows on both ends.
    assert_eq!(texts(&doc, ".related a"), ["Shin Splints"]);
}

#[test]
fn json_ld_matches_visible_text() {
    let site = built();
    let doc = site.html("conditions/shin-splints/index.html");
    let sel = scraper::Selector::parse("script[type='application/ld+json']").unwrap();
    let json: serde_json::Value = serde_json::from_str(&doc.select(&sel).next().unwrap().inner_html()).unwrap();
    assert_eq!(json["@type"], "MedicalWebPage");
    assert_eq!(json["lastReviewed"], "2026-01-10");
    assert_eq!(json["reviewedBy"][0]["name"], "Dr Example Reviewer");
    let about = &json["about"];
    assert_eq!(about["@type"], "MedicalCondition");
    assert_eq!(about["name"], "Medial tibial stress syndrome");
    let symptoms: Vec<String> =
        about["signOrSymptom"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap().to_string()).collect();
    assert_eq!(symptoms, texts(&doc, "#symptoms + ul li"));
    assert_eq!(about["possibleTreatment"].as_array().unwrap().len(), texts(&doc, "#fixes + ul li").len());
    assert_eq!(attrs(&doc, "link[rel=canonical]", "href"), ["https://fixture.example/conditions/shin-splints/"]);
    assert_eq!(attrs(&doc, "meta[property='og:title']", "content"), ["Shin Splints"]);
}

#[test]
fn index_pages_feeds_and_404() {
    let site = built();
    let az = site.html("a-z/index.html");
    let entries = texts(&az, "section li");
    assert!(entries.contains(&"MTSS: see Shin Splints".to_string()), "{entries:?}");
    assert!(entries.contains(&"Calf Strain reviewed 10 January 2026".to_string()), "{entries:?}");
    let region = site.html("regions/lower-leg/index.html");
    assert_eq!(texts(&region, "main li a"), ["Calf Strain", "Shin Splints"]);
    assert_eq!(texts(&site.html("guides/index.html"), "main li a"), ["Running Guide"]);
    assert_eq!(texts(&site.html("404.html"), "h1"), ["Page not found"]);
    let home = site.html("index.html");
    assert!(texts(&home, ".region-grid a").iter().any(|t| t.starts_with("Lower leg 2 pages")));
    let sitemap = site.read("public/sitemap.xml");
    assert!(sitemap.contains("<loc>https://fixture.example/conditions/shin-splints/</loc><lastmod>2026-01-10</lastmod>"));
    let feed = site.read("public/atom.xml");
    // One entry per review: the review date is part of the entry's identity and title.
    assert!(feed.contains("<id>https://fixture.example/conditions/calf-strain/#reviewed-2026-01-10</id>"), "{feed}");
    assert!(feed.contains("<title>Calf Strain: reviewed 10 January 2026</title>"), "{feed}");
    assert!(site.read("public/robots.txt").contains("Sitemap: https://fixture.example/sitemap.xml"));
    // Every page shows the disclaimer.
    for page in ["index.html", "a-z/index.html", "guides/running-guide/index.html", "404.html", "regions/lower-leg/index.html"] {
        assert_eq!(texts(&site.html(page), ".disclaimer").len(), 1, "{page}");
    }
}

#[test]
fn raw_html_never_executes() {
    let site = Site::base();
    let page = site.read("content/conditions/calf-strain.md");
    let page = page
        .replace("title = \"Calf Strain\"", "title = \"Calf <script>alert(1)</script> Strain\"")
        .replace("- sudden pain in the calf", "- sudden pain <img src=x onerror=alert(1)> <a href=\"javascript:alert(2)\">x</a>\n\n<script>alert(3)</script>\n\n<p onclick=\"alert(4)\">para</p>");
    site.write("content/conditions/calf-strain.md", page);
    let out = site.build();
    assert!(out.status.success(), "{}", stderr(&out));
    let html = site.read("public/conditions/calf-strain/index.html");
    for bad in ["<script>alert", "onerror", "javascript:", "onclick"] {
        assert!(!html.contains(bad), "`{bad}` survived:\n{html}");
    }
    let doc = site.html("conditions/calf-strain/index.html");
    assert_eq!(texts(&doc, "h1"), ["Calf <script>alert(1)</script> Strain"], "the title is shown as text");
    assert_eq!(texts(&doc, "#symptoms ~ p"), ["para"]);
}

#[test]
fn failed_build_leaves_previous_output_byte_identical() {
    let site = built();
    let snapshot = |site: &Site| -> Vec<(String, Vec<u8>)> {
        let mut v: Vec<_> = walkdir::WalkDir::new(site.root().join("public"))
            .into_iter()
            .map(|e| e.unwrap())
            .filter(|e| e.file_type().is_file())
            .map(|e| (e.path().display().to_string(), std::fs::read(e.path()).unwrap()))
            .collect();
        v.sort();
        v
    };
    let before = snapshot(&site);
    site.write("content/conditions/calf-strain.md", site.read("content/conditions/calf-strain.md").replace("- urgent:", "-"));
    let out = site.build();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("left as it was"), "{}", stderr(&out));
    assert_eq!(snapshot(&site), before);
}

#[test]
fn unchanged_files_are_not_rewritten() {
    let site = built();
    let inode = |rel: &str| std::fs::metadata(site.root().join("public").join(rel)).unwrap().ino();
    let (a, b) = (inode("guides/running-guide/index.html"), inode("conditions/calf-strain/index.html"));
    site.write(
        "content/conditions/calf-strain.md",
        site.read("content/conditions/calf-strain.md").replace("- no warm-up", "- no warm-up at all"),
    );
    assert!(site.build().status.success());
    assert_eq!(inode("guides/running-guide/index.html"), a, "untouched page keeps its file");
    assert_ne!(inode("conditions/calf-strain/index.html"), b, "edited page is rewritten");
    assert!(site.read("public/conditions/calf-strain/index.html").contains("no warm-up at all"));
}

#[test]
fn output_flag_and_drafts() {
    let site = Site::with_overlay("draft-link");
    assert_eq!(site.build().status.code(), Some(1), "links to a draft fail a normal build");
    let out_dir = tempfile::tempdir().unwrap();
    let target = out_dir.path().join("site");
    let out = site.medkb(&["build", "--drafts", "--output", target.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(target.join("conditions/calf-strain/index.html").exists());
    assert!(stderr(&out).contains("medkb: built 3 pages"), "one summary line: {}", stderr(&out));
}

#[test]
fn gathered_red_flags_guide() {
    let site = Site::base();
    site.write(
        "content/guides/running-guide.md",
        site.read("content/guides/running-guide.md").replace("related = []", "related = []\ngather_red_flags = true"),
    );
    assert!(site.build().status.success());
    let doc = site.html("guides/running-guide/index.html");
    let emergency = texts(&doc, ".gathered .care-card--emergency li");
    assert_eq!(emergency, ["your lower leg is cold, pale and numb"]);
    let urgent = texts(&doc, ".gathered .care-card--urgent li");
    assert_eq!(urgent.len(), 2, "{urgent:?}");
    assert!(texts(&doc, ".gathered .care-card--emergency a").is_empty(), "no links inside emergency cards");
    assert!(texts(&doc, ".gathered-sources a").contains(&"Shin Splints".to_string()));
}

#[test]
fn new_scaffolds_a_page_that_fails_only_on_its_todos() {
    let site = Site::base();
    let out = site.medkb(&["new", "condition", "Plantar Fasciitis", "--region", "ankle-foot"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(site.root().join("content/conditions/plantar-fasciitis.md").exists());
    let check = site.medkb(&["check", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    let codes: std::collections::BTreeSet<String> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(codes.into_iter().collect::<Vec<_>>(), ["unfinished"]);
    // Filling in the TODOs makes it pass.
    let text = site.read("content/conditions/plantar-fasciitis.md");
    let filled: String = text.replace("TODO: ", "").replace("TODO ", "").replace("TODO", "Heel pain");
    site.write("content/conditions/plantar-fasciitis.md", filled);
    let check = site.medkb(&["check"]);
    assert!(check.status.success(), "{}", stderr(&check));
    // Guides too, and an existing file is never overwritten.
    assert!(site.medkb(&["new", "guide", "Warm Up Well"]).status.success());
    assert_eq!(site.medkb(&["new", "guide", "Warm Up Well"]).status.code(), Some(2));
    assert_eq!(site.medkb(&["new", "condition", "X", "--region", "nowhere"]).status.code(), Some(2));
}

/// The element children of the first match of `selector`: `p`, `div.care-card--emergency`…
fn children(doc: &scraper::Html, selector: &str) -> Vec<String> {
    let sel = scraper::Selector::parse(selector).unwrap();
    let parent = doc.select(&sel).next().unwrap_or_else(|| panic!("no {selector}"));
    parent
        .children()
        .filter_map(scraper::ElementRef::wrap)
        .map(|e| {
            let class = e.value().classes().find(|c| c.starts_with("care-card--")).map(|c| format!(".{c}")).unwrap_or_default();
            format!("{}{class}", e.value().name())
        })
        .collect()
}

#[test]
fn red_flags_prose_keeps_its_place_around_the_cards() {
    let site = Site::base();
    let page = site.read("content/conditions/calf-strain.md").replace(
        "## Red flags\n\n- urgent: you cannot walk\n",
        "## Red flags\n\nGet help if a sore calf comes with these signs:\n\n- urgent: you cannot walk\n- emergency: your foot is cold and pale\n\nFor a lump behind the knee, see [[shin-splints]].\n\nThese signs need help today too:\n\n- routine: it is no better after two weeks\n",
    );
    site.write("content/conditions/calf-strain.md", page);
    let out = site.build();
    assert!(out.status.success(), "{}", stderr(&out));
    let doc = site.html("conditions/calf-strain/index.html");
    // The lead-in comes first, each run of cards after the prose that introduces it
    // (emergency first within a run), and the closing note stays between the runs.
    assert_eq!(
        children(&doc, ".get-help"),
        ["h2", "p", "div.care-card--emergency", "div.care-card--urgent", "p", "p", "div.care-card--routine"]
    );
    assert_eq!(texts(&doc, ".get-help > p")[0], "Get help if a sore calf comes with these signs:");
    assert_eq!(attrs(&doc, ".get-help > p a", "href"), ["/conditions/shin-splints/"]);
}

#[test]
fn red_flags_section_with_only_prose_is_still_shown() {
    let site = Site::base();
    site.write(
        "content/guides/running-guide.md",
        site.read("content/guides/running-guide.md") + "\n## When to get help\n\nSee a doctor if the pain does not settle.\n",
    );
    assert!(site.build().status.success());
    let doc = site.html("guides/running-guide/index.html");
    assert_eq!(texts(&doc, ".get-help p"), ["See a doctor if the pain does not settle."]);
}

/// Past the nesting limit a section's raw HTML is shown as text, but the citations are
/// medkb's own markup and must survive: a safety-netting claim never loses its source.
#[test]
fn safety_netting_is_cited_in_a_section_too_deep_for_raw_html() {
    let site = Site::with_overlay("safety-netting");
    let page = site.read("content/conditions/calf-strain.md");
    let deep = format!("{}x\n\n", "<div>".repeat(301));
    site.write("content/conditions/calf-strain.md", page.replace("- if your toes tingle", &format!("{deep}- if your toes tingle")));
    let out = site.build();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("warning[too-deep]"), "{}", stderr(&out));
    let html = site.read("public/conditions/calf-strain/index.html");
    assert!(html.contains("&lt;div&gt;&lt;div&gt;"), "the deep section took the escaped path");
    let doc = site.html("conditions/calf-strain/index.html");
    assert_eq!(texts(&doc, "#fixes + * sup.citation, #fixes ~ ul sup.citation").len(), 1, "{html}");
    assert_eq!(texts(&doc, "sup.citation"), ["Editors' safety-netting"; 3]);
    assert!(!html.contains('\u{E000}'), "no stand-in for the marker is left");
}

#[test]
fn safety_netting_is_cited_never_shown_as_a_marker() {
    let site = Site::with_overlay("safety-netting");
    let out = site.build();
    assert!(out.status.success(), "{}", stderr(&out));
    let doc = site.html("conditions/calf-strain/index.html");
    // The lead paragraph's sentence, a Fixes item and a red flag each cite the editors' entry.
    assert_eq!(texts(&doc, "sup.citation"), ["Editors' safety-netting"; 3]);
    assert_eq!(attrs(&doc, "sup.citation a", "href"), ["#source-2"; 3]);
    assert_eq!(texts(&doc, ".lead sup.citation, #fixes + ul sup.citation, .care-card--emergency sup.citation").len(), 3);
    assert_eq!(
        texts(&doc, ".care-card--emergency li"),
        ["your leg is swollen or painful and you feel short of breath or have chest pain Editors' safety-netting"]
    );
    // The entry it links to is listed with the sources, labelled.
    assert_eq!(attrs(&doc, ".sources li", "id"), ["source-1", "source-2"]);
    let entry = &texts(&doc, "#source-2")[0];
    assert!(entry.starts_with("Editors' safety-netting: Standard safety-netting advice added by the site's editors"), "{entry}");
    assert_eq!(attrs(&doc, "#source-2", "class"), ["source source--safety-netting"]);
    // Nowhere in the built site does the marker (or its stand-in) show, except in code where the author wrote it as code.
    for entry in walkdir::WalkDir::new(site.root().join("public")) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "html" || e == "xml") {
            let html = std::fs::read_to_string(entry.path()).unwrap();
            assert!(!html.contains('\u{E000}'), "{}", entry.path().display());
            let literal = html.matches("{safety-netting}").count();
            let in_code = html.matches("<code>{safety-netting}</code>").count();
            assert_eq!(literal, in_code, "{}", entry.path().display());
        }
    }
    // Nor in the search index's text.
    let out = site.medkb(&["search", "breathlessness blood clot lung", "--json"]);
    let json = stdout(&out);
    assert!(json.contains("calf-strain"), "{json}");
    assert!(!json.contains("safety-netting") && !json.contains('\u{E000}'), "{json}");
}

#[test]
fn review_date_label_says_what_the_date_means() {
    let site = built();
    // No reviewer: the date is when the page was checked against its sources, not a clinical review.
    let unreviewed = site.html("conditions/calf-strain/index.html");
    assert_eq!(texts(&unreviewed, ".review-box dt"), ["Last checked against sources", "Next review due"]);
    assert!(!site.read("public/conditions/calf-strain/index.html").contains("Page last reviewed"));
    let reviewed = site.html("conditions/shin-splints/index.html");
    assert_eq!(texts(&reviewed, ".review-box dt"), ["Page last reviewed", "Next review due"]);
}

#[test]
fn sections_show_the_heading_the_author_wrote() {
    let site = Site::base();
    site.write("content/conditions/calf-strain.md", site.read("content/conditions/calf-strain.md").replace("## Fixes", "## What to do"));
    let out = site.build();
    assert!(out.status.success(), "a \"What to do\" section is the Fixes section: {}", stderr(&out));
    let doc = site.html("conditions/calf-strain/index.html");
    assert!(texts(&doc, "h2").contains(&"What to do".to_string()), "{:?}", texts(&doc, "h2"));
    assert!(!texts(&doc, "h2, .toc a").iter().any(|t| t == "Fixes"), "{:?}", texts(&doc, "h2, .toc a"));
    // Links written to the canonical #fixes anchor still arrive at it.
    let shin = site.html("conditions/shin-splints/index.html");
    assert!(attrs(&shin, ".section a", "href").contains(&"/conditions/calf-strain/#what-to-do".to_string()));
}

/// Every folder under public/ that holds a page answers at its own address too.
#[test]
fn every_folder_with_pages_has_an_index_page() {
    let site = built();
    let public = site.root().join("public");
    let mut missing = Vec::new();
    let mut folders = 0;
    for entry in walkdir::WalkDir::new(&public).min_depth(1) {
        let entry = entry.unwrap();
        if !entry.file_type().is_dir() {
            continue;
        }
        let holds_pages =
            walkdir::WalkDir::new(entry.path()).into_iter().flatten().any(|e| e.path().extension().is_some_and(|x| x == "html"));
        if holds_pages {
            folders += 1;
            if !entry.path().join("index.html").is_file() {
                missing.push(entry.path().strip_prefix(&public).unwrap().display().to_string());
            }
        }
    }
    assert!(folders >= 5, "conditions, guides, regions … were walked: {folders}");
    assert!(missing.is_empty(), "folders with pages but no index.html: {missing:?}");
    let conditions = site.html("conditions/index.html");
    assert_eq!(texts(&conditions, "main li > a"), ["Calf Strain", "Shin Splints"]);
    assert!(texts(&conditions, ".link-reviewed").iter().all(|t| t.contains("2026")), "review dates are shown");
    assert!(site.read("public/sitemap.xml").contains("<loc>https://fixture.example/conditions/</loc>"));
    // The 404 page keeps search and the emergency line.
    let not_found = site.html("404.html");
    assert_eq!(attrs(&not_found, "main form[role=search] input", "id"), ["search-input"]);
    assert!(texts(&not_found, "main .notice--emergency").iter().any(|t| t.contains("emergency")));
}

#[test]
fn aliases_write_redirect_pages_and_a_redirects_file() {
    let site = Site::base();
    let calf = site
        .read("content/conditions/calf-strain.md")
        .replace("related = [\"shin-splints\"]", "related = [\"shin-splints\"]\naliases = [\"calf-pull\", \"pulled-calf\"]");
    site.write("content/conditions/calf-strain.md", calf);
    let out = site.build();
    assert!(out.status.success(), "{}", stderr(&out));
    for old in ["calf-pull", "pulled-calf"] {
        let html = site.read(&format!("public/conditions/{old}/index.html"));
        let doc = scraper::Html::parse_document(&html);
        assert_eq!(attrs(&doc, "meta[http-equiv=refresh]", "content"), ["0; url=/conditions/calf-strain/"]);
        assert_eq!(attrs(&doc, "link[rel=canonical]", "href"), ["https://fixture.example/conditions/calf-strain/"]);
        assert_eq!(attrs(&doc, "main a", "href"), ["/conditions/calf-strain/"]);
        assert_eq!(attrs(&doc, "meta[name=robots]", "content"), ["noindex"]);
    }
    let redirects = site.read("public/_redirects");
    let lines: Vec<&str> = redirects.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(lines, ["/conditions/calf-pull/ /conditions/calf-strain/ 301", "/conditions/pulled-calf/ /conditions/calf-strain/ 301"]);
    // The redirect pages are not pages: the sitemap and the A–Z leave them out.
    assert!(!site.read("public/sitemap.xml").contains("calf-pull"));
    assert!(!site.read("public/a-z/index.html").contains("calf-pull"));
}

#[test]
fn recorded_urls_guard_against_renames_without_an_alias() {
    let site = Site::base();
    let out = site.medkb(&["build", "--record-urls"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let record = site.read("published-urls.txt");
    for url in ["/", "/conditions/", "/conditions/calf-strain/", "/guides/running-guide/", "/regions/lower-leg/"] {
        assert!(record.lines().any(|l| l == url), "{url} recorded:\n{record}");
    }
    // Rename calf-strain without an alias: check names the recorded line.
    let calf = site.read("content/conditions/calf-strain.md");
    std::fs::remove_file(site.root().join("content/conditions/calf-strain.md")).unwrap();
    site.write("content/conditions/calf-muscle-strain.md", &calf);
    for p in ["content/conditions/shin-splints.md", "content/guides/running-guide.md"] {
        let text = site.read(p).replace("calf-strain", "calf-muscle-strain");
        site.write(p, text);
    }
    let out = site.medkb(&["check"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let line = record.lines().position(|l| l == "/conditions/calf-strain/").unwrap() + 1;
    assert!(
        stderr(&out).contains(&format!("published-urls.txt:{line}:1: error[removed-url]: `/conditions/calf-strain/` was published")),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("aliases = [\"calf-strain\"]"), "{}", stderr(&out));
    // The alias makes it answer again; recording again keeps the old address.
    site.write(
        "content/conditions/calf-muscle-strain.md",
        calf.replace("related = [\"shin-splints\"]", "related = [\"shin-splints\"]\naliases = [\"calf-strain\"]"),
    );
    let out = site.medkb(&["build", "--record-urls"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let record = site.read("published-urls.txt");
    assert!(record.lines().any(|l| l == "/conditions/calf-strain/") && record.lines().any(|l| l == "/conditions/calf-muscle-strain/"));
}

#[test]
fn the_feed_has_one_entry_per_review() {
    let site = Site::base();
    let page = site.read("content/conditions/calf-strain.md");
    let page = page.replacen(
        "[[sources]]",
        "[[review_history]]\ndate = 2025-06-01\nby = \"Dr Earlier Reviewer, GP\"\n\n[[review_history]]\ndate = 2026-01-10\nby = \"Dr Example Reviewer, GP\"\n\n[[sources]]",
        1,
    );
    site.write("content/conditions/calf-strain.md", page);
    let out = site.build();
    assert!(out.status.success(), "{}", stderr(&out));
    let feed = site.read("public/atom.xml");
    for day in ["2025-06-01", "2026-01-10"] {
        let id = format!("<id>https://fixture.example/conditions/calf-strain/#reviewed-{day}</id>");
        assert_eq!(feed.matches(&id).count(), 1, "one entry for the review of {day}:\n{feed}");
    }
    assert!(feed.contains("<title>Calf Strain: reviewed 1 June 2025</title>"), "{feed}");
}
