//! Credentials: OAuth token providers, API keys and (with the default-on
//! `adc` feature) Application Default Credentials.
//!
//! A [`Client`](crate::Client) sends at most one token, as
//! `Authorization: Bearer <token>`, asked from its [`TokenProvider`] before
//! each attempt, and optionally an API key as the `key` query parameter:
//!
//! - [`ClientBuilder::bearer_token`](crate::ClientBuilder::bearer_token):
//!   a fixed token ([`StaticToken`]);
//! - [`ClientBuilder::token_provider`](crate::ClientBuilder::token_provider):
//!   any [`TokenProvider`];
//! - [`ClientBuilder::api_key`](crate::ClientBuilder::api_key): an
//!   [`ApiKey`];
//! - with the `adc` feature (on by default): `Credentials` of every Google
//!   kind (service account, `authorized_user`, `impersonated_service_account`,
//!   `external_account`, the metadata server, Application Default
//!   Credentials) through the official
//!   [`google-cloud-auth`](https://docs.rs/google-cloud-auth) crate, which
//!   caches tokens and refreshes them before they expire:
//!   `ClientBuilder::credentials` or
//!   `ClientBuilder::application_default_credentials`. Their quota project is
//!   sent as `x-goog-user-project`.
//!
//! None of these types shows a token or key in its `Debug` output, and the
//! client never logs them: the `Authorization` header is marked sensitive,
//! the `key` parameter is redacted from error messages, and bodies traced at
//! TRACE level have their token and key fields redacted.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::Result;

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

/// An API key, sent as the `key=` query parameter. Its `Debug` output never
/// shows the key.
#[derive(Clone)]
pub struct ApiKey(Arc<str>);

impl ApiKey {
    /// Wraps a key.
    pub fn new(key: impl Into<String>) -> Self {
        ApiKey(Arc::from(key.into()))
    }

    /// The key itself.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

impl From<String> for ApiKey {
    fn from(key: String) -> Self {
        ApiKey::new(key)
    }
}

impl From<&str> for ApiKey {
    fn from(key: &str) -> Self {
        ApiKey::new(key)
    }
}

#[cfg(feature = "adc")]
pub use self::google::{Credentials, CredentialsBuilder};

#[cfg(feature = "adc")]
mod google {
    use std::fmt;
    use std::path::{Path, PathBuf};
    use std::sync::Arc;

    use google_cloud_auth::credentials::{
        self as gca, external_account, impersonated, mds, service_account, user_account,
        CacheableResource,
    };
    use http::HeaderMap;
    use serde_json::Value;

    use crate::error::{CredentialsError, CredentialsErrorKind};
    use crate::{Error, Result, RetryPolicy};

    /// The credential file types this crate reads (the JSON field `type`).
    const FILE_TYPES: [&str; 4] = [
        "service_account",
        "authorized_user",
        "impersonated_service_account",
        "external_account",
    ];

    /// Google credentials, through the official
    /// [`google-cloud-auth`](https://docs.rs/google-cloud-auth) crate: service-account keys,
    /// `authorized_user` (gcloud) credentials, `impersonated_service_account`, `external_account`
    /// (workload identity federation: file-, URL-, executable- and AWS-sourced), the metadata
    /// server, and Application Default Credentials, which picks one of these.
    ///
    /// Tokens are cached and refreshed before they expire (by `google-cloud-auth`, in a background
    /// task: build credentials inside a Tokio runtime). Each request carries the credential's
    /// headers: `Authorization` and, when the credential names a quota project, `x-goog-user-project`.
    ///
    /// Cheap to clone; `Debug` shows where the credentials came from, never a secret.
    ///
    /// ```no_run
    /// # fn f() -> discogen_runtime::Result<()> {
    /// use discogen_runtime::auth::Credentials;
    ///
    /// let adc = Credentials::application_default().build()?;
    /// let file = Credentials::from_file("key.json")
    ///     .scopes(["https://www.googleapis.com/auth/cloud-platform"])
    ///     .quota_project("my-billing-project")
    ///     .build()?;
    /// let client = discogen_runtime::Client::builder("https://example.googleapis.com/")
    ///     .credentials(file)
    ///     .build()?;
    /// # Ok(()) }
    /// ```
    #[derive(Clone)]
    pub struct Credentials {
        inner: gca::Credentials,
        /// Where they came from, for `Debug` and errors: "service_account from key.json".
        source: Arc<str>,
        /// The file's `universe_domain`, if it has one.
        universe_domain: Option<Arc<str>>,
    }

    impl fmt::Debug for Credentials {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.debug_struct("Credentials")
                .field("source", &self.source)
                .finish_non_exhaustive()
        }
    }

