//! Resumable uploads in chunks and streamed downloads, through the generated media fixture client,
//! against a scripted server played by the mock: exact request sequences, partial commits, faults,
//! resuming a session, a source that changes length, and a download that breaks off.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use discogen_runtime::testing::{Answer, Mock, RecordedRequest};
use discogen_runtime::transport::{
    Body, HttpRequest, Transport, TransportError, TransportErrorKind, TransportFuture,
};
use fixture_media::media::{Upload, UploadProgress, UploadSource};
use fixture_media::schemas::Object;
use fixture_media::{Client, Error};
use futures_util::StreamExt as _;
use serde_json::json;

const BASE: &str = "https://example.googleapis.com/media/v1/";
const SESSION: &str = "https://example.googleapis.com/upload/session/1";
const KIB: usize = 1024;

/// What the scripted server does with the next chunk.
#[derive(Debug, Clone, Copy)]
enum Fault {
    /// Keeps only this many bytes of the chunk (a partial commit).
    Keep(usize),
    /// Answers 503 without keeping anything.
    Unavailable,
    /// Keeps the chunk, then the connection breaks before the answer.
    DropAnswer,
    /// Says it has this many bytes, whatever it has.
    Claim(u64),
    /// Answers 404: the session expired.
    Expired,
}

/// A resumable upload session as Google's servers keep one.
#[derive(Debug, Default)]
struct Server {
    stored: Vec<u8>,
    faults: VecDeque<Fault>,
}

impl Server {
    fn answer(&mut self, request: &RecordedRequest) -> Answer {
        if request.method == http::Method::POST {
            return Answer::bytes(200, "").with_header("Location", SESSION);
        }
        let range = request
            .header("content-range")
            .unwrap_or_default()
            .to_owned();
        let (span, total) = range
            .strip_prefix("bytes ")
            .and_then(|r| r.split_once('/'))
            .unwrap();
        let total: Option<usize> = total.parse().ok();
        if span != "*" {
            let start: usize = span.split('-').next().unwrap().parse().unwrap();
            assert_eq!(
                start,
                self.stored.len(),
                "a chunk must start at what the session has"
            );
            match self.faults.pop_front() {
                Some(Fault::Keep(n)) => self.stored.extend_from_slice(&request.body_bytes[..n]),
                Some(Fault::Unavailable) => {
                    return Answer::error(fixture_media::Code::Unavailable, "busy")
                }
                Some(Fault::DropAnswer) => {
                    self.stored.extend_from_slice(&request.body_bytes);
                    return Answer::transport_failure("connection reset");
                }
                Some(Fault::Claim(n)) => {
                    return Answer::bytes(308, "")
                        .with_header("Range", &format!("bytes=0-{}", n - 1))
                }
                Some(Fault::Expired) => {
                    return Answer::error(fixture_media::Code::NotFound, "gone")
                }
                None => self.stored.extend_from_slice(&request.body_bytes),
            }
        }
        if total == Some(self.stored.len()) {
            return Answer::json(
                200,
                json!({"name": "big.bin", "size": self.stored.len().to_string()}),
            );
        }
        match self.stored.len() {
            0 => Answer::bytes(308, ""),
            n => Answer::bytes(308, "").with_header("Range", &format!("bytes=0-{}", n - 1)),
        }
    }
}

/// A mock playing `server` for the upload path and the session.
fn mock(server: &Arc<Mutex<Server>>) -> Mock {
    plays(server, &[(http::Method::POST, "/upload/media/v1/b/b/o")])
}

/// A mock playing `server` for the session, and for `more`.
fn plays(server: &Arc<Mutex<Server>>, more: &[(http::Method, &str)]) -> Mock {
    let mock = Mock::new();
    for (method, path) in more
        .iter()
        .cloned()
        .chain([(http::Method::PUT, "/upload/session/1")])
    {
        let server = server.clone();
        mock.on_http(method, path)
            .answers_with(move |request| server.lock().unwrap().answer(request));
    }
    mock
}

fn client(mock: &Mock) -> Client {
    let retry = fixture_media::RetryPolicy {
        initial_backoff: std::time::Duration::from_millis(1),
        ..Default::default()
    };
    Client::builder()
        .base_url(BASE)
        .transport(mock.transport())
        .retry_policy(retry)
        .build()
        .unwrap()
}

