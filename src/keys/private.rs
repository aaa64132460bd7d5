//! A private key's other forms: PKCS#8 around PKCS#1, PKCS#8 encrypted under a passphrase
//! (PBES2: PBKDF2-HMAC-SHA256 and AES-256-CBC, what `openssl pkcs8 -topk8` writes), and the
//! private JWK (RFC 7518 §6.3.2). The cryptography is the `pkcs8` crate's; the bounds on
//! what a hostile file may ask of it are ours.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use pkcs8::der::asn1::{AnyRef, UintRef};
use pkcs8::der::{Decode as _, Encode as _};
use pkcs8::pkcs5::{EncryptionScheme, pbes2};
use pkcs8::{AlgorithmIdentifierRef, EncryptedPrivateKeyInfo, PrivateKeyInfo};
use serde_json::{Map, Value};
use zeroize::Zeroizing;

use super::material::malformed;
use super::{KeyError, jwk::RS256};

/// PBKDF2 iterations we write: OWASP's 2023 figure for PBKDF2-HMAC-SHA256 (openssl's
/// default, 2048, is far below it). About 0.3 s to open the key on one core.
pub const PBKDF2_ITERATIONS: u32 = 600_000;
/// The most PBKDF2 iterations a key file may ask for (about 1.5 s with SHA-512, the
/// slowest hash it may name): a hostile file could otherwise ask for 4 billion and hold the
/// process for hours, before any passphrase is checked.
pub const MAX_PBKDF2_ITERATIONS: u32 = 2_000_000;
/// The most memory an scrypt-encrypted key may ask for (128 · r · N bytes).
const MAX_SCRYPT_BYTES: u64 = 128 * 1024 * 1024;
/// The most scrypt work (N · r · p) a key file may ask for: about 1.5 s; openssl's default
/// (N 16384, r 8, p 1) is 32 times less.
const MAX_SCRYPT_WORK: u64 = 1 << 22;

/// PKCS#8 `PrivateKeyInfo` (rsaEncryption, NULL parameters) around PKCS#1 DER.
pub(super) fn pkcs8_der(pkcs1: &[u8]) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    let info = PrivateKeyInfo::new(
        AlgorithmIdentifierRef {
            oid: rsa::pkcs1::ALGORITHM_OID,
            parameters: Some(AnyRef::NULL),
        },
        pkcs1,
    );
    info.to_der().map(Zeroizing::new).map_err(malformed)
}

/// PKCS#8 DER encrypted under `passphrase`, with a fresh salt and IV from aws-lc's random
/// source.
pub(super) fn encrypt(pkcs8: &[u8], passphrase: &[u8]) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    if passphrase.is_empty() {
        return Err(KeyError::EmptyPassphrase);
    }
    let mut salt = [0u8; 16];
    let mut iv = [0u8; 16];
    for buffer in [&mut salt, &mut iv] {
        aws_lc_rs::rand::fill(buffer).map_err(|e| KeyError::Crypto(e.to_string()))?;
    }
    let params = pbes2::Parameters::pbkdf2_sha256_aes256cbc(PBKDF2_ITERATIONS, &salt, &iv)
        .map_err(|e| KeyError::Crypto(e.to_string()))?;
    let info = PrivateKeyInfo::from_der(pkcs8).map_err(malformed)?;
    let document = info
        .encrypt_with_params(params, passphrase)
        .map_err(|e| KeyError::Crypto(e.to_string()))?;
    Ok(Zeroizing::new(document.as_bytes().to_vec()))
}

/// Whether `der` is a PKCS#8 `EncryptedPrivateKeyInfo`.
pub(super) fn is_encrypted(der: &[u8]) -> bool {
    EncryptedPrivateKeyInfo::from_der(der).is_ok()
}

