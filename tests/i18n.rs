//! Multilingual sites (issue 15): a two-language fixture built and read back through
//! an HTML parser — `<html lang>`, hreflang alternates, the language switcher, the
//! visible fallback to untranslated pages, per-language index pages, feeds and
//! sitemap alternates, translation provenance — and a one-language site unchanged.

mod util;

use util::*;

fn built(site: &Site) {
    let out = site.build();
    assert!(out.status.success(), "{}", stderr(&out));
}

fn bilingual() -> Site {
    let site = Site::named("bilingual");
    built(&site);
    site
}

#[test]
fn translated_page_has_its_language_alternates_and_switcher() {
    let site = bilingual();
    let es = site.html("es/conditions/calf-strain/index.html");
    assert_eq!(attrs(&es, "html", "lang"), ["es"]);
    assert_eq!(texts(&es, "h1"), ["Distensión de la pantorrilla"]);
    let alternates: Vec<(String, String)> = {
        let sel = scraper::Selector::parse("link[rel=alternate][hreflang]").unwrap();
        es.select(&sel).map(|e| (e.value().attr("hreflang").unwrap().into(), e.value().attr("href").unwrap().into())).collect()
    };
    assert_eq!(
        alternates,
        [
            ("en-US".to_string(), "https://fixture.example/conditions/calf-strain/".to_string()),
            ("es".into(), "https://fixture.example/es/conditions/calf-strain/".into()),
            ("x-default".into(), "https://fixture.example/conditions/calf-strain/".into()),
        ]
    );
    assert_eq!(attrs(&es, "link[rel=canonical]", "href"), ["https://fixture.example/es/conditions/calf-strain/"]);
    // The switcher goes to the same page in English, labelled in English.
    assert_eq!(attrs(&es, ".lang-switcher a", "href"), ["/conditions/calf-strain/"]);
    assert_eq!(texts(&es, ".lang-switcher a"), ["English"]);
    assert_eq!(attrs(&es, ".lang-switcher li", "lang"), ["en-US"]);
    // And back from the original.
    let en = site.html("conditions/calf-strain/index.html");
    assert_eq!(attrs(&en, "html", "lang"), ["en-US"]);
    assert_eq!(attrs(&en, ".lang-switcher a", "href"), ["/es/conditions/calf-strain/"]);
    assert_eq!(texts(&en, ".lang-switcher a"), ["Español"]);
}

#[test]
fn untranslated_page_says_so_plainly_and_links_the_language_home() {
    let site = bilingual();
    let en = site.html("conditions/shin-splints/index.html");
    assert_eq!(texts(&en, ".lang-switcher__missing"), ["Esta página todavía no está disponible en español."]);
    assert_eq!(attrs(&en, ".lang-switcher a", "href"), ["/es/"]);
    // No hreflang for a version that does not exist.
    assert_eq!(attrs(&en, "link[hreflang]", "hreflang"), ["en-US", "x-default"]);
    assert!(!site.root().join("public/es/conditions/shin-splints").exists());
}

#[test]
fn spanish_page_reads_spanish_structure_and_falls_back_visibly() {
    let site = bilingual();
    let es = site.html("es/conditions/calf-strain/index.html");
    // `## Señales de alarma` with `urgente:` became an urgent care card in Spanish wording.
    assert_eq!(attrs(&es, ".care-card", "class"), ["care-card care-card--urgent"]);
    assert!(texts(&es, ".care-card__action")[0].starts_with("Busque atención médica hoy"));
    assert_eq!(texts(&es, ".care-card li"), ["no puede caminar"]);
    assert_eq!(texts(&es, ".section h2"), ["Síntomas", "Causas", "Tratamiento"]);
    assert_eq!(texts(&es, ".page-kind"), ["Afección · Pierna"]);
    // [[shin-splints]] has no Spanish page: the link goes to the English one and says so.
    assert_eq!(attrs(&es, ".lead a", "href"), ["/conditions/shin-splints/"]);
    assert_eq!(texts(&es, ".lead a"), ["Shin Splints (en inglés)"]);
    assert_eq!(texts(&es, ".related .lang-fallback"), ["(en inglés)"]);
    // Provenance, with dates as Spanish readers write them; no invented translator.
    assert_eq!(texts(&es, ".translation-box dd"), ["10 de enero de 2026", "20 de noviembre de 2026"]);
    assert!(texts(&es, ".translation-box dt").iter().all(|t| !t.contains("Traducida por")));
    assert_eq!(attrs(&es, ".translation-box a", "href"), ["/conditions/calf-strain/"]);
    assert!(texts(&es, ".notice--stale").is_empty(), "not stale while the original is unchanged");
}

