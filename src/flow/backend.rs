//! Reading a backend's answer: JSON `{"identity_token": …}` (or `layer_identity_token`,
//! `identityToken`, `token`), a JSON string, or the bare token as text; and the ways a
//! backend can fail to give one, as types. Pure, so it can be fuzzed; the HTTP exchange
//! itself lives in `crate::http`.

use std::fmt;

use serde_json::Value;

use crate::json::{self, JsonError};

use super::Obtained;

/// Member names backends have used for the token, in the order they are tried.
pub const TOKEN_FIELDS: [&str; 4] = [
    "identity_token",
    "layer_identity_token",
    "identityToken",
    "token",
];

/// Most characters of a body quoted in a message.
pub const EXCERPT: usize = 200;

/// Why a 2xx answer holds no token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnswerError {
    /// Bytes that are not text.
    #[error("the answer is not UTF-8 text ({0} bytes)")]
    NotUtf8(usize),
    /// JSON with a member twice.
    #[error("the JSON answer {0}")]
    Duplicate(JsonError),
    /// A JSON object without any of [`TOKEN_FIELDS`] as a string.
    #[error(
        "the JSON answer has no string member {} (it has: {})",
        TOKEN_FIELDS.join(", "),
        if .0.is_empty() { "nothing".to_owned() } else { .0.join(", ") }
    )]
    NoTokenMember(Vec<String>),
    /// JSON of another kind.
    #[error("the JSON answer is {0}, not an object with identity_token")]
    NotAnObject(String),
    /// Neither JSON nor something shaped like a token.
    #[error("the answer is neither JSON nor a token: {0}")]
    Neither(String),
}

/// Why a backend gave no token.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BackendError {
    /// A non-2xx status.
    #[error("HTTP {status}: {excerpt}")]
    Status {
        /// The status.
        status: u16,
        /// The start of the body, quoted.
        excerpt: String,
    },
    /// A 2xx answer without a usable token.
    #[error("HTTP {status}, but {problem}")]
    Answer {
        /// The status.
        status: u16,
        /// What the body holds instead.
        problem: AnswerError,
    },
    /// No answer in time.
    #[error("no answer within {0}s")]
    Timeout(f64),
    /// No connection.
    #[error("cannot connect to {url}{}", detail.as_deref().map_or(String::new(), |d| format!(": {d}")))]
    Connect {
        /// The URL, redacted.
        url: String,
        /// What the system said, if anything useful.
        detail: Option<String>,
    },
    /// `https://` to a server that answered in plain HTTP.
    #[error("the server at {url} does not speak TLS; did you mean {plain}?")]
    NotTls {
        /// The URL, redacted.
        url: String,
        /// The same URL with `http://`.
        plain: String,
    },
    /// An answer past the size limit.
    #[error("the answer is larger than {0} KiB; is this the token endpoint?")]
    TooLarge(u64),
    /// Anything else the HTTP client reported (already redacted).
    #[error("{0}")]
    Transport(String),
}

/// The token in a 2xx answer's body, and what is worth a warning about how it came.
///
/// # Errors
/// [`AnswerError`] saying what the body holds instead, with an excerpt.
///
/// ```
/// use layer_auth::flow::backend::token_from_answer;
/// assert_eq!(token_from_answer(br#"{"identityToken":"a.b.c"}"#).unwrap().token, "a.b.c");
/// let bare = token_from_answer(b"a.b.c\n").unwrap();
/// assert_eq!(bare.token, "a.b.c");
/// assert_eq!(bare.warnings.len(), 1, "the newline was trimmed");
/// assert!(token_from_answer(b"<html>oops</html>").is_err());
/// ```
pub fn token_from_answer(body: &[u8]) -> Result<Obtained, AnswerError> {
    let text = std::str::from_utf8(body).map_err(|_| AnswerError::NotUtf8(body.len()))?;
    let mut warnings = Vec::new();
    let trimmed = text.trim();
    if trimmed.len() != text.len() {
        warnings.push(format!(
            "{} bytes of whitespace around the answer were trimmed: send the token alone",
            text.len() - trimmed.len()
        ));
    }
    let token = match json::parse_value(trimmed.as_bytes()) {
        Ok(Value::String(token)) => {
            warnings.push(
                "the answer is a bare JSON string; {\"identity_token\": …} is the usual shape"
                    .into(),
            );
            token
        }
        Ok(Value::Object(members)) => TOKEN_FIELDS
            .iter()
            .find_map(|name| members.get(*name).and_then(Value::as_str))
            .map(str::to_owned)
            .ok_or_else(|| {
                AnswerError::NoTokenMember(
                    members
                        .keys()
                        .take(10)
                        .map(|k| Value::from(k.as_str()).to_string())
                        .collect(),
                )
            })?,
        Ok(other) => return Err(AnswerError::NotAnObject(crate::token::kind(&other))),
        Err(error @ JsonError::Duplicate(_)) => return Err(AnswerError::Duplicate(error)),
        Err(_) if looks_like_token(trimmed) => trimmed.to_owned(),
        Err(_) => return Err(AnswerError::Neither(excerpt(trimmed))),
    };
    let inner = token.trim();
    if inner.len() != token.len() {
        warnings.push(format!(
            "{} bytes of whitespace around the token were trimmed: send the token alone",
            token.len() - inner.len()
        ));
    }
    Ok(Obtained {
        token: inner.to_owned(),
        warnings,
    })
}

fn looks_like_token(text: &str) -> bool {
    text.split('.').count() == 3
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// The first [`EXCERPT`] characters of `text`, quoted, with `…` when cut.
pub fn excerpt(text: &str) -> String {
    let cut: String = text.chars().take(EXCERPT).collect();
    let more = if cut.len() < text.len() { "…" } else { "" };
    format!("{cut:?}{more}")
}

impl fmt::Display for super::Exchange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} → {}", self.method, self.target, self.status)
    }
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
                token_from_answer(body.as_bytes()).unwrap().token,
                "a.b.c",
                "{body}"
            );
        }
    }

    #[test]
    fn trimmed_whitespace_and_a_json_string_body_are_warnings() {
        assert!(
            token_from_answer(br#"{"identity_token":"a.b.c"}"#)
                .unwrap()
                .warnings
                .is_empty()
        );
        let answer = token_from_answer(b"{\"identity_token\":\"a.b.c\\n\"}").unwrap();
        assert_eq!(answer.token, "a.b.c");
        assert!(
            answer.warnings[0].contains("around the token were trimmed"),
            "{answer:?}"
        );
        let answer = token_from_answer(br#""a.b.c""#).unwrap();
        assert!(
            answer.warnings[0].contains("bare JSON string"),
            "{answer:?}"
        );
    }

    #[test]
    fn names_what_came_instead() {
        let e = token_from_answer(br#"{"error":"nope"}"#)
            .unwrap_err()
            .to_string();
        assert!(e.contains("it has: \"error\""), "{e}");
        let e = token_from_answer(b"[1]").unwrap_err().to_string();
        assert!(e.contains("an array"), "{e}");
        let long = "x".repeat(1000);
        let e = token_from_answer(long.as_bytes()).unwrap_err().to_string();
        assert!(e.ends_with('…') && e.len() < 300, "{e}");
        assert!(matches!(
            token_from_answer(b"\xff\xfe"),
            Err(AnswerError::NotUtf8(2))
        ));
        let e = token_from_answer(br#"{"identity_token":"a.b.c","identity_token":"d.e.f"}"#)
            .unwrap_err()
            .to_string();
        assert!(e.contains("has the member \"identity_token\" twice"), "{e}");
    }
}