/// The PKCS#8 DER inside an `EncryptedPrivateKeyInfo`, after checking that what it asks of
/// the key derivation is bounded.
pub(super) fn decrypt(der: &[u8], passphrase: &[u8]) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    let info = EncryptedPrivateKeyInfo::from_der(der)
        .map_err(|_| KeyError::UnsupportedEncryption(unread_scheme(der)))?;
    check_scheme(&info.encryption_algorithm)?;
    let document = info.decrypt(passphrase).map_err(|e| match e {
        // pkcs5 reports a bad padding after decryption, the usual sign of a wrong
        // passphrase, as `EncryptFailed`.
        pkcs8::Error::EncryptedPrivateKey(
            pkcs8::pkcs5::Error::DecryptFailed | pkcs8::pkcs5::Error::EncryptFailed,
        ) => KeyError::WrongPassphrase,
        pkcs8::Error::EncryptedPrivateKey(pkcs8::pkcs5::Error::UnsupportedAlgorithm { oid }) => {
            KeyError::UnsupportedEncryption(format!(
                "it asks for {}, which is not read here; {REENCRYPT}",
                algorithm_name(oid)
            ))
        }
        pkcs8::Error::EncryptedPrivateKey(other) => {
            KeyError::UnsupportedEncryption(format!("{other}; {REENCRYPT}"))
        }
        // The padding checked out by chance, but what came out is not a key.
        _ => KeyError::WrongPassphrase,
    })?;
    let inner = Zeroizing::new(document.as_bytes().to_vec());
    PrivateKeyInfo::from_der(&inner).map_err(|_| KeyError::WrongPassphrase)?;
    Ok(inner)
}

/// How to turn a key encrypted some other way into one read here.
const REENCRYPT: &str = "re-encrypt it: openssl pkcs8 -topk8 -v2 aes-256-cbc -v2prf hmacWithSHA256 -in FILE -out new.pem";

/// Why an `ENCRYPTED PRIVATE KEY` whose scheme the `pkcs8` crate cannot even parse is not
/// read, from the scheme's OID: PBES2 with a cipher we do not run (DES-EDE3-CBC, say),
/// PBES1, or PKCS#12's PBE.
fn unread_scheme(der: &[u8]) -> String {
    let scheme = AnyRef::from_der(der).ok().and_then(|outer| {
        outer
            .sequence(|reader| {
                let algorithm = AlgorithmIdentifierRef::decode(reader)?;
                AnyRef::decode(reader)?;
                Ok(algorithm.oid)
            })
            .ok()
    });
    let what = match scheme.map(|oid| oid.to_string()) {
        Some(oid) if oid == "1.2.840.113549.1.5.13" => {
            "it is PBES2 with a cipher or key derivation not read here (AES-128, -192 or -256 \
             in CBC mode, with PBKDF2 over HMAC-SHA-224 to -512, or scrypt, are)"
        }
        Some(oid) if oid.starts_with("1.2.840.113549.1.5.") => {
            "it uses PBES1 (DES or RC2, long broken)"
        }
        Some(oid) if oid.starts_with("1.2.840.113549.1.12.1.") => {
            "it uses PKCS#12's password-based encryption (3DES or RC2, old and weak)"
        }
        _ => "its encryption scheme is not one read here (PBES2 with AES-CBC is)",
    };
    format!("{what}; {REENCRYPT}")
}

/// A name for an algorithm an encrypted key may ask for, else its OID.
fn algorithm_name(oid: pkcs8::ObjectIdentifier) -> String {
    let name = match oid.to_string().as_str() {
        "1.2.840.113549.2.7" => "PBKDF2 over HMAC-SHA-1 (older openssl's default)",
        "1.2.840.113549.3.7" => "DES-EDE3-CBC (3DES)",
        "1.3.14.3.2.7" => "DES-CBC",
        "1.2.840.113549.3.2" => "RC2-CBC",
        _ => return format!("the algorithm {oid}"),
    };
    name.to_owned()
}

fn check_scheme(scheme: &EncryptionScheme<'_>) -> Result<(), KeyError> {
    let EncryptionScheme::Pbes2(params) = scheme else {
        return Err(KeyError::UnsupportedEncryption(format!(
            "it uses PBES1 (DES or RC2, long broken); {REENCRYPT}"
        )));
    };
    match &params.kdf {
        pbes2::Kdf::Pbkdf2(kdf) if kdf.iteration_count > MAX_PBKDF2_ITERATIONS => {
            Err(KeyError::UnsupportedEncryption(format!(
                "it asks for {} PBKDF2 iterations, over the {MAX_PBKDF2_ITERATIONS} we run \
                 (a hostile or mistaken file)",
                kdf.iteration_count
            )))
        }
        pbes2::Kdf::Scrypt(kdf) => {
            let memory = 128u64
                .saturating_mul(u64::from(kdf.block_size))
                .saturating_mul(kdf.cost_parameter);
            let work = kdf
                .cost_parameter
                .saturating_mul(u64::from(kdf.block_size))
                .saturating_mul(u64::from(kdf.parallelization));
            if memory > MAX_SCRYPT_BYTES || work > MAX_SCRYPT_WORK {
                Err(KeyError::UnsupportedEncryption(format!(
                    "its scrypt parameters (N={}, r={}, p={}) ask for more memory ({} MiB at \
                     most) or work than a key read may take",
                    kdf.cost_parameter,
                    kdf.block_size,
                    kdf.parallelization,
                    MAX_SCRYPT_BYTES >> 20
                )))
            } else {
                Ok(())
            }
        }
        _ => Ok(()),
    }
}

