//! `layer-auth serve`: the Layer service of SPEC §2 over HTTP, with a sample backend and
//! test control, for apps and CI to sign in against.

use std::io::Write as _;
use std::net::{SocketAddr, ToSocketAddrs as _};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context as _;
use chrono::TimeDelta;
use clap::{Args, ValueEnum};
use layer_auth::http::server::{self, App, RequestEvent, SampleBackend, ServerConfig};
use layer_auth::ids::random_uuid;
use layer_auth::keys::{KeySet, SigningKey, VerifyingKey};
use layer_auth::output::{Paint, escape};
use layer_auth::service::{Clock, SavedState, Service, ServiceConfig};
use layer_auth::time::human;
use layer_auth::token::{TokenTemplate, Typ};

use super::Outcome;
use crate::args::{ClockArgs, IdArgs, KeyArgs, WeakKeyArgs, parse_duration};
use crate::{keysource, term};

const EXAMPLES: &str = "Examples:
  layer-auth serve                           # ephemeral key, sample backend
  layer-auth serve --listen 127.0.0.1:0 -- ./run-integration-tests.sh
  layer-auth serve --public-key backend.pub.pem --key-id \"$LAYER_KEY_ID\" \\
      --provider-id \"$LAYER_PROVIDER_ID\" --state layer-state.json";

/// Run a Layer-compatible service over HTTP that apps, SDKs and tests can sign in to.
///
/// Prints its base URL as the one line of stdout once it listens, a banner on stderr, then
/// one line per request. Strict like the real service: a token must name a registered key
/// (kid) and the provider (iss), pass every check of the token format, and carry a nonce
/// issued here, unused and under ten minutes old; there is no leeway. With no key given it
/// makes one up, with ids, and its sample backend (POST /authenticate) signs with it.
/// /_emulator/ routes show the attempts (with full reports) and ledgers, and expire
/// sessions, move the clock, inject faults and reset, and /dashboard shows it all in a
/// browser, with a token validation tool; they are open on a loopback address and need a
/// bearer token elsewhere. `-- CMD ARGS…` runs CMD with LAYER_URL, LAYER_APP_ID,
/// LAYER_PROVIDER_ID and LAYER_KEY_ID set, then stops and exits with CMD's status.
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct ServeArgs {
    /// Where to listen (port 0 picks a free one).
    #[arg(long, default_value = "127.0.0.1:7777", value_name = "ADDR")]
    pub listen: String,

    /// Register a public key (repeatable): PEM, JWK or JWKS. A PEM is registered under
    /// --key-id (or a made-up id).
    #[arg(long, value_name = "PATH", allow_hyphen_values = true)]
    pub public_key: Vec<PathBuf>,

    #[command(flatten)]
    pub key: KeyArgs,

    #[command(flatten)]
    pub weak: WeakKeyArgs,

    #[command(flatten)]
    pub ids: IdArgs,

    /// The app id clients must present (default: made up, printed).
    #[arg(long, value_name = "ID", allow_hyphen_values = true)]
    pub app_id: Option<String>,

    /// How long a session lasts before the 401 challenge.
    #[arg(long, default_value = "1h", value_parser = parse_duration, value_name = "DURATION")]
    pub session_ttl: TimeDelta,

    /// Load nonces, sessions and attempts from FILE at start; write them back at exit.
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,

    /// Make nonces, session tokens and made-up ids reproducible (tests only).
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,

    /// How request lines are written on stderr.
    #[arg(long, value_enum, default_value_t = LogFormat::Text, value_name = "FORMAT")]
    pub log_format: LogFormat,

    /// The bearer token /_emulator/ needs when not on loopback (default: random, printed).
    #[arg(
        long,
        env = "LAYER_AUTH_CONTROL_TOKEN",
        hide_env_values = true,
        value_name = "TOKEN"
    )]
    pub control_token: Option<String>,

    /// Most connections open at once.
    #[arg(long, default_value_t = 1024, value_name = "N")]
    pub max_connections: usize,

    /// Serve no /dashboard page (the API answers exactly the same).
    #[arg(long)]
    pub no_dashboard: bool,

    #[command(flatten)]
    pub clock: ClockArgs,

    /// A command to run against the service; serve exits with its status.
    #[arg(last = true, value_name = "CMD")]
    pub command: Vec<String>,
}

