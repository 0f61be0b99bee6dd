//! Google's media protocols: simple, multipart and resumable uploads, and downloads with `alt=media`
//! and `Range`, with scripted faults ([`MediaFault`]).

use std::collections::{BTreeMap, VecDeque};

use serde_json::{json, Value};

use crate::http::Response;

/// The bytes of a downloadable object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MediaContent {
    /// These bytes.
    Bytes(Vec<u8>),
    /// This many bytes of [`MediaContent::pattern_byte`], made as they are sent (a large object that
    /// takes no memory).
    Pattern(u64),
}

impl MediaContent {
    /// The byte at `offset` of a [`MediaContent::Pattern`].
    pub fn pattern_byte(offset: u64) -> u8 {
        (offset % 251) as u8
    }

    /// Its length.
    pub fn len(&self) -> u64 {
        match self {
            MediaContent::Bytes(bytes) => bytes.len() as u64,
            MediaContent::Pattern(len) => *len,
        }
    }

    /// Whether it has no bytes.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Writes the bytes `range` into `out`.
    pub(crate) fn fill(&self, start: u64, out: &mut [u8]) {
        match self {
            MediaContent::Bytes(bytes) => {
                let start = start as usize;
                out.copy_from_slice(&bytes[start..start + out.len()]);
            }
            MediaContent::Pattern(_) => {
                for (i, byte) in out.iter_mut().enumerate() {
                    *byte = MediaContent::pattern_byte(start + i as u64);
                }
            }
        }
    }
}

/// A fault of the media protocols, for the next request it applies to; see
/// [`Emulator::inject_media`](crate::Emulator::inject_media).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum MediaFault {
    /// The next chunk of a session with bytes in it: only its first `n` bytes are kept (a partial
    /// commit), and the answer is `308` with what the session has.
    KeepOnly(u64),
    /// The next chunk of a session with bytes in it: its first `n` bytes are kept, then the
    /// connection closes without an answer (dropped mid-chunk).
    DropMidChunk(u64),
    /// The next request to a session: the session expires, and this and every later request to it
    /// is answered with this status (404 or 410).
    Expire(u16),
    /// The next download: the body breaks off after `n` bytes (the connection closes).
    DropDownloadAfter(u64),
}

/// An upload the emulator received in full.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UploadedMedia {
    /// The path of the request that started it, e.g. `/upload/storage/v1/b/b/o`.
    pub path: String,
    /// Its query, as sent to start it (without `upload_id`).
    pub query: Vec<(String, String)>,
    /// `media`, `multipart` or `resumable`.
    pub upload_type: String,
    /// The media's type.
    pub media_type: String,
    /// The JSON metadata (`null` without).
    pub metadata: Value,
    /// Its length.
    pub len: u64,
    /// Its bytes, unless the emulator keeps none ([`EmulatorConfig::keep_media`](crate::EmulatorConfig::keep_media)).
    pub bytes: Option<Vec<u8>>,
}

/// What to do about a media request.
pub(crate) enum MediaAction {
    Respond(Response),
    /// Close the connection without an answer.
    Drop,
    /// Send `content`'s bytes `start..end` with this status and headers, breaking off after
    /// `drop_after` bytes if given.
    Download {
        status: u16,
        headers: Vec<(String, String)>,
        content: MediaContent,
        start: u64,
        end: u64,
        drop_after: Option<u64>,
    },
}

/// The media request, as the emulator read it.
pub(crate) struct MediaRequest<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub query: &'a [(String, String)],
    pub headers: &'a [(String, String)],
    pub body: &'a [u8],
}

impl MediaRequest<'_> {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn query(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Whether the media service answers it.
    pub(crate) fn is_media(&self) -> bool {
        self.query("upload_id").is_some()
            || self.query("uploadType").is_some()
            || (self.method == "GET" && self.query("alt") == Some("media"))
    }
}

#[derive(Debug)]
struct Session {
    started: UploadedMedia,
    declared: Option<u64>,
    stored: u64,
    bytes: Vec<u8>,
    expired: Option<u16>,
    done: Option<Value>,
}

