//! Validation of an identity token: every rule of SPEC §1–§2 as a small function returning a
//! [`Check`], run in the order of [`check_ids`]. An invalid token is a [`Report`], not an error.
//!
//! Rules that lack their input (no key, no expected nonce, an undecodable part) record
//! [`Status::Skip`] and say why; a rule that holds with something to fix records
//! [`Status::Warn`]. The token is valid when no rule fails and the signature was verified
//! (or the caller chose [`Policy::skip_signature`]), and under [`Policy::strict`] when no
//! rule warns or was skipped either.
//!
//! Messages speak in the token's terms and name no command-line flag: `flow`, `serve` and
//! Rust callers show them too. A caller that has flags adds its own hints.

mod binding;
mod claims;
mod header;
mod structure;

use std::borrow::Cow;

use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;

use crate::keys::KeySet;
use crate::token::{self, Decoded, Object};

pub use crate::token::MAX_TOKEN_BYTES;

/// The rule a [`Check`] reports on. Serialized as the service's `eit_*` reason where one fits
/// (SPEC §2), plain snake_case otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CheckId {
    /// The token is at most [`MAX_TOKEN_BYTES`].
    TokenSize,
    /// Three `.`-separated parts.
    PartCount,
    /// Each part is unpadded base64url.
    Base64url,
    /// Header and claims are JSON objects without duplicate members.
    Json,
    /// `typ`, `alg`, `cty`, `kid` are present.
    HeaderParamNotFound,
    /// … and strings.
    HeaderParamWrongType,
    /// … with the values Layer accepts.
    HeaderParamWrongValue,
    /// `iss`, `prn`, `iat`, `exp`, `nce` are present.
    ClaimNotFound,
    /// … strings and integer epoch seconds.
    ClaimWrongType,
    /// … and not empty.
    ClaimValues,
    /// Profile claims and `metadata` within SPEC §1's limits.
    OptionalClaims,
    /// `exp` after `iat`.
    ExpAfterIat,
    /// `iat` not in the future.
    NotBefore,
    /// `exp` not in the past.
    Expired,
    /// `nce` is the nonce expected.
    Nonce,
    /// `prn` is the user expected.
    User,
    /// `iss` is the provider expected.
    Provider,
    /// `kid` is the key id expected.
    KeyId,
    /// A key to verify with was found.
    KeyNotFound,
    /// The RS256 signature verifies.
    Signature,
}

impl CheckId {
    /// The id as reports and `--json` show it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::TokenSize => "token_size",
            Self::PartCount => "eit_wrong_jws_part_count",
            Self::Base64url => "eit_malformed_base64url",
            Self::Json => "eit_malformed_json",
            Self::HeaderParamNotFound => "eit_header_param_not_found",
            Self::HeaderParamWrongType => "eit_header_param_wrong_type",
            Self::HeaderParamWrongValue => "eit_header_param_wrong_value",
            Self::ClaimNotFound => "eit_claim_not_found",
            Self::ClaimWrongType => "eit_claim_wrong_type",
            Self::ClaimValues => "claim_values",
            Self::OptionalClaims => "optional_claims",
            Self::ExpAfterIat => "exp_after_iat",
            Self::NotBefore => "eit_not_before",
            Self::Expired => "eit_expired",
            Self::Nonce => "eit_nonce_not_found",
            Self::User => "user_matches",
            Self::Provider => "eit_provider_not_found",
            Self::KeyId => "key_id_matches",
            Self::KeyNotFound => "eit_key_not_found",
            Self::Signature => "eit_signature_verification_failed",
        }
    }
}

impl CheckId {
    /// What the check is about, for lists in verdicts: the member it compares (`nce`,
    /// `prn`, `iss`, `kid`), `signature` for the key and signature checks, else its id.
    pub fn subject(self) -> &'static str {
        match self {
            Self::Nonce => "nce",
            Self::User => "prn",
            Self::Provider => "iss",
            Self::KeyId => "kid",
            Self::KeyNotFound | Self::Signature => "signature",
            other => other.as_str(),
        }
    }
}

