//! One attempt as the media protocols need it: the client's headers and credentials, no judgement
//! of the status (a `308` is an answer, not an error), and the body left streaming. The retries
//! around it are the caller's, by the one rule (`crate::retry::Attempts`).

use http::HeaderMap;
use tracing::Instrument as _;

use crate::client::http_request;
use crate::retry::Attempt;
use crate::telemetry::{self, Target};
use crate::transport::Body;
use crate::{response, Client, Error, Request, Result};

/// A response whose body has not been read.
pub(crate) struct Opened {
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Body,
}

impl Client {
    /// Sends `attempt` of `request` in its `http_request` span, with `streamed` as the body instead
    /// of the request's own when given (the request's headers then say its type and length), within
    /// the attempt's time limit; returns the response with its body unread, whatever its status.
    pub(crate) async fn open_with(
        &self,
        request: Request,
        streamed: Option<Body>,
        attempt: Attempt,
    ) -> Result<Opened> {
        let url = self.send_url(&request)?;
        let target = Target::of(&url);
        let span =
            telemetry::attempt_span(request.method().as_str(), Some(&target), attempt.number);
        let opened = attempt
            .within(self.open_in_span(request, streamed, url, attempt.number, &span))
            .instrument(span.clone())
            .await;
        match &opened {
            Ok(opened) => {
                span.record("http.response.status_code", opened.status);
            }
            Err(error) => telemetry::record_error(&span, error),
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
    ) -> Result<Opened> {
        let body = match streamed {
            Some(body) => Some(body),
            None => request.take_body()?.map(Body::from),
        };
        let mut headers = self.headers(&request, body.is_some()).await?;
        self.inject_trace_context(span, &mut headers);
        let body = body.unwrap_or_default();
        let http =
            http_request(&request, &url, headers, body, attempt).map_err(Error::Transport)?;
        let response = self
            .transport()
            .send(http)
            .await
            .map_err(Error::Transport)?;
        let (parts, body) = response.into_parts();
        Ok(Opened {
            status: parts.status.as_u16(),
            headers: parts.headers,
            body,
        })
    }
}

/// The error of a response with an error status, its body read (for Google's error message).
pub(crate) async fn status_error(opened: Opened, attempt: u32) -> Error {
    let body = opened.body.bytes().await.unwrap_or_default();
    response::api_error(
        opened.status,
        &opened.headers,
        &body,
        attempt,
        chrono::Utc::now(),
    )
}
