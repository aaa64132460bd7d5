//! The client of a backend's token endpoint (`ureq`, blocking: a CLI that makes a handful of
//! requests needs no async runtime).

use std::time::Duration;

use crate::flow::backend::{AnswerError, EXCERPT, excerpt, token_from_answer};
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
    /// What an answer must not show, in every form it may come back in, longest first.
    secrets: Vec<Vec<u8>>,
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
            secrets: secrets(&config),
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
    /// `body` with every secret of the request (see [`secrets`]) replaced by `[redacted]`.
    fn redacted(&self, body: &[u8]) -> Vec<u8> {
        let mut body = body.to_vec();
        for secret in &self.secrets {
            body = replace_all(&body, secret, b"[redacted]");
        }
        body
    }
}

/// The shortest secret, header value or word of one, that is blanked where an answer
/// echoes it (a shorter one, `X-Version: 2`, would blank every `2`).
const SECRET_WORD: usize = 8;

/// What the request carries that an answer must not show: each `--header` value and each
/// word of one (the credential after `Bearer `), and the URL's userinfo (whole, its user
/// and password, and as the `Basic` credential the client sends for it) and query values;
/// each of [`SECRET_WORD`] bytes or more, in the forms a backend's error quotes it in
/// (as sent, JSON-escaped, with `\/` as PHP writes it, and percent-encoded). Longest
/// first, so that a whole value goes before the words in it.
fn secrets(config: &BackendConfig) -> Vec<Vec<u8>> {
    use base64::Engine as _;
    let mut raw: Vec<String> = Vec::new();
    for (_, value) in &config.headers {
        let value = value.trim();
        raw.push(value.to_owned());
        raw.extend(value.split_ascii_whitespace().map(str::to_owned));
        // `Basic <base64>`: the user:password it carries, and each half.
        if let Some(decoded) = value
            .split_ascii_whitespace()
            .nth(1)
            .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
            .and_then(|b| String::from_utf8(b).ok())
        {
            raw.extend(decoded.split(':').map(str::to_owned));
            raw.push(decoded);
        }
    }
    let rest = config
        .url
        .split_once("://")
        .map_or(&*config.url, |(_, r)| r);
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    if let Some(at) = authority.rfind('@') {
        let userinfo = &authority[..at];
        let decoded = percent_decoded(userinfo);
        raw.push(base64::engine::general_purpose::STANDARD.encode(&decoded));
        raw.extend(userinfo.split(':').map(str::to_owned));
        raw.extend(decoded.split(':').map(str::to_owned));
        raw.extend([userinfo.to_owned(), decoded]);
    }
    if let Some((_, query)) = rest.split_once('?') {
        let query = query.split('#').next().unwrap_or("");
        for (name, value) in form_urlencoded::parse(query.as_bytes()) {
            // An item without `=` (`?SECRET`) is all name: the URL line hides it too.
            raw.push(if value.is_empty() { name } else { value }.into_owned());
        }
        raw.extend(
            query
                .split('&')
                .map(|p| p.split_once('=').map_or(p, |(_, v)| v).to_owned()),
        );
    }
    let mut forms: Vec<Vec<u8>> = Vec::new();
    for secret in raw.iter().filter(|s| s.len() >= SECRET_WORD) {
        let json = serde_json::Value::from(secret.as_str()).to_string();
        let json = &json[1..json.len() - 1];
        let encoded: String = form_urlencoded::byte_serialize(secret.as_bytes()).collect();
        // Go's encoding/json escapes &, < and > too.
        let go = json
            .replace('&', "\\u0026")
            .replace('<', "\\u003c")
            .replace('>', "\\u003e");
        forms.extend(
            [
                secret.clone(),
                json.to_owned(),
                json.replace('/', "\\/"),
                go,
                encoded.replace('+', "%20"),
                // Python's urllib.parse.quote leaves `/` as it is.
                encoded.replace('+', "%20").replace("%2F", "/"),
                encoded,
            ]
            .map(String::into_bytes),
        );
    }
    forms.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    forms.dedup();
    forms
}

/// `text` with its `%XX` escapes decoded (lossily, as text).
fn percent_decoded(text: &str) -> String {
    let bytes: Vec<u8> =
        form_urlencoded::parse(format!("x={}", text.replace('+', "%2B")).as_bytes())
            .next()
            .map(|(_, v)| v.into_owned().into_bytes())
            .unwrap_or_default();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// `haystack` with every `needle` replaced by `with`, ASCII case aside (an echo may change
/// a secret's case; %2f and %2F are the same escape).
fn replace_all(haystack: &[u8], needle: &[u8], with: &[u8]) -> Vec<u8> {
    let folded = haystack.to_ascii_lowercase();
    let needle = needle.to_ascii_lowercase();
    let mut out = Vec::with_capacity(haystack.len());
    let mut done = 0;
    for at in memchr::memmem::find_iter(&folded, &needle) {
        if at < done {
            continue;
        }
        out.extend_from_slice(&haystack[done..at]);
        out.extend_from_slice(with);
        done = at + needle.len();
    }
    out.extend_from_slice(&haystack[done..]);
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
        // When only the blanked text reads (a secret is what broke it), the raw reading's
        // message would quote the secret: say so with the blanked excerpt instead.
        token_from_answer(&body).map_err(|_| {
            let problem = token_from_answer(&shown).err().unwrap_or_else(|| {
                AnswerError::Neither(format!(
                    "{} (shown with the request's secrets blanked)",
                    excerpt(text.trim())
                ))
            });
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
