//! `cargo xtask fetch` against a Discovery service played on 127.0.0.1, and the release that `generate`
//! records afterwards: version bump, CHANGELOG.md, release history. Nothing here reaches Google.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// A loopback HTTP server that answers every request for `path` with `status` and `body`, and 404 for any
/// other path. It stops when dropped, or by itself after 60 seconds.
struct Server {
    base_url: String,
    requests: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

type Routes = Vec<(String, u16, String)>;

impl Server {
    fn start(routes: Routes) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let base_url = format!("http://{}/discovery/v1/", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (requests, stop) = (requests.clone(), stop.clone());
            std::thread::spawn(move || {
                let deadline = Instant::now() + Duration::from_secs(60);
                while !stop.load(Ordering::Relaxed) && Instant::now() < deadline {
                    match listener.accept() {
                        Ok((stream, _)) => answer(stream, &routes, &requests),
                        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                            std::thread::sleep(Duration::from_millis(5))
                        }
                        Err(_) => break,
                    }
                }
            })
        };
        Server {
            base_url,
            requests,
            stop,
            thread: Some(thread),
        }
    }

    fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn answer(mut stream: TcpStream, routes: &Routes, requests: &Mutex<Vec<String>>) {
    stream.set_nonblocking(false).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return,
        }
    }
    let head = String::from_utf8_lossy(&head);
    let path = head
        .split_whitespace()
        .nth(1)
        .unwrap_or_default()
        .to_owned();
    requests.lock().unwrap().push(path.clone());
    let (status, body) = routes
        .iter()
        .find(|(p, _, _)| *p == path)
        .map(|(_, status, body)| (*status, body.clone()))
        .unwrap_or((
            404,
            r#"{"error": {"code": 404, "message": "no such API"}}"#.to_owned(),
        ));
    let reason = if status == 200 { "OK" } else { "Error" };
    let response = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json; charset=UTF-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes());
    let _ = stream.write_all(body.as_bytes());
}

const WORKSPACEEVENTS: &str = "/discovery/v1/apis/workspaceevents/v1/rest";
const MONITORING: &str = "/discovery/v1/apis/monitoring/v1/rest";

