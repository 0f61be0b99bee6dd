//! What the mock answers a call with.

use std::fmt;
use std::marker::PhantomData;

use http::{HeaderName, HeaderValue};
use serde_json::{json, Value};

use crate::transport::{Body, HttpResponse, TransportError, TransportErrorKind};
use crate::Code;

/// The answer to one call: a response (a value, a Google error, any status and body) or a transport
/// failure. `R` is the method's response type, so [`Answer::value`] only takes that; the other
/// answers fit any method.
pub struct Answer<R = Value> {
    pub(crate) kind: AnswerKind,
    response: PhantomData<fn() -> R>,
}

#[derive(Debug, Clone)]
pub(crate) enum AnswerKind {
    Http {
        status: u16,
        headers: Vec<(HeaderName, HeaderValue)>,
        body: Payload,
    },
    Transport {
        kind: TransportErrorKind,
        message: String,
    },
    /// An answer the mock could not make (a value that does not serialize, a bad header).
    Broken(String),
}

#[derive(Debug, Clone)]
pub(crate) enum Payload {
    Json(Value),
    Bytes(bytes::Bytes),
}

impl<R: serde::Serialize> Answer<R> {
    /// `200 OK` with `value` as the JSON body.
    pub fn value(value: R) -> Self {
        match serde_json::to_value(&value) {
            Ok(json) => Answer::json(200, json),
            Err(e) => Answer::new(AnswerKind::Broken(format!(
                "the answer's value does not serialize: {e}"
            ))),
        }
    }
}

impl<R> Answer<R> {
    fn new(kind: AnswerKind) -> Self {
        Answer {
            kind,
            response: PhantomData,
        }
    }

    /// A Google error: the HTTP status of `code` ([`Code::http_status`]) and the body Google sends,
    /// `{"error": {"code": 404, "message": "...", "status": "NOT_FOUND"}}`.
    pub fn error(code: Code, message: impl Into<String>) -> Self {
        let status = code.http_status();
        let mut error = json!({"code": status, "message": message.into()});
        if let Some(name) = code.name() {
            error["status"] = json!(name);
        }
        Answer::json(status, json!({ "error": error }))
    }

    /// Any status with a JSON body.
    pub fn json(status: u16, body: Value) -> Self {
        Answer::new(AnswerKind::Http {
            status,
            headers: Vec::new(),
            body: Payload::Json(body),
        })
    }

    /// Any status with these bytes as the body.
    pub fn bytes(status: u16, body: impl Into<bytes::Bytes>) -> Self {
        Answer::new(AnswerKind::Http {
            status,
            headers: Vec::new(),
            body: Payload::Bytes(body.into()),
        })
    }

    /// No response at all: the attempt fails as a broken connection would (retried if the call is
    /// idempotent).
    pub fn transport_failure(message: impl Into<String>) -> Self {
        Answer::new(AnswerKind::Transport {
            kind: TransportErrorKind::Other,
            message: message.into(),
        })
    }

    /// The same answer with another HTTP status (an error's body stays as it is).
    pub fn with_http_status(mut self, new_status: u16) -> Self {
        if let AnswerKind::Http { status, .. } = &mut self.kind {
            *status = new_status;
        }
        self
    }

    /// The same answer with a header, e.g. `Retry-After`.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        let header = HeaderName::from_bytes(name.as_bytes())
            .ok()
            .zip(HeaderValue::from_str(value).ok());
        match (&mut self.kind, header) {
            (AnswerKind::Http { headers, .. }, Some(header)) => headers.push(header),
            (AnswerKind::Http { .. }, None) => {
                self.kind = AnswerKind::Broken(format!("invalid header {name}: {value}"));
            }
            _ => {}
        }
        self
    }

    /// The same Google error with one more entry in its `details` (an `Any`: give it an `@type`, e.g.
    /// `type.googleapis.com/google.rpc.ErrorInfo`).
    pub fn with_detail(mut self, detail: impl serde::Serialize) -> Self {
        let detail = match serde_json::to_value(detail) {
            Ok(detail) => detail,
            Err(e) => {
                self.kind = AnswerKind::Broken(format!("the error detail does not serialize: {e}"));
                return self;
            }
        };
        if let AnswerKind::Http {
            body: Payload::Json(Value::Object(body)),
            ..
        } = &mut self.kind
        {
            if let Some(Value::Object(error)) = body.get_mut("error") {
                match error.get_mut("details") {
                    Some(Value::Array(details)) => details.push(detail),
                    _ => {
                        error.insert("details".to_owned(), Value::Array(vec![detail]));
                    }
                }
            }
        }
        self
    }

    /// Forgets the response type, for answers kept beside other methods'.
    pub fn untyped(self) -> Answer {
        Answer::new(self.kind)
    }
}

impl<R> Clone for Answer<R> {
    fn clone(&self) -> Self {
        Answer::new(self.kind.clone())
    }
}

impl<R> fmt::Debug for Answer<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.kind, f)
    }
}

impl AnswerKind {
    /// The response the transport gives, or its failure.
    pub(crate) fn respond(&self) -> Result<HttpResponse, TransportError> {
        match self {
            AnswerKind::Http {
                status,
                headers,
                body,
            } => {
                let bytes = match body {
                    Payload::Json(value) => bytes::Bytes::from(value.to_string()),
                    Payload::Bytes(bytes) => bytes.clone(),
                };
                let mut response = http::Response::new(Body::from(bytes));
                *response.status_mut() = http::StatusCode::from_u16(*status).map_err(|e| {
                    TransportError::new(TransportErrorKind::Request, format!("mock: {e}"))
                })?;
                for (name, value) in headers {
                    response.headers_mut().append(name.clone(), value.clone());
                }
                if matches!(body, Payload::Json(_)) {
                    response.headers_mut().insert(
                        http::header::CONTENT_TYPE,
                        HeaderValue::from_static("application/json; charset=UTF-8"),
                    );
                }
                Ok(response)
            }
            AnswerKind::Transport { kind, message } => {
                Err(TransportError::new(*kind, message.clone()))
            }
            AnswerKind::Broken(reason) => Err(TransportError::new(
                TransportErrorKind::Request,
                format!("mock: {reason}"),
            )),
        }
    }
}
