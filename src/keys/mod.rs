//! RSA keys in every form Layer users hold them: private keys (PKCS#1 and PKCS#8, PEM or
//! DER) for signing, public keys (SPKI or PKCS#1 PEM, JWK, JWKS, or the public half of a
//! private key) for verification, and key generation.
//!
//! Private-key work (generation, signing) runs on `aws-lc-rs` with the key parsed once.
//! Legacy keys under 2048 bits, which aws-lc refuses to sign with, go through the `rsa`
//! crate only when the caller opts in ([`WeakKeys::Allow`]); verification of such keys stays
//! on aws-lc's legacy verifier. The `rsa` family of crates also parses the ASN.1 structures.

mod jwk;
mod pem;

use std::fmt;

use aws_lc_rs::encoding::AsDer as _;
use aws_lc_rs::rsa::{KeyPair, KeySize, PublicKeyComponents};
use aws_lc_rs::signature::{
    self, KeyPair as _, ParsedPublicKey, RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY,
    RSA_PKCS1_2048_8192_SHA256,
};
use rsa::pkcs1::der::Decode as _;
use rsa::pkcs8::{ObjectIdentifier, PrivateKeyInfo, SubjectPublicKeyInfoRef};
use zeroize::Zeroizing;

pub use jwk::Jwk;

/// Prefix of a Key ID in its current form (`layer:///keys/<uuid>`); a bare UUID, the
/// pre-2015 form, names the same key.
pub const KEY_ID_PREFIX: &str = "layer:///keys/";
/// Smallest key `sign` uses without `--allow-weak-key`, and the smallest we generate.
pub const MIN_STRONG_BITS: usize = 2048;
/// Smallest legacy key we still verify (with a warning) or sign with on request.
pub const MIN_LEGACY_BITS: usize = 1024;
/// Largest key aws-lc verifies; SPEC allows up to 16384, none has been seen in the wild.
pub const MAX_BITS: usize = 8192;
/// Key sizes `keygen` offers.
pub const GENERATE_BITS: [usize; 3] = [2048, 3072, 4096];

const OID_EC: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const OID_ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
const OID_RSA_PSS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10");

/// Why a key could not be read, generated or used. Messages say what was found and the fix.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// Neither PEM, DER nor JSON.
    #[error("not a key: expected a PEM (-----BEGIN ...-----), DER, JWK or JWKS file")]
    NotAKey,
    /// A PEM block we could not take apart.
    #[error("malformed PEM: {0}")]
    BadPem(&'static str),
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
    /// Password-protected key.
    #[error(
        "the private key is encrypted: decrypt it first with `openssl pkey -in FILE -out plain.pem`"
    )]
    Encrypted,
    /// A key of another algorithm.
    #[error(
        "this is {0} key; Layer identity tokens are RS256 and need an RSA key (`layer-auth keygen` makes one)"
    )]
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
    /// A public exponent other than 3 or 65537.
    #[error("RSA public exponent {0} is not 65537 (or 3): the key is malformed")]
    BadExponent(String),
    /// A legacy key offered for signing without opting in.
    #[error(
        "{0}-bit RSA key: too weak to sign with. Generate a 2048-bit key (`layer-auth keygen --out new.pem`), \
         register its public half in the Layer dashboard, and sign with it \
         (or pass --allow-weak-key to sign with this legacy key anyway)"
    )]
    Weak(usize),
    /// `keygen` asked for a size we do not generate.
    #[error("cannot generate a {0}-bit key: choose 2048 (the default), 3072 or 4096")]
    UnsupportedSize(usize),
    /// JWK or JWKS that could not be used.
    #[error("{0}")]
    Jwk(String),
    /// The crypto library failed where it should not.
    #[error("cryptographic operation failed: {0}")]
    Crypto(String),
}

/// Whether keys under 2048 bits may sign (SPEC §1: only behind `--allow-weak-key`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WeakKeys {
    /// Refuse them with [`KeyError::Weak`].
    Refuse,
    /// Sign with them through the `rsa` crate.
    Allow,
}

