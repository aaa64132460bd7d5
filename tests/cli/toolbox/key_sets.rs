//! Which key signed a token, key directories, and stdin read once.

use super::*;

#[test]
fn a_token_signed_by_b_under_a_kid_fails_signature_verification_naming_b_but_kid_names_a() {
    let dir = tempdir();
    let (_, jwk_a) = keygen_jwk(dir.path(), "a", KID_A);
    let (key_b, jwk_b) = keygen_jwk(dir.path(), "b", KID_B);
    let jwks = dir.path().join("jwks.json");
    std::fs::write(&jwks, json!({"keys": [jwk_a, jwk_b]}).to_string()).unwrap();
    let token = signed(&key_b, KID_A);
    let r = validate_json_with(path(&jwks), &token, &[]);
    assert_eq!(r.code, 1, "{r:?}");
    let report = report_of(&r);
    assert_eq!(report.failing(), ["eit_signature_verification_failed"]);
    let message = &report.check("eit_signature_verification_failed").message;
    let (found, named) = message.split_once("but kid names").unwrap();
    assert!(found.contains(KID_B), "{message}");
    assert!(named.contains(KID_A), "{message}");
    // The same token with B's kid in its header passes: the message was about the kid.
    let r = layer(&[
        "validate",
        &signed(&key_b, KID_B),
        "--public-key",
        path(&jwks),
        "--now",
        NOW,
    ]);
    assert_eq!(r.code, 0, "{r:?}");
}

#[test]
fn public_key_dir_of_jwk_files_validates_a_token_by_kid_and_warns_that_a_readme_is_skipped() {
    let dir = tempdir();
    let keys = dir.path().join("keys");
    std::fs::create_dir(&keys).unwrap();
    let (_, jwk_a) = keygen_jwk(dir.path(), "a", KID_A);
    let (key_b, jwk_b) = keygen_jwk(dir.path(), "b", KID_B);
    std::fs::write(keys.join("a.jwk.json"), jwk_a.to_string()).unwrap();
    std::fs::write(keys.join("b.jwk.json"), jwk_b.to_string()).unwrap();
    std::fs::write(keys.join("README"), "Keys registered in the dashboard.\n").unwrap();
    let token = signed(&key_b, KID_B);
    let r = validate_json_with(&keys, &token, &["--key-id", KID_B]);
    assert_eq!(r.code, 0, "{r:?}");
    let report = report_of(&r);
    assert!(report.valid && report.signature_verified, "{report:#?}");
    let warning = r.stderr.lines().find(|l| l.contains("README")).unwrap();
    assert!(warning.contains("skipped"), "{r:?}");
}

// ---- stdin is read once ----

#[test]
fn validate_public_key_dash_reads_the_public_key_piped_on_stdin() {
    let dir = tempdir();
    let key = private_key(dir.path(), "rsa2048-pkcs1.pem");
    let token = signed(&key, KEY_ID);
    let spki = std::fs::read(fixture("keys/rsa2048-spki.pem")).unwrap();
    let args = [
        "validate",
        &token,
        "--public-key",
        "-",
        "--now",
        NOW,
        "--json",
    ];
    let r = outcome_of(layer_auth().args(args), Some(&spki));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(report_of(&r).signature_verified, "{r:?}");
    // And the other key on stdin does not verify it: the piped key was used.
    let other = std::fs::read(fixture("keys/other2048-spki.pem")).unwrap();
    let r = outcome_of(layer_auth().args(args), Some(&other));
    assert_eq!(r.code, 1, "{r:?}");
}

#[test]
fn validate_public_key_dash_twice_exits_2_saying_stdin_is_read_once() {
    let dir = tempdir();
    let token = signed(&private_key(dir.path(), "rsa2048-pkcs1.pem"), KEY_ID);
    let spki = std::fs::read(fixture("keys/rsa2048-spki.pem")).unwrap();
    let r = outcome_of(
        layer_auth().args(["validate", &token, "--public-key", "-", "--public-key", "-"]),
        Some(&spki),
    );
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stdout.is_empty(), "{r:?}");
    assert!(r.stderr.contains("read once"), "{r:?}");
}

#[test]
fn validate_public_key_dash_with_no_token_argument_exits_2() {
    let spki = std::fs::read(fixture("keys/rsa2048-spki.pem")).unwrap();
    let r = outcome_of(
        layer_auth().args(["validate", "--public-key", "-"]),
        Some(&spki),
    );
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stdout.is_empty(), "{r:?}");
    assert!(r.stderr.contains("argument"), "{r:?}");
}

