//! Drive v3, generated from `tests/media-apis/drive.v3.json` by `build.rs` with its cargo feature gates:
//! only the `files` family is built.
// The families this crate does not declare are off; their gates name features cargo does not know.
#![allow(unexpected_cfgs)]

include!(concat!(env!("OUT_DIR"), "/drive.rs"));
