//! A loopback HTTP/1.1 server that plays a Google long-running operations
//! service, for tests and examples of generated clients.
//!
//! [`Emulator::start`] binds `127.0.0.1:0` on the current tokio runtime and
//! serves, under a configurable prefix (`v2/` for Dialogflow, `v1/` for
//! Workspace Events or Monitoring):
//!
//! | request | answer |
//! |---|---|
//! | `GET {prefix}{name}` | the operation, after advancing its [`OperationScript`] by one poll |
//! | `POST {prefix}{name}:cancel` (or `{name}/cancel`, Cloud Storage style) | `{}`; the operation is done from now on, with error `{code: 1, message: "Operation was cancelled."}` |
//! | `GET {prefix}{parent}/operations?pageSize&pageToken` | `{operations, nextPageToken}`, in creation order, without advancing anything |
//! | `DELETE {prefix}{name}` | `{}`; the operation is forgotten |
//! | a [`StartRoute`], by default `POST {prefix}{parent}/agent:export` | a new operation `{parent}/operations/op-N`, as just created |
//!
//! With [`ServiceStyle::Compute`] or [`ServiceStyle::SqlAdmin`] (see
//! [`EmulatorConfig::compute`], [`EmulatorConfig::sqladmin`]) it plays a
//! status-style service instead: operations with `status`, `selfLink` and
//! `targetLink`, polled by `GET {name}` or Compute's `POST {name}/wait`,
//! cancelled by Cloud SQL's `POST {name}/cancel`, failing with
//! [`OperationScript::errors`].
//!
//! Media (any prefix): `POST ...?uploadType=resumable` starts a session (`200`, its URL in `Location`,
//! the same URL with `upload_id`); `PUT` to it with `Content-Range: bytes a-b/N` stores a chunk and
//! answers `308` with `Range: bytes=0-M` (what it has) until all `N` bytes are there (`200` with the
//! resource); `bytes */N` asks what it has. `uploadType=media` and `multipart` (`multipart/related`)
//! uploads are stored at once. Uploads are listed by [`Emulator::uploads`]; the resource answered is
//! the metadata with an `id` and `size`. `GET {path}?alt=media` serves what [`Emulator::insert_media`]
//! put there, `Range: bytes=a-` giving `206` with `Content-Range`. [`Emulator::inject_media`] scripts
//! partial commits, chunks dropped midway, expired sessions (404/410) and downloads that break off.
//!
//! Batches: `POST /batch...` with a `multipart/mixed` body (Google's batch protocol) answers each
//! inner request as if it came alone (a JSON resource put there by [`Emulator::insert_resource`],
//! else the routes above), in one `multipart/mixed` response matched by `Content-ID`;
//! [`Emulator::inject_batch`] scripts per-part statuses, missing, duplicate or unknown parts, parts
//! in another order and a response cut short. The batch request is recorded, its parts are not.
//!
//! Unknown operations and routes get a 404 with a Google error body
//! `{"error": {"code": 404, "message": "...", "status": "NOT_FOUND"}}`.
//!
//! Every request is recorded (see [`Emulator::requests`]) before it is
//! answered, so a test that got a response can inspect the request at once.
//! [`Emulator::inject`] queues [`Fault`]s for the next matching requests;
//! [`Emulator::inject_random`] faults a share of all requests (load tests).
//! The server stops when the [`Emulator`] is dropped.
//!
//! ```no_run
//! # async fn demo() {
//! use discogen_emulator::{Emulator, EmulatorConfig, OperationScript};
//! use serde_json::json;
//!
//! let emulator = Emulator::start(EmulatorConfig::with_prefix("v1/")).await;
//! emulator.insert_operation(
//!     "projects/p/locations/l/operations/op-1",
//!     OperationScript::response(2, json!({"@type": "type.googleapis.com/google.protobuf.Empty"})),
//! );
//! let url = format!("{}v1/projects/p/locations/l/operations/op-1", emulator.base_url());
//! # let _ = url;
//! # }
//! ```
#![warn(missing_docs)]

mod batch;
mod http;
mod media;
mod service;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde_json::{json, Value};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

use crate::http::{read_request, write_media, write_response, MediaDownload, Read, Response};
use crate::media::{MediaAction, MediaRequest, MediaStore};
use crate::service::Operations;

