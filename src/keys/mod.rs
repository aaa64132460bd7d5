//! RSA keys in every form Layer users hold them: private keys (PKCS#1 and PKCS#8, PEM or
//! DER, PKCS#8 encrypted under a passphrase, private JWK) for signing, public keys (SPKI or
//! PKCS#1, PEM or DER, JWK, JWKS, or the public half of a private key) for verification, key
//! generation, every one of those forms written back, and the RFC 7515 A.2 known-answer test
//! ([`known_answer`]).
//!
//! Private-key work (generation, signing) runs on `aws-lc-rs` with the key parsed once.
//! Legacy keys under 2048 bits, which aws-lc refuses to sign with, go through the `rsa`
//! crate only when the caller opts in ([`WeakKeys::Allow`]); verification of such keys stays
//! on aws-lc's legacy verifier. The `rsa` family of crates also parses the ASN.1 structures.

mod jwk;
pub mod known_answer;
mod material;
mod pem;
mod private;
mod public;
mod signing;
mod verifying;

pub use private::{MAX_PBKDF2_ITERATIONS, PBKDF2_ITERATIONS};
pub use public::PublicKey;
pub use signing::SigningKey;
pub(crate) use verifying::push_quoted_capped;
pub use verifying::{Candidates, KeySet, PublicKeys, VerifyingKey, quoted_capped};

pub use crate::ids::KEY_ID_PREFIX;
/// Smallest key `sign` uses without `--allow-weak-key`, and the smallest we generate.
pub const MIN_STRONG_BITS: usize = 2048;
/// Smallest legacy key we still verify (with a warning) or sign with on request.
pub const MIN_LEGACY_BITS: usize = 1024;
/// Largest key accepted (SPEC §1); larger ones are refused as malformed.
pub const MAX_BITS: usize = 16384;
/// Largest key aws-lc verifies and signs with; larger ones go through the `rsa` crate's
/// public-key verification and cannot sign.
pub const AWS_LC_MAX_BITS: usize = 8192;
/// Key sizes `keygen` offers.
pub const GENERATE_BITS: [usize; 3] = [2048, 3072, 4096];

/// What makes `text` look like key material rather than the short name it should be (a
/// path, an ID), if anything: a PEM, JSON (a JWK?), several lines, base64 (`base64`, as
/// the caller judges it), or over 1,024 characters.
pub fn material_kind(text: &str, base64: bool) -> Option<&'static str> {
    if text.contains("-----BEGIN") || text.contains("PRIVATE KEY") {
        Some("is a PEM key")
    } else if text.trim_start().starts_with('{') {
        Some("is JSON (a JWK?)")
    } else if text.contains(['\n', '\r']) || text.contains("\\n") {
        Some("spans several lines")
    } else if base64 {
        Some("looks like base64 (key material?)")
    } else if text.len() > 1024 {
        Some("is far too long")
    } else {
        None
    }
}

/// What makes `text` a private key beyond doubt, if anything: a PEM private key's armour
/// (as written or `\n`-escaped), or JSON with `kty` and `d` (a private JWK, or a set). The
/// test for values that may otherwise be anything (a user id, a nonce, a claim): it never
/// takes a long id, a hash or a GUID in braces for a key.
pub fn private_key_kind(text: &str) -> Option<&'static str> {
    // Any case: a hand-edited label is still a key.
    let armoured = text.contains("-----") && {
        let lower = text.to_ascii_lowercase();
        lower.contains("-----begin") && lower.contains("private key")
    };
    if armoured {
        Some("is a PEM private key")
    } else if text.trim_start().starts_with(['{', '['])
        && text.contains("\"kty\"")
        && text.contains("\"d\"")
    {
        Some("is a private JWK")
    } else {
        None
    }
}

