//! What a state file must hold before a service takes it back: the invariants the books keep
//! while the service runs, checked once, since the file is text anyone can edit. An empty
//! session token would let a call with no `Authorization` in; a nonce issued in the future
//! would stay redeemable for years; an attempt numbered at the top of `u64` would overflow
//! the next number.

use std::collections::HashSet;

use chrono::{DateTime, TimeDelta, Utc};

use super::SavedState;
use super::attempts::MAX_ATTEMPTS;
use super::ledger::{MAX_NONCES, MAX_SESSIONS};

/// How far ahead of the clock a time in the file may be (a clock set back a little since).
const SLACK: TimeDelta = TimeDelta::minutes(5);
/// The highest attempt number taken: numbers go up by one per attempt, so no service gets
/// near it, and the next ones still fit.
const MAX_SEQ: u64 = 1 << 53;

/// Why a state file cannot be taken back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StateError {
    /// Written by another version.
    #[error("its schema is {0}; this version reads schema 1")]
    Schema(u32),
    /// More entries than the service ever holds.
    #[error("it holds {count} {what}, more than the {max} a service keeps")]
    TooMany {
        /// `nonces`, `sessions`, `attempts`.
        what: &'static str,
        /// How many.
        count: usize,
        /// The most kept.
        max: usize,
    },
    /// A nonce or session token not shaped as the service draws them.
    #[error("{what} {at} is not one this service draws (43 base64url characters)")]
    Shape {
        /// `nonce`, `session token`.
        what: &'static str,
        /// Its place in the file (1-based).
        at: usize,
    },
    /// An identity no sign-in could have brought.
    #[error("identity {at}: {problem}")]
    Identity {
        /// Its place in the file (1-based).
        at: usize,
        /// What is wrong, in the token's terms.
        problem: String,
    },
    /// An empty nonce or session token.
    #[error("{what} {at} is empty")]
    Empty {
        /// `nonce`, `session token`, `identity user id`.
        what: &'static str,
        /// Its place in the file (1-based).
        at: usize,
    },
    /// The same nonce or session token twice.
    #[error("{what} {at} is there twice")]
    Twice {
        /// `nonce`, `session token`.
        what: &'static str,
        /// The place of the second one (1-based).
        at: usize,
    },
    /// A time after the service's clock.
    #[error("{what} {at} is dated after the service's clock ({when})")]
    Future {
        /// `nonce`, `session`.
        what: &'static str,
        /// Its place in the file (1-based).
        at: usize,
        /// The time.
        when: DateTime<Utc>,
    },
    /// An end before its start (a nonce used before issue, a session over before it began).
    #[error("{what} {at} ends before it begins")]
    Backwards {
        /// `nonce`, `session`.
        what: &'static str,
        /// Its place in the file (1-based).
        at: usize,
    },
    /// Attempt numbers that do not go up, or that reach the top.
    #[error("attempt {at} is numbered {seq}; attempts are numbered up from 1, below 2^53")]
    AttemptNumber {
        /// Its place in the file (1-based).
        at: usize,
        /// Its number.
        seq: u64,
    },
}

impl SavedState {
    /// Whether the books hold what a running service could have written by `now`.
    ///
    /// # Errors
    /// The first thing that could not be so.
    pub fn check(&self, now: DateTime<Utc>) -> Result<(), StateError> {
        if self.schema != 1 {
            return Err(StateError::Schema(self.schema));
        }
        let latest = now + SLACK;
        let books = &self.books;
        at_most("nonces", books.nonces.len(), MAX_NONCES)?;
        at_most("sessions", books.sessions.len(), MAX_SESSIONS)?;
        at_most("attempts", self.attempts.len(), MAX_ATTEMPTS)?;
        distinct("nonce", books.nonces.iter().map(|n| n.nonce.as_str()))?;
        distinct(
            "session token",
            books.sessions.iter().map(|s| s.token.as_str()),
        )?;
        for (at, nonce) in (1..).zip(&books.nonces) {
            let end = nonce.used_at.unwrap_or(nonce.issued_at);
            dated("nonce", at, nonce.issued_at.max(end), latest)?;
            if end < nonce.issued_at {
                return Err(StateError::Backwards { what: "nonce", at });
            }
        }
        for (at, session) in (1..).zip(&books.sessions) {
            if session.user.is_empty() {
                return Err(StateError::Empty {
                    what: "session user",
                    at,
                });
            }
            dated("session", at, session.created_at, latest)?;
            if session.expires_at <= session.created_at {
                return Err(StateError::Backwards {
                    what: "session",
                    at,
                });
            }
        }
        for (at, identity) in (1..).zip(&books.identities) {
            if identity.user_id.is_empty() {
                return Err(StateError::Empty {
                    what: "identity user id",
                    at,
                });
            }
            if let Some(problem) = identity_problem(identity) {
                return Err(StateError::Identity { at, problem });
            }
        }
        let mut last = 0;
        for (at, attempt) in (1..).zip(&self.attempts) {
            if attempt.seq <= last || attempt.seq >= MAX_SEQ {
                return Err(StateError::AttemptNumber {
                    at,
                    seq: attempt.seq,
                });
            }
            last = attempt.seq;
        }
        Ok(())
    }
}

fn at_most(what: &'static str, count: usize, max: usize) -> Result<(), StateError> {
    if count > max {
        return Err(StateError::TooMany { what, count, max });
    }
    Ok(())
}

/// Each of `values` non-empty and there once.
fn distinct<'a>(
    what: &'static str,
    values: impl Iterator<Item = &'a str>,
) -> Result<(), StateError> {
    let mut seen = HashSet::new();
    for (at, value) in (1..).zip(values) {
        if value.is_empty() {
            return Err(StateError::Empty { what, at });
        }
        let drawn = value.len() == 43
            && value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !drawn {
            return Err(StateError::Shape { what, at });
        }
        if !seen.insert(value) {
            return Err(StateError::Twice { what, at });
        }
    }
    Ok(())
}

fn dated(
    what: &'static str,
    at: usize,
    when: DateTime<Utc>,
    latest: DateTime<Utc>,
) -> Result<(), StateError> {
    if when > latest {
        return Err(StateError::Future { what, at, when });
    }
    Ok(())
}

/// What the token format refuses in `identity`, which a sign-in's token brought (SPEC §1's
/// limits on the profile claims and metadata).
fn identity_problem(identity: &super::Identity) -> Option<String> {
    let profile = [
        ("display_name", &identity.display_name, 128),
        ("first_name", &identity.first_name, 128),
        ("last_name", &identity.last_name, 128),
        ("avatar_url", &identity.avatar_url, 1024),
    ];
    for (name, value, max) in profile {
        let Some(text) = value else {
            continue;
        };
        if let Some(problem) = crate::token::length_problem(text, max) {
            return Some(format!("{name} {problem}"));
        }
    }
    let metadata = serde_json::Value::Object(identity.metadata.clone());
    crate::token::metadata_problem(&metadata).map(|problem| format!("metadata {problem}"))
}
