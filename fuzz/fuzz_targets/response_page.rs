//! Any response to a list call: a page decoded, its next token and items read as the page stream reads
//! them.
#![no_main]

use discogen_fuzz::{get, Response};
use discogen_runtime::Page;
use libfuzzer_sys::fuzz_target;

fn page<P: Page + serde::Serialize>(response: &Response) {
    if let Some(page) = get::<P>(response) {
        let _ = page.next_page_token().map(str::len);
        let _ = page.into_items().len();
    }
}

fuzz_target!(|data: &[u8]| {
    let Some(response) = Response::parse(data) else { return };
    page::<fixture_operations::schemas::ListOperationsResponse>(&response);
    page::<fixture_enums::schemas::ListVideosResponse>(&response);
});
