//! JSON objects of generated schemas, read and written without serde's derive.
//!
//! A generated struct implements [`Object`] (a `match` from a key to its field's number, one that reads a
//! field by number, and the writes of the fields that are set) and
//! calls [`object_serde!`](crate::object_serde) for its `Serialize`/`Deserialize` impls, which forward here.
//! Compared with `#[derive(Serialize, Deserialize)]`, which writes a field enum, its visitor and a sequence
//! visitor per struct, this halves the compile time of a crate of a few hundred schemas, and the generic
//! work is checked once, here.
//!
//! The JSON form is what the derive with `#[serde(default)]` and `skip_serializing_if = "Option::is_none"`
//! gives: absent fields and `null` read as `None`, `None` is not written. Keys the struct does not declare
//! are kept and written back: in its [`UnknownFields`], or in the map of a struct with
//! `additionalProperties`. A key that appears twice keeps its last value.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value;

use crate::wire::{self, Wire};

/// A generated schema struct: a JSON object with known keys. Hidden: its impls are generated code.
#[doc(hidden)]
pub trait Object: Default {
    /// The Discovery schema id (for a struct nested in a schema, its Rust name): for error messages, and
    /// the [`Message::SCHEMA_ID`](crate::lro::Message::SCHEMA_ID) that `@type` checks compare.
    const NAME: &'static str;
    /// The index of the field whose JSON key is `key`, as [`Object::read_field`] numbers them.
    fn field_index(key: &str) -> Option<usize>;

    /// Reads the value of the field numbered `index` from `map`.
    fn read_field<'de, A: MapAccess<'de>>(
        &mut self,
        index: usize,
        map: &mut A,
    ) -> Result<(), A::Error>;

    /// Where undeclared keys go, for a struct without `additionalProperties`.
    fn unknown_fields(&mut self) -> Option<&mut UnknownFields> {
        None
    }

    /// Reads the value of an undeclared key: into [`Object::unknown_fields`] by default (a struct with
    /// `additionalProperties` puts it in its map instead).
    fn read_other<'de, A: MapAccess<'de>>(
        &mut self,
        key: String,
        map: &mut A,
    ) -> Result<(), A::Error> {
        match self.unknown_fields() {
            Some(unknown) => unknown.read(key, map),
            None => map.next_value::<IgnoredAny>().map(drop),
        }
    }

    /// Writes every field that is set.
    fn write_fields<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error>;
}

/// Deserializes an [`Object`] from a map.
pub fn deserialize<'de, T: Object, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_map(ObjectVisitor(PhantomData))
}

/// Serializes an [`Object`] as a map of the fields that are set.
pub fn serialize<T: Object, S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(None)?;
    value.write_fields(&mut map)?;
    map.end()
}

/// Writes `key: value` when the field is set.
pub fn write<M: SerializeMap, T: Serialize>(
    map: &mut M,
    key: &'static str,
    value: &Option<T>,
) -> Result<(), M::Error> {
    match value {
        Some(value) => map.serialize_entry(key, value),
        None => Ok(()),
    }
}

/// Writes `key: value` in its wire form (`wire::Wire`) when the field is set.
pub fn write_wire<M: SerializeMap, T: Wire>(
    map: &mut M,
    key: &'static str,
    value: &Option<T>,
) -> Result<(), M::Error> {
    match value {
        Some(value) => map.serialize_entry(key, &wire::Ser(value)),
        None => Ok(()),
    }
}

/// Reads a field's value in its wire form (`wire::Wire`).
pub fn read_wire<'de, A: MapAccess<'de>, T: Wire>(map: &mut A) -> Result<T, A::Error> {
    map.next_value::<wire::De<T>>().map(|value| value.0)
}

/// The members of a JSON object that the struct holding it does not declare (fields the API added after
/// this crate was generated), in the order they came; a repeated key keeps its last value, in its first
/// place. They are written back after the declared fields, so a read-modify-write through an older crate
/// loses nothing.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct UnknownFields(Vec<(String, Value)>);

impl UnknownFields {
    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// How many there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Every member, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Sets `key` (in its place if it is there, else last); returns the value it had.
    pub fn insert(&mut self, key: impl Into<String>, value: Value) -> Option<Value> {
        let key = key.into();
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some((_, old)) => Some(std::mem::replace(old, value)),
            None => {
                self.0.push((key, value));
                None
            }
        }
    }

    /// Removes `key`; returns its value.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let index = self.0.iter().position(|(k, _)| k == key)?;
        Some(self.0.remove(index).1)
    }

    /// Reads the value of `key` from `map`.
    #[doc(hidden)]
    pub fn read<'de, A: MapAccess<'de>>(
        &mut self,
        key: String,
        map: &mut A,
    ) -> Result<(), A::Error> {
        let value = map.next_value::<Value>()?;
        self.insert(key, value);
        Ok(())
    }

    /// Writes every member, in order.
    #[doc(hidden)]
    pub fn write<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
        for (key, value) in &self.0 {
            map.serialize_entry(key, value)?;
        }
        Ok(())
    }
}

