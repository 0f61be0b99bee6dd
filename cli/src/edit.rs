//! `init`, `add` and `remove`: a project's manifest, documents, crates and workspace, edited in place
//! (comments and layout of the files kept).

use std::path::{Path, PathBuf};
use std::time::Duration;

use toml_edit::{value, Array, DocumentMut, Item, Table};

use crate::project::{manifest_jobs, read_manifest, MANIFEST};
use crate::{commands, fetch};

/// How `init` says crates reach the runtime.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Runtime {
    /// A folder, relative to the project root.
    Path(String),
    /// A registry (`None`: crates.io).
    Registry(Option<String>),
    /// A git repository at a tag (`tag = true`) or a revision.
    Git {
        url: String,
        commit: String,
        tag: bool,
    },
}

impl Runtime {
    /// Reads `path=DIR`, `registry`, `registry=NAME`, `git=URL#tag=T` or `git=URL#rev=R`.
    pub fn parse(text: &str) -> Result<Runtime, String> {
        let (kind, rest) = text.split_once('=').unwrap_or((text, ""));
        match (kind, rest) {
            ("path", dir) if !dir.is_empty() => Ok(Runtime::Path(dir.to_owned())),
            ("registry", "") => Ok(Runtime::Registry(None)),
            ("registry", name) => Ok(Runtime::Registry(Some(name.to_owned()))),
            ("git", spec) => {
                let (url, commit) = spec.split_once('#').unwrap_or((spec, ""));
                match commit.split_once('=') {
                    Some(("tag", tag)) if !url.is_empty() => Ok(Runtime::Git {
                        url: url.to_owned(),
                        commit: tag.to_owned(),
                        tag: true,
                    }),
                    Some(("rev", rev)) if !url.is_empty() => Ok(Runtime::Git {
                        url: url.to_owned(),
                        commit: rev.to_owned(),
                        tag: false,
                    }),
                    _ => Err(format!(
                        "`{text}`: a git runtime is git=URL#tag=T or git=URL#rev=R"
                    )),
                }
            }
            _ => Err(format!(
                "`{text}`: the runtime is path=DIR, registry[=NAME] or git=URL#tag=T (or #rev=R)"
            )),
        }
    }

    /// The manifest's `runtime` value.
    fn to_toml(&self) -> String {
        let quoted = |s: &str| toml_edit::Value::from(s).to_string();
        match self {
            Runtime::Path(dir) => format!("{{ path = {} }}", quoted(dir)),
            Runtime::Registry(None) => "{ registry = \"crates-io\" }".to_owned(),
            Runtime::Registry(Some(name)) => format!("{{ registry = {} }}", quoted(name)),
            Runtime::Git { url, commit, tag } => format!(
                "{{ git = {}, {} = {} }}",
                quoted(url),
                if *tag { "tag" } else { "rev" },
                quoted(commit)
            ),
        }
    }
}

/// Writes a documented `discovery/manifest.toml` in `root` (which must have none yet).
pub fn init(root: &Path, runtime: &Runtime, command: &str) -> Result<PathBuf, String> {
    let path = root.join(MANIFEST);
    if path.exists() {
        return Err(format!("{} exists already", path.display()));
    }
    let text = format!(
        "# discogen's manifest: which Google Discovery documents become Rust crates, and where.\n\
         # `cargo discogen add drive.v3` adds an API (document, entry, crate); `cargo discogen generate`\n\
         # regenerates every crate, and `cargo discogen generate --check` fails when one is stale (for CI);\n\
         # `cargo discogen fetch` takes new revisions, which the next `generate` versions and changelogs.\n\
         #\n\
         # Each API is an [[api]] entry at the end, which `add` writes:\n\
         #   document = \"drive.v3.json\"       its Discovery document, in discovery/\n\
         #   crate = \"drive-v3\"                the package name\n\
         #   out = \"generated/drive-v3\"        the crate's folder\n\
         #   omit_unreached = [\"Prefix\"]      schemas of other API versions that no method uses\n\
         \n\
         # How the generated crates reach discogen-runtime. Each requires the runtime version its generator\n\
         # was made for ({runtime_version}: that or a later patch of the same minor), whatever the source:\n\
         # a folder ({{ path = \"discogen-runtime\" }}, relative to this project), git ({{ git = \"https://...\",\n\
         # tag = \"...\" }} or rev = \"...\"), or a registry ({{ registry = \"crates-io\" }}, once the runtime is\n\
         # published there).\n\
         runtime = {runtime}\n\
         \n\
         # The command the generated files' header tells a reader to run.\n\
         command = {command}\n\
         \n\
         # What every generated crate's Cargo.toml carries: repository, homepage, authors, license\n\
         # (default \"Apache-2.0\"). `publish = true` lets `cargo publish` take the crates (their runtime\n\
         # must then come from a registry).\n\
         [package]\n\
         publish = false\n",
        runtime_version = discogen::RUNTIME_VERSION,
        runtime = runtime.to_toml(),
        command = toml_edit::Value::from(command),
    );
    std::fs::create_dir_all(root.join("discovery")).map_err(|e| e.to_string())?;
    std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(path)
}

