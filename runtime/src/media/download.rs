//! Downloads streamed chunk by chunk, resumed from the bytes already received when the body breaks
//! off.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use futures_util::StreamExt as _;
use http::header::{ACCEPT_ENCODING, CONTENT_LENGTH, CONTENT_RANGE, RANGE};
use tokio::io::{AsyncWrite, AsyncWriteExt as _};

use super::exchange::{status_error, Opened};
use crate::error::{MediaError, MediaErrorKind};
use crate::retry::Attempts;
use crate::transport::Body;
use crate::{Client, Error, Request, Result};

type Chunks = Pin<Box<dyn Stream<Item = Result<bytes::Bytes>> + Send>>;

/// A media download: a [`Stream`] of byte chunks, never the whole body in memory. When the body breaks
/// off, the rest is asked for with `Range: bytes=N-` (N the bytes already given): a retry of the same
/// range, by the call's retry policy, whose budget starts again whenever bytes arrive, so a download
/// whose every response is cut still completes. [`Client::download_ranges`] asks for the media in
/// ranges of a fixed size instead, one request each.
pub struct Download {
    chunks: Chunks,
    len: Option<u64>,
}

impl Download {
    /// The body's length, when the server said.
    pub fn content_length(&self) -> Option<u64> {
        self.len
    }

    /// Writes the whole body into `writer` (a file, say), calling `progress` with the bytes written
    /// so far after each chunk; returns how many there were.
    pub async fn write_to<W: AsyncWrite + Unpin>(
        mut self,
        writer: &mut W,
        mut progress: impl FnMut(u64),
    ) -> Result<u64> {
        let mut written = 0;
        while let Some(chunk) = self.chunks.next().await {
            let chunk = chunk?;
            writer.write_all(&chunk).await.map_err(write_error)?;
            written += chunk.len() as u64;
            progress(written);
        }
        writer.flush().await.map_err(write_error)?;
        Ok(written)
    }

    /// The whole body in memory, for small media.
    pub async fn bytes(mut self) -> Result<Vec<u8>> {
        let mut all = Vec::with_capacity(self.len.map_or(0, |n| usize::try_from(n).unwrap_or(0)));
        while let Some(chunk) = self.chunks.next().await {
            all.extend_from_slice(&chunk?);
        }
        Ok(all)
    }
}

impl Stream for Download {
    type Item = Result<bytes::Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.chunks.as_mut().poll_next(cx)
    }
}

impl fmt::Debug for Download {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Download")
            .field("content_length", &self.len)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Sends `request` with `alt=media` and streams its body: see [`Download`]. Every attempt follows
    /// the call's options and the one retry rule ([`crate::retry`]).
    pub async fn download_stream(&self, request: Request) -> Result<Download> {
        self.download_with(request, None).await
    }

    /// Like [`Client::download_stream`], asking for the media in ranges of `chunk_size` bytes
    /// (`Range: bytes=a-b`, one request each), as Google's Python client does with a chunk size:
    /// for proxies that cut long responses, and objects too large for one. A server that ignores
    /// `Range` and sends it all is read as one response.
    pub async fn download_ranges(&self, request: Request, chunk_size: u64) -> Result<Download> {
        self.download_with(request, Some(chunk_size.max(1))).await
    }

    async fn download_with(&self, mut request: Request, chunk: Option<u64>) -> Result<Download> {
        request.set_query("alt", "media");
        let mut settings = self.call_settings(&request);
        settings.idempotent = true;
        let mut state = Resuming {
            client: self.clone(),
            request,
            attempts: Attempts::new(settings),
            received: 0,
            chunk,
            total: None,
        };
        let first = state.open().await?;
        let len = state.total.or_else(|| {
            first
                .headers
                .get(CONTENT_LENGTH)
                .and_then(|v| v.to_str().ok()?.parse().ok())
        });
        let chunks = futures_util::stream::unfold(Some((state, first)), |current| async move {
            let (mut state, mut opened) = current?;
            loop {
                match opened.body.next().await {
                    Some(Ok(chunk)) if chunk.is_empty() => {}
                    Some(Ok(chunk)) => {
                        state.received += chunk.len() as u64;
                        // Bytes arrived: the range's retries start again.
                        state.attempts.progressed();
                        return Some((Ok(chunk), Some((state, opened))));
                    }
                    Some(Err(cut)) => {
                        if let Err(error) = state.attempts.back_off(Error::Transport(cut)).await {
                            return Some((Err(error), None));
                        }
                    }
                    None if !state.more() => return None,
                    None => {}
                }
                // The body was cut, or the range is done and more remain: ask from what we have.
                opened = match state.open().await {
                    Ok(next) => next,
                    Err(error) => return Some((Err(error), None)),
                };
                if state.done() {
                    return None;
                }
            }
        });
        Ok(Download {
            chunks: Box::pin(chunks),
            len,
        })
    }
}