/// [`private_key_kind`], or a whole key encoded once more, as a CI secret holds it: a
/// stretch of base64 (line breaks and escaped ones aside, as `base64` and a PEM body wrap
/// it) with 512 characters or more that look random (upper and lower case and digits
/// mixed), or of hex with 1,024 digits or more (`xxd -p`). For a user id or a nonce, which
/// no real one is; not for claims, where a data URL may be as long.
pub fn key_blob_kind(text: &str) -> Option<&'static str> {
    if let Some(kind) = private_key_kind(text) {
        return Some(kind);
    }
    // Each stretch of base64 and line breaks (a prefix such as `user:` or quotes around
    // it change nothing), with its breaks taken out.
    let unbroken = text.replace("\\n", "\n").replace("\\r", "\n");
    let is_base64 = |c: char| c.is_ascii_alphanumeric() || "+/=-_".contains(c);
    let blob = unbroken
        .split(|c: char| !(is_base64(c) || c.is_whitespace()))
        .any(|stretch| {
            let compact: String = stretch.chars().filter(|c| !c.is_whitespace()).collect();
            let count = |f: fn(&u8) -> bool| compact.bytes().filter(f).count();
            let random = count(u8::is_ascii_uppercase) >= 16
                && count(u8::is_ascii_lowercase) >= 16
                && count(u8::is_ascii_digit) >= 8;
            (compact.len() >= 512 && random)
                || (compact.len() >= 1024 && compact.bytes().all(|b| b.is_ascii_hexdigit()))
        });
    blob.then_some("looks like an encoded key")
}

/// What makes `text` look like a key rather than an ID, if anything (see
/// [`material_kind`]); a run of base64 counts from 128 characters, longer than
/// any ID (a thumbprint is 43 characters; a 2048-bit key's prime is 171).
pub fn id_material_kind(text: &str) -> Option<&'static str> {
    let base64 = text
        .split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=' | '-' | '_')))
        .any(|run| run.len() >= 128);
    material_kind(text, base64)
}