/// Where `add` takes a document named by API and version from.
#[derive(Debug, Clone)]
pub struct Source {
    /// A folder of `NAME.VERSION.json` documents (google-api-python-client's cache is one).
    pub from: Option<PathBuf>,
    /// The Discovery service: `{base}apis/NAME/VERSION/rest`.
    pub base_url: String,
}

/// What `add` did.
#[derive(Debug, Clone)]
pub struct Added {
    pub crate_name: String,
    /// The crate's folder, relative to the root.
    pub out: String,
    /// Whether the root `Cargo.toml` is a workspace that now has the crate (and its profile).
    pub in_workspace: bool,
}

/// Adds the API `spec` (`drive.v3`, `drive v3`, a path or an `http(s)://` URL of a document): copies
/// its document into `discovery/`, adds its `[[api]]` entry, generates its crate into `out_dir`, and
/// adds the crate to the root workspace, if there is one, with the profile that builds it as a
/// registry crate.
pub fn add(
    root: &Path,
    spec: &str,
    source: &Source,
    out_dir: &str,
    front: &str,
) -> Result<Added, String> {
    let text = document_text(spec, source)?;
    let info = discogen::document_info(&text).map_err(|e| format!("{spec}: {e}"))?;
    let stem = format!("{}.{}", info.name, info.version);
    let document = format!("{stem}.json");
    let crate_name = discogen::crate_name(&stem);
    let out = format!("{}/{crate_name}", out_dir.trim_end_matches('/'));
    let manifest = read_manifest(root)?;
    if manifest.apis.iter().any(|api| api.document == document) {
        return Err(format!("{document} is in the manifest already"));
    }
    // The crate must generate before anything is written.
    discogen::generate(&text, &discogen::CrateOptions::default())
        .map_err(|e| format!("{spec}: the generator cannot use the document: {e}"))?;
    let path = root.join("discovery").join(&document);
    std::fs::write(&path, &text).map_err(|e| format!("{}: {e}", path.display()))?;
    edit_toml(&root.join(MANIFEST), |manifest| {
        let mut entry = Table::new();
        entry["document"] = value(&document);
        entry["crate"] = value(&crate_name);
        entry["out"] = value(&out);
        match manifest.get_mut("api") {
            Some(Item::ArrayOfTables(apis)) => apis.push(entry),
            _ => {
                let mut apis = toml_edit::ArrayOfTables::new();
                apis.push(entry);
                manifest["api"] = Item::ArrayOfTables(apis);
            }
        }
        Ok(())
    })?;
    let jobs: Vec<_> = manifest_jobs(root)?
        .into_iter()
        .filter(|job| job.crate_name == crate_name)
        .collect();
    commands::generate(root, &jobs, false, front)?;
    let in_workspace = add_to_workspace(root, &crate_name, &out)?;
    Ok(Added {
        crate_name,
        out,
        in_workspace,
    })
}

/// The document `spec` names.
fn document_text(spec: &str, source: &Source) -> Result<String, String> {
    let timeout = Duration::from_secs(60);
    if spec.starts_with("http://") || spec.starts_with("https://") {
        return fetch::download_document(spec, timeout);
    }
    let path = Path::new(spec);
    if spec.ends_with(".json") || path.is_file() {
        return std::fs::read_to_string(path).map_err(|e| format!("{spec}: {e}"));
    }
    let words: Vec<&str> = spec.split([' ', '.']).filter(|w| !w.is_empty()).collect();
    let [name, version] = words[..] else {
        return Err(format!(
            "`{spec}`: name an API as NAME.VERSION (drive.v3), NAME VERSION, a document's path or its URL"
        ));
    };
    match &source.from {
        Some(dir) => {
            let path = dir.join(format!("{name}.{version}.json"));
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))
        }
        None => {
            let base = source.base_url.trim_end_matches('/');
            fetch::download_document(&format!("{base}/apis/{name}/{version}/rest"), timeout)
        }
    }
}

