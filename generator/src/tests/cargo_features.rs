//! Which code each cargo feature compiles, and which schemas the manifest's selection rule leaves out,
//! on the real Dialogflow v2 and Monitoring v1 documents.

use crate::cargo_features::{assign, Gates};
use crate::ir::{Api, Resource};
use crate::{CrateOptions, Rules};

fn api(document: &str, omit_unreached: &[&str]) -> Api {
    let path = format!("{}/../discovery/{document}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    let options = CrateOptions {
        rules: Rules {
            omit_unreached: omit_unreached.iter().map(|s| (*s).to_owned()).collect(),
            ..Rules::default()
        },
        ..Default::default()
    };
    crate::resolve_document(&text, &options).unwrap()
}

fn dialogflow_v2() -> Api {
    api(
        "dialogflow.v2.json",
        &[
            "GoogleCloudDialogflowV2beta1",
            "GoogleCloudDialogflowCxV3",
            "GoogleCloudDialogflowV3alpha1",
        ],
    )
}

fn features_of(api: &Api, gates: &Gates, schema: &str) -> Vec<String> {
    let i = api
        .types
        .iter()
        .position(|t| t.origin.schema() == Some(schema))
        .unwrap_or_else(|| panic!("no type for {schema}"));
    gates.types[i].0.clone()
}

/// The features of the `cfg` on a resource's module declaration.
fn gate(gates: &Gates, resource: &Resource) -> Vec<String> {
    gates.resource(resource).0
}

fn resource<'a>(root: &'a Resource, path: &[&str]) -> &'a Resource {
    path.iter().fold(root, |r, name| {
        r.resources
            .iter()
            .find(|c| c.wire_name == *name)
            .unwrap_or_else(|| panic!("no resource {name}"))
    })
}

#[test]
fn dialogflow_v2_has_a_feature_per_family_merged_across_locations() {
    let api = dialogflow_v2();
    let gates = assign(&api);
    let names: Vec<&str> = gates.features.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "agent",
            "answer_records",
            "companion_agents",
            "conversation_datasets",
            "conversation_models",
            "conversation_profiles",
            "conversations",
            "encryption_spec",
            "generators",
            "knowledge_bases",
            "sip_trunks",
            "stateless_suggestion",
            "suggestions",
            "tools",
            "unreached_schemas",
        ]
    );
    let agent = &gates.features[0];
    assert_eq!(
        agent.resources,
        ["projects.agent", "projects.locations.agent"]
    );
    assert_eq!(
        gate(
            &gates,
            resource(&api.root, &["projects", "locations", "agent"])
        ),
        ["agent"]
    );
    // Scopes with methods of their own, and the operations service the poller drives, are always there.
    assert!(gate(&gates, resource(&api.root, &["projects"])).is_empty());
    assert!(gate(&gates, resource(&api.root, &["projects", "locations"])).is_empty());
    assert!(gate(&gates, resource(&api.root, &["projects", "operations"])).is_empty());
    assert!(gate(
        &gates,
        resource(&api.root, &["projects", "locations", "operations"])
    )
    .is_empty());
}

#[test]
fn schemas_follow_the_families_that_reach_them() {
    let api = dialogflow_v2();
    let gates = assign(&api);
    // Always compiled: what the operations service and the scopes' own methods use.
    assert!(features_of(&api, &gates, "GoogleLongrunningOperation").is_empty());
    assert!(features_of(&api, &gates, "GoogleRpcStatus").is_empty());
    assert!(features_of(&api, &gates, "GoogleCloudDialogflowV2Agent").is_empty()); // projects.getAgent
                                                                                   // One family.
    assert_eq!(
        features_of(&api, &gates, "GoogleCloudDialogflowV2ListSipTrunksResponse"),
        ["sip_trunks"]
    );
    // Several: any of them compiles it.
    assert_eq!(
        features_of(&api, &gates, "GoogleCloudDialogflowV2Intent"),
        [
            "agent",
            "answer_records",
            "conversations",
            "unreached_schemas"
        ]
    );
    // Reached by no method, only through `@type`: an operation's response.
    assert_eq!(
        features_of(&api, &gates, "GoogleCloudDialogflowV2ExportAgentResponse"),
        ["unreached_schemas"]
    );
}

#[test]
fn the_selection_rule_drops_only_unreached_schemas_of_other_versions() {
    let full = api("dialogflow.v2.json", &[]);
    let lean = dialogflow_v2();
    let other = |api: &Api| {
        api.types
            .iter()
            .filter_map(|t| t.origin.schema())
            .filter(|id| {
                id.starts_with("GoogleCloudDialogflowV2beta1")
                    || id.starts_with("GoogleCloudDialogflowCx")
                    || id.starts_with("GoogleCloudDialogflowV3alpha1")
            })
            .count()
    };
    assert_eq!(other(&full), 361); // v2beta1 147, CX v3 106, CX v3beta1 106, v3alpha1 2
    assert_eq!(other(&lean), 0);
    let own = |api: &Api| {
        api.types
            .iter()
            .filter_map(|t| t.origin.schema())
            .filter(|id| {
                id.starts_with("GoogleCloudDialogflowV2")
                    && !id.starts_with("GoogleCloudDialogflowV2beta1")
            })
            .count()
    };
    assert_eq!(own(&full), own(&lean));
}

#[test]
fn monitoring_families_skip_fixed_location_segments() {
    let api = api("monitoring.v1.json", &[]);
    let gates = assign(&api);
    let features: Vec<(&str, Vec<String>)> = gates
        .features
        .iter()
        .map(|f| (f.name.as_str(), f.resources.clone()))
        .collect();
    assert_eq!(
        features,
        [
            ("dashboards", vec!["projects.dashboards".to_owned()]),
            (
                "metrics_scopes",
                vec!["locations.global.metricsScopes".to_owned()]
            ),
            (
                "prometheus",
                vec!["projects.location.prometheus".to_owned()]
            ),
            ("unreached_schemas", vec![]),
        ]
    );
    // `locations` and `locations.global` have no methods: they exist only for `metrics_scopes`.
    assert_eq!(
        gate(&gates, resource(&api.root, &["locations", "global"])),
        ["metrics_scopes"]
    );
    assert_eq!(
        gate(&gates, resource(&api.root, &["locations"])),
        ["metrics_scopes"]
    );
    // `projects` has none either, but leads to three families.
    assert_eq!(
        gate(&gates, resource(&api.root, &["projects"])),
        ["dashboards", "prometheus"]
    );
}

#[test]
fn an_api_with_one_family_gets_no_features() {
    let api = api("workspaceevents.v1.json", &[]);
    let gates = assign(&api);
    assert!(gates.features.is_empty());
    assert!(gates.types.iter().all(|cfg| cfg.always()));
    assert_eq!(gates.types.len(), api.types.len());
}
