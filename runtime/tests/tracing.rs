//! Tracing of calls: a `client_request` span per call and an `http_request` span per attempt with
//! OpenTelemetry's HTTP client attributes, an `lro_wait` span around an operation's polls, a `batch`
//! span around a batch's requests (its method ids, requests and outcomes), a
//! `traceparent` per attempt from the app's `TraceContext`; bodies only at TRACE and redacted; no token
//! or key ever. Each test runs alone (`serial`): `tracing` caches per call site whether anyone
//! listens, so a test of another thread hitting the same call sites first could leave them muted.

mod common;

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{ok, status, Server};
use discogen_emulator::{Emulator, EmulatorConfig, OperationScript};
use discogen_runtime::__private::path;
use discogen_runtime::lro::{LongRunningOperation, OperationsApi, PollPolicy, Poller};
use discogen_runtime::{Client, Error, Method, Request, RetryPolicy, Status, TraceContext};
use serde_json::{json, Value};

/// One span as the subscriber saw it: name, parent, and every field recorded on it.
#[derive(Clone, Debug)]
struct SpanRecord {
    id: u64,
    name: &'static str,
    parent: Option<u64>,
    fields: BTreeMap<String, String>,
}

/// A `tracing` subscriber that keeps every span with its fields, and every event as text.
#[derive(Clone, Default)]
struct Capture {
    spans: Arc<Mutex<Vec<SpanRecord>>>,
    events: Arc<Mutex<Vec<String>>>,
    /// The entered spans of the (single) test thread.
    stack: Arc<Mutex<Vec<u64>>>,
    next_id: Arc<AtomicU64>,
}

impl Capture {
    fn spans(&self) -> Vec<SpanRecord> {
        self.spans.lock().unwrap().clone()
    }

    fn named(&self, name: &str) -> Vec<SpanRecord> {
        self.spans()
            .into_iter()
            .filter(|s| s.name == name)
            .collect()
    }

    /// Everything as text, to search for secrets.
    fn text(&self) -> String {
        let mut all = format!("{:?}", self.spans());
        all.push_str(&self.events.lock().unwrap().join("\n"));
        all
    }
}

/// Field values as text: strings without quotes, numbers and booleans as written.
struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl tracing::field::Visit for Fields<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
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
        let id = self.next_id.fetch_add(1, Ordering::Relaxed) + 1;
        let parent = match attrs.parent() {
            Some(parent) => Some(parent.into_u64()),
            None if attrs.is_contextual() => self.stack.lock().unwrap().last().copied(),
            None => None,
        };
        let mut fields = BTreeMap::new();
        attrs.record(&mut Fields(&mut fields));
        self.spans.lock().unwrap().push(SpanRecord {
            id,
            name: attrs.metadata().name(),
            parent,
            fields,
        });
        tracing::span::Id::from_u64(id)
    }
    fn record(&self, id: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        let mut spans = self.spans.lock().unwrap();
        if let Some(span) = spans.iter_mut().find(|s| s.id == id.into_u64()) {
            values.record(&mut Fields(&mut span.fields));
        }
    }
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        let mut line = format!("event {}", event.metadata().target());
        event.record(&mut Text(&mut line));
        self.events.lock().unwrap().push(line);
    }
    fn enter(&self, id: &tracing::span::Id) {
        self.stack.lock().unwrap().push(id.into_u64());
    }
    fn exit(&self, _: &tracing::span::Id) {
        self.stack.lock().unwrap().pop();
    }
}

/// A subscriber that wants nothing: an app whose filter leaves out this crate's spans.
struct Muted;

