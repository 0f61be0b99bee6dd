//! The operations service: state of every operation and request routing.

use serde_json::{json, Map, Value};

use crate::http::{percent_decode, Response};
use crate::{EmulatorConfig, Metadata, OperationScript, Outcome, ServiceStyle};

/// The message of the error a cancelled operation finishes with (code 1).
pub const CANCELLED_MESSAGE: &str = "Operation was cancelled.";

/// One operation and how far its script has run.
#[derive(Debug)]
struct OperationState {
    name: String,
    script: OperationScript,
    /// GET requests served so far (0 when just created).
    polls: u32,
    cancelled: bool,
}

impl OperationState {
    fn done(&self) -> bool {
        self.cancelled || self.polls >= self.script.polls
    }

    /// The operation's JSON as Google returns it.
    fn render(&self, omit_false_done: bool) -> Value {
        let mut op = Map::new();
        op.insert("name".into(), Value::String(self.name.clone()));
        if let Some(metadata) = self.metadata() {
            op.insert("metadata".into(), metadata);
        }
        let done = self.done();
        if done || !omit_false_done {
            op.insert("done".into(), Value::Bool(done));
        }
        if self.cancelled {
            op.insert(
                "error".into(),
                json!({"code": 1, "message": CANCELLED_MESSAGE}),
            );
        } else if done {
            match &self.script.outcome {
                Outcome::Response(response) => {
                    op.insert("response".into(), response.clone());
                }
                Outcome::Error {
                    code,
                    message,
                    details,
                } => {
                    let mut error = json!({"code": code, "message": message});
                    if !details.is_empty() {
                        error["details"] = Value::Array(details.clone());
                    }
                    op.insert("error".into(), error);
                }
                Outcome::Errors { errors, .. } => {
                    let messages: Vec<&str> = errors
                        .iter()
                        .filter_map(|e| e.get("message").and_then(Value::as_str))
                        .collect();
                    op.insert(
                        "error".into(),
                        json!({"code": 2, "message": messages.join("; ")}),
                    );
                }
            }
        }
        Value::Object(op)
    }

    /// The operation as a status-style service returns it (Compute or Cloud SQL).
    fn render_status(&self, style: ServiceStyle, link_base: &str) -> Value {
        let compute = style == ServiceStyle::Compute;
        let mut op = Map::new();
        let kind = if compute {
            "compute#operation"
        } else {
            "sql#operation"
        };
        op.insert("kind".into(), json!(kind));
        let id = self.name.rsplit('/').next().unwrap_or_default();
        op.insert("name".into(), json!(id));
        let done = self.done();
        let status = match (done, self.polls) {
            (true, _) => "DONE",
            (false, 0) => "PENDING",
            (false, _) => "RUNNING",
        };
        op.insert("status".into(), json!(status));
        if compute {
            op.insert("progress".into(), json!(self.percent()));
            // `zone` / `region` are links to the scope, as Compute sends them.
            let segments: Vec<&str> = self.name.split('/').collect();
            for (collection, field) in [("zones", "zone"), ("regions", "region")] {
                if let [project_key, project, key, scope, ..] = segments[..] {
                    if project_key == "projects" && key == collection {
                        let link = format!("{link_base}projects/{project}/{collection}/{scope}");
                        op.insert(field.into(), json!(link));
                    }
                }
            }
        }
        op.insert(
            "selfLink".into(),
            json!(format!("{link_base}{}", self.name)),
        );
        if let Some(target) = &self.script.target {
            op.insert("targetLink".into(), json!(format!("{link_base}{target}")));
        }
        if self.cancelled {
            let entry = json!({"kind": "sql#operationError", "code": "OPERATION_CANCELLED", "message": CANCELLED_MESSAGE});
            op.insert(
                "error".into(),
                json!({"kind": "sql#operationErrors", "errors": [entry]}),
            );
        } else if done {
            match &self.script.outcome {
                Outcome::Response(_) => {}
                Outcome::Error { code, message, .. } => {
                    let entry = json!({"code": code.to_string(), "message": message});
                    op.insert("error".into(), json!({"errors": [entry]}));
                }
                Outcome::Errors {
                    http_status,
                    http_message,
                    errors,
                } => {
                    op.insert("error".into(), json!({"errors": errors}));
                    if compute {
                        op.insert("httpErrorStatusCode".into(), json!(http_status));
                        op.insert("httpErrorMessage".into(), json!(http_message));
                    }
                }
            }
        }
        Value::Object(op)
    }

    /// How far the script has run, in percent.
    fn percent(&self) -> u64 {
        if self.done() || self.script.polls == 0 {
            100
        } else {
            (u64::from(self.polls) * 100 / u64::from(self.script.polls)).min(100)
        }
    }

