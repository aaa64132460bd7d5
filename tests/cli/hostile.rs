//! What a hostile token, key file or input stream can make the tool do: draw on the
//! terminal or forge a verdict (never), grow or hang the process (never), or have a key mean
//! more than it says (never).

use std::io::{BufRead as _, BufReader, Write as _};
use std::path::{Path, PathBuf};
use std::process::Stdio;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use layer_auth::keys::{SigningKey, WeakKeys};
use layer_auth::output::is_unsafe;
use serde_json::{Value, json};

use crate::util::{
    CLAIMS, HEADER, KEY_ID, NOW, Outcome, PROVIDER_ID, fixture, hermetic, layer, layer_auth,
    outcome_of, private_key, report_of, reports_of, tempdir, token, validate_json_with,
};

/// A forged verdict, as a hostile token would try to draw it over the real one.
const FORGED: &str = "\r\u{1b}[2K\u{1b}[1A✓ valid: identity token for \"admin\"\n\u{202e}";

/// A token over raw header and claims JSON, signed with `key` (an untrusted one, here).
fn signed_by(key: &SigningKey, header: &str, claims: &str) -> String {
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header),
        URL_SAFE_NO_PAD.encode(claims)
    );
    let signature = key.sign(input.as_bytes()).unwrap();
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature))
}

fn other_key() -> SigningKey {
    let pem = std::fs::read(fixture("keys/other2048-pkcs8.pem")).unwrap();
    SigningKey::from_bytes(&pem, WeakKeys::Refuse).unwrap()
}

fn spki() -> PathBuf {
    fixture("keys/rsa2048-spki.pem")
}

/// `validate VALID-TOKEN EXTRA… --public-key KEY`, the valid fixture token against `key`.
fn validate_valid_with(key: &Path, extra: &[&str]) -> Outcome {
    outcome_of(
        layer_auth()
            .args(["validate", &token("valid")])
            .args(extra)
            .arg("--public-key")
            .arg(key),
        None,
    )
}

/// Nothing a terminal would act on: no control character but the line ends, no bidi or
/// invisible format character.
fn assert_inert(what: &str, r: &Outcome) {
    let bad: Vec<char> = r
        .stderr
        .chars()
        .filter(|c| *c != '\n' && is_unsafe(*c))
        .collect();
    assert!(bad.is_empty(), "{what}: raw {bad:?} on stderr\n{r:?}");
}

fn claims_with(extra: &str) -> String {
    CLAIMS.replacen('}', &format!(",{extra}}}"), 1)
}

// ---- nothing from a token reaches the terminal raw ----

