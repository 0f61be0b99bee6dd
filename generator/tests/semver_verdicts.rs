//! The change report agrees with cargo-semver-checks, item by item. `bench/semver.sh` ran cargo-semver-checks
//! on the crates of every real revision pair and recorded, in `tests/fixtures-revisions/semver-verdicts.txt`,
//! its verdict at the version our report computes and each item it finds breaking at a patch bump. This
//! test recomputes our report and requires:
//!
//! - our version is the one that was judged, and cargo-semver-checks accepted it;
//! - every item cargo-semver-checks finds breaking belongs to a breaking change of ours;
//! - the breaking changes of ours that it does not see are exactly the wire-only ones (no Rust item
//!   changes, so no Rust-level checker can see them) and the changed types of fields, parameters, bodies
//!   and responses (cargo-semver-checks 0.51 has no lint for a changed type);
//! - the agreement table, `tests/fixtures-revisions/semver-agreement.txt`, is what this computes now.
//!
//! So a change of classification fails here until the script has judged it again. The script writes the
//! table by running this test with `SEMVER_AGREEMENT=write`.

use discogen::diff::{diff_documents, Change, Report, Severity, Version};
use discogen::Rules;
use heck::ToUpperCamelCase;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures-revisions");

/// What cargo-semver-checks said about one pair.
struct Verdict {
    /// `monitoring.v1 20230913→20241003`
    pair: String,
    version: String,
    accepted: bool,
    /// (lint, item) it finds breaking at a patch bump.
    items: Vec<(String, String)>,
}

fn recorded(text: &str) -> Vec<Verdict> {
    let mut verdicts: Vec<Verdict> = Vec::new();
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let cells: Vec<&str> = line.splitn(4, " | ").collect();
        match cells.as_slice() {
            ["verdict", pair, version, verdict] => verdicts.push(Verdict {
                pair: (*pair).to_owned(),
                version: (*version).to_owned(),
                accepted: *verdict == "pass",
                items: Vec::new(),
            }),
            ["item", pair, lint, item] => {
                let verdict = verdicts
                    .iter_mut()
                    .find(|v| v.pair == *pair)
                    .unwrap_or_else(|| panic!("item before its verdict: {line}"));
                verdict.items.push(((*lint).to_owned(), (*item).to_owned()));
            }
            _ => panic!("unreadable line in semver-verdicts.txt: {line}"),
        }
    }
    verdicts
}

fn report_for(pair: &str) -> Report {
    let (api, revisions) = pair.split_once(' ').unwrap();
    let (old, new) = revisions.split_once('→').unwrap();
    let read =
        |revision: &str| std::fs::read_to_string(format!("{DIR}/{api}.{revision}.json")).unwrap();
    diff_documents(&read(old), &read(new), &Rules::default()).unwrap()
}

/// The Rust item a change of ours is about, read from its label.
#[derive(Debug)]
enum Subject {
    /// A type's name (without its module).
    Type(String),
    /// Type and field.
    Field(String, String),
    /// Enum and variant.
    Variant(String, String),
    /// The accessor chain of a resource (`["projects", "apps"]`).
    Resource(Vec<String>),
    /// A method: its resource's accessor chain and its name.
    Method(Vec<String>, String),
    /// A parameter: the method's chain, the method and the parameter's Rust name.
    Parameter(Vec<String>, String, String),
    StandardParameter(String),
    /// Scopes and constants.
    Other,
}

