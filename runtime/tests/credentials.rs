//! Google credentials of every kind (through `google-cloud-auth`) against one loopback server that
//! plays Google's token endpoint, STS, the IAM credentials API, the metadata server and the API.
//! Each test checks that the token the server issued reaches the API request; one that an expired
//! token is replaced; others that a bad file is an error naming the file and the field.
//!
//! Nothing here reaches Google: every URL in the credential files points at 127.0.0.1, and the
//! only test that reads `GOOGLE_APPLICATION_CREDENTIALS` sets it first.
#![cfg(feature = "adc")]

mod common;

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use base64::Engine as _;
use common::{json, ok, Received, Reply, Server};
use discogen_runtime::auth::Credentials;
use discogen_runtime::{Client, CredentialsErrorKind, Error, Method, Request};
use serde_json::{json as value, Value};

/// An RSA key made for these tests only (`openssl genpkey -algorithm RSA`); it authorizes nothing.
const TEST_KEY: &str = include_str!("data/test-only-rsa-key.pem");

const TARGET: &str = "target@test-project.iam.gserviceaccount.com";
const METADATA_TOKEN_PATH: &str = "/computeMetadata/v1/instance/service-accounts/default/token";

/// The loopback server: numbered tokens per endpoint, `expires_in` of the first one chosen by the
/// test (later ones last an hour), and `{"ok":true}` for every API call.
struct Google {
    server: Server,
    issued: Arc<AtomicU32>,
}

