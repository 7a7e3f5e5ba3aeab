//! `medkb serve`

use std::net::IpAddr;
use std::process::ExitCode;

use crate::cli::SiteArgs;
use crate::serve::{self, ServeOptions};

pub fn run(site: &SiteArgs, port: u16, bind: IpAddr, open: bool, allow_hosts: Vec<String>) -> anyhow::Result<ExitCode> {
    serve::run(&ServeOptions {
        root: site.root.clone(),
        port,
        bind,
        open,
        drafts: site.drafts,
        today: site.today,
        timings: site.timings,
        allow_hosts,
    })?;
    Ok(ExitCode::SUCCESS)
}
