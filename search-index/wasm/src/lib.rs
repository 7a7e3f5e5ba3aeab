//! medkb search in the browser: [`search_index`] compiled to
//! `wasm32-unknown-unknown`, exported through a tiny C ABI so the page needs
//! no wasm-bindgen and no generated glue — `medkb-search.js` is ~40 lines of
//! plain JavaScript around these exports.
//!
//! Protocol (all lengths in bytes, all text UTF-8; see
//! `search_index::pages` for why the index comes in pages):
//!
//! 1. `ptr = medkb_alloc(len)`; copy the inflated `head.gz` bytes to `ptr`;
//!    `medkb_open(ptr, len)` takes ownership of that buffer and returns 0 on
//!    success or the length of an error message (read it as below).
//! 2. `ptr = medkb_alloc(len)`; copy a JSON query
//!    `{"text": "...", "limit": 10, "region": null}` to `ptr`;
//!    `n = medkb_search(ptr, len)` frees the query and returns the length of
//!    the JSON answer at `medkb_result_ptr()`: `{"results": [...], "partial": [...], "emergency": [...]}`, or
//!    `{"need": [page numbers]}` when pages must be loaded first.
//!    A bad query gives `{"results": []}`; searching never fails.
//! 3. For each needed page `n`: `ptr = medkb_alloc(len)`; copy the inflated
//!    `p/<n>.gz` to `ptr`; `medkb_add_page(n, ptr, len)` (1 = kept, 0 =
//!    refused: wrong length or number). Then search again.
//!
//! The module is single-threaded; one index is open at a time.

use std::cell::RefCell;

use std::sync::Arc;

use search_index::pages::PageStore;
use search_index::{Answer, Query, SearchIndex};

thread_local! {
    static INDEX: RefCell<Option<(SearchIndex, Arc<PageStore>)>> = const { RefCell::new(None) };
    static RESULT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Allocates `len` bytes for the caller to fill. Never returns null for
/// `len > 0` (allocation failure aborts).
#[no_mangle]
pub extern "C" fn medkb_alloc(len: usize) -> *mut u8 {
    let mut buf = Vec::<u8>::with_capacity(len.max(1));
    let ptr = buf.as_mut_ptr();
    std::mem::forget(buf);
    ptr
}

/// Frees a buffer from [`medkb_alloc`] that was not handed to another call.
///
/// # Safety
/// `ptr`/`len` must come from one `medkb_alloc(len)` call.
#[no_mangle]
pub unsafe extern "C" fn medkb_free(ptr: *mut u8, len: usize) {
    drop(take(ptr, len));
}

/// Reclaims a buffer from [`medkb_alloc`] as a filled `Vec`.
unsafe fn take(ptr: *mut u8, len: usize) -> Vec<u8> {
    Vec::from_raw_parts(ptr, len, len.max(1))
}

/// Opens an index from its head. Returns 0, or the length of an error
/// message at [`medkb_result_ptr`].
///
/// # Safety
/// `ptr`/`len` must come from one `medkb_alloc(len)` call, fully written.
#[no_mangle]
pub unsafe extern "C" fn medkb_open(ptr: *mut u8, len: usize) -> usize {
    let head = take(ptr, len);
    let opened = PageStore::from_head(&head).map(Arc::new).and_then(|store| Ok((SearchIndex::open_paged(store.clone())?, store)));
    match opened {
        Ok(index) => {
            INDEX.with(|i| *i.borrow_mut() = Some(index));
            0
        }
        Err(e) => set_result(e.to_string().into_bytes()),
    }
}

/// Adds page `n` of the open index. Returns 1, or 0 when it was refused.
///
/// # Safety
/// `ptr`/`len` must come from one `medkb_alloc(len)` call, fully written.
#[no_mangle]
pub unsafe extern "C" fn medkb_add_page(n: u32, ptr: *mut u8, len: usize) -> u32 {
    let page = take(ptr, len);
    INDEX.with(|i| i.borrow().as_ref().is_some_and(|(_, store)| store.add_page(n, page)) as u32)
}

/// `{"need": [pages]}`, or the results (`results`, `partial`, `emergency`,
/// `corrected`; see `search_index::Results`).
#[derive(serde::Serialize)]
struct Reply {
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    results: Option<search_index::Results>,
    #[serde(skip_serializing_if = "Option::is_none")]
    need: Option<Vec<u32>>,
}

/// Runs a JSON query; returns the length of the JSON answer at
/// [`medkb_result_ptr`].
///
/// # Safety
/// `ptr`/`len` must come from one `medkb_alloc(len)` call, fully written.
#[no_mangle]
pub unsafe extern "C" fn medkb_search(ptr: *mut u8, len: usize) -> usize {
    let input = take(ptr, len);
    let query: Query = serde_json::from_slice(&input).unwrap_or_default();
    let answer = INDEX.with(|i| i.borrow().as_ref().map(|(index, _)| index.search_paged(&query)));
    let reply = match answer {
        Some(Answer::Need(pages)) => Reply { results: None, need: Some(pages) },
        Some(Answer::Results(results)) => Reply { results: Some(results), need: None },
        None => Reply { results: Some(search_index::Results::default()), need: None },
    };
    set_result(serde_json::to_vec(&reply).unwrap_or_else(|_| br#"{"results":[]}"#.to_vec()))
}

/// Number of pages in the open index (0 when none is open).
#[no_mangle]
pub extern "C" fn medkb_num_docs() -> u32 {
    INDEX.with(|i| i.borrow().as_ref().map_or(0, |(x, _)| x.num_docs() as u32))
}

/// Where the last answer or error message is (valid until the next call).
#[no_mangle]
pub extern "C" fn medkb_result_ptr() -> *const u8 {
    RESULT.with(|r| r.borrow().as_ptr())
}

fn set_result(bytes: Vec<u8>) -> usize {
    let len = bytes.len();
    RESULT.with(|r| *r.borrow_mut() = bytes);
    len
}
