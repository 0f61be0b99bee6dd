//! `bash bench/batch.sh`: 100 `files.get` through the Drive v3 client against the loopback emulator, as
//! one batch, as 100 sequential calls and as 100 concurrent calls: wall time, bytes on the wire (request
//! heads and bodies, response bodies, counted by a transport around reqwest's) and the client thread's
//! CPU time (the emulator runs on another thread; Linux `/proc/thread-self/stat`). Ignored in `cargo test`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use discogen_emulator::{Emulator, EmulatorConfig};
use discogen_runtime::transport::{
    Body, HttpRequest, ReqwestTransport, Transport, TransportFuture,
};
use serde_json::json;

#[derive(Debug)]
struct Counting {
    inner: ReqwestTransport,
    bytes: Arc<AtomicU64>,
}

impl Transport for Counting {
    fn send(&self, request: HttpRequest) -> TransportFuture {
        let bytes = self.bytes.clone();
        let (parts, body) = request.into_parts();
        let head: usize = parts.uri.to_string().len()
            + parts
                .headers
                .iter()
                .map(|(n, v)| n.as_str().len() + v.len() + 4)
                .sum::<usize>();
        let inner = self.inner.clone();
        Box::pin(async move {
            let body = body.bytes().await?;
            bytes.fetch_add((head + body.len()) as u64, Ordering::Relaxed);
            let response = inner
                .send(http::Request::from_parts(parts, Body::from(body)))
                .await?;
            let (parts, body) = response.into_parts();
            let body = body.bytes().await?;
            let head: usize = parts
                .headers
                .iter()
                .map(|(n, v)| n.as_str().len() + v.len() + 4)
                .sum();
            bytes.fetch_add((head + body.len()) as u64, Ordering::Relaxed);
            Ok(http::Response::from_parts(parts, Body::from(body)))
        })
    }
}

/// This thread's user + system CPU time in clock ticks.
fn thread_cpu_ticks() -> u64 {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect();
    let field = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    field(11) + field(12)
}

#[test]
#[ignore]
fn bench_batch_vs_single_calls() {
    let (tx, rx) = std::sync::mpsc::channel();
    let (stop_tx, stop_rx) = std::sync::mpsc::channel::<()>();
    let server = std::thread::spawn(move || {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async {
            let emulator = Emulator::start(EmulatorConfig::default()).await;
            for i in 0..100 {
                emulator.insert_resource(
                    format!("/drive/v3/files/f{i}"),
                    json!({"kind": "drive#file", "id": format!("f{i}"), "name": format!("f{i}.txt"), "mimeType": "text/plain"}),
                );
            }
            tx.send(emulator.base_url()).unwrap();
            tokio::task::spawn_blocking(move || stop_rx.recv()).await.ok();
            drop(emulator);
        });
    });
    let base = rx.recv().unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let ids: Vec<String> = (0..100).map(|i| format!("f{i}")).collect();
    // Building a runtime client installs rustls' provider, which a bare reqwest client needs.
    discogen_runtime::Client::builder(&base).build().unwrap();
    let bytes = Arc::new(AtomicU64::new(0));
    let client = media_drive_v3::Client::new(
        discogen_runtime::Client::builder(&format!("{base}drive/v3/"))
            .bearer_token("t")
            .transport(Counting {
                inner: ReqwestTransport::new(reqwest::Client::new()),
                bytes: bytes.clone(),
            })
            .build()
            .unwrap(),
    );
    let rounds = 20;
    let mut report = Vec::new();
    for kind in ["batch", "sequential", "concurrent"] {
        rt.block_on(async {
            // Warm up the connections.
            let _ = client.files().get("f0").send().await;
            bytes.store(0, Ordering::Relaxed);
            let cpu = thread_cpu_ticks();
            let start = Instant::now();
            for _ in 0..rounds {
                let files = client.files();
                let ok = match kind {
                    "batch" => client.batch().send_all(ids.iter().map(|id| files.get(id))).await.iter().filter(|r| r.is_ok()).count(),
                    "sequential" => {
                        let mut ok = 0;
                        for id in &ids {
                            ok += usize::from(files.get(id).send().await.is_ok());
                        }
                        ok
                    }
                    _ => futures_util::future::join_all(ids.iter().map(|id| files.get(id).send())).await.iter().filter(|r| r.is_ok()).count(),
                };
                assert_eq!(ok, 100, "{kind}");
            }
            let wall = start.elapsed() / rounds;
            let ticks = thread_cpu_ticks() - cpu;
            let cpu_per_call_us = ticks as f64 * 10_000.0 / f64::from(rounds) / 100.0;
            let wire = bytes.load(Ordering::Relaxed) / u64::from(rounds);
            report.push(format!("{kind:<10} wall {wall:>10.2?} per 100 calls, {wire:>7} bytes on the wire, client CPU {cpu_per_call_us:.1} µs per call"));
        });
    }
    stop_tx.send(()).unwrap();
    server.join().unwrap();
    for line in report {
        println!("{line}");
    }
}
