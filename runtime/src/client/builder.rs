//! The client's builder: endpoint, credentials, policies and transport, checked once in `build`.

use super::url::is_loopback;
use super::*;
use crate::error::ConfigError;

/// Configures a client; see [`Client::builder`].
///
/// [`ClientBuilder::build`] returns `C`: this crate's [`Client`] by default, a generated crate's
/// own `Client` (which wraps this one) from that crate's `Client::builder()`.
pub struct ClientBuilder<C = Client> {
    /// The crate's default endpoint.
    default_base_url: String,
    /// An explicit base URL, used as given.
    base_url: Option<String>,
    /// A regional endpoint of the crate, moved to the universe domain like the default.
    regional_base_url: Option<String>,
    universe_domain: Option<String>,
    /// A PEM client certificate and key for mutual TLS.
    client_certificate: Option<Vec<u8>>,
    trace_context: Option<Arc<dyn TraceContext>>,
    auth: Option<Auth>,
    api_key: Option<ApiKey>,
    transport: Option<Arc<dyn Transport>>,
    user_agent: Option<String>,
    /// The generated crate's name and version.
    library: Option<(String, String)>,
    retry: RetryPolicy,
    timeout: Option<Duration>,
    total_timeout: Option<Duration>,
    allow_insecure_http: bool,
    /// Find Application Default Credentials at `build` (instead of `auth`).
    application_default: bool,
    client: PhantomData<fn() -> C>,
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("default_base_url", &self.default_base_url)
            .field("base_url", &self.base_url)
            .field("regional_base_url", &self.regional_base_url)
            .field("universe_domain", &self.universe_domain)
            .field("client_certificate", &self.client_certificate.is_some())
            .field("trace_context", &self.trace_context)
            .field("auth", &self.auth)
            .field("application_default", &self.application_default)
            .field("api_key", &self.api_key)
            .field("retry", &self.retry)
            .field("timeout", &self.timeout)
            .field("total_timeout", &self.total_timeout)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .finish_non_exhaustive()
    }
}

impl<C> ClientBuilder<C> {
    /// Starts configuring a client whose base URL defaults to `default_base_url`.
    pub fn new(default_base_url: &str) -> Self {
        ClientBuilder {
            default_base_url: default_base_url.to_owned(),
            base_url: None,
            regional_base_url: None,
            universe_domain: None,
            client_certificate: None,
            trace_context: None,
            auth: None,
            api_key: None,
            transport: None,
            user_agent: None,
            library: None,
            retry: RetryPolicy::default(),
            timeout: None,
            total_timeout: None,
            allow_insecure_http: false,
            application_default: false,
            client: PhantomData,
        }
    }

    /// Overrides the base URL; a trailing `/` is added if missing. It is used as given: the universe
    /// domain and the mTLS choice apply to the crate's endpoints only.
    ///
    /// A plain `http://` URL is accepted only for a loopback host
    /// (`localhost`, `127.0.0.0/8`, `[::1]`) unless
    /// [`ClientBuilder::allow_insecure_http`] is set.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Sends to a regional endpoint of the crate (an entry of a generated `Client::REGIONAL_BASE_URLS`,
    /// or `Client::location_base_url(location)`) instead of its default one; like the default, it
    /// moves to the [universe domain](ClientBuilder::universe_domain). [`ClientBuilder::base_url`]
    /// wins over it.
    pub fn regional_base_url(mut self, url: impl Into<String>) -> Self {
        self.regional_base_url = Some(url.into());
        self
    }

    /// The universe domain (default: `GOOGLE_CLOUD_UNIVERSE_DOMAIN`, else `googleapis.com`): the
    /// crate's endpoints move from `googleapis.com` to it (`https://dialogflow.example.com/` for
    /// `example.com`). Google credentials of another universe are an [`Error::UniverseMismatch`] at
    /// [`ClientBuilder::build`]. An explicit [`ClientBuilder::base_url`] is not moved.
    pub fn universe_domain(mut self, domain: impl Into<String>) -> Self {
        self.universe_domain = Some(domain.into());
        self
    }

    /// Presents a client certificate (PEM: the certificate chain and its private key) over mutual
    /// TLS, through the default transport. With `GOOGLE_API_USE_MTLS_ENDPOINT` unset or `auto`, the
    /// client then sends to the crate's mTLS endpoint (`https://dialogflow.mtls.googleapis.com/`);
    /// `always` chooses it even without a certificate, `never` never does (see [`crate::endpoint`]).
    /// A bad PEM, or a [`ClientBuilder::transport`] installed too, is an [`Error::Config`] at
    /// [`ClientBuilder::build`].
    pub fn client_certificate(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.client_certificate = Some(pem.into());
        self
    }

