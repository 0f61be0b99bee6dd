//! Resumable uploads in chunks, as Google's protocol asks: trust only what the session says it has.

use std::fmt;

use http::header::{CONTENT_RANGE, CONTENT_TYPE, LOCATION, RANGE};
use serde::de::DeserializeOwned;

use super::exchange::{status_error, Opened};
use super::limits::MediaLimits;
use super::source::UploadSource;
use crate::retry::{Attempt, Attempts};
use crate::transport::Body;
use crate::{response, Client, Error, Method, Request, Result};

/// Chunk sizes are multiples of this (256 KiB), as the protocol requires of every chunk but the last.
pub const CHUNK_GRANULARITY: usize = 256 * 1024;

/// The chunk size unless [`Upload::chunk_size`] says otherwise: 8 MiB.
pub const DEFAULT_CHUNK_SIZE: usize = 8 * 1024 * 1024;

/// How far an upload has got: the bytes the server has confirmed, of the total when known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UploadProgress {
    /// Bytes the server has committed.
    pub committed: u64,
    /// The source's length, when known.
    pub total: Option<u64>,
}

/// A resumable upload's session URL. It carries the right to upload, so its `Debug` and `Display`
/// (and so every error and log line that holds it) show it with its `upload_id` redacted;
/// [`SessionUrl::expose`] gives it whole, to store as a secret and [`Upload::resume`] later.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionUrl(String);

impl SessionUrl {
    /// The whole URL, `upload_id` included.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SessionUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::redact::url_text(&self.0))
    }
}

impl fmt::Debug for SessionUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SessionUrl({self})")
    }
}

type ProgressFn = Box<dyn FnMut(UploadProgress) + Send>;
type SessionFn = Box<dyn FnOnce(&str) + Send>;

/// A resumable upload: its source, media type and chunk size, what to tell the app as it goes, and
/// the session to resume, if any.
pub struct Upload {
    source: UploadSource,
    media_type: String,
    chunk_size: usize,
    on_progress: Option<ProgressFn>,
    on_session: Option<SessionFn>,
    resume: Option<String>,
}

impl Upload {
    /// Uploads `source` as `media_type` (`video/mp4`), in chunks of [`DEFAULT_CHUNK_SIZE`].
    pub fn new(source: impl Into<UploadSource>, media_type: impl Into<String>) -> Self {
        Upload {
            source: source.into(),
            media_type: media_type.into(),
            chunk_size: DEFAULT_CHUNK_SIZE,
            on_progress: None,
            on_session: None,
            resume: None,
        }
    }

    /// Sends chunks of `bytes`, rounded up to a multiple of [`CHUNK_GRANULARITY`]. Larger chunks mean
    /// fewer requests; each chunk is held in memory, and a failed one is sent again from what the
    /// server has of it.
    pub fn chunk_size(mut self, bytes: usize) -> Self {
        let chunks = bytes.div_ceil(CHUNK_GRANULARITY).max(1);
        self.chunk_size = chunks.saturating_mul(CHUNK_GRANULARITY);
        self
    }

    /// Calls `report` each time the server confirms more bytes, and once when a resumed session
    /// says what it has.
    pub fn on_progress(mut self, report: impl FnMut(UploadProgress) + Send + 'static) -> Self {
        self.on_progress = Some(Box::new(report));
        self
    }

    /// Calls `keep` with the session URL as soon as the session exists: keep it to
    /// [`resume`](Upload::resume) the upload in another process. It carries the right to upload: store it
    /// as a secret.
    pub fn on_session(mut self, keep: impl FnOnce(&str) + Send + 'static) -> Self {
        self.on_session = Some(Box::new(keep));
        self
    }

    /// Goes on with the session at `session_url` instead of starting one: the server says how much it
    /// has, and the source (the same bytes from the start) is read from there.
    pub fn resume(mut self, session_url: impl Into<String>) -> Self {
        self.resume = Some(session_url.into());
        self
    }
}

