//! `fetch`: downloads the current Discovery document of each API in the manifest.
//!
//! Every document is downloaded and checked before anything is written: it must be a Discovery document (not
//! an error object) of the same API and version that the generator can resolve, and its revision must not be
//! older than the checked-in one unless forced. Then each changed document is written atomically; when the
//! checked-in one is the document of the crate's last release, it is kept as `discovery/previous/<document>`
//! for `generate` to diff against.

use std::cmp::Ordering;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use discogen::manifest::Manifest;

use crate::changes::{self, ReleaseFiles};

/// The public Discovery service; `--base-url` points elsewhere (e.g. a loopback server in tests).
pub const DEFAULT_BASE_URL: &str = "https://discovery.googleapis.com/discovery/v1/";

#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// Documents are at `{base_url}apis/{name}/{version}/rest`.
    pub base_url: String,
    /// Crate names (`dialogflow-v2`) or document names (`dialogflow.v2` or `dialogflow.v2.json`); empty: all.
    pub apis: Vec<String>,
    /// Accept a revision older than the checked-in one.
    pub force: bool,
    pub timeout: Duration,
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions {
            base_url: DEFAULT_BASE_URL.to_owned(),
            apis: Vec::new(),
            force: false,
            timeout: Duration::from_secs(60),
        }
    }
}

/// What happened to one document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The service has exactly the checked-in document.
    Unchanged { revision: String },
    /// A new document was written; `summary` describes the changes since the last release.
    Updated {
        old_revision: String,
        new_revision: String,
        summary: String,
        /// Where the released document was kept, when it was.
        kept_previous: Option<PathBuf>,
    },
}

#[derive(Debug, Clone)]
pub struct Fetched {
    pub crate_name: String,
    pub document: PathBuf,
    pub url: String,
    pub outcome: Outcome,
}

struct Target {
    crate_name: String,
    document: PathBuf,
    files: ReleaseFiles,
    current: String,
    current_revision: String,
    url: String,
    rules: discogen::Rules,
}

struct Plan {
    target: Target,
    text: String,
    revision: String,
}

/// Fetches the selected documents. Returns an error (and writes nothing) when any of them fails.
pub fn fetch(root: &Path, options: &FetchOptions) -> Result<Vec<Fetched>, String> {
    let targets = targets(root, options)?;
    let (runtime, client) = http(options.timeout)?;

    let mut plans = Vec::new();
    let mut errors = Vec::new();
    for target in targets {
        match runtime.block_on(download(&client, &target.url)) {
            Ok(text) => match check(&target, &text, options.force) {
                Ok(revision) => plans.push(Plan {
                    target,
                    text,
                    revision,
                }),
                Err(e) => errors.push(format!("{}: {e}", target.crate_name)),
            },
            Err(e) => errors.push(format!("{}: {e}", target.crate_name)),
        }
    }
    if !errors.is_empty() {
        return Err(format!("nothing was written:\n  {}", errors.join("\n  ")));
    }

    let mut fetched = Vec::new();
    for plan in plans {
        fetched.push(write(plan)?);
    }
    Ok(fetched)
}

fn targets(root: &Path, options: &FetchOptions) -> Result<Vec<Target>, String> {
    let manifest_path = root.join("discovery/manifest.toml");
    let text = fs::read_to_string(&manifest_path)
        .map_err(|e| format!("{}: {e}", manifest_path.display()))?;
    let manifest =
        Manifest::parse(&text).map_err(|e| format!("{}: {e}", manifest_path.display()))?;
    let matches = |api: &discogen::manifest::ManifestApi, wanted: &str| {
        api.crate_name == wanted
            || api.document == wanted
            || api.document.strip_suffix(".json") == Some(wanted)
    };
    for wanted in &options.apis {
        if !manifest.apis.iter().any(|api| matches(api, wanted)) {
            let known: Vec<&str> = manifest
                .apis
                .iter()
                .map(|a| a.crate_name.as_str())
                .collect();
            return Err(format!(
                "`{wanted}` is not an API of the manifest (known: {})",
                known.join(", ")
            ));
        }
    }
    let base = if options.base_url.ends_with('/') {
        options.base_url.clone()
    } else {
        format!("{}/", options.base_url)
    };
    manifest
        .apis
        .iter()
        .filter(|api| options.apis.is_empty() || options.apis.iter().any(|w| matches(api, w)))
        .map(|api| {
            let document = root.join("discovery").join(&api.document);
            let current = fs::read_to_string(&document)
                .map_err(|e| format!("{}: {e}", document.display()))?;
            let doc = discogen::document_info(&current)
                .map_err(|e| format!("{}: {e}", document.display()))?;
            Ok(Target {
                crate_name: api.crate_name.clone(),
                url: format!("{base}apis/{}/{}/rest", doc.name, doc.version),
                files: ReleaseFiles::for_document(
                    root,
                    &api.document,
                    &api.crate_name,
                    &manifest.command,
                ),
                current_revision: doc.revision.unwrap_or_default(),
                rules: crate::project::manifest_rules(root, api)?,
                current,
                document,
            })
        })
        .collect()
}

