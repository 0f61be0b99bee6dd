//! Long-running operations: one poller for every generated crate.
//!
//! Many Google methods return an *operation* (`google.longrunning.Operation`)
//! instead of their result: a name to poll, a `done` flag, progress
//! `metadata`, and when done either an `error` (a `google.rpc.Status`) or a
//! `response`. The payloads are `Any`s: JSON objects whose `@type` names the
//! message type. Each generated crate implements [`LongRunningOperation`]
//! for its operation schema, [`OperationsApi`] (and [`CancelOperations`]
//! where the API can cancel) for its `Client` and [`Message`] for every
//! schema, and this module does the rest:
//!
//! - [`Poller`] polls `operations.get` with backoff ([`PollPolicy`]) until the
//!   operation is done, a deadline passes or an attempt limit is reached;
//!   [`Poller::progress`] shows every snapshot, [`Poller::wait`] the final one.
//!   A [`Typed`] poller (what a method's `start()` returns when the types are
//!   known) decodes the response and metadata; an [`Untyped`] one gives the
//!   operation, and [`Poller::wait_for`] decodes its response on request.
//! - [`decode_any`] checks an `Any`'s `@type` and decodes it.
//! - [`Poller::cancel`] calls `operations.cancel`.
//!
//! Retries of a single request (by the [`Client`](crate::Client)) and failed
//! polls are counted apart: the client may retry one `GET` a few times; if
//! it still fails, the poller counts one failed poll, tolerates up to
//! [`PollPolicy::max_poll_errors`] of them in a row when the error is
//! transient, and gives up at once on any other error.
//!
//! ```no_run
//! # use discogen_runtime::lro::{LroError, Message, OperationsApi, Poller, PollPolicy};
//! # async fn demo<A: OperationsApi, T: Message + Send + 'static>(api: A, name: &str) -> Result<T, LroError> {
//! use std::time::Duration;
//!
//! let policy = PollPolicy::default().with_deadline(Duration::from_secs(600));
//! Poller::new(api, name).with_policy(policy).wait_for::<T>().await
//! # }
//! ```

use std::collections::BTreeMap;
use std::fmt;

use serde::de::DeserializeOwned;
use serde_json::Value;

mod error;
pub(crate) mod ids;
mod payload;
mod policy;
mod poller;

use crate::Status;
pub use error::LroError;
pub use payload::{decode_any, Payload, Payloads, Progress, Typed, Untyped};
pub use policy::PollPolicy;
pub use poller::Poller;

/// An API's long-running operation schema (`GoogleLongrunningOperation` in
/// Dialogflow, `Operation` elsewhere). Named apart from those schemas so the
/// two can be imported together.
pub trait LongRunningOperation:
    DeserializeOwned + Clone + Send + Sync + fmt::Debug + 'static
{
    /// The operation's name, e.g. `projects/p/locations/l/operations/op-1`.
    fn name(&self) -> Option<&str>;
    /// What identifies the operation to its operations service, so what a [`Poller`] polls by and
    /// what resumes one: the name (the default), or a status-style operation's `selfLink`
    /// (`https://www.googleapis.com/compute/v1/projects/p/zones/z/operations/op-1`), from which the
    /// service's scope (global, region, zone) is chosen.
    fn handle(&self) -> Option<&str> {
        self.name()
    }
    /// Whether the operation has finished: `done`, or for a status-style operation `status` is
    /// `DONE`; absent is `false`.
    fn done(&self) -> bool;
    /// The error the operation finished with, converted from the schema's
    /// status type (see [`Status::from_parts`]).
    fn error(&self) -> Option<Status>;
    /// The progress metadata, an `Any` (see [`decode_any`]).
    fn metadata(&self) -> Option<&BTreeMap<String, Value>>;
    /// The response of a successful operation, an `Any` (see [`decode_any`]).
    fn response(&self) -> Option<&BTreeMap<String, Value>>;
    /// How far the operation has got, in percent, where the API says (a status-style operation's
    /// `progress`); `None` otherwise.
    fn percent_done(&self) -> Option<i32> {
        None
    }
    /// The URL of the resource a status-style operation changes (`targetLink`), which
    /// [`Poller::wait_target`] fetches; `None` for other operations.
    fn target_link(&self) -> Option<&str> {
        None
    }
}

/// How to reach an API's operations service; implemented by each generated
/// crate's `Client`.
pub trait OperationsApi: Clone + Send + Sync + 'static {
    /// The API's operation schema.
    type Operation: LongRunningOperation;
    /// The runtime client that sends the requests.
    fn runtime(&self) -> &crate::Client;
    /// The request that polls the operation `name` (its [`handle`](LongRunningOperation::handle)):
    /// `operations.get`, or a status-style service's `wait` where it has one. A name the service does
    /// not recognise gives a [`Request::refused`](crate::Request::refused) one.
    fn get_request(&self, name: &str) -> crate::Request;
}

/// An operations service that can cancel: implemented by the `Client` of
/// each generated crate whose API has `operations.cancel`, so
/// [`Poller::cancel`] exists only where it can work.
pub trait CancelOperations: OperationsApi {
    /// The `operations.cancel` request for the operation `name` (its [`handle`](LongRunningOperation::handle)).
    fn cancel_request(&self, name: &str) -> crate::Request;
}

/// A message type that can be the payload of an `Any` (named by its `@type`
/// URL). Every generated schema struct is one.
pub trait Message: DeserializeOwned {
    /// The Discovery schema id, e.g. `"GoogleCloudDialogflowV2ExportAgentResponse"`.
    const SCHEMA_ID: &'static str;
}

impl<T: crate::object::Object + DeserializeOwned> Message for T {
    const SCHEMA_ID: &'static str = T::NAME;
}
