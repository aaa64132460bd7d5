//! The Layer identity token (SPEC §1): its header and claims, signing one, and taking one
//! apart ([`decode`], each part read as an [`Object`]: a borrowed view, no map). Signing checks its inputs so that we never mint a token that our own
//! `validate` would refuse, unless an extra claim deliberately replaces a standard one (the
//! way test tokens with pitfalls are crafted).

mod decode;
mod object;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

use crate::keys::{KeyError, SigningKey};

pub use decode::{Base64Error, Decoded, PartError, base64url, decode};
pub use object::{Member, Object};

/// The only algorithm Layer accepts.
pub const ALG: &str = "RS256";
/// The content type of a Layer External Identity Token, version 1.
pub const CTY: &str = "layer-eit;v=1";
pub use crate::ids::{KEY_ID_PREFIX, PROVIDER_ID_PREFIX};
/// Optional profile claims and their maximum length in characters (SPEC §1).
pub const PROFILE_CLAIMS: [(&str, usize); 4] = [
    ("display_name", 128),
    ("first_name", 128),
    ("last_name", 128),
    ("avatar_url", 1024),
];
/// Most keys `metadata` may hold.
pub const METADATA_MAX_KEYS: usize = 16;
/// Epoch seconds at or past this are not seconds: 10^11 s is the year 5138. `validate`
/// refuses such `iat`/`exp`, so `sign` does not write them.
pub const MAX_PLAUSIBLE_SECONDS: i64 = 100_000_000_000;
/// Tokens longer than this are refused before decoding, and never signed; real ones are
/// under 2 KiB.
pub const MAX_TOKEN_BYTES: usize = 64 * 1024;
/// Claims every token carries, in the order we write them.
pub const REQUIRED_CLAIMS: [&str; 5] = ["iss", "prn", "iat", "exp", "nce"];

/// The `typ` header value: `JWS` as the seeds wrote it, `JWT` as the service used from 2015.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Typ {
    /// `"JWS"`, the default.
    #[default]
    Jws,
    /// `"JWT"`.
    Jwt,
}

impl Typ {
    /// The header value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Jws => "JWS",
            Self::Jwt => "JWT",
        }
    }
}

/// Everything that goes into one token besides the key.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenRequest {
    /// `kid`: the Key ID the public half is registered under.
    pub key_id: String,
    /// `typ`.
    pub typ: Typ,
    /// `iss`: the Provider ID.
    pub provider_id: String,
    /// `prn`: the app's user id.
    pub user: String,
    /// `nce`: the nonce the service issued.
    pub nonce: String,
    /// `iat`, seconds since the epoch.
    pub issued_at: i64,
    /// `exp`, seconds since the epoch.
    pub expires_at: i64,
    /// Optional and extra claims (`display_name`, `metadata`, …). A standard claim named
    /// here replaces the computed one: that is how test tokens with pitfalls are made.
    pub extra: Map<String, Value>,
}

/// What every token from one signer shares: the ids, `typ`, the lifetime and extra claims.
/// `sign`, `flow`'s embedded signer and `serve`'s sample backend all stamp tokens through it,
/// so `iat` and `exp` are computed in one place.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenTemplate {
    /// `kid`.
    pub key_id: String,
    /// `iss`.
    pub provider_id: String,
    /// `typ`.
    pub typ: Typ,
    /// `exp - iat`, in seconds.
    pub ttl: i64,
    /// Claims every token carries besides the required five.
    pub extra: Map<String, Value>,
}

impl TokenTemplate {
    /// The request for `user` over `nonce`, issued at `now` (epoch seconds), with `claims`
    /// added to the template's own.
    pub fn request(
        &self,
        user: &str,
        nonce: &str,
        now: i64,
        claims: Map<String, Value>,
    ) -> TokenRequest {
        let mut extra = self.extra.clone();
        extra.extend(claims);
        TokenRequest {
            key_id: self.key_id.clone(),
            typ: self.typ,
            provider_id: self.provider_id.clone(),
            user: user.to_owned(),
            nonce: nonce.to_owned(),
            issued_at: now,
            expires_at: now.saturating_add(self.ttl),
            extra,
        }
    }
}

/// A token request that would make a token Layer refuses.
#[derive(Debug, thiserror::Error)]
pub enum SignError {
    /// A required text is empty.
    #[error("the {0} is empty or blank; Layer needs a non-empty {0}")]
    Empty(&'static str),
    /// `exp` not after `iat`.
    #[error("the token would expire before it is issued: its lifetime must be more than 0s")]
    NoLifetime,
    /// `iat` or `exp` before 1970 or past the year 5138, which `validate` refuses.
    #[error(
        "iat and exp must fall between 1970 and the year 5138 (check the time and the lifetime)"
    )]
    ImplausibleTime,
    /// The token would be longer than [`MAX_TOKEN_BYTES`], which `validate` refuses.
    #[error(
        "the token would be {0} bytes, over the {max} KiB that Layer tokens may have: make the extra claims smaller",
        max = MAX_TOKEN_BYTES / 1024
    )]
    TooLarge(usize),
    /// An optional claim breaks SPEC §1's limits.
    #[error("claim `{name}`: {problem}")]
    Claim {
        /// The claim.
        name: String,
        /// What is wrong with it.
        problem: String,
    },
    /// A private key (PEM or JWK) in a value the token would carry, where the service,
    /// its logs and whoever holds the token would read it.
    #[error(
        "the {0} holds a private key, which a token would show to everyone who reads it; \
         nothing was signed"
    )]
    KeyMaterial(String),
    /// The key could not sign.
    #[error(transparent)]
    Key(#[from] KeyError),
}

