//! Emission: the crate model ([`Crate`]) becomes Rust token streams, one per file of the generated crate.
//! Emit prints what the model decided: files, `cfg`s, names and builders come from [`crate::lower`].

mod docs;
mod methods;
mod resources;
mod root;
mod types;

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

use crate::ir::*;
#[cfg(test)]
use crate::model::ResourceModule;
use crate::model::{Cfg, Crate, RustType};

/// The Rust files of one crate, by path relative to `src/`: one (`lib.rs`) in a single-file layout.
pub fn emit(model: &Crate<'_>) -> Vec<(String, TokenStream)> {
    let mut files = Files::default();
    let lib = root::lib_rs(model, &mut files);
    files.add("lib.rs", lib);
    files.list
}

/// The files emitted so far: a module printed into a file other than its parent's is added here.
#[derive(Default)]
pub(crate) struct Files {
    list: Vec<(String, TokenStream)>,
}

impl Files {
    pub fn add(&mut self, file: &str, tokens: TokenStream) {
        self.list.push((file.to_owned(), tokens));
    }

    /// `mod name;` with the body in `file` when that is not `parent_file`, else `mod name { body }`;
    /// `head` holds the attributes and visibility (`#[cfg(...)] pub`).
    pub fn module(
        &mut self,
        head: TokenStream,
        name: &str,
        parent_file: &str,
        file: &str,
        body: TokenStream,
    ) -> TokenStream {
        let name = ident(name);
        if file == parent_file {
            quote! { #head mod #name { #body } }
        } else {
            self.add(file, body);
            quote! { #head mod #name; }
        }
    }
}

/// The tokens of the `operations` resource module(s) and of the operation and status types: what the
/// snapshots show a reviewer (`src/tests/operations.rs`).
#[cfg(test)]
pub fn emit_item(model: &Crate<'_>, item: Item<'_>) -> TokenStream {
    match item {
        Item::Resource(module) => {
            let body = resources::resource_body(model, module, &mut Files::default());
            let name = ident(
                module
                    .resource
                    .module
                    .last()
                    .map(String::as_str)
                    .unwrap_or(root_items::RESOURCES),
            );
            quote! { pub mod #name { #body } }
        }
        Item::Type(id) => types::type_def(model, id),
    }
}

/// One item to emit on its own.
#[cfg(test)]
#[derive(Debug, Clone, Copy)]
pub enum Item<'a> {
    Resource(&'a ResourceModule<'a>),
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
pub(crate) fn cfg(features: &Cfg) -> TokenStream {
    match features.0.as_slice() {
        [] => TokenStream::new(),
        [one] => quote!(#[cfg(feature = #one)]),
        many => quote!(#[cfg(any(#(feature = #many),*))]),
    }
}

/// What a module declares, so that std names are written short unless a generated item shadows them.
pub(crate) struct ModulePrinter<'a> {
    pub api: &'a Api,
    pub module: &'a [String],
    declared: BTreeSet<&'a str>,
    /// The `cfg` of each type of the module, by name; empty where the module (or file) is gated as a whole.
    type_cfgs: BTreeMap<&'a str, &'a Cfg>,
    /// Types printed as a re-export of another (see [`Crate::type_reexports`]).
    pub type_reexports: &'a BTreeMap<TypeId, TypeId>,
    /// [`Crate::pages`].
    pub pages: &'a BTreeMap<TypeId, &'a Pagination>,
    /// [`Crate::shared_builders`].
    pub shared_builders: &'a [String],
    /// Whether builders can be added to a batch ([`Crate::batch_path`]).
    pub batch: bool,
}

impl<'a> ModulePrinter<'a> {
    pub fn new(
        model: &'a Crate<'a>,
        module: &'a [String],
        extra: impl IntoIterator<Item = &'a str>,
    ) -> Self {
        let api = model.api;
        let mut declared = BTreeSet::new();
        let mut type_cfgs = BTreeMap::new();
        for &id in model.module_types.get(module).into_iter().flatten() {
            let name = api.ty(id).name.as_str();
            declared.insert(name);
            type_cfgs.insert(name, &model.type_cfgs[id.0]);
        }
        declared.extend(extra);
        ModulePrinter {
            api,
            module,
            declared,
            type_cfgs,
            type_reexports: &model.type_reexports,
            pages: &model.pages,
            shared_builders: &model.shared_builders,
            batch: model.batch_path.is_some(),
        }
    }

    /// The same printer for a file gated as a whole: its types carry no `cfg` of their own.
    pub fn gated_as_a_whole(mut self) -> Self {
        self.type_cfgs.clear();
        self
    }

    /// `#[cfg(...)]` for a type of this module (nothing where it is always compiled or gated as a whole).
    pub fn type_cfg(&self, def: &TypeDef) -> TokenStream {
        self.type_cfgs
            .get(def.name.as_str())
            .map(|c| cfg(c))
            .unwrap_or_default()
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

    /// A Rust type as tokens: std names short unless shadowed, generated types by [`ModulePrinter::path`].
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
            RustType::Option(inner) => {
                let option = self.std("Option");
                let inner = self.rust(inner);
                quote!(#option<#inner>)
            }
            RustType::Map(inner) => {
                let string = self.std("String");
                let inner = self.rust(inner);
                quote!(::std::collections::BTreeMap<#string, #inner>)
            }
        }
    }

    /// `value` stored in a place of type `ty`: wrapped in its `Option` and `Box` (`Some(Box::new(value))`).
    pub fn store(&self, ty: &RustType, value: TokenStream) -> TokenStream {
        match ty {
            RustType::Option(inner) => {
                let some = self.option_variant("Some");
                let inner = self.store(inner, value);
                quote!(#some(#inner))
            }
            RustType::Box(inner) => {
                let boxed = self.std("Box");
                let inner = self.store(inner, value);
                quote!(#boxed::new(#inner))
            }
            _ => value,
        }
    }

    /// The value of a place of type `ty` before anything is set: `None` for an `Option`, an empty `Vec`.
    pub fn unset(&self, ty: &RustType) -> Option<TokenStream> {
        match ty {
            RustType::Option(_) => Some(self.option_variant("None")),
            RustType::Vec(_) => {
                let vec = self.std("Vec");
                Some(quote!(#vec::new()))
            }
            _ => None,
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
