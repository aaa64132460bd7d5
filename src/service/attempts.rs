//! The attempt log: every `POST /sessions`, with what came of it and the full report, for a
//! test (`/_emulator/attempts`) or a person (the dashboard) to see why a sign-in failed.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

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
    pub report: Option<Value>,
}

impl Attempt {
    /// About how many bytes it holds (the token and the report), counted without writing
    /// the report out: this runs under the service's lock, on every sign-in.
    pub fn bytes(&self) -> usize {
        self.bytes_with(self.report.as_ref().map_or(0, size))
    }

    /// As [`Attempt::bytes`], with the report's size already counted.
    pub(super) fn bytes_with(&self, report_bytes: usize) -> usize {
        self.token.len() + report_bytes + self.message.len() + 128
    }

    /// `report`'s JSON (`validate --json`'s shape) and about how many bytes it takes, for an
    /// attempt: made before the service's lock is taken, so sign-ins on several cores do not
    /// queue behind it.
    pub(super) fn report_json(report: &Report) -> (Option<Value>, usize) {
        let json = serde_json::to_value(report).ok();
        let bytes = json.as_ref().map_or(0, size);
        (json, bytes)
    }

    pub(super) fn accepted(
        at: DateTime<Utc>,
        token: &str,
        nonce_state: NonceState,
        session: &Session,
        report: &Report,
        json: Option<Value>,
    ) -> Self {
        Self {
            seq: 0,
            at,
            user: Some(session.user.clone()),
            nonce: claim(report, "nce").map(str::to_owned),
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
        json: Option<Value>,
    ) -> Self {
        let report = refusal.report.as_ref();
        Self {
            seq: 0,
            at,
            user: report.and_then(|r| claim(r, "prn")).map(str::to_owned),
            nonce: report.and_then(|r| claim(r, "nce")).map(str::to_owned),
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

/// About how many bytes `value` takes as JSON: its strings and names, and a few bytes for
/// each number, bracket and separator.
fn size(value: &Value) -> usize {
    match value {
        Value::String(text) => text.len() + 2,
        Value::Array(items) => items.iter().map(size).sum::<usize>() + items.len() + 2,
        Value::Object(members) => {
            members
                .iter()
                .map(|(name, value)| name.len() + 4 + size(value))
                .sum::<usize>()
                + 2
        }
        _ => 8,
    }
}

/// A string claim of the report's token.
pub(super) fn claim<'r>(report: &'r Report, name: &str) -> Option<&'r str> {
    report.claims.as_ref()?.get(name)?.as_str()
}

/// The token as logged: at most 64 KiB (a longer one was refused for its size anyway).
fn capped(token: &str) -> String {
    let limit = crate::token::MAX_TOKEN_BYTES;
    match token.char_indices().nth(limit) {
        Some((end, _)) => format!("{}…", &token[..end]),
        None => token.to_owned(),
    }
}
