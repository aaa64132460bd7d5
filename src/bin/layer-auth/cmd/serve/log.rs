//! What serve says on stderr: the banner, and one line per request (text or NDJSON).

use std::net::SocketAddr;
use std::sync::Arc;

use layer_auth::http::server::{self, RequestEvent};
use layer_auth::output::{Paint, escape};
use layer_auth::time::human;

use super::{LogFormat, ServeArgs, Setup};
use crate::term;

/// The service's URL, ids, keys, backend, control and sessions, for people on stderr.
pub(super) fn banner(
    args: &ServeArgs,
    setup: &Setup,
    base: &str,
    local: SocketAddr,
    control_token: Option<&str>,
    paint: Paint,
) {
    let config = setup.service.config();
    let sessions = human(args.session_ttl.num_seconds());
    let rows = [
        ("app id", config.app_id.clone()),
        ("provider id", setup.provider_id.clone()),
        ("keys", setup.keys.join("; ")),
        ("backend", backend_row(setup, base)),
        ("control", control_row(base, local, control_token)),
        ("sessions", format!("last {sessions}")),
    ];
    let title = paint.bold("layer-auth serve:");
    term::say(&format!("{title} the Layer service at {}", escape(base)));
    for (label, value) in rows {
        let value = term::hide_key_material(&value).into_owned();
        term::say(&format!("  {:<12} {}", paint.dim(label), escape(&value)));
    }
}

/// The banner's backend row: where the sample backend answers, if there is one.
pub(super) fn backend_row(setup: &Setup, base: &str) -> String {
    if setup.backend.is_some() {
        format!("{base}/authenticate (POST {{\"user_id\", \"nonce\"}})")
    } else {
        "none (only public keys were given)".to_owned()
    }
}

/// The banner's control row: the control routes, and what opens them.
pub(super) fn control_row(base: &str, local: SocketAddr, control_token: Option<&str>) -> String {
    match control_token {
        None => format!("{base}/_emulator/ (open: {} is loopback)", local.ip()),
        Some(token) => format!("{base}/_emulator/ (Authorization: Bearer {token})"),
    }
}

/// A path as the log shows it: a session token in it cut to its first 8 characters (it is
/// a bearer credential, and logs travel).
pub(super) fn logged_path(path: &str) -> String {
    match path.strip_prefix("/sessions/") {
        Some(token) if token.chars().count() > 8 => {
            format!("/sessions/{}…", token.chars().take(8).collect::<String>())
        }
        _ => path.to_owned(),
    }
}

/// How request lines reach stderr.
pub(super) fn on_event(format: LogFormat, paint: Paint) -> server::OnEvent {
    Arc::new(move |mut event: RequestEvent| {
        event.path = logged_path(&event.path);
        let ms = event.elapsed.as_secs_f64() * 1000.0;
        let line = match format {
            LogFormat::Json => json_line(&event, ms),
            LogFormat::Text => text_line(event, ms, paint),
        };
        term::say(&line);
    })
}

/// A request as one JSON object. stderr is for people even in JSON: the path (the
/// client's text) is escaped too.
pub(super) fn json_line(event: &RequestEvent, ms: f64) -> String {
    serde_json::json!({
        "method": escape(&event.method), "path": escape(&event.path),
        "status": event.status, "ms": (ms * 1000.0).round() / 1000.0,
        "reason": event.reason,
    })
    .to_string()
}

/// A request as a line for people: method, path, status coloured by class, time, reason.
pub(super) fn text_line(event: RequestEvent, ms: f64, paint: Paint) -> String {
    let status = match event.status {
        200..=399 => paint.good(&event.status.to_string()),
        _ => paint.bad(&event.status.to_string()),
    };
    let reason = event
        .reason
        .map_or(String::new(), |r| format!("  {}", escape(&r)));
    format!(
        "{} {} {status} {}{reason}",
        event.method,
        escape(&event.path),
        paint.dim(&format!("{ms:.2} ms"))
    )
}
