//! The service's wire formats, in one place and pure (fuzzed by `fuzz/fuzz_targets/wire.rs`):
//! request bodies as strict JSON (a member twice is refused, as everywhere), the
//! `Authorization: Layer session-token="…"` grammar, the sample backend's JSON or form body,
//! the test-control bodies, and the Web SDK's habit of prefixing paths with its base URL.
//! Every refusal is an [`ApiError`] in the Layer envelope, naming the member at fault.

use serde_json::{Map, Value};

use crate::json::{self, JsonError};
use crate::service::{ApiError, Expiry, Fault};
use crate::time;

/// The largest request body read (anything longer is `413`); tokens are under 2 KiB.
pub const MAX_BODY: usize = 64 * 1024;

/// `POST /sessions`: `{"identity_token": …, "app_id": …}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRequest {
    /// The identity token.
    pub identity_token: String,
    /// The app the client belongs to.
    pub app_id: String,
}

/// `POST /authenticate` (the sample backend): the user and the nonce, JSON or form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthenticateRequest {
    /// The app's id for the user.
    pub user_id: String,
    /// The nonce the service issued.
    pub nonce: String,
}

/// A JSON object body, or a `400` saying why it is not one.
fn object(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::invalid_request(
            "The request body is empty; this route takes a JSON object.".into(),
            None,
        ));
    }
    json::parse_object(body).map_err(|error| {
        let property = match &error {
            JsonError::Duplicate(name) => Some(name.clone()),
            _ => None,
        };
        ApiError::invalid_request(format!("The request body {error}."), property.as_deref())
    })
}

/// A string member, or a `422 invalid_property` naming it.
fn text(object: &Map<String, Value>, name: &str) -> Result<String, ApiError> {
    match object.get(name) {
        Some(Value::String(s)) => Ok(s.clone()),
        Some(other) => Err(ApiError::invalid_property(
            name,
            format!(
                "{name} is {}; it must be a string.",
                crate::token::kind(other)
            ),
        )),
        None => Err(ApiError::invalid_property(
            name,
            format!("The request body has no {name}."),
        )),
    }
}

/// Reads `POST /sessions`.
///
/// # Errors
/// `400` for a body that is not a JSON object, `422` on the member missing or mistyped.
///
/// ```
/// use layer_auth::http::wire::session_request;
/// let r = session_request(br#"{"identity_token":"a.b.c","app_id":"layer:///apps/x"}"#).unwrap();
/// assert_eq!(r.identity_token, "a.b.c");
/// assert_eq!(session_request(b"{}").unwrap_err().data["property"], "identity_token");
/// ```
pub fn session_request(body: &[u8]) -> Result<SessionRequest, ApiError> {
    let object = object(body)?;
    Ok(SessionRequest {
        identity_token: text(&object, "identity_token")?,
        app_id: text(&object, "app_id")?,
    })
}

/// Reads `POST /authenticate`: JSON `{"user_id", "nonce"}` or the same as form fields
/// (`application/x-www-form-urlencoded`).
///
/// # Errors
/// As [`session_request`].
pub fn authenticate_request(
    content_type: Option<&str>,
    body: &[u8],
) -> Result<AuthenticateRequest, ApiError> {
    let is_form = content_type.is_some_and(|t| {
        t.trim()
            .to_ascii_lowercase()
            .starts_with("application/x-www-form-urlencoded")
    });
    let object = if is_form {
        let mut fields = Map::new();
        for (name, value) in form_urlencoded::parse(body) {
            if fields
                .insert(name.to_string(), Value::from(value.as_ref()))
                .is_some()
            {
                return Err(ApiError::invalid_request(
                    format!("The form has the field {name:?} twice."),
                    Some(&name),
                ));
            }
        }
        fields
    } else {
        object(body)?
    };
    Ok(AuthenticateRequest {
        user_id: text(&object, "user_id")?,
        nonce: text(&object, "nonce")?,
    })
}

