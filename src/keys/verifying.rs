//! Public keys parsed once for verification, and the key set a run trusts, chosen by `kid`.

use std::fmt;

use aws_lc_rs::rsa::PublicKeyComponents;
use aws_lc_rs::signature::{
    ParsedPublicKey, RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY, RSA_PKCS1_2048_8192_SHA256,
};

use super::material::{Material, malformed};
use super::{
    AWS_LC_MAX_BITS, KEY_ID_PREFIX, KeyError, KeyWarning, MAX_BITS, MIN_STRONG_BITS, PublicKey, jwk,
};

/// The keys a file held, and what is worth telling about them (legacy sizes, JWKs skipped).
#[derive(Debug, Clone)]
pub struct PublicKeys {
    /// The usable keys, in file order; never empty.
    pub keys: Vec<VerifyingKey>,
    /// What did not stop the file from being read.
    pub warnings: Vec<KeyWarning>,
}

/// A public key parsed once for verification, with the `kid` a JWK gave it.
#[derive(Clone)]
pub struct VerifyingKey {
    public: PublicKey,
    kid: Option<String>,
    thumbprint: String,
    /// What [`VerifyingKey::describe`] says.
    description: String,
    /// Where it sat in its JWKS (`keys[2]`), when it came from one.
    position: Option<usize>,
    verifier: Verifier,
}

/// How messages name a key: its `kid` (JSON-quoted, at most 80 characters: it came from a
/// file), else its size and RFC 7638 thumbprint.
fn describe(public: &PublicKey, kid: Option<&str>, thumbprint: &str) -> String {
    let legacy = if public.bits() < MIN_STRONG_BITS {
        " legacy"
    } else {
        ""
    };
    match kid {
        Some(kid) => format!(
            "the{legacy} {}-bit key {}",
            public.bits(),
            quoted_capped(kid, 80)
        ),
        None => format!("the{legacy} {}-bit key {thumbprint}", public.bits()),
    }
}

/// aws-lc verifies keys of 1024 to 8192 bits; SPEC §1 allows up to 16384, and the rare key
/// past 8192 bits is verified by the `rsa` crate (a public-key operation: no timing concern).
#[derive(Clone)]
enum Verifier {
    AwsLc(ParsedPublicKey),
    Large(Box<rsa::pkcs1v15::VerifyingKey<rsa::sha2::Sha256>>),
}

impl VerifyingKey {
    /// Prepares `public` for verification; `kid` is the key id a JWK carried, if any.
    ///
    /// # Errors
    /// [`KeyError::Malformed`] if aws-lc rejects the key.
    pub fn new(public: PublicKey, kid: Option<String>) -> Result<Self, KeyError> {
        let verifier = if public.bits() > AWS_LC_MAX_BITS {
            let n = rsa::BigUint::from_bytes_be(&public.n);
            let e = rsa::BigUint::from_bytes_be(&public.e);
            let key = rsa::RsaPublicKey::new_with_max_size(n, e, MAX_BITS).map_err(malformed)?;
            Verifier::Large(Box::new(rsa::pkcs1v15::VerifyingKey::new(key)))
        } else {
            let params = if public.bits() >= MIN_STRONG_BITS {
                &RSA_PKCS1_2048_8192_SHA256
            } else {
                &RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY
            };
            let components = PublicKeyComponents {
                n: public.n.as_slice(),
                e: public.e.as_slice(),
            };
            let parsed = components
                .to_parsed_public_key(params)
                .map_err(|e| KeyError::Malformed(e.to_string()))?;
            Verifier::AwsLc(parsed)
        };
        let thumbprint = public.thumbprint();
        let description = describe(&public, kid.as_deref(), &thumbprint);
        Ok(Self {
            public,
            kid,
            thumbprint,
            description,
            position: None,
            verifier,
        })
    }

