//! medkb search in the browser: [`search_index`] compiled to
//! `wasm32-unknown-unknown`, exported through a tiny C ABI so the page needs
//! no wasm-bindgen and no generated glue — `medkb-search.js` is ~40 lines of
//! plain JavaScript around these exports.
//!
//! Protocol (all lengths in bytes, all text UTF-8):
//!
//! 1. `ptr = medkb_alloc(len)`; copy the `index.pack` bytes to `ptr`;
//!    `medkb_open(ptr, len)` takes ownership of that buffer and returns 0 on
//!    success or the length of an error message (read it as below).
//! 2. `ptr = medkb_alloc(len)`; copy a JSON query
//!    `{"text": "...", "limit": 10, "region": null}` to `ptr`;
//!    `n = medkb_search(ptr, len)` frees the query and returns the length of
//!    the JSON answer (an array of hits), found at `medkb_result_ptr()`.
//!    A bad query gives `[]`; searching never fails.
//!
//! The module is single-threaded; one index is open at a time.

use std::cell::RefCell;

use search_index::{Query, SearchIndex};

thread_local! {
    static INDEX: RefCell<Option<SearchIndex>> = const { RefCell::new(None) };
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

/// Opens an index pack. Returns 0, or the length of an error message at
/// [`medkb_result_ptr`].
///
/// # Safety
/// `ptr`/`len` must come from one `medkb_alloc(len)` call, fully written.
#[no_mangle]
pub unsafe extern "C" fn medkb_open(ptr: *mut u8, len: usize) -> usize {
    let pack = take(ptr, len);
    match SearchIndex::open_pack(pack) {
        Ok(index) => {
            INDEX.with(|i| *i.borrow_mut() = Some(index));
            0
        }
        Err(e) => set_result(e.to_string().into_bytes()),
    }
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
    let hits = INDEX.with(|i| i.borrow().as_ref().map(|index| index.search(&query)).unwrap_or_default());
    set_result(serde_json::to_vec(&hits).unwrap_or_else(|_| b"[]".to_vec()))
}

/// Number of pages in the open index (0 when none is open).
#[no_mangle]
pub extern "C" fn medkb_num_docs() -> u32 {
    INDEX.with(|i| i.borrow().as_ref().map_or(0, |x| x.num_docs() as u32))
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
