//! Downloads streamed chunk by chunk, resumed from the bytes already received when the body breaks
//! off.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use futures_util::StreamExt as _;
use http::header::{ACCEPT_ENCODING, CONTENT_LENGTH, CONTENT_RANGE, RANGE};
use tokio::io::{AsyncWrite, AsyncWriteExt as _};

use super::exchange::{back_off, status_failure, transport_failure, Failed, Opened};
use crate::transport::Body;
use crate::{Client, Error, Request, Result};

type Chunks = Pin<Box<dyn Stream<Item = Result<bytes::Bytes>> + Send>>;

/// A media download: a [`Stream`] of byte chunks, never the whole body in memory. When the body breaks
/// off, the rest is asked for with `Range: bytes=N-` (N the bytes already given), as often as the
/// client's retry policy allows.
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
            writer
                .write_all(&chunk)
                .await
                .map_err(|e| Error::Media(format!("cannot write the download: {e}")))?;
            written += chunk.len() as u64;
            progress(written);
        }
        writer
            .flush()
            .await
            .map_err(|e| Error::Media(format!("cannot write the download: {e}")))?;
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
    /// Sends `request` with `alt=media` and streams its body: see [`Download`]. The first response is
    /// retried like any idempotent call.
    pub async fn download_stream(&self, mut request: Request) -> Result<Download> {
        request.set_query("alt", "media");
        let mut state = Resuming {
            client: self.clone(),
            request,
            received: 0,
            failures: 0,
        };
        let opened = state.open(None).await?;
        let len = opened
            .headers
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok()?.parse().ok());
        let chunks =
            futures_util::stream::unfold(Some((state, opened.body)), |current| async move {
                let (mut state, mut body) = current?;
                loop {
                    match body.next().await {
                        None => return None,
                        Some(Ok(chunk)) => {
                            state.received += chunk.len() as u64;
                            return Some((Ok(chunk), Some((state, body))));
                        }
                        Some(Err(error)) => match state
                            .reopen(Failed::Retryable(Error::Transport(error)))
                            .await
                        {
                            Ok(rest) => body = rest,
                            Err(error) => return Some((Err(error), None)),
                        },
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
    /// Bytes given to the reader so far.
    received: u64,
    /// Failed attempts, across the download.
    failures: u32,
}

impl Resuming {
    /// The response to the request, from byte `from` when given, retrying failed attempts.
    async fn open(&mut self, from: Option<u64>) -> Result<Opened> {
        loop {
            let mut request = self.request.clone();
            // The stored bytes, never a compressed form: `Range` offsets count those.
            request.header(ACCEPT_ENCODING.as_str(), "identity");
            if let Some(from) = from {
                request.header(RANGE.as_str(), format!("bytes={from}-"));
            }
            let failure = match self.client.open(request, self.failures + 1).await {
                Ok(opened) if (200..300).contains(&opened.status) => return Ok(opened),
                Ok(opened) => status_failure(opened, self.failures + 1).await,
                Err(failure) => failure,
            };
            back_off(&self.client, &mut self.failures, failure).await?;
        }
    }

    /// The rest of the body after `failure` broke it off: asked for from the bytes received.
    async fn reopen(&mut self, failure: Failed) -> Result<Body> {
        back_off(&self.client, &mut self.failures, failure).await?;
        let opened = self.open(Some(self.received)).await?;
        if opened.status == 206 {
            check_range(&opened, self.received)?;
            return Ok(opened.body);
        }
        // The server ignored `Range` and sends it all again: skip what was given already.
        skip(opened.body, self.received).await
    }
}

/// A `206` must start where it was asked to.
fn check_range(opened: &Opened, from: u64) -> Result<()> {
    let start = opened
        .headers
        .get(CONTENT_RANGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("bytes "))
        .and_then(|v| v.split('-').next())
        .and_then(|v| v.parse::<u64>().ok());
    match start {
        Some(start) if start == from => Ok(()),
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
        let chunk = chunk.map_err(|e| transport_failure(e).into_error())?;
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
