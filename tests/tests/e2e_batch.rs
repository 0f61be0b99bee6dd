//! Batches through clients generated from the real Drive v3 and Cloud Storage v1 documents
//! (`tests/media-apis/`), against the emulator's batch endpoint over loopback: the exact outer request
//! (headers, multipart framing, each inner request line, headers and body), typed results in order,
//! mixed outcomes, parts answered 401 sent again after the credentials are asked again, parts answered
//! 503 sent again by the call's policy, responses that miss, duplicate or reorder parts or are cut
//! short, 250 calls in three requests, and the requests of a split batch at most `concurrency` at
//! once.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::sync::Arc;

use discogen_emulator::{BatchFault, Emulator, EmulatorConfig, Fault, FaultKind, RecordedRequest};
use discogen_runtime::auth::TokenProvider;
use discogen_runtime::transport::{HttpRequest, ReqwestTransport, Transport, TransportFuture};
use discogen_runtime::{BatchErrorKind, CallOptions, Code, Error, RetryPolicy};
use media_drive_v3::StandardParameters as _;
use serde_json::json;

fn quick_retries() -> RetryPolicy {
    RetryPolicy {
        initial_backoff: std::time::Duration::from_millis(1),
        jitter: false,
        ..Default::default()
    }
}

fn drive(emulator: &Emulator) -> media_drive_v3::Client {
    media_drive_v3::Client::new(
        discogen_runtime::Client::builder(&format!("{}drive/v3/", emulator.base_url()))
            .bearer_token("test-token")
            .retry_policy(quick_retries())
            .build()
            .unwrap(),
    )
}

async fn emulator_with_files(ids: &[&str]) -> Emulator {
    let emulator = Emulator::start(EmulatorConfig::default()).await;
    for id in ids {
        emulator.insert_resource(
            format!("/drive/v3/files/{id}"),
            json!({"kind": "drive#file", "id": id, "name": format!("{id}.txt")}),
        );
    }
    emulator
}

/// The batch requests the emulator received.
fn batches(emulator: &Emulator) -> Vec<RecordedRequest> {
    emulator
        .requests()
        .into_iter()
        .filter(|r| r.path.starts_with("/batch"))
        .collect()
}

/// The inner request lines of a batch request, in order.
fn request_lines(batch: &RecordedRequest) -> Vec<String> {
    String::from_utf8_lossy(&batch.body)
        .lines()
        .filter(|l| l.ends_with(" HTTP/1.1"))
        .map(str::to_owned)
        .collect()
}

fn api_status(result: &Result<media_drive_v3::schemas::File, Error>) -> Option<(u16, Code)> {
    match result {
        Err(error @ Error::Api(api)) => Some((api.status, error.rpc_status()?.code)),
        _ => None,
    }
}

fn batch_kind<T>(result: &Result<T, Error>) -> Option<BatchErrorKind> {
    match result {
        Err(Error::Batch(e)) => Some(e.kind()),
        _ => None,
    }
}

fn file_id(result: &Result<media_drive_v3::schemas::File, Error>) -> Option<&str> {
    result.as_ref().ok()?.id.as_deref()
}

#[tokio::test]
async fn the_outer_request_is_googles_batch_format() {
    let emulator = emulator_with_files(&["a", "b"]).await;
    let client = drive(&emulator);
    let files = client.files();
    let mut batch = client.batch();
    let a = batch.add(files.get("a"));
    let b = batch.add(files.get("b").fields("id,name"));
    let c = batch.add(
        files
            .update(
                "c",
                media_drive_v3::schemas::File::default().with_name("c.txt"),
            )
            .with_header("If-Match", "\"e1\""),
    );
    let mut results = batch.send().await;
    assert_eq!(file_id(&results.take(a)), Some("a"));
    assert_eq!(file_id(&results.take(b)), Some("b"));
    assert_eq!(api_status(&results.take(c)), Some((404, Code::NotFound)));

    let sent = batches(&emulator);
    assert_eq!(sent.len(), 1);
    let outer = &sent[0];
    assert_eq!(
        (outer.method.as_str(), outer.path.as_str()),
        ("POST", "/batch/drive/v3")
    );
    assert!(outer.query.is_empty());
    assert_eq!(outer.header("authorization"), Some("Bearer test-token"));
    let content_type = outer.header("content-type").unwrap();
    let boundary = content_type
        .strip_prefix("multipart/mixed; boundary=")
        .expect(content_type);
    let body = String::from_utf8(outer.body.clone()).unwrap();
    let base = body
        .split("Content-ID: <")
        .nth(1)
        .and_then(|rest| rest.split('+').next())
        .unwrap();
    let part = |n: usize, inner: &str| {
        format!(
            "--{boundary}\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\
             Content-ID: <{base}+{n}>\r\n\r\n{inner}\r\n"
        )
    };
    let expected = [
        part(1, "GET /drive/v3/files/a HTTP/1.1\r\n\r\n"),
        part(2, "GET /drive/v3/files/b?fields=id%2Cname HTTP/1.1\r\n\r\n"),
        part(
            3,
            "PATCH /drive/v3/files/c HTTP/1.1\r\nContent-Type: application/json\r\n\
             Content-Length: 16\r\nIf-Match: \"e1\"\r\n\r\n{\"name\":\"c.txt\"}",
        ),
        format!("--{boundary}--\r\n"),
    ]
    .concat();
    assert_eq!(body, expected);
    assert_eq!(
        outer.header("content-length"),
        Some(expected.len().to_string().as_str())
    );
    // Credentials on the outer request only.
    assert!(!body.to_ascii_lowercase().contains("authorization"));
}

