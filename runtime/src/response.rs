//! What a response means: the pure step between the bytes a server sent and a call's result.
//!
//! [`Client`](crate::Client) sends a request and hands the response's status, headers and body to
//! [`verdict`] (success, an error worth retrying, or a final error) and, for a success, to
//! [`decode_body`]. Neither does I/O, so they can be tested and fuzzed on any bytes; neither panics.

use std::time::Duration;

use chrono::{DateTime, Utc};
use http::header::{HeaderMap, RETRY_AFTER};
use serde::de::DeserializeOwned;

use crate::error::{excerpt, ApiError};
use crate::retry::{self, parse_retry_after};
use crate::{Error, Result};

/// What the client does with one response.
#[derive(Debug)]
pub enum Verdict {
    /// A 2xx status: the body is the result.
    Success,
    /// An error worth another attempt (408, 429, 500, 502, 503, 504), after the wait the server asked for
    /// in `Retry-After`, if it did.
    Retry {
        /// The error returned if no attempt is left.
        error: Error,
        /// The parsed `Retry-After` header.
        retry_after: Option<Duration>,
    },
    /// An error returned as is.
    Fail(Error),
}

/// Classifies the response to attempt number `attempt` (from 1); `now` dates a `Retry-After` given as
/// an HTTP date. A non-2xx status gives [`Error::Api`] with Google's error body decoded when it has
/// that shape.
pub fn verdict(
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
    attempt: u32,
    now: DateTime<Utc>,
) -> Verdict {
    if (200..300).contains(&status) {
        return Verdict::Success;
    }
    let error = api_error(status, headers, body, attempt, now);
    match retry::verdict(&error) {
        retry::Verdict::Retry { after, .. } => Verdict::Retry {
            error,
            retry_after: after,
        },
        retry::Verdict::Final => Verdict::Fail(error),
    }
}

/// The [`Error::Api`] of a response with a non-2xx `status` to attempt number `attempt`: Google's
/// error body decoded when it has that shape, and the wait its `Retry-After` asks for.
pub(crate) fn api_error(
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
    attempt: u32,
    now: DateTime<Utc>,
) -> Error {
    let mut api = ApiError::from_response(status, body);
    api.attempts = attempt;
    api.retry_after = headers
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| parse_retry_after(v, now));
    Error::Api(Box::new(api))
}

/// Decodes the JSON body of a successful response with `status` into `T`; a body of only whitespace
/// decodes as if it were `{}`. Anything else that is not a `T` is [`Error::Decode`].
pub fn decode_body<T: DeserializeOwned>(status: u16, body: &[u8]) -> Result<T> {
    let slice: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        body
    };
    serde_json::from_slice(slice).map_err(|source| Error::Decode {
        source,
        status,
        body_excerpt: excerpt(body),
    })
}

/// The result of a successful response to a method with no response: the body is ignored, as
/// [`Client::execute_unit`](crate::Client::execute_unit) ignores it.
pub fn decode_unit(_status: u16, _body: &[u8]) -> Result<()> {
    Ok(())
}

/// [`decode_body`] of a body wrapped as `{"data": ...}` (an API with the Discovery feature `dataWrapper`).
pub fn decode_wrapped<T: DeserializeOwned>(status: u16, body: &[u8]) -> Result<T> {
    decode_body::<DataWrapper<T>>(status, body).map(|wrapper| wrapper.data)
}

/// A JSON body wrapped as `{"data": ...}`, for APIs with the Discovery feature `dataWrapper`. Reading
/// accepts an unwrapped body too, as Google's Python client does.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DataWrapper<T> {
    /// The wrapped value.
    pub data: T,
}

impl<'de, T: serde::de::DeserializeOwned> serde::Deserialize<'de> for DataWrapper<T> {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> std::result::Result<Self, D::Error> {
        use serde::de::Error as _;
        let value = serde_json::Value::deserialize(deserializer)?;
        let inner = match value {
            serde_json::Value::Object(mut object) if object.contains_key("data") => {
                object.remove("data").unwrap_or_default()
            }
            other => other,
        };
        T::deserialize(inner)
            .map(|data| DataWrapper { data })
            .map_err(D::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_wrapped_body_decodes_as_its_data_and_an_unwrapped_one_as_itself() {
        let wrapped: Vec<u32> = decode_wrapped(200, br#"{"data": [1, 2]}"#).unwrap();
        assert_eq!(wrapped, [1, 2]);
        let bare: std::collections::BTreeMap<String, u32> =
            decode_wrapped(200, br#"{"a": 1}"#).unwrap();
        assert_eq!(bare["a"], 1);
    }

    use http::HeaderValue;

    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("1994-11-06T08:49:30Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn statuses_are_classified() {
        let headers = HeaderMap::new();
        assert!(matches!(
            verdict(204, &headers, b"", 1, now()),
            Verdict::Success
        ));
        let Verdict::Fail(Error::Api(e)) = verdict(404, &headers, b"{}", 2, now()) else {
            panic!("404 is final")
        };
        assert_eq!((e.status, e.attempts), (404, 2));
        let Verdict::Retry { error, retry_after } = verdict(503, &headers, b"", 1, now()) else {
            panic!("503 is retried")
        };
        assert_eq!((error.status(), retry_after), (Some(503), None));
    }

    #[test]
    fn retry_after_is_read_from_the_headers() {
        let mut headers = HeaderMap::new();
        headers.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Sun, 06 Nov 1994 08:49:37 GMT"),
        );
        let Verdict::Retry { retry_after, .. } = verdict(429, &headers, b"", 1, now()) else {
            panic!("429 is retried")
        };
        assert_eq!(retry_after, Some(Duration::from_secs(7)));
        headers.insert(RETRY_AFTER, HeaderValue::from_bytes(b"\xff").unwrap());
        let Verdict::Retry { retry_after, .. } = verdict(429, &headers, b"", 1, now()) else {
            panic!("429 is retried")
        };
        assert_eq!(retry_after, None, "a value that is not text is ignored");
    }

    #[test]
    fn bodies_decode_or_give_decode_errors() {
        let empty: serde_json::Value = decode_body(200, b" \n").unwrap();
        assert_eq!(empty, serde_json::json!({}));
        let err = decode_body::<serde_json::Value>(200, b"<html>").unwrap_err();
        let Error::Decode {
            status,
            body_excerpt,
            ..
        } = err
        else {
            panic!("{err:?}")
        };
        assert_eq!((status, body_excerpt.as_str()), (200, "<html>"));
    }
}
