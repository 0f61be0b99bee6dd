//! A scripted HTTP/1.1 server on 127.0.0.1 for the retry, pagination and
//! auth tests: each connection carries one request and gets the next reply
//! of the script (then `Connection: close`).

#![allow(dead_code)]

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::Instant;

/// One request as the server read it.
#[derive(Debug, Clone)]
pub struct Received {
    pub request_line: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// When the request's headers were complete.
    pub at: Instant,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The request target (path and query) of the request line.
    pub fn target(&self) -> &str {
        self.request_line.split(' ').nth(1).unwrap_or("")
    }
}

/// What the server does with one request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// A complete response.
    Status {
        status: &'static str,
        headers: Vec<(&'static str, String)>,
        body: Vec<u8>,
    },
    /// Waits, then replies.
    Delay(Duration, Box<Reply>),
    /// Sends the headers and part of the body, then resets the connection.
    ResetMidBody,
    /// Sends these bytes as they are, then closes the connection.
    Raw(Vec<u8>),
}

/// Answers some requests (e.g. those to a token endpoint) before the script.
pub type Route = fn(&Received) -> Option<Reply>;

/// Like [`Route`], with state (a token server counting what it issued, say).
pub type Handler = Arc<dyn Fn(&Received) -> Option<Reply> + Send + Sync>;

pub fn json(status: &'static str, body: &str) -> Reply {
    Reply::Status {
        status,
        headers: vec![("Content-Type", "application/json".to_owned())],
        body: body.as_bytes().to_vec(),
    }
}

pub fn ok(body: &str) -> Reply {
    json("200 OK", body)
}

pub fn status(status: &'static str) -> Reply {
    json(
        status,
        &format!(r#"{{"error":{{"code":0,"message":"{status}"}}}}"#),
    )
}

pub fn with_header(reply: Reply, name: &'static str, value: &str) -> Reply {
    match reply {
        Reply::Status {
            status,
            mut headers,
            body,
        } => {
            headers.push((name, value.to_owned()));
            Reply::Status {
                status,
                headers,
                body,
            }
        }
        other => other,
    }
}

pub struct Server {
    pub base_url: String,
    pub received: Arc<Mutex<Vec<Received>>>,
}

impl Server {
    /// Starts a server that answers requests with `script`, in order, and
    /// with 599 once the script is used up.
    pub async fn start(script: Vec<Reply>) -> Server {
        Server::start_with_route(|_| None, script).await
    }

    /// Like [`Server::start`], but `route` is asked first for each request.
    pub async fn start_with_route(route: Route, script: Vec<Reply>) -> Server {
        Server::start_with_handler(Arc::new(route), script).await
    }

    /// Like [`Server::start`], but `route` is asked first for each request.
    pub async fn start_with_handler(route: Handler, script: Vec<Reply>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let received = Arc::new(Mutex::new(Vec::new()));
        let script = Arc::new(Mutex::new(VecDeque::from(script)));
        let log = received.clone();
        tokio::spawn(async move {
            // Bounded: no test sends more than this many requests.
            for _ in 0..64 {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let log = log.clone();
                let script = script.clone();
                let route = route.clone();
                tokio::spawn(async move {
                    let _ = handle(stream, log, route, script).await;
                });
            }
        });
        Server {
            base_url: format!("http://{addr}/"),
            received,
        }
    }

    pub fn requests(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    pub fn count(&self) -> usize {
        self.received.lock().unwrap().len()
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

async fn read_request(stream: &mut TcpStream) -> std::io::Result<Received> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = find(&buf, b"\r\n\r\n") {
            break i;
        }
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let at = Instant::now();
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default().to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let len: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < len {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Ok(Received {
        request_line,
        headers,
        body,
        at,
    })
}

async fn handle(
    mut stream: TcpStream,
    log: Arc<Mutex<Vec<Received>>>,
    route: Handler,
    script: Arc<Mutex<VecDeque<Reply>>>,
) -> std::io::Result<()> {
    let request = read_request(&mut stream).await?;
    log.lock().unwrap().push(request.clone());
    let reply = route(&request).unwrap_or_else(|| {
        script
            .lock()
            .unwrap()
            .pop_front()
            .unwrap_or_else(|| json("599 Script Exhausted", "{}"))
    });
    send(&mut stream, reply).await
}

async fn send(stream: &mut TcpStream, mut reply: Reply) -> std::io::Result<()> {
    while let Reply::Delay(wait, next) = reply {
        tokio::time::sleep(wait).await;
        reply = *next;
    }
    match reply {
        Reply::Status {
            status,
            headers,
            body,
        } => {
            let mut head = format!("HTTP/1.1 {status}\r\n");
            for (name, value) in headers {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
            head.push_str(&format!(
                "Content-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            ));
            let mut bytes = head.into_bytes();
            bytes.extend_from_slice(&body);
            stream.write_all(&bytes).await?;
            stream.shutdown().await
        }
        Reply::ResetMidBody => {
            stream
                .write_all(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\
                      Content-Length: 100\r\n\r\n{\"name\":",
                )
                .await?;
            stream.flush().await?;
            // Give the client time to read the head, then send a RST.
            tokio::time::sleep(Duration::from_millis(20)).await;
            stream.set_zero_linger()?;
            Ok(())
        }
        Reply::Raw(bytes) => {
            stream.write_all(&bytes).await?;
            stream.shutdown().await
        }
        Reply::Delay(..) => unreachable!(),
    }
}
