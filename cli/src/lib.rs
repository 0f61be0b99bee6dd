//! `discogen-cli`: what the `cargo discogen` command does, as a library that this repository's
//! `cargo xtask` calls too, so the two are one implementation.
//!
//! A project is a folder with `discovery/manifest.toml`: the documents beside it, the crates where
//! its `[[api]]` entries say, release state in `discovery/releases/` and `discovery/previous/`.
//! [`project`] plans and generates its crates, [`commands`] runs `generate`, `fetch` and `diff` as
//! both front doors print them, [`edit`] adds and removes APIs (`init`, `add`, `remove`), [`write`](mod@write)
//! swaps crates in atomically, [`changes`] keeps release histories and changelogs, [`fetch`]
//! downloads documents.

pub mod args;
pub mod changes;
pub mod commands;
pub mod edit;
pub mod fetch;
pub mod project;
pub mod write;

pub use project::{generate, generate_release, manifest_jobs, manifest_rules, Generation, Job};
