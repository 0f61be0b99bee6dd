//! `google.rpc.Status` and `google.rpc.Code`: the one status of API errors and operation errors.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::Value;

/// `google.rpc.Code`, the canonical error codes of Google APIs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Code {
    /// 0: not an error.
    Ok,
    /// 1: the operation was cancelled, typically by the caller.
    Cancelled,
    /// 2: unknown error.
    Unknown,
    /// 3: the client specified an invalid argument.
    InvalidArgument,
    /// 4: the deadline expired before the operation could complete.
    DeadlineExceeded,
    /// 5: some requested entity was not found.
    NotFound,
    /// 6: the entity the client tried to create already exists.
    AlreadyExists,
    /// 7: the caller may not execute the operation.
    PermissionDenied,
    /// 8: some resource (quota, disk space...) has been exhausted.
    ResourceExhausted,
    /// 9: the system is not in a state required for the operation.
    FailedPrecondition,
    /// 10: the operation was aborted, typically by a concurrency conflict.
    Aborted,
    /// 11: the operation was attempted past the valid range.
    OutOfRange,
    /// 12: the operation is not implemented or supported.
    Unimplemented,
    /// 13: internal error.
    Internal,
    /// 14: the service is currently unavailable.
    Unavailable,
    /// 15: unrecoverable data loss or corruption.
    DataLoss,
    /// 16: the request lacks valid authentication credentials.
    Unauthenticated,
    /// Any other value.
    Other(i32),
}

impl Code {
    /// The numeric value.
    pub fn as_i32(self) -> i32 {
        match self {
            Code::Ok => 0,
            Code::Cancelled => 1,
            Code::Unknown => 2,
            Code::InvalidArgument => 3,
            Code::DeadlineExceeded => 4,
            Code::NotFound => 5,
            Code::AlreadyExists => 6,
            Code::PermissionDenied => 7,
            Code::ResourceExhausted => 8,
            Code::FailedPrecondition => 9,
            Code::Aborted => 10,
            Code::OutOfRange => 11,
            Code::Unimplemented => 12,
            Code::Internal => 13,
            Code::Unavailable => 14,
            Code::DataLoss => 15,
            Code::Unauthenticated => 16,
            Code::Other(n) => n,
        }
    }

    /// The canonical name, e.g. `"NOT_FOUND"`; `None` for [`Code::Other`].
    pub fn name(self) -> Option<&'static str> {
        Some(match self {
            Code::Ok => "OK",
            Code::Cancelled => "CANCELLED",
            Code::Unknown => "UNKNOWN",
            Code::InvalidArgument => "INVALID_ARGUMENT",
            Code::DeadlineExceeded => "DEADLINE_EXCEEDED",
            Code::NotFound => "NOT_FOUND",
            Code::AlreadyExists => "ALREADY_EXISTS",
            Code::PermissionDenied => "PERMISSION_DENIED",
            Code::ResourceExhausted => "RESOURCE_EXHAUSTED",
            Code::FailedPrecondition => "FAILED_PRECONDITION",
            Code::Aborted => "ABORTED",
            Code::OutOfRange => "OUT_OF_RANGE",
            Code::Unimplemented => "UNIMPLEMENTED",
            Code::Internal => "INTERNAL",
            Code::Unavailable => "UNAVAILABLE",
            Code::DataLoss => "DATA_LOSS",
            Code::Unauthenticated => "UNAUTHENTICATED",
            Code::Other(_) => return None,
        })
    }
}

impl Code {
    /// The code for an HTTP status, as google.rpc's mapping gives it (`google/rpc/code.proto`): 400
    /// `INVALID_ARGUMENT`, 401 `UNAUTHENTICATED`, 403 `PERMISSION_DENIED`, 404 `NOT_FOUND`, 409
    /// `ABORTED`, 412 `FAILED_PRECONDITION`, 416 `OUT_OF_RANGE`, 429 `RESOURCE_EXHAUSTED`, 499
    /// `CANCELLED`, 500 `INTERNAL`, 501 `UNIMPLEMENTED`, 503 `UNAVAILABLE`, 504
    /// `DEADLINE_EXCEEDED`; other 2xx `OK`, other 4xx `FAILED_PRECONDITION`, other 5xx `INTERNAL`,
    /// anything else `UNKNOWN`.
    pub fn from_http(status: i32) -> Code {
        match status {
            400 => Code::InvalidArgument,
            401 => Code::Unauthenticated,
            403 => Code::PermissionDenied,
            404 => Code::NotFound,
            409 => Code::Aborted,
            412 => Code::FailedPrecondition,
            416 => Code::OutOfRange,
            429 => Code::ResourceExhausted,
            499 => Code::Cancelled,
            500 => Code::Internal,
            501 => Code::Unimplemented,
            503 => Code::Unavailable,
            504 => Code::DeadlineExceeded,
            _ => match status / 100 {
                2 => Code::Ok,
                4 => Code::FailedPrecondition,
                5 => Code::Internal,
                _ => Code::Unknown,
            },
        }
    }
}

