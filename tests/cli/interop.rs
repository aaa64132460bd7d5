//! Interop with independent implementations: the `openssl` command line verifies our tokens
//! and signs tokens we validate; `jsonwebtoken` verifies our tokens too.

use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode};
use serde_json::{Value, json};

use crate::util::{
    EXPECTED, KEY_ID, PROVIDER_ID, Report, fixture, layer, openssl, openssl_ok, openssl_rsa, path,
    report_of, sign_error, signed_token, tempdir, validate_json_with,
};

/// `openssl dgst -sha256 -verify PUBLIC -signature sig.bin input.txt` over `signing_input`
/// and the base64url `signature`; returns openssl's stdout.
fn openssl_verify(dir: &Path, signing_input: &[u8], signature: &str, public: &Path) -> String {
    let input = dir.join("input.txt");
    let sig = dir.join("sig.bin");
    std::fs::write(&input, signing_input).unwrap();
    std::fs::write(&sig, URL_SAFE_NO_PAD.decode(signature).unwrap()).unwrap();
    let out = openssl(&[
        "dgst",
        "-sha256",
        "-verify",
        path(public),
        "-signature",
        path(&sig),
        path(&input),
    ]);
    String::from_utf8(out.stdout).unwrap()
}

/// Splits `token` at its last dot into signing input and signature, and asks openssl.
fn openssl_verify_token(dir: &Path, token: &str, public: &Path) -> String {
    let (signing_input, signature) = token.rsplit_once('.').unwrap();
    assert_eq!(signing_input.split('.').count(), 2, "{token}");
    openssl_verify(dir, signing_input.as_bytes(), signature, public)
}

/// A compact JWS over `header` and `claims`, signed by `openssl dgst -sha256 -sign PRIVATE`.
fn openssl_signed_token(dir: &Path, header: &Value, claims: &Value, private: &Path) -> String {
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let input = dir.join("input.txt");
    let sig = dir.join("sig.bin");
    std::fs::write(&input, &signing_input).unwrap();
    openssl_ok(&[
        "dgst",
        "-sha256",
        "-sign",
        path(private),
        "-out",
        path(&sig),
        path(&input),
    ]);
    let signature = std::fs::read(&sig).unwrap();
    format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(signature))
}

fn baseline_header() -> Value {
    json!({"typ": "JWS", "alg": "RS256", "cty": "layer-eit;v=1", "kid": KEY_ID})
}

fn baseline_claims() -> Value {
    json!({
        "iss": PROVIDER_ID,
        "prn": "alice",
        "iat": 1_700_000_000,
        "exp": 1_700_000_600,
        "nce": "nonce-123",
    })
}

/// `layer-auth validate TOKEN --public-key PUBLIC --now 1700000300` with every binding
/// (nonce, user, provider, key id) given, as parsed JSON, and the exit code.
fn validate_json(token: &str, public: &Path) -> (i32, Report) {
    let r = validate_json_with(public, token, &EXPECTED);
    (r.code, report_of(&r))
}

/// Every check passed (none failed, none skipped) and the verdict is valid.
fn assert_all_pass(code: i32, report: &Report) {
    assert_eq!(code, 0, "{report:#?}");
    assert!(report.valid, "{report:#?}");
    assert!(
        report.checks.iter().all(|c| c.status == "pass"),
        "{report:#?}"
    );
    assert!(
        report
            .checks
            .iter()
            .any(|c| c.id == "eit_signature_verification_failed"),
        "{report:#?}"
    );
}

/// `openssl pkey -in PRIVATE -pubout -out PUBLIC`: the SPKI public key of `private`.
fn openssl_public(private: &Path, public: &Path) {
    openssl_ok(&[
        "pkey",
        "-in",
        path(private),
        "-pubout",
        "-out",
        path(public),
    ]);
}

/// `openssl genpkey` RSA-2048 (PKCS#8) in `dir`, and its SPKI public key.
fn openssl_genpkey(dir: &Path) -> (PathBuf, PathBuf) {
    let private = openssl_rsa(dir, "genpkey.pem");
    let public = dir.join("genpkey.pub.pem");
    openssl_public(&private, &public);
    (private, public)
}

// ---- our tokens, openssl verifies ----

#[test]
fn our_token_passes_openssl_dgst_verify_with_the_spki_fixture() {
    let dir = tempdir();
    let token = signed_token(&fixture("keys/rsa2048-pkcs1.pem"), &[]);
    let said = openssl_verify_token(dir.path(), &token, &fixture("keys/rsa2048-spki.pem"));
    assert!(said.contains("Verified OK"), "{said}");
}

#[test]
fn our_token_fails_openssl_verify_against_the_other_key() {
    let dir = tempdir();
    let token = signed_token(&fixture("keys/rsa2048-pkcs1.pem"), &[]);
    let said = openssl_verify_token(dir.path(), &token, &fixture("keys/other2048-spki.pem"));
    assert!(said.contains("Verification failure"), "{said}");
}

