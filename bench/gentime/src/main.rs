//! Times the generator on the crates of `discovery/manifest.toml`, in process (release build):
//! `discogen::generate` (parse → resolve → emit → prettyplease; no external formatter, as in `cargo xtask
//! generate`) per crate and in total. Prints one `key value` line per figure (seconds, medians).
//!
//! usage: discogen-gentime PROJECT_ROOT [RUNS]

use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let root = PathBuf::from(
        args.next()
            .expect("usage: discogen-gentime PROJECT_ROOT [RUNS]"),
    );
    let runs: usize = args
        .next()
        .map_or(5, |n| n.parse().expect("RUNS is a number"));

    let manifest_text =
        std::fs::read_to_string(root.join("discovery/manifest.toml")).expect("manifest");
    let manifest = discogen::manifest::Manifest::parse(&manifest_text).expect("manifest parses");
    let jobs: Vec<(String, String, discogen::CrateOptions)> = manifest
        .apis
        .iter()
        .map(|api| {
            let text = std::fs::read_to_string(root.join("discovery").join(&api.document))
                .expect("document");
            let options = discogen::CrateOptions {
                crate_name: api.crate_name.clone(),
                runtime: manifest.runtime_source(api),
                package: manifest.package_metadata(),
                source: format!("discovery/{}", api.document),
                location_endpoint: api.location_endpoint.clone(),
                rules: api.rules(api.descriptions.as_ref().map(|source| {
                    std::fs::read_to_string(root.join("discovery").join(&source.document))
                        .expect("description source")
                })),
                ..Default::default()
            };
            (api.crate_name.clone(), text, options)
        })
        .collect();

    let mut generate_total = Vec::new();
    let mut per_crate: Vec<Vec<f64>> = vec![Vec::new(); jobs.len()];
    let mut lines = vec![0usize; jobs.len()];
    for _ in 0..runs {
        let mut generated = Vec::new();
        let start = Instant::now();
        for (i, (_, text, options)) in jobs.iter().enumerate() {
            let one = Instant::now();
            let crate_files = discogen::generate(text, options).expect("generates");
            per_crate[i].push(one.elapsed().as_secs_f64());
            generated.push(crate_files);
        }
        generate_total.push(start.elapsed().as_secs_f64());

        for (i, crate_files) in generated.iter().enumerate() {
            lines[i] = crate_files
                .files
                .iter()
                .filter(|(path, _)| path.ends_with(".rs"))
                .map(|(_, contents)| contents.lines().count())
                .sum();
        }
    }

    println!("runs {runs}");
    println!("generate_s {:.3}", median(&mut generate_total));
    for (i, (name, _, _)) in jobs.iter().enumerate() {
        println!("crate {name} {:.3} {}", median(&mut per_crate[i]), lines[i]);
    }
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}
