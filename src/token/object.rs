//! A token part's JSON object, read without building a map: the part's text (strict-checked
//! like [`json::parse_object`], compact, its numbers exactly as written) and where each top-level
//! member's name and value sit in it. The checks read members through it without hashing a name or
//! allocating a value; a report writes the text as it is; [`Object::to_map`] builds a
//! `serde_json` map for callers that want one.

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;

use serde::Serialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::json::{self, JsonError};

/// A JSON object from a token part. Two objects are equal when their text is.
#[derive(Clone, PartialEq, Eq)]
pub struct Object {
    /// The object compact (members in order, strings escaped as `serde_json` escapes them,
    /// numbers as written: see [`compact`]). A token written
    /// that way (as every signer we know writes them) is kept as it came.
    text: String,
    members: Vec<Slot>,
    /// Whether the text holds a `\\` anywhere: when not, no string needs decoding.
    escaped: bool,
}

/// Where one member is: its name (a range of `text` unless the name has escapes) and the
/// range of its value's JSON text.
#[derive(Clone, PartialEq, Eq)]
struct Slot {
    name: Name,
    /// The name's length and first eight bytes: most lookups are settled by comparing it.
    print: (usize, u64),
    value: Range<usize>,
}

/// A name's length and its first eight bytes as one number (inlined, so that a literal
/// name's print is worked out when compiling).
#[inline(always)]
fn print(name: &str) -> (usize, u64) {
    let head = name
        .bytes()
        .take(8)
        .enumerate()
        .fold(0u64, |acc, (i, b)| acc | (u64::from(b) << (8 * i)));
    (name.len(), head)
}

#[derive(Clone, PartialEq, Eq)]
enum Name {
    /// The name as written, between its quotes.
    At(Range<usize>),
    /// A name written with escapes, decoded.
    Decoded(Box<str>),
}

/// One member's value: its JSON text, read on demand.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Member<'a> {
    json: &'a str,
    /// Whether the object's text has escapes (so this value may).
    escaped: bool,
}

