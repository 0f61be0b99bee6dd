//! The app's tests: no server, no network, no wall-clock waits.

use dialogflow_v2::methods::{
    PROJECTS_AGENT_EXPORT, PROJECTS_AGENT_INTENTS_LIST, PROJECTS_GET_AGENT,
};
use dialogflow_v2::schemas::{
    GoogleCloudDialogflowV2Agent, GoogleCloudDialogflowV2ExportAgentResponse,
    GoogleCloudDialogflowV2Intent, GoogleCloudDialogflowV2ListIntentsResponse,
};
use dialogflow_v2::testing::{Answer, FakeOperation, Mock};
use dialogflow_v2::{Client, Code};
use discogen_testing_example::{agent_name, cancel_operation, export_agent, intent_names};

/// A client whose calls the mock answers.
fn client(mock: &Mock) -> Client {
    Client::builder()
        .transport(mock.transport())
        .build()
        .unwrap()
}

// Paused time: the poller's sleeps between polls pass at once.
#[tokio::test(start_paused = true)]
async fn an_export_reports_progress_and_its_result() {
    let mock = Mock::new();
    let exported =
        GoogleCloudDialogflowV2ExportAgentResponse::default().with_agent_uri("gs://b/a.zip");
    mock.on(PROJECTS_AGENT_EXPORT).starts(
        FakeOperation::new("projects/p/operations/export-1")
            .running()
            .running()
            .succeeds(exported),
    );

    let mut polls = 0;
    let uri = export_agent(&client(&mock), "p", "gs://b/a.zip", || polls += 1)
        .await
        .unwrap();

    assert_eq!(uri.as_deref(), Some("gs://b/a.zip"));
    assert_eq!(polls, 2);
    let export = &mock.requests()[0];
    assert_eq!(export.path, "/v2/projects/p/agent:export");
    assert_eq!(export.body.as_ref().unwrap()["agentUri"], "gs://b/a.zip");
}

#[tokio::test]
async fn a_missing_agent_is_none() {
    let mock = Mock::new();
    mock.on(PROJECTS_GET_AGENT)
        .fails(Code::NotFound, "no agent");

    assert_eq!(agent_name(&client(&mock), "p").await.unwrap(), None);
}

#[tokio::test]
async fn intents_are_listed_across_three_pages() {
    let mock = Mock::new();
    let page = |name: &str, next: &str| {
        let intent = GoogleCloudDialogflowV2Intent::default().with_display_name(name);
        GoogleCloudDialogflowV2ListIntentsResponse::default()
            .with_intents(vec![intent])
            .with_next_page_token(next)
    };
    mock.on(PROJECTS_AGENT_INTENTS_LIST).answers_in_order([
        Answer::value(page("greet", "page-2")),
        Answer::value(page("order", "page-3")),
        Answer::value(page("bye", "")),
    ]);

    let names = intent_names(&client(&mock), "p").await.unwrap();

    assert_eq!(names, ["greet", "order", "bye"]);
    let tokens: Vec<_> = mock
        .requests()
        .iter()
        .map(|r| r.query_value("pageToken").map(str::to_owned))
        .collect();
    assert_eq!(tokens, [None, Some("page-2".into()), Some("page-3".into())]);
}

#[tokio::test(start_paused = true)]
async fn a_503_is_retried() {
    let mock = Mock::new();
    let agent = GoogleCloudDialogflowV2Agent::default().with_display_name("Pizza");
    mock.on(PROJECTS_GET_AGENT).answers_in_order([
        Answer::error(Code::Unavailable, "try again"),
        Answer::value(agent),
    ]);

    assert_eq!(
        agent_name(&client(&mock), "p").await.unwrap().as_deref(),
        Some("Pizza")
    );
    assert_eq!(mock.requests().len(), 2);
}

#[tokio::test(start_paused = true)]
async fn a_cancelled_operation_ends_cancelled() {
    let mock = Mock::new();
    mock.operation(
        FakeOperation::new("projects/p/operations/export-2")
            .running()
            .running(),
    );

    assert!(
        cancel_operation(&client(&mock), "projects/p/operations/export-2")
            .await
            .unwrap()
    );
    let cancel = &mock.requests()[0];
    assert_eq!(cancel.path, "/v2/projects/p/operations/export-2:cancel");
}
