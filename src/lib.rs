//! medkb: a static-site generator for medical knowledge bases.
//!
//! Clinicians write structured Markdown condition pages; medkb validates them,
//! links them, renders them through a theme and indexes them for search. The
//! modules follow the data flow:
//!
//! `load` (files) → `parse` (pages, validated) → `graph` (links resolved) →
//! `render` (HTML in memory) → `index` (search files) → `output` (atomic write).
//!
//! `pipeline` runs the stages; `cmd` holds the thin command-line front ends.

pub mod addresses;
pub mod built;
pub mod cli;
pub mod cmd;
pub mod config;
pub mod diag;
pub mod fingerprint;
pub mod fsutil;
pub mod graph;
pub mod index;
pub mod kind;
pub mod load;
pub mod output;
pub mod page_rules;
pub mod parse;
pub mod pipeline;
pub mod render;
pub mod review;
pub mod rules;
pub mod serve;
pub mod slug;
pub mod synonyms;
pub mod term;
pub mod url;
pub mod urls;
pub mod vocab;
