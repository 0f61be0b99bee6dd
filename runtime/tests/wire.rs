//! Round trips through `discogen_runtime::__private::wire`, as generated structs use it.

use std::collections::{BTreeMap, HashMap};

use chrono::TimeDelta;
use discogen_runtime::__private::wire;
use serde::{Deserialize, Serialize};
use serde_json::json;

#[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct Sample {
    #[serde(
        with = "::discogen_runtime::__private::wire",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    int64: Option<i64>,
    #[serde(
        with = "::discogen_runtime::__private::wire",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    uint64: Option<u64>,
    #[serde(
        with = "::discogen_runtime::__private::wire",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    double: Option<f64>,
    #[serde(
        with = "::discogen_runtime::__private::wire",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    float: Option<f32>,
    #[serde(
        with = "::discogen_runtime::__private::wire",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    duration: Option<TimeDelta>,
    #[serde(
        with = "::discogen_runtime::__private::wire",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    matrix: Option<Vec<Vec<i64>>>,
    #[serde(
        with = "::discogen_runtime::__private::wire",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    by_key: Option<BTreeMap<String, Vec<i64>>>,
    #[serde(
        with = "::discogen_runtime::__private::wire",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    maybe_doubles: Option<Vec<Option<f64>>>,
    #[serde(
        with = "::discogen_runtime::__private::wire",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    durations: Option<HashMap<String, TimeDelta>>,
    plain: Option<String>,
}

fn from(v: serde_json::Value) -> Sample {
    serde_json::from_value(v).unwrap()
}

fn to(s: &Sample) -> serde_json::Value {
    serde_json::to_value(s).unwrap()
}

#[test]
fn missing_and_null_fields_are_none() {
    assert_eq!(from(json!({})), Sample::default());
    assert_eq!(
        from(json!({"int64": null, "double": null, "matrix": null, "duration": null})),
        Sample::default()
    );
    assert_eq!(to(&Sample::default()), json!({"plain": null}));
}

#[test]
fn int64_reads_strings_and_numbers_and_writes_strings() {
    assert_eq!(from(json!({"int64": "123"})).int64, Some(123));
    assert_eq!(from(json!({"int64": 123})).int64, Some(123));
    assert_eq!(
        from(json!({"int64": -9_223_372_036_854_775_808i64})).int64,
        Some(i64::MIN)
    );
    assert_eq!(
        from(json!({"int64": "-9223372036854775808"})).int64,
        Some(i64::MIN)
    );
    assert_eq!(from(json!({"int64": 1e3})).int64, Some(1000));
    assert_eq!(
        from(json!({"uint64": "18446744073709551615"})).uint64,
        Some(u64::MAX)
    );
    assert_eq!(from(json!({"uint64": 7})).uint64, Some(7));
    let s = Sample {
        int64: Some(123),
        uint64: Some(u64::MAX),
        ..Sample::default()
    };
    assert_eq!(
        to(&s),
        json!({"int64": "123", "uint64": "18446744073709551615", "plain": null})
    );
}

#[test]
fn bad_integers_are_errors_not_panics() {
    for v in [
        json!({"int64": "12x"}),
        json!({"int64": "9223372036854775808"}),
        json!({"int64": 1.5}),
        json!({"int64": true}),
        json!({"int64": [1]}),
        json!({"uint64": -1}),
        json!({"uint64": "-1"}),
        json!({"int64": 1e300}),
    ] {
        assert!(serde_json::from_value::<Sample>(v.clone()).is_err(), "{v}");
    }
}

