//! The mock: expectations, the transport that answers by them, and the check that they were met.

use std::collections::VecDeque;
use std::fmt;
use std::marker::PhantomData;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use http::Method;

use super::answer::{Answer, AnswerKind};
use super::operation::{FakeOperation, Operations};
use super::recorded::{path_matches, RecordedRequest};
use super::MethodId;
use crate::batch::wire as batch_wire;
use crate::lro::LongRunningOperation;
use crate::transport::{
    BatchParts, HttpRequest, HttpResponse, Transport, TransportError, TransportErrorKind,
    TransportFuture,
};
use crate::Code;

type Predicate = Arc<dyn Fn(&RecordedRequest) -> bool + Send + Sync>;
type Responder = Arc<dyn Fn(&RecordedRequest) -> AnswerKind + Send + Sync>;

/// An in-process stand-in for Google's servers: install its [`Mock::transport`] in a client
/// (`Client::builder().transport(mock.transport())`), say what each call answers, and check what was
/// sent. The client's credentials, retries, timeouts, paging, pollers and decoding run as in
/// production; nothing leaves the process.
///
/// - Expectations are matched in the order they were made; the first one that matches a call and
///   still has an answer for it answers.
/// - A call no expectation matches fails at once with an error naming its method id and path (never
///   retried); one that matches only used-up expectations fails the same way, saying so.
/// - Every attempt is recorded ([`Mock::requests`]).
/// - [`Mock::verify`] fails the test listing every expectation not met and every unexpected call; it
///   also runs when the mock is dropped, unless the thread is already panicking.
pub struct Mock {
    state: Arc<State>,
}

/// The mock as a [`Transport`]: what [`Mock::transport`] returns for a client builder.
#[derive(Clone)]
pub struct MockTransport {
    state: Arc<State>,
}

#[derive(Default)]
struct State {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    expectations: Vec<Expectation>,
    operations: Operations,
    requests: Vec<RecordedRequest>,
    unexpected: Vec<String>,
}

struct Expectation {
    /// `dialogflow.projects.getAgent`, or `GET /v2/projects/*/agent`.
    description: String,
    matcher: Matcher,
    predicate: Option<Predicate>,
    answers: Answers,
    /// Exactly this many calls, when set; else at least one.
    times: Option<usize>,
    calls: usize,
}

enum Matcher {
    Method(&'static str),
    Http(Method, String),
}

enum Answers {
    /// The same answer to every call.
    Always(AnswerKind),
    /// One answer per call, in order; `total` of them at first.
    InOrder {
        left: VecDeque<AnswerKind>,
        total: usize,
    },
    /// An answer made from the call.
    With(Responder),
}

impl Expectation {
    fn matches(&self, request: &RecordedRequest) -> bool {
        let matched = match &self.matcher {
            Matcher::Method(id) => request.method_id == Some(*id),
            Matcher::Http(method, pattern) => {
                request.method == *method && path_matches(pattern, &request.path)
            }
        };
        matched && self.predicate.as_ref().is_none_or(|p| p(request))
    }

    fn used_up(&self) -> bool {
        match &self.answers {
            Answers::InOrder { left, .. } => left.is_empty(),
            _ => self.times.is_some_and(|times| self.calls >= times),
        }
    }

    /// Why it is not met, if it is not.
    fn unmet(&self) -> Option<String> {
        let (wanted, met) = match (&self.answers, self.times) {
            (Answers::InOrder { total, .. }, _) => {
                (format!("{total} call(s)"), self.calls == *total)
            }
            (_, Some(times)) => (format!("{times} call(s)"), self.calls == times),
            (_, None) => ("at least one call".to_owned(), self.calls > 0),
        };
        (!met).then(|| {
            format!(
                "{}: expected {wanted}, got {}",
                self.description, self.calls
            )
        })
    }
}

impl Mock {
    /// A mock with no expectations.
    pub fn new() -> Mock {
        Mock {
            state: Arc::default(),
        }
    }

    /// The transport to give a client builder.
    pub fn transport(&self) -> MockTransport {
        MockTransport {
            state: self.state.clone(),
        }
    }

    /// Expects calls of `method` (a constant of a generated crate's `methods` module); say what they
    /// answer with [`When::returns`] and its siblings.
    pub fn on<R>(&self, method: MethodId<R>) -> When<'_, R> {
        When::new(self, Matcher::Method(method.id()), method.id().to_owned())
    }

