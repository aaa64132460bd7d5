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
    KEY_ID, NOW, PROVIDER_ID, Ran, Report, fixture, la, layer_auth, openssl, private_key, ran,
    sign_cmd, tempdir,
};

mod doctor;
/// The passphrase of every encrypted key here: distinctive, so a leak is easy to spot.
mod inspect;
mod key_formats;
mod key_secrets;
mod key_sets;
mod keygen_ci;

const PASSPHRASE: &str = "Tr0ub4dor &3 zq9x";
/// jwt.io's HS256 sample token (iat 1516239022 = 2018-01-18T01:30:22Z).
const JWT_IO: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
const KID_A: &str = "layer:///keys/aaaaaaaa-1111-4111-8111-aaaaaaaaaaaa";
const KID_B: &str = "layer:///keys/bbbbbbbb-2222-4222-8222-bbbbbbbbbbbb";

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// `openssl ARGS…`, which must succeed; returns its stdout.
fn ossl(args: &[&str]) -> Vec<u8> {
    let out = openssl(args);
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048` into `dir/name`.
fn openssl_rsa(dir: &Path, name: &str) -> PathBuf {
    let key = dir.join(name);
    ossl(&[
        "genpkey",
        "-algorithm",
        "RSA",
        "-pkeyopt",
        "rsa_keygen_bits:2048",
        "-out",
        path(&key),
    ]);
    key
}

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
    ossl(&args)
}

/// The file's permission bits.
fn mode(file: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(file).unwrap().permissions().mode() & 0o777
}

/// `layer-auth ARGS…` with LAYER_PRIVATE_KEY_PASSPHRASE set to `passphrase`.
fn la_pass(args: &[&str], passphrase: &str) -> Ran {
    ran(
        layer_auth()
            .args(args)
            .env("LAYER_PRIVATE_KEY_PASSPHRASE", passphrase),
        None,
    )
}

/// The RFC 7638 thumbprint of the public key in the SPKI PEM `spki`, computed by openssl alone:
/// the modulus from `openssl rsa -modulus`, the SHA-256 from `openssl dgst`.
fn openssl_thumbprint(dir: &Path, spki: &Path) -> String {
    let out = ossl(&["rsa", "-pubin", "-in", path(spki), "-modulus", "-noout"]);
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
    URL_SAFE_NO_PAD.encode(ossl(&["dgst", "-sha256", "-binary", path(&file)]))
}

/// `keys thumbprint KEY` succeeded with one line and nothing on stderr; returns the line.
fn one_thumbprint(r: &Ran) -> String {
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.stdout.lines().count(), 1, "{r:?}");
    assert!(r.stderr.is_empty(), "{r:?}");
    r.stdout.trim_end().to_owned()
}

/// A fresh key from `layer-auth keygen --key-id KID --format jwk` in `dir`: its private file
/// and its public JWK.
fn keygen_jwk(dir: &Path, name: &str, kid: &str) -> (PathBuf, Value) {
    let key = dir.join(format!("{name}.pem"));
    let r = la(&[
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
    let r = ran(
        layer_auth().args([
            "sign",
            "--key",
            path(key),
            "--provider-id",
            PROVIDER_ID,
            "--key-id",
            kid,
            "--nonce",
            "n",
            "--user",
            "alice",
            "--now",
            "1700000000",
        ]),
        None,
    );
    assert_eq!(r.code, 0, "{r:?}");
    r.stdout.trim_end().to_owned()
}

/// The report of a `validate --json` run of one token.
fn report(r: &Ran) -> Report {
    serde_json::from_str(&r.stdout)
        .map_err(|e| format!("{e}: {r:?}"))
        .unwrap()
}

/// bash with none of the `LAYER_*` or GitHub settings of the test's environment.
fn hermetic_bash() -> Command {
    let mut cmd = Command::new("bash");
    cmd.args(["--norc", "--noprofile"]);
    for var in [
        "LAYER_PRIVATE_KEY_PATH",
        "LAYER_PRIVATE_KEY",
        "LAYER_PROVIDER_ID",
        "LAYER_KEY_ID",
        "LAYER_PRIVATE_KEY_PASSPHRASE",
        "GITHUB_ENV",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

/// The path of the `layer-auth` binary under test.
fn binary() -> String {
    layer_auth().get_program().to_str().unwrap().to_owned()
}
