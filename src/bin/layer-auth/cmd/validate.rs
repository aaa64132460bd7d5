//! `layer-auth validate`: every check of the token format, one token or a stream of them.

use std::io::{IsTerminal as _, Write as _};
use std::path::PathBuf;

use anyhow::{Context as _, bail};
use clap::{Args, ValueEnum};
use layer_auth::checks::{self, Expect, Policy, Report};
use layer_auth::keys::KeySet;
use layer_auth::output::{
    Detail, JunitCase, Paint, Times, escape, github_annotations, inert_json, json_line,
    push_report, write_junit,
};
use serde_json::Value;

use super::Outcome;
use crate::args::{ClockArgs, IdArgs, KeyArgs, ZoneArgs, parse_duration};
use crate::batch::{self, Line};
use crate::hints::{FlagHints, Given};
use crate::{keysource, term};

const EXAMPLES: &str = "Examples:
  layer-auth validate \"$TOKEN\" --public-key layer-key.pub.pem \\
      --nonce \"$NONCE\" --user alice --strict
  layer-auth validate \"$TOKEN\" --public-key jwks.json --json | jq .failed
  layer-auth validate - --public-key layer-key.pub.pem --strict \\
      --format github --junit report.xml < tokens.txt";

/// Validate identity tokens, naming every check with the service's eit_* reason.
///
/// Decodes the header and claims, runs each rule of the Layer token format (✓ pass, ⚠ pass
/// with something to fix, ✗ fail, – not checked) and prints a verdict that names every check
/// not made. A token is valid only when no check fails and its signature was verified with a
/// --public-key (unless --skip-signature); --strict also fails it for any warning or check
/// not made. The report goes to stderr; with --json, one JSON object per token goes to
/// stdout (docs/report.md). With - (or piped stdin and no TOKEN) every non-empty line is a
/// token, validated on every core, in order; with --jsonl each line is {"token", "nonce",
/// "user"}. Exit status: 0 all valid, 1 any invalid, 2 bad input (unreadable key, bad flag).
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

    #[command(flatten)]
    pub zone: ZoneArgs,

    /// Print one JSON report per token on stdout (docs/report.md) instead of text.
    #[arg(long)]
    pub json: bool,

    /// Print only the verdict line of each token (and errors), not its header, claims and
    /// checks.
    #[arg(short, long, conflicts_with = "json")]
    pub quiet: bool,

    /// Read stdin as JSON lines {"token": …, "nonce": …, "user": …}: each token judged
    /// against its own nonce and user; one a line leaves out is --nonce's or --user's, and
    /// the Provider and Key IDs are those given for the run.
    #[arg(long)]
    pub jsonl: bool,

    /// Fail a token for any warning or check not made, not only for a failed check.
    #[arg(long)]
    pub strict: bool,

    /// Count a token valid without verifying its signature (contents only).
    #[arg(long)]
    pub skip_signature: bool,

    /// Also print CI annotations on stderr: github (one ::error/::warning line per failed or
    /// warned check, one ::notice naming the checks not made).
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<CiFormat>,

    /// Also write a JUnit XML report to FILE (one testcase per token, a failure per failed
    /// check, warnings and checks not made in its system-out).
    #[arg(long, value_name = "FILE", allow_hyphen_values = true)]
    pub junit: Option<PathBuf>,
}

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CiFormat {
    /// GitHub Actions workflow commands.
    Github,
}

/// Where the tokens come from.
enum Input {
    One(String),
    Lines,
    Jsonl,
}

/// One token judged, rendered on the worker thread (rendering is part of the work).
struct Judged {
    valid: bool,
    /// The JSON line for stdout, or the human report for stderr.
    shown: Vec<u8>,
    annotations: String,
    case: Option<JunitCase>,
}

