//! Behaviour pinned after the first whole-project review: each test names what was wrong.

use std::io::{BufRead as _, BufReader, Write as _};
use std::process::Stdio;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::util::{KEY_ID, PROVIDER_ID, fixture, la, layer_auth, private_key, ran, tempdir, token};

fn spki() -> String {
    fixture("keys/rsa2048-spki.pem")
        .to_str()
        .unwrap()
        .to_owned()
}

/// A token over raw header and claims JSON with a dummy signature, validated with
/// `--skip-signature`: the checks under test read only header and claims.
fn unsigned(header: &str, claims: &str) -> String {
    format!(
        "{}.{}.AAAA",
        URL_SAFE_NO_PAD.encode(header),
        URL_SAFE_NO_PAD.encode(claims)
    )
}

const HEADER: &str = r#"{"typ":"JWS","alg":"RS256","cty":"layer-eit;v=1","kid":"layer:///keys/11111111-2222-3333-4444-555555555555"}"#;
const CLAIMS: &str = r#"{"iss":"layer:///providers/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee","prn":"alice","iat":1700000000,"exp":1700000600,"nce":"nonce-123"}"#;

#[test]
fn a_pem_put_in_layer_private_key_path_by_mistake_is_never_echoed() {
    let pem = std::fs::read_to_string(fixture("keys/rsa2048-pkcs1.pem")).unwrap();
    let r = ran(
        layer_auth()
            .env("LAYER_PRIVATE_KEY_PATH", &pem)
            .args(["sign", "--nonce", "n", "--user", "u"])
            .args(["--provider-id", PROVIDER_ID, "--key-id", KEY_ID]),
        None,
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
fn a_token_is_expired_at_the_exact_second_of_exp_without_leeway() {
    let t = token("valid");
    let r = la(&[
        "validate",
        &t,
        "--public-key",
        &spki(),
        "--now",
        "1700000600",
    ]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stderr.contains("✗ eit_expired"), "{r:?}");
    let r = la(&[
        "validate",
        &t,
        "--public-key",
        &spki(),
        "--now",
        "1700000599",
    ]);
    assert_eq!(r.code, 0, "{r:?}");
}

#[test]
fn a_batch_line_cannot_replace_a_claim_sign_sets_itself() {
    let dir = tempdir();
    let key = private_key(dir.path(), "rsa2048-pkcs8.pem");
    let input = b"{\"nonce\":\"a\",\"user\":\"alice\",\"prn\":\"mallory\"}\n{\"nonce\":\"b\",\"user\":\"bob\"}\n";
    let r = ran(
        layer_auth()
            .args(["sign", "--batch", "-", "--key"])
            .arg(&key)
            .args(["--provider-id", PROVIDER_ID, "--key-id", KEY_ID]),
        Some(input),
    );
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
fn claim_names_with_terminal_escapes_reach_stderr_quoted_not_raw() {
    let claims = CLAIMS.replace('}', ",\"\\u001b[2Jx\":1}");
    let t = unsigned(HEADER, &claims);
    let r = la(&[
        "validate",
        &t,
        "--skip-signature",
        "--now",
        "1700000300",
        "--color",
        "never",
    ]);
    assert!(!r.stderr.contains('\u{1b}'), "raw escape on stderr: {r:?}");
    assert!(r.stderr.contains(r#""\u001b[2Jx""#), "{r:?}");
}

#[test]
fn a_crit_header_is_refused_as_a_wrong_header_value() {
    let header = HEADER.replace('}', r#","crit":["exp"]}"#);
    let t = unsigned(&header, CLAIMS);
    let r = la(&[
        "validate",
        &t,
        "--skip-signature",
        "--now",
        "1700000300",
        "--json",
    ]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stdout.contains("crit names extensions"), "{r:?}");
}

#[test]
fn help_is_never_coloured_even_when_clicolor_force_is_set() {
    let r = ran(
        layer_auth()
            .env("CLICOLOR_FORCE", "1")
            .args(["--color", "never", "--help"]),
        None,
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert!(!r.stdout.contains('\u{1b}'), "{r:?}");
    let r = ran(
        layer_auth()
            .env("CLICOLOR_FORCE", "1")
            .args(["validate", "--bogus"]),
        None,
    );
    assert_eq!(r.code, 2, "{r:?}");
}

#[test]
fn flow_refuses_a_backend_that_is_not_an_http_url_with_exit_2() {
    let r = la(&[
        "flow",
        "--user",
        "a",
        "--backend",
        "not a url",
        "--public-key",
        &spki(),
    ]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("http:// or https://"), "{r:?}");
}

#[test]
fn keygen_to_a_directory_says_so_and_writes_nothing() {
    let dir = tempdir();
    let r = la(&["keygen", "--force", "--out", dir.path().to_str().unwrap()]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("is a directory"), "{r:?}");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn validate_answers_each_piped_token_before_stdin_closes() {
    let mut child = layer_auth()
        .args([
            "validate",
            "-",
            "--public-key",
            &spki(),
            "--now",
            "1700000300",
            "--json",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // A watchdog, so a regression fails the test instead of hanging the suite.
    let pid = child.id().to_string();
    std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_secs(20));
        let _ = std::process::Command::new("kill").arg(&pid).status();
    });
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    for _ in 0..2 {
        writeln!(stdin, "{}", token("valid")).unwrap();
        stdin.flush().unwrap();
        // Blocks until the answer comes; before the fix it came only at end of input.
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let report: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(report["valid"], true, "{line}");
    }
    drop(stdin);
    assert!(child.wait().unwrap().success());
}