/// `600 KiB` of counting bytes.
fn data() -> Vec<u8> {
    (0..600 * KIB).map(|i| (i % 251) as u8).collect()
}

async fn upload(mock: &Mock, upload: Upload) -> Result<Object, Error> {
    client(mock)
        .objects()
        .insert("b", Object::default().with_name("big.bin"))
        .upload_resumable(upload)
        .await
}

/// Uploads [`data`] in chunks of 256 KiB to a server that meets `faults`; the server, the mock and what
/// the upload returned.
async fn upload_despite(faults: &[Fault]) -> (Arc<Mutex<Server>>, Mock, Result<Object, Error>) {
    let server = Arc::new(Mutex::new(Server::default()));
    server.lock().unwrap().faults = faults.iter().copied().collect();
    let mock = mock(&server);
    let chunks = Upload::new(data(), "application/octet-stream").chunk_size(256 * KIB);
    let result = upload(&mock, chunks).await;
    (server, mock, result)
}

/// `METHOD path content-range` of each request.
fn lines(mock: &Mock) -> Vec<String> {
    mock.requests()
        .iter()
        .map(|r| {
            let range = r.header("content-range").unwrap_or("-");
            format!("{} {} {range}", r.method, r.path)
        })
        .collect()
}

#[tokio::test]
async fn chunks_of_256_kib_with_their_ranges_and_progress() {
    let server = Arc::new(Mutex::new(Server::default()));
    let mock = mock(&server);
    let progress = Arc::new(Mutex::new(Vec::new()));
    let seen = progress.clone();
    let object = upload(
        &mock,
        Upload::new(data(), "application/octet-stream")
            .chunk_size(200 * KIB)
            .on_progress(move |p: UploadProgress| seen.lock().unwrap().push(p.committed)),
    )
    .await
    .unwrap();
    assert_eq!(object.name.as_deref(), Some("big.bin"));
    assert_eq!(server.lock().unwrap().stored, data());
    assert_eq!(
        lines(&mock),
        [
            "POST /upload/media/v1/b/b/o -",
            "PUT /upload/session/1 bytes 0-262143/614400",
            "PUT /upload/session/1 bytes 262144-524287/614400",
            "PUT /upload/session/1 bytes 524288-614399/614400",
        ]
    );
    assert_eq!(*progress.lock().unwrap(), [262144, 524288, 614400]);
    let start = &mock.requests()[0];
    assert_eq!(start.query_value("uploadType"), Some("resumable"));
    assert_eq!(start.header("x-upload-content-length"), Some("614400"));
    assert_eq!(start.body, Some(json!({"name": "big.bin"})));
}

#[tokio::test]
async fn a_partial_commit_is_sent_again_from_where_the_server_stopped() {
    let (server, mock, result) = upload_despite(&[Fault::Keep(100_000)]).await;
    result.unwrap();
    assert_eq!(server.lock().unwrap().stored, data());
    assert_eq!(
        lines(&mock)[1..],
        [
            "PUT /upload/session/1 bytes 0-262143/614400",
            "PUT /upload/session/1 bytes 100000-362143/614400",
            "PUT /upload/session/1 bytes 362144-614399/614400",
        ]
    );
}

#[tokio::test]
async fn after_a_failed_chunk_the_session_is_asked_what_it_has() {
    let (server, mock, result) = upload_despite(&[Fault::Unavailable, Fault::DropAnswer]).await;
    result.unwrap();
    assert_eq!(server.lock().unwrap().stored, data());
    assert_eq!(
        lines(&mock)[1..],
        [
            // 503: nothing kept; the status query says so.
            "PUT /upload/session/1 bytes 0-262143/614400",
            "PUT /upload/session/1 bytes */614400",
            // Kept, but the answer was lost: the query says it was kept.
            "PUT /upload/session/1 bytes 0-262143/614400",
            "PUT /upload/session/1 bytes */614400",
            "PUT /upload/session/1 bytes 262144-524287/614400",
            "PUT /upload/session/1 bytes 524288-614399/614400",
        ]
    );
}

