//! What a user reads: Dialogflow's descriptions carried from an older revision into the generated crate,
//! the coverage figures, and change reports that carrying leaves alone.

use discogen::{Count, Coverage};

fn root() -> std::path::PathBuf {
    xtask::project_root()
}

fn job(crate_name: &str) -> xtask::Job {
    xtask::project_jobs(&root())
        .unwrap()
        .into_iter()
        .find(|job| job.crate_name == crate_name)
        .unwrap()
}

/// The manifest's entry for a crate.
fn manifest_api(crate_name: &str) -> discogen::manifest::ManifestApi {
    let text = std::fs::read_to_string(root().join("discovery/manifest.toml")).unwrap();
    discogen::manifest::Manifest::parse(&text)
        .unwrap()
        .apis
        .into_iter()
        .find(|api| api.crate_name == crate_name)
        .unwrap()
}

fn count(described: usize, total: usize) -> Count {
    Count { described, total }
}

#[test]
fn dialogflow_v2_is_described_from_the_older_revision() {
    let generation = xtask::generate_release(&job("dialogflow-v2")).unwrap();
    assert_eq!(
        generation.coverage,
        Coverage {
            methods: count(279, 284),
            parameters: count(478, 487),
            schemas: count(322, 375),
            properties: count(1054, 1282),
            enum_values: count(405, 513),
        }
    );
    // The pinned document alone describes nothing.
    let mut bare = job("dialogflow-v2");
    bare.rules = manifest_api("dialogflow-v2").rules(None);
    let bare = xtask::generate_release(&bare).unwrap().coverage;
    assert_eq!((bare.methods, bare.schemas), (count(0, 284), count(0, 375)));
}

#[test]
fn operations_cancel_carries_the_text_google_publishes() {
    let path = root().join("generated/dialogflow-v2/src/resources/projects.rs");
    let source = std::fs::read_to_string(path).unwrap();
    let published = "/// Starts asynchronous cancellation on a long-running operation. The server makes a best \
                     effort to cancel the operation, but success is not guaranteed.";
    let at = source
        .find("(`dialogflow.projects.operations.cancel`)")
        .expect("the method id in the docs");
    let before = &source[..at];
    let doc_start = before.rfind(published).expect("Google's description");
    // The description heads the same doc comment: only the request line's paragraph lies between.
    assert_eq!(
        before[doc_start..].lines().count(),
        3,
        "{}",
        &before[doc_start..]
    );
}

#[test]
fn carried_descriptions_are_no_api_change() {
    let dir = root().join("tests/fixtures-revisions");
    let old = std::fs::read_to_string(dir.join("dialogflow.v2.20230906.json")).unwrap();
    let new = std::fs::read_to_string(dir.join("dialogflow.v2.20240924.json")).unwrap();
    // The manifest's descriptions, and none of its other rules.
    let mut carrying = manifest_api("dialogflow-v2");
    carrying.omit_unreached.clear();
    carrying.operation_results.clear();
    let carrying = xtask::manifest_rules(&root(), &carrying).unwrap();
    let with = discogen::diff::diff_documents(&old, &new, &carrying).unwrap();
    let without = discogen::diff::diff_documents(&old, &new, &discogen::Rules::default()).unwrap();
    assert_eq!(with.changes, without.changes);
    assert_eq!(with.bump(), without.bump());

    // Today's document against itself, descriptions carried on one side only, would differ in docs;
    // carried on both (as the release flow does), it does not differ at all.
    let pinned = std::fs::read_to_string(root().join("discovery/dialogflow.v2.json")).unwrap();
    let rules = job("dialogflow-v2").rules;
    let same = discogen::diff::diff_documents(&pinned, &pinned, &rules).unwrap();
    assert!(same.changes.is_empty(), "{:?}", same.changes);
}