#[tokio::test]
async fn mixed_outcomes_are_typed_and_in_order() {
    let emulator = emulator_with_files(&["a", "b", "d"]).await;
    emulator.inject_batch(BatchFault::PartStatus {
        path_contains: "files/d".to_owned(),
        status: 403,
        times: 1,
    });
    let client = drive(&emulator);
    let files = client.files();
    let results = client
        .batch()
        .send_all(["a", "b", "c", "d"].map(|id| files.get(id)))
        .await;
    assert_eq!(results.len(), 4);
    assert_eq!(file_id(&results[0]), Some("a"));
    assert_eq!(results[1].as_ref().unwrap().name.as_deref(), Some("b.txt"));
    assert_eq!(api_status(&results[2]), Some((404, Code::NotFound)));
    assert_eq!(api_status(&results[3]), Some((403, Code::PermissionDenied)));
    assert_eq!(batches(&emulator).len(), 1);

    // Handles of one batch and of calls of several kinds.
    let mut batch = client.batch();
    let got = batch.add(files.get("a"));
    let listed = batch.add(files.list().page_size(3));
    let mut results = batch.send().await;
    assert_eq!(file_id(&results.take(got)), Some("a"));
    assert_eq!(
        api_status(&results.take(listed).map(|_| Default::default())),
        Some((404, Code::NotFound))
    );
}

#[tokio::test]
async fn a_handle_of_another_batch_is_an_error() {
    let emulator = emulator_with_files(&["a"]).await;
    let client = drive(&emulator);
    let mut first = client.batch();
    let handle = first.add(client.files().get("a"));
    let mut second = client.batch();
    let _ = second.add(client.files().get("a"));
    let mut results = second.send().await;
    assert_eq!(
        batch_kind(&results.take(handle)),
        Some(BatchErrorKind::ForeignHandle)
    );
}

/// Tokens `t1`, `t2`, ...: a new one each time the client asks.
#[derive(Debug, Default)]
struct Counting(AtomicU32);

impl TokenProvider for Counting {
    fn token(&self) -> Pin<Box<dyn Future<Output = discogen_runtime::Result<String>> + Send + '_>> {
        let n = self.0.fetch_add(1, Ordering::SeqCst) + 1;
        Box::pin(async move { Ok(format!("t{n}")) })
    }
}

#[tokio::test]
async fn parts_answered_401_are_sent_again_after_asking_the_credentials_again() {
    let emulator = emulator_with_files(&["a", "b", "c"]).await;
    emulator.inject_batch(BatchFault::PartStatus {
        path_contains: "files/b".to_owned(),
        status: 401,
        times: 1,
    });
    let tokens = Arc::new(Counting::default());
    let client = media_drive_v3::Client::new(
        discogen_runtime::Client::builder(&format!("{}drive/v3/", emulator.base_url()))
            .token_provider(tokens.clone())
            .retry_policy(quick_retries())
            .build()
            .unwrap(),
    );
    let files = client.files();
    let results = client
        .batch()
        .send_all(["a", "b", "c"].map(|id| files.get(id)))
        .await;
    let ids: Vec<_> = results.iter().map(file_id).collect();
    assert_eq!(ids, [Some("a"), Some("b"), Some("c")]);
    let sent = batches(&emulator);
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0].header("authorization"), Some("Bearer t1"));
    assert_eq!(sent[1].header("authorization"), Some("Bearer t2"));
    assert_eq!(request_lines(&sent[1]), ["GET /drive/v3/files/b HTTP/1.1"]);

    // Answered 401 again: sent once more only, then the 401 is the call's error.
    emulator.clear_requests();
    emulator.inject_batch(BatchFault::PartStatus {
        path_contains: "files/b".to_owned(),
        status: 401,
        times: 5,
    });
    let results = client
        .batch()
        .send_all(["a", "b"].map(|id| files.get(id)))
        .await;
    assert_eq!(file_id(&results[0]), Some("a"));
    assert_eq!(api_status(&results[1]), Some((401, Code::Unauthenticated)));
    assert_eq!(batches(&emulator).len(), 2);
}

