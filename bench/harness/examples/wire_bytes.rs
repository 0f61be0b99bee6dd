//! Bytes on the wire of a large list response through the loopback emulator, with and without
//! `Accept-Encoding: gzip`: `cargo run --release -p discogen-bench --example wire_bytes`.
//!
//! The list is `operations.list` of 100 finished `conversationModels.create` operations, one page, each
//! with the metadata and ConversationModel response of the round-trip bench but ids, names and times of
//! its own (pseudo-random hex ids, as real ones are; identical operations would compress far better
//! than a real list). Each request goes over a fresh connection, written by hand, and every byte of the
//! response (head and body) is counted.

use std::io::{Read, Write};
use std::net::TcpStream;

use discogen_bench::Server;
use discogen_emulator::OperationScript;
use serde_json::{json, Value};

const PARENT: &str = "projects/bench-project/locations/global";

fn main() {
    let server = Server::start();
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    for i in 0..99 {
        let (response, metadata) = operation(i, &mut seed);
        let script = OperationScript::response(0, response).with_metadata(metadata);
        let name = format!("{PARENT}/operations/{}", id(&mut seed, 19));
        server.emulator().insert_operation(name, script);
    }
    let plain = response_bytes(&server, None);
    let gzip = response_bytes(&server, Some("gzip"));
    println!("identity: {} bytes ({} of body)", plain.0, plain.1);
    println!("gzip:     {} bytes ({} of body)", gzip.0, gzip.1);
    println!("gzip/identity: {:.3}", gzip.0 as f64 / plain.0 as f64);
    check_decoded(&server);
}

/// The response and metadata of operation `i`: the bench's, with ids, names and times of its own.
fn operation(i: usize, seed: &mut u64) -> (Value, Value) {
    let model = format!("{PARENT}/conversationModels/{}", id(seed, 16));
    let created = format!(
        "2026-01-{:02}T{:02}:{:02}:44.{}Z",
        1 + i % 28,
        i % 24,
        i % 60,
        id(seed, 6)
    );
    let mut response = discogen_bench::response();
    response["name"] = json!(model);
    response["displayName"] = json!(format!("Smart reply model {i} for queue {}", id(seed, 4)));
    response["createTime"] = json!(created);
    for dataset in response["datasets"].as_array_mut().into_iter().flatten() {
        dataset["dataset"] = json!(format!("{PARENT}/conversationDatasets/{}", id(seed, 8)));
    }
    let mut metadata = discogen_bench::metadata();
    metadata["conversationModel"] = json!(model);
    metadata["createTime"] = json!(created);
    (response, metadata)
}

/// `digits` pseudo-random hex digits (xorshift).
fn id(seed: &mut u64, digits: usize) -> String {
    (0..digits)
        .map(|_| {
            *seed ^= *seed << 13;
            *seed ^= *seed >> 7;
            *seed ^= *seed << 17;
            char::from_digit((*seed % 16) as u32, 16).unwrap_or('0')
        })
        .collect()
}

/// The whole response's bytes and its body's, for one list request.
fn response_bytes(server: &Server, accept_encoding: Option<&str>) -> (usize, usize) {
    let base = server.base_url();
    let host = base.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = TcpStream::connect(host).expect("connect");
    let encoding = accept_encoding
        .map(|e| format!("Accept-Encoding: {e}\r\n"))
        .unwrap_or_default();
    let head = format!(
        "GET /v2/{PARENT}/operations?pageSize=100 HTTP/1.1\r\nHost: {host}\r\nAccept: application/json\r\n{encoding}Connection: close\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).expect("write");
    let mut response = Vec::new();
    stream.read_to_end(&mut response).expect("read");
    let body_at = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a head")
        + 4;
    let text = String::from_utf8_lossy(&response[..body_at]).to_lowercase();
    assert!(text.starts_with("http/1.1 200"), "{text}");
    assert_eq!(
        text.contains("content-encoding: gzip"),
        accept_encoding.is_some(),
        "{text}"
    );
    (response.len(), response.len() - body_at)
}

/// The generated client (its `gzip` feature on) asks for gzip and gets the whole list.
fn check_decoded(server: &Server) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let client = dialogflow_v2::Client::builder()
        .base_url(server.base_url())
        .build()
        .expect("client");
    let page = runtime
        .block_on(
            client
                .projects()
                .locations()
                .operations()
                .list(PARENT)
                .page_size(100)
                .send(),
        )
        .expect("list");
    assert_eq!(page.operations.map(|o| o.len()), Some(100));
    let sent = server.emulator().requests();
    let last = sent.last().expect("a request");
    assert_eq!(last.header("accept-encoding"), Some("gzip"));
    println!("the client asked for gzip and decoded all 100 operations");
}
