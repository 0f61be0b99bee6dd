//! Twins of the generated schema structs that use serde's derive (written by `build.rs`), and what the
//! differential test compares: a JSON text decoded by the generated type and by its twin, each result
//! re-encoded as a JSON value.

use discogen_runtime::__private::wire::{De, Ser, Wire};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

include!(concat!(env!("OUT_DIR"), "/twins.rs"));

/// A schema id and the function that decodes a text both ways.
pub type Check = (&'static str, fn(&str) -> Verdicts);

/// What the generated type and the derive twin made of one JSON text: the value re-encoded, or the error.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdicts {
    pub generated: Result<Value, String>,
    pub derived: Result<Value, String>,
}

/// Decodes `text` as `G` (generated) and `D` (its twin), and re-encodes both.
pub fn decode_both<G, D>(text: &str) -> Verdicts
where
    G: DeserializeOwned + Serialize,
    D: DeserializeOwned + Serialize,
{
    Verdicts {
        generated: round_trip::<G>(text),
        derived: round_trip::<D>(text),
    }
}

fn round_trip<T: DeserializeOwned + Serialize>(text: &str) -> Result<Value, String> {
    let value: T = serde_json::from_str(text).map_err(|e| e.to_string())?;
    serde_json::to_value(&value).map_err(|e| e.to_string())
}

/// A value in the runtime's wire form (int64 as a string, `"NaN"` floats, durations), as the generated
/// code reads and writes it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct W<T>(pub T);

impl<T: Wire> Serialize for W<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Ser(&self.0).serialize(serializer)
    }
}

impl<'de, T: Wire> Deserialize<'de> for W<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        De::<T>::deserialize(deserializer).map(|value| W(value.0))
    }
}
