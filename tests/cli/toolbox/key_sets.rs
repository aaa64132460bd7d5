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
            .trim_end()
            .ends_with("the private key's numbers do not form an RSA key (d, p, q or the CRT values made from them are wrong)"),
        "no crypto library's code name: {r:?}"
    );
}

/// A PEM label is the file's: an unknown one is named, cut, never a line as long as the file.
#[test]
fn an_unknown_pem_label_is_named_cut_to_64_characters() {
    let dir = tempdir();
    let file = dir.path().join("long.pem");
    let label = "X".repeat(100_000);
    std::fs::write(
        &file,
        format!("-----BEGIN {label}-----\nAAAA\n-----END {label}-----\n"),
    )
    .unwrap();
    let r = layer(&["keys", "thumbprint", path(&file)]);
    assert_eq!(r.code, 2, "{r:?}");
    let line = crate::util::one_error_line(&r);
    assert!(
        line.contains(&format!("unsupported PEM block `{}…`", "X".repeat(63))),
        "{r:?}"
    );
    assert!(line.len() < 400, "{}", line.len());
}

/// A private JWK made by `keys convert` from `key` (a PEM), with `extra` members set.
fn private_jwk(dir: &Path, key: &Path, extra: &Value) -> Value {
    let out = dir.join(format!("p{}.jwk", std::process::id()));
    let _ = std::fs::remove_file(&out);
    let r = keys_convert(key, "jwk", &out);
    assert_eq!(r.code, 0, "{r:?}");
    let mut jwk: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    for (name, value) in extra.as_object().unwrap() {
        jwk[name] = value.clone();
    }
    jwk
}

/// Writes `value` to `dir/name`, mode 0600 (it may hold a private key).
fn write_json(dir: &Path, name: &str, value: &Value) -> PathBuf {
    use std::os::unix::fs::PermissionsExt as _;
    let file = dir.join(name);
    std::fs::write(&file, value.to_string()).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    file
}

