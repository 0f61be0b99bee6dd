//! One `operations.get` round trip on 127.0.0.1, keep-alive, against the same emulator:
//! - `ours`: the generated `dialogflow-v2` client;
//! - `floor`: a hand-written reqwest GET + serde_json decode into our `GoogleLongrunningOperation` (the
//!   same HTTP stack as ours with nothing around it);
//! - `peer`: `google-dialogflow2` 6.0.0 over a plain-HTTP hyper-util legacy client;
//! - `ours_mocked`: the generated client with the `testing` feature's mock as its transport, answering the
//!   same body in process (what a mocked call in an app's test costs).
//!
//! The clients run on a current-thread tokio runtime; the emulator on a runtime of its own thread.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use discogen_bench::{Server, OPERATION_NAME};
use google_apis_common as common;
use hyper_util::client::legacy::connect::HttpConnector;

fn roundtrip(c: &mut Criterion) {
    let server = Server::start();
    let base_url = server.base_url();
    let url = server.operation_url();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime");

    // Plain bodies for ours and the floor alike (the peer asks for no compression either): the figure is
    // the HTTP path, not the emulator's gzip (wire_bytes measures that).
    let plain = || {
        discogen_runtime::transport::ReqwestTransport::client_builder()
            .no_gzip()
            .build()
            .expect("reqwest client")
    };
    let ours = dialogflow_v2::Client::builder()
        .base_url(base_url.clone())
        .http_client(plain())
        .build()
        .expect("our client");
    let floor = plain();

    let mock = discogen_runtime::testing::Mock::new();
    let body: serde_json::Value =
        serde_json::from_slice(&discogen_bench::operation_body()).expect("JSON");
    mock.on_http(
        discogen_runtime::Method::GET,
        &format!("/v2/{OPERATION_NAME}"),
    )
    .returns(body);
    let mocked = dialogflow_v2::Client::builder()
        .transport(mock.transport())
        .build()
        .expect("our mocked client");
    let user_agent = "bench-floor/1";

    let mut connector = HttpConnector::new();
    connector.set_nodelay(true); // as reqwest does by default
    let http: common::Client<HttpConnector> =
        hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
            .build(connector);
    let mut peer = google_dialogflow2::Dialogflow::new(http, common::NoToken);
    peer.base_url(base_url.clone());
    peer.root_url(base_url.clone());

    // All must get the same operation before anything is timed.
    rt.block_on(async {
        let a = ours
            .projects()
            .locations()
            .operations()
            .get(OPERATION_NAME)
            .send()
            .await
            .expect("ours");
        let b = floor_get(&floor, &url, user_agent).await;
        let (_, c) = peer
            .projects()
            .locations_operations_get(OPERATION_NAME)
            .doit()
            .await
            .expect("peer");
        let d = mocked
            .projects()
            .locations()
            .operations()
            .get(OPERATION_NAME)
            .send()
            .await
            .expect("mocked");
        assert_eq!(a, b);
        assert_eq!(a, d);
        assert_eq!(a.name.as_deref(), Some(OPERATION_NAME));
        assert_eq!(c.name.as_deref(), Some(OPERATION_NAME));
        assert_eq!(
            a.response.as_ref().map(|r| r.len()),
            c.response.as_ref().map(|r| r.len())
        );
        assert_eq!(
            a.metadata.as_ref().map(|r| r.len()),
            c.metadata.as_ref().map(|r| r.len())
        );
    });

    let mut group = c.benchmark_group("roundtrip");
    group
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(6))
        .sample_size(60);

    group.bench_function("floor", |b| {
        b.to_async(&rt).iter_custom(|iters| {
            server.clear_requests();
            let (floor, url) = (&floor, &url);
            async move {
                let start = Instant::now();
                for _ in 0..iters {
                    black_box(floor_get(floor, url, user_agent).await);
                }
                start.elapsed()
            }
        })
    });

    group.bench_function("ours", |b| {
        b.to_async(&rt).iter_custom(|iters| {
            server.clear_requests();
            let ours = &ours;
            async move {
                let start = Instant::now();
                for _ in 0..iters {
                    let op = ours
                        .projects()
                        .locations()
                        .operations()
                        .get(OPERATION_NAME)
                        .send()
                        .await
                        .expect("ours");
                    black_box(op);
                }
                start.elapsed()
            }
        })
    });

    group.bench_function("ours_mocked", |b| {
        b.to_async(&rt).iter_custom(|iters| {
            let mocked = &mocked;
            async move {
                let start = Instant::now();
                for _ in 0..iters {
                    let op = mocked
                        .projects()
                        .locations()
                        .operations()
                        .get(OPERATION_NAME)
                        .send()
                        .await
                        .expect("mocked");
                    black_box(op);
                }
                start.elapsed()
            }
        })
    });

    group.bench_function("peer", |b| {
        b.to_async(&rt).iter_custom(|iters| {
            server.clear_requests();
            let peer = &peer;
            async move {
                let start = Instant::now();
                for _ in 0..iters {
                    let op = peer
                        .projects()
                        .locations_operations_get(OPERATION_NAME)
                        .doit()
                        .await
                        .expect("peer");
                    black_box(op);
                }
                start.elapsed()
            }
        })
    });
    group.finish();

    // Paired: the three clients take turns in batches, so that load from other work on the machine hits
    // all of them alike; the ratios of each round's batches are what BENCHMARKS.md reports.
    let (rounds, batch) = (150, 100);
    let mut floor_ours = Vec::new();
    let mut peer_ours = Vec::new();
    let mut per_call = [Vec::new(), Vec::new(), Vec::new()];
    let mut cpu_per_call = [Vec::new(), Vec::new(), Vec::new()];
    rt.block_on(async {
        for round in 0..rounds {
            let mut t = [Duration::ZERO; 3];
            let mut cpu = [Duration::ZERO; 3];
            for k in 0..3 {
                let which = (round + k) % 3; // rotate who goes first
                server.clear_requests();
                let start = Instant::now();
                let cpu_start = thread_cpu_time();
                for _ in 0..batch {
                    match which {
                        0 => drop(black_box(floor_get(&floor, &url, user_agent).await)),
                        1 => drop(black_box(
                            ours.projects()
                                .locations()
                                .operations()
                                .get(OPERATION_NAME)
                                .send()
                                .await
                                .expect("ours"),
                        )),
                        _ => drop(black_box(
                            peer.projects()
                                .locations_operations_get(OPERATION_NAME)
                                .doit()
                                .await
                                .expect("peer"),
                        )),
                    }
                }
                t[which] = start.elapsed();
                cpu[which] = thread_cpu_time() - cpu_start;
            }
            floor_ours.push(t[0].as_secs_f64() / t[1].as_secs_f64());
            peer_ours.push(t[2].as_secs_f64() / t[1].as_secs_f64());
            for k in 0..3 {
                per_call[k].push(t[k].as_secs_f64() * 1e9 / batch as f64);
                cpu_per_call[k].push(cpu[k].as_secs_f64() * 1e9 / batch as f64);
            }
        }
    });
    let report = format!(
        "rounds {rounds}\nbatch {batch}\nfloor_over_ours {}\npeer_over_ours {}\nfloor_ns {}\nours_ns {}\npeer_ns {}\nfloor_cpu_ns {}\nours_cpu_ns {}\npeer_cpu_ns {}\n",
        quartiles(&mut floor_ours),
        quartiles(&mut peer_ours),
        quartiles(&mut per_call[0]),
        quartiles(&mut per_call[1]),
        quartiles(&mut per_call[2]),
        quartiles(&mut cpu_per_call[0]),
        quartiles(&mut cpu_per_call[1]),
        quartiles(&mut cpu_per_call[2]),
    );
    println!("paired round trips ({rounds} rounds of {batch} calls each):\n{report}");
    if let Ok(dir) = std::env::var("BENCH_RESULTS") {
        std::fs::write(
            std::path::Path::new(&dir).join("roundtrip-paired.txt"),
            report,
        )
        .expect("write");
    }
    drop(server);
}

/// CPU time of the calling thread: the client's own work (the runtime is current-thread, so every task
/// of the client, connection tasks included, runs on it).
fn thread_cpu_time() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes into the timespec we own.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime");
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// `median q1 q3` of the values.
fn quartiles(values: &mut [f64]) -> String {
    values.sort_by(f64::total_cmp);
    let at = |q: f64| values[((values.len() - 1) as f64 * q).round() as usize];
    format!("{:.4} {:.4} {:.4}", at(0.5), at(0.25), at(0.75))
}

/// The floor: the same request (Accept, User-Agent) and decode, by hand.
async fn floor_get(
    client: &reqwest::Client,
    url: &str,
    user_agent: &str,
) -> dialogflow_v2::schemas::GoogleLongrunningOperation {
    let response = client
        .get(url)
        .header(reqwest::header::ACCEPT, "application/json")
        .header(reqwest::header::USER_AGENT, user_agent)
        .send()
        .await
        .expect("floor send");
    assert!(response.status().is_success());
    let bytes = response.bytes().await.expect("floor body");
    serde_json::from_slice(&bytes).expect("floor decode")
}

criterion_group!(benches, roundtrip);
criterion_main!(benches);
