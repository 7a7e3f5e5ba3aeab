//! The paged pack: how a browser searches a large index without downloading it.
//!
//! The pack ([`crate::pack`]) is cut into fixed-size pages ([`page_size_for`]).
//! The build publishes them as separate gzip files plus one *head* file that
//! holds every page needed to open the index (the pack's file table,
//! `meta.json`, the term dictionaries, field norms, the doc store's skip
//! index: [`crate::SearchIndex::head_pages`] records them by opening the
//! index). The browser loads the head once; after that a query needs only
//! the pages of its own posting lists, positions and result documents.
//!
//! Tantivy reads synchronously, and a browser fetches asynchronously. So a
//! [`PageStore`] that lacks a page does not block: the read fails, the page
//! is remembered as *wanted*, and the search answers "need these pages"
//! ([`crate::SearchIndex::search_paged`]). The page fetches them all at once
//! and asks again. Searches are organised so that one query needs at most
//! three such rounds (posting lists, positions, documents), each a set of
//! parallel fetches, and every page is fetched once per session.
//!
//! Head file layout (all integers little-endian):
//!
//! ```text
//! "MKBSHEAD" | u32 version (1) | u32 page size | u64 pack length | u32 count
//! count × u32 page number (ascending)
//! the pages' bytes, in that order (each PAGE_SIZE, except the pack's last page)
//! ```

use std::collections::{BTreeSet, HashMap};
use std::io;
use std::ops::Range;
use std::sync::{Arc, Mutex, RwLock};

use tantivy::directory::{FileHandle, OwnedBytes};
use tantivy::HasLen;

use crate::Error;

/// Bytes per page of a small index. Small pages waste little of a fetch (a
/// posting list or a document is usually much smaller than a page).
pub const PAGE_SIZE: usize = 4096;
/// Page count above which pages get bigger (see [`page_size_for`]).
pub const MAX_PAGES: usize = 4096;

/// The page size for a pack of `len` bytes: [`PAGE_SIZE`], doubled until the
/// pack has at most [`MAX_PAGES`] pages (up to 64 KiB). A 10k-page site then
/// publishes a few thousand page files rather than tens of thousands, which
/// keeps its build and deploy quick; its queries fetch somewhat more, still
/// far less than the whole index.
pub fn page_size_for(len: usize) -> usize {
    let mut size = PAGE_SIZE;
    while len.div_ceil(size) > MAX_PAGES && size < 65536 {
        size *= 2;
    }
    size
}

const HEAD_MAGIC: &[u8; 8] = b"MKBSHEAD";
const HEAD_VERSION: u32 = 1;

/// Pages of one pack, some of them loaded.
#[derive(Debug)]
pub struct PageStore {
    len: u64,
    page_size: usize,
    pages: RwLock<HashMap<u32, OwnedBytes>>,
    /// Pages a read needed and did not find, since the last `take_wanted`.
    wanted: Mutex<BTreeSet<u32>>,
    /// Every page read, when recording (to find the head at build time).
    touched: Option<Mutex<BTreeSet<u32>>>,
}

impl PageStore {
    /// A store with every page of `pack` loaded that records which pages
    /// reads touch (see [`PageStore::take_touched`]).
    pub fn recording(pack: &[u8], page_size: usize) -> PageStore {
        let store = PageStore::empty(pack.len() as u64, page_size, true);
        for (n, chunk) in pack.chunks(page_size).enumerate() {
            store.add_page(n as u32, chunk.to_vec());
        }
        store
    }

    fn empty(len: u64, page_size: usize, record: bool) -> PageStore {
        PageStore {
            len,
            page_size,
            pages: RwLock::new(HashMap::new()),
            wanted: Mutex::new(BTreeSet::new()),
            touched: record.then(|| Mutex::new(BTreeSet::new())),
        }
    }

