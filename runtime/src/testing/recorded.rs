//! Calls as the mock saw them.

use http::Method;
use serde_json::Value;

use crate::request::SECRET_QUERY_PARAMS;
use crate::transport::{CallInfo, HttpRequest, TransportError};

/// Headers never recorded: they carry credentials.
const CREDENTIAL_HEADERS: [&str; 4] = [
    "authorization",
    "proxy-authorization",
    "cookie",
    "x-goog-api-key",
];

/// One attempt the mock answered (or refused), as sent, without credentials.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// The Discovery method id the generated builder gave (`dialogflow.projects.getAgent`).
    pub method_id: Option<&'static str>,
    /// The attempt of its call: 1, then 2 for the first retry, ...
    pub attempt: u32,
    /// The HTTP method.
    pub method: Method,
    /// The URL's path as sent, percent-encoded (`/v2/projects/my-project/agent`).
    pub path: String,
    /// The query pairs, decoded, in order; the values of `key`, `access_token` and `oauth_token` are
    /// `REDACTED`.
    pub query: Vec<(String, String)>,
    /// The headers, lower-case, in order, without `Authorization`, cookies or API keys.
    pub headers: Vec<(String, String)>,
    /// The body, when it is JSON.
    pub body: Option<Value>,
    /// The body's bytes as sent (media, multipart).
    pub body_bytes: bytes::Bytes,
}

/// The query pairs of a URL, decoded, credentials redacted.
fn query_pairs(query: Option<&str>) -> Vec<(String, String)> {
    query
        .map(|query| {
            form_urlencoded::parse(query.as_bytes())
                .map(|(name, value)| {
                    let value = match SECRET_QUERY_PARAMS.contains(&name.as_ref()) {
                        true => "REDACTED".to_owned(),
                        false => value.into_owned(),
                    };
                    (name.into_owned(), value)
                })
                .collect()
        })
        .unwrap_or_default()
}

impl RecordedRequest {
    /// A call of a batch, read from its part.
    pub(crate) fn from_part(
        method_id: Option<&'static str>,
        attempt: u32,
        part: crate::batch::wire::ParsedRequest,
    ) -> Option<Self> {
        let method = Method::from_bytes(part.method.as_bytes()).ok()?;
        let (path, query) = match part.target.split_once('?') {
            Some((path, query)) => (path.to_owned(), Some(query)),
            None => (part.target.clone(), None),
        };
        Some(RecordedRequest {
            method_id,
            attempt,
            method,
            path,
            query: query_pairs(query),
            headers: part
                .headers
                .into_iter()
                .filter(|(name, _)| !CREDENTIAL_HEADERS.contains(&name.as_str()))
                .collect(),
            body: serde_json::from_slice(&part.body).ok(),
            body_bytes: part.body.into(),
        })
    }

    /// Reads `request` whole.
    pub(crate) async fn read(request: HttpRequest) -> Result<Self, TransportError> {
        let info = CallInfo::of(&request);
        let (parts, body) = request.into_parts();
        let body_bytes = body.bytes().await?;
        let query = query_pairs(parts.uri.query());
        let headers = parts
            .headers
            .iter()
            .filter(|(name, _)| !CREDENTIAL_HEADERS.contains(&name.as_str()))
            .map(|(name, value)| {
                let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
                (name.as_str().to_owned(), value)
            })
            .collect();
        Ok(RecordedRequest {
            method_id: info.and_then(|info| info.method_id),
            attempt: info.map_or(1, |info| info.attempt),
            method: parts.method,
            path: parts.uri.path().to_owned(),
            query,
            headers,
            body: serde_json::from_slice(&body_bytes).ok(),
            body_bytes,
        })
    }

    /// The first value of query parameter `name`.
    pub fn query_value(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The first value of header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// `GET /v2/projects/p/agent (dialogflow.projects.getAgent)`, for messages.
    pub(crate) fn describe(&self) -> String {
        let id = self
            .method_id
            .map(|id| format!(" ({id})"))
            .unwrap_or_default();
        format!("{} {}{id}", self.method, self.path)
    }
}

/// Whether `path` matches `pattern`: `*` stands for any text within one segment, `**` for any text
/// across segments; a leading `/` is optional in the pattern.
pub(crate) fn path_matches(pattern: &str, path: &str) -> bool {
    let pattern = pattern.strip_prefix('/').unwrap_or(pattern);
    let path = path.strip_prefix('/').unwrap_or(path);
    glob(pattern.as_bytes(), path.as_bytes())
}

fn glob(pattern: &[u8], text: &[u8]) -> bool {
    match pattern {
        [] => text.is_empty(),
        [b'*', b'*', rest @ ..] => (0..=text.len()).any(|at| glob(rest, &text[at..])),
        [b'*', rest @ ..] => {
            let segment = text.iter().position(|&c| c == b'/').unwrap_or(text.len());
            (0..=segment).any(|at| glob(rest, &text[at..]))
        }
        [c, rest @ ..] => text.first() == Some(c) && glob(rest, &text[1..]),
    }
}

#[cfg(test)]
mod tests {
    use super::path_matches;

    #[test]
    fn patterns_match_segments() {
        assert!(path_matches(
            "/v2/projects/*/agent",
            "/v2/projects/p1/agent"
        ));
        assert!(path_matches("v2/projects/*/agent", "/v2/projects/p1/agent"));
        assert!(!path_matches(
            "/v2/projects/*/agent",
            "/v2/projects/p1/x/agent"
        ));
        assert!(path_matches(
            "/v2/**/operations/*:cancel",
            "/v2/projects/p/locations/l/operations/o:cancel"
        ));
        assert!(!path_matches("/v2/projects/*", "/v2/projects/p/agent"));
        assert!(path_matches("/v2/**", "/v2/projects/p/agent"));
        assert!(path_matches("/v2/projects/p*", "/v2/projects/p1"));
    }
}
