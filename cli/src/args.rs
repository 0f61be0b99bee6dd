//! The arguments of `fetch` and `diff`, shared by `cargo discogen` and this repository's `cargo xtask`.

use std::path::PathBuf;

use clap::Args;

use crate::{commands, fetch};

/// `fetch [API...] [--base-url URL] [--force]`.
#[derive(Debug, Args)]
pub struct FetchArgs {
    /// APIs to fetch, as crate (`drive-v3`) or document (`drive.v3`) names [default: all]
    #[arg(value_name = "API")]
    pub apis: Vec<String>,
    /// The Discovery service (or a mirror)
    #[arg(long, value_name = "URL", env = "DISCOGEN_DISCOVERY_URL", default_value = fetch::DEFAULT_BASE_URL)]
    pub base_url: String,
    /// Take a revision older than the checked-in one
    #[arg(long)]
    pub force: bool,
}

impl FetchArgs {
    pub fn options(self) -> fetch::FetchOptions {
        fetch::FetchOptions {
            apis: self.apis,
            base_url: self.base_url,
            force: self.force,
            ..Default::default()
        }
    }
}

/// `diff OLD NEW [--docs] [--summary] [--version X.Y.Z]`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The older document
    pub old: PathBuf,
    /// The newer document
    pub new: PathBuf,
    /// Also list documentation-only changes
    #[arg(long)]
    pub docs: bool,
    /// Print only the closing summary line
    #[arg(long)]
    pub summary: bool,
    /// The crate's current version, to print the next one
    #[arg(long, value_name = "X.Y.Z", value_parser = parse_version)]
    pub version: Option<discogen::diff::Version>,
}

impl DiffArgs {
    pub fn options(&self) -> commands::DiffOptions {
        commands::DiffOptions {
            docs: self.docs,
            summary: self.summary,
            version: self.version,
        }
    }
}

fn parse_version(text: &str) -> Result<discogen::diff::Version, String> {
    discogen::diff::Version::parse(text).map_err(|e| e.to_string())
}
