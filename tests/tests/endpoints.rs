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
        matches!(err, workspaceevents_v1::Error::Config(_)),
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
