//! `cargo xtask corpus DIR`: runs the generator over every Discovery document in a folder, re-parses every
//! generated file with syn, optionally compiles a sample with `cargo check`, and prints a table.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

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
    pub coverage: discogen::coverage::Coverage,
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

/// Generates one document in memory and re-parses every Rust file it produced.
pub fn run_one(document: &Path) -> Outcome {
    let start = Instant::now();
    let result = (|| {
        let text = std::fs::read_to_string(document).map_err(|e| e.to_string())?;
        if is_directory_list(&text) {
            return Ok(None);
        }
        let doc = discogen::parse::parse(&text).map_err(|e| e.to_string())?;
        let api = discogen::resolve::resolve(&doc).map_err(|e| e.to_string())?;
        let options = discogen::CrateOptions {
            crate_name: discogen::names::crate_name(&stem(document)),
            runtime_path: "runtime".to_owned(),
            source: stem(document),
            ..Default::default()
        };
        let generated = discogen::generate_from_api(&api, &options).map_err(|e| e.to_string())?;
        let mut stats = Stats {
            types: api.types.len(),
            coverage: discogen::coverage::coverage(&api),
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

fn count_methods(resource: &discogen::ir::Resource, stats: &mut Stats) {
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

/// Runs every document on `workers` threads; outcomes come back in document order.
pub fn run_all(documents: &[PathBuf], workers: usize) -> Vec<Outcome> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut outcomes: Vec<Option<Outcome>> = (0..documents.len()).map(|_| None).collect();
    let results = std::sync::Mutex::new(&mut outcomes);
    std::thread::scope(|scope| {
        for _ in 0..workers.max(1) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(document) = documents.get(i) else {
                    break;
                };
                let outcome = run_one(document);
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
    let mut coverage = discogen::coverage::Coverage::default();
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
    if let Some(slowest) = slowest {
        out.push_str(&format!(
            "slowest: {} ({:.2} s)\n",
            stem(&slowest.document),
            slowest.elapsed.as_secs_f64()
        ));
    }
    out
}

/// Writes the crates of `documents` into `dir` as one workspace and runs `cargo check` on it with the
/// project's target folder; returns the number of warnings, or the compiler's output on failure.
pub fn compile_sample(root: &Path, documents: &[PathBuf], dir: &Path) -> Result<usize, String> {
    let runtime = std::path::absolute(root.join("runtime")).map_err(|e| e.to_string())?;
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(|e| e.to_string())?;
    }
    let mut members = Vec::new();
    for document in documents {
        let name = discogen::names::crate_name(&stem(document));
        let text = std::fs::read_to_string(document).map_err(|e| e.to_string())?;
        let options = discogen::CrateOptions {
            crate_name: name.clone(),
            runtime_path: runtime.display().to_string(),
            source: stem(document),
            ..Default::default()
        };
        let generated = discogen::generate(&text, &options)
            .map_err(|e| format!("{}: {e}", document.display()))?;
        crate::write::replace_dir(&dir.join(&name), &generated).map_err(|e| e.to_string())?;
        members.push(format!("{name:?}"));
    }
    let manifest = format!(
        "[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
        members.join(", ")
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
    let output =
        std::process::Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
            .args(["check", "--workspace", "--message-format", "short"])
            .env("CARGO_TARGET_DIR", root.join("target/corpus"))
            .current_dir(dir)
            .output()
            .map_err(|e| format!("cargo check: {e}"))?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        return Err(stderr.into_owned());
    }
    Ok(stderr.lines().filter(|l| l.contains(": warning:")).count())
}