impl TokenRequest {
    /// The JOSE header, members in the order the seeds list them.
    pub fn header(&self) -> Map<String, Value> {
        let mut header = Map::new();
        header.insert("typ".into(), self.typ.as_str().into());
        header.insert("alg".into(), ALG.into());
        header.insert("cty".into(), CTY.into());
        header.insert("kid".into(), self.key_id.clone().into());
        header
    }

    /// The claims: the required five, then the optional and extra ones.
    pub fn claims(&self) -> Map<String, Value> {
        let mut claims = Map::new();
        claims.insert("iss".into(), self.provider_id.clone().into());
        claims.insert("prn".into(), self.user.clone().into());
        claims.insert("iat".into(), self.issued_at.into());
        claims.insert("exp".into(), self.expires_at.into());
        claims.insert("nce".into(), self.nonce.clone().into());
        for (name, value) in &self.extra {
            claims.insert(name.clone(), value.clone());
        }
        claims
    }

    /// Checks what SPEC §1 asks of the inputs: non-empty ids, a lifetime, profile limits.
    ///
    /// # Errors
    /// [`SignError`] naming the first input Layer would refuse.
    pub fn check(&self) -> Result<(), SignError> {
        for (name, value) in [
            ("key id", &self.key_id),
            ("provider id", &self.provider_id),
            ("user id", &self.user),
            ("nonce", &self.nonce),
        ] {
            if value.trim().is_empty() {
                return Err(SignError::Empty(name));
            }
        }
        let texts = [
            ("key id", &self.key_id),
            ("provider id", &self.provider_id),
            ("user id", &self.user),
            ("nonce", &self.nonce),
        ];
        let blob = |text: &&String| crate::keys::key_blob_kind(text).is_some();
        if let Some((name, _)) = texts.iter().find(|(_, text)| blob(text)) {
            return Err(SignError::KeyMaterial((*name).to_owned()));
        }
        for (name, value) in &self.extra {
            if holds_private_pem(name) {
                return Err(SignError::KeyMaterial("name of a claim".into()));
            }
            if value_holds_private_pem(value) {
                return Err(SignError::KeyMaterial(format!(
                    "claim `{}`",
                    cut_name(name)
                )));
            }
        }
        if self.expires_at <= self.issued_at {
            return Err(SignError::NoLifetime);
        }
        let plausible = 0..MAX_PLAUSIBLE_SECONDS;
        if !plausible.contains(&self.issued_at) || !plausible.contains(&self.expires_at) {
            return Err(SignError::ImplausibleTime);
        }
        for (name, max) in PROFILE_CLAIMS {
            if let Some(problem) = self.extra.get(name).and_then(|v| profile_problem(v, max)) {
                return Err(SignError::Claim {
                    name: name.into(),
                    problem,
                });
            }
        }
        if let Some(problem) = self.extra.get("metadata").and_then(metadata_problem) {
            return Err(SignError::Claim {
                name: "metadata".into(),
                problem,
            });
        }
        Ok(())
    }
}

/// Whether `text` is a private key beyond doubt ([`crate::keys::private_key_kind`]).
fn holds_private_pem(text: &str) -> bool {
    crate::keys::private_key_kind(text).is_some()
}

/// [`holds_private_pem`] for any string in `value`, member names included.
fn value_holds_private_pem(value: &Value) -> bool {
    match value {
        Value::String(text) => holds_private_pem(text),
        Value::Array(items) => items.iter().any(value_holds_private_pem),
        Value::Object(members) => members
            .iter()
            .any(|(name, v)| holds_private_pem(name) || value_holds_private_pem(v)),
        _ => false,
    }
}

/// A claim name for a message: at most 40 characters (it is the caller's, maybe long).
fn cut_name(name: &str) -> String {
    if name.chars().count() <= 40 {
        return name.to_owned();
    }
    let mut cut: String = name.chars().take(39).collect();
    cut.push('…');
    cut
}

/// What is wrong with a profile claim's value, if anything (a string of at most `max` chars).
pub fn profile_problem(value: &Value, max: usize) -> Option<String> {
    match value.as_str() {
        None => Some(format!("must be a string, not {}", kind(value))),
        Some(text) => length_problem(text, max),
    }
}

