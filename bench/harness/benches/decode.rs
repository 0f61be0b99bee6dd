//! Decode throughput of a realistic Operation (metadata + response, as the emulator sends it) into our
//! type and into the peer's, of the typed payload (the ConversationModel in the response), and of a large
//! list response (100 intents).

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

fn decode(c: &mut Criterion) {
    let operation = discogen_bench::operation_body();
    let payload = discogen_bench::response_body();

    let mut group = c.benchmark_group("decode-operation");
    group
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4))
        .throughput(Throughput::Bytes(operation.len() as u64));
    group.bench_function("ours", |b| {
        b.iter(|| {
            let op: dialogflow_v2::schemas::GoogleLongrunningOperation =
                serde_json::from_slice(black_box(&operation)).expect("ours");
            op
        })
    });
    group.bench_function("peer", |b| {
        b.iter(|| {
            let op: google_dialogflow2::api::GoogleLongrunningOperation =
                serde_json::from_slice(black_box(&operation)).expect("peer");
            op
        })
    });
    group.finish();

    let mut group = c.benchmark_group("decode-payload");
    group
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4))
        .throughput(Throughput::Bytes(payload.len() as u64));
    group.bench_function("ours", |b| {
        b.iter(|| {
            let model: dialogflow_v2::schemas::GoogleCloudDialogflowV2ConversationModel =
                serde_json::from_slice(black_box(&payload)).expect("ours");
            model
        })
    });
    group.bench_function("peer", |b| {
        b.iter(|| {
            let model: google_dialogflow2::api::GoogleCloudDialogflowV2ConversationModel =
                serde_json::from_slice(black_box(&payload)).expect("peer");
            model
        })
    });
    group.finish();

    let list = discogen_bench::list_intents_body();
    let ours: dialogflow_v2::schemas::GoogleCloudDialogflowV2ListIntentsResponse =
        serde_json::from_slice(&list).expect("ours");
    assert_eq!(ours.intents.as_ref().map(Vec::len), Some(100));
    assert!(ours
        .intents
        .iter()
        .flatten()
        .all(|i| i.unknown_fields.is_empty()));
    let mut group = c.benchmark_group("decode-list");
    group
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4))
        .throughput(Throughput::Bytes(list.len() as u64));
    group.bench_function("ours", |b| {
        b.iter(|| {
            let list: dialogflow_v2::schemas::GoogleCloudDialogflowV2ListIntentsResponse =
                serde_json::from_slice(black_box(&list)).expect("ours");
            list
        })
    });
    group.bench_function("peer", |b| {
        b.iter(|| {
            let list: google_dialogflow2::api::GoogleCloudDialogflowV2ListIntentsResponse =
                serde_json::from_slice(black_box(&list)).expect("peer");
            list
        })
    });
    group.finish();
}

criterion_group!(benches, decode);
criterion_main!(benches);
