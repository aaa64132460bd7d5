//! `layer-auth validate`: every check named, exit 0/1/2, `--json` reports, key formats,
//! stdin streams and colour (SPEC §1–§3).

use std::io::{BufRead as _, Write as _};
use std::process::Stdio;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::util::{
    CLAIMS, EXPECTED, HEADER, IDS, KEY_ID, NOW, Outcome, PROVIDER_ID, Report, fixture, layer,
    layer_auth, outcome_of, private_key, report_of, reports_of, signed_token, stdout_of, tempdir,
    token, validate_json_with,
};

/// Every rule, in the order every report lists them.
const CHECK_IDS: [&str; 20] = [
    "token_size",
    "eit_wrong_jws_part_count",
    "eit_malformed_base64url",
    "eit_malformed_json",
    "eit_header_param_not_found",
    "eit_header_param_wrong_type",
    "eit_header_param_wrong_value",
    "eit_claim_not_found",
    "eit_claim_wrong_type",
    "claim_values",
    "optional_claims",
    "exp_after_iat",
    "eit_not_before",
    "eit_expired",
    "eit_nonce_not_found",
    "user_matches",
    "eit_provider_not_found",
    "key_id_matches",
    "eit_key_not_found",
    "eit_signature_verification_failed",
];

const SIGNATURE: &str = "eit_signature_verification_failed";

/// The checks of the values `--nonce`, `--user`, `--provider-id` and `--key-id` give.
const EXPECTATION_CHECKS: [&str; 4] = [
    "eit_nonce_not_found",
    "user_matches",
    "eit_provider_not_found",
    "key_id_matches",
];

/// `tests/fixtures/keys/NAME` as an argument.
fn key(name: &str) -> String {
    fixture(&format!("keys/{name}"))
        .to_str()
        .unwrap()
        .to_owned()
}

/// `validate TOKEN --public-key keys/rsa2048-spki.pem --now NOW --json EXTRA…`.
fn validate_json(token: &str, extra: &[&str]) -> Outcome {
    validate_json_with(key("rsa2048-spki.pem"), token, extra)
}

/// `validate TOKEN --public-key keys/rsa2048-spki.pem --now NOW EXTRA…`, report on stderr.
fn validate_human(token: &str, extra: &[&str]) -> Outcome {
    let spki = key("rsa2048-spki.pem");
    let mut args = vec!["validate", token, "--public-key", &spki, "--now", NOW];
    args.extend_from_slice(extra);
    layer(&args)
}

/// `validate --public-key keys/rsa2048-spki.pem --now NOW ARGS…`, to read tokens on stdin.
fn validate_stdin_cmd(args: &[&str]) -> std::process::Command {
    let mut cmd = layer_auth();
    cmd.args([
        "validate",
        "--public-key",
        &key("rsa2048-spki.pem"),
        "--now",
        NOW,
    ])
    .args(args);
    cmd
}

/// [`validate_stdin_cmd`] run with `stdin` piped in.
fn validate_stdin(args: &[&str], stdin: &[u8]) -> Outcome {
    outcome_of(&mut validate_stdin_cmd(args), Some(stdin))
}

