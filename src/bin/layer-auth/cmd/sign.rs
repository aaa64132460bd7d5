//! `layer-auth sign`: one token for one user and nonce, or one per JSON line with --batch.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use clap::{Args, ValueEnum};
use layer_auth::json::JsonError;
use layer_auth::keys::SigningKey;
use layer_auth::output::Paint;
use layer_auth::output::escape;
use layer_auth::token::{self, TokenTemplate, Typ};
use serde_json::{Map, Value};

use super::Outcome;
use crate::args::{ClockArgs, IdArgs, IdParser, KeyArgs, WeakKeyArgs, parse_duration};
use crate::batch::{self, Line};
use crate::{keysource, term};

const EXAMPLES: &str = "Examples:
  export LAYER_PRIVATE_KEY_PATH=layer-key.pem   # and the two LAYER_*_ID
  layer-auth sign --nonce \"$NONCE\" --user alice --display-name 'Alice Liddell'
  layer-auth sign --nonce n1 --user 42 --ttl 2m \\
      --claim 'metadata={\"team\":\"blue\"}'
  layer-auth sign --batch requests.jsonl > tokens.txt";

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
        value_parser = IdParser::NONCE,
        allow_hyphen_values = true
    )]
    pub nonce: Option<String>,

    /// Your app's id for the user (the token's prn).
    #[arg(
        long,
        required_unless_present = "batch",
        conflicts_with = "batch",
        value_parser = IdParser::USER,
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
    /// JSON with a member twice, or with a number that would not be signed as the same
    /// number (past 64-bit integers or a double's range, or more digits than a double
    /// keeps), is refused. Numbers are signed in serde_json's form: 1e3 as 1000.0, -0 as
    /// -0.0, 1.5e300 as 1.5e+300. Naming a standard claim (iat, exp, …) replaces it: handy
    /// for crafting test tokens.
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
        Ok(parsed) => {
            // A number no double holds would be signed as another number.
            layer_auth::json::exact_numbers(value)
                .map_err(|error| format!("the value of {name} {error}"))?;
            parsed
        }
        Err(error @ JsonError::Duplicate(_)) => return Err(format!("the value of {name} {error}")),
        // JSON by its grammar, with a number past a double's range: never a string silently.
        Err(JsonError::Syntax(detail)) if layer_auth::json::is_json_grammar(value) => {
            return Err(format!(
                "the value of {name} is JSON that cannot be signed as written ({detail}); give \
                 it as a string"
            ));
        }
        Err(_) => Value::String(value.to_owned()),
    };
    Ok((name.to_owned(), value))
}

/// What every token of the run shares: ids, lifetime, flags' claims, and the parsed key.
struct Signer {
    template: TokenTemplate,
    clock: ClockArgs,
    key: SigningKey,
}

/// A batch line signed: the token, and what to tell about the line.
type Signed = Result<(String, Vec<String>), String>;

/// Per-line names that are options of the whole run, not claims.
const RUN_OPTIONS: [&str; 8] = [
    "ttl",
    "typ",
    "now",
    "key",
    "key_id",
    "provider_id",
    "kid",
    "leeway",
];

impl Signer {
    fn new(args: &SignArgs, paint: Paint) -> anyhow::Result<Self> {
        let (provider_id, key_id) = settings(args)?;
        if args.ttl <= chrono::TimeDelta::zero() {
            bail!("--ttl must be more than 0s");
        }
        let template = TokenTemplate {
            key_id,
            provider_id,
            typ: match args.typ {
                TypArg::Jws => Typ::Jws,
                TypArg::Jwt => Typ::Jwt,
            },
            ttl: args.ttl.num_seconds(),
            extra: flag_claims(args, paint),
        };
        let loaded = keysource::signing_key(&args.key, args.weak.weak_keys())?;
        term::warnings(paint, &loaded.warnings);
        Ok(Self {
            template,
            clock: args.clock.clone(),
            key: loaded.value,
        })
    }

    /// A token stamped now (each batch token when it is signed: a long batch takes
    /// minutes), or at `--now`.
    fn sign(&self, nonce: &str, user: &str, claims: Map<String, Value>) -> anyhow::Result<String> {
        let now = self.clock.now().timestamp();
        let request = self.template.request(user, nonce, now, claims);
        Ok(token::sign(&request, &self.key)?)
    }

