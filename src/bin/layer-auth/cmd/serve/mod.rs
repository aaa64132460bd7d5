//! `layer-auth serve`: the Layer service of SPEC §2 over HTTP, with a sample backend and
//! test control, for apps and CI to sign in against.

use std::io::Write as _;
use std::net::{SocketAddr, ToSocketAddrs as _};
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context as _;
use chrono::TimeDelta;
use clap::{Args, ValueEnum};
use layer_auth::http::server::{App, SampleBackend, ServerConfig};
use layer_auth::ids::random_uuid;
use layer_auth::output::{Paint, escape};
use layer_auth::service::Service;

use lifecycle::{ChildEnv, Workers, check_state_dir, restore, save, serve_until_done};
use log::{RequestLog, banner};

use super::Outcome;
use crate::args::{ClockArgs, IdArgs, IdParser, KeyArgs, WeakKeyArgs, parse_count, parse_lifetime};
use crate::term;

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
/// LAYER_PROVIDER_ID and LAYER_KEY_ID set, then stops and exits with CMD's status (128 + N
/// when signal N killed it, as a shell gives).
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
    #[arg(long, value_name = "ID", value_parser = IdParser::APP_ID, allow_hyphen_values = true)]
    pub app_id: Option<String>,

    /// How long a session lasts before the 401 challenge.
    #[arg(long, default_value = "1h", value_parser = parse_lifetime, value_name = "DURATION")]
    pub session_ttl: TimeDelta,

    /// Load nonces, sessions and attempts from FILE at start; write them back at exit (its
    /// directory must be writable: checked before serving).
    #[arg(long, value_name = "FILE", allow_hyphen_values = true)]
    pub state: Option<PathBuf>,

    /// Make nonces, session tokens and made-up ids reproducible (tests only).
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
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
    #[arg(long, default_value_t = 1024, value_parser = parse_count, value_name = "N")]
    pub max_connections: usize,

    /// Serve no /dashboard page (the API answers exactly the same).
    #[arg(long)]
    pub no_dashboard: bool,

    #[command(flatten)]
    pub clock: ClockArgs,

    /// A command to run against the service; serve exits with its status (128 + N when
    /// signal N killed it).
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
    let mut setup = setup::setup(args, paint)?;
    if let Some(path) = &args.state {
        restore(&setup.service, path)?;
        check_state_dir(path)?;
        // A seeded service restarted would draw again what it drew before the restart,
        // tokens since forgotten included: its stream goes on from the draws it made.
        let draws = setup.service.draws();
        if let Some(seed) = args.seed.filter(|_| draws > 0) {
            let next = seed ^ draws.wrapping_mul(0x9e37_79b9_7f4a_7c15);
            setup
                .service
                .reseed(Box::new(crate::args::rng(Some(next))?));
        }
    }
    let base = base_url(local);
    let control_token = control_token(args, local, paint)?;
    print_url(&base)?;
    banner(args, &setup, &base, local, control_token.as_deref(), paint);
    let log = RequestLog::start(args.log_format, paint)?;
    let app = app(args, &mut setup, &base, local, control_token, &log);
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
    let status = runtime.block_on(serve_until_done(
        listener,
        app,
        config,
        &args.command,
        env,
        paint,
    ));
    drop(workers);
    log.finish();
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
    log: &RequestLog,
) -> App {
    let app = App::new(
        Arc::clone(&setup.service),
        setup.backend.take(),
        vec![base.to_owned(), base.replace("127.0.0.1", "localhost")],
        control_token,
        log.on_event(),
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
    let mut out = term::Stdout(std::io::stdout().lock());
    writeln!(out, "{base}")?;
    out.flush()?;
    Ok(())
}

mod lifecycle;
mod log;
mod setup;

#[cfg(test)]
mod tests {
    use super::log::{logged_path, piece_len};
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

    #[test]
    fn log_writes_are_whole_lines_of_at_most_4_kib_unless_one_line_is_longer() {
        let lines = "x".repeat(99) + "\n";
        let many = lines.repeat(100);
        let n = piece_len(many.as_bytes());
        assert!(n <= 4096 && n.is_multiple_of(100), "{n}");
        assert_eq!(piece_len(&many.as_bytes()[..300]), 300);
        let long = "y".repeat(5000) + "\n" + &lines;
        assert_eq!(piece_len(long.as_bytes()), 5001);
        assert_eq!(piece_len("z".repeat(5000).as_bytes()), 5000);
    }
}
