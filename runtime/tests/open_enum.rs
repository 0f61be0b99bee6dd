//! `open_enum!` on a hand-written enum shaped like the generated ones.

use discogen_runtime::__private::{open_enum, QueryValue};
use discogen_runtime::{Method, Request};

#[derive(Debug, Clone, PartialEq, Eq)]
enum State {
    Unspecified,
    Active,
    Deleted,
    Unknown(String),
}

impl State {
    fn as_str(&self) -> &str {
        match self {
            State::Unspecified => "STATE_UNSPECIFIED",
            State::Active => "ACTIVE",
            State::Deleted => "DELETED",
            State::Unknown(s) => s,
        }
    }
}

impl From<&str> for State {
    fn from(s: &str) -> Self {
        match s {
            "STATE_UNSPECIFIED" => State::Unspecified,
            "ACTIVE" => State::Active,
            "DELETED" => State::Deleted,
            other => State::Unknown(other.to_owned()),
        }
    }
}

open_enum!(State);

mod other {
    // The macro must not need serde (or anything else) in scope.
    #[derive(Debug, PartialEq)]
    pub enum Kind {
        A,
        Unknown(String),
    }

    impl Kind {
        pub fn as_str(&self) -> &str {
            match self {
                Kind::A => "A",
                Kind::Unknown(s) => s,
            }
        }
    }

    impl From<&str> for Kind {
        fn from(s: &str) -> Self {
            if s == "A" {
                Kind::A
            } else {
                Kind::Unknown(s.to_owned())
            }
        }
    }

    ::discogen_runtime::__private::open_enum!(Kind,);
}

#[test]
fn known_values_round_trip() {
    let s: State = serde_json::from_str("\"ACTIVE\"").unwrap();
    assert_eq!(s, State::Active);
    assert_eq!(
        serde_json::to_string(&State::Deleted).unwrap(),
        "\"DELETED\""
    );
    assert_eq!(State::Unspecified.to_string(), "STATE_UNSPECIFIED");
}

#[test]
fn unknown_values_round_trip_unchanged() {
    let s: State = serde_json::from_str("\"SOMETHING_NEW\"").unwrap();
    assert_eq!(s, State::Unknown("SOMETHING_NEW".into()));
    assert_eq!(serde_json::to_string(&s).unwrap(), "\"SOMETHING_NEW\"");
    let escaped: State = serde_json::from_str(r#""a\"b\u00e9""#).unwrap();
    assert_eq!(escaped, State::Unknown("a\"bé".into()));
    assert_eq!(serde_json::to_string(&escaped).unwrap(), r#""a\"bé""#);
    let v: Vec<State> = serde_json::from_str(r#"["ACTIVE","X",""]"#).unwrap();
    assert_eq!(
        v,
        vec![
            State::Active,
            State::Unknown("X".into()),
            State::Unknown(String::new())
        ]
    );
}

#[test]
fn non_strings_are_errors() {
    for text in ["1", "null", "{}", "[\"A\"]", "true"] {
        assert!(serde_json::from_str::<State>(text).is_err(), "{text}");
    }
    assert_eq!(serde_json::from_str::<Option<State>>("null").unwrap(), None);
}

#[test]
fn query_values_use_as_str() {
    let mut out = Vec::new();
    State::Active.append_to("state", &mut out);
    assert_eq!(out[0].1, "ACTIVE");

    let mut r = Request::new(Method::GET, "v1/x".to_owned());
    r.query("states", &vec![State::Active, State::Unknown("NEW".into())]);
    r.query("kind", &Some(other::Kind::A));
    r.query("none", &None::<State>);
    let pairs: Vec<(&str, &str)> = r
        .query_pairs()
        .iter()
        .map(|(n, v)| (n.as_ref(), v.as_str()))
        .collect();
    assert_eq!(
        pairs,
        vec![("states", "ACTIVE"), ("states", "NEW"), ("kind", "A")]
    );
}

#[test]
fn other_module_enum_works() {
    let k: other::Kind = serde_json::from_str("\"B\"").unwrap();
    assert_eq!(k, other::Kind::Unknown("B".into()));
    assert_eq!(k.to_string(), "B");
}
