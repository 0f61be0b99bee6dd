//! discogen: typed Rust clients from Google Discovery documents.
//!
//! This crate turns the text of a Discovery document into Rust source; it does no I/O (the caller reads
//! the document and writes the result). Its API is what a build script or a tool needs:
//!
//! - [`generate`]: a whole crate (`Cargo.toml`, `src/lib.rs`, one file per resource family, ...) as
//!   [`GeneratedCrate`], by [`CrateOptions`] (package name, runtime path, version, [`Rules`]).
//! - [`generate_single_file`] and [`generate_single_file_with_features`]: the same client as one file,
//!   for a build script to write into `OUT_DIR` and `include!`.
//! - [`manifest`]: a project's manifest of documents and crates, and the [`Rules`] of each.
//! - [`diff`]: what changed in the generated API between two revisions of a document, and the version
//!   bump that follows.
//!
//! Generating a client from a (very small) document, as a build script would:
//!
//! ```
//! let document = r#"{
//!   "kind": "discovery#restDescription",
//!   "name": "pets", "version": "v1", "title": "Pets API", "revision": "20240101",
//!   "rootUrl": "https://pets.googleapis.com/", "servicePath": "",
//!   "schemas": {
//!     "Pet": {"id": "Pet", "type": "object", "properties": {"name": {"type": "string"}}}
//!   },
//!   "resources": {"pets": {"methods": {"get": {
//!     "id": "pets.pets.get", "path": "v1/{+name}", "httpMethod": "GET",
//!     "parameters": {"name": {"type": "string", "location": "path", "required": true}},
//!     "response": {"$ref": "Pet"}
//!   }}}}
//! }"#;
//! let code = discogen::generate_single_file(document, &discogen::CrateOptions::default()).unwrap();
//! assert!(code.contains("pub struct Pet"));
//!
//! let info = discogen::document_info(document).unwrap();
//! assert_eq!((info.name.as_str(), info.revision.as_deref()), ("pets", Some("20240101")));
//! let options = discogen::CrateOptions {
//!     crate_name: discogen::crate_name("pets.v1"),
//!     runtime: discogen::RuntimeSource::Path("../runtime".to_owned()),
//!     ..Default::default()
//! };
//! let generated = discogen::generate(document, &options).unwrap();
//! assert!(generated.files.contains_key("Cargo.toml"));
//! assert!(generated.files["Cargo.toml"].contains(r#"name = "pets-v1""#));
//! assert!(generated.files["Cargo.toml"]
//!     .contains(r#"discogen-runtime = { path = "../runtime", version = "0.2.0", default-features = false }"#));
//! assert_eq!(generated.coverage.methods.total, 1);
//! ```
//!
//! Inside, the pipeline runs one way: parse (tolerant serde types) → describe (missing descriptions from
//! an older revision) → operation results (what each operation returns) → select (which schemas become
//! types) → resolve (the IR with stable type ids and final names) → lower (the crate model: files,
//! `cfg`s, builders) → emit (token streams) → format (prettyplease). None of those stages is public, so
//! they can change without breaking a build script.

#![warn(missing_docs)]

mod cargo_features;
mod coverage;
mod describe;
pub mod diff;
mod emit;
mod format;
// Reached from outside only through `__internal`, which promises nothing, documentation included.
#[allow(missing_docs)]
mod ir;
mod lower;
pub mod manifest;
mod model;
mod names;
mod operation_results;
mod parse;
mod reach;
mod resolve;
mod select;
mod shapes;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::fmt;

pub use coverage::{Count, Coverage};
pub use names::crate_name;

/// A problem with the input, located by a JSON path such as `$.schemas.Foo.properties.bar`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// Where the problem is: a JSON path into the document (`$.schemas.Foo`), or `manifest.<key>`.
    pub path: String,
    /// What is wrong there.
    pub message: String,
}

