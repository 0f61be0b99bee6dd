//! Cloud Monitoring v1 generated from revision 20230913: a crate a year older than the 20241003 revision
//! whose payloads `tests/tests/round_trip.rs` sends through it.

include!(concat!(env!("OUT_DIR"), "/monitoring.rs"));
