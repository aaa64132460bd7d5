//! `keys public|convert|thumbprint`: every form openssl writes is read here, and openssl reads every form written here; private keys go only to 0600 files or a pipe.

use super::*;

#[test]
fn keys_thumbprint_is_the_same_single_line_for_every_form_openssl_writes_of_one_key() {
    let dir = tempdir();
    let d = dir.path();
    let pkcs8 = openssl_rsa(d, "pkcs8.pem");
    let pkcs1 = d.join("pkcs1.pem");
    let pkcs8_der = d.join("pkcs8.der");
    let pkcs1_der = d.join("pkcs1.der");
    let encrypted = d.join("encrypted.pem");
    let spki = d.join("spki.pem");
    let spki_der = d.join("spki.der");
    let rsa_public = d.join("rsa-public.pem");
    let pass = format!("pass:{PASSPHRASE}");
    #[rustfmt::skip]
    let commands: [&[&str]; 7] = [
        &["rsa", "-in", path(&pkcs8), "-traditional", "-out", path(&pkcs1)],
        &["pkcs8", "-topk8", "-nocrypt", "-in", path(&pkcs8), "-outform", "DER", "-out", path(&pkcs8_der)],
        &["rsa", "-in", path(&pkcs8), "-traditional", "-outform", "DER", "-out", path(&pkcs1_der)],
        &["pkcs8", "-topk8", "-v2", "aes-256-cbc", "-passout", &pass, "-in", path(&pkcs8), "-out", path(&encrypted)],
        &["pkey", "-in", path(&pkcs8), "-pubout", "-out", path(&spki)],
        &["pkey", "-in", path(&pkcs8), "-pubout", "-outform", "DER", "-out", path(&spki_der)],
        &["rsa", "-in", path(&pkcs8), "-RSAPublicKey_out", "-out", path(&rsa_public)],
    ];
    for args in commands {
        openssl_ok(args);
    }
    assert!(
        std::fs::read_to_string(&pkcs1)
            .unwrap()
            .starts_with("-----BEGIN RSA PRIVATE KEY-----\n")
    );
    assert!(
        std::fs::read_to_string(&rsa_public)
            .unwrap()
            .starts_with("-----BEGIN RSA PUBLIC KEY-----\n")
    );
    let expected = openssl_thumbprint(d, &spki);
    for key in [
        &pkcs8,
        &pkcs1,
        &pkcs8_der,
        &pkcs1_der,
        &spki,
        &spki_der,
        &rsa_public,
    ] {
        let got = one_thumbprint(&layer(&["keys", "thumbprint", path(key)]));
        assert_eq!(got, expected, "{}", key.display());
    }
    let got = one_thumbprint(&layer_with_passphrase(
        &["keys", "thumbprint", path(&encrypted)],
        PASSPHRASE,
    ));
    assert_eq!(
        got, expected,
        "encrypted PKCS#8, passphrase from the environment"
    );
    let pass_file = d.join("pass.txt");
    std::fs::write(&pass_file, format!("{PASSPHRASE}\n")).unwrap();
    let got = one_thumbprint(&layer(&[
        "keys",
        "thumbprint",
        path(&encrypted),
        "--passphrase-file",
        path(&pass_file),
    ]));
    assert_eq!(
        got, expected,
        "encrypted PKCS#8, passphrase from --passphrase-file"
    );
}

#[test]
fn keys_thumbprint_opens_a_key_from_openssl_genpkey_aes256_with_env_or_passphrase_file() {
    let dir = tempdir();
    let pass = format!("pass:{PASSPHRASE}");
    let key = openssl_rsa_with(
        dir.path(),
        "genpkey-aes256.pem",
        &["-aes256", "-pass", &pass],
    );
    assert!(
        std::fs::read_to_string(&key)
            .unwrap()
            .starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----\n")
    );
    let spki = dir.path().join("spki.pem");
    openssl_ok(&[
        "pkey",
        "-in",
        path(&key),
        "-passin",
        &pass,
        "-pubout",
        "-out",
        path(&spki),
    ]);
    let expected = openssl_thumbprint(dir.path(), &spki);
    let got = one_thumbprint(&layer_with_passphrase(
        &["keys", "thumbprint", path(&key)],
        PASSPHRASE,
    ));
    assert_eq!(got, expected);
    let pass_file = dir.path().join("pass.txt");
    std::fs::write(&pass_file, PASSPHRASE).unwrap();
    let got = one_thumbprint(&layer(&[
        "keys",
        "thumbprint",
        path(&key),
        "--passphrase-file",
        path(&pass_file),
    ]));
    assert_eq!(got, expected);
}

