//! The generated structs decode (`runtime::object`) as serde's derive would: for every top-level schema of
//! dialogflow-v2 and the fixture crates, JSON texts made from the Discovery document — valid ones and
//! mutated ones (wrong types, nulls, duplicate keys, huge and negative int64s, both base64 alphabets,
//! "NaN"/"Infinity", unknown enum values and members, deep nesting) — go through the generated type and
//! through its derive twin (`build.rs`); both must accept or both reject, and re-encode to the same JSON.
//! The deliberate differences (ARCHITECTURE.md) are asserted as such.

use std::path::Path;

use derive_twins::{Check, Verdicts};
use serde_json::{json, Map, Value};

/// Values made per schema and run; with every schema of the crates below, well over 10,000.
const PER_SCHEMA: usize = 24;
const MAX_DEPTH: usize = 4;

/// A small deterministic generator (xorshift64*), so that a failure can be replayed from its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

struct Values<'a> {
    schemas: &'a Map<String, Value>,
    rng: Rng,
}

impl Values<'_> {
    /// A value that fits `schema`.
    fn valid(&mut self, schema: &Value, depth: usize) -> Value {
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            return match self.schemas.get(reference) {
                Some(target) if depth < MAX_DEPTH => self.valid(target, depth + 1),
                _ => json!({}),
            };
        }
        let format = schema.get("format").and_then(Value::as_str).unwrap_or("");
        match schema.get("type").and_then(Value::as_str).unwrap_or("any") {
            "object" => self.object(schema, depth),
            "array" => {
                let items = schema.get("items").cloned().unwrap_or(json!({}));
                let n = if depth < MAX_DEPTH {
                    self.rng.below(3)
                } else {
                    0
                };
                Value::Array((0..n).map(|_| self.valid(&items, depth + 1)).collect())
            }
            "string" => self.string(schema, format),
            "integer" => match format {
                "uint32" => json!(self.rng.below(1 << 20)),
                _ => json!(self.rng.below(2000) as i64 - 1000),
            },
            "number" => match self.rng.below(6) {
                0 => json!("NaN"),
                1 => json!(if self.rng.chance(50) {
                    "Infinity"
                } else {
                    "-Infinity"
                }),
                _ => json!((self.rng.below(10_000) as f64) / 8.0 - 300.0),
            },
            "boolean" => json!(self.rng.chance(50)),
            _ => self.any(depth),
        }
    }

    fn object(&mut self, schema: &Value, depth: usize) -> Value {
        let mut out = Map::new();
        if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
            for (key, property) in properties {
                if self.rng.chance(60) {
                    out.insert(key.clone(), self.valid(property, depth + 1));
                }
            }
        }
        if let Some(values) = schema.get("additionalProperties") {
            for n in 0..self.rng.below(3) {
                out.insert(format!("extra{n}"), self.valid(values, depth + 1));
            }
        } else if self.rng.chance(25) {
            // A member a newer revision added.
            out.insert(format!("addedLater{}", self.rng.below(3)), self.any(depth));
        }
        Value::Object(out)
    }

    fn string(&mut self, schema: &Value, format: &str) -> Value {
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            if self.rng.chance(85) && !values.is_empty() {
                return values[self.rng.below(values.len())].clone();
            }
            return json!("VALUE_FROM_A_NEWER_REVISION");
        }
        match format {
            "int64" | "uint64" => match self.rng.below(5) {
                0 => json!(self.rng.below(1000)),
                _ => json!(format!("{}", self.rng.below(1 << 40) as i64 - (1 << 39))),
            },
            "byte" => json!(["+/8=", "-_8=", "-_8", "aGVsbG8", "aGVsbG8="][self.rng.below(5)]),
            "google-duration" => json!(["3.5s", "0s", "-1.25s", "100s"][self.rng.below(4)]),
            "date-time" | "google-datetime" => json!("2024-05-06T07:08:09.123Z"),
            "date" => json!("2024-05-06"),
            _ => json!(["", "a", "héllo", "line\nbreak", "quote\"d"][self.rng.below(5)]),
        }
    }

    fn any(&mut self, depth: usize) -> Value {
        match self.rng.below(if depth < MAX_DEPTH { 6 } else { 4 }) {
            0 => Value::Null,
            1 => json!(self.rng.below(100)),
            2 => json!("s"),
            3 => json!(true),
            4 => json!([self.any(depth + 1), self.any(depth + 1)]),
            _ => json!({"k": self.any(depth + 1)}),
        }
    }

    /// A text made from a valid value: the value itself, or one of the mutations.
    fn text(&mut self, schema: &Value) -> (String, Mutation) {
        let mut value = self.valid(schema, 0);
        let mutation = match self.rng.below(10) {
            0..=3 => Mutation::None,
            4 => Mutation::WrongType,
            5 => Mutation::Null,
            6 => Mutation::DuplicateKey,
            7 => Mutation::Int64Extremes,
            8 => Mutation::DeepNesting,
            _ => Mutation::NotAnObject,
        };
        let text = match mutation {
            Mutation::None => value.to_string(),
            Mutation::WrongType => {
                let replacement = [
                    json!(7),
                    json!("x"),
                    json!([1]),
                    json!({"a": 1}),
                    json!(false),
                ][self.rng.below(5)]
                .clone();
                self.replace_member(&mut value, replacement);
                value.to_string()
            }
            Mutation::Null => {
                self.replace_member(&mut value, Value::Null);
                value.to_string()
            }
            Mutation::DuplicateKey => duplicate_first_member(&value, &mut self.rng),
            Mutation::Int64Extremes => {
                let extreme = [
                    json!("99999999999999999999"),
                    json!("-9223372036854775808"),
                    json!(-1),
                    json!(1e30),
                    json!("0x10"),
                ][self.rng.below(5)]
                .clone();
                self.replace_member(&mut value, extreme);
                value.to_string()
            }
            Mutation::DeepNesting => {
                let depth = [20, 200][self.rng.below(2)];
                let nested = format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
                let body = value.to_string();
                match body.strip_prefix('{') {
                    Some("}") => format!("{{\"deep\":{nested}}}"),
                    Some(rest) => format!("{{\"deep\":{nested},{rest}"),
                    None => body,
                }
            }
            Mutation::NotAnObject => {
                [r#"[1,2]"#, "7", "\"s\"", "null", "{\"a\":1"][self.rng.below(5)].to_owned()
            }
        };
        (text, mutation)
    }

    /// Replaces one member of the object (or of an object nested in it) with `replacement`.
    fn replace_member(&mut self, value: &mut Value, replacement: Value) {
        let Value::Object(map) = value else { return };
        if map.is_empty() {
            map.insert("addedLater0".to_owned(), replacement);
            return;
        }
        let key = map
            .keys()
            .nth(self.rng.below(map.len()))
            .cloned()
            .unwrap_or_default();
        let member = map.get_mut(&key).expect("a key of the map");
        if member.is_object() && self.rng.chance(40) {
            self.replace_member(member, replacement);
        } else {
            *member = replacement;
        }
    }
}

