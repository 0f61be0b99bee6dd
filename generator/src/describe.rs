//! Descriptions, between parse and select: what an older revision of the same document says where the
//! pinned one says nothing.
//!
//! Google's Python package stopped shipping Dialogflow's descriptions in 2.189.0; the last release that has
//! them still describes almost every item of today's document. Items are matched by wire identity (schema
//! name and property path, method id, parameter name, enum value, scope URL), a description is carried
//! only onto an item that has none, and never onto one whose type changed since that revision (a property
//! that became a map, a method whose request or response is another schema).

use std::collections::BTreeMap;

use crate::parse::{Document, Method, Resource, Schema};
use crate::Error;

/// An older revision of a document whose descriptions fill what the pinned one lacks.
#[derive(Debug, Clone, Default)]
pub struct DescriptionSource {
    /// The document's text.
    pub text: String,
    /// Where it comes from, for the crate docs, e.g. `google-api-python-client 2.188.0`.
    pub provenance: String,
}

/// How many descriptions were carried, and from which revision.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Carried {
    /// The source document's revision.
    pub revision: String,
    /// Its provenance (as `DescriptionSource::provenance` gives it).
    pub provenance: String,
    /// Descriptions carried: of the API, schemas, properties, methods, parameters, enum values and scopes.
    pub count: usize,
}

/// Fills the missing descriptions of `doc` from `source`. The source must be the same API and version.
pub fn fill(doc: &mut Document, source: &DescriptionSource) -> Result<Carried, Error> {
    let older = crate::parse::parse(&source.text).map_err(|e| {
        Error::new(
            format!("manifest.descriptions: {}", e.path),
            format!("in the description source: {}", e.message),
        )
    })?;
    if older.name != doc.name || older.version != doc.version {
        return Err(Error::new(
            "manifest.descriptions",
            format!(
                "the description source is {} {}, not {} {}",
                older.name, older.version, doc.name, doc.version
            ),
        ));
    }
    let mut filler = Filler { count: 0 };
    filler.text(&mut doc.description, &older.description);
    for (name, schema) in &mut doc.schemas {
        if let Some(old) = older.schemas.get(name) {
            filler.schema(schema, old);
        }
    }
    for (name, param) in &mut doc.parameters {
        if let Some(old) = older.parameters.get(name) {
            filler.schema(param, old);
        }
    }
    if let (Some(auth), Some(old_auth)) = (&mut doc.auth, &older.auth) {
        if let (Some(oauth), Some(old_oauth)) = (&mut auth.oauth2, &old_auth.oauth2) {
            for (url, scope) in &mut oauth.scopes {
                if let Some(old) = old_oauth.scopes.get(url) {
                    filler.text(&mut scope.description, &old.description);
                }
            }
        }
    }
    let old_methods = older.methods_by_id();
    filler.methods(&mut doc.methods, &mut doc.resources, &old_methods);
    Ok(Carried {
        revision: older.revision.unwrap_or_default(),
        provenance: source.provenance.clone(),
        count: filler.count,
    })
}

struct Filler {
    count: usize,
}

impl Filler {
    fn text(&mut self, target: &mut Option<String>, source: &Option<String>) {
        if is_blank(target) && !is_blank(source) {
            target.clone_from(source);
            self.count += 1;
        }
    }

    /// A schema, property or parameter of the same type: its description, its enum values' and, for an
    /// object, array or map, those of what it holds.
    fn schema(&mut self, target: &mut Schema, source: &Schema) {
        if !same_type(target, source) {
            return;
        }
        self.text(&mut target.description, &source.description);
        self.enum_values(target, source);
        for (name, property) in &mut target.properties {
            if let Some(old) = source.properties.get(name) {
                self.schema(property, old);
            }
        }
        if let (Some(items), Some(old)) = (&mut target.items, &source.items) {
            self.schema(items, old);
        }
        if let (Some(values), Some(old)) = (
            &mut target.additional_properties,
            &source.additional_properties,
        ) {
            self.schema(values, old);
        }
    }