impl Object {
    /// Reads `bytes` as a JSON object: UTF-8, no member named twice at any depth. Errors are
    /// [`json::parse_object`]'s, word for word.
    ///
    /// # Errors
    /// [`JsonError`] naming what is wrong.
    ///
    /// ```
    /// use layer_auth::token::Object;
    /// let claims = Object::parse(br#"{"prn": "alice", "iat": 1700000000}"#.to_vec()).unwrap();
    /// assert_eq!(claims.get("prn").unwrap().as_str().unwrap(), "alice");
    /// assert_eq!(claims.get("iat").unwrap().as_i64(), Some(1_700_000_000));
    /// assert_eq!(claims.json(), r#"{"prn":"alice","iat":1700000000}"#);
    /// assert!(Object::parse(br#"{"prn":"a","prn":"b"}"#.to_vec()).is_err());
    /// ```
    pub fn parse(bytes: Vec<u8>) -> Result<Self, JsonError> {
        let text = match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(_) => return Err(JsonError::NotUtf8),
        };
        let escaped = text.contains('\\');
        let Some((members, scanned)) = index(&text, escaped) else {
            // Not the plain case: the strict parser names the problem (and must find one).
            return Err(match json::parse_object(text.as_bytes()) {
                Err(error) => error,
                Ok(_) => JsonError::Syntax("could not be indexed".into()),
            });
        };
        let object = Self {
            text,
            members,
            escaped,
        };
        // What the byte scan takes is canonical (its test holds it so): only the parser's
        // reading needs the question.
        if scanned || object.is_canonical() {
            return Ok(object);
        }
        let text = compact(&object.text);
        let escaped = text.contains('\\');
        let members = index(&text, escaped).map(|(m, _)| m).unwrap_or_default();
        Ok(Self {
            text,
            members,
            escaped,
        })
    }

    /// Whether the text is what `serde_json` writes for this object: no whitespace outside
    /// strings, no escapes, and only scalars written the one way it writes them.
    fn is_canonical(&self) -> bool {
        if self.escaped {
            return false;
        }
        let mut len = 2 + self.members.len().saturating_sub(1);
        for slot in &self.members {
            let Name::At(name) = &slot.name else {
                return false;
            };
            let value = &self.text[slot.value.clone()];
            if !canonical_scalar(value) {
                return false;
            }
            len += name.len() + 3 + value.len();
        }
        len == self.text.len()
    }

    /// The object's JSON text, compact: members in order, strings escaped as `serde_json`
    /// escapes them, numbers exactly as written.
    pub fn json(&self) -> &str {
        &self.text
    }

    /// The member named `name` (always inlined: a literal name's print is then a constant).
    #[inline(always)]
    pub fn get(&self, name: &str) -> Option<Member<'_>> {
        let wanted = print(name);
        let slot = self
            .members
            .iter()
            .find(|slot| slot.print == wanted && (name.len() <= 8 || self.name(slot) == name))?;
        Some(self.member(slot))
    }

    /// Whether a member is named `name`.
    #[inline]
    pub fn contains_key(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// The members' names, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.members.iter().map(|slot| self.name(slot))
    }

    /// The members, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, Member<'_>)> {
        self.members
            .iter()
            .map(|slot| (self.name(slot), self.member(slot)))
    }

    /// How many members.
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// Whether there are no members.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// The object as a `serde_json` map. Lossy where `serde_json` is: a number no `i64`,
    /// `u64` or double holds exactly (`12345678901234567890123`) comes out as the nearest
    /// double; [`Object::json`] keeps every number as written.
    pub fn to_map(&self) -> Map<String, Value> {
        self.iter()
            .map(|(name, member)| (name.to_owned(), member.value()))
            .collect()
    }

    fn member(&self, slot: &Slot) -> Member<'_> {
        Member {
            json: &self.text[slot.value.clone()],
            escaped: self.escaped,
        }
    }

    fn name<'a>(&'a self, slot: &'a Slot) -> &'a str {
        match &slot.name {
            Name::At(range) => &self.text[range.clone()],
            Name::Decoded(name) => name,
        }
    }
}

impl fmt::Debug for Object {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Object({})", self.text)
    }
}

impl Serialize for Object {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let raw: &RawValue = serde_json::from_str(&self.text).map_err(serde::ser::Error::custom)?;
        raw.serialize(serializer)
    }
}

impl<'a> Member<'a> {
    /// The value's JSON text.
    pub fn json(self) -> &'a str {
        self.json
    }

    /// Whether the value is a string.
    pub fn is_string(self) -> bool {
        self.json.starts_with('"')
    }

    /// The string, when the value is one (borrowed unless it was written with escapes).
    pub fn as_str(self) -> Option<Cow<'a, str>> {
        let inner = self.json.strip_prefix('"')?.strip_suffix('"')?;
        if !self.escaped || !inner.contains('\\') {
            return Some(Cow::Borrowed(inner));
        }
        serde_json::from_str::<String>(self.json)
            .ok()
            .map(Cow::Owned)
    }

    /// The integer, when the value is one that fits an `i64` (as [`Value::as_i64`]: `-0`,
    /// which `serde_json` reads as a float, is none, and neither is `+1`, which is not JSON).
    pub fn as_i64(self) -> Option<i64> {
        if self.json == "-0" || self.json.starts_with('+') {
            return None;
        }
        self.json.parse().ok()
    }

    /// The value as a `serde_json` value.
    pub fn value(self) -> Value {
        serde_json::from_str(self.json).unwrap_or(Value::Null)
    }
}

