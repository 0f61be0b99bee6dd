//! Lowering: the resolved [`Api`] becomes the crate model ([`crate::model`]). Decided here, once: which
//! cargo feature compiles each item ([`crate::cargo_features`]), which file each module goes in (by
//! [`Layout`]), how the schemas are grouped under one `cfg` per file, and which methods share a builder.

use std::collections::BTreeMap;

use crate::cargo_features::{self, Gates};
use crate::ir::root_items;
use crate::ir::{
    Api, Enum, HttpMethod, Location, Method, ModulePath, OperationResult, Pagination, Param,
    PathPart, Resource, TypeId, TypeKind, TypeRef, Upload,
};
use crate::model::*;

/// The crate model of `api`, laid out by `layout`.
pub fn lower(api: &Api, package: Package, layout: Layout) -> Crate<'_> {
    let gates = match layout {
        Layout::SingleFile { features: false } => Gates::none(api),
        _ => cargo_features::assign(api),
    };
    let mut builders = Builders {
        shared_module: shared_module(api),
        ..Builders::default()
    };
    let resources = resource_module(
        &ModuleContext {
            api,
            layout,
            gates: &gates,
        },
        &api.root,
        Cfg::default(),
        file_of(layout, &api.root.module),
        &mut builders,
    );
    let methods = (layout == Layout::Crate).then(|| {
        let mut items = Vec::new();
        method_consts(api, &resources, &Cfg::default(), &builders.list, &mut items);
        MethodConsts {
            file: module_file(&[root_items::METHODS.to_owned()]),
            items,
        }
    });
    let credentials_cfg = match layout {
        Layout::Crate => Cfg(vec![cargo_features::ADC.to_owned()]),
        Layout::SingleFile { .. } => Cfg::default(),
    };
    Crate {
        api,
        package,
        layout,
        schemas: schemas(api, &gates.types, layout),
        features: gates.features,
        type_cfgs: gates.types,
        pages: api.page_types(),
        resources,
        builders: builders.list,
        type_reexports: builders.type_reexports,
        shared_builders_file: file_of(layout, &builders.shared_module),
        shared_builders: builders.shared_module,
        methods,
        credentials_cfg,
        standard_params: match api.standard_param_enums() {
            Some(replaced_enums) => StandardParams::Runtime { replaced_enums },
            None => StandardParams::Own,
        },
        scopes: scope_consts(api),
        batch_path: api.batch_path.clone(),
        module_types: module_types(api),
    }
}

/// A constant per OAuth scope, named after the URL's last segment (`CLOUD_PLATFORM`).
fn scope_consts(api: &Api) -> Vec<ScopeConst> {
    let mut names = crate::names::Namespace::constants();
    api.scopes
        .iter()
        .map(|(url, doc)| {
            let last = url.trim_end_matches('/').rsplit('/').next().unwrap_or(url);
            let name = heck::ToShoutySnakeCase::to_shouty_snake_case(last).replace('.', "_");
            let name = if name.starts_with(|c: char| c.is_ascii_digit()) || name.is_empty() {
                format!("SCOPE_{name}")
            } else {
                name
            };
            ScopeConst {
                name: names.claim(name),
                url: url.clone(),
                doc: doc.clone(),
            }
        })
        .collect()
}

/// The types of each module, in id order.
fn module_types(api: &Api) -> BTreeMap<ModulePath, Vec<TypeId>> {
    let mut modules: BTreeMap<ModulePath, Vec<TypeId>> = BTreeMap::new();
    for (i, def) in api.types.iter().enumerate() {
        modules
            .entry(def.module.clone())
            .or_default()
            .push(TypeId(i));
    }
    modules
}

