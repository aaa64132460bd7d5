//! Properties of the library over generated inputs: what we sign validates and decodes back
//! to what went in, any altered bit makes a token invalid, and no input makes a parser panic.
//!
//! Anything that signs runs at most 64 cases, with one key per test binary. The fuzz targets
//! in `fuzz/` push the same parsers much further (`scripts/fuzz.sh`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::OnceLock;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, TimeDelta};
use layer_auth::checks::{self, Expect, Policy, Report, Status};
use layer_auth::flow::backend::token_from_answer;
use layer_auth::flow::{Phase, Step, StepKind};
use layer_auth::json;
use layer_auth::keys::{KeySet, SigningKey, VerifyingKey};
use layer_auth::output::{
    Detail, NoHints, Paint, Times, Unestablished, flow_verdict, is_unsafe, render_report,
    render_step,
};
use layer_auth::time;
use layer_auth::token::{self, TokenRequest, Typ, sign};
use proptest::prelude::*;
use proptest::string::string_regex;
use serde_json::{Map, Value};

const NOW: i64 = 1_700_000_300;
const KEY_ID: &str = "layer:///keys/11111111-2222-3333-4444-555555555555";
const PROVIDER_ID: &str = "layer:///providers/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";

/// One 2048-bit key for the whole binary: generating one costs far more than signing.
fn key() -> &'static SigningKey {
    static KEY: OnceLock<SigningKey> = OnceLock::new();
    KEY.get_or_init(|| SigningKey::generate(2048).unwrap())
}

fn keys() -> &'static KeySet {
    static KEYS: OnceLock<KeySet> = OnceLock::new();
    KEYS.get_or_init(|| {
        KeySet::new(vec![
            VerifyingKey::new(key().public_key().clone(), None).unwrap(),
        ])
    })
}

fn policy(expect: Expect) -> Policy<'static> {
    Policy {
        expect,
        ..Policy::new(DateTime::from_timestamp(NOW, 0).unwrap(), keys())
    }
}

fn request(user: &str, nonce: &str, display_name: Option<&str>) -> TokenRequest {
    let mut extra = Map::new();
    if let Some(name) = display_name {
        extra.insert("display_name".into(), name.into());
    }
    TokenRequest {
        key_id: KEY_ID.into(),
        typ: Typ::Jws,
        provider_id: PROVIDER_ID.into(),
        user: user.into(),
        nonce: nonce.into(),
        issued_at: NOW - 300,
        expires_at: NOW + 300,
        extra,
    }
}

/// A token signed by the test key for the fixtures' baseline claims.
fn baseline_token() -> &'static str {
    static TOKEN: OnceLock<String> = OnceLock::new();
    TOKEN.get_or_init(|| sign(&request("alice", "nonce-123", None), key()).unwrap())
}

/// Text as users and services write ids: the characters that need escaping in JSON or that
/// base64 uses (`"`, `\`, `+`, `/`, `=`), any Unicode at all, up to `max` characters.
fn text(min: usize, max: usize) -> impl Strategy<Value = String> {
    prop_oneof![
        string_regex(&format!(r#"[a-zA-Z0-9"\\+/=_.@:, -]{{{min},{max}}}"#)).unwrap(),
        prop::collection::vec(any::<char>(), min..=max).prop_map(String::from_iter),
    ]
}

/// Non-blank text: Layer refuses a user id or nonce that is empty or only whitespace.
fn id_text() -> impl Strategy<Value = String> {
    text(1, 300).prop_filter("not blank", |s| !s.trim().is_empty())
}

/// Epoch seconds, most of them near the edges of what `validate` accepts.
fn time_edge() -> impl Strategy<Value = i64> {
    prop_oneof![
        any::<i64>(),
        -2..2i64,
        99_999_990_000..100_000_001_000i64,
        0..253_402_300_799i64,
    ]
}

/// Empty or whitespace only, as a `trim` sees it.
fn blank() -> impl Strategy<Value = String> {
    string_regex("[ \t\n\r\u{a0}\u{2003}\u{3000}]{0,3}").unwrap()
}

/// Strings shaped like tokens (three base64url-ish parts), and anything at all.
fn token_like() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        string_regex(r"[A-Za-z0-9_\-+/=. ]{0,40}\.[A-Za-z0-9_\-+/= ]{0,40}\.[A-Za-z0-9_\-]{0,40}")
            .unwrap(),
        (
            json_text(),
            json_text(),
            prop::collection::vec(any::<u8>(), 0..300)
        )
            .prop_map(|(header, claims, signature)| {
                format!(
                    "{}.{}.{}",
                    URL_SAFE_NO_PAD.encode(header),
                    URL_SAFE_NO_PAD.encode(claims),
                    URL_SAFE_NO_PAD.encode(signature)
                )
            }),
    ]
}