/// The eight members of a private RSA JWK, in RFC 7518 §6.3 order, and their PKCS#1 fields.
const MEMBERS: [&str; 8] = ["n", "e", "d", "p", "q", "dp", "dq", "qi"];

/// A private RSA JWK with every member RFC 7518 §6.3.2 defines, `kid`, `alg` and `use`.
pub(super) fn to_jwk(pkcs1: &[u8], kid: &str) -> Result<Zeroizing<String>, KeyError> {
    let key = rsa::pkcs1::RsaPrivateKey::from_der(pkcs1).map_err(malformed)?;
    let parts = [
        key.modulus,
        key.public_exponent,
        key.private_exponent,
        key.prime1,
        key.prime2,
        key.exponent1,
        key.exponent2,
        key.coefficient,
    ];
    // Written by hand into a buffer wiped on drop: a `serde_json::Value` cannot be wiped.
    let mut text = Zeroizing::new(String::with_capacity(4096));
    let kid = crate::output::inert_json(&Value::from(kid).to_string()).into_owned();
    text.push_str(&format!(
        "{{\n  \"kty\": \"RSA\",\n  \"kid\": {kid},\n  \"use\": \"sig\",\n  \"alg\": \"{RS256}\""
    ));
    for (name, part) in MEMBERS.iter().zip(parts) {
        let encoded = Zeroizing::new(URL_SAFE_NO_PAD.encode(part.as_bytes()));
        text.push_str(",\n  \"");
        text.push_str(name);
        text.push_str("\": \"");
        text.push_str(&encoded);
        text.push('"');
    }
    text.push_str("\n}\n");
    Ok(text)
}

/// A private key read from a JWK: PKCS#1 DER, and the JWK's `kid`.
pub(super) type PrivateJwk = (Zeroizing<Vec<u8>>, Option<String>);

/// The private key of a private JWK, or of a JWKS holding that one key alone; `Ok(None)`
/// when `bytes` is not JSON.
pub(super) fn read_json(bytes: &[u8]) -> Result<Option<PrivateJwk>, KeyError> {
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace());
    if start.map(|i| bytes[i]) != Some(b'{') {
        return Ok(None);
    }
    // The parsed members are not wiped on drop (serde_json cannot); the bytes read are.
    let value = Value::Object(
        crate::json::parse_object(bytes)
            .map_err(|e| KeyError::Jwk(format!("the JSON key file {e}")))?,
    );
    if value.get("keys").is_some() && value.get("kty").is_some() {
        return Err(KeyError::JwkAndJwks);
    }
    let (one, keys) = match value.get("keys") {
        Some(Value::Array(members)) => (members.as_slice(), members.len()),
        Some(_) => {
            return Err(KeyError::Jwk(
                "malformed JWKS: \"keys\" is not an array".into(),
            ));
        }
        None => (std::slice::from_ref(&value), 1),
    };
    let private: Vec<&Map<String, Value>> = one
        .iter()
        .filter_map(Value::as_object)
        .filter(|m| m.contains_key("d"))
        .collect();
    match private.as_slice() {
        [] => Err(KeyError::PublicNotPrivate),
        [jwk] if keys == 1 => {
            let kid = match jwk.get("kid") {
                None => None,
                // A kid is published (keys public writes it): never one that is a key.
                Some(Value::String(kid)) => match super::id_material_kind(kid) {
                    Some(kind) => {
                        return Err(KeyError::Jwk(format!(
                            "private JWK: its \"kid\" ({} characters) {kind}, and a kid is \
                             published with the public key; give it the Key ID \
                             (layer:///keys/<uuid>)",
                            kid.chars().count()
                        )));
                    }
                    None => Some(kid.clone()),
                },
                Some(other) => {
                    return Err(KeyError::Jwk(format!(
                        "private JWK: \"kid\" is {}, not a string",
                        crate::json::kind_name(other)
                    )));
                }
            };
            let der = from_jwk(jwk)?.ok_or(KeyError::PublicNotPrivate)?;
            Ok(Some((der, kid)))
        }
        many => Err(KeyError::PrivateKeySet {
            keys,
            private: many.len(),
        }),
    }
}

