//! Resolution: the parsed document becomes an [`Api`] with stable type ids, resolved `$ref`s, boxed cycles,
//! parsed path templates and final Rust names.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::*;
use crate::names::{method_const, pascal, snake, Namespace};
use crate::operation_results::{Declared, DeclaredResult};
use crate::parse::{self, Document, Schema};
use crate::Error;

/// The crate root's namespace: the generator's own root items and the runtime's re-exports are taken.
fn root_namespace() -> Namespace {
    let mut reserved: Vec<&str> = root_items::ALL.to_vec();
    for reexport in RUNTIME_REEXPORTS {
        reserved.extend_from_slice(reexport.names);
    }
    Namespace::with_reserved(&reserved)
}

/// A builder's namespace: its generated members are taken.
fn builder_namespace() -> Namespace {
    let reserved: Vec<&str> = builder_members::all().collect();
    Namespace::with_reserved(&reserved)
}

/// What the stages before resolution found, for resolution to record.
#[derive(Debug, Clone, Default)]
pub struct Findings {
    /// Declared operation results by method id (see `crate::operation_results`).
    pub operation_results: BTreeMap<String, DeclaredResult>,
    /// Descriptions carried from an older revision (see `crate::describe`).
    pub carried: Option<crate::describe::Carried>,
}

/// Resolves a parsed document into the IR that lower turns into a crate model.
pub fn resolve(doc: &Document) -> Result<Api, Error> {
    resolve_with(doc, &Findings::default())
}

/// Resolves a parsed document with what the earlier stages found.
pub fn resolve_with(doc: &Document, findings: &Findings) -> Result<Api, Error> {
    let mut resolver = Resolver::new(doc, findings);
    resolver.declare_schemas();
    resolver.define_schemas()?;
    let global_params = resolver.global_params()?;
    let mut root = resolver.root_resource()?;

    let mut types = resolver.types;
    box_cycles(&mut types);
    let lro = crate::shapes::find_lro(&types, &root);
    crate::shapes::mark_methods(&types, &mut root, lro.as_ref());

    let api = Api {
        name: doc.name.clone(),
        version: doc.version.clone(),
        title: doc
            .title
            .clone()
            .unwrap_or_else(|| format!("{} {}", doc.name, doc.version)),
        description: doc.description.clone(),
        revision: doc.revision.clone(),
        documentation_link: doc.documentation_link.clone(),
        mtls_base_url: mtls_base_url(doc),
        batch_path: batch_path(doc),
        base_url: base_url(doc),
        endpoints: endpoints(doc),
        scopes: scopes(doc),
        types,
        global_params,
        root,
        lro,
        data_wrapper: doc.features.iter().any(|f| f == "dataWrapper"),
        descriptions_from: findings.carried.clone(),
    };
    Ok(api)
}

fn mtls_base_url(doc: &Document) -> Option<String> {
    let service_path = doc.service_path.as_deref().unwrap_or_default();
    doc.mtls_root_url
        .as_ref()
        .map(|root| with_slash(format!("{root}{service_path}")))
}

/// `batchPath` as an absolute path: below the path of `rootUrl` (`/` for Google's hosts).
fn batch_path(doc: &Document) -> Option<String> {
    let batch = doc.batch_path.as_deref()?.trim_start_matches('/');
    if batch.is_empty() {
        return None;
    }
    let root_path = doc
        .root_url
        .as_deref()
        .and_then(|root| root.split_once("://"))
        .and_then(|(_, rest)| rest.find('/').map(|i| &rest[i..]))
        .unwrap_or("/");
    Some(format!("{}/{batch}", root_path.trim_end_matches('/')))
}

fn endpoints(doc: &Document) -> Vec<Endpoint> {
    let service_path = doc.service_path.as_deref().unwrap_or_default();
    doc.endpoints
        .iter()
        .map(|e| Endpoint {
            location: e.location.clone().unwrap_or_default(),
            url: with_slash(format!("{}{service_path}", e.endpoint_url)),
            description: e.description.clone(),
        })
        .collect()
}