/// The state of the media service.
#[derive(Debug, Default)]
pub(crate) struct MediaStore {
    /// `http://127.0.0.1:PORT`, for session URLs.
    pub(crate) origin: String,
    pub(crate) keep_bytes: bool,
    sessions: BTreeMap<String, Session>,
    objects: BTreeMap<String, MediaContent>,
    pub(crate) uploads: Vec<UploadedMedia>,
    pub(crate) faults: VecDeque<MediaFault>,
}

impl MediaStore {
    pub(crate) fn insert(&mut self, path: String, content: MediaContent) {
        self.objects.insert(path, content);
    }

    pub(crate) fn handle(&mut self, request: &MediaRequest<'_>) -> MediaAction {
        if let Some(id) = request.query("upload_id") {
            return self.chunk(id.to_owned(), request);
        }
        match request.query("uploadType") {
            Some("resumable") => self.start_session(request),
            Some("media") => MediaAction::Respond(self.simple(request)),
            Some("multipart") => MediaAction::Respond(self.multipart(request)),
            Some(_) => bad_request("uploadType must be media, multipart or resumable"),
            None => self.download(request),
        }
    }

    fn start_session(&mut self, request: &MediaRequest<'_>) -> MediaAction {
        let declared = match request.header("x-upload-content-length").map(str::parse) {
            None => None,
            Some(Ok(n)) => Some(n),
            Some(Err(_)) => return bad_request("bad X-Upload-Content-Length"),
        };
        let id = format!("session-{}", self.sessions.len() + 1);
        let mut location = format!("{}{}?", self.origin, request.path);
        for (name, value) in request.query {
            location.push_str(&format!("{name}={}&", encode(value)));
        }
        location.push_str(&format!("upload_id={id}"));
        let session = Session {
            started: self.uploaded(
                request,
                "resumable",
                header_type(request, "x-upload-content-type"),
            ),
            declared,
            stored: 0,
            bytes: Vec::new(),
            expired: None,
            done: None,
        };
        self.sessions.insert(id, session);
        let mut response = Response::json(200, &json!({}));
        response.headers.push(("Location".to_owned(), location));
        MediaAction::Respond(response)
    }

    /// A `PUT` to a session: a chunk (`bytes a-b/N`) or a status query (`bytes */N`).
    fn chunk(&mut self, id: String, request: &MediaRequest<'_>) -> MediaAction {
        let Some(range) = request
            .header("content-range")
            .and_then(ContentRange::parse)
        else {
            return bad_request("a session request needs Content-Range: bytes a-b/N or bytes */N");
        };
        let fault = match self.faults.front() {
            Some(MediaFault::Expire(_)) => self.faults.pop_front(),
            Some(MediaFault::KeepOnly(_) | MediaFault::DropMidChunk(_)) if range.span.is_some() => {
                self.faults.pop_front()
            }
            _ => None,
        };
        let keep_bytes = self.keep_bytes;
        let Some(session) = self.sessions.get_mut(&id) else {
            return MediaAction::Respond(Response::google_error(404, "No such upload session."));
        };
        if let Some(MediaFault::Expire(status)) = fault {
            session.expired = Some(status);
        }
        if let Some(status) = session.expired {
            return MediaAction::Respond(Response::google_error(
                status,
                "The upload session has expired.",
            ));
        }
        if let Some(resource) = &session.done {
            return MediaAction::Respond(Response::json(200, resource));
        }
        if let Some((first, last)) = range.span {
            if first > session.stored {
                return bad_request(&format!(
                    "the chunk starts at byte {first}, but the session has {} bytes",
                    session.stored
                ));
            }
            if last + 1 - first != request.body.len() as u64 || last < first {
                return bad_request("the chunk's length is not its Content-Range's");
            }
            let new = &request.body[(session.stored - first) as usize..];
            let kept = match fault {
                Some(MediaFault::KeepOnly(n) | MediaFault::DropMidChunk(n)) => {
                    &new[..new.len().min(n as usize)]
                }
                _ => new,
            };
            session.stored += kept.len() as u64;
            if keep_bytes {
                session.bytes.extend_from_slice(kept);
            }
            if let Some(MediaFault::DropMidChunk(_)) = fault {
                return MediaAction::Drop;
            }
        }
        if let (Some(total), Some(declared)) = (range.total, session.declared) {
            if total != declared {
                return bad_request("the total is not the X-Upload-Content-Length");
            }
        }
        if range.total == Some(session.stored) {
            return MediaAction::Respond(self.finish(&id));
        }
        let mut response = Response {
            status: 308,
            content_type: "text/plain; charset=utf-8",
            headers: Vec::new(),
            body: Vec::new(),
        };
        if session.stored > 0 {
            let committed = format!("bytes=0-{}", session.stored - 1);
            response.headers.push(("Range".to_owned(), committed));
        }
        MediaAction::Respond(response)
    }

