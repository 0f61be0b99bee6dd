//! Snapshots of what a reviewer should see change: every edge-case fixture's whole crate (each API's
//! `operations` resources are snapshotted in `generator/src/tests/operations.rs`). Everything
//! snapshotted here is also compiled: the fixture crates under `tests/fixture-crates/` are workspace
//! members, and `freshness.rs` proves they are exactly this output.

use std::path::Path;

/// The whole crate generated from a fixture, file by file.
fn fixture_snapshot(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap();
    let options = discogen::CrateOptions {
        crate_name: format!("fixture-{name}"),
        runtime: discogen::RuntimeSource::Path("../../../runtime".to_owned()),
        package: discogen::PackageMetadata {
            command: "cargo xtask generate".to_owned(),
            ..Default::default()
        },
        source: format!("tests/fixtures/{name}.json"),
        ..Default::default()
    };
    let generated = discogen::generate(&text, &options).unwrap();
    let mut out = String::new();
    for (file, contents) in &generated.files {
        out.push_str(&format!("// ==== {file} ====\n{contents}"));
    }
    out
}

macro_rules! fixture_snapshots {
    ($($name:ident => $file:literal),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                insta::assert_snapshot!(fixture_snapshot($file));
            }
        )*
    };
}

fixture_snapshots! {
    fixture_collisions => "collisions",
    fixture_cycles => "cycles",
    fixture_docs => "docs",
    fixture_document_methods => "document_methods",
    fixture_enums => "enums",
    fixture_keywords => "keywords",
    fixture_legacy => "legacy",
    fixture_maps => "maps",
    fixture_media => "media",
    fixture_nested => "nested",
    fixture_operations => "operations",
    fixture_operations_status => "operations_status",
    fixture_operations_split => "operations_split",
    fixture_params => "params",
    fixture_scalars => "scalars",
}

#[test]
fn every_fixture_has_a_snapshot_test() {
    let source = include_str!("snapshots.rs");
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    for entry in std::fs::read_dir(fixtures).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let stem = path.file_stem().unwrap().to_str().unwrap().to_owned();
            assert!(
                source.contains(&format!("=> \"{stem}\"")),
                "fixture {stem} has no snapshot test"
            );
        }
    }
}
