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

use std::collections::hash_map::RandomState;
use std::collections::BTreeMap;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::marker::PhantomData;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::time::Instant;
use tracing::Instrument as _;

use crate::Error;

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
/// URL). Every generated schema struct is one, through its [`Object`](crate::object::Object) impl.
pub trait Message: DeserializeOwned {
    /// The Discovery schema id, e.g. `"GoogleCloudDialogflowV2ExportAgentResponse"`.
    const SCHEMA_ID: &'static str;
}

impl<T: crate::object::Object + DeserializeOwned> Message for T {
    const SCHEMA_ID: &'static str = T::NAME;
}

/// `google.rpc.Code`, the canonical error codes of Google APIs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Code {
    /// 0: not an error.
    Ok,
    /// 1: the operation was cancelled, typically by the caller.
    Cancelled,
    /// 2: unknown error.
    Unknown,
    /// 3: the client specified an invalid argument.
    InvalidArgument,
    /// 4: the deadline expired before the operation could complete.
    DeadlineExceeded,
    /// 5: some requested entity was not found.
    NotFound,
    /// 6: the entity the client tried to create already exists.
    AlreadyExists,
    /// 7: the caller may not execute the operation.
    PermissionDenied,
    /// 8: some resource (quota, disk space...) has been exhausted.
    ResourceExhausted,
    /// 9: the system is not in a state required for the operation.
    FailedPrecondition,
    /// 10: the operation was aborted, typically by a concurrency conflict.
    Aborted,
    /// 11: the operation was attempted past the valid range.
    OutOfRange,
    /// 12: the operation is not implemented or supported.
    Unimplemented,
    /// 13: internal error.
    Internal,
    /// 14: the service is currently unavailable.
    Unavailable,
    /// 15: unrecoverable data loss or corruption.
    DataLoss,
    /// 16: the request lacks valid authentication credentials.
    Unauthenticated,
    /// Any other value.
    Other(i32),
}

impl Code {
    /// The numeric value.
    pub fn as_i32(self) -> i32 {
        match self {
            Code::Ok => 0,
            Code::Cancelled => 1,
            Code::Unknown => 2,
            Code::InvalidArgument => 3,
            Code::DeadlineExceeded => 4,
            Code::NotFound => 5,
            Code::AlreadyExists => 6,
            Code::PermissionDenied => 7,
            Code::ResourceExhausted => 8,
            Code::FailedPrecondition => 9,
            Code::Aborted => 10,
            Code::OutOfRange => 11,
            Code::Unimplemented => 12,
            Code::Internal => 13,
            Code::Unavailable => 14,
            Code::DataLoss => 15,
            Code::Unauthenticated => 16,
            Code::Other(n) => n,
        }
    }

    /// The canonical name, e.g. `"NOT_FOUND"`; `None` for [`Code::Other`].
    pub fn name(self) -> Option<&'static str> {
        Some(match self {
            Code::Ok => "OK",
            Code::Cancelled => "CANCELLED",
            Code::Unknown => "UNKNOWN",
            Code::InvalidArgument => "INVALID_ARGUMENT",
            Code::DeadlineExceeded => "DEADLINE_EXCEEDED",
            Code::NotFound => "NOT_FOUND",
            Code::AlreadyExists => "ALREADY_EXISTS",
            Code::PermissionDenied => "PERMISSION_DENIED",
            Code::ResourceExhausted => "RESOURCE_EXHAUSTED",
            Code::FailedPrecondition => "FAILED_PRECONDITION",
            Code::Aborted => "ABORTED",
            Code::OutOfRange => "OUT_OF_RANGE",
            Code::Unimplemented => "UNIMPLEMENTED",
            Code::Internal => "INTERNAL",
            Code::Unavailable => "UNAVAILABLE",
            Code::DataLoss => "DATA_LOSS",
            Code::Unauthenticated => "UNAUTHENTICATED",
            Code::Other(_) => return None,
        })
    }
}

impl Code {
    /// The code for an HTTP status, as google.rpc's mapping gives it (`google/rpc/code.proto`): 400
    /// `INVALID_ARGUMENT`, 401 `UNAUTHENTICATED`, 403 `PERMISSION_DENIED`, 404 `NOT_FOUND`, 409
    /// `ABORTED`, 412 `FAILED_PRECONDITION`, 416 `OUT_OF_RANGE`, 429 `RESOURCE_EXHAUSTED`, 499
    /// `CANCELLED`, 500 `INTERNAL`, 501 `UNIMPLEMENTED`, 503 `UNAVAILABLE`, 504
    /// `DEADLINE_EXCEEDED`; other 2xx `OK`, other 4xx `FAILED_PRECONDITION`, other 5xx `INTERNAL`,
    /// anything else `UNKNOWN`.
    pub fn from_http(status: i32) -> Code {
        match status {
            400 => Code::InvalidArgument,
            401 => Code::Unauthenticated,
            403 => Code::PermissionDenied,
            404 => Code::NotFound,
            409 => Code::Aborted,
            412 => Code::FailedPrecondition,
            416 => Code::OutOfRange,
            429 => Code::ResourceExhausted,
            499 => Code::Cancelled,
            500 => Code::Internal,
            501 => Code::Unimplemented,
            503 => Code::Unavailable,
            504 => Code::DeadlineExceeded,
            _ => match status / 100 {
                2 => Code::Ok,
                4 => Code::FailedPrecondition,
                5 => Code::Internal,
                _ => Code::Unknown,
            },
        }
    }
}

impl Code {
    /// The code named `name` (`"NOT_FOUND"`), as [`Code::name`] gives it; `None` for any other text.
    pub fn from_name(name: &str) -> Option<Code> {
        (0..=16)
            .map(Code::from)
            .find(|code| code.name() == Some(name))
    }
}

