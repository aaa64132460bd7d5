//! Fixtures for the library's unit tests: one key (generated once per run), the token
//! request every test starts from, and validation at a fixed instant.

use std::sync::OnceLock;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::DateTime;

use crate::checks::{CheckId, Expect, Policy, Report, Status, validate};
use crate::keys::{KeySet, SigningKey, VerifyingKey};
use crate::token::{TokenRequest, Typ};

/// The instant tests judge at: mid-life of [`request`]'s token.
pub(crate) const NOW: i64 = 1_700_000_300;

/// The test key: 2048 bits, made once per test run.
pub(crate) fn key() -> &'static SigningKey {
    static KEY: OnceLock<SigningKey> = OnceLock::new();
    KEY.get_or_init(|| SigningKey::generate(2048).unwrap())
}

/// A key set holding the test key's public half, without a `kid`.
pub(crate) fn keys() -> KeySet {
    KeySet::new(vec![
        VerifyingKey::new(key().public_key().clone(), None).unwrap(),
    ])
}

/// A request for a good token: issued at 1700000000, ten minutes long, for `alice`.
pub(crate) fn request() -> TokenRequest {
    TokenRequest {
        key_id: "layer:///keys/11111111-2222-3333-4444-555555555555".into(),
        typ: Typ::Jws,
        provider_id: "layer:///providers/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee".into(),
        user: "alice".into(),
        nonce: "nonce-123".into(),
        issued_at: 1_700_000_000,
        expires_at: 1_700_000_600,
        extra: serde_json::Map::new(),
    }
}

/// A token from raw header and claims JSON, signed with the test key.
pub(crate) fn raw_token(header: &str, claims: &str) -> String {
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header),
        URL_SAFE_NO_PAD.encode(claims)
    );
    let signature = key().sign(input.as_bytes()).unwrap();
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature))
}

/// The header `sign` writes for [`request`].
pub(crate) const HEADER: &str = r#"{"typ":"JWS","alg":"RS256","cty":"layer-eit;v=1","kid":"layer:///keys/11111111-2222-3333-4444-555555555555"}"#;

/// Judging at [`NOW`] with `keys`, nothing expected, no leeway, not strict.
pub(crate) fn policy(keys: &KeySet) -> Policy<'_> {
    Policy::new(DateTime::from_timestamp(NOW, 0).unwrap(), keys)
}

/// Validates `token` at [`NOW`] with the test key and `expect`.
pub(crate) fn report_with(token: &str, expect: Expect) -> Report {
    let keys = keys();
    validate(
        token,
        &Policy {
            expect,
            ..policy(&keys)
        },
    )
}

/// Validates `token` at [`NOW`] with the test key, nothing expected.
pub(crate) fn report(token: &str) -> Report {
    report_with(token, Expect::default())
}

/// The status and message of one check.
pub(crate) fn outcome(report: &Report, id: CheckId) -> (Status, String) {
    let check = report.check(id).unwrap();
    (check.status, check.message.to_string())
}