/// PKCS#1 DER from a private RSA JWK meant for RS256 signing; `Ok(None)` when it is a
/// public JWK (no `d`).
pub(super) fn from_jwk(jwk: &Map<String, Value>) -> Result<Option<Zeroizing<Vec<u8>>>, KeyError> {
    if !jwk.contains_key("d") {
        return Ok(None);
    }
    if jwk.get("kty").and_then(Value::as_str) != Some("RSA") {
        return Err(KeyError::NotRsa("a non-RSA JWK"));
    }
    super::jwk::meant_for_rs256(&Value::Object(jwk.clone()), "sign")
        .map_err(|reason| KeyError::Jwk(format!("private JWK: {reason}")))?;
    if jwk.contains_key("oth") {
        return Err(KeyError::Jwk(
            "private JWK with \"oth\": multi-prime RSA keys are not supported".into(),
        ));
    }
    let missing: Vec<&str> = MEMBERS
        .iter()
        .copied()
        .filter(|name| !jwk.contains_key(*name))
        .collect();
    if !missing.is_empty() {
        return Err(KeyError::Jwk(format!(
            "private JWK without {}: signing needs every member of RFC 7518 §6.3.2 (n, e, d, p, \
             q, dp, dq, qi)",
            missing.join(", ")
        )));
    }
    let mut decoded: Vec<Zeroizing<Vec<u8>>> = Vec::with_capacity(MEMBERS.len());
    for name in MEMBERS {
        let text = jwk[name]
            .as_str()
            .ok_or_else(|| KeyError::Jwk(format!("private JWK: \"{name}\" is not a string")))?;
        let bytes = URL_SAFE_NO_PAD
            .decode(text)
            .map_err(|_| KeyError::Jwk(format!("private JWK: \"{name}\" is not base64url")))?;
        decoded.push(Zeroizing::new(bytes));
    }
    let uint = |i: usize| UintRef::new(&decoded[i]).map_err(malformed);
    let key = rsa::pkcs1::RsaPrivateKey {
        modulus: uint(0)?,
        public_exponent: uint(1)?,
        private_exponent: uint(2)?,
        prime1: uint(3)?,
        prime2: uint(4)?,
        exponent1: uint(5)?,
        exponent2: uint(6)?,
        coefficient: uint(7)?,
        other_prime_infos: None,
    };
    key.to_der()
        .map(Zeroizing::new)
        .map(Some)
        .map_err(malformed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_what_a_hostile_encrypted_key_may_ask_of_the_key_derivation() {
        let salt = [1u8; 16];
        let iv = [2u8; 16];
        let heavy =
            pbes2::Parameters::pbkdf2_sha256_aes256cbc(MAX_PBKDF2_ITERATIONS + 1, &salt, &iv)
                .unwrap();
        let error = check_scheme(&EncryptionScheme::Pbes2(heavy)).unwrap_err();
        assert!(error.to_string().contains("PBKDF2 iterations"), "{error}");
        let fine =
            pbes2::Parameters::pbkdf2_sha256_aes256cbc(PBKDF2_ITERATIONS, &salt, &iv).unwrap();
        assert!(check_scheme(&EncryptionScheme::Pbes2(fine)).is_ok());
        let scrypt = pkcs8::pkcs5::scrypt::Params::new(22, 8, 1, 32).unwrap();
        let params = pbes2::Parameters::scrypt_aes256cbc(scrypt, &salt, &iv).unwrap();
        let error = check_scheme(&EncryptionScheme::Pbes2(params)).unwrap_err();
        assert!(error.to_string().contains("scrypt parameters"), "{error}");
        // Within the memory bound, but 64 lanes of it: too much work.
        let lanes = pkcs8::pkcs5::scrypt::Params::new(16, 8, 64, 32).unwrap();
        let params = pbes2::Parameters::scrypt_aes256cbc(lanes, &salt, &iv).unwrap();
        assert!(check_scheme(&EncryptionScheme::Pbes2(params)).is_err());
        // openssl's default (N 16384, r 8, p 1) is read.
        let openssl = pkcs8::pkcs5::scrypt::Params::new(14, 8, 1, 32).unwrap();
        let params = pbes2::Parameters::scrypt_aes256cbc(openssl, &salt, &iv).unwrap();
        assert!(check_scheme(&EncryptionScheme::Pbes2(params)).is_ok());
    }
}
