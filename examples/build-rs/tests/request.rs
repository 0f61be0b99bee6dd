//! The client generated at build time describes the same requests as the checked-in crate.

use discogen_build_example::{Client, StandardParameters};

fn client() -> Client {
    Client::builder()
        .base_url("http://127.0.0.1:1/")
        .build()
        .unwrap()
}

#[test]
fn builders_describe_requests() {
    let request = client()
        .subscriptions()
        .get("subscriptions/sub 1")
        .quota_user("me")
        .to_request();
    assert_eq!(request.method().as_str(), "GET");
    assert_eq!(request.path(), "v1/subscriptions/sub%201");
    assert!(request
        .query_pairs()
        .iter()
        .any(|(k, v)| k == "quotaUser" && v == "me"));

    let request = client()
        .subscriptions()
        .list()
        .filter("event_types:\"google.workspace.chat.message.v1.created\"")
        .page_size(10)
        .to_request();
    assert_eq!(request.path(), "v1/subscriptions");
    assert!(request
        .query_pairs()
        .iter()
        .any(|(k, v)| k == "pageSize" && v == "10"));
}

#[test]
fn schemas_and_constants_are_there() {
    assert_eq!(
        Client::DEFAULT_BASE_URL,
        "https://workspaceevents.googleapis.com/"
    );
    let subscription = discogen_build_example::schemas::Subscription::default()
        .with_target_resource("//chat.googleapis.com/spaces/AAA");
    let json = serde_json::to_value(&subscription).unwrap();
    assert_eq!(json["targetResource"], "//chat.googleapis.com/spaces/AAA");
}
