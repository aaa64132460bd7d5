//! `layer-auth flow`: the authentication sequence of SPEC §2, end to end, step by step.

use std::io::Write as _;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use chrono::TimeDelta;
use clap::Args;
use layer_auth::flow::{
    self, EmbeddedService, EmbeddedSigner, FlowPolicy, Step, StepKind, TokenSource, VirtualClock,
};
use layer_auth::http::{Backend, BackendConfig, BodyFormat, redact_url};
use layer_auth::keys::{KeySet, SigningKey, VerifyingKey};
use layer_auth::output::{
    FlowReport, Paint, TimedStep, Unestablished, escape, flow_verdict, micros, render_step,
};
use layer_auth::service::{Entropy as _, OsEntropy, Service, ServiceConfig};
use layer_auth::token::{TokenTemplate, Typ};

use super::Outcome;
use crate::args::{ClockArgs, IdArgs, KeyArgs, WeakKeyArgs, parse_duration};
use crate::hints::{FlagHints, Given};
use crate::{keysource, term};

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
    #[arg(long, allow_hyphen_values = true)]
    pub user: String,

    /// Your backend's token endpoint: POST {"user_id", "nonce"} → {"identity_token"}.
    #[arg(long, value_name = "URL")]
    pub backend: Option<String>,

    /// Post user_id and nonce as form fields instead of JSON (with --backend).
    #[arg(long, requires = "backend")]
    pub form: bool,

    /// An extra request header for the backend, 'NAME: VALUE' (repeatable), e.g. the app's
    /// own login. Values are never shown.
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

pub fn run(args: &FlowArgs, paint: Paint) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    check(args)?;
    let world = World::new(args, paint)?;
    let clock = VirtualClock::new(args.clock.source());
    let mut api = world.service(&clock);
    let mut source = world.source(args, &clock)?;
    let policy = FlowPolicy {
        user: args.user.clone(),
        keys: &world.keys,
        provider_id: world.expect_provider_id.clone(),
        key_id: world.expect_key_id.clone(),
        leeway: args.leeway,
        challenge: args.challenge,
        strict: args.strict,
    };
    let user = serde_json::Value::from(args.user.as_str()).to_string();
    term::say(&format!(
        "{} {} for {}",
        paint.bold("flow"),
        escape(&world.setting),
        escape(&user)
    ));
    let mut shown = Shown::new(args, &world, paint);
    let ok = flow::run(&policy, source.as_mut(), &mut api, &mut |step| {
        shown.step(step)
    });
    shown.finish(ok, started.elapsed().as_secs_f64() * 1000.0)?;
    Ok(if ok { Outcome::Done } else { Outcome::Invalid })
}

/// Refuses combinations that could only mislead.
fn check(args: &FlowArgs) -> anyhow::Result<()> {
    if args.user.trim().is_empty() {
        bail!("--user is empty: give your app's id for the user to authenticate");
    }
    if args.ttl <= TimeDelta::zero() || args.timeout <= TimeDelta::zero() {
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
    for header in &args.headers {
        parse_header(header)?;
    }
    Ok(())
}

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
            redact_url(text)
        ),
    }
}

