//! `inspect`: decoding any JWS/JWT without verifying anything.

use super::*;

/// `inspect --json`, read strictly: exactly these four members (and `line` in a stream).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Inspected {
    header: Map<String, Value>,
    claims: Map<String, Value>,
    signature_bytes: usize,
    verified: bool,
    line: Option<usize>,
}

#[test]
fn inspect_decodes_the_jwt_io_hs256_sample_exits_0_and_says_nothing_was_verified() {
    let r = layer(&["inspect", JWT_IO]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.is_empty(), "text goes to stderr: {r:?}");
    assert!(r.stderr.contains("nothing was verified"), "{r:?}");
    assert!(r.stderr.contains("\"John Doe\""), "{r:?}");
    assert!(r.stderr.contains("\"HS256\""), "{r:?}");
    let iat = r.stderr.lines().find(|l| l.contains("iat")).unwrap();
    assert!(iat.contains("1516239022"), "{iat}");
    assert!(iat.contains("2018-01-18T01:30:22Z"), "{iat}");
    assert!(r.stderr.contains("32 bytes"), "{r:?}");
}

#[test]
fn inspect_json_prints_one_object_with_header_claims_32_signature_bytes_and_verified_false() {
    let r = layer(&["inspect", "--json", JWT_IO]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.stdout.lines().count(), 1, "one line: {r:?}");
    assert!(r.stdout.ends_with('\n'), "{r:?}");
    assert!(r.stderr.is_empty(), "{r:?}");
    let got: Inspected = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        Value::Object(got.header),
        json!({"alg": "HS256", "typ": "JWT"})
    );
    assert_eq!(
        Value::Object(got.claims),
        json!({"sub": "1234567890", "name": "John Doe", "iat": 1_516_239_022})
    );
    assert_eq!(got.signature_bytes, 32);
    assert!(!got.verified);
}

#[test]
fn inspect_reads_a_layer_token_from_sign_piped_in_with_dash_or_no_argument() {
    let dir = tempdir();
    let key = private_key(dir.path(), "rsa2048-pkcs1.pem");
    let piped = signed_token(&key, &["--nonce", "nonce-1"]) + "\n";
    for args in [&["inspect", "--json", "-"][..], &["inspect", "--json"][..]] {
        let got = outcome_of(layer_auth().args(args), Some(piped.as_bytes()));
        assert_eq!(got.code, 0, "{args:?}: {got:?}");
        let got: Inspected = serde_json::from_str(&got.stdout).unwrap();
        assert_eq!(got.line, Some(1), "{args:?}");
        assert_eq!(got.header["kid"], json!(KEY_ID), "{args:?}");
        assert_eq!(got.header["cty"], json!("layer-eit;v=1"), "{args:?}");
        assert_eq!(got.claims["iss"], json!(PROVIDER_ID), "{args:?}");
        assert_eq!(got.claims["prn"], json!("alice"), "{args:?}");
        assert_eq!(got.claims["nce"], json!("nonce-1"), "{args:?}");
        assert_eq!(got.claims["exp"], json!(1_700_000_600), "{args:?}");
        assert_eq!(got.signature_bytes, 256, "{args:?}");
        assert!(!got.verified);
    }
}

