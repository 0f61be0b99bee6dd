//! One retry rule for every attempt a call makes: the JSON request, each poll of an operation,
//! each resumable-upload chunk and status query, each download range, each token fetch.
//!
//! - **Retryable** errors ([`Error::is_transient`]) are the statuses 408, 429, 500, 502, 503 and 504,
//!   a transport error other than a refused request (a failure to connect, a connection reset, a
//!   body cut off, the transport's own timeout), an attempt that exceeded its attempt timeout, and a
//!   transient credentials failure. Everything else (other statuses, a body that is not the
//!   expected JSON, a request the client or a mock refused, an encoding error) is returned at once.
//! - **Idempotent** requests are `GET`s, unless [`Request::idempotent`] says otherwise; every
//!   other method is sent once, unless marked `idempotent(true)`. A credentials failure happens
//!   before anything is sent, so it is retried whatever the method.
//! - **The budget** ([`RetryPolicy::max_attempts`]) counts the attempts at one unit of work and
//!   starts again when that unit succeeds: a call, one chunk of a resumable upload (the server
//!   committed more bytes), one range of a download (more bytes arrived). A transfer whose every
//!   chunk fails once still completes.
//! - Between attempts the client sleeps for the backoff described at [`RetryPolicy`], or for what
//!   a `Retry-After` response header asks (delay in seconds or an HTTP date). The call's policy
//!   ([`CallOptions::with_retry_policy`]), attempt timeout and deadline
//!   ([`CallOptions::with_timeout`], else [`ClientBuilder::total_timeout`]) apply to every attempt
//!   made on its behalf; the deadline is never overrun: when the next sleep would end past it, the
//!   client stops and returns the last error.
//!
//! [`Error::is_transient`]: crate::Error::is_transient
//! [`Request::idempotent`]: crate::Request::idempotent
//! [`CallOptions::with_retry_policy`]: crate::CallOptions::with_retry_policy
//! [`CallOptions::with_timeout`]: crate::CallOptions::with_timeout
//! [`ClientBuilder::total_timeout`]: crate::ClientBuilder::total_timeout

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use std::future::Future;

use chrono::{DateTime, NaiveDateTime, Utc};
use tokio::time::Instant;

use crate::{Error, Result};

/// How a [`Client`](crate::Client) retries idempotent requests; see the
/// [module documentation](self) for which requests and errors are retried.
///
/// The sleep before retry `n` (`n = 1` for the second attempt) is
/// `initial_backoff × multiplier^(n-1)`, capped at `max_backoff`. With
/// `jitter`, that value `b` is replaced by a uniformly random duration in
/// `[b/2, 3b/2]` (±50 %), again capped at `max_backoff`, so that many clients
/// failing together do not retry in lockstep. A `Retry-After` header
/// replaces the computed sleep.
///
/// ```
/// use std::time::Duration;
/// use discogen_runtime::RetryPolicy;
///
/// let policy = RetryPolicy {
///     max_attempts: 6,
///     initial_backoff: Duration::from_millis(500),
///     ..RetryPolicy::default()
/// };
/// assert_eq!(policy.multiplier, 2.0);
/// assert_eq!(RetryPolicy::none().max_attempts, 1);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Maximum number of attempts, counting the first one (default 4).
    /// `0` is treated as `1`.
    pub max_attempts: u32,
    /// Sleep before the first retry (default 200 ms).
    pub initial_backoff: Duration,
    /// Factor applied to the sleep after each retry (default 2.0). Values
    /// below 1 or not finite are treated as 1.
    pub multiplier: f64,
    /// Upper bound of a computed sleep (default 10 s).
    pub max_backoff: Duration,
    /// Randomize each sleep by ±50 % (default `true`).
    pub jitter: bool,
    /// Longest `Retry-After` the client is willing to wait (default 60 s).
    /// When the server asks for more, the client stops retrying and returns
    /// the error it got, so that the caller can decide.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(200),
            multiplier: 2.0,
            max_backoff: Duration::from_secs(10),
            jitter: true,
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries (one attempt).
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// The number of attempts allowed, at least 1.
    pub(crate) fn attempts(&self) -> u32 {
        self.max_attempts.max(1)
    }

    /// The sleep before retry number `retry` (1 for the second attempt),
    /// before jitter.
    pub fn backoff(&self, retry: u32) -> Duration {
        let multiplier = if self.multiplier.is_finite() && self.multiplier >= 1.0 {
            self.multiplier
        } else {
            1.0
        };
        let exponent = i32::try_from(retry.saturating_sub(1)).unwrap_or(i32::MAX);
        scale(
            self.initial_backoff,
            multiplier.powi(exponent),
            self.max_backoff,
        )
    }

    /// The sleep before retry number `retry`, with jitter if enabled.
    pub(crate) fn delay(&self, retry: u32) -> Duration {
        let base = self.backoff(retry);
        if !self.jitter {
            return base;
        }
        scale(base, 0.5 + random_unit(), self.max_backoff)
    }
}