/// Each member of the JSON object `text`, when `text` is a plain case: an object whose
/// names are all different, whose nested values pass [`json::parse_value`] and whose
/// scalars all read as `serde_json` reads them; and whether the byte scan read it (so it
/// is canonical). `None` for anything else, which the strict parser then names.
fn index(text: &str, escaped: bool) -> Option<(Vec<Slot>, bool)> {
    if let Some(members) = (!escaped).then(|| scan_canonical(text)).flatten() {
        // The scan takes only scalars as serde_json reads them.
        return distinct(text, &members).then_some((members, true));
    }
    // Anything else is the strict parser's to judge, over the whole text: a value checked
    // alone would have its nesting counted from its own depth, not the object's.
    let members = parse_members(text)?;
    let plain = members
        .iter()
        .all(|slot| plain_scalar(&text[slot.value.clone()], escaped))
        || json::parse_value(text.as_bytes()).is_ok();
    (distinct(text, &members) && plain).then_some((members, false))
}

/// Whether no two members share a name (their prints settle nearly every pair).
fn distinct(text: &str, members: &[Slot]) -> bool {
    if members.len() > 32 {
        let mut seen = std::collections::HashSet::new();
        return members.iter().all(|s| seen.insert(slot_name(text, s)));
    }
    members.iter().enumerate().all(|(i, slot)| {
        members[..i].iter().all(|other| {
            other.print != slot.print || slot_name(text, other) != slot_name(text, slot)
        })
    })
}

/// The members of `text` read by `serde_json`, names and raw values borrowed.
fn parse_members(text: &str) -> Option<Vec<Slot>> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let members = deserializer.deserialize_map(Members { base: text }).ok()?;
    deserializer.end().ok()?;
    Some(members)
}

/// The members of `text` when it is an object exactly as `serde_json` writes one whose
/// values are all strings without escapes, `i64` integers, `true`, `false` or `null`: the
/// shape of nearly every token part (every signer we know writes them so). A byte scan,
/// several times quicker than the parser; `None` for anything else, which the parser
/// reads. Tested against the parser on every one-byte change of such texts.
fn scan_canonical(text: &str) -> Option<Vec<Slot>> {
    let bytes = text.as_bytes();
    let mut members = Vec::with_capacity(8);
    if bytes.first() != Some(&b'{') {
        return None;
    }
    if bytes.get(1) == Some(&b'}') {
        return (bytes.len() == 2).then_some(members);
    }
    // With no `\\` and no control character anywhere (nearly every token part), a string is
    // all the bytes up to its closing quote, and none of them needs looking at again.
    let clean = !json::has_control(bytes) && memchr::memchr(b'\\', bytes).is_none();
    let mut at = 1;
    loop {
        let name = string_at(bytes, at, clean)?;
        at = name.end + 1;
        if bytes.get(at) != Some(&b':') {
            return None;
        }
        let value = scalar_at(bytes, at + 1, clean)?;
        at = value.end;
        members.push(Slot {
            print: print(&text[name.clone()]),
            name: Name::At(name),
            value,
        });
        match bytes.get(at) {
            Some(b',') => at += 1,
            Some(b'}') if at + 1 == bytes.len() => return Some(members),
            _ => return None,
        }
    }
}

/// The inside of the string starting at `at`, when it has no escape and no control
/// character (`clean`: the whole text has neither).
fn string_at(bytes: &[u8], at: usize, clean: bool) -> Option<Range<usize>> {
    if bytes.get(at) != Some(&b'"') {
        return None;
    }
    let start = at + 1;
    let len = memchr::memchr(b'"', bytes.get(start..)?)?;
    let inside = start..start + len;
    (clean || !json::needs_escape(&bytes[inside.clone()])).then_some(inside)
}