impl Serialize for CheckId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// A rule's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The rule holds.
    Pass,
    /// The rule holds, with something to fix (a bare-UUID `kid`, a legacy key, whitespace
    /// around the token); the message says what.
    Warn,
    /// The rule is broken: the token is invalid.
    Fail,
    /// The rule could not be applied (missing input); the message says why.
    Skip,
}

impl Status {
    /// The status as reports and `--json` show it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pass => "pass",
            Self::Warn => "warn",
            Self::Fail => "fail",
            Self::Skip => "skip",
        }
    }
}

/// One rule's verdict, as shown in the report and in `--json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// Which rule.
    pub id: CheckId,
    /// Its verdict.
    pub status: Status,
    /// What was found; on failure, what to do. Fixed texts are borrowed, not allocated:
    /// bulk validation builds twenty of these per token. A report shows a borrowed text as
    /// it stands (it is one of ours) and escapes an owned one: anything that quotes a token,
    /// a key file or a server must be owned.
    pub message: Cow<'static, str>,
}

impl Check {
    /// A passing check.
    pub fn pass(id: CheckId, message: impl Into<Cow<'static, str>>) -> Self {
        Self {
            id,
            status: Status::Pass,
            message: message.into(),
        }
    }
    /// A passing check with something to fix.
    pub fn warn(id: CheckId, message: impl Into<Cow<'static, str>>) -> Self {
        Self {
            id,
            status: Status::Warn,
            message: message.into(),
        }
    }
    /// A failing check.
    pub fn fail(id: CheckId, message: impl Into<Cow<'static, str>>) -> Self {
        Self {
            id,
            status: Status::Fail,
            message: message.into(),
        }
    }
    /// A skipped check.
    pub fn skip(id: CheckId, message: impl Into<Cow<'static, str>>) -> Self {
        Self {
            id,
            status: Status::Skip,
            message: message.into(),
        }
    }
    /// Pass when `problems` is empty, else fail listing them.
    fn from_problems(id: CheckId, problems: Vec<String>, ok: impl Into<Cow<'static, str>>) -> Self {
        if problems.is_empty() {
            Self::pass(id, ok)
        } else {
            Self::fail(id, problems.join("; "))
        }
    }
}

/// What the caller expects of the token beyond SPEC §1 (each `None` skips its check).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expect {
    /// The nonce the service issued (`nce`).
    pub nonce: Option<String>,
    /// The user the client asked for (`prn`).
    pub user: Option<String>,
    /// The Provider ID (`iss`).
    pub provider_id: Option<String>,
    /// The Key ID (`kid`).
    pub key_id: Option<String>,
}

/// Everything validation depends on besides the token. Time comes in; nothing reads a clock.
#[derive(Debug, Clone)]
pub struct Policy<'k> {
    /// The instant to judge `iat` and `exp` against.
    pub now: DateTime<Utc>,
    /// Clock skew forgiven on `iat` and `exp`.
    pub leeway: TimeDelta,
    /// Public keys to verify with.
    pub keys: &'k KeySet,
    /// Expected values.
    pub expect: Expect,
    /// Count a token valid without a verified signature (contents only).
    pub skip_signature: bool,
    /// Count a token valid only when no rule warns and none was skipped.
    pub strict: bool,
    /// The service's rule: `kid` must name a key of the set, even when the set holds one
    /// key (otherwise a lone key is used whatever `kid` says, and a mismatch with the
    /// expected Key ID is its own check).
    pub require_kid: bool,
}

impl<'k> Policy<'k> {
    /// Judging at `now` with `keys`: no leeway, nothing expected, signature required, not
    /// strict; change the fields for more.
    pub fn new(now: DateTime<Utc>, keys: &'k KeySet) -> Self {
        Self {
            now,
            leeway: TimeDelta::zero(),
            keys,
            expect: Expect::default(),
            skip_signature: false,
            strict: false,
            require_kid: false,
        }
    }
}

