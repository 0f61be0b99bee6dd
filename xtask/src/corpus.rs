//! `cargo xtask corpus DIR`: runs the generator over every Discovery document in a folder, re-parses every
//! generated file with syn, optionally `cargo check`s the crates (some, or all in one workspace), and prints
//! tables: generation, operation styles, compilation.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

// The IR is internal to the generator (`__internal`, no stability): the statistics read it.
use discogen::__internal::ir;

/// What happened to one document.
#[derive(Debug)]
pub struct Outcome {
    pub document: PathBuf,
    /// `Ok(None)`: the file is JSON of another Discovery kind (the directory list `index.json`), not an API.
    pub result: Result<Option<Stats>, String>,
    pub elapsed: Duration,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct Stats {
    pub files: usize,
    pub lines: usize,
    pub types: usize,
    pub methods: usize,
    /// Methods whose docs name a Discovery feature this generator does not support yet.
    pub unsupported_methods: usize,
    /// How much of the crate is documented.
    pub coverage: discogen::Coverage,
    /// The long-running operations the poller serves, if any.
    pub operations: Option<Operations>,
}

/// What the generator recognised of a document's long-running operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operations {
    pub style: OperationStyle,
    /// The poller is wired: methods returning the operation get `start()`, `Client::operation(name)`
    /// resumes one by name (a status-style operation by its `selfLink`).
    pub served: bool,
    /// The operations service takes the name as separate ids (`apps/{appsId}/operations/{operationsId}`).
    pub split_name: bool,
    /// The poller can cancel (the service has `cancel`).
    pub cancel: bool,
}

/// The styles of long-running operations in Discovery documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum OperationStyle {
    /// `google.longrunning.Operation`: `done`, `error` (a `google.rpc.Status`), `response`.
    Longrunning,
    /// Compute-style: a `status` enum with `DONE`, `selfLink`, per-scope operations services.
    Status,
}

impl OperationStyle {
    pub fn label(self) -> &'static str {
        match self {
            OperationStyle::Longrunning => "google.longrunning",
            OperationStyle::Status => "status",
        }
    }
}

impl Operations {
    /// The generator's operations service if it found one; else the style of an operation some method
    /// returns, which the poller does not serve.
    fn of(api: &ir::Api) -> Option<Operations> {
        if let Some(lro) = &api.lro {
            let style = if lro.is_longrunning() {
                OperationStyle::Longrunning
            } else {
                OperationStyle::Status
            };
            return Some(Operations {
                style,
                served: true,
                split_name: lro.is_longrunning()
                    && lro
                        .services
                        .iter()
                        .any(|s| matches!(s.poll.name_args, ir::NameArgs::Split { .. })),
                cancel: lro.can_cancel(),
            });
        }
        let mut returned = std::collections::BTreeSet::new();
        returned_types(&api.root, &mut returned);
        let style = returned
            .into_iter()
            .filter_map(|id| operation_style(api, id))
            .min()?;
        Some(Operations {
            style,
            served: false,
            split_name: false,
            cancel: false,
        })
    }
}

fn returned_types(resource: &ir::Resource, out: &mut std::collections::BTreeSet<usize>) {
    for method in &resource.methods {
        if let Some(ir::TypeRef::Named(id)) = &method.response {
            out.insert(id.0);
        }
    }
    for child in &resource.resources {
        returned_types(child, out);
    }
}

/// The style of the type `id` if it is an operation: `name` and a boolean `done` (google.longrunning), or
/// `selfLink` and a `status` enum with `DONE` (compute, sqladmin, container, deploymentmanager).
fn operation_style(api: &ir::Api, id: usize) -> Option<OperationStyle> {
    use ir::{TypeKind, TypeRef};
    let def = &api.types[id];
    let has = |wire: &str, ty: &TypeRef| def.field(wire).is_some_and(|f| &f.ty == ty);
    if has("name", &TypeRef::String) && has("done", &TypeRef::Bool) {
        return Some(OperationStyle::Longrunning);
    }
    let status_has_done = def.field("status").is_some_and(|f| match &f.ty {
        TypeRef::Named(e) => matches!(&api.types[e.0].kind,
            TypeKind::Enum(e) if e.variants.iter().any(|v| v.wire_name == "DONE")),
        _ => false,
    });
    (status_has_done && has("selfLink", &TypeRef::String)).then_some(OperationStyle::Status)
}

