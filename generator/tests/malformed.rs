//! Bad input gets one clear error naming where in the document it is, never a panic.

use discogen::CrateOptions;

fn error_of(document: &str) -> String {
    let options = CrateOptions {
        crate_name: "x".into(),
        runtime: discogen::RuntimeSource::Path("runtime".into()),
        source: "x.json".into(),
        ..Default::default()
    };
    discogen::generate(document, &options)
        .expect_err("the document is malformed")
        .to_string()
}

/// A minimal document around one method, to vary its parts.
fn with_method(method: &str) -> String {
    format!(
        r#"{{"name":"x","version":"v1","rootUrl":"https://x.googleapis.com/","servicePath":"",
            "schemas":{{"Thing":{{"id":"Thing","type":"object","properties":{{"a":{{"type":"string"}}}}}}}},
            "resources":{{"things":{{"methods":{{"get":{method}}}}}}}}}"#
    )
}

#[test]
fn truncated_json() {
    let document = with_method(r#"{"path":"v1/things","httpMethod":"GET"}"#);
    let truncated = &document[..document.len() / 2];
    let error = error_of(truncated);
    assert!(error.starts_with("$: not valid JSON (line "), "{error}");
    assert!(error.contains("EOF while parsing"), "{error}");
}

#[test]
fn wrong_types() {
    assert_eq!(
        error_of(&with_method(r#"{"path":"v1/things","httpMethod":"GET","parameterOrder":"name"}"#)),
        "$.resources.things.methods.get.parameterOrder: invalid type: string \"name\", expected a sequence"
    );
    assert_eq!(
        error_of(r#"{"name":"x","version":1}"#),
        "$.version: invalid type: integer `1`, expected a string"
    );
    assert_eq!(
        error_of("[1, 2]"),
        "$: a Discovery document must be a JSON object"
    );
}

#[test]
fn dangling_ref() {
    assert_eq!(
        error_of(&with_method(r#"{"path":"v1/things","httpMethod":"GET","response":{"$ref":"Nothing"}}"#)),
        "$.resources.things.methods.get.response.$ref: $ref `Nothing` names no schema in this document"
    );
}

#[test]
fn duplicate_names() {
    let document = r#"{"name":"x","version":"v1","resources":{"things":{},"things":{}}}"#;
    assert_eq!(
        error_of(document),
        "$.resources: duplicate key `things` at line 1 column 64"
    );
}

#[test]
fn an_error_object_from_the_discovery_service() {
    let document = r#"{"error":{"code":404,"message":"Discovery document not found for API service: nothing.googleapis.com","status":"NOT_FOUND"}}"#;
    assert_eq!(
        error_of(document),
        "$.error: this is an error response from the Discovery service, not a document: Discovery document not found for API service: nothing.googleapis.com"
    );
}

#[test]
fn inconsistent_methods() {
    assert_eq!(
        error_of(&with_method(r#"{"path":"v1/{+name}","httpMethod":"GET"}"#)),
        "$.resources.things.methods.get.path: path variable `name` is not a path parameter of the method"
    );
    assert_eq!(
        error_of(&with_method(r#"{"path":"v1/things","httpMethod":"GET","parameterOrder":["id"]}"#)),
        "$.resources.things.methods.get.parameterOrder[0]: `id` is not one of the method's parameters"
    );
    assert_eq!(
        error_of(&with_method(r#"{"path":"v1/things","httpMethod":"TRACE"}"#)),
        "$.resources.things.methods.get.httpMethod: unsupported HTTP method `TRACE`"
    );
    assert_eq!(
        error_of(&with_method(r#"{"path":"v1/{+name","httpMethod":"GET"}"#)),
        "$.resources.things.methods.get.path: unclosed `{` in path template `v1/{+name`"
    );
}

#[test]
fn schemas_defined_only_by_a_cycle_of_refs() {
    let document = r#"{"name":"x","version":"v1","schemas":{"A":{"$ref":"B"},"B":{"$ref":"A"}}}"#;
    assert_eq!(
        error_of(document),
        "$.schemas.A: the schema is defined only by a cycle of $refs"
    );
}

/// Cuts and corrupts a real document at many places: every outcome is Ok or an Err, never a panic.
#[test]
fn mutations_of_a_real_document_never_panic() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../discovery/workspaceevents.v1.json"
    );
    let document = std::fs::read_to_string(path).unwrap();
    let options = CrateOptions {
        crate_name: "x".into(),
        runtime: discogen::RuntimeSource::Path("runtime".into()),
        source: "x.json".into(),
        ..Default::default()
    };
    let bytes = document.as_bytes();
    let mut errors = 0;
    for i in (0..bytes.len()).step_by(bytes.len() / 50) {
        // Truncation.
        errors += discogen::generate(&document[..floor_char_boundary(&document, i)], &options)
            .is_err() as usize;
        // A structural character replaced by another.
        for replacement in ["\"", "{", "]", ""] {
            let end = floor_char_boundary(&document, i + 1);
            let mutated = format!(
                "{}{replacement}{}",
                &document[..floor_char_boundary(&document, i)],
                &document[end..]
            );
            let _ = discogen::generate(&mutated, &options);
        }
    }
    assert!(
        errors > 40,
        "truncations should fail cleanly, got {errors} errors"
    );
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}