    fn metadata(&self) -> Option<Value> {
        match &self.script.metadata {
            Metadata::None => None,
            Metadata::Fixed(value) => Some(value.clone()),
            Metadata::PerPoll(list) => list
                .get(self.polls as usize)
                .or_else(|| list.last())
                .cloned(),
            Metadata::Progress { type_url } => {
                let percent = if self.script.polls == 0 {
                    100
                } else {
                    (u64::from(self.polls) * 100 / u64::from(self.script.polls)).min(100)
                };
                // Kept apart from `percent()`: a cancelled google.longrunning operation keeps its metadata.
                Some(json!({
                    "@type": type_url,
                    "progressPercent": percent,
                    "poll": self.polls,
                }))
            }
        }
    }
}

/// All operations, in creation order.
#[derive(Debug, Default)]
pub(crate) struct Operations {
    list: Vec<OperationState>,
    /// Numbers the operations created by start routes.
    counter: u64,
    /// `http://127.0.0.1:PORT/{prefix}`: what status-style links start with.
    pub(crate) link_base: String,
}

impl Operations {
    /// Adds (or replaces) an operation.
    pub fn insert(&mut self, name: String, script: OperationScript) {
        let state = OperationState {
            name,
            script,
            polls: 0,
            cancelled: false,
        };
        match self.list.iter_mut().find(|op| op.name == state.name) {
            Some(existing) => *existing = state,
            None => self.list.push(state),
        }
    }

    fn find(&mut self, name: &str) -> Option<&mut OperationState> {
        self.list.iter_mut().find(|op| op.name == name)
    }

    /// The operation's current JSON, without advancing it.
    pub fn snapshot(&self, config: &EmulatorConfig, name: &str) -> Option<Value> {
        self.list
            .iter()
            .find(|op| op.name == name)
            .map(|op| self.render(config, op))
    }

    fn render(&self, config: &EmulatorConfig, op: &OperationState) -> Value {
        match config.style {
            ServiceStyle::Longrunning => op.render(config.omit_false_done),
            style => op.render_status(style, &self.link_base),
        }
    }

    /// How many GETs the operation has served.
    pub fn polls(&self, name: &str) -> Option<u32> {
        self.list
            .iter()
            .find(|op| op.name == name)
            .map(|op| op.polls)
    }

    /// Whether the operation was cancelled.
    pub fn cancelled(&self, name: &str) -> Option<bool> {
        self.list
            .iter()
            .find(|op| op.name == name)
            .map(|op| op.cancelled)
    }

    /// Answers one request.
    pub fn handle(
        &mut self,
        config: &EmulatorConfig,
        method: &str,
        path: &str,
        query: &[(String, String)],
    ) -> Response {
        let prefix = format!("/{}", config.prefix.trim_start_matches('/'));
        let Some(rest) = path.strip_prefix(prefix.as_str()) else {
            return not_found_route(method, path);
        };
        let rest = percent_decode(rest);
        if config.style != ServiceStyle::Longrunning {
            return self.handle_status(config, method, path, &rest, query);
        }
        let omit = config.omit_false_done;
        match method {
            "GET" => match rest.strip_suffix("/operations") {
                Some(parent) => self.list_page(config, parent, query, "operations"),
                None => match self.find(&rest) {
                    Some(op) => {
                        op.polls = op.polls.saturating_add(1);
                        Response::json(200, &op.render(omit))
                    }
                    None => not_found(&rest),
                },
            },
            "DELETE" => match self.list.iter().position(|op| op.name == rest) {
                Some(i) => {
                    self.list.remove(i);
                    Response::json(200, &json!({}))
                }
                None => not_found(&rest),
            },
            // `{name}:cancel` (google.longrunning), or `{name}/cancel` (Cloud Storage).
            _ => match rest
                .strip_suffix(":cancel")
                .or_else(|| rest.strip_suffix("/cancel"))
                .filter(|_| method == "POST")
            {
                Some(name) => match self.find(name) {
                    Some(op) => {
                        if !op.done() {
                            op.cancelled = true;
                        }
                        Response::json(200, &json!({}))
                    }
                    None => not_found(name),
                },
                None => self.start(config, method, path, &rest),
            },
        }
    }

    /// A start route: creates `{parent}/operations/op-N` with the route's
    /// script and returns it as just created.
    fn start(&mut self, config: &EmulatorConfig, method: &str, path: &str, rest: &str) -> Response {
        let route = config
            .start_routes
            .iter()
            .find(|r| r.method.eq_ignore_ascii_case(method) && rest.ends_with(r.suffix.as_str()));
        let Some(route) = route else {
            return not_found_route(method, path);
        };
        let parent = &rest[..rest.len() - route.suffix.len()];
        self.counter += 1;
        // A top-level collection (`v1/subscriptions`) starts top-level operations.
        let name = match parent {
            "" => format!("operations/op-{}", self.counter),
            parent => format!("{parent}/operations/op-{}", self.counter),
        };
        let mut script = route.script.clone();
        if config.style != ServiceStyle::Longrunning && script.target.is_none() {
            // The new resource: the route's collection and the name in the response.
            if let Outcome::Response(resource) = &script.outcome {
                let id = resource
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or("new");
                script.target = Some(format!("{rest}/{id}"));
            }
        }
        self.insert(name.clone(), script);
        match self.snapshot(config, &name) {
            Some(op) => Response::json(200, &op),
            None => Response::google_error(500, "Operation vanished."),
        }
    }

