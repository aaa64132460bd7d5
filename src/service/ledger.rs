//! The service's books, as a plain state machine: nonces (single use, ten minutes),
//! sessions, and the identities sign-ins brought. No I/O, no clock, no randomness of its
//! own: every call takes `now`, and fresh values come from the caller's generator.
//!
//! The books stay bounded however long the service runs: expired entries are pruned as
//! time passes (kept a while after expiry, so a late call still hears "expired" rather than
//! "unknown"), and past [`MAX_NONCES`] or [`MAX_SESSIONS`] the oldest entries go first.
//! What must stay in step (an entry and its place in the order; a session, its user's
//! identity and the bytes they hold) is kept so by the types of `book.rs`, not by hand here.

use std::borrow::Cow;
use std::collections::HashMap;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, TimeDelta, Utc};
use rand::Rng;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::ApiError;
use super::book::{Ordered, SessionBook};
use crate::token::{Member, Object};

/// How long a nonce lives after issue (SPEC §2).
pub const NONCE_TTL: TimeDelta = TimeDelta::minutes(10);
/// How long an expired nonce or session is still remembered as expired.
pub const GRACE: TimeDelta = TimeDelta::minutes(10);
/// Most nonces remembered at once (a flood evicts the oldest first).
pub const MAX_NONCES: usize = 250_000;
/// Most sessions remembered at once.
pub const MAX_SESSIONS: usize = 250_000;
/// Most bytes the sessions and their users' identities may hold (about): a session's user
/// id and identity come from its token, up to 64 KiB each, so a count alone bounds nothing.
pub const MAX_SESSION_BYTES: usize = 256 * 1024 * 1024;

/// A session the service granted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// The session token (`Authorization: Layer session-token="…"`).
    pub token: String,
    /// The authenticated user, the identity token's `prn`.
    pub user: String,
    /// When it was granted.
    pub created_at: DateTime<Utc>,
    /// When it stops being accepted.
    pub expires_at: DateTime<Utc>,
}

/// A user as the sign-in's token described them (`GET /identities/<user_id>`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Identity {
    /// The app's id for the user.
    pub user_id: String,
    /// `display_name`, `avatar_url`, `first_name`, `last_name` as the token gave them.
    pub display_name: Option<String>,
    /// See `display_name`.
    pub avatar_url: Option<String>,
    /// See `display_name`.
    pub first_name: Option<String>,
    /// See `display_name`.
    pub last_name: Option<String>,
    /// `metadata`, always present (`{}` when the token had none).
    pub metadata: Map<String, Value>,
}

impl Identity {
    /// The identity of a user whose sign-in brought nothing but the id.
    pub(super) fn bare(user_id: &str) -> Self {
        Self {
            user_id: user_id.to_owned(),
            ..Self::default()
        }
    }

    /// The identity the claims of an accepted token describe.
    pub fn from_claims(user_id: &str, claims: &Object) -> Self {
        let text = |name: &str| claims.get(name)?.as_str().map(Cow::into_owned);
        Self {
            user_id: user_id.to_owned(),
            display_name: text("display_name"),
            avatar_url: text("avatar_url"),
            first_name: text("first_name"),
            last_name: text("last_name"),
            metadata: match claims.get("metadata").map(Member::value) {
                Some(Value::Object(metadata)) => metadata,
                _ => Map::new(),
            },
        }
    }
}

/// Where a nonce stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NonceState {
    /// Issued here, unused, under ten minutes old.
    Issued,
    /// Already traded for a session.
    Used,
    /// Over ten minutes old.
    Expired,
    /// Never issued here (or forgotten long since).
    Unknown,
}

/// A nonce in the books.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NonceEntry {
    /// The nonce.
    pub nonce: String,
    /// When it was issued.
    pub issued_at: DateTime<Utc>,
    /// When it bought a session, if it did.
    pub used_at: Option<DateTime<Utc>>,
}

