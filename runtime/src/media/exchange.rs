//! One attempt as the media protocols need it: the client's headers and credentials, no retry, no
//! judgement of the status (a `308` is an answer, not an error), and the body left streaming.

use http::HeaderMap;
use tokio::time::Instant;
use tracing::Instrument as _;

use crate::client::http_request;
use crate::error::ApiError;
use crate::retry::is_retryable_status;
use crate::telemetry::{self, Target};
use crate::transport::{Body, TransportError};
use crate::{Client, Error, Request};

/// A response whose body has not been read.
pub(crate) struct Opened {
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Body,
}

/// How one attempt of a media call failed.
pub(crate) enum Failed {
    /// Another attempt may succeed (a broken connection, a timeout, a 5xx or 429).
    Retryable(Error),
    /// It will not.
    Fatal(Error),
}

impl Failed {
    pub(crate) fn into_error(self) -> Error {
        match self {
            Failed::Retryable(e) | Failed::Fatal(e) => e,
        }
    }
}

/// Counts a failed media exchange in `failures`: sleeps as the client's retry policy says before the
/// next one, or returns the error when the policy allows no more (or it is not worth another).
pub(crate) async fn back_off(
    client: &Client,
    failures: &mut u32,
    failed: Failed,
) -> Result<(), Error> {
    let error = match failed {
        Failed::Fatal(error) => return Err(error),
        Failed::Retryable(error) => error,
    };
    *failures += 1;
    let policy = client.retry_policy();
    if *failures >= policy.attempts() {
        return Err(error);
    }
    tokio::time::sleep(policy.delay(*failures)).await;
    Ok(())
}

impl Client {
    /// Sends one attempt of `request` in its `http_request` span and returns the response with its
    /// body unread, whatever its status.
    pub(crate) async fn open(
        &self,
        request: Request,
        attempt: u32,
    ) -> std::result::Result<Opened, Failed> {
        self.open_with(request, None, attempt).await
    }

    /// [`open`](Client::open) with `streamed` as the body instead of the request's own, when given
    /// (the request's headers then say its type and length).
    pub(crate) async fn open_with(
        &self,
        request: Request,
        streamed: Option<Body>,
        attempt: u32,
    ) -> std::result::Result<Opened, Failed> {
        let url = self.send_url(&request).map_err(Failed::Fatal)?;
        let target = Target::of(&url);
        let span = telemetry::attempt_span(request.method().as_str(), Some(&target), attempt);
        let opened = self
            .open_in_span(request, streamed, url, attempt, &span)
            .instrument(span.clone())
            .await;
        match &opened {
            Ok(opened) => {
                span.record("http.response.status_code", opened.status);
            }
            Err(Failed::Retryable(error) | Failed::Fatal(error)) => {
                telemetry::record_error(&span, error);
            }
        }
        opened
    }

    async fn open_in_span(
        &self,
        mut request: Request,
        streamed: Option<Body>,
        url: reqwest::Url,
        attempt: u32,
        span: &tracing::Span,
    ) -> std::result::Result<Opened, Failed> {
        let body = match streamed {
            Some(body) => Some(body),
            None => request.take_body().map_err(Failed::Fatal)?.map(Body::from),
        };
        let mut headers = self
            .headers(&request, body.is_some())
            .await
            .map_err(Failed::Fatal)?;
        self.inject_trace_context(span, &mut headers);
        let body = body.unwrap_or_default();
        let http =
            http_request(&request, &url, headers, body, attempt).map_err(transport_failure)?;
        let start = Instant::now();
        let sent = self.transport().send(http);
        let response = match self.attempt_timeout() {
            Some(limit) => match tokio::time::timeout(limit, sent).await {
                Ok(response) => response,
                Err(_) => {
                    return Err(Failed::Retryable(Error::Timeout {
                        elapsed: start.elapsed(),
                        attempts: attempt,
                    }))
                }
            },
            None => sent.await,
        };
        let (parts, body) = response.map_err(transport_failure)?.into_parts();
        Ok(Opened {
            status: parts.status.as_u16(),
            headers: parts.headers,
            body,
        })
    }
}

/// A transport error as a media attempt's failure.
pub(crate) fn transport_failure(error: TransportError) -> Failed {
    match error.is_retryable() {
        true => Failed::Retryable(Error::Transport(error)),
        false => Failed::Fatal(Error::Transport(error)),
    }
}

/// The error of a response with an error status, its body read (for Google's error message).
pub(crate) async fn status_failure(opened: Opened, attempt: u32) -> Failed {
    let body = opened.body.bytes().await.unwrap_or_default();
    let mut api = ApiError::from_response(opened.status, &body);
    api.attempts = attempt;
    let error = Error::Api(Box::new(api));
    match is_retryable_status(opened.status) || opened.status == 408 {
        true => Failed::Retryable(error),
        false => Failed::Fatal(error),
    }
}