/// The JSON report's schema version: bumped when a field changes meaning or goes away
/// (adding a field does not bump it). `docs/report.md` documents every field.
pub const REPORT_SCHEMA: u32 = 1;

/// The signature check's message when the policy skips it (`--skip-signature`), which
/// renderers tell from a signature left unverified for want of a key.
pub const SIGNATURE_SKIPPED_ON_REQUEST: &str = "skipped on request: the token is NOT authenticated";

/// The outcome of validating one token.
///
/// JSON form (one object per token; `docs/report.md` documents it):
/// `{"schema": 1, "line": N?, "valid": bool, "signature_verified": bool,
///   "failed": [id], "warnings": [id], "not_checked": [id],
///   "header": {…}|null, "claims": {…}|null,
///   "checks": [{"id": "eit_…", "status": "pass"|"warn"|"fail"|"skip", "message": "…"}, …]}`
/// with one entry in `checks` per rule of [`check_ids`], always in that order; `failed`,
/// `warnings` and `not_checked` list the ids of the checks with that status, in that order.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// The input line the token came from (1-based), when it came from a stream.
    pub line: Option<usize>,
    /// No check failed and the signature was verified (or skipping it was asked for); under
    /// [`Policy::strict`], also no check warned or was skipped.
    pub valid: bool,
    /// Whether strict judging was asked for.
    pub strict: bool,
    /// The decoded header, when it is a JSON object.
    pub header: Option<Object>,
    /// The decoded claims, when they are a JSON object.
    pub claims: Option<Object>,
    /// Every rule's verdict, in [`check_ids`] order.
    pub checks: Vec<Check>,
}

impl Report {
    /// The checks that failed.
    pub fn failures(&self) -> impl Iterator<Item = &Check> {
        self.with_status(Status::Fail)
    }

    /// The checks that passed with something to fix.
    pub fn warnings(&self) -> impl Iterator<Item = &Check> {
        self.with_status(Status::Warn)
    }

    /// The checks that could not be made.
    pub fn not_checked(&self) -> impl Iterator<Item = &Check> {
        self.with_status(Status::Skip)
    }

    fn with_status(&self, status: Status) -> impl Iterator<Item = &Check> {
        self.checks.iter().filter(move |c| c.status == status)
    }

    /// Whether the RS256 signature verified under a trusted key.
    pub fn signature_verified(&self) -> bool {
        self.check(CheckId::Signature)
            .is_some_and(|c| matches!(c.status, Status::Pass | Status::Warn))
    }

    /// The check for `id`.
    pub fn check(&self, id: CheckId) -> Option<&Check> {
        self.checks.iter().find(|c| c.id == id)
    }
}

impl Report {
    /// Appends the report's JSON to `out`, byte for byte what its [`Serialize`] writes, but
    /// straight into the buffer: the fast path for streams of reports (`validate -`,
    /// `serve`'s attempt log).
    ///
    /// ```
    /// let keys = layer_auth::keys::KeySet::default();
    /// let now = chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap();
    /// let report = layer_auth::checks::validate("a.b", &layer_auth::checks::Policy::new(now, &keys));
    /// let mut json = Vec::new();
    /// report.write_json(&mut json);
    /// assert_eq!(json, serde_json::to_vec(&report).unwrap());
    /// ```
    pub fn write_json(&self, out: &mut Vec<u8>) {
        let mut number = itoa::Buffer::new();
        let flag = |value: bool| if value { "true" } else { "false" };
        out.extend_from_slice(b"{\"schema\":");
        out.extend_from_slice(number.format(REPORT_SCHEMA).as_bytes());
        if let Some(line) = self.line {
            out.extend_from_slice(b",\"line\":");
            out.extend_from_slice(number.format(line).as_bytes());
        }
        for (name, value) in [
            ("valid", self.valid),
            ("signature_verified", self.signature_verified()),
        ] {
            for part in [",\"", name, "\":", flag(value)] {
                out.extend_from_slice(part.as_bytes());
            }
        }
        for (name, status) in [
            ("failed", Status::Fail),
            ("warnings", Status::Warn),
            ("not_checked", Status::Skip),
        ] {
            for part in [",\"", name, "\":["] {
                out.extend_from_slice(part.as_bytes());
            }
            for (i, check) in self.with_status(status).enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                push_plain(out, check.id.as_str());
            }
            out.push(b']');
        }
        for (name, part) in [("header", &self.header), ("claims", &self.claims)] {
            let json = part.as_ref().map_or("null", Object::json);
            for part in [",\"", name, "\":", json] {
                out.extend_from_slice(part.as_bytes());
            }
        }
        out.extend_from_slice(b",\"checks\":[");
        for (i, check) in self.checks.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(check_head(check.id, check.status).as_bytes());
            push_json_str(out, &check.message);
            out.push(b'}');
        }
        out.extend_from_slice(b"]}");
    }
}