impl Error {
    /// An error at `path`.
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
    /// Where the crate's `discogen-runtime` dependency comes from.
    pub runtime: RuntimeSource,
    /// The package metadata beside the name and version, and the command the header names.
    pub package: PackageMetadata,
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

/// The version of `discogen-runtime` whose internal face (`__private`) this generator's code calls.
/// A generated crate requires it as a caret requirement (`"0.2.0"`: that version or a later patch of
/// the same minor), since the runtime changes its internal face only with a minor version.
pub const RUNTIME_VERSION: &str = "0.2.0";

/// Where a generated crate's `discogen-runtime` dependency comes from. Whatever the source, the crate
/// requires [`RUNTIME_VERSION`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuntimeSource {
    /// A folder, relative to the crate's own (`../../runtime`).
    Path(String),
    /// A registry: crates.io (`None`), or a registry the app's cargo configuration names.
    Registry {
        /// The registry's name, unless crates.io.
        registry: Option<String>,
    },
    /// A git repository.
    Git {
        /// The repository's URL.
        url: String,
        /// Which commit.
        reference: GitReference,
    },
}

impl Default for RuntimeSource {
    fn default() -> Self {
        RuntimeSource::Registry { registry: None }
    }
}

/// A commit of a git repository, as Cargo names one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GitReference {
    /// `tag = "..."`.
    Tag(String),
    /// `rev = "..."`.
    Rev(String),
}

/// What a generated crate's `Cargo.toml` carries beside its name and version, and the command its
/// files' header names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageMetadata {
    /// Whether the crate may be published (`false` writes `publish = false`).
    pub publish: bool,
    /// The `repository` URL.
    pub repository: Option<String>,
    /// The `homepage` URL.
    pub homepage: Option<String>,
    /// The `authors`.
    pub authors: Vec<String>,
    /// The `license`; `None` is `Apache-2.0`, the license of Google's Discovery documents.
    pub license: Option<String>,
    /// What regenerates the crate (`cargo discogen generate`), named in every file's header.
    pub command: String,
}

impl Default for PackageMetadata {
    fn default() -> Self {
        PackageMetadata {
            publish: false,
            repository: None,
            homepage: None,
            authors: Vec::new(),
            license: None,
            command: "cargo discogen generate".to_owned(),
        }
    }
}

/// The manifest's per-API rules, applied to a parsed document before it is resolved. The default
/// applies none; [`manifest::ManifestApi::rules`] makes them from a manifest entry.
///
/// ```
/// let rules = discogen::Rules::default()
///     .with_omit_unreached(["GoogleCloudDialogflowV2beta1"])
///     .with_operation_result(
///         "dialogflow.projects.agent.train",
///         discogen::manifest::ResultOverride {
///             response: Some("google.protobuf.Empty".to_owned()),
///             metadata: None,
///         },
///     );
/// # let _ = rules;
/// ```
#[derive(Debug, Clone, Default)]
pub struct Rules {
    omit_unreached: Vec<String>,
    descriptions: Option<describe::DescriptionSource>,
    operation_results: BTreeMap<String, manifest::ResultOverride>,
}

impl Rules {
    /// Leaves out the schemas whose name starts with one of `prefixes` (other API versions bundled in
    /// the document) unless a method, a global parameter or a kept schema reaches them. A prefix that
    /// matches no schema is an error.
    pub fn with_omit_unreached(
        mut self,
        prefixes: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        self.omit_unreached = prefixes.into_iter().map(Into::into).collect();
        self
    }

    /// Fills the descriptions the document lacks from `text`, an older revision of the same document,
    /// matched by wire identity and never onto an item whose type changed. `provenance` says where that
    /// revision came from (e.g. `google-api-python-client 2.188.0`).
    pub fn with_descriptions(mut self, text: String, provenance: String) -> Self {
        self.descriptions = Some(describe::DescriptionSource { text, provenance });
        self
    }

    /// Declares the types of the operation that the method `method_id` starts, where its description
    /// does not name them (these win over the description). A method or schema that the document does
    /// not have is an error.
    pub fn with_operation_result(
        mut self,
        method_id: impl Into<String>,
        result: manifest::ResultOverride,
    ) -> Self {
        self.operation_results.insert(method_id.into(), result);
        self
    }
}

/// The files of one generated crate, and how much of it is documented.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedCrate {
    /// Path relative to the crate's folder (`Cargo.toml`, `src/lib.rs`, ...) → contents.
    pub files: BTreeMap<String, String>,
    /// Described and total methods, parameters, schemas, fields and enum values.
    pub coverage: Coverage,
}

/// What a document says it is.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DocumentInfo {
    /// The API's name, e.g. `dialogflow`.
    pub name: String,
    /// Its version, e.g. `v2`.
    pub version: String,
    /// The document's revision, a date such as `20240924`, if it has one.
    pub revision: Option<String>,
}

