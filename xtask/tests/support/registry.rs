//! A Cargo registry on 127.0.0.1 for tests: the sparse index over HTTP (`config.json`, the index files,
//! the `.crate` downloads) and the publish API (`cargo publish --registry NAME`), on std's TCP alone.
//!
//! It can also stand in for crates.io from the local cargo cache ([`Registry::with_upstream`]): an index
//! file or a `.crate` that was not published to it comes from the crates.io sparse-index cache and the
//! downloaded crates of a cargo home (the one the workspace was built with), so that a cargo pointed at
//! it with `[source.crates-io] replace-with` resolves and builds with no network but 127.0.0.1.
//!
//! Reusable by any test crate that has `serde_json` and `sha2` (0.10): `#[path = "…/registry.rs"] mod
//! registry;`. [`Registry::cargo_config`] writes the configuration cargo needs.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// The token [`Registry::cargo_config`]'s users give cargo (`CARGO_REGISTRIES_<NAME>_TOKEN`); the
/// publish API refuses a request without it.
pub const TOKEN: &str = "loopback-token";

/// A running registry; its thread serves until the test process ends.
#[derive(Debug, Clone)]
pub struct Registry {
    port: u16,
    state: Arc<Mutex<State>>,
}

#[derive(Debug, Default)]
struct State {
    /// Index lines (JSON), by crate name (lower case).
    index: BTreeMap<String, Vec<String>>,
    /// `.crate` files, by (name, version).
    crates: BTreeMap<(String, String), Vec<u8>>,
    /// The cargo home whose crates.io cache backs what was not published here.
    upstream: Option<PathBuf>,
    /// Every request line served, for a failing test's message.
    log: Vec<String>,
}

impl Registry {
    /// Starts a registry with nothing in it.
    pub fn start() -> Registry {
        Registry::serve(State::default())
    }

    /// Starts a registry that also serves crates.io's crates from the cache of the cargo home
    /// `cargo_home` (its `registry/index/index.crates.io-*/.cache/` and `registry/cache/index.crates.io-*/`).
    pub fn with_upstream(cargo_home: &Path) -> Registry {
        Registry::serve(State {
            upstream: Some(cargo_home.to_owned()),
            ..State::default()
        })
    }

