//! Any failed response: the status forced into 400..=599, the body and headers as they came. The
//! error is built as the client builds it (Google's error body decoded, `Retry-After` parsed for a
//! retryable status) and read through every accessor.
#![no_main]

use discogen_fuzz::{inspect_error, Response};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(mut response) = Response::parse(data) else { return };
    response.status = 400 + response.status % 200;
    let error = response
        .execute::<serde_json::Value>()
        .expect_err("a 4xx or 5xx is an error");
    inspect_error(&error);
});
