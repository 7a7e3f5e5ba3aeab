//! medkb's search engine: one [Tantivy](https://docs.rs/tantivy) index that
//! the site build writes and that the browser, the `medkb search` command and
//! the preview server all read with the same code.
//!
//! # Why it is shaped like this
//!
//! * **No server.** A medkb site is plain files on any static host, so the
//!   index is a file too. The build writes it ([`build_index`]); the browser
//!   downloads it and queries it in a WebAssembly copy of this crate (see
//!   `search-index/wasm/`). Because the browser runs *this* code, what
//!   `medkb search "shin splints"` prints is exactly what a reader sees.
//! * **No content model, no filesystem.** The crate has its own small
//!   [`Document`] type and moves index files around as `(name, bytes)` pairs.
//!   That keeps it compilable to `wasm32-unknown-unknown` (no threads, no
//!   files, no mmap) and keeps the site generator free to change its page
//!   model without touching search.
//! * **Readers type lay words, typos and questions.** Pages list their lay
//!   names (`also_called`) and the phrases people search with
//!   (`search_terms`); those are indexed in their own heavily weighted field
//!   so that an alias finds its page as strongly as its title does. Text is
//!   lower-cased, ASCII-folded and English-stemmed ([`analysis`]). Typos are
//!   handled by expanding each typed word through the term dictionary with a
//!   Levenshtein automaton (1 edit from 5 letters, 2 from 9, as Meilisearch
//!   does); the expanded terms score below exact matches and are also handed
//!   to the snippet generator, so a typo still gets its match highlighted.
//! * **Queries never fail.** There is no query language to get wrong: the
//!   text is split into words and `"quoted phrases"`; operators and stray
//!   punctuation are just ignored. [`SearchIndex::search`] returns a list,
//!   never an error, whatever it is given.
//! * **Small downloads.** A browser never downloads the whole index: the
//!   build cuts it into pages (4 KiB, larger for big indexes) ([`pages`]) and publishes a *head* (what
//!   opening the index reads: term dictionaries, field norms, file tables)
//!   plus one gzip file per other page. A query asks for the pages of its
//!   own posting lists and result documents, in at most three parallel
//!   rounds. Only short text is stored: the summary and the opening of each
//!   section, for the snippet and the best anchor.
//!
//! # Files
//!
//! [`build_index`] returns `manifest.json` (format version, document count,
//! page size and count, the byte range of every Tantivy file inside the
//! pack), `head.gz` and `p/<n>.gz` (see [`pages`]).
//! [`SearchIndex::open`] takes the same list back; the browser uses
//! [`SearchIndex::open_paged`] and [`SearchIndex::search_paged`].
//!
//! # Ranking, in short
//!
//! Per typed word, the best of its field matches counts (a dis-max), with
//! field boosts title ≈ aliases > medical name > summary > symptoms > other
//! body text; typo and prefix expansions are down-weighted; adjacent words
//! that appear as a phrase in a title or alias get a large bonus, so
//! "shin splints" prefers the page that is *called* that over one that
//! mentions both words. See [`search`] for the details.

#![forbid(unsafe_code)]

pub mod analysis;
#[cfg(feature = "write")]
pub mod build;
mod directory;
pub mod emergency;
pub mod eval;
pub mod layout;
pub mod pack;
pub mod pages;
mod schema;
pub mod search;
pub mod synonyms;

use serde::{Deserialize, Serialize};

pub use analysis::Language;
#[cfg(feature = "write")]
pub use build::{build_index, build_index_sorted, build_index_sorted_in};
pub use search::{Answer, SearchIndex};
pub use synonyms::Synonyms;

/// The kind of a page section. It decides how much a match in the section
/// counts: symptoms are what readers describe, so they weigh more than the
/// rest of the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SectionKind {
    /// The text before the first heading.
    Lead,
    Symptoms,
    Causes,
    Fixes,
    RedFlags,
    Timeline,
    Other,
}

impl SectionKind {
    #[cfg(feature = "write")]
    pub(crate) fn code(self) -> char {
        match self {
            SectionKind::Lead => 'L',
            SectionKind::Symptoms => 'S',
            SectionKind::Causes => 'C',
            SectionKind::Fixes => 'F',
            SectionKind::RedFlags => 'R',
            SectionKind::Timeline => 'T',
            SectionKind::Other => 'O',
        }
    }

