//! A tolerant serde model of the Discovery document format.
//!
//! Unknown keys are ignored; every key that the format treats as optional is optional here. Values whose
//! type varies between documents (`default`, `minimum`, `required` on properties) are kept as JSON values:
//! they are documentation and never drive generation.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use crate::Error;

/// A whole Discovery document (`discovery#restDescription`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Document {
    pub kind: Option<String>,
    pub id: Option<String>,
    pub name: String,
    pub version: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub revision: Option<String>,
    pub documentation_link: Option<String>,
    pub root_url: Option<String>,
    pub service_path: Option<String>,
    pub base_url: Option<String>,
    pub base_path: Option<String>,
    pub mtls_root_url: Option<String>,
    #[serde(default)]
    pub endpoints: Vec<Endpoint>,
    #[serde(default)]
    pub fully_encode_reserved_expansion: bool,
    pub auth: Option<Auth>,
    #[serde(default)]
    pub parameters: BTreeMap<String, Schema>,
    #[serde(default)]
    pub schemas: BTreeMap<String, Schema>,
    #[serde(default)]
    pub resources: BTreeMap<String, Resource>,
    #[serde(default)]
    pub methods: BTreeMap<String, Method>,
}

/// A regional or otherwise alternative endpoint.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Endpoint {
    pub endpoint_url: String,
    pub location: Option<String>,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Auth {
    pub oauth2: Option<OAuth2>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct OAuth2 {
    #[serde(default)]
    pub scopes: BTreeMap<String, Scope>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Scope {
    pub description: Option<String>,
}

/// A JSON schema as Discovery uses it; parameters are schemas with a `location`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Schema {
    pub id: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    #[serde(rename = "$ref")]
    pub reference: Option<String>,
    pub description: Option<String>,
    pub format: Option<String>,
    #[serde(default)]
    pub properties: BTreeMap<String, Schema>,
    pub additional_properties: Option<Box<Schema>>,
    pub items: Option<Box<Schema>>,
    #[serde(default, rename = "enum")]
    pub enum_values: Vec<String>,
    #[serde(default)]
    pub enum_descriptions: Vec<String>,
    #[serde(default)]
    pub enum_deprecated: Vec<bool>,
    pub default: Option<Value>,
    pub pattern: Option<String>,
    pub minimum: Option<Value>,
    pub maximum: Option<Value>,
    #[serde(default)]
    pub read_only: bool,
    #[serde(default)]
    pub deprecated: bool,
    /// On parameters: `path` or `query`.
    pub location: Option<String>,
    /// On parameters a boolean; on properties unreliable and ignored.
    pub required: Option<Value>,
    #[serde(default)]
    pub repeated: bool,
}

impl Schema {
    /// Whether `required` is the boolean `true` (parameters only).
    pub fn is_required(&self) -> bool {
        matches!(self.required, Some(Value::Bool(true)))
    }
}

/// A resource: methods plus nested resources.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Resource {
    #[serde(default)]
    pub methods: BTreeMap<String, Method>,
    #[serde(default)]
    pub resources: BTreeMap<String, Resource>,
    #[serde(default)]
    pub deprecated: bool,
}

/// One REST method.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Method {
    pub id: Option<String>,
    pub path: String,
    pub flat_path: Option<String>,
    pub http_method: String,
    pub description: Option<String>,
    #[serde(default)]
    pub parameters: BTreeMap<String, Schema>,
    pub parameter_order: Option<Vec<String>>,
    pub request: Option<Schema>,
    pub response: Option<Schema>,
    #[serde(default)]
    pub scopes: Vec<String>,
    pub api_version: Option<String>,
    #[serde(default)]
    pub deprecated: bool,
    #[serde(default)]
    pub supports_media_download: bool,
    #[serde(default)]
    pub use_media_download_service: bool,
    #[serde(default)]
    pub supports_media_upload: bool,
    #[serde(default)]
    pub etag_required: bool,
}

/// Parses a Discovery document, naming the JSON path of the first problem.
pub fn parse(text: &str) -> Result<Document, Error> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        Error::new(
            "$",
            format!(
                "not valid JSON (line {}, column {}): {e}",
                e.line(),
                e.column()
            ),
        )
    })?;
    if let Some(error) = value.get("error") {
        let message = error
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or("no message");
        return Err(Error::new(
            "$.error",
            format!(
                "this is an error response from the Discovery service, not a document: {message}"
            ),
        ));
    }
    if !value.is_object() {
        return Err(Error::new(
            "$",
            "a Discovery document must be a JSON object",
        ));
    }
    serde_path_to_error::deserialize::<_, Document>(value).map_err(|e| {
        let path = json_path(&e.path().to_string());
        Error::new(path, e.into_inner().to_string())
    })
}

/// Turns serde_path_to_error's `a.b[0].c` into `$.a.b[0].c`, quoting keys that are not plain names.
fn json_path(serde_path: &str) -> String {
    if serde_path == "." || serde_path.is_empty() {
        "$".to_owned()
    } else {
        format!("$.{serde_path}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_are_ignored() {
        let doc = parse(r#"{"name":"x","version":"v1","futureKey":{"a":1},"schemas":{"A":{"type":"object","newThing":1}}}"#)
            .unwrap();
        assert_eq!(doc.name, "x");
        assert_eq!(doc.schemas["A"].kind.as_deref(), Some("object"));
    }

    #[test]
    fn type_errors_name_the_json_path() {
        let err =
            parse(r#"{"name":"x","version":"v1","schemas":{"A":{"properties":{"b":{"type":7}}}}}"#)
                .unwrap_err();
        assert_eq!(err.path, "$.schemas.A.properties.b.type");
        assert!(
            err.message
                .contains("invalid type: integer `7`, expected a string"),
            "{}",
            err.message
        );
    }

    #[test]
    fn discovery_error_objects_are_rejected() {
        let err = parse(r#"{"error":{"code":404,"message":"Requested entity was not found."}}"#)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "$.error: this is an error response from the Discovery service, not a document: Requested entity was not found."
        );
    }

    #[test]
    fn truncated_json_is_reported_with_its_position() {
        let err = parse(r#"{"name":"x","#).unwrap_err();
        assert_eq!(err.path, "$");
        assert!(
            err.message
                .starts_with("not valid JSON (line 1, column 12)"),
            "{}",
            err.message
        );
    }
}
