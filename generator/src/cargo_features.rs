//! Cargo features: one per resource family, so that an application that calls a few resources compiles
//! only their code and the schemas they reach. All are on by default, so the default build is the whole
//! API.
//!
//! A family is a resource below the resource hierarchy's containers (`projects`, `locations`, ...) with its
//! whole subtree, merged by name: Dialogflow's `projects.agent` and `projects.locations.agent` are both in
//! `agent`. Always compiled: the containers' own methods, the operations service the poller drives, and the
//! schemas they reach. The schemas that no method reaches (webhook payloads, events, the responses and
//! metadata of operations, named only by an `@type`) have a feature of their own, [`UNREACHED`].

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::*;
use crate::model::Cfg;
use crate::names::Namespace;

/// Resources that only contain others: Google's resource hierarchy (AIP-122) and fixed location segments
/// (`locations/global`, `projects/*/location/*`). Their children start families.
const CONTAINERS: &[&str] = &[
    "projects",
    "organizations",
    "folders",
    "billingAccounts",
    "locations",
    "location",
    "global",
];

/// The feature of the schemas no method reaches.
pub const UNREACHED: &str = "unreached_schemas";

/// The feature of the runtime's Google credentials, on by default.
pub const ADC: &str = "adc";

/// The feature of the `methods` module and the runtime's mocks, off by default.
pub const TESTING: &str = "testing";

/// The feature of compressed responses (the runtime's `gzip`), on by default.
pub const GZIP: &str = "gzip";

/// The feature of HTTP/2 (the runtime's `http2`), off by default.
pub const HTTP2: &str = "http2";

/// The crate's own features that are on by default (BENCHMARKS.md, "Compressed responses and HTTP/2":
/// what each costs the build and saves on the wire).
pub const DEFAULT_CRATE_FEATURES: [&str; 2] = [ADC, GZIP];

/// The features every crate has beside its families, with what each does in one line of Markdown (the
/// crate docs' table, the `Cargo.toml` comments).
pub const CRATE_FEATURES: [(&str, &str); 4] = [
    (
        ADC,
        "Google credentials, on by default: `Credentials` and `ClientBuilder::application_default_credentials`, \
         through `google-cloud-auth`. Without it, bearer tokens, API keys and an app's own token provider \
         still work, and `google-cloud-auth` is not built",
    ),
    (
        TESTING,
        "Off by default, for an app's tests: `testing` (the runtime's in-process `Mock`, `FakeOperation`) \
         and `methods`, a typed id per method for the mock's expectations",
    ),
    (
        GZIP,
        "Compressed responses, on by default: sends `Accept-Encoding: gzip` and decodes gzip bodies \
         transparently (flate2, pure Rust); a large list response comes in a fraction of its bytes",
    ),
    (
        HTTP2,
        "HTTP/2, off by default: chosen by ALPN over TLS where the endpoint offers it (the `h2` crate); \
         HTTP/1.1 with pooled keep-alive connections otherwise",
    ),
];

/// With fewer families than this there is nothing worth choosing, and the crate gets no features.
const MIN_FAMILIES: usize = 2;

/// Which cargo feature compiles what: the crate's features, and the `cfg` of each type and resource.
#[derive(Debug, Clone, Default)]
pub struct Gates {
    pub features: Vec<CargoFeature>,
    /// By [`TypeId`]: the features any of which compiles the type; empty: always compiled.
    pub types: Vec<Cfg>,
    /// By resource wire path (`projects.agent`): a family's root resource has its family's feature; a container
    /// with no methods of its own and only gated children, the union of theirs. Absent: not gated itself.
    pub resources: BTreeMap<String, Cfg>,
}

impl Gates {
    /// No features: everything compiles.
    pub fn none(api: &Api) -> Gates {
        Gates {
            types: vec![Cfg::default(); api.types.len()],
            ..Gates::default()
        }
    }

    /// The `cfg` of a resource's own module declaration.
    pub fn resource(&self, resource: &Resource) -> Cfg {
        self.resources
            .get(&resource.wire_path)
            .cloned()
            .unwrap_or_default()
    }
}

/// Finds the families, then gates each family's root resources and each schema that only families reach.
pub fn assign(api: &Api) -> Gates {
    let Some(named) = families(api) else {
        return Gates::none(api);
    };
    let (types, any_unreached) = schema_cfgs(api, &named);
    let mut gates = Gates {
        types,
        ..Gates::default()
    };
    for (name, paths) in &named {
        for path in paths {
            let wire_path = resource_at(&api.root, path).wire_path.clone();
            gates.resources.insert(wire_path, Cfg(vec![name.clone()]));
        }
    }
    for child in &api.root.resources {
        gate_containers(child, &mut gates.resources);
    }
    gates.features = named
        .iter()
        .map(|(name, paths)| CargoFeature {
            name: name.clone(),
            resources: paths
                .iter()
                .map(|path| resource_at(&api.root, path).wire_path.clone())
                .collect(),
        })
        .collect();
    if any_unreached {
        // No resources: that is what marks it (`CargoFeature::is_unreached_schemas`).
        gates.features.push(CargoFeature {
            name: UNREACHED.to_owned(),
            resources: Vec::new(),
        });
    }
    gates
}

