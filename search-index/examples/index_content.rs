//! Indexes a medkb `content/` folder with a crude stand-in for medkb's page
//! parser, writes the search files, and times queries. For trying ranking
//! changes and measuring sizes without the full site build.
//!
//! ```text
//! cargo run -p search-index --release --example index_content -- \
//!     content /tmp/search [--copies N] [query ...]
//! ```
//!
//! `--copies N` indexes every page N times (with distinct slugs and a
//! little word noise) to measure size and latency at scale.

use std::path::Path;
use std::time::Instant;

use search_index::{build_index, Document, Query, SearchIndex, Section, SectionKind};

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut copies = 1usize;
    if let Some(i) = args.iter().position(|a| a == "--copies") {
        copies = args.get(i + 1).and_then(|n| n.parse().ok()).unwrap_or(1);
        args.drain(i..(i + 2).min(args.len()));
    }
    if args.len() < 2 {
        eprintln!("usage: index_content <content dir> <out dir> [--copies N] [query ...]");
        std::process::exit(2);
    }
    let (content, out) = (Path::new(&args[0]), Path::new(&args[1]));
    let queries: Vec<String> = args[2..].to_vec();

    let mut docs = Vec::new();
    for dir in ["conditions", "guides"] {
        let Ok(entries) = std::fs::read_dir(content.join(dir)) else {
            continue;
        };
        let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for path in paths {
            if path.extension().is_some_and(|e| e == "md") {
                let text = std::fs::read_to_string(&path).expect("read page");
                let slug = path.file_stem().unwrap().to_string_lossy().to_string();
                docs.push(parse_page(&slug, dir, &text));
            }
        }
    }
    let base = docs.clone();
    for c in 1..copies {
        for d in &base {
            let mut d = d.clone();
            d.slug = format!("{}-{c}", d.slug);
            d.url = format!("/x/{}/", d.slug);
            // Vary the vocabulary a little so the term dictionary grows.
            for s in &mut d.sections {
                s.text.push_str(&format!(" variant{c} term{} word{}", c % 97, c % 13));
            }
            docs.push(d);
        }
    }

    let t = Instant::now();
    let files = build_index(&docs).expect("build");
    eprintln!("indexed {} pages in {:?}", docs.len(), t.elapsed());
    std::fs::create_dir_all(out).expect("mkdir");
    for (name, bytes) in &files {
        std::fs::write(out.join(name), bytes).expect("write");
        eprintln!("  {name}: {} bytes", bytes.len());
    }

    let t = Instant::now();
    let index = SearchIndex::open(files).expect("open");
    eprintln!("opened in {:?}", t.elapsed());
    for q in &queries {
        let query = Query::new(q.as_str());
        let _ = index.search(&query); // warm the automaton builders
        let t = Instant::now();
        let runs = 20;
        let mut hits = Vec::new();
        for _ in 0..runs {
            hits = index.search(&query);
        }
        println!("{q:?}: {:?} per query", t.elapsed() / runs);
        for h in hits.iter().take(3) {
            println!("  {:.2} {} {}\n       {}", h.score, h.slug, h.url, h.snippet);
        }
    }
}

/// Front matter (TOML between `+++` lines) and `## ` sections.
fn parse_page(slug: &str, dir: &str, text: &str) -> Document {
    let mut parts = text.splitn(3, "+++");
    let _ = parts.next();
    let front: toml::Table = parts.next().and_then(|f| f.parse().ok()).unwrap_or_default();
    let body = parts.next().unwrap_or("");
    let s = |k: &str| front.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
    let list = |k: &str| -> Vec<String> {
        front.get(k).and_then(|v| v.as_array()).map(|a| a.iter().filter_map(|v| v.as_str().map(String::from)).collect()).unwrap_or_default()
    };
    let mut sections = Vec::new();
    let mut heading = String::new();
    let mut buf = String::new();
    let flush = |heading: &str, buf: &str, sections: &mut Vec<Section>| {
        let kind = match heading.to_lowercase().as_str() {
            "" => SectionKind::Lead,
            "symptoms" => SectionKind::Symptoms,
            "causes" => SectionKind::Causes,
            "fixes" => SectionKind::Fixes,
            "red flags" => SectionKind::RedFlags,
            "timeline" => SectionKind::Timeline,
            _ => SectionKind::Other,
        };
        let anchor = heading.to_lowercase().chars().map(|c| if c.is_alphanumeric() { c } else { '-' }).collect::<String>();
        sections.push(Section { anchor, heading: heading.to_string(), kind, text: plain(buf) });
    };
    for line in body.lines() {
        if let Some(h) = line.strip_prefix("## ") {
            flush(&heading, &buf, &mut sections);
            heading = h.trim().to_string();
            buf.clear();
        } else {
            buf.push_str(line);
            buf.push('\n');
        }
    }
    flush(&heading, &buf, &mut sections);
    Document {
        slug: slug.to_string(),
        url: format!("/{dir}/{slug}/"),
        title: s("title"),
        medical_name: s("medical_name"),
        also_called: list("also_called"),
        search_terms: list("search_terms"),
        summary: s("summary"),
        body_region: s("body_region"),
        page_type: s("page_type"),
        sections,
        emergency: Vec::new(),
    }
}

/// Markdown to rough plain text: wiki links, emphasis, list markers.
fn plain(md: &str) -> String {
    let mut out = String::new();
    for line in md.lines() {
        let line = line.trim().trim_start_matches(['-', '*', '#', '>']).trim();
        if line.is_empty() {
            continue;
        }
        let line = line.replace("**", "").replace("[[", "").replace("]]", "");
        let line = line.replace(['|', '-'], " ");
        out.push_str(&line);
        out.push(' ');
    }
    out.trim().to_string()
}