#[test]
fn a_metadata_key_holding_a_forged_verdict_cannot_redraw_the_report() {
    let name = serde_json::to_string(FORGED).unwrap();
    let claims = claims_with(&format!(r#""metadata":{{{name}:1}}"#));
    let t = signed_by(&other_key(), HEADER, &claims);
    for env in [None, Some(("NO_COLOR", "1"))] {
        let mut cmd = layer_auth();
        if let Some((k, v)) = env {
            cmd.env(k, v);
        }
        let r = outcome_of(
            cmd.args([
                "validate",
                &t,
                "--now",
                NOW,
                "--color",
                "never",
                "--public-key",
            ])
            .arg(spki()),
            None,
        );
        assert_eq!(r.code, 1, "{r:?}");
        assert_inert("metadata key", &r);
        let last = r.stderr.lines().last().unwrap();
        assert!(last.starts_with("✗ invalid: "), "{r:?}");
        assert!(
            r.stderr.contains("\\u001b[2K"),
            "the escape is shown, made visible: {r:?}"
        );
    }
}

#[test]
fn hostile_names_and_values_in_header_claims_and_kid_are_shown_escaped_in_every_part() {
    let header = HEADER.replace(
        "layer:///keys/11111111-2222-3333-4444-555555555555",
        "layer:///keys/\\u202eevil\\u2066",
    );
    let name = serde_json::to_string(FORGED).unwrap();
    let value = serde_json::to_string(&format!("x{FORGED}")).unwrap();
    let claims = claims_with(&format!(
        r#"{name}:{value},"display_name":{value},"first_name":"\u0085\u2028\u200f\ufeff""#
    ))
    .replace("\"alice\"", &value);
    let t = signed_by(&other_key(), &header, &claims);
    for extra in [
        &[][..],
        &["--json"][..],
        &["--user", "admin", "--key-id", KEY_ID][..],
    ] {
        let r = outcome_of(
            layer_auth()
                .args(["validate", &t, "--now", NOW, "--public-key"])
                .arg(spki())
                .args(extra),
            None,
        );
        assert_eq!(r.code, 1, "{extra:?}: {r:?}");
        assert_inert(&format!("{extra:?}"), &r);
    }
    // --json stays exact JSON: the claim comes back as it was signed.
    let report = report_of(&validate_json_with(spki(), &t, &[]));
    assert_eq!(report.claims.unwrap()["display_name"], format!("x{FORGED}"));
}

#[test]
fn a_hostile_token_piped_line_by_line_is_escaped_too() {
    let claims = claims_with(&format!(
        r#""x":{}"#,
        serde_json::to_string(FORGED).unwrap()
    ));
    let t = signed_by(&other_key(), HEADER, &claims);
    let input = format!("{t}\n{}\n", token("valid"));
    let r = outcome_of(
        layer_auth()
            .args(["validate", "-", "--now", NOW, "--public-key"])
            .arg(spki()),
        Some(input.as_bytes()),
    );
    assert_eq!(r.code, 1, "{r:?}");
    assert_inert("stdin", &r);
    assert!(r.stderr.ends_with("1 of 2 tokens valid\n"), "{r:?}");
}

#[test]
fn a_jwks_kid_or_pem_label_with_escapes_is_escaped_and_capped_in_warnings_and_errors() {
    let dir = tempdir();
    let jwk: Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("keys/rsa2048.jwk.json")).unwrap())
            .unwrap();
    let hostile_kid = format!("{FORGED}{}", "k".repeat(500));
    let set = json!({"keys": [
        {"kty": "EC", "kid": hostile_kid},
        jwk,
    ]});
    let jwks = dir.path().join("jwks.json");
    std::fs::write(&jwks, set.to_string()).unwrap();
    let r = validate_valid_with(&jwks, &["--now", NOW]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_inert("kid", &r);
    let warning = r.stderr.lines().next().unwrap();
    assert!(warning.starts_with("warning: "), "{r:?}");
    assert!(warning.contains("keys[0] (kid \""), "{r:?}");
    assert!(warning.len() < 400, "the kid is capped: {warning}");

    let label = format!("-----BEGIN {FORGED}-----\nAAAA\n-----END {FORGED}-----\n");
    let pem = dir.path().join("label.pem");
    std::fs::write(&pem, label).unwrap();
    let r = validate_valid_with(&pem, &[]);
    assert_eq!(r.code, 2, "{r:?}");
    assert_inert("PEM label", &r);
    assert_eq!(r.stderr.lines().count(), 1, "{r:?}");
}

// ---- bounded and safe file handling ----

#[test]
fn a_public_key_of_endless_bytes_is_refused_at_the_size_cap() {
    let r = validate_valid_with(Path::new("/dev/zero"), &[]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr.contains("over the 4 MiB a key file may have"),
        "{r:?}"
    );
    let dir = tempdir();
    let big = dir.path().join("big.pem");
    std::fs::write(&big, vec![b'x'; 5 * 1024 * 1024]).unwrap();
    let r = validate_valid_with(&big, &[]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr.contains("holds 5242880 bytes, over the 4 MiB"),
        "{r:?}"
    );
}

#[test]
fn a_fifo_with_no_writer_ends_with_exit_2_instead_of_hanging() {
    let dir = tempdir();
    let fifo = dir.path().join("key.fifo");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let r = validate_valid_with(&fifo, &[]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr
            .contains("nothing arrived within 10s (a FIFO with no writer?)"),
        "{r:?}"
    );
}

#[test]
fn process_substitution_still_works_for_key_files() {
    let script = format!(
        "exec \"$0\" validate {} --now {NOW} --public-key <(cat {})",
        token("valid"),
        spki().display()
    );
    let bin = assert_cmd::cargo::cargo_bin("layer-auth");
    let r = outcome_of(
        std::process::Command::new("bash")
            .args(["-c", &script])
            .arg0(&bin),
        None,
    );
    assert_eq!(r.code, 0, "{r:?}");
}

trait Arg0 {
    fn arg0(&mut self, bin: &Path) -> &mut Self;
}

impl Arg0 for std::process::Command {
    /// `bash -c SCRIPT BIN`: BIN becomes `$0`, with the harness's clean environment.
    fn arg0(&mut self, bin: &Path) -> &mut Self {
        hermetic(self).arg(bin).stdin(Stdio::null())
    }
}

#[test]
fn keygen_force_never_replaces_a_device_a_fifo_or_a_symlink_and_never_writes_a_file_named_dash() {
    let dir = tempdir();
    let r = outcome_of(
        layer_auth()
            .current_dir(dir.path())
            .args(["keygen", "--out", "-"]),
        None,
    );
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr.contains("--out - would print the private key"),
        "{r:?}"
    );
    assert!(!dir.path().join("-").exists());

    let r = layer(&["keygen", "--out", "/dev/null", "--force"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr.contains("/dev/null is not a regular file"),
        "{r:?}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        assert!(
            std::fs::metadata("/dev/null")
                .unwrap()
                .file_type()
                .is_char_device()
        );
        let target = dir.path().join("target.pem");
        std::fs::write(&target, "keep me").unwrap();
        let link = dir.path().join("link.pem");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let r = outcome_of(
            layer_auth().args(["keygen", "--force", "--out"]).arg(&link),
            None,
        );
        assert_eq!(r.code, 2, "{r:?}");
        assert!(r.stderr.contains("is a symbolic link"), "{r:?}");
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep me");
    }
}

