//! `layer-auth sign`: one token per run, or one per JSON line with `--batch` (SPEC §1, §3).

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::path::Path;
use std::process::Stdio;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use crate::util::{
    IDS, KEY_ID, Outcome, PROVIDER_ID, fixture, layer, layer_auth, one_error_line, outcome_of,
    path, private_key, sign_cmd, sign_error, tempdir,
};

/// `sign` with the main 2048-bit key (a private copy in `dir`) and the fixtures' ids.
fn sign_in(dir: &Path) -> std::process::Command {
    sign_cmd(&private_key(dir, "rsa2048-pkcs1.pem"))
}

/// Runs `sign ARGS…` with the fixtures' ids, the key (or its path) only in `env`.
fn sign_from_env(env: &[(&str, &str)], args: &[&str]) -> Outcome {
    outcome_of(
        layer_auth()
            .envs(env.iter().copied())
            .arg("sign")
            .args(IDS)
            .args(args),
        None,
    )
}

/// Runs `sign ARGS…` with the main key (a private copy) and the fixtures' ids.
fn sign(args: &[&str]) -> Outcome {
    let dir = tempdir();
    outcome_of(sign_in(dir.path()).args(args), None)
}

/// The run succeeded and printed exactly one token and a newline; returns the token.
fn one_token(r: &Outcome) -> String {
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.stdout.lines().count(), 1, "one line: {r:?}");
    let token = r.stdout.strip_suffix('\n').expect("ends with a newline");
    assert!(!token.contains('\n') && !token.contains('\r'), "{r:?}");
    token.to_owned()
}

/// A token's header and claims, decoded from strict unpadded base64url JSON.
fn decode(token: &str) -> (Value, Value) {
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3, "three parts: {token}");
    let json = |part: &str| -> Value {
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
    };
    (json(parts[0]), json(parts[1]))
}

fn claims(token: &str) -> Value {
    decode(token).1
}

/// `layer-auth validate TOKEN --public-key keys/SPKI --now iat+1`.
fn validate(token: &str, spki: &str) -> Outcome {
    let iat = claims(token)["iat"].as_i64().unwrap();
    let spki = fixture(&format!("keys/{spki}"));
    let now = (iat + 1).to_string();
    layer(&[
        "validate",
        token,
        "--public-key",
        spki.to_str().unwrap(),
        "--now",
        &now,
    ])
}

/// A clap usage error: exit 2, nothing on stdout, stderr starting with `error:`.
fn usage_error(r: &Outcome) -> &str {
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stdout.is_empty(), "{r:?}");
    assert!(r.stderr.starts_with("error: "), "{r:?}");
    &r.stderr
}

// ---- one token ----

#[test]
fn sign_prints_one_token_and_a_newline_in_three_base64url_parts_and_nothing_on_stderr() {
    let r = sign(&["--nonce", "n", "--user", "alice"]);
    let token = one_token(&r);
    assert_eq!(r.stdout, format!("{token}\n"));
    assert!(r.stderr.is_empty(), "{r:?}");
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3, "{token}");
    for part in &parts {
        assert!(!part.is_empty(), "{token}");
        assert!(
            part.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
            "unpadded base64url only: {part}"
        );
    }
    assert_eq!(
        URL_SAFE_NO_PAD.decode(parts[2]).unwrap().len(),
        256,
        "an RSA-2048 signature is 256 bytes"
    );
}

#[test]
fn sign_header_is_exactly_jws_rs256_layer_eit_v1_and_the_key_id() {
    let r = sign(&["--nonce", "n", "--user", "alice"]);
    let (header, _) = decode(&one_token(&r));
    assert_eq!(
        header,
        json!({"typ": "JWS", "alg": "RS256", "cty": "layer-eit;v=1", "kid": KEY_ID})
    );
}

#[test]
fn sign_typ_jwt_puts_jwt_in_the_header_and_changes_nothing_else() {
    let r = sign(&["--nonce", "n", "--user", "alice", "--typ", "JWT"]);
    let (header, _) = decode(&one_token(&r));
    assert_eq!(
        header,
        json!({"typ": "JWT", "alg": "RS256", "cty": "layer-eit;v=1", "kid": KEY_ID})
    );
}

#[test]
fn sign_copies_provider_user_and_nonce_verbatim_into_iss_prn_and_nce() {
    let nonce = "Nonce with spaces, /+= and é";
    let r = sign(&["--nonce", nonce, "--user", "42", "--now", "1700000000"]);
    let claims = claims(&one_token(&r));
    assert_eq!(
        claims,
        json!({
            "iss": PROVIDER_ID,
            "prn": "42",
            "iat": 1_700_000_000,
            "exp": 1_700_000_600,
            "nce": nonce,
        }),
        "a numeric-looking user stays a string; default lifetime 10m"
    );
}

#[test]
fn sign_now_1700000000_and_ttl_90s_give_iat_1700000000_and_exp_1700000090() {
    let r = sign(&[
        "--nonce",
        "n",
        "--user",
        "alice",
        "--now",
        "1700000000",
        "--ttl",
        "90s",
    ]);
    let claims = claims(&one_token(&r));
    assert_eq!(claims["iat"], json!(1_700_000_000));
    assert_eq!(claims["exp"], json!(1_700_000_090));
}

