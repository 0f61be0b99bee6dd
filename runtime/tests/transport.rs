//! The transport seam: every attempt goes through the client's transport, with the client's headers,
//! retries and decoding around it.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use discogen_runtime::transport::{
    Body, CallInfo, HttpRequest, Transport, TransportError, TransportErrorKind, TransportFuture,
};
use discogen_runtime::{Client, Error, Method, Request, RetryPolicy};

/// A scripted answer: a status and body, or a failure of this kind.
type Answer = Result<(u16, &'static str), TransportErrorKind>;

/// What one attempt carried: method, URL, call info, body, `Authorization`.
type Seen = (String, String, Option<CallInfo>, Vec<u8>, Option<String>);

/// Answers each attempt with the next of its scripted answers and keeps what it was sent.
#[derive(Debug, Clone, Default)]
struct Scripted {
    answers: Arc<Mutex<Vec<Answer>>>,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Transport for Scripted {
    fn send(&self, request: HttpRequest) -> TransportFuture {
        let this = self.clone();
        Box::pin(async move {
            let info = CallInfo::of(&request);
            let (parts, body) = request.into_parts();
            let body = body.bytes().await?.to_vec();
            let auth = parts
                .headers
                .get("authorization")
                .map(|v| v.to_str().unwrap().to_owned());
            this.seen.lock().unwrap().push((
                parts.method.to_string(),
                parts.uri.to_string(),
                info,
                body,
                auth,
            ));
            let answer = this.answers.lock().unwrap().remove(0);
            match answer {
                Ok((status, text)) => Ok(http::Response::builder()
                    .status(status)
                    .body(Body::from(text))
                    .unwrap()),
                Err(kind) => Err(TransportError::new(kind, "scripted failure")),
            }
        })
    }
}

fn client(transport: &Scripted) -> Client {
    Client::builder("https://example.googleapis.com/")
        .transport(transport.clone())
        .bearer_token("tok")
        .retry_policy(RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(1),
            ..RetryPolicy::default()
        })
        .build()
        .unwrap()
}

#[tokio::test]
async fn attempts_go_through_the_transport_with_the_clients_headers_and_retries() {
    let transport = Scripted::default();
    *transport.answers.lock().unwrap() = vec![
        Err(TransportErrorKind::Connect),
        Ok((503, "")),
        Ok((200, r#"{"a": 1}"#)),
    ];
    let mut request = Request::new(Method::GET, "v1/things/t".to_owned());
    request.set_method_id("example.things.get");
    let value: serde_json::Value = client(&transport).execute(request).await.unwrap();
    assert_eq!(value, serde_json::json!({"a": 1}));
    let seen = transport.seen.lock().unwrap();
    assert_eq!(seen.len(), 3);
    for (attempt, (method, url, info, body, auth)) in seen.iter().enumerate() {
        assert_eq!(method, "GET");
        assert_eq!(url, "https://example.googleapis.com/v1/things/t");
        let info = info.expect("every attempt carries its call info");
        assert_eq!(info.method_id, Some("example.things.get"));
        assert_eq!(info.attempt, attempt as u32 + 1);
        assert!(body.is_empty());
        assert_eq!(auth.as_deref(), Some("Bearer tok"));
    }
}

#[tokio::test]
async fn a_transport_error_that_is_not_retryable_ends_the_call() {
    let transport = Scripted::default();
    *transport.answers.lock().unwrap() = vec![Err(TransportErrorKind::Request), Ok((200, "{}"))];
    let mut request = Request::new(Method::POST, "v1/things".to_owned());
    request.json_body(&serde_json::json!({"name": "t"}));
    request.idempotent(true);
    let error = client(&transport).execute_unit(request).await.unwrap_err();
    let Error::Transport(error) = error else {
        panic!("{error:?}")
    };
    assert_eq!(error.kind(), TransportErrorKind::Request);
    let seen = transport.seen.lock().unwrap();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].3, br#"{"name":"t"}"#);
}

#[tokio::test]
async fn errors_and_bodies_decode_as_from_the_network() {
    let transport = Scripted::default();
    *transport.answers.lock().unwrap() = vec![Ok((
        404,
        r#"{"error": {"code": 404, "message": "no thing", "status": "NOT_FOUND"}}"#,
    ))];
    let error = client(&transport)
        .execute_unit(Request::new(Method::GET, "v1/things/x".to_owned()))
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(404));
    assert_eq!(error.rpc_status().unwrap().message, "no thing");
}
