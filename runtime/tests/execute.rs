//! `Client::execute` against a tiny HTTP/1.1 server on 127.0.0.1.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;

use discogen_runtime::__private::Params;
use discogen_runtime::{
    Client, Code, CredentialsError, CredentialsErrorKind, Error, Method, Request, RetryPolicy,
    TokenProvider,
};
use serde::Deserialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// What the server received.
#[derive(Debug)]
struct Received {
    request_line: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Received {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Serves one connection: reads one request, answers with `status`,
/// `content_type` and `body`, and returns what it read.
async fn serve_once(
    status: &'static str,
    content_type: &'static str,
    body: Vec<u8>,
) -> (String, JoinHandle<Received>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let handle = tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let mut buf = Vec::new();
        let mut chunk = [0u8; 4096];
        let head_end = loop {
            if let Some(i) = find(&buf, b"\r\n\r\n") {
                break i;
            }
            let n = stream.read(&mut chunk).await.unwrap();
            assert!(n > 0, "connection closed before end of headers");
            buf.extend_from_slice(&chunk[..n]);
        };
        let head = String::from_utf8(buf[..head_end].to_vec()).unwrap();
        let mut lines = head.split("\r\n");
        let request_line = lines.next().unwrap().to_owned();
        let headers: Vec<(String, String)> = lines
            .map(|l| {
                let (n, v) = l.split_once(':').unwrap();
                (n.trim().to_ascii_lowercase(), v.trim().to_owned())
            })
            .collect();
        let len: usize = headers
            .iter()
            .find(|(n, _)| n == "content-length")
            .map_or(0, |(_, v)| v.parse().unwrap());
        let mut req_body = buf[head_end + 4..].to_vec();
        while req_body.len() < len {
            let n = stream.read(&mut chunk).await.unwrap();
            assert!(n > 0, "connection closed before end of body");
            req_body.extend_from_slice(&chunk[..n]);
        }
        let mut response = format!(
            "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        )
        .into_bytes();
        response.extend_from_slice(&body);
        stream.write_all(&response).await.unwrap();
        stream.shutdown().await.unwrap();
        Received {
            request_line,
            headers,
            body: req_body,
        }
    });
    (format!("http://{addr}/base"), handle)
}

#[derive(Debug, Deserialize, PartialEq, Default)]
#[serde(default, rename_all = "camelCase")]
struct Thing {
    name: Option<String>,
    #[serde(with = "::discogen_runtime::__private::wire")]
    size_bytes: Option<i64>,
    labels: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize, PartialEq, Default)]
struct Empty {}

#[tokio::test]
async fn get_sends_path_query_and_headers() {
    let (base, server) = serve_once(
        "200 OK",
        "application/json",
        br#"{"name":"projects/p/things/t","sizeBytes":"12345678901","labels":{"a":"b"},"extra":[1]}"#
            .to_vec(),
    )
    .await;
    let client = Client::builder("https://unused.example.com/")
        .base_url(base)
        .bearer_token("tok-123")
        .build()
        .unwrap();
    let mut req = Request::new(
        Method::GET,
        format!(
            "v1/{}/things",
            discogen_runtime::__private::path::reserved("projects/p q")
        ),
    );
    req.query("pageSize", &Some(10i32));
    req.query("pageToken", &None::<String>);
    req.query("filter", "a b&c");
    req.query("ids", &vec!["x".to_owned(), "y".to_owned()]);
    req.api_version("2024-01-01");
    let mut params = Params::default();
    params.set("$.xgafv", "2");
    params.set("fields", "name,sizeBytes");
    req.params(params);

    let thing: Thing = client.execute(req).await.unwrap();
    assert_eq!(
        thing,
        Thing {
            name: Some("projects/p/things/t".into()),
            size_bytes: Some(12_345_678_901),
            labels: [("a".to_owned(), "b".to_owned())].into_iter().collect(),
        }
    );

    let got = server.await.unwrap();
    assert_eq!(
        got.request_line,
        "GET /base/v1/projects/p%20q/things?pageSize=10&filter=a+b%26c&ids=x&ids=y&%24.xgafv=2&fields=name%2CsizeBytes HTTP/1.1"
    );
    assert_eq!(got.header("authorization"), Some("Bearer tok-123"));
    assert_eq!(got.header("x-goog-api-version"), Some("2024-01-01"));
    assert_eq!(got.header("accept"), Some("application/json"));
    assert_eq!(
        got.header("user-agent"),
        Some(concat!("discogen-runtime/", env!("CARGO_PKG_VERSION")))
    );
    assert_eq!(got.header("content-type"), None);
    assert!(got.body.is_empty());
}

