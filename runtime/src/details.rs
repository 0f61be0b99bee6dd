//! Typed `google.rpc` error details, decoded by their `@type` from an error body's or a `Status`'s
//! `details`. Details of other types are kept as they came.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

/// One entry of `details`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ErrorDetail {
    /// `google.rpc.ErrorInfo`: why the call failed, as a machine-readable reason.
    ErrorInfo(ErrorInfo),
    /// `google.rpc.RetryInfo`: how long to wait before retrying.
    RetryInfo(RetryInfo),
    /// `google.rpc.BadRequest`: which request fields were invalid.
    BadRequest(BadRequest),
    /// `google.rpc.QuotaFailure`: which quota was exceeded.
    QuotaFailure(QuotaFailure),
    /// `google.rpc.PreconditionFailure`: which preconditions failed.
    PreconditionFailure(PreconditionFailure),
    /// `google.rpc.ResourceInfo`: the resource the error is about.
    ResourceInfo(ResourceInfo),
    /// `google.rpc.Help`: links to documentation.
    Help(Help),
    /// `google.rpc.LocalizedMessage`: a message for end users.
    LocalizedMessage(LocalizedMessage),
    /// `google.rpc.RequestInfo`: the request id, for support.
    RequestInfo(RequestInfo),
    /// A detail of another type, or one that did not decode: kept as sent.
    Other(Value),
}

/// `google.rpc.ErrorInfo`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
#[non_exhaustive]
pub struct ErrorInfo {
    /// UPPER_SNAKE_CASE reason, e.g. `API_KEY_INVALID`.
    pub reason: String,
    /// The service that produced the error, e.g. `googleapis.com`.
    pub domain: String,
    /// Further facts about the error.
    pub metadata: BTreeMap<String, String>,
}

/// `google.rpc.RetryInfo`.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct RetryInfo {
    /// How long to wait before retrying, if the server said.
    pub retry_delay: Option<crate::Duration>,
}

/// `google.rpc.BadRequest`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
#[non_exhaustive]
pub struct BadRequest {
    /// The invalid fields.
    pub field_violations: Vec<FieldViolation>,
}

/// One invalid field of a [`BadRequest`].
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
#[non_exhaustive]
pub struct FieldViolation {
    /// A path to the field, e.g. `agent.display_name`.
    pub field: String,
    /// Why it is invalid.
    pub description: String,
    /// A machine-readable reason, when given.
    pub reason: String,
}

/// `google.rpc.QuotaFailure`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
#[non_exhaustive]
pub struct QuotaFailure {
    /// The exceeded quotas.
    pub violations: Vec<QuotaViolation>,
}

/// One exceeded quota of a [`QuotaFailure`].
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
#[non_exhaustive]
pub struct QuotaViolation {
    /// What the quota applies to, e.g. `project:123`.
    pub subject: String,
    /// Which quota, and how it was exceeded.
    pub description: String,
}

/// `google.rpc.PreconditionFailure`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
#[non_exhaustive]
pub struct PreconditionFailure {
    /// The failed preconditions.
    pub violations: Vec<PreconditionViolation>,
}

/// One failed precondition of a [`PreconditionFailure`].
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
#[non_exhaustive]
pub struct PreconditionViolation {
    /// The kind of precondition, e.g. `TOS`.
    #[serde(rename = "type")]
    pub kind: String,
    /// What failed it.
    pub subject: String,
    /// How to fix it.
    pub description: String,
}

/// `google.rpc.ResourceInfo`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
#[non_exhaustive]
pub struct ResourceInfo {
    /// The resource's type, e.g. a type URL.
    pub resource_type: String,
    /// The resource's name.
    pub resource_name: String,
    /// Its owner, when known.
    pub owner: String,
    /// What went wrong with it.
    pub description: String,
}

/// `google.rpc.Help`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
#[non_exhaustive]
pub struct Help {
    /// Documentation links.
    pub links: Vec<HelpLink>,
}

/// One link of a [`Help`].
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
#[non_exhaustive]
pub struct HelpLink {
    /// What the link is about.
    pub description: String,
    /// The URL.
    pub url: String,
}

