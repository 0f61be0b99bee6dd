//! The README's Rust code is compiled as an app would compile it: each `rust,no_run` block is the
//! `main.rs` of an app crate whose dependencies are exactly the ```toml block above it in its section
//! (paths made absolute), checked with `cargo check` offline against a copy of the workspace's
//! `Cargo.lock`; each `rust,ignore` block must be, byte for byte, a file that the workspace builds.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .unwrap()
}

fn readme() -> String {
    std::fs::read_to_string(root().join("README.md")).unwrap()
}

/// A fenced block: its info string, its body and the heading of the section it is in.
#[derive(Debug)]
struct Fence<'a> {
    info: &'a str,
    body: String,
    section: &'a str,
}

/// The fenced blocks of `text`, in order.
fn fences(text: &str) -> Vec<Fence<'_>> {
    let mut found = Vec::new();
    let mut section = "";
    let mut open: Option<Fence<'_>> = None;
    for line in text.lines() {
        match open.as_mut() {
            Some(_) if line == "```" => found.extend(open.take()),
            Some(fence) => {
                fence.body.push_str(line);
                fence.body.push('\n');
            }
            None => {
                if let Some(info) = line.strip_prefix("```") {
                    open = Some(Fence {
                        info,
                        body: String::new(),
                        section,
                    });
                } else if line.starts_with('#') {
                    section = line;
                }
            }
        }
    }
    assert!(open.is_none(), "an unclosed block");
    found
}

/// The fenced blocks of `text` whose info string is `info`.
fn blocks(text: &str, info: &str) -> Vec<String> {
    fences(text)
        .into_iter()
        .filter(|f| f.info == info)
        .map(|f| f.body)
        .collect()
}

/// A README snippet and the dependencies its section lists for it.
#[derive(Debug)]
struct Snippet {
    section: String,
    dependencies: String,
    code: String,
}

/// Every `rust,no_run` block, with the last ```toml block above it in its section.
fn snippets(text: &str) -> Vec<Snippet> {
    let fences = fences(text);
    let mut found = Vec::new();
    for (i, fence) in fences.iter().enumerate() {
        if fence.info != "rust,no_run" {
            continue;
        }
        let dependencies = fences[..i]
            .iter()
            .rev()
            .take_while(|f| f.section == fence.section)
            .find(|f| f.info == "toml")
            .unwrap_or_else(|| {
                panic!(
                    "the Rust block {} of the README's section {:?} has no ```toml block above it \
                     saying what it depends on",
                    found.len() + 1,
                    fence.section
                )
            });
        found.push(Snippet {
            section: fence.section.to_owned(),
            dependencies: dependencies.body.clone(),
            code: fence.body.clone(),
        });
    }
    found
}

/// Where the apps are written and built: their own workspace and target folder under the workspace's
/// target folder (not the workspace's target folder itself: the `cargo test` running this may hold it).
fn apps_dir(name: &str) -> (PathBuf, PathBuf) {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"));
    let apps = target.join("readme-apps");
    (apps.join(name), apps.join("target"))
}

/// Writes a workspace of one app crate per snippet, with exactly the snippet's dependencies, and
/// `cargo check`s each app alone (so that no other app's features are unified into it). The outcome of
/// each: `Ok` or the compiler's output.
fn check_apps(workspace: &str, snippets: &[Snippet]) -> Vec<Result<(), String>> {
    let root = root();
    let (dir, target) = apps_dir(workspace);
    let _ = std::fs::remove_dir_all(&dir);
    let names: Vec<String> = (1..=snippets.len())
        .map(|i| format!("snippet-{i}"))
        .collect();
    for (name, snippet) in names.iter().zip(snippets) {
        let app = dir.join(name);
        std::fs::create_dir_all(app.join("src")).unwrap();
        // The README's paths are relative to the repository's root.
        let dependencies = snippet
            .dependencies
            .replace("path = \"", &format!("path = \"{}/", root.display()));
        let manifest = format!(
            "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
             {dependencies}"
        );
        std::fs::write(app.join("Cargo.toml"), manifest).unwrap();
        std::fs::write(app.join("src/main.rs"), &snippet.code).unwrap();
    }
    let members: Vec<String> = names.iter().map(|n| format!("{n:?}")).collect();
    let workspace = format!(
        "[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
        members.join(", ")
    );
    std::fs::write(dir.join("Cargo.toml"), workspace).unwrap();
    // The versions the workspace is tested with; cargo drops what the apps do not use.
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    names
        .iter()
        .map(|name| {
            let output = Command::new(&cargo)
                .args(["check", "--offline", "--quiet", "--package", name])
                .current_dir(&dir)
                .env("CARGO_TARGET_DIR", &target)
                .output()
                .expect("cargo runs");
            match output.status.success() {
                true => Ok(()),
                false => Err(String::from_utf8_lossy(&output.stderr).into_owned()),
            }
        })
        .collect()
}

