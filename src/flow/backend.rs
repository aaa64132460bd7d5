//! Reading a backend's answer: JSON `{"identity_token": …}` (or `layer_identity_token`,
//! `identityToken`, `token`), a JSON string, or the bare token as text. Pure, so it can be
//! fuzzed; the HTTP exchange itself lives in `crate::http`.

use serde_json::Value;

/// Member names backends have used for the token, in the order they are tried.
pub const TOKEN_FIELDS: [&str; 4] = [
    "identity_token",
    "layer_identity_token",
    "identityToken",
    "token",
];

/// Most bytes of a body quoted in a message.
const EXCERPT: usize = 200;

/// The token in a 2xx answer's body.
///
/// # Errors
/// A sentence saying what the body holds instead, with an excerpt.
///
/// ```
/// use layer_auth::flow::backend::token_from_answer;
/// assert_eq!(token_from_answer(br#"{"identityToken":"a.b.c"}"#).unwrap(), "a.b.c");
/// assert_eq!(token_from_answer(b"a.b.c\n").unwrap(), "a.b.c");
/// assert!(token_from_answer(b"<html>oops</html>").is_err());
/// ```
pub fn token_from_answer(body: &[u8]) -> Result<String, String> {
    let text = std::str::from_utf8(body)
        .map_err(|_| format!("the answer is not UTF-8 text ({} bytes)", body.len()))?
        .trim();
    match crate::json::parse_value(text.as_bytes()) {
        Ok(Value::String(token)) => Ok(token.trim().to_owned()),
        Ok(Value::Object(members)) => TOKEN_FIELDS
            .iter()
            .find_map(|name| members.get(*name).and_then(Value::as_str))
            .map(|token| token.trim().to_owned())
            .ok_or_else(|| {
                let names: Vec<&str> = members.keys().map(String::as_str).take(10).collect();
                format!(
                    "the JSON answer has no string member {} (it has: {})",
                    TOKEN_FIELDS.join(", "),
                    if names.is_empty() {
                        "nothing".to_owned()
                    } else {
                        names.join(", ")
                    }
                )
            }),
        Ok(other) => Err(format!(
            "the JSON answer is {}, not an object with identity_token",
            crate::token::kind(&other)
        )),
        Err(error @ crate::json::JsonError::Duplicate(_)) => {
            Err(format!("the JSON answer {error}"))
        }
        Err(_) if looks_like_token(text) => Ok(text.to_owned()),
        Err(_) => Err(format!(
            "the answer is neither JSON nor a token: {}",
            excerpt(text)
        )),
    }
}

fn looks_like_token(text: &str) -> bool {
    text.split('.').count() == 3
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// The first 200 characters of `text`, quoted, with `…` when cut.
pub fn excerpt(text: &str) -> String {
    let cut: String = text.chars().take(EXCERPT).collect();
    let more = if cut.len() < text.len() { "…" } else { "" };
    format!("{:?}{more}", cut)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_known_shape() {
        for body in [
            r#"{"identity_token":"a.b.c"}"#,
            r#"{"layer_identity_token":"a.b.c"}"#,
            r#"{"identityToken":"a.b.c"}"#,
            r#"{"token":"a.b.c","other":1}"#,
            r#""a.b.c""#,
            "a.b.c",
        ] {
            assert_eq!(
                token_from_answer(body.as_bytes()).unwrap(),
                "a.b.c",
                "{body}"
            );
        }
    }

    #[test]
    fn names_what_came_instead() {
        let e = token_from_answer(br#"{"error":"nope"}"#).unwrap_err();
        assert!(e.contains("it has: error"), "{e}");
        let e = token_from_answer(b"[1]").unwrap_err();
        assert!(e.contains("an array"), "{e}");
        let long = "x".repeat(1000);
        let e = token_from_answer(long.as_bytes()).unwrap_err();
        assert!(e.ends_with('…') && e.len() < 300, "{e}");
        assert!(
            token_from_answer(b"\xff\xfe")
                .unwrap_err()
                .contains("not UTF-8")
        );
        let e = token_from_answer(br#"{"identity_token":"a.b.c","identity_token":"d.e.f"}"#)
            .unwrap_err();
        assert!(e.contains("has the member \"identity_token\" twice"), "{e}");
    }
}
