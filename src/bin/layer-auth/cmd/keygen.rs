//! `layer-auth keygen`: a new RSA key; the private half written safely, the public half
//! printed (or written), and the environment a CI job needs.

use std::io::{IsTerminal as _, Write as _};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use clap::{Args, ValueEnum};
use layer_auth::ids::{KEY_ID_PREFIX, form_warning};
use layer_auth::keys::{GENERATE_BITS, MIN_STRONG_BITS, PublicKey, SigningKey};
use layer_auth::output::{Paint, escape, json_pretty};
use zeroize::Zeroizing;

use super::Outcome;
use crate::args::{IdParser, PassphraseArgs};
use crate::{keyfile, keysource, term};

const EXAMPLES: &str = "Examples:
  layer-auth keygen --out layer-key.pem > layer-key.pub.pem
  layer-auth keygen --out k.pem --key-id \"$KEY_ID\" --format jwks > jwks.json
  eval \"$(layer-auth keygen --out \"$RUNNER_TEMP/k.pem\" --print-env)\"  # CI
  layer-auth keygen --out ci.pem --print-env --github  # $GITHUB_ENV, log masks
  LAYER_PRIVATE_KEY_PASSPHRASE=… layer-auth keygen --out k.p8.pem --encrypt";

/// Generate an RSA key pair for signing identity tokens.
///
/// Writes the private key as PKCS#8 PEM to --out with mode 0600, atomically, and never over
/// an existing file without --force (--encrypt: encrypted PKCS#8 under the passphrase in
/// LAYER_PRIVATE_KEY_PASSPHRASE or --passphrase-file). Prints the public key on stdout (SPKI
/// PEM, a JWK or a JWKS whose kid is --key-id, else the RFC 7638 thumbprint) for you to
/// register in the Layer dashboard, or writes it to --public-out. With --print-env, stdout
/// carries shell `export` lines for the key instead; with --github, they go to $GITHUB_ENV
/// and stdout carries ::add-mask:: lines so the runner hides the key in logs.
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct KeygenArgs {
    /// Key size in bits.
    #[arg(long, default_value_t = MIN_STRONG_BITS, value_name = "N", value_parser = BitsParser)]
    pub bits: usize,

    /// Where to write the private key.
    #[arg(
        long,
        default_value = "layer-private-key.pem",
        value_name = "PATH",
        allow_hyphen_values = true
    )]
    pub out: PathBuf,

    /// Replace --out (and --public-out) if it exists (the old key is gone for good).
    #[arg(long)]
    pub force: bool,

    /// How to give the public key.
    #[arg(long, value_enum, default_value_t = PublicFormat::Pem)]
    pub format: PublicFormat,

    /// The Layer Key ID the public key is registered under (layer:///keys/<uuid>), as the
    /// JWK's kid, so a JWKS made from it matches tokens by kid. Default: the thumbprint.
    #[arg(long, value_name = "ID", value_parser = IdParser::NON_EMPTY, allow_hyphen_values = true)]
    pub key_id: Option<String>,

    /// Write the public key to this file instead of stdout.
    #[arg(long, value_name = "PATH", allow_hyphen_values = true)]
    pub public_out: Option<PathBuf>,

    /// Print shell lines that export LAYER_PRIVATE_KEY_PATH (and LAYER_KEY_ID with --key-id)
    /// on stdout, for `eval`; the public key then goes only to --public-out.
    #[arg(long)]
    pub print_env: bool,

    /// With --print-env: append the variables to the file $GITHUB_ENV names, and print
    /// ::add-mask:: lines for the key on stdout, for the runner to hide it in later logs
    /// (only in a GitHub Actions step, and never to a terminal or a file).
    #[arg(long, requires = "print_env")]
    pub github: bool,

    /// Encrypt the private key (PKCS#8, PBKDF2-HMAC-SHA256 and AES-256-CBC) under the
    /// passphrase in LAYER_PRIVATE_KEY_PASSPHRASE or --passphrase-file.
    #[arg(long)]
    pub encrypt: bool,

    #[command(flatten)]
    pub passphrase: PassphraseArgs,
}

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PublicFormat {
    /// SPKI PEM (-----BEGIN PUBLIC KEY-----).
    Pem,
    /// A JSON Web Key (kid: --key-id, else the RFC 7638 thumbprint).
    Jwk,
    /// A JWK Set holding that one JWK ({"keys": [...]}).
    Jwks,
}

impl PublicFormat {
    /// The public key in this form, with `kid` for the JSON forms.
    pub fn render(self, public: &PublicKey, kid: Option<&str>) -> anyhow::Result<String> {
        let jwk = || public.to_jwk(kid.map(str::to_owned));
        Ok(match self {
            Self::Pem => public.to_spki_pem()?,
            Self::Jwk => json_pretty(&jwk())?,
            Self::Jwks => json_pretty(&serde_json::json!({ "keys": [jwk()] }))?,
        })
    }
}

