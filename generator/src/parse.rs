//! Tolerant serde types for the Discovery document format.
//!
//! Unknown keys are ignored; every key that the format treats as optional is optional here. Values whose
//! type varies between documents (`default`, `minimum`, `required` on properties) are kept as JSON values:
//! they are documentation and never drive generation. A few fields nothing reads yet (`kind`, `flatPath`,
//! `etagRequired`, ...) are kept for their type: a document where they have the wrong one is rejected
//! at their JSON path, as it always was.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use crate::Error;

/// A whole Discovery document (`discovery#restDescription`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Document {
    #[allow(dead_code)] // read for its type only; see the module docs
    pub kind: Option<String>,
    #[allow(dead_code)] // read for its type only; see the module docs
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
    /// Where batches go, relative to `rootUrl` (`batch/drive/v3`).
    pub batch_path: Option<String>,
    #[serde(default)]
    pub endpoints: Vec<Endpoint>,
    #[serde(default)]
    pub fully_encode_reserved_expansion: bool,
    /// Protocol features, e.g. `dataWrapper`.
    #[serde(default)]
    pub features: Vec<String>,
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
    #[allow(dead_code)] // read for its type only; see the module docs
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
    #[allow(dead_code)] // read for its type only; see the module docs
    pub default: Option<Value>,
    #[allow(dead_code)] // read for its type only; see the module docs
    pub pattern: Option<String>,
    #[allow(dead_code)] // read for its type only; see the module docs
    pub minimum: Option<Value>,
    #[allow(dead_code)] // read for its type only; see the module docs
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
    #[allow(dead_code)] // read for its type only; see the module docs
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
    #[allow(dead_code)] // read for its type only; see the module docs
    #[serde(default)]
    pub use_media_download_service: bool,
    #[serde(default)]
    pub supports_media_upload: bool,
    pub media_upload: Option<MediaUpload>,
    #[allow(dead_code)] // read for its type only; see the module docs
    #[serde(default)]
    pub etag_required: bool,
}

/// `mediaUpload`: where and what a method accepts as media.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MediaUpload {
    #[serde(default)]
    pub accept: Vec<String>,
    pub max_size: Option<String>,
    #[serde(default)]
    pub protocols: MediaProtocols,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct MediaProtocols {
    pub simple: Option<MediaProtocol>,
    pub resumable: Option<MediaProtocol>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct MediaProtocol {
    pub path: String,
    #[allow(dead_code)] // read for its type only; see the module docs
    #[serde(default)]
    pub multipart: bool,
}

impl Document {
    /// Every method with an id, document-level and in resources at any depth, by id.
    pub fn methods_by_id(&self) -> BTreeMap<&str, &Method> {
        fn collect<'a>(
            methods: &'a BTreeMap<String, Method>,
            resources: &'a BTreeMap<String, Resource>,
            out: &mut BTreeMap<&'a str, &'a Method>,
        ) {
            for method in methods.values() {
                if let Some(id) = &method.id {
                    out.insert(id, method);
                }
            }
            for resource in resources.values() {
                collect(&resource.methods, &resource.resources, out);
            }
        }
        let mut out = BTreeMap::new();
        collect(&self.methods, &self.resources, &mut out);
        out
    }
}

/// Parses a Discovery document, naming the JSON path of the first problem.
pub fn parse(text: &str) -> Result<Document, Error> {
    let not_json = |e: &serde_json::Error| {
        Error::new(
            "$",
            format!(
                "not valid JSON (line {}, column {}): {e}",
                e.line(),
                e.column()
            ),
        )
    };
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value = match serde_path_to_error::deserialize::<_, StrictValue>(&mut deserializer) {
        Ok(StrictValue(value)) => value,
        Err(e) if e.inner().is_syntax() || e.inner().is_eof() => return Err(not_json(e.inner())),
        Err(e) => {
            return Err(Error::new(
                json_path(&e.path().to_string()),
                e.into_inner().to_string(),
            ))
        }
    };
    deserializer.end().map_err(|e| not_json(&e))?;

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
    match value.get("kind").and_then(Value::as_str) {
        None | Some("discovery#restDescription") => {}
        Some(kind) => {
            return Err(Error::new(
                "$.kind",
                format!("`{kind}` is not a REST description (`discovery#restDescription`)"),
            ))
        }
    }
    serde_path_to_error::deserialize::<_, Document>(value).map_err(|e| {
        let path = json_path(&e.path().to_string());
        Error::new(path, e.into_inner().to_string())
    })
}

/// A JSON value that rejects duplicate object keys, which serde_json would silently resolve to the last.
struct StrictValue(Value);

impl<'de> Deserialize<'de> for StrictValue {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StrictVisitor).map(StrictValue)
    }
}

struct StrictVisitor;

impl<'de> serde::de::Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(StrictValue(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let StrictValue(value) = map.next_value()?;
            if object.insert(key.clone(), value).is_some() {
                return Err(serde::de::Error::custom(format!("duplicate key `{key}`")));
            }
        }
        Ok(Value::Object(object))
    }
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
    fn duplicate_keys_are_rejected_with_their_path() {
        let err = parse(r#"{"name":"x","version":"v1","schemas":{"A":{"type":"object"},"A":{"type":"string"}}}"#)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "$.schemas: duplicate key `A` at line 1 column 82"
        );
    }

    #[test]
    fn trailing_text_after_the_document_is_an_error() {
        let err = parse(r#"{"name":"x","version":"v1"} {"#).unwrap_err();
        assert_eq!(err.path, "$");
        assert!(
            err.message
                .starts_with("not valid JSON (line 1, column 29): trailing characters"),
            "{}",
            err.message
        );
    }

    #[test]
    fn the_directory_list_is_not_a_document() {
        let err = parse(r#"{"kind":"discovery#directoryList","items":[]}"#).unwrap_err();
        assert_eq!(err.to_string(), "$.kind: `discovery#directoryList` is not a REST description (`discovery#restDescription`)");
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