/// A typed id for each method of `module` and its children that has an id, under the `cfg` that
/// compiles its module, answering what its builder's `send()` returns.
fn method_consts(
    api: &Api,
    module: &ResourceModule<'_>,
    inherited: &Cfg,
    builders: &[Builder<'_>],
    out: &mut Vec<MethodConst>,
) {
    let cfg = if module.cfg.always() {
        inherited.clone()
    } else {
        module.cfg.clone()
    };
    let resource = module.resource;
    // Document-level methods are the `Client`'s, at the crate root.
    let handle_module = if resource.wire_path.is_empty() {
        Vec::new()
    } else {
        resource.module.clone()
    };
    for item in &module.methods {
        let method = item.method;
        let (Some(name), Some(id)) = (&method.method_const, &method.id) else {
            continue;
        };
        let sent = builders[item.builder.0].method;
        out.push(MethodConst {
            name: name.clone(),
            id: id.clone(),
            request_line: method.request_line(),
            response: RustType::response(api, sent.response.as_ref()),
            cfg: cfg.clone(),
            constructor: Constructor {
                module: handle_module.clone(),
                handle: resource.handle.clone(),
                function: method.fn_name.clone(),
            },
        });
    }
    for child in &module.children {
        method_consts(api, child, &cfg, builders, out);
    }
}

/// The file of a module that has one of its own in the crate layout: `lib.rs` in a single file.
fn file_of(layout: Layout, module: &[String]) -> String {
    match layout {
        Layout::Crate => module_file(module),
        Layout::SingleFile { .. } => "lib.rs".to_owned(),
    }
}

/// `resources::shared`, or `resources::shared_builders` where a top-level resource is called `shared`.
fn shared_module(api: &Api) -> ModulePath {
    let taken = |name: &str| {
        api.root
            .resources
            .iter()
            .any(|r| r.module.last().is_some_and(|m| m == name))
    };
    let name = if taken("shared") {
        "shared_builders"
    } else {
        "shared"
    };
    vec![root_items::RESOURCES.to_owned(), name.to_owned()]
}

/// The `schemas` module's types: those always compiled stay in `schemas.rs`; the others go into one group
/// per `cfg` (in a crate layout, a file each), named after its features.
fn schemas(api: &Api, cfgs: &[Cfg], layout: Layout) -> Schemas {
    let mut always = Vec::new();
    let mut by_cfg: BTreeMap<&Cfg, Vec<TypeId>> = BTreeMap::new();
    for (i, def) in api.types.iter().enumerate() {
        if def.module != [root_items::SCHEMAS] {
            continue;
        }
        match &cfgs[i] {
            cfg if cfg.always() || layout != Layout::Crate => always.push(TypeId(i)),
            cfg => by_cfg.entry(cfg).or_default().push(TypeId(i)),
        }
    }
    let mut names = crate::names::Namespace::with_reserved(&[]);
    let groups = by_cfg
        .into_iter()
        .map(|(cfg, types)| {
            let name = names.claim(crate::names::snake(&group_name(cfg)));
            SchemaGroup {
                file: file_of(layout, &[root_items::SCHEMAS.to_owned(), name.clone()]),
                module: name,
                cfg: cfg.clone(),
                names_others: names_other_schemas(api, &types),
                types,
            }
        })
        .collect();
    Schemas {
        file: file_of(layout, &[root_items::SCHEMAS.to_owned()]),
        always,
        groups,
    }
}

/// Whether the fields of `group`'s types name a schema outside it (which it then imports).
fn names_other_schemas(api: &Api, group: &[TypeId]) -> bool {
    fn named(ty: &TypeRef) -> Option<TypeId> {
        match ty {
            TypeRef::Named(id) => Some(*id),
            TypeRef::Array(inner) | TypeRef::Map(inner) => named(inner),
            _ => None,
        }
    }
    group.iter().any(|id| {
        let refs: Vec<&TypeRef> = match &api.ty(*id).kind {
            TypeKind::Struct(s) => s
                .fields
                .iter()
                .map(|f| &f.ty)
                .chain(s.additional.as_ref().map(|(_, ty)| ty))
                .collect(),
            TypeKind::Alias(ty) => vec![ty],
            TypeKind::Enum(_) => Vec::new(),
        };
        refs.into_iter()
            .filter_map(named)
            .any(|other| api.ty(other).module == [root_items::SCHEMAS] && !group.contains(&other))
    })
}

/// `agent`, `agent_or_conversations`; past three features, the first two and how many more.
fn group_name(cfg: &Cfg) -> String {
    match cfg.0.as_slice() {
        names @ ([_] | [_, _] | [_, _, _]) => names.join("_or_"),
        [first, second, rest @ ..] => format!("{first}_or_{second}_or_{}_more", rest.len()),
        [] => "always".to_owned(),
    }
}

struct ModuleContext<'a, 'g> {
    api: &'a Api,
    layout: Layout,
    gates: &'g Gates,
}

/// A resource's module and its children's: each gated module (a family's root, a scope gated by its
/// children) gets a file of its own in the crate layout, as does every top-level resource.
fn resource_module<'a>(
    context: &ModuleContext<'a, '_>,
    resource: &'a Resource,
    inherited: Cfg,
    file: String,
    builders: &mut Builders<'a>,
) -> ResourceModule<'a> {
    let cfg = context.gates.resource(resource);
    let effective = if cfg.always() { inherited } else { cfg.clone() };
    let is_root = resource.wire_path.is_empty();
    let methods = resource
        .methods
        .iter()
        .map(|method| MethodItem {
            method,
            builder: builders.add(context.api, method, resource, &effective, is_root),
        })
        .collect();
    let children = resource
        .resources
        .iter()
        .map(|child| {
            let own_file = is_root || !context.gates.resource(child).always();
            let child_file = match context.layout {
                Layout::Crate if own_file => module_file(&child.module),
                _ => file.clone(),
            };
            resource_module(context, child, effective.clone(), child_file, builders)
        })
        .collect();
    ResourceModule {
        resource,
        cfg,
        file,
        methods,
        children,
    }
}