#[test]
fn floats_handle_special_values() {
    let s = from(json!({"double": "NaN", "float": "-Infinity"}));
    assert!(s.double.unwrap().is_nan());
    assert_eq!(s.float, Some(f32::NEG_INFINITY));
    assert_eq!(
        from(json!({"double": "Infinity"})).double,
        Some(f64::INFINITY)
    );
    assert_eq!(from(json!({"double": 2.5})).double, Some(2.5));
    assert_eq!(from(json!({"double": 3})).double, Some(3.0));
    assert_eq!(from(json!({"double": "0.125"})).double, Some(0.125));
    assert_eq!(from(json!({"float": 0.5})).float, Some(0.5));
    assert!(serde_json::from_value::<Sample>(json!({"double": "abc"})).is_err());

    let text = serde_json::to_string(&Sample {
        double: Some(f64::NAN),
        float: Some(f32::INFINITY),
        ..Sample::default()
    })
    .unwrap();
    assert_eq!(text, r#"{"double":"NaN","float":"Infinity","plain":null}"#);
    let text = serde_json::to_string(&Sample {
        double: Some(f64::NEG_INFINITY),
        float: Some(1.25),
        ..Sample::default()
    })
    .unwrap();
    assert_eq!(text, r#"{"double":"-Infinity","float":1.25,"plain":null}"#);
    assert_eq!(
        to(&Sample {
            double: Some(2.5),
            ..Sample::default()
        }),
        json!({"double": 2.5, "plain": null})
    );
}

#[test]
fn durations_round_trip() {
    let cases = [
        ("3.5s", TimeDelta::milliseconds(3500)),
        ("0s", TimeDelta::zero()),
        ("-0.000000001s", TimeDelta::nanoseconds(-1)),
        ("-1.000000001s", TimeDelta::nanoseconds(-1_000_000_001)),
        ("86400s", TimeDelta::days(1)),
        ("0.000001s", TimeDelta::microseconds(1)),
        ("-2.5s", TimeDelta::milliseconds(-2500)),
        ("315576000000s", TimeDelta::seconds(315_576_000_000)),
    ];
    for (text, value) in cases {
        assert_eq!(wire::parse_duration(text), Some(value), "{text}");
        assert_eq!(wire::format_duration(&value), text);
        let s = from(json!({ "duration": text }));
        assert_eq!(s.duration, Some(value), "{text}");
        assert_eq!(to(&s)["duration"], json!(text));
    }
}

#[test]
fn durations_accept_lenient_forms() {
    let ms = TimeDelta::milliseconds;
    assert_eq!(wire::parse_duration("3.500s"), Some(ms(3500)));
    assert_eq!(wire::parse_duration("+3.5s"), Some(ms(3500)));
    assert_eq!(wire::parse_duration(".5s"), Some(ms(500)));
    assert_eq!(wire::parse_duration("1.s"), Some(ms(1000)));
    assert_eq!(
        wire::parse_duration("0.0000000019s"),
        Some(TimeDelta::nanoseconds(1))
    );
    assert_eq!(
        from(json!({"duration": 2})).duration,
        Some(TimeDelta::seconds(2))
    );
    assert_eq!(from(json!({"duration": 1.25})).duration, Some(ms(1250)));
}

#[test]
fn bad_durations_are_errors_not_panics() {
    for text in [
        "",
        "s",
        "3",
        "3.5",
        "-s",
        ".s",
        "1.2.3s",
        "1 s",
        "abc",
        "--1s",
        "1e3s",
        "٣s",
        "99999999999999999999s",
        "9223372036854775807s",
    ] {
        assert_eq!(wire::parse_duration(text), None, "{text}");
        assert!(
            serde_json::from_value::<Sample>(json!({ "duration": text })).is_err(),
            "{text}"
        );
    }
    for v in [json!(1e300), json!(f64::MAX), json!(u64::MAX), json!(true)] {
        assert!(
            serde_json::from_value::<Sample>(json!({ "duration": v })).is_err(),
            "{v}"
        );
    }
}

#[test]
fn nested_containers() {
    let s = from(json!({
        "matrix": [["1", 2], [], ["-3"]],
        "byKey": {"a": ["10"], "b": []},
        "maybeDoubles": [1.5, null, "NaN"],
        "durations": {"x": "1.5s"},
    }));
    assert_eq!(s.matrix, Some(vec![vec![1, 2], vec![], vec![-3]]));
    assert_eq!(
        s.by_key,
        Some(
            [("a".to_owned(), vec![10]), ("b".to_owned(), vec![])]
                .into_iter()
                .collect()
        )
    );
    let doubles = s.maybe_doubles.as_ref().unwrap();
    assert_eq!(doubles[0], Some(1.5));
    assert_eq!(doubles[1], None);
    assert!(doubles[2].unwrap().is_nan());
    assert_eq!(
        s.durations.as_ref().unwrap()["x"],
        TimeDelta::milliseconds(1500)
    );

    assert_eq!(
        to(&s),
        json!({
            "matrix": [["1", "2"], [], ["-3"]],
            "byKey": {"a": ["10"], "b": []},
            "maybeDoubles": [1.5, null, "NaN"],
            "durations": {"x": "1.5s"},
            "plain": null,
        })
    );
    assert!(serde_json::from_value::<Sample>(json!({"matrix": [["x"]]})).is_err());
    assert!(serde_json::from_value::<Sample>(json!({"byKey": {"a": "1"}})).is_err());
}

#[test]
fn free_functions_work_with_serde_json_directly() {
    let v = wire::serialize(&Some(vec![5i64]), serde_json::value::Serializer).unwrap();
    assert_eq!(v, json!(["5"]));
    let back: Option<Vec<i64>> = wire::deserialize(json!(["5", 6])).unwrap();
    assert_eq!(back, Some(vec![5, 6]));
}
