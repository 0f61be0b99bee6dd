//! Held under load: concurrent calls through one generated client against the emulator, which answers
//! 5 % of the requests with 503 and resets the connection of 1 %. Every call must succeed or fail with
//! the error its attempts earned (what the emulator recorded decides which), no file descriptor may
//! outlive the client, and memory must stay flat from round to round.
//!
//! `bounded_load_in_ci` is the small version every `cargo test` runs. The full run (10,000 calls, 64
//! tasks) is ignored by default; BENCHMARKS.md has its figures:
//!
//! ```sh
//! cargo test -p integration-tests --test load -- --ignored --nocapture   # alone: it counts the process's fds
//! ```

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use discogen_emulator::{Emulator, EmulatorConfig, FaultKind, OperationScript, RecordedRequest};
use discogen_runtime::{Error, RetryPolicy};
use serde_json::json;

/// Share of requests answered 503, and of requests whose connection is closed unanswered.
const UNAVAILABLE: f64 = 0.05;
const RESET: f64 = 0.01;
/// Attempts of an idempotent call (a `get`); a `cancel` (POST) has one.
const MAX_ATTEMPTS: u32 = 4;

/// How one call ended, as the client reported it.
#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    Ok,
    Api { status: u16, attempts: u32 },
    Transport,
    Other(String),
}

/// What the emulator saw of one call: the fault of each attempt, in order.
fn expected(attempts: &[Option<FaultKind>], idempotent: bool) -> Result<Outcome, String> {
    let limit = if idempotent { MAX_ATTEMPTS } else { 1 };
    let count = u32::try_from(attempts.len()).unwrap();
    let Some(last) = attempts.last() else {
        return Err("no request reached the server".to_owned());
    };
    if attempts[..attempts.len() - 1].iter().any(Option::is_none) {
        return Err(format!("retried after a success: {attempts:?}"));
    }
    match last {
        None if count <= limit => Ok(Outcome::Ok),
        Some(_) if count != limit => Err(format!(
            "stopped after {count} faulted attempt(s) of {limit}: {attempts:?}"
        )),
        Some(FaultKind::Unavailable) => Ok(Outcome::Api {
            status: 503,
            attempts: count,
        }),
        Some(FaultKind::ConnectionReset) => Ok(Outcome::Transport),
        _ => Err(format!("unexpected attempts {attempts:?}")),
    }
}

fn outcome<T>(result: Result<T, Error>) -> Outcome {
    match result {
        Ok(_) => Outcome::Ok,
        Err(Error::Api(e)) => Outcome::Api {
            status: e.status,
            attempts: e.attempts,
        },
        Err(Error::Transport(_)) => Outcome::Transport,
        Err(other) => Outcome::Other(other.to_string()),
    }
}

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count()
}

fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

/// The operation call `i` reads (and, one call in five, cancels).
fn name(i: usize) -> String {
    format!("projects/p/operations/load-{i}")
}

#[derive(Debug, Default)]
struct Figures {
    calls: usize,
    ok: usize,
    failed_503: usize,
    failed_reset: usize,
    requests: usize,
    faulted_503: usize,
    faulted_reset: usize,
    fds_before: usize,
    fds_max_after_round: usize,
    fds_per_round: Vec<usize>,
    fds_after_drop: usize,
    rss_kib_per_round: Vec<u64>,
    elapsed: Duration,
}

/// `calls` calls from `tasks` tasks through one client, in `rounds` rounds; each round's requests are
/// checked against its calls and then dropped, so the emulator holds no more than a round.
async fn run(calls: usize, tasks: usize, rounds: usize) -> Figures {
    let emulator = Emulator::start(EmulatorConfig::dialogflow()).await;
    for i in 0..calls {
        emulator.insert_operation(
            name(i),
            OperationScript::response(
                0,
                json!({"@type": "type.googleapis.com/google.protobuf.Empty"}),
            ),
        );
    }
    emulator.inject_random(FaultKind::Unavailable, UNAVAILABLE);
    emulator.inject_random(FaultKind::ConnectionReset, RESET);
    let mut figures = Figures {
        calls,
        fds_before: open_fds(),
        ..Figures::default()
    };
    let runtime = discogen_runtime::Client::builder(&emulator.base_url())
        .bearer_token("load-token")
        .retry_policy(RetryPolicy {
            max_attempts: MAX_ATTEMPTS,
            initial_backoff: Duration::from_millis(2),
            max_backoff: Duration::from_millis(20),
            ..RetryPolicy::default()
        })
        .build()
        .unwrap();
    let client = dialogflow_v2::Client::new(runtime);
    let start = Instant::now();
    let per_round = calls.div_ceil(rounds);
    for round in 0..rounds {
        let range = round * per_round..((round + 1) * per_round).min(calls);
        let outcomes = Arc::new(Mutex::new(BTreeMap::new()));
        let next = Arc::new(AtomicUsize::new(range.start));
        let workers: Vec<_> = (0..tasks)
            .map(|_| {
                let (client, next, outcomes, end) =
                    (client.clone(), next.clone(), outcomes.clone(), range.end);
                tokio::spawn(async move {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= end {
                            break;
                        }
                        let operations = client.projects().operations();
                        let result = if i % 5 == 0 {
                            outcome(operations.cancel(name(i)).send().await)
                        } else {
                            match operations.get(name(i)).send().await {
                                Ok(op)
                                    if op.name.as_deref() != Some(&name(i))
                                        || op.done != Some(true) =>
                                {
                                    Outcome::Other(format!("wrong operation {op:?}"))
                                }
                                result => outcome(result),
                            }
                        };
                        outcomes.lock().unwrap().insert(i, result);
                    }
                })
            })
            .collect();
        for worker in workers {
            worker.await.unwrap();
        }
        let outcomes = std::mem::take(&mut *outcomes.lock().unwrap());
        check_round(&emulator.take_requests(), &outcomes, &mut figures);
        let fds = open_fds();
        figures.fds_max_after_round = figures.fds_max_after_round.max(fds);
        figures.fds_per_round.push(fds);
        figures.rss_kib_per_round.push(rss_kib());
    }
    figures.elapsed = start.elapsed();
    drop(client);
    // The server side of each connection closes once it sees the client's side close.
    let deadline = Instant::now() + Duration::from_secs(5);
    while open_fds() > figures.fds_before && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    figures.fds_after_drop = open_fds();
    figures
}

