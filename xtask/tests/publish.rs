//! Publishing (issue 29): the runtime and a crate generated with `runtime = { registry = NAME }` and
//! `[package] publish = true` go to a registry on 127.0.0.1 by `cargo publish` (which packages and
//! verifies them), and an app outside the repository builds against both by version from it.
//!
//! Nothing leaves 127.0.0.1: the registry also serves crates.io's crates from the local cargo cache (the
//! workspace's build fetched them; only the versions cached there), and every cargo here runs with a
//! cargo home of its own whose configuration replaces crates.io with it. (`--offline` cannot be used: it
//! turns off every registry reached over HTTP, the loopback one too.)
//!
//! The target folder is `target/publish-registry`, not the workspace's: crates from a replaced source
//! are unpacked under the scratch cargo home, and cargo's fingerprint of a registry crate holds the
//! absolute path of its sources, so sharing would rebuild the workspace's dependencies in place each
//! run (and the workspace's next build would rebuild them back). The cost is one build of the
//! runtime's dependencies per run (the scratch home, and the registry's port in its folder's name,
//! change every run).

#[path = "support/registry.rs"]
mod registry;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

use registry::Registry;

const REGISTRY: &str = "loopback";

/// A scratch folder outside the repository, and the cargo home every cargo here uses.
struct Scratch {
    dir: PathBuf,
    home: PathBuf,
    target: PathBuf,
}