/// A runtime and an HTTP client for downloads.
fn http(timeout: Duration) -> Result<(tokio::runtime::Runtime, reqwest::Client), String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    // reqwest is built without a TLS provider (see the workspace manifest): ring it is.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder()
        .timeout(timeout)
        .user_agent(concat!("discogen-cli/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| e.to_string())?;
    Ok((runtime, client))
}

/// Downloads the Discovery document at `url`: an error object or anything the generator cannot use
/// is an error.
pub fn download_document(url: &str, timeout: Duration) -> Result<String, String> {
    let (runtime, client) = http(timeout)?;
    let text = runtime.block_on(download(&client, url))?;
    if let Some(message) = error_message(&text) {
        return Err(format!(
            "{url}: the Discovery service answered with an error object: {message}"
        ));
    }
    Ok(text)
}

async fn download(client: &reqwest::Client, url: &str) -> Result<String, String> {
    let response = client
        .get(url)
        .send()
        .await
        .map_err(|e| format!("GET {url}: {e}"))?;
    let status = response.status();
    let text = response
        .text()
        .await
        .map_err(|e| format!("GET {url}: reading the body: {e}"))?;
    if !status.is_success() {
        let detail = error_message(&text).unwrap_or_else(|| excerpt(&text));
        return Err(format!("GET {url}: HTTP {status}: {detail}"));
    }
    Ok(text)
}

/// The message of a Google error object (`{"error": {"code": 404, "message": "..."}}`).
fn error_message(text: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    let error = value.as_object()?.get("error")?;
    Some(match error {
        serde_json::Value::Object(fields) => {
            let code = fields
                .get("code")
                .map(|c| format!("{c} "))
                .unwrap_or_default();
            let message = fields
                .get("message")
                .and_then(|m| m.as_str())
                .unwrap_or("(no message)");
            format!("{code}{message}")
        }
        other => other.to_string(),
    })
}

fn excerpt(text: &str) -> String {
    let line: String = text.chars().take(200).collect();
    line.replace('\n', " ")
}

/// Checks a downloaded document against the checked-in one; returns its revision.
fn check(target: &Target, text: &str, force: bool) -> Result<String, String> {
    if let Some(message) = error_message(text) {
        return Err(format!(
            "{}: the Discovery service answered with an error object: {message}",
            target.url
        ));
    }
    let doc = discogen::document_info(text)
        .map_err(|e| format!("{}: not a Discovery document: {e}", target.url))?;
    let current = discogen::document_info(&target.current).map_err(|e| e.to_string())?;
    if (doc.name.as_str(), doc.version.as_str())
        != (current.name.as_str(), current.version.as_str())
    {
        return Err(format!(
            "{}: the document is {} {}, not {} {}",
            target.url, doc.name, doc.version, current.name, current.version
        ));
    }
    discogen::generate(text, &discogen::CrateOptions::default())
        .map_err(|e| format!("{}: the generator cannot use the document: {e}", target.url))?;
    let revision = doc.revision.clone().unwrap_or_default();
    if compare_revisions(&revision, &target.current_revision) == Ordering::Less && !force {
        return Err(format!(
            "refusing revision {revision}: it is older than the checked-in revision {} (--force takes it)",
            target.current_revision
        ));
    }
    Ok(revision)
}

/// Revisions are dates (`20241003`): numeric order when both are numbers, else text order.
pub fn compare_revisions(a: &str, b: &str) -> Ordering {
    match (a.parse::<u64>(), b.parse::<u64>()) {
        (Ok(x), Ok(y)) => x.cmp(&y),
        _ => a.cmp(b),
    }
}

fn write(plan: Plan) -> Result<Fetched, String> {
    let Plan {
        target,
        text,
        revision,
    } = plan;
    if text == target.current {
        return Ok(Fetched {
            crate_name: target.crate_name,
            document: target.document,
            url: target.url,
            outcome: Outcome::Unchanged { revision },
        });
    }
    // The checked-in document is the released one when the history's last release has its revision; then it
    // is what the next release diffs against, if the new document starts one (a new revision). A document
    // fetched earlier and not released yet is not kept: the released one is already in `previous/`.
    let history = changes::read_history(&target.files.history)?;
    let released = history
        .as_ref()
        .and_then(|h| h.latest())
        .is_some_and(|last| last.revision == target.current_revision)
        && revision != target.current_revision;
    let kept_previous = if released {
        changes::write_atomically(&target.files.previous, target.current.as_bytes())
            .map_err(|e| format!("{}: {e}", target.files.previous.display()))?;
        Some(target.files.previous.clone())
    } else {
        None
    };
    // The summary compares with the last release when its document is kept, else with the replaced one.
    let baseline = match fs::read_to_string(&target.files.previous) {
        Ok(previous) if history.is_some() => previous,
        _ => target.current.clone(),
    };
    let summary = discogen::diff::diff_documents(&baseline, &text, &target.rules)
        .map(|report| report.summary())
        .map_err(|e| format!("{}: {e}", target.crate_name))?;
    changes::write_atomically(&target.document, text.as_bytes())
        .map_err(|e| format!("{}: {e}", target.document.display()))?;
    Ok(Fetched {
        crate_name: target.crate_name,
        document: target.document,
        url: target.url,
        outcome: Outcome::Updated {
            old_revision: target.current_revision,
            new_revision: revision,
            summary,
            kept_previous,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn revisions_compare_as_dates() {
        assert_eq!(compare_revisions("20241003", "20230913"), Ordering::Greater);
        assert_eq!(compare_revisions("20230913", "20241003"), Ordering::Less);
        assert_eq!(compare_revisions("", "20241003"), Ordering::Less);
    }

    #[test]
    fn error_objects_are_recognised() {
        assert_eq!(
            error_message(
                r#"{"error": {"code": 404, "message": "Requested entity was not found."}}"#
            )
            .as_deref(),
            Some("404 Requested entity was not found.")
        );
        assert_eq!(error_message(r#"{"name": "x"}"#), None);
        assert_eq!(error_message("<html>"), None);
    }
}
