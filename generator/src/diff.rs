//! API-change reports: what changed in the *generated Rust API* between two revisions of a Discovery
//! document, whether each change breaks code that uses the crate, and the version bump that follows.
//!
//! The comparison runs on the crate model of each revision, so the report names Rust items
//! (`method projects.agent.export (projects().agent().export())`, `field Agent.display_name`,
//! `enum value State::Running`), and a change the generator hides (say `format: google-fieldmask` on a
//! string) is not reported, while one it exposes (a renamed field after a name collision) is.
//!
//! [`POLICY`] states the classification; [`Version::bump`] applies Cargo's semver rules.
//!
//! ```
//! use discogen::diff::{diff_documents, Bump, Severity, Version};
//!
//! let document = |revision: &str, field: &str| {
//!     format!(
//!         r#"{{"kind": "discovery#restDescription", "name": "pets", "version": "v1",
//!             "title": "Pets API", "revision": "{revision}", "rootUrl": "https://pets.googleapis.com/",
//!             "schemas": {{"Pet": {{"id": "Pet", "type": "object",
//!                                   "properties": {{"{field}": {{"type": "string"}}}}}}}}}}"#
//!     )
//! };
//! let old = document("20240101", "name");
//! let new = document("20240201", "nickname");
//! let report = diff_documents(&old, &new, &discogen::Rules::default()).unwrap();
//! assert_eq!(report.count(Severity::Breaking), 1); // `Pet.name` is gone
//! assert_eq!(report.bump(), Bump::Major);
//! assert_eq!(Version::new(0, 3, 1).bump(report.bump()), Version::new(0, 4, 0));
//! println!("{}", report.summary());
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use crate::ir::*;
use crate::model::{
    Call, Crate, Layout, MethodItem, Package, ResourceModule, RustType, ScopeConst, StandardParams,
};
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
    /// An OAuth scope constant.
    Scope,
    /// A field of `StandardParameters` (the global query parameters).
    StandardParameter,
    /// A resource: its module, handle and accessor.
    Resource,
    /// A method: its constructor and builder.
    Method,
    /// A method's parameter: a constructor argument or a setter.
    Parameter,
    /// A struct, enum or alias.
    Type,
    /// A struct field.
    Field,
    /// An enum variant.
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
    /// Whether it breaks code that uses the item.
    pub severity: Severity,
    /// The kind of item.
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
    /// Nothing in the Rust API changed but docs.
    Patch,
    /// Compatible additions.
    Minor,
    /// Breaking changes.
    Major,
}

/// The changes between two revisions of one API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// e.g. `Cloud Monitoring API (v1)`.
    pub title: String,
    /// The old document's revision.
    pub old_revision: Option<String>,
    /// The new document's revision.
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
    /// How many changes have this severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.changes
            .iter()
            .filter(|c| c.severity == severity)
            .count()
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
    /// MAJOR.
    pub major: u64,
    /// MINOR.
    pub minor: u64,
    /// PATCH.
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

    /// `major.minor.patch`.
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

/// Prepares two documents by the crate's `rules` (as [`generate`](crate::generate) prepares the one it
/// generates) and compares them: the report speaks of the types the crate has, and descriptions carried
/// from an older revision are the same on both sides, so carrying them is no change.
pub fn diff_documents(old: &str, new: &str, rules: &crate::Rules) -> Result<Report, Error> {
    let old = crate::prepare_older(old, rules)
        .map_err(|e| Error::new(e.path, format!("old document: {}", e.message)))?;
    let new = crate::prepare(new, rules)
        .map_err(|e| Error::new(e.path, format!("new document: {}", e.message)))?;
    Ok(diff(&old, &new))
}

/// Compares two resolved revisions of an API, as the crates generated from them.
pub(crate) fn diff(old: &Api, new: &Api) -> Report {
    // The crate's name and endpoint overrides are not part of what changed between revisions.
    let old = crate::lower::lower(old, Package::default(), Layout::Crate);
    let new = crate::lower::lower(new, Package::default(), Layout::Crate);
    diff_crates(&old, &new)
}