    fn serve(state: State) -> Registry {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free port on 127.0.0.1");
        let port = listener.local_addr().unwrap().port();
        let registry = Registry {
            port,
            state: Arc::new(Mutex::new(state)),
        };
        let server = registry.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let server = server.clone();
                std::thread::spawn(move || {
                    let _ = server.handle(stream);
                });
            }
        });
        registry
    }

    /// The index URL, `sparse+http://127.0.0.1:PORT/`.
    pub fn index_url(&self) -> String {
        format!("sparse+http://127.0.0.1:{}/", self.port)
    }

    /// A cargo configuration (for `CARGO_HOME/config.toml` or an app's `.cargo/config.toml`) naming this
    /// registry `name`; with an upstream, crates.io is replaced by it.
    pub fn cargo_config(&self, name: &str) -> String {
        let mut config = format!("[registries.{name}]\nindex = \"{}\"\n", self.index_url());
        if self.state.lock().unwrap().upstream.is_some() {
            config.push_str(&format!(
                "\n[source.crates-io]\nreplace-with = \"{name}\"\n"
            ));
        }
        config
    }

    /// The index lines published for `name`.
    pub fn index_entries(&self, name: &str) -> Vec<Value> {
        let state = self.state.lock().unwrap();
        state
            .index
            .get(&name.to_ascii_lowercase())
            .into_iter()
            .flatten()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect()
    }

    /// The request lines served so far (`GET /config.json`, ...).
    pub fn log(&self) -> Vec<String> {
        self.state.lock().unwrap().log.clone()
    }

    fn handle(&self, stream: TcpStream) -> std::io::Result<()> {
        let mut writer = stream.try_clone()?;
        let mut reader = BufReader::new(stream);
        let mut request = String::new();
        reader.read_line(&mut request)?;
        let mut parts = request.split_whitespace();
        let method = parts.next().unwrap_or_default().to_owned();
        let path = parts.next().unwrap_or_default().to_owned();
        let (mut length, mut authorized, mut expect) = (0usize, false, false);
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line)? == 0 || line.trim().is_empty() {
                break;
            }
            let (name, value) = line.split_once(':').unwrap_or((&line, ""));
            match name.trim().to_ascii_lowercase().as_str() {
                "content-length" => length = value.trim().parse().unwrap_or(0),
                "authorization" => authorized = value.trim() == TOKEN,
                "expect" => expect = value.trim().eq_ignore_ascii_case("100-continue"),
                _ => {}
            }
        }
        if expect {
            writer.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body)?;
        self.state
            .lock()
            .unwrap()
            .log
            .push(format!("{method} {path}"));
        let (status, body) = self.route(&method, &path, authorized, &body);
        write!(
            writer,
            "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        )?;
        writer.write_all(&body)?;
        writer.flush()
    }

    fn route(&self, method: &str, path: &str, authorized: bool, body: &[u8]) -> (&str, Vec<u8>) {
        const OK: &str = "200 OK";
        const NOT_FOUND: &str = "404 Not Found";
        let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        match (method, segments.as_slice()) {
            ("GET", ["config.json"]) => {
                let base = format!("http://127.0.0.1:{}", self.port);
                let config = json!({ "dl": format!("{base}/dl"), "api": base });
                (OK, config.to_string().into_bytes())
            }
            ("PUT", ["api", "v1", "crates", "new"]) => match authorized {
                false => ("403 Forbidden", error("no or a wrong token")),
                true => match self.publish(body) {
                    Ok(()) => {
                        let warnings = json!({ "warnings": {
                            "invalid_categories": [], "invalid_badges": [], "other": [] } });
                        (OK, warnings.to_string().into_bytes())
                    }
                    Err(message) => ("400 Bad Request", error(&message)),
                },
            },
            ("GET", ["dl", name, version, "download"]) => {
                let state = self.state.lock().unwrap();
                let key = (name.to_string(), version.to_string());
                match state.crates.get(&key) {
                    Some(bytes) => (OK, bytes.clone()),
                    None => match state.upstream_crate(name, version) {
                        Some(bytes) => (OK, bytes),
                        None => (NOT_FOUND, Vec::new()),
                    },
                }
            }
            ("GET", [.., name]) if index_path(name) == path.trim_start_matches('/') => {
                let state = self.state.lock().unwrap();
                match state.index.get(*name) {
                    Some(lines) => (OK, lines.join("\n").into_bytes()),
                    None => match state.upstream_index(path.trim_start_matches('/')) {
                        Some(lines) => (OK, lines.into_bytes()),
                        None => (NOT_FOUND, Vec::new()),
                    },
                }
            }
            _ => (NOT_FOUND, Vec::new()),
        }
    }

    /// Takes a `cargo publish` body (the JSON length, the JSON, the `.crate` length, the `.crate`, the
    /// lengths u32 little-endian) and adds the index line cargo would find on crates.io.
    fn publish(&self, body: &[u8]) -> Result<(), String> {
        let mut rest = body;
        let mut take = || -> Result<&[u8], String> {
            let (len, tail) = rest.split_first_chunk::<4>().ok_or("a truncated body")?;
            let len = u32::from_le_bytes(*len) as usize;
            let (part, tail) = tail.split_at_checked(len).ok_or("a truncated body")?;
            rest = tail;
            Ok(part)
        };
        let metadata: Value = serde_json::from_slice(take()?).map_err(|e| e.to_string())?;
        let file = take()?.to_vec();
        let entry = index_entry(&metadata, &format!("{:x}", Sha256::digest(&file)));
        let name = entry["name"].as_str().unwrap_or_default().to_owned();
        let version = entry["vers"].as_str().unwrap_or_default().to_owned();
        let mut state = self.state.lock().unwrap();
        if state.crates.contains_key(&(name.clone(), version.clone())) {
            return Err(format!("{name} {version} is already published"));
        }
        state.crates.insert((name.clone(), version), file);
        let lines = state.index.entry(name.to_ascii_lowercase()).or_default();
        lines.push(entry.to_string());
        Ok(())
    }
}