    fn finish(&mut self, id: &str) -> Response {
        let Some(session) = self.sessions.get_mut(id) else {
            return Response::google_error(404, "No such upload session.");
        };
        let mut uploaded = session.started.clone();
        uploaded.len = session.stored;
        uploaded.bytes = self.keep_bytes.then(|| std::mem::take(&mut session.bytes));
        let resource = self.complete(uploaded);
        if let Some(session) = self.sessions.get_mut(id) {
            session.done = Some(resource.clone());
        }
        Response::json(200, &resource)
    }

    fn simple(&mut self, request: &MediaRequest<'_>) -> Response {
        let media_type = header_type(request, "content-type");
        let mut uploaded = self.uploaded(request, "media", media_type);
        uploaded.len = request.body.len() as u64;
        uploaded.bytes = self.keep_bytes.then(|| request.body.to_vec());
        Response::json(200, &self.complete(uploaded))
    }

    fn multipart(&mut self, request: &MediaRequest<'_>) -> Response {
        let content_type = request.header("content-type").unwrap_or_default();
        let Some(boundary) = content_type
            .strip_prefix("multipart/related; boundary=")
            .map(|b| b.trim_matches('"'))
        else {
            return Response::google_error(
                400,
                "a multipart upload is multipart/related with a boundary",
            );
        };
        let Some([(meta_headers, meta), (media_headers, media)]) = parts(request.body, boundary)
        else {
            return Response::google_error(
                400,
                "a multipart upload has a metadata part and a media part",
            );
        };
        let Ok(metadata) = serde_json::from_slice::<Value>(meta) else {
            return Response::google_error(400, "the metadata part is not JSON");
        };
        if !meta_headers
            .to_ascii_lowercase()
            .contains("content-type: application/json")
        {
            return Response::google_error(400, "the metadata part is not application/json");
        }
        let media_type = media_headers
            .lines()
            .find_map(|line| line.strip_prefix("Content-Type: "))
            .unwrap_or("application/octet-stream")
            .to_owned();
        let mut uploaded = self.uploaded(request, "multipart", media_type);
        uploaded.metadata = metadata;
        uploaded.len = media.len() as u64;
        uploaded.bytes = self.keep_bytes.then(|| media.to_vec());
        Response::json(200, &self.complete(uploaded))
    }

    /// An upload as it starts: where, how and the metadata (the body, for a session).
    fn uploaded(
        &self,
        request: &MediaRequest<'_>,
        upload_type: &str,
        media_type: String,
    ) -> UploadedMedia {
        UploadedMedia {
            path: request.path.to_owned(),
            query: request.query.to_vec(),
            upload_type: upload_type.to_owned(),
            media_type,
            metadata: match upload_type {
                "resumable" => serde_json::from_slice(request.body).unwrap_or(Value::Null),
                _ => Value::Null,
            },
            len: 0,
            bytes: None,
        }
    }

    /// Keeps `uploaded` and answers the resource: its metadata with an `id` and `size`.
    fn complete(&mut self, uploaded: UploadedMedia) -> Value {
        let mut resource = match &uploaded.metadata {
            Value::Object(fields) => fields.clone(),
            _ => serde_json::Map::new(),
        };
        resource.insert(
            "id".to_owned(),
            json!(format!("upload-{}", self.uploads.len() + 1)),
        );
        resource.insert("size".to_owned(), json!(uploaded.len.to_string()));
        self.uploads.push(uploaded);
        Value::Object(resource)
    }

