//! Batches: many calls of one API in one HTTP request, as Google's batch endpoint takes them.
//!
//! A generated crate whose API serves batches (its Discovery document has a `batchPath`) has
//! `Client::batch()`, which gives a [`Batch`] typed by that crate's client: it takes the request
//! builders of that crate only (a builder of another API does not compile into it), as they are
//! before `send()`. [`Batch::send`] sends them and gives each call's result as its `send()` would
//! have: the decoded response, or the call's [`Error`] with the service's `google.rpc` status.
//!
//! ```text
//! // With a generated crate (Drive v3, say; its crate docs have a compiled example):
//! let mut batch = client.batch();
//! let a = batch.add(client.files().get("a"));
//! let b = batch.add(client.files().list().page_size(10));
//! let mut results = batch.send().await;
//! let file_a: File = results.take(a)?;     // or that call's error, as `send()` gives it
//! let list: FileList = results.take(b)?;
//!
//! // Many calls of one kind, results in order:
//! let files: Vec<Result<File>> =
//!     client.batch().send_all(ids.iter().map(|id| client.files().get(id))).await;
//! ```
//!
//! How it goes:
//!
//! - **The wire**: `POST {rootUrl}{batchPath}` with a `multipart/mixed` body, one `application/http`
//!   part per call (its request line, its own headers such as `If-Match`, its body), each with a
//!   `Content-ID`; the response's parts are matched to the calls by `Content-ID`, never by position.
//!   Credentials (and `User-Agent`, `x-goog-api-client`) go on the outer request only; an API key, as
//!   Google's Python client sends it, on each call.
//! - **Size**: at most [`Batch::max_calls`] calls per request (100 by default, what Drive, Gmail and
//!   most APIs take; Google's limit is 1000). More calls are sent as several requests, one after
//!   another, or up to [`Batch::concurrency`] at once.
//! - **Failures, by the one retry rule** ([`crate::retry`]): the outer request is retried as any call
//!   (idempotent when every call is); a call answered 401 is sent once more, in a later request, with
//!   the credentials asked again; a call answered with a retryable status (429, 503, ...) is sent
//!   again in a later request by its own retry policy, after its backoff (or `Retry-After`). Every
//!   call gets a result: a call its response does not answer, answers twice, or answers
//!   unreadably gets [`Error::Batch`] with a [`BatchErrorKind`] saying which; the response of a
//!   server that misbehaves is an error, never a panic.
//! - **Limits**: media uploads and downloads cannot be batched (a builder in a batch is its JSON
//!   `send()`); `pages()`, `start()` and other calls that make several requests are not batched, only
//!   their first request as `send()` would send it. Google runs a batch's calls in any order.
//! - **Tracing**: one `batch` span (INFO) with the calls' method ids (`batch.method_ids`), the
//!   number of calls, of requests sent (`batch.requests`) and the calls' outcomes (`batch.outcomes`,
//!   e.g. `200×248 404×2`); each request is a `client_request` span inside it.

use std::any::Any;
use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt as _;
use http::header::{HeaderName, HeaderValue, CONTENT_TYPE};
use tracing::Instrument as _;

use crate::error::{BatchError, BatchErrorKind, ConfigErrorKind};
use crate::retry::Attempts;
use crate::{Client, Error, Method, Request, Result};

pub(crate) mod wire;

/// The default number of calls per batch request.
pub const DEFAULT_MAX_CALLS: usize = 100;

/// A call a batch of `Self::Client`'s API can carry: implemented by every request builder of a
/// generated crate whose API serves batches. Not for apps to implement: it changes with the
/// generator.
#[doc(hidden)]
pub trait BatchCall {
    /// The generated crate's `Client`: a batch takes the calls of its own API only.
    type Client;
    /// What the builder's `send()` gives.
    type Output: Send + 'static;
    /// How an answer decodes, as `send()` decodes it.
    type Answer: answer::Answer<Self::Output>;
    /// The call as data (`to_request()`).
    fn batch_request(&self) -> Request;
}

