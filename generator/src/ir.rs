//! The resolved API (the IR): every name final and every reference an id. Lower turns it into the crate
//! model (`model::Crate`) that emit prints and diff compares.

/// A stable id of a type: its index in [`Api::types`]. Top-level schemas come first, in sorted order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeId(pub usize);

/// One API, ready to emit.
#[derive(Debug, Clone)]
pub struct Api {
    /// `name` of the document, e.g. `dialogflow`.
    pub name: String,
    pub version: String,
    pub title: String,
    pub description: Option<String>,
    pub revision: Option<String>,
    pub documentation_link: Option<String>,
    /// rootUrl + servicePath (or baseUrl), always ending in `/`.
    pub base_url: String,
    /// mtlsRootUrl + servicePath, when the document has one.
    pub mtls_base_url: Option<String>,
    /// Where batches of calls go (`batchPath`), as an absolute path on the endpoint's host: the path
    /// of `rootUrl` and `batchPath`, `/batch/drive/v3`; `None` when the document has none.
    pub batch_path: Option<String>,
    pub endpoints: Vec<Endpoint>,
    /// OAuth scopes: URL and description.
    pub scopes: Vec<(String, String)>,
    pub types: Vec<TypeDef>,
    /// Global parameters every method accepts (`fields`, `$.xgafv`, ...).
    pub global_params: Vec<Param>,
    /// The document-level methods and the top-level resources.
    pub root: Resource,
    /// The API's long-running operations service, when it has one the runtime's poller can drive.
    pub lro: Option<Lro>,
    /// `features: ["dataWrapper"]`: request and response bodies travel as `{"data": ...}`.
    pub data_wrapper: bool,
    /// Descriptions carried from an older revision (see `crate::describe`).
    pub descriptions_from: Option<crate::describe::Carried>,
}

/// A cargo feature that gates a family of resources.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CargoFeature {
    pub name: String,
    /// The family's resources, e.g. `projects.agent` and `projects.locations.agent`; none for
    /// `cargo_features::UNREACHED`.
    pub resources: Vec<String>,
}

/// How the runtime's poller reaches this API's operations: the operation schema, the Rust fields its
/// `LongRunningOperation` impl reads, and the operations services that poll and cancel it.
#[derive(Debug, Clone)]
pub struct Lro {
    pub operation: TypeId,
    pub fields: OperationFields,
    /// One service for google.longrunning operations; for status-style ones one per level (compute's
    /// zone, region, global), most specific first, chosen by matching the operation's `selfLink`.
    pub services: Vec<OperationsService>,
}

impl Lro {
    /// Whether the poller can cancel: every service has `cancel`.
    pub fn can_cancel(&self) -> bool {
        self.services.iter().all(|s| s.cancel.is_some())
    }

    /// Every method the poller calls.
    pub fn method_paths(&self) -> impl Iterator<Item = &MethodPath> {
        self.services
            .iter()
            .flat_map(|s| std::iter::once(&s.poll).chain(&s.cancel))
    }

    /// Whether operations are google.longrunning-style (`done`) rather than status-style (`status`).
    pub fn is_longrunning(&self) -> bool {
        matches!(self.fields.done, DoneField::Flag(_))
    }
}

/// The Rust names of the operation fields the poller reads.
#[derive(Debug, Clone)]
pub struct OperationFields {
    /// `name`, when the schema has it.
    pub name: Option<String>,
    /// What identifies the operation to its service when that is not the name: `selfLink`.
    pub handle: Option<String>,
    pub done: DoneField,
    pub error: ErrorField,
    /// `metadata` and `response` (google.longrunning `Any`s).
    pub metadata: Option<String>,
    pub response: Option<String>,
    /// `progress` as a percentage (compute's int32).
    pub progress: Option<String>,
    /// `targetLink`.
    pub target_link: Option<String>,
}