/// Adds `out` to the root workspace's members (unless a glob has it) and the profile override that
/// builds the crate as cargo builds a registry dependency; `false` when the root is no workspace.
fn add_to_workspace(root: &Path, crate_name: &str, out: &str) -> Result<bool, String> {
    let cargo = root.join("Cargo.toml");
    if !cargo.exists() {
        return Ok(false);
    }
    let mut added = false;
    edit_toml(&cargo, |toml| {
        let Some(workspace) = toml.get_mut("workspace").and_then(Item::as_table_mut) else {
            return Ok(());
        };
        added = true;
        let members = workspace
            .entry("members")
            .or_insert(Item::Value(Array::new().into()))
            .as_array_mut()
            .ok_or("workspace.members is not an array")?;
        let covered = members
            .iter()
            .filter_map(|m| m.as_str())
            .any(|m| m == out || m.strip_suffix("/*").is_some_and(|dir| parent(out) == dir));
        if !covered {
            members.push(out);
        }
        let profile = toml
            .entry("profile")
            .or_insert(implicit_table())
            .as_table_mut()
            .ok_or("profile is not a table")?;
        let dev = profile
            .entry("dev")
            .or_insert(implicit_table())
            .as_table_mut()
            .ok_or("profile.dev is not a table")?;
        let package = dev
            .entry("package")
            .or_insert(implicit_table())
            .as_table_mut()
            .ok_or("profile.dev.package is not a table")?;
        let mut settings = Table::new();
        // A path dependency is compiled incrementally, which makes a large generated crate's
        // build slower; an app seldom edits it (BENCHMARKS.md: "Build and size").
        settings["incremental"] = value(false);
        settings["debug"] = value(false);
        package.insert(crate_name, Item::Table(settings));
        Ok(())
    })?;
    Ok(added)
}

fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

fn implicit_table() -> Item {
    let mut table = Table::new();
    table.set_implicit(true);
    Item::Table(table)
}

/// Removes the API whose crate or document is `name`: its entry, document, crate folder, release
/// state, and its workspace member and profile.
pub fn remove(root: &Path, name: &str) -> Result<String, String> {
    let manifest = read_manifest(root)?;
    let api = manifest
        .apis
        .iter()
        .find(|api| {
            api.crate_name == name
                || api.document == name
                || api.document.strip_suffix(".json") == Some(name)
        })
        .ok_or_else(|| format!("`{name}` is not an API of the manifest"))?
        .clone();
    edit_toml(&root.join(MANIFEST), |toml| {
        if let Some(Item::ArrayOfTables(apis)) = toml.get_mut("api") {
            apis.retain(|entry| entry.get("crate").and_then(Item::as_str) != Some(&api.crate_name));
        }
        Ok(())
    })?;
    let files = [
        root.join("discovery").join(&api.document),
        root.join("discovery/previous").join(&api.document),
        root.join("discovery/releases")
            .join(format!("{}.toml", api.crate_name)),
    ];
    for file in files.iter().filter(|f| f.exists()) {
        std::fs::remove_file(file).map_err(|e| format!("{}: {e}", file.display()))?;
    }
    let out = root.join(&api.out);
    if out.exists() {
        std::fs::remove_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    }
    let cargo = root.join("Cargo.toml");
    if cargo.exists() {
        edit_toml(&cargo, |toml| {
            if let Some(members) = toml
                .get_mut("workspace")
                .and_then(|w| w.get_mut("members"))
                .and_then(Item::as_array_mut)
            {
                members.retain(|m| m.as_str() != Some(api.out.as_str()));
            }
            if let Some(packages) = toml
                .get_mut("profile")
                .and_then(|p| p.get_mut("dev"))
                .and_then(|d| d.get_mut("package"))
                .and_then(Item::as_table_mut)
            {
                packages.remove(&api.crate_name);
            }
            Ok(())
        })?;
    }
    Ok(api.crate_name)
}

/// Reads the TOML file at `path`, lets `change` edit it, and writes it back, layout kept.
fn edit_toml(
    path: &Path,
    change: impl FnOnce(&mut DocumentMut) -> Result<(), String>,
) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut document: DocumentMut = text
        .parse()
        .map_err(|e| format!("{}: {e}", path.display()))?;
    change(&mut document).map_err(|e| format!("{}: {e}", path.display()))?;
    std::fs::write(path, document.to_string()).map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runtime_sources_parse() {
        assert_eq!(
            Runtime::parse("path=../discogen/runtime"),
            Ok(Runtime::Path("../discogen/runtime".into()))
        );
        assert_eq!(Runtime::parse("registry"), Ok(Runtime::Registry(None)));
        assert_eq!(
            Runtime::parse("git=https://example.com/d.git#tag=runtime-v0.2.0").map(|r| r.to_toml()),
            Ok(r#"{ git = "https://example.com/d.git", tag = "runtime-v0.2.0" }"#.to_owned())
        );
        for bad in ["path=", "git=https://x", "svn=x", "git=#tag=x"] {
            assert!(Runtime::parse(bad).is_err(), "{bad}");
        }
    }
}
