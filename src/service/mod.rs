//! The Layer service of SPEC §2: nonces (single use, ten minutes), sessions, the expiry
//! challenge, deauthentication, the identities sign-ins bring, and the service's error
//! bodies; plus what a test emulator adds (the attempt log, the ledgers, moving the clock,
//! injected faults, a saved state).
//!
//! [`Service`] owns its configuration, its books, its [`Clock`] and its random generator,
//! and is safe to share between threads: `flow`'s embedded service and `serve`'s HTTP
//! handlers call the same methods. Its state sits behind one lock held for microseconds: a
//! token is validated (RSA, the expensive part) before the lock is taken, which then only
//! redeems the nonce and opens the session, so one of many concurrent redemptions of a nonce
//! wins by construction. No I/O here; HTTP is `crate::http`'s.

mod accept;
mod attempts;
mod book;
mod clock;
mod error;
mod faults;
mod ledger;
mod state;

use std::borrow::Cow;
use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard, PoisonError};

use chrono::{DateTime, TimeDelta, Utc};
use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::checks::{self, Expect, Policy, Report};
use crate::keys::KeySet;

pub use attempts::{Attempt, MAX_ATTEMPTS, ReportJson};
pub use clock::Clock;
pub use error::ApiError;
pub use faults::Fault;
pub use ledger::{
    Books, Expiry, GRACE, Identity, MAX_NONCES, MAX_SESSIONS, NONCE_TTL, NonceEntry, NonceState,
    Session,
};
pub use state::StateError;

/// The media type every API request must accept; versions 1.0 (these docs), 2.0 (the Web
/// SDK 3.x) and 3.0 (the later XDK) are all taken (SPEC §2).
pub const ACCEPT: &str = "application/vnd.layer+json; version=1.0";
/// Most faults armed at once.
pub const MAX_FAULTS: usize = 100;
/// Most bytes of tokens and reports the attempt log holds (the oldest go first).
pub const MAX_ATTEMPT_BYTES: usize = 16 * 1024 * 1024;

/// The `version=` values [`Service::check_accept`] takes.
pub const API_VERSIONS: [&str; 3] = ["1.0", "2.0", "3.0"];

/// How the service is set up.
#[derive(Debug, Clone)]
pub struct ServiceConfig {
    /// The app id clients must present (`layer:///apps/staging/<uuid>`).
    pub app_id: String,
    /// The providers' registered keys, chosen by `kid`.
    pub keys: KeySet,
    /// When set, tokens must come from this provider.
    pub provider_id: Option<String>,
    /// How long a session lasts before the challenge.
    pub session_ttl: TimeDelta,
}

/// Why `POST /sessions` refused: the service's answer, the reason in the service's words
/// (an `eit_*` id, or `app_id`), and the validation report when the token was judged.
#[derive(Debug, Clone)]
pub struct Refusal {
    /// The answer: `422 invalid_property`.
    pub error: ApiError,
    /// `eit_expired`, `eit_nonce_not_found`, `app_id`, …
    pub reason: String,
    /// The token's report, when it was judged.
    pub report: Option<Report>,
}

/// Everything a service remembers, for `serve --state FILE`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SavedState {
    /// Bumped when the format changes.
    pub schema: u32,
    /// How far the clock had been moved, in milliseconds.
    pub clock_offset_ms: i64,
    /// Nonces, sessions and identities.
    pub books: Books,
    /// The attempt log, oldest first.
    pub attempts: Vec<Attempt>,
}

struct Inner {
    ledger: ledger::Ledger,
    rng: Box<dyn Rng + Send>,
    /// The attempt log, oldest first, each with about how many bytes it holds.
    attempts: VecDeque<(Attempt, usize)>,
    /// What the attempts hold, in bytes (about).
    attempt_bytes: usize,
    next_attempt: u64,
    faults: Vec<Fault>,
}

/// The Layer service: config, books, clock and randomness, shared between threads.
pub struct Service {
    config: ServiceConfig,
    clock: Clock,
    inner: Mutex<Inner>,
}

impl std::fmt::Debug for Service {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Service")
            .field("app_id", &self.config.app_id)
            .field("clock", &self.clock)
            .finish_non_exhaustive()
    }
}

impl Service {
    /// A service with empty books, on `clock`, drawing nonces and session tokens from `rng`.
    pub fn new(config: ServiceConfig, clock: Clock, rng: Box<dyn Rng + Send>) -> Self {
        Self {
            config,
            clock,
            inner: Mutex::new(Inner {
                ledger: ledger::Ledger::default(),
                rng,
                attempts: VecDeque::new(),
                attempt_bytes: 0,
                next_attempt: 1,
                faults: Vec::new(),
            }),
        }
    }