#[tokio::test]
async fn a_server_that_loses_or_invents_bytes_is_an_error() {
    for (fault, message) in [
        (
            Fault::Claim(300_000),
            "the upload session reports 300000 bytes, but only 262144 were sent",
        ),
        (
            Fault::Claim(1),
            "the upload session reports 1 bytes after confirming 262144",
        ),
    ] {
        // The first chunk is kept; the second answer lies.
        let faults = match fault {
            Fault::Claim(300_000) => vec![fault],
            _ => vec![Fault::Keep(256 * KIB), fault],
        };
        let error = upload_despite(&faults).await.2.unwrap_err();
        assert_eq!(
            error.to_string(),
            format!("invalid response from the service: {message}")
        );
    }
}

#[tokio::test]
async fn an_expired_session_says_the_upload_must_start_again() {
    let error = upload_despite(&[Fault::Keep(256 * KIB), Fault::Expired])
        .await
        .2
        .unwrap_err();
    assert!(
        matches!(&error, Error::UploadSessionExpired { session, status: 404 } if session.expose() == SESSION),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "the upload session has expired (HTTP 404): start the upload again"
    );
}

#[tokio::test]
async fn an_upload_resumes_in_another_process_from_its_session_url() {
    let server = Arc::new(Mutex::new(Server::default()));
    server.lock().unwrap().stored = data()[..262144].to_vec();
    // No new session: only the one given.
    let mock = plays(&server, &[]);
    let source = UploadSource::from_reader(std::io::Cursor::new(data()), Some(data().len() as u64));
    upload(
        &mock,
        Upload::new(source, "application/octet-stream")
            .chunk_size(256 * KIB)
            .resume(SESSION),
    )
    .await
    .unwrap();
    assert_eq!(server.lock().unwrap().stored, data());
    assert_eq!(
        lines(&mock),
        [
            "PUT /upload/session/1 bytes */614400",
            "PUT /upload/session/1 bytes 262144-524287/614400",
            "PUT /upload/session/1 bytes 524288-614399/614400",
        ]
    );
}

#[tokio::test]
async fn the_session_url_is_handed_out_and_must_stay_on_the_clients_host() {
    let server = Arc::new(Mutex::new(Server::default()));
    let mock = mock(&server);
    let kept = Arc::new(Mutex::new(String::new()));
    let keep = kept.clone();
    upload(
        &mock,
        Upload::new(b"small".to_vec(), "text/plain")
            .on_session(move |url| *keep.lock().unwrap() = url.to_owned()),
    )
    .await
    .unwrap();
    assert_eq!(*kept.lock().unwrap(), SESSION);

    let elsewhere = Mock::new();
    elsewhere.on_http(http::Method::POST, "/upload/**").answers(
        Answer::bytes(200, "").with_header("Location", "https://attacker.example/session"),
    );
    let error = upload(&elsewhere, Upload::new(b"x".to_vec(), "text/plain"))
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("is not on the client's host"),
        "{error}"
    );
    assert_eq!(
        elsewhere.requests().len(),
        1,
        "nothing sent to the other host"
    );
}

#[tokio::test]
async fn a_source_that_changes_length_fails_the_upload() {
    // The reader says 600 KiB but has 500 KiB.
    let short = UploadSource::from_reader(
        std::io::Cursor::new(data()[..500 * KIB].to_vec()),
        Some(600 * KIB as u64),
    );
    let server = Arc::new(Mutex::new(Server::default()));
    let error = upload(
        &mock(&server),
        Upload::new(short, "application/octet-stream").chunk_size(256 * KIB),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&error, Error::Media(e) if e.kind() == discogen_runtime::MediaErrorKind::SourceLength)
    );
    assert_eq!(
        error.to_string(),
        "media: the reader ended after 512000 of the 614400 bytes it had when the upload started"
    );
    // A file that grows while it is read.
    let path = std::env::temp_dir().join(format!("discogen-grows-{}", std::process::id()));
    std::fs::write(&path, data()).unwrap();
    let source = UploadSource::from_file(&path).await.unwrap();
    std::fs::write(&path, [data(), vec![1; 10]].concat()).unwrap();
    let server = Arc::new(Mutex::new(Server::default()));
    let error = upload(
        &mock(&server),
        Upload::new(source, "application/octet-stream").chunk_size(256 * KIB),
    )
    .await
    .unwrap_err();
    std::fs::remove_file(&path).unwrap();
    assert!(
        matches!(&error, Error::Media(e) if e.kind() == discogen_runtime::MediaErrorKind::SourceLength)
    );
    assert!(
        error.to_string().contains("grew past the 614400 bytes"),
        "{error}"
    );
}