#[test]
fn each_language_has_its_index_pages_and_feed() {
    let site = bilingual();
    let az = site.html("es/a-z/index.html");
    assert_eq!(attrs(&az, "html", "lang"), ["es"]);
    let entries = texts(&az, ".link-list li");
    assert!(entries.contains(&"Distensión de la pantorrilla".to_string()), "{entries:?}");
    assert!(entries.contains(&"Shin Splints (en inglés)".to_string()), "{entries:?}");
    assert!(attrs(&az, ".link-list a", "href").contains(&"/es/conditions/calf-strain/".to_string()));
    assert_eq!(attrs(&az, "link[hreflang=x-default]", "href"), ["https://fixture.example/a-z/"]);
    let region = site.html("es/regions/lower-leg/index.html");
    assert_eq!(texts(&region, "h1"), ["Pierna"]);
    assert_eq!(attrs(&region, ".link-list a", "href"), ["/es/conditions/calf-strain/", "/conditions/shin-splints/"]);
    let guides = site.html("es/guides/index.html");
    assert_eq!(texts(&guides, ".link-list .lang-fallback"), ["(en inglés)"]);
    let symptoms = site.html("es/symptoms/index.html");
    assert!(texts(&symptoms, ".symptom-index dt").contains(&"Dolor repentino en la pantorrilla".to_string()));
    let home = site.html("es/index.html");
    assert_eq!(attrs(&home, "html", "lang"), ["es"]);
    assert_eq!(attrs(&home, ".lang-switcher a", "href"), ["/"]);
    // The English index pages list English pages only.
    let en_az = texts(&site.html("a-z/index.html"), ".link-list li");
    assert!(!en_az.iter().any(|e| e.contains("pantorrilla")), "{en_az:?}");
    // Feeds: one per language, each with its own pages.
    let feed = site.read("public/es/atom.xml");
    assert!(feed.contains("xml:lang=\"es\""), "{feed}");
    assert!(feed.contains("<id>https://fixture.example/es/atom.xml</id>"));
    assert!(feed.contains("https://fixture.example/es/conditions/calf-strain/"));
    assert!(!feed.contains("shin-splints"));
    assert!(!site.read("public/atom.xml").contains("/es/"));
}

#[test]
fn a_translation_renamed_redirects_in_its_language() {
    let site = Site::named("bilingual");
    let es = site.read("content/es/conditions/calf-strain.md").replacen("+++\n", "+++\naliases = [\"tiron-de-gemelo\"]\n", 1);
    site.write("content/es/conditions/calf-strain.md", es);
    built(&site);
    let moved = site.html("es/conditions/tiron-de-gemelo/index.html");
    assert_eq!(attrs(&moved, "html", "lang"), ["es"]);
    assert_eq!(texts(&moved, "h1"), ["Esta página se ha trasladado"]);
    assert_eq!(attrs(&moved, "main a", "href"), ["/es/conditions/calf-strain/"]);
    assert!(site.read("public/_redirects").contains("/es/conditions/tiron-de-gemelo/ /es/conditions/calf-strain/ 301"));
    // The English address of that slug is not taken by the Spanish page.
    assert!(!site.root().join("public/conditions/tiron-de-gemelo").exists());
    // Print button in Spanish on the translated leaflet.
    assert_eq!(texts(&site.html("es/conditions/calf-strain/index.html"), ".print-button"), ["Imprimir esta página"]);
}

