//! Index: turn pages into search documents and write the search index files.
//!
//! The search engine itself lives in the `search-index` crate, which knows nothing
//! of pages or files; this module is the adapter between the two. The files go to
//! `public/search/`, next to the browser's search module from the theme.

use search_index::{Document, Section, SectionKind as SearchKind};

use crate::built::Output;
use crate::config::SiteConfig;
use crate::parse::markdown::{SectionKind, Urgency};
use crate::parse::Page;

/// Where the index files live in the built site.
pub const SEARCH_DIR: &str = "search";

/// Where the index of a language lives: `search/` for the default language (as on a
/// one-language site), `<code>/search/` for each other one (the address is
/// `site.urls.search`). The browser loads only the index of the page's language.
pub fn search_dir(lang: Option<&str>) -> String {
    crate::urls::in_lang(lang, crate::urls::SEARCH).trim_matches('/').to_string()
}

/// Each language's index: its code (`None` for the default) and the analysis its
/// pages get (Spanish stemming for `es`; English for a language medkb has no
/// stemmer for, still with accent folding).
pub fn search_languages(config: &SiteConfig) -> Vec<(Option<String>, search_index::Language)> {
    let analysis = |tag: &str| search_index::Language::of_tag(tag).unwrap_or_default();
    std::iter::once((None, analysis(&config.locale)))
        .chain(config.languages.iter().map(|l| (Some(l.code.clone()), analysis(&l.locale))))
        .collect()
}

/// The search document of one page.
pub fn document(page: &Page) -> Document {
    let mut sections = Vec::with_capacity(page.body.sections.len() + 1);
    if !page.body.lead_plain.is_empty() {
        sections.push(Section {
            anchor: String::new(),
            heading: String::new(),
            kind: SearchKind::Lead,
            text: page.body.lead_plain.clone(),
        });
    }
    for s in &page.body.sections {
        let kind = match s.kind {
            SectionKind::Symptoms => SearchKind::Symptoms,
            SectionKind::Causes => SearchKind::Causes,
            SectionKind::Fixes => SearchKind::Fixes,
            SectionKind::RedFlags => SearchKind::RedFlags,
            SectionKind::Timeline => SearchKind::Timeline,
            SectionKind::Other => SearchKind::Other,
        };
        sections.push(Section { anchor: s.anchor.clone(), heading: s.heading.clone(), kind, text: s.plain.clone() });
    }
    Document {
        slug: page.slug.clone(),
        url: page.url.clone(),
        title: page.fm.title.clone(),
        medical_name: page.fm.medical_name.clone().unwrap_or_default(),
        also_called: page.fm.also_called.clone(),
        search_terms: page.fm.search_terms.clone(),
        summary: page.fm.summary.clone(),
        body_region: page.fm.body_region.as_ref().map(|r| r.value.clone()).unwrap_or_default(),
        page_type: page.kind.name(page.fm.page_type).to_string(),
        sections,
        emergency: page.body.red_flags.iter().filter(|f| f.urgency == Urgency::Emergency).map(|f| f.plain.clone()).collect(),
    }
}

/// Pages readers search for: conditions and guides (not the home or about page).
pub fn searchable(pages: &[Page]) -> impl Iterator<Item = &Page> {
    pages.iter().filter(|p| p.kind.listed())
}

/// The files of `public/search/` for these pages: one index per language, each of
/// that language's own pages.
pub fn search_files(pages: &[Page], config: &SiteConfig) -> anyhow::Result<Vec<Output>> {
    let mut out = Vec::new();
    for (lang, analysis) in search_languages(config) {
        // In slug order, each document made just before it is indexed.
        let mut sorted: Vec<&Page> = searchable(pages).filter(|p| p.lang == lang).collect();
        sorted.sort_by(|a, b| a.slug.cmp(&b.slug));
        let documents = sorted.into_iter().map(|p| {
            let mut d = document(p);
            // The site's synonyms are English words: they join the default language's index.
            if lang.is_none() {
                config.synonyms.apply(&mut d);
            }
            d
        });
        let files = search_index::build_index_sorted_in(analysis, documents)
            .map_err(|e| anyhow::anyhow!("building the search index failed: {e}"))?;
        let dir = search_dir(lang.as_deref());
        out.extend(files.into_iter().map(|(name, bytes)| (format!("{dir}/{name}"), bytes)));
    }
    Ok(out)
}

/// The files of `public/search/` for these documents (each with its page's language),
/// one index per language of `languages` (see [`search_languages`]). `serve` builds
/// the documents on its rebuild thread and the index on a background one, so pages
/// reload first. The documents must already carry the site's synonyms.
pub fn search_files_of(
    docs: &[(Option<String>, Document)],
    languages: &[(Option<String>, search_index::Language)],
) -> anyhow::Result<Vec<Output>> {
    let mut out = Vec::new();
    for (lang, analysis) in languages {
        let mut sorted: Vec<&Document> = docs.iter().filter(|(l, _)| l == lang).map(|(_, d)| d).collect();
        sorted.sort_by(|a, b| a.slug.cmp(&b.slug));
        let files =
            search_index::build_index_sorted_in(*analysis, sorted).map_err(|e| anyhow::anyhow!("building the search index failed: {e}"))?;
        let dir = search_dir(lang.as_deref());
        out.extend(files.into_iter().map(|(name, bytes)| (format!("{dir}/{name}"), bytes)));
    }
    Ok(out)
}

/// Opens the index of a built site from its output folder.
pub fn open_built(out_dir: &std::path::Path) -> anyhow::Result<search_index::SearchIndex> {
    open_built_in(out_dir, None)
}

/// Opens the index of one language (`None`: the default) of a built site.
pub fn open_built_in(out_dir: &std::path::Path, lang: Option<&str>) -> anyhow::Result<search_index::SearchIndex> {
    let dir = out_dir.join(search_dir(lang));
    let manifest = dir.join(search_index::layout::MANIFEST);
    if !manifest.exists() {
        anyhow::bail!("there is no search index at {}\nhelp: run `medkb build` first", dir.display());
    }
    // The manifest, the head and every page (p/<n>.gz): the native reader
    // loads the whole index.
    let mut files = Vec::new();
    let read = |path: &std::path::Path| std::fs::read(path).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()));
    for name in [search_index::layout::MANIFEST, search_index::layout::HEAD] {
        files.push((name.to_string(), read(&dir.join(name))?));
    }
    let pages = dir.join(search_index::layout::PAGE_DIR);
    if pages.is_dir() {
        for entry in std::fs::read_dir(&pages)? {
            let path = entry?.path();
            let name = format!("{}/{}", search_index::layout::PAGE_DIR, path.file_name().unwrap_or_default().to_string_lossy());
            files.push((name, read(&path)?));
        }
    }
    search_index::SearchIndex::open(files)
        .map_err(|e| anyhow::anyhow!("the search index in {} cannot be read: {e}\nhelp: rebuild with `medkb build`", dir.display()))
}
