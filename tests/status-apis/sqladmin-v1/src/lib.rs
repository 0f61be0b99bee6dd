//! Cloud SQL Admin v1, generated from `tests/status-apis/sqladmin.v1.json` by `build.rs`.

include!(concat!(env!("OUT_DIR"), "/sqladmin.rs"));