pub use crate::batch::BatchFault;
pub use crate::media::{MediaContent, MediaFault, UploadedMedia};

pub use crate::service::CANCELLED_MESSAGE;

/// The `@type` of the metadata written by [`OperationScript::with_progress`]
/// when no other type is given, e.g. by [`OperationScript::export_agent`].
pub const PROGRESS_METADATA_TYPE: &str =
    "type.googleapis.com/discogen.emulator.v1.ProgressMetadata";

/// The `@type` of the response of [`OperationScript::export_agent`].
pub const EXPORT_AGENT_RESPONSE_TYPE: &str =
    "type.googleapis.com/google.cloud.dialogflow.v2.ExportAgentResponse";

/// How the emulator behaves.
#[derive(Clone, Debug)]
pub struct EmulatorConfig {
    /// The path prefix of every route, relative to the base URL, e.g. `"v2/"`.
    pub prefix: String,
    /// Page size of `operations.list` when the request has none (or ≤ 0).
    pub default_page_size: usize,
    /// Requests that create operations.
    pub start_routes: Vec<StartRoute>,
    /// Leave out `"done": false` as proto3 JSON does (real services do);
    /// by default it is sent.
    pub omit_false_done: bool,
    /// Which style of operations service to play.
    pub style: ServiceStyle,
    /// Keep the bytes of media uploads (in [`UploadedMedia::bytes`] and the recorded requests); when
    /// false only their lengths are kept, so that gigabytes can pass through. True by default.
    pub keep_media: bool,
}

/// The style of operations service the emulator plays.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum ServiceStyle {
    /// google.longrunning: `done`, an `error` `google.rpc.Status`, a `response` (the routes above).
    #[default]
    Longrunning,
    /// Compute Engine (status style): operations `projects/{p}/global/operations/{op}`,
    /// `projects/{p}/regions/{r}/operations/{op}` and `projects/{p}/zones/{z}/operations/{op}`
    /// with `status` (`PENDING` when created, `RUNNING`, `DONE`), `progress`, `selfLink`,
    /// `targetLink`, `zone`/`region` links, and on failure `error.errors[]`,
    /// `httpErrorStatusCode` and `httpErrorMessage`. `GET {name}` and `POST {name}/wait` each
    /// advance the script by one poll; `GET {target}` answers the target resource (the script's
    /// response) once the operation is done; `GET {parent}/operations` lists (`items`).
    Compute,
    /// Cloud SQL Admin (status style): operations `projects/{p}/operations/{op}` like
    /// [`ServiceStyle::Compute`]'s but with no HTTP error fields (errors are `sql#operationError`
    /// entries), no `progress`, and `POST {name}/cancel`, after which the operation is `DONE` with
    /// the error `OPERATION_CANCELLED`.
    SqlAdmin,
}

impl EmulatorConfig {
    /// Dialogflow-like: prefix `v2/` and the `agent:export` start route
    /// ([`OperationScript::export_agent`]).
    pub fn dialogflow() -> Self {
        EmulatorConfig {
            prefix: "v2/".to_owned(),
            default_page_size: 50,
            start_routes: vec![StartRoute::new(
                "POST",
                "/agent:export",
                OperationScript::export_agent(),
            )],
            omit_false_done: false,
            style: ServiceStyle::Longrunning,
            keep_media: true,
        }
    }

    /// Like [`EmulatorConfig::dialogflow`] with another prefix, e.g. `"v1/"`.
    pub fn with_prefix(prefix: impl Into<String>) -> Self {
        EmulatorConfig {
            prefix: prefix.into(),
            ..EmulatorConfig::dialogflow()
        }
    }

    /// Compute Engine v1 (prefix `compute/v1/`), with `POST {scope}/instances` starting the
    /// operation `{scope}/operations/op-N` (a zone operation for `projects/p/zones/z/instances`), done
    /// at the second poll, whose target is the instance `{scope}/instances/vm-1` (a start route's
    /// target is the route's collection and its response's `name`, unless the script names one).
    pub fn compute() -> Self {
        EmulatorConfig {
            prefix: "compute/v1/".to_owned(),
            start_routes: vec![StartRoute::new(
                "POST",
                "/instances",
                OperationScript::response(2, json!({"kind": "compute#instance", "name": "vm-1"})),
            )],
            style: ServiceStyle::Compute,
            ..EmulatorConfig::dialogflow()
        }
    }

