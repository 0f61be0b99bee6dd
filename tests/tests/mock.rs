//! The mock of the runtime's `testing` feature, through the generated Dialogflow v2 and Compute clients:
//! exact answers and records, every kind of misuse failing loudly, fake operations of both styles,
//! and no socket opened.

use std::sync::Arc;
use std::time::Duration;

use dialogflow_v2::methods::{
    PROJECTS_AGENT_EXPORT as EXPORT_AGENT, PROJECTS_AGENT_INTENTS_LIST as LIST_INTENTS,
    PROJECTS_GET_AGENT as GET_AGENT,
};
use dialogflow_v2::schemas::{
    GoogleCloudDialogflowV2Agent, GoogleCloudDialogflowV2ExportAgentRequest,
    GoogleCloudDialogflowV2ExportAgentResponse, GoogleCloudDialogflowV2Intent,
    GoogleCloudDialogflowV2ListIntentsResponse, GoogleLongrunningOperation,
};
use dialogflow_v2::testing::{Answer, FakeOperation, Method, MethodId, Mock};
use dialogflow_v2::{
    Code, Error, LroError, PollPolicy, Progress, StandardParameters, TryStreamExt,
};
use discogen_runtime::transport::TransportErrorKind;
use serde_json::json;

fn dialogflow(mock: &Mock) -> dialogflow_v2::Client {
    dialogflow_v2::Client::builder()
        .transport(mock.transport())
        .bearer_token("secret-token")
        .api_key("secret-key")
        .build()
        .unwrap()
}

/// Starts an agent export of `projects/p1`: the poller of the operation the mock plays.
async fn start_export(
    client: &dialogflow_v2::Client,
) -> dialogflow_v2::Poller<
    dialogflow_v2::Client,
    dialogflow_v2::Typed<GoogleCloudDialogflowV2ExportAgentResponse, serde_json::Value>,
> {
    let request = GoogleCloudDialogflowV2ExportAgentRequest::default();
    let export = client.projects().agent().export("projects/p1", request);
    export.start().await.unwrap()
}

fn agent(name: &str) -> GoogleCloudDialogflowV2Agent {
    GoogleCloudDialogflowV2Agent::default().with_display_name(name)
}

#[tokio::test]
async fn a_value_is_decoded_and_the_request_recorded_without_credentials() {
    let mock = Mock::new();
    mock.on(GET_AGENT).returns(agent("Pizza"));
    let got = dialogflow(&mock)
        .projects()
        .get_agent("projects/p1")
        .quota_user("me")
        .send()
        .await
        .unwrap();
    assert_eq!(got.display_name.as_deref(), Some("Pizza"));
    let requests = mock.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.method_id, Some("dialogflow.projects.getAgent"));
    assert_eq!(request.method, Method::GET);
    assert_eq!(request.path, "/v2/projects/p1/agent");
    assert_eq!(
        request.query,
        [
            ("quotaUser".to_owned(), "me".to_owned()),
            ("key".to_owned(), "REDACTED".to_owned())
        ]
    );
    assert_eq!(request.header("authorization"), None);
    assert_eq!(request.header("accept"), Some("application/json"));
    assert_eq!(request.body, None);
    let shown = format!("{requests:?}");
    assert!(!shown.contains("secret-"), "{shown}");
}

#[tokio::test]
async fn a_google_error_is_the_apps_error() {
    let mock = Mock::new();
    mock.on(GET_AGENT).answers(
        Answer::error(Code::NotFound, "no agent in projects/p1").with_detail(json!({
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            "reason": "AGENT_MISSING",
            "domain": "dialogflow.googleapis.com",
        })),
    );
    let error = dialogflow(&mock)
        .projects()
        .get_agent("projects/p1")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(404));
    let google = error.rpc_status().unwrap();
    assert_eq!(google.message, "no agent in projects/p1");
    assert_eq!(google.code, Code::NotFound);
    assert_eq!(google.details[0]["reason"], "AGENT_MISSING");
}