#[test]
fn a_line_over_the_limit_is_reported_by_its_real_size_and_the_next_line_still_answered() {
    let long = "e".repeat(2 * 1024 * 1024 + 5);
    let input = format!("{long}\n{}\n", token("valid"));
    let r = outcome_of(
        layer_auth()
            .args(["validate", "-", "--json", "--now", NOW, "--public-key"])
            .arg(spki()),
        Some(input.as_bytes()),
    );
    assert_eq!(r.code, 1, "{r:?}");
    let reports = reports_of(&r);
    assert_eq!(reports.len(), 2, "{r:?}");
    assert_eq!(reports[0].checks[0].status, "fail");
    assert_eq!(
        reports[0].checks[0].message,
        "2097157 bytes, over the 64 KiB limit: an identity token is under 2 KiB; is this the right input?"
    );
    assert!(reports[1].valid);

    let dir = tempdir();
    let key = private_key(dir.path(), "rsa2048-pkcs8.pem");
    let line = format!(
        "{{\"nonce\":\"n\",\"user\":\"u\",\"x\":\"{}\"}}",
        "y".repeat(100_000)
    );
    let input = format!("{line}\n{{\"nonce\":\"n\",\"user\":\"u\"}}\n");
    let r = outcome_of(
        layer_auth()
            .args([
                "sign",
                "--batch",
                "-",
                "--provider-id",
                PROVIDER_ID,
                "--key-id",
                KEY_ID,
                "--key",
            ])
            .arg(&key),
        Some(input.as_bytes()),
    );
    assert_eq!(r.code, 1, "{r:?}");
    let expected = format!("line 1: the line is {} bytes, over the 64 KiB", line.len());
    assert!(r.stderr.contains(&expected), "{r:?}");
    assert_eq!(
        r.stdout.lines().nth(1).unwrap().split('.').count(),
        3,
        "{r:?}"
    );
}

/// Peak resident memory of a running process, in KiB (Linux).
#[cfg(target_os = "linux")]
fn peak_rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[cfg(target_os = "linux")]
#[test]
fn memory_stays_flat_over_hundreds_of_one_mib_lines() {
    let mut child = layer_auth()
        .args(["validate", "-", "--json", "--now", NOW, "--public-key"])
        .arg(spki())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || BufReader::new(stdout).lines().count());
    let line = vec![b'e'; 1024 * 1024];
    for _ in 0..400 {
        stdin.write_all(&line).unwrap();
        stdin.write_all(b"\n").unwrap();
    }
    stdin.flush().unwrap();
    // Still running (stdin open): its peak so far covers all 400 MiB that went through.
    std::thread::sleep(std::time::Duration::from_millis(300));
    let peak = peak_rss_kib(child.id());
    drop(stdin);
    assert_eq!(reader.join().unwrap(), 400);
    assert!(child.wait().unwrap().code() == Some(1));
    assert!(
        peak < 96 * 1024,
        "peak RSS {peak} KiB over 400 lines of 1 MiB"
    );
}

