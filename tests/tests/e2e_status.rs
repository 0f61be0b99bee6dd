//! Status-style operations (`status: DONE`, `error.errors[]`, `selfLink`, `targetLink`) through the
//! clients generated from the real compute.v1 and sqladmin.v1 documents (`tests/status-apis/`), against
//! the emulator's Compute and Cloud SQL services: the same `Poller` as google.longrunning operations
//! waits (compute through each scope's `wait`), fails with the typed error, hits its limits, resumes
//! from a `selfLink`, cancels (Cloud SQL) and fetches the target resource typed.

use std::time::Duration;

use discogen_emulator::{Emulator, EmulatorConfig, Fault, OperationScript, RecordedRequest};
use serde_json::json;
use status_compute_v1::{
    Code, Error, LongRunningOperation, LroError, PollPolicy, Status, TryStreamExt,
};

const ZONE_OP: &str = "projects/p/zones/us-central1-a/operations/op-1";

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

async fn compute() -> (Emulator, status_compute_v1::Client) {
    let emulator = Emulator::start(EmulatorConfig::compute()).await;
    let runtime = discogen_runtime::Client::builder(&format!("{}compute/v1/", emulator.base_url()))
        .bearer_token("test-token")
        .build()
        .unwrap();
    (emulator, status_compute_v1::Client::new(runtime))
}

async fn sqladmin() -> (Emulator, status_sqladmin_v1::Client) {
    let emulator = Emulator::start(EmulatorConfig::sqladmin()).await;
    let runtime = discogen_runtime::Client::builder(&emulator.base_url())
        .bearer_token("test-token")
        .build()
        .unwrap();
    (emulator, status_sqladmin_v1::Client::new(runtime))
}

/// `METHOD path` of each request.
fn lines(requests: &[RecordedRequest]) -> Vec<String> {
    requests
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect()
}

#[tokio::test]
async fn compute_instance_insert_waits_through_the_zone_wait_and_fetches_the_instance() {
    use status_compute_v1::schemas::Instance;
    let (emulator, client) = compute().await;
    let poller = client
        .instances()
        .insert("p", "us-central1-a", Instance::default().with_name("vm-1"))
        .start()
        .await
        .unwrap();
    // The poller is identified by the operation's selfLink, which chose the zone scope.
    let self_link = format!("{}compute/v1/{ZONE_OP}", emulator.base_url());
    assert_eq!(poller.name(), self_link);

    let instance: Instance = poller.with_policy(fast()).wait_target().await.unwrap();

    assert_eq!(
        (instance.name.as_deref(), instance.kind.as_deref()),
        (Some("vm-1"), Some("compute#instance"))
    );
    let requests = emulator.requests();
    assert_eq!(
        lines(&requests),
        [
            "POST /compute/v1/projects/p/zones/us-central1-a/instances",
            "POST /compute/v1/projects/p/zones/us-central1-a/operations/op-1/wait",
            "POST /compute/v1/projects/p/zones/us-central1-a/operations/op-1/wait",
            "GET /compute/v1/projects/p/zones/us-central1-a/instances/vm-1",
        ]
    );
    assert_eq!(requests[0].body_json(), Some(json!({"name": "vm-1"})));
    assert!(requests
        .iter()
        .all(|r| r.header("authorization") == Some("Bearer test-token")));
}

#[tokio::test]
async fn compute_operations_of_each_scope_resume_from_their_self_link_and_wait_there() {
    let (emulator, client) = compute().await;
    let base = format!("{}compute/v1/", emulator.base_url());
    let operations = [
        ("projects/p/global/operations/g-1", "GLOBAL"),
        ("projects/p/regions/us-central1/operations/r-1", "REGION"),
        (ZONE_OP, "ZONE"),
    ];
    for (name, _) in operations {
        emulator.insert_operation(name, OperationScript::response(1, json!({})));
    }
    for (name, scope) in operations {
        let op = client
            .operation(format!("{base}{name}"))
            .with_policy(fast())
            .wait()
            .await
            .unwrap();
        assert!(op.done(), "{scope}");
        assert_eq!(
            op.self_link.as_deref(),
            Some(format!("{base}{name}").as_str())
        );
    }
    // A path without scheme and host resumes too.
    emulator.insert_operation(
        "projects/p/global/operations/g-2",
        OperationScript::response(1, json!({})),
    );
    let op = client
        .operation("projects/p/global/operations/g-2")
        .with_policy(fast())
        .wait()
        .await
        .unwrap();
    assert_eq!(op.name.as_deref(), Some("g-2"));
    assert_eq!(
        lines(&emulator.requests()),
        [
            "POST /compute/v1/projects/p/global/operations/g-1/wait",
            "POST /compute/v1/projects/p/regions/us-central1/operations/r-1/wait",
            "POST /compute/v1/projects/p/zones/us-central1-a/operations/op-1/wait",
            "POST /compute/v1/projects/p/global/operations/g-2/wait",
        ]
    );
}

