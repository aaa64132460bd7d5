//! `layer-auth validate`: every check of the token format, one token or a stream of them.

use std::io::{IsTerminal as _, Write as _};
use std::path::PathBuf;

use anyhow::bail;
use clap::Args;
use layer_auth::checks::{self, Expect, Policy, Report};
use layer_auth::keys::KeySet;
use layer_auth::output::{Paint, render_report};

use super::Outcome;
use crate::args::{ClockArgs, IdArgs, KeyArgs, parse_duration};
use crate::batch::{self, Line};
use crate::{keysource, term};

const EXAMPLES: &str = "Examples:
  layer-auth validate \"$TOKEN\" --public-key layer-key.pub.pem --nonce \"$NONCE\" --user alice
  layer-auth validate \"$TOKEN\" --public-key jwks.json --leeway 30s --json | jq .checks
  cat tokens.txt | layer-auth validate --public-key layer-key.pub.pem --json > reports.jsonl";

/// Validate identity tokens, naming every check with the service's eit_* reason.
///
/// Decodes the header and claims, runs each rule of the Layer token format (✓ pass, ✗ fail,
/// – skipped) and prints a verdict. A token is valid only when no check fails and its
/// signature was verified with a --public-key (unless --skip-signature). The report goes to
/// stderr; with --json, one JSON object per token goes to stdout. With - (or piped stdin and
/// no TOKEN) every non-empty line is a token, validated on every core, in order. Exit status:
/// 0 all valid, 1 any invalid, 2 bad input (unreadable key, bad flag).
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct ValidateArgs {
    /// The token, or - to read one token per line from stdin.
    #[arg(value_name = "TOKEN|-")]
    pub token: Option<String>,

    /// Public key to verify with (repeatable): SPKI or PKCS#1 PEM, a private key's PEM, JWK
    /// or JWKS; several form a key set chosen by kid. Default: the public half of --key
    /// (LAYER_PRIVATE_KEY_PATH) or LAYER_PRIVATE_KEY when one is set.
    #[arg(long, value_name = "PATH", allow_hyphen_values = true)]
    pub public_key: Vec<PathBuf>,

    #[command(flatten)]
    pub key: KeyArgs,

    #[command(flatten)]
    pub ids: IdArgs,

    /// The user the token must be for (its prn).
    #[arg(long, value_name = "USER", allow_hyphen_values = true)]
    pub user: Option<String>,

    /// The nonce the token must carry (its nce).
    #[arg(long, value_name = "NONCE", allow_hyphen_values = true)]
    pub nonce: Option<String>,

    /// Clock skew forgiven on iat and exp: 30s, 2m, … (default: none).
    #[arg(long, default_value = "0s", value_parser = parse_duration, allow_hyphen_values = true, value_name = "DURATION")]
    pub leeway: chrono::TimeDelta,

    #[command(flatten)]
    pub clock: ClockArgs,

    /// Print one JSON report per token on stdout (schema in SPEC §3) instead of text.
    #[arg(long)]
    pub json: bool,

    /// Count a token valid without verifying its signature (contents only).
    #[arg(long)]
    pub skip_signature: bool,
}

pub fn run(args: &ValidateArgs, paint: Paint) -> anyhow::Result<Outcome> {
    let loaded = keysource::trusted_keys(&args.public_key, &args.key)?;
    term::warnings(paint, &loaded.warnings);
    let keys = KeySet::new(loaded.value);
    let policy = Policy {
        now: args.clock.now(),
        leeway: args.leeway,
        keys: &keys,
        expect: Expect {
            nonce: args.nonce.clone(),
            user: args.user.clone(),
            provider_id: args.ids.provider_id(),
            key_id: args.ids.key_id(),
        },
        skip_signature: args.skip_signature,
    };
    // Rendering is part of the work, so it runs on every core in batch mode.
    let render = |report: &Report| -> std::io::Result<Vec<u8>> {
        let mut bytes = Vec::with_capacity(2048);
        if args.json {
            serde_json::to_writer(&mut bytes, report)?;
            bytes.push(b'\n');
        } else {
            render_report(report, policy.now, paint, &mut bytes)?;
        }
        Ok(bytes)
    };
    let judge = |token: &str| {
        let report = checks::validate(token, &policy);
        render(&report).map(|bytes| (report.valid, bytes))
    };
    let judge_oversized = |len: usize| {
        let report = checks::validate_oversized(len, &policy);
        render(&report).map(|bytes| (report.valid, bytes))
    };
    let mut out = term::stdout();
    // Writes one rendered report; `flush` at the end of a chunk, so answers stream.
    let mut show = |bytes: &[u8], line: Option<usize>, flush: bool| -> anyhow::Result<()> {
        if args.json {
            out.write_all(bytes)?;
            if flush {
                out.flush()?;
            }
        } else {
            let mut err = std::io::stderr().lock();
            if let Some(line) = line {
                writeln!(err, "{}", paint.bold(&format!("── line {line} ──")))?;
            }
            err.write_all(bytes)?;
        }
        Ok(())
    };
    let mut invalid = 0usize;
    match args.token.as_deref() {
        Some(token) if token != "-" => {
            let (valid, bytes) = judge(token)?;
            invalid += usize::from(!valid);
            show(&bytes, None, false)?;
        }
        _ => {
            if args.token.is_none() && std::io::stdin().is_terminal() {
                bail!(
                    "no token: pass one as an argument, or pipe tokens (one per line) into stdin"
                );
            }
            let mut seen = 0usize;
            let progress = term::Progress::new("validated");
            batch::for_each_line(
                std::io::stdin(),
                checks::MAX_TOKEN_BYTES,
                |line| match line {
                    Line::TooLong(len) => Some(judge_oversized(len)),
                    Line::Text(line) => {
                        let text = match std::str::from_utf8(line) {
                            Ok(text) => std::borrow::Cow::Borrowed(text),
                            Err(_) => String::from_utf8_lossy(line),
                        };
                        (!text.trim().is_empty()).then(|| judge(&text))
                    }
                },
                |line_no, judged, end_of_chunk| {
                    progress.tick();
                    let Some(judged) = judged else {
                        return show(&[], None, end_of_chunk);
                    };
                    let (valid, bytes) = judged?;
                    seen += 1;
                    invalid += usize::from(!valid);
                    progress.suspend(|| show(&bytes, Some(line_no), end_of_chunk))
                },
            )?;
            progress.finish();
            if seen == 0 {
                bail!("no token on stdin: expected one token per line");
            }
            if seen > 1 && !args.json {
                term::say(&format!("{} of {seen} tokens valid", seen - invalid));
            }
        }
    }
    out.flush()?;
    Ok(if invalid == 0 {
        Outcome::Done
    } else {
        Outcome::Invalid
    })
}
