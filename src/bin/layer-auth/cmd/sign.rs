//! `layer-auth sign`: one token for one user and nonce, or one per JSON line with --batch.

use std::io::Write as _;
use std::path::PathBuf;

use anyhow::{Context as _, bail};
use clap::{Args, ValueEnum};
use layer_auth::json::JsonError;
use layer_auth::keys::SigningKey;
use layer_auth::output::Paint;
use layer_auth::token::{self, TokenRequest, Typ};
use serde_json::{Map, Value};

use super::Outcome;
use crate::args::{ClockArgs, IdArgs, KeyArgs, WeakKeyArgs, parse_duration};
use crate::batch::{self, Line};
use crate::{keysource, term};

const EXAMPLES: &str = "Examples:
  export LAYER_PRIVATE_KEY_PATH=layer-key.pem     # and LAYER_PROVIDER_ID, LAYER_KEY_ID
  layer-auth sign --nonce \"$NONCE\" --user alice --display-name 'Alice Liddell'
  layer-auth sign --nonce n1 --user 42 --ttl 2m --claim 'metadata={\"team\":\"blue\"}'
  printf '{\"nonce\":\"n1\",\"user\":\"alice\"}\\n' | layer-auth sign --batch - > tokens.txt";

/// Sign a Layer identity token.
///
/// Prints exactly one token and a newline on stdout. The key is read from --key,
/// LAYER_PRIVATE_KEY_PATH or LAYER_PRIVATE_KEY (never from the command line itself).
/// With --batch, reads JSON lines {"nonce": …, "user": …, …optional claims} and prints one
/// token per line, in order, on every core; a bad line leaves an empty line in its place,
/// is named on stderr, and makes the exit status 1.
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct SignArgs {
    /// The nonce the Layer service issued (POST /nonces), copied verbatim (a value starting
    /// with - is still the nonce).
    #[arg(
        long,
        required_unless_present = "batch",
        conflicts_with = "batch",
        allow_hyphen_values = true
    )]
    pub nonce: Option<String>,

    /// Your app's id for the user (the token's prn).
    #[arg(
        long,
        required_unless_present = "batch",
        conflicts_with = "batch",
        allow_hyphen_values = true
    )]
    pub user: Option<String>,

    /// Sign one token per JSON line of FILE (or - for stdin).
    #[arg(long, value_name = "FILE|-")]
    pub batch: Option<PathBuf>,

    /// Token lifetime: 90s, 10m, 2h, 1d or seconds.
    #[arg(long, default_value = "10m", value_parser = parse_duration, allow_hyphen_values = true, value_name = "DURATION")]
    pub ttl: chrono::TimeDelta,

    /// Header typ: JWS (as Layer's docs wrote it) or JWT (what the service used from 2015).
    #[arg(long, value_enum, default_value_t = TypArg::Jws)]
    pub typ: TypArg,

    /// display_name claim (at most 128 characters).
    #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
    pub display_name: Option<String>,

    /// avatar_url claim (at most 1024 characters).
    #[arg(long, value_name = "URL", allow_hyphen_values = true)]
    pub avatar_url: Option<String>,

    /// first_name claim (at most 128 characters).
    #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
    pub first_name: Option<String>,

    /// last_name claim (at most 128 characters).
    #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
    pub last_name: Option<String>,

    /// Extra claim NAME=JSON (repeatable); text that is not JSON is taken as a string, and
    /// JSON with a member twice is refused. Naming a standard claim (iat, exp, …) replaces
    /// it: handy for crafting test tokens.
    #[arg(
        long = "claim",
        value_name = "NAME=JSON",
        value_parser = parse_claim,
        allow_hyphen_values = true
    )]
    pub claims: Vec<(String, Value)>,

    #[command(flatten)]
    pub key: KeyArgs,

    #[command(flatten)]
    pub weak: WeakKeyArgs,

    #[command(flatten)]
    pub ids: IdArgs,

    #[command(flatten)]
    pub clock: ClockArgs,
}

/// `--typ`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TypArg {
    /// "JWS".
    #[value(name = "JWS", alias = "jws")]
    Jws,
    /// "JWT".
    #[value(name = "JWT", alias = "jwt")]
    Jwt,
}

fn parse_claim(text: &str) -> Result<(String, Value), String> {
    let (name, value) = text.split_once('=').ok_or_else(|| {
        format!("`{text}` is not NAME=JSON (e.g. --claim 'metadata={{\"team\":\"blue\"}}')")
    })?;
    if name.is_empty() {
        return Err(format!("`{text}` has no claim name before `=`"));
    }
    let value = match layer_auth::json::parse_value(value.as_bytes()) {
        Ok(value) => value,
        Err(error @ JsonError::Duplicate(_)) => return Err(format!("the value of {name} {error}")),
        Err(_) => Value::String(value.to_owned()),
    };
    Ok((name.to_owned(), value))
}

/// What every token of the run shares: ids, lifetime, flags' claims, and the parsed key.
struct Signer {
    template: TokenRequest,
    ttl: i64,
    clock: ClockArgs,
    key: SigningKey,
}

