//! Bodies as they are logged at TRACE level: JSON with the values of credential-like fields replaced.

use serde_json::Value;

use crate::request::SECRET_QUERY_PARAMS;

/// Field names (lowercase, without `_` and `-`) whose values are never logged.
const SECRET_FIELDS: [&str; 12] = [
    "accesstoken",
    "apikey",
    "assertion",
    "clientsecret",
    "idtoken",
    "key",
    "password",
    "privatekey",
    "refreshtoken",
    "secret",
    "subjecttoken",
    "token",
];

/// A JSON body with every secret field's value shown as `"<redacted>"`; anything that is not JSON
/// only by its length (media, forms), since it cannot be searched for secrets.
pub(crate) fn body(bytes: &[u8]) -> String {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(mut value) => {
            redact(&mut value);
            value.to_string()
        }
        Err(_) => format!("<{} bytes, not JSON>", bytes.len()),
    }
}

fn redact(value: &mut Value) {
    match value {
        Value::Object(object) => {
            for (name, field) in object.iter_mut() {
                if is_secret(name) {
                    *field = Value::String("<redacted>".to_owned());
                } else {
                    redact(field);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact),
        _ => {}
    }
}

fn is_secret(name: &str) -> bool {
    let folded: String = name
        .chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect();
    SECRET_FIELDS.contains(&folded.as_str())
}

/// Replaces the values of secret query parameters (`key`, `access_token`, `oauth_token`, and a
/// resumable upload session's `upload_id`) in `url` with `REDACTED`.
pub(crate) fn url(url: &mut reqwest::Url) {
    let secret = |name: &str| SECRET_QUERY_PARAMS.contains(&name);
    if !url.query_pairs().any(|(n, _)| secret(&n)) {
        return;
    }
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(n, v)| {
            let v = if secret(&n) {
                "REDACTED".to_owned()
            } else {
                v.into_owned()
            };
            (n.into_owned(), v)
        })
        .collect();
    url.query_pairs_mut().clear().extend_pairs(pairs);
}

/// [`url`] of a URL given as text; text that is no URL is not shown at all.
pub(crate) fn url_text(text: &str) -> String {
    match reqwest::Url::parse(text) {
        Ok(mut parsed) => {
            url(&mut parsed);
            parsed.into()
        }
        Err(_) => "<not a URL>".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_redacted_at_any_depth() {
        let text = body(
            br#"{"name":"n","access_token":"ya29.x","nested":[{"refreshToken":"r","client-secret":"c","keep":"k"}],"apiKey":"A"}"#,
        );
        assert_eq!(
            text,
            r#"{"access_token":"<redacted>","apiKey":"<redacted>","name":"n","nested":[{"client-secret":"<redacted>","keep":"k","refreshToken":"<redacted>"}]}"#
        );
        assert!(!text.contains("ya29") && !text.contains("\"A\""));
        assert_eq!(body(b"\x00\x01binary"), "<8 bytes, not JSON>");
    }
}