#[test]
fn sign_takes_now_as_rfc3339_and_ttl_in_minutes_hours_days_or_plain_seconds() {
    for (now, ttl, lifetime) in [
        ("2023-11-14T22:13:20Z", "10m", 600),
        ("2023-11-14T23:13:20+01:00", "2h", 7200),
        ("1700000000", "1d", 86_400),
        ("1700000000", "45", 45),
    ] {
        let r = sign(&["--nonce", "n", "--user", "u", "--now", now, "--ttl", ttl]);
        let claims = claims(&one_token(&r));
        assert_eq!(claims["iat"], json!(1_700_000_000), "--now {now}");
        assert_eq!(
            claims["exp"],
            json!(1_700_000_000 + lifetime),
            "--ttl {ttl}"
        );
    }
}

#[test]
fn sign_without_now_stamps_the_current_time() {
    let before = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let r = sign(&["--nonce", "n", "--user", "u"]);
    let iat = claims(&one_token(&r))["iat"].as_u64().unwrap();
    assert!(
        before <= iat && iat <= before + 60,
        "iat {iat}, now {before}"
    );
}

#[test]
fn sign_profile_flags_land_as_string_claims() {
    let r = sign(&[
        "--nonce",
        "n",
        "--user",
        "alice",
        "--display-name",
        "Alice Liddell",
        "--first-name",
        "Alice",
        "--last-name",
        "Liddell",
        "--avatar-url",
        "https://example.com/alice.png",
    ]);
    let claims = claims(&one_token(&r));
    assert_eq!(claims["display_name"], json!("Alice Liddell"));
    assert_eq!(claims["first_name"], json!("Alice"));
    assert_eq!(claims["last_name"], json!("Liddell"));
    assert_eq!(claims["avatar_url"], json!("https://example.com/alice.png"));
    assert_eq!(claims["prn"], json!("alice"));
}

#[test]
fn sign_claim_with_a_json_value_gives_that_json_and_plain_text_gives_a_string() {
    let r = sign(&[
        "--nonce",
        "n",
        "--user",
        "alice",
        "--claim",
        r#"metadata={"team":"blue"}"#,
        "--claim",
        "team=blue",
        "--claim",
        "level=42",
    ]);
    let claims = claims(&one_token(&r));
    assert_eq!(claims["metadata"], json!({"team": "blue"}));
    assert_eq!(claims["team"], json!("blue"));
    assert_eq!(claims["level"], json!(42));
    assert!(r.stderr.is_empty(), "{r:?}");
}

#[test]
fn sign_claim_with_a_number_no_double_holds_is_refused_not_rounded() {
    for (value, written, held) in [
        (
            "12345678901234567890123",
            "12345678901234567890123",
            "1.2345678901234568e+22",
        ),
        ("[0.10000000000000000001]", "0.10000000000000000001", "0.1"),
    ] {
        let claim = format!("big={value}");
        let r = sign(&["--nonce", "n", "--user", "u", "--claim", &claim]);
        let stderr = usage_error(&r);
        assert!(
            stderr.contains(&format!(
                "the value of big has the number {written}, which would become {held}"
            )) && stderr.contains("give it as a string"),
            "{r:?}"
        );
    }
    // JSON past a double's range is refused too, not signed as the string of its text.
    for value in ["1e400", "[1,2,-1e400]", r#"{"a":1e400}"#] {
        let claim = format!("big={value}");
        let r = sign(&["--nonce", "n", "--user", "u", "--claim", &claim]);
        let stderr = usage_error(&r);
        assert!(
            stderr.contains(
                "the value of big is JSON that cannot be signed as written (number out of range"
            ),
            "{value}: {r:?}"
        );
    }
    // What a double or a 64-bit integer holds is signed with its value.
    let r = sign(&[
        "--nonce",
        "n",
        "--user",
        "u",
        "--claim",
        "id=18446744073709551615",
        "--claim",
        "r=1E2",
    ]);
    let claims = claims(&one_token(&r));
    assert_eq!(claims["id"], json!(18_446_744_073_709_551_615_u64));
    assert_eq!(claims["r"], json!(100.0));
}

#[test]
fn sign_claim_without_a_name_and_equals_sign_is_a_usage_error_showing_the_form() {
    for claim in ["team", "=blue"] {
        let r = sign(&["--nonce", "n", "--user", "u", "--claim", claim]);
        let stderr = usage_error(&r);
        assert!(stderr.contains("--claim"), "{r:?}");
        assert!(stderr.contains("NAME=JSON"), "{r:?}");
    }
}

#[test]
fn sign_refuses_a_display_name_over_128_characters_with_exit_2() {
    let long = "x".repeat(129);
    let r = sign(&["--nonce", "n", "--user", "u", "--display-name", &long]);
    let stderr = one_error_line(&r);
    assert!(
        stderr.contains("display_name") && stderr.contains("128"),
        "{r:?}"
    );
}

// ---- where the key comes from ----