impl fmt::Debug for Upload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Upload")
            .field("source", &self.source)
            .field("media_type", &self.media_type)
            .field("chunk_size", &self.chunk_size)
            .field("resume", &self.resume.is_some())
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A resumable upload: starts a session with `request` (its JSON body, if any, is the metadata;
    /// its path the method's resumable upload path) or resumes [`Upload::resume`]'s, sends the source
    /// in chunks and decodes the final response.
    ///
    /// Fails with [`Error::Media`] before anything is sent when the media is outside `limits`;
    /// with [`Error::UploadSessionExpired`] when the session is gone (the upload must start
    /// again), [`Error::Media`] when the source cannot be read or changes length (or, of unknown
    /// length, turns out larger than `limits` allow), and
    /// [`Error::InvalidResponse`] when the server breaks the protocol (reports fewer bytes than it had
    /// confirmed, or more than were sent, or hands out a session on another host).
    #[doc(hidden)]
    pub async fn upload_resumable<T: DeserializeOwned>(
        &self,
        request: Request,
        upload: Upload,
        limits: &MediaLimits,
    ) -> Result<T> {
        limits.check(upload.source.len(), &upload.media_type)?;
        let method_id = request.method_id();
        let mut settings = self.call_settings(&request);
        // Google's protocol makes every chunk safe to send again: the session says what it has.
        settings.idempotent = true;
        let mut attempts = Attempts::new(settings);
        let mut upload = upload;
        let resumed = upload.resume.is_some();
        let url = match upload.resume.take() {
            Some(url) => url,
            None => self.start_session(request, &upload).await?,
        };
        if !url.starts_with(&format!("{}/", self.origin())) {
            return Err(Error::InvalidResponse(format!(
                "the upload session {} is not on the client's host {}",
                SessionUrl(url),
                self.origin()
            )));
        }
        if let Some(keep) = upload.on_session.take() {
            keep(&url);
        }
        let session = Session {
            client: self,
            url,
            method_id,
            total: upload.source.len(),
            limits: *limits,
        };
        let (status, body) = session.run(&mut attempts, upload, resumed).await?;
        response::decode_body(status, &body)
    }

    /// The session URL for `request`: `uploadType=resumable`, the media's type and length as headers,
    /// the URL from `Location`.
    async fn start_session(&self, mut request: Request, upload: &Upload) -> Result<String> {
        request.set_query("uploadType", "resumable");
        request.header("X-Upload-Content-Type", upload.media_type.clone());
        if let Some(len) = upload.source.len() {
            request.header("X-Upload-Content-Length", len.to_string());
        }
        let (status, headers, body) = self.send(request).await?;
        headers
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
            .ok_or_else(|| {
                Error::InvalidResponse(format!(
                    "a resumable upload session was answered with HTTP {status} but no Location \
                     header: {}",
                    crate::error::excerpt(&body)
                ))
            })
    }
}

/// What the session answered.
enum Reply {
    /// `308`: it has the first this many bytes.
    Committed(u64),
    /// The upload is complete: the final status and body.
    Done(u16, bytes::Bytes),
}

struct Session<'c> {
    client: &'c Client,
    url: String,
    method_id: Option<&'static str>,
    total: Option<u64>,
    limits: MediaLimits,
}

/// The bytes read but not yet committed, from offset `start`: one buffer, sent as it is (no copy per
/// attempt).
struct Pending {
    start: u64,
    bytes: bytes::Bytes,
    /// The source has no more.
    eof: bool,
}

impl Pending {
    fn end(&self) -> u64 {
        self.start + self.bytes.len() as u64
    }
}

