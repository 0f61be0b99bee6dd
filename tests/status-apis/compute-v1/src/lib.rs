//! Compute Engine v1, generated from `tests/status-apis/compute.v1.json` by `build.rs` with its
//! cargo feature gates: only the `instances` family and the always-compiled operations services
//! (`globalOperations`, `regionOperations`, `zoneOperations`, ...) are built.
// The families this crate does not declare are off; their gates name features cargo does not know.
#![allow(unexpected_cfgs)]

include!(concat!(env!("OUT_DIR"), "/compute.rs"));