/// How a batched call's answer decodes. Generic code of the runtime, so that a decoder is compiled in
/// the app, for the calls it batches, and not in the generated crate for every builder.
#[doc(hidden)]
pub mod answer {
    use serde::de::DeserializeOwned;

    use crate::response::{decode_body, decode_unit, decode_wrapped};
    use crate::Result;

    /// Decodes a successful answer into `T`.
    pub trait Answer<T> {
        /// The value of an answer with `status` and `body`.
        fn decode(status: u16, body: &[u8]) -> Result<T>;
    }

    /// A JSON body.
    #[derive(Debug)]
    pub enum Json {}

    /// A JSON body wrapped as `{"data": ...}` (Discovery's `dataWrapper`).
    #[derive(Debug)]
    pub enum Wrapped {}

    /// No value: the method has no response.
    #[derive(Debug)]
    pub enum Unit {}

    impl<T: DeserializeOwned> Answer<T> for Json {
        fn decode(status: u16, body: &[u8]) -> Result<T> {
            decode_body(status, body)
        }
    }

    impl<T: DeserializeOwned> Answer<T> for Wrapped {
        fn decode(status: u16, body: &[u8]) -> Result<T> {
            decode_wrapped(status, body)
        }
    }

    impl Answer<()> for Unit {
        fn decode(status: u16, body: &[u8]) -> Result<()> {
            decode_unit(status, body)
        }
    }
}

/// [`BatchCall`] for a generated builder, whose `send()` decodes as the named [`answer`] says (`Json`,
/// `Wrapped`, `Unit`): `batch_call!(Get, schemas::Operation; Json)` for a type of the generated crate
/// (its path below the crate root), `batch_call!(Delete, (); Unit)`, `batch_call!(Get, type T; Json)`
/// for any other type. The builder's crate's `Client` is the batch's.
#[doc(hidden)]
#[macro_export]
// `crate::` is the generated crate that invokes the macro, by design: its `Client` and its types.
#[allow(clippy::crate_in_macro_def)]
macro_rules! batch_call {
    ($builder:ident, (); $answer:ident) => {
        $crate::batch_call!(@impl $builder, (), $answer);
    };
    ($builder:ident, type $output:ty; $answer:ident) => {
        $crate::batch_call!(@impl $builder, $output, $answer);
    };
    ($builder:ident, $($segment:ident)::+; $answer:ident) => {
        $crate::batch_call!(@impl $builder, crate $(::$segment)+, $answer);
    };
    (@impl $builder:ident, $output:ty, $answer:ident) => {
        impl $crate::__private::BatchCall for $builder {
            type Client = crate::Client;
            type Output = $output;
            type Answer = $crate::__private::answer::$answer;

            // Inline, as the builders' other functions: compiled in the app that batches the call.
            #[inline]
            fn batch_request(&self) -> $crate::Request {
                self.to_request()
            }
        }
    };
}

type Decoded = Box<dyn Any + Send>;
type Decode = fn(u16, &[u8]) -> Result<Decoded>;

fn decode_as<B: BatchCall>(status: u16, body: &[u8]) -> Result<Decoded> {
    <B::Answer as answer::Answer<B::Output>>::decode(status, body)
        .map(|output| Box::new(output) as Decoded)
}

/// Calls of one API to send together; see the [module documentation](self).
///
/// Made by a generated crate's `Client::batch()`; `C` is that crate's client.
#[must_use = "a batch does nothing until it is sent"]
pub struct Batch<C> {
    client: Client,
    path: &'static str,
    calls: Vec<(Request, Decode)>,
    max_calls: usize,
    concurrency: usize,
    id: u64,
    api: PhantomData<fn() -> C>,
}

impl<C> fmt::Debug for Batch<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Batch")
            .field("path", &self.path)
            .field("calls", &self.calls.len())
            .field("max_calls", &self.max_calls)
            .field("concurrency", &self.concurrency)
            .finish_non_exhaustive()
    }
}

