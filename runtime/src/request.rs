//! Requests described as data, query parameters and standard parameters.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, SecondsFormat, TimeDelta, Utc};

use crate::{Bytes, Error, Method, RetryPolicy};

/// A list of query pairs, in order.
type Pairs = Vec<(Cow<'static, str>, String)>;

/// One HTTP call described as data: method, path relative to the base URL,
/// query pairs and an optional JSON body.
///
/// Requests are plain data and cheap enough to clone, so a caller can keep
/// one around to send it again.
#[derive(Clone)]
pub struct Request {
    method: Method,
    path: String,
    query: Pairs,
    body: Option<Vec<u8>>,
    encode_error: Option<Arc<serde_json::Error>>,
    api_version: Option<&'static str>,
    idempotent: Option<bool>,
    /// The body's media type; `None` means JSON.
    content_type: Option<String>,
    /// Headers beyond the ones every request gets, e.g. `X-Upload-Content-Type`.
    headers: Vec<(Cow<'static, str>, String)>,
    /// The Discovery method id, e.g. `dialogflow.projects.operations.get`, for traces.
    method_id: Option<&'static str>,
    /// How this one call is sent, overriding the client's settings.
    settings: CallSettings,
    /// Set by [`Request::refused`]: sending fails with this error instead.
    refusal: Option<(String, &'static str)>,
    /// For a batch request: the method id of each part, by its number (see [`crate::batch`]).
    pub(crate) batch_parts: Option<Arc<[Option<&'static str>]>>,
}

/// Per-call overrides of a client's settings (see [`CallOptions`]).
#[derive(Debug, Clone, Default)]
pub(crate) struct CallSettings {
    pub(crate) timeout: Option<Duration>,
    pub(crate) attempt_timeout: Option<Duration>,
    pub(crate) retry: Option<RetryPolicy>,
}

/// Query parameters whose values are credentials: shown as `<redacted>` in
/// `Debug` output and in error messages.
pub(crate) const SECRET_QUERY_PARAMS: [&str; 4] =
    ["key", "access_token", "oauth_token", "upload_id"];

impl Request {
    /// Creates a request. `path` is already expanded and percent-encoded and
    /// relative to the client's base URL (no leading `/`), e.g.
    /// `"v2/projects/p/operations/o:cancel"`. A path that starts with `/` is
    /// resolved against the origin of the base URL instead.
    #[doc(hidden)]
    pub fn new(method: Method, path: String) -> Self {
        Request {
            method,
            path,
            query: Vec::new(),
            body: None,
            encode_error: None,
            api_version: None,
            idempotent: None,
            content_type: None,
            headers: Vec::new(),
            method_id: None,
            settings: CallSettings::default(),
            refusal: None,
            batch_parts: None,
        }
    }

    /// A request that is never sent: sending it fails with
    /// [`Error::UnknownLink`] for `link`, giving `reason`. What a generated
    /// operations service returns for a link it does not recognise, so the
    /// poller reports it like any failed request.
    #[doc(hidden)]
    pub fn refused(link: &str, reason: &'static str) -> Self {
        let mut request = Request::new(Method::GET, String::new());
        request.refusal = Some((link.to_owned(), reason));
        request
    }

    /// The error of a [`Request::refused`] request.
    pub(crate) fn refusal(&self) -> Option<Error> {
        self.refusal
            .as_ref()
            .map(|(link, reason)| Error::UnknownLink {
                link: link.clone(),
                reason,
            })
    }

    /// Names the Discovery method this request calls (e.g. `dialogflow.projects.operations.get`);
    /// it appears in the `tracing` span of the call.
    #[doc(hidden)]
    pub fn set_method_id(&mut self, id: &'static str) {
        self.method_id = Some(id);
    }

    /// The Discovery method this request calls, e.g. `dialogflow.projects.operations.get`.
    pub fn method_id(&self) -> Option<&'static str> {
        self.method_id
    }

    /// Limits this call, across all attempts, to `timeout` (overrides
    /// [`ClientBuilder::total_timeout`](crate::ClientBuilder::total_timeout)).
    #[doc(hidden)]
    pub fn timeout(&mut self, timeout: Duration) {
        self.settings.timeout = Some(timeout);
    }

    /// Limits each attempt of this call to `timeout` (overrides
    /// [`ClientBuilder::timeout`](crate::ClientBuilder::timeout)).
    #[doc(hidden)]
    pub fn attempt_timeout(&mut self, timeout: Duration) {
        self.settings.attempt_timeout = Some(timeout);
    }

    /// Retries this call by `policy` instead of the client's ([`RetryPolicy::none`]: one attempt).
    #[doc(hidden)]
    pub fn retry_policy(&mut self, policy: RetryPolicy) {
        self.settings.retry = Some(policy);
    }

    pub(crate) fn settings(&self) -> &CallSettings {
        &self.settings
    }

    /// Appends the query pairs for `value` under `name`: none for `None`,
    /// one per element for sequences, one otherwise.
    #[doc(hidden)]
    pub fn query<V: QueryValue + ?Sized>(&mut self, name: &'static str, value: &V) {
        value.append_to(name, &mut self.query);
    }

    /// Sets query parameter `name` to `value`, replacing every earlier pair
    /// of that name (at its first position, or at the end if there was
    /// none). A `None` value just removes the parameter.
    #[doc(hidden)]
    pub fn set_query<V: QueryValue + ?Sized>(&mut self, name: &'static str, value: &V) {
        let mut new = Vec::new();
        value.append_to(name, &mut new);
        match self.query.iter().position(|(n, _)| n == name) {
            Some(at) => {
                self.query.retain(|(n, _)| n != name);
                self.query.splice(at..at, new);
            }
            None => self.query.extend(new),
        }
    }

    /// Marks the request as safe (or not) to send more than once, which
    /// decides whether the client may retry it (see [`crate::retry`]).
    ///
    /// By default only `GET` requests are idempotent.
    #[doc(hidden)]
    pub fn idempotent(&mut self, idempotent: bool) {
        self.idempotent = Some(idempotent);
    }

    /// Whether the request may be retried: the value given to
    /// [`Request::idempotent`], or else whether the method is `GET`.
    pub fn is_idempotent(&self) -> bool {
        self.idempotent.unwrap_or(self.method == Method::GET)
    }

    /// Sets the JSON body, serializing `body` now. An encoding error is kept
    /// and returned as [`Error::Encode`] when the request is executed.
    #[doc(hidden)]
    pub fn json_body<B: serde::Serialize + ?Sized>(&mut self, body: &B) {
        match serde_json::to_vec(body) {
            Ok(bytes) => {
                self.body = Some(bytes);
                self.encode_error = None;
            }
            Err(e) => {
                self.body = None;
                self.encode_error = Some(Arc::new(e));
            }
        }
    }

    /// Sets the API version, sent as the `X-Goog-Api-Version` header.
    #[doc(hidden)]
    pub fn api_version(&mut self, version: &'static str) {
        self.api_version = Some(version);
    }

    /// Appends the standard (global) parameters as query pairs and applies the
    /// per-call options kept with them (see [`CallOptions`]).
    #[doc(hidden)]
    pub fn params(&mut self, params: Params) {
        self.query.extend(params.pairs);
        let Params {
            settings,
            idempotent,
            headers,
            ..
        } = params;
        if let Some(timeout) = settings.timeout {
            self.timeout(timeout);
        }
        if let Some(timeout) = settings.attempt_timeout {
            self.attempt_timeout(timeout);
        }
        if let Some(policy) = settings.retry {
            self.retry_policy(policy);
        }
        if let Some(idempotent) = idempotent {
            self.idempotent(idempotent);
        }
        self.headers
            .extend(headers.into_iter().map(|(n, v)| (Cow::Owned(n), v)));
    }

    /// The HTTP method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The percent-encoded path, relative to the base URL.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The query pairs (unencoded), in order.
    pub fn query_pairs(&self) -> &[(Cow<'static, str>, String)] {
        &self.query
    }

    /// The encoded JSON body, if one was set.
    pub fn body(&self) -> Option<&[u8]> {
        self.body.as_deref()
    }

    /// The value of the `X-Goog-Api-Version` header, if one was set.
    pub fn api_version_header(&self) -> Option<&'static str> {
        self.api_version
    }

    /// Replaces the path, e.g. with a method's `/upload/...` media path or an upload session URL.
    #[doc(hidden)]
    pub fn set_path(&mut self, path: String) {
        self.path = path;
    }

    /// Sets a raw body and its media type, replacing any JSON body.
    #[doc(hidden)]
    pub fn raw_body(&mut self, body: Vec<u8>, content_type: impl Into<String>) {
        self.body = Some(body);
        self.encode_error = None;
        self.content_type = Some(content_type.into());
    }

    /// The body's media type: the one given to [`Request::raw_body`], or JSON when there is a body.
    pub fn content_type(&self) -> Option<&str> {
        match (&self.content_type, &self.body) {
            (Some(media_type), _) => Some(media_type),
            (None, Some(_)) => Some("application/json"),
            (None, None) => None,
        }
    }

    /// Adds a header, e.g. `X-Upload-Content-Type`. A name or value that is not valid in HTTP is an
    /// [`Error::Config`] when the request is sent. A header of the same name set by the client (a
    /// credential's `x-goog-user-project`, say) is replaced.
    #[doc(hidden)]
    pub fn header(&mut self, name: impl Into<Cow<'static, str>>, value: impl Into<String>) {
        self.headers.push((name.into(), value.into()));
    }

    /// The headers added with [`Request::header`].
    pub fn extra_headers(&self) -> &[(Cow<'static, str>, String)] {
        &self.headers
    }

    /// Takes the body out, or returns the error stored by [`Request::json_body`].
    pub(crate) fn take_body(&mut self) -> crate::Result<Option<Vec<u8>>> {
        if let Some(e) = self.encode_error.take() {
            let e = Arc::try_unwrap(e)
                .unwrap_or_else(|shared| serde::ser::Error::custom(shared.to_string()));
            return Err(Error::Encode(e));
        }
        Ok(self.body.take())
    }
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &RedactedPairs(&self.query))
            .field(
                "body",
                &self.body.as_deref().map(|b| String::from_utf8_lossy(b)),
            )
            .field("encode_error", &self.encode_error)
            .field("api_version", &self.api_version)
            .field("idempotent", &self.is_idempotent())
            .field("method_id", &self.method_id)
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

/// Query pairs for `Debug`, with credential values hidden.
struct RedactedPairs<'a>(&'a [(Cow<'static, str>, String)]);

impl fmt::Debug for RedactedPairs<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|(name, value)| {
                let value = if SECRET_QUERY_PARAMS.contains(&name.as_ref()) {
                    "<redacted>"
                } else {
                    value.as_str()
                };
                (name.as_ref(), value)
            }))
            .finish()
    }
}

/// Values that can be sent as query parameters.
pub trait QueryValue {
    /// Appends zero, one or many `(name, value)` pairs to `out`.
    fn append_to(&self, name: &'static str, out: &mut Vec<(Cow<'static, str>, String)>);
}

fn push(name: &'static str, out: &mut Pairs, value: String) {
    out.push((Cow::Borrowed(name), value));
}

impl QueryValue for str {
    fn append_to(&self, name: &'static str, out: &mut Pairs) {
        push(name, out, self.to_owned());
    }
}

impl QueryValue for String {
    fn append_to(&self, name: &'static str, out: &mut Pairs) {
        push(name, out, self.clone());
    }
}

impl QueryValue for bool {
    fn append_to(&self, name: &'static str, out: &mut Pairs) {
        push(name, out, if *self { "true" } else { "false" }.to_owned());
    }
}

macro_rules! display_query_value {
    ($($t:ty),*) => {$(
        impl QueryValue for $t {
            fn append_to(&self, name: &'static str, out: &mut Pairs) {
                push(name, out, self.to_string());
            }
        }
    )*};
}

display_query_value!(i32, u32, i64, u64);

/// Floats are sent in decimal; NaN and the infinities as `NaN`, `Infinity`, `-Infinity`.
impl QueryValue for f64 {
    fn append_to(&self, name: &'static str, out: &mut Pairs) {
        let text = match crate::wire::non_finite_text(*self) {
            Some(t) => t.to_owned(),
            None => self.to_string(),
        };
        push(name, out, text);
    }
}

/// Floats are sent in decimal; NaN and the infinities as `NaN`, `Infinity`, `-Infinity`.
impl QueryValue for f32 {
    fn append_to(&self, name: &'static str, out: &mut Pairs) {
        let text = match crate::wire::non_finite_text(f64::from(*self)) {
            Some(t) => t.to_owned(),
            None => self.to_string(),
        };
        push(name, out, text);
    }
}

/// RFC 3339 with a `Z` suffix, e.g. `2024-05-01T12:00:00.5Z`.
impl QueryValue for DateTime<Utc> {
    fn append_to(&self, name: &'static str, out: &mut Pairs) {
        push(name, out, self.to_rfc3339_opts(SecondsFormat::AutoSi, true));
    }
}

/// `YYYY-MM-DD`.
impl QueryValue for NaiveDate {
    fn append_to(&self, name: &'static str, out: &mut Pairs) {
        push(name, out, self.format("%Y-%m-%d").to_string());
    }
}

/// Google duration text, e.g. `3.5s`.
impl QueryValue for TimeDelta {
    fn append_to(&self, name: &'static str, out: &mut Pairs) {
        push(name, out, crate::wire::format_duration(self));
    }
}

/// URL-safe base64 with padding.
impl QueryValue for Bytes {
    fn append_to(&self, name: &'static str, out: &mut Pairs) {
        push(name, out, self.to_base64_url());
    }
}

/// A JSON value (an `any` or an object-typed parameter) as query pairs, the
/// way Google's HTTP mapping reads message fields from a query: one pair per
/// leaf, named by its dotted path (`extensions.@type=...`); arrays repeat
/// the name, `null` sends nothing, strings go as they are, numbers and
/// booleans as JSON text.
impl QueryValue for serde_json::Value {
    fn append_to(&self, name: &'static str, out: &mut Pairs) {
        append_json(Cow::Borrowed(name), self, out);
    }
}

/// An object-typed parameter (`additionalProperties: any`); see the impl for
/// [`serde_json::Value`].
impl QueryValue for std::collections::BTreeMap<String, serde_json::Value> {
    fn append_to(&self, name: &'static str, out: &mut Pairs) {
        for (key, value) in self {
            append_json(Cow::Owned(format!("{name}.{key}")), value, out);
        }
    }
}

fn append_json(name: Cow<'static, str>, value: &serde_json::Value, out: &mut Pairs) {
    use serde_json::Value;
    match value {
        Value::Null => {}
        Value::String(s) => out.push((name, s.clone())),
        Value::Bool(_) | Value::Number(_) => out.push((name, value.to_string())),
        Value::Array(items) => {
            for item in items {
                append_json(name.clone(), item, out);
            }
        }
        Value::Object(fields) => {
            for (key, value) in fields {
                append_json(Cow::Owned(format!("{name}.{key}")), value, out);
            }
        }
    }
}

impl<T: QueryValue> QueryValue for Option<T> {
    fn append_to(&self, name: &'static str, out: &mut Pairs) {
        if let Some(v) = self {
            v.append_to(name, out);
        }
    }
}

impl<T: QueryValue> QueryValue for Vec<T> {
    fn append_to(&self, name: &'static str, out: &mut Pairs) {
        self.as_slice().append_to(name, out);
    }
}

impl<T: QueryValue> QueryValue for [T] {
    fn append_to(&self, name: &'static str, out: &mut Pairs) {
        for v in self {
            v.append_to(name, out);
        }
    }
}

impl<T: QueryValue + ?Sized> QueryValue for &T {
    fn append_to(&self, name: &'static str, out: &mut Pairs) {
        (**self).append_to(name, out);
    }
}

/// Standard (global) query parameters of one call, e.g. `fields`,
/// `quotaUser`, `$.xgafv`, and its per-call options ([`CallOptions`]).
/// Every generated request builder keeps one and hands it to
/// [`Request::params`].
#[derive(Clone, Default)]
pub struct Params {
    pairs: Pairs,
    settings: CallSettings,
    idempotent: Option<bool>,
    headers: Vec<(String, String)>,
}

impl fmt::Debug for Params {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Header values may be credentials: only their names are shown.
        let header_names: Vec<&str> = self.headers.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("Params")
            .field("pairs", &RedactedPairs(&self.pairs))
            .field("settings", &self.settings)
            .field("idempotent", &self.idempotent)
            .field("headers", &header_names)
            .finish()
    }
}

