//! The README's Rust code is compiled: its `rust,no_run` blocks are doctests of `discogen-examples`
//! (whose crate docs are the README), and each `rust,ignore` block must be, byte for byte, a file that the
//! workspace builds.

use std::path::Path;

/// The fenced blocks of `text` whose info string is `info`.
fn blocks<'a>(text: &'a str, info: &str) -> Vec<&'a str> {
    let fence = format!("```{info}\n");
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(&fence) {
        let body = &rest[start + fence.len()..];
        let end = body.find("```\n").expect("a closed block");
        found.push(&body[..end]);
        rest = &body[end..];
    }
    found
}

#[test]
fn readme_rust_blocks_are_compiled_code() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let copies = [
        "tests/tests/media_app/mod.rs",
        "examples/testing-app/tests/app.rs",
        "examples/build-rs/build.rs",
        "examples/build-rs/src/lib.rs",
    ];
    let ignored = blocks(&readme, "rust,ignore");
    assert_eq!(ignored.len(), copies.len(), "{ignored:#?}");
    for (block, file) in ignored.iter().zip(copies) {
        let contents = std::fs::read_to_string(root.join(file)).unwrap();
        assert_eq!(
            *block, contents,
            "the README's copy of {file} differs from it"
        );
    }
    // Doctests, compiled through `examples/src/lib.rs`; no other kind of Rust block.
    assert!(blocks(&readme, "rust,no_run").len() >= 2);
    assert!(blocks(&readme, "rust").is_empty());
    let all = readme.matches("```rust").count();
    assert_eq!(all, ignored.len() + blocks(&readme, "rust,no_run").len());
    let examples = std::fs::read_to_string(root.join("examples/src/lib.rs")).unwrap();
    assert!(examples.contains(r#"include_str!("../../README.md")"#));
}