/// `NAME: VALUE`; the value is never shown (it is often a credential).
fn parse_header(text: &str) -> anyhow::Result<(String, String)> {
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

/// What the run works with: keys, ids, and a sentence for the header line.
struct World {
    key: Option<SigningKey>,
    keys: KeySet,
    key_id: String,
    provider_id: String,
    /// The ids the tokens must carry: always with the embedded signer, with a backend
    /// only when given.
    expect_key_id: Option<String>,
    expect_provider_id: Option<String>,
    setting: String,
}

impl World {
    fn new(args: &FlowArgs, paint: Paint) -> anyhow::Result<Self> {
        let key = signing_key(args, paint)?;
        let (key_id, provider_id) = ids(args, key.is_some())?;
        let keys = trusted_keys(args, key.as_ref(), &key_id, paint)?;
        let given = (args.ids.key_id(), args.ids.provider_id());
        let setting = match &args.backend {
            Some(url) => format!("backend {}, embedded service", redact_url(url)),
            None if args.key.is_configured() => {
                format!("embedded service and signer, your key ({key_id})")
            }
            None if given.0.is_some() || given.1.is_some() => {
                format!(
                    "embedded service and signer, ephemeral key, ids {provider_id} and {key_id}"
                )
            }
            None => "embedded service and signer, ephemeral key and made-up ids".to_owned(),
        };
        let (expect_key_id, expect_provider_id) = match args.backend {
            Some(_) => given,
            None => (Some(key_id.clone()), Some(provider_id.clone())),
        };
        Ok(Self {
            key,
            keys,
            key_id,
            provider_id,
            expect_key_id,
            expect_provider_id,
            setting,
        })
    }

    /// The embedded service, registering the trusted keys and, when known, the provider.
    fn service(&self, clock: &VirtualClock) -> EmbeddedService {
        let mut entropy = OsEntropy;
        let service = Service::new(ServiceConfig {
            app_id: format!("layer:///apps/staging/{}", uuid(&mut entropy)),
            keys: self.keys.clone(),
            provider_id: self.expect_provider_id.clone(),
            session_ttl: SESSION_TTL,
        });
        EmbeddedService::new(service, clock.clone(), Box::new(entropy))
    }

    /// The backend, or the embedded signer with the run's key and ids.
    fn source<'k>(
        &'k self,
        args: &FlowArgs,
        clock: &VirtualClock,
    ) -> anyhow::Result<Box<dyn TokenSource + 'k>> {
        if let Some(url) = &args.backend {
            let mut config = BackendConfig::new(
                url,
                args.timeout.to_std().unwrap_or(Duration::from_secs(10)),
            );
            config.format = if args.form {
                BodyFormat::Form
            } else {
                BodyFormat::Json
            };
            config.headers = args
                .headers
                .iter()
                .map(|h| parse_header(h))
                .collect::<anyhow::Result<_>>()?;
            config.user_field.clone_from(&args.user_field);
            config.nonce_field.clone_from(&args.nonce_field);
            return Ok(Box::new(Backend::new(config)));
        }
        let key = self
            .key
            .as_ref()
            .context("the embedded signer has no key")?;
        Ok(Box::new(EmbeddedSigner {
            key,
            template: TokenTemplate {
                key_id: self.key_id.clone(),
                provider_id: self.provider_id.clone(),
                typ: Typ::Jws,
                ttl: args.ttl.num_seconds(),
                extra: serde_json::Map::new(),
            },
            clock: clock.clone(),
        }))
    }
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
        (Some(_), true) if args.public_key.is_empty() => load(),
        (Some(_), _) => Ok(None),
        (None, true) => load(),
        (None, false) => Ok(Some(SigningKey::generate(2048)?)),
    }
}

/// The ids the embedded signer writes: given, or made up for an ephemeral key. A key of
/// the user's own signs only with the user's ids, as `sign` does.
fn ids(args: &FlowArgs, has_key: bool) -> anyhow::Result<(String, String)> {
    let (key_id, provider_id) = (args.ids.key_id(), args.ids.provider_id());
    if args.backend.is_none() && args.key.is_configured() && has_key {
        let missing: Vec<&str> = [
            (provider_id.is_none(), "--provider-id (LAYER_PROVIDER_ID)"),
            (key_id.is_none(), "--key-id (LAYER_KEY_ID)"),
        ]
        .into_iter()
        .filter_map(|(missing, what)| missing.then_some(what))
        .collect();
        if !missing.is_empty() {
            bail!(
                "your key signs only with your ids: pass {} (the Layer dashboard shows them), \
                 or leave the key out to run with an ephemeral key and made-up ids",
                missing.join(" and ")
            );
        }
    }
    let mut entropy = OsEntropy;
    Ok((
        key_id.unwrap_or_else(|| format!("layer:///keys/{}", uuid(&mut entropy))),
        provider_id.unwrap_or_else(|| format!("layer:///providers/{}", uuid(&mut entropy))),
    ))
}

/// The keys tokens must verify under (the service trusts them, the client checks with
/// them), registered under the Key ID when it is known.
fn trusted_keys(
    args: &FlowArgs,
    key: Option<&SigningKey>,
    key_id: &str,
    paint: Paint,
) -> anyhow::Result<KeySet> {
    let known_id = if args.backend.is_some() {
        args.ids.key_id()
    } else {
        Some(key_id.to_owned())
    };
    let keys = match key {
        _ if !args.public_key.is_empty() => {
            let loaded = keysource::public_keys(&args.public_key)?;
            term::warnings(paint, &loaded.warnings);
            loaded
                .value
                .into_iter()
                .map(|k| match (&known_id, k.kid()) {
                    (Some(id), None) => VerifyingKey::new(k.public_key().clone(), Some(id.clone())),
                    _ => Ok(k),
                })
                .collect::<Result<Vec<_>, _>>()?
        }
        Some(key) => vec![VerifyingKey::new(key.public_key().clone(), known_id)?],
        None => bail!(
            "--backend needs --public-key PATH: the public half of the key your backend signs \
             with (or --key with its private half)"
        ),
    };
    Ok(KeySet::new(keys))
}

