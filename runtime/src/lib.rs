//! Runtime support for Rust clients generated from Google Discovery documents.
//!
//! A generated crate describes each call as a [`Request`] and hands it to a [`Client`], which adds
//! credentials and standard headers, sends it through its [`transport`], retries it by its
//! [`RetryPolicy`] and decodes the response, or the [`Error`] with the service's [`Status`].
//!
//! This is what apps name, and most of it comes re-exported by each generated crate, so apps depend on
//! the API crates only: the client and its builder, errors, credentials ([`auth`]), per-call options
//! ([`CallOptions`]), the standard parameters ([`standard`]), long-running operations ([`lro`]), paging
//! streams ([`paginate`]), [`media`], [`telemetry`], the value types of schema fields, and with the
//! feature `testing` the in-process mock (`testing`). What only generated code uses is in the hidden
//! module `__private`: not part of the API, it changes with the generator, without notice.
#![warn(missing_docs)]
// docs.rs builds with `--cfg docsrs` on nightly, where `doc_cfg` labels what each feature gates.
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod auth;
pub mod batch;
mod bytes;
mod client;
pub mod details;
pub mod endpoint;
mod error;
pub mod lro;
pub mod media;
mod object;
mod open_enum;
pub mod paginate;
mod path;
mod redact;
mod request;
mod response;
pub mod retry;
pub mod standard;
mod status;
pub mod telemetry;
#[cfg(feature = "testing")]
pub mod testing;
pub mod transport;
mod wire;

pub use crate::auth::{ApiKey, StaticToken, TokenProvider};
pub use crate::bytes::Bytes;
pub use crate::client::{Client, ClientBuilder};
pub use crate::details::ErrorDetail;
pub use crate::error::{
    ApiError, BatchError, BatchErrorKind, ConfigError, ConfigErrorKind, CredentialsError,
    CredentialsErrorKind, Error, MediaError, MediaErrorKind,
};
pub use crate::object::UnknownFields;
pub use crate::paginate::{Page, Stream};
pub use crate::request::{CallOptions, Request};
pub use crate::retry::RetryPolicy;
pub use crate::status::{Code, Status};
pub use crate::telemetry::TraceContext;
pub use http::Method;

/// A point in time (Discovery `google-datetime` and `date-time`): RFC 3339 on the wire.
pub type Timestamp = chrono::DateTime<chrono::Utc>;

/// A calendar date (Discovery `date`): `YYYY-MM-DD` on the wire.
pub type Date = chrono::NaiveDate;

/// A signed duration (Discovery `google-duration`): seconds with a fractional part and an `s`, e.g. `"3.5s"`.
pub type Duration = chrono::TimeDelta;

pub use chrono;

/// Result type of this crate: `std::result::Result<T, Error>`.
pub type Result<T> = std::result::Result<T, Error>;

/// What generated code uses and apps do not name: request building, the serde helpers of schema
/// structs and enums, path encoding, paging and operation-id helpers. Not part of the public API:
/// it changes without notice, with the generator that emits calls to it.
#[doc(hidden)]
pub mod __private {
    pub use crate::batch::{answer, BatchCall};
    pub use crate::lro::ids::{link_ids, name_ids, with_name_ids};
    pub use crate::media::limits::MediaLimits;
    pub use crate::open_enum::deserialize_open_enum;
    pub use crate::paginate::{items, pages};
    pub use crate::request::{Params, QueryValue};
    pub use crate::response::DataWrapper;
    pub use crate::{batch_call, object_serde, open_enum};
    pub use serde;

    /// Serialization of schema structs: fields by wire name, unknown members kept.
    pub mod object {
        pub use crate::object::{deserialize, read_wire, serialize, write, write_wire, Object};
    }

    /// Values whose JSON form differs from serde's default (`int64` as a string, ...).
    pub mod wire {
        pub use crate::wire::{
            deserialize, format_duration, parse_duration, serialize, De, Ser, Wire,
        };
    }

    /// How a response becomes a result: retry or not, decoded body or error.
    pub mod response {
        pub use crate::response::{decode_body, verdict, Verdict};
    }

    /// Percent-encoding of path parameters.
    pub mod path {
        pub use crate::path::{reserved, reserved_rfc6570, simple};
    }
}