#[test]
fn sign_reads_pkcs1_pem_pkcs8_pem_and_pkcs8_der_keys_into_the_same_verifiable_token() {
    let dir = tempdir();
    let mut tokens = Vec::new();
    for name in [
        "rsa2048-pkcs1.pem",
        "rsa2048-pkcs8.pem",
        "rsa2048-pkcs8.der",
    ] {
        let key = private_key(dir.path(), name);
        let r = outcome_of(
            sign_cmd(&key).args(["--nonce", "n", "--user", "alice", "--now", "1700000000"]),
            None,
        );
        let token = one_token(&r);
        assert!(r.stderr.is_empty(), "{name}: {r:?}");
        let v = validate(&token, "rsa2048-spki.pem");
        assert_eq!(v.code, 0, "{name} token validates: {v:?}");
        tokens.push(token);
    }
    // RSASSA-PKCS1-v1_5 is deterministic: one key in three encodings signs identically.
    assert_eq!(tokens[0], tokens[1]);
    assert_eq!(tokens[1], tokens[2]);
}

#[test]
fn sign_reads_the_key_file_named_by_layer_private_key_path() {
    let dir = tempdir();
    let key = private_key(dir.path(), "rsa2048-pkcs8.pem");
    let r = sign_from_env(
        &[("LAYER_PRIVATE_KEY_PATH", path(&key))],
        &["--nonce", "n", "--user", "alice"],
    );
    let token = one_token(&r);
    assert!(r.stderr.is_empty(), "{r:?}");
    let v = validate(&token, "rsa2048-spki.pem");
    assert_eq!(v.code, 0, "{v:?}");
}

#[test]
fn sign_reads_the_pem_itself_from_layer_private_key() {
    for name in ["rsa2048-pkcs1.pem", "rsa2048-pkcs8.pem"] {
        let pem = std::fs::read_to_string(fixture(&format!("keys/{name}"))).unwrap();
        let r = sign_from_env(
            &[("LAYER_PRIVATE_KEY", &pem)],
            &["--nonce", "n", "--user", "alice"],
        );
        let token = one_token(&r);
        assert!(r.stderr.is_empty(), "{name}: {r:?}");
        let v = validate(&token, "rsa2048-spki.pem");
        assert_eq!(v.code, 0, "{name}: {v:?}");
    }
}

#[test]
fn sign_reads_a_pem_with_backslash_n_escaped_newlines_from_layer_private_key() {
    let escaped = std::fs::read_to_string(fixture("keys/rsa2048-pkcs1-escaped.txt")).unwrap();
    assert!(!escaped.contains('\n') && escaped.contains("\\n"));
    let r = sign_from_env(
        &[("LAYER_PRIVATE_KEY", &escaped)],
        &["--nonce", "n", "--user", "alice"],
    );
    let token = one_token(&r);
    let v = validate(&token, "rsa2048-spki.pem");
    assert_eq!(v.code, 0, "{v:?}");
}

#[test]
fn sign_prefers_the_key_flag_over_layer_private_key() {
    let dir = tempdir();
    let key = private_key(dir.path(), "rsa2048-pkcs8.pem");
    let other = std::fs::read_to_string(fixture("keys/other2048-pkcs8.pem")).unwrap();
    let r = outcome_of(
        sign_cmd(&key)
            .env("LAYER_PRIVATE_KEY", other)
            .args(["--nonce", "n", "--user", "alice"]),
        None,
    );
    let token = one_token(&r);
    let v = validate(&token, "rsa2048-spki.pem");
    assert_eq!(v.code, 0, "signed with --key, not the variable: {v:?}");
}

#[test]
fn sign_takes_provider_and_key_id_from_layer_provider_id_and_layer_key_id() {
    let dir = tempdir();
    let key = private_key(dir.path(), "rsa2048-pkcs8.pem");
    // `sign --key KEY ARGS… --nonce n --user alice` with both ids in the environment.
    let sign_with_ids_set = |args: &[&str]| {
        outcome_of(
            layer_auth()
                .env("LAYER_PROVIDER_ID", "layer:///providers/from-env")
                .env("LAYER_KEY_ID", "layer:///keys/from-env")
                .arg("sign")
                .arg("--key")
                .arg(&key)
                .args(args)
                .args(["--nonce", "n", "--user", "alice"]),
            None,
        )
    };
    let r = sign_with_ids_set(&[]);
    let (header, claims) = decode(&one_token(&r));
    assert_eq!(header["kid"], json!("layer:///keys/from-env"));
    assert_eq!(claims["iss"], json!("layer:///providers/from-env"));
    // A flag beats its variable.
    let r = sign_with_ids_set(&IDS);
    let (header, claims) = decode(&one_token(&r));
    assert_eq!(header["kid"], json!(KEY_ID));
    assert_eq!(claims["iss"], json!(PROVIDER_ID));
}

#[test]
fn sign_with_an_empty_layer_private_key_path_falls_back_to_layer_private_key() {
    let pem = std::fs::read_to_string(fixture("keys/rsa2048-pkcs8.pem")).unwrap();
    let r = sign_from_env(
        &[("LAYER_PRIVATE_KEY_PATH", ""), ("LAYER_PRIVATE_KEY", &pem)],
        &["--nonce", "n", "--user", "alice"],
    );
    let token = one_token(&r);
    let v = validate(&token, "rsa2048-spki.pem");
    assert_eq!(v.code, 0, "{v:?}");
}