    /// Where credentials come from; see [`Credentials`].
    #[derive(Debug, Clone)]
    enum Source {
        ApplicationDefault,
        File(PathBuf),
        Json(String),
        MetadataServer(Option<String>),
    }

    /// Configures [`Credentials`]: scopes and quota project, then [`CredentialsBuilder::build`].
    #[derive(Debug, Clone)]
    #[must_use = "credentials are made by build()"]
    pub struct CredentialsBuilder {
        source: Source,
        scopes: Option<Vec<String>>,
        quota_project: Option<String>,
        retry: RetryPolicy,
    }

    impl Credentials {
        /// Application Default Credentials: the file named by `GOOGLE_APPLICATION_CREDENTIALS`
        /// (any type this crate reads; a missing or bad file is an error naming it), else gcloud's
        /// `application_default_credentials.json`, else the metadata server. The quota project of
        /// `GOOGLE_CLOUD_QUOTA_PROJECT` wins over the file's.
        pub fn application_default() -> CredentialsBuilder {
            CredentialsBuilder::new(Source::ApplicationDefault)
        }

        /// Credentials from a JSON file of any type: `service_account`, `authorized_user`,
        /// `impersonated_service_account`, `external_account`.
        pub fn from_file(path: impl Into<PathBuf>) -> CredentialsBuilder {
            CredentialsBuilder::new(Source::File(path.into()))
        }

        /// Like [`Credentials::from_file`], from the file's contents.
        pub fn from_json(json: impl Into<String>) -> CredentialsBuilder {
            CredentialsBuilder::new(Source::Json(json.into()))
        }

        /// The metadata server of Compute Engine, GKE, Cloud Run... (`GCE_METADATA_HOST`, or
        /// `metadata.google.internal`).
        pub fn metadata_server() -> CredentialsBuilder {
            CredentialsBuilder::new(Source::MetadataServer(None))
        }

        /// A metadata server at `endpoint`, e.g. `http://127.0.0.1:8080` (no trailing `/`).
        pub fn metadata_server_at(endpoint: impl Into<String>) -> CredentialsBuilder {
            CredentialsBuilder::new(Source::MetadataServer(Some(endpoint.into())))
        }

        /// The universe domain the credentials belong to: a file's `universe_domain`, else
        /// `googleapis.com`. `google-cloud-auth` 1.7 answers `googleapis.com` for every kind, so the
        /// file's field is read here, and the metadata server's universe is not asked.
        pub fn universe_domain(&self) -> &str {
            self.universe_domain
                .as_deref()
                .unwrap_or(crate::endpoint::DEFAULT_UNIVERSE_DOMAIN)
        }

        /// Where they came from: "service_account from credentials file key.json".
        pub(crate) fn source(&self) -> &str {
            &self.source
        }

        /// The headers a request carries: `Authorization` and, if the credentials name one,
        /// `x-goog-user-project`. Fetches or refreshes a token when needed.
        pub async fn headers(&self) -> Result<HeaderMap> {
            match self.inner.headers(http::Extensions::new()).await {
                Ok(CacheableResource::New { data, .. }) => Ok(data),
                // Only returned to a caller that passed the tag of what it has; this passes none.
                Ok(CacheableResource::NotModified) => Err(Error::credentials(
                    CredentialsErrorKind::Fetch,
                    format!("{}: the credentials returned no headers", self.source),
                )),
                Err(e) => {
                    let kind = match e.is_transient() {
                        true => CredentialsErrorKind::TransientFetch,
                        false => CredentialsErrorKind::Fetch,
                    };
                    let error = CredentialsError::new(kind, &*self.source).caused_by(e);
                    Err(Error::Credentials(error))
                }
            }
        }
    }

    impl CredentialsBuilder {
        fn new(source: Source) -> Self {
            CredentialsBuilder {
                source,
                scopes: None,
                quota_project: None,
                retry: RetryPolicy::default(),
            }
        }

        /// How a token fetch that fails transiently (the token endpoint or metadata server answers
        /// 408, 429, 500 or 503, or cannot be reached) is tried again before a call sees the failure
        /// (default [`RetryPolicy::default`]): its attempts and backoff. `google-cloud-auth` fetches
        /// tokens in its own task, so it runs these retries; a call that still gets a transient
        /// failure retries it by its own policy too ([`Error::is_transient`]). Application Default
        /// Credentials found without `GOOGLE_APPLICATION_CREDENTIALS` take no policy.
        pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
            self.retry = policy;
            self
        }

