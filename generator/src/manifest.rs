//! The manifest (`discovery/manifest.toml` in this project): which documents to generate, into which
//! crates and folders, with which rules.
//!
//! ```
//! let manifest = discogen::manifest::Manifest::parse(
//!     r#"
//!     runtime = "runtime"
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
//! assert_eq!(api.runtime_path(&manifest.runtime), "../../runtime");
//! let rules = api.rules(None); // no `descriptions` document to read
//! # let _ = rules;
//! ```

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::Error;

/// A whole manifest: the runtime's folder and one entry per API.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The runtime crate's folder, relative to the project root.
    pub runtime: String,
    /// The `[[api]]` entries, in order.
    #[serde(rename = "api")]
    pub apis: Vec<ManifestApi>,
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
        toml::from_str(text).map_err(|e| Error::new("manifest", e.to_string()))
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

    /// The path of the runtime crate as seen from this crate's folder.
    pub fn runtime_path(&self, runtime: &str) -> String {
        let depth = self
            .out
            .trim_matches('/')
            .split('/')
            .filter(|c| !c.is_empty())
            .count();
        format!("{}{}", "../".repeat(depth), runtime)
    }
}