/// The object's text with its first member written twice (the second time with another value).
fn duplicate_first_member(value: &Value, rng: &mut Rng) -> String {
    let Value::Object(map) = value else {
        return value.to_string();
    };
    let Some((key, first)) = map.iter().next() else {
        return "{\"a\":1,\"a\":2}".to_owned();
    };
    let second = if rng.chance(50) {
        first.clone()
    } else {
        Value::Null
    };
    let rest: Vec<String> = map
        .iter()
        .map(|(k, v)| format!("{}:{v}", Value::from(k.as_str())))
        .collect();
    format!(
        "{{{}:{second},{}}}",
        Value::from(key.as_str()),
        rest.join(",")
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mutation {
    None,
    WrongType,
    Null,
    DuplicateKey,
    Int64Extremes,
    DeepNesting,
    NotAnObject,
}

/// A deliberate difference between the generated decoding and the derive's, listed in ARCHITECTURE.md.
fn deliberate(verdicts: &Verdicts) -> Option<&'static str> {
    match (&verdicts.generated, &verdicts.derived) {
        // The derive rejects a repeated field; the generated code keeps its last value, as serde_json's
        // `Value` and most JSON readers do (and as Google's servers send no repeated keys).
        (Ok(_), Err(e)) if e.starts_with("duplicate field") => Some("duplicate key"),
        _ => None,
    }
}

fn document(path: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path);
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

#[test]
fn generated_decoding_agrees_with_the_derive() {
    let crates: [(&str, &[Check]); 8] = [
        (
            "discovery/dialogflow.v2.json",
            derive_twins::dialogflow_v2::CHECKS,
        ),
        (
            "tests/fixtures/collisions.json",
            derive_twins::fixture_collisions::CHECKS,
        ),
        (
            "tests/fixtures/cycles.json",
            derive_twins::fixture_cycles::CHECKS,
        ),
        (
            "tests/fixtures/enums.json",
            derive_twins::fixture_enums::CHECKS,
        ),
        (
            "tests/fixtures/keywords.json",
            derive_twins::fixture_keywords::CHECKS,
        ),
        (
            "tests/fixtures/maps.json",
            derive_twins::fixture_maps::CHECKS,
        ),
        (
            "tests/fixtures/nested.json",
            derive_twins::fixture_nested::CHECKS,
        ),
        (
            "tests/fixtures/scalars.json",
            derive_twins::fixture_scalars::CHECKS,
        ),
    ];
    let mut total = 0;
    let mut rejected = 0;
    let mut deliberate_seen = std::collections::BTreeMap::<&str, usize>::new();
    let mut disagreements = Vec::new();
    for (path, checks) in crates {
        let doc = document(path);
        let schemas = doc["schemas"].as_object().unwrap();
        let mut values = Values {
            schemas,
            rng: Rng(0x9E37_79B9_7F4A_7C15),
        };
        for (schema_id, check) in checks {
            let schema = &schemas[*schema_id];
            for _ in 0..PER_SCHEMA {
                let (text, mutation) = values.text(schema);
                let verdicts = check(&text);
                total += 1;
                match (&verdicts.generated, &verdicts.derived) {
                    (Ok(a), Ok(b)) if a == b => {}
                    (Err(_), Err(_)) => rejected += 1,
                    _ => match deliberate(&verdicts) {
                        Some(kind) => *deliberate_seen.entry(kind).or_default() += 1,
                        None => disagreements.push(format!(
                            "{path} {schema_id} ({mutation:?}): {text}\n  generated: {:?}\n  derived:   {:?}",
                            verdicts.generated, verdicts.derived
                        )),
                    },
                }
            }
        }
    }
    println!(
        "differential decode: {total} JSON texts, {rejected} rejected by both, deliberate differences {deliberate_seen:?}, {} disagreements",
        disagreements.len()
    );
    assert!(total >= 10_000, "only {total} values");
    assert!(
        disagreements.is_empty(),
        "{} disagreements, e.g.:\n{}",
        disagreements.len(),
        disagreements
            .iter()
            .take(8)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    // Each deliberate difference was met (so that its assertion means something).
    assert!(
        deliberate_seen.contains_key("duplicate key"),
        "{deliberate_seen:?}"
    );
}
