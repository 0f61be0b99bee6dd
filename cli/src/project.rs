//! A project's crates: one [`Job`] per manifest entry, generated in memory with its release.

use std::path::{Path, PathBuf};

use discogen::manifest::Manifest;
use discogen::GeneratedCrate;

use crate::changes;

/// The manifest's path below a project root.
pub const MANIFEST: &str = "discovery/manifest.toml";

/// One crate to generate: which document, and what to call the crate where.
#[derive(Debug, Clone)]
pub struct Job {
    pub document: PathBuf,
    /// How the generated header names the document.
    pub source_label: String,
    pub crate_name: String,
    pub out: PathBuf,
    /// Where the crate's `discogen-runtime` dependency comes from.
    pub runtime: discogen::RuntimeSource,
    /// The package metadata, and the command the header names.
    pub package: discogen::PackageMetadata,
    pub location_endpoint: Option<String>,
    /// The manifest's rules for the document (selection, description source, operation results).
    pub rules: discogen::Rules,
    /// The crate's release history and previous document: set for the APIs of the manifest, whose
    /// crates get versions and a `CHANGELOG.md` from it (see [`changes`]).
    pub release: Option<changes::ReleaseFiles>,
}

/// A crate generated in memory, and the release to record when writing it.
#[derive(Debug, Clone)]
pub struct Generation {
    pub generated: GeneratedCrate,
    /// How much of the crate is documented.
    pub coverage: discogen::Coverage,
    pub new_release: Option<changes::NewRelease>,
}

/// Reads `root`'s manifest.
pub fn read_manifest(root: &Path) -> Result<Manifest, String> {
    let path = root.join(MANIFEST);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    Manifest::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// A job per API of `root`'s manifest.
pub fn manifest_jobs(root: &Path) -> Result<Vec<Job>, String> {
    let manifest = read_manifest(root)?;
    manifest
        .apis
        .iter()
        .map(|api| {
            Ok(Job {
                document: root.join("discovery").join(&api.document),
                source_label: format!("discovery/{}", api.document),
                crate_name: api.crate_name.clone(),
                out: root.join(&api.out),
                runtime: manifest.runtime_source(api),
                package: manifest.package_metadata(),
                location_endpoint: api.location_endpoint.clone(),
                rules: manifest_rules(root, api)?,
                release: Some(changes::ReleaseFiles::for_document(
                    root,
                    &api.document,
                    &api.crate_name,
                    &manifest.command,
                )),
            })
        })
        .collect()
}

/// A manifest API's rules, with its description source read from `discovery/`.
pub fn manifest_rules(
    root: &Path,
    api: &discogen::manifest::ManifestApi,
) -> Result<discogen::Rules, String> {
    let text = match &api.descriptions {
        Some(source) => {
            let path = root.join("discovery").join(&source.document);
            Some(std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?)
        }
        None => None,
    };
    Ok(api.rules(text))
}

/// Generates one crate in memory, formatted as it is checked in.
pub fn generate(job: &Job) -> Result<GeneratedCrate, String> {
    generate_release(job).map(|generation| generation.generated)
}

/// Generates one crate in memory, with the version and changelog its release history gives it; when the
/// document has a new revision, also the release that writing the crate records.
pub fn generate_release(job: &Job) -> Result<Generation, String> {
    let text = std::fs::read_to_string(&job.document)
        .map_err(|e| format!("{}: {e}", job.document.display()))?;
    let plan = match &job.release {
        Some(files) => Some(changes::plan(
            files,
            &job.crate_name,
            &job.source_label,
            &text,
            &job.rules,
        )?),
        None => None,
    };
    let options = discogen::CrateOptions {
        crate_name: job.crate_name.clone(),
        runtime: job.runtime.clone(),
        package: job.package.clone(),
        source: job.source_label.clone(),
        location_endpoint: job.location_endpoint.clone(),
        version: plan.as_ref().map(|p| p.version.clone()),
        changelog: plan.as_ref().map(|p| p.changelog.clone()),
        rules: job.rules.clone(),
    };
    let generated = discogen::generate(&text, &options)
        .map_err(|e| format!("{}: {e}", job.document.display()))?;
    Ok(Generation {
        coverage: generated.coverage,
        generated,
        new_release: plan.and_then(|p| p.new_release),
    })
}
