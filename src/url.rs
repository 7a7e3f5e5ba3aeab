//! Which URLs medkb may publish, decided in one place.
//!
//! A URL from content or configuration ends up in an `href`. Browsers ignore
//! ASCII whitespace and control characters inside a scheme and compare schemes
//! without case, so `" JaVa\tScRiPt:"` runs script like `javascript:` does. Rather
//! than list the bad schemes, we list the good ones: after removing whitespace,
//! control and invisible (zero-width, soft hyphen, BOM) characters, a URL either has
//! no scheme (a relative URL) or its scheme is one we allow. Anything else is
//! refused by `check` and dropped by the renderer, so even a site whose validation
//! was bypassed cannot publish a `javascript:` link.

/// Why a URL may not be published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// A scheme other than the allowed ones (lower-cased, invisible characters removed).
    Scheme(String),
    /// Control, whitespace-inside or invisible characters that make the URL mean
    /// something other than what the author sees.
    Hidden,
}

impl Refusal {
    /// A sentence for diagnostics; the URL is quoted with its hidden characters escaped (`\t`, `\u{200b}`).
    pub fn describe(&self, url: &str) -> String {
        match self {
            Refusal::Scheme(s) if s.is_empty() => format!("`{}` is not a web address", url.escape_debug()),
            Refusal::Scheme(s) => {
                format!("`{}` uses the `{s}:` scheme; only http and https addresses may be published", url.escape_debug())
            }
            Refusal::Hidden => format!("`{}` contains control or invisible characters", url.escape_debug()),
        }
    }
}

/// Characters a reader cannot see that browsers (or the URL parser) drop or treat as nothing.
fn invisible(c: char) -> bool {
    c.is_control()
        || c.is_whitespace()
        || matches!(c, '\u{200b}'..='\u{200f}' | '\u{2060}'..='\u{2064}' | '\u{feff}' | '\u{00ad}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// The scheme of a URL, lower-cased, with invisible characters removed; `None` for a relative URL.
pub fn scheme(url: &str) -> Option<String> {
    let cleaned: String = url.chars().filter(|c| !invisible(*c)).collect();
    let (head, _) = cleaned.split_once(':')?;
    // A scheme is a letter then letters, digits, `+`, `-` or `.`; anything else before
    // the colon (`/a:b`, `?q=a:b`, `[x](y:z)`) makes a relative URL, as browsers read it.
    let mut chars = head.chars();
    let is_scheme =
        chars.next().is_some_and(|c| c.is_ascii_alphabetic()) && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    is_scheme.then(|| head.to_ascii_lowercase())
}

/// Whether `url`'s scheme may appear in an `href` that medkb writes: http(s),
/// `mailto:` when `mailto` is set (links in page text), or none (a relative URL).
/// This is the renderer's last line of defence; it does not mind invisible
/// characters elsewhere, which escaping makes harmless.
pub fn safe_scheme(url: &str, mailto: bool) -> Result<(), Refusal> {
    match scheme(url).as_deref() {
        None | Some("http" | "https") => Ok(()),
        Some("mailto") if mailto => Ok(()),
        Some(other) => Err(Refusal::Scheme(other.to_string())),
    }
}

/// What `check` accepts in a URL field: a safe scheme and no control, whitespace or
/// invisible characters anywhere.
pub fn check(url: &str, mailto: bool) -> Result<(), Refusal> {
    safe_scheme(url, mailto)?;
    if url.chars().any(invisible) {
        return Err(Refusal::Hidden);
    }
    Ok(())
}

/// `url` if the renderer may publish it (see [`safe_scheme`]), else `None`.
pub fn publishable(url: &str, mailto: bool) -> Option<&str> {
    safe_scheme(url, mailto).ok().map(|()| url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_and_relative_urls_pass() {
        // `[x](…` cannot start a scheme, so browsers resolve it as a relative path (a fuzzer find).
        assert_eq!(safe_scheme("[x](java\u{200b}script:alert(1))javascript:x", false), Ok(()));
        for ok in ["https://x.org/a:b", "http://x.org", "HTTPS://X.ORG", "/conditions/x/", "#fixes", "page?q=a:b", "../x.md"] {
            assert_eq!(check(ok, false), Ok(()), "{ok:?}");
        }
        assert_eq!(check("mailto:a@b.org", true), Ok(()));
        assert!(check("mailto:a@b.org", false).is_err());
        for bad in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            " javascript:x",
            "java\tscript:x",
            "java\nscript:x",
            "\u{1}javascript:x",
            "java\u{200b}script:x",
            "\u{feff}javascript:x",
            "vbscript:x",
            "data:text/html,x",
            "DATA:text/html;base64,x",
            "file:///etc/passwd",
        ] {
            assert!(check(bad, true).is_err(), "{bad:?}");
            assert_eq!(publishable(bad, true), None, "{bad:?}");
        }
        for hidden in ["https://x.org/\u{0}", "https://x.org/a b", "https://x.org/\u{202e}"] {
            assert_eq!(check(hidden, false), Err(Refusal::Hidden), "{hidden:?}");
        }
    }
}
