//! Percent-encoding of path template variables (RFC 6570).
//!
//! Discovery path templates use `{name}` (simple expansion) and `{+name}`
//! (reserved expansion). The generated code expands each variable with one of
//! these functions and joins the pieces into the relative path of a
//! [`Request`](crate::Request).
//!
//! A value of exactly `.` or `..` is not encoded (both are made of unreserved
//! characters), and a `{+name}` value may hold such segments between its `/`s;
//! URL parsing would resolve them and send the request to another path. The
//! [`Client`](crate::Client) refuses such a request with
//! [`Error::UnsafePath`](crate::Error::UnsafePath) before sending anything.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Everything except the unreserved characters `ALPHA DIGIT - . _ ~`.
const SIMPLE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Like [`SIMPLE`], but keeps `/`.
const RESERVED: &AsciiSet = &SIMPLE.remove(b'/');

/// Like [`SIMPLE`], but keeps all RFC 3986 reserved characters.
const RESERVED_RFC6570: &AsciiSet = &SIMPLE
    .remove(b':')
    .remove(b'/')
    .remove(b'?')
    .remove(b'#')
    .remove(b'[')
    .remove(b']')
    .remove(b'@')
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';')
    .remove(b'=');

/// Encodes a `{name}` variable: everything except the unreserved characters
/// `ALPHA DIGIT - . _ ~` is percent-encoded (as UTF-8), so `/` becomes `%2F`.
///
/// ```
/// assert_eq!(discogen_runtime::__private::path::simple("a/b c"), "a%2Fb%20c");
/// ```
pub fn simple(value: &str) -> String {
    utf8_percent_encode(value, SIMPLE).to_string()
}

/// Encodes a `{+name}` variable the way Google services expect it
/// (`fullyEncodeReservedExpansion`): unreserved characters and `/` are kept,
/// everything else is percent-encoded (`:` → `%3A`, ` ` → `%20`, `%` → `%25`).
///
/// ```
/// assert_eq!(
///     discogen_runtime::__private::path::reserved("projects/p/operations/o:x y"),
///     "projects/p/operations/o%3Ax%20y",
/// );
/// ```
pub fn reserved(value: &str) -> String {
    utf8_percent_encode(value, RESERVED).to_string()
}

/// Encodes a `{+name}` variable as classic RFC 6570 reserved expansion:
/// unreserved characters and all reserved characters `:/?#[]@!$&'()*+,;=`
/// are kept, everything else (including `%`) is percent-encoded.
///
/// ```
/// assert_eq!(
///     discogen_runtime::__private::path::reserved_rfc6570("v1/a:b c"),
///     "v1/a:b%20c",
/// );
/// ```
pub fn reserved_rfc6570(value: &str) -> String {
    utf8_percent_encode(value, RESERVED_RFC6570).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simple_encodes_everything_but_unreserved() {
        assert_eq!(simple("a/b c"), "a%2Fb%20c");
        assert_eq!(simple("AZaz09-._~"), "AZaz09-._~");
        assert_eq!(
            simple(":?#[]@!$&'()*+,;=%"),
            "%3A%3F%23%5B%5D%40%21%24%26%27%28%29%2A%2B%2C%3B%3D%25"
        );
        assert_eq!(simple("é"), "%C3%A9");
        assert_eq!(simple(""), "");
    }

    #[test]
    fn reserved_keeps_slash_only() {
        assert_eq!(
            reserved("projects/p/locations/l/operations/o:x y"),
            "projects/p/locations/l/operations/o%3Ax%20y"
        );
        assert_eq!(reserved("a%2Fb"), "a%252Fb");
        assert_eq!(reserved("a?b#c"), "a%3Fb%23c");
        assert_eq!(reserved("x/ü"), "x/%C3%BC");
    }

    #[test]
    fn reserved_rfc6570_keeps_reserved_set() {
        let all_reserved = ":/?#[]@!$&'()*+,;=";
        assert_eq!(reserved_rfc6570(all_reserved), all_reserved);
        assert_eq!(reserved_rfc6570("a b%c\"<>"), "a%20b%25c%22%3C%3E");
        assert_eq!(reserved_rfc6570("-._~AZ09"), "-._~AZ09");
    }
}