#[test]
fn sign_refuses_a_token_that_validate_would_refuse_as_too_large() {
    let dir = tempdir();
    let key = private_key(dir.path(), "rsa2048-pkcs8.pem");
    let claim = format!("x={}", "y".repeat(60_000));
    let r = outcome_of(
        layer_auth()
            .args(["sign", "--nonce", "n", "--user", "u", "--claim", &claim])
            .args(["--provider-id", PROVIDER_ID, "--key-id", KEY_ID, "--key"])
            .arg(&key),
        None,
    );
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr
            .contains("over the 64 KiB that Layer tokens may have"),
        "{r:?}"
    );
    assert!(r.stdout.is_empty());
}

// ---- keys mean what they say ----

fn jwk_value(name: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(fixture(&format!("keys/{name}"))).unwrap())
        .unwrap()
}

fn write_json(dir: &Path, name: &str, value: &Value) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, value.to_string()).unwrap();
    path
}

#[test]
fn a_jwk_whose_use_alg_or_key_ops_rule_out_rs256_verification_is_not_used() {
    let dir = tempdir();
    for (member, value, words) in [
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
            json!(["encrypt"]),
            "\"key_ops\" is [\"encrypt\"], without \"verify\"",
        ),
    ] {
        let mut jwk = jwk_value("rsa2048.jwk.json");
        jwk[member] = value;
        let set = write_json(dir.path(), "set.json", &json!({"keys": [jwk]}));
        let r = validate_valid_with(&set, &["--now", NOW]);
        assert_eq!(r.code, 2, "{member}: {r:?}");
        assert!(
            r.stderr.contains("no usable RSA key in the JWKS"),
            "{member}: {r:?}"
        );
        assert!(r.stderr.contains(words), "{member}: {r:?}");
        let one = write_json(dir.path(), "one.json", &jwk);
        let r = validate_valid_with(&one, &["--now", NOW]);
        assert_eq!(r.code, 2, "{member} as a lone JWK: {r:?}");
        assert!(r.stderr.contains(words), "{member}: {r:?}");
    }
}

#[test]
fn two_keys_under_one_kid_are_both_tried_and_the_report_says_which_verified() {
    let dir = tempdir();
    let mut other = jwk_value("jwks.json")["keys"][0].clone();
    other["kid"] = json!(KEY_ID);
    let set = write_json(
        dir.path(),
        "rotation.json",
        &json!({"keys": [other, jwk_value("rsa2048.jwk.json")]}),
    );
    let r = validate_json_with(&set, &token("valid"), &[]);
    assert_eq!(r.code, 0, "{r:?}");
    let report = report_of(&r);
    let message = |id: &str| report.check(id).message.as_str();
    assert_eq!(
        message("eit_key_not_found"),
        "kid names 2 keys (a rotation?); each is tried"
    );
    assert!(
        message("eit_signature_verification_failed").ends_with("(key 2 of the 2 tried)"),
        "{r:?}"
    );
}

#[test]
fn a_malformed_key_in_a_jwks_is_skipped_with_a_warning_naming_its_index_and_kid() {
    let dir = tempdir();
    let set = write_json(
        dir.path(),
        "set.json",
        &json!({"keys": [{"kty": "RSA", "kid": "broken", "n": 5, "e": "AQAB"}, jwk_value("rsa2048.jwk.json")]}),
    );
    let r = validate_valid_with(&set, &["--now", NOW]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stderr.starts_with("warning: ")
            && r.stderr
                .contains("keys[0] (kid \"broken\"): malformed: \"n\" is a number"),
        "{r:?}"
    );
}

