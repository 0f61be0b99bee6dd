//! Spans as OpenTelemetry's HTTP client conventions name them, and trace context for the server.
//!
//! Each call is one `client_request` span (`otel.kind = "internal"`); each attempt inside it is one
//! `http_request` span (`otel.kind = "client"`, `http.request.resend_count` on retries); waiting for a
//! long-running operation is one `lro_wait` span around its polls. The names and attributes are those
//! of google-cloud-rust's clients (`gax-internal`'s observability), so a `tracing-opentelemetry`
//! layer exports them as an OpenTelemetry backend expects. All are INFO spans of plain `tracing`:
//! without a subscriber they cost a few atomic loads.
//!
//! A [`TraceContext`] installed with
//! [`ClientBuilder::trace_context`](crate::ClientBuilder::trace_context) gives each attempt's
//! `traceparent` header, from the attempt's span; without one, nothing is propagated.

use std::borrow::Cow;
use std::fmt;

use http::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::Url;

use crate::transport::TransportErrorKind;
use crate::Error;

/// The W3C trace context header.
pub const TRACEPARENT: HeaderName = HeaderName::from_static("traceparent");

/// `gcp.client.repo`: where this client comes from.
pub(crate) const CLIENT_REPO: &str = "discogen";
/// `gcp.client.language`: the language of the client library.
pub(crate) const CLIENT_LANGUAGE: &str = "rust";
/// `gcp.client.artifact` of a client no generated crate named: this runtime.
pub(crate) const CLIENT_ARTIFACT: &str = "discogen-runtime";
/// `gcp.client.version` of a client no generated crate named: this runtime's version.
pub(crate) const CLIENT_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The header Google's client libraries name themselves in, for the service's usage metrics.
pub(crate) const API_CLIENT: HeaderName = HeaderName::from_static("x-goog-api-client");

mod build_info {
    include!(concat!(env!("OUT_DIR"), "/rustc_version.rs"));
}

/// The client library a client's calls name: a generated crate (its `Client::builder()` passes
/// `CARGO_PKG_NAME` and `CARGO_PKG_VERSION` to
/// [`ClientBuilder::library`](crate::ClientBuilder::library)), else this runtime. The spans'
/// `gcp.client.artifact` and `gcp.client.version` and the `x-goog-api-client` header say the same.
#[derive(Debug, Clone)]
pub(crate) struct Library {
    /// `gcp.client.artifact`: the crate's name, `dialogflow-v2`.
    pub(crate) artifact: String,
    /// `gcp.client.version`: the crate's version without semver build metadata (`0.4.0` of
    /// `0.4.0+20261106`), as `x-goog-api-client` names it.
    pub(crate) version: String,
    /// `x-goog-api-client`; `None` for a version that is not a valid header value.
    pub(crate) api_client: Option<HeaderValue>,
}

impl Library {
    /// The library `name` at `version`, or this runtime when `None`.
    pub(crate) fn new(library: Option<(&str, &str)>) -> Library {
        let (artifact, version) = library.unwrap_or((CLIENT_ARTIFACT, CLIENT_VERSION));
        let version = version.split('+').next().unwrap_or_default();
        Library {
            artifact: artifact.to_owned(),
            version: version.to_owned(),
            api_client: api_client(version),
        }
    }
}

/// The `x-goog-api-client` value: the compiler's version and the library's, as Google's Discovery
/// clients send it: `gl-rust/1.95.0 gdcl/0.4.0`. `None` for a version that is not a valid header value.
fn api_client(library_version: &str) -> Option<HeaderValue> {
    let value = format!(
        "gl-rust/{} gdcl/{library_version}",
        build_info::RUSTC_VERSION
    );
    HeaderValue::from_str(&value).ok()
}

/// Gives the W3C trace context of a span, for the `traceparent` header of the attempt it stands for.
///
/// `tracing` spans have no W3C ids of their own; the app's OpenTelemetry bridge does. With
/// `tracing-opentelemetry` (whatever version the app uses):
///
/// ```ignore
/// use opentelemetry::trace::TraceContextExt as _;
/// use tracing_opentelemetry::OpenTelemetrySpanExt as _;
///
/// #[derive(Debug)]
/// struct Otel;
///
/// impl discogen_runtime::TraceContext for Otel {
///     fn traceparent(&self, span: &tracing::Span) -> Option<String> {
///         let context = span.context();
///         let span = context.span();
///         let ids = span.span_context();
///         ids.is_valid().then(|| {
///             format!("00-{}-{}-{:02x}", ids.trace_id(), ids.span_id(), ids.trace_flags().to_u8())
///         })
///     }
/// }
/// ```
pub trait TraceContext: Send + Sync + fmt::Debug + 'static {
    /// The `traceparent` value (`00-<trace id>-<span id>-<flags>`) for `span`, the attempt's
    /// `http_request` span, or `None` to send none. A value that is not a valid header is dropped.
    fn traceparent(&self, span: &tracing::Span) -> Option<String>;
}

