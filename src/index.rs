//! Index: turn pages into search documents and write the search index files.
//!
//! The search engine itself lives in the `search-index` crate, which knows nothing
//! of pages or files; this module is the adapter between the two.

use crate::config::SiteConfig;
use crate::parse::Page;
use crate::render::Output;

/// The files of `public/search/` for these pages.
pub fn search_files(_pages: &[Page], _config: &SiteConfig) -> anyhow::Result<Vec<Output>> {
    Ok(Vec::new())
}
