//! The exact HTTP request each kind of generated method describes: method, path encoding, query pairs,
//! headers and body. `to_request` is what `send` hands to the runtime.

use discogen_runtime::{Method, Request};
use fixture_params::{Client, StandardParameters, Xgafv};

fn client() -> Client {
    Client::builder()
        .base_url("http://127.0.0.1:1/")
        .build()
        .unwrap()
}

fn query(request: &Request) -> Vec<(String, String)> {
    request
        .query_pairs()
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn reserved_expansion_keeps_slashes_and_the_custom_verb() {
    let request = client()
        .jobs()
        .cancel(
            "projects/p 1/jobs/j",
            fixture_params::schemas::CancelJobRequest::default(),
        )
        .to_request();
    assert_eq!(request.method(), &Method::POST);
    assert_eq!(request.path(), "v1/projects/p%201/jobs/j:cancel");
    assert_eq!(request.body(), Some(&b"{}"[..]));
    assert!(query(&request).is_empty());
}

#[test]
fn simple_expansion_encodes_slashes() {
    let request = client()
        .buckets()
        .files()
        .get("my bucket", "dir/file.txt")
        .to_request();
    assert_eq!(request.method(), &Method::GET);
    assert_eq!(
        request.path(),
        "v1/buckets/my%20bucket/files/dir%2Ffile.txt"
    );
}

#[test]
fn integer_path_parameters_and_required_query_parameters() {
    let request = client().users().items().get("u/1", 42).to_request();
    assert_eq!(request.path(), "v1/users/u%2F1/items/42");

    let request = client()
        .users()
        .items()
        .list("u", "state=ACTIVE")
        .to_request();
    assert_eq!(request.path(), "v1/users/u/items");
    assert_eq!(query(&request), pairs(&[("filter", "state=ACTIVE")]));
}

#[test]
fn repeated_parameters_are_sent_once_per_value_in_order() {
    let request = client()
        .users()
        .items()
        .list("u", "f")
        .tags(["b", "a", "b"])
        .ids([3, -1])
        .include_deleted(true)
        .limit(50)
        .start_date("2024-01-31")
        .body("not-the-request-body")
        .to_request();
    assert_eq!(
        query(&request),
        pairs(&[
            ("filter", "f"),
            ("body", "not-the-request-body"),
            ("ids", "3"),
            ("ids", "-1"),
            ("includeDeleted", "true"),
            ("limit", "50"),
            ("start-date", "2024-01-31"),
            ("tags", "b"),
            ("tags", "a"),
            ("tags", "b"),
        ])
    );
    assert_eq!(request.body(), None);
}

#[test]
#[allow(deprecated)] // `purge` is the fixture's deprecated method; the test is about its request.
fn standard_parameters_and_the_api_version_header() {
    let request = client()
        .jobs()
        .purge("projects/p")
        .quota_user("me")
        .xgafv(Xgafv::V2)
        .pretty_print(false)
        .to_request();
    assert_eq!(request.path(), "v1/projects/p/jobs:purge");
    assert_eq!(request.api_version_header(), Some("v1_20240101"));
    let sent = query(&request);
    assert!(
        sent.ends_with(&pairs(&[
            ("quotaUser", "me"),
            ("$.xgafv", "2"),
            ("prettyPrint", "false")
        ])),
        "{sent:?}"
    );
}

#[test]
fn typed_request_body_is_json() {
    let job = fixture_params::schemas::Job::default().with_name("jobs/1");
    let request = client().jobs().insert(job).request_id("r-1").to_request();
    assert_eq!(request.path(), "v1/jobs");
    assert_eq!(query(&request), pairs(&[("requestId", "r-1")]));
    assert_eq!(request.body(), Some(&br#"{"name":"jobs/1"}"#[..]));
}

/// A document with the standard global parameters re-exports the runtime's trait and enums: one type
/// shared by every such crate, so code written against one works with all.
#[test]
fn standard_parameters_are_the_runtimes() {
    let xgafv: discogen_runtime::standard::Xgafv = fixture_params::Xgafv::V2;
    let alt: discogen_runtime::standard::Alt = dialogflow_v2::Alt::Json;
    assert_eq!((xgafv.as_str(), alt.as_str()), ("2", "json"));
    fn takes_standard<T: discogen_runtime::standard::StandardParameters>(builder: T) -> T {
        builder.quota_user("me")
    }
    let client = dialogflow_v2::Client::builder()
        .base_url("http://127.0.0.1:9/")
        .build()
        .unwrap();
    let request = takes_standard(
        client
            .projects()
            .operations()
            .get("projects/p/operations/o"),
    )
    .to_request();
    let pairs: Vec<(&str, &str)> = request
        .query_pairs()
        .iter()
        .map(|(n, v)| (n.as_ref(), v.as_str()))
        .collect();
    assert_eq!(pairs, [("quotaUser", "me")]);
}

#[test]
fn byte_path_parameters_are_url_safe_base64_like_byte_query_parameters() {
    // safebrowsing.v4 `encodedFullHashes.get`: bytes 0xfb 0xff 0xfe encode to `+//+` in standard base64.
    let request = client()
        .hashes()
        .get(vec![0xfb, 0xff, 0xfe, 0x01].into())
        .client_id("c")
        .to_request();
    assert_eq!(request.method(), &Method::GET);
    assert_eq!(request.path(), "v1/hashes/-__-AQ%3D%3D");
    assert_eq!(query(&request), pairs(&[("clientId", "c")]));
}

#[test]
fn repeated_object_query_parameters_send_each_field_by_its_dotted_path() {
    // discoveryengine.v1 `dataConnector.mcp`: `extensions` is a repeated `google.protobuf.Any`.
    let extension = |n: i32| {
        serde_json::from_value(
            serde_json::json!({"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": format!("r{n}")}),
        )
        .unwrap()
    };
    let request = client()
        .connectors()
        .mcp("connectors/c")
        .extensions([extension(1), extension(2)])
        .data(b"hi".to_vec().into())
        .to_request();
    assert_eq!(request.method(), &Method::DELETE);
    assert_eq!(request.path(), "v1/connectors/c/mcp");
    assert_eq!(
        query(&request),
        pairs(&[
            ("data", "aGk="),
            (
                "extensions.@type",
                "type.googleapis.com/google.rpc.ErrorInfo"
            ),
            ("extensions.reason", "r1"),
            (
                "extensions.@type",
                "type.googleapis.com/google.rpc.ErrorInfo"
            ),
            ("extensions.reason", "r2"),
        ])
    );
}