    /// Cloud SQL Admin v1 (prefix `v1/`), with `POST projects/p/instances` starting the operation
    /// `projects/p/operations/op-N`, done at the second poll, whose target is
    /// `projects/p/instances/db-1`.
    pub fn sqladmin() -> Self {
        EmulatorConfig {
            prefix: "v1/".to_owned(),
            start_routes: vec![StartRoute::new(
                "POST",
                "/instances",
                OperationScript::response(2, json!({"kind": "sql#instance", "name": "db-1"})),
            )],
            style: ServiceStyle::SqlAdmin,
            ..EmulatorConfig::dialogflow()
        }
    }
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        EmulatorConfig::dialogflow()
    }
}

/// A request that starts work: `{method} {prefix}{parent}{suffix}` creates
/// the operation `{parent}/operations/op-N` (`operations/op-N` when the
/// parent is empty) running `script` and returns it.
#[derive(Clone, Debug)]
pub struct StartRoute {
    /// The HTTP method, e.g. `POST`.
    pub method: String,
    /// The end of the path after the parent, e.g. `"/agent:export"`.
    pub suffix: String,
    /// The script of each operation it creates.
    pub script: OperationScript,
}

impl StartRoute {
    /// A route for `method` and paths ending with `suffix`.
    pub fn new(
        method: impl Into<String>,
        suffix: impl Into<String>,
        script: OperationScript,
    ) -> Self {
        StartRoute {
            method: method.into(),
            suffix: suffix.into(),
            script,
        }
    }
}

/// How an operation runs: how many polls until it is done, its metadata at
/// each poll and how it ends.
///
/// The operation is done at the `polls`-th `GET` (so with `polls == 0` it is
/// done when created); each `GET` after that returns the same done operation.
#[derive(Clone, Debug)]
pub struct OperationScript {
    pub(crate) polls: u32,
    pub(crate) metadata: Metadata,
    pub(crate) outcome: Outcome,
    /// A status-style operation's target, relative to the prefix.
    pub(crate) target: Option<String>,
}

#[derive(Clone, Debug)]
pub(crate) enum Metadata {
    None,
    Fixed(Value),
    PerPoll(Vec<Value>),
    Progress { type_url: String },
}

/// How an operation ends.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// `response`: a JSON object, normally with an `@type`.
    Response(Value),
    /// `error`: a `google.rpc.Status`.
    Error {
        /// The `google.rpc.Code`.
        code: i32,
        /// The developer-facing message.
        message: String,
        /// The `details` (left out when empty).
        details: Vec<Value>,
    },
    /// A status-style error: `error.errors[]`, `httpErrorStatusCode`, `httpErrorMessage`.
    Errors {
        /// The HTTP status, e.g. 403.
        http_status: u16,
        /// The HTTP message, e.g. `FORBIDDEN`.
        http_message: String,
        /// The `errors[]` entries.
        errors: Vec<Value>,
    },
}

impl OperationScript {
    /// Done at the `polls`-th poll with `response` (an object with `@type`).
    pub fn response(polls: u32, response: Value) -> Self {
        OperationScript {
            polls,
            metadata: Metadata::None,
            outcome: Outcome::Response(response),
            target: None,
        }
    }

    /// Done at the `polls`-th poll with the error `{code, message}`.
    pub fn error(polls: u32, code: i32, message: impl Into<String>) -> Self {
        OperationScript {
            polls,
            metadata: Metadata::None,
            outcome: Outcome::Error {
                code,
                message: message.into(),
                details: Vec::new(),
            },
            target: None,
        }
    }

    /// A status-style operation that is done after `polls` polls with `errors` (each an
    /// `error.errors[]` entry: `code`, `message`, `location`, ...) and, for Compute, the HTTP status
    /// and message, e.g. `403`, `"FORBIDDEN"` for `QUOTA_EXCEEDED`. A google.longrunning service
    /// reports it as `{code: 2, message}` with the entries' messages.
    pub fn errors(
        polls: u32,
        http_status: u16,
        http_message: impl Into<String>,
        errors: Vec<Value>,
    ) -> Self {
        OperationScript {
            polls,
            metadata: Metadata::None,
            outcome: Outcome::Errors {
                http_status,
                http_message: http_message.into(),
                errors,
            },
            target: None,
        }
    }

