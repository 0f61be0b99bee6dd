//! `discogen-telemetry-bench MODE CALLS`: the client time per call, in µs, of `CALLS` calls through a
//! transport that answers at once (no network, no mock bookkeeping), so what is left is the client's own
//! work: headers, retries loop, spans, decoding. MODE: `none` (no subscriber), `registry` (spans kept,
//! nothing written) or `fmt` (every span and DEBUG event formatted, to a sink).

use std::time::Instant;

use discogen_runtime::transport::{Body, HttpRequest, Transport, TransportFuture};
use discogen_runtime::{Client, Method, Request};
use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::layer::SubscriberExt as _;

const OPERATION: &str = r#"{"name":"projects/p/operations/op-1","done":true,"response":{"@type":"type.googleapis.com/google.protobuf.Empty"}}"#;

/// Answers every attempt with a done operation.
#[derive(Debug)]
struct Answer;

impl Transport for Answer {
    fn send(&self, _: HttpRequest) -> TransportFuture {
        Box::pin(async { Ok(http::Response::new(Body::from(OPERATION))) })
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mode = args.next().unwrap_or_else(|| "none".to_owned());
    let calls: u32 = args.next().and_then(|n| n.parse().ok()).unwrap_or(20_000);
    match mode.as_str() {
        "none" => {}
        "registry" => {
            let filter = tracing_subscriber::filter::LevelFilter::DEBUG;
            tracing::subscriber::set_global_default(tracing_subscriber::registry().with(filter))
                .unwrap();
        }
        "fmt" => {
            let subscriber = tracing_subscriber::fmt()
                .with_writer(std::io::sink)
                .with_max_level(tracing::Level::DEBUG)
                .with_span_events(FmtSpan::CLOSE)
                .finish();
            tracing::subscriber::set_global_default(subscriber).unwrap();
        }
        other => panic!("unknown mode {other}"),
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    let client = Client::builder("https://dialogflow.googleapis.com/")
        .bearer_token("t")
        .transport(Answer)
        .build()
        .unwrap();
    let call = || async {
        let mut request = Request::new(Method::GET, "v2/projects/p/operations/op-1".to_owned());
        request.method_id("dialogflow.projects.operations.get");
        let _: serde_json::Value = client.execute(request).await.unwrap();
    };
    runtime.block_on(async {
        for _ in 0..calls / 10 {
            call().await;
        }
        let start = Instant::now();
        for _ in 0..calls {
            call().await;
        }
        let micros = start.elapsed().as_secs_f64() * 1e6 / f64::from(calls);
        println!("{micros:.3}");
    });
}
