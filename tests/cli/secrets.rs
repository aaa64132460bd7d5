//! No output of any kind shows key material (SPEC §3): not `--help`, not an error, not a
//! report. Tested the way it fails: the key in every form a CI secret holds it, in every
//! place a key is taken from, through every command and help path; and the assertion is that
//! no 40-character run of the private key's base64 (or base64url) appears anywhere.

use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use rsa::pkcs8::DecodePrivateKey as _;
use rsa::traits::{PrivateKeyParts as _, PublicKeyParts as _};

use crate::util::{
    IDS, KEY_ID, LAYER_SETTINGS, NOW, Outcome, PROVIDER_ID, fixture, layer_auth, outcome_of,
    tempdir, token,
};

/// The fixture key in each form a CI secret may hold it.
fn forms() -> Vec<(&'static str, String)> {
    let pem = std::fs::read_to_string(fixture("keys/rsa2048-pkcs8.pem")).unwrap();
    let pkcs1 = std::fs::read_to_string(fixture("keys/rsa2048-pkcs1.pem")).unwrap();
    let der = std::fs::read(fixture("keys/rsa2048-pkcs8.der")).unwrap();
    vec![
        ("PKCS#8 PEM", pem.clone()),
        ("PKCS#1 PEM", pkcs1),
        ("DER as base64", STANDARD.encode(&der)),
        ("PEM as base64", STANDARD.encode(pem.as_bytes())),
        ("private JWK", private_jwk()),
    ]
}

fn private_key() -> rsa::RsaPrivateKey {
    let pem = std::fs::read_to_string(fixture("keys/rsa2048-pkcs8.pem")).unwrap();
    rsa::RsaPrivateKey::from_pkcs8_pem(&pem).unwrap()
}

fn private_jwk() -> String {
    let key = private_key();
    let b64 = |n: &rsa::BigUint| URL_SAFE_NO_PAD.encode(n.to_bytes_be());
    let primes = key.primes();
    serde_json::json!({
        "kty": "RSA", "n": b64(key.n()), "e": b64(key.e()), "d": b64(key.d()),
        "p": b64(&primes[0]), "q": b64(&primes[1]),
    })
    .to_string()
}

/// Every 40-character run of the private parts (d, p, q) in base64 and base64url, at each
/// of the three byte alignments a longer encoding (PEM, DER as base64, a JWK) could put them.
fn secret_runs() -> Vec<String> {
    let key = private_key();
    let primes = key.primes();
    let mut runs = Vec::new();
    for part in [key.d(), &primes[0], &primes[1]] {
        let bytes = part.to_bytes_be();
        for shift in 0..3 {
            for encoded in [
                STANDARD.encode(&bytes[shift..]),
                URL_SAFE_NO_PAD.encode(&bytes[shift..]),
            ] {
                // The last 4 characters depend on what follows in a longer encoding.
                let stable = &encoded[..encoded.len() - 4];
                runs.extend((0..=stable.len() - 40).map(|i| stable[i..i + 40].to_owned()));
            }
        }
    }
    runs
}

fn assert_no_key_material(what: &str, r: &Outcome, runs: &[String]) {
    for text in [&r.stdout, &r.stderr] {
        let shown = runs.iter().find(|run| text.contains(run.as_str()));
        assert!(
            shown.is_none(),
            "{what}: key material {shown:?} shown\n{r:?}"
        );
    }
}

/// The run with the key `value` given through `source`: `--key VALUE`,
/// `LAYER_PRIVATE_KEY_PATH=VALUE` or `LAYER_PRIVATE_KEY=VALUE`.
fn with_key(source: &str, value: &str, args: &[&str]) -> Outcome {
    let mut cmd = layer_auth();
    cmd.args(args);
    match source {
        "--key" => cmd.arg("--key").arg(value),
        name => cmd.env(name, value),
    };
    outcome_of(&mut cmd, None)
}

const SOURCES: [&str; 3] = ["--key", "LAYER_PRIVATE_KEY_PATH", "LAYER_PRIVATE_KEY"];

