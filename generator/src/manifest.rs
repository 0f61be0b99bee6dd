//! `discovery/manifest.toml`: which documents to generate, and where.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::operation_results::ResultOverride;

use crate::Error;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The runtime crate's folder, relative to the project root.
    pub runtime: String,
    #[serde(rename = "api")]
    pub apis: Vec<ManifestApi>,
}

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

impl Manifest {
    pub fn parse(text: &str) -> Result<Manifest, Error> {
        toml::from_str(text).map_err(|e| Error::new("manifest", e.to_string()))
    }
}

impl ManifestApi {
    /// The rules for this API's document (see [`crate::Rules`]). `description_text` is the text of the
    /// document `descriptions` names, which the caller reads (this crate does no I/O); without it, no
    /// descriptions are carried.
    pub fn rules(&self, description_text: Option<String>) -> crate::Rules {
        let descriptions =
            self.descriptions
                .as_ref()
                .zip(description_text)
                .map(|(source, text)| crate::describe::DescriptionSource {
                    text,
                    provenance: source.from.clone(),
                });
        crate::Rules {
            omit_unreached: self.omit_unreached.clone(),
            descriptions,
            operation_results: self.operation_results.clone(),
        }
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
