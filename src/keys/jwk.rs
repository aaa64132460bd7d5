//! JWK and JWKS (RFC 7517) on `jsonwebtoken`'s types: reading RSA public keys with their
//! `kid`, writing a public key as a JWK, and the RFC 7638 thumbprint.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::{
    AlgorithmParameters, CommonParameters, KeyAlgorithm, PublicKeyUse, RSAKeyParameters, RSAKeyType,
};

use serde_json::Value;

use super::verifying::{PublicKeys, quoted_capped};
use super::{KeyError, KeyWarning, PublicKey, VerifyingKey};
/// The only JWK `alg` a Layer verification key may declare.
pub(super) const RS256: &str = "RS256";

/// jsonwebtoken's JWK type, kept inside: the public API speaks JSON.
type Jwk = jsonwebtoken::jwk::Jwk;

impl PublicKey {
    /// This key as an RS256 signing JWK (`kty`, `n`, `e`, `kid`, `alg`, `use`), a JSON
    /// object; `kid` defaults to the RFC 7638 thumbprint.
    pub fn to_jwk(&self, kid: Option<String>) -> serde_json::Value {
        // A JWK of strings always serialises.
        serde_json::to_value(self.jwk(kid)).unwrap_or_default()
    }

    fn jwk(&self, kid: Option<String>) -> Jwk {
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

/// Reads a JWK or JWKS (strict JSON: a member twice is refused); `Ok(None)` when `bytes`
/// is not JSON at all. In a set, each key that cannot verify RS256 is skipped with a warning
/// naming its index and `kid`; a lone JWK that cannot is an error.
pub(super) fn read(bytes: &[u8]) -> Result<Option<PublicKeys>, KeyError> {
    let text = String::from_utf8_lossy(bytes);
    if !text.trim_start().starts_with('{') {
        return Ok(None);
    }
    let value = crate::json::parse_object(bytes)
        .map_err(|e| KeyError::Jwk(format!("the JSON key file {e}")))?;
    let Some(set) = value.get("keys") else {
        let key = from_jwk(&Value::Object(value))
            .map_err(|reason| KeyError::Jwk(format!("JWK: {reason}")))?;
        return Ok(Some(PublicKeys {
            keys: vec![key],
            warnings: Vec::new(),
        }));
    };
    let Value::Array(members) = set else {
        return Err(KeyError::Jwk(format!(
            "malformed JWKS: \"keys\" is {}, not an array of JWKs",
            crate::json::kind_name(set)
        )));
    };
    if value.contains_key("kty") {
        return Err(KeyError::JwkAndJwks);
    }
    let mut keys = Vec::new();
    let mut warnings = Vec::new();
    for (index, member) in members.iter().enumerate() {
        match from_jwk(member) {
            Ok(key) => {
                if member.get("d").is_some() {
                    warnings.push(KeyWarning::PrivateInSet {
                        at: position(index, member),
                    });
                }
                keys.push(key.at(index));
            }
            Err(reason) => warnings.push(KeyWarning::Skipped {
                at: position(index, member),
                reason,
            }),
        }
    }
    if keys.is_empty() {
        let why = match members.len() {
            0 => "it is empty".to_owned(),
            n => format!(
                "all {n} skipped: {}",
                warnings
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        };
        return Err(KeyError::NoUsableKey(why));
    }
    Ok(Some(PublicKeys { keys, warnings }))
}

/// `keys[2] (kid "…")`: where a JWK sits in its set, for warnings.
fn position(index: usize, member: &Value) -> String {
    match member.get("kid").and_then(Value::as_str) {
        Some(kid) => format!("keys[{index}] (kid {})", quoted_capped(kid, 80)),
        None => format!("keys[{index}]"),
    }
}

/// Whether the RSA JWK `member` is meant for RS256 and for `op` (`verify` for a public key,
/// `sign` for a private one); else why not (RFC 7517 §4.2–4.4: `kty`, and `use`, `key_ops`
/// and `alg` when present).
pub(super) fn meant_for_rs256(member: &Value, op: &str) -> Result<(), String> {
    let text = |name: &str| {
        member
            .get(name)
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
    };
    match text("kty").as_deref() {
        Some("RSA") => {}
        Some(other) => return Err(format!("a {} key, not RSA", quoted_capped(other, 20))),
        None => return Err("no \"kty\"".into()),
    }
    if let Some(usage) = text("use").filter(|u| u != "sig") {
        return Err(format!(
            "\"use\" is {}: not a signature key",
            quoted_capped(&usage, 20)
        ));
    }
    if let Some(alg) = text("alg").filter(|a| a != RS256) {
        return Err(format!(
            "\"alg\" is {}: not an RS256 key",
            quoted_capped(&alg, 20)
        ));
    }
    if let Some(ops) = member.get("key_ops") {
        let allowed = ops
            .as_array()
            .is_some_and(|ops| ops.iter().any(|o| o == op));
        if !allowed {
            let shown: String = ops.to_string().chars().take(60).collect();
            return Err(format!("\"key_ops\" is {shown}, without \"{op}\""));
        }
    }
    Ok(())
}

/// An RSA JWK meant for RS256 verification, as a verifying key; else why not (RFC 7517
/// §4.2–4.4: `use`, `key_ops` and `alg` may each rule it out).
fn from_jwk(member: &Value) -> Result<VerifyingKey, String> {
    // A private member's `key_ops` name what the private key does (`sign`, as WebCrypto
    // exports it); its public half, used here, verifies what it signs.
    let private_signer = member.get("d").is_some()
        && member
            .get("key_ops")
            .and_then(Value::as_array)
            .is_some_and(|ops| ops.iter().any(|op| op == "sign"));
    meant_for_rs256(member, if private_signer { "sign" } else { "verify" })?;
    for name in ["n", "e"] {
        match member.get(name) {
            Some(Value::String(_)) => {}
            Some(other) => {
                return Err(format!(
                    "malformed: \"{name}\" is {}, not a base64url string",
                    crate::json::kind_name(other)
                ));
            }
            None => return Err(format!("malformed: no \"{name}\"")),
        }
    }
    let jwk: Jwk = serde_json::from_value(member.clone()).map_err(|e| format!("malformed: {e}"))?;
    let AlgorithmParameters::RSA(rsa) = &jwk.algorithm else {
        return Err("not an RSA key".into());
    };
    let part = |name: &str, text: &str| {
        URL_SAFE_NO_PAD
            .decode(text.trim_end_matches('='))
            .map_err(|_| format!("`{name}` is not base64url"))
    };
    let public = PublicKey::from_components(&part("n", &rsa.n)?, &part("e", &rsa.e)?)
        .map_err(|e| e.to_string())?;
    VerifyingKey::new(public, jwk.common.key_id.clone()).map_err(|e| e.to_string())
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
        let jwk = public.jwk(None);
        assert_eq!(
            jwk.thumbprint(ThumbprintHash::SHA256).unwrap(),
            public.thumbprint()
        );
    }

    fn jwk(kid: &str) -> Value {
        let public = PublicKey::from_components(&[0xC5u8; 256], &[1, 0, 1]).unwrap();
        public.to_jwk(Some(kid.into()))
    }

    fn set(members: Vec<Value>) -> Vec<u8> {
        serde_json::json!({ "keys": members })
            .to_string()
            .into_bytes()
    }

    #[test]
    fn reads_a_jwks_and_keeps_each_kid_skipping_other_types_with_a_warning() {
        let bytes = set(vec![
            serde_json::json!({"kty": "EC", "crv": "P-256", "x": "AA", "y": "AA", "kid": "ec"}),
            jwk("layer:///keys/a"),
        ]);
        let PublicKeys { keys, warnings } = read(&bytes).unwrap().unwrap();
        assert_eq!(keys.len(), 1);
        assert_eq!(keys[0].kid(), Some("layer:///keys/a"));
        assert_eq!(
            warnings[0].to_string(),
            "keys[0] (kid \"ec\"): a \"EC\" key, not RSA; skipped"
        );
        assert!(read(b"-----BEGIN").unwrap().is_none());
        assert!(matches!(
            read(br#"{"keys": []}"#),
            Err(KeyError::NoUsableKey(_))
        ));
    }

    #[test]
    fn use_alg_and_key_ops_that_rule_out_rs256_verification_keep_a_jwk_out() {
        let mut enc = jwk("enc");
        enc["use"] = "enc".into();
        let mut rs512 = jwk("rs512");
        rs512["alg"] = "RS512".into();
        let mut encrypt = jwk("encrypt");
        encrypt["key_ops"] = serde_json::json!(["encrypt"]);
        let mut verify = jwk("verify");
        verify["key_ops"] = serde_json::json!(["verify"]);
        let PublicKeys { keys, warnings } = read(&set(vec![enc, rs512, encrypt, verify]))
            .unwrap()
            .unwrap();
        assert_eq!(
            keys.iter().map(|k| k.kid()).collect::<Vec<_>>(),
            [Some("verify")]
        );
        let text: Vec<String> = warnings.iter().map(ToString::to_string).collect();
        assert!(
            text[0].contains("\"use\" is \"enc\": not a signature key"),
            "{text:?}"
        );
        assert!(
            text[1].contains("\"alg\" is \"RS512\": not an RS256 key"),
            "{text:?}"
        );
        assert!(
            text[2].contains("\"key_ops\" is [\"encrypt\"], without \"verify\""),
            "{text:?}"
        );
    }

    #[test]
    fn one_malformed_key_is_skipped_by_index_and_a_set_of_none_usable_is_an_error() {
        let mut even = jwk("even");
        even["n"] = URL_SAFE_NO_PAD.encode([0xC4u8; 256]).into();
        let bytes = set(vec![
            serde_json::json!({"kty": "RSA", "kid": "broken"}),
            even,
            jwk("good"),
        ]);
        let PublicKeys { keys, warnings } = read(&bytes).unwrap().unwrap();
        assert_eq!(keys.len(), 1);
        assert!(
            warnings[0]
                .to_string()
                .starts_with("keys[0] (kid \"broken\"): malformed"),
            "{warnings:?}"
        );
        assert!(
            warnings[1]
                .to_string()
                .contains("keys[1] (kid \"even\"): malformed key: the modulus is even"),
            "{warnings:?}"
        );
        let none = set(vec![serde_json::json!({"kty": "RSA"})]);
        let error = read(&none).unwrap_err().to_string();
        assert!(
            error.contains("all 1 skipped: keys[0]: malformed"),
            "{error}"
        );
    }

    #[test]
    fn a_jwk_with_a_member_twice_is_refused() {
        let text = jwk("k").to_string();
        let twice = text.replacen("\"n\":", "\"n\":\"AQAB\",\"n\":", 1);
        let error = read(twice.as_bytes()).unwrap_err().to_string();
        assert!(error.contains("has the member \"n\" twice"), "{error}");
    }
}