// ---- key errors: exit 2, one line naming the fix, nothing on stdout ----

#[test]
fn sign_without_any_key_exits_2_and_names_the_key_flag_and_layer_private_key() {
    let r = layer(&[
        "sign",
        "--provider-id",
        PROVIDER_ID,
        "--key-id",
        KEY_ID,
        "--nonce",
        "n",
        "--user",
        "u",
    ]);
    let stderr = one_error_line(&r);
    assert!(stderr.contains("--key"), "{r:?}");
    assert!(stderr.contains("LAYER_PRIVATE_KEY"), "{r:?}");
    assert!(stderr.contains("LAYER_PRIVATE_KEY_PATH"), "{r:?}");
}

#[test]
fn sign_with_a_blank_layer_private_key_exits_2_as_if_no_key_were_given() {
    let r = sign_from_env(
        &[("LAYER_PRIVATE_KEY", "  \n")],
        &["--nonce", "n", "--user", "u"],
    );
    let stderr = one_error_line(&r);
    assert!(
        stderr.contains("no private key") && stderr.contains("--key"),
        "{r:?}"
    );
}

#[test]
fn a_pem_put_in_layer_private_key_path_by_mistake_is_never_echoed() {
    let pem = std::fs::read_to_string(fixture("keys/rsa2048-pkcs1.pem")).unwrap();
    let r = sign_from_env(
        &[("LAYER_PRIVATE_KEY_PATH", &pem)],
        &["--nonce", "n", "--user", "u"],
    );
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        !r.stderr.contains("BEGIN") && !r.stderr.contains("MII"),
        "{r:?}"
    );
    assert!(
        r.stderr.contains("put the key itself in LAYER_PRIVATE_KEY"),
        "{r:?}"
    );
}

#[test]
fn sign_with_a_missing_key_file_exits_2_and_names_the_file() {
    let dir = tempdir();
    let missing = dir.path().join("nowhere.pem");
    let r = outcome_of(
        sign_cmd(&missing).args(["--nonce", "n", "--user", "u"]),
        None,
    );
    let stderr = one_error_line(&r);
    assert!(stderr.contains("nowhere.pem"), "{r:?}");
    assert!(stderr.contains("cannot read"), "{r:?}");
}

#[test]
fn sign_with_a_public_key_as_key_exits_2_and_says_signing_needs_the_private_key() {
    let r = sign_error("rsa2048-spki.pem");
    assert!(r.stderr.contains("public key"), "{r:?}");
    assert!(r.stderr.contains("private key"), "{r:?}");
    assert!(r.stderr.contains("rsa2048-spki.pem"), "{r:?}");
}

#[test]
fn sign_with_a_file_that_is_not_a_key_exits_2_and_says_what_it_expected() {
    let dir = tempdir();
    let garbage = dir.path().join("garbage.pem");
    std::fs::write(&garbage, "this is not a key\n").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&garbage, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let r = outcome_of(
        sign_cmd(&garbage).args(["--nonce", "n", "--user", "u"]),
        None,
    );
    let stderr = one_error_line(&r);
    assert!(stderr.contains("garbage.pem"), "{r:?}");
    assert!(
        stderr.contains("not a key") && stderr.contains("PEM"),
        "{r:?}"
    );
}

#[test]
fn sign_with_an_ec_key_exits_2_and_says_it_needs_an_rsa_key() {
    let r = sign_error("ec-p256.pem");
    assert!(r.stderr.contains("EC key"), "{r:?}");
    assert!(r.stderr.contains("RSA"), "{r:?}");
}

#[test]
fn sign_with_an_encrypted_key_needs_its_passphrase_from_the_environment_or_a_file() {
    let r = sign_error("rsa2048-pkcs8-encrypted.pem");
    assert!(r.stderr.contains("encrypted"), "{r:?}");
    assert!(r.stderr.contains("LAYER_PRIVATE_KEY_PASSPHRASE"), "{r:?}");
    let dir = tempdir();
    let encrypted = private_key(dir.path(), "rsa2048-pkcs8-encrypted.pem");
    let wrong = outcome_of(
        sign_cmd(&encrypted)
            .args(["--nonce", "n", "--user", "u"])
            .env("LAYER_PRIVATE_KEY_PASSPHRASE", "nope"),
        None,
    );
    assert!(
        one_error_line(&wrong).contains("does not open"),
        "{wrong:?}"
    );
    // openssl wrote this key (make.sh: passphrase "test"); a file's line ending is not part
    // of the passphrase.
    let file = dir.path().join("passphrase");
    std::fs::write(&file, "test\n").unwrap();
    let signed = outcome_of(
        sign_cmd(&encrypted)
            .args(["--nonce", "n", "--user", "u", "--passphrase-file"])
            .arg(&file),
        None,
    );
    assert_eq!(signed.code, 0, "{signed:?}");
    let from_env = outcome_of(
        sign_cmd(&encrypted)
            .args(["--nonce", "n", "--user", "u"])
            .env("LAYER_PRIVATE_KEY_PASSPHRASE", "test"),
        None,
    );
    assert_eq!(from_env.code, 0, "{from_env:?}");
    assert!(!signed.stderr.contains("test") || !signed.stderr.contains("passphrase"));
}