impl Code {
    /// The HTTP status Google's front ends answer with for this code (`google/rpc/code.proto`): 200
    /// `OK`, 499 `CANCELLED`, 400 `INVALID_ARGUMENT`, `FAILED_PRECONDITION` and `OUT_OF_RANGE`, 504
    /// `DEADLINE_EXCEEDED`, 404 `NOT_FOUND`, 409 `ALREADY_EXISTS` and `ABORTED`, 403
    /// `PERMISSION_DENIED`, 429 `RESOURCE_EXHAUSTED`, 501 `UNIMPLEMENTED`, 503 `UNAVAILABLE`, 401
    /// `UNAUTHENTICATED`; 500 for the rest.
    pub fn http_status(self) -> u16 {
        match self {
            Code::Ok => 200,
            Code::Cancelled => 499,
            Code::InvalidArgument | Code::FailedPrecondition | Code::OutOfRange => 400,
            Code::DeadlineExceeded => 504,
            Code::NotFound => 404,
            Code::AlreadyExists | Code::Aborted => 409,
            Code::PermissionDenied => 403,
            Code::ResourceExhausted => 429,
            Code::Unimplemented => 501,
            Code::Unavailable => 503,
            Code::Unauthenticated => 401,
            Code::Unknown | Code::Internal | Code::DataLoss | Code::Other(_) => 500,
        }
    }
}

impl From<i32> for Code {
    fn from(value: i32) -> Self {
        match value {
            0 => Code::Ok,
            1 => Code::Cancelled,
            2 => Code::Unknown,
            3 => Code::InvalidArgument,
            4 => Code::DeadlineExceeded,
            5 => Code::NotFound,
            6 => Code::AlreadyExists,
            7 => Code::PermissionDenied,
            8 => Code::ResourceExhausted,
            9 => Code::FailedPrecondition,
            10 => Code::Aborted,
            11 => Code::OutOfRange,
            12 => Code::Unimplemented,
            13 => Code::Internal,
            14 => Code::Unavailable,
            15 => Code::DataLoss,
            16 => Code::Unauthenticated,
            n => Code::Other(n),
        }
    }
}

impl From<Code> for i32 {
    fn from(code: Code) -> Self {
        code.as_i32()
    }
}

/// `NOT_FOUND`, or `CODE(42)` for [`Code::Other`].
impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => f.write_str(name),
            None => write!(f, "CODE({})", self.as_i32()),
        }
    }
}

/// `google.rpc.Status` with the code as an enum.
#[derive(Debug, Clone, PartialEq)]
pub struct Status {
    /// The error code.
    pub code: Code,
    /// The developer-facing message.
    pub message: String,
    /// Typed details, each an `Any` with an `@type`.
    pub details: Vec<Value>,
}

impl Status {
    /// `details` decoded by `@type` (ErrorInfo, RetryInfo, BadRequest, ...); unknown ones kept as JSON.
    pub fn typed_details(&self) -> Vec<crate::details::ErrorDetail> {
        crate::details::ErrorDetail::decode_all(&self.details)
    }

    /// A status without details.
    pub fn new(code: impl Into<Code>, message: impl Into<String>) -> Self {
        Status {
            code: code.into(),
            message: message.into(),
            details: Vec::new(),
        }
    }

    /// Builds a status from the optional fields of a schema's status type
    /// (what generated [`LongRunningOperation::error`] implementations call): an absent
    /// code is [`Code::Unknown`], an absent message empty.
    pub fn from_parts<D: StatusDetail>(
        code: Option<i32>,
        message: Option<&str>,
        details: Option<&[D]>,
    ) -> Self {
        Status {
            code: code.map_or(Code::Unknown, Code::from),
            message: message.unwrap_or_default().to_owned(),
            details: details
                .unwrap_or_default()
                .iter()
                .map(StatusDetail::to_value)
                .collect(),
        }
    }
}

impl Status {
    /// The error of a status-style operation (what generated [`LongRunningOperation::error`]
    /// implementations call): its `error.errors[]` entries, `httpErrorStatusCode` and
    /// `httpErrorMessage`. `None` when there are no entries and no HTTP error status (400 or above).
    ///
    /// The code is the HTTP error status's ([`Code::from_http`]); without one (Cloud SQL sends none),
    /// the first entry's `code` that names a google.rpc code (`CANCELLED` after a cancel), else
    /// [`Code::Unknown`]; the message joins the entries' `message`s with `"; "`, or is the HTTP message
    /// when they have none; `details` holds every entry as sent (`code`, `message`, `location`,
    /// `errorDetails`, ...), so nothing is lost.
    pub fn from_operation_errors<E: serde::Serialize>(
        http_status: Option<i32>,
        http_message: Option<&str>,
        errors: Option<&[E]>,
    ) -> Option<Self> {
        let details: Vec<Value> = errors
            .unwrap_or_default()
            .iter()
            .map(|e| serde_json::to_value(e).unwrap_or(Value::Null))
            .collect();
        let failed_http = http_status.filter(|s| *s >= 400);
        if details.is_empty() && failed_http.is_none() {
            return None;
        }
        let messages: Vec<&str> = details
            .iter()
            .filter_map(|d| d.get("message").and_then(Value::as_str))
            .filter(|m| !m.is_empty())
            .collect();
        let message = if messages.is_empty() {
            http_message.unwrap_or_default().to_owned()
        } else {
            messages.join("; ")
        };
        let named = || {
            details
                .iter()
                .filter_map(|d| d.get("code").and_then(Value::as_str))
                .find_map(Code::from_name)
        };
        let code = match failed_http {
            Some(status) => Code::from_http(status),
            None => named().unwrap_or(Code::Unknown),
        };
        Some(Status {
            code,
            message,
            details,
        })
    }
}

/// `CANCELLED: Operation was cancelled.`
impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.code)?;
        if !self.message.is_empty() {
            write!(f, ": {}", self.message)?;
        }
        Ok(())
    }
}

/// An entry of a status's `details` as a schema holds it; see [`Status::from_parts`].
pub trait StatusDetail {
    /// The entry as a JSON value.
    fn to_value(&self) -> Value;
}

impl StatusDetail for Value {
    fn to_value(&self) -> Value {
        self.clone()
    }
}

