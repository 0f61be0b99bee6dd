//! Runnable examples live in `examples/`; run them with `cargo run -p discogen-examples --example NAME`.
