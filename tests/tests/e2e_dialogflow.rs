//! End-to-end tests of the generated `dialogflow-v2` client: real HTTP calls
//! to a local fake of Dialogflow's long-running operations service for the
//! project `p`, checking both what goes over the wire and what comes back.

mod support;

use std::collections::BTreeMap;

use dialogflow_v2::schemas::{
    GoogleCloudDialogflowV2ExportAgentResponse, GoogleLongrunningOperation, GoogleProtobufEmpty,
    GoogleRpcStatus,
};
use dialogflow_v2::{Client, Code, Error, StandardParameters, Xgafv};
use serde_json::{json, Value};
use support::{within_timeout, RecordedRequest, Recorder, Response};

/// The location whose operations most tests use.
const LOCATION: &str = "projects/p/locations/global";
const OP_1: &str = "projects/p/locations/global/operations/op-1";

// ---------------------------------------------------------------------------
// The fake Dialogflow service
// ---------------------------------------------------------------------------

/// Starts the fake service; returns its base URL and its request log.
async fn fake_dialogflow() -> (String, Recorder) {
    support::serve(dialogflow).await
}

/// A client of the fake service at `base_url`, authenticated with `test-token`.
fn client(base_url: &str) -> Client {
    Client::builder()
        .base_url(base_url)
        .bearer_token("test-token")
        .build()
        .expect("client configuration")
}

/// Every operation the fake service knows, as Dialogflow returns them.
fn operations() -> Vec<Value> {
    vec![
        // agent.export, finished.
        json!({
            "name": "projects/p/locations/global/operations/op-1",
            "metadata": {"@type": "type.googleapis.com/google.protobuf.Struct", "value": {}},
            "done": true,
            "response": {
                "@type": "type.googleapis.com/google.cloud.dialogflow.v2.ExportAgentResponse",
                "agentUri": "gs://bucket/agent.zip"
            }
        }),
        // conversationModels.create, still running (`done` is omitted).
        json!({
            "name": "projects/p/locations/global/operations/op-2",
            "metadata": {
                "@type": "type.googleapis.com/google.cloud.dialogflow.v2.CreateConversationModelOperationMetadata",
                "conversationModel": "projects/p/locations/global/conversationModels/cm-1",
                "state": "TRAINING",
                "createTime": "2025-01-02T03:04:05.678Z"
            }
        }),
        // knowledgeBases.documents.create, cancelled.
        json!({
            "name": "projects/p/locations/global/operations/op-3",
            "metadata": {
                "@type": "type.googleapis.com/google.cloud.dialogflow.v2.KnowledgeOperationMetadata",
                "state": "DONE",
                "knowledgeBase": "projects/p/locations/global/knowledgeBases/kb-1"
            },
            "done": true,
            "error": {"code": 1, "message": "Operation was cancelled."}
        }),
        // agent.train, finished.
        json!({
            "name": "projects/p/locations/global/operations/op-4",
            "metadata": {"@type": "type.googleapis.com/google.protobuf.Struct", "value": {}},
            "done": true,
            "response": {"@type": "type.googleapis.com/google.protobuf.Empty"}
        }),
        // agent.import on the project-level (location-less) endpoint, finished.
        json!({
            "name": "projects/p/operations/op-2",
            "metadata": {"@type": "type.googleapis.com/google.protobuf.Struct", "value": {}},
            "done": true,
            "response": {"@type": "type.googleapis.com/google.protobuf.Empty"}
        }),
    ]
}

/// Routes a request of the `google.longrunning.Operations` service.
fn dialogflow(request: &RecordedRequest) -> Response {
    let Some(resource) = request.path.strip_prefix("/v2/") else {
        return unknown_route(request);
    };
    let resource = support::percent_decode(resource);
    match (request.method.as_str(), resource.strip_suffix(":cancel")) {
        ("GET", None) => match resource.strip_suffix("/operations") {
            Some(parent) => list_operations(parent, request),
            None => get_operation(&resource),
        },
        ("POST", Some(name)) => cancel_operation(name),
        _ => unknown_route(request),
    }
}

fn get_operation(name: &str) -> Response {
    match find_operation(name) {
        Some(operation) => Response::json(200, &operation),
        None => operation_not_found(name),
    }
}

fn cancel_operation(name: &str) -> Response {
    match find_operation(name) {
        Some(_) => Response::json(200, &json!({})),
        None => operation_not_found(name),
    }
}