/// OAuth scopes by URL, with their descriptions.
fn scopes(doc: &Document) -> Vec<(String, String)> {
    doc.auth
        .iter()
        .flat_map(|a| a.oauth2.iter())
        .flat_map(|o| o.scopes.iter())
        .map(|(url, scope)| (url.clone(), scope.description.clone().unwrap_or_default()))
        .collect()
}

fn base_url(doc: &Document) -> String {
    match (&doc.root_url, &doc.service_path, &doc.base_url) {
        (Some(root), Some(service), _) => with_slash(format!("{root}{service}")),
        (_, _, Some(base)) => with_slash(base.clone()),
        (Some(root), None, None) => {
            with_slash(format!("{root}{}", doc.base_path.as_deref().unwrap_or("")))
        }
        (None, _, None) => String::from("https://www.googleapis.com/"),
    }
}

fn with_slash(mut url: String) -> String {
    if !url.ends_with('/') {
        url.push('/');
    }
    url
}

/// `$.a.b` for plain keys, `$.a["b.c"]` for keys that are not.
fn key_path(parent: &str, key: &str) -> String {
    if !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        format!("{parent}.{key}")
    } else {
        format!("{parent}[{}]", serde_json::Value::String(key.to_owned()))
    }
}

struct Resolver<'d> {
    doc: &'d Document,
    findings: &'d Findings,
    types: Vec<TypeDef>,
    schema_ids: BTreeMap<&'d str, TypeId>,
    /// Names taken in each module (types and sub-modules share Rust's type namespace).
    namespaces: BTreeMap<ModulePath, Namespace>,
    /// The top-level schema whose body is being resolved: the owner of synthetic types made meanwhile.
    defining: Option<&'d str>,
    /// The names of the `methods` module's constants, one per method id.
    method_consts: Namespace,
}

impl<'d> Resolver<'d> {
    fn new(doc: &'d Document, findings: &'d Findings) -> Self {
        Resolver {
            doc,
            findings,
            types: Vec::new(),
            schema_ids: BTreeMap::new(),
            namespaces: BTreeMap::from([(Vec::new(), root_namespace())]),
            defining: None,
            method_consts: Namespace::constants(),
        }
    }

    /// The document's `parameters`, which every method takes.
    fn global_params(&mut self) -> Result<Vec<Param>, Error> {
        let mut setter_names = builder_namespace();
        let mut params = Vec::new();
        for (wire, schema) in &self.doc.parameters {
            let path = key_path("$.parameters", wire);
            let ty = self.type_of(schema, &pascal(wire), &[], &path)?;
            params.push(Param {
                wire_name: wire.clone(),
                rust_name: setter_names.claim(snake(wire)),
                ty,
                repeated: schema.repeated,
                required: false,
                location: Location::Query,
                doc: schema.description.clone(),
                deprecated: schema.deprecated,
            });
        }
        Ok(params)
    }

    /// The `Client` and, below it, every resource and method of the document.
    fn root_resource(&mut self) -> Result<Resource, Error> {
        let mut root = Resource {
            wire_name: String::new(),
            wire_path: String::new(),
            module: vec![root_items::RESOURCES.to_owned()],
            accessor: String::new(),
            handle: "Client".to_owned(),
            deprecated: false,
            methods: Vec::new(),
            resources: Vec::new(),
        };
        self.namespaces
            .insert(root.module.clone(), Namespace::default());
        let mut accessors = Namespace::with_reserved(client_members::ALL);
        let doc = self.doc;
        self.fill_resource(&mut root, &doc.resources, &doc.methods, &mut accessors, "$")?;
        Ok(root)
    }

    fn namespace(&mut self, module: &[String]) -> &mut Namespace {
        self.namespaces.entry(module.to_vec()).or_default()
    }

