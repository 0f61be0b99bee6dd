//! Google's batch format, both ways: `multipart/mixed` bodies whose parts are `application/http`
//! requests or responses, told apart by `Content-ID`. Pure functions on bytes; none panics, whatever
//! the bytes.

use http::header::{HeaderMap, HeaderName, HeaderValue};

/// The line end of everything written.
const CRLF: &str = "\r\n";

/// One inner request, as written into a part.
pub(crate) struct InnerRequest<'a> {
    /// `GET`, `POST`, ...
    pub(crate) method: &'a str,
    /// The path and query, `/drive/v3/files/abc?fields=id`.
    pub(crate) target: &'a str,
    /// The headers after the request line, in order (validated by the caller: no CR or LF).
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Option<&'a [u8]>,
}

/// The `Content-ID` of part `n` of a batch whose ids start with `base`.
pub(crate) fn content_id(base: &str, n: usize) -> String {
    format!("<{base}+{n}>")
}

/// The part number a response's `Content-ID` names, when it answers a request of the batch `base`:
/// `<response-BASE+N>` (the angle brackets and the `response-` prefix are optional).
pub(crate) fn answered_part(content_id: &str, base: &str) -> Option<usize> {
    let id = content_id.trim();
    let id = id.strip_prefix('<').unwrap_or(id);
    let id = id.strip_suffix('>').unwrap_or(id);
    let id = id.strip_prefix("response-").unwrap_or(id);
    let (their_base, n) = id.rsplit_once('+')?;
    if their_base != base || n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    n.parse().ok()
}

/// Appends the part of `request` numbered `n` to `out`.
pub(crate) fn write_request_part(
    out: &mut Vec<u8>,
    boundary: &str,
    base: &str,
    n: usize,
    request: &InnerRequest<'_>,
) {
    let mut head = format!(
        "--{boundary}{CRLF}Content-Type: application/http{CRLF}\
         Content-Transfer-Encoding: binary{CRLF}Content-ID: {}{CRLF}{CRLF}\
         {} {} HTTP/1.1{CRLF}",
        content_id(base, n),
        request.method,
        request.target,
    );
    for (name, value) in &request.headers {
        head.push_str(name);
        head.push_str(": ");
        head.push_str(value);
        head.push_str(CRLF);
    }
    head.push_str(CRLF);
    out.extend_from_slice(head.as_bytes());
    if let Some(body) = request.body {
        out.extend_from_slice(body);
    }
    out.extend_from_slice(CRLF.as_bytes());
}

/// Ends a multipart body.
pub(crate) fn write_end(out: &mut Vec<u8>, boundary: &str) {
    out.extend_from_slice(format!("--{boundary}--{CRLF}").as_bytes());
}

/// The `boundary` parameter of a `multipart/mixed` content type.
pub(crate) fn boundary_of(content_type: &str) -> Option<&str> {
    let mut params = content_type.split(';');
    let media_type = params.next()?.trim();
    if !media_type.eq_ignore_ascii_case("multipart/mixed") {
        return None;
    }
    params.find_map(|param| {
        let (name, value) = param.split_once('=')?;
        if !name.trim().eq_ignore_ascii_case("boundary") {
            return None;
        }
        let value = value.trim();
        let value = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .unwrap_or(value);
        (!value.is_empty()).then_some(value)
    })
}

/// The parts of a multipart body, and whether it ended with its closing delimiter. A part cut short
/// (no delimiter after it) is returned last, with `complete == false`.
pub(crate) fn split_parts<'a>(body: &'a [u8], boundary: &str) -> (Vec<&'a [u8]>, bool) {
    let delimiter = format!("--{boundary}");
    let delimiter = delimiter.as_bytes();
    let mut parts = Vec::new();
    // The first delimiter: at the start, or at the start of a line.
    let mut at = match body.starts_with(delimiter) {
        true => 0,
        false => match find(body, &[b"\n", delimiter].concat()) {
            Some(i) => i + 1,
            None => return (parts, false),
        },
    };
    loop {
        let after = at + delimiter.len();
        let rest = &body[after..];
        if rest.starts_with(b"--") {
            return (parts, true);
        }
        // The rest of the delimiter's line (transport padding) is not content.
        let Some(line_end) = rest.iter().position(|&b| b == b'\n') else {
            return (parts, false);
        };
        let start = after + line_end + 1;
        let content = &body[start..];
        match find(content, &[b"\n", delimiter].concat()) {
            Some(i) => {
                let part = &content[..i];
                parts.push(part.strip_suffix(b"\r").unwrap_or(part));
                at = start + i + 1;
            }
            None => {
                parts.push(content);
                return (parts, false);
            }
        }
    }
}