    /// The lock, held for microseconds; a panic elsewhere never makes it unusable.
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// How it is set up.
    pub fn config(&self) -> &ServiceConfig {
        &self.config
    }

    /// Its clock.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// `POST /nonces` → `201 {"nonce": …}`: a fresh single-use nonce, valid for ten minutes.
    pub fn issue_nonce(&self) -> String {
        let now = self.clock.now();
        let inner = &mut *self.lock();
        inner.ledger.issue_nonce(now, inner.rng.as_mut())
    }

    /// `POST /sessions` with `{"identity_token", "app_id"}` → `201 {"session_token"}`.
    ///
    /// The token must pass every check of SPEC §1 the way the service makes them (no
    /// leeway; `kid` must name a registered key when keys carry ids; `iss` must be the
    /// provider when one is set); its nonce must have been issued here, be under ten minutes
    /// old, and unused: it is used up now. Every call is logged as an [`Attempt`].
    ///
    /// # Errors
    /// [`Refusal`]: `422 invalid_property` for a bad token or app id, or an unknown, used or
    /// expired nonce.
    pub fn create_session(&self, identity_token: &str, app_id: &str) -> Result<Session, Refusal> {
        let now = self.clock.now();
        if app_id != self.config.app_id {
            let refusal = Refusal {
                error: ApiError::unknown_app(app_id),
                reason: "app_id".into(),
                report: None,
            };
            let evicted =
                self.lock()
                    .record(Attempt::refused(now, identity_token, None, &refusal, None));
            drop(evicted);
            return Err(refusal);
        }
        // RSA and the report's JSON happen here, outside the lock.
        let report = self.judge(identity_token, now);
        let json = Some(ReportJson::of(&report));
        let mut guard = self.lock();
        let inner = &mut *guard;
        let state = attempts::claim(&report, "nce")
            .map_or(NonceState::Unknown, |n| inner.ledger.nonce_state(&n, now));
        let result = inner.redeem(report, now, self.config.session_ttl);
        let evicted = match &result {
            Ok((session, report)) => inner.record(Attempt::accepted(
                now,
                identity_token,
                state,
                session,
                report,
                json,
            )),
            Err(refusal) => inner.record(Attempt::refused(
                now,
                identity_token,
                Some(state),
                refusal,
                json,
            )),
        };
        // The report and the attempts pushed out are freed after the lock is let go.
        drop(guard);
        drop(evicted);
        result.map(|(session, _)| session)
    }

    /// `identity_token` judged as `POST /sessions` would judge it now, against `expect`'s
    /// nonce and user too when given, and its `nce` against the nonce ledger (issued here,
    /// unused, under ten minutes old); nothing is used up or logged (the dashboard's
    /// validation tool).
    pub fn validate(&self, identity_token: &str, expect: Expect) -> Report {
        let now = self.clock.now();
        let mut report = checks::validate(identity_token, &self.policy(now, expect));
        let nce = attempts::claim(&report, "nce").map(Cow::into_owned);
        let Some(nce) = nce else {
            return report;
        };
        let Some(check) = report
            .checks
            .iter_mut()
            .find(|c| c.id == checks::CheckId::Nonce && c.status != checks::Status::Fail)
        else {
            return report;
        };
        let state = self.lock().ledger.nonce_state(&nce, now);
        let id = checks::CheckId::Nonce;
        *check = match state {
            NonceState::Issued => checks::Check::pass(
                id,
                "nce is a nonce this service issued, unused and under 10 minutes old",
            ),
            NonceState::Used => checks::Check::fail(
                id,
                "nce was already traded for a session: each nonce is single-use; ask for a new one",
            ),
            NonceState::Expired => checks::Check::fail(
                id,
                "nce was issued over 10 minutes ago: ask for a new nonce and sign again",
            ),
            NonceState::Unknown => checks::Check::fail(
                id,
                "nce is no nonce this service issued (or one long forgotten): sign with the \
                 nonce POST /nonces gave",
            ),
        };
        if state != NonceState::Issued {
            report.valid = false;
        }
        report
    }

    /// The token's report, judged as the service judges before it looks at the nonce.
    fn judge(&self, identity_token: &str, now: DateTime<Utc>) -> Report {
        checks::validate(identity_token, &self.policy(now, Expect::default()))
    }