#[tokio::test]
async fn parts_answered_503_are_retried_by_the_calls_policy() {
    let emulator = emulator_with_files(&["a", "b"]).await;
    emulator.inject_batch(BatchFault::PartStatus {
        path_contains: "files/b".to_owned(),
        status: 503,
        times: 2,
    });
    let client = drive(&emulator);
    let files = client.files();
    let results = client
        .batch()
        .send_all(["a", "b"].map(|id| files.get(id)))
        .await;
    assert_eq!(file_id(&results[1]), Some("b"));
    let sent = batches(&emulator);
    assert_eq!(sent.len(), 3);
    assert_eq!(request_lines(&sent[2]), ["GET /drive/v3/files/b HTTP/1.1"]);

    // Always 503: the call's own policy (two attempts) decides.
    emulator.clear_requests();
    emulator.inject_batch(BatchFault::PartStatus {
        path_contains: "files/b".to_owned(),
        status: 503,
        times: 10,
    });
    let two = RetryPolicy {
        max_attempts: 2,
        ..quick_retries()
    };
    let results = client
        .batch()
        .send_all([files.get("a"), files.get("b").with_retry_policy(two)])
        .await;
    assert_eq!(file_id(&results[0]), Some("a"));
    let error = results[1].as_ref().unwrap_err();
    assert_eq!(api_status(&results[1]), Some((503, Code::Unavailable)));
    assert_eq!(error.attempts(), Some(2));
    assert_eq!(batches(&emulator).len(), 2);
}

#[tokio::test]
async fn a_part_left_out_duplicated_or_unknown_is_that_calls_error() {
    let emulator = emulator_with_files(&["a", "b", "c"]).await;
    let client = drive(&emulator);
    let files = client.files();
    let get_all = || {
        client
            .batch()
            .send_all(["a", "b", "c"].map(|id| files.get(id)))
    };
    for (fault, kind) in [
        (
            BatchFault::OmitPart {
                path_contains: "files/b".to_owned(),
            },
            BatchErrorKind::Unanswered,
        ),
        (
            BatchFault::DuplicatePart {
                path_contains: "files/b".to_owned(),
            },
            BatchErrorKind::DuplicateAnswer,
        ),
        (
            BatchFault::UnknownId {
                path_contains: "files/b".to_owned(),
            },
            BatchErrorKind::UnknownAnswer,
        ),
    ] {
        emulator.clear_requests();
        emulator.inject_batch(fault.clone());
        let results = get_all().await;
        assert_eq!(file_id(&results[0]), Some("a"), "{fault:?}");
        assert_eq!(batch_kind(&results[1]), Some(kind), "{fault:?}");
        assert_eq!(file_id(&results[2]), Some("c"), "{fault:?}");
        // Not sent again: the server may have done it.
        assert_eq!(batches(&emulator).len(), 1, "{fault:?}");
    }
}

#[tokio::test]
async fn parts_in_another_order_are_matched_by_content_id() {
    let emulator = emulator_with_files(&["a", "b", "c"]).await;
    emulator.inject_batch(BatchFault::Reverse);
    let client = drive(&emulator);
    let files = client.files();
    let results = client
        .batch()
        .send_all(["a", "b", "c"].map(|id| files.get(id)))
        .await;
    let ids: Vec<_> = results.iter().map(file_id).collect();
    assert_eq!(ids, [Some("a"), Some("b"), Some("c")]);
    let body = String::from_utf8(emulator.requests()[0].body.clone()).unwrap();
    assert!(body.contains("files/a"));
}