impl Code {
    /// The code named `name` (`"NOT_FOUND"`), as [`Code::name`] gives it; `None` for any other text.
    pub fn from_name(name: &str) -> Option<Code> {
        (0..=16)
            .map(Code::from)
            .find(|code| code.name() == Some(name))
    }
}

impl Code {
    /// The HTTP status Google's front ends answer with for this code (`google/rpc/code.proto`): 200
    /// `OK`, 499 `CANCELLED`, 400 `INVALID_ARGUMENT`, `FAILED_PRECONDITION` and `OUT_OF_RANGE`, 504
    /// `DEADLINE_EXCEEDED`, 404 `NOT_FOUND`, 409 `ALREADY_EXISTS` and `ABORTED`, 403
    /// `PERMISSION_DENIED`, 429 `RESOURCE_EXHAUSTED`, 501 `UNIMPLEMENTED`, 503 `UNAVAILABLE`, 401
    /// `UNAUTHENTICATED`; 500 for the rest.
    pub fn http_status(self) -> u16 {
        match self {
            Code::Ok => 200,
            Code::Cancelled => 499,
            Code::InvalidArgument | Code::FailedPrecondition | Code::OutOfRange => 400,
            Code::DeadlineExceeded => 504,
            Code::NotFound => 404,
            Code::AlreadyExists | Code::Aborted => 409,
            Code::PermissionDenied => 403,
            Code::ResourceExhausted => 429,
            Code::Unimplemented => 501,
            Code::Unavailable => 503,
            Code::Unauthenticated => 401,
            Code::Unknown | Code::Internal | Code::DataLoss | Code::Other(_) => 500,
        }
    }
}

impl From<i32> for Code {
    fn from(value: i32) -> Self {
        match value {
            0 => Code::Ok,
            1 => Code::Cancelled,
            2 => Code::Unknown,
            3 => Code::InvalidArgument,
            4 => Code::DeadlineExceeded,
            5 => Code::NotFound,
            6 => Code::AlreadyExists,
            7 => Code::PermissionDenied,
            8 => Code::ResourceExhausted,
            9 => Code::FailedPrecondition,
            10 => Code::Aborted,
            11 => Code::OutOfRange,
            12 => Code::Unimplemented,
            13 => Code::Internal,
            14 => Code::Unavailable,
            15 => Code::DataLoss,
            16 => Code::Unauthenticated,
            n => Code::Other(n),
        }
    }
}

impl From<Code> for i32 {
    fn from(code: Code) -> Self {
        code.as_i32()
    }
}

/// `NOT_FOUND`, or `CODE(42)` for [`Code::Other`].
impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => f.write_str(name),
            None => write!(f, "CODE({})", self.as_i32()),
        }
    }
}

/// `google.rpc.Status`: what a failed call's `{"error": {...}}` body and a failed operation's `error`
/// say, with the code as an enum.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Status {
    /// The error code.
    pub code: Code,
    /// The developer-facing message.
    pub message: String,
    /// Typed details, each an `Any` with an `@type` (see [`Status::typed_details`]).
    pub details: Vec<Value>,
    /// Legacy error entries, as sent: the `errors` (`domain`, `reason`, `message`, ...) of an older
    /// API's error body, or a status-style operation's `error.errors` (`code`, `location`,
    /// `message`, ...).
    pub errors: Vec<Value>,
}

impl Status {
    /// A status without details.
    pub fn new(code: impl Into<Code>, message: impl Into<String>) -> Self {
        Status {
            code: code.into(),
            message: message.into(),
            details: Vec::new(),
            errors: Vec::new(),
        }
    }

    /// `details` decoded by `@type` (ErrorInfo, RetryInfo, BadRequest, ...); unknown ones kept as JSON.
    pub fn typed_details(&self) -> Vec<crate::details::ErrorDetail> {
        crate::details::ErrorDetail::decode_all(&self.details)
    }

