//! The runtime's one poller, driven through each of the four generated crates against the loopback
//! emulator: start work and wait for the typed response, follow progress, fail with the operation's error,
//! cancel, resume from a name, hit a deadline, and page through a list.

use std::time::Duration;

use dialogflow_v2::{Code, LroError, PollPolicy, TryStreamExt};
use discogen_emulator::{
    Emulator, EmulatorConfig, OperationScript, StartRoute, EXPORT_AGENT_RESPONSE_TYPE,
};
use serde_json::json;

fn fast() -> PollPolicy {
    PollPolicy {
        initial_delay: Duration::from_millis(5),
        multiplier: 1.0,
        max_delay: Duration::from_millis(10),
        jitter: false,
        deadline: Some(Duration::from_secs(10)),
        ..PollPolicy::default()
    }
}

/// One runtime client, wrapped by each crate's `Client::new` (clients of several APIs can share one).
fn runtime(emulator: &Emulator) -> discogen_runtime::Client {
    discogen_runtime::Client::builder(&emulator.base_url())
        .bearer_token("test-token")
        .build()
        .unwrap()
}

#[tokio::test]
async fn dialogflow_v2_export_starts_an_operation_and_waits_for_the_typed_response() {
    use dialogflow_v2::schemas::GoogleCloudDialogflowV2ExportAgentRequest;
    let emulator = Emulator::start(EmulatorConfig::dialogflow()).await;
    let client = dialogflow_v2::Client::new(runtime(&emulator));

    let request = GoogleCloudDialogflowV2ExportAgentRequest::default()
        .with_agent_uri("gs://emulator/agent.zip");
    let poller = client
        .projects()
        .agent()
        .export("projects/p", request)
        .start()
        .await
        .unwrap();
    let name = poller.name().to_owned();
    // The method's description names the result: no type to write, no feature to add.
    let agent_uri = poller.with_policy(fast()).wait().await.unwrap().agent_uri;

    assert_eq!(agent_uri.as_deref(), Some("gs://emulator/agent.zip"));
    let requests = emulator.requests();
    assert_eq!(
        (requests[0].method.as_str(), requests[0].path.as_str()),
        ("POST", "/v2/projects/p/agent:export")
    );
    assert_eq!(
        requests[0].body_json(),
        Some(json!({"agentUri": "gs://emulator/agent.zip"}))
    );
    let polls: Vec<&str> = requests[1..].iter().map(|r| r.path.as_str()).collect();
    assert_eq!(polls, vec![format!("/v2/{name}"); 3]);
    assert!(requests
        .iter()
        .all(|r| r.header("authorization") == Some("Bearer test-token")));
}

#[tokio::test]
async fn dialogflow_v2_progress_shows_each_polls_metadata() {
    let emulator = Emulator::start(EmulatorConfig::dialogflow()).await;
    let name = "projects/p/locations/global/operations/train-1";
    emulator.insert_operation(
        name,
        OperationScript::response(
            3,
            json!({"@type": EXPORT_AGENT_RESPONSE_TYPE, "agentUri": "gs://x"}),
        )
        .with_progress("type.googleapis.com/google.cloud.dialogflow.v2.TrainAgentMetadata"),
    );
    let client = dialogflow_v2::Client::new(runtime(&emulator));
    let snapshots: Vec<_> = client
        .operation(name)
        .with_policy(fast())
        .progress()
        .try_collect()
        .await
        .unwrap();
    let progress: Vec<_> = snapshots
        .iter()
        .map(|op| {
            op.metadata
                .as_ref()
                .and_then(|m| m.get("progressPercent"))
                .cloned()
        })
        .collect();
    assert_eq!(
        progress,
        vec![Some(json!(33)), Some(json!(66)), Some(json!(100))]
    );
    assert_eq!(snapshots.last().and_then(|op| op.done), Some(true));
}

