//! `medkb serve`

use std::net::IpAddr;
use std::path::Path;
use std::process::ExitCode;

use crate::serve::{self, ServeOptions};

pub fn run(root: &Path, port: u16, bind: IpAddr, open: bool, drafts: bool, allow_hosts: Vec<String>) -> anyhow::Result<ExitCode> {
    serve::run(&ServeOptions { root: root.to_path_buf(), port, bind, open, drafts, allow_hosts })?;
    Ok(ExitCode::SUCCESS)
}
