//! Taking a compact JWS apart: three parts, strict base64url (naming padding and plain
//! base64 as such), and strict JSON objects. Judging what is inside is `checks`' job.

use std::sync::LazyLock;

use base64::Engine as _;
use base64::engine::Simd;
use base64::engine::general_purpose::NO_PAD;

use super::Object;
use crate::json::JsonError;

/// Why a part is not unpadded base64url.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Base64Error {
    /// Ends in `=` padding.
    #[error("ends in `=` padding; base64url in a JWS carries no padding (strip the `=`)")]
    Padding,
    /// Uses `+` or `/`: plain base64.
    #[error(
        "contains `{0}`: that is plain base64; a JWS uses base64url (`-` for `+`, `_` for `/`)"
    )]
    PlainBase64(char),
    /// Some other character outside the base64url alphabet.
    #[error("has {0:?} at offset {1}, outside the base64url alphabet")]
    BadChar(char, usize),
    /// Right alphabet, impossible length or stray trailing bits.
    #[error("has a length or final character no encoder produces (truncated or altered?)")]
    BadLength,
}

/// A part of a token that could not be decoded: its base64url or its JSON.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PartError {
    /// The base64url layer.
    #[error(transparent)]
    Base64(#[from] Base64Error),
    /// The JSON layer.
    #[error(transparent)]
    Json(#[from] JsonError),
}

/// A three-part token taken apart; each part keeps its own decoding result.
#[derive(Debug, Clone)]
pub struct Decoded<'t> {
    /// `header.claims`, the bytes the signature covers.
    pub signing_input: &'t str,
    /// The JOSE header as a JSON object.
    pub header: Result<Object, PartError>,
    /// The claims as a JSON object.
    pub claims: Result<Object, PartError>,
    /// The raw signature bytes.
    pub signature: Result<Vec<u8>, Base64Error>,
}

/// Splits `token` on `.`; `Err(n)` with the number of parts when it is not three.
///
/// # Errors
/// The number of parts found, when it is not 3.
///
/// ```
/// let d = layer_auth::token::decode("e30.e30.AAAA").unwrap();
/// assert!(d.header.unwrap().is_empty());
/// assert_eq!(layer_auth::token::decode("a.b").unwrap_err(), 2);
/// ```
pub fn decode(token: &str) -> Result<Decoded<'_>, usize> {
    // memchr finds the dots several times quicker than `str::split` (every token of a
    // stream is split).
    let mut dots = memchr::memchr_iter(b'.', token.as_bytes());
    let (Some(first), Some(second), None) = (dots.next(), dots.next(), dots.next()) else {
        return Err(memchr::memchr_iter(b'.', token.as_bytes()).count() + 1);
    };
    // '.' is ASCII, so each cut is at a char boundary.
    let (header, claims, signature) = (
        &token[..first],
        &token[first + 1..second],
        &token[second + 1..],
    );
    Ok(Decoded {
        signing_input: &token[..header.len() + 1 + claims.len()],
        header: header_object(header),
        claims: object(claims),
        signature: base64url(signature),
    })
}

fn object(part: &str) -> Result<Object, PartError> {
    Ok(Object::parse(base64url(part)?)?)
}

/// [`object`] for a header: the tokens of a stream nearly always share theirs (one signer,
/// one key), so each thread keeps the last header part it read with what it read, and a
/// part equal to it, byte for byte, is answered with a copy (a fifth of the decoding).
fn header_object(part: &str) -> Result<Object, PartError> {
    use std::cell::RefCell;
    /// Past this a header is not kept: the copy stays small, and a hostile one is not held.
    const MAX_KEPT: usize = 1024;
    thread_local! {
        static LAST: RefCell<Option<(String, Result<Object, PartError>)>> =
            const { RefCell::new(None) };
    }
    if part.len() > MAX_KEPT {
        return object(part);
    }
    LAST.with_borrow_mut(|last| {
        if let Some((seen, read)) = last.as_ref()
            && seen == part
        {
            return read.clone();
        }
        let read = object(part);
        *last = Some((part.to_owned(), read.clone()));
        read
    })
}

/// Unpadded base64url as `URL_SAFE_NO_PAD` reads it, decoded with AVX2 or NEON where the CPU
/// has them (looked for once): several times quicker on the 700 characters of a token.
static BASE64URL: LazyLock<Simd> = LazyLock::new(|| Simd::url_safe(NO_PAD));

/// Decodes unpadded base64url, naming the usual mistakes.
///
/// # Errors
/// [`Base64Error`] saying which mistake it is.
pub fn base64url(part: &str) -> Result<Vec<u8>, Base64Error> {
    // Decode first (the hot path of bulk validation); name the mistake only on failure.
    BASE64URL.decode(part).map_err(|_| classify(part))
}

