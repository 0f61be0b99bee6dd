//! Issue 30's rule, through generated crates: every attempt a call makes (a poll, a chunk, a download
//! range, a token fetch) follows one retry verdict and the call's own options; a transfer's retry
//! budget counts one chunk or range; errors have kinds an app matches; no secret is shown.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use discogen_emulator::{Emulator, Fault, MediaContent, MediaFault};
use discogen_runtime::media::{Upload, UploadSource};
use discogen_runtime::transport::TransportErrorKind;
use discogen_runtime::{
    CallOptions, ConfigErrorKind, CredentialsErrorKind, Error, MediaErrorKind, RetryPolicy,
};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

mod media_support;

use media_support::{data, emulator, lines, quick_retries, storage, CHUNK, KIB};

#[tokio::test(start_paused = true)]
async fn an_unexpected_poll_fails_at_once_with_one_attempt() {
    let mock = dialogflow_v2::testing::Mock::new();
    let client = dialogflow_v2::Client::builder()
        .transport(mock.transport())
        .build()
        .unwrap();
    let started = tokio::time::Instant::now();
    let error = dialogflow_v2::Poller::new(client, "projects/p1/operations/unplayed")
        .wait()
        .await
        .unwrap_err();
    let dialogflow_v2::LroError::Poll(Error::Transport(transport)) = &error else {
        panic!("{error:?}");
    };
    assert_eq!(transport.kind(), TransportErrorKind::Request);
    assert!(!error.request_error().unwrap().is_transient());
    assert_eq!(mock.requests().len(), 1, "one attempt, not retried");
    assert_eq!(started.elapsed(), Duration::ZERO, "no backoff slept");
    std::mem::forget(mock); // its drop would fail the test for the unexpected call, as it should
}

#[tokio::test]
async fn a_32_chunk_upload_with_a_dropped_connection_in_every_chunk_completes() {
    let emulator = emulator().await;
    let bytes = data(32 * CHUNK);
    // Every chunk's first send breaks off with nothing kept; the send after the status query is
    // answered as usual (KeepOnly of a whole chunk is the usual 308).
    for chunk in 0..32 {
        emulator.inject_media(MediaFault::DropMidChunk(0));
        if chunk < 31 {
            emulator.inject_media(MediaFault::KeepOnly(CHUNK as u64));
        }
    }
    let upload = Upload::new(bytes.clone(), "application/octet-stream").chunk_size(CHUNK);
    let object = storage(&emulator)
        .objects()
        .insert("bucket", media_storage_v1::schemas::Object::default())
        .upload_resumable(upload)
        .await
        .unwrap();
    assert_eq!(object.size, Some(32 * CHUNK as u64));
    assert_eq!(emulator.uploads()[0].bytes.as_deref(), Some(&bytes[..]));
    let requests = lines(&emulator.requests());
    // The start, then per chunk: the dropped send, the status query, the send again.
    assert_eq!(requests.len(), 1 + 32 * 3);
    let total = 32 * CHUNK;
    let session = "/upload/storage/v1/b/bucket/o?uploadType=resumable&upload_id=session-1";
    assert_eq!(
        requests[1..4],
        [
            format!("PUT {session} bytes 0-262143/{total}"),
            format!("PUT {session} bytes */{total}"),
            format!("PUT {session} bytes 0-262143/{total}"),
        ]
    );
}

/// An object of `len` bytes at `path`, served by a new emulator.
async fn object(path: &str, len: usize) -> (Emulator, Vec<u8>) {
    let emulator = emulator().await;
    let bytes = data(len);
    emulator.insert_media(path, MediaContent::Bytes(bytes.clone()));
    (emulator, bytes)
}

#[tokio::test]
async fn a_download_whose_every_response_is_cut_completes() {
    let (emulator, bytes) = object("/storage/v1/b/bucket/o/big", 1024 * KIB + 100).await;
    for _ in 0..4 {
        emulator.inject_media(MediaFault::DropDownloadAfter(CHUNK as u64));
    }
    let got = storage(&emulator)
        .objects()
        .get("bucket", "big")
        .download_stream()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert!(got == bytes, "the download is not the object");
    assert_eq!(
        lines(&emulator.requests()),
        [
            "GET /storage/v1/b/bucket/o/big?alt=media -",
            "GET /storage/v1/b/bucket/o/big?alt=media bytes=262144-",
            "GET /storage/v1/b/bucket/o/big?alt=media bytes=524288-",
            "GET /storage/v1/b/bucket/o/big?alt=media bytes=786432-",
            "GET /storage/v1/b/bucket/o/big?alt=media bytes=1048576-",
        ]
    );
}

