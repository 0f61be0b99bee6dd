//! Resource handles and request builders, one per shape of request. A builder is data (its parameters)
//! plus `to_request`, which describes the HTTP call; the runtime's one generic `execute` sends it.
//!
//! Accessors, constructors, setters and `to_request` are `#[inline]`: each is compiled in the app that
//! calls it, not in the generated crate, most of whose methods an app never calls.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::{doc_attrs, markdown_attrs, one_line, param_doc_attrs, type_link};
use super::types::{features_phrase, module_types};
use super::{cfg, ident, Files, ModulePrinter};
use crate::ir::*;
use crate::model::{Builder, Call, Crate, FieldAccess, MediaUpload, MethodIdSource};
use crate::model::{ResourceModule, RustType, StartKind};

/// `resources.rs`: the top-level resource modules and the document-level methods.
pub fn resources_rs(model: &Crate<'_>, files: &mut Files) -> TokenStream {
    let root = &model.resources;
    let modules: Vec<TokenStream> = root
        .children
        .iter()
        .map(|child| child_module(model, root, child, files))
        .collect();
    let shared = shared_builders(model, files);
    let builder_names = root.methods.iter().map(|m| m.method.builder.as_str());
    let printer = ModulePrinter::new(model, &root.resource.module, builder_names);
    let builders = root
        .methods
        .iter()
        .map(|item| builder(&printer, &model.builders[item.builder.0]));
    let types = module_types(model, &root.resource.module);
    quote! {
        //! Resources of the API: each a module with a handle whose methods start requests, and the request
        //! builders, one per shape of request (methods that take the same parameters share one).
        #(#modules)*
        #shared
        #(#builders)*
        #types
    }
}

/// The module of the builders that methods of different cargo families share, each compiled by any of
/// them; nothing when there are none.
fn shared_builders(model: &Crate<'_>, files: &mut Files) -> TokenStream {
    let module = &model.shared_builders;
    let shared: Vec<&Builder<'_>> = model
        .builders
        .iter()
        .filter(|b| &b.module == module)
        .collect();
    if shared.is_empty() {
        return TokenStream::new();
    }
    let printer = ModulePrinter::new(model, module, shared.iter().map(|b| b.name.as_str()));
    let builders = shared.iter().map(|b| builder(&printer, b));
    let body = quote! {
        //! The request builders that methods of more than one resource family share, each re-exported
        //! where its methods are, under the name it has there.
        #(#builders)*
    };
    let name = module.last().map(String::as_str).unwrap_or_default();
    files.module(
        quote!(pub),
        name,
        &model.resources.file,
        &model.shared_builders_file,
        body,
    )
}

