//! The crate model: what [`crate::lower`] decides about a generated crate, in Rust terms. Every module has
//! its path, file and `cfg`; every builder its public name, the module that defines it and the modules that
//! re-export it; every Rust type one structured form ([`RustType`]). [`crate::emit`] prints it, and
//! [`crate::diff`] compares two of them.
//!
//! The content of items (fields, parameters, variants with their final names and docs) stays in the
//! resolved [`Api`], which the model borrows.

use std::fmt;

use crate::ir::{Api, CargoFeature, Field, Method, ModulePath, Param, PathPart, Resource, TypeId};
use crate::ir::{OperationPayload, TypeKind, TypeRef};

/// How a crate's modules go into files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// A crate of its own: `lib.rs`; `schemas.rs` with a file per group of schemas under one `cfg`;
    /// `resources.rs` with a file per top-level resource and per resource family.
    Crate,
    /// One file for a build script to `include!`: every module inline, no inner attributes. With
    /// `features`, each family keeps its `#[cfg(feature = "...")]` and the including crate's features
    /// choose what compiles; without, there are no cargo features and everything compiles.
    SingleFile { features: bool },
}

/// The cargo features any of which compiles an item; empty: always compiled.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Cfg(pub Vec<String>);

impl Cfg {
    pub fn always(&self) -> bool {
        self.0.is_empty()
    }

    /// Compiled when either is: always if either is, else any of both's features.
    pub fn union(&self, other: &Cfg) -> Cfg {
        if self.always() || other.always() {
            return Cfg::default();
        }
        let mut features = self.0.clone();
        features.extend(other.0.iter().cloned());
        features.sort();
        features.dedup();
        Cfg(features)
    }
}

/// What the crate is beside its document: its name and the overrides the manifest gives it.
#[derive(Debug, Clone, Default)]
pub struct Package {
    /// The crate's name as a Rust path (`dialogflow_v2`), for the example in its docs; `None` leaves the
    /// example out.
    pub crate_ident: Option<String>,
    /// A URL template with `{location}` for regional endpoints the document does not list.
    pub location_endpoint: Option<String>,
}

/// One generated crate.
#[derive(Debug, Clone)]
pub struct Crate<'a> {
    pub api: &'a Api,
    pub package: Package,
    pub layout: Layout,
    /// One per resource family (and one for the schemas no method reaches); empty when the API has too
    /// few families to choose from, or the layout has no features.
    pub features: Vec<CargoFeature>,
    /// The `cfg` of every type, by [`TypeId`].
    pub type_cfgs: Vec<Cfg>,
    /// The response types of paging methods, each with how it pages: each gets one `Page` impl.
    pub pages: std::collections::BTreeMap<TypeId, &'a crate::ir::Pagination>,
    /// The `schemas` module.
    pub schemas: Schemas,
    /// The `resources` module (the document-level methods) and, below it, every resource.
    pub resources: ResourceModule<'a>,
    /// Every builder type, each defined once.
    pub builders: Vec<Builder<'a>>,
    /// Parameter enums declared again in the module of a method that shares a builder: each is a
    /// re-export of the one the builder takes (duplicate → kept), so its path still names it.
    pub type_reexports: std::collections::BTreeMap<TypeId, TypeId>,
    /// The module of the builders that methods of different cargo families share (`resources::shared`),
    /// each under its own `cfg`, and re-exported where its methods live under their own name.
    pub shared_builders: ModulePath,
    /// The file of that module.
    pub shared_builders_file: String,
    /// The `methods` module (cargo feature `testing`); `None` in a single file, whose including crate
    /// may have no such feature.
    pub methods: Option<MethodConsts>,
    /// The `cfg` of what needs the runtime's Google credentials (the `Credentials` re-export): the crate's
    /// `adc` feature; none in a single file, whose including crate chooses the runtime's features.
    pub credentials_cfg: Cfg,
    /// Where `StandardParameters` and its enums come from.
    pub standard_params: StandardParams,
    /// Where the client sends batches of calls (an absolute path, `/batch/drive/v3`): the API serves
    /// batches, so the client has `batch()` and every builder can be added to one. `None`: neither.
    pub batch_path: Option<String>,
    /// The constants of the `scopes` module, one per OAuth scope, in the document's order.
    pub scopes: Vec<ScopeConst>,
    /// The types each module declares, in id order (the root's under the empty path).
    pub module_types: std::collections::BTreeMap<ModulePath, Vec<TypeId>>,
}