/// `sign --nonce n --user USER` with the fixtures' ids, the key still to be given.
fn sign_as(user: &str) -> Vec<&str> {
    [&["sign", "--nonce", "n", "--user", user][..], &IDS].concat()
}

#[test]
fn no_help_path_shows_the_value_of_any_layer_variable() {
    let runs = secret_runs();
    let pem = forms()[0].1.clone();
    let mut helps: Vec<Vec<&str>> = vec![vec!["--help"], vec!["-h"], vec!["help"]];
    for sub in crate::cli::COMMANDS {
        let words: Vec<&str> = sub.split_whitespace().collect();
        helps.push([&words[..], &["--help"]].concat());
        helps.push([&words[..], &["-h"]].concat());
        helps.push([&["help"][..], &words].concat());
    }
    for args in helps {
        let mut cmd = layer_auth();
        for var in LAYER_SETTINGS {
            cmd.env(var, &pem);
        }
        let r = outcome_of(cmd.args(&args), None);
        assert_eq!(r.code, 0, "{args:?}: {r:?}");
        assert_no_key_material(&format!("{args:?}"), &r, &runs);
        assert!(!r.stdout.contains("PRIVATE KEY-----"), "{args:?}: {r:?}");
    }
}

#[test]
fn sign_validate_and_flow_never_show_a_key_given_in_any_form_through_any_source() {
    let runs = secret_runs();
    let t = token("valid");
    let commands: [Vec<&str>; 4] = [
        sign_as("alice"),
        vec!["sign", "--nonce", "n", "--user", "alice"],
        vec!["validate", &t, "--now", NOW],
        [&["flow", "--user", "alice"][..], &IDS].concat(),
    ];
    for (form, value) in forms() {
        for source in SOURCES {
            for args in &commands {
                let r = with_key(source, &value, args);
                let what = format!("{form} in {source}, {args:?}");
                assert_no_key_material(&what, &r, &runs);
                assert!(matches!(r.code, 0..=2), "{what}: {r:?}");
            }
        }
    }
}

#[test]
fn key_material_given_as_a_path_is_described_by_kind_length_and_origin_never_echoed() {
    for (form, value) in forms() {
        for source in ["--key", "LAYER_PRIVATE_KEY_PATH"] {
            let r = with_key(source, &value, &sign_as("u"));
            let what = format!("{form} in {source}");
            assert_eq!(r.code, 2, "{what}: {r:?}");
            let line = r.stderr.trim();
            assert_eq!(line.lines().count(), 1, "{what}: {r:?}");
            assert!(
                line.starts_with(&format!("error: {source} holds a value of ")),
                "{what}: {r:?}"
            );
            assert!(
                line.contains(&format!("{} characters", value.chars().count())),
                "{what}: {r:?}"
            );
            assert!(line.contains("not a file path"), "{what}: {r:?}");
        }
    }
}

#[test]
fn the_key_itself_in_layer_private_key_signs_in_every_armoured_or_base64_form() {
    for (form, value) in forms().into_iter().filter(|(f, _)| !f.contains("JWK")) {
        let r = with_key("LAYER_PRIVATE_KEY", &value, &sign_as("alice"));
        assert_eq!(r.code, 0, "{form}: {r:?}");
        assert_eq!(r.stdout.trim().split('.').count(), 3, "{form}: {r:?}");
    }
}

#[test]
fn a_key_file_that_holds_any_form_of_the_key_is_read_or_refused_without_showing_it() {
    let runs = secret_runs();
    let dir = tempdir();
    for (i, (form, value)) in forms().into_iter().enumerate() {
        let path = dir.path().join(format!("key-{i}"));
        write_private(&path, &value);
        let r = outcome_of(
            layer_auth()
                .args(["sign", "--nonce", "n", "--user", "alice"])
                .args(["--provider-id", PROVIDER_ID, "--key-id", KEY_ID, "--key"])
                .arg(&path),
            None,
        );
        assert_no_key_material(form, &r, &runs);
        if form.contains("JWK") {
            assert_eq!(r.code, 2, "{form}: {r:?}");
        } else {
            assert_eq!(r.code, 0, "{form}: {r:?}");
        }
    }
}

