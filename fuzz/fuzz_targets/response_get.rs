//! Any response to a `get`: decoded into schemas with every wire form (int64 and uint64 strings,
//! base64 in both alphabets, "NaN"/"Infinity" floats, durations, timestamps, open enums, maps, nested
//! and boxed objects). A decode error is fine; a panic, or a value that does not re-encode to itself, is
//! a bug.
#![no_main]

use discogen_fuzz::{get, Response};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(response) = Response::parse(data) else { return };
    get::<fixture_scalars::schemas::Scalars>(&response);
    get::<fixture_enums::schemas::Video>(&response);
    get::<fixture_maps::schemas::Maps>(&response);
    get::<fixture_nested::schemas::Outer>(&response);
    get::<serde_json::Value>(&response);
});