/// Where a crate's `StandardParameters` trait and its enums come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StandardParams {
    /// The document's global parameters are the standard set: the runtime's trait and enums, re-exported;
    /// the crate's own enums for them (these ids) are not emitted.
    Runtime { replaced_enums: Vec<TypeId> },
    /// Other global parameters: the crate's own trait, with a setter per parameter.
    Own,
}

/// `pub const NAME: &str = "url";` in the `scopes` module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopeConst {
    pub name: String,
    pub url: String,
    pub doc: String,
}

/// The `methods` module: a typed id per method, for the runtime's `testing` mocks.
#[derive(Debug, Clone)]
pub struct MethodConsts {
    /// Its file (`methods.rs`).
    pub file: String,
    pub items: Vec<MethodConst>,
}

/// `pub const NAME: MethodId<Response> = MethodId::new("id");`
#[derive(Debug, Clone)]
pub struct MethodConst {
    pub name: String,
    /// The Discovery method id.
    pub id: String,
    /// The method as the document writes it (`GET v2/{+name}`), for the docs.
    pub request_line: String,
    /// What the method's builder's `send()` returns.
    pub response: RustType,
    /// The `cfg` of the method's module.
    pub cfg: Cfg,
    /// The handle method that builds the request, for the docs.
    pub constructor: Constructor,
}

/// A method of a resource handle (or of the `Client`, `module` `[]`).
#[derive(Debug, Clone)]
pub struct Constructor {
    pub module: ModulePath,
    pub handle: String,
    pub function: String,
}

/// The `schemas` module: the types always compiled, and the others in groups of one `cfg`, each a
/// private module of its own file whose items `schemas` re-exports, so their paths stay `schemas::Name`.
#[derive(Debug, Clone, Default)]
pub struct Schemas {
    /// The file of the module (`schemas.rs`, or `lib.rs` in a single file).
    pub file: String,
    pub always: Vec<TypeId>,
    pub groups: Vec<SchemaGroup>,
}

#[derive(Debug, Clone)]
pub struct SchemaGroup {
    /// The private module's name, from its features (`agent_or_conversations`).
    pub module: String,
    /// Its file (`schemas/agent_or_conversations.rs`; the parent's in a single file).
    pub file: String,
    pub cfg: Cfg,
    pub types: Vec<TypeId>,
    /// Its types name schemas of other groups (or always compiled), so it imports `schemas`' names.
    pub names_others: bool,
}

/// A resource's module.
#[derive(Debug, Clone)]
pub struct ResourceModule<'a> {
    pub resource: &'a Resource,
    pub cfg: Cfg,
    /// The file holding the module, relative to `src/` (`resources/projects/agent.rs`); the same as the
    /// parent's when the module is written inline in it.
    pub file: String,
    pub methods: Vec<MethodItem<'a>>,
    pub children: Vec<ResourceModule<'a>>,
}

/// A method, as its handle offers it.
#[derive(Debug, Clone)]
pub struct MethodItem<'a> {
    pub method: &'a Method,
    /// The builder its constructor returns.
    pub builder: BuilderId,
}

/// An index into [`Crate::builders`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BuilderId(pub usize);

/// A request builder: one type for every method of the same shape (the same HTTP method, path template,
/// parameters, body, response and calls), e.g. `projects.agent.intents.list` and
/// `projects.locations.agent.intents.list`.
#[derive(Debug, Clone)]
pub struct Builder<'a> {
    /// Its name (`List`), the same in every module that offers it.
    pub name: String,
    /// Where it is defined: the module of the first method it serves.
    pub module: ModulePath,
    pub cfg: Cfg,
    /// The first method it serves; the others have the same shape.
    pub method: &'a Method,
    /// Every method it serves (for the docs and the tracing span), with its module.
    pub serves: Vec<(&'a Method, ModulePath)>,
    /// What it offers besides `send()` and `to_request()`, in this order.
    pub calls: Vec<Call>,
    /// Whether the crate root's client constructs it (document-level methods).
    pub root: bool,
    /// The handle of its first method's resource (`KnowledgeBases`), which names it in the shared module.
    pub resource_handle: String,
}

