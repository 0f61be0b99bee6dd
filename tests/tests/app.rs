//! What an app does with the generated crates, through their own paths only: a client in one
//! expression, per-call options on a generated builder, and path parameters that would leave the
//! method's path refused with nothing sent.

mod support;

use std::time::Duration;

use dialogflow_v2::{CallOptions, Error, RetryPolicy};
use serde_json::json;
use support::{serve, within_timeout, Response};

#[tokio::test]
async fn a_dot_dot_name_is_refused_and_nothing_is_sent() {
    let (base, log) = serve(|_| Response::json(200, &json!({"name": "x"}))).await;
    let client = dialogflow_v2::Client::builder()
        .base_url(&base)
        .bearer_token("t")
        .build()
        .unwrap();
    // `GET v2/{+name}`: the request, which URL parsing would have sent to /v9/zz/operations/y.
    let err = within_timeout(
        client
            .projects()
            .operations()
            .get("projects/p/operations/x/../../../../../v9/zz/operations/y")
            .send(),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&err, Error::UnsafePath { sent, .. } if sent == "/v9/zz/operations/y"),
        "{err:?}"
    );
    // `GET v1/users/{userId}/items/{itemId}`: simple expansion of `..` and `.`.
    let params = fixture_params::Client::builder()
        .base_url(&base)
        .build()
        .unwrap();
    for user in ["..", "."] {
        let err = within_timeout(params.users().items().get(user, 7).send())
            .await
            .unwrap_err();
        assert!(
            matches!(err, fixture_params::Error::UnsafePath { .. }),
            "{user}: {err:?}"
        );
    }
    assert!(log.requests().is_empty(), "{:?}", log.requests());

    // Ordinary names are sent as before, dots inside segments included.
    within_timeout(
        client
            .projects()
            .operations()
            .get("projects/p/operations/op.1..2")
            .send(),
    )
    .await
    .unwrap();
    within_timeout(params.users().items().get("a..b", 7).send())
        .await
        .unwrap();
    let paths: Vec<String> = log.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(
        paths,
        [
            "/v2/projects/p/operations/op.1..2",
            "/v1/users/a..b/items/7"
        ]
    );
}

// Two workers: the fake server's slow answer blocks one of them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn per_call_options_on_a_generated_builder() {
    let (base, log) = serve(|request| {
        if request.path.ends_with("/slow") {
            std::thread::sleep(Duration::from_millis(300));
        }
        Response::json(503, &json!({"error": {"code": 503, "message": "busy"}}))
    })
    .await;
    let client = dialogflow_v2::Client::builder()
        .base_url(&base)
        .retry_policy(RetryPolicy {
            initial_backoff: Duration::from_millis(1),
            ..RetryPolicy::default()
        })
        .build()
        .unwrap();
    // No retries for this call, and a header of its own.
    let err = within_timeout(
        client
            .projects()
            .operations()
            .get("projects/p/operations/o")
            .with_retry_policy(RetryPolicy::none())
            .with_header("x-goog-user-project", "billing")
            .send(),
    )
    .await
    .unwrap_err();
    assert_eq!(err.status(), Some(503));
    let requests = log.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].header("x-goog-user-project"), Some("billing"));

    // A timeout for one call.
    let err = within_timeout(
        client
            .projects()
            .operations()
            .get("projects/p/operations/slow")
            .with_timeout(Duration::from_millis(50))
            .send(),
    )
    .await
    .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
}
