//! Embeds the default theme in the binary, so `medkb` works on a site that has no
//! `themes/` folder of its own. Cargo re-runs this when anything under the theme changes.

use std::io::Write;
use std::path::Path;

fn main() {
    let theme = Path::new("themes/default");
    println!("cargo:rerun-if-changed=themes/default");
    let out = std::env::var("OUT_DIR").unwrap();
    let mut files = Vec::new();
    collect(theme, theme, &mut files);
    files.sort();
    let mut f = std::fs::File::create(Path::new(&out).join("theme.rs")).unwrap();
    writeln!(f, "pub static THEME_FILES: &[(&str, &[u8])] = &[").unwrap();
    let root = std::env::var("CARGO_MANIFEST_DIR").unwrap();
    for rel in files {
        writeln!(f, "    ({rel:?}, include_bytes!({:?})),", Path::new(&root).join("themes/default").join(&rel).display().to_string())
            .unwrap();
    }
    writeln!(f, "];").unwrap();
}

fn collect(base: &Path, dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(base, &p, out);
        } else {
            let rel = p.strip_prefix(base).unwrap().to_string_lossy().replace('\\', "/");
            out.push(rel);
        }
    }
}
