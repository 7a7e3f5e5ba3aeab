//! The Tantivy schema, shared by the writer and the reader.

use tantivy::schema::{Field, Schema};
#[cfg(feature = "write")]
use tantivy::schema::{IndexRecordOption, TextFieldIndexing, TextOptions, STORED, STRING};

/// Field handles. Built from a schema by name so the reader does not depend
/// on field order.
#[derive(Clone, Copy, Debug)]
#[cfg_attr(not(feature = "write"), allow(dead_code))]
pub(crate) struct Fields {
    pub slug: Field,
    pub url: Field,
    pub title: Field,
    pub medical_name: Field,
    /// `also_called` + `search_terms`: the page's strong synonyms.
    pub aliases: Field,
    pub summary: Field,
    /// Text of the `Symptoms` sections.
    pub symptoms: Field,
    /// Text of all other sections.
    pub body: Field,
    /// Stored only: one value per section, `kind \x1f anchor \x1f heading \x1f text`.
    pub sections: Field,
    pub body_region: Field,
    pub page_type: Field,
    /// Stored only: one value per emergency red flag (text, then U+001F and
    /// its synonyms, if any).
    pub emergency: Field,
    /// The emergency red flags and their synonyms, analysed: finds the pages
    /// whose flags a query names.
    pub emergency_terms: Field,
}

/// The analysed text fields, each with its ranking weight.
/// Title and aliases over summary over symptoms over other body text.
pub(crate) const TEXT_FIELDS: &[(&str, f32)] =
    &[("title", 8.0), ("aliases", 7.0), ("medical_name", 6.0), ("summary", 3.0), ("symptoms", 2.0), ("body", 1.0)];

/// The schema of an index analysed in `lang`: its text fields name that language's analyzer.
#[cfg(feature = "write")]
pub(crate) fn schema_in(lang: crate::analysis::Language) -> Schema {
    let analyzer = lang.tokenizer_name();
    let mut b = Schema::builder();
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default().set_tokenizer(analyzer).set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    b.add_text_field("slug", STRING | STORED);
    b.add_text_field("url", STORED);
    b.add_text_field("title", text.clone() | STORED);
    b.add_text_field("medical_name", text.clone());
    b.add_text_field("aliases", text.clone());
    b.add_text_field("summary", text.clone() | STORED);
    b.add_text_field("symptoms", text.clone());
    b.add_text_field("body", text);
    b.add_text_field("sections", STORED);
    b.add_text_field("body_region", STRING | STORED);
    b.add_text_field("page_type", STRING | STORED);
    b.add_text_field("emergency", STORED);
    let flags = TextOptions::default()
        .set_indexing_options(TextFieldIndexing::default().set_tokenizer(analyzer).set_index_option(IndexRecordOption::WithFreqs));
    b.add_text_field("emergency_terms", flags);
    b.build()
}

impl Fields {
    pub(crate) fn from_schema(schema: &Schema) -> tantivy::Result<Fields> {
        let f = |name: &str| schema.get_field(name);
        Ok(Fields {
            slug: f("slug")?,
            url: f("url")?,
            title: f("title")?,
            medical_name: f("medical_name")?,
            aliases: f("aliases")?,
            summary: f("summary")?,
            symptoms: f("symptoms")?,
            body: f("body")?,
            sections: f("sections")?,
            body_region: f("body_region")?,
            page_type: f("page_type")?,
            emergency: f("emergency")?,
            emergency_terms: f("emergency_terms")?,
        })
    }

    /// The analysed text fields with their weights.
    pub(crate) fn weighted_text(&self, schema: &Schema) -> Vec<(Field, f32)> {
        TEXT_FIELDS.iter().filter_map(|(name, w)| schema.get_field(name).ok().map(|f| (f, *w))).collect()
    }
}

/// Region values are compared case-insensitively and trimmed.
pub(crate) fn normalize_region(region: &str) -> String {
    region.trim().to_lowercase()
}

/// One stored section: `kind \x1f anchor \x1f heading \x1f text`. The one
/// codec for the `sections` field, written by the build, read by the search.
#[cfg(feature = "write")]
pub(crate) fn encode_section(kind: crate::SectionKind, anchor: &str, heading: &str, text: &str) -> String {
    let clean = |s: &str| s.replace('\u{1f}', " ").trim().to_string();
    format!("{}\u{1f}{}\u{1f}{}\u{1f}{}", kind.code(), clean(anchor), clean(heading), text)
}

/// A stored section, decoded: kind, anchor, heading, text.
pub(crate) fn decode_section(raw: &str) -> (crate::SectionKind, &str, &str, &str) {
    let mut parts = raw.splitn(4, '\u{1f}');
    let kind = parts.next().and_then(|k| k.chars().next()).unwrap_or('O');
    let anchor = parts.next().unwrap_or("");
    let heading = parts.next().unwrap_or("");
    let text = parts.next().unwrap_or("");
    (crate::SectionKind::from_code(kind), anchor, heading, text)
}
