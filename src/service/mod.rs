//! The Layer service side of SPEC §2 as a plain state machine: nonces (single use, ten
//! minutes), sessions, the expiry challenge, deauthentication, and the service's error bodies.
//! No I/O and no clock: every call takes `now`, and fresh values come from an [`Entropy`].
//! `flow` drives it in-process; `serve` will put it behind HTTP unchanged.

mod error;

use std::collections::HashMap;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, TimeDelta, Utc};

use crate::checks::{self, Expect, Policy, Report};
use crate::keys::KeySet;

pub use error::ApiError;

/// How long a nonce lives after issue (SPEC §2).
pub const NONCE_TTL: TimeDelta = TimeDelta::minutes(10);
/// The media type every request must accept (SPEC §2).
pub const ACCEPT: &str = "application/vnd.layer+json; version=1.0";

/// A source of unpredictable bytes for nonces and session tokens.
pub trait Entropy {
    /// Fills `buf` with random bytes.
    fn fill(&mut self, buf: &mut [u8]);
}

/// The operating system's random source (through aws-lc).
#[derive(Debug, Default, Clone, Copy)]
pub struct OsEntropy;

impl Entropy for OsEntropy {
    fn fill(&mut self, buf: &mut [u8]) {
        // Without OS randomness there is no safe nonce or session token: stopping (the
        // binary's panic hook makes it one line and exit 2) beats a predictable value.
        #[allow(clippy::panic, reason = "no randomness, no safe way on")]
        if aws_lc_rs::rand::fill(buf).is_err() {
            panic!("the operating system's random source failed");
        }
    }
}

/// How the service is set up.
#[derive(Debug)]
pub struct ServiceConfig {
    /// The app id clients must present (`layer:///apps/staging/<uuid>`).
    pub app_id: String,
    /// Public keys of the providers' registered keys, chosen by `kid`.
    pub keys: KeySet,
    /// When set, tokens must come from this provider.
    pub provider_id: Option<String>,
    /// How long a session lasts before the challenge.
    pub session_ttl: TimeDelta,
}

/// A session the service granted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// The session token (`Authorization: Layer session-token="…"`).
    pub token: String,
    /// The authenticated user, the identity token's `prn`.
    pub user: String,
    /// When the session stops being accepted.
    pub expires_at: DateTime<Utc>,
}

/// The Layer service's state.
#[derive(Debug)]
pub struct Service {
    config: ServiceConfig,
    nonces: HashMap<String, DateTime<Utc>>,
    sessions: HashMap<String, Session>,
}

impl Service {
    /// A service with no nonces or sessions yet.
    pub fn new(config: ServiceConfig) -> Self {
        Self {
            config,
            nonces: HashMap::new(),
            sessions: HashMap::new(),
        }
    }

    /// The app id clients must present.
    pub fn app_id(&self) -> &str {
        &self.config.app_id
    }

    /// `POST /nonces` → `201 {"nonce": …}`: a fresh single-use nonce, valid for ten minutes.
    pub fn issue_nonce(&mut self, now: DateTime<Utc>, entropy: &mut dyn Entropy) -> String {
        self.nonces.retain(|_, issued| now - *issued < NONCE_TTL);
        let nonce = random_token(entropy, 32);
        self.nonces.insert(nonce.clone(), now);
        nonce
    }