/// How an operation says it is done.
#[derive(Debug, Clone)]
pub enum DoneField {
    /// A `done` boolean.
    Flag(String),
    /// A `status` enum field, done at the variant `done` of the enum `ty` (`DONE`).
    Status {
        field: String,
        ty: TypeId,
        done: String,
    },
}

/// How an operation carries its error.
#[derive(Debug, Clone)]
pub enum ErrorField {
    /// A `google.rpc.Status`-shaped struct: `code` (int32), `message` and `details`.
    Rpc {
        field: String,
        boxed: bool,
        status: TypeId,
        code: String,
        message: String,
        /// `details`, when its entries are `Any`s (objects with `additionalProperties: any`, or `any`).
        details: Option<String>,
    },
    /// Status style: a struct whose `errors` array holds the entries, with the HTTP status and message
    /// beside it on the operation (`httpErrorStatusCode`, `httpErrorMessage`) where the API has them.
    Errors {
        field: String,
        boxed: bool,
        errors: String,
        http_status: Option<String>,
        http_message: Option<String>,
    },
}

/// One operations service the poller drives.
#[derive(Debug, Clone)]
pub struct OperationsService {
    /// For status-style operations: the path of `get` with `*` for each simple variable and `**` for a
    /// final reserved one (`projects/*/zones/*/operations/*`), which the handle must match (the
    /// runtime's `link_ids`); the ids it gives are the methods' arguments (`NameArgs::Split`). `None`
    /// for google.longrunning, whose handle is the name.
    pub link_template: Option<String>,
    /// The method that polls: `get`, or a status-style service's `wait`.
    pub poll: MethodPath,
    pub cancel: Option<MethodPath>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MethodPath {
    pub accessors: Vec<String>,
    pub method: String,
    /// The request body type, for methods like `cancel` that take an (empty) one.
    pub body: Option<TypeRef>,
    /// How the operation's name becomes the method's arguments.
    pub name_args: NameArgs,
}

/// How an operations-service method takes the operation's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameArgs {
    /// One argument, the whole name (`v1/{+name}`).
    Whole,
    /// One argument per id of the name (`v1/apps/{appsId}/operations/{operationsId}` for the name
    /// `apps/a/operations/o`): the name's last `count` ids in path order, constructor argument `i` taking
    /// the id `ids[i]`. For a status-style service, the ids are those its link template gives.
    Split { count: usize, ids: Vec<usize> },
}

impl NameArgs {
    /// Whether both read the same name: both whole, or split into as many ids (in any argument order).
    pub fn same_name(&self, other: &NameArgs) -> bool {
        match (self, other) {
            (NameArgs::Whole, NameArgs::Whole) => true,
            (NameArgs::Split { count: a, .. }, NameArgs::Split { count: b, .. }) => a == b,
            _ => false,
        }
    }
}

/// A list method that pages with `pageToken` / `nextPageToken`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pagination {
    /// The response schema.
    pub response: TypeId,
    /// The response's one list field: its Rust name and element type.
    pub items: (String, TypeRef),
    /// The Rust name of the response's `nextPageToken` field.
    pub next_page_token: String,
}

#[derive(Debug, Clone)]
pub struct Endpoint {
    pub location: String,
    pub url: String,
    pub description: Option<String>,
}

/// Where a type is declared: a module path below the crate root (`[]` is the root).
pub type ModulePath = Vec<String>;

#[derive(Debug, Clone)]
pub struct TypeDef {
    pub name: String,
    pub module: ModulePath,
    pub doc: Option<String>,
    pub origin: Origin,
    pub kind: TypeKind,
}

/// What in the document a type was made for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A top-level schema: its id.
    Schema(String),
    /// An inline object or enum: the JSON path it came from, and the top-level schema it is part of (`None`
    /// for a parameter's, request's or response's).
    Synthetic { owner: Option<String>, path: String },
}

impl Origin {
    /// The schema id of a top-level schema.
    pub fn schema(&self) -> Option<&str> {
        match self {
            Origin::Schema(id) => Some(id),
            Origin::Synthetic { .. } => None,
        }
    }
}