    /// The `reason` of the first legacy entry that has one, else of the first `ErrorInfo` in
    /// `details`.
    pub fn reason(&self) -> Option<&str> {
        fn reason(entry: &Value) -> Option<&str> {
            entry.get("reason").and_then(Value::as_str)
        }
        self.errors.iter().find_map(reason).or_else(|| {
            self.details
                .iter()
                .filter(|d| {
                    d.get("@type")
                        .and_then(Value::as_str)
                        .is_some_and(|t| t.ends_with("google.rpc.ErrorInfo"))
                })
                .find_map(reason)
        })
    }

    /// Decodes a failed call's body, `{"error": {...}}` or `[{"error": {...}}]`, in either shape
    /// Google sends (`{code, message, status, details}`, or the older `{code, message, errors}`);
    /// `None` if the body has neither. The code is the one `status` names, else the HTTP code's
    /// (the body's `code`, else `http_status`).
    pub(crate) fn from_error_body(http_status: u16, body: &[u8]) -> Option<Self> {
        #[derive(serde::Deserialize)]
        struct Body {
            #[serde(default)]
            code: Option<i32>,
            #[serde(default)]
            message: String,
            #[serde(default)]
            status: Option<String>,
            #[serde(default)]
            details: Vec<Value>,
            #[serde(default)]
            errors: Vec<Value>,
        }
        let envelope = match serde_json::from_slice::<Value>(body).ok()? {
            Value::Array(mut list) if !list.is_empty() => list.swap_remove(0),
            other => other,
        };
        let Value::Object(mut envelope) = envelope else {
            return None;
        };
        let error @ Value::Object(_) = envelope.remove("error")? else {
            return None;
        };
        let body: Body = serde_json::from_value(error).ok()?;
        let from_http = || Code::from_http(body.code.unwrap_or(i32::from(http_status)));
        Some(Status {
            code: body
                .status
                .as_deref()
                .and_then(Code::from_name)
                .unwrap_or_else(from_http),
            message: body.message,
            details: body.details,
            errors: body.errors,
        })
    }

    /// Builds a status from the optional fields of a schema's status type
    /// (what generated [`LongRunningOperation::error`](crate::lro::LongRunningOperation::error) implementations call): an absent
    /// code is [`Code::Unknown`], an absent message empty.
    #[doc(hidden)]
    pub fn from_parts<D: StatusDetail>(
        code: Option<i32>,
        message: Option<&str>,
        details: Option<&[D]>,
    ) -> Self {
        Status {
            code: code.map_or(Code::Unknown, Code::from),
            message: message.unwrap_or_default().to_owned(),
            details: details
                .unwrap_or_default()
                .iter()
                .map(StatusDetail::to_value)
                .collect(),
            errors: Vec::new(),
        }
    }
}

impl Status {
    /// The error of a status-style operation (what generated [`LongRunningOperation::error`](crate::lro::LongRunningOperation::error)
    /// implementations call): its `error.errors[]` entries, `httpErrorStatusCode` and
    /// `httpErrorMessage`. `None` when there are no entries and no HTTP error status (400 or above).
    ///
    /// The code is the HTTP error status's ([`Code::from_http`]); without one (Cloud SQL sends none),
    /// the first entry's `code` that names a google.rpc code (`CANCELLED` after a cancel), else
    /// [`Code::Unknown`]; the message joins the entries' `message`s with `"; "`, or is the HTTP message
    /// when they have none; `errors` holds every entry as sent (`code`, `message`, `location`,
    /// `errorDetails`, ...), so nothing is lost.
    #[doc(hidden)]
    pub fn from_operation_errors<E: serde::Serialize>(
        http_status: Option<i32>,
        http_message: Option<&str>,
        errors: Option<&[E]>,
    ) -> Option<Self> {
        let entries: Vec<Value> = errors
            .unwrap_or_default()
            .iter()
            .map(|e| serde_json::to_value(e).unwrap_or(Value::Null))
            .collect();
        let failed_http = http_status.filter(|s| *s >= 400);
        if entries.is_empty() && failed_http.is_none() {
            return None;
        }
        let messages: Vec<&str> = entries
            .iter()
            .filter_map(|d| d.get("message").and_then(Value::as_str))
            .filter(|m| !m.is_empty())
            .collect();
        let message = if messages.is_empty() {
            http_message.unwrap_or_default().to_owned()
        } else {
            messages.join("; ")
        };
        let named = || {
            entries
                .iter()
                .filter_map(|d| d.get("code").and_then(Value::as_str))
                .find_map(Code::from_name)
        };
        let code = match failed_http {
            Some(status) => Code::from_http(status),
            None => named().unwrap_or(Code::Unknown),
        };
        Some(Status {
            code,
            message,
            details: Vec::new(),
            errors: entries,
        })
    }
}