    /// Gives every top-level schema its id and name before any body is resolved, so forward and cyclic
    /// references resolve and real schemas keep their names ahead of synthetic ones.
    fn declare_schemas(&mut self) {
        let module = vec![root_items::SCHEMAS.to_owned()];
        for (key, schema) in &self.doc.schemas {
            let name = self.namespace(&module).claim(pascal(key));
            self.schema_ids
                .insert(key.as_str(), TypeId(self.types.len()));
            self.types.push(TypeDef {
                name,
                module: module.clone(),
                doc: schema.description.clone(),
                origin: Origin::Schema(key.clone()),
                kind: TypeKind::Alias(TypeRef::Any),
            });
        }
    }

    fn define_schemas(&mut self) -> Result<(), Error> {
        let module = vec![root_items::SCHEMAS.to_owned()];
        for (key, schema) in &self.doc.schemas {
            self.defining = Some(key);
            let id = self.schema_ids[key.as_str()];
            let path = key_path("$.schemas", key);
            let name = self.types[id.0].name.clone();
            let kind = if schema.reference.is_some() {
                TypeKind::Alias(self.type_of(schema, &name, &module, &path)?)
            } else if !schema.enum_values.is_empty() {
                TypeKind::Enum(make_enum(schema))
            } else if is_struct(schema) {
                TypeKind::Struct(self.make_struct(schema, &name, &module, &path)?)
            } else {
                TypeKind::Alias(self.type_of(schema, &name, &module, &path)?)
            };
            self.types[id.0].kind = kind;
        }
        self.defining = None;
        self.check_alias_cycles()
    }

    /// `A = B`, `B = A` would be an infinite type.
    fn check_alias_cycles(&self) -> Result<(), Error> {
        for start in 0..self.types.len() {
            let mut seen = BTreeSet::new();
            let mut current = TypeId(start);
            while let TypeKind::Alias(TypeRef::Named(next)) = &self.types[current.0].kind {
                if !seen.insert(current) {
                    let path = match &self.types[start].origin {
                        Origin::Schema(key) => key_path("$.schemas", key),
                        Origin::Synthetic { path, .. } => path.clone(),
                    };
                    return Err(Error::new(
                        path,
                        "the schema is defined only by a cycle of $refs",
                    ));
                }
                current = *next;
            }
        }
        Ok(())
    }

    fn make_struct(
        &mut self,
        schema: &'d Schema,
        name: &str,
        module: &[String],
        path: &str,
    ) -> Result<Struct, Error> {
        let mut field_names = Namespace::default();
        let mut fields = Vec::new();
        for (wire, property) in &schema.properties {
            let field_path = key_path(&format!("{path}.properties"), wire);
            let ty = self.type_of(
                property,
                &format!("{name}{}", pascal(wire)),
                module,
                &field_path,
            )?;
            fields.push(Field {
                wire_name: wire.clone(),
                rust_name: field_names.claim(snake(wire)),
                ty,
                boxed: false,
                doc: property.description.clone(),
                deprecated: property.deprecated,
                read_only: property.read_only,
            });
        }
        let additional = match &schema.additional_properties {
            Some(values) => {
                let ty = self.type_of(
                    values,
                    &format!("{name}Value"),
                    module,
                    &format!("{path}.additionalProperties"),
                )?;
                Some((field_names.claim("additional_properties".to_owned()), ty))
            }
            None => None,
        };
        let unknown_fields = additional
            .is_none()
            .then(|| field_names.claim("unknown_fields".to_owned()));
        Ok(Struct {
            fields,
            additional,
            unknown_fields,
        })
    }

