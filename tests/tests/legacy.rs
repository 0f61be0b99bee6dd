//! An older-style document: the base URL comes from `baseUrl` (no rootUrl/servicePath), and the
//! `dataWrapper` feature wraps JSON bodies as `{"data": ...}` in both directions.

mod support;

use fixture_legacy::schemas::User;
use fixture_legacy::Client;
use serde_json::json;
use support::{serve, within_timeout, Response};

#[test]
fn the_base_url_falls_back_to_base_url() {
    assert_eq!(
        Client::DEFAULT_BASE_URL,
        "https://www.googleapis.com/admin/directory/v1/"
    );
}

#[tokio::test]
async fn bodies_are_wrapped_in_data_both_ways() {
    let (base, log) =
        serve(|_| Response::json(200, &json!({"data": {"id": "42", "quotaBytes": "1024"}}))).await;
    let client = Client::new(
        Client::builder()
            .base_url(format!("{base}admin/directory/v1/"))
            .build()
            .unwrap(),
    );
    let user = User::default().with_primary_email("a@example.com");
    let created = within_timeout(client.users().insert(user).send())
        .await
        .unwrap();
    assert_eq!(
        (created.id.as_deref(), created.quota_bytes),
        (Some("42"), Some(1024))
    );
    let request = log.single();
    assert_eq!(request.path, "/admin/directory/v1/users");
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&request.body).unwrap(),
        json!({"data": {"primaryEmail": "a@example.com"}})
    );
}

#[tokio::test]
async fn an_unwrapped_response_is_read_as_is() {
    let (base, _log) = serve(|_| Response::json(200, &json!({"id": "7"}))).await;
    let client = Client::new(Client::builder().base_url(base).build().unwrap());
    let user = within_timeout(client.users().get("a@example.com").send())
        .await
        .unwrap();
    assert_eq!(user.id.as_deref(), Some("7"));
}

/// The legacy global parameters (`userIp`, `alt` with only `json`) are not the standard set: the crate keeps
/// a `StandardParameters` trait and an `Alt` enum of its own.
#[tokio::test]
async fn its_own_global_parameters_are_sent() {
    use fixture_legacy::{Alt, StandardParameters};
    let (base, log) = serve(|_| Response::json(200, &json!({"id": "7"}))).await;
    let client = Client::new(Client::builder().base_url(base).build().unwrap());
    within_timeout(
        client
            .users()
            .get("a@example.com")
            .user_ip("192.0.2.1")
            .alt(Alt::Json)
            .pretty_print(false)
            .send(),
    )
    .await
    .unwrap();
    let request = log.single();
    assert_eq!(
        request.query,
        [
            ("userIp".to_owned(), "192.0.2.1".to_owned()),
            ("alt".to_owned(), "json".to_owned()),
            ("prettyPrint".to_owned(), "false".to_owned()),
        ]
    );
}