/// `--log-format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// One line per request for people.
    Text,
    /// One JSON object per request.
    Json,
}

/// The service as set up, before it listens.
struct Setup {
    service: Arc<Service>,
    backend: Option<SampleBackend>,
    keys: Vec<String>,
    key_id: String,
    provider_id: String,
}

pub fn run(args: &ServeArgs, paint: Paint) -> anyhow::Result<Outcome> {
    let listener = listen(&args.listen)?;
    let local = listener.local_addr()?;
    let mut setup = setup(args, paint)?;
    if let Some(path) = &args.state {
        restore(&setup.service, path)?;
    }
    let base = base_url(local);
    let control_token = control_token(args, local, paint)?;
    print_url(&base)?;
    banner(args, &setup, &base, local, control_token.as_deref(), paint);
    let app = app(args, &mut setup, &base, local, control_token, paint);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the server's runtime")?;
    let workers = Workers::start()?;
    let config = ServerConfig {
        max_connections: args.max_connections,
        workers: workers.handles.clone(),
        ..ServerConfig::default()
    };
    let env = ChildEnv::new(base, &setup);
    let status = runtime.block_on(serve_until_done(listener, app, config, &args.command, env));
    drop(workers);
    let status = status?;
    if let Some(path) = &args.state {
        save(&setup.service, path)?;
    }
    Ok(status)
}

/// The HTTP application over the service: the URLs it answers as, its control token, its
/// log, the dashboard unless `--no-dashboard`, and on loopback only loopback `Host`s.
fn app(
    args: &ServeArgs,
    setup: &mut Setup,
    base: &str,
    local: SocketAddr,
    control_token: Option<String>,
    paint: Paint,
) -> App {
    let app = App::new(
        Arc::clone(&setup.service),
        setup.backend.take(),
        vec![base.to_owned(), base.replace("127.0.0.1", "localhost")],
        control_token,
        on_event(args.log_format, paint),
    );
    let app = if args.no_dashboard {
        app.without_dashboard()
    } else {
        app
    };
    if local.ip().is_loopback() {
        app.only_for_hosts(loopback_hosts(local))
    } else {
        app
    }
}

/// One current-thread runtime per core, each on a thread of its own, for the connections
/// to live on: a connection's requests then never hop between threads. Dropped, they stop
/// (dropping whatever connections outlived the shutdown's grace period).
struct Workers {
    handles: Vec<tokio::runtime::Handle>,
    stops: Vec<tokio::sync::oneshot::Sender<()>>,
    threads: Vec<std::thread::JoinHandle<()>>,
}

impl Workers {
    fn start() -> anyhow::Result<Self> {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        let mut workers = Self {
            handles: Vec::new(),
            stops: Vec::new(),
            threads: Vec::new(),
        };
        for n in 0..cores {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .context("cannot start the server's runtime")?;
            let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
            workers.handles.push(runtime.handle().clone());
            workers.stops.push(stop);
            let thread = std::thread::Builder::new()
                .name(format!("serve-{n}"))
                .spawn(move || {
                    let _ = runtime.block_on(stopped);
                })
                .context("cannot start the server's threads")?;
            workers.threads.push(thread);
        }
        Ok(workers)
    }
}

