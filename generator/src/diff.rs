//! API-change reports: what changed in the *generated Rust API* between two revisions of a Discovery
//! document, whether each change breaks code that uses the crate, and the version bump that follows.
//!
//! The comparison runs on the resolved [`Api`] of each revision, so the report names Rust items
//! (`method projects.agent.export (projects().agent().export())`, `field Agent.display_name`,
//! `enum value State::Running`), and a change the generator hides (say `format: google-fieldmask` on a
//! string) is not reported, while one it exposes (a renamed field after a name collision) is.
//!
//! [`POLICY`] states the classification; [`Version::bump`] applies Cargo's semver rules.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use crate::ir::*;
use crate::Error;

/// How changes are classified and versions bumped; printed at the top of every changelog and report.
pub const POLICY: &str = "\
Versions follow Cargo's semver, judged for code that uses the generated crate; `+REVISION` is the \
Discovery revision.

- **Breaking** (bumps MINOR while MAJOR is 0, else MAJOR): a removed or renamed resource, method, \
parameter, type, field, enum value, scope or constant; a changed type of a field, parameter, request body \
or response; a new required parameter or request body (a new constructor argument); a parameter that \
became required or optional; reordered constructor arguments; `start()`, `pages()` or `items()` gone; \
`StandardParameters` and its enums switching between the crate's own and the runtime's shared ones \
(another item under the same name); a method, field, parameter or enum value whose wire name changed \
behind the same Rust name (marked *wire-only*: code still compiles, so cargo-semver-checks cannot see it, but the \
crate reads and writes other JSON).
- **Compatible** (bumps PATCH while MAJOR is 0, else MINOR): anything added, new struct fields included \
(structs are `#[non_exhaustive]`: code builds them from `Default` with `with_*` setters, and keeps compiling \
when a field is added), and new enum values (enums are `#[non_exhaustive]`); new deprecations; changed \
endpoints or request paths.
- **Documentation only** (bumps PATCH, as does a new revision with no visible change): changed \
descriptions, counted apart.
";

/// Whether a change breaks code that uses the generated crate. Ordered: the largest decides the bump.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Only rustdoc changes.
    Docs,
    /// Code that compiled still compiles.
    Compatible,
    /// Code that uses the item may no longer compile.
    Breaking,
}

impl Severity {
    fn heading(self) -> &'static str {
        match self {
            Severity::Breaking => "Breaking changes",
            Severity::Compatible => "Compatible changes",
            Severity::Docs => "Documentation-only changes",
        }
    }
}

/// What kind of item changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ItemKind {
    /// The crate as a whole: its documentation, endpoints, long-running-operation support.
    Crate,
    Scope,
    StandardParameter,
    Resource,
    Method,
    Parameter,
    Type,
    Field,
    EnumValue,
}

impl ItemKind {
    /// The singular, for counts ("1 field").
    pub fn singular(self) -> &'static str {
        match self {
            ItemKind::Crate => "crate item",
            ItemKind::Scope => "scope",
            ItemKind::StandardParameter => "standard parameter",
            ItemKind::Resource => "resource",
            ItemKind::Method => "method",
            ItemKind::Parameter => "parameter",
            ItemKind::Type => "type",
            ItemKind::Field => "field",
            ItemKind::EnumValue => "enum value",
        }
    }

    /// The plural, for counts ("3 fields").
    pub fn plural(self) -> &'static str {
        match self {
            ItemKind::Crate => "crate items",
            ItemKind::Scope => "scopes",
            ItemKind::StandardParameter => "standard parameters",
            ItemKind::Resource => "resources",
            ItemKind::Method => "methods",
            ItemKind::Parameter => "parameters",
            ItemKind::Type => "types",
            ItemKind::Field => "fields",
            ItemKind::EnumValue => "enum values",
        }
    }
}

/// One change to one item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub severity: Severity,
    pub kind: ItemKind,
    /// The item in Rust terms, e.g. ``field `Agent.display_name` ``.
    pub item: String,
    /// What happened to it, e.g. `removed` or ``type `String` → `i64` ``.
    pub detail: String,
    /// Breaking on the wire only: the Rust API is unchanged (a method, field, parameter or enum value whose
    /// wire name changed behind the same Rust name), so code still compiles and no Rust-level checker such as
    /// cargo-semver-checks can see it, but the crate now reads and writes other JSON.
    pub wire_only: bool,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.item, self.detail)
    }
}

/// The semver level a set of changes requires, before Cargo's rule for `0.x` versions is applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Bump {
    Patch,
    Minor,
    Major,
}

/// The changes between two revisions of one API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// e.g. `Cloud Monitoring API (v1)`.
    pub title: String,
    pub old_revision: Option<String>,
    pub new_revision: Option<String>,
    /// Breaking first, then compatible, then documentation-only; by kind and item within each.
    pub changes: Vec<Change>,
}

/// How [`Report::to_markdown`] renders.
#[derive(Debug, Clone, Copy, Default)]
pub struct MarkdownOptions {
    /// List every documentation-only change instead of only counting them by kind.
    pub list_docs: bool,
    /// The heading level of the sections (`3` → `###`); 0 means 3.
    pub heading_level: usize,
}

impl Report {
    pub fn count(&self, severity: Severity) -> usize {
        self.changes
            .iter()
            .filter(|c| c.severity == severity)
            .count()
    }

    pub fn has_breaking(&self) -> bool {
        self.count(Severity::Breaking) > 0
    }

    /// The level the changes require: any breaking change → major, any compatible one → minor, else patch
    /// (a new revision always gets a new version, even when the Rust API did not change).
    pub fn bump(&self) -> Bump {
        match self.changes.iter().map(|c| c.severity).max() {
            Some(Severity::Breaking) => Bump::Major,
            Some(Severity::Compatible) => Bump::Minor,
            Some(Severity::Docs) | None => Bump::Patch,
        }
    }

