//! The checked-in crates are exactly what the generator writes now (what `cargo xtask generate --check`
//! enforces), and generation is deterministic.

#[test]
fn checked_in_crates_match_fresh_output() {
    let root = xtask::project_root();
    let jobs = xtask::project_jobs(&root).unwrap();
    assert!(
        jobs.len() >= 4 + 8,
        "expected the four APIs and the fixtures, got {} jobs",
        jobs.len()
    );
    let mut stale = Vec::new();
    for job in &jobs {
        let generated = xtask::generate(job).unwrap();
        stale.extend(xtask::write::differences(&job.out, &generated).unwrap());
    }
    assert!(
        stale.is_empty(),
        "stale generated files (run `cargo xtask generate`): {stale:#?}"
    );
}

#[test]
fn generation_is_deterministic() {
    let root = xtask::project_root();
    let text = std::fs::read_to_string(root.join("discovery/dialogflow.v3.json")).unwrap();
    let options = discogen::CrateOptions {
        crate_name: "dialogflow-v3".to_owned(),
        runtime: discogen::RuntimeSource::Path("../../runtime".to_owned()),
        source: "discovery/dialogflow.v3.json".to_owned(),
        ..Default::default()
    };
    let first = discogen::generate(&text, &options).unwrap();
    let second = discogen::generate(&text, &options).unwrap();
    assert_eq!(first, second);
}
