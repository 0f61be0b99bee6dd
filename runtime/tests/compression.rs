//! Compressed responses (the `gzip` feature): the client asks for gzip, the emulator answers with it,
//! and the body decodes as if it had come plain.
#![cfg(feature = "gzip")]

use discogen_emulator::{Emulator, EmulatorConfig, OperationScript};
use discogen_runtime::{Client, Method, Request};
use serde_json::{json, Value};

#[tokio::test]
async fn gzip_responses_are_asked_for_and_decoded() {
    let emulator = Emulator::start(EmulatorConfig::dialogflow()).await;
    for i in 0..40 {
        let response = json!({"agentUri": format!("gs://bucket/agent-{i}.zip")});
        let name = format!("projects/p/locations/global/operations/op-{i}");
        emulator.insert_operation(name, OperationScript::response(0, response));
    }
    let client = Client::builder(&emulator.base_url()).build().unwrap();
    let path = "v2/projects/p/locations/global/operations".to_owned();
    let mut request = Request::new(Method::GET, path);
    request.query("pageSize", &100);
    let page: Value = client.execute(request).await.unwrap();

    let operations = page["operations"].as_array().expect("operations");
    assert_eq!(operations.len(), 40);
    assert_eq!(
        operations[39]["response"]["agentUri"],
        "gs://bucket/agent-39.zip"
    );
    let sent = emulator.requests();
    assert_eq!(sent[0].header("accept-encoding"), Some("gzip"));
}
