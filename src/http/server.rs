//! `serve`: the Layer service over HTTP, on axum and hyper. Routing only: each handler reads
//! its wire type (`wire.rs`), calls the [`Service`], and turns its answer or [`ApiError`] into
//! a response; no check, message or state lives here.
//!
//! In front of the routes: CORS for browser clients on the API routes only (the request's
//! `Origin` echoed, with credentials), the Web SDK's base-URL path prefix taken off, a request
//! timeout, and the Layer envelope put on every error, including the HTTP stack's own (404,
//! 405, 408, 413).
//! The accept loop bounds connections, each connection's header read, and shutdown: a client
//! that sends half a request head, or holds an idle keep-alive open, cannot keep the server
//! from stopping within the grace period. The server prints nothing: it reports each request
//! as a [`RequestEvent`] to the caller, which renders it.

mod frame;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Extension, Router};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt as _;
use tower::layer::layer_fn;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::timeout::TimeoutLayer;

use super::wire::{self, MAX_BODY};
use crate::keys::SigningKey;
use crate::service::{ApiError, Service};
use crate::token::{self, TokenTemplate};

/// How the server behaves at its edges.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Most connections open at once; more wait in the listen backlog.
    pub max_connections: usize,
    /// A client gets this long to send a request head.
    pub header_timeout: Duration,
    /// A request (body and answer) gets this long in all.
    pub request_timeout: Duration,
    /// How long shutdown waits for requests in flight before it drops them.
    pub shutdown_grace: Duration,
    /// A client that reads none of an answer for this long is dropped (a slow reader must
    /// not hold a connection, and its answer, forever); an idle one after `idle_timeout`.
    pub write_timeout: Duration,
    /// How long a connection may sit idle between requests.
    pub idle_timeout: Duration,
    /// The bearer token the `/_emulator/` routes need; `None` leaves them open (loopback).
    pub control_token: Option<String>,
    /// Runtimes the connections are dealt out to in turn, each connection living on one
    /// (a current-thread runtime per core spares every request the cross-thread wake-ups
    /// of a work-stealing pool); empty: the runtime `serve` runs on.
    pub workers: Vec<tokio::runtime::Handle>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            max_connections: 1024,
            header_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(10),
            shutdown_grace: Duration::from_secs(4),
            write_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            control_token: None,
            workers: Vec::new(),
        }
    }
}

/// The sample backend (`POST /authenticate`): the key and template it signs with.
#[derive(Debug)]
pub struct SampleBackend {
    /// The signing key.
    pub key: SigningKey,
    /// The ids and lifetime of its tokens.
    pub template: TokenTemplate,
}

/// One request, as the server reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestEvent {
    /// `POST`.
    pub method: String,
    /// The path as routed (a Web SDK prefix taken off).
    pub path: String,
    /// The status answered.
    pub status: u16,
    /// How long it took.
    pub elapsed: Duration,
    /// For a refused sign-in: the `eit_*` reason.
    pub reason: Option<String>,
}

/// What the server reports.
pub type OnEvent = Arc<dyn Fn(RequestEvent) + Send + Sync>;

/// Everything the handlers share, behind one `Arc`: axum clones the state for every
/// request, and one shared counter costs less than six on two busy cores.
#[derive(Clone)]
pub struct App(Arc<Shared>);

impl std::ops::Deref for App {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// What [`App`] holds.
#[derive(Clone)]
pub struct Shared {
    service: Arc<Service>,
    backend: Option<Arc<SampleBackend>>,
    /// This server's own base URLs (for the Web SDK's path prefix and `Link`).
    bases: Arc<Vec<String>>,
    control_token: Option<Arc<str>>,
    on_event: OnEvent,
    /// Whether `/dashboard` is served.
    dashboard: bool,
    /// On a loopback address, the only `Host` names answered (a DNS-rebinding guard).
    loopback_hosts: Option<Arc<Vec<String>>>,
}

impl App {
    /// The handlers' state: the service, the sample backend if any, the server's own base
    /// URLs (the first is the one `Link` names), the control token, and where events go.
    pub fn new(
        service: Arc<Service>,
        backend: Option<SampleBackend>,
        bases: Vec<String>,
        control_token: Option<String>,
        on_event: OnEvent,
    ) -> Self {
        Self(Arc::new(Shared {
            service,
            backend: backend.map(Arc::new),
            bases: Arc::new(bases),
            control_token: control_token.map(Into::into),
            on_event,
            dashboard: true,
            loopback_hosts: None,
        }))
    }

