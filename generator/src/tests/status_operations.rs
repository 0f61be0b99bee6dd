//! Status-style operations are recognised from the document alone: compute.v1's three scopes (and its
//! organization scope) with `wait`, Cloud SQL's one scope with `cancel`, and a Kubernetes Engine-style
//! service whose error is a `google.rpc.Status` and whose second scope takes the whole name.

use crate::ir::{Api, DoneField, ErrorField, Lro, NameArgs};

fn prepare(text: &str) -> Api {
    crate::prepare(text, &crate::Rules::default()).unwrap()
}

fn real(document: &str) -> Api {
    let path = format!(
        "{}/../tests/status-apis/{document}",
        env!("CARGO_MANIFEST_DIR")
    );
    prepare(&std::fs::read_to_string(path).unwrap())
}

/// Each scope: its link template, the accessors and method that poll, and the method that cancels.
fn scopes(lro: &Lro) -> Vec<(String, String, Option<String>)> {
    lro.services
        .iter()
        .map(|s| {
            let path =
                |p: &crate::ir::MethodPath| format!("{}.{}", p.accessors.join("."), p.method);
            (
                s.link_template.clone().unwrap_or_default(),
                path(&s.poll),
                s.cancel.as_ref().map(path),
            )
        })
        .collect()
}

#[test]
fn compute_v1_polls_each_scope_with_its_wait() {
    let api = real("compute.v1.json");
    let lro = api
        .lro
        .as_ref()
        .expect("compute's operations are recognised");
    assert!(!lro.is_longrunning());
    assert_eq!(api.types[lro.operation.0].name, "Operation");
    let scope = |t: &str, p: &str| (t.to_owned(), p.to_owned(), None);
    assert_eq!(
        scopes(lro),
        [
            scope("projects/*/global/operations/*", "global_operations.wait"),
            scope(
                "locations/global/operations/*",
                "global_organization_operations.get"
            ),
            scope(
                "projects/*/regions/*/operations/*",
                "region_operations.wait"
            ),
            scope("projects/*/zones/*/operations/*", "zone_operations.wait"),
        ]
    );
    assert!(!lro.can_cancel());
    let f = &lro.fields;
    assert_eq!(
        (
            f.name.as_deref(),
            f.handle.as_deref(),
            f.progress.as_deref(),
            f.target_link.as_deref()
        ),
        (
            Some("name"),
            Some("self_link"),
            Some("progress"),
            Some("target_link")
        )
    );
    assert!(
        matches!(&f.done, DoneField::Status { field, done, .. } if field == "status" && done == "Done")
    );
    match &f.error {
        ErrorField::Errors {
            field,
            errors,
            http_status,
            http_message,
            ..
        } => assert_eq!(
            (
                field.as_str(),
                errors.as_str(),
                http_status.as_deref(),
                http_message.as_deref()
            ),
            (
                "error",
                "errors",
                Some("http_error_status_code"),
                Some("http_error_message")
            )
        ),
        other => panic!("expected errors[], got {other:?}"),
    }
    // The zone scope's wait takes (project, zone, operation) in the template's order.
    assert_eq!(
        lro.services[3].poll.name_args,
        NameArgs::Split {
            count: 3,
            ids: vec![0, 1, 2]
        }
    );
    // Methods that return the operation start it; the scopes' own methods do not.
    let instances = api
        .root
        .resources
        .iter()
        .find(|r| r.wire_name == "instances")
        .unwrap();
    assert!(
        instances
            .methods
            .iter()
            .find(|m| m.wire_name == "insert")
            .unwrap()
            .returns_operation
    );
    let zone_ops = api
        .root
        .resources
        .iter()
        .find(|r| r.wire_name == "zoneOperations")
        .unwrap();
    assert!(zone_ops.methods.iter().all(|m| !m.returns_operation));
}

#[test]
fn sqladmin_v1_polls_get_and_cancels() {
    let api = real("sqladmin.v1.json");
    let lro = api
        .lro
        .as_ref()
        .expect("Cloud SQL's operations are recognised");
    assert_eq!(
        scopes(lro),
        [(
            "v1/projects/*/operations/*".to_owned(),
            "operations.get".to_owned(),
            Some("operations.cancel".to_owned())
        )]
    );
    match &lro.fields.error {
        ErrorField::Errors {
            http_status,
            http_message,
            ..
        } => {
            assert_eq!((http_status, http_message), (&None, &None))
        }
        other => panic!("expected errors[], got {other:?}"),
    }
    assert_eq!(lro.fields.progress, None);
}