#[test]
fn openssl_rejects_our_token_when_one_byte_of_the_signing_input_is_flipped() {
    let dir = tempdir();
    let token = signed_token(&fixture("keys/rsa2048-pkcs1.pem"), &[]);
    let (signing_input, signature) = token.rsplit_once('.').unwrap();
    let spki = fixture("keys/rsa2048-spki.pem");
    let said = openssl_verify(dir.path(), signing_input.as_bytes(), signature, &spki);
    assert!(said.contains("Verified OK"), "untouched first: {said}");
    let mut flipped = signing_input.as_bytes().to_vec();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x01;
    let said = openssl_verify(dir.path(), &flipped, signature, &spki);
    assert!(said.contains("Verification failure"), "{said}");
    assert!(!said.contains("Verified OK"), "{said}");
}

#[test]
fn our_token_signed_with_a_keygen_key_passes_openssl_verify_with_the_printed_public_pem() {
    let dir = tempdir();
    let key = dir.path().join("k.pem");
    let r = layer(&["keygen", "--out", path(&key)]);
    assert_eq!(r.code, 0, "{r:?}");
    let public = dir.path().join("k.pub.pem");
    std::fs::write(&public, &r.stdout).unwrap();
    let token = signed_token(&key, &[]);
    let said = openssl_verify_token(dir.path(), &token, &public);
    assert!(said.contains("Verified OK"), "{said}");
    let said = openssl_verify_token(dir.path(), &token, &fixture("keys/rsa2048-spki.pem"));
    assert!(said.contains("Verification failure"), "{said}");
}

#[test]
fn a_pkcs1_key_from_openssl_genrsa_traditional_signs_here_and_openssl_verifies() {
    let dir = tempdir();
    let private = dir.path().join("genrsa.pem");
    let public = dir.path().join("genrsa.pub.pem");
    openssl_ok(&["genrsa", "-traditional", "-out", path(&private), "2048"]);
    let pem = std::fs::read_to_string(&private).unwrap();
    assert!(pem.starts_with("-----BEGIN RSA PRIVATE KEY-----"), "{pem}");
    openssl_public(&private, &public);
    let token = signed_token(&private, &[]);
    let said = openssl_verify_token(dir.path(), &token, &public);
    assert!(said.contains("Verified OK"), "{said}");
}

// ---- openssl's tokens, we validate ----

#[test]
fn a_token_signed_by_openssl_with_the_pkcs8_fixture_validates_here_with_every_check_passing() {
    let dir = tempdir();
    let token = openssl_signed_token(
        dir.path(),
        &baseline_header(),
        &baseline_claims(),
        &fixture("keys/rsa2048-pkcs8.pem"),
    );
    let (code, report) = validate_json(&token, &fixture("keys/rsa2048-spki.pem"));
    assert_all_pass(code, &report);
}

#[test]
fn a_token_signed_by_openssl_with_a_9216_bit_key_validates_here_though_aws_lc_stops_at_8192() {
    let dir = tempdir();
    let token = openssl_signed_token(
        dir.path(),
        &baseline_header(),
        &baseline_claims(),
        &fixture("keys/rsa9216-pkcs8.pem"),
    );
    let (code, report) = validate_json(&token, &fixture("keys/rsa9216-spki.pem"));
    assert_all_pass(code, &report);
    // Altered by one bit, it no longer verifies under the large-key verifier either.
    let mut altered = token.clone().into_bytes();
    let at = token.find('.').unwrap() + 3;
    altered[at] = if altered[at] == b'A' { b'B' } else { b'A' };
    let altered = String::from_utf8(altered).unwrap();
    let (code, report) = validate_json(&altered, &fixture("keys/rsa9216-spki.pem"));
    assert_eq!(code, 1, "{report:#?}");
}

#[test]
fn sign_with_a_key_over_8192_bits_exits_2_and_says_it_only_verifies() {
    let r = sign_error("rsa9216-pkcs8.pem");
    assert!(
        r.stderr.contains("9216-bit") && r.stderr.contains("not used to sign"),
        "{r:?}"
    );
}