    /// Answers only requests whose `Host` is one of `hosts` (`127.0.0.1:7777`,
    /// `localhost:7777`, …): on a loopback address, a web page that rebinds its own name to
    /// 127.0.0.1 must not reach the service.
    pub fn only_for_hosts(mut self, hosts: Vec<String>) -> Self {
        Arc::make_mut(&mut self.0).loopback_hosts = Some(Arc::new(hosts));
        self
    }

    /// Without `/dashboard` (`serve --no-dashboard`); the API answers exactly as before.
    pub fn without_dashboard(mut self) -> Self {
        Arc::make_mut(&mut self.0).dashboard = false;
        self
    }
}

/// The reason a response carries, for the request log.
#[derive(Debug, Clone)]
struct Reason(String);

/// An [`ApiError`] as a response: its status, the JSON envelope.
struct Envelope(ApiError);

impl IntoResponse for Envelope {
    fn into_response(self) -> Response {
        let status = self.0.status;
        let body = serde_json::to_vec(&self.0).unwrap_or_default();
        json_response(status, body)
    }
}

fn json_response(status: u16, body: Vec<u8>) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

fn json(status: u16, value: &Value) -> Response {
    json_response(status, value.to_string().into_bytes())
}

/// `value` written straight to JSON bytes: reports and attempts hold their JSON as raw
/// text, which `json!` would parse again into a `Value` (and fail on, past serde_json's
/// nesting limit, where a hostile token's claims may reach). A value that cannot be
/// written is a 500 in the envelope, never a panic.
fn json_of(status: u16, value: &impl serde::Serialize) -> Response {
    match serde_json::to_vec(value) {
        Ok(body) => json_response(status, body),
        Err(error) => Envelope(ApiError::new(
            500,
            "internal_server_error",
            0,
            format!("The answer could not be written as JSON: {error}."),
            Value::Null,
        ))
        .into_response(),
    }
}

type Answer = Result<Response, Envelope>;

impl From<ApiError> for Envelope {
    fn from(error: ApiError) -> Self {
        Self(error)
    }
}

/// The routes, with the layers every request passes through.
pub fn router(app: App, config: &ServerConfig) -> Router {
    // Browsers may call the API from any origin (the Web SDK does); CORS covers only it,
    // never the control routes, the sample backend or the dashboard.
    let api = Router::new()
        .route("/nonces", post(nonces))
        .route("/sessions", post(sessions))
        .route("/sessions/{token}", delete(delete_session))
        .route("/identities/{user_id}", get(identity))
        .route("/conversations", get(conversations))
        .route_layer(layer_fn(frame::layer::<frame::Gate, _>(&app)))
        .route("/", get(root))
        .route("/ping", get(ping).head(ping));
    let control = Router::new()
        .route("/health", get(health))
        .route("/attempts", get(attempts))
        .route("/nonces", get(ledger_nonces))
        .route("/sessions", get(ledger_sessions))
        .route("/jwks", get(jwks))
        .route("/expire", post(expire))
        .route("/clock", post(clock))
        .route(
            "/faults",
            post(faults).layer(Extension(RequestTimeout(config.request_timeout))),
        )
        .route("/state", delete(reset))
        .route("/validate", post(validate))
        .route_layer(middleware::from_fn_with_state(app.clone(), control_gate));
    let control = control.route_layer(middleware::from_fn(json_only));
    let router = Router::new().merge(api);
    let router = if app.dashboard {
        router
            .route(
                "/dashboard",
                get(|| page("text/html; charset=utf-8", DASHBOARD_HTML)),
            )
            .route(
                "/dashboard/app.js",
                get(|| page("text/javascript; charset=utf-8", DASHBOARD_JS)),
            )
            .route(
                "/dashboard/app.css",
                get(|| page("text/css; charset=utf-8", DASHBOARD_CSS)),
            )
    } else {
        router
    };
    router
        .route("/authenticate", post(authenticate))
        .nest("/_emulator", control)
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            config.request_timeout,
        ))
        .layer(layer_fn(frame::layer::<frame::Guard, _>(&app)))
        .layer(layer_fn(frame::ApiCors::layer))
        .layer(layer_fn(frame::layer::<frame::Log, _>(&app)))
        .with_state(app)
}

