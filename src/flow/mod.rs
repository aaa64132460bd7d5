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

use crate::checks::{self, CheckId, Expect, Policy, Report, Status};
use crate::keys::KeySet;
use crate::service::{ApiError, Session};

pub use backend::{AnswerError, BackendError};
pub use embedded::{EmbeddedService, EmbeddedSigner, VirtualClock};

/// Why a step could not be done.
#[derive(Debug, thiserror::Error)]
pub enum FlowError {
    /// The service answered with an error body.
    #[error("{0}")]
    Api(ApiError),
    /// The backend did not give a token.
    #[error("{0}")]
    Backend(#[from] BackendError),
    /// The embedded signer could not sign.
    #[error("cannot sign: {0}")]
    Sign(#[from] crate::token::SignError),
}

/// One HTTP request a step made and what came back, for reports (`--json`): the method
/// and target (credentials redacted), the status, and the start of the body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Exchange {
    /// `POST`, `GET`, `DELETE`.
    pub method: &'static str,
    /// The URL or path, with userinfo and query values redacted.
    pub target: String,
    /// The HTTP status of the answer.
    pub status: u16,
    /// The first 200 characters of the answer's body.
    pub body: String,
}

/// A token as a source gave it, and what is worth telling about how it came.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Obtained {
    /// The token, trimmed.
    pub token: String,
    /// What passed with something to fix (whitespace trimmed, a JSON-string body).
    pub warnings: Vec<String>,
}

impl From<String> for Obtained {
    fn from(token: String) -> Self {
        Self {
            token,
            warnings: Vec::new(),
        }
    }
}

/// Where identity tokens come from.
pub trait TokenSource {
    /// An identity token for `user` over `nonce`.
    ///
    /// # Errors
    /// [`FlowError`] saying why no token came.
    fn identity_token(&mut self, user: &str, nonce: &str) -> Result<Obtained, FlowError>;
    /// How step messages name this source ("the embedded signer", "POST http://…").
    fn describe(&self) -> String;
    /// The HTTP exchanges made since this was last asked (none for an in-process source).
    fn take_exchanges(&mut self) -> Vec<Exchange> {
        Vec::new()
    }
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
    /// The exchanges made since this was last asked: the HTTP requests, or for an
    /// in-process service the answers it would have sent.
    fn take_exchanges(&mut self) -> Vec<Exchange> {
        Vec::new()
    }
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

/// Which part of the sequence a step belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// The first sign-in: nonce, token, session, replay.
    SignIn,
    /// The challenge and the sign-in over its nonce.
    Reauthentication,
    /// Deauthentication.
    SignOut,
}

/// One step's outcome, as the run reports it.
///
/// JSON form: `{"n": 1, "step": "nonce_issued", "phase": "sign_in", "ok": true,
/// "status": "pass"|"warn"|"fail", "detail": "…", "warnings": ["…"]?,
/// "not_checked": ["eit_…"]?, "nonce": "…"?, "token": "…"?, "http": [{…}]?, "report": {…}?}`.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    /// 1-based position in the run.
    pub n: usize,
    /// Which step.
    pub step: StepKind,
    /// Which part of the sequence.
    pub phase: Phase,
    /// Whether it went as SPEC §2 says (`status` is not `fail`).
    pub ok: bool,
    /// `pass`, `warn` (it went, with something to fix) or `fail`.
    pub status: Status,
    /// What happened, or on failure why and what to do.
    pub detail: String,
    /// What passed with something to fix.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// The checks the validation step could not make (missing ids or keys).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_checked: Vec<CheckId>,
    /// The nonce the service issued (nonce and challenge steps).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    /// The token obtained (token step).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// The calls the step made, in order.
    #[serde(rename = "http", skip_serializing_if = "Vec::is_empty")]
    pub exchanges: Vec<Exchange>,
    /// The validation report, for the validation steps.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report: Option<Report>,
}

impl Step {
    /// A step that passed with `Ok(detail)` or failed with `Err(detail)`; the runner numbers
    /// it when it reports it.
    pub fn new(step: StepKind, phase: Phase, result: Result<String, String>) -> Self {
        let (status, detail) = match result {
            Ok(detail) => (Status::Pass, detail),
            Err(detail) => (Status::Fail, detail),
        };
        Self {
            n: 0,
            step,
            phase,
            ok: status != Status::Fail,
            status,
            detail,
            warnings: Vec::new(),
            not_checked: Vec::new(),
            nonce: None,
            token: None,
            exchanges: Vec::new(),
            report: None,
        }
    }

    fn warn(mut self, warnings: Vec<String>) -> Self {
        if self.status == Status::Pass && !warnings.is_empty() {
            self.status = Status::Warn;
        }
        self.warnings.extend(warnings);
        self
    }
}

/// What the flow checks a token against before the service sees it.
#[derive(Debug)]
pub struct FlowPolicy<'k> {
    /// The user to authenticate.
    pub user: String,
    /// Keys the tokens must verify under.
    pub keys: &'k KeySet,
    /// Expected Provider ID, if known.
    pub provider_id: Option<String>,
    /// Expected Key ID, if known.
    pub key_id: Option<String>,
    /// Clock skew forgiven.
    pub leeway: TimeDelta,
    /// Run the expiry challenge too.
    pub challenge: bool,
    /// Fail the validation step for any warning or check not made.
    pub strict: bool,
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
        count: 0,
        tokens: Vec::new(),
    };
    runner.run().is_some()
}

struct Runner<'r, 'k> {
    policy: &'r FlowPolicy<'k>,
    source: &'r mut dyn TokenSource,
    api: &'r mut dyn LayerApi,
    on_step: &'r mut dyn FnMut(&Step),
    count: usize,
    /// Tokens obtained so far, with the number of the step that obtained each.
    tokens: Vec<(String, usize)>,
}