#[tokio::test]
async fn dialogflow_v3_wait_ends_in_the_operations_error_and_cancel_reports_cancelled() {
    let emulator = Emulator::start(EmulatorConfig::with_prefix("v3/")).await;
    let client = dialogflow_v3::Client::new(runtime(&emulator));

    let failing = "projects/p/locations/global/operations/fails";
    emulator.insert_operation(failing, OperationScript::error(2, 9, "Agent is not ready."));
    match client
        .operation(failing)
        .with_policy(fast())
        .wait_operation()
        .await
    {
        Ok(op) => {
            let error = op.error.expect("the operation ended in an error");
            assert_eq!(
                (error.code, error.message.as_deref()),
                (Some(9), Some("Agent is not ready."))
            );
        }
        Err(e) => panic!("wait_operation returns the done operation, got {e}"),
    }
    // The untyped wait fails with it, as the typed one does.
    let err = client.operation(failing).with_policy(fast()).wait().await;
    assert!(
        matches!(err, Err(LroError::Failed(ref s)) if s.code == Code::FailedPrecondition),
        "{err:?}"
    );
    let err = client
        .operation(failing)
        .with_policy(fast())
        .wait_for::<dialogflow_v3::schemas::GoogleCloudDialogflowCxV3Agent>()
        .await;
    assert!(
        matches!(err, Err(LroError::Failed(ref s)) if s.code == Code::FailedPrecondition && s.message == "Agent is not ready."),
        "{err:?}"
    );

    let long = "projects/p/locations/global/operations/long";
    emulator.insert_operation(long, OperationScript::response(1000, json!({})));
    let poller = client.operation(long).with_policy(fast());
    poller.cancel().await.unwrap();
    let err = poller.wait().await.unwrap_err();
    assert_eq!(
        err.operation_error().map(|status| status.code),
        Some(Code::Cancelled),
        "a cancelled operation reports CANCELLED"
    );
    assert!(emulator
        .requests()
        .iter()
        .any(|r| r.method == "POST" && r.path == format!("/v3/{long}:cancel")));
}

#[tokio::test]
async fn workspaceevents_v1_resumed_by_name_decodes_on_request() {
    use workspaceevents_v1::schemas::Subscription;
    let emulator = Emulator::start(EmulatorConfig::with_prefix("v1/")).await;
    let name = "operations/sub-1";
    emulator.insert_operation(
        name,
        OperationScript::response(
            1,
            json!({"@type": "type.googleapis.com/google.apps.events.subscriptions.v1.Subscription",
                   "name": "subscriptions/s-1", "targetResource": "//chat.googleapis.com/spaces/A"}),
        ),
    );
    let client = workspaceevents_v1::Client::new(runtime(&emulator));
    let subscription: Subscription = client
        .operation(name)
        .with_policy(fast())
        .wait_for()
        .await
        .unwrap();
    assert_eq!(subscription.name.as_deref(), Some("subscriptions/s-1"));
    assert_eq!(
        subscription.target_resource.as_deref(),
        Some("//chat.googleapis.com/spaces/A")
    );

    // The API has no operations.cancel: its pollers have no `cancel` (see the compile_fail example in
    // tests/src/lib.rs).
    // A response of another type is a clear error, not garbage.
    let mismatch = client
        .operation(name)
        .with_policy(fast())
        .wait_for::<workspaceevents_v1::schemas::ListSubscriptionsResponse>()
        .await;
    assert!(
        matches!(mismatch, Err(LroError::TypeMismatch { .. })),
        "{mismatch:?}"
    );
}

#[tokio::test]
async fn workspaceevents_v1_create_waits_for_the_subscription_the_manifest_names() {
    use workspaceevents_v1::schemas::Subscription;
    let mut config = EmulatorConfig::with_prefix("v1/");
    config.start_routes = vec![StartRoute::new(
        "POST",
        "subscriptions",
        OperationScript::response(
            2,
            json!({"@type": "type.googleapis.com/google.apps.events.subscriptions.v1.Subscription",
                   "name": "subscriptions/s-2", "eventTypes": ["google.workspace.chat.message.v1.created"]}),
        ),
    )];
    let emulator = Emulator::start(config).await;
    let client = workspaceevents_v1::Client::new(runtime(&emulator));
    let request = Subscription::default().with_target_resource("//chat.googleapis.com/spaces/A");
    let poller = client
        .subscriptions()
        .create(request)
        .start()
        .await
        .unwrap();
    assert_eq!(poller.name(), "operations/op-1");
    let subscription: Subscription = poller.with_policy(fast()).wait().await.unwrap();
    assert_eq!(subscription.name.as_deref(), Some("subscriptions/s-2"));
    assert_eq!(
        subscription.event_types,
        Some(vec!["google.workspace.chat.message.v1.created".to_owned()])
    );
    let paths: Vec<String> = emulator
        .requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert_eq!(
        paths,
        [
            "POST /v1/subscriptions",
            "GET /v1/operations/op-1",
            "GET /v1/operations/op-1"
        ]
    );
}

