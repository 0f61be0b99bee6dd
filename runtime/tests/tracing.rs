//! Tracing of calls: one span per call with method id, path, attempt, status and latency; bodies only at
//! TRACE and redacted; no token or key ever. Alone in its test binary: `tracing` caches per call site
//! whether anyone listens, so a test of another thread hitting the same call sites first could leave
//! them muted for this test's scoped subscriber.

mod common;

use std::fmt::{self, Write as _};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{ok, status, Server};
use discogen_runtime::{Client, Error, Method, Request, RetryPolicy};

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