    fn download(&mut self, request: &MediaRequest<'_>) -> MediaAction {
        let Some(content) = self.objects.get(request.path).cloned() else {
            return MediaAction::Respond(Response::google_error(404, "No such object."));
        };
        let drop_after = match self.faults.front() {
            Some(MediaFault::DropDownloadAfter(n)) => {
                let n = *n;
                self.faults.pop_front();
                Some(n)
            }
            _ => None,
        };
        let len = content.len();
        let (status, start, end, mut headers) = match request.header("range") {
            None => (200, 0, len, Vec::new()),
            Some(range) => match parse_range(range, len) {
                Some((start, end)) => {
                    let content_range = format!("bytes {start}-{}/{len}", end - 1);
                    (
                        206,
                        start,
                        end,
                        vec![("Content-Range".to_owned(), content_range)],
                    )
                }
                None => {
                    let mut response =
                        Response::google_error(416, "Requested range not satisfiable.");
                    response
                        .headers
                        .push(("Content-Range".to_owned(), format!("bytes */{len}")));
                    return MediaAction::Respond(response);
                }
            },
        };
        headers.push(("Accept-Ranges".to_owned(), "bytes".to_owned()));
        MediaAction::Download {
            status,
            headers,
            content,
            start,
            end,
            drop_after,
        }
    }
}

/// `Content-Range: bytes a-b/N`, `bytes */N` or with `*` for an unknown total.
struct ContentRange {
    span: Option<(u64, u64)>,
    total: Option<u64>,
}

impl ContentRange {
    fn parse(text: &str) -> Option<ContentRange> {
        let (span, total) = text.strip_prefix("bytes ")?.split_once('/')?;
        let total = match total {
            "*" => None,
            n => Some(n.parse().ok()?),
        };
        let span = match span {
            "*" => None,
            span => {
                let (first, last) = span.split_once('-')?;
                Some((first.parse().ok()?, last.parse().ok()?))
            }
        };
        Some(ContentRange { span, total })
    }
}

/// `Range: bytes=a-` or `bytes=a-b` as the half-open `a..b+1` within `len`.
fn parse_range(text: &str, len: u64) -> Option<(u64, u64)> {
    let (first, last) = text.strip_prefix("bytes=")?.split_once('-')?;
    let first: u64 = first.parse().ok()?;
    let end = match last {
        "" => len,
        last => last.parse::<u64>().ok()?.checked_add(1)?.min(len),
    };
    (first < end).then_some((first, end))
}

/// The parts of a `multipart/related` body: each part's headers and content.
fn parts<'a>(body: &'a [u8], boundary: &str) -> Option<[(String, &'a [u8]); 2]> {
    let delimiter = format!("--{boundary}");
    let mut rest = body.strip_prefix(delimiter.as_bytes())?;
    let mut found = Vec::new();
    let separator = format!("\r\n{delimiter}");
    while let Some(part) = rest.strip_prefix(b"\r\n") {
        let head_end = find(part, b"\r\n\r\n")?;
        let headers = String::from_utf8_lossy(&part[..head_end]).into_owned();
        let content = &part[head_end + 4..];
        let end = find(content, separator.as_bytes())?;
        found.push((headers, &content[..end]));
        rest = &content[end + separator.len()..];
    }
    if !rest.starts_with(b"--") {
        return None;
    }
    found.try_into().ok()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn header_type(request: &MediaRequest<'_>, name: &str) -> String {
    request
        .header(name)
        .unwrap_or("application/octet-stream")
        .to_owned()
}

fn bad_request(message: &str) -> MediaAction {
    MediaAction::Respond(Response::google_error(400, message))
}

/// Percent-encodes a query value.
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_and_parts_parse() {
        assert_eq!(parse_range("bytes=5-", 10), Some((5, 10)));
        assert_eq!(parse_range("bytes=2-3", 10), Some((2, 4)));
        assert_eq!(parse_range("bytes=10-", 10), None);
        let body = b"--b\r\nContent-Type: application/json\r\n\r\n{}\r\n--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b--\r\n";
        let [(_, meta), (headers, media)] = parts(body, "b").unwrap();
        assert_eq!((meta, media), (&b"{}"[..], &b"hi"[..]));
        assert_eq!(headers, "Content-Type: text/plain");
        assert!(parts(b"--b\r\nX: y\r\n\r\nno end", "b").is_none());
    }
}
