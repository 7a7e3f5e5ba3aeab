//! Parse and validate: a content file's text becomes a [`Page`].
//!
//! `frontmatter` checks the TOML header, `markdown` splits the body into sections
//! and reads the structured ones (red flags, timeline), `links` finds cross-links.
//! Every problem becomes a [`Diagnostic`](crate::diag::Diagnostic) with a byte span
//! into the original file, so positions are right inside the front matter too.

pub mod frontmatter;
pub mod links;
pub mod markdown;
pub mod page;
pub mod readability;

pub use page::{parse_page, Page, PageKind};

/// A slug is what a page is called in URLs and links: `plantar-fasciitis`.
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// The first character that may not be published: a control character other than
/// tab and line endings, or one of the two non-characters XML refuses. Such text
/// would make `atom.xml` and `sitemap.xml` ill-formed and is invisible to authors.
pub fn forbidden_char(s: &str) -> Option<char> {
    s.chars().find(|&c| (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{fffe}' | '\u{ffff}'))
}

/// `"Plantar Fasciitis (Heel)"` → `plantar-fasciitis-heel`.
pub fn slugify(s: &str) -> String {
    slug::slugify(s)
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