#[tokio::test]
async fn compute_operation_fails_with_errors_mapped_to_a_google_rpc_status() {
    use status_compute_v1::schemas::Instance;
    let (emulator, client) = compute().await;
    let quota = json!({
        "code": "QUOTA_EXCEEDED",
        "message": "Quota 'CPUS' exceeded.  Limit: 24.0 in region us-central1.",
        "errorDetails": [{"quotaInfo": {"metricName": "compute.googleapis.com/cpus", "limit": 24.0}}]
    });
    emulator.insert_operation(
        ZONE_OP,
        OperationScript::errors(2, 403, "FORBIDDEN", vec![quota.clone()]),
    );
    let link = format!("{}compute/v1/{ZONE_OP}", emulator.base_url());
    let mut expected = Status::new(
        Code::PermissionDenied,
        "Quota 'CPUS' exceeded.  Limit: 24.0 in region us-central1.",
    );
    expected.errors = vec![quota];

    // The done operation, as `wait_operation` gives it, and its error.
    let op = client
        .operation(&link)
        .with_policy(fast())
        .wait_operation()
        .await
        .unwrap();
    assert_eq!(op.http_error_status_code, Some(403));
    assert_eq!(op.error(), Some(expected.clone()));

    // A typed wait fails with it, and so does fetching the target.
    emulator.insert_operation(
        ZONE_OP,
        OperationScript::errors(1, 403, "FORBIDDEN", expected.errors.clone()),
    );
    match client
        .operation(&link)
        .with_policy(fast())
        .wait_for::<()>()
        .await
    {
        Err(LroError::Failed(status)) => assert_eq!(status, expected),
        other => panic!("expected the operation's error, got {other:?}"),
    }
    emulator.insert_operation(
        ZONE_OP,
        OperationScript::errors(1, 403, "FORBIDDEN", expected.errors.clone()),
    );
    let error = client
        .operation(&link)
        .with_policy(fast())
        .wait_target::<Instance>()
        .await
        .unwrap_err();
    assert_eq!(error.operation_error(), Some(&expected));
    assert_eq!(
        error.to_string(),
        "operation failed: PERMISSION_DENIED: Quota 'CPUS' exceeded.  Limit: 24.0 in region us-central1."
    );
    // No target fetch after a failure.
    assert!(emulator
        .requests()
        .iter()
        .all(|r| r.path.ends_with("/wait")));
}

#[tokio::test]
async fn compute_progress_shows_status_and_percentage() {
    let (emulator, client) = compute().await;
    emulator.insert_operation(ZONE_OP, OperationScript::response(3, json!({})));
    let snapshots: Vec<_> = client
        .operation(format!("{}compute/v1/{ZONE_OP}", emulator.base_url()))
        .with_policy(fast())
        .progress()
        .try_collect()
        .await
        .unwrap();
    let seen: Vec<(Option<i32>, String)> = snapshots
        .iter()
        .map(|op| {
            let status = op
                .status
                .as_ref()
                .map(|s| s.to_string())
                .unwrap_or_default();
            (op.percent_done(), status)
        })
        .collect();
    assert_eq!(
        seen,
        [
            (Some(33), "RUNNING".to_owned()),
            (Some(66), "RUNNING".to_owned()),
            (Some(100), "DONE".to_owned())
        ]
    );
    let zone = format!(
        "{}compute/v1/projects/p/zones/us-central1-a",
        emulator.base_url()
    );
    assert_eq!(snapshots[0].zone.as_deref(), Some(zone.as_str()));
}

