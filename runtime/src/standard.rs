//! The global parameters that 592 of the 610 Discovery documents of google-api-python-client 2.202.0
//! declare identically. A generated crate whose document has exactly this set re-exports these items
//! instead of generating its own copy (`dialogflow_v2::StandardParameters` is this trait).

use crate::CallOptions;

/// Parameters that every method of an API accepts, as setters on every request builder (every
/// [`CallOptions`] implementor).
pub trait StandardParameters: CallOptions {
    /// V1 error format (`$.xgafv`).
    ///
    /// Allowed values:
    /// - [`Xgafv::V1`] (`1`): v1 error format
    /// - [`Xgafv::V2`] (`2`): v2 error format
    fn xgafv(mut self, value: Xgafv) -> Self {
        self.call_params().set("$.xgafv", &value);
        self
    }

    /// OAuth access token.
    fn access_token(mut self, value: impl Into<String>) -> Self {
        let value: String = value.into();
        self.call_params().set("access_token", &value);
        self
    }

    /// Data format for response (`alt`).
    ///
    /// Allowed values:
    /// - [`Alt::Json`] (`json`): Responses with Content-Type of application/json
    /// - [`Alt::Media`] (`media`): Media download with context-dependent Content-Type
    /// - [`Alt::Proto`] (`proto`): Responses with Content-Type of application/x-protobuf
    fn alt(mut self, value: Alt) -> Self {
        self.call_params().set("alt", &value);
        self
    }

    /// JSONP
    fn callback(mut self, value: impl Into<String>) -> Self {
        let value: String = value.into();
        self.call_params().set("callback", &value);
        self
    }

    /// Selector specifying which fields to include in a partial response.
    fn fields(mut self, value: impl Into<String>) -> Self {
        let value: String = value.into();
        self.call_params().set("fields", &value);
        self
    }

    /// API key. Your API key identifies your project and provides you with API access, quota, and reports.
    /// Required unless you provide an OAuth 2.0 token.
    fn key(mut self, value: impl Into<String>) -> Self {
        let value: String = value.into();
        self.call_params().set("key", &value);
        self
    }

    /// OAuth 2.0 token for the current user.
    fn oauth_token(mut self, value: impl Into<String>) -> Self {
        let value: String = value.into();
        self.call_params().set("oauth_token", &value);
        self
    }

    /// Returns response with indentations and line breaks.
    fn pretty_print(mut self, value: bool) -> Self {
        self.call_params().set("prettyPrint", &value);
        self
    }

    /// Available to use for quota purposes for server-side applications. Can be any arbitrary string
    /// assigned to a user, but should not exceed 40 characters.
    fn quota_user(mut self, value: impl Into<String>) -> Self {
        let value: String = value.into();
        self.call_params().set("quotaUser", &value);
        self
    }

    /// Legacy upload protocol for media (e.g. "media", "multipart").
    fn upload_type(mut self, value: impl Into<String>) -> Self {
        let value: String = value.into();
        self.call_params().set("uploadType", &value);
        self
    }

    /// Upload protocol for media (e.g. "raw", "multipart").
    fn upload_protocol(mut self, value: impl Into<String>) -> Self {
        let value: String = value.into();
        self.call_params().set("upload_protocol", &value);
        self
    }
}

impl<T: CallOptions> StandardParameters for T {}

/// V1 error format.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Xgafv {
    /// v1 error format
    V1,
    /// v2 error format
    V2,
    /// A value this version of the crate does not know; kept as sent.
    UnknownValue(String),
}

impl Xgafv {
    /// The value as it is sent on the wire.
    pub fn as_str(&self) -> &str {
        match self {
            Self::V1 => "1",
            Self::V2 => "2",
            Self::UnknownValue(value) => value,
        }
    }
}

impl From<&str> for Xgafv {
    fn from(value: &str) -> Self {
        match value {
            "1" => Self::V1,
            "2" => Self::V2,
            other => Self::UnknownValue(String::from(other)),
        }
    }
}

crate::open_enum!(Xgafv);

/// Data format for response.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Alt {
    /// Responses with Content-Type of application/json
    Json,
    /// Media download with context-dependent Content-Type
    Media,
    /// Responses with Content-Type of application/x-protobuf
    Proto,
    /// A value this version of the crate does not know; kept as sent.
    UnknownValue(String),
}

impl Alt {
    /// The value as it is sent on the wire.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Json => "json",
            Self::Media => "media",
            Self::Proto => "proto",
            Self::UnknownValue(value) => value,
        }
    }
}

impl From<&str> for Alt {
    fn from(value: &str) -> Self {
        match value {
            "json" => Self::Json,
            "media" => Self::Media,
            "proto" => Self::Proto,
            other => Self::UnknownValue(String::from(other)),
        }
    }
}

crate::open_enum!(Alt);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::Params;

    #[derive(Default)]
    struct Builder(Params);

    impl CallOptions for Builder {
        fn call_params(&mut self) -> &mut Params {
            &mut self.0
        }
    }

    #[test]
    fn setters_write_the_wire_names_and_values() {
        let builder = Builder::default()
            .xgafv(Xgafv::V2)
            .alt(Alt::Proto)
            .pretty_print(false)
            .quota_user("me")
            .fields("name,done")
            .quota_user("you");
        let pairs: Vec<(&str, &str)> = builder.0.iter().collect();
        assert_eq!(
            pairs,
            [
                ("$.xgafv", "2"),
                ("alt", "proto"),
                ("prettyPrint", "false"),
                ("fields", "name,done"),
                ("quotaUser", "you"),
            ]
        );
    }

    #[test]
    fn unknown_enum_values_round_trip() {
        assert_eq!(Alt::from("csv"), Alt::UnknownValue("csv".into()));
        assert_eq!(serde_json::to_string(&Alt::from("csv")).unwrap(), "\"csv\"");
        assert_eq!(serde_json::from_str::<Xgafv>("\"1\"").unwrap(), Xgafv::V1);
    }
}