/// `CANCELLED: Operation was cancelled.`
impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.code)?;
        if !self.message.is_empty() {
            write!(f, ": {}", self.message)?;
        }
        Ok(())
    }
}

/// An entry of a status's `details` as a schema holds it; see [`Status::from_parts`].
pub trait StatusDetail {
    /// The entry as a JSON value.
    fn to_value(&self) -> Value;
}

impl StatusDetail for Value {
    fn to_value(&self) -> Value {
        self.clone()
    }
}

impl StatusDetail for BTreeMap<String, Value> {
    fn to_value(&self) -> Value {
        Value::Object(self.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
    }
}

impl StatusDetail for serde_json::Map<String, Value> {
    fn to_value(&self) -> Value {
        Value::Object(self.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for n in -1..=17 {
            assert_eq!(Code::from(n).as_i32(), n);
        }
        assert_eq!(Code::from(1), Code::Cancelled);
        assert_eq!(Code::from(16), Code::Unauthenticated);
        assert_eq!(Code::from(17), Code::Other(17));
        assert_eq!(Code::NotFound.to_string(), "NOT_FOUND");
        assert_eq!(Code::Other(99).to_string(), "CODE(99)");
        assert_eq!(i32::from(Code::Internal), 13);
    }
    #[test]
    fn status_from_parts() {
        let details = [BTreeMap::from([("@type".to_owned(), Value::from("t/X"))])];
        let s = Status::from_parts(Some(9), Some("no"), Some(&details[..]));
        assert_eq!(s.code, Code::FailedPrecondition);
        assert_eq!(s.details, vec![serde_json::json!({"@type": "t/X"})]);
        assert_eq!(s.to_string(), "FAILED_PRECONDITION: no");
        let s = Status::from_parts::<Value>(None, None, None);
        assert_eq!(s, Status::new(Code::Unknown, ""));
        assert_eq!(s.to_string(), "UNKNOWN");
    }
    #[test]
    fn status_from_operation_errors() {
        let errors = [
            serde_json::json!({"code": "QUOTA_EXCEEDED", "message": "Quota 'CPUS' exceeded.", "location": "us-central1"}),
            serde_json::json!({"code": "RESOURCE_NOT_READY"}),
        ];
        let s = Status::from_operation_errors(Some(403), Some("FORBIDDEN"), Some(&errors[..]))
            .expect("an error");
        assert_eq!(s.code, Code::PermissionDenied);
        assert_eq!(s.message, "Quota 'CPUS' exceeded.");
        assert_eq!(s.errors, errors.to_vec());
        let s =
            Status::from_operation_errors::<Value>(Some(503), Some("SERVICE UNAVAILABLE"), None)
                .expect("an error");
        assert_eq!(s, Status::new(Code::Unavailable, "SERVICE UNAVAILABLE"));
        let sql = [
            serde_json::json!({"code": "INTERNAL_ERROR", "message": "a"}),
            serde_json::json!({"message": "b"}),
        ];
        let s = Status::from_operation_errors(None, None, Some(&sql[..])).expect("an error");
        assert_eq!((s.code, s.message.as_str()), (Code::Unknown, "a; b"));
        // Without an HTTP status, an entry's code that names a google.rpc code is that code.
        let cancelled = [serde_json::json!({"code": "CANCELLED", "message": "Cancelled by user."})];
        let s = Status::from_operation_errors(None, None, Some(&cancelled[..])).expect("an error");
        assert_eq!(s.code, Code::Cancelled);
        assert_eq!(Code::from_name("NOT_FOUND"), Some(Code::NotFound));
        assert_eq!(Code::from_name("OPERATION_CANCELLED"), None);
        let statuses = [
            (Code::NotFound, 404),
            (Code::Unavailable, 503),
            (Code::Cancelled, 499),
            (Code::FailedPrecondition, 400),
            (Code::DataLoss, 500),
        ];
        for (code, status) in statuses {
            assert_eq!(code.http_status(), status, "{code}");
        }
        assert_eq!(
            Status::from_operation_errors::<Value>(Some(200), None, Some(&[])),
            None
        );
        assert_eq!(
            Status::from_operation_errors::<Value>(None, None, None),
            None
        );
        let codes = [
            (400, Code::InvalidArgument),
            (404, Code::NotFound),
            (409, Code::Aborted),
            (418, Code::FailedPrecondition),
            (429, Code::ResourceExhausted),
            (500, Code::Internal),
            (504, Code::DeadlineExceeded),
            (599, Code::Internal),
            (302, Code::Unknown),
        ];
        for (http, code) in codes {
            assert_eq!(Code::from_http(http), code, "{http}");
        }
    }
}
