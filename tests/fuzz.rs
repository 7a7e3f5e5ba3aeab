//! Bounded fuzzing on stable Rust: property tests over a page (front matter and
//! Markdown body: sections, red flags, timeline, links), `site.toml` and the search
//! query parser. Inputs are the fixture's real files with hostile tokens spliced in
//! (the report's payload classes, structure markers, control and invisible
//! characters) plus random text.
//!
//! Invariants: no panic; every diagnostic's span lies inside the input on character
//! boundaries; each input is handled in bounded time, and time grows linearly with
//! the size of hostile input (`time_is_linear_in_input`); and a page that builds
//! renders with no executable markup or unsafe URL.
//!
//! `MEDKB_FUZZ_CASES` sets the cases per property (default 64, quick enough for the
//! normal suite); `bench/fuzz.sh` runs long campaigns and FUZZING.md records them.

mod util;

use std::time::{Duration, Instant};

use medkb::config::SiteConfig;
use medkb::diag::{Diagnostic, SourceFile};
use medkb::kind::PageKind as Placement;
use medkb::load::ContentFile;
use proptest::prelude::*;
use util::*;

fn cases() -> u32 {
    std::env::var("MEDKB_FUZZ_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(64)
}

fn config() -> ProptestConfig {
    ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() }
}

/// Per-input budget: generous for a debug build on a busy 2-core machine, far below
/// what the quadratic cases of the report took.
const BUDGET: Duration = Duration::from_secs(5);

const TOKENS: &[&str] = &[
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<a href=\"jAvAsCrIpT:alert(1)\">x</a>",
    "[x](javascript:alert(1))",
    "[x](java\tscript:alert(1))",
    "[x](\u{1}javascript:alert(1))",
    "[x](java\u{200b}script:alert(1))",
    "[x](data:text/html,<script>alert(1)</script>)",
    "![i](vbscript:x)",
    "<javascript:alert(1)>",
    "[[x|<b onmouseover=alert(1)>]]",
    "<iframe src=javascript:alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "<form action=javascript:alert(1)><input type=submit>",
    "<meta http-equiv=refresh content=0;url=javascript:alert(1)>",
    "<base href=javascript:alert(1)//>",
    "<details open ontoggle=alert(1)>",
    "</script><script>alert(1)</script>",
    "\"'><script>alert(1)</script>",
    "<!--",
    "-->",
    "<pre>",
    "<textarea>",
    "<style>",
    "<div>",
    "</div>",
    "+++",
    "\n+++\n",
    "[[",
    "]]",
    "[[gout#",
    "[[calf-strain]]",
    "[[shin-splints#fixes]]",
    "\n## Red flags\n\n",
    "\n## Timeline\n\n",
    "\n## Symptoms\n\n",
    "\n### Notes\n\n",
    "\n- emergency: ",
    "\n- urgent: ",
    "\n- routine: ",
    "\n- Days 0–3: ",
    "\n- 6+ weeks: ",
    "\n- ",
    "\n-\n",
    "\n1. ",
    "> ",
    "```\n",
    "[^1]",
    "\n[^1]: note\n",
    "| a | b |\n|---|---|\n",
    "TODO",
    "title = \"x\"\n",
    "url = \"javascript:alert(1)\"\n",
    "[[sources]]\ntitle = \"s\"\nurl = \" JaVa\\tScRiPt:alert(1)\"\n",
    "date = 2024-01-01T10:00:00\n",
    "last_reviewed = 2026-13-45\n",
    "\u{0}",
    "\u{1b}[2K",
    "\u{7}",
    "\u{7f}",
    "\u{feff}",
    "\u{202e}",
    "\u{200d}",
    "\u{2028}",
    "\u{fffe}",
    "\r",
    "\r\n",
    "é",
    "🦶",
    "&#106;avascript:",
    "javascript&colon;",
    "]]>",
];

/// A mutation: at relative position `pos` (0..1000 of the text), delete up to `cut`
/// bytes, then insert a token or random text.
fn edits() -> impl Strategy<Value = Vec<(u16, u8, Result<usize, String>)>> {
    let insert = prop_oneof![3 => (0..TOKENS.len()).prop_map(Ok), 1 => ".{0,12}".prop_map(Err)];
    prop::collection::vec((0u16..1000, 0u8..8, insert), 0..10)
}