    /// The service's rules: no leeway, the provider when one is set, and when the registered
    /// keys carry ids, `kid` must name one of them.
    fn policy(&self, now: DateTime<Utc>, expect: Expect) -> Policy<'_> {
        let keys = &self.config.keys;
        let named = keys.keys().iter().all(|k| k.kid().is_some());
        Policy {
            expect: Expect {
                provider_id: self.config.provider_id.clone(),
                ..expect
            },
            require_kid: named && !keys.is_empty(),
            ..Policy::new(now, keys)
        }
    }

    /// Where `nonce` stands now.
    pub fn nonce_state(&self, nonce: &str) -> NonceState {
        let now = self.clock.now();
        self.lock().ledger.nonce_state(nonce, now)
    }

    /// Any protected call with `Authorization: Layer session-token="…"`: the session.
    ///
    /// # Errors
    /// `401 authentication_required` (code 4) carrying a fresh nonce when the session is
    /// unknown, expired or deleted: the client re-signs with that nonce.
    pub fn authorize(&self, session_token: &str) -> Result<Session, ApiError> {
        let now = self.clock.now();
        let inner = &mut *self.lock();
        inner
            .ledger
            .authorize(session_token, now, inner.rng.as_mut())
    }

    /// `DELETE /sessions/<token>` → `204`.
    ///
    /// # Errors
    /// As [`Service::authorize`] when the session is unknown or expired.
    pub fn delete_session(&self, session_token: &str) -> Result<(), ApiError> {
        let now = self.clock.now();
        let inner = &mut *self.lock();
        inner
            .ledger
            .delete_session(session_token, now, inner.rng.as_mut())
    }

    /// The identity a sign-in of `user_id` brought (`GET /identities/<user_id>`).
    pub fn identity(&self, user_id: &str) -> Option<Identity> {
        self.lock().ledger.identity(user_id).cloned()
    }

    /// Makes the chosen sessions expire now: their next call gets the challenge.
    pub fn expire(&self, which: &Expiry) -> usize {
        let now = self.clock.now();
        self.lock().ledger.expire(which, now)
    }

    /// Moves the service's clock forward (nonces and sessions expire as if time passed).
    pub fn advance(&self, by: TimeDelta) -> DateTime<Utc> {
        self.clock.advance(by);
        self.clock.now()
    }

    /// The nonces remembered, oldest first.
    pub fn nonces(&self) -> Vec<NonceEntry> {
        self.lock().ledger.nonces()
    }

    /// The sessions remembered, oldest first.
    pub fn sessions(&self) -> Vec<Session> {
        self.lock().ledger.sessions()
    }

    /// The attempts logged after `since` (their `seq`), oldest first.
    pub fn attempts(&self, since: u64) -> Vec<Attempt> {
        let inner = self.lock();
        inner
            .attempts
            .iter()
            .filter(|(a, _)| a.seq > since)
            .map(|(a, _)| a.clone())
            .collect()
    }

    /// Arms a fault: the next matching call(s) fail as it says; past [`MAX_FAULTS`] armed,
    /// the oldest is dropped.
    pub fn add_fault(&self, fault: Fault) {
        let mut inner = self.lock();
        if inner.faults.len() >= MAX_FAULTS {
            inner.faults.remove(0);
        }
        inner.faults.push(fault);
    }

    /// The fault armed for `method path`, if any (used up one time).
    pub fn take_fault(&self, method: &str, path: &str) -> Option<Fault> {
        faults::take(&mut self.lock().faults, method, path)
    }

    /// The answer an armed fault gives (`401` carries a fresh nonce, as a real one would).
    pub fn fault_error(&self, fault: &Fault) -> ApiError {
        let nonce = (fault.status == Some(401)).then(|| self.issue_nonce());
        fault.error(nonce)
    }

    /// Forgets every nonce, session, identity, attempt and fault.
    pub fn reset(&self) {
        let mut inner = self.lock();
        inner.ledger = ledger::Ledger::default();
        inner.attempts.clear();
        inner.attempt_bytes = 0;
        inner.faults.clear();
    }

    /// How many nonces and session tokens were ever drawn (carried by state files).
    pub fn draws(&self) -> u64 {
        self.lock().ledger.draws()
    }

    /// Draws from `rng` from now on (a seeded service restarted from a state file, so that
    /// it does not replay what it drew before).
    pub fn reseed(&self, rng: Box<dyn Rng + Send>) {
        self.lock().rng = rng;
    }

    /// Everything remembered, for a state file.
    pub fn save(&self) -> SavedState {
        let inner = self.lock();
        SavedState {
            schema: 1,
            clock_offset_ms: self.clock.offset().num_milliseconds(),
            books: inner.ledger.books(),
            attempts: inner.attempts.iter().map(|(a, _)| a.clone()).collect(),
        }
    }

    /// Takes back what [`Service::save`] wrote, once [`SavedState::check`] finds it could
    /// have: a session lasts at most this service's session lifetime, whatever the file
    /// says.
    ///
    /// # Errors
    /// What the file holds that no service could have written; nothing is taken then.
    pub fn restore(&self, mut saved: SavedState) -> Result<(), StateError> {
        let before = self.clock.offset();
        self.clock
            .set_offset(TimeDelta::try_milliseconds(saved.clock_offset_ms).unwrap_or_default());
        if let Err(error) = saved.check(self.clock.now()) {
            self.clock.set_offset(before);
            return Err(error);
        }
        for session in &mut saved.books.sessions {
            let longest = session.created_at + self.config.session_ttl;
            session.expires_at = session.expires_at.min(longest);
        }
        let mut inner = self.lock();
        inner.ledger = ledger::Ledger::from_books(saved.books);
        inner.next_attempt = saved.attempts.last().map_or(1, |a| a.seq + 1);
        inner.attempts.clear();
        inner.attempt_bytes = 0;
        for attempt in saved.attempts {
            let bytes = attempt.bytes();
            inner.attempt_bytes += bytes;
            inner.attempts.push_back((attempt, bytes));
        }
        Ok(())
    }

    /// The `Accept` header check every API request passes first: Layer's media type, at
    /// one of [`API_VERSIONS`], read by RFC 9110's grammar (a list; the version a token or
    /// a quoted string; `q=0` refuses). A request's several `Accept` lines are one list:
    /// pass them joined by commas.
    ///
    /// # Errors
    /// `406 invalid_header` (code 107) when it is missing or names anything else.
    pub fn check_accept(accept: Option<&str>) -> Result<(), ApiError> {
        if accept.is_some_and(accept::accepts_layer) {
            Ok(())
        } else {
            Err(ApiError::invalid_accept())
        }
    }
}

