//! The emulator seen through a plain `reqwest` client.

use std::time::Duration;

use discogen_emulator::{
    Emulator, EmulatorConfig, Fault, FaultKind, OperationScript, StartRoute, CANCELLED_MESSAGE,
    EXPORT_AGENT_RESPONSE_TYPE, PROGRESS_METADATA_TYPE,
};
use serde_json::{json, Value};

const PARENT: &str = "projects/p/locations/l";
const OP: &str = "projects/p/locations/l/operations/op-1";

/// A reqwest client; reqwest is built without a TLS provider (see the workspace manifest).
fn http() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    // Plain bodies, whatever features the workspace gives reqwest: the tests read them as sent.
    reqwest::Client::builder()
        .no_gzip()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

/// GETs `{base}{path}`; returns the status and the JSON body.
async fn get(emulator: &Emulator, path: &str) -> (u16, Value) {
    let response = http()
        .get(format!("{}{path}", emulator.base_url()))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

async fn post(emulator: &Emulator, path: &str, body: &Value) -> (u16, Value) {
    let response = http()
        .post(format!("{}{path}", emulator.base_url()))
        .json(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

#[tokio::test]
async fn script_advances_one_step_per_get() {
    let emulator = Emulator::start(EmulatorConfig::with_prefix("v1/")).await;
    assert!(emulator.base_url().starts_with("http://127.0.0.1:"));
    assert!(emulator.base_url().ends_with('/'));
    let response = json!({"@type": "type.googleapis.com/google.monitoring.metricsscope.v1.MetricsScope", "name": "x"});
    emulator.insert_operation(
        OP,
        OperationScript::response(3, response.clone()).with_progress("type.googleapis.com/x.Meta"),
    );
    assert_eq!(emulator.polls(OP), Some(0));
    assert_eq!(emulator.operation(OP).unwrap()["done"], json!(false));

    let path = format!("v1/{OP}");
    let mut seen = Vec::new();
    for _ in 0..4 {
        let (status, op) = get(&emulator, &path).await;
        assert_eq!(status, 200);
        assert_eq!(op["name"], json!(OP));
        assert_eq!(op["metadata"]["@type"], json!("type.googleapis.com/x.Meta"));
        seen.push((
            op["metadata"]["progressPercent"].clone(),
            op["done"].clone(),
            op.get("response").cloned(),
        ));
    }
    assert_eq!(
        seen,
        vec![
            (json!(33), json!(false), None),
            (json!(66), json!(false), None),
            (json!(100), json!(true), Some(response.clone())),
            (json!(100), json!(true), Some(response)),
        ]
    );
    assert_eq!(emulator.polls(OP), Some(4));

    let requests = emulator.requests();
    assert_eq!(requests.len(), 4);
    assert_eq!(requests[0].method, "GET");
    assert_eq!(requests[0].path, format!("/v1/{OP}"));
    assert_eq!(requests[0].fault, None);
    assert!(requests[0].header("HOST").is_some());
    emulator.clear_requests();
    assert!(emulator.requests().is_empty());
}

#[tokio::test]
async fn metadata_per_poll_error_outcome_and_omitted_done() {
    let mut config = EmulatorConfig::dialogflow();
    config.omit_false_done = true;
    let emulator = Emulator::start(config).await;
    emulator.insert_operation(
        OP,
        OperationScript::error(2, 9, "precondition failed")
            .with_error_details(vec![
                json!({"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "R"}),
            ])
            .with_metadata_per_poll(vec![json!({"k": 0}), json!({"k": 1})]),
    );
    let (_, op) = get(&emulator, &format!("v2/{OP}")).await;
    assert_eq!(op, json!({"name": OP, "metadata": {"k": 1}}));
    let (_, op) = get(&emulator, &format!("v2/{OP}")).await;
    assert_eq!(
        op,
        json!({"name": OP, "metadata": {"k": 1}, "done": true, "error": {
            "code": 9, "message": "precondition failed",
            "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "R"}]}})
    );
    // Fixed metadata; done at creation with zero polls.
    emulator.insert_operation(
        OP,
        OperationScript::response(0, json!({"@type": "t/A"})).with_metadata(json!({"m": true})),
    );
    assert_eq!(
        emulator.operation(OP).unwrap(),
        json!({"name": OP, "metadata": {"m": true}, "done": true, "response": {"@type": "t/A"}})
    );
}

#[tokio::test]
async fn export_starts_an_operation() {
    let emulator = Emulator::start(EmulatorConfig::dialogflow()).await;
    let (status, op) = post(
        &emulator,
        &format!("v2/{PARENT}/agent:export"),
        &json!({"agentUri": ""}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(op["name"], json!(OP));
    assert_eq!(op["done"], json!(false));
    assert_eq!(op["metadata"]["@type"], json!(PROGRESS_METADATA_TYPE));
    assert_eq!(op["metadata"]["progressPercent"], json!(0));
    assert_eq!(
        emulator.requests()[0].body_json(),
        Some(json!({"agentUri": ""}))
    );

    let mut last = Value::Null;
    for _ in 0..3 {
        last = get(&emulator, &format!("v2/{OP}")).await.1;
    }
    assert_eq!(last["done"], json!(true));
    assert_eq!(
        last["response"],
        json!({"@type": EXPORT_AGENT_RESPONSE_TYPE, "agentUri": "gs://emulator/agent.zip"})
    );
    // A second export gets the next number.
    let (_, op) = post(&emulator, "v2/projects/q/agent:export", &json!({})).await;
    assert_eq!(op["name"], json!("projects/q/operations/op-2"));
}

#[tokio::test]
async fn custom_start_routes() {
    let mut config = EmulatorConfig::with_prefix("v1/");
    config.start_routes = vec![StartRoute::new(
        "PATCH",
        ":migrate",
        OperationScript::response(0, json!({"@type": "t/Done"})),
    )];
    let emulator = Emulator::start(config).await;
    let response = http()
        .patch(format!(
            "{}v1/projects/p/things/t:migrate",
            emulator.base_url()
        ))
        .send()
        .await
        .unwrap();
    let op: Value = response.json().await.unwrap();
    assert_eq!(op["name"], json!("projects/p/things/t/operations/op-1"));
    assert_eq!(op["done"], json!(true));
    // The Dialogflow route is gone.
    let (status, _) = post(&emulator, &format!("v1/{PARENT}/agent:export"), &json!({})).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn cancel_finishes_the_operation_with_cancelled() {
    let emulator = Emulator::start(EmulatorConfig::dialogflow()).await;
    emulator.insert_operation(OP, OperationScript::export_agent());
    let (_, op) = get(&emulator, &format!("v2/{OP}")).await;
    assert_eq!(op["done"], json!(false));
    let (status, body) = post(&emulator, &format!("v2/{OP}:cancel"), &json!({})).await;
    assert_eq!((status, body), (200, json!({})));
    assert_eq!(emulator.cancelled(OP), Some(true));
    let (_, op) = get(&emulator, &format!("v2/{OP}")).await;
    assert_eq!(op["done"], json!(true));
    assert_eq!(
        op["error"],
        json!({"code": 1, "message": CANCELLED_MESSAGE})
    );
    assert!(op.get("response").is_none());

    // Cancelling a done operation changes nothing.
    emulator.insert_operation(OP, OperationScript::response(0, json!({"@type": "t/A"})));
    post(&emulator, &format!("v2/{OP}:cancel"), &json!({})).await;
    assert_eq!(emulator.cancelled(OP), Some(false));
    // Cancelling an unknown operation is a 404.
    let (status, body) = post(
        &emulator,
        &format!("v2/{PARENT}/operations/nope:cancel"),
        &json!({}),
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(body["error"]["status"], json!("NOT_FOUND"));
}

#[tokio::test]
async fn list_is_paginated() {
    let emulator = Emulator::start(EmulatorConfig::dialogflow()).await;
    for i in 1..=5 {
        emulator.insert_operation(
            format!("{PARENT}/operations/op-{i}"),
            OperationScript::response(1, json!({"@type": "t/A"})),
        );
    }
    emulator.insert_operation(
        "projects/other/operations/op-9",
        OperationScript::export_agent(),
    );
    let mut names = Vec::new();
    let mut token: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut path = format!("v2/{PARENT}/operations?pageSize=2");
        if let Some(t) = &token {
            path.push_str(&format!("&pageToken={t}"));
        }
        let (status, page) = get(&emulator, &path).await;
        assert_eq!(status, 200);
        pages += 1;
        for op in page["operations"].as_array().unwrap() {
            assert_eq!(op["done"], json!(false), "listing does not advance");
            names.push(op["name"].as_str().unwrap().to_owned());
        }
        match page.get("nextPageToken") {
            Some(t) => token = Some(t.as_str().unwrap().to_owned()),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    let expected: Vec<String> = (1..=5)
        .map(|i| format!("{PARENT}/operations/op-{i}"))
        .collect();
    assert_eq!(names, expected);
    assert_eq!(emulator.polls(&expected[0]), Some(0));
    let requests = emulator.requests();
    assert_eq!(requests[1].query_param("pageToken"), Some("page-2"));
    assert_eq!(requests[1].query_param("pageSize"), Some("2"));

    // Default page size, empty parent, bad token.
    let (_, page) = get(&emulator, &format!("v2/{PARENT}/operations")).await;
    assert_eq!(page["operations"].as_array().unwrap().len(), 5);
    assert!(page.get("nextPageToken").is_none());
    let (_, page) = get(&emulator, "v2/projects/none/operations").await;
    assert_eq!(page, json!({}));
    let (status, body) = get(&emulator, &format!("v2/{PARENT}/operations?pageToken=zzz")).await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["status"], json!("INVALID_ARGUMENT"));
}

#[tokio::test]
async fn unknown_operations_and_routes_are_404() {
    let emulator = Emulator::start(EmulatorConfig::dialogflow()).await;
    let (status, body) = get(&emulator, &format!("v2/{PARENT}/operations/missing")).await;
    assert_eq!(status, 404);
    assert_eq!(body["error"]["code"], json!(404));
    assert_eq!(body["error"]["status"], json!("NOT_FOUND"));
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("missing"));
    // Wrong prefix.
    let (status, body) = get(&emulator, &format!("v1/{OP}")).await;
    assert_eq!(status, 404);
    assert_eq!(body["error"]["status"], json!("NOT_FOUND"));
    // Delete.
    emulator.insert_operation(OP, OperationScript::export_agent());
    let response = http()
        .delete(format!("{}v2/{OP}", emulator.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert!(emulator.operation(OP).is_none());
}

#[tokio::test]
async fn percent_encoded_names_are_decoded() {
    let emulator = Emulator::start(EmulatorConfig::dialogflow()).await;
    let name = "projects/p/operations/a b";
    emulator.insert_operation(name, OperationScript::response(1, json!({"@type": "t/A"})));
    let (status, op) = get(&emulator, "v2/projects/p/operations/a%20b").await;
    assert_eq!(status, 200);
    assert_eq!(op["name"], json!(name));
}

#[tokio::test]
async fn fault_too_many_requests_has_retry_after() {
    let emulator = Emulator::start(EmulatorConfig::dialogflow()).await;
    emulator.insert_operation(OP, OperationScript::export_agent());
    emulator.inject(Fault::too_many_requests(7));
    let response = http()
        .get(format!("{}v2/{OP}", emulator.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 429);
    assert_eq!(response.headers()["retry-after"], "7");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["status"], json!("RESOURCE_EXHAUSTED"));
    assert_eq!(
        emulator.polls(OP),
        Some(0),
        "a faulted request has no effect"
    );
    assert_eq!(
        emulator.requests()[0].fault,
        Some(FaultKind::TooManyRequests {
            retry_after_secs: 7
        })
    );
    // The fault was used up.
    assert_eq!(get(&emulator, &format!("v2/{OP}")).await.0, 200);
    assert_eq!(emulator.polls(OP), Some(1));
}

#[tokio::test]
async fn fault_unavailable_times_and_matching() {
    let emulator = Emulator::start(EmulatorConfig::dialogflow()).await;
    emulator.insert_operation(OP, OperationScript::export_agent());
    emulator.inject(
        Fault::unavailable()
            .times(2)
            .method("get")
            .path_contains("op-1"),
    );
    // Does not match: another path.
    let (status, _) = get(&emulator, &format!("v2/{PARENT}/operations")).await;
    assert_eq!(status, 200);
    assert_eq!(emulator.pending_faults().len(), 1);
    for _ in 0..2 {
        let (status, body) = get(&emulator, &format!("v2/{OP}")).await;
        assert_eq!(status, 503);
        assert_eq!(body["error"]["status"], json!("UNAVAILABLE"));
    }
    assert!(emulator.pending_faults().is_empty());
    assert_eq!(get(&emulator, &format!("v2/{OP}")).await.0, 200);
}

/// The share of `n` sequential GETs of `OP` that met each random fault, and the statuses answered.
async fn random_faults_of(emulator: &Emulator, n: usize) -> (usize, usize, usize) {
    let client = http();
    let mut ok = 0;
    for _ in 0..n {
        let response = client
            .get(format!("{}v2/{OP}", emulator.base_url()))
            .send()
            .await;
        if response.is_ok_and(|r| r.status() == 200) {
            ok += 1;
        }
    }
    let requests = emulator.take_requests();
    assert_eq!(requests.len(), n);
    assert!(emulator.requests().is_empty(), "take_requests forgets them");
    let count = |kind: FaultKind| {
        requests
            .iter()
            .filter(|r| r.fault.as_ref() == Some(&kind))
            .count()
    };
    assert_eq!(
        ok,
        n - count(FaultKind::Unavailable) - count(FaultKind::ConnectionReset)
    );
    (
        ok,
        count(FaultKind::Unavailable),
        count(FaultKind::ConnectionReset),
    )
}

#[tokio::test]
async fn random_faults_hit_their_share_of_requests_until_cleared() {
    let emulator = Emulator::start(EmulatorConfig::dialogflow()).await;
    emulator.insert_operation(OP, OperationScript::export_agent());
    emulator.inject_random(FaultKind::Unavailable, 0.05);
    emulator.inject_random(FaultKind::ConnectionReset, 0.01);
    let (_, unavailable, reset) = random_faults_of(&emulator, 2000).await;
    // 100 and 20 expected; the seed is fixed, so these bounds hold on every run.
    assert!((70..=130).contains(&unavailable), "{unavailable}");
    assert!((8..=35).contains(&reset), "{reset}");
    // A queued fault comes first.
    emulator.inject(Fault::too_many_requests(1));
    assert_eq!(get_status(&emulator).await, 429);
    emulator.clear_random_faults();
    emulator.take_requests();
    assert_eq!(random_faults_of(&emulator, 200).await, (200, 0, 0));
}

async fn get_status(emulator: &Emulator) -> u16 {
    http()
        .get(format!("{}v2/{OP}", emulator.base_url()))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn fault_connection_reset() {
    let emulator = Emulator::start(EmulatorConfig::dialogflow()).await;
    emulator.insert_operation(OP, OperationScript::export_agent());
    emulator.inject(Fault::connection_reset());
    let err = http()
        .get(format!("{}v2/{OP}", emulator.base_url()))
        .send()
        .await
        .unwrap_err();
    assert!(!err.is_timeout(), "{err:?}");
    assert!(err.status().is_none());
    assert_eq!(emulator.polls(OP), Some(0));
    assert_eq!(get(&emulator, &format!("v2/{OP}")).await.0, 200);
}

#[tokio::test]
async fn fault_delay_outlasts_a_timeout() {
    let emulator = Emulator::start(EmulatorConfig::dialogflow()).await;
    emulator.insert_operation(OP, OperationScript::export_agent());
    emulator.inject(Fault::delay(Duration::from_millis(500)));
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    let err = client
        .get(format!("{}v2/{OP}", emulator.base_url()))
        .send()
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    // A delayed request without a timeout is answered.
    emulator.inject(Fault::delay(Duration::from_millis(50)));
    let started = std::time::Instant::now();
    let (status, _) = get(&emulator, &format!("v2/{OP}")).await;
    assert_eq!(status, 200);
    assert!(started.elapsed() >= Duration::from_millis(50));
}

#[tokio::test]
async fn fault_truncated_body() {
    let emulator = Emulator::start(EmulatorConfig::dialogflow()).await;
    emulator.insert_operation(OP, OperationScript::export_agent());
    emulator.inject(Fault::truncated_body());
    let response = http()
        .get(format!("{}v2/{OP}", emulator.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let announced = response.content_length().unwrap();
    let err = response.bytes().await.unwrap_err();
    assert!(err.is_body() || err.is_decode(), "{err:?}");
    assert!(announced > 0);
    // The request took effect.
    assert_eq!(emulator.polls(OP), Some(1));
}

#[tokio::test]
async fn fault_not_json() {
    let emulator = Emulator::start(EmulatorConfig::dialogflow()).await;
    emulator.insert_operation(OP, OperationScript::export_agent());
    emulator.inject(Fault::not_json());
    let response = http()
        .get(format!("{}v2/{OP}", emulator.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let text = response.text().await.unwrap();
    assert!(serde_json::from_str::<Value>(&text).is_err(), "{text}");
    assert_eq!(emulator.polls(OP), Some(0));
}

#[tokio::test]
async fn malformed_requests_are_rejected_without_panicking() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let emulator = Emulator::start(EmulatorConfig::dialogflow()).await;
    for raw in [
        &b"NONSENSE\r\n\r\n"[..],
        b"GET /v2/x HTTP/1.1\r\nContent-Length: abc\r\n\r\n",
        b"POST /v2/x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
        b"\xff\xfe\xfd\r\n\r\n",
    ] {
        let mut stream = tokio::net::TcpStream::connect(emulator.addr())
            .await
            .unwrap();
        stream.write_all(raw).await.unwrap();
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).await.unwrap();
        let answer = String::from_utf8_lossy(&answer);
        assert!(
            answer.starts_with("HTTP/1.1 4") || answer.starts_with("HTTP/1.1 5"),
            "{answer}"
        );
    }
    // Still serving.
    assert_eq!(get(&emulator, "v2/x").await.0, 404);
}

#[tokio::test]
async fn drop_stops_the_server() {
    let emulator = Emulator::start(EmulatorConfig::dialogflow()).await;
    let addr = emulator.addr();
    drop(emulator);
    // The accept loop is aborted at its next await point.
    let mut refused = false;
    for _ in 0..50 {
        if tokio::net::TcpStream::connect(addr).await.is_err() {
            refused = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(refused, "the emulator still accepts connections after drop");
}
