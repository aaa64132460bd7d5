//! RFC 7515 Appendix A.2, the RS256 example: its key and its JWS. RSASSA-PKCS1-v1_5 is
//! deterministic, so signing the example's input with the example's key must give the
//! published signature byte for byte; a build whose RSA, SHA-256 or base64url is off fails.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::{SigningKey, VerifyingKey, WeakKeys};

/// The example's private key, a JWK (RFC 7515 A.2.1).
pub const RFC7515_A2_JWK: &str = r#"{"kty":"RSA",
 "n":"ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ",
 "e":"AQAB",
 "d":"Eq5xpGnNCivDflJsRQBXHx1hdR1k6Ulwe2JZD50LpXyWPEAeP88vLNO97IjlA7_GQ5sLKMgvfTeXZx9SE-7YwVol2NXOoAJe46sui395IW_GO-pWJ1O0BkTGoVEn2bKVRUCgu-GjBVaYLU6f3l9kJfFNS3E0QbVdxzubSu3Mkqzjkn439X0M_V51gfpRLI9JYanrC4D4qAdGcopV_0ZHHzQlBjudU2QvXt4ehNYTCBr6XCLQUShb1juUO1ZdiYoFaFQT5Tw8bGUl_x_jTj3ccPDVZFD9pIuhLhBOneufuBiB4cS98l2SR_RQyGWSeWjnczT0QU91p1DhOVRuOopznQ",
 "p":"4BzEEOtIpmVdVEZNCqS7baC4crd0pqnRH_5IB3jw3bcxGn6QLvnEtfdUdiYrqBdss1l58BQ3KhooKeQTa9AB0Hw_Py5PJdTJNPY8cQn7ouZ2KKDcmnPGBY5t7yLc1QlQ5xHdwW1VhvKn-nXqhJTBgIPgtldC-KDV5z-y2XDwGUc",
 "q":"uQPEfgmVtjL0Uyyx88GZFF1fOunH3-7cepKmtH4pxhtCoHqpWmT8YAmZxaewHgHAjLYsp1ZSe7zFYHj7C6ul7TjeLQeZD_YwD66t62wDmpe_HlB-TnBA-njbglfIsRLtXlnDzQkv5dTltRJ11BKBBypeeF6689rjcJIDEz9RWdc",
 "dp":"BwKfV3Akq5_MFZDFZCnW-wzl-CCo83WoZvnLQwCTeDv8uzluRSnm71I3QCLdhrqE2e9YkxvuxdBfpT_PI7Yz-FOKnu1R6HsJeDCjn12Sk3vmAktV2zb34MCdy7cpdTh_YVr7tss2u6vneTwrA86rZtu5Mbr1C1XsmvkxHQAdYo0",
 "dq":"h_96-mK1R_7glhsum81dZxjTnYynPbZpHziZjeeHcXYsXaaMwkOlODsWa7I9xXDoRwbKgB719rrmI2oKr6N3Do9U0ajaHF-NKJnwgjMd2w9cjz3_-kyNlxAr2v4IKhGNpmM5iIgOS1VZnOZ68m6_pbLBSp3nssTdlqvd0tIiTHU",
 "qi":"IYd7DHOhrWvxkwPQsRM2tOgrjbcrfvtQJipd-DlcxyVuuM9sQLdgjVk2oy26F0EmpScGLq2MowX7fhd_QJQ3ydy5cY7YIBi87w93IKLEdfnbJtoOPLUW0ITrJReOgo1cq9SbsxYawBgfp_gh6A5603k2-ZQwVK0JKSHuLFkuQ3U"
}"#;

/// The example's JWS (RFC 7515 A.2.1): header `{"alg":"RS256"}`, the A.1 claims.
pub const RFC7515_A2_JWS: &str = concat!(
    "eyJhbGciOiJSUzI1NiJ9",
    ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ",
    ".cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7",
    "AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4",
    "BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K",
    "0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqv",
    "hJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrB",
    "p0igcN_IoypGlUPQGe77Rw"
);

/// What the known-answer test established, one line each, or what failed.
///
/// # Errors
/// The first step that did not give the RFC's answer.
pub fn rfc7515_a2() -> Result<Vec<&'static str>, String> {
    let key = SigningKey::from_bytes(RFC7515_A2_JWK.as_bytes(), WeakKeys::Refuse)
        .map_err(|e| format!("reading the RFC 7515 A.2 key failed: {e}"))?;
    let (input, published) = RFC7515_A2_JWS
        .rsplit_once('.')
        .ok_or("the RFC 7515 A.2 JWS has no signature part")?;
    let signature = key
        .sign(input.as_bytes())
        .map_err(|e| format!("signing the RFC 7515 A.2 input failed: {e}"))?;
    if URL_SAFE_NO_PAD.encode(&signature) != published {
        return Err(
            "signing the RFC 7515 A.2 input gave another signature than the RFC's: \
                    this build's RSA signing (aws-lc) or SHA-256 is wrong"
                .into(),
        );
    }
    let verifier = VerifyingKey::new(key.public_key().clone(), None)
        .map_err(|e| format!("preparing the RFC 7515 A.2 public key failed: {e}"))?;
    let published = URL_SAFE_NO_PAD
        .decode(published)
        .map_err(|_| "the RFC 7515 A.2 signature is not base64url")?;
    if !verifier.verify(input.as_bytes(), &published) {
        return Err(
            "the RFC 7515 A.2 JWS does not verify: this build's RSA verification is \
                    wrong"
                .into(),
        );
    }
    let mut altered = input.as_bytes().to_vec();
    altered[0] ^= 1;
    if verifier.verify(&altered, &published) {
        return Err(
            "an altered RFC 7515 A.2 input still verifies: this build's RSA \
                    verification accepts what it must refuse"
                .into(),
        );
    }
    Ok(vec![
        "the RFC 7515 A.2 key, read from its JWK, signs the example input to the RFC's \
         signature, byte for byte",
        "the RFC 7515 A.2 JWS verifies with the example's public key",
        "the same JWS with one bit of its input flipped does not verify",
    ])
}

#[cfg(test)]
mod tests {
    #[test]
    fn this_build_gives_the_rfc_7515_a2_answers() {
        assert_eq!(super::rfc7515_a2().unwrap().len(), 3);
    }
}