    /// Expects calls with this HTTP method whose URL path matches `pattern`, whatever the method id:
    /// `*` stands for any text within one segment, `**` for any text across segments
    /// (`/v2/projects/*/agent`, `/upload/**`). Answers are untyped JSON.
    pub fn on_http(&self, method: Method, pattern: &str) -> When<'_, serde_json::Value> {
        let description = format!("{method} {pattern}");
        When::new(self, Matcher::Http(method, pattern.to_owned()), description)
    }

    /// Plays `operation` for the calls that poll or cancel it (requests whose path ends with its name,
    /// then nothing, `/wait`, `:cancel` or `/cancel`), e.g. for an app that resumes it by name. To
    /// have a method start it, use [`When::starts`].
    pub fn operation(&self, operation: FakeOperation) {
        self.lock().operations.add(operation);
    }

    /// Every attempt so far, in the order they came.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.lock().requests.clone()
    }

    /// Fails (panics, failing the test) listing every expectation not met (too few or too many calls,
    /// answers left unused) and every call no expectation matched.
    pub fn verify(&self) {
        let problems = self.problems();
        if !problems.is_empty() {
            panic!(
                "the mock's expectations were not met:\n- {}",
                problems.join("\n- ")
            );
        }
    }

    fn problems(&self) -> Vec<String> {
        let inner = self.lock();
        let unmet = inner.expectations.iter().filter_map(Expectation::unmet);
        unmet.chain(inner.unexpected.iter().cloned()).collect()
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.state.lock()
    }

    fn expect(&self, expectation: Expectation) {
        self.lock().expectations.push(expectation);
    }
}

impl Default for Mock {
    fn default() -> Self {
        Mock::new()
    }
}

impl Drop for Mock {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            self.verify();
        }
    }
}

impl fmt::Debug for Mock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = self.lock();
        f.debug_struct("Mock")
            .field("expectations", &inner.expectations.len())
            .field("requests", &inner.requests.len())
            .field("unexpected", &inner.unexpected)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for MockTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MockTransport")
    }
}

impl State {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A test that panicked while holding the lock left consistent data: every update is one push
        // or one counter.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The answer to `request`, recording it.
    fn answer(&self, request: RecordedRequest) -> Result<HttpResponse, TransportError> {
        let mut inner = self.lock();
        inner.requests.push(request.clone());
        if let Some(answer) = inner.operations.call(&request) {
            drop(inner);
            return answer.respond();
        }
        let answer = match inner.next_answer(&request) {
            Ok(answer) => answer,
            Err(refusal) => {
                inner.unexpected.push(refusal.clone());
                let error =
                    TransportError::new(TransportErrorKind::Request, format!("mock: {refusal}"));
                return Err(error);
            }
        };
        drop(inner);
        let answer = match answer {
            Chosen::Ready(kind) => kind,
            Chosen::Make(responder) => responder(&request),
        };
        answer.respond()
    }
}

impl State {
    /// Answers a batch request: each of its calls as a single call would be answered (and recorded),
    /// by the method id of its part; the answers in one `multipart/mixed` response.
    async fn answer_batch(
        &self,
        batch: &RecordedRequest,
        methods: &[Option<&'static str>],
    ) -> Result<HttpResponse, TransportError> {
        let boundary = batch
            .header("content-type")
            .and_then(batch_wire::boundary_of)
            .unwrap_or_default()
            .to_owned();
        let mut body = Vec::new();
        let answer_boundary = format!("{boundary}_answer");
        for part in batch_wire::request_parts(&batch.body_bytes, &boundary) {
            let content_id = part.content_id.clone();
            let number = content_id
                .trim_end_matches('>')
                .rsplit_once('+')
                .and_then(|(_, n)| n.parse::<usize>().ok());
            let method_id = number
                .and_then(|n| n.checked_sub(1))
                .and_then(|i| methods.get(i).copied())
                .flatten();
            let Some(call) = RecordedRequest::from_part(method_id, batch.attempt, part) else {
                continue;
            };
            let (status, headers, bytes) = match self.answer(call) {
                Ok(response) => {
                    let (parts, body) = response.into_parts();
                    (parts.status.as_u16(), parts.headers, body.bytes().await?)
                }
                Err(error) => {
                    let status = if error.is_retryable() { 503 } else { 400 };
                    let message = serde_json::json!({"error": {
                        "code": status,
                        "message": error.to_string(),
                    }});
                    let mut headers = http::HeaderMap::new();
                    headers.insert(
                        http::header::CONTENT_TYPE,
                        http::HeaderValue::from_static("application/json; charset=UTF-8"),
                    );
                    (status, headers, bytes::Bytes::from(message.to_string()))
                }
            };
            batch_wire::write_response_part(
                &mut body,
                &answer_boundary,
                &content_id,
                status,
                &headers,
                &bytes,
            );
        }
        batch_wire::write_end(&mut body, &answer_boundary);
        let mut response = http::Response::new(crate::transport::Body::from(body));
        let content_type = format!("multipart/mixed; boundary={answer_boundary}");
        if let Ok(value) = http::HeaderValue::from_str(&content_type) {
            response
                .headers_mut()
                .insert(http::header::CONTENT_TYPE, value);
        }
        Ok(response)
    }
}

/// An answer chosen under the lock; a responder runs after it is released.
enum Chosen {
    Ready(AnswerKind),
    Make(Responder),
}

impl Inner {
    fn next_answer(&mut self, request: &RecordedRequest) -> Result<Chosen, String> {
        let mut matching = self
            .expectations
            .iter_mut()
            .filter(|e| e.matches(request))
            .peekable();
        let Some(first) = matching.peek() else {
            return Err(format!(
                "unexpected call {}: no expectation matches it",
                request.describe()
            ));
        };
        let first = first.description.clone();
        let Some(expectation) = matching.find(|e| !e.used_up()) else {
            return Err(format!(
                "call {} is one more than the expectation {first} answers",
                request.describe()
            ));
        };
        expectation.calls += 1;
        Ok(match &mut expectation.answers {
            Answers::Always(kind) => Chosen::Ready(kind.clone()),
            Answers::InOrder { left, .. } => match left.pop_front() {
                Some(kind) => Chosen::Ready(kind),
                None => return Err(format!("{first} has no answer left")),
            },
            Answers::With(responder) => Chosen::Make(responder.clone()),
        })
    }
}

impl Transport for MockTransport {
    fn send(&self, request: HttpRequest) -> TransportFuture {
        let state = self.state.clone();
        Box::pin(async move {
            let batch = request.extensions().get::<BatchParts>().cloned();
            let request = RecordedRequest::read(request).await?;
            match batch {
                Some(BatchParts(methods)) => state.answer_batch(&request, &methods).await,
                None => state.answer(request),
            }
        })
    }
}

/// An expectation being made: [`Mock::on`] or [`Mock::on_http`], then optionally
/// [`When::matching`] and [`When::times`], then what it answers.
#[must_use = "an expectation is made by saying what it answers"]
pub struct When<'m, R> {
    mock: &'m Mock,
    description: String,
    matcher: Matcher,
    predicate: Option<Predicate>,
    times: Option<usize>,
    response: PhantomData<fn() -> R>,
}