#[test]
fn each_language_has_its_own_404_page() {
    let site = bilingual();
    let es = site.html("es/404.html");
    assert_eq!(attrs(&es, "html", "lang"), ["es"]);
    assert_eq!(attrs(&es, "meta[name=robots]", "content"), ["noindex"]);
    assert_eq!(attrs(&es, "form.site-search", "data-search-root"), ["/es/search/"], "it searches the Spanish index");
    assert!(attrs(&es, "a", "href").contains(&"/es/a-z/".to_string()));
    assert_eq!(texts(&es, ".notice--emergency strong").len(), 1);
    assert!(texts(&es, ".notice--emergency").iter().any(|t| t.contains("911")), "{:?}", texts(&es, ".notice--emergency"));
    // The site-wide one (the only one some hosts serve) links the Spanish home page.
    let en = site.html("404.html");
    assert_eq!(attrs(&en, "html", "lang"), ["en-US"]);
    assert_eq!(attrs(&en, ".lang-switcher a", "href"), ["/es/"]);
    // Hosts that read `_redirects` serve it for unknown addresses under /es/, after the aliases.
    let redirects = site.read("public/_redirects");
    assert_eq!(redirects.lines().last(), Some("/es/* /es/404.html 404"), "{redirects}");
}

#[test]
fn sitemap_lists_every_language_with_alternates() {
    let site = bilingual();
    let sitemap = site.read("public/sitemap.xml");
    assert!(sitemap.contains("xmlns:xhtml=\"http://www.w3.org/1999/xhtml\""));
    let entry = sitemap
        .lines()
        .find(|l| l.contains("<loc>https://fixture.example/es/conditions/calf-strain/</loc>"))
        .expect("the translation is listed");
    assert!(entry.contains("hreflang=\"en-US\" href=\"https://fixture.example/conditions/calf-strain/\""), "{entry}");
    assert!(entry.contains("hreflang=\"x-default\""), "{entry}");
    assert!(entry.contains("<lastmod>2026-11-20</lastmod>"), "a translation's date is when it was translated: {entry}");
    assert!(sitemap.contains("<loc>https://fixture.example/es/a-z/</loc>"));
    let untranslated = sitemap.lines().find(|l| l.contains("<loc>https://fixture.example/conditions/shin-splints/</loc>")).unwrap();
    assert!(!untranslated.contains("hreflang=\"es\""), "{untranslated}");
}

#[test]
fn re_reviewed_original_makes_the_translation_stale() {
    let site = Site::named("bilingual");
    let original = site.read("content/conditions/calf-strain.md").replace("last_reviewed = 2026-01-10", "last_reviewed = 2026-11-01");
    site.write("content/conditions/calf-strain.md", original);
    let check = site.medkb(&["check"]);
    assert!(check.status.success(), "a stale translation is a warning: {}", stderr(&check));
    assert!(stderr(&check).contains("warning[translation-stale]"), "{}", stderr(&check));
    built(&site);
    let es = site.html("es/conditions/calf-strain/index.html");
    assert_eq!(texts(&es, ".notice--stale strong").len(), 1);
    assert_eq!(attrs(&es, ".notice--stale a", "href"), ["/conditions/calf-strain/"]);
}

#[test]
fn one_language_site_has_no_language_machinery() {
    let site = Site::base();
    built(&site);
    let html = site.read("public/conditions/shin-splints/index.html");
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en-GB\">"));
    assert!(!html.contains("hreflang"));
    assert!(!html.contains("lang-switcher"));
    assert!(!site.read("public/sitemap.xml").contains("xhtml"));
    assert!(!site.root().join("public/es").exists());
    assert!(!site.read("public/_redirects").contains("404"));
}

