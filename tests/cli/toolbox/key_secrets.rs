//! Encrypted keys and their passphrases, and `keys check`.

use super::*;

/// An encrypted PKCS#8 copy of the fixture key, made by openssl, in `dir`.
fn openssl_encrypted(dir: &Path) -> PathBuf {
    let key = dir.join("encrypted.pem");
    let pass = format!("pass:{PASSPHRASE}");
    openssl_ok(&[
        "pkcs8",
        "-topk8",
        "-v2",
        "aes-256-cbc",
        "-passout",
        &pass,
        "-in",
        path(&fixture("keys/rsa2048-pkcs8.pem")),
        "-out",
        path(&key),
    ]);
    key
}

#[test]
fn a_wrong_passphrase_exits_2_and_says_it_does_not_open_the_key() {
    let dir = tempdir();
    let key = openssl_encrypted(dir.path());
    let r = layer_with_passphrase(&["keys", "thumbprint", path(&key)], "not the passphrase");
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stdout.is_empty(), "{r:?}");
    assert!(r.stderr.contains("does not open"), "{r:?}");
    assert!(!r.stderr.contains("not the passphrase"), "{r:?}");
}

#[test]
fn an_encrypted_key_without_a_passphrase_exits_2_naming_layer_private_key_passphrase() {
    let dir = tempdir();
    let key = openssl_encrypted(dir.path());
    let r = layer(&["keys", "public", path(&key)]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stdout.is_empty(), "{r:?}");
    assert!(r.stderr.contains("LAYER_PRIVATE_KEY_PASSPHRASE"), "{r:?}");
}

#[test]
fn the_passphrase_never_appears_in_any_output() {
    let dir = tempdir();
    let d = dir.path();
    let key = openssl_encrypted(d);
    let pass_file = d.join("pass.txt");
    std::fs::write(&pass_file, format!("{PASSPHRASE}\n")).unwrap();
    let k = path(&key);
    let out = |name: &str| path(&d.join(name)).to_owned();
    let runs = [
        layer_with_passphrase(&["keys", "thumbprint", k], PASSPHRASE),
        layer_with_passphrase(&["keys", "public", k, "--format", "jwk"], PASSPHRASE),
        layer_with_passphrase(
            &["keys", "convert", k, "--to", "pkcs8", "--out", "-"],
            PASSPHRASE,
        ),
        layer_with_passphrase(
            &[
                "keys",
                "convert",
                k,
                "--to",
                "der",
                "--encrypt",
                "--out",
                &out("e.der"),
            ],
            PASSPHRASE,
        ),
        layer_with_passphrase(
            &["keys", "check", k, path(&fixture("keys/rsa2048-spki.pem"))],
            PASSPHRASE,
        ),
        layer_with_passphrase(
            &[
                "keys",
                "check",
                k,
                path(&fixture("keys/other2048-spki.pem")),
            ],
            PASSPHRASE,
        ),
        layer_with_passphrase(
            &["keygen", "--out", &out("new.pem"), "--encrypt"],
            PASSPHRASE,
        ),
        layer(&[
            "keys",
            "thumbprint",
            k,
            "--passphrase-file",
            path(&pass_file),
        ]),
        layer_with_passphrase(&["keys", "thumbprint", k], &format!("{PASSPHRASE}x")),
        layer_with_passphrase(
            &[
                "keys",
                "thumbprint",
                path(&fixture("keys/rsa2048-pkcs8.pem")),
            ],
            PASSPHRASE,
        ),
    ];
    let secret = &PASSPHRASE[..12];
    for r in &runs {
        assert!(
            !r.stdout.contains(secret) && !r.stderr.contains(secret),
            "{r:?}"
        );
    }
    // The runs did run: an opened key, a failed pair check, a wrong passphrase.
    let codes: Vec<i32> = runs.iter().map(|r| r.code).collect();
    assert_eq!(codes, [0, 0, 0, 0, 0, 1, 0, 0, 2, 0], "{runs:#?}");
}

#[test]
fn a_legacy_openssl_rsa_aes256_traditional_key_is_refused_naming_openssl_pkcs8_topk8() {
    let dir = tempdir();
    let legacy = dir.path().join("legacy.pem");
    let pass = format!("pass:{PASSPHRASE}");
    openssl_ok(&[
        "rsa",
        "-in",
        path(&fixture("keys/rsa2048-pkcs8.pem")),
        "-aes256",
        "-traditional",
        "-passout",
        &pass,
        "-out",
        path(&legacy),
    ]);
    assert!(
        std::fs::read_to_string(&legacy)
            .unwrap()
            .contains("Proc-Type: 4,ENCRYPTED")
    );
    let r = layer_with_passphrase(&["keys", "thumbprint", path(&legacy)], PASSPHRASE);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stdout.is_empty(), "{r:?}");
    assert!(r.stderr.contains("openssl pkcs8 -topk8"), "{r:?}");
}