/// The backticked names of a label, in order.
fn ticks(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

fn chain(call: &str) -> Vec<String> {
    call.split('.')
        .map(|c| c.trim_end_matches("()").to_owned())
        .filter(|c| !c.is_empty())
        .collect()
}

fn subject(change: &Change) -> Subject {
    let names = ticks(&change.item);
    let last = |path: &str| path.rsplit("::").next().unwrap_or(path).to_owned();
    if change.item.starts_with("type ") {
        Subject::Type(last(names[0]))
    } else if change.item.starts_with("field ") {
        let (ty, field) = names[0].split_once('.').unwrap();
        Subject::Field(last(ty), field.to_owned())
    } else if change.item.starts_with("enum value ") {
        let (ty, variant) = names[0].rsplit_once("::").unwrap();
        Subject::Variant(last(ty), variant.to_owned())
    } else if change.item.starts_with("resource ") {
        Subject::Resource(chain(names[1]))
    } else if change.item.starts_with("method ") {
        let mut calls = chain(names[1]);
        let method = calls.pop().unwrap();
        Subject::Method(calls, method)
    } else if change.item.starts_with("parameter ") {
        let mut calls = chain(names[1]);
        let method = calls.pop().unwrap();
        Subject::Parameter(calls, method, names[0].to_owned())
    } else if change.item.starts_with("standard parameter ") {
        Subject::StandardParameter(last(names[0]))
    } else {
        Subject::Other
    }
}

/// The module path and name of a cargo-semver-checks item path (`crate::resources::a::Handle`), the crate's
/// name dropped.
fn split_path(path: &str) -> (Vec<&str>, &str) {
    let mut segments: Vec<&str> = path.split("::").skip(1).collect();
    let name = segments.pop().unwrap_or_default();
    (segments, name)
}

fn resource_module(calls: &[String]) -> Vec<String> {
    std::iter::once("resources".to_owned())
        .chain(calls.iter().cloned())
        .collect()
}

/// Whether the breaking change `change` of ours accounts for cargo-semver-checks' `item` under `lint`.
/// Types a removed schema or resource took with it (inline enums, builders) belong to that removal.
fn accounts_for(change: &Change, lint: &str, item: &str) -> bool {
    // The type itself, or (when it was removed) a type made for one of its fields, named after it.
    let within_type =
        |ty: &str, owner: &str| ty == owner || change.detail == "removed" && ty.starts_with(owner);
    let within_resource = |module: &[&str], calls: &[String]| {
        let prefix = resource_module(calls);
        module.len() >= prefix.len() && module[..prefix.len()] == prefix[..]
    };
    let subject = subject(change);
    match lint {
        "struct_missing" | "enum_missing" | "module_missing" | "trait_missing" => {
            let path = item.split_once(' ').map_or(item, |(_, p)| p);
            let (module, name) = split_path(path);
            match &subject {
                Subject::Type(owner) => lint != "module_missing" && within_type(name, owner),
                Subject::Resource(calls) => {
                    let mut full = module.clone();
                    if lint == "module_missing" {
                        full.push(name);
                    }
                    within_resource(&full, calls)
                }
                // A method of the trait it finds missing as a whole.
                Subject::StandardParameter(_) => {
                    lint == "trait_missing" && name == "StandardParameters"
                }
                // A removed method's builder.
                Subject::Method(calls, m) => {
                    lint == "struct_missing"
                        && module == resource_module(calls)
                        && name == m.to_upper_camel_case()
                }
                _ => false,
            }
        }
        "struct_pub_field_missing" => {
            // `field F of struct T`
            let words: Vec<&str> = item.split(' ').collect();
            let (field, ty) = (words[1], words[4]);
            match &subject {
                Subject::Field(t, f) => t == ty && f == field,
                Subject::Type(owner) => within_type(ty, owner),
                _ => false,
            }
        }
        "enum_variant_missing" => {
            // `variant E::V`
            let (ty, variant) = item
                .trim_start_matches("variant ")
                .split_once("::")
                .unwrap();
            match &subject {
                Subject::Variant(t, v) => t == ty && v == variant,
                Subject::Type(owner) => within_type(ty, owner),
                _ => false,
            }
        }
        "inherent_method_missing" => {
            // `T::m`: a struct's `with_*` setter, a handle's accessor or method, a builder's setter.
            let (ty, method) = item.split_once("::").unwrap();
            match &subject {
                Subject::Field(t, f) => t == ty && method == format!("with_{f}"),
                Subject::Type(owner) => within_type(ty, owner),
                Subject::Resource(calls) => {
                    calls.last().is_some_and(|c| c == method)
                        && calls.len() >= 2
                        && calls[calls.len() - 2].to_upper_camel_case() == ty
                        || calls.len() == 1 && calls[0] == method && ty == "Client"
                }
                Subject::Method(calls, m) => {
                    m == method
                        && calls
                            .last()
                            .map_or(ty == "Client", |c| c.to_upper_camel_case() == ty)
                }
                Subject::Parameter(_, m, p) => p == method && m.to_upper_camel_case() == ty,
                _ => false,
            }
        }
        "method_parameter_count_changed" => {
            // `crate::resources::a::Handle::m takes N parameters in ..., but now takes M ...`
            let path = item.split(' ').next().unwrap();
            let (module, method) = split_path(path);
            let module = &module[..module.len().saturating_sub(1)];
            let constructor =
                |calls: &[String], m: &str| m == method && resource_module(calls) == module;
            match &subject {
                Subject::Parameter(calls, m, _) => {
                    constructor(calls, m) && change.detail.contains("constructor argument")
                }
                Subject::Method(calls, m) => {
                    constructor(calls, m) && change.detail.contains("request body")
                }
                _ => false,
            }
        }
        "trait_method_missing" => {
            // `method m of trait StandardParameters`
            let words: Vec<&str> = item.split(' ').collect();
            matches!(&subject, Subject::StandardParameter(p) if p == words[1] && words[4] == "StandardParameters")
        }
        _ => false,
    }
}

/// A breaking change of ours that cargo-semver-checks 0.51 has no lint for: a changed type (a field's,
/// a parameter's, a request body's, a response's, an alias's). Code that used the old type stops
/// compiling, but only the compiler sees it.
fn changed_type(change: &Change) -> bool {
    [
        "type `",
        "request body `",
        "response `",
        "alias of `",
        "was a",
        "was an",
    ]
    .iter()
    .any(|p| change.detail.starts_with(p))
}

struct Agreement {
    pair: String,
    version: String,
    accepted: bool,
    /// Items cargo-semver-checks finds breaking, and how many of them a breaking change of ours covers.
    found: usize,
    found_ours: usize,
    /// Our breaking changes it does not see: wire-only ones, changed types, others.
    unseen_wire_only: Vec<String>,
    unseen_types: Vec<String>,
    unseen_other: Vec<String>,
    /// Items no breaking change of ours accounts for.
    unmatched: Vec<String>,
}

fn agree(verdict: &Verdict, report: &Report) -> Agreement {
    let breaking: Vec<&Change> = report
        .changes
        .iter()
        .filter(|c| c.severity == Severity::Breaking)
        .collect();
    let mut seen = vec![false; breaking.len()];
    let mut unmatched = Vec::new();
    for (lint, item) in &verdict.items {
        let mut covered = false;
        for (i, change) in breaking.iter().enumerate() {
            if accounts_for(change, lint, item) {
                seen[i] = true;
                covered = true;
            }
        }
        if !covered {
            unmatched.push(format!("{lint}: {item}"));
        }
    }
    let unseen = breaking
        .iter()
        .zip(&seen)
        .filter(|(_, s)| !**s)
        .map(|(c, _)| *c);
    let (mut wire_only, mut types, mut other) = (Vec::new(), Vec::new(), Vec::new());
    for change in unseen {
        let list = if change.wire_only {
            &mut wire_only
        } else if changed_type(change) {
            &mut types
        } else {
            &mut other
        };
        list.push(change.to_string());
    }
    Agreement {
        pair: verdict.pair.clone(),
        version: verdict.version.clone(),
        accepted: verdict.accepted,
        found: verdict.items.len(),
        found_ours: verdict.items.len() - unmatched.len(),
        unseen_wire_only: wire_only,
        unseen_types: types,
        unseen_other: other,
        unmatched,
    }
}

fn table(agreements: &[Agreement]) -> String {
    let mut out = String::from(
        "# Written by bench/semver.sh (generator/tests/semver_verdicts.rs with SEMVER_AGREEMENT=write) from\n\
         # semver-verdicts.txt and the change reports.\n\
         # pair | our version | cargo-semver-checks at it | items it finds breaking at a patch bump | of them \
         breaking in ours | ours breaking it cannot see: wire-only, changed types\n",
    );
    for a in agreements {
        out.push_str(&format!(
            "{} | {} | {} | {} | {} | {}, {}\n",
            a.pair,
            a.version,
            if a.accepted { "pass" } else { "FAIL" },
            a.found,
            a.found_ours,
            a.unseen_wire_only.len(),
            a.unseen_types.len()
        ));
    }
    for a in agreements {
        for change in &a.unseen_wire_only {
            out.push_str(&format!("\n{} | unseen, wire-only | {change}", a.pair));
        }
        for change in &a.unseen_types {
            out.push_str(&format!("\n{} | unseen, changed type | {change}", a.pair));
        }
    }
    out.push('\n');
    out
}

#[test]
fn cargo_semver_checks_and_the_report_agree_on_every_real_pair() {
    let text = std::fs::read_to_string(format!("{DIR}/semver-verdicts.txt")).unwrap();
    let verdicts = recorded(&text);
    assert_eq!(verdicts.len(), 9, "one verdict per real pair");
    let reports: Vec<Report> = verdicts.iter().map(|v| report_for(&v.pair)).collect();
    let agreements: Vec<Agreement> = verdicts
        .iter()
        .zip(&reports)
        .map(|(verdict, report)| agree(verdict, report))
        .collect();
    let table = table(&agreements);
    let path = format!("{DIR}/semver-agreement.txt");
    // The script prints the table even when an assertion below fails.
    if std::env::var("SEMVER_AGREEMENT").as_deref() == Ok("write") {
        std::fs::write(&path, &table).unwrap();
    }
    for ((verdict, report), agreement) in verdicts.iter().zip(&reports).zip(&agreements) {
        let pair = &verdict.pair;
        let ours = Version::INITIAL.bump(report.bump());
        assert_eq!(
            ours.to_string(),
            verdict.version,
            "{pair}: our version changed since cargo-semver-checks judged it; run bench/semver.sh"
        );
        assert!(
            verdict.accepted,
            "{pair}: cargo-semver-checks rejects {ours}"
        );
        assert!(
            agreement.unmatched.is_empty(),
            "{pair}: cargo-semver-checks finds these breaking, our report does not: {:#?}",
            agreement.unmatched
        );
        assert!(
            agreement.unseen_other.is_empty(),
            "{pair}: breaking in ours, unseen by cargo-semver-checks, and neither wire-only nor a \
             changed type: {:#?}",
            agreement.unseen_other
        );
        // Wire-only changes are exactly those no Rust item shows: none of them is seen.
        let wire_only = report.changes.iter().filter(|c| c.wire_only).count();
        assert_eq!(agreement.unseen_wire_only.len(), wire_only, "{pair}");
    }
    if std::env::var("SEMVER_AGREEMENT").as_deref() != Ok("write") {
        let recorded = std::fs::read_to_string(&path).unwrap_or_default();
        let only_in = |a: &str, b: &str| -> Vec<String> {
            a.lines()
                .filter(|l| !b.lines().any(|m| m == *l))
                .map(str::to_owned)
                .collect()
        };
        assert!(
            recorded == table,
            "semver-agreement.txt is not what the reports give now; run bench/semver.sh\n\
             recorded only: {:#?}\ncomputed only: {:#?}",
            only_in(&recorded, &table),
            only_in(&table, &recorded)
        );
    }
}

#[test]
fn items_are_matched_by_rust_names() {
    let change = |item: &str, detail: &str| Change {
        severity: Severity::Breaking,
        kind: discogen::diff::ItemKind::Field,
        item: item.to_owned(),
        detail: detail.to_owned(),
        wire_only: false,
    };
    let field = change("field `PieChart.show_total`", "removed");
    assert!(accounts_for(
        &field,
        "struct_pub_field_missing",
        "field show_total of struct PieChart"
    ));
    assert!(accounts_for(
        &field,
        "inherent_method_missing",
        "PieChart::with_show_total"
    ));
    assert!(!accounts_for(
        &field,
        "inherent_method_missing",
        "PieChart::with_show_legend"
    ));
    let ty = change(
        "type `GoogleCloudDialogflowCxV3ImportDocumentsResponse`",
        "removed",
    );
    assert!(accounts_for(
        &ty,
        "struct_missing",
        "struct dialogflow_v2::schemas::GoogleCloudDialogflowCxV3ImportDocumentsResponse"
    ));
    let resource = change(
        "resource `projects.apps.safetyNetConfig` (`projects().apps().safety_net_config()`)",
        "removed, with 3 methods",
    );
    assert!(accounts_for(
        &resource,
        "struct_missing",
        "struct firebaseappcheck_v1::resources::projects::apps::safety_net_config::SafetyNetConfig"
    ));
    assert!(accounts_for(
        &resource,
        "inherent_method_missing",
        "Apps::safety_net_config"
    ));
    assert!(!accounts_for(
        &resource,
        "inherent_method_missing",
        "Projects::safety_net_config"
    ));
    assert!(accounts_for(
        &resource,
        "module_missing",
        "mod firebaseappcheck_v1::resources::projects::apps::safety_net_config"
    ));
    let method = change(
        "method `projects.apps.exchangeSafetyNetToken` (`projects().apps().exchange_safety_net_token()`)",
        "removed",
    );
    assert!(accounts_for(
        &method,
        "inherent_method_missing",
        "Apps::exchange_safety_net_token"
    ));
    assert!(accounts_for(
        &method,
        "struct_missing",
        "struct firebaseappcheck_v1::resources::projects::apps::ExchangeSafetyNetToken"
    ));
    assert!(!accounts_for(
        &method,
        "struct_missing",
        "struct firebaseappcheck_v1::resources::projects::ExchangeSafetyNetToken"
    ));
    let argument = change(
        "parameter `name` of `projects().locations().update_cmek_config()`",
        "added as a required parameter: a new constructor argument (`String`)",
    );
    assert!(accounts_for(
        &argument,
        "method_parameter_count_changed",
        "cloudtasks_v2beta2::resources::projects::locations::Locations::update_cmek_config takes 3 \
         parameters, but now takes 2 parameters"
    ));
    let standard = change(
        "type `StandardParameters`",
        "now the runtime's shared trait",
    );
    assert!(accounts_for(
        &standard,
        "trait_missing",
        "trait bigquery_v2::StandardParameters"
    ));
    let retyped = change("type `Foo`", "was a struct, now an enum");
    assert!(accounts_for(
        &retyped,
        "struct_missing",
        "struct x::schemas::Foo"
    ));
    assert!(!accounts_for(
        &retyped,
        "struct_missing",
        "struct x::schemas::FooBar"
    ));
    let value = change(
        "enum value `EventingStatusState::PublicEndpointRequired`",
        "removed (`PUBLIC_ENDPOINT_REQUIRED`)",
    );
    assert!(accounts_for(
        &value,
        "enum_variant_missing",
        "variant EventingStatusState::PublicEndpointRequired"
    ));
}
