//! Schemas, enums and aliases.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::doc_attrs;
use super::{ident, Scope};
use crate::ir::*;

/// Every type declared in `module`, in id order.
pub fn module_types(api: &Api, module: &[String]) -> TokenStream {
    let pages = api.page_types();
    let items = api
        .types
        .iter()
        .enumerate()
        .filter(|(_, t)| t.module == module)
        .map(|(i, def)| {
            let id = TypeId(i);
            let body = type_def(api, id);
            let scope = Scope::new(api, &def.module, []);
            let page = pages
                .get(&id)
                .map(|(field, item)| page_impl(&scope, def, field, item));
            let message = message_impl(api, def);
            quote! { #body #page #message }
        });
    quote! { #(#items)* }
}

/// Lets the runtime follow `nextPageToken` and hand out the list's items.
fn page_impl(scope: &Scope<'_>, def: &TypeDef, field: &str, item: &TypeRef) -> TokenStream {
    let name = ident(&def.name);
    let field = ident(field);
    let item = scope.ty(item);
    let vec = scope.std("Vec");
    let option = scope.std("Option");
    quote! {
        impl ::discogen_runtime::paginate::Page for #name {
            type Item = #item;

            fn next_page_token(&self) -> #option<&str> {
                self.next_page_token.as_deref()
            }

            fn into_items(self) -> #vec<#item> {
                self.#field.unwrap_or_default()
            }
        }
    }
}

/// Names the schema for `@type` checks when an operation's response or metadata is decoded into it. Only
/// APIs with long-running operations need it, and only top-level schemas (synthetic ones have a JSON path as
/// their origin).
fn message_impl(api: &Api, def: &TypeDef) -> Option<TokenStream> {
    let is_schema = matches!(def.kind, TypeKind::Struct(_)) && !def.origin.starts_with('$');
    if api.lro.is_none() || !is_schema {
        return None;
    }
    let name = ident(&def.name);
    let id = &def.origin;
    Some(quote! {
        impl ::discogen_runtime::lro::Message for #name {
            const SCHEMA_ID: &'static str = #id;
        }
    })
}

pub fn type_def(api: &Api, id: TypeId) -> TokenStream {
    let def = api.ty(id);
    let scope = Scope::new(api, &def.module, []);
    match &def.kind {
        TypeKind::Struct(s) => struct_def(&scope, def, s),
        TypeKind::Enum(e) => enum_def(&scope, def, e),
        TypeKind::Alias(target) => {
            let docs = doc_attrs(def.doc.as_deref());
            let name = ident(&def.name);
            let target = scope.ty(target);
            quote! { #docs pub type #name = #target; }
        }
    }
}

/// serde's `rename_all = "camelCase"` applied to a field name.
fn serde_camel(field: &str) -> String {
    let mut out = String::with_capacity(field.len());
    let mut capitalize = false;
    for (i, c) in field.chars().enumerate() {
        if c == '_' {
            capitalize = true;
        } else if capitalize {
            out.push(c.to_ascii_uppercase());
            capitalize = false;
        } else if i == 0 {
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn struct_def(scope: &Scope<'_>, def: &TypeDef, s: &Struct) -> TokenStream {
    let docs = doc_attrs(def.doc.as_deref());
    let name = ident(&def.name);
    let option = scope.std("Option");
    let is_none = scope.is_none_path();
    let fields = s.fields.iter().map(|field| {
        let mut notes = Vec::new();
        if field.read_only {
            notes.push("Output only: set by the server.");
        }
        if field.deprecated {
            notes.push("Deprecated.");
        }
        let docs = doc_attrs(field.doc.as_deref().into_iter().chain(notes));
        let field_name = ident(&field.rust_name);
        let mut ty = scope.ty(&field.ty);
        if field.boxed {
            let boxed = scope.std("Box");
            ty = quote!(#boxed<#ty>);
        }
        let rename = (serde_camel(field.rust_name.trim_start_matches("r#")) != field.wire_name)
            .then(|| {
                let wire = &field.wire_name;
                quote!(rename = #wire,)
            });
        let with = scope
            .api
            .needs_wire(&field.ty)
            .then(|| quote!(with = "::discogen_runtime::wire",));
        quote! {
            #docs
            #[serde(#rename #with skip_serializing_if = #is_none)]
            pub #field_name: #option<#ty>,
        }
    });
    let additional = s.additional.as_ref().map(|(rust_name, ty)| {
        let field_name = ident(rust_name);
        let with = scope
            .api
            .needs_wire(ty)
            .then(|| quote!(with = "::discogen_runtime::wire"));
        let map = scope.ty(&TypeRef::Map(Box::new(ty.clone())));
        quote! {
            /// Properties not declared above.
            #[serde(flatten, #with)]
            pub #field_name: #map,
        }
    });
    quote! {
        #docs
        #[derive(Clone, Debug, Default, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(default, rename_all = "camelCase")]
        pub struct #name {
            #(#fields)*
            #additional
        }
    }
}

fn enum_def(scope: &Scope<'_>, def: &TypeDef, e: &Enum) -> TokenStream {
    let docs = doc_attrs(def.doc.as_deref());
    let name = ident(&def.name);
    let string = scope.std("String");
    let from = scope.std("From");
    let unknown = ident(&e.unknown_variant);
    let variants = e.variants.iter().map(|v| {
        let deprecated = v.deprecated.then_some("Deprecated.");
        let docs = doc_attrs(v.doc.as_deref().into_iter().chain(deprecated));
        let variant = ident(&v.rust_name);
        quote! { #docs #variant, }
    });
    let to_wire = e.variants.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let wire = &v.wire_name;
        quote! { Self::#variant => #wire, }
    });
    let from_wire = e.variants.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let wire = &v.wire_name;
        quote! { #wire => Self::#variant, }
    });
    quote! {
        #docs
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value this version of the crate does not know; kept as sent.
            #unknown(#string),
        }

        impl #name {
            /// The value as it is sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_wire)*
                    Self::#unknown(value) => value,
                }
            }
        }

        impl #from<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#from_wire)*
                    other => Self::#unknown(#string::from(other)),
                }
            }
        }

        ::discogen_runtime::open_enum!(#name);
    }
}
