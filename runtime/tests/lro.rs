//! The long-running operation poller against the loopback emulator, with a
//! hand-written operation type and API like the ones the generator emits.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use discogen_emulator::{Emulator, EmulatorConfig, Fault, OperationScript, CANCELLED_MESSAGE};
use discogen_runtime::__private::path;
use discogen_runtime::lro::{
    decode_any, CancelOperations, LongRunningOperation, LroError, Message, OperationsApi,
    PollPolicy, Poller, Progress,
};
use discogen_runtime::{Client, Code, Error, Method, Request, RetryPolicy, Status};
use futures_util::StreamExt as _;
use serde_json::{json, Value};

const PARENT: &str = "projects/p/locations/l";
const OP: &str = "projects/p/locations/l/operations/op-1";
const EXPORT_TYPE: &str = "type.googleapis.com/google.cloud.dialogflow.v2.ExportAgentResponse";
const PROGRESS_TYPE: &str = "type.googleapis.com/google.cloud.dialogflow.v2.TestProgress";

// ---------------------------------------------------------------------------
// What a generated crate would contain
// ---------------------------------------------------------------------------

/// Like `GoogleLongrunningOperation`.
#[derive(Clone, Debug, Default, PartialEq, serde::Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct TestOperation {
    done: Option<bool>,
    error: Option<TestStatus>,
    metadata: Option<BTreeMap<String, Value>>,
    name: Option<String>,
    response: Option<BTreeMap<String, Value>>,
}

/// Like `GoogleRpcStatus`.
#[derive(Clone, Debug, Default, PartialEq, serde::Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct TestStatus {
    code: Option<i32>,
    message: Option<String>,
    details: Option<Vec<Value>>,
}

impl LongRunningOperation for TestOperation {
    fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }
    fn done(&self) -> bool {
        self.done.unwrap_or(false)
    }
    fn error(&self) -> Option<Status> {
        self.error
            .as_ref()
            .map(|e| Status::from_parts(e.code, e.message.as_deref(), e.details.as_deref()))
    }
    fn metadata(&self) -> Option<&BTreeMap<String, Value>> {
        self.metadata.as_ref()
    }
    fn response(&self) -> Option<&BTreeMap<String, Value>> {
        self.response.as_ref()
    }
}

/// Like `GoogleCloudDialogflowV2ExportAgentResponse`.
#[derive(Clone, Debug, Default, PartialEq, serde::Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct ExportAgentResponse {
    agent_content: Option<String>,
    agent_uri: Option<String>,
}

impl Message for ExportAgentResponse {
    const SCHEMA_ID: &'static str = "GoogleCloudDialogflowV2ExportAgentResponse";
}

/// Another schema, to get a type mismatch.
#[derive(Clone, Debug, Default, PartialEq, serde::Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct ImportAgentResponse {
    agent: Option<String>,
}

impl Message for ImportAgentResponse {
    const SCHEMA_ID: &'static str = "GoogleCloudDialogflowV2ImportAgentResponse";
}

/// Like a generated `Client` (Dialogflow: `v2/{+name}` and `v2/{+name}:cancel`).
#[derive(Clone, Debug)]
struct TestApi {
    runtime: Client,
}

impl OperationsApi for TestApi {
    type Operation = TestOperation;

    fn runtime(&self) -> &Client {
        &self.runtime
    }

    fn get_request(&self, name: &str) -> Request {
        Request::new(Method::GET, format!("v2/{}", path::reserved(name)))
    }
}

impl CancelOperations for TestApi {
    fn cancel_request(&self, name: &str) -> Request {
        Request::new(Method::POST, format!("v2/{}:cancel", path::reserved(name)))
    }
}

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

async fn emulator() -> Emulator {
    Emulator::start(EmulatorConfig::dialogflow()).await
}

/// An API on `emulator` whose client does not retry, so that every failed
/// request is one failed poll.
fn api(emulator: &Emulator) -> TestApi {
    api_with_retry(emulator, RetryPolicy::none())
}

fn api_with_retry(emulator: &Emulator, retry: RetryPolicy) -> TestApi {
    TestApi {
        runtime: Client::builder("https://dialogflow.googleapis.com/")
            .base_url(emulator.base_url())
            .retry_policy(retry)
            .build()
            .expect("client"),
    }
}

