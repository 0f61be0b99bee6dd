//! Streams over list calls that page with `pageToken` / `nextPageToken`.
//!
//! ```no_run
//! # async fn run(client: discogen_runtime::Client, request: discogen_runtime::Request)
//! #     -> discogen_runtime::Result<()> {
//! use discogen_runtime::paginate::{items, Page, StreamExt as _};
//!
//! #[derive(serde::Deserialize)]
//! #[serde(rename_all = "camelCase")]
//! struct ListThings {
//!     things: Option<Vec<String>>,
//!     next_page_token: Option<String>,
//! }
//!
//! impl Page for ListThings {
//!     type Item = String;
//!     fn next_page_token(&self) -> Option<&str> {
//!         self.next_page_token.as_deref()
//!     }
//!     fn into_items(self) -> Vec<String> {
//!         self.things.unwrap_or_default()
//!     }
//! }
//!
//! let mut things = std::pin::pin!(items::<ListThings>(client, request));
//! while let Some(thing) = things.next().await {
//!     println!("{}", thing?);
//! }
//! # Ok(())
//! # }
//! ```

use std::collections::HashSet;

use futures_util::stream;

use crate::{Client, Error, Request, Result};

pub use futures_core::Stream;
pub use futures_util::{StreamExt, TryStreamExt};

/// The name of the query parameter that selects a page.
const PAGE_TOKEN: &str = "pageToken";

/// One page of a list response.
pub trait Page: serde::de::DeserializeOwned + Send + 'static {
    /// The type of the listed items.
    type Item: Send + 'static;

    /// The token of the next page (`nextPageToken`); `None` or empty on the
    /// last page.
    fn next_page_token(&self) -> Option<&str>;

    /// The items of this page.
    fn into_items(self) -> Vec<Self::Item>;
}

/// Where the page stream is: `request` is the next one to send; `seen` holds every page token sent so
/// far. `None` once the stream has ended.
struct Cursor {
    client: Client,
    request: Request,
    seen: HashSet<String>,
}

/// The pages of a list call: `request` as given, then again with
/// `pageToken` set to each page's `nextPageToken`, until a page has none (or
/// an empty one).
///
/// The stream ends after the first error, which it yields. A server that
/// returns a token it has returned (or was sent) before, which would loop
/// forever, ends the stream with [`Error::InvalidResponse`] in place of
/// that page. The stream is fused: once ended it keeps returning `None`.
/// Each request is retried as
/// [`Client::execute`] retries it: list calls are `GET`s, so transient
/// errors are retried.
#[doc(hidden)]
pub fn pages<P: Page>(client: Client, request: Request) -> impl Stream<Item = Result<P>> + Send {
    let seen = request
        .query_pairs()
        .iter()
        .filter(|(name, _)| name == PAGE_TOKEN)
        .map(|(_, value)| value.clone())
        .collect();
    let cursor = Some(Cursor {
        client,
        request,
        seen,
    });
    stream::unfold(cursor, |cursor| async move {
        let Cursor {
            client,
            mut request,
            mut seen,
        } = cursor?;
        let page: P = match client.execute(request.clone()).await {
            Ok(page) => page,
            Err(e) => return Some((Err(e), None)),
        };
        let next = match page.next_page_token() {
            None | Some("") => None,
            Some(token) if seen.contains(token) => {
                let error = Error::InvalidResponse(format!(
                    "{} {}: the service returned page token {token:?} again",
                    request.method(),
                    request.path()
                ));
                return Some((Err(error), None));
            }
            Some(token) => {
                seen.insert(token.to_owned());
                request.set_query(PAGE_TOKEN, token);
                Some(Cursor {
                    client,
                    request,
                    seen,
                })
            }
        };
        Some((Ok(page), next))
    })
    .fuse()
}

/// The items of all pages of a list call, in order; see [`pages`].
///
/// Ends after the first error, which it yields (items of the pages before
/// it have been yielded already). A page with a repeated token is an error
/// yielded instead of that page's items.
#[doc(hidden)]
pub fn items<P: Page>(
    client: Client,
    request: Request,
) -> impl Stream<Item = Result<P::Item>> + Send {
    pages::<P>(client, request)
        .flat_map(|page| match page {
            Ok(page) => stream::iter(page.into_items().into_iter().map(Ok)).left_stream(),
            Err(e) => stream::once(std::future::ready(Err(e))).right_stream(),
        })
        .fuse()
}