/// Whether `path` is one of the API routes browsers may call from another origin.
fn is_api(path: &str) -> bool {
    matches!(
        path,
        "/" | "/ping" | "/nonces" | "/sessions" | "/conversations"
    ) || path.starts_with("/sessions/")
        || path.starts_with("/identities/")
}

/// On loopback, a request addressed to another name than this machine's (a page on
/// another origin whose name was rebound to 127.0.0.1): the error to refuse it with.
fn misdirected(app: &App, request: &Request) -> Option<ApiError> {
    let hosts = app.loopback_hosts.as_ref()?;
    // Exactly one Host (RFC 9112 §3.2: two are an error): a second one must not slip by
    // behind a good first.
    let mut given = request.headers().get_all(header::HOST).iter();
    let host = match (given.next(), given.next()) {
        (Some(host), None) => host.to_str().unwrap_or(""),
        _ => "",
    };
    if hosts.iter().any(|h| h.eq_ignore_ascii_case(host)) {
        return None;
    }
    Some(ApiError::new(
        421,
        "misdirected_request",
        112,
        "This service answers only to the loopback names it listens on (127.0.0.1, \
         localhost); the Host header names another."
            .into(),
        json!({}),
    ))
}

/// Control routes take bodies only as JSON: a cross-origin page can then not send one
/// without a preflight, which these routes never grant.
async fn json_only(request: Request, next: Next) -> Answer {
    let has_body = request.method() == Method::POST;
    let is_json = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| {
            // The media type itself, parameters (`; charset=utf-8`) aside: not a prefix,
            // which `application/jsonp` also has.
            let media = t.split(';').next().unwrap_or_default();
            media.trim().eq_ignore_ascii_case("application/json")
        });
    if has_body && !is_json {
        return Err(ApiError::new(
            415,
            "unsupported_media_type",
            113,
            "The test-control routes take JSON bodies: send Content-Type: application/json.".into(),
            json!({"header": "Content-Type"}),
        )
        .into());
    }
    Ok(next.run(request).await)
}

/// Browser clients send credentials: on the API routes, echo the `Origin` (never `*`),
/// allow credentials and the headers the Web SDK sends (3.4.18 adds `client-id` and
/// `layer-xdk-version` to every call, so the browser preflights even `POST /nonces`),
/// expose `Link` and `Layer-Count`.
/// Only the API routes have it ([`frame::ApiCors`]): the control routes, the sample backend
/// and the dashboard get no CORS header at all, so a page of another origin can neither read
/// them nor (their bodies being JSON) preflight them.
fn cors() -> CorsLayer {
    CorsLayer::new()
        .allow_origin(AllowOrigin::mirror_request())
        .allow_credentials(true)
        .allow_methods([
            Method::GET,
            Method::POST,
            Method::DELETE,
            Method::PATCH,
            Method::HEAD,
        ])
        .allow_headers([
            header::ACCEPT,
            header::CONTENT_TYPE,
            header::AUTHORIZATION,
            header::HeaderName::from_static("client-id"),
            header::HeaderName::from_static("layer-xdk-version"),
        ])
        .expose_headers([header::LINK, header::HeaderName::from_static("layer-count")])
}