#[test]
fn sign_with_1024_bit_key_without_allow_weak_key_exits_2_and_says_how_to_move_on() {
    let r = sign_error("rsa1024-pkcs1.pem");
    assert!(r.stderr.contains("1024"), "{r:?}");
    assert!(r.stderr.contains("2048"), "{r:?}");
    assert!(r.stderr.contains("--allow-weak-key"), "{r:?}");
    assert!(r.stderr.contains("register"), "{r:?}");
}

#[test]
fn sign_with_1024_bit_key_and_allow_weak_key_warns_and_the_token_verifies_with_rsa1024_spki() {
    let dir = tempdir();
    let weak = private_key(dir.path(), "rsa1024-pkcs1.pem");
    let r = outcome_of(
        sign_cmd(&weak).args(["--nonce", "n", "--user", "u", "--allow-weak-key"]),
        None,
    );
    let token = one_token(&r);
    assert_eq!(r.stderr.lines().count(), 1, "{r:?}");
    assert!(r.stderr.starts_with("warning: "), "{r:?}");
    assert!(r.stderr.contains("1024-bit"), "{r:?}");
    let signature = token.rsplit('.').next().unwrap();
    assert_eq!(URL_SAFE_NO_PAD.decode(signature).unwrap().len(), 128);
    let v = validate(&token, "rsa1024-spki.pem");
    assert_eq!(v.code, 0, "{v:?}");
    let v = validate(&token, "rsa2048-spki.pem");
    assert_eq!(v.code, 1, "not by the 2048-bit key: {v:?}");
}

#[test]
fn sign_with_a_key_file_readable_by_others_signs_but_warns_chmod_600() {
    let dir = tempdir();
    let key = private_key(dir.path(), "rsa2048-pkcs8.pem");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    let r = outcome_of(sign_cmd(&key).args(["--nonce", "n", "--user", "u"]), None);
    let token = one_token(&r);
    assert_eq!(r.stderr.lines().count(), 1, "{r:?}");
    assert!(r.stderr.starts_with("warning: "), "{r:?}");
    assert!(r.stderr.contains("chmod 600"), "{r:?}");
    assert!(r.stderr.contains("644"), "{r:?}");
    let v = validate(&token, "rsa2048-spki.pem");
    assert_eq!(v.code, 0, "{v:?}");
}

// ---- other input errors ----

#[test]
fn sign_without_provider_id_or_key_id_exits_2_and_names_the_flag_and_the_variable() {
    let dir = tempdir();
    let key = private_key(dir.path(), "rsa2048-pkcs8.pem");
    let r = outcome_of(
        layer_auth()
            .arg("sign")
            .arg("--key")
            .arg(&key)
            .args(["--key-id", KEY_ID, "--nonce", "n", "--user", "u"]),
        None,
    );
    let stderr = one_error_line(&r);
    assert!(
        stderr.contains("--provider-id") && stderr.contains("LAYER_PROVIDER_ID"),
        "{r:?}"
    );
    let r = outcome_of(
        layer_auth().arg("sign").arg("--key").arg(&key).args([
            "--provider-id",
            PROVIDER_ID,
            "--nonce",
            "n",
            "--user",
            "u",
        ]),
        None,
    );
    let stderr = one_error_line(&r);
    assert!(
        stderr.contains("--key-id") && stderr.contains("LAYER_KEY_ID"),
        "{r:?}"
    );
}

#[test]
fn sign_without_nonce_or_user_is_a_usage_error_with_exit_2_naming_the_flag() {
    let r = sign(&["--user", "u"]);
    assert!(usage_error(&r).contains("--nonce"), "{r:?}");
    let r = sign(&["--nonce", "n"]);
    assert!(usage_error(&r).contains("--user"), "{r:?}");
}

#[test]
fn sign_with_an_empty_user_or_nonce_exits_2_and_names_it() {
    let r = sign(&["--nonce", "n", "--user", ""]);
    let stderr = one_error_line(&r);
    assert!(stderr.contains("user id is empty"), "{r:?}");
    assert!(!stderr.contains("non-empty the"), "in plain words: {r:?}");
    let r = sign(&["--nonce", "", "--user", "u"]);
    assert!(one_error_line(&r).contains("nonce is empty"), "{r:?}");
}

#[test]
fn sign_with_ttl_soon_negative_or_zero_exits_2_naming_ttl_and_its_forms() {
    let r = sign(&["--nonce", "n", "--user", "u", "--ttl", "soon"]);
    let stderr = usage_error(&r);
    assert!(stderr.contains("--ttl") && stderr.contains("90s"), "{r:?}");
    let r = sign(&["--nonce", "n", "--user", "u", "--ttl=-5s"]);
    let stderr = usage_error(&r);
    assert!(stderr.contains("--ttl") && stderr.contains("-5s"), "{r:?}");
    let r = sign(&["--nonce", "n", "--user", "u", "--ttl", "0s"]);
    assert!(one_error_line(&r).contains("--ttl"), "{r:?}");
}