/// `google.rpc.LocalizedMessage`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
#[non_exhaustive]
pub struct LocalizedMessage {
    /// A BCP 47 locale, e.g. `en-US`.
    pub locale: String,
    /// The message in that locale.
    pub message: String,
}

/// `google.rpc.RequestInfo`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
#[non_exhaustive]
pub struct RequestInfo {
    /// The request's id, for support.
    pub request_id: String,
    /// Opaque data from the server.
    pub serving_data: String,
}

impl ErrorDetail {
    /// Decodes one detail by its `@type`; anything unknown or malformed is [`ErrorDetail::Other`].
    pub fn decode(value: &Value) -> ErrorDetail {
        let type_name = value
            .get("@type")
            .and_then(Value::as_str)
            .map(|url| url.rsplit('/').next().unwrap_or(url))
            .unwrap_or_default();
        fn typed<T: serde::de::DeserializeOwned>(value: &Value) -> Option<T> {
            serde_json::from_value(value.clone()).ok()
        }
        let decoded = match type_name {
            "google.rpc.ErrorInfo" => typed(value).map(ErrorDetail::ErrorInfo),
            "google.rpc.RetryInfo" => Some(ErrorDetail::RetryInfo(RetryInfo {
                retry_delay: value
                    .get("retryDelay")
                    .and_then(Value::as_str)
                    .and_then(crate::wire::parse_duration),
            })),
            "google.rpc.BadRequest" => typed(value).map(ErrorDetail::BadRequest),
            "google.rpc.QuotaFailure" => typed(value).map(ErrorDetail::QuotaFailure),
            "google.rpc.PreconditionFailure" => typed(value).map(ErrorDetail::PreconditionFailure),
            "google.rpc.ResourceInfo" => typed(value).map(ErrorDetail::ResourceInfo),
            "google.rpc.Help" => typed(value).map(ErrorDetail::Help),
            "google.rpc.LocalizedMessage" => typed(value).map(ErrorDetail::LocalizedMessage),
            "google.rpc.RequestInfo" => typed(value).map(ErrorDetail::RequestInfo),
            _ => None,
        };
        decoded.unwrap_or_else(|| ErrorDetail::Other(value.clone()))
    }

    /// Decodes every detail of a list.
    pub fn decode_all(details: &[Value]) -> Vec<ErrorDetail> {
        details.iter().map(ErrorDetail::decode).collect()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn known_details_decode_and_others_are_kept() {
        let details = vec![
            json!({"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID", "domain": "googleapis.com", "metadata": {"service": "dialogflow.googleapis.com"}}),
            json!({"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "1.5s"}),
            json!({"@type": "type.googleapis.com/google.rpc.BadRequest", "fieldViolations": [{"field": "agent.display_name", "description": "must not be empty"}]}),
            json!({"@type": "type.googleapis.com/google.rpc.LocalizedMessage", "locale": "en-US", "message": "Try again"}),
            json!({"@type": "type.googleapis.com/google.cloud.Custom", "x": 1}),
            json!({"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": 7}),
        ];
        let decoded = ErrorDetail::decode_all(&details);
        assert_eq!(
            decoded[0],
            ErrorDetail::ErrorInfo(ErrorInfo {
                reason: "API_KEY_INVALID".into(),
                domain: "googleapis.com".into(),
                metadata: [("service".to_owned(), "dialogflow.googleapis.com".to_owned())].into(),
            })
        );
        assert_eq!(
            decoded[1],
            ErrorDetail::RetryInfo(RetryInfo {
                retry_delay: Some(crate::Duration::milliseconds(1500))
            })
        );
        let ErrorDetail::BadRequest(bad) = &decoded[2] else {
            panic!("{:?}", decoded[2])
        };
        assert_eq!(
            (
                bad.field_violations[0].field.as_str(),
                bad.field_violations[0].description.as_str()
            ),
            ("agent.display_name", "must not be empty")
        );
        assert_eq!(
            decoded[3],
            ErrorDetail::LocalizedMessage(LocalizedMessage {
                locale: "en-US".into(),
                message: "Try again".into()
            })
        );
        assert_eq!(decoded[4], ErrorDetail::Other(details[4].clone()));
        assert_eq!(
            decoded[5],
            ErrorDetail::Other(details[5].clone()),
            "a malformed known detail is kept, not dropped"
        );
    }
}