fn revision(name: &str) -> String {
    let path = xtask::project_root()
        .join("tests/fixtures-revisions")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A scratch project: a manifest naming the given documents, which are checked in with the given text.
fn project(name: &str, documents: &[(&str, &str, String)]) -> PathBuf {
    let root = std::env::temp_dir().join(format!("xtask-fetch-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("discovery")).unwrap();
    let mut manifest = "runtime = \"runtime\"\n".to_owned();
    for (document, crate_name, text) in documents {
        manifest.push_str(&format!(
            "\n[[api]]\ndocument = \"{document}\"\ncrate = \"{crate_name}\"\nout = \"generated/{crate_name}\"\n"
        ));
        std::fs::write(root.join("discovery").join(document), text).unwrap();
    }
    std::fs::write(root.join("discovery/manifest.toml"), manifest).unwrap();
    root
}

fn xtask(root: &Path, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
    command.args(args).args(["--root", root.to_str().unwrap()]);
    // The server is on 127.0.0.1: no proxy of the environment may stand in between.
    for proxy in ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"] {
        command.env_remove(proxy).env_remove(proxy.to_lowercase());
    }
    command.output().unwrap()
}

fn text(output: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn read(path: PathBuf) -> String {
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn fetch_then_generate_makes_a_release_with_version_and_changelog() {
    let old = revision("workspaceevents.v1.20241008.json");
    let new = revision("workspaceevents.v1.20261004.json");
    let root = project(
        "release",
        &[("workspaceevents.v1.json", "workspaceevents-v1", old.clone())],
    );

    // The first generation is the first release, at the checked-in revision.
    let first = xtask(&root, &["generate"]);
    assert!(first.status.success(), "{}", text(&first));
    assert!(String::from_utf8_lossy(&first.stdout)
        .contains("workspaceevents-v1: first release 0.1.0+20241008"));
    let cargo_toml = read(root.join("generated/workspaceevents-v1/Cargo.toml"));
    assert!(
        cargo_toml.contains("version = \"0.1.0+20241008\""),
        "{cargo_toml}"
    );
    let check = xtask(&root, &["generate", "--check"]);
    assert!(check.status.success(), "{}", text(&check));

    // The service has a newer revision.
    let server = Server::start(vec![(WORKSPACEEVENTS.to_owned(), 200, new.clone())]);
    let fetched = xtask(&root, &["fetch", "--base-url", &server.base_url]);
    assert!(fetched.status.success(), "{}", text(&fetched));
    let stdout = String::from_utf8_lossy(&fetched.stdout);
    assert!(
        stdout.contains("revision 20241008 → 20261004: 0 breaking, 24 compatible"),
        "{stdout}"
    );
    assert_eq!(server.requests(), [WORKSPACEEVENTS]);
    assert_eq!(read(root.join("discovery/workspaceevents.v1.json")), new);
    assert_eq!(
        read(root.join("discovery/previous/workspaceevents.v1.json")),
        old,
        "the released document is kept for the change report"
    );

    // Until generate runs, the crates are stale and the release is pending.
    let check = xtask(&root, &["generate", "--check"]);
    assert_eq!(check.status.code(), Some(1), "{}", text(&check));
    assert!(String::from_utf8_lossy(&check.stderr).contains("release not recorded yet"));

    let generated = xtask(&root, &["generate"]);
    assert!(generated.status.success(), "{}", text(&generated));
    assert!(
        String::from_utf8_lossy(&generated.stdout).contains(
            "workspaceevents-v1: 0.1.0+20241008 → 0.1.1+20261004: 0 breaking, 24 compatible, 18 documentation-only changes"
        ),
        "{}",
        text(&generated)
    );
    let cargo_toml = read(root.join("generated/workspaceevents-v1/Cargo.toml"));
    assert!(
        cargo_toml.contains("version = \"0.1.1+20261004\""),
        "{cargo_toml}"
    );
    let changelog = read(root.join("generated/workspaceevents-v1/CHANGELOG.md"));
    let newest = changelog.find("## 0.1.1+20261004").expect(&changelog);
    let oldest = changelog.find("## 0.1.0+20241008").expect(&changelog);
    assert!(newest < oldest, "newest first:\n{changelog}");
    assert!(changelog.contains("- field `Subscription.drive_options`: added (`DriveOptions`)"));
    assert!(
        changelog.contains("Version 0.1.0 → 0.1.1: compatible additions bump the patch version")
    );
    assert!(
        changelog.contains("`with_*` setters"),
        "the policy heads the changelog"
    );
    assert!(
        !root.join("discovery/previous").exists(),
        "the kept document goes once released"
    );
    let history = read(root.join("discovery/releases/workspaceevents-v1.toml"));
    assert_eq!(history.matches("[[release]]").count(), 2, "{history}");

    // The tree is consistent again, and regenerating changes nothing.
    let check = xtask(&root, &["generate", "--check"]);
    assert!(check.status.success(), "{}", text(&check));
    let again = xtask(&root, &["generate"]);
    assert!(again.status.success());
    assert_eq!(
        read(root.join("discovery/releases/workspaceevents-v1.toml")),
        history
    );

    // The service has nothing newer now.
    let unchanged = xtask(&root, &["fetch", "--base-url", &server.base_url]);
    assert!(unchanged.status.success(), "{}", text(&unchanged));
    assert!(String::from_utf8_lossy(&unchanged.stdout).contains("unchanged (revision 20261004)"));
    drop(server);
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn a_breaking_release_bumps_the_minor_version_of_a_0_x_crate() {
    let old = revision("monitoring.v1.20230913.json");
    let new = revision("monitoring.v1.20241003.json");
    let root = project(
        "breaking",
        &[("monitoring.v1.json", "monitoring-v1", old.clone())],
    );
    let first = xtask(&root, &["generate"]);
    assert!(first.status.success(), "{}", text(&first));

    let server = Server::start(vec![(MONITORING.to_owned(), 200, new)]);
    let fetched = xtask(
        &root,
        &["fetch", "monitoring-v1", "--base-url", &server.base_url],
    );
    assert!(fetched.status.success(), "{}", text(&fetched));

    let job = xtask::project_jobs(&root).unwrap().remove(0);
    let generation = xtask::generate_release(&job).unwrap();
    let release = generation
        .new_release
        .expect("a new revision makes a release");
    assert_eq!(
        release.summary,
        "0.1.0+20230913 → 0.2.0+20241003: 2 breaking, 29 compatible, 17 documentation-only changes"
    );
    let changelog = &generation.generated.files["CHANGELOG.md"];
    insta::assert_snapshot!(changelog);
    assert!(generation.generated.files["Cargo.toml"].contains("version = \"0.2.0+20241003\""));
    drop(server);
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn an_older_revision_is_refused_unless_forced() {
    let old = revision("workspaceevents.v1.20241008.json");
    let new = revision("workspaceevents.v1.20261004.json");
    let root = project(
        "older",
        &[("workspaceevents.v1.json", "workspaceevents-v1", new.clone())],
    );
    let server = Server::start(vec![(WORKSPACEEVENTS.to_owned(), 200, old.clone())]);
    let refused = xtask(&root, &["fetch", "--base-url", &server.base_url]);
    assert_eq!(refused.status.code(), Some(2), "{}", text(&refused));
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains(
            "refusing revision 20241008: it is older than the checked-in revision 20261004"
        ),
        "{}",
        text(&refused)
    );
    assert_eq!(read(root.join("discovery/workspaceevents.v1.json")), new);

    let forced = xtask(&root, &["fetch", "--force", "--base-url", &server.base_url]);
    assert!(forced.status.success(), "{}", text(&forced));
    assert_eq!(read(root.join("discovery/workspaceevents.v1.json")), old);
    drop(server);
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn error_objects_and_other_non_documents_are_refused() {
    let current = revision("workspaceevents.v1.20241008.json");
    let cases: [(u16, &str, &str); 4] = [
        (
            404,
            r#"{"error": {"code": 404, "message": "Requested entity was not found.", "status": "NOT_FOUND"}}"#,
            "HTTP 404 Not Found: 404 Requested entity was not found.",
        ),
        (
            200,
            r#"{"error": {"code": 403, "message": "Discovery is disabled."}}"#,
            "answered with an error object: 403 Discovery is disabled.",
        ),
        (
            200,
            "<html><body>captive portal</body></html>",
            "not a Discovery document",
        ),
        (
            200,
            r#"{"kind": "discovery#restDescription", "name": "monitoring", "version": "v1", "revision": "20990101"}"#,
            "the document is monitoring v1, not workspaceevents v1",
        ),
    ];
    for (i, (status, body, expected)) in cases.into_iter().enumerate() {
        let root = project(
            &format!("bad-{i}"),
            &[(
                "workspaceevents.v1.json",
                "workspaceevents-v1",
                current.clone(),
            )],
        );
        let server = Server::start(vec![(WORKSPACEEVENTS.to_owned(), status, body.to_owned())]);
        let output = xtask(&root, &["fetch", "--base-url", &server.base_url]);
        assert_eq!(output.status.code(), Some(2), "{}", text(&output));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(expected), "case {i}: {stderr}");
        assert!(stderr.contains("nothing was written"), "{stderr}");
        assert_eq!(
            read(root.join("discovery/workspaceevents.v1.json")),
            current
        );
        assert!(!root.join("discovery/previous").exists());
        drop(server);
        std::fs::remove_dir_all(root).unwrap();
    }
}

#[test]
fn one_failed_download_writes_nothing() {
    let root = project(
        "partial",
        &[
            (
                "workspaceevents.v1.json",
                "workspaceevents-v1",
                revision("workspaceevents.v1.20241008.json"),
            ),
            (
                "monitoring.v1.json",
                "monitoring-v1",
                revision("monitoring.v1.20230913.json"),
            ),
        ],
    );
    // Only workspaceevents is served; monitoring gets a 404.
    let server = Server::start(vec![(
        WORKSPACEEVENTS.to_owned(),
        200,
        revision("workspaceevents.v1.20261004.json"),
    )]);
    let output = xtask(&root, &["fetch", "--base-url", &server.base_url]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(String::from_utf8_lossy(&output.stderr).contains("monitoring-v1: GET"));
    assert_eq!(
        read(root.join("discovery/workspaceevents.v1.json")),
        revision("workspaceevents.v1.20241008.json")
    );
    let mut requested = server.requests();
    requested.sort();
    assert_eq!(requested, [MONITORING, WORKSPACEEVENTS]);

    let unknown = xtask(
        &root,
        &["fetch", "bigquery-v2", "--base-url", &server.base_url],
    );
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains(
        "`bigquery-v2` is not an API of the manifest (known: workspaceevents-v1, monitoring-v1)"
    ));
    drop(server);
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn a_hand_copied_document_needs_the_released_one_beside_it() {
    let root = project(
        "by-hand",
        &[(
            "workspaceevents.v1.json",
            "workspaceevents-v1",
            revision("workspaceevents.v1.20241008.json"),
        )],
    );
    assert!(xtask(&root, &["generate"]).status.success());
    std::fs::write(
        root.join("discovery/workspaceevents.v1.json"),
        revision("workspaceevents.v1.20261004.json"),
    )
    .unwrap();
    let output = xtask(&root, &["generate"]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("was last released from revision 20241008")
            && stderr.contains("discovery/previous/workspaceevents.v1.json"),
        "{stderr}"
    );
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn diff_command_prints_the_report_and_the_next_version() {
    let dir = xtask::project_root().join("tests/fixtures-revisions");
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["diff", "--version", "0.3.1"])
        .arg(dir.join("monitoring.v1.20230913.json"))
        .arg(dir.join("monitoring.v1.20241003.json"))
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.starts_with("# Changes to the Cloud Monitoring API (v1)\n"),
        "{stdout}"
    );
    assert!(stdout.contains("- field `PieChart.show_total`: removed\n"));
    assert!(stdout.contains("Next version: 0.3.1 → 0.4.0"));
    assert!(stdout.trim_end().ends_with(
        "Cloud Monitoring API (v1): revision 20230913 → 20241003: 2 breaking, 29 compatible, 17 documentation-only changes (breaking) → 0.4.0"
    ));
}
