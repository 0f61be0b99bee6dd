//! Selection, between parse and resolve: which schemas of a document become types.
//!
//! Some documents bundle the schemas of other API versions (Dialogflow v2 carries those of v2beta1 and of
//! CX v3, which only describe `Any` payloads that other APIs send). No method of this API reaches them, and
//! compiling them doubles the crate's build time. The manifest names them by prefix; everything else is
//! kept, including schemas reached only through an `@type` (an operation's response or metadata), which no
//! method signature names.

use crate::parse::{Document, Resource, Schema};
use crate::Error;

/// Fails when a prefix matches no schema of the document (at `manifest.omit_unreached[i]`), so that a
/// stale rule does not go unnoticed.
pub fn check_prefixes(doc: &Document, prefixes: &[String]) -> Result<(), Error> {
    for (i, prefix) in prefixes.iter().enumerate() {
        if prefix.is_empty()
            || !doc
                .schemas
                .keys()
                .any(|key| key.starts_with(prefix.as_str()))
        {
            return Err(Error::new(
                format!("manifest.omit_unreached[{i}]"),
                format!("`{prefix}` is the start of no schema name in the document"),
            ));
        }
    }
    Ok(())
}

/// Removes the schemas whose key starts with one of `prefixes` and that nothing kept reaches: not a method
/// (its parameters, request or response), not an operation's declared result (`roots`), not a global
/// parameter, not a kept schema. Returns how many were removed.
pub fn omit_unreached(doc: &mut Document, prefixes: &[String], roots: &[&str]) -> usize {
    if prefixes.is_empty() {
        return 0;
    }
    let omittable = |key: &str| prefixes.iter().any(|p| key.starts_with(p.as_str()));

    let mut roots: Vec<String> = roots.iter().map(|r| (*r).to_owned()).collect();
    for schema in doc.parameters.values() {
        refs_of(schema, &mut roots);
    }
    collect_method_refs(&doc.methods, &doc.resources, &mut roots);
    roots.extend(doc.schemas.keys().filter(|k| !omittable(k)).cloned());

    let kept = crate::reach::closure(roots, |key, out| {
        if let Some(schema) = doc.schemas.get(key) {
            refs_of(schema, out);
        }
    });
    let before = doc.schemas.len();
    doc.schemas.retain(|key, _| kept.contains(key));
    before - doc.schemas.len()
}

fn collect_method_refs(
    methods: &std::collections::BTreeMap<String, crate::parse::Method>,
    resources: &std::collections::BTreeMap<String, Resource>,
    out: &mut Vec<String>,
) {
    for method in methods.values() {
        for schema in method
            .parameters
            .values()
            .chain(&method.request)
            .chain(&method.response)
        {
            refs_of(schema, out);
        }
    }
    for resource in resources.values() {
        collect_method_refs(&resource.methods, &resource.resources, out);
    }
}

/// The `$ref`s in a schema and the schemas nested in it.
fn refs_of(schema: &Schema, out: &mut Vec<String>) {
    out.extend(schema.reference.iter().cloned());
    for nested in schema
        .properties
        .values()
        .chain(schema.items.as_deref())
        .chain(schema.additional_properties.as_deref())
    {
        refs_of(nested, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(json: &str) -> Document {
        crate::parse::parse(json).unwrap()
    }

    const DOC: &str = r#"{
        "name": "x", "version": "v1",
        "schemas": {
            "Own": {"type": "object", "properties": {"o": {"$ref": "OtherUsed"}}},
            "OtherUsed": {"type": "object", "properties": {"n": {"type": "array", "items": {"$ref": "OtherNested"}}}},
            "OtherNested": {"type": "object"},
            "OtherByMethod": {"type": "object", "additionalProperties": {"$ref": "OtherByMap"}},
            "OtherByMap": {"type": "object"},
            "OtherAlone": {"type": "object", "properties": {"x": {"$ref": "Own"}}}
        },
        "resources": {"things": {"methods": {"get": {
            "path": "v1/things", "httpMethod": "GET", "response": {"$ref": "OtherByMethod"}
        }}}}
    }"#;

    #[test]
    fn omits_only_unreached_schemas_with_the_prefixes() {
        let mut d = doc(DOC);
        check_prefixes(&d, &["Other".to_owned()]).unwrap();
        assert_eq!(omit_unreached(&mut d, &["Other".to_owned()], &[]), 1);
        let keys: Vec<&str> = d.schemas.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "OtherByMap",
                "OtherByMethod",
                "OtherNested",
                "OtherUsed",
                "Own"
            ]
        );
    }

    #[test]
    fn no_prefixes_keep_everything() {
        let mut d = doc(DOC);
        assert_eq!(omit_unreached(&mut d, &[], &[]), 0);
        assert_eq!(d.schemas.len(), 6);
    }

    #[test]
    fn a_prefix_matching_nothing_is_an_error() {
        let d = doc(DOC);
        let err = check_prefixes(&d, &["Other".to_owned(), "Gone".to_owned()]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "manifest.omit_unreached[1]: `Gone` is the start of no schema name in the document"
        );
    }
}