pub fn run(args: &ValidateArgs, paint: Paint) -> anyhow::Result<Outcome> {
    // Claimed before any key is read: a key asked from stdin too would take the tokens.
    if tokens_from_stdin(args) {
        keysource::reserve_stdin(TOKENS)?;
    }
    let loaded = keysource::trusted_keys(&args.public_key, &args.key)?;
    term::warnings(paint, &loaded.warnings);
    if let Some(warning) = args.zone.warning().filter(|_| !args.json) {
        term::warn(paint, &warning);
    }
    let keys = KeySet::new(loaded.value);
    if args.format == Some(CiFormat::Github) && args.skip_signature {
        // Once for the run, not once a token (see `github_annotations`).
        term::say(
            "::warning title=signature not checked::--skip-signature: no token's signature is \
             verified, so a token passes on its contents alone and is not authenticated",
        );
    }
    let judge = Judge::new(args, &keys, paint);
    let mut sink = Sink::new(args, paint);
    match input(args)? {
        Input::One(token) => sink.take(judge.token(&token, None, None))?,
        stream => {
            let jsonl = matches!(stream, Input::Jsonl);
            sink.lines = true;
            let progress = term::Progress::new("validated");
            let streamed = batch::for_each_line(
                std::io::stdin(),
                checks::MAX_TOKEN_BYTES * 2,
                |n, line| judge.line(n, line, jsonl),
                |_, judged, end| {
                    progress.tick();
                    progress.suspend(|| sink.take_line(judged, end))
                },
            );
            progress.finish();
            match streamed {
                // stdout closed (`| head -1`): a quiet end, whose status still says whether
                // a token judged so far was invalid.
                Err(error) if term::is_broken_pipe(&error) => return Ok(sink.outcome()),
                other => other?,
            }
        }
    }
    sink.finish()
}

/// What stdin carries when the tokens come from it.
const TOKENS: &str = "tokens";

/// Whether the tokens are asked for from stdin in so many words (`-` or `--jsonl`); with no
/// TOKEN, a key piped in is taken as the key and the token asked for as an argument.
fn tokens_from_stdin(args: &ValidateArgs) -> bool {
    args.jsonl || args.token.as_deref() == Some("-")
}

fn input(args: &ValidateArgs) -> anyhow::Result<Input> {
    if let Some(what) = keysource::stdin_read_for().filter(|what| what != TOKENS) {
        match args.token.as_deref() {
            Some("-") | None => bail!(
                "stdin carried the {what} (-), so tokens cannot come from it too: give the \
                 token as an argument"
            ),
            Some(_) if args.jsonl => bail!("--jsonl reads stdin, which carried the {what} (-)"),
            Some(_) => {}
        }
    }
    match args.token.as_deref() {
        Some(token) if args.jsonl && token != "-" => {
            bail!("--jsonl reads stdin: give - or no TOKEN")
        }
        Some(token) if token != "-" => Ok(Input::One(token.to_owned())),
        None if std::io::stdin().is_terminal() => {
            bail!("no token: pass one as an argument, or pipe tokens (one per line) into stdin")
        }
        _ if args.jsonl => Ok(Input::Jsonl),
        _ => Ok(Input::Lines),
    }
}

/// The report as one JSON line, inert on a terminal.
fn json_report(report: &Report) -> Vec<u8> {
    let mut shown = Vec::with_capacity(3072);
    report.write_json(&mut shown);
    shown.push(b'\n');
    if shown.is_ascii() {
        shown
    } else {
        inert_json(&String::from_utf8_lossy(&shown))
            .into_owned()
            .into_bytes()
    }
}

/// Everything a token is judged and rendered with.
struct Judge<'a> {
    policy: Policy<'a>,
    times: Times,
    detail: Detail,
    hints: FlagHints,
    paint: Paint,
    json: bool,
    annotate: bool,
    junit: bool,
}

impl<'a> Judge<'a> {
    fn new(args: &ValidateArgs, keys: &'a KeySet, paint: Paint) -> Self {
        let expect = Expect {
            nonce: args.nonce.clone(),
            user: args.user.clone(),
            provider_id: args.ids.provider_id(),
            key_id: args.ids.key_id(),
        };
        let given = Given {
            nonce: expect.nonce.is_some(),
            user: expect.user.is_some(),
            provider_id: expect.provider_id.is_some(),
            key_id: expect.key_id.is_some(),
            keys: !keys.is_empty(),
            skip_signature: args.skip_signature,
            per_line: args.jsonl,
        };
        let policy = Policy {
            leeway: args.leeway,
            expect,
            skip_signature: args.skip_signature,
            strict: args.strict,
            ..Policy::new(args.clock.now(), keys)
        };
        Self {
            times: args.zone.times(policy.now),
            detail: if args.quiet {
                Detail::Verdict
            } else {
                Detail::Full
            },
            policy,
            hints: FlagHints::new(given),
            paint,
            json: args.json,
            annotate: args.format == Some(CiFormat::Github),
            junit: args.junit.is_some(),
        }
    }

