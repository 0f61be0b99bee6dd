//! Snapshots of what a reviewer should see change in each API: its `operations` resources and its
//! `Operation`/`Status` types. The four crates under `generated/` are workspace members, so all of it is
//! also compiled (and `tests/tests/freshness.rs` proves they are this output).

use crate::emit::{emit_item, Item};
use crate::ir::{TypeKind, TypeRef};
use crate::model::{Layout, Package, ResourceModule};

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
    crate::format::format_file(&tokens).unwrap()
}

/// The operations modules, then the type `operations.get` returns and the type of its `error` field.
fn operations_snapshot(document: &str) -> String {
    let api = super::manifest_api(document);
    let model = crate::lower::lower(&api, Package::default(), Layout::Crate);
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