/// Tells a call's result apart in [`BatchResults`]: what [`Batch::add`] returns, typed by the
/// call's response. Taken once.
#[must_use = "a handle is how the call's result is taken"]
pub struct Handle<T> {
    batch: u64,
    index: usize,
    output: PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for Handle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Handle({})", self.index)
    }
}

/// The handles of calls of one kind, in the order they were added ([`Batch::add_all`]).
#[must_use = "the handles are how the calls' results are taken"]
pub struct Handles<T> {
    handles: Vec<Handle<T>>,
}

impl<T> fmt::Debug for Handles<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Handles({})", self.handles.len())
    }
}

impl<T> Handles<T> {
    /// How many calls.
    pub fn len(&self) -> usize {
        self.handles.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.handles.is_empty()
    }
}

/// Every call's result, taken by its [`Handle`].
pub struct BatchResults {
    batch: u64,
    results: Vec<Option<Result<Decoded>>>,
}

impl fmt::Debug for BatchResults {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BatchResults")
            .field("calls", &self.results.len())
            .finish_non_exhaustive()
    }
}

static BATCH_IDS: AtomicU64 = AtomicU64::new(0);

impl<C> Batch<C> {
    /// A batch sent to `path` (absolute: the document's root URL's path and `batchPath`) through
    /// `client`; what a generated `Client::batch()` returns.
    #[doc(hidden)]
    pub fn new(client: Client, path: &'static str) -> Self {
        Batch {
            client,
            path,
            calls: Vec::new(),
            max_calls: DEFAULT_MAX_CALLS,
            concurrency: 1,
            id: BATCH_IDS.fetch_add(1, Ordering::Relaxed),
            api: PhantomData,
        }
    }

    /// Sends at most `max` calls per request (default [`DEFAULT_MAX_CALLS`]; 0 counts as 1): more
    /// calls go in several requests.
    pub fn max_calls(mut self, max: usize) -> Self {
        self.max_calls = max.max(1);
        self
    }

    /// Sends up to `n` of the batch's requests at once when its calls need several (more than
    /// [`Batch::max_calls`]); default 1, one after another; 0 counts as 1. Calls sent again (after
    /// a 401 or a retryable answer) go in a later round, after every request of this one.
    pub fn concurrency(mut self, n: usize) -> Self {
        self.concurrency = n.max(1);
        self
    }

    /// Adds a call (a request builder of this batch's API, as it would be sent) and returns the
    /// handle of its result.
    pub fn add<B>(&mut self, call: B) -> Handle<B::Output>
    where
        B: BatchCall<Client = C>,
    {
        let index = self.calls.len();
        self.calls.push((call.batch_request(), decode_as::<B>));
        Handle {
            batch: self.id,
            index,
            output: PhantomData,
        }
    }

    /// Adds calls of one kind, in order.
    pub fn add_all<B>(&mut self, calls: impl IntoIterator<Item = B>) -> Handles<B::Output>
    where
        B: BatchCall<Client = C>,
    {
        Handles {
            handles: calls.into_iter().map(|call| self.add(call)).collect(),
        }
    }

    /// How many calls were added.
    pub fn len(&self) -> usize {
        self.calls.len()
    }

    /// Whether no call was added.
    pub fn is_empty(&self) -> bool {
        self.calls.is_empty()
    }

    /// Sends `calls` (with any added before, whose results are dropped) and returns their results
    /// in order: [`Batch::add_all`], [`Batch::send`] and [`BatchResults::take_all`] in one.
    pub async fn send_all<B>(mut self, calls: impl IntoIterator<Item = B>) -> Vec<Result<B::Output>>
    where
        B: BatchCall<Client = C>,
        B::Output: 'static,
    {
        let handles = self.add_all(calls);
        self.send().await.take_all(handles)
    }

