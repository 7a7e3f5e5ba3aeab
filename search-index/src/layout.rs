//! The published file layout, shared by the writer and the reader (so the
//! reader never imports the writer): the names of the files under
//! `public/search/`, the manifest's format, and gzip inflation for them.

/// The manifest: format, page size and count, file table.
pub const MANIFEST: &str = "manifest.json";
/// The head: the pages needed to open the index.
pub const HEAD: &str = "head.gz";
/// Every other page is `p/<n>.gz`.
pub const PAGE_DIR: &str = "p";
/// The manifest's `format`: readers refuse other versions.
pub const FORMAT: &str = "medkb-search/2";

/// Inflates a gzip file (a published page or head). Native only: the
/// browser inflates with `DecompressionStream`.
#[cfg(feature = "write")]
pub fn gunzip(bytes: &[u8]) -> Result<Vec<u8>, crate::Error> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes).read_to_end(&mut out)?;
    Ok(out)
}
