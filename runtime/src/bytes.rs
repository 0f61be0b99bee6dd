//! Base64-encoded binary data (Discovery `format: byte`).

use std::fmt;
use std::ops::Deref;

use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD, URL_SAFE};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// Decoding config: padding optional, non-zero trailing bits tolerated.
const LENIENT: GeneralPurposeConfig = GeneralPurposeConfig::new()
    .with_decode_padding_mode(DecodePaddingMode::Indifferent)
    .with_decode_allow_trailing_bits(true);
const STANDARD_LENIENT: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, LENIENT);
const URL_SAFE_LENIENT: GeneralPurpose = GeneralPurpose::new(&alphabet::URL_SAFE, LENIENT);

/// Binary data sent as base64 (Discovery `format: byte`).
///
/// Serializes as standard base64 with padding; deserializes standard or
/// URL-safe base64, padded or not. As a query parameter it is sent as
/// URL-safe base64 with padding.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Bytes(pub Vec<u8>);

impl Bytes {
    /// Decodes standard or URL-safe base64, with or without padding.
    pub fn from_base64(text: &str) -> Result<Self, base64::DecodeError> {
        STANDARD_LENIENT
            .decode(text)
            .or_else(|e| URL_SAFE_LENIENT.decode(text).map_err(|_| e))
            .map(Bytes)
    }

    /// Encodes as standard base64 with padding (the JSON form).
    pub fn to_base64(&self) -> String {
        STANDARD.encode(&self.0)
    }

    /// Encodes as URL-safe base64 with padding (the query parameter form).
    pub fn to_base64_url(&self) -> String {
        URL_SAFE.encode(&self.0)
    }

    /// Returns the wrapped bytes.
    pub fn into_inner(self) -> Vec<u8> {
        self.0
    }
}

impl From<Vec<u8>> for Bytes {
    fn from(v: Vec<u8>) -> Self {
        Bytes(v)
    }
}

impl From<&[u8]> for Bytes {
    fn from(v: &[u8]) -> Self {
        Bytes(v.to_vec())
    }
}

impl From<Bytes> for Vec<u8> {
    fn from(b: Bytes) -> Self {
        b.0
    }
}

impl Deref for Bytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl AsRef<[u8]> for Bytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl Serialize for Bytes {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_base64())
    }
}

impl<'de> Deserialize<'de> for Bytes {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct BytesVisitor;

        impl Visitor<'_> for BytesVisitor {
            type Value = Bytes;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a base64 string")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Bytes, E> {
                Bytes::from_base64(v).map_err(|e| E::custom(format_args!("invalid base64: {e}")))
            }
        }

        deserializer.deserialize_str(BytesVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_standard_padded() {
        let b = Bytes(vec![0xfb, 0xff, 0xfe, 0x01]);
        assert_eq!(serde_json::to_string(&b).unwrap(), "\"+//+AQ==\"");
        assert_eq!(b.to_base64_url(), "-__-AQ==");
    }

    #[test]
    fn deserializes_both_alphabets_padded_or_not() {
        let want = Bytes(vec![0xfb, 0xff, 0xfe, 0x01]);
        for text in ["+//+AQ==", "+//+AQ", "-__-AQ==", "-__-AQ"] {
            let got: Bytes = serde_json::from_str(&format!("\"{text}\"")).unwrap();
            assert_eq!(got, want, "{text}");
        }
        let empty: Bytes = serde_json::from_str("\"\"").unwrap();
        assert!(empty.is_empty());
    }

    #[test]
    fn rejects_invalid_base64_without_panicking() {
        for text in ["\"***\"", "\"a\"", "\"+_\"", "12", "null"] {
            assert!(serde_json::from_str::<Bytes>(text).is_err(), "{text}");
        }
    }

    #[test]
    fn conversions() {
        let b = Bytes::from(&b"hi"[..]);
        assert_eq!(&*b, b"hi");
        assert_eq!(b.as_ref(), b"hi");
        assert_eq!(Vec::from(b.clone()), b"hi".to_vec());
        assert_eq!(Bytes::from(b"hi".to_vec()), b);
    }
}