/// The session token of `Authorization: Layer session-token="…"` (double or single quotes;
/// the scheme and parameter name in any case; spaces around `=`).
///
/// # Errors
/// A sentence saying what the header holds instead.
///
/// ```
/// use layer_auth::http::wire::session_token;
/// assert_eq!(session_token(r#"Layer session-token="abc""#).unwrap(), "abc");
/// assert_eq!(session_token("layer session-token = 'abc'").unwrap(), "abc");
/// assert!(session_token("Bearer abc").is_err());
/// ```
pub fn session_token(header: &str) -> Result<&str, String> {
    let header = header.trim();
    let (scheme, rest) = header
        .split_once(char::is_whitespace)
        .unwrap_or((header, ""));
    if !scheme.eq_ignore_ascii_case("Layer") {
        return Err(format!(
            "the Authorization scheme is {:?}; Layer wants `Layer session-token=\"…\"`",
            scheme.chars().take(20).collect::<String>()
        ));
    }
    let Some((name, value)) = rest.split_once('=') else {
        return Err("the Authorization header has no session-token=\"…\"".into());
    };
    if !name.trim().eq_ignore_ascii_case("session-token") {
        return Err("the Authorization header has no session-token=\"…\"".into());
    }
    let value = value.trim();
    let unquoted = ['"', '\'']
        .into_iter()
        .find_map(|q| value.strip_prefix(q)?.strip_suffix(q));
    match unquoted {
        Some(token) if !token.is_empty() && !token.contains(['"', '\'']) => Ok(token),
        Some(_) => Err("the session token in the Authorization header is empty".into()),
        None => Err("the session token must be quoted: session-token=\"…\"".into()),
    }
}

/// `POST /_emulator/expire`: `{}` (every session), `{"user": …}` or `{"session_token": …}`.
///
/// # Errors
/// As [`session_request`].
pub fn expiry(body: &[u8]) -> Result<Expiry, ApiError> {
    let object = if body.iter().all(u8::is_ascii_whitespace) {
        Map::new()
    } else {
        object(body)?
    };
    // `{"usr": …}` must not read as `{}`, which expires every session.
    only_members(&object, &["user", "session_token"])?;
    match (
        object.contains_key("user"),
        object.contains_key("session_token"),
    ) {
        (false, false) => Ok(Expiry::All),
        (true, false) => Ok(Expiry::User(text(&object, "user")?)),
        (false, true) => Ok(Expiry::Session(text(&object, "session_token")?)),
        (true, true) => Err(ApiError::invalid_request(
            "Give user or session_token, not both.".into(),
            None,
        )),
    }
}

/// The API calls a fault can hit: the routes behind the API gate (`server::router`), a
/// `{…}` segment standing for any one segment.
const FAULT_ROUTES: [(&str, &str); 5] = [
    ("POST", "/nonces"),
    ("POST", "/sessions"),
    ("DELETE", "/sessions/{token}"),
    ("GET", "/identities/{user_id}"),
    ("GET", "/conversations"),
];

/// Whether a fault for `route` (`*`, `METHOD /path` or `METHOD /prefix*`) can match one
/// of [`FAULT_ROUTES`] (`HEAD` going where `GET` does).
fn fires_somewhere(route: &str) -> bool {
    if route == "*" {
        return true;
    }
    let Some((method, pattern)) = route.split_once(' ') else {
        return false;
    };
    FAULT_ROUTES.iter().any(|(m, template)| {
        let method_ok =
            m.eq_ignore_ascii_case(method) || (*m == "GET" && method.eq_ignore_ascii_case("HEAD"));
        // The template up to its first `{…}`, and whether it has one.
        let (fixed, open) = template
            .split_once('{')
            .map_or((*template, false), |(f, _)| (f, true));
        let path_ok = match pattern.strip_suffix('*') {
            Some(prefix) => fixed.starts_with(prefix) || (open && prefix.starts_with(fixed)),
            None if open => pattern
                .strip_prefix(fixed)
                .is_some_and(|rest| !rest.is_empty() && !rest.contains('/')),
            None => pattern == fixed,
        };
        method_ok && path_ok
    })
}

/// A control body's members are these and no others: a misspelt one is refused by name
/// rather than left out.
fn only_members(object: &Map<String, Value>, known: &[&str]) -> Result<(), ApiError> {
    match object.keys().find(|name| !known.contains(&name.as_str())) {
        None => Ok(()),
        Some(name) => Err(ApiError::invalid_property(
            &name.chars().take(40).collect::<String>(),
            format!(
                "{} is not a member this route takes; it takes {}.",
                crate::keys::quoted_capped(name, 40),
                known.join(", ")
            ),
        )),
    }
}