/// Compares the public surfaces of two crate models.
pub(crate) fn diff_crates(old: &Crate<'_>, new: &Crate<'_>) -> Report {
    let mut differ = Differ {
        old,
        new,
        changes: Vec::new(),
    };
    differ.crate_level();
    differ.cargo_features();
    differ.standard_parameters();
    differ.types();
    differ.resource(&old.resources, &new.resources, &[], &[]);
    let (old, new) = (old.api, new.api);
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
    old: &'a Crate<'a>,
    new: &'a Crate<'a>,
    changes: Vec<Change>,
}

fn types_by_path(api: &Api) -> BTreeMap<String, &TypeDef> {
    (0..api.types.len())
        .map(|i| {
            (
                RustType::named(api, TypeId(i)).to_string(),
                api.ty(TypeId(i)),
            )
        })
        .collect()
}

/// Module paths of every resource of an API.
fn resource_modules(resource: &Resource, out: &mut BTreeSet<Vec<String>>) {
    out.insert(resource.module.clone());
    for child in &resource.resources {
        resource_modules(child, out);
    }
}

fn children_by_wire<'m, 'a>(
    module: &'m ResourceModule<'a>,
) -> BTreeMap<&'a str, &'m ResourceModule<'a>> {
    module
        .children
        .iter()
        .map(|r| (r.resource.wire_name.as_str(), r))
        .collect()
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

/// An item both revisions key by wire name, whose Rust name may stay when the wire name changes.
trait Named {
    fn wire_name(&self) -> &str;
    fn rust_name(&self) -> &str;
}

impl Named for Field {
    fn wire_name(&self) -> &str {
        &self.wire_name
    }
    fn rust_name(&self) -> &str {
        &self.rust_name
    }
}

impl Named for Variant {
    fn wire_name(&self) -> &str {
        &self.wire_name
    }
    fn rust_name(&self) -> &str {
        &self.rust_name
    }
}

impl Named for Param {
    fn wire_name(&self) -> &str {
        &self.wire_name
    }
    fn rust_name(&self) -> &str {
        &self.rust_name
    }
}

impl Named for MethodItem<'_> {
    fn wire_name(&self) -> &str {
        &self.method.wire_name
    }
    fn rust_name(&self) -> &str {
        &self.method.fn_name
    }
}

fn by_wire<T: Named>(items: &[T]) -> BTreeMap<&str, &T> {
    items.iter().map(|t| (t.wire_name(), t)).collect()
}

/// What the report says about one kind of [`Named`] item: [`Differ::keyed`] pairs the two revisions'
/// items and reports wire renames; these say the rest.
struct Keyed<'k, T> {
    kind: ItemKind,
    /// The item as the report names it.
    label: &'k dyn Fn(&T) -> String,
    /// The detail of a removal, always breaking.
    removed: &'k dyn Fn(&T) -> String,
    added: &'k dyn Fn(&T) -> (Severity, String),
    /// Reports what changed in an item both revisions have, under its label.
    kept: &'k dyn Fn(&mut Differ, &str, &T, &T),
}