/// Which sessions `expire` ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expiry {
    /// Every session.
    All,
    /// Every session of this user.
    User(String),
    /// This one session.
    Session(String),
}

/// Everything the books hold, for a state file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Books {
    /// Every nonce remembered, oldest first.
    pub nonces: Vec<NonceEntry>,
    /// Every session remembered, oldest first.
    pub sessions: Vec<Session>,
    /// The identities sign-ins brought.
    pub identities: Vec<Identity>,
    /// How many nonces and session tokens were ever drawn: a seeded service restarted from
    /// these books starts a stream of its own from it rather than replay the one it drew.
    #[serde(default)]
    pub draws: u64,
}

/// The service's books.
#[derive(Debug)]
pub struct Ledger {
    nonces: Ordered<NonceEntry>,
    sessions: SessionBook,
    /// The most bytes the sessions and identities may hold: [`MAX_SESSION_BYTES`] (less in
    /// tests).
    budget: usize,
    /// Nonces and session tokens drawn so far (see [`Books::draws`]).
    draws: u64,
}

impl Default for Ledger {
    fn default() -> Self {
        Self {
            nonces: Ordered::default(),
            sessions: SessionBook::default(),
            budget: MAX_SESSION_BYTES,
            draws: 0,
        }
    }
}

impl Ledger {
    /// How many nonces and session tokens were drawn.
    pub fn draws(&self) -> u64 {
        self.draws
    }

    /// Books that hold at most `budget` bytes of sessions and identities.
    #[cfg(test)]
    pub(crate) fn with_budget(budget: usize) -> Self {
        Self {
            budget,
            ..Self::default()
        }
    }

    /// A fresh single-use nonce, valid for ten minutes.
    pub fn issue_nonce(&mut self, now: DateTime<Utc>, rng: &mut dyn Rng) -> String {
        self.prune(now);
        // Never one already in the books (a seeded generator replays after a restart).
        let nonce = loop {
            self.draws += 1;
            let drawn = random_token(rng);
            if !self.nonces.contains(&drawn) {
                break drawn;
            }
        };
        while self.nonces.len() >= MAX_NONCES && self.nonces.pop_oldest().is_some() {}
        let entry = NonceEntry {
            nonce: nonce.clone(),
            issued_at: now,
            used_at: None,
        };
        self.nonces.insert(nonce.as_str().into(), entry);
        nonce
    }

    /// Where `nonce` stands at `now`.
    pub fn nonce_state(&self, nonce: &str, now: DateTime<Utc>) -> NonceState {
        match self.nonces.get(nonce) {
            None => NonceState::Unknown,
            Some(entry) if entry.used_at.is_some() => NonceState::Used,
            Some(entry) if now - entry.issued_at >= NONCE_TTL => NonceState::Expired,
            Some(_) => NonceState::Issued,
        }
    }

    /// Uses `nonce` up, if it is there to use.
    ///
    /// # Errors
    /// `422 Nonce not found or expired.` for a nonce unknown, used or over ten minutes old.
    pub fn redeem(&mut self, nonce: &str, now: DateTime<Utc>) -> Result<(), ApiError> {
        match self.nonces.get_mut(nonce) {
            Some(entry) if entry.used_at.is_none() && now - entry.issued_at < NONCE_TTL => {
                entry.used_at = Some(now);
                Ok(())
            }
            _ => Err(ApiError::nonce_not_found()),
        }
    }

    /// Opens a session for `identity`'s user, lasting `ttl`.
    pub fn open_session(
        &mut self,
        identity: Identity,
        ttl: TimeDelta,
        now: DateTime<Utc>,
        rng: &mut dyn Rng,
    ) -> Session {
        while self.sessions.len() >= MAX_SESSIONS && self.sessions.pop_oldest().is_some() {}
        let token = loop {
            self.draws += 1;
            let drawn = random_token(rng);
            if !self.sessions.contains(&drawn) {
                break drawn;
            }
        };
        let session = Session {
            token,
            user: identity.user_id.clone(),
            created_at: now,
            expires_at: now + ttl,
        };
        self.sessions.insert(session.clone(), Some(identity));
        // Past the byte budget the oldest go first, never the one just opened.
        while self.sessions.held() > self.budget
            && self.sessions.len() > 1
            && self.sessions.pop_oldest().is_some()
        {}
        session
    }