impl StatusDetail for BTreeMap<String, Value> {
    fn to_value(&self) -> Value {
        Value::Object(self.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
    }
}

impl StatusDetail for serde_json::Map<String, Value> {
    fn to_value(&self) -> Value {
        Value::Object(self.clone())
    }
}

/// The ids of a status-style operation's link (its `selfLink`, or a path) when the link matches
/// `template`, one id per wildcard in order; `None` otherwise.
///
/// `template` is an operations service's path with `*` for each simple variable (one segment) and a
/// final `**` for a reserved one (the rest, one or more segments), e.g.
/// `projects/*/zones/*/operations/*`. A link's scheme and host are ignored and its segments are
/// matched against the template's from the end (so a `selfLink` on another host, or with a longer
/// service path, matches); a `**` template matches from the first place its literal prefix fits.
/// Ids are percent-decoded (the request builder encodes them again). Generated
/// [`OperationsApi`] implementations of status-style services call it to choose the scope.
///
/// ```
/// use discogen_runtime::lro::link_ids;
/// let link = "https://www.googleapis.com/compute/v1/projects/p/zones/us-central1-a/operations/op-1";
/// assert_eq!(
///     link_ids::<3>(link, "projects/*/zones/*/operations/*"),
///     Some(["p".to_owned(), "us-central1-a".to_owned(), "op-1".to_owned()])
/// );
/// assert_eq!(link_ids::<2>(link, "projects/*/global/operations/*"), None);
/// assert_eq!(
///     link_ids::<1>("https://container.googleapis.com/v1/projects/p/locations/l/operations/o", "v1/**"),
///     Some(["projects/p/locations/l/operations/o".to_owned()])
/// );
/// ```
pub fn link_ids<const N: usize>(link: &str, template: &str) -> Option<[String; N]> {
    let path = match link.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("", |at| &rest[at..]),
        None => link,
    };
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let pattern: Vec<&str> = template.split('/').collect();
    let (fixed, rest) = match pattern.split_last() {
        Some((&"**", fixed)) => (fixed, true),
        _ => (&pattern[..], false),
    };
    let fits = |at: usize| {
        fixed
            .iter()
            .zip(&segments[at..])
            .all(|(p, s)| *p == "*" || p == s)
    };
    let start = if rest {
        (0..segments.len().checked_sub(fixed.len() + 1)? + 1).find(|&at| fits(at))?
    } else {
        let at = segments.len().checked_sub(fixed.len())?;
        fits(at).then_some(at)?
    };
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(s)
            .decode_utf8_lossy()
            .into_owned()
    };
    let mut ids: Vec<String> = fixed
        .iter()
        .zip(&segments[start..])
        .filter(|(p, _)| **p == "*")
        .map(|(_, s)| decode(s))
        .collect();
    if rest {
        ids.push(decode(&segments[start + fixed.len()..].join("/")));
    }
    ids.try_into().ok()
}

/// The last `N` ids of an operation name made of collection/id pairs, in order:
/// `["a", "o"]` for `apps/a/operations/o`, `["b", "o"]` for
/// `projects/_/buckets/b/operations/o`; `None` when the name has fewer ids, or an empty one.
///
/// For operations services whose `get` takes the ids as separate path
/// parameters (App Engine's `apps/{appsId}/operations/{operationsId}`, Cloud
/// Storage's `b/{bucket}/operations/{operationId}`); generated
/// [`OperationsApi`] implementations call it through [`with_name_ids`], which answers a name it
/// rejects with a [`Request::refused`](crate::Request::refused) request, so nothing is sent.
///
/// ```
/// use discogen_runtime::lro::name_ids;
/// assert_eq!(name_ids::<2>("apps/a/operations/o"), Some(["a", "o"]));
/// assert_eq!(name_ids::<2>("projects/_/buckets/b/operations/o"), Some(["b", "o"]));
/// assert_eq!(name_ids::<2>("operations/o"), None);
/// assert_eq!(name_ids::<2>("apps//operations/o"), None);
/// ```
pub fn name_ids<const N: usize>(name: &str) -> Option<[&str; N]> {
    let segments: Vec<&str> = name.split('/').collect();
    // Ids sit at every second segment counted from the last one.
    let mut ids = segments.iter().rev().step_by(2).take(N);
    let mut out = [""; N];
    for slot in out.iter_mut().rev() {
        *slot = ids.next().copied().filter(|id| !id.is_empty())?;
    }
    Some(out)
}

/// The request `request` builds from the name's last `N` ids ([`name_ids`]), or, for a name with fewer
/// ids, a [`Request::refused`](crate::Request::refused) one: what generated [`OperationsApi`]
/// implementations of split-name services call, so the refusal is decided here once.
pub fn with_name_ids<const N: usize>(
    name: &str,
    request: impl FnOnce([&str; N]) -> crate::Request,
) -> crate::Request {
    match name_ids(name) {
        Some(ids) => request(ids),
        None => crate::Request::refused(
            name,
            "the operation name has fewer ids than the operations service's path",
        ),
    }
}

/// Decodes an `Any` (a JSON object with an `@type`) into `T`.
///
/// The `@type` (e.g. `type.googleapis.com/google.cloud.dialogflow.v2.ExportAgentResponse`)
/// matches `T` when the type name after its last `/`:
///
/// - equals [`T::SCHEMA_ID`](Message::SCHEMA_ID), or
/// - with each dotted segment's first letter upper-cased and the segments
///   concatenated, equals it (`google.cloud.dialogflow.v2.ExportAgentResponse`
///   ↔ `GoogleCloudDialogflowV2ExportAgentResponse`), or
/// - has a last dotted segment equal to it
///   (`google.monitoring.metricsscope.v1.MetricsScope` ↔ `MetricsScope`).
///
/// The object without its `@type` is then deserialized into `T`. A payload
/// with no `@type` at all is decoded without a check (some services leave it
/// out); an `@type` that is not a string or does not match gives
/// [`LroError::TypeMismatch`], and a payload `T` cannot hold
/// [`LroError::Decode`].
///
/// Well-known types whose JSON form wraps a `value` (e.g.
/// `google.protobuf.Struct`) are decoded like any other message: `T` then
/// needs a `value` field.
pub fn decode_any<T: Message>(value: &BTreeMap<String, Value>) -> Result<T, LroError> {
    match value.get("@type") {
        None => {}
        Some(Value::String(url)) if type_matches(url, T::SCHEMA_ID) => {}
        Some(Value::String(url)) => {
            return Err(LroError::TypeMismatch {
                expected: T::SCHEMA_ID,
                actual: url.clone(),
            })
        }
        Some(other) => {
            return Err(LroError::TypeMismatch {
                expected: T::SCHEMA_ID,
                actual: other.to_string(),
            })
        }
    }
    let fields = value
        .iter()
        .filter(|(key, _)| key.as_str() != "@type")
        .map(|(key, value)| (key.as_str(), value));
    let deserializer = serde::de::value::MapDeserializer::<_, serde_json::Error>::new(fields);
    T::deserialize(deserializer).map_err(LroError::Decode)
}