#[tokio::test]
async fn a_ranged_download_asks_for_each_range_and_resumes_a_cut_one() {
    let (emulator, bytes) = object("/storage/v1/b/bucket/o/r", 700 * KIB).await;
    emulator.inject_media(MediaFault::DropDownloadAfter(1000));
    let download = storage(&emulator)
        .objects()
        .get("bucket", "r")
        .download_ranges(CHUNK as u64)
        .await
        .unwrap();
    assert_eq!(download.content_length(), Some(716_800));
    let got = download.bytes().await.unwrap();
    assert!(got == bytes, "the download is not the object");
    assert_eq!(
        lines(&emulator.requests()),
        [
            "GET /storage/v1/b/bucket/o/r?alt=media bytes=0-262143",
            "GET /storage/v1/b/bucket/o/r?alt=media bytes=1000-263143",
            "GET /storage/v1/b/bucket/o/r?alt=media bytes=263144-525287",
            "GET /storage/v1/b/bucket/o/r?alt=media bytes=525288-787431",
        ]
    );
}

#[tokio::test]
async fn a_per_call_timeout_shorter_than_a_chunk_fails_that_chunks_attempt() {
    let emulator = emulator().await;
    emulator.inject(Fault::delay(Duration::from_secs(5)).method("PUT"));
    let started = std::time::Instant::now();
    let error = storage(&emulator)
        .objects()
        .insert("bucket", media_storage_v1::schemas::Object::default())
        .with_timeout(Duration::from_millis(300))
        .upload_resumable(Upload::new(data(CHUNK), "application/octet-stream"))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    // The session started; its one chunk was cut at the call's deadline and not sent again.
    assert_eq!(emulator.requests().len(), 2);
}

/// A metadata server on loopback whose token endpoint answers 503 `failures` times, then a token.
async fn metadata_server(failures: usize) -> (String, Arc<Mutex<usize>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let asked = Arc::new(Mutex::new(0));
    let count = Arc::clone(&asked);
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let mut request = vec![0; 4096];
            let n = socket.read(&mut request).await.unwrap_or(0);
            let head = String::from_utf8_lossy(&request[..n]).into_owned();
            let response = if !head.contains("/token") {
                "HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                    .to_owned()
            } else {
                let seen = {
                    let mut asked = count.lock().unwrap();
                    *asked += 1;
                    *asked
                };
                if seen <= failures {
                    "HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                        .to_owned()
                } else {
                    let body =
                        r#"{"access_token":"mds-token","expires_in":3600,"token_type":"Bearer"}"#;
                    format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
                         metadata-flavor: Google\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    )
                }
            };
            let _ = socket.write_all(response.as_bytes()).await;
        }
    });
    (address, asked)
}

#[tokio::test]
async fn a_metadata_server_that_answers_503_twice_lets_the_call_succeed() {
    let (address, asked) = metadata_server(2).await;
    let credentials = dialogflow_v2::Credentials::metadata_server_at(address)
        .retry_policy(quick_retries())
        .build()
        .unwrap();
    let mock = dialogflow_v2::testing::Mock::new();
    mock.on(dialogflow_v2::methods::PROJECTS_GET_AGENT)
        .returns(dialogflow_v2::schemas::GoogleCloudDialogflowV2Agent::default());
    let client = dialogflow_v2::Client::builder()
        .credentials(credentials)
        .transport(mock.transport())
        .build()
        .unwrap();
    client
        .projects()
        .get_agent("projects/p")
        .send()
        .await
        .unwrap();
    // Two 503s, then the token the call went out with (the mock records no credentials).
    assert_eq!(*asked.lock().unwrap(), 3);
    assert_eq!(mock.requests().len(), 1);
}

#[tokio::test]
async fn a_transient_token_failure_is_a_transient_credentials_error() {
    // No retries of the token fetch: the call sees the transient failure as its kind.
    let (address, _) = metadata_server(usize::MAX).await;
    let credentials = dialogflow_v2::Credentials::metadata_server_at(address)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let mock = dialogflow_v2::testing::Mock::new();
    let client = dialogflow_v2::Client::builder()
        .credentials(credentials)
        .transport(mock.transport())
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let error = client
        .projects()
        .get_agent("projects/p")
        .send()
        .await
        .unwrap_err();
    let Error::Credentials(credentials) = &error else {
        panic!("{error:?}");
    };
    assert_eq!(credentials.kind(), CredentialsErrorKind::TransientFetch);
    assert!(error.is_transient());
    assert!(
        mock.requests().is_empty(),
        "nothing is sent without a token"
    );
}

/// Every field value of every span and event, as text.
#[derive(Default)]
struct Recorder(Mutex<String>);

impl tracing::field::Visit for &Recorder {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        let mut text = self.0.lock().unwrap();
        text.push_str(&format!("{}={value:?}\n", field.name()));
    }
}

impl tracing::Subscriber for &'static Recorder {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        span.record(&mut &**self);
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        values.record(&mut &**self);
    }
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        event.record(&mut &**self);
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