pub fn run(args: &KeygenArgs, paint: Paint) -> anyhow::Result<Outcome> {
    check(args)?;
    if let Some(problem) = args.key_id.as_deref().and_then(key_id_problem) {
        term::warn(paint, &problem);
    }
    let passphrase = passphrase(args)?;
    let key = SigningKey::generate(args.bits)?;
    let public = key.public_key();
    let printed = args.format.render(public, args.key_id.as_deref())?;
    let private = match &passphrase {
        Some(secret) => key.to_encrypted_pkcs8_pem(secret)?,
        None => key.to_pkcs8_pem()?,
    };
    // Both files are written in full before either is put in place.
    let staged = keyfile::Staged::private(&args.out, private.as_bytes(), args.force)?;
    let public_went = give_public(args, &printed, staged)?;
    if args.print_env {
        print_env(args, &private)?;
    }
    say_written(args, passphrase.is_some(), public, &public_went, paint);
    Ok(Outcome::Done)
}

/// What was written where, the key's thumbprint, and the next step.
fn say_written(
    args: &KeygenArgs,
    encrypted: bool,
    public: &PublicKey,
    public_went: &str,
    paint: Paint,
) {
    let out = args.out.to_string_lossy();
    let out_path = escape(&out).into_owned();
    // The command is for pasting: the path as one shell word (`k$(…).pem` runs nothing).
    let out_word = escape(&term::shell_word(&out)).into_owned();
    let form = if encrypted {
        "encrypted PKCS#8 PEM"
    } else {
        "PKCS#8 PEM"
    };
    term::say(&format!(
        "{} wrote a {}-bit RSA private key to {out_path} ({form}, mode 0600)\n  \
         thumbprint (RFC 7638, SHA-256): {}\n  next: register the public key ({public_went}) \
         in the Layer dashboard, then\n        layer-auth sign --key {out_word} --provider-id … \
         --key-id … --nonce … --user …",
        paint.good("✓"),
        args.bits,
        public.thumbprint(),
    ));
}

/// Puts the private key in place, and the public key in `--public-out` or on stdout (not
/// with `--print-env`, whose lines stdout carries); says where the public key went.
fn give_public(
    args: &KeygenArgs,
    printed: &str,
    private: keyfile::Staged,
) -> anyhow::Result<String> {
    if let Some(path) = &args.public_out {
        let public = keyfile::Staged::public(path, printed.as_bytes(), args.force)?;
        private.persist()?;
        public.persist()?;
        return Ok(format!("written to {}", escape(&path.to_string_lossy())));
    }
    private.persist()?;
    if args.print_env {
        return Ok(
            "not printed (stdout carries the environment): `layer-auth keys public \
                   KEY` prints it"
                .to_owned(),
        );
    }
    let mut out = term::stdout();
    out.write_all(printed.as_bytes())
        .and_then(|()| out.flush())
        .with_context(|| {
            let key = args.out.to_string_lossy();
            format!(
                "the private key is in {}, but its public key was not printed \
                 (layer-auth keys public {} prints it)",
                escape(&key),
                escape(&term::shell_word(&key))
            )
        })?;
    Ok(where_stdout_went())
}

/// Everything that can be refused before a key is generated.
fn check(args: &KeygenArgs) -> anyhow::Result<()> {
    check_outputs(args)?;
    if args.print_env {
        env_vars(args)?;
    }
    if args.github {
        check_github()?;
    }
    Ok(())
}

/// `--bits`: a size keygen makes. Completions offer the three; any other value is refused
/// in words that say why (a number is quoted; anything else is not, it may be a paste).
#[derive(Debug, Clone, Copy)]
struct BitsParser;

impl clap::builder::TypedValueParser for BitsParser {
    type Value = usize;

