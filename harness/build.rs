//! Embeds every divergence-class file of `vectors/exceptions/` so that code without a checkout
//! at run time (the fuzz targets) reads the same classes as the conformance run. The list is
//! made from the directory itself: a new implementation's file is picked up without any edit.

use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let dir = manifest.join("../vectors/exceptions");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "json"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    let mut out = String::from(
        "/// `(file stem, file text)` of every `vectors/exceptions/*.json`.\n\
         pub(crate) const EMBEDDED: &[(&str, &str)] = &[\n",
    );
    for path in &files {
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        let absolute = path.canonicalize().expect("a listed file exists");
        writeln!(
            out,
            "    ({stem:?}, include_str!({:?})),",
            absolute.display()
        )
        .unwrap();
    }
    out.push_str("];\n");
    let target = PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo"));
    std::fs::write(target.join("exceptions.rs"), out).expect("OUT_DIR is writable");
}
