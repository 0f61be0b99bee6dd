//! `generate`, `fetch` and `diff` as both front doors run and print them: `cargo discogen` and this
//! repository's `cargo xtask` (`front` is the command's name in messages).

use std::path::{Path, PathBuf};

use crate::project::{generate_release, Job};
use crate::{changes, fetch, write};

/// Generates `jobs` in memory, then writes them (or, with `check`, compares them with the disk and
/// prints the stale files). `Ok(false)`: stale. Nothing is written when any document fails.
pub fn generate(root: &Path, jobs: &[Job], check: bool, front: &str) -> Result<bool, String> {
    let crates = jobs
        .iter()
        .map(|job| Ok((job, generate_release(job)?)))
        .collect::<Result<Vec<_>, String>>()?;
    let relative = |path: &Path| {
        path.strip_prefix(root)
            .unwrap_or(path)
            .display()
            .to_string()
    };
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
                relative(&release.history_path)
            );
        }
        if stale.is_empty() && pending.is_empty() {
            println!("generated crates are up to date ({} crates)", crates.len());
            return Ok(true);
        }
        eprintln!("generated crates are stale; run `{front} generate`:");
        for path in &stale {
            eprintln!("  {}", relative(path));
        }
        return Ok(false);
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
            changes::record(release)?;
            releases.push((job, release));
        }
        let status = match changed.len() {
            0 => "unchanged".to_owned(),
            n => format!("{n} files changed"),
        };
        println!("{:<28} {:>7} lines  {status}", job.crate_name, lines);
        println!("{:<28} described: {}", "", generation.coverage);
    }
    for (job, release) in releases {
        print_release(job, release);
    }
    Ok(true)
}

fn print_release(job: &Job, release: &changes::NewRelease) {
    println!("{}: {}", job.crate_name, release.summary);
    let Some(report) = &release.report else {
        return;
    };
    let breaking = discogen::diff::Severity::Breaking;
    for change in report
        .changes
        .iter()
        .filter(|c| c.severity == breaking)
        .take(5)
    {
        println!("  breaking: {change}");
    }
    if report.count(breaking) > 5 {
        println!("  ... and {} more", report.count(breaking) - 5);
    }
    println!("  see {}", job.out.join("CHANGELOG.md").display());
}

/// Downloads the current documents of the manifest's APIs (or of `options.apis`) and says what changed.
pub fn fetch(root: &Path, options: &fetch::FetchOptions, front: &str) -> Result<(), String> {
    let fetched = fetch::fetch(root, options)?;
    let mut updated = 0;
    for item in &fetched {
        match &item.outcome {
            fetch::Outcome::Unchanged { revision } => {
                println!("{:<28} unchanged (revision {revision})", item.crate_name)
            }
            fetch::Outcome::Updated {
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
                        previous.strip_prefix(root).unwrap_or(previous).display()
                    );
                }
            }
        }
    }
    if updated > 0 {
        println!("run `{front} generate` to regenerate, version and changelog the crates");
    }
    Ok(())
}

/// What `diff` prints of two documents.
#[derive(Debug, Clone, Default)]
pub struct DiffOptions {
    /// Also list documentation-only changes.
    pub docs: bool,
    /// Only the closing summary line.
    pub summary: bool,
    /// The crate's current version, to print the next one.
    pub version: Option<discogen::diff::Version>,
}

/// The API-change report between `old` and `new`, with the rules of the job whose document `new` is
/// named like (so the report speaks of the types that crate has).
pub fn diff(
    old: &PathBuf,
    new: &PathBuf,
    jobs: &[Job],
    options: &DiffOptions,
) -> Result<(), String> {
    let read = |path: &PathBuf| {
        std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
    };
    let rules = jobs
        .iter()
        .find(|job| job.document.file_name() == new.file_name())
        .map(|job| job.rules.clone())
        .unwrap_or_default();
    let report = discogen::diff::diff_documents(&read(old)?, &read(new)?, &rules)
        .map_err(|e| e.to_string())?;
    if !options.summary {
        println!(
            "{}",
            changes::full_report(&report, options.docs, options.version)
        );
    }
    let next = options
        .version
        .map(|v| format!(" → {}", v.bump(report.bump())))
        .unwrap_or_default();
    println!("{}: {}{next}", report.title, report.summary());
    Ok(())
}