/// Every error answer in the Layer envelope, including those the HTTP stack makes itself
/// (a timeout's 408, say), which come without a JSON body.
fn envelope_errors(response: Response) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|t| t.as_bytes().starts_with(b"application/json"));
    if status.as_u16() < 400 || is_json {
        return response;
    }
    let error = match status {
        StatusCode::REQUEST_TIMEOUT => ApiError::timeout(),
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::too_large(MAX_BODY),
        other => ApiError::new(
            other.as_u16(),
            "http_error",
            0,
            other.canonical_reason().unwrap_or("HTTP error").to_owned() + ".",
            json!({}),
        ),
    };
    let mut enveloped = Envelope(error).into_response();
    *enveloped.extensions_mut() = response.into_parts().0.extensions;
    enveloped
}

/// Test-control routes: open on loopback, else `Authorization: Bearer <control token>`.
async fn control_gate(State(app): State<App>, request: Request, next: Next) -> Answer {
    if let Some(expected) = &app.control_token {
        let given = request
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or("");
        let same = aws_lc_rs::constant_time::verify_slices_are_equal(
            given.as_bytes(),
            expected.as_bytes(),
        )
        .is_ok();
        if !same {
            return Err(ApiError::control_token_required().into());
        }
    }
    Ok(next.run(request).await)
}

/// The body, at most [`MAX_BODY`] bytes.
async fn body(request: Request) -> Result<Bytes, Envelope> {
    axum::body::to_bytes(request.into_body(), MAX_BODY)
        .await
        .map_err(|error| {
            let source = std::error::Error::source(&error);
            if source.is_some_and(|s| s.is::<http_body_util::LengthLimitError>()) {
                Envelope(ApiError::too_large(MAX_BODY))
            } else if source.is_some_and(|s| s.is::<tower_http::timeout::TimeoutError>()) {
                Envelope(ApiError::timeout())
            } else {
                Envelope(ApiError::invalid_request(
                    "The request body could not be read (a broken chunked encoding?).".into(),
                    None,
                ))
            }
        })
}

/// The session a protected call carries, or the 401 challenge with a fresh nonce.
fn session(app: &App, headers: &HeaderMap) -> Result<crate::service::Session, Envelope> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| wire::session_token(v).ok());
    match token {
        Some(token) => Ok(app.service.authorize(token)?),
        // No usable header: the same challenge as an unknown session, so the SDK can sign in.
        None => Ok(app.service.authorize("")?),
    }
}

async fn nonces(State(app): State<App>) -> Response {
    json(201, &json!({ "nonce": app.service.issue_nonce() }))
}

async fn sessions(State(app): State<App>, request: Request) -> Answer {
    let body = body(request).await?;
    let wanted = wire::session_request(&body)?;
    // RSA verification takes ~15 µs: cheaper inline than a hop to the blocking pool.
    match app
        .service
        .create_session(&wanted.identity_token, &wanted.app_id)
    {
        Ok(session) => Ok(json(201, &json!({ "session_token": session.token }))),
        Err(refusal) => {
            let mut response = Envelope(refusal.error).into_response();
            response.extensions_mut().insert(Reason(refusal.reason));
            Ok(response)
        }
    }
}