    /// The type of a property, array item, map value or parameter; inline objects and enums become new types
    /// named `hint` in `module`.
    fn type_of(
        &mut self,
        schema: &'d Schema,
        hint: &str,
        module: &[String],
        path: &str,
    ) -> Result<TypeRef, Error> {
        if let Some(reference) = &schema.reference {
            return match self.schema_ids.get(reference.as_str()) {
                Some(id) => Ok(TypeRef::Named(*id)),
                None => Err(Error::new(
                    format!("{path}.$ref"),
                    format!("$ref `{reference}` names no schema in this document"),
                )),
            };
        }
        if !schema.enum_values.is_empty() {
            return Ok(self.synthetic(
                hint,
                module,
                schema,
                path,
                TypeKind::Enum(make_enum(schema)),
            ));
        }
        match schema.kind.as_deref() {
            Some("object") | None if !schema.properties.is_empty() => {
                let id = self.synthetic(hint, module, schema, path, TypeKind::Alias(TypeRef::Any));
                let name = self.types[id_of(&id)].name.clone();
                let body = self.make_struct(schema, &name, module, path)?;
                self.types[id_of(&id)].kind = TypeKind::Struct(body);
                Ok(id)
            }
            Some("object") => match &schema.additional_properties {
                Some(values) => Ok(TypeRef::Map(Box::new(self.type_of(
                    values,
                    hint,
                    module,
                    &format!("{path}.additionalProperties"),
                )?))),
                None => Ok(TypeRef::Any),
            },
            Some("array") => match &schema.items {
                Some(items) => Ok(TypeRef::Array(Box::new(self.type_of(
                    items,
                    hint,
                    module,
                    &format!("{path}.items"),
                )?))),
                None => Ok(TypeRef::Array(Box::new(TypeRef::Any))),
            },
            _ => scalar_type(schema, path),
        }
    }

    fn synthetic(
        &mut self,
        hint: &str,
        module: &[String],
        schema: &Schema,
        path: &str,
        kind: TypeKind,
    ) -> TypeRef {
        let name = self.namespace(module).claim(pascal(hint));
        let id = TypeId(self.types.len());
        self.types.push(TypeDef {
            name,
            module: module.to_vec(),
            doc: schema.description.clone(),
            origin: Origin::Synthetic {
                owner: self.defining.map(str::to_owned),
                path: path.to_owned(),
            },
            kind,
        });
        TypeRef::Named(id)
    }

    fn fill_resource(
        &mut self,
        resource: &mut Resource,
        children: &'d BTreeMap<String, parse::Resource>,
        methods: &'d BTreeMap<String, parse::Method>,
        accessors: &mut Namespace,
        path: &str,
    ) -> Result<(), Error> {
        let module = resource.module.clone();
        for (wire, child) in children {
            let child_module_name = self.namespace(&module).claim(snake(wire));
            let mut child_module = module.clone();
            child_module.push(child_module_name);
            let mut child_namespace = Namespace::default();
            let handle = child_namespace.claim(pascal(wire));
            self.namespaces
                .insert(child_module.clone(), child_namespace);
            let wire_path = if resource.wire_path.is_empty() {
                wire.clone()
            } else {
                format!("{}.{wire}", resource.wire_path)
            };
            let mut sub = Resource {
                wire_name: wire.clone(),
                wire_path,
                module: child_module,
                accessor: accessors.claim(snake(wire)),
                handle,
                deprecated: child.deprecated,
                methods: Vec::new(),
                resources: Vec::new(),
            };
            let mut sub_accessors = Namespace::default();
            let child_path = key_path(&format!("{path}.resources"), wire);
            self.fill_resource(
                &mut sub,
                &child.resources,
                &child.methods,
                &mut sub_accessors,
                &child_path,
            )?;
            resource.resources.push(sub);
        }
        for (wire, method) in methods {
            let method_path = key_path(&format!("{path}.methods"), wire);
            let fn_name = accessors.claim(snake(wire));
            let builder = self.namespace(&module).claim(pascal(wire));
            resource.methods.push(self.method(
                wire,
                method,
                fn_name,
                builder,
                &module,
                &method_path,
            )?);
        }
        Ok(())
    }

