//! The toolbox around `sign` and `validate`: `inspect`, `keys` (public, convert, check,
//! thumbprint), what `keygen` hands to shells and CI, `doctor`'s snippets, finding which key
//! signed a token, and stdin read once. The `openssl` command line is the independent
//! implementation: it writes every key form we must read and reads every form we write.

use std::path::{Path, PathBuf};
use std::process::Command;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::util::{
    KEY_ID, NOW, Outcome, PROVIDER_ID, fixture, hermetic, layer, layer_auth, openssl, openssl_ok,
    openssl_rsa, openssl_rsa_with, outcome_of, path, private_key, report_of, signed_token, tempdir,
    validate_json_with,
};

mod doctor;
mod inspect;
mod key_formats;
mod key_secrets;
mod key_sets;
mod keygen_ci;

/// The passphrase of every encrypted key here: distinctive, so a leak is easy to spot.
const PASSPHRASE: &str = "Tr0ub4dor &3 zq9x";
/// jwt.io's HS256 sample token (iat 1516239022 = 2018-01-18T01:30:22Z).
const JWT_IO: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
const KID_A: &str = "layer:///keys/aaaaaaaa-1111-4111-8111-aaaaaaaaaaaa";
const KID_B: &str = "layer:///keys/bbbbbbbb-2222-4222-8222-bbbbbbbbbbbb";

/// What openssl makes of a private key file: `openssl pkey -outform DER` (with `-inform DER`
/// and `-passin pass:…` when asked), the canonical bytes two files are compared by.
fn openssl_der(key: &Path, der_in: bool, passin: Option<&str>) -> Vec<u8> {
    let pass = passin.map(|p| format!("pass:{p}"));
    let mut args = vec!["pkey", "-in", path(key), "-outform", "DER"];
    if der_in {
        args.extend(["-inform", "DER"]);
    }
    if let Some(pass) = &pass {
        args.extend(["-passin", pass.as_str()]);
    }
    openssl_ok(&args)
}

/// openssl reads the unencrypted PEM files `a` and `b` as the same private key.
fn assert_same_private_key(a: &Path, b: &Path) {
    assert_eq!(openssl_der(a, false, None), openssl_der(b, false, None));
}

/// The file's permission bits.
fn mode(file: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(file).unwrap().permissions().mode() & 0o777
}

/// `layer-auth ARGS…` with LAYER_PRIVATE_KEY_PASSPHRASE set to `passphrase`.
fn layer_with_passphrase(args: &[&str], passphrase: &str) -> Outcome {
    outcome_of(
        layer_auth()
            .args(args)
            .env("LAYER_PRIVATE_KEY_PASSPHRASE", passphrase),
        None,
    )
}

/// The RFC 7638 thumbprint of the public key in the SPKI PEM `spki`, computed by openssl alone:
/// the modulus from `openssl rsa -modulus`, the SHA-256 from `openssl dgst`.
fn openssl_thumbprint(dir: &Path, spki: &Path) -> String {
    let out = openssl_ok(&["rsa", "-pubin", "-in", path(spki), "-modulus", "-noout"]);
    let text = String::from_utf8(out).unwrap();
    let hex = text.trim().strip_prefix("Modulus=").unwrap();
    let n: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect();
    let members = format!(
        r#"{{"e":"AQAB","kty":"RSA","n":"{}"}}"#,
        URL_SAFE_NO_PAD.encode(n)
    );
    let file = dir.join("thumbprint-input.json");
    std::fs::write(&file, members).unwrap();
    URL_SAFE_NO_PAD.encode(openssl_ok(&["dgst", "-sha256", "-binary", path(&file)]))
}

/// Runs `keys public KEY ARGS…`.
fn keys_public(key: &Path, args: &[&str]) -> Outcome {
    layer(&[&["keys", "public", path(key)][..], args].concat())
}

/// Runs `keys convert KEY --to FORMAT --out OUT`.
fn keys_convert(key: &Path, to: &str, out: &Path) -> Outcome {
    layer(&["keys", "convert", path(key), "--to", to, "--out", path(out)])
}

/// `keys thumbprint KEY` succeeded with one line and nothing on stderr; returns the line.
fn one_thumbprint(r: &Outcome) -> String {
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.stdout.lines().count(), 1, "{r:?}");
    assert!(r.stderr.is_empty(), "{r:?}");
    r.stdout.trim_end().to_owned()
}

/// A fresh key from `layer-auth keygen --key-id KID --format jwk` in `dir`: its private file
/// and its public JWK.
fn keygen_jwk(dir: &Path, name: &str, kid: &str) -> (PathBuf, Value) {
    let key = dir.join(format!("{name}.pem"));
    let r = layer(&[
        "keygen",
        "--out",
        path(&key),
        "--key-id",
        kid,
        "--format",
        "jwk",
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    (key, serde_json::from_str(&r.stdout).unwrap())
}

/// A token for alice (nonce `n`) signed by `key` at 1700000000, with the fixtures' Provider ID
/// and `kid` in its header.
fn signed(key: &Path, kid: &str) -> String {
    signed_token(key, &["--key-id", kid, "--nonce", "n"])
}

/// bash without its rc files, and with none of what [`hermetic`] keeps from a test.
fn hermetic_bash() -> Command {
    let mut cmd = Command::new("bash");
    hermetic(&mut cmd).args(["--norc", "--noprofile"]);
    cmd
}

/// The path of the `layer-auth` binary under test.
fn binary() -> String {
    layer_auth().get_program().to_str().unwrap().to_owned()
}