/// Lists the operations under `parent`, honouring `filter` (`done=true` or
/// `done=false`), `pageSize` and `pageToken` (`page-N` for page N ≥ 2).
fn list_operations(parent: &str, request: &RecordedRequest) -> Response {
    let page_size = match request.query_param("pageSize").map(str::parse::<usize>) {
        None => 50,
        Some(Ok(size)) if size > 0 => size,
        Some(_) => return invalid_argument("Invalid page size."),
    };
    let page = match request.query_param("pageToken") {
        None => 1,
        Some(token) => match token.strip_prefix("page-").map(str::parse::<usize>) {
            Some(Ok(page)) if page >= 2 => page,
            _ => return invalid_argument("Invalid page token."),
        },
    };
    let done = match request.query_param("filter") {
        None => None,
        Some("done=true") => Some(true),
        Some("done=false") => Some(false),
        Some(other) => return invalid_argument(&format!("Unsupported filter: {other}")),
    };

    let prefix = format!("{parent}/operations/");
    let matching: Vec<Value> = operations()
        .into_iter()
        .filter(|op| op["name"].as_str().unwrap().starts_with(&prefix))
        .filter(|op| done.is_none_or(|done| op["done"].as_bool().unwrap_or(false) == done))
        .collect();
    let start = (page - 1) * page_size;
    let mut body = json!({
        "operations": matching.iter().skip(start).take(page_size).collect::<Vec<_>>()
    });
    if start + page_size < matching.len() {
        body["nextPageToken"] = json!(format!("page-{}", page + 1));
    }
    Response::json(200, &body)
}

fn find_operation(name: &str) -> Option<Value> {
    operations().into_iter().find(|op| op["name"] == name)
}

fn operation_not_found(name: &str) -> Response {
    google_error(404, "NOT_FOUND", &format!("Operation not found: {name}"))
}

fn invalid_argument(message: &str) -> Response {
    google_error(400, "INVALID_ARGUMENT", message)
}

fn unknown_route(request: &RecordedRequest) -> Response {
    let message = format!("No route for {} {}", request.method, request.path);
    google_error(404, "NOT_FOUND", &message)
}

fn google_error(code: u16, status: &str, message: &str) -> Response {
    let body = json!({"error": {"code": code, "message": message, "status": status}});
    Response::json(code, &body)
}

// ---------------------------------------------------------------------------
// Assertion helpers
// ---------------------------------------------------------------------------

/// The JSON object `value` as the map type the generated schemas use.
fn object(value: Value) -> BTreeMap<String, Value> {
    serde_json::from_value(value).expect("a JSON object")
}

