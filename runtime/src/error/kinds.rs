//! The kinds of the errors that happen on this side of the wire: credentials, configuration, media.
//! Each error has a kind to match, a message naming what failed, and its cause as `source()`.

use std::error::Error as StdError;
use std::fmt;

type Cause = Box<dyn StdError + Send + Sync>;

/// Declares an error type with a kind, a message and an optional cause.
macro_rules! kinded_error {
    ($(#[$doc:meta])* $name:ident, $kind:ty) => {
        $(#[$doc])*
        #[derive(Debug)]
        pub struct $name {
            kind: $kind,
            message: String,
            cause: Option<Cause>,
        }

        impl $name {
            /// An error of `kind`; `message` says what failed (and never holds a secret).
            pub fn new(kind: $kind, message: impl Into<String>) -> Self {
                $name { kind, message: message.into(), cause: None }
            }

            /// The same error, caused by `cause` (its `source()`).
            pub fn caused_by(mut self, cause: impl Into<Cause>) -> Self {
                self.cause = Some(cause.into());
                self
            }

            /// What went wrong.
            pub fn kind(&self) -> $kind {
                self.kind
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.message)?;
                match &self.cause {
                    Some(cause) => write!(f, ": {cause}"),
                    None => Ok(()),
                }
            }
        }

        impl StdError for $name {
            fn source(&self) -> Option<&(dyn StdError + 'static)> {
                self.cause.as_deref().map(|c| c as &(dyn StdError + 'static))
            }
        }
    };
}

kinded_error!(
    /// Credentials gave no token: they could not be made, or fetching a token failed
    /// ([`Error::Credentials`](crate::Error::Credentials)).
    CredentialsError,
    CredentialsErrorKind
);

impl CredentialsError {
    /// Whether another attempt may get a token (a token endpoint or metadata server that answered
    /// 5xx or could not be reached): the client retries the call then, as nothing was sent.
    pub fn is_transient(&self) -> bool {
        self.kind == CredentialsErrorKind::TransientFetch
    }
}

/// What went wrong with credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CredentialsErrorKind {
    /// The credentials could not be made: a file that cannot be read, is not JSON, lacks a field or
    /// has an unknown `type`; or no Tokio runtime to refresh them in.
    Invalid,
    /// A token could not be fetched, and trying again may help (HTTP 5xx, a broken connection).
    TransientFetch,
    /// A token could not be fetched, and trying again will not help (a revoked grant, a refused
    /// scope, a token that cannot be a header).
    Fetch,
}

kinded_error!(
    /// The client or a call is configured in a way that cannot work; nothing was sent
    /// ([`Error::Config`](crate::Error::Config)).
    ConfigError,
    ConfigErrorKind
);

/// What is wrong with the configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigErrorKind {
    /// The base URL or a request's URL: not absolute http(s), plain http to a non-loopback host, a
    /// query or fragment in the base.
    Url,
    /// The endpoint choice: the universe domain, `GOOGLE_API_USE_MTLS_ENDPOINT`, mTLS outside
    /// `googleapis.com`.
    Endpoint,
    /// A header the client or a call sets (user agent, content type, API version, an extra header).
    Header,
    /// The client certificate, or the HTTP client that presents it.
    Transport,
}

kinded_error!(
    /// Media on this side failed: an upload's source, the method's limits, or where a download is
    /// written ([`Error::Media`](crate::Error::Media)).
    MediaError,
    MediaErrorKind
);

/// What went wrong with media.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MediaErrorKind {
    /// The source could not be opened or read.
    SourceRead,
    /// The source ended before, or grew past, the length it had when the upload started.
    SourceLength,
    /// The media is larger than the method takes (`maxSize`).
    TooLarge,
    /// The media type is not one the method accepts (`accept`).
    MediaType,
    /// A download could not be written.
    Write,
}

kinded_error!(
    /// One call of a batch got no answer of its own ([`Error::Batch`](crate::Error::Batch)): the
    /// batch request failed, or its response did not answer this call, or not readably.
    BatchError,
    BatchErrorKind
);

/// Why a call of a batch has no result of its own (see [`crate::batch`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum BatchErrorKind {
    /// The batch request itself failed (after its retries): its error is the `source()`.
    Failed,
    /// The batch's response has no part for this call.
    Unanswered,
    /// The batch's response, or this call's part of it, could not be read (cut short, not
    /// `multipart/mixed`, no HTTP response in the part).
    Malformed,
    /// Two or more parts of the response claim this call: none is taken.
    DuplicateAnswer,
    /// The response has no part for this call and has a part for a call it was not sent (an
    /// unknown or missing `Content-ID`), which may have been this call's.
    UnknownAnswer,
    /// A handle given to the results of another batch.
    ForeignHandle,
}