    /// An operation that never finishes (for deadlines and attempt limits).
    pub fn never_done() -> Self {
        OperationScript::response(u32::MAX, json!({}))
    }

    /// The resource a status-style operation changes, relative to the prefix
    /// (`projects/p/zones/z/instances/vm-1`): its `targetLink`, where the script's response is served
    /// once the operation is done.
    pub fn with_target(mut self, target: impl Into<String>) -> Self {
        self.target = Some(target.into());
        self
    }

    /// The default script of the `agent:export` route: done at the 3rd poll
    /// with `{"@type": EXPORT_AGENT_RESPONSE_TYPE, "agentUri": "gs://emulator/agent.zip"}`,
    /// with progress metadata.
    pub fn export_agent() -> Self {
        OperationScript::response(
            3,
            json!({"@type": EXPORT_AGENT_RESPONSE_TYPE, "agentUri": "gs://emulator/agent.zip"}),
        )
        .with_progress(PROGRESS_METADATA_TYPE)
    }

    /// The same metadata at every poll.
    pub fn with_metadata(mut self, metadata: Value) -> Self {
        self.metadata = Metadata::Fixed(metadata);
        self
    }

    /// `metadata[k]` after `k` polls (`metadata[0]` when created); the last
    /// entry once the list runs out.
    pub fn with_metadata_per_poll(mut self, metadata: Vec<Value>) -> Self {
        self.metadata = Metadata::PerPoll(metadata);
        self
    }

    /// After `k` of `n` polls, the metadata
    /// `{"@type": type_url, "progressPercent": 100·k/n, "poll": k}`.
    pub fn with_progress(mut self, type_url: impl Into<String>) -> Self {
        self.metadata = Metadata::Progress {
            type_url: type_url.into(),
        };
        self
    }

    /// Adds `details` to an error outcome (no effect on a response outcome).
    pub fn with_error_details(mut self, details: Vec<Value>) -> Self {
        if let Outcome::Error { details: d, .. } = &mut self.outcome {
            *d = details;
        }
        self
    }

    /// The number of polls until done.
    pub fn polls(&self) -> u32 {
        self.polls
    }

    /// How the operation ends.
    pub fn outcome(&self) -> &Outcome {
        &self.outcome
    }
}

/// What a [`Fault`] does to a request.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FaultKind {
    /// 429 with `Retry-After: retry_after_secs` and a `RESOURCE_EXHAUSTED` error body.
    TooManyRequests {
        /// The `Retry-After` value, in seconds.
        retry_after_secs: u64,
    },
    /// 503 with an `UNAVAILABLE` error body.
    Unavailable,
    /// Closes the connection without answering.
    ConnectionReset,
    /// Waits this long, then answers normally (a batch as a batch; the request takes effect then).
    Delay(Duration),
    /// Answers normally but sends half the body under the full
    /// `Content-Length`, then closes (the request takes effect).
    TruncatedBody,
    /// 200 with a body that is not JSON.
    NotJson,
}

/// A fault for the next matching request(s); see [`Emulator::inject`].
///
/// Except for [`FaultKind::Delay`] and [`FaultKind::TruncatedBody`], a
/// faulted request has no effect: an operation is not advanced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    /// What happens.
    pub kind: FaultKind,
    /// How many matching requests it applies to (at least 1).
    pub times: u32,
    /// Only requests with this method (any if `None`).
    pub method: Option<String>,
    /// Only requests whose path contains this text (any if `None`).
    pub path_contains: Option<String>,
}

impl Fault {
    /// A fault of `kind` for the next request.
    pub fn new(kind: FaultKind) -> Self {
        Fault {
            kind,
            times: 1,
            method: None,
            path_contains: None,
        }
    }

    /// 429 with `Retry-After: retry_after_secs`.
    pub fn too_many_requests(retry_after_secs: u64) -> Self {
        Fault::new(FaultKind::TooManyRequests { retry_after_secs })
    }

    /// 503.
    pub fn unavailable() -> Self {
        Fault::new(FaultKind::Unavailable)
    }

    /// The connection is closed without an answer.
    pub fn connection_reset() -> Self {
        Fault::new(FaultKind::ConnectionReset)
    }

    /// The answer comes after `delay`.
    pub fn delay(delay: Duration) -> Self {
        Fault::new(FaultKind::Delay(delay))
    }

