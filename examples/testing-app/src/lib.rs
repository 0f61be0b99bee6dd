//! A small app on Dialogflow: what its tests (`tests/app.rs`) check without a network.

use dialogflow_v2::schemas::GoogleCloudDialogflowV2ExportAgentRequest;
use dialogflow_v2::{Client, Code, Error, LroError, Progress, TryStreamExt};

/// An error of any of the calls.
pub type AppError = Box<dyn std::error::Error + Send + Sync>;

/// Exports the agent of `project` to `uri` and waits for it, calling `on_progress` at each poll that
/// finds it still running. Returns where the agent was written.
pub async fn export_agent(
    client: &Client,
    project: &str,
    uri: &str,
    mut on_progress: impl FnMut(),
) -> Result<Option<String>, AppError> {
    let request = GoogleCloudDialogflowV2ExportAgentRequest::default().with_agent_uri(uri);
    let poller = client
        .projects()
        .agent()
        .export(format!("projects/{project}"), request)
        .start()
        .await?;
    let mut progress = poller.progress();
    while let Some(step) = progress.try_next().await? {
        match step {
            Progress::Running(_) => on_progress(),
            Progress::Done(response) => return Ok(response.agent_uri),
        }
    }
    Err(LroError::NoResponse.into())
}

/// The display name of `project`'s agent, or `None` when the project has no agent.
pub async fn agent_name(client: &Client, project: &str) -> Result<Option<String>, Error> {
    let agent = client.projects().get_agent(format!("projects/{project}"));
    match agent.send().await {
        Ok(agent) => Ok(agent.display_name),
        Err(error) if error.status() == Some(404) => Ok(None),
        Err(error) => Err(error),
    }
}

/// The display names of every intent of `project`'s agent, across pages.
pub async fn intent_names(client: &Client, project: &str) -> Result<Vec<String>, Error> {
    let intents = client.projects().agent().intents();
    intents
        .list(format!("projects/{project}/agent"))
        .items()
        .map_ok(|intent| intent.display_name.unwrap_or_default())
        .try_collect()
        .await
}

/// Resumes the operation `name` (started by another process) and cancels it; `true` when it then
/// ended cancelled, `false` when it finished anyway.
pub async fn cancel_operation(client: &Client, name: &str) -> Result<bool, LroError> {
    let operation = client.operation(name);
    operation.cancel().await?;
    match operation.wait().await {
        Ok(_) => Ok(false),
        Err(LroError::Failed(status)) if status.code == Code::Cancelled => Ok(true),
        Err(error) => Err(error),
    }
}