/// Checks the parts every call shares: method, path, bearer token.
fn assert_call(request: &RecordedRequest, method: &str, path: &str) {
    assert_eq!(request.method, method, "method of {request:#?}");
    assert_eq!(request.path, path, "path of {request:#?}");
    assert_eq!(
        request.header("authorization"),
        Some("Bearer test-token"),
        "authorization of {request:#?}"
    );
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

/// `x-goog-api-client` as Google's Discovery clients send it: `gl-rust/<rustc version> gdcl/<crate version>`.
#[tokio::test]
async fn calls_name_the_compiler_and_the_crate_in_x_goog_api_client() {
    let (base_url, recorder) = fake_dialogflow().await;
    within_timeout(
        client(&base_url)
            .projects()
            .locations()
            .operations()
            .get(OP_1)
            .send(),
    )
    .await
    .expect("get operation");
    let request = recorder.single();
    let value = request
        .header("x-goog-api-client")
        .expect("x-goog-api-client");
    let [language, library] = value.split(' ').collect::<Vec<_>>()[..] else {
        panic!("two words: {value:?}");
    };
    let rustc = language.strip_prefix("gl-rust/").expect("gl-rust/");
    let (release, pre) = rustc.split_once('-').unwrap_or((rustc, ""));
    let numbers: Vec<&str> = release.split('.').collect();
    assert!(
        numbers.len() == 3 && numbers.iter().all(|n| n.parse::<u32>().is_ok()),
        "a rustc version: {value:?}"
    );
    assert!(
        ["", "beta", "nightly"].iter().any(|p| pre.starts_with(p)),
        "{value:?}"
    );
    let version = crate_version("dialogflow-v2");
    let release = version.split('+').next().unwrap();
    assert_eq!(
        library,
        format!("gdcl/{release}"),
        "the crate's version, without the revision"
    );
}

/// The `[package]` version of the generated crate `name`.
fn crate_version(name: &str) -> String {
    let path = format!(
        "{}/../generated/{name}/Cargo.toml",
        env!("CARGO_MANIFEST_DIR")
    );
    let manifest = std::fs::read_to_string(&path).expect("Cargo.toml");
    manifest
        .lines()
        .find_map(|line| line.strip_prefix("version = \""))
        .and_then(|rest| rest.strip_suffix('"'))
        .expect("a version line")
        .to_owned()
}

#[tokio::test]
async fn get_returns_a_done_export_agent_operation() {
    let (base_url, recorder) = fake_dialogflow().await;
    let client = client(&base_url);

    let op = within_timeout(client.projects().locations().operations().get(OP_1).send())
        .await
        .expect("get operation");

    let request = recorder.single();
    assert_call(
        &request,
        "GET",
        "/v2/projects/p/locations/global/operations/op-1",
    );
    assert_eq!(request.raw_query, None);
    assert_eq!(request.body, b"");

    assert_eq!(op.name.as_deref(), Some(OP_1));
    assert_eq!(op.done, Some(true));
    assert_eq!(op.error, None);
    let metadata = op.metadata.as_ref().expect("metadata");
    assert_eq!(
        metadata["@type"],
        json!("type.googleapis.com/google.protobuf.Struct")
    );
    assert_eq!(
        op.metadata,
        Some(object(json!({
            "@type": "type.googleapis.com/google.protobuf.Struct",
            "value": {}
        })))
    );
    let response = op.response.as_ref().expect("response");
    assert_eq!(response["agentUri"], json!("gs://bucket/agent.zip"));
    assert_eq!(
        op.response,
        Some(object(json!({
            "@type": "type.googleapis.com/google.cloud.dialogflow.v2.ExportAgentResponse",
            "agentUri": "gs://bucket/agent.zip"
        })))
    );

    // The `Any` payload converts into the generated schema it names.
    let export: GoogleCloudDialogflowV2ExportAgentResponse =
        serde_json::from_value(serde_json::to_value(response).unwrap()).unwrap();
    assert_eq!(export.agent_uri.as_deref(), Some("gs://bucket/agent.zip"));
    assert_eq!(export.agent_content, None);
}

#[tokio::test]
async fn list_follows_next_page_token_across_pages() {
    let (base_url, recorder) = fake_dialogflow().await;
    let operations = client(&base_url).projects().locations().operations();

    let mut names = Vec::new();
    let mut page_tokens = Vec::new();
    let mut page_token: Option<String> = None;
    loop {
        assert!(page_tokens.len() < 5, "too many pages: {page_tokens:?}");
        let mut call = operations
            .list(LOCATION)
            .page_size(2)
            .filter("done=true")
            .quota_user("me")
            .xgafv(Xgafv::V2);
        if let Some(token) = page_token.take() {
            call = call.page_token(token);
        }
        let page = within_timeout(call.send()).await.expect("list operations");
        assert_eq!(page.unreachable, None);
        names.extend(
            page.operations
                .expect("operations")
                .into_iter()
                .map(|op| op.name.expect("operation name")),
        );
        page_tokens.push(page.next_page_token.clone());
        match page.next_page_token {
            Some(token) if !token.is_empty() => page_token = Some(token),
            _ => break,
        }
    }

    // The running op-2 is filtered out by the service.
    assert_eq!(
        names,
        [
            "projects/p/locations/global/operations/op-1",
            "projects/p/locations/global/operations/op-3",
            "projects/p/locations/global/operations/op-4",
        ]
    );
    assert_eq!(page_tokens, [Some("page-2".to_owned()), None]);

    let requests = recorder.requests();
    assert_eq!(requests.len(), 2, "{requests:#?}");
    for request in &requests {
        assert_call(request, "GET", "/v2/projects/p/locations/global/operations");
        assert_eq!(request.body, b"");
    }
    assert_eq!(
        requests[0].query_pairs(),
        [
            ("filter", "done=true"),
            ("pageSize", "2"),
            ("quotaUser", "me"),
            ("$.xgafv", "2"),
        ]
    );
    assert_eq!(
        requests[0].raw_query.as_deref(),
        Some("filter=done%3Dtrue&pageSize=2&quotaUser=me&%24.xgafv=2")
    );
    assert_eq!(
        requests[1].query_pairs(),
        [
            ("filter", "done=true"),
            ("pageSize", "2"),
            ("pageToken", "page-2"),
            ("quotaUser", "me"),
            ("$.xgafv", "2"),
        ]
    );
}

#[tokio::test]
async fn cancel_posts_to_the_custom_verb_without_a_body() {
    let (base_url, recorder) = fake_dialogflow().await;
    let client = client(&base_url);

    let empty: GoogleProtobufEmpty = within_timeout(
        client
            .projects()
            .locations()
            .operations()
            .cancel(OP_1)
            .send(),
    )
    .await
    .expect("cancel operation");
    assert_eq!(empty, GoogleProtobufEmpty::default());

    let request = recorder.single();
    assert_call(
        &request,
        "POST",
        "/v2/projects/p/locations/global/operations/op-1:cancel",
    );
    assert_eq!(request.raw_query, None);
    assert_eq!(request.body, b"");
    assert_eq!(request.header("content-length"), Some("0"));
    assert_eq!(request.header("content-type"), None);
}

#[tokio::test]
async fn unknown_operation_is_a_404_google_error() {
    let (base_url, recorder) = fake_dialogflow().await;
    let client = client(&base_url);
    let name = "projects/p/locations/global/operations/missing";

    let err = within_timeout(client.projects().locations().operations().get(name).send())
        .await
        .expect_err("a missing operation must fail");

    let Error::Api(api) = &err else {
        panic!("expected Error::Api, got {err:?}");
    };
    assert_eq!(api.status, 404);
    assert_eq!(
        api.body_excerpt,
        r#"{"error":{"code":404,"message":"Operation not found: projects/p/locations/global/operations/missing","status":"NOT_FOUND"}}"#
    );
    assert_eq!(err.status(), Some(404));
    let google = err.rpc_status().expect("decoded Google error");
    assert_eq!(google.code, Code::NotFound);
    assert_eq!(
        google.message,
        "Operation not found: projects/p/locations/global/operations/missing"
    );
    assert!(google.details.is_empty());

    let request = recorder.single();
    assert_call(
        &request,
        "GET",
        "/v2/projects/p/locations/global/operations/missing",
    );
}

#[tokio::test]
async fn cancelled_operation_carries_its_rpc_status() {
    let (base_url, recorder) = fake_dialogflow().await;
    let client = client(&base_url);
    let name = "projects/p/locations/global/operations/op-3";

    let op: GoogleLongrunningOperation =
        within_timeout(client.projects().locations().operations().get(name).send())
            .await
            .expect("get operation");

    assert_call(
        &recorder.single(),
        "GET",
        "/v2/projects/p/locations/global/operations/op-3",
    );
    assert_eq!(op.name.as_deref(), Some(name));
    assert_eq!(op.done, Some(true));
    assert_eq!(op.response, None);
    let error = op.error.expect("operation error");
    assert_eq!(error.code, Some(1));
    assert_eq!(
        error,
        GoogleRpcStatus::default()
            .with_code(1)
            .with_message("Operation was cancelled.")
    );
    assert_eq!(
        op.metadata.expect("metadata")["state"],
        json!("DONE"),
        "metadata is kept as sent"
    );
}

#[tokio::test]
async fn project_level_operations_use_the_project_path() {
    let (base_url, recorder) = fake_dialogflow().await;
    let operations = client(&base_url).projects().operations();

    let op = within_timeout(operations.get("projects/p/operations/op-2").send())
        .await
        .expect("get operation");
    assert_eq!(op.name.as_deref(), Some("projects/p/operations/op-2"));
    assert_eq!(op.done, Some(true));
    assert_eq!(
        op.response,
        Some(object(
            json!({"@type": "type.googleapis.com/google.protobuf.Empty"})
        ))
    );

    let page = within_timeout(operations.list("projects/p").send())
        .await
        .expect("list operations");
    let names: Vec<_> = page
        .operations
        .expect("operations")
        .into_iter()
        .map(|op| op.name.expect("operation name"))
        .collect();
    assert_eq!(names, ["projects/p/operations/op-2"]);
    assert_eq!(page.next_page_token, None);

    let requests = recorder.requests();
    assert_eq!(requests.len(), 2, "{requests:#?}");
    assert_call(&requests[0], "GET", "/v2/projects/p/operations/op-2");
    assert_eq!(requests[0].raw_query, None);
    assert_call(&requests[1], "GET", "/v2/projects/p/operations");
    assert_eq!(requests[1].raw_query, None);
}
