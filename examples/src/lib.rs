//! Runnable examples live in `examples/`; run them with `cargo run -p discogen-examples --example NAME`.
//!
//! The workspace README is included below as documentation, so that `cargo test -p discogen-examples
//! --doc` compiles its Rust blocks.
#![doc = include_str!("../../README.md")]
