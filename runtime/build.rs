//! Writes the compiler's version for the `x-goog-api-client` header (`gl-rust/1.95.0`), as
//! google-cloud-auth and google-cloud-gax do, without a build dependency.

use std::path::Path;
use std::process::Command;

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let output = Command::new(rustc).arg("--version").output();
    // `rustc 1.95.0 (59807616e 2026-04-14)`: the second word.
    let version = output
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .and_then(|text| text.split_whitespace().nth(1).map(str::to_owned))
        .filter(|v| {
            v.bytes()
                .all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\')
        })
        .unwrap_or_else(|| "unknown".to_owned());
    let out = Path::new(&std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("rustc_version.rs");
    let text = format!(
        "/// The compiler's version.\npub(crate) const RUSTC_VERSION: &str = \"{version}\";\n"
    );
    std::fs::write(out, text).expect("OUT_DIR is writable");
}
