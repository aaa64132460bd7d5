//! Private keys: parsed once, generated, written as PKCS#8; signing on aws-lc-rs, or on the
//! `rsa` crate for legacy keys when the caller opts in.

use std::fmt;

use aws_lc_rs::encoding::AsDer as _;
use aws_lc_rs::rsa::{KeyPair, KeySize};
use aws_lc_rs::signature::{self, KeyPair as _};
use rsa::pkcs1::der::Decode as _;
use zeroize::Zeroizing;

use super::material::{Material, malformed};
use super::{AWS_LC_MAX_BITS, KeyError, MIN_STRONG_BITS, PublicKey, WeakKeys, pem, private};

/// A private key parsed once, ready to sign any number of tokens from any thread, and to be
/// written in any of the forms it is read in.
pub struct SigningKey {
    signer: Signer,
    public: PublicKey,
    /// PKCS#1 `RSAPrivateKey` DER, the form every other one is made from; wiped on drop.
    pkcs1: Zeroizing<Vec<u8>>,
    /// The `kid` of the JWK it was read from.
    kid: Option<String>,
}

enum Signer {
    AwsLc(KeyPair),
    /// Legacy (under 2048 bits): the `rsa` crate, with blinding; only behind `WeakKeys::Allow`.
    Legacy(Box<rsa::pkcs1v15::SigningKey<rsa::sha2::Sha256>>),
    /// Over [`AWS_LC_MAX_BITS`]: held, converted, never used to sign (the `rsa` crate's
    /// private-key math is not used by default: RUSTSEC-2023-0071).
    TooLarge,
}

/// What a key is read for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Purpose {
    /// Signing, legacy keys as the caller says.
    Sign(WeakKeys),
    /// Anything but signing (see [`SigningKey::from_bytes_to_hold`]).
    Hold,
}

impl SigningKey {
    /// Reads a private key from PEM (PKCS#1 or PKCS#8, also with `\n`-escaped or lost
    /// newlines) or DER (PKCS#8 or PKCS#1).
    ///
    /// # Errors
    /// [`KeyError`] naming what the bytes hold instead (a public key, an EC key, an encrypted
    /// key, …), or [`KeyError::Weak`] for a legacy key under [`WeakKeys::Refuse`].
    pub fn from_bytes(bytes: &[u8], weak: WeakKeys) -> Result<Self, KeyError> {
        Self::from_bytes_with(bytes, weak, None)
    }

    /// As [`SigningKey::from_bytes`], also reading an encrypted PKCS#8 key (`ENCRYPTED
    /// PRIVATE KEY`) with `passphrase`, and a private RSA JWK (or a JWKS holding one).
    ///
    /// # Errors
    /// As [`SigningKey::from_bytes`]; [`KeyError::Encrypted`] for an encrypted key without a
    /// passphrase, [`KeyError::WrongPassphrase`] when it does not open it.
    pub fn from_bytes_with(
        bytes: &[u8],
        weak: WeakKeys,
        passphrase: Option<&[u8]>,
    ) -> Result<Self, KeyError> {
        Self::read(bytes, Purpose::Sign(weak), passphrase)
    }

    /// As [`SigningKey::from_bytes_with`] with legacy keys allowed, and also reading a key
    /// over [`AWS_LC_MAX_BITS`] (up to [`super::MAX_BITS`]), once its numbers are found to
    /// form an RSA key: for what needs no signature (its public half, its other forms, a
    /// pair check). [`SigningKey::sign`] refuses such a key with
    /// [`KeyError::TooLargeToSign`].
    ///
    /// # Errors
    /// As [`SigningKey::from_bytes_with`].
    pub fn from_bytes_to_hold(bytes: &[u8], passphrase: Option<&[u8]>) -> Result<Self, KeyError> {
        Self::read(bytes, Purpose::Hold, passphrase)
    }

