//! A small HTTP/1.1 server for end-to-end tests of generated clients.
//!
//! [`serve`] binds `127.0.0.1:0`, answers every request with a handler
//! function and records each request (in arrival order) before answering it,
//! so a test that has received a response can inspect the request at once.
//!
//! The server supports keep-alive, `Content-Length` bodies and nothing more
//! exotic: a `Transfer-Encoding` request gets 501. Heads and bodies have size
//! limits. Its tasks run on the test's runtime and end with the test.

// Each test binary that includes this module uses a different part of it.
#![allow(dead_code)]

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Largest request head (request line and headers) accepted.
const MAX_HEAD_BYTES: usize = 64 * 1024;
/// Largest request body accepted.
const MAX_BODY_BYTES: usize = 1024 * 1024;
/// How long a test waits for one client call.
const CALL_TIMEOUT: Duration = Duration::from_secs(10);

/// One request as the server received it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedRequest {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path exactly as sent (still percent-encoded), e.g. `/v2/projects/p`.
    pub path: String,
    /// The query string exactly as sent, without the `?`.
    pub raw_query: Option<String>,
    /// The query string decoded (`+` and `%XX`) into ordered pairs.
    pub query: Vec<(String, String)>,
    /// Headers in order, names lower-cased.
    pub headers: Vec<(String, String)>,
    /// The body bytes (empty if none).
    pub body: Vec<u8>,
}

impl RecordedRequest {
    /// The value of the first header called `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The value of the first query parameter called `name`.
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The decoded query pairs as string slices, handy for `assert_eq!`.
    pub fn query_pairs(&self) -> Vec<(&str, &str)> {
        self.query
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect()
    }
}

/// A response: status, body text (JSON unless `content_type` says otherwise) and extra headers.
#[derive(Clone, Debug)]
pub struct Response {
    pub status: u16,
    pub body: String,
    pub content_type: &'static str,
    pub headers: Vec<(String, String)>,
}

impl Response {
    /// A response with status `status` and `body` serialized as JSON.
    pub fn json(status: u16, body: &serde_json::Value) -> Self {
        Response {
            status,
            body: body.to_string(),
            content_type: "application/json; charset=UTF-8",
            headers: Vec::new(),
        }
    }

    /// A response whose body is `body` as sent, of media type `content_type`.
    pub fn raw(status: u16, body: &str, content_type: &'static str) -> Self {
        Response {
            status,
            body: body.to_owned(),
            content_type,
            headers: Vec::new(),
        }
    }

    /// The response with one more header.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }
}

/// Shared log of the requests a server received.
#[derive(Clone, Debug, Default)]
pub struct Recorder(Arc<Mutex<Vec<RecordedRequest>>>);

impl Recorder {
    /// A copy of every request received so far, in arrival order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.0.lock().unwrap().clone()
    }

    /// The only request received so far; panics if there were more or none.
    pub fn single(&self) -> RecordedRequest {
        let requests = self.requests();
        assert_eq!(requests.len(), 1, "expected one request, got {requests:#?}");
        requests.into_iter().next().unwrap()
    }

    fn push(&self, request: RecordedRequest) {
        self.0.lock().unwrap().push(request);
    }
}

/// Starts a server on `127.0.0.1:0` that answers with `handler`; returns its
/// base URL (`http://127.0.0.1:PORT/`) and its request log.
pub async fn serve<H>(handler: H) -> (String, Recorder)
where
    H: Fn(&RecordedRequest) -> Response + Send + Sync + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let recorder = Recorder::default();
    let handler = Arc::new(handler);
    let log = recorder.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let handler = Arc::clone(&handler);
            let log = log.clone();
            tokio::spawn(async move {
                // A connection error only ends that connection; the client
                // call that used it fails and the test reports it.
                let _ = serve_connection(stream, &*handler, &log).await;
            });
        }
    });
    (format!("http://{addr}/"), recorder)
}

/// Awaits a client call, failing the test if it takes longer than 10 seconds.
pub async fn within_timeout<F: Future>(call: F) -> F::Output {
    tokio::time::timeout(CALL_TIMEOUT, call)
        .await
        .expect("client call timed out")
}