fn apply(text: &str, edits: &[(u16, u8, Result<usize, String>)]) -> String {
    let mut s = text.to_string();
    for (pos, cut, insert) in edits {
        let mut at = s.len() * *pos as usize / 1000;
        while !s.is_char_boundary(at) {
            at -= 1;
        }
        let mut end = (at + *cut as usize).min(s.len());
        while !s.is_char_boundary(end) {
            end += 1;
        }
        let piece = match insert {
            Ok(i) => TOKENS[*i].to_string(),
            Err(r) => r.clone(),
        };
        s.replace_range(at..end, &piece);
    }
    s
}

fn spans_inside(diags: &[Diagnostic], text: &str, what: &str) -> Result<(), TestCaseError> {
    for d in diags {
        if let Some((s, e)) = d.span {
            prop_assert!(s <= e && e <= text.len(), "{what}: span {s}..{e} outside {} bytes: {d:?}", text.len());
            prop_assert!(text.is_char_boundary(s) && text.is_char_boundary(e), "{what}: span {s}..{e} splits a character: {d:?}");
        }
    }
    Ok(())
}

struct World {
    config: SiteConfig,
    theme: medkb::render::theme::Theme,
    page: String,
    guide: String,
    site_toml: String,
    /// The base site's pages as files, so the mutated page's links can resolve.
    files: Vec<ContentFile>,
    _dir: tempfile::TempDir,
}

fn world() -> &'static World {
    static WORLD: std::sync::OnceLock<World> = std::sync::OnceLock::new();
    WORLD.get_or_init(|| {
        let base = fixtures().join("base");
        let site_toml = std::fs::read_to_string(base.join("site.toml")).unwrap();
        let config = SiteConfig::parse(&SourceFile::new("site.toml".into(), "site.toml".into(), site_toml.clone())).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let theme = medkb::render::theme::Theme::load(dir.path()).unwrap();
        let files = [
            ("conditions", "shin-splints", Placement::Condition),
            ("conditions", "calf-strain", Placement::Condition),
            ("guides", "running-guide", Placement::Guide),
        ]
        .into_iter()
        .map(|(folder, slug, placement)| {
            let rel = format!("content/{folder}/{slug}.md");
            let text = std::fs::read_to_string(base.join(&rel)).unwrap();
            ContentFile { source: SourceFile::new(rel.clone(), rel.into(), text), placement, slug: slug.into(), lang: None, linked: false }
        })
        .collect();
        World {
            files,
            config,
            theme,
            page: std::fs::read_to_string(base.join("content/conditions/shin-splints.md")).unwrap(),
            guide: std::fs::read_to_string(base.join("content/guides/running-guide.md")).unwrap(),
            site_toml,
            _dir: dir,
        }
    })
}

/// Parses `text` as the base site's page `slug` (the other base pages unchanged)
/// and, when the site has no errors, renders the page. Returns whether it rendered.
fn page_case(text: String, slug: &str) -> Result<bool, TestCaseError> {
    let started = Instant::now();
    let html = build_page(&text, slug)?;
    if let Some(bad) = html.as_deref().and_then(executable_markup) {
        return Err(TestCaseError::fail(format!("executable markup {bad} from:\n{text}")));
    }
    prop_assert!(started.elapsed() < BUDGET, "took {:?}", started.elapsed());
    Ok(html.is_some())
}

/// What medkb does with the page (parse, page rules, link graph and, without errors,
/// rendering): the page's HTML if it rendered.
fn build_page(text: &str, slug: &str) -> Result<Option<String>, TestCaseError> {
    let text = text.to_string();
    let w = world();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 21).unwrap();
    let mut sources = std::collections::HashMap::new();
    let mut files: Vec<&ContentFile> = w.files.iter().filter(|f| f.slug != slug).collect();
    let template = w.files.iter().find(|f| f.slug == slug).expect("a base page");
    let mutated = ContentFile {
        source: SourceFile::new(template.source.rel.clone(), template.source.abs.clone(), text.clone()),
        placement: template.placement,
        slug: slug.into(),
        lang: None,
        linked: false,
    };
    files.insert(0, &mutated);
    let paths: std::collections::HashMap<String, String> = files.iter().map(|f| (f.source.rel.clone(), f.slug.clone())).collect();
    let mut diags = Vec::new();
    let mut pages = Vec::new();
    for f in &files {
        // Parsing and the page rules, as the build runs them.
        let (page, d) = medkb::pipeline::stages::parse_file(f, &w.config, today, &|p| paths.get(p).cloned());
        pages.extend(page);
        if f.slug == slug {
            spans_inside(&d, &text, "page")?;
        }
        diags.extend(d);
        sources.insert(f.source.rel.clone(), f.source.clone());
    }
    let absent = medkb::graph::Absent::of(Default::default(), &[], paths.values(), &pages);
    let graph = medkb::graph::LinkGraph::build(&pages, &absent, &mut diags);
    for d in &diags {
        if d.path == mutated.source.rel {
            spans_inside(std::slice::from_ref(d), &text, "graph")?;
        }
        let shown = medkb::diag::render_human(&medkb::diag::locate(d, &sources));
        prop_assert!(!shown.contains('\u{1b}'), "raw ESC in terminal output: {shown}");
    }
    let errors = diags.iter().any(|d| d.severity == medkb::diag::Severity::Error);
    let index = pages.iter().position(|p| p.slug == slug);
    if let (false, Some(i)) = (errors, index) {
        let renderer = medkb::render::SiteRenderer::new(&w.config, &pages, &graph, &w.theme).unwrap();
        let (_, html) = renderer.render_page(i, today).map_err(|e| TestCaseError::fail(format!("{e:#}")))?;
        return Ok(Some(String::from_utf8(html).unwrap()));
    }
    Ok(None)
}