#[test]
fn an_unreadable_key_path_is_named_with_where_it_came_from() {
    let r = with_key("LAYER_PRIVATE_KEY_PATH", "keys/missing.pem", &sign_as("u"));
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr.starts_with("error: the private key named by LAYER_PRIVATE_KEY_PATH: cannot read the private key file keys/missing.pem: "),
        "{r:?}"
    );
    let r = with_key("--key", "keys/missing.pem", &sign_as("u"));
    assert!(
        r.stderr
            .starts_with("error: the private key named by --key: "),
        "{r:?}"
    );
}

#[test]
fn a_key_pasted_as_a_stray_argument_is_hidden_in_clap_errors() {
    let runs = secret_runs();
    for (form, value) in forms() {
        let r = outcome_of(
            layer_auth()
                .args(["sign", "--nonce", "n", "--user", "u"])
                .arg(&value),
            None,
        );
        assert_eq!(r.code, 2, "{form}: {r:?}");
        assert_no_key_material(form, &r, &runs);
    }
}

/// A key pasted into an ID (flag or variable) would be signed into a token's header, or
/// written as a JWK's `kid`, and printed: every command that takes an ID refuses it, says
/// what it looks like, and shows none of it.
#[test]
fn a_key_given_as_a_provider_or_key_id_is_refused_by_kind_and_never_shown() {
    let runs = secret_runs();
    let key = fixture("keys/rsa2048-pkcs8.pem");
    let spki = fixture("keys/rsa2048-spki.pem");
    let key = key.to_str().unwrap();
    let spki = spki.to_str().unwrap();
    let dir = tempdir();
    let out = dir.path().join("out.pem");
    let out = out.to_str().unwrap();
    let signs = ["sign", "--nonce", "n", "--user", "u", "--key", key];
    let ids: [(&str, &str, Vec<&str>); 12] = [
        (
            "--key-id",
            "--key-id (or LAYER_KEY_ID)",
            [&signs[..], &["--provider-id", PROVIDER_ID]].concat(),
        ),
        (
            "LAYER_KEY_ID",
            "--key-id (or LAYER_KEY_ID)",
            [&signs[..], &["--provider-id", PROVIDER_ID]].concat(),
        ),
        (
            "--provider-id",
            "--provider-id (or LAYER_PROVIDER_ID)",
            [&signs[..], &["--key-id", KEY_ID]].concat(),
        ),
        (
            "LAYER_PROVIDER_ID",
            "--provider-id (or LAYER_PROVIDER_ID)",
            vec!["doctor"],
        ),
        (
            "--key-id",
            "--key-id",
            vec!["keys", "public", spki, "--format", "jwk"],
        ),
        (
            "--key-id",
            "--key-id",
            vec!["keys", "convert", key, "--to", "jwk", "--out", out],
        ),
        ("--key-id", "--key-id", vec!["keys", "check", key, spki]),
        (
            "--key-id",
            "--key-id",
            vec!["keygen", "--out", out, "--format", "jwk"],
        ),
        // Not IDs, but as plainly signed into a token or shown in its report.
        (
            "--user",
            "--user",
            vec!["sign", "--nonce", "n", "--key", key],
        ),
        (
            "--nonce",
            "--nonce",
            vec!["sign", "--user", "u", "--key", key],
        ),
        ("--user", "--user", vec!["flow"]),
        (
            "--app-id",
            "--app-id",
            vec!["serve", "--listen", "127.0.0.1:0"],
        ),
    ];
    for (form, value) in forms() {
        for (source, named, args) in &ids {
            let mut cmd = layer_auth();
            cmd.args(args);
            if source.starts_with("--") {
                cmd.arg(source).arg(&value);
            } else {
                cmd.env(source, &value);
            }
            let r = outcome_of(&mut cmd, None);
            let what = format!("{form} as {source}, {args:?}");
            assert_eq!((r.code, r.stdout.as_str()), (2, ""), "{what}: {r:?}");
            assert_no_key_material(&what, &r, &runs);
            let line = r.stderr.trim();
            assert_eq!(line.lines().count(), 1, "{what}: {r:?}");
            assert!(
                line.starts_with(&format!(
                    "error: {named} holds a value of {} characters that ",
                    value.chars().count()
                )),
                "{what}: {r:?}"
            );
            assert!(line.ends_with("the value is not shown"), "{what}: {r:?}");
        }
    }
    assert!(!Path::new(out).exists());
    // An ID as long as a thumbprint (the kid keys public gives by default) is no key.
    let thumbprint = "hQjwM_srUnz0sJgW0rUinxII5xJxBaBoxFJMyb6LmF4";
    let r = outcome_of(
        layer_auth().args([
            "keys", "public", spki, "--format", "jwk", "--key-id", thumbprint,
        ]),
        None,
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout.contains(&format!("\"kid\": \"{thumbprint}\"")),
        "{r:?}"
    );
}