/// `delay × factor` (a factor below 1 or not finite counts as 1), capped at `max`: the one growth of
/// every backoff, retries' and polls'.
pub(crate) fn grow(delay: Duration, factor: f64, max: Duration) -> Duration {
    let factor = if factor.is_finite() && factor >= 1.0 {
        factor
    } else {
        1.0
    };
    scale(delay, factor, max)
}

/// `delay × factor`, capped at `max` (and `max` when the product cannot be represented).
pub(crate) fn scale(delay: Duration, factor: f64, max: Duration) -> Duration {
    Duration::try_from_secs_f64(delay.as_secs_f64() * factor).map_or(max, |d| d.min(max))
}

/// Whether a response with this status is worth retrying.
pub(crate) fn is_retryable_status(status: u16) -> bool {
    matches!(status, 408 | 429 | 500 | 502 | 503 | 504)
}

/// What the one retry rule says of a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Another attempt may succeed.
    Retry {
        /// The wait the server asked for (`Retry-After`).
        after: Option<Duration>,
        /// Nothing was sent (a credentials failure), so even a non-idempotent call may retry.
        before_send: bool,
    },
    /// It will not.
    Final,
}

/// The one retry rule: whether `error` is worth another attempt, and after what wait.
pub(crate) fn verdict(error: &Error) -> Verdict {
    let retry = |after, before_send| Verdict::Retry { after, before_send };
    match error {
        Error::Api(api) if is_retryable_status(api.status) => retry(api.retry_after, false),
        Error::Transport(transport) if transport.is_retryable() => retry(None, false),
        Error::Timeout { .. } => retry(None, false),
        Error::Credentials(credentials) if credentials.is_transient() => retry(None, true),
        _ => Verdict::Final,
    }
}

/// What every attempt made on one call's behalf obeys, resolved once from the call's options and
/// the client's defaults.
#[derive(Debug, Clone)]
pub(crate) struct CallSettings {
    pub(crate) policy: RetryPolicy,
    /// The limit of one attempt.
    pub(crate) attempt_timeout: Option<Duration>,
    /// When the whole call must be over.
    pub(crate) deadline: Option<Instant>,
    /// Whether a request that reached the server may be sent again.
    pub(crate) idempotent: bool,
    /// When the call started.
    pub(crate) start: Instant,
}

/// One attempt: its number within the call (from 1) and when it must be over.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Attempt {
    pub(crate) number: u32,
    start: Instant,
    limit: Option<Instant>,
}

impl Attempt {
    /// Runs `attempt` within this attempt's time limit: past it, [`Error::Timeout`].
    pub(crate) async fn within<T>(self, attempt: impl Future<Output = Result<T>>) -> Result<T> {
        let Some(limit) = self.limit else {
            return attempt.await;
        };
        match tokio::time::timeout_at(limit, attempt).await {
            Ok(result) => result,
            Err(_) => Err(Error::Timeout {
                elapsed: self.start.elapsed(),
                attempts: self.number,
            }),
        }
    }
}

/// The attempts of one call: numbers them, and after a failure sleeps or gives up by the one rule,
/// counting the failures of the current unit of work.
#[derive(Debug)]
pub(crate) struct Attempts {
    settings: CallSettings,
    /// The call's span, which records how many attempts were resent.
    span: tracing::Span,
    /// Attempts made for the whole call.
    made: u32,
    /// Failed attempts at the current unit of work.
    failures: u32,
}

impl Attempts {
    pub(crate) fn new(settings: CallSettings) -> Self {
        Attempts {
            settings,
            span: tracing::Span::none(),
            made: 0,
            failures: 0,
        }
    }

    /// Records the resent attempts (`http.request.resend_count`) on the call's `span`.
    pub(crate) fn recorded_on(mut self, span: &tracing::Span) -> Self {
        self.span = span.clone();
        self
    }

    /// The next attempt, with its time limit: the attempt timeout or the deadline, whichever is first.
    pub(crate) fn next(&mut self) -> Attempt {
        self.made += 1;
        if self.made > 1 {
            self.span.record("http.request.resend_count", self.made - 1);
        }
        let own = self
            .settings
            .attempt_timeout
            .and_then(|t| Instant::now().checked_add(t));
        let limit = match (own, self.settings.deadline) {
            (Some(a), Some(d)) => Some(a.min(d)),
            (a, d) => a.or(d),
        };
        Attempt {
            number: self.made,
            start: self.settings.start,
            limit,
        }
    }