/// A private key over 8192 bits signs nothing, but the keys commands hold it like any
/// other: its thumbprint is its public key's, and it converts to a file openssl checks as
/// the same key. (Each run checks its numbers with the `rsa` crate: seconds in a debug
/// build, so two runs only.)
#[test]
fn keys_commands_hold_a_private_key_over_8192_bits_that_sign_refuses() {
    let dir = tempdir();
    let key = crate::util::private_key(dir.path(), "rsa9216-pkcs8.pem");
    let spki = fixture("keys/rsa9216-spki.pem");
    let thumbprint = |file: &std::path::Path| {
        let r = crate::util::layer(&["keys", "thumbprint", crate::util::path(file)]);
        assert_eq!(r.code, 0, "{r:?}");
        r.stdout
    };
    assert_eq!(thumbprint(&key), thumbprint(&spki));
    let out = dir.path().join("pkcs1.pem");
    let r = crate::util::layer(&[
        "keys",
        "convert",
        crate::util::path(&key),
        "--to",
        "pkcs1",
        "--out",
        crate::util::path(&out),
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    let modulus = |file: &std::path::Path| {
        crate::util::openssl_ok(&[
            "rsa",
            "-in",
            crate::util::path(file),
            "-noout",
            "-modulus",
            "-check",
        ])
    };
    assert_eq!(modulus(&out), modulus(&key));
}

#[test]
fn a_token_signed_by_openssl_with_the_other_key_fails_eit_signature_verification_here() {
    let dir = tempdir();
    let token = openssl_signed_token(
        dir.path(),
        &baseline_header(),
        &baseline_claims(),
        &fixture("keys/other2048-pkcs8.pem"),
    );
    let (code, report) = validate_json(&token, &fixture("keys/rsa2048-spki.pem"));
    assert_eq!(code, 1, "{report:#?}");
    assert!(!report.valid);
    let failed: Vec<&str> = report
        .checks
        .iter()
        .filter(|c| c.status == "fail")
        .map(|c| c.id.as_str())
        .collect();
    assert_eq!(failed, ["eit_signature_verification_failed"], "{report:#?}");
}

#[test]
fn a_token_signed_by_openssl_with_a_fresh_genpkey_key_validates_here() {
    let dir = tempdir();
    let (private, public) = openssl_genpkey(dir.path());
    let token = openssl_signed_token(dir.path(), &baseline_header(), &baseline_claims(), &private);
    let (code, report) = validate_json(&token, &public);
    assert_all_pass(code, &report);
    // …and by that key only.
    let (code, report) = validate_json(&token, &fixture("keys/rsa2048-spki.pem"));
    assert_eq!(code, 1, "{report:#?}");
    assert!(!report.valid);
}

#[test]
fn a_token_signed_by_openssl_with_typ_jwt_and_profile_claims_validates_here() {
    let dir = tempdir();
    let mut header = baseline_header();
    header["typ"] = json!("JWT");
    let mut claims = baseline_claims();
    claims["display_name"] = json!("Alice Liddell");
    claims["metadata"] = json!({"team": "blue"});
    let token = openssl_signed_token(
        dir.path(),
        &header,
        &claims,
        &fixture("keys/rsa2048-pkcs8.pem"),
    );
    let (code, report) = validate_json(&token, &fixture("keys/rsa2048-spki.pem"));
    assert_all_pass(code, &report);
    let optional = report
        .checks
        .iter()
        .find(|c| c.id == "optional_claims")
        .expect("an optional_claims check");
    assert!(optional.message.contains("display_name"), "{optional:?}");
}

// ---- jsonwebtoken as a second verifier ----

/// Verifies `token` with jsonwebtoken against the SPKI fixture `spki`. The crate is built
/// without its `use_pem` feature, so openssl turns the SPKI into the PKCS#1 DER that
/// `DecodingKey::from_rsa_der` takes.
fn jsonwebtoken_decode(token: &str, spki: &str) -> jsonwebtoken::errors::Result<Value> {
    let spki = fixture(&format!("keys/{spki}"));
    let der = openssl_ok(&[
        "rsa",
        "-pubin",
        "-in",
        path(&spki),
        "-RSAPublicKey_out",
        "-outform",
        "DER",
    ]);
    let key = DecodingKey::from_rsa_der(&der);
    let mut validation = Validation::new(Algorithm::RS256);
    validation.validate_exp = false;
    validation.required_spec_claims.clear();
    Ok(decode::<Value>(token, &key, &validation)?.claims)
}

#[test]
fn jsonwebtoken_verifies_our_token_and_reads_its_claims() {
    let token = signed_token(&fixture("keys/rsa2048-pkcs8.pem"), &[]);
    let claims = jsonwebtoken_decode(&token, "rsa2048-spki.pem").unwrap();
    assert_eq!(claims, baseline_claims());
    let header = jsonwebtoken::decode_header(&token).unwrap();
    assert_eq!(header.alg, Algorithm::RS256);
    assert_eq!(header.kid.as_deref(), Some(KEY_ID));
    assert_eq!(header.cty.as_deref(), Some("layer-eit;v=1"));
}

#[test]
fn jsonwebtoken_rejects_our_token_signed_by_the_other_key() {
    let token = signed_token(&fixture("keys/other2048-pkcs8.pem"), &[]);
    let error = jsonwebtoken_decode(&token, "rsa2048-spki.pem").unwrap_err();
    assert_eq!(
        *error.kind(),
        jsonwebtoken::errors::ErrorKind::InvalidSignature,
        "{error:?}"
    );
    // The same token is fine against its own key.
    assert!(jsonwebtoken_decode(&token, "other2048-spki.pem").is_ok());
}