/// A PEM private key in anything a token would carry — a claim (nested too), a batch
/// line's user or nonce — is refused before anything is signed, and not shown.
#[test]
fn a_pem_private_key_in_a_claim_or_a_batch_line_is_never_signed() {
    let runs = secret_runs();
    let pem = forms()[0].1.clone();
    let key = fixture("keys/rsa2048-pkcs8.pem");
    let dir = tempdir();
    let copy = dir.path().join("k.pem");
    write_private(&copy, &std::fs::read_to_string(&key).unwrap());
    let base = [
        "sign",
        "--nonce",
        "n",
        "--user",
        "u",
        "--key",
        copy.to_str().unwrap(),
    ];
    let nested = serde_json::json!({"deep": [{"x": pem}]}).to_string();
    for claim in [format!("x={pem}"), format!("metadata={nested}")] {
        let r = outcome_of(
            layer_auth().args(base).args(IDS).arg("--claim").arg(&claim),
            None,
        );
        assert_eq!((r.code, r.stdout.as_str()), (2, ""), "{r:?}");
        assert!(
            r.stderr
                .contains("holds a private key, which a token would show"),
            "{r:?}"
        );
        assert_no_key_material("--claim", &r, &runs);
    }
    let line = serde_json::json!({"nonce": "n", "user": pem}).to_string() + "\n";
    let r = outcome_of(
        layer_auth()
            .args(["sign", "--batch", "-", "--key", copy.to_str().unwrap()])
            .args(IDS),
        Some(line.as_bytes()),
    );
    assert_eq!((r.code, r.stdout.as_str()), (1, "\n"), "{r:?}");
    assert!(
        r.stderr.contains("line 1: the user id holds a private key"),
        "{r:?}"
    );
    assert_no_key_material("--batch", &r, &runs);
}

/// Where a path or a value that is not checked for key material quotes what it was given
/// (clap's errors, a file that cannot be made), a pasted PEM's body is hidden whole: its
/// last line too, which is short (under 40 characters) but the end of the key's secrets.
#[test]
fn a_pasted_pem_body_is_hidden_whole_in_errors_down_to_its_short_last_line() {
    let pem = forms()[0].1.clone();
    let body: Vec<&str> = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let last = body.last().unwrap();
    assert!(last.len() < 40, "the fixture's last line is short: {last}");
    // As pasted, with legacy encryption headers, and indented with tabs.
    let headers = pem.replacen(
        "-----\n",
        "-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,0123456789ABCDEF\n\n",
        1,
    );
    let tabs: String = pem.lines().map(|l| format!("\t{l}\n")).collect();
    // Hand-edited labels are still armour.
    let lower = pem.replace("PRIVATE KEY", "private key");
    let hyphen = pem.replace("PRIVATE KEY", "X-509 PRIVATE KEY");
    let mut runs = Vec::new();
    for pem in [&pem, &headers, &tabs, &lower, &hyphen] {
        runs.push(vec!["sign", "--nonce", "n", "--user", "u", "--ttl", pem]);
        runs.push(vec!["keygen", "--out", pem]);
        runs.push(vec!["validate", "a.b.c", "--junit", pem]);
        runs.push(vec!["serve", "--listen", "127.0.0.1:0", "--state", pem]);
    }
    for args in runs {
        let r = outcome_of(layer_auth().args(&args), None);
        assert_eq!(r.code, 2, "{:?}: {r:?}", &args[..2]);
        for line in &body {
            assert!(
                !r.stderr.contains(line),
                "{:?} shows {line}: {r:?}",
                &args[..2]
            );
        }
        assert!(
            r.stderr.contains("characters hidden: key material?"),
            "{r:?}"
        );
    }
}