/// How one call is sent, on every request builder of every generated crate: a timeout, a retry
/// policy, an idempotency override and extra headers. Each overrides the client's setting for this
/// call only. The `with_` prefix keeps them apart from the setters of a method's own parameters
/// (272 methods of the corpus take a `timeout` parameter).
///
/// ```no_run
/// # use discogen_runtime::__private::Params;
/// # use discogen_runtime::{CallOptions, Client, Method, Request};
/// # #[derive(Default)]
/// # struct Get { params: Params }
/// # impl CallOptions for Get {
/// #     fn call_params(&mut self) -> &mut Params { &mut self.params }
/// # }
/// # impl Get {
/// #     async fn send(self, client: &Client) -> discogen_runtime::Result<serde_json::Value> {
/// #         let mut request = Request::new(Method::GET, "v1/things/1".to_owned());
/// #         request.params(self.params);
/// #         client.execute(request).await
/// #     }
/// # }
/// # async fn f(client: &Client, get: Get) -> discogen_runtime::Result<()> {
/// use std::time::Duration;
/// use discogen_runtime::{CallOptions, RetryPolicy};
///
/// // `get` is any generated request builder.
/// let thing = get
///     .with_timeout(Duration::from_secs(5))
///     .with_retry_policy(RetryPolicy::none())
///     .with_header("x-goog-user-project", "my-billing-project")
///     .send(client)
///     .await?;
/// # Ok(()) }
/// ```
pub trait CallOptions: Sized {
    /// Where the builder keeps its parameters and options.
    #[doc(hidden)]
    fn call_params(&mut self) -> &mut Params;

