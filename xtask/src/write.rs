//! Comparing generated crates with the disk, and replacing them atomically.

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use discogen::GeneratedCrate;

/// Formats every Rust file with rustfmt, so the checked-in crates pass `cargo fmt --check`.
pub fn rustfmt_crate(mut generated: GeneratedCrate) -> Result<GeneratedCrate, discogen::Error> {
    for (path, contents) in generated
        .files
        .iter_mut()
        .filter(|(p, _)| p.ends_with(".rs"))
    {
        *contents = discogen::format::rustfmt(contents)
            .map_err(|e| discogen::Error::new("$", format!("formatting {path}: {e}")))?;
    }
    Ok(generated)
}

/// Files that differ between `dir` and `generated`: changed, missing, or present on disk but not generated.
pub fn differences(dir: &Path, generated: &GeneratedCrate) -> io::Result<Vec<PathBuf>> {
    let mut stale = Vec::new();
    for (relative, contents) in &generated.files {
        let path = dir.join(relative);
        match fs::read(&path) {
            Ok(bytes) if bytes == contents.as_bytes() => {}
            Ok(_) => stale.push(path),
            Err(e) if e.kind() == io::ErrorKind::NotFound => stale.push(path),
            Err(e) => return Err(e),
        }
    }
    let expected: BTreeSet<PathBuf> = generated.files.keys().map(|r| dir.join(r)).collect();
    if dir.exists() {
        for path in files_below(dir)? {
            if !expected.contains(&path) {
                stale.push(path);
            }
        }
    }
    stale.sort();
    Ok(stale)
}

fn files_below(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in fs::read_dir(&current)? {
            let entry = entry?;
            if entry.file_type()?.is_dir() {
                stack.push(entry.path());
            } else {
                files.push(entry.path());
            }
        }
    }
    Ok(files)
}

/// Writes the crate to a sibling staging folder, then swaps it in with renames: an interrupted or failed run
/// leaves either the old crate or the new one, never a mix.
pub fn replace_dir(dir: &Path, generated: &GeneratedCrate) -> io::Result<()> {
    let parent = dir
        .parent()
        .ok_or_else(|| io::Error::other("output folder has no parent"))?;
    fs::create_dir_all(parent)?;
    let name = dir
        .file_name()
        .ok_or_else(|| io::Error::other("output folder has no name"))?
        .to_string_lossy();
    let staging = parent.join(format!(".{name}.staging"));
    let backup = parent.join(format!(".{name}.old"));
    for leftover in [&staging, &backup] {
        if leftover.exists() {
            fs::remove_dir_all(leftover)?;
        }
    }
    for (relative, contents) in &generated.files {
        let path = staging.join(relative);
        if let Some(folder) = path.parent() {
            fs::create_dir_all(folder)?;
        }
        fs::write(&path, contents)?;
    }
    if dir.exists() {
        fs::rename(dir, &backup)?;
    }
    if let Err(e) = fs::rename(&staging, dir) {
        // Put the old crate back before reporting.
        if backup.exists() {
            fs::rename(&backup, dir)?;
        }
        return Err(e);
    }
    if backup.exists() {
        fs::remove_dir_all(&backup)?;
    }
    Ok(())
}