    /// A store holding the pages of a head file.
    pub fn from_head(head: &[u8]) -> Result<PageStore, Error> {
        let bad = |what: &str| Error::Pack(format!("not a medkb search head ({what})"));
        let take = |at: usize, n: usize| head.get(at..at + n).ok_or_else(|| bad("too short"));
        if take(0, 8)? != HEAD_MAGIC {
            return Err(bad("wrong magic"));
        }
        let u32_at = |at: usize| -> Result<u32, Error> { Ok(u32::from_le_bytes(take(at, 4)?.try_into().unwrap_or_default())) };
        let version = u32_at(8)?;
        if version != HEAD_VERSION {
            return Err(Error::Pack(format!("unsupported search head version {version}; rebuild the site with this medkb")));
        }
        let page_size = u32_at(12)? as usize;
        let len = u64::from_le_bytes(take(16, 8)?.try_into().unwrap_or_default());
        let count = u32_at(24)? as usize;
        if page_size == 0 || count > head.len() {
            return Err(bad("bad header"));
        }
        let store = PageStore::empty(len, page_size, false);
        let mut data = 28 + 4 * count;
        for i in 0..count {
            let n = u32_at(28 + 4 * i)?;
            let size = store.page_len(n).ok_or_else(|| bad("page outside the pack"))?;
            store.add_page(n, take(data, size)?.to_vec());
            data += size;
        }
        Ok(store)
    }

    /// The head file for `pages` of `pack`.
    pub fn encode_head(pack: &[u8], page_size: usize, pages: &[u32]) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(HEAD_MAGIC);
        out.extend_from_slice(&HEAD_VERSION.to_le_bytes());
        out.extend_from_slice(&(page_size as u32).to_le_bytes());
        out.extend_from_slice(&(pack.len() as u64).to_le_bytes());
        out.extend_from_slice(&(pages.len() as u32).to_le_bytes());
        for n in pages {
            out.extend_from_slice(&n.to_le_bytes());
        }
        for &n in pages {
            out.extend_from_slice(page_of(pack, page_size, n));
        }
        out
    }

    /// Whether a read has missed a page since the last `take_wanted`.
    pub fn has_wanted(&self) -> bool {
        !self.wanted.lock().unwrap_or_else(|e| e.into_inner()).is_empty()
    }

    /// Whether the pack is empty (it never is: it has a header).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Byte length of the whole pack.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Number of pages in the pack.
    pub fn page_count(&self) -> u32 {
        self.len.div_ceil(self.page_size as u64) as u32
    }

    /// The whole pack, when every page is loaded; otherwise the first
    /// missing page's number.
    pub fn into_pack(self) -> Result<Vec<u8>, u32> {
        let count = self.page_count();
        let pages = self.pages.into_inner().unwrap_or_else(|e| e.into_inner());
        let mut pack = Vec::with_capacity(self.len as usize);
        for n in 0..count {
            pack.extend_from_slice(pages.get(&n).ok_or(n)?.as_slice());
        }
        Ok(pack)
    }

    /// Byte length of page `n`, or `None` past the end.
    fn page_len(&self, n: u32) -> Option<usize> {
        let start = u64::from(n) * self.page_size as u64;
        (start < self.len).then(|| (self.len - start).min(self.page_size as u64) as usize)
    }

    /// Adds a fetched page. Returns false (and keeps nothing) when `n` is
    /// outside the pack or `bytes` has the wrong length for it.
    pub fn add_page(&self, n: u32, bytes: Vec<u8>) -> bool {
        if self.page_len(n) != Some(bytes.len()) {
            return false;
        }
        self.pages.write().unwrap_or_else(|e| e.into_inner()).insert(n, OwnedBytes::new(bytes));
        true
    }

    /// Pages reads asked for and did not find since the last call.
    pub fn take_wanted(&self) -> Vec<u32> {
        std::mem::take(&mut *self.wanted.lock().unwrap_or_else(|e| e.into_inner())).into_iter().collect()
    }

    /// Pages read since the last call (recording stores only).
    pub fn take_touched(&self) -> Vec<u32> {
        self.touched
            .as_ref()
            .map(|t| std::mem::take(&mut *t.lock().unwrap_or_else(|e| e.into_inner())).into_iter().collect())
            .unwrap_or_default()
    }

    /// Bytes `range` of the pack, or an error naming the missing pages (which
    /// are then wanted).
    fn read(&self, range: Range<u64>) -> io::Result<OwnedBytes> {
        if range.end > self.len || range.start > range.end {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "read past the end of the search index"));
        }
        if range.start == range.end {
            return Ok(OwnedBytes::empty());
        }
        let ps = self.page_size as u64;
        let (first, last) = ((range.start / ps) as u32, ((range.end - 1) / ps) as u32);
        if let Some(t) = &self.touched {
            t.lock().unwrap_or_else(|e| e.into_inner()).extend(first..=last);
        }
        let pages = self.pages.read().unwrap_or_else(|e| e.into_inner());
        let missing: Vec<u32> = (first..=last).filter(|n| !pages.contains_key(n)).collect();
        if !missing.is_empty() {
            self.wanted.lock().unwrap_or_else(|e| e.into_inner()).extend(&missing);
            return Err(io::Error::other(format!("search index page {} is not loaded yet", missing[0])));
        }
        let offset = |n: u32| u64::from(n) * ps;
        if first == last {
            let from = (range.start - offset(first)) as usize;
            return Ok(pages[&first].slice(from..from + (range.end - range.start) as usize));
        }
        let mut out = Vec::with_capacity((range.end - range.start) as usize);
        for n in first..=last {
            let page = pages[&n].as_slice();
            let from = range.start.saturating_sub(offset(n)) as usize;
            let to = ((range.end - offset(n)) as usize).min(page.len());
            out.extend_from_slice(&page[from..to]);
        }
        Ok(OwnedBytes::new(out))
    }
}

