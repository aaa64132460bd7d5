//! `layer-auth flow`: the authentication sequence of SPEC §2, end to end, step by step.

use std::io::Write as _;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::bail;
use chrono::TimeDelta;
use clap::Args;
use layer_auth::flow::{
    self, EmbeddedService, EmbeddedSigner, FlowPolicy, Step, TokenSource, VirtualClock,
};
use layer_auth::http::{Backend, BodyFormat};
use layer_auth::keys::{KeySet, SigningKey, VerifyingKey};
use layer_auth::output::{Paint, flow_verdict, render_step};
use layer_auth::service::{Entropy as _, OsEntropy, Service, ServiceConfig};
use serde::Serialize;

use super::Outcome;
use crate::args::{ClockArgs, IdArgs, KeyArgs, WeakKeyArgs, parse_duration};
use crate::{keysource, term};

const EXAMPLES: &str = "Examples:
  layer-auth flow --user alice                      # embedded service and signer, ephemeral key
  layer-auth flow --user alice --challenge --json   # with the expiry challenge, JSON report on stdout
  layer-auth flow --user alice --backend http://127.0.0.1:3000/authenticate --public-key backend.pub.pem";

/// Run the Layer authentication sequence end to end and show each step.
///
/// Steps: nonce issued (POST /nonces), token obtained, token validated (every check, with
/// the nonce and user), authenticated (POST /sessions), replay of the same token refused,
/// [--challenge: session expired, 401 authentication_required with a nonce, a new token over
/// that nonce, re-authenticated], deauthenticated (DELETE /sessions/…). Each step prints on
/// stderr as it happens, with its time; exit 1 names the step that failed and why.
///
/// By default the service and the signer are embedded, with an ephemeral key: nothing to
/// set up. --key (or LAYER_PRIVATE_KEY_PATH / LAYER_PRIVATE_KEY) signs with your key and ids
/// instead; --backend asks your backend for the tokens and checks them with --public-key.
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct FlowArgs {
    /// The user to authenticate (your app's user id, the token's prn).
    #[arg(long, allow_hyphen_values = true)]
    pub user: String,

    /// Your backend's token endpoint: POST {"user_id", "nonce"} → {"identity_token"}.
    #[arg(long, value_name = "URL")]
    pub backend: Option<String>,

    /// Post user_id and nonce as form fields instead of JSON (with --backend).
    #[arg(long, requires = "backend")]
    pub form: bool,

    /// Public key(s) the backend's tokens must verify under (PEM, JWK or JWKS); default
    /// with --backend: the public half of --key.
    #[arg(long, value_name = "PATH", allow_hyphen_values = true)]
    pub public_key: Vec<PathBuf>,

    /// Also run the expiry challenge: the session expires, the service answers 401 with a
    /// nonce, and the client re-authenticates over exactly that nonce.
    #[arg(long)]
    pub challenge: bool,

    /// Print one JSON report of the steps on stdout.
    #[arg(long)]
    pub json: bool,

    /// Give up on the backend after this long: 10s, 1m, …
    #[arg(long, default_value = "10s", value_parser = parse_duration, allow_hyphen_values = true, value_name = "DURATION")]
    pub timeout: TimeDelta,

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
const SESSION_TTL: TimeDelta = TimeDelta::seconds(30);

/// `--backend`: an http:// or https:// URL with a host. Checked here rather than by clap,
/// whose message would quote the URL with any credentials in it.
fn check_url(text: &str) -> anyhow::Result<()> {
    let rest = text
        .strip_prefix("http://")
        .or_else(|| text.strip_prefix("https://"));
    match rest {
        Some(rest)
            if !rest.is_empty()
                && !rest.starts_with('/')
                && !text.contains(char::is_whitespace) =>
        {
            Ok(())
        }
        _ => bail!(
            "--backend `{}` is not an http:// or https:// URL (e.g. http://127.0.0.1:3000/authenticate)",
            layer_auth::http::redact_url(text)
        ),
    }
}

/// `--json` output: the steps with their times.
#[derive(Serialize)]
struct FlowReport<'a> {
    ok: bool,
    user: &'a str,
    steps: Vec<TimedStep>,
    total_ms: f64,
}

#[derive(Serialize)]
struct TimedStep {
    #[serde(flatten)]
    step: Step,
    elapsed_ms: f64,
}