/// [`validate_stdin_cmd`] started with stdin and stdout piped, for a test to talk to.
fn validate_piped(args: &[&str], stderr: Stdio) -> std::process::Child {
    validate_stdin_cmd(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .unwrap()
}

/// Kills a child still running after 20 s, so that a regression fails its test instead of
/// hanging the suite. Drop it once the child is reaped: a pid is only reused after that, and
/// a dropped watchdog kills nothing.
struct Watchdog(std::sync::Arc<std::sync::atomic::AtomicBool>);

impl Watchdog {
    fn new(child: &std::process::Child) -> Self {
        let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (pid, seen) = (child.id().to_string(), std::sync::Arc::clone(&done));
        std::thread::spawn(move || {
            for _ in 0..200 {
                std::thread::sleep(std::time::Duration::from_millis(100));
                if seen.load(std::sync::atomic::Ordering::SeqCst) {
                    return;
                }
            }
            let _ = std::process::Command::new("kill").arg(&pid).status();
        });
        Self(done)
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        self.0.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

/// Every token file under `tests/fixtures/tokens/`, by name without `.jwt`.
fn fixture_token_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(fixture("tokens"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter_map(|name| name.strip_suffix(".jwt").map(str::to_owned))
        .collect();
    names.sort();
    names
}

/// Asserts a run ended with an invalid token and a reason, not a crash.
fn assert_invalid_without_panic(r: &Outcome) {
    assert_eq!(r.code, 1, "{r:?}");
    assert!(!r.stderr.contains("panicked"), "{r:?}");
    assert!(!r.stderr.contains("internal error"), "{r:?}");
}

// ── every pitfall fixture ───────────────────────────────────────────────────────────────

#[test]
fn validate_names_exactly_the_failing_checks_of_every_fixture_token_and_exits_0_or_1() {
    // (token, failing check ids, exit code, a detail the first failure's message names)
    #[rustfmt::skip]
    let table: &[(&str, &[&str], i32, &str)] = &[
        ("valid",                 &[],                                          0, ""),
        ("valid-typ-jwt",         &[],                                          0, ""),
        ("valid-bare-uuid",       &[],                                          0, ""),
        ("valid-optional-claims", &[],                                          0, ""),
        // Signed with other keys than the one given.
        ("valid-1024",            &[SIGNATURE],                                 1, "another key"),
        ("valid-other-key",       &[SIGNATURE],                                 1, "another key"),
        ("two-parts",             &["eit_wrong_jws_part_count"],                1, "2 parts"),
        ("four-parts",            &["eit_wrong_jws_part_count"],                1, "4 parts"),
        ("padded",                &["eit_malformed_base64url"],                 1, "`=`"),
        ("plain-base64",          &["eit_malformed_base64url"],                 1, "`+`"),
        ("header-not-object",     &["eit_malformed_json"],                      1, "array"),
        ("claims-not-json",       &["eit_malformed_json"],                      1, "not JSON"),
        ("duplicate-prn",         &["eit_malformed_json"],                      1, "\"prn\" twice"),
        ("missing-kid",           &["eit_header_param_not_found"],              1, "kid"),
        ("kid-number",            &["eit_header_param_wrong_type"],             1, "12345"),
        ("alg-none",              &["eit_header_param_wrong_value", SIGNATURE], 1, "\"none\""),
        ("alg-hs256",             &["eit_header_param_wrong_value", SIGNATURE], 1, "\"HS256\""),
        ("alg-rs512",             &["eit_header_param_wrong_value", SIGNATURE], 1, "\"RS512\""),
        ("wrong-cty",             &["eit_header_param_wrong_value"],            1, "layer-eit;v=2"),
        ("missing-nce",           &["eit_claim_not_found"],                     1, "nce"),
        ("iat-string",            &["eit_claim_wrong_type"],                    1, "string \"1700000000\""),
        ("exp-float",             &["eit_claim_wrong_type"],                    1, "float"),
        ("iat-millis",            &["eit_claim_wrong_type"],                    1, "milliseconds"),
        ("prn-number",            &["eit_claim_wrong_type"],                    1, "prn"),
        ("empty-prn",             &["claim_values"],                            1, "prn is empty"),
        ("display-name-too-long", &["optional_claims"],                         1, "display_name"),
        ("metadata-bad",          &["optional_claims"],                         1, "metadata"),
        ("exp-before-iat",        &["exp_after_iat", "eit_expired"],            1, "before iat"),
        ("iat-future",            &["eit_not_before"],                          1, "in the future"),
        ("expired",               &["eit_expired"],                             1, "expired"),
        ("bad-signature",         &[SIGNATURE],                                 1, "does not verify"),
        ("signed-by-other-key",   &[SIGNATURE],                                 1, "does not verify"),
    ];
    let mut covered: Vec<String> = table.iter().map(|row| row.0.to_owned()).collect();
    covered.sort();
    assert_eq!(
        covered,
        fixture_token_names(),
        "the table covers every fixture token"
    );
    for &(name, failing, code, detail) in table {
        let r = validate_json(&token(name), &[]);
        assert_eq!(r.code, code, "{name}: {r:?}");
        let report = report_of(&r);
        assert_eq!(report.failing(), failing, "{name}: {report:#?}");
        assert_eq!(report.valid, code == 0, "{name}: {report:#?}");
        if let Some(first) = failing.first() {
            let message = &report.check(first).message;
            assert!(message.contains(detail), "{name}: {first}: {message}");
        }
    }
}

#[test]
fn validate_json_lists_every_rule_once_in_the_same_order_for_every_token() {
    for name in fixture_token_names() {
        let r = validate_json(&token(&name), &[]);
        let report = report_of(&r);
        let ids: Vec<&str> = report.checks.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, CHECK_IDS, "{name}");
        for check in &report.checks {
            assert!(
                ["pass", "warn", "fail", "skip"].contains(&check.status.as_str()),
                "{name}: {check:?}"
            );
            assert!(!check.message.is_empty(), "{name}: {check:?}");
        }
    }
}

#[test]
fn validate_json_carries_the_decoded_header_and_claims_or_null_when_undecodable() {
    let report = report_of(&validate_json(&token("valid-optional-claims"), &[]));
    let header = report.header.as_ref().unwrap();
    assert_eq!(header["alg"], "RS256");
    assert_eq!(header["kid"], KEY_ID);
    let claims = report.claims.as_ref().unwrap();
    assert_eq!(claims["iss"], PROVIDER_ID);
    assert_eq!(claims["prn"], "alice");
    assert_eq!(claims["iat"], 1_700_000_000);
    assert_eq!(claims["metadata"]["team"], "blue");
    assert_eq!(claims["extra_thing"], 42);
    assert!(
        report
            .check("optional_claims")
            .message
            .contains("extra_thing"),
        "unknown claims are shown as extras"
    );

    let report = report_of(&validate_json(&token("two-parts"), &[]));
    assert!(report.header.is_none() && report.claims.is_none());
    let report = report_of(&validate_json(&token("duplicate-prn"), &[]));
    assert!(report.header.is_some() && report.claims.is_none());
}

#[test]
fn validate_accepts_bare_uuid_ids_with_a_note() {
    let r = validate_json(&token("valid-bare-uuid"), &[]);
    assert_eq!(r.code, 0, "{r:?}");
    let report = report_of(&r);
    assert!(
        report
            .check("eit_header_param_wrong_value")
            .message
            .contains("bare UUID"),
        "{report:#?}"
    );
    assert!(
        report.check("claim_values").message.contains("bare UUID"),
        "{report:#?}"
    );
}

// ── --leeway ─────────────────────────────────────────────────────────────────────────────

#[test]
fn validate_leeway_forgives_an_expiry_30s_ago_only_when_it_is_at_least_30s() {
    let expired = token("expired"); // exp 1699990600
    let spki = key("rsa2048-spki.pem");
    let at = |leeway: Option<&str>| {
        let mut args = vec![
            "validate",
            &expired,
            "--public-key",
            &spki,
            "--now",
            "1699990630",
            "--json",
        ];
        if let Some(leeway) = leeway {
            args.extend(["--leeway", leeway]);
        }
        layer(&args)
    };
    let r = at(None);
    assert_eq!(r.code, 1, "{r:?}");
    assert_eq!(report_of(&r).failing(), ["eit_expired"]);
    let r = at(Some("29s"));
    assert_eq!(r.code, 1, "{r:?}");
    assert_eq!(report_of(&r).failing(), ["eit_expired"]);
    for leeway in ["60s", "60", "1m"] {
        let r = at(Some(leeway));
        assert_eq!(r.code, 0, "--leeway {leeway}: {r:?}");
        let report = report_of(&r);
        assert!(report.valid);
        assert_eq!(report.status("eit_expired"), "warn");
        assert!(
            report
                .check("eit_expired")
                .message
                .contains("within the allowed clock skew"),
            "{report:#?}"
        );
        assert_eq!(report.warnings, ["eit_expired"]);
    }
}

#[test]
fn a_token_is_expired_at_the_exact_second_of_exp_without_leeway() {
    let t = token("valid");
    let spki = key("rsa2048-spki.pem");
    let at = |now: &str| layer(&["validate", &t, "--public-key", &spki, "--now", now]);
    let r = at("1700000600");
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stderr.contains("✗ eit_expired"), "{r:?}");
    let r = at("1700000599");
    assert_eq!(r.code, 0, "{r:?}");
}

#[test]
fn validate_leeway_forgives_an_iat_an_hour_ahead_only_with_an_hour_of_leeway() {
    let future = token("iat-future"); // iat NOW + 3600
    let r = validate_json(&future, &["--leeway", "59m"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert_eq!(report_of(&r).failing(), ["eit_not_before"]);
    let r = validate_json(&future, &["--leeway", "1h"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(report_of(&r).status("eit_not_before"), "warn");
    let r = validate_json(&future, &["--leeway", "1h", "--strict"]);
    assert_eq!(r.code, 1, "a warning fails under --strict: {r:?}");
}

#[test]
fn validate_refuses_a_bad_leeway_or_now_with_exit_2() {
    for extra in [["--leeway", "soon"], ["--now", "noon"]] {
        let r = validate_json(&token("valid"), &extra);
        assert_eq!(r.code, 2, "{extra:?}: {r:?}");
        assert!(r.stdout.is_empty(), "{r:?}");
    }
}

#[test]
fn validate_now_takes_rfc3339_as_well_as_epoch_seconds() {
    let spki = key("rsa2048-spki.pem");
    let valid = token("valid");
    let r = layer(&[
        "validate",
        &valid,
        "--public-key",
        &spki,
        "--now",
        "2023-11-14T22:18:20Z", // = NOW
        "--json",
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(report_of(&r).check("eit_expired").message, "expires in 5m");
}

// ── expected nonce, user, provider, key id ──────────────────────────────────────────────

#[test]
fn validate_passes_each_expected_value_that_matches_and_exits_0() {
    let r = validate_json(&token("valid"), &EXPECTED);
    assert_eq!(r.code, 0, "{r:?}");
    let report = report_of(&r);
    assert!(report.valid);
    for id in EXPECTATION_CHECKS {
        assert_eq!(report.status(id), "pass", "{id}: {report:#?}");
    }
}

#[test]
fn validate_skips_each_expected_value_check_that_was_not_asked_for() {
    let report = report_of(&validate_json(&token("valid"), &[]));
    for id in EXPECTATION_CHECKS {
        assert_eq!(report.status(id), "skip", "{id}: {report:#?}");
    }
}

#[test]
fn validate_fails_only_the_check_of_the_one_expected_value_that_differs_and_exits_1() {
    let table = [
        ("--nonce", "nonce-999", "eit_nonce_not_found"),
        ("--user", "mallory", "user_matches"),
        (
            "--provider-id",
            "layer:///providers/00000000-0000-0000-0000-000000000000",
            "eit_provider_not_found",
        ),
        (
            "--key-id",
            "layer:///keys/00000000-0000-0000-0000-000000000000",
            "key_id_matches",
        ),
    ];
    for (flag, value, id) in table {
        let r = validate_json(&token("valid"), &[flag, value]);
        assert_eq!(r.code, 1, "{flag}: {r:?}");
        let report = report_of(&r);
        assert!(!report.valid);
        assert_eq!(report.failing(), [id], "{flag}: {report:#?}");
        let message = &report.check(id).message;
        assert!(
            message.contains(value) && !message.contains("--"),
            "{flag}: the message names what was wanted, in the token's terms: {message}"
        );
    }
}

#[test]
fn validate_takes_provider_and_key_id_from_the_environment_and_flags_win() {
    let valid = token("valid");
    let spki = key("rsa2048-spki.pem");
    let args = [
        "validate",
        valid.as_str(),
        "--public-key",
        &spki,
        "--now",
        NOW,
        "--json",
    ];
    let r = outcome_of(
        layer_auth()
            .args(args)
            .env("LAYER_PROVIDER_ID", PROVIDER_ID)
            .env("LAYER_KEY_ID", KEY_ID),
        None,
    );
    assert_eq!(r.code, 0, "{r:?}");
    let report = report_of(&r);
    assert_eq!(report.status("eit_provider_not_found"), "pass");
    assert_eq!(report.status("key_id_matches"), "pass");

    for (var, id) in [
        ("LAYER_PROVIDER_ID", "eit_provider_not_found"),
        ("LAYER_KEY_ID", "key_id_matches"),
    ] {
        let r = outcome_of(layer_auth().args(args).env(var, "layer:///x/other"), None);
        assert_eq!(r.code, 1, "{var}: {r:?}");
        assert_eq!(report_of(&r).failing(), [id], "{var}");
    }

    // A flag beats the environment.
    let r = outcome_of(
        layer_auth()
            .args(args)
            .args(["--provider-id", PROVIDER_ID])
            .env("LAYER_PROVIDER_ID", "layer:///x/other"),
        None,
    );
    assert_eq!(r.code, 0, "{r:?}");
}

#[test]
fn validate_matches_a_bare_uuid_provider_id_against_its_full_form() {
    let bare = PROVIDER_ID.strip_prefix("layer:///providers/").unwrap();
    let r = validate_json(&token("valid"), &["--provider-id", bare]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(report_of(&r).status("eit_provider_not_found"), "pass");
}

// ── keys ─────────────────────────────────────────────────────────────────────────────────

#[test]
fn validate_verifies_the_valid_token_with_every_public_key_format() {
    for file in [
        "rsa2048-spki.pem",
        "rsa2048-pkcs1-public.pem",
        "rsa2048-pkcs8.pem",
        "rsa2048-pkcs1.pem",
        "rsa2048-pkcs8.der",
        "rsa2048.jwk.json",
        "jwks.json",
    ] {
        let r = validate_json_with(key(file), &token("valid"), &[]);
        assert_eq!(r.code, 0, "{file}: {r:?}");
        let report = report_of(&r);
        assert!(report.valid, "{file}");
        assert_eq!(report.status("eit_key_not_found"), "pass", "{file}");
        assert_eq!(report.status(SIGNATURE), "pass", "{file}");
    }
}

#[test]
fn validate_picks_the_key_by_kid_from_a_jwks_but_not_from_another_single_key() {
    let other = token("valid-other-key");
    let r = validate_json_with(key("jwks.json"), &other, &[]);
    assert_eq!(r.code, 0, "{r:?}");
    let report = report_of(&r);
    assert!(
        report
            .check("eit_key_not_found")
            .message
            .contains("99999999-8888-7777-6666-555555555555"),
        "{report:#?}"
    );
    assert_eq!(report.status(SIGNATURE), "pass");

    let r = validate_json(&other, &[]);
    assert_eq!(r.code, 1, "{r:?}");
    assert_eq!(report_of(&r).failing(), [SIGNATURE]);
}

#[test]
fn validate_fails_eit_key_not_found_when_no_key_in_the_set_has_the_tokens_kid() {
    let r = validate_json_with(key("jwks.json"), &token("missing-kid"), &[]);
    assert_eq!(r.code, 1, "{r:?}");
    assert_eq!(
        report_of(&r).failing(),
        ["eit_header_param_not_found", "eit_key_not_found", SIGNATURE]
    );
}

#[test]
fn validate_finds_the_jwks_key_for_a_bare_uuid_kid() {
    let r = validate_json_with(key("jwks.json"), &token("valid-bare-uuid"), &[]);
    assert_eq!(r.code, 0, "{r:?}");
    let report = report_of(&r);
    assert_eq!(report.status("eit_key_not_found"), "pass", "{report:#?}");
    assert_eq!(report.status(SIGNATURE), "pass", "{report:#?}");
}

#[test]
fn validate_with_two_public_keys_verifies_tokens_signed_by_either() {
    let (mine, theirs) = (key("rsa2048-spki.pem"), key("other2048-spki.pem"));
    let both = |name: &str| validate_json_with(&mine, &token(name), &["--public-key", &theirs]);
    for name in ["valid", "valid-other-key"] {
        let r = both(name);
        assert_eq!(r.code, 0, "{name}: {r:?}");
        assert_eq!(report_of(&r).status(SIGNATURE), "pass", "{name}");
    }
    // … but not one signed by neither.
    let r = both("valid-1024");
    assert_eq!(r.code, 1, "{r:?}");
    assert_eq!(report_of(&r).failing(), [SIGNATURE]);
}

#[test]
fn validate_accepts_a_legacy_1024_bit_key_with_a_warning_on_stderr() {
    let r = validate_json_with(key("rsa1024-spki.pem"), &token("valid-1024"), &[]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(report_of(&r).valid);
    assert!(r.stderr.starts_with("warning:"), "{r:?}");
    assert!(
        r.stderr.contains("1024") && r.stderr.contains("legacy"),
        "{r:?}"
    );
    assert!(r.stderr.contains("2048"), "says how to move on: {r:?}");
}

#[test]
fn validate_uses_the_public_half_of_layer_private_key_path_when_no_public_key_is_given() {
    let valid = token("valid");
    let args = ["validate", valid.as_str(), "--now", NOW, "--json"];
    let r = outcome_of(
        layer_auth()
            .args(args)
            .env("LAYER_PRIVATE_KEY_PATH", key("rsa2048-pkcs1.pem")),
        None,
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(report_of(&r).status(SIGNATURE), "pass");
    // It really is that key: another one does not verify the token.
    let r = outcome_of(
        layer_auth()
            .args(args)
            .env("LAYER_PRIVATE_KEY_PATH", key("other2048-pkcs8.pem")),
        None,
    );
    assert_eq!(r.code, 1, "{r:?}");
    assert_eq!(report_of(&r).failing(), [SIGNATURE]);
}

#[test]
fn validate_uses_the_public_half_of_an_escaped_layer_private_key() {
    let escaped = std::fs::read_to_string(fixture("keys/rsa2048-pkcs1-escaped.txt")).unwrap();
    let r = outcome_of(
        layer_auth()
            .args(["validate", &token("valid"), "--now", NOW, "--json"])
            .env("LAYER_PRIVATE_KEY", escaped),
        None,
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(report_of(&r).status(SIGNATURE), "pass");
}

#[test]
fn validate_without_a_key_fails_nothing_but_is_not_valid_and_exits_1() {
    let valid = token("valid");
    let r = layer(&["validate", &valid, "--now", NOW, "--json"]);
    assert_eq!(r.code, 1, "{r:?}");
    let report = report_of(&r);
    assert!(!report.valid);
    assert!(report.failing().is_empty(), "{report:#?}");
    assert_eq!(report.status(SIGNATURE), "skip");
    assert_eq!(report.status("eit_key_not_found"), "skip");

    let r = layer(&["validate", &valid, "--now", NOW]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stdout.is_empty(), "{r:?}");
    let verdict = r.stderr.lines().last().unwrap();
    assert!(verdict.contains("not verified"), "{r:?}");
    assert!(!verdict.contains("✓"), "{r:?}");
}

#[test]
fn validate_skip_signature_counts_a_keyless_token_valid_and_exits_0() {
    let r = layer(&[
        "validate",
        &token("valid"),
        "--now",
        NOW,
        "--json",
        "--skip-signature",
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    let report = report_of(&r);
    assert!(report.valid);
    assert_eq!(report.status(SIGNATURE), "skip");
    assert!(
        report
            .check(SIGNATURE)
            .message
            .contains("NOT authenticated")
    );
    // The contents are still checked.
    let r = layer(&[
        "validate",
        &token("expired"),
        "--now",
        NOW,
        "--json",
        "--skip-signature",
    ]);
    assert_eq!(r.code, 1, "{r:?}");
    assert_eq!(report_of(&r).failing(), ["eit_expired"]);
}

#[test]
fn validate_refuses_an_unusable_public_key_with_one_line_and_exit_2() {
    let dir = tempdir();
    let garbage = dir.path().join("garbage.pem");
    std::fs::write(&garbage, "this is not a key\n").unwrap();
    let cert = dir.path().join("cert.pem");
    std::fs::write(
        &cert,
        "-----BEGIN CERTIFICATE-----\nMIIBsw==\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    let missing = dir.path().join("missing.pem");
    let table = [
        (missing.to_str().unwrap().to_owned(), "cannot read"),
        (garbage.to_str().unwrap().to_owned(), "not a key"),
        (key("ec-p256.pem"), "RSA"),
        (cert.to_str().unwrap().to_owned(), "certificate"),
        (key("rsa2048-pkcs8-encrypted.pem"), "encrypted"),
    ];
    for (path, reason) in table {
        let r = validate_json_with(&path, &token("valid"), &[]);
        assert_eq!(r.code, 2, "{path}: {r:?}");
        assert!(r.stdout.is_empty(), "{path}: {r:?}");
        let error = r
            .stderr
            .lines()
            .filter(|l| !l.starts_with("hint: "))
            .count();
        assert_eq!(error, 1, "one error line: {r:?}");
        assert!(r.stderr.starts_with("error: "), "{r:?}");
        assert!(
            r.stderr.contains(&path) && r.stderr.contains(reason),
            "{path}: {r:?}"
        );
    }
}

// ── stdin ────────────────────────────────────────────────────────────────────────────────

#[test]
fn validate_dash_reads_one_token_per_line_and_reports_them_in_order() {
    let input = format!(
        "{}\n{}\n{}\n",
        token("valid"),
        token("expired"),
        token("valid")
    );
    let r = validate_stdin(&["-", "--json"], input.as_bytes());
    assert_eq!(r.code, 1, "{r:?}");
    let reports = reports_of(&r);
    let valid: Vec<bool> = reports.iter().map(|r| r.valid).collect();
    assert_eq!(valid, [true, false, true]);
    assert_eq!(reports[1].failing(), ["eit_expired"]);
}

#[test]
fn validate_reads_piped_stdin_without_a_token_and_exits_0_when_all_are_valid() {
    let input = format!("{}\n{}\n", token("valid"), token("valid-typ-jwt"));
    let r = validate_stdin(&["--json"], input.as_bytes());
    assert_eq!(r.code, 0, "{r:?}");
    let reports = reports_of(&r);
    assert_eq!(reports.len(), 2);
    assert!(reports.iter().all(|r| r.valid));
    assert_eq!(reports[1].header.as_ref().unwrap()["typ"], "JWT");
}

#[test]
fn validate_stdin_skips_blank_lines_and_tolerates_crlf() {
    let input = format!(
        "\n\n{}\r\n   \n\t\n{}\r\n\n",
        token("valid"),
        token("expired")
    );
    let r = validate_stdin(&["--json"], input.as_bytes());
    assert_eq!(r.code, 1, "{r:?}");
    let valid: Vec<bool> = reports_of(&r).iter().map(|r| r.valid).collect();
    assert_eq!(valid, [true, false]);
}

#[test]
fn validate_stdin_keeps_the_order_of_150_lines() {
    let kinds = [
        "valid",
        "expired",
        "two-parts",
        "valid-typ-jwt",
        "empty-prn",
    ];
    let names: Vec<&str> = (0..150)
        .map(|i| kinds[(i * 7 + i / 5) % kinds.len()])
        .collect();
    let input: String = names.iter().map(|name| token(name) + "\n").collect();
    let r = validate_stdin(&["--json"], input.as_bytes());
    assert_eq!(r.code, 1, "{r:?}");
    let reports = reports_of(&r);
    assert_eq!(reports.len(), 150);
    for (i, (name, report)) in names.iter().zip(&reports).enumerate() {
        let expected: &[&str] = match *name {
            "expired" => &["eit_expired"],
            "two-parts" => &["eit_wrong_jws_part_count"],
            "empty-prn" => &["claim_values"],
            _ => &[],
        };
        assert_eq!(report.failing(), expected, "line {}: {name}", i + 1);
        let typ = report.header.as_ref().map(|h| h["typ"].clone());
        match *name {
            "valid-typ-jwt" => assert_eq!(typ, Some("JWT".into()), "line {}", i + 1),
            "two-parts" => assert_eq!(typ, None, "line {}", i + 1),
            _ => assert_eq!(typ, Some("JWS".into()), "line {}", i + 1),
        }
    }
}

#[test]
fn validate_stdin_in_human_form_heads_each_token_with_its_line_and_sums_up() {
    let input = format!(
        "{}\n\n{}\n{}\n",
        token("valid"),
        token("expired"),
        token("valid")
    );
    let r = validate_stdin(&[], input.as_bytes());
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stdout.is_empty(), "{r:?}");
    for line in ["── line 1 ──", "── line 3 ──", "── line 4 ──"] {
        assert!(r.stderr.contains(line), "{line}: {r:?}");
    }
    assert!(!r.stderr.contains("── line 2 ──"), "{r:?}");
    assert_eq!(
        r.stderr.lines().last(),
        Some("2 of 3 tokens valid"),
        "{r:?}"
    );
}

#[test]
fn validate_without_a_token_and_with_empty_stdin_exits_2() {
    for stdin in [None, Some(&b""[..]), Some(&b"\n  \n\n"[..])] {
        let r = outcome_of(
            layer_auth().args([
                "validate",
                "--public-key",
                &key("rsa2048-spki.pem"),
                "--json",
            ]),
            stdin,
        );
        assert_eq!(r.code, 2, "{stdin:?}: {r:?}");
        assert!(r.stdout.is_empty(), "{r:?}");
        assert_eq!(r.stderr.lines().count(), 1, "{r:?}");
        assert!(r.stderr.contains("no token"), "{r:?}");
    }
}

#[test]
fn validate_json_ends_quietly_when_stdout_is_closed_with_1_if_a_token_seen_was_invalid() {
    // Exit 0 says every token judged was valid: an invalid one seen before the pipe
    // closed must not read as success under `set -o pipefail`.
    for (name, valid, code) in [("valid", true, 0), ("expired", false, 1)] {
        let input = (token(name) + "\n").repeat(400);
        let mut child = validate_piped(&["--json"], Stdio::piped());
        let mut stdin = child.stdin.take().unwrap();
        std::thread::spawn(move || {
            let _ = stdin.write_all(input.as_bytes());
        });
        // Like `| head -1`: read one report, then close the pipe (400 reports overflow it).
        let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        stdout.read_line(&mut first).unwrap();
        assert_eq!(serde_json::from_str::<Report>(&first).unwrap().valid, valid);
        drop(stdout);
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{name}: {stderr}");
        assert!(stderr.is_empty(), "{name}: {stderr}");
    }
}

#[test]
fn validate_answers_each_piped_token_before_stdin_closes() {
    let mut child = validate_piped(&["-", "--json"], Stdio::null());
    let watchdog = Watchdog::new(&child);
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    for _ in 0..2 {
        writeln!(stdin, "{}", token("valid")).unwrap();
        stdin.flush().unwrap();
        // Blocks until the answer comes; before the fix it came only at end of input.
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let report: Report = serde_json::from_str(&line).unwrap();
        assert!(report.valid, "{line}");
    }
    drop(stdin);
    assert!(child.wait().unwrap().success());
    drop(watchdog);
}

#[test]
fn validate_answers_a_whole_line_while_the_next_has_only_partly_arrived() {
    // A block-buffered producer (python, grep) stops mid-line: the line before it is whole.
    let mut child = validate_piped(&["-", "--json"], Stdio::null());
    let watchdog = Watchdog::new(&child);
    let valid = token("valid");
    let mut stdin = child.stdin.take().unwrap();
    write!(stdin, "{valid}\n{}", &valid[..20]).unwrap();
    stdin.flush().unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    // Before the fix this waited for the rest of line 2 (the watchdog then failed it).
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    assert!(
        serde_json::from_str::<Report>(&line).unwrap().valid,
        "{line}"
    );
    writeln!(stdin, "{}", &valid[20..]).unwrap();
    drop(stdin);
    line.clear();
    stdout.read_line(&mut line).unwrap();
    assert!(
        serde_json::from_str::<Report>(&line).unwrap().valid,
        "{line}"
    );
    assert!(child.wait().unwrap().success());
    drop(watchdog);
}

#[test]
fn validate_ends_when_stdout_closes_even_while_stdin_stays_open_and_quiet() {
    // `tail -f tokens | layer-auth validate - --json | head -1`. The pipes are the shell's:
    // a pipe made here could be held open for a moment by a sibling test's child.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("token");
    std::fs::write(&file, token("valid") + "\n").unwrap();
    let bin = assert_cmd::cargo::cargo_bin("layer-auth");
    let script = r#"
        fifo="$DIR/in"; mkfifo "$fifo"
        # The producer sends two tokens and then stays quiet, its end open, for 60 s.
        (cat "$TOKEN"; sleep 1; cat "$TOKEN"; exec sleep 60) > "$fifo" &
        producer=$!
        "$BIN" validate - --json --public-key "$KEY" --now "$NOW" < "$fifo" | head -1 > /dev/null
        status=${PIPESTATUS[0]}
        kill $producer
        exit $status
    "#;
    let mut child = std::process::Command::new("bash")
        .arg("-c")
        .arg(script)
        .env("DIR", dir.path())
        .env("TOKEN", &file)
        .env("BIN", &bin)
        .env("KEY", key("rsa2048-spki.pem"))
        .env("NOW", NOW)
        .stdin(Stdio::null())
        .spawn()
        .unwrap();
    // Without the fix validate waited for the quiet producer: 60 s.
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > std::time::Duration::from_secs(30) {
            let _ = child.kill();
            panic!("validate was still running with its stdout closed");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(0));
}

// ── robustness: a reason, never a panic ──────────────────────────────────────────────────

#[test]
fn validate_refuses_a_3mb_token_on_stdin_by_size() {
    // An argument that long exceeds the OS limit for one argument, so it goes on stdin.
    let valid = token("valid");
    let parts: Vec<&str> = valid.split('.').collect();
    let huge = format!("{}.{}.{}\n", parts[0], "A".repeat(3_000_000), parts[2]);
    let r = validate_stdin(&["-", "--json"], huge.as_bytes());
    assert_invalid_without_panic(&r);
    let report = report_of(&r);
    assert_eq!(report.failing(), ["token_size"]);
    assert!(report.check("token_size").message.contains("64 KiB"));
}

#[test]
fn validate_reports_binary_garbage_on_stdin_as_invalid_tokens() {
    // Deterministic pseudo-random bytes (xorshift), with NUL, invalid UTF-8 and newlines.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut bytes: Vec<u8> = (0..65_536)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state.to_le_bytes()[3]
        })
        .collect();
    bytes.extend_from_slice(b"\n\0\0\xff\xfe.\xc3.\x80\n");
    let r = validate_stdin(&["--json"], &bytes);
    assert_invalid_without_panic(&r);
    let reports = reports_of(&r);
    assert!(reports.len() > 10, "{} reports", reports.len());
    for report in &reports {
        assert!(!report.valid);
        assert!(!report.failing().is_empty(), "{report:#?}");
        assert_eq!(report.checks.len(), CHECK_IDS.len());
    }
}

/// A token whose claims are `depth` nested `[`, with the valid token's header and signature.
fn deep_token(depth: usize) -> String {
    let valid = token("valid");
    let parts: Vec<&str> = valid.split('.').collect();
    format!(
        "{}.{}.{}",
        parts[0],
        URL_SAFE_NO_PAD.encode("[".repeat(depth)),
        parts[2]
    )
}

#[test]
fn validate_reports_claims_of_100000_nested_brackets_as_invalid_without_crashing() {
    // 133 KB of base64url: over the size limit (and too long for one argument on Linux).
    let r = validate_stdin(&["--json"], (deep_token(100_000) + "\n").as_bytes());
    assert_invalid_without_panic(&r);
    assert_eq!(report_of(&r).failing(), ["token_size"]);
}

#[test]
fn validate_reports_claims_nested_deeper_than_the_parser_allows_as_malformed_json() {
    // Under the size limit, so the JSON parser sees all 40000 levels.
    let r = validate_json(&deep_token(40_000), &[]);
    assert_invalid_without_panic(&r);
    let report = report_of(&r);
    assert_eq!(report.failing(), ["eit_malformed_json", SIGNATURE]);
    assert!(report.header.is_some() && report.claims.is_none());
}

#[test]
fn validate_reports_an_empty_token_argument_as_invalid() {
    let r = validate_json("", &[]);
    assert_invalid_without_panic(&r);
    let report = report_of(&r);
    assert_eq!(report.failing(), ["eit_wrong_jws_part_count"]);
    assert!(
        report
            .check("eit_wrong_jws_part_count")
            .message
            .contains("empty")
    );
}

#[test]
fn validate_ignores_whitespace_around_a_token_argument() {
    let r = validate_json(&format!("  {}\n", token("valid")), &[]);
    assert_eq!(r.code, 0, "{r:?}");
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

#[test]
fn json_reports_numbers_as_the_token_writes_them_every_digit_kept() {
    let compact = CLAIMS.replace('}', ",\"id\":12345678901234567890123,\"r\":1E2}");
    let spaced = compact.replace(',', ", ").replace(':', " : ");
    for claims in [compact, spaced] {
        let r = validate_json(&unsigned(HEADER, &claims), &["--skip-signature"]);
        assert_eq!(r.code, 0, "{claims}: {r:?}");
        assert!(
            r.stdout.contains(r#""prn":"alice","iat":1700000000"#)
                && r.stdout
                    .contains(r#""id":12345678901234567890123,"r":1E2}"#),
            "{claims}: {r:?}"
        );
        // Python reads integers of any size: the report holds the token's own number.
        let dir = tempdir();
        let report = dir.path().join("report.json");
        std::fs::write(&report, &r.stdout).unwrap();
        let read = stdout_of(std::process::Command::new("python3").args([
            "-c",
            "import json,sys; c = json.load(open(sys.argv[1]))['claims']; print(c['id'], c['r'])",
            report.to_str().unwrap(),
        ]));
        assert_eq!(read.trim(), "12345678901234567890123 100.0", "{claims}");
    }
}

#[test]
fn a_full_disk_under_stdout_is_an_error_that_names_stdout() {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("Linux has /dev/full");
    let out = layer_auth()
        .args([
            "validate",
            &token("valid"),
            "--json",
            "--now",
            NOW,
            "--public-key",
        ])
        .arg(key("rsa2048-spki.pem"))
        .stdout(full)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.starts_with("error: cannot write to stdout: No space left on device"),
        "{stderr}"
    );
}

#[test]
fn claim_names_with_terminal_escapes_reach_stderr_quoted_not_raw() {
    let claims = CLAIMS.replace('}', ",\"\\u001b[2Jx\":1}");
    let t = unsigned(HEADER, &claims);
    let r = layer(&[
        "validate",
        &t,
        "--skip-signature",
        "--now",
        NOW,
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
    let r = layer(&["validate", &t, "--skip-signature", "--now", NOW, "--json"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stdout.contains("crit names extensions"), "{r:?}");
}

// ── the human report ─────────────────────────────────────────────────────────────────────

#[test]
fn validate_human_report_goes_to_stderr_with_header_claims_every_check_and_a_verdict() {
    let r = validate_human(&token("valid"), &[]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.is_empty(), "stdout carries only data: {r:?}");
    for text in [
        "header",
        "claims",
        "RS256",
        KEY_ID,
        PROVIDER_ID,
        "\"alice\"",
        "nonce-123",
        "✓",
        "–",
    ] {
        assert!(r.stderr.contains(text), "{text}: {r:?}");
    }
    for id in CHECK_IDS {
        assert!(r.stderr.contains(id), "{id}: {r:?}");
    }
    assert!(!r.stderr.contains("✗"), "{r:?}");
    let verdict = r.stderr.lines().last().unwrap();
    assert!(
        verdict.starts_with(
            "✓ valid with 4 checks not made (nce, prn, iss, kid — pass --nonce, --user, \
             --provider-id and --key-id, or set LAYER_PROVIDER_ID/LAYER_KEY_ID): identity token for"
        ),
        "{r:?}"
    );
    assert!(
        verdict.contains("alice") && verdict.contains("expires in 5m"),
        "{r:?}"
    );

    let r = validate_human(&token("expired"), &[]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stdout.is_empty(), "{r:?}");
    assert!(r.stderr.contains("✓") && r.stderr.contains("✗"), "{r:?}");
    let verdict = r.stderr.lines().last().unwrap();
    assert!(verdict.starts_with("✗ invalid: "), "{r:?}");
    assert!(verdict.contains("eit_expired"), "{r:?}");
}

// ── colour ───────────────────────────────────────────────────────────────────────────────

const ESC: &str = "\x1b[";

/// Runs `validate` on a token verified with a legacy key (so even `--json` writes a warning on
/// stderr) with `global` flags before the subcommand, `extra` after it, and `env`.
fn coloured_run(global: &[&str], extra: &[&str], env: &[(&str, &str)]) -> Outcome {
    let mut cmd = layer_auth();
    cmd.args(global).args([
        "validate",
        &token("valid-1024"),
        "--public-key",
        &key("rsa1024-spki.pem"),
        "--now",
        NOW,
    ]);
    cmd.args(extra);
    for (name, value) in env {
        cmd.env(name, value);
    }
    outcome_of(&mut cmd, None)
}

#[test]
fn validate_color_always_colours_stderr_but_never_stdout() {
    for extra in [&[][..], &["--json"][..]] {
        let r = coloured_run(&["--color", "always"], extra, &[]);
        assert_eq!(r.code, 0, "{r:?}");
        assert!(r.stderr.contains(ESC), "{extra:?}: {r:?}");
        assert!(!r.stdout.contains('\x1b'), "{extra:?}: {r:?}");
    }
    // Also after the subcommand, and for a failing report.
    let r = layer(&[
        "validate",
        "--color",
        "always",
        &token("expired"),
        "--now",
        NOW,
    ]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stderr.contains(ESC), "{r:?}");
}

#[test]
fn validate_color_never_and_a_piped_stderr_are_uncoloured() {
    let r = coloured_run(&["--color", "never"], &[], &[("CLICOLOR_FORCE", "1")]);
    assert!(!r.stderr.contains('\x1b'), "{r:?}");
    // auto (the default): stderr is a pipe here, so no colour even on a capable terminal type.
    let r = coloured_run(&[], &[], &[("TERM", "xterm-256color")]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(!r.stderr.is_empty());
    assert!(!r.stderr.contains('\x1b'), "{r:?}");
}

#[test]
fn validate_clicolor_force_colours_stderr_unless_no_color_is_set() {
    let term = ("TERM", "xterm-256color");
    let r = coloured_run(&[], &[], &[term, ("CLICOLOR_FORCE", "1")]);
    assert!(r.stderr.contains(ESC), "{r:?}");
    let r = coloured_run(&[], &["--json"], &[term, ("CLICOLOR_FORCE", "1")]);
    assert!(r.stderr.contains(ESC), "{r:?}");
    assert!(!r.stdout.contains('\x1b'), "{r:?}");
    let r = coloured_run(
        &[],
        &[],
        &[term, ("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")],
    );
    assert!(!r.stderr.contains('\x1b'), "{r:?}");
    // An explicit --color always beats NO_COLOR.
    let r = coloured_run(&["--color", "always"], &[], &[("NO_COLOR", "1")]);
    assert!(r.stderr.contains(ESC), "{r:?}");
}

// ---- verdicts that say what was and was not established (issue 10) ----

/// A fixture-like token signed by `sign` with the fixture key, `extra` changing what the
/// test needs (see [`signed_token`]).
fn signed(extra: &[&str]) -> String {
    let dir = tempdir();
    signed_token(&private_key(dir.path(), "rsa2048-pkcs8.pem"), extra)
}

#[test]
fn validate_warns_for_a_bare_uuid_kid_an_app_id_iss_and_a_legacy_key_and_colours_by_status() {
    let r = validate_json(&token("valid-bare-uuid"), &[]);
    assert_eq!(r.code, 0, "{r:?}");
    let report = report_of(&r);
    assert_eq!(
        report.warnings,
        ["eit_header_param_wrong_value", "claim_values"]
    );
    let app = signed(&[
        "--claim",
        "iss=layer:///apps/staging/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
    ]);
    let report = report_of(&validate_json(&app, &[]));
    assert_eq!(report.status("claim_values"), "warn");
    assert!(
        report
            .check("claim_values")
            .message
            .contains("iss is an App ID")
    );
    let r = validate_json_with(key("rsa1024-spki.pem"), &token("valid-1024"), &[]);
    let report = report_of(&r);
    assert_eq!(report.status(SIGNATURE), "warn", "{r:?}");
    assert!(report.signature_verified);
    let human = validate_human(&token("valid-bare-uuid"), &[]);
    let verdict = human.stderr.lines().last().unwrap();
    assert!(
        verdict.starts_with("✓ valid with 2 warnings (eit_header_param_wrong_value, claim_values) and 4 checks not made"),
        "{human:?}"
    );
    assert!(
        human.stderr.contains("  ⚠ eit_header_param_wrong_value "),
        "{human:?}"
    );
}

#[test]
fn validate_warns_when_whitespace_was_trimmed_from_around_the_token() {
    let padded = format!("  {}\t", token("valid"));
    let report = report_of(&validate_json(&padded, &[]));
    assert!(report.valid);
    assert_eq!(report.warnings, ["token_size"]);
    assert!(
        report
            .check("token_size")
            .message
            .contains("3 bytes of whitespace around it were trimmed")
    );
}

#[test]
fn validate_verdict_names_only_the_checks_not_made_and_the_flags_that_make_them() {
    let r = validate_human(&token("valid"), &IDS);
    assert_eq!(r.code, 0, "{r:?}");
    let verdict = r.stderr.lines().last().unwrap();
    assert!(
        verdict.starts_with("✓ valid with 2 checks not made (nce, prn — pass --nonce and --user): identity token for \"alice\""),
        "{r:?}"
    );
    assert!(
        r.stderr
            .contains("not checked: no nonce to compare nce with (pass --nonce)"),
        "the check line carries the hint: {r:?}"
    );
    let all = validate_human(&token("valid"), &EXPECTED);
    assert!(
        all.stderr
            .lines()
            .last()
            .unwrap()
            .starts_with("✓ valid: identity token for \"alice\", expires in 5m"),
        "{all:?}"
    );
}

#[test]
fn validate_strict_fails_any_warning_or_check_not_made_with_exit_1() {
    let r = validate_human(&token("valid"), &["--strict"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stderr
            .lines()
            .last()
            .unwrap()
            .starts_with("✗ invalid (strict): 4 checks not made (nce, prn, iss, kid"),
        "{r:?}"
    );
    let r = validate_json(&token("valid"), &["--strict"]);
    assert!(!report_of(&r).valid);
    let every = [&["--strict"][..], &EXPECTED].concat();
    assert_eq!(validate_json(&token("valid"), &every).code, 0);
    assert_eq!(
        validate_json(&token("valid-bare-uuid"), &every).code,
        1,
        "warnings fail too"
    );
}

#[test]
fn validate_json_carries_line_numbers_that_blank_lines_do_not_shift_and_every_status_list() {
    let input = format!(
        "{}\n\n   \n{}\n{}\n",
        token("valid"),
        token("expired"),
        token("valid-bare-uuid")
    );
    let r = validate_stdin(&["--json"], input.as_bytes());
    assert_eq!(r.code, 1, "{r:?}");
    let reports = reports_of(&r);
    let lines: Vec<Option<usize>> = reports.iter().map(|r| r.line).collect();
    assert_eq!(lines, [Some(1), Some(4), Some(5)]);
    assert!(
        reports
            .iter()
            .all(|r| r.schema == 1 && r.signature_verified)
    );
    assert_eq!(reports[1].failed, ["eit_expired"]);
    assert_eq!(reports[2].warnings.len(), 2);
    assert_eq!(reports[0].not_checked, EXPECTATION_CHECKS);
    let one = report_of(&validate_json(&token("valid"), &[]));
    assert_eq!(one.line, None, "a token argument has no line");
}

#[test]
fn validate_jsonl_judges_each_token_against_its_own_nonce_and_user() {
    let t = token("valid");
    let input = [
        serde_json::json!({"token": t, "nonce": "nonce-123", "user": "alice"}).to_string(),
        serde_json::json!({"token": t, "nonce": "other", "user": "alice"}).to_string(),
        serde_json::json!({"token": t, "user": "mallory"}).to_string(),
        "not json".to_owned(),
        serde_json::json!({"nonce": "n"}).to_string(),
    ]
    .join("\n");
    let r = validate_stdin(&["--jsonl", "--json"], input.as_bytes());
    assert_eq!(r.code, 1, "{r:?}");
    let lines: Vec<serde_json::Value> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 5, "{r:?}");
    assert_eq!(lines[0]["valid"], true);
    assert_eq!(
        lines[1]["failed"],
        serde_json::json!(["eit_nonce_not_found"])
    );
    assert_eq!(lines[2]["failed"], serde_json::json!(["user_matches"]));
    assert_eq!(lines[2]["not_checked"][0], "eit_nonce_not_found");
    assert_eq!(
        lines[3],
        serde_json::json!({"schema": 1, "line": 4, "valid": false, "error": "the line is not JSON (expected ident at column 2)"})
    );
    assert_eq!(lines[4]["line"], 5);
    assert!(
        lines[4]["error"]
            .as_str()
            .unwrap()
            .starts_with("no \"token\"")
    );
    let r = layer(&["validate", &t, "--jsonl"]);
    assert_eq!(r.code, 2, "--jsonl reads stdin: {r:?}");
}

#[test]
fn validate_jsonl_holds_every_token_to_the_provider_and_key_ids_and_the_flags_fill_gaps() {
    let dir = tempfile::tempdir().unwrap();
    let key = private_key(dir.path(), "rsa2048-pkcs8.pem");
    let other = signed_token(
        &key,
        &[
            "--provider-id",
            "layer:///providers/eeeeeeee-0000-0000-0000-000000000000",
            "--key-id",
            "layer:///keys/66666666-2222-3333-4444-555555555555",
        ],
    );
    let ours = signed_token(&key, &[]);
    let input = [
        serde_json::json!({"token": other, "nonce": "nonce-123", "user": "alice"}).to_string(),
        serde_json::json!({"token": ours, "nonce": "nonce-123"}).to_string(),
        serde_json::json!({"token": ours, "nonce": "nonce-123", "user": "bob"}).to_string(),
    ]
    .join("\n");
    // `-` names stdin, as without --jsonl; --user fills the line that leaves it out.
    let args = [&["-", "--jsonl", "--json", "--user", "alice"], &IDS[..]].concat();
    let r = validate_stdin(&args, input.as_bytes());
    assert_eq!(r.code, 1, "{r:?}");
    let lines: Vec<serde_json::Value> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3, "{r:?}");
    assert_eq!(
        lines[0]["failed"],
        serde_json::json!(["eit_provider_not_found", "key_id_matches"]),
        "{}",
        lines[0]
    );
    assert_eq!(lines[1]["valid"], true, "{}", lines[1]);
    assert_eq!(
        lines[1]["not_checked"],
        serde_json::json!([]),
        "{}",
        lines[1]
    );
    assert_eq!(
        lines[2]["failed"],
        serde_json::json!(["user_matches"]),
        "a line's own user wins: {}",
        lines[2]
    );
}

#[test]
fn validate_format_github_prints_one_annotation_per_failed_or_warned_check_on_stderr() {
    let input = format!("{}\n{}\n", token("expired"), token("valid-bare-uuid"));
    let r = validate_stdin(&["--json", "--format", "github"], input.as_bytes());
    assert_eq!(r.code, 1, "{r:?}");
    let annotations: Vec<&str> = r
        .stderr
        .lines()
        .filter(|l| l.starts_with("::") && !l.starts_with("::notice"))
        .collect();
    assert_eq!(annotations.len(), 3, "{r:?}");
    // Each token's checks not made, in one notice of its own.
    let notices: Vec<&str> = r
        .stderr
        .lines()
        .filter(|l| l.starts_with("::notice"))
        .collect();
    assert_eq!(notices.len(), 2, "{r:?}");
    assert!(
        notices[1].starts_with(
            "::notice title=not checked::line 2: not checked: eit_nonce_not_found (no nonce to \
             compare nce with); user_matches ("
        ),
        "{r:?}"
    );
    assert!(
        annotations[0].starts_with("::error title=eit_expired::line 1: expired "),
        "{r:?}"
    );
    assert!(
        annotations[1].starts_with("::warning title=eit_header_param_wrong_value::line 2: "),
        "{r:?}"
    );
    assert_eq!(reports_of(&r).len(), 2, "stdout is untouched JSON");
    let strict = validate_stdin(&["--format", "github", "--strict"], input.as_bytes());
    let errors = strict
        .stderr
        .lines()
        .filter(|l| l.starts_with("::error"))
        .count();
    assert_eq!(
        errors,
        1 + 4 + 2 + 4,
        "under --strict, warnings and checks not made are errors: {strict:?}"
    );
}

/// A green run in CI still says what it did not check: a JUnit case's system-out lists the
/// warnings and the checks not made, and the GitHub annotations carry them (a signature
/// not verified as a warning of its own), so a token nobody authenticated does not read as
/// a plain pass.
#[test]
fn validate_junit_and_github_say_what_a_passing_token_was_not_checked_for() {
    let dir = tempdir();
    let xml = dir.path().join("report.xml");
    let r = layer(&[
        "validate",
        &token("valid-bare-uuid"),
        "--now",
        NOW,
        "--skip-signature",
        "--nonce",
        "nonce-123",
        "--format",
        "github",
        "--junit",
        xml.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    // Said once for the run: GitHub shows ten warnings a step.
    assert!(
        r.stderr.starts_with(
            "::warning title=signature not checked::--skip-signature: no token's signature is \
             verified"
        ),
        "{r:?}"
    );
    assert_eq!(
        r.stderr.matches("::warning").count(),
        3,
        "and the two bare UUIDs': {r:?}"
    );
    assert!(
        r.stderr
            .contains("::notice title=not checked::not checked: user_matches ("),
        "{r:?}"
    );
    assert!(
        r.stderr.contains("; eit_signature_verification_failed (skipped on request: the token is NOT authenticated)"),
        "{r:?}"
    );
    // Without a key, the token is invalid and its annotation an error.
    let r = layer(&[
        "validate",
        &token("valid"),
        "--now",
        NOW,
        "--format",
        "github",
    ]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stderr.contains("::error title=eit_signature_verification_failed::not verified: no public key to verify with"),
        "{r:?}"
    );
    let script = "import sys, xml.etree.ElementTree as ET\n\
        case = next(ET.parse(sys.argv[1]).getroot().iter('testcase'))\n\
        print(len(list(case.iter('failure'))))\n\
        print(case.find('system-out').text)\n";
    let text = stdout_of(
        std::process::Command::new("python3")
            .args(["-c", script])
            .arg(&xml),
    );
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "0", "a pass, not a failure: {text}");
    assert!(
        lines.contains(&"not checked eit_signature_verification_failed: skipped on request: the token is NOT authenticated"),
        "{text}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("warning eit_header_param_wrong_value: ")),
        "{text}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("not checked user_matches: no user")),
        "{text}"
    );
    assert!(
        !lines.iter().any(|l| l.contains("eit_nonce_not_found")),
        "the nonce was checked: {text}"
    );
}

#[test]
fn validate_junit_writes_one_testcase_per_token_that_pythons_xml_parser_reads() {
    let dir = tempdir();
    let xml = dir.path().join("report.xml");
    let input = format!(
        "{}\n{}\n{}\n",
        token("valid"),
        token("expired"),
        token("alg-none")
    );
    let r = validate_stdin(&["--junit", xml.to_str().unwrap()], input.as_bytes());
    assert_eq!(r.code, 1, "{r:?}");
    let script = "import sys, xml.etree.ElementTree as ET\n\
        root = ET.parse(sys.argv[1]).getroot()\n\
        cases = root.iter('testcase')\n\
        print(root.get('tests'), root.get('failures'))\n\
        for c in cases: print(c.get('name'), ' '.join(f.get('type') for f in c.iter('failure')))\n";
    let text = stdout_of(
        std::process::Command::new("python3")
            .args(["-c", script])
            .arg(&xml),
    );
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("3 2"));
    assert_eq!(lines.next(), Some("line 1 "));
    assert_eq!(lines.next(), Some("line 2 eit_expired"));
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("line 3 eit_header_param_wrong_value"),
        "{text}"
    );
}

#[test]
fn validate_now_takes_times_relative_to_the_real_clock_and_names_milliseconds() {
    let fresh = signed(&["--now", "-1m"]);
    let spki = key("rsa2048-spki.pem");
    for now in ["now", "+30s", "now+1m"] {
        let r = layer(&["validate", &fresh, "--public-key", &spki, "--now", now]);
        assert_eq!(r.code, 0, "--now {now}: {r:?}");
    }
    let r = layer(&["validate", &fresh, "--public-key", &spki, "--now", "+1h"]);
    assert_eq!(r.code, 1, "{r:?}");
    let r = layer(&[
        "validate",
        &fresh,
        "--public-key",
        &spki,
        "--now",
        "1700000000123",
    ]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr
            .contains("has 13 digits: milliseconds? Give epoch seconds (1700000000)"),
        "{r:?}"
    );
}

#[test]
fn validate_says_local_time_written_as_utc_when_iat_is_a_time_zone_offset_ahead() {
    let ahead = signed(&["--now", "1700007500"]);
    let report = report_of(&validate_json(&ahead, &[]));
    let message = &report.check("eit_not_before").message;
    assert!(
        message
            .starts_with("iat is 2h in the future, a time-zone offset: local time written as UTC"),
        "{message}"
    );
    assert!(
        message.contains("`int(time.time())`, `Math.floor(Date.now() / 1000)`"),
        "{message}"
    );
}

#[test]
fn no_library_message_names_a_command_line_flag() {
    let expect = [
        "--nonce",
        "other",
        "--user",
        "bob",
        "--provider-id",
        "layer:///providers/x",
        "--key-id",
        "layer:///keys/x",
    ];
    for name in fixture_token_names() {
        for extra in [&[][..], &expect[..], &["--skip-signature"][..]] {
            let report = report_of(&validate_json(&token(&name), extra));
            for check in &report.checks {
                assert!(!check.message.contains("--"), "{name} {extra:?}: {check:?}");
            }
        }
    }
    let keyless = report_of(&layer(&[
        "validate",
        &token("valid"),
        "--now",
        NOW,
        "--json",
    ]));
    assert!(
        keyless.checks.iter().all(|c| !c.message.contains("--")),
        "{keyless:#?}"
    );
}

#[test]
fn validate_quiet_prints_only_the_verdict_line_for_a_valid_token() {
    let dir = tempdir();
    let key = private_key(dir.path(), "rsa2048-pkcs1.pem");
    let token = signed_token(&key, &["--key-id", KEY_ID, "--nonce", "n"]);
    let spki = fixture("keys/rsa2048-spki.pem");
    let quiet = [
        "validate",
        &token,
        "-q",
        "--public-key",
        crate::util::path(&spki),
    ];
    let expect = ["--nonce", "n", "--user", "alice", "--now", NOW];
    let r = layer(&[&quiet[..], &expect, &IDS].concat());
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.is_empty(), "{r:?}");
    assert_eq!(r.stderr.lines().count(), 1, "{r:?}");
    assert!(r.stderr.contains("valid"), "{r:?}");
    assert!(!r.stderr.contains("eit_"), "no checks listed: {r:?}");
}

/// With --jsonl a line without "nonce" or "user" is told to carry them (or what stands in
/// for every line); a line with them is not.
#[test]
fn validate_jsonl_asks_a_line_without_nonce_or_user_for_them() {
    let t = token("valid");
    let input = format!(
        "{{\"token\":\"{t}\"}}\n{{\"token\":\"{t}\",\"nonce\":\"nonce-123\",\"user\":\"alice\"}}\n"
    );
    let r = validate_stdin(&["--jsonl", "-q"], input.as_bytes());
    assert_eq!(r.code, 0, "{r:?}");
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert!(
        lines[0].contains("give each line \"nonce\" and \"user\", or pass --nonce and --user"),
        "{r:?}"
    );
    assert!(!lines[1].contains("give each line"), "{r:?}");
}