impl<R> fmt::Debug for When<'_, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("When")
            .field("description", &self.description)
            .field("times", &self.times)
            .finish_non_exhaustive()
    }
}

impl<'m, R> When<'m, R> {
    fn new(mock: &'m Mock, matcher: Matcher, description: String) -> Self {
        When {
            mock,
            description,
            matcher,
            predicate: None,
            times: None,
            response: PhantomData,
        }
    }

    /// Only calls for which `predicate` holds (a page token, a body field, ...).
    pub fn matching(
        mut self,
        predicate: impl Fn(&RecordedRequest) -> bool + Send + Sync + 'static,
    ) -> Self {
        self.predicate = Some(Arc::new(predicate));
        self
    }

    /// Exactly `times` calls (default: at least one, any number).
    pub fn times(mut self, times: usize) -> Self {
        self.times = Some(times);
        self
    }

    /// Answers every call with `answer`.
    pub fn answers(self, answer: Answer<R>) {
        self.finish(Answers::Always(answer.kind));
    }

    /// Answers the calls one by one with `answers` (a 503 and then a value, to test a retry); a call
    /// after the last is refused, and every answer must be used.
    pub fn answers_in_order(self, answers: impl IntoIterator<Item = Answer<R>>) {
        let left: VecDeque<AnswerKind> = answers.into_iter().map(|a| a.kind).collect();
        let total = left.len();
        self.finish(Answers::InOrder { left, total });
    }

    /// Answers each call with what `respond` makes of it.
    pub fn answers_with(
        self,
        respond: impl Fn(&RecordedRequest) -> Answer<R> + Send + Sync + 'static,
    ) {
        self.finish(Answers::With(Arc::new(move |request| {
            respond(request).kind
        })));
    }

    /// Answers every call with a Google error (see [`Answer::error`]).
    pub fn fails(self, code: Code, message: impl Into<String>) {
        self.answers(Answer::error(code, message));
    }

    fn finish(self, answers: Answers) {
        self.mock.expect(Expectation {
            description: self.description,
            matcher: self.matcher,
            predicate: self.predicate,
            answers,
            times: self.times,
            calls: 0,
        });
    }
}

impl<R: serde::Serialize> When<'_, R> {
    /// Answers every call with `value` (`200 OK`, `value` as JSON).
    pub fn returns(self, value: R) {
        self.answers(Answer::value(value));
    }
}

impl<R: LongRunningOperation> When<'_, R> {
    /// The method starts `operation`: each call answers its first state (not done), and the mock
    /// plays it from there for the calls that poll or cancel it (see [`Mock::operation`]).
    pub fn starts(self, operation: FakeOperation) {
        let started = operation.started();
        self.mock.operation(operation);
        self.finish(Answers::Always(started));
    }
}
