//! A built file, and where built files go.
//!
//! Every later stage hands on the same unit: a path relative to the output root and
//! its bytes. It lives on the ground floor so the renderer, the search files, the
//! output writer and the preview server can all name it without importing each
//! other (it used to live in `render`, with the sink in `output`: an import circle).

/// One file of the built site.
pub type Output = (String, Vec<u8>);

/// Where rendered files go. `build` streams them to a [`Staging`] folder as they are
/// rendered, so a 10k-page site is never held in memory; `serve` keeps them ([`Collect`]).
pub trait OutputSink: Sync {
    fn put(&self, rel: String, bytes: Vec<u8>) -> anyhow::Result<()>;
}
