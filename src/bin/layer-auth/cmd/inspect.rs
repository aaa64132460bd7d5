//! `layer-auth inspect`: decode a token without a key and without verifying anything.

use std::io::{IsTerminal as _, Write as _};

use anyhow::bail;
use clap::Args;
use layer_auth::checks::{self, CheckId, MAX_TOKEN_BYTES, Policy, Report, Status};
use layer_auth::keys::KeySet;
use layer_auth::output::{Paint, Times, escape, inert_json, json_line, render_decoded};
use layer_auth::token::{Decoded, Object};

use super::Outcome;
use crate::args::{ClockArgs, ZoneArgs};
use crate::batch::{self, Line};
use crate::term;

const EXAMPLES: &str = "Examples:
  layer-auth inspect \"$TOKEN\"
  layer-auth sign --nonce n1 --user alice | layer-auth inspect --json | jq .
  layer-auth inspect - --json < tokens.txt | jq -c '{line, exp: .claims.exp}'";

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
/// "signature_bytes", "verified": false} on stdout. With - (or piped stdin and no TOKEN)
/// every non-empty line is a token, decoded on every core, in order (JSON lines then carry
/// "line", and one that does not decode is {"line", "decoded": false, "error"}). Nothing is
/// verified: not the signature, not one claim; `layer-auth validate` does that. Exit status:
/// 0 when every token decodes, 1 when one does not (with the reason, in validate's words),
/// 2 for bad input.
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
    let inspector = Inspector::new(args, paint);
    let one = one_token(args)?;
    let mut tally = Tally {
        json: args.json,
        ..Tally::default()
    };
    match one {
        Some(token) => tally.take(inspector.token(token, None))?,
        None => inspector.stream(&mut tally)?,
    }
    tally.flush()?;
    Ok(if tally.failed == 0 {
        Outcome::Done
    } else {
        Outcome::Invalid
    })
}

/// The token given as an argument, or `None` for a stream on stdin (`-`, or piped).
fn one_token(args: &InspectArgs) -> anyhow::Result<Option<&str>> {
    match args.token.as_deref() {
        Some(token) if token != "-" => Ok(Some(token)),
        None if std::io::stdin().is_terminal() => {
            bail!("no token: pass one as an argument, or pipe tokens (one per line) into stdin")
        }
        _ => Ok(None),
    }
}

/// What a token is decoded against: the clock for relative times, and the output form.
struct Inspector {
    now: chrono::DateTime<chrono::Utc>,
    times: Times,
    json: bool,
    paint: Paint,
}

/// One token as shown: its text for stdout (JSON) or stderr (people), and whether it
/// decoded.
struct Shown {
    decoded: bool,
    text: Vec<u8>,
}

impl Inspector {
    /// The clock and zone of the arguments (the zone's warning said, unless for JSON), and
    /// the output form.
    fn new(args: &InspectArgs, paint: Paint) -> Self {
        let now = args.clock.now();
        if let Some(warning) = args.zone.warning().filter(|_| !args.json) {
            term::warn(paint, &warning);
        }
        Self {
            now,
            times: args.zone.times(now),
            json: args.json,
            paint,
        }
    }

    /// Every line of stdin, decoded on every core and taken in order.
    fn stream(&self, tally: &mut Tally) -> anyhow::Result<()> {
        batch::for_each_line(
            std::io::stdin(),
            2 * MAX_TOKEN_BYTES,
            |n, line| self.line(n, line),
            |_, shown, end| tally.take_line(shown, end),
        )?;
        if tally.seen == 0 {
            bail!("no token on stdin: expected one token per line");
        }
        Ok(())
    }

    /// A line of a stream: blank lines keep their numbers but are no tokens.
    fn line(&self, n: usize, line: Line<'_>) -> Option<anyhow::Result<Shown>> {
        match line {
            Line::TooLong(len) => {
                let no_keys = KeySet::default();
                let report = checks::validate_oversized(len, &Policy::new(self.now, &no_keys));
                Some(self.failure(&why_not(&report), Some(n)))
            }
            Line::Text(bytes) => {
                let text = match std::str::from_utf8(bytes) {
                    Ok(text) => std::borrow::Cow::Borrowed(text),
                    Err(_) => String::from_utf8_lossy(bytes),
                };
                (!text.trim().is_empty()).then(|| self.token(&text, Some(n)))
            }
        }
    }

    /// A token decoded and shown; one that does not decode is judged by validate's
    /// structure checks, for the reason in their words.
    fn token(&self, token: &str, line: Option<usize>) -> anyhow::Result<Shown> {
        let trimmed = token.trim();
        let decoded = (trimmed.len() <= MAX_TOKEN_BYTES)
            .then(|| layer_auth::token::decode(trimmed).ok())
            .flatten();
        match decoded {
            Some(Decoded {
                header: Ok(header),
                claims: Ok(claims),
                signature: Ok(signature),
                ..
            }) => self.decoded(&header, &claims, signature.len(), line),
            _ => {
                let no_keys = KeySet::default();
                let report = checks::validate(token, &Policy::new(self.now, &no_keys));
                self.failure(&why_not(&report), line)
            }
        }
    }