    /// The current unit of work succeeded (a chunk committed, bytes arrived): its budget starts again.
    pub(crate) fn progressed(&mut self) {
        self.failures = 0;
    }

    /// Runs attempts until one succeeds or the rule gives up. A success is not progress of the unit
    /// of work (a status query that answers does not make a chunk's retries start again): the
    /// caller says so with [`Attempts::progressed`].
    pub(crate) async fn run<T, F, Fut>(&mut self, mut attempt: F) -> Result<T>
    where
        F: FnMut(Attempt) -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        loop {
            let next = self.next();
            match attempt(next).await {
                Ok(value) => return Ok(value),
                Err(error) => self.back_off(error).await?,
            }
        }
    }

    /// After a failed attempt: sleeps before the next one, or returns `error` when the rule, the
    /// budget or the deadline says there is none.
    pub(crate) async fn back_off(&mut self, error: Error) -> Result<()> {
        let delay = self.delay_after(error)?;
        tokio::time::sleep(delay).await;
        Ok(())
    }

    /// After a failed attempt: how long to wait before the next one (without waiting: a batch waits
    /// once for all its parts), or `error` when the rule, the budget or the deadline says there is none.
    pub(crate) fn delay_after(&mut self, error: Error) -> Result<Duration> {
        let Verdict::Retry { after, before_send } = verdict(&error) else {
            return Err(error);
        };
        if !self.settings.idempotent && !before_send {
            return Err(error);
        }
        self.failures += 1;
        let policy = &self.settings.policy;
        if self.failures >= policy.attempts() {
            if policy.attempts() > 1 {
                tracing::debug!(error = %error, "giving up: no attempts left");
            }
            return Err(error);
        }
        let delay = match after {
            Some(wait) if wait > policy.max_retry_after => {
                tracing::debug!(
                    retry_after_ms = millis(wait),
                    error = %error,
                    "giving up: Retry-After longer than the policy allows"
                );
                return Err(error);
            }
            Some(wait) => wait,
            None => policy.delay(self.failures),
        };
        let wake = Instant::now().checked_add(delay);
        if let Some(deadline) = self.settings.deadline {
            if wake.is_none_or(|w| w >= deadline) {
                tracing::debug!(
                    delay_ms = millis(delay),
                    error = %error,
                    "giving up: the next attempt would start after the deadline"
                );
                return Err(error);
            }
        }
        tracing::debug!(delay_ms = millis(delay), error = %error, "retrying");
        Ok(delay)
    }
}

/// Milliseconds, saturating, for logs.
fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// A random number in `[0, 1)`, good enough for jitter (not for crypto): the one random source of
/// every backoff.
///
/// `RandomState` is seeded from the OS once per thread and perturbed for
/// each instance; SipHash over a global counter spreads the bits.
pub(crate) fn random_unit() -> f64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    // 53 random bits → an f64 in [0, 1).
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

/// Parses a `Retry-After` header: a delay in seconds or an HTTP date
/// (relative to `now`; a date in the past means no delay).
///
/// The seconds form is also accepted with a fractional part (`0.25`), a
/// lenient extension of RFC 9110 that some proxies and test servers use.
/// Anything unparsable gives `None` (the computed backoff is used).
pub(crate) fn parse_retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    if value.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        let secs: f64 = value.parse().ok()?;
        return Duration::try_from_secs_f64(secs).ok();
    }
    let date = parse_http_date(value)?;
    Some((date - now).to_std().unwrap_or(Duration::ZERO))
}

