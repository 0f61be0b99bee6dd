//! The README's "Use discogen in your repository", run as written: its commands, in order, in a new
//! repository whose app is the README's, with `cargo discogen` on the `PATH` (CI installs it with
//! `cargo install`; otherwise this test's own build of it stands in) and a Discovery service on
//! 127.0.0.1 (`DISCOGEN_DISCOVERY_URL`) that serves an older Drive revision, then Google's current one.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .unwrap()
}

fn here() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/walkthrough")
}

/// The section's first ```sh block, as commands (comments and blank lines left out), and its ```toml
/// block.
fn walkthrough() -> (Vec<String>, String) {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let start = readme
        .find("## Use discogen in your repository")
        .expect("the README has the walkthrough");
    let section = &readme[start..];
    let section = &section[..section[3..]
        .find("\n## ")
        .map_or(section.len(), |end| end + 3)];
    let block = |info: &str| {
        let open = format!("```{info}\n");
        let from = section.find(&open).expect("a block") + open.len();
        section[from..from + section[from..].find("```").unwrap()].to_owned()
    };
    let commands = block("sh")
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| line.split(" #").next().unwrap_or(line).trim().to_owned())
        .collect();
    (commands, block("toml"))
}

/// A Discovery service on 127.0.0.1: `GET /apis/NAME/VERSION/rest` answers the document it holds.
struct Discovery {
    url: String,
    documents: Arc<Mutex<BTreeMap<String, String>>>,
}

impl Discovery {
    fn start() -> Discovery {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        let documents = Arc::new(Mutex::new(BTreeMap::new()));
        let served = Arc::clone(&documents);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                let mut line = String::new();
                let mut reader = BufReader::new(&stream);
                if reader.read_line(&mut line).is_err() {
                    continue;
                }
                // The rest of the head is not needed; the client sends no body.
                let path = line
                    .split_whitespace()
                    .nth(1)
                    .unwrap_or_default()
                    .to_owned();
                let body = served.lock().unwrap().get(&path).cloned();
                let (status, body) = match body {
                    Some(body) => ("200 OK", body),
                    None => (
                        "404 Not Found",
                        r#"{"error":{"code":404,"message":"no such API"}}"#.to_owned(),
                    ),
                };
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
                     connection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        Discovery { url, documents }
    }

    fn serve(&self, name: &str, version: &str, document: &Path) {
        let text = std::fs::read_to_string(document).unwrap();
        self.documents
            .lock()
            .unwrap()
            .insert(format!("/apis/{name}/{version}/rest"), text);
    }
}

/// A new repository: a workspace with the README's app as its member, and the workspace's lock file,
/// so that cargo resolves offline to the crates this repository was built with.
fn new_repository() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("discogen-walkthrough-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for file in ["Cargo.toml", "src/lib.rs", "tests/app.rs"] {
        let to = dir.join("app").join(file);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(here().join("app").join(file), to).unwrap();
    }
    std::fs::write(
        dir.join("Cargo.toml"),
        "[workspace]\nresolver = \"2\"\nmembers = [\"app\"]\n",
    )
    .unwrap();
    std::fs::copy(repo().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    assert!(Command::new("git")
        .arg("init")
        .arg("-q")
        .current_dir(&dir)
        .status()
        .unwrap()
        .success());
    dir
}

/// The environment the commands run in.
struct Shell {
    dir: PathBuf,
    path: String,
    discovery: String,
}

impl Shell {
    fn run(&self, command: &str) -> Output {
        Command::new("sh")
            .arg("-c")
            .arg(command)
            .current_dir(&self.dir)
            .env("PATH", &self.path)
            .env("DISCOGEN", repo())
            .env("DISCOGEN_DISCOVERY_URL", &self.discovery)
            .env("CARGO_TARGET_DIR", repo().join("target/walkthrough"))
            .env("CARGO_NET_OFFLINE", "true")
            .env_remove("RUSTFLAGS")
            .output()
            .unwrap()
    }

    fn ok(&self, command: &str) -> String {
        let output = self.run(command);
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(output.status.success(), "`{command}` failed:\n{text}");
        text
    }

    fn read(&self, file: &str) -> String {
        std::fs::read_to_string(self.dir.join(file)).unwrap()
    }
}

#[test]
fn the_readme_walkthrough_runs_as_written() {
    let (commands, app_toml) = walkthrough();
    assert_eq!(
        app_toml,
        std::fs::read_to_string(here().join("app/Cargo.toml")).unwrap()
    );
    let discovery = Discovery::start();
    let documents = here().join("documents");
    discovery.serve("drive", "v3", &documents.join("drive.v3.20241008.json"));
    discovery.serve("sheets", "v4", &documents.join("sheets.v4.json"));
    let dir = new_repository();
    // CI installs the command; elsewhere this test's own build of it is the one on the PATH.
    let built = Path::new(env!("CARGO_BIN_EXE_cargo-discogen"))
        .parent()
        .unwrap()
        .to_owned();
    let path = format!("{}:{}", std::env::var("PATH").unwrap(), built.display());
    let shell = Shell {
        dir,
        path,
        discovery: discovery.url.clone(),
    };
    let version = shell.ok("cargo discogen --version");
    assert!(version.starts_with("cargo-discogen "), "{version}");

    let mut checked = false;
    for command in &commands {
        if command.starts_with("cargo install") {
            continue; // done above, by CI or by this test's build
        }
        if command == "cargo discogen fetch drive-v3" {
            assert_eq!(
                shell.read("generated/drive-v3/Cargo.toml").lines().nth(3),
                Some(r#"version = "0.1.0+20241008""#)
            );
            discovery.serve(
                "drive",
                "v3",
                &repo().join("tests/media-apis/drive.v3.json"),
            );
        }
        let output = shell.ok(command);
        if command == "cargo discogen generate --check" && !checked {
            checked = true;
            assert!(
                output.contains("generated crates are up to date (2 crates)"),
                "{output}"
            );
            // A hand edit of a generated file: the check fails and names it.
            let lib = shell.dir.join("generated/sheets-v4/src/lib.rs");
            let original = std::fs::read_to_string(&lib).unwrap();
            std::fs::write(&lib, format!("{original}// edited by hand\n")).unwrap();
            let stale = shell.run(command);
            assert_eq!(stale.status.code(), Some(1));
            let message = String::from_utf8_lossy(&stale.stderr);
            assert!(
                message.contains("generated/sheets-v4/src/lib.rs"),
                "{message}"
            );
            std::fs::write(&lib, original).unwrap();
        }
    }

    // The update: a new version with its changelog, the release recorded, the app still builds.
    let manifest = shell.read("generated/drive-v3/Cargo.toml");
    assert!(
        manifest.contains(r#"version = "0.2.0+20261106""#),
        "{manifest}"
    );
    let changelog = shell.read("generated/drive-v3/CHANGELOG.md");
    assert!(changelog.contains("## 0.2.0+20261106"), "{changelog}");
    assert!(
        changelog.contains("Discovery revision 20241008 → 20261106"),
        "{changelog}"
    );
    let history = shell.read("discovery/releases/drive-v3.toml");
    assert_eq!(history.matches("[[release]]").count(), 2, "{history}");
    let workspace = shell.read("Cargo.toml");
    assert!(
        workspace.contains("[profile.dev.package.drive-v3]"),
        "{workspace}"
    );
    assert!(
        shell
            .read("generated/drive-v3/src/lib.rs")
            .contains("Do not edit: run `cargo discogen generate`"),
        "the header names the command the repository uses"
    );
    let _ = std::fs::remove_dir_all(&shell.dir);
}