/// The schema id, or the JSON path of a synthetic type.
impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::Schema(id) => f.write_str(id),
            Origin::Synthetic { path, .. } => f.write_str(path),
        }
    }
}

#[derive(Debug, Clone)]
pub enum TypeKind {
    Struct(Struct),
    Enum(Enum),
    /// A top-level schema that is not an object, e.g. `{"type": "string"}` or a map.
    Alias(TypeRef),
}

#[derive(Debug, Clone)]
pub struct Struct {
    pub fields: Vec<Field>,
    /// `additionalProperties` beside `properties`: the extra keys, flattened into a map.
    pub additional: Option<(String, TypeRef)>,
    /// Without `additionalProperties`, the field that keeps the members this crate does not know, so that
    /// they are written back (`unknown_fields`, unless a property took the name).
    pub unknown_fields: Option<String>,
}

impl Struct {
    /// The fields in the order their JSON keys are numbered (a struct's `field_index`/`read_field`):
    /// sorted by key, so that the numbering does not follow the fields' Rust names. Decided here, from
    /// the wire names, so that emit reads none.
    pub fn fields_by_key(&self) -> Vec<&Field> {
        let mut by_key: Vec<&Field> = self.fields.iter().collect();
        by_key.sort_by_key(|f| f.wire_name.as_str());
        by_key
    }
}

#[derive(Debug, Clone)]
pub struct Field {
    pub wire_name: String,
    pub rust_name: String,
    pub ty: TypeRef,
    /// Boxed because the field closes a cycle of directly nested structs.
    pub boxed: bool,
    pub doc: Option<String>,
    pub deprecated: bool,
    pub read_only: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enum {
    pub variants: Vec<Variant>,
    /// The variant that keeps values this crate does not know, e.g. `UnknownValue(String)`.
    pub unknown_variant: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    pub wire_name: String,
    pub rust_name: String,
    pub doc: Option<String>,
    pub deprecated: bool,
}

/// A type as it is used in a field or parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeRef {
    Bool,
    Int32,
    Uint32,
    /// JSON string on the wire.
    Int64,
    /// JSON string on the wire.
    Uint64,
    Float,
    Double,
    String,
    /// base64 (`format: byte`).
    Bytes,
    Date,
    DateTime,
    Duration,
    /// `google-fieldmask`: comma-separated field paths.
    FieldMask,
    /// `any`, or an object with no declared shape.
    Any,
    Named(TypeId),
    Array(Box<TypeRef>),
    Map(Box<TypeRef>),
}

/// A resource: its methods and sub-resources, and where its code lives.
#[derive(Debug, Clone)]
pub struct Resource {
    pub wire_name: String,
    /// The wire names from the root, e.g. `projects.locations.operations` (empty for the root).
    pub wire_path: String,
    /// Module path of this resource's code, e.g. `["resources", "projects", "locations"]`.
    pub module: ModulePath,
    /// Name of the accessor method on the parent handle.
    pub accessor: String,
    /// Name of the handle struct (in `module`).
    pub handle: String,
    pub deprecated: bool,
    pub methods: Vec<Method>,
    pub resources: Vec<Resource>,
}

#[derive(Debug, Clone)]
pub struct Method {
    pub wire_name: String,
    pub id: Option<String>,
    /// Name of the method's typed id in the crate's `methods` module (`PROJECTS_AGENT_INTENTS_GET`), unique
    /// crate-wide; a method without an id has none.
    pub method_const: Option<String>,
    /// Name of the method on the resource handle.
    pub fn_name: String,
    /// Name of the builder struct (in the resource's module).
    pub builder: String,
    pub doc: Option<String>,
    pub http_method: HttpMethod,
    pub path: Vec<PathPart>,
    pub params: Vec<Param>,
    pub request: Option<Body>,
    pub response: Option<TypeRef>,
    pub api_version: Option<String>,
    pub deprecated: bool,
    pub scopes: Vec<String>,
    /// Discovery features this generator does not turn into code yet, named in the docs.
    pub unsupported: Vec<String>,
    pub pagination: Option<Pagination>,
    /// The method returns the API's long-running `Operation`.
    pub returns_operation: bool,
    /// What that operation's `response` and `metadata` hold, when the description or the manifest says
    /// (see `crate::operation_results`); only on methods that return the operation.
    pub operation_result: Option<OperationResult>,
    /// Media the method accepts (`mediaUpload`).
    pub upload: Option<Upload>,
    /// The method can return its media instead of JSON (`supportsMediaDownload`, with `alt=media`).
    pub download: bool,
}