async fn delete_session(State(app): State<App>, Path(token): Path<String>) -> Answer {
    app.service.delete_session(&token)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn identity(
    State(app): State<App>,
    Path(user_id): Path<String>,
    headers: HeaderMap,
) -> Answer {
    session(&app, &headers)?;
    let Some(identity) = app.service.identity(&user_id) else {
        return Err(ApiError::not_found(format!(
            "No identity {} is known here (it comes from a sign-in).",
            Value::from(user_id.as_str())
        ))
        .into());
    };
    let base = app.bases.first().map_or("", String::as_str);
    let encoded: String = form_urlencoded::byte_serialize(identity.user_id.as_bytes()).collect();
    Ok(json(
        200,
        &json!({
            "id": format!("layer:///identities/{encoded}"),
            "url": format!("{base}/identities/{encoded}"),
            "user_id": identity.user_id,
            "display_name": identity.display_name,
            "avatar_url": identity.avatar_url,
            "first_name": identity.first_name,
            "last_name": identity.last_name,
            "phone_number": null,
            "email_address": null,
            "public_key": null,
            "metadata": identity.metadata,
            "type": "UserIdentity",
        }),
    ))
}

async fn conversations(State(app): State<App>, headers: HeaderMap) -> Answer {
    session(&app, &headers)?;
    let mut response = json(200, &json!([]));
    response
        .headers_mut()
        .insert("layer-count", HeaderValue::from_static("0"));
    Ok(response)
}

/// The dashboard's page, script and style, built into the binary.
const DASHBOARD_HTML: &str = include_str!("dashboard/index.html");
const DASHBOARD_JS: &str = include_str!("dashboard/app.js");
const DASHBOARD_CSS: &str = include_str!("dashboard/app.css");

/// What the dashboard may load and run: its own script, style and API, nothing else (no
/// inline script, no outside asset, no framing).
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; \
                   img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

async fn page(content_type: &'static str, body: &'static str) -> Response {
    let mut response = Response::new(Body::from(body));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

async fn root(State(app): State<App>, headers: HeaderMap) -> Response {
    let wants_html = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    if wants_html && app.dashboard {
        let mut response = StatusCode::FOUND.into_response();
        response
            .headers_mut()
            .insert(header::LOCATION, HeaderValue::from_static("/dashboard"));
        return response;
    }
    let base = app.bases.first().cloned().unwrap_or_default();
    let link = ["nonces", "sessions", "conversations", "identities"]
        .map(|rel| format!("<{base}/{rel}>; rel={rel}"))
        .join(", ");
    let mut response = json(200, &json!({}));
    if let Ok(value) = HeaderValue::from_str(&link) {
        response.headers_mut().insert(header::LINK, value);
    }
    response
}

async fn ping() -> StatusCode {
    StatusCode::NO_CONTENT
}

async fn authenticate(State(app): State<App>, request: Request) -> Answer {
    let Some(backend) = app.backend.clone() else {
        return Err(ApiError::not_found(
            "This service has no sample backend: it was given only public keys, so it cannot \
             sign. Start it with --key (or with no key at all) to get one."
                .into(),
        )
        .into());
    };
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = body(request).await?;
    let wanted = wire::authenticate_request(content_type.as_deref(), &body)?;
    // Only for this service's own nonces: the sample backend must never mint a token that
    // another service (the real Layer, say) would take.
    if app.service.nonce_state(&wanted.nonce) != crate::service::NonceState::Issued {
        return Err(ApiError::invalid_property(
            "nonce",
            "The sample backend signs only over a nonce this service issued, unused and under \
             ten minutes old."
                .into(),
        )
        .into());
    }
    let now = app.service.clock().now().timestamp();
    let request =
        backend
            .template
            .request(&wanted.user_id, &wanted.nonce, now, serde_json::Map::new());
    match token::sign(&request, &backend.key) {
        Ok(token) => Ok(json(200, &json!({ "identity_token": token }))),
        Err(error) => {
            Err(ApiError::invalid_property("user_id", format!("Cannot sign: {error}.")).into())
        }
    }
}

async fn health(State(app): State<App>) -> Response {
    let config = app.service.config();
    let key_ids: Vec<&str> = config.keys.keys().iter().filter_map(|k| k.kid()).collect();
    let keys: Vec<Value> = config
        .keys
        .keys()
        .iter()
        .map(|k| json!({"kid": k.kid(), "bits": k.public_key().bits(), "thumbprint": k.thumbprint()}))
        .collect();
    json(
        200,
        &json!({
            "ready": true,
            "version": env!("CARGO_PKG_VERSION"),
            "app_id": config.app_id,
            "provider_id": config.provider_id,
            "key_ids": key_ids,
            "keys": keys,
            "session_ttl_seconds": config.session_ttl.num_seconds(),
            "sample_backend": app.backend.is_some(),
            "now": app.service.clock().now(),
        }),
    )
}

/// The dashboard's validation tool: a pasted token, cleaned (and what was taken off
/// named), judged by the service with the nonce and user expected, when given.
async fn validate(State(app): State<App>, request: Request) -> Answer {
    let body = body(request).await?;
    let (pasted, nonce, user) = wire::validate_request(&body)?;
    let (token, stripped) = wire::pasted_token(&pasted);
    let expect = crate::checks::Expect {
        nonce,
        user,
        ..crate::checks::Expect::default()
    };
    let report = app.service.validate(&token, expect);
    #[derive(serde::Serialize)]
    struct Validated<'a> {
        stripped: &'a [&'a str],
        token: &'a str,
        report: &'a crate::checks::Report,
    }
    Ok(json_of(
        200,
        &Validated {
            stripped: &stripped,
            token: &token,
            report: &report,
        },
    ))
}