/// The public half of an RSA key: big-endian modulus and exponent without leading zeros.
#[derive(Clone, PartialEq, Eq)]
pub struct PublicKey {
    n: Vec<u8>,
    e: Vec<u8>,
}

impl PublicKey {
    /// Builds a public key from its big-endian parts, checking size and exponent.
    ///
    /// # Errors
    /// [`KeyError`] for keys under 1024 or over 8192 bits, or an exponent other than 3 or 65537.
    pub fn from_components(n: &[u8], e: &[u8]) -> Result<Self, KeyError> {
        let n = strip_zeros(n).to_vec();
        let e = strip_zeros(e).to_vec();
        let key = Self { n, e };
        let bits = key.bits();
        if bits < MIN_LEGACY_BITS {
            return Err(KeyError::TooSmall(bits));
        }
        if bits > MAX_BITS {
            return Err(KeyError::TooLarge(bits));
        }
        if key.e != [1, 0, 1] && key.e != [3] {
            let value = key
                .e
                .iter()
                .fold(String::new(), |s, b| s + &format!("{b:02x}"));
            return Err(KeyError::BadExponent(format!("0x{value}")));
        }
        Ok(key)
    }

    /// Size of the modulus in bits.
    pub fn bits(&self) -> usize {
        self.n
            .first()
            .map_or(0, |top| self.n.len() * 8 - top.leading_zeros() as usize)
    }

    /// The modulus, big-endian.
    pub fn modulus(&self) -> &[u8] {
        &self.n
    }

    /// The public exponent, big-endian.
    pub fn exponent(&self) -> &[u8] {
        &self.e
    }

    /// DER `SubjectPublicKeyInfo`, the form `openssl pkey -pubin` reads.
    ///
    /// # Errors
    /// [`KeyError::Crypto`] if aws-lc cannot encode the key (not expected for a checked key).
    pub fn to_spki_der(&self) -> Result<Vec<u8>, KeyError> {
        let components = PublicKeyComponents {
            n: self.n.as_slice(),
            e: self.e.as_slice(),
        };
        let der = components
            .as_der()
            .map_err(|e| KeyError::Crypto(e.to_string()))?;
        Ok(der.as_ref().to_vec())
    }

    /// `-----BEGIN PUBLIC KEY-----` PEM (SPKI).
    ///
    /// # Errors
    /// As [`PublicKey::to_spki_der`].
    pub fn to_spki_pem(&self) -> Result<String, KeyError> {
        Ok(pem::encode("PUBLIC KEY", &self.to_spki_der()?).to_string())
    }

    fn from_pkcs1_public(der: &[u8]) -> Result<Self, KeyError> {
        let key = rsa::pkcs1::RsaPublicKey::from_der(der).map_err(malformed)?;
        Self::from_components(key.modulus.as_bytes(), key.public_exponent.as_bytes())
    }

    fn from_spki(der: &[u8]) -> Result<Self, KeyError> {
        let info = SubjectPublicKeyInfoRef::from_der(der).map_err(malformed)?;
        check_rsa_oid(info.algorithm.oid)?;
        let bits = info
            .subject_public_key
            .as_bytes()
            .ok_or_else(|| malformed("bit string"))?;
        Self::from_pkcs1_public(bits)
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({} bits)", self.bits())
    }
}

/// A private key parsed once, ready to sign any number of tokens from any thread.
pub struct SigningKey {
    signer: Signer,
    public: PublicKey,
}

enum Signer {
    AwsLc(KeyPair),
    /// Legacy (under 2048 bits): the `rsa` crate, with blinding; only behind `WeakKeys::Allow`.
    Legacy(Box<rsa::pkcs1v15::SigningKey<rsa::sha2::Sha256>>),
}

