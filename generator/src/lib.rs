//! discogen: typed Rust clients from Google Discovery documents.
//!
//! The pipeline runs one way: [`parse`] (tolerant serde types) → `describe` (missing descriptions from
//! an older revision) → `operation_results` (what each operation returns) → `select` (which schemas
//! become types) → [`resolve`] (the [`ir`] with stable type ids and final names) → [`lower`] (the crate
//! [`model`]: files, `cfg`s, builders) → [`emit`] (token streams) → [`format`](mod@format)
//! (prettyplease). This crate does no I/O: it turns document text into file contents; `xtask` reads and
//! writes.
//!
//! [`generate`] returns a crate's files; [`generate_single_file`] returns the same crate model laid out as one
//! file, for a build script to write into `OUT_DIR`. [`diff`] compares the crate models of two revisions of
//! a document: what changed in the generated API, and the version bump that follows.

pub mod cargo_features;
pub mod coverage;
mod describe;
pub mod diff;
pub mod emit;
pub mod format;
pub mod ir;
pub mod lower;
pub mod manifest;
pub mod model;
pub mod names;
mod operation_results;
pub mod parse;
mod reach;
pub mod resolve;
mod select;
mod shapes;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::fmt;

/// A problem with the input, located by a JSON path such as `$.schemas.Foo.properties.bar`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub path: String,
    pub message: String,
}