/// Everything an app could see of `error`: its message, its `Debug`, and its sources' messages.
fn shown(error: &Error) -> String {
    let mut text = format!("{error}\n{error:?}\n");
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(&format!("{cause}\n{cause:?}\n"));
        source = cause.source();
    }
    text
}

#[tokio::test]
async fn no_error_debug_output_or_span_shows_an_upload_id() {
    let recorder: &'static Recorder = Box::leak(Box::default());
    let _guard = tracing::subscriber::set_default(recorder);
    let emulator = emulator().await;
    let mut errors = Vec::new();
    let insert = || {
        storage(&emulator)
            .objects()
            .insert("bucket", media_storage_v1::schemas::Object::default())
            .with_retry_policy(RetryPolicy::none())
    };
    // A chunk whose connection resets: reqwest's error names the URL.
    emulator.inject(Fault::connection_reset().method("PUT"));
    let upload = Upload::new(data(CHUNK), "application/octet-stream");
    errors.push(insert().upload_resumable(upload).await.unwrap_err());
    // A session that expired.
    emulator.inject_media(MediaFault::Expire(410));
    let upload = Upload::new(data(CHUNK), "application/octet-stream");
    errors.push(insert().upload_resumable(upload).await.unwrap_err());
    // A session URL on another host.
    let elsewhere = "https://elsewhere.example/upload?upload_id=session-9";
    let upload = Upload::new(data(CHUNK), "application/octet-stream").resume(elsewhere);
    errors.push(insert().upload_resumable(upload).await.unwrap_err());

    assert!(matches!(errors[0], Error::Transport(_)), "{:?}", errors[0]);
    assert!(matches!(
        errors[1],
        Error::UploadSessionExpired { status: 410, .. }
    ));
    assert!(matches!(errors[2], Error::InvalidResponse(_)));
    for error in &errors {
        let text = shown(error);
        assert!(!text.contains("session-"), "{text}");
        assert!(text.contains("upload_id=REDACTED"), "{text}");
    }
    let Error::UploadSessionExpired { session, .. } = &errors[1] else {
        unreachable!()
    };
    assert!(
        session.expose().ends_with("upload_id=session-2"),
        "the app can still resume"
    );
    let spans = recorder.0.lock().unwrap().clone();
    assert!(spans.contains("upload_id=REDACTED"), "{spans}");
    assert!(!spans.contains("session-"), "{spans}");
}

/// What an app decides from an error's kind alone, never its text.
fn advice(error: &Error) -> &'static str {
    match error {
        Error::Credentials(e) if e.is_transient() => "try again later",
        Error::Credentials(e) => match e.kind() {
            CredentialsErrorKind::Invalid => "fix the credentials file",
            _ => "sign in again",
        },
        Error::Config(e) => match e.kind() {
            ConfigErrorKind::Url => "fix the endpoint URL",
            _ => "fix the client's settings",
        },
        Error::Media(e) => match e.kind() {
            MediaErrorKind::SourceRead => "check the file",
            MediaErrorKind::MediaType => "send another media type",
            MediaErrorKind::TooLarge => "send less",
            _ => "check the media",
        },
        Error::UploadSessionExpired { .. } => "start the upload again",
        Error::Transport(e) if e.kind() == TransportErrorKind::Request => "a bug: the request",
        Error::Api(api) if api.status == 404 => "it is gone",
        e if e.is_transient() => "try again later",
        _ => "give up",
    }
}

#[tokio::test]
async fn an_app_matches_error_kinds_without_reading_text() {
    let missing = std::env::temp_dir().join("discogen-no-such-file/media.bin");
    let error = UploadSource::from_file(&missing).await.unwrap_err();
    assert_eq!(advice(&error), "check the file");
    let io = std::error::Error::source(&error)
        .and_then(|source| source.source())
        .and_then(|cause| cause.downcast_ref::<std::io::Error>())
        .expect("the I/O error is kept as the source");
    assert_eq!(io.kind(), std::io::ErrorKind::NotFound);

    let error = media_storage_v1::Client::builder()
        .base_url("http://storage.example.com/")
        .build()
        .unwrap_err();
    assert_eq!(advice(&error), "fix the endpoint URL");

    let error = dialogflow_v2::Credentials::from_json("{\"type\": \"nonsense\"}")
        .build()
        .unwrap_err();
    assert_eq!(advice(&error), "fix the credentials file");

    let emulator = emulator().await;
    let error = storage(&emulator)
        .objects()
        .get("bucket", "missing")
        .download()
        .await
        .unwrap_err();
    assert_eq!(advice(&error), "it is gone");
    emulator.inject(Fault::unavailable().times(4));
    let error = storage(&emulator)
        .objects()
        .get("bucket", "missing")
        .download()
        .await
        .unwrap_err();
    assert_eq!(advice(&error), "try again later");
    assert_eq!(error.attempts(), Some(4));
}
