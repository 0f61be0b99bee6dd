//! Nothing lost: a dashboard as the 20241003 revision of Cloud Monitoring v1 sends it, read through a crate
//! generated from the 20230913 revision, changed and written back, keeps every member the older crate does
//! not know, in place.

use old_revision_monitoring::schemas::Dashboard as OldDashboard;
use serde_json::{json, Value};

/// A dashboard using what the 2024 revision added: `annotations`, widget `id`s, a section header and an
/// error-reporting panel, column settings with alignment and thresholds, string-array filters.
fn payload() -> Value {
    json!({
        "name": "projects/p/dashboards/d",
        "displayName": "Latency",
        "etag": "abc",
        "annotations": {
            "defaultResourceNames": ["projects/p"],
            "eventAnnotations": [{"displayName": "Deploys", "eventType": "CLOUD_DEPLOY", "enabled": true}]
        },
        "dashboardFilters": [{
            "labelKey": "zone",
            "valueType": "STRING_ARRAY",
            "stringArrayValue": {"values": ["us-east1-b", "us-east1-c"]}
        }],
        "gridLayout": {
            "columns": "2",
            "widgets": [
                {"id": "w-1", "title": "Errors", "errorReportingPanel": {"projectNames": ["projects/p"], "services": ["api"]}},
                {"id": "w-2", "title": "Overview", "sectionHeader": {"subtitle": "Serving", "dividerBelow": true}},
                {"id": "w-3", "title": "Notes", "text": {"content": "hello", "format": "MARKDOWN",
                 "style": {"pointerLocation": "POINTER_LOCATION_TOP_LEFT", "fontSize": "FS_LARGE"}}},
                {"id": "w-4", "timeSeriesTable": {
                    "dataSets": [{"timeSeriesQuery": {"timeSeriesQueryLanguage": "fetch gce_instance"}}],
                    "columnSettings": [{"column": "zone", "visible": true, "alignment": "RIGHT", "displayName": "Zone",
                                        "thresholds": [{"value": 0.5, "color": "RED", "direction": "ABOVE"}]}]
                }}
            ]
        }
    })
}

/// The keys of `payload` at `pointer` that the old revision's schema `schema` does not declare.
fn unknown_to_old(schema: &str, pointer: &str) -> Vec<String> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures-revisions/monitoring.v1.20230913.json"
    );
    let old: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let declared = &old["schemas"][schema]["properties"];
    let payload = payload();
    let mut keys: Vec<String> = payload
        .pointer(pointer)
        .and_then(Value::as_object)
        .unwrap()
        .keys()
        .filter(|k| declared.get(k.as_str()).is_none())
        .cloned()
        .collect();
    keys.sort();
    keys
}

#[test]
fn the_payload_uses_what_the_old_crate_lacks() {
    assert_eq!(unknown_to_old("Dashboard", ""), ["annotations"]);
    assert_eq!(
        unknown_to_old("Widget", "/gridLayout/widgets/0"),
        ["errorReportingPanel", "id"]
    );
    assert_eq!(
        unknown_to_old("DashboardFilter", "/dashboardFilters/0"),
        ["stringArrayValue", "valueType"]
    );
    assert_eq!(
        unknown_to_old(
            "ColumnSettings",
            "/gridLayout/widgets/3/timeSeriesTable/columnSettings/0"
        ),
        ["alignment", "displayName", "thresholds"]
    );
    // The current crate knows all of it.
    let current: monitoring_v1::schemas::Dashboard = serde_json::from_value(payload()).unwrap();
    assert!(current.unknown_fields.is_empty());
    assert!(current.annotations.is_some());
}

#[test]
fn an_old_crate_keeps_what_it_does_not_know_through_a_read_modify_write() {
    let dashboard: OldDashboard = serde_json::from_value(payload()).unwrap();
    assert_eq!(
        dashboard
            .unknown_fields
            .iter()
            .map(|(k, _)| k)
            .collect::<Vec<_>>(),
        ["annotations"]
    );
    // An update through the old crate: change what it knows, send the whole object back.
    let changed = dashboard.with_display_name("Latency (p99)");
    let sent = serde_json::to_value(&changed).unwrap();
    let mut expected = payload();
    expected["displayName"] = json!("Latency (p99)");
    assert_eq!(sent, expected);
}

#[test]
fn unknown_members_are_written_back_in_the_order_they_came() {
    let text = r#"{"title":"t","zeta":1,"alpha":{"nested":[1,2]},"id":"w","zeta":2}"#;
    let widget: old_revision_monitoring::schemas::Widget = serde_json::from_str(text).unwrap();
    // Declared fields first, then the unknown ones in arrival order; a repeated key keeps its last value.
    assert_eq!(
        serde_json::to_string(&widget).unwrap(),
        r#"{"title":"t","zeta":2,"alpha":{"nested":[1,2]},"id":"w"}"#
    );
}