/// Steps as they happen, on stderr; the JSON report at the end.
struct Shown<'a> {
    args: &'a FlowArgs,
    world: &'a World,
    paint: Paint,
    hints: FlagHints,
    steps: Vec<(Step, f64)>,
    last: Instant,
}

impl<'a> Shown<'a> {
    fn new(args: &'a FlowArgs, world: &'a World, paint: Paint) -> Self {
        let given = Given {
            nonce: true,
            user: true,
            provider_id: world.expect_provider_id.is_some(),
            key_id: world.expect_key_id.is_some(),
            keys: true,
            skip_signature: false,
        };
        Self {
            args,
            world,
            paint,
            hints: FlagHints { given },
            steps: Vec::new(),
            last: Instant::now(),
        }
    }

    fn step(&mut self, step: &Step) {
        let elapsed_ms = self.last.elapsed().as_secs_f64() * 1000.0;
        self.last = Instant::now();
        term::say(&render_step(step, elapsed_ms, self.paint));
        if step.step == StepKind::TokenValidated && !step.ok {
            self.explain(step);
        }
        self.steps.push((step.clone(), elapsed_ms));
    }

    /// After a refused token: the token, what it holds, and a command that reproduces the
    /// verdict.
    fn explain(&self, step: &Step) {
        let token = self
            .steps
            .iter()
            .rev()
            .find_map(|(s, _)| s.token.clone())
            .unwrap_or_default();
        let dim = |label: &str| self.paint.dim(label);
        term::say(&format!("      {} {}", dim("token "), escape(&token)));
        if let Some(report) = &step.report {
            for (label, part) in [("header", &report.header), ("claims", &report.claims)] {
                let text = part
                    .as_ref()
                    .map_or("(could not be decoded)".to_owned(), |p| {
                        serde_json::Value::Object(p.clone()).to_string()
                    });
                term::say(&format!("      {} {}", dim(label), escape(&text)));
            }
        }
        term::say(&format!(
            "      {} {}",
            dim("again "),
            self.reproduce(&token)
        ));
    }

    /// `layer-auth validate '…' --public-key … --nonce … --user … --now …`.
    fn reproduce(&self, token: &str) -> String {
        let nonce = self
            .steps
            .iter()
            .rev()
            .find_map(|(s, _)| s.nonce.clone())
            .unwrap_or_default();
        let mut words = vec!["layer-auth validate".to_owned(), quote(token)];
        for path in &self.args.public_key {
            words.push(format!("--public-key {}", quote(&keysource::shown(path))));
        }
        if self.args.public_key.is_empty()
            && let Some(path) = self.args.key.path()
        {
            words.push(format!("--key {}", quote(&keysource::shown(path))));
        }
        words.push(format!(
            "--nonce {} --user {}",
            quote(&nonce),
            quote(&self.args.user)
        ));
        if let Some(id) = &self.world.expect_provider_id {
            words.push(format!("--provider-id {}", quote(id)));
        }
        if let Some(id) = &self.world.expect_key_id {
            words.push(format!("--key-id {}", quote(id)));
        }
        if self.args.leeway > TimeDelta::zero() {
            words.push(format!("--leeway {}s", self.args.leeway.num_seconds()));
        }
        words.push(format!("--now {}", self.args.clock.now().timestamp()));
        if self.args.strict {
            words.push("--strict".into());
        }
        escape(&words.join(" ")).into_owned()
    }

    fn finish(self, ok: bool, total_ms: f64) -> anyhow::Result<()> {
        let steps: Vec<&Step> = self.steps.iter().map(|(s, _)| s).collect();
        let open = Unestablished::of(&steps);
        let failed = steps.iter().find(|s| !s.ok).map(|s| s.step);
        term::say(&flow_verdict(
            failed,
            &open,
            &self.args.user,
            self.args.challenge,
            total_ms,
            self.paint,
            &self.hints,
        ));
        if !self.args.json {
            return Ok(());
        }
        let report = FlowReport {
            schema: 1,
            ok,
            user: &self.args.user,
            strict: self.args.strict,
            warnings: open.warnings,
            not_checked: open.not_checked,
            steps: self
                .steps
                .iter()
                .map(|(step, ms)| TimedStep {
                    step,
                    elapsed_ms: micros(*ms),
                })
                .collect(),
            total_ms: micros(total_ms),
        };
        let mut out = term::stdout();
        serde_json::to_writer(&mut out, &report)?;
        writeln!(out)?;
        out.flush()?;
        Ok(())
    }
}

/// `text` in single quotes for a POSIX shell.
fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
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
