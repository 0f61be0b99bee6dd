//! Runnable examples live in `examples/`; run them with `cargo run -p discogen-examples --example NAME`.
//!
//! The README's Rust blocks are not compiled here (this crate has dependencies an app of the README would
//! not): `tests/tests/readme.rs` builds each one as an app with exactly the dependencies the README lists.