    fn method(
        &mut self,
        wire: &str,
        method: &'d parse::Method,
        fn_name: String,
        builder: String,
        module: &[String],
        path: &str,
    ) -> Result<Method, Error> {
        let http_method = http_method(method, path)?;
        let mut names = builder_namespace();
        let params = self.params(method, &builder, module, path, &mut names)?;
        let path_parts = parse_path(
            &method.path,
            &params,
            &format!("{path}.path"),
            self.doc.fully_encode_reserved_expansion,
        )?;
        let request = match &method.request {
            Some(schema) => Some(Body {
                rust_name: names.claim("body".to_owned()),
                ty: self.type_of(
                    schema,
                    &format!("{builder}Request"),
                    module,
                    &format!("{path}.request"),
                )?,
            }),
            None => None,
        };
        let response = match &method.response {
            Some(schema) => Some(self.type_of(
                schema,
                &format!("{builder}Response"),
                module,
                &format!("{path}.response"),
            )?),
            None => None,
        };
        let upload = upload(
            method,
            &params,
            path,
            self.doc.fully_encode_reserved_expansion,
        )?;
        let unsupported = unsupported(method, upload.as_ref());

        Ok(Method {
            wire_name: wire.to_owned(),
            id: method.id.clone(),
            method_const: method
                .id
                .as_deref()
                .map(|id| self.method_consts.claim(method_const(id))),
            fn_name,
            builder,
            doc: method.description.clone(),
            http_method,
            path: path_parts,
            params,
            request,
            response,
            api_version: method.api_version.clone(),
            deprecated: method.deprecated,
            scopes: method.scopes.clone(),
            unsupported,
            pagination: None,
            returns_operation: false,
            operation_result: self.operation_result(method.id.as_deref()),
            upload,
            download: method.supports_media_download,
        })
    }

    /// The method's parameters, in constructor order; their setters claim names in `names`.
    fn params(
        &mut self,
        method: &'d parse::Method,
        builder: &str,
        module: &[String],
        path: &str,
        names: &mut Namespace,
    ) -> Result<Vec<Param>, Error> {
        let mut params = Vec::new();
        for wire_name in param_order(method, path)? {
            let schema = &method.parameters[wire_name];
            let param_path = key_path(&format!("{path}.parameters"), wire_name);
            let location = param_location(schema, &param_path)?;
            let hint = format!("{builder}{}", pascal(wire_name));
            let ty = self.type_of(schema, &hint, module, &param_path)?;
            params.push(Param {
                wire_name: wire_name.clone(),
                rust_name: names.claim(snake(wire_name)),
                ty,
                repeated: schema.repeated,
                required: is_required_param(schema),
                location,
                doc: schema.description.clone(),
                deprecated: schema.deprecated,
            });
        }
        Ok(params)
    }
}

/// The type of a schema that is neither a `$ref`, an enum, an object nor an array.
fn scalar_type(schema: &Schema, path: &str) -> Result<TypeRef, Error> {
    match schema.kind.as_deref() {
        Some("string") => Ok(match schema.format.as_deref() {
            Some("byte") => TypeRef::Bytes,
            Some("date") => TypeRef::Date,
            Some("date-time") | Some("google-datetime") => TypeRef::DateTime,
            Some("google-duration") => TypeRef::Duration,
            Some("google-fieldmask") => TypeRef::FieldMask,
            Some("int64") => TypeRef::Int64,
            Some("uint64") => TypeRef::Uint64,
            _ => TypeRef::String,
        }),
        Some("integer") => Ok(match schema.format.as_deref() {
            Some("uint32") => TypeRef::Uint32,
            Some("int64") => TypeRef::Int64,
            Some("uint64") => TypeRef::Uint64,
            _ => TypeRef::Int32,
        }),
        Some("number") => Ok(match schema.format.as_deref() {
            Some("float") => TypeRef::Float,
            _ => TypeRef::Double,
        }),
        Some("boolean") => Ok(TypeRef::Bool),
        Some("any") | Some("null") | None => Ok(TypeRef::Any),
        Some(other) => Err(Error::new(
            format!("{path}.type"),
            format!("unknown type `{other}`"),
        )),
    }
}

