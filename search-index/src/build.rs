//! Writing the index (native only: Tantivy's writer needs threads).

use std::io::Write;
use std::path::Path;

use tantivy::directory::RamDirectory;
use tantivy::store::Compressor;
use tantivy::{Directory, Index, IndexSettings, IndexWriter, TantivyDocument};

use rayon::prelude::*;

use crate::analysis::{analyzer_for, with_language, Language};
use crate::pages::{page_of, page_size_for, PageStore};
use crate::schema::{encode_section, normalize_region, schema_in, Fields};
use crate::synonyms::EXTRA;
use crate::{pack, Document, Error, SearchIndex, SectionKind};

pub use crate::layout::{gunzip, FORMAT, HEAD, MANIFEST, PAGE_DIR};

/// Builds the search index for `docs` and returns the files to publish
/// under `public/search/`: `manifest.json`, `head.gz` and `p/<n>.gz`
/// (see [`crate::pages`]).
///
/// The output depends only on `docs` (as a set, ordered by slug): segment
/// ids are renamed to fixed ones, so rebuilding an unchanged site gives
/// byte-identical files, which keeps deploys and caches quiet.
pub fn build_index(docs: &[Document]) -> Result<Vec<(String, Vec<u8>)>, Error> {
    let mut sorted: Vec<&Document> = docs.iter().collect();
    sorted.sort_by(|a, b| a.slug.cmp(&b.slug));
    build_index_sorted(sorted)
}

/// [`build_index`] for documents already in slug order, made one at a time:
/// a large site never holds all its search documents in memory at once.
pub fn build_index_sorted<D: std::borrow::Borrow<Document>>(docs: impl IntoIterator<Item = D>) -> Result<Vec<(String, Vec<u8>)>, Error> {
    build_index_sorted_in(Language::English, docs)
}

/// [`build_index_sorted`] for pages written in `lang`, analysed with its stemmer.
pub fn build_index_sorted_in<D: std::borrow::Borrow<Document>>(
    lang: Language,
    docs: impl IntoIterator<Item = D>,
) -> Result<Vec<(String, Vec<u8>)>, Error> {
    with_language(lang, || build_sorted(lang, docs))
}

fn build_sorted<D: std::borrow::Borrow<Document>>(
    lang: Language,
    docs: impl IntoIterator<Item = D>,
) -> Result<Vec<(String, Vec<u8>)>, Error> {
    let schema = schema_in(lang);
    let fields = Fields::from_schema(&schema)?;
    let settings = IndexSettings {
        // Uncompressed doc store: the pack is compressed as a whole for
        // transfer, which beats lz4 blocks and keeps lz4 out of the reader.
        docstore_compression: Compressor::None,
        docstore_compress_dedicated_thread: false,
        docstore_blocksize: 1024,
        ..IndexSettings::default()
    };
    let dir = RamDirectory::create();
    let index = Index::builder().schema(schema).settings(settings).open_or_create(dir.clone())?;
    index.tokenizers().register(lang.tokenizer_name(), analyzer_for(lang));

    let mut count = 0usize;
    {
        // One thread: documents keep their (sorted) order, output is stable.
        // 100 MB arena: a 10k-page site still indexes in a few segments, and the
        // build's peak memory stays well under Hugo's.
        let mut writer: IndexWriter<TantivyDocument> = index.writer_with_num_threads(1, 100_000_000)?;
        for doc in docs {
            writer.add_document(to_tantivy(&fields, doc.borrow()))?;
            count += 1;
        }
        writer.commit()?;
        let ids = index.searchable_segment_ids()?;
        if ids.len() > 1 {
            writer.merge(&ids).wait()?;
        }
        writer.wait_merging_threads()?;
    }

    let metas = index.load_metas()?;
    let mut names: Vec<String> = metas
        .list_segment_files()
        .into_iter()
        .filter(|p| dir.exists(p).unwrap_or(false))
        .filter_map(|p| p.to_str().map(str::to_string))
        .collect();
    names.push("meta.json".to_string());
    names.sort();

    let mut files = Vec::with_capacity(names.len());
    for name in names {
        let bytes = dir.atomic_read(Path::new(&name)).map_err(|e| Error::Pack(e.to_string()))?;
        files.push((name, bytes));
    }
    let segment_ids: Vec<String> = metas.segments.iter().map(|s| s.id().uuid_string()).collect();
    let files = fix_segment_ids(files, &segment_ids);
    // The files are copied out: free Tantivy's in-memory copy before packing.
    drop(index);
    drop(dir);

    let (pack_bytes, entries) = pack::encode(&files);
    drop(files);
    let page_size = page_size_for(pack_bytes.len());
    let head = SearchIndex::head_pages(&pack_bytes, page_size)?;
    let version = format!("{:016x}", fnv1a(&pack_bytes));
    let head_file = gzip(&PageStore::encode_head(&pack_bytes, page_size, &head), &version)?;
    let page_count = pack_bytes.len().div_ceil(page_size);
    let is_head = |n: usize| head.binary_search(&(n as u32)).is_ok();
    let pages: Vec<(String, Vec<u8>)> = (0..page_count)
        .into_par_iter()
        .filter(|&n| !is_head(n))
        .map(|n| Ok((format!("{PAGE_DIR}/{n}.gz"), gzip(page_of(&pack_bytes, page_size, n as u32), &version)?)))
        .collect::<Result<_, Error>>()?;

    let manifest = serde_json::json!({
        "format": FORMAT,
        "docs": count,
        "version": version,
        "page_size": page_size,
        "pages": page_count,
        "pack_bytes": pack_bytes.len(),
        "head": HEAD,
        "head_pages": head.len(),
        "page_path": format!("{PAGE_DIR}/{{n}}.gz"),
        "files": entries,
    });
    let mut manifest = serde_json::to_vec_pretty(&manifest)?;
    manifest.push(b'\n');

    let mut out = Vec::with_capacity(pages.len() + 2);
    out.push((MANIFEST.to_string(), manifest));
    out.push((HEAD.to_string(), head_file));
    out.extend(pages);
    Ok(out)
}

