//! The manifest (`discovery/manifest.toml` in this project): which documents to generate, into which
//! crates and folders, with which rules.
//!
//! ```
//! let manifest = discogen::manifest::Manifest::parse(
//!     r#"
//!     runtime = "runtime"
//!     command = "cargo xtask generate"
//!
//!     [[api]]
//!     document = "dialogflow.v2.json"
//!     crate = "dialogflow-v2"
//!     out = "generated/dialogflow-v2"
//!     omit_unreached = ["GoogleCloudDialogflowV2beta1"]
//!     "#,
//! )
//! .unwrap();
//! let api = &manifest.apis[0];
//! assert_eq!(
//!     manifest.runtime_source(api),
//!     discogen::RuntimeSource::Path("../../runtime".to_owned())
//! );
//! let rules = api.rules(None); // no `descriptions` document to read
//! # let _ = rules;
//! ```

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::Error;

/// A whole manifest: how the crates reach the runtime, what regenerates them, their package
/// metadata, and one entry per API.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// How generated crates reach `discogen-runtime`.
    pub runtime: ManifestRuntime,
    /// The command the generated files' header tells a reader to run (default
    /// `cargo discogen generate`).
    #[serde(default = "default_command")]
    pub command: String,
    /// The package metadata of every generated crate, and whether they may be published.
    #[serde(default)]
    pub package: ManifestPackage,
    /// The `[[api]]` entries, in order.
    #[serde(rename = "api", default)]
    pub apis: Vec<ManifestApi>,
}

fn default_command() -> String {
    "cargo discogen generate".to_owned()
}

/// `runtime`: a folder relative to the project root (`"runtime"`, or `{ path = "runtime" }`), a
/// registry (`{ registry = "crates-io" }`, or another registry of the app's cargo configuration), or a
/// git repository at a tag or revision (`{ git = "https://...", tag = "runtime-v0.2.0" }`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged, deny_unknown_fields)]
pub enum ManifestRuntime {
    /// A folder, relative to the project root.
    Folder(String),
    /// `{ path = DIR }`: a folder, relative to the project root.
    Path {
        /// The folder.
        path: String,
    },
    /// `{ registry = NAME }`: the runtime by version from a registry (`crates-io` for crates.io).
    Registry {
        /// The registry's name.
        registry: String,
    },
    /// `{ git = URL, tag = T }` or `{ git = URL, rev = R }`.
    Git {
        /// The repository.
        git: String,
        /// A tag.
        tag: Option<String>,
        /// A commit.
        rev: Option<String>,
    },
}

/// `[package]`: what every generated crate's `Cargo.toml` carries beside its name and version.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestPackage {
    /// Whether the crates may be published to a registry (default `false`: `publish = false`).
    #[serde(default)]
    pub publish: bool,
    /// The `repository` URL.
    pub repository: Option<String>,
    /// The `homepage` URL.
    pub homepage: Option<String>,
    /// The `authors`.
    #[serde(default)]
    pub authors: Vec<String>,
    /// The `license` (default `Apache-2.0`, the license of Google's Discovery documents).
    pub license: Option<String>,
}

/// One `[[api]]` entry: a document and the crate generated from it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestApi {
    /// The document's file name in `discovery/`.
    pub document: String,
    /// The package name of the generated crate.
    #[serde(rename = "crate")]
    pub crate_name: String,
    /// The crate's folder, relative to the project root.
    pub out: String,
    /// Regional endpoints the document does not list: a URL with `{location}`.
    pub location_endpoint: Option<String>,
    /// Schema name prefixes (other API versions bundled in the document) whose schemas are left out
    /// unless something kept reaches them.
    #[serde(default)]
    pub omit_unreached: Vec<String>,
    /// An older revision of the document whose descriptions fill what this one lacks.
    pub descriptions: Option<ManifestDescriptions>,
    /// The result types of operations whose methods' descriptions do not name them, by method id.
    #[serde(default)]
    pub operation_results: BTreeMap<String, ResultOverride>,
}

/// `[api.descriptions]`: where the older revision is and where it came from.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestDescriptions {
    /// The document's path in `discovery/`, checked in byte for byte.
    pub document: String,
    /// Its provenance, e.g. `google-api-python-client 2.188.0`.
    pub from: String,
}

/// `[api.operation_results."method.id"]`: the types of an operation's results, for a method whose
/// description does not name them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResultOverride {
    /// The schema the finished operation's `response` holds, or `google.protobuf.Empty` /
    /// `google.protobuf.Struct`.
    pub response: Option<String>,
    /// The schema its `metadata` holds, named the same way.
    pub metadata: Option<String>,
}

impl Manifest {
    /// Reads a manifest from its TOML text; unknown keys are errors.
    pub fn parse(text: &str) -> Result<Manifest, Error> {
        let manifest: Manifest =
            toml::from_str(text).map_err(|e| Error::new("manifest", e.to_string()))?;
        if let ManifestRuntime::Git { tag, rev, .. } = &manifest.runtime {
            if tag.is_some() == rev.is_some() {
                return Err(Error::new(
                    "manifest.runtime",
                    "a git runtime takes exactly one of `tag` and `rev`",
                ));
            }
        }
        Ok(manifest)
    }

    /// How `api`'s crate reaches the runtime: a folder as seen from the crate's own.
    pub fn runtime_source(&self, api: &ManifestApi) -> crate::RuntimeSource {
        match &self.runtime {
            ManifestRuntime::Folder(path) | ManifestRuntime::Path { path } => {
                crate::RuntimeSource::Path(api.relative(path))
            }
            ManifestRuntime::Registry { registry } => crate::RuntimeSource::Registry {
                registry: (registry != "crates-io").then(|| registry.clone()),
            },
            ManifestRuntime::Git { git, tag, rev } => crate::RuntimeSource::Git {
                url: git.clone(),
                reference: match (tag, rev) {
                    (Some(tag), _) => crate::GitReference::Tag(tag.clone()),
                    (None, rev) => crate::GitReference::Rev(rev.clone().unwrap_or_default()),
                },
            },
        }
    }

    /// The package metadata of every crate.
    pub fn package_metadata(&self) -> crate::PackageMetadata {
        let package = &self.package;
        crate::PackageMetadata {
            publish: package.publish,
            repository: package.repository.clone(),
            homepage: package.homepage.clone(),
            authors: package.authors.clone(),
            license: package.license.clone(),
            command: self.command.clone(),
        }
    }
}

impl ManifestApi {
    /// The rules for this API's document (see [`crate::Rules`]). `description_text` is the text of the
    /// document `descriptions` names, which the caller reads (this crate does no I/O); without it, no
    /// descriptions are carried.
    pub fn rules(&self, description_text: Option<String>) -> crate::Rules {
        let mut rules = crate::Rules::default().with_omit_unreached(self.omit_unreached.clone());
        if let Some((source, text)) = self.descriptions.as_ref().zip(description_text) {
            rules = rules.with_descriptions(text, source.from.clone());
        }
        for (method, result) in &self.operation_results {
            rules = rules.with_operation_result(method.clone(), result.clone());
        }
        rules
    }

    /// `path` (relative to the project root) as seen from this crate's folder; an absolute path as it is.
    fn relative(&self, path: &str) -> String {
        if std::path::Path::new(path).is_absolute() {
            return path.to_owned();
        }
        let depth = self
            .out
            .trim_matches('/')
            .split('/')
            .filter(|c| !c.is_empty())
            .count();
        format!("{}{}", "../".repeat(depth), path)
    }
}