fn http_method(method: &parse::Method, path: &str) -> Result<HttpMethod, Error> {
    match method.http_method.to_ascii_uppercase().as_str() {
        "GET" => Ok(HttpMethod::Get),
        "POST" => Ok(HttpMethod::Post),
        "PUT" => Ok(HttpMethod::Put),
        "PATCH" => Ok(HttpMethod::Patch),
        "DELETE" => Ok(HttpMethod::Delete),
        other => Err(Error::new(
            format!("{path}.httpMethod"),
            format!("unsupported HTTP method `{other}`"),
        )),
    }
}

fn is_required_param(schema: &Schema) -> bool {
    schema.is_required() || schema.location.as_deref() == Some("path")
}

/// Parameter names as constructor arguments take them: those in `parameterOrder` first, then the other
/// required ones, then the optional ones.
fn param_order<'m>(method: &'m parse::Method, path: &str) -> Result<Vec<&'m String>, Error> {
    let order: &[String] = method.parameter_order.as_deref().unwrap_or_default();
    for (i, name) in order.iter().enumerate() {
        if !method.parameters.contains_key(name) {
            return Err(Error::new(
                format!("{path}.parameterOrder[{i}]"),
                format!("`{name}` is not one of the method's parameters"),
            ));
        }
    }
    let rest = |required: bool| {
        method
            .parameters
            .iter()
            .filter(move |(name, s)| is_required_param(s) == required && !order.contains(name))
            .map(|(name, _)| name)
    };
    Ok(order.iter().chain(rest(true)).chain(rest(false)).collect())
}

fn param_location(schema: &Schema, param_path: &str) -> Result<Location, Error> {
    match schema.location.as_deref() {
        Some("path") => Ok(Location::Path),
        Some("query") | None => Ok(Location::Query),
        Some(other) => Err(Error::new(
            format!("{param_path}.location"),
            format!("unsupported parameter location `{other}`"),
        )),
    }
}

/// The method's `mediaUpload`, with its upload paths parsed.
fn upload(
    method: &parse::Method,
    params: &[Param],
    path: &str,
    fully_encode: bool,
) -> Result<Option<Upload>, Error> {
    let Some(media) = &method.media_upload else {
        return Ok(None);
    };
    let media_path = |protocol: &Option<parse::MediaProtocol>, name: &str| {
        protocol
            .as_ref()
            .map(|p| {
                parse_path(
                    &p.path,
                    params,
                    &format!("{path}.mediaUpload.protocols.{name}.path"),
                    fully_encode,
                )
            })
            .transpose()
    };
    Ok(Some(Upload {
        simple: media_path(&media.protocols.simple, "simple")?,
        resumable: media_path(&media.protocols.resumable, "resumable")?,
        accept: media.accept.clone(),
        max_size: media.max_size.clone(),
        max_bytes: media.max_size.as_deref().and_then(size_in_bytes),
    }))
}

/// A `maxSize` in bytes: a number, or a number with `KB`, `MB`, `GB` or `TB` (powers of 1024, as
/// google-api-python-client reads them).
fn size_in_bytes(size: &str) -> Option<u64> {
    let shift = match size.len().checked_sub(2).and_then(|i| size.get(i..)) {
        Some(unit) if unit.eq_ignore_ascii_case("KB") => 10,
        Some(unit) if unit.eq_ignore_ascii_case("MB") => 20,
        Some(unit) if unit.eq_ignore_ascii_case("GB") => 30,
        Some(unit) if unit.eq_ignore_ascii_case("TB") => 40,
        _ => return size.trim().parse().ok(),
    };
    let number: u64 = size[..size.len() - 2].trim().parse().ok()?;
    number.checked_mul(1 << shift)
}

/// What the method needs that the generated crate cannot offer.
fn unsupported(method: &parse::Method, upload: Option<&Upload>) -> Vec<String> {
    let mut unsupported = Vec::new();
    if method.supports_media_upload
        && upload.is_none_or(|u| u.simple.is_none() && u.resumable.is_none())
    {
        unsupported.push("media upload without an upload path".to_owned());
    }
    unsupported
}