/// The payloads of the operation a method starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationResult {
    pub response: OperationPayload,
    pub metadata: OperationPayload,
}

/// What an operation's `response` or `metadata` decodes into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperationPayload {
    /// A schema, its `@type` checked.
    Message(TypeId),
    /// Nothing (`google.protobuf.Empty` where the document has no schema for it).
    Unit,
    /// JSON as it came: `google.protobuf.Struct`, or unknown.
    Json,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    /// The absolute `/upload/...` path for simple and multipart uploads.
    pub simple: Option<Vec<PathPart>>,
    /// The path that starts a resumable upload session.
    pub resumable: Option<Vec<PathPart>>,
    /// Accepted media types, e.g. `*/*` or `image/*`.
    pub accept: Vec<String>,
    /// The largest upload the service takes, as the document says it (e.g. `5TB`).
    pub max_size: Option<String>,
    /// `max_size` in bytes (`5TB` is 5 × 2⁴⁰, as Google's clients read it); `None` when absent or
    /// unreadable.
    pub max_bytes: Option<u64>,
}

#[derive(Debug, Clone)]
pub struct Body {
    /// Name of the constructor argument and builder field.
    pub rust_name: String,
    pub ty: TypeRef,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpMethod {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathPart {
    Literal(String),
    /// A template variable; `param` indexes [`Method::params`].
    Var {
        param: usize,
        expansion: Expansion,
    },
}

/// How a path variable is percent-encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expansion {
    /// `{name}`: everything but unreserved characters is encoded, `/` included.
    Simple,
    /// `{+name}` in a document with `fullyEncodeReservedExpansion`: only `/` is kept.
    ReservedFull,
    /// `{+name}` per RFC 6570: reserved characters are kept.
    Reserved,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    Path,
    Query,
}

#[derive(Debug, Clone)]
pub struct Param {
    pub wire_name: String,
    /// Setter or argument name.
    pub rust_name: String,
    /// The element type when `repeated`.
    pub ty: TypeRef,
    pub repeated: bool,
    /// Required parameters are constructor arguments, in this order.
    pub required: bool,
    pub location: Location,
    pub doc: Option<String>,
    pub deprecated: bool,
}

impl Api {
    pub fn ty(&self, id: TypeId) -> &TypeDef {
        &self.types[id.0]
    }

    /// Response types of paging methods, with how they page: each gets one `Page` impl.
    pub fn page_types(&self) -> std::collections::BTreeMap<TypeId, &Pagination> {
        fn walk<'a>(
            resource: &'a Resource,
            out: &mut std::collections::BTreeMap<TypeId, &'a Pagination>,
        ) {
            for pagination in resource
                .methods
                .iter()
                .filter_map(|m| m.pagination.as_ref())
            {
                out.insert(pagination.response, pagination);
            }
            for child in &resource.resources {
                walk(child, out);
            }
        }
        let mut out = std::collections::BTreeMap::new();
        walk(&self.root, &mut out);
        out
    }