#[tokio::test]
async fn post_sends_json_body_and_empty_response_decodes() {
    let (base, server) = serve_once("200 OK", "application/json", Vec::new()).await;
    let client = Client::builder(&format!("{base}/"))
        .user_agent("my-app/1.0")
        .build()
        .unwrap();
    let mut req = Request::new(Method::POST, "v2/projects/p/operations/o:cancel".to_owned());
    req.json_body(&serde_json::json!({"reason": "done", "count": "3"}));
    let _: Empty = client.execute(req).await.unwrap();

    let got = server.await.unwrap();
    assert_eq!(
        got.request_line,
        "POST /base/v2/projects/p/operations/o:cancel HTTP/1.1"
    );
    assert_eq!(got.header("content-type"), Some("application/json"));
    assert_eq!(got.header("user-agent"), Some("my-app/1.0"));
    assert_eq!(got.header("authorization"), None);
    assert_eq!(got.header("x-goog-api-version"), None);
    assert_eq!(got.body, br#"{"count":"3","reason":"done"}"#);
    assert_eq!(got.header("content-length"), Some("29"));
}

#[tokio::test]
async fn empty_body_decodes_into_all_optional_struct() {
    let (base, server) = serve_once("200 OK", "application/json", b" \n".to_vec()).await;
    let client = Client::builder(&base).build().unwrap();
    let thing: Thing = client
        .execute(Request::new(Method::GET, "v1/t".to_owned()))
        .await
        .unwrap();
    assert_eq!(thing, Thing::default());
    server.await.unwrap();
}

#[tokio::test]
async fn post_without_body_sends_content_length_zero() {
    let (base, server) = serve_once("204 No Content", "text/plain", Vec::new()).await;
    let client = Client::builder(&base).build().unwrap();
    client
        .execute_unit(Request::new(Method::POST, "v1/things/t:run".to_owned()))
        .await
        .unwrap();
    let got = server.await.unwrap();
    assert_eq!(got.request_line, "POST /base/v1/things/t:run HTTP/1.1");
    assert_eq!(got.header("content-length"), Some("0"));
    assert_eq!(got.header("content-type"), None);
}

#[tokio::test]
async fn execute_unit_ignores_non_json_body() {
    let (base, server) = serve_once("200 OK", "text/plain", b"whatever".to_vec()).await;
    let client = Client::builder(&base).build().unwrap();
    client
        .execute_unit(Request::new(Method::DELETE, "v1/things/t".to_owned()))
        .await
        .unwrap();
    assert_eq!(
        server.await.unwrap().request_line,
        "DELETE /base/v1/things/t HTTP/1.1"
    );
}

#[tokio::test]
async fn absolute_path_joins_onto_origin() {
    let (base, server) = serve_once("200 OK", "application/json", b"{}".to_vec()).await;
    let client = Client::builder(&base).build().unwrap();
    let mut req = Request::new(Method::POST, "/upload/v1/files".to_owned());
    req.query("uploadType", "media");
    let _: serde_json::Value = client.execute(req).await.unwrap();
    assert_eq!(
        server.await.unwrap().request_line,
        "POST /upload/v1/files?uploadType=media HTTP/1.1"
    );
}

#[tokio::test]
async fn not_found_gives_api_error() {
    let body = br#"{"error":{"code":404,"message":"not found","status":"NOT_FOUND"}}"#;
    let (base, server) = serve_once("404 Not Found", "application/json", body.to_vec()).await;
    let client = Client::builder(&base).bearer_token("t").build().unwrap();
    let err = client
        .execute::<Thing>(Request::new(Method::GET, "v1/things/missing".to_owned()))
        .await
        .unwrap_err();
    server.await.unwrap();

    assert_eq!(err.status(), Some(404));
    let google = err.rpc_status().expect("decoded google error");
    assert_eq!(google.message, "not found");
    assert_eq!(google.code, Code::NotFound);
    assert!(google.details.is_empty() && google.errors.is_empty());
    match &err {
        Error::Api(api) => {
            assert_eq!(api.status, 404);
            assert_eq!(api.body_excerpt.as_bytes(), body);
        }
        other => panic!("expected Error::Api, got {other:?}"),
    }
    assert_eq!(err.to_string(), "HTTP 404 NOT_FOUND: not found");
}

#[tokio::test]
async fn error_without_google_body_keeps_excerpt() {
    let body = vec![b'x'; 2000];
    let (base, server) = serve_once("503 Service Unavailable", "text/html", body).await;
    // One connection only: no retries (tests/retry.rs covers them).
    let client = Client::builder(&base)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let err = client
        .execute_unit(Request::new(Method::GET, "v1/x".to_owned()))
        .await
        .unwrap_err();
    server.await.unwrap();
    match err {
        Error::Api(api) => {
            assert_eq!(api.status, 503);
            assert_eq!(api.error, None);
            assert_eq!(api.body_excerpt, "x".repeat(512));
        }
        other => panic!("expected Error::Api, got {other:?}"),
    }
}

#[tokio::test]
async fn non_json_success_gives_decode_error() {
    let body = format!("<html>{}</html>", "y".repeat(1000));
    let (base, server) = serve_once("200 OK", "text/html", body.clone().into_bytes()).await;
    let client = Client::builder(&base).build().unwrap();
    let err = client
        .execute::<Thing>(Request::new(Method::GET, "v1/x".to_owned()))
        .await
        .unwrap_err();
    server.await.unwrap();
    assert_eq!(err.status(), Some(200));
    assert!(err.rpc_status().is_none());
    match err {
        Error::Decode {
            status,
            body_excerpt,
            ..
        } => {
            assert_eq!(status, 200);
            assert_eq!(body_excerpt, body[..512]);
            assert!(body_excerpt.starts_with("<html>yyy"));
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn wrong_json_shape_gives_decode_error() {
    let (base, server) = serve_once(
        "200 OK",
        "application/json",
        br#"{"sizeBytes":"x"}"#.to_vec(),
    )
    .await;
    let client = Client::builder(&base).build().unwrap();
    let err = client
        .execute::<Thing>(Request::new(Method::GET, "v1/x".to_owned()))
        .await
        .unwrap_err();
    server.await.unwrap();
    assert!(
        matches!(&err, Error::Decode { body_excerpt, .. } if body_excerpt == r#"{"sizeBytes":"x"}"#),
        "{err:?}"
    );
}

#[derive(Debug)]
struct FailingProvider;

impl TokenProvider for FailingProvider {
    fn token(&self) -> Pin<Box<dyn Future<Output = discogen_runtime::Result<String>> + Send + '_>> {
        Box::pin(async {
            Err(Error::Credentials(CredentialsError::new(
                CredentialsErrorKind::Fetch,
                "no credentials",
            )))
        })
    }
}

#[derive(Debug)]
struct BadTokenProvider;

impl TokenProvider for BadTokenProvider {
    fn token(&self) -> Pin<Box<dyn Future<Output = discogen_runtime::Result<String>> + Send + '_>> {
        Box::pin(async { Ok("line\nbreak".to_owned()) })
    }
}

#[tokio::test]
async fn token_provider_errors_are_auth_errors() {
    // Nothing listens here: the request must fail before connecting.
    let client = Client::builder("http://127.0.0.1:9/")
        .token_provider(FailingProvider)
        .build()
        .unwrap();
    let err = client
        .execute_unit(Request::new(Method::GET, "v1/x".to_owned()))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Credentials(e) if e.kind() == CredentialsErrorKind::Fetch && e.to_string() == "no credentials"),
        "{err:?}"
    );
    assert!(!err.is_transient());

    let client = Client::builder("http://127.0.0.1:9/")
        .token_provider(std::sync::Arc::new(BadTokenProvider))
        .build()
        .unwrap();
    let err = client
        .execute_unit(Request::new(Method::GET, "v1/x".to_owned()))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Credentials(e) if e.kind() == CredentialsErrorKind::Fetch),
        "{err:?}"
    );
}

