//! The layers every request passes through, written as plain tower services: axum's
//! `from_fn` clones the whole stack inside it for every request (about a fifth of what a
//! request that does nothing costs), and these need no await before calling in (but for
//! an injected delay, which clones).

use std::convert::Infallible;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use axum::extract::Request;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse as _, Response};
use tower::{Layer as _, ServiceExt as _};
use tower_http::cors::Cors;

use super::{App, Envelope, Reason, RequestEvent, cors, envelope_errors, is_api, misdirected};
use crate::service::Service as LayerService;

type Answering = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

/// What a layer wraps: axum's routes and layers, always ready, never failing.
pub(super) trait Inner:
    tower::Service<Request, Response = Response, Error = Infallible, Future: Send + 'static>
    + Clone
    + Send
    + 'static
{
}

impl<S> Inner for S where
    S: tower::Service<Request, Response = Response, Error = Infallible, Future: Send + 'static>
        + Clone
        + Send
        + 'static
{
}

/// One of the layers: what it does with a request and the service inside it.
pub(super) trait Stage: 'static {
    fn call<S: Inner>(app: &App, inner: &mut S, request: Request) -> Answering;
}

/// `K` over the service `S`, with the app.
pub(super) struct Frame<S, K> {
    inner: S,
    app: App,
    stage: PhantomData<fn() -> K>,
}

impl<S: Clone, K> Clone for Frame<S, K> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
            app: self.app.clone(),
            stage: PhantomData,
        }
    }
}

impl<S: Inner, K: Stage> tower::Service<Request> for Frame<S, K> {
    type Response = Response;
    type Error = Infallible;
    type Future = Answering;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        K::call(&self.app, &mut self.inner, request)
    }
}

/// The layer that puts `K` over a service.
pub(super) fn layer<K: Stage, S>(app: &App) -> impl Fn(S) -> Frame<S, K> + Clone + use<K, S> {
    let app = app.clone();
    move |inner| Frame {
        inner,
        app: app.clone(),
        stage: PhantomData,
    }
}

fn answered(response: Response) -> Answering {
    Box::pin(async move { Ok(response) })
}

/// The request log, outermost, so that it shows the CORS preflights too: a browser that
/// refuses a call after its preflight never sends the call itself. One [`RequestEvent`]
/// per request, with a refused sign-in's reason.
pub(super) struct Log;

impl Stage for Log {
    fn call<S: Inner>(app: &App, inner: &mut S, request: Request) -> Answering {
        let started = Instant::now();
        let method = request.method().to_string();
        let path = request.uri().path().to_owned();
        let on_event = Arc::clone(&app.on_event);
        let answer = inner.call(request);
        Box::pin(async move {
            let mut response = answer.await?;
            let reason = response.extensions_mut().remove::<Reason>().map(|r| r.0);
            on_event(RequestEvent {
                method,
                path,
                status: response.status().as_u16(),
                elapsed: started.elapsed(),
                reason,
            });
            Ok(response)
        })
    }
}

/// CORS on the API routes alone. Any other route (the control routes, the sample backend,
/// the dashboard, an unknown path) answers without a CORS header, and a preflight to it goes
/// on to the route like any request, which answers `405` (or `404`) in the envelope: a page
/// of another origin learns nothing there, not even which methods a route takes.
#[derive(Clone)]
pub(super) struct ApiCors<S> {
    cors: Cors<S>,
    plain: S,
}

impl<S: Inner> ApiCors<S> {
    /// The layer, put over every route.
    pub(super) fn layer(inner: S) -> Self {
        Self {
            cors: cors().layer(inner.clone()),
            plain: inner,
        }
    }
}

impl<S: Inner> tower::Service<Request> for ApiCors<S> {
    type Response = Response;
    type Error = Infallible;
    type Future = Answering;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.plain.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        // Inside a nested router the URI has lost its prefix; the original has it.
        let original = request.extensions().get::<axum::extract::OriginalUri>();
        if is_api(original.map_or(request.uri().path(), |o| o.0.path())) {
            Box::pin(self.cors.call(request))
        } else {
            Box::pin(self.plain.call(request))
        }
    }
}

/// Inside CORS: on loopback, a request addressed to another name (a page whose name was
/// rebound to 127.0.0.1) is refused before routing; and every error answer goes out in
/// the Layer envelope, those the HTTP stack makes itself included.
pub(super) struct Guard;

impl Stage for Guard {
    fn call<S: Inner>(app: &App, inner: &mut S, request: Request) -> Answering {
        if let Some(error) = misdirected(app, &request) {
            return answered(Envelope(error).into_response());
        }
        let answer = inner.call(request);
        Box::pin(async move { Ok(envelope_errors(answer.await?)) })
    }
}

/// Whether the request's `Accept` lines ask for Layer's media type. RFC 9110 §5.3 reads
/// several lines as one comma-joined list; each line is judged as a list of its own here,
/// which is the same for well-formed lines and keeps one broken line (an unclosed quote,
/// a byte that is not text) from spoiling a good one.
fn accepts_layer(headers: &HeaderMap) -> Result<(), crate::service::ApiError> {
    let accepted = headers
        .get_all(header::ACCEPT)
        .iter()
        .any(|line| LayerService::check_accept(line.to_str().ok()).is_ok());
    if accepted {
        Ok(())
    } else {
        LayerService::check_accept(None)
    }
}

/// The API routes: the `Accept` header they need, then the fault a test injected for the
/// route, if any (a delay, an error, or both), before anything is processed.
pub(super) struct Gate;

impl Stage for Gate {
    fn call<S: Inner>(app: &App, inner: &mut S, request: Request) -> Answering {
        if let Err(error) = accepts_layer(request.headers()) {
            return answered(Envelope(error).into_response());
        }
        let (method, path) = (request.method().as_str(), request.uri().path());
        let Some(fault) = app.service.take_fault(method, path) else {
            return Box::pin(inner.call(request));
        };
        let (app, inner) = (app.clone(), inner.clone());
        Box::pin(async move {
            if let Some(delay) = fault.delay {
                tokio::time::sleep(delay).await;
            }
            if fault.status.is_some() {
                return Ok(Envelope(app.service.fault_error(&fault)).into_response());
            }
            inner.oneshot(request).await
        })
    }
}