/// The `*.json` files of a folder, sorted.
pub fn documents(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut docs: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    docs.sort();
    Ok(docs)
}

/// Where a corpus run writes the crates it is to compile: members of one workspace folder.
#[derive(Debug, Clone)]
pub struct Workspace {
    pub dir: PathBuf,
    /// The runtime crate, absolute, for the crates' `Cargo.toml`s.
    pub runtime: PathBuf,
    /// The documents whose crates are written; `None`: every API document.
    pub only: Option<std::collections::BTreeSet<PathBuf>>,
}

impl Workspace {
    /// A fresh (emptied) workspace folder `dir` for crates that depend on `root`'s runtime.
    pub fn create(
        root: &Path,
        dir: &Path,
        only: Option<std::collections::BTreeSet<PathBuf>>,
    ) -> Result<Workspace, String> {
        let runtime = std::path::absolute(root.join("runtime")).map_err(|e| e.to_string())?;
        if dir.exists() {
            std::fs::remove_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        Ok(Workspace {
            dir: dir.to_path_buf(),
            runtime,
            only,
        })
    }

    fn wants(&self, document: &Path) -> bool {
        self.only
            .as_ref()
            .is_none_or(|only| only.contains(document))
    }

    /// Writes the workspace manifest naming the crates written (the generated ones among `outcomes`),
    /// with `root`'s `Cargo.lock`, so the dependencies are the versions the project builds with; returns
    /// the members.
    pub fn finish(&self, root: &Path, outcomes: &[Outcome]) -> Result<Vec<String>, String> {
        let members: Vec<String> = outcomes
            .iter()
            .filter(|o| matches!(o.result, Ok(Some(_))) && self.wants(&o.document))
            .map(|o| discogen::crate_name(&stem(&o.document)))
            .collect();
        let quoted: Vec<String> = members.iter().map(|m| format!("{m:?}")).collect();
        let manifest = format!(
            "[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
            quoted.join(", ")
        );
        std::fs::write(self.dir.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
        if let Ok(lock) = std::fs::read(root.join("Cargo.lock")) {
            std::fs::write(self.dir.join("Cargo.lock"), lock).map_err(|e| e.to_string())?;
        }
        Ok(members)
    }
}

/// Generates one document in memory and re-parses every Rust file it produced; with a `workspace` that
/// wants the document, also writes the crate there.
pub fn run_one(document: &Path, workspace: Option<&Workspace>) -> Outcome {
    let start = Instant::now();
    let result = (|| {
        let text = std::fs::read_to_string(document).map_err(|e| e.to_string())?;
        if is_directory_list(&text) {
            return Ok(None);
        }
        // The IR without manifest rules: the operation styles and method counts are facts of it.
        let api = discogen::__internal::resolve(&text).map_err(|e| e.to_string())?;
        let workspace = workspace.filter(|w| w.wants(document));
        let crate_name = discogen::crate_name(&stem(document));
        let options = discogen::CrateOptions {
            crate_name: crate_name.clone(),
            runtime: discogen::RuntimeSource::Path(
                workspace.map_or("runtime".into(), |w| w.runtime.display().to_string()),
            ),
            source: stem(document),
            ..Default::default()
        };
        let generated =
            discogen::__internal::generate_from_api(&api, &options).map_err(|e| e.to_string())?;
        let mut stats = Stats {
            types: api.types.len(),
            coverage: generated.coverage,
            operations: Operations::of(&api),
            ..Stats::default()
        };
        count_methods(&api.root, &mut stats);
        for (path, contents) in &generated.files {
            stats.files += 1;
            stats.lines += contents.lines().count();
            if path.ends_with(".rs") {
                syn::parse_file(contents).map_err(|e| format!("{path} does not parse: {e}"))?;
            }
        }
        if let Some(workspace) = workspace {
            crate::write::replace_dir(&workspace.dir.join(&crate_name), &generated)
                .map_err(|e| format!("writing {crate_name}: {e}"))?;
        }
        Ok(Some(stats))
    })();
    Outcome {
        document: document.to_path_buf(),
        result,
        elapsed: start.elapsed(),
    }
}

fn is_directory_list(text: &str) -> bool {
    #[derive(serde::Deserialize)]
    struct Kind {
        kind: Option<String>,
    }
    serde_json::from_str::<Kind>(text)
        .is_ok_and(|k| k.kind.as_deref() == Some("discovery#directoryList"))
}

fn count_methods(resource: &ir::Resource, stats: &mut Stats) {
    stats.methods += resource.methods.len();
    stats.unsupported_methods += resource
        .methods
        .iter()
        .filter(|m| !m.unsupported.is_empty())
        .count();
    for child in &resource.resources {
        count_methods(child, stats);
    }
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Runs every document on `workers` threads (writing the crates `workspace` wants); outcomes come back
/// in document order.
pub fn run_all(
    documents: &[PathBuf],
    workers: usize,
    workspace: Option<&Workspace>,
) -> Vec<Outcome> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut outcomes: Vec<Option<Outcome>> = (0..documents.len()).map(|_| None).collect();
    let results = std::sync::Mutex::new(&mut outcomes);
    // Largest first: the long documents (compute's are 3 MB) start at once instead of ending the run
    // on one thread while the others wait.
    let mut order: Vec<usize> = (0..documents.len()).collect();
    let size = |i: &usize| std::fs::metadata(&documents[*i]).map_or(0, |m| m.len());
    order.sort_by_key(|i| std::cmp::Reverse(size(i)));
    std::thread::scope(|scope| {
        for _ in 0..workers.max(1) {
            scope.spawn(|| loop {
                let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(&i) = order.get(n) else {
                    break;
                };
                let document = &documents[i];
                let outcome = run_one(document, workspace);
                results.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(outcome);
            });
        }
    });
    outcomes.into_iter().flatten().collect()
}

/// The table printed at the end of a corpus run.
pub fn report(outcomes: &[Outcome], wall: Duration) -> String {
    let mut out = String::new();
    let failed: Vec<&Outcome> = outcomes.iter().filter(|o| o.result.is_err()).collect();
    for outcome in &failed {
        if let Err(e) = &outcome.result {
            out.push_str(&format!("FAILED {}: {e}\n", stem(&outcome.document)));
        }
    }
    let ok: Vec<Stats> = outcomes
        .iter()
        .filter_map(|o| o.result.as_ref().ok().copied().flatten())
        .collect();
    let skipped = outcomes
        .iter()
        .filter(|o| matches!(o.result, Ok(None)))
        .count();
    let lines: usize = ok.iter().map(|s| s.lines).sum();
    let methods: usize = ok.iter().map(|s| s.methods).sum();
    let unsupported: usize = ok.iter().map(|s| s.unsupported_methods).sum();
    let slowest = outcomes.iter().max_by_key(|o| o.elapsed);
    out.push_str(&format!(
        "\n| files | API documents | generated and parsed | failed | lines emitted | methods | methods with unsupported features | time |\n\
         |---|---|---|---|---|---|---|---|\n\
         | {} | {} | {} | {} | {} | {} | {} | {:.1} s |\n",
        outcomes.len(),
        outcomes.len() - skipped,
        ok.len(),
        failed.len(),
        lines,
        methods,
        unsupported,
        wall.as_secs_f64()
    ));
    let mut coverage = discogen::Coverage::default();
    for stats in &ok {
        coverage += stats.coverage;
    }
    out.push_str(&format!("described: {coverage}\n"));
    let mut least: Vec<(&Outcome, usize)> = outcomes
        .iter()
        .filter_map(|o| {
            let stats = o.result.as_ref().ok().copied().flatten()?;
            let missing = stats.coverage.methods.missing();
            (missing > 0).then_some((o, missing))
        })
        .collect();
    least.sort_by_key(|(o, missing)| (std::cmp::Reverse(*missing), o.document.clone()));
    for (outcome, _) in least.iter().take(5) {
        let stats = outcome
            .result
            .as_ref()
            .ok()
            .copied()
            .flatten()
            .unwrap_or_default();
        out.push_str(&format!(
            "most methods undescribed: {}: {}\n",
            stem(&outcome.document),
            stats.coverage
        ));
    }
    out.push_str(&operations_summary(&ok));
    if let Some(slowest) = slowest {
        out.push_str(&format!(
            "slowest: {} ({:.2} s)\n",
            stem(&slowest.document),
            slowest.elapsed.as_secs_f64()
        ));
    }
    out
}

/// The operation styles over all documents: how many the poller serves (resume by name included), can
/// cancel, and reach with the name split into ids.
fn operations_summary(stats: &[Stats]) -> String {
    let count = |f: &dyn Fn(&Operations) -> bool| {
        stats
            .iter()
            .filter(|s| s.operations.as_ref().is_some_and(f))
            .count()
    };
    let mut out = String::from(
        "\n| operation style | documents | served by the poller, resume by name (status: by selfLink) | can cancel | name split into ids |\n\
         |---|---|---|---|---|\n",
    );
    for style in [OperationStyle::Longrunning, OperationStyle::Status] {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            style.label(),
            count(&|o| o.style == style),
            count(&|o| o.style == style && o.served),
            count(&|o| o.style == style && o.cancel),
            count(&|o| o.style == style && o.split_name),
        ));
    }
    let none = stats.iter().filter(|s| s.operations.is_none()).count();
    out.push_str(&format!("| none | {none} | | | |\n"));
    out
}