/// A part's MIME headers and what follows them.
pub(crate) fn part_headers(part: &[u8]) -> (Vec<(String, String)>, Option<&[u8]>) {
    let (head, rest) = split_head(part);
    (header_lines(head), rest)
}

/// An inner HTTP response: `HTTP/1.1 200 OK`, headers, body.
#[derive(Debug)]
pub(crate) struct InnerResponse {
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Vec<u8>,
}

/// Reads the inner response of a part (the bytes after its MIME headers); `None` when it is not an
/// HTTP response, or shorter than its `Content-Length`.
pub(crate) fn inner_response(bytes: &[u8]) -> Option<InnerResponse> {
    let (head, body) = split_head(bytes);
    let body = body?;
    let head = std::str::from_utf8(head).ok()?;
    let mut lines = head.lines();
    let status_line = lines.next()?.trim();
    let mut words = status_line.split_whitespace();
    if !words.next()?.starts_with("HTTP/") {
        return None;
    }
    let status: u16 = words.next()?.parse().ok()?;
    if !(100..=999).contains(&status) {
        return None;
    }
    let mut headers = HeaderMap::new();
    for (name, value) in header_lines(head.split_once('\n').map_or("", |(_, h)| h).as_bytes()) {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(&value),
        ) {
            headers.append(name, value);
        }
    }
    let length = headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<usize>().ok());
    let body = match length {
        Some(length) if length > body.len() => return None,
        Some(length) => &body[..length],
        None => body,
    };
    Some(InnerResponse {
        status,
        headers,
        body: body.to_vec(),
    })
}

/// The head (up to the first empty line) and what follows it, if there is an empty line.
fn split_head(bytes: &[u8]) -> (&[u8], Option<&[u8]>) {
    let crlf = find(bytes, b"\r\n\r\n").map(|i| (i, 4));
    let lf = find(bytes, b"\n\n").map(|i| (i, 2));
    let end = match (crlf, lf) {
        (Some(a), Some(b)) => Some(if a.0 <= b.0 { a } else { b }),
        (a, b) => a.or(b),
    };
    match end {
        Some((i, len)) => (&bytes[..i], Some(&bytes[i + len..])),
        None => (bytes, None),
    }
}