/// `GET /_emulator/attempts?since=N`: the `seq` of the last attempt seen (none: 0).
///
/// # Errors
/// `400 invalid_request` naming `since` when it is not a whole number, is given twice,
/// or another parameter is given.
pub fn attempts_since(query: Option<&str>) -> Result<u64, ApiError> {
    let mut since = None;
    for (name, value) in form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
        if name != "since" {
            return Err(ApiError::invalid_request(
                format!(
                    "{} is not a parameter of this route; it takes since.",
                    crate::keys::quoted_capped(&name, 40)
                ),
                Some(&name.chars().take(40).collect::<String>()),
            ));
        }
        let digits = !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit());
        let Some(n) = value.parse::<u64>().ok().filter(|_| digits) else {
            return Err(ApiError::invalid_request(
                format!(
                    "since is {}; give the seq of the last attempt seen, a whole number \
                     (0 for all).",
                    crate::keys::quoted_capped(&value, 40)
                ),
                Some("since"),
            ));
        };
        if since.replace(n).is_some() {
            return Err(ApiError::invalid_request(
                "since is given twice; give it once.".into(),
                Some("since"),
            ));
        }
    }
    Ok(since.unwrap_or(0))
}

/// `POST /_emulator/clock`: `{"advance": "11m"}` (a duration as the command line takes it).
///
/// # Errors
/// As [`session_request`].
pub fn clock_advance(body: &[u8]) -> Result<chrono::TimeDelta, ApiError> {
    let object = object(body)?;
    only_members(&object, &["advance"])?;
    let advance = text(&object, "advance")?;
    time::parse_duration(&advance)
        .map_err(|e| ApiError::invalid_property("advance", format!("{e}.")))
}

/// `POST /_emulator/faults`: `{"route": "POST /sessions", "status": 503, "times": 1}` or
/// with `"delay": "2s"`.
///
/// # Errors
/// As [`session_request`].
pub fn fault(body: &[u8]) -> Result<Fault, ApiError> {
    let object = object(body)?;
    // A misspelt `status` would arm the default 503 and pass unnoticed.
    only_members(&object, &["route", "status", "times", "delay"])?;
    let route = text(&object, "route")?;
    if route.len() > 200 {
        return Err(ApiError::invalid_property(
            "route",
            "route is longer than 200 characters; give METHOD /path (or *).".into(),
        ));
    }
    if !fires_somewhere(&route) {
        return Err(ApiError::invalid_property(
            "route",
            format!(
                "route {} matches no API call, so the fault would never fire; faults \
                 are for {}, a path may end in * (POST /sessions, GET /identities/*), or * \
                 for every one.",
                crate::keys::quoted_capped(&route, 60),
                FAULT_ROUTES.map(|(m, p)| format!("{m} {p}")).join(", ")
            ),
        ));
    }
    let status = match object.get("status") {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => match n.as_u64() {
            Some(s @ 400..=599) => Some(s as u16),
            _ => {
                return Err(ApiError::invalid_property(
                    "status",
                    format!("status {n} is not an HTTP error status (400 to 599)."),
                ));
            }
        },
        Some(other) => {
            return Err(ApiError::invalid_property(
                "status",
                format!(
                    "status is {}; it must be a number.",
                    crate::token::kind(other)
                ),
            ));
        }
    };
    let times = match object.get("times") {
        None => 1,
        Some(v) => v
            .as_u64()
            .filter(|t| (1..=1_000_000).contains(t))
            .map(|t| t as u32)
            .ok_or_else(|| {
                ApiError::invalid_property("times", "times must be a whole number from 1.".into())
            })?,
    };
    let delay = match object.get("delay") {
        None | Some(Value::Null) => None,
        Some(_) => {
            let text = text(&object, "delay")?;
            let span = time::parse_span(&text)
                .map_err(|e| ApiError::invalid_property("delay", format!("{e}.")))?;
            if span > std::time::Duration::from_secs(60) {
                return Err(ApiError::invalid_property(
                    "delay",
                    "delay is at most 60s.".into(),
                ));
            }
            Some(span)
        }
    };
    if status.is_none() && delay.is_none() {
        return Ok(Fault {
            route,
            status: Some(503),
            times,
            delay,
        });
    }
    Ok(Fault {
        route,
        status,
        times,
        delay,
    })
}