    /// The body is cut short of its `Content-Length`.
    pub fn truncated_body() -> Self {
        Fault::new(FaultKind::TruncatedBody)
    }

    /// 200 with a body that is not JSON.
    pub fn not_json() -> Self {
        Fault::new(FaultKind::NotJson)
    }

    /// Applies to the next `times` matching requests (0 is taken as 1).
    pub fn times(mut self, times: u32) -> Self {
        self.times = times.max(1);
        self
    }

    /// Applies only to requests with `method` (case-insensitive).
    pub fn method(mut self, method: impl Into<String>) -> Self {
        self.method = Some(method.into());
        self
    }

    /// Applies only to requests whose raw path contains `text`.
    pub fn path_contains(mut self, text: impl Into<String>) -> Self {
        self.path_contains = Some(text.into());
        self
    }

    fn matches(&self, method: &str, path: &str) -> bool {
        self.method
            .as_deref()
            .is_none_or(|m| m.eq_ignore_ascii_case(method))
            && self
                .path_contains
                .as_deref()
                .is_none_or(|text| path.contains(text))
    }
}

/// One request as the emulator received it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedRequest {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path exactly as sent (still percent-encoded), e.g. `/v2/projects/p`.
    pub path: String,
    /// The query string decoded (`+` and `%XX`) into ordered pairs.
    pub query: Vec<(String, String)>,
    /// Headers in order, names lower-cased.
    pub headers: Vec<(String, String)>,
    /// The body bytes (empty if none).
    pub body: Vec<u8>,
    /// The fault injected into this request, if any.
    pub fault: Option<FaultKind>,
}

impl RecordedRequest {
    /// The value of the first header called `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The value of the first query parameter called `name`.
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON, if it is JSON.
    pub fn body_json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

/// State shared by the server tasks and the [`Emulator`] handle.
#[derive(Debug)]
struct Shared {
    config: EmulatorConfig,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    operations: Operations,
    media: MediaStore,
    faults: Vec<Fault>,
    random_faults: RandomFaults,
    requests: Vec<RecordedRequest>,
    /// JSON resources served to `GET {path}` (see [`Emulator::insert_resource`]).
    resources: std::collections::BTreeMap<String, Value>,
    batch_faults: Vec<BatchFault>,
}

impl State {
    /// The answer to one request, as the emulator's routes give it (media aside).
    fn route(
        &mut self,
        config: &EmulatorConfig,
        method: &str,
        path: &str,
        query: &[(String, String)],
    ) -> Response {
        if method == "GET" {
            if let Some(resource) = self.resources.get(path) {
                return Response::json(200, resource);
            }
        }
        self.operations.handle(config, method, path, query)
    }

