//! The client side of SPEC §2 as named steps: nonce, identity token, local validation,
//! session, replay refused, (challenge and re-authentication), deauthentication.
//!
//! Where tokens come from ([`TokenSource`]: the embedded signer, or a backend over HTTP)
//! and where the service is ([`LayerApi`]: embedded, or over HTTP) are traits, so each step
//! reads the same whichever side is real. The runner emits each [`Step`] as it completes;
//! timing it is the caller's business (the library reads no clock).

pub mod backend;
mod embedded;

use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;

use crate::checks::{self, Expect, Policy, Report};
use crate::keys::KeySet;
use crate::service::{ApiError, Session};

pub use embedded::{EmbeddedService, EmbeddedSigner, VirtualClock};

/// Why a step could not be done.
#[derive(Debug, thiserror::Error)]
pub enum FlowError {
    /// The service answered with an error body.
    #[error("{0}")]
    Api(ApiError),
    /// The backend did not give a token (HTTP status, body, timeout, connection).
    #[error("{0}")]
    Backend(String),
    /// The embedded signer could not sign.
    #[error("cannot sign: {0}")]
    Sign(#[from] crate::token::SignError),
}

/// Where identity tokens come from.
pub trait TokenSource {
    /// An identity token for `user` over `nonce`.
    ///
    /// # Errors
    /// [`FlowError`] saying why no token came.
    fn identity_token(&mut self, user: &str, nonce: &str) -> Result<String, FlowError>;
    /// How step messages name this source ("the embedded signer", "POST http://…").
    fn describe(&self) -> String;
}

/// Where the Layer service is.
pub trait LayerApi {
    /// `POST /nonces`.
    ///
    /// # Errors
    /// The service's error.
    fn request_nonce(&mut self) -> Result<String, FlowError>;
    /// `POST /sessions` with the identity token.
    ///
    /// # Errors
    /// The service's error (422 for a bad token or nonce).
    fn create_session(&mut self, identity_token: &str) -> Result<Session, FlowError>;
    /// A protected call with the session; a challenge is `Err(FlowError::Api(401 …))`.
    ///
    /// # Errors
    /// The service's error.
    fn call(&mut self, session_token: &str) -> Result<(), FlowError>;
    /// Makes the session expire (the embedded service moves its clock); says how.
    ///
    /// # Errors
    /// When this service cannot be made to expire a session.
    fn expire_session(&mut self, session: &Session) -> Result<String, FlowError>;
    /// `DELETE /sessions/<token>`.
    ///
    /// # Errors
    /// The service's error.
    fn delete_session(&mut self, session_token: &str) -> Result<(), FlowError>;
    /// The service's idea of now, for validating tokens the way it will.
    fn now(&self) -> DateTime<Utc>;
}

/// The steps of the sequence, in the order they can happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// `POST /nonces` answered.
    NonceIssued,
    /// The token source gave a token.
    TokenObtained,
    /// The token passed every check locally.
    TokenValidated,
    /// `POST /sessions` answered with a session for the user.
    Authenticated,
    /// The same token again was refused (nonces are single-use).
    ReplayRefused,
    /// The session was made to expire.
    SessionExpired,
    /// A call got `401 authentication_required` with a nonce.
    ChallengeReceived,
    /// A new session from a token over the challenge nonce.
    Reauthenticated,
    /// `DELETE /sessions/<token>` answered and the session no longer works.
    Deauthenticated,
}

impl StepKind {
    /// The step as people read it: "nonce issued", "token validated", …
    pub fn label(self) -> &'static str {
        match self {
            Self::NonceIssued => "nonce issued",
            Self::TokenObtained => "token obtained",
            Self::TokenValidated => "token validated",
            Self::Authenticated => "authenticated",
            Self::ReplayRefused => "replay refused",
            Self::SessionExpired => "session expired",
            Self::ChallengeReceived => "challenge received",
            Self::Reauthenticated => "reauthenticated",
            Self::Deauthenticated => "deauthenticated",
        }
    }
}

/// One step's outcome, as the run reports it.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    /// Which step.
    pub step: StepKind,
    /// Whether it went as SPEC §2 says.
    pub ok: bool,
    /// What happened, or on failure why and what to do.
    pub detail: String,
    /// The validation report, for the validation steps.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report: Option<Report>,
}

/// What the flow checks a token against before the service sees it.
#[derive(Debug)]
pub struct FlowPolicy<'k> {
    /// The user to authenticate.
    pub user: String,
    /// Keys the tokens must verify under.
    pub keys: &'k KeySet,
    /// Expected Provider ID and Key ID, if known.
    pub provider_id: Option<String>,
    /// Expected Key ID.
    pub key_id: Option<String>,
    /// Clock skew forgiven.
    pub leeway: TimeDelta,
    /// Run the expiry challenge too.
    pub challenge: bool,
}

/// Runs the sequence, calling `on_step` as each step completes; `true` when every step is ok.
pub fn run(
    policy: &FlowPolicy<'_>,
    source: &mut dyn TokenSource,
    api: &mut dyn LayerApi,
    on_step: &mut dyn FnMut(&Step),
) -> bool {
    let mut runner = Runner {
        policy,
        source,
        api,
        on_step,
    };
    runner.run().is_some()
}

struct Runner<'r, 'k> {
    policy: &'r FlowPolicy<'k>,
    source: &'r mut dyn TokenSource,
    api: &'r mut dyn LayerApi,
    on_step: &'r mut dyn FnMut(&Step),
}