/// Parses the three date forms of RFC 9110 §5.6.7 (IMF-fixdate, RFC 850,
/// asctime), all in GMT.
fn parse_http_date(value: &str) -> Option<DateTime<Utc>> {
    if let Ok(d) = DateTime::parse_from_rfc2822(value) {
        return Some(d.with_timezone(&Utc));
    }
    for format in ["%A, %d-%b-%y %H:%M:%S GMT", "%a %b %e %H:%M:%S %Y"] {
        if let Ok(d) = NaiveDateTime::parse_from_str(value, format) {
            return Some(d.and_utc());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_backoff_doubles_and_is_capped() {
        let p = RetryPolicy::default();
        assert_eq!(p.backoff(1), Duration::from_millis(200));
        assert_eq!(p.backoff(2), Duration::from_millis(400));
        assert_eq!(p.backoff(3), Duration::from_millis(800));
        assert_eq!(p.backoff(10), Duration::from_secs(10));
        assert_eq!(p.backoff(u32::MAX), Duration::from_secs(10));
        assert_eq!(p.attempts(), 4);
        assert_eq!(RetryPolicy::none().attempts(), 1);
        let zero = RetryPolicy {
            max_attempts: 0,
            ..RetryPolicy::default()
        };
        assert_eq!(zero.attempts(), 1);
    }

    #[test]
    fn odd_multipliers_do_not_panic() {
        for m in [f64::NAN, f64::INFINITY, -3.0, 0.0, 0.5, 1e300] {
            let p = RetryPolicy {
                multiplier: m,
                ..RetryPolicy::default()
            };
            for retry in [0, 1, 2, 50, u32::MAX] {
                let d = p.delay(retry);
                assert!(d <= p.max_backoff, "{m} {retry}: {d:?}");
            }
        }
    }

    #[test]
    fn jitter_stays_within_half_to_one_and_a_half() {
        let p = RetryPolicy::default();
        let mut seen = std::collections::BTreeSet::new();
        for _ in 0..200 {
            let d = p.delay(2);
            assert!(d >= Duration::from_millis(200) && d <= Duration::from_millis(600));
            seen.insert(d);
        }
        assert!(seen.len() > 100, "jitter looks constant: {}", seen.len());
        let no_jitter = RetryPolicy {
            jitter: false,
            ..RetryPolicy::default()
        };
        assert_eq!(no_jitter.delay(2), Duration::from_millis(400));
    }

    #[test]
    fn retry_after_forms() {
        let now = DateTime::parse_from_rfc3339("1994-11-06T08:49:30Z")
            .unwrap()
            .with_timezone(&Utc);
        let p = |v| parse_retry_after(v, now);
        assert_eq!(p("1"), Some(Duration::from_secs(1)));
        assert_eq!(p(" 120 "), Some(Duration::from_secs(120)));
        assert_eq!(p("0.25"), Some(Duration::from_millis(250)));
        assert_eq!(p("0"), Some(Duration::ZERO));
        assert_eq!(
            p("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            p("Sunday, 06-Nov-94 08:49:37 GMT"),
            Some(Duration::from_secs(7))
        );
        assert_eq!(p("Sun Nov  6 08:49:37 1994"), Some(Duration::from_secs(7)));
        assert_eq!(p("Sun, 06 Nov 1994 08:00:00 GMT"), Some(Duration::ZERO));
        for bad in [
            "",
            "-1",
            "soon",
            "1.2.3",
            "99999999999999999999999999999",
            "1e400",
            ".",
        ] {
            assert_eq!(p(bad), None, "{bad}");
        }
    }

    #[test]
    fn one_verdict_for_every_kind_of_error() {
        use crate::error::{ConfigErrorKind, CredentialsErrorKind, MediaErrorKind};
        use crate::transport::{TransportError, TransportErrorKind};
        let api = |status, retry_after| {
            let mut api = crate::ApiError::from_response(status, b"");
            api.retry_after = retry_after;
            Error::Api(Box::new(api))
        };
        let retry = |after, before_send| Verdict::Retry { after, before_send };
        let transport = |kind| Error::Transport(TransportError::new(kind, "x"));
        let wait = Some(Duration::from_secs(3));
        let cases = [
            (api(503, wait), retry(wait, false)),
            (api(408, None), retry(None, false)),
            (api(429, None), retry(None, false)),
            (api(404, wait), Verdict::Final),
            (api(501, None), Verdict::Final),
            (transport(TransportErrorKind::Connect), retry(None, false)),
            (transport(TransportErrorKind::Body), retry(None, false)),
            (transport(TransportErrorKind::Timeout), retry(None, false)),
            (transport(TransportErrorKind::Other), retry(None, false)),
            (transport(TransportErrorKind::Request), Verdict::Final),
            (
                Error::Timeout {
                    elapsed: Duration::ZERO,
                    attempts: 1,
                },
                retry(None, false),
            ),
            (
                Error::credentials(CredentialsErrorKind::TransientFetch, "x"),
                retry(None, true),
            ),
            (
                Error::credentials(CredentialsErrorKind::Fetch, "x"),
                Verdict::Final,
            ),
            (
                Error::credentials(CredentialsErrorKind::Invalid, "x"),
                Verdict::Final,
            ),
            (Error::config(ConfigErrorKind::Header, "x"), Verdict::Final),
            (
                Error::media(MediaErrorKind::SourceRead, "x"),
                Verdict::Final,
            ),
            (Error::InvalidResponse("x".into()), Verdict::Final),
        ];
        for (error, expected) in cases {
            assert_eq!(verdict(&error), expected, "{error:?}");
            assert_eq!(
                error.is_transient(),
                expected != Verdict::Final,
                "{error:?}"
            );
        }
    }

    #[test]
    fn retryable_statuses() {
        for s in [408, 429, 500, 502, 503, 504] {
            assert!(is_retryable_status(s));
        }
        for s in [200, 400, 401, 403, 404, 409, 412, 501, 505] {
            assert!(!is_retryable_status(s));
        }
    }
}
