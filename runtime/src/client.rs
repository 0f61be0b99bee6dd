//! The HTTP client and authentication.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use http::header::{
    HeaderMap, HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE,
};
use reqwest::Url;
use serde::de::DeserializeOwned;
use tracing::Instrument as _;

use crate::error::{excerpt, ApiError};
use crate::{Error, Method, Request, Result};

/// The default `User-Agent` header.
const DEFAULT_USER_AGENT: &str = concat!("discogen-runtime/", env!("CARGO_PKG_VERSION"));

/// The header carrying [`Request::api_version`].
const API_VERSION_HEADER: HeaderName = HeaderName::from_static("x-goog-api-version");

/// Source of OAuth access tokens.
///
/// Called once per request; implementations should cache tokens and refresh
/// them as needed.
pub trait TokenProvider: Send + Sync + fmt::Debug {
    /// Returns a valid access token, sent as `Authorization: Bearer <token>`.
    fn token(&self) -> Pin<Box<dyn Future<Output = Result<String>> + Send + '_>>;
}

impl<T: TokenProvider + ?Sized> TokenProvider for Arc<T> {
    fn token(&self) -> Pin<Box<dyn Future<Output = Result<String>> + Send + '_>> {
        (**self).token()
    }
}

impl<T: TokenProvider + ?Sized> TokenProvider for Box<T> {
    fn token(&self) -> Pin<Box<dyn Future<Output = Result<String>> + Send + '_>> {
        (**self).token()
    }
}

/// A fixed bearer token. Its `Debug` output never shows the token.
#[derive(Clone)]
pub struct StaticToken(Arc<str>);

impl StaticToken {
    /// Wraps a token.
    pub fn new(token: impl Into<String>) -> Self {
        StaticToken(Arc::from(token.into()))
    }
}

impl fmt::Debug for StaticToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StaticToken(<redacted>)")
    }
}

impl TokenProvider for StaticToken {
    fn token(&self) -> Pin<Box<dyn Future<Output = Result<String>> + Send + '_>> {
        Box::pin(std::future::ready(Ok(self.0.to_string())))
    }
}

/// Shared, cheap-to-clone HTTP client configured for one API.
#[derive(Clone, Debug)]
pub struct Client {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    http: reqwest::Client,
    /// Always ends with `/`.
    base_url: String,
    /// Scheme, host and port of the base URL, without a trailing `/`.
    origin: String,
    auth: Option<Arc<dyn TokenProvider>>,
    user_agent: HeaderValue,
}

impl Client {
    /// Starts configuring a client whose base URL defaults to `default_base_url`
    /// (the generated crate passes the Discovery document's root URL + service path).
    pub fn builder(default_base_url: &str) -> ClientBuilder {
        ClientBuilder {
            base_url: default_base_url.to_owned(),
            auth: None,
            http: None,
            user_agent: None,
        }
    }

    /// The base URL every request path is resolved against; always ends with `/`.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The underlying `reqwest` client.
    pub fn http_client(&self) -> &reqwest::Client {
        &self.inner.http
    }