impl Runner<'_, '_> {
    /// Reports a step; `Some(())` to go on, `None` to stop.
    fn emit(
        &mut self,
        step: StepKind,
        result: Result<String, String>,
        report: Option<Report>,
    ) -> Option<()> {
        let ok = result.is_ok();
        let detail = result.unwrap_or_else(|e| e);
        (self.on_step)(&Step {
            step,
            ok,
            detail,
            report,
        });
        ok.then_some(())
    }

    fn run(&mut self) -> Option<()> {
        let nonce = self
            .api
            .request_nonce()
            .map_err(|e| format!("POST /nonces failed: {e}"));
        let nonce = self
            .emit(
                StepKind::NonceIssued,
                nonce.clone().map(|n| format!("nonce {n}")),
                None,
            )
            .and(nonce.ok())?;
        let (mut session, token) = self.authenticate(&nonce, StepKind::Authenticated)?;
        self.replay(&token)?;
        if self.policy.challenge {
            let nonce = self.challenge(&session)?;
            (session, _) = self.authenticate(&nonce, StepKind::Reauthenticated)?;
        }
        self.deauthenticate(&session)
    }

    /// Token over `nonce`, checked locally, traded for a session for the user.
    fn authenticate(&mut self, nonce: &str, kind: StepKind) -> Option<(Session, String)> {
        let user = self.policy.user.clone();
        let token = self.source.identity_token(&user, nonce);
        let obtained = token
            .as_ref()
            .map(|t| format!("{} bytes from {}", t.len(), self.source.describe()))
            .map_err(|e| format!("no token from {}: {e}", self.source.describe()));
        self.emit(StepKind::TokenObtained, obtained, None)?;
        let token = token.ok()?;
        let report = self.validate(&token, nonce);
        let verdict = if report.valid {
            let passed = report
                .checks
                .iter()
                .filter(|c| c.status == checks::Status::Pass)
                .count();
            Ok(format!(
                "{passed} of {} checks passed, signature verified",
                report.checks.len()
            ))
        } else {
            let failed: Vec<String> = report
                .failures()
                .map(|c| format!("{}: {}", c.id.as_str(), c.message))
                .collect();
            Err(format!("the token would be refused: {}", failed.join("; ")))
        };
        self.emit(StepKind::TokenValidated, verdict, Some(report))?;
        let session = match self.api.create_session(&token) {
            Ok(session) if session.user == user => Ok(session),
            Ok(session) => Err(format!(
                "the service authenticated {:?}, but the client asked for {user:?}",
                session.user
            )),
            Err(e) => Err(format!("POST /sessions refused the token: {e}")),
        };
        let detail = session
            .as_ref()
            .map(|s| format!("authenticated as {:?}", s.user))
            .map_err(Clone::clone);
        self.emit(kind, detail, None)?;
        Some((session.ok()?, token))
    }

    fn validate(&self, token: &str, nonce: &str) -> Report {
        let policy = Policy {
            now: self.api.now(),
            leeway: self.policy.leeway,
            keys: self.policy.keys,
            expect: Expect {
                nonce: Some(nonce.to_owned()),
                user: Some(self.policy.user.clone()),
                provider_id: self.policy.provider_id.clone(),
                key_id: self.policy.key_id.clone(),
            },
            skip_signature: false,
        };
        checks::validate(token, &policy)
    }

    /// The token that just bought a session must not buy another: its nonce is used up.
    fn replay(&mut self, token: &str) -> Option<()> {
        let result = match self.api.create_session(token) {
            Err(FlowError::Api(e)) if e.status == 422 => {
                Ok(format!("the same token again: {} {}", e.status, e.message))
            }
            Err(e) => Err(format!("expected 422 for a replayed token, got: {e}")),
            Ok(_) => {
                Err("the service accepted the same token twice: nonces must be single-use".into())
            }
        };
        self.emit(StepKind::ReplayRefused, result, None)
    }

    fn challenge(&mut self, session: &Session) -> Option<String> {
        let how = self
            .api
            .expire_session(session)
            .map_err(|e| format!("cannot expire the session: {e}"));
        self.emit(StepKind::SessionExpired, how, None)?;
        let nonce = match self.api.call(&session.token) {
            Err(FlowError::Api(error)) if error.challenge_nonce().is_some() && error.code == 4 => {
                Ok(error.challenge_nonce().unwrap_or_default().to_owned())
            }
            Err(e) => Err(format!(
                "expected 401 authentication_required with a nonce, got: {e}"
            )),
            Ok(()) => Err("the expired session was still accepted".to_owned()),
        };
        let detail = nonce
            .as_ref()
            .map(|n| format!("401 authentication_required (code 4), nonce {n}"))
            .map_err(Clone::clone);
        self.emit(StepKind::ChallengeReceived, detail, None)?;
        nonce.ok()
    }

    fn deauthenticate(&mut self, session: &Session) -> Option<()> {
        let result = match self.api.delete_session(&session.token) {
            Err(e) => Err(format!("DELETE /sessions failed: {e}")),
            Ok(()) => match self.api.call(&session.token) {
                Err(FlowError::Api(error)) if error.status == 401 => {
                    Ok("session deleted (204); it is refused now".to_owned())
                }
                Err(e) => Err(format!("after DELETE, expected 401, got: {e}")),
                Ok(()) => Err("the session still works after DELETE".to_owned()),
            },
        };
        self.emit(StepKind::Deauthenticated, result, None)
    }
}

#[cfg(test)]
mod tests;
