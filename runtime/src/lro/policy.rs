//! How a poller paces its polls.

use std::time::Duration;

/// How a [`Poller`](super::Poller) paces its polls.
///
/// The sleep before poll `n + 1` is `initial_delay × multiplier^(n-1)`,
/// capped at `max_delay`; with `jitter`, a uniformly random duration between
/// zero and that value ("full jitter"). A [`Poller::new`](super::Poller::new) sends its first poll
/// at once (nothing is known about the operation); a
/// [`Poller::from_operation`](super::Poller::from_operation) sleeps `initial_delay` first (the method just
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
    /// Give up with [`LroError::DeadlineExceeded`](super::LroError::DeadlineExceeded) this long after waiting
    /// started (the first poll of [`Poller::wait`](super::Poller::wait) or [`Poller::progress`](super::Poller::progress))
    /// (default none).
    pub deadline: Option<Duration>,
    /// Give up with [`LroError::AttemptsExhausted`](super::LroError::AttemptsExhausted) after this many polls
    /// (failed ones included) without a done operation (default none).
    pub max_attempts: Option<u32>,
    /// Consecutive failed polls tolerated when the error is transient
    /// ([`Error::is_transient`](crate::Error::is_transient), the rule every retry follows; each poll
    /// has already been retried by the call's [`RetryPolicy`](crate::RetryPolicy)) (default 3): the next
    /// one ends polling with [`LroError::Poll`](super::LroError::Poll). Any other poll error ends
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
    pub(super) fn grow(&self, delay: Duration) -> Duration {
        crate::retry::grow(delay, self.multiplier, self.max_delay)
    }
}

/// `delay`, or with `jitter` a uniformly random duration in `[0, delay]`.
pub(super) fn jittered(delay: Duration, jitter: bool) -> Duration {
    match jitter {
        true => crate::retry::scale(delay, crate::retry::random_unit(), delay),
        false => delay,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
