//! Testing an app without a network (cargo feature `testing`): an in-process [`Transport`] that
//! answers calls by method, records them, and plays long-running operations.
//!
//! [`Transport`]: crate::transport::Transport

mod method;

pub use method::MethodId;
