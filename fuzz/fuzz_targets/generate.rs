//! Any text through parse → resolve → emit → format: an error is fine, a panic is a bug.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let options = discogen::CrateOptions { crate_name: "fuzz".into(), ..Default::default() };
    let _ = discogen::generate(text, &options);
});