#[tokio::test]
async fn a_typed_poller_reports_a_response_of_another_type() {
    // The export's typed poller expects an ExportAgentResponse; a service answering with another message
    // is a clear error naming both.
    let mut config = EmulatorConfig::dialogflow();
    config.start_routes = vec![StartRoute::new(
        "POST",
        "/agent:export",
        OperationScript::response(
            1,
            json!({"@type": "type.googleapis.com/google.cloud.dialogflow.v2.ImportAgentResponse"}),
        ),
    )];
    let emulator = Emulator::start(config).await;
    let client = dialogflow_v2::Client::new(runtime(&emulator));
    let request = dialogflow_v2::schemas::GoogleCloudDialogflowV2ExportAgentRequest::default();
    let poller = client
        .projects()
        .agent()
        .export("projects/p", request)
        .start()
        .await
        .unwrap();
    let err = poller.with_policy(fast()).wait().await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "operation payload has type \"type.googleapis.com/google.cloud.dialogflow.v2.ImportAgentResponse\", \
         expected GoogleCloudDialogflowV2ExportAgentResponse"
    );
}

#[tokio::test]
async fn a_method_whose_result_is_unknown_starts_an_untyped_poller() {
    // `conversationModels.evaluations.create` says nothing of its operation's types: the poller gives the
    // operation, and `wait_for` decodes on request.
    let mut config = EmulatorConfig::dialogflow();
    config.start_routes = vec![StartRoute::new(
        "POST",
        "/evaluations",
        OperationScript::response(
            1,
            json!({"@type": "type.googleapis.com/google.cloud.dialogflow.v2.ConversationModelEvaluation", "displayName": "e"}),
        ),
    )];
    let emulator = Emulator::start(config).await;
    let client = dialogflow_v2::Client::new(runtime(&emulator));
    let parent = "projects/p/locations/l/conversationModels/m";
    let request =
        dialogflow_v2::schemas::GoogleCloudDialogflowV2CreateConversationModelEvaluationRequest::default();
    let poller: discogen_runtime::lro::Poller<dialogflow_v2::Client> = client
        .projects()
        .locations()
        .conversation_models()
        .evaluations()
        .create(parent, request)
        .start()
        .await
        .unwrap();
    let operation = poller.clone().with_policy(fast()).wait().await.unwrap();
    assert_eq!(operation.done, Some(true));
    let evaluation: dialogflow_v2::schemas::GoogleCloudDialogflowV2ConversationModelEvaluation =
        poller.with_policy(fast()).wait_for().await.unwrap();
    assert_eq!(evaluation.display_name.as_deref(), Some("e"));
}