    fn read(bytes: &[u8], purpose: Purpose, passphrase: Option<&[u8]>) -> Result<Self, KeyError> {
        if let Some((pkcs1, kid)) = private::read_json(bytes)? {
            return Self::from_pkcs1(&pkcs1, purpose).map(|key| Self { kid, ..key });
        }
        match Material::read(bytes, passphrase)? {
            Material::Private(pkcs1) => Self::from_pkcs1(&pkcs1, purpose),
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
        let pkcs8 = pair.as_der().map_err(|e| KeyError::Crypto(e.to_string()))?;
        let info = rsa::pkcs8::PrivateKeyInfo::from_der(pkcs8.as_ref()).map_err(malformed)?;
        Ok(Self {
            pkcs1: Zeroizing::new(info.private_key.to_vec()),
            signer: Signer::AwsLc(pair),
            public,
            kid: None,
        })
    }

    fn from_pkcs1(der: &[u8], purpose: Purpose) -> Result<Self, KeyError> {
        let parsed = rsa::pkcs1::RsaPrivateKey::from_der(der).map_err(malformed)?;
        let public = PublicKey::from_components(
            parsed.modulus.as_bytes(),
            parsed.public_exponent.as_bytes(),
        )?;
        let weak = match purpose {
            Purpose::Sign(weak) => weak,
            Purpose::Hold => WeakKeys::Allow,
        };
        if public.bits() > AWS_LC_MAX_BITS {
            if purpose != Purpose::Hold {
                return Err(KeyError::TooLargeToSign(public.bits()));
            }
            Self::checked_public(der)?;
            return Ok(Self {
                signer: Signer::TooLarge,
                public,
                pkcs1: Zeroizing::new(der.to_vec()),
                kid: None,
            });
        }
        if public.bits() >= MIN_STRONG_BITS {
            let pair = KeyPair::from_der(der).map_err(inconsistent)?;
            return Ok(Self {
                signer: Signer::AwsLc(pair),
                public,
                pkcs1: Zeroizing::new(der.to_vec()),
                kid: None,
            });
        }
        if weak == WeakKeys::Refuse {
            return Err(KeyError::Weak(public.bits()));
        }
        Self::checked_public(der)?;
        use rsa::pkcs1::DecodeRsaPrivateKey as _;
        let key = rsa::RsaPrivateKey::from_pkcs1_der(der).map_err(malformed)?;
        Ok(Self {
            signer: Signer::Legacy(Box::new(rsa::pkcs1v15::SigningKey::new(key))),
            public,
            pkcs1: Zeroizing::new(der.to_vec()),
            kid: None,
        })
    }

    /// The public half of the PKCS#1 private key `der`, once the private key is found whole
    /// (its parts form an RSA key): a file whose private half is broken is malformed, even
    /// where only its public half is wanted.
    pub(crate) fn checked_public(der: &[u8]) -> Result<PublicKey, KeyError> {
        let parsed = rsa::pkcs1::RsaPrivateKey::from_der(der).map_err(malformed)?;
        let public = PublicKey::from_components(
            parsed.modulus.as_bytes(),
            parsed.public_exponent.as_bytes(),
        )?;
        if (MIN_STRONG_BITS..=AWS_LC_MAX_BITS).contains(&public.bits()) {
            KeyPair::from_der(der).map_err(inconsistent)?;
        } else {
            use rsa::pkcs1::DecodeRsaPrivateKey as _;
            let key = rsa::RsaPrivateKey::from_pkcs1_der(der).map_err(malformed)?;
            key.validate().map_err(inconsistent)?;
            if !crt_consistent(&parsed) {
                return Err(inconsistent(""));
            }
        }
        Ok(public)
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
            Signer::TooLarge => Err(KeyError::TooLargeToSign(self.public.bits())),
        }
    }

    /// The key as `-----BEGIN PRIVATE KEY-----` (PKCS#8) PEM, in a buffer wiped on drop.
    ///
    /// # Errors
    /// [`KeyError::Malformed`] if the key cannot be encoded (not expected for a parsed key).
    pub fn to_pkcs8_pem(&self) -> Result<Zeroizing<String>, KeyError> {
        Ok(pem::encode("PRIVATE KEY", &self.to_pkcs8_der()?))
    }

