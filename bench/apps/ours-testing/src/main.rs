// The same app as `ours`, built against dialogflow-v2 with its `testing` feature on as well.
include!("../../ours/src/main.rs");