/// A key openssl encrypted some way not read here is refused by name (the cipher, the
/// PBKDF2 hash, PBES1 or PKCS#12), with the openssl line that re-encrypts it, which then
/// opens.
#[test]
fn a_key_encrypted_in_a_scheme_not_read_here_is_refused_naming_it_and_the_fix_works() {
    let dir = tempdir();
    let plain = openssl_rsa(dir.path(), "plain.pem");
    let pass = format!("pass:{PASSPHRASE}");
    let encrypt = |name: &str, how: &[&str]| {
        let out = dir.path().join(name);
        let args = [
            &["pkcs8", "-topk8", "-in", path(&plain), "-passout", &pass][..],
            how,
            &["-out", path(&out)],
        ]
        .concat();
        openssl_ok(&args);
        out
    };
    for (name, how, said) in [
        (
            "des3.pem",
            &["-v2", "des3"][..],
            "it is PBES2 with a cipher or key derivation not read here",
        ),
        (
            "sha1.pem",
            &["-v2", "aes-128-cbc", "-v2prf", "hmacWithSHA1"][..],
            "it asks for PBKDF2 over HMAC-SHA-1 (older openssl's default), which is not read here",
        ),
        (
            "p12.pem",
            &["-v1", "PBE-SHA1-3DES"][..],
            "it uses PKCS#12's password-based encryption",
        ),
    ] {
        let key = encrypt(name, how);
        let r = layer_with_passphrase(&["keys", "thumbprint", path(&key)], PASSPHRASE);
        assert_eq!((r.code, r.stdout.as_str()), (2, ""), "{name}: {r:?}");
        assert!(r.stderr.contains(said), "{name}: {r:?}");
        assert!(
            r.stderr.contains("re-encrypt it: openssl pkcs8 -topk8 -v2 aes-256-cbc -v2prf hmacWithSHA256 -in FILE -out new.pem"),
            "{name}: {r:?}"
        );
    }
    let fixed = encrypt(
        "fixed.pem",
        &["-v2", "aes-256-cbc", "-v2prf", "hmacWithSHA256"],
    );
    let r = layer_with_passphrase(&["keys", "thumbprint", path(&fixed)], PASSPHRASE);
    assert_eq!(r.code, 0, "{r:?}");
}

// ---- keys: openssl reads what we write ----

#[test]
fn keys_convert_to_pkcs1_pkcs8_and_der_writes_0600_files_openssl_checks_as_the_same_key() {
    let dir = tempdir();
    let original = openssl_rsa(dir.path(), "original.pem");
    let canonical = openssl_der(&original, false, None);
    for (to, header) in [
        ("pkcs1", Some("-----BEGIN RSA PRIVATE KEY-----\n")),
        ("pkcs8", Some("-----BEGIN PRIVATE KEY-----\n")),
        ("der", None),
    ] {
        let out = dir.path().join(format!("ours.{to}"));
        let r = keys_convert(&original, to, &out);
        assert_eq!(r.code, 0, "--to {to}: {r:?}");
        assert!(r.stdout.is_empty(), "--to {to}: {r:?}");
        assert_eq!(mode(&out), 0o600, "--to {to}");
        let der = header.is_none();
        if let Some(header) = header {
            assert!(
                std::fs::read_to_string(&out).unwrap().starts_with(header),
                "--to {to}"
            );
        }
        let mut check = vec!["pkey", "-in", path(&out), "-check", "-noout"];
        if der {
            check.extend(["-inform", "DER"]);
        }
        openssl_ok(&check);
        assert_eq!(openssl_der(&out, der, None), canonical, "--to {to}");
    }
    // Our DER is PKCS#8, byte for byte what openssl's own PKCS#8 DER encoder gives.
    let theirs = openssl_ok(&[
        "pkcs8",
        "-topk8",
        "-nocrypt",
        "-in",
        path(&original),
        "-outform",
        "DER",
    ]);
    assert_eq!(std::fs::read(dir.path().join("ours.der")).unwrap(), theirs);
}

