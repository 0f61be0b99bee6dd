//! Cloud Storage v1 (JSON API), generated from `tests/media-apis/storage.v1.json` by `build.rs` with its cargo feature gates:
//! only the `objects` family is built.
// The families this crate does not declare are off; their gates name features cargo does not know.
#![allow(unexpected_cfgs)]

include!(concat!(env!("OUT_DIR"), "/storage.rs"));