impl Session<'_> {
    async fn run(
        &self,
        attempts: &mut Attempts,
        mut upload: Upload,
        resumed: bool,
    ) -> Result<(u16, bytes::Bytes)> {
        let mut pending = Pending {
            start: 0,
            bytes: bytes::Bytes::new(),
            eof: false,
        };
        if resumed {
            // Read the source from what the session has.
            match self.ask(attempts).await? {
                Reply::Done(status, body) => return Ok((status, body)),
                Reply::Committed(n) => {
                    upload
                        .source
                        .skip(n)
                        .await
                        .map_err(|e| upload.source.read_error(e))?;
                    pending.start = n;
                    report(&mut upload, n, self.total);
                }
            }
        }
        loop {
            self.fill(&mut upload, &mut pending).await?;
            let attempt = attempts.next();
            let reply = match self.put(&upload, &pending, attempt).await {
                Ok(reply) => reply,
                Err(error) => {
                    attempts.back_off(error).await?;
                    self.ask(attempts).await?
                }
            };
            match reply {
                Reply::Done(status, body) => {
                    report(&mut upload, pending.end(), self.total);
                    return Ok((status, body));
                }
                Reply::Committed(n) => {
                    if self.commit(&mut upload, &mut pending, n)? {
                        // The unit of work is a chunk: its retries start again.
                        attempts.progressed();
                    }
                }
            }
        }
    }

    /// Reads the source until the pending bytes make a chunk or it ends, checking its length.
    async fn fill(&self, upload: &mut Upload, pending: &mut Pending) -> Result<()> {
        while pending.bytes.len() < upload.chunk_size && !pending.eof {
            let more = upload
                .source
                .read(upload.chunk_size - pending.bytes.len())
                .await
                .map_err(|e| upload.source.read_error(e))?;
            pending.eof = more.is_empty();
            pending.bytes = match pending.bytes.is_empty() {
                true => more,
                // After a partial commit: the rest of the chunk, then more.
                false => [&pending.bytes[..], &more[..]].concat().into(),
            };
        }
        let end = pending.end();
        self.limits.check_len(end)?;
        let Some(total) = self.total else {
            return Ok(());
        };
        if end > total || (end == total && !pending.eof && self.grew(upload).await?) {
            return Err(upload.source.length_error(end.max(total + 1), total));
        }
        if end == total {
            pending.eof = true;
        }
        if pending.eof && end < total {
            return Err(upload.source.length_error(end, total));
        }
        Ok(())
    }

    /// Whether the source has a byte past its announced end.
    async fn grew(&self, upload: &mut Upload) -> Result<bool> {
        let probe = upload
            .source
            .read(1)
            .await
            .map_err(|e| upload.source.read_error(e))?;
        Ok(!probe.is_empty())
    }

    /// Takes the server's word that it has `committed` bytes, if it can be true; whether that is
    /// more than it had.
    fn commit(&self, upload: &mut Upload, pending: &mut Pending, committed: u64) -> Result<bool> {
        if committed < pending.start {
            return Err(Error::InvalidResponse(format!(
                "the upload session reports {committed} bytes after confirming {}",
                pending.start
            )));
        }
        if committed > pending.end() {
            return Err(Error::InvalidResponse(format!(
                "the upload session reports {committed} bytes, but only {} were sent",
                pending.end()
            )));
        }
        if pending.eof && committed == pending.end() && pending.bytes.is_empty() {
            return Err(Error::InvalidResponse(format!(
                "the upload session has all {committed} bytes but does not finish the upload"
            )));
        }
        let kept = usize::try_from(committed - pending.start).unwrap_or(usize::MAX);
        pending.bytes = pending.bytes.slice(kept.min(pending.bytes.len())..);
        if kept > 0 {
            report(upload, committed, self.total);
        }
        pending.start = committed;
        Ok(kept > 0)
    }

    /// Sends the pending bytes as the next chunk.
    async fn put(&self, upload: &Upload, pending: &Pending, attempt: Attempt) -> Result<Reply> {
        let total = match (pending.eof, self.total) {
            (true, _) => pending.end().to_string(),
            (false, Some(total)) => total.to_string(),
            (false, None) => "*".to_owned(),
        };
        let range = match pending.bytes.is_empty() {
            true => format!("bytes */{total}"),
            false => format!("bytes {}-{}/{total}", pending.start, pending.end() - 1),
        };
        let mut request = self.request(range);
        if pending.bytes.is_empty() {
            return self.reply(request, None, attempt).await;
        }
        request.header(CONTENT_TYPE.as_str(), upload.media_type.clone());
        let body = Body::from(pending.bytes.clone());
        self.reply(request, Some(body), attempt).await
    }

    /// Asks the session what it has (`Content-Range: bytes */N`), retrying while that fails.
    async fn ask(&self, attempts: &mut Attempts) -> Result<Reply> {
        let total = self.total.map_or("*".to_owned(), |t| t.to_string());
        attempts
            .run(|attempt| {
                let request = self.request(format!("bytes */{total}"));
                self.reply(request, None, attempt)
            })
            .await
    }

    fn request(&self, content_range: String) -> Request {
        let mut request = Request::new(Method::PUT, self.url.clone());
        if let Some(id) = self.method_id {
            request.set_method_id(id);
        }
        request.header(CONTENT_RANGE.as_str(), content_range);
        request
    }

    async fn reply(&self, request: Request, body: Option<Body>, attempt: Attempt) -> Result<Reply> {
        let opened = self.client.open_with(request, body, attempt).await?;
        match opened.status {
            308 => committed_range(&opened).map(Reply::Committed),
            200 | 201 => {
                let body = opened.body.bytes().await.map_err(Error::Transport)?;
                Ok(Reply::Done(opened.status, body))
            }
            404 | 410 => Err(Error::UploadSessionExpired {
                session: SessionUrl(self.url.clone()),
                status: opened.status,
            }),
            _ => Err(status_error(opened, attempt.number).await),
        }
    }
}

/// The bytes a `308` says the session has: `Range: bytes=0-N` is N + 1, no `Range` none.
fn committed_range(opened: &Opened) -> Result<u64> {
    let Some(range) = opened.headers.get(RANGE) else {
        return Ok(0);
    };
    range
        .to_str()
        .ok()
        .and_then(|r| r.strip_prefix("bytes=0-"))
        .and_then(|last| last.parse::<u64>().ok())
        .and_then(|last| last.checked_add(1))
        .ok_or_else(|| {
            Error::InvalidResponse(format!(
                "the upload session answered 308 with an unreadable Range header {range:?}"
            ))
        })
}

fn report(upload: &mut Upload, committed: u64, total: Option<u64>) {
    if let Some(report) = &mut upload.on_progress {
        report(UploadProgress { committed, total });
    }
}
