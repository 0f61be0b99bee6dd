//! Snapshots of what a reviewer should see change: each API's `operations` resources and its
//! `Operation`/`Status` types, and every edge-case fixture's whole crate. Everything snapshotted here is also
//! compiled: the four crates under `generated/` and the fixture crates under `tests/fixture-crates/` are
//! workspace members, and `freshness.rs` proves they are exactly this output.

use std::path::Path;

use discogen::emit::{emit_item, Item};
use discogen::ir::{Api, TypeKind, TypeRef};
use discogen::model::{Layout, Package, ResourceModule};

/// A manifest API's model, with the manifest's rules (carried descriptions, declared operation results).
fn prepare(document: &str) -> Api {
    let root = xtask::project_root();
    let job = xtask::project_jobs(&root)
        .unwrap()
        .into_iter()
        .find(|job| job.document.ends_with(document))
        .unwrap();
    let text = std::fs::read_to_string(&job.document).unwrap();
    discogen::prepare(&text, &job.rules).unwrap()
}

/// Every resource module called `operations`, depth first, with its dotted path.
fn operations_resources<'m, 'a>(
    module: &'m ResourceModule<'a>,
    out: &mut Vec<(String, &'m ResourceModule<'a>)>,
) {
    for child in &module.children {
        if child.resource.wire_name == "operations" {
            out.push((child.resource.wire_path.clone(), child));
        }
        operations_resources(child, out);
    }
}

fn format(tokens: proc_macro2::TokenStream) -> String {
    discogen::format::format_file(&tokens).unwrap()
}

/// The operations modules, then the type `operations.get` returns and the type of its `error` field.
fn operations_snapshot(document: &str) -> String {
    let api = prepare(document);
    let model = discogen::lower::lower(&api, Package::default(), Layout::Crate);
    let mut resources = Vec::new();
    operations_resources(&model.resources, &mut resources);
    assert!(
        !resources.is_empty(),
        "{document} has no operations resource"
    );

    let mut out = String::new();
    for (path, resource) in &resources {
        out.push_str(&format!("// ---- resource {path} ----\n"));
        out.push_str(&format(emit_item(&model, Item::Resource(resource))));
    }
    let get = resources
        .iter()
        .flat_map(|(_, r)| &r.resource.methods)
        .find(|m| m.wire_name == "get")
        .expect("an operations.get method");
    let Some(TypeRef::Named(operation)) = &get.response else {
        panic!("operations.get returns a named type")
    };
    let TypeKind::Struct(fields) = &api.ty(*operation).kind else {
        panic!("Operation is a struct")
    };
    let status = fields
        .fields
        .iter()
        .find(|f| f.wire_name == "error")
        .map(|f| f.ty.clone());
    let Some(TypeRef::Named(status)) = status else {
        panic!("Operation.error is a named type")
    };
    for id in [*operation, status] {
        out.push_str(&format!("// ---- type {} ----\n", api.ty(id).origin));
        out.push_str(&format(emit_item(&model, Item::Type(id))));
    }
    out
}

#[test]
fn dialogflow_v2_operations() {
    insta::assert_snapshot!(operations_snapshot("dialogflow.v2.json"));
}

#[test]
fn dialogflow_v3_operations() {
    insta::assert_snapshot!(operations_snapshot("dialogflow.v3.json"));
}

#[test]
fn workspaceevents_v1_operations() {
    insta::assert_snapshot!(operations_snapshot("workspaceevents.v1.json"));
}

#[test]
fn monitoring_v1_operations() {
    insta::assert_snapshot!(operations_snapshot("monitoring.v1.json"));
}

/// The whole crate generated from a fixture, file by file.
fn fixture_snapshot(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap();
    let options = discogen::CrateOptions {
        crate_name: format!("fixture-{name}"),
        runtime_path: "../../../runtime".to_owned(),
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
