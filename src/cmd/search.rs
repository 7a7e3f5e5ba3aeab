//! `medkb search`: query the built site's index with the browser's own code.

use std::path::Path;
use std::process::ExitCode;

use crate::term::visible;

pub fn run(root: &Path, output: Option<&Path>, query: &str, json: bool, limit: usize, region: Option<&str>) -> anyhow::Result<ExitCode> {
    let out_dir = output.map(Path::to_path_buf).unwrap_or_else(|| root.join("public"));
    let index = crate::index::open_built(&out_dir)?;
    let hits = index.search(&search_index::Query { text: query.to_string(), limit, region: region.map(str::to_string) });
    if json {
        println!("{}", serde_json::to_string_pretty(&serde_json::json!({ "results": hits }))?);
        return Ok(ExitCode::SUCCESS);
    }
    if hits.is_empty() {
        eprintln!("medkb: no pages match `{}`", visible(query));
    }
    // Titles and snippets are page text: their control characters are shown, not sent
    // to the terminal; medkb's own bold for matches is added after.
    for (i, h) in hits.iter().enumerate() {
        println!("{:>2}. {}  {}  (score {:.2})", i + 1, visible(&h.title), visible(&h.url), h.score);
        // Marks become private-use characters first, so a `&lt;mark&gt;` in the text stays text.
        let marked = h.snippet.replace("<mark>", "\u{e000}").replace("</mark>", "\u{e001}");
        let text = visible(&html_unescape(&marked)).into_owned();
        // Bold only on a terminal, and never when NO_COLOR is set (https://no-color.org).
        let shown = if std::io::IsTerminal::is_terminal(&std::io::stdout()) && std::env::var_os("NO_COLOR").is_none() {
            text.replace('\u{e000}', "\x1b[1m").replace('\u{e001}', "\x1b[0m")
        } else {
            text.replace(['\u{e000}', '\u{e001}'], "")
        };
        println!("    {shown}");
    }
    Ok(ExitCode::SUCCESS)
}

fn html_unescape(s: &str) -> String {
    s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&#x27;", "'").replace("&amp;", "&")
}
