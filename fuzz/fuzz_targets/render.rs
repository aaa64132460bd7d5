//! Arbitrary bytes as a token, rendered for people: whatever the token holds, the human
//! report never writes a control, bidi or invisible format character (only its own line
//! ends), so no token can draw on a terminal or forge a verdict. The same for `inspect`'s
//! decoded view.
#![no_main]

use std::sync::LazyLock;

use layer_auth::checks::{self, Expect, Policy};
use layer_auth::keys::{KeySet, VerifyingKey};
use layer_auth::output::{Detail, NoHints, Paint, Times, is_unsafe, render_decoded, render_report};
use layer_auth::time;
use libfuzzer_sys::fuzz_target;

const JWKS: &[u8] = include_bytes!("../../tests/fixtures/keys/jwks.json");

static KEYS: LazyLock<KeySet> =
    LazyLock::new(|| KeySet::new(VerifyingKey::read_all(JWKS).expect("fixture keys").keys));

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let now = time::parse_instant("1700000300").expect("fixed instant");
    let policy = Policy {
        expect: Expect {
            user: Some(text.chars().take(8).collect()),
            ..Expect::default()
        },
        strict: data.first().is_some_and(|b| b & 1 == 1),
        ..Policy::new(now, &KEYS)
    };
    let report = checks::validate(&text, &policy);
    let mut out = Vec::new();
    let times = Times {
        now,
        local: Some(|when| when.format("%Y-%m-%d %H:%M:%S +01:00").to_string()),
    };
    render_report(&report, &times, Detail::Full, Paint::plain(), &NoHints, &mut out)
        .expect("writes to a Vec");
    if let (Some(header), Some(claims)) = (&report.header, &report.claims) {
        render_decoded(header, claims, data.len(), &times, Paint::plain(), &mut out)
            .expect("writes to a Vec");
    }
    let shown = String::from_utf8(out).expect("the report is UTF-8");
    assert!(
        !shown.chars().any(|c| c != '\n' && is_unsafe(c)),
        "a raw control character in\n{shown}"
    );
});
