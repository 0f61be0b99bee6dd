//! Any response to an `operations.get`: the operation decoded, and everything the poller reads from
//! it (done, the error's `google.rpc.Status` and its typed details, the `@type`-checked response and
//! metadata of a typed poller, the untyped payloads).
#![no_main]

use discogen_fuzz::{get, Response};
use discogen_runtime::lro::{decode_any, LongRunningOperation, Payloads, Typed, Untyped};
use fixture_operations::schemas::{Operation, Widget, WidgetMetadata};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(response) = Response::parse(data) else { return };
    let Some(operation) = get::<Operation>(&response) else { return };
    let _ = (operation.name(), operation.done());
    if let Some(status) = operation.error() {
        let _ = (status.to_string(), status.typed_details(), status.code.as_i32());
    }
    if let Some(any) = operation.response() {
        let _ = decode_any::<Widget>(any).map(|w| discogen_fuzz::assert_round_trip(&w));
    }
    if let Some(any) = operation.metadata() {
        let _ = decode_any::<WidgetMetadata>(any);
    }
    let _ = <Typed<Widget, WidgetMetadata> as Payloads<Operation>>::progress(operation.clone());
    let _ = <Typed<Widget, WidgetMetadata> as Payloads<Operation>>::output(operation.clone())
        .map_err(|e| e.to_string());
    let _ = <Typed<serde_json::Value, ()> as Payloads<Operation>>::output(operation.clone());
    let _ = <Typed<(), serde_json::Value> as Payloads<Operation>>::progress(operation.clone());
    let _ = <Untyped as Payloads<Operation>>::output(operation);
});