    fn parse_ref(
        &self,
        _: &clap::Command,
        _: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<usize, clap::Error> {
        let choose = "choose 2048 (the default), 3072 or 4096";
        let why = match value.to_str().map(str::parse::<usize>) {
            Some(Ok(bits)) if GENERATE_BITS.contains(&bits) => return Ok(bits),
            Some(Ok(bits)) if bits < MIN_STRONG_BITS => {
                format!("--bits {bits}: {choose}; keys under 2048 bits are too weak")
            }
            Some(Ok(bits)) => format!("--bits {bits}: {choose}"),
            _ => format!("--bits takes a number of bits: {choose}"),
        };
        Err(clap::Error::raw(
            clap::error::ErrorKind::ValueValidation,
            format!("{why}\n"),
        ))
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        let sizes = ["2048", "3072", "4096"];
        debug_assert_eq!(sizes.map(|s| s.parse().ok()), GENERATE_BITS.map(Some));
        Some(Box::new(
            sizes.into_iter().map(clap::builder::PossibleValue::new),
        ))
    }
}

/// `--out` and `--public-out`: two files, each new unless `--force`, never stdout for the
/// private key.
fn check_outputs(args: &KeygenArgs) -> anyhow::Result<()> {
    if args.out.as_os_str() == "-" {
        bail!(
            "--out - would print the private key, and keygen never does: give a file path, e.g. \
             --out layer-key.pem (the public key is what goes to stdout)"
        );
    }
    keyfile::check_out(&args.out, args.force, "--out")?;
    if let Some(path) = &args.public_out {
        if keyfile::same_file(path, &args.out) {
            bail!("--public-out names the same file as --out; give the public key its own");
        }
        keyfile::check_out(path, args.force, "--public-out")?;
    }
    Ok(())
}

/// `--github` prints the key's lines in `::add-mask::` commands, which the GitHub Actions
/// runner swallows and hides from then on; anywhere else they would show the key. So: only
/// in a GitHub Actions step, only to the runner's pipe, never to a terminal or a file.
fn check_github() -> anyhow::Result<()> {
    if std::env::var("GITHUB_ACTIONS").as_deref() != Ok("true") {
        bail!(
            "--github is for a GitHub Actions step (GITHUB_ACTIONS=true): its ::add-mask:: \
             lines carry the private key, for the runner to hide; use --print-env alone elsewhere"
        );
    }
    if std::io::stdout().is_terminal() || stdout_is_a_file() {
        bail!(
            "--github prints ::add-mask:: lines that carry the private key, for the GitHub \
             runner to hide it; stdout here is a terminal or a file, where they would show it"
        );
    }
    github_env().map(drop)
}

/// Whether stdout is a regular file (Linux names it in /proc; elsewhere, unknown: false).
fn stdout_is_a_file() -> bool {
    std::fs::metadata("/proc/self/fd/1").is_ok_and(|meta| meta.is_file())
}

/// The variables `--print-env` sets: the key's absolute path, and the Key ID with
/// `--key-id`; refused when a value could not be one line of an environment file.
fn env_vars(args: &KeygenArgs) -> anyhow::Result<Vec<(&'static str, String)>> {
    let path = std::path::absolute(&args.out)
        .with_context(|| format!("cannot resolve {}", escape(&args.out.to_string_lossy())))?;
    let Some(path) = path.to_str().map(str::to_owned) else {
        bail!("--print-env: the key's path is not UTF-8, so no environment line can name it");
    };
    let mut vars = vec![("LAYER_PRIVATE_KEY_PATH", path)];
    if let Some(id) = &args.key_id {
        vars.push(("LAYER_KEY_ID", id.clone()));
    }
    if vars.iter().any(|(_, value)| value.contains(['\n', '\r'])) {
        bail!(
            "--print-env: the key's absolute path or --key-id holds a line break, which no \
             environment line can carry"
        );
    }
    Ok(vars)
}

/// The file `$GITHUB_ENV` names, opened for appending (checked before any key is written).
fn github_env() -> anyhow::Result<std::fs::File> {
    let Some(path) = std::env::var_os("GITHUB_ENV").filter(|v| !v.is_empty()) else {
        bail!(
            "--github appends to the file $GITHUB_ENV names, and GITHUB_ENV is not set (not in a \
             GitHub Actions step?): use --print-env alone for shell export lines"
        );
    };
    // Opening a FIFO for writing would wait for a reader forever.
    if std::fs::metadata(&path).is_ok_and(|meta| !meta.is_file()) {
        bail!("the file $GITHUB_ENV names is not a regular file (the runner makes one)");
    }
    std::fs::OpenOptions::new()
        .append(true)
        .open(Path::new(&path))
        .context("cannot append to the file $GITHUB_ENV names")
}

/// What is worth telling about a `--key-id` that is not in the Layer form.
fn key_id_problem(id: &str) -> Option<String> {
    form_warning("--key-id", id, KEY_ID_PREFIX)
        .map(|problem| format!("{problem}; tokens are matched to the key by this kid"))
}

/// The passphrase `--encrypt` uses; `None` without `--encrypt`.
fn passphrase(args: &KeygenArgs) -> anyhow::Result<Option<Zeroizing<Vec<u8>>>> {
    if !args.encrypt {
        return Ok(None);
    }
    keysource::passphrase_to_encrypt(&args.passphrase).map(Some)
}

/// `export` lines on stdout, or with `--github` lines appended to `$GITHUB_ENV` and masks
/// for the key on stdout.
fn print_env(args: &KeygenArgs, private_pem: &str) -> anyhow::Result<()> {
    let vars = env_vars(args)?;
    let mut out = term::stdout();
    if args.github {
        let mut file = github_env()?;
        for (name, value) in &vars {
            writeln!(file, "{name}={value}")?;
        }
        for line in private_pem.lines().filter(|l| !l.starts_with("-----")) {
            writeln!(out, "::add-mask::{line}")?;
        }
    } else {
        for (name, value) in &vars {
            writeln!(out, "export {name}={}", term::shell_quote(value))?;
        }
    }
    out.flush()?;
    Ok(())
}

/// Where the public key went: "printed above" on a terminal, else the file or pipe that
/// stdout is (Linux names it in /proc), so the next step names the right place.
fn where_stdout_went() -> String {
    if std::io::stdout().is_terminal() {
        return "printed above".into();
    }
    match std::fs::read_link("/proc/self/fd/1") {
        Ok(target) if target.is_absolute() && target.is_file() => {
            format!("written to {}", escape(&target.to_string_lossy()))
        }
        Ok(target) if target.to_string_lossy().starts_with("pipe:") => {
            "sent down the pipe on stdout".into()
        }
        _ => "written to stdout".into(),
    }
}