    /// One batch line: `{"nonce": …, "user": …, …claims}`; `None` for a blank line.
    fn sign_line(&self, n: usize, line: Line<'_>) -> Option<Signed> {
        let line = match line {
            Line::Text(line) => line,
            Line::TooLong(len) => return Some(Err(too_long(len))),
        };
        let mut notes = Vec::new();
        let line = without_bom(n, line, &mut notes);
        if line.iter().all(u8::is_ascii_whitespace) {
            return None;
        }
        Some(self.sign_object(line).map(|(token, more)| {
            notes.extend(more.into_iter().map(|note| format!("line {n}: {note}")));
            (token, notes)
        }))
    }

    fn sign_object(&self, line: &[u8]) -> Signed {
        let mut object =
            layer_auth::json::parse_object(line).map_err(|error| format!("the line {error}"))?;
        // Parsed, so UTF-8.
        let text = String::from_utf8_lossy(line);
        layer_auth::json::exact_numbers(&text).map_err(|error| format!("the line {error}"))?;
        let nonce = take(&mut object, "nonce", &["nce", "nonceId"])?;
        let user = take(&mut object, "user", &["user_id", "userId", "userID", "prn"])?;
        if let Some(name) = token::REQUIRED_CLAIMS
            .iter()
            .find(|n| object.contains_key(**n))
        {
            return Err(format!(
                "\"{name}\" is set by sign itself (from \"user\", \"nonce\", the ids and --ttl); \
                 a line may add only other claims"
            ));
        }
        let notes = run_option_notes(&object);
        let token = self
            .sign(&nonce, &user, object)
            .map_err(|e| format!("{e:#}"))?;
        Ok((token, notes))
    }
}

/// Why a line over the token size limit is refused.
fn too_long(len: usize) -> String {
    format!(
        "the line is {len} bytes, over the {} KiB a token may have; its claims could never fit",
        token::MAX_TOKEN_BYTES / 1024
    )
}

/// The line without a leading UTF-8 byte-order mark, noted in `notes` when there was one.
#[inline]
fn without_bom<'l>(n: usize, line: &'l [u8], notes: &mut Vec<String>) -> &'l [u8] {
    match line.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => {
            notes.push(format!(
                "line {n} starts with a UTF-8 byte-order mark (BOM), skipped: save the file \
                 without it"
            ));
            rest
        }
        None => line,
    }
}

/// A note for each member of a batch line that names an option of the whole run.
#[inline]
fn run_option_notes(object: &Map<String, Value>) -> Vec<String> {
    RUN_OPTIONS
        .iter()
        .filter(|o| object.contains_key(**o))
        .map(|o| {
            format!(
                "\"{o}\" is not a per-line option (the flags set it for the whole batch); it is \
                 signed as a custom claim"
            )
        })
        .collect()
}

/// A required string member of a batch line, with "did you mean" for the names people use.
fn take(object: &mut Map<String, Value>, name: &str, aliases: &[&str]) -> Result<String, String> {
    match object.remove(name) {
        Some(Value::String(s)) => Ok(s),
        Some(other) => Err(format!(
            "\"{name}\" is {}; it must be a string",
            token::kind(&other)
        )),
        None => match aliases.iter().find(|a| object.contains_key(**a)) {
            Some(alias) => Err(format!(
                "no \"{name}\", but \"{alias}\": did you mean {name}? Each line needs \
                 {{\"nonce\": …, \"user\": …}}"
            )),
            None => Err(format!(
                "no \"{name}\"; each line needs {{\"nonce\": …, \"user\": …}}"
            )),
        },
    }
}

/// The provider id and key id, or one error that lists every missing setting (the key
/// too), so a CI author fixes them all in one go.
fn settings(args: &SignArgs) -> anyhow::Result<(String, String)> {
    let (provider_id, key_id) = (args.ids.provider_id(), args.ids.key_id());
    let missing = missing(args, provider_id.is_none(), key_id.is_none());
    match (provider_id, key_id) {
        (Some(p), Some(k)) if missing.is_empty() => Ok((p, k)),
        _ if missing.len() == 1 => {
            bail!("missing {} (the Layer dashboard shows the ids)", missing[0])
        }
        _ => bail!(
            "missing {} settings: {} (the Layer dashboard shows the ids)",
            missing.len(),
            missing.join("; ")
        ),
    }
}

/// What to do about each setting `sign` lacks: the ids, the key.
fn missing(args: &SignArgs, no_provider_id: bool, no_key_id: bool) -> Vec<&'static str> {
    let mut missing = Vec::new();
    if no_provider_id {
        missing.push(
            "the provider id: pass --provider-id layer:///providers/<uuid> or set \
             LAYER_PROVIDER_ID",
        );
    }
    if no_key_id {
        missing.push("the key id: pass --key-id layer:///keys/<uuid> or set LAYER_KEY_ID");
    }
    if !args.key.is_configured() {
        missing.push(
            "the private key: pass --key PATH, or set LAYER_PRIVATE_KEY_PATH (a file) or \
             LAYER_PRIVATE_KEY (the PEM itself); `layer-auth keygen --out key.pem` makes one",
        );
    }
    missing
}

