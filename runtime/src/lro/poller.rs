//! The poller.

use std::fmt;
use std::marker::PhantomData;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::time::Instant;
use tracing::Instrument as _;

use super::policy::jittered;
use super::{
    CancelOperations, LongRunningOperation, LroError, OperationsApi, Payload, Payloads, PollPolicy,
    Typed, Untyped,
};

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
    /// as `T` (see [`decode_any`](super::decode_any)), or [`LroError::Failed`] with its error,
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
    /// included; for a [`Typed`] one a [`Progress`](super::Progress)). An error (see
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
    /// [`Code::Cancelled`](crate::Code::Cancelled) at the next poll. Only APIs with
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
                    if error.is_transient() && self.failures < self.policy.max_poll_errors =>
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