    /// Sends every call, in requests of at most [`Batch::max_calls`] calls, and returns their
    /// results (each one's as its `send()` would give it). Never fails as a whole: a failure of
    /// the batch request is each call's error ([`BatchErrorKind::Failed`]).
    pub async fn send(self) -> BatchResults {
        let span = tracing::info_span!(
            "batch",
            "otel.kind" = "internal",
            "batch.calls" = self.calls.len(),
            "batch.method_ids" = tracing::field::Empty,
            "batch.requests" = tracing::field::Empty,
            "batch.outcomes" = tracing::field::Empty,
        );
        if !span.is_disabled() {
            let mut ids: Vec<&str> = Vec::new();
            for (request, _) in &self.calls {
                let id = request.method_id().unwrap_or("");
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
            span.record("batch.method_ids", ids.join(",").as_str());
        }
        let id = self.id;
        let (results, requests, outcomes) = self.run().instrument(span.clone()).await;
        span.record("batch.requests", requests);
        if !span.is_disabled() {
            span.record("batch.outcomes", outcomes_text(&outcomes).as_str());
        }
        BatchResults { batch: id, results }
    }

    async fn run(self) -> (Vec<Option<Result<Decoded>>>, u32, Vec<Outcome>) {
        let Batch {
            client,
            path,
            calls,
            max_calls,
            concurrency,
            ..
        } = self;
        let mut results: Vec<Option<Result<Decoded>>> = calls.iter().map(|_| None).collect();
        let mut outcomes = vec![Outcome::Error; calls.len()];
        let mut items = Vec::with_capacity(calls.len());
        let mut pending = Vec::new();
        for (index, (request, decode)) in calls.into_iter().enumerate() {
            let attempts = Attempts::new(client.call_settings(&request));
            match encode_call(&client, request) {
                Ok(call) => {
                    pending.push(index);
                    items.push(Item {
                        call: Some(call),
                        decode,
                        attempts,
                        reauthorized: false,
                    });
                }
                Err(error) => {
                    results[index] = Some(Err(error));
                    items.push(Item {
                        call: None,
                        decode,
                        attempts,
                        reauthorized: false,
                    });
                }
            }
        }
        let mut requests = 0;
        while !pending.is_empty() {
            let mut again: Vec<(usize, Duration)> = Vec::new();
            // Up to `concurrency` requests in flight, their answers in the chunks' order.
            let rounds: Vec<Vec<Answer>> = futures_util::stream::iter(pending.chunks(max_calls))
                .map(|chunk| send_chunk(&client, path, &items, chunk))
                .buffered(concurrency)
                .collect()
                .await;
            for (chunk, answers) in pending.chunks(max_calls).zip(rounds) {
                requests += 1;
                for (&index, answer) in chunk.iter().zip(answers) {
                    let item = &mut items[index];
                    let attempt = item.attempts.next().number;
                    let error = match answer {
                        Answer::Http(response) if (200..300).contains(&response.status) => {
                            outcomes[index] = Outcome::Status(response.status);
                            results[index] = Some((item.decode)(response.status, &response.body));
                            continue;
                        }
                        Answer::Http(response) => {
                            outcomes[index] = Outcome::Status(response.status);
                            let error = crate::response::api_error(
                                response.status,
                                &response.headers,
                                &response.body,
                                attempt,
                                chrono::Utc::now(),
                            );
                            if response.status == 401 && !item.reauthorized {
                                // Sent again with the credentials asked again (a token they
                                // refreshed), once.
                                item.reauthorized = true;
                                again.push((index, Duration::ZERO));
                                continue;
                            }
                            error
                        }
                        Answer::Missing(error) => {
                            outcomes[index] = Outcome::Error;
                            error
                        }
                    };
                    match item.attempts.delay_after(error) {
                        Ok(delay) => again.push((index, delay)),
                        Err(error) => results[index] = Some(Err(error)),
                    }
                }
            }
            // The later request waits for the longest backoff of the calls it sends again.
            if let Some(wait) = again.iter().map(|(_, delay)| *delay).max() {
                if !wait.is_zero() {
                    tokio::time::sleep(wait).await;
                }
            }
            pending = again.into_iter().map(|(index, _)| index).collect();
        }
        (results, requests, outcomes)
    }
}

/// One call of a running batch.
struct Item {
    /// Its part, encoded once (`None`: it failed before anything was sent).
    call: Option<EncodedCall>,
    decode: Decode,
    attempts: Attempts,
    /// Whether it was sent again after a 401.
    reauthorized: bool,
}

/// A call's part, but for its `Content-ID`.
struct EncodedCall {
    method: Method,
    method_id: Option<&'static str>,
    target: String,
    headers: Vec<(String, String)>,
    body: Option<Vec<u8>>,
    idempotent: bool,
}

/// What a call's part of the response said.
enum Answer {
    Http(wire::InnerResponse),
    Missing(Error),
}

/// How a call ended, for the span.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Outcome {
    Status(u16),
    Error,
}

