//! Strict JSON, for everything we read that someone else wrote: token parts, key files,
//! backend answers, batch lines, `--claim` values, request bodies. UTF-8, and no member
//! named twice at any depth: parsers disagree on which duplicate wins, so an input with one
//! is refused wherever it appears, not only in tokens.

use std::cell::RefCell;
use std::fmt;

use serde::Deserialize as _;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// Why some bytes are not usable JSON (or not the object that was wanted).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JsonError {
    /// Not UTF-8.
    #[error("is not UTF-8 text")]
    NotUtf8,
    /// A member name appears twice.
    #[error("has the member {} twice; parsers disagree on which one wins, so it is refused", Value::from(.0.as_str()))]
    Duplicate(String),
    /// Not JSON at all (or nested past the depth limit).
    #[error("is not JSON ({0})")]
    Syntax(String),
    /// Valid JSON of another kind.
    #[error("is {0}, not a JSON object")]
    NotObject(&'static str),
    /// A number that would not come back as written (see [`exact_numbers`]).
    #[error(
        "has the number {written}, which would become {held}: JSON numbers are held as 64-bit \
         integers or doubles, so give it as a string"
    )]
    Inexact {
        /// The number as written (cut to 40 characters).
        written: String,
        /// What it becomes.
        held: String,
    },
}

/// Whether every number in `text`, JSON that [`parse_value`] took, comes back with the value
/// it was written with once parsed into a [`Value`] and written out again (`1E2` becomes
/// `100.0`, the same value). A number beyond 64-bit integers or more precise than a double
/// does not: signing it would sign another number than the one asked for.
///
/// # Errors
/// [`JsonError::Inexact`] for the first number that would change.
///
/// ```
/// use layer_auth::json::exact_numbers;
/// assert!(exact_numbers(r#"{"id": 18446744073709551615, "r": 0.1, "s": "1e999"}"#).is_ok());
/// assert!(exact_numbers(r#"{"id": 18446744073709551616}"#).is_err());
/// ```
pub fn exact_numbers(text: &str) -> Result<(), JsonError> {
    for written in numbers(text) {
        let held = serde_json::from_str::<Value>(written)
            .map_or_else(|_| "an error".to_owned(), |v| v.to_string());
        if decimal(written) != decimal(&held) {
            let mut shown: String = written.chars().take(40).collect();
            if shown.len() < written.len() {
                shown.push('…');
            }
            return Err(JsonError::Inexact {
                written: shown,
                held,
            });
        }
    }
    Ok(())
}

/// Whether `text` is JSON by the grammar alone, whatever its numbers' size: `[1e400]` is,
/// though no parser that holds numbers as doubles reads it (and [`parse_value`] refuses it).
///
/// ```
/// use layer_auth::json::is_json_grammar;
/// assert!(is_json_grammar("[1, 1e400]") && is_json_grammar(r#"{"a": -1e400}"#));
/// assert!(!is_json_grammar("blue") && !is_json_grammar("02134") && !is_json_grammar("[1,]"));
/// ```
pub fn is_json_grammar(text: &str) -> bool {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    serde::de::IgnoredAny::deserialize(&mut deserializer).is_ok() && deserializer.end().is_ok()
}

/// The number lexemes of JSON `text` (outside its strings), in order.
fn numbers(text: &str) -> impl Iterator<Item = &str> {
    let bytes = text.as_bytes();
    let mut at = 0;
    std::iter::from_fn(move || {
        while at < bytes.len() {
            match bytes[at] {
                b'"' => {
                    at += 1;
                    while at < bytes.len() && bytes[at] != b'"' {
                        at += if bytes[at] == b'\\' { 2 } else { 1 };
                    }
                    at += 1;
                }
                b'-' | b'0'..=b'9' => {
                    let start = at;
                    while at < bytes.len()
                        && matches!(bytes[at], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                    {
                        at += 1;
                    }
                    return Some(&text[start..at]);
                }
                _ => at += 1,
            }
        }
        None
    })
}

/// A JSON number's value as its significant digits (no leading or trailing zeros) and the
/// power of ten of the last one, negative or not: equal for equal values however written
/// (`1E2`, `100`, `100.0`). Zero is `("", 0)` whatever its sign. `None` when not a number.
fn decimal(number: &str) -> Option<(bool, String, i64)> {
    let (negative, unsigned) = match number.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, number),
    };
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(at) => (&unsigned[..at], &unsigned[at + 1..]),
        None => (unsigned, "0"),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let exponent = exponent.strip_prefix('+').unwrap_or(exponent);
    // An exponent too long for an i64 is beyond any double: clamped, it still differs.
    let exponent = exponent.parse::<i64>().ok().or_else(|| {
        let digits = exponent.trim_start_matches('-');
        (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())).then(|| {
            if exponent.starts_with('-') {
                i64::MIN / 2
            } else {
                i64::MAX / 2
            }
        })
    })?;
    if whole.is_empty() || !(whole.bytes().chain(fraction.bytes())).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let digits = format!("{whole}{fraction}");
    let digits = digits.trim_start_matches('0');
    let significant = digits.trim_end_matches('0');
    if significant.is_empty() {
        return Some((false, String::new(), 0));
    }
    let trailing = i64::try_from(digits.len() - significant.len()).unwrap_or(i64::MAX / 4);
    let places = i64::try_from(fraction.len()).unwrap_or(i64::MAX / 4);
    let power = exponent.saturating_sub(places).saturating_add(trailing);
    Some((negative, significant.to_owned(), power))
}

