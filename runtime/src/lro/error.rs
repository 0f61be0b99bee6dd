//! Errors of long-running operations.

use std::time::Duration;

use super::Status;
use crate::Error;

/// Errors of long-running operations.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LroError {
    /// The operation finished with an error ([`Code::Cancelled`](crate::Code::Cancelled) after a cancel).
    #[error("operation failed: {0}")]
    Failed(Status),
    /// A request to the operations service (a poll, or a cancel) failed
    /// fatally; the runtime error keeps the HTTP status and Google error.
    #[error("operations request failed: {0}")]
    Poll(#[source] Error),
    /// The operation was not done by [`PollPolicy::deadline`](super::PollPolicy::deadline).
    #[error("operation {name:?} not done after {elapsed:?} ({attempts} polls)")]
    DeadlineExceeded {
        /// The operation's name, to resume later with [`Poller::new`](super::Poller::new).
        name: String,
        /// Time since waiting started.
        elapsed: Duration,
        /// Polls sent.
        attempts: u32,
    },
    /// The operation was not done after [`PollPolicy::max_attempts`](super::PollPolicy::max_attempts) polls.
    #[error("operation {name:?} not done after {attempts} polls")]
    AttemptsExhausted {
        /// The operation's name, to resume later with [`Poller::new`](super::Poller::new).
        name: String,
        /// Polls sent.
        attempts: u32,
    },
    /// An `Any`'s `@type` does not name the expected message.
    #[error("operation payload has type {actual:?}, expected {expected}")]
    TypeMismatch {
        /// The expected schema id.
        expected: &'static str,
        /// The `@type` found (JSON text if it was not a string).
        actual: String,
    },
    /// An `Any`'s fields do not fit the expected message.
    #[error("cannot decode the operation payload: {0}")]
    Decode(#[source] serde_json::Error),
    /// The operation finished with neither an error nor a response (for
    /// [`Poller::wait_target`](super::Poller::wait_target): nor a `targetLink`).
    #[error("operation finished without an error or a response")]
    NoResponse,
    /// Fetching a status-style operation's target resource ([`Poller::wait_target`](super::Poller::wait_target)) failed.
    #[error("cannot fetch the operation's target: {0}")]
    Target(#[source] Error),
    /// The operation has no name and is not done, so it cannot be polled.
    #[error("the operation has no name and is not done")]
    MissingName,
}

impl LroError {
    /// The HTTP status of a failed request ([`LroError::Poll`]), if any.
    pub fn http_status(&self) -> Option<u16> {
        self.request_error().and_then(Error::status)
    }

    /// The `google.rpc.Status` of the failure, whichever side it came from: the operation's own
    /// error ([`LroError::Failed`]), or what the service answered a failed request with
    /// ([`LroError::Poll`], [`LroError::Target`]).
    pub fn rpc_status(&self) -> Option<&Status> {
        self.operation_error()
            .or_else(|| self.request_error().and_then(Error::rpc_status))
    }

    /// The runtime error of a failed request ([`LroError::Poll`], [`LroError::Target`]).
    pub fn request_error(&self) -> Option<&Error> {
        match self {
            LroError::Poll(e) | LroError::Target(e) => Some(e),
            _ => None,
        }
    }

    /// The error the operation itself finished with ([`LroError::Failed`]).
    pub fn operation_error(&self) -> Option<&Status> {
        match self {
            LroError::Failed(status) => Some(status),
            _ => None,
        }
    }
}