#[tokio::test]
async fn monitoring_v1_resumes_from_a_name_and_honours_the_deadline() {
    let emulator = Emulator::start(EmulatorConfig::with_prefix("v1/")).await;
    let name = "locations/global/operations/scope-1";
    emulator.insert_operation(name, OperationScript::response(3, json!({"@type": "type.googleapis.com/google.monitoring.metricsscope.v1.MetricsScope", "name": "locations/global/metricsScopes/p"})));

    // One process polls once and stops; another resumes from the name alone.
    let first = monitoring_v1::Client::new(runtime(&emulator));
    let limited = PollPolicy {
        max_attempts: Some(1),
        ..fast()
    };
    assert!(matches!(
        first.operation(name).with_policy(limited).wait().await,
        Err(LroError::AttemptsExhausted { attempts: 1, .. })
    ));
    let second = monitoring_v1::Client::new(runtime(&emulator));
    let scope: monitoring_v1::schemas::MetricsScope = second
        .operation(name)
        .with_policy(fast())
        .wait_for()
        .await
        .unwrap();
    assert_eq!(
        scope.name.as_deref(),
        Some("locations/global/metricsScopes/p")
    );

    let endless = "locations/global/operations/endless";
    emulator.insert_operation(endless, OperationScript::response(1_000_000, json!({})));
    let policy = PollPolicy {
        deadline: Some(Duration::from_millis(100)),
        ..fast()
    };
    let started = std::time::Instant::now();
    let result = second.operation(endless).with_policy(policy).wait().await;
    assert!(
        matches!(result, Err(LroError::DeadlineExceeded { .. })),
        "{result:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn dialogflow_v2_list_items_follow_next_page_token() {
    let emulator = Emulator::start(EmulatorConfig::dialogflow()).await;
    for i in 1..=5 {
        emulator.insert_operation(
            format!("projects/p/locations/global/operations/op-{i}"),
            OperationScript::response(0, json!({})),
        );
    }
    let client = dialogflow_v2::Client::new(runtime(&emulator));
    let operations: Vec<_> = client
        .projects()
        .locations()
        .operations()
        .list("projects/p/locations/global")
        .page_size(2)
        .items()
        .try_collect()
        .await
        .unwrap();
    let names: Vec<_> = operations
        .iter()
        .filter_map(|op| op.name.as_deref())
        .collect();
    assert_eq!(
        names,
        (1..=5)
            .map(|i| format!("projects/p/locations/global/operations/op-{i}"))
            .collect::<Vec<_>>()
    );
    let tokens: Vec<_> = emulator
        .requests()
        .iter()
        .map(|r| r.query_param("pageToken").map(str::to_owned))
        .collect();
    // The emulator's tokens name the offset of the next page; the client sends back exactly what it got.
    assert_eq!(
        tokens,
        vec![None, Some("page-2".into()), Some("page-4".into())]
    );
}

/// An operations service whose `get` takes the name split into ids (`apps/{appsId}/operations/{operationsId}`,
/// App Engine) and a Cloud Storage-style `.../cancel`: started, waited on, resumed and cancelled through
/// the same poller.
#[tokio::test]
async fn split_name_operations_are_polled_resumed_and_cancelled_by_their_ids() {
    use discogen_emulator::StartRoute;
    use fixture_operations_split::schemas::RepairApplicationRequest;
    let config = EmulatorConfig {
        start_routes: vec![StartRoute::new(
            "POST",
            ":repair",
            OperationScript::response(2, json!({"done": "repaired"})),
        )],
        ..EmulatorConfig::with_prefix("v1/")
    };
    let emulator = Emulator::start(config).await;
    let client = fixture_operations_split::Client::new(runtime(&emulator));

    let poller = client
        .apps()
        .repair("a", RepairApplicationRequest::default())
        .start()
        .await
        .unwrap();
    assert_eq!(poller.name(), "apps/a/operations/op-1");
    let done = poller.with_policy(fast()).wait().await.unwrap();
    assert_eq!(done.done, Some(true));
    let paths: Vec<String> = emulator
        .requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert_eq!(
        paths,
        [
            "POST /v1/apps/a:repair",
            "GET /v1/apps/a/operations/op-1",
            "GET /v1/apps/a/operations/op-1",
        ]
    );

    // Resume from the name alone, in another client, and cancel.
    let name = "apps/b/operations/long";
    emulator.insert_operation(name, OperationScript::response(1000, json!({})));
    let other = fixture_operations_split::Client::new(runtime(&emulator));
    let poller = other.operation(name).with_policy(fast());
    poller.cancel().await.unwrap();
    let error = poller.wait().await.unwrap_err();
    let code = error.operation_error().map(|status| status.code);
    assert_eq!(
        code,
        Some(Code::Cancelled),
        "a cancelled operation reports CANCELLED"
    );
    assert!(emulator
        .requests()
        .iter()
        .any(|r| r.method == "POST" && r.path == "/v1/apps/b/operations/long/cancel"));

    // A name the service does not know is the service's 404, not a guess.
    let missing = other
        .operation("apps/b/operations/missing")
        .with_policy(fast())
        .wait()
        .await;
    assert_eq!(missing.err().and_then(|e| e.http_status()), Some(404));

    // A name with fewer ids than the path takes is refused before anything is sent (it would name no
    // operation: `GET /v1/apps//operations/o`).
    let sent = emulator.requests().len();
    let short = other.operation("operations/o").with_policy(fast());
    let error = short.wait().await.unwrap_err();
    let Some(discogen_runtime::Error::UnknownLink { link, .. }) = error.request_error() else {
        panic!("expected a refused request, got {error:?}");
    };
    assert_eq!(link, "operations/o");
    let cancel = other.operation("operations/o").cancel().await.unwrap_err();
    assert!(
        matches!(cancel.request_error(), Some(discogen_runtime::Error::UnknownLink { link, .. }) if link == "operations/o"),
        "{cancel:?}"
    );
    assert_eq!(emulator.requests().len(), sent, "nothing was sent");
}
