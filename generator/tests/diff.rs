//! API-change reports: each rule of the policy on a small document, then real pairs of revisions
//! (`tests/fixtures-revisions/`) whose reports are snapshots.

use discogen::diff::{
    diff_documents, Bump, Change, ItemKind, MarkdownOptions, Report, Severity, Version,
};
use discogen::Rules;
use serde_json::{json, Value};

fn base() -> Value {
    json!({
        "kind": "discovery#restDescription",
        "discoveryVersion": "v1",
        "name": "things",
        "version": "v1",
        "title": "Things API",
        "revision": "20240101",
        "rootUrl": "https://things.googleapis.com/",
        "servicePath": "",
        "auth": {"oauth2": {"scopes": {
            "https://www.googleapis.com/auth/cloud-platform": {"description": "See and change your data"}
        }}},
        "schemas": {
            "Thing": {"id": "Thing", "type": "object", "description": "A thing.", "properties": {
                "name": {"type": "string", "description": "The name."},
                "size": {"type": "integer", "format": "int32"},
                "state": {"type": "string", "enum": ["STATE_UNSPECIFIED", "ACTIVE", "DELETED"]},
                "label": {"$ref": "Label"}
            }},
            "Label": {"id": "Label", "type": "object", "properties": {
                "kind": {"type": "string", "enum": ["KIND_UNSPECIFIED", "RED"]}
            }},
            "ListThingsResponse": {"id": "ListThingsResponse", "type": "object", "properties": {
                "things": {"type": "array", "items": {"$ref": "Thing"}},
                "nextPageToken": {"type": "string"}
            }},
            "Empty": {"id": "Empty", "type": "object", "properties": {}}
        },
        "resources": {"projects": {"resources": {
            "things": {"methods": {
                "get": {
                    "id": "things.projects.things.get", "httpMethod": "GET", "path": "v1/{+name}",
                    "parameterOrder": ["name"],
                    "parameters": {
                        "name": {"location": "path", "required": true, "type": "string"},
                        "view": {"location": "query", "type": "string"}
                    },
                    "response": {"$ref": "Thing"}
                },
                "list": {
                    "id": "things.projects.things.list", "httpMethod": "GET", "path": "v1/{+parent}/things",
                    "parameterOrder": ["parent"],
                    "parameters": {
                        "parent": {"location": "path", "required": true, "type": "string"},
                        "pageSize": {"location": "query", "type": "integer", "format": "int32"},
                        "pageToken": {"location": "query", "type": "string"}
                    },
                    "response": {"$ref": "ListThingsResponse"}
                },
                "delete": {
                    "id": "things.projects.things.delete", "httpMethod": "DELETE", "path": "v1/{+name}",
                    "parameterOrder": ["name"],
                    "parameters": {"name": {"location": "path", "required": true, "type": "string"}},
                    "response": {"$ref": "Empty"}
                }
            }},
            "widgets": {"methods": {
                "get": {
                    "id": "things.projects.widgets.get", "httpMethod": "GET", "path": "v1/{+name}",
                    "parameterOrder": ["name"],
                    "parameters": {"name": {"location": "path", "required": true, "type": "string"}},
                    "response": {"$ref": "Empty"}
                }
            }}
        }}}
    })
}

fn report(old: &Value, new: &Value) -> Report {
    diff_documents(&old.to_string(), &new.to_string(), &Rules::default()).unwrap()
}

/// Applies `edit` to a copy of the base document and reports the change from the base.
fn changed(edit: impl FnOnce(&mut Value)) -> Report {
    let old = base();
    let mut new = base();
    edit(&mut new);
    report(&old, &new)
}

fn at<'a>(doc: &'a mut Value, pointer: &str) -> &'a mut Value {
    doc.pointer_mut(pointer)
        .unwrap_or_else(|| panic!("no {pointer}"))
}

fn get_method(doc: &mut Value) -> &mut Value {
    at(doc, "/resources/projects/resources/things/methods/get")
}

fn only(report: &Report) -> &Change {
    assert_eq!(report.changes.len(), 1, "{:#?}", report.changes);
    &report.changes[0]
}