    /// The answer to a batch request: each part routed alone, then the scripted faults.
    fn batch(
        &mut self,
        config: &EmulatorConfig,
        headers: &[(String, String)],
        body: &[u8],
    ) -> Response {
        let Some(parts) = batch::parts(headers, body) else {
            return Response::google_error(400, "Cannot read the batch request (emulated).");
        };
        let mut answers = Vec::new();
        for part in parts {
            let mut fault = None;
            if let Some(i) = self.batch_faults.iter().position(|f| match f {
                BatchFault::PartStatus { path_contains, .. }
                | BatchFault::OmitPart { path_contains }
                | BatchFault::DuplicatePart { path_contains }
                | BatchFault::UnknownId { path_contains } => {
                    part.target.contains(path_contains.as_str())
                }
                _ => false,
            }) {
                fault = Some(match &mut self.batch_faults[i] {
                    BatchFault::PartStatus { times, .. } if *times > 1 => {
                        *times -= 1;
                        self.batch_faults[i].clone()
                    }
                    _ => self.batch_faults.remove(i),
                });
            }
            let answer = match &fault {
                Some(BatchFault::PartStatus { status, .. }) => {
                    Response::google_error(*status, "Scripted batch part fault (emulated).")
                }
                _ => self.route(config, &part.method, &part.path, &part.query),
            };
            match fault {
                Some(BatchFault::OmitPart { .. }) => {}
                Some(BatchFault::DuplicatePart { .. }) => {
                    answers.push((part.content_id.clone(), answer.clone()));
                    answers.push((part.content_id, answer));
                }
                Some(BatchFault::UnknownId { .. }) => {
                    answers.push(("<nobody+999>".to_owned(), answer))
                }
                _ => answers.push((part.content_id, answer)),
            }
        }
        let mut take =
            |wanted: &BatchFault| match self.batch_faults.iter().position(|f| f == wanted) {
                Some(i) => {
                    self.batch_faults.remove(i);
                    true
                }
                None => false,
            };
        if take(&BatchFault::Reverse) {
            answers.reverse();
        }
        let truncate = take(&BatchFault::Truncate);
        batch::response(&answers, truncate)
    }
}

/// Faults drawn at random for each request (see [`Emulator::inject_random`]), from a fixed-seed
/// generator so that a run's sequence of draws is the same every time.
#[derive(Debug, Default)]
struct RandomFaults {
    /// Each kind with its probability, in the order they were added.
    kinds: Vec<(FaultKind, f64)>,
    /// The state of the generator (splitmix64).
    state: u64,
}

impl RandomFaults {
    /// One draw in `[0, 1)` picks at most one kind: the first whose cumulative probability exceeds it.
    fn draw(&mut self) -> Option<FaultKind> {
        if self.kinds.is_empty() {
            return None;
        }
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        let unit = (z >> 11) as f64 / (1u64 << 53) as f64;
        let mut cumulative = 0.0;
        self.kinds.iter().find_map(|(kind, probability)| {
            cumulative += probability;
            (unit < cumulative).then(|| kind.clone())
        })
    }
}

impl Shared {
    /// Locks the state; a panic elsewhere while it was locked does not matter
    /// here (every update is a single step).
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A running emulator; the server stops when this is dropped.
#[derive(Debug)]
pub struct Emulator {
    addr: SocketAddr,
    shared: Arc<Shared>,
    server: tokio::task::JoinHandle<()>,
}

impl Emulator {
    /// Starts serving on `127.0.0.1:0` on the current tokio runtime.
    ///
    /// # Panics
    ///
    /// If no loopback port can be bound (see [`Emulator::try_start`]) or
    /// when called outside a tokio runtime.
    pub async fn start(config: EmulatorConfig) -> Emulator {
        match Emulator::try_start(config).await {
            Ok(emulator) => emulator,
            Err(e) => panic!("cannot bind the emulator to 127.0.0.1: {e}"),
        }
    }

