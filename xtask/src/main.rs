//! `cargo xtask`: the project's command line around the `discogen` library.
//!
//! - `cargo xtask generate` regenerates every crate the project maintains (see [`xtask::project_jobs`]).
//! - `cargo xtask generate --check` fails, naming the stale files, when they differ from fresh output.
//! - `cargo xtask generate --discovery FILE... --out DIR` generates crates for any documents.
//! - `cargo xtask fetch [API...] [--base-url URL] [--force]` downloads the current documents.
//! - `cargo xtask diff OLD.json NEW.json [--docs] [--summary] [--version X.Y.Z]` reports the API changes
//!   (with the manifest's rules of the API whose document NEW is named like).
//! - `cargo xtask corpus DIR [--jobs N] [--compile STEM,...]` runs the generator over a folder.
//!
//! Every command answers `--help`; exit codes: 0 success, 1 stale crates (`generate --check`) or a failed
//! document (`corpus`), 2 bad input or any other error (clap's code for usage errors).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use xtask::write;

/// The exit codes, shown by `--help`.
const EXIT_CODES: &str = "Exit codes:
  0  success
  1  generate --check: the checked-in crates are stale; corpus: a document failed
  2  bad input (arguments, documents, manifest) or any other error";

/// The project's commands around the discogen generator.
#[derive(Debug, Parser)]
#[command(name = "xtask", bin_name = "cargo xtask", version, after_help = EXIT_CODES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Regenerate every crate of discovery/manifest.toml and every fixture crate (or crates for any
    /// documents, with --discovery and --out)
    #[command(after_help = EXIT_CODES)]
    Generate(GenerateArgs),
    /// Download the current Discovery document of every manifest API, or of the named ones
    #[command(after_help = EXIT_CODES)]
    Fetch(FetchArgs),
    /// Report the API changes between two Discovery documents
    #[command(after_help = EXIT_CODES)]
    Diff(DiffArgs),
    /// Generate every document of a folder in memory and re-parse the output; optionally cargo-check a
    /// sample
    #[command(after_help = EXIT_CODES)]
    Corpus(CorpusArgs),
}

#[derive(Debug, Args)]
struct GenerateArgs {
    /// Compare fresh output with the checked-in crates instead of writing; exit 1 and list the stale
    /// files when they differ
    #[arg(long)]
    check: bool,
    /// The project folder [default: this repository]
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
    /// Generate these documents instead of the manifest's (needs --out)
    #[arg(long, value_name = "FILE", num_args = 1.., requires = "out")]
    discovery: Vec<PathBuf>,
    /// Where the crates of --discovery documents go
    #[arg(long, value_name = "DIR", requires = "discovery")]
    out: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct FetchArgs {
    /// APIs to fetch, as crate (`dialogflow-v2`) or document (`dialogflow.v2`) names [default: all]
    #[arg(value_name = "API")]
    apis: Vec<String>,
    /// The Discovery service
    #[arg(long, value_name = "URL", default_value = xtask::fetch::DEFAULT_BASE_URL)]
    base_url: String,
    /// Take a revision older than the checked-in one
    #[arg(long)]
    force: bool,
    /// The project folder [default: this repository]
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct DiffArgs {
    /// The older document
    old: PathBuf,
    /// The newer document
    new: PathBuf,
    /// Also list documentation-only changes
    #[arg(long)]
    docs: bool,
    /// Print only the closing summary line
    #[arg(long)]
    summary: bool,
    /// The crate's current version, to print the next one
    #[arg(long, value_name = "X.Y.Z", value_parser = parse_version)]
    version: Option<discogen::diff::Version>,
}

#[derive(Debug, Args)]
struct CorpusArgs {
    /// The folder of Discovery documents (`*.json`)
    dir: PathBuf,
    /// Generation threads [default: the number of CPUs]
    #[arg(long, value_name = "N")]
    jobs: Option<usize>,
    /// Also `cargo check` the crates of these documents (stems, e.g. compute.v1,drive.v3), or of every one
    /// (`all`), in one workspace
    #[arg(long, value_name = "all|STEM,...", value_delimiter = ',')]
    compile: Vec<String>,
    /// Print each document's operation style (google.longrunning, status, none) and what the poller serves
    #[arg(long)]
    operations: bool,
}

fn parse_version(text: &str) -> Result<discogen::diff::Version, String> {
    discogen::diff::Version::parse(text).map_err(|e| e.to_string())
}

fn main() -> ExitCode {
    // Usage errors exit with 2 (clap's code); --help and --version with 0.
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Generate(args) => generate(args),
        Command::Fetch(args) => fetch(args),
        Command::Diff(args) => diff(args),
        Command::Corpus(args) => corpus(args),
    };
    result.unwrap_or_else(|message| {
        eprintln!("error: {message}");
        ExitCode::from(2)
    })
}

fn generate(args: GenerateArgs) -> Result<ExitCode, String> {
    let GenerateArgs {
        check,
        root,
        discovery: documents,
        out: out_dir,
    } = args;
    let root = root.unwrap_or_else(xtask::project_root);
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

fn fetch(args: FetchArgs) -> Result<ExitCode, String> {
    let options = xtask::fetch::FetchOptions {
        apis: args.apis,
        base_url: args.base_url,
        force: args.force,
        ..Default::default()
    };
    let root = args.root.unwrap_or_else(xtask::project_root);
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

fn diff(args: DiffArgs) -> Result<ExitCode, String> {
    let DiffArgs {
        old,
        new,
        docs: list_docs,
        summary: summary_only,
        version,
    } = args;
    let read = |path: &PathBuf| {
        std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
    };
    // The rules of the manifest API whose document NEW is named like, so the report speaks of the types
    // that crate has.
    let rules = xtask::project_jobs(&xtask::project_root())?
        .into_iter()
        .find(|job| job.document.file_name() == new.file_name())
        .map(|job| job.rules)
        .unwrap_or_default();
    let report = discogen::diff::diff_documents(&read(&old)?, &read(&new)?, &rules)
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

fn corpus(args: CorpusArgs) -> Result<ExitCode, String> {
    let CorpusArgs {
        dir,
        jobs,
        compile,
        operations: per_document,
    } = args;
    let jobs = jobs
        .or_else(|| std::thread::available_parallelism().ok().map(|n| n.get()))
        .unwrap_or(1)
        .max(1);
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
