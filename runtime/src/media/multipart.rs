//! Simple and multipart uploads: a simple upload (`uploadType=media`) sends the bytes as the body; a
//! multipart upload (`uploadType=multipart`) sends the JSON metadata and the bytes as two parts of one
//! `multipart/related` body.

use crate::Request;

impl Request {
    /// Makes this request a media upload of `data`: multipart with the JSON body as metadata when the
    /// request has one, a simple upload otherwise. The path should already be the method's upload path.
    pub fn media(&mut self, data: Vec<u8>, media_type: &str) {
        match self.body().map(<[u8]>::to_vec) {
            Some(metadata) => {
                let boundary = boundary(&[&metadata, &data]);
                let body = multipart_related(&boundary, &metadata, &data, media_type);
                self.raw_body(body, format!("multipart/related; boundary={boundary}"));
                self.set_query("uploadType", "multipart");
            }
            None => {
                self.raw_body(data, media_type);
                self.set_query("uploadType", "media");
            }
        }
    }
}

/// A boundary that occurs in none of the parts.
fn boundary(parts: &[&[u8]]) -> String {
    (0u64..)
        .map(|n| format!("discogen_boundary_{n:016x}"))
        .find(|candidate| {
            parts
                .iter()
                .all(|part| !contains(part, candidate.as_bytes()))
        })
        .unwrap_or_default()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

fn multipart_related(boundary: &str, metadata: &[u8], data: &[u8], media_type: &str) -> Vec<u8> {
    let mut body = Vec::with_capacity(metadata.len() + data.len() + 256);
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n").as_bytes(),
    );
    body.extend_from_slice(metadata);
    body.extend_from_slice(
        format!("\r\n--{boundary}\r\nContent-Type: {media_type}\r\n\r\n").as_bytes(),
    );
    body.extend_from_slice(data);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    body
}

#[cfg(test)]
mod tests {
    use crate::{Method, Request};

    #[test]
    fn without_metadata_the_bytes_are_the_body() {
        let mut request = Request::new(Method::POST, "/upload/v1/files".to_owned());
        request.media(b"hello".to_vec(), "text/plain");
        assert_eq!(request.body(), Some(&b"hello"[..]));
        assert_eq!(request.content_type(), Some("text/plain"));
        assert_eq!(request.query_pairs()[0].0, "uploadType");
        assert_eq!(request.query_pairs()[0].1, "media");
    }

    #[test]
    fn with_metadata_the_body_is_multipart_related() {
        let mut request = Request::new(Method::POST, "/upload/v1/files".to_owned());
        request.json_body(&serde_json::json!({"name": "a.txt"}));
        request.media(
            b"discogen_boundary_0000000000000000 inside".to_vec(),
            "text/plain",
        );
        let boundary = "discogen_boundary_0000000000000001";
        assert_eq!(
            request.content_type(),
            Some(format!("multipart/related; boundary={boundary}").as_str())
        );
        let expected = format!(
            "--{boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n{{\"name\":\"a.txt\"}}\r\n\
             --{boundary}\r\nContent-Type: text/plain\r\n\r\ndiscogen_boundary_0000000000000000 inside\r\n--{boundary}--\r\n"
        );
        assert_eq!(String::from_utf8_lossy(request.body().unwrap()), expected);
        assert_eq!(request.query_pairs()[0].1, "multipart");
    }
}