/// Whether the `@type` URL `url` names the Discovery schema `schema_id`.
fn type_matches(url: &str, schema_id: &str) -> bool {
    let full = url.rsplit('/').next().unwrap_or(url);
    if full.is_empty() || schema_id.is_empty() {
        return false;
    }
    if full == schema_id || full.rsplit('.').next() == Some(schema_id) {
        return true;
    }
    let mut joined = String::with_capacity(full.len());
    for segment in full.split('.') {
        let mut chars = segment.chars();
        if let Some(first) = chars.next() {
            joined.extend(first.to_uppercase());
            joined.push_str(chars.as_str());
        }
    }
    joined == schema_id
}

/// How a [`Poller`] paces its polls.
///
/// The sleep before poll `n + 1` is `initial_delay × multiplier^(n-1)`,
/// capped at `max_delay`; with `jitter`, a uniformly random duration between
/// zero and that value ("full jitter"). A [`Poller::new`] sends its first poll
/// at once (nothing is known about the operation); a
/// [`Poller::from_operation`] sleeps `initial_delay` first (the method just
/// returned the operation).
///
/// `deadline` and `max_attempts` are always honoured: a sleep is cut to what
/// is left of the deadline, no poll is sent after it, and a poll still in
/// flight at the deadline is abandoned. With neither, a poller waits as long
/// as the operation runs.
#[derive(Debug, Clone, PartialEq)]
pub struct PollPolicy {
    /// Sleep before the second poll (default 1 s).
    pub initial_delay: Duration,
    /// Factor applied to the sleep after each poll (default 1.5). Values
    /// below 1 or not finite are treated as 1.
    pub multiplier: f64,
    /// Upper bound of a sleep (default 45 s).
    pub max_delay: Duration,
    /// Randomize each sleep between zero and its computed value (default `true`).
    pub jitter: bool,
    /// Give up with [`LroError::DeadlineExceeded`] this long after waiting
    /// started (the first poll of [`Poller::wait`] or [`Poller::progress`])
    /// (default none).
    pub deadline: Option<Duration>,
    /// Give up with [`LroError::AttemptsExhausted`] after this many polls
    /// (failed ones included) without a done operation (default none).
    pub max_attempts: Option<u32>,
    /// Consecutive failed polls tolerated when the error is transient
    /// (HTTP 429 or 5xx, a transport error, a timeout) (default 3): the next
    /// one ends polling with [`LroError::Poll`]. Any other poll error ends
    /// polling at once.
    pub max_poll_errors: u32,
}

impl Default for PollPolicy {
    fn default() -> Self {
        PollPolicy {
            initial_delay: Duration::from_secs(1),
            multiplier: 1.5,
            max_delay: Duration::from_secs(45),
            jitter: true,
            deadline: None,
            max_attempts: None,
            max_poll_errors: 3,
        }
    }
}

impl PollPolicy {
    /// Sets [`PollPolicy::initial_delay`].
    pub fn with_initial_delay(mut self, delay: Duration) -> Self {
        self.initial_delay = delay;
        self
    }

    /// Sets [`PollPolicy::multiplier`].
    pub fn with_multiplier(mut self, multiplier: f64) -> Self {
        self.multiplier = multiplier;
        self
    }

    /// Sets [`PollPolicy::max_delay`].
    pub fn with_max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// Sets [`PollPolicy::jitter`].
    pub fn with_jitter(mut self, jitter: bool) -> Self {
        self.jitter = jitter;
        self
    }

    /// Sets [`PollPolicy::deadline`].
    pub fn with_deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// Sets [`PollPolicy::max_attempts`].
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = Some(attempts);
        self
    }

    /// Sets [`PollPolicy::max_poll_errors`].
    pub fn with_max_poll_errors(mut self, errors: u32) -> Self {
        self.max_poll_errors = errors;
        self
    }

    /// The un-jittered sleep that follows `delay`.
    fn grow(&self, delay: Duration) -> Duration {
        let multiplier = if self.multiplier.is_finite() && self.multiplier >= 1.0 {
            self.multiplier
        } else {
            1.0
        };
        Duration::try_from_secs_f64(delay.as_secs_f64() * multiplier)
            .map_or(self.max_delay, |d| d.min(self.max_delay))
    }
}

/// Errors of long-running operations.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LroError {
    /// The operation finished with an error ([`Code::Cancelled`] after a cancel).
    #[error("operation failed: {0}")]
    Failed(Status),
    /// A request to the operations service (a poll, or a cancel) failed
    /// fatally; the runtime error keeps the HTTP status and Google error.
    #[error("operations request failed: {0}")]
    Poll(#[source] Error),
    /// The operation was not done by [`PollPolicy::deadline`].
    #[error("operation {name:?} not done after {elapsed:?} ({attempts} polls)")]
    DeadlineExceeded {
        /// The operation's name, to resume later with [`Poller::new`].
        name: String,
        /// Time since waiting started.
        elapsed: Duration,
        /// Polls sent.
        attempts: u32,
    },
    /// The operation was not done after [`PollPolicy::max_attempts`] polls.
    #[error("operation {name:?} not done after {attempts} polls")]
    AttemptsExhausted {
        /// The operation's name, to resume later with [`Poller::new`].
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
    /// [`Poller::wait_target`]: nor a `targetLink`).
    #[error("operation finished without an error or a response")]
    NoResponse,
    /// Fetching a status-style operation's target resource ([`Poller::wait_target`]) failed.
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

    /// The error Google sent for a failed request ([`LroError::Poll`]), if any.
    pub fn google_error(&self) -> Option<&crate::GoogleError> {
        self.request_error().and_then(Error::google_error)
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

/// What a [`Poller`] gives: the operation itself ([`Untyped`]) or its
/// decoded payloads ([`Typed`]).
pub trait Payloads<O: LongRunningOperation>: Send + Sync + 'static {
    /// What [`Poller::wait`] returns.
    type Output;
    /// What each item of [`Poller::progress`] holds.
    type Progress;
    /// The result of a done operation.
    fn output(operation: O) -> Result<Self::Output, LroError>;
    /// One snapshot, done or not.
    fn progress(operation: O) -> Result<Self::Progress, LroError>;
}

/// A poller that gives the operation itself: [`Poller::wait`] returns the done
/// operation, or [`LroError::Failed`] when it finished with an error (as every wait does;
/// [`Poller::wait_operation`] returns the done operation whatever its outcome), and
/// [`Poller::progress`] every snapshot. What a poller resumed by name is, until
/// [`Poller::typed`] names the types.
#[derive(Debug, Clone, Copy, Default)]
pub struct Untyped;

impl<O: LongRunningOperation> Payloads<O> for Untyped {
    type Output = O;
    type Progress = O;

    fn output(operation: O) -> Result<O, LroError> {
        match operation.error() {
            Some(status) => Err(LroError::Failed(status)),
            None => Ok(operation),
        }
    }

    fn progress(operation: O) -> Result<O, LroError> {
        Ok(operation)
    }
}

/// A poller that decodes the operation's `response` as `R` and its `metadata`
/// as `M` (see [`Payload`]): [`Poller::wait`] returns the `R` or the
/// operation's error ([`LroError::Failed`]), and [`Poller::progress`] yields
/// [`Progress`] items.
pub struct Typed<R, M = Value>(PhantomData<fn() -> (R, M)>);

impl<R, M> fmt::Debug for Typed<R, M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Typed")
    }
}