    /// Whether values of `ty` need the runtime's wire adapter (int64 as strings, NaN floats, durations).
    pub fn needs_wire(&self, ty: &TypeRef) -> bool {
        match ty {
            TypeRef::Int64
            | TypeRef::Uint64
            | TypeRef::Float
            | TypeRef::Double
            | TypeRef::Duration => true,
            TypeRef::Array(inner) | TypeRef::Map(inner) => self.needs_wire(inner),
            TypeRef::Named(id) => match &self.ty(*id).kind {
                TypeKind::Alias(target) => self.needs_wire(target),
                _ => false,
            },
            _ => false,
        }
    }
}

/// The global parameters the runtime's `standard` module defines: wire name, setter name and type.
const STANDARD_PARAMS: &[(&str, &str, StandardType)] = &[
    ("$.xgafv", "xgafv", StandardType::Enum("Xgafv", &["1", "2"])),
    ("access_token", "access_token", StandardType::String),
    (
        "alt",
        "alt",
        StandardType::Enum("Alt", &["json", "media", "proto"]),
    ),
    ("callback", "callback", StandardType::String),
    ("fields", "fields", StandardType::String),
    ("key", "key", StandardType::String),
    ("oauth_token", "oauth_token", StandardType::String),
    ("prettyPrint", "pretty_print", StandardType::Bool),
    ("quotaUser", "quota_user", StandardType::String),
    ("uploadType", "upload_type", StandardType::String),
    ("upload_protocol", "upload_protocol", StandardType::String),
];

enum StandardType {
    String,
    Bool,
    Enum(&'static str, &'static [&'static str]),
}

/// The members the generator gives every request builder besides its parameters' fields and setters:
/// emit declares them by these names, resolve keeps them free for parameters.
pub mod builder_members {
    /// The runtime client it sends with.
    pub const CLIENT: &str = "client";
    /// The standard parameters and per-call options set on it.
    pub const PARAMS: &str = "params";
    /// Of a builder that several methods return: the one it was made for.
    pub const METHOD_ID: &str = "method_id";
    pub const SEND: &str = "send";
    pub const TO_REQUEST: &str = "to_request";
    pub const PAGES: &str = "pages";
    pub const ITEMS: &str = "items";
    pub const START: &str = "start";
    pub const UPLOAD: &str = "upload";
    pub const UPLOAD_RESUMABLE: &str = "upload_resumable";
    pub const DOWNLOAD: &str = "download";
    pub const DOWNLOAD_STREAM: &str = "download_stream";
    pub const DOWNLOAD_RANGES: &str = "download_ranges";
    /// The methods of the runtime's `CallOptions`, which every builder implements (a test reads them
    /// from the runtime's source).
    pub const CALL_OPTIONS: &[&str] = &[
        "call_params",
        "with_timeout",
        "with_attempt_timeout",
        "with_retry_policy",
        "with_idempotency",
        "with_header",
    ];

    /// Every name above.
    pub fn all() -> impl Iterator<Item = &'static str> {
        [
            CLIENT,
            PARAMS,
            METHOD_ID,
            SEND,
            TO_REQUEST,
            PAGES,
            ITEMS,
            START,
            UPLOAD,
            UPLOAD_RESUMABLE,
            DOWNLOAD,
            DOWNLOAD_STREAM,
            DOWNLOAD_RANGES,
        ]
        .into_iter()
        .chain(CALL_OPTIONS.iter().copied())
    }
}

/// The associated functions of the generated `Client` besides its resource accessors and the
/// constructors of the document-level methods: emit declares them by these names, resolve keeps them
/// free.
pub mod client_members {
    pub const NEW: &str = "new";
    pub const BUILDER: &str = "builder";
    pub const RUNTIME: &str = "runtime";
    /// The poller of an operation by name (APIs with operations).
    pub const OPERATION: &str = "operation";
    /// The regional endpoint (packages with a location template).
    pub const LOCATION_BASE_URL: &str = "location_base_url";
    /// A batch of calls (APIs with a `batchPath`).
    pub const BATCH: &str = "batch";
    pub const ALL: &[&str] = &[NEW, BUILDER, RUNTIME, OPERATION, LOCATION_BASE_URL, BATCH];
}

/// The items the generator declares at a crate's root besides its types and the runtime's re-exports:
/// emit declares them by these names, resolve keeps them free.
pub mod root_items {
    pub const CLIENT: &str = "Client";
    pub const STANDARD_PARAMETERS: &str = "StandardParameters";
    pub const SCHEMAS: &str = "schemas";
    pub const RESOURCES: &str = "resources";
    pub const METHODS: &str = "methods";
    pub const SCOPES: &str = "scopes";
    pub const ALL: &[&str] = &[
        CLIENT,
        STANDARD_PARAMETERS,
        SCHEMAS,
        RESOURCES,
        METHODS,
        SCOPES,
    ];
}

/// Items of one runtime module that every generated crate re-exports at its root, so that an app needs one
/// dependency per API.
#[derive(Debug, Clone, Copy)]
pub struct RuntimeReexport {
    /// The module of `discogen_runtime` (`""`: its root).
    pub module: &'static str,
    pub names: &'static [&'static str],
    /// The items exist only with the runtime's `adc` feature (Google credentials).
    pub needs_adc: bool,
}

