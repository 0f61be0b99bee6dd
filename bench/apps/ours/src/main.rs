// One `operations.get` through the generated client: the app whose build `bench/run.sh` times. The
// `ours-no-features` app includes this file.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), dialogflow_v2::Error> {
    let endpoint = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "http://127.0.0.1:8080/".into());
    let client = dialogflow_v2::Client::builder()
        .base_url(endpoint)
        .build()?;
    let operation = client
        .projects()
        .locations()
        .operations()
        .get("projects/p/locations/global/operations/op-1")
        .send()
        .await?;
    println!("{operation:?}");
    Ok(())
}
