//! `medkb explain [CODE]`: why a rule exists, like `rustc --explain`.
//!
//! The text comes from the rule registry (`src/rules.rs`), the same place `check`
//! takes its codes and levels from, so the explanation cannot drift from the rule.

use std::process::ExitCode;

use crate::diag::did_you_mean;
use crate::rules::Rule;

pub fn run(code: Option<&str>) -> anyhow::Result<ExitCode> {
    let Some(code) = code else {
        let width = Rule::ALL.iter().map(|r| r.code().len()).max().unwrap_or(0);
        println!("Every rule medkb checks (medkb explain CODE tells why each exists):\n");
        for r in Rule::ALL {
            let d = r.doc();
            let level = match d.level {
                crate::diag::Severity::Error => "error",
                crate::diag::Severity::Warning => "warning",
                crate::diag::Severity::Note => "note",
            };
            println!("  {:width$}  {level:7}  {}", d.code, d.summary);
        }
        return Ok(ExitCode::SUCCESS);
    };
    match Rule::from_code(code.trim()) {
        Some(rule) => {
            print!("{}", rule.explain());
            Ok(ExitCode::SUCCESS)
        }
        None => {
            let hint = match did_you_mean(code, Rule::ALL.iter().map(|r| r.code())) {
                Some(s) => format!("did you mean `{s}`? "),
                None => String::new(),
            };
            eprintln!("error: there is no rule called `{code}`\nhelp: {hint}`medkb explain` lists every rule");
            Ok(ExitCode::from(2))
        }
    }
}