/// The families worth a feature, named, each with the index paths of its root resources; `None` when there
/// are too few. The family holding the operations service the poller uses is always compiled, so it is none.
fn families(api: &Api) -> Option<Vec<(String, Vec<Vec<usize>>)>> {
    let mut roots = Vec::new();
    find_family_roots(&api.root, &mut Vec::new(), &mut roots);
    let lro_chains: Vec<&[String]> = api
        .lro
        .iter()
        .flat_map(Lro::method_paths)
        .map(|path| path.accessors.as_slice())
        .collect();
    let mut families: BTreeMap<String, Vec<Vec<usize>>> = BTreeMap::new();
    let mut always_on_families = BTreeSet::new();
    for (wire, path) in roots {
        // App Engine's `apps` holds `apps.operations`.
        let chain = accessor_chain(&api.root, &path);
        if lro_chains.iter().any(|lro| lro.starts_with(&chain)) {
            always_on_families.insert(wire.clone());
        }
        families.entry(wire).or_default().push(path);
    }
    families.retain(|wire, _| !always_on_families.contains(wire));
    if families.len() < MIN_FAMILIES {
        return None;
    }
    let mut names = Namespace::with_reserved(&["default", UNREACHED, ADC, TESTING, GZIP, HTTP2]);
    Some(
        families
            .into_iter()
            .map(|(wire, paths)| {
                let name = names.claim(heck::ToSnakeCase::to_snake_case(wire.as_str()));
                (name, paths)
            })
            .collect(),
    )
}

/// The `cfg` of every type: a schema that the always-compiled code reaches has none; any other, the
/// families whose methods reach it, or [`UNREACHED`] when no method does. Types declared in a resource's
/// module go with the module. Also whether any type is unreached.
fn schema_cfgs(api: &Api, named: &[(String, Vec<Vec<usize>>)]) -> (Vec<Cfg>, bool) {
    let mut family_roots: BTreeMap<&str, Vec<TypeId>> = BTreeMap::new();
    let mut gated: BTreeSet<Vec<usize>> = BTreeSet::new();
    for (name, paths) in named {
        for path in paths {
            gated.insert(path.clone());
            method_types(resource_at(&api.root, path), &mut |id| {
                family_roots.entry(name.as_str()).or_default().push(id)
            });
        }
    }
    let core_roots = core_roots(api, &gated);
    let reached_by_methods = closure(
        api,
        core_roots
            .iter()
            .chain(family_roots.values().flatten())
            .copied(),
    );
    let unreached: Vec<TypeId> = (0..api.types.len())
        .map(TypeId)
        .filter(|id| !reached_by_methods.contains(id))
        .collect();
    let any_unreached = !unreached.is_empty();
    if any_unreached {
        family_roots.insert(UNREACHED, unreached);
    }
    let core = closure(api, core_roots);
    let per_family: Vec<(&str, BTreeSet<TypeId>)> = family_roots
        .iter()
        .map(|(name, ids)| (*name, closure(api, ids.iter().copied())))
        .collect();
    let cfgs = (0..api.types.len())
        .map(|i| {
            let module = &api.types[i].module;
            let in_schemas = module.is_empty() || module[0] == crate::ir::root_items::SCHEMAS;
            if !in_schemas || core.contains(&TypeId(i)) {
                return Cfg::default();
            }
            Cfg(per_family
                .iter()
                .filter(|(_, reached)| reached.contains(&TypeId(i)))
                .map(|(name, _)| (*name).to_owned())
                .collect())
        })
        .collect();
    (cfgs, any_unreached)
}

/// The types the always-compiled code names: methods outside the families, global parameters, the
/// operation and its status.
fn core_roots(api: &Api, gated: &BTreeSet<Vec<usize>>) -> Vec<TypeId> {
    let mut roots = Vec::new();
    core_method_types(&api.root, &mut Vec::new(), gated, &mut roots);
    for param in &api.global_params {
        named_ids(&param.ty, &mut |id| roots.push(id));
    }
    if let Some(lro) = &api.lro {
        roots.push(lro.operation);
        if let ErrorField::Rpc { status, .. } = &lro.fields.error {
            roots.push(*status);
        }
    }
    roots
}