#[test]
fn identical_documents_have_no_changes_and_still_get_a_patch_release() {
    let r = report(&base(), &base());
    assert!(r.changes.is_empty());
    assert_eq!(r.bump(), Bump::Patch);
    assert_eq!(Version::INITIAL.bump(r.bump()).to_string(), "0.1.1");
}

#[test]
fn a_removed_method_is_breaking() {
    let r = changed(|doc| {
        at(doc, "/resources/projects/resources/things/methods")
            .as_object_mut()
            .unwrap()
            .remove("delete");
    });
    let change = only(&r);
    assert_eq!(change.severity, Severity::Breaking);
    assert_eq!(change.kind, ItemKind::Method);
    assert_eq!(
        change.to_string(),
        "method `projects.things.delete` (`projects().things().delete()`): removed"
    );
    assert_eq!(r.bump(), Bump::Major);
    assert_eq!(Version::INITIAL.bump(r.bump()).to_string(), "0.2.0");
    assert_eq!(Version::new(1, 2, 3).bump(r.bump()).to_string(), "2.0.0");
}

#[test]
fn a_removed_resource_is_one_breaking_change() {
    let r = changed(|doc| {
        at(doc, "/resources/projects/resources")
            .as_object_mut()
            .unwrap()
            .remove("widgets");
    });
    assert_eq!(
        only(&r).to_string(),
        "resource `projects.widgets` (`projects().widgets()`): removed, with 1 method"
    );
}

#[test]
fn an_added_method_is_compatible() {
    let r = changed(|doc| {
        let get = get_method(doc).clone();
        at(doc, "/resources/projects/resources/things/methods")
            .as_object_mut()
            .unwrap()
            .insert("undelete".into(), get);
    });
    let change = only(&r);
    assert_eq!(change.severity, Severity::Compatible);
    assert_eq!(
        change.to_string(),
        "method `projects.things.undelete` (`projects().things().undelete()`): added"
    );
    assert_eq!(r.bump(), Bump::Minor);
    assert_eq!(Version::INITIAL.bump(r.bump()).to_string(), "0.1.1");
    assert_eq!(Version::new(1, 2, 3).bump(r.bump()).to_string(), "1.3.0");
}

#[test]
fn a_new_required_parameter_is_breaking_and_an_optional_one_compatible() {
    let r = changed(|doc| {
        at(get_method(doc), "/parameters")
            .as_object_mut()
            .unwrap()
            .insert(
                "etag".into(),
                json!({"location": "query", "required": true, "type": "string"}),
            );
    });
    let change = only(&r);
    assert_eq!(change.severity, Severity::Breaking);
    assert_eq!(change.kind, ItemKind::Parameter);
    assert_eq!(
        change.to_string(),
        "parameter `etag` of `projects().things().get()`: added as a required parameter: a new \
         constructor argument (`String`)"
    );

    let r = changed(|doc| {
        at(get_method(doc), "/parameters")
            .as_object_mut()
            .unwrap()
            .insert(
                "readMask".into(),
                json!({"location": "query", "type": "string", "format": "google-fieldmask"}),
            );
    });
    let change = only(&r);
    assert_eq!(change.severity, Severity::Compatible);
    assert_eq!(
        change.to_string(),
        "parameter `read_mask` of `projects().things().get()`: added (setter `.read_mask()`, `String`)"
    );
}

#[test]
fn an_optional_parameter_becoming_required_is_breaking() {
    let r = changed(|doc| {
        at(get_method(doc), "/parameters/view")
            .as_object_mut()
            .unwrap()
            .insert("required".into(), json!(true));
    });
    let change = only(&r);
    assert_eq!(change.severity, Severity::Breaking);
    assert_eq!(
        change.to_string(),
        "parameter `view` of `projects().things().get()`: now required: a constructor argument instead of \
         a setter"
    );
}

