//! Schemas, enums and aliases.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::doc_attrs;
use super::{cfg, ident, Files, ModulePrinter};
use crate::ir::*;
use crate::model::{Cfg, Crate, RustType};

/// Every type declared in `module`, in id order.
pub fn module_types(model: &Crate<'_>, module: &[String]) -> TokenStream {
    module_types_except(model, module, &[])
}

/// Every type declared in `module` but those of `skip`, in id order.
pub fn module_types_except(model: &Crate<'_>, module: &[String], skip: &[TypeId]) -> TokenStream {
    let printer = ModulePrinter::new(model, module, []);
    let declared = model
        .module_types
        .get(module)
        .map_or(&[][..], Vec::as_slice);
    let ids = declared.iter().copied().filter(|id| !skip.contains(id));
    types(&printer, ids)
}

/// `schemas.rs`: the schemas always compiled, and a private module per group of one `cfg`, whose types it
/// re-exports (so each is still `schemas::Name`).
pub fn schemas_rs(model: &Crate<'_>, files: &mut Files) -> TokenStream {
    let module = [root_items::SCHEMAS.to_owned()];
    let printer = ModulePrinter::new(model, &module, []);
    let always = types(&printer, model.schemas.always.iter().copied());
    let group_printer = ModulePrinter::new(model, &module, []).gated_as_a_whole();
    let groups = model.schemas.groups.iter().map(|group| {
        let name = ident(&group.module);
        let cfg = cfg(&group.cfg);
        let body = types(&group_printer, group.types.iter().copied());
        let doc = format!(" Schemas compiled with {}.", features_phrase(&group.cfg));
        let import = group.names_others.then(|| {
            quote!(
                use super::*;
            )
        });
        let body = quote! {
            #![doc = #doc]
            #import
            #body
        };
        let declaration = files.module(
            cfg.clone(),
            &group.module,
            &model.schemas.file,
            &group.file,
            body,
        );
        quote! {
            #declaration
            #cfg
            pub use self::#name::*;
        }
    });
    quote! {
        //! Every schema of the API: a struct, enum or alias each.
        #always
        #(#groups)*
    }
}

/// ``the cargo feature `a` ``, ``one of the cargo features `a`, `b` ``.
pub(crate) fn features_phrase(cfg: &Cfg) -> String {
    let names: Vec<String> = cfg.0.iter().map(|f| format!("`{f}`")).collect();
    match names.as_slice() {
        [one] => format!("the cargo feature {one}"),
        many => format!("one of the cargo features {}", many.join(", ")),
    }
}

/// The items of `ids`, in order, each with its `Page` impl when a list method pages through it.
fn types(printer: &ModulePrinter<'_>, ids: impl Iterator<Item = TypeId>) -> TokenStream {
    let items = ids.map(|id| {
        if let Some(kept) = printer.type_reexports.get(&id) {
            let path = printer.named(*kept);
            return quote!(pub use #path;);
        }
        let def = printer.api.ty(id);
        let body = type_def_in(printer, def);
        let page = printer
            .pages
            .get(&id)
            .map(|pagination| page_impl(printer, def, pagination));
        quote! { #body #page }
    });
    quote! { #(#items)* }
}

/// Lets the runtime follow `nextPageToken` and hand out the list's items.
fn page_impl(printer: &ModulePrinter<'_>, def: &TypeDef, pagination: &Pagination) -> TokenStream {
    let cfg = printer.type_cfg(def);
    let name = ident(&def.name);
    let (field, item) = &pagination.items;
    let field = ident(field);
    let token = ident(&pagination.next_page_token);
    let item = printer.ty(item);
    let vec = printer.std("Vec");
    let option = printer.std("Option");
    quote! {
        #cfg
        impl ::discogen_runtime::paginate::Page for #name {
            type Item = #item;

            fn next_page_token(&self) -> #option<&str> {
                self.#token.as_deref()
            }

            fn into_items(self) -> #vec<#item> {
                self.#field.unwrap_or_default()
            }
        }
    }
}

#[cfg(test)]
pub fn type_def(model: &Crate<'_>, id: TypeId) -> TokenStream {
    let def = model.api.ty(id);
    type_def_in(&ModulePrinter::new(model, &def.module, []), def)
}