    /// One line of a stream: a token, a JSON line, or one too long to be either.
    fn line(&self, n: usize, line: Line<'_>, jsonl: bool) -> Option<anyhow::Result<Judged>> {
        let text = match line {
            Line::TooLong(len) => {
                let policy = &self.policy;
                return Some(self.render(checks::validate_oversized(len, policy), Some(n)));
            }
            // from_utf8 first: its ASCII fast path is several times quicker than the lossy
            // decoder, which only invalid lines need.
            Line::Text(bytes) => match std::str::from_utf8(bytes) {
                Ok(text) => std::borrow::Cow::Borrowed(text),
                Err(_) => String::from_utf8_lossy(bytes),
            },
        };
        // Blank lines keep their numbers but are not tokens.
        if text.trim().is_empty() {
            return None;
        }
        if !jsonl {
            return Some(self.token(&text, Some(n), None));
        }
        Some(match expectations(text.as_bytes()) {
            Ok((token, expect)) => self.token(&token, Some(n), Some(expect)),
            Err(problem) => self.bad_line(n, &problem),
        })
    }

    /// A token, judged against the run's expectations or a line's own.
    fn token(
        &self,
        token: &str,
        line: Option<usize>,
        expect: Option<Expect>,
    ) -> anyhow::Result<Judged> {
        let report = match expect {
            Some(expect) => checks::validate(
                token,
                &Policy {
                    expect: self.with_flags(expect),
                    ..self.policy.clone()
                },
            ),
            None => checks::validate(token, &self.policy),
        };
        self.render(report, line)
    }

    /// A `--jsonl` line's nonce and user, with what the flags give for the rest: the
    /// Provider and Key IDs always, and the nonce or user a line leaves out.
    fn with_flags(&self, line: Expect) -> Expect {
        let run = &self.policy.expect;
        Expect {
            nonce: line.nonce.or_else(|| run.nonce.clone()),
            user: line.user.or_else(|| run.user.clone()),
            provider_id: run.provider_id.clone(),
            key_id: run.key_id.clone(),
        }
    }

    fn render(&self, mut report: Report, line: Option<usize>) -> anyhow::Result<Judged> {
        report.line = line;
        let shown = if self.json {
            json_report(&report)
        } else {
            self.text_report(&report, line)
        };
        // Only annotations and JUnit cases are labelled.
        let label = || line.map(|n| format!("line {n}"));
        Ok(Judged {
            valid: report.valid,
            annotations: if self.annotate {
                github_annotations(&report, label().as_deref())
            } else {
                String::new()
            },
            case: self
                .junit
                .then(|| JunitCase::of(&report, label().unwrap_or_else(|| "token".into()))),
            shown,
        })
    }

    /// The human report, under its line's heading in a stream.
    fn text_report(&self, report: &Report, line: Option<usize>) -> Vec<u8> {
        let mut text = String::with_capacity(3072);
        if let Some(n) = line {
            self.line_heading(n, &mut text);
        }
        push_report(
            report,
            &self.times,
            self.detail,
            self.paint,
            &self.hints,
            &mut text,
        );
        text.into_bytes()
    }

    /// `line 7: ` before a verdict alone, or a `── line 7 ──` heading over a report.
    fn line_heading(&self, n: usize, text: &mut String) {
        let mut number = itoa::Buffer::new();
        let n = number.format(n);
        if self.detail == Detail::Verdict {
            for part in ["line ", n, ": "] {
                text.push_str(part);
            }
        } else {
            self.paint
                .push(text, Paint::bold, &["── line ", n, " ──"].concat());
            text.push('\n');
        }
    }

    /// A `--jsonl` line that holds no token to judge.
    fn bad_line(&self, n: usize, problem: &str) -> anyhow::Result<Judged> {
        let shown = if self.json {
            let error = serde_json::json!({
                "schema": checks::REPORT_SCHEMA, "line": n, "valid": false, "error": problem
            });
            json_line(&error)?.into_bytes()
        } else {
            format!(
                "{} line {n}: {}\n",
                self.paint.bad("error:"),
                escape(problem)
            )
            .into_bytes()
        };
        Ok(Judged {
            valid: false,
            shown,
            annotations: if self.annotate {
                format!("::error title=input::line {n}: {}\n", escape(problem))
            } else {
                String::new()
            },
            case: self
                .junit
                .then(|| JunitCase::error(format!("line {n}"), problem)),
        })
    }
}