        /// The OAuth scopes tokens are asked for (default: `cloud-platform`, as `google-cloud-auth`
        /// does). A service-account key signs its own token with them; other types send them to
        /// their token endpoint.
        pub fn scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
            self.scopes = Some(scopes.into_iter().map(Into::into).collect());
            self
        }

        /// The project billed for quota, sent as `x-goog-user-project`, replacing the credential
        /// file's `quota_project_id`.
        pub fn quota_project(mut self, project: impl Into<String>) -> Self {
            self.quota_project = Some(project.into());
            self
        }

        /// Reads and checks the source and makes the credentials; no token is fetched yet.
        ///
        /// Fails with [`Error::Credentials`] ([`CredentialsErrorKind::Invalid`]) naming the file (or `GOOGLE_APPLICATION_CREDENTIALS`) and the
        /// field at fault when a file cannot be read, is not JSON, has no or an unknown `type`, or
        /// lacks a field its type needs; and when called outside a Tokio runtime, where the token
        /// cache cannot run.
        pub fn build(self) -> Result<Credentials> {
            if tokio::runtime::Handle::try_current().is_err() {
                return Err(Error::credentials(
                    CredentialsErrorKind::Invalid,
                    "credentials must be created inside a Tokio runtime (they refresh their tokens \
                     in a background task)"
                        .to_owned(),
                ));
            }
            crate::transport::install_tls_provider();
            let quota_project = self.quota_project.clone();
            match &self.source {
                Source::ApplicationDefault => {
                    let quota_project = std::env::var("GOOGLE_CLOUD_QUOTA_PROJECT")
                        .ok()
                        .or(quota_project);
                    match std::env::var_os("GOOGLE_APPLICATION_CREDENTIALS") {
                        Some(path) => {
                            let label = format!(
                                "credentials file {} (GOOGLE_APPLICATION_CREDENTIALS)",
                                Path::new(&path).display()
                            );
                            let json = read(Path::new(&path), &label)?;
                            self.of_type(json, &label, quota_project)
                        }
                        None => {
                            let mut builder = gca::Builder::default();
                            if let Some(scopes) = self.scopes {
                                builder = builder.with_scopes(scopes);
                            }
                            if let Some(project) = quota_project {
                                builder = builder.with_quota_project_id(project);
                            }
                            let label = "Application Default Credentials";
                            let inner = builder.build().map_err(|e| build_error(label, &e))?;
                            Ok(Credentials {
                                inner,
                                source: Arc::from(label),
                                universe_domain: None,
                            })
                        }
                    }
                }
                Source::File(path) => {
                    let label = format!("credentials file {}", path.display());
                    let json = read(path, &label)?;
                    self.of_type(json, &label, quota_project)
                }
                Source::Json(text) => {
                    let label = "credentials JSON";
                    let json = serde_json::from_str(text)
                        .map_err(|e| invalid(format!("{label}: not JSON: {e}")))?;
                    self.of_type(json, label, quota_project)
                }
                Source::MetadataServer(endpoint) => {
                    let mut builder = mds::Builder::default();
                    if let Some(endpoint) = endpoint {
                        builder = builder.with_endpoint(endpoint);
                    }
                    if let Some(scopes) = self.scopes.clone() {
                        builder = builder.with_scopes(scopes);
                    }
                    if let Some(project) = quota_project {
                        builder = builder.with_quota_project_id(project);
                    }
                    let (retry, backoff) = token_retry(&self.retry);
                    builder = builder
                        .with_retry_policy(retry)
                        .with_backoff_policy(backoff);
                    let label = "metadata server";
                    let inner = builder.build().map_err(|e| build_error(label, &e))?;
                    Ok(Credentials {
                        inner,
                        source: Arc::from(label),
                        universe_domain: None,
                    })
                }
            }
        }

        /// Credentials of the file's `type`.
        fn of_type(
            &self,
            json: Value,
            label: &str,
            quota_project: Option<String>,
        ) -> Result<Credentials> {
            let kind = file_type(&json, label)?.to_owned();
            let universe_domain = json
                .get("universe_domain")
                .and_then(Value::as_str)
                .map(Arc::from);
            let scopes = self.scopes.clone();
            let built = match kind.as_str() {
                "service_account" => {
                    let mut b = service_account::Builder::new(json);
                    if let Some(scopes) = scopes {
                        b = b.with_access_specifier(service_account::AccessSpecifier::from_scopes(
                            scopes,
                        ));
                    }
                    if let Some(p) = quota_project {
                        b = b.with_quota_project_id(p);
                    }
                    b.build()
                }
                "authorized_user" => {
                    let mut b = user_account::Builder::new(json);
                    let (retry, backoff) = token_retry(&self.retry);
                    b = b.with_retry_policy(retry).with_backoff_policy(backoff);
                    if let Some(scopes) = scopes {
                        b = b.with_scopes(scopes);
                    }
                    if let Some(p) = quota_project {
                        b = b.with_quota_project_id(p);
                    }
                    b.build()
                }
                "impersonated_service_account" => {
                    let mut b = impersonated::Builder::new(json);
                    let (retry, backoff) = token_retry(&self.retry);
                    b = b.with_retry_policy(retry).with_backoff_policy(backoff);
                    if let Some(scopes) = scopes {
                        b = b.with_scopes(scopes);
                    }
                    if let Some(p) = quota_project {
                        b = b.with_quota_project_id(p);
                    }
                    b.build()
                }
                _ => {
                    let mut b = external_account::Builder::new(json);
                    let (retry, backoff) = token_retry(&self.retry);
                    b = b.with_retry_policy(retry).with_backoff_policy(backoff);
                    if let Some(scopes) = scopes {
                        b = b.with_scopes(scopes);
                    }
                    if let Some(p) = quota_project {
                        b = b.with_quota_project_id(p);
                    }
                    b.build()
                }
            };
            let inner = built.map_err(|e| build_error(label, &e))?;
            Ok(Credentials {
                inner,
                source: Arc::from(format!("{kind} from {label}")),
                universe_domain,
            })
        }
    }

    fn read(path: &Path, label: &str) -> Result<Value> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| invalid(format!("{label}: cannot read it: {e}")))?;
        serde_json::from_str(&text).map_err(|e| invalid(format!("{label}: not JSON: {e}")))
    }

    /// The file's `type`, which must be one this crate reads.
    fn file_type<'a>(json: &'a Value, label: &str) -> Result<&'a str> {
        let object = json
            .as_object()
            .ok_or_else(|| invalid(format!("{label}: not a JSON object")))?;
        let kind = match object.get("type") {
            None => return Err(invalid(format!("{label}: field `type` is missing"))),
            Some(Value::String(kind)) => kind.as_str(),
            Some(other) => {
                return Err(invalid(format!(
                    "{label}: field `type` is {other}, not a string"
                )))
            }
        };
        if !FILE_TYPES.contains(&kind) {
            return Err(invalid(format!(
                "{label}: field `type` is {kind:?}, which is not a credential type this crate reads \
                 ({})",
                FILE_TYPES.join(", ")
            )));
        }
        Ok(kind)
    }

    fn build_error(label: &str, error: &google_cloud_auth::build_errors::Error) -> Error {
        invalid(format!("{label}: {}", chain(error)))
    }

    /// The retry and backoff policies of `google-cloud-auth` that follow `policy`: its attempts,
    /// retrying what it calls transient (the flag [`CredentialsError::is_transient`] reads).
    fn token_retry(
        policy: &RetryPolicy,
    ) -> (
        impl google_cloud_gax::retry_policy::RetryPolicy,
        google_cloud_gax::exponential_backoff::ExponentialBackoff,
    ) {
        use google_cloud_gax::exponential_backoff::ExponentialBackoffBuilder;
        use google_cloud_gax::retry_policy::{Aip194Strict, RetryPolicyExt};
        let retry = Aip194Strict.with_attempt_limit(policy.max_attempts.max(1));
        let backoff = ExponentialBackoffBuilder::new()
            .with_initial_delay(policy.initial_backoff)
            .with_maximum_delay(policy.max_backoff)
            .with_scaling(match policy.multiplier.is_finite() {
                true => policy.multiplier,
                false => 1.0,
            })
            .clamp();
        (retry, backoff)
    }

    fn invalid(message: String) -> Error {
        Error::credentials(CredentialsErrorKind::Invalid, message)
    }

    /// An error's message followed by those of its sources.
    fn chain(error: &(dyn std::error::Error + 'static)) -> String {
        let mut message = error.to_string();
        let mut source = error.source();
        while let Some(e) = source {
            let text = e.to_string();
            if !message.contains(&text) {
                message.push_str(": ");
                message.push_str(&text);
            }
            source = e.source();
        }
        message
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_key_debug_is_redacted() {
        let k = ApiKey::from("AIza-secret");
        assert_eq!(format!("{k:?}"), "ApiKey(<redacted>)");
        assert_eq!(k.expose(), "AIza-secret");
    }

    #[cfg(feature = "adc")]
    #[test]
    fn credentials_need_a_tokio_runtime() {
        let err = Credentials::from_json("{}").build().unwrap_err();
        assert!(
            matches!(&err, crate::Error::Credentials(e) if e.kind() == crate::error::CredentialsErrorKind::Invalid),
            "{err:?}"
        );
    }
}