impl tracing::Subscriber for Muted {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        false
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, _: &tracing::Event<'_>) {}
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

static SERIAL: Mutex<()> = Mutex::new(());

/// Runs `test` alone, on one thread, with a fresh `Capture` as its subscriber (`Muted` with
/// `listen` false).
fn serial<F: Future>(listen: bool, test: F) -> (F::Output, Capture) {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let capture = Capture::default();
    let _guard = match listen {
        true => tracing::subscriber::set_default(capture.clone()),
        false => tracing::subscriber::set_default(Muted),
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    (runtime.block_on(test), capture)
}

/// A `traceparent` made from the `tracing` span id (an app would take OpenTelemetry's ids).
#[derive(Debug)]
struct SpanIdContext;

impl TraceContext for SpanIdContext {
    fn traceparent(&self, span: &tracing::Span) -> Option<String> {
        let id = span.id()?.into_u64();
        Some(format!("00-{:032x}-{id:016x}-01", 0xabcu64))
    }
}

/// A context whatever the span: only a span that is recorded gets one.
#[derive(Debug)]
struct Fixed;

impl TraceContext for Fixed {
    fn traceparent(&self, _: &tracing::Span) -> Option<String> {
        Some(format!("00-{:032x}-{:016x}-01", 1, 2))
    }
}

fn traceparent_of(span: &SpanRecord) -> String {
    format!("00-{:032x}-{:016x}-01", 0xabcu64, span.id)
}

fn fields(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        initial_backoff: Duration::from_millis(5),
        ..RetryPolicy::default()
    }
}

#[test]
fn a_retried_call_is_one_client_span_with_an_http_span_per_attempt() {
    let ((server, port), capture) = serial(true, async {
        let server = Server::start(vec![status("503 Service Unavailable"), ok("{}")]).await;
        let client = Client::builder("https://test.googleapis.com/")
            .base_url(&server.base_url)
            .api_key("AIza-secret-key")
            .bearer_token("ya29.secret-bearer")
            .retry_policy(fast_retries())
            .trace_context(SpanIdContext)
            .library("dialogflow-v2", "0.4.0+20261106")
            .build()
            .unwrap();
        let mut req = Request::new(Method::GET, "v1/things/t".to_owned());
        req.set_method_id("test.things.get");
        req.query("access_token", "secret-in-query");
        req.header("x-goog-user-project", "billing");
        client.execute_unit(req).await.unwrap();
        let port = reqwest::Url::parse(&server.base_url)
            .unwrap()
            .port()
            .unwrap();
        (server, port.to_string())
    });
    let url = format!("http://127.0.0.1:{port}/v1/things/t?access_token=REDACTED&key=REDACTED");
    let [call] = &capture.named("client_request")[..] else {
        panic!("{:#?}", capture.spans())
    };
    assert_eq!(call.parent, None);
    let common = [
        ("http.request.method", "GET"),
        ("rpc.system.name", "http"),
        ("server.address", "127.0.0.1"),
        ("server.port", port.as_str()),
        ("url.full", url.as_str()),
    ];
    let mut want = fields(&common);
    want.extend(fields(&[
        ("otel.name", "test.things.get"),
        ("otel.kind", "internal"),
        ("rpc.method", "test.things.get"),
        ("rpc.service", "test"),
        ("gcp.client.service", "test"),
        ("gcp.client.repo", "discogen"),
        ("gcp.client.artifact", "dialogflow-v2"),
        ("gcp.client.version", "0.4.0"),
        ("gcp.client.language", "rust"),
        ("http.request.resend_count", "1"),
        ("http.response.status_code", "200"),
    ]));
    assert_eq!(call.fields, want);

    let attempts = capture.named("http_request");
    let [first, second] = &attempts[..] else {
        panic!("{:#?}", capture.spans())
    };
    let mut want = fields(&common);
    want.extend(fields(&[
        ("otel.name", "GET"),
        ("otel.kind", "client"),
        ("http.response.status_code", "503"),
        ("error.type", "503"),
        ("otel.status_code", "ERROR"),
    ]));
    assert_eq!(first.fields, want);
    let mut want = fields(&common);
    want.extend(fields(&[
        ("otel.name", "GET"),
        ("otel.kind", "client"),
        ("http.request.resend_count", "1"),
        ("http.response.status_code", "200"),
    ]));
    assert_eq!(second.fields, want);
    assert_eq!(
        (first.parent, second.parent),
        (Some(call.id), Some(call.id))
    );

    // Each attempt carries its own span's trace context.
    let sent: Vec<_> = server
        .requests()
        .iter()
        .map(|r| r.header("traceparent").map(str::to_owned))
        .collect();
    assert_eq!(
        sent,
        [Some(traceparent_of(first)), Some(traceparent_of(second))]
    );
    // The header names the library at the version the span names.
    for request in server.requests() {
        let api_client = request.header("x-goog-api-client").unwrap_or_default();
        assert!(
            api_client.starts_with("gl-rust/") && api_client.ends_with(" gdcl/0.4.0"),
            "{api_client:?}"
        );
    }
    let all = capture.text();
    assert!(!all.contains("secret") && !all.contains("billing"), "{all}");
    assert!(all.contains("retrying"), "{all}");
}

#[test]
fn spans_left_out_send_no_traceparent() {
    let (server, _) = serial(false, async {
        let server = Server::start(vec![ok("{}")]).await;
        let client = Client::builder(&server.base_url)
            .trace_context(Fixed)
            .build()
            .unwrap();
        let req = Request::new(Method::GET, "v1/x".to_owned());
        client.execute_unit(req).await.unwrap();
        server
    });
    assert_eq!(server.requests()[0].header("traceparent"), None);
}

#[test]
fn failures_and_bodies_are_traced_without_secrets() {
    let ((), capture) = serial(true, async {
        let mut req = Request::new(Method::POST, "v1/things".to_owned());
        req.json_body(&json!({"name": "n1", "refresh_token": "secret-refresh"}));
        let server = Server::start(vec![ok(r#"{"id":"t2","private_key":"secret-pem"}"#)]).await;
        Client::builder(&server.base_url)
            .build()
            .unwrap()
            .execute_unit(req)
            .await
            .unwrap();
        // A transport error, whose message names the URL.
        let err = Client::builder("http://127.0.0.1:9/")
            .api_key("AIza-secret-key")
            .retry_policy(RetryPolicy {
                max_attempts: 2,
                ..fast_retries()
            })
            .build()
            .unwrap()
            .execute_unit(Request::new(Method::GET, "v1/y".to_owned()))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Transport(_)), "{err:?}");
    });
    let all = capture.text();
    assert!(!all.contains("secret"), "{all}");
    assert!(
        all.contains(r#"message=request body body={"name":"n1","refresh_token":"<redacted>"}"#),
        "{all}"
    );
    assert!(
        all.contains(r#"message=response body body={"id":"t2","private_key":"<redacted>"}"#),
        "{all}"
    );
    let failed = capture.named("client_request").pop().unwrap();
    assert_eq!(failed.fields["error.type"], "CLIENT_CONNECTION_ERROR");
    assert_eq!(failed.fields["otel.status_code"], "ERROR");
    assert_eq!(failed.fields["gcp.client.service"], "127");
    assert_eq!(failed.fields["rpc.service"], "127");
    // A client no generated crate named is the runtime's.
    assert_eq!(failed.fields["gcp.client.artifact"], "discogen-runtime");
    assert_eq!(
        failed.fields["gcp.client.version"],
        env!("CARGO_PKG_VERSION")
    );
    assert_eq!(capture.named("http_request").len(), 1 + 2);
}

// An operations service like a generated crate's (Dialogflow: `v2/{+name}`).

#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
struct TestOperation {
    name: Option<String>,
    done: Option<bool>,
}

impl LongRunningOperation for TestOperation {
    fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }
    fn done(&self) -> bool {
        self.done.unwrap_or(false)
    }
    fn error(&self) -> Option<Status> {
        None
    }
    fn metadata(&self) -> Option<&BTreeMap<String, Value>> {
        None
    }
    fn response(&self) -> Option<&BTreeMap<String, Value>> {
        None
    }
}

#[derive(Clone, Debug)]
struct TestApi {
    runtime: Client,
}

impl OperationsApi for TestApi {
    type Operation = TestOperation;

    fn runtime(&self) -> &Client {
        &self.runtime
    }

    fn get_request(&self, name: &str) -> Request {
        let mut request = Request::new(Method::GET, format!("v2/{}", path::reserved(name)));
        request.set_method_id("dialogflow.projects.locations.operations.get");
        request
    }
}

const OP: &str = "projects/p/locations/l/operations/op-1";

#[test]
fn an_operation_wait_is_one_span_around_its_polls() {
    let (emulator, capture) = serial(true, async {
        let emulator = Emulator::start(EmulatorConfig::dialogflow()).await;
        emulator.insert_operation(OP, OperationScript::response(3, json!({})));
        let api = TestApi {
            runtime: Client::builder(&emulator.base_url())
                .trace_context(SpanIdContext)
                .build()
                .unwrap(),
        };
        let policy = PollPolicy {
            initial_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(2),
            jitter: false,
            ..PollPolicy::default()
        };
        let poller = Poller::new(api, OP).with_policy(policy);
        let operation = poller.wait_operation().await.unwrap();
        assert!(operation.done());
        emulator
    });
    let [wait] = &capture.named("lro_wait")[..] else {
        panic!("{:#?}", capture.spans())
    };
    let want = fields(&[
        ("otel.name", "LRO wait"),
        ("otel.kind", "internal"),
        ("gcp.longrunning.name", OP),
        ("gcp.longrunning.poll_attempt_count", "3"),
        ("gcp.longrunning.done", "true"),
    ]);
    assert_eq!(wait.fields, want);
    let polls = capture.named("client_request");
    assert_eq!(polls.len(), 3, "{:#?}", capture.spans());
    let attempts = capture.named("http_request");
    assert_eq!(attempts.len(), 3);
    for (poll, attempt) in polls.iter().zip(&attempts) {
        assert_eq!(poll.parent, Some(wait.id));
        assert_eq!(attempt.parent, Some(poll.id));
        assert_eq!(
            poll.fields["rpc.method"],
            "dialogflow.projects.locations.operations.get"
        );
        assert_eq!(poll.fields["http.response.status_code"], "200");
    }
    // The emulator saw each poll's own trace context.
    let sent: Vec<_> = emulator
        .requests()
        .iter()
        .map(|r| r.header("traceparent").map(str::to_owned))
        .collect();
    let want: Vec<_> = attempts.iter().map(|a| Some(traceparent_of(a))).collect();
    assert_eq!(sent, want);
}

/// A call a batch can carry, as a generated builder is: `GET v1/things/{id}` under `method_id`.
struct Thing {
    id: &'static str,
    method_id: &'static str,
}

impl discogen_runtime::batch::BatchCall for Thing {
    type Client = ();
    type Output = Value;
    type Answer = discogen_runtime::__private::answer::Json;
    fn batch_request(&self) -> Request {
        let mut request = Request::new(Method::GET, format!("v1/things/{}", self.id));
        request.set_method_id(self.method_id);
        request
    }
}

#[test]
fn a_batch_is_one_span_with_its_method_ids_requests_and_outcomes() {
    use discogen_emulator::BatchFault;
    use discogen_runtime::batch::Batch;

    let (results, capture) = serial(true, async {
        let emulator = Emulator::start(EmulatorConfig::default()).await;
        for id in ["a", "c"] {
            emulator.insert_resource(format!("/v1/things/{id}"), json!({ "id": id }));
        }
        // `c` is answered 503 once (sent again in a second request), `d` not at all.
        emulator.inject_batch(BatchFault::PartStatus {
            path_contains: "things/c".to_owned(),
            status: 503,
            times: 1,
        });
        emulator.inject_batch(BatchFault::OmitPart {
            path_contains: "things/d".to_owned(),
        });
        let client = Client::builder(&emulator.base_url())
            .bearer_token("ya29.secret-bearer")
            .retry_policy(fast_retries())
            .build()
            .unwrap();
        let get = |id| Thing {
            id,
            method_id: "test.things.get",
        };
        let mut batch = Batch::<()>::new(client, "/batch/test/v1");
        let handles = batch.add_all([get("a"), get("b"), get("c")]);
        let peek = batch.add(Thing {
            id: "d",
            method_id: "test.things.peek",
        });
        let mut results = batch.send().await;
        let mut oks: Vec<bool> = results
            .take_all(handles)
            .iter()
            .map(Result::is_ok)
            .collect();
        oks.push(results.take(peek).is_ok());
        oks
    });
    assert_eq!(results, [true, false, true, false]);
    let [batch] = &capture.named("batch")[..] else {
        panic!("{:#?}", capture.spans())
    };
    assert_eq!(batch.parent, None);
    assert_eq!(
        batch.fields,
        fields(&[
            ("otel.kind", "internal"),
            ("batch.calls", "4"),
            ("batch.method_ids", "test.things.get,test.things.peek"),
            ("batch.requests", "2"),
            // The last answer of each call: `c`'s 200 after its 503; `d`'s none.
            ("batch.outcomes", "200×2 404×1 error×1"),
        ])
    );
    // Each request is a call inside it, to the batch endpoint.
    let requests = capture.named("client_request");
    assert_eq!(requests.len(), 2, "{requests:#?}");
    for request in &requests {
        assert_eq!(request.parent, Some(batch.id));
        assert_eq!(request.fields["http.request.method"], "POST");
        assert!(
            request.fields["url.full"].ends_with("/batch/test/v1"),
            "{request:#?}"
        );
    }
    assert!(!capture.text().contains("secret"), "{}", capture.text());
}