/// What every generated crate re-exports from the runtime at its root. Resolve keeps these names free.
pub const RUNTIME_REEXPORTS: &[RuntimeReexport] = &[
    RuntimeReexport {
        module: "",
        names: &[
            "ApiError",
            "BatchError",
            "BatchErrorKind",
            "Bytes",
            "CallOptions",
            "ClientBuilder",
            "Code",
            "ConfigError",
            "ConfigErrorKind",
            "CredentialsError",
            "CredentialsErrorKind",
            "Date",
            "Duration",
            "Error",
            "MediaError",
            "MediaErrorKind",
            "Result",
            "RetryPolicy",
            "Status",
            "Timestamp",
            "UnknownFields",
        ],
        needs_adc: false,
    },
    RuntimeReexport {
        module: "auth",
        names: &["ApiKey"],
        needs_adc: false,
    },
    RuntimeReexport {
        module: "auth",
        names: &["Credentials"],
        needs_adc: true,
    },
    RuntimeReexport {
        module: "lro",
        names: &[
            "LongRunningOperation",
            "LroError",
            "PollPolicy",
            "Poller",
            "Progress",
            "Typed",
            "Untyped",
        ],
        needs_adc: false,
    },
    RuntimeReexport {
        module: "paginate",
        names: &["Stream", "StreamExt", "TryStreamExt"],
        needs_adc: false,
    },
    // The runtime's modules of what apps name (the root has their common items): credentials and
    // token providers, error details, operations, media, paging, retries, tracing, transports.
    RuntimeReexport {
        module: "",
        names: &[
            "auth",
            "batch",
            "details",
            "lro",
            "media",
            "paginate",
            "retry",
            "telemetry",
            "transport",
        ],
        needs_adc: false,
    },
];

impl Api {
    /// When the document's global parameters are exactly the standard set (as 592 of 610 documents
    /// declare them), the enums generated for them; the crate then re-exports the runtime's
    /// `standard::{StandardParameters, Xgafv, Alt}` instead of emitting its own.
    pub fn standard_param_enums(&self) -> Option<Vec<TypeId>> {
        if self.global_params.len() != STANDARD_PARAMS.len() {
            return None;
        }
        let mut enums = Vec::new();
        for (wire, rust, expected) in STANDARD_PARAMS {
            let param = self.global_params.iter().find(|p| p.wire_name == *wire)?;
            if param.rust_name != *rust || param.repeated {
                return None;
            }
            match (expected, &param.ty) {
                (StandardType::String, TypeRef::String) | (StandardType::Bool, TypeRef::Bool) => {}
                (StandardType::Enum(name, values), TypeRef::Named(id)) => {
                    let def = self.ty(*id);
                    let TypeKind::Enum(e) = &def.kind else {
                        return None;
                    };
                    let wires: Vec<&str> =
                        e.variants.iter().map(|v| v.wire_name.as_str()).collect();
                    if def.name != *name || !def.module.is_empty() || wires != *values {
                        return None;
                    }
                    enums.push(*id);
                }
                _ => return None,
            }
        }
        Some(enums)
    }
}