    /// A status-style service: `GET {name}`, `POST {name}/wait` (Compute), `POST {name}/cancel`
    /// (Cloud SQL), `GET {parent}/operations`, `GET {target}` of a done operation, start routes.
    fn handle_status(
        &mut self,
        config: &EmulatorConfig,
        method: &str,
        path: &str,
        rest: &str,
        query: &[(String, String)],
    ) -> Response {
        let wait = (config.style == ServiceStyle::Compute)
            .then(|| rest.strip_suffix("/wait"))
            .flatten();
        let cancel = (config.style == ServiceStyle::SqlAdmin)
            .then(|| rest.strip_suffix("/cancel"))
            .flatten();
        let poll = match (method, wait) {
            ("POST", Some(name)) => Some(name),
            ("GET", None) if self.list.iter().any(|op| op.name == rest) => Some(rest),
            _ => None,
        };
        if let Some(name) = poll {
            let link_base = self.link_base.clone();
            let Some(op) = self.find(name) else {
                return not_found(name);
            };
            op.polls = op.polls.saturating_add(1);
            return Response::json(200, &op.render_status(config.style, &link_base));
        }
        match (method, cancel) {
            ("POST", Some(name)) => match self.find(name) {
                Some(op) => {
                    if !op.done() {
                        op.cancelled = true;
                    }
                    Response::json(200, &json!({}))
                }
                None => not_found(name),
            },
            ("GET", _) => match rest.strip_suffix("/operations") {
                Some(parent) => self.list_page(config, parent, query, "items"),
                None => self.target(rest),
            },
            _ => self.start(config, method, path, rest),
        }
    }

    /// The resource of a done operation whose target is `target`.
    fn target(&self, target: &str) -> Response {
        let resource = self.list.iter().find_map(|op| match &op.script.outcome {
            Outcome::Response(resource)
                if op.done() && !op.cancelled && op.script.target.as_deref() == Some(target) =>
            {
                Some(resource.clone())
            }
            _ => None,
        });
        match resource {
            Some(resource) => Response::json(200, &resource),
            None => Response::google_error(404, &format!("The resource '{target}' was not found")),
        }
    }

    /// `operations.list`: the operations directly under `parent`, in
    /// creation order; `pageToken` is the index of the first one to return.
    fn list_page(
        &self,
        config: &EmulatorConfig,
        parent: &str,
        query: &[(String, String)],
        key: &str,
    ) -> Response {
        let param = |name: &str| {
            query
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
        };
        let page_size = match param("pageSize").map(str::parse::<i64>) {
            None => config.default_page_size,
            Some(Ok(n)) if n > 0 => usize::try_from(n).unwrap_or(usize::MAX),
            Some(Ok(_)) => config.default_page_size,
            Some(Err(_)) => return Response::google_error(400, "Invalid pageSize."),
        }
        .max(1);
        let start = match param("pageToken").filter(|t| !t.is_empty()) {
            None => 0,
            Some(token) => match token
                .strip_prefix("page-")
                .and_then(|n| n.parse::<usize>().ok())
            {
                Some(n) => n,
                None => return Response::google_error(400, "Invalid pageToken."),
            },
        };
        let children = format!("{parent}/operations/");
        let matching: Vec<&OperationState> = self
            .list
            .iter()
            .filter(|op| {
                op.name
                    .strip_prefix(children.as_str())
                    .is_some_and(|id| !id.is_empty() && !id.contains('/'))
            })
            .collect();
        let page: Vec<Value> = matching
            .iter()
            .skip(start)
            .take(page_size)
            .map(|op| self.render(config, op))
            .collect();
        let mut body = Map::new();
        if !page.is_empty() {
            body.insert(key.into(), Value::Array(page));
        }
        let next = start.saturating_add(page_size);
        if next < matching.len() {
            body.insert(
                "nextPageToken".into(),
                Value::String(format!("page-{next}")),
            );
        }
        Response::json(200, &Value::Object(body))
    }
}

fn not_found(name: &str) -> Response {
    Response::google_error(404, &format!("Operation {name} not found."))
}

fn not_found_route(method: &str, path: &str) -> Response {
    Response::google_error(404, &format!("No route for {method} {path}."))
}