    /// `POST /sessions` with `{"identity_token", "app_id"}` → `201 {"session_token"}`.
    ///
    /// The token must pass every check of SPEC §1 under the registered keys; its nonce must
    /// have been issued here, be under ten minutes old, and unused (it is used up now).
    ///
    /// # Errors
    /// [`ApiError`] `422 invalid_property` for a bad token, app id, or an unknown, used or
    /// expired nonce, with the validation [`Report`] when the token itself is bad.
    pub fn create_session(
        &mut self,
        identity_token: &str,
        app_id: &str,
        now: DateTime<Utc>,
        entropy: &mut dyn Entropy,
    ) -> Result<Session, (ApiError, Option<Report>)> {
        if app_id != self.config.app_id {
            return Err((ApiError::unknown_app(app_id), None));
        }
        let report = self.check_token(identity_token, now);
        if !report.valid {
            // Not valid without a failure means the signature could not be checked: no key.
            let (reason, message) = report.failures().next().map_or(
                (
                    "eit_key_not_found",
                    "no key is registered to verify it with".to_owned(),
                ),
                |f| (f.id.as_str(), f.message.to_string()),
            );
            return Err((
                ApiError::invalid_identity_token(reason, &message),
                Some(report),
            ));
        }
        let claim = |name: &str| {
            report
                .claims
                .as_ref()
                .and_then(|c| c.get(name))
                .and_then(|v| v.as_str())
                .unwrap_or("")
        };
        let (nonce, user) = (claim("nce").to_owned(), claim("prn").to_owned());
        match self.nonces.remove(&nonce) {
            Some(issued) if now - issued < NONCE_TTL => {}
            _ => return Err((ApiError::nonce_not_found(), Some(report))),
        }
        let session = Session {
            token: random_token(entropy, 32),
            user,
            expires_at: now + self.config.session_ttl,
        };
        self.sessions.insert(session.token.clone(), session.clone());
        Ok(session)
    }

    fn check_token(&self, identity_token: &str, now: DateTime<Utc>) -> Report {
        // Strict like the service: no leeway, and when the registered keys carry ids, the
        // token's kid must name one of them.
        let named = self.config.keys.keys().iter().all(|k| k.kid().is_some());
        let policy = Policy {
            expect: Expect {
                provider_id: self.config.provider_id.clone(),
                ..Expect::default()
            },
            require_kid: named && !self.config.keys.is_empty(),
            ..Policy::new(now, &self.config.keys)
        };
        checks::validate(identity_token, &policy)
    }

    /// Any protected call with `Authorization: Layer session-token="…"`: the session's user.
    ///
    /// # Errors
    /// `401 authentication_required` (code 4) carrying a fresh nonce in `data` when the
    /// session is unknown or expired: the client re-signs with that nonce.
    pub fn authorize(
        &mut self,
        session_token: &str,
        now: DateTime<Utc>,
        entropy: &mut dyn Entropy,
    ) -> Result<Session, ApiError> {
        match self.sessions.get(session_token) {
            Some(session) if now < session.expires_at => Ok(session.clone()),
            Some(_) => {
                self.sessions.remove(session_token);
                Err(ApiError::authentication_required(
                    true,
                    self.issue_nonce(now, entropy),
                ))
            }
            None => Err(ApiError::authentication_required(
                false,
                self.issue_nonce(now, entropy),
            )),
        }
    }

    /// `DELETE /sessions/<token>` → `204`.
    ///
    /// # Errors
    /// As [`Service::authorize`] when the session is unknown or expired.
    pub fn delete_session(
        &mut self,
        session_token: &str,
        now: DateTime<Utc>,
        entropy: &mut dyn Entropy,
    ) -> Result<(), ApiError> {
        self.authorize(session_token, now, entropy)?;
        self.sessions.remove(session_token);
        Ok(())
    }

    /// The `Accept` header check every request passes first.
    ///
    /// # Errors
    /// `406 invalid_header` (code 107) when it is missing or another media type.
    pub fn check_accept(accept: Option<&str>) -> Result<(), ApiError> {
        let normalized = |s: &str| s.replace(' ', "").to_ascii_lowercase();
        match accept {
            Some(value) if normalized(value) == normalized(ACCEPT) => Ok(()),
            _ => Err(ApiError::invalid_accept()),
        }
    }
}

fn random_token(entropy: &mut dyn Entropy, bytes: usize) -> String {
    let mut buf = vec![0; bytes];
    entropy.fill(&mut buf);
    URL_SAFE_NO_PAD.encode(buf)
}

#[cfg(test)]
mod tests;

#[cfg(test)]
pub(crate) mod tests_support {
    pub(crate) use super::tests::Counter;
}
