//! The `medkb` binary: parse the command line, run the command, map the outcome
//! to an exit code (0 success, 1 content errors, 2 usage or internal error).

use std::process::ExitCode;

use clap::Parser;
use medkb::cli::{Cli, Command};
use medkb::cmd;

// glibc's allocator spent a tenth of a 10,000-page build's CPU in malloc and free
// (arenas contended by the render threads and the search-index thread).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // `medkb explain | head` or `medkb search … | head`: a closed pipe ends the program
    // quietly, as for any Unix tool, instead of a panic from `println!`.
    #[cfg(target_os = "linux")]
    // SAFETY: restoring the default action of SIGPIPE, before any other thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let result = match cli.command {
        Command::Build { site, report, output, record_urls } => cmd::build::run(&site, &report, output.as_deref(), record_urls),
        Command::Check { site, report, format, notes, readability } => {
            cmd::check::run(&site, &report, cmd::check::Show { format, notes, readability })
        }
        Command::Explain { code } => cmd::explain::run(code.as_deref()),
        Command::New { kind, title, region, root, today } => cmd::new::run(&root, kind, &title, region.as_deref(), today),
        Command::Search { query, root, output, json, limit, region, page_type, explain, lang } => {
            let q = search_index::Query { text: query, limit, region, page_type, explain };
            cmd::search::run_in(&root, output.as_deref(), lang.as_deref(), &q, json)
        }
        Command::Serve { site, port, bind, open, allow_host } => cmd::serve::run(&site, port, bind, open, allow_host),
        Command::Review { action, site, list } => cmd::review::run(action, &site, &list),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
