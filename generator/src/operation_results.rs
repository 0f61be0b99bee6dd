//! The result types of methods that start a long-running operation, between describe and select.
//!
//! Discovery types every such method's response as the API's `Operation`, whose `response` and `metadata`
//! are `Any`s. Many descriptions name the real types: "The returned `Operation` type has the following
//! method-specific fields: - `metadata`: KnowledgeOperationMetadata - `response`: Document". Those names
//! are proto message names; they resolve to the document's schemas by suffix (`Document` →
//! `GoogleCloudDialogflowV2Document`). Where a description says nothing, the manifest may say it.

use std::collections::BTreeMap;

use crate::manifest::ResultOverride;
use crate::parse::{Document, Method};
use crate::Error;

/// What an operation's `response` or `metadata` holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Declared {
    /// A schema of the document, by its key.
    Schema(String),
    /// `google.protobuf.Empty` in a document with no schema for it.
    Unit,
    /// `google.protobuf.Struct`, or a type the document does not have: the payload as JSON.
    Json,
}

/// The declared payloads of one method's operation; `None` means unknown (untyped).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeclaredResult {
    pub response: Option<Declared>,
    pub metadata: Option<Declared>,
}

const EMPTY: &str = "google.protobuf.Empty";
const STRUCT: &str = "google.protobuf.Struct";

/// The declared results by method id: from the manifest's overrides (which win), else from descriptions.
/// An override naming a method or schema the document does not have is an error when `strict`, and
/// skipped otherwise (an older revision).
pub fn find(
    doc: &Document,
    overrides: &BTreeMap<String, ResultOverride>,
    strict: bool,
) -> Result<BTreeMap<String, DeclaredResult>, Error> {
    let methods = doc.methods_by_id();
    let names = SchemaNames::new(doc, &methods);
    let mut out = BTreeMap::new();
    for (id, method) in &methods {
        if let Some(declared) = method
            .description
            .as_deref()
            .and_then(|d| from_description(d, &names))
        {
            out.insert((*id).to_owned(), declared);
        }
    }
    for (id, entry) in overrides {
        let path = format!("manifest.operation_results.\"{id}\"");
        if !methods.contains_key(id.as_str()) {
            if !strict {
                continue;
            }
            return Err(Error::new(path, "no method of the document has this id"));
        }
        let named = |field: &str, value: &Option<String>| -> Result<Option<Declared>, Error> {
            let Some(value) = value else { return Ok(None) };
            match value.as_str() {
                EMPTY => Ok(Some(names.empty())),
                STRUCT => Ok(Some(Declared::Json)),
                key if doc.schemas.contains_key(key) => Ok(Some(Declared::Schema(key.to_owned()))),
                _ if !strict => Ok(None),
                other => Err(Error::new(
                    format!("{path}.{field}"),
                    format!("`{other}` is not a schema of the document, `{EMPTY}` or `{STRUCT}`"),
                )),
            }
        };
        out.insert(
            id.clone(),
            DeclaredResult {
                response: named("response", &entry.response)?,
                metadata: named("metadata", &entry.metadata)?,
            },
        );
    }
    Ok(out)
}

/// Reads "method-specific fields: - `metadata`: X - `response`: Y" (in either order, either missing).
fn from_description(description: &str, names: &SchemaNames<'_>) -> Option<DeclaredResult> {
    let (_, fields) = description.split_once("method-specific fields:")?;
    let value = |field: &str| {
        let (_, rest) = fields.split_once(&format!("`{field}`:"))?;
        names.declared(rest.trim_start())
    };
    let declared = DeclaredResult {
        response: value("response"),
        metadata: value("metadata"),
    };
    (declared != DeclaredResult::default()).then_some(declared)
}

/// Proto message names → schema keys.
struct SchemaNames<'d> {
    doc: &'d Document,
    /// How many schemas that methods name directly (requests, responses) start with each prefix: the
    /// API's own schemas have the most common prefix (`GoogleCloudDialogflowV2`), other versions' fewer.
    prefix_uses: BTreeMap<String, usize>,
}

impl<'d> SchemaNames<'d> {
    fn new(doc: &'d Document, methods: &BTreeMap<&str, &Method>) -> Self {
        let mut prefix_uses = BTreeMap::new();
        for method in methods.values() {
            for schema in method.request.iter().chain(&method.response) {
                let Some(key) = &schema.reference else {
                    continue;
                };
                for (i, _) in key.char_indices().filter(|(_, c)| c.is_ascii_uppercase()) {
                    *prefix_uses.entry(key[..i].to_owned()).or_insert(0) += 1;
                }
            }
        }
        SchemaNames { doc, prefix_uses }
    }