#[tokio::test]
async fn a_truncated_response_fails_only_the_calls_it_does_not_answer() {
    let emulator = emulator_with_files(&["a", "b", "c"]).await;
    emulator.inject_batch(BatchFault::Truncate);
    let client = drive(&emulator);
    let files = client.files();
    let results = client
        .batch()
        .send_all(["a", "b", "c"].map(|id| files.get(id)))
        .await;
    assert_eq!(file_id(&results[0]), Some("a"));
    assert_eq!(file_id(&results[1]), Some("b"));
    assert_eq!(batch_kind(&results[2]), Some(BatchErrorKind::Malformed));
}

#[tokio::test]
async fn the_outer_request_is_retried_as_a_call() {
    let emulator = emulator_with_files(&["a", "b"]).await;
    emulator.inject(Fault::unavailable().path_contains("/batch"));
    let client = drive(&emulator);
    let files = client.files();
    let results = client
        .batch()
        .send_all(["a", "b"].map(|id| files.get(id)))
        .await;
    assert_eq!(file_id(&results[1]), Some("b"));
    let sent = batches(&emulator);
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0].fault, Some(FaultKind::Unavailable));

    // A batch request that keeps failing: every call gets the error, with it as the source.
    emulator.clear_requests();
    emulator.inject(Fault::unavailable().path_contains("/batch").times(10));
    let results = client
        .batch()
        .send_all(["a", "b"].map(|id| files.get(id)))
        .await;
    for result in &results {
        let Err(Error::Batch(error)) = result else {
            panic!("{result:?}");
        };
        assert_eq!(error.kind(), BatchErrorKind::Failed);
        let source = std::error::Error::source(error).unwrap();
        let source = source.downcast_ref::<Arc<Error>>().unwrap();
        assert_eq!(source.status(), Some(503));
    }
    assert_eq!(batches(&emulator).len(), 4);
}

#[tokio::test]
async fn calls_beyond_the_limit_go_in_later_requests() {
    let ids: Vec<String> = (0..250).map(|i| format!("f{i}")).collect();
    // Every tenth file is missing.
    let present: Vec<&str> = ids
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 10 != 3)
        .map(|(_, id)| id.as_str())
        .collect();
    let emulator = emulator_with_files(&present).await;
    let client = drive(&emulator);
    let files = client.files();
    let results = client
        .batch()
        .send_all(ids.iter().map(|id| files.get(id)))
        .await;
    assert_eq!(results.len(), 250);
    for (i, result) in results.iter().enumerate() {
        if i % 10 == 3 {
            assert_eq!(api_status(result), Some((404, Code::NotFound)), "{i}");
        } else {
            assert_eq!(file_id(result), Some(ids[i].as_str()), "{i}");
        }
    }
    let sizes: Vec<usize> = batches(&emulator)
        .iter()
        .map(|b| request_lines(b).len())
        .collect();
    assert_eq!(sizes, [100, 100, 50]);

    // Configurable.
    emulator.clear_requests();
    let results = client
        .batch()
        .max_calls(2)
        .send_all(["f0", "f1", "f2"].map(|id| files.get(id)))
        .await;
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 3);
    let sizes: Vec<usize> = batches(&emulator)
        .iter()
        .map(|b| request_lines(b).len())
        .collect();
    assert_eq!(sizes, [2, 1]);
}

/// A transport that counts the requests in flight (sent, no answer yet) and the most at once.
#[derive(Debug)]
struct InFlight {
    inner: ReqwestTransport,
    now: Arc<AtomicUsize>,
    most: Arc<AtomicUsize>,
}

impl Transport for InFlight {
    fn send(&self, request: HttpRequest) -> TransportFuture {
        let (inner, now, most) = (self.inner.clone(), self.now.clone(), self.most.clone());
        Box::pin(async move {
            let n = now.fetch_add(1, Ordering::SeqCst) + 1;
            most.fetch_max(n, Ordering::SeqCst);
            let response = inner.send(request).await;
            now.fetch_sub(1, Ordering::SeqCst);
            response
        })
    }
}

