//! Errors in the browser: the payload of the overlay every open tab shows when a
//! save breaks the site.
//!
//! Each entry carries the same text the terminal prints ([`render_human`]:
//! `path:line:col: error[code]: message`, the source line with a caret, the
//! help), so an author sees one wording wherever they look, plus the structured
//! fields (the serialised [`Located`]) for anything that wants them.

use crate::diag::{render_human, Located, Severity};

/// The overlay's entries for these diagnostics: errors only (warnings never stop a build).
pub fn payload(diags: &[Located]) -> serde_json::Value {
    serde_json::Value::Array(
        diags
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| {
                let mut v = serde_json::to_value(d).unwrap_or_default();
                v["text"] = serde_json::Value::String(render_human(d));
                v
            })
            .collect(),
    )
}

/// The overlay for a problem that stops the whole build (a template that does not
/// compile, site.toml unreadable): one entry, no position.
pub fn fatal_payload(error: &anyhow::Error) -> serde_json::Value {
    serde_json::json!([{ "severity": "error", "message": format!("{error:#}"), "text": format!("error: {error:#}\n") }])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_has_errors_with_their_terminal_text() {
        let d = Located {
            path: "content/conditions/a.md".into(),
            line: 3,
            column: 5,
            end_line: 3,
            end_column: 9,
            severity: Severity::Error,
            code: crate::rules::Rule::BrokenLink,
            message: "there is no page called `x`".into(),
            help: Some("did you mean `y`?".into()),
            source_line: Some("see [[x]]".into()),
            source_column: 1,
        };
        let w = Located { severity: Severity::Warning, ..d.clone() };
        let p = payload(&[d.clone(), w]);
        let arr = p.as_array().unwrap();
        assert_eq!(arr.len(), 1);
        assert_eq!(arr[0]["line"], 3);
        assert_eq!(arr[0]["text"], render_human(&d));
        assert!(arr[0]["text"].as_str().unwrap().contains("content/conditions/a.md:3:5: error[broken-link]"));
    }
}
