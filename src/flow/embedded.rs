//! The embedded side of the flow: the service and a signer in-process, sharing one virtual
//! clock, so `flow` runs on a fresh machine and the challenge can move time forward.

use std::cell::Cell;
use std::rc::Rc;

use chrono::{DateTime, TimeDelta, Utc};

use super::{FlowError, LayerApi, TokenSource};
use crate::keys::SigningKey;
use crate::service::{Entropy, Service, Session};
use crate::time::human;
use crate::token::{self, TokenRequest, Typ};

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
    /// `kid`.
    pub key_id: String,
    /// `iss`.
    pub provider_id: String,
    /// Token lifetime.
    pub ttl: TimeDelta,
    /// The clock for `iat`.
    pub clock: VirtualClock,
}

impl TokenSource for EmbeddedSigner<'_> {
    fn identity_token(&mut self, user: &str, nonce: &str) -> Result<String, FlowError> {
        let issued_at = self.clock.now().timestamp();
        let request = TokenRequest {
            key_id: self.key_id.clone(),
            typ: Typ::Jws,
            provider_id: self.provider_id.clone(),
            user: user.to_owned(),
            nonce: nonce.to_owned(),
            issued_at,
            expires_at: issued_at + self.ttl.num_seconds(),
            extra: serde_json::Map::new(),
        };
        Ok(token::sign(&request, self.key)?)
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
        Ok(self
            .service
            .issue_nonce(self.clock.now(), self.entropy.as_mut()))
    }

    fn create_session(&mut self, identity_token: &str) -> Result<Session, FlowError> {
        let app_id = self.service.app_id().to_owned();
        self.service
            .create_session(
                identity_token,
                &app_id,
                self.clock.now(),
                self.entropy.as_mut(),
            )
            .map_err(|(error, _)| FlowError::Api(error))
    }

    fn call(&mut self, session_token: &str) -> Result<(), FlowError> {
        self.service
            .authorize(session_token, self.clock.now(), self.entropy.as_mut())
            .map(|_| ())
            .map_err(FlowError::Api)
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
        self.service
            .delete_session(session_token, self.clock.now(), self.entropy.as_mut())
            .map_err(FlowError::Api)
    }

    fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }
}