/// Fast, deterministic polling.
fn fast() -> PollPolicy {
    PollPolicy {
        initial_delay: Duration::from_millis(5),
        multiplier: 1.5,
        max_delay: Duration::from_millis(20),
        jitter: false,
        ..PollPolicy::default()
    }
}

/// Fails the test instead of hanging.
async fn within<F: std::future::Future>(limit: Duration, future: F) -> F::Output {
    tokio::time::timeout(limit, future)
        .await
        .expect("the poller hung")
}

/// Starts an export through the emulator's start route, as a generated
/// `agent.export` call would.
async fn start_export(api: &TestApi) -> TestOperation {
    let mut request = Request::new(
        Method::POST,
        format!("v2/{}/agent:export", path::reserved(PARENT)),
    );
    request.json_body(&json!({"agentUri": ""}));
    api.runtime.execute(request).await.expect("agent:export")
}

fn gets(emulator: &Emulator) -> usize {
    emulator
        .requests()
        .iter()
        .filter(|r| r.method == "GET")
        .count()
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

#[tokio::test]
async fn wait_for_returns_the_typed_response() {
    let emulator = emulator().await;
    let api = api(&emulator);
    let operation = start_export(&api).await;
    assert!(!operation.done());
    assert_eq!(operation.name(), Some(OP));

    let poller = Poller::from_operation(api, operation).with_policy(fast());
    assert_eq!(poller.name(), OP);
    let response: ExportAgentResponse = within(Duration::from_secs(5), poller.wait_for())
        .await
        .unwrap();
    assert_eq!(
        response.agent_uri.as_deref(),
        Some("gs://emulator/agent.zip")
    );
    // The default export script is done at the third poll.
    assert_eq!(gets(&emulator), 3);
    assert_eq!(emulator.polls(OP), Some(3));
    let get = &emulator.requests()[1];
    assert_eq!(get.path, format!("/v2/{OP}"));
}

#[tokio::test]
async fn progress_yields_the_metadata_of_each_poll() {
    let emulator = emulator().await;
    emulator.insert_operation(
        OP,
        OperationScript::response(4, json!({"@type": EXPORT_TYPE, "agentUri": "gs://b/a.zip"}))
            .with_progress(PROGRESS_TYPE),
    );
    let poller = Poller::new(api(&emulator), OP).with_policy(fast());
    let snapshots: Vec<_> = within(Duration::from_secs(5), poller.progress().collect()).await;
    let progress: Vec<(Value, bool)> = snapshots
        .iter()
        .map(|s| {
            let op = s.as_ref().unwrap();
            let metadata = op.metadata().unwrap();
            assert_eq!(metadata["@type"], json!(PROGRESS_TYPE));
            (metadata["progressPercent"].clone(), op.done())
        })
        .collect();
    assert_eq!(
        progress,
        vec![
            (json!(25), false),
            (json!(50), false),
            (json!(75), false),
            (json!(100), true),
        ]
    );
    let last = snapshots.last().unwrap().as_ref().unwrap();
    let response: ExportAgentResponse = decode_any(last.response().unwrap()).unwrap();
    assert_eq!(response.agent_uri.as_deref(), Some("gs://b/a.zip"));
}

/// Like `GoogleCloudDialogflowV2TestProgress` metadata.
#[derive(Clone, Debug, Default, PartialEq, serde::Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct TestProgress {
    progress_percent: Option<i32>,
}

impl Message for TestProgress {
    const SCHEMA_ID: &'static str = "GoogleCloudDialogflowV2TestProgress";
}

#[tokio::test]
async fn a_typed_poller_decodes_metadata_and_response() {
    let emulator = emulator().await;
    emulator.insert_operation(
        OP,
        OperationScript::response(3, json!({"@type": EXPORT_TYPE, "agentUri": "gs://b/a.zip"}))
            .with_progress(PROGRESS_TYPE),
    );
    let poller = Poller::new(api(&emulator), OP)
        .with_policy(fast())
        .typed::<ExportAgentResponse, TestProgress>();
    let items: Vec<_> = within(Duration::from_secs(5), poller.clone().progress().collect()).await;
    let items: Vec<_> = items.into_iter().map(Result::unwrap).collect();
    let running = |percent| {
        Progress::Running(Some(TestProgress {
            progress_percent: Some(percent),
        }))
    };
    let done = ExportAgentResponse {
        agent_uri: Some("gs://b/a.zip".to_owned()),
        ..ExportAgentResponse::default()
    };
    assert_eq!(
        items,
        vec![running(33), running(66), Progress::Done(done.clone())]
    );
    // The same poller, waited on: the response, nothing else to name.
    let response = within(Duration::from_secs(5), poller.wait()).await.unwrap();
    assert_eq!(response, done);
}

