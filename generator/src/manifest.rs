//! `discovery/manifest.toml`: which documents to generate, and where.

use serde::Deserialize;

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
}

impl Manifest {
    pub fn parse(text: &str) -> Result<Manifest, Error> {
        toml::from_str(text).map_err(|e| Error::new("manifest", e.to_string()))
    }
}

impl ManifestApi {
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
