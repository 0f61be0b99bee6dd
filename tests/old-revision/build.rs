//! Generates Cloud Monitoring v1 from its 20230913 revision into `OUT_DIR/monitoring.rs`.

use std::path::PathBuf;

fn main() {
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let document = manifest_dir.join("../fixtures-revisions/monitoring.v1.20230913.json");
    println!("cargo::rerun-if-changed={}", document.display());
    let text = std::fs::read_to_string(&document)
        .unwrap_or_else(|e| panic!("{}: {e}", document.display()));
    let options = discogen::CrateOptions {
        source: "tests/fixtures-revisions/monitoring.v1.20230913.json".to_owned(),
        ..Default::default()
    };
    let code = discogen::generate_single_file(&text, &options)
        .unwrap_or_else(|e| panic!("{}: {e}", document.display()));
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo"));
    std::fs::write(out.join("monitoring.rs"), code).expect("OUT_DIR is writable");
}