/// Why `part` is not unpadded base64url.
fn classify(part: &str) -> Base64Error {
    // The first byte outside the ASCII alphabet starts a char: all before it is ASCII.
    let outside = |b: u8| !(b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    let Some(offset) = part.bytes().position(outside) else {
        return Base64Error::BadLength;
    };
    match part[offset..].chars().next().unwrap_or('\u{fffd}') {
        '=' if part[offset..].bytes().all(|b| b == b'=') => Base64Error::Padding,
        c @ ('+' | '/') => Base64Error::PlainBase64(c),
        c => Base64Error::BadChar(c, offset),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_header_seen_before_reads_as_it_did_and_a_new_one_is_read_afresh() {
        use base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let part = |json: &str| URL_SAFE_NO_PAD.encode(json);
        let one = part(r#"{"typ":"JWS","kid":"a"}"#);
        let two = part(r#"{"typ":"JWS","kid":"b"}"#);
        let bad = part(r#"{"kid":"a","kid":"a"}"#);
        let long = part(&format!(r#"{{"kid":"{}"}}"#, "k".repeat(2000)));
        for header in [
            &one, &one, &two, &one, &bad, &bad, "e30=", "e30=", &long, &long, &two,
        ] {
            let token = format!("{header}.e30.AAAA");
            let fresh = object(header);
            assert_eq!(decode(&token).unwrap().header, fresh, "{header}");
        }
        assert_eq!(
            decode(&format!("{two}.e30.AAAA"))
                .unwrap()
                .header
                .unwrap()
                .get("kid")
                .unwrap()
                .json(),
            r#""b""#
        );
    }

    #[test]
    fn counts_parts_when_not_three() {
        assert_eq!(decode("abc").unwrap_err(), 1);
        assert_eq!(decode("a.b.c.d.e").unwrap_err(), 5);
        assert_eq!(decode("").unwrap_err(), 1);
    }

    #[test]
    fn names_padding_plain_base64_and_stray_characters() {
        assert_eq!(base64url("e30="), Err(Base64Error::Padding));
        assert_eq!(base64url("ab+c"), Err(Base64Error::PlainBase64('+')));
        assert_eq!(base64url("ab/c"), Err(Base64Error::PlainBase64('/')));
        assert_eq!(base64url("ab c"), Err(Base64Error::BadChar(' ', 2)));
        assert_eq!(base64url("a=b"), Err(Base64Error::BadChar('=', 1)));
        assert_eq!(base64url("a"), Err(Base64Error::BadLength));
        assert_eq!(base64url("e31"), Err(Base64Error::BadLength));
        assert_eq!(base64url("e30").unwrap(), b"{}");
    }

    #[test]
    fn the_simd_engine_reads_exactly_what_the_scalar_one_reads() {
        use base64::engine::general_purpose::URL_SAFE_NO_PAD;
        // Every length across several SIMD blocks, then every position of a long part
        // changed to each kind of wrong character, and the trailing bits of every length.
        let bytes: Vec<u8> = (0..=255u8).cycle().take(300).collect();
        let same = |text: &str| {
            assert_eq!(
                BASE64URL.decode(text).ok(),
                URL_SAFE_NO_PAD.decode(text).ok(),
                "{text}"
            );
        };
        for len in 0..bytes.len() {
            let text = URL_SAFE_NO_PAD.encode(&bytes[..len]);
            same(&text);
            if let Some(last) = text.chars().last() {
                for other in ['A', 'B', 'Q', 'g', 'w', '_', '-'] {
                    same(&format!("{}{other}", &text[..text.len() - 1]));
                }
                same(&format!("{text}="));
                same(&format!("{text}{last}"));
            }
        }
        let text = URL_SAFE_NO_PAD.encode(&bytes[..256]);
        for at in 0..text.len() {
            for wrong in ["=", "+", "/", " ", "\n", ".", "é", "\u{0}", "~"] {
                same(&format!("{}{wrong}{}", &text[..at], &text[at + 1..]));
                same(&format!("{}{wrong}{}", &text[..at], &text[at..]));
            }
        }
    }

    #[test]
    fn keeps_each_part_result_apart() {
        let d = decode("e30.W10.").unwrap();
        assert!(d.header.is_ok());
        assert_eq!(
            d.claims,
            Err(PartError::Json(JsonError::NotObject("an array")))
        );
        assert_eq!(d.signature, Ok(vec![]));
        assert_eq!(d.signing_input, "e30.W10");
    }
}