impl Inner {
    /// Under the lock: the nonce of a valid token redeemed, and the session opened.
    fn redeem(
        &mut self,
        report: Report,
        now: DateTime<Utc>,
        ttl: TimeDelta,
    ) -> Result<(Session, Report), Refusal> {
        if !report.valid {
            // Not valid without a failure means the signature could not be checked: no key.
            let (reason, message) = report.failures().next().map_or(
                (
                    "eit_key_not_found".to_owned(),
                    "no key is registered to verify it with".to_owned(),
                ),
                |f| (f.id.as_str().to_owned(), f.message.to_string()),
            );
            return Err(Refusal {
                error: ApiError::invalid_identity_token(&reason, &message),
                reason,
                report: Some(report),
            });
        }
        let nonce = attempts::claim(&report, "nce")
            .map(Cow::into_owned)
            .unwrap_or_default();
        let user = attempts::claim(&report, "prn")
            .map(Cow::into_owned)
            .unwrap_or_default();
        if let Err(error) = self.ledger.redeem(&nonce, now) {
            return Err(Refusal {
                error,
                reason: "eit_nonce_not_found".into(),
                report: Some(report),
            });
        }
        let identity = report
            .claims
            .as_ref()
            .map(|claims| Identity::from_claims(&user, claims))
            .unwrap_or_default();
        let session = self
            .ledger
            .open_session(identity, ttl, now, self.rng.as_mut());
        Ok((session, report))
    }

    /// Logs `attempt`, pushing out the oldest past [`MAX_ATTEMPTS`] or
    /// [`MAX_ATTEMPT_BYTES`]; returns those, for the caller to free once it has let the lock
    /// go.
    #[must_use]
    fn record(&mut self, mut attempt: Attempt) -> Vec<Attempt> {
        attempt.seq = self.next_attempt;
        self.next_attempt += 1;
        let bytes = attempt.bytes();
        self.attempt_bytes += bytes;
        self.attempts.push_back((attempt, bytes));
        let mut evicted = Vec::new();
        while self.attempts.len() > MAX_ATTEMPTS || self.attempt_bytes > MAX_ATTEMPT_BYTES {
            let Some((oldest, size)) = self.attempts.pop_front() else {
                break;
            };
            self.attempt_bytes = self.attempt_bytes.saturating_sub(size);
            evicted.push(oldest);
        }
        evicted
    }
}

#[cfg(test)]
mod tests;
