//! What a PEM or DER blob holds: a private key (as PKCS#1 DER) or a public key, with the
//! other algorithms and containers named so the error can say what to do.

use std::fmt;

use rsa::pkcs1::der::Decode as _;
use rsa::pkcs8::{ObjectIdentifier, PrivateKeyInfo, SubjectPublicKeyInfoRef};
use zeroize::Zeroizing;

use super::{KeyError, PublicKey, pem, private};

const OID_EC: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const OID_ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
const OID_RSA_PSS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10");

/// What a PEM or DER blob turned out to hold.
pub(super) enum Material {
    /// PKCS#1 `RSAPrivateKey` DER (unwrapped from PKCS#8 if need be).
    Private(Zeroizing<Vec<u8>>),
    Public(PublicKey),
}

impl Material {
    /// Reads PEM, DER, or either of them base64-encoded once more (a CI secret made with
    /// `base64 -w0 key.pem` or `base64 key.der`); `passphrase` opens an encrypted PKCS#8 key.
    pub(super) fn read(bytes: &[u8], passphrase: Option<&[u8]>) -> Result<Self, KeyError> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(KeyError::Empty);
        }
        if let Some(result) = Self::read_plain(bytes, passphrase) {
            return result;
        }
        match unwrap_base64(bytes) {
            Some(inner) => Self::read_plain(&inner, passphrase).unwrap_or(Err(KeyError::NotAKey)),
            None => Err(KeyError::NotAKey),
        }
    }

    /// PEM or DER; `None` when `bytes` is neither.
    fn read_plain(bytes: &[u8], passphrase: Option<&[u8]>) -> Option<Result<Self, KeyError>> {
        if let Ok(text) = std::str::from_utf8(bytes) {
            match pem::decode(text) {
                Ok(Some(block)) => {
                    return Some(Self::from_block(&block.label, &block.der, passphrase));
                }
                Ok(None) => {}
                Err(error) => return Some(Err(error)),
            }
        }
        (bytes.first() == Some(&0x30)).then(|| Self::from_der(bytes, passphrase))
    }

    fn from_encrypted(der: &[u8], passphrase: Option<&[u8]>) -> Result<Self, KeyError> {
        let passphrase = passphrase.ok_or(KeyError::Encrypted)?;
        Self::from_pkcs8(&private::decrypt(der, passphrase)?)
    }

    fn from_block(label: &str, der: &[u8], passphrase: Option<&[u8]>) -> Result<Self, KeyError> {
        match label {
            "PRIVATE KEY" => Self::from_pkcs8(der),
            "ENCRYPTED PRIVATE KEY" => Self::from_encrypted(der, passphrase),
            "RSA PRIVATE KEY" => Ok(Self::Private(Zeroizing::new(der.to_vec()))),
            "PUBLIC KEY" => PublicKey::from_spki(der).map(Self::Public),
            "RSA PUBLIC KEY" => PublicKey::from_pkcs1_public(der).map(Self::Public),
            "EC PRIVATE KEY" | "EC PARAMETERS" => Err(KeyError::NotRsa("an EC")),
            "OPENSSH PRIVATE KEY" => Err(KeyError::UnsupportedPem(
                "OPENSSH PRIVATE KEY (convert it: ssh-keygen -p -m PKCS8 -f FILE)".into(),
            )),
            "CERTIFICATE" => Err(KeyError::Certificate),
            // A label comes from the file: cut, so a hostile one cannot fill the terminal.
            other => Err(KeyError::UnsupportedPem(
                crate::output::escape_capped(other, 64).into_owned(),
            )),
        }
    }

    fn from_der(der: &[u8], passphrase: Option<&[u8]>) -> Result<Self, KeyError> {
        if private::is_encrypted(der) {
            return Self::from_encrypted(der, passphrase);
        }
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

/// The bytes inside `text` when it is nothing but base64 (whitespace allowed): at least a
/// few dozen characters, so no short word is mistaken for it.
fn unwrap_base64(text: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    use base64::Engine as _;
    let compact: Zeroizing<Vec<u8>> = Zeroizing::new(
        text.iter()
            .copied()
            .filter(|b| !b.is_ascii_whitespace())
            .collect(),
    );
    if compact.len() < 64 {
        return None;
    }
    base64::engine::general_purpose::STANDARD
        .decode(&*compact)
        .ok()
        .map(Zeroizing::new)
}

pub(super) fn check_rsa_oid(oid: ObjectIdentifier) -> Result<(), KeyError> {
    match oid {
        rsa::pkcs1::ALGORITHM_OID => Ok(()),
        OID_EC => Err(KeyError::NotRsa("an EC")),
        OID_ED25519 => Err(KeyError::NotRsa("an Ed25519")),
        OID_RSA_PSS => Err(KeyError::NotRsa("an RSA-PSS-only")),
        _ => Err(KeyError::NotRsa("a non-RSA")),
    }
}

pub(super) fn malformed(error: impl fmt::Display) -> KeyError {
    KeyError::Malformed(error.to_string())
}