    /// `3 breaking, 12 compatible, 45 documentation-only changes`.
    pub fn counts(&self) -> String {
        if self.changes.is_empty() {
            return "no changes in the Rust API".to_owned();
        }
        format!(
            "{} breaking, {} compatible, {} documentation-only {}",
            self.count(Severity::Breaking),
            self.count(Severity::Compatible),
            self.count(Severity::Docs),
            if self.changes.len() == 1 {
                "change"
            } else {
                "changes"
            }
        )
    }

    /// One line for the terminal: `revision 20230913 → 20241003: 3 breaking, ... (major)`.
    pub fn summary(&self) -> String {
        format!(
            "revision {} → {}: {} ({})",
            self.old_revision.as_deref().unwrap_or("none"),
            self.new_revision.as_deref().unwrap_or("none"),
            self.counts(),
            match self.bump() {
                Bump::Major => "breaking",
                Bump::Minor => "compatible additions",
                Bump::Patch => "patch",
            }
        )
    }

    /// The report as markdown sections (no title), as it goes into a changelog entry.
    pub fn to_markdown(&self, options: MarkdownOptions) -> String {
        let level = if options.heading_level == 0 {
            3
        } else {
            options.heading_level
        };
        let hashes = "#".repeat(level);
        let mut out = format!(
            "Discovery revision {} → {}: {}.\n",
            self.old_revision.as_deref().unwrap_or("none"),
            self.new_revision.as_deref().unwrap_or("none"),
            self.counts()
        );
        for severity in [Severity::Breaking, Severity::Compatible, Severity::Docs] {
            let changes: Vec<&Change> = self
                .changes
                .iter()
                .filter(|c| c.severity == severity)
                .collect();
            if changes.is_empty() {
                continue;
            }
            out.push_str(&format!(
                "\n{hashes} {} ({})\n\n",
                severity.heading(),
                changes.len()
            ));
            if severity == Severity::Docs && !options.list_docs {
                let mut by_kind: BTreeMap<ItemKind, usize> = BTreeMap::new();
                for change in &changes {
                    *by_kind.entry(change.kind).or_default() += 1;
                }
                let parts: Vec<String> = by_kind
                    .iter()
                    .map(|(kind, n)| plural(*n, kind.singular(), kind.plural()))
                    .collect();
                out.push_str(&format!(
                    "Descriptions changed on {}.\n",
                    join_english(&parts)
                ));
                continue;
            }
            for change in changes {
                out.push_str(&format!("- {change}\n"));
            }
        }
        out
    }
}

fn join_english(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// A crate version without build metadata: `MAJOR.MINOR.PATCH`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
}

impl Version {
    /// The version of a crate's first generation.
    pub const INITIAL: Version = Version {
        major: 0,
        minor: 1,
        patch: 0,
    };

    /// Parses `1.2.3`, ignoring build metadata (`1.2.3+20241003`); pre-releases are not used here.
    pub fn parse(text: &str) -> Result<Version, Error> {
        let core = text.split('+').next().unwrap_or_default();
        let parts: Vec<&str> = core.split('.').collect();
        let number = |s: &str| {
            (!s.is_empty()
                && s.bytes().all(|b| b.is_ascii_digit())
                && (s == "0" || !s.starts_with('0')))
            .then(|| s.parse::<u64>().ok())
            .flatten()
        };
        match parts.as_slice() {
            [major, minor, patch] => match (number(major), number(minor), number(patch)) {
                (Some(major), Some(minor), Some(patch)) => Ok(Version {
                    major,
                    minor,
                    patch,
                }),
                _ => Err(Error::new(
                    "version",
                    format!("`{text}` is not MAJOR.MINOR.PATCH"),
                )),
            },
            _ => Err(Error::new(
                "version",
                format!("`{text}` is not MAJOR.MINOR.PATCH"),
            )),
        }
    }

    /// The next version for changes of level `bump`, by Cargo's semver rules: while MAJOR is 0, MINOR is
    /// the breaking component and PATCH takes compatible additions.
    pub fn bump(self, bump: Bump) -> Version {
        let Version {
            major,
            minor,
            patch,
        } = self;
        match (bump, major) {
            (Bump::Major, 0) => Version::new(0, minor + 1, 0),
            (Bump::Major, _) => Version::new(major + 1, 0, 0),
            (Bump::Minor, 0) | (Bump::Patch, _) => Version::new(major, minor, patch + 1),
            (Bump::Minor, _) => Version::new(major, minor + 1, 0),
        }
    }

