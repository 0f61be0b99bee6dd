//! The names resolve keeps free for parameters are what builders really define: the runtime's
//! `CallOptions` methods, and every member of the checked-in crates' builders that is not a parameter's.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::ir::builder_members;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn parse(path: &Path) -> syn::File {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn call_options_are_the_runtime_traits_methods() {
    let file = parse(&root().join("runtime/src/request.rs"));
    let methods: Vec<String> = file
        .items
        .iter()
        .find_map(|item| match item {
            syn::Item::Trait(t) if t.ident == "CallOptions" => Some(t),
            _ => None,
        })
        .expect("runtime/src/request.rs defines CallOptions")
        .items
        .iter()
        .filter_map(|item| match item {
            syn::TraitItem::Fn(f) => Some(f.sig.ident.to_string()),
            _ => None,
        })
        .collect();
    assert_eq!(methods, builder_members::CALL_OPTIONS);
}

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

type Members = (String, BTreeSet<String>, BTreeSet<String>);

/// The builders of `items` (structs with a `params` field) and of its inline modules, by name: their
/// fields and the functions of their inherent impls.
fn builders(items: &[syn::Item], all: &mut Vec<Members>) {
    let mut found: Vec<Members> = Vec::new();
    for item in items {
        match item {
            syn::Item::Struct(s) => {
                let fields: BTreeSet<String> = s
                    .fields
                    .iter()
                    .filter_map(|f| f.ident.as_ref().map(|i| i.to_string()))
                    .collect();
                if fields.contains(builder_members::PARAMS) {
                    found.push((s.ident.to_string(), fields, BTreeSet::new()));
                }
            }
            syn::Item::Mod(m) => {
                if let Some((_, items)) = &m.content {
                    builders(items, all);
                }
            }
            _ => {}
        }
    }
    for item in items {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        let syn::Type::Path(ty) = &*block.self_ty else {
            continue;
        };
        if block.trait_.is_some() {
            continue;
        }
        let name = ty.path.segments.last().unwrap().ident.to_string();
        if let Some((_, _, fns)) = found.iter_mut().find(|(n, _, _)| *n == name) {
            fns.extend(block.items.iter().filter_map(|item| match item {
                syn::ImplItem::Fn(f) => Some(f.sig.ident.to_string()),
                _ => None,
            }));
        }
    }
    all.extend(found);
}

#[test]
fn builders_define_no_member_the_table_leaves_out() {
    let reserved: BTreeSet<&str> = builder_members::all().collect();
    let mut files = Vec::new();
    rust_files(&root().join("generated"), &mut files);
    files.sort();
    let mut checked = 0;
    for path in files {
        let mut found = Vec::new();
        builders(&parse(&path).items, &mut found);
        for (name, fields, fns) in found {
            checked += 1;
            // A field is a parameter's, the body's or one of the table's; a function is a parameter's
            // setter (named as its field) or one of the table's.
            let unlisted: Vec<&String> = fns
                .iter()
                .filter(|f| !fields.contains(*f) && !reserved.contains(f.as_str()))
                .collect();
            assert!(
                unlisted.is_empty(),
                "{}: builder {name} defines {unlisted:?}, which ir::builder_members does not list",
                path.display()
            );
            for member in [builder_members::CLIENT, builder_members::PARAMS] {
                assert!(fields.contains(member), "{name}: no `{member}` field");
            }
        }
    }
    assert!(checked > 200, "only {checked} builders found");
}
