//! `cargo xtask`: the project's command line around the `discogen` library.
//!
//! - `cargo xtask generate` regenerates every crate the project maintains (see [`xtask::project_jobs`]).
//! - `cargo xtask generate --check` fails, naming the stale files, when they differ from fresh output.
//! - `cargo xtask generate --discovery FILE... --out DIR` generates crates for any documents.

use std::path::PathBuf;
use std::process::ExitCode;

use xtask::write;

const USAGE: &str = "usage:
  cargo xtask generate [--check] [--discovery FILE... --out DIR]
  cargo xtask corpus DIR [--jobs N] [--compile STEM,STEM,...]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("generate") => generate(&args[1..]),
        Some("corpus") => corpus(&args[1..]),
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
    let mut iter = args.iter().peekable();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--check" => check = true,
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

    let root = xtask::project_root();
    let jobs = match (documents.is_empty(), out_dir) {
        (true, None) => xtask::project_jobs(&root)?,
        (false, Some(out)) => xtask::ad_hoc_jobs(&root, &documents, &out)?,
        (true, Some(_)) => return Err("--out goes with --discovery".to_owned()),
        (false, None) => return Err("--discovery needs --out DIR".to_owned()),
    };

    // Everything is generated in memory first: one bad document means nothing is written.
    let crates = jobs
        .iter()
        .map(|job| Ok((job, xtask::generate(job)?)))
        .collect::<Result<Vec<_>, String>>()?;

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
        write::replace_dir(&job.out, generated)
            .map_err(|e| format!("{}: {e}", job.out.display()))?;
        let status = if changed.is_empty() {
            "unchanged".to_owned()
        } else {
            format!("{} files changed", changed.len())
        };
        println!("{:<28} {:>7} lines  {status}", job.crate_name, lines);
    }
    Ok(ExitCode::SUCCESS)
}

fn corpus(args: &[String]) -> Result<ExitCode, String> {
    let mut dir = None;
    let mut compile: Vec<String> = Vec::new();
    let mut jobs = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
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
    let start = std::time::Instant::now();
    let outcomes = xtask::corpus::run_all(&documents, jobs);
    print!("{}", xtask::corpus::report(&outcomes, start.elapsed()));
    let mut failed = outcomes.iter().any(|o| o.result.is_err());
    if !compile.is_empty() {
        let sample: Vec<PathBuf> = compile
            .iter()
            .map(|stem| dir.join(format!("{stem}.json")))
            .collect();
        let root = xtask::project_root();
        let start = std::time::Instant::now();
        match xtask::corpus::compile_sample(&root, &sample, &root.join("target/corpus-sample")) {
            Ok(warnings) => println!(
                "compiled sample: {} crates, {warnings} warnings, {:.0} s (cargo check)",
                sample.len(),
                start.elapsed().as_secs_f64()
            ),
            Err(e) => {
                failed = true;
                println!("compiled sample: FAILED\n{e}");
            }
        }
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