/// A token as people paste it, cleaned: surrounding whitespace, quotes (`"…"` or `'…'`) and
/// a `Bearer ` prefix taken off, and each named, so the dashboard can say what it did.
///
/// ```
/// use layer_auth::http::wire::pasted_token;
/// let (token, stripped) = pasted_token("  \"Bearer a.b.c\"\n");
/// assert_eq!(token, "a.b.c");
/// assert_eq!(stripped, ["whitespace", "quotes", "a Bearer prefix"]);
/// ```
pub fn pasted_token(text: &str) -> (String, Vec<&'static str>) {
    let mut stripped = Vec::new();
    let mut token = text;
    loop {
        let before = token;
        let trimmed = token.trim();
        if trimmed.len() != token.len() {
            token = trimmed;
            if !stripped.contains(&"whitespace") {
                stripped.push("whitespace");
            }
        }
        if let Some(inner) = ['"', '\'']
            .iter()
            .find_map(|q| token.strip_prefix(*q).and_then(|t| t.strip_suffix(*q)))
        {
            token = inner;
            if !stripped.contains(&"quotes") {
                stripped.push("quotes");
            }
        }
        let lower = token.get(..7).map(str::to_ascii_lowercase);
        if lower.as_deref() == Some("bearer ") {
            token = &token[7..];
            if !stripped.contains(&"a Bearer prefix") {
                stripped.push("a Bearer prefix");
            }
        }
        if token == before {
            return (token.to_owned(), stripped);
        }
    }
}

/// `POST /_emulator/validate`: `{"token": …, "nonce"?: …, "user"?: …}`.
///
/// # Errors
/// As [`session_request`].
pub fn validate_request(body: &[u8]) -> Result<(String, Option<String>, Option<String>), ApiError> {
    let object = object(body)?;
    only_members(&object, &["token", "nonce", "user"])?;
    let optional = |name: &str| -> Result<Option<String>, ApiError> {
        match object.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(_) => text(&object, name).map(Some),
        }
    };
    Ok((
        text(&object, "token")?,
        optional("nonce")?,
        optional("user")?,
    ))
}

