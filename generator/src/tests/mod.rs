//! Tests of the internal stages, which the crate's public API does not reach.

mod cargo_features;
mod lower;
mod operations;
mod reserved_names;
mod status_operations;

use std::path::PathBuf;

use crate::ir::Api;

/// The repository's root.
fn root() -> PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A manifest API's IR, prepared with the manifest's rules (carried descriptions, declared operation
/// results, omitted schemas), as `cargo xtask generate` prepares it.
fn manifest_api(document: &str) -> Api {
    let root = root();
    let manifest = std::fs::read_to_string(root.join("discovery/manifest.toml")).unwrap();
    let manifest = crate::manifest::Manifest::parse(&manifest).unwrap();
    let entry = manifest
        .apis
        .iter()
        .find(|api| api.document == document)
        .unwrap();
    let carried = entry.descriptions.as_ref().map(|source| {
        std::fs::read_to_string(root.join("discovery").join(&source.document)).unwrap()
    });
    let rules = entry.rules(carried);
    let text = std::fs::read_to_string(root.join("discovery").join(document)).unwrap();
    crate::prepare(&text, &rules).unwrap()
}

/// The runtime version generated crates require is the runtime's own: same minor (its internal face
/// changes only with a minor version), and no later patch than the runtime checked in beside it.
#[test]
fn generated_crates_require_the_runtime_beside_the_generator() {
    let manifest = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../runtime/Cargo.toml"
    ))
    .expect("the runtime's Cargo.toml");
    let table: toml::Table = manifest.parse().expect("TOML");
    let runtime = table["package"]["version"].as_str().expect("a version");
    let parts = |v: &str| -> Vec<u64> { v.split('.').map(|p| p.parse().unwrap()).collect() };
    let (ours, theirs) = (parts(crate::RUNTIME_VERSION), parts(runtime));
    assert_eq!(
        ours[..2],
        theirs[..2],
        "{} against runtime {runtime}",
        crate::RUNTIME_VERSION
    );
    assert!(
        ours[2] <= theirs[2],
        "{} against runtime {runtime}",
        crate::RUNTIME_VERSION
    );
}