#[test]
fn a_changed_field_type_is_breaking_a_new_field_compatible_a_removed_one_breaking() {
    let r = changed(|doc| {
        *at(doc, "/schemas/Thing/properties/size/format") = json!("int64");
    });
    let change = only(&r);
    assert_eq!(change.severity, Severity::Breaking);
    assert_eq!(change.to_string(), "field `Thing.size`: type `i32` → `i64`");

    let r = changed(|doc| {
        at(doc, "/schemas/Thing/properties")
            .as_object_mut()
            .unwrap()
            .insert(
                "createTime".into(),
                json!({"type": "string", "format": "google-datetime"}),
            );
    });
    let change = only(&r);
    assert_eq!(change.severity, Severity::Compatible);
    assert_eq!(
        change.to_string(),
        "field `Thing.create_time`: added (`Timestamp`)"
    );

    let r = changed(|doc| {
        at(doc, "/schemas/Thing/properties")
            .as_object_mut()
            .unwrap()
            .remove("name");
    });
    assert_eq!(only(&r).to_string(), "field `Thing.name`: removed");
    assert_eq!(only(&r).severity, Severity::Breaking);
}

#[test]
fn a_string_that_becomes_a_fieldmask_is_no_change_in_rust() {
    let r = changed(|doc| {
        at(doc, "/schemas/Thing/properties/name")
            .as_object_mut()
            .unwrap()
            .insert("format".into(), json!("google-fieldmask"));
    });
    assert!(r.changes.is_empty(), "{:#?}", r.changes);
}

#[test]
fn enum_values_added_are_compatible_and_removed_breaking() {
    let r = changed(|doc| {
        at(doc, "/schemas/Thing/properties/state/enum")
            .as_array_mut()
            .unwrap()
            .push(json!("SUSPENDED"));
    });
    let change = only(&r);
    assert_eq!(change.severity, Severity::Compatible);
    assert_eq!(change.kind, ItemKind::EnumValue);
    assert_eq!(
        change.to_string(),
        "enum value `ThingState::Suspended`: added (`SUSPENDED`)"
    );

    let r = changed(|doc| {
        at(doc, "/schemas/Thing/properties/state/enum")
            .as_array_mut()
            .unwrap()
            .retain(|v| v != "DELETED");
    });
    let change = only(&r);
    assert_eq!(change.severity, Severity::Breaking);
    assert_eq!(
        change.to_string(),
        "enum value `ThingState::Deleted`: removed (`DELETED`)"
    );
}

#[test]
fn a_wire_name_changed_behind_the_same_rust_name_is_breaking_and_wire_only() {
    // BigQuery's `SparkLoggingInfo.project_id` became `projectId`: the Rust field is `project_id` both
    // times, so code compiles, but the JSON key the crate reads and writes changed.
    let r = changed(|doc| {
        let props = at(doc, "/schemas/Thing/properties")
            .as_object_mut()
            .unwrap();
        let size = props.remove("size").unwrap();
        props.insert("Size".into(), size);
    });
    let change = only(&r);
    assert_eq!(change.severity, Severity::Breaking);
    assert!(change.wire_only);
    assert_eq!(
        change.to_string(),
        "field `Thing.size`: wire name `size` → `Size` (wire-only: the Rust name is unchanged, so code \
         still compiles, but the crate now reads and writes `Size`)"
    );

    let r = changed(|doc| {
        let params = at(
            doc,
            "/resources/projects/resources/things/methods/list/parameters",
        )
        .as_object_mut()
        .unwrap();
        let size = params.remove("pageSize").unwrap();
        params.insert("page_size".into(), size);
    });
    let change = only(&r);
    assert!(change.wire_only);
    assert_eq!(change.kind, ItemKind::Parameter);
    assert!(change.to_string().starts_with(
        "parameter `page_size` of `projects().things().list()`: wire name `pageSize` → `page_size`"
    ));

    let r = changed(|doc| {
        *at(doc, "/schemas/Thing/properties/state/enum/1") = json!("active");
    });
    let change = only(&r);
    assert!(change.wire_only);
    assert!(change
        .to_string()
        .starts_with("enum value `ThingState::Active`: wire name `ACTIVE` → `active`"));

    // A method's wire name (its id and path stay): `delete` → `Delete`, still `delete()` in Rust.
    let r = changed(|doc| {
        let methods = at(doc, "/resources/projects/resources/things/methods")
            .as_object_mut()
            .unwrap();
        let delete = methods.remove("delete").unwrap();
        methods.insert("Delete".into(), delete);
    });
    let change = only(&r);
    assert!(change.wire_only);
    assert_eq!(change.kind, ItemKind::Method);
    assert!(change.to_string().starts_with(
        "method `projects.things.Delete` (`projects().things().delete()`): wire name `delete` → `Delete`"
    ));

    // A new Rust name is a removal and an addition, visible to the compiler: not wire-only.
    let r = changed(|doc| {
        let props = at(doc, "/schemas/Thing/properties")
            .as_object_mut()
            .unwrap();
        let size = props.remove("size").unwrap();
        props.insert("bulk".into(), size);
    });
    assert_eq!(r.changes.len(), 2, "{:#?}", r.changes);
    assert!(r.changes.iter().all(|c| !c.wire_only));
    assert!(has(&r, Severity::Breaking, "field `Thing.size`: removed"));
}

