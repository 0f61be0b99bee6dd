//! The [`open_enum!`](crate::open_enum!) macro and its helpers.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserializer, Visitor};

/// Implements `Serialize`, `Deserialize`, `Display` and [`QueryValue`](crate::QueryValue)
/// for an enum that keeps unknown values.
///
/// The type must have an inherent `fn as_str(&self) -> &str` and implement
/// `From<&str>` (which maps unknown strings to a catch-all variant, so
/// deserialization accepts any string). Several types may be given at once,
/// separated by commas.
///
/// ```
/// #[derive(Debug, Clone, PartialEq)]
/// pub enum Color {
///     Red,
///     Unknown(String),
/// }
///
/// impl Color {
///     pub fn as_str(&self) -> &str {
///         match self {
///             Color::Red => "RED",
///             Color::Unknown(s) => s,
///         }
///     }
/// }
///
/// impl From<&str> for Color {
///     fn from(s: &str) -> Self {
///         match s {
///             "RED" => Color::Red,
///             other => Color::Unknown(other.to_owned()),
///         }
///     }
/// }
///
/// discogen_runtime::open_enum!(Color);
///
/// assert_eq!(Color::Red.to_string(), "RED");
/// ```
#[doc(hidden)]
#[macro_export]
macro_rules! open_enum {
    ($($ty:ty),+ $(,)?) => {
        $(
            impl $crate::__private::serde::Serialize for $ty {
                fn serialize<S>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error>
                where
                    S: $crate::__private::serde::Serializer,
                {
                    serializer.serialize_str(<$ty>::as_str(self))
                }
            }

            impl<'de> $crate::__private::serde::Deserialize<'de> for $ty {
                fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
                where
                    D: $crate::__private::serde::Deserializer<'de>,
                {
                    $crate::__private::deserialize_open_enum(deserializer)
                }
            }

            impl ::std::fmt::Display for $ty {
                #[inline]
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.write_str(<$ty>::as_str(self))
                }
            }

            impl $crate::__private::QueryValue for $ty {
                #[inline]
                fn append_to(
                    &self,
                    name: &'static str,
                    out: &mut ::std::vec::Vec<(::std::borrow::Cow<'static, str>, ::std::string::String)>,
                ) {
                    out.push((
                        ::std::borrow::Cow::Borrowed(name),
                        ::std::string::String::from(<$ty>::as_str(self)),
                    ));
                }
            }
        )+
    };
}

/// Deserializes any JSON string into `T` through `From<&str>`.
pub fn deserialize_open_enum<'de, T, D>(deserializer: D) -> Result<T, D::Error>
where
    T: for<'a> From<&'a str>,
    D: Deserializer<'de>,
{
    struct OpenEnumVisitor<T>(PhantomData<T>);

    impl<T> Visitor<'_> for OpenEnumVisitor<T>
    where
        T: for<'a> From<&'a str>,
    {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an enum value string")
        }

        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<T, E> {
            Ok(T::from(v))
        }

        fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<T, E> {
            std::str::from_utf8(v)
                .map(T::from)
                .map_err(|_| E::custom("enum value is not valid UTF-8"))
        }
    }

    deserializer.deserialize_str(OpenEnumVisitor(PhantomData))
}