    /// Enum descriptions by value: the arrays are parallel to `enum`, which may have changed.
    fn enum_values(&mut self, target: &mut Schema, source: &Schema) {
        if target.enum_values.is_empty() {
            return;
        }
        let old: BTreeMap<&str, &str> = source
            .enum_values
            .iter()
            .zip(&source.enum_descriptions)
            .map(|(value, description)| (value.as_str(), description.as_str()))
            .collect();
        let wanted = target.enum_values.len();
        if target.enum_descriptions.len() < wanted {
            target.enum_descriptions.resize(wanted, String::new());
        }
        for (value, description) in target.enum_values.iter().zip(&mut target.enum_descriptions) {
            match old.get(value.as_str()) {
                Some(text) if description.trim().is_empty() && !text.trim().is_empty() => {
                    *description = (*text).to_owned();
                    self.count += 1;
                }
                _ => {}
            }
        }
    }

    fn methods(
        &mut self,
        methods: &mut BTreeMap<String, Method>,
        resources: &mut BTreeMap<String, Resource>,
        old: &BTreeMap<&str, &Method>,
    ) {
        for method in methods.values_mut() {
            let Some(source) = method.id.as_deref().and_then(|id| old.get(id)) else {
                continue;
            };
            if !same_signature(method, source) {
                continue;
            }
            self.text(&mut method.description, &source.description);
            for (name, param) in &mut method.parameters {
                if let Some(old) = source.parameters.get(name) {
                    self.schema(param, old);
                }
            }
        }
        for resource in resources.values_mut() {
            self.methods(&mut resource.methods, &mut resource.resources, old);
        }
    }
}

fn is_blank(text: &Option<String>) -> bool {
    text.as_deref().is_none_or(|t| t.trim().is_empty())
}

/// Whether two schemas declare the same type: kind, `$ref`, format, where a parameter goes and whether it
/// repeats, and the same for what an array or a map holds. The properties of an object are compared one
/// by one as they are filled.
fn same_type(a: &Schema, b: &Schema) -> bool {
    let same_inner = |x: &Option<Box<Schema>>, y: &Option<Box<Schema>>| match (x, y) {
        (None, None) => true,
        (Some(x), Some(y)) => same_type(x, y),
        _ => false,
    };
    a.kind == b.kind
        && a.reference == b.reference
        && a.format == b.format
        && a.location == b.location
        && a.repeated == b.repeated
        && same_inner(&a.items, &b.items)
        && same_inner(&a.additional_properties, &b.additional_properties)
}

/// A method keeps its meaning while its HTTP method, request and response types stay the same.
fn same_signature(a: &Method, b: &Method) -> bool {
    let reference = |s: &Option<Schema>| s.as_ref().map(|s| s.reference.clone());
    a.http_method.eq_ignore_ascii_case(&b.http_method)
        && reference(&a.request) == reference(&b.request)
        && reference(&a.response) == reference(&b.response)
}

#[cfg(test)]
mod tests {
    use super::*;

