//! Fingerprints: 64-bit hashes of what an output is made from, compared within one
//! run (the preview's engine, its fragment cache) to tell what changed.
//!
//! Why not `DefaultHasher`: SipHash pays for flooding resistance on every write, and
//! a fingerprint is many small writes (a title, a date, an address). At 10,000 pages
//! keying the A–Z's 30,000 entries took 15 ms of every title edit. foldhash's quality
//! variant passes SMHasher, which is what matters here: unequal inputs must not share
//! a hash (for 30,000 entries the odds are about 1 in 10^10). No input is chosen by
//! an attacker, so a fixed seed is fine. Two outlive the process: the offline
//! worker's version and the preview's ETags, hashed over whole output files (megabytes
//! per title edit at 10,000 pages, where SipHash took ~8 ms a pass). Should foldhash
//! change its output in a later release, a reader's browser downloads the site once
//! more; nothing else depends on the values.

use std::hash::{BuildHasher, Hash, Hasher};

use foldhash::quality::FixedState;

/// Any fixed seed: fingerprints are compared only within one run.
const SEED: u64 = 0x6d65_646b_625f_6670;

/// A hasher to feed an output's inputs into.
pub fn hasher() -> impl Hasher {
    FixedState::with_seed(SEED).build_hasher()
}

/// The fingerprint of one value.
pub fn of(x: impl Hash) -> u64 {
    let mut h = hasher();
    x.hash(&mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    #[test]
    fn equal_inputs_agree_and_unequal_ones_differ() {
        assert_eq!(super::of(("a", 1u8)), super::of(("a", 1u8)));
        // Field boundaries count: ("ab", "c") is not ("a", "bc").
        assert_ne!(super::of(("ab", "c")), super::of(("a", "bc")));
        let all: std::collections::HashSet<u64> = (0..100_000u32).map(super::of).collect();
        assert_eq!(all.len(), 100_000);
    }
}
