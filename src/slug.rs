//! Slugs: what a page is called in URLs, file names and `[[links]]`.
//!
//! One home for the rule, because loading (file names), config (region slugs), parsing
//! (heading anchors) and `medkb new` (titles to file names) all need the same answer.

/// A slug is what a page is called in URLs and links: `plantar-fasciitis`.
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// `"Plantar Fasciitis (Heel)"` → `plantar-fasciitis-heel`.
pub fn slugify(s: &str) -> String {
    ::slug::slugify(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert!(is_slug("plantar-fasciitis"));
        assert!(is_slug("a1"));
        for bad in ["", "Plantar", "a b", "-a", "a-", "a--b", "ä"] {
            assert!(!is_slug(bad), "{bad}");
        }
        assert_eq!(slugify("Red flags"), "red-flags");
        assert_eq!(slugify("What's a \"Track Hack\"?"), "what-s-a-track-hack");
    }
}