#[test]
fn an_even_modulus_is_malformed_with_exit_2_in_pem_der_and_jwk() {
    let dir = tempdir();
    let pem = std::fs::read_to_string(spki()).unwrap();
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let mut der = base64::engine::general_purpose::STANDARD
        .decode(body)
        .unwrap();
    // SPKI ends with the modulus, then the exponent INTEGER 02 03 01 00 01.
    let last = der.len() - 6;
    der[last] &= 0xFE;
    let der_path = dir.path().join("even.der");
    std::fs::write(&der_path, &der).unwrap();
    let mut jwk = jwk_value("rsa2048.jwk.json");
    let mut n = URL_SAFE_NO_PAD.decode(jwk["n"].as_str().unwrap()).unwrap();
    *n.last_mut().unwrap() &= 0xFE;
    jwk["n"] = json!(URL_SAFE_NO_PAD.encode(n));
    let jwk_path = write_json(dir.path(), "even.jwk", &jwk);
    for path in [der_path, jwk_path] {
        let r = validate_valid_with(&path, &[]);
        assert_eq!(r.code, 2, "{r:?}");
        assert!(r.stderr.contains("the modulus is even"), "{r:?}");
    }
}

// ---- values that start with `-`, and strict JSON everywhere ----

#[test]
fn values_that_start_with_a_dash_are_values() {
    let dir = tempdir();
    let key = private_key(dir.path(), "rsa2048-pkcs8.pem");
    let r = outcome_of(
        layer_auth()
            .args([
                "sign",
                "--nonce",
                "-abc",
                "--user",
                "-bob",
                "--display-name",
                "-B",
            ])
            .args([
                "--first-name",
                "-F",
                "--last-name",
                "-L",
                "--claim",
                "-x=-1",
            ])
            .args([
                "--provider-id",
                PROVIDER_ID,
                "--key-id",
                KEY_ID,
                "--now",
                NOW,
                "--key",
            ])
            .arg(&key),
        None,
    );
    assert_eq!(r.code, 0, "{r:?}");
    let t = r.stdout.trim().to_owned();
    let r = outcome_of(
        layer_auth()
            .args([
                "validate",
                &t,
                "--nonce",
                "-abc",
                "--user",
                "-bob",
                "--now",
                NOW,
                "--json",
                "--public-key",
            ])
            .arg(spki()),
        None,
    );
    assert_eq!(r.code, 0, "{r:?}");
    let claims = report_of(&r).claims.unwrap();
    assert_eq!(claims["display_name"], "-B");
    assert_eq!(claims["-x"], -1);
    let r = layer(&["flow", "--user", "-alice"]);
    assert_eq!(r.code, 0, "{r:?}");
}

#[test]
fn json_with_a_member_twice_is_refused_in_claims_batch_lines_and_key_files() {
    let dir = tempdir();
    let key = private_key(dir.path(), "rsa2048-pkcs8.pem");
    let sign = || {
        let mut cmd = layer_auth();
        cmd.args([
            "sign",
            "--provider-id",
            PROVIDER_ID,
            "--key-id",
            KEY_ID,
            "--key",
        ])
        .arg(&key);
        cmd
    };
    let r = outcome_of(
        sign().args([
            "--nonce",
            "n",
            "--user",
            "u",
            "--claim",
            r#"metadata={"a":"1","a":"2"}"#,
        ]),
        None,
    );
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("has the member \"a\" twice"), "{r:?}");
    let r = outcome_of(
        sign().args(["--batch", "-"]),
        Some(b"{\"nonce\":\"n\",\"user\":\"u\",\"user\":\"admin\"}\n"),
    );
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stderr
            .contains("line 1: the line has the member \"user\" twice"),
        "{r:?}"
    );
    let text = std::fs::read_to_string(fixture("keys/rsa2048.jwk.json")).unwrap();
    let twice = text.replacen("\"e\":", "\"e\":\"AQAB\",\"e\":", 1);
    let path = dir.path().join("twice.jwk");
    std::fs::write(&path, twice).unwrap();
    let r = validate_valid_with(&path, &[]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("has the member \"e\" twice"), "{r:?}");
}

/// A bad argument that holds escape codes is quoted back escaped, as everything else is,
/// not with its codes stripped (clap's own rendering turned `a␛[31mRED␇` into `aRED`).
#[test]
fn a_bad_argument_with_control_characters_is_quoted_back_escaped_not_stripped() {
    let r = crate::util::layer(&[
        "sign",
        "--nonce",
        "n",
        "--user",
        "u",
        "--ttl",
        "a\u{1b}[31mRED\u{7}",
    ]);
    assert_eq!(r.code, 2, "{r:?}");
    assert_inert("--ttl", &r);
    assert!(
        r.stderr
            .contains("invalid value 'a\\u{1b}[31mRED\\u{7}' for '--ttl <DURATION>'"),
        "{r:?}"
    );
}