/// `--display-name` and the other profile flags, then every `--claim`.
fn flag_claims(args: &SignArgs, paint: Paint) -> Map<String, Value> {
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
    extra
}

pub fn run(args: &SignArgs, paint: Paint) -> anyhow::Result<Outcome> {
    // Claimed before the key is read: a key asked from stdin too would take the lines.
    if args.batch.as_deref().is_some_and(|b| b.as_os_str() == "-") {
        keysource::reserve_stdin(BATCH_LINES)?;
    }
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
    sign_batch(&signer, batch, paint)
}

/// `--batch FILE|-`: one token per line, in order, on every core.
fn sign_batch(signer: &Signer, batch: &Path, paint: Paint) -> anyhow::Result<Outcome> {
    let input = batch_input(batch)?;
    let mut answers = Answers::new(paint);
    batch::for_each_line(
        input,
        token::MAX_TOKEN_BYTES,
        |n, line| signer.sign_line(n, line),
        |line_no, result, end_of_chunk| answers.answer(line_no, result, end_of_chunk),
    )?;
    answers.finish()
}

/// A batch's answers: a line on stdout for each line read, notes and errors on stderr
/// under the progress bar.
struct Answers {
    // Dropped before `out`, as when they were a function's locals.
    progress: term::Progress,
    out: Box<dyn Write>,
    paint: Paint,
    failed: usize,
}

impl Answers {
    fn new(paint: Paint) -> Self {
        let out = term::stdout();
        let progress = term::Progress::new("signed");
        Self {
            progress,
            out,
            paint,
            failed: 0,
        }
    }

    /// Line `line_no`'s answer: its token and notes, else an empty line (flushed at the end
    /// of each chunk, so answers leave as their lines come in).
    fn answer(
        &mut self,
        line_no: usize,
        result: Option<Signed>,
        end_of_chunk: bool,
    ) -> anyhow::Result<()> {
        self.progress.tick();
        match result {
            Some(Ok((token, notes))) => self.signed(&token, notes)?,
            // A blank line answers with a blank line, so line N still answers line N.
            None => writeln!(self.out)?,
            Some(Err(reason)) => self.refused(line_no, &reason)?,
        }
        if end_of_chunk {
            self.out.flush()?;
        }
        Ok(())
    }

    /// A signed line: its token on stdout, its notes as warnings.
    fn signed(&mut self, token: &str, notes: Vec<String>) -> std::io::Result<()> {
        writeln!(self.out, "{token}")?;
        for note in notes {
            let warning = self.paint.warn("warning:");
            self.progress.say(&format!("{warning} {}", escape(&note)));
        }
        Ok(())
    }

    /// A line that could not be signed: an empty line on stdout, the reason as an error.
    fn refused(&mut self, line_no: usize, reason: &str) -> std::io::Result<()> {
        self.failed += 1;
        writeln!(self.out)?;
        let reason = escape(reason);
        let error = self.paint.bad("error:");
        self.progress
            .say(&format!("{error} line {line_no}: {reason}"));
        Ok(())
    }

    /// The batch's end: the progress bar gone, stdout flushed, and the count of lines that
    /// could not be signed.
    fn finish(mut self) -> anyhow::Result<Outcome> {
        self.progress.finish();
        self.out.flush()?;
        if self.failed > 0 {
            term::say(&format!(
                "{} line(s) could not be signed; their output lines are empty",
                self.failed
            ));
            return Ok(Outcome::Invalid);
        }
        Ok(Outcome::Done)
    }
}

/// What stdin carries under `--batch -`.
const BATCH_LINES: &str = "batch lines";

/// What `--batch` reads: the file, or stdin for `-` (unless a key already came from it).
fn batch_input(batch: &Path) -> anyhow::Result<Box<dyn std::io::Read + Send>> {
    if batch.as_os_str() != "-" {
        let file = std::fs::File::open(batch)
            .with_context(|| format!("cannot open the batch file {}", batch.display()))?;
        return Ok(Box::new(file));
    }
    if let Some(what) = keysource::stdin_read_for().filter(|what| what != BATCH_LINES) {
        bail!("stdin carried the {what} (-), so --batch - cannot read it too: give a file");
    }
    Ok(Box::new(std::io::stdin()))
}
