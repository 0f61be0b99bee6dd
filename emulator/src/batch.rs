//! Google's batch endpoint: `POST /batch...` with a `multipart/mixed` body of `application/http`
//! parts; each inner request is answered by the emulator's own handlers (JSON resources, then the
//! operations service), the answers in one `multipart/mixed` response whose parts carry
//! `Content-ID: <response-ID>`. [`BatchFault`]s script what a misbehaving server does.

use crate::http::Response;

/// The boundary of every batch response.
pub(crate) const BOUNDARY: &str = "batch_emulated";

/// What the emulator's batch endpoint does wrong, once (see [`Emulator::inject_batch`](crate::Emulator::inject_batch)).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BatchFault {
    /// The next `times` inner requests whose target contains `path_contains` are answered `status`
    /// with a Google error body (`401`, `403`, `429`, `503`, ...).
    PartStatus {
        /// Matched against the inner request's path and query.
        path_contains: String,
        /// The status answered.
        status: u16,
        /// How many parts it answers.
        times: u32,
    },
    /// The next part whose target contains `path_contains` gets no answer.
    OmitPart {
        /// Matched against the inner request's path and query.
        path_contains: String,
    },
    /// The next part whose target contains `path_contains` is answered twice.
    DuplicatePart {
        /// Matched against the inner request's path and query.
        path_contains: String,
    },
    /// The next part whose target contains `path_contains` is answered under a `Content-ID` no
    /// request had.
    UnknownId {
        /// Matched against the inner request's path and query.
        path_contains: String,
    },
    /// The next batch response has its parts in reverse order.
    Reverse,
    /// The next batch response is cut in the middle of its last part (no closing delimiter).
    Truncate,
}

/// One inner request of a batch.
pub(crate) struct Part {
    pub(crate) content_id: String,
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) target: String,
}

/// Whether a request is a batch: `POST /batch...` with a `multipart/mixed` body.
pub(crate) fn is_batch(method: &str, path: &str, headers: &[(String, String)]) -> bool {
    method == "POST"
        && path.starts_with("/batch")
        && headers.iter().any(|(n, v)| {
            n == "content-type" && v.to_ascii_lowercase().starts_with("multipart/mixed")
        })
}

/// The inner requests of a batch body; `None` when it cannot be read.
pub(crate) fn parts(headers: &[(String, String)], body: &[u8]) -> Option<Vec<Part>> {
    let content_type = headers.iter().find(|(n, _)| n == "content-type")?.1.clone();
    let boundary = content_type
        .split(';')
        .find_map(|p| p.trim().strip_prefix("boundary="))?
        .trim_matches('"')
        .to_owned();
    let text = String::from_utf8_lossy(body);
    let delimiter = format!("--{boundary}");
    let mut parts = Vec::new();
    for chunk in text.split(delimiter.as_str()).skip(1) {
        if chunk.starts_with("--") {
            break;
        }
        let chunk = chunk.strip_prefix("\r\n")?;
        let (mime, inner) = chunk.split_once("\r\n\r\n")?;
        let content_id = mime.lines().find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.trim()
                .eq_ignore_ascii_case("content-id")
                .then(|| v.trim().to_owned())
        })?;
        let line = inner.lines().next()?;
        let mut words = line.split_whitespace();
        let method = words.next()?.to_owned();
        let target = words.next()?.to_owned();
        let (path, query) = match target.split_once('?') {
            Some((path, query)) => (path.to_owned(), crate::http::decode_query(query)),
            None => (target.clone(), Vec::new()),
        };
        parts.push(Part {
            content_id,
            method,
            path,
            query,
            target,
        });
    }
    Some(parts)
}

/// The batch response of `answers` (each a part's `Content-ID` and its response).
pub(crate) fn response(answers: &[(String, Response)], truncate: bool) -> Response {
    let mut body = Vec::new();
    for (content_id, answer) in answers {
        let id = content_id.trim_start_matches('<').trim_end_matches('>');
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Type: application/http\r\nContent-ID: <response-{id}>\r\n\r\n\
                 HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\n",
                answer.status,
                crate::http::reason(answer.status),
                answer.content_type,
                answer.body.len()
            )
            .as_bytes(),
        );
        for (name, value) in &answer.headers {
            body.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
        }
        body.extend_from_slice(b"\r\n");
        body.extend_from_slice(&answer.body);
        body.extend_from_slice(b"\r\n");
    }
    if truncate {
        // Into the last part's body: its inner response is cut and nothing closes the body.
        let cut = body.len().saturating_sub(12);
        body.truncate(cut);
    } else {
        body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    }
    Response {
        status: 200,
        content_type: "multipart/mixed; boundary=batch_emulated",
        headers: Vec::new(),
        body,
    }
}