/// Reads a document's name, version and revision (it must parse as a Discovery document).
pub fn document_info(document: &str) -> Result<DocumentInfo, Error> {
    let doc = parse::parse(document)?;
    Ok(DocumentInfo {
        name: doc.name,
        version: doc.version,
        revision: doc.revision,
    })
}

/// Generates a crate from the text of a Discovery document.
pub fn generate(document: &str, options: &CrateOptions) -> Result<GeneratedCrate, Error> {
    let api = resolve_document(document, options)?;
    generate_from_api(&api, options)
}

/// Not part of the API: what this repository's build script `tests/twins` and `xtask corpus` read of
/// the generator's internals. No stability whatsoever: anything here may change or go in any release.
#[doc(hidden)]
pub mod __internal {
    use crate::{CrateOptions, Error, GeneratedCrate, Rules};

    /// The resolved API (types with stable ids, resources, methods).
    pub mod ir {
        pub use crate::describe::Carried;
        pub use crate::ir::*;
    }

    /// Parses, describes, selects and resolves a document by `rules`: what [`crate::generate`] generates.
    pub fn prepare(document: &str, rules: &Rules) -> Result<ir::Api, Error> {
        crate::prepare(document, rules)
    }

    /// Parses and resolves a document with no manifest rules (no operation results read from
    /// descriptions either).
    pub fn resolve(document: &str) -> Result<ir::Api, Error> {
        crate::resolve::resolve(&crate::parse::parse(document)?)
    }

    /// Generates a crate from an already resolved API.
    pub fn generate_from_api(
        api: &ir::Api,
        options: &CrateOptions,
    ) -> Result<GeneratedCrate, Error> {
        crate::generate_from_api(api, options)
    }
}

/// Parses, describes, selects and resolves a document by `rules`: the IR a crate is generated from,
/// and the one change reports compare. A rule that matches nothing in the document is an error.
pub(crate) fn prepare(document: &str, rules: &Rules) -> Result<ir::Api, Error> {
    prepare_revision(document, rules, true)
}

