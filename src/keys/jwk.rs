//! JWK and JWKS (RFC 7517) on `jsonwebtoken`'s types: reading RSA public keys with their
//! `kid`, writing a public key as a JWK, and the RFC 7638 thumbprint.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::{
    AlgorithmParameters, CommonParameters, JwkSet, KeyAlgorithm, PublicKeyUse, RSAKeyParameters,
    RSAKeyType,
};

use super::{KeyError, PublicKey, VerifyingKey};

/// A public key as a JWK (`kty`, `n`, `e`, `kid`, `alg`, `use`).
pub type Jwk = jsonwebtoken::jwk::Jwk;

impl PublicKey {
    /// This key as an RS256 signing JWK; `kid` defaults to the RFC 7638 thumbprint.
    pub fn to_jwk(&self, kid: Option<String>) -> Jwk {
        let mut jwk = Jwk {
            common: CommonParameters {
                public_key_use: Some(PublicKeyUse::Signature),
                key_algorithm: Some(KeyAlgorithm::RS256),
                ..CommonParameters::default()
            },
            algorithm: AlgorithmParameters::RSA(RSAKeyParameters {
                key_type: RSAKeyType::RSA,
                n: URL_SAFE_NO_PAD.encode(&self.n),
                e: URL_SAFE_NO_PAD.encode(&self.e),
            }),
        };
        jwk.common.key_id = Some(kid.unwrap_or_else(|| self.thumbprint()));
        jwk
    }

    /// RFC 7638 SHA-256 thumbprint, base64url: a stable name for the key.
    pub fn thumbprint(&self) -> String {
        let members = format!(
            r#"{{"e":"{}","kty":"RSA","n":"{}"}}"#,
            URL_SAFE_NO_PAD.encode(&self.e),
            URL_SAFE_NO_PAD.encode(&self.n)
        );
        let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, members.as_bytes());
        URL_SAFE_NO_PAD.encode(digest.as_ref())
    }
}

/// Reads a JWK or JWKS; `Ok(None)` when `bytes` is not JSON at all.
pub(super) fn read(bytes: &[u8]) -> Result<Option<Vec<VerifyingKey>>, KeyError> {
    let text = String::from_utf8_lossy(bytes);
    if !text.trim_start().starts_with('{') {
        return Ok(None);
    }
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| KeyError::Jwk(format!("malformed JSON key file: {e}")))?;
    let keys = if value.get("keys").is_some() {
        let set: JwkSet = serde_json::from_value(value)
            .map_err(|e| KeyError::Jwk(format!("malformed JWKS: {e}")))?;
        set.keys
    } else {
        let jwk: Jwk = serde_json::from_value(value)
            .map_err(|e| KeyError::Jwk(format!("malformed JWK: {e}")))?;
        vec![jwk]
    };
    let rsa: Vec<VerifyingKey> = keys
        .iter()
        .filter_map(|jwk| from_jwk(jwk).transpose())
        .collect::<Result<_, _>>()?;
    if rsa.is_empty() {
        return Err(KeyError::Jwk(
            "no RSA key in the JWK/JWKS: Layer tokens are RS256".into(),
        ));
    }
    Ok(Some(rsa))
}

/// An RSA JWK as a verifying key; `Ok(None)` for keys of other types.
fn from_jwk(jwk: &Jwk) -> Result<Option<VerifyingKey>, KeyError> {
    let AlgorithmParameters::RSA(rsa) = &jwk.algorithm else {
        return Ok(None);
    };
    let part = |name: &str, text: &str| {
        URL_SAFE_NO_PAD
            .decode(text.trim_end_matches('='))
            .map_err(|_| KeyError::Jwk(format!("JWK `{name}` is not base64url")))
    };
    let public = PublicKey::from_components(&part("n", &rsa.n)?, &part("e", &rsa.e)?)?;
    VerifyingKey::new(public, jwk.common.key_id.clone()).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jsonwebtoken::jwk::ThumbprintHash;

    #[test]
    fn thumbprint_matches_jsonwebtoken_and_rfc7638_example() {
        // RFC 7638 §3.1 example key.
        let n = URL_SAFE_NO_PAD.decode("0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw").unwrap();
        let public = PublicKey::from_components(&n, &[1, 0, 1]).unwrap();
        assert_eq!(
            public.thumbprint(),
            "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
        );
        let jwk = public.to_jwk(None);
        assert_eq!(
            jwk.thumbprint(ThumbprintHash::SHA256).unwrap(),
            public.thumbprint()
        );
    }

    #[test]
    fn reads_a_jwks_and_keeps_each_kid() {
        let public = PublicKey::from_components(&[0xC5u8; 256], &[1, 0, 1]).unwrap();
        let set = serde_json::json!({"keys": [
            {"kty": "EC", "crv": "P-256", "x": "AA", "y": "AA", "kid": "ec"},
            public.to_jwk(Some("layer:///keys/a".into())),
        ]});
        let keys = read(set.to_string().as_bytes()).unwrap().unwrap();
        assert_eq!(keys.len(), 1);
        assert_eq!(keys[0].kid(), Some("layer:///keys/a"));
        assert!(read(b"-----BEGIN").unwrap().is_none());
        assert!(matches!(read(br#"{"keys": []}"#), Err(KeyError::Jwk(_))));
    }
}
