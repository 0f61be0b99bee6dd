//! Resource handles and one builder per method. A builder is data (its parameters) plus `to_request`,
//! which describes the HTTP call; the runtime's one generic `execute` sends it.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::{doc_attrs, markdown_attrs, one_line, param_doc_attrs, type_link};
use super::types::module_types;
use super::{cfg, ident, Scope};
use crate::ir::*;

/// `resources.rs`: the top-level resource modules and the document-level methods.
pub fn resources_rs(api: &Api) -> TokenStream {
    let modules = api.root.resources.iter().map(|r| {
        let name = ident(r.module.last().map(String::as_str).unwrap_or_default());
        let doc = format!(" The `{}` resource.", r.wire_name);
        let cfg = cfg(&r.features);
        quote! { #[doc = #doc] #cfg pub mod #name; }
    });
    let scope = Scope::new(
        api,
        &api.root.module,
        api.root.methods.iter().map(|m| m.builder.as_str()),
    );
    // The client in the crate root constructs these builders, so their fields are visible crate-wide.
    let builders = api
        .root
        .methods
        .iter()
        .map(|m| builder(&scope, m, quote!(pub(crate))));
    let types = module_types(api, &api.root.module);
    quote! {
        //! Resources of the API, each a module with a handle, and one request builder per method.
        #(#modules)*
        #(#builders)*
        #types
    }
}

/// The contents of a resource's module: its handle, builders, parameter enums and sub-resource modules.
pub fn resource_body(api: &Api, resource: &Resource) -> TokenStream {
    let declared = std::iter::once(resource.handle.as_str())
        .chain(resource.methods.iter().map(|m| m.builder.as_str()));
    let scope = Scope::new(api, &resource.module, declared);
    let handle = ident(&resource.handle);
    let handle_doc = format!(" The `{}` resource.", resource.wire_path);
    let client = quote!(::discogen_runtime::Client);
    let accessors = resource
        .resources
        .iter()
        .map(|child| accessor(child, quote!(self.client.clone())));
    let constructors = resource.methods.iter().map(|m| {
        let builder = ident(&m.builder);
        constructor(&scope, m, quote!(self.client.clone()), quote!(#builder))
    });
    let builders = resource
        .methods
        .iter()
        .map(|m| builder(&scope, m, TokenStream::new()));
    let types = module_types(api, &resource.module);
    let children = resource.resources.iter().map(|child| {
        let name = ident(child.module.last().map(String::as_str).unwrap_or_default());
        let body = resource_body(api, child);
        let doc = format!(" The `{}` resource.", child.wire_path);
        let cfg = cfg(&child.features);
        quote! { #[doc = #doc] #cfg pub mod #name { #body } }
    });
    quote! {
        #[doc = #handle_doc]
        #[derive(Clone, Debug)]
        pub struct #handle {
            pub(crate) client: #client,
        }

        impl #handle {
            #(#accessors)*
            #(#constructors)*
        }

        #(#builders)*
        #types
        #(#children)*
    }
}

/// The method on a parent handle (or the client) that returns a sub-resource's handle.
pub fn accessor(child: &Resource, client: TokenStream) -> TokenStream {
    let name = ident(&child.accessor);
    let path: Vec<_> = child.module.iter().skip(1).map(|m| ident(m)).collect();
    let handle = ident(&child.handle);
    let doc = format!(" The `{}` resource.", child.wire_name);
    let needs = (!child.features.is_empty()).then(|| {
        let names: Vec<String> = child.features.iter().map(|f| format!("`{f}`")).collect();
        let note = match names.as_slice() {
            [one] => format!(" Needs the cargo feature {one} (on by default)."),
            many => format!(
                " Needs one of the cargo features {} (on by default).",
                many.join(", ")
            ),
        };
        quote!(#[doc = ""] #[doc = #note])
    });
    let cfg = cfg(&child.features);
    let deprecated = child.deprecated.then(|| quote!(#[deprecated]));
    quote! {
        #[doc = #doc]
        #needs
        #cfg
        #deprecated
        pub fn #name(&self) -> crate::resources #(::#path)* :: #handle {
            crate::resources #(::#path)* :: #handle { client: #client }
        }
    }
}

/// The method on a handle that starts a call: required parameters (and the body) are its arguments.
pub fn constructor(
    scope: &Scope<'_>,
    method: &Method,
    client: TokenStream,
    builder: TokenStream,
) -> TokenStream {
    let name = ident(&method.fn_name);
    let mut args = Vec::new();
    let mut inits = Vec::new();
    for param in method.params.iter() {
        let field = ident(&param.rust_name);
        if param.required {
            let (arg_ty, convert) = setter_input(scope, param);
            args.push(quote!(#field: #arg_ty));
            inits.push(match convert {
                Some(convert) => quote!(#field: #convert),
                None => quote!(#field),
            });
        } else if param.repeated {
            let vec = scope.std("Vec");
            inits.push(quote!(#field: #vec::new()));
        } else {
            let none = scope.option_variant("None");
            inits.push(quote!(#field: #none));
        }
    }
    if let Some(body) = &method.request {
        let field = ident(&body.rust_name);
        let ty = scope.ty(&body.ty);
        args.push(quote!(#field: #ty));
        inits.push(quote!(#field));
    }
    let docs = method_docs(scope.api, method);
    let deprecated = method.deprecated.then(|| quote!(#[deprecated]));
    // The API named the method; it starts a call rather than constructing the handle.
    let allow_new = (method.fn_name == "new").then(|| quote!(#[allow(clippy::new_ret_no_self)]));
    let default = scope.std("Default");
    quote! {
        #docs
        #deprecated
        #allow_new
        pub fn #name(&self, #(#args),*) -> #builder {
            #builder {
                client: #client,
                #(#inits,)*
                params: #default::default(),
            }
        }
    }
}

/// A setter's (or constructor argument's) input type and the expression that stores it (`None`: as is).
fn setter_input(scope: &Scope<'_>, param: &Param) -> (TokenStream, Option<TokenStream>) {
    let field = ident(&param.rust_name);
    let string = scope.std("String");
    let into = scope.std("Into");
    let is_string = matches!(param.ty, TypeRef::String | TypeRef::FieldMask);
    match (param.repeated, is_string) {
        (false, true) => (quote!(impl #into<#string>), Some(quote!(#field.into()))),
        (false, false) => (scope.ty(&param.ty), None),
        (true, true) => {
            let iter = scope.std("IntoIterator");
            (
                quote!(impl #iter<Item = impl #into<#string>>),
                Some(quote!(#field.into_iter().map(#into::into).collect())),
            )
        }
        (true, false) => {
            let iter = scope.std("IntoIterator");
            let ty = scope.ty(&param.ty);
            (
                quote!(impl #iter<Item = #ty>),
                Some(quote!(#field.into_iter().collect())),
            )
        }
    }
}

fn builder(scope: &Scope<'_>, method: &Method, field_vis: TokenStream) -> TokenStream {
    let name = ident(&method.builder);
    let option = scope.std("Option");
    let vec = scope.std("Vec");

    let fields = method.params.iter().map(|param| {
        let field = ident(&param.rust_name);
        let ty = scope.ty(&param.ty);
        let ty = match (param.repeated, param.required) {
            (true, _) => quote!(#vec<#ty>),
            (false, true) => ty,
            (false, false) => quote!(#option<#ty>),
        };
        quote!(#field_vis #field: #ty,)
    });
    let body_field = method.request.as_ref().map(|body| {
        let field = ident(&body.rust_name);
        let ty = scope.ty(&body.ty);
        quote!(#field_vis #field: #ty,)
    });

    let setters = method.optional_params().map(|param| {
        let field = ident(&param.rust_name);
        let (input, convert) = setter_input(scope, param);
        let value = convert.unwrap_or_else(|| quote!(#field));
        let stored = if param.repeated {
            value
        } else {
            let some = scope.option_variant("Some");
            quote!(#some(#value))
        };
        let deprecated = param.deprecated.then_some("Deprecated.");
        let docs = param_doc_attrs(
            scope.api,
            param.doc.as_deref().into_iter().chain(deprecated),
            &param.ty,
        );
        quote! {
            #docs
            pub fn #field(mut self, #field: #input) -> Self {
                self.#field = #stored;
                self
            }
        }
    });

    let http_method = format_ident!("{}", method.http_method.as_str());
    let path = path_expr(scope, method, &method.path);
    let queries = method
        .params
        .iter()
        .filter(|p| p.location == Location::Query)
        .map(|param| {
            let field = ident(&param.rust_name);
            let wire = &param.wire_name;
            quote!(request.query(#wire, &self.#field);)
        });
    let api_version = method
        .api_version
        .as_ref()
        .map(|v| quote!(request.api_version(#v);));
    // `features: ["dataWrapper"]` APIs wrap JSON bodies in `{"data": ...}` both ways.
    let wrapped = scope.api.data_wrapper;
    let body = method.request.as_ref().map(|body| {
        let field = ident(&body.rust_name);
        if wrapped {
            quote!(request.json_body(&::discogen_runtime::DataWrapper { data: &self.#field });)
        } else {
            quote!(request.json_body(&self.#field);)
        }
    });
    let (response, execute) = match &method.response {
        Some(ty) => (scope.ty(ty), quote!(execute)),
        None => (quote!(()), quote!(execute_unit)),
    };
    let send_body = match (&method.response, wrapped) {
        (Some(_), true) => quote! {
            self.client
                .execute::<::discogen_runtime::DataWrapper<#response>>(self.to_request())
                .await
                .map(|wrapper| wrapper.data)
        },
        _ => quote!(self.client.#execute(self.to_request()).await),
    };

    let send = scope.std("Send");
    let paging = method.pagination.as_ref().map(|pagination| {
        let page = scope.named(pagination.response);
        let item = scope.ty(&pagination.items.1);
        quote! {
            /// Every page of the result, following `nextPageToken` from this request on.
            pub fn pages(self) -> impl ::discogen_runtime::paginate::Stream<Item = ::discogen_runtime::Result<#page>> + #send {
                ::discogen_runtime::paginate::pages(self.client.clone(), self.to_request())
            }

            /// Every item of every page.
            pub fn items(self) -> impl ::discogen_runtime::paginate::Stream<Item = ::discogen_runtime::Result<#item>> + #send {
                ::discogen_runtime::paginate::items::<#page>(self.client.clone(), self.to_request())
            }
        }
    });
    let start = method.returns_operation.then(|| start(scope, method));

    let media = media_methods(scope, method, &response);

    let mut doc = vec![method.doc.clone().unwrap_or_default()];
    let template = method.request_line();
    doc.push(format!(
        "`{template}`{}",
        method
            .id
            .as_ref()
            .map(|id| format!(" (`{id}`)"))
            .unwrap_or_default()
    ));
    if !method.unsupported.is_empty() {
        doc.push(format!(
            "Not supported by this crate yet: {}.",
            method.unsupported.join(", ")
        ));
    }
    let docs = doc_attrs(doc.iter().map(String::as_str));
    // Names the call in its tracing span.
    let method_id = method.id.as_ref().map(|id| quote!(request.method_id(#id);));

    quote! {
        #docs
        #[derive(Clone, Debug)]
        #[must_use = "a request does nothing until it is sent"]
        pub struct #name {
            #field_vis client: ::discogen_runtime::Client,
            #(#fields)*
            #body_field
            #field_vis params: ::discogen_runtime::Params,
        }

        impl #name {
            #(#setters)*

            /// The HTTP request this call sends.
            pub fn to_request(&self) -> ::discogen_runtime::Request {
                let mut request = ::discogen_runtime::Request::new(::discogen_runtime::Method::#http_method, #path);
                #method_id
                #(#queries)*
                #api_version
                #body
                request.params(self.params.clone());
                request
            }

            /// Sends the request and decodes the response.
            pub async fn send(self) -> ::discogen_runtime::Result<#response> {
                #send_body
            }

            #paging
            #start
            #media
        }

        impl ::discogen_runtime::CallOptions for #name {
            fn call_params(&mut self) -> &mut ::discogen_runtime::Params {
                &mut self.params
            }
        }
    }
}

/// `start()`: sends the request and returns a poller for the operation it starts, typed by the declared
/// result when there is one.
fn start(scope: &Scope<'_>, method: &Method) -> TokenStream {
    let ok = scope.ok_variant();
    let poller = quote!(::discogen_runtime::lro::Poller);
    let (ty, typed, doc) = match &method.operation_result {
        Some(result) => {
            let response = payload_ty(scope, result.response);
            let metadata = payload_ty(scope, result.metadata);
            let doc = format!(
                " Sends the request and returns a poller for the long-running operation it starts: `wait()` \
                 gives {}, `progress()` {} metadata.",
                payload_doc(scope.api, result.response),
                payload_doc(scope.api, result.metadata),
            );
            (
                quote!(#poller<crate::Client, ::discogen_runtime::lro::Typed<#response, #metadata>>),
                quote!(.typed()),
                doc,
            )
        }
        None if status_style(scope.api) => (
            quote!(#poller<crate::Client>),
            TokenStream::new(),
            " Sends the request and returns a poller for the operation it starts (polled through its \
             `selfLink`): `wait()` gives the done operation, `wait_for::<()>()` its error, and \
             `wait_target::<T>()` fetches the resource it changed (its `targetLink`) as `T`."
                .to_owned(),
        ),
        None => (
            quote!(#poller<crate::Client>),
            TokenStream::new(),
            " Sends the request and returns a poller for the long-running operation it starts. The \
             document does not say what the operation returns: `wait()` gives the operation, and \
             `wait_for::<T>()` decodes its response as `T`."
                .to_owned(),
        ),
    };
    quote! {
        #[doc = #doc]
        pub async fn start(self) -> ::discogen_runtime::Result<#ty> {
            let client = crate::Client::new(self.client.clone());
            let operation = self.send().await?;
            #ok(#poller::from_operation(client, operation) #typed)
        }
    }
}

fn payload_ty(scope: &Scope<'_>, payload: OperationPayload) -> TokenStream {
    match payload {
        OperationPayload::Message(id) => scope.named(id),
        OperationPayload::Unit => quote!(()),
        OperationPayload::Json => quote!(::serde_json::Value),
    }
}

fn payload_doc(api: &Api, payload: OperationPayload) -> String {
    match payload {
        OperationPayload::Message(id) => type_link(api, &TypeRef::Named(id)),
        OperationPayload::Unit => "nothing (`()`)".to_owned(),
        OperationPayload::Json => "JSON".to_owned(),
    }
}

/// A method's docs where it is called: its description, the HTTP request and method id, its arguments
/// and what it returns.
fn method_docs(api: &Api, method: &Method) -> TokenStream {
    let mut docs = doc_attrs(method.doc.as_deref());
    let mut lines = vec![format!(
        "`{}`{}",
        method.request_line(),
        method
            .id
            .as_ref()
            .map(|id| format!(" (`{id}`)"))
            .unwrap_or_default()
    )];
    let mut arguments: Vec<String> = method
        .required_params()
        .map(|p| {
            let mut line = format!("- `{}`", p.rust_name.trim_start_matches("r#"));
            if let Some(doc) = p.doc.as_deref().filter(|d| !d.trim().is_empty()) {
                line.push_str(&format!(": {}", one_line(doc)));
            }
            line
        })
        .collect();
    if let Some(body) = &method.request {
        arguments.push(format!(
            "- `{}`: the request body, {}",
            body.rust_name.trim_start_matches("r#"),
            type_link(api, &body.ty)
        ));
    }
    if !arguments.is_empty() {
        lines.push(format!("Arguments:\n{}", arguments.join("\n")));
    }
    lines.push(returns_doc(api, method));
    let separator = (!docs.is_empty()).then(|| quote!(#[doc = ""]));
    let generated = markdown_attrs(&lines.join("\n\n"));
    docs.extend(quote!(#separator #generated));
    docs
}

fn returns_doc(api: &Api, method: &Method) -> String {
    let sent = match &method.response {
        None => "Returns nothing: `send()` gives `()`.".to_owned(),
        Some(ty) => format!("Returns {}.", type_link(api, ty)),
    };
    if !method.returns_operation {
        return sent;
    }
    match &method.operation_result {
        Some(result) => format!(
            "{sent} `start()` waits on it instead: a poller whose `wait()` gives {} and whose `progress()` shows {} metadata.",
            payload_doc(api, result.response),
            payload_doc(api, result.metadata)
        ),
        None if status_style(api) => format!(
            "{sent} `start()` waits on it instead; `wait_target::<T>()` on its poller fetches the \
             resource the operation changed as `T`."
        ),
        None => format!(
            "{sent} `start()` waits on it instead; what the operation returns is not in the document \
             (`wait_for::<T>()` decodes it as `T`)."
        ),
    }
}

/// Whether the API's operations are status-style (compute's `status: DONE`, `targetLink`).
fn status_style(api: &Api) -> bool {
    api.lro.as_ref().is_some_and(|lro| !lro.is_longrunning())
}

/// The expression that builds the request path: a `format!` over percent-encoded variables.
fn path_expr(scope: &Scope<'_>, method: &Method, path: &[PathPart]) -> TokenStream {
    let string = scope.std("String");
    let mut template = String::new();
    let mut args = Vec::new();
    for part in path {
        match part {
            PathPart::Literal(text) => {
                template.push_str(&text.replace('{', "{{").replace('}', "}}"))
            }
            PathPart::Var { param, expansion } => {
                template.push_str("{}");
                let param = &method.params[*param];
                let field = ident(&param.rust_name);
                let value = match &param.ty {
                    TypeRef::String | TypeRef::FieldMask => quote!(&self.#field),
                    TypeRef::Named(_) => quote!(self.#field.as_str()),
                    // The form a query parameter of the type has (URL-safe base64).
                    TypeRef::Bytes => quote!(&self.#field.to_base64_url()),
                    _ => quote!(&self.#field.to_string()),
                };
                let encode = match expansion {
                    Expansion::Simple => quote!(simple),
                    Expansion::ReservedFull => quote!(reserved),
                    Expansion::Reserved => quote!(reserved_rfc6570),
                };
                args.push(quote!(::discogen_runtime::path::#encode(#value)));
            }
        }
    }
    if args.is_empty() {
        quote!(#string::from(#template))
    } else {
        quote!(format!(#template, #(#args),*))
    }
}

/// `upload` / `upload_resumable` for methods that take media, `download` for methods that return it.
fn media_methods(scope: &Scope<'_>, method: &Method, response: &TokenStream) -> TokenStream {
    let mut out = TokenStream::new();
    let into = scope.std("Into");
    let vec = scope.std("Vec");
    let (execute, response) = match &method.response {
        Some(_) => (quote!(execute), response.clone()),
        None => (quote!(execute_unit), quote!(())),
    };
    if let Some(upload) = &method.upload {
        let mut limits = Vec::new();
        if !upload.accept.is_empty() {
            limits.push(format!(
                "Accepted media types: `{}`.",
                upload.accept.join("`, `")
            ));
        }
        if let Some(max) = &upload.max_size {
            limits.push(format!("At most {max}."));
        }
        let limits = limits.join(" ");
        if let Some(path) = &upload.simple {
            let path = path_expr(scope, method, path);
            let doc = format!(
                " Sends `data` as this call's media in one request: with the request body as metadata (multipart) \
                 when the method has one, on its own otherwise. {limits}"
            );
            out.extend(quote! {
                #[doc = #doc]
                pub async fn upload(self, data: impl #into<#vec<u8>>, media_type: &str) -> ::discogen_runtime::Result<#response> {
                    let mut request = self.to_request();
                    request.set_path(#path);
                    request.media(data.into(), media_type);
                    self.client.#execute(request).await
                }
            });
        }
        if let Some(path) = &upload.resumable {
            let path = path_expr(scope, method, path);
            let result = if method.response.is_some() {
                quote!(#response)
            } else {
                quote!(::serde::de::IgnoredAny)
            };
            let finish = if method.response.is_some() {
                quote!()
            } else {
                quote!(.map(|_| ()))
            };
            let doc = format!(
                " Sends `data` as this call's media through a resumable upload session (the request body, if \
                 any, is the metadata). {limits}"
            );
            out.extend(quote! {
                #[doc = #doc]
                pub async fn upload_resumable(self, data: impl #into<#vec<u8>>, media_type: &str) -> ::discogen_runtime::Result<#response> {
                    let mut request = self.to_request();
                    request.set_path(#path);
                    self.client.upload_resumable::<#result>(request, data.into(), media_type).await #finish
                }
            });
        }
    }
    if method.download {
        out.extend(quote! {
            /// Sends the request with `alt=media` and returns the media itself rather than its metadata.
            pub async fn download(self) -> ::discogen_runtime::Result<#vec<u8>> {
                let mut request = self.to_request();
                request.set_query("alt", "media");
                self.client.download(request).await
            }
        });
    }
    out
}
