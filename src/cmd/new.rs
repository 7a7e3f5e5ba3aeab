//! `medkb new`: scaffold a page that passes `check` once its TODOs are filled in.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context as _;

use crate::cli::NewKind;
use crate::config::SiteConfig;

pub fn run(root: &Path, kind: NewKind, title: &str, region: Option<&str>, today: Option<chrono::NaiveDate>) -> anyhow::Result<ExitCode> {
    // Control characters cannot be published (check refuses them), so they are dropped here.
    let title: String = title.chars().filter(|c| !c.is_control()).collect();
    let title = title.trim();
    let slug = crate::slug::slugify(title);
    if slug.is_empty() {
        anyhow::bail!("the title `{title}` has no letters or digits to make a file name from");
    }
    let (_, config) = SiteConfig::load(root)?;
    let config = config.map_err(|_| anyhow::anyhow!("site.toml has errors; run `medkb check` to see them"))?;
    let today = today.unwrap_or_else(crate::pipeline::clock_today);
    let (dir, text) = match kind {
        NewKind::Condition => {
            let region = match region {
                Some(r) if config.region(r).is_some() => r.to_string(),
                Some(r) => {
                    let names: Vec<&str> = config.body_regions.iter().map(|r| r.slug.as_str()).collect();
                    anyhow::bail!("`{r}` is not one of the site's body regions\nhelp: use one of: {}", names.join(", "));
                }
                None => "TODO".to_string(),
            };
            ("conditions", condition_template(title, &region, today))
        }
        NewKind::Guide => ("guides", guide_template(title, today)),
    };
    let path = root.join("content").join(dir).join(format!("{slug}.md"));
    if path.exists() {
        anyhow::bail!("{} already exists\nhelp: choose another title, or edit the existing page", path.display());
    }
    std::fs::create_dir_all(path.parent().unwrap()).with_context(|| format!("cannot create {}", path.parent().unwrap().display()))?;
    std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    println!("{}", path.display());
    eprintln!(
        "medkb: created {} as a draft; fill in every TODO, then set status = \"published\" (`medkb check` shows what is left)",
        path.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// A TOML string literal, written by the TOML library so any title round-trips.
fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

fn header(title: &str, today: chrono::NaiveDate, extra: &str) -> String {
    let title = toml_string(title);
    format!(
        "+++\ntitle = {title}\nsummary = \"TODO: one or two plain sentences (at most 160 characters) on what this is.\"\n{extra}related = []\nstatus = \"draft\"\nlast_reviewed = {today}\nreviewed_by = []\n\n[[sources]]\ntitle = \"TODO: the title of the source you wrote from\"\nauthor = \"\"\npublisher = \"\"\n+++\n\n"
    )
}

fn condition_template(title: &str, region: &str, today: chrono::NaiveDate) -> String {
    let mut s = header(
        title,
        today,
        &format!(
            "medical_name = \"\"\nalso_called = []\nsearch_terms = []\nbody_region = {}\npage_type = \"condition\"\n",
            toml_string(region)
        ),
    );
    s.push_str(
        "TODO: a short lead. What is it, in plain words first and the medical name after?\n\n\
         ## Symptoms\n\n- TODO: what the reader notices\n\n\
         ## Causes\n\n- TODO: why it happens\n\n\
         ## Fixes\n\n- TODO: what helps, first things first\n\n\
         ## Red flags\n\n\
         - emergency: TODO a sign that needs help now (no links here)\n\
         - urgent: TODO a sign that needs a doctor today\n\
         - routine: TODO a sign to book an appointment for\n",
    );
    s
}

fn guide_template(title: &str, today: chrono::NaiveDate) -> String {
    let mut s = header(title, today, "");
    s.push_str("TODO: a short lead saying who this guide is for.\n\n## TODO: first section\n\nTODO\n");
    s
}