/// Most attempts one `GET /_emulator/attempts` returns; ask again with `?since=` for more.
const ATTEMPTS_PAGE: usize = 100;

async fn attempts(State(app): State<App>, RawQuery(query): RawQuery) -> Answer {
    let since = wire::attempts_since(query.as_deref())?;
    let mut page = app.service.attempts(since);
    page.truncate(ATTEMPTS_PAGE);
    Ok(json_of(200, &page))
}

async fn ledger_nonces(State(app): State<App>) -> Response {
    let now = app.service.clock().now();
    let entries: Vec<Value> = app
        .service
        .nonces()
        .into_iter()
        .map(|n| {
            let state = if n.used_at.is_some() {
                "used"
            } else if now - n.issued_at >= crate::service::NONCE_TTL {
                "expired"
            } else {
                "issued"
            };
            json!({"nonce": n.nonce, "issued_at": n.issued_at, "used_at": n.used_at, "state": state})
        })
        .collect();
    json(200, &Value::Array(entries))
}

async fn ledger_sessions(State(app): State<App>) -> Response {
    let now = app.service.clock().now();
    let entries: Vec<Value> = app
        .service
        .sessions()
        .into_iter()
        .map(|s| {
            json!({
                "session_token": s.token, "user": s.user, "created_at": s.created_at,
                "expires_at": s.expires_at, "expired": now >= s.expires_at,
            })
        })
        .collect();
    json(200, &Value::Array(entries))
}

async fn jwks(State(app): State<App>) -> Response {
    let keys: Vec<Value> = app
        .service
        .config()
        .keys
        .keys()
        .iter()
        .map(|k| k.public_key().to_jwk(k.kid().map(str::to_owned)))
        .collect();
    json(200, &json!({ "keys": keys }))
}

async fn expire(State(app): State<App>, request: Request) -> Answer {
    let body = body(request).await?;
    let which = wire::expiry(&body)?;
    Ok(json(200, &json!({ "expired": app.service.expire(&which) })))
}

async fn clock(State(app): State<App>, request: Request) -> Answer {
    let body = body(request).await?;
    let by = wire::clock_advance(&body)?;
    Ok(json(200, &json!({ "now": app.service.advance(by) })))
}

/// How long a request may take in all ([`ServerConfig::request_timeout`]), for the routes
/// that must stay within it.
#[derive(Debug, Clone, Copy)]
struct RequestTimeout(Duration);

async fn faults(
    State(app): State<App>,
    Extension(RequestTimeout(limit)): Extension<RequestTimeout>,
    request: Request,
) -> Answer {
    let body = body(request).await?;
    let fault = wire::fault(&body)?;
    // The delay runs inside the request's time limit: one as long would end the call in a
    // 408 that blames the client, never in the fault that was asked for.
    if fault.delay.is_some_and(|delay| delay >= limit) {
        return Err(ApiError::invalid_property(
            "delay",
            format!(
                "delay must be shorter than {}, the time serve gives a request in all: a \
                 longer one would end the call in 408 request_timeout, not in the fault.",
                humantime::format_duration(limit)
            ),
        )
        .into());
    }
    let shown = json!({"route": fault.route, "status": fault.status, "times": fault.times,
        "delay_ms": fault.delay.map(|d| d.as_millis() as u64)});
    app.service.add_fault(fault);
    Ok(json(201, &shown))
}

