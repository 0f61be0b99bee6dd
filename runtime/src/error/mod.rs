//! Errors returned by the runtime.

use std::fmt;

use crate::media::SessionUrl;
use crate::transport::TransportError;
use crate::Status;

mod kinds;

pub use kinds::{
    BatchError, BatchErrorKind, ConfigError, ConfigErrorKind, CredentialsError,
    CredentialsErrorKind, MediaError, MediaErrorKind,
};

/// Maximum number of body bytes kept in error excerpts.
pub(crate) const EXCERPT_LIMIT: usize = 512;

/// Errors returned by [`Client`](crate::Client) and the generated API calls.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The service answered with a non-success status.
    #[error("{0}")]
    Api(Box<ApiError>),
    /// The request could not be sent or the response not read (see [`TransportError`]).
    #[error("HTTP transport error: {0}")]
    Transport(#[source] TransportError),
    /// The response body was not the expected JSON.
    #[error(
        "cannot decode response body (HTTP {status}): {source}; body starts with: {body_excerpt:?}"
    )]
    Decode {
        /// The JSON error.
        #[source]
        source: serde_json::Error,
        /// The HTTP status of the response.
        status: u16,
        /// The first 512 bytes of the body, as lossy UTF-8.
        body_excerpt: String,
    },
    /// The request body could not be encoded.
    #[error("cannot encode request body: {0}")]
    Encode(#[source] serde_json::Error),
    /// The client or the call is configured in a way that cannot work (see [`ConfigErrorKind`]):
    /// nothing was sent.
    #[error("invalid client configuration: {0}")]
    Config(#[source] ConfigError),
    /// The credentials gave no token (see [`CredentialsErrorKind`]); a transient failure is retried.
    #[error("credentials: {0}")]
    Credentials(#[source] CredentialsError),
    /// The call took too long: one attempt exceeded
    /// [`ClientBuilder::timeout`](crate::ClientBuilder::timeout) and no retry
    /// was left, or the overall deadline of
    /// [`ClientBuilder::total_timeout`](crate::ClientBuilder::total_timeout)
    /// passed.
    #[error("request timed out after {elapsed:?} ({attempts} attempt(s))")]
    Timeout {
        /// Time from the start of the call (first attempt) to the timeout.
        elapsed: std::time::Duration,
        /// Attempts made, counting the one that timed out.
        attempts: u32,
    },
    /// A path parameter would have changed the request's path (a `.` or `..` segment, or a `?` or
    /// `#` in a reserved expansion): the request was not sent.
    #[error(
        "refusing to send request: a path parameter would change its path \
         ({path:?} resolves to {sent:?}); `.` and `..` segments are not allowed in path parameters"
    )]
    UnsafePath {
        /// The request's path as built from the method's template and its parameters.
        path: String,
        /// The path the URL would have had.
        sent: String,
    },
    /// A link the service handed out (a status-style operation's `selfLink` or `targetLink`) that is
    /// not an operation of this API, or not under the client's base URL, or an operation name with fewer
    /// ids than its operations service's path takes: nothing was sent.
    #[error("refusing to follow {link:?}: {reason}")]
    UnknownLink {
        /// The link as given.
        link: String,
        /// Why it was refused.
        reason: &'static str,
    },
    /// A resumable upload's session is gone (HTTP 404 or 410): the upload must start again, with a
    /// new session.
    #[error("the upload session has expired (HTTP {status}): start the upload again")]
    UploadSessionExpired {
        /// The session (its URL is a secret: it never shows in messages).
        session: SessionUrl,
        /// 404 or 410.
        status: u16,
    },
    /// Media on this side failed (see [`MediaErrorKind`]): an upload's source could not be read or
    /// changed length while it was sent (nothing was committed past what the server confirmed), the
    /// media is outside the method's limits, or a download could not be written.
    #[error("media: {0}")]
    Media(#[source] MediaError),
    /// The Google credentials belong to another universe than the client's endpoints
    /// ([`ClientBuilder::universe_domain`](crate::ClientBuilder::universe_domain),
    /// `GOOGLE_CLOUD_UNIVERSE_DOMAIN`): found when the client is built, before anything is sent.
    #[error(
        "the credentials ({source_name}) belong to universe domain {credentials:?}, but the client \
         sends to universe domain {client:?}; set ClientBuilder::universe_domain or \
         GOOGLE_CLOUD_UNIVERSE_DOMAIN to the credentials' universe, or use credentials of {client:?}"
    )]
    UniverseMismatch {
        /// The client's universe domain.
        client: String,
        /// The credentials' universe domain.
        credentials: String,
        /// Where the credentials came from.
        source_name: String,
    },
    /// A call sent in a batch got no answer of its own (see [`BatchErrorKind`]); a call the batch's
    /// response answers gets that answer as its result, as `send()` would give it.
    #[error("batch: {0}")]
    Batch(#[source] BatchError),
    /// The service's responses broke a rule the client relies on, e.g. a
    /// list call that keeps returning a page token it returned before.
    #[error("invalid response from the service: {0}")]
    InvalidResponse(String),
}

