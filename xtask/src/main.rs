//! `cargo xtask`: the project's command line around the `discogen` library.
//!
//! - `cargo xtask generate` regenerates every crate the project maintains (see [`xtask::project_jobs`]).
//! - `cargo xtask generate --check` fails, naming the stale files, when they differ from fresh output.
//! - `cargo xtask generate --discovery FILE... --out DIR` generates crates for any documents.
//! - `cargo xtask fetch [API...] [--base-url URL] [--force]` downloads the current documents.
//! - `cargo xtask diff OLD.json NEW.json [--docs] [--summary] [--version X.Y.Z]` reports the API changes
//!   (with the manifest's rules of the API whose document NEW is named like).

use std::path::PathBuf;
use std::process::ExitCode;

use xtask::write;

const USAGE: &str = "usage:
  cargo xtask generate [--check] [--root DIR] [--discovery FILE... --out DIR]
  cargo xtask fetch [API...] [--base-url URL] [--force] [--root DIR]
  cargo xtask diff OLD.json NEW.json [--docs] [--summary] [--version X.Y.Z]
  cargo xtask corpus DIR [--jobs N] [--operations] [--compile all|STEM,STEM,...]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("generate") => generate(&args[1..]),
        Some("corpus") => corpus(&args[1..]),
        Some("fetch") => fetch(&args[1..]),
        Some("diff") => diff(&args[1..]),
        _ => Err(USAGE.to_owned()),
    };
    result.unwrap_or_else(|message| {
        eprintln!("error: {message}");
        ExitCode::from(2)
    })
}

fn generate(args: &[String]) -> Result<ExitCode, String> {
    let mut check = false;
    let mut documents = Vec::new();
    let mut out_dir = None;
    let mut root = xtask::project_root();
    let mut iter = args.iter().peekable();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--check" => check = true,
            "--root" => root = PathBuf::from(iter.next().ok_or("--root needs a folder")?),
            "--out" => out_dir = Some(PathBuf::from(iter.next().ok_or("--out needs a folder")?)),
            "--discovery" => {
                while let Some(document) = iter.next_if(|a| !a.starts_with("--")) {
                    documents.push(PathBuf::from(document));
                }
                if documents.is_empty() {
                    return Err("--discovery needs at least one file".to_owned());
                }
            }
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }

    let jobs = match (documents.is_empty(), out_dir) {
        (true, None) => xtask::project_jobs(&root)?,
        (false, Some(out)) => xtask::ad_hoc_jobs(&root, &documents, &out)?,
        (true, Some(_)) => return Err("--out goes with --discovery".to_owned()),
        (false, None) => return Err("--discovery needs --out DIR".to_owned()),
    };

    // Everything is generated in memory first: one bad document means nothing is written.
    let crates = jobs
        .iter()
        .map(|job| Ok((job, xtask::generate_release(job)?)))
        .collect::<Result<Vec<_>, String>>()?;

    if check {
        let mut stale = Vec::new();
        for (job, generation) in &crates {
            stale.extend(
                write::differences(&job.out, &generation.generated).map_err(|e| e.to_string())?,
            );
        }
        let pending: Vec<_> = crates
            .iter()
            .filter_map(|(job, g)| g.new_release.as_ref().map(|r| (job, r)))
            .collect();
        for (job, release) in &pending {
            eprintln!(
                "release not recorded yet: {} {} ({})",
                job.crate_name,
                release.summary,
                release
                    .history_path
                    .strip_prefix(&root)
                    .unwrap_or(&release.history_path)
                    .display()
            );
        }
        if stale.is_empty() && pending.is_empty() {
            println!("generated crates are up to date ({} crates)", crates.len());
            return Ok(ExitCode::SUCCESS);
        }
        eprintln!("generated crates are stale; run `cargo xtask generate`:");
        for path in &stale {
            eprintln!("  {}", path.strip_prefix(&root).unwrap_or(path).display());
        }
        return Ok(ExitCode::FAILURE);
    }

    let mut releases = Vec::new();
    for (job, generation) in &crates {
        let generated = &generation.generated;
        let lines: usize = generated.files.values().map(|f| f.lines().count()).sum();
        let changed = write::differences(&job.out, generated).map_err(|e| e.to_string())?;
        write::replace_dir(&job.out, generated)
            .map_err(|e| format!("{}: {e}", job.out.display()))?;
        // The crate is in place; now the release it carries is recorded (a crash in between is harmless:
        // the next run finds the same new revision and makes the same release).
        if let Some(release) = &generation.new_release {
            xtask::changes::record(release)?;
            releases.push((job, release));
        }
        let status = if changed.is_empty() {
            "unchanged".to_owned()
        } else {
            format!("{} files changed", changed.len())
        };
        println!("{:<28} {:>7} lines  {status}", job.crate_name, lines);
        println!("{:<28} described: {}", "", generation.coverage);
    }
    for (job, release) in releases {
        println!("{}: {}", job.crate_name, release.summary);
        if let Some(report) = &release.report {
            for change in report
                .changes
                .iter()
                .filter(|c| c.severity == discogen::diff::Severity::Breaking)
                .take(5)
            {
                println!("  breaking: {change}");
            }
            let breaking = report.count(discogen::diff::Severity::Breaking);
            if breaking > 5 {
                println!("  ... and {} more", breaking - 5);
            }
            println!("  see {}", job.out.join("CHANGELOG.md").display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn fetch(args: &[String]) -> Result<ExitCode, String> {
    let mut options = xtask::fetch::FetchOptions::default();
    let mut root = xtask::project_root();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--base-url" => {
                options.base_url = iter.next().ok_or("--base-url needs a URL")?.clone();
            }
            "--force" => options.force = true,
            "--root" => root = PathBuf::from(iter.next().ok_or("--root needs a folder")?),
            other if other.starts_with("--") => {
                return Err(format!("unknown argument `{other}`\n{USAGE}"))
            }
            api => options.apis.push(api.to_owned()),
        }
    }
    let fetched = xtask::fetch::fetch(&root, &options)?;
    let mut updated = 0;
    for item in &fetched {
        match &item.outcome {
            xtask::fetch::Outcome::Unchanged { revision } => {
                println!("{:<28} unchanged (revision {revision})", item.crate_name)
            }
            xtask::fetch::Outcome::Updated {
                summary,
                kept_previous,
                ..
            } => {
                updated += 1;
                println!("{:<28} {summary}", item.crate_name);
                if let Some(previous) = kept_previous {
                    println!(
                        "{:<28} the released document is kept as {}",
                        "",
                        previous.strip_prefix(&root).unwrap_or(previous).display()
                    );
                }
            }
        }
    }
    if updated > 0 {
        println!("run `cargo xtask generate` to regenerate, version and changelog the crates");
    }
    Ok(ExitCode::SUCCESS)
}

