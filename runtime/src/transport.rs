//! The transport: how one attempt of a call leaves the process.
//!
//! A [`Client`](crate::Client) adds credentials and headers, applies retries and timeouts, and hands
//! each attempt to its [`Transport`] as an [`HttpRequest`]; what comes back is decoded the same way
//! whatever the transport. [`ReqwestTransport`] is the default. Install another with
//! [`ClientBuilder::transport`](crate::ClientBuilder::transport): the in-process mock of the `testing`
//! feature, or an app's own (a recorder, a proxy). Bodies are [`Body`] values, in memory or streamed, in
//! both directions.

use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures_core::Stream;
use futures_util::TryStreamExt as _;

/// One attempt as it goes out: method, absolute URL, headers (credentials included) and body, with a
/// [`CallInfo`] among its extensions.
pub type HttpRequest = http::Request<Body>;

/// What came back for one attempt: status, headers and body (any status: the client decides what a
/// status means).
pub type HttpResponse = http::Response<Body>;

/// The future a [`Transport`] returns.
pub type TransportFuture =
    Pin<Box<dyn Future<Output = Result<HttpResponse, TransportError>> + Send + 'static>>;

/// Sends one attempt and returns the response, with whatever status it has.
///
/// A transport does not retry, add credentials or decode: the client does that around it. It fails
/// only when no response came (or its body broke off), with a [`TransportError`] that says whether
/// another attempt may help.
pub trait Transport: fmt::Debug + Send + Sync + 'static {
    /// Sends `request`.
    fn send(&self, request: HttpRequest) -> TransportFuture;
}

impl<T: Transport + ?Sized> Transport for std::sync::Arc<T> {
    fn send(&self, request: HttpRequest) -> TransportFuture {
        (**self).send(request)
    }
}

/// What the client knows about the call an attempt belongs to, in every [`HttpRequest`]'s extensions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallInfo {
    /// The Discovery method id (`dialogflow.projects.getAgent`), when a generated builder made the call.
    pub method_id: Option<&'static str>,
    /// 1 for the first attempt, 2 for the first retry, ...
    pub attempt: u32,
}

impl CallInfo {
    /// The call info of `request`, if a client sent it.
    pub fn of<T>(request: &http::Request<T>) -> Option<CallInfo> {
        request.extensions().get::<CallInfo>().copied()
    }
}

/// The method ids of a batch request's parts, by part number from 1 (`[0]` is part 1), among its
/// extensions: what the testing mock answers each part by.
#[derive(Debug, Clone)]
#[cfg_attr(not(feature = "testing"), allow(dead_code))]
pub(crate) struct BatchParts(pub(crate) Arc<[Option<&'static str>]>);

/// The parsed URL an attempt's `Uri` was made from, among its extensions, so that [`ReqwestTransport`]
/// need not format and parse the `Uri` again (used only while the `Uri` is unchanged).
#[derive(Debug, Clone)]
pub(crate) struct AttemptUrl(pub(crate) reqwest::Url);

/// A request or response body: empty, bytes in memory, or a stream of byte chunks.
///
/// A body is a [`Stream`] of its chunks; [`Body::bytes`] reads it whole. The client collects JSON
/// responses; media can be read chunk by chunk, so it never has to fit in memory.
pub struct Body {
    kind: Kind,
}

enum Kind {
    Bytes(bytes::Bytes),
    Stream(Pin<Box<dyn Stream<Item = Result<bytes::Bytes, TransportError>> + Send>>),
}

impl Body {
    /// A body with no bytes.
    pub fn empty() -> Body {
        Body::from(bytes::Bytes::new())
    }

    /// A body read from `stream`, one chunk at a time.
    pub fn from_stream<S>(stream: S) -> Body
    where
        S: Stream<Item = Result<bytes::Bytes, TransportError>> + Send + 'static,
    {
        Body {
            kind: Kind::Stream(Box::pin(stream)),
        }
    }

    /// The bytes of a body held in memory; `None` for a stream.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match &self.kind {
            Kind::Bytes(bytes) => Some(bytes),
            Kind::Stream(_) => None,
        }
    }

    /// Reads the whole body.
    pub async fn bytes(self) -> Result<bytes::Bytes, TransportError> {
        match self.kind {
            Kind::Bytes(bytes) => Ok(bytes),
            Kind::Stream(stream) => {
                let chunks: Vec<bytes::Bytes> = stream.try_collect().await?;
                Ok(match chunks.len() {
                    0 => bytes::Bytes::new(),
                    1 => chunks.into_iter().next().unwrap_or_default(),
                    _ => bytes::Bytes::from(chunks.concat()),
                })
            }
        }
    }
}

