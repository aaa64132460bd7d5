//! `layer-auth flow`: the authentication sequence of SPEC §2, end to end, step by step:
//! the arguments and the run here, what it works with in `world`, how it is shown in
//! `shown`.

mod shown;
mod world;

use std::path::PathBuf;
use std::time::Instant;

use anyhow::bail;
use chrono::TimeDelta;
use clap::Args;
use layer_auth::flow::{self, FlowPolicy, VirtualClock};
use layer_auth::http::{is_http_url, redact_url};
use layer_auth::output::{Paint, escape};

use self::shown::Shown;
use self::world::World;
use super::Outcome;
use crate::args::{ClockArgs, IdArgs, IdParser, KeyArgs, WeakKeyArgs, parse_duration, parse_span};
use crate::term;

const EXAMPLES: &str = "Examples:
  layer-auth flow --user alice                # embedded service and signer
  layer-auth flow --user alice --challenge --json | jq .steps
  layer-auth flow --user alice --strict --public-key backend.pub.pem \\
      --backend http://127.0.0.1:3000/authenticate \\
      --provider-id \"$LAYER_PROVIDER_ID\" --key-id \"$LAYER_KEY_ID\"";

/// Run the Layer authentication sequence end to end and show each step.
///
/// Steps: nonce issued (POST /nonces), token obtained, token validated (every check, with
/// the nonce and user), authenticated (POST /sessions), replay of the same token refused,
/// [--challenge: session expired, 401 authentication_required with a nonce, a new token over
/// that nonce, re-authenticated], deauthenticated (DELETE /sessions/…). Each step prints on
/// stderr as it happens, with its time; exit 1 names the step that failed and why, and the
/// verdict names every check that could not be made (--strict fails on them).
///
/// By default the service and the signer are embedded, with an ephemeral key and made-up
/// ids: nothing to set up. --key (or LAYER_PRIVATE_KEY_PATH / LAYER_PRIVATE_KEY) with
/// --provider-id and --key-id signs with your key and ids instead; --backend asks your
/// backend for the tokens and checks them with --public-key, and with the ids when given.
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct FlowArgs {
    /// The user to authenticate (your app's user id, the token's prn).
    #[arg(long, value_parser = IdParser::USER, allow_hyphen_values = true)]
    pub user: String,

    /// Your backend's token endpoint: POST {"user_id", "nonce"} → {"identity_token"}.
    #[arg(long, value_name = "URL")]
    pub backend: Option<String>,

    /// Post user_id and nonce as form fields instead of JSON (with --backend).
    #[arg(long, requires = "backend")]
    pub form: bool,

    /// An extra request header for the backend, 'NAME: VALUE' (repeatable), e.g. the app's
    /// own login. Values are never shown: an answer that echoes one, or a word of one, of 8
    /// bytes or more (in any case, as sent, JSON-escaped, percent-encoded, or a Basic
    /// credential decoded) is shown with it blanked, as are the URL's userinfo and query
    /// values.
    #[arg(
        long = "header",
        value_name = "NAME: VALUE",
        requires = "backend",
        allow_hyphen_values = true
    )]
    pub headers: Vec<String>,

    /// The field the backend reads the user id from (the 2014 samples read userID).
    #[arg(
        long,
        value_name = "NAME",
        default_value = "user_id",
        requires = "backend"
    )]
    pub user_field: String,

    /// The field the backend reads the nonce from.
    #[arg(
        long,
        value_name = "NAME",
        default_value = "nonce",
        requires = "backend"
    )]
    pub nonce_field: String,

    /// A Layer-compatible service to run against instead of the embedded one, such as
    /// `layer-auth serve` (whose sample backend, keys and ids are then used by default).
    #[arg(long, value_name = "URL", env = "LAYER_URL", hide_env_values = true)]
    pub layer_url: Option<String>,

    /// The app id to present to --layer-url (default: what the service says it is).
    #[arg(
        long,
        value_name = "ID",
        env = "LAYER_APP_ID",
        hide_env_values = true,
        allow_hyphen_values = true
    )]
    pub app_id: Option<String>,

    /// Public key(s) the backend's tokens must verify under (PEM, JWK or JWKS); default
    /// with --backend: the public half of --key.
    #[arg(long, value_name = "PATH", allow_hyphen_values = true)]
    pub public_key: Vec<PathBuf>,

    /// Also run the expiry challenge: the session expires, the service answers 401 with a
    /// nonce, and the client re-authenticates over exactly that nonce.
    #[arg(long)]
    pub challenge: bool,

    /// Fail for any warning or check not made, not only for a failed step.
    #[arg(long)]
    pub strict: bool,

    /// Print one JSON report of the steps on stdout.
    #[arg(long)]
    pub json: bool,

    /// Print only the verdict line (and errors), not each step.
    #[arg(short, long)]
    pub quiet: bool,

    /// Give up on the backend after this long: 10s, 1m, 500ms, …
    #[arg(long, default_value = "10s", value_parser = parse_span, allow_hyphen_values = true, value_name = "DURATION")]
    pub timeout: std::time::Duration,

    /// Lifetime of the tokens the embedded signer makes.
    #[arg(long, default_value = "10m", value_parser = parse_duration, allow_hyphen_values = true, value_name = "DURATION")]
    pub ttl: TimeDelta,

    /// Clock skew forgiven when checking tokens.
    #[arg(long, default_value = "0s", value_parser = parse_duration, allow_hyphen_values = true, value_name = "DURATION")]
    pub leeway: TimeDelta,

    #[command(flatten)]
    pub key: KeyArgs,

    #[command(flatten)]
    pub weak: WeakKeyArgs,

    #[command(flatten)]
    pub ids: IdArgs,

    #[command(flatten)]
    pub clock: ClockArgs,
}

