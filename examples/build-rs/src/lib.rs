//! # Google Workspace Events API (v1), generated in a build script
//!
//! `build.rs` runs [discogen](https://docs.rs/discogen)'s `generate_single_file` on
//! `discovery/workspaceevents.v1.json` and writes the client into `OUT_DIR`; this file includes it. The
//! result is the same API as the checked-in `workspaceevents-v1` crate: start with [`Client`].
//!
//! The generated code refers to its items by `crate::` paths, so it is included at the crate root.

include!(concat!(env!("OUT_DIR"), "/workspaceevents.rs"));