/// The standard global parameters, as 592 of 610 documents declare them.
fn standard_parameters() -> Value {
    let string = json!({"type": "string", "location": "query"});
    json!({
        "$.xgafv": {"type": "string", "location": "query", "enum": ["1", "2"]},
        "access_token": string,
        "alt": {"type": "string", "location": "query", "enum": ["json", "media", "proto"]},
        "callback": string,
        "fields": string,
        "key": string,
        "oauth_token": string,
        "prettyPrint": {"type": "boolean", "location": "query"},
        "quotaUser": string,
        "uploadType": string,
        "upload_protocol": string
    })
}

#[test]
fn standard_items_that_become_the_runtimes_shared_ones_are_breaking() {
    // BigQuery v2 20230812 declared `userIp` besides the standard parameters, so its crate had its own
    // `StandardParameters` and `Alt`; 20240919 declares exactly the standard ones, so the crate re-exports
    // the runtime's: other items under the same names (cargo-semver-checks: `trait_missing`,
    // `enum_missing`).
    let mut old = base();
    let mut params = standard_parameters();
    params["userIp"] = json!({"type": "string", "location": "query"});
    old["parameters"] = params;
    let mut new = base();
    new["parameters"] = standard_parameters();
    let r = report(&old, &new);
    assert_eq!(
        breaking(&r),
        [
            "standard parameter `StandardParameters::user_ip`: removed (`userIp`)",
            "type `Alt`: now the runtime's shared enum (re-exported), no longer this crate's own: \
             another item under the same name",
            "type `StandardParameters`: now the runtime's shared trait (re-exported), no longer this \
             crate's own: another item under the same name",
            "type `Xgafv`: now the runtime's shared enum (re-exported), no longer this crate's own: \
             another item under the same name",
        ]
    );
    // And back.
    let r = report(&new, &old);
    assert!(has(
        &r,
        Severity::Breaking,
        "type `StandardParameters`: now this crate's own trait, no longer the runtime's shared one: \
         another item under the same name"
    ));
    assert_eq!(r.count(Severity::Breaking), 3, "{:#?}", r.changes);
    // Standard on both sides: nothing.
    assert!(report(&new, &new).changes.is_empty());
}

#[test]
fn a_removed_schema_is_one_change_not_one_per_nested_type() {
    let r = changed(|doc| {
        at(doc, "/schemas").as_object_mut().unwrap().remove("Label");
        at(doc, "/schemas/Thing/properties")
            .as_object_mut()
            .unwrap()
            .remove("label");
    });
    let lines: Vec<String> = r.changes.iter().map(|c| c.to_string()).collect();
    assert_eq!(
        lines,
        ["type `Label`: removed", "field `Thing.label`: removed"],
        "the nested enum `LabelKind` goes with `Label`"
    );
}

#[test]
fn docs_only_changes_are_counted_apart_and_make_a_patch() {
    let r = changed(|doc| {
        *at(doc, "/schemas/Thing/properties/name/description") = json!("The thing's name.");
        *at(doc, "/schemas/Thing/description") = json!("A thing, described anew.");
    });
    assert_eq!(r.count(Severity::Docs), 2);
    assert_eq!(r.bump(), Bump::Patch);
    let markdown = r.to_markdown(MarkdownOptions::default());
    assert!(
        markdown.contains(
            "### Documentation-only changes (2)\n\nDescriptions changed on 1 type and 1 field.\n"
        ),
        "{markdown}"
    );
}