/// A download and how far it has got.
struct Resuming {
    client: Client,
    request: Request,
    attempts: Attempts,
    /// Bytes given to the reader so far.
    received: u64,
    /// The size of each range, when downloading in ranges.
    chunk: Option<u64>,
    /// The media's length, once a `206`'s `Content-Range` has said it.
    total: Option<u64>,
}

impl Resuming {
    /// Whether bytes remain after a response ended: only in ranged mode, until the total.
    fn more(&self) -> bool {
        self.chunk.is_some() && self.total.is_some_and(|total| self.received < total)
    }

    /// Whether the whole media has been received (ranged mode, an empty media's `416`).
    fn done(&self) -> bool {
        self.total.is_some_and(|total| self.received >= total) && self.chunk.is_some()
    }

    /// The response from the bytes received on (the next range, in ranged mode), retrying failed
    /// attempts; a response that ignored `Range` has the bytes already given skipped.
    async fn open(&mut self) -> Result<Opened> {
        let from = self.received;
        let to = self.chunk.map(|chunk| from.saturating_add(chunk - 1));
        let client = self.client.clone();
        let request = &self.request;
        let opened = self
            .attempts
            .run(|attempt| {
                let mut request = request.clone();
                // The stored bytes, never a compressed form: `Range` offsets count those.
                request.header(ACCEPT_ENCODING.as_str(), "identity");
                match (from, to) {
                    (_, Some(to)) => request.header(RANGE.as_str(), format!("bytes={from}-{to}")),
                    (0, None) => {}
                    (_, None) => request.header(RANGE.as_str(), format!("bytes={from}-")),
                }
                let client = client.clone();
                async move {
                    let opened = client.open_with(request, None, attempt).await?;
                    match opened.status {
                        200..=299 => Ok(opened),
                        // Nothing at or past `from`: an empty media asked for in ranges.
                        416 if to.is_some() => Ok(opened),
                        _ => Err(status_error(opened, attempt.number).await),
                    }
                }
            })
            .await?;
        match opened.status {
            206 => {
                self.total = check_range(&opened, from)?.or(self.total);
                Ok(opened)
            }
            416 => {
                self.total = Some(from);
                Ok(opened)
            }
            // The server ignored `Range` and sends it all: skip what was given already.
            _ => {
                self.chunk = None;
                let body = skip(opened.body, from).await?;
                Ok(Opened { body, ..opened })
            }
        }
    }
}

/// A `206` must start where it was asked to; the total it gives (`bytes a-b/total`), if any.
fn check_range(opened: &Opened, from: u64) -> Result<Option<u64>> {
    let range = opened
        .headers
        .get(CONTENT_RANGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("bytes "));
    let start = range
        .and_then(|v| v.split('-').next())
        .and_then(|v| v.parse::<u64>().ok());
    match start {
        Some(start) if start == from => {
            Ok(range.and_then(|v| v.rsplit('/').next()?.parse::<u64>().ok()))
        }
        _ => Err(Error::InvalidResponse(format!(
            "asked for the download from byte {from}, the server answered 206 with Content-Range {:?}",
            opened.headers.get(CONTENT_RANGE)
        ))),
    }
}

/// `body` without its first `n` bytes.
async fn skip(mut body: Body, mut n: u64) -> Result<Body> {
    while n > 0 {
        let Some(chunk) = body.next().await else {
            return Err(Error::InvalidResponse(
                "the download is shorter the second time".to_owned(),
            ));
        };
        let chunk = chunk.map_err(Error::Transport)?;
        let len = chunk.len() as u64;
        if len > n {
            let rest = chunk.slice(usize::try_from(n).unwrap_or(0)..);
            let tail = futures_util::stream::once(async move { Ok(rest) }).chain(body);
            return Ok(Body::from_stream(tail));
        }
        n -= len;
    }
    Ok(body)
}

fn write_error(error: std::io::Error) -> Error {
    Error::Media(
        MediaError::new(MediaErrorKind::Write, "cannot write the download").caused_by(error),
    )
}
