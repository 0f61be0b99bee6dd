//! Retry policy, backoff and `Retry-After` handling.
//!
//! [`Client`](crate::Client) sends each request up to
//! [`RetryPolicy::max_attempts`] times when it is *idempotent* and fails
//! with a *retryable* error:
//!
//! - **Idempotent** requests are `GET`s, unless [`Request::idempotent`]
//!   says otherwise. Every other method (`POST`, `PUT`, `PATCH`, `DELETE`...)
//!   is sent exactly once unless marked `idempotent(true)`: a Discovery
//!   `PUT` or `DELETE` may still have side effects that must not be doubled
//!   (e.g. a server-generated id or an etag check).
//! - **Retryable** errors are the statuses 429, 500, 502, 503 and 504, a
//!   failure to connect, a connection reset or closed before the whole
//!   response was read, and an attempt that exceeded
//!   [`ClientBuilder::timeout`]. Everything else (other statuses, a body
//!   that is not the expected JSON, an auth or encoding error) is returned
//!   at once.
//!
//! Between attempts the client sleeps for the backoff described at
//! [`RetryPolicy`], or for what a `Retry-After` response header asks (delay
//! in seconds or an HTTP date), whichever the server sent. The overall
//! deadline of [`ClientBuilder::total_timeout`] is never overrun: when the
//! next sleep would end past it, the client stops and returns the last
//! error instead of sleeping.
//!
//! [`Request::idempotent`]: crate::Request::idempotent
//! [`ClientBuilder::timeout`]: crate::ClientBuilder::timeout
//! [`ClientBuilder::total_timeout`]: crate::ClientBuilder::total_timeout

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use chrono::{DateTime, NaiveDateTime, Utc};

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
        let secs = self.initial_backoff.as_secs_f64() * multiplier.powi(exponent);
        Duration::try_from_secs_f64(secs).map_or(self.max_backoff, |d| d.min(self.max_backoff))
    }

    /// The sleep before retry number `retry`, with jitter if enabled.
    pub(crate) fn delay(&self, retry: u32) -> Duration {
        let base = self.backoff(retry);
        if !self.jitter {
            return base;
        }
        let factor = 0.5 + random_unit();
        Duration::try_from_secs_f64(base.as_secs_f64() * factor)
            .map_or(self.max_backoff, |d| d.min(self.max_backoff))
    }
}

/// Whether a response with this status is worth retrying.
pub(crate) fn is_retryable_status(status: u16) -> bool {
    matches!(status, 429 | 500 | 502 | 503 | 504)
}

/// A random number in `[0, 1)`, good enough for jitter (not for crypto).
///
/// `RandomState` is seeded from the OS once per thread and perturbed for
/// each instance; SipHash over a global counter spreads the bits.
fn random_unit() -> f64 {
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
    fn retryable_statuses() {
        for s in [429, 500, 502, 503, 504] {
            assert!(is_retryable_status(s));
        }
        for s in [200, 400, 401, 403, 404, 409, 412, 501, 505] {
            assert!(!is_retryable_status(s));
        }
    }
}
