//! `cargo xtask`: the project's command line around the `discogen` library.
//!
//! - `cargo xtask generate` regenerates every crate named in `discovery/manifest.toml`.
//! - `cargo xtask generate --check` fails, naming the stale files, when `generated/` is not what the
//!   generator writes now.
//! - `cargo xtask generate --discovery FILE... --out DIR` generates crates for any documents.

mod write;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use discogen::manifest::Manifest;

const USAGE: &str = "usage: cargo xtask generate [--check] [--discovery FILE... --out DIR]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &[String]) -> Result<ExitCode, String> {
    match args.first().map(String::as_str) {
        Some("generate") => generate(&args[1..]),
        _ => Err(USAGE.to_owned()),
    }
}

/// One crate to generate: the document's path and what to call the crate where.
struct Job {
    document: PathBuf,
    source_label: String,
    crate_name: String,
    out: PathBuf,
    runtime_path: String,
}

fn generate(args: &[String]) -> Result<ExitCode, String> {
    let mut check = false;
    let mut documents = Vec::new();
    let mut out_dir = None;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--check" => check = true,
            "--out" => out_dir = Some(PathBuf::from(iter.next().ok_or("--out needs a folder")?)),
            "--discovery" => {
                let first = iter.next().ok_or("--discovery needs at least one file")?;
                documents.push(PathBuf::from(first));
                while let Some(more) = iter.clone().next().filter(|a| !a.starts_with("--")) {
                    documents.push(PathBuf::from(more));
                    iter.next();
                }
            }
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }

    let root = project_root();
    let jobs = if documents.is_empty() {
        if out_dir.is_some() {
            return Err("--out goes with --discovery".to_owned());
        }
        manifest_jobs(&root)?
    } else {
        let out = out_dir.ok_or("--discovery needs --out DIR")?;
        ad_hoc_jobs(&root, &documents, &out)?
    };

    // Generate everything in memory first: a bad document means nothing is written.
    let mut crates = Vec::new();
    for job in &jobs {
        let text = std::fs::read_to_string(&job.document)
            .map_err(|e| format!("{}: {e}", job.document.display()))?;
        let options = discogen::CrateOptions {
            crate_name: job.crate_name.clone(),
            runtime_path: job.runtime_path.clone(),
            source: job.source_label.clone(),
        };
        let generated = discogen::generate(&text, &options)
            .and_then(write::rustfmt_crate)
            .map_err(|e| format!("{}: {e}", job.document.display()))?;
        crates.push((job, generated));
    }

    if check {
        let mut stale = Vec::new();
        for (job, generated) in &crates {
            stale.extend(write::differences(&job.out, generated).map_err(|e| e.to_string())?);
        }
        if stale.is_empty() {
            println!("generated crates are up to date ({} crates)", crates.len());
            return Ok(ExitCode::SUCCESS);
        }
        eprintln!("generated crates are stale; run `cargo xtask generate`:");
        for path in &stale {
            eprintln!("  {}", path.strip_prefix(&root).unwrap_or(path).display());
        }
        return Ok(ExitCode::FAILURE);
    }

    for (job, generated) in &crates {
        let lines: usize = generated.files.values().map(|f| f.lines().count()).sum();
        let changed = write::differences(&job.out, generated).map_err(|e| e.to_string())?;
        write::replace_dir(&job.out, generated).map_err(|e| format!("{}: {e}", job.out.display()))?;
        println!(
            "{:<24} {:>7} lines  {}",
            job.crate_name,
            lines,
            if changed.is_empty() { "unchanged".to_owned() } else { format!("{} files changed", changed.len()) }
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn project_root() -> PathBuf {
    // xtask lives one folder below the root.
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."))
}

fn manifest_jobs(root: &Path) -> Result<Vec<Job>, String> {
    let manifest_path = root.join("discovery/manifest.toml");
    let text = std::fs::read_to_string(&manifest_path).map_err(|e| format!("{}: {e}", manifest_path.display()))?;
    let manifest = Manifest::parse(&text).map_err(|e| format!("{}: {e}", manifest_path.display()))?;
    Ok(manifest
        .apis
        .iter()
        .map(|api| Job {
            document: root.join("discovery").join(&api.document),
            source_label: format!("discovery/{}", api.document),
            crate_name: api.crate_name.clone(),
            out: root.join(&api.out),
            runtime_path: api.runtime_path(&manifest.runtime),
        })
        .collect())
}

fn ad_hoc_jobs(root: &Path, documents: &[PathBuf], out: &Path) -> Result<Vec<Job>, String> {
    let runtime = std::path::absolute(root.join("runtime")).map_err(|e| e.to_string())?;
    documents
        .iter()
        .map(|document| {
            let stem = document
                .file_stem()
                .and_then(|s| s.to_str())
                .ok_or_else(|| format!("{}: not a file name", document.display()))?;
            let crate_name = discogen::names::crate_name(stem);
            Ok(Job {
                document: document.clone(),
                source_label: document.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default(),
                out: out.join(&crate_name),
                crate_name,
                runtime_path: runtime.display().to_string(),
            })
        })
        .collect()
}