#[tokio::test(start_paused = true)]
async fn a_503_then_the_value_is_retried() {
    let mock = Mock::new();
    mock.on(GET_AGENT).answers_in_order([
        Answer::error(Code::Unavailable, "try again"),
        Answer::value(agent("Pizza")),
    ]);
    let got = dialogflow(&mock)
        .projects()
        .get_agent("projects/p1")
        .send()
        .await
        .unwrap();
    assert_eq!(got.display_name.as_deref(), Some("Pizza"));
    let attempts: Vec<u32> = mock.requests().iter().map(|r| r.attempt).collect();
    assert_eq!(attempts, [1, 2]);
}

#[tokio::test]
async fn a_transport_failure_is_a_transport_error() {
    let mock = Mock::new();
    mock.on_http(Method::POST, "/v2/projects/*/agent:export")
        .answers(Answer::transport_failure("connection reset by peer"));
    let request = GoogleCloudDialogflowV2ExportAgentRequest::default();
    let error = dialogflow(&mock)
        .projects()
        .agent()
        .export("projects/p1", request)
        .send()
        .await
        .unwrap_err();
    let Error::Transport(transport) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(transport.kind(), TransportErrorKind::Other);
    assert!(
        error.to_string().contains("connection reset by peer"),
        "{error}"
    );
    // A POST is not retried.
    assert_eq!(mock.requests().len(), 1);
}

#[tokio::test]
async fn answers_can_be_made_from_the_request() {
    let mock = Mock::new();
    mock.on(GET_AGENT)
        .answers_with(|request| Answer::value(agent(&request.path)));
    let client = dialogflow(&mock);
    for project in ["a", "b"] {
        let got = client
            .projects()
            .get_agent(format!("projects/{project}"))
            .send()
            .await
            .unwrap();
        assert_eq!(
            got.display_name,
            Some(format!("/v2/projects/{project}/agent"))
        );
    }
}

#[tokio::test]
async fn a_list_over_three_pages() {
    let mock = Mock::new();
    let page = |names: &[&str], next: Option<&str>| {
        let intents = names
            .iter()
            .map(|n| GoogleCloudDialogflowV2Intent::default().with_display_name(*n))
            .collect::<Vec<_>>();
        let mut page = GoogleCloudDialogflowV2ListIntentsResponse::default().with_intents(intents);
        if let Some(next) = next {
            page = page.with_next_page_token(next);
        }
        page
    };
    for (token, names, next) in [
        (None, &["a", "b"][..], Some("t2")),
        (Some("t2"), &["c"][..], Some("t3")),
        (Some("t3"), &["d"][..], None),
    ] {
        mock.on(LIST_INTENTS)
            .matching(move |r| r.query_value("pageToken") == token)
            .times(1)
            .returns(page(names, next));
    }
    let names: Vec<String> = dialogflow(&mock)
        .projects()
        .agent()
        .intents()
        .list("projects/p1/agent")
        .items()
        .map_ok(|intent| intent.display_name.unwrap_or_default())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(names, ["a", "b", "c", "d"]);
}

#[tokio::test]
async fn an_unexpected_call_fails_naming_its_method_and_path_and_fails_verify() {
    let mock = Mock::new();
    let error = dialogflow(&mock)
        .projects()
        .get_agent("projects/p1")
        .send()
        .await
        .unwrap_err();
    let Error::Transport(transport) = &error else {
        panic!("{error:?}")
    };
    assert!(!transport.is_retryable());
    assert_eq!(
        transport.to_string(),
        "request refused: mock: unexpected call GET /v2/projects/p1/agent (dialogflow.projects.getAgent): \
         no expectation matches it"
    );
    // A GET is retryable, but not this failure: one attempt.
    assert_eq!(mock.requests().len(), 1);
    let verdict = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| mock.verify()));
    let message = *verdict.unwrap_err().downcast::<String>().unwrap();
    assert_eq!(
        message,
        "the mock's expectations were not met:\n\
         - unexpected call GET /v2/projects/p1/agent (dialogflow.projects.getAgent): no expectation matches it"
    );
    std::mem::forget(mock); // its drop would fail the same way
}

