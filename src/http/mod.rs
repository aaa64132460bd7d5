//! The only module that knows the HTTP crate (`ureq`, blocking: a CLI that makes a handful
//! of requests needs no async runtime). For now: the client side of a backend's token
//! endpoint; `serve` will add the server here.

use std::time::Duration;

use crate::flow::backend::{EXCERPT, excerpt, token_from_answer};
use crate::flow::{BackendError, Exchange, FlowError, Obtained, TokenSource};

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

/// What every request of ours says it is.
pub const USER_AGENT: &str = concat!("layer-auth/", env!("CARGO_PKG_VERSION"));

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
        let https = self.config.url.starts_with("https://");
        match error {
            ureq::Error::Timeout(_) => BackendError::Timeout(self.config.timeout.as_secs_f64()),
            ureq::Error::ConnectionFailed | ureq::Error::HostNotFound => BackendError::Connect {
                url: self.shown.clone(),
                detail: Some("is the backend running?".into()),
            },
            ureq::Error::Io(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
                BackendError::Connect {
                    url: self.shown.clone(),
                    detail: Some("connection refused (is the backend running?)".into()),
                }
            }
            ureq::Error::Rustls(_) | ureq::Error::Tls(_) if https => BackendError::NotTls {
                url: self.shown.clone(),
                plain: self.shown.replacen("https://", "http://", 1),
            },
            // A plain-HTTP server answers a TLS hello with garbage (InvalidData) or hangs up
            // on it (UnexpectedEof).
            ureq::Error::Io(e)
                if https
                    && matches!(
                        e.kind(),
                        std::io::ErrorKind::InvalidData | std::io::ErrorKind::UnexpectedEof
                    ) =>
            {
                BackendError::NotTls {
                    url: self.shown.clone(),
                    plain: self.shown.replacen("https://", "http://", 1),
                }
            }
            ureq::Error::BodyExceedsLimit(_) => BackendError::TooLarge(MAX_ANSWER_BYTES / 1024),
            other => BackendError::Transport(scrub_url(&other.to_string(), &self.config.url)),
        }
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
        let text = String::from_utf8_lossy(&body);
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
        token_from_answer(&body).map_err(|problem| BackendError::Answer { status, problem }.into())
    }

    fn describe(&self) -> String {
        format!("POST {}", self.shown)
    }

    fn take_exchanges(&mut self) -> Vec<Exchange> {
        std::mem::take(&mut self.exchanges)
    }
}