/// Kubernetes Engine's shape, cut down: `error` is a `google.rpc.Status`, `progress` an object (not a
/// percentage), and `projects.locations.operations` takes the whole name (`v1/{+name}`).
const CONTAINER_LIKE: &str = r#"{
  "kind": "discovery#restDescription", "discoveryVersion": "v1", "id": "container:v1", "name": "container",
  "version": "v1", "rootUrl": "https://container.googleapis.com/", "servicePath": "", "batchPath": "batch",
  "protocol": "rest",
  "schemas": {
    "Operation": {"id": "Operation", "type": "object", "properties": {
      "name": {"type": "string"}, "selfLink": {"type": "string"}, "targetLink": {"type": "string"},
      "status": {"type": "string", "enum": ["STATUS_UNSPECIFIED", "PENDING", "RUNNING", "DONE", "ABORTING"]},
      "progress": {"$ref": "OperationProgress"}, "error": {"$ref": "Status"}}},
    "OperationProgress": {"id": "OperationProgress", "type": "object", "properties": {"name": {"type": "string"}}},
    "Status": {"id": "Status", "type": "object", "properties": {
      "code": {"type": "integer", "format": "int32"}, "message": {"type": "string"},
      "details": {"type": "array", "items": {"type": "object", "additionalProperties": {"type": "any"}}}}},
    "CancelOperationRequest": {"id": "CancelOperationRequest", "type": "object", "properties": {"name": {"type": "string"}}},
    "Empty": {"id": "Empty", "type": "object", "properties": {}}
  },
  "resources": {"projects": {"resources": {
    "locations": {"resources": {"operations": {"methods": {
      "get": {"id": "container.projects.locations.operations.get", "path": "v1/{+name}", "httpMethod": "GET",
        "parameters": {"name": {"type": "string", "required": true, "location": "path"}},
        "parameterOrder": ["name"], "response": {"$ref": "Operation"}},
      "cancel": {"id": "container.projects.locations.operations.cancel", "path": "v1/{+name}:cancel", "httpMethod": "POST",
        "parameters": {"name": {"type": "string", "required": true, "location": "path"}},
        "parameterOrder": ["name"], "request": {"$ref": "CancelOperationRequest"}, "response": {"$ref": "Empty"}}}}}},
    "zones": {"resources": {"operations": {"methods": {
      "get": {"id": "container.projects.zones.operations.get", "path": "v1/projects/{projectId}/zones/{zone}/operations/{operationId}",
        "httpMethod": "GET", "parameterOrder": ["projectId", "zone", "operationId"],
        "parameters": {"projectId": {"type": "string", "required": true, "location": "path"},
          "zone": {"type": "string", "required": true, "location": "path"},
          "operationId": {"type": "string", "required": true, "location": "path"}},
        "response": {"$ref": "Operation"}},
      "cancel": {"id": "container.projects.zones.operations.cancel", "path": "v1/projects/{projectId}/zones/{zone}/operations/{operationId}:cancel",
        "httpMethod": "POST", "parameterOrder": ["operationId", "zone", "projectId"],
        "parameters": {"projectId": {"type": "string", "required": true, "location": "path"},
          "zone": {"type": "string", "required": true, "location": "path"},
          "operationId": {"type": "string", "required": true, "location": "path"}},
        "request": {"$ref": "CancelOperationRequest"}, "response": {"$ref": "Empty"}}}}}}
  }}}
}"#;

#[test]
fn a_google_rpc_status_error_and_a_whole_name_scope_are_served() {
    let api = prepare(CONTAINER_LIKE);
    let lro = api.lro.as_ref().expect("recognised");
    assert_eq!(
        scopes(lro),
        [
            (
                "v1/projects/*/zones/*/operations/*".to_owned(),
                "projects.zones.operations.get".to_owned(),
                Some("projects.zones.operations.cancel".to_owned())
            ),
            (
                "v1/**".to_owned(),
                "projects.locations.operations.get".to_owned(),
                Some("projects.locations.operations.cancel".to_owned())
            ),
        ]
    );
    // Cancel lists its parameters in another order: its arguments take the ids by name.
    assert_eq!(
        lro.services[0].cancel.as_ref().unwrap().name_args,
        NameArgs::Split {
            count: 3,
            ids: vec![2, 1, 0]
        }
    );
    assert!(lro.can_cancel());
    assert!(
        matches!(&lro.fields.error, ErrorField::Rpc { details: Some(d), .. } if d == "details")
    );
    // `progress` is an object here, not a percentage.
    assert_eq!(lro.fields.progress, None);
}

#[test]
fn an_operation_without_self_link_is_not_status_style() {
    let api = prepare(&CONTAINER_LIKE.replace(r#""selfLink": {"type": "string"}, "#, ""));
    assert!(api.lro.is_none());
}
