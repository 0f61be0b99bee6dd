//! Methods of the same shape share one builder type (dialogflow-v2): each keeps its public path, its own
//! request and its own method id (the tracing span's), and a parameter enum declared again where a sharing
//! method lives is the same type.

use dialogflow_v2::resources::projects;
use dialogflow_v2::Client;
use discogen_runtime::Request;

fn client() -> Client {
    Client::builder()
        .base_url("http://127.0.0.1:1/")
        .build()
        .unwrap()
}

/// Compiles only when both values have the same type.
fn same_type<T>(_: &T, _: &T) {}

fn line(request: &Request) -> (String, String, Option<&'static str>) {
    let query: Vec<String> = request
        .query_pairs()
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    (
        format!("{} {}", request.method(), request.path()),
        query.join("&"),
        request.method_id(),
    )
}

#[test]
fn one_family_shares_a_builder_defined_in_the_first_module() {
    let client = client();
    let global = client
        .projects()
        .agent()
        .intents()
        .list("projects/p/agent")
        .page_size(5);
    let located = client
        .projects()
        .locations()
        .agent()
        .intents()
        .list("projects/p/locations/l/agent")
        .intent_view(projects::locations::agent::intents::ListIntentView::IntentViewFull);
    same_type(&global, &located);
    let _: projects::locations::agent::intents::List = located.clone();
    assert_eq!(
        line(&global.to_request()),
        (
            "GET v2/projects/p/agent/intents".to_owned(),
            "pageSize=5".to_owned(),
            Some("dialogflow.projects.agent.intents.list"),
        )
    );
    assert_eq!(
        line(&located.to_request()),
        (
            "GET v2/projects/p/locations/l/agent/intents".to_owned(),
            "intentView=INTENT_VIEW_FULL".to_owned(),
            Some("dialogflow.projects.locations.agent.intents.list"),
        )
    );
}

#[test]
fn families_share_a_builder_of_the_shared_module_under_their_own_names() {
    let client = client();
    let in_agent = client
        .projects()
        .agent()
        .knowledge_bases()
        .delete("projects/p/knowledgeBases/k")
        .force(true);
    let own = client
        .projects()
        .knowledge_bases()
        .delete("projects/p/knowledgeBases/k");
    same_type(&in_agent, &own);
    let _: dialogflow_v2::resources::shared::KnowledgeBasesDelete = own.clone();
    let _: projects::knowledge_bases::Delete = in_agent.clone();
    assert_eq!(
        line(&in_agent.to_request()),
        (
            "DELETE v2/projects/p/knowledgeBases/k".to_owned(),
            "force=true".to_owned(),
            Some("dialogflow.projects.agent.knowledgeBases.delete"),
        )
    );
    assert_eq!(
        line(&own.to_request()),
        (
            "DELETE v2/projects/p/knowledgeBases/k".to_owned(),
            String::new(),
            Some("dialogflow.projects.knowledgeBases.delete"),
        )
    );
}