impl CargoFeature {
    /// Whether this is [`crate::cargo_features::UNREACHED`], the feature of the schemas no method reaches.
    pub fn is_unreached_schemas(&self) -> bool {
        self.resources.is_empty()
    }

    /// What the feature compiles, in one line of Markdown (crate docs, `Cargo.toml` comments).
    pub fn summary(&self) -> String {
        if self.is_unreached_schemas() {
            return "the schemas no method names, even indirectly: payloads and events that arrive outside \
                    these calls, and the responses and metadata of operations (decoded by their `@type`)"
                .to_owned();
        }
        let names: Vec<String> = self.resources.iter().map(|r| format!("`{r}`")).collect();
        names.join(", ")
    }
}

impl TypeDef {
    /// The fields of a struct type, or none.
    pub fn fields(&self) -> &[Field] {
        match &self.kind {
            TypeKind::Struct(s) => &s.fields,
            _ => &[],
        }
    }

    pub fn field(&self, wire_name: &str) -> Option<&Field> {
        self.fields().iter().find(|f| f.wire_name == wire_name)
    }
}

impl HttpMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
            HttpMethod::Put => "PUT",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Delete => "DELETE",
        }
    }
}

impl Method {
    /// The method as the document writes it, e.g. `POST v1/{+name}:cancel`.
    pub fn request_line(&self) -> String {
        let path: String = self
            .path
            .iter()
            .map(|part| match part {
                PathPart::Literal(text) => text.clone(),
                PathPart::Var { param, expansion } => {
                    let name = self
                        .params
                        .get(*param)
                        .map(|p| p.wire_name.as_str())
                        .unwrap_or("?");
                    match expansion {
                        Expansion::Simple => format!("{{{name}}}"),
                        Expansion::Reserved | Expansion::ReservedFull => format!("{{+{name}}}"),
                    }
                }
            })
            .collect();
        format!("{} {path}", self.http_method.as_str())
    }

    pub fn required_params(&self) -> impl Iterator<Item = &Param> {
        self.params.iter().filter(|p| p.required)
    }

    pub fn optional_params(&self) -> impl Iterator<Item = &Param> {
        self.params.iter().filter(|p| !p.required)
    }
}

/// The tables above that mirror the runtime, checked against its source.
#[cfg(test)]
mod runtime_mirrors {
    use super::*;
    use quote::ToTokens;
    use std::collections::{BTreeMap, BTreeSet};

    fn runtime_file(name: &str) -> syn::File {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../runtime/src")
            .join(name);
        syn::parse_file(&std::fs::read_to_string(&path).unwrap()).unwrap()
    }

    /// The string literals of `tokens`, in order.
    fn literals(tokens: proc_macro2::TokenStream) -> Vec<String> {
        let mut out = Vec::new();
        for tree in tokens {
            match tree {
                proc_macro2::TokenTree::Literal(lit) => {
                    if let Ok(syn::Lit::Str(s)) = syn::parse_str::<syn::Lit>(&lit.to_string()) {
                        out.push(s.value());
                    }
                }
                proc_macro2::TokenTree::Group(group) => out.extend(literals(group.stream())),
                _ => {}
            }
        }
        out
    }

