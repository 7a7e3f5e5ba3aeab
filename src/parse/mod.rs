//! Parse and validate: a content file's text becomes a [`Page`].
//!
//! `frontmatter` checks the TOML header, `markdown` splits the body into sections
//! and reads the structured ones (red flags, timeline), `links` finds cross-links,
//! `listing` derives the names index pages list a page under.
//! Every problem becomes a [`Diagnostic`](crate::diag::Diagnostic) with a byte span
//! into the original file, so positions are right inside the front matter too.

pub mod emergency_terms;
pub mod frontmatter;
pub mod links;
pub mod listing;
pub mod markdown;
pub mod page;
pub mod readability;

pub use page::{parse_page, Page, PageKind};
