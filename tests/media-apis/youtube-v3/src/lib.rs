//! YouTube Data v3, generated from `tests/media-apis/youtube.v3.json` by `build.rs` with its cargo feature gates:
//! only the `videos` family is built.
// The families this crate does not declare are off; their gates name features cargo does not know.
#![allow(unexpected_cfgs)]

include!(concat!(env!("OUT_DIR"), "/youtube.rs"));