/// Every call of the round ended as its recorded attempts say it must.
fn check_round(
    requests: &[RecordedRequest],
    outcomes: &BTreeMap<usize, Outcome>,
    figures: &mut Figures,
) {
    let mut attempts: BTreeMap<String, Vec<Option<FaultKind>>> = BTreeMap::new();
    for request in requests {
        attempts
            .entry(format!("{} {}", request.method, request.path))
            .or_default()
            .push(request.fault.clone());
        match request.fault {
            Some(FaultKind::Unavailable) => figures.faulted_503 += 1,
            Some(FaultKind::ConnectionReset) => figures.faulted_reset += 1,
            _ => {}
        }
    }
    figures.requests += requests.len();
    let mut expected_keys = 0;
    for (&i, got) in outcomes {
        let cancel = i % 5 == 0;
        let key = if cancel {
            format!("POST /v2/{}:cancel", name(i))
        } else {
            format!("GET /v2/{}", name(i))
        };
        expected_keys += 1;
        let seen = attempts.get(&key).map(Vec::as_slice).unwrap_or_default();
        let want = expected(seen, !cancel).unwrap_or_else(|e| panic!("call {i} ({key}): {e}"));
        assert_eq!(got, &want, "call {i} ({key}): attempts {seen:?}");
        match got {
            Outcome::Ok => figures.ok += 1,
            Outcome::Api { .. } => figures.failed_503 += 1,
            _ => figures.failed_reset += 1,
        }
    }
    assert_eq!(
        attempts.len(),
        expected_keys,
        "requests that belong to no call"
    );
}

/// Flat: from the middle round to the last (connections, buffers and the allocator warmed up by then),
/// RSS grows by less than 1 MiB in all: under 700 bytes a call for the bounded run. A leak grows RSS
/// round after round, so growth past that which stopped in the last quarter (under half as much there,
/// as a leak would add) is an allocator's one-off step, seen on a loaded machine, not a leak.
fn assert_flat(figures: &Figures) {
    let rss = &figures.rss_kib_per_round;
    let last = *rss.last().unwrap();
    let growth = last.saturating_sub(rss[rss.len() / 2 - 1]);
    let late = last.saturating_sub(rss[rss.len() * 3 / 4 - 1]);
    assert!(
        growth < 1024 || late < 512,
        "RSS grew by {growth} KiB in the second half of the run, {late} KiB in its last quarter: {rss:?}"
    );
}

fn assert_held(figures: &Figures, tasks: usize) {
    assert_eq!(
        figures.ok + figures.failed_503 + figures.failed_reset,
        figures.calls
    );
    assert!(
        figures.faulted_503 > 0 && figures.faulted_reset > 0,
        "no faults injected: {figures:?}"
    );
    assert_eq!(
        figures.fds_after_drop, figures.fds_before,
        "file descriptors leaked: {figures:?}"
    );
    // Both sides of each pooled connection. The pool may hold more connections than tasks: a request that
    // starts a connect takes whichever comes first, a new connection or one freed meanwhile, and pools the
    // other. Bounded, not growing: the per-round figures show it, and dropping the client closes all.
    assert!(
        figures.fds_max_after_round <= figures.fds_before + 4 * tasks + 8,
        "connections pile up: {figures:?}"
    );
}

fn report(figures: &Figures) {
    let calls = figures.calls as f64;
    println!(
        "{} calls in {:.2} s ({:.0} calls/s); ok {}, failed 503 {}, failed reset {}; {} requests, \
         {} answered 503 ({:.1} %), {} reset ({:.1} %); fds before {}, after each round {:?}, after drop {}; \
         RSS per round (KiB) {:?}",
        figures.calls,
        figures.elapsed.as_secs_f64(),
        calls / figures.elapsed.as_secs_f64(),
        figures.ok,
        figures.failed_503,
        figures.failed_reset,
        figures.requests,
        figures.faulted_503,
        100.0 * figures.faulted_503 as f64 / figures.requests as f64,
        figures.faulted_reset,
        100.0 * figures.faulted_reset as f64 / figures.requests as f64,
        figures.fds_before,
        figures.fds_per_round,
        figures.fds_after_drop,
        figures.rss_kib_per_round,
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bounded_load_in_ci() {
    let figures = run(3_200, 64, 8).await;
    report(&figures);
    assert_held(&figures, 64);
    assert_flat(&figures);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "the full run for BENCHMARKS.md: cargo test -p integration-tests --test load -- --ignored --nocapture"]
async fn ten_thousand_calls_from_64_tasks() {
    let figures = run(10_000, 64, 10).await;
    report(&figures);
    assert_held(&figures, 64);
    assert_flat(&figures);
}