/// A type's items, printed in its module.
fn type_def_in(printer: &ModulePrinter<'_>, def: &TypeDef) -> TokenStream {
    match &def.kind {
        TypeKind::Struct(s) => struct_def(printer, def, s),
        TypeKind::Enum(e) => enum_def(printer, def, e),
        TypeKind::Alias(target) => {
            let docs = doc_attrs(def.doc.as_deref());
            let cfg = printer.type_cfg(def);
            let name = ident(&def.name);
            let target = printer.ty(target);
            quote! { #docs #cfg pub type #name = #target; }
        }
    }
}

fn struct_def(printer: &ModulePrinter<'_>, def: &TypeDef, s: &Struct) -> TokenStream {
    let docs = doc_attrs(def.doc.as_deref());
    let cfg = printer.type_cfg(def);
    let name = ident(&def.name);
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
        let ty = printer.rust(&RustType::field_decl(printer.api, field));
        quote! {
            #docs
            pub #field_name: #ty,
        }
    });
    let additional = s.additional.as_ref().map(|(rust_name, ty)| {
        let field_name = ident(rust_name);
        let map = printer.ty(&TypeRef::Map(Box::new(ty.clone())));
        quote! {
            /// Properties not declared above.
            pub #field_name: #map,
        }
    });
    let unknown = s.unknown_fields.as_ref().map(|rust_name| {
        let field_name = ident(rust_name);
        quote! {
            /// Members of the JSON object this version of the crate does not know, written back unchanged.
            pub #field_name: ::discogen_runtime::UnknownFields,
        }
    });
    let setters = setters(printer, def, s);
    let object = object_impl(printer, def, s);
    quote! {
        #docs
        #cfg
        #[derive(Clone, Debug, Default, PartialEq)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
            #additional
            #unknown
        }

        #setters
        #object
    }
}

/// `with_<field>` setters, so that a value is built as `Intent::default().with_display_name("x")` and code
/// that builds one keeps compiling when the API adds fields. Inline and generic: no code until used.
fn setters(printer: &ModulePrinter<'_>, def: &TypeDef, s: &Struct) -> TokenStream {
    if s.fields.is_empty() && s.additional.is_none() {
        return TokenStream::new();
    }
    let cfg = printer.type_cfg(def);
    let name = ident(&def.name);
    let fields = s.fields.iter().map(|field| {
        let declared = RustType::field_decl(printer.api, field);
        setter(
            printer,
            &field.rust_name,
            printer.ty(&field.ty),
            printer.store(&declared, quote!(value.into())),
        )
    });
    let additional = s.additional.as_ref().map(|(rust_name, ty)| {
        let map = printer.ty(&TypeRef::Map(Box::new(ty.clone())));
        setter(printer, rust_name, map, quote!(value.into()))
    });
    quote! {
        #cfg
        impl #name {
            #(#fields)*
            #additional
        }
    }
}

/// `with_<field>(value: impl Into<ty>)`, storing `stored` (an expression of `value`).
fn setter(
    printer: &ModulePrinter<'_>,
    rust_name: &str,
    ty: TokenStream,
    stored: TokenStream,
) -> TokenStream {
    let field_name = ident(rust_name);
    let plain = rust_name.trim_start_matches("r#");
    let name = ident(&format!("with_{plain}"));
    let into = printer.std("Into");
    let doc = format!(" Sets [`{plain}`](Self::{plain}).");
    quote! {
        #[doc = #doc]
        #[inline]
        pub fn #name(mut self, value: impl #into<#ty>) -> Self {
            self.#field_name = #stored;
            self
        }
    }
}

/// The struct's JSON form: a `match` from a key to its field's number (the shape serde's derive gives, and
/// as fast), one that reads a field by number, and the writes of the fields that are set (see the runtime's
/// `object` module, which does the rest).
fn object_impl(printer: &ModulePrinter<'_>, def: &TypeDef, s: &Struct) -> TokenStream {
    let cfg = printer.type_cfg(def);
    let name = ident(&def.name);
    // The schema id; a synthetic struct goes by its Rust name.
    let schema_name = def
        .origin
        .schema()
        .unwrap_or_else(|| def.name.trim_start_matches("r#"));
    let result = quote!(::std::result::Result);
    let ok = printer.ok_variant();
    let by_key = s.fields_by_key();
    let option = printer.std("Option");
    let field_index_body = field_index_body(printer, &by_key);
    let read_body = read_field_body(printer, &by_key);
    let writes = s.fields.iter().map(|field| {
        let field_name = ident(&field.rust_name);
        let key = &field.wire_name;
        let write = if printer.api.needs_wire(&field.ty) {
            quote!(write_wire)
        } else {
            quote!(write)
        };
        quote!(::discogen_runtime::__private::object::#write(map, #key, &self.#field_name)?;)
    });
    let (read_other, write_others) = other_members(printer, s);
    quote! {
        #cfg
        impl ::discogen_runtime::__private::object::Object for #name {
            const NAME: &'static str = #schema_name;

            #[inline]
            fn field_index(key: &str) -> #option<usize> {
                #field_index_body
            }
            #read_other

            fn read_field<'de, A: ::serde::de::MapAccess<'de>>(
                &mut self,
                index: usize,
                map: &mut A,
            ) -> #result<(), A::Error> {
                #read_body
                #ok(())
            }

            fn write_fields<M: ::serde::ser::SerializeMap>(&self, map: &mut M) -> #result<(), M::Error> {
                #(#writes)*
                #write_others
                #ok(())
            }
        }

        #cfg
        ::discogen_runtime::__private::object_serde!(#name);
    }
}

