//! Media uploads (simple, multipart, resumable) and downloads (`alt=media`) of a generated crate, against a
//! loopback server that records exactly what it received.

mod support;

use fixture_media::media::{Upload, UploadSource};
use fixture_media::schemas::Object;
use fixture_media::{Client, Error, MediaErrorKind};
use serde_json::json;
use support::{serve, within_timeout, Response};

fn client(base_url: &str) -> Client {
    // The document's servicePath is `media/v1/`; upload paths are absolute (`/upload/media/v1/...`).
    Client::builder()
        .base_url(format!("{base_url}media/v1/"))
        .bearer_token("t")
        .build()
        .unwrap()
}

#[tokio::test]
async fn simple_upload_sends_the_bytes_to_the_upload_path() {
    let (base, log) =
        serve(|_| Response::json(200, &json!({"name": "uploaded", "size": "5"}))).await;
    let object = within_timeout(
        client(&base)
            .objects()
            .upload_data("b 1")
            .upload(b"hello".to_vec(), "text/csv"),
    )
    .await
    .unwrap();
    assert_eq!(object.name.as_deref(), Some("uploaded"));
    let request = log.single();
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        ("POST", "/upload/media/v1/b/b%201/uploads")
    );
    assert_eq!(request.query_pairs(), vec![("uploadType", "media")]);
    assert_eq!(request.header("content-type"), Some("text/csv"));
    assert_eq!(request.header("content-length"), Some("5"));
    assert_eq!(request.body, b"hello");
}

#[tokio::test]
async fn simple_upload_streams_a_file() {
    let (base, log) = serve(|_| Response::json(200, &json!({"name": "f"}))).await;
    let dir = tempdir();
    let path = dir.join("data.csv");
    let data: Vec<u8> = (0..700_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&path, &data).unwrap();
    let source = UploadSource::from_file(&path).await.unwrap();
    within_timeout(
        client(&base)
            .objects()
            .upload_data("b")
            .upload(source, "text/csv"),
    )
    .await
    .unwrap();
    let request = log.single();
    assert_eq!(request.query_pairs(), vec![("uploadType", "media")]);
    assert_eq!(request.header("content-length"), Some("700000"));
    assert!(request.body == data, "the body is not the file");
}

#[tokio::test]
async fn multipart_upload_streams_a_reader_between_random_boundaries() {
    let (base, log) = serve(|_| Response::json(200, &json!({"name": "r"}))).await;
    let metadata = Object::default().with_name("r");
    let reader = UploadSource::from_reader(&b"streamed bytes"[..], Some(14));
    within_timeout(
        client(&base)
            .objects()
            .insert("b", metadata)
            .upload(reader, "text/plain"),
    )
    .await
    .unwrap();
    let request = log.single();
    let content_type = request.header("content-type").unwrap();
    let boundary = content_type
        .strip_prefix("multipart/related; boundary=discogen_boundary_")
        .unwrap();
    assert_eq!(boundary.len(), 32, "{content_type}");
    let boundary = format!("discogen_boundary_{boundary}");
    let expected = format!(
        "--{boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n{{\"name\":\"r\"}}\r\n\
         --{boundary}\r\nContent-Type: text/plain\r\n\r\nstreamed bytes\r\n--{boundary}--\r\n"
    );
    assert_eq!(String::from_utf8_lossy(&request.body), expected);
    assert_eq!(
        request.header("content-length"),
        Some(expected.len().to_string().as_str())
    );
}

/// The kind of a media error, which is what an app matches (the text is for people).
fn media_kind(error: &Error) -> MediaErrorKind {
    match error {
        Error::Media(media) => media.kind(),
        other => panic!("not a media error: {other:?}"),
    }
}

#[tokio::test]
async fn uploads_outside_the_documents_limits_send_nothing() {
    let (base, log) = serve(|_| Response::json(200, &json!({}))).await;
    let uploads = client(&base).objects();
    let error = uploads
        .upload_data("b")
        .upload(b"x".to_vec(), "text/plain")
        .await
        .unwrap_err();
    assert_eq!(media_kind(&error), MediaErrorKind::MediaType);
    assert_eq!(
        error.to_string(),
        "media: the media type \"text/plain\" is not one this method accepts \
         (application/octet-stream, text/csv, image/*)"
    );
    // 1GB is 2^30 bytes; the reader is never read.
    let too_big = UploadSource::from_reader(tokio::io::empty(), Some((1 << 30) + 1));
    let error = uploads
        .upload_data("b")
        .upload(too_big, "image/png")
        .await
        .unwrap_err();
    assert_eq!(media_kind(&error), MediaErrorKind::TooLarge);
    assert_eq!(
        error.to_string(),
        "media: the media is 1073741825 bytes or more, but this method takes at most 1073741824 bytes"
    );
    let unknown = UploadSource::from_reader(tokio::io::empty(), None);
    let error = uploads
        .upload_data("b")
        .upload(unknown, "image/png")
        .await
        .unwrap_err();
    assert_eq!(media_kind(&error), MediaErrorKind::SourceLength);
    assert_eq!(
        error.to_string(),
        "media: the reader has no known length, which a simple or multipart upload needs: give its \
         length, or use a resumable upload"
    );
    let error = uploads
        .upload_data("b")
        .upload(
            UploadSource::from_reader(tokio::io::empty(), None),
            "text/plain",
        )
        .await
        .unwrap_err();
    assert_eq!(media_kind(&error), MediaErrorKind::MediaType);
    // 5497558138880 bytes for a resumable upload, too.
    let too_big = UploadSource::from_reader(tokio::io::empty(), Some(5_497_558_138_881));
    let error = uploads
        .insert("b", Object::default())
        .upload_resumable(Upload::new(too_big, "video/mp4"))
        .await
        .unwrap_err();
    assert_eq!(media_kind(&error), MediaErrorKind::TooLarge);
    assert_eq!(
        error.to_string(),
        "media: the media is 5497558138881 bytes or more, but this method takes at most 5497558138880 bytes"
    );
    assert!(log.requests().is_empty(), "{:?}", log.requests());
}