fn outcomes_text(outcomes: &[Outcome]) -> String {
    let mut counts = BTreeMap::new();
    for outcome in outcomes {
        *counts.entry(*outcome).or_insert(0usize) += 1;
    }
    counts
        .into_iter()
        .map(|(outcome, count)| match outcome {
            Outcome::Status(status) => format!("{status}×{count}"),
            Outcome::Error => format!("error×{count}"),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The part of `request`: the request line of its URL as a single call would send it (the API key
/// included), its content type and length, its API version and own headers.
fn encode_call(client: &Client, mut request: Request) -> Result<EncodedCall> {
    if let Some(refusal) = request.refusal() {
        return Err(refusal);
    }
    let url = client.send_url(&request)?;
    let body = request.take_body()?;
    let mut headers = Vec::new();
    if let Some(body) = &body {
        let media_type = request.content_type().unwrap_or("application/json");
        headers.push(("Content-Type".to_owned(), header_value(media_type)?));
        headers.push(("Content-Length".to_owned(), body.len().to_string()));
    }
    if let Some(version) = request.api_version_header() {
        headers.push(("X-Goog-Api-Version".to_owned(), header_value(version)?));
    }
    for (name, value) in request.extra_headers() {
        HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
            Error::config(
                ConfigErrorKind::Header,
                format!("invalid header name {name:?}"),
            )
        })?;
        headers.push((name.to_string(), header_value(value)?));
    }
    let target = match url.query() {
        Some(query) => format!("{}?{query}", url.path()),
        None => url.path().to_owned(),
    };
    Ok(EncodedCall {
        method: request.method().clone(),
        method_id: request.method_id(),
        target,
        headers,
        body,
        idempotent: request.is_idempotent(),
    })
}

/// A header value that cannot break the part's framing (no CR, LF or other control characters).
fn header_value(value: &str) -> Result<String> {
    HeaderValue::from_str(value)
        .map(|_| value.to_owned())
        .map_err(|_| {
            Error::config(
                ConfigErrorKind::Header,
                "invalid header value in a batch call",
            )
        })
}

/// A random token for boundaries and `Content-ID`s.
fn token() -> String {
    let a = (crate::retry::random_unit() * (1u64 << 52) as f64) as u64;
    let b = (crate::retry::random_unit() * (1u64 << 52) as f64) as u64;
    format!("{a:013x}{b:013x}")
}

/// Sends the calls `chunk` (indices into `items`) as one request; every call's answer, in order.
async fn send_chunk(
    client: &Client,
    path: &'static str,
    items: &[Item],
    chunk: &[usize],
) -> Vec<Answer> {
    let boundary = format!("batch_{}", token());
    let base = token();
    let mut body = Vec::new();
    let mut parts = Vec::with_capacity(chunk.len());
    for (n, &index) in chunk.iter().enumerate() {
        let Some(call) = &items[index].call else {
            continue;
        };
        let inner = wire::InnerRequest {
            method: call.method.as_str(),
            target: &call.target,
            headers: call.headers.clone(),
            body: call.body.as_deref(),
        };
        wire::write_request_part(&mut body, &boundary, &base, n + 1, &inner);
        parts.push(call.method_id);
    }
    wire::write_end(&mut body, &boundary);
    let mut request = Request::new(Method::POST, path.to_owned());
    request.raw_body(body, format!("multipart/mixed; boundary={boundary}"));
    request.idempotent(
        chunk
            .iter()
            .all(|&i| items[i].call.as_ref().is_some_and(|c| c.idempotent)),
    );
    request.batch_parts = Some(Arc::from(parts));
    match client.send(request).await {
        Ok((_, headers, body)) => read_answers(&headers, &body, &base, chunk.len()),
        Err(error) => {
            let error = Arc::new(error);
            chunk
                .iter()
                .map(|_| {
                    Answer::Missing(Error::Batch(
                        BatchError::new(BatchErrorKind::Failed, "the batch request failed")
                            .caused_by(error.clone()),
                    ))
                })
                .collect()
        }
    }
}

/// The answers of `calls` calls (parts `1..=calls`) in a batch response.
fn read_answers(headers: &http::HeaderMap, body: &[u8], base: &str, calls: usize) -> Vec<Answer> {
    let missing = |kind: BatchErrorKind, message: &str| {
        (0..calls)
            .map(|_| Answer::Missing(Error::batch(kind, message)))
            .collect()
    };
    let content_type = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let Some(boundary) = wire::boundary_of(content_type) else {
        return missing(
            BatchErrorKind::Malformed,
            "the batch response is not multipart/mixed with a boundary",
        );
    };
    let (parts, _) = wire::split_parts(body, boundary);
    let mut answers: Vec<Option<Answer>> = (0..calls).map(|_| None).collect();
    let mut seen = vec![0u32; calls];
    let mut unknown = false;
    for part in parts {
        let (part_headers, rest) = wire::part_headers(part);
        let number = part_headers
            .iter()
            .find(|(name, _)| name == "content-id")
            .and_then(|(_, id)| wire::answered_part(id, base))
            .filter(|n| (1..=calls).contains(n));
        let Some(number) = number else {
            unknown = true;
            continue;
        };
        let slot = number - 1;
        seen[slot] += 1;
        answers[slot] = Some(match rest.and_then(wire::inner_response) {
            Some(response) => Answer::Http(response),
            None => Answer::Missing(Error::batch(
                BatchErrorKind::Malformed,
                "this call's part of the batch response is not a complete HTTP response",
            )),
        });
    }
    answers
        .into_iter()
        .zip(seen)
        .map(|(answer, seen)| match (answer, seen) {
            (_, n) if n > 1 => Answer::Missing(Error::batch(
                BatchErrorKind::DuplicateAnswer,
                "several parts of the batch response answer this call",
            )),
            (Some(answer), _) => answer,
            (None, _) if unknown => Answer::Missing(Error::batch(
                BatchErrorKind::UnknownAnswer,
                "the batch response does not answer this call, and answers a call it was not sent",
            )),
            (None, _) => Answer::Missing(Error::batch(
                BatchErrorKind::Unanswered,
                "the batch response does not answer this call",
            )),
        })
        .collect()
}

impl BatchResults {
    /// The result of the call `handle` was given for: its decoded response, or its error.
    /// [`BatchErrorKind::ForeignHandle`] for a handle of another batch.
    pub fn take<T: 'static>(&mut self, handle: Handle<T>) -> Result<T> {
        let foreign = || {
            Error::batch(
                BatchErrorKind::ForeignHandle,
                "the handle belongs to another batch",
            )
        };
        if handle.batch != self.batch {
            return Err(foreign());
        }
        let result = self
            .results
            .get_mut(handle.index)
            .and_then(Option::take)
            .ok_or_else(foreign)?;
        result.and_then(|value| value.downcast::<T>().map(|v| *v).map_err(|_| foreign()))
    }

    /// The results of calls of one kind, in the order they were added.
    pub fn take_all<T: 'static>(&mut self, handles: Handles<T>) -> Vec<Result<T>> {
        handles
            .handles
            .into_iter()
            .map(|handle| self.take(handle))
            .collect()
    }

    /// How many calls the batch sent.
    pub fn len(&self) -> usize {
        self.results.len()
    }

    /// Whether the batch had no call.
    pub fn is_empty(&self) -> bool {
        self.results.is_empty()
    }
}
