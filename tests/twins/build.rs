//! Writes, for each crate under test, a twin of every generated struct that uses `#[derive(Serialize,
//! Deserialize)]` with the serde attributes that give the same JSON form (`default`, `rename`,
//! `skip_serializing_if`, `flatten` for the members the struct does not declare), and a table that pairs
//! each top-level schema with its generated type and its twin.

use std::path::{Path, PathBuf};

// The IR is internal to the generator (`__internal`, no stability): the twins follow it.
use discogen::__internal::ir::{Api, TypeId, TypeKind, TypeRef};
use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

/// The document, the generated crate's name, and whether the manifest's rules made it.
const CRATES: &[(&str, &str)] = &[
    ("discovery/dialogflow.v2.json", "dialogflow_v2"),
    ("tests/fixtures/collisions.json", "fixture_collisions"),
    ("tests/fixtures/cycles.json", "fixture_cycles"),
    ("tests/fixtures/enums.json", "fixture_enums"),
    ("tests/fixtures/keywords.json", "fixture_keywords"),
    ("tests/fixtures/maps.json", "fixture_maps"),
    ("tests/fixtures/nested.json", "fixture_nested"),
    ("tests/fixtures/scalars.json", "fixture_scalars"),
];

fn main() {
    let root =
        PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo")).join("../..");
    let manifest_path = root.join("discovery/manifest.toml");
    println!("cargo::rerun-if-changed={}", manifest_path.display());
    let manifest = discogen::manifest::Manifest::parse(&read(&manifest_path)).expect("manifest");
    let mut out = TokenStream::new();
    for (document, krate) in CRATES {
        let path = root.join(document);
        println!("cargo::rerun-if-changed={}", path.display());
        let file = Path::new(document)
            .file_name()
            .and_then(|f| f.to_str())
            .unwrap_or_default();
        let rules = manifest
            .apis
            .iter()
            .find(|api| api.document == file)
            // Descriptions do not change types: none are read.
            .map(|api| api.rules(None))
            .unwrap_or_default();
        let api = discogen::__internal::prepare(&read(&path), &rules).expect("document");
        out.extend(twins(&api, krate));
    }
    let target = PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo")).join("twins.rs");
    std::fs::write(target, out.to_string()).expect("OUT_DIR is writable");
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// The generated type's path, e.g. `::dialogflow_v2::schemas::GoogleCloudDialogflowV2Intent`.
fn generated(api: &Api, krate: &Ident, id: TypeId) -> TokenStream {
    let def = api.ty(id);
    let modules = def.module.iter().map(|m| ident(m));
    let name = ident(&def.name);
    quote!(::#krate #(::#modules)* ::#name)
}

fn twin_name(id: TypeId) -> Ident {
    format_ident!("T{}", id.0)
}

/// The twin's type for `ty`: twin structs for structs, the generated enums, aliases seen through, and the
/// runtime's wire form (`W`) where the generated code reads through it.
fn twin_ty(api: &Api, krate: &Ident, ty: &TypeRef) -> TokenStream {
    let plain = plain_ty(api, krate, ty);
    if api.needs_wire(ty) {
        quote!(crate::W<#plain>)
    } else {
        plain
    }
}

fn plain_ty(api: &Api, krate: &Ident, ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::Bool => quote!(bool),
        TypeRef::Int32 => quote!(i32),
        TypeRef::Uint32 => quote!(u32),
        TypeRef::Int64 => quote!(i64),
        TypeRef::Uint64 => quote!(u64),
        TypeRef::Float => quote!(f32),
        TypeRef::Double => quote!(f64),
        TypeRef::String | TypeRef::FieldMask => quote!(String),
        TypeRef::Bytes => quote!(::discogen_runtime::Bytes),
        TypeRef::Date => quote!(::discogen_runtime::Date),
        TypeRef::DateTime => quote!(::discogen_runtime::Timestamp),
        TypeRef::Duration => quote!(::discogen_runtime::Duration),
        TypeRef::Any => quote!(::serde_json::Value),
        TypeRef::Array(inner) => {
            let inner = plain_ty(api, krate, inner);
            quote!(Vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = plain_ty(api, krate, inner);
            quote!(::std::collections::BTreeMap<String, #inner>)
        }
        TypeRef::Named(id) => match &api.ty(*id).kind {
            TypeKind::Struct(_) => {
                let name = twin_name(*id);
                quote!(#name)
            }
            TypeKind::Enum(_) => generated(api, krate, *id),
            TypeKind::Alias(target) => plain_ty(api, krate, target),
        },
    }
}

fn twins(api: &Api, krate: &str) -> TokenStream {
    let krate = ident(krate);
    let mut structs = Vec::new();
    let mut checks = Vec::new();
    for (i, def) in api.types.iter().enumerate() {
        let TypeKind::Struct(s) = &def.kind else {
            continue;
        };
        let id = TypeId(i);
        let name = twin_name(id);
        let fields = s.fields.iter().enumerate().map(|(n, field)| {
            let rust = format_ident!("f{n}");
            let wire = &field.wire_name;
            let mut ty = twin_ty(api, &krate, &field.ty);
            if field.boxed {
                ty = quote!(Box<#ty>);
            }
            quote! {
                #[serde(rename = #wire, skip_serializing_if = "Option::is_none")]
                pub #rust: Option<#ty>,
            }
        });
        let rest = match &s.additional {
            Some((_, ty)) => twin_ty(api, &krate, ty),
            None => quote!(::serde_json::Value),
        };
        structs.push(quote! {
            #[derive(Clone, Debug, Default, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
            #[serde(default)]
            pub struct #name {
                #(#fields)*
                #[serde(flatten)]
                pub rest: ::std::collections::BTreeMap<String, #rest>,
            }
        });
        // Top-level schemas are the entry points; the structs nested in them are reached through them.
        if let Some(schema) = def.origin.schema().filter(|_| def.module == ["schemas"]) {
            let ours = generated(api, &krate, id);
            checks.push(quote!((#schema, crate::decode_both::<#ours, #name>)));
        }
    }
    quote! {
        pub mod #krate {
            #(#structs)*

            /// Each top-level schema: its id, and both decodings of a JSON text.
            pub const CHECKS: &[crate::Check] = &[#(#checks),*];
        }
    }
}