impl Builder<'_> {
    /// Whether more than one method returns it.
    pub fn serves_several(&self) -> bool {
        self.serves.len() > 1
    }

    /// Who may set its fields: the crate when another module constructs it (the root's client, or the
    /// handles of the several methods it serves), else its own module's handle.
    pub fn field_access(&self) -> FieldAccess {
        if self.root || self.serves_several() {
            FieldAccess::Crate
        } else {
            FieldAccess::Module
        }
    }

    /// Where `to_request` finds the method id that names the call in its tracing span.
    pub fn method_id(&self) -> MethodIdSource<'_> {
        match (&self.method.id, self.serves_several()) {
            (_, true) => MethodIdSource::Field,
            (Some(id), false) => MethodIdSource::Const(id),
            (None, false) => MethodIdSource::Unnamed,
        }
    }

    /// Its fields: one per parameter, then the request body's, each with its type as declared.
    pub fn fields<'b>(&'b self, api: &'b Api) -> impl Iterator<Item = (&'b str, RustType)> + 'b {
        let params = self.method.params.iter().map(move |param| {
            (
                param.rust_name.as_str(),
                RustType::builder_field(api, param),
            )
        });
        let body = self
            .method
            .request
            .iter()
            .map(move |body| (body.rust_name.as_str(), RustType::of(api, &body.ty)));
        params.chain(body)
    }

    /// What its `start()` gives, when the methods it serves start an operation.
    pub fn start(&self) -> Option<StartKind> {
        self.calls.iter().find_map(|call| match call {
            Call::Start(kind) => Some(*kind),
            _ => None,
        })
    }

    /// The description of every method it serves, when they all have the same one.
    pub fn common_doc(&self) -> Option<&str> {
        let first = self.method.doc.as_deref();
        self.serves
            .iter()
            .all(|(method, _)| method.doc.as_deref() == first)
            .then_some(first)
            .flatten()
    }
}

/// Who may set a builder's fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldAccess {
    /// The module that defines it (private fields).
    Module,
    /// The whole crate (`pub(crate)`).
    Crate,
}

/// Where a builder's request gets its method id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MethodIdSource<'a> {
    /// Its `method_id` field, set by the constructor of each method it serves.
    Field,
    /// The one method it serves.
    Const(&'a str),
    /// The method has no id.
    Unnamed,
}

/// A call a builder offers besides `send()`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Call {
    /// `pages()` and `items()`: the method pages with `pageToken`.
    Pages { page: TypeId, item: TypeRef },
    /// `start()`: the method returns a long-running operation.
    Start(StartKind),
    /// `upload(media, media_type)`: simple or multipart, in one request.
    Upload(MediaUpload),
    /// `upload_resumable(upload)`: a session, then chunks.
    UploadResumable(MediaUpload),
    /// `download()`: the media instead of JSON.
    Download,
}

/// Where an upload goes and what media it takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaUpload {
    /// The upload path (absolute, `/upload/...`).
    pub path: Vec<PathPart>,
    /// The largest upload in bytes, and as the document writes it (`5TB`), when it says.
    pub max_size: Option<(u64, String)>,
    /// Accepted media types (`image/*`); empty accepts any.
    pub accept: Vec<String>,
}

/// What `start()`'s poller gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartKind {
    /// `Poller<Client, Typed<R, M>>`: the result and metadata are declared.
    Typed {
        response: OperationPayload,
        metadata: OperationPayload,
    },
    /// `Poller<Client>` for a google.longrunning operation whose result is not declared.
    Untyped,
    /// `Poller<Client>` for a status-style operation (`wait_target::<T>()`).
    Status,
}