/// `{"id":"…","status":"…","message":` for `id` and `status`: made once for every pair, so
/// that a check's JSON is one copy and its message.
fn check_head(id: CheckId, status: Status) -> &'static str {
    static HEADS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    const STATUSES: [Status; 4] = [Status::Pass, Status::Warn, Status::Fail, Status::Skip];
    let heads = HEADS.get_or_init(|| {
        RULES
            .iter()
            .flat_map(|(id, _)| {
                STATUSES.iter().map(move |status| {
                    format!(
                        "{{\"id\":\"{}\",\"status\":\"{}\",\"message\":",
                        id.as_str(),
                        status.as_str()
                    )
                })
            })
            .collect()
    });
    // RULES lists the ids in their declaration order and STATUSES the statuses in theirs
    // (`rules_and_statuses_are_in_declaration_order` checks it), so the discriminants index the table.
    heads[id as usize * STATUSES.len() + status as usize].as_str()
}

/// One of our own identifiers (a check id, a status: snake_case ASCII, tested in
/// `ids_serialize_as_the_service_reasons`) as a JSON string, which needs no escape.
fn push_plain(out: &mut Vec<u8>, id: &str) {
    out.push(b'"');
    out.extend_from_slice(id.as_bytes());
    out.push(b'"');
}

/// `text` as a JSON string, escaped as `serde_json` escapes it.
fn push_json_str(out: &mut Vec<u8>, text: &str) {
    let bytes = text.as_bytes();
    if !crate::json::needs_escape(bytes) {
        out.reserve(text.len() + 2);
        out.push(b'"');
        out.extend_from_slice(bytes);
        out.push(b'"');
    } else if !crate::json::has_control(bytes) {
        // Quotes and backslashes only (a message quoting the token's `iss`, say): each
        // gets a backslash before it, as serde_json writes them.
        out.push(b'"');
        let mut start = 0;
        for at in memchr::memchr2_iter(b'"', b'\\', bytes) {
            out.extend_from_slice(&bytes[start..at]);
            out.push(b'\\');
            start = at;
        }
        out.extend_from_slice(&bytes[start..]);
        out.push(b'"');
    } else {
        // Writing to a Vec cannot fail.
        let _ = serde_json::to_writer(&mut *out, text);
    }
}

impl Serialize for Report {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let ids = |status| -> Vec<CheckId> { self.with_status(status).map(|c| c.id).collect() };
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("schema", &REPORT_SCHEMA)?;
        if let Some(line) = self.line {
            map.serialize_entry("line", &line)?;
        }
        map.serialize_entry("valid", &self.valid)?;
        map.serialize_entry("signature_verified", &self.signature_verified())?;
        map.serialize_entry("failed", &ids(Status::Fail))?;
        map.serialize_entry("warnings", &ids(Status::Warn))?;
        map.serialize_entry("not_checked", &ids(Status::Skip))?;
        map.serialize_entry("header", &self.header)?;
        map.serialize_entry("claims", &self.claims)?;
        map.serialize_entry("checks", &self.checks)?;
        map.end()
    }
}