/// The index line of a publish request's metadata, as crates.io writes it: the dependency's name in the
/// manifest with `package` for a renamed one, `req`, and `features2` (with `v: 2`) for the features
/// that use `dep:` or `?/`.
pub fn index_entry(metadata: &Value, cksum: &str) -> Value {
    let deps: Vec<Value> = metadata["deps"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|dep| {
            let (name, package) = match &dep["explicit_name_in_toml"] {
                Value::String(alias) => (Value::String(alias.clone()), dep["name"].clone()),
                _ => (dep["name"].clone(), Value::Null),
            };
            json!({
                "name": name,
                "req": dep["version_req"],
                "features": dep["features"],
                "optional": dep["optional"],
                "default_features": dep["default_features"],
                "target": dep["target"],
                "kind": dep["kind"],
                "registry": dep["registry"],
                "package": package,
            })
        })
        .collect();
    let (mut features, mut features2) = (serde_json::Map::new(), serde_json::Map::new());
    for (name, values) in metadata["features"].as_object().into_iter().flatten() {
        let new_syntax = values.as_array().into_iter().flatten().any(|v| {
            v.as_str()
                .is_some_and(|v| v.starts_with("dep:") || v.contains("?/"))
        });
        match new_syntax {
            true => features2.insert(name.clone(), values.clone()),
            false => features.insert(name.clone(), values.clone()),
        };
    }
    let mut entry = json!({
        "name": metadata["name"],
        "vers": metadata["vers"],
        "deps": deps,
        "cksum": cksum,
        "features": features,
        "yanked": false,
        "links": metadata["links"],
        "rust_version": metadata["rust_version"],
    });
    if !features2.is_empty() {
        entry["features2"] = Value::Object(features2);
        entry["v"] = json!(2);
    }
    entry
}

/// Where a crate's index file is in the sparse layout: `1/a`, `2/ab`, `3/a/abc`, `ab/cd/abcd…`, in lower
/// case.
pub fn index_path(name: &str) -> String {
    let name = name.to_ascii_lowercase();
    match name.len() {
        1 => format!("1/{name}"),
        2 => format!("2/{name}"),
        3 => format!("3/{}/{name}", &name[..1]),
        _ => format!("{}/{}/{name}", &name[..2], &name[2..4]),
    }
}

fn error(detail: &str) -> Vec<u8> {
    json!({ "errors": [{ "detail": detail }] })
        .to_string()
        .into_bytes()
}

impl State {
    /// The folders `registry/KIND/index.crates.io-*` of the upstream cargo home.
    fn upstream_dirs(&self, kind: &str) -> Vec<PathBuf> {
        let Some(home) = &self.upstream else {
            return Vec::new();
        };
        let Ok(entries) = std::fs::read_dir(home.join("registry").join(kind)) else {
            return Vec::new();
        };
        entries
            .flatten()
            .filter(|e| {
                e.file_name()
                    .to_string_lossy()
                    .starts_with("index.crates.io-")
            })
            .map(|e| e.path())
            .collect()
    }

    /// The index lines of a crates.io crate from cargo's cache of the sparse index: a cache-format byte,
    /// the index format version (u32), the index file's version and NUL, then each entry as its version,
    /// NUL, its JSON, NUL. Every version is offered, downloaded or not: a Cargo.lock keeps a build to the
    /// downloaded ones (a version that is not is a 404 naming it).
    fn upstream_index(&self, path: &str) -> Option<String> {
        self.upstream_dirs("index").into_iter().find_map(|dir| {
            let bytes = std::fs::read(dir.join(".cache").join(path)).ok()?;
            let lines: Vec<&str> = bytes
                .get(5..)?
                .split(|b| *b == 0)
                .filter(|part| part.first() == Some(&b'{'))
                .filter_map(|part| std::str::from_utf8(part).ok())
                .collect();
            (!lines.is_empty()).then(|| lines.join("\n"))
        })
    }

    fn upstream_crate(&self, name: &str, version: &str) -> Option<Vec<u8>> {
        self.upstream_dirs("cache")
            .into_iter()
            .find_map(|dir| std::fs::read(dir.join(format!("{name}-{version}.crate"))).ok())
    }
}

/// The cargo home cargo uses: `CARGO_HOME`, else `~/.cargo`.
pub fn cargo_home() -> PathBuf {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").expect("HOME is set")).join(".cargo")
        })
}

#[test]
fn index_paths_follow_the_sparse_layout() {
    assert_eq!(index_path("a"), "1/a");
    assert_eq!(index_path("ab"), "2/ab");
    assert_eq!(index_path("Abc"), "3/a/abc");
    assert_eq!(index_path("discogen-runtime"), "di/sc/discogen-runtime");
}