/// Answers requests on one connection until either side closes it.
async fn serve_connection<H>(
    mut stream: TcpStream,
    handler: &H,
    log: &Recorder,
) -> std::io::Result<()>
where
    H: Fn(&RecordedRequest) -> Response,
{
    let mut buf = Vec::new();
    loop {
        // The head ends at the first empty line.
        let head_len = loop {
            if let Some(i) = find(&buf, b"\r\n\r\n") {
                break i;
            }
            if buf.len() > MAX_HEAD_BYTES {
                return reject(&mut stream, 431, "request head too large").await;
            }
            if read_more(&mut stream, &mut buf).await? == 0 {
                return Ok(()); // Closed between requests.
            }
        };
        let Some(head) = parse_head(&buf[..head_len]) else {
            return reject(&mut stream, 400, "malformed request head").await;
        };
        if head.header("transfer-encoding").is_some() {
            return reject(&mut stream, 501, "Transfer-Encoding is not supported").await;
        }
        let body_len = match head.header("content-length").map(str::parse::<usize>) {
            None => 0,
            Some(Ok(n)) if n <= MAX_BODY_BYTES => n,
            Some(Ok(_)) => return reject(&mut stream, 413, "request body too large").await,
            Some(Err(_)) => return reject(&mut stream, 400, "bad Content-Length").await,
        };
        let body_start = head_len + 4;
        while buf.len() < body_start + body_len {
            if read_more(&mut stream, &mut buf).await? == 0 {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
        }
        let body = buf[body_start..body_start + body_len].to_vec();
        buf.drain(..body_start + body_len);

        let keep_alive = head.version == "HTTP/1.1"
            && !head
                .header("connection")
                .is_some_and(|v| v.eq_ignore_ascii_case("close"));
        let (path, raw_query) = match head.target.split_once('?') {
            Some((path, query)) => (path.to_owned(), Some(query.to_owned())),
            None => (head.target.clone(), None),
        };
        let request = RecordedRequest {
            method: head.method,
            path,
            query: raw_query.as_deref().map(decode_query).unwrap_or_default(),
            raw_query,
            headers: head.headers,
            body,
        };
        let response = handler(&request);
        log.push(request);
        write_response(&mut stream, &response, keep_alive).await?;
        if !keep_alive {
            return stream.shutdown().await;
        }
    }
}

struct Head {
    method: String,
    target: String,
    version: String,
    headers: Vec<(String, String)>,
}

impl Head {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

fn parse_head(bytes: &[u8]) -> Option<Head> {
    let text = std::str::from_utf8(bytes).ok()?;
    let mut lines = text.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let (method, target, version) = (
        request_line.next()?,
        request_line.next()?,
        request_line.next()?,
    );
    if request_line.next().is_some() || !version.starts_with("HTTP/1.") {
        return None;
    }
    let headers = lines
        .map(|line| {
            let (name, value) = line.split_once(':')?;
            Some((name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        })
        .collect::<Option<Vec<_>>>()?;
    Some(Head {
        method: method.to_owned(),
        target: target.to_owned(),
        version: version.to_owned(),
        headers,
    })
}

async fn read_more(stream: &mut TcpStream, buf: &mut Vec<u8>) -> std::io::Result<usize> {
    let mut chunk = [0u8; 8192];
    let n = stream.read(&mut chunk).await?;
    buf.extend_from_slice(&chunk[..n]);
    Ok(n)
}

async fn write_response(
    stream: &mut TcpStream,
    response: &Response,
    keep_alive: bool,
) -> std::io::Result<()> {
    let extra: String = response
        .headers
        .iter()
        .map(|(name, value)| format!("{name}: {value}\r\n"))
        .collect();
    let head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: {}\r\n{extra}\r\n",
        response.status,
        reason(response.status),
        response.content_type,
        response.body.len(),
        if keep_alive { "keep-alive" } else { "close" },
    );
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(response.body.as_bytes()).await?;
    stream.flush().await
}

/// Answers a request the server cannot handle, then closes the connection.
async fn reject(stream: &mut TcpStream, status: u16, message: &str) -> std::io::Result<()> {
    let body = serde_json::json!({"error": {"code": status, "message": message}});
    write_response(stream, &Response::json(status, &body), false).await?;
    stream.shutdown().await
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        413 => "Payload Too Large",
        431 => "Request Header Fields Too Large",
        501 => "Not Implemented",
        _ => "Unknown",
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Splits `a=1&b=x%3Dy` into `[("a", "1"), ("b", "x=y")]`.
fn decode_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (form_decode(name), form_decode(value))
        })
        .collect()
}

/// Decodes `application/x-www-form-urlencoded` text: `+` is a space, `%XX` a byte.
pub fn form_decode(text: &str) -> String {
    percent_decode(&text.replace('+', " "))
}

/// Decodes `%XX` escapes; other bytes are kept.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = match bytes.get(i..i + 3) {
            Some([b'%', hi, lo]) if hi.is_ascii_hexdigit() && lo.is_ascii_hexdigit() => {
                Some(hex_value(*hi) * 16 + hex_value(*lo))
            }
            _ => None,
        };
        match escaped {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8(out).expect("percent-decoded text is not UTF-8")
}

fn hex_value(digit: u8) -> u8 {
    match digit {
        b'0'..=b'9' => digit - b'0',
        b'a'..=b'f' => digit - b'a' + 10,
        _ => digit - b'A' + 10,
    }
}
