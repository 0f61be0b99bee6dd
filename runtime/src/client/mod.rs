//! The HTTP client, token providers and the send loop (retries, timeouts).

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use http::header::{
    HeaderMap, HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE,
};
use reqwest::Url;
use serde::de::DeserializeOwned;
use tokio::time::Instant;
use tracing::Instrument as _;

use crate::auth::{ApiKey, StaticToken, TokenProvider};
use crate::error::{ConfigErrorKind, CredentialsErrorKind};
use crate::response::{self, Verdict};
use crate::retry::{Attempt, Attempts, CallSettings, RetryPolicy};
use crate::telemetry::{self, Target, TraceContext};
use crate::transport::{
    AttemptUrl, Body, CallInfo, HttpRequest, ReqwestTransport, Transport, TransportError,
    TransportErrorKind,
};
use crate::{Error, Method, Request, Result};

/// The default `User-Agent` header.
const DEFAULT_USER_AGENT: &str = concat!("discogen-runtime/", env!("CARGO_PKG_VERSION"));

/// The header carrying [`Request::api_version`].
const API_VERSION_HEADER: HeaderName = HeaderName::from_static("x-goog-api-version");

mod builder;
mod url;

pub use builder::ClientBuilder;

/// Shared, cheap-to-clone HTTP client configured for one API.
///
/// Sending needs a Tokio runtime with timers enabled (`#[tokio::main]` and
/// `#[tokio::test]` enable them): retries sleep and timeouts use
/// `tokio::time`.
#[derive(Clone, Debug)]
pub struct Client {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    transport: Arc<dyn Transport>,
    /// Always ends with `/`.
    base_url: String,
    /// Scheme, host and port of the base URL, without a trailing `/`.
    origin: String,
    auth: Option<Auth>,
    api_key: Option<ApiKey>,
    user_agent: HeaderValue,
    /// The library the calls name (spans, `x-goog-api-client`).
    library: telemetry::Library,
    retry: RetryPolicy,
    /// Limit of one attempt.
    timeout: Option<Duration>,
    /// Limit of a whole call, across retries.
    total_timeout: Option<Duration>,
    /// Gives each attempt's `traceparent`.
    trace_context: Option<Arc<dyn TraceContext>>,
    /// The universe the credentials must belong to.
    universe_domain: String,
}

/// How a client authenticates its requests.
#[derive(Debug, Clone)]
enum Auth {
    /// `Authorization: Bearer <token>` from a provider.
    Token(Arc<dyn TokenProvider>),
    /// Whatever headers Google credentials give (token, quota project).
    #[cfg(feature = "adc")]
    Google(crate::auth::Credentials),
}

impl Client {
    /// Starts configuring a client whose base URL defaults to `default_base_url`
    /// (a generated crate's `Client::builder()` passes the Discovery document's root URL + service
    /// path, and builds its own `Client`).
    pub fn builder(default_base_url: &str) -> ClientBuilder {
        ClientBuilder::new(default_base_url)
    }

    /// The base URL every request path is resolved against; always ends with `/`.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The universe domain the client's endpoints and credentials belong to (`googleapis.com` unless
    /// [`ClientBuilder::universe_domain`] or `GOOGLE_CLOUD_UNIVERSE_DOMAIN` says otherwise).
    pub fn universe_domain(&self) -> &str {
        &self.inner.universe_domain
    }

    /// The transport every attempt goes through.
    pub fn transport(&self) -> &dyn Transport {
        &*self.inner.transport
    }

    /// Scheme, host and port of the base URL, without a trailing `/`.
    pub(crate) fn origin(&self) -> &str {
        &self.inner.origin
    }

    /// The retry policy of idempotent requests.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// [`Client::url_for`] plus the API key, unless the request has its own `key`.
    pub(crate) fn send_url(&self, request: &Request) -> Result<Url> {
        let mut url = self.url_for(request)?;
        if let Some(key) = &self.inner.api_key {
            if !request.query_pairs().iter().any(|(n, _)| n == "key") {
                url.query_pairs_mut().append_pair("key", key.expose());
            }
        }
        Ok(url)
    }

    /// Sends the request and decodes a JSON response body into `T`.
    ///
    /// An empty body decodes as if it were `{}`. Idempotent requests are
    /// retried on transient errors; see [`crate::retry`].
    pub async fn execute<T: DeserializeOwned>(&self, request: Request) -> Result<T> {
        let (status, _, body) = self.send(request).await?;
        response::decode_body(status, &body)
    }

