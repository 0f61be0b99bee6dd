//! API keys and static tokens; tokens and keys never reach `Debug` output,
//! errors or `tracing`. Google credentials are tested in `credentials.rs`.

mod common;

use std::fmt::{self, Write as _};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{ok, status, Server};
use discogen_runtime::{Client, Error, Method, Request, RetryPolicy};

#[tokio::test]
async fn api_key_is_a_query_parameter_and_never_shown() {
    let server = Server::start(vec![ok("{}"), ok("{}")]).await;
    let client = Client::builder(&server.base_url)
        .api_key("AIza-secret-key")
        .bearer_token("ya29.secret-bearer")
        .build()
        .unwrap();
    assert!(!format!("{client:?}").contains("secret"));
    let mut req = Request::new(Method::GET, "v1/x".to_owned());
    req.query("q", "a");
    client.execute_unit(req).await.unwrap();
    // A request's own `key` wins over the client's.
    let mut req = Request::new(Method::GET, "v1/x".to_owned());
    req.query("key", "request-key");
    client.execute_unit(req).await.unwrap();
    let requests = server.requests();
    assert_eq!(requests[0].target(), "/v1/x?q=a&key=AIza-secret-key");
    assert_eq!(
        requests[0].header("authorization"),
        Some("Bearer ya29.secret-bearer")
    );
    assert_eq!(requests[1].target(), "/v1/x?key=request-key");

    // Transport errors carry the URL: the key is redacted there.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let client = Client::builder(&format!("http://{addr}/"))
        .api_key("AIza-secret-key")
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let err = client
        .execute_unit(Request::new(Method::GET, "v1/x".to_owned()))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("AIza-secret-key"), "{shown}");
    assert!(shown.contains("key=REDACTED"), "{shown}");
}

/// A `tracing` subscriber that keeps every span, field record and event as text.
#[derive(Clone, Default)]
struct Capture {
    lines: Arc<Mutex<Vec<String>>>,
    next_id: Arc<AtomicU64>,
}

struct Text<'a>(&'a mut String);

impl tracing::field::Visit for Text<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn fmt::Debug) {
        let _ = write!(self.0, " {}={:?}", field.name(), value);
    }
}

impl tracing::Subscriber for Capture {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, attrs: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let mut line = format!("span {}", attrs.metadata().name());
        attrs.record(&mut Text(&mut line));
        self.lines.lock().unwrap().push(line);
        tracing::span::Id::from_u64(self.next_id.fetch_add(1, Ordering::Relaxed) + 1)
    }
    fn record(&self, _: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        let mut line = "record".to_owned();
        values.record(&mut Text(&mut line));
        self.lines.lock().unwrap().push(line);
    }
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        let mut line = format!("event {}", event.metadata().target());
        event.record(&mut Text(&mut line));
        self.lines.lock().unwrap().push(line);
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

#[tokio::test]
async fn tracing_shows_method_path_and_attempt_but_no_secret() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let server = Server::start(vec![status("503 Service Unavailable"), ok("{}")]).await;
    let client = Client::builder(&server.base_url)
        .api_key("AIza-secret-key")
        .bearer_token("ya29.secret-bearer")
        .retry_policy(RetryPolicy {
            initial_backoff: Duration::from_millis(5),
            ..RetryPolicy::default()
        })
        .build()
        .unwrap();
    let mut req = Request::new(Method::GET, "v1/things/t".to_owned());
    req.method_id("test.things.get");
    req.query("access_token", "secret-in-query");
    req.header("x-goog-user-project", "billing");
    client.execute_unit(req).await.unwrap();
    // Bodies are traced, with credential fields redacted.
    let mut req = Request::new(Method::POST, "v1/things".to_owned());
    req.json_body(&serde_json::json!({"name": "n1", "refresh_token": "secret-refresh"}));
    let server_b = Server::start(vec![ok(r#"{"id":"t2","private_key":"secret-pem"}"#)]).await;
    Client::builder(&server_b.base_url)
        .build()
        .unwrap()
        .execute_unit(req)
        .await
        .unwrap();
    // And a transport error, whose message names the URL.
    let err = Client::builder("http://127.0.0.1:9/")
        .api_key("AIza-secret-key")
        .retry_policy(RetryPolicy {
            max_attempts: 2,
            initial_backoff: Duration::from_millis(5),
            ..RetryPolicy::default()
        })
        .build()
        .unwrap()
        .execute_unit(Request::new(Method::GET, "v1/y".to_owned()))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");

    let lines = capture.lines.lock().unwrap().clone();
    let all = lines.join("\n");
    assert!(!all.contains("secret"), "{all}");
    assert!(
        lines.iter().any(|l| l.starts_with("span discogen.call")
            && l.contains("method_id=\"test.things.get\"")
            && l.contains("http.method=GET")
            && l.contains("path=v1/things/t")),
        "{all}"
    );
    assert!(lines.iter().any(|l| l == "record attempt=2"), "{all}");
    assert!(lines.iter().any(|l| l == "record http.status=503"), "{all}");
    assert!(lines.iter().any(|l| l == "record http.status=200"), "{all}");
    assert!(
        lines.iter().any(|l| l.starts_with("record latency_ms=")),
        "{all}"
    );
    assert!(lines.iter().any(|l| l.contains("retrying")), "{all}");
    assert!(
        lines.iter().any(|l| l
            .contains(r#"message=request body body={"name":"n1","refresh_token":"<redacted>"}"#)),
        "{all}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l
                .contains(r#"message=response body body={"id":"t2","private_key":"<redacted>"}"#)),
        "{all}"
    );
    assert!(!all.contains("billing"), "{all}");
}
