//! The public half of an RSA key: checked components, SPKI/PKCS#1 DER in and out.

use std::fmt;

use aws_lc_rs::encoding::AsDer as _;
use aws_lc_rs::rsa::PublicKeyComponents;
use rsa::pkcs1::der::Decode as _;
use rsa::pkcs8::SubjectPublicKeyInfoRef;

use super::material::{check_rsa_oid, malformed};
use super::{KeyError, MAX_BITS, MIN_LEGACY_BITS, pem};

/// An exponent as a message shows it: hex, cut after 8 bytes (with its size), `0` for none.
fn shown_exponent(e: &[u8]) -> String {
    if e.is_empty() {
        return "0".into();
    }
    let hex: String = e.iter().take(8).map(|b| format!("{b:02x}")).collect();
    if e.len() > 8 {
        format!("0x{hex}… ({} bits)", e.len() * 8)
    } else {
        format!("0x{hex}")
    }
}

/// The public half of an RSA key: big-endian modulus and exponent without leading zeros.
#[derive(Clone, PartialEq, Eq)]
pub struct PublicKey {
    pub(super) n: Vec<u8>,
    pub(super) e: Vec<u8>,
}

impl PublicKey {
    /// Builds a public key from its big-endian parts, checking size and exponent.
    ///
    /// # Errors
    /// [`KeyError`] for keys under 1024 or over 16384 bits, or an exponent other than 3 or 65537.
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
        if let Some(problem) = degenerate(&key.n) {
            return Err(KeyError::Malformed(problem));
        }
        if key.e != [1, 0, 1] && key.e != [3] {
            return Err(KeyError::BadExponent(shown_exponent(&key.e)));
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

    /// DER PKCS#1 `RSAPublicKey`, the form `openssl rsa -RSAPublicKey_out` writes.
    ///
    /// # Errors
    /// [`KeyError::Malformed`] if the parts cannot be encoded (not expected for a checked key).
    pub fn to_pkcs1_der(&self) -> Result<Vec<u8>, KeyError> {
        use rsa::pkcs1::der::Encode as _;
        rsa::pkcs1::RsaPublicKey {
            modulus: rsa::pkcs1::UintRef::new(&self.n).map_err(malformed)?,
            public_exponent: rsa::pkcs1::UintRef::new(&self.e).map_err(malformed)?,
        }
        .to_der()
        .map_err(malformed)
    }

    /// `-----BEGIN RSA PUBLIC KEY-----` PEM (PKCS#1).
    ///
    /// # Errors
    /// As [`PublicKey::to_pkcs1_der`].
    pub fn to_pkcs1_pem(&self) -> Result<String, KeyError> {
        Ok(pem::encode("RSA PUBLIC KEY", &self.to_pkcs1_der()?).to_string())
    }

    pub(super) fn from_pkcs1_public(der: &[u8]) -> Result<Self, KeyError> {
        let key = rsa::pkcs1::RsaPublicKey::from_der(der).map_err(malformed)?;
        Self::from_components(key.modulus.as_bytes(), key.public_exponent.as_bytes())
    }

    pub(super) fn from_spki(der: &[u8]) -> Result<Self, KeyError> {
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

/// Small primes no RSA modulus (a product of two large primes) is divisible by.
const SMALL_PRIMES: [u32; 25] = [
    2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97,
];

/// Why `n` (big-endian) cannot be an RSA modulus, if it cannot: an even number, or one with
/// a small factor, is a forged or corrupted key that some libraries would still load.
fn degenerate(n: &[u8]) -> Option<String> {
    SMALL_PRIMES.iter().find_map(|&p| {
        let rest = n
            .iter()
            .fold(0u32, |acc, &byte| ((acc << 8) | u32::from(byte)) % p);
        (rest == 0).then(|| {
            if p == 2 {
                "the modulus is even, so it is not an RSA modulus (corrupted or forged key)".to_owned()
            } else {
                format!("the modulus is divisible by {p}, so it is not an RSA modulus (corrupted or forged key)")
            }
        })
    })
}

pub(super) fn strip_zeros(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    &bytes[start..]
}
