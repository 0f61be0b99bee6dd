//! Simple and multipart uploads: a simple upload (`uploadType=media`) sends the bytes as the body; a
//! multipart upload (`uploadType=multipart`) sends the JSON metadata and the bytes as two parts of one
//! `multipart/related` body. Either body is streamed from the source, with its `Content-Length`.

use std::sync::{Arc, Mutex};

use http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use serde::de::DeserializeOwned;

use super::exchange::status_error;
use super::limits::MediaLimits;
use super::source::UploadSource;
use crate::error::MediaErrorKind;
use crate::retry::Attempts;
use crate::transport::{Body, TransportError, TransportErrorKind};
use crate::{response, Client, Error, Request, Result};

/// How much of the source one read takes while streaming a body.
const READ_SIZE: usize = 256 * 1024;

impl Client {
    /// A simple or multipart upload of `source` as `media_type`: multipart with `request`'s JSON body
    /// as the metadata when it has one with any member, simple (`uploadType=media`) when it has none or
    /// only `{}` (the schema's `Default`), as Google's Python client sends a call without a body;
    /// `request`'s path is the method's upload path.
    /// The source is streamed, never held whole in memory (unless it is bytes already), and sent in
    /// one attempt: for large media over a network that may break, use
    /// [`upload_resumable`](Client::upload_resumable).
    ///
    /// Fails with [`Error::Media`] before anything is sent when the media is outside `limits`, or its
    /// length is unknown (a `Content-Length` is needed); and when the source cannot be read or is not
    /// as long as it said.
    #[doc(hidden)]
    pub async fn upload_media<T: DeserializeOwned>(
        &self,
        mut request: Request,
        source: UploadSource,
        media_type: &str,
        limits: &MediaLimits,
    ) -> Result<T> {
        limits.check(source.len(), media_type)?;
        let Some(len) = source.len() else {
            return Err(Error::media(
                MediaErrorKind::SourceLength,
                format!(
                    "{} has no known length, which a simple or multipart upload needs: give its \
                 length, or use a resumable upload",
                    source.label()
                ),
            ));
        };
        let metadata = request.take_body()?.filter(|body| !is_empty_object(body));
        let (content_type, frame) = match metadata {
            Some(metadata) => {
                request.set_query("uploadType", "multipart");
                let boundary = boundary(&metadata, &source);
                let frame = Frame::multipart(&boundary, &metadata, media_type);
                (format!("multipart/related; boundary={boundary}"), frame)
            }
            None => {
                request.set_query("uploadType", "media");
                (media_type.to_owned(), Frame::default())
            }
        };
        request.header(CONTENT_TYPE.as_str(), content_type);
        request.header(CONTENT_LENGTH.as_str(), (frame.len() + len).to_string());
        let problem = Problem::default();
        let body = streamed(frame, source, len, problem.clone());
        // One attempt: a streamed source cannot be read twice (a resumable upload retries).
        let attempt = Attempts::new(self.call_settings(&request)).next();
        let opened = match self.open_with(request, Some(body), attempt).await {
            Ok(opened) => opened,
            Err(error) => return Err(problem.take().unwrap_or(error)),
        };
        if !(200..300).contains(&opened.status) {
            return Err(status_error(opened, attempt.number).await);
        }
        let status = opened.status;
        let body = opened.body.bytes().await.map_err(Error::Transport)?;
        response::decode_body(status, &body)
    }
}

/// Whether a JSON body is `{}` (white space aside): no metadata to send.
fn is_empty_object(body: &[u8]) -> bool {
    let text: Vec<u8> = body
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    text == b"{}"
}

/// What goes around the media: for multipart, the metadata part and the media part's head before it,
/// the closing boundary after it.
#[derive(Default)]
struct Frame {
    head: bytes::Bytes,
    tail: bytes::Bytes,
}

impl Frame {
    fn multipart(boundary: &str, metadata: &[u8], media_type: &str) -> Frame {
        let mut head =
            format!("--{boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n")
                .into_bytes();
        head.extend_from_slice(metadata);
        head.extend_from_slice(
            format!("\r\n--{boundary}\r\nContent-Type: {media_type}\r\n\r\n").as_bytes(),
        );
        Frame {
            head: head.into(),
            tail: format!("\r\n--{boundary}--\r\n").into_bytes().into(),
        }
    }

    fn len(&self) -> u64 {
        (self.head.len() + self.tail.len()) as u64
    }
}

/// Why the source failed a streamed body, kept for the caller: the transport only sees a broken body.
#[derive(Clone, Default)]
struct Problem(Arc<Mutex<Option<Error>>>);

impl Problem {
    fn set(&self, error: Error) -> TransportError {
        let message = error.to_string();
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Some(error);
        TransportError::new(TransportErrorKind::Request, message)
    }

    fn take(&self) -> Option<Error> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).take()
    }
}

/// The body: the frame's head, `len` bytes of `source` read as they are sent, the frame's tail.
fn streamed(frame: Frame, source: UploadSource, len: u64, problem: Problem) -> Body {
    let media = futures_util::stream::try_unfold(
        (source, 0u64, problem),
        move |(mut source, sent, problem)| async move {
            if sent == len {
                return Ok(None);
            }
            let want = usize::try_from(len - sent)
                .unwrap_or(usize::MAX)
                .min(READ_SIZE);
            let chunk = source
                .read(want)
                .await
                .map_err(|e| problem.set(source.read_error(e)))?;
            let now = sent + chunk.len() as u64;
            if chunk.is_empty() {
                return Err(problem.set(source.length_error(now, len)));
            }
            // Before the last bytes go (the server may answer as soon as it has them), make sure
            // there are no more.
            if now == len
                && !source
                    .read(1)
                    .await
                    .map_err(|e| problem.set(source.read_error(e)))?
                    .is_empty()
            {
                return Err(problem.set(source.length_error(now + 1, len)));
            }
            Ok(Some((chunk, (source, now, problem))))
        },
    );
    let head = futures_util::stream::iter([Ok(frame.head)]);
    let tail = futures_util::stream::iter([Ok(frame.tail)]);
    Body::from_stream(futures_util::StreamExt::chain(
        futures_util::StreamExt::chain(head, media),
        tail,
    ))
}

/// A boundary that cannot occur in the parts: for bytes in memory the first of a sequence that does
/// not; for a file or reader (which cannot be read twice) one with 128 random bits.
fn boundary(metadata: &[u8], source: &UploadSource) -> String {
    match source.in_memory() {
        Some(data) => (0u64..)
            .map(|n| format!("discogen_boundary_{n:016x}"))
            .find(|candidate| {
                [metadata, data]
                    .iter()
                    .all(|part| !contains(part, candidate.as_bytes()))
            })
            .unwrap_or_default(),
        None => format!("discogen_boundary_{:032x}", random_u128()),
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

/// 128 random bits from the standard library's per-process random hash keys.
fn random_u128() -> u128 {
    use std::hash::{BuildHasher as _, Hasher as _};
    let half = || {
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u64(0);
        hasher.finish()
    };
    (u128::from(half()) << 64) | u128::from(half())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_boundary_for_bytes_occurs_in_neither_part() {
        let data = UploadSource::from_bytes(&b"discogen_boundary_0000000000000000 inside"[..]);
        assert_eq!(boundary(b"{}", &data), "discogen_boundary_0000000000000001");
        let reader = UploadSource::from_reader(&b"abc"[..], Some(3));
        let random = boundary(b"{}", &reader);
        assert_eq!(random.len(), "discogen_boundary_".len() + 32);
        assert_ne!(random, boundary(b"{}", &reader));
    }
}
