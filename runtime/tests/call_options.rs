//! Per-call options (`CallOptions`: timeout, retry policy, idempotency, headers) and the refusal of
//! path parameters that would leave the method's path, checked against a scripted loopback server.

mod common;

use std::time::Duration;

use common::{ok, status, Reply, Server};
use discogen_runtime::__private::path::{reserved, simple};
use discogen_runtime::__private::Params;
use discogen_runtime::{CallOptions, Client, ConfigErrorKind, Error, Method, Request, RetryPolicy};

/// What a generated builder is, reduced to its options: a request and the `Params` it keeps.
struct Call {
    method: Method,
    path: String,
    params: Params,
}

impl Call {
    fn get(path: &str) -> Self {
        Call {
            method: Method::GET,
            path: path.to_owned(),
            params: Params::default(),
        }
    }

    fn post(path: &str) -> Self {
        Call {
            method: Method::POST,
            ..Call::get(path)
        }
    }

    fn to_request(&self) -> Request {
        let mut request = Request::new(self.method.clone(), self.path.clone());
        request.params(self.params.clone());
        request
    }

    async fn send(self, client: &Client) -> discogen_runtime::Result<serde_json::Value> {
        client.execute(self.to_request()).await
    }
}

impl CallOptions for Call {
    fn call_params(&mut self) -> &mut Params {
        &mut self.params
    }
}

fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        initial_backoff: Duration::from_millis(1),
        jitter: false,
        ..RetryPolicy::default()
    }
}

#[tokio::test]
async fn timeout_limits_one_call_only() {
    let slow = || Reply::Delay(Duration::from_millis(400), Box::new(ok("{}")));
    let server = Server::start(vec![slow(), slow()]).await;
    let client = Client::builder(&server.base_url).build().unwrap();
    let err = Call::get("v1/slow")
        .with_timeout(Duration::from_millis(50))
        .send(&client)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout { attempts: 1, .. }), "{err:?}");
    // The next call, without the option, waits as long as it takes.
    Call::get("v1/slow").send(&client).await.unwrap();
}

#[tokio::test]
async fn retry_policy_none_sends_once_and_overrides_the_client() {
    let server = Server::start(vec![status("503 Service Unavailable"), ok("{}")]).await;
    let client = Client::builder(&server.base_url)
        .retry_policy(fast_retries())
        .build()
        .unwrap();
    let err = Call::get("v1/x")
        .with_retry_policy(RetryPolicy::none())
        .send(&client)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(server.requests().len(), 1);

    // And a per-call policy that retries where the client would not.
    let server = Server::start(vec![status("503 Service Unavailable"), ok("{}")]).await;
    let client = Client::builder(&server.base_url)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    Call::get("v1/x")
        .with_retry_policy(fast_retries())
        .send(&client)
        .await
        .unwrap();
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn idempotent_override_decides_whether_a_post_is_retried() {
    let server = Server::start(vec![status("503 Service Unavailable"), ok(r#"{"a":1}"#)]).await;
    let client = Client::builder(&server.base_url)
        .retry_policy(fast_retries())
        .build()
        .unwrap();
    let value = Call::post("v1/x:run")
        .with_idempotency(true)
        .send(&client)
        .await
        .unwrap();
    assert_eq!(value, serde_json::json!({"a": 1}));
    assert_eq!(server.requests().len(), 2);

    // A GET declared not idempotent is sent once.
    let server = Server::start(vec![status("503 Service Unavailable"), ok("{}")]).await;
    let client = Client::builder(&server.base_url)
        .retry_policy(fast_retries())
        .build()
        .unwrap();
    let err = Call::get("v1/x")
        .with_idempotency(false)
        .send(&client)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn extra_headers_are_sent_and_bad_ones_refused_before_sending() {
    let server = Server::start(vec![ok("{}")]).await;
    let client = Client::builder(&server.base_url).build().unwrap();
    let call = Call::get("v1/x")
        .with_header("x-goog-user-project", "billing-project")
        .with_header("X-Extra", "1");
    assert!(!format!("{:?}", call.params).contains("billing-project"));
    call.send(&client).await.unwrap();
    let requests = server.requests();
    assert_eq!(
        requests[0].header("x-goog-user-project"),
        Some("billing-project")
    );
    assert_eq!(requests[0].header("x-extra"), Some("1"));

    for (name, value) in [("bad name", "v"), ("x-ok", "line\nbreak")] {
        let err = Call::get("v1/x")
            .with_header(name, value)
            .send(&client)
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::Config(e) if e.kind() == ConfigErrorKind::Header && e.to_string().contains(name)),
            "{err:?}"
        );
    }
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn dot_segments_in_path_parameters_are_refused_and_nothing_is_sent() {
    let server = Server::start(vec![ok("{}"), ok("{}"), ok("{}")]).await;
    let client = Client::builder(&format!("{}api/", server.base_url))
        .build()
        .unwrap();
    // `GET v2/{+name}` with a name that climbs out of the method's path.
    let name = "projects/p/operations/x/../../../../../v9/zz/operations/y";
    let err = Call::get(&format!("v2/{}", reserved(name)))
        .send(&client)
        .await
        .unwrap_err();
    match &err {
        Error::UnsafePath { path, sent } => {
            assert_eq!(
                path,
                "v2/projects/p/operations/x/../../../../../v9/zz/operations/y"
            );
            assert_eq!(sent, "/api/v9/zz/operations/y");
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("`.` and `..`"), "{err}");
    // `{+name}` ending in a dot segment, and `{name}` (simple expansion) of exactly `..` or `.`.
    for path in [
        format!("v2/{}", reserved("projects/p/..")),
        format!("v2/{}", reserved("./projects/p")),
        format!("v1/projects/{}/zones", simple("..")),
        format!("v1/projects/{}/zones", simple(".")),
    ] {
        let err = Call::get(&path).send(&client).await.unwrap_err();
        assert!(matches!(err, Error::UnsafePath { .. }), "{path}: {err:?}");
    }
    assert!(server.requests().is_empty());

    // Ordinary names, dots inside a segment and encoded slashes are sent as they are.
    for (path, target) in [
        (
            format!("v2/{}", reserved("projects/p/operations/op.1")),
            "/api/v2/projects/p/operations/op.1",
        ),
        (
            format!("v1/projects/{}/zones", simple("a/../b")),
            "/api/v1/projects/a%2F..%2Fb/zones",
        ),
        (format!("v1/x/{}", simple("...")), "/api/v1/x/..."),
    ] {
        Call::get(&path).send(&client).await.unwrap();
        assert_eq!(server.requests().last().unwrap().target(), target);
    }
}
