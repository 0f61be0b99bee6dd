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
use xtask::args::DiffArgs;

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
    Fetch(FetchInRoot),
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
struct FetchInRoot {
    #[command(flatten)]
    fetch: xtask::args::FetchArgs,
    /// The project folder [default: this repository]
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
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

/// How this front door names itself in messages.
const FRONT: &str = "cargo xtask";

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
    Ok(
        match xtask::commands::generate(&root, &jobs, check, FRONT)? {
            true => ExitCode::SUCCESS,
            false => ExitCode::FAILURE,
        },
    )
}

fn fetch(args: FetchInRoot) -> Result<ExitCode, String> {
    let root = args.root.unwrap_or_else(xtask::project_root);
    xtask::commands::fetch(&root, &args.fetch.options(), FRONT)?;
    Ok(ExitCode::SUCCESS)
}

fn diff(args: DiffArgs) -> Result<ExitCode, String> {
    let jobs = xtask::project_jobs(&xtask::project_root())?;
    xtask::commands::diff(&args.old, &args.new, &jobs, &args.options())?;
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