/// The harness must reach the renderer: the unmutated pages render.
#[test]
fn unmutated_pages_render() {
    assert!(page_case(world().page.clone(), "shin-splints").unwrap());
    assert!(page_case(world().guide.clone(), "running-guide").unwrap());
}

/// CPU time of this thread: unlike wall time it does not grow when the other builds on
/// a shared machine take the cores, so the scaling check below cannot flake on load.
fn thread_cpu() -> Duration {
    let mut t = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `t` is a valid timespec for the call to write into.
    assert_eq!(unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) }, 0);
    Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
}

/// The least CPU time of a few builds of the page (the least is the run least
/// disturbed by cache misses and preemption). The test's own HTML parser is left out:
/// html5ever is quadratic in nesting depth, medkb must not be.
fn least_cpu(text: &str) -> Duration {
    (0..3)
        .map(|_| {
            let started = thread_cpu();
            build_page(text, "shin-splints").unwrap();
            thread_cpu() - started
        })
        .min()
        .unwrap()
}

/// A hostile piece of Markdown of size `n`.
type Shape = fn(usize) -> String;

/// "Time linear in input": for each hostile shape, a page with 8 times as much of it
/// costs well under the 64 times a quadratic step would (bound: 24 × + 50 ms of CPU).
#[test]
fn time_is_linear_in_input() {
    let shapes: [(&str, Shape); 5] = [
        ("many links", |n| "[[calf-strain]] [[shin-splints#symptoms]] ".repeat(n)),
        ("deep lists", |n| format!("{}x\n\n", "- ".repeat(n))),
        ("deep raw HTML", |n| format!("{}x\n\n", "<div>".repeat(n))),
        ("many headings", |n| "### Notes\n\n".repeat(n)),
        ("long line", |n| format!("{}\n\n", "word *em* `code` ".repeat(n))),
    ];
    let page = &world().page;
    let mut report = Vec::new();
    for (name, shape) in shapes {
        let n = 1500;
        let [small, large] = [n, 8 * n].map(|k| least_cpu(&page.replacen("## Symptoms", &format!("{}## Symptoms", shape(k)), 1)));
        report.push(format!("{name}: {small:.0?} → {large:.0?} ({:.1}×)", large.as_secs_f64() / small.as_secs_f64()));
        assert!(large < small * 24 + Duration::from_millis(50), "{name} grows faster than linear: {}", report.join("; "));
    }
    eprintln!("{}", report.join("\n"));
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn condition_pages(e in edits()) {
        page_case(apply(&world().page, &e), "shin-splints")?;
    }

    #[test]
    fn guide_pages(e in edits()) {
        page_case(apply(&world().guide, &e), "running-guide")?;
    }

    #[test]
    fn random_text_pages(text in "(\\PC|\\n|\\u{0}|\\u{1b}){0,400}") {
        page_case(text, "calf-strain")?;
    }

    #[test]
    fn site_toml(e in edits()) {
        let text = apply(&world().site_toml, &e);
        let started = Instant::now();
        let file = SourceFile::new("site.toml".into(), "site.toml".into(), text.clone());
        if let Err(diags) = SiteConfig::parse(&file) {
            prop_assert!(!diags.is_empty());
            spans_inside(&diags, &text, "site.toml")?;
        }
        prop_assert!(started.elapsed() < BUDGET);
    }

    #[test]
    fn search_queries(q in "(\\PC|\"|\\*|\\u{0}){0,300}") {
        let started = Instant::now();
        let parsed = search_index::search::parse(&q);
        prop_assert!(parsed.words.len() <= q.chars().count() + 1);
        prop_assert!(started.elapsed() < BUDGET);
    }
}