#[test]
fn inspect_malformed_tokens_exit_1_with_the_reason_validate_gives_in_the_same_words() {
    let twice = format!(
        "e30.{}.AA",
        URL_SAFE_NO_PAD.encode(r#"{"iss":"a","iss":"b"}"#)
    );
    for (token, id, word) in [
        (
            "a.b",
            "eit_wrong_jws_part_count",
            "signature part is missing",
        ),
        ("e30=.e30.AA", "eit_malformed_base64url", "padding"),
        (twice.as_str(), "eit_malformed_json", "twice"),
    ] {
        let r = layer(&["inspect", token]);
        assert_eq!(r.code, 1, "{token}: {r:?}");
        assert!(r.stdout.is_empty(), "{token}: {r:?}");
        assert!(r.stderr.contains(id), "{token}: {r:?}");
        assert!(r.stderr.contains(word), "{token}: {r:?}");
        let json = layer(&["inspect", "--json", token]);
        assert_eq!(json.code, 1, "{token}: {json:?}");
        let failed: Value = serde_json::from_str(&json.stdout).unwrap();
        assert_eq!(failed["decoded"], false, "{json:?}");
        assert!(
            failed["error"].as_str().unwrap().contains(id),
            "{token}: {json:?}"
        );

        let v = layer(&["validate", token, "--skip-signature", "--json"]);
        assert_eq!(v.code, 1, "{token}: {v:?}");
        let check = report_of(&v).check(id).message.clone();
        assert_eq!(report_of(&v).status(id), "fail", "{token}: {v:?}");
        assert!(
            r.stderr.contains(&check),
            "inspect says what validate says ({check:?}): {r:?}"
        );
    }
}

#[test]
fn inspect_with_tz_europe_paris_also_shows_january_iat_at_plus_01_00_local_and_utc_hides_it() {
    let paris = outcome_of(
        layer_auth()
            .args(["inspect", JWT_IO])
            .env("TZ", "Europe/Paris"),
        None,
    );
    assert_eq!(paris.code, 0, "{paris:?}");
    let iat = paris.stderr.lines().find(|l| l.contains("iat")).unwrap();
    assert!(iat.contains("2018-01-18T01:30:22Z"), "{iat}");
    assert!(iat.contains("2018-01-18 02:30:22 +01:00 local"), "{iat}");

    let utc = outcome_of(
        layer_auth()
            .args(["inspect", "--utc", JWT_IO])
            .env("TZ", "Europe/Paris"),
        None,
    );
    assert_eq!(utc.code, 0, "{utc:?}");
    let iat = utc.stderr.lines().find(|l| l.contains("iat")).unwrap();
    assert!(iat.contains("2018-01-18T01:30:22Z"), "{iat}");
    assert!(!iat.contains("local") && !iat.contains("+01:00"), "{iat}");
}

#[test]
fn inspect_names_a_tz_it_does_not_read_instead_of_calling_utc_local() {
    // A missing zone, a POSIX rule chrono would misread as UTC, a device that never ends
    // (read whole, it would exhaust memory), a file that is not a zone.
    for zone in [
        "Nowhere/Atlantis",
        "CET-1CEST",
        "/dev/zero",
        ":/dev/zero",
        "/etc/passwd",
    ] {
        let r = outcome_of(layer_auth().args(["inspect", JWT_IO]).env("TZ", zone), None);
        assert_eq!(r.code, 0, "{zone}: {r:?}");
        assert!(
            r.stderr
                .contains(&format!("warning: TZ={zone} is not a time zone read here")),
            "{zone}: {r:?}"
        );
        let iat = r.stderr.lines().find(|l| l.contains("iat")).unwrap();
        assert!(!iat.contains("local"), "{zone}: {iat}");
    }
}

#[test]
fn inspect_with_nothing_on_stdin_is_an_input_error() {
    for stdin in [&b""[..], b"\n\n"] {
        let r = outcome_of(layer_auth().arg("inspect"), Some(stdin));
        assert_eq!(r.code, 2, "{r:?}");
        assert!(r.stderr.contains("no token on stdin"), "{r:?}");
    }
}

/// JSON on stdout is exact and inert: a bidi override or a C1 control in the token comes
/// out as a `\u` escape (the same JSON value), never raw, so a terminal shows it as text.
#[test]
fn inspect_json_writes_bidi_and_c1_characters_as_escapes_of_the_same_value() {
    let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"RS256","kid":"a\u202eb\u009bc\u2028d"}"#);
    let token = format!("{header}.e30.AAAA");
    let r = layer(&["inspect", "--json", &token]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        !r.stdout
            .chars()
            .any(|c| c != '\n' && layer_auth::output::is_unsafe(c)),
        "raw in {:?}",
        r.stdout
    );
    assert!(r.stdout.contains(r"a\u202eb\u009bc\u2028d"), "{}", r.stdout);
    let value: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(value["header"]["kid"], "a\u{202e}b\u{9b}c\u{2028}d");
}

#[test]
fn inspect_decodes_a_stream_one_token_per_line_in_order_and_exits_1_for_a_bad_line() {
    let stream = format!("{JWT_IO}\nnot-a-token\n\n{JWT_IO}\n");
    let r = outcome_of(
        layer_auth().args(["inspect", "--json"]),
        Some(stream.as_bytes()),
    );
    assert_eq!(r.code, 1, "{r:?}");
    let lines: Vec<Value> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3, "the blank line is no token: {r:?}");
    assert_eq!(lines[0]["line"], 1);
    assert_eq!(lines[0]["claims"]["name"], "John Doe");
    assert_eq!(lines[1]["line"], 2);
    assert_eq!(lines[1]["decoded"], false);
    assert_eq!(lines[2]["line"], 4);
    let text = outcome_of(layer_auth().arg("inspect"), Some(stream.as_bytes()));
    assert_eq!(text.code, 1, "{text:?}");
    assert!(text.stderr.contains("── line 4 ──"), "{text:?}");
    assert!(
        text.stderr
            .contains("✗ line 2: not a decodable JWS/JWT: eit_wrong_jws_part_count"),
        "{text:?}"
    );
}

/// Two tokens pasted as one argument are named as such, not as a JWE; times in
/// milliseconds (13 digits) get the date they would be in seconds beside them.
#[test]
fn inspect_names_two_pasted_tokens_and_shows_what_milliseconds_would_be_in_seconds() {
    let valid = crate::util::token("valid");
    for (pasted, pieces) in [
        (format!("{valid}\n{valid}"), 2),
        (format!("{valid} {valid} {valid}"), 3),
    ] {
        let r = layer(&["inspect", &pasted]);
        assert_eq!(r.code, 1, "{r:?}");
        assert!(
            r.stderr.contains(&format!("eit_wrong_jws_part_count: {} parts in {pieces} pieces split by whitespace: several tokens pasted as one?", 2 * pieces + 1)),
            "{r:?}"
        );
        assert!(!r.stderr.contains("JWE"), "{r:?}");
    }
    let r = layer(&["inspect", "--now", NOW, &crate::util::token("iat-millis")]);
    assert_eq!(r.code, 0, "{r:?}");
    let iat = r
        .stderr
        .lines()
        .find(|l| l.trim_start().starts_with("iat"))
        .unwrap();
    assert!(
        iat.ends_with(", milliseconds? as seconds that is 2023-11-14T22:13:20Z"),
        "{iat}"
    );
    // A time in seconds has no such note.
    let r = layer(&["inspect", "--now", NOW, &valid]);
    assert!(!r.stderr.contains("milliseconds?"), "{r:?}");
}