    /// The session `token` names, while it lasts.
    ///
    /// # Errors
    /// `401 authentication_required` (code 4) carrying a fresh nonce when the session is
    /// unknown, expired or deleted: the client re-signs with that nonce.
    pub fn authorize(
        &mut self,
        token: &str,
        now: DateTime<Utc>,
        rng: &mut dyn Rng,
    ) -> Result<Session, ApiError> {
        // No token (a call without `Authorization`) names no session, whatever the books hold.
        match self.sessions.get(token).filter(|_| !token.is_empty()) {
            Some(session) if now < session.expires_at => Ok(session.clone()),
            Some(_) => Err(ApiError::authentication_required(
                true,
                self.issue_nonce(now, rng),
            )),
            None => Err(ApiError::authentication_required(
                false,
                self.issue_nonce(now, rng),
            )),
        }
    }

    /// Ends the session `token` names.
    ///
    /// # Errors
    /// As [`Ledger::authorize`], when it is unknown or expired.
    pub fn delete_session(
        &mut self,
        token: &str,
        now: DateTime<Utc>,
        rng: &mut dyn Rng,
    ) -> Result<(), ApiError> {
        self.authorize(token, now, rng)?;
        self.sessions.remove(token);
        Ok(())
    }

    /// Makes the chosen sessions expire now; how many there were.
    pub fn expire(&mut self, which: &Expiry, now: DateTime<Utc>) -> usize {
        self.sessions.expire(which, now)
    }

    /// The identity a sign-in of `user_id` brought.
    pub fn identity(&self, user_id: &str) -> Option<&Identity> {
        self.sessions.identity(user_id)
    }

    /// Forgets nonces and sessions expired for longer than [`GRACE`].
    pub fn prune(&mut self, now: DateTime<Utc>) {
        let stale = |entry: &NonceEntry| now - entry.issued_at >= NONCE_TTL + GRACE;
        while self.nonces.pop_oldest_if(stale).is_some() {}
        let stale = |session: &Session| now - session.expires_at >= GRACE;
        while self.sessions.pop_oldest_if(stale).is_some() {}
    }

    /// The nonces remembered, oldest first.
    pub fn nonces(&self) -> Vec<NonceEntry> {
        self.nonces.iter().cloned().collect()
    }

    /// The sessions remembered, oldest first.
    pub fn sessions(&self) -> Vec<Session> {
        self.sessions.sessions().cloned().collect()
    }

    /// Everything, for a state file.
    pub fn books(&self) -> Books {
        let mut identities: Vec<Identity> = self.sessions.identities().cloned().collect();
        identities.sort_by(|a, b| a.user_id.cmp(&b.user_id));
        Books {
            nonces: self.nonces(),
            sessions: self.sessions(),
            identities,
            draws: self.draws,
        }
    }

    /// The books a state file held.
    pub fn from_books(books: Books) -> Self {
        let mut ledger = Self {
            draws: books.draws,
            ..Self::default()
        };
        for entry in books.nonces {
            ledger.nonces.insert(entry.nonce.as_str().into(), entry);
        }
        let mut identities: HashMap<String, Identity> = books
            .identities
            .into_iter()
            .map(|i| (i.user_id.clone(), i))
            .collect();
        for session in books.sessions {
            let identity = identities.remove(&session.user);
            ledger.sessions.insert(session, identity);
        }
        // An identity no session is for is not kept: it would never be asked for.
        ledger
    }
}

/// 32 random bytes, base64url: a nonce or a session token.
fn random_token(rng: &mut dyn Rng) -> String {
    let mut bytes = [0u8; 32];
    rng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}