impl Error {
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Error {
            path: path.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

impl std::error::Error for Error {}

/// How to package one generated crate.
#[derive(Debug, Clone, Default)]
pub struct CrateOptions {
    /// The package name, e.g. `dialogflow-v2`.
    pub crate_name: String,
    /// The `discogen-runtime` dependency line's path, relative to the crate's folder.
    pub runtime_path: String,
    /// Where the document came from, for the generated header (e.g. `discovery/dialogflow.v2.json`).
    pub source: String,
    /// A regional endpoint the document does not list, as a URL with `{location}` in it, e.g.
    /// `https://{location}-dialogflow.googleapis.com/` (from the manifest).
    pub location_endpoint: Option<String>,
    /// The crate's `MAJOR.MINOR.PATCH` (its release history decides it); `None` means `0.1.0`. The
    /// `Cargo.toml` version is this plus `+REVISION`, the document's revision.
    pub version: Option<String>,
    /// The contents of the crate's `CHANGELOG.md`; `None` writes none.
    pub changelog: Option<String>,
    /// The manifest's rules for the document.
    pub rules: Rules,
}

/// The manifest's per-API rules, applied to a parsed document before it is resolved.
#[derive(Debug, Clone, Default)]
pub struct Rules {
    /// Schema name prefixes whose unreached schemas are left out (see `select::omit_unreached`).
    pub omit_unreached: Vec<String>,
    /// An older revision whose descriptions fill what the document lacks (see `describe`).
    pub descriptions: Option<describe::DescriptionSource>,
    /// Operation result types the descriptions do not name (see `operation_results`).
    pub operation_results: BTreeMap<String, operation_results::ResultOverride>,
}

/// The files of one generated crate: path relative to the crate's folder → contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedCrate {
    pub files: BTreeMap<String, String>,
}

/// Generates a crate from the text of a Discovery document.
pub fn generate(document: &str, options: &CrateOptions) -> Result<GeneratedCrate, Error> {
    let api = resolve_document(document, options)?;
    generate_from_api(&api, options)
}

/// Parses, describes, selects and resolves a document by `rules`: the IR a crate is generated from,
/// and the one change reports compare. A rule that matches nothing in the document is an error.
pub fn prepare(document: &str, rules: &Rules) -> Result<ir::Api, Error> {
    prepare_revision(document, rules, true)
}

/// Like [`prepare`], for an older revision of the document, where the rules written for the current one
/// may name what does not exist yet: such rules are skipped, not errors.
pub fn prepare_older(document: &str, rules: &Rules) -> Result<ir::Api, Error> {
    prepare_revision(document, rules, false)
}

fn prepare_revision(document: &str, rules: &Rules, strict: bool) -> Result<ir::Api, Error> {
    let mut doc = parse::parse(document)?;
    let carried = match &rules.descriptions {
        Some(source) => Some(describe::fill(&mut doc, source)?),
        None => None,
    };
    let operation_results = operation_results::find(&doc, &rules.operation_results, strict)?;
    if strict {
        select::check_prefixes(&doc, &rules.omit_unreached)?;
    }
    let roots: Vec<&str> = operation_results
        .values()
        .flat_map(|r| [&r.response, &r.metadata])
        .filter_map(|declared| match declared {
            Some(operation_results::Declared::Schema(key)) => Some(key.as_str()),
            _ => None,
        })
        .collect();
    select::omit_unreached(&mut doc, &rules.omit_unreached, &roots);
    resolve::resolve_with(
        &doc,
        &resolve::Findings {
            operation_results,
            carried,
        },
    )
}

/// Prepares a document (see [`prepare`]) by the rules of `options`, and checks its overrides.
pub fn resolve_document(document: &str, options: &CrateOptions) -> Result<ir::Api, Error> {
    let api = prepare(document, &options.rules)?;
    package(options)?;
    Ok(api)
}

/// What `options` say of the crate beside its document; a `location_endpoint` that is not a URL template
/// with `{location}` once is an error.
fn package(options: &CrateOptions) -> Result<model::Package, Error> {
    if let Some(template) = &options.location_endpoint {
        let rest = template.replacen("{location}", "", 1);
        if !template.contains("{location}") || rest.contains(['{', '}']) {
            return Err(Error::new(
                "manifest.location_endpoint",
                format!("`{template}` must contain `{{location}}` once and no other braces"),
            ));
        }
    }
    Ok(model::Package {
        crate_ident: (!options.crate_name.is_empty()).then(|| options.crate_name.replace('-', "_")),
        location_endpoint: options.location_endpoint.clone(),
    })
}

/// Generates the crate's code as **one** Rust file, for a build script: every module that [`generate`]
/// writes to a file of its own is inlined (`pub mod schemas { ... }`), so the file can be written into
/// `OUT_DIR` and `include!`d.
///
/// The generated code names its items by `crate::` paths, so include the file at the root of a crate
/// (`include!(concat!(env!("OUT_DIR"), "/api.rs"));` in `lib.rs`), not inside a module. An included file
/// cannot carry inner attributes: the crate-level docs are left out (write your own `//!` docs), and any
/// other crate-level attribute is put on each top-level item instead. The crate's dependencies are the
/// generated `Cargo.toml`'s: `discogen-runtime` (with its default feature `adc`: the file re-exports its
/// `Credentials`), `serde` and `serde_json`. The file has no cargo feature gates: a build script generates
/// what the crate needs. It has no `methods` module either (the generated crate's `testing` feature), since
/// the including crate may have no such feature.
///
/// ```no_run
/// // build.rs
/// let document = std::fs::read_to_string("discovery/workspaceevents.v1.json").unwrap();
/// let options = discogen::CrateOptions {
///     source: "discovery/workspaceevents.v1.json".to_owned(),
///     ..Default::default()
/// };
/// let code = discogen::generate_single_file(&document, &options).unwrap();
/// let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").unwrap());
/// std::fs::write(out.join("workspaceevents.rs"), code).unwrap();
/// println!("cargo::rerun-if-changed=discovery/workspaceevents.v1.json");
/// ```
pub fn generate_single_file(document: &str, options: &CrateOptions) -> Result<String, Error> {
    single_file(document, options, false)
}

/// [`generate_single_file`], keeping each resource family's `#[cfg(feature = "...")]`: the including
/// crate's features then choose what compiles, as they would for the generated crate (its
/// `Cargo.toml` lists them). The including crate must declare the features it enables and allow
/// `unexpected_cfgs` for the rest (`#![allow(unexpected_cfgs)]`), which are off. For a large API of
/// which a crate calls a few resources (compute.v1: 370,000 lines), this keeps the build short.
pub fn generate_single_file_with_features(
    document: &str,
    options: &CrateOptions,
) -> Result<String, Error> {
    single_file(document, options, true)
}

fn single_file(document: &str, options: &CrateOptions, features: bool) -> Result<String, Error> {
    let api = resolve_document(document, options)?;
    let model = lower::lower(
        &api,
        package(options)?,
        model::Layout::SingleFile { features },
    );
    let mut source = String::new();
    for (path, tokens) in emit::emit(&model) {
        let formatted = format::format_file(&tokens)
            .map_err(|e| Error::new("$", format!("internal error in {path}: {e}")))?;
        source.push_str(&formatted);
    }
    Ok(format!(
        "// Generated by discogen from {}{}, in a build script. Do not edit.\n\n{source}",
        options.source,
        api.revision
            .as_ref()
            .map(|r| format!(" (revision {r})"))
            .unwrap_or_default()
    ))
}

/// Generates a crate from an already resolved API.
pub fn generate_from_api(api: &ir::Api, options: &CrateOptions) -> Result<GeneratedCrate, Error> {
    let header = format!(
        "// Generated by discogen from {}{}. Do not edit: run `cargo xtask generate`.\n\n",
        options.source,
        api.revision
            .as_ref()
            .map(|r| format!(" (revision {r})"))
            .unwrap_or_default()
    );
    let model = lower::lower(api, package(options)?, model::Layout::Crate);
    let mut files = BTreeMap::new();
    for (path, tokens) in emit::emit(&model) {
        let source = format::format_crate_file(&tokens)
            .map_err(|e| Error::new("$", format!("internal error in {path}: {e}")))?;
        files.insert(format!("src/{path}"), format!("{header}{source}"));
    }
    files.insert("Cargo.toml".to_owned(), cargo_toml(&model, options));
    if let Some(changelog) = &options.changelog {
        files.insert("CHANGELOG.md".to_owned(), changelog.clone());
    }
    Ok(GeneratedCrate { files })
}

fn cargo_toml(model: &model::Crate<'_>, options: &CrateOptions) -> String {
    let api = model.api;
    let quoted = |s: &str| toml::Value::String(s.to_owned()).to_string();
    let base = options.version.as_deref().unwrap_or("0.1.0");
    let version = match &api.revision {
        Some(revision) => format!("{base}+{revision}"),
        None => base.to_owned(),
    };
    format!(
        "# Generated by discogen from {source}. Do not edit: run `cargo xtask generate`.\n\
         [package]\n\
         name = {name}\n\
         version = {version}\n\
         description = {description}\n\
         edition = \"2021\"\n\
         license = \"Apache-2.0\"\n\
         publish = false\n\
         \n\
         [dependencies]\n\
         discogen-runtime = {{ path = {runtime}, default-features = false }}\n\
         serde = \"1\"\n\
         serde_json = \"1\"\n\
         {features}",
        source = options.source,
        name = quoted(&options.crate_name),
        version = quoted(&version),
        description = quoted(&format!(
            "Typed client for the {} ({})",
            api.title, api.version
        )),
        runtime = quoted(&options.runtime_path),
        features = features_toml(&model.features),
    )
}

/// `[features]`: `adc` (on by default), `testing`, and one per resource family, all in `default`; and
/// docs.rs labels for what each gates.
fn features_toml(families: &[ir::CargoFeature]) -> String {
    let quoted = |s: &str| toml::Value::String(s.to_owned()).to_string();
    let default: String = cargo_features::DEFAULT_CRATE_FEATURES
        .into_iter()
        .chain(families.iter().map(|f| f.name.as_str()))
        .map(|name| format!("    {},\n", quoted(name)))
        .collect();
    let mut out = format!("\n[features]\n# See the crate docs.\ndefault = [\n{default}]\n");
    for (name, summary) in cargo_features::CRATE_FEATURES {
        out.push_str(&format!(
            "# {summary}.\n{name} = [{}]\n",
            quoted(&format!("discogen-runtime/{name}"))
        ));
    }
    if !families.is_empty() {
        out.push_str("# One per resource family:\n");
    }
    for feature in families {
        out.push_str(&format!("# {}\n{} = []\n", feature.summary(), feature.name));
    }
    out.push_str(
        "\n[package.metadata.docs.rs]\nall-features = true\nrustdoc-args = [\"--cfg\", \"docsrs\"]\n",
    );
    out
}
