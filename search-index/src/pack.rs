//! The pack: all Tantivy index files in one blob.
//!
//! One file means one HTTP request in the browser and one thing to copy in
//! the build. The layout is deliberately trivial so the manifest can give
//! the byte range of each inner file (a future reader can fetch single
//! files with `Range:` requests instead of the whole pack):
//!
//! ```text
//! "MKBSPACK" | u32 LE version (1) | u32 LE count
//! count × ( u16 LE name length | name (UTF-8) | u64 LE offset | u64 LE length )
//! data (offsets are relative to the start of the data)
//! ```

use crate::Error;

const MAGIC: &[u8; 8] = b"MKBSPACK";
const VERSION: u32 = 1;

/// One file inside a pack, as listed in the manifest.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Entry {
    pub name: String,
    /// Absolute byte offset inside the pack.
    pub offset: u64,
    pub len: u64,
}

/// Packs `files` (sorted by name for determinism). Returns the pack and
/// the absolute byte range of every file.
pub fn encode(files: &[(String, Vec<u8>)]) -> (Vec<u8>, Vec<Entry>) {
    let mut files: Vec<&(String, Vec<u8>)> = files.iter().collect();
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let header_len: usize = 16 + files.iter().map(|(n, _)| 2 + n.len() + 16).sum::<usize>();
    let mut out = Vec::with_capacity(header_len + files.iter().map(|f| f.1.len()).sum::<usize>());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&VERSION.to_le_bytes());
    out.extend_from_slice(&(files.len() as u32).to_le_bytes());
    let mut entries = Vec::with_capacity(files.len());
    let mut offset = 0u64;
    for (name, data) in &files {
        out.extend_from_slice(&(name.len() as u16).to_le_bytes());
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(&offset.to_le_bytes());
        out.extend_from_slice(&(data.len() as u64).to_le_bytes());
        entries.push(Entry { name: name.clone(), offset: header_len as u64 + offset, len: data.len() as u64 });
        offset += data.len() as u64;
    }
    for (_, data) in &files {
        out.extend_from_slice(data);
    }
    (out, entries)
}

/// Lists the files in a pack (names and absolute ranges), checking that
/// every range lies inside the pack. Never panics on bad input.
pub fn decode(pack: &[u8]) -> Result<Vec<Entry>, Error> {
    decode_header(pack, pack.len() as u64)
}

/// [`decode`] from the beginning of a pack (at least its header) and the
/// pack's whole length: how a browser reads the file table without the rest.
pub fn decode_header(pack: &[u8], total: u64) -> Result<Vec<Entry>, Error> {
    let bad = |what: &str| Error::Pack(format!("not a medkb search pack ({what})"));
    let mut r = Reader { buf: pack, pos: 0 };
    if r.take(8).ok_or_else(|| bad("too short"))? != MAGIC {
        return Err(bad("wrong magic"));
    }
    let version = r.u32().ok_or_else(|| bad("too short"))?;
    if version != VERSION {
        return Err(Error::Pack(format!("unsupported pack version {version}; rebuild the site with this medkb")));
    }
    let count = r.u32().ok_or_else(|| bad("too short"))? as usize;
    let mut raw = Vec::new();
    for _ in 0..count {
        let len = r.u16().ok_or_else(|| bad("truncated header"))? as usize;
        let name = r.take(len).ok_or_else(|| bad("truncated header"))?;
        let name = std::str::from_utf8(name).map_err(|_| bad("file name is not UTF-8"))?.to_string();
        let offset = r.u64().ok_or_else(|| bad("truncated header"))?;
        let len = r.u64().ok_or_else(|| bad("truncated header"))?;
        raw.push((name, offset, len));
    }
    let data_start = r.pos as u64;
    raw.into_iter()
        .map(|(name, offset, len)| {
            let start = data_start.checked_add(offset).ok_or_else(|| bad("range"))?;
            let end = start.checked_add(len).ok_or_else(|| bad("range"))?;
            if end > total {
                return Err(bad("file range outside the pack"));
            }
            Ok(Entry { name, offset: start, len })
        })
        .collect()
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.pos.checked_add(n)?;
        let s = self.buf.get(self.pos..end)?;
        self.pos = end;
        Some(s)
    }
    fn u16(&mut self) -> Option<u16> {
        Some(u16::from_le_bytes(self.take(2)?.try_into().ok()?))
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let files = vec![("b.idx".to_string(), vec![1, 2, 3]), ("a.json".to_string(), b"{}".to_vec())];
        let (pack, entries) = encode(&files);
        assert_eq!(decode(&pack).unwrap(), entries);
        let a = &entries[0];
        assert_eq!(a.name, "a.json");
        assert_eq!(&pack[a.offset as usize..(a.offset + a.len) as usize], b"{}");
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(decode(b"").is_err());
        assert!(decode(b"MKBSPACK\x01\0\0\0\xff\xff\xff\xff").is_err());
        let (mut pack, _) = encode(&[("x".to_string(), vec![0; 10])]);
        pack.truncate(pack.len() - 1);
        assert!(decode(&pack).is_err());
    }
}
