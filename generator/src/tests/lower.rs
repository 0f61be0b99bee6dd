//! The crate model of Dialogflow v2 (with the manifest's rules): shared builders, files and `cfg`s.

use crate::ir::Api;
use crate::lower::lower;
use crate::model::{Cfg, Crate, Layout, MethodConst, Package, ResourceModule, RustType};

fn dialogflow_v2() -> Api {
    super::manifest_api("dialogflow.v2.json")
}

/// Every module of the tree with its methods, depth first.
fn modules<'m, 'a>(module: &'m ResourceModule<'a>, out: &mut Vec<&'m ResourceModule<'a>>) {
    out.push(module);
    module.children.iter().for_each(|child| modules(child, out));
}

/// The `cfg` that compiles a module: its own, else its nearest gated parent's.
fn effective_cfgs(model: &Crate<'_>) -> Vec<(Vec<String>, Cfg)> {
    fn walk(module: &ResourceModule<'_>, inherited: &Cfg, out: &mut Vec<(Vec<String>, Cfg)>) {
        let cfg = if module.cfg.always() {
            inherited.clone()
        } else {
            module.cfg.clone()
        };
        out.push((module.resource.module.clone(), cfg.clone()));
        module
            .children
            .iter()
            .for_each(|child| walk(child, &cfg, out));
    }
    let mut out = Vec::new();
    walk(&model.resources, &Cfg::default(), &mut out);
    out
}

#[test]
fn same_shape_methods_share_one_builder_each() {
    let api = dialogflow_v2();
    let model = lower(&api, Package::default(), Layout::Crate);
    let mut all = Vec::new();
    modules(&model.resources, &mut all);
    let methods: Vec<_> = all.iter().flat_map(|m| &m.methods).collect();
    assert_eq!(methods.len(), 284);
    assert_eq!(model.builders.len(), 128);
    // Every method is served by the builder its constructor returns, and by no other.
    for item in &methods {
        let builder = &model.builders[item.builder.0];
        assert!(builder
            .serves
            .iter()
            .any(|(m, _)| std::ptr::eq(*m, item.method)));
    }
    let served: usize = model.builders.iter().map(|b| b.serves.len()).sum();
    assert_eq!(served, 284);
    let list = &model.builders[methods
        .iter()
        .find(|m| {
            m.method.id.as_deref() == Some("dialogflow.projects.locations.agent.intents.list")
        })
        .unwrap()
        .builder
        .0];
    let ids: Vec<&str> = list
        .serves
        .iter()
        .filter_map(|(m, _)| m.id.as_deref())
        .collect();
    assert_eq!(
        ids,
        [
            "dialogflow.projects.agent.environments.intents.list",
            "dialogflow.projects.agent.intents.list",
            "dialogflow.projects.locations.agent.environments.intents.list",
            "dialogflow.projects.locations.agent.intents.list",
        ]
    );
    assert_eq!(
        list.module,
        ["resources", "projects", "agent", "environments", "intents"]
    );
    assert_eq!(list.cfg, Cfg(vec!["agent".to_owned()]));
}

#[test]
fn a_builder_shared_across_families_is_compiled_by_any_of_them() {
    let api = dialogflow_v2();
    let model = lower(&api, Package::default(), Layout::Crate);
    let cfgs = effective_cfgs(&model);
    let shared: Vec<_> = model
        .builders
        .iter()
        .filter(|b| b.module == model.shared_builders)
        .collect();
    assert_eq!(shared.len(), 12);
    for builder in shared {
        let mut union = Cfg(vec!["?".to_owned()]);
        for (_, module) in &builder.serves {
            let (_, cfg) = cfgs.iter().find(|(m, _)| m == module).unwrap();
            union = if union.0 == ["?"] {
                cfg.clone()
            } else {
                union.union(cfg)
            };
        }
        assert_eq!(builder.cfg, union, "{}", builder.name);
        assert!(builder.cfg.0.len() >= 2, "{}", builder.name);
    }
}

#[test]
fn a_crate_has_a_file_per_family_and_schema_group_and_a_single_file_has_one() {
    let api = dialogflow_v2();
    let files = |layout| -> Vec<String> {
        let model = lower(&api, Package::default(), layout);
        crate::emit::emit(&model)
            .into_iter()
            .map(|(path, _)| path)
            .collect()
    };
    let crate_files = files(Layout::Crate);
    for expected in [
        "lib.rs",
        "methods.rs",
        "resources.rs",
        "resources/projects.rs",
        "resources/projects/agent.rs",
        "resources/projects/locations/agent.rs",
        "resources/shared.rs",
        "schemas.rs",
        "schemas/agent.rs",
        "schemas/unreached_schemas.rs",
    ] {
        assert!(crate_files.iter().any(|f| f == expected), "no {expected}");
    }
    assert_eq!(files(Layout::SingleFile { features: true }), ["lib.rs"]);
    assert_eq!(files(Layout::SingleFile { features: false }), ["lib.rs"]);
    // Without features, nothing is gated: no groups, no shared module (one cfg for all).
    let model = lower(
        &api,
        Package::default(),
        Layout::SingleFile { features: false },
    );
    assert!(model.schemas.groups.is_empty());
    assert!(model.features.is_empty());
    assert!(model.builders.iter().all(|b| b.cfg.always()));
}

