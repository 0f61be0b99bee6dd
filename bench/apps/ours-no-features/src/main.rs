// The same app as `ours`, built against dialogflow-v2 with `default-features = false`.
include!("../../ours/src/main.rs");