    /// The full URL `request` is sent to, including its query string.
    pub fn url_for(&self, request: &Request) -> Result<Url> {
        let path = request.path();
        let joined = match path.strip_prefix('/') {
            Some(_) => format!("{}{}", self.inner.origin, path),
            None => format!("{}{}", self.inner.base_url, path),
        };
        let mut url = Url::parse(&joined)
            .map_err(|e| Error::Config(format!("invalid request URL {joined:?}: {e}")))?;
        if !request.query_pairs().is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (name, value) in request.query_pairs() {
                pairs.append_pair(name, value);
            }
        }
        Ok(url)
    }

    /// Sends the request and decodes a JSON response body into `T`.
    ///
    /// An empty body decodes as if it were `{}`.
    pub async fn execute<T: DeserializeOwned>(&self, request: Request) -> Result<T> {
        let (status, body) = self.send(request).await?;
        let slice: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
            b"{}"
        } else {
            &body
        };
        serde_json::from_slice(slice).map_err(|source| Error::Decode {
            source,
            status,
            body_excerpt: excerpt(&body),
        })
    }

    /// Sends the request and ignores the response body (for methods with no response).
    pub async fn execute_unit(&self, request: Request) -> Result<()> {
        self.send(request).await.map(|_| ())
    }

    /// Sends the request; returns the status and body of a 2xx response, or
    /// [`Error::Api`] for any other status.
    async fn send(&self, request: Request) -> Result<(u16, Vec<u8>)> {
        let span = tracing::debug_span!(
            "discogen_request",
            method = %request.method(),
            path = %request.path(),
        );
        self.send_inner(request).instrument(span).await
    }

    async fn send_inner(&self, mut request: Request) -> Result<(u16, Vec<u8>)> {
        let url = self.url_for(&request)?;
        let body = request.take_body()?;
        let headers = self.headers(&request, body.is_some()).await?;
        let method = request.method().clone();
        let mut builder = self
            .inner
            .http
            .request(method.clone(), url)
            .headers(headers);
        builder = match body {
            Some(bytes) => builder.body(bytes),
            // Google front ends answer 411 to a POST without Content-Length.
            // hyper omits the header for an empty body, so set it explicitly.
            None if method == Method::POST || method == Method::PUT || method == Method::PATCH => {
                builder
                    .header(CONTENT_LENGTH, HeaderValue::from_static("0"))
                    .body(Vec::new())
            }
            None => builder,
        };
        let response = builder.send().await.map_err(Error::Transport)?;
        let status = response.status();
        tracing::debug!(status = status.as_u16(), "response");
        let bytes = response.bytes().await.map_err(Error::Transport)?;
        if status.is_success() {
            Ok((status.as_u16(), bytes.to_vec()))
        } else {
            Err(Error::Api(Box::new(ApiError::from_response(
                status.as_u16(),
                &bytes,
            ))))
        }
    }

    async fn headers(&self, request: &Request, has_body: bool) -> Result<HeaderMap> {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        headers.insert(http::header::USER_AGENT, self.inner.user_agent.clone());
        if has_body {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        }
        if let Some(version) = request.api_version_header() {
            let value = HeaderValue::from_str(version)
                .map_err(|_| Error::Config(format!("invalid API version {version:?}")))?;
            headers.insert(API_VERSION_HEADER, value);
        }
        if let Some(auth) = &self.inner.auth {
            let token = auth.token().await?;
            let mut value = HeaderValue::from_str(&format!("Bearer {token}")).map_err(|_| {
                Error::Auth("token contains characters not allowed in a header".into())
            })?;
            value.set_sensitive(true);
            headers.insert(AUTHORIZATION, value);
        }
        Ok(headers)
    }
}

/// Configures a [`Client`]; see [`Client::builder`].
#[derive(Debug)]
pub struct ClientBuilder {
    base_url: String,
    auth: Option<Arc<dyn TokenProvider>>,
    http: Option<reqwest::Client>,
    user_agent: Option<String>,
}

impl ClientBuilder {
    /// Overrides the base URL; a trailing `/` is added if missing.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// Uses a fixed token, sent as `Authorization: Bearer <token>`.
    pub fn bearer_token(self, token: impl Into<String>) -> Self {
        self.token_provider(StaticToken::new(token))
    }

    /// Uses `provider` to get a token for each request.
    pub fn token_provider(mut self, provider: impl TokenProvider + 'static) -> Self {
        self.auth = Some(Arc::new(provider));
        self
    }

    /// Uses this `reqwest` client (for proxies, timeouts, TLS settings...).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Sets the `User-Agent` header (default `discogen-runtime/<version>`).
    pub fn user_agent(mut self, ua: impl Into<String>) -> Self {
        self.user_agent = Some(ua.into());
        self
    }

    /// Builds the client.
    ///
    /// Fails with [`Error::Config`] if the base URL is not an absolute
    /// `http`/`https` URL, the user agent is not a valid header value, or
    /// the default HTTP client cannot be created.
    pub fn build(self) -> Result<Client> {
        let mut base_url = self.base_url.trim().to_owned();
        if !base_url.ends_with('/') {
            base_url.push('/');
        }
        let parsed = Url::parse(&base_url)
            .map_err(|e| Error::Config(format!("invalid base URL {base_url:?}: {e}")))?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
            return Err(Error::Config(format!(
                "base URL {base_url:?} is not an http(s) URL"
            )));
        }
        if parsed.query().is_some() || parsed.fragment().is_some() {
            return Err(Error::Config(format!(
                "base URL {base_url:?} must not have a query or fragment"
            )));
        }
        let origin = parsed.origin().ascii_serialization();
        let user_agent = self.user_agent.as_deref().unwrap_or(DEFAULT_USER_AGENT);
        let user_agent = HeaderValue::from_str(user_agent)
            .map_err(|_| Error::Config(format!("invalid user agent {user_agent:?}")))?;
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .build()
                .map_err(|e| Error::Config(format!("cannot create HTTP client: {e}")))?,
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                origin,
                auth: self.auth,
                user_agent,
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