/// One row per document: the operation style recognised, whether the poller serves it (and so can
/// resume an operation by name), cancel, and whether the name is split into ids.
pub fn operations_table(outcomes: &[Outcome]) -> String {
    let mut out = String::from(
        "| document | operation style | served, resume by name or selfLink | cancel | name split into ids |\n\
         |---|---|---|---|---|\n",
    );
    let yes = |b: bool| if b { "yes" } else { "no" };
    for outcome in outcomes {
        let Ok(Some(stats)) = &outcome.result else {
            continue;
        };
        let (style, served, cancel, split) = match &stats.operations {
            Some(o) => (o.style.label(), o.served, o.cancel, o.split_name),
            None => ("none", false, false, false),
        };
        out.push_str(&format!(
            "| {} | {style} | {} | {} | {} |\n",
            stem(&outcome.document),
            yes(served),
            yes(cancel),
            yes(split)
        ));
    }
    out
}

/// What `cargo check` said about one generated crate.
#[derive(Debug, Clone, Default)]
pub struct CrateCheck {
    /// The crate's folder (its package name).
    pub name: String,
    pub errors: usize,
    pub warnings: usize,
    /// The compiler's first messages, rendered.
    pub messages: Vec<String>,
    /// Whether cargo produced the crate's metadata (it compiled).
    pub compiled: bool,
}