/// What is wrong with a profile claim's text, if anything (at most `max` chars).
pub fn length_problem(text: &str, max: usize) -> Option<String> {
    // Counting chars is needed only when the bytes could be too many.
    if text.len() <= max {
        return None;
    }
    let chars = text.chars().count();
    (chars > max).then(|| format!("is {chars} characters long; at most {max} are allowed"))
}

/// What is wrong with `metadata`, if anything (an object of at most 16 string values).
pub fn metadata_problem(value: &Value) -> Option<String> {
    let Some(map) = value.as_object() else {
        return Some(format!("must be an object of strings, not {}", kind(value)));
    };
    if map.len() > METADATA_MAX_KEYS {
        return Some(format!(
            "has {} keys; at most {METADATA_MAX_KEYS} are allowed",
            map.len()
        ));
    }
    map.iter().find(|(_, v)| !v.is_string()).map(|(key, v)| {
        format!(
            "value of {} is {}; every metadata value must be a string",
            Value::from(key.as_str()),
            kind(v)
        )
    })
}

/// A JSON value's kind with its text, for messages: `the number 12345`, `the string "x"`.
pub fn kind(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the string {}", Value::String(short(s))),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

fn short(text: &str) -> String {
    if text.chars().count() <= 40 {
        return text.to_owned();
    }
    text.chars().take(37).chain("...".chars()).collect()
}

/// Signs `request` with `key`: `base64url(header).base64url(claims).base64url(signature)`.
///
/// # Errors
/// [`SignError`] if the request breaks SPEC §1 or the key cannot sign.
///
/// ```
/// use layer_auth::keys::SigningKey;
/// use layer_auth::token::{TokenRequest, Typ, sign};
///
/// let key = SigningKey::generate(2048)?;
/// let request = TokenRequest {
///     key_id: "layer:///keys/5f0c3a9e-0000-4000-8000-000000000001".into(),
///     typ: Typ::Jws,
///     provider_id: "layer:///providers/5f0c3a9e-0000-4000-8000-000000000002".into(),
///     user: "alice".into(),
///     nonce: "a-nonce-from-the-service".into(),
///     issued_at: 1_700_000_000,
///     expires_at: 1_700_000_600,
///     extra: Default::default(),
/// };
/// let token = sign(&request, &key)?;
/// assert_eq!(token.split('.').count(), 3);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn sign(request: &TokenRequest, key: &SigningKey) -> Result<String, SignError> {
    request.check()?;
    let header = Value::Object(request.header()).to_string();
    let claims = Value::Object(request.claims()).to_string();
    let mut token = String::with_capacity(header.len() * 2 + claims.len() * 2 + 350);
    URL_SAFE_NO_PAD.encode_string(header, &mut token);
    token.push('.');
    URL_SAFE_NO_PAD.encode_string(claims, &mut token);
    // The signature's base64url is as long as the modulus in bytes, times 4/3.
    let total = token.len() + 1 + (key.public_key().modulus().len() * 4).div_ceil(3);
    if total > MAX_TOKEN_BYTES {
        return Err(SignError::TooLarge(total));
    }
    let signature = key.sign(token.as_bytes())?;
    token.push('.');
    URL_SAFE_NO_PAD.encode_string(signature, &mut token);
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn request() -> TokenRequest {
        TokenRequest {
            key_id: "layer:///keys/k".into(),
            typ: Typ::Jws,
            provider_id: "layer:///providers/p".into(),
            user: "alice".into(),
            nonce: "n".into(),
            issued_at: 1_700_000_000,
            expires_at: 1_700_000_600,
            extra: Map::new(),
        }
    }

    #[test]
    fn claims_put_required_first_and_let_extra_replace() {
        let mut r = request();
        r.extra.insert("display_name".into(), "Alice".into());
        r.extra.insert("iat".into(), "1700000000".into());
        let claims = r.claims();
        assert_eq!(
            claims.keys().collect::<Vec<_>>(),
            ["iss", "prn", "iat", "exp", "nce", "display_name"]
        );
        assert_eq!(claims["iat"], "1700000000");
    }

    #[test]
    fn check_refuses_what_layer_refuses() {
        let mut r = request();
        r.user.clear();
        assert!(matches!(r.check(), Err(SignError::Empty("user id"))));
        let mut r = request();
        r.expires_at = r.issued_at;
        assert!(matches!(r.check(), Err(SignError::NoLifetime)));
        let mut r = request();
        r.extra.insert("first_name".into(), "x".repeat(129).into());
        assert!(matches!(r.check(), Err(SignError::Claim { .. })));
        let mut r = request();
        r.extra
            .insert("metadata".into(), serde_json::json!({"a": 1}));
        assert!(matches!(r.check(), Err(SignError::Claim { .. })));
        assert!(request().check().is_ok());
    }

    #[test]
    fn kind_names_values_for_messages() {
        assert_eq!(kind(&Value::from(12345)), "the number 12345");
        assert_eq!(
            kind(&Value::from("1700000000")),
            "the string \"1700000000\""
        );
        assert_eq!(
            kind(&Value::from("x".repeat(50))).len(),
            "the string \"\"".len() + 40
        );
    }
}
