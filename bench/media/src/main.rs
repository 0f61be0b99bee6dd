//! `discogen-media-bench MODE ...`, one scenario per process so that its peak resident memory is its own:
//!
//! - `server SIZE`: the emulator (keeping no media bytes) with a SIZE-byte object at
//!   `/storage/v1/b/bench/o/big`; prints its base URL and serves until stdin closes.
//! - `upload-ours|upload-raw BASE FILE`: uploads FILE through a resumable session in 8 MiB chunks.
//! - `download-ours|download-raw BASE FILE`: downloads the object into FILE.
//!
//! A client mode prints `SECONDS BYTES VMHWM_KIB`.

use std::time::Instant;

use discogen_emulator::{Emulator, EmulatorConfig, MediaContent};
use discogen_runtime::__private::MediaLimits;
use discogen_runtime::media::{Upload, UploadSource, DEFAULT_CHUNK_SIZE};
use discogen_runtime::{Client, Method, Request};
use futures_util::StreamExt as _;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

const UPLOAD_PATH: &str = "/upload/storage/v1/b/bench/o";
const OBJECT_PATH: &str = "/storage/v1/b/bench/o/big";

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| {
        args.get(i)
            .cloned()
            .ok_or("usage: MODE ARGS (see the source)")
    };
    let mode = arg(0)?;
    if mode == "server" {
        return serve(arg(1)?.parse()?).await;
    }
    let (base, file) = (arg(1)?, arg(2)?);
    let start = Instant::now();
    let bytes = match mode.as_str() {
        "upload-ours" => upload_ours(&base, &file).await?,
        "upload-raw" => upload_raw(&base, &file).await?,
        "download-ours" => download_ours(&base, &file).await?,
        "download-raw" => download_raw(&base, &file).await?,
        other => return Err(format!("unknown mode {other}").into()),
    };
    let seconds = start.elapsed().as_secs_f64();
    println!("{seconds:.3} {bytes} {}", peak_resident_kib()?);
    Ok(())
}

async fn serve(size: u64) -> Result<()> {
    let config = EmulatorConfig {
        keep_media: false,
        ..EmulatorConfig::default()
    };
    let emulator = Emulator::start(config).await;
    emulator.insert_media(OBJECT_PATH, MediaContent::Pattern(size));
    println!("{}", emulator.base_url());
    // Serve until the script closes stdin.
    let mut sink = Vec::new();
    tokio::io::stdin().read_to_end(&mut sink).await?;
    Ok(())
}

fn client(base: &str) -> Result<Client> {
    Ok(Client::builder(&format!("{base}storage/v1/")).build()?)
}

async fn upload_ours(base: &str, file: &str) -> Result<u64> {
    let source = UploadSource::from_file(file).await?;
    let len = source.len().unwrap_or_default();
    let mut request = Request::new(Method::POST, UPLOAD_PATH.to_owned());
    request.set_query("name", "big");
    let upload = Upload::new(source, "application/octet-stream");
    let _: serde_json::Value = client(base)?
        .upload_resumable(request, upload, &MediaLimits::NONE)
        .await?;
    Ok(len)
}

/// The same protocol by hand: a session, then 8 MiB chunks read from the file, each with its range.
async fn upload_raw(base: &str, file: &str) -> Result<u64> {
    let http = raw_client()?;
    let mut source = tokio::fs::File::open(file).await?;
    let len = source.metadata().await?.len();
    let started = http
        .post(format!(
            "{}{UPLOAD_PATH}?name=big&uploadType=resumable",
            base.trim_end_matches('/')
        ))
        .header("X-Upload-Content-Type", "application/octet-stream")
        .header("X-Upload-Content-Length", len.to_string())
        .header("Content-Length", "0")
        .send()
        .await?;
    let session = started.headers()["location"].to_str()?.to_owned();
    let mut sent = 0;
    while sent < len {
        let n = (len - sent).min(DEFAULT_CHUNK_SIZE as u64);
        let mut chunk = vec![0; n as usize];
        source.read_exact(&mut chunk).await?;
        let answer = http
            .put(&session)
            .header(
                "Content-Range",
                format!("bytes {sent}-{}/{len}", sent + n - 1),
            )
            .body(chunk)
            .send()
            .await?;
        let status = answer.status().as_u16();
        answer.bytes().await?;
        sent += n;
        if status != 308 && sent < len {
            return Err(format!("chunk answered {status}").into());
        }
    }
    Ok(sent)
}

async fn download_ours(base: &str, file: &str) -> Result<u64> {
    let request = Request::new(Method::GET, "b/bench/o/big".to_owned());
    let download = client(base)?.download_stream(request).await?;
    let mut out = tokio::fs::File::create(file).await?;
    Ok(download.write_to(&mut out, |_| {}).await?)
}

async fn download_raw(base: &str, file: &str) -> Result<u64> {
    let response = raw_client()?
        .get(format!(
            "{}{OBJECT_PATH}?alt=media",
            base.trim_end_matches('/')
        ))
        .send()
        .await?;
    let mut body = response.bytes_stream();
    let mut out = tokio::fs::File::create(file).await?;
    let mut written = 0;
    while let Some(chunk) = body.next().await {
        let chunk: bytes::Bytes = chunk?;
        out.write_all(&chunk).await?;
        written += chunk.len() as u64;
    }
    out.flush().await?;
    Ok(written)
}

/// A reqwest client as the runtime's default transport builds one (rustls with ring installed).
fn raw_client() -> Result<reqwest::Client> {
    Ok(discogen_runtime::transport::ReqwestTransport::client_builder().build()?)
}

/// The process's peak resident memory (`VmHWM`), in KiB.
fn peak_resident_kib() -> Result<u64> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    let line = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .ok_or("no VmHWM in /proc/self/status")?;
    Ok(line.split_whitespace().nth(1).ok_or("bad VmHWM")?.parse()?)
}
