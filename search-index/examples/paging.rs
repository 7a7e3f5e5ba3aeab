//! What a browser session downloads from a built site's paged index: the
//! head, then the pages each query asks for (real file sizes, gzip).
//!
//!     cargo run --release -p search-index --example paging -- public/search "shin splints" "knee pain"
use std::path::Path;
use std::sync::Arc;

use search_index::pages::PageStore;
use search_index::{Answer, Query, SearchIndex};

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    search_index::build::gunzip(bytes).unwrap()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = Path::new(&args[0]);
    let head = std::fs::read(dir.join("head.gz")).unwrap();
    let store = Arc::new(PageStore::from_head(&gunzip(&head)).unwrap());
    let index = SearchIndex::open_paged(store.clone()).unwrap();
    let mut total = head.len();
    print!("{} pages, head {} KB |", store.page_count(), head.len() / 1024);
    for q in &args[1..] {
        let query = Query { text: q.clone(), limit: 8, region: None, ..Query::default() };
        let (mut rounds, mut bytes, mut n) = (0, 0, 0);
        while let Answer::Need(pages) = index.search_paged(&query) {
            rounds += 1;
            for p in pages {
                let gz = std::fs::read(dir.join(format!("p/{p}.gz"))).unwrap();
                bytes += gz.len();
                n += 1;
                store.add_page(p, gunzip(&gz));
            }
            assert!(rounds < 10, "too many rounds");
        }
        total += bytes;
        print!(" {q:?} {rounds}r {n}p {}KB", bytes / 1024);
    }
    println!(" | session {} KB", total / 1024);
}