/// Fails transiently `failures` times, then gives a token.
#[derive(Debug)]
struct FlakyProvider(std::sync::atomic::AtomicU32);

impl TokenProvider for FlakyProvider {
    fn token(&self) -> Pin<Box<dyn Future<Output = discogen_runtime::Result<String>> + Send + '_>> {
        let left = self.0.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
        Box::pin(async move {
            match left {
                0 => Ok("fresh".to_owned()),
                _ => Err(Error::Credentials(CredentialsError::new(
                    CredentialsErrorKind::TransientFetch,
                    "token endpoint answered 503",
                ))),
            }
        })
    }
}

#[tokio::test]
async fn a_transient_token_failure_is_retried_even_for_a_post() {
    // Nothing was sent, so a POST (not idempotent) may try again.
    let (base, server) = serve_once("200 OK", "application/json", b"{}".to_vec()).await;
    let client = Client::builder(&format!("{base}/"))
        .token_provider(FlakyProvider(2.into()))
        .retry_policy(RetryPolicy {
            initial_backoff: std::time::Duration::from_millis(1),
            ..RetryPolicy::default()
        })
        .build()
        .unwrap();
    let mut request = Request::new(Method::POST, "v1/things".to_owned());
    request.json_body(&serde_json::json!({}));
    let _: Empty = client.execute(request).await.unwrap();
    let got = server.await.unwrap();
    assert_eq!(got.header("authorization"), Some("Bearer fresh"));
}

#[tokio::test]
async fn encode_error_is_returned_by_execute() {
    let client = Client::builder("http://127.0.0.1:9/").build().unwrap();
    let mut req = Request::new(Method::POST, "v1/x".to_owned());
    let bad: BTreeMap<(i32, i32), i32> = [((1, 2), 3)].into_iter().collect();
    req.json_body(&bad);
    let err = client.execute_unit(req).await.unwrap_err();
    assert!(matches!(err, Error::Encode(_)), "{err:?}");
}

#[tokio::test]
async fn connection_refused_is_transport_error() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let client = Client::builder(&format!("http://{addr}/"))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let err = client
        .execute_unit(Request::new(Method::GET, "v1/x".to_owned()))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_eq!(err.status(), None);
    assert!(std::error::Error::source(&err).is_some());
}