/// 11 calls, 2 per request (6 requests), each answered after 150 ms, `concurrency` at once: the
/// results in order, and the most requests in flight at once.
async fn delayed_batch(concurrency: Option<usize>) -> (Vec<Option<String>>, usize, usize) {
    let ids: Vec<String> = (0..11).map(|i| format!("f{i}")).collect();
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let emulator = emulator_with_files(&refs).await;
    emulator.inject(
        Fault::delay(std::time::Duration::from_millis(150))
            .path_contains("/batch")
            .times(6),
    );
    let most = Arc::new(AtomicUsize::new(0));
    // Building a runtime client installs rustls' provider, which a bare reqwest client needs.
    discogen_runtime::Client::builder(&emulator.base_url())
        .build()
        .unwrap();
    let client = media_drive_v3::Client::new(
        discogen_runtime::Client::builder(&format!("{}drive/v3/", emulator.base_url()))
            .bearer_token("test-token")
            .retry_policy(quick_retries())
            .transport(InFlight {
                inner: ReqwestTransport::new(reqwest::Client::new()),
                now: Arc::new(AtomicUsize::new(0)),
                most: most.clone(),
            })
            .build()
            .unwrap(),
    );
    let files = client.files();
    let mut batch = client.batch().max_calls(2);
    if let Some(n) = concurrency {
        batch = batch.concurrency(n);
    }
    let results = batch.send_all(ids.iter().map(|id| files.get(id))).await;
    let ids = results
        .iter()
        .map(|r| r.as_ref().ok().and_then(|f| f.id.clone()))
        .collect();
    // Every request was delayed (the fault is used up).
    assert!(emulator.pending_faults().is_empty());
    (ids, batches(&emulator).len(), most.load(Ordering::SeqCst))
}

#[tokio::test]
async fn requests_of_a_split_batch_go_at_most_concurrency_at_once() {
    let expected: Vec<Option<String>> = (0..11).map(|i| Some(format!("f{i}"))).collect();
    // By default one after another.
    assert_eq!(delayed_batch(None).await, (expected.clone(), 6, 1));
    assert_eq!(delayed_batch(Some(0)).await, (expected.clone(), 6, 1));
    // Up to n at once (and n at once: the requests overlap).
    assert_eq!(delayed_batch(Some(3)).await, (expected.clone(), 6, 3));
    assert_eq!(delayed_batch(Some(16)).await, (expected, 6, 6));
}

#[tokio::test]
async fn a_storage_batch_is_the_same_protocol() {
    let emulator = Emulator::start(EmulatorConfig::default()).await;
    emulator.insert_resource(
        "/storage/v1/b/bkt/o/x.txt",
        json!({"kind": "storage#object", "bucket": "bkt", "name": "x.txt", "size": "12"}),
    );
    let client = media_storage_v1::Client::new(
        discogen_runtime::Client::builder(&format!("{}storage/v1/", emulator.base_url()))
            .bearer_token("test-token")
            .build()
            .unwrap(),
    );
    let objects = client.objects();
    let mut batch = client.batch();
    let x = batch.add(objects.get("bkt", "x.txt"));
    let y = batch.add(objects.get("bkt", "y.txt"));
    let mut results = batch.send().await;
    let object = results.take(x).unwrap();
    assert_eq!(object.name.as_deref(), Some("x.txt"));
    assert_eq!(object.size, Some(12));
    let error = results.take(y).unwrap_err();
    assert_eq!(error.status(), Some(404));
    let sent = batches(&emulator);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].path, "/batch/storage/v1");
    assert_eq!(
        request_lines(&sent[0]),
        [
            "GET /storage/v1/b/bkt/o/x.txt HTTP/1.1",
            "GET /storage/v1/b/bkt/o/y.txt HTTP/1.1"
        ]
    );
}

mod batch_app;

#[tokio::test]
async fn the_readme_batch_app_fetches_250_files_metadata() {
    let ids: Vec<String> = (0..250).map(|i| format!("f{i}")).collect();
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    let present: Vec<&str> = ids
        .iter()
        .copied()
        .filter(|id| !id.ends_with('7'))
        .collect();
    let emulator = emulator_with_files(&present).await;
    let client = drive(&emulator);
    let (found, missing) = batch_app::metadata(&client, &ids).await.unwrap();
    let found: Vec<&str> = found.iter().filter_map(|f| f.id.as_deref()).collect();
    assert_eq!(found, present);
    let expected_missing: Vec<&str> = ids.iter().copied().filter(|id| id.ends_with('7')).collect();
    assert_eq!(missing, expected_missing);
    let sent = batches(&emulator);
    assert_eq!(sent.len(), 3);
    assert_eq!(
        request_lines(&sent[0])[0],
        "GET /drive/v3/files/f0?fields=id%2Cname%2Csize HTTP/1.1"
    );

    // Another failure is the app's error.
    emulator.inject_batch(BatchFault::PartStatus {
        path_contains: "files/f1?".to_owned(),
        status: 403,
        times: 1,
    });
    let error = batch_app::metadata(&client, &ids).await.unwrap_err();
    assert_eq!(error.status(), Some(403));
}
