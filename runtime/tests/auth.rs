//! API keys and static tokens; tokens and keys never reach `Debug` output,
//! errors (`tracing.rs`: nor traces). Google credentials are tested in `credentials.rs`.

mod common;

use common::{ok, Server};
use discogen_runtime::{Client, Error, Method, Request, RetryPolicy};

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