/// Text from JSON's alphabet, likelier than arbitrary bytes to reach deep into a parser.
fn json_text() -> impl Strategy<Value = String> {
    prop_oneof![
        string_regex(r#"[{}\[\]":,0-9a-z\\ .eE+-]{0,64}"#).unwrap(),
        string_regex(
            r#"\{("(iss|prn|iat|exp|nce|alg|kid|typ|cty|metadata|display_name)":("[a-zA-Z0-9 ]{0,8}"|-?[0-9]{1,20}(\.[0-9]+)?|null|true|\{\}|\[\]),?){0,6}\}"#
        )
        .unwrap(),
    ]
}

/// The report has one check per rule, in order, and its JSON form has the documented members.
fn assert_well_formed(report: &Report) -> Result<(), TestCaseError> {
    let ids: Vec<_> = report.checks.iter().map(|c| c.id).collect();
    prop_assert_eq!(report.checks.len(), checks::check_ids().count());
    prop_assert_eq!(ids, checks::check_ids().collect::<Vec<_>>());
    let json = serde_json::to_string(report).unwrap();
    let value: Value = serde_json::from_str(&json).unwrap();
    let object = value.as_object().unwrap();
    for member in ["valid", "header", "claims", "checks"] {
        prop_assert!(object.contains_key(member), "no `{}` in {}", member, json);
    }
    prop_assert_eq!(
        object["checks"].as_array().unwrap().len(),
        report.checks.len()
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn signed_tokens_validate_and_decode_to_their_inputs(
        user in id_text(),
        nonce in id_text(),
        display_name in prop::option::of(text(0, 128)),
    ) {
        let token = sign(&request(&user, &nonce, display_name.as_deref()), key()).unwrap();
        let report = checks::validate(&token, &policy(Expect {
            nonce: Some(nonce.clone()),
            user: Some(user.clone()),
            ..Expect::default()
        }));
        prop_assert!(report.valid, "{:#?}", report);
        let claims = report.claims.as_ref().unwrap().to_map();
        prop_assert_eq!(&claims["prn"], &Value::from(user));
        prop_assert_eq!(&claims["nce"], &Value::from(nonce));
        prop_assert_eq!(claims.get("display_name").cloned(), display_name.map(Value::from));
        prop_assert_eq!(&claims["iat"], &Value::from(NOW - 300));
        prop_assert_eq!(&report.header.as_ref().unwrap().to_map()["kid"], &Value::from(KEY_ID));
    }

    #[test]
    fn signed_tokens_are_valid_from_iat_until_exp_and_not_at_exp_or_before_iat(
        issued_at in 0..90_000_000_000i64,
        ttl in prop_oneof![1..1_000i64, 1..3_153_600_000i64],
        offset in any::<prop::sample::Index>(),
    ) {
        let mut request = request("alice", "nonce-123", None);
        request.issued_at = issued_at;
        request.expires_at = issued_at + ttl;
        let token = sign(&request, key()).unwrap();
        let at = |now: i64| Policy {
            now: DateTime::from_timestamp(now, 0).unwrap(),
            ..policy(Expect::default())
        };
        // RFC 7519: valid while now < exp.
        let inside = issued_at + offset.index(usize::try_from(ttl).unwrap()) as i64;
        for now in [issued_at, inside, issued_at + ttl - 1] {
            let report = checks::validate(&token, &at(now));
            prop_assert!(report.valid, "at {}: {:#?}", now, report);
        }
        for now in [issued_at - 1, issued_at + ttl] {
            prop_assert!(!checks::validate(&token, &at(now)).valid, "valid at {}", now);
        }
    }

    #[test]
    fn whatever_sign_mints_validate_accepts(
        user in prop_oneof![3 => text(0, 40), 1 => blank()],
        nonce in prop_oneof![3 => text(0, 40), 1 => blank()],
        issued_at in time_edge(),
        ttl in prop_oneof![-1..=1i64, 1..4_000_000_000i64, any::<i64>()],
    ) {
        let mut request = request(&user, &nonce, None);
        request.issued_at = issued_at;
        request.expires_at = issued_at.saturating_add(ttl);
        assert_sign_refuses_or_validate_accepts(&request);
    }

    #[test]
    fn flipping_any_bit_of_a_fresh_token_makes_it_invalid(
        user in id_text(),
        nonce in id_text(),
        position in any::<prop::sample::Index>(),
        bit in 0..8u8,
    ) {
        let token = sign(&request(&user, &nonce, None), key()).unwrap();
        let mut bytes = token.into_bytes();
        let at = position.index(bytes.len());
        bytes[at] ^= 1 << bit;
        let altered = String::from_utf8_lossy(&bytes);
        let report = checks::validate(&altered, &policy(Expect::default()));
        prop_assert!(!report.valid, "byte {} bit {} still valid: {}", at, bit, altered);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn validate_never_panics_on_strings_and_reports_every_rule(token in token_like()) {
        let report = checks::validate(&token, &policy(Expect {
            nonce: Some("nonce-123".into()),
            user: Some("alice".into()),
            provider_id: Some(PROVIDER_ID.into()),
            key_id: Some(KEY_ID.into()),
        }));
        assert_well_formed(&report)?;
    }

    #[test]
    fn validate_never_panics_on_bytes_read_lossily(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let text = String::from_utf8_lossy(&bytes);
        let report = checks::validate(&text, &policy(Expect::default()));
        prop_assert!(!report.valid || report.failures().count() == 0);
        assert_well_formed(&report)?;
    }

    #[test]
    fn base64url_never_panics_and_what_it_accepts_is_canonical(part in prop_oneof![
        any::<String>(),
        string_regex(r"[A-Za-z0-9_\-+/=]{0,24}").unwrap(),
    ]) {
        if let Ok(bytes) = token::base64url(&part) {
            prop_assert_eq!(URL_SAFE_NO_PAD.encode(bytes), part);
        }
    }

    #[test]
    fn parse_object_never_panics(bytes in prop_oneof![
        prop::collection::vec(any::<u8>(), 0..512),
        json_text().prop_map(String::into_bytes),
    ]) {
        let _ = json::parse_object(&bytes);
    }

    #[test]
    fn parse_duration_and_instant_never_panic(text in prop_oneof![
        any::<String>(),
        string_regex(r"[0-9 smhdwyunµ.:+TZ-]{0,32}").unwrap(),
        string_regex(r"[0-9]{1,30}[a-z]{0,8}").unwrap(),
    ]) {
        if let Ok(duration) = time::parse_duration(&text) {
            prop_assert!(duration >= TimeDelta::zero());
            prop_assert!(duration <= TimeDelta::days(100 * 365));
        }
        if let Ok(instant) = time::parse_instant(&text) {
            prop_assert!((0..=253_402_300_799).contains(&instant.timestamp()));
        }
    }

    #[test]
    fn the_human_report_never_writes_a_control_bidi_or_invisible_character(
        names in prop::collection::vec(any::<String>(), 0..6),
        values in prop::collection::vec(any::<String>(), 0..6),
        kid in any::<String>(),
        prn in any::<String>(),
    ) {
        let mut claims: Map<String, Value> = serde_json::from_str(&format!(
            r#"{{"iss":"{PROVIDER_ID}","iat":{},"exp":{},"nce":"n"}}"#, NOW - 1, NOW + 60
        )).unwrap();
        claims.insert("prn".into(), prn.clone().into());
        let mut metadata = Map::new();
        for (name, value) in names.iter().zip(values.iter().cycle()) {
            claims.insert(name.clone(), value.clone().into());
            metadata.insert(value.clone(), name.clone().into());
        }
        claims.insert("metadata".into(), Value::Object(metadata));
        claims.insert("display_name".into(), values.concat().into());
        let header = serde_json::json!({"typ": "JWS", "alg": kid.clone(), "cty": "layer-eit;v=1", "kid": kid});
        let token = format!(
            "{}.{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(Value::Object(claims).to_string()),
            URL_SAFE_NO_PAD.encode(&prn),
        );
        let report = checks::validate(&token, &policy(Expect {
            user: Some(prn.clone()),
            key_id: Some(KEY_ID.into()),
            ..Expect::default()
        }));
        let mut out = Vec::new();
        let now = DateTime::from_timestamp(NOW, 0).unwrap();
        render_report(&report, &Times::utc(now), Detail::Full, Paint::plain(), &NoHints, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let bad: Vec<char> = text.chars().filter(|c| *c != '\n' && is_unsafe(*c)).collect();
        prop_assert!(bad.is_empty(), "raw {:?} in\n{}", bad, text);
        let mut step = Step::new(StepKind::TokenObtained, Phase::SignIn, Err(format!("{prn}{kid}")));
        step.warnings = vec![format!("{kid}{prn}")];
        let line = render_step(&step, 1.0, Paint::plain());
        prop_assert!(!line.chars().any(|c| c != '\n' && is_unsafe(c)), "raw in {}", line);
        let verdict = flow_verdict(None, &Unestablished::default(), &prn, false, 1.0, Paint::plain(), &NoHints);
        prop_assert!(!verdict.chars().any(is_unsafe), "raw in {}", verdict);
    }

    #[test]
    fn token_from_answer_never_panics(body in prop_oneof![
        prop::collection::vec(any::<u8>(), 0..512),
        json_text().prop_map(String::into_bytes),
        token_like().prop_map(|t| format!(r#"{{"identity_token":{}}}"#, Value::from(t)).into_bytes()),
    ]) {
        if let Ok(answer) = token_from_answer(&body) {
            prop_assert_eq!(answer.token.trim(), answer.token.as_str());
        }
    }
}

/// Every bit of one token, not a sample: ~5,000 validations, well under a second.
#[test]
fn flipping_each_bit_of_a_token_in_turn_makes_it_invalid() {
    let token = baseline_token();
    let policy = policy(Expect::default());
    assert!(checks::validate(token, &policy).valid);
    for at in 0..token.len() {
        for bit in 0..8 {
            let mut bytes = token.as_bytes().to_vec();
            bytes[at] ^= 1 << bit;
            let altered = String::from_utf8_lossy(&bytes);
            let report = checks::validate(&altered, &policy);
            assert!(!report.valid, "byte {at} bit {bit} still valid: {altered}");
            assert!(report.checks.iter().any(|c| c.status == Status::Fail));
        }
    }
}

/// What `sign` mints, `validate` accepts: `sign` either refuses the request or the token is
/// valid at its own `iat` (the promise in `token`'s module docs).
fn assert_sign_refuses_or_validate_accepts(request: &TokenRequest) {
    let Ok(token) = sign(request, key()) else {
        return;
    };
    let policy = Policy {
        now: DateTime::from_timestamp(request.issued_at, 0).unwrap(),
        ..policy(Expect::default())
    };
    let report = checks::validate(&token, &policy);
    let failures: Vec<_> = report.failures().collect();
    assert!(report.valid, "signed {request:?}, but: {failures:#?}");
}

/// Found by these properties: `sign` took `" "` as a user id, `validate` called it empty.
#[test]
fn sign_refuses_blank_ids_that_validate_calls_empty() {
    for (user, nonce) in [(" ", "nonce-123"), ("alice", "\t"), ("\u{3000}", "\n")] {
        assert_sign_refuses_or_validate_accepts(&request(user, nonce, None));
    }
    let mut blank_provider = request("alice", "nonce-123", None);
    blank_provider.provider_id = " ".into();
    assert_sign_refuses_or_validate_accepts(&blank_provider);
}

/// Found by these properties: `sign --now` reaches the year 9999, `validate` refuses epoch
/// seconds from 10^11 (the year 5138) as implausible.
#[test]
fn sign_refuses_instants_that_validate_calls_implausible() {
    let mut late = request("alice", "nonce-123", None);
    late.issued_at = time::parse_instant("6000-01-01T00:00:00Z")
        .unwrap()
        .timestamp();
    late.expires_at = late.issued_at + 600;
    assert_sign_refuses_or_validate_accepts(&late);
}