#[test]
fn response_types_request_bodies_and_paths() {
    let r = changed(|doc| {
        *at(get_method(doc), "/response") = json!({"$ref": "Label"});
    });
    assert_eq!(
        only(&r).to_string(),
        "method `projects.things.get` (`projects().things().get()`): response `Thing` → `Label`"
    );
    assert_eq!(only(&r).severity, Severity::Breaking);

    let r = changed(|doc| {
        get_method(doc)
            .as_object_mut()
            .unwrap()
            .insert("request".into(), json!({"$ref": "Label"}));
    });
    assert_eq!(only(&r).severity, Severity::Breaking);
    assert!(only(&r).detail.starts_with("now takes a request body"));

    let r = changed(|doc| {
        *at(get_method(doc), "/path") = json!("v1/{+name}:get");
    });
    assert_eq!(only(&r).severity, Severity::Compatible);
    assert_eq!(
        only(&r).detail,
        "request `GET v1/{+name}` → `GET v1/{+name}:get`"
    );
}

#[test]
fn scopes_added_and_removed() {
    let r = changed(|doc| {
        at(doc, "/auth/oauth2/scopes")
            .as_object_mut()
            .unwrap()
            .insert(
                "https://www.googleapis.com/auth/cloud-platform.read-only".into(),
                json!({"description": "See your data"}),
            );
    });
    assert_eq!(only(&r).severity, Severity::Compatible);
    assert_eq!(only(&r).kind, ItemKind::Scope);
    let r = changed(|doc| {
        at(doc, "/auth/oauth2/scopes")
            .as_object_mut()
            .unwrap()
            .clear();
    });
    assert_eq!(
        only(&r).to_string(),
        "scope `https://www.googleapis.com/auth/cloud-platform`: removed"
    );
    assert_eq!(only(&r).severity, Severity::Breaking);
}

#[test]
fn a_renamed_scope_constant_is_breaking() {
    // A new scope whose URL ends the same way takes the constant's name first; the old one's changes.
    let r = changed(|doc| {
        at(doc, "/auth/oauth2/scopes")
            .as_object_mut()
            .unwrap()
            .insert(
                "https://www.googleapis.com/auth/admin/cloud-platform".into(),
                json!({"description": "Administer your data"}),
            );
    });
    let lines: Vec<String> = r.changes.iter().map(ToString::to_string).collect();
    assert_eq!(
        lines,
        [
            "scope `https://www.googleapis.com/auth/cloud-platform`: constant renamed: \
             `scopes::CLOUD_PLATFORM` → `scopes::CLOUD_PLATFORM_2`",
            "scope `https://www.googleapis.com/auth/admin/cloud-platform`: added",
        ]
    );
    assert_eq!(r.changes[0].severity, Severity::Breaking);
}

// Real pairs of revisions.

fn revision(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures-revisions")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn real(old: &str, new: &str) -> (Report, String) {
    real_with(old, new, true)
}

/// `list_docs: false` counts documentation-only changes instead of listing them (thousands in the larger
/// pairs).
fn real_with(old: &str, new: &str, list_docs: bool) -> (Report, String) {
    let report = diff_documents(&revision(old), &revision(new), &Rules::default()).unwrap();
    let text = format!(
        "{}\n{}\n\n{}",
        report.title,
        report.summary(),
        report.to_markdown(MarkdownOptions {
            list_docs,
            heading_level: 2
        })
    );
    (report, text)
}

fn breaking(report: &Report) -> Vec<String> {
    report
        .changes
        .iter()
        .filter(|c| c.severity == Severity::Breaking)
        .map(Change::to_string)
        .collect()
}

fn has(report: &Report, severity: Severity, line: &str) -> bool {
    report
        .changes
        .iter()
        .any(|c| c.severity == severity && c.to_string() == line)
}

#[test]
fn monitoring_v1_2023_to_2024() {
    let (report, text) = real("monitoring.v1.20230913.json", "monitoring.v1.20241003.json");
    // Checked by hand against the two documents.
    assert!(has(
        &report,
        Severity::Breaking,
        "field `PieChart.show_total`: removed"
    ));
    assert!(has(
        &report,
        Severity::Breaking,
        "field `PieChart.slice_aggregated_threshold`: removed"
    ));
    assert!(has(
        &report,
        Severity::Compatible,
        "enum value `DashboardFilterFilterType::ValueOnly`: added (`VALUE_ONLY`)"
    ));
    assert!(has(
        &report,
        Severity::Compatible,
        "type `SingleViewGroup`: added (a struct, 0 fields)"
    ));
    assert_eq!(report.bump(), Bump::Major);
    assert_eq!(Version::INITIAL.bump(report.bump()).to_string(), "0.2.0");
    insta::assert_snapshot!(text);
}