/// Parses `bytes` as any JSON value, refusing duplicate members at any depth.
///
/// # Errors
/// [`JsonError`] naming what is wrong.
///
/// ```
/// use layer_auth::json::{JsonError, parse_value};
/// assert_eq!(parse_value(br#""a.b.c""#).unwrap(), "a.b.c");
/// assert_eq!(parse_value(br#"{"n":1,"n":2}"#), Err(JsonError::Duplicate("n".into())));
/// ```
pub fn parse_value(bytes: &[u8]) -> Result<Value, JsonError> {
    let text = std::str::from_utf8(bytes).map_err(|_| JsonError::NotUtf8)?;
    let duplicate = RefCell::new(None);
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let parsed = Strict {
        duplicate: &duplicate,
    }
    .deserialize(&mut deserializer)
    .and_then(|value| deserializer.end().map(|()| value));
    parsed.map_err(|error| match duplicate.into_inner() {
        Some(name) => JsonError::Duplicate(name),
        // Token parts and batch lines are one line: "line 1" only confuses.
        None => JsonError::Syntax(
            error
                .to_string()
                .replace(" at line 1 column ", " at column "),
        ),
    })
}

/// Parses `bytes` as a JSON object, refusing duplicate members.
///
/// # Errors
/// [`JsonError`] naming what is wrong.
pub fn parse_object(bytes: &[u8]) -> Result<Map<String, Value>, JsonError> {
    match parse_value(bytes)? {
        Value::Object(map) => Ok(map),
        other => Err(JsonError::NotObject(kind_name(&other))),
    }
}

/// "an array", "a string", …: a JSON value's kind, without its content.
pub fn kind_name(value: &Value) -> &'static str {
    match value {
        Value::Object(_) => "an object",
        Value::Array(_) => "an array",
        Value::String(_) => "a string",
        Value::Number(_) => "a number",
        Value::Bool(_) => "a boolean",
        Value::Null => "null",
    }
}

/// Whether JSON needs an escape for any of `bytes` (a control character, `"` or `\\`).
/// Eight bytes at a time, in one `u64` (SWAR): a report's messages are a couple of
/// kilobytes and almost never need one.
pub(crate) fn needs_escape(bytes: &[u8]) -> bool {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    // The high bit of each byte of `x` that is below `n` (for n <= 0x80; exact for ASCII
    // `x`, and UTF-8's bytes of 0x80 and up are never flagged).
    let below = |x: u64, n: u8| x.wrapping_sub(ONES * u64::from(n)) & !x & HIGHS;
    let flagged =
        |x: u64| below(x, 0x20) | below(x ^ (ONES * 0x22), 1) | below(x ^ (ONES * 0x5c), 1);
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        if flagged(u64::from_ne_bytes(word)) != 0 {
            return true;
        }
    }
    chunks
        .remainder()
        .iter()
        .any(|&b| b < 0x20 || b == b'"' || b == b'\\')
}

/// Whether any of `bytes` is a control character (below 0x20), eight at a time.
pub(crate) fn has_control(bytes: &[u8]) -> bool {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    let mut words = bytes.chunks_exact(8);
    let flagged = words.by_ref().fold(0, |any, chunk| {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_ne_bytes(word);
        any | (x.wrapping_sub(ONES * 0x20) & !x & HIGHS)
    });
    flagged != 0 || words.remainder().iter().any(|&b| b < 0x20)
}

/// Builds a [`Value`] like serde_json does, but stops at a repeated member name and records
/// it in `duplicate` (so the error is known without reading serde_json's message).
#[derive(Clone, Copy)]
struct Strict<'d> {
    duplicate: &'d RefCell<Option<String>>,
}

