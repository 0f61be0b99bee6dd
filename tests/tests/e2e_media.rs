//! Media through clients generated from the real Drive v3, Cloud Storage v1 and YouTube v3 documents
//! (`tests/media-apis/`), against the emulator's media service over loopback: the exact requests of
//! each protocol (those google-api-python-client sends for the same chunk size: `uploadType` at the
//! `/upload/` path, `X-Upload-Content-*`, one `Content-Range` per chunk, `bytes */N` after a failure),
//! resuming after every fault kind, an upload resumed by a new client from its session URL, a file
//! that changes size during the upload, and downloads that resume with `Range`.

use std::sync::{Arc, Mutex};

use discogen_emulator::{Fault, MediaContent, MediaFault};
use discogen_runtime::media::{Upload, UploadSource};
use discogen_runtime::{Error, RetryPolicy};
use media_support::*;

mod media_support;

#[tokio::test]
async fn drive_files_create_resumable_sends_what_the_python_client_sends() {
    let emulator = emulator().await;
    let bytes = data(600 * KIB);
    let (progress, report) = progress_log();
    let source = UploadSource::from_file(file_with(&bytes)).await.unwrap();
    let upload = Upload::new(source, "text/plain")
        .chunk_size(CHUNK)
        .on_progress(report);
    let metadata = media_drive_v3::schemas::File::default().with_name("notes.txt");
    let file = drive(&emulator)
        .files()
        .create(metadata)
        .upload_resumable(upload)
        .await
        .unwrap();
    assert_eq!(file.id.as_deref(), Some("upload-1"));
    assert_eq!(file.name.as_deref(), Some("notes.txt"));

    let requests = emulator.requests();
    let session = "/upload/drive/v3/files?uploadType=resumable&upload_id=session-1";
    assert_eq!(
        lines(&requests),
        [
            "POST /upload/drive/v3/files?uploadType=resumable -".to_owned(),
            format!("PUT {session} bytes 0-262143/614400"),
            format!("PUT {session} bytes 262144-524287/614400"),
            format!("PUT {session} bytes 524288-614399/614400"),
        ]
    );
    let start = &requests[0];
    assert_eq!(start.header("x-upload-content-type"), Some("text/plain"));
    assert_eq!(start.header("x-upload-content-length"), Some("614400"));
    assert_eq!(start.header("content-type"), Some("application/json"));
    assert_eq!(start.body, br#"{"name":"notes.txt"}"#);
    let lengths: Vec<_> = requests[1..]
        .iter()
        .map(|r| r.header("content-length"))
        .collect();
    assert_eq!(lengths, [Some("262144"), Some("262144"), Some("90112")]);
    assert_eq!(*progress.lock().unwrap(), [262_144, 524_288, 614_400]);
    let uploads = emulator.uploads();
    assert_eq!(uploads.len(), 1);
    assert_eq!(uploads[0].bytes.as_deref(), Some(&bytes[..]));
    assert_eq!(
        uploads[0].metadata,
        serde_json::json!({"name": "notes.txt"})
    );
}

#[tokio::test]
async fn drive_files_create_multipart_streams_the_file_with_its_metadata() {
    let emulator = emulator().await;
    let bytes = data(300 * KIB);
    let source = UploadSource::from_file(file_with(&bytes)).await.unwrap();
    let metadata = media_drive_v3::schemas::File::default()
        .with_name("photo.png")
        .with_mime_type("image/png");
    let file = drive(&emulator)
        .files()
        .create(metadata)
        .upload(source, "image/png")
        .await
        .unwrap();
    assert_eq!(file.id.as_deref(), Some("upload-1"));
    assert_eq!(
        lines(&emulator.requests()),
        ["POST /upload/drive/v3/files?uploadType=multipart -"]
    );
    let upload = &emulator.uploads()[0];
    assert_eq!(upload.upload_type, "multipart");
    assert_eq!(upload.media_type, "image/png");
    assert_eq!(
        upload.metadata,
        serde_json::json!({"name": "photo.png", "mimeType": "image/png"})
    );
    assert_eq!(upload.bytes.as_deref(), Some(&bytes[..]));
}

#[tokio::test]
async fn drive_files_create_with_no_metadata_is_a_simple_upload() {
    let emulator = emulator().await;
    let bytes = data(10 * KIB);
    let file = drive(&emulator)
        .files()
        .create(media_drive_v3::schemas::File::default())
        .upload(bytes.clone(), "text/plain")
        .await
        .unwrap();
    assert_eq!(file.id.as_deref(), Some("upload-1"));
    let requests = emulator.requests();
    assert_eq!(
        lines(&requests),
        ["POST /upload/drive/v3/files?uploadType=media -"]
    );
    assert_eq!(requests[0].header("content-type"), Some("text/plain"));
    assert_eq!(requests[0].header("content-length"), Some("10240"));
    assert!(requests[0].body == bytes, "the body is the media itself");
    let upload = &emulator.uploads()[0];
    assert_eq!(upload.upload_type, "media");
    assert_eq!(upload.bytes.as_deref(), Some(&bytes[..]));
}

#[tokio::test]
async fn storage_objects_insert_resumes_after_every_fault_kind() {
    let emulator = emulator().await;
    let bytes = data(1024 * KIB + 100);
    // The first chunk's connection resets, the status query after it gets a 503, the chunk sent
    // again is only partly kept (308 with less than was sent), and the next one breaks off midway.
    emulator.inject(Fault::connection_reset().method("PUT"));
    emulator.inject(Fault::unavailable().method("PUT"));
    emulator.inject_media(MediaFault::KeepOnly(100_000));
    emulator.inject_media(MediaFault::DropMidChunk(50_000));
    let (progress, report) = progress_log();
    let upload = Upload::new(bytes.clone(), "application/octet-stream")
        .chunk_size(CHUNK)
        .on_progress(report);
    let metadata = media_storage_v1::schemas::Object::default().with_name("big.bin");
    let object = storage(&emulator)
        .objects()
        .insert("bucket", metadata)
        .upload_resumable(upload)
        .await
        .unwrap();
    assert_eq!(object.size, Some(1_048_676));

    let session = "/upload/storage/v1/b/bucket/o?uploadType=resumable&upload_id=session-1";
    let total = 1_048_676;
    assert_eq!(
        lines(&emulator.requests()),
        [
            "POST /upload/storage/v1/b/bucket/o?uploadType=resumable -".to_owned(),
            format!("PUT {session} bytes 0-262143/{total}"),
            format!("PUT {session} bytes */{total}"),
            format!("PUT {session} bytes */{total}"),
            format!("PUT {session} bytes 0-262143/{total}"),
            format!("PUT {session} bytes 100000-362143/{total}"),
            format!("PUT {session} bytes */{total}"),
            format!("PUT {session} bytes 150000-412143/{total}"),
            format!("PUT {session} bytes 412144-674287/{total}"),
            format!("PUT {session} bytes 674288-936431/{total}"),
            format!("PUT {session} bytes 936432-1048675/{total}"),
        ]
    );
    assert_eq!(
        *progress.lock().unwrap(),
        [100_000, 150_000, 412_144, 674_288, 936_432, 1_048_676]
    );
    assert_eq!(emulator.uploads()[0].bytes.as_deref(), Some(&bytes[..]));
}

#[tokio::test]
async fn an_expired_session_is_a_clear_error() {
    for status in [404, 410] {
        let emulator = emulator().await;
        emulator.inject_media(MediaFault::KeepOnly(1000));
        emulator.inject_media(MediaFault::Expire(status));
        let upload = Upload::new(data(600 * KIB), "application/octet-stream").chunk_size(CHUNK);
        let error = storage(&emulator)
            .objects()
            .insert("bucket", media_storage_v1::schemas::Object::default())
            .upload_resumable(upload)
            .await
            .unwrap_err();
        let Error::UploadSessionExpired {
            session,
            status: got,
        } = &error
        else {
            panic!("{error:?}");
        };
        assert_eq!(*got, status);
        assert_eq!(
            session.expose(),
            format!(
                "{}upload/storage/v1/b/bucket/o?uploadType=resumable&upload_id=session-1",
                emulator.base_url()
            )
        );
        assert_eq!(
            error.to_string(),
            format!("the upload session has expired (HTTP {status}): start the upload again")
        );
        assert!(emulator.uploads().is_empty());
    }
}

#[tokio::test]
async fn an_upload_resumes_in_a_new_process_from_its_session_url() {
    let emulator = emulator().await;
    let bytes = data(700 * KIB);
    let path = file_with(&bytes);
    // The first process keeps the session URL, then fails for good when a chunk breaks off.
    emulator.inject_media(MediaFault::DropMidChunk(100_000));
    let kept = Arc::new(Mutex::new(String::new()));
    let keep = Arc::clone(&kept);
    let upload = Upload::new(UploadSource::from_file(&path).await.unwrap(), "video/mp4")
        .chunk_size(CHUNK)
        .on_session(move |url| *keep.lock().unwrap() = url.to_owned());
    let first = media_youtube_v3::Client::new(runtime(&emulator, "", RetryPolicy::none()));
    let error = first
        .videos()
        .insert(["snippet"], media_youtube_v3::schemas::Video::default())
        .upload_resumable(upload)
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    let session_url = kept.lock().unwrap().clone();
    emulator.clear_requests();

    // A new client, as another process would make, goes on from what the session has, and says so.
    let (progress, report) = progress_log();
    let upload = Upload::new(UploadSource::from_file(&path).await.unwrap(), "video/mp4")
        .chunk_size(CHUNK)
        .on_progress(report)
        .resume(&session_url);
    let video = youtube(&emulator)
        .videos()
        .insert(["snippet"], media_youtube_v3::schemas::Video::default())
        .upload_resumable(upload)
        .await
        .unwrap();
    assert_eq!(video.id.as_deref(), Some("upload-1"));
    let session = "/upload/youtube/v3/videos?part=snippet&uploadType=resumable&upload_id=session-1";
    assert_eq!(
        lines(&emulator.requests()),
        [
            format!("PUT {session} bytes */716800"),
            format!("PUT {session} bytes 100000-362143/716800"),
            format!("PUT {session} bytes 362144-624287/716800"),
            format!("PUT {session} bytes 624288-716799/716800"),
        ]
    );
    assert_eq!(
        *progress.lock().unwrap(),
        [100_000, 362_144, 624_288, 716_800]
    );
    assert_eq!(emulator.uploads()[0].bytes.as_deref(), Some(&bytes[..]));
}

#[tokio::test]
async fn a_file_that_grows_during_the_upload_fails_and_leaves_no_object() {
    let emulator = emulator().await;
    let path = file_with(&data(600 * KIB));
    let grow = path.clone();
    let upload = Upload::new(UploadSource::from_file(&path).await.unwrap(), "video/mp4")
        .chunk_size(CHUNK)
        .on_progress(move |_| {
            use std::io::Write as _;
            let mut file = std::fs::OpenOptions::new()
                .append(true)
                .open(&grow)
                .unwrap();
            file.write_all(b"more").unwrap();
        });
    let error = youtube(&emulator)
        .videos()
        .insert(["snippet"], media_youtube_v3::schemas::Video::default())
        .upload_resumable(upload)
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Media(e) if e.kind() == discogen_runtime::MediaErrorKind::SourceLength)
    );
    assert_eq!(
        error.to_string(),
        format!(
            "media: file {} grew past the 614400 bytes it had when the upload started",
            path.display()
        )
    );
    // The last chunk was never sent, so the session holds no object.
    assert_eq!(emulator.requests().len(), 3);
    assert!(emulator.uploads().is_empty());
}