impl Default for Body {
    fn default() -> Self {
        Body::empty()
    }
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::Bytes(bytes) => write!(f, "Body(<{} bytes>)", bytes.len()),
            Kind::Stream(_) => f.write_str("Body(<stream>)"),
        }
    }
}

impl Stream for Body {
    type Item = Result<bytes::Bytes, TransportError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        match &mut self.kind {
            Kind::Bytes(bytes) if bytes.is_empty() => Poll::Ready(None),
            Kind::Bytes(bytes) => Poll::Ready(Some(Ok(std::mem::take(bytes)))),
            Kind::Stream(stream) => stream.as_mut().poll_next(cx),
        }
    }
}

impl From<bytes::Bytes> for Body {
    fn from(bytes: bytes::Bytes) -> Self {
        Body {
            kind: Kind::Bytes(bytes),
        }
    }
}

impl From<Vec<u8>> for Body {
    fn from(bytes: Vec<u8>) -> Self {
        Body::from(bytes::Bytes::from(bytes))
    }
}

impl From<String> for Body {
    fn from(text: String) -> Self {
        Body::from(text.into_bytes())
    }
}

impl From<&'static str> for Body {
    fn from(text: &'static str) -> Self {
        Body::from(bytes::Bytes::from_static(text.as_bytes()))
    }
}

/// Why an attempt got no (whole) response. Every kind but [`TransportErrorKind::Request`] is worth
/// another attempt (the one retry rule, [`crate::retry`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// No connection could be made.
    Connect,
    /// The transport's own time limit passed.
    Timeout,
    /// The request was refused before it went out: it could not be built or sent as given (a bad
    /// header, a redirect loop), or a mock expected no such call. Sending it again would fail the
    /// same way.
    Request,
    /// The response's body was cut off before its end.
    Body,
    /// Anything else (a connection reset, a protocol error).
    Other,
}

/// An attempt that got no (whole) response: a connection that failed or broke, or a request the
/// transport refused. Its message never holds credentials.
#[derive(Debug)]
pub struct TransportError {
    kind: TransportErrorKind,
    source: Box<dyn StdError + Send + Sync>,
}

impl TransportError {
    /// An error of `kind`; retryable unless it is [`TransportErrorKind::Request`].
    pub fn new(
        kind: TransportErrorKind,
        source: impl Into<Box<dyn StdError + Send + Sync>>,
    ) -> Self {
        TransportError {
            kind,
            source: source.into(),
        }
    }

    /// What went wrong.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    /// Whether another attempt may succeed (the client retries idempotent calls only).
    pub fn is_retryable(&self) -> bool {
        self.kind != TransportErrorKind::Request
    }

    /// Whether the transport's own time limit passed.
    pub fn is_timeout(&self) -> bool {
        self.kind == TransportErrorKind::Timeout
    }

    /// Whether no connection could be made.
    pub fn is_connect(&self) -> bool {
        self.kind == TransportErrorKind::Connect
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            TransportErrorKind::Connect => "cannot connect",
            TransportErrorKind::Timeout => "timed out",
            TransportErrorKind::Request => "request refused",
            TransportErrorKind::Body => "response body cut off",
            TransportErrorKind::Other => "connection failed",
        };
        write!(f, "{what}: {}", self.source)
    }
}

impl StdError for TransportError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source.source()
    }
}

impl From<reqwest::Error> for TransportError {
    fn from(mut error: reqwest::Error) -> Self {
        if let Some(url) = error.url_mut() {
            crate::redact::url(url);
        }
        let kind = if error.is_connect() {
            TransportErrorKind::Connect
        } else if error.is_timeout() {
            TransportErrorKind::Timeout
        } else if error.is_builder() || error.is_redirect() {
            TransportErrorKind::Request
        } else if error.is_body() || error.is_decode() {
            TransportErrorKind::Body
        } else {
            TransportErrorKind::Other
        };
        TransportError::new(kind, error)
    }
}

/// The default transport: a `reqwest` client (rustls, connection pooling).
#[derive(Debug, Clone)]
pub struct ReqwestTransport {
    client: reqwest::Client,
}

impl ReqwestTransport {
    /// Sends through `client` (configured for proxies, TLS roots, ...).
    pub fn new(client: reqwest::Client) -> Self {
        ReqwestTransport { client }
    }

    /// A transport with reqwest's default settings.
    pub fn with_defaults() -> Result<Self, TransportError> {
        ReqwestTransport::client_builder()
            .build()
            .map(ReqwestTransport::new)
            .map_err(TransportError::from)
    }

    /// Starts configuring a `reqwest` client for [`ReqwestTransport::new`] (or
    /// [`ClientBuilder::http_client`](crate::ClientBuilder::http_client)). It first makes rustls' ring
    /// provider the process's TLS provider, unless one is installed already: reqwest is built
    /// without one of its own, and a `reqwest::Client` built with no provider installed panics.
    pub fn client_builder() -> reqwest::ClientBuilder {
        install_tls_provider();
        reqwest::Client::builder()
    }