// ---- keys check ----

#[test]
fn keys_check_a_private_key_and_its_spki_form_a_pair_and_exit_0() {
    let dir = tempdir();
    let key = private_key(dir.path(), "rsa2048-pkcs1.pem");
    let r = layer(&[
        "keys",
        "check",
        path(&key),
        path(&fixture("keys/rsa2048-spki.pem")),
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stderr.contains("form a pair"), "{r:?}");
}

#[test]
fn keys_check_against_another_key_exits_1_saying_not_a_pair_with_both_thumbprints() {
    let dir = tempdir();
    let key = private_key(dir.path(), "rsa2048-pkcs1.pem");
    let other = fixture("keys/other2048-spki.pem");
    let r = layer(&["keys", "check", path(&key), path(&other)]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stdout.is_empty(), "{r:?}");
    assert!(r.stderr.contains("not a pair"), "{r:?}");
    let ours = one_thumbprint(&layer(&["keys", "thumbprint", path(&key)]));
    let theirs = one_thumbprint(&layer(&["keys", "thumbprint", path(&other)]));
    assert!(r.stderr.contains(&ours), "{r:?}");
    assert!(r.stderr.contains(&theirs), "{r:?}");
}

#[test]
fn keys_check_key_id_against_a_merged_jwks_passes_for_its_kid_and_names_the_right_one_otherwise() {
    let dir = tempdir();
    let key_a = dir.path().join("a.pem");
    let r = layer(&[
        "keygen",
        "--out",
        path(&key_a),
        "--key-id",
        KID_A,
        "--format",
        "jwks",
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    let mut set: Value = serde_json::from_str(&r.stdout).unwrap();
    let (_, jwk_b) = keygen_jwk(dir.path(), "b", KID_B);
    set["keys"].as_array_mut().unwrap().push(jwk_b);
    let jwks = dir.path().join("jwks.json");
    std::fs::write(&jwks, set.to_string()).unwrap();
    let check = |kid: &str| layer(&["keys", "check", path(&key_a), path(&jwks), "--key-id", kid]);

    let right = check(KID_A);
    assert_eq!(right.code, 0, "{right:?}");
    assert!(right.stderr.contains("form a pair"), "{right:?}");

    let wrong = check(KID_B);
    assert_eq!(wrong.code, 1, "{wrong:?}");
    assert!(wrong.stderr.contains("is not the public half"), "{wrong:?}");
    let (_, there) = wrong.stderr.split_once("its public half is there").unwrap();
    assert!(
        there.contains(KID_A),
        "names the kid it is under: {wrong:?}"
    );

    let absent = check("layer:///keys/cccccccc-3333-4333-8333-cccccccccccc");
    assert_eq!(absent.code, 1, "{absent:?}");
    assert!(absent.stderr.contains("has no key with kid"), "{absent:?}");
}

/// A private key pasted where a Key ID belongs is refused without a line of it shown (and
/// where a nonce belongs, messages show at most 80 characters of it, which of a PEM is its
/// public header).
#[test]
fn a_key_pasted_as_key_id_or_nonce_is_not_echoed_by_keys_check_or_validate() {
    let dir = tempdir();
    let key = dir.path().join("k.pem");
    let public = dir.path().join("k.pub.pem");
    let made = layer(&["keygen", "--out", path(&key)]);
    std::fs::write(&public, &made.stdout).unwrap();
    let pem = std::fs::read_to_string(&key).unwrap();
    let secret_lines: Vec<&str> = pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .skip(1)
        .collect();
    let token = signed(&key, KID_A);
    for (i, r) in [
        layer(&["keys", "check", path(&key), path(&public), "--key-id", &pem]),
        layer(&[
            "validate",
            &token,
            "--public-key",
            path(&public),
            "--key-id",
            &pem,
        ]),
        layer(&[
            "validate",
            &token,
            "--public-key",
            path(&public),
            "--nonce",
            &pem,
        ]),
    ]
    .into_iter()
    .enumerate()
    {
        // An ID that is a key is a usage error; a nonce that is one, a check that fails.
        assert_eq!(r.code, if i < 2 { 2 } else { 1 }, "{r:?}");
        for line in &secret_lines {
            assert!(!r.stderr.contains(line), "a key line echoed: {r:?}");
        }
    }
}
