//! `cargo discogen`: typed Rust clients of Google APIs from their Discovery documents, generated,
//! checked, updated and published in any repository. Every command answers `--help`.
//!
//! Exit codes: 0 success, 1 `generate --check` found stale crates, 2 bad input or any other error.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use discogen_cli::args::{DiffArgs, FetchArgs};
use discogen_cli::edit::{self, Runtime, Source};
use discogen_cli::{commands, fetch};

/// The exit codes, shown by `--help`.
const EXIT_CODES: &str = "Exit codes:
  0  success
  1  generate --check: the checked-in crates are stale
  2  bad input (arguments, documents, manifest) or any other error";

/// How the command names itself in messages.
const FRONT: &str = "cargo discogen";

/// Cargo runs `cargo-discogen discogen ARGS` for `cargo discogen ARGS`.
#[derive(Debug, Parser)]
#[command(name = "cargo", bin_name = "cargo")]
enum Cargo {
    Discogen(Cli),
}

/// Generate, check and update typed Rust clients of Google APIs from Discovery documents
#[derive(Debug, Args)]
#[command(version, after_help = EXIT_CODES)]
struct Cli {
    /// The project folder, which holds discovery/manifest.toml [default: the current folder]
    #[arg(long, value_name = "DIR", global = true)]
    root: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Write a documented discovery/manifest.toml
    #[command(after_help = EXIT_CODES)]
    Init(InitArgs),
    /// Add APIs: their documents, manifest entries and crates (and workspace members)
    #[command(after_help = EXIT_CODES)]
    Add(AddArgs),
    /// Regenerate every crate of the manifest, or check that they are fresh
    #[command(after_help = EXIT_CODES)]
    Generate(GenerateArgs),
    /// Download the current document of every manifest API, or of the named ones
    #[command(after_help = EXIT_CODES)]
    Fetch(FetchArgs),
    /// Report the API changes between two Discovery documents
    #[command(after_help = EXIT_CODES)]
    Diff(DiffArgs),
    /// Remove an API: its entry, document, crate, release history and workspace member
    #[command(after_help = EXIT_CODES)]
    Remove(RemoveArgs),
}

#[derive(Debug, Args)]
struct InitArgs {
    /// How the crates reach discogen-runtime: path=DIR (relative to the project), registry[=NAME], or
    /// git=URL#tag=T (or #rev=R) [default: path= the runtime beside the sources this command was built
    /// from]
    #[arg(long, value_name = "SOURCE", value_parser = Runtime::parse)]
    runtime: Option<Runtime>,
    /// The command the generated files' header names
    #[arg(
        long,
        value_name = "COMMAND",
        default_value = "cargo discogen generate"
    )]
    command: String,
}

#[derive(Debug, Args)]
struct AddArgs {
    /// APIs: NAME.VERSION (drive.v3), NAME VERSION (drive v3), a document's path or its URL
    #[arg(value_name = "API", required = true)]
    apis: Vec<String>,
    /// Take NAME.VERSION documents from this folder (e.g. google-api-python-client's
    /// googleapiclient/discovery_cache/documents) instead of the Discovery service
    #[arg(long, value_name = "DIR")]
    from: Option<PathBuf>,
    /// The Discovery service (or a mirror)
    #[arg(long, value_name = "URL", env = "DISCOGEN_DISCOVERY_URL", default_value = fetch::DEFAULT_BASE_URL)]
    base_url: String,
    /// The folder the crates go in, relative to the project
    #[arg(long, value_name = "DIR", default_value = "generated")]
    out: String,
}

#[derive(Debug, Args)]
struct GenerateArgs {
    /// Compare fresh output with the checked-in crates instead of writing; exit 1 and list the stale
    /// files when they differ
    #[arg(long)]
    check: bool,
}

#[derive(Debug, Args)]
struct RemoveArgs {
    /// The API, as crate (`drive-v3`) or document (`drive.v3`) name
    api: String,
}