/// The scalar starting at `at`, when it is one `serde_json` writes as it stands.
fn scalar_at(bytes: &[u8], at: usize, clean: bool) -> Option<Range<usize>> {
    let literal =
        |word: &[u8]| (bytes.get(at..at + word.len()) == Some(word)).then_some(at..at + word.len());
    match bytes.get(at)? {
        b'"' => string_at(bytes, at, clean).map(|inner| at..inner.end + 1),
        b't' => literal(b"true"),
        b'f' => literal(b"false"),
        b'n' => literal(b"null"),
        b'-' | b'0'..=b'9' => {
            let rest = &bytes[at..];
            let len = rest
                .iter()
                .position(|b| !(b.is_ascii_digit() || *b == b'-'))
                .unwrap_or(rest.len());
            let number = std::str::from_utf8(&rest[..len]).ok()?;
            let leading_zero = number.starts_with("-0") || (number.starts_with('0') && len > 1);
            (!leading_zero && number.parse::<i64>().is_ok()).then_some(at..at + len)
        }
        _ => None,
    }
}

fn slot_name<'a>(text: &'a str, slot: &'a Slot) -> &'a str {
    match &slot.name {
        Name::At(range) => &text[range.clone()],
        Name::Decoded(name) => name,
    }
}

/// Whether a value is a scalar that reads as the strict parser reads it: a string (with
/// escapes, decoded: a lone surrogate is an error), a literal, or a number in range. A
/// nested value is not judged here.
fn plain_scalar(json: &str, escaped: bool) -> bool {
    match json.as_bytes().first() {
        Some(b'{' | b'[') => false,
        Some(b'"') => !escaped || serde_json::from_str::<String>(json).is_ok(),
        Some(b't' | b'f' | b'n') => true,
        _ => json.parse::<i64>().is_ok() || serde_json::from_str::<Value>(json).is_ok(),
    }
}

/// Whether `json`, in a text without escapes, is a scalar as [`compact`] writes it: a
/// string, a number, `true`, `false` or `null`.
fn canonical_scalar(json: &str) -> bool {
    matches!(
        json.as_bytes().first(),
        Some(b'"' | b't' | b'f' | b'n' | b'-' | b'0'..=b'9')
    )
}

/// `text`, JSON the strict parser took, written compact: no whitespace outside strings,
/// each string with escapes as `serde_json` writes it, and numbers exactly as they were
/// written, so that `--json` shows the number the token holds (a `Value` would write
/// `12345678901234567890123` as `1.2345678901234568e22`, and `1E2` as `100.0`).
fn compact(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b' ' | b'\t' | b'\n' | b'\r' => at += 1,
            b'"' => {
                let mut end = at + 1;
                while end < bytes.len() && bytes[end] != b'"' {
                    end += if bytes[end] == b'\\' { 2 } else { 1 };
                }
                let string = &text[at..(end + 1).min(text.len())];
                match string.contains('\\') {
                    false => out.push_str(string),
                    true => match serde_json::from_str::<String>(string) {
                        Ok(decoded) => out.push_str(&Value::String(decoded).to_string()),
                        Err(_) => out.push_str(string),
                    },
                }
                at = end + 1;
            }
            _ => {
                let start = at;
                while at < bytes.len() && !matches!(bytes[at], b' ' | b'\t' | b'\n' | b'\r' | b'"')
                {
                    at += 1;
                }
                out.push_str(&text[start..at]);
            }
        }
    }
    out
}

/// Reads the top-level object's members as names and raw values, borrowed from `base`.
struct Members<'de> {
    base: &'de str,
}

impl<'de> Members<'de> {
    /// Where `part`, a slice of `base`, starts and ends in it.
    fn range(&self, part: &str) -> Range<usize> {
        let start = part.as_ptr() as usize - self.base.as_ptr() as usize;
        start..start + part.len()
    }
}

impl<'de> Visitor<'de> for Members<'de> {
    type Value = Vec<Slot>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Vec<Slot>, A::Error> {
        let mut members = Vec::with_capacity(8);
        while let Some(name) = map.next_key::<Key<'de>>()? {
            let value: &'de RawValue = map.next_value()?;
            let (name, print) = match name {
                Key::Borrowed(name) => (Name::At(self.range(name)), print(name)),
                Key::Decoded(name) => {
                    let print = print(&name);
                    (Name::Decoded(name.into()), print)
                }
            };
            members.push(Slot {
                name,
                print,
                value: self.range(value.get()),
            });
        }
        Ok(members)
    }
}