    /// Like [`Emulator::start`], returning an error if no port can be bound.
    pub async fn try_start(config: EmulatorConfig) -> std::io::Result<Emulator> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            config,
            state: Mutex::new(State::default()),
        });
        {
            let mut state = shared.lock();
            state.operations.link_base = format!("http://{addr}/{}", shared.config.prefix);
            state.media.origin = format!("http://{addr}");
            state.media.keep_bytes = shared.config.keep_media;
        }
        let server = tokio::spawn(accept_loop(listener, Arc::clone(&shared)));
        Ok(Emulator {
            addr,
            shared,
            server,
        })
    }

    /// `http://127.0.0.1:PORT/`.
    pub fn base_url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The configuration it runs with.
    pub fn config(&self) -> &EmulatorConfig {
        &self.shared.config
    }

    /// A copy of every request received so far, in arrival order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.lock().requests.clone()
    }

    /// Forgets the requests received so far.
    pub fn clear_requests(&self) {
        self.shared.lock().requests.clear();
    }

    /// The requests received so far, in arrival order, forgotten by the emulator (so that a long run
    /// does not keep them all).
    pub fn take_requests(&self) -> Vec<RecordedRequest> {
        std::mem::take(&mut self.shared.lock().requests)
    }

    /// Adds an operation called `name` (e.g.
    /// `projects/p/locations/l/operations/op-1`, without the prefix), or
    /// restarts the one with that name.
    pub fn insert_operation(&self, name: impl Into<String>, script: OperationScript) {
        self.shared.lock().operations.insert(name.into(), script);
    }

    /// The operation's JSON as the next list would show it (no poll is counted).
    pub fn operation(&self, name: &str) -> Option<Value> {
        self.shared
            .lock()
            .operations
            .snapshot(&self.shared.config, name)
    }

    /// How many times the operation has been polled (`GET`).
    pub fn polls(&self, name: &str) -> Option<u32> {
        self.shared.lock().operations.polls(name)
    }

    /// Whether the operation was cancelled.
    pub fn cancelled(&self, name: &str) -> Option<bool> {
        self.shared.lock().operations.cancelled(name)
    }

    /// Queues `fault` for the next request(s) it matches; faults apply in the
    /// order they were queued.
    pub fn inject(&self, fault: Fault) {
        self.shared.lock().faults.push(fault);
    }

    /// The faults still queued.
    pub fn pending_faults(&self) -> Vec<Fault> {
        self.shared.lock().faults.clone()
    }

    /// From now on, faults each request with `kind` with probability `probability` (clamped to
    /// `[0, 1]`), unless a queued [`Fault`] applies to it. The random faults are exclusive: one draw
    /// per request picks at most one, so 5 % [`FaultKind::Unavailable`] and 1 %
    /// [`FaultKind::ConnectionReset`] fault 6 % of the requests. The draws come from a generator with
    /// a fixed seed: requests sent one after another meet the same faults on every run.
    pub fn inject_random(&self, kind: FaultKind, probability: f64) {
        let probability = if probability.is_nan() {
            0.0
        } else {
            probability.clamp(0.0, 1.0)
        };
        self.shared
            .lock()
            .random_faults
            .kinds
            .push((kind, probability));
    }

    /// Serves `content` to `GET {path}?alt=media` (with `Range`); `path` as sent, e.g.
    /// `/storage/v1/b/b/o/a.txt`.
    pub fn insert_media(&self, path: impl Into<String>, content: MediaContent) {
        self.shared.lock().media.insert(path.into(), content);
    }

    /// Queues `fault` for the next media request it applies to; faults apply in the order queued.
    pub fn inject_media(&self, fault: MediaFault) {
        self.shared.lock().media.faults.push_back(fault);
    }

    /// The media faults still queued.
    pub fn pending_media_faults(&self) -> Vec<MediaFault> {
        self.shared.lock().media.faults.iter().cloned().collect()
    }

    /// Every upload received in full (simple, multipart, or a finished session), in order.
    pub fn uploads(&self) -> Vec<UploadedMedia> {
        self.shared.lock().media.uploads.clone()
    }

    /// Serves `resource` as JSON to `GET {path}` (`path` as sent, e.g. `/drive/v3/files/a`), alone or
    /// in a batch.
    pub fn insert_resource(&self, path: impl Into<String>, resource: Value) {
        self.shared.lock().resources.insert(path.into(), resource);
    }

    /// Queues `fault` for the next batch request it applies to.
    pub fn inject_batch(&self, fault: BatchFault) {
        self.shared.lock().batch_faults.push(fault);
    }

    /// Stops every fault added by [`Emulator::inject_random`].
    pub fn clear_random_faults(&self) {
        self.shared.lock().random_faults.kinds.clear();
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        // Aborting the accept loop drops its JoinSet, which aborts every
        // connection task.
        self.server.abort();
    }
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let _ = stream.set_nodelay(true);
                    connections.spawn(serve_connection(stream, Arc::clone(&shared)));
                }
                // E.g. too many open files: wait a little rather than spin.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

/// A batch request's headers and body, answered later.
type BatchRequest = (Vec<(String, String)>, Vec<u8>);

/// What to do with one request, decided under the lock.
enum Action {
    Respond(Response),
    Reset,
    /// The answer after a delay: a batch's (its headers and body kept), else the operations routes'.
    DelayThenHandle(Duration, Option<BatchRequest>),
    Truncate(Response),
    Media(MediaAction),
}