/// The `methods` module of a fixture document's crate model.
fn method_consts(fixture: &str) -> Vec<MethodConst> {
    let path = format!("{}/../tests/fixtures/{fixture}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(path).unwrap();
    let api = crate::prepare(&text, &crate::Rules::default()).unwrap();
    let model = lower(&api, Package::default(), Layout::Crate);
    model.methods.unwrap().items
}

fn by_id<'c>(consts: &'c [MethodConst], id: &str) -> &'c MethodConst {
    consts
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("no constant for {id}"))
}

fn schema(name: &str) -> RustType {
    RustType::Named {
        module: vec!["schemas".to_owned()],
        name: name.to_owned(),
    }
}

#[test]
fn every_method_has_a_typed_id_under_its_modules_cfg() {
    let api = dialogflow_v2();
    let model = lower(&api, Package::default(), Layout::Crate);
    let methods = model.methods.as_ref().unwrap();
    assert_eq!(methods.file, "methods.rs");
    let consts = &methods.items;
    assert_eq!(consts.len(), 284);
    let names: std::collections::BTreeSet<&str> = consts.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names.len(), 284);

    let export = by_id(consts, "dialogflow.projects.agent.export");
    assert_eq!(export.name, "PROJECTS_AGENT_EXPORT");
    assert_eq!(export.response, schema("GoogleLongrunningOperation"));
    assert_eq!(export.cfg, Cfg(vec!["agent".to_owned()]));
    assert_eq!(export.request_line, "POST v2/{+parent}/agent:export");
    assert_eq!(
        export.constructor.module,
        ["resources", "projects", "agent"]
    );
    assert_eq!(export.constructor.handle, "Agent");
    assert_eq!(export.constructor.function, "export");

    // Below a family's root, the family's `cfg`; the response is what the shared builder sends.
    let list = by_id(consts, "dialogflow.projects.locations.agent.intents.list");
    assert_eq!(list.name, "PROJECTS_LOCATIONS_AGENT_INTENTS_LIST");
    assert_eq!(
        list.response,
        schema("GoogleCloudDialogflowV2ListIntentsResponse")
    );
    assert_eq!(list.cfg, Cfg(vec!["agent".to_owned()]));

    // The operations service the poller uses is always compiled.
    let cancel = by_id(consts, "dialogflow.projects.operations.cancel");
    assert_eq!(cancel.name, "PROJECTS_OPERATIONS_CANCEL");
    assert_eq!(cancel.response, schema("GoogleProtobufEmpty"));
    assert!(cancel.cfg.always());

    // A build script's single file cannot count on a `testing` feature.
    let single = lower(
        &api,
        Package::default(),
        Layout::SingleFile { features: true },
    );
    assert!(single.methods.is_none());
}

#[test]
fn method_ids_that_collide_get_numbered_constants() {
    let consts = method_consts("collisions.json");
    assert_eq!(
        by_id(&consts, "collisions.fooBars.get").name,
        "FOO_BARS_GET"
    );
    assert_eq!(
        by_id(&consts, "collisions.foo_bars.get").name,
        "FOO_BARS_GET_2"
    );
    assert_eq!(
        by_id(&consts, "collisions.requests.fooBar").name,
        "REQUESTS_FOO_BAR"
    );
    assert_eq!(
        by_id(&consts, "collisions.requests.foo_bar").name,
        "REQUESTS_FOO_BAR_2"
    );
}

#[test]
fn a_document_level_method_is_the_clients_and_may_answer_nothing() {
    let consts = method_consts("document_methods.json");
    let ping = by_id(&consts, "my_api.ping");
    assert_eq!(ping.name, "PING");
    assert_eq!(ping.response, RustType::Unit);
    assert!(ping.constructor.module.is_empty());
    assert_eq!(ping.constructor.handle, "Client");
    assert_eq!(ping.constructor.function, "ping");
}

#[test]
fn scope_constants_that_collide_get_numbered_like_other_constants() {
    let text = r#"{"name": "x", "version": "v1", "rootUrl": "https://x.googleapis.com/", "servicePath": "",
        "auth": {"oauth2": {"scopes": {
            "https://www.googleapis.com/auth/cloud-platform": {"description": "All of Cloud."},
            "https://www.googleapis.com/auth/cloud-platform/": {"description": "The same, written again."},
            "https://www.googleapis.com/auth/2fa": {"description": "A name that starts with a digit."},
            "https://www.googleapis.com/auth/SCOPE_2fa": {"description": "The name that one becomes."}
        }}}}"#;
    let api = crate::prepare(text, &crate::Rules::default()).unwrap();
    let model = lower(&api, Package::default(), Layout::Crate);
    let names: Vec<(&str, &str)> = model
        .scopes
        .iter()
        .map(|s| (s.name.as_str(), s.url.rsplit("auth/").next().unwrap()))
        .collect();
    assert_eq!(
        names,
        [
            ("SCOPE_2FA", "2fa"),
            ("SCOPE_2FA_2", "SCOPE_2fa"),
            ("CLOUD_PLATFORM", "cloud-platform"),
            ("CLOUD_PLATFORM_2", "cloud-platform/"),
        ]
    );
}