/// A Rust type as generated code names it: the one mapping from [`TypeRef`], printed as tokens by emit
/// and as text by diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RustType {
    /// `bool`, `i32`, `i64`, `f64`, ...
    Primitive(&'static str),
    /// `String`: std types are written short unless a generated type shadows them.
    String,
    Vec(Box<RustType>),
    Box(Box<RustType>),
    Option(Box<RustType>),
    /// `std::collections::BTreeMap<String, T>`.
    Map(Box<RustType>),
    /// A runtime type: `Bytes`, `Date`, `Timestamp`, `Duration`.
    Runtime(&'static str),
    /// `serde_json::Value`.
    Json,
    /// A generated type: its module (`["schemas"]`, `[]` for the root) and name.
    Named {
        module: ModulePath,
        name: String,
    },
    /// `()`.
    Unit,
}

impl RustType {
    /// The type of a value of `ty`.
    pub fn of(api: &Api, ty: &TypeRef) -> RustType {
        match ty {
            TypeRef::Bool => RustType::Primitive("bool"),
            TypeRef::Int32 => RustType::Primitive("i32"),
            TypeRef::Uint32 => RustType::Primitive("u32"),
            TypeRef::Int64 => RustType::Primitive("i64"),
            TypeRef::Uint64 => RustType::Primitive("u64"),
            TypeRef::Float => RustType::Primitive("f32"),
            TypeRef::Double => RustType::Primitive("f64"),
            TypeRef::String | TypeRef::FieldMask => RustType::String,
            TypeRef::Bytes => RustType::Runtime("Bytes"),
            TypeRef::Date => RustType::Runtime("Date"),
            TypeRef::DateTime => RustType::Runtime("Timestamp"),
            TypeRef::Duration => RustType::Runtime("Duration"),
            TypeRef::Any => RustType::Json,
            TypeRef::Named(id) => RustType::named(api, *id),
            TypeRef::Array(inner) => RustType::Vec(Box::new(RustType::of(api, inner))),
            TypeRef::Map(inner) => RustType::Map(Box::new(RustType::of(api, inner))),
        }
    }

    pub fn named(api: &Api, id: TypeId) -> RustType {
        let def = api.ty(id);
        RustType::Named {
            module: def.module.clone(),
            name: def.name.clone(),
        }
    }

    /// A struct field's type, without the `Option` every field has (boxed where it closes a cycle).
    pub fn field(api: &Api, field: &Field) -> RustType {
        let ty = RustType::of(api, &field.ty);
        if field.boxed {
            RustType::Box(Box::new(ty))
        } else {
            ty
        }
    }

    /// A struct field as declared: an `Option` of [`RustType::field`].
    pub fn field_decl(api: &Api, field: &Field) -> RustType {
        RustType::Option(Box::new(RustType::field(api, field)))
    }

    /// A parameter's builder field: [`RustType::param`], in an `Option` when it is neither required
    /// nor repeated (set by a setter, or not at all).
    pub fn builder_field(api: &Api, param: &Param) -> RustType {
        let ty = RustType::param(api, param);
        if param.required || param.repeated {
            ty
        } else {
            RustType::Option(Box::new(ty))
        }
    }

    /// A parameter's type (a `Vec` when repeated).
    pub fn param(api: &Api, param: &Param) -> RustType {
        let ty = RustType::of(api, &param.ty);
        if param.repeated {
            RustType::Vec(Box::new(ty))
        } else {
            ty
        }
    }

    /// A method's response (`()` without one).
    pub fn response(api: &Api, response: Option<&TypeRef>) -> RustType {
        response.map_or(RustType::Unit, |ty| RustType::of(api, ty))
    }

    /// What an operation's `response` or `metadata` decodes into.
    pub fn payload(api: &Api, payload: OperationPayload) -> RustType {
        match payload {
            OperationPayload::Message(id) => RustType::named(api, id),
            OperationPayload::Unit => RustType::Unit,
            OperationPayload::Json => RustType::Json,
        }
    }
}

/// The short form a reader knows from the docs: `Vec<Intent>`, `BTreeMap<String, i64>`, `Intent` for a
/// schema or root type, `resources::projects::Kind` for a type of a resource module.
impl fmt::Display for RustType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RustType::Primitive(name) | RustType::Runtime(name) => f.write_str(name),
            RustType::Json => f.write_str("serde_json::Value"),
            RustType::Unit => f.write_str("()"),
            RustType::Named { module, name } => match module.as_slice() {
                [] => f.write_str(name),
                [only] if only == crate::ir::root_items::SCHEMAS => f.write_str(name),
                module => write!(f, "{}::{name}", module.join("::")),
            },
            RustType::String => f.write_str("String"),
            RustType::Vec(inner) => write!(f, "Vec<{inner}>"),
            RustType::Box(inner) => write!(f, "Box<{inner}>"),
            RustType::Option(inner) => write!(f, "Option<{inner}>"),
            RustType::Map(inner) => write!(f, "BTreeMap<String, {inner}>"),
        }
    }
}

impl TypeKind {
    /// `a struct`, `an enum`, `a type alias`.
    pub fn article_name(&self) -> &'static str {
        match self {
            TypeKind::Struct(_) => "a struct",
            TypeKind::Enum(_) => "an enum",
            TypeKind::Alias(_) => "a type alias",
        }
    }
}
