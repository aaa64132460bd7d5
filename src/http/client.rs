//! A Layer-compatible service over HTTP, as `flow --layer-url` drives it: `layer-auth serve`,
//! or any service that speaks SPEC §2. What the service is (its app id, provider id, keys)
//! is read from `/_emulator/` when it offers it; a plain service is driven with what the
//! caller gives.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::{MAX_ANSWER_BYTES, Peer, USER_AGENT, redact_url, scrub_url};
use crate::flow::backend::EXCERPT;
use crate::flow::{BackendError, Exchange, FlowError, LayerApi};
use crate::service::{ApiError, Clock, Session};

/// What `GET /_emulator/health` says about a `layer-auth serve`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Health {
    /// The app id clients must present.
    pub app_id: String,
    /// The provider id tokens must carry, when the service checks one.
    pub provider_id: Option<String>,
    /// The registered key ids.
    pub key_ids: Vec<String>,
    /// Whether `POST /authenticate` signs tokens.
    pub sample_backend: bool,
}

/// The HTTP client of a Layer service.
#[derive(Debug)]
pub struct LayerClient {
    base: String,
    shown: String,
    app_id: String,
    agent: ureq::Agent,
    timeout: Duration,
    control_token: Option<String>,
    clock: Clock,
    exchanges: Vec<Exchange>,
}

/// An answer: status and body.
struct Answer {
    status: u16,
    body: Vec<u8>,
}

impl LayerClient {
    /// A client of the service at `base` (`http://127.0.0.1:7777`), judging times by
    /// `clock` (the caller's; the library reads none), sending `control_token` to the
    /// `/_emulator/` routes when given.
    pub fn new(base: &str, timeout: Duration, clock: Clock, control_token: Option<String>) -> Self {
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .http_status_as_error(false)
            .max_redirects(0)
            .proxy(None)
            .user_agent(USER_AGENT)
            .build()
            .new_agent();
        let base = base.trim_end_matches('/').to_owned();
        Self {
            shown: redact_url(&base),
            base,
            app_id: String::new(),
            agent,
            timeout,
            control_token,
            clock,
            exchanges: Vec::new(),
        }
    }

    /// The app id `POST /sessions` presents.
    pub fn set_app_id(&mut self, app_id: String) {
        self.app_id = app_id;
    }

    /// The base URL, redacted for messages.
    pub fn shown(&self) -> &str {
        &self.shown
    }

    /// What an emulator says of itself; `Ok(None)` from a service without `/_emulator/`.
    /// Its clock, when it reports one, becomes this client's idea of now.
    ///
    /// # Errors
    /// The service unreachable, or answering what is not JSON.
    pub fn health(&mut self) -> Result<Option<Health>, FlowError> {
        let answer = self.control("GET", "/_emulator/health", None)?;
        if answer.status == 404 {
            return Ok(None);
        }
        let value = self.value(&answer)?;
        if answer.status != 200 {
            return Err(self.api_error(&answer));
        }
        if let Some(now) = value["now"]
            .as_str()
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        {
            let ahead = now.with_timezone(&Utc) - self.clock.now();
            self.clock.advance(ahead);
        }
        let text = |v: &Value| v.as_str().map(str::to_owned);
        Ok(Some(Health {
            app_id: text(&value["app_id"]).unwrap_or_default(),
            provider_id: text(&value["provider_id"]),
            key_ids: value["key_ids"]
                .as_array()
                .map(|ids| ids.iter().filter_map(text).collect())
                .unwrap_or_default(),
            sample_backend: value["sample_backend"].as_bool().unwrap_or(false),
        }))
    }

