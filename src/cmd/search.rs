//! `medkb search`: query the built site's index with the browser's own code.

use std::path::Path;
use std::process::ExitCode;

pub fn run(root: &Path, output: Option<&Path>, query: &str, json: bool, limit: usize, region: Option<&str>) -> anyhow::Result<ExitCode> {
    let out_dir = output.map(Path::to_path_buf).unwrap_or_else(|| root.join("public"));
    let index = crate::index::open_built(&out_dir)?;
    let hits = index.search(&search_index::Query { text: query.to_string(), limit, region: region.map(str::to_string) });
    if json {
        println!("{}", serde_json::to_string_pretty(&serde_json::json!({ "results": hits }))?);
        return Ok(ExitCode::SUCCESS);
    }
    if hits.is_empty() {
        eprintln!("medkb: no pages match `{query}`");
    }
    for (i, h) in hits.iter().enumerate() {
        println!("{:>2}. {}  {}  (score {:.2})", i + 1, h.title, h.url, h.score);
        let snippet = h.snippet.replace("<mark>", "\x1b[1m").replace("</mark>", "\x1b[0m");
        // Bold only on a terminal, and never when NO_COLOR is set (https://no-color.org).
        let plain = if std::io::IsTerminal::is_terminal(&std::io::stdout()) && std::env::var_os("NO_COLOR").is_none() {
            snippet
        } else {
            h.snippet.replace("<mark>", "").replace("</mark>", "")
        };
        println!("    {}", html_unescape(&plain));
    }
    Ok(ExitCode::SUCCESS)
}

fn html_unescape(s: &str) -> String {
    s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&#x27;", "'").replace("&amp;", "&")
}