/// A message joined from `parts`, sized once: pass messages are built for every token of a
/// stream, and `format!` costs several times as much.
fn joined(parts: &[&str]) -> String {
    let mut text = String::with_capacity(parts.iter().map(|part| part.len()).sum());
    for part in parts {
        text.push_str(part);
    }
    text
}

/// `prefix` and a span of seconds in words (`lifetime 10m`), as [`joined`].
fn spanned(prefix: &str, secs: i64) -> String {
    let mut text = String::with_capacity(prefix.len() + 16);
    text.push_str(prefix);
    crate::time::push_human(&mut text, secs);
    text
}

/// A rule: reads the token as decoded and the policy, returns its verdict.
type Rule = fn(&Context<'_, '_>) -> Check;

/// Every rule, in report order.
const RULES: [(CheckId, Rule); 20] = [
    (CheckId::TokenSize, structure::size),
    (CheckId::PartCount, structure::part_count),
    (CheckId::Base64url, structure::base64url),
    (CheckId::Json, structure::json),
    (CheckId::HeaderParamNotFound, header::not_found),
    (CheckId::HeaderParamWrongType, header::wrong_type),
    (CheckId::HeaderParamWrongValue, header::wrong_value),
    (CheckId::ClaimNotFound, claims::not_found),
    (CheckId::ClaimWrongType, claims::wrong_type),
    (CheckId::ClaimValues, claims::values),
    (CheckId::OptionalClaims, claims::optional),
    (CheckId::ExpAfterIat, claims::exp_after_iat),
    (CheckId::NotBefore, claims::not_before),
    (CheckId::Expired, claims::expiry),
    (CheckId::Nonce, binding::nonce),
    (CheckId::User, binding::user),
    (CheckId::Provider, binding::provider),
    (CheckId::KeyId, binding::key_id),
    (CheckId::KeyNotFound, binding::key),
    (CheckId::Signature, binding::signature),
];

/// The id of every rule, in the order reports list them.
pub fn check_ids() -> impl Iterator<Item = CheckId> {
    RULES.iter().map(|(id, _)| *id)
}

/// Validates one token (surrounding whitespace ignored) against `policy`.
///
/// ```
/// use layer_auth::checks::{Expect, Policy, validate};
/// use layer_auth::keys::{KeySet, SigningKey, VerifyingKey};
/// use layer_auth::token::{TokenRequest, Typ, sign};
///
/// let key = SigningKey::generate(2048)?;
/// let request = TokenRequest {
///     key_id: "layer:///keys/5f0c3a9e-0000-4000-8000-000000000001".into(),
///     typ: Typ::Jws,
///     provider_id: "layer:///providers/5f0c3a9e-0000-4000-8000-000000000002".into(),
///     user: "alice".into(),
///     nonce: "nonce-1".into(),
///     issued_at: 1_700_000_000,
///     expires_at: 1_700_000_600,
///     extra: Default::default(),
/// };
/// let token = sign(&request, &key)?;
///
/// let keys = KeySet::new(vec![VerifyingKey::new(key.public_key().clone(), None)?]);
/// let now = chrono::DateTime::from_timestamp(1_700_000_060, 0).unwrap();
/// let policy = Policy {
///     expect: Expect { nonce: Some("nonce-1".into()), user: Some("alice".into()), ..Expect::default() },
///     ..Policy::new(now, &keys)
/// };
/// let report = validate(&token, &policy);
/// assert!(report.valid, "{report:?}");
///
/// let late = Policy { now: chrono::DateTime::from_timestamp(1_700_009_000, 0).unwrap(), ..policy };
/// let report = validate(&token, &late);
/// assert!(!report.valid);
/// assert_eq!(report.failures().next().unwrap().id.as_str(), "eit_expired");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn validate(token: &str, policy: &Policy<'_>) -> Report {
    let trimmed = token.trim();
    let mut context = Context::new(trimmed, policy);
    context.trimmed = token.len() - trimmed.len();
    judge(context, policy)
}

