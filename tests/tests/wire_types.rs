//! Generated types decode and encode the JSON that Google sends: int64 as strings, base64 bytes in both
//! alphabets, NaN floats, durations, timestamps, open enums, boxed cycles.

use serde_json::json;

#[test]
fn scalars_decode_from_the_wire_forms() {
    let value: fixture_scalars::schemas::Scalars = serde_json::from_value(json!({
        "int64Value": "-9007199254740993",
        "uint64Value": 18446744073709551615u64,
        "int64List": ["1", 2],
        "bytesValue": "-_8=",
        "bytesList": ["+/8", "AQID"],
        "doubleValue": "NaN",
        "floatValue": "-Infinity",
        "duration": "3.5s",
        "createTime": "2024-05-01T12:00:00.123456789Z",
        "dateValue": "2024-02-29",
        "anyValue": {"k": [1, "two"]}
    }))
    .unwrap();
    assert_eq!(value.int64_value, Some(-9_007_199_254_740_993));
    assert_eq!(value.uint64_value, Some(u64::MAX));
    assert_eq!(value.int64_list, Some(vec![1, 2]));
    assert_eq!(value.bytes_value.as_deref(), Some(&[0xfb, 0xff][..]));
    assert_eq!(
        value
            .bytes_list
            .as_ref()
            .map(|l| l.iter().map(|b| b.to_vec()).collect::<Vec<_>>()),
        Some(vec![vec![0xfb, 0xff], vec![1, 2, 3]])
    );
    assert!(value.double_value.is_some_and(f64::is_nan));
    assert_eq!(value.float_value, Some(f32::NEG_INFINITY));
    assert_eq!(
        value.duration,
        Some(discogen_runtime::Duration::milliseconds(3500))
    );
    assert_eq!(
        value.create_time.map(|t| t.timestamp_subsec_nanos()),
        Some(123_456_789)
    );
    assert_eq!(
        value.date_value.map(|d| d.to_string()),
        Some("2024-02-29".to_owned())
    );
    assert_eq!(value.any_value, Some(json!({"k": [1, "two"]})));
    assert_eq!(value.string_value, None);
}

#[test]
fn scalars_encode_to_the_wire_forms_and_omit_unset_fields() {
    let value = fixture_scalars::schemas::Scalars::default()
        .with_int64_value(7)
        .with_int64_list(vec![1, -2])
        .with_double_value(f64::INFINITY)
        .with_bytes_value(vec![0xfb, 0xff])
        .with_duration(discogen_runtime::Duration::milliseconds(-1500));
    assert_eq!(
        serde_json::to_value(&value).unwrap(),
        json!({"int64Value": "7", "int64List": ["1", "-2"], "doubleValue": "Infinity", "bytesValue": "+/8=", "duration": "-1.5s"})
    );
}

#[test]
fn enums_stay_open() {
    use fixture_enums::schemas::Color;
    let colors: Vec<Color> = serde_json::from_value(json!(["RED", "ULTRAVIOLET"])).unwrap();
    assert_eq!(
        colors,
        vec![Color::Red, Color::UnknownValue("ULTRAVIOLET".to_owned())]
    );
    assert_eq!(
        serde_json::to_value(&colors).unwrap(),
        json!(["RED", "ULTRAVIOLET"])
    );
    assert_eq!(Color::Green.as_str(), "GREEN");
}

#[test]
fn recursive_types_nest() {
    let node: fixture_cycles::schemas::Node = serde_json::from_value(
        json!({"name": "leaf", "parent": {"name": "mid", "parent": {"name": "root"}}}),
    )
    .unwrap();
    let root = node
        .parent
        .as_ref()
        .and_then(|p| p.parent.as_ref())
        .and_then(|p| p.name.as_deref());
    assert_eq!(root, Some("root"));
}
