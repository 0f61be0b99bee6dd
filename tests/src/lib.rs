//! Integration tests live in `tests/`. The examples here check what the generated crates let an app
//! write, and what they must not.
//!
//! Cancel is a compile-time property: Dialogflow has `operations.cancel`, so its pollers cancel,
//!
//! ```no_run
//! async fn cancel(client: dialogflow_v2::Client) {
//!     let _ = client.operation("projects/p/operations/x").cancel().await;
//! }
//! ```
//!
//! and Workspace Events has none, so the same call does not compile:
//!
//! ```compile_fail
//! async fn cancel(client: workspaceevents_v1::Client) {
//!     let _ = client.operation("operations/x").cancel().await;
//! }
//! ```
//!
//! A batch takes the calls of its own API: Drive's batch takes Drive's builders,
//!
//! ```no_run
//! async fn batch(drive: media_drive_v3::Client) {
//!     let mut batch = drive.batch();
//!     let _file = batch.add(drive.files().get("a"));
//!     let _ = batch.send().await;
//! }
//! ```
//!
//! and a builder of another API (Cloud Storage) does not compile into it:
//!
//! ```compile_fail
//! async fn batch(drive: media_drive_v3::Client, storage: media_storage_v1::Client) {
//!     let mut batch = drive.batch();
//!     let _object = batch.add(storage.objects().get("b", "o"));
//!     let _ = batch.send().await;
//! }
//! ```
//!
//! A typed poller's `wait` gives the result the method's description names, with default features:
//!
//! ```no_run
//! async fn export(client: dialogflow_v2::Client) -> Result<(), Box<dyn std::error::Error>> {
//!     let request = dialogflow_v2::schemas::GoogleCloudDialogflowV2ExportAgentRequest::default();
//!     let uri = client.projects().agent().export("projects/p", request).start().await?.wait().await?.agent_uri;
//!     println!("{uri:?}");
//!     Ok(())
//! }
//! ```