impl Error {
    pub(crate) fn config(kind: ConfigErrorKind, message: impl Into<String>) -> Error {
        Error::Config(ConfigError::new(kind, message))
    }

    pub(crate) fn credentials(kind: CredentialsErrorKind, message: impl Into<String>) -> Error {
        Error::Credentials(CredentialsError::new(kind, message))
    }

    pub(crate) fn batch(kind: BatchErrorKind, message: impl Into<String>) -> Error {
        Error::Batch(BatchError::new(kind, message))
    }

    pub(crate) fn media(kind: MediaErrorKind, message: impl Into<String>) -> Error {
        Error::Media(MediaError::new(kind, message))
    }

    /// The HTTP status of the response this error came from, if any.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Decode { status, .. } | Error::UploadSessionExpired { status, .. } => {
                Some(*status)
            }
            _ => None,
        }
    }

    /// How many attempts the call made, for [`Error::Api`] (see
    /// [`ApiError::attempts`]) and [`Error::Timeout`].
    ///
    /// Other errors carry no count: [`Error::Transport`] may also come after
    /// retries (the `tracing` events of the request tell how many).
    pub fn attempts(&self) -> Option<u32> {
        match self {
            Error::Api(e) => Some(e.attempts),
            Error::Timeout { attempts, .. } => Some(*attempts),
            _ => None,
        }
    }

    /// Whether this is [`Error::Timeout`] or a transport error caused by a
    /// timeout of the transport itself.
    pub fn is_timeout(&self) -> bool {
        match self {
            Error::Timeout { .. } => true,
            Error::Transport(e) => e.is_timeout(),
            _ => false,
        }
    }

    /// Whether another attempt may succeed: the one rule every retry of the client follows (see
    /// [`crate::retry`]). True for HTTP 408, 429, 500, 502, 503 and 504, a transport error other than
    /// a refused request, an attempt that timed out, and a transient credentials failure.
    pub fn is_transient(&self) -> bool {
        !matches!(crate::retry::verdict(self), crate::retry::Verdict::Final)
    }

    /// The `google.rpc.Status` of an [`Error::Api`] whose body had one.
    pub fn rpc_status(&self) -> Option<&Status> {
        match self {
            Error::Api(e) => e.error.as_ref(),
            _ => None,
        }
    }
}

/// A non-success response from the service.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status code.
    pub status: u16,
    /// The `google.rpc.Status` the body's `{"error": {...}}` holds, if the body had that shape.
    pub error: Option<Status>,
    /// The first 512 bytes of the body, as lossy UTF-8.
    pub body_excerpt: String,
    /// How many attempts the call made; this error is the answer to the
    /// last one. 1 unless the request was retried (see
    /// [`RetryPolicy`](crate::RetryPolicy)).
    pub attempts: u32,
    /// The wait the response's `Retry-After` header asked for, if any.
    pub retry_after: Option<std::time::Duration>,
}