#[test]
fn spanish_pages_speak_spanish_and_a_site_overrides_a_string() {
    let site = Site::named("bilingual");
    site.write("strings/es.toml", "breadcrumb_home = \"Portada\"\n");
    built(&site);
    let es = site.html("es/conditions/calf-strain/index.html");
    assert_eq!(texts(&es, ".site-nav a"), ["De la A a la Z", "Partes del cuerpo", "Síntomas", "Guías"]);
    assert_eq!(texts(&es, ".breadcrumb li")[0], "Portada", "the site's own string wins");
    assert_eq!(texts(&es, ".care-card__prefix"), ["Consejo urgente:"]);
    assert_eq!(texts(&es, ".page-kind"), ["Afección · Pierna"]);
    assert_eq!(texts(&es, ".emergency-note"), ["Llame al 911 o vaya a urgencias si cree que es una emergencia."]);
    assert_eq!(texts(&es, ".notice--review strong"), ["Pendiente de revisión clínica."]);
    assert_eq!(attrs(&es, "#search-input", "placeholder"), ["Por ejemplo: dolor en la espinilla, ardor de garganta"]);
    // The search script gets its words in Spanish too.
    let strings = attrs(&es, "form.site-search", "data-strings");
    let v: serde_json::Value = serde_json::from_str(&strings[0]).unwrap();
    assert_eq!(v["js_no_page_covers_this"], "Ninguna página trata de esto.");
    assert_eq!(v["care_heading_now"], " ahora");
    // ...and so does the preview's error overlay (medkb serve reads them from the page).
    assert_eq!(v["js_overlay_cannot_build"], "no se puede generar el sitio");
    // English pages of the same site keep English.
    let en = site.html("conditions/calf-strain/index.html");
    assert_eq!(texts(&en, ".breadcrumb li")[0], "Home");
    assert_eq!(texts(&en, ".emergency-note"), ["Call 911 or go to the emergency room if you think it is an emergency."]);
}