impl<'a> Differ<'a> {
    fn push(
        &mut self,
        severity: Severity,
        kind: ItemKind,
        item: impl Into<String>,
        detail: impl Into<String>,
    ) {
        self.changes.push(Change {
            severity,
            kind,
            item: item.into(),
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

    /// Pairs the items of one kind by wire name (and by Rust name where only the wire name changed), and
    /// reports each as `rules` says.
    fn keyed<T: Named>(&mut self, old: &[T], new: &[T], rules: Keyed<'_, T>) {
        let (before, after) = (by_wire(old), by_wire(new));
        let renames = wire_renames(&before, &after, T::rust_name);
        for (wire, a) in &before {
            let b = match (after.get(wire), renames.get(wire)) {
                (Some(b), _) => *b,
                (None, Some(new_wire)) => {
                    let b = after[new_wire];
                    self.wire_renamed(rules.kind, (rules.label)(b), wire, new_wire);
                    b
                }
                (None, None) => {
                    let detail = (rules.removed)(a);
                    self.push(Severity::Breaking, rules.kind, (rules.label)(a), detail);
                    continue;
                }
            };
            (rules.kept)(self, &(rules.label)(b), a, b);
        }
        for (wire, b) in &after {
            if !before.contains_key(wire) && !renames.values().any(|w| w == wire) {
                let (severity, detail) = (rules.added)(b);
                self.push(severity, rules.kind, (rules.label)(b), detail);
            }
        }
    }

    fn renamed(&mut self, kind: ItemKind, item: &str, old: &str, new: &str) {
        if old != new {
            let detail = format!("renamed from `{old}`");
            self.push(Severity::Breaking, kind, item, detail);
        }
    }

    /// A type written differently: breaking. Compared as text, as the report shows it.
    fn retyped(&mut self, kind: ItemKind, item: &str, what: &str, old: RustType, new: RustType) {
        let (old, new) = (old.to_string(), new.to_string());
        if old != new {
            let detail = format!("{what} `{old}` → `{new}`");
            self.push(Severity::Breaking, kind, item, detail);
        }
    }

    /// `old` and `new` are what goes into the item's rustdoc.
    fn redocumented<T: PartialEq>(&mut self, kind: ItemKind, item: &str, old: T, new: T) {
        if old != new {
            self.push(Severity::Docs, kind, item, "description changed");
        }
    }

    fn deprecation(&mut self, kind: ItemKind, item: &str, old: bool, new: bool) {
        if old != new {
            let detail = if new {
                "now deprecated"
            } else {
                "no longer deprecated"
            };
            self.push(Severity::Compatible, kind, item, detail);
        }
    }

    fn crate_level(&mut self) {
        let (old, new) = (self.old.api, self.new.api);
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
                "crate documentation",
                "changed",
            );
        }
        if old.base_url != new.base_url {
            self.push(
                Severity::Compatible,
                ItemKind::Crate,
                "constant `Client::DEFAULT_BASE_URL`",
                format!("`{}` → `{}`", old.base_url, new.base_url),
            );
        }
        let mtls = "constant `Client::MTLS_BASE_URL`";
        match (&old.mtls_base_url, &new.mtls_base_url) {
            (Some(_), None) => self.push(Severity::Breaking, ItemKind::Crate, mtls, "removed"),
            (None, Some(url)) => self.push(
                Severity::Compatible,
                ItemKind::Crate,
                mtls,
                format!("added (`{url}`)"),
            ),
            (Some(a), Some(b)) if a != b => self.push(
                Severity::Compatible,
                ItemKind::Crate,
                mtls,
                format!("`{a}` → `{b}`"),
            ),
            _ => {}
        }
        self.regional_base_urls();
        self.operations();
        self.scopes();
        self.method_consts();
    }

    fn regional_base_urls(&mut self) {
        let endpoints = |api: &Api| -> BTreeMap<String, String> {
            api.endpoints
                .iter()
                .map(|e| (e.location.clone(), e.url.clone()))
                .collect()
        };
        let (before, after) = (endpoints(self.old.api), endpoints(self.new.api));
        let item = "constant `Client::REGIONAL_BASE_URLS`";
        if !before.is_empty() && after.is_empty() {
            self.push(Severity::Breaking, ItemKind::Crate, item, "removed");
        } else if before != after {
            let missing_from = |these: &BTreeMap<String, String>,
                                those: &BTreeMap<String, String>| {
                these
                    .keys()
                    .filter(|k| !those.contains_key(*k))
                    .cloned()
                    .collect::<Vec<_>>()
            };
            let (added, removed) = (missing_from(&after, &before), missing_from(&before, &after));
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
                item,
                parts.join("; "),
            );
        }
    }

    /// Long-running-operation support, as the crate recognises it.
    fn operations(&mut self) {
        let item = "long-running operations (`Client::operation`, `OperationsApi`)";
        match (&self.old.api.lro, &self.new.api.lro) {
            (Some(_), None) => self.push(
                Severity::Breaking,
                ItemKind::Crate,
                item,
                "no longer recognised: removed",
            ),
            (None, Some(_)) => self.push(Severity::Compatible, ItemKind::Crate, item, "added"),
            _ => {}
        }
    }

