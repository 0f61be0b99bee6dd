//! Decode and round-trip timing of dialogflow-v2 payloads, compiled against one variant of the generated
//! crate and runtime (see `bench/ab.sh`): the same source for every variant, so the figures differ only by
//! what the variant generated. Prints `name<TAB>value` lines.

use std::hint::black_box;
use std::time::{Duration, Instant};

use dialogflow_v2::schemas::{
    GoogleCloudDialogflowV2Intent, GoogleCloudDialogflowV2ListIntentsResponse,
    GoogleCloudDialogflowV2ListMessagesResponse,
};
use serde_json::{json, Value};

/// One intent as the agent API returns it, with `extra` members merged into the intent and into each
/// training-phrase part (members a crate older than the API does not know).
fn intent(i: usize, extra: &Value) -> Value {
    let mut phrases = Vec::new();
    for p in 0..8 {
        let mut part = json!({"text": format!("book a table for {p} people at restaurant {i}"), "userDefined": false});
        let mut entity = json!({"text": "tomorrow", "entityType": "@sys.date", "alias": "date", "userDefined": true});
        merge(&mut part, extra);
        merge(&mut entity, extra);
        phrases.push(json!({
            "name": format!("phrase-{i}-{p}"),
            "type": "EXAMPLE",
            "parts": [part, entity],
            "timesAddedCount": p,
        }));
    }
    let mut intent = json!({
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
    });
    merge(&mut intent, extra);
    intent
}

fn merge(target: &mut Value, extra: &Value) {
    let (Some(target), Some(extra)) = (target.as_object_mut(), extra.as_object()) else {
        return;
    };
    for (key, value) in extra {
        target.insert(key.clone(), value.clone());
    }
}

fn intents(extra: &Value) -> Vec<u8> {
    let intents: Vec<Value> = (0..100).map(|i| intent(i, extra)).collect();
    serde_json::to_vec(&json!({"intents": intents, "nextPageToken": "token-2"})).expect("JSON")
}

/// Conversation messages with sentiment scores: the floats of this API.
fn messages() -> Vec<u8> {
    let messages: Vec<Value> = (0..400)
        .map(|i| {
            let score = ((i * 7919) % 2000) as f64 / 1000.0 - 1.0 + 0.000_123_456_789;
            json!({
                "name": format!("projects/bench-project/conversations/c-1/messages/m-{i}"),
                "content": "I would like to change my booking to Friday evening, please.",
                "languageCode": "en-US",
                "participant": "projects/bench-project/conversations/c-1/participants/p-1",
                "participantRole": "END_USER",
                "createTime": "2026-01-15T09:12:44.512318Z",
                "sentimentAnalysis": {"queryTextSentiment": {"score": score, "magnitude": score.abs() * 3.7}},
            })
        })
        .collect();
    serde_json::to_vec(&json!({"messages": messages, "nextPageToken": "token-2"})).expect("JSON")
}

/// The CPU time this thread has used: unlike the wall clock, it does not count the time other processes of a
/// shared machine hold the CPU.
fn thread_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid timespec for the call to write.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime");
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// Median CPU nanoseconds per call of `f` over batches of about 20 ms, for `budget` of wall time.
fn time(budget: Duration, mut f: impl FnMut()) -> f64 {
    let start = Instant::now();
    let mut per_call = Vec::new();
    let mut batch = 1u32;
    while start.elapsed() < budget || per_call.len() < 5 {
        let t0 = thread_cpu();
        for _ in 0..batch {
            f();
        }
        let elapsed = thread_cpu() - t0;
        if elapsed < Duration::from_millis(20) {
            batch *= 2;
            continue;
        }
        per_call.push(elapsed.as_nanos() as f64 / f64::from(batch));
    }
    per_call.sort_by(f64::total_cmp);
    per_call[per_call.len() / 2]
}

fn measure<T: serde::de::DeserializeOwned + serde::Serialize>(name: &str, body: &[u8], budget: Duration) {
    let decode = time(budget, || {
        black_box(serde_json::from_slice::<T>(black_box(body)).expect("decodes"));
    });
    let decoded: T = serde_json::from_slice(body).expect("decodes");
    let encode = time(budget, || {
        black_box(serde_json::to_vec(black_box(&decoded)).expect("encodes"));
    });
    let written = serde_json::to_vec(&decoded).expect("encodes");
    println!("{name}_bytes\t{}", body.len());
    println!("{name}_written_bytes\t{}", written.len());
    println!("{name}_decode_ns\t{decode:.0}");
    println!("{name}_encode_ns\t{encode:.0}");
}

fn main() {
    let seconds: f64 = std::env::args().nth(1).map_or(1.0, |s| s.parse().expect("seconds"));
    let budget = Duration::from_secs_f64(seconds);
    let unknown = json!({
        "satisfiesPzs": true,
        "labels": {"team": "bookings", "tier": "gold"},
        "routing": {"queue": "tables", "weights": [1, 2, 3]},
    });
    measure::<GoogleCloudDialogflowV2ListIntentsResponse>("intents", &intents(&json!({})), budget);
    measure::<GoogleCloudDialogflowV2ListIntentsResponse>("intents_unknown", &intents(&unknown), budget);
    measure::<GoogleCloudDialogflowV2ListMessagesResponse>("messages", &messages(), budget);
    println!("intent_size\t{}", std::mem::size_of::<GoogleCloudDialogflowV2Intent>());
}