#[tokio::test]
async fn youtube_videos_insert_checks_the_documents_accept_list_first() {
    let emulator = emulator().await;
    let error = youtube(&emulator)
        .videos()
        .insert(["snippet"], media_youtube_v3::schemas::Video::default())
        .upload(b"not a video".to_vec(), "text/plain")
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Media(e) if e.kind() == discogen_runtime::MediaErrorKind::MediaType)
    );
    assert_eq!(
        error.to_string(),
        "media: the media type \"text/plain\" is not one this method accepts \
         (video/*, application/octet-stream)"
    );
    assert!(emulator.requests().is_empty());
}

#[tokio::test]
async fn storage_objects_get_streams_to_a_file_and_resumes_with_range() {
    let emulator = emulator().await;
    let bytes = data(700 * KIB);
    emulator.insert_media(
        "/storage/v1/b/bucket/o/dir%2Fa.bin",
        MediaContent::Bytes(bytes.clone()),
    );
    emulator.inject_media(MediaFault::DropDownloadAfter(300_000));
    emulator.inject_media(MediaFault::DropDownloadAfter(100_000));
    let path = file_with(b"");
    let mut file = tokio::fs::File::create(&path).await.unwrap();
    let download = storage(&emulator)
        .objects()
        .get("bucket", "dir/a.bin")
        .download_stream()
        .await
        .unwrap();
    assert_eq!(download.content_length(), Some(716_800));
    let written = download.write_to(&mut file, |_| {}).await.unwrap();
    assert_eq!(written, 716_800);
    assert!(
        std::fs::read(&path).unwrap() == bytes,
        "the file is not the object"
    );
    assert_eq!(
        lines(&emulator.requests()),
        [
            "GET /storage/v1/b/bucket/o/dir%2Fa.bin?alt=media -",
            "GET /storage/v1/b/bucket/o/dir%2Fa.bin?alt=media bytes=300000-",
            "GET /storage/v1/b/bucket/o/dir%2Fa.bin?alt=media bytes=400000-",
        ]
    );
    // Every attempt asks for the stored bytes, which `Range` offsets count, not a gzipped form.
    let encodings: Vec<_> = emulator
        .requests()
        .iter()
        .map(|r| r.header("accept-encoding").map(str::to_owned))
        .collect();
    assert_eq!(encodings, vec![Some("identity".to_owned()); 3]);
}