    /// Sends the request and ignores the response body (for methods with no response).
    pub async fn execute_unit(&self, request: Request) -> Result<()> {
        self.send(request).await.map(|_| ())
    }

    /// Sends the request with `alt=media` and returns the response body as it came, in memory (small
    /// media; [`Client::download_stream`] for any size).
    pub async fn download(&self, mut request: Request) -> Result<Vec<u8>> {
        request.set_query("alt", "media");
        self.send(request).await.map(|(_, _, body)| body)
    }

    /// Sends the request, with retries; returns the status, headers and body of a
    /// 2xx response, or [`Error::Api`] for any other status.
    ///
    /// The call is one `client_request` span, each attempt one `http_request` span inside it (see
    /// [`crate::telemetry`]).
    pub(crate) async fn send(&self, request: Request) -> Result<(u16, HeaderMap, Vec<u8>)> {
        let method_id = request.method_id();
        let span = tracing::info_span!(
            "client_request",
            "otel.name" = method_id.unwrap_or(request.method().as_str()),
            "otel.kind" = "internal",
            "rpc.system.name" = "http",
            "rpc.method" = method_id,
            "rpc.service" = tracing::field::Empty,
            "gcp.client.service" = tracing::field::Empty,
            "gcp.client.repo" = telemetry::CLIENT_REPO,
            "gcp.client.artifact" = self.inner.library.artifact.as_str(),
            "gcp.client.version" = self.inner.library.version.as_str(),
            "gcp.client.language" = telemetry::CLIENT_LANGUAGE,
            "http.request.method" = request.method().as_str(),
            "url.full" = tracing::field::Empty,
            "server.address" = tracing::field::Empty,
            "server.port" = tracing::field::Empty,
            "http.request.resend_count" = tracing::field::Empty,
            "http.response.status_code" = tracing::field::Empty,
            "error.type" = tracing::field::Empty,
            "otel.status_code" = tracing::field::Empty,
        );
        let result = self
            .send_with_retries(request, &span)
            .instrument(span.clone())
            .await;
        match &result {
            Ok((status, _, _)) => {
                span.record("http.response.status_code", status);
            }
            Err(error) => telemetry::record_error(&span, error),
        }
        result
    }

    /// Where the call goes, recorded on its span; `None` when nobody listens.
    fn target(&self, span: &tracing::Span, request: &Request, url: &Url) -> Option<Target> {
        if span.is_disabled() {
            return None;
        }
        let target = Target::of(url);
        let service = telemetry::service(request.method_id(), url);
        span.record("rpc.service", service);
        span.record("gcp.client.service", service);
        span.record("url.full", target.url_full.as_str());
        span.record("server.address", target.server_address.as_str());
        span.record("server.port", target.server_port);
        Some(target)
    }

    /// What every attempt made on `request`'s behalf obeys: its own policy, attempt timeout and
    /// deadline, else the client's.
    pub(crate) fn call_settings(&self, request: &Request) -> CallSettings {
        let start = Instant::now();
        let settings = request.settings();
        CallSettings {
            policy: settings
                .retry
                .clone()
                .unwrap_or_else(|| self.inner.retry.clone()),
            attempt_timeout: settings.attempt_timeout.or(self.inner.timeout),
            // A limit too far away to represent is no limit.
            deadline: settings
                .timeout
                .or(self.inner.total_timeout)
                .and_then(|t| start.checked_add(t)),
            idempotent: request.is_idempotent(),
            start,
        }
    }

    async fn send_with_retries(
        &self,
        mut request: Request,
        span: &tracing::Span,
    ) -> Result<(u16, HeaderMap, Vec<u8>)> {
        if let Some(refusal) = request.refusal() {
            return Err(refusal);
        }
        let mut attempts = Attempts::new(self.call_settings(&request)).recorded_on(span);
        let url = self.send_url(&request)?;
        let target = self.target(span, &request, &url);
        let body = request.take_body()?.map(bytes::Bytes::from);
        if tracing::enabled!(tracing::Level::TRACE) {
            if let Some(body) = &body {
                tracing::trace!(body = %crate::redact::body(body), "request body");
            }
        }
        attempts
            .run(|attempt| self.attempt(&request, &url, body.as_ref(), attempt, target.as_ref()))
            .await
    }

