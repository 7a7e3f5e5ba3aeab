//! `medkb search`: query the built site's index with the browser's own code.
//!
//! Prints what the search box shows, in the same order: the emergency care
//! card first (the site's own wording, e.g. "Call 999 or go to A&E now if:")
//! when the query names an emergency, "Showing results for …" when words
//! were corrected, then the results, or, when no page covers the query, a
//! plain "No page covers …" with the weak partial matches under "Not an
//! exact match".

use std::path::Path;
use std::process::ExitCode;

use crate::config::{CareCardWording, SiteConfig};
use crate::term::visible;

pub fn run(root: &Path, output: Option<&Path>, q: &search_index::Query, json: bool) -> anyhow::Result<ExitCode> {
    run_in(root, output, None, q, json)
}

/// Searches the index of the language `lang` (`None`: the site's default language).
pub fn run_in(root: &Path, output: Option<&Path>, lang: Option<&str>, q: &search_index::Query, json: bool) -> anyhow::Result<ExitCode> {
    let out_dir = output.map(Path::to_path_buf).unwrap_or_else(|| root.join("public"));
    let config = match SiteConfig::load(root) {
        Ok((_, Ok(config))) => Some(config),
        _ => None,
    };
    if let (Some(code), Some(config)) = (lang, &config) {
        if config.language(Some(code)).is_none() {
            let codes = config.language_codes();
            anyhow::bail!(
                "`{code}` is not one of the site's other languages\nhelp: {}",
                if codes.is_empty() {
                    "site.toml declares no [languages]; leave out --lang".to_string()
                } else {
                    format!("use one of: {}", codes.join(", "))
                }
            );
        }
    }
    let index = crate::index::open_built_in(&out_dir, lang)?;
    let answer = index.answer(q);
    if json {
        println!("{}", serde_json::to_string_pretty(&answer)?);
        return Ok(ExitCode::SUCCESS);
    }
    let wording = match (&config, lang) {
        (Some(c), Some(code)) => c.language(Some(code)).map(|l| l.care_cards.clone()).unwrap_or_else(|| c.care_cards.clone()),
        (Some(c), None) => c.care_cards.clone(),
        (None, _) => CareCardWording::for_locale("en-GB"),
    };
    // Bold only on a terminal, and never when NO_COLOR is set (https://no-color.org).
    let tty = std::io::IsTerminal::is_terminal(&std::io::stdout()) && std::env::var_os("NO_COLOR").is_none();
    let bold = |s: &str| if tty { format!("\x1b[1m{s}\x1b[0m") } else { s.to_string() };
    if !answer.emergency.is_empty() {
        println!("{}", bold(&format!("!! {}", wording.emergency)));
        for e in &answer.emergency {
            if e.url.is_empty() {
                println!("   - {}", visible(&e.text));
            } else {
                println!("   - {}  ({}: {})", visible(&e.text), visible(&e.title), visible(&e.url));
            }
        }
        println!();
    }
    if let Some(corrected) = &answer.corrected {
        println!("Showing results for {}  (search instead for: {})", bold(corrected), q.text);
    }
    let mut shown = &answer.results;
    if answer.results.is_empty() {
        eprintln!("medkb: no page covers `{}`; browse the A–Z (/a-z/) or body regions (/regions/)", q.text);
        if answer.emergency.is_empty() {
            eprintln!("{}", emergency_line(&wording));
        }
        if !answer.partial.is_empty() {
            println!("Not an exact match:");
            shown = &answer.partial;
        }
    }
    for (i, h) in shown.iter().enumerate() {
        println!("{:>2}. {}  {}  (score {:.2})", i + 1, visible(&h.title), visible(&h.url), h.score);
        // Marks become private-use characters first, so a `&lt;mark&gt;` in the text stays text;
        // page text's control characters are shown, not sent to the terminal.
        let marked = h.snippet.replace("<mark>", "\u{e000}").replace("</mark>", "\u{e001}");
        let text = visible(&html_unescape(&marked)).into_owned();
        let shown = if tty {
            text.replace('\u{e000}', "\x1b[1m").replace('\u{e001}', "\x1b[0m")
        } else {
            text.replace(['\u{e000}', '\u{e001}'], "")
        };
        println!("    {shown}");
        if let Some(x) = answer.explain.iter().find(|x| x.slug == h.slug) {
            for m in &x.matches {
                println!("      {:<12} {:<13} {:<16} {:<6} ×{:.2}", m.word, m.field, m.term, m.how, m.weight);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The line every "no page" answer ends with: "Call 999 or go to A&E now if you think it is an emergency."
pub fn emergency_line(wording: &CareCardWording) -> String {
    let heading = wording.emergency.trim().trim_end_matches(':').trim();
    let heading = heading.strip_suffix(" if").unwrap_or(heading);
    format!("{heading} if you think it is an emergency.")
}

fn html_unescape(s: &str) -> String {
    s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&#x27;", "'").replace("&amp;", "&")
}