impl Scratch {
    fn new(registry: &Registry) -> Scratch {
        let dir = std::env::temp_dir().join(format!("discogen-publish-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let home = dir.join("cargo-home");
        std::fs::create_dir_all(&home).unwrap();
        // The workspace's profile settings (less debug information to write).
        let config = format!(
            "{}\n[profile.dev]\ndebug = \"line-tables-only\"\n\n[profile.dev.package.\"*\"]\ndebug = false\n",
            registry.cargo_config(REGISTRY)
        );
        std::fs::write(home.join("config.toml"), config).unwrap();
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| xtask::project_root().join("target"))
            .join("publish-registry");
        Scratch { dir, home, target }
    }

    /// Runs cargo in `dir` with the scratch cargo home, the registry's token and the shared target.
    fn cargo(&self, dir: &Path, args: &[&str]) -> Output {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let started = Instant::now();
        let output = Command::new(cargo)
            .args(args)
            .current_dir(dir)
            .env("CARGO_HOME", &self.home)
            .env("CARGO_TARGET_DIR", &self.target)
            .env("CARGO_REGISTRIES_LOOPBACK_TOKEN", registry::TOKEN)
            .env("CARGO_TERM_COLOR", "never")
            .env_remove("RUSTFLAGS")
            .output()
            .expect("cargo runs");
        let compiled = String::from_utf8_lossy(&output.stderr)
            .lines()
            .filter(|line| line.trim_start().starts_with("Compiling "))
            .count();
        eprintln!(
            "cargo {} ({:.1?}, {compiled} crates compiled)",
            args.join(" "),
            started.elapsed()
        );
        output
    }

    fn cargo_ok(&self, dir: &Path, args: &[&str], registry: &Registry) -> String {
        let output = self.cargo(dir, args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success(),
            "cargo {} failed:\n{stderr}\nrequests: {:#?}",
            args.join(" "),
            registry.log()
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }
}

/// Generates drive-v3 and sheets-v4 (Google's documents) into a scratch project whose manifest takes the runtime from the
/// registry and publishes; returns the crate's folder.
fn generate_publishable(scratch: &Scratch) -> PathBuf {
    let project = scratch.dir.join("project");
    std::fs::create_dir_all(project.join("discovery")).unwrap();
    for (from, to) in [
        ("tests/media-apis/drive.v3.json", "drive.v3.json"),
        (
            "cli/tests/walkthrough/documents/sheets.v4.json",
            "sheets.v4.json",
        ),
    ] {
        std::fs::copy(
            xtask::project_root().join(from),
            project.join("discovery").join(to),
        )
        .unwrap();
    }
    let manifest = format!(
        "runtime = {{ registry = \"{REGISTRY}\" }}\n\n[package]\npublish = true\n\n\
         [[api]]\ndocument = \"drive.v3.json\"\ncrate = \"drive-v3\"\nout = \"drive-v3\"\n\n\
         [[api]]\ndocument = \"sheets.v4.json\"\ncrate = \"sheets-v4\"\nout = \"sheets-v4\"\n"
    );
    std::fs::write(project.join("discovery/manifest.toml"), manifest).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["generate", "--root", project.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    project
}

/// An app crate in `dir` (its own workspace) with `dependencies`, the registry configuration and the
/// workspace's Cargo.lock (the versions it was built with).
fn app(scratch: &Scratch, name: &str, dependencies: &str, main: &str) -> PathBuf {
    let dir = scratch.dir.join(name);
    std::fs::create_dir_all(dir.join("src")).unwrap();
    let manifest = format!(
        "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\n{dependencies}\n[workspace]\n"
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
    std::fs::write(dir.join("src/main.rs"), main).unwrap();
    std::fs::copy(
        xtask::project_root().join("Cargo.lock"),
        dir.join("Cargo.lock"),
    )
    .unwrap();
    dir
}

const APP: &str = r#"#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = drive_v3::Client::builder()
        .api_key("key")
        .retry_policy(discogen_runtime::RetryPolicy::none())
        .build()?;
    let _files = client.files();
    println!("built against {}", drive_v3::Client::DEFAULT_BASE_URL);
    Ok(())
}
"#;

// About 45 to 80 s on two shared cores (most of it building the runtime's dependencies from the
// registry's sources): run by .ci/run explicitly (`cargo test -p xtask --test publish -- --ignored`).
#[test]
#[ignore = "builds the runtime's dependencies in a target folder of its own; .ci/run runs it"]
fn the_runtime_and_a_generated_crate_publish_to_a_loopback_registry_and_an_app_builds_against_them()
{
    let started = Instant::now();
    let registry = Registry::with_upstream(&registry::cargo_home());
    let scratch = Scratch::new(&registry);
    let root = xtask::project_root();

    // The runtime, from the workspace: packaged, verified (built from the package) and uploaded.
    let publish = ["publish", "--registry", REGISTRY, "--allow-dirty"];
    let mut runtime_publish = publish.to_vec();
    runtime_publish.extend(["-p", "discogen-runtime"]);
    scratch.cargo_ok(&root, &runtime_publish, &registry);
    let runtime = registry.index_entries("discogen-runtime");
    assert_eq!(runtime.len(), 1, "{runtime:#?}");
    assert_eq!(runtime[0]["vers"], discogen::RUNTIME_VERSION);
    let serde = runtime[0]["deps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "serde")
        .expect("the runtime depends on serde");
    assert_eq!(
        serde["registry"], "https://github.com/rust-lang/crates.io-index",
        "{serde}"
    );

    // A generated crate whose runtime comes from that registry.
    let project = generate_publishable(&scratch);
    let generated = project.join("drive-v3");
    let cargo_toml = std::fs::read_to_string(generated.join("Cargo.toml")).unwrap();
    assert!(!cargo_toml.contains("publish"), "{cargo_toml}");
    assert!(
        cargo_toml.contains(&format!(
            "discogen-runtime = {{ version = \"{}\", registry = \"{REGISTRY}\", default-features = false }}",
            discogen::RUNTIME_VERSION
        )),
        "{cargo_toml}"
    );
    // The versions the workspace is tested with (and the registry can serve).
    std::fs::copy(root.join("Cargo.lock"), generated.join("Cargo.lock")).unwrap();
    scratch.cargo_ok(&generated, &publish, &registry);
    // Every generated crate packages (verified: built from its package against the registry's runtime).
    let sheets = project.join("sheets-v4");
    std::fs::copy(root.join("Cargo.lock"), sheets.join("Cargo.lock")).unwrap();
    scratch.cargo_ok(&sheets, &["package", "--allow-dirty"], &registry);
    let crate_entry = registry.index_entries("drive-v3");
    assert_eq!(crate_entry.len(), 1, "{crate_entry:#?}");
    let version = crate_entry[0]["vers"].as_str().unwrap().to_owned();
    assert!(version.starts_with("0.1.0+"), "{version}");
    let on_runtime = crate_entry[0]["deps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "discogen-runtime")
        .expect("the generated crate depends on the runtime")
        .clone();
    // The same registry: no `registry` field; the caret requirement of the generator's runtime.
    assert_eq!(
        on_runtime["registry"],
        serde_json::Value::Null,
        "{on_runtime}"
    );
    assert_eq!(
        on_runtime["req"],
        format!("^{}", discogen::RUNTIME_VERSION),
        "{on_runtime}"
    );

    // An app outside the repository takes both by version from the registry, builds and runs.
    let dependencies = format!(
        "discogen-runtime = {{ version = \"{}\", registry = \"{REGISTRY}\" }}\n\
         drive-v3 = {{ version = \"0.1.0\", registry = \"{REGISTRY}\", default-features = false, features = [\"files\"] }}\n\
         tokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }}\n",
        discogen::RUNTIME_VERSION
    );
    let app_dir = app(&scratch, "loopback-app", &dependencies, APP);
    let build_started = Instant::now();
    let stdout = scratch.cargo_ok(&app_dir, &["run"], &registry);
    eprintln!("the app built and ran in {:.1?}", build_started.elapsed());
    assert_eq!(
        stdout.trim(),
        "built against https://www.googleapis.com/drive/v3/"
    );
    let lock = std::fs::read_to_string(app_dir.join("Cargo.lock")).unwrap();
    for (name, version) in [
        ("discogen-runtime", discogen::RUNTIME_VERSION),
        ("drive-v3", version.as_str()),
    ] {
        let locked = format!(
            "name = \"{name}\"\nversion = \"{version}\"\nsource = \"{}\"",
            registry.index_url()
        );
        assert!(
            lock.contains(&locked),
            "{name} is not locked to the registry:\n{lock}"
        );
    }

    // And a requirement the registry cannot meet fails: no later minor of the generated crate.
    let wrong = dependencies.replace(
        "drive-v3 = { version = \"0.1.0\"",
        "drive-v3 = { version = \"0.2.0\"",
    );
    let wrong_dir = app(&scratch, "wrong-version-app", &wrong, APP);
    let output = scratch.cargo(&wrong_dir, &["generate-lockfile"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert!(
        stderr.contains("failed to select a version for the requirement `drive-v3 = \"^0.2.0\"`"),
        "{stderr}"
    );

    std::fs::remove_dir_all(&scratch.dir).unwrap();
    eprintln!("published and built in {:.1?}", started.elapsed());
}
