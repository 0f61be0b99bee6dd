//! API keys, service-account credentials (token endpoint on loopback) and
//! Application Default Credentials read from `GOOGLE_APPLICATION_CREDENTIALS`;
//! tokens and keys never reach `Debug` output, errors or `tracing`.
//!
//! Nothing here may reach the real metadata server or Google: every ADC call
//! is made with `GOOGLE_APPLICATION_CREDENTIALS` set, so `gcp_auth` stops at
//! the key file.

mod common;

use std::fmt::{self, Write as _};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{ok, status, Server};
use discogen_runtime::{Client, Error, Method, Request, RetryPolicy};

/// Service-account keys and ADC (the `adc` feature).
#[cfg(feature = "adc")]
mod adc {
    use super::*;
    use base64::Engine as _;
    use common::{Received, Reply};

    /// An RSA key made for these tests only (`openssl genpkey -algorithm RSA`);
    /// it authorizes nothing.
    const TEST_KEY: &str = include_str!("data/test-only-rsa-key.pem");

    const ACCESS_TOKEN: &str = "ya29.secret-access-token";

    /// The token endpoint: `POST /token` answers with [`ACCESS_TOKEN`].
    fn token_endpoint(request: &Received) -> Option<Reply> {
        request.request_line.starts_with("POST /token ").then(|| {
            ok(&format!(
                r#"{{"access_token":"{ACCESS_TOKEN}","expires_in":3600,"token_type":"Bearer"}}"#
            ))
        })
    }

    fn key_json(base_url: &str) -> String {
        serde_json::json!({
            "type": "service_account",
            "project_id": "test-project",
            "private_key_id": "k1",
            "private_key": TEST_KEY,
            "client_email": "svc@test-project.iam.gserviceaccount.com",
            "client_id": "1",
            "token_uri": format!("{base_url}token"),
        })
        .to_string()
    }

    fn form_value(body: &[u8], name: &str) -> Option<String> {
        let body = std::str::from_utf8(body).ok()?;
        body.split('&').find_map(|pair| {
            let (n, v) = pair.split_once('=')?;
            (n == name).then(|| {
                percent_encoding::percent_decode_str(&v.replace('+', " "))
                    .decode_utf8_lossy()
                    .into_owned()
            })
        })
    }

    /// Checks a token request: a signed JWT assertion for `scopes`.
    fn assert_token_request(request: &Received, base_url: &str, scopes: &str) {
        assert_eq!(request.request_line, "POST /token HTTP/1.1");
        assert_eq!(
            form_value(&request.body, "grant_type").as_deref(),
            Some("urn:ietf:params:oauth:grant-type:jwt-bearer")
        );
        let assertion = form_value(&request.body, "assertion").expect("assertion");
        let parts: Vec<&str> = assertion.split('.').collect();
        assert_eq!(parts.len(), 3, "{assertion}");
        let claims = base64::engine::general_purpose::URL_SAFE
            .decode(parts[1])
            .expect("base64 claims");
        let claims: serde_json::Value = serde_json::from_slice(&claims).unwrap();
        assert_eq!(claims["iss"], "svc@test-project.iam.gserviceaccount.com");
        assert_eq!(claims["aud"], format!("{base_url}token"));
        assert_eq!(claims["scope"], scopes);
    }

    #[tokio::test]
    async fn service_account_key_gets_and_caches_a_token() {
        let server = Server::start_with_route(token_endpoint, vec![ok("{}"), ok("{}")]).await;
        let credentials = discogen_runtime::auth::service_account_key_json(
            &key_json(&server.base_url),
            &["https://www.googleapis.com/auth/cloud-platform", "scope-2"],
        )
        .unwrap();
        assert_eq!(credentials.project_id().await.unwrap(), "test-project");
        let debug = format!("{credentials:?}");
        assert!(
            debug.contains("scope-2") && !debug.contains("PRIVATE"),
            "{debug}"
        );

        let client = Client::builder(&server.base_url)
            .token_provider(credentials)
            .build()
            .unwrap();
        for _ in 0..2 {
            client
                .execute_unit(Request::new(Method::GET, "v1/x".to_owned()))
                .await
                .unwrap();
        }
        let requests = server.requests();
        // One token request, then two calls with the cached token.
        assert_eq!(requests.len(), 3, "{requests:?}");
        assert_token_request(
            &requests[0],
            &server.base_url,
            "https://www.googleapis.com/auth/cloud-platform scope-2",
        );
        for call in &requests[1..] {
            assert_eq!(call.request_line, "GET /v1/x HTTP/1.1");
            let expected = format!("Bearer {ACCESS_TOKEN}");
            assert_eq!(call.header("authorization"), Some(expected.as_str()));
        }
        assert!(!format!("{client:?}").contains(ACCESS_TOKEN));
    }