/// The result of compiling many generated crates in one workspace.
#[derive(Debug, Default)]
pub struct CompileReport {
    /// One entry per crate, in member order.
    pub crates: Vec<CrateCheck>,
    /// Warnings and errors outside the generated crates (the runtime, dependencies).
    pub other: CrateCheck,
    pub wall: Duration,
}

/// Rendered messages kept per crate; the counts are always complete.
const MESSAGES_KEPT: usize = 3;

/// Runs `cargo check --workspace --keep-going` in a [`Workspace`], with
/// `target` as its target folder, and attributes every error and warning to its crate. `progress` is
/// called with each crate that finished.
pub fn check_workspace(
    dir: &Path,
    members: &[String],
    target: &Path,
    mut progress: impl FnMut(&CrateCheck),
) -> Result<CompileReport, String> {
    use std::io::BufRead;
    let start = Instant::now();
    let mut child =
        std::process::Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
            .args([
                "check",
                "--workspace",
                "--keep-going",
                "--message-format",
                "json",
            ])
            .env("CARGO_TARGET_DIR", target)
            .current_dir(dir)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .map_err(|e| format!("cargo check: {e}"))?;
    let stdout = child.stdout.take().ok_or("cargo check: no stdout")?;
    // cargo's own errors (a bad manifest, a failed download) arrive on stderr; read it aside.
    let stderr = child.stderr.take().ok_or("cargo check: no stderr")?;
    let stderr = std::thread::spawn(move || std::io::read_to_string(stderr).unwrap_or_default());
    let mut report = CompileReport {
        crates: members
            .iter()
            .map(|name| CrateCheck {
                name: name.clone(),
                ..CrateCheck::default()
            })
            .collect(),
        ..CompileReport::default()
    };
    // cargo names manifests by canonical paths.
    let dir = dir
        .canonicalize()
        .map_err(|e| format!("{}: {e}", dir.display()))?;
    for line in std::io::BufReader::new(stdout).lines() {
        let line = line.map_err(|e| format!("cargo check: {e}"))?;
        if let Some(finished) = report.record(&dir, &line) {
            progress(&report.crates[finished]);
        }
    }
    let status = child.wait().map_err(|e| format!("cargo check: {e}"))?;
    let stderr = stderr.join().unwrap_or_default();
    for check in report.crates.iter_mut().filter(|c| !c.compiled) {
        progress(check);
    }
    report.wall = start.elapsed();
    let attributed = report.crates.iter().any(|c| c.errors > 0) || report.other.errors > 0;
    if !status.success() && !attributed {
        return Err(format!("cargo check failed:\n{stderr}"));
    }
    Ok(report)
}