#[tokio::test]
async fn a_typed_poller_names_a_type_mismatch() {
    let emulator = emulator().await;
    emulator.insert_operation(
        OP,
        OperationScript::response(1, json!({"@type": EXPORT_TYPE, "agentUri": "gs://b/a.zip"})),
    );
    let poller = Poller::new(api(&emulator), OP)
        .with_policy(fast())
        .typed::<ImportAgentResponse, Value>();
    let err = within(Duration::from_secs(5), poller.wait())
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "operation payload has type \"type.googleapis.com/google.cloud.dialogflow.v2.ExportAgentResponse\", \
         expected GoogleCloudDialogflowV2ImportAgentResponse"
    );
}

#[tokio::test]
async fn a_typed_poller_fails_with_the_operations_error() {
    let emulator = emulator().await;
    emulator.insert_operation(OP, OperationScript::error(1, 9, "The agent is busy."));
    let poller = Poller::new(api(&emulator), OP).with_policy(fast());
    let err = within(Duration::from_secs(5), poller.typed::<(), Value>().wait())
        .await
        .unwrap_err();
    let status = err.operation_error().expect("the operation's error");
    assert_eq!(
        (status.code, status.message.as_str()),
        (Code::FailedPrecondition, "The agent is busy.")
    );
    assert_eq!(err.http_status(), None);
}

#[tokio::test]
async fn untyped_payloads_are_json_and_empty_ones_unit() {
    let emulator = emulator().await;
    emulator.insert_operation(
        OP,
        OperationScript::response(1, json!({"@type": EXPORT_TYPE, "agentUri": "u"})),
    );
    let poller = Poller::new(api(&emulator), OP).with_policy(fast());
    let value = within(
        Duration::from_secs(5),
        poller.clone().typed::<Value, Value>().wait(),
    )
    .await
    .unwrap();
    assert_eq!(value, json!({"@type": EXPORT_TYPE, "agentUri": "u"}));
    within(Duration::from_secs(5), poller.typed::<(), ()>().wait())
        .await
        .unwrap();
}

#[test]
fn poll_policy_setters() {
    let policy = PollPolicy::default()
        .with_initial_delay(Duration::from_millis(5))
        .with_multiplier(2.0)
        .with_max_delay(Duration::from_secs(1))
        .with_jitter(false)
        .with_deadline(Duration::from_secs(60))
        .with_max_attempts(7)
        .with_max_poll_errors(1);
    assert_eq!(
        policy,
        PollPolicy {
            initial_delay: Duration::from_millis(5),
            multiplier: 2.0,
            max_delay: Duration::from_secs(1),
            jitter: false,
            deadline: Some(Duration::from_secs(60)),
            max_attempts: Some(7),
            max_poll_errors: 1,
        }
    );
}

#[tokio::test]
async fn progress_of_a_done_operation_is_that_operation() {
    let emulator = emulator().await;
    let done = TestOperation {
        name: Some(OP.to_owned()),
        done: Some(true),
        response: Some(BTreeMap::from([("@type".to_owned(), json!(EXPORT_TYPE))])),
        ..TestOperation::default()
    };
    let mut stream = Poller::from_operation(api(&emulator), done.clone()).progress();
    assert_eq!(stream.next().await.unwrap().unwrap(), done);
    assert!(stream.next().await.is_none());
    assert!(emulator.requests().is_empty());
}

