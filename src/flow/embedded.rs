//! The embedded side of the flow: the service and a signer in-process, sharing one clock,
//! so `flow` runs on a fresh machine and the challenge can move time forward.

use chrono::{DateTime, TimeDelta, Utc};

use super::{Exchange, FlowError, LayerApi, Obtained, TokenSource};
use crate::keys::SigningKey;
use crate::service::{ApiError, Clock, Service, Session};
use crate::time::human;
use crate::token::{self, TokenTemplate};

/// The clock the embedded service and signer share.
pub type VirtualClock = Clock;

/// Signs tokens in-process, as a backend would.
#[derive(Debug)]
pub struct EmbeddedSigner<'k> {
    /// The key.
    pub key: &'k SigningKey,
    /// The ids and lifetime every token carries.
    pub template: TokenTemplate,
    /// The clock for `iat`.
    pub clock: Clock,
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

/// The service in-process, recording what it answered as the HTTP service would have.
#[derive(Debug)]
pub struct EmbeddedService {
    /// The service.
    pub service: Service,
    exchanges: Vec<Exchange>,
}

impl EmbeddedService {
    /// `service`, in-process.
    pub fn new(service: Service) -> Self {
        Self {
            service,
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

impl LayerApi for EmbeddedService {
    fn request_nonce(&mut self) -> Result<String, FlowError> {
        let result = Ok(self.service.issue_nonce());
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
        let app_id = self.service.config().app_id.clone();
        let result = self
            .service
            .create_session(identity_token, &app_id)
            .map_err(|refusal| refusal.error);
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
        let result = self.service.authorize(session_token).map(|_| ());
        self.record(
            "GET",
            "/conversations",
            &result,
            (200, |()| "[]".to_owned()),
        );
        result.map_err(FlowError::Api)
    }

    fn expire_session(&mut self, session: &Session) -> Result<String, FlowError> {
        let clock = self.service.clock();
        let by = (session.expires_at - clock.now()) + TimeDelta::seconds(1);
        clock.advance(by);
        Ok(format!(
            "the embedded service's clock moved forward {}",
            human(by.num_seconds())
        ))
    }

    fn delete_session(&mut self, session_token: &str) -> Result<(), FlowError> {
        let result = self.service.delete_session(session_token);
        let target = format!("/sessions/{session_token}");
        self.record("DELETE", &target, &result, (204, |()| String::new()));
        result.map_err(FlowError::Api)
    }

    fn now(&self) -> DateTime<Utc> {
        self.service.clock().now()
    }

    fn take_exchanges(&mut self) -> Vec<Exchange> {
        std::mem::take(&mut self.exchanges)
    }
}
