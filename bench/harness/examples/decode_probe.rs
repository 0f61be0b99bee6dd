//! Decodes one of the decode bench's inputs N times into our type or the peer's, and nothing else: a
//! program to count instructions with callgrind (exact, where the criterion bench's times swing by ±20 %
//! on a shared machine) or to time against another build of itself in turn.
//!
//! ```sh
//! cargo build --release --example decode_probe            # in bench/
//! valgrind --tool=callgrind target/release/examples/decode_probe ours model 2000
//! valgrind --tool=callgrind target/release/examples/decode_probe peer model 2000
//! ```
//! Subtract a run with N = 1 (the setup) from each and divide by N - 1 for one decode.

use std::hint::black_box;

use dialogflow_v2::schemas as ours;
use google_dialogflow2::api as peer;

fn main() {
    let usage = "usage: decode_probe ours|peer model|list|operation [N]";
    let mut args = std::env::args().skip(1);
    let (client, input) = (args.next().expect(usage), args.next().expect(usage));
    let times: usize = args.next().map_or(1000, |n| n.parse().expect(usage));
    let body = match input.as_str() {
        "model" => discogen_bench::response_body(),
        "list" => discogen_bench::list_intents_body(),
        "operation" => discogen_bench::operation_body(),
        _ => panic!("{usage}"),
    };
    let decode: fn(&[u8]) = match (client.as_str(), input.as_str()) {
        ("ours", "model") => |b| drop(decoded::<ours::GoogleCloudDialogflowV2ConversationModel>(b)),
        ("peer", "model") => |b| drop(decoded::<peer::GoogleCloudDialogflowV2ConversationModel>(b)),
        ("ours", "list") => |b| {
            drop(decoded::<ours::GoogleCloudDialogflowV2ListIntentsResponse>(
                b,
            ))
        },
        ("peer", "list") => |b| {
            drop(decoded::<peer::GoogleCloudDialogflowV2ListIntentsResponse>(
                b,
            ))
        },
        ("ours", _) => |b| drop(decoded::<ours::GoogleLongrunningOperation>(b)),
        ("peer", _) => |b| drop(decoded::<peer::GoogleLongrunningOperation>(b)),
        _ => panic!("{usage}"),
    };
    for _ in 0..times {
        decode(black_box(&body));
    }
}

fn decoded<T: serde::de::DeserializeOwned>(body: &[u8]) -> T {
    black_box(serde_json::from_slice(body).expect("decodes"))
}
