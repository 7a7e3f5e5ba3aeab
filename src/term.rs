//! Control characters in content: made visible on the terminal, refused in
//! published text ([`forbidden_char`]).
//!
//! A page line holding `ESC [ 2 K` would rewrite the maintainer's terminal if
//! printed raw (a diagnostic quotes the line; `search` prints titles). Every
//! control character except tab, and the bidirectional overrides that reorder
//! what is shown, is printed as a Rust-style escape such as `\u{1b}`.

use std::borrow::Cow;

/// The first character that may not be published: a control character other than
/// tab and line endings, or one of the two non-characters XML refuses. Such text
/// would make `atom.xml` and `sitemap.xml` ill-formed and is invisible to authors.
pub fn forbidden_char(s: &str) -> Option<char> {
    s.chars().find(|&c| (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{fffe}' | '\u{ffff}'))
}

fn hidden(c: char) -> bool {
    (c.is_control() && c != '\t') || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` with control characters written as `\u{..}` escapes.
pub fn visible(text: &str) -> Cow<'_, str> {
    if !text.chars().any(hidden) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if hidden(c) {
            out.push_str(&c.escape_unicode().to_string());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_are_shown_not_obeyed() {
        assert_eq!(visible("plain\ttext"), "plain\ttext");
        assert_eq!(visible("\u{1b}[2Kok\u{7}"), "\\u{1b}[2Kok\\u{7}");
        assert_eq!(visible("a\u{202e}b"), "a\\u{202e}b");
    }
}
