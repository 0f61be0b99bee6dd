//! One `operations.get` through google-dialogflow2 (google-apis-rs): the app whose build `bench/run.sh` times.

use google_apis_common as common;
use hyper_util::client::legacy::connect::HttpConnector;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), common::Error> {
    let endpoint = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "http://127.0.0.1:8080/".into());
    let http: common::Client<HttpConnector> =
        hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
            .build(HttpConnector::new());
    let mut hub = google_dialogflow2::Dialogflow::new(http, common::NoToken);
    hub.base_url(endpoint.clone());
    hub.root_url(endpoint);
    let (_, operation) = hub
        .projects()
        .locations_operations_get("projects/p/locations/global/operations/op-1")
        .doit()
        .await?;
    println!("{operation:?}");
    Ok(())
}