impl Resolver<'_> {
    /// The declared result of the operation the method `id` starts, in type ids.
    fn operation_result(&self, id: Option<&str>) -> Option<OperationResult> {
        let declared = self.findings.operation_results.get(id?)?;
        let payload = |declared: &Option<Declared>| match declared {
            // A schema that selection left out cannot be named: the payload stays JSON.
            Some(Declared::Schema(key)) => self
                .schema_ids
                .get(key.as_str())
                .map_or(OperationPayload::Json, |id| OperationPayload::Message(*id)),
            Some(Declared::Unit) => OperationPayload::Unit,
            Some(Declared::Json) | None => OperationPayload::Json,
        };
        Some(OperationResult {
            response: payload(&declared.response),
            metadata: payload(&declared.metadata),
        })
    }
}

fn id_of(ty: &TypeRef) -> usize {
    match ty {
        TypeRef::Named(id) => id.0,
        _ => unreachable!("synthetic types are always named"),
    }
}

/// An object with declared properties, or a bare object schema (like `Empty`), becomes a struct.
fn is_struct(schema: &Schema) -> bool {
    !schema.properties.is_empty()
        || (schema.kind.as_deref() == Some("object") && schema.additional_properties.is_none())
}

fn make_enum(schema: &Schema) -> Enum {
    let mut names = Namespace::default();
    let unknown_variant = names.claim("UnknownValue".to_owned());
    let mut seen = BTreeSet::new();
    let variants = schema
        .enum_values
        .iter()
        .enumerate()
        .filter(|(_, wire)| seen.insert(wire.as_str()))
        .map(|(i, wire)| Variant {
            wire_name: wire.clone(),
            rust_name: names.claim(pascal(wire)),
            doc: schema
                .enum_descriptions
                .get(i)
                .filter(|d| !d.trim().is_empty())
                .cloned(),
            deprecated: schema.enum_deprecated.get(i).copied().unwrap_or(false),
        })
        .collect();
    Enum {
        variants,
        unknown_variant,
    }
}

/// Splits a `path` template into literals and variables (`{name}`, `{+name}`).
fn parse_path(
    template: &str,
    params: &[Param],
    path: &str,
    fully_encode: bool,
) -> Result<Vec<PathPart>, Error> {
    let mut parts = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        if open > 0 {
            parts.push(PathPart::Literal(rest[..open].to_owned()));
        }
        let Some(close) = rest[open..].find('}') else {
            return Err(Error::new(
                path,
                format!("unclosed `{{` in path template `{template}`"),
            ));
        };
        let expression = &rest[open + 1..open + close];
        let (expansion, name) = match expression.strip_prefix('+') {
            Some(name) if fully_encode => (Expansion::ReservedFull, name),
            Some(name) => (Expansion::Reserved, name),
            None => (Expansion::Simple, expression),
        };
        let name = name.trim_end_matches('*');
        let Some(param) = params
            .iter()
            .position(|p| p.wire_name == name && p.location == Location::Path)
        else {
            return Err(Error::new(
                path,
                format!("path variable `{name}` is not a path parameter of the method"),
            ));
        };
        parts.push(PathPart::Var { param, expansion });
        rest = &rest[open + close + 1..];
    }
    if !rest.is_empty() {
        parts.push(PathPart::Literal(rest.to_owned()));
    }
    for (i, param) in params.iter().enumerate() {
        if param.location == Location::Path
            && !parts
                .iter()
                .any(|p| matches!(p, PathPart::Var { param, .. } if *param == i))
        {
            return Err(Error::new(
                path,
                format!(
                    "path parameter `{}` does not appear in `{template}`",
                    param.wire_name
                ),
            ));
        }
    }
    Ok(parts)
}

