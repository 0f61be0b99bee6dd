//! The runtime finds a JSON key in `Object::FIELDS` by binary search in (length, bytes) order: a key out of
//! that order would be skipped silently, so check the order of every generated list.

/// `(type, keys)` of every `const FIELDS` in the file's impls.
fn field_lists(items: &[syn::Item], out: &mut Vec<(String, Vec<String>)>) {
    for item in items {
        if let syn::Item::Mod(syn::ItemMod {
            content: Some((_, inner)),
            ..
        }) = item
        {
            field_lists(inner, out);
        }
        let syn::Item::Impl(item) = item else {
            continue;
        };
        let self_ty = quote::ToTokens::to_token_stream(&item.self_ty).to_string();
        for inner in &item.items {
            let syn::ImplItem::Const(constant) = inner else {
                continue;
            };
            if constant.ident != "FIELDS" {
                continue;
            }
            let syn::Expr::Reference(reference) = &constant.expr else {
                panic!("{self_ty}: FIELDS is not `&[...]`");
            };
            let syn::Expr::Array(array) = &*reference.expr else {
                panic!("{self_ty}: FIELDS is not `&[...]`");
            };
            let keys = array
                .elems
                .iter()
                .map(|e| match e {
                    syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(s),
                        ..
                    }) => s.value(),
                    _ => panic!("{self_ty}: a key is not a string literal"),
                })
                .collect();
            out.push((self_ty.clone(), keys));
        }
    }
}

#[test]
fn every_field_list_is_in_lookup_order() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut lists = 0;
    for document in [
        "dialogflow.v2.json",
        "monitoring.v1.json",
        "workspaceevents.v1.json",
    ] {
        let text = std::fs::read_to_string(root.join("discovery").join(document)).unwrap();
        let generated = discogen::generate(&text, &discogen::CrateOptions::default()).unwrap();
        let mut found = Vec::new();
        // `schemas.rs` and its group files (`schemas/agent.rs`).
        for (path, source) in &generated.files {
            if path.starts_with("src/schemas") {
                let file = syn::parse_file(source).unwrap();
                field_lists(&file.items, &mut found);
            }
        }
        for (ty, keys) in &found {
            let mut sorted = keys.clone();
            sorted.sort_by_key(|k| (k.len(), k.clone().into_bytes()));
            assert_eq!(keys, &sorted, "{document}: {ty}");
        }
        lists += found.len();
    }
    assert!(lists > 800, "only {lists} field lists found");
}