#[test]
fn validate_dash_with_a_key_from_stdin_too_exits_2_before_reading_either() {
    let spki = std::fs::read(fixture("keys/rsa2048-spki.pem")).unwrap();
    let dir = tempdir();
    let key = private_key(dir.path(), "rsa2048-pkcs8-encrypted.pem");
    let mut runs: Vec<(std::process::Command, &str)> = Vec::new();
    for args in [
        &["validate", "-", "--public-key", "-"][..],
        &["validate", "--jsonl", "--public-key", "-"][..],
    ] {
        let mut cmd = layer_auth();
        cmd.args(args);
        runs.push((cmd, "give the public key as a file"));
    }
    let mut cmd = layer_auth();
    cmd.args(["validate", "-", "--key", "-"]);
    runs.push((cmd, "as a file"));
    let mut cmd = layer_auth();
    cmd.args(["validate", "-"])
        .env("LAYER_PRIVATE_KEY_PATH", "-");
    runs.push((cmd, "as a file"));
    let mut cmd = layer_auth();
    cmd.args(["validate", "-", "--passphrase-file", "-", "--key"])
        .arg(&key);
    runs.push((cmd, "give the passphrase as a file"));
    for (mut cmd, said) in runs {
        let r = outcome_of(&mut cmd, Some(&spki));
        assert_eq!(r.code, 2, "{cmd:?}: {r:?}");
        assert!(r.stdout.is_empty(), "{r:?}");
        let line = crate::util::one_error_line(&r);
        assert!(
            line.contains("stdin (-) is read once per command, and it carries the tokens")
                && line.contains(said),
            "not blamed on the key: {cmd:?}: {r:?}"
        );
    }
}

#[test]
fn sign_batch_dash_with_the_key_from_stdin_too_exits_2_before_reading_either() {
    let pem = std::fs::read(fixture("keys/rsa2048-pkcs8.pem")).unwrap();
    let r = outcome_of(
        layer_auth()
            .args(["sign", "--batch", "-", "--key", "-"])
            .args(crate::util::IDS),
        Some(&pem),
    );
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        crate::util::one_error_line(&r)
            .contains("stdin (-) is read once per command, and it carries the batch lines"),
        "{r:?}"
    );
}

#[test]
fn a_key_file_with_two_pem_blocks_is_refused_not_read_to_its_first() {
    let dir = tempdir();
    let both = dir.path().join("two.pem");
    let mut text = std::fs::read_to_string(fixture("keys/other2048-spki.pem")).unwrap();
    text.push_str(&std::fs::read_to_string(fixture("keys/rsa2048-spki.pem")).unwrap());
    std::fs::write(&both, text).unwrap();
    for args in [
        vec!["validate", "x.y.z", "--public-key", path(&both)],
        vec!["keys", "thumbprint", path(&both)],
    ] {
        let r = outcome_of(layer_auth().args(&args), None);
        assert_eq!(r.code, 2, "{args:?}: {r:?}");
        assert!(
            crate::util::one_error_line(&r).contains("the PEM holds more than one block"),
            "{args:?}: {r:?}"
        );
    }
}

#[test]
fn a_private_key_whose_secret_numbers_are_broken_is_malformed_for_validate_too() {
    // A PKCS#1 key with the fixture's modulus and d = p = q = 0, made by openssl's own
    // ASN.1 generator: its public half reads, its private half is no key.
    let dir = tempdir();
    let modulus = String::from_utf8(openssl_ok(&[
        "rsa",
        "-in",
        path(&fixture("keys/rsa2048-pkcs1.pem")),
        "-noout",
        "-modulus",
    ]))
    .unwrap();
    let modulus = modulus.trim().trim_start_matches("Modulus=");
    let conf = dir.path().join("broken.conf");
    let zeros: String = ["d", "p", "q", "dp", "dq", "qinv"]
        .iter()
        .map(|name| format!("{name}=INTEGER:0\n"))
        .collect();
    std::fs::write(
        &conf,
        format!(
            "asn1=SEQUENCE:key\n[key]\nversion=INTEGER:0\nn=INTEGER:0x{modulus}\ne=INTEGER:65537\n{zeros}"
        ),
    )
    .unwrap();
    let der = dir.path().join("broken.der");
    openssl_ok(&[
        "asn1parse",
        "-genconf",
        path(&conf),
        "-out",
        path(&der),
        "-noout",
    ]);
    let r = outcome_of(
        layer_auth()
            .args(["validate", "x.y.z", "--public-key"])
            .arg(&der),
        None,
    );
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        crate::util::one_error_line(&r)
            .contains("the private key's numbers do not form an RSA key"),
        "{r:?}"
    );
}
