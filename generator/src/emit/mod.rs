//! Emission: the resolved [`Api`] becomes Rust token streams, one per file of the generated crate.

mod docs;
mod resources;
mod root;
mod types;

use std::collections::BTreeSet;

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

use crate::ir::*;
use crate::model::RustType;

pub use docs::sanitize as sanitize_doc;

/// The Rust files of one crate, by path relative to `src/`.
pub fn emit(api: &Api) -> Vec<(String, TokenStream)> {
    let mut files = vec![
        ("lib.rs".to_owned(), root::lib_rs(api)),
        (
            "schemas.rs".to_owned(),
            types::module_types(api, &["schemas".to_owned()]),
        ),
        ("resources.rs".to_owned(), resources::resources_rs(api)),
    ];
    for resource in &api.root.resources {
        let module = resource
            .module
            .last()
            .map(String::as_str)
            .unwrap_or_default();
        let file = format!("resources/{}.rs", module.trim_start_matches("r#"));
        files.push((file, resources::resource_body(api, resource)));
    }
    files
}

/// The tokens of the `operations` resource module(s) and of the operation and status types: what the
/// snapshots show a reviewer.
pub fn emit_item(api: &Api, item: Item<'_>) -> TokenStream {
    match item {
        Item::Resource(resource) => {
            let body = resources::resource_body(api, resource);
            let module = ident(
                resource
                    .module
                    .last()
                    .map(String::as_str)
                    .unwrap_or("resources"),
            );
            quote! { pub mod #module { #body } }
        }
        Item::Type(id) => types::type_def(api, id),
    }
}

/// One item to emit on its own.
#[derive(Debug, Clone, Copy)]
pub enum Item<'a> {
    Resource(&'a Resource),
    Type(TypeId),
}

/// An identifier, raw when the name says so (`r#type`).
pub(crate) fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// `#[cfg(feature = "x")]` for an item any of `features` compiles; nothing for an item always compiled.
pub(crate) fn cfg(features: &[String]) -> TokenStream {
    match features {
        [] => TokenStream::new(),
        [one] => quote!(#[cfg(feature = #one)]),
        many => quote!(#[cfg(any(#(feature = #many),*))]),
    }
}

/// What a module declares, so that std names are written short unless a generated item shadows them.
pub(crate) struct Scope<'a> {
    pub api: &'a Api,
    pub module: &'a [String],
    declared: BTreeSet<&'a str>,
}

impl<'a> Scope<'a> {
    pub fn new(
        api: &'a Api,
        module: &'a [String],
        extra: impl IntoIterator<Item = &'a str>,
    ) -> Self {
        let mut declared: BTreeSet<&str> = api
            .types
            .iter()
            .filter(|t| t.module == module)
            .map(|t| t.name.as_str())
            .collect();
        declared.extend(extra);
        Scope {
            api,
            module,
            declared,
        }
    }

    /// `Option`, or `::std::option::Option` where a generated type is called `Option`.
    pub fn std(&self, name: &str) -> TokenStream {
        let short = format_ident!("{}", name);
        if !self.declared.contains(name) {
            return quote!(#short);
        }
        let module = match name {
            "Option" => quote!(option),
            "String" => quote!(string),
            "Vec" => quote!(vec),
            "Box" => quote!(boxed),
            "From" | "Into" => quote!(convert),
            "IntoIterator" | "Iterator" => quote!(iter),
            "Default" => quote!(default),
            "Send" => quote!(marker),
            _ => unreachable!("not a prelude name: {name}"),
        };
        quote!(::std::#module::#short)
    }

    /// `None`, or `::std::option::Option::None` where `Option` is shadowed (a variant could be too).
    pub fn option_variant(&self, variant: &str) -> TokenStream {
        let variant = format_ident!("{}", variant);
        if self.declared.contains("Option") || self.declared.contains(variant.to_string().as_str())
        {
            quote!(::std::option::Option::#variant)
        } else {
            quote!(#variant)
        }
    }

    /// `Ok`, or `::std::result::Result::Ok` where a generated item is called `Ok` or `Result`.
    pub fn ok_variant(&self) -> TokenStream {
        if self.declared.contains("Ok") || self.declared.contains("Result") {
            quote!(::std::result::Result::Ok)
        } else {
            quote!(Ok)
        }
    }

    /// The Rust type of a field, parameter or response.
    pub fn ty(&self, ty: &TypeRef) -> TokenStream {
        self.rust(&RustType::of(self.api, ty))
    }

    /// A Rust type as tokens: std names short unless shadowed, generated types by [`Scope::path`].
    pub fn rust(&self, ty: &RustType) -> TokenStream {
        match ty {
            RustType::Primitive(name) => {
                let name = format_ident!("{}", name);
                quote!(#name)
            }
            RustType::String => self.std("String"),
            RustType::Runtime(name) => {
                let name = format_ident!("{}", name);
                quote!(::discogen_runtime::#name)
            }
            RustType::Json => quote!(::serde_json::Value),
            RustType::Unit => quote!(()),
            RustType::Named { module, name } => self.path(module, name),
            RustType::Vec(inner) => {
                let vec = self.std("Vec");
                let inner = self.rust(inner);
                quote!(#vec<#inner>)
            }
            RustType::Box(inner) => {
                let boxed = self.std("Box");
                let inner = self.rust(inner);
                quote!(#boxed<#inner>)
            }
            RustType::Map(inner) => {
                let string = self.std("String");
                let inner = self.rust(inner);
                quote!(::std::collections::BTreeMap<#string, #inner>)
            }
        }
    }

    /// A generated type, by its bare name in its own module and by `crate::...` elsewhere.
    pub fn named(&self, id: TypeId) -> TokenStream {
        let def = self.api.ty(id);
        self.path(&def.module, &def.name)
    }

    /// An item of the crate, by its bare name in its own module and by `crate::...` elsewhere.
    pub fn path(&self, module: &[String], name: &str) -> TokenStream {
        let name = ident(name);
        if module == self.module {
            quote!(#name)
        } else {
            let path = module.iter().map(|m| ident(m));
            quote!(crate #(::#path)* :: #name)
        }
    }
}
