//! `doctor`: the known-answer test and snippets that other stacks run.

use super::*;

/// `doctor` with only the snippet `name` on stdout; it must succeed.
fn doctor_snippet(name: &str) -> String {
    let r = layer(&["doctor", "--snippet", name]);
    assert_eq!(r.code, 0, "{r:?}");
    r.stdout
}

/// Runs `script` with bash on stdin, inheriting the environment (PYTHONPATH, NODE_PATH).
fn bash_stdin(script: &str) -> Outcome {
    outcome_of(&mut hermetic_bash(), Some(script.as_bytes()))
}

/// `script` with the last character of its token's signature changed so that a signature
/// bit changes (flipping the top of the six bits: the last character's low bits are padding).
fn tampered(script: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let start = script.find("eyJ").unwrap();
    let len = script[start..]
        .find(|c: char| !(c.is_ascii_alphanumeric() || "-_.".contains(c)))
        .unwrap();
    let token = &script[start..start + len];
    assert_eq!(token.split('.').count(), 3, "{token}");
    let last = token.as_bytes()[token.len() - 1];
    let index = ALPHABET.iter().position(|&c| c == last).unwrap();
    let changed = format!(
        "{}{}",
        &token[..token.len() - 1],
        ALPHABET[index ^ 32] as char
    );
    let out = script.replace(token, &changed);
    assert_ne!(out, script);
    out
}

#[test]
fn doctor_exits_0_cites_rfc_7515_a2_and_prints_every_snippet_on_stdout() {
    let r = layer(&["doctor"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stderr.contains("RFC 7515 A.2"), "{r:?}");
    for needle in [
        "openssl dgst -sha256 -verify",
        "jwt.decode(",
        "require(\"jsonwebtoken\")",
        "require(\"jsrsasign\")",
    ] {
        assert!(r.stdout.contains(needle), "{needle}: {r:?}");
    }
    assert!(
        !r.stderr.contains("openssl dgst"),
        "snippets are data: {r:?}"
    );
}

#[test]
fn doctor_openssl_snippet_prints_verified_ok_and_fails_once_the_signature_is_changed() {
    let snippet = doctor_snippet("openssl");
    let r = bash_stdin(&snippet);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("Verified OK"), "{r:?}");
    let r = bash_stdin(&tampered(&snippet));
    assert_ne!(r.code, 0, "{r:?}");
    assert!(!r.stdout.contains("Verified OK"), "{r:?}");
}

/// Runs `doctor --snippet NAME | bash` when `probe` (the library check) succeeds, requiring
/// success, and failure once the signature is changed; skips when the library is missing,
/// unless LAYER_AUTH_CI is set.
fn library_snippet_verifies(name: &str, probe: &[&str], library: &str, says: &str) {
    let available = Command::new(probe[0])
        .args(&probe[1..])
        .output()
        .is_ok_and(|o| o.status.success());
    if !available {
        assert!(
            std::env::var_os("LAYER_AUTH_CI").is_none(),
            "LAYER_AUTH_CI is set but {library} is not installed (or not on PYTHONPATH/NODE_PATH)"
        );
        return;
    }
    let snippet = doctor_snippet(name);
    let r = bash_stdin(&snippet);
    assert_eq!(r.code, 0, "{name}: {r:?}");
    assert!(r.stdout.contains(says), "{name} says {says:?}: {r:?}");
    let r = bash_stdin(&tampered(&snippet));
    assert_ne!(r.code, 0, "{name} with a changed signature: {r:?}");
}

#[test]
fn doctor_pyjwt_snippet_verifies_the_token_when_pyjwt_is_installed() {
    library_snippet_verifies(
        "pyjwt",
        &["python3", "-c", "import jwt"],
        "PyJWT",
        "layer-auth-doctor",
    );
}

#[test]
fn doctor_jsonwebtoken_snippet_verifies_the_token_when_node_jsonwebtoken_is_installed() {
    library_snippet_verifies(
        "jsonwebtoken",
        &["node", "-e", r#"require("jsonwebtoken")"#],
        "node's jsonwebtoken",
        "layer-auth-doctor",
    );
}

#[test]
fn doctor_jsrsasign_snippet_verifies_the_token_when_node_jsrsasign_is_installed() {
    library_snippet_verifies(
        "jsrsasign",
        &["node", "-e", r#"require("jsrsasign")"#],
        "node's jsrsasign",
        "verified",
    );
}

/// With a `--now` the libraries' own clocks disagree with, doctor says which snippets will
/// refuse the token, and they do: expired, all three libraries; issued ahead, PyJWT and
/// jsrsasign (jsonwebtoken checks exp, not iat). openssl checks only the signature.
#[test]
fn doctor_with_a_now_other_clocks_disagree_with_names_the_snippets_that_refuse_it() {
    let libraries = Command::new("python3")
        .args(["-c", "import jwt"])
        .output()
        .is_ok_and(|o| o.status.success())
        && Command::new("node")
            .args(["-e", r#"require("jsonwebtoken"); require("jsrsasign")"#])
            .output()
            .is_ok_and(|o| o.status.success());
    assert!(
        libraries || std::env::var_os("LAYER_AUTH_CI").is_none(),
        "LAYER_AUTH_CI is set but PyJWT or node's libraries are not installed"
    );
    for (now, said, refusing) in [
        (
            "-20m",
            "expired 10m ago by this machine's clock",
            ["pyjwt", "jsonwebtoken", "jsrsasign"].as_slice(),
        ),
        (
            "+1h",
            "is issued 1h ahead of this machine's clock",
            ["pyjwt", "jsrsasign"].as_slice(),
        ),
    ] {
        let r = layer(&["doctor", "--now", now]);
        assert_eq!(r.code, 0, "{r:?}");
        assert!(
            r.stderr
                .contains(&format!("warning: the token {said} (--now): ")),
            "{now}: {r:?}"
        );
        assert!(
            !r.stderr.contains("each verifies the token above"),
            "{now}: {r:?}"
        );
        if !libraries {
            continue;
        }
        for name in ["openssl", "pyjwt", "jsonwebtoken", "jsrsasign"] {
            let snippet = layer(&["doctor", "--now", now, "--snippet", name]).stdout;
            let r = bash_stdin(&snippet);
            assert_eq!(r.code != 0, refusing.contains(&name), "{now} {name}: {r:?}");
        }
    }
}

/// doctor shows each warning the token raised, rather than send the reader elsewhere.
#[test]
fn doctor_shows_each_warning_of_its_token() {
    let r = layer(&["doctor", "--key-id", "nope", "--snippet", "openssl"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stderr.contains("checks here, with this warning:\n"),
        "{r:?}"
    );
    assert!(
        r.stderr.contains("⚠ eit_header_param_wrong_value  typ, alg and cty have the values Layer accepts, but kid"),
        "{r:?}"
    );
}