    #[tokio::test]
    async fn failing_token_endpoint_is_an_auth_error() {
        // The token endpoint answers 401 to everything (gcp_auth retries it a
        // few times, quickly); the API is never called.
        let server = Server::start(vec![status("401 Unauthorized"); 8]).await;
        let credentials =
            discogen_runtime::auth::service_account_key_json(&key_json(&server.base_url), &["s"])
                .unwrap();
        let client = Client::builder(&server.base_url)
            .token_provider(credentials)
            .build()
            .unwrap();
        let err = client
            .execute_unit(Request::new(Method::GET, "v1/x".to_owned()))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Auth(_)), "{err:?}");
        assert!(server
            .requests()
            .iter()
            .all(|r| r.request_line == "POST /token HTTP/1.1"));
    }

    /// Everything that reads `GOOGLE_APPLICATION_CREDENTIALS` is in this one
    /// test, so that no other test of this binary sees it change.
    #[tokio::test]
    async fn application_default_credentials_from_env_file() {
        let server = Server::start_with_route(token_endpoint, vec![ok(r#"{"n":1}"#)]).await;
        let dir = std::env::temp_dir().join(format!("discogen-runtime-adc-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let good = dir.join("key.json");
        std::fs::write(&good, key_json(&server.base_url)).unwrap();
        let not_json = dir.join("not-json.json");
        std::fs::write(&not_json, "this is not JSON").unwrap();
        let bad_uri = dir.join("bad-uri.json");
        std::fs::write(
            &bad_uri,
            key_json(&server.base_url).replace(&format!("{}token", server.base_url), "::not a uri"),
        )
        .unwrap();
        let bad_key = dir.join("bad-key.json");
        std::fs::write(
            &bad_key,
            serde_json::json!({
                "type": "service_account",
                "private_key": "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
                "client_email": "a@b",
                "token_uri": format!("{}token", server.base_url),
            })
            .to_string(),
        )
        .unwrap();
        let user_credentials = dir.join("user.json");
        std::fs::write(
            &user_credentials,
            r#"{"type":"authorized_user","client_id":"c","client_secret":"s","refresh_token":"r"}"#,
        )
        .unwrap();

        for (path, what) in [
            (dir.join("missing.json"), "missing file"),
            (not_json, "not JSON"),
            (bad_uri, "bad token_uri"),
            (bad_key, "bad private key"),
            (user_credentials, "authorized_user file"),
        ] {
            std::env::set_var("GOOGLE_APPLICATION_CREDENTIALS", &path);
            let err = discogen_runtime::auth::adc(&["s"]).await.unwrap_err();
            assert!(matches!(err, Error::Auth(_)), "{what}: {err:?}");
            let err = Client::builder(&server.base_url)
                .application_default_credentials(&["s"])
                .await
                .unwrap_err();
            assert!(matches!(err, Error::Auth(_)), "{what}: {err:?}");
        }

        std::env::set_var("GOOGLE_APPLICATION_CREDENTIALS", &good);
        let client = Client::builder(&server.base_url)
            .application_default_credentials(&["https://www.googleapis.com/auth/cloud-platform"])
            .await
            .unwrap()
            .build()
            .unwrap();
        std::env::remove_var("GOOGLE_APPLICATION_CREDENTIALS");
        let value: serde_json::Value = client
            .execute(Request::new(Method::GET, "v1/x".to_owned()))
            .await
            .unwrap();
        assert_eq!(value["n"], 1);
        let requests = server.requests();
        assert_eq!(requests.len(), 2);
        assert_token_request(
            &requests[0],
            &server.base_url,
            "https://www.googleapis.com/auth/cloud-platform",
        );
        let expected = format!("Bearer {ACCESS_TOKEN}");
        assert_eq!(requests[1].header("authorization"), Some(expected.as_str()));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

#[tokio::test]
async fn api_key_is_a_query_parameter_and_never_shown() {
    let server = Server::start(vec![ok("{}"), ok("{}")]).await;
    let client = Client::builder(&server.base_url)
        .api_key("AIza-secret-key")
        .bearer_token("ya29.secret-bearer")
        .build()
        .unwrap();
    assert!(!format!("{client:?}").contains("secret"));
    let mut req = Request::new(Method::GET, "v1/x".to_owned());
    req.query("q", "a");
    client.execute_unit(req).await.unwrap();
    // A request's own `key` wins over the client's.
    let mut req = Request::new(Method::GET, "v1/x".to_owned());
    req.query("key", "request-key");
    client.execute_unit(req).await.unwrap();
    let requests = server.requests();
    assert_eq!(requests[0].target(), "/v1/x?q=a&key=AIza-secret-key");
    assert_eq!(
        requests[0].header("authorization"),
        Some("Bearer ya29.secret-bearer")
    );
    assert_eq!(requests[1].target(), "/v1/x?key=request-key");

    // Transport errors carry the URL: the key is redacted there.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let client = Client::builder(&format!("http://{addr}/"))
        .api_key("AIza-secret-key")
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let err = client
        .execute_unit(Request::new(Method::GET, "v1/x".to_owned()))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("AIza-secret-key"), "{shown}");
    assert!(shown.contains("key=REDACTED"), "{shown}");
}

/// A `tracing` subscriber that keeps every span, field record and event as text.
#[derive(Clone, Default)]
struct Capture {
    lines: Arc<Mutex<Vec<String>>>,
    next_id: Arc<AtomicU64>,
}

struct Text<'a>(&'a mut String);

impl tracing::field::Visit for Text<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn fmt::Debug) {
        let _ = write!(self.0, " {}={:?}", field.name(), value);
    }
}

impl tracing::Subscriber for Capture {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, attrs: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let mut line = format!("span {}", attrs.metadata().name());
        attrs.record(&mut Text(&mut line));
        self.lines.lock().unwrap().push(line);
        tracing::span::Id::from_u64(self.next_id.fetch_add(1, Ordering::Relaxed) + 1)
    }
    fn record(&self, _: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        let mut line = "record".to_owned();
        values.record(&mut Text(&mut line));
        self.lines.lock().unwrap().push(line);
    }
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        let mut line = format!("event {}", event.metadata().target());
        event.record(&mut Text(&mut line));
        self.lines.lock().unwrap().push(line);
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

#[tokio::test]
async fn tracing_shows_method_path_and_attempt_but_no_secret() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let server = Server::start(vec![status("503 Service Unavailable"), ok("{}")]).await;
    let client = Client::builder(&server.base_url)
        .api_key("AIza-secret-key")
        .bearer_token("ya29.secret-bearer")
        .retry_policy(RetryPolicy {
            initial_backoff: Duration::from_millis(5),
            ..RetryPolicy::default()
        })
        .build()
        .unwrap();
    let mut req = Request::new(Method::GET, "v1/things/t".to_owned());
    req.query("access_token", "secret-in-query");
    client.execute_unit(req).await.unwrap();
    // And a transport error, whose message names the URL.
    let err = Client::builder("http://127.0.0.1:9/")
        .api_key("AIza-secret-key")
        .retry_policy(RetryPolicy {
            max_attempts: 2,
            initial_backoff: Duration::from_millis(5),
            ..RetryPolicy::default()
        })
        .build()
        .unwrap()
        .execute_unit(Request::new(Method::GET, "v1/y".to_owned()))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");

    let lines = capture.lines.lock().unwrap().clone();
    let all = lines.join("\n");
    assert!(!all.contains("secret"), "{all}");
    assert!(
        lines.iter().any(|l| l.starts_with("span discogen_request")
            && l.contains("method=GET")
            && l.contains("path=v1/things/t")),
        "{all}"
    );
    assert!(lines.iter().any(|l| l == "record attempt=2"), "{all}");
    assert!(lines.iter().any(|l| l.contains("retrying")), "{all}");
}