impl Google {
    async fn start(first_expires_in: u64) -> Google {
        let issued = Arc::new(AtomicU32::new(0));
        let count = issued.clone();
        let handler = Arc::new(move |request: &Received| -> Option<Reply> {
            let next = || {
                let n = count.fetch_add(1, Ordering::SeqCst) + 1;
                let expires_in = if n == 1 { first_expires_in } else { 3600 };
                (n, expires_in)
            };
            let line = request.request_line.as_str();
            let path = request.target().split('?').next().unwrap_or("");
            Some(if line.starts_with("POST /token ") {
                let (n, expires_in) = next();
                ok(&value!({"access_token": format!("user-token-{n}"), "expires_in": expires_in, "token_type": "Bearer"}).to_string())
            } else if line.starts_with("POST /sts ") {
                let (n, expires_in) = next();
                ok(&value!({
                    "access_token": format!("sts-token-{n}"),
                    "issued_token_type": "urn:ietf:params:oauth:token-type:access_token",
                    "token_type": "Bearer",
                    "expires_in": expires_in,
                })
                .to_string())
            } else if line.starts_with("GET /subject ") {
                json("200 OK", r#"{"id_token":"subject-from-url"}"#)
            } else if line.starts_with("POST /v1/projects/-/serviceAccounts/") {
                let (n, expires_in) = next();
                let expire = discogen_runtime::chrono::Utc::now()
                    + discogen_runtime::chrono::TimeDelta::seconds(expires_in as i64);
                ok(&value!({"accessToken": format!("impersonated-token-{n}"), "expireTime": expire.to_rfc3339()}).to_string())
            } else if path == METADATA_TOKEN_PATH {
                if request.header("metadata-flavor") != Some("Google") {
                    return Some(json("403 Forbidden", "{}"));
                }
                let (n, expires_in) = next();
                ok(&value!({"access_token": format!("mds-token-{n}"), "expires_in": expires_in, "token_type": "Bearer"}).to_string())
            } else {
                ok(r#"{"ok":true}"#)
            })
        });
        Google {
            server: Server::start_with_handler(handler, vec![]).await,
            issued,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.base_url)
    }

    fn client(&self, credentials: Credentials) -> Client {
        Client::builder(&self.server.base_url)
            .credentials(credentials)
            .build()
            .unwrap()
    }

    /// Calls the API once; returns the request the server got.
    async fn call(&self, client: &Client) -> Received {
        let value: Value = client
            .execute(Request::new(Method::GET, "v1/things".to_owned()))
            .await
            .unwrap();
        assert_eq!(value, value!({"ok": true}));
        let requests = self.server.requests();
        let call = requests
            .iter()
            .rev()
            .find(|r| r.request_line == "GET /v1/things HTTP/1.1")
            .expect("the API call");
        call.clone()
    }

    /// The requests other than API calls, as `METHOD path`.
    fn token_requests(&self) -> Vec<Received> {
        self.server
            .requests()
            .into_iter()
            .filter(|r| !r.request_line.starts_with("GET /v1/things "))
            .collect()
    }
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

/// A scratch folder for credential files, removed on drop.
struct Dir(PathBuf);

impl Dir {
    fn new(name: &str) -> Dir {
        let dir = std::env::temp_dir().join(format!(
            "discogen-credentials-{name}-{}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Dir(dir)
    }

    fn write(&self, name: &str, contents: &str) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, contents).unwrap();
        path
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn authorized_user(google: &Google) -> Value {
    value!({
        "type": "authorized_user",
        "client_id": "client-1",
        "client_secret": "secret-1",
        "refresh_token": "refresh-1",
        "token_uri": google.url("token"),
        "quota_project_id": "billing-from-file",
    })
}

#[tokio::test]
async fn authorized_user_gets_a_token_and_sends_its_quota_project() {
    let google = Google::start(3600).await;
    let dir = Dir::new("user");
    let file = dir.write("user.json", &authorized_user(&google).to_string());
    let credentials = Credentials::from_file(&file).build().unwrap();
    let debug = format!("{credentials:?}");
    assert!(
        debug.contains("authorized_user") && !debug.contains("secret-1"),
        "{debug}"
    );
    let client = google.client(credentials);
    for _ in 0..2 {
        let call = google.call(&client).await;
        assert_eq!(call.header("authorization"), Some("Bearer user-token-1"));
        assert_eq!(
            call.header("x-goog-user-project"),
            Some("billing-from-file")
        );
    }
    // One token for both calls: cached.
    let tokens = google.token_requests();
    assert_eq!(tokens.len(), 1, "{tokens:?}");
    let body: Value = serde_json::from_slice(&tokens[0].body).unwrap();
    assert_eq!(body["grant_type"], "refresh_token");
    assert_eq!(body["refresh_token"], "refresh-1");
    assert_eq!(body["client_id"], "client-1");
    assert_eq!(body["client_secret"], "secret-1");
}

#[tokio::test]
async fn an_expired_token_is_refreshed() {
    // The first token expires as it is issued. The first call gets it (google-cloud-auth hands the
    // first token to whoever waits for it); every later call must get the one fetched to replace it.
    let google = Google::start(0).await;
    let credentials = Credentials::from_json(authorized_user(&google).to_string())
        .quota_project("billing-override")
        .build()
        .unwrap();
    let client = google.client(credentials);
    let call = google.call(&client).await;
    assert_eq!(call.header("authorization"), Some("Bearer user-token-1"));
    assert_eq!(call.header("x-goog-user-project"), Some("billing-override"));
    for _ in 0..2 {
        let call = google.call(&client).await;
        assert_eq!(call.header("authorization"), Some("Bearer user-token-2"));
    }
    // The fresh token lasts an hour: no third one.
    assert_eq!(google.issued.load(Ordering::SeqCst), 2);
    assert_eq!(google.token_requests().len(), 2);
}

#[tokio::test]
async fn service_account_key_signs_its_own_token() {
    // google-cloud-auth sends a self-signed JWT (AIP-4111): no token endpoint is called.
    let google = Google::start(3600).await;
    let key = value!({
        "type": "service_account",
        "project_id": "test-project",
        "private_key_id": "key-1",
        "private_key": TEST_KEY,
        "client_email": "svc@test-project.iam.gserviceaccount.com",
        "client_id": "1",
        "token_uri": google.url("token"),
    });
    let credentials = Credentials::from_json(key.to_string())
        .scopes(["https://www.googleapis.com/auth/cloud-platform", "scope-2"])
        .quota_project("billing")
        .build()
        .unwrap();
    assert!(!format!("{credentials:?}").contains("PRIVATE"));
    let call = google.call(&google.client(credentials)).await;
    assert!(google.token_requests().is_empty());
    assert_eq!(call.header("x-goog-user-project"), Some("billing"));
    let jwt = call
        .header("authorization")
        .and_then(|v| v.strip_prefix("Bearer "))
        .expect("a bearer token");
    let parts: Vec<&str> = jwt.split('.').collect();
    assert_eq!(parts.len(), 3, "{jwt}");
    let decode = |part: &str| -> Value {
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(part)
            .unwrap();
        serde_json::from_slice(&bytes).unwrap()
    };
    let header = decode(parts[0]);
    assert_eq!(header["alg"], "RS256");
    assert_eq!(header["kid"], "key-1");
    let claims = decode(parts[1]);
    assert_eq!(claims["iss"], "svc@test-project.iam.gserviceaccount.com");
    assert_eq!(
        claims["scope"],
        "https://www.googleapis.com/auth/cloud-platform scope-2"
    );
    // Signed by the key in the file.
    let pem: String = TEST_KEY
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(pem)
        .unwrap();
    let pair = ring::signature::RsaKeyPair::from_pkcs8(&der).unwrap();
    use ring::signature::KeyPair as _;
    let public = ring::signature::UnparsedPublicKey::new(
        &ring::signature::RSA_PKCS1_2048_8192_SHA256,
        pair.public_key().as_ref(),
    );
    let signature = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(parts[2])
        .unwrap();
    public
        .verify(format!("{}.{}", parts[0], parts[1]).as_bytes(), &signature)
        .expect("a valid RS256 signature");
}

#[tokio::test]
async fn impersonated_service_account_uses_its_source_token() {
    let google = Google::start(3600).await;
    let file = value!({
        "type": "impersonated_service_account",
        "service_account_impersonation_url": google.url(&format!("v1/projects/-/serviceAccounts/{TARGET}:generateAccessToken")),
        "source_credentials": authorized_user(&google),
        "delegates": [],
    });
    let credentials = Credentials::from_json(file.to_string()).build().unwrap();
    let call = google.call(&google.client(credentials)).await;
    assert_eq!(
        call.header("authorization"),
        Some("Bearer impersonated-token-2")
    );
    let tokens = google.token_requests();
    assert_eq!(tokens.len(), 2, "{tokens:?}");
    assert_eq!(tokens[0].request_line, "POST /token HTTP/1.1");
    assert_eq!(
        tokens[1].request_line,
        format!("POST /v1/projects/-/serviceAccounts/{TARGET}:generateAccessToken HTTP/1.1")
    );
    // The IAM call is made with the source credentials' token.
    assert_eq!(
        tokens[1].header("authorization"),
        Some("Bearer user-token-1")
    );
    let body: Value = serde_json::from_slice(&tokens[1].body).unwrap();
    assert_eq!(
        body["scope"],
        value!(["https://www.googleapis.com/auth/cloud-platform"])
    );
}

fn external_account(google: &Google, source: Value) -> Value {
    value!({
        "type": "external_account",
        "audience": "//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/pool/providers/ci",
        "subject_token_type": "urn:ietf:params:oauth:token-type:jwt",
        "token_url": google.url("sts"),
        "credential_source": source,
    })
}

/// Checks the STS exchange of `subject_token` and that its token reached the call.
fn assert_sts_exchange(google: &Google, call: &Received, subject_token: &str) {
    assert_eq!(call.header("authorization"), Some("Bearer sts-token-1"));
    let exchange = google
        .token_requests()
        .into_iter()
        .find(|r| r.request_line == "POST /sts HTTP/1.1")
        .expect("an STS request");
    assert_eq!(
        form_value(&exchange.body, "grant_type").as_deref(),
        Some("urn:ietf:params:oauth:grant-type:token-exchange")
    );
    assert_eq!(
        form_value(&exchange.body, "subject_token").as_deref(),
        Some(subject_token)
    );
    assert_eq!(
        form_value(&exchange.body, "subject_token_type").as_deref(),
        Some("urn:ietf:params:oauth:token-type:jwt")
    );
}

#[tokio::test]
async fn external_account_with_a_file_source_exchanges_it_at_sts() {
    let google = Google::start(3600).await;
    let dir = Dir::new("external-file");
    let subject = dir.write("subject.jwt", "subject-from-file");
    let file = dir.write(
        "external.json",
        &external_account(&google, value!({"file": subject})).to_string(),
    );
    let credentials = Credentials::from_file(&file).build().unwrap();
    let call = google.call(&google.client(credentials)).await;
    assert_sts_exchange(&google, &call, "subject-from-file");
}

#[tokio::test]
async fn external_account_with_a_url_source_fetches_and_exchanges_it() {
    let google = Google::start(3600).await;
    let source = value!({
        "url": google.url("subject"),
        "headers": {"Metadata": "True"},
        "format": {"type": "json", "subject_token_field_name": "id_token"},
    });
    let credentials = Credentials::from_json(external_account(&google, source).to_string())
        .build()
        .unwrap();
    let call = google.call(&google.client(credentials)).await;
    assert_sts_exchange(&google, &call, "subject-from-url");
    let fetch = google
        .token_requests()
        .into_iter()
        .find(|r| r.request_line == "GET /subject HTTP/1.1")
        .expect("the subject token fetch");
    assert_eq!(fetch.header("metadata"), Some("True"));
}

#[tokio::test]
async fn metadata_server_token() {
    let google = Google::start(3600).await;
    let endpoint = google.server.base_url.trim_end_matches('/').to_owned();
    let credentials = Credentials::metadata_server_at(endpoint)
        .quota_project("billing")
        .build()
        .unwrap();
    let call = google.call(&google.client(credentials)).await;
    assert_eq!(call.header("authorization"), Some("Bearer mds-token-1"));
    assert_eq!(call.header("x-goog-user-project"), Some("billing"));
    let tokens = google.token_requests();
    assert_eq!(tokens.len(), 1, "{tokens:?}");
    assert!(
        tokens[0].target().starts_with(METADATA_TOKEN_PATH),
        "{tokens:?}"
    );
}

#[tokio::test]
async fn a_call_header_overrides_the_credentials_quota_project() {
    use discogen_runtime::__private::Params;
    use discogen_runtime::CallOptions;
    struct Get(Params);
    impl CallOptions for Get {
        fn call_params(&mut self) -> &mut Params {
            &mut self.0
        }
    }
    let google = Google::start(3600).await;
    let client = google.client(
        Credentials::from_json(authorized_user(&google).to_string())
            .build()
            .unwrap(),
    );
    let get = Get(Params::default()).with_header("x-goog-user-project", "per-call-billing");
    let mut request = Request::new(Method::GET, "v1/things".to_owned());
    request.params(get.0);
    let _: Value = client.execute(request).await.unwrap();
    let call = google.call(&client).await;
    let requests = google.server.requests();
    let first = requests
        .iter()
        .find(|r| r.request_line == "GET /v1/things HTTP/1.1")
        .unwrap();
    assert_eq!(
        first.header("x-goog-user-project"),
        Some("per-call-billing")
    );
    assert_eq!(
        call.header("x-goog-user-project"),
        Some("billing-from-file")
    );
}

/// Bad files: each error names the file and what is wrong with it (the field, where there is one).
#[tokio::test]
async fn bad_credential_files_are_errors_naming_file_and_field() {
    let dir = Dir::new("bad");
    let user_without_refresh_token =
        r#"{"type":"authorized_user","client_id":"c","client_secret":"s"}"#;
    let cases = [
        ("not-json.json", "this is not JSON", "not JSON"),
        ("array.json", "[1]", "not a JSON object"),
        (
            "no-type.json",
            r#"{"client_email":"a@b"}"#,
            "field `type` is missing",
        ),
        ("number-type.json", r#"{"type":7}"#, "field `type` is 7"),
        (
            "unknown-type.json",
            r#"{"type":"gdch_service_account"}"#,
            "field `type` is \"gdch_service_account\", which is not a credential type",
        ),
        ("user.json", user_without_refresh_token, "refresh_token"),
        (
            "key.json",
            r#"{"type":"service_account","client_email":"a@b","private_key_id":"k","project_id":"p"}"#,
            "private_key",
        ),
        (
            "external.json",
            r#"{"type":"external_account","audience":"a","subject_token_type":"t","credential_source":{"file":"x"}}"#,
            "token_url",
        ),
    ];
    for (name, contents, expected) in cases {
        let path = dir.write(name, contents);
        let err = Credentials::from_file(&path).build().unwrap_err();
        let message = err.to_string();
        assert!(
            matches!(&err, Error::Credentials(e) if e.kind() == CredentialsErrorKind::Invalid),
            "{name}: {err:?}"
        );
        assert!(
            message.contains(&path.display().to_string()) && message.contains(expected),
            "{name}: {message}"
        );
    }
    let missing = dir.0.join("missing.json");
    let err = Credentials::from_file(&missing).build().unwrap_err();
    assert!(
        err.to_string().contains(&missing.display().to_string()),
        "{err}"
    );
}

/// The one test that sets `GOOGLE_APPLICATION_CREDENTIALS`, so no other test sees it change.
#[tokio::test]
async fn application_default_credentials_read_the_env_file() {
    let google = Google::start(3600).await;
    let dir = Dir::new("adc");
    let good = dir.write("user.json", &authorized_user(&google).to_string());
    let bad = dir.write("bad.json", r#"{"type":"nonsense"}"#);

    std::env::set_var("GOOGLE_APPLICATION_CREDENTIALS", &bad);
    let err = Client::builder(&google.server.base_url)
        .application_default_credentials()
        .build()
        .unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains(&bad.display().to_string())
            && message.contains("GOOGLE_APPLICATION_CREDENTIALS")
            && message.contains("field `type`"),
        "{message}"
    );

    std::env::set_var("GOOGLE_APPLICATION_CREDENTIALS", &good);
    let client = Client::builder(&google.server.base_url)
        .application_default_credentials()
        .build();
    std::env::remove_var("GOOGLE_APPLICATION_CREDENTIALS");
    let call = google.call(&client.unwrap()).await;
    assert_eq!(call.header("authorization"), Some("Bearer user-token-1"));
}
