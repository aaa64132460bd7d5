//! Strict JSON for token parts: UTF-8, an object, and no member named twice at any depth
//! (parsers disagree on which duplicate wins, so Layer tokens with one are refused).

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::fmt;

/// Why a part's bytes are not a usable JSON object.
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
}

const DUPLICATE: &str = "\u{0}duplicate member ";

/// Parses `bytes` as a JSON object, refusing duplicate members.
///
/// # Errors
/// [`JsonError`] naming what is wrong.
pub fn parse_object(bytes: &[u8]) -> Result<Map<String, Value>, JsonError> {
    let text = std::str::from_utf8(bytes).map_err(|_| JsonError::NotUtf8)?;
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value = deserializer
        .deserialize_any(StrictVisitor)
        .and_then(|value| deserializer.end().map(|()| value))
        .map_err(|error| {
            let message = error.to_string();
            match message.strip_prefix(DUPLICATE) {
                Some(rest) => JsonError::Duplicate(rest.split('\u{0}').next().unwrap_or("").into()),
                // Token parts and batch lines are one line: "line 1" only confuses.
                None => JsonError::Syntax(message.replace(" at line 1 column ", " at column ")),
            }
        })?;
    match value {
        Value::Object(map) => Ok(map),
        Value::Array(_) => Err(JsonError::NotObject("an array")),
        Value::String(_) => Err(JsonError::NotObject("a string")),
        Value::Number(_) => Err(JsonError::NotObject("a number")),
        Value::Bool(_) => Err(JsonError::NotObject("a boolean")),
        Value::Null => Err(JsonError::NotObject("null")),
    }
}

/// Builds a [`Value`] like serde_json does, but errors on a repeated member name.
struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
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
        while let Some(Strict(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut members = Map::new();
        while let Some(name) = map.next_key::<String>()? {
            let Strict(value) = map.next_value()?;
            match members.entry(name) {
                serde_json::map::Entry::Vacant(slot) => {
                    slot.insert(value);
                }
                serde_json::map::Entry::Occupied(slot) => {
                    let name = slot.key();
                    return Err(de::Error::custom(format!("{DUPLICATE}{name}\u{0}")));
                }
            }
        }
        Ok(Value::Object(members))
    }
}

struct Strict(Value);

impl<'de> de::Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StrictVisitor).map(Strict)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn refuses_duplicates_at_any_depth_by_name() {
        assert_eq!(
            parse_object(br#"{"prn":"alice","prn":"mallory"}"#),
            Err(JsonError::Duplicate("prn".into()))
        );
        assert_eq!(
            parse_object(br#"{"metadata":{"a":"1","a":"2"}}"#),
            Err(JsonError::Duplicate("a".into()))
        );
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