    /// Gives each attempt a `traceparent` header from `provider` (see [`crate::telemetry`]), for
    /// an app whose `tracing` spans are exported to OpenTelemetry.
    pub fn trace_context(mut self, provider: impl TraceContext) -> Self {
        self.trace_context = Some(Arc::new(provider));
        self
    }

    /// Allows a plain `http://` base URL whose host is not a loopback
    /// address (default `false`: such a URL is an [`Error::Config`] at
    /// [`ClientBuilder::build`], since tokens would travel in clear text).
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Uses a fixed token, sent as `Authorization: Bearer <token>`.
    pub fn bearer_token(self, token: impl Into<String>) -> Self {
        self.token_provider(StaticToken::new(token))
    }

    /// Uses `provider` to get a token for each request.
    pub fn token_provider(mut self, provider: impl TokenProvider + 'static) -> Self {
        self.auth = Some(Auth::Token(Arc::new(provider)));
        self.application_default = false;
        self
    }

    /// Uses Google credentials of any kind (see [`crate::auth::Credentials`]); their quota
    /// project, if any, is sent as `x-goog-user-project`.
    #[cfg(feature = "adc")]
    pub fn credentials(mut self, credentials: crate::auth::Credentials) -> Self {
        self.auth = Some(Auth::Google(credentials));
        self.application_default = false;
        self
    }

    /// Sends `key=<key>` as a query parameter with every request (unless
    /// the request sets `key` itself). Can be combined with a token. The key
    /// never appears in `Debug` output, logs or error messages.
    pub fn api_key(mut self, key: impl Into<ApiKey>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// Uses Application Default Credentials with their default scopes (`cloud-platform`), found
    /// when [`ClientBuilder::build`] runs (see
    /// [`Credentials::application_default`](crate::auth::Credentials::application_default)); a
    /// missing or bad credentials file is then an [`Error::Credentials`] naming it. For other scopes or a
    /// quota project, build the [`Credentials`](crate::auth::Credentials) and pass them to
    /// [`ClientBuilder::credentials`].
    #[cfg(feature = "adc")]
    pub fn application_default_credentials(mut self) -> Self {
        self.auth = None;
        self.application_default = true;
        self
    }

    /// Sets how idempotent requests are retried (default
    /// [`RetryPolicy::default`]; [`RetryPolicy::none`] disables retries).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Limits each attempt (connecting, sending, and reading the whole
    /// response; not getting the token) to `timeout`. An attempt that takes longer is abandoned
    /// and, for an idempotent request, retried; the error is
    /// [`Error::Timeout`] when no attempt is left. Default: no limit.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Limits a whole call, across all attempts and the sleeps between them
    /// (and the token fetches), to `timeout`. When it passes during an
    /// attempt the call fails with [`Error::Timeout`]; a retry that could
    /// only start after it is not made and the last error is returned.
    /// Default: no limit.
    pub fn total_timeout(mut self, timeout: Duration) -> Self {
        self.total_timeout = Some(timeout);
        self
    }

    /// Uses this `reqwest` client (for proxies, TLS settings...): a [`ReqwestTransport`] over it.
    pub fn http_client(self, client: reqwest::Client) -> Self {
        self.transport(ReqwestTransport::new(client))
    }

    /// Sends every attempt through `transport` instead of a default [`ReqwestTransport`]: the mock of
    /// the `testing` feature, or an app's own. Credentials, retries, timeouts, polling and decoding
    /// stay the client's; see [`crate::transport`].
    pub fn transport(mut self, transport: impl Transport) -> Self {
        self.transport = Some(Arc::new(transport));
        self
    }

    /// Sets the `User-Agent` header (default `discogen-runtime/<version>`).
    pub fn user_agent(mut self, ua: impl Into<String>) -> Self {
        self.user_agent = Some(ua.into());
        self
    }

    /// The client library the calls name: `gcp.client.artifact` and `gcp.client.version` of their
    /// `client_request` spans, and `gdcl/<version>` in the `x-goog-api-client` header, beside the
    /// compiler's (`gl-rust/1.95.0 gdcl/0.4.0`). Semver build metadata (`+20261106`) is left out of
    /// both. A generated crate's `Client::builder()` gives its own name and version
    /// (`CARGO_PKG_NAME`, `CARGO_PKG_VERSION`). Default: this runtime's.
    pub fn library(mut self, name: impl Into<String>, version: impl Into<String>) -> Self {
        self.library = Some((name.into(), version.into()));
        self
    }

    /// Builds the client (a generated crate's `Client`, from its `Client::builder()`).
    ///
    /// Fails with [`Error::Config`] if the base URL is not an absolute
    /// `http`/`https` URL (or is `http` to a non-loopback host without
    /// [`ClientBuilder::allow_insecure_http`]), the user agent is not a
    /// valid header value, or the default HTTP client cannot be created; with
    /// [`ClientBuilder::application_default_credentials`], with [`Error::Credentials`] when they cannot be
    /// read (or when called outside a Tokio runtime, which Google credentials need).
    pub fn build(self) -> Result<C>
    where
        C: From<Client>,
    {
        self.build_runtime().map(C::from)
    }

    fn build_runtime(self) -> Result<Client> {
        #[cfg(feature = "adc")]
        let auth = match self.application_default {
            true => Some(Auth::Google(
                crate::auth::Credentials::application_default().build()?,
            )),
            false => self.auth,
        };
        #[cfg(not(feature = "adc"))]
        let auth = self.auth;
        let chosen = crate::endpoint::Choice {
            default: &self.default_base_url,
            regional: self.regional_base_url.as_deref(),
            explicit: self.base_url.as_deref(),
            universe_domain: self.universe_domain.as_deref(),
            client_certificate: self.client_certificate.is_some(),
        }
        .resolve(|name| std::env::var(name).ok())?;
        check_universe(auth.as_ref(), &chosen.universe_domain)?;
        let mut base_url = chosen.base_url.trim().to_owned();
        if !base_url.ends_with('/') {
            base_url.push('/');
        }
        let parsed = Url::parse(&base_url).map_err(|e| {
            Error::config(
                ConfigErrorKind::Url,
                format!("invalid base URL {base_url:?}: {e}"),
            )
        })?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
            return Err(Error::config(
                ConfigErrorKind::Url,
                format!("base URL {base_url:?} is not an http(s) URL"),
            ));
        }
        if parsed.scheme() == "http" && !self.allow_insecure_http && !is_loopback(&parsed) {
            return Err(Error::config(
                ConfigErrorKind::Url,
                format!(
                    "base URL {base_url:?} uses plain http:// to a non-loopback host; \
                 use https:// or ClientBuilder::allow_insecure_http(true)"
                ),
            ));
        }
        if parsed.query().is_some() || parsed.fragment().is_some() {
            return Err(Error::config(
                ConfigErrorKind::Url,
                format!("base URL {base_url:?} must not have a query or fragment"),
            ));
        }
        // As the URL parser writes it, so that request paths joined to it parse back unchanged.
        let base_url = parsed.as_str().to_owned();
        let origin = parsed.origin().ascii_serialization();
        let user_agent = self.user_agent.as_deref().unwrap_or(DEFAULT_USER_AGENT);
        let user_agent = HeaderValue::from_str(user_agent).map_err(|_| {
            Error::config(
                ConfigErrorKind::Header,
                format!("invalid user agent {user_agent:?}"),
            )
        })?;
        let transport = match (self.transport, &self.client_certificate) {
            (Some(_), Some(_)) => {
                return Err(Error::config(
                    ConfigErrorKind::Transport,
                    "a client certificate is for the default transport; give it to your own \
                     transport instead"
                        .to_owned(),
                ))
            }
            (Some(transport), None) => transport,
            (None, certificate) => Arc::new(default_transport(certificate.as_deref())?),
        };
        Ok(Client {
            inner: Arc::new(Inner {
                transport,
                base_url,
                origin,
                auth,
                api_key: self.api_key,
                user_agent,
                library: telemetry::Library::new(
                    self.library
                        .as_ref()
                        .map(|(name, version)| (name.as_str(), version.as_str())),
                ),
                retry: self.retry,
                timeout: self.timeout,
                total_timeout: self.total_timeout,
                trace_context: self.trace_context,
                universe_domain: chosen.universe_domain,
            }),
        })
    }
}