/// Gates a resource that has no methods of its own and only gated children (e.g. `locations.global` when
/// all its families are off), so that no empty handle is left behind. Returns the resource's features.
fn gate_containers(resource: &Resource, gated: &mut BTreeMap<String, Cfg>) -> Vec<String> {
    if let Some(cfg) = gated.get(&resource.wire_path) {
        return cfg.0.clone();
    }
    let mut union = BTreeSet::new();
    let mut always = !resource.methods.is_empty() || resource.resources.is_empty();
    for child in &resource.resources {
        let features = gate_containers(child, gated);
        always |= features.is_empty();
        union.extend(features);
    }
    if always {
        return Vec::new();
    }
    let features: Vec<String> = union.into_iter().collect();
    gated.insert(resource.wire_path.clone(), Cfg(features.clone()));
    features
}

/// The index paths of the resources that start a family, with their wire names.
fn find_family_roots(
    resource: &Resource,
    path: &mut Vec<usize>,
    out: &mut Vec<(String, Vec<usize>)>,
) {
    for (i, child) in resource.resources.iter().enumerate() {
        path.push(i);
        if CONTAINERS.contains(&child.wire_name.as_str()) {
            find_family_roots(child, path, out);
        } else {
            out.push((child.wire_name.clone(), path.clone()));
        }
        path.pop();
    }
}

fn resource_at<'a>(root: &'a Resource, path: &[usize]) -> &'a Resource {
    path.iter().fold(root, |r, &i| &r.resources[i])
}

fn accessor_chain(root: &Resource, path: &[usize]) -> Vec<String> {
    let mut resource = root;
    let mut chain = Vec::new();
    for &i in path {
        resource = &resource.resources[i];
        chain.push(resource.accessor.clone());
    }
    chain
}

/// The named types in the signatures of every method of `resource` and its subtree.
fn method_types(resource: &Resource, add: &mut impl FnMut(TypeId)) {
    own_method_types(resource, add);
    for child in &resource.resources {
        method_types(child, add);
    }
}

/// The named types in the signatures of the methods of `resource` itself, typed pollers included.
fn own_method_types(resource: &Resource, add: &mut impl FnMut(TypeId)) {
    for method in &resource.methods {
        for param in &method.params {
            named_ids(&param.ty, add);
        }
        for ty in method.request.iter().map(|b| &b.ty).chain(&method.response) {
            named_ids(ty, add);
        }
        for payload in method
            .operation_result
            .iter()
            .flat_map(|r| [r.response, r.metadata])
        {
            if let OperationPayload::Message(id) = payload {
                add(id);
            }
        }
    }
}

/// The named types of the methods outside the gated subtrees.
fn core_method_types(
    resource: &Resource,
    path: &mut Vec<usize>,
    gated: &BTreeSet<Vec<usize>>,
    out: &mut Vec<TypeId>,
) {
    if gated.contains(path) {
        return;
    }
    own_method_types(resource, &mut |id| out.push(id));
    for (i, child) in resource.resources.iter().enumerate() {
        path.push(i);
        core_method_types(child, path, gated, out);
        path.pop();
    }
}

fn named_ids(ty: &TypeRef, add: &mut impl FnMut(TypeId)) {
    match ty {
        TypeRef::Named(id) => add(*id),
        TypeRef::Array(inner) | TypeRef::Map(inner) => named_ids(inner, add),
        _ => {}
    }
}

/// `roots` and every type their fields reach.
fn closure(api: &Api, roots: impl IntoIterator<Item = TypeId>) -> BTreeSet<TypeId> {
    crate::reach::closure(roots, |id, out| match &api.ty(*id).kind {
        TypeKind::Struct(s) => {
            for field in &s.fields {
                named_ids(&field.ty, &mut |id| out.push(id));
            }
            if let Some((_, ty)) = &s.additional {
                named_ids(ty, &mut |id| out.push(id));
            }
        }
        TypeKind::Alias(target) => named_ids(target, &mut |id| out.push(id)),
        TypeKind::Enum(_) => {}
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A document whose families are named like the crate's own features.
    fn api_with_families(names: &[&str]) -> Api {
        let family = |name: &&str| {
            format!(
                r#""{name}": {{"methods": {{"get": {{"id": "x.projects.{name}.get", "path": "v1/{name}", "httpMethod": "GET"}}}}}}"#
            )
        };
        let families: Vec<String> = names.iter().map(family).collect();
        let document = format!(
            r#"{{"kind": "discovery#restDescription", "name": "x", "version": "v1", "rootUrl": "https://x.googleapis.com/", "servicePath": "",
                "resources": {{"projects": {{"resources": {{{}}}}}}}}}"#,
            families.join(", ")
        );
        crate::resolve::resolve(&crate::parse::parse(&document).unwrap()).unwrap()
    }

    #[test]
    fn families_never_take_the_crates_own_feature_names() {
        let api = api_with_families(&[
            "adc",
            "default",
            "gzip",
            "http2",
            "testing",
            "unreachedSchemas",
        ]);
        let names: Vec<String> = assign(&api).features.into_iter().map(|f| f.name).collect();
        assert_eq!(
            names,
            [
                "adc_2",
                "default_2",
                "gzip_2",
                "http2_2",
                "testing_2",
                "unreached_schemas_2"
            ]
        );
    }
}