fn main() -> ExitCode {
    // Usage errors exit with 2 (clap's code); --help and --version with 0.
    let Cargo::Discogen(cli) = Cargo::parse();
    let root = cli.root.unwrap_or_else(|| PathBuf::from("."));
    run(&root, cli.command).unwrap_or_else(|message| {
        eprintln!("error: {message}");
        ExitCode::from(2)
    })
}

fn run(root: &Path, command: Command) -> Result<ExitCode, String> {
    match command {
        Command::Init(args) => {
            let runtime = match args.runtime {
                Some(runtime) => runtime,
                None => default_runtime(root)?,
            };
            let path = edit::init(root, &runtime, &args.command)?;
            println!(
                "wrote {}; add an API with `{FRONT} add drive.v3`",
                path.display()
            );
        }
        Command::Add(args) => {
            let source = Source {
                from: args.from,
                base_url: args.base_url,
            };
            for spec in api_specs(&args.apis) {
                let added = edit::add(root, &spec, &source, &args.out, FRONT)?;
                match added.in_workspace {
                    true => println!(
                        "{}: a member of the workspace at {}, built as a registry crate \
                         ([profile.dev.package.{}])",
                        added.crate_name, added.out, added.crate_name
                    ),
                    false => println!(
                        "{}: add it to your app's Cargo.toml: {} = {{ path = \"{}\" }}",
                        added.crate_name, added.crate_name, added.out
                    ),
                }
            }
        }
        Command::Generate(args) => {
            let jobs = discogen_cli::manifest_jobs(root)?;
            if !commands::generate(root, &jobs, args.check, FRONT)? {
                return Ok(ExitCode::FAILURE);
            }
        }
        Command::Fetch(args) => commands::fetch(root, &args.options(), FRONT)?,
        Command::Diff(args) => {
            let jobs = discogen_cli::manifest_jobs(root).unwrap_or_default();
            commands::diff(&args.old, &args.new, &jobs, &args.options())?;
        }
        Command::Remove(args) => {
            let removed = edit::remove(root, &args.api)?;
            println!("removed {removed}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `drive.v3 sheets v4 ./x.json` → `drive.v3`, `sheets v4`, `./x.json`: a word with no `.`, `/` or
/// `:` is an API's name, and the next word its version.
fn api_specs(words: &[String]) -> Vec<String> {
    let mut specs = Vec::new();
    let mut words = words.iter();
    while let Some(word) = words.next() {
        match (word.contains(['.', '/', ':']), words.as_slice().first()) {
            (false, Some(_)) => specs.push(format!("{word} {}", words.next().unwrap_or(word))),
            _ => specs.push(word.clone()),
        }
    }
    specs
}

/// The runtime beside the sources this command was built from, as a path from `root` where it can be.
fn default_runtime(root: &Path) -> Result<Runtime, String> {
    let beside = Path::new(env!("CARGO_MANIFEST_DIR")).join("../runtime");
    let runtime = std::fs::canonicalize(&beside).map_err(|_| {
        format!(
            "the runtime is not beside this command's sources ({}): say where it is with \
             --runtime path=DIR, git=URL#tag=T or registry",
            beside.display()
        )
    })?;
    let root = std::fs::canonicalize(root).map_err(|e| format!("{}: {e}", root.display()))?;
    Ok(Runtime::Path(relative(&root, &runtime)))
}

/// `to` as a path from `from` (both absolute).
fn relative(from: &Path, to: &Path) -> String {
    let (from, to): (Vec<_>, Vec<_>) = (from.components().collect(), to.components().collect());
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let ups = std::iter::repeat_n("..".to_owned(), from.len() - common);
    let downs = to[common..]
        .iter()
        .map(|c| c.as_os_str().to_string_lossy().into_owned());
    ups.chain(downs).collect::<Vec<_>>().join("/")
}
