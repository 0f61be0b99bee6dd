//! One `operations.get` through the official google-cloud-dialogflow-v2: the app whose build `bench/run.sh`
//! times.

use google_cloud_dialogflow_v2::client::Agents;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let endpoint = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "http://127.0.0.1:8080/".into());
    let client = Agents::builder().with_endpoint(endpoint).build().await?;
    let operation = client
        .get_operation()
        .set_name("projects/p/locations/global/operations/op-1")
        .send()
        .await?;
    println!("{operation:?}");
    Ok(())
}