async fn reset(State(app): State<App>) -> StatusCode {
    app.service.reset();
    StatusCode::NO_CONTENT
}

async fn not_found(uri: Uri) -> Envelope {
    Envelope(ApiError::not_found(format!(
        "There is no route {}.",
        Value::from(uri.path())
    )))
}

async fn method_not_allowed(method: Method, uri: Uri) -> Envelope {
    Envelope(ApiError::method_not_allowed(method.as_str(), uri.path()))
}

/// The Web SDK's base-URL prefix taken off the path, before routing: `/http://HOST/…` where
/// HOST is this server (the request's `Host`, or one of its own base URLs).
fn strip_sdk_prefix(mut request: Request, bases: &[String]) -> Request {
    let path = request.uri().path();
    if !path.starts_with("/http") {
        return request;
    }
    let mut own = bases.to_vec();
    if let Some(host) = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
    {
        own.push(format!("http://{host}"));
        own.push(format!("https://{host}"));
    }
    let Some(rest) = wire::strip_own_prefix(path, &own) else {
        return request;
    };
    let target = match request.uri().query() {
        Some(query) => format!("{rest}?{query}"),
        None => rest.to_owned(),
    };
    if let Ok(uri) = target.parse::<Uri>() {
        *request.uri_mut() = uri;
    }
    request
}

/// The longest request head taken, request line and fields, in bytes (longer is `431`).
pub const MAX_HEAD: usize = 64 * 1024;

