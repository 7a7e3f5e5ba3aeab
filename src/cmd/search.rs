//! `medkb search`: query the built site's index with the browser's own code.
//!
//! Prints what the search box shows, in the same order: the emergency care
//! card first (the site's own wording, e.g. "Call 999 or go to A&E now if:")
//! when the query names an emergency, "Showing results for …" when words
//! were corrected, then the results, or, when no page covers the query, a
//! plain "No page covers …" with the weak partial matches under "Not an
//! exact match". Every word comes from the theme's strings for the index's
//! language (the same `js_*` strings the search box uses), so `--lang es` answers
//! in Spanish and a site that overrides a string sees it here too.

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
    let (wording, locale) = match (&config, lang) {
        (Some(c), Some(code)) => c
            .language(Some(code))
            .map(|l| (l.care_cards.clone(), l.locale.clone()))
            .unwrap_or_else(|| (c.care_cards.clone(), c.locale.clone())),
        (Some(c), None) => (c.care_cards.clone(), c.locale.clone()),
        (None, _) => (CareCardWording::for_locale("en-GB"), "en-GB".to_string()),
    };
    let theme = crate::render::theme::Theme::load(root).unwrap_or_default();
    let strings = theme.strings_for(&locale);
    let say = |key: &str| strings.get(key).map(String::as_str).unwrap_or(key).to_string();
    let urls = crate::urls::SiteUrls::in_lang(lang);
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
        println!("{} {}  ({}: {})", say("js_showing_results_for"), bold(corrected), say("js_search_instead"), q.text);
    }
    let mut shown = &answer.results;
    if answer.results.is_empty() {
        eprintln!(
            "medkb: {} `{}`. {} {} ({}) {} {} ({})",
            say("js_no_page_covers"),
            q.text,
            say("js_browse_the"),
            say("js_az_of_conditions"),
            urls.az,
            say("js_or"),
            say("js_regions"),
            urls.regions
        );
        if answer.emergency.is_empty() {
            eprintln!("{}", emergency_line(&wording, &say("care_heading_end"), &say("emergency_footer")));
        }
        if !answer.partial.is_empty() {
            println!("{}:", say("js_not_exact"));
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

/// The line every "no page" answer ends with, as the pages' footer words it: the
/// emergency heading without its " if:" ("Call 999 or go to A&E now") and the
/// footer string ("if you think it is an emergency.").
pub fn emergency_line(wording: &CareCardWording, heading_end: &str, footer: &str) -> String {
    let heading = wording.emergency.trim();
    let heading = heading.strip_suffix(heading_end.trim_start()).unwrap_or(heading).trim_end();
    format!("{heading} {footer}")
}

fn html_unescape(s: &str) -> String {
    s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&#x27;", "'").replace("&amp;", "&")
}
