//! What the runtime fuzz targets share: a fuzz input read as an HTTP response, and the two steps
//! `Client::execute` applies to a response (`response::verdict`, then `response::decode_body`).

use discogen_runtime::__private::response::{decode_body, verdict, Verdict};
use discogen_runtime::Error;
use http::header::{HeaderMap, HeaderName, HeaderValue};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// A response as the client receives it.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Response {
    /// Reads `data` as `STATUS\nName: value\n...\n\nBODY`. Without a blank line the whole input is the
    /// body of a 200. A status outside 100..=999 (which no HTTP client hands over) gives `None`; header
    /// lines that are not a valid name and value are skipped, as no server can send them.
    pub fn parse(data: &[u8]) -> Option<Response> {
        let Some(split) = data.windows(2).position(|w| w == b"\n\n") else {
            return Some(Response {
                status: 200,
                headers: HeaderMap::new(),
                body: data.to_vec(),
            });
        };
        let (head, body) = (&data[..split], &data[split + 2..]);
        let mut lines = head.split(|&b| b == b'\n');
        let status: u16 = std::str::from_utf8(lines.next()?).ok()?.trim().parse().ok()?;
        if !(100..=999).contains(&status) {
            return None;
        }
        let mut headers = HeaderMap::new();
        for line in lines {
            let Some(colon) = line.iter().position(|&b| b == b':') else {
                continue;
            };
            let name = HeaderName::from_bytes(line[..colon].trim_ascii());
            let value = HeaderValue::from_bytes(line[colon + 1..].trim_ascii());
            if let (Ok(name), Ok(value)) = (name, value) {
                headers.append(name, value);
            }
        }
        Some(Response {
            status,
            headers,
            body: body.to_vec(),
        })
    }

    /// What `Client::execute::<T>` returns for this response to a first attempt (a retryable error
    /// is what it returns when no attempt is left).
    pub fn execute<T: DeserializeOwned>(&self) -> Result<T, Error> {
        match verdict(self.status, &self.headers, &self.body, 1, chrono::Utc::now()) {
            Verdict::Success => decode_body(self.status, &self.body),
            Verdict::Retry { error, retry_after } => {
                if let Some(wait) = retry_after {
                    // Every wait the parser accepts is a finite, non-negative duration.
                    let _ = wait.as_secs_f64();
                }
                Err(error)
            }
            Verdict::Fail(error) => Err(error),
        }
    }
}

/// Uses every accessor of an error the way an application would (messages, status, Google's error).
pub fn inspect_error(error: &Error) {
    let _ = error.to_string();
    let _ = (error.status(), error.attempts(), error.is_timeout());
    if let Some(google) = error.rpc_status() {
        let _ = (google.reason(), google.typed_details());
    }
    if let Error::Decode { body_excerpt, .. } = error {
        assert!(body_excerpt.len() <= 512 * 3, "an excerpt is bounded");
    }
}

/// A decoded value re-encodes, and what it re-encodes to decodes to the same JSON again: nothing a
/// server sent is accepted that the client cannot send back.
pub fn assert_round_trip<T: DeserializeOwned + Serialize>(value: &T) {
    let first = serde_json::to_string(value).expect("a decoded value encodes");
    let again: T = serde_json::from_str(&first)
        .unwrap_or_else(|e| panic!("re-decoding {first} failed: {e}"));
    let second = serde_json::to_string(&again).expect("a decoded value encodes");
    assert_eq!(first, second, "encoding is not stable");
}

/// [`Response::execute`] into `T`, then the round trip of a success or the accessors of an error.
pub fn get<T: DeserializeOwned + Serialize>(response: &Response) -> Option<T> {
    match response.execute::<T>() {
        Ok(value) => {
            assert_round_trip(&value);
            Some(value)
        }
        Err(error) => {
            inspect_error(&error);
            None
        }
    }
}
