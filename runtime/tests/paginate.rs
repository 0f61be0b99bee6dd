//! `paginate::{pages, items}` against a scripted loopback server.

mod common;

use std::time::Duration;

use common::{ok, status, Server};
use discogen_runtime::paginate::{items, pages, Page, Stream, StreamExt as _, TryStreamExt as _};
use discogen_runtime::{Client, Error, Method, Request, RetryPolicy};
use serde::Deserialize;

#[derive(Debug, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
struct ListNumbers {
    numbers: Option<Vec<i32>>,
    next_page_token: Option<String>,
}

impl Page for ListNumbers {
    type Item = i32;
    fn next_page_token(&self) -> Option<&str> {
        self.next_page_token.as_deref()
    }
    fn into_items(self) -> Vec<i32> {
        self.numbers.unwrap_or_default()
    }
}

fn client(server: &Server) -> Client {
    Client::builder(&server.base_url)
        .retry_policy(RetryPolicy {
            initial_backoff: Duration::from_millis(5),
            jitter: false,
            ..RetryPolicy::default()
        })
        .build()
        .unwrap()
}

fn list_request() -> Request {
    let mut req = Request::new(Method::GET, "v1/numbers".to_owned());
    req.query("pageSize", &2i32);
    req.query("filter", "odd");
    req
}

fn assert_send<T: Send>(t: T) -> T {
    t
}

#[tokio::test]
async fn items_follow_page_tokens_across_three_pages() {
    let server = Server::start(vec![
        ok(r#"{"numbers":[1,2],"nextPageToken":"t1"}"#),
        ok(r#"{"numbers":[3],"nextPageToken":"t 2/+="}"#),
        ok(r#"{"numbers":[4,5]}"#),
    ])
    .await;
    let stream = assert_send(items::<ListNumbers>(client(&server), list_request()));
    let all: Vec<i32> = stream.try_collect().await.unwrap();
    assert_eq!(all, vec![1, 2, 3, 4, 5]);
    let targets: Vec<String> = server
        .requests()
        .iter()
        .map(|r| r.target().to_owned())
        .collect();
    assert_eq!(
        targets,
        vec![
            "/v1/numbers?pageSize=2&filter=odd",
            "/v1/numbers?pageSize=2&filter=odd&pageToken=t1",
            "/v1/numbers?pageSize=2&filter=odd&pageToken=t+2%2F%2B%3D",
        ]
    );
}

#[tokio::test]
async fn pages_yield_whole_pages_and_stop_on_empty_token() {
    let server = Server::start(vec![
        ok(r#"{"numbers":[1],"nextPageToken":"a"}"#),
        ok(r#"{"nextPageToken":"b"}"#),
        ok(r#"{"numbers":[2],"nextPageToken":""}"#),
        ok(r#"{"numbers":[99]}"#),
    ])
    .await;
    let mut req = list_request();
    // A first token given by the caller is kept for the first request.
    req.query("pageToken", "start");
    let all: Vec<ListNumbers> = pages(client(&server), req).try_collect().await.unwrap();
    assert_eq!(all.len(), 3);
    assert_eq!(all[1].numbers, None);
    assert_eq!(all[2].next_page_token.as_deref(), Some(""));
    let targets: Vec<String> = server
        .requests()
        .iter()
        .map(|r| r.target().to_owned())
        .collect();
    assert_eq!(
        targets,
        vec![
            "/v1/numbers?pageSize=2&filter=odd&pageToken=start",
            "/v1/numbers?pageSize=2&filter=odd&pageToken=a",
            "/v1/numbers?pageSize=2&filter=odd&pageToken=b",
        ]
    );
}

#[tokio::test]
async fn repeated_token_ends_with_an_error() {
    let server = Server::start(vec![
        ok(r#"{"numbers":[1],"nextPageToken":"a"}"#),
        ok(r#"{"numbers":[2],"nextPageToken":"b"}"#),
        ok(r#"{"numbers":[3],"nextPageToken":"a"}"#),
        ok(r#"{"numbers":[4]}"#),
    ])
    .await;
    let results: Vec<_> = items::<ListNumbers>(client(&server), list_request())
        .collect()
        .await;
    assert_eq!(results.len(), 3, "{results:?}");
    assert_eq!(results[0].as_ref().unwrap(), &1);
    assert_eq!(results[1].as_ref().unwrap(), &2);
    assert!(
        matches!(&results[2], Err(Error::InvalidResponse(m)) if m.contains("\"a\"")),
        "{results:?}"
    );
    assert_eq!(server.count(), 3);

    // The same token forever, as pages.
    let server = Server::start(vec![
        ok(r#"{"numbers":[1],"nextPageToken":"same"}"#),
        ok(r#"{"numbers":[1],"nextPageToken":"same"}"#),
        ok(r#"{"numbers":[1],"nextPageToken":"same"}"#),
    ])
    .await;
    let results: Vec<_> = pages::<ListNumbers>(client(&server), list_request())
        .collect()
        .await;
    assert_eq!(results.len(), 2);
    assert!(results[0].is_ok());
    assert!(matches!(results[1], Err(Error::InvalidResponse(_))));
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn an_error_is_yielded_once_and_ends_the_stream() {
    let server = Server::start(vec![
        ok(r#"{"numbers":[1,2],"nextPageToken":"t1"}"#),
        status("404 Not Found"),
        ok(r#"{"numbers":[3]}"#),
    ])
    .await;
    let mut stream = std::pin::pin!(items::<ListNumbers>(client(&server), list_request()));
    assert_eq!(stream.next().await.unwrap().unwrap(), 1);
    assert_eq!(stream.next().await.unwrap().unwrap(), 2);
    let err = stream.next().await.unwrap().unwrap_err();
    assert_eq!(err.status(), Some(404));
    assert!(stream.next().await.is_none());
    assert!(stream.next().await.is_none());
    assert_eq!(server.count(), 2);

    // A page that is not the expected JSON.
    let server = Server::start(vec![ok(r#"{"numbers":"x"}"#)]).await;
    let results: Vec<_> = pages::<ListNumbers>(client(&server), list_request())
        .collect()
        .await;
    assert!(matches!(results.as_slice(), [Err(Error::Decode { .. })]));
}

#[tokio::test]
async fn transient_page_errors_are_retried() {
    let server = Server::start(vec![
        ok(r#"{"numbers":[1],"nextPageToken":"t1"}"#),
        status("503 Service Unavailable"),
        ok(r#"{"numbers":[2]}"#),
    ])
    .await;
    let all: Vec<i32> = items::<ListNumbers>(client(&server), list_request())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all, vec![1, 2]);
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    assert_eq!(requests[1].target(), requests[2].target());
}

#[test]
fn streams_are_send_and_named_by_the_reexport() {
    fn takes_stream<S: Stream<Item = discogen_runtime::Result<i32>> + Send>(_: S) {}
    let client = Client::builder("https://example.com/").build().unwrap();
    takes_stream(items::<ListNumbers>(client, list_request()));
}
