//! Serde adapters for values whose JSON form differs from serde's default.
//!
//! Use on a field as `#[serde(with = "::discogen_runtime::__private::wire")]`:
//!
//! - `i64`, `u64` (Discovery `int64`/`uint64`) are written as JSON strings
//!   (`"123"`) and read from strings or numbers;
//! - `f64`, `f32` are written as numbers, except NaN and the infinities,
//!   written as `"NaN"`, `"Infinity"`, `"-Infinity"`; they are read from
//!   numbers, those strings or numeric strings;
//! - [`chrono::TimeDelta`] (Discovery `google-duration`) uses the Google
//!   duration text, e.g. `"3.5s"`, `"-0.000000001s"`, `"0s"`;
//! - `Option<T>`, `Vec<T>`, `BTreeMap<String, T>` and `HashMap<String, T>` of
//!   any of these, nested arbitrarily.
//!
//! ```
//! #[derive(serde::Serialize, serde::Deserialize, Default, Debug, PartialEq)]
//! #[serde(default)]
//! struct Counter {
//!     #[serde(
//!         with = "::discogen_runtime::__private::wire",
//!         skip_serializing_if = "::std::option::Option::is_none"
//!     )]
//!     total: Option<i64>,
//! }
//!
//! let c: Counter = serde_json::from_str(r#"{"total": 12}"#).unwrap();
//! assert_eq!(c.total, Some(12));
//! assert_eq!(serde_json::to_string(&c).unwrap(), r#"{"total":"12"}"#);
//! let missing: Counter = serde_json::from_str("{}").unwrap();
//! assert_eq!(missing.total, None);
//! ```

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::hash::BuildHasher;
use std::marker::PhantomData;

use chrono::TimeDelta;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// A type with a non-default JSON representation; see this module's docs.
pub trait Wire: Sized {
    /// Serializes `self` in its wire form.
    fn serialize_wire<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error>;
    /// Deserializes a value from its wire form.
    fn deserialize_wire<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error>;
}

/// Serializes `value` in its wire form (for `#[serde(with = ...)]`).
pub fn serialize<T: Wire, S: Serializer>(value: &T, s: S) -> Result<S::Ok, S::Error> {
    value.serialize_wire(s)
}

/// Deserializes a value from its wire form (for `#[serde(with = ...)]`).
pub fn deserialize<'de, T: Wire, D: Deserializer<'de>>(d: D) -> Result<T, D::Error> {
    T::deserialize_wire(d)
}

/// Adapter: serializes a borrowed `T: Wire` through [`Wire::serialize_wire`].
#[derive(Debug)]
pub struct Ser<'a, T>(pub &'a T);

impl<T: Wire> Serialize for Ser<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize_wire(s)
    }
}

/// Adapter: deserializes a `T: Wire` through [`Wire::deserialize_wire`].
#[derive(Debug)]
pub struct De<T>(pub T);

impl<'de, T: Wire> Deserialize<'de> for De<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::deserialize_wire(d).map(De)
    }
}

// ---------------------------------------------------------------------------
// Integers
// ---------------------------------------------------------------------------

/// Reads an integer from a JSON number or a decimal string.
struct IntVisitor<T>(PhantomData<T>);

macro_rules! int_visitor {
    ($($t:ty => $what:literal),*) => {$(
        impl Visitor<'_> for IntVisitor<$t> {
            type Value = $t;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str($what)
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<$t, E> {
                <$t>::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<$t, E> {
                <$t>::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
            }

            fn visit_i128<E: de::Error>(self, v: i128) -> Result<$t, E> {
                <$t>::try_from(v).map_err(|_| E::custom(format_args!("integer {v} out of range")))
            }

            fn visit_u128<E: de::Error>(self, v: u128) -> Result<$t, E> {
                <$t>::try_from(v).map_err(|_| E::custom(format_args!("integer {v} out of range")))
            }

            fn visit_f64<E: de::Error>(self, v: f64) -> Result<$t, E> {
                // Accept integral floats such as `1e3` or `12.0` when they fit exactly.
                // (`as i128` saturates; out-of-range values then fail `try_from`.)
                #[allow(clippy::cast_possible_truncation)]
                let wide = v as i128;
                if v.is_finite() && v.fract() == 0.0 {
                    if let Ok(n) = <$t>::try_from(wide) {
                        return Ok(n);
                    }
                }
                Err(E::invalid_value(de::Unexpected::Float(v), &self))
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<$t, E> {
                v.trim()
                    .parse::<$t>()
                    .map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
            }
        }
    )*};
}

int_visitor!(
    i64 => "a 64-bit integer or a decimal string",
    u64 => "an unsigned 64-bit integer or a decimal string",
    i32 => "a 32-bit integer or a decimal string",
    u32 => "an unsigned 32-bit integer or a decimal string"
);

impl Wire for i64 {
    fn serialize_wire<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }

    fn deserialize_wire<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(IntVisitor::<i64>(PhantomData))
    }
}