#[test]
fn keys_convert_encrypt_to_pkcs8_and_der_gives_files_openssl_opens_only_with_the_passphrase() {
    let dir = tempdir();
    let original = openssl_rsa(dir.path(), "original.pem");
    let canonical = openssl_der(&original, false, None);
    for (to, der) in [("pkcs8", false), ("der", true)] {
        let out = dir.path().join(format!("ours-encrypted.{to}"));
        let r = layer_with_passphrase(
            &[
                "keys",
                "convert",
                path(&original),
                "--to",
                to,
                "--encrypt",
                "--out",
                path(&out),
            ],
            PASSPHRASE,
        );
        assert_eq!(r.code, 0, "--to {to}: {r:?}");
        assert_eq!(mode(&out), 0o600, "--to {to}");
        if !der {
            assert!(
                std::fs::read_to_string(&out)
                    .unwrap()
                    .starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----\n")
            );
        }
        assert_eq!(
            openssl_der(&out, der, Some(PASSPHRASE)),
            canonical,
            "--to {to}"
        );
        let mut wrong = vec!["pkey", "-in", path(&out), "-passin", "pass:wrong", "-noout"];
        if der {
            wrong.extend(["-inform", "DER"]);
        }
        assert!(
            !openssl(&wrong).status.success(),
            "--to {to} is really encrypted"
        );
    }
}

#[test]
fn keys_public_pem_and_pkcs1_are_read_by_openssl_pubin_and_rsapublickey_in_as_the_key() {
    let dir = tempdir();
    let original = openssl_rsa(dir.path(), "original.pem");
    let spki = openssl_ok(&["pkey", "-in", path(&original), "-pubout"]);

    let pem = keys_public(&original, &["--format", "pem"]);
    assert_eq!(pem.code, 0, "{pem:?}");
    let ours = dir.path().join("ours-spki.pem");
    std::fs::write(&ours, &pem.stdout).unwrap();
    assert_eq!(
        openssl_ok(&["pkey", "-pubin", "-in", path(&ours), "-pubout"]),
        spki
    );
    assert_eq!(pem.stdout.as_bytes(), spki, "the very PEM openssl writes");

    let pkcs1 = keys_public(&original, &["--format", "pkcs1"]);
    assert_eq!(pkcs1.code, 0, "{pkcs1:?}");
    assert!(
        pkcs1.stdout.starts_with("-----BEGIN RSA PUBLIC KEY-----\n"),
        "{pkcs1:?}"
    );
    let ours = dir.path().join("ours-pkcs1.pem");
    std::fs::write(&ours, &pkcs1.stdout).unwrap();
    assert_eq!(
        openssl_ok(&["rsa", "-RSAPublicKey_in", "-in", path(&ours), "-pubout"]),
        spki
    );
}

#[test]
fn keygen_encrypt_writes_an_encrypted_pkcs8_that_openssl_opens_with_passin_as_the_printed_key() {
    let dir = tempdir();
    let key = dir.path().join("k.p8.pem");
    let r = layer_with_passphrase(&["keygen", "--out", path(&key), "--encrypt"], PASSPHRASE);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(mode(&key), 0o600);
    assert!(
        std::fs::read_to_string(&key)
            .unwrap()
            .starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----\n")
    );
    let pass = format!("pass:{PASSPHRASE}");
    let opened = ["pkey", "-in", path(&key), "-passin", &pass];
    openssl_ok(&[&opened[..], &["-check", "-noout"]].concat());
    let derived = openssl_ok(&[&opened[..], &["-pubout"]].concat());
    assert_eq!(derived, r.stdout.as_bytes());
    assert!(
        !openssl(&["pkey", "-in", path(&key), "-passin", "pass:wrong", "-noout"])
            .status
            .success()
    );
}

// ---- keys convert: where private keys go ----

#[test]
fn keys_convert_out_over_an_existing_file_is_refused_without_force_and_leaves_it_unchanged() {
    let dir = tempdir();
    let original = private_key(dir.path(), "rsa2048-pkcs8.pem");
    let out = dir.path().join("taken.pem");
    std::fs::write(&out, "precious").unwrap();
    let args = [
        "keys",
        "convert",
        path(&original),
        "--to",
        "pkcs1",
        "--out",
        path(&out),
    ];
    let r = layer(&args);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stdout.is_empty(), "{r:?}");
    assert!(r.stderr.contains("--force"), "{r:?}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "precious");

    let r = layer(&[&args[..], &["--force"]].concat());
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        std::fs::read_to_string(&out)
            .unwrap()
            .starts_with("-----BEGIN RSA PRIVATE KEY-----\n")
    );
    assert_eq!(mode(&out), 0o600, "the replacement is private too");
}

