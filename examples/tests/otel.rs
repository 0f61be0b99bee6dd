//! The README's OpenTelemetry wiring against the emulator: each attempt's `traceparent` is in the trace
//! of the app's span and names that attempt's own span.

use std::time::Duration;

use dialogflow_v2::{Client, RetryPolicy};
use discogen_emulator::{Emulator, EmulatorConfig, Fault, OperationScript};
use opentelemetry::trace::{TraceContextExt as _, TracerProvider as _};
use serde_json::json;
use tracing::Instrument as _;
use tracing_opentelemetry::OpenTelemetrySpanExt as _;
use tracing_subscriber::layer::SubscriberExt as _;

/// As in the README.
#[derive(Debug)]
struct Otel;

impl dialogflow_v2::telemetry::TraceContext for Otel {
    fn traceparent(&self, span: &tracing::Span) -> Option<String> {
        let context = span.context();
        let span = context.span();
        let ids = span.span_context();
        let flags = ids.trace_flags().to_u8();
        ids.is_valid()
            .then(|| format!("00-{}-{}-{flags:02x}", ids.trace_id(), ids.span_id()))
    }
}

const OP: &str = "projects/p/operations/op-1";

#[tokio::test]
async fn each_attempt_propagates_its_span_in_the_apps_trace() {
    let provider = opentelemetry_sdk::trace::SdkTracerProvider::builder().build();
    let layer = tracing_opentelemetry::layer().with_tracer(provider.tracer("test"));
    let _guard = tracing::subscriber::set_default(tracing_subscriber::registry().with(layer));

    let emulator = Emulator::start(EmulatorConfig::dialogflow()).await;
    emulator.insert_operation(OP, OperationScript::response(1, json!({})));
    emulator.inject(Fault::unavailable().times(1));
    let client = Client::builder()
        .base_url(emulator.base_url())
        .retry_policy(RetryPolicy {
            initial_backoff: Duration::from_millis(1),
            ..RetryPolicy::default()
        })
        .trace_context(Otel)
        .build()
        .unwrap();
    let app = tracing::info_span!("app");
    let trace_id = app.context().span().span_context().trace_id().to_string();
    let get = client.projects().operations().get(OP).send();
    get.instrument(app.clone()).await.unwrap();

    let sent: Vec<String> = emulator
        .requests()
        .iter()
        .map(|r| r.header("traceparent").unwrap().to_owned())
        .collect();
    assert_eq!(sent.len(), 2, "{sent:?}");
    let app_span = app.context().span().span_context().span_id().to_string();
    for traceparent in &sent {
        let parts: Vec<&str> = traceparent.split('-').collect();
        assert_eq!(parts.len(), 4, "{traceparent}");
        assert_eq!(
            (parts[0], parts[1], parts[3]),
            ("00", trace_id.as_str(), "01")
        );
        assert_ne!(parts[2], app_span);
    }
    assert_ne!(sent[0], sent[1], "each attempt is its own span");
}
