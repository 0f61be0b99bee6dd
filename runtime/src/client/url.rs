//! Where a request goes: its URL, and the checks that keep it on the client's endpoint.

use std::net::IpAddr;

use reqwest::Url;

use super::Client;
use crate::{Error, Method, Request, Result};

impl Client {
    /// The full URL `request` is sent to, including its query string but
    /// not the client's API key (added when sending, and never shown).
    pub fn url_for(&self, request: &Request) -> Result<Url> {
        let path = request.path();
        let joined = if path.starts_with("https://") || path.starts_with("http://") {
            // An upload session URL handed out by the server.
            path.to_owned()
        } else if path.starts_with('/') {
            format!("{}{}", self.inner.origin, path)
        } else {
            format!("{}{}", self.inner.base_url, path)
        };
        let mut url = Url::parse(&joined).map_err(|e| {
            Error::config(
                crate::error::ConfigErrorKind::Url,
                format!("invalid request URL {joined:?}: {e}"),
            )
        })?;
        if !path.starts_with("https://") && !path.starts_with("http://") {
            check_path(request, &url, &joined)?;
        }
        if !request.query_pairs().is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (name, value) in request.query_pairs() {
                pairs.append_pair(name, value);
            }
        }
        Ok(url)
    }

    /// A `GET` of `link`, an absolute URL the service handed out (a status-style operation's
    /// `targetLink`), resolved against this client's base URL: the link's path must lie under the base
    /// URL's path (`/compute/v1/` for `https://www.googleapis.com/compute/v1/projects/p/zones/z/instances/i`),
    /// and only the part after it is used, so the request goes to this client's endpoint with its
    /// credentials and never to a host named by a response. Anything else, or a path with `.`/`..`
    /// segments, a query or a fragment, is [`Error::UnknownLink`].
    pub fn link_request(&self, link: &str) -> Result<Request> {
        let refuse = |reason| Error::UnknownLink {
            link: link.to_owned(),
            reason,
        };
        let rest = link
            .strip_prefix("https://")
            .or_else(|| link.strip_prefix("http://"))
            .ok_or_else(|| refuse("not an absolute http(s) URL"))?;
        let path = rest.find('/').map_or("/", |at| &rest[at..]);
        if path.contains(['?', '#']) || path.split('/').any(|s| s == "." || s == "..") {
            return Err(refuse("the path has a query, a fragment or a dot segment"));
        }
        let base_path = self
            .inner
            .base_url
            .strip_prefix(&self.inner.origin)
            .unwrap_or("/");
        let relative = path
            .strip_prefix(base_path)
            .filter(|r| !r.is_empty())
            .ok_or_else(|| refuse("not under the client's base URL"))?;
        Ok(Request::new(Method::GET, relative.to_owned()))
    }
}

/// Refuses a request whose URL path is not the path it was built with: a path variable holding a
/// `.` or `..` segment (which URL parsing resolves, so `projects/p/../../v9/x` would leave the
/// method's path) or a `?`/`#` (which would start the query or fragment).
pub(super) fn check_path(request: &Request, url: &Url, joined: &str) -> Result<()> {
    // The joined text up to its path: the URL's origin, as written.
    let written_path = joined
        .find("://")
        .and_then(|scheme_end| {
            let rest = &joined[scheme_end + 3..];
            rest.find('/').map(|at| &rest[at..])
        })
        .unwrap_or("/");
    let kept = url.path() == written_path && url.query().is_none() && url.fragment().is_none();
    let dot_segment = written_path.split('/').any(|s| s == "." || s == "..");
    if kept && !dot_segment {
        return Ok(());
    }
    Err(Error::UnsafePath {
        path: request.path().to_owned(),
        sent: url.path().to_owned(),
    })
}

/// Whether `url`'s host is `localhost` or a loopback IP address.
pub(super) fn is_loopback(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}
