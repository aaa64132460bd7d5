//! The only module that knows the HTTP crate (`ureq`, blocking: a CLI that makes a handful
//! of requests needs no async runtime). For now: the client side of a backend's token
//! endpoint; `serve` will add the server here.

use std::time::Duration;

use serde_json::json;

use crate::flow::backend::{excerpt, token_from_answer};
use crate::flow::{FlowError, TokenSource};

/// Most bytes read from a backend's answer; identity tokens are under 2 KiB.
pub const MAX_ANSWER_BYTES: u64 = 1024 * 1024;

/// How the user id and nonce are posted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyFormat {
    /// `{"user_id": …, "nonce": …}` as `application/json` (the de-facto contract).
    Json,
    /// `user_id=…&nonce=…` as `application/x-www-form-urlencoded`.
    Form,
}

/// A backend's token endpoint: `POST <url>` with the user id and nonce.
#[derive(Debug)]
pub struct Backend {
    url: String,
    format: BodyFormat,
    timeout: Duration,
    agent: ureq::Agent,
}

impl Backend {
    /// A client for `url`; every request gives up after `timeout` in all.
    pub fn new(url: &str, format: BodyFormat, timeout: Duration) -> Self {
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .http_status_as_error(false)
            .max_redirects(0)
            .proxy(None)
            .build()
            .new_agent();
        Self {
            url: url.to_owned(),
            format,
            timeout,
            agent,
        }
    }

    fn describe_error(&self, error: ureq::Error) -> String {
        match error {
            ureq::Error::Timeout(_) => format!("no answer within {}s", self.timeout.as_secs_f64()),
            ureq::Error::ConnectionFailed | ureq::Error::HostNotFound => {
                format!("cannot connect to {} (is the backend running?)", self.url)
            }
            ureq::Error::Io(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
                format!(
                    "cannot connect to {}: connection refused (is the backend running?)",
                    self.url
                )
            }
            ureq::Error::BodyExceedsLimit(_) => {
                format!(
                    "the answer is larger than {} KiB; is this the token endpoint?",
                    MAX_ANSWER_BYTES / 1024
                )
            }
            other => other.to_string(),
        }
    }
}

impl TokenSource for Backend {
    fn identity_token(&mut self, user: &str, nonce: &str) -> Result<String, FlowError> {
        let request = self
            .agent
            .post(&self.url)
            .header("Accept", "application/json");
        let sent = match self.format {
            BodyFormat::Json => request
                .content_type("application/json")
                .send(json!({"user_id": user, "nonce": nonce}).to_string()),
            BodyFormat::Form => request.send_form([("user_id", user), ("nonce", nonce)]),
        };
        let mut response = sent.map_err(|e| FlowError::Backend(self.describe_error(e)))?;
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .with_config()
            .limit(MAX_ANSWER_BYTES)
            .read_to_vec()
            .map_err(|e| {
                FlowError::Backend(format!(
                    "HTTP {status}, reading the answer: {}",
                    self.describe_error(e)
                ))
            })?;
        if !(200..300).contains(&status) {
            let text = String::from_utf8_lossy(&body);
            return Err(FlowError::Backend(format!(
                "HTTP {status}: {}",
                excerpt(text.trim())
            )));
        }
        token_from_answer(&body).map_err(|e| FlowError::Backend(format!("HTTP {status}, but {e}")))
    }

    fn describe(&self) -> String {
        format!("POST {}", self.url)
    }
}