/// `resources/projects/agent.rs` for the module `resources::projects::agent`.
fn module_file(module: &[String]) -> String {
    let parts: Vec<&str> = module.iter().map(|m| m.trim_start_matches("r#")).collect();
    format!("{}.rs", parts.join("/"))
}

/// The builders made so far, by shape.
#[derive(Default)]
struct Builders<'a> {
    list: Vec<Builder<'a>>,
    /// By shape: the builders of that shape (one per `cfg` where a builder cannot move to
    /// the shared module).
    by_shape: Vec<(Shape<'a>, Vec<BuilderId>)>,
    /// Parameter enums that a shared builder's other methods declare again: the one it uses instead.
    type_reexports: BTreeMap<TypeId, TypeId>,
    /// The module of the builders that methods of different cargo families share
    /// ([`Crate::shared_builders`]), and the names taken there.
    shared_module: ModulePath,
    shared_names: crate::names::Namespace,
}

impl<'a> Builders<'a> {
    /// The builder of `method`: an existing one of the same shape, else a new one. A builder serving
    /// methods under different `cfg`s moves to the shared module, compiled by any of them, unless it takes
    /// a parameter enum (declared in its first method's module). Document-level methods are never
    /// shared: the client constructs them.
    fn add(
        &mut self,
        api: &'a Api,
        method: &'a Method,
        resource: &Resource,
        cfg: &Cfg,
        root: bool,
    ) -> BuilderId {
        let serves = (method, resource.module.clone());
        if root {
            return self.push(api, method, resource, cfg, root);
        }
        let key = Shape::of(api, method);
        // A parameter enum is declared in its first method's module, so such a builder cannot move.
        let movable = !key
            .params
            .iter()
            .any(|p| matches!(p.ty, ParamType::ResourceEnum { .. }));
        let same_shape = self.by_shape.iter().position(|(shape, _)| *shape == key);
        let candidates = same_shape.map_or(&[][..], |i| &self.by_shape[i].1);
        let found = candidates
            .iter()
            .copied()
            .find(|id| self.list[id.0].cfg == *cfg || movable);
        let Some(id) = found else {
            let id = self.push(api, method, resource, cfg, root);
            match same_shape {
                Some(i) => self.by_shape[i].1.push(id),
                None => self.by_shape.push((key, vec![id])),
            }
            return id;
        };
        if self.list[id.0].cfg != *cfg {
            self.share_across(id, cfg);
        }
        let builder = &mut self.list[id.0];
        builder.serves.push(serves);
        // The same parameter enum, declared again in this method's module: it becomes a re-export.
        for (kept, same) in builder.method.params.iter().zip(&method.params) {
            if let (TypeRef::Named(kept), TypeRef::Named(same)) = (&kept.ty, &same.ty) {
                if kept != same {
                    self.type_reexports.insert(*same, *kept);
                }
            }
        }
        id
    }

    fn push(
        &mut self,
        api: &Api,
        method: &'a Method,
        resource: &Resource,
        cfg: &Cfg,
        root: bool,
    ) -> BuilderId {
        let id = BuilderId(self.list.len());
        self.list.push(Builder {
            name: method.builder.clone(),
            module: resource.module.clone(),
            cfg: cfg.clone(),
            method,
            serves: vec![(method, resource.module.clone())],
            calls: calls(api, method),
            root,
            resource_handle: resource.handle.clone(),
        });
        id
    }

    /// Moves a builder to the shared module (once, under a name unique there: its own, else with its first
    /// resource's before it, `KnowledgeBasesDelete`) and widens its `cfg` to `cfg`'s features too.
    fn share_across(&mut self, id: BuilderId, cfg: &Cfg) {
        let builder = &mut self.list[id.0];
        let shared = self.shared_module.clone();
        if builder.module != shared {
            builder.name = if self.shared_names.contains(&builder.name) {
                let name = format!("{}{}", builder.resource_handle, builder.name);
                self.shared_names.claim(name)
            } else {
                self.shared_names.claim(builder.name.clone())
            };
            builder.module = shared;
        }
        builder.cfg = builder.cfg.union(cfg);
    }
}