/// The report for an input of `bytes` bytes that was too large to keep (a line of a token
/// stream over the limit): `token_size` fails with the real length, and every check that
/// would need the token is skipped.
pub fn validate_oversized(bytes: usize, policy: &Policy<'_>) -> Report {
    let mut context = Context::new("", policy);
    context.len = bytes.max(MAX_TOKEN_BYTES + 1);
    judge(context, policy)
}

fn judge(context: Context<'_, '_>, policy: &Policy<'_>) -> Report {
    let checks: Vec<Check> = RULES.iter().map(|(_, rule)| rule(&context)).collect();
    let (header, claims) = match context.decoded {
        Some(decoded) => (decoded.header.ok(), decoded.claims.ok()),
        None => (None, None),
    };
    let mut report = Report {
        line: None,
        valid: false,
        strict: policy.strict,
        header,
        claims,
        checks,
    };
    let clean = |s: Status| match s {
        Status::Pass => true,
        Status::Warn | Status::Skip => !policy.strict,
        Status::Fail => false,
    };
    report.valid = report.checks.iter().all(|c| clean(c.status))
        && (report.signature_verified() || policy.skip_signature);
    report
}

/// The token as far as it could be decoded, and the policy: what every rule reads.
pub(crate) struct Context<'t, 'p> {
    raw: &'t str,
    /// The token's length in bytes (that of `raw`, unless the token was too large to keep).
    len: usize,
    /// Bytes of whitespace trimmed from around the token.
    trimmed: usize,
    decoded: Option<Decoded<'t>>,
    /// `iat` and `exp` when they are usable epoch seconds, read once for the three rules
    /// that compare them.
    iat: Option<i64>,
    exp: Option<i64>,
    policy: &'p Policy<'p>,
}

/// Why a rule that needs decoded parts has none.
const NOT_DECODED: &str = "not checked: the token could not be taken apart (see above)";

impl<'t, 'p> Context<'t, 'p> {
    fn new(raw: &'t str, policy: &'p Policy<'p>) -> Self {
        let decoded = if raw.len() > MAX_TOKEN_BYTES {
            None
        } else {
            token::decode(raw).ok()
        };
        let epoch = |name: &str| {
            let claims = decoded.as_ref()?.claims.as_ref().ok()?;
            claims::epoch_seconds(claims.get(name)?).ok()
        };
        let (iat, exp) = (epoch("iat"), epoch("exp"));
        Self {
            raw,
            len: raw.len(),
            trimmed: 0,
            decoded,
            iat,
            exp,
            policy,
        }
    }

    fn header(&self) -> Option<&Object> {
        self.decoded.as_ref()?.header.as_ref().ok()
    }

    fn claims(&self) -> Option<&Object> {
        self.decoded.as_ref()?.claims.as_ref().ok()
    }