/// A [`ReqwestTransport`] with the defaults, presenting `certificate` (PEM) if given.
fn default_transport(certificate: Option<&[u8]>) -> Result<ReqwestTransport> {
    let mut builder = ReqwestTransport::client_builder();
    if let Some(pem) = certificate {
        let identity = reqwest::Identity::from_pem(pem).map_err(|e| {
            Error::Config(
                ConfigError::new(ConfigErrorKind::Transport, "invalid client certificate")
                    .caused_by(e),
            )
        })?;
        builder = builder.identity(identity);
    }
    builder.build().map(ReqwestTransport::new).map_err(|e| {
        Error::Config(
            ConfigError::new(ConfigErrorKind::Transport, "cannot create the HTTP client")
                .caused_by(e),
        )
    })
}

/// Refuses Google credentials of another universe than the client's, before anything is sent.
fn check_universe(auth: Option<&Auth>, universe_domain: &str) -> Result<()> {
    #[cfg(feature = "adc")]
    if let Some(Auth::Google(credentials)) = auth {
        if credentials.universe_domain() != universe_domain {
            return Err(Error::UniverseMismatch {
                client: universe_domain.to_owned(),
                credentials: credentials.universe_domain().to_owned(),
                source_name: credentials.source().to_owned(),
            });
        }
    }
    #[cfg(not(feature = "adc"))]
    let _ = (auth, universe_domain);
    Ok(())
}