    /// Limits this call, all attempts and the sleeps between them included, to `timeout`; when it
    /// passes the call fails with [`Error::Timeout`]. Overrides
    /// [`ClientBuilder::total_timeout`](crate::ClientBuilder::total_timeout).
    fn with_timeout(mut self, timeout: Duration) -> Self {
        self.call_params().settings.timeout = Some(timeout);
        self
    }

    /// Limits each attempt of this call to `timeout` (an attempt that takes longer is retried if the
    /// call may be). Overrides [`ClientBuilder::timeout`](crate::ClientBuilder::timeout).
    fn with_attempt_timeout(mut self, timeout: Duration) -> Self {
        self.call_params().settings.attempt_timeout = Some(timeout);
        self
    }

    /// Retries this call by `policy`; [`RetryPolicy::none`] sends it once. Overrides
    /// [`ClientBuilder::retry_policy`](crate::ClientBuilder::retry_policy).
    fn with_retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.call_params().settings.retry = Some(policy);
        self
    }

    /// Declares this call safe (or not) to send more than once, which decides whether it is
    /// retried; by default only `GET` is (see [`crate::retry`]).
    fn with_idempotency(mut self, idempotent: bool) -> Self {
        self.call_params().idempotent = Some(idempotent);
        self
    }

    /// Sends an extra header with this call, e.g. `x-goog-user-project` to bill another project.
    /// It replaces a header of the same name that the client would send. An invalid name or value is
    /// an [`Error::Config`] when the call is sent. Values never appear in `Debug` output or logs.
    fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let params = self.call_params();
        params.headers.push((name.into(), value.into()));
        self
    }
}