#[test]
fn dialogflow_v2_2023_to_2024() {
    let (report, text) = real("dialogflow.v2.20230906.json", "dialogflow.v2.20240924.json");
    assert!(has(
        &report,
        Severity::Compatible,
        "resource `projects.generators` (`projects().generators()`): added, with 2 methods"
    ));
    assert!(has(
        &report,
        Severity::Compatible,
        "method `projects.locations.getEncryptionSpec` (`projects().locations().get_encryption_spec()`): added"
    ));
    assert!(has(
        &report,
        Severity::Breaking,
        "type `GoogleCloudDialogflowCxV3ImportDocumentsResponse`: removed"
    ));
    // Methods of a new resource are not listed one by one.
    assert!(!report
        .changes
        .iter()
        .any(|c| c.item.starts_with("method `projects.generators.")));
    assert_eq!(report.bump(), Bump::Major);
    insta::assert_snapshot!(text);
}

#[test]
fn workspaceevents_v1_2024_to_2026() {
    let (report, text) = real(
        "workspaceevents.v1.20241008.json",
        "workspaceevents.v1.20261004.json",
    );
    assert!(has(
        &report,
        Severity::Compatible,
        "field `Subscription.drive_options`: added (`DriveOptions`)"
    ));
    assert!(has(
        &report,
        Severity::Compatible,
        "enum value `SubscriptionSuspensionReason::AppScopeRevoked`: added (`APP_SCOPE_REVOKED`)"
    ));
    assert_eq!(report.count(Severity::Breaking), 0);
    assert_eq!(report.bump(), Bump::Minor);
    assert_eq!(Version::INITIAL.bump(report.bump()).to_string(), "0.1.1");
    insta::assert_snapshot!(text);
}

#[test]
fn dialogflow_v3_2025_to_2026() {
    let (report, text) = real_with(
        "dialogflow.v3.20251209.json",
        "dialogflow.v3.20261106.json",
        false,
    );
    // The newer document lost most descriptions (3,896 documentation-only changes) and removed nothing.
    assert!(has(
        &report,
        Severity::Compatible,
        "type `GoogleCloudDialogflowCxV3TraceBlock`: added (a struct, 9 fields)"
    ));
    assert_eq!(report.count(Severity::Breaking), 0);
    assert_eq!(Version::INITIAL.bump(report.bump()).to_string(), "0.1.1");
    insta::assert_snapshot!(text);
}

/// A removed method and a removed resource.
#[test]
fn firebaseappcheck_v1_2025_to_2026() {
    let (report, text) = real_with(
        "firebaseappcheck.v1.20250901.json",
        "firebaseappcheck.v1.20261106.json",
        false,
    );
    assert_eq!(
        breaking(&report),
        [
            "resource `projects.apps.safetyNetConfig` (`projects().apps().safety_net_config()`): removed, with 3 methods",
            "method `projects.apps.exchangeSafetyNetToken` (`projects().apps().exchange_safety_net_token()`): removed",
            "type `GoogleFirebaseAppcheckV1BatchGetSafetyNetConfigsResponse`: removed",
            "type `GoogleFirebaseAppcheckV1ExchangeSafetyNetTokenRequest`: removed",
            "type `GoogleFirebaseAppcheckV1SafetyNetConfig`: removed",
        ]
    );
    insta::assert_snapshot!(text);
}

/// A changed parameter type: `eventTypes` went from free strings to an enum.
#[test]
fn calendar_v3_2023_to_2024() {
    let (report, text) = real_with(
        "calendar.v3.20230804.json",
        "calendar.v3.20240927.json",
        false,
    );
    assert_eq!(
        breaking(&report),
        [
            "parameter `event_types` of `events().list()`: type `Vec<String>` → `Vec<resources::events::ListEventTypes>`",
            "parameter `event_types` of `events().watch()`: type `Vec<String>` → `Vec<resources::events::WatchEventTypes>`",
        ]
    );
    insta::assert_snapshot!(text);
}