/// A member name: borrowed from the text, or decoded when written with escapes.
enum Key<'de> {
    Borrowed(&'de str),
    Decoded(String),
}

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
        Ok(Key::Borrowed(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
        Ok(Key::Decoded(v.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Object, JsonError> {
        Object::parse(text.as_bytes().to_vec())
    }

    #[test]
    fn reads_members_in_order_with_their_values() {
        let o =
            parse(r#"{"typ":"JWS","iat":1700000000,"exp":1.5,"m":{"k":"v"},"n":null}"#).unwrap();
        assert_eq!(
            o.names().collect::<Vec<_>>(),
            ["typ", "iat", "exp", "m", "n"]
        );
        assert_eq!(o.get("typ").unwrap().as_str().unwrap(), "JWS");
        assert_eq!(o.get("iat").unwrap().as_i64(), Some(1_700_000_000));
        assert_eq!(o.get("exp").unwrap().as_i64(), None);
        assert_eq!(o.get("exp").unwrap().value(), Value::from(1.5));
        assert_eq!(o.get("m").unwrap().json(), r#"{"k":"v"}"#);
        assert!(!o.get("n").unwrap().is_string());
        assert!(o.get("missing").is_none());
        assert_eq!(o.len(), 5);
    }

    #[test]
    fn escaped_names_and_strings_read_decoded() {
        let o = parse(r#"{"k\u0069d":"a\"b\u00e9","plain":"x"}"#).unwrap();
        assert_eq!(o.json(), r#"{"kid":"a\"bé","plain":"x"}"#);
        assert_eq!(o.get("kid").unwrap().as_str().unwrap(), "a\"bé");
        assert!(matches!(
            o.get("plain").unwrap().as_str(),
            Some(Cow::Borrowed("x"))
        ));
    }

    #[test]
    fn whitespace_outside_strings_goes_and_inside_stays() {
        let o = parse("{ \"name\" : \"Alice  Smith\",\n\t\"n\": [1, 2] }").unwrap();
        assert_eq!(o.json(), r#"{"name":"Alice  Smith","n":[1,2]}"#);
        assert_eq!(o.get("name").unwrap().as_str().unwrap(), "Alice  Smith");
        assert_eq!(o.get("n").unwrap().json(), "[1,2]");
    }

    #[test]
    fn the_text_is_compact_with_strings_as_serde_json_writes_them_and_numbers_as_written() {
        for (text, written) in [
            (
                r#"{"a":1,"b":"x\ny","c":[true,{"d":-0.5}],"e":18446744073709551615}"#,
                r#"{"a":1,"b":"x\ny","c":[true,{"d":-0.5}],"e":18446744073709551615}"#,
            ),
            (
                r#"{"a":-0,"b":1E2,"c":1.50,"d":"\/\u0041\u00e9","e":{ "f" : [ ] }}"#,
                r#"{"a":-0,"b":1E2,"c":1.50,"d":"/Aé","e":{"f":[]}}"#,
            ),
            (
                r#"{"kid":"k","n":-12,"t":true,"z":null,"s":"a b"}"#,
                r#"{"kid":"k","n":-12,"t":true,"z":null,"s":"a b"}"#,
            ),
            (
                "{\"exp\": 12345678901235678901234567890,\n\"x\":1.7976931348623157308,\"y\":5e-324}",
                r#"{"exp":12345678901235678901234567890,"x":1.7976931348623157308,"y":5e-324}"#,
            ),
            (
                r#"{ "s" : " a \" \\ \u0001 " , "m":{"k":"\t"} }"#,
                r#"{"s":" a \" \\ \u0001 ","m":{"k":"\t"}}"#,
            ),
            ("{}", "{}"),
            ("{ }", "{}"),
        ] {
            let expected: Map<String, Value> = serde_json::from_str(text).unwrap();
            let object = parse(text).unwrap();
            assert_eq!(object.to_map(), expected, "{text}");
            assert_eq!(object.json(), written, "{text}");
            assert_eq!(serde_json::to_string(&object).unwrap(), written);
            // The same members, read again from the text as written.
            let again = parse(written).unwrap();
            assert_eq!(again.json(), written);
            assert_eq!(again.to_map(), expected);
            for (name, member) in object.iter() {
                assert_eq!(member.value(), expected[name], "{name}");
            }
        }
    }

    #[test]
    fn the_scan_reads_what_the_parser_reads_or_leaves_it_to_the_parser() {
        let texts = [
            r#"{"typ":"JWS","alg":"RS256","cty":"layer-eit;v=1","kid":"layer:///keys/1"}"#,
            r#"{"iss":"p","prn":"é ✓","iat":1700000000,"exp":-17,"nce":"n","a":true,"b":false,"c":null,"d":0}"#,
            "{}",
        ];
        let interesting = b"\"\\{}[],:-+.0123456789eE tfn\x00\x1f\x7fa";
        for text in texts {
            let bytes = text.as_bytes();
            let mut variants = vec![bytes.to_vec()];
            for i in 0..bytes.len() {
                for &b in interesting {
                    let mut changed = bytes.to_vec();
                    changed[i] = b;
                    variants.push(changed);
                }
                let mut shorter = bytes.to_vec();
                shorter.remove(i);
                variants.push(shorter);
            }
            for variant in variants {
                let Ok(variant) = String::from_utf8(variant) else {
                    continue;
                };
                let Some(scanned) = scan_canonical(&variant) else {
                    continue;
                };
                let parsed = parse_members(&variant);
                assert!(parsed.as_ref() == Some(&scanned), "{variant}");
                let object = Object {
                    text: variant.clone(),
                    members: scanned,
                    escaped: false,
                };
                assert!(object.is_canonical(), "{variant}");
                // Names once each is index's own check, after either reading.
                assert_eq!(
                    index(&variant, false).is_some(),
                    json::parse_object(variant.as_bytes()).is_ok(),
                    "{variant}"
                );
            }
        }
        assert!(scan_canonical(texts[0]).is_some());
        assert!(scan_canonical(texts[1]).is_some());
    }

    #[test]
    fn nesting_is_counted_from_the_object_as_the_strict_parser_counts_it() {
        for depth in [120, 126, 127, 128, 200] {
            for (open, close) in [("[", "]"), ("{\"a\":", "}")] {
                let text = format!(
                    "{{\"prn\":\"a\",\"m\":{}1{}}}",
                    open.repeat(depth),
                    close.repeat(depth)
                );
                assert_eq!(
                    parse(&text).map(|o| o.json().len()),
                    json::parse_object(text.as_bytes()).map(|m| Value::Object(m).to_string().len()),
                    "depth {depth} {open}"
                );
            }
        }
    }

    #[test]
    fn refuses_what_the_strict_parser_refuses_in_its_words() {
        for text in [
            r#"{"prn":"a","prn":"b"}"#,
            r#"{"p\u0072n":"a","prn":"b"}"#,
            r#"{"m":{"a":1,"a":2}}"#,
            r#"{"a":"\ud800"}"#,
            r#"{"a":1e400}"#,
            r#"{"a":1} x"#,
            r#"{"a":1 2}"#,
            "[1]",
            "\"s\"",
            "",
            "{",
        ] {
            assert_eq!(
                parse(text).unwrap_err(),
                json::parse_object(text.as_bytes()).unwrap_err(),
                "{text}"
            );
        }
        assert_eq!(Object::parse(b"\xff{}".to_vec()), Err(JsonError::NotUtf8));
        let many: String = (0..100).map(|i| format!("\"k{i}\":{i},")).collect();
        let text = format!("{{{many}\"k7\":0}}");
        assert_eq!(parse(&text), Err(JsonError::Duplicate("k7".into())));
    }
}
