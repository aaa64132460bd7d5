//! The embedded side of the flow: the service and a signer in-process, sharing one virtual
//! clock, so `flow` runs on a fresh machine and the challenge can move time forward.

use std::cell::Cell;
use std::rc::Rc;

use chrono::{DateTime, TimeDelta, Utc};

use super::{Exchange, FlowError, LayerApi, Obtained, TokenSource};
use crate::keys::SigningKey;
use crate::service::{ApiError, Entropy, Service, Session};
use crate::time::human;
use crate::token::{self, TokenTemplate};

/// The embedded world's clock: a time source the caller supplies (the system clock, or a
/// fixed `--now`) plus an offset that only moves forward when told. Cloned, it is shared by
/// the embedded service and signer; the library itself never reads a clock.
#[derive(Clone)]
pub struct VirtualClock {
    source: Rc<dyn Fn() -> DateTime<Utc>>,
    offset: Rc<Cell<TimeDelta>>,
}

impl VirtualClock {
    /// A clock reading `source`.
    pub fn new(source: impl Fn() -> DateTime<Utc> + 'static) -> Self {
        Self {
            source: Rc::new(source),
            offset: Rc::new(Cell::new(TimeDelta::zero())),
        }
    }
    /// What it shows.
    pub fn now(&self) -> DateTime<Utc> {
        (self.source)() + self.offset.get()
    }
    /// Moves it forward.
    pub fn advance(&self, by: TimeDelta) {
        self.offset.set(self.offset.get() + by);
    }
}

impl std::fmt::Debug for VirtualClock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "VirtualClock({}, offset {}s)",
            self.now(),
            self.offset.get().num_seconds()
        )
    }
}

/// Signs tokens in-process, as a backend would.
#[derive(Debug)]
pub struct EmbeddedSigner<'k> {
    /// The key.
    pub key: &'k SigningKey,
    /// The ids and lifetime every token carries.
    pub template: TokenTemplate,
    /// The clock for `iat`.
    pub clock: VirtualClock,
}

impl TokenSource for EmbeddedSigner<'_> {
    fn identity_token(&mut self, user: &str, nonce: &str) -> Result<Obtained, FlowError> {
        let now = self.clock.now().timestamp();
        let request = self
            .template
            .request(user, nonce, now, serde_json::Map::new());
        Ok(token::sign(&request, self.key)?.into())
    }

    fn describe(&self) -> String {
        "the embedded signer".to_owned()
    }
}

/// The service in-process, on the virtual clock.
pub struct EmbeddedService {
    /// The service.
    pub service: Service,
    /// Its clock.
    pub clock: VirtualClock,
    /// Where nonces and session tokens come from.
    pub entropy: Box<dyn Entropy>,
    /// What it answered since last asked, as the HTTP service would have.
    pub exchanges: Vec<Exchange>,
}

impl EmbeddedService {
    /// The service on `clock`, drawing from `entropy`.
    pub fn new(service: Service, clock: VirtualClock, entropy: Box<dyn Entropy>) -> Self {
        Self {
            service,
            clock,
            entropy,
            exchanges: Vec::new(),
        }
    }

    /// Records the answer to `method target`: `ok` as the success body, or the error.
    fn record<T>(
        &mut self,
        method: &'static str,
        target: &str,
        result: &Result<T, ApiError>,
        ok: (u16, impl FnOnce(&T) -> String),
    ) {
        let (status, body) = match result {
            Ok(value) => (ok.0, (ok.1)(value)),
            Err(error) => (
                error.status,
                serde_json::to_string(error).unwrap_or_default(),
            ),
        };
        self.exchanges.push(Exchange {
            method,
            target: target.to_owned(),
            status,
            body: body.chars().take(super::backend::EXCERPT).collect(),
        });
    }
}

impl std::fmt::Debug for EmbeddedService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmbeddedService")
            .field("now", &self.clock.now())
            .finish_non_exhaustive()
    }
}

impl LayerApi for EmbeddedService {
    fn request_nonce(&mut self) -> Result<String, FlowError> {
        let nonce = self
            .service
            .issue_nonce(self.clock.now(), self.entropy.as_mut());
        let result = Ok(nonce);
        self.record(
            "POST",
            "/nonces",
            &result,
            (201, |n: &String| {
                serde_json::json!({ "nonce": n }).to_string()
            }),
        );
        result.map_err(FlowError::Api)
    }

    fn create_session(&mut self, identity_token: &str) -> Result<Session, FlowError> {
        let app_id = self.service.app_id().to_owned();
        let result = self
            .service
            .create_session(
                identity_token,
                &app_id,
                self.clock.now(),
                self.entropy.as_mut(),
            )
            .map_err(|(error, _)| error);
        self.record(
            "POST",
            "/sessions",
            &result,
            (201, |s: &Session| {
                serde_json::json!({ "session_token": s.token }).to_string()
            }),
        );
        result.map_err(FlowError::Api)
    }

    fn call(&mut self, session_token: &str) -> Result<(), FlowError> {
        let result = self
            .service
            .authorize(session_token, self.clock.now(), self.entropy.as_mut())
            .map(|_| ());
        self.record(
            "GET",
            "/conversations",
            &result,
            (200, |()| "[]".to_owned()),
        );
        result.map_err(FlowError::Api)
    }

    fn expire_session(&mut self, session: &Session) -> Result<String, FlowError> {
        let by = (session.expires_at - self.clock.now()) + TimeDelta::seconds(1);
        self.clock.advance(by);
        Ok(format!(
            "the embedded service's clock moved forward {}",
            human(by.num_seconds())
        ))
    }

    fn delete_session(&mut self, session_token: &str) -> Result<(), FlowError> {
        let result =
            self.service
                .delete_session(session_token, self.clock.now(), self.entropy.as_mut());
        let target = format!("/sessions/{session_token}");
        self.record("DELETE", &target, &result, (204, |()| String::new()));
        result.map_err(FlowError::Api)
    }

    fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    fn take_exchanges(&mut self) -> Vec<Exchange> {
        std::mem::take(&mut self.exchanges)
    }
}