impl<O: LongRunningOperation, R: Payload, M: Payload> Payloads<O> for Typed<R, M> {
    type Output = R;
    type Progress = Progress<R, M>;

    fn output(operation: O) -> Result<R, LroError> {
        if let Some(status) = operation.error() {
            return Err(LroError::Failed(status));
        }
        match operation.response() {
            Some(response) => R::from_any(response),
            None => R::absent(),
        }
    }

    fn progress(operation: O) -> Result<Progress<R, M>, LroError> {
        if operation.done() {
            return Self::output(operation).map(Progress::Done);
        }
        operation
            .metadata()
            .map(M::from_any)
            .transpose()
            .map(Progress::Running)
    }
}

/// One snapshot of a [`Typed`] poller's operation.
#[derive(Debug, Clone, PartialEq)]
pub enum Progress<R, M> {
    /// Still running, with its metadata when the service sent some.
    Running(Option<M>),
    /// Done, with its result.
    Done(R),
}

/// A type an operation's `response` or `metadata` (an `Any`) decodes into:
/// every schema struct (its `@type` checked, see [`decode_any`]),
/// [`serde_json::Value`] (the payload as it came, for an untyped or
/// `google.protobuf.Struct` payload) and `()` (an empty result).
pub trait Payload: Sized + Send + 'static {
    /// Decodes a payload that is present.
    fn from_any(any: &BTreeMap<String, Value>) -> Result<Self, LroError>;
    /// The value of a done operation with neither an error nor a response.
    fn absent() -> Result<Self, LroError> {
        Err(LroError::NoResponse)
    }
}

impl<T: Message + Send + 'static> Payload for T {
    fn from_any(any: &BTreeMap<String, Value>) -> Result<Self, LroError> {
        decode_any(any)
    }
}

impl Payload for Value {
    fn from_any(any: &BTreeMap<String, Value>) -> Result<Self, LroError> {
        Ok(Value::Object(
            any.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        ))
    }
}

impl Payload for () {
    fn from_any(_: &BTreeMap<String, Value>) -> Result<Self, LroError> {
        Ok(())
    }

    fn absent() -> Result<Self, LroError> {
        Ok(())
    }
}

/// Polls one long-running operation until it is done.
///
/// `T` says what it gives: [`Untyped`] (the operation itself), or
/// [`Typed`] (its decoded response and metadata), as a method that starts an
/// operation returns it when its description or the manifest names the types.
/// Cloning a poller gives another handle on the same operation, e.g. to
/// [`cancel`](Poller::cancel) it from another task while one waits.
pub struct Poller<A: OperationsApi, T = Untyped> {
    api: A,
    name: String,
    /// What the method returned, for [`Poller::from_operation`].
    initial: Option<A::Operation>,
    policy: PollPolicy,
    payloads: PhantomData<fn() -> T>,
}

impl<A: OperationsApi, T> Clone for Poller<A, T> {
    fn clone(&self) -> Self {
        Poller {
            api: self.api.clone(),
            name: self.name.clone(),
            initial: self.initial.clone(),
            policy: self.policy.clone(),
            payloads: PhantomData,
        }
    }
}

impl<A: OperationsApi, T> fmt::Debug for Poller<A, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Poller")
            .field("name", &self.name)
            .field("initial", &self.initial)
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

impl<A: OperationsApi> Poller<A> {
    /// Resumes polling the operation called `name`; the first poll is sent
    /// at once. The poller is [`Untyped`]: name the types with
    /// [`Poller::typed`].
    pub fn new(api: A, name: impl Into<String>) -> Self {
        Poller {
            api,
            name: name.into(),
            initial: None,
            policy: PollPolicy::default(),
            payloads: PhantomData,
        }
    }

    /// Polls the operation a method returned. If it is already done,
    /// [`wait`](Poller::wait) returns it at once without a poll; otherwise
    /// the first poll comes after [`PollPolicy::initial_delay`]. An operation
    /// that is neither done nor named gives [`LroError::MissingName`].
    pub fn from_operation(api: A, operation: A::Operation) -> Self {
        Poller {
            api,
            name: operation.handle().unwrap_or_default().to_owned(),
            initial: Some(operation),
            policy: PollPolicy::default(),
            payloads: PhantomData,
        }
    }

    /// Polls until the operation is done, then returns its response decoded
    /// as `T` (see [`decode_any`]), or [`LroError::Failed`] with its error,
    /// or [`LroError::NoResponse`] if it has neither.
    pub async fn wait_for<R: Payload>(self) -> Result<R, LroError> {
        self.typed::<R, Value>().wait().await
    }
}

impl<A: OperationsApi, T: Payloads<A::Operation>> Poller<A, T> {
    /// The same operation, decoded as `R` (its response) and `M` (its
    /// metadata).
    pub fn typed<R: Payload, M: Payload>(self) -> Poller<A, Typed<R, M>> {
        self.retyped()
    }

    /// The same operation, its response decoded as `R` and its metadata left as JSON.
    pub fn typed_response<R: Payload>(self) -> Poller<A, Typed<R>> {
        self.retyped()
    }