impl ApiError {
    /// Builds the error for a response with `status` and `body`.
    pub fn from_response(status: u16, body: &[u8]) -> Self {
        ApiError {
            status,
            error: Status::from_error_body(status, body),
            body_excerpt: excerpt(body),
            attempts: 1,
            retry_after: None,
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}", self.status)?;
        match &self.error {
            Some(status) => write!(f, " {status}"),
            None if self.body_excerpt.trim().is_empty() => Ok(()),
            None => write!(f, ": {}", self.body_excerpt.trim()),
        }?;
        if self.attempts > 1 {
            write!(f, " (after {} attempts)", self.attempts)?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// The first [`EXCERPT_LIMIT`] bytes of `body` as lossy UTF-8, without a
/// UTF-8 sequence cut in half at the end.
pub(crate) fn excerpt(body: &[u8]) -> String {
    let mut cut = &body[..body.len().min(EXCERPT_LIMIT)];
    if cut.len() < body.len() {
        if let Err(e) = std::str::from_utf8(cut) {
            if e.error_len().is_none() {
                cut = &cut[..e.valid_up_to()];
            }
        }
    }
    String::from_utf8_lossy(cut).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Code;

    #[test]
    fn decodes_v2_error() {
        let body = br#"{"error":{"code":404,"message":"not found","status":"NOT_FOUND",
            "details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"GONE"}]}}"#;
        let e = ApiError::from_response(404, body);
        let g = e.error.as_ref().unwrap();
        assert_eq!(g.code, Code::NotFound);
        assert_eq!(g.message, "not found");
        assert_eq!(g.reason(), Some("GONE"));
        assert_eq!(e.to_string(), "HTTP 404 NOT_FOUND: not found");
        let err = Error::Api(Box::new(e));
        assert_eq!(err.status(), Some(404));
        assert_eq!(err.rpc_status().unwrap().code, Code::NotFound);
    }

    #[test]
    fn decodes_v1_error_and_array_shape() {
        let body = br#"[{"error":{"code":403,"message":"denied",
            "errors":[{"domain":"global","reason":"forbidden","message":"denied"}]}}]"#;
        let g = Status::from_error_body(500, body).unwrap();
        // No `status` name: the code is the body's HTTP code's.
        assert_eq!(g.code, Code::PermissionDenied);
        assert_eq!(g.reason(), Some("forbidden"));
        assert_eq!(g.errors.len(), 1);
        assert!(g.details.is_empty());
        let named = br#"{"error":{"code":400,"status":"FAILED_PRECONDITION","message":"m"}}"#;
        let g = Status::from_error_body(400, named).unwrap();
        assert_eq!(g.code, Code::FailedPrecondition);
        let bare = br#"{"error":{"message":"m"}}"#;
        assert_eq!(
            Status::from_error_body(503, bare).unwrap().code,
            Code::Unavailable
        );
    }

    #[test]
    fn odd_bodies_give_none() {
        for body in [
            &b""[..],
            b"<html>oops</html>",
            br#"{"error":"invalid_grant"}"#,
            br#"{"error":{"code":"x"}}"#,
            b"[]",
            b"null",
            br#"{"error":[404,"x"]}"#,
            br#"[{"code":404}]"#,
        ] {
            assert_eq!(Status::from_error_body(400, body), None);
        }
        let e = ApiError::from_response(502, b"<html>bad gateway</html>");
        assert_eq!(e.to_string(), "HTTP 502: <html>bad gateway</html>");
        assert_eq!(ApiError::from_response(500, b"").to_string(), "HTTP 500");
    }

    #[test]
    fn excerpt_is_bounded_and_utf8_safe() {
        let long = "é".repeat(600); // 1200 bytes
        let e = excerpt(long.as_bytes());
        assert_eq!(e, "é".repeat(256));
        assert_eq!(excerpt(&[b'a'; 1000]).len(), 512);
        assert_eq!(excerpt(b"\xff\xfe"), "\u{fffd}\u{fffd}");
    }
}