/// The body of `field_index`: from a JSON key to its number in `by_key`.
fn field_index_body(printer: &ModulePrinter<'_>, by_key: &[&Field]) -> TokenStream {
    let (some, none) = (
        printer.option_variant("Some"),
        printer.option_variant("None"),
    );
    if by_key.is_empty() {
        return quote! {
            let _ = key;
            #none
        };
    }
    let arms = by_key.iter().enumerate().map(|(i, f)| {
        let key = &f.wire_name;
        let i = proc_macro2::Literal::usize_unsuffixed(i);
        quote!(#key => #some(#i),)
    });
    quote! {
        match key {
            #(#arms)*
            _ => #none,
        }
    }
}

/// The body of `read_field`: from the index of a key in `by_key` to the field it sets.
fn read_field_body(printer: &ModulePrinter<'_>, by_key: &[&Field]) -> TokenStream {
    let count = by_key.len();
    let arms = by_key.iter().enumerate().map(|(i, field)| {
        let field_name = ident(&field.rust_name);
        let read = read_expr(printer, &field.ty);
        // The last arm takes the rest, so that the match needs no unreachable arm.
        let pattern = if i + 1 == count {
            quote!(_)
        } else {
            let i = proc_macro2::Literal::usize_unsuffixed(i);
            quote!(#i)
        };
        quote!(#pattern => self.#field_name = #read,)
    });
    if count == 0 {
        quote! {
            let _ = index;
            map.next_value::<::serde::de::IgnoredAny>()?;
        }
    } else if count == 1 {
        let field_name = ident(&by_key[0].rust_name);
        let read = read_expr(printer, &by_key[0].ty);
        quote! {
            let _ = index;
            self.#field_name = #read;
        }
    } else {
        quote! { match index { #(#arms)* } }
    }
}

/// `read_other`, and the writes of the members the struct does not declare: its `additionalProperties`
/// map, or its unknown fields.
fn other_members(
    printer: &ModulePrinter<'_>,
    s: &Struct,
) -> (Option<TokenStream>, Option<TokenStream>) {
    let result = quote!(::std::result::Result);
    let ok = printer.ok_variant();
    let others = s.additional.as_ref().map(|(rust_name, ty)| {
        let field_name = ident(rust_name);
        let read = read_expr(printer, ty);
        let value = if printer.api.needs_wire(ty) {
            quote!(&::discogen_runtime::__private::wire::Ser(value))
        } else {
            quote!(value)
        };
        let read_other = quote! {
            fn read_other<'de, A: ::serde::de::MapAccess<'de>>(
                &mut self,
                key: ::std::string::String,
                map: &mut A,
            ) -> #result<(), A::Error> {
                self.#field_name.insert(key, #read);
                #ok(())
            }
        };
        let write_others = quote! {
            for (key, value) in &self.#field_name {
                map.serialize_entry(key, #value)?;
            }
        };
        (read_other, write_others)
    });
    match (others, &s.unknown_fields) {
        (Some(others), _) => (Some(others.0), Some(others.1)),
        (None, Some(rust_name)) => {
            let field_name = ident(rust_name);
            let option = printer.std("Option");
            let some = printer.option_variant("Some");
            (
                Some(quote! {
                    fn unknown_fields(&mut self) -> #option<&mut ::discogen_runtime::UnknownFields> {
                        #some(&mut self.#field_name)
                    }
                }),
                Some(quote!(self.#field_name.write(map)?;)),
            )
        }
        (None, None) => (None, None),
    }
}

/// Reads the next map value as `ty`, through the wire adapter where its JSON form needs one.
fn read_expr(printer: &ModulePrinter<'_>, ty: &TypeRef) -> TokenStream {
    if printer.api.needs_wire(ty) {
        quote!(::discogen_runtime::__private::object::read_wire(map)?)
    } else {
        quote!(map.next_value()?)
    }
}

/// An open enum. Its conversions are `#[inline]`, compiled where they are used (as the derives' are).
fn enum_def(printer: &ModulePrinter<'_>, def: &TypeDef, e: &Enum) -> TokenStream {
    let docs = doc_attrs(def.doc.as_deref());
    let name = ident(&def.name);
    let string = printer.std("String");
    let from = printer.std("From");
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
    let cfg = printer.type_cfg(def);
    quote! {
        #docs
        #cfg
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value this version of the crate does not know; kept as sent.
            #unknown(#string),
        }

        #cfg
        impl #name {
            /// The value as it is sent on the wire.
            #[inline]
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_wire)*
                    Self::#unknown(value) => value,
                }
            }
        }

        #cfg
        impl #from<&str> for #name {
            #[inline]
            fn from(value: &str) -> Self {
                match value {
                    #(#from_wire)*
                    other => Self::#unknown(#string::from(other)),
                }
            }
        }

        #cfg
        ::discogen_runtime::__private::open_enum!(#name);
    }
}