    /// The same operation, giving the operation itself.
    pub fn untyped(self) -> Poller<A> {
        self.retyped()
    }

    fn retyped<U>(self) -> Poller<A, U> {
        Poller {
            api: self.api,
            name: self.name,
            initial: self.initial,
            policy: self.policy,
            payloads: PhantomData,
        }
    }

    /// Replaces the [`PollPolicy`].
    pub fn with_policy(mut self, policy: PollPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// What identifies the operation (its [`handle`](LongRunningOperation::handle): the name, or a
    /// status-style operation's `selfLink`; empty for an unnamed operation), to resume it later, e.g.
    /// with the generated client's `operation(name)`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The policy in use.
    pub fn policy(&self) -> &PollPolicy {
        &self.policy
    }

    /// The operation as it is polled: one item per successful poll, ending
    /// after the done one (for an [`Untyped`] poller the operation, metadata
    /// included; for a [`Typed`] one a [`Progress`]). An error (see
    /// [`Poller::wait`]) is the last item. A done operation given to
    /// [`Poller::from_operation`] is the only item.
    pub fn progress(
        self,
    ) -> impl futures_core::Stream<Item = Result<T::Progress, LroError>> + Send + Unpin
    where
        T::Progress: Send,
    {
        let stream = futures_util::stream::unfold(Some(self.polling()), |state| async move {
            let mut polling = state?;
            let (item, more) = match polling.next().await {
                Ok(operation) => {
                    let more = !operation.done();
                    (T::progress(operation), more)
                }
                Err(error) => (Err(error), false),
            };
            let more = more && item.is_ok();
            Some((item, more.then_some(polling)))
        });
        Box::pin(stream)
    }

    /// Polls until the operation is done and returns its result: for an
    /// [`Untyped`] poller the done operation, for a [`Typed`] one the decoded response. An
    /// operation that finished with an error is [`LroError::Failed`] with that error, whichever the
    /// poller ([`Poller::wait_operation`] returns the failed operation itself).
    ///
    /// Fails with [`LroError::DeadlineExceeded`], [`LroError::AttemptsExhausted`],
    /// [`LroError::Poll`] (a poll failed fatally, or more than
    /// [`PollPolicy::max_poll_errors`] transient failures in a row) or
    /// [`LroError::MissingName`]; a typed poller also with
    /// [`LroError::TypeMismatch`], [`LroError::Decode`] or
    /// [`LroError::NoResponse`].
    pub async fn wait(self) -> Result<T::Output, LroError> {
        let mut polling = self.polling();
        loop {
            let operation = polling.next().await?;
            if operation.done() {
                return T::output(operation);
            }
        }
    }

    /// Polls until the operation is done and returns it as it came, whether it succeeded or failed
    /// (its [`error`](LongRunningOperation::error) tells): for an app that inspects a failed
    /// operation's other fields. Fails like [`Poller::wait`] otherwise.
    pub async fn wait_operation(self) -> Result<A::Operation, LroError> {
        let mut polling = self.polling();
        loop {
            let operation = polling.next().await?;
            if operation.done() {
                return Ok(operation);
            }
        }
    }

    /// Polls until a status-style operation is done, then fetches the resource it changed (its
    /// `targetLink`, see [`Client::link_request`](crate::Client::link_request)) and decodes it as `R`:
    /// an instance insert gives the `Instance`.
    ///
    /// Fails like [`Poller::wait`], with [`LroError::Failed`] when the operation finished with an
    /// error, [`LroError::NoResponse`] when it names no target, and [`LroError::Target`] when the
    /// fetch fails or the link is not under the client's base URL.
    pub async fn wait_target<R: DeserializeOwned>(self) -> Result<R, LroError> {
        let api = self.api.clone();
        let operation = self.untyped().wait().await?;
        let link = operation.target_link().ok_or(LroError::NoResponse)?;
        let runtime = api.runtime();
        let request = runtime.link_request(link).map_err(LroError::Target)?;
        runtime.execute(request).await.map_err(LroError::Target)
    }

    fn polling(self) -> Polling<A> {
        let (ready, delay) = match self.initial {
            Some(op) if op.done() => (Some(op), None),
            Some(_) => (None, Some(self.policy.initial_delay)),
            None => (None, None),
        };
        let backoff = match delay {
            Some(initial) => self.policy.grow(initial.min(self.policy.max_delay)),
            None => self.policy.initial_delay.min(self.policy.max_delay),
        };
        let next_delay = delay.map(|d| jittered(d.min(self.policy.max_delay), self.policy.jitter));
        let span = tracing::info_span!(
            "lro_wait",
            "otel.name" = "LRO wait",
            "otel.kind" = "internal",
            "gcp.longrunning.name" = self.name.as_str(),
            "gcp.longrunning.poll_attempt_count" = tracing::field::Empty,
            "gcp.longrunning.done" = tracing::field::Empty,
            "error.type" = tracing::field::Empty,
            "otel.status_code" = tracing::field::Empty,
        );
        Polling {
            span,
            api: self.api,
            name: self.name,
            policy: self.policy,
            ready,
            started: Instant::now(),
            attempts: 0,
            failures: 0,
            next_delay,
            backoff,
        }
    }
}

impl<A: CancelOperations, T> Poller<A, T> {
    /// Asks the service to cancel the operation (best effort: it may still
    /// finish normally). A successful cancel shows as an error with
    /// [`Code::Cancelled`] at the next poll. Only APIs with
    /// `operations.cancel` have it.
    ///
    /// Fails with [`LroError::MissingName`] for an unnamed operation and
    /// [`LroError::Poll`] when the request fails.
    pub async fn cancel(&self) -> Result<(), LroError> {
        if self.name.is_empty() {
            return Err(LroError::MissingName);
        }
        let request = self.api.cancel_request(&self.name);
        let span = tracing::debug_span!("discogen_lro_cancel", name = %self.name);
        self.api
            .runtime()
            .execute_unit(request)
            .instrument(span)
            .await
            .map_err(LroError::Poll)
    }
}

/// The state of a poll loop.
struct Polling<A: OperationsApi> {
    /// The `lro_wait` span: every poll's call span is inside it.
    span: tracing::Span,
    api: A,
    name: String,
    policy: PollPolicy,
    /// A done operation to return without polling.
    ready: Option<A::Operation>,
    /// When waiting started: the deadline counts from here.
    started: Instant,
    /// Polls sent.
    attempts: u32,
    /// Consecutive failed polls.
    failures: u32,
    /// Sleep before the next poll, already jittered.
    next_delay: Option<Duration>,
    /// The un-jittered sleep after the next poll.
    backoff: Duration,
}

impl<A: OperationsApi> Polling<A> {
    /// Sleeps as the policy says, then polls until a poll succeeds; returns
    /// that operation, done or not. Inside the wait's span, which records the outcome.
    async fn next(&mut self) -> Result<A::Operation, LroError> {
        let span = self.span.clone();
        let result = match self.ready.take() {
            Some(operation) => Ok(operation),
            None => self.poll_until_answered().instrument(span.clone()).await,
        };
        record_wait(&span, self.attempts, &result);
        result
    }