#[tokio::test]
async fn a_reader_of_unknown_length_sends_the_total_with_its_last_chunk() {
    let server = Arc::new(Mutex::new(Server::default()));
    let mock = mock(&server);
    let source = UploadSource::from_reader(std::io::Cursor::new(data()), None);
    upload(
        &mock,
        Upload::new(source, "application/octet-stream").chunk_size(256 * KIB),
    )
    .await
    .unwrap();
    assert_eq!(server.lock().unwrap().stored, data());
    assert_eq!(
        lines(&mock)[1..],
        [
            "PUT /upload/session/1 bytes 0-262143/*",
            "PUT /upload/session/1 bytes 262144-524287/*",
            "PUT /upload/session/1 bytes 524288-614399/614400",
        ]
    );
    assert_eq!(mock.requests()[0].header("x-upload-content-length"), None);
}

/// Serves `media` for `alt=media`, breaking the body off after `break_after` bytes on the first
/// answer, then honouring `Range`.
#[derive(Debug, Clone)]
struct FlakyMedia {
    media: bytes::Bytes,
    break_after: usize,
    ranges: Arc<Mutex<Vec<Option<String>>>>,
}

impl Transport for FlakyMedia {
    fn send(&self, request: HttpRequest) -> TransportFuture {
        let range = request
            .headers()
            .get("range")
            .map(|v| v.to_str().unwrap().to_owned());
        let first = {
            let mut ranges = self.ranges.lock().unwrap();
            ranges.push(range.clone());
            ranges.len() == 1
        };
        let from: usize = range
            .as_deref()
            .and_then(|r| r.strip_prefix("bytes="))
            .and_then(|r| r.strip_suffix('-'))
            .map_or(0, |n| n.parse().unwrap());
        let rest = self.media.slice(from..);
        let total = self.media.len();
        let body = match first {
            true => {
                let head = rest.slice(..self.break_after);
                Body::from_stream(futures_util::stream::iter([
                    Ok(head),
                    Err(TransportError::new(
                        TransportErrorKind::Body,
                        "connection reset mid-body",
                    )),
                ]))
            }
            false => Body::from_stream(futures_util::stream::iter(
                rest.chunks(64 * KIB)
                    .map(|c| Ok(bytes::Bytes::copy_from_slice(c)))
                    .collect::<Vec<_>>(),
            )),
        };
        let mut response = http::Response::builder()
            .status(if from > 0 { 206 } else { 200 })
            .header("content-length", rest.len().to_string());
        if from > 0 {
            response = response.header(
                "content-range",
                format!("bytes {from}-{}/{total}", total - 1),
            );
        }
        Box::pin(std::future::ready(Ok(response.body(body).unwrap())))
    }
}

#[tokio::test]
async fn a_download_streams_and_resumes_from_the_bytes_written() {
    let transport = FlakyMedia {
        media: data().into(),
        break_after: 100_000,
        ranges: Arc::default(),
    };
    let client = Client::builder()
        .base_url(BASE)
        .transport(transport.clone())
        .build()
        .unwrap();
    let download = client
        .objects()
        .get("b", "big.bin")
        .download_stream()
        .await
        .unwrap();
    assert_eq!(download.content_length(), Some(600 * KIB as u64));
    let mut file = Vec::new();
    let mut reports = Vec::new();
    let written = download
        .write_to(&mut file, |n| reports.push(n))
        .await
        .unwrap();
    assert_eq!(written, 600 * KIB as u64);
    assert_eq!(file, data());
    assert_eq!(reports.first(), Some(&100_000));
    assert_eq!(reports.last(), Some(&(600 * KIB as u64)));
    assert_eq!(
        *transport.ranges.lock().unwrap(),
        [None, Some("bytes=100000-".to_owned())]
    );
    // The chunks as a stream, each at most what the server sent at once.
    let transport = FlakyMedia {
        ranges: Arc::default(),
        ..transport
    };
    let client = Client::builder()
        .base_url(BASE)
        .transport(transport)
        .build()
        .unwrap();
    let chunks: Vec<_> = client
        .objects()
        .get("b", "big.bin")
        .download_stream()
        .await
        .unwrap()
        .collect()
        .await;
    assert!(chunks.iter().all(|c| c.as_ref().unwrap().len() <= 100_000));
    let all: Vec<u8> = chunks.into_iter().flat_map(|c| c.unwrap()).collect();
    assert_eq!(all, data());
}