#[tokio::test]
async fn an_unmet_expectation_fails_verify_with_the_list() {
    let mock = Mock::new();
    mock.on(GET_AGENT).returns(agent("Pizza"));
    // A 400 is not retried: one call of the two expected.
    mock.on(LIST_INTENTS)
        .times(2)
        .fails(Code::InvalidArgument, "bad filter");
    mock.on_http(Method::DELETE, "/v2/projects/*/agent")
        .returns(json!({}));
    dialogflow(&mock)
        .projects()
        .agent()
        .intents()
        .list("projects/p1/agent")
        .send()
        .await
        .unwrap_err();
    let verdict = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| mock.verify()));
    let message = *verdict.unwrap_err().downcast::<String>().unwrap();
    assert_eq!(
        message,
        "the mock's expectations were not met:\n\
         - dialogflow.projects.getAgent: expected at least one call, got 0\n\
         - dialogflow.projects.agent.intents.list: expected 2 call(s), got 1\n\
         - DELETE /v2/projects/*/agent: expected at least one call, got 0"
    );
    std::mem::forget(mock);
}

#[test]
#[should_panic(expected = "dialogflow.projects.getAgent: expected at least one call, got 0")]
fn dropping_a_mock_with_unmet_expectations_fails_the_test() {
    let mock = Mock::new();
    mock.on(GET_AGENT).returns(agent("Pizza"));
}