    /// The emulator's registered public keys, as a JWKS document.
    ///
    /// # Errors
    /// As [`LayerClient::health`].
    pub fn jwks(&mut self) -> Result<Vec<u8>, FlowError> {
        let answer = self.control("GET", "/_emulator/jwks", None)?;
        if answer.status != 200 {
            return Err(self.api_error(&answer));
        }
        Ok(answer.body)
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// One request; every answer is recorded as an exchange.
    fn send(
        &mut self,
        method: &'static str,
        path: &str,
        body: Option<Value>,
        headers: &[(&str, String)],
    ) -> Result<Answer, FlowError> {
        let url = self.url(path);
        let mut request = ureq::http::Request::builder()
            .method(method)
            .uri(&url)
            .header("Accept", crate::service::ACCEPT);
        for (name, value) in headers {
            request = request.header(*name, value.as_str());
        }
        let sent = match body {
            Some(body) => {
                let request = request
                    .header("Content-Type", "application/json")
                    .body(body.to_string())
                    .map_err(|e| self.transport(&e.to_string()))?;
                self.agent.run(request)
            }
            None => {
                let request = request
                    .body(())
                    .map_err(|e| self.transport(&e.to_string()))?;
                self.agent.run(request)
            }
        };
        let mut response = sent.map_err(|e| self.classify(e))?;
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .with_config()
            .limit(MAX_ANSWER_BYTES)
            .read_to_vec()
            .map_err(|e| self.classify(e))?;
        self.exchanges.push(Exchange {
            method,
            target: path.to_owned(),
            status,
            body: String::from_utf8_lossy(&body)
                .chars()
                .take(EXCERPT)
                .collect(),
        });
        Ok(Answer { status, body })
    }

    fn control(
        &mut self,
        method: &'static str,
        path: &str,
        body: Option<Value>,
    ) -> Result<Answer, FlowError> {
        let headers: Vec<(&str, String)> = self
            .control_token
            .iter()
            .map(|t| ("Authorization", format!("Bearer {t}")))
            .collect();
        self.send(method, path, body, &headers)
    }

    fn session_header(token: &str) -> [(&'static str, String); 1] {
        [("Authorization", format!("Layer session-token=\"{token}\""))]
    }

    fn value(&self, answer: &Answer) -> Result<Value, FlowError> {
        crate::json::parse_value(&answer.body)
            .map_err(|e| self.transport(&format!("HTTP {}, and the answer {e}", answer.status)))
    }

    /// The service's error envelope, with the answer's status.
    fn api_error(&self, answer: &Answer) -> FlowError {
        match serde_json::from_slice::<ApiError>(&answer.body) {
            Ok(error) => FlowError::Api(error.with_status(answer.status)),
            Err(_) => self.transport(&format!(
                "HTTP {} without a Layer error body: {}",
                answer.status,
                crate::flow::backend::excerpt(String::from_utf8_lossy(&answer.body).trim())
            )),
        }
    }

    fn transport(&self, text: &str) -> FlowError {
        FlowError::Backend(BackendError::Transport(scrub_url(text, &self.base)))
    }

    fn classify(&self, error: ureq::Error) -> FlowError {
        FlowError::Backend(super::classify(
            error,
            &Peer {
                what: "service",
                url: &self.base,
                shown: &self.shown,
                timeout: self.timeout,
            },
        ))
    }

    fn expect(&self, answer: &Answer, status: u16) -> Result<Value, FlowError> {
        if answer.status != status {
            return Err(self.api_error(answer));
        }
        if answer.body.is_empty() {
            return Ok(Value::Null);
        }
        self.value(answer)
    }
}

/// `prn` of a compact JWS, decoded without judging it (the user the service will name).
fn subject(token: &str) -> String {
    let claims = token
        .split('.')
        .nth(1)
        .and_then(|part| crate::token::base64url(part).ok())
        .and_then(|bytes| crate::json::parse_object(&bytes).ok());
    claims
        .and_then(|c| c.get("prn")?.as_str().map(str::to_owned))
        .unwrap_or_default()
}

impl LayerApi for LayerClient {
    fn request_nonce(&mut self) -> Result<String, FlowError> {
        let answer = self.send("POST", "/nonces", None, &[])?;
        let value = self.expect(&answer, 201)?;
        value["nonce"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| self.transport("HTTP 201, but the answer has no \"nonce\" string"))
    }

    fn create_session(&mut self, identity_token: &str) -> Result<Session, FlowError> {
        let body = json!({"identity_token": identity_token, "app_id": self.app_id});
        let answer = self.send("POST", "/sessions", Some(body), &[])?;
        let value = self.expect(&answer, 201)?;
        let token = value["session_token"].as_str().ok_or_else(|| {
            self.transport("HTTP 201, but the answer has no \"session_token\" string")
        })?;
        let now = self.clock.now();
        Ok(Session {
            token: token.to_owned(),
            user: subject(identity_token),
            created_at: now,
            expires_at: now,
        })
    }

    fn call(&mut self, session_token: &str) -> Result<(), FlowError> {
        let headers = Self::session_header(session_token);
        let answer = self.send("GET", "/conversations", None, &headers)?;
        self.expect(&answer, 200).map(|_| ())
    }

    fn expire_session(&mut self, session: &Session) -> Result<String, FlowError> {
        let body = json!({"session_token": session.token});
        let answer = self.control("POST", "/_emulator/expire", Some(body))?;
        if answer.status == 404 {
            return Err(self.transport(
                "this service has no /_emulator/expire, so a session cannot be made to expire \
                 on demand: run without the challenge, or against layer-auth serve",
            ));
        }
        self.expect(&answer, 200)?;
        Ok(format!("expired through {}/_emulator/expire", self.shown))
    }

    fn delete_session(&mut self, session_token: &str) -> Result<(), FlowError> {
        let encoded: String = form_urlencoded::byte_serialize(session_token.as_bytes()).collect();
        let path = format!("/sessions/{encoded}");
        let headers = Self::session_header(session_token);
        let answer = self.send("DELETE", &path, None, &headers)?;
        self.expect(&answer, 204).map(|_| ())
    }

    fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    fn take_exchanges(&mut self) -> Vec<Exchange> {
        std::mem::take(&mut self.exchanges)
    }
}
