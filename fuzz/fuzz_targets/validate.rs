//! Arbitrary bytes as a token: `checks::validate` and `token::decode` must never panic, and
//! every report lists each rule once, in order, and serializes to the documented JSON, the
//! same through `Report::write_json` as through serde. The same bytes as a token part:
//! `token::Object` reads exactly what the strict parser reads, with its words for what not.
#![no_main]

use std::sync::LazyLock;

use layer_auth::checks::{self, Expect, Policy, Report};
use layer_auth::keys::{KeySet, VerifyingKey};
use layer_auth::{time, token};
use libfuzzer_sys::fuzz_target;

/// The fixtures' main key (public half) and their key set of two named keys.
const SPKI: &[u8] = include_bytes!("../../tests/fixtures/keys/rsa2048-spki.pem");
const JWKS: &[u8] = include_bytes!("../../tests/fixtures/keys/jwks.json");

fn key_set(bytes: &[u8]) -> KeySet {
    KeySet::new(VerifyingKey::read_all(bytes).expect("fixture key").keys)
}

/// One key, every expectation set to the fixture tokens' values (mid-life `now`).
static SINGLE: LazyLock<KeySet> = LazyLock::new(|| key_set(SPKI));
/// Two keys with a `kid` each: selection by `kid`, and "no key for this kid".
static NAMED: LazyLock<KeySet> = LazyLock::new(|| key_set(JWKS));

fn policy<'k>(keys: &'k KeySet, expect: Expect, leeway: &str) -> Policy<'k> {
    Policy {
        leeway: time::parse_duration(leeway).expect("fixed leeway"),
        expect,
        ..Policy::new(time::parse_instant("1700000300").expect("fixed instant"), keys)
    }
}

fn fixture_expect() -> Expect {
    Expect {
        nonce: Some("nonce-123".into()),
        user: Some("alice".into()),
        provider_id: Some("layer:///providers/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee".into()),
        key_id: Some("layer:///keys/11111111-2222-3333-4444-555555555555".into()),
    }
}

fn check_report(report: &Report) {
    let ids: Vec<_> = report.checks.iter().map(|c| c.id).collect();
    let expected: Vec<_> = checks::check_ids().collect();
    assert_eq!(ids, expected, "one check per rule, in order");
    if report.valid {
        assert_eq!(report.failures().count(), 0, "valid with a failed check");
    }
    let json = serde_json::to_string(report).expect("a report serializes");
    let mut written = Vec::new();
    report.write_json(&mut written);
    assert_eq!(written, json.as_bytes(), "write_json and Serialize disagree");
    let value: serde_json::Value = serde_json::from_str(&json).expect("and parses back");
    for member in ["valid", "header", "claims", "checks"] {
        assert!(value.get(member).is_some(), "no `{member}` in {json}");
    }
}

/// `Object::parse` against `json::parse_object`: the same verdict and error, the same
/// members and values, and text that is what serde_json writes for them.
fn check_object(data: &[u8]) {
    let strict = layer_auth::json::parse_object(data);
    match (token::Object::parse(data.to_vec()), strict) {
        (Ok(object), Ok(map)) => {
            assert_eq!(object.to_map(), map, "members differ");
            assert_eq!(object.json(), serde_json::Value::Object(map).to_string());
        }
        (Err(ours), Err(theirs)) => assert_eq!(ours, theirs, "different words"),
        (ours, theirs) => panic!("Object::parse {ours:?} but parse_object {theirs:?}"),
    }
}

fuzz_target!(|data: &[u8]| {
    check_object(data);
    let text = String::from_utf8_lossy(data);
    if let Ok(decoded) = token::decode(&text) {
        assert!(text.starts_with(decoded.signing_input));
    }
    let single = policy(&SINGLE, fixture_expect(), "0");
    check_report(&checks::validate(&text, &single));
    let named = policy(&NAMED, Expect::default(), "1h");
    check_report(&checks::validate(&text, &named));
});