impl Signer {
    fn new(args: &SignArgs, paint: Paint) -> anyhow::Result<Self> {
        let provider_id = required(
            &args.ids.provider_id(),
            "provider id",
            "--provider-id",
            "LAYER_PROVIDER_ID",
            "layer:///providers/<uuid>",
        )?;
        let key_id = required(
            &args.ids.key_id(),
            "key id",
            "--key-id",
            "LAYER_KEY_ID",
            "layer:///keys/<uuid>",
        )?;
        if args.ttl <= chrono::TimeDelta::zero() {
            bail!("--ttl must be more than 0s");
        }
        let mut extra = Map::new();
        for (name, value) in [
            ("display_name", &args.display_name),
            ("first_name", &args.first_name),
            ("last_name", &args.last_name),
            ("avatar_url", &args.avatar_url),
        ] {
            if let Some(value) = value {
                extra.insert(name.into(), value.clone().into());
            }
        }
        for (name, value) in &args.claims {
            if token::REQUIRED_CLAIMS.contains(&name.as_str()) {
                term::warn(
                    paint,
                    &format!("--claim {name} replaces the standard {name} claim"),
                );
            }
            extra.insert(name.clone(), value.clone());
        }
        let template = TokenRequest {
            key_id,
            typ: match args.typ {
                TypArg::Jws => Typ::Jws,
                TypArg::Jwt => Typ::Jwt,
            },
            provider_id,
            user: String::new(),
            nonce: String::new(),
            issued_at: 0,
            expires_at: 0,
            extra,
        };
        let loaded = keysource::signing_key(&args.key, args.weak.weak_keys())?;
        term::warnings(paint, &loaded.warnings);
        let key = loaded.value;
        let (ttl, clock) = (args.ttl.num_seconds(), args.clock.clone());
        Ok(Self {
            template,
            ttl,
            clock,
            key,
        })
    }

    fn sign(&self, nonce: &str, user: &str, claims: Map<String, Value>) -> anyhow::Result<String> {
        let mut request = self.template.clone();
        request.nonce = nonce.to_owned();
        request.user = user.to_owned();
        // Each token is stamped when it is signed (a long batch takes minutes), or at --now.
        request.issued_at = self.clock.now().timestamp();
        request.expires_at = request.issued_at.saturating_add(self.ttl);
        request.extra.extend(claims);
        Ok(token::sign(&request, &self.key)?)
    }

    /// One batch line: `{"nonce": …, "user": …, …claims}`.
    fn sign_line(&self, line: Line<'_>) -> Result<String, String> {
        let line = match line {
            Line::Text(line) => line,
            Line::TooLong(len) => {
                return Err(format!(
                    "the line is {len} bytes, over the {} KiB a token may have; its claims \
                     could never fit",
                    token::MAX_TOKEN_BYTES / 1024
                ));
            }
        };
        let text = std::str::from_utf8(line).map_err(|_| "not UTF-8 text".to_owned())?;
        if text.trim().is_empty() {
            return Err("empty line; expected {\"nonce\": …, \"user\": …}".into());
        }
        let mut object = match layer_auth::json::parse_object(text.as_bytes()) {
            Ok(object) => object,
            Err(error) => return Err(format!("the line {error}")),
        };
        let mut take = |name: &str| match object.remove(name) {
            Some(Value::String(s)) => Ok(s),
            Some(other) => Err(format!(
                "\"{name}\" is {}; it must be a string",
                token::kind(&other)
            )),
            None => Err(format!(
                "no \"{name}\"; each line needs {{\"nonce\": …, \"user\": …}}"
            )),
        };
        let (nonce, user) = (take("nonce")?, take("user")?);
        if let Some(name) = token::REQUIRED_CLAIMS
            .iter()
            .find(|n| object.contains_key(**n))
        {
            return Err(format!(
                "\"{name}\" is set by sign itself (from \"user\", \"nonce\", the ids and --ttl); \
                 a line may add only other claims"
            ));
        }
        self.sign(&nonce, &user, object)
            .map_err(|e| format!("{e:#}"))
    }
}

fn required(
    value: &Option<String>,
    what: &str,
    flag: &str,
    env: &str,
    form: &str,
) -> anyhow::Result<String> {
    match value {
        Some(value) => Ok(value.clone()),
        None => bail!("no {what}: pass {flag} {form} or set {env} (the Layer dashboard shows it)"),
    }
}

pub fn run(args: &SignArgs, paint: Paint) -> anyhow::Result<Outcome> {
    let signer = Signer::new(args, paint)?;
    let Some(batch) = &args.batch else {
        let (nonce, user) = (
            args.nonce.as_deref().unwrap_or(""),
            args.user.as_deref().unwrap_or(""),
        );
        let token = signer.sign(nonce, user, Map::new())?;
        let mut out = term::stdout();
        writeln!(out, "{token}")?;
        out.flush()?;
        return Ok(Outcome::Done);
    };
    let input: Box<dyn std::io::Read + Send> = if batch.as_os_str() == "-" {
        Box::new(std::io::stdin())
    } else {
        let file = std::fs::File::open(batch)
            .with_context(|| format!("cannot open the batch file {}", batch.display()))?;
        Box::new(file)
    };
    let mut out = term::stdout();
    let mut failed = 0usize;
    let progress = term::Progress::new("signed");
    batch::for_each_line(
        input,
        token::MAX_TOKEN_BYTES,
        |line| signer.sign_line(line),
        |line_no, result, end_of_chunk| {
            progress.tick();
            match result {
                Ok(token) => writeln!(out, "{token}")?,
                Err(reason) => {
                    failed += 1;
                    writeln!(out)?;
                    progress.say(&format!("{} line {line_no}: {reason}", paint.bad("error:")));
                }
            }
            if end_of_chunk {
                out.flush()?;
            }
            Ok(())
        },
    )?;
    progress.finish();
    out.flush()?;
    if failed > 0 {
        term::say(&format!(
            "{failed} line(s) could not be signed; their output lines are empty"
        ));
        return Ok(Outcome::Invalid);
    }
    Ok(Outcome::Done)
}