#[tokio::test]
async fn wait_ends_in_the_operations_error() {
    let emulator = emulator().await;
    emulator.insert_operation(
        OP,
        OperationScript::error(2, 9, "The agent is busy.").with_error_details(vec![
            json!({"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "BUSY"}),
        ]),
    );
    let api = api(&emulator);
    // `wait_operation` returns the done operation, error included.
    let done = within(
        Duration::from_secs(5),
        Poller::new(api.clone(), OP)
            .with_policy(fast())
            .wait_operation(),
    )
    .await
    .unwrap();
    assert!(done.done());
    assert_eq!(done.error().unwrap().code, Code::FailedPrecondition);

    // Every wait, typed or not, turns it into `Failed`.
    let untyped = Poller::new(api.clone(), OP).with_policy(fast()).wait();
    let untyped = within(Duration::from_secs(5), untyped).await.unwrap_err();
    let typed = Poller::new(api, OP)
        .with_policy(fast())
        .wait_for::<ExportAgentResponse>();
    let typed = within(Duration::from_secs(5), typed).await.unwrap_err();
    for err in [untyped, typed] {
        match err {
            LroError::Failed(status) => {
                assert_eq!(status.code, Code::FailedPrecondition);
                assert_eq!(status.code.as_i32(), 9);
                assert_eq!(status.message, "The agent is busy.");
                assert_eq!(status.details[0]["reason"], json!("BUSY"));
            }
            other => panic!("expected Failed, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn cancel_then_wait_fails_with_cancelled() {
    let emulator = emulator().await;
    let api = api(&emulator);
    let operation = start_export(&api).await;
    let poller = Poller::from_operation(api, operation).with_policy(fast());
    poller.cancel().await.unwrap();
    let cancel = emulator.requests().pop().unwrap();
    assert_eq!(cancel.method, "POST");
    assert_eq!(cancel.path, format!("/v2/{OP}:cancel"));

    let err = within(
        Duration::from_secs(5),
        poller.wait_for::<ExportAgentResponse>(),
    )
    .await
    .unwrap_err();
    match err {
        LroError::Failed(status) => {
            assert_eq!(status.code, Code::Cancelled);
            assert_eq!(status.message, CANCELLED_MESSAGE);
        }
        other => panic!("expected Failed(Cancelled), got {other:?}"),
    }
    assert_eq!(gets(&emulator), 1);
}

#[tokio::test]
async fn cancel_from_another_task_while_waiting() {
    let emulator = emulator().await;
    emulator.insert_operation(
        OP,
        OperationScript::response(1000, json!({"@type": EXPORT_TYPE})),
    );
    let poller = Poller::new(api(&emulator), OP).with_policy(fast());
    let waiting = tokio::spawn(poller.clone().wait_for::<ExportAgentResponse>());
    tokio::time::sleep(Duration::from_millis(30)).await;
    poller.cancel().await.unwrap();
    let err = within(Duration::from_secs(5), waiting)
        .await
        .unwrap()
        .unwrap_err();
    assert!(
        matches!(&err, LroError::Failed(s) if s.code == Code::Cancelled),
        "{err:?}"
    );
}

#[tokio::test]
async fn deadline_is_honoured_without_hanging() {
    let emulator = emulator().await;
    emulator.insert_operation(
        OP,
        OperationScript::response(100, json!({"@type": EXPORT_TYPE})),
    );
    let policy = PollPolicy {
        initial_delay: Duration::from_millis(20),
        deadline: Some(Duration::from_millis(100)),
        ..fast()
    };
    let started = Instant::now();
    let err = within(
        Duration::from_secs(5),
        Poller::new(api(&emulator), OP).with_policy(policy).wait(),
    )
    .await
    .unwrap_err();
    let elapsed = started.elapsed();
    match err {
        LroError::DeadlineExceeded {
            name,
            elapsed: reported,
            attempts,
        } => {
            assert_eq!(name, OP);
            assert!(reported >= Duration::from_millis(100), "{reported:?}");
            assert!((2..=10).contains(&attempts), "{attempts} polls");
            assert_eq!(attempts as usize, gets(&emulator));
        }
        other => panic!("expected DeadlineExceeded, got {other:?}"),
    }
    assert!(elapsed < Duration::from_millis(1000), "took {elapsed:?}");
}

#[tokio::test]
async fn deadline_cuts_a_poll_in_flight() {
    let emulator = emulator().await;
    emulator.insert_operation(
        OP,
        OperationScript::response(100, json!({"@type": EXPORT_TYPE})),
    );
    emulator.inject(Fault::delay(Duration::from_secs(30)));
    let policy = PollPolicy {
        deadline: Some(Duration::from_millis(100)),
        ..fast()
    };
    let started = Instant::now();
    let err = within(
        Duration::from_secs(5),
        Poller::new(api(&emulator), OP).with_policy(policy).wait(),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(err, LroError::DeadlineExceeded { attempts: 1, .. }),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_millis(1000));
}

#[tokio::test]
async fn max_attempts_gives_attempts_exhausted() {
    let emulator = emulator().await;
    emulator.insert_operation(
        OP,
        OperationScript::response(100, json!({"@type": EXPORT_TYPE})),
    );
    let policy = PollPolicy {
        max_attempts: Some(3),
        ..fast()
    };
    let err = within(
        Duration::from_secs(5),
        Poller::new(api(&emulator), OP).with_policy(policy).wait(),
    )
    .await
    .unwrap_err();
    match err {
        LroError::AttemptsExhausted { name, attempts } => {
            assert_eq!(name, OP);
            assert_eq!(attempts, 3);
        }
        other => panic!("expected AttemptsExhausted, got {other:?}"),
    }
    assert_eq!(gets(&emulator), 3);
}

#[tokio::test]
async fn a_new_poller_resumes_from_the_name() {
    let emulator = emulator().await;
    let api = api(&emulator);
    let operation = start_export(&api).await;
    // Poll once, then give up (e.g. the process restarts) keeping only the name.
    let first = Poller::from_operation(api.clone(), operation).with_policy(fast());
    let name = first.name().to_owned();
    let mut progress = first.progress();
    let snapshot = progress.next().await.unwrap().unwrap();
    assert!(!snapshot.done());
    drop(progress);
    assert_eq!(emulator.polls(&name), Some(1));

    let resumed = Poller::new(api, name.clone()).with_policy(PollPolicy {
        // The first poll of a resumed poller is sent at once.
        initial_delay: Duration::from_secs(60),
        ..fast()
    });
    let started = Instant::now();
    let snapshots: Vec<_> = within(
        Duration::from_secs(5),
        resumed.clone().progress().take(1).collect(),
    )
    .await;
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(snapshots.len(), 1);
    assert_eq!(emulator.polls(&name), Some(2));
    let response: ExportAgentResponse = within(
        Duration::from_secs(5),
        resumed.with_policy(fast()).wait_for(),
    )
    .await
    .unwrap();
    assert_eq!(
        response.agent_uri.as_deref(),
        Some("gs://emulator/agent.zip")
    );
    assert_eq!(emulator.polls(&name), Some(3));
}

#[tokio::test]
async fn a_response_of_another_type_is_a_type_mismatch() {
    let emulator = emulator().await;
    emulator.insert_operation(
        OP,
        OperationScript::response(1, json!({"@type": EXPORT_TYPE, "agentUri": "x"})),
    );
    let err = within(
        Duration::from_secs(5),
        Poller::new(api(&emulator), OP)
            .with_policy(fast())
            .wait_for::<ImportAgentResponse>(),
    )
    .await
    .unwrap_err();
    match err {
        LroError::TypeMismatch { expected, actual } => {
            assert_eq!(expected, "GoogleCloudDialogflowV2ImportAgentResponse");
            assert_eq!(actual, EXPORT_TYPE);
        }
        other => panic!("expected TypeMismatch, got {other:?}"),
    }
}

#[tokio::test]
async fn transient_poll_errors_are_tolerated_up_to_max_poll_errors() {
    let emulator = emulator().await;
    let api = api(&emulator);
    emulator.insert_operation(
        OP,
        OperationScript::response(2, json!({"@type": EXPORT_TYPE, "agentUri": "u"})),
    );
    // Three 503s in a row, then the script runs: tolerated (default max_poll_errors = 3).
    emulator.inject(Fault::unavailable().times(3));
    let response: ExportAgentResponse = within(
        Duration::from_secs(5),
        Poller::new(api.clone(), OP).with_policy(fast()).wait_for(),
    )
    .await
    .unwrap();
    assert_eq!(response.agent_uri.as_deref(), Some("u"));
    assert_eq!(gets(&emulator), 5);

    // Four in a row: the fourth is fatal, with the runtime error kept.
    emulator.insert_operation(
        OP,
        OperationScript::response(2, json!({"@type": EXPORT_TYPE})),
    );
    emulator.clear_requests();
    emulator.inject(Fault::unavailable().times(4));
    let err = within(
        Duration::from_secs(5),
        Poller::new(api.clone(), OP).with_policy(fast()).wait(),
    )
    .await
    .unwrap_err();
    assert_eq!(err.http_status(), Some(503));
    match &err {
        LroError::Poll(e) => {
            assert_eq!(e.status(), Some(503));
            assert_eq!(e.rpc_status().unwrap().code, Code::Unavailable);
        }
        other => panic!("expected Poll, got {other:?}"),
    }
    assert_eq!(gets(&emulator), 4);

    // Failures are counted in a row: a success in between resets the count.
    emulator.insert_operation(
        OP,
        OperationScript::response(3, json!({"@type": EXPORT_TYPE})),
    );
    emulator.clear_requests();
    emulator.inject(Fault::unavailable().times(2));
    let policy = PollPolicy {
        max_poll_errors: 2,
        ..fast()
    };
    let poller = Poller::new(api, OP).with_policy(policy);
    let mut progress = poller.progress();
    assert!(progress.next().await.unwrap().is_ok());
    emulator.inject(Fault::too_many_requests(0).times(2));
    let rest: Vec<_> = within(Duration::from_secs(5), progress.collect()).await;
    assert!(rest.iter().all(Result::is_ok), "{rest:?}");
    assert!(rest.last().unwrap().as_ref().unwrap().done());
}

#[tokio::test]
async fn other_transient_faults_are_tolerated() {
    let emulator = emulator().await;
    emulator.insert_operation(
        OP,
        OperationScript::response(3, json!({"@type": EXPORT_TYPE, "agentUri": "u"})),
    );
    emulator.inject(Fault::connection_reset());
    emulator.inject(Fault::too_many_requests(0));
    emulator.inject(Fault::truncated_body());
    let response: ExportAgentResponse = within(
        Duration::from_secs(5),
        Poller::new(api(&emulator), OP)
            .with_policy(fast())
            .wait_for(),
    )
    .await
    .unwrap();
    assert_eq!(response.agent_uri.as_deref(), Some("u"));
    assert!(emulator.pending_faults().is_empty());
}

#[tokio::test]
async fn client_retries_and_failed_polls_are_counted_apart() {
    let emulator = emulator().await;
    emulator.insert_operation(
        OP,
        OperationScript::response(1, json!({"@type": EXPORT_TYPE})),
    );
    emulator.inject(Fault::unavailable().times(2));
    // The client retries the GET itself; the poller sees one successful poll
    // even though it tolerates no failed poll.
    let retrying = RetryPolicy {
        max_attempts: 3,
        initial_backoff: Duration::from_millis(1),
        jitter: false,
        ..RetryPolicy::default()
    };
    let policy = PollPolicy {
        max_poll_errors: 0,
        ..fast()
    };
    let done = within(
        Duration::from_secs(5),
        Poller::new(api_with_retry(&emulator, retrying), OP)
            .with_policy(policy)
            .wait(),
    )
    .await
    .unwrap();
    assert!(done.done());
    assert_eq!(gets(&emulator), 3);
}

#[tokio::test]
async fn not_found_is_fatal_at_once() {
    let emulator = emulator().await;
    let missing = format!("{PARENT}/operations/missing");
    let err = within(
        Duration::from_secs(5),
        Poller::new(api(&emulator), missing.clone())
            .with_policy(fast())
            .wait(),
    )
    .await
    .unwrap_err();
    match &err {
        LroError::Poll(Error::Api(api_error)) => {
            assert_eq!(api_error.status, 404);
            let google = api_error.error.as_ref().unwrap();
            assert_eq!(google.code, Code::NotFound);
        }
        other => panic!("expected Poll(404), got {other:?}"),
    }
    assert_eq!(gets(&emulator), 1);
    assert!(err.to_string().contains("404"), "{err}");
}

#[tokio::test]
async fn a_body_that_is_not_json_is_fatal() {
    let emulator = emulator().await;
    emulator.insert_operation(
        OP,
        OperationScript::response(1, json!({"@type": EXPORT_TYPE})),
    );
    emulator.inject(Fault::not_json());
    let err = within(
        Duration::from_secs(5),
        Poller::new(api(&emulator), OP).with_policy(fast()).wait(),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(err, LroError::Poll(Error::Decode { .. })),
        "{err:?}"
    );
    assert_eq!(gets(&emulator), 1);
}

#[tokio::test]
async fn done_operations_and_unnamed_ones_need_no_poll() {
    let emulator = emulator().await;
    let api = api(&emulator);
    // Done without a response or an error.
    let empty = TestOperation {
        name: Some(OP.to_owned()),
        done: Some(true),
        ..TestOperation::default()
    };
    let err = Poller::from_operation(api.clone(), empty.clone())
        .wait_for::<ExportAgentResponse>()
        .await
        .unwrap_err();
    assert!(matches!(err, LroError::NoResponse), "{err:?}");
    assert_eq!(
        Poller::from_operation(api.clone(), empty.clone())
            .wait()
            .await
            .unwrap(),
        empty
    );
    // Neither named nor done.
    let unnamed = TestOperation::default();
    let poller = Poller::from_operation(api.clone(), unnamed);
    assert_eq!(poller.name(), "");
    let err = poller.clone().wait().await.unwrap_err();
    assert!(matches!(err, LroError::MissingName), "{err:?}");
    assert!(matches!(poller.cancel().await, Err(LroError::MissingName)));
    // Done but unnamed is fine.
    let done = TestOperation {
        done: Some(true),
        error: Some(TestStatus {
            code: Some(5),
            message: None,
            details: None,
        }),
        ..TestOperation::default()
    };
    let err = Poller::from_operation(api, done)
        .wait_for::<ExportAgentResponse>()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, LroError::Failed(s) if s.code == Code::NotFound),
        "{err:?}"
    );
    assert_eq!(err.to_string(), "operation failed: NOT_FOUND");
    assert!(emulator.requests().is_empty());
}

#[test]
fn decode_any_checks_the_type() {
    let any = |v: Value| -> BTreeMap<String, Value> { serde_json::from_value(v).unwrap() };
    // Full URL, short name, no @type.
    let r: ExportAgentResponse =
        decode_any(&any(json!({"@type": EXPORT_TYPE, "agentUri": "a"}))).unwrap();
    assert_eq!(r.agent_uri.as_deref(), Some("a"));
    let r: ExportAgentResponse = decode_any(&any(json!({
        "@type": "type.googleapis.com/GoogleCloudDialogflowV2ExportAgentResponse", "agentUri": "b"
    })))
    .unwrap();
    assert_eq!(r.agent_uri.as_deref(), Some("b"));
    let r: ExportAgentResponse = decode_any(&any(json!({"agentUri": "c"}))).unwrap();
    assert_eq!(r.agent_uri.as_deref(), Some("c"));
    // Last segment only.
    #[derive(serde::Deserialize, Debug)]
    struct MetricsScope {
        name: String,
    }
    impl Message for MetricsScope {
        const SCHEMA_ID: &'static str = "MetricsScope";
    }
    let m: MetricsScope = decode_any(&any(json!({
        "@type": "type.googleapis.com/google.monitoring.metricsscope.v1.MetricsScope",
        "name": "locations/global/metricsScopes/1"
    })))
    .unwrap();
    assert_eq!(m.name, "locations/global/metricsScopes/1");
    // A non-string @type, a wrong shape.
    let err = decode_any::<ExportAgentResponse>(&any(json!({"@type": 7}))).unwrap_err();
    assert!(
        matches!(&err, LroError::TypeMismatch { actual, .. } if actual == "7"),
        "{err:?}"
    );
    let err = decode_any::<ExportAgentResponse>(&any(json!({"@type": EXPORT_TYPE, "agentUri": 5})))
        .unwrap_err();
    assert!(matches!(err, LroError::Decode(_)), "{err:?}");
    let err = decode_any::<MetricsScope>(&any(json!({"@type": "x/MetricsScope"}))).unwrap_err();
    assert!(matches!(err, LroError::Decode(_)), "{err:?}");
}

#[tokio::test]
async fn futures_and_streams_are_send() {
    fn assert_send<T: Send>(_: &T) {}
    let emulator = emulator().await;
    let poller = Poller::new(api(&emulator), OP);
    assert_send(&poller.clone().wait());
    assert_send(&poller.clone().wait_for::<ExportAgentResponse>());
    assert_send(&poller.cancel());
    assert_send(&poller.clone().progress());
    assert!(format!("{poller:?}").contains(OP));
}