    /// The payload a description's field value names: "An [Empty message](...)", "An empty [Struct
    /// message](...)", or a message name.
    fn declared(&self, text: &str) -> Option<Declared> {
        let lower = text.to_ascii_lowercase();
        if lower.starts_with("an [empty message]") {
            return Some(self.empty());
        }
        if lower.starts_with("an empty [struct message]") {
            return Some(Declared::Json);
        }
        let name: String = text
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == '_')
            .collect();
        let name = name.trim_end_matches('.').rsplit('.').next()?;
        if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_uppercase()) {
            return None;
        }
        Some(self.schema(name).map_or(Declared::Json, Declared::Schema))
    }

    /// `google.protobuf.Empty`: the document's schema for it, or unit.
    fn empty(&self) -> Declared {
        self.schema("Empty")
            .map_or(Declared::Unit, Declared::Schema)
    }

    /// The schema called `name`, or ending in it at a word boundary, with the most used prefix; `None`
    /// when there is none or two are equally likely.
    fn schema(&self, name: &str) -> Option<String> {
        if self.doc.schemas.contains_key(name) {
            return Some(name.to_owned());
        }
        let mut ranked: Vec<(usize, usize, &String)> = self
            .doc
            .schemas
            .keys()
            .filter_map(|key| {
                let prefix = key.strip_suffix(name)?;
                let boundary =
                    prefix.ends_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit());
                boundary.then(|| {
                    let uses = self.prefix_uses.get(prefix).copied().unwrap_or(0);
                    (uses, usize::MAX - prefix.len(), key)
                })
            })
            .collect();
        ranked.sort();
        match ranked.as_slice() {
            [.., second, best] if (second.0, second.1) == (best.0, best.1) => None,
            [.., best] => Some(best.2.clone()),
            [] => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"{
        "name": "x", "version": "v2",
        "schemas": {
            "GoogleCloudXV2ExportResponse": {"type": "object"},
            "GoogleCloudXV2beta1ExportResponse": {"type": "object"},
            "GoogleCloudXV2Document": {"type": "object"},
            "GoogleCloudXV2KnowledgeOperationMetadata": {"type": "object"},
            "GoogleCloudXV2ExportRequest": {"type": "object"},
            "GoogleProtobufEmpty": {"type": "object"},
            "GoogleLongrunningOperation": {"type": "object"}
        },
        "resources": {"agent": {"methods": {
            "export": {"id": "x.agent.export", "path": "v2/agent:export", "httpMethod": "POST",
                "request": {"$ref": "GoogleCloudXV2ExportRequest"}, "response": {"$ref": "GoogleLongrunningOperation"},
                "description": "Exports. The returned `Operation` type has the following method-specific fields: - `metadata`: An empty [Struct message](https://x) - `response`: ExportResponse"},
            "create": {"id": "x.agent.create", "path": "v2/agent", "httpMethod": "POST",
                "request": {"$ref": "GoogleCloudXV2Document"}, "response": {"$ref": "GoogleLongrunningOperation"},
                "description": "Creates. The returned `Operation` type has the following method-specific fields: - `metadata`: KnowledgeOperationMetadata - `response`: Document"},
            "delete": {"id": "x.agent.delete", "path": "v2/agent", "httpMethod": "DELETE",
                "response": {"$ref": "GoogleLongrunningOperation"},
                "description": "method-specific fields: - `metadata`: Unheard - `response`: An [Empty message](https://x) Note: more."},
            "train": {"id": "x.agent.train", "path": "v2/agent:train", "httpMethod": "POST",
                "response": {"$ref": "GoogleLongrunningOperation"}, "description": "Trains."}
        }}}
    }"#;

    fn doc() -> Document {
        crate::parse::parse(DOC).unwrap()
    }

    fn schema(key: &str) -> Option<Declared> {
        Some(Declared::Schema(key.to_owned()))
    }

    #[test]
    fn reads_descriptions_and_prefers_the_apis_own_schemas() {
        let found = find(&doc(), &BTreeMap::new(), true).unwrap();
        assert_eq!(
            found["x.agent.export"],
            DeclaredResult {
                response: schema("GoogleCloudXV2ExportResponse"),
                metadata: Some(Declared::Json),
            }
        );
        assert_eq!(
            found["x.agent.create"],
            DeclaredResult {
                response: schema("GoogleCloudXV2Document"),
                metadata: schema("GoogleCloudXV2KnowledgeOperationMetadata"),
            }
        );
        // A message the document lacks is JSON; Empty is the document's schema for it.
        assert_eq!(
            found["x.agent.delete"],
            DeclaredResult {
                response: schema("GoogleProtobufEmpty"),
                metadata: Some(Declared::Json),
            }
        );
        assert!(!found.contains_key("x.agent.train"));
    }

    #[test]
    fn overrides_win_and_are_checked() {
        let entry = |response: &str, metadata: Option<&str>| ResultOverride {
            response: Some(response.to_owned()),
            metadata: metadata.map(str::to_owned),
        };
        let overrides = BTreeMap::from([(
            "x.agent.train".to_owned(),
            entry("GoogleCloudXV2Document", Some(STRUCT)),
        )]);
        let found = find(&doc(), &overrides, true).unwrap();
        assert_eq!(
            found["x.agent.train"],
            DeclaredResult {
                response: schema("GoogleCloudXV2Document"),
                metadata: Some(Declared::Json),
            }
        );
        let bad = BTreeMap::from([("x.agent.gone".to_owned(), entry(EMPTY, None))]);
        assert_eq!(
            find(&doc(), &bad, true).unwrap_err().to_string(),
            "manifest.operation_results.\"x.agent.gone\": no method of the document has this id"
        );
        let bad = BTreeMap::from([("x.agent.train".to_owned(), entry("Document", None))]);
        assert_eq!(
            find(&doc(), &bad, true).unwrap_err().to_string(),
            "manifest.operation_results.\"x.agent.train\".response: `Document` is not a schema of the \
             document, `google.protobuf.Empty` or `google.protobuf.Struct`"
        );
    }

    #[test]
    fn empty_without_a_schema_is_unit() {
        let mut d = doc();
        d.schemas.remove("GoogleProtobufEmpty");
        let found = find(&d, &BTreeMap::new(), true).unwrap();
        assert_eq!(found["x.agent.delete"].response, Some(Declared::Unit));
    }
}