/// A child resource's module: declared here, its body inline or in its own file.
fn child_module(
    model: &Crate<'_>,
    parent: &ResourceModule<'_>,
    child: &ResourceModule<'_>,
    files: &mut Files,
) -> TokenStream {
    let body = resource_body(model, child, files);
    let doc = format!(" The `{}` resource.", child.resource.wire_path);
    let cfg = cfg(&child.cfg);
    let name = child
        .resource
        .module
        .last()
        .map(String::as_str)
        .unwrap_or_default();
    files.module(
        quote!(#[doc = #doc] #cfg pub),
        name,
        &parent.file,
        &child.file,
        body,
    )
}

/// The contents of a resource's module: its handle, builders (or re-exports of the builders it shares),
/// parameter enums and sub-resource modules.
pub fn resource_body(
    model: &Crate<'_>,
    module: &ResourceModule<'_>,
    files: &mut Files,
) -> TokenStream {
    let resource = module.resource;
    let declared = std::iter::once(resource.handle.as_str())
        .chain(resource.methods.iter().map(|m| m.builder.as_str()));
    let printer = ModulePrinter::new(model, &resource.module, declared);
    let handle = ident(&resource.handle);
    let handle_doc = format!(" The `{}` resource.", resource.wire_path);
    let client = quote!(::discogen_runtime::Client);
    let accessors = module
        .children
        .iter()
        .map(|child| accessor(child, quote!(self.client.clone())));
    // Each builder is named here by the method's builder name, whether defined or re-exported.
    let constructors = module.methods.iter().map(|item| {
        let builder = &model.builders[item.builder.0];
        let name = ident(&item.method.builder);
        constructor(
            &printer,
            item.method,
            builder,
            quote!(self.client.clone()),
            quote!(#name),
        )
    });
    let builders = module.methods.iter().map(|item| {
        let builder = &model.builders[item.builder.0];
        if builder.module == resource.module {
            return self::builder(&printer, builder);
        }
        let path = printer.path(&builder.module, &builder.name);
        if builder.name == item.method.builder {
            quote!(pub use #path;)
        } else {
            let name = ident(&item.method.builder);
            quote!(pub use #path as #name;)
        }
    });
    let types = module_types(model, &resource.module);
    let children = module
        .children
        .iter()
        .map(|child| child_module(model, module, child, files));
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
pub fn accessor(child: &ResourceModule<'_>, client: TokenStream) -> TokenStream {
    let resource = child.resource;
    let name = ident(&resource.accessor);
    let path: Vec<_> = resource.module.iter().skip(1).map(|m| ident(m)).collect();
    let handle = ident(&resource.handle);
    let doc = format!(" The `{}` resource.", resource.wire_name);
    let needs = (!child.cfg.always()).then(|| {
        let note = format!(" Needs {} (on by default).", features_phrase(&child.cfg));
        quote!(#[doc = ""] #[doc = #note])
    });
    let cfg = cfg(&child.cfg);
    let deprecated = resource.deprecated.then(|| quote!(#[deprecated]));
    quote! {
        #[doc = #doc]
        #needs
        #cfg
        #deprecated
        #[inline]
        pub fn #name(&self) -> crate::resources #(::#path)* :: #handle {
            crate::resources #(::#path)* :: #handle { client: #client }
        }
    }
}

/// The method on a handle that starts a call: required parameters (and the body) are its arguments.
pub fn constructor(
    printer: &ModulePrinter<'_>,
    method: &Method,
    builder: &Builder<'_>,
    client: TokenStream,
    builder_path: TokenStream,
) -> TokenStream {
    let name = ident(&method.fn_name);
    let mut args = Vec::new();
    let mut inits = Vec::new();
    for param in method.params.iter() {
        let field = ident(&param.rust_name);
        let unset = printer.unset(&RustType::builder_field(printer.api, param));
        match unset.filter(|_| !param.required) {
            Some(unset) => inits.push(quote!(#field: #unset)),
            None => {
                let (arg_ty, convert) = setter_input(printer, param);
                args.push(quote!(#field: #arg_ty));
                inits.push(match convert {
                    Some(convert) => quote!(#field: #convert),
                    None => quote!(#field),
                });
            }
        }
    }
    if let Some(body) = &method.request {
        let field = ident(&body.rust_name);
        let ty = printer.ty(&body.ty);
        args.push(quote!(#field: #ty));
        inits.push(quote!(#field));
    }
    // A builder of several methods names the one it was made for in its tracing span.
    if builder.method_id() == MethodIdSource::Field {
        if let Some(id) = &method.id {
            let method_id = ident(builder_members::METHOD_ID);
            inits.push(quote!(#method_id: #id));
        }
    }
    let docs = method_docs(printer.api, method, builder.start());
    let deprecated = method.deprecated.then(|| quote!(#[deprecated]));
    // The API named the method; it starts a call rather than constructing the handle.
    let allow_new = (method.fn_name == "new").then(|| quote!(#[allow(clippy::new_ret_no_self)]));
    let default = printer.std("Default");
    let (client_field, params) = (
        ident(builder_members::CLIENT),
        ident(builder_members::PARAMS),
    );
    quote! {
        #docs
        #deprecated
        #allow_new
        #[inline]
        pub fn #name(&self, #(#args),*) -> #builder_path {
            #builder_path {
                #client_field: #client,
                #(#inits,)*
                #params: #default::default(),
            }
        }
    }
}

/// A setter's (or constructor argument's) input type and the expression that stores it (`None`: as is).
fn setter_input(printer: &ModulePrinter<'_>, param: &Param) -> (TokenStream, Option<TokenStream>) {
    let field = ident(&param.rust_name);
    let string = printer.std("String");
    let into = printer.std("Into");
    let is_string = matches!(param.ty, TypeRef::String | TypeRef::FieldMask);
    match (param.repeated, is_string) {
        (false, true) => (quote!(impl #into<#string>), Some(quote!(#field.into()))),
        (false, false) => (printer.ty(&param.ty), None),
        (true, true) => {
            let iter = printer.std("IntoIterator");
            (
                quote!(impl #iter<Item = impl #into<#string>>),
                Some(quote!(#field.into_iter().map(#into::into).collect())),
            )
        }
        (true, false) => {
            let iter = printer.std("IntoIterator");
            let ty = printer.ty(&param.ty);
            (
                quote!(impl #iter<Item = #ty>),
                Some(quote!(#field.into_iter().collect())),
            )
        }
    }
}

fn builder(printer: &ModulePrinter<'_>, builder: &Builder<'_>) -> TokenStream {
    let method = builder.method;
    let name = ident(&builder.name);
    let field_vis = match builder.field_access() {
        FieldAccess::Crate => Some(quote!(pub(crate))),
        FieldAccess::Module => None,
    };
    let fields = builder.fields(printer.api).map(|(name, ty)| {
        let (name, ty) = (ident(name), printer.rust(&ty));
        quote!(#field_vis #name: #ty,)
    });
    let method_id = (builder.method_id() == MethodIdSource::Field).then(|| {
        let method_id = ident(builder_members::METHOD_ID);
        quote!(#field_vis #method_id: &'static str,)
    });
    let (client, params, send) = (
        ident(builder_members::CLIENT),
        ident(builder_members::PARAMS),
        ident(builder_members::SEND),
    );
    let setters = method.optional_params().map(|param| setter(printer, param));
    let to_request = to_request(printer, builder);
    let response = printer.rust(&RustType::response(printer.api, method.response.as_ref()));
    let send_body = send_body(printer, method, &response);
    let calls = builder
        .calls
        .iter()
        .map(|call| call_fns(printer, method, call, &response));
    let docs = builder_docs(builder);
    // Only a builder in the shared module is gated by itself; the others, by their module.
    let cfg = (builder.module == printer.shared_builders).then(|| cfg(&builder.cfg));
    let batch = batch_call(printer, method, &name, &response, cfg.as_ref());
    quote! {
        #docs
        #cfg
        #[derive(Clone, Debug)]
        #[must_use = "a request does nothing until it is sent"]
        pub struct #name {
            #field_vis #client: ::discogen_runtime::Client,
            #method_id
            #(#fields)*
            #field_vis #params: ::discogen_runtime::__private::Params,
        }

        #cfg
        impl #name {
            #(#setters)*
            #to_request

            /// Sends the request and decodes the response.
            pub async fn #send(self) -> ::discogen_runtime::Result<#response> {
                #send_body
            }

            #(#calls)*
        }

        #cfg
        impl ::discogen_runtime::CallOptions for #name {
            fn call_params(&mut self) -> &mut ::discogen_runtime::__private::Params {
                &mut self.params
            }
        }

        #batch
    }
}

/// What makes a builder a call of its crate's batches: the crate's `Client`, what `send()` gives
/// and how it decodes an answer (as `send()` does).
fn batch_call(
    printer: &ModulePrinter<'_>,
    method: &Method,
    name: &proc_macro2::Ident,
    response: &TokenStream,
    cfg: Option<&TokenStream>,
) -> TokenStream {
    if !printer.batch {
        return TokenStream::new();
    }
    let answer = match (&method.response, printer.api.data_wrapper) {
        (Some(_), true) => quote!(Wrapped),
        (Some(_), false) => quote!(Json),
        (None, _) => quote!(Unit),
    };
    // The crate's own types by their path below the root: the macro writes `crate::` (a `crate` in a
    // macro's arguments would be laid out as `crate ::schemas`).
    let output = match RustType::response(printer.api, method.response.as_ref()) {
        RustType::Unit => quote!(()),
        RustType::Named { module, name } => {
            let segments = module.iter().chain([&name]).map(|s| ident(s));
            quote!(#(#segments)::*)
        }
        _ => quote!(type #response),
    };
    quote! {
        #cfg
        ::discogen_runtime::__private::batch_call!(#name, #output; #answer);
    }
}

/// What every builder takes besides its setters, said on its page: the blanket traits' methods are
/// otherwise shown only in a collapsed impl.
const BUILDER_TAKES_ALSO: &str = "\nBesides its setters, it takes the \
     [standard parameters](crate::StandardParameters) (`fields`, `quotaUser`, `$.xgafv`, ...) and the \
     [per-call options](crate::CallOptions) (timeout, retry policy, idempotency, headers).";

/// The builder's docs: the method's description, its request line and id; a builder of several methods lists every
/// method it serves.
fn builder_docs(builder: &Builder<'_>) -> TokenStream {
    let method = builder.method;
    let line = method.request_line();
    let mut doc = if builder.serves_several() {
        let served: Vec<String> = builder
            .serves
            .iter()
            .filter_map(|(method, _)| method.id.as_ref())
            .map(|id| format!("- `{id}`"))
            .collect();
        vec![
            builder.common_doc().map_or_else(
                || {
                    "The request of each method below: the same HTTP call, parameters and result."
                        .to_owned()
                },
                str::to_owned,
            ),
            format!("`{line}`, for:\n{}", served.join("\n")),
        ]
    } else {
        let id = method.id.as_ref().map(|id| format!(" (`{id}`)"));
        vec![
            method.doc.clone().unwrap_or_default(),
            format!("`{line}`{}", id.unwrap_or_default()),
        ]
    };
    if !method.unsupported.is_empty() {
        doc.push(format!(
            "Not supported by this crate yet: {}.",
            method.unsupported.join(", ")
        ));
    }
    let described = doc_attrs(doc.iter().map(String::as_str));
    let takes_also = markdown_attrs(BUILDER_TAKES_ALSO);
    quote!(#described #takes_also)
}

/// The setter of an optional parameter, with its description and allowed values.
fn setter(printer: &ModulePrinter<'_>, param: &Param) -> TokenStream {
    let field = ident(&param.rust_name);
    let (input, convert) = setter_input(printer, param);
    let value = convert.unwrap_or_else(|| quote!(#field));
    let stored = printer.store(&RustType::builder_field(printer.api, param), value);
    let deprecated = param.deprecated.then_some("Deprecated.");
    let docs = param_doc_attrs(
        printer.api,
        param.doc.as_deref().into_iter().chain(deprecated),
        &param.ty,
    );
    quote! {
        #docs
        #[inline]
        pub fn #field(mut self, #field: #input) -> Self {
            self.#field = #stored;
            self
        }
    }
}

/// `to_request()`: the HTTP call as data.
fn to_request(printer: &ModulePrinter<'_>, builder: &Builder<'_>) -> TokenStream {
    let method = builder.method;
    let http_method = format_ident!("{}", method.http_method.as_str());
    let path = path_expr(printer, method, &method.path);
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
    let body = method.request.as_ref().map(|body| {
        let field = ident(&body.rust_name);
        // `features: ["dataWrapper"]` APIs wrap JSON bodies in `{"data": ...}` both ways.
        if printer.api.data_wrapper {
            quote!(request.json_body(&::discogen_runtime::__private::DataWrapper { data: &self.#field });)
        } else {
            quote!(request.json_body(&self.#field);)
        }
    });
    // Names the call in its tracing span.
    let method_id = match builder.method_id() {
        MethodIdSource::Field => Some(quote!(request.set_method_id(self.method_id);)),
        MethodIdSource::Const(id) => Some(quote!(request.set_method_id(#id);)),
        MethodIdSource::Unnamed => None,
    };
    let to_request = ident(builder_members::TO_REQUEST);
    quote! {
        /// The HTTP request this call sends.
        #[inline]
        pub fn #to_request(&self) -> ::discogen_runtime::Request {
            let mut request = ::discogen_runtime::Request::new(::discogen_runtime::Method::#http_method, #path);
            #method_id
            #(#queries)*
            #api_version
            #body
            request.params(self.params.clone());
            request
        }
    }
}

/// The body of `send()`: one generic call into the runtime.
fn send_body(printer: &ModulePrinter<'_>, method: &Method, response: &TokenStream) -> TokenStream {
    match (&method.response, printer.api.data_wrapper) {
        (Some(_), true) => quote! {
            self.client
                .execute::<::discogen_runtime::__private::DataWrapper<#response>>(self.to_request())
                .await
                .map(|wrapper| wrapper.data)
        },
        (Some(_), false) => quote!(self.client.execute(self.to_request()).await),
        (None, _) => quote!(self.client.execute_unit(self.to_request()).await),
    }
}

/// The functions a [`Call`] adds to a builder.
fn call_fns(
    printer: &ModulePrinter<'_>,
    method: &Method,
    call: &Call,
    response: &TokenStream,
) -> TokenStream {
    match call {
        Call::Pages { page, item } => pages(printer, *page, item),
        Call::Start(kind) => start(printer, *kind),
        Call::Upload(media) => upload(printer, method, media, response),
        Call::UploadResumable(media) => upload_resumable(printer, method, media, response),
        Call::Download => download(printer),
    }
}

/// `pages()` and `items()`.
fn pages(printer: &ModulePrinter<'_>, page: TypeId, item: &TypeRef) -> TokenStream {
    let send = printer.std("Send");
    let page = printer.named(page);
    let item = printer.ty(item);
    let (pages, items) = (ident(builder_members::PAGES), ident(builder_members::ITEMS));
    quote! {
        /// Every page of the result, following `nextPageToken` from this request on.
        pub fn #pages(self) -> impl ::discogen_runtime::paginate::Stream<Item = ::discogen_runtime::Result<#page>> + #send {
            ::discogen_runtime::__private::pages(self.client.clone(), self.to_request())
        }

        /// Every item of every page.
        pub fn #items(self) -> impl ::discogen_runtime::paginate::Stream<Item = ::discogen_runtime::Result<#item>> + #send {
            ::discogen_runtime::__private::items::<#page>(self.client.clone(), self.to_request())
        }
    }
}

/// `start()`: sends the request and returns a poller for the operation it starts, typed by the declared
/// result when there is one.
fn start(printer: &ModulePrinter<'_>, kind: StartKind) -> TokenStream {
    let ok = printer.ok_variant();
    let poller = quote!(::discogen_runtime::lro::Poller);
    let (ty, typed, doc) = match kind {
        StartKind::Typed { response, metadata } => {
            let doc = format!(
                " Sends the request and returns a poller for the long-running operation it starts: `wait()` \
                 gives {}, `progress()` {} metadata.",
                payload_doc(printer.api, response),
                payload_doc(printer.api, metadata),
            );
            let response = printer.rust(&RustType::payload(printer.api, response));
            let metadata = printer.rust(&RustType::payload(printer.api, metadata));
            (
                quote!(#poller<crate::Client, ::discogen_runtime::lro::Typed<#response, #metadata>>),
                quote!(.typed()),
                doc,
            )
        }
        StartKind::Status => (
            quote!(#poller<crate::Client>),
            TokenStream::new(),
            " Sends the request and returns a poller for the operation it starts (polled through its \
             `selfLink`): `wait()` gives the done operation, `wait_for::<()>()` its error, and \
             `wait_target::<T>()` fetches the resource it changed (its `targetLink`) as `T`."
                .to_owned(),
        ),
        StartKind::Untyped => (
            quote!(#poller<crate::Client>),
            TokenStream::new(),
            " Sends the request and returns a poller for the long-running operation it starts. The \
             document does not say what the operation returns: `wait()` gives the operation, and \
             `wait_for::<T>()` decodes its response as `T`."
                .to_owned(),
        ),
    };
    let start = ident(builder_members::START);
    quote! {
        #[doc = #doc]
        pub async fn #start(self) -> ::discogen_runtime::Result<#ty> {
            let client = crate::Client::new(self.client.clone());
            let operation = self.send().await?;
            #ok(#poller::from_operation(client, operation) #typed)
        }
    }
}

fn payload_doc(api: &Api, payload: OperationPayload) -> String {
    type_link(&RustType::payload(api, payload))
}

/// A method's docs where it is called: its description, the HTTP request and method id, its arguments
/// and what it returns.
fn method_docs(api: &Api, method: &Method, start: Option<StartKind>) -> TokenStream {
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
            type_link(&RustType::of(api, &body.ty))
        ));
    }
    if !arguments.is_empty() {
        lines.push(format!("Arguments:\n{}", arguments.join("\n")));
    }
    lines.push(returns_doc(api, method, start));
    let separator = (!docs.is_empty()).then(|| quote!(#[doc = ""]));
    let generated = markdown_attrs(&lines.join("\n\n"));
    docs.extend(quote!(#separator #generated));
    docs
}

fn returns_doc(api: &Api, method: &Method, start: Option<StartKind>) -> String {
    let sent = match &method.response {
        None => "Returns nothing: `send()` gives `()`.".to_owned(),
        Some(ty) => format!("Returns {}.", type_link(&RustType::of(api, ty))),
    };
    match start {
        None => sent,
        Some(StartKind::Typed { response, metadata }) => format!(
            "{sent} `start()` waits on it instead: a poller whose `wait()` gives {} and whose `progress()` shows {} metadata.",
            payload_doc(api, response),
            payload_doc(api, metadata)
        ),
        Some(StartKind::Status) => format!(
            "{sent} `start()` waits on it instead; `wait_target::<T>()` on its poller fetches the \
             resource the operation changed as `T`."
        ),
        Some(StartKind::Untyped) => format!(
            "{sent} `start()` waits on it instead; what the operation returns is not in the document \
             (`wait_for::<T>()` decodes it as `T`)."
        ),
    }
}

/// The expression that builds the request path: a `format!` over percent-encoded variables.
fn path_expr(printer: &ModulePrinter<'_>, method: &Method, path: &[PathPart]) -> TokenStream {
    let string = printer.std("String");
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
                args.push(quote!(::discogen_runtime::__private::path::#encode(#value)));
            }
        }
    }
    if args.is_empty() {
        quote!(#string::from(#template))
    } else {
        quote!(format!(#template, #(#args),*))
    }
}

/// `Accepted media types: ... At most 5TB.` for the docs of uploads.
fn upload_limits(media: &MediaUpload) -> String {
    let mut limits = Vec::new();
    if !media.accept.is_empty() {
        limits.push(format!(
            "Accepted media types: `{}`.",
            media.accept.join("`, `")
        ));
    }
    match &media.max_size {
        Some((bytes, written)) if *written == bytes.to_string() => {
            limits.push(format!("At most {written} bytes."));
        }
        Some((bytes, written)) => limits.push(format!("At most {written} ({bytes} bytes).")),
        None => {}
    }
    limits.join(" ")
}

/// The runtime's `MediaLimits` of an upload, checked before anything is sent.
fn media_limits(printer: &ModulePrinter<'_>, media: &MediaUpload) -> TokenStream {
    let option = printer.std("Option");
    let max_size = match &media.max_size {
        Some((bytes, _)) => quote!(#option::Some(#bytes)),
        None => quote!(#option::None),
    };
    let accept = &media.accept;
    quote! {
        ::discogen_runtime::__private::MediaLimits { max_size: #max_size, accept: &[#(#accept),*] }
    }
}

/// The type an upload decodes its response as, and what turns that into the method's result.
fn upload_result(method: &Method, response: &TokenStream) -> (TokenStream, TokenStream) {
    match &method.response {
        Some(_) => (response.clone(), quote!()),
        None => (quote!(::serde::de::IgnoredAny), quote!(.map(|_| ()))),
    }
}

/// `upload(media, media_type)`: simple, or multipart with the request body as metadata.
fn upload(
    printer: &ModulePrinter<'_>,
    method: &Method,
    media: &MediaUpload,
    response: &TokenStream,
) -> TokenStream {
    let into = printer.std("Into");
    let path = path_expr(printer, method, &media.path);
    let limits = media_limits(printer, media);
    let (result, finish) = upload_result(method, response);
    let doc = format!(
        " Sends `media` (bytes, a file, or a reader of known length) as this call's media in one \
         request, streamed: with the request body as metadata (multipart) when the method has one and \
         it sets any field, on its own (a simple upload) when the body is empty (`Default`) or the \
         method has none. {}",
        upload_limits(media)
    );
    let upload = ident(builder_members::UPLOAD);
    quote! {
        #[doc = #doc]
        pub async fn #upload(self, media: impl #into<::discogen_runtime::media::UploadSource>, media_type: &str) -> ::discogen_runtime::Result<#response> {
            let mut request = self.to_request();
            request.set_path(#path);
            let limits = #limits;
            self.client.upload_media::<#result>(request, media.into(), media_type, &limits).await #finish
        }
    }
}

/// `upload_resumable(upload)`: a session, then the media in chunks.
fn upload_resumable(
    printer: &ModulePrinter<'_>,
    method: &Method,
    media: &MediaUpload,
    response: &TokenStream,
) -> TokenStream {
    let path = path_expr(printer, method, &media.path);
    let limits = media_limits(printer, media);
    let (result, finish) = upload_result(method, response);
    let doc = format!(
        " Sends the media of `upload` (bytes, a file or a reader) through a resumable upload session, in \
         chunks, resuming from what the server has after a failure (the request body, if any, is the \
         metadata). {}",
        upload_limits(media)
    );
    let upload_resumable = ident(builder_members::UPLOAD_RESUMABLE);
    quote! {
        #[doc = #doc]
        pub async fn #upload_resumable(self, upload: ::discogen_runtime::media::Upload) -> ::discogen_runtime::Result<#response> {
            let mut request = self.to_request();
            request.set_path(#path);
            let limits = #limits;
            self.client.upload_resumable::<#result>(request, upload, &limits).await #finish
        }
    }
}

/// `download()`: the media instead of JSON.
fn download(printer: &ModulePrinter<'_>) -> TokenStream {
    let vec = printer.std("Vec");
    let (download, download_stream, download_ranges) = (
        ident(builder_members::DOWNLOAD),
        ident(builder_members::DOWNLOAD_STREAM),
        ident(builder_members::DOWNLOAD_RANGES),
    );
    quote! {
        /// Sends the request with `alt=media` and returns the media itself rather than its metadata, in
        /// memory: for small media (see `download_stream`).
        pub async fn #download(self) -> ::discogen_runtime::Result<#vec<u8>> {
            self.client.download(self.to_request()).await
        }

        /// Sends the request with `alt=media` and streams the media chunk by chunk (or into a file with
        /// `write_to`), resuming from the bytes received when the body breaks off.
        pub async fn #download_stream(self) -> ::discogen_runtime::Result<::discogen_runtime::media::Download> {
            self.client.download_stream(self.to_request()).await
        }

        /// Like `download_stream`, asking for the media in ranges of `chunk_size` bytes, one request
        /// each (`Range: bytes=a-b`): for proxies that cut long responses, and very large media.
        pub async fn #download_ranges(self, chunk_size: u64) -> ::discogen_runtime::Result<::discogen_runtime::media::Download> {
            self.client.download_ranges(self.to_request(), chunk_size).await
        }
    }
}