/// A new required parameter: `updateCmekConfig` now takes the whole `name` instead of its two ids.
#[test]
fn cloudtasks_v2beta2_2023_to_2024() {
    let (report, text) = real_with(
        "cloudtasks.v2beta2.20230906.json",
        "cloudtasks.v2beta2.20240808.json",
        false,
    );
    assert_eq!(
        breaking(&report),
        [
            "parameter `locations_id` of `projects().locations().update_cmek_config()`: removed (it was a constructor argument)",
            "parameter `name` of `projects().locations().update_cmek_config()`: added as a required parameter: a new constructor argument (`String`)",
            "parameter `projects_id` of `projects().locations().update_cmek_config()`: removed (it was a constructor argument)",
        ]
    );
    insta::assert_snapshot!(text);
}

/// A renamed enum value: `PUBLIC_ENDPOINT_REQUIRED` became `INGRESS_ENDPOINT_REQUIRED`.
#[test]
fn connectors_v1_2023_to_2024() {
    let (report, text) = real_with(
        "connectors.v1.20230906.json",
        "connectors.v1.20240924.json",
        false,
    );
    assert_eq!(
        breaking(&report),
        [
            "field `EventingConfig.encryption_key`: removed",
            "field `EventingConfig.public_events_listener_endpoint`: removed",
            "enum value `EventingStatusState::PublicEndpointRequired`: removed (`PUBLIC_ENDPOINT_REQUIRED`)",
        ]
    );
    assert!(has(
        &report,
        Severity::Compatible,
        "enum value `EventingStatusState::IngressEndpointRequired`: added (`INGRESS_ENDPOINT_REQUIRED`)"
    ));
    insta::assert_snapshot!(text);
}

/// Wire names changed behind unchanged Rust names (`project_id` → `projectId`), and fields that became
/// enums.
#[test]
fn bigquery_v2_2023_to_2024() {
    let (report, text) = real_with(
        "bigquery.v2.20230812.json",
        "bigquery.v2.20240919.json",
        false,
    );
    let wire_only: Vec<String> = report
        .changes
        .iter()
        .filter(|c| c.wire_only)
        .map(|c| c.item.clone())
        .collect();
    assert_eq!(
        wire_only,
        [
            "field `CsvOptions.null_marker`",
            "field `SparkLoggingInfo.project_id`",
            "field `SparkLoggingInfo.resource_type`",
        ]
    );
    assert!(has(
        &report,
        Severity::Breaking,
        "field `Table.max_staleness`: type `Bytes` → `String`"
    ));
    assert!(has(
        &report,
        Severity::Breaking,
        "standard parameter `StandardParameters::user_ip`: removed (`userIp`)"
    ));
    insta::assert_snapshot!(text);
}

#[test]
fn reports_are_deterministic() {
    let first = real("monitoring.v1.20230913.json", "monitoring.v1.20241003.json").1;
    let second = real("monitoring.v1.20230913.json", "monitoring.v1.20241003.json").1;
    assert_eq!(first, second);
}

#[test]
fn a_renamed_method_constant_is_breaking() {
    // A new method whose id makes the same constant, claimed first (its resource sorts first), takes the
    // name; the old method's constant in `methods` changes.
    let r = changed(|doc| {
        doc["resources"]["Projects"] = json!({"methods": {"get": {
            "id": "things.projects_things.get", "httpMethod": "GET", "path": "v1/other/{+name}",
            "parameterOrder": ["name"],
            "parameters": {"name": {"location": "path", "required": true, "type": "string"}},
            "response": {"$ref": "Empty"}
        }}});
    });
    let renamed: Vec<String> = r
        .changes
        .iter()
        .filter(|c| c.detail.contains("constant renamed"))
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        renamed,
        ["method `things.projects.things.get`: constant renamed: \
          `methods::PROJECTS_THINGS_GET` → `methods::PROJECTS_THINGS_GET_2`"]
    );
    let change = r
        .changes
        .iter()
        .find(|c| c.detail.contains("constant renamed"));
    assert_eq!(change.map(|c| c.severity), Some(Severity::Breaking));
}
