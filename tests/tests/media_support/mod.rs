//! What the media tests share: clients of the generated Drive, Cloud Storage and YouTube crates on a
//! loopback emulator, test data, and the requests the emulator saw as one line each.

// Each test binary that includes this module uses a different part of it.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use discogen_emulator::{Emulator, EmulatorConfig, RecordedRequest};
use discogen_runtime::media::UploadProgress;
use discogen_runtime::RetryPolicy;

pub const KIB: usize = 1024;
pub const CHUNK: usize = 256 * KIB;

pub fn runtime(
    emulator: &Emulator,
    service_path: &str,
    retry: RetryPolicy,
) -> discogen_runtime::Client {
    discogen_runtime::Client::builder(&format!("{}{service_path}", emulator.base_url()))
        .bearer_token("test-token")
        .retry_policy(retry)
        .build()
        .unwrap()
}

pub fn quick_retries() -> RetryPolicy {
    RetryPolicy {
        initial_backoff: std::time::Duration::from_millis(1),
        ..Default::default()
    }
}

pub fn drive(emulator: &Emulator) -> media_drive_v3::Client {
    media_drive_v3::Client::new(runtime(emulator, "drive/v3/", quick_retries()))
}

pub fn storage(emulator: &Emulator) -> media_storage_v1::Client {
    media_storage_v1::Client::new(runtime(emulator, "storage/v1/", quick_retries()))
}

pub fn youtube(emulator: &Emulator) -> media_youtube_v3::Client {
    media_youtube_v3::Client::new(runtime(emulator, "", quick_retries()))
}

pub async fn emulator() -> Emulator {
    Emulator::start(EmulatorConfig::default()).await
}

/// `len` counting bytes.
pub fn data(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

/// A file holding `bytes`, in a fresh directory.
pub fn file_with(bytes: &[u8]) -> PathBuf {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("discogen-e2e-media-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("media.bin");
    std::fs::write(&path, bytes).unwrap();
    path
}

/// `METHOD path?query [Content-Range|Range]` of each request.
pub fn lines(requests: &[RecordedRequest]) -> Vec<String> {
    requests
        .iter()
        .map(|r| {
            let query: Vec<String> = r.query.iter().map(|(n, v)| format!("{n}={v}")).collect();
            let range = r.header("content-range").or(r.header("range"));
            format!(
                "{} {}?{} {}",
                r.method,
                r.path,
                query.join("&"),
                range.unwrap_or("-")
            )
        })
        .collect()
}

/// Records the progress reported.
pub fn progress_log() -> (
    Arc<Mutex<Vec<u64>>>,
    impl FnMut(UploadProgress) + Send + 'static,
) {
    let log = Arc::new(Mutex::new(Vec::new()));
    let keep = Arc::clone(&log);
    (log, move |p: UploadProgress| {
        keep.lock().unwrap().push(p.committed)
    })
}