    #[test]
    fn standard_params_are_the_runtime_traits_setters() {
        let file = runtime_file("standard.rs");
        let mut enum_values = BTreeMap::new();
        let mut setters = Vec::new();
        for item in &file.items {
            match item {
                syn::Item::Trait(t) if t.ident == "StandardParameters" => {
                    for item in &t.items {
                        let syn::TraitItem::Fn(f) = item else {
                            continue;
                        };
                        let Some(body) = &f.default else { continue };
                        let ty = match f.sig.inputs.iter().nth(1) {
                            Some(syn::FnArg::Typed(arg)) => arg.ty.to_token_stream().to_string(),
                            _ => continue,
                        };
                        let wire = literals(body.to_token_stream()).remove(0);
                        setters.push((wire, f.sig.ident.to_string(), ty));
                    }
                }
                // `impl Xgafv { fn as_str }`: the wire values, in order.
                syn::Item::Impl(block) if block.trait_.is_none() => {
                    let name = block.self_ty.to_token_stream().to_string();
                    for item in &block.items {
                        if let syn::ImplItem::Fn(f) = item {
                            if f.sig.ident == "as_str" {
                                enum_values
                                    .insert(name.clone(), literals(f.block.to_token_stream()));
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        let expected: Vec<(String, String, String)> = STANDARD_PARAMS
            .iter()
            .map(|(wire, rust, ty)| {
                let ty = match ty {
                    StandardType::String => "impl Into < String >".to_owned(),
                    StandardType::Bool => "bool".to_owned(),
                    StandardType::Enum(name, values) => {
                        let values: Vec<String> = values.iter().map(|v| (*v).to_owned()).collect();
                        assert_eq!(enum_values.get(*name), Some(&values), "{name}");
                        (*name).to_owned()
                    }
                };
                ((*wire).to_owned(), (*rust).to_owned(), ty)
            })
            .collect();
        assert_eq!(setters, expected);
    }

    /// What the runtime's root offers that generated crates do not re-export, and why.
    const NOT_REEXPORTED: &[&str] = &[
        // Under `auth::`, which is re-exported: apps that write their own token source name them there.
        "StaticToken",
        "TokenProvider",
        // The runtime's client: each crate has its own `Client` wrapping it (`Client::runtime()`).
        "Client",
        // Under `details::`.
        "ErrorDetail",
        // Under `telemetry::` and `paginate::`.
        "TraceContext",
        "Page",
        // Used by generated code; an app meets them through a builder (`to_request()`).
        "Request",
        "Method",
        "endpoint",
        // Behind `Timestamp`, `Date` and `Duration`, which are.
        "chrono",
        // The crate's own `StandardParameters` (or a re-export of these) is at its root.
        "standard",
        // Behind the runtime's `testing` feature, which the crates' own `testing` feature re-exports.
        "testing",
        "__private",
    ];

    #[test]
    fn every_public_runtime_root_item_is_reexported_or_said_why_not() {
        let file = runtime_file("lib.rs");
        let mut public = Vec::new();
        for item in &file.items {
            let (vis, names) = match item {
                syn::Item::Mod(m) => (&m.vis, vec![m.ident.to_string()]),
                syn::Item::Struct(s) => (&s.vis, vec![s.ident.to_string()]),
                syn::Item::Type(t) => (&t.vis, vec![t.ident.to_string()]),
                syn::Item::Use(u) => {
                    let text = u.tree.to_token_stream().to_string();
                    let last = text.rsplit("::").next().unwrap_or_default();
                    let names = last
                        .trim_matches(|c| c == '{' || c == '}' || c == ' ')
                        .split(',')
                        .map(|n| n.trim().to_owned())
                        // A list rustfmt wraps ends with a comma.
                        .filter(|n| !n.is_empty())
                        .collect();
                    (&u.vis, names)
                }
                _ => continue,
            };
            if matches!(vis, syn::Visibility::Public(_)) {
                public.extend(names);
            }
        }
        let reexported: BTreeSet<&str> = RUNTIME_REEXPORTS
            .iter()
            .flat_map(|r| r.names.iter().copied())
            .collect();
        let unaccounted: Vec<&String> = public
            .iter()
            .filter(|n| !reexported.contains(n.as_str()) && !NOT_REEXPORTED.contains(&n.as_str()))
            .collect();
        assert!(
            unaccounted.is_empty(),
            "neither re-exported nor said why not: {unaccounted:?}"
        );
    }
}