    /// The decoded parts: JSON written straight from their text, or the text view.
    fn decoded(
        &self,
        header: &Object,
        claims: &Object,
        signature_bytes: usize,
        line: Option<usize>,
    ) -> anyhow::Result<Shown> {
        let text = if self.json {
            decoded_json(header, claims, signature_bytes, line)
        } else {
            self.decoded_text(header, claims, signature_bytes, line)?
        };
        Ok(Shown {
            decoded: true,
            text,
        })
    }

    /// The text view of the decoded parts, under a `── line N ──` rule in a stream.
    fn decoded_text(
        &self,
        header: &Object,
        claims: &Object,
        signature_bytes: usize,
        line: Option<usize>,
    ) -> anyhow::Result<Vec<u8>> {
        let mut text = Vec::new();
        if let Some(n) = line {
            writeln!(text, "{}", self.paint.bold(&format!("── line {n} ──")))?;
        }
        render_decoded(
            header,
            claims,
            signature_bytes,
            &self.times,
            self.paint,
            &mut text,
        )?;
        Ok(text)
    }

    fn failure(&self, reason: &str, line: Option<usize>) -> anyhow::Result<Shown> {
        let text = if self.json {
            let mut shown = serde_json::json!({ "decoded": false, "error": reason });
            if let Some(n) = line {
                shown["line"] = n.into();
            }
            json_line(&shown)?.into_bytes()
        } else {
            let at = line.map_or(String::new(), |n| format!("line {n}: "));
            let text = format!("✗ {at}not a decodable JWS/JWT: {}", escape(reason));
            format!("{}\n", self.paint.bad(&text)).into_bytes()
        };
        Ok(Shown {
            decoded: false,
            text,
        })
    }
}

/// Where shown tokens go, and the counts for the exit status.
struct Tally {
    out: Box<dyn std::io::Write>,
    /// A chunk's output, written at its end: on stdout (JSON) or stderr (the text view).
    pieces: term::Gather,
    seen: usize,
    failed: usize,
    json: bool,
}

impl Default for Tally {
    fn default() -> Self {
        Self {
            out: term::stdout(),
            pieces: term::Gather::default(),
            seen: 0,
            failed: 0,
            json: false,
        }
    }
}

impl Tally {
    fn take(&mut self, shown: anyhow::Result<Shown>) -> anyhow::Result<()> {
        let shown = shown?;
        self.seen += 1;
        self.failed += usize::from(!shown.decoded);
        self.pieces.push(shown.text);
        Ok(())
    }

    /// Writes what is held: JSON (and a failure's JSON) is data on stdout; the text view
    /// is for people.
    fn flush(&mut self) -> anyhow::Result<()> {
        if self.json {
            self.pieces.write_to(&mut self.out)?;
        } else {
            self.pieces.write_to(&mut std::io::stderr().lock())?;
        }
        self.out.flush()?;
        Ok(())
    }

    fn take_line(&mut self, shown: Option<anyhow::Result<Shown>>, end: bool) -> anyhow::Result<()> {
        if let Some(shown) = shown {
            self.take(shown)?;
        }
        if end || self.pieces.wants_write() {
            self.flush()?;
        }
        Ok(())
    }
}

/// `{"header", "claims", "signature_bytes", "verified": false, "line"?}` and a newline,
/// written from the parts' own JSON text ([`inert_json`] when it is not ASCII).
fn decoded_json(
    header: &Object,
    claims: &Object,
    signature_bytes: usize,
    line: Option<usize>,
) -> Vec<u8> {
    let mut number = itoa::Buffer::new();
    let mut text = Vec::with_capacity(header.json().len() + claims.json().len() + 80);
    for part in [
        "{\"header\":",
        header.json(),
        ",\"claims\":",
        claims.json(),
        ",\"signature_bytes\":",
        number.format(signature_bytes),
        ",\"verified\":false",
    ] {
        text.extend_from_slice(part.as_bytes());
    }
    if let Some(n) = line {
        text.extend_from_slice(b",\"line\":");
        text.extend_from_slice(number.format(n).as_bytes());
    }
    text.extend_from_slice(b"}\n");
    inert(text)
}

/// JSON `text` as it is when it is ASCII, else through [`inert_json`].
#[inline]
fn inert(text: Vec<u8>) -> Vec<u8> {
    if text.is_ascii() {
        return text;
    }
    inert_json(&String::from_utf8_lossy(&text))
        .into_owned()
        .into_bytes()
}

/// Why a token does not decode, in `validate`'s words: its failed structure checks.
fn why_not(report: &Report) -> String {
    let problems: Vec<String> = STRUCTURE
        .iter()
        .filter_map(|id| report.check(*id))
        .filter(|check| check.status == Status::Fail)
        .map(|check| format!("{}: {}", check.id.as_str(), check.message))
        .collect();
    if problems.is_empty() {
        "it does not decode".to_owned()
    } else {
        problems.join("; ")
    }
}