impl Params {
    /// Sets parameter `name` to `value`, replacing earlier values of that
    /// name. A `None` value just removes the parameter.
    pub fn set<V: QueryValue + ?Sized>(&mut self, name: &'static str, value: &V) {
        self.pairs.retain(|(n, _)| n != name);
        value.append_to(name, &mut self.pairs);
    }

    /// The parameters as `(name, value)` pairs, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs.iter().map(|(n, v)| (n.as_ref(), v.as_str()))
    }

    /// Whether no parameter is set.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(r: &Request) -> Vec<(&str, &str)> {
        r.query_pairs()
            .iter()
            .map(|(n, v)| (n.as_ref(), v.as_str()))
            .collect()
    }

    #[test]
    fn object_query_values_are_sent_by_dotted_path() {
        let any: std::collections::BTreeMap<String, serde_json::Value> = serde_json::from_value(
            serde_json::json!({"@type": "type.googleapis.com/x.Y", "n": 2, "on": true,
                               "list": ["a", "b"], "nested": {"k": "v"}, "gone": null}),
        )
        .unwrap();
        let mut r = Request::new(Method::GET, "v1/x".to_owned());
        r.query("extensions", &vec![any.clone(), any]);
        r.query("v", &serde_json::json!("plain"));
        let expected_one = [
            ("extensions.@type", "type.googleapis.com/x.Y"),
            ("extensions.list", "a"),
            ("extensions.list", "b"),
            ("extensions.n", "2"),
            ("extensions.nested.k", "v"),
            ("extensions.on", "true"),
        ];
        let mut expected: Vec<(&str, &str)> = expected_one.repeat(2);
        expected.push(("v", "plain"));
        assert_eq!(pairs(&r), expected);
    }

    #[test]
    fn query_values() {
        let mut r = Request::new(Method::GET, "v1/x".to_owned());
        r.query("a", "s");
        r.query("b", &String::from("t"));
        r.query("c", &true);
        r.query("d", &-5i32);
        r.query("e", &7u64);
        r.query("f", &1.5f64);
        r.query("g", &f64::NEG_INFINITY);
        r.query("h", &None::<i32>);
        r.query("i", &Some(3i64));
        r.query("j", &vec!["x".to_owned(), "y".to_owned()]);
        r.query("k", &[1u32, 2][..]);
        r.query("l", &Vec::<String>::new());
        r.query("m", &&false);
        r.query("n", &Some(vec![0.25f32]));
        assert_eq!(
            pairs(&r),
            vec![
                ("a", "s"),
                ("b", "t"),
                ("c", "true"),
                ("d", "-5"),
                ("e", "7"),
                ("f", "1.5"),
                ("g", "-Infinity"),
                ("i", "3"),
                ("j", "x"),
                ("j", "y"),
                ("k", "1"),
                ("k", "2"),
                ("m", "false"),
                ("n", "0.25"),
            ]
        );
    }

    #[test]
    fn query_chrono_and_bytes() {
        let mut r = Request::new(Method::GET, "v1/x".to_owned());
        let t = DateTime::parse_from_rfc3339("2024-05-01T12:00:00.5+02:00")
            .unwrap()
            .with_timezone(&Utc);
        r.query("t", &t);
        r.query("t0", &DateTime::from_timestamp(0, 0).unwrap());
        r.query("d", &NaiveDate::from_ymd_opt(2024, 2, 9).unwrap());
        r.query("dur", &TimeDelta::milliseconds(3500));
        r.query("b", &Bytes(vec![0xfb, 0xff]));
        assert_eq!(
            pairs(&r),
            vec![
                ("t", "2024-05-01T10:00:00.500Z"),
                ("t0", "1970-01-01T00:00:00Z"),
                ("d", "2024-02-09"),
                ("dur", "3.5s"),
                ("b", "-_8="),
            ]
        );
    }

    #[test]
    fn params_replace_and_append() {
        let mut p = Params::default();
        assert!(p.is_empty());
        p.set("fields", "a,b");
        p.set("quotaUser", "u");
        p.set("fields", "c");
        p.set("$.xgafv", &None::<String>);
        p.set("quotaUser", &None::<String>);
        p.set("prettyPrint", &false);
        assert_eq!(
            p.iter().collect::<Vec<_>>(),
            vec![("fields", "c"), ("prettyPrint", "false")]
        );
        let mut r = Request::new(Method::GET, "v1/x".to_owned());
        r.query("pageSize", &10i32);
        r.params(p);
        assert_eq!(
            pairs(&r),
            vec![
                ("pageSize", "10"),
                ("fields", "c"),
                ("prettyPrint", "false")
            ]
        );
    }

    #[test]
    fn set_query_replaces_in_place() {
        let mut r = Request::new(Method::GET, "v1/x".to_owned());
        r.query("a", "1");
        r.query("pageToken", "t1");
        r.query("b", "2");
        r.query("pageToken", "t2");
        r.set_query("pageToken", "t3");
        assert_eq!(pairs(&r), vec![("a", "1"), ("pageToken", "t3"), ("b", "2")]);
        r.set_query("ids", &vec![1, 2]);
        r.set_query("a", &vec!["x", "y"]);
        assert_eq!(
            pairs(&r),
            vec![
                ("a", "x"),
                ("a", "y"),
                ("pageToken", "t3"),
                ("b", "2"),
                ("ids", "1"),
                ("ids", "2")
            ]
        );
        r.set_query("pageToken", &None::<String>);
        r.set_query("a", &Vec::<String>::new());
        assert_eq!(pairs(&r), vec![("b", "2"), ("ids", "1"), ("ids", "2")]);
    }

    #[test]
    fn idempotency_defaults_to_get_only() {
        for (method, expected) in [
            (Method::GET, true),
            (Method::POST, false),
            (Method::PUT, false),
            (Method::PATCH, false),
            (Method::DELETE, false),
        ] {
            let mut r = Request::new(method.clone(), "x".to_owned());
            assert_eq!(r.is_idempotent(), expected, "{method}");
            r.idempotent(!expected);
            assert_eq!(r.is_idempotent(), !expected, "{method}");
            assert_eq!(r.clone().is_idempotent(), !expected);
        }
    }

    #[test]
    fn debug_hides_credentials_in_query() {
        let mut r = Request::new(Method::GET, "v1/x".to_owned());
        r.query("key", "api-key-secret");
        r.query("access_token", "tok-secret");
        r.query("oauth_token", "oauth-secret");
        r.query("q", "visible");
        let debug = format!("{r:?}");
        assert!(!debug.contains("secret"), "{debug}");
        assert!(
            debug.contains("visible") && debug.contains("<redacted>"),
            "{debug}"
        );
    }

    #[test]
    fn json_body_and_encode_error() {
        let mut r = Request::new(Method::POST, "v1/x".to_owned());
        r.json_body(&serde_json::json!({"a": 1}));
        assert_eq!(r.body(), Some(&br#"{"a":1}"#[..]));
        let cloned = r.clone();
        assert_eq!(cloned.body(), r.body());

        // Maps with non-string keys cannot be encoded as JSON.
        let bad: std::collections::BTreeMap<Vec<u8>, i32> = [(vec![1u8], 1)].into_iter().collect();
        r.json_body(&bad);
        assert_eq!(r.body(), None);
        let mut cloned = r.clone();
        assert!(matches!(r.take_body(), Err(Error::Encode(_))));
        assert!(matches!(cloned.take_body(), Err(Error::Encode(_))));
        assert!(format!("{r:?}").contains("Request"));
    }
}