    pub(crate) fn from_code(c: char) -> SectionKind {
        match c {
            'L' => SectionKind::Lead,
            'S' => SectionKind::Symptoms,
            'C' => SectionKind::Causes,
            'F' => SectionKind::Fixes,
            'R' => SectionKind::RedFlags,
            'T' => SectionKind::Timeline,
            _ => SectionKind::Other,
        }
    }
}

/// One section of a page: its anchor (without `#`; empty for the lead),
/// heading and plain text (no Markdown, no HTML).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    pub anchor: String,
    pub heading: String,
    pub kind: SectionKind,
    pub text: String,
}

/// A page as search sees it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    pub slug: String,
    /// Site-relative URL, e.g. `/conditions/hamstring-strain/`.
    pub url: String,
    pub title: String,
    pub medical_name: String,
    pub also_called: Vec<String>,
    pub search_terms: Vec<String>,
    pub summary: String,
    /// e.g. `thigh-knee`; may be empty (guides).
    pub body_region: String,
    /// `condition`, `symptom` or `guide`.
    pub page_type: String,
    pub sections: Vec<Section>,
    /// The page's emergency red flags, plain text (`emergency:` items).
    #[serde(default)]
    pub emergency: Vec<String>,
}

/// A search request. `limit` 0 means the default (10); it is capped at 100.
/// `region`, when set and not empty, keeps only pages with that `body_region`;
/// `page_type` likewise (`condition`, `symptom`, `guide`). `explain` adds,
/// per result, the fields and terms that matched ([`Results::explain`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Query {
    pub text: String,
    pub limit: usize,
    pub region: Option<String>,
    pub page_type: Option<String>,
    pub explain: bool,
}

impl Query {
    /// A query for `text` with the default limit and no filter.
    pub fn new(text: impl Into<String>) -> Query {
        Query { text: text.into(), ..Query::default() }
    }
}

/// Everything a search answers. See [`search`] for the confidence rule
/// that splits `results` from `partial`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Results {
    /// Pages that cover the query's meaningful words, best first; pages
    /// carrying a matched emergency red flag come first.
    pub results: Vec<Hit>,
    /// When no page covers the query: the weak partial matches ("Not an
    /// exact match"). Empty whenever `results` is not.
    pub partial: Vec<Hit>,
    /// Emergency red flags (and emergency concepts) the query matches: show
    /// them first, under the site's emergency care-card wording.
    pub emergency: Vec<Emergency>,
    /// "Showing results for …": the query with unknown words replaced by
    /// the words the index has, when any were.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub corrected: Option<String>,
    /// Per result (same order as `results`, then `partial`), with `Query::explain`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub explain: Vec<Explained>,
}

/// One emergency line: a page's red flag (with the page), or an emergency
/// concept no page covers (empty `slug` and `url`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Emergency {
    pub text: String,
    pub slug: String,
    pub title: String,
    /// The page's red-flag section (`/conditions/x/#red-flags`).
    pub url: String,
}

/// Why one result ranks where it does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Explained {
    pub slug: String,
    pub score: f32,
    pub matches: Vec<Explain>,
}

/// One (typed word, field, index term) match of a result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Explain {
    pub word: String,
    pub field: String,
    pub term: String,
    /// `exact` (also plurals, UK/US spellings, synonyms, split words), `typo` or `prefix`.
    pub how: String,
    /// Field weight × match weight: the boost of this match.
    pub weight: f32,
}

/// One result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    pub slug: String,
    pub title: String,
    /// The page URL, with `#anchor` of the best-matching section when a
    /// section (rather than the title or summary) matched best.
    pub url: String,
    pub score: f32,
    /// HTML: escaped text with the matched words in `<mark>…</mark>`.
    pub snippet: String,
}

/// Errors from building or opening an index. Searching has no errors.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("search index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("search index files: {0}")]
    Pack(String),
    #[error("search index I/O: {0}")]
    Io(#[from] std::io::Error),
    #[error("search manifest: {0}")]
    Json(#[from] serde_json::Error),
}
