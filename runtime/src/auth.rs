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
//! - with the `adc` feature: `auth::adc` or
//!   `ClientBuilder::application_default_credentials` (Application Default
//!   Credentials), `auth::service_account_key_file` and
//!   `auth::service_account_key_json`, all through the
//!   [`gcp_auth`](https://docs.rs/gcp_auth) crate, which caches tokens and
//!   refreshes them before they expire.
//!
//! None of these types shows a token or key in its `Debug` output, and the
//! client never logs them: the `Authorization` header is marked sensitive
//! and the `key` parameter is redacted from error messages.

use std::fmt;
use std::sync::Arc;

pub use crate::client::{StaticToken, TokenProvider};

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
pub use self::adc::{adc, service_account_key_file, service_account_key_json, GoogleCredentials};

#[cfg(feature = "adc")]
mod adc {
    use std::fmt;
    use std::future::Future;
    use std::path::Path;
    use std::pin::Pin;
    use std::sync::Arc;

    use crate::{Error, Result, TokenProvider};

    /// OAuth tokens for a fixed set of scopes from a
    /// [`gcp_auth::TokenProvider`], which caches and refreshes them.
    ///
    /// Cheap to clone; `Debug` shows the scopes only.
    #[derive(Clone)]
    pub struct GoogleCredentials {
        provider: Arc<dyn gcp_auth::TokenProvider>,
        scopes: Arc<[String]>,
    }

    impl GoogleCredentials {
        /// Wraps any `gcp_auth` provider, asking it for tokens for `scopes`.
        pub fn from_provider(provider: Arc<dyn gcp_auth::TokenProvider>, scopes: &[&str]) -> Self {
            GoogleCredentials {
                provider,
                scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
            }
        }

        /// The OAuth scopes tokens are requested for.
        pub fn scopes(&self) -> &[String] {
            &self.scopes
        }

        /// The project the credentials belong to, if they name one.
        pub async fn project_id(&self) -> Result<String> {
            self.provider
                .project_id()
                .await
                .map(|id| id.to_string())
                .map_err(auth_error)
        }
    }

