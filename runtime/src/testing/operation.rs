//! Long-running operations the mock plays: progress steps, then a result or an error; cancellable;
//! found again by name.

use serde_json::{json, Map, Value};

use super::answer::{Answer, AnswerKind};
use super::recorded::RecordedRequest;
use crate::lro::Message;
use crate::Code;

/// A long-running operation played by a [`Mock`](super::Mock): each poll answers the next progress
/// step (not done), then the outcome (done) from then on; a cancel makes the next poll answer
/// `CANCELLED`.
///
/// Two styles, as the APIs have them: google.longrunning ([`FakeOperation::new`]: `name`, `done`,
/// `metadata`, `response` or `error`) and the status style of Compute Engine and Cloud SQL
/// ([`FakeOperation::status_style`]: `status` `RUNNING`/`DONE`, `selfLink`, `progress`, `errors[]`
/// with `httpErrorStatusCode`). Pollers sleep between polls with `tokio::time`, so a test under
/// paused time (`#[tokio::test(start_paused = true)]`, tokio's `test-util` feature) takes no wall
/// time however long the poll policy waits.
#[derive(Debug, Clone)]
pub struct FakeOperation {
    name: String,
    style: Style,
    steps: Vec<Step>,
    outcome: Outcome,
}

#[derive(Debug, Clone)]
enum Style {
    LongRunning,
    Status {
        self_link: String,
        target_link: Option<String>,
    },
}

#[derive(Debug, Clone, Default)]
struct Step {
    metadata: Option<Value>,
    percent: Option<i32>,
}

#[derive(Debug, Clone)]
enum Outcome {
    Response(Option<Value>),
    Error { code: Code, message: String },
}

impl FakeOperation {
    /// A google.longrunning operation called `name` (`projects/p/locations/global/operations/op-1`),
    /// done at its first poll with no response until told otherwise.
    pub fn new(name: impl Into<String>) -> Self {
        FakeOperation {
            name: name.into(),
            style: Style::LongRunning,
            steps: Vec::new(),
            outcome: Outcome::Response(None),
        }
    }

    /// A status-style operation whose `selfLink` is `self_link`
    /// (`https://compute.googleapis.com/compute/v1/projects/p/zones/z/operations/op-1`); its name is
    /// the link's last segment.
    pub fn status_style(self_link: impl Into<String>) -> Self {
        let self_link = self_link.into();
        let name = self_link.rsplit('/').next().unwrap_or_default().to_owned();
        FakeOperation {
            name,
            style: Style::Status {
                self_link,
                target_link: None,
            },
            steps: Vec::new(),
            outcome: Outcome::Response(None),
        }
    }

    /// The name polls and cancels are recognised by.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// One more poll that finds the operation running, with `metadata` (an `Any` of the message's
    /// type) as its progress.
    pub fn progress<M: Message + serde::Serialize>(self, metadata: M) -> Self {
        let metadata = any(&metadata, M::SCHEMA_ID);
        self.step(Step {
            metadata: Some(metadata),
            percent: None,
        })
    }

    /// One more poll that finds the operation running, `percent` done (a status-style operation's
    /// `progress`).
    pub fn percent_done(self, percent: i32) -> Self {
        self.step(Step {
            metadata: None,
            percent: Some(percent),
        })
    }

    /// One more poll that finds the operation running, with nothing to report.
    pub fn running(self) -> Self {
        self.step(Step::default())
    }

    /// The operation succeeds with `response` (an `Any` of the message's type). A status-style
    /// operation has no response: its result is the resource at its `targetLink`.
    pub fn succeeds<R: Message + serde::Serialize>(mut self, response: R) -> Self {
        self.outcome = Outcome::Response(Some(any(&response, R::SCHEMA_ID)));
        self
    }

    /// The operation fails with `code` and `message` (a status-style one with `code`'s HTTP status and
    /// one `errors[]` entry).
    pub fn fails(mut self, code: Code, message: impl Into<String>) -> Self {
        self.outcome = Outcome::Error {
            code,
            message: message.into(),
        };
        self
    }

    /// A status-style operation's `targetLink`, the resource it changes.
    pub fn with_target_link(mut self, link: impl Into<String>) -> Self {
        if let Style::Status { target_link, .. } = &mut self.style {
            *target_link = Some(link.into());
        }
        self
    }

    fn step(mut self, step: Step) -> Self {
        self.steps.push(step);
        self
    }

    /// What the method that starts it answers: running, nothing reported yet.
    pub(crate) fn started(&self) -> AnswerKind {
        self.running_state(&Step::default())
    }