    async fn poll_until_answered(&mut self) -> Result<A::Operation, LroError> {
        if self.name.is_empty() {
            return Err(LroError::MissingName);
        }
        loop {
            if let Some(max) = self.policy.max_attempts {
                if self.attempts >= max {
                    return Err(LroError::AttemptsExhausted {
                        name: self.name.clone(),
                        attempts: self.attempts,
                    });
                }
            }
            if let Some(delay) = self.next_delay.take() {
                let delay = match self.remaining()? {
                    Some(left) => delay.min(left),
                    None => delay,
                };
                tokio::time::sleep(delay).await;
            }
            let left = self.remaining()?;
            self.attempts += 1;
            let request = self.api.get_request(&self.name);
            let poll = self.api.runtime().execute::<A::Operation>(request);
            let result = match left {
                Some(left) => match tokio::time::timeout(left, poll).await {
                    Ok(result) => result,
                    Err(_) => return Err(self.deadline_exceeded()),
                },
                None => poll.await,
            };
            self.next_delay = Some(jittered(self.backoff, self.policy.jitter));
            self.backoff = self.policy.grow(self.backoff);
            match result {
                Ok(operation) => {
                    self.failures = 0;
                    tracing::debug!(poll = self.attempts, done = operation.done(), "polled");
                    return Ok(operation);
                }
                Err(error)
                    if is_transient(&error) && self.failures < self.policy.max_poll_errors =>
                {
                    self.failures += 1;
                    tracing::debug!(
                        poll = self.attempts,
                        failures = self.failures,
                        %error,
                        "poll failed; will poll again"
                    );
                }
                Err(error) => return Err(LroError::Poll(error)),
            }
        }
    }

    /// What is left of the deadline (`None` without one); an error once it
    /// has passed.
    fn remaining(&self) -> Result<Option<Duration>, LroError> {
        let Some(deadline) = self.policy.deadline else {
            return Ok(None);
        };
        match deadline.checked_sub(self.started.elapsed()) {
            Some(left) if !left.is_zero() => Ok(Some(left)),
            _ => Err(self.deadline_exceeded()),
        }
    }

