//! `layer-auth inspect`: decode a token without a key and without verifying anything.

use std::io::{IsTerminal as _, Read as _, Write as _};

use anyhow::{Context as _, bail};
use clap::Args;
use layer_auth::checks::{self, CheckId, MAX_TOKEN_BYTES, Policy, Report, Status};
use layer_auth::keys::KeySet;
use layer_auth::output::{Paint, escape, json_line, render_decoded};
use serde_json::{Map, Value};

use super::Outcome;
use crate::args::{ClockArgs, ZoneArgs};
use crate::term;

const EXAMPLES: &str = "Examples:
  layer-auth inspect \"$TOKEN\"
  layer-auth sign --nonce n1 --user alice | layer-auth inspect --json | jq .
  pbpaste | layer-auth inspect -";

/// The checks that say whether a token decodes at all, in the words `validate` uses.
const STRUCTURE: [CheckId; 4] = [
    CheckId::TokenSize,
    CheckId::PartCount,
    CheckId::Base64url,
    CheckId::Json,
];

/// Decode a token without verifying anything (any compact JWS/JWT, not only Layer's).
///
/// Shows the header and claims (iat, nbf and exp as dates, in UTC and relative to now),
/// and the signature's length, on stderr; with --json, prints {"header", "claims",
/// "signature_bytes", "verified": false} on stdout. Nothing is verified: not the signature,
/// not one claim; `layer-auth validate` does that. Exit status: 0 when the token decodes, 1
/// when it does not (with the reason, in validate's words), 2 for bad input.
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct InspectArgs {
    /// The token, or - to read it from stdin (also the default when stdin is piped).
    #[arg(value_name = "TOKEN|-")]
    pub token: Option<String>,

    /// Print the decoded parts as JSON on stdout instead of text on stderr.
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub zone: ZoneArgs,

    #[command(flatten)]
    pub clock: ClockArgs,
}

pub fn run(args: &InspectArgs, paint: Paint) -> anyhow::Result<Outcome> {
    let token = token(args)?;
    let now = args.clock.now();
    let no_keys = KeySet::default();
    let report = checks::validate(&token, &Policy::new(now, &no_keys));
    let (header, claims) = match decoded(&report) {
        Ok(parts) => parts,
        Err(reason) => {
            let reason = escape(&reason).into_owned();
            term::say(&paint.bad(&format!("✗ not a decodable JWS/JWT: {reason}")));
            return Ok(Outcome::Invalid);
        }
    };
    let signature_bytes = layer_auth::token::decode(token.trim())
        .ok()
        .and_then(|decoded| decoded.signature.ok())
        .map_or(0, |signature| signature.len());
    if args.json {
        let shown = serde_json::json!({
            "header": Value::Object(header.clone()),
            "claims": Value::Object(claims.clone()),
            "signature_bytes": signature_bytes,
            "verified": false,
        });
        let mut out = term::stdout();
        out.write_all(json_line(&shown)?.as_bytes())?;
        out.flush()?;
        return Ok(Outcome::Done);
    }
    if let Some(warning) = args.zone.warning() {
        term::warn(paint, &warning);
    }
    let mut text = Vec::new();
    let times = args.zone.times(now);
    render_decoded(header, claims, signature_bytes, &times, paint, &mut text)?;
    std::io::stderr().lock().write_all(&text)?;
    Ok(Outcome::Done)
}

/// A decoded JSON object: a header or the claims.
type Part = Map<String, Value>;

/// The header and claims when the token decodes, else why not in `validate`'s words.
fn decoded(report: &Report) -> Result<(&Part, &Part), String> {
    let problems: Vec<String> = STRUCTURE
        .iter()
        .filter_map(|id| report.check(*id))
        .filter(|check| check.status == Status::Fail)
        .map(|check| format!("{}: {}", check.id.as_str(), check.message))
        .collect();
    match (&report.header, &report.claims) {
        (Some(header), Some(claims)) if problems.is_empty() => Ok((header, claims)),
        _ if problems.is_empty() => Err("it does not decode".to_owned()),
        _ => Err(problems.join("; ")),
    }
}

/// The token from the argument, or from stdin for `-` or a pipe (bounded: a token is a few
/// KiB; twice the largest allowed is read, so the size check can name it).
fn token(args: &InspectArgs) -> anyhow::Result<String> {
    match args.token.as_deref() {
        Some(token) if token != "-" => return Ok(token.to_owned()),
        None if std::io::stdin().is_terminal() => {
            bail!("no token: pass one as an argument, or pipe it into stdin")
        }
        _ => {}
    }
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(2 * MAX_TOKEN_BYTES as u64)
        .read_to_end(&mut bytes)
        .context("cannot read the token from stdin")?;
    let text = String::from_utf8_lossy(&bytes);
    let mut lines = text.lines().filter(|line| !line.trim().is_empty());
    let Some(first) = lines.next().map(str::to_owned) else {
        bail!("no token on stdin: it was empty");
    };
    if lines.next().is_some() {
        bail!("stdin holds more than one line: inspect decodes one token (validate - takes many)");
    }
    Ok(first)
}
