//! Generates the Drive v3 client from the pinned Discovery document at build time, into
//! `OUT_DIR/drive.rs`, which `src/lib.rs` includes.

use std::path::PathBuf;

fn main() {
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let document = manifest_dir.join("../drive.v3.json");
    println!("cargo::rerun-if-changed={}", document.display());
    let text = std::fs::read_to_string(&document)
        .unwrap_or_else(|e| panic!("{}: {e}", document.display()));
    let options = discogen::CrateOptions {
        source: "tests/media-apis/drive.v3.json".to_owned(),
        ..Default::default()
    };
    let code = discogen::generate_single_file_with_features(&text, &options)
        .unwrap_or_else(|e| panic!("{}: {e}", document.display()));
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo"));
    std::fs::write(out.join("drive.rs"), code).expect("OUT_DIR is writable");
}