impl SigningKey {
    /// Reads a private key from PEM (PKCS#1 or PKCS#8, also with `\n`-escaped or lost
    /// newlines) or DER (PKCS#8 or PKCS#1).
    ///
    /// # Errors
    /// [`KeyError`] naming what the bytes hold instead (a public key, an EC key, an encrypted
    /// key, …), or [`KeyError::Weak`] for a legacy key under [`WeakKeys::Refuse`].
    pub fn from_bytes(bytes: &[u8], weak: WeakKeys) -> Result<Self, KeyError> {
        match Material::read(bytes)? {
            Material::Private(pkcs1) => Self::from_pkcs1(&pkcs1, weak),
            Material::Public(_) => Err(KeyError::PublicNotPrivate),
        }
    }

    /// Generates a new key of `bits` (2048, 3072 or 4096) with aws-lc's random source.
    ///
    /// # Errors
    /// [`KeyError::UnsupportedSize`] for any other size.
    pub fn generate(bits: usize) -> Result<Self, KeyError> {
        let size = match bits {
            2048 => KeySize::Rsa2048,
            3072 => KeySize::Rsa3072,
            4096 => KeySize::Rsa4096,
            _ => return Err(KeyError::UnsupportedSize(bits)),
        };
        let pair = KeyPair::generate(size).map_err(|e| KeyError::Crypto(e.to_string()))?;
        let public = public_of(&pair)?;
        Ok(Self {
            signer: Signer::AwsLc(pair),
            public,
        })
    }

    fn from_pkcs1(der: &[u8], weak: WeakKeys) -> Result<Self, KeyError> {
        let parsed = rsa::pkcs1::RsaPrivateKey::from_der(der).map_err(malformed)?;
        let public = PublicKey::from_components(
            parsed.modulus.as_bytes(),
            parsed.public_exponent.as_bytes(),
        )?;
        if public.bits() >= MIN_STRONG_BITS {
            let pair = KeyPair::from_der(der).map_err(|e| KeyError::Malformed(e.to_string()))?;
            return Ok(Self {
                signer: Signer::AwsLc(pair),
                public,
            });
        }
        if weak == WeakKeys::Refuse {
            return Err(KeyError::Weak(public.bits()));
        }
        use rsa::pkcs1::DecodeRsaPrivateKey as _;
        let key = rsa::RsaPrivateKey::from_pkcs1_der(der).map_err(malformed)?;
        Ok(Self {
            signer: Signer::Legacy(Box::new(rsa::pkcs1v15::SigningKey::new(key))),
            public,
        })
    }

    /// The public half.
    pub fn public_key(&self) -> &PublicKey {
        &self.public
    }

    /// Whether this is a legacy key under 2048 bits (signing only with [`WeakKeys::Allow`]).
    pub fn is_legacy(&self) -> bool {
        matches!(self.signer, Signer::Legacy(_))
    }

    /// RSASSA-PKCS1-v1_5 with SHA-256 over `message`.
    ///
    /// # Errors
    /// [`KeyError::Crypto`] if the crypto library fails (not expected with a parsed key).
    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>, KeyError> {
        match &self.signer {
            Signer::AwsLc(pair) => {
                let mut signature = vec![0; pair.public_modulus_len()];
                // PKCS#1 v1.5 is deterministic: aws-lc takes the RNG argument for API symmetry.
                let rng = aws_lc_rs::rand::SystemRandom::new();
                pair.sign(&signature::RSA_PKCS1_SHA256, &rng, message, &mut signature)
                    .map_err(|e| KeyError::Crypto(e.to_string()))?;
                Ok(signature)
            }
            Signer::Legacy(key) => {
                use rsa::signature::{RandomizedSigner as _, SignatureEncoding as _};
                let signature = key
                    .try_sign_with_rng(&mut rsa::rand_core::OsRng, message)
                    .map_err(|e| KeyError::Crypto(e.to_string()))?;
                Ok(signature.to_vec())
            }
        }
    }

