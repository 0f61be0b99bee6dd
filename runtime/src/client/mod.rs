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
use crate::response::{self, Verdict};
use crate::retry::RetryPolicy;
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

/// Why one attempt failed.
enum Failure {
    /// Worth another attempt if the policy allows it.
    Retryable {
        error: Error,
        retry_after: Option<Duration>,
    },
    /// Returned as is.
    Fatal(Error),
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

    /// The limit of one attempt, if any.
    pub(crate) fn attempt_timeout(&self) -> Option<Duration> {
        self.inner.timeout
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

    async fn send_with_retries(
        &self,
        mut request: Request,
        span: &tracing::Span,
    ) -> Result<(u16, HeaderMap, Vec<u8>)> {
        if let Some(refusal) = request.refusal() {
            return Err(refusal);
        }
        let start = Instant::now();
        let settings = request.settings().clone();
        // A limit too far away to represent is no limit.
        let deadline = settings
            .timeout
            .or(self.inner.total_timeout)
            .and_then(|t| start.checked_add(t));
        let url = self.send_url(&request)?;
        let target = self.target(span, &request, &url);
        let body = request.take_body()?.map(bytes::Bytes::from);
        if tracing::enabled!(tracing::Level::TRACE) {
            if let Some(body) = &body {
                tracing::trace!(body = %crate::redact::body(body), "request body");
            }
        }
        let policy = settings.retry.as_ref().unwrap_or(&self.inner.retry);
        let max_attempts = if request.is_idempotent() {
            policy.attempts()
        } else {
            1
        };
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            if attempt > 1 {
                span.record("http.request.resend_count", attempt - 1);
            }
            let limits = Limits {
                start,
                deadline,
                attempt_timeout: settings.attempt_timeout.or(self.inner.timeout),
            };
            let failure = self
                .attempt(
                    &request,
                    &url,
                    body.as_ref(),
                    limits,
                    attempt,
                    target.as_ref(),
                )
                .await;
            let (error, retry_after) = match failure {
                Ok(ok) => return Ok(ok),
                Err(Failure::Fatal(error)) => return Err(error),
                Err(Failure::Retryable { error, retry_after }) => (error, retry_after),
            };
            if attempt >= max_attempts {
                if max_attempts > 1 {
                    tracing::debug!(error = %error, "giving up: no attempts left");
                }
                return Err(error);
            }
            let delay = match retry_after {
                Some(wait) if wait > policy.max_retry_after => {
                    tracing::debug!(
                        retry_after_ms = millis(wait),
                        error = %error,
                        "giving up: Retry-After longer than the policy allows"
                    );
                    return Err(error);
                }
                Some(wait) => wait,
                None => policy.delay(attempt),
            };
            let wake = Instant::now().checked_add(delay);
            if deadline.is_some_and(|d| wake.is_none_or(|w| w >= d)) {
                tracing::debug!(
                    delay_ms = millis(delay),
                    error = %error,
                    "giving up: the next attempt would start after the deadline"
                );
                return Err(error);
            }
            tracing::debug!(delay_ms = millis(delay), error = %error, "retrying");
            tokio::time::sleep(delay).await;
        }
    }

    /// Adds the attempt `span`'s `traceparent`, when the app gave a [`TraceContext`].
    pub(crate) fn inject_trace_context(&self, span: &tracing::Span, headers: &mut HeaderMap) {
        if let Some(provider) = &self.inner.trace_context {
            telemetry::inject(&**provider, span, headers);
        }
    }

    /// One attempt in its `http_request` span.
    async fn attempt(
        &self,
        request: &Request,
        url: &Url,
        body: Option<&bytes::Bytes>,
        limits: Limits,
        attempt: u32,
        target: Option<&Target>,
    ) -> std::result::Result<(u16, HeaderMap, Vec<u8>), Failure> {
        let span = telemetry::attempt_span(request.method().as_str(), target, attempt);
        let result = self
            .attempt_in_span(request, url, body, limits, attempt, &span)
            .instrument(span.clone())
            .await;
        if let Err(Failure::Retryable { error, .. } | Failure::Fatal(error)) = &result {
            telemetry::record_error(&span, error);
        }
        result
    }

    /// One attempt: headers (and token), then the exchange, within the
    /// attempt timeout and the overall deadline.
    async fn attempt_in_span(
        &self,
        request: &Request,
        url: &Url,
        body: Option<&bytes::Bytes>,
        limits: Limits,
        attempt: u32,
        span: &tracing::Span,
    ) -> std::result::Result<(u16, HeaderMap, Vec<u8>), Failure> {
        let Limits {
            start,
            deadline,
            attempt_timeout,
        } = limits;
        let timed_out = || Error::Timeout {
            elapsed: start.elapsed(),
            attempts: attempt,
        };
        let headers = self.headers(request, body.is_some());
        let mut headers = match deadline {
            Some(d) => tokio::time::timeout_at(d, headers)
                .await
                .map_err(|_| Failure::Fatal(timed_out()))?,
            None => headers.await,
        }
        .map_err(Failure::Fatal)?;
        self.inject_trace_context(span, &mut headers);

        let attempt_limit = attempt_timeout.and_then(|t| Instant::now().checked_add(t));
        let limit = match (attempt_limit, deadline) {
            (Some(a), Some(d)) => Some(a.min(d)),
            (a, d) => a.or(d),
        };
        let exchange = self.exchange(request, url, headers, body, attempt);
        let result = match limit {
            Some(at) => match tokio::time::timeout_at(at, exchange).await {
                Ok(result) => result,
                // The overall deadline has passed: no retry can help.
                Err(_) if Some(at) == deadline => return Err(Failure::Fatal(timed_out())),
                Err(_) => {
                    return Err(Failure::Retryable {
                        error: timed_out(),
                        retry_after: None,
                    })
                }
            },
            None => exchange.await,
        };
        let (status, response_headers, bytes) = match result {
            Ok(response) => response,
            Err(error) if error.is_retryable() => {
                return Err(Failure::Retryable {
                    error: Error::Transport(error),
                    retry_after: None,
                })
            }
            Err(error) => return Err(Failure::Fatal(Error::Transport(error))),
        };
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
            Verdict::Retry { error, retry_after } => Err(Failure::Retryable { error, retry_after }),
            Verdict::Fail(error) => Err(Failure::Fatal(error)),
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
            let value = HeaderValue::from_str(media_type)
                .map_err(|_| Error::Config(format!("invalid content type {media_type:?}")))?;
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
            let value = HeaderValue::from_str(version)
                .map_err(|_| Error::Config(format!("invalid API version {version:?}")))?;
            headers.insert(API_VERSION_HEADER, value);
        }
        match &self.inner.auth {
            None => {}
            Some(Auth::Token(provider)) => {
                let token = provider.token().await?;
                let mut value =
                    HeaderValue::from_str(&format!("Bearer {token}")).map_err(|_| {
                        Error::Auth("token contains characters not allowed in a header".into())
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
            let header = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| Error::Config(format!("invalid header name {name:?}")))?;
            let mut value = HeaderValue::from_str(value)
                .map_err(|_| Error::Config(format!("invalid value for header {name}")))?;
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
    Ok(http)
}

/// The time limits of one attempt.
#[derive(Clone, Copy)]
struct Limits {
    /// When the call started.
    start: Instant,
    /// When the whole call must be over.
    deadline: Option<Instant>,
    /// How long one attempt may take.
    attempt_timeout: Option<Duration>,
}

/// Milliseconds, saturating, for logs.
fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
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
            matches!(&err, Error::Auth(m) if m.contains("Tokio runtime")),
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