#[tokio::test]
async fn a_source_shorter_than_it_said_fails_the_upload() {
    let (base, _log) = serve(|_| Response::json(200, &json!({}))).await;
    let short = UploadSource::from_reader(&b"12345"[..], Some(10));
    let error = within_timeout(
        client(&base)
            .objects()
            .upload_data("b")
            .upload(short, "text/csv"),
    )
    .await
    .unwrap_err();
    assert_eq!(media_kind(&error), MediaErrorKind::SourceLength);
    assert_eq!(
        error.to_string(),
        "media: the reader ended after 5 of the 10 bytes it had when the upload started"
    );
    let long = UploadSource::from_reader(&b"12345"[..], Some(3));
    let error = within_timeout(
        client(&base)
            .objects()
            .upload_data("b")
            .upload(long, "text/csv"),
    )
    .await
    .unwrap_err();
    assert_eq!(media_kind(&error), MediaErrorKind::SourceLength);
    assert_eq!(
        error.to_string(),
        "media: the reader grew past the 3 bytes it had when the upload started"
    );
}

/// A fresh directory under the target's temporary directory.
fn tempdir() -> std::path::PathBuf {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("discogen-media-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test]
async fn upload_with_metadata_is_multipart_related() {
    let (base, log) = serve(|_| Response::json(200, &json!({"name": "a.txt"}))).await;
    let metadata = Object::default().with_name("a.txt");
    within_timeout(
        client(&base)
            .objects()
            .insert("b", metadata)
            .if_generation_match(0)
            .upload(b"abc".to_vec(), "text/plain"),
    )
    .await
    .unwrap();
    let request = log.single();
    assert_eq!(request.path, "/upload/media/v1/b/b/o");
    assert_eq!(
        request.query_pairs(),
        vec![("ifGenerationMatch", "0"), ("uploadType", "multipart")]
    );
    let boundary = "discogen_boundary_0000000000000000";
    assert_eq!(
        request.header("content-type"),
        Some(format!("multipart/related; boundary={boundary}").as_str())
    );
    let expected = format!(
        "--{boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n{{\"name\":\"a.txt\"}}\r\n\
         --{boundary}\r\nContent-Type: text/plain\r\n\r\nabc\r\n--{boundary}--\r\n"
    );
    assert_eq!(String::from_utf8_lossy(&request.body), expected);
}

#[tokio::test]
async fn resumable_upload_starts_a_session_then_puts_the_bytes() {
    let (base, log) = serve(|request| {
        if request.method == "POST" {
            let port = request.header("host").unwrap_or_default().to_owned();
            Response::raw(200, "", "text/plain")
                .with_header("Location", &format!("http://{port}/session/42"))
        } else {
            Response::json(200, &json!({"name": "big.bin"}))
        }
    })
    .await;
    let metadata = Object::default().with_name("big.bin");
    let object = within_timeout(
        client(&base)
            .objects()
            .insert("b", metadata)
            .upload_resumable(Upload::new(vec![7u8; 1000], "application/octet-stream")),
    )
    .await
    .unwrap();
    assert_eq!(object.name.as_deref(), Some("big.bin"));
    let requests = log.requests();
    assert_eq!(requests.len(), 2);
    let (start, put) = (&requests[0], &requests[1]);
    assert_eq!(
        (start.method.as_str(), start.path.as_str()),
        ("POST", "/upload/media/v1/b/b/o")
    );
    assert_eq!(start.query_pairs(), vec![("uploadType", "resumable")]);
    assert_eq!(
        start.header("x-upload-content-type"),
        Some("application/octet-stream")
    );
    assert_eq!(start.header("x-upload-content-length"), Some("1000"));
    assert_eq!(start.body, br#"{"name":"big.bin"}"#);
    assert_eq!(
        (put.method.as_str(), put.path.as_str()),
        ("PUT", "/session/42")
    );
    assert_eq!(put.header("content-type"), Some("application/octet-stream"));
    assert_eq!(put.header("content-range"), Some("bytes 0-999/1000"));
    assert_eq!(put.body, vec![7u8; 1000]);
}

#[tokio::test]
async fn resumable_upload_without_a_session_url_is_a_clear_error() {
    let (base, _log) = serve(|_| Response::raw(200, "", "text/plain")).await;
    let metadata = Object::default();
    let err = within_timeout(
        client(&base)
            .objects()
            .insert("b", metadata)
            .upload_resumable(Upload::new(b"x".to_vec(), "text/plain")),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(err, fixture_media::Error::InvalidResponse(ref m) if m.contains("no Location header")),
        "{err:?}"
    );
}

#[tokio::test]
async fn download_asks_for_alt_media_and_returns_the_bytes() {
    let (base, log) =
        serve(|_| Response::raw(200, "raw file contents", "application/octet-stream")).await;
    let bytes = within_timeout(client(&base).objects().get("b", "dir/file.txt").download())
        .await
        .unwrap();
    assert_eq!(bytes, b"raw file contents");
    let request = log.single();
    assert_eq!(request.path, "/media/v1/b/b/o/dir%2Ffile.txt");
    assert_eq!(request.query_pairs(), vec![("alt", "media")]);
    assert_eq!(request.query_param("alt"), Some("media"));
}