#[test]
fn sign_with_ttl_minus_5s_as_a_separate_argument_exits_2_and_names_ttl() {
    let r = sign(&["--nonce", "n", "--user", "u", "--ttl", "-5s"]);
    let stderr = usage_error(&r);
    assert!(stderr.contains("--ttl"), "{r:?}");
}

#[test]
fn sign_with_now_yesterday_exits_2_naming_now_and_the_accepted_forms() {
    let r = sign(&["--nonce", "n", "--user", "u", "--now", "yesterday"]);
    let stderr = usage_error(&r);
    assert!(stderr.contains("--now"), "{r:?}");
    assert!(
        stderr.contains("RFC 3339") && stderr.contains("epoch"),
        "{r:?}"
    );
}

#[test]
fn sign_with_a_key_file_and_layer_private_key_both_set_says_which_one_signed() {
    let dir = tempdir();
    let other = std::fs::read_to_string(fixture("keys/other2048-pkcs8.pem")).unwrap();
    let r = outcome_of(
        sign_in(dir.path())
            .env("LAYER_PRIVATE_KEY", &other)
            .args(["--nonce", "n", "--user", "u"]),
        None,
    );
    let token = one_token(&r);
    assert!(
        r.stderr.contains(
            "warning: LAYER_PRIVATE_KEY is set too, and not used: the key file --key names wins"
        ),
        "{r:?}"
    );
    assert!(
        !r.stderr.contains("PRIVATE KEY-----"),
        "never the key: {r:?}"
    );
    assert_eq!(
        validate(&token, "rsa2048-spki.pem").code,
        0,
        "the file's key signed"
    );
}

// ---- --batch ----

fn batch_line(nonce: &str, user: &str) -> String {
    json!({"nonce": nonce, "user": user}).to_string()
}

/// `sign --batch -` with the main key and `--now 1700000000`, fed `input`.
fn batch_stdin(dir: &Path, input: &str) -> Outcome {
    outcome_of(
        sign_in(dir).args(["--now", "1700000000", "--batch", "-"]),
        Some(input.as_bytes()),
    )
}

#[test]
fn sign_batch_refuses_a_line_with_a_number_no_double_holds_and_signs_the_others() {
    let dir = tempdir();
    let input = format!(
        "{}\n{{\"nonce\":\"n2\",\"user\":\"u\",\"id\":123456789012345678901}}\n{}\n",
        batch_line("n1", "u"),
        batch_line("n3", "u")
    );
    let r = batch_stdin(dir.path(), &input);
    assert_eq!(r.code, 1, "{r:?}");
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{r:?}");
    assert!(
        lines[1].is_empty() && !lines[0].is_empty() && !lines[2].is_empty(),
        "{r:?}"
    );
    assert!(
        r.stderr.contains(
            "line 2: the line has the number 123456789012345678901, which would become \
             1.2345678901234568e+20"
        ),
        "{r:?}"
    );
}

#[test]
fn sign_batch_from_stdin_answers_200_lines_with_200_tokens_in_input_order() {
    let dir = tempdir();
    let input: String = (0..200)
        .map(|i| batch_line(&format!("n{i}"), &format!("user{i}")) + "\n")
        .collect();
    let r = batch_stdin(dir.path(), &input);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stderr.is_empty(), "{r:?}");
    assert!(r.stdout.ends_with('\n'));
    let tokens: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(tokens.len(), 200);
    for (i, token) in tokens.iter().enumerate() {
        let claims = claims(token);
        assert_eq!(claims["nce"], json!(format!("n{i}")), "line {}", i + 1);
        assert_eq!(claims["prn"], json!(format!("user{i}")), "line {}", i + 1);
        assert_eq!(claims["iat"], json!(1_700_000_000));
        assert_eq!(claims["iss"], json!(PROVIDER_ID));
    }
    let v = validate(tokens[199], "rsa2048-spki.pem");
    assert_eq!(v.code, 0, "{v:?}");
}

#[test]
fn sign_batch_from_a_file_gives_one_token_per_line_in_order_the_same_as_single_signs() {
    let dir = tempdir();
    let file = dir.path().join("lines.jsonl");
    // A CRLF line ending, and no newline after the last line.
    let input = format!(
        "{}\n{}\r\n{}",
        batch_line("n1", "alice"),
        batch_line("n2", "bob"),
        batch_line("n3", "carol")
    );
    std::fs::write(&file, input).unwrap();
    let r = outcome_of(
        sign_in(dir.path())
            .args(["--now", "1700000000", "--batch"])
            .arg(&file),
        None,
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stderr.is_empty(), "{r:?}");
    let tokens: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(tokens.len(), 3, "{r:?}");
    for (token, (nonce, user)) in
        tokens
            .iter()
            .zip([("n1", "alice"), ("n2", "bob"), ("n3", "carol")])
    {
        let single = sign(&["--now", "1700000000", "--nonce", nonce, "--user", user]);
        assert_eq!(*token, one_token(&single), "{user}");
    }
}