fn diff(args: &[String]) -> Result<ExitCode, String> {
    let mut files = Vec::new();
    let mut list_docs = false;
    let mut summary_only = false;
    let mut version = None;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--docs" => list_docs = true,
            "--summary" => summary_only = true,
            "--version" => {
                let text = iter.next().ok_or("--version needs MAJOR.MINOR.PATCH")?;
                version = Some(discogen::diff::Version::parse(text).map_err(|e| e.to_string())?);
            }
            other if other.starts_with("--") => {
                return Err(format!("unknown argument `{other}`\n{USAGE}"))
            }
            file => files.push(PathBuf::from(file)),
        }
    }
    let [old, new] = files.as_slice() else {
        return Err(format!("diff needs two documents, OLD and NEW\n{USAGE}"));
    };
    let read = |path: &PathBuf| {
        std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
    };
    // The selection rule of the manifest API whose document NEW is named like, so the report speaks of
    // the types that crate has.
    let rules = xtask::project_jobs(&xtask::project_root())?
        .into_iter()
        .find(|job| job.document.file_name() == new.file_name())
        .map(|job| job.rules)
        .unwrap_or_default();
    let report = discogen::diff::diff_documents(&read(old)?, &read(new)?, &rules)
        .map_err(|e| e.to_string())?;
    if !summary_only {
        println!(
            "{}",
            xtask::changes::full_report(&report, list_docs, version)
        );
    }
    let next = version
        .map(|v| format!(" → {}", v.bump(report.bump())))
        .unwrap_or_default();
    println!("{}: {}{next}", report.title, report.summary());
    Ok(ExitCode::SUCCESS)
}

fn corpus(args: &[String]) -> Result<ExitCode, String> {
    let mut dir = None;
    let mut compile: Vec<String> = Vec::new();
    let mut jobs = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let mut per_document = false;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--operations" => per_document = true,
            "--compile" => {
                let list = iter
                    .next()
                    .ok_or("--compile needs document stems, e.g. compute.v1,drive.v3")?;
                compile.extend(list.split(',').map(str::to_owned));
            }
            "--jobs" => {
                jobs = iter
                    .next()
                    .and_then(|n| n.parse().ok())
                    .ok_or("--jobs needs a number")?
            }
            other if !other.starts_with("--") && dir.is_none() => dir = Some(PathBuf::from(other)),
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    let dir = dir.ok_or(USAGE)?;
    let documents = xtask::corpus::documents(&dir)?;
    let root = xtask::project_root();
    if let Some(stem) = compile
        .iter()
        .find(|s| *s != "all" && !documents.contains(&dir.join(format!("{s}.json"))))
    {
        return Err(format!(
            "--compile: no document {stem}.json in {}",
            dir.display()
        ));
    }
    let workspace = match compile.as_slice() {
        [] => None,
        [all] if all == "all" => Some(None),
        stems => Some(Some(
            stems
                .iter()
                .map(|stem| dir.join(format!("{stem}.json")))
                .collect(),
        )),
    }
    .map(|only| {
        xtask::corpus::Workspace::create(&root, &root.join("target/corpus-workspace"), only)
    })
    .transpose()?;
    let start = std::time::Instant::now();
    let outcomes = xtask::corpus::run_all(&documents, jobs, workspace.as_ref());
    if per_document {
        print!("{}", xtask::corpus::operations_table(&outcomes));
    }
    print!("{}", xtask::corpus::report(&outcomes, start.elapsed()));
    let mut failed = outcomes.iter().any(|o| o.result.is_err());
    if let Some(workspace) = workspace {
        let members = workspace.finish(&root, &outcomes)?;
        let total = members.len();
        let mut done = 0;
        let report = xtask::corpus::check_workspace(
            &workspace.dir,
            &members,
            &root.join("target/corpus"),
            |check| {
                done += 1;
                let state = match (check.compiled, check.warnings) {
                    (false, _) => "FAILED",
                    (true, 0) => "ok",
                    (true, _) => "warnings",
                };
                eprintln!("[{done}/{total}] {} {state}", check.name);
            },
        )?;
        print!("{}", xtask::corpus::compile_report(&report));
        failed |= report.crates.iter().any(|c| !c.compiled || c.warnings > 0)
            || report.other.errors + report.other.warnings > 0;
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