/// Why a key could not be read, generated or used. Messages say what was found and the fix.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// Neither PEM, DER nor JSON.
    #[error(
        "not a key: expected PEM (-----BEGIN ...-----) or DER, or for a public key also JWK or JWKS"
    )]
    NotAKey,
    /// Nothing at all.
    #[error("the key is empty")]
    Empty,
    /// A PEM block we could not take apart.
    #[error("malformed PEM: {0}")]
    BadPem(&'static str),
    /// More than one PEM block: which one is meant is anyone's guess, so none is taken.
    #[error(
        "the PEM holds more than one block, and a key file holds one key: give each key its \
         own file (a key set is several files, a directory of them, or a JWKS)"
    )]
    SeveralPemBlocks,
    /// A PEM block with a label we do not read.
    #[error(
        "unsupported PEM block `{0}`: expected PRIVATE KEY, RSA PRIVATE KEY, PUBLIC KEY or RSA PUBLIC KEY"
    )]
    UnsupportedPem(String),
    /// An X.509 certificate rather than a key.
    #[error(
        "this is an X.509 certificate, not a key: extract its public key with `openssl x509 -pubkey -noout -in FILE`"
    )]
    Certificate,
    /// An encrypted PKCS#8 key read without a passphrase.
    #[error("the private key is encrypted (ENCRYPTED PRIVATE KEY) and no passphrase was given")]
    Encrypted,
    /// The passphrase does not open the key (or the key is damaged).
    #[error("the passphrase does not open the encrypted private key (or the key is damaged)")]
    WrongPassphrase,
    /// An empty passphrase offered to encrypt a key.
    #[error(
        "the passphrase is empty: an encrypted key needs a passphrase of at least one character"
    )]
    EmptyPassphrase,
    /// An encrypted key whose scheme or parameters we do not run.
    #[error("the private key's encryption cannot be opened here: {0}")]
    UnsupportedEncryption(String),
    /// OpenSSL's legacy encrypted PEM (`Proc-Type: 4,ENCRYPTED`), which no well-kept Rust
    /// crate reads.
    #[error(
        "the private key is in OpenSSL's legacy encrypted PEM (Proc-Type: 4,ENCRYPTED), which is \
         not read here: convert it to encrypted PKCS#8 with `openssl pkcs8 -topk8 -v2 \
         aes-256-cbc -in FILE -out key.p8.pem`"
    )]
    LegacyEncrypted,
    /// A key of another algorithm.
    #[error("this is {0} key; Layer identity tokens are RS256 and need an RSA key")]
    NotRsa(&'static str),
    /// A public key where a private one is needed.
    #[error("this is a public key; signing needs the private key")]
    PublicNotPrivate,
    /// DER that does not parse as the structure its label promises.
    #[error("malformed key: {0}")]
    Malformed(String),
    /// Under 1024 bits: refused everywhere.
    #[error("{0}-bit RSA key: far too small to trust (Layer keys are 2048 bits)")]
    TooSmall(usize),
    /// Over [`MAX_BITS`].
    #[error("{0}-bit RSA key: larger than the {MAX_BITS} bits supported")]
    TooLarge(usize),
    /// Over [`AWS_LC_MAX_BITS`]: verifiable, but not for signing.
    #[error(
        "{0}-bit RSA key: keys over {AWS_LC_MAX_BITS} bits can be verified but not used to sign; \
         generate a 2048-bit key and register it"
    )]
    TooLargeToSign(usize),
    /// A public exponent other than 3 or 65537.
    #[error("RSA public exponent {0} is not 65537 (or 3): the key is malformed")]
    BadExponent(String),
    /// A legacy key offered for signing without opting in.
    #[error(
        "{0}-bit RSA key: too weak to sign with. Generate a 2048-bit key, register its public \
         half in the Layer dashboard, and sign with it"
    )]
    Weak(usize),
    /// `keygen` asked for a size we do not generate.
    #[error("cannot generate a {0}-bit key: choose 2048 (the default), 3072 or 4096")]
    UnsupportedSize(usize),
    /// A JSON key file with both `kty` and `keys`.
    #[error(
        "the JSON key file is both a JWK (it has \"kty\") and a JWKS (it has \"keys\"): which \
         keys it means is anyone's guess, so none is taken"
    )]
    JwkAndJwks,
    /// A JWKS with a private key among others, where one private key is needed.
    #[error(
        "the JWKS holds {keys} keys, {private} of them private: a key set is for verifying, and \
         signing takes one private key, in a JWK or PEM file of its own"
    )]
    PrivateKeySet {
        /// How many keys the set holds.
        keys: usize,
        /// How many of them are private.
        private: usize,
    },
    /// JWK or JWKS that could not be used.
    #[error("{0}")]
    Jwk(String),
    /// A JWKS none of whose keys can verify RS256 (each one skipped, with its warning).
    #[error("no usable RSA key in the JWKS ({0}): Layer tokens are RS256")]
    NoUsableKey(String),
    /// The crypto library failed where it should not.
    #[error("cryptographic operation failed: {0}")]
    Crypto(String),
}

/// Something about a key file worth telling that did not stop it from being read. Names
/// that came from the file (`kid`s) are JSON-quoted and capped; the caller still escapes the
/// whole message before showing it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyWarning {
    /// A key under 2048 bits: it verifies, but should be replaced.
    #[error(
        "{key} is under 2048 bits; accepted for validation, but generate a 2048-bit key and \
         register it"
    )]
    Legacy {
        /// The key, as [`VerifyingKey::describe`] names it.
        key: String,
    },
    /// A JWK in a set that holds a private key: its public half is used, but a set is what
    /// gets published.
    #[error(
        "{at} is a private key (it has \"d\"): its public half is used, but a JWKS is for \
         publishing and must hold public keys only (`layer-auth keys public FILE --format \
         jwks` writes one)"
    )]
    PrivateInSet {
        /// `keys[2] (kid "…")`.
        at: String,
    },
    /// A JWK in a set that was skipped.
    #[error("{at}: {reason}; skipped")]
    Skipped {
        /// `keys[2] (kid "…")`.
        at: String,
        /// Why.
        reason: String,
    },
}

