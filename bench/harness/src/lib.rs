//! Shared fixtures of the benchmarks: a realistic Operation and an emulator on a runtime of its own.
//!
//! The benches (`benches/roundtrip.rs`, `benches/decode.rs`) compare three ways of doing one
//! `operations.get`: the generated `dialogflow-v2` client, a hand-written reqwest call (the floor: same
//! HTTP stack as ours, nothing else) and the published `google-dialogflow2` 6.0.0.

use std::sync::mpsc;
use std::thread::JoinHandle;

use discogen_emulator::{Emulator, EmulatorConfig, OperationScript};
use serde_json::{json, Value};

/// The operation every round trip gets.
pub const OPERATION_NAME: &str =
    "projects/bench-project/locations/global/operations/2907347820129346578";

/// The metadata of a finished `conversationModels.create`.
pub fn metadata() -> Value {
    json!({
        "@type": "type.googleapis.com/google.cloud.dialogflow.v2.CreateConversationModelOperationMetadata",
        "conversationModel": "projects/bench-project/locations/global/conversationModels/5f6a7b8c9d0e1f2a",
        "state": "SUCCEEDED",
        "createTime": "2026-01-15T09:12:44.512318Z",
        "doneTime": "2026-01-15T11:48:03.090112Z"
    })
}

/// Its response: the conversation model.
pub fn response() -> Value {
    json!({
        "@type": "type.googleapis.com/google.cloud.dialogflow.v2.ConversationModel",
        "name": "projects/bench-project/locations/global/conversationModels/5f6a7b8c9d0e1f2a",
        "displayName": "Smart reply model for the support queue",
        "createTime": "2026-01-15T09:12:44.512318Z",
        "datasets": [
            {"dataset": "projects/bench-project/locations/global/conversationDatasets/a1b2c3d4"},
            {"dataset": "projects/bench-project/locations/global/conversationDatasets/e5f6a7b8"},
            {"dataset": "projects/bench-project/locations/global/conversationDatasets/c9d0e1f2"}
        ],
        "state": "DEPLOYED",
        "languageCode": "en-US",
        "smartReplyModelMetadata": {"trainingModelType": "SMART_REPLY_DUAL_ENCODER_MODEL"},
        "satisfiesPzs": false,
        "satisfiesPzi": false
    })
}

/// The body the emulator answers, as it is on the wire.
pub fn operation_body() -> Vec<u8> {
    serde_json::to_vec(&json!({
        "name": OPERATION_NAME,
        "metadata": metadata(),
        "done": true,
        "response": response(),
    }))
    .expect("JSON")
}

/// The response alone (without `@type`), for the typed-payload decode.
pub fn response_body() -> Vec<u8> {
    let mut response = response();
    response.as_object_mut().expect("object").remove("@type");
    serde_json::to_vec(&response).expect("JSON")
}

/// A large list response: `intents.list` with 100 intents of 8 training phrases each (about 250 KB), as
/// the agent API returns it, in the form `bench/ab/decode.rs` uses.
pub fn list_intents_body() -> Vec<u8> {
    let intents: Vec<Value> = (0..100).map(intent).collect();
    serde_json::to_vec(&json!({"intents": intents, "nextPageToken": "token-2"})).expect("JSON")
}

fn intent(i: usize) -> Value {
    let phrases: Vec<Value> = (0..8)
        .map(|p| {
            json!({
                "name": format!("phrase-{i}-{p}"),
                "type": "EXAMPLE",
                "parts": [
                    {"text": format!("book a table for {p} people at restaurant {i}"), "userDefined": false},
                    {"text": "tomorrow", "entityType": "@sys.date", "alias": "date", "userDefined": true}
                ],
                "timesAddedCount": p,
            })
        })
        .collect();
    json!({
        "name": format!("projects/bench-project/agent/intents/{i:08x}-3d4e-4f5a-8b9c-0d1e2f3a4b5c"),
        "displayName": format!("book.table.{i}"),
        "webhookState": "WEBHOOK_STATE_ENABLED",
        "priority": 500000,
        "isFallback": false,
        "mlDisabled": false,
        "trainingPhrases": phrases,
        "action": "book.table",
        "outputContexts": [{"name": format!("projects/bench-project/agent/sessions/-/contexts/booking-{i}"), "lifespanCount": 5}],
        "resetContexts": false,
        "parameters": [
            {"name": "date", "displayName": "date", "value": "$date", "entityTypeDisplayName": "@sys.date", "mandatory": true, "prompts": ["For which day?"]},
            {"name": "guests", "displayName": "guests", "value": "$guests", "entityTypeDisplayName": "@sys.number", "mandatory": true, "prompts": ["For how many people?"]}
        ],
        "messages": [{"text": {"text": ["Your table is booked.", "See you then!"]}}],
        "events": ["BOOK_TABLE"],
    })
}

/// An emulator serving [`OPERATION_NAME`] (done, with metadata and response) from a one-worker tokio
/// runtime on a thread of its own, so that the clients' runtime only runs the clients.
#[derive(Debug)]
pub struct Server {
    emulator: Option<Emulator>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    pub fn start() -> Server {
        let (ready_tx, ready_rx) = mpsc::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .expect("server runtime");
            let emulator = runtime.block_on(Emulator::start(EmulatorConfig::dialogflow()));
            emulator.insert_operation(
                OPERATION_NAME,
                OperationScript::response(0, response()).with_metadata(metadata()),
            );
            ready_tx.send(emulator).expect("send emulator");
            // Keep the runtime (and so the server task) alive until asked to stop.
            let _ = runtime.block_on(stop_rx);
        });
        let emulator = ready_rx.recv().expect("emulator started");
        Server {
            emulator: Some(emulator),
            stop: Some(stop_tx),
            thread: Some(thread),
        }
    }

    /// `http://127.0.0.1:PORT/`.
    pub fn base_url(&self) -> String {
        self.emulator().base_url()
    }

    /// The full URL of [`OPERATION_NAME`].
    pub fn operation_url(&self) -> String {
        format!("{}v2/{OPERATION_NAME}", self.base_url())
    }

    pub fn emulator(&self) -> &Emulator {
        self.emulator.as_ref().expect("running")
    }

    /// Forgets the recorded requests (the emulator keeps every request; cleared between samples).
    pub fn clear_requests(&self) {
        self.emulator().clear_requests();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // The emulator's Drop aborts its task: do it while its runtime still runs.
        drop(self.emulator.take());
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