struct ObjectVisitor<T>(PhantomData<T>);

impl<'de, T: Object> Visitor<'de> for ObjectVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a {} object", T::NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut value = T::default();
        while let Some(key) = map.next_key_seed(KeySeed::<T>(PhantomData))? {
            match key {
                Key::Field(index) => value.read_field(index, &mut map)?,
                Key::Other(name) => value.read_other(name, &mut map)?,
            }
        }
        Ok(value)
    }
}

enum Key {
    Field(usize),
    Other(String),
}

/// Looks a key up while it is still borrowed from the input: no allocation for declared keys.
struct KeySeed<T>(PhantomData<T>);

impl<'de, T: Object> DeserializeSeed<'de> for KeySeed<T> {
    type Value = Key;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Key, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de, T: Object> Visitor<'de> for KeySeed<T> {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Key, E> {
        Ok(match T::field_index(key) {
            Some(index) => Key::Field(index),
            None => Key::Other(key.to_owned()),
        })
    }
}

/// `Serialize` and `Deserialize` for generated [`Object`] structs, forwarding to this module.
#[doc(hidden)]
#[macro_export]
macro_rules! object_serde {
    ($($ty:ty),+ $(,)?) => {
        $(
            impl $crate::__private::serde::Serialize for $ty {
                fn serialize<S>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error>
                where
                    S: $crate::__private::serde::Serializer,
                {
                    $crate::__private::object::serialize(self, serializer)
                }
            }

            impl<'de> $crate::__private::serde::Deserialize<'de> for $ty {
                fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
                where
                    D: $crate::__private::serde::Deserializer<'de>,
                {
                    $crate::__private::object::deserialize(deserializer)
                }
            }
        )+
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// What the generator writes for a struct with a renamed field, an int64 and extra properties.
    #[derive(Debug, Default, PartialEq)]
    struct Sample {
        name: Option<String>,
        count: Option<i64>,
        r#type: Option<Vec<String>>,
        nested: Option<Box<Sample>>,
        others: BTreeMap<String, serde_json::Value>,
    }

    impl Object for Sample {
        const NAME: &'static str = "Sample";

        fn field_index(key: &str) -> Option<usize> {
            ["name", "type", "count", "nested"]
                .iter()
                .position(|k| *k == key)
        }

        fn read_field<'de, A: MapAccess<'de>>(
            &mut self,
            index: usize,
            map: &mut A,
        ) -> Result<(), A::Error> {
            match index {
                0 => self.name = map.next_value()?,
                1 => self.r#type = map.next_value()?,
                2 => self.count = read_wire(map)?,
                _ => self.nested = map.next_value()?,
            }
            Ok(())
        }

        fn read_other<'de, A: MapAccess<'de>>(
            &mut self,
            key: String,
            map: &mut A,
        ) -> Result<(), A::Error> {
            self.others.insert(key, map.next_value()?);
            Ok(())
        }

        fn write_fields<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
            write_wire(map, "count", &self.count)?;
            write(map, "name", &self.name)?;
            write(map, "nested", &self.nested)?;
            write(map, "type", &self.r#type)?;
            for (key, value) in &self.others {
                map.serialize_entry(key, value)?;
            }
            Ok(())
        }
    }

    crate::object_serde!(Sample);

    #[test]
    fn reads_fields_wire_values_nulls_and_unknown_keys() {
        let json =
            r#"{"name":"a","count":"12","type":null,"nested":{"count":3,"x":[1]},"extra":true}"#;
        let sample: Sample = serde_json::from_str(json).unwrap();
        assert_eq!(
            sample,
            Sample {
                name: Some("a".into()),
                count: Some(12),
                r#type: None,
                nested: Some(Box::new(Sample {
                    count: Some(3),
                    others: [("x".to_owned(), serde_json::json!([1]))].into(),
                    ..Default::default()
                })),
                others: [("extra".to_owned(), serde_json::json!(true))].into(),
            }
        );
    }

    #[test]
    fn writes_set_fields_only_in_wire_form() {
        let sample = Sample {
            count: Some(-5),
            r#type: Some(vec!["t".into()]),
            others: [("z".to_owned(), serde_json::json!(1))].into(),
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_string(&sample).unwrap(),
            r#"{"count":"-5","type":["t"],"z":1}"#
        );
        assert_eq!(serde_json::to_string(&Sample::default()).unwrap(), "{}");
    }

    #[test]
    fn a_wrong_shape_names_the_schema() {
        let err = serde_json::from_str::<Sample>("[1]").unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid type: sequence, expected a Sample object at line 1 column 0"
        );
        let err = serde_json::from_str::<Sample>(r#"{"count":"x"}"#).unwrap_err();
        assert!(err.to_string().contains("line 1 column 12"), "{err}");
    }
}