    /// The key as `-----BEGIN PRIVATE KEY-----` (PKCS#8) PEM, in a buffer wiped on drop.
    ///
    /// # Errors
    /// [`KeyError::Crypto`] if the key cannot be serialised (legacy keys are never written).
    pub fn to_pkcs8_pem(&self) -> Result<Zeroizing<String>, KeyError> {
        match &self.signer {
            Signer::AwsLc(pair) => {
                let der = pair.as_der().map_err(|e| KeyError::Crypto(e.to_string()))?;
                Ok(pem::encode("PRIVATE KEY", der.as_ref()))
            }
            Signer::Legacy(_) => Err(KeyError::Crypto("legacy keys are never written".into())),
        }
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "SigningKey({} bits, private part redacted)",
            self.public.bits()
        )
    }
}

fn public_of(pair: &KeyPair) -> Result<PublicKey, KeyError> {
    let spki = pair
        .public_key()
        .as_der()
        .map_err(|e| KeyError::Crypto(e.to_string()))?;
    PublicKey::from_spki(spki.as_ref())
}

/// A public key parsed once for verification, with the `kid` a JWK gave it.
#[derive(Clone)]
pub struct VerifyingKey {
    public: PublicKey,
    kid: Option<String>,
    thumbprint: String,
    parsed: ParsedPublicKey,
}

impl VerifyingKey {
    /// Prepares `public` for verification; `kid` is the key id a JWK carried, if any.
    ///
    /// # Errors
    /// [`KeyError::Malformed`] if aws-lc rejects the key.
    pub fn new(public: PublicKey, kid: Option<String>) -> Result<Self, KeyError> {
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
        let thumbprint = public.thumbprint();
        Ok(Self {
            public,
            kid,
            thumbprint,
            parsed,
        })
    }

    /// Reads every public key in `bytes`: SPKI or PKCS#1 public PEM, a private key PEM or DER
    /// (its public half), a JWK, or a JWKS (each RSA key with its `kid`).
    ///
    /// # Errors
    /// [`KeyError`] saying what the bytes hold instead.
    pub fn read_all(bytes: &[u8]) -> Result<Vec<Self>, KeyError> {
        if let Some(keys) = jwk::read(bytes)? {
            return Ok(keys);
        }
        let public = match Material::read(bytes)? {
            Material::Public(public) => public,
            Material::Private(pkcs1) => {
                let parsed = rsa::pkcs1::RsaPrivateKey::from_der(&pkcs1).map_err(malformed)?;
                PublicKey::from_components(
                    parsed.modulus.as_bytes(),
                    parsed.public_exponent.as_bytes(),
                )?
            }
        };
        Ok(vec![Self::new(public, None)?])
    }

    /// The public key.
    pub fn public_key(&self) -> &PublicKey {
        &self.public
    }

    /// The key id from the JWK, if the key came from one.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// How messages name this key: its `kid`, else its size and RFC 7638 thumbprint.
    pub fn describe(&self) -> String {
        let legacy = if self.public.bits() < MIN_STRONG_BITS {
            " legacy"
        } else {
            ""
        };
        match &self.kid {
            Some(kid) => format!("the{legacy} {}-bit key {kid}", self.public.bits()),
            None => format!(
                "the{legacy} {}-bit key {}",
                self.public.bits(),
                self.thumbprint
            ),
        }
    }

    /// Whether `signature` is a valid RS256 signature of `message` under this key.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        self.parsed.verify_sig(message, signature).is_ok()
    }
}