/// What makes two methods' builders the same type: everything the builder's code and docs are made of
/// but the method's id and description (both kept per method on its constructor). [`Shape::of`]
/// destructures `Method` and `Param` in full, so that a new field does not compile until it is placed
/// on one side or the other.
#[derive(PartialEq)]
struct Shape<'a> {
    builder: &'a str,
    http_method: HttpMethod,
    path: &'a [PathPart],
    params: Vec<ParamShape<'a>>,
    request: Option<(&'a str, &'a TypeRef)>,
    response: &'a Option<TypeRef>,
    pagination: &'a Option<Pagination>,
    returns_operation: bool,
    operation_result: &'a Option<OperationResult>,
    upload: &'a Option<Upload>,
    download: bool,
    api_version: &'a Option<String>,
    unsupported: &'a [String],
    has_id: bool,
}

#[derive(PartialEq)]
struct ParamShape<'a> {
    wire_name: &'a str,
    rust_name: &'a str,
    ty: ParamType<'a>,
    repeated: bool,
    required: bool,
    location: Location,
    deprecated: bool,
    /// An optional parameter's description, on its setter (a required one's is on the constructor).
    setter_doc: Option<&'a Option<String>>,
}

/// A parameter's type; an enum declared in a resource's module (one per method that takes it) by what
/// it is, so that the same enum declared in two modules is the same shape.
#[derive(PartialEq)]
enum ParamType<'a> {
    ResourceEnum {
        name: &'a str,
        doc: &'a Option<String>,
        definition: &'a Enum,
    },
    Other(&'a TypeRef),
}

impl<'a> Shape<'a> {
    fn of(api: &'a Api, method: &'a Method) -> Self {
        let Method {
            wire_name: _,
            id,
            method_const: _,
            fn_name: _,
            builder,
            doc: _,
            http_method,
            path,
            params,
            request,
            response,
            api_version,
            deprecated: _,
            scopes: _,
            unsupported,
            pagination,
            returns_operation,
            operation_result,
            upload,
            download,
        } = method;
        Shape {
            builder,
            http_method: *http_method,
            path,
            params: params.iter().map(|p| ParamShape::of(api, p)).collect(),
            request: request.as_ref().map(|b| (b.rust_name.as_str(), &b.ty)),
            response,
            pagination,
            returns_operation: *returns_operation,
            operation_result,
            upload,
            download: *download,
            api_version,
            unsupported,
            has_id: id.is_some(),
        }
    }
}

impl<'a> ParamShape<'a> {
    fn of(api: &'a Api, param: &'a Param) -> Self {
        let Param {
            wire_name,
            rust_name,
            ty,
            repeated,
            required,
            location,
            doc,
            deprecated,
        } = param;
        ParamShape {
            wire_name,
            rust_name,
            ty: ParamType::of(api, ty),
            repeated: *repeated,
            required: *required,
            location: *location,
            deprecated: *deprecated,
            setter_doc: (!required).then_some(doc),
        }
    }
}

impl<'a> ParamType<'a> {
    fn of(api: &'a Api, ty: &'a TypeRef) -> Self {
        if let TypeRef::Named(id) = ty {
            let def = api.ty(*id);
            if let (TypeKind::Enum(definition), Some(root_items::RESOURCES)) =
                (&def.kind, def.module.first().map(String::as_str))
            {
                return ParamType::ResourceEnum {
                    name: &def.name,
                    doc: &def.doc,
                    definition,
                };
            }
        }
        ParamType::Other(ty)
    }
}

/// What a method's builder offers besides `send()`.
fn calls(api: &Api, method: &Method) -> Vec<Call> {
    let mut calls = Vec::new();
    if let Some(pagination) = &method.pagination {
        calls.push(Call::Pages {
            page: pagination.response,
            item: pagination.items.1.clone(),
        });
    }
    if method.returns_operation {
        let status_style = api.lro.as_ref().is_some_and(|lro| !lro.is_longrunning());
        calls.push(Call::Start(match &method.operation_result {
            Some(result) => StartKind::Typed {
                response: result.response,
                metadata: result.metadata,
            },
            None if status_style => StartKind::Status,
            None => StartKind::Untyped,
        }));
    }
    if let Some(upload) = &method.upload {
        let media = |path: &Vec<PathPart>| MediaUpload {
            path: path.clone(),
            max_size: upload.max_bytes.zip(upload.max_size.clone()),
            accept: upload.accept.clone(),
        };
        calls.extend(upload.simple.as_ref().map(media).map(Call::Upload));
        // Sessions start at the `/upload/` path with `uploadType=resumable`, as Google's Python and Go
        // clients start them; at the document's `/resumable/upload/` path only when it has no other.
        let session_path = upload.resumable.as_ref().and(upload.simple.as_ref());
        let session_path = session_path.or(upload.resumable.as_ref());
        calls.extend(session_path.map(media).map(Call::UploadResumable));
    }
    if method.download {
        calls.push(Call::Download);
    }
    calls
}