#[test]
fn check_reports_a_string_missing_for_a_declared_language() {
    let site = Site::named("bilingual");
    // es-419 has no file of its own: the theme's es strings serve it.
    site.write("site.toml", site.read("site.toml").replace("[languages.es]", "[languages.es]\nlocale = \"es-419\""));
    let ok = site.medkb(&["check"]);
    assert!(ok.status.success(), "{}", stderr(&ok));
    // A locale the theme has no strings for is an error until the site writes them...
    site.write("site.toml", site.read("site.toml").replace("locale = \"es-419\"", "locale = \"ca\""));
    let out = site.medkb(&["check"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("error[missing-string]: the theme has no UI strings for `ca`"), "{}", stderr(&out));
    // ...and each string the site's file lacks is reported in that file.
    let theme_es =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/strings/es.toml")).unwrap();
    site.write("strings/ca.toml", theme_es.lines().filter(|l| !l.starts_with("nav_az ")).map(|l| format!("{l}\n")).collect::<String>());
    let out = site.medkb(&["check"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("strings/ca.toml:1:1: error[missing-string]: the UI string `nav_az` has no ca text"), "{err}");
    assert_eq!(err.matches("error[missing-string]").count(), 1, "{err}");
}

#[test]
fn each_language_has_its_own_search_index_and_analyzer() {
    let site = bilingual();
    // The Spanish pages point the search box at the Spanish index only.
    let es = site.html("es/conditions/calf-strain/index.html");
    assert_eq!(attrs(&es, "form.site-search", "data-search-root"), ["/es/search/"]);
    let en = site.html("conditions/calf-strain/index.html");
    assert_eq!(attrs(&en, "form.site-search", "data-search-root"), ["/search/"]);
    assert!(site.root().join("public/es/search/manifest.json").exists());
    let search = |lang: Option<&str>, q: &str| -> Vec<String> {
        let mut args = vec!["search", q, "--json"];
        if let Some(l) = lang {
            args.extend(["--lang", l]);
        }
        let out = site.medkb(&args);
        assert!(out.status.success(), "{}", stderr(&out));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        // A hit in a section links to it (`#causas`); the page is what counts here.
        v["results"].as_array().unwrap().iter().map(|h| h["url"].as_str().unwrap().split('#').next().unwrap().to_string()).collect()
    };
    // Accents typed or not, singular or plural: Spanish stemming after folding.
    for q in ["distensión pantorrilla", "distension", "pantorrillas", "TIRÓN en el gemelo", "calentar"] {
        assert_eq!(search(Some("es"), q), ["/es/conditions/calf-strain/"], "{q}");
    }
    // The English index has only English pages, and English stemming.
    assert!(search(None, "pantorrilla").is_empty());
    assert_eq!(search(None, "calf strains").first().map(String::as_str), Some("/conditions/calf-strain/"));
    let bad = site.medkb(&["search", "x", "--lang", "fr"]);
    assert!(!bad.status.success());
    assert!(stderr(&bad).contains("`fr` is not one of the site's other languages"), "{}", stderr(&bad));
    // The terminal answers in the index's language, from the theme's strings.
    let none = site.medkb(&["search", "xyzzy plumbus", "--lang", "es"]);
    assert!(none.status.success(), "{}", stderr(&none));
    assert!(stderr(&none).contains("Ninguna página trata de `xyzzy plumbus`"), "{}", stderr(&none));
    assert!(stderr(&none).contains("(/es/a-z/)") && stderr(&none).contains("si cree que es una emergencia."), "{}", stderr(&none));
    assert!(!stderr(&none).contains("No page covers"), "{}", stderr(&none));
    let none = site.medkb(&["search", "xyzzy plumbus"]);
    assert!(stderr(&none).contains("No page covers `xyzzy plumbus`") && stderr(&none).contains("(/a-z/)"), "{}", stderr(&none));
}

#[test]
fn a_site_vocabulary_extends_or_adds_a_language() {
    let site = Site::named("bilingual");
    // A heading medkb's Spanish does not know, taught by the site's vocabulary file.
    let page = site.read("content/es/conditions/calf-strain.md").replace("## Síntomas", "## Qué se nota");
    site.write("content/es/conditions/calf-strain.md", &page);
    let out = site.medkb(&["check"]);
    assert_eq!(out.status.code(), Some(1), "without the word the page lacks Symptoms: {}", stderr(&out));
    assert!(stderr(&out).contains("error[missing-section]"), "{}", stderr(&out));
    site.write("vocabulary/es.toml", "[sections]\n\"Qué se nota\" = \"symptoms\"\n");
    let out = site.medkb(&["check"]);
    assert!(out.status.success(), "{}", stderr(&out));
    // A language medkb has no vocabulary for needs the site's own.
    let toml = site.read("site.toml").replace("[languages.es]", "[languages.pt]").replace("[languages.es.", "[languages.pt.");
    site.write("site.toml", toml);
    std::fs::rename(site.root().join("content/es"), site.root().join("content/pt")).unwrap();
    let out = site.medkb(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("medkb has no vocabulary (section headings, urgency words) for `pt`"), "{}", stderr(&out));
    site.write("vocabulary/pt.toml", "[sections]\n\"qué se nota\" = \"symptoms\"\n\"causas\" = \"causes\"\n\"tratamiento\" = \"fixes\"\n\"señales de alarma\" = \"red-flags\"\n[urgency]\n\"urgente\" = \"urgent\"\n");
    let out = site.medkb(&["check"]);
    // pt has no UI strings in the theme: that is the one error left.
    let err = stderr(&out);
    assert!(err.contains("error[missing-string]: the theme has no UI strings for `pt`"), "{err}");
    assert_eq!(err.matches(": error[").count(), 1, "{err}");
}

#[test]
fn a_recorded_source_hash_catches_clinical_changes_without_a_new_review() {
    let site = Site::named("bilingual");
    let es = "content/es/conditions/calf-strain.md";
    let original = site.read(es);
    site.write(es, original.replace("translated_by = []", "translated_by = []\nsource_hash = \"0000000000000000\""));
    let out = site.medkb(&["check"]);
    let err = stderr(&out);
    assert!(err.contains("warning[translation-stale]: the clinical sections of content/conditions/calf-strain.md changed"), "{err}");
    // The warning tells the translator the current fingerprint.
    let help = err.lines().find(|l| l.contains("help:") && l.contains("source_hash")).expect("the help names the current hash");
    let current = help.split("source_hash = \"").nth(1).and_then(|r| r.split('"').next()).unwrap().to_string();
    assert_eq!(current.len(), 16, "{err}");
    site.write(es, original.replace("translated_by = []", &format!("translated_by = []\nsource_hash = \"{current}\"")));
    let out = site.medkb(&["check"]);
    assert!(!stderr(&out).contains("translation-stale"), "{}", stderr(&out));
    // The original's red flag changes, its review date does not: still stale.
    let en = site.read("content/conditions/calf-strain.md").replace("- urgent: you cannot walk", "- urgent: you cannot stand");
    site.write("content/conditions/calf-strain.md", en);
    let out = site.medkb(&["check"]);
    assert!(stderr(&out).contains("warning[translation-stale]: the clinical sections"), "{}", stderr(&out));
    built(&site);
    assert_eq!(texts(&site.html("es/conditions/calf-strain/index.html"), ".notice--stale strong").len(), 1);
    // Prose outside the clinical sections does not count.
    let en = site
        .read("content/conditions/calf-strain.md")
        .replace("- urgent: you cannot stand", "- urgent: you cannot walk")
        .replace("It is not the same as", "It differs from");
    site.write("content/conditions/calf-strain.md", en);
    assert!(!stderr(&site.medkb(&["check"])).contains("translation-stale"));
}

#[test]
fn titles_left_in_the_original_language_say_which_language() {
    // WCAG 3.1.2 (language of parts): an English title in a Spanish list carries lang.
    let site = bilingual();
    let az = site.html("es/a-z/index.html");
    let sel = scraper::Selector::parse(".link-list a[lang]").unwrap();
    let tagged: Vec<(String, String)> =
        az.select(&sel).map(|a| (a.text().collect::<String>(), a.value().attr("lang").unwrap().to_string())).collect();
    assert!(tagged.contains(&("Shin Splints".to_string(), "en-US".to_string())), "{tagged:?}");
    assert!(!tagged.iter().any(|(t, _)| t.contains("pantorrilla")), "Spanish titles need no lang: {tagged:?}");
    let es = site.html("es/conditions/calf-strain/index.html");
    assert_eq!(attrs(&es, ".related a", "lang"), ["en-US"]);
    // In the text too: the English title of a [[link]] to an untranslated page.
    assert_eq!(attrs(&es, ".lead a span", "lang"), ["en-US"]);
    assert_eq!(texts(&es, ".lead a span[lang]"), ["Shin Splints"]);
    assert_eq!(attrs(&es, ".related a", "hreflang"), ["en-US"]);
    assert_eq!(attrs(&es, ".related .link-summary", "lang"), ["en-US"], "the English summary too");
}

#[test]
fn gathered_warning_signs_from_untranslated_pages_carry_their_language() {
    let site = Site::named("bilingual");
    site.write(
        "content/guides/when-to-see-a-doctor.md",
        "+++\ntitle = \"When to see a doctor\"\nsummary = \"Signs that need help.\"\nlast_reviewed = 2026-01-10\ngather_red_flags = true\n\n[[sources]]\ntitle = \"A source\"\n+++\n\nWhen to get help. Read [[shin-splints]] and [[calf-strain]].\n",
    );
    site.write(
        "content/es/guides/when-to-see-a-doctor.md",
        "+++\ntitle = \"Cuándo ir al médico\"\nsummary = \"Señales que necesitan ayuda.\"\ngather_red_flags = true\n\n[translation]\nsource_reviewed = 2026-01-10\ntranslated = 2026-11-20\ntranslated_by = []\n\n[[sources]]\ntitle = \"A source\"\n+++\n\nCuándo pedir ayuda. Lea [[shin-splints]] y [[calf-strain]].\n",
    );
    built(&site);
    let es = site.html("es/guides/when-to-see-a-doctor/index.html");
    let sel = scraper::Selector::parse(".gathered .care-card li").unwrap();
    let items: Vec<(String, Option<String>)> =
        es.select(&sel).map(|li| (li.text().collect::<String>(), li.value().attr("lang").map(str::to_string))).collect();
    assert!(items.contains(&("no puede caminar".to_string(), None)), "the translated flag is the guide's language: {items:?}");
    assert!(
        items.iter().any(|(_, lang)| lang.as_deref() == Some("en-US")),
        "the untranslated page's flags say they are English: {items:?}"
    );
}

#[test]
fn the_language_of_a_fallback_title_survives_the_sanitiser() {
    // Raw HTML in the text sends the page through the sanitiser; the span is ours and stays.
    let site = Site::named("bilingual");
    let es = "content/es/conditions/calf-strain.md";
    site.write(es, site.read(es).replace("No es lo mismo que [[shin-splints]].", "No es lo <b>mismo</b> que [[shin-splints]]."));
    built(&site);
    let doc = site.html("es/conditions/calf-strain/index.html");
    assert_eq!(texts(&doc, ".lead b"), ["mismo"]);
    assert_eq!(attrs(&doc, ".lead a span", "lang"), ["en-US"]);
}

/// The offline worker saves each reader's own language: the Spanish pack has the Spanish
/// home, offline page and search files, and the original of an emergency page not yet
/// translated; the English pack has nothing under /es/. Each language has its offline page.
#[test]
fn each_language_has_its_offline_pack_and_offline_page() {
    let site = bilingual();
    let worker = site.read("public/sw.js");
    let line = worker.lines().find_map(|l| l.strip_prefix("const LANGUAGES = ")).expect("the worker lists its language packs");
    let packs: serde_json::Value = serde_json::from_str(line.trim_end_matches(';')).unwrap();
    let pack = |prefix: &str| packs.as_array().unwrap().iter().find(|p| p["prefix"] == prefix).cloned().unwrap();
    let pages =
        |p: &serde_json::Value| -> Vec<String> { p["pages"].as_array().unwrap().iter().map(|u| u.as_str().unwrap().to_string()).collect() };
    let (en, es) = (pack("/"), pack("/es/"));
    assert_eq!((en["search"].as_str(), es["search"].as_str()), (Some("/search/"), Some("/es/search/")));
    assert_eq!((en["offline"].as_str(), es["offline"].as_str()), (Some("/offline/"), Some("/es/offline/")));
    assert!(!pages(&en).iter().any(|u| u.starts_with("/es/")), "{:?}", pages(&en));
    for u in ["/es/", "/es/offline/", "/conditions/shin-splints/"] {
        assert!(pages(&es).contains(&u.to_string()), "the Spanish pack lacks {u}: {:?}", pages(&es));
    }
    let offline = site.html("es/offline/index.html");
    assert_eq!(attrs(&offline, "html", "lang"), ["es"]);
    assert_eq!(texts(&offline, "h1"), ["No tiene conexión"]);
    assert!(texts(&offline, ".notice--emergency").iter().any(|t| t.contains("911")), "{:?}", texts(&offline, ".notice--emergency"));
    assert!(attrs(&offline, "main a", "href").contains(&"/conditions/shin-splints/".to_string()));
}