impl Wire for u64 {
    fn serialize_wire<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }

    fn deserialize_wire<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(IntVisitor::<u64>(PhantomData))
    }
}

/// 32-bit integers are written as JSON numbers and read from numbers or strings.
impl Wire for i32 {
    fn serialize_wire<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i32(*self)
    }

    fn deserialize_wire<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(IntVisitor::<i32>(PhantomData))
    }
}

/// 32-bit integers are written as JSON numbers and read from numbers or strings.
impl Wire for u32 {
    fn serialize_wire<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u32(*self)
    }

    fn deserialize_wire<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(IntVisitor::<u32>(PhantomData))
    }
}

// ---------------------------------------------------------------------------
// Floats
// ---------------------------------------------------------------------------

/// The text of a non-finite float, or `None` for a finite one.
pub(crate) fn non_finite_text(v: f64) -> Option<&'static str> {
    if v.is_nan() {
        Some("NaN")
    } else if v == f64::INFINITY {
        Some("Infinity")
    } else if v == f64::NEG_INFINITY {
        Some("-Infinity")
    } else {
        None
    }
}

/// Parses `"NaN"`, `"Infinity"`, `"-Infinity"` or a numeric string.
fn parse_float_text(v: &str) -> Option<f64> {
    match v.trim() {
        "NaN" => Some(f64::NAN),
        "Infinity" | "+Infinity" => Some(f64::INFINITY),
        "-Infinity" => Some(f64::NEG_INFINITY),
        other => other.parse::<f64>().ok(),
    }
}

struct FloatVisitor;

impl Visitor<'_> for FloatVisitor {
    type Value = f64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number, a numeric string, \"NaN\", \"Infinity\" or \"-Infinity\"")
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<f64, E> {
        Ok(v)
    }

    #[allow(clippy::cast_precision_loss)]
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<f64, E> {
        Ok(v as f64)
    }

    #[allow(clippy::cast_precision_loss)]
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<f64, E> {
        Ok(v as f64)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<f64, E> {
        parse_float_text(v).ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &self))
    }
}

impl Wire for f64 {
    fn serialize_wire<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match non_finite_text(*self) {
            Some(text) => s.serialize_str(text),
            None => s.serialize_f64(*self),
        }
    }

    fn deserialize_wire<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(FloatVisitor)
    }
}

impl Wire for f32 {
    fn serialize_wire<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match non_finite_text(f64::from(*self)) {
            Some(text) => s.serialize_str(text),
            None => s.serialize_f32(*self),
        }
    }

    fn deserialize_wire<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[allow(clippy::cast_possible_truncation)]
        d.deserialize_any(FloatVisitor).map(|v| v as f32)
    }
}

// ---------------------------------------------------------------------------
// Durations
// ---------------------------------------------------------------------------

/// Formats a duration as Google duration text: seconds with the fewest
/// fractional digits needed (at most 9) followed by `s`, e.g. `"3.5s"`,
/// `"-0.000000001s"`, `"0s"`.
pub fn format_duration(d: &TimeDelta) -> String {
    let negative = *d < TimeDelta::zero();
    // TimeDelta's range is symmetric, so negation cannot overflow.
    let abs = if negative {
        TimeDelta::zero().checked_sub(d).unwrap_or_default()
    } else {
        *d
    };
    let secs = abs.num_seconds();
    let nanos = abs.subsec_nanos();
    let sign = if negative { "-" } else { "" };
    if nanos == 0 {
        format!("{sign}{secs}s")
    } else {
        let frac = format!("{nanos:09}");
        format!("{sign}{secs}.{}s", frac.trim_end_matches('0'))
    }
}

