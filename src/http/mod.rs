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

/// `url` as shown to people: the userinfo and every query value replaced by `***`, since
/// `http://user:pass@host/?api_key=…` puts credentials there. The scheme, host, port and path
/// stay, so the message still says where.
///
/// ```
/// use layer_auth::http::redact_url;
/// assert_eq!(
///     redact_url("https://ci:s3cret@example.com:8443/auth?api_key=abc&v=2#frag"),
///     "https://***@example.com:8443/auth?api_key=***&v=***#***"
/// );
/// assert_eq!(redact_url("http://127.0.0.1:3000/authenticate"), "http://127.0.0.1:3000/authenticate");
/// ```
pub fn redact_url(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, rest) = rest.split_at(authority_end);
    let host = match authority.rfind('@') {
        Some(at) => format!("***@{}", &authority[at + 1..]),
        None => authority.to_owned(),
    };
    let (before_fragment, fragment) = match rest.split_once('#') {
        Some((before, _)) => (before, "#***"),
        None => (rest, ""),
    };
    let (path, query) = match before_fragment.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (before_fragment, None),
    };
    let query = query.map_or(String::new(), |query| {
        let pairs: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((name, _)) => format!("{name}=***"),
                None if pair.is_empty() => String::new(),
                None => "***".to_owned(),
            })
            .collect();
        format!("?{}", pairs.join("&"))
    });
    let scheme = if scheme.is_empty() {
        String::new()
    } else {
        format!("{scheme}://")
    };
    format!("{scheme}{host}{path}{query}{fragment}")
}

/// `text` (an error message, say) with `url` and each of its secret parts (userinfo, query
/// values, fragment) replaced, for text we did not write that might quote the URL.
pub fn scrub_url(text: &str, url: &str) -> String {
    let mut out = text.replace(url, &redact_url(url));
    let mut secrets: Vec<&str> = Vec::new();
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    if let Some(at) = authority.rfind('@') {
        secrets.push(&authority[..at]);
        secrets.extend(authority[..at].split(':'));
    }
    if let Some((_, query)) = rest.split_once('?') {
        let query = query.split('#').next().unwrap_or("");
        secrets.extend(
            query
                .split('&')
                .filter_map(|p| p.split_once('=').map(|(_, v)| v)),
        );
    }
    if let Some((_, fragment)) = rest.split_once('#') {
        secrets.push(fragment);
    }
    // Longest first, so a part inside another is not left half-replaced; short ones (a
    // port-like `2`, a `v=1`) are too common in text to scrub without garbling it.
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    for secret in secrets.into_iter().filter(|s| s.len() >= 3) {
        out = out.replace(secret, "***");
    }
    out
}

/// A backend's token endpoint: `POST <url>` with the user id and nonce.
#[derive(Debug)]
pub struct Backend {
    url: String,
    /// `url` as messages show it ([`redact_url`]).
    shown: String,
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
            shown: redact_url(url),
            format,
            timeout,
            agent,
        }
    }

    fn describe_error(&self, error: ureq::Error) -> String {
        match error {
            ureq::Error::Timeout(_) => format!("no answer within {}s", self.timeout.as_secs_f64()),
            ureq::Error::ConnectionFailed | ureq::Error::HostNotFound => {
                format!("cannot connect to {} (is the backend running?)", self.shown)
            }
            ureq::Error::Io(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
                format!(
                    "cannot connect to {}: connection refused (is the backend running?)",
                    self.shown
                )
            }
            ureq::Error::BodyExceedsLimit(_) => {
                format!(
                    "the answer is larger than {} KiB; is this the token endpoint?",
                    MAX_ANSWER_BYTES / 1024
                )
            }
            other => scrub_url(&other.to_string(), &self.url),
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
        format!("POST {}", self.shown)
    }
}