/// Adds `traceparent` from `provider` for the attempt's `span`, unless the call set one itself.
pub(crate) fn inject(provider: &dyn TraceContext, span: &tracing::Span, headers: &mut HeaderMap) {
    if span.is_disabled() || headers.contains_key(TRACEPARENT) {
        return;
    }
    let value = provider
        .traceparent(span)
        .and_then(|value| HeaderValue::from_str(&value).ok());
    if let Some(value) = value {
        headers.insert(TRACEPARENT, value);
    }
}

/// What the spans say about where a call goes: its URL with credentials redacted, host and port.
pub(crate) struct Target {
    pub(crate) url_full: String,
    pub(crate) server_address: String,
    pub(crate) server_port: u16,
}

impl Target {
    pub(crate) fn of(url: &Url) -> Target {
        let mut redacted = url.clone();
        crate::redact::url(&mut redacted);
        let host = url.host_str().unwrap_or_default();
        Target {
            url_full: redacted.into(),
            server_address: host
                .trim_start_matches('[')
                .trim_end_matches(']')
                .to_owned(),
            server_port: url.port_or_known_default().unwrap_or_default(),
        }
    }
}

/// The `http_request` span of one attempt, numbered from 1.
pub(crate) fn attempt_span(method: &str, target: Option<&Target>, attempt: u32) -> tracing::Span {
    tracing::info_span!(
        "http_request",
        "otel.name" = method,
        "otel.kind" = "client",
        "rpc.system.name" = "http",
        "http.request.method" = method,
        "url.full" = target.map(|t| t.url_full.as_str()),
        "server.address" = target.map(|t| t.server_address.as_str()),
        "server.port" = target.map(|t| t.server_port),
        "http.request.resend_count" = (attempt > 1).then(|| attempt - 1),
        "http.response.status_code" = tracing::field::Empty,
        "error.type" = tracing::field::Empty,
        "otel.status_code" = tracing::field::Empty,
    )
}

/// The service a method id belongs to (`dialogflow` of `dialogflow.projects.getAgent`), else the first
/// label of the host (`dialogflow` of `dialogflow.googleapis.com`).
pub(crate) fn service<'a>(method_id: Option<&'a str>, url: &'a Url) -> &'a str {
    match method_id.and_then(|id| id.split('.').next()) {
        Some(service) if !service.is_empty() => service,
        _ => url
            .host_str()
            .and_then(|host| host.split('.').next())
            .unwrap_or_default(),
    }
}

/// `error.type` of a failed call or attempt: the HTTP status when there was one (as the HTTP
/// conventions say), else google-cloud-rust's client-side kinds.
pub(crate) fn error_type(error: &Error) -> Cow<'static, str> {
    if let Error::Api(api) = error {
        return Cow::Owned(api.status.to_string());
    }
    Cow::Borrowed(match error {
        Error::Transport(e) => match e.kind() {
            TransportErrorKind::Connect => "CLIENT_CONNECTION_ERROR",
            TransportErrorKind::Timeout => "CLIENT_TIMEOUT",
            TransportErrorKind::Request => "CLIENT_REQUEST_ERROR",
            _ => "CLIENT_RESPONSE_ERROR",
        },
        Error::Timeout { .. } => "CLIENT_TIMEOUT",
        Error::Credentials(_) | Error::UniverseMismatch { .. } => "CLIENT_AUTHENTICATION_ERROR",
        Error::Decode { .. } | Error::InvalidResponse(_) => "CLIENT_RESPONSE_DECODE_ERROR",
        Error::Encode(_) | Error::Config(_) | Error::UnsafePath { .. } => "CLIENT_REQUEST_ERROR",
        _ => "UNKNOWN",
    })
}

/// Records a failure on `span`: `error.type`, the status if any, and the OpenTelemetry status.
pub(crate) fn record_error(span: &tracing::Span, error: &Error) {
    if span.is_disabled() {
        return;
    }
    if let Some(status) = error.status() {
        span.record("http.response.status_code", status);
    }
    span.record("error.type", &*error_type(error));
    span.record("otel.status_code", "ERROR");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_library_names_the_compiler_and_its_release() {
        let rustc = build_info::RUSTC_VERSION;
        assert!(rustc.starts_with(|c: char| c.is_ascii_digit()), "{rustc}");
        let header = |library| {
            Library::new(library)
                .api_client
                .map(|v| v.to_str().unwrap().to_owned())
        };
        let generated = Library::new(Some(("dialogflow-v2", "0.4.0+20261106")));
        assert_eq!(
            (generated.artifact.as_str(), generated.version.as_str()),
            ("dialogflow-v2", "0.4.0")
        );
        assert_eq!(
            header(Some(("dialogflow-v2", "0.4.0+20261106"))),
            Some(format!("gl-rust/{rustc} gdcl/0.4.0"))
        );
        let runtime = Library::new(None);
        assert_eq!(
            (runtime.artifact.as_str(), runtime.version.as_str()),
            ("discogen-runtime", CLIENT_VERSION)
        );
        assert_eq!(
            header(None),
            Some(format!("gl-rust/{rustc} gdcl/{CLIENT_VERSION}"))
        );
        assert_eq!(header(Some(("x", "1.0\n"))), None);
    }
}