impl Runner<'_, '_> {
    /// Reports a step of calls to the service, with the exchanges they made.
    fn emit(&mut self, mut step: Step) -> Option<()> {
        step.exchanges = self.api.take_exchanges();
        self.publish(step)
    }

    /// Numbers and reports a step; `Some(())` to go on, `None` to stop.
    fn publish(&mut self, mut step: Step) -> Option<()> {
        self.count += 1;
        step.n = self.count;
        (self.on_step)(&step);
        step.ok.then_some(())
    }

    fn run(&mut self) -> Option<()> {
        let nonce = self
            .api
            .request_nonce()
            .map_err(|e| format!("POST /nonces failed: {e}"));
        let mut step = Step::new(
            StepKind::NonceIssued,
            Phase::SignIn,
            nonce.clone().map(|n| format!("nonce {n}")),
        );
        step.nonce = nonce.clone().ok();
        self.emit(step)?;
        let nonce = nonce.ok()?;
        let (mut session, token) =
            self.authenticate(&nonce, StepKind::Authenticated, Phase::SignIn)?;
        self.replay(&token)?;
        if self.policy.challenge {
            let nonce = self.challenge(&session)?;
            (session, _) =
                self.authenticate(&nonce, StepKind::Reauthenticated, Phase::Reauthentication)?;
        }
        self.deauthenticate(&session)
    }

    /// Token over `nonce`, checked locally, traded for a session for the user.
    fn authenticate(
        &mut self,
        nonce: &str,
        kind: StepKind,
        phase: Phase,
    ) -> Option<(Session, String)> {
        let token = self.obtain(nonce, phase)?;
        self.check(&token, nonce, phase)?;
        let user = self.policy.user.clone();
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
        self.emit(Step::new(kind, phase, detail))?;
        Some((session.ok()?, token))
    }

    /// The token step: what the source gave, with its exchange and warnings.
    fn obtain(&mut self, nonce: &str, phase: Phase) -> Option<String> {
        let user = self.policy.user.clone();
        let obtained = self.source.identity_token(&user, nonce);
        let detail = obtained
            .as_ref()
            .map(|o| format!("{} bytes from {}", o.token.len(), self.source.describe()))
            .map_err(|e| format!("no token from {}: {e}", self.source.describe()));
        let warnings = obtained
            .as_ref()
            .map_or_else(|_| Vec::new(), |o| o.warnings.clone());
        let mut step = Step::new(StepKind::TokenObtained, phase, detail).warn(warnings);
        step.token = obtained.as_ref().ok().map(|o| o.token.clone());
        step.exchanges = self.source.take_exchanges();
        self.publish(step)?;
        obtained.ok().map(|o| o.token)
    }

    /// The validation step: every check, as the service will judge the token, with the
    /// nonce and user this sign-in expects; a token seen before is the backend caching.
    fn check(&mut self, token: &str, nonce: &str, phase: Phase) -> Option<()> {
        let report = self.validate(token, nonce);
        let not_checked: Vec<CheckId> = report.not_checked().map(|c| c.id).collect();
        let warnings: Vec<String> = report
            .warnings()
            .map(|c| format!("{}: {}", c.id.as_str(), c.message))
            .collect();
        let earlier = self
            .tokens
            .iter()
            .find(|(seen, _)| seen == token)
            .map(|(_, n)| *n);
        let verdict = if let Some(n) = earlier {
            Err(format!(
                "this is the token of step {n} again: your backend caches tokens; it must sign \
                 a new one over each nonce"
            ))
        } else if report.valid {
            let established = report
                .checks
                .iter()
                .filter(|c| c.status == Status::Pass)
                .count();
            Ok(format!(
                "{established} of {} checks passed, signature verified",
                report.checks.len()
            ))
        } else if report.failures().next().is_none() {
            let mut open: Vec<&str> = report.warnings().map(|c| c.id.as_str()).collect();
            open.extend(report.not_checked().map(|c| c.id.subject()));
            open.dedup();
            Err(format!(
                "refused under strict checking, for what was not established: {}",
                open.join(", ")
            ))
        } else {
            let failed: Vec<String> = report
                .failures()
                .map(|c| format!("{}: {}", c.id.as_str(), c.message))
                .collect();
            Err(format!("the token would be refused: {}", failed.join("; ")))
        };
        self.tokens.push((token.to_owned(), self.count));
        let mut step = Step::new(StepKind::TokenValidated, phase, verdict).warn(warnings);
        step.not_checked = not_checked;
        step.report = Some(report);
        self.publish(step)
    }

    fn validate(&self, token: &str, nonce: &str) -> Report {
        let policy = Policy {
            leeway: self.policy.leeway,
            expect: Expect {
                nonce: Some(nonce.to_owned()),
                user: Some(self.policy.user.clone()),
                provider_id: self.policy.provider_id.clone(),
                key_id: self.policy.key_id.clone(),
            },
            strict: self.policy.strict,
            ..Policy::new(self.api.now(), self.policy.keys)
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
        self.emit(Step::new(StepKind::ReplayRefused, Phase::SignIn, result))
    }

    fn challenge(&mut self, session: &Session) -> Option<String> {
        let how = self
            .api
            .expire_session(session)
            .map_err(|e| format!("cannot expire the session: {e}"));
        self.emit(Step::new(
            StepKind::SessionExpired,
            Phase::Reauthentication,
            how,
        ))?;
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
        let mut step = Step::new(StepKind::ChallengeReceived, Phase::Reauthentication, detail);
        step.nonce = nonce.clone().ok();
        self.emit(step)?;
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
        self.emit(Step::new(StepKind::Deauthenticated, Phase::SignOut, result))
    }
}

#[cfg(test)]
mod tests;
