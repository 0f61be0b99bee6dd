//! Retries, backoff, `Retry-After` and timeouts against a scripted loopback server.

mod common;

use std::time::Duration;

use common::{ok, status, with_header, Reply, Server};
use discogen_runtime::{Client, Error, Method, Request, RetryPolicy};
use tokio::time::Instant;

/// Fast, deterministic backoff: 10 ms, 20 ms, 40 ms...
fn fast_policy(max_attempts: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts,
        initial_backoff: Duration::from_millis(10),
        multiplier: 2.0,
        max_backoff: Duration::from_secs(1),
        jitter: false,
        ..RetryPolicy::default()
    }
}

fn client(server: &Server, policy: RetryPolicy) -> Client {
    Client::builder(&server.base_url)
        .retry_policy(policy)
        .build()
        .unwrap()
}

fn get(path: &str) -> Request {
    Request::new(Method::GET, path.to_owned())
}

#[tokio::test]
async fn get_is_retried_on_503_with_backoff() {
    let server = Server::start(vec![
        status("503 Service Unavailable"),
        status("503 Service Unavailable"),
        ok(r#"{"name":"done"}"#),
    ])
    .await;
    let value: serde_json::Value = client(&server, fast_policy(4))
        .execute(get("v1/x"))
        .await
        .unwrap();
    assert_eq!(value["name"], "done");
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    assert!(requests
        .iter()
        .all(|r| r.request_line == "GET /v1/x HTTP/1.1"));
    // No jitter: exactly 10 ms then 20 ms of sleep at least.
    assert!(requests[1].at - requests[0].at >= Duration::from_millis(10));
    assert!(requests[2].at - requests[1].at >= Duration::from_millis(20));
}

#[tokio::test]
async fn every_retryable_status_is_retried_and_others_are_not() {
    for code in [
        "429 Too Many Requests",
        "500 Internal Server Error",
        "502 Bad Gateway",
        "504 Gateway Timeout",
    ] {
        let server = Server::start(vec![status(code), ok("{}")]).await;
        client(&server, fast_policy(2))
            .execute_unit(get("v1/x"))
            .await
            .unwrap_or_else(|e| panic!("{code}: {e}"));
        assert_eq!(server.count(), 2, "{code}");
    }
    for code in [
        "400 Bad Request",
        "401 Unauthorized",
        "403 Forbidden",
        "404 Not Found",
        "409 Conflict",
        "501 Not Implemented",
    ] {
        let server = Server::start(vec![status(code), ok("{}")]).await;
        let err = client(&server, fast_policy(4))
            .execute_unit(get("v1/x"))
            .await
            .unwrap_err();
        assert_eq!(err.attempts(), Some(1), "{code}");
        assert_eq!(server.count(), 1, "{code}");
    }
}

#[tokio::test]
async fn retry_after_seconds_is_honoured() {
    let server = Server::start(vec![
        with_header(status("429 Too Many Requests"), "Retry-After", "1"),
        ok("{}"),
    ])
    .await;
    let start = Instant::now();
    client(&server, fast_policy(4))
        .execute_unit(get("v1/x"))
        .await
        .unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert!(requests[1].at - requests[0].at >= Duration::from_secs(1));
    assert!(start.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn retry_after_date_in_the_past_retries_at_once() {
    let server = Server::start(vec![
        with_header(
            status("503 Service Unavailable"),
            "Retry-After",
            "Sun, 06 Nov 1994 08:49:37 GMT",
        ),
        ok("{}"),
    ])
    .await;
    let policy = RetryPolicy {
        initial_backoff: Duration::from_secs(5),
        ..fast_policy(2)
    };
    let start = Instant::now();
    client(&server, policy)
        .execute_unit(get("v1/x"))
        .await
        .unwrap();
    assert_eq!(server.count(), 2);
    // The header replaced the 5 s backoff.
    assert!(start.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn retry_after_beyond_the_policy_limit_gives_up() {
    let server = Server::start(vec![with_header(
        status("503 Service Unavailable"),
        "Retry-After",
        "3600",
    )])
    .await;
    let start = Instant::now();
    let err = client(&server, fast_policy(4))
        .execute_unit(get("v1/x"))
        .await
        .unwrap_err();
    assert!(start.elapsed() < Duration::from_secs(2));
    assert_eq!(err.status(), Some(503));
    assert_eq!(err.attempts(), Some(1));
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn post_is_not_retried() {
    let server = Server::start(vec![status("503 Service Unavailable"), ok("{}")]).await;
    let mut req = Request::new(Method::POST, "v1/things".to_owned());
    req.json_body(&serde_json::json!({"a": 1}));
    let err = client(&server, fast_policy(4))
        .execute_unit(req)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(err.attempts(), Some(1));
    assert_eq!(server.count(), 1);
    // Nor on a connection error.
    let server = Server::start(vec![Reply::ResetMidBody, ok("{}")]).await;
    let err = client(&server, fast_policy(4))
        .execute_unit(Request::new(Method::DELETE, "v1/things/t".to_owned()))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn idempotent_post_is_retried_with_the_same_body() {
    let server = Server::start(vec![status("503 Service Unavailable"), ok("{}")]).await;
    let mut req = Request::new(Method::POST, "v1/things:lookup".to_owned());
    req.json_body(&serde_json::json!({"ids": ["a", "b"]}));
    req.idempotent(true);
    client(&server, fast_policy(4))
        .execute_unit(req)
        .await
        .unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    for r in &requests {
        assert_eq!(r.request_line, "POST /v1/things:lookup HTTP/1.1");
        assert_eq!(r.body, br#"{"ids":["a","b"]}"#);
        assert_eq!(r.header("content-type"), Some("application/json"));
    }
}

#[tokio::test]
async fn get_marked_not_idempotent_is_not_retried() {
    let server = Server::start(vec![status("503 Service Unavailable"), ok("{}")]).await;
    let mut req = get("v1/x");
    req.idempotent(false);
    let err = client(&server, fast_policy(4))
        .execute_unit(req)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn exhausted_attempts_return_the_last_api_error() {
    let server = Server::start(vec![
        status("503 Service Unavailable"),
        status("502 Bad Gateway"),
        common::json(
            "503 Service Unavailable",
            r#"{"error":{"code":503,"message":"still down","status":"UNAVAILABLE"}}"#,
        ),
        ok("{}"),
    ])
    .await;
    let err = client(&server, fast_policy(3))
        .execute_unit(get("v1/x"))
        .await
        .unwrap_err();
    assert_eq!(server.count(), 3);
    let Error::Api(api) = &err else {
        panic!("expected Error::Api, got {err:?}");
    };
    assert_eq!(api.status, 503);
    assert_eq!(api.attempts, 3);
    assert_eq!(err.attempts(), Some(3));
    assert_eq!(err.rpc_status().unwrap().message, "still down");
    assert_eq!(
        err.to_string(),
        "HTTP 503 UNAVAILABLE: still down (after 3 attempts)"
    );
}

#[tokio::test]
async fn connection_reset_is_retried() {
    let server = Server::start(vec![Reply::ResetMidBody, ok(r#"{"n":1}"#)]).await;
    let value: serde_json::Value = client(&server, fast_policy(4))
        .execute(get("v1/x"))
        .await
        .unwrap();
    assert_eq!(value["n"], 1);
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn connection_resets_until_exhausted_give_transport_error() {
    let server = Server::start(vec![
        Reply::ResetMidBody,
        Reply::ResetMidBody,
        Reply::ResetMidBody,
        ok("{}"),
    ])
    .await;
    let err = client(&server, fast_policy(3))
        .execute_unit(get("v1/x"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_eq!(server.count(), 3);
}

#[tokio::test]
async fn slow_response_exceeds_attempt_timeout() {
    let slow = || Reply::Delay(Duration::from_secs(3), Box::new(ok("{}")));
    let server = Server::start(vec![slow()]).await;
    let client = Client::builder(&server.base_url)
        .retry_policy(RetryPolicy::none())
        .timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    let start = Instant::now();
    let err = client.execute_unit(get("v1/x")).await.unwrap_err();
    assert!(start.elapsed() < Duration::from_secs(1));
    match err {
        Error::Timeout { elapsed, attempts } => {
            assert_eq!(attempts, 1);
            assert!(elapsed >= Duration::from_millis(100), "{elapsed:?}");
        }
        other => panic!("expected Error::Timeout, got {other:?}"),
    }

    // A timed-out attempt is retried like a connection error.
    let server = Server::start(vec![slow(), slow(), ok(r#"{"n":2}"#)]).await;
    let client = Client::builder(&server.base_url)
        .retry_policy(fast_policy(3))
        .timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    let value: serde_json::Value = client.execute(get("v1/x")).await.unwrap();
    assert_eq!(value["n"], 2);
    assert_eq!(server.count(), 3);

    let server = Server::start(vec![slow(), slow()]).await;
    let client = Client::builder(&server.base_url)
        .retry_policy(fast_policy(2))
        .timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    let err = client.execute_unit(get("v1/x")).await.unwrap_err();
    assert!(matches!(err, Error::Timeout { attempts: 2, .. }), "{err:?}");
    assert!(err.is_timeout());
    assert_eq!(err.attempts(), Some(2));
}

#[tokio::test]
async fn total_timeout_cuts_a_long_retry_after() {
    let server = Server::start(vec![
        with_header(status("503 Service Unavailable"), "Retry-After", "30"),
        ok("{}"),
    ])
    .await;
    let client = Client::builder(&server.base_url)
        .retry_policy(fast_policy(4))
        .total_timeout(Duration::from_millis(500))
        .build()
        .unwrap();
    let start = Instant::now();
    let err = client.execute_unit(get("v1/x")).await.unwrap_err();
    // Returned at once with the last error, not after sleeping to the deadline.
    assert!(
        start.elapsed() < Duration::from_millis(400),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(err.status(), Some(503));
    assert_eq!(err.attempts(), Some(1));
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn total_timeout_stops_before_a_backoff_that_would_pass_it() {
    let server = Server::start(vec![
        status("503 Service Unavailable"),
        status("503 Service Unavailable"),
        ok("{}"),
    ])
    .await;
    let policy = RetryPolicy {
        initial_backoff: Duration::from_millis(150),
        ..fast_policy(4)
    };
    let client = Client::builder(&server.base_url)
        .retry_policy(policy)
        .total_timeout(Duration::from_millis(350))
        .build()
        .unwrap();
    let start = Instant::now();
    let err = client.execute_unit(get("v1/x")).await.unwrap_err();
    // Attempt 1 at 0 ms, sleep 150 ms, attempt 2; the next sleep (300 ms)
    // would end past 350 ms.
    assert!(start.elapsed() < Duration::from_millis(350));
    assert_eq!(err.attempts(), Some(2));
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn total_timeout_interrupts_a_slow_attempt() {
    let server = Server::start(vec![Reply::Delay(
        Duration::from_secs(3),
        Box::new(ok("{}")),
    )])
    .await;
    let client = Client::builder(&server.base_url)
        .retry_policy(fast_policy(4))
        .timeout(Duration::from_secs(10))
        .total_timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let start = Instant::now();
    let err = client.execute_unit(get("v1/x")).await.unwrap_err();
    assert!(start.elapsed() < Duration::from_secs(1));
    match err {
        Error::Timeout { elapsed, attempts } => {
            assert_eq!(attempts, 1);
            assert!(elapsed >= Duration::from_millis(200), "{elapsed:?}");
        }
        other => panic!("expected Error::Timeout, got {other:?}"),
    }
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn decode_errors_are_not_retried() {
    // A truncated JSON body (the connection closes; no Content-Length).
    let truncated = Reply::Raw(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{\"name\":\"x"
            .to_vec(),
    );
    let server = Server::start(vec![truncated, ok("{}")]).await;
    let err = client(&server, fast_policy(4))
        .execute::<serde_json::Value>(get("v1/x"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Decode { status: 200, body_excerpt, .. } if body_excerpt == r#"{"name":"x"#),
        "{err:?}"
    );
    assert_eq!(server.count(), 1);

    let server = Server::start(vec![
        Reply::Status {
            status: "200 OK",
            headers: vec![("Content-Type", "text/html".to_owned())],
            body: b"<html>proxy login</html>".to_vec(),
        },
        ok("{}"),
    ])
    .await;
    let err = client(&server, fast_policy(4))
        .execute::<serde_json::Value>(get("v1/x"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn jittered_default_backoff_stays_within_bounds() {
    let server = Server::start(vec![status("500 Internal Server Error"), ok("{}")]).await;
    let policy = RetryPolicy {
        initial_backoff: Duration::from_millis(40),
        ..RetryPolicy::default()
    };
    assert!(policy.jitter);
    client(&server, policy)
        .execute_unit(get("v1/x"))
        .await
        .unwrap();
    let requests = server.requests();
    let gap = requests[1].at - requests[0].at;
    // ±50 % of 40 ms, plus scheduling slack above.
    assert!(gap >= Duration::from_millis(20), "{gap:?}");
    assert!(gap < Duration::from_millis(500), "{gap:?}");
}

#[tokio::test]
async fn huge_limits_do_not_panic() {
    let server = Server::start(vec![
        status("503 Service Unavailable"),
        ok("{}"),
        status("503 Service Unavailable"),
    ])
    .await;
    let client = Client::builder(&server.base_url)
        .retry_policy(fast_policy(2))
        .timeout(Duration::MAX)
        .total_timeout(Duration::MAX)
        .build()
        .unwrap();
    client.execute_unit(get("v1/x")).await.unwrap();
    // A backoff that cannot end before the deadline is not slept.
    let client = Client::builder(&server.base_url)
        .retry_policy(RetryPolicy {
            initial_backoff: Duration::MAX,
            max_backoff: Duration::MAX,
            ..fast_policy(2)
        })
        .total_timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let err = client.execute_unit(get("v1/x")).await.unwrap_err();
    assert_eq!(err.attempts(), Some(1));
    assert_eq!(server.count(), 3);
}