    /// Scopes by URL; a scope whose constant in `scopes` is renamed is a breaking change too.
    fn scopes(&mut self) {
        let by_url = |model: &'a Crate<'a>| -> BTreeMap<&'a str, &'a ScopeConst> {
            model.scopes.iter().map(|s| (s.url.as_str(), s)).collect()
        };
        let (before, after) = (by_url(self.old), by_url(self.new));
        for (url, old) in &before {
            let item = format!("scope `{url}`");
            match after.get(url) {
                None => self.push(Severity::Breaking, ItemKind::Scope, item, "removed"),
                Some(new) if new.name != old.name => self.push(
                    Severity::Breaking,
                    ItemKind::Scope,
                    item,
                    format!(
                        "constant renamed: `scopes::{}` → `scopes::{}`",
                        old.name, new.name
                    ),
                ),
                Some(new) => self.redocumented(ItemKind::Scope, &item, &old.doc, &new.doc),
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

    /// The `methods` module's constants (feature `testing`), by method id: one renamed breaks the tests
    /// that name it. Methods added or removed, or whose result changed, are reported as methods.
    fn method_consts(&mut self) {
        // By id, the first constant of each: a document may repeat an id.
        let by_id = |model: &'a Crate<'a>| -> BTreeMap<&'a str, &'a str> {
            let mut consts = BTreeMap::new();
            for c in model.methods.iter().flat_map(|m| &m.items) {
                consts.entry(c.id.as_str()).or_insert(c.name.as_str());
            }
            consts
        };
        let (before, after) = (by_id(self.old), by_id(self.new));
        for (id, old) in &before {
            if let Some(new) = after.get(id).filter(|new| *new != old) {
                self.push(
                    Severity::Breaking,
                    ItemKind::Method,
                    format!("method `{id}`"),
                    format!("constant renamed: `methods::{old}` → `methods::{new}`"),
                );
            }
        }
    }

    /// Cargo features, while the crate has some on both sides (a crate with too few families has none,
    /// and that follows its resources): one removed breaks a crate that names it in `features`, unless
    /// its resources went too (reported with them).
    fn cargo_features(&mut self) {
        let (old, new) = (self.old, self.new);
        if old.features.is_empty() || new.features.is_empty() {
            return;
        }
        let names = |model: &Crate<'_>| -> BTreeMap<String, String> {
            model
                .features
                .iter()
                .map(|f| (f.name.clone(), f.summary()))
                .collect()
        };
        let (before, after) = (names(old), names(new));
        let wire_paths = wire_paths(new);
        for feature in old.features.iter().filter(|f| !after.contains_key(&f.name)) {
            let kept = feature.resources.iter().any(|r| wire_paths.contains(r));
            if kept || feature.is_unreached_schemas() {
                let item = format!("cargo feature `{}`", feature.name);
                self.push(Severity::Breaking, ItemKind::Crate, item, "removed");
            }
        }
        for (name, summary) in after.iter().filter(|(name, _)| !before.contains_key(*name)) {
            let item = format!("cargo feature `{name}`");
            let detail = format!("added (on by default): {summary}");
            self.push(Severity::Compatible, ItemKind::Crate, item, detail);
        }
    }

    fn standard_parameters(&mut self) {
        self.shared_standard_items();
        let item = |p: &Param| format!("standard parameter `StandardParameters::{}`", p.rust_name);
        self.optional_params(
            &self.old.api.global_params,
            &self.new.api.global_params,
            ItemKind::StandardParameter,
            &item,
        );
    }

    /// `StandardParameters` and its enums are the runtime's shared items when the global parameters are the
    /// standard ones, else the crate's own. Switching replaces each by another item under the same name
    /// (an impl written for both crates' `Alt` now conflicts): breaking, even with the same methods.
    fn shared_standard_items(&mut self) {
        let (old, new) = (self.old.api, self.new.api);
        let shared =
            |model: &Crate<'_>| matches!(model.standard_params, StandardParams::Runtime { .. });
        if shared(self.old) == shared(self.new) {
            return;
        }
        let detail = |kind: &str| {
            if shared(self.new) {
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
        label: &dyn Fn(&Param) -> String,
    ) {
        let (old_api, new_api) = (self.old.api, self.new.api);
        let kept = |d: &mut Differ, item: &str, a: &Param, b: &Param| {
            d.renamed(kind, item, &a.rust_name, &b.rust_name);
            let (ta, tb) = (RustType::param(old_api, a), RustType::param(new_api, b));
            d.retyped(kind, item, "type", ta, tb);
            d.redocumented(kind, item, (&a.doc, a.deprecated), (&b.doc, b.deprecated));
        };
        let added = |p: &Param| {
            let detail = format!(
                "added (`{}`, `{}`)",
                p.wire_name,
                RustType::param(new_api, p)
            );
            (Severity::Compatible, detail)
        };
        let rules = Keyed {
            kind,
            label,
            removed: &|p| format!("removed (`{}`)", p.wire_name),
            added: &added,
            kept: &kept,
        };
        self.keyed(old, new, rules);
    }

    fn types(&mut self) {
        let (old, new) = (self.old.api, self.new.api);
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
            def.module
                .first()
                .is_some_and(|m| m == crate::ir::root_items::RESOURCES)
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
            self.type_changes(path, a, b);
        }
        for (path, b) in &after {
            if !before.contains_key(path) && !follows_owner(b, &old_schemas, &old_modules) {
                let detail = added_type(new, b);
                self.push(
                    Severity::Compatible,
                    ItemKind::Type,
                    format!("type `{path}`"),
                    detail,
                );
            }
        }
    }

    fn type_changes(&mut self, path: &str, a: &TypeDef, b: &TypeDef) {
        let item = format!("type `{path}`");
        self.redocumented(ItemKind::Type, &item, &a.doc, &b.doc);
        match (&a.kind, &b.kind) {
            (TypeKind::Struct(sa), TypeKind::Struct(sb)) => self.fields(path, sa, sb),
            (TypeKind::Enum(ea), TypeKind::Enum(eb)) => self.variants(path, ea, eb),
            (TypeKind::Alias(ta), TypeKind::Alias(tb)) => {
                let (ta, tb) = (
                    RustType::of(self.old.api, ta),
                    RustType::of(self.new.api, tb),
                );
                self.retyped(ItemKind::Type, &item, "alias of", ta, tb);
            }
            (ka, kb) => self.push(
                Severity::Breaking,
                ItemKind::Type,
                item,
                format!("was {}, now {}", ka.article_name(), kb.article_name()),
            ),
        }
    }

    fn fields(&mut self, owner: &str, a: &Struct, b: &Struct) {
        let (old, new) = (self.old.api, self.new.api);
        let kept = |d: &mut Differ, item: &str, fa: &Field, fb: &Field| {
            d.renamed(ItemKind::Field, item, &fa.rust_name, &fb.rust_name);
            let (ta, tb) = (RustType::field(old, fa), RustType::field(new, fb));
            d.retyped(ItemKind::Field, item, "type", ta, tb);
            d.redocumented(
                ItemKind::Field,
                item,
                (&fa.doc, fa.deprecated, fa.read_only),
                (&fb.doc, fb.deprecated, fb.read_only),
            );
        };
        let added = |f: &Field| {
            let detail = format!("added (`{}`)", RustType::field(new, f));
            (Severity::Compatible, detail)
        };
        let rules = Keyed {
            kind: ItemKind::Field,
            label: &|f: &Field| format!("field `{owner}.{}`", f.rust_name),
            removed: &|_| "removed".to_owned(),
            added: &added,
            kept: &kept,
        };
        self.keyed(&a.fields, &b.fields, rules);
        self.additional_properties(owner, a, b);
    }

    /// The map field that holds a struct's `additionalProperties`.
    fn additional_properties(&mut self, owner: &str, a: &Struct, b: &Struct) {
        let (old, new) = (self.old.api, self.new.api);
        let item = |name: &str| format!("field `{owner}.{name}`");
        let map = |api: &Api, ty: &TypeRef| RustType::Map(Box::new(RustType::of(api, ty)));
        match (&a.additional, &b.additional) {
            (Some((name, _)), None) => {
                self.push(Severity::Breaking, ItemKind::Field, item(name), "removed")
            }
            (None, Some((name, ty))) => self.push(
                Severity::Compatible,
                ItemKind::Field,
                item(name),
                format!("added (`{}`)", map(new, ty)),
            ),
            (Some((na, ta)), Some((nb, tb))) => {
                let item = item(nb);
                self.renamed(ItemKind::Field, &item, na, nb);
                self.retyped(ItemKind::Field, &item, "type", map(old, ta), map(new, tb));
            }
            (None, None) => {}
        }
    }

    fn variants(&mut self, owner: &str, a: &Enum, b: &Enum) {
        let item = |v: &str| format!("enum value `{owner}::{v}`");
        let unknown = item(&b.unknown_variant);
        self.renamed(
            ItemKind::EnumValue,
            &unknown,
            &a.unknown_variant,
            &b.unknown_variant,
        );
        let kept = |d: &mut Differ, item: &str, va: &Variant, vb: &Variant| {
            if va.rust_name != vb.rust_name {
                let detail = format!("renamed from `{}` (`{}`)", va.rust_name, va.wire_name);
                d.push(Severity::Breaking, ItemKind::EnumValue, item, detail);
            }
            d.redocumented(
                ItemKind::EnumValue,
                item,
                (&va.doc, va.deprecated),
                (&vb.doc, vb.deprecated),
            );
        };
        let rules = Keyed {
            kind: ItemKind::EnumValue,
            label: &|v: &Variant| item(&v.rust_name),
            removed: &|v| format!("removed (`{}`)", v.wire_name),
            added: &|v| (Severity::Compatible, format!("added (`{}`)", v.wire_name)),
            kept: &kept,
        };
        self.keyed(&a.variants, &b.variants, rules);
    }

    /// Compares two resources that have the same wire path. `wire` and `chain` are the parents' wire names
    /// and accessor calls (`["projects"]`, `["projects()"]`); empty for the client itself.
    fn resource(
        &mut self,
        a: &ResourceModule<'_>,
        b: &ResourceModule<'_>,
        wire: &[&str],
        chain: &[String],
    ) {
        let (a, b) = (a, b);
        if !wire.is_empty() {
            let (a, b) = (a.resource, b.resource);
            let item = resource_label(wire, chain);
            if a.accessor != b.accessor || a.handle != b.handle {
                self.push(
                    Severity::Breaking,
                    ItemKind::Resource,
                    &item,
                    format!("renamed from `{}()` (`{}`)", a.accessor, a.handle),
                );
            }
            self.deprecation(ItemKind::Resource, &item, a.deprecated, b.deprecated);
        }
        self.methods(a, b, wire, chain);
        self.child_resources(a, b, wire, chain);
    }

    fn methods(
        &mut self,
        a: &ResourceModule<'_>,
        b: &ResourceModule<'_>,
        wire: &[&str],
        chain: &[String],
    ) {
        let kept = |d: &mut Differ, _: &str, ma: &MethodItem, mb: &MethodItem| {
            d.method(ma, mb, wire, chain)
        };
        let rules = Keyed {
            kind: ItemKind::Method,
            label: &|m: &MethodItem| {
                method_label(wire, chain, &m.method.wire_name, &m.method.fn_name)
            },
            removed: &|_| "removed".to_owned(),
            added: &|_| (Severity::Compatible, "added".to_owned()),
            kept: &kept,
        };
        self.keyed(&a.methods, &b.methods, rules);
    }

    /// Sub-resources by wire name; one that goes or comes is reported whole, with its method count.
    fn child_resources(
        &mut self,
        a: &ResourceModule<'_>,
        b: &ResourceModule<'_>,
        wire: &[&str],
        chain: &[String],
    ) {
        let (before, after) = (children_by_wire(a), children_by_wire(b));
        for (name, ra) in &before {
            match after.get(name) {
                Some(rb) => {
                    let (wire, chain) = child_path(wire, chain, rb.resource);
                    self.resource(ra, rb, &wire, &chain);
                }
                None => {
                    let (wire, chain) = child_path(wire, chain, ra.resource);
                    self.push(
                        Severity::Breaking,
                        ItemKind::Resource,
                        resource_label(&wire, &chain),
                        format!(
                            "removed, with {}",
                            plural(method_count(ra.resource), "method", "methods")
                        ),
                    );
                }
            }
        }
        for (_, rb) in after.iter().filter(|(name, _)| !before.contains_key(*name)) {
            let (wire, chain) = child_path(wire, chain, rb.resource);
            self.push(
                Severity::Compatible,
                ItemKind::Resource,
                resource_label(&wire, &chain),
                format!(
                    "added, with {}",
                    plural(method_count(rb.resource), "method", "methods")
                ),
            );
        }
    }

    fn method(&mut self, a: &MethodItem, b: &MethodItem, wire: &[&str], chain: &[String]) {
        self.calls(
            a,
            b,
            &method_label(wire, chain, &b.method.wire_name, &b.method.fn_name),
        );
        let (a, b) = (a.method, b.method);
        let item = method_label(wire, chain, &b.wire_name, &b.fn_name);
        let kind = ItemKind::Method;
        if a.fn_name != b.fn_name || a.builder != b.builder {
            let detail = format!("renamed from `{}()` (builder `{}`)", a.fn_name, a.builder);
            self.push(Severity::Breaking, kind, &item, detail);
        }
        let handle: String = chain.iter().map(|c| format!("{c}.")).collect();
        self.method_params(a, b, &format!("{handle}{}()", b.fn_name));
        self.argument_order(a, b, &item);
        self.payloads(a, b, &item);
        self.deprecation(kind, &item, a.deprecated, b.deprecated);
        let (http_a, http_b) = (a.request_line(), b.request_line());
        if http_a != http_b {
            let detail = format!("request `{http_a}` → `{http_b}`");
            self.push(Severity::Compatible, kind, &item, detail);
        }
        if a.api_version != b.api_version {
            let detail = format!(
                "API version header `{}` → `{}`",
                a.api_version.as_deref().unwrap_or("none"),
                b.api_version.as_deref().unwrap_or("none")
            );
            self.push(Severity::Compatible, kind, &item, detail);
        }
        self.redocumented(
            kind,
            &item,
            (&a.doc, &a.scopes, &a.unsupported),
            (&b.doc, &b.scopes, &b.unsupported),
        );
    }

    /// A method's parameters: the required ones are constructor arguments, the others setters.
    fn method_params(&mut self, a: &Method, b: &Method, call: &str) {
        let (old, new) = (self.old.api, self.new.api);
        let kind = ItemKind::Parameter;
        let kept = |d: &mut Differ, item: &str, pa: &Param, pb: &Param| {
            let moved = match (pa.required, pb.required) {
                (false, true) => {
                    Some("now required: a constructor argument instead of a setter".to_owned())
                }
                (true, false) => {
                    Some("now optional: a setter instead of a constructor argument".to_owned())
                }
                (false, false) if pa.rust_name != pb.rust_name => {
                    Some(format!("setter renamed from `.{}()`", pa.rust_name))
                }
                // A constructor argument's name is not part of the API.
                _ => None,
            };
            if let Some(detail) = moved {
                d.push(Severity::Breaking, kind, item, detail);
            }
            let (ta, tb) = (RustType::param(old, pa), RustType::param(new, pb));
            d.retyped(kind, item, "type", ta, tb);
            d.redocumented(
                kind,
                item,
                (&pa.doc, pa.deprecated),
                (&pb.doc, pb.deprecated),
            );
        };
        let removed = |p: &Param| {
            if p.required {
                "removed (it was a constructor argument)".to_owned()
            } else {
                format!("removed (setter `.{}()`)", p.rust_name)
            }
        };
        let added = |p: &Param| {
            let ty = RustType::param(new, p);
            if p.required {
                let detail =
                    format!("added as a required parameter: a new constructor argument (`{ty}`)");
                (Severity::Breaking, detail)
            } else {
                let detail = format!("added (setter `.{}()`, `{ty}`)", p.rust_name);
                (Severity::Compatible, detail)
            }
        };
        let rules = Keyed {
            kind,
            label: &|p: &Param| format!("parameter `{}` of `{call}`", p.rust_name),
            removed: &removed,
            added: &added,
            kept: &kept,
        };
        self.keyed(&a.params, &b.params, rules);
    }

    /// The required parameters both revisions have, passed to the constructor in another order.
    fn argument_order(&mut self, a: &Method, b: &Method, item: &str) {
        let required = |m: &Method| -> Vec<String> {
            m.required_params().map(|p| p.wire_name.clone()).collect()
        };
        let (req_a, req_b) = (required(a), required(b));
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
            let detail = format!(
                "constructor arguments reordered: ({}) → ({})",
                names(&kept_a, a),
                names(&kept_b, b)
            );
            self.push(Severity::Breaking, ItemKind::Method, item, detail);
        }
    }

    /// The request body (a constructor argument) and the response.
    fn payloads(&mut self, a: &Method, b: &Method, item: &str) {
        let (old, new) = (self.old.api, self.new.api);
        let kind = ItemKind::Method;
        match (&a.request, &b.request) {
            (None, Some(body)) => self.push(
                Severity::Breaking,
                kind,
                item,
                format!(
                    "now takes a request body: a new constructor argument (`{}`)",
                    RustType::of(new, &body.ty)
                ),
            ),
            (Some(_), None) => self.push(
                Severity::Breaking,
                kind,
                item,
                "no longer takes a request body (one constructor argument fewer)",
            ),
            (Some(ba), Some(bb)) => {
                let (ta, tb) = (RustType::of(old, &ba.ty), RustType::of(new, &bb.ty));
                self.retyped(kind, item, "request body", ta, tb);
            }
            (None, None) => {}
        }
        let ra = RustType::response(old, a.response.as_ref());
        let rb = RustType::response(new, b.response.as_ref());
        self.retyped(kind, item, "response", ra, rb);
    }

    /// The calls a builder offers besides `send()`: one gone breaks code, one new does not.
    /// What the builders offer besides `send()`: `pages()`, `start()`, uploads, `download()`.
    fn calls(&mut self, a: &MethodItem, b: &MethodItem, item: &str) {
        let kinds = |model: &Crate<'_>, m: &MethodItem| -> BTreeSet<CallKind> {
            model.builders[m.builder.0]
                .calls
                .iter()
                .map(CallKind::of)
                .collect()
        };
        let (before, after) = (kinds(self.old, a), kinds(self.new, b));
        for kind in before.difference(&after) {
            self.push(Severity::Breaking, ItemKind::Method, item, kind.removed());
        }
        for kind in after.difference(&before) {
            self.push(Severity::Compatible, ItemKind::Method, item, kind.added());
        }
    }
}

/// The wire path of every resource of a crate.
fn wire_paths(model: &Crate<'_>) -> BTreeSet<String> {
    fn walk(resource: &Resource, out: &mut BTreeSet<String>) {
        out.insert(resource.wire_path.clone());
        resource.resources.iter().for_each(|child| walk(child, out));
    }
    let mut out = BTreeSet::new();
    walk(&model.api.root, &mut out);
    out
}

/// The calls a change report speaks of: the two uploads are one, media upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum CallKind {
    Pages,
    Start,
    Upload,
    Download,
}

