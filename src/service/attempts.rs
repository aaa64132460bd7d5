//! The attempt log: every `POST /sessions`, with what came of it and the full report, for a
//! test (`/_emulator/attempts`) or a person (the dashboard) to see why a sign-in failed.

use std::borrow::Cow;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use serde_json::value::RawValue;

use super::{NonceState, Refusal, Session};
use crate::checks::Report;

/// Most attempts kept (the oldest go first).
pub const MAX_ATTEMPTS: usize = 1000;

/// One `POST /sessions`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attempt {
    /// 1-based, increasing; `?since=N` asks for the ones after N.
    pub seq: u64,
    /// When it came, by the service's clock.
    pub at: DateTime<Utc>,
    /// The token's `prn`, when it has a string one.
    pub user: Option<String>,
    /// The token's `nce`, when it has a string one.
    pub nonce: Option<String>,
    /// Where that nonce stood when the attempt came (`unknown` when there was none).
    pub nonce_state: NonceState,
    /// The HTTP status answered: 201 or 422.
    pub status: u16,
    /// Whether a session was opened.
    pub accepted: bool,
    /// Why not: an `eit_*` id, or `app_id`.
    pub reason: Option<String>,
    /// The answer's message, or the session's user.
    pub message: String,
    /// The token as it came.
    pub token: String,
    /// The validation report (`validate --json`'s shape), when the token was judged.
    pub report: Option<ReportJson>,
}

/// A validation report's JSON text, kept as written and served as that JSON: the log never
/// rebuilds it as a `Value`, and it is written once, outside the service's lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportJson(String);

impl ReportJson {
    /// `report`'s JSON.
    pub fn of(report: &Report) -> Self {
        let mut json = Vec::with_capacity(2048);
        report.write_json(&mut json);
        // write_json writes UTF-8: JSON text made of the report's strings.
        Self(
            String::from_utf8(json)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
        )
    }

    /// The JSON text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The report as a `serde_json` value.
    pub fn to_value(&self) -> Value {
        serde_json::from_str(&self.0).unwrap_or(Value::Null)
    }
}

impl Serialize for ReportJson {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let raw: &RawValue = serde_json::from_str(&self.0).map_err(serde::ser::Error::custom)?;
        raw.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for ReportJson {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = Box::<RawValue>::deserialize(deserializer)?;
        Ok(Self(raw.get().to_owned()))
    }
}

impl Attempt {
    /// About how many bytes it holds (the token and the report).
    pub fn bytes(&self) -> usize {
        let report = self.report.as_ref().map_or(0, |r| r.0.len());
        self.token.len() + report + self.message.len() + 128
    }

    pub(super) fn accepted(
        at: DateTime<Utc>,
        token: &str,
        nonce_state: NonceState,
        session: &Session,
        report: &Report,
        json: Option<ReportJson>,
    ) -> Self {
        Self {
            seq: 0,
            at,
            user: Some(session.user.clone()),
            nonce: claim(report, "nce").map(Cow::into_owned),
            nonce_state,
            status: 201,
            accepted: true,
            reason: None,
            message: format!("authenticated as {}", Value::from(session.user.as_str())),
            token: capped(token),
            report: json,
        }
    }

    pub(super) fn refused(
        at: DateTime<Utc>,
        token: &str,
        nonce_state: Option<NonceState>,
        refusal: &Refusal,
        json: Option<ReportJson>,
    ) -> Self {
        let report = refusal.report.as_ref();
        Self {
            seq: 0,
            at,
            user: report.and_then(|r| claim(r, "prn")).map(Cow::into_owned),
            nonce: report.and_then(|r| claim(r, "nce")).map(Cow::into_owned),
            nonce_state: nonce_state.unwrap_or(NonceState::Unknown),
            status: refusal.error.status,
            accepted: false,
            reason: Some(refusal.reason.clone()),
            message: refusal.error.message.clone(),
            token: capped(token),
            report: json,
        }
    }
}

/// A string claim of the report's token.
pub(super) fn claim<'r>(report: &'r Report, name: &str) -> Option<Cow<'r, str>> {
    report.claims.as_ref()?.get(name)?.as_str()
}

/// The token as logged: at most 64 KiB (a longer one was refused for its size anyway).
fn capped(token: &str) -> String {
    let limit = crate::token::MAX_TOKEN_BYTES;
    if token.len() <= limit {
        return token.to_owned();
    }
    match token.char_indices().nth(limit) {
        Some((end, _)) => format!("{}…", &token[..end]),
        None => token.to_owned(),
    }
}