impl<'de> DeserializeSeed<'de> for Strict<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Strict<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(self)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut members = Map::new();
        while let Some(name) = map.next_key::<String>()? {
            let value = map.next_value_seed(self)?;
            match members.entry(name) {
                serde_json::map::Entry::Vacant(slot) => {
                    slot.insert(value);
                }
                serde_json::map::Entry::Occupied(slot) => {
                    *self.duplicate.borrow_mut() = Some(slot.key().clone());
                    return Err(de::Error::custom("duplicate member"));
                }
            }
        }
        Ok(Value::Object(members))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn needs_escape_finds_every_byte_json_escapes_and_no_other() {
        for b in 0..=255u8 {
            let wanted = b < 0x20 || b == b'"' || b == b'\\';
            for at in [0, 3, 7, 8, 13, 16] {
                let mut text = vec![b'a'; 17];
                text[at] = b;
                assert_eq!(needs_escape(&text), wanted, "byte {b:#x} at {at}");
            }
        }
        assert!(!needs_escape("é → ✓ valid, \u{202e}".as_bytes()));
        assert!(!needs_escape(b""));
    }

    #[test]
    fn has_control_finds_every_byte_below_0x20_and_no_other() {
        for b in 0..=255u8 {
            for at in [0, 3, 7, 8, 13, 16] {
                let mut text = vec![b'a'; 17];
                text[at] = b;
                assert_eq!(has_control(&text), b < 0x20, "byte {b:#x} at {at}");
            }
        }
        assert!(!has_control("\"\\é\u{7f}".as_bytes()));
    }

    #[test]
    fn reads_an_object_keeping_member_order_and_number_kinds() {
        let map =
            parse_object(br#"{"prn":"a","iat":1,"exp":1.5,"m":{"k":"v"},"l":[1,null]}"#).unwrap();
        assert_eq!(
            map.keys().collect::<Vec<_>>(),
            ["prn", "iat", "exp", "m", "l"]
        );
        assert!(map["iat"].is_i64());
        assert!(map["exp"].is_f64());
    }

    #[test]
    fn numbers_that_come_back_with_their_value_pass_and_others_are_named() {
        for exact in [
            r#"{"a":1,"b":-9223372036854775808,"c":18446744073709551615}"#,
            r#"[0.1, 1E2, 1.50, -0, -0.0, 0e999, 5e-324, 1.7976931348623157e308]"#,
            r#"{"s":"12345678901234567890123 \" 1e999","t":[true,null]}"#,
            "{}",
        ] {
            assert_eq!(exact_numbers(exact), Ok(()), "{exact}");
        }
        for (text, written) in [
            ("[18446744073709551616]", "18446744073709551616"),
            ("[-9223372036854775809]", "-9223372036854775809"),
            (
                r#"{"s":"\"","n":{"m":0.10000000000000000001}}"#,
                "0.10000000000000000001",
            ),
            ("[1e999]", "1e999"),
            ("[1e-999]", "1e-999"),
        ] {
            match exact_numbers(text) {
                Err(JsonError::Inexact { written: w, .. }) => assert_eq!(w, written, "{text}"),
                other => panic!("{text}: {other:?}"),
            }
        }
        let long = format!("[{}]", "9".repeat(100));
        let Err(error) = exact_numbers(&long) else {
            panic!("100 nines");
        };
        assert!(
            error
                .to_string()
                .contains(&format!("{}…, which would become 1e+100", "9".repeat(40))),
            "{error}"
        );
    }

    #[test]
    fn refuses_duplicates_at_any_depth_by_name() {
        assert_eq!(
            parse_object(br#"{"prn":"alice","prn":"mallory"}"#),
            Err(JsonError::Duplicate("prn".into()))
        );
        assert_eq!(
            parse_object(br#"{"metadata":{"a":"1","a":"2"}}"#),
            Err(JsonError::Duplicate("a".into()))
        );
        assert_eq!(
            parse_value(br#"[{"x":1},{"k":[{"d":1,"d":2}]}]"#),
            Err(JsonError::Duplicate("d".into()))
        );
    }

    #[test]
    fn a_member_name_that_looks_like_an_error_marker_is_just_a_name() {
        // The old implementation smuggled the name through serde_json's message text.
        let map = parse_object(b"{\"\\u0000duplicate member x\":1}").unwrap();
        assert_eq!(map.len(), 1);
        assert!(matches!(
            parse_object(b"{\"a\":1,\"\\u0000b\":2} x"),
            Err(JsonError::Syntax(_))
        ));
    }

    #[test]
    fn names_non_objects_non_utf8_trailing_garbage_and_deep_nesting() {
        assert_eq!(parse_object(b"[1]"), Err(JsonError::NotObject("an array")));
        assert_eq!(
            parse_object(b"\"s\""),
            Err(JsonError::NotObject("a string"))
        );
        assert_eq!(parse_object(b"\xff{}"), Err(JsonError::NotUtf8));
        assert!(matches!(parse_object(b"{} x"), Err(JsonError::Syntax(_))));
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(matches!(
            parse_object(deep.as_bytes()),
            Err(JsonError::Syntax(_))
        ));
    }
}