/// `Name: value` lines (others skipped), names lower-cased.
fn header_lines(head: &[u8]) -> Vec<(String, String)> {
    String::from_utf8_lossy(head)
        .lines()
        .filter_map(|line| {
            let (name, value) = line.split_once(':')?;
            Some((name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        })
        .collect()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || needle.len() > haystack.len() {
        return None;
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// For the testing mock: the parts of a batch request body, each its `Content-ID` and inner request
/// (method, target, headers, body).
#[cfg(feature = "testing")]
pub(crate) fn request_parts(body: &[u8], boundary: &str) -> Vec<ParsedRequest> {
    let (parts, _) = split_parts(body, boundary);
    parts
        .into_iter()
        .filter_map(|part| {
            let (headers, rest) = part_headers(part);
            let content_id = headers
                .iter()
                .find(|(n, _)| n == "content-id")
                .map(|(_, v)| v.clone())?;
            let (head, body) = split_head(rest?);
            let head = String::from_utf8_lossy(head);
            let (line, fields) = head.split_once('\n').unwrap_or((&head, ""));
            let mut words = line.split_whitespace();
            let method = words.next()?.to_owned();
            let target = words.next()?.to_owned();
            Some(ParsedRequest {
                content_id,
                method,
                target,
                headers: header_lines(fields.as_bytes()),
                body: body.unwrap_or_default().to_vec(),
            })
        })
        .collect()
}

/// An inner request read back (the testing mock's side).
#[cfg(feature = "testing")]
pub(crate) struct ParsedRequest {
    pub(crate) content_id: String,
    pub(crate) method: String,
    pub(crate) target: String,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

/// For the testing mock: appends the response part answering `content_id`.
#[cfg(feature = "testing")]
pub(crate) fn write_response_part(
    out: &mut Vec<u8>,
    boundary: &str,
    content_id: &str,
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
) {
    let id = content_id.trim();
    let id = id.strip_prefix('<').unwrap_or(id);
    let id = id.strip_suffix('>').unwrap_or(id);
    let reason = http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("");
    let mut head = format!(
        "--{boundary}{CRLF}Content-Type: application/http{CRLF}Content-ID: <response-{id}>{CRLF}{CRLF}\
         HTTP/1.1 {status} {reason}{CRLF}"
    );
    for (name, value) in headers {
        if name == http::header::CONTENT_LENGTH {
            continue;
        }
        head.push_str(&format!(
            "{name}: {}{CRLF}",
            String::from_utf8_lossy(value.as_bytes())
        ));
    }
    head.push_str(&format!("Content-Length: {}{CRLF}{CRLF}", body.len()));
    out.extend_from_slice(head.as_bytes());
    out.extend_from_slice(body);
    out.extend_from_slice(CRLF.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_ids() {
        assert_eq!(content_id("b1", 3), "<b1+3>");
        assert_eq!(answered_part("<response-b1+3>", "b1"), Some(3));
        assert_eq!(answered_part("response-b1+12", "b1"), Some(12));
        assert_eq!(answered_part("<b1+3>", "b1"), Some(3));
        for other in [
            "<response-b2+3>",
            "<response-b1+>",
            "<response-b1+x>",
            "",
            "<>",
            "+",
        ] {
            assert_eq!(answered_part(other, "b1"), None, "{other}");
        }
    }

    #[test]
    fn boundaries() {
        assert_eq!(boundary_of("multipart/mixed; boundary=abc"), Some("abc"));
        assert_eq!(
            boundary_of("Multipart/Mixed; charset=x; boundary=\"a b\""),
            Some("a b")
        );
        assert_eq!(boundary_of("application/json"), None);
        assert_eq!(boundary_of("multipart/mixed"), None);
        assert_eq!(boundary_of("multipart/mixed; boundary="), None);
    }

    #[test]
    fn splits_and_reads_parts() {
        let body = b"preamble\r\n--B\r\nContent-ID: <response-x+1>\r\n\r\nHTTP/1.1 200 OK\r\n\
            Content-Type: application/json\r\n\r\n{\"a\":1}\r\n--B\r\nContent-ID: <response-x+2>\r\n\r\n\
            HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\n{}\r\n--B--\r\n";
        let (parts, complete) = split_parts(body, "B");
        assert!(complete);
        assert_eq!(parts.len(), 2);
        let (headers, rest) = part_headers(parts[0]);
        assert_eq!(
            headers,
            [("content-id".to_owned(), "<response-x+1>".to_owned())]
        );
        let response = inner_response(rest.unwrap()).unwrap();
        assert_eq!(response.status, 200);
        assert_eq!(response.body, b"{\"a\":1}");
        let response = inner_response(part_headers(parts[1]).1.unwrap()).unwrap();
        assert_eq!((response.status, &response.body[..]), (404, &b"{}"[..]));
        // Cut short: the last part is returned, incomplete.
        let (parts, complete) = split_parts(&body[..body.len() - 20], "B");
        assert!(!complete);
        assert_eq!(parts.len(), 2);
    }

    #[test]
    fn odd_bytes_never_panic() {
        let body = b"--B\r\nContent-ID: <response-x+1>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n{}\r\n--B--";
        for end in 0..=body.len() {
            let (parts, _) = split_parts(&body[..end], "B");
            for part in parts {
                if let (_, Some(rest)) = part_headers(part) {
                    let _ = inner_response(rest);
                }
            }
        }
        assert!(inner_response(b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n{}").is_none());
        assert!(inner_response(b"HTTP/1.1 99999 X\r\n\r\n").is_none());
        assert!(inner_response(b"garbage\r\n\r\n").is_none());
    }
}