#[tokio::test]
async fn drive_files_get_downloads_small_media_in_memory() {
    let emulator = emulator().await;
    emulator.insert_media("/drive/v3/files/f1", MediaContent::Bytes(b"hello".to_vec()));
    let bytes = drive(&emulator).files().get("f1").download().await.unwrap();
    assert_eq!(bytes, b"hello");
    assert_eq!(
        lines(&emulator.requests()),
        ["GET /drive/v3/files/f1?alt=media -"]
    );
}

mod media_app;

/// The README's "Uploads and downloads" code, run: an upload that stops, resumed from the kept session
/// URL by a new client, then downloaded to a file.
#[tokio::test]
async fn the_readme_media_app_uploads_resumes_and_downloads() {
    let emulator = emulator().await;
    let bytes = data(600 * KIB);
    let video = file_with(&bytes);
    let session_file = video.with_file_name("session.txt");
    emulator.inject_media(MediaFault::DropMidChunk(100_000));
    let stopping =
        media_drive_v3::Client::new(runtime(&emulator, "drive/v3/", RetryPolicy::none()));
    let error = media_app::upload_video(&stopping, &video, &session_file)
        .await
        .unwrap_err();
    assert!(
        error.to_string().starts_with("HTTP transport error"),
        "{error}"
    );

    let file = media_app::resume_video(&drive(&emulator), &video, &session_file)
        .await
        .unwrap();
    assert_eq!(file.id.as_deref(), Some("upload-1"));
    assert_eq!(emulator.uploads()[0].bytes.as_deref(), Some(&bytes[..]));
    let ranges: Vec<_> = emulator
        .requests()
        .iter()
        .map(|r| r.header("content-range").map(str::to_owned))
        .collect();
    assert_eq!(
        ranges,
        [
            None,
            Some("bytes 0-614399/614400".to_owned()),
            Some("bytes */614400".to_owned()),
            Some("bytes 100000-614399/614400".to_owned()),
        ]
    );

    emulator.insert_media(
        "/drive/v3/files/upload-1",
        MediaContent::Bytes(bytes.clone()),
    );
    emulator.inject_media(MediaFault::DropDownloadAfter(200_000));
    let copy = video.with_file_name("copy.mp4");
    let written = media_app::download(&drive(&emulator), "upload-1", &copy)
        .await
        .unwrap();
    assert_eq!(written, 614_400);
    assert!(
        std::fs::read(&copy).unwrap() == bytes,
        "the copy is not the upload"
    );
}