#[tokio::test]
async fn compute_deadline_and_attempt_limits_are_honoured_with_wait() {
    let (emulator, client) = compute().await;
    emulator.insert_operation(ZONE_OP, OperationScript::never_done());
    let link = format!("{}compute/v1/{ZONE_OP}", emulator.base_url());

    let limited = fast().with_max_attempts(3);
    match client.operation(&link).with_policy(limited).wait().await {
        Err(LroError::AttemptsExhausted { name, attempts }) => {
            assert_eq!((name.as_str(), attempts), (link.as_str(), 3));
        }
        other => panic!("expected AttemptsExhausted, got {other:?}"),
    }
    assert_eq!(emulator.take_requests().len(), 3);

    // Each wait answers slowly (as Compute's server-side wait does): the deadline cuts the one in flight.
    emulator.inject(
        Fault::delay(Duration::from_secs(5))
            .path_contains("/wait")
            .times(10),
    );
    let policy = fast().with_deadline(Duration::from_millis(200));
    let started = std::time::Instant::now();
    match client.operation(&link).with_policy(policy).wait().await {
        Err(LroError::DeadlineExceeded { name, attempts, .. }) => {
            assert_eq!((name.as_str(), attempts), (link.as_str(), 1));
        }
        other => panic!("expected DeadlineExceeded, got {other:?}"),
    }
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn compute_polls_survive_transient_faults_and_stop_at_the_limit() {
    let (emulator, client) = compute().await;
    emulator.insert_operation(ZONE_OP, OperationScript::response(1, json!({})));
    let link = format!("{}compute/v1/{ZONE_OP}", emulator.base_url());
    emulator.inject(Fault::unavailable().path_contains("/wait").times(2));
    let op = client
        .operation(&link)
        .with_policy(fast())
        .wait()
        .await
        .unwrap();
    assert!(op.done());
    let faults: Vec<bool> = emulator
        .take_requests()
        .iter()
        .map(|r| r.fault.is_some())
        .collect();
    assert_eq!(faults, [true, true, false]);

    emulator.insert_operation(ZONE_OP, OperationScript::response(1, json!({})));
    emulator.inject(Fault::unavailable().path_contains("/wait").times(10));
    let error = client
        .operation(&link)
        .with_policy(fast().with_max_poll_errors(1))
        .wait()
        .await
        .unwrap_err();
    assert!(matches!(error, LroError::Poll(_)), "{error:?}");
    assert_eq!(error.http_status(), Some(503));
    assert_eq!(emulator.take_requests().len(), 2);
}

#[tokio::test]
async fn compute_refuses_links_that_are_not_its_operations_or_resources() {
    use status_compute_v1::schemas::Instance;
    let (emulator, client) = compute().await;
    // Not an operation of any scope: nothing is sent.
    let error = client
        .operation("https://example.com/compute/v1/projects/p/instances/i")
        .with_policy(fast())
        .wait()
        .await
        .unwrap_err();
    match error.request_error() {
        Some(Error::UnknownLink { link, reason }) => {
            assert_eq!(
                link,
                "https://example.com/compute/v1/projects/p/instances/i"
            );
            assert_eq!(*reason, "not an operation of this API");
        }
        other => panic!("expected UnknownLink, got {other:?}"),
    }
    assert!(emulator.requests().is_empty());

    // A target outside the client's base URL is not fetched.
    emulator.insert_operation(
        ZONE_OP,
        OperationScript::response(1, json!({})).with_target("../../storage/v1/b/x"),
    );
    let link = format!("{}compute/v1/{ZONE_OP}", emulator.base_url());
    let error = client
        .operation(&link)
        .with_policy(fast())
        .wait_target::<Instance>()
        .await
        .unwrap_err();
    assert!(
        matches!(&error, LroError::Target(Error::UnknownLink { .. })),
        "{error:?}"
    );
    assert_eq!(emulator.requests().len(), 1);
}

#[tokio::test]
async fn sqladmin_instance_insert_polls_get_and_fetches_the_database_instance() {
    use status_sqladmin_v1::schemas::DatabaseInstance;
    let (emulator, client) = sqladmin().await;
    let poller = client
        .instances()
        .insert("p", DatabaseInstance::default().with_name("db-1"))
        .start()
        .await
        .unwrap();
    assert_eq!(
        poller.name(),
        format!("{}v1/projects/p/operations/op-1", emulator.base_url())
    );
    let instance: DatabaseInstance = poller.with_policy(fast()).wait_target().await.unwrap();
    assert_eq!(instance.name.as_deref(), Some("db-1"));
    assert_eq!(
        lines(&emulator.requests()),
        [
            "POST /v1/projects/p/instances",
            "GET /v1/projects/p/operations/op-1",
            "GET /v1/projects/p/operations/op-1",
            "GET /v1/projects/p/instances/db-1",
        ]
    );
}

#[tokio::test]
async fn sqladmin_operation_fails_with_its_errors_and_no_http_status() {
    let (emulator, client) = sqladmin().await;
    let entry = json!({"kind": "sql#operationError", "code": "ERROR_RDBMS", "message": "Database db-1 already exists."});
    emulator.insert_operation(
        "projects/p/operations/failing",
        OperationScript::errors(1, 409, "CONFLICT", vec![entry.clone()]),
    );
    let link = format!("{}v1/projects/p/operations/failing", emulator.base_url());
    match client
        .operation(link)
        .with_policy(fast())
        .wait_for::<()>()
        .await
    {
        // Cloud SQL sends no HTTP status with the errors: the code is UNKNOWN.
        Err(LroError::Failed(status)) => {
            let mut expected = Status::new(Code::Unknown, "Database db-1 already exists.");
            expected.errors = vec![entry];
            assert_eq!(status, expected);
        }
        other => panic!("expected the operation's error, got {other:?}"),
    }
}

#[tokio::test]
async fn sqladmin_operation_is_cancelled_through_the_same_poller() {
    let (emulator, client) = sqladmin().await;
    let name = "projects/p/operations/slow";
    emulator.insert_operation(name, OperationScript::never_done());
    let poller = client
        .operation(format!("{}v1/{name}", emulator.base_url()))
        .with_policy(fast());

    let waiting = tokio::spawn(poller.clone().wait_for::<()>());
    while emulator.polls(name) < Some(2) {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    poller.cancel().await.unwrap();
    let error = waiting.await.unwrap().unwrap_err();

    assert_eq!(emulator.cancelled(name), Some(true));
    let status = error.operation_error().expect("the operation's error");
    assert_eq!(
        (status.code, status.message.as_str()),
        (Code::Unknown, "Operation was cancelled.")
    );
    assert_eq!(
        status.errors,
        [
            json!({"kind": "sql#operationError", "code": "OPERATION_CANCELLED", "message": "Operation was cancelled."})
        ]
    );
    let cancels: Vec<String> = lines(&emulator.requests())
        .into_iter()
        .filter(|l| l.starts_with("POST"))
        .collect();
    assert_eq!(cancels, ["POST /v1/projects/p/operations/slow/cancel"]);

    // A link the service does not know is refused, not guessed.
    let error = client
        .operation("https://example.com/v2/projects/p/operations/x")
        .cancel()
        .await
        .unwrap_err();
    assert!(
        matches!(error.request_error(), Some(Error::UnknownLink { .. })),
        "{error:?}"
    );
}

#[tokio::test]
async fn sqladmin_operations_list_returns_the_projects_operations() {
    let (emulator, client) = sqladmin().await;
    for id in ["a", "b"] {
        emulator.insert_operation(
            format!("projects/p/operations/{id}"),
            OperationScript::response(1, json!({})),
        );
    }
    emulator.insert_operation(
        "projects/q/operations/c",
        OperationScript::response(1, json!({})),
    );
    let list = client.operations().list("p").send().await.unwrap();
    let names: Vec<_> = list
        .items
        .unwrap_or_default()
        .into_iter()
        .map(|op| (op.name, op.status.map(|s| s.to_string())))
        .collect();
    assert_eq!(
        names,
        [
            (Some("a".to_owned()), Some("PENDING".to_owned())),
            (Some("b".to_owned()), Some("PENDING".to_owned()))
        ]
    );
}