    fn deadline_exceeded(&self) -> LroError {
        LroError::DeadlineExceeded {
            name: self.name.clone(),
            elapsed: self.started.elapsed(),
            attempts: self.attempts,
        }
    }
}

/// Records on the wait's span how many polls were sent and, once known, how the wait ended.
fn record_wait<O: LongRunningOperation>(
    span: &tracing::Span,
    polls: u32,
    result: &Result<O, LroError>,
) {
    if span.is_disabled() {
        return;
    }
    span.record("gcp.longrunning.poll_attempt_count", polls);
    let error_type = match result {
        Ok(operation) if !operation.done() => return,
        Ok(operation) => {
            span.record("gcp.longrunning.done", true);
            match operation.error() {
                Some(status) => status.code.to_string(),
                None => return,
            }
        }
        Err(LroError::Poll(error)) => crate::telemetry::error_type(error).into_owned(),
        Err(LroError::DeadlineExceeded { .. }) => "CLIENT_TIMEOUT".to_owned(),
        Err(LroError::AttemptsExhausted { .. }) => "CLIENT_RETRY_EXHAUSTED".to_owned(),
        Err(LroError::MissingName) => "CLIENT_REQUEST_ERROR".to_owned(),
        Err(_) => "UNKNOWN".to_owned(),
    };
    span.record("error.type", error_type.as_str());
    span.record("otel.status_code", "ERROR");
}

/// Whether a failed poll is worth another: HTTP 429 or 5xx, a transport
/// error, a timeout.
fn is_transient(error: &Error) -> bool {
    match error {
        Error::Api(e) => e.status == 429 || (500..=599).contains(&e.status),
        Error::Transport(_) | Error::Timeout { .. } => true,
        _ => false,
    }
}

/// `delay`, or with `jitter` a uniformly random duration in `[0, delay]`.
fn jittered(delay: Duration, jitter: bool) -> Duration {
    if !jitter {
        return delay;
    }
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    // 53 random bits → [0, 1).
    let fraction = (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64;
    Duration::try_from_secs_f64(delay.as_secs_f64() * fraction).unwrap_or(delay)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for n in -1..=17 {
            assert_eq!(Code::from(n).as_i32(), n);
        }
        assert_eq!(Code::from(1), Code::Cancelled);
        assert_eq!(Code::from(16), Code::Unauthenticated);
        assert_eq!(Code::from(17), Code::Other(17));
        assert_eq!(Code::NotFound.to_string(), "NOT_FOUND");
        assert_eq!(Code::Other(99).to_string(), "CODE(99)");
        assert_eq!(i32::from(Code::Internal), 13);
    }

    #[test]
    fn status_from_parts() {
        let details = [BTreeMap::from([("@type".to_owned(), Value::from("t/X"))])];
        let s = Status::from_parts(Some(9), Some("no"), Some(&details[..]));
        assert_eq!(s.code, Code::FailedPrecondition);
        assert_eq!(s.details, vec![serde_json::json!({"@type": "t/X"})]);
        assert_eq!(s.to_string(), "FAILED_PRECONDITION: no");
        let s = Status::from_parts::<Value>(None, None, None);
        assert_eq!(s, Status::new(Code::Unknown, ""));
        assert_eq!(s.to_string(), "UNKNOWN");
    }

    #[test]
    fn status_from_operation_errors() {
        let errors = [
            serde_json::json!({"code": "QUOTA_EXCEEDED", "message": "Quota 'CPUS' exceeded.", "location": "us-central1"}),
            serde_json::json!({"code": "RESOURCE_NOT_READY"}),
        ];
        let s = Status::from_operation_errors(Some(403), Some("FORBIDDEN"), Some(&errors[..]))
            .expect("an error");
        assert_eq!(s.code, Code::PermissionDenied);
        assert_eq!(s.message, "Quota 'CPUS' exceeded.");
        assert_eq!(s.details, errors.to_vec());
        let s =
            Status::from_operation_errors::<Value>(Some(503), Some("SERVICE UNAVAILABLE"), None)
                .expect("an error");
        assert_eq!(s, Status::new(Code::Unavailable, "SERVICE UNAVAILABLE"));
        let sql = [
            serde_json::json!({"code": "INTERNAL_ERROR", "message": "a"}),
            serde_json::json!({"message": "b"}),
        ];
        let s = Status::from_operation_errors(None, None, Some(&sql[..])).expect("an error");
        assert_eq!((s.code, s.message.as_str()), (Code::Unknown, "a; b"));
        // Without an HTTP status, an entry's code that names a google.rpc code is that code.
        let cancelled = [serde_json::json!({"code": "CANCELLED", "message": "Cancelled by user."})];
        let s = Status::from_operation_errors(None, None, Some(&cancelled[..])).expect("an error");
        assert_eq!(s.code, Code::Cancelled);
        assert_eq!(Code::from_name("NOT_FOUND"), Some(Code::NotFound));
        assert_eq!(Code::from_name("OPERATION_CANCELLED"), None);
        let statuses = [
            (Code::NotFound, 404),
            (Code::Unavailable, 503),
            (Code::Cancelled, 499),
            (Code::FailedPrecondition, 400),
            (Code::DataLoss, 500),
        ];
        for (code, status) in statuses {
            assert_eq!(code.http_status(), status, "{code}");
        }
        assert_eq!(
            Status::from_operation_errors::<Value>(Some(200), None, Some(&[])),
            None
        );
        assert_eq!(
            Status::from_operation_errors::<Value>(None, None, None),
            None
        );
        let codes = [
            (400, Code::InvalidArgument),
            (404, Code::NotFound),
            (409, Code::Aborted),
            (418, Code::FailedPrecondition),
            (429, Code::ResourceExhausted),
            (500, Code::Internal),
            (504, Code::DeadlineExceeded),
            (599, Code::Internal),
            (302, Code::Unknown),
        ];
        for (http, code) in codes {
            assert_eq!(Code::from_http(http), code, "{http}");
        }
    }

    #[test]
    fn link_ids_choose_the_scope() {
        let zone = "https://www.googleapis.com/compute/v1/projects/p/zones/z/operations/op%2D1";
        let ids = |t| link_ids::<3>(zone, t);
        assert_eq!(
            ids("projects/*/zones/*/operations/*"),
            Some(["p", "z", "op-1"].map(String::from))
        );
        assert_eq!(ids("projects/*/regions/*/operations/*"), None);
        assert_eq!(link_ids::<2>(zone, "projects/*/global/operations/*"), None);
        assert_eq!(link_ids::<2>(zone, "locations/global/operations/*"), None);
        let global = "projects/p/global/operations/g";
        assert_eq!(
            link_ids::<2>(global, "projects/*/global/operations/*"),
            Some(["p", "g"].map(String::from))
        );
        assert_eq!(
            link_ids::<2>("operations/g", "projects/*/global/operations/*"),
            None
        );
        assert_eq!(
            link_ids::<3>(global, "projects/*/global/operations/*"),
            None
        );
        assert_eq!(link_ids::<1>("https://h/v1/", "v1/**"), None);
        assert_eq!(
            link_ids::<1>("https://h/x/v1/a/v1/b?q#f", "v1/**"),
            Some(["a/v1/b".to_owned()])
        );
        assert_eq!(link_ids::<1>("", "operations/*"), None);
    }

    #[test]
    fn type_urls_match_schema_ids() {
        let url = "type.googleapis.com/google.cloud.dialogflow.v2.ExportAgentResponse";
        assert!(type_matches(
            url,
            "GoogleCloudDialogflowV2ExportAgentResponse"
        ));
        assert!(type_matches(url, "ExportAgentResponse"));
        assert!(type_matches(
            "type.googleapis.com/google.monitoring.metricsscope.v1.MetricsScope",
            "MetricsScope"
        ));
        assert!(type_matches("Foo", "Foo"));
        assert!(type_matches("x/GoogleProtobufEmpty", "GoogleProtobufEmpty"));
        assert!(type_matches(
            "type.googleapis.com/google.cloud.x.v1beta1.Outer.Inner",
            "GoogleCloudXV1beta1OuterInner"
        ));
        assert!(!type_matches(
            url,
            "GoogleCloudDialogflowV2ImportAgentResponse"
        ));
        assert!(!type_matches(url, "Response"));
        assert!(!type_matches("", "X"));
        assert!(!type_matches("type.googleapis.com/", "X"));
        assert!(!type_matches(url, ""));
    }

    #[test]
    fn delays_grow_and_are_capped() {
        let policy = PollPolicy {
            initial_delay: Duration::from_millis(100),
            multiplier: 2.0,
            max_delay: Duration::from_millis(300),
            ..PollPolicy::default()
        };
        assert_eq!(
            policy.grow(Duration::from_millis(100)),
            Duration::from_millis(200)
        );
        assert_eq!(
            policy.grow(Duration::from_millis(200)),
            Duration::from_millis(300)
        );
        let odd = PollPolicy {
            multiplier: f64::NAN,
            ..policy.clone()
        };
        assert_eq!(
            odd.grow(Duration::from_millis(100)),
            Duration::from_millis(100)
        );
        let huge = PollPolicy {
            multiplier: f64::MAX,
            ..policy
        };
        assert_eq!(
            huge.grow(Duration::from_secs(1000)),
            Duration::from_millis(300)
        );
        for _ in 0..100 {
            let d = jittered(Duration::from_millis(100), true);
            assert!(d <= Duration::from_millis(100));
        }
        assert_eq!(
            jittered(Duration::from_millis(7), false),
            Duration::from_millis(7)
        );
    }
}