/// Gzip, level 6: within ~1 % of level 9 on these pages, at a fraction of
/// the time a 10k-page build spends compressing. The gzip header's comment
/// is the index `version`: a reader (the browser's search box, the offline
/// worker) holding one build's manifest can tell a page of another build,
/// which a static host serves at the same address after a deploy.
fn gzip(bytes: &[u8], version: &str) -> Result<Vec<u8>, Error> {
    let mut gz = flate2::GzBuilder::new()
        .mtime(0)
        .comment(version.as_bytes())
        .write(Vec::with_capacity(bytes.len() / 2), flate2::Compression::new(6));
    gz.write_all(bytes)?;
    Ok(gz.finish()?)
}

/// Replaces Tantivy's random segment UUIDs (file names and `meta.json`)
/// with fixed ones so the output is reproducible.
fn fix_segment_ids(files: Vec<(String, Vec<u8>)>, ids: &[String]) -> Vec<(String, Vec<u8>)> {
    let fixed: Vec<String> = (0..ids.len()).map(|i| format!("{:032x}", i + 1)).collect();
    let hyphenated = |s: &str| format!("{}-{}-{}-{}-{}", &s[0..8], &s[8..12], &s[12..16], &s[16..20], &s[20..32]);
    files
        .into_iter()
        .map(|(mut name, mut bytes)| {
            for (old, new) in ids.iter().zip(&fixed) {
                name = name.replace(old.as_str(), new);
                if name == "meta.json" {
                    if let Ok(text) = String::from_utf8(bytes.clone()) {
                        let text = text.replace(old.as_str(), new).replace(&hyphenated(old), &hyphenated(new));
                        bytes = text.into_bytes();
                    }
                }
            }
            (name, bytes)
        })
        .collect()
}

fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

fn to_tantivy(f: &Fields, d: &Document) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_text(f.slug, &d.slug);
    doc.add_text(f.url, &d.url);
    doc.add_text(f.title, &d.title);
    doc.add_text(f.medical_name, &d.medical_name);
    for alias in d.also_called.iter().chain(&d.search_terms) {
        doc.add_text(f.aliases, alias);
    }
    doc.add_text(f.summary, &d.summary);
    for s in &d.sections {
        match s.kind {
            SectionKind::Symptoms => doc.add_text(f.symptoms, &s.text),
            SectionKind::Other => {
                doc.add_text(f.body, &s.heading);
                doc.add_text(f.body, &s.text);
            }
            _ => doc.add_text(f.body, &s.text),
        }
        if !s.text.trim().is_empty() {
            doc.add_text(f.sections, encode_section(s.kind, &s.anchor, &s.heading, cut_at_word(s.text.trim(), STORED_SECTION_CHARS)));
        }
    }
    for flag in &d.emergency {
        // The flag as shown, then the synonyms it also matches (see `Synonyms::apply`).
        doc.add_text(f.emergency, flag);
        doc.add_text(f.emergency_terms, flag.replace(EXTRA, " "));
    }
    doc.add_text(f.body_region, normalize_region(&d.body_region));
    doc.add_text(f.page_type, d.page_type.trim().to_lowercase());
    doc
}

/// How much of each section is stored for choosing the best section and its
/// snippet (180 characters shown). Stored text is most of what a browser
/// fetches per query (each hit's document); the opening of a section is where
/// readers look, and every word of the section is still indexed for matching.
/// The relevance set scores the same at 300 as with whole sections.
pub const STORED_SECTION_CHARS: usize = 300;

/// `s` cut to at most `max` bytes, at a word boundary.
fn cut_at_word(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    match s[..end].rfind(char::is_whitespace) {
        Some(i) if i > max / 2 => &s[..i],
        _ => &s[..end],
    }
}