    /// Adds the attempt `span`'s `traceparent`, when the app gave a [`TraceContext`].
    pub(crate) fn inject_trace_context(&self, span: &tracing::Span, headers: &mut HeaderMap) {
        if let Some(provider) = &self.inner.trace_context {
            telemetry::inject(&**provider, span, headers);
        }
    }

    /// One attempt in its `http_request` span, within its time limit.
    async fn attempt(
        &self,
        request: &Request,
        url: &Url,
        body: Option<&bytes::Bytes>,
        attempt: Attempt,
        target: Option<&Target>,
    ) -> Result<(u16, HeaderMap, Vec<u8>)> {
        let span = telemetry::attempt_span(request.method().as_str(), target, attempt.number);
        let result = attempt
            .within(self.attempt_in_span(request, url, body, attempt.number, &span))
            .instrument(span.clone())
            .await;
        if let Err(error) = &result {
            telemetry::record_error(&span, error);
        }
        result
    }

    /// One attempt: headers (and token), then the exchange; a non-2xx status is an error.
    async fn attempt_in_span(
        &self,
        request: &Request,
        url: &Url,
        body: Option<&bytes::Bytes>,
        attempt: u32,
        span: &tracing::Span,
    ) -> Result<(u16, HeaderMap, Vec<u8>)> {
        let mut headers = self.headers(request, body.is_some()).await?;
        self.inject_trace_context(span, &mut headers);
        let (status, response_headers, bytes) = self
            .exchange(request, url, headers, body, attempt)
            .await
            .map_err(Error::Transport)?;
        span.record("http.response.status_code", status);
        tracing::debug!(status, attempt, "response");
        if tracing::enabled!(tracing::Level::TRACE) {
            tracing::trace!(body = %crate::redact::body(&bytes), "response body");
        }
        match response::verdict(
            status,
            &response_headers,
            &bytes,
            attempt,
            chrono::Utc::now(),
        ) {
            Verdict::Success => Ok((status, response_headers, bytes)),
            Verdict::Retry { error, .. } | Verdict::Fail(error) => Err(error),
        }
    }

    /// One attempt through the transport, reading the whole response: status, headers and body.
    async fn exchange(
        &self,
        request: &Request,
        url: &Url,
        headers: HeaderMap,
        body: Option<&bytes::Bytes>,
        attempt: u32,
    ) -> std::result::Result<(u16, HeaderMap, Vec<u8>), TransportError> {
        let body = body.cloned().map(Body::from).unwrap_or_default();
        let http = http_request(request, url, headers, body, attempt)?;
        let response = self.inner.transport.send(http).await?;
        let (parts, body) = response.into_parts();
        let bytes = body.bytes().await?;
        Ok((parts.status.as_u16(), parts.headers, bytes.into()))
    }

    pub(crate) async fn headers(&self, request: &Request, has_body: bool) -> Result<HeaderMap> {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        headers.insert(http::header::USER_AGENT, self.inner.user_agent.clone());
        if let Some(value) = &self.inner.library.api_client {
            headers.insert(telemetry::API_CLIENT, value.clone());
        }
        if has_body {
            let media_type = request.content_type().unwrap_or("application/json");
            let value = HeaderValue::from_str(media_type).map_err(|_| {
                Error::config(
                    ConfigErrorKind::Header,
                    format!("invalid content type {media_type:?}"),
                )
            })?;
            headers.insert(CONTENT_TYPE, value);
        } else if matches!(
            *request.method(),
            Method::POST | Method::PUT | Method::PATCH
        ) {
            // Google front ends answer 411 to a POST without Content-Length, and hyper omits the
            // header for an empty body.
            headers.insert(CONTENT_LENGTH, HeaderValue::from_static("0"));
        }
        if let Some(version) = request.api_version_header() {
            let value = HeaderValue::from_str(version).map_err(|_| {
                Error::config(
                    ConfigErrorKind::Header,
                    format!("invalid API version {version:?}"),
                )
            })?;
            headers.insert(API_VERSION_HEADER, value);
        }
        match &self.inner.auth {
            None => {}
            Some(Auth::Token(provider)) => {
                let token = provider.token().await?;
                let mut value =
                    HeaderValue::from_str(&format!("Bearer {token}")).map_err(|_| {
                        Error::credentials(
                            CredentialsErrorKind::Fetch,
                            "the token contains characters not allowed in a header",
                        )
                    })?;
                value.set_sensitive(true);
                headers.insert(AUTHORIZATION, value);
            }
            #[cfg(feature = "adc")]
            Some(Auth::Google(credentials)) => {
                for (name, mut value) in credentials.headers().await? {
                    if let Some(name) = name {
                        value.set_sensitive(true);
                        headers.insert(name, value);
                    }
                }
            }
        }
        // Last, so that a call's own headers (`x-goog-user-project`, say) win.
        for (name, value) in request.extra_headers() {
            let header = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                Error::config(
                    ConfigErrorKind::Header,
                    format!("invalid header name {name:?}"),
                )
            })?;
            let mut value = HeaderValue::from_str(value).map_err(|_| {
                Error::config(
                    ConfigErrorKind::Header,
                    format!("invalid value for header {name}"),
                )
            })?;
            value.set_sensitive(true);
            headers.insert(header, value);
        }
        Ok(headers)
    }
}