    pub const fn new(major: u64, minor: u64, patch: u64) -> Version {
        Version {
            major,
            minor,
            patch,
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// Prepares two documents by the crate's `rules` (see [`crate::prepare`]) and compares them: the report
/// speaks of the types the crate has, and descriptions carried from an older revision are the same on
/// both sides, so carrying them is no change.
pub fn diff_documents(old: &str, new: &str, rules: &crate::Rules) -> Result<Report, Error> {
    let old = crate::prepare_older(old, rules)
        .map_err(|e| Error::new(e.path, format!("old document: {}", e.message)))?;
    let new = crate::prepare(new, rules)
        .map_err(|e| Error::new(e.path, format!("new document: {}", e.message)))?;
    Ok(diff(&old, &new))
}

/// Compares two resolved revisions of an API.
pub fn diff(old: &Api, new: &Api) -> Report {
    let mut differ = Differ {
        old,
        new,
        changes: Vec::new(),
    };
    differ.crate_level();
    differ.standard_parameters();
    differ.types();
    differ.resource(&old.root, &new.root, &[], &[]);
    let mut changes = differ.changes;
    // Breaking first; then by kind and by item, read without its backticks (`a` before `a_b`).
    changes.sort_by_cached_key(|c| {
        (
            std::cmp::Reverse(c.severity),
            c.kind,
            c.item.replace('`', ""),
            c.detail.clone(),
        )
    });
    changes.dedup();
    Report {
        title: format!("{} ({})", new.title, new.version),
        old_revision: old.revision.clone(),
        new_revision: new.revision.clone(),
        changes,
    }
}

struct Differ<'a> {
    old: &'a Api,
    new: &'a Api,
    changes: Vec<Change>,
}

/// `Name` for schemas and root types, `resources::projects::Name` for types in resource modules.
fn type_path(api: &Api, id: TypeId) -> String {
    let def = api.ty(id);
    match def.module.as_slice() {
        [] => def.name.clone(),
        [only] if only == "schemas" => def.name.clone(),
        module => format!("{}::{}", module.join("::"), def.name),
    }
}

/// A type as the generated code spells it (without the `Option` every field has).
fn rust_type(api: &Api, ty: &TypeRef) -> String {
    match ty {
        TypeRef::Bool => "bool".to_owned(),
        TypeRef::Int32 => "i32".to_owned(),
        TypeRef::Uint32 => "u32".to_owned(),
        TypeRef::Int64 => "i64".to_owned(),
        TypeRef::Uint64 => "u64".to_owned(),
        TypeRef::Float => "f32".to_owned(),
        TypeRef::Double => "f64".to_owned(),
        TypeRef::String | TypeRef::FieldMask => "String".to_owned(),
        TypeRef::Bytes => "Bytes".to_owned(),
        TypeRef::Date => "Date".to_owned(),
        TypeRef::DateTime => "Timestamp".to_owned(),
        TypeRef::Duration => "Duration".to_owned(),
        TypeRef::Any => "serde_json::Value".to_owned(),
        TypeRef::Named(id) => type_path(api, *id),
        TypeRef::Array(inner) => format!("Vec<{}>", rust_type(api, inner)),
        TypeRef::Map(inner) => format!("BTreeMap<String, {}>", rust_type(api, inner)),
    }
}

fn field_type(api: &Api, field: &Field) -> String {
    let ty = rust_type(api, &field.ty);
    if field.boxed {
        format!("Box<{ty}>")
    } else {
        ty
    }
}

/// A parameter's type as its setter or argument takes it.
fn param_type(api: &Api, param: &Param) -> String {
    let ty = rust_type(api, &param.ty);
    if param.repeated {
        format!("Vec<{ty}>")
    } else {
        ty
    }
}

fn types_by_path(api: &Api) -> BTreeMap<String, &TypeDef> {
    (0..api.types.len())
        .map(|i| (type_path(api, TypeId(i)), api.ty(TypeId(i))))
        .collect()
}

fn kind_name(kind: &TypeKind) -> &'static str {
    match kind {
        TypeKind::Struct(_) => "a struct",
        TypeKind::Enum(_) => "an enum",
        TypeKind::Alias(_) => "a type alias",
    }
}

fn changed<T: PartialEq>(a: &T, b: &T) -> bool {
    a != b
}

/// Module paths of every resource of an API.
fn resource_modules(resource: &Resource, out: &mut BTreeSet<Vec<String>>) {
    out.insert(resource.module.clone());
    for child in &resource.resources {
        resource_modules(child, out);
    }
}

fn method_count(resource: &Resource) -> usize {
    resource.methods.len() + resource.resources.iter().map(method_count).sum::<usize>()
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Items keyed by wire name whose wire name went while their Rust name (`rust`) came back under exactly one
/// new wire name: old wire name → new wire name. The Rust API keeps them; the JSON does not.
fn wire_renames<'w, T>(
    before: &BTreeMap<&'w str, &T>,
    after: &BTreeMap<&'w str, &T>,
    rust: impl Fn(&T) -> &str,
) -> BTreeMap<&'w str, &'w str> {
    let gone = before.iter().filter(|(w, _)| !after.contains_key(*w));
    let came: Vec<(&'w str, &str)> = after
        .iter()
        .filter(|(w, _)| !before.contains_key(*w))
        .map(|(w, t)| (*w, rust(t)))
        .collect();
    gone.filter_map(|(old, t)| {
        let mut same = came.iter().filter(|(_, name)| *name == rust(t));
        match (same.next(), same.next()) {
            (Some((new, _)), None) => Some((*old, *new)),
            _ => None,
        }
    })
    .collect()
}

impl<'a> Differ<'a> {
    fn push(
        &mut self,
        severity: Severity,
        kind: ItemKind,
        item: String,
        detail: impl Into<String>,
    ) {
        self.changes.push(Change {
            severity,
            kind,
            item,
            detail: detail.into(),
            wire_only: false,
        });
    }

    /// An item whose wire name changed while its Rust name stayed: breaking, though no code stops compiling.
    fn wire_renamed(&mut self, kind: ItemKind, item: String, old_wire: &str, new_wire: &str) {
        self.changes.push(Change {
            severity: Severity::Breaking,
            kind,
            item,
            detail: format!(
                "wire name `{old_wire}` → `{new_wire}` (wire-only: the Rust name is unchanged, so code \
                 still compiles, but the crate now reads and writes `{new_wire}`)"
            ),
            wire_only: true,
        });
    }

    fn crate_level(&mut self) {
        let (old, new) = (self.old, self.new);
        let docs = |api: &Api| {
            (
                api.title.clone(),
                api.description.clone(),
                api.documentation_link.clone(),
            )
        };
        if docs(old) != docs(new) {
            self.push(
                Severity::Docs,
                ItemKind::Crate,
                "crate documentation".to_owned(),
                "changed",
            );
        }
        if old.base_url != new.base_url {
            self.push(
                Severity::Compatible,
                ItemKind::Crate,
                "constant `Client::DEFAULT_BASE_URL`".to_owned(),
                format!("`{}` → `{}`", old.base_url, new.base_url),
            );
        }
        match (&old.mtls_base_url, &new.mtls_base_url) {
            (Some(_), None) => self.push(
                Severity::Breaking,
                ItemKind::Crate,
                "constant `Client::MTLS_BASE_URL`".to_owned(),
                "removed",
            ),
            (None, Some(url)) => self.push(
                Severity::Compatible,
                ItemKind::Crate,
                "constant `Client::MTLS_BASE_URL`".to_owned(),
                format!("added (`{url}`)"),
            ),
            (Some(a), Some(b)) if a != b => self.push(
                Severity::Compatible,
                ItemKind::Crate,
                "constant `Client::MTLS_BASE_URL`".to_owned(),
                format!("`{a}` → `{b}`"),
            ),
            _ => {}
        }
        let endpoints = |api: &Api| -> BTreeMap<String, String> {
            api.endpoints
                .iter()
                .map(|e| (e.location.clone(), e.url.clone()))
                .collect()
        };
        let (before, after) = (endpoints(old), endpoints(new));
        let regional = "constant `Client::REGIONAL_BASE_URLS`".to_owned();
        if !before.is_empty() && after.is_empty() {
            self.push(Severity::Breaking, ItemKind::Crate, regional, "removed");
        } else if before != after {
            let added: Vec<&str> = after
                .keys()
                .filter(|k| !before.contains_key(*k))
                .map(String::as_str)
                .collect();
            let removed: Vec<&str> = before
                .keys()
                .filter(|k| !after.contains_key(*k))
                .map(String::as_str)
                .collect();
            let mut parts = Vec::new();
            if before.is_empty() {
                parts.push("added".to_owned());
            } else {
                if !added.is_empty() {
                    parts.push(format!("locations added: {}", added.join(", ")));
                }
                if !removed.is_empty() {
                    parts.push(format!("locations removed: {}", removed.join(", ")));
                }
                if added.is_empty() && removed.is_empty() {
                    parts.push("URLs changed".to_owned());
                }
            }
            self.push(
                Severity::Compatible,
                ItemKind::Crate,
                regional,
                parts.join("; "),
            );
        }
        match (&old.lro, &new.lro) {
            (Some(_), None) => self.push(
                Severity::Breaking,
                ItemKind::Crate,
                "long-running operations (`Client::operation`, `OperationsApi`)".to_owned(),
                "no longer recognised: removed",
            ),
            (None, Some(_)) => self.push(
                Severity::Compatible,
                ItemKind::Crate,
                "long-running operations (`Client::operation`, `OperationsApi`)".to_owned(),
                "added",
            ),
            _ => {}
        }

        let scopes =
            |api: &Api| -> BTreeMap<String, String> { api.scopes.iter().cloned().collect() };
        let (before, after) = (scopes(old), scopes(new));
        for (url, description) in &before {
            let item = format!("scope `{url}`");
            match after.get(url) {
                None => self.push(Severity::Breaking, ItemKind::Scope, item, "removed"),
                Some(d) if d != description => {
                    self.push(Severity::Docs, ItemKind::Scope, item, "description changed")
                }
                Some(_) => {}
            }
        }
        for url in after.keys().filter(|url| !before.contains_key(*url)) {
            self.push(
                Severity::Compatible,
                ItemKind::Scope,
                format!("scope `{url}`"),
                "added",
            );
        }
    }

    fn standard_parameters(&mut self) {
        self.shared_standard_items();
        let item = |p: &Param| format!("standard parameter `StandardParameters::{}`", p.rust_name);
        self.optional_params(
            &self.old.global_params,
            &self.new.global_params,
            ItemKind::StandardParameter,
            &item,
        );
    }

    /// `StandardParameters` and its enums are the runtime's shared items when the global parameters are the
    /// standard ones, else the crate's own. Switching replaces each by another item under the same name
    /// (an impl written for both crates' `Alt` now conflicts): breaking, even with the same methods.
    fn shared_standard_items(&mut self) {
        let (old, new) = (self.old, self.new);
        let shared = |api: &Api| api.standard_param_enums().is_some();
        if shared(old) == shared(new) {
            return;
        }
        let detail = |kind: &str| {
            if shared(new) {
                format!(
                    "now the runtime's shared {kind} (re-exported), no longer this crate's own: \
                     another item under the same name"
                )
            } else {
                format!(
                    "now this crate's own {kind}, no longer the runtime's shared one: another item \
                     under the same name"
                )
            }
        };
        let root_type = |api: &Api, name: &str| {
            api.types
                .iter()
                .any(|t| t.name == name && t.module.is_empty())
        };
        self.push(
            Severity::Breaking,
            ItemKind::Type,
            "type `StandardParameters`".to_owned(),
            detail("trait"),
        );
        for name in ["Alt", "Xgafv"] {
            if root_type(old, name) && root_type(new, name) {
                self.push(
                    Severity::Breaking,
                    ItemKind::Type,
                    format!("type `{name}`"),
                    detail("enum"),
                );
            }
        }
    }

    /// Setters keyed by wire name: removed or retyped → breaking, added → compatible.
    fn optional_params(
        &mut self,
        old: &[Param],
        new: &[Param],
        kind: ItemKind,
        item: &dyn Fn(&Param) -> String,
    ) {
        let (old_api, new_api) = (self.old, self.new);
        let after: BTreeMap<&str, &Param> = new.iter().map(|p| (p.wire_name.as_str(), p)).collect();
        let before: BTreeMap<&str, &Param> =
            old.iter().map(|p| (p.wire_name.as_str(), p)).collect();
        let renames = wire_renames(&before, &after, |p| p.rust_name.as_str());
        for (wire, a) in &before {
            let b = match (after.get(wire), renames.get(wire)) {
                (Some(b), _) => *b,
                (None, Some(new_wire)) => {
                    let b = after[new_wire];
                    self.wire_renamed(kind, item(b), wire, new_wire);
                    b
                }
                (None, None) => {
                    self.push(
                        Severity::Breaking,
                        kind,
                        item(a),
                        format!("removed (`{wire}`)"),
                    );
                    continue;
                }
            };
            if a.rust_name != b.rust_name {
                self.push(
                    Severity::Breaking,
                    kind,
                    item(b),
                    format!("renamed from `{}`", a.rust_name),
                );
            }
            let (ta, tb) = (param_type(old_api, a), param_type(new_api, b));
            if ta != tb {
                self.push(
                    Severity::Breaking,
                    kind,
                    item(b),
                    format!("type `{ta}` → `{tb}`"),
                );
            }
            if changed(&(&a.doc, a.deprecated), &(&b.doc, b.deprecated)) {
                self.push(Severity::Docs, kind, item(b), "description changed");
            }
        }
        for (wire, b) in &after {
            if !before.contains_key(wire) && !renames.values().any(|w| w == wire) {
                self.push(
                    Severity::Compatible,
                    kind,
                    item(b),
                    format!("added (`{wire}`, `{}`)", param_type(new_api, b)),
                );
            }
        }
    }

    fn types(&mut self) {
        let (old, new) = (self.old, self.new);
        let (before, after) = (types_by_path(old), types_by_path(new));
        // Types that go or come with their schema or resource are reported with it, not one by one.
        let schemas = |api: &Api| -> BTreeSet<String> {
            api.types
                .iter()
                .filter_map(|t| t.origin.schema())
                .map(str::to_owned)
                .collect()
        };
        let (old_schemas, new_schemas) = (schemas(old), schemas(new));
        let mut old_modules = BTreeSet::new();
        let mut new_modules = BTreeSet::new();
        resource_modules(&old.root, &mut old_modules);
        resource_modules(&new.root, &mut new_modules);
        let follows_owner = |def: &TypeDef,
                             other_schemas: &BTreeSet<String>,
                             other_modules: &BTreeSet<Vec<String>>| {
            if let Origin::Synthetic {
                owner: Some(owner), ..
            } = &def.origin
            {
                return !other_schemas.contains(owner);
            }
            def.module.first().is_some_and(|m| m == "resources")
                && !other_modules.contains(&def.module)
        };

        for (path, a) in &before {
            let item = format!("type `{path}`");
            let Some(b) = after.get(path) else {
                if !follows_owner(a, &new_schemas, &new_modules) {
                    self.push(Severity::Breaking, ItemKind::Type, item, "removed");
                }
                continue;
            };
            if a.doc != b.doc {
                self.push(
                    Severity::Docs,
                    ItemKind::Type,
                    item.clone(),
                    "description changed",
                );
            }
            match (&a.kind, &b.kind) {
                (TypeKind::Struct(sa), TypeKind::Struct(sb)) => self.fields(path, sa, sb),
                (TypeKind::Enum(ea), TypeKind::Enum(eb)) => self.variants(path, ea, eb),
                (TypeKind::Alias(ta), TypeKind::Alias(tb)) => {
                    let (ta, tb) = (rust_type(old, ta), rust_type(new, tb));
                    if ta != tb {
                        self.push(
                            Severity::Breaking,
                            ItemKind::Type,
                            item,
                            format!("alias of `{ta}` → `{tb}`"),
                        );
                    }
                }
                (ka, kb) => self.push(
                    Severity::Breaking,
                    ItemKind::Type,
                    item,
                    format!("was {}, now {}", kind_name(ka), kind_name(kb)),
                ),
            }
        }
        for (path, b) in &after {
            if !before.contains_key(path) && !follows_owner(b, &old_schemas, &old_modules) {
                let what = match &b.kind {
                    TypeKind::Struct(s) => format!(
                        "added (a struct, {})",
                        plural(s.fields.len(), "field", "fields")
                    ),
                    TypeKind::Enum(e) => format!(
                        "added (an enum, {})",
                        plural(e.variants.len(), "value", "values")
                    ),
                    TypeKind::Alias(t) => format!("added (alias of `{}`)", rust_type(new, t)),
                };
                self.push(
                    Severity::Compatible,
                    ItemKind::Type,
                    format!("type `{path}`"),
                    what,
                );
            }
        }
    }

    fn fields(&mut self, owner: &str, a: &Struct, b: &Struct) {
        let (old, new) = (self.old, self.new);
        let item = |f: &str| format!("field `{owner}.{f}`");
        let after: BTreeMap<&str, &Field> =
            b.fields.iter().map(|f| (f.wire_name.as_str(), f)).collect();
        let before: BTreeMap<&str, &Field> =
            a.fields.iter().map(|f| (f.wire_name.as_str(), f)).collect();
        let renames = wire_renames(&before, &after, |f| f.rust_name.as_str());
        for (wire, fa) in &before {
            let fb = match (after.get(wire), renames.get(wire)) {
                (Some(fb), _) => *fb,
                (None, Some(new_wire)) => {
                    let fb = after[new_wire];
                    self.wire_renamed(ItemKind::Field, item(&fb.rust_name), wire, new_wire);
                    fb
                }
                (None, None) => {
                    self.push(
                        Severity::Breaking,
                        ItemKind::Field,
                        item(&fa.rust_name),
                        "removed",
                    );
                    continue;
                }
            };
            if fa.rust_name != fb.rust_name {
                self.push(
                    Severity::Breaking,
                    ItemKind::Field,
                    item(&fb.rust_name),
                    format!("renamed from `{}`", fa.rust_name),
                );
            }
            let (ta, tb) = (field_type(old, fa), field_type(new, fb));
            if ta != tb {
                self.push(
                    Severity::Breaking,
                    ItemKind::Field,
                    item(&fb.rust_name),
                    format!("type `{ta}` → `{tb}`"),
                );
            }
            if changed(
                &(&fa.doc, fa.deprecated, fa.read_only),
                &(&fb.doc, fb.deprecated, fb.read_only),
            ) {
                self.push(
                    Severity::Docs,
                    ItemKind::Field,
                    item(&fb.rust_name),
                    "description changed",
                );
            }
        }
        for (wire, fb) in &after {
            if !before.contains_key(wire) && !renames.values().any(|w| w == wire) {
                self.push(
                    Severity::Compatible,
                    ItemKind::Field,
                    item(&fb.rust_name),
                    format!("added (`{}`)", field_type(new, fb)),
                );
            }
        }
        match (&a.additional, &b.additional) {
            (Some((name, _)), None) => {
                self.push(Severity::Breaking, ItemKind::Field, item(name), "removed")
            }
            (None, Some((name, ty))) => self.push(
                Severity::Compatible,
                ItemKind::Field,
                item(name),
                format!("added (`BTreeMap<String, {}>`)", rust_type(new, ty)),
            ),
            (Some((na, ta)), Some((nb, tb))) => {
                if na != nb {
                    self.push(
                        Severity::Breaking,
                        ItemKind::Field,
                        item(nb),
                        format!("renamed from `{na}`"),
                    );
                }
                let (ta, tb) = (rust_type(old, ta), rust_type(new, tb));
                if ta != tb {
                    self.push(
                        Severity::Breaking,
                        ItemKind::Field,
                        item(nb),
                        format!("type `BTreeMap<String, {ta}>` → `BTreeMap<String, {tb}>`"),
                    );
                }
            }
            (None, None) => {}
        }
    }

    fn variants(&mut self, owner: &str, a: &Enum, b: &Enum) {
        let item = |v: &str| format!("enum value `{owner}::{v}`");
        if a.unknown_variant != b.unknown_variant {
            self.push(
                Severity::Breaking,
                ItemKind::EnumValue,
                item(&b.unknown_variant),
                format!("renamed from `{}`", a.unknown_variant),
            );
        }
        let after: BTreeMap<&str, &Variant> = b
            .variants
            .iter()
            .map(|v| (v.wire_name.as_str(), v))
            .collect();
        let before: BTreeMap<&str, &Variant> = a
            .variants
            .iter()
            .map(|v| (v.wire_name.as_str(), v))
            .collect();
        let renames = wire_renames(&before, &after, |v| v.rust_name.as_str());
        for (wire, va) in &before {
            let vb = match (after.get(wire), renames.get(wire)) {
                (Some(vb), _) => *vb,
                (None, Some(new_wire)) => {
                    let vb = after[new_wire];
                    self.wire_renamed(ItemKind::EnumValue, item(&vb.rust_name), wire, new_wire);
                    vb
                }
                (None, None) => {
                    self.push(
                        Severity::Breaking,
                        ItemKind::EnumValue,
                        item(&va.rust_name),
                        format!("removed (`{wire}`)"),
                    );
                    continue;
                }
            };
            if va.rust_name != vb.rust_name {
                self.push(
                    Severity::Breaking,
                    ItemKind::EnumValue,
                    item(&vb.rust_name),
                    format!("renamed from `{}` (`{wire}`)", va.rust_name),
                );
            }
            if changed(&(&va.doc, va.deprecated), &(&vb.doc, vb.deprecated)) {
                self.push(
                    Severity::Docs,
                    ItemKind::EnumValue,
                    item(&vb.rust_name),
                    "description changed",
                );
            }
        }
        for (wire, vb) in &after {
            if !before.contains_key(wire) && !renames.values().any(|w| w == wire) {
                self.push(
                    Severity::Compatible,
                    ItemKind::EnumValue,
                    item(&vb.rust_name),
                    format!("added (`{wire}`)"),
                );
            }
        }
    }

    /// Compares two resources that have the same wire path. `wire` and `chain` are the parents' wire names
    /// and accessor calls (`["projects"]`, `["projects()"]`); empty for the client itself.
    fn resource(&mut self, a: &Resource, b: &Resource, wire: &[&str], chain: &[String]) {
        let label = |wire: &[&str], chain: &[String]| {
            format!("resource `{}` (`{}`)", wire.join("."), chain.join("."))
        };
        if !wire.is_empty() {
            if a.accessor != b.accessor || a.handle != b.handle {
                self.push(
                    Severity::Breaking,
                    ItemKind::Resource,
                    label(wire, chain),
                    format!("renamed from `{}()` (`{}`)", a.accessor, a.handle),
                );
            }
            if a.deprecated != b.deprecated {
                self.push(
                    Severity::Compatible,
                    ItemKind::Resource,
                    label(wire, chain),
                    if b.deprecated {
                        "now deprecated"
                    } else {
                        "no longer deprecated"
                    },
                );
            }
        }

        let methods_b: BTreeMap<&str, &Method> = b
            .methods
            .iter()
            .map(|m| (m.wire_name.as_str(), m))
            .collect();
        let methods_a: BTreeMap<&str, &Method> = a
            .methods
            .iter()
            .map(|m| (m.wire_name.as_str(), m))
            .collect();
        let renames = wire_renames(&methods_a, &methods_b, |m| m.fn_name.as_str());
        for (name, ma) in &methods_a {
            match (methods_b.get(name), renames.get(name)) {
                (Some(mb), _) => self.method(ma, mb, wire, chain),
                (None, Some(new_name)) => {
                    let mb = methods_b[new_name];
                    let item = method_label(wire, chain, new_name, &mb.fn_name);
                    self.wire_renamed(ItemKind::Method, item, name, new_name);
                    self.method(ma, mb, wire, chain);
                }
                (None, None) => {
                    let item = method_label(wire, chain, name, &ma.fn_name);
                    self.push(Severity::Breaking, ItemKind::Method, item, "removed");
                }
            }
        }
        for (name, mb) in &methods_b {
            if !methods_a.contains_key(name) && !renames.values().any(|w| w == name) {
                let item = method_label(wire, chain, name, &mb.fn_name);
                self.push(Severity::Compatible, ItemKind::Method, item, "added");
            }
        }

        let children_b: BTreeMap<&str, &Resource> = b
            .resources
            .iter()
            .map(|r| (r.wire_name.as_str(), r))
            .collect();
        let children_a: BTreeMap<&str, &Resource> = a
            .resources
            .iter()
            .map(|r| (r.wire_name.as_str(), r))
            .collect();
        for (name, ra) in &children_a {
            let mut wire = wire.to_vec();
            wire.push(name);
            match children_b.get(name) {
                Some(rb) => {
                    let mut chain = chain.to_vec();
                    chain.push(format!("{}()", rb.accessor));
                    self.resource(ra, rb, &wire, &chain);
                }
                None => {
                    let mut chain = chain.to_vec();
                    chain.push(format!("{}()", ra.accessor));
                    let n = method_count(ra);
                    self.push(
                        Severity::Breaking,
                        ItemKind::Resource,
                        label(&wire, &chain),
                        format!("removed, with {}", plural(n, "method", "methods")),
                    );
                }
            }
        }
        for (name, rb) in &children_b {
            if !children_a.contains_key(name) {
                let mut wire = wire.to_vec();
                wire.push(name);
                let mut chain = chain.to_vec();
                chain.push(format!("{}()", rb.accessor));
                let n = method_count(rb);
                self.push(
                    Severity::Compatible,
                    ItemKind::Resource,
                    label(&wire, &chain),
                    format!("added, with {}", plural(n, "method", "methods")),
                );
            }
        }
    }

    fn method(&mut self, a: &Method, b: &Method, wire: &[&str], chain: &[String]) {
        let (old, new) = (self.old, self.new);
        let item = method_label(wire, chain, &b.wire_name, &b.fn_name);
        let push = |differ: &mut Self, severity, detail: String| {
            differ.push(severity, ItemKind::Method, item.clone(), detail)
        };
        if a.fn_name != b.fn_name || a.builder != b.builder {
            push(
                self,
                Severity::Breaking,
                format!("renamed from `{}()` (builder `{}`)", a.fn_name, a.builder),
            );
        }

        // Constructor arguments: required parameters in order, then the body.
        let required = |m: &Method| -> Vec<String> {
            m.required_params().map(|p| p.wire_name.clone()).collect()
        };
        let (req_a, req_b) = (required(a), required(b));
        let (params_a, params_b) = (params_by_wire(a), params_by_wire(b));
        let method_call = format!(
            "{}{}()",
            chain.iter().map(|c| format!("{c}.")).collect::<String>(),
            b.fn_name
        );
        let param_item = |p: &Param| format!("parameter `{}` of `{method_call}`", p.rust_name);

        let renames = wire_renames(&params_a, &params_b, |p| p.rust_name.as_str());
        for (name, pa) in &params_a {
            let pb = match (params_b.get(name), renames.get(name)) {
                (Some(pb), _) => *pb,
                (None, Some(new_wire)) => {
                    let pb = params_b[new_wire];
                    self.wire_renamed(ItemKind::Parameter, param_item(pb), name, new_wire);
                    pb
                }
                (None, None) => {
                    let what = if pa.required {
                        "removed (it was a constructor argument)".to_owned()
                    } else {
                        format!("removed (setter `.{}()`)", pa.rust_name)
                    };
                    self.push(
                        Severity::Breaking,
                        ItemKind::Parameter,
                        param_item(pa),
                        what,
                    );
                    continue;
                }
            };
            match (pa.required, pb.required) {
                (false, true) => self.push(
                    Severity::Breaking,
                    ItemKind::Parameter,
                    param_item(pb),
                    "now required: a constructor argument instead of a setter",
                ),
                (true, false) => self.push(
                    Severity::Breaking,
                    ItemKind::Parameter,
                    param_item(pb),
                    "now optional: a setter instead of a constructor argument",
                ),
                (false, false) if pa.rust_name != pb.rust_name => self.push(
                    Severity::Breaking,
                    ItemKind::Parameter,
                    param_item(pb),
                    format!("setter renamed from `.{}()`", pa.rust_name),
                ),
                _ => {}
            }
            let (ta, tb) = (param_type(old, pa), param_type(new, pb));
            if ta != tb {
                self.push(
                    Severity::Breaking,
                    ItemKind::Parameter,
                    param_item(pb),
                    format!("type `{ta}` → `{tb}`"),
                );
            }
            if changed(&(&pa.doc, pa.deprecated), &(&pb.doc, pb.deprecated)) {
                self.push(
                    Severity::Docs,
                    ItemKind::Parameter,
                    param_item(pb),
                    "description changed",
                );
            }
        }
        for (name, pb) in &params_b {
            if !params_a.contains_key(name) && !renames.values().any(|w| w == name) {
                let (severity, what) = if pb.required {
                    (
                        Severity::Breaking,
                        format!(
                            "added as a required parameter: a new constructor argument (`{}`)",
                            param_type(new, pb)
                        ),
                    )
                } else {
                    (
                        Severity::Compatible,
                        format!(
                            "added (setter `.{}()`, `{}`)",
                            pb.rust_name,
                            param_type(new, pb)
                        ),
                    )
                };
                self.push(severity, ItemKind::Parameter, param_item(pb), what);
            }
        }
        let kept_a: Vec<&String> = req_a.iter().filter(|w| req_b.contains(w)).collect();
        let kept_b: Vec<&String> = req_b.iter().filter(|w| req_a.contains(w)).collect();
        if kept_a != kept_b {
            let names = |order: &[&String], m: &Method| {
                order
                    .iter()
                    .filter_map(|w| m.params.iter().find(|p| &&p.wire_name == w))
                    .map(|p| p.rust_name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            push(
                self,
                Severity::Breaking,
                format!(
                    "constructor arguments reordered: ({}) → ({})",
                    names(&kept_a, a),
                    names(&kept_b, b)
                ),
            );
        }

        match (&a.request, &b.request) {
            (None, Some(body)) => push(
                self,
                Severity::Breaking,
                format!(
                    "now takes a request body: a new constructor argument (`{}`)",
                    rust_type(new, &body.ty)
                ),
            ),
            (Some(_), None) => push(
                self,
                Severity::Breaking,
                "no longer takes a request body (one constructor argument fewer)".to_owned(),
            ),
            (Some(ba), Some(bb)) => {
                let (ta, tb) = (rust_type(old, &ba.ty), rust_type(new, &bb.ty));
                if ta != tb {
                    push(
                        self,
                        Severity::Breaking,
                        format!("request body `{ta}` → `{tb}`"),
                    );
                }
            }
            (None, None) => {}
        }
        let response = |api: &Api, ty: &Option<TypeRef>| {
            ty.as_ref()
                .map(|t| rust_type(api, t))
                .unwrap_or_else(|| "()".to_owned())
        };
        let (ra, rb) = (response(old, &a.response), response(new, &b.response));
        if ra != rb {
            push(
                self,
                Severity::Breaking,
                format!("response `{ra}` → `{rb}`"),
            );
        }

        match (a.pagination.is_some(), b.pagination.is_some()) {
            (true, false) => push(
                self,
                Severity::Breaking,
                "`pages()` and `items()` removed (no longer pages)".to_owned(),
            ),
            (false, true) => push(
                self,
                Severity::Compatible,
                "now pages: `pages()` and `items()` added".to_owned(),
            ),
            _ => {}
        }
        match (a.returns_operation, b.returns_operation) {
            (true, false) => push(
                self,
                Severity::Breaking,
                "`start()` removed (no longer returns an operation)".to_owned(),
            ),
            (false, true) => push(
                self,
                Severity::Compatible,
                "now returns an operation: `start()` added".to_owned(),
            ),
            _ => {}
        }
        match (a.upload.is_some(), b.upload.is_some()) {
            (true, false) => push(self, Severity::Breaking, "media upload removed".to_owned()),
            (false, true) => push(self, Severity::Compatible, "media upload added".to_owned()),
            _ => {}
        }
        match (a.download, b.download) {
            (true, false) => push(
                self,
                Severity::Breaking,
                "media download removed".to_owned(),
            ),
            (false, true) => push(
                self,
                Severity::Compatible,
                "media download added".to_owned(),
            ),
            _ => {}
        }
        if a.deprecated != b.deprecated {
            push(
                self,
                Severity::Compatible,
                if b.deprecated {
                    "now deprecated"
                } else {
                    "no longer deprecated"
                }
                .to_owned(),
            );
        }
        let (http_a, http_b) = (a.request_line(), b.request_line());
        if http_a != http_b {
            push(
                self,
                Severity::Compatible,
                format!("request `{http_a}` → `{http_b}`"),
            );
        }
        if a.api_version != b.api_version {
            push(
                self,
                Severity::Compatible,
                format!(
                    "API version header `{}` → `{}`",
                    a.api_version.as_deref().unwrap_or("none"),
                    b.api_version.as_deref().unwrap_or("none")
                ),
            );
        }
        if changed(
            &(&a.doc, &a.scopes, &a.unsupported),
            &(&b.doc, &b.scopes, &b.unsupported),
        ) {
            push(self, Severity::Docs, "description changed".to_owned());
        }
    }
}

fn params_by_wire(method: &Method) -> BTreeMap<&str, &Param> {
    method
        .params
        .iter()
        .map(|p| (p.wire_name.as_str(), p))
        .collect()
}

fn method_label(wire: &[&str], chain: &[String], name: &str, fn_name: &str) -> String {
    let mut dotted: Vec<&str> = wire.to_vec();
    dotted.push(name);
    let call: Vec<String> = chain
        .iter()
        .cloned()
        .chain(std::iter::once(format!("{fn_name}()")))
        .collect();
    format!("method `{}` (`{}`)", dotted.join("."), call.join("."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_follow_cargo_semver() {
        let v = Version::parse("0.1.0+20241003").unwrap();
        assert_eq!(v, Version::INITIAL);
        assert_eq!(v.bump(Bump::Major).to_string(), "0.2.0");
        assert_eq!(v.bump(Bump::Minor).to_string(), "0.1.1");
        assert_eq!(v.bump(Bump::Patch).to_string(), "0.1.1");
        let one = Version::new(1, 4, 2);
        assert_eq!(one.bump(Bump::Major).to_string(), "2.0.0");
        assert_eq!(one.bump(Bump::Minor).to_string(), "1.5.0");
        assert_eq!(one.bump(Bump::Patch).to_string(), "1.4.3");
        assert!(Version::parse("1.2").is_err());
        assert!(Version::parse("1.02.3").is_err());
        assert!(Version::parse("1.2.3-beta").is_err());
    }
}