/// The path a Web SDK on plain `http://` meant: it prefixes resource paths with its own
/// base URL (`/http://127.0.0.1:7777/identities/alice`); when the prefix is one of this
/// server's own `bases`, the path after it. `None` when the path carries no such prefix.
///
/// ```
/// use layer_auth::http::wire::strip_own_prefix;
/// let bases = ["http://127.0.0.1:7777".to_owned()];
/// assert_eq!(strip_own_prefix("/http://127.0.0.1:7777/identities/a", &bases), Some("/identities/a"));
/// assert_eq!(strip_own_prefix("/http://evil.example/identities/a", &bases), None);
/// ```
pub fn strip_own_prefix<'a>(path: &'a str, bases: &[String]) -> Option<&'a str> {
    let rest = path.strip_prefix('/')?;
    bases.iter().find_map(|base| {
        let after = rest.strip_prefix(base.trim_end_matches('/'))?;
        after.starts_with('/').then_some(after)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_bodies_refuse_a_member_they_do_not_take_by_name() {
        for (refused, name) in [
            (expiry(br#"{"usr":"alice"}"#).err(), "usr"),
            (clock_advance(br#"{"advance":"1m","by":"2m"}"#).err(), "by"),
            (
                fault(br#"{"route":"POST /sessions","stauts":500}"#).err(),
                "stauts",
            ),
        ] {
            let e = refused.expect(name);
            assert_eq!((e.status, e.id.as_str()), (422, "invalid_property"));
            assert_eq!(e.data["property"], name);
            assert!(
                e.message.contains(&format!("\"{name}\" is not a member")),
                "{}",
                e.message
            );
        }
        assert!(matches!(expiry(b"{}"), Ok(Expiry::All)));
        assert!(matches!(expiry(br#"{"user":"alice"}"#), Ok(Expiry::User(u)) if u == "alice"));
        assert!(
            fault(br#"{"route":"POST /sessions","status":500,"times":2,"delay":"1s"}"#).is_ok()
        );
    }

    #[test]
    fn session_bodies_name_what_is_wrong() {
        let e = session_request(b"not json").unwrap_err();
        assert_eq!((e.status, e.id.as_str()), (400, "invalid_request"));
        let e = session_request(br#"{"identity_token":5,"app_id":"a"}"#).unwrap_err();
        assert_eq!(
            (e.status, e.data["property"].as_str()),
            (422, Some("identity_token"))
        );
        assert!(e.message.contains("the number 5"), "{}", e.message);
        let e = session_request(br#"{"identity_token":"t"}"#).unwrap_err();
        assert_eq!(e.data["property"], "app_id");
        let e = session_request(br#"{"identity_token":"a","identity_token":"b","app_id":"x"}"#)
            .unwrap_err();
        assert!(e.message.contains("twice"), "{}", e.message);
        assert!(session_request(b"").unwrap_err().message.contains("empty"));
        assert_eq!(session_request(b"[1]").unwrap_err().status, 400);
    }

    #[test]
    fn the_sample_backend_takes_json_or_form_fields() {
        let json = authenticate_request(
            Some("application/json"),
            br#"{"user_id":"a b","nonce":"n"}"#,
        );
        assert_eq!(json.unwrap().user_id, "a b");
        let form = authenticate_request(
            Some("application/x-www-form-urlencoded; charset=utf-8"),
            b"user_id=a+b%26c&nonce=n%3D",
        )
        .unwrap();
        assert_eq!(
            (form.user_id.as_str(), form.nonce.as_str()),
            ("a b&c", "n=")
        );
        let twice = authenticate_request(
            Some("application/x-www-form-urlencoded"),
            b"user_id=a&user_id=b&nonce=n",
        );
        assert!(twice.unwrap_err().message.contains("twice"));
    }

    #[test]
    fn the_authorization_grammar_takes_either_quote_and_refuses_the_rest() {
        for header in [
            r#"Layer session-token="t0k""#,
            "Layer session-token='t0k'",
            r#"LAYER Session-Token = "t0k" "#,
        ] {
            assert_eq!(session_token(header), Ok("t0k"), "{header}");
        }
        for header in [
            "Bearer t0k",
            "Layer",
            "Layer session-token=t0k",
            r#"Layer session-token="""#,
            r#"Layer token="t0k""#,
            r#"Layer session-token="t0k'"#,
        ] {
            assert!(session_token(header).is_err(), "{header}");
        }
    }

    #[test]
    fn control_bodies() {
        assert_eq!(expiry(b"").unwrap(), Expiry::All);
        assert_eq!(
            expiry(br#"{"user":"alice"}"#).unwrap(),
            Expiry::User("alice".into())
        );
        assert!(expiry(br#"{"user":"a","session_token":"t"}"#).is_err());
        assert_eq!(
            clock_advance(br#"{"advance":"11m"}"#)
                .unwrap()
                .num_seconds(),
            660
        );
        assert!(clock_advance(br#"{"advance":"soon"}"#).is_err());
        let f = fault(br#"{"route":"POST /sessions","status":503,"times":2}"#).unwrap();
        assert_eq!((f.status, f.times), (Some(503), 2));
        let f = fault(br#"{"route":"POST /sessions","delay":"2s"}"#).unwrap();
        assert_eq!(
            (f.status, f.delay),
            (None, Some(std::time::Duration::from_secs(2)))
        );
        let f = fault(br#"{"route":"POST /sessions","delay":"250ms"}"#).unwrap();
        assert_eq!(f.delay, Some(std::time::Duration::from_millis(250)));
        assert!(fault(br#"{"route":"*","delay":"60s 1ms"}"#).is_err());
        assert!(fault(br#"{"route":"*","status":200}"#).is_err());
        assert!(fault(br#"{"route":"*","delay":"1h"}"#).is_err());
        assert_eq!(fault(br#"{"route":"*"}"#).unwrap().status, Some(503));
    }
    #[test]
    fn a_fault_for_a_route_no_api_call_takes_is_refused() {
        for fires in [
            "*",
            "POST /sessions",
            "post /nonces",
            "POST /sess*",
            "DELETE /sessions/*",
            "DELETE /sessions/abc",
            "GET /identities/alice",
            "HEAD /identities/*",
            "GET /identities/al*",
            "GET /conversations",
        ] {
            assert!(fires_somewhere(fires), "{fires}");
        }
        for never in [
            "POST /session",
            "GET /sessions",
            "GET /_emulator/health",
            "GET /identities/",
            "GET /identities/a/b",
            "POST /nonces/x*",
            "/sessions",
            "GET",
            "",
        ] {
            assert!(!fires_somewhere(never), "{never}");
        }
        let e = fault(br#"{"route":"POST /session"}"#).unwrap_err();
        assert_eq!(e.data["property"], "route");
        assert!(e.message.contains("never fire"), "{}", e.message);
    }
}
