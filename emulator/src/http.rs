//! Just enough HTTP/1.1 for a loopback test server: request heads,
//! `Content-Length` bodies, keep-alive, gzip bodies for a client that accepts them, and responses
//! written by hand so that faults (a reset, a truncated body) can be produced on purpose.

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Largest request head (request line and headers) accepted.
const MAX_HEAD_BYTES: usize = 64 * 1024;
/// Largest request body accepted.
/// Largest request body accepted: a default resumable chunk (8 MiB) with room to spare.
const MAX_BODY_BYTES: usize = 32 * 1024 * 1024;

/// One parsed request.
pub(crate) struct Incoming {
    pub method: String,
    /// The request target exactly as sent, e.g. `/v2/projects/p?a=b`.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub keep_alive: bool,
}

/// What reading the next request gave.
pub(crate) enum Read {
    Request(Incoming),
    /// The client closed the connection between requests.
    Closed,
    /// The request was malformed; answer with this status and close.
    Reject(u16, &'static str),
}

/// A response to write: status, extra headers and body.
#[derive(Clone, Debug)]
pub(crate) struct Response {
    pub status: u16,
    pub content_type: &'static str,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// A JSON response.
    pub fn json(status: u16, body: &serde_json::Value) -> Self {
        Response {
            status,
            content_type: "application/json; charset=UTF-8",
            headers: Vec::new(),
            body: body.to_string().into_bytes(),
        }
    }

    /// The same response with its body gzip-compressed and `Content-Encoding: gzip`, as Google's front
    /// ends answer a client that sends `Accept-Encoding: gzip`.
    pub fn gzipped(mut self) -> Self {
        use std::io::Write as _;
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        // Writing to a Vec cannot fail.
        if encoder.write_all(&self.body).is_ok() {
            if let Ok(body) = encoder.finish() {
                self.body = body;
                self.headers
                    .push(("Content-Encoding".to_owned(), "gzip".to_owned()));
            }
        }
        self
    }

    /// A Google error response: `{"error": {"code", "message", "status"}}`.
    pub fn google_error(status: u16, message: &str) -> Self {
        Response::json(
            status,
            &serde_json::json!({"error": {
                "code": status,
                "message": message,
                "status": canonical_status(status),
            }}),
        )
    }
}

/// The canonical `google.rpc.Code` name Google sends for an HTTP status.
fn canonical_status(status: u16) -> &'static str {
    match status {
        400 => "INVALID_ARGUMENT",
        401 => "UNAUTHENTICATED",
        403 => "PERMISSION_DENIED",
        404 => "NOT_FOUND",
        405 | 501 => "UNIMPLEMENTED",
        409 => "ALREADY_EXISTS",
        413 | 429 | 431 => "RESOURCE_EXHAUSTED",
        503 => "UNAVAILABLE",
        504 => "DEADLINE_EXCEEDED",
        _ => "UNKNOWN",
    }
}

/// Reads one request from `stream`; `buf` keeps bytes read past its end.
pub(crate) async fn read_request(
    stream: &mut TcpStream,
    buf: &mut Vec<u8>,
) -> std::io::Result<Read> {
    let head_len = loop {
        if let Some(i) = find(buf, b"\r\n\r\n") {
            break i;
        }
        if buf.len() > MAX_HEAD_BYTES {
            return Ok(Read::Reject(431, "request head too large"));
        }
        if read_more(stream, buf).await? == 0 {
            return if buf.is_empty() {
                Ok(Read::Closed)
            } else {
                Err(std::io::ErrorKind::UnexpectedEof.into())
            };
        }
    };
    let Some((method, target, version, headers)) = parse_head(&buf[..head_len]) else {
        return Ok(Read::Reject(400, "malformed request head"));
    };
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    if header("transfer-encoding").is_some() {
        return Ok(Read::Reject(501, "Transfer-Encoding is not supported"));
    }
    let body_len = match header("content-length").map(str::parse::<usize>) {
        None => 0,
        Some(Ok(n)) if n <= MAX_BODY_BYTES => n,
        Some(Ok(_)) => return Ok(Read::Reject(413, "request body too large")),
        Some(Err(_)) => return Ok(Read::Reject(400, "bad Content-Length")),
    };
    let keep_alive = version == "HTTP/1.1"
        && !header("connection").is_some_and(|v| v.eq_ignore_ascii_case("close"));
    let body_start = head_len + 4;
    while buf.len() < body_start + body_len {
        if read_more(stream, buf).await? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
    }
    let body = buf[body_start..body_start + body_len].to_vec();
    buf.drain(..body_start + body_len);
    Ok(Read::Request(Incoming {
        method,
        target,
        headers,
        body,
        keep_alive,
    }))
}

/// Whether the request's `Accept-Encoding` (headers lower-cased) names gzip.
pub(crate) fn accepts_gzip(headers: &[(String, String)]) -> bool {
    headers.iter().any(|(name, value)| {
        name == "accept-encoding"
            && value
                .split(',')
                .any(|coding| coding.split(';').next().unwrap_or("").trim() == "gzip")
    })
}

