//! A generated struct reads a JSON key in two steps: `Object::field_index` numbers the key, `read_field`
//! stores the value by that number. Numbers that disagree would put a value in another field without an
//! error, so check, for every key a struct writes, that reading that key sets the same field.

use std::collections::BTreeMap;

fn lit_str(expr: &syn::Expr) -> Option<String> {
    match expr {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) => Some(s.value()),
        _ => None,
    }
}

/// `self.name` or `&self.name` → `name`.
fn self_field(expr: &syn::Expr) -> Option<String> {
    match expr {
        syn::Expr::Field(syn::ExprField {
            member: syn::Member::Named(name),
            ..
        }) => Some(name.to_string()),
        syn::Expr::Reference(reference) => self_field(&reference.expr),
        _ => None,
    }
}

fn body_exprs(method: &syn::ImplItemFn) -> impl Iterator<Item = &syn::Expr> {
    method.block.stmts.iter().filter_map(|stmt| match stmt {
        syn::Stmt::Expr(expr, _) => Some(expr),
        _ => None,
    })
}

/// `field_index`'s arms: `"key" => Some(3)`, key → number.
fn numbers(method: &syn::ImplItemFn) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for expr in body_exprs(method) {
        let syn::Expr::Match(matched) = expr else {
            continue;
        };
        for arm in &matched.arms {
            let syn::Pat::Lit(syn::PatLit {
                lit: syn::Lit::Str(key),
                ..
            }) = &arm.pat
            else {
                continue;
            };
            let key = key.value();
            let syn::Expr::Call(call) = &*arm.body else {
                panic!("{key}: not `Some(number)`");
            };
            let number = match call.args.first() {
                Some(syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Int(i),
                    ..
                })) => i.base10_parse().unwrap(),
                _ => panic!("{key}: not `Some(number)`"),
            };
            out.insert(key, number);
        }
    }
    out
}

/// `self.name = ...`, or that in a block of its own (a long line) → `name`.
fn stored_field(expr: &syn::Expr) -> Option<String> {
    match expr {
        syn::Expr::Assign(assign) => self_field(&assign.left),
        syn::Expr::Block(block) => match block.block.stmts.as_slice() {
            [syn::Stmt::Expr(inner, _)] => stored_field(inner),
            _ => None,
        },
        _ => None,
    }
}

/// `read_field`'s stores, number → field: `3 => self.name = ...`; the `_` arm is the last number, and a
/// body without a `match` (one field) stores number 0.
fn stores(method: &syn::ImplItemFn) -> BTreeMap<usize, String> {
    let mut out = BTreeMap::new();
    for expr in body_exprs(method) {
        match expr {
            syn::Expr::Match(matched) => {
                for (position, arm) in matched.arms.iter().enumerate() {
                    let field = stored_field(&arm.body)
                        .unwrap_or_else(|| panic!("arm {position} is not a store"));
                    let number = match &arm.pat {
                        syn::Pat::Lit(syn::PatLit {
                            lit: syn::Lit::Int(i),
                            ..
                        }) => i.base10_parse().unwrap(),
                        syn::Pat::Wild(_) => position,
                        _ => panic!("arm {position}: not a number"),
                    };
                    out.insert(number, field);
                }
            }
            syn::Expr::Assign(assign) => {
                if let Some(field) = self_field(&assign.left) {
                    out.insert(0, field);
                }
            }
            _ => {}
        }
    }
    out
}

/// `write_fields`' writes, key → field: `write(map, "key", &self.name)?;`.
fn writes(method: &syn::ImplItemFn) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for expr in body_exprs(method) {
        let syn::Expr::Try(attempt) = expr else {
            continue;
        };
        let syn::Expr::Call(call) = &*attempt.expr else {
            continue;
        };
        let args: Vec<&syn::Expr> = call.args.iter().collect();
        if let [_, key, value] = args.as_slice() {
            if let (Some(key), Some(field)) = (lit_str(key), self_field(value)) {
                out.insert(key, field);
            }
        }
    }
    out
}

/// Checks every `impl Object` in `items`; returns how many fields it checked.
fn check_impls(items: &[syn::Item], context: &str) -> usize {
    let mut checked = 0;
    for item in items {
        if let syn::Item::Mod(syn::ItemMod {
            content: Some((_, inner)),
            ..
        }) = item
        {
            checked += check_impls(inner, context);
        }
        let syn::Item::Impl(item) = item else {
            continue;
        };
        let method = |name: &str| {
            item.items.iter().find_map(|inner| match inner {
                syn::ImplItem::Fn(f) if f.sig.ident == name => Some(f),
                _ => None,
            })
        };
        let (Some(index), Some(read), Some(write)) = (
            method("field_index"),
            method("read_field"),
            method("write_fields"),
        ) else {
            continue;
        };
        let ty = quote::ToTokens::to_token_stream(&item.self_ty).to_string();
        let (numbers, stores, writes) = (numbers(index), stores(read), writes(write));
        assert_eq!(numbers.len(), writes.len(), "{context}: {ty}: keys");
        assert_eq!(stores.len(), writes.len(), "{context}: {ty}: stores");
        for (key, field) in &writes {
            let number = numbers
                .get(key)
                .unwrap_or_else(|| panic!("{ty}: {key} unnumbered"));
            assert_eq!(stores.get(number), Some(field), "{context}: {ty}: {key}");
            checked += 1;
        }
    }
    checked
}

#[test]
fn reading_a_key_sets_the_field_that_writes_it() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut checked = 0;
    for document in [
        "dialogflow.v2.json",
        "monitoring.v1.json",
        "workspaceevents.v1.json",
    ] {
        let text = std::fs::read_to_string(root.join("discovery").join(document)).unwrap();
        let generated = discogen::generate(&text, &discogen::CrateOptions::default()).unwrap();
        // `schemas.rs` and its group files (`schemas/agent.rs`).
        for (path, source) in &generated.files {
            if path.starts_with("src/schemas") {
                let file = syn::parse_file(source).unwrap();
                checked += check_impls(&file.items, document);
            }
        }
    }
    assert!(checked > 2500, "only {checked} fields checked");
}