impl Drop for Workers {
    fn drop(&mut self) {
        for stop in self.stops.drain(..) {
            let _ = stop.send(());
        }
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

/// A listener bound to `--listen`.
fn listen(text: &str) -> anyhow::Result<std::net::TcpListener> {
    let addr = listen_addr(text)?;
    std::net::TcpListener::bind(addr).with_context(|| format!("cannot listen on {addr}"))
}

/// `--listen`: an address, or a name to resolve (`localhost:7777`).
fn listen_addr(text: &str) -> anyhow::Result<SocketAddr> {
    text.to_socket_addrs()
        .ok()
        .and_then(|mut addrs| addrs.next())
        .with_context(|| {
            format!(
                "--listen {}: give HOST:PORT, e.g. 127.0.0.1:7777 (port 0 picks one)",
                escape(text)
            )
        })
}

/// The URL clients use: the bound address, with 127.0.0.1 for a wildcard one.
fn base_url(local: SocketAddr) -> String {
    let ip = match local.ip() {
        ip if ip.is_unspecified() => "127.0.0.1".to_owned(),
        std::net::IpAddr::V6(v6) => format!("[{v6}]"),
        ip => ip.to_string(),
    };
    format!("http://{ip}:{}", local.port())
}

/// The `Host` values a loopback listener answers to: its address, `localhost`, and the
/// other loopback spellings, with its port (and without, as some clients send it).
fn loopback_hosts(local: SocketAddr) -> Vec<String> {
    let port = local.port();
    let mut hosts = Vec::new();
    for name in [
        local.ip().to_string(),
        "localhost".into(),
        "127.0.0.1".into(),
        "[::1]".into(),
    ] {
        let name = match local.ip() {
            std::net::IpAddr::V6(v6) if name == v6.to_string() => format!("[{v6}]"),
            _ => name,
        };
        hosts.push(format!("{name}:{port}"));
        hosts.push(name);
    }
    hosts
}

/// The token the control routes need: none on loopback; given, or random, elsewhere.
fn control_token(
    args: &ServeArgs,
    local: SocketAddr,
    paint: Paint,
) -> anyhow::Result<Option<String>> {
    if local.ip().is_loopback() {
        return Ok(None);
    }
    term::warn(
        paint,
        &format!(
            "listening on {local}, reachable from other machines: /_emulator/ needs \
             Authorization: Bearer <control token>"
        ),
    );
    let given = args.control_token.clone().filter(|t| !t.is_empty());
    if let Some(token) = given {
        return Ok(Some(token));
    }
    let mut rng = crate::args::rng(None)?;
    let token = format!("{}{}", random_uuid(&mut rng), random_uuid(&mut rng));
    Ok(Some(token.replace('-', "")))
}

fn print_url(base: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{base}")?;
    out.flush()?;
    Ok(())
}

/// Keys, ids, the service and its sample backend, from the arguments.
fn setup(args: &ServeArgs, paint: Paint) -> anyhow::Result<Setup> {
    let mut rng = service_rng(args, paint)?;
    let ids = Ids::from_args(args, rng.as_mut());
    let (signing, mut keys, mut shown) = signing_key(args, &ids.key_id, paint)?;
    let named = public_keys(args, &ids.key_id, signing.is_none(), rng.as_mut(), paint)?;
    shown.extend(named.iter().map(|key| key.describe().to_owned()));
    keys.extend(named);
    let backend = signing.map(|key| sample_backend(key, &ids));
    let config = ServiceConfig {
        app_id: ids.app_id,
        keys: KeySet::new(keys),
        provider_id: Some(ids.provider_id.clone()),
        session_ttl: args.session_ttl,
    };
    let clock = Clock::new(args.clock.source());
    Ok(Setup {
        service: Arc::new(Service::new(config, clock, rng)),
        backend,
        keys: shown,
        key_id: ids.key_id,
        provider_id: ids.provider_id,
    })
}

/// The service's randomness: from `--seed` (with a warning: it makes nonces, tokens and ids
/// predictable), else from the system.
fn service_rng(args: &ServeArgs, paint: Paint) -> anyhow::Result<Box<dyn rand::Rng + Send>> {
    if let Some(seed) = args.seed {
        term::warn(
            paint,
            &format!(
                "--seed {seed}: nonces, session tokens and made-up ids are predictable; for tests only"
            ),
        );
    }
    Ok(Box::new(crate::args::rng(args.seed)?))
}

/// The sample backend: tokens signed with `key` for the service's ids, for 10 minutes.
fn sample_backend(key: SigningKey, ids: &Ids) -> SampleBackend {
    SampleBackend {
        key,
        template: TokenTemplate {
            key_id: ids.key_id.clone(),
            provider_id: ids.provider_id.clone(),
            typ: Typ::Jws,
            ttl: 600,
            extra: serde_json::Map::new(),
        },
    }
}

/// The service's ids: as given, or made up.
struct Ids {
    key_id: String,
    provider_id: String,
    app_id: String,
}

impl Ids {
    fn from_args(args: &ServeArgs, rng: &mut (dyn rand::Rng + Send)) -> Self {
        let mut made_up = |prefix: &str| format!("{prefix}{}", random_uuid(&mut *rng));
        Self {
            key_id: args
                .ids
                .key_id()
                .unwrap_or_else(|| made_up("layer:///keys/")),
            provider_id: args
                .ids
                .provider_id()
                .unwrap_or_else(|| made_up("layer:///providers/")),
            app_id: args
                .app_id
                .clone()
                .filter(|a| !a.is_empty())
                .unwrap_or_else(|| made_up("layer:///apps/staging/")),
        }
    }
}

/// The `--public-key` keys, each with an id: its own (JWK), `key_id` for the first without
/// one when no signing key took it, else a made-up one.
fn public_keys(
    args: &ServeArgs,
    key_id: &str,
    key_id_free: bool,
    rng: &mut (dyn rand::Rng + Send),
    paint: Paint,
) -> anyhow::Result<Vec<VerifyingKey>> {
    let loaded = keysource::public_keys(&args.public_key)?;
    term::warnings(paint, &loaded.warnings);
    let mut first_unnamed = key_id_free;
    let mut named = Vec::with_capacity(loaded.value.len());
    for key in loaded.value {
        if key.kid().is_some() {
            named.push(key);
            continue;
        }
        let id = if std::mem::take(&mut first_unnamed) {
            key_id.to_owned()
        } else {
            format!("layer:///keys/{}", random_uuid(&mut *rng))
        };
        named.push(VerifyingKey::new(key.public_key().clone(), Some(id))?);
    }
    Ok(named)
}

/// The sample backend's key: `--key` (or the environment), else an ephemeral one when no
/// `--public-key` is given; its public half registered under `key_id`.
fn signing_key(
    args: &ServeArgs,
    key_id: &str,
    paint: Paint,
) -> anyhow::Result<(Option<SigningKey>, Vec<VerifyingKey>, Vec<String>)> {
    let key = if args.key.is_configured() {
        let loaded = keysource::signing_key(&args.key, args.weak.weak_keys())?;
        term::warnings(paint, &loaded.warnings);
        Some((loaded.value, "your key"))
    } else if args.public_key.is_empty() {
        Some((SigningKey::generate(2048)?, "ephemeral"))
    } else {
        None
    };
    let Some((key, kind)) = key else {
        return Ok((None, Vec::new(), Vec::new()));
    };
    let public = VerifyingKey::new(key.public_key().clone(), Some(key_id.to_owned()))?;
    let shown = format!("{} ({kind})", public.describe());
    Ok((Some(key), vec![public], vec![shown]))
}

/// The service's URL, ids, keys, backend, control and sessions, for people on stderr.
fn banner(
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
fn backend_row(setup: &Setup, base: &str) -> String {
    if setup.backend.is_some() {
        format!("{base}/authenticate (POST {{\"user_id\", \"nonce\"}})")
    } else {
        "none (only public keys were given)".to_owned()
    }
}

/// The banner's control row: the control routes, and what opens them.
fn control_row(base: &str, local: SocketAddr, control_token: Option<&str>) -> String {
    match control_token {
        None => format!("{base}/_emulator/ (open: {} is loopback)", local.ip()),
        Some(token) => format!("{base}/_emulator/ (Authorization: Bearer {token})"),
    }
}

/// A path as the log shows it: a session token in it cut to its first 8 characters (it is
/// a bearer credential, and logs travel).
fn logged_path(path: &str) -> String {
    match path.strip_prefix("/sessions/") {
        Some(token) if token.chars().count() > 8 => {
            format!("/sessions/{}…", token.chars().take(8).collect::<String>())
        }
        _ => path.to_owned(),
    }
}

/// How request lines reach stderr.
fn on_event(format: LogFormat, paint: Paint) -> server::OnEvent {
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
fn json_line(event: &RequestEvent, ms: f64) -> String {
    serde_json::json!({
        "method": escape(&event.method), "path": escape(&event.path),
        "status": event.status, "ms": (ms * 1000.0).round() / 1000.0,
        "reason": event.reason,
    })
    .to_string()
}

/// A request as a line for people: method, path, status coloured by class, time, reason.
fn text_line(event: RequestEvent, ms: f64, paint: Paint) -> String {
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

/// What a `-- CMD` gets in its environment.
struct ChildEnv {
    url: String,
    app_id: String,
    provider_id: String,
    key_id: String,
}

impl ChildEnv {
    /// The service's URL and ids.
    fn new(url: String, setup: &Setup) -> Self {
        Self {
            url,
            app_id: setup.service.config().app_id.clone(),
            provider_id: setup.provider_id.clone(),
            key_id: setup.key_id.clone(),
        }
    }
}

/// Serves until a signal, or until `command` (when given) exits.
async fn serve_until_done(
    listener: std::net::TcpListener,
    app: App,
    config: ServerConfig,
    command: &[String],
    env: ChildEnv,
) -> anyhow::Result<Outcome> {
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(server::serve(listener, app, config, async move {
        let _ = stop_rx.await;
    }));
    let outcome = match command.split_first() {
        None => {
            signal().await;
            Outcome::Done
        }
        Some((program, rest)) => run_child(program, rest, &env).await?,
    };
    let _ = stop_tx.send(());
    server
        .await
        .context("the server stopped unexpectedly")?
        .context("the server failed")?;
    Ok(outcome)
}

/// SIGINT or SIGTERM.
async fn signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let (Ok(mut interrupt), Ok(mut terminate)) = (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        ) else {
            return std::future::pending().await;
        };
        tokio::select! {
            _ = interrupt.recv() => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Runs the command with the service's URL and ids; its exit status becomes ours (a signal
/// to serve stops it first).
async fn run_child(program: &str, rest: &[String], env: &ChildEnv) -> anyhow::Result<Outcome> {
    let mut child = tokio::process::Command::new(program)
        .args(rest)
        .env("LAYER_URL", &env.url)
        .env("LAYER_APP_ID", &env.app_id)
        .env("LAYER_PROVIDER_ID", &env.provider_id)
        .env("LAYER_KEY_ID", &env.key_id)
        .kill_on_drop(true)
        .spawn()
        .with_context(|| format!("cannot run {}", escape(program)))?;
    let status = tokio::select! {
        status = child.wait() => status.context("waiting for the command")?,
        () = signal() => {
            let _ = child.kill().await;
            return Ok(Outcome::Invalid);
        }
    };
    Ok(match status.code() {
        Some(0) => Outcome::Done,
        Some(code) => Outcome::Exit(u8::try_from(code).unwrap_or(1)),
        None => Outcome::Invalid,
    })
}

fn restore(service: &Service, path: &Path) -> anyhow::Result<()> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(error) => {
            return Err(error)
                .with_context(|| format!("cannot read the state file {}", path.display()));
        }
    };
    let saved: SavedState = serde_json::from_slice(&bytes).with_context(|| {
        format!(
            "the state file {} is not a layer-auth state",
            path.display()
        )
    })?;
    service.restore(saved);
    Ok(())
}

/// Writes the state atomically: a temporary file beside it, then renamed into place.
fn save(service: &Service, path: &Path) -> anyhow::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let mut file = tempfile::Builder::new()
        .prefix(".layer-auth-state-")
        .tempfile_in(dir)
        .with_context(|| format!("cannot write the state file beside {}", path.display()))?;
    serde_json::to_writer(&mut file, &service.save())?;
    file.as_file().sync_all()?;
    file.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot write the state file {}", path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wildcard_address_is_reached_through_loopback_and_v6_is_bracketed() {
        assert_eq!(
            base_url("0.0.0.0:7777".parse().unwrap()),
            "http://127.0.0.1:7777"
        );
        assert_eq!(base_url("[::1]:80".parse().unwrap()), "http://[::1]:80");
        assert!(listen_addr("not an address").is_err());
    }

    #[test]
    fn session_tokens_in_logged_paths_are_cut() {
        assert_eq!(
            logged_path("/sessions/abcdefghijklmnop"),
            "/sessions/abcdefgh…"
        );
        assert_eq!(logged_path("/nonces"), "/nonces");
    }
}