#[test]
fn sign_batch_bad_lines_leave_empty_lines_in_place_name_line_k_and_exit_1() {
    let dir = tempdir();
    let input = [
        batch_line("n1", "alice"),
        "not json".to_owned(),
        r#"{"nonce":"n3"}"#.to_owned(),
        r#"{"nonce":"n4","user":4}"#.to_owned(),
        String::new(),
        batch_line("n6", "frank"),
    ]
    .join("\n")
        + "\n";
    let r = batch_stdin(dir.path(), &input);
    assert_eq!(r.code, 1, "{r:?}");
    let lines: Vec<&str> = r.stdout.split_terminator('\n').collect();
    assert_eq!(lines.len(), 6, "one output line per input line: {r:?}");
    assert_eq!(claims(lines[0])["nce"], json!("n1"));
    assert_eq!(&lines[1..5], ["", "", "", ""], "{r:?}");
    assert_eq!(claims(lines[5])["nce"], json!("n6"));
    assert_eq!(claims(lines[5])["prn"], json!("frank"));
    for k in 2..=4 {
        assert!(r.stderr.contains(&format!("line {k}:")), "line {k}: {r:?}");
    }
    // A blank line answers with a blank line and is no failure (as in validate -).
    for k in [1, 5, 6] {
        assert!(!r.stderr.contains(&format!("line {k}:")), "line {k}: {r:?}");
    }
    assert!(r.stderr.contains("not JSON"), "{r:?}");
    assert!(r.stderr.contains(r#"no "user""#), "{r:?}");
    assert!(r.stderr.contains("must be a string"), "{r:?}");
    assert!(r.stderr.contains("3 line(s) could not be signed"), "{r:?}");
}

#[test]
fn sign_batch_line_optional_claims_land_in_that_token_only() {
    let dir = tempdir();
    let input = [
        batch_line("n1", "alice"),
        json!({
            "nonce": "n2",
            "user": "bob",
            "display_name": "Bob B",
            "metadata": {"team": "blue"},
        })
        .to_string(),
        batch_line("n3", "carol"),
    ]
    .join("\n");
    let r = batch_stdin(dir.path(), &input);
    assert_eq!(r.code, 0, "{r:?}");
    let tokens: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(tokens.len(), 3, "{r:?}");
    let bob = claims(tokens[1]);
    assert_eq!(bob["display_name"], json!("Bob B"));
    assert_eq!(bob["metadata"], json!({"team": "blue"}));
    assert_eq!(bob["prn"], json!("bob"));
    for other in [tokens[0], tokens[2]] {
        let claims = claims(other);
        assert!(claims.get("display_name").is_none(), "{claims}");
        assert!(claims.get("metadata").is_none(), "{claims}");
    }
}

#[test]
fn sign_batch_line_with_bad_metadata_is_named_and_left_empty() {
    let dir = tempdir();
    let input = [
        batch_line("n1", "alice"),
        r#"{"nonce":"n2","user":"bob","metadata":{"n":1}}"#.to_owned(),
    ]
    .join("\n");
    let r = batch_stdin(dir.path(), &input);
    assert_eq!(r.code, 1, "{r:?}");
    let lines: Vec<&str> = r.stdout.split_terminator('\n').collect();
    assert_eq!(lines.len(), 2, "{r:?}");
    assert_eq!(claims(lines[0])["prn"], json!("alice"));
    assert_eq!(lines[1], "");
    assert!(
        r.stderr.contains("line 2:") && r.stderr.contains("metadata"),
        "{r:?}"
    );
}

#[test]
fn a_batch_line_cannot_replace_a_claim_sign_sets_itself() {
    let dir = tempdir();
    let key = private_key(dir.path(), "rsa2048-pkcs8.pem");
    let input = b"{\"nonce\":\"a\",\"user\":\"alice\",\"prn\":\"mallory\"}\n{\"nonce\":\"b\",\"user\":\"bob\"}\n";
    let r = outcome_of(sign_cmd(&key).args(["--batch", "-"]), Some(input));
    assert_eq!(r.code, 1, "{r:?}");
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{r:?}");
    assert!(
        lines[0].is_empty() && lines[1].split('.').count() == 3,
        "{r:?}"
    );
    assert!(
        r.stderr.contains("line 1: \"prn\" is set by sign itself"),
        "{r:?}"
    );
}

#[test]
fn sign_batch_with_a_missing_file_exits_2_and_names_it() {
    let dir = tempdir();
    let r = outcome_of(
        sign_in(dir.path())
            .args(["--batch"])
            .arg(dir.path().join("absent.jsonl")),
        None,
    );
    let stderr = one_error_line(&r);
    assert!(stderr.contains("absent.jsonl"), "{r:?}");
}

#[test]
fn sign_batch_with_nonce_too_is_a_usage_error() {
    let dir = tempdir();
    let r = outcome_of(
        sign_in(dir.path()).args(["--batch", "-", "--nonce", "n"]),
        Some(b""),
    );
    let stderr = usage_error(&r);
    assert!(
        stderr.contains("--nonce") && stderr.contains("--batch"),
        "{r:?}"
    );
}

#[test]
fn sign_batch_into_a_pipe_closed_after_one_line_ends_without_a_panic() {
    let dir = tempdir();
    // 200 lines of ~1.3 kB tokens: far more than the pipe and the output buffer hold.
    let padding = "p".repeat(500);
    let input: String = (0..200)
        .map(|i| batch_line(&format!("n{i}-{padding}"), "alice") + "\n")
        .collect();
    let mut child = sign_in(dir.path())
        .args(["--batch", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let feeder = std::thread::spawn(move || {
        let _ = stdin.write_all(input.as_bytes());
    });
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    // The reader is dropped here: stdout is closed under the running batch.
    assert_eq!(claims(first.trim_end())["prn"], json!("alice"));
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    feeder.join().unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!stderr.contains("internal error"), "{stderr}");
    assert!(!stderr.contains("Broken pipe"), "{stderr}");
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt as _;
        assert!(
            status.code() == Some(0) || status.signal() == Some(13),
            "exit 0 or SIGPIPE, got {status:?}: {stderr}"
        );
    }
    #[cfg(not(unix))]
    assert_eq!(status.code(), Some(0), "{stderr}");
}

// ---- what a CI author gets told (issue 10) ----

#[test]
fn sign_lists_every_missing_setting_at_once() {
    let r = layer(&["sign", "--nonce", "n", "--user", "u"]);
    let line = one_error_line(&r);
    assert!(
        line.starts_with("error: missing 3 settings: the provider id: pass --provider-id"),
        "{r:?}"
    );
    assert!(
        line.contains("; the key id: pass --key-id layer:///keys/<uuid> or set LAYER_KEY_ID"),
        "{r:?}"
    );
    assert!(line.contains("; the private key: pass --key PATH"), "{r:?}");
    let r = layer(&[
        "sign",
        "--nonce",
        "n",
        "--user",
        "u",
        "--key-id",
        "k",
        "--provider-id",
        "p",
    ]);
    assert!(
        one_error_line(&r).starts_with("error: missing the private key: "),
        "{r:?}"
    );
}

#[test]
fn sign_batch_skips_blank_lines_names_a_bom_and_a_misnamed_member_and_warns_of_run_options() {
    let dir = tempdir();
    let input = format!(
        "\u{feff}{}\n{}\n{}\n\n",
        batch_line("n1", "alice"),
        json!({"nonce": "n2", "user_id": "bob"}),
        json!({"nonce": "n3", "user": "carol", "ttl": "2m"}),
    );
    let r = batch_stdin(dir.path(), &input);
    assert_eq!(r.code, 1, "only the misnamed line fails: {r:?}");
    let lines: Vec<&str> = r.stdout.split_terminator('\n').collect();
    assert_eq!(lines.len(), 4, "{r:?}");
    assert_eq!(
        claims(lines[0])["prn"],
        json!("alice"),
        "the BOM was skipped"
    );
    assert_eq!(lines[1], "");
    assert_eq!(claims(lines[2])["ttl"], json!("2m"));
    assert_eq!(
        lines[3], "",
        "the trailing blank line answers with a blank line"
    );
    assert!(
        r.stderr
            .contains("warning: line 1 starts with a UTF-8 byte-order mark (BOM)"),
        "{r:?}"
    );
    assert!(
        r.stderr
            .contains("error: line 2: no \"user\", but \"user_id\": did you mean user?"),
        "{r:?}"
    );
    assert!(
        r.stderr
            .contains("warning: line 3: \"ttl\" is not a per-line option"),
        "{r:?}"
    );
    assert!(!r.stderr.contains("line 4"), "{r:?}");
    let clean = batch_stdin(dir.path(), &format!("{}\n\n", batch_line("n1", "alice")));
    assert_eq!(
        clean.code, 0,
        "a trailing blank line is no failure: {clean:?}"
    );
}

#[test]
fn sign_now_takes_times_relative_to_the_real_clock() {
    let before = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let r = sign(&["--nonce", "n", "--user", "u", "--now", "-2h"]);
    let iat = claims(&one_token(&r))["iat"].as_i64().unwrap();
    assert!(
        (before - 7200 - 5..=before - 7200 + 5).contains(&iat),
        "iat {iat}, now {before}"
    );
}

/// The key-material guard on --user and --nonce refuses only what is a key beyond doubt
/// (tests/cli/secrets.rs): real ids that merely look odd are signed, as in a batch line.
#[test]
fn sign_takes_user_ids_and_nonces_that_only_look_odd() {
    let hash = "a".repeat(64) + &"0123456789abcdef".repeat(4);
    let uuids = vec!["7881b519-5e2a-471f-b15b-ee00cc2a1b3c"; 40].join(",");
    let long_nonce = "Ab9-".repeat(32); // 128 base64url characters, as an opaque nonce may be
    for (user, nonce) in [
        ("{3F2504E0-4F89-11D3-9A0C-0305E82C3301}", "n"),
        ("CORP\\nancy", "n"),
        (hash.as_str(), "n"),
        (uuids.as_str(), "n"),
        ("u", long_nonce.as_str()),
    ] {
        let r = sign(&["--nonce", nonce, "--user", user]);
        one_token(&r);
    }
}
