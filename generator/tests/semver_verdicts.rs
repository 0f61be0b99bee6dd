//! The change report's versions agree with cargo-semver-checks: `bench/semver.sh` ran cargo-semver-checks on
//! the crates of every real revision pair at the version our report computes, and recorded its verdicts in
//! `tests/fixtures-revisions/semver-verdicts.txt`. This test recomputes our side, so a change of
//! classification fails here until the script has judged it again.

use discogen::diff::{diff_documents, Bump, Version};
use discogen::Rules;

struct Verdict {
    api: String,
    old: String,
    new: String,
    version: String,
    accepted: bool,
    breaking_lints: Vec<String>,
}

fn verdicts() -> Vec<Verdict> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures-revisions");
    let text = std::fs::read_to_string(format!("{dir}/semver-verdicts.txt")).unwrap();
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| {
            let cells: Vec<&str> = line.split(" | ").collect();
            let (api, revisions) = cells[0].split_once(' ').unwrap();
            let (old, new) = revisions.split_once('→').unwrap();
            Verdict {
                api: api.to_owned(),
                old: old.to_owned(),
                new: new.to_owned(),
                version: cells[1].to_owned(),
                accepted: cells[2] == "pass",
                breaking_lints: match cells[3] {
                    "none" => Vec::new(),
                    lints => lints.split(',').map(str::to_owned).collect(),
                },
            }
        })
        .collect()
}

#[test]
fn every_real_pair_gets_the_version_cargo_semver_checks_accepts() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures-revisions");
    let verdicts = verdicts();
    assert_eq!(verdicts.len(), 3, "one verdict per real pair");
    for verdict in verdicts {
        let read = |revision: &str| {
            std::fs::read_to_string(format!("{dir}/{}.{revision}.json", verdict.api)).unwrap()
        };
        let report =
            diff_documents(&read(&verdict.old), &read(&verdict.new), &Rules::default()).unwrap();
        let ours = Version::parse("0.1.0").unwrap().bump(report.bump());
        let pair = format!("{} {}→{}", verdict.api, verdict.old, verdict.new);
        assert_eq!(
            ours.to_string(),
            verdict.version,
            "{pair}: our version changed since it was judged"
        );
        assert!(
            verdict.accepted,
            "{pair}: cargo-semver-checks rejects {ours}"
        );
        // What cargo-semver-checks calls breaking, we call breaking.
        if !verdict.breaking_lints.is_empty() {
            assert_eq!(
                report.bump(),
                Bump::Major,
                "{pair}: {:?}",
                verdict.breaking_lints
            );
        }
    }
}