/// Serves `router` on `listener` until `shutdown` completes; then stops accepting, lets
/// requests in flight finish for at most the grace period, and returns.
///
/// # Errors
/// The listener failing for good (not a single connection's trouble).
pub async fn serve(
    listener: std::net::TcpListener,
    app: App,
    config: ServerConfig,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    listener.set_nonblocking(true)?;
    let listener = TcpListener::from_std(listener)?;
    let bases = Arc::clone(&app.bases);
    let router = router(app, &config);
    let service = tower::service_fn(move |request: Request<hyper::body::Incoming>| {
        let request = strip_sdk_prefix(request.map(Body::new), &bases);
        router.clone().oneshot(request)
    });
    let graceful = GracefulShutdown::new();
    let permits = Arc::new(Semaphore::new(config.max_connections.max(1)));
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(config.header_timeout)
        // The read buffer alone bounds a head only roughly (one read may take more than
        // it): the head's own limit is exact. Fields are hyper's 100 at most (on the stack).
        .max_buf_size(MAX_HEAD)
        .max_header_size(MAX_HEAD)
        .keep_alive(true);
    tokio::pin!(shutdown);
    let mut next_worker = 0_usize;
    loop {
        let permit = tokio::select! {
            () = &mut shutdown => break,
            permit = Arc::clone(&permits).acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
        };
        let (stream, _peer): (_, SocketAddr) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                // Out of file descriptors and the like: wait a moment, keep serving.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let serve_one = {
            let (http, service, config) = (http.clone(), service.clone(), config.clone());
            let watcher = graceful.watcher();
            move |stream: tokio::net::TcpStream| async move {
                let mut stream = tokio_io_timeout::TimeoutStream::new(stream);
                stream.set_write_timeout(Some(config.write_timeout));
                stream.set_read_timeout(Some(config.idle_timeout));
                let connection = http.serve_connection(
                    TokioIo::new(Box::pin(stream)),
                    TowerToHyperService::new(service),
                );
                let _ = watcher.watch(connection).await;
                drop(permit);
            }
        };
        if config.workers.is_empty() {
            tokio::spawn(serve_one(stream));
            continue;
        }
        // The stream moves to the worker's own reactor, or its readiness would still be
        // polled here.
        let Ok(stream) = stream.into_std() else {
            continue;
        };
        let worker = &config.workers[next_worker % config.workers.len()];
        next_worker = next_worker.wrapping_add(1);
        worker.spawn(async move {
            if let Ok(stream) = tokio::net::TcpStream::from_std(stream) {
                serve_one(stream).await;
            }
        });
    }
    drop(listener);
    let _ = tokio::time::timeout(config.shutdown_grace, graceful.shutdown()).await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::{Clock, ServiceConfig};
    use rand::SeedableRng as _;

    fn app(control_token: Option<String>) -> Router {
        app_with(control_token, &ServerConfig::default())
    }

    fn app_with(control_token: Option<String>, config: &ServerConfig) -> Router {
        let service = Service::new(
            ServiceConfig {
                app_id: "layer:///apps/staging/x".into(),
                keys: crate::keys::KeySet::default(),
                provider_id: None,
                session_ttl: chrono::TimeDelta::minutes(1),
            },
            Clock::fixed(chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default()),
            Box::new(rand::rngs::StdRng::seed_from_u64(1)),
        );
        let app = App::new(
            Arc::new(service),
            None,
            vec!["http://127.0.0.1:7777".into()],
            control_token,
            Arc::new(|_| {}),
        );
        router(app, config)
    }

    async fn status(router: Router, path: &str, bearer: Option<&str>) -> u16 {
        let mut request = axum::http::Request::get(path);
        if let Some(token) = bearer {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let response = router
            .oneshot(request.body(Body::empty()).unwrap_or_default())
            .await
            .unwrap_or_else(|e| match e {});
        response.status().as_u16()
    }

    async fn call(router: &Router, method: &str, path: &str, body: &str) -> (u16, Value) {
        let request = axum::http::Request::builder()
            .method(method)
            .uri(path)
            .header(header::ACCEPT, "application/vnd.layer+json; version=3.0")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_owned()))
            .unwrap_or_default();
        let response = router
            .clone()
            .oneshot(request)
            .await
            .unwrap_or_else(|e| match e {});
        let status = response.status().as_u16();
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap_or_default();
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }

    #[tokio::test]
    async fn an_injected_delay_stays_within_the_request_time_limit() {
        let config = ServerConfig {
            request_timeout: Duration::from_secs(1),
            ..ServerConfig::default()
        };
        let router = app_with(None, &config);
        let arm = |delay: &str| {
            let fault = format!(r#"{{"route":"POST /nonces","delay":"{delay}"}}"#);
            let router = router.clone();
            async move { call(&router, "POST", "/_emulator/faults", &fault).await }
        };
        // As long as the limit: refused, naming it, rather than a 408 blaming the client.
        let (status, body) = arm("1s").await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(body["data"]["property"], "delay", "{body}");
        let message = body["message"].as_str().unwrap_or_default();
        assert!(message.contains("shorter than 1s"), "{message}");
        // Just under it: armed, and the call is slowed, then answered.
        let (status, body) = arm("300ms").await;
        assert_eq!(status, 201, "{body}");
        let started = std::time::Instant::now();
        let (status, body) = call(&router, "POST", "/nonces", "").await;
        assert_eq!(status, 201, "{body}");
        assert!(body["nonce"].is_string(), "{body}");
        assert!(started.elapsed() >= Duration::from_millis(300));
    }

    #[tokio::test]
    async fn off_loopback_the_control_routes_need_the_bearer_token_and_a_wrong_one_reveals_nothing()
    {
        let token = Some("s3cret".to_owned());
        assert_eq!(
            status(app(token.clone()), "/_emulator/health", None).await,
            401
        );
        assert_eq!(
            status(app(token.clone()), "/_emulator/health", Some("wrong")).await,
            401
        );
        assert_eq!(
            status(app(token.clone()), "/_emulator/attempts", Some("s3cre")).await,
            401
        );
        assert_eq!(
            status(app(token.clone()), "/_emulator/health", Some("s3cret")).await,
            200
        );
        assert_eq!(status(app(None), "/_emulator/health", None).await, 200);
        // The API itself needs no control token.
        assert_eq!(status(app(token), "/ping", None).await, 204);
    }
}
