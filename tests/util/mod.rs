//! Test harness: tiny fixture sites in temporary folders, and the `medkb` binary run on them.
#![allow(dead_code, reason = "each test binary uses a different part of the harness")]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The date every test runs at, so review-date checks are repeatable.
pub const TODAY: &str = "2026-11-21";

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// A copy of a fixture site in a temporary folder.
pub struct Site {
    pub dir: tempfile::TempDir,
}

impl Site {
    /// The base fixture site (three valid pages that link to each other).
    pub fn base() -> Site {
        let dir = tempfile::tempdir().unwrap();
        copy_tree(&fixtures().join("base"), dir.path());
        Site { dir }
    }

    /// A copy of the fixture site `tests/fixtures/<name>/`.
    pub fn named(name: &str) -> Site {
        let dir = tempfile::tempdir().unwrap();
        copy_tree(&fixtures().join(name), dir.path());
        Site { dir }
    }

    /// The base site with the files of `tests/fixtures/check/<name>/` laid over it.
    pub fn with_overlay(name: &str) -> Site {
        let site = Site::base();
        copy_tree(&fixtures().join("check").join(name), site.root());
        site
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, rel: &str, text: impl AsRef<[u8]>) {
        let p = self.root().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    /// Runs `medkb ARGS --root SITE` (for commands that take --root).
    pub fn medkb(&self, args: &[&str]) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_medkb"));
        cmd.args(args).arg("--root").arg(self.root()).env("MEDKB_TODAY", TODAY).env("NO_COLOR", "1");
        cmd.output().unwrap()
    }

    pub fn build(&self) -> Output {
        self.medkb(&["build"])
    }

    pub fn html(&self, rel: &str) -> scraper::Html {
        scraper::Html::parse_document(&self.read(&format!("public/{rel}")))
    }
}

pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if entry.path_is_symlink() {
            // Fixtures may hold links (git stores them): copy the link, not what it points to.
            std::os::unix::fs::symlink(std::fs::read_link(entry.path()).unwrap(), &dest).unwrap();
        } else if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else if rel != Path::new("expected.txt") && rel != Path::new("args.txt") {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Texts of every element matching a CSS selector.
pub fn texts(doc: &scraper::Html, selector: &str) -> Vec<String> {
    let sel = scraper::Selector::parse(selector).unwrap();
    doc.select(&sel).map(|e| e.text().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" ")).collect()
}

pub fn attrs(doc: &scraper::Html, selector: &str, attr: &str) -> Vec<String> {
    let sel = scraper::Selector::parse(selector).unwrap();
    doc.select(&sel).filter_map(|e| e.value().attr(attr).map(str::to_string)).collect()
}

/// The first piece of executable markup or unsafe URL in an HTML document, if any:
/// a `<script>` that is not JSON-LD or the theme's own (`src="/…"`), an `on*=`
/// handler, a plugin or frame element, `<base>`, a refreshing `<meta>`, or a URL
/// attribute whose scheme is not http(s), mailto or none.
pub fn executable_markup(html: &str) -> Option<String> {
    let doc = scraper::Html::parse_document(html);
    let all = scraper::Selector::parse("*").unwrap();
    for el in doc.select(&all) {
        let v = el.value();
        let name = v.name();
        match name {
            "script" => {
                let json = v.attr("type") == Some("application/ld+json");
                let theme = v.attr("src").is_some_and(|s| s.starts_with('/') && !s.starts_with("//"));
                if !json && !theme {
                    return Some(format!("<script> {:?}", el.html()));
                }
            }
            "iframe" | "frame" | "object" | "embed" | "applet" | "base" => return Some(format!("<{name}>")),
            "form" if !v.attr("action").is_some_and(|a| a.starts_with('/') && !a.starts_with("//")) => {
                return Some("<form> off the site".into())
            }
            "meta" if v.attr("http-equiv").is_some_and(|h| h.eq_ignore_ascii_case("refresh")) => return Some("<meta refresh>".into()),
            _ => {}
        }
        for (attr, value) in v.attrs() {
            if attr.to_ascii_lowercase().starts_with("on") {
                return Some(format!("<{name} {attr}=…>"));
            }
            if matches!(attr, "href" | "src" | "action" | "formaction" | "xlink:href" | "poster" | "data" | "srcset")
                && medkb::url::publishable(value, true).is_none()
            {
                return Some(format!("<{name} {attr}={value:?}>"));
            }
        }
    }
    None
}
