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

/// The first character that may not be published: a control character other than
/// tab and line endings, or one of the two non-characters XML refuses. Such text
/// would make `atom.xml` and `sitemap.xml` ill-formed and is invisible to authors.
pub fn forbidden_char(s: &str) -> Option<char> {
    s.chars().find(|&c| (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{fffe}' | '\u{ffff}'))
}
