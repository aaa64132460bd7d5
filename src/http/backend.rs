//! The client of a backend's token endpoint (`ureq`, blocking: a CLI that makes a handful of
//! requests needs no async runtime).

use std::time::Duration;

use crate::flow::backend::{EXCERPT, excerpt, token_from_answer};
use crate::flow::{BackendError, Exchange, FlowError, Obtained, TokenSource};

use super::{MAX_ANSWER_BYTES, Peer, USER_AGENT, redact_url};

/// How the user id and nonce are posted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyFormat {
    /// `{"user_id": …, "nonce": …}` as `application/json` (the de-facto contract).
    Json,
    /// `user_id=…&nonce=…` as `application/x-www-form-urlencoded`.
    Form,
}

/// How to ask a backend for tokens.
#[derive(Debug, Clone)]
pub struct BackendConfig {
    /// The token endpoint.
    pub url: String,
    /// JSON or form fields.
    pub format: BodyFormat,
    /// Every request gives up after this long in all.
    pub timeout: Duration,
    /// Extra request headers (the app's own login, say). Their values are never shown.
    pub headers: Vec<(String, String)>,
    /// The field that carries the user id (`user_id`; the 2014 samples read `userID`).
    pub user_field: String,
    /// The field that carries the nonce.
    pub nonce_field: String,
}

impl BackendConfig {
    /// `url` with the de-facto contract: JSON `{"user_id", "nonce"}`, no extra headers.
    pub fn new(url: &str, timeout: Duration) -> Self {
        Self {
            url: url.to_owned(),
            format: BodyFormat::Json,
            timeout,
            headers: Vec::new(),
            user_field: "user_id".into(),
            nonce_field: "nonce".into(),
        }
    }
}

/// A backend's token endpoint: `POST <url>` with the user id and nonce.
#[derive(Debug)]
pub struct Backend {
    config: BackendConfig,
    /// The URL as messages show it ([`redact_url`]).
    shown: String,
    agent: ureq::Agent,
    exchanges: Vec<Exchange>,
}

impl Backend {
    /// A client for the backend `config` describes.
    pub fn new(config: BackendConfig) -> Self {
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(config.timeout))
            .http_status_as_error(false)
            .max_redirects(0)
            .proxy(None)
            .user_agent(USER_AGENT)
            .build()
            .new_agent();
        Self {
            shown: redact_url(&config.url),
            config,
            agent,
            exchanges: Vec::new(),
        }
    }

    fn classify(&self, error: ureq::Error) -> BackendError {
        super::classify(
            error,
            &Peer {
                what: "backend",
                url: &self.config.url,
                shown: &self.shown,
                timeout: self.config.timeout,
            },
        )
    }

    fn post(
        &self,
        user: &str,
        nonce: &str,
    ) -> Result<ureq::http::Response<ureq::Body>, ureq::Error> {
        let mut request = self
            .agent
            .post(&self.config.url)
            .header("Accept", "application/json");
        for (name, value) in &self.config.headers {
            request = request.header(name.as_str(), value.as_str());
        }
        let (user_field, nonce_field) = (&self.config.user_field, &self.config.nonce_field);
        match self.config.format {
            BodyFormat::Json => {
                let mut body = serde_json::Map::new();
                body.insert(user_field.clone(), user.into());
                body.insert(nonce_field.clone(), nonce.into());
                request
                    .content_type("application/json")
                    .send(serde_json::Value::Object(body).to_string())
            }
            BodyFormat::Form => {
                request.send_form([(user_field.as_str(), user), (nonce_field.as_str(), nonce)])
            }
        }
    }
}

impl Backend {
    /// `body` with every value of the configured headers, and each word in one (the
    /// credential after `Bearer `, say), replaced by `[redacted]`, when it has at least
    /// [`SECRET_WORD`] bytes (a shorter one, `X-Version: 2`, would blank every `2`).
    fn redacted(&self, body: &[u8]) -> Vec<u8> {
        let mut secrets: Vec<&[u8]> = Vec::new();
        for (_, value) in &self.config.headers {
            let value = value.trim();
            secrets.push(value.as_bytes());
            secrets.extend(value.split_ascii_whitespace().map(str::as_bytes));
        }
        secrets.retain(|s| s.len() >= SECRET_WORD);
        // The longest first, so that a whole value goes before the words in it.
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        let mut body = body.to_vec();
        for secret in secrets {
            body = replace_all(&body, secret, b"[redacted]");
        }
        body
    }
}

/// The shortest header value, or word of one, that is blanked where an answer echoes it.
const SECRET_WORD: usize = 8;

/// `haystack` with every `needle` replaced by `with`.
fn replace_all(haystack: &[u8], needle: &[u8], with: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(haystack.len());
    let mut rest = haystack;
    while let Some(at) = memchr::memmem::find(rest, needle) {
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(with);
        rest = &rest[at + needle.len()..];
    }
    out.extend_from_slice(rest);
    out
}

impl TokenSource for Backend {
    fn identity_token(&mut self, user: &str, nonce: &str) -> Result<Obtained, FlowError> {
        let mut response = self.post(user, nonce).map_err(|e| self.classify(e))?;
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .with_config()
            .limit(MAX_ANSWER_BYTES)
            .read_to_vec()
            .map_err(|e| self.classify(e))?;
        // A backend that echoes a `--header` value (an error quoting the request) must not
        // put it in front of anyone: what is shown of the answer has it blanked.
        let shown = self.redacted(&body);
        let text = String::from_utf8_lossy(&shown);
        self.exchanges.push(Exchange {
            method: "POST",
            target: self.shown.clone(),
            status,
            body: text.chars().take(EXCERPT).collect(),
        });
        if !(200..300).contains(&status) {
            return Err(BackendError::Status {
                status,
                excerpt: excerpt(text.trim()),
            }
            .into());
        }
        // The token is read from the answer as sent; what a refusal quotes, from what is shown.
        token_from_answer(&body).map_err(|problem| {
            let problem = token_from_answer(&shown).err().unwrap_or(problem);
            BackendError::Answer { status, problem }.into()
        })
    }

    fn describe(&self) -> String {
        format!("POST {}", self.shown)
    }

    fn take_exchanges(&mut self) -> Vec<Exchange> {
        std::mem::take(&mut self.exchanges)
    }
}