/// Splits a request head into method, target, version and lower-cased headers.
#[allow(clippy::type_complexity)]
fn parse_head(bytes: &[u8]) -> Option<(String, String, String, Vec<(String, String)>)> {
    let text = std::str::from_utf8(bytes).ok()?;
    let mut lines = text.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let (method, target, version) = (
        request_line.next()?,
        request_line.next()?,
        request_line.next()?,
    );
    if request_line.next().is_some() || !version.starts_with("HTTP/1.") || method.is_empty() {
        return None;
    }
    let headers = lines
        .map(|line| {
            let (name, value) = line.split_once(':')?;
            Some((name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        })
        .collect::<Option<Vec<_>>>()?;
    Some((
        method.to_owned(),
        target.to_owned(),
        version.to_owned(),
        headers,
    ))
}

async fn read_more(stream: &mut TcpStream, buf: &mut Vec<u8>) -> std::io::Result<usize> {
    let mut chunk = [0u8; 8192];
    let n = stream.read(&mut chunk).await?;
    buf.extend_from_slice(&chunk[..n]);
    Ok(n)
}

/// Writes `response`; with `truncate`, announces the full `Content-Length`
/// but sends only the first half of the body (the caller then closes).
pub(crate) async fn write_response(
    stream: &mut TcpStream,
    response: &Response,
    keep_alive: bool,
    truncate: bool,
) -> std::io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: {}\r\n",
        response.status,
        reason(response.status),
        response.content_type,
        response.body.len(),
        if keep_alive && !truncate {
            "keep-alive"
        } else {
            "close"
        },
    );
    for (name, value) in &response.headers {
        head.push_str(name);
        head.push_str(": ");
        head.push_str(value);
        head.push_str("\r\n");
    }
    head.push_str("\r\n");
    let body = if truncate {
        &response.body[..response.body.len() / 2]
    } else {
        &response.body[..]
    };
    // One write: a head and a body in two small segments would wait for
    // the peer's delayed ACK (Nagle), ~40 ms per response.
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(body);
    stream.write_all(&bytes).await?;
    stream.flush().await
}

/// Writes a download: the head, then `content`'s bytes `start..end` in blocks (never all in memory),
/// closing after `drop_after` bytes when given.
pub(crate) async fn write_media(
    stream: &mut TcpStream,
    download: &MediaDownload<'_>,
    keep_alive: bool,
) -> std::io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: application/octet-stream\r\nContent-Length: {}\r\nConnection: {}\r\n",
        download.status,
        reason(download.status),
        download.end - download.start,
        if keep_alive { "keep-alive" } else { "close" },
    );
    for (name, value) in download.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await?;
    let stop = download
        .drop_after
        .map_or(download.end, |n| download.end.min(download.start + n));
    let mut block = vec![0u8; 256 * 1024];
    let mut at = download.start;
    while at < stop {
        let n = (stop - at).min(block.len() as u64) as usize;
        download.content.fill(at, &mut block[..n]);
        stream.write_all(&block[..n]).await?;
        at += n as u64;
    }
    stream.flush().await
}

/// What [`write_media`] sends.
pub(crate) struct MediaDownload<'a> {
    pub status: u16,
    pub headers: &'a [(String, String)],
    pub content: &'a crate::media::MediaContent,
    pub start: u64,
    pub end: u64,
    pub drop_after: Option<u64>,
}

pub(crate) fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        206 => "Partial Content",
        308 => "Permanent Redirect",
        410 => "Gone",
        416 => "Range Not Satisfiable",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        413 => "Payload Too Large",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        _ => "Unknown",
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Splits `a=1&b=x%3Dy` into `[("a", "1"), ("b", "x=y")]` (`+` is a space).
pub(crate) fn decode_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (
                percent_decode(&name.replace('+', " ")),
                percent_decode(&value.replace('+', " ")),
            )
        })
        .collect()
}

/// Decodes `%XX` escapes; other bytes are kept; invalid UTF-8 becomes U+FFFD.
pub(crate) fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = match bytes.get(i..i + 3) {
            Some([b'%', hi, lo]) => hex_value(*hi).zip(hex_value(*lo)),
            _ => None,
        };
        match escaped {
            Some((hi, lo)) => {
                out.push(hi * 16 + lo);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_value(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_queries_and_paths() {
        assert_eq!(
            decode_query("a=1&b=x%3Dy+z&&c"),
            vec![
                ("a".to_owned(), "1".to_owned()),
                ("b".to_owned(), "x=y z".to_owned()),
                ("c".to_owned(), String::new()),
            ]
        );
        assert_eq!(percent_decode("a%2Fb%zz%4"), "a/b%zz%4");
        assert_eq!(percent_decode("%FF"), "\u{FFFD}");
    }

    #[test]
    fn parses_heads() {
        let (m, t, v, h) = parse_head(b"GET /x?y HTTP/1.1\r\nHost: a\r\nX-A:  b ").unwrap();
        assert_eq!(
            (m.as_str(), t.as_str(), v.as_str()),
            ("GET", "/x?y", "HTTP/1.1")
        );
        assert_eq!(
            h,
            vec![("host".into(), "a".into()), ("x-a".into(), "b".into())]
        );
        assert!(parse_head(b"GET /x HTTP/2").is_none());
        assert!(parse_head(b"GET /x HTTP/1.1\r\nno colon").is_none());
        assert!(parse_head(b"\xff\xfe").is_none());
    }
}