/// Boxes exactly the struct fields that close a cycle of directly nested structs (not through arrays or maps,
/// which already live on the heap).
fn box_cycles(types: &mut [TypeDef]) {
    let direct_target = |ty: &TypeRef, types: &[TypeDef]| -> Option<TypeId> {
        let mut ty = ty;
        while let TypeRef::Named(id) = ty {
            match &types[id.0].kind {
                TypeKind::Struct(_) => return Some(*id),
                TypeKind::Alias(target) => ty = target,
                TypeKind::Enum(_) => return None,
            }
        }
        None
    };
    let edges: Vec<Vec<TypeId>> = types
        .iter()
        .map(|t| match &t.kind {
            TypeKind::Struct(s) => s
                .fields
                .iter()
                .filter_map(|f| direct_target(&f.ty, types))
                .collect(),
            _ => Vec::new(),
        })
        .collect();
    let reaches = |from: TypeId, to: TypeId| -> bool {
        let mut stack = vec![from];
        let mut seen = BTreeSet::new();
        while let Some(node) = stack.pop() {
            if node == to {
                return true;
            }
            if seen.insert(node) {
                stack.extend(edges[node.0].iter().copied());
            }
        }
        false
    };
    let mut to_box = Vec::new();
    for (owner, def) in types.iter().enumerate() {
        if let TypeKind::Struct(s) = &def.kind {
            for (i, field) in s.fields.iter().enumerate() {
                if let Some(target) = direct_target(&field.ty, types) {
                    if reaches(target, TypeId(owner)) {
                        to_box.push((owner, i));
                    }
                }
            }
        }
    }
    for (owner, i) in to_box {
        if let TypeKind::Struct(s) = &mut types[owner].kind {
            s.fields[i].boxed = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_sizes_read_as_google_clients_read_them() {
        assert_eq!(size_in_bytes("5TB"), Some(5 << 40));
        assert_eq!(size_in_bytes("1GB"), Some(1 << 30));
        assert_eq!(size_in_bytes("10kb"), Some(10 << 10));
        assert_eq!(size_in_bytes("209715200"), Some(209_715_200));
        assert_eq!(size_in_bytes("huge"), None);
        assert_eq!(size_in_bytes("99999999999TB"), None);
    }

    #[test]
    fn synthetic_types_know_the_schema_they_belong_to() {
        let doc = parse::parse(
            r#"{"name": "t", "version": "v1",
                "schemas": {"Foo.Bar": {"type": "object", "properties": {
                    "x": {"type": "object", "properties": {"y": {"type": "string"}}}}}},
                "resources": {"r": {"methods": {"m": {"httpMethod": "GET", "path": "m",
                    "parameters": {"mode": {"type": "string", "location": "query", "enum": ["A"]}}}}}}}"#,
        )
        .unwrap();
        let api = resolve(&doc).unwrap();
        let origins: Vec<&Origin> = api.types.iter().map(|t| &t.origin).collect();
        assert_eq!(
            origins,
            [
                &Origin::Schema("Foo.Bar".to_owned()),
                &Origin::Synthetic {
                    owner: Some("Foo.Bar".to_owned()),
                    path: "$.schemas[\"Foo.Bar\"].properties.x".to_owned(),
                },
                &Origin::Synthetic {
                    owner: None,
                    path: "$.resources.r.methods.m.parameters.mode".to_owned(),
                },
            ]
        );
    }

    #[test]
    fn paging_reads_the_token_field_by_its_claimed_name() {
        // `NextPageToken` sorts first and takes `next_page_token`.
        let doc = parse::parse(
            r#"{"name": "t", "version": "v1",
                "schemas": {"List": {"type": "object", "properties": {
                    "NextPageToken": {"type": "string"},
                    "nextPageToken": {"type": "string"},
                    "items": {"type": "array", "items": {"type": "string"}}}}},
                "methods": {"list": {"httpMethod": "GET", "path": "l", "response": {"$ref": "List"},
                    "parameters": {"pageToken": {"type": "string", "location": "query"}}}}}"#,
        )
        .unwrap();
        let api = resolve(&doc).unwrap();
        let pagination = api.root.methods[0].pagination.as_ref().unwrap();
        let token = api.ty(pagination.response).field("nextPageToken").unwrap();
        assert_eq!(pagination.next_page_token, token.rust_name);
        assert_ne!(pagination.next_page_token, "next_page_token");
    }
}