impl CallKind {
    fn of(call: &Call) -> CallKind {
        match call {
            Call::Pages { .. } => CallKind::Pages,
            Call::Start(_) => CallKind::Start,
            Call::Upload(_) | Call::UploadResumable(_) => CallKind::Upload,
            Call::Download => CallKind::Download,
        }
    }

    fn removed(self) -> &'static str {
        match self {
            CallKind::Pages => "`pages()` and `items()` removed (no longer pages)",
            CallKind::Start => "`start()` removed (no longer returns an operation)",
            CallKind::Upload => "media upload removed",
            CallKind::Download => "media download removed",
        }
    }

    fn added(self) -> &'static str {
        match self {
            CallKind::Pages => "now pages: `pages()` and `items()` added",
            CallKind::Start => "now returns an operation: `start()` added",
            CallKind::Upload => "media upload added",
            CallKind::Download => "media download added",
        }
    }
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

fn resource_label(wire: &[&str], chain: &[String]) -> String {
    format!("resource `{}` (`{}`)", wire.join("."), chain.join("."))
}

/// The wire path and accessor chain of a child resource.
fn child_path<'w>(
    wire: &[&'w str],
    chain: &[String],
    child: &'w Resource,
) -> (Vec<&'w str>, Vec<String>) {
    let mut wire = wire.to_vec();
    wire.push(&child.wire_name);
    let mut chain = chain.to_vec();
    chain.push(format!("{}()", child.accessor));
    (wire, chain)
}

/// An added type's kind and size.
fn added_type(api: &Api, def: &TypeDef) -> String {
    match &def.kind {
        TypeKind::Struct(s) => format!(
            "added (a struct, {})",
            plural(s.fields.len(), "field", "fields")
        ),
        TypeKind::Enum(e) => format!(
            "added (an enum, {})",
            plural(e.variants.len(), "value", "values")
        ),
        TypeKind::Alias(t) => format!("added (alias of `{}`)", RustType::of(api, t)),
    }
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