    /// A claim's value when it is a string.
    fn claim_str(&self, name: &str) -> Option<Cow<'_, str>> {
        self.claims()?.get(name)?.as_str()
    }

    /// `iat` when it is usable epoch seconds (see [`claims::epoch_seconds`]).
    fn iat(&self) -> Option<i64> {
        self.iat
    }

    /// `exp` when it is usable epoch seconds.
    fn exp(&self) -> Option<i64> {
        self.exp
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{
        key, keys, outcome, policy, raw_token, report, report_with, request,
    };
    use crate::token::sign;

    #[test]
    fn a_good_token_passes_every_check_that_has_its_input() {
        let token = sign(&request(), key()).unwrap();
        let report = report(&token);
        assert!(report.valid, "{report:#?}");
        assert_eq!(report.checks.len(), RULES.len());
        let skipped: Vec<_> = report
            .checks
            .iter()
            .filter(|c| c.status == Status::Skip)
            .map(|c| c.id)
            .collect();
        assert_eq!(
            skipped,
            [
                CheckId::Nonce,
                CheckId::User,
                CheckId::Provider,
                CheckId::KeyId
            ]
        );
    }

    #[test]
    fn without_a_key_the_token_is_not_valid_unless_signature_is_skipped() {
        let token = sign(&request(), key()).unwrap();
        let empty = KeySet::default();
        let mut policy = policy(&empty);
        let report = validate(&token, &policy);
        assert!(!report.valid);
        assert_eq!(report.failures().count(), 0);
        assert_eq!(outcome(&report, CheckId::Signature).0, Status::Skip);
        policy.skip_signature = true;
        assert!(validate(&token, &policy).valid);
    }

    #[test]
    fn ids_serialize_as_the_service_reasons() {
        let check = Check::fail(CheckId::Expired, "x");
        assert_eq!(
            serde_json::to_value(&check).unwrap(),
            serde_json::json!({"id": "eit_expired", "status": "fail", "message": "x"})
        );
        for (id, _) in RULES {
            let text = id.as_str();
            assert!(
                text.chars()
                    .all(|c| c.is_ascii_lowercase() || c == '_' || c.is_ascii_digit())
            );
        }
        for status in [Status::Pass, Status::Warn, Status::Fail, Status::Skip] {
            assert_eq!(serde_json::to_value(status).unwrap(), status.as_str());
        }
    }

    #[test]
    fn an_input_too_large_to_keep_fails_token_size_by_its_real_length_and_skips_the_rest() {
        let keys = keys();
        let report = validate_oversized(3_000_000, &policy(&keys));
        assert!(!report.valid);
        assert_eq!(
            outcome(&report, CheckId::TokenSize),
            (
                Status::Fail,
                "3000000 bytes, over the 64 KiB limit: an identity token is under 2 KiB; is this \
                 the right input?"
                    .to_owned()
            )
        );
        let judged: Vec<_> = report.checks[1..]
            .iter()
            .filter(|c| c.status != Status::Skip)
            .map(|c| c.id)
            .collect();
        // Only the key lookup, which needs no token content, is made.
        assert_eq!(judged, [CheckId::KeyNotFound]);
    }

    #[test]
    fn write_json_writes_what_serialize_writes() {
        let good = sign(&request(), key()).unwrap();
        let mut odd = request();
        odd.extra
            .insert("display_name".into(), "a\"b\\c\u{1b}\u{202e}é".into());
        odd.extra
            .insert("metadata".into(), serde_json::json!({"k": "v", "n": "1.5"}));
        let odd = sign(&odd, key()).unwrap();
        let spaced = raw_token(" { \"alg\" : \"HS256\" } ", "{\"iat\": 1e2, \"prn\": 7}");
        let expect = Expect {
            nonce: Some("nonce-\u{7}x".into()),
            ..Expect::default()
        };
        for token in [&good, &odd, &spaced, " a.b ", "", "e30.e30.e30"] {
            for strict in [false, true] {
                let mut report = report_with(token, expect.clone());
                report.strict = strict;
                report.line = strict.then_some(7);
                let mut written = Vec::new();
                report.write_json(&mut written);
                let serialized = serde_json::to_vec(&report).unwrap();
                assert_eq!(
                    String::from_utf8(written).unwrap(),
                    String::from_utf8(serialized).unwrap(),
                    "{token}"
                );
            }
        }
    }

    #[test]
    fn rules_and_statuses_are_in_declaration_order() {
        for (i, (id, _)) in RULES.iter().enumerate() {
            assert_eq!(*id as usize, i, "{id:?}");
        }
        for (i, status) in [Status::Pass, Status::Warn, Status::Fail, Status::Skip]
            .into_iter()
            .enumerate()
        {
            assert_eq!(status as usize, i);
        }
    }

    #[test]
    fn every_rule_appears_once_in_order() {
        let report = report("garbage");
        let ids: Vec<_> = report.checks.iter().map(|c| c.id).collect();
        let expected: Vec<_> = RULES.iter().map(|(id, _)| *id).collect();
        assert_eq!(ids, expected);
        assert!(!report.valid);
    }
}
