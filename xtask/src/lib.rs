//! The project's commands as a library, so that tests can check freshness without spawning cargo.

pub mod changes;
pub mod corpus;
pub mod fetch;
pub mod write;

use std::path::{Path, PathBuf};

use discogen::manifest::Manifest;
use discogen::GeneratedCrate;

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

/// The project root (xtask lives one folder below it).
pub fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// The crates `cargo xtask generate` maintains: every API in `discovery/manifest.toml`, and a crate per
/// edge-case fixture in `tests/fixtures/` (under `tests/fixture-crates/`, compiled as workspace members).
pub fn project_jobs(root: &Path) -> Result<Vec<Job>, String> {
    let manifest_path = root.join("discovery/manifest.toml");
    let text = std::fs::read_to_string(&manifest_path)
        .map_err(|e| format!("{}: {e}", manifest_path.display()))?;
    let manifest =
        Manifest::parse(&text).map_err(|e| format!("{}: {e}", manifest_path.display()))?;
    let mut jobs: Vec<Job> = manifest
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
                )),
            })
        })
        .collect::<Result<_, String>>()?;

    let fixtures = root.join("tests/fixtures");
    if !fixtures.exists() {
        // A project without edge-case fixtures (e.g. a scratch root in tests).
        return Ok(jobs);
    }
    let mut documents: Vec<PathBuf> = std::fs::read_dir(&fixtures)
        .map_err(|e| format!("{}: {e}", fixtures.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    documents.sort();
    for document in documents {
        let stem = file_stem(&document)?;
        jobs.push(Job {
            source_label: format!("tests/fixtures/{stem}.json"),
            crate_name: format!("fixture-{}", discogen::crate_name(&stem)),
            out: root.join("tests/fixture-crates").join(&stem),
            runtime: discogen::RuntimeSource::Path("../../../runtime".to_owned()),
            package: xtask_package(),
            location_endpoint: None,
            rules: discogen::Rules::default(),
            release: None,
            document,
        });
    }
    Ok(jobs)
}

/// Jobs for documents outside the manifest: one crate per document, in `out/<crate-name>`.
pub fn ad_hoc_jobs(root: &Path, documents: &[PathBuf], out: &Path) -> Result<Vec<Job>, String> {
    let runtime = std::path::absolute(root.join("runtime")).map_err(|e| e.to_string())?;
    documents
        .iter()
        .map(|document| {
            let crate_name = discogen::crate_name(&file_stem(document)?);
            Ok(Job {
                document: document.clone(),
                source_label: document
                    .file_name()
                    .map(|f| f.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                out: out.join(&crate_name),
                crate_name,
                runtime: discogen::RuntimeSource::Path(runtime.display().to_string()),
                package: xtask_package(),
                location_endpoint: None,
                rules: discogen::Rules::default(),
                release: None,
            })
        })
        .collect()
}

/// The metadata of crates outside the manifest: unpublished, regenerated by `cargo xtask generate`.
fn xtask_package() -> discogen::PackageMetadata {
    discogen::PackageMetadata {
        command: "cargo xtask generate".to_owned(),
        ..Default::default()
    }
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

fn file_stem(path: &Path) -> Result<String, String> {
    path.file_stem()
        .and_then(|s| s.to_str())
        .map(str::to_owned)
        .ok_or_else(|| format!("{}: not a file name", path.display()))
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