/// A key as `base64` and `openssl base64` wrap it, a PEM body without its armour, a hex
/// dump, or a private JWK inside an array, given as a user id or a nonce (or in a batch
/// line), is refused, and none of it shown; flow would print it three times.
#[test]
fn a_wrapped_encoded_or_bare_key_as_user_or_nonce_is_refused_unshown() {
    let runs = secret_runs();
    let der = std::fs::read(fixture("keys/rsa2048-pkcs8.der")).unwrap();
    let pem = forms()[0].1.clone();
    let wrap = |text: String, width: usize| -> String {
        let chars: Vec<char> = text.chars().collect();
        chars
            .chunks(width)
            .map(|c| c.iter().collect::<String>())
            .collect::<Vec<_>>()
            .join("\n")
    };
    let hex: String = der.iter().map(|b| format!("{b:02x}")).collect();
    let values = [
        wrap(STANDARD.encode(&der), 76),
        wrap(STANDARD.encode(pem.as_bytes()), 64),
        pem.lines()
            .filter(|l| !l.starts_with("-----"))
            .collect::<Vec<_>>()
            .join("\n"),
        wrap(hex, 60),
        format!("[{}]", private_jwk()),
        format!("user:{}", STANDARD.encode(&der)),
        format!("\"{}\"", STANDARD.encode(&der)),
    ];
    let dir = tempdir();
    let key = dir.path().join("k.pem");
    write_private(&key, &pem);
    let key = key.to_str().unwrap();
    for value in &values {
        for (flag, args) in [
            ("--user", vec!["sign", "--nonce", "n", "--key", key]),
            ("--nonce", vec!["sign", "--user", "u", "--key", key]),
            ("--user", vec!["flow"]),
        ] {
            let r = outcome_of(
                layer_auth().args(&args).args(IDS).arg(flag).arg(value),
                None,
            );
            assert_eq!(
                (r.code, r.stdout.as_str()),
                (2, ""),
                "{flag} {args:?}: {r:?}"
            );
            assert!(
                r.stderr
                    .starts_with(&format!("error: {flag} holds a value of ")),
                "{r:?}"
            );
            assert_no_key_material(flag, &r, &runs);
        }
        let line = serde_json::json!({"nonce": "n", "user": value}).to_string() + "\n";
        let r = outcome_of(
            layer_auth()
                .args(["sign", "--batch", "-", "--key", key])
                .args(IDS),
            Some(line.as_bytes()),
        );
        assert_eq!((r.code, r.stdout.as_str()), (1, "\n"), "{r:?}");
        assert_no_key_material("--batch", &r, &runs);
    }
}

/// A `kid` to write is never empty; an empty ID variable (an unset CI secret) is none.
#[test]
fn an_empty_kid_to_write_is_refused_and_an_empty_id_variable_is_none() {
    let spki = fixture("keys/rsa2048-spki.pem");
    let r = outcome_of(
        layer_auth()
            .args(["keys", "public", "--format", "jwk", "--key-id", ""])
            .arg(&spki),
        None,
    );
    assert_eq!((r.code, r.stdout.as_str()), (2, ""), "{r:?}");
    assert!(r.stderr.starts_with("error: --key-id is empty: "), "{r:?}");
    let r = outcome_of(
        layer_auth()
            .args(["validate", &token("valid"), "--now", NOW, "--public-key"])
            .arg(&spki)
            .env("LAYER_KEY_ID", ""),
        None,
    );
    assert_eq!(r.code, 0, "{r:?}");
}

fn write_private(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
}