    /// The `reqwest` client it sends through.
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }
}

/// Makes rustls' ring provider the process default, unless one is installed already: reqwest's TLS,
/// google-cloud-auth's own HTTPS and the signing of service-account tokens use it.
pub(crate) fn install_tls_provider() {
    // An error means a provider is installed already: the app's choice stands.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

impl Transport for ReqwestTransport {
    fn send(&self, request: HttpRequest) -> TransportFuture {
        let (mut parts, body) = request.into_parts();
        let url = match request_url(&parts.uri, parts.extensions.remove::<AttemptUrl>()) {
            Ok(url) => url,
            Err(error) => return Box::pin(std::future::ready(Err(error))),
        };
        let body = match body.kind {
            Kind::Bytes(bytes) => reqwest::Body::from(bytes),
            Kind::Stream(stream) => reqwest::Body::wrap_stream(stream),
        };
        let sent = self
            .client
            .request(parts.method, url)
            .headers(parts.headers)
            .body(body)
            .send();
        Box::pin(async move {
            let mut response = sent.await?;
            let mut out = http::Response::builder()
                .status(response.status())
                .version(response.version());
            if let Some(headers) = out.headers_mut() {
                *headers = std::mem::take(response.headers_mut());
            }
            let body = Body::from_stream(response.bytes_stream().map_err(TransportError::from));
            out.body(body)
                .map_err(|e| TransportError::new(TransportErrorKind::Other, e))
        })
    }
}

/// The URL of `uri`: the client's own parsed URL while `uri` is still the one made from it (a wrapping
/// transport may have changed it), else `uri` parsed.
fn request_url(
    uri: &http::Uri,
    attempt: Option<AttemptUrl>,
) -> Result<reqwest::Url, TransportError> {
    match attempt {
        Some(AttemptUrl(url)) if *uri == *url.as_str() => Ok(url),
        _ => reqwest::Url::parse(&uri.to_string())
            .map_err(|e| TransportError::new(TransportErrorKind::Request, e)),
    }
}

#[cfg(test)]
mod tests {
    use futures_util::StreamExt;

    use super::*;

    #[tokio::test]
    async fn bodies_collect_and_stream_their_chunks() {
        assert_eq!(Body::from("abc").bytes().await.unwrap(), "abc");
        assert_eq!(Body::empty().bytes().await.unwrap(), "");
        let chunks =
            futures_util::stream::iter(["ab", "c", "de"].map(|c| Ok(bytes::Bytes::from(c))));
        let body = Body::from_stream(chunks);
        assert_eq!(body.as_bytes(), None);
        assert_eq!(body.bytes().await.unwrap(), "abcde");
        let streamed: Vec<_> = StreamExt::collect(Body::from("xyz")).await;
        assert_eq!(streamed.len(), 1);
        assert!(Body::empty().next().await.is_none());
    }

    #[tokio::test]
    async fn a_broken_stream_is_the_error() {
        let chunks = futures_util::stream::iter([
            Ok(bytes::Bytes::from("ab")),
            Err(TransportError::new(TransportErrorKind::Body, "reset")),
        ]);
        let error = Body::from_stream(chunks).bytes().await.unwrap_err();
        assert_eq!(error.kind(), TransportErrorKind::Body);
        assert!(error.is_retryable());
        assert_eq!(error.to_string(), "response body cut off: reset");
    }

    #[test]
    fn the_client_url_is_used_only_for_an_unchanged_uri() {
        let url = reqwest::Url::parse("http://a.example/x?q=1").unwrap();
        let same: http::Uri = url.as_str().parse().unwrap();
        let kept = request_url(&same, Some(AttemptUrl(url.clone()))).unwrap();
        assert_eq!(kept, url);
        // A transport in between sent the attempt elsewhere.
        let moved: http::Uri = "http://b.example/y".parse().unwrap();
        let parsed = request_url(&moved, Some(AttemptUrl(url))).unwrap();
        assert_eq!(parsed.as_str(), "http://b.example/y");
        let parsed = request_url(&same, None).unwrap();
        assert_eq!(parsed.as_str(), "http://a.example/x?q=1");
    }

    #[test]
    fn request_errors_are_not_retried() {
        let error = TransportError::new(TransportErrorKind::Request, "bad header");
        assert!(!error.is_retryable());
        for kind in [
            TransportErrorKind::Connect,
            TransportErrorKind::Timeout,
            TransportErrorKind::Body,
            TransportErrorKind::Other,
        ] {
            assert!(TransportError::new(kind, "x").is_retryable(), "{kind:?}");
        }
    }
}