/// Parses Google duration text such as `"3.5s"`, `"-1.000000001s"` or `"0s"`.
///
/// Fractional digits beyond nanoseconds are ignored. Returns `None` for
/// malformed text or a value out of [`TimeDelta`]'s range.
pub fn parse_duration(text: &str) -> Option<TimeDelta> {
    let body = text.trim().strip_suffix('s')?;
    let (negative, body) = match body.as_bytes().first() {
        Some(b'-') => (true, &body[1..]),
        Some(b'+') => (false, &body[1..]),
        _ => (false, body),
    };
    let (int_part, frac_part) = match body.split_once('.') {
        Some((i, f)) => (i, f),
        None => (body, ""),
    };
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (int_part.is_empty() && frac_part.is_empty())
        || !all_digits(int_part)
        || !all_digits(frac_part)
    {
        return None;
    }
    let secs: i64 = if int_part.is_empty() {
        0
    } else {
        int_part.parse().ok()?
    };
    let mut nanos: u32 = 0;
    let mut scale: u32 = 100_000_000;
    for b in frac_part.bytes().take(9) {
        nanos += u32::from(b - b'0') * scale;
        scale /= 10;
    }
    let magnitude = TimeDelta::new(secs, nanos)?;
    if negative {
        TimeDelta::zero().checked_sub(&magnitude)
    } else {
        Some(magnitude)
    }
}

/// Converts a number of seconds to a duration, if finite and in range.
fn duration_from_secs_f64(v: f64) -> Option<TimeDelta> {
    // Well inside TimeDelta's range (about 9.2e15 seconds), so the casts are exact enough.
    if !v.is_finite() || v.abs() >= 9.0e15 {
        return None;
    }
    #[allow(clippy::cast_possible_truncation)]
    let secs = v.trunc() as i64;
    #[allow(clippy::cast_possible_truncation)]
    let nanos = ((v - v.trunc()) * 1e9).round() as i64;
    TimeDelta::try_seconds(secs)?.checked_add(&TimeDelta::nanoseconds(nanos))
}

struct DurationVisitor;

impl Visitor<'_> for DurationVisitor {
    type Value = TimeDelta;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a duration such as \"3.5s\"")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<TimeDelta, E> {
        parse_duration(v).ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &self))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<TimeDelta, E> {
        TimeDelta::try_seconds(v).ok_or_else(|| E::invalid_value(de::Unexpected::Signed(v), &self))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<TimeDelta, E> {
        i64::try_from(v)
            .ok()
            .and_then(TimeDelta::try_seconds)
            .ok_or_else(|| E::invalid_value(de::Unexpected::Unsigned(v), &self))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<TimeDelta, E> {
        duration_from_secs_f64(v).ok_or_else(|| E::invalid_value(de::Unexpected::Float(v), &self))
    }
}

impl Wire for TimeDelta {
    fn serialize_wire<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format_duration(self))
    }

    fn deserialize_wire<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(DurationVisitor)
    }
}

// ---------------------------------------------------------------------------
// Containers
// ---------------------------------------------------------------------------

impl<T: Wire> Wire for Option<T> {
    fn serialize_wire<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Some(v) => s.serialize_some(&Ser(v)),
            None => s.serialize_none(),
        }
    }

    fn deserialize_wire<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Option::<De<T>>::deserialize(d)?.map(|v| v.0))
    }
}

impl<T: Wire> Wire for Vec<T> {
    fn serialize_wire<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter().map(Ser))
    }

    fn deserialize_wire<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Vec::<De<T>>::deserialize(d)?
            .into_iter()
            .map(|v| v.0)
            .collect())
    }
}

impl<T: Wire> Wire for BTreeMap<String, T> {
    fn serialize_wire<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter().map(|(k, v)| (k, Ser(v))))
    }

    fn deserialize_wire<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(BTreeMap::<String, De<T>>::deserialize(d)?
            .into_iter()
            .map(|(k, v)| (k, v.0))
            .collect())
    }
}

impl<T: Wire, H: BuildHasher + Default> Wire for HashMap<String, T, H> {
    fn serialize_wire<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter().map(|(k, v)| (k, Ser(v))))
    }

    fn deserialize_wire<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(HashMap::<String, De<T>, H>::deserialize(d)?
            .into_iter()
            .map(|(k, v)| (k, v.0))
            .collect())
    }
}

impl<T: Wire> Wire for Box<T> {
    fn serialize_wire<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        (**self).serialize_wire(s)
    }

    fn deserialize_wire<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::deserialize_wire(d).map(Box::new)
    }
}
