//! The `methods` module (cargo feature `testing`): a typed id per method, for the runtime's mocks.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{crate_doc_attrs, markdown_attrs};
use super::{cfg, ident, Files, ModulePrinter};
use crate::cargo_features::TESTING;
use crate::ir::root_items;
use crate::model::{Constructor, Crate, MethodConst};

/// `#[cfg(feature = "testing")] pub mod methods;` and its file; nothing where the model has no such
/// module.
pub fn methods_module(model: &Crate<'_>, files: &mut Files) -> TokenStream {
    let Some(methods) = &model.methods else {
        return TokenStream::new();
    };
    let module = [root_items::METHODS.to_owned()];
    let printer = ModulePrinter::new(model, &module, []);
    let consts = methods
        .items
        .iter()
        .map(|item| method_const(&printer, item));
    let doc = module_doc(methods.items.first().map(|item| item.name.as_str()));
    let body = quote! {
        #doc
        #(#consts)*
    };
    let module = files.module(
        quote!(#[cfg(feature = #TESTING)] pub),
        root_items::METHODS,
        "lib.rs",
        &methods.file,
        body,
    );
    quote! {
        #module

        /// The runtime's testing support: [`Mock`](testing::Mock), [`FakeOperation`](testing::FakeOperation),
        /// answers and recorded requests, for the expectations that [`methods`] types.
        #[cfg(feature = #TESTING)]
        pub use ::discogen_runtime::testing;
    }
}

/// What the module is for, with an expectation on its first constant as the example.
fn module_doc(example: Option<&str>) -> TokenStream {
    let example = example.map_or_else(String::new, |name| {
        format!(", e.g. `mock.on(methods::{name}).returns(...)`")
    });
    let doc = format!(
        "Typed method ids, one constant per method of the API (cargo feature `testing`). Each is a \
         [`MethodId`](crate::testing::MethodId) that names the method's Discovery id and the type \
         its request's `send()` returns, so that an expectation on the [`Mock`](crate::testing::Mock) \
         only takes an answer of that type{example}."
    );
    crate_doc_attrs(&doc)
}

/// `pub const NAME: MethodId<Response> = MethodId::new("id");`, under its method's `cfg`.
fn method_const(printer: &ModulePrinter<'_>, item: &MethodConst) -> TokenStream {
    let name = ident(&item.name);
    let response = printer.rust(&item.response);
    let id = &item.id;
    let docs = markdown_attrs(&format!(
        "`{}` (`{id}`)\n\nBuilt by {}.",
        item.request_line,
        constructor_link(&item.constructor)
    ));
    let cfg = cfg(&item.cfg);
    quote! {
        #docs
        #cfg
        pub const #name: ::discogen_runtime::testing::MethodId<#response> =
            ::discogen_runtime::testing::MethodId::new(#id);
    }
}

/// ``[`Agent::get`](crate::resources::projects::agent::Agent::get)``.
fn constructor_link(constructor: &Constructor) -> String {
    let handle = constructor.handle.trim_start_matches("r#");
    let function = constructor.function.trim_start_matches("r#");
    let mut path = vec!["crate"];
    path.extend(
        constructor
            .module
            .iter()
            .map(|m| m.trim_start_matches("r#")),
    );
    path.extend([handle, function]);
    format!("[`{handle}::{function}`]({})", path.join("::"))
}