    /// This key, as the member at `index` of its JWKS's `keys`.
    pub(super) fn at(self, index: usize) -> Self {
        Self {
            position: Some(index),
            ..self
        }
    }

    /// Where the key sat in its JWKS's `keys` (the file's own index, skipped members
    /// counted), when it came from one.
    pub fn position(&self) -> Option<usize> {
        self.position
    }

    /// Reads every public key in `bytes`: SPKI or PKCS#1 public PEM, a private key PEM or DER
    /// (its public half), a JWK, or a JWKS (each RSA key with its `kid`). In a JWKS, keys of
    /// another type, keys not meant for RS256 verification and malformed keys are skipped
    /// with a warning each; legacy keys under 2048 bits are kept with a warning.
    ///
    /// # Errors
    /// [`KeyError`] saying what the bytes hold instead, or that a JWKS has no usable key.
    pub fn read_all(bytes: &[u8]) -> Result<PublicKeys, KeyError> {
        Self::read_all_with(bytes, None)
    }

    /// As [`VerifyingKey::read_all`], also taking the public half of an encrypted PKCS#8
    /// private key opened with `passphrase`.
    ///
    /// # Errors
    /// As [`VerifyingKey::read_all`], and [`KeyError::Encrypted`] or
    /// [`KeyError::WrongPassphrase`] for an encrypted key.
    pub fn read_all_with(bytes: &[u8], passphrase: Option<&[u8]>) -> Result<PublicKeys, KeyError> {
        let PublicKeys { keys, mut warnings } = match jwk::read(bytes)? {
            Some(read) => read,
            None => PublicKeys {
                keys: vec![Self::read_one(bytes, passphrase)?],
                warnings: Vec::new(),
            },
        };
        warnings.extend(
            keys.iter()
                .filter(|k| k.public.bits() < MIN_STRONG_BITS)
                .map(|k| KeyWarning::Legacy {
                    key: k.describe().to_owned(),
                }),
        );
        Ok(PublicKeys { keys, warnings })
    }

    fn read_one(bytes: &[u8], passphrase: Option<&[u8]>) -> Result<Self, KeyError> {
        let public = match Material::read(bytes, passphrase)? {
            Material::Public(public) => public,
            Material::Private(pkcs1) => super::SigningKey::checked_public(&pkcs1)?,
        };
        Self::new(public, None)
    }

    /// The public key.
    pub fn public_key(&self) -> &PublicKey {
        &self.public
    }

    /// The key id from the JWK, if the key came from one.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// The RFC 7638 thumbprint.
    pub fn thumbprint(&self) -> &str {
        &self.thumbprint
    }

    /// How messages name this key: its `kid` (JSON-quoted, at most 80 characters: it came
    /// from a file), else its size and RFC 7638 thumbprint. Made once, with the key: every
    /// report names the key that verified it.
    pub fn describe(&self) -> &str {
        &self.description
    }

    /// Whether `signature` is a valid RS256 signature of `message` under this key.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        match &self.verifier {
            Verifier::AwsLc(parsed) => {
                let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, message);
                parsed.verify_digest_sig(&digest, signature).is_ok()
            }
            Verifier::Large(key) => {
                use rsa::signature::Verifier as _;
                rsa::pkcs1v15::Signature::try_from(signature)
                    .is_ok_and(|signature| key.verify(message, &signature).is_ok())
            }
        }
    }
}

impl fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "VerifyingKey({} bits, kid {:?})",
            self.public.bits(),
            self.kid
        )
    }
}

/// The public keys a run trusts. One key is used whatever a token's `kid` says; with
/// several, the token's `kid` picks among those that carry one (JWK/JWKS), and keys without a
/// `kid` (PEM files) are all tried.
#[derive(Debug, Default, Clone)]
pub struct KeySet {
    keys: Vec<VerifyingKey>,
}

