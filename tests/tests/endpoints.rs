//! Endpoints a generated client knows: the document's default, mTLS and regional URLs, Dialogflow's
//! per-location hosts (a manifest override), and the rule that plain http is for loopback only.

#[test]
fn dialogflow_endpoints() {
    use dialogflow_v2::Client;
    assert_eq!(
        Client::DEFAULT_BASE_URL,
        "https://dialogflow.googleapis.com/"
    );
    assert_eq!(
        Client::MTLS_BASE_URL,
        "https://dialogflow.mtls.googleapis.com/"
    );
    assert_eq!(
        Client::REGIONAL_BASE_URLS,
        &[("us", "https://dialogflow.us.rep.googleapis.com/")]
    );
    assert_eq!(
        Client::location_base_url("europe-west1"),
        "https://europe-west1-dialogflow.googleapis.com/"
    );
    assert_eq!(
        dialogflow_v3::Client::location_base_url("global"),
        "https://global-dialogflow.googleapis.com/"
    );
}

#[test]
fn the_builder_starts_from_the_default_endpoint_and_can_be_pointed_elsewhere() {
    // `build()` gives the crate's own client; the runtime's is underneath.
    let client: monitoring_v1::Client = monitoring_v1::Client::builder().build().unwrap();
    assert_eq!(
        client.runtime().base_url(),
        "https://monitoring.googleapis.com/"
    );
    let regional = dialogflow_v2::Client::builder()
        .base_url(dialogflow_v2::Client::location_base_url("europe-west1"))
        .build()
        .unwrap();
    let request = regional
        .projects()
        .operations()
        .get("projects/p/operations/o")
        .to_request();
    assert_eq!(
        regional.runtime().url_for(&request).unwrap().as_str(),
        "https://europe-west1-dialogflow.googleapis.com/v2/projects/p/operations/o"
    );
}

#[test]
fn plain_http_is_for_loopback_unless_allowed() {
    let err = workspaceevents_v1::Client::builder()
        .base_url("http://events.example.com/")
        .build()
        .unwrap_err();
    assert!(
        matches!(&err, workspaceevents_v1::Error::Config(e) if e.kind() == workspaceevents_v1::ConfigErrorKind::Url),
        "{err:?}"
    );
    assert!(workspaceevents_v1::Client::builder()
        .base_url("http://127.0.0.1:9/")
        .build()
        .is_ok());
    assert!(workspaceevents_v1::Client::builder()
        .base_url("http://events.example.com/")
        .allow_insecure_http(true)
        .build()
        .is_ok());
}

/// A self-signed certificate and its key (test only), for the mTLS endpoint choice.
const CLIENT_IDENTITY: &str = include_str!("support/test-only-client-identity.pem");

fn base_url(builder: discogen_runtime::ClientBuilder<dialogflow_v2::Client>) -> String {
    builder.build().unwrap().runtime().base_url().to_owned()
}

#[test]
fn the_universe_domain_moves_every_endpoint_of_the_crate() {
    use dialogflow_v2::Client;
    let universe = || Client::builder().universe_domain("example.com");
    assert_eq!(base_url(universe()), "https://dialogflow.example.com/");
    let (_, us) = Client::REGIONAL_BASE_URLS[0];
    assert_eq!(
        base_url(universe().regional_base_url(us)),
        "https://dialogflow.us.rep.example.com/"
    );
    let europe = Client::location_base_url("europe-west1");
    assert_eq!(
        base_url(universe().regional_base_url(europe)),
        "https://europe-west1-dialogflow.example.com/"
    );
    // An explicit base URL is used as given.
    assert_eq!(
        base_url(universe().base_url("https://dialogflow.googleapis.com/")),
        "https://dialogflow.googleapis.com/"
    );
    let client = universe().build().unwrap();
    assert_eq!(client.runtime().universe_domain(), "example.com");
    // mTLS endpoints exist only in googleapis.com.
    let err = universe()
        .client_certificate(CLIENT_IDENTITY)
        .build()
        .unwrap_err();
    assert!(
        matches!(&err, dialogflow_v2::Error::Config(e) if e.kind() == dialogflow_v2::ConfigErrorKind::Endpoint && e.to_string().contains("mTLS")),
        "{err:?}"
    );
}

#[test]
fn a_client_certificate_chooses_the_mtls_endpoint() {
    use dialogflow_v2::Client;
    let with_certificate = || Client::builder().client_certificate(CLIENT_IDENTITY);
    assert_eq!(base_url(with_certificate()), Client::MTLS_BASE_URL);
    assert_eq!(base_url(Client::builder()), Client::DEFAULT_BASE_URL);
    let err = with_certificate()
        .client_certificate("not a certificate")
        .build()
        .unwrap_err();
    assert!(
        matches!(&err, dialogflow_v2::Error::Config(e) if e.kind() == dialogflow_v2::ConfigErrorKind::Transport),
        "{err:?}"
    );
}

/// A service-account key of `universe_domain`, signing with the runtime's test-only key.
fn service_account(universe_domain: &str) -> String {
    serde_json::json!({
        "type": "service_account",
        "project_id": "p",
        "private_key_id": "k1",
        "private_key": include_str!("../../runtime/tests/data/test-only-rsa-key.pem"),
        "client_email": "sa@p.iam.gserviceaccount.com",
        "token_uri": "https://oauth2.googleapis.com/token",
        "universe_domain": universe_domain,
    })
    .to_string()
}

#[tokio::test]
async fn credentials_of_another_universe_are_refused_before_anything_is_sent() {
    use dialogflow_v2::testing::Mock;
    use dialogflow_v2::{methods, Client, Credentials};
    let mock = Mock::new();
    let credentials = Credentials::from_json(service_account("other.example"))
        .build()
        .unwrap();
    let err = Client::builder()
        .transport(mock.transport())
        .credentials(credentials.clone())
        .build()
        .unwrap_err();
    match &err {
        dialogflow_v2::Error::UniverseMismatch {
            client,
            credentials,
            ..
        } => assert_eq!(
            (client.as_str(), credentials.as_str()),
            ("googleapis.com", "other.example")
        ),
        other => panic!("{other:?}"),
    }
    assert!(
        err.to_string().contains("GOOGLE_CLOUD_UNIVERSE_DOMAIN"),
        "{err}"
    );
    assert!(mock.requests().is_empty());

    // In their own universe they work, and the call goes there.
    let client = Client::builder()
        .transport(mock.transport())
        .credentials(credentials)
        .universe_domain("other.example")
        .build()
        .unwrap();
    mock.on(methods::PROJECTS_OPERATIONS_GET)
        .returns(Default::default());
    let get = client
        .projects()
        .operations()
        .get("projects/p/operations/o");
    let url = client.runtime().url_for(&get.to_request()).unwrap();
    assert_eq!(url.host_str(), Some("dialogflow.other.example"));
    get.send().await.unwrap();
    assert_eq!(mock.requests().len(), 1);
}