async fn serve_connection(mut stream: TcpStream, shared: Arc<Shared>) {
    let mut buf = Vec::new();
    loop {
        let request = match read_request(&mut stream, &mut buf).await {
            Ok(Read::Request(request)) => request,
            Ok(Read::Closed) | Err(_) => return,
            Ok(Read::Reject(status, message)) => {
                let response = Response::google_error(status, message);
                let _ = write_response(&mut stream, &response, false, false).await;
                return;
            }
        };
        let gzip = http::accepts_gzip(&request.headers);
        let (path, query) = match request.target.split_once('?') {
            Some((path, query)) => (path.to_owned(), http::decode_query(query)),
            None => (request.target.clone(), Vec::new()),
        };
        let action = {
            let mut state = shared.lock();
            let fault = take_fault(&mut state.faults, &request.method, &path)
                .or_else(|| state.random_faults.draw());
            let media = MediaRequest {
                method: &request.method,
                path: &path,
                query: &query,
                headers: &request.headers,
                body: &request.body,
            };
            let media_action = match (&fault, media.is_media()) {
                (None, true) => Some(state.media.handle(&media)),
                _ => None,
            };
            let is_batch = batch::is_batch(&request.method, &path, &request.headers);
            // A delayed batch is still answered as a batch, after the delay.
            let delayed = matches!(fault, Some(FaultKind::Delay(_)));
            let batch_request = (is_batch && (fault.is_none() || delayed))
                .then(|| (request.headers.clone(), request.body.clone()));
            let keep_body = !media.is_media() || shared.config.keep_media;
            state.requests.push(RecordedRequest {
                method: request.method.clone(),
                path: path.clone(),
                query: query.clone(),
                headers: request.headers,
                body: if keep_body { request.body } else { Vec::new() },
                fault: fault.clone(),
            });
            let mut handle = || state.route(&shared.config, &request.method, &path, &query);
            if let (Some(FaultKind::Delay(delay)), Some(_)) = (&fault, &batch_request) {
                Action::DelayThenHandle(*delay, batch_request)
            } else if let Some((headers, body)) = batch_request {
                Action::Respond(state.batch(&shared.config, &headers, &body))
            } else if let Some(action) = media_action {
                Action::Media(action)
            } else {
                match fault {
                    None => Action::Respond(handle()),
                    Some(FaultKind::TooManyRequests { retry_after_secs }) => {
                        let mut response =
                            Response::google_error(429, "Quota exceeded (emulated).");
                        response
                            .headers
                            .push(("Retry-After".to_owned(), retry_after_secs.to_string()));
                        Action::Respond(response)
                    }
                    Some(FaultKind::Unavailable) => Action::Respond(Response::google_error(
                        503,
                        "The service is currently unavailable (emulated).",
                    )),
                    Some(FaultKind::ConnectionReset) => Action::Reset,
                    Some(FaultKind::Delay(delay)) => Action::DelayThenHandle(delay, None),
                    Some(FaultKind::TruncatedBody) => Action::Truncate(handle()),
                    Some(FaultKind::NotJson) => Action::Respond(Response {
                        status: 200,
                        content_type: "text/html; charset=UTF-8",
                        headers: Vec::new(),
                        body: b"<html><body>Not JSON (emulated)</body></html>".to_vec(),
                    }),
                }
            }
        };
        let (response, truncate) = match action {
            Action::Respond(response) => (response, false),
            Action::Truncate(response) => (response, true),
            Action::Reset | Action::Media(MediaAction::Drop) => return,
            Action::Media(MediaAction::Respond(response)) => (response, false),
            Action::Media(MediaAction::Download {
                status,
                headers,
                content,
                start,
                end,
                drop_after,
            }) => {
                let download = MediaDownload {
                    status,
                    headers: &headers,
                    content: &content,
                    start,
                    end,
                    drop_after,
                };
                let keep_alive = request.keep_alive && drop_after.is_none();
                if write_media(&mut stream, &download, keep_alive)
                    .await
                    .is_err()
                    || !keep_alive
                {
                    return;
                }
                continue;
            }
            Action::DelayThenHandle(delay, batch_request) => {
                tokio::time::sleep(delay).await;
                let mut state = shared.lock();
                let response = match batch_request {
                    Some((headers, body)) => state.batch(&shared.config, &headers, &body),
                    None => state
                        .operations
                        .handle(&shared.config, &request.method, &path, &query),
                };
                (response, false)
            }
        };
        let response = match gzip && !response.body.is_empty() {
            true => response.gzipped(),
            false => response,
        };
        let keep_alive = request.keep_alive && !truncate;
        if write_response(&mut stream, &response, keep_alive, truncate)
            .await
            .is_err()
            || !keep_alive
        {
            return;
        }
    }
}

/// Takes one use of the first queued fault that matches the request.
fn take_fault(faults: &mut Vec<Fault>, method: &str, path: &str) -> Option<FaultKind> {
    let i = faults.iter().position(|f| f.matches(method, path))?;
    let fault = &mut faults[i];
    let kind = fault.kind.clone();
    fault.times = fault.times.saturating_sub(1);
    if fault.times == 0 {
        faults.remove(i);
    }
    Some(kind)
}