/// Whether keys under 2048 bits may sign (SPEC §1: only behind `--allow-weak-key`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WeakKeys {
    /// Refuse them with [`KeyError::Weak`].
    Refuse,
    /// Sign with them through the `rsa` crate.
    Allow,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_key_signs_and_its_public_half_verifies() {
        let key = SigningKey::generate(2048).unwrap();
        assert_eq!(key.public_key().bits(), 2048);
        let signature = key.sign(b"hello").unwrap();
        let verifier = VerifyingKey::new(key.public_key().clone(), None).unwrap();
        assert!(verifier.verify(b"hello", &signature));
        assert!(!verifier.verify(b"hellO", &signature));
    }

    #[test]
    fn pkcs8_pem_round_trips_and_spki_pem_reads_back() {
        let key = SigningKey::generate(2048).unwrap();
        let pem = key.to_pkcs8_pem().unwrap();
        assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----\n"));
        let again = SigningKey::from_bytes(pem.as_bytes(), WeakKeys::Refuse).unwrap();
        assert_eq!(again.public_key(), key.public_key());
        let spki = key.public_key().to_spki_pem().unwrap();
        let read = VerifyingKey::read_all(spki.as_bytes()).unwrap();
        assert_eq!(read.keys[0].public_key(), key.public_key());
        assert!(matches!(
            SigningKey::from_bytes(spki.as_bytes(), WeakKeys::Refuse),
            Err(KeyError::PublicNotPrivate)
        ));
    }

    #[test]
    fn every_private_form_written_reads_back_as_the_same_key() {
        let key = SigningKey::generate(2048).unwrap();
        let forms: Vec<Vec<u8>> = vec![
            key.to_pkcs1_pem().as_bytes().to_vec(),
            key.to_pkcs1_der().to_vec(),
            key.to_pkcs8_der().unwrap().to_vec(),
            key.to_jwk(Some("layer:///keys/k"))
                .unwrap()
                .as_bytes()
                .to_vec(),
        ];
        for form in &forms {
            let again = SigningKey::from_bytes(form, WeakKeys::Refuse).unwrap();
            assert_eq!(again.public_key(), key.public_key());
            assert_eq!(*again.to_pkcs1_der(), *key.to_pkcs1_der());
        }
        let jwk: serde_json::Value = serde_json::from_str(&key.to_jwk(None).unwrap()).unwrap();
        assert_eq!(jwk["kid"], key.public_key().thumbprint());
        assert_eq!(jwk["alg"], "RS256");
        let set = format!(r#"{{"keys": [{}]}}"#, key.to_jwk(None).unwrap().as_str());
        assert!(SigningKey::from_bytes(set.as_bytes(), WeakKeys::Refuse).is_ok());
    }

    #[test]
    fn an_encrypted_key_opens_only_with_its_passphrase() {
        let key = SigningKey::generate(2048).unwrap();
        let pem = key.to_encrypted_pkcs8_pem(b"correct horse").unwrap();
        assert!(pem.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----\n"));
        let opened =
            SigningKey::from_bytes_with(pem.as_bytes(), WeakKeys::Refuse, Some(b"correct horse"))
                .unwrap();
        assert_eq!(opened.public_key(), key.public_key());
        assert!(matches!(
            SigningKey::from_bytes(pem.as_bytes(), WeakKeys::Refuse),
            Err(KeyError::Encrypted)
        ));
        let wrong = SigningKey::from_bytes_with(pem.as_bytes(), WeakKeys::Refuse, Some(b"wrong"));
        assert!(matches!(wrong, Err(KeyError::WrongPassphrase)), "{wrong:?}");
        let public = VerifyingKey::read_all_with(pem.as_bytes(), Some(b"correct horse")).unwrap();
        assert_eq!(public.keys[0].public_key(), key.public_key());
        assert!(matches!(
            key.to_encrypted_pkcs8_pem(b""),
            Err(KeyError::EmptyPassphrase)
        ));
    }

    #[test]
    fn a_private_jwk_without_its_crt_members_is_refused_by_name() {
        let key = SigningKey::generate(2048).unwrap();
        let mut jwk: serde_json::Value = serde_json::from_str(&key.to_jwk(None).unwrap()).unwrap();
        for name in ["p", "q", "dp", "dq", "qi"] {
            jwk.as_object_mut().unwrap().remove(name);
        }
        let error = SigningKey::from_bytes(jwk.to_string().as_bytes(), WeakKeys::Refuse)
            .unwrap_err()
            .to_string();
        assert!(error.contains("without p, q, dp, dq, qi"), "{error}");
        let text = key.public_key().to_jwk(None).to_string();
        assert!(matches!(
            SigningKey::from_bytes(text.as_bytes(), WeakKeys::Refuse),
            Err(KeyError::PublicNotPrivate)
        ));
    }

    #[test]
    fn public_pkcs1_round_trips() {
        let key = SigningKey::generate(2048).unwrap();
        let pem = key.public_key().to_pkcs1_pem().unwrap();
        assert!(pem.starts_with("-----BEGIN RSA PUBLIC KEY-----\n"));
        let read = VerifyingKey::read_all(pem.as_bytes()).unwrap();
        assert_eq!(read.keys[0].public_key(), key.public_key());
    }

    #[test]
    fn refuses_sizes_outside_the_generator_and_bad_components() {
        assert!(matches!(
            SigningKey::generate(1024),
            Err(KeyError::UnsupportedSize(1024))
        ));
        assert!(matches!(
            SigningKey::generate(2500),
            Err(KeyError::UnsupportedSize(2500))
        ));
        let n = [0xC5u8; 128];
        assert!(PublicKey::from_components(&n, &[1, 0, 1]).is_ok());
        assert!(matches!(
            PublicKey::from_components(&n, &[0x11]),
            Err(KeyError::BadExponent(e)) if e == "0x11"
        ));
        let mut huge = vec![1u8];
        huge.extend([0u8; 500]);
        huge.push(1);
        assert!(matches!(
            PublicKey::from_components(&n, &huge),
            Err(KeyError::BadExponent(e)) if e == "0x0100000000000000… (4016 bits)"
        ));
        assert!(matches!(
            PublicKey::from_components(&n, &[0, 0]),
            Err(KeyError::BadExponent(e)) if e == "0"
        ));
        assert!(matches!(
            PublicKey::from_components(&n[..64], &[3]),
            Err(KeyError::TooSmall(512))
        ));
        assert!(matches!(
            PublicKey::from_components(&[0xFFu8; 2049], &[3]),
            Err(KeyError::TooLarge(16392))
        ));
    }

    #[test]
    fn debug_output_never_shows_key_material() {
        let key = SigningKey::generate(2048).unwrap();
        let shown = format!("{key:?}");
        assert_eq!(shown, "SigningKey(2048 bits, private part redacted)");
    }

    #[test]
    fn garbage_is_named_not_a_key() {
        assert!(matches!(
            SigningKey::from_bytes(b"hello", WeakKeys::Refuse),
            Err(KeyError::NotAKey)
        ));
        assert!(matches!(
            SigningKey::from_bytes(&[0x30, 0x03, 0x02, 0x01], WeakKeys::Refuse),
            Err(KeyError::NotAKey)
        ));
    }
}

#[cfg(test)]
mod build_tests {
    /// `.cargo/config.toml` must keep aws-lc's CPU-jitter entropy source off: with it, every
    /// process that signs pays ~35 ms at its first random draw (see that file).
    #[test]
    fn aws_lc_jitter_entropy_stays_disabled_in_the_build() {
        assert_eq!(option_env!("AWS_LC_SYS_NO_JITTER_ENTROPY"), Some("1"));
    }
}
