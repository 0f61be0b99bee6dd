//! Start a long-running operation (a Dialogflow agent export) or take one by name, wait for it with a
//! progress line, and print its typed result.
//!
//! ```text
//! cargo run -p discogen-examples --example wait_operation                 # against the embedded emulator
//! cargo run -p discogen-examples --example wait_operation -- --name NAME  # resume an operation by name
//! cargo run -p discogen-examples --example wait_operation -- \
//!     --endpoint https://dialogflow.googleapis.com/ --parent projects/MY_PROJECT   # Google, with ADC
//! RUST_LOG=discogen_runtime=info cargo run -p discogen-examples --example wait_operation    # a span per call, attempt and wait
//! RUST_LOG=discogen_runtime=debug cargo run -p discogen-examples --example wait_operation   # and retries, polls
//! RUST_LOG=discogen_runtime=trace cargo run -p discogen-examples --example wait_operation   # and bodies, redacted
//! ```

use std::io::{IsTerminal, Write};
use std::time::Duration;

use dialogflow_v2::schemas::{
    GoogleCloudDialogflowV2ExportAgentRequest, GoogleCloudDialogflowV2ExportAgentResponse,
};
use dialogflow_v2::{Client, Credentials, PollPolicy, Progress, StreamExt};
use discogen_emulator::{Emulator, EmulatorConfig};
use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::EnvFilter;

struct Args {
    endpoint: Option<String>,
    parent: String,
    name: Option<String>,
}

fn args() -> Result<Args, String> {
    let mut args = Args {
        endpoint: None,
        parent: "projects/emulated".to_owned(),
        name: None,
    };
    let mut iter = std::env::args().skip(1);
    while let Some(arg) = iter.next() {
        let mut value = || iter.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--endpoint" => args.endpoint = Some(value()?),
            "--parent" => args.parent = value()?,
            "--name" => args.name = Some(value()?),
            _ => {
                return Err(format!(
                    "unknown argument {arg}; see the example's doc comment"
                ))
            }
        }
    }
    Ok(args)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Logs to stderr as `RUST_LOG` asks (e.g. `discogen_runtime=debug`); nothing by default. A line per
    // closed span shows each call's fields, latency included.
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::from_default_env())
        .with_span_events(FmtSpan::CLOSE)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr)
        .init();
    let args = args()?;
    // Without --endpoint the example plays against an emulator on 127.0.0.1 that lives as long as `_emulator`.
    let (_emulator, client, policy) = match &args.endpoint {
        None => {
            let emulator = Emulator::start(EmulatorConfig::dialogflow()).await;
            let client = Client::builder().base_url(emulator.base_url()).build()?;
            let fast = PollPolicy::default()
                .with_initial_delay(Duration::from_millis(200))
                .with_jitter(false);
            (Some(emulator), client, fast)
        }
        Some(endpoint) => {
            let credentials = Credentials::application_default()
                .scopes([dialogflow_v2::scopes::DIALOGFLOW])
                .build()?;
            let client = Client::builder()
                .base_url(endpoint.as_str())
                .credentials(credentials)
                .build()?;
            (None, client, PollPolicy::default())
        }
    };

    // A poller resumed by name is told the types; the one `export` starts knows them from the document.
    let poller = match &args.name {
        Some(name) => client
            .operation(name.as_str())
            .typed_response::<GoogleCloudDialogflowV2ExportAgentResponse>(),
        None => {
            let request = GoogleCloudDialogflowV2ExportAgentRequest::default();
            client
                .projects()
                .agent()
                .export(args.parent.as_str(), request)
                .start()
                .await?
        }
    };
    let name = poller.name().to_owned();
    println!("waiting for {name}");

    let mut progress = poller
        .with_policy(policy.with_deadline(Duration::from_secs(600)))
        .progress();
    let mut export = None;
    let mut polls = 0;
    while let Some(snapshot) = progress.next().await {
        polls += 1;
        match snapshot? {
            Progress::Running(metadata) => {
                let percent = metadata
                    .as_ref()
                    .and_then(|m| m.get("progressPercent"))
                    .map(|p| format!(" {p}%"))
                    .unwrap_or_default();
                print!("\rpoll {polls}: running{percent}   ");
                std::io::stdout().flush()?;
            }
            Progress::Done(response) => export = Some(response),
        }
    }
    println!();

    let export = export.ok_or("the operation stream ended before the operation was done")?;
    println!(
        "exported to {}",
        export.agent_uri.as_deref().unwrap_or("(inline content)")
    );
    Ok(())
}