    const OLD: &str = r#"{
        "name": "x", "version": "v1", "revision": "20200101", "description": "The X API.",
        "parameters": {"alt": {"type": "string", "description": "Data format.", "enum": ["json"], "enumDescriptions": ["JSON"]}},
        "schemas": {
            "Thing": {"type": "object", "description": "A thing.", "properties": {
                "name": {"type": "string", "description": "Its name."},
                "size": {"type": "string", "format": "int64", "description": "Its size."},
                "state": {"type": "string", "enum": ["ON", "OFF"], "enumDescriptions": ["On.", "Off."]},
                "inner": {"type": "object", "properties": {"a": {"type": "integer", "description": "A."}}},
                "tags": {"type": "array", "items": {"type": "string", "description": "A tag."}}
            }}
        },
        "resources": {"things": {"methods": {
            "get": {"id": "x.things.get", "path": "v1/{name}", "httpMethod": "GET", "description": "Gets a thing.",
                    "parameters": {"name": {"type": "string", "location": "path", "description": "The name."}},
                    "response": {"$ref": "Thing"}},
            "list": {"id": "x.things.list", "path": "v1/things", "httpMethod": "GET", "description": "Lists things.",
                    "response": {"$ref": "Thing"}}
        }}}
    }"#;

    const NEW: &str = r#"{
        "name": "x", "version": "v1", "revision": "20260101",
        "parameters": {"alt": {"type": "string", "enum": ["json", "proto"]}},
        "schemas": {
            "Thing": {"type": "object", "properties": {
                "name": {"type": "string"},
                "size": {"type": "integer", "format": "int32"},
                "state": {"type": "string", "enum": ["OFF", "ON", "BROKEN"], "enumDescriptions": ["", "Kept.", ""]},
                "inner": {"type": "object", "properties": {"a": {"type": "integer"}, "b": {"type": "string"}}},
                "tags": {"type": "array", "items": {"type": "string"}},
                "added": {"type": "string"}
            }}
        },
        "resources": {"things": {"methods": {
            "get": {"id": "x.things.get", "path": "v1/{+name}", "httpMethod": "GET",
                    "parameters": {"name": {"type": "string", "location": "path"}},
                    "response": {"$ref": "Thing"}},
            "list": {"id": "x.things.list", "path": "v1/things", "httpMethod": "POST", "response": {"$ref": "Thing"}}
        }}}
    }"#;

    fn filled() -> (Document, Carried) {
        let mut doc = crate::parse::parse(NEW).unwrap();
        let source = DescriptionSource {
            text: OLD.to_owned(),
            provenance: "a test".to_owned(),
        };
        let carried = fill(&mut doc, &source).unwrap();
        (doc, carried)
    }

    #[test]
    fn carries_descriptions_by_wire_identity() {
        let (doc, carried) = filled();
        assert_eq!(doc.description.as_deref(), Some("The X API."));
        let thing = &doc.schemas["Thing"];
        assert_eq!(thing.description.as_deref(), Some("A thing."));
        assert_eq!(
            thing.properties["name"].description.as_deref(),
            Some("Its name.")
        );
        assert_eq!(
            thing.properties["inner"].properties["a"]
                .description
                .as_deref(),
            Some("A.")
        );
        assert_eq!(
            thing.properties["tags"]
                .items
                .as_ref()
                .unwrap()
                .description
                .as_deref(),
            Some("A tag.")
        );
        // By value, never over a description the pinned document has.
        assert_eq!(
            thing.properties["state"].enum_descriptions,
            ["Off.", "Kept.", ""]
        );
        assert_eq!(doc.parameters["alt"].enum_descriptions, ["JSON", ""]);
        let get = &doc.resources["things"].methods["get"];
        assert_eq!(get.description.as_deref(), Some("Gets a thing."));
        assert_eq!(
            get.parameters["name"].description.as_deref(),
            Some("The name.")
        );
        assert_eq!(carried.revision, "20200101");
        assert_eq!(carried.count, 10);
    }

    #[test]
    fn never_onto_an_item_whose_type_changed() {
        let (doc, _) = filled();
        let thing = &doc.schemas["Thing"];
        assert_eq!(thing.properties["size"].description, None);
        assert_eq!(thing.properties["added"].description, None);
        // `list` became a POST: another method behind the same id.
        assert_eq!(doc.resources["things"].methods["list"].description, None);
    }

    #[test]
    fn the_source_must_be_the_same_api() {
        let mut doc = crate::parse::parse(NEW).unwrap();
        let source = DescriptionSource {
            text: OLD.replace(
                "\"name\": \"x\", \"version\": \"v1\"",
                "\"name\": \"y\", \"version\": \"v1\"",
            ),
            provenance: String::new(),
        };
        assert_eq!(
            fill(&mut doc, &source).unwrap_err().to_string(),
            "manifest.descriptions: the description source is y v1, not x v1"
        );
        let source = DescriptionSource {
            text: "{".to_owned(),
            provenance: String::new(),
        };
        assert!(fill(&mut doc, &source)
            .unwrap_err()
            .to_string()
            .starts_with("manifest.descriptions: $: in the description source: not valid JSON"));
    }
}