    /// PKCS#8 `PrivateKeyInfo` DER.
    ///
    /// # Errors
    /// As [`SigningKey::to_pkcs8_pem`].
    pub fn to_pkcs8_der(&self) -> Result<Zeroizing<Vec<u8>>, KeyError> {
        private::pkcs8_der(&self.pkcs1)
    }

    /// PKCS#1 `RSAPrivateKey` DER.
    pub fn to_pkcs1_der(&self) -> Zeroizing<Vec<u8>> {
        self.pkcs1.clone()
    }

    /// `-----BEGIN RSA PRIVATE KEY-----` (PKCS#1) PEM.
    pub fn to_pkcs1_pem(&self) -> Zeroizing<String> {
        pem::encode("RSA PRIVATE KEY", &self.pkcs1)
    }

    /// PKCS#8 encrypted under `passphrase` (PBES2: PBKDF2-HMAC-SHA256 with
    /// [`PBKDF2_ITERATIONS`](super::PBKDF2_ITERATIONS), AES-256-CBC), as DER.
    ///
    /// # Errors
    /// [`KeyError::EmptyPassphrase`], or the encryption failing.
    pub fn to_encrypted_pkcs8_der(
        &self,
        passphrase: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, KeyError> {
        private::encrypt(&self.to_pkcs8_der()?, passphrase)
    }

    /// As [`SigningKey::to_encrypted_pkcs8_der`], as `-----BEGIN ENCRYPTED PRIVATE KEY-----`.
    ///
    /// # Errors
    /// As [`SigningKey::to_encrypted_pkcs8_der`].
    pub fn to_encrypted_pkcs8_pem(&self, passphrase: &[u8]) -> Result<Zeroizing<String>, KeyError> {
        Ok(pem::encode(
            "ENCRYPTED PRIVATE KEY",
            &self.to_encrypted_pkcs8_der(passphrase)?,
        ))
    }

    /// A private RSA JWK (RFC 7518 §6.3.2, every member) with `use` sig and `alg` RS256;
    /// `kid` defaults to the key's own (see [`SigningKey::kid`]), else the RFC 7638
    /// thumbprint.
    ///
    /// # Errors
    /// As [`SigningKey::to_pkcs8_pem`].
    pub fn to_jwk(&self, kid: Option<&str>) -> Result<Zeroizing<String>, KeyError> {
        let thumbprint = self.public.thumbprint();
        let kid = kid.or(self.kid.as_deref()).unwrap_or(&thumbprint);
        private::to_jwk(&self.pkcs1, kid)
    }

    /// The `kid` of the private JWK this key was read from, if it had one.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
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

/// A private key whose parts parse but do not form an RSA key (d, p or q wrong).
/// Whether the CRT members (dP, dQ, qInv) agree with d, p and q. aws-lc checks them; the
/// `rsa` crate's `validate` (keys under 2048 or over 8192 bits) does not, as it computes its
/// own, while the file's bytes are what `keys convert` writes out again.
fn crt_consistent(parsed: &rsa::pkcs1::RsaPrivateKey<'_>) -> bool {
    use rsa::BigUint;
    let number = |uint: rsa::pkcs1::UintRef<'_>| BigUint::from_bytes_be(uint.as_bytes());
    let one = BigUint::from(1u8);
    let (d, p, q) = (
        number(parsed.private_exponent),
        number(parsed.prime1),
        number(parsed.prime2),
    );
    if p <= one || q <= one {
        return false;
    }
    number(parsed.exponent1) == &d % (&p - &one)
        && number(parsed.exponent2) == &d % (&q - &one)
        && (number(parsed.coefficient) * &q) % &p == one
}

/// aws-lc's reason (`UnexpectedError`, say) names nothing a reader can act on: not shown.
fn inconsistent(_: impl fmt::Display) -> KeyError {
    KeyError::Malformed(
        "the private key's numbers do not form an RSA key (d, p, q or the CRT values made from them are wrong)".into(),
    )
}