pub fn run(args: &FlowArgs, paint: Paint) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    if args.user.trim().is_empty() {
        bail!("--user is empty: give your app's id for the user to authenticate");
    }
    if let Some(url) = &args.backend {
        check_url(url)?;
    }
    if args.ttl <= TimeDelta::zero() || args.timeout <= TimeDelta::zero() {
        bail!("--ttl and --timeout must be more than 0s");
    }
    let mut entropy = OsEntropy;
    let key = signing_key(args, paint)?;
    let key_id = args
        .ids
        .key_id()
        .unwrap_or_else(|| format!("layer:///keys/{}", uuid(&mut entropy)));
    let provider_id = args
        .ids
        .provider_id()
        .unwrap_or_else(|| format!("layer:///providers/{}", uuid(&mut entropy)));
    // The embedded signer needs ids and they are made up when not given; a backend's ids are
    // its own, so only those given on the command line are expected of its tokens.
    let (expect_key_id, expect_provider_id) = match args.backend {
        Some(_) => (args.ids.key_id(), args.ids.provider_id()),
        None => (Some(key_id.clone()), Some(provider_id.clone())),
    };
    let (keys, setting) = trusted_keys(args, key.as_ref(), &key_id, paint)?;
    // The embedded world runs on real time (or a fixed --now), so a backend's tokens, stamped
    // with real time, are judged fairly; the challenge only adds an offset.
    let clock = match args.clock.now {
        Some(fixed) => VirtualClock::new(move || fixed),
        None => VirtualClock::new(chrono::Utc::now),
    };
    let mut api = EmbeddedService {
        service: Service::new(ServiceConfig {
            app_id: format!("layer:///apps/staging/{}", uuid(&mut entropy)),
            keys: keys.clone(),
            provider_id: expect_provider_id.clone(),
            session_ttl: SESSION_TTL,
        }),
        clock: clock.clone(),
        entropy: Box::new(entropy),
    };
    let mut source: Box<dyn TokenSource + '_> = match (&args.backend, &key) {
        (Some(url), _) => {
            let timeout = args.timeout.to_std().unwrap_or_default();
            let format = if args.form {
                BodyFormat::Form
            } else {
                BodyFormat::Json
            };
            Box::new(Backend::new(url, format, timeout))
        }
        (None, Some(key)) => Box::new(EmbeddedSigner {
            key,
            key_id: key_id.clone(),
            provider_id: provider_id.clone(),
            ttl: args.ttl,
            clock: clock.clone(),
        }),
        (None, None) => bail!("internal: no token source"),
    };
    let policy = FlowPolicy {
        user: args.user.clone(),
        keys: &keys,
        provider_id: expect_provider_id,
        key_id: expect_key_id,
        leeway: args.leeway,
        challenge: args.challenge,
    };
    term::say(&format!(
        "{} {setting} for {:?}",
        paint.bold("flow"),
        args.user
    ));
    let mut steps = Vec::new();
    let mut last = Instant::now();
    let ok = flow::run(&policy, source.as_mut(), &mut api, &mut |step| {
        let elapsed_ms = last.elapsed().as_secs_f64() * 1000.0;
        last = Instant::now();
        term::say(&render_step(step, elapsed_ms, paint));
        steps.push(TimedStep {
            step: step.clone(),
            elapsed_ms,
        });
    });
    let total_ms = started.elapsed().as_secs_f64() * 1000.0;
    let failed = steps.iter().find(|s| !s.step.ok).map(|s| s.step.step);
    term::say(&flow_verdict(
        failed,
        &args.user,
        args.challenge,
        total_ms,
        paint,
    ));
    if args.json {
        let mut out = term::stdout();
        serde_json::to_writer(
            &mut out,
            &FlowReport {
                ok,
                user: &args.user,
                steps,
                total_ms,
            },
        )?;
        writeln!(out)?;
        out.flush()?;
    }
    Ok(if ok { Outcome::Done } else { Outcome::Invalid })
}

/// The key the embedded signer uses: --key or the environment, else a fresh ephemeral one.
/// With --backend no signing key is needed (its public half may still serve as the check).
fn signing_key(args: &FlowArgs, paint: Paint) -> anyhow::Result<Option<SigningKey>> {
    let load = || -> anyhow::Result<Option<SigningKey>> {
        let loaded = keysource::signing_key(&args.key, args.weak.weak_keys())?;
        term::warnings(paint, &loaded.warnings);
        Ok(Some(loaded.value))
    };
    match (&args.backend, args.key.is_configured()) {
        // The backend signs; a configured key only stands in for a missing --public-key.
        (Some(_), true) if args.public_key.is_empty() => load(),
        (Some(_), _) => Ok(None),
        (None, true) => load(),
        (None, false) => Ok(Some(SigningKey::generate(2048)?)),
    }
}

/// The keys tokens must verify under (the service trusts them, the client checks with
/// them), and a name for the setting.
fn trusted_keys(
    args: &FlowArgs,
    key: Option<&SigningKey>,
    key_id: &str,
    paint: Paint,
) -> anyhow::Result<(KeySet, String)> {
    let keys = match key {
        _ if !args.public_key.is_empty() => {
            let loaded = keysource::public_keys(&args.public_key)?;
            term::warnings(paint, &loaded.warnings);
            loaded.value
        }
        Some(key) => vec![VerifyingKey::new(
            key.public_key().clone(),
            Some(key_id.to_owned()),
        )?],
        None => bail!(
            "--backend needs --public-key PATH: the public half of the key your backend signs \
             with (or --key with its private half)"
        ),
    };
    let setting = if let Some(url) = &args.backend {
        format!(
            "backend {}, embedded service",
            layer_auth::http::redact_url(url)
        )
    } else if args.key.is_configured() {
        "embedded service and signer, your key".to_owned()
    } else {
        "embedded service and signer, ephemeral key".to_owned()
    };
    Ok((KeySet::new(keys), setting))
}

/// A random (version 4) UUID for ids the embedded service makes up.
fn uuid(entropy: &mut OsEntropy) -> String {
    let mut b = [0u8; 16];
    entropy.fill(&mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}