impl From<&SigningKey> for PublicKey {
    fn from(key: &SigningKey) -> Self {
        key.public.clone()
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
    /// The key whose `kid` matches.
    ByKid(&'k VerifyingKey),
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
        let bare = |k: &str| k.strip_prefix(KEY_ID_PREFIX).unwrap_or(k).to_owned();
        let wanted = kid.map(bare);
        let named = |k: &&VerifyingKey| k.kid.is_some() && k.kid.as_deref().map(bare) == wanted;
        if let Some(key) = self.keys.iter().find(named) {
            return Candidates::ByKid(key);
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

/// What a PEM or DER blob turned out to hold.
enum Material {
    /// PKCS#1 `RSAPrivateKey` DER (unwrapped from PKCS#8 if need be).
    Private(Zeroizing<Vec<u8>>),
    Public(PublicKey),
}

impl Material {
    fn read(bytes: &[u8]) -> Result<Self, KeyError> {
        if let Ok(text) = std::str::from_utf8(bytes)
            && let Some(block) = pem::decode(text)?
        {
            return Self::from_block(&block.label, &block.der);
        }
        if bytes.first() == Some(&0x30) {
            return Self::from_der(bytes);
        }
        Err(KeyError::NotAKey)
    }

    fn from_block(label: &str, der: &[u8]) -> Result<Self, KeyError> {
        match label {
            "PRIVATE KEY" => Self::from_pkcs8(der),
            "RSA PRIVATE KEY" => Ok(Self::Private(Zeroizing::new(der.to_vec()))),
            "PUBLIC KEY" => PublicKey::from_spki(der).map(Self::Public),
            "RSA PUBLIC KEY" => PublicKey::from_pkcs1_public(der).map(Self::Public),
            "EC PRIVATE KEY" | "EC PARAMETERS" => Err(KeyError::NotRsa("an EC")),
            "OPENSSH PRIVATE KEY" => Err(KeyError::UnsupportedPem(
                "OPENSSH PRIVATE KEY (convert it: ssh-keygen -p -m PKCS8 -f FILE)".into(),
            )),
            "CERTIFICATE" => Err(KeyError::Certificate),
            other => Err(KeyError::UnsupportedPem(other.to_owned())),
        }
    }

    fn from_der(der: &[u8]) -> Result<Self, KeyError> {
        if PrivateKeyInfo::from_der(der).is_ok() {
            return Self::from_pkcs8(der);
        }
        if rsa::pkcs1::RsaPrivateKey::from_der(der).is_ok() {
            return Ok(Self::Private(Zeroizing::new(der.to_vec())));
        }
        if SubjectPublicKeyInfoRef::from_der(der).is_ok() {
            return PublicKey::from_spki(der).map(Self::Public);
        }
        PublicKey::from_pkcs1_public(der)
            .map(Self::Public)
            .map_err(|_| KeyError::NotAKey)
    }

    fn from_pkcs8(der: &[u8]) -> Result<Self, KeyError> {
        let info = PrivateKeyInfo::from_der(der).map_err(malformed)?;
        check_rsa_oid(info.algorithm.oid)?;
        Ok(Self::Private(Zeroizing::new(info.private_key.to_vec())))
    }
}

fn check_rsa_oid(oid: ObjectIdentifier) -> Result<(), KeyError> {
    match oid {
        rsa::pkcs1::ALGORITHM_OID => Ok(()),
        OID_EC => Err(KeyError::NotRsa("an EC")),
        OID_ED25519 => Err(KeyError::NotRsa("an Ed25519")),
        OID_RSA_PSS => Err(KeyError::NotRsa("an RSA-PSS-only")),
        _ => Err(KeyError::NotRsa("a non-RSA")),
    }
}

fn strip_zeros(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    &bytes[start..]
}

fn malformed(error: impl fmt::Display) -> KeyError {
    KeyError::Malformed(error.to_string())
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
        assert_eq!(read[0].public_key(), key.public_key());
        assert!(matches!(
            SigningKey::from_bytes(spki.as_bytes(), WeakKeys::Refuse),
            Err(KeyError::PublicNotPrivate)
        ));
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
            Err(KeyError::BadExponent(_))
        ));
        assert!(matches!(
            PublicKey::from_components(&n[..64], &[3]),
            Err(KeyError::TooSmall(512))
        ));
        assert!(matches!(
            PublicKey::from_components(&[0xFFu8; 1025], &[3]),
            Err(KeyError::TooLarge(8200))
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