impl CompileReport {
    /// Counts one line of cargo's JSON output against its crate (a member of the workspace `dir`, else
    /// [`CompileReport::other`]); returns the member that just compiled, if any.
    pub fn record(&mut self, dir: &Path, line: &str) -> Option<usize> {
        let message = serde_json::from_str::<CargoMessage>(line).ok()?;
        let member = message
            .manifest_path
            .as_deref()
            .and_then(|p| Path::new(p).parent())
            .filter(|p| p.parent() == Some(dir))
            .and_then(|p| p.file_name())
            .and_then(|n| self.crates.iter().position(|c| n == c.name.as_str()));
        let check = match member {
            Some(i) => &mut self.crates[i],
            None => &mut self.other,
        };
        match message.reason.as_str() {
            "compiler-message" => {
                check.count(message.message?);
                None
            }
            "compiler-artifact" if member.is_some() => {
                check.compiled = true;
                member
            }
            _ => None,
        }
    }
}

#[derive(serde::Deserialize)]
struct CargoMessage {
    reason: String,
    manifest_path: Option<String>,
    message: Option<Diagnostic>,
}

#[derive(serde::Deserialize)]
struct Diagnostic {
    level: String,
    message: String,
    rendered: Option<String>,
}

impl CrateCheck {
    fn count(&mut self, diagnostic: Diagnostic) {
        // rustc's closing lines ("aborting due to 2 previous errors", "3 warnings emitted") are no findings.
        let summary = diagnostic.message.starts_with("aborting due to")
            || diagnostic.message.ends_with("emitted");
        match diagnostic.level.as_str() {
            "error" if !summary => self.errors += 1,
            "warning" if !summary => self.warnings += 1,
            _ => return,
        }
        if self.messages.len() < MESSAGES_KEPT {
            self.messages
                .push(diagnostic.rendered.unwrap_or(diagnostic.message));
        }
    }
}

