//! Regression tests from fuzzing the runtime's response handling (`fuzz/`, targets `response_*`): each is
//! an input that once broke a property the fuzz targets check, through the step `Client::execute` takes.

use discogen_runtime::__private::response::decode_body;

/// `response_get`, body `5E44`: serde_json's default float parser rounded it to a double one ULP off, so
/// a value read and written back (a read-modify-write) changed. The runtime turns on serde_json's
/// `float_roundtrip`: every number decodes to the nearest double, as std's parser does, and re-encodes to
/// the same double.
#[test]
fn floats_decode_to_the_nearest_double_and_round_trip() {
    for text in [
        "5E44",
        "0.1",
        "1.7976931348623157e308",
        "2.2250738585072014e-308",
        "5e-324",
        "9007199254740993.0",
        "3.141592653589793238462643383279",
        "123456789012345678901234567890e-10",
    ] {
        let value: f64 = decode_body(200, text.as_bytes()).unwrap();
        let nearest: f64 = text.parse().unwrap();
        assert_eq!(value.to_bits(), nearest.to_bits(), "{text}");
        let written = serde_json::to_string(&value).unwrap();
        let again: f64 = decode_body(200, written.as_bytes()).unwrap();
        assert_eq!(again.to_bits(), value.to_bits(), "{text} → {written}");
        let in_json: serde_json::Value =
            decode_body(200, format!("{{\"x\":{text}}}").as_bytes()).unwrap();
        assert_eq!(
            in_json["x"].as_f64().map(f64::to_bits),
            Some(nearest.to_bits())
        );
    }
}
