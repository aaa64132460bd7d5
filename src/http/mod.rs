//! The only module that knows HTTP: the server `serve` runs (`server`, on axum and tokio)
//! with its wire formats (`wire`), and the blocking clients `flow` uses (`ureq`): a
//! backend's token endpoint (`backend`) and a Layer-compatible service (`client`).

pub mod backend;
pub mod client;
pub mod server;
pub mod wire;

pub use backend::{Backend, BackendConfig, BodyFormat};
pub use client::LayerClient;

/// Most bytes read from an answer; identity tokens are under 2 KiB.
pub const MAX_ANSWER_BYTES: u64 = 1024 * 1024;

/// What every request of ours says it is.
pub const USER_AGENT: &str = concat!("layer-auth/", env!("CARGO_PKG_VERSION"));

/// Whether `text` is an absolute `http://` or `https://` URL with a host, parsed by `http`'s
/// URI parser (so `http://:::` or a space is refused, as the client would refuse it).
///
/// ```
/// use layer_auth::http::is_http_url;
/// assert!(is_http_url("http://127.0.0.1:3000/authenticate"));
/// assert!(is_http_url("https://[::1]:8443/"));
/// assert!(!is_http_url("http://:::"));
/// assert!(!is_http_url("ftp://example.com/"));
/// assert!(!is_http_url("http:///path"));
/// assert!(!is_http_url("http://host:abc/"));
/// assert!(!is_http_url("http://:80/"));
/// assert!(is_http_url("http://user:pass@host:8080/"));
/// ```
pub fn is_http_url(text: &str) -> bool {
    let Ok(uri) = text.parse::<::http::Uri>() else {
        return false;
    };
    let scheme_ok = matches!(uri.scheme_str(), Some("http" | "https"));
    let host_ok = uri
        .host()
        .is_some_and(|host| !host.is_empty() && host != "[]");
    // `http` takes `host:abc` with no port; the client would not.
    let port_ok = uri.authority().is_none_or(|authority| {
        let host_port = authority.as_str().rsplit('@').next().unwrap_or_default();
        let after_host = host_port
            .rsplit_once(']')
            .map_or(host_port, |(_, rest)| rest);
        after_host
            .split_once(':')
            .is_none_or(|(_, port)| port.is_empty() || port.parse::<u16>().is_ok())
    });
    scheme_ok && host_ok && port_ok
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

/// The far side of a blocking request, as a failure names it.
pub(crate) struct Peer<'a> {
    /// What it is: `backend`, `service`.
    pub what: &'static str,
    /// Its URL as given (scrubbed out of messages we did not write).
    pub url: &'a str,
    /// Its URL as shown ([`redact_url`]).
    pub shown: &'a str,
    /// How long a request may take.
    pub timeout: std::time::Duration,
}

/// A ureq failure in our words: a timeout, nothing listening, plain HTTP where `https://`
/// was asked, an answer over [`MAX_ANSWER_BYTES`], or the transport's own message with the
/// URL's secrets scrubbed. `flow`'s backend and service clients both classify through it.
pub(crate) fn classify(error: ureq::Error, peer: &Peer<'_>) -> crate::flow::BackendError {
    use crate::flow::BackendError;
    use std::io::ErrorKind;
    let https = peer.url.starts_with("https://");
    let not_tls = || BackendError::NotTls {
        url: peer.shown.to_owned(),
        plain: peer.shown.replacen("https://", "http://", 1),
    };
    match error {
        ureq::Error::Timeout(_) => BackendError::Timeout(peer.timeout.as_secs_f64()),
        ureq::Error::ConnectionFailed | ureq::Error::HostNotFound => BackendError::Connect {
            url: peer.shown.to_owned(),
            detail: Some(format!("is the {} running?", peer.what)),
        },
        ureq::Error::Io(e) if e.kind() == ErrorKind::ConnectionRefused => BackendError::Connect {
            url: peer.shown.to_owned(),
            detail: Some(format!(
                "connection refused (is the {} running?)",
                peer.what
            )),
        },
        ureq::Error::Rustls(_) | ureq::Error::Tls(_) if https => not_tls(),
        // A plain-HTTP server answers a TLS hello with garbage (InvalidData) or hangs up
        // on it (UnexpectedEof).
        ureq::Error::Io(e)
            if https && matches!(e.kind(), ErrorKind::InvalidData | ErrorKind::UnexpectedEof) =>
        {
            not_tls()
        }
        ureq::Error::BodyExceedsLimit(_) => BackendError::TooLarge(MAX_ANSWER_BYTES / 1024),
        other => BackendError::Transport(scrub_url(&other.to_string(), peer.url)),
    }
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