#[tokio::test]
async fn an_exhausted_sequence_refuses_the_next_call() {
    let mock = Mock::new();
    mock.on(GET_AGENT)
        .answers_in_order([Answer::value(agent("a")), Answer::value(agent("b"))]);
    let client = dialogflow(&mock);
    let get = || client.projects().get_agent("projects/p1").send();
    assert_eq!(get().await.unwrap().display_name.as_deref(), Some("a"));
    assert_eq!(get().await.unwrap().display_name.as_deref(), Some("b"));
    let error = get().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "HTTP transport error: request refused: mock: call GET /v2/projects/p1/agent \
         (dialogflow.projects.getAgent) \
         is one more than the expectation dialogflow.projects.getAgent answers"
    );
    let verdict = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| mock.verify()));
    let message = *verdict.unwrap_err().downcast::<String>().unwrap();
    assert_eq!(
        message,
        "the mock's expectations were not met:\n\
         - call GET /v2/projects/p1/agent (dialogflow.projects.getAgent) is one more than the \
         expectation dialogflow.projects.getAgent answers"
    );
    std::mem::forget(mock);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_calls_from_many_tasks_each_get_their_answer() {
    let mock = Arc::new(Mock::new());
    mock.on(GET_AGENT)
        .times(64)
        .answers_with(|request| Answer::value(agent(&request.path)));
    let client = dialogflow(&mock);
    let tasks: Vec<_> = (0..64)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move {
                let got = client
                    .projects()
                    .get_agent(format!("projects/p{i}"))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(got.display_name, Some(format!("/v2/projects/p{i}/agent")));
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    assert_eq!(mock.requests().len(), 64);
    mock.verify();
}

#[tokio::test(start_paused = true)]
async fn a_fake_operation_reports_progress_then_its_typed_result() {
    let mock = Mock::new();
    let response = GoogleCloudDialogflowV2ExportAgentResponse::default()
        .with_agent_uri("gs://bucket/agent.zip");
    mock.on(EXPORT_AGENT).starts(
        FakeOperation::new("projects/p1/operations/export-1")
            .running()
            .running()
            .succeeds(response.clone()),
    );
    let client = dialogflow(&mock);
    let started = tokio::time::Instant::now();
    // Without jitter, the sleeps before the three polls add up to at least the initial delay (1 s).
    let poller = start_export(&client)
        .await
        .with_policy(PollPolicy::default().with_jitter(false));
    assert_eq!(poller.name(), "projects/p1/operations/export-1");
    let steps: Vec<_> = poller.progress().try_collect().await.unwrap();
    assert_eq!(
        steps,
        [
            Progress::Running(None),
            Progress::Running(None),
            Progress::Done(response)
        ]
    );
    // The poll policy's sleeps passed on tokio's paused clock.
    assert!(started.elapsed() >= Duration::from_secs(1));
    let lines: Vec<String> = mock
        .requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert_eq!(
        lines,
        [
            "POST /v2/projects/p1/agent:export",
            "GET /v2/projects/p1/operations/export-1",
            "GET /v2/projects/p1/operations/export-1",
            "GET /v2/projects/p1/operations/export-1",
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn a_failed_fake_operation_is_the_typed_error() {
    let mock = Mock::new();
    mock.on(EXPORT_AGENT).starts(
        FakeOperation::new("projects/p1/operations/export-2")
            .fails(Code::PermissionDenied, "no access to gs://bucket"),
    );
    let error = start_export(&dialogflow(&mock))
        .await
        .wait()
        .await
        .unwrap_err();
    let LroError::Failed(status) = error else {
        panic!("{error:?}")
    };
    assert_eq!(status.code, Code::PermissionDenied);
    assert_eq!(status.message, "no access to gs://bucket");
}

#[tokio::test(start_paused = true)]
async fn a_cancelled_fake_operation_ends_cancelled_and_resumes_by_name() {
    let mock = Mock::new();
    mock.on(EXPORT_AGENT).starts(
        FakeOperation::new("projects/p1/operations/export-3")
            .running()
            .running()
            .running(),
    );
    let client = dialogflow(&mock);
    let poller = start_export(&client).await;
    poller.cancel().await.unwrap();
    // Another process would resume it by name.
    let error = client
        .operation("projects/p1/operations/export-3")
        .wait()
        .await
        .unwrap_err();
    assert_eq!(error.operation_error().unwrap().code, Code::Cancelled);
    let cancel = &mock.requests()[1];
    assert_eq!(
        (cancel.method.as_str(), cancel.path.as_str()),
        ("POST", "/v2/projects/p1/operations/export-3:cancel")
    );
}

#[tokio::test(start_paused = true)]
async fn a_status_style_fake_operation_polls_through_its_scope() {
    use status_compute_v1::schemas::{Instance, Operation};
    let mock = Mock::new();
    let link = "https://compute.googleapis.com/compute/v1/projects/p/zones/z1/operations/op-1";
    let target = "https://compute.googleapis.com/compute/v1/projects/p/zones/z1/instances/vm-1";
    mock.on(MethodId::<Operation>::new("compute.instances.insert"))
        .starts(
            FakeOperation::status_style(link)
                .percent_done(40)
                .with_target_link(target),
        );
    mock.on_http(
        Method::GET,
        "/compute/v1/projects/p/zones/z1/instances/vm-1",
    )
    .returns(json!({"name": "vm-1", "kind": "compute#instance"}));
    let runtime = discogen_runtime::Client::builder("https://compute.googleapis.com/compute/v1/")
        .transport(mock.transport())
        .build()
        .unwrap();
    let client = status_compute_v1::Client::new(runtime);
    let poller = client
        .instances()
        .insert("p", "z1", Instance::default().with_name("vm-1"))
        .start()
        .await
        .unwrap();
    assert_eq!(poller.name(), link);
    let instance: Instance = poller.wait_target().await.unwrap();
    assert_eq!(instance.name.as_deref(), Some("vm-1"));
    let lines: Vec<String> = mock
        .requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert_eq!(
        lines,
        [
            "POST /compute/v1/projects/p/zones/z1/instances",
            "POST /compute/v1/projects/p/zones/z1/operations/op-1/wait",
            "POST /compute/v1/projects/p/zones/z1/operations/op-1/wait",
            "GET /compute/v1/projects/p/zones/z1/instances/vm-1",
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn a_failed_status_style_fake_operation_keeps_its_code() {
    use status_sqladmin_v1::schemas::Operation;
    let mock = Mock::new();
    let link = "https://sqladmin.googleapis.com/v1/projects/p/operations/op-9";
    mock.operation(FakeOperation::status_style(link).fails(Code::AlreadyExists, "exists"));
    let runtime = discogen_runtime::Client::builder("https://sqladmin.googleapis.com/")
        .transport(mock.transport())
        .build()
        .unwrap();
    let client = status_sqladmin_v1::Client::new(runtime);
    let operation: Operation = client.operation(link).wait_operation().await.unwrap();
    let status = status_sqladmin_v1::LongRunningOperation::error(&operation).unwrap();
    assert_eq!(status.code, Code::AlreadyExists);
    assert_eq!(status.message, "exists");
}

/// Sockets this process has open (Linux).
fn open_sockets() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .map(|fds| {
            fds.filter_map(|fd| std::fs::read_link(fd.ok()?.path()).ok())
                .filter(|target| target.to_string_lossy().starts_with("socket:"))
                .count()
        })
        .unwrap_or(0)
}

#[test]
fn a_mocked_client_opens_no_socket() {
    // Sockets are counted per process, and the other tests of this binary run on other threads: the
    // test runs again, alone, in a process of its own.
    if std::env::var_os("DISCOGEN_MOCK_SOCKET_CHILD").is_some() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        return runtime.block_on(calls_open_no_socket());
    }
    let child = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "a_mocked_client_opens_no_socket",
            "--test-threads=1",
        ])
        .env("DISCOGEN_MOCK_SOCKET_CHILD", "1")
        .output()
        .unwrap();
    let output = String::from_utf8_lossy(&child.stdout);
    assert!(child.status.success(), "{output}");
    assert!(output.contains("1 passed"), "{output}");
}

async fn calls_open_no_socket() {
    // The client points at a listener of ours: with the mock installed, nothing may reach it.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let before = open_sockets();
    let mock = Mock::new();
    mock.on(GET_AGENT).times(3).returns(agent("Pizza"));
    let client = dialogflow_v2::Client::builder()
        .base_url(format!("http://{}/", listener.local_addr().unwrap()))
        .transport(mock.transport())
        .timeout(Duration::from_secs(5)) // should it ever reach the listener
        .build()
        .unwrap();
    for _ in 0..3 {
        client
            .projects()
            .get_agent("projects/p1")
            .send()
            .await
            .unwrap();
    }
    assert_eq!(open_sockets(), before);
    let accepted = listener.accept();
    assert!(
        matches!(&accepted, Err(e) if e.kind() == std::io::ErrorKind::WouldBlock),
        "{accepted:?}"
    );
}

#[tokio::test]
async fn standard_parameters_and_bodies_are_recorded_as_sent() {
    let mock = Mock::new();
    mock.on(EXPORT_AGENT)
        .returns(GoogleLongrunningOperation::default().with_name("op"));
    let request =
        GoogleCloudDialogflowV2ExportAgentRequest::default().with_agent_uri("gs://b/a.zip");
    dialogflow(&mock)
        .projects()
        .agent()
        .export("projects/p1", request)
        .fields("name")
        .send()
        .await
        .unwrap();
    let sent = &mock.requests()[0];
    assert_eq!(sent.body, Some(json!({"agentUri": "gs://b/a.zip"})));
    assert_eq!(sent.query_value("fields"), Some("name"));
    assert_eq!(sent.header("content-type"), Some("application/json"));
}

#[tokio::test]
async fn a_batchs_calls_are_answered_by_method_as_alone() {
    let mock = Mock::new();
    mock.on(GET_AGENT)
        .matching(|r| r.path == "/v2/projects/p1/agent")
        .returns(agent("Pizza"));
    mock.on(GET_AGENT)
        .matching(|r| r.path == "/v2/projects/p2/agent")
        .fails(Code::NotFound, "no agent");
    mock.on(LIST_INTENTS)
        .returns(GoogleCloudDialogflowV2ListIntentsResponse::default());
    let client = dialogflow(&mock);
    let mut batch = client.batch();
    let agents =
        batch.add_all(["projects/p1", "projects/p2"].map(|p| client.projects().get_agent(p)));
    let intents = batch.add(
        client
            .projects()
            .agent()
            .intents()
            .list("projects/p1/agent"),
    );
    let mut results = batch.send().await;
    let agents = results.take_all(agents);
    assert_eq!(
        agents[0].as_ref().unwrap().display_name.as_deref(),
        Some("Pizza")
    );
    let error = agents[1].as_ref().unwrap_err();
    assert_eq!(error.rpc_status().map(|s| s.code), Some(Code::NotFound));
    assert!(results.take(intents).unwrap().intents.is_none());
    // Each call recorded as a call of its method, in the batch's order.
    let requests = mock.requests();
    let ids: Vec<_> = requests.iter().map(|r| r.method_id).collect();
    assert_eq!(
        ids,
        [
            Some("dialogflow.projects.getAgent"),
            Some("dialogflow.projects.getAgent"),
            Some("dialogflow.projects.agent.intents.list")
        ]
    );
    assert_eq!(requests[1].path, "/v2/projects/p2/agent");
    assert_eq!(
        requests[0].query,
        [("key".to_owned(), "REDACTED".to_owned())]
    );
    mock.verify();
}
