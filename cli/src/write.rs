//! Comparing generated crates with the disk, and replacing them atomically.

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use discogen::GeneratedCrate;

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
/// leaves either the old crate or the new one, never a mix. A run stopped between the renames leaves the old
/// crate as `.NAME.old`; the next call puts it back first.
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
    // A backup without the crate means a run stopped between the two renames: the backup is the crate.
    if backup.exists() && !dir.exists() {
        fs::rename(&backup, dir)?;
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn crate_with(text: &str) -> GeneratedCrate {
        GeneratedCrate {
            files: [("src/lib.rs".to_owned(), text.to_owned())].into(),
            coverage: Default::default(),
        }
    }

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("discogen-write-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_swap_stopped_between_the_renames_is_undone_before_the_next() {
        let root = scratch("interrupted");
        let dir = root.join("api");
        // What a run stopped after its first rename leaves: the old crate as a backup, no crate, a staging folder.
        fs::create_dir_all(root.join(".api.old/src")).unwrap();
        fs::write(root.join(".api.old/src/lib.rs"), "old").unwrap();
        fs::create_dir_all(root.join(".api.staging/src")).unwrap();
        fs::write(root.join(".api.staging/src/lib.rs"), "half").unwrap();

        // A failing write (a file where the staging folder must go) must leave the old crate in place.
        fs::remove_dir_all(root.join(".api.staging")).unwrap();
        fs::write(root.join(".api.staging"), "in the way").unwrap();
        assert!(replace_dir(&dir, &crate_with("new")).is_err());
        assert_eq!(fs::read_to_string(dir.join("src/lib.rs")).unwrap(), "old");

        fs::remove_file(root.join(".api.staging")).unwrap();
        replace_dir(&dir, &crate_with("new")).unwrap();
        assert_eq!(fs::read_to_string(dir.join("src/lib.rs")).unwrap(), "new");
        assert!(!root.join(".api.old").exists() && !root.join(".api.staging").exists());
        fs::remove_dir_all(&root).unwrap();
    }
}