#[test]
fn keys_convert_private_to_pkcs8_without_out_exits_2_and_prints_nothing_on_stdout() {
    let dir = tempdir();
    let key = private_key(dir.path(), "rsa2048-pkcs1.pem");
    let r = layer(&["keys", "convert", path(&key), "--to", "pkcs8"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stdout.is_empty(), "{r:?}");
    assert!(r.stderr.contains("--out"), "{r:?}");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no file");
}

#[test]
fn keys_convert_out_dash_to_a_pipe_prints_the_pkcs8_pem_of_the_same_key() {
    let dir = tempdir();
    let key = private_key(dir.path(), "rsa2048-pkcs1.pem");
    let r = layer(&["keys", "convert", path(&key), "--to", "pkcs8", "--out", "-"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout.starts_with("-----BEGIN PRIVATE KEY-----\n"),
        "{r:?}"
    );
    assert!(r.stdout.ends_with("-----END PRIVATE KEY-----\n"), "{r:?}");
    let piped = dir.path().join("piped.pem");
    std::fs::write(&piped, &r.stdout).unwrap();
    assert_same_private_key(&piped, &key);
}

// ---- JWK ----

#[test]
fn keys_convert_to_jwk_and_back_to_pkcs8_gives_byte_identical_der() {
    let dir = tempdir();
    let original = openssl_rsa(dir.path(), "original.pem");
    let jwk = dir.path().join("k.jwk");
    let r = keys_convert(&original, "jwk", &jwk);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(mode(&jwk), 0o600, "a private JWK is private");
    let value: Value = serde_json::from_slice(&std::fs::read(&jwk).unwrap()).unwrap();
    assert_eq!(value["kty"], json!("RSA"));
    for member in ["n", "e", "d", "p", "q", "dp", "dq", "qi"] {
        assert!(value[member].is_string(), "{member} in {value}");
    }
    let back = dir.path().join("back.pem");
    let r = keys_convert(&jwk, "pkcs8", &back);
    assert_eq!(r.code, 0, "{r:?}");
    assert_same_private_key(&back, &original);
}

#[test]
fn keys_public_format_jwk_with_key_id_has_that_kid_and_openssls_modulus() {
    let dir = tempdir();
    let original = openssl_rsa(dir.path(), "original.pem");
    let r = keys_public(&original, &["--format", "jwk", "--key-id", KID_A]);
    assert_eq!(r.code, 0, "{r:?}");
    let jwk: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(jwk["kid"], json!(KID_A));
    assert_eq!(jwk["kty"], json!("RSA"));
    assert_eq!(jwk["e"], json!("AQAB"));
    assert!(jwk.get("d").is_none(), "public only: {jwk}");
    let modulus = String::from_utf8(openssl_ok(&[
        "rsa",
        "-in",
        path(&original),
        "-modulus",
        "-noout",
    ]))
    .unwrap();
    let hex = modulus.trim().strip_prefix("Modulus=").unwrap();
    let n = URL_SAFE_NO_PAD
        .decode(jwk["n"].as_str().unwrap())
        .unwrap()
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<String>();
    assert_eq!(n, hex);
}

#[test]
fn keys_public_format_jwks_is_an_object_with_only_keys_holding_the_one_jwk() {
    let dir = tempdir();
    let key = private_key(dir.path(), "rsa2048-pkcs8.pem");
    let r = keys_public(&key, &["--format", "jwks", "--key-id", KID_B]);
    assert_eq!(r.code, 0, "{r:?}");
    let set: Map<String, Value> = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(set.keys().collect::<Vec<_>>(), ["keys"]);
    let keys = set["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 1, "{set:?}");
    assert_eq!(keys[0]["kid"], json!(KID_B));
    assert_eq!(keys[0]["kty"], json!("RSA"));
    // Without --key-id the kid is the thumbprint.
    let r = keys_public(&key, &["--format", "jwks"]);
    let set: Value = serde_json::from_str(&r.stdout).unwrap();
    let thumbprint = one_thumbprint(&layer(&["keys", "thumbprint", path(&key)]));
    assert_eq!(set["keys"][0]["kid"], json!(thumbprint));
}