/// One attempt of `request` as the transport takes it: method, URL, headers, body and its [`CallInfo`].
pub(crate) fn http_request(
    request: &Request,
    url: &Url,
    headers: HeaderMap,
    body: Body,
    attempt: u32,
) -> std::result::Result<HttpRequest, TransportError> {
    let mut http = http::Request::new(body);
    *http.method_mut() = request.method().clone();
    *http.uri_mut() = url
        .as_str()
        .parse()
        .map_err(|e| TransportError::new(TransportErrorKind::Request, e))?;
    *http.headers_mut() = headers;
    http.extensions_mut().insert(CallInfo {
        method_id: request.method_id(),
        attempt,
    });
    http.extensions_mut().insert(AttemptUrl(url.clone()));
    if let Some(parts) = &request.batch_parts {
        http.extensions_mut()
            .insert(crate::transport::BatchParts(parts.clone()));
    }
    Ok(http)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_requests_stay_under_the_base_url() {
        let c = Client::builder("https://compute.googleapis.com/compute/v1/")
            .build()
            .unwrap();
        let path = |link: &str| c.link_request(link).map(|r| r.path().to_owned());
        let instance = "projects/p/zones/z/instances/i";
        for link in [
            "https://www.googleapis.com/compute/v1/projects/p/zones/z/instances/i",
            "https://compute.googleapis.com/compute/v1/projects/p/zones/z/instances/i",
        ] {
            assert_eq!(path(link).unwrap(), instance);
        }
        for link in [
            "https://compute.googleapis.com/compute/beta/projects/p",
            "https://compute.googleapis.com/compute/v1/",
            "https://compute.googleapis.com/compute/v1/projects/../../storage/v1/b",
            "https://compute.googleapis.com/compute/v1/projects/p?alt=media",
            "projects/p/zones/z/instances/i",
            "file:///compute/v1/x",
        ] {
            assert!(
                matches!(path(link), Err(Error::UnknownLink { .. })),
                "{link}"
            );
        }
    }

    #[test]
    fn base_url_gets_trailing_slash() {
        let c = Client::builder("https://example.com/api").build().unwrap();
        assert_eq!(c.base_url(), "https://example.com/api/");
        let c = Client::builder("https://example.com/")
            .base_url("http://127.0.0.1:8080")
            .build()
            .unwrap();
        assert_eq!(c.base_url(), "http://127.0.0.1:8080/");
    }

    #[test]
    fn bad_base_urls_are_config_errors() {
        for url in [
            "",
            "not a url",
            "ftp://example.com/",
            "file:///tmp/",
            "https://x/?a=b",
            "mailto:a@b",
        ] {
            let err = Client::builder(url).build().unwrap_err();
            assert!(matches!(err, Error::Config(_)), "{url}: {err:?}");
        }
        let err = Client::builder("https://example.com/")
            .user_agent("bad\nagent")
            .build()
            .unwrap_err();
        assert!(matches!(err, Error::Config(_)));
    }

    #[test]
    fn urls_are_joined() {
        let c = Client::builder("https://example.com/base/")
            .build()
            .unwrap();
        let mut r = Request::new(Method::GET, "v1/a%2Fb:run".to_owned());
        r.query("$.xgafv", "2");
        r.query("q", "a b&c=d/é");
        r.query("ids", &vec![1i32, 2]);
        assert_eq!(
            c.url_for(&r).unwrap().as_str(),
            "https://example.com/base/v1/a%2Fb:run?%24.xgafv=2&q=a+b%26c%3Dd%2F%C3%A9&ids=1&ids=2"
        );
        let r = Request::new(Method::POST, "/upload/v1/files".to_owned());
        assert_eq!(
            c.url_for(&r).unwrap().as_str(),
            "https://example.com/upload/v1/files"
        );
    }

    #[test]
    fn static_token_is_redacted() {
        let t = StaticToken::new("secret-token");
        assert_eq!(format!("{t:?}"), "StaticToken(<redacted>)");
        let c = Client::builder("https://example.com/")
            .bearer_token("secret-token")
            .build()
            .unwrap();
        assert!(!format!("{c:?}").contains("secret-token"));
    }

    #[test]
    fn insecure_http_only_for_loopback_unless_allowed() {
        for url in [
            "http://127.0.0.1:1/",
            "http://127.8.9.10/",
            "http://localhost:8080/x",
            "http://LOCALHOST/",
            "http://[::1]:9/",
            "https://example.com/",
        ] {
            Client::builder(url)
                .build()
                .unwrap_or_else(|e| panic!("{url}: {e}"));
        }
        for url in [
            "http://example.com/",
            "http://10.0.0.1/",
            "http://0.0.0.0/",
            "http://[::2]/",
            "http://localhost.example.com/",
        ] {
            let err = Client::builder(url).build().unwrap_err();
            assert!(matches!(err, Error::Config(_)), "{url}: {err:?}");
            Client::builder(url)
                .allow_insecure_http(true)
                .build()
                .unwrap_or_else(|e| panic!("{url}: {e}"));
        }
    }

    #[test]
    fn api_key_is_sent_but_never_shown() {
        let c = Client::builder("https://example.com/")
            .api_key("AIza-secret")
            .build()
            .unwrap();
        assert!(!format!("{c:?}").contains("AIza-secret"));
        let mut r = Request::new(Method::GET, "v1/x".to_owned());
        r.query("q", "1");
        assert_eq!(
            c.url_for(&r).unwrap().as_str(),
            "https://example.com/v1/x?q=1"
        );
        assert_eq!(
            c.send_url(&r).unwrap().as_str(),
            "https://example.com/v1/x?q=1&key=AIza-secret"
        );
        // A request's own key wins.
        r.query("key", "other");
        assert_eq!(
            c.send_url(&r).unwrap().as_str(),
            "https://example.com/v1/x?q=1&key=other"
        );
        let mut url = c.send_url(&r).unwrap();
        crate::redact::url(&mut url);
        assert_eq!(url.as_str(), "https://example.com/v1/x?q=1&key=REDACTED");
        let mut plain = Url::parse("https://example.com/v1/x?q=a+b").unwrap();
        crate::redact::url(&mut plain);
        assert_eq!(plain.as_str(), "https://example.com/v1/x?q=a+b");
    }

    #[cfg(feature = "adc")]
    #[test]
    fn the_last_credentials_setter_wins() {
        // Outside a Tokio runtime, finding ADC fails: so a build that succeeds did not try.
        let adc = Client::builder("https://example.com/").application_default_credentials();
        let err = adc.build().unwrap_err();
        assert!(
            matches!(&err, Error::Credentials(e) if e.kind() == CredentialsErrorKind::Invalid && e.to_string().contains("Tokio runtime")),
            "{err:?}"
        );
        Client::builder("https://example.com/")
            .application_default_credentials()
            .bearer_token("t")
            .build()
            .unwrap();
    }

    #[test]
    fn client_and_futures_are_send_sync() {
        fn assert_send_sync<T: Send + Sync>(_: &T) {}
        fn assert_send<T: Send>(_: &T) {}
        let c = Client::builder("https://example.com/").build().unwrap();
        assert_send_sync(&c);
        let fut = c.execute::<serde_json::Value>(Request::new(Method::GET, "x".to_owned()));
        assert_send(&fut);
        let fut = c.execute_unit(Request::new(Method::GET, "x".to_owned()));
        assert_send(&fut);
    }
}