/// The keys a token may be verified with, and how they were chosen.
#[derive(Debug)]
pub enum Candidates<'k> {
    /// No key at all: the signature cannot be checked.
    NoKeys,
    /// The one key given, used whatever the `kid`.
    Single(&'k VerifyingKey),
    /// The keys whose `kid` matches (two or more while a key is being rotated).
    ByKid(Vec<&'k VerifyingKey>),
    /// No `kid` matched; these keys carry no `kid` and are all tried.
    Unnamed(Vec<&'k VerifyingKey>),
    /// Several keys, none with this `kid`, and none without a `kid` to try.
    NotFound {
        /// The `kid`s the set holds.
        known: Vec<&'k str>,
    },
}

impl KeySet {
    /// A set of the given keys.
    pub fn new(keys: Vec<VerifyingKey>) -> Self {
        Self { keys }
    }

    /// Whether the set holds no key.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The keys in the set.
    pub fn keys(&self) -> &[VerifyingKey] {
        &self.keys
    }

    /// The keys to verify a token whose header says `kid`.
    pub fn candidates(&self, kid: Option<&str>) -> Candidates<'_> {
        match self.keys.as_slice() {
            [] => return Candidates::NoKeys,
            [only] => return Candidates::Single(only),
            _ => {}
        }
        let named = |k: &&VerifyingKey| match (k.kid.as_deref(), kid) {
            (Some(have), Some(wanted)) => crate::ids::same(have, wanted, KEY_ID_PREFIX),
            _ => false,
        };
        let by_kid: Vec<_> = self.keys.iter().filter(named).collect();
        if !by_kid.is_empty() {
            return Candidates::ByKid(by_kid);
        }
        let unnamed: Vec<_> = self.keys.iter().filter(|k| k.kid.is_none()).collect();
        if unnamed.is_empty() {
            Candidates::NotFound {
                known: self.keys.iter().filter_map(VerifyingKey::kid).collect(),
            }
        } else {
            Candidates::Unnamed(unnamed)
        }
    }
}

/// `text` JSON-quoted and cut to `max` characters (a `kid` or label from a file, a value
/// from a token): what messages show of a name that could be arbitrarily long.
///
/// ```
/// assert_eq!(layer_auth::keys::quoted_capped("abcdef", 4), "\"abc…\"");
/// ```
pub fn quoted_capped(text: &str, max: usize) -> String {
    let mut quoted = String::new();
    push_quoted_capped(&mut quoted, text, max);
    quoted
}

/// [`quoted_capped`], pushed onto `out`: every report quotes two ids this way.
pub(crate) fn push_quoted_capped(out: &mut String, text: &str, max: usize) {
    // Short, and nothing JSON escapes: the quotes around it are all its JSON adds.
    if text.len() <= max && !crate::json::needs_escape(text.as_bytes()) {
        out.reserve(text.len() + 2);
        out.push('"');
        out.push_str(text);
        out.push('"');
        return;
    }
    let cut: String = if text.chars().count() > max {
        text.chars()
            .take(max.saturating_sub(1))
            .chain(['…'])
            .collect()
    } else {
        text.to_owned()
    };
    out.push_str(&serde_json::Value::from(cut).to_string());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_capped_is_serde_json_quoting_of_the_text_cut_to_its_length() {
        let reference = |text: &str, max: usize| {
            let cut: String = if text.chars().count() > max {
                text.chars().take(max - 1).chain(['…']).collect()
            } else {
                text.to_owned()
            };
            serde_json::Value::from(cut).to_string()
        };
        for text in [
            "",
            "layer:///keys/11111111-2222-3333-4444-555555555555",
            "a\"b",
            "a\\b",
            "tab\there",
            "\u{1b}[2J",
            "\u{7f}\u{202e}é✓",
            "ééééé",
            "abcde",
            "abcdef",
        ] {
            for max in [1, 4, 5, 80] {
                assert_eq!(
                    quoted_capped(text, max),
                    reference(text, max),
                    "{text} {max}"
                );
            }
        }
    }
}