/// `{"token": …, "nonce": …, "user": …}`: the token and what it must carry.
fn expectations(line: &[u8]) -> Result<(String, Expect), String> {
    let object = layer_auth::json::parse_object(line).map_err(|e| format!("the line {e}"))?;
    let text = |name: &str| match object.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(format!(
            "\"{name}\" is {}; it must be a string",
            layer_auth::token::kind(other)
        )),
    };
    let token = text("token")?
        .ok_or("no \"token\"; each line is {\"token\": …, \"nonce\": …, \"user\": …}")?;
    let expect = Expect {
        nonce: text("nonce")?,
        user: text("user")?,
        ..Expect::default()
    };
    Ok((token, expect))
}

/// Where judged tokens go: stdout (JSON) or stderr (people), annotations, the JUnit file,
/// and the counts for the summary and the exit status.
struct Sink<'a> {
    args: &'a ValidateArgs,
    paint: Paint,
    out: Box<dyn std::io::Write>,
    err: std::io::BufWriter<std::io::Stderr>,
    /// A chunk's JSON lines, and its human reports and annotations, written at the end of
    /// the chunk: a write per report cost a system call per token (3% of a stream's time).
    out_pieces: term::Gather,
    err_pieces: term::Gather,
    cases: Vec<JunitCase>,
    seen: usize,
    invalid: usize,
    /// Whether tokens came from a stream (where none at all is an error).
    lines: bool,
}

impl<'a> Sink<'a> {
    fn new(args: &'a ValidateArgs, paint: Paint) -> Self {
        Self {
            args,
            paint,
            out: term::stdout(),
            err: std::io::BufWriter::with_capacity(64 * 1024, std::io::stderr()),
            out_pieces: term::Gather::default(),
            err_pieces: term::Gather::default(),
            cases: Vec::new(),
            seen: 0,
            invalid: 0,
            lines: false,
        }
    }

    fn take_line(
        &mut self,
        judged: Option<anyhow::Result<Judged>>,
        end_of_chunk: bool,
    ) -> anyhow::Result<()> {
        if let Some(judged) = judged {
            self.take(judged)?;
        }
        if end_of_chunk || self.out_pieces.wants_write() || self.err_pieces.wants_write() {
            self.flush()?;
        }
        Ok(())
    }

    fn take(&mut self, judged: anyhow::Result<Judged>) -> anyhow::Result<()> {
        let judged = judged?;
        self.seen += 1;
        self.invalid += usize::from(!judged.valid);
        if self.args.json {
            self.out_pieces.push(judged.shown);
        } else {
            self.err_pieces.push(judged.shown);
        }
        self.err_pieces.push(judged.annotations.into_bytes());
        self.cases.extend(judged.case);
        Ok(())
    }

    fn flush(&mut self) -> anyhow::Result<()> {
        self.err_pieces.write_to(&mut self.err)?;
        self.err.flush()?;
        self.out_pieces.write_to(&mut self.out)?;
        self.out.flush()?;
        Ok(())
    }

    /// 0 when every token judged so far was valid, else 1: the end of a run, or of one
    /// whose stdout closed under it.
    fn outcome(&self) -> Outcome {
        if self.invalid == 0 {
            Outcome::Done
        } else {
            Outcome::Invalid
        }
    }

    fn finish(mut self) -> anyhow::Result<Outcome> {
        self.flush()?;
        if self.lines && self.seen == 0 {
            bail!("no token on stdin: expected one token per line");
        }
        if self.seen > 1 && !self.args.json {
            let summary = format!("{} of {} tokens valid", self.seen - self.invalid, self.seen);
            term::say(&if self.invalid == 0 {
                self.paint.good(&summary)
            } else {
                self.paint.bad(&summary)
            });
        }
        if let Some(path) = &self.args.junit {
            write_junit_file(path, &self.cases)?;
        }
        Ok(self.outcome())
    }
}

fn write_junit_file(path: &std::path::Path, cases: &[JunitCase]) -> anyhow::Result<()> {
    let mut bytes = Vec::new();
    write_junit("layer-auth validate", cases, &mut bytes)?;
    std::fs::write(path, bytes)
        .with_context(|| format!("cannot write the JUnit report {}", path.display()))
}