#[test]
fn readme_snippets_build_with_exactly_the_dependencies_they_list() {
    let snippets = snippets(&readme());
    assert!(snippets.len() >= 4, "{snippets:#?}");
    let outcomes = check_apps("listed", &snippets);
    let failed: Vec<String> = snippets
        .iter()
        .zip(outcomes)
        .filter_map(|(snippet, outcome)| {
            let error = outcome.err()?;
            Some(format!(
                "the Rust block of {:?}, with\n{}\n{error}",
                snippet.section, snippet.dependencies
            ))
        })
        .collect();
    assert!(failed.is_empty(), "{}", failed.join("\n\n"));
}

/// The check above catches a snippet that needs what its section does not list: a feature
/// (`tracing-subscriber`'s `env-filter`, for `with_env_filter`) or a whole crate (`tracing`).
#[test]
fn a_snippet_needing_an_unlisted_dependency_fails_the_check() {
    let snippets = snippets(&readme());
    let using = |needle: &str| {
        snippets
            .iter()
            .find(|s| s.code.contains(needle))
            .unwrap_or_else(|| panic!("a snippet uses {needle}"))
    };
    let without = |snippet: &Snippet, listed: &str, instead: &str| {
        assert!(snippet.dependencies.contains(listed), "{snippet:#?}");
        Snippet {
            section: snippet.section.clone(),
            dependencies: snippet.dependencies.replacen(listed, instead, 1),
            code: snippet.code.clone(),
        }
    };
    let env_filter = using("with_env_filter");
    let tracing = using("tracing::subscriber::set_global_default");
    let tracing_line = tracing
        .dependencies
        .lines()
        .find(|line| line.starts_with("tracing ="))
        .expect("the OpenTelemetry snippet lists tracing");
    let broken = [
        without(env_filter, "\"env-filter\", ", ""),
        without(tracing, &format!("{tracing_line}\n"), ""),
    ];
    let outcomes = check_apps("unlisted", &broken);
    let [feature, krate] = &outcomes[..] else {
        unreachable!()
    };
    let feature = feature
        .as_ref()
        .expect_err("with_env_filter without env-filter");
    assert!(feature.contains("with_env_filter"), "{feature}");
    let krate = krate.as_ref().expect_err("tracing:: without tracing");
    assert!(krate.contains("tracing"), "{krate}");
}

#[test]
fn readme_rust_blocks_are_compiled_code() {
    let root = root();
    let readme = readme();
    let copies = [
        "tests/tests/media_app/mod.rs",
        "tests/tests/batch_app/mod.rs",
        "examples/testing-app/tests/app.rs",
        "cli/tests/walkthrough/app/src/lib.rs",
        "cli/tests/walkthrough/app/tests/app.rs",
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
    // Apps, checked above; no other kind of Rust block.
    assert!(blocks(&readme, "rust,no_run").len() >= 4);
    assert!(blocks(&readme, "rust").is_empty());
    let all = readme.matches("```rust").count();
    assert_eq!(all, ignored.len() + blocks(&readme, "rust,no_run").len());
}