/// The table printed after a compile: totals, then each crate with errors or warnings and its first
/// messages.
pub fn compile_report(report: &CompileReport) -> String {
    let mut out = String::new();
    let noisy = report
        .crates
        .iter()
        .chain(std::iter::once(&report.other))
        .filter(|c| c.errors > 0 || c.warnings > 0);
    for check in noisy {
        let name = if check.name.is_empty() {
            "(outside the generated crates)"
        } else {
            &check.name
        };
        out.push_str(&format!(
            "{} {name}: {} errors, {} warnings\n",
            if check.errors > 0 { "FAILED" } else { "WARNED" },
            check.errors,
            check.warnings
        ));
        for message in &check.messages {
            out.push_str(message.trim_end());
            out.push('\n');
        }
    }
    let compiled = report.crates.iter().filter(|c| c.compiled).count();
    let errors: usize = report.crates.iter().map(|c| c.errors).sum::<usize>() + report.other.errors;
    let warnings: usize =
        report.crates.iter().map(|c| c.warnings).sum::<usize>() + report.other.warnings;
    out.push_str(&format!(
        "\n| crates | compiled | failed | errors | warnings | time (cargo check) |\n\
         |---|---|---|---|---|---|\n\
         | {} | {compiled} | {} | {errors} | {warnings} | {:.0} s |\n",
        report.crates.len(),
        report.crates.len() - compiled,
        report.wall.as_secs_f64()
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(names: &[&str]) -> CompileReport {
        CompileReport {
            crates: names
                .iter()
                .map(|n| CrateCheck {
                    name: n.to_string(),
                    ..CrateCheck::default()
                })
                .collect(),
            ..CompileReport::default()
        }
    }

    fn message(manifest: &str, level: &str, text: &str) -> String {
        serde_json::json!({
            "reason": "compiler-message",
            "manifest_path": manifest,
            "message": {"level": level, "message": text, "rendered": format!("{level}: {text}\n")},
        })
        .to_string()
    }

    #[test]
    fn messages_are_counted_against_their_crate_and_summaries_are_not_findings() {
        let dir = Path::new("/w");
        let mut report = report(&["a-v1", "b-v1"]);
        let lines = [
            message(
                "/w/a-v1/Cargo.toml",
                "error",
                "the trait bound `X: Y` is not satisfied",
            ),
            message(
                "/w/a-v1/Cargo.toml",
                "error",
                "aborting due to 1 previous error",
            ),
            message("/w/b-v1/Cargo.toml", "warning", "unused import: `x`"),
            message("/w/b-v1/Cargo.toml", "warning", "1 warning emitted"),
            message("/r/runtime/Cargo.toml", "warning", "unused variable: `y`"),
            r#"{"reason":"compiler-artifact","manifest_path":"/w/b-v1/Cargo.toml"}"#.to_owned(),
            r#"{"reason":"compiler-artifact","manifest_path":"/r/serde/Cargo.toml"}"#.to_owned(),
            r#"{"reason":"build-finished","success":false}"#.to_owned(),
            "not json".to_owned(),
        ];
        let finished: Vec<Option<usize>> = lines.iter().map(|l| report.record(dir, l)).collect();
        assert_eq!(
            finished,
            [None, None, None, None, None, Some(1), None, None, None]
        );
        let counts: Vec<(usize, usize, bool)> = report
            .crates
            .iter()
            .map(|c| (c.errors, c.warnings, c.compiled))
            .collect();
        assert_eq!(counts, [(1, 0, false), (0, 1, true)]);
        assert_eq!((report.other.errors, report.other.warnings), (0, 1));
        assert_eq!(
            report.crates[0].messages,
            ["error: the trait bound `X: Y` is not satisfied\n"]
        );
        let table = compile_report(&report);
        assert!(
            table.contains("FAILED a-v1: 1 errors, 0 warnings"),
            "{table}"
        );
        assert!(table.contains("| 2 | 1 | 1 | 1 | 2 |"), "{table}");
    }
}