    fn running_state(&self, step: &Step) -> AnswerKind {
        let mut state = self.base();
        match &self.style {
            Style::LongRunning => {
                state.insert("done".into(), json!(false));
                if let Some(metadata) = &step.metadata {
                    state.insert("metadata".into(), metadata.clone());
                }
            }
            Style::Status { .. } => {
                state.insert("status".into(), json!("RUNNING"));
                if let Some(percent) = step.percent {
                    state.insert("progress".into(), json!(percent));
                }
            }
        }
        Answer::<Value>::json(200, Value::Object(state)).kind
    }

    fn done_state(&self, outcome: &Outcome) -> AnswerKind {
        let mut state = self.base();
        match (&self.style, outcome) {
            (Style::LongRunning, Outcome::Response(response)) => {
                state.insert("done".into(), json!(true));
                if let Some(response) = response {
                    state.insert("response".into(), response.clone());
                }
            }
            (Style::LongRunning, Outcome::Error { code, message }) => {
                state.insert("done".into(), json!(true));
                let error = json!({"code": code.as_i32(), "message": message});
                state.insert("error".into(), error);
            }
            (Style::Status { .. }, Outcome::Response(_)) => {
                state.insert("status".into(), json!("DONE"));
                state.insert("progress".into(), json!(100));
            }
            (Style::Status { .. }, Outcome::Error { code, message }) => {
                state.insert("status".into(), json!("DONE"));
                let entry = json!({"code": code.name().unwrap_or("UNKNOWN"), "message": message});
                state.insert("error".into(), json!({ "errors": [entry] }));
                state.insert("httpErrorStatusCode".into(), json!(code.http_status()));
                state.insert("httpErrorMessage".into(), json!(message));
            }
        }
        Answer::<Value>::json(200, Value::Object(state)).kind
    }

    fn base(&self) -> Map<String, Value> {
        let mut state = Map::new();
        state.insert("name".into(), json!(self.name));
        if let Style::Status {
            self_link,
            target_link,
        } = &self.style
        {
            state.insert("selfLink".into(), json!(self_link));
            if let Some(target) = target_link {
                state.insert("targetLink".into(), json!(target));
            }
        }
        state
    }
}

/// `value` as an `Any`: its JSON object with `@type` first.
fn any<T: serde::Serialize>(value: &T, schema_id: &str) -> Value {
    let mut object = Map::new();
    object.insert(
        "@type".into(),
        json!(format!("type.googleapis.com/{schema_id}")),
    );
    if let Ok(Value::Object(fields)) = serde_json::to_value(value) {
        object.extend(fields);
    }
    Value::Object(object)
}

/// The operations a mock plays.
#[derive(Debug, Default)]
pub(crate) struct Operations {
    playing: Vec<Playing>,
}

#[derive(Debug)]
struct Playing {
    operation: FakeOperation,
    polls: usize,
    cancelled: bool,
}

impl Operations {
    pub(crate) fn add(&mut self, operation: FakeOperation) {
        self.playing.retain(|p| p.operation.name != operation.name);
        self.playing.push(Playing {
            operation,
            polls: 0,
            cancelled: false,
        });
    }

    /// The answer when `request` polls or cancels one of the operations.
    pub(crate) fn call(&mut self, request: &RecordedRequest) -> Option<AnswerKind> {
        let (target, cancel) = split_verb(&request.path);
        let polls = request.method == http::Method::GET || request.path.ends_with("/wait");
        if !cancel && !polls {
            return None;
        }
        let playing = self.playing.iter_mut().find(|p| {
            let name = &p.operation.name;
            target.len() > name.len()
                && target.ends_with(name.as_str())
                && target[..target.len() - name.len()].ends_with('/')
        })?;
        if cancel {
            playing.cancelled = true;
            return Some(Answer::<Value>::json(200, json!({})).kind);
        }
        playing.polls += 1;
        let operation = &playing.operation;
        let answer = if playing.cancelled {
            let cancelled = Outcome::Error {
                code: Code::Cancelled,
                message: "Operation was cancelled.".to_owned(),
            };
            operation.done_state(&cancelled)
        } else {
            match operation.steps.get(playing.polls - 1) {
                Some(step) => operation.running_state(step),
                None => operation.done_state(&operation.outcome),
            }
        };
        Some(answer)
    }
}

/// The path without a trailing custom verb or action (`:cancel`, `/cancel`, `:wait`, `/wait`), and
/// whether it was a cancel.
fn split_verb(path: &str) -> (&str, bool) {
    for (suffix, cancel) in [
        (":cancel", true),
        ("/cancel", true),
        (":wait", false),
        ("/wait", false),
    ] {
        if let Some(target) = path.strip_suffix(suffix) {
            return (target, cancel);
        }
    }
    (path, false)
}
