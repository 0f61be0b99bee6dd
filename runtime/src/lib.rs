//! Runtime support for Rust clients generated from Google Discovery documents.
//!
//! Generated API crates describe each call as a [`Request`] (method, relative
//! path, query pairs and an optional JSON body) and hand it to a [`Client`],
//! which adds authentication and standard headers, sends it and decodes the
//! response. The remaining items are the small pieces of glue the generated
//! code relies on: [`path`] encoding for URI templates, the [`wire`] serde
//! adapters for values whose JSON form differs from serde's default,
//! [`Bytes`] for base64 data, the [`open_enum!`] macro for enums that keep
//! unknown values, and the [`Error`] type.
//!
//! Every generated request builder implements [`CallOptions`] (per-call timeout, retry policy,
//! idempotency, headers); [`auth`] holds the credentials a [`ClientBuilder`] takes. A generated crate
//! re-exports what an app names from here, and this crate as `runtime`, so apps depend on it only
//! through the API crates.
#![warn(missing_docs)]

pub mod auth;
mod bytes;
mod client;
pub mod details;
pub mod endpoint;
mod error;
pub mod lro;
pub mod media;
pub mod object;
mod open_enum;
pub mod paginate;
pub mod path;
mod redact;
mod request;
pub mod response;
pub mod retry;
pub mod standard;
pub mod telemetry;
#[cfg(feature = "testing")]
pub mod testing;
pub mod transport;
pub mod wire;

pub use crate::auth::ApiKey;
pub use crate::bytes::Bytes;
pub use crate::client::{Client, ClientBuilder, StaticToken, TokenProvider};
pub use crate::details::ErrorDetail;
pub use crate::error::{ApiError, Error, GoogleError};
pub use crate::paginate::{Page, Stream};
pub use crate::request::{CallOptions, Params, QueryValue, Request};
pub use crate::retry::RetryPolicy;
pub use crate::telemetry::TraceContext;
pub use http::Method;

/// A JSON body wrapped as `{"data": ...}`, for APIs with the Discovery feature `dataWrapper`. Reading
/// accepts an unwrapped body too, as Google's Python client does.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DataWrapper<T> {
    /// The wrapped value.
    pub data: T,
}

impl<'de, T: serde::de::DeserializeOwned> serde::Deserialize<'de> for DataWrapper<T> {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> std::result::Result<Self, D::Error> {
        use serde::de::Error as _;
        let value = serde_json::Value::deserialize(deserializer)?;
        let inner = match value {
            serde_json::Value::Object(mut object) if object.contains_key("data") => {
                object.remove("data").unwrap_or_default()
            }
            other => other,
        };
        T::deserialize(inner)
            .map(|data| DataWrapper { data })
            .map_err(D::Error::custom)
    }
}

/// A point in time (Discovery `google-datetime` and `date-time`): RFC 3339 on the wire.
pub type Timestamp = chrono::DateTime<chrono::Utc>;

/// A calendar date (Discovery `date`): `YYYY-MM-DD` on the wire.
pub type Date = chrono::NaiveDate;

/// A signed duration (Discovery `google-duration`): seconds with a fractional part and an `s`, e.g. `"3.5s"`.
pub type Duration = chrono::TimeDelta;

pub use chrono;

/// Result type of this crate: `std::result::Result<T, Error>`.
pub type Result<T> = std::result::Result<T, Error>;

/// Serde, re-exported for [`open_enum!`] so generated crates need not name it.
#[doc(hidden)]
pub use serde as __serde;

/// Implementation details used by macros; not part of the public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::open_enum::deserialize_open_enum;
}
