//! Listing pages from cached entries: each entry of a big list (an A–Z line, a
//! conditions-list line, a symptom-index row) is rendered on its own by a small
//! theme template and kept, keyed by the data it was rendered from; the page
//! template receives the entries joined, as HTML.
//!
//! Why: at 10,000 pages the A–Z and the symptom index take most of a second to
//! render whole, and a title edit changes one or two of their entries. Keyed by
//! the entry's own data (its serialized view), a cached fragment is right by
//! construction: an edit renders again only the entries whose data changed, and
//! no dependency list can fall behind. The full build goes through the same code
//! with an empty cache, so `build` and the preview make the same bytes.
//!
//! What a fragment reads besides its entry (`site`, `t`, the templates) is the same
//! for every entry of a site state; the preview clears the cache when that changes
//! ([`Fragments::for_site`]).

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use super::IndexKey;

/// One index unit's fragments, by the hash of the template and entry they came from.
/// The keys are fingerprints already, so the map uses them as they are: hashing
/// them again was a third of looking up the A–Z's 30,000 entries at 10k pages.
pub type UnitFragments = HashMap<u64, Arc<str>, std::hash::BuildHasherDefault<KeyHasher>>;

/// Passes a fingerprint through as its own hash (see [`UnitFragments`]).
#[derive(Default)]
pub struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        // Only `u64` keys are hashed here; anything else still spreads, just slowly.
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// One unit's fragments while it renders: those it made last time, and those it uses now.
#[derive(Default)]
pub(super) struct UnitStore {
    pub old: UnitFragments,
    pub used: UnitFragments,
}

/// Rendered list entries of every index unit, kept between renders.
#[derive(Default)]
pub struct Fragments {
    /// The site state every fragment was rendered under (the preview's site fingerprint).
    site: Option<u64>,
    units: Mutex<HashMap<IndexKey, UnitFragments>>,
    /// Entries rendered (not reused) since the cache was made: for tests and timings.
    rendered: AtomicUsize,
}

impl Fragments {
    /// Keeps the fragments when they were rendered under this site state, else forgets them.
    pub fn for_site(&mut self, site: u64) {
        if self.site != Some(site) {
            self.site = Some(site);
            self.units.get_mut().unwrap_or_else(|e| e.into_inner()).clear();
        }
    }

    /// How many entries were rendered rather than reused, since the cache was made.
    pub fn rendered(&self) -> usize {
        self.rendered.load(Ordering::Relaxed)
    }

    pub(super) fn count_rendered(&self, n: usize) {
        self.rendered.fetch_add(n, Ordering::Relaxed);
    }

    /// The fragments a unit made last time; the unit renders with them and puts back what it used.
    pub(super) fn take(&self, unit: &IndexKey) -> UnitFragments {
        self.units.lock().unwrap_or_else(|e| e.into_inner()).remove(unit).unwrap_or_default()
    }

    /// What a unit used this time: fragments of entries that are gone are dropped with the rest.
    pub(super) fn put(&self, unit: IndexKey, used: UnitFragments) {
        self.units.lock().unwrap_or_else(|e| e.into_inner()).insert(unit, used);
    }
}

/// The cache key of one entry rendered by `template`: every field of its view, hashed
/// (the template sees that view and nothing else of the page).
pub(super) fn key(template: &str, entry: &impl Hash) -> u64 {
    let mut h = crate::fingerprint::hasher();
    template.hash(&mut h);
    entry.hash(&mut h);
    h.finish()
}

/// Joins rendered entries one a line, as the page template receives them.
pub(super) fn join(entries: &[Arc<str>]) -> String {
    let mut out = String::with_capacity(entries.iter().map(|e| e.len() + 1).sum());
    for e in entries {
        out.push_str(e.trim());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::IndexUnit;

    #[test]
    fn a_new_site_state_forgets_every_fragment() {
        let mut f = Fragments::default();
        f.for_site(1);
        let unit = IndexKey { lang: None, unit: IndexUnit::Az };
        f.put(unit.clone(), UnitFragments::from_iter([(key("a.html", &"x"), Arc::from("<li>x</li>"))]));
        f.for_site(1);
        assert_eq!(f.take(&unit).len(), 1, "the same site keeps them");
        f.put(unit.clone(), UnitFragments::from_iter([(key("a.html", &"x"), Arc::from("<li>x</li>"))]));
        f.for_site(2);
        assert!(f.take(&unit).is_empty(), "another site state drops them");
    }

    #[test]
    fn keys_tell_templates_and_entries_apart() {
        assert_ne!(key("a.html", &"A"), key("b.html", &"A"));
        assert_ne!(key("a.html", &"A"), key("a.html", &"B"));
        assert_eq!(join(&[Arc::from("<li>a</li>\n"), Arc::from("<li>b</li>")]), "<li>a</li>\n<li>b</li>\n");
    }
}