/// A JWKS holding a private key beside public ones is a key set, read whole by every
/// command that reads keys, with a warning that a set must hold public keys only; signing
/// with it is refused (before, it was read as its one private key, the others dropped).
#[test]
fn a_jwks_with_a_private_key_among_public_ones_is_a_key_set_read_whole_with_a_warning() {
    let dir = tempdir();
    let (key_a, jwk_a) = keygen_jwk(dir.path(), "a", KID_A);
    let (key_b, _) = keygen_jwk(dir.path(), "b", KID_B);
    let private_b = private_jwk(dir.path(), &key_b, &json!({"kid": KID_B}));
    let mixed = write_json(
        dir.path(),
        "mixed.json",
        &json!({"keys": [jwk_a, private_b]}),
    );
    let warned = |r: &Outcome| {
        r.stderr.contains(&format!(
            "keys[1] (kid \"{KID_B}\") is a private key (it has \"d\"): its public half is used"
        ))
    };
    let check = layer(&["keys", "check", path(&key_a), path(&mixed)]);
    assert_eq!(check.code, 0, "{check:?}");
    assert!(check.stderr.contains("keys[0]"), "{check:?}");
    assert!(warned(&check), "{check:?}");
    let prints = layer(&["keys", "thumbprint", path(&mixed)]);
    assert_eq!(
        (prints.code, prints.stdout.lines().count()),
        (0, 2),
        "{prints:?}"
    );
    assert!(warned(&prints), "{prints:?}");
    let r = layer(&[
        "validate",
        &signed(&key_b, KID_B),
        "--public-key",
        path(&mixed),
        "--now",
        NOW,
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(warned(&r), "{r:?}");
    let r = outcome_of(
        layer_auth()
            .args(["sign", "--nonce", "n", "--user", "u", "--key", path(&mixed)])
            .args(["--key-id", KID_B, "--provider-id", PROVIDER_ID]),
        None,
    );
    assert_eq!((r.code, r.stdout.as_str()), (2, ""), "{r:?}");
    assert!(
        r.stderr
            .contains("the JWKS holds 2 keys, 1 of them private: a key set is for verifying"),
        "{r:?}"
    );
    // A set of that one private key alone still signs, as a private JWK does.
    let alone = write_json(
        dir.path(),
        "alone.json",
        &json!({"keys": [private_jwk(dir.path(), &key_b, &json!({}))]}),
    );
    let r = outcome_of(
        layer_auth()
            .args(["sign", "--nonce", "n", "--user", "u", "--key", path(&alone)])
            .args(["--key-id", KID_B, "--provider-id", PROVIDER_ID]),
        None,
    );
    assert_eq!(r.code, 0, "{r:?}");
}

/// A private JWK keeps its own kid through keys public and keys convert, as a public JWK
/// does, and one whose `use`, `alg` or `key_ops` rule out RS256 signing is refused.
#[test]
fn a_private_jwk_keeps_its_kid_and_is_refused_when_marked_for_another_use() {
    let dir = tempdir();
    let (key, _) = keygen_jwk(dir.path(), "a", KID_A);
    let with_kid = write_json(
        dir.path(),
        "kid.jwk",
        &private_jwk(dir.path(), &key, &json!({"kid": KID_A})),
    );
    let r = keys_public(&with_kid, &["--format", "jwk"]);
    assert_eq!(r.code, 0, "{r:?}");
    let public: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(public["kid"], KID_A, "{r:?}");
    let out = dir.path().join("again.jwk");
    let r = keys_convert(&with_kid, "jwk", &out);
    assert_eq!(r.code, 0, "{r:?}");
    let again: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(again["kid"], KID_A);
    for (member, value, why) in [
        (
            "use",
            json!("enc"),
            "\"use\" is \"enc\": not a signature key",
        ),
        (
            "alg",
            json!("RS512"),
            "\"alg\" is \"RS512\": not an RS256 key",
        ),
        (
            "key_ops",
            json!(["verify"]),
            "\"key_ops\" is [\"verify\"], without \"sign\"",
        ),
        ("kid", json!(7), "\"kid\" is a number, not a string"),
    ] {
        let file = write_json(
            dir.path(),
            "marked.jwk",
            &private_jwk(dir.path(), &key, &json!({member: value})),
        );
        let r = keys_public(&file, &["--format", "jwk"]);
        assert_eq!((r.code, r.stdout.as_str()), (2, ""), "{member}: {r:?}");
        assert!(
            r.stderr.contains(&format!("private JWK: {why}")),
            "{member}: {r:?}"
        );
    }
    let fine = write_json(
        dir.path(),
        "ops.jwk",
        &private_jwk(dir.path(), &key, &json!({"key_ops": ["sign"]})),
    );
    assert_eq!(keys_public(&fine, &[]).code, 0);
}

/// `keys check --key-id` on a kid two keys of the set share is no pair: which one a token
/// with that kid meets is anyone's guess.
#[test]
fn keys_check_key_id_on_a_kid_two_keys_share_fails_naming_both() {
    let dir = tempdir();
    let (key_a, mut jwk_a) = keygen_jwk(dir.path(), "a", KID_A);
    let (_, jwk_b) = keygen_jwk(dir.path(), "b", KID_A);
    jwk_a["kid"] = json!(KID_A);
    let set = write_json(dir.path(), "dup.json", &json!({"keys": [jwk_b, jwk_a]}));
    let r = layer(&["keys", "check", path(&key_a), path(&set), "--key-id", KID_A]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stderr.contains(&format!(
            "has 2 different keys with kid \"{KID_A}\" (keys[0] "
        )),
        "{r:?}"
    );
    assert!(r.stderr.contains("give each key its own kid"), "{r:?}");
    // Without --key-id the question is only whether the set holds the key: it does.
    assert_eq!(layer(&["keys", "check", path(&key_a), path(&set)]).code, 0);
}

/// A JSON key file that is a JWK and a JWKS at once is refused, public or private, and
/// --key-id is refused where the form written has no kid.
#[test]
fn a_key_file_both_jwk_and_jwks_is_refused_and_key_id_needs_a_form_with_a_kid() {
    let dir = tempdir();
    let (key_a, jwk_a) = keygen_jwk(dir.path(), "a", KID_A);
    let (key_b, jwk_b) = keygen_jwk(dir.path(), "b", KID_B);
    let mut both = jwk_a.clone();
    both["keys"] = json!([jwk_b]);
    let mut private_both = private_jwk(dir.path(), &key_a, &json!({}));
    private_both["keys"] = json!([private_jwk(dir.path(), &key_b, &json!({}))]);
    for value in [both, private_both] {
        let file = write_json(dir.path(), "both.json", &value);
        let token = signed(&key_a, KID_A);
        let validates = [
            "validate",
            &token,
            "--now",
            NOW,
            "--public-key",
            path(&file),
        ];
        for r in [
            layer(&["keys", "thumbprint", path(&file)]),
            layer(&validates),
        ] {
            assert_eq!((r.code, r.stdout.as_str()), (2, ""), "{r:?}");
            assert!(
                r.stderr
                    .contains("is both a JWK (it has \"kty\") and a JWKS"),
                "{r:?}"
            );
        }
    }
    for args in [
        vec!["keys", "public", path(&key_a), "--key-id", KID_A],
        vec![
            "keys",
            "public",
            path(&key_a),
            "--format",
            "pkcs1",
            "--key-id",
            KID_A,
        ],
    ] {
        let r = layer(&args);
        assert_eq!((r.code, r.stdout.as_str()), (2, ""), "{r:?}");
        assert!(
            r.stderr.contains("--key-id is the kid of a jwk or jwks"),
            "{r:?}"
        );
    }
    let out = dir.path().join("k.p8");
    let r = layer(&[
        "keys",
        "convert",
        path(&key_a),
        "--to",
        "pkcs8",
        "--out",
        path(&out),
        "--key-id",
        KID_A,
    ]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("--key-id is the kid of a jwk"), "{r:?}");
    assert!(!out.exists());
}

/// The fixture key `name` rebuilt by openssl's ASN.1 generator with one CRT value
/// (`exponent1` = dP, `exponent2` = dQ or `coefficient` = qInv, as openssl names them)
/// changed in its last bit: d, p and q still form a key, its CRT values do not.
fn with_bad_crt(dir: &Path, name: &str, changed: &str) -> PathBuf {
    let text = String::from_utf8(openssl_ok(&[
        "rsa",
        "-in",
        path(&fixture(&format!("keys/{name}"))),
        "-text",
        "-noout",
    ]))
    .unwrap();
    let mut fields: Vec<(String, String)> = Vec::new();
    for line in text.lines().skip(1) {
        if let Some(label) = line.strip_suffix(':').filter(|l| !l.starts_with(' ')) {
            fields.push((label.to_owned(), String::new()));
        } else if let Some((label, value)) =
            line.split_once(": ").filter(|_| !line.starts_with(' '))
        {
            // publicExponent: 65537 (0x10001)
            let hex = value.split("(0x").nth(1).unwrap().trim_end_matches(')');
            fields.push((label.to_owned(), hex.to_owned()));
        } else if let Some((_, hex)) = fields.last_mut() {
            hex.push_str(&line.trim().replace(':', ""));
        }
    }
    for (label, hex) in &mut fields {
        if label == changed {
            let last = hex.pop().unwrap();
            hex.push(if last == '0' { '1' } else { '0' });
        }
    }
    let field = |label: &str| fields.iter().find(|(l, _)| l == label).unwrap().1.clone();
    let conf = dir.join(format!("{name}.{changed}.conf"));
    std::fs::write(
        &conf,
        format!(
            "asn1=SEQUENCE:key\n[key]\nversion=INTEGER:0\nn=INTEGER:0x{}\ne=INTEGER:0x{}\nd=INTEGER:0x{}\np=INTEGER:0x{}\nq=INTEGER:0x{}\ndp=INTEGER:0x{}\ndq=INTEGER:0x{}\nqinv=INTEGER:0x{}\n",
            field("modulus"),
            field("publicExponent"),
            field("privateExponent"),
            field("prime1"),
            field("prime2"),
            field("exponent1"),
            field("exponent2"),
            field("coefficient")
        ),
    )
    .unwrap();
    let der = dir.join(format!("{name}.{changed}.der"));
    openssl_ok(&[
        "asn1parse",
        "-genconf",
        path(&conf),
        "-out",
        path(&der),
        "-noout",
    ]);
    der
}

/// A key whose CRT values do not match its d, p and q is malformed whatever its size:
/// aws-lc checks them for 2048 to 8192 bits, and so do we for legacy keys and keys over
/// 8192 bits (the `rsa` crate does not), which `keys convert` would otherwise write out
/// broken. openssl agrees that the rebuilt key is broken.
#[test]
fn a_key_whose_crt_values_do_not_match_is_malformed_at_every_size() {
    let dir = tempdir();
    for (name, changed) in [
        ("rsa1024-pkcs1.pem", "exponent1"),
        ("rsa1024-pkcs1.pem", "exponent2"),
        ("rsa1024-pkcs1.pem", "coefficient"),
        ("rsa2048-pkcs1.pem", "coefficient"),
        ("rsa9216-pkcs8.pem", "coefficient"),
    ] {
        let broken = with_bad_crt(dir.path(), name, changed);
        let checked = openssl(&[
            "rsa",
            "-inform",
            "DER",
            "-in",
            path(&broken),
            "-check",
            "-noout",
        ]);
        // openssl rsa -check exits 0 either way; it says so in words.
        let said =
            String::from_utf8_lossy(&checked.stdout) + String::from_utf8_lossy(&checked.stderr);
        assert!(
            said.contains("RSA key not ok"),
            "openssl finds {name}'s copy broken too: {said}"
        );
        let r = layer(&["keys", "thumbprint", path(&broken)]);
        assert_eq!((r.code, r.stdout.as_str()), (2, ""), "{name}: {r:?}");
        assert!(r.stderr.contains("do not form an RSA key"), "{name}: {r:?}");
    }
}

/// From the review of the key-set changes: a private JWK's kid that is key material is
/// refused (a kid is published), a private member marked `key_ops: ["sign"]` (as WebCrypto
/// exports it) lends its public half to verifying, and one key listed twice under a kid is
/// still one key for `keys check --key-id`.
#[test]
fn private_jwk_kids_key_ops_sign_and_a_key_listed_twice() {
    let dir = tempdir();
    let (key, jwk) = keygen_jwk(dir.path(), "a", KID_A);
    let private = private_jwk(dir.path(), &key, &json!({}));
    let d = private["d"].as_str().unwrap().to_owned();
    let leaky = write_json(
        dir.path(),
        "leaky.jwk",
        &private_jwk(dir.path(), &key, &json!({"kid": d})),
    );
    let r = keys_public(&leaky, &["--format", "jwk"]);
    assert_eq!((r.code, r.stdout.as_str()), (2, ""), "{r:?}");
    assert!(
        r.stderr
            .contains("private JWK: its \"kid\" (342 characters) looks like base64"),
        "{r:?}"
    );
    assert!(!r.stderr.contains(&d[..40]), "{r:?}");
    let signer = private_jwk(
        dir.path(),
        &key,
        &json!({"kid": KID_A, "key_ops": ["sign"]}),
    );
    let set = write_json(dir.path(), "ops.json", &json!({"keys": [signer]}));
    let r = layer(&[
        "validate",
        &signed(&key, KID_A),
        "--public-key",
        path(&set),
        "--now",
        NOW,
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(!r.stderr.contains("skipped"), "{r:?}");
    let twice = write_json(dir.path(), "twice.json", &json!({"keys": [jwk, jwk]}));
    let r = layer(&["keys", "check", path(&key), path(&twice), "--key-id", KID_A]);
    assert_eq!(r.code, 0, "{r:?}");
}

/// keys check names a key by its place in the file, skipped members counted: the key a
/// message calls keys[1] is the file's keys[1].
#[test]
fn keys_check_names_a_jwks_member_by_its_place_in_the_file() {
    let dir = tempdir();
    let (key, jwk) = keygen_jwk(dir.path(), "a", KID_A);
    let ec = json!({"kty": "EC", "crv": "P-256", "x": "AA", "y": "AA", "kid": "ec"});
    let set = write_json(dir.path(), "set.json", &json!({"keys": [ec, jwk]}));
    let r = layer(&["keys", "check", path(&key), path(&set)]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stderr.contains("keys[0] (kid \"ec\")"),
        "the skip warning: {r:?}"
    );
    assert!(
        r.stderr
            .contains(&format!("form a pair: keys[1] (kid \"{KID_A}\"")),
        "{r:?}"
    );
}
