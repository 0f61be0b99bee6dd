//! Payloads of an operation: `Any`s decoded by `@type`, and what a poller gives.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde_json::Value;

use super::{LongRunningOperation, LroError, Message};

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

/// What a [`Poller`](super::Poller) gives: the operation itself ([`Untyped`]) or its
/// decoded payloads ([`Typed`]).
pub trait Payloads<O: LongRunningOperation>: Send + Sync + 'static {
    /// What [`Poller::wait`](super::Poller::wait) returns.
    type Output;
    /// What each item of [`Poller::progress`](super::Poller::progress) holds.
    type Progress;
    /// The result of a done operation.
    fn output(operation: O) -> Result<Self::Output, LroError>;
    /// One snapshot, done or not.
    fn progress(operation: O) -> Result<Self::Progress, LroError>;
}

/// A poller that gives the operation itself: [`Poller::wait`](super::Poller::wait) returns the done
/// operation, or [`LroError::Failed`] when it finished with an error (as every wait does;
/// [`Poller::wait_operation`](super::Poller::wait_operation) returns the done operation whatever its outcome), and
/// [`Poller::progress`](super::Poller::progress) every snapshot. What a poller resumed by name is, until
/// [`Poller::typed`](super::Poller::typed) names the types.
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
/// as `M` (see [`Payload`]): [`Poller::wait`](super::Poller::wait) returns the `R` or the
/// operation's error ([`LroError::Failed`]), and [`Poller::progress`](super::Poller::progress) yields
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