/// Page `n` of `pack`.
pub fn page_of(pack: &[u8], page_size: usize, n: u32) -> &[u8] {
    let start = (n as usize * page_size).min(pack.len());
    &pack[start..(start + page_size).min(pack.len())]
}

/// One Tantivy file inside a paged pack.
#[derive(Debug, Clone)]
pub(crate) struct PagedFile {
    pub(crate) store: Arc<PageStore>,
    pub(crate) start: u64,
    pub(crate) len: usize,
}

impl HasLen for PagedFile {
    fn len(&self) -> usize {
        self.len
    }
}

impl FileHandle for PagedFile {
    fn read_bytes(&self, range: Range<usize>) -> io::Result<OwnedBytes> {
        if range.end > self.len {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "read past the end of a search index file"));
        }
        self.store.read(self.start + range.start as u64..self.start + range.end as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn head_round_trip_and_missing_pages_are_wanted() {
        let pack: Vec<u8> = (0..100u32).map(|i| i as u8).collect();
        let head = PageStore::encode_head(&pack, 16, &[0, 6]);
        let store = Arc::new(PageStore::from_head(&head).unwrap());
        assert_eq!(store.page_count(), 7);
        let file = PagedFile { store: store.clone(), start: 90, len: 10 };
        assert_eq!(file.read_bytes(6..10).unwrap().as_slice(), &pack[96..100]);
        // 40..60 spans pages 2 and 3: both wanted, reported once.
        let mid = PagedFile { store: store.clone(), start: 0, len: 100 };
        assert!(mid.read_bytes(40..60).is_err());
        assert!(mid.read_bytes(45..50).is_err());
        assert_eq!(store.take_wanted(), vec![2, 3]);
        assert!(store.take_wanted().is_empty());
        assert!(store.add_page(2, page_of(&pack, 16, 2).to_vec()));
        assert!(store.add_page(3, page_of(&pack, 16, 3).to_vec()));
        assert!(!store.add_page(3, vec![0; 3]), "wrong length refused");
        assert!(!store.add_page(9, vec![0; 16]), "outside the pack refused");
        assert_eq!(mid.read_bytes(40..60).unwrap().as_slice(), &pack[40..60]);
        assert!(mid.read_bytes(90..101).is_err());
    }

    #[test]
    fn big_packs_get_bigger_pages() {
        assert_eq!(page_size_for(100), PAGE_SIZE);
        assert_eq!(page_size_for(PAGE_SIZE * MAX_PAGES), PAGE_SIZE);
        assert_eq!(page_size_for(PAGE_SIZE * MAX_PAGES + 1), 2 * PAGE_SIZE);
        assert_eq!(page_size_for(45 << 20), 16384);
        assert_eq!(page_size_for(usize::MAX / 2), 65536);
    }

    #[test]
    fn bad_heads_are_errors() {
        assert!(PageStore::from_head(b"").is_err());
        assert!(PageStore::from_head(b"MKBSHEAD\x01\0\0\0").is_err());
        let mut head = PageStore::encode_head(&[7u8; 40], 16, &[0, 1, 2]);
        head.truncate(head.len() - 1);
        assert!(PageStore::from_head(&head).is_err());
    }
}