/// Like [`prepare`], for an older revision of the document, where the rules written for the current one
/// may name what does not exist yet: such rules are skipped, not errors.
pub(crate) fn prepare_older(document: &str, rules: &Rules) -> Result<ir::Api, Error> {
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
fn resolve_document(document: &str, options: &CrateOptions) -> Result<ir::Api, Error> {
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
pub(crate) fn generate_from_api(
    api: &ir::Api,
    options: &CrateOptions,
) -> Result<GeneratedCrate, Error> {
    let header = format!(
        "// Generated by discogen from {}{}. Do not edit: run `{}`.\n\n",
        options.source,
        api.revision
            .as_ref()
            .map(|r| format!(" (revision {r})"))
            .unwrap_or_default(),
        options.package.command,
    );
    let model = lower::lower(api, package(options)?, model::Layout::Crate);
    let mut files = BTreeMap::new();
    for (path, tokens) in emit::emit(&model) {
        let source = format::format_crate_file(&tokens)
            .map_err(|e| Error::new("$", format!("internal error in {path}: {e}")))?;
        files.insert(format!("src/{path}"), format!("{header}{source}"));
    }
    files.insert("Cargo.toml".to_owned(), cargo_toml(&model, options));
    files.insert("README.md".to_owned(), readme(&model, options));
    if let Some(changelog) = &options.changelog {
        files.insert("CHANGELOG.md".to_owned(), changelog.clone());
    }
    Ok(GeneratedCrate {
        files,
        coverage: coverage::coverage(api),
    })
}

fn cargo_toml(model: &model::Crate<'_>, options: &CrateOptions) -> String {
    let api = model.api;
    let quoted = |s: &str| toml::Value::String(s.to_owned()).to_string();
    let base = options.version.as_deref().unwrap_or("0.1.0");
    let version = match &api.revision {
        Some(revision) => format!("{base}+{revision}"),
        None => base.to_owned(),
    };
    let package = &options.package;
    let mut metadata = String::new();
    let mut field = |name: &str, value: String| metadata.push_str(&format!("{name} = {value}\n"));
    field(
        "license",
        quoted(package.license.as_deref().unwrap_or("Apache-2.0")),
    );
    if let Some(repository) = &package.repository {
        field("repository", quoted(repository));
    }
    if let Some(homepage) = &package.homepage {
        field("homepage", quoted(homepage));
    }
    if !package.authors.is_empty() {
        let authors: Vec<String> = package.authors.iter().map(|a| quoted(a)).collect();
        field("authors", format!("[{}]", authors.join(", ")));
    }
    if package.publish {
        field(
            "documentation",
            quoted(&format!("https://docs.rs/{}", options.crate_name)),
        );
    } else {
        field("publish", "false".to_owned());
    }
    format!(
        "# Generated by discogen from {source}. Do not edit: run `{command}`.\n\
         [package]\n\
         name = {name}\n\
         version = {version}\n\
         description = {description}\n\
         edition = \"2021\"\n\
         rust-version = \"1.85\"\n\
         readme = \"README.md\"\n\
         keywords = [\"google\", \"api\", \"client\", {keyword}]\n\
         categories = [\"api-bindings\", \"web-programming::http-client\"]\n\
         {metadata}\
         \n\
         [dependencies]\n\
         discogen-runtime = {{ {runtime}, default-features = false }}\n\
         serde = \"1\"\n\
         serde_json = \"1\"\n\
         {features}",
        source = options.source,
        command = package.command,
        name = quoted(&options.crate_name),
        version = quoted(&version),
        description = quoted(&format!(
            "Typed client for the {} ({})",
            api.title, api.version
        )),
        keyword = quoted(&keyword(&api.name)),
        runtime = runtime_dependency(&options.runtime),
        features = features_toml(&model.features),
    )
}

/// The `discogen-runtime` dependency's source and version requirement, as inline-table entries.
fn runtime_dependency(source: &RuntimeSource) -> String {
    let quoted = |s: &str| toml::Value::String(s.to_owned()).to_string();
    let version = format!("version = {}", quoted(RUNTIME_VERSION));
    match source {
        RuntimeSource::Path(path) => format!("path = {}, {version}", quoted(path)),
        RuntimeSource::Registry { registry: None } => version,
        RuntimeSource::Registry {
            registry: Some(name),
        } => format!("{version}, registry = {}", quoted(name)),
        RuntimeSource::Git { url, reference } => {
            let (key, value) = match reference {
                GitReference::Tag(tag) => ("tag", tag),
                GitReference::Rev(rev) => ("rev", rev),
            };
            format!(
                "git = {}, {key} = {}, {version}",
                quoted(url),
                quoted(value)
            )
        }
    }
}

/// A crates.io keyword from the API's name: at most 20 ASCII letters, digits, `-` or `_`, starting with
/// a letter.
fn keyword(name: &str) -> String {
    let word: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .take(20)
        .collect::<String>()
        .to_ascii_lowercase();
    match word.chars().next() {
        Some(c) if c.is_ascii_alphabetic() => word,
        _ => "discovery".to_owned(),
    }
}

/// The crate's `README.md`: what it is, where its docs are, how an app depends on it.
fn readme(model: &model::Crate<'_>, options: &CrateOptions) -> String {
    let api = model.api;
    let name = &options.crate_name;
    let description = api
        .description
        .as_deref()
        .map(|d| format!("{}\n\n", d.trim()))
        .unwrap_or_default();
    format!(
        "<!-- Generated by discogen from {source}. Do not edit: run `{command}`. -->\n\
         # {name}\n\n\
         A typed Rust client for the {title} ({version}), generated by discogen from its Discovery \
         document{revision}.\n\n\
         {description}\
         Every schema is a type, every resource a handle, every method a builder; the crate docs show \
         how to build a client, call methods, page through lists, wait for long-running operations and \
         test an app with the `testing` feature's mock. It depends on `discogen-runtime` \
         {runtime_version} (a later patch of the same minor works).\n\n\
         ```toml\n[dependencies]\n{name} = {dependency}\n\
         tokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }}\n```\n",
        source = options.source,
        command = options.package.command,
        title = api.title,
        version = api.version,
        revision = api
            .revision
            .as_ref()
            .map(|r| format!(" (revision {r})"))
            .unwrap_or_default(),
        runtime_version = RUNTIME_VERSION,
        dependency = match options.package.publish {
            true => format!("\"{}\"", options.version.as_deref().unwrap_or("0.1.0")),
            false => "{ path = \"...\" }  # the folder this crate is checked in at".to_owned(),
        },
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