/// Sessions of the embedded service last this long; the challenge moves its clock just past
/// it. Short, so that a backend's tokens (stamped with real time) are still fresh afterwards:
/// any token lifetime over ~31s survives the challenge.
pub(crate) const SESSION_TTL: TimeDelta = TimeDelta::seconds(30);

pub fn run(args: &FlowArgs, paint: Paint) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    check(args)?;
    let clock = VirtualClock::new(args.clock.source());
    let mut world = World::new(args, paint, &clock)?;
    let mut api = world.api(&clock)?;
    let mut source = world.source(args, &clock)?;
    let policy = policy(args, &world);
    if !args.quiet {
        say_setting(args, &world, paint);
    }
    let mut shown = Shown::new(args, &world, paint);
    let ok = flow::run(&policy, source.as_mut(), api.as_mut(), &mut |step| {
        shown.step(step)
    });
    shown.finish(ok, started.elapsed().as_secs_f64() * 1000.0)?;
    Ok(if ok { Outcome::Done } else { Outcome::Invalid })
}

/// What the run must establish: the user, and the keys and ids of the world.
fn policy<'w>(args: &FlowArgs, world: &'w World) -> FlowPolicy<'w> {
    FlowPolicy {
        user: args.user.clone(),
        keys: &world.keys,
        provider_id: world.expect_provider_id.clone(),
        key_id: world.expect_key_id.clone(),
        leeway: args.leeway,
        challenge: args.challenge,
        strict: args.strict,
    }
}

/// The header line: what the run works with, and for which user.
fn say_setting(args: &FlowArgs, world: &World, paint: Paint) {
    let user = serde_json::Value::from(args.user.as_str()).to_string();
    term::say(&format!(
        "{} {} for {}",
        paint.bold("flow"),
        escape(&world.setting),
        escape(&user)
    ));
}

/// Refuses combinations that could only mislead.
fn check(args: &FlowArgs) -> anyhow::Result<()> {
    if args.user.trim().is_empty() {
        bail!("--user is empty: give your app's id for the user to authenticate");
    }
    if args.ttl <= TimeDelta::zero() || args.timeout.is_zero() {
        bail!("--ttl and --timeout must be more than 0s");
    }
    match &args.backend {
        Some(url) => check_url(url)?,
        None if !args.public_key.is_empty() => bail!(
            "--public-key checks the tokens a --backend signs; without --backend the embedded \
             signer signs (with --key, or an ephemeral key), so there is nothing for it to check"
        ),
        None => {}
    }
    if let Some(url) = args.layer_url.as_deref().filter(|url| !is_http_url(url)) {
        bail!(
            "--layer-url `{}` is not an http:// or https:// URL with a host (e.g. \
             http://127.0.0.1:7777, where `layer-auth serve` listens)",
            redact_url(url)
        );
    }
    for header in &args.headers {
        parse_header(header)?;
    }
    Ok(())
}

/// `--backend`: an http:// or https:// URL with a host. Checked here rather than by clap,
/// whose message would quote the URL with any credentials in it.
fn check_url(text: &str) -> anyhow::Result<()> {
    if is_http_url(text) {
        return Ok(());
    }
    bail!(
        "--backend `{}` is not an http:// or https:// URL with a host (e.g. \
         http://127.0.0.1:3000/authenticate)",
        redact_url(text)
    )
}

/// `NAME: VALUE`; the value is never shown (it is often a credential).
pub(crate) fn parse_header(text: &str) -> anyhow::Result<(String, String)> {
    let Some((name, value)) = text.split_once(':') else {
        bail!(
            "--header takes 'NAME: VALUE' (e.g. --header 'Authorization: Bearer …'); this one has no `:`"
        );
    };
    let name = name.trim();
    let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
    if name.is_empty() || !name.chars().all(token) {
        bail!(
            "--header name `{}` is not an HTTP header name",
            escape(&name.chars().take(40).collect::<String>())
        );
    }
    Ok((name.to_owned(), value.trim().to_owned()))
}