    impl fmt::Debug for GoogleCredentials {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.debug_struct("GoogleCredentials")
                .field("scopes", &self.scopes)
                .finish_non_exhaustive()
        }
    }

    impl TokenProvider for GoogleCredentials {
        fn token(&self) -> Pin<Box<dyn Future<Output = Result<String>> + Send + '_>> {
            Box::pin(async move {
                let scopes: Vec<&str> = self.scopes.iter().map(String::as_str).collect();
                let token = self.provider.token(&scopes).await.map_err(auth_error)?;
                Ok(token.as_str().to_owned())
            })
        }
    }

    /// Finds Application Default Credentials and returns a provider of
    /// tokens for `scopes`.
    ///
    /// Tries, in order (the order of `gcp_auth::provider`):
    ///
    /// 1. the service-account key file named by the
    ///    `GOOGLE_APPLICATION_CREDENTIALS` environment variable (if the
    ///    variable is set, a missing or invalid file is an error: no other
    ///    source is tried);
    /// 2. gcloud's user credentials
    ///    (`~/.config/gcloud/application_default_credentials.json`);
    /// 3. the metadata server of Google Compute Engine, GKE, Cloud Run...;
    /// 4. the `gcloud auth print-access-token` command.
    ///
    /// Fails with [`Error::Auth`] when none works (the message lists why
    /// each source failed).
    pub async fn adc(scopes: &[&str]) -> Result<GoogleCredentials> {
        if let Some(path) = std::env::var_os("GOOGLE_APPLICATION_CREDENTIALS") {
            // Checked here first so that a bad file is an error, never a panic.
            let text = read_key_file(Path::new(&path))?;
            check_service_account_key(&text)?;
        }
        let provider = gcp_auth::provider().await.map_err(auth_error)?;
        Ok(GoogleCredentials::from_provider(provider, scopes))
    }

    /// Tokens for `scopes` from the service-account key file at `path` (the
    /// JSON file the Cloud console downloads).
    ///
    /// Fails with [`Error::Auth`] when the file cannot be read or is not a
    /// service-account key. Tokens are fetched from the key's `token_uri`
    /// when first needed.
    pub fn service_account_key_file(
        path: impl AsRef<Path>,
        scopes: &[&str],
    ) -> Result<GoogleCredentials> {
        service_account_key_json(&read_key_file(path.as_ref())?, scopes)
    }

    /// Like [`service_account_key_file`], from the file's contents.
    pub fn service_account_key_json(json: &str, scopes: &[&str]) -> Result<GoogleCredentials> {
        check_service_account_key(json)?;
        let account = gcp_auth::CustomServiceAccount::from_json(json).map_err(auth_error)?;
        Ok(GoogleCredentials::from_provider(Arc::new(account), scopes))
    }

    fn read_key_file(path: &Path) -> Result<String> {
        std::fs::read_to_string(path).map_err(|e| {
            Error::Auth(format!(
                "cannot read credentials file {}: {e}",
                path.display()
            ))
        })
    }

    /// Rejects what `gcp_auth` would panic on or misreport: text that is not
    /// a JSON object with string `private_key`, `client_email` and a
    /// `token_uri` that is a valid `http(s)` URI.
    fn check_service_account_key(json: &str) -> Result<()> {
        let bad = |what: &str| Error::Auth(format!("invalid service-account key: {what}"));
        let value: serde_json::Value =
            serde_json::from_str(json).map_err(|e| bad(&format!("not JSON ({e})")))?;
        let object = value.as_object().ok_or_else(|| bad("not a JSON object"))?;
        if let Some(kind) = object.get("type").and_then(|t| t.as_str()) {
            if kind != "service_account" {
                return Err(bad(&format!(
                    "type is {kind:?}, expected \"service_account\""
                )));
            }
        }
        for field in ["private_key", "client_email"] {
            if !object.get(field).is_some_and(|v| v.is_string()) {
                return Err(bad(&format!("no string field {field:?}")));
            }
        }
        let uri = object
            .get("token_uri")
            .and_then(|v| v.as_str())
            .ok_or_else(|| bad("no string field \"token_uri\""))?;
        match uri.parse::<http::Uri>() {
            Ok(u) if matches!(u.scheme_str(), Some("http" | "https")) && u.host().is_some() => {
                Ok(())
            }
            _ => Err(bad(&format!("token_uri {uri:?} is not an http(s) URL"))),
        }
    }

    /// An [`Error::Auth`] with the whole chain of `gcp_auth` error messages.
    fn auth_error(error: gcp_auth::Error) -> Error {
        fn chain(error: &(dyn std::error::Error + 'static), out: &mut String) {
            out.push_str(&error.to_string());
            let mut source = error.source();
            while let Some(e) = source {
                out.push_str(": ");
                out.push_str(&e.to_string());
                source = e.source();
            }
        }
        let mut message = String::new();
        match &error {
            gcp_auth::Error::NoAuthMethod(gcloud, metadata, user) => {
                message.push_str("no Application Default Credentials found (");
                for (name, e) in [
                    ("gcloud user credentials", user),
                    ("metadata server", metadata),
                    ("gcloud command", gcloud),
                ] {
                    message.push_str(name);
                    message.push_str(": ");
                    chain(&**e, &mut message);
                    message.push_str("; ");
                }
                message.truncate(message.len() - 2);
                message.push(')');
            }
            other => chain(other, &mut message),
        }
        Error::Auth(message)
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
    fn bad_service_account_keys_are_auth_errors() {
        let ok_key = |uri: &str| {
            format!(
                r#"{{"type":"service_account","private_key":"x","client_email":"a@b","token_uri":{uri}}}"#
            )
        };
        for json in [
            String::new(),
            "[]".to_owned(),
            "{".to_owned(),
            r#"{"type":"authorized_user","private_key":"x","client_email":"a","token_uri":"https://x/"}"#.to_owned(),
            r#"{"client_email":"a","token_uri":"https://x/"}"#.to_owned(),
            r#"{"private_key":1,"client_email":"a","token_uri":"https://x/"}"#.to_owned(),
            ok_key("\"not a uri\""),
            ok_key("\"/relative\""),
            ok_key("\"ftp://x/\""),
            ok_key("null"),
            // Well-formed, but the private key is not a PEM key.
            ok_key("\"https://oauth2.example.com/token\""),
        ] {
            let err = service_account_key_json(&json, &["s"]).unwrap_err();
            assert!(matches!(err, crate::Error::Auth(_)), "{json}: {err:?}");
        }
        let err = service_account_key_file("/nonexistent/key.json", &["s"]).unwrap_err();
        assert!(
            matches!(&err, crate::Error::Auth(m) if m.contains("/nonexistent/key.json")),
            "{err:?}"
        );
    }
}
