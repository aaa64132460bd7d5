//! Argument groups several subcommands share (key, ids, clock) and their value parsers.
//! Reading what they name is `keysource`'s job.

use std::path::{Path, PathBuf};

use chrono::{DateTime, TimeDelta, Utc};
use clap::Args;
use layer_auth::keys::WeakKeys;
use layer_auth::time::{self, TimeSpec};

/// The environment variable that names a private key file.
pub const PRIVATE_KEY_PATH_ENV: &str = "LAYER_PRIVATE_KEY_PATH";
/// The environment variable that holds a private key PEM itself (CI secrets).
pub const PRIVATE_KEY_ENV: &str = "LAYER_PRIVATE_KEY";
/// The environment variable that holds the passphrase of an encrypted private key.
pub const PASSPHRASE_ENV: &str = "LAYER_PRIVATE_KEY_PASSPHRASE";

/// Where the private key comes from. Its value is never shown: clap hides it in `--help`
/// (`hide_env_values`), and a value that looks like key material is described, not echoed.
#[derive(Debug, Clone, Args)]
pub struct KeyArgs {
    /// Private key file: PKCS#1 or PKCS#8, PEM or DER. Without it, LAYER_PRIVATE_KEY may
    /// hold the key itself (PEM, `\n`-escaped PEM, or base64 of the PEM or DER).
    #[arg(
        long,
        env = "LAYER_PRIVATE_KEY_PATH",
        hide_env_values = true,
        value_name = "PATH",
        value_parser = any_path,
        allow_hyphen_values = true
    )]
    key: Option<PathBuf>,

    #[command(flatten)]
    pub passphrase: PassphraseArgs,
}

/// Where the passphrase of an encrypted private key comes from: a file, else
/// LAYER_PRIVATE_KEY_PASSPHRASE; never a flag's value (it would sit in shell history and
/// the process list).
#[derive(Debug, Clone, Default, Args)]
pub struct PassphraseArgs {
    /// File whose first line is the passphrase of an encrypted private key (ENCRYPTED PRIVATE
    /// KEY), or - for stdin. Without it, LAYER_PRIVATE_KEY_PASSPHRASE holds the passphrase.
    #[arg(long, value_name = "PATH", allow_hyphen_values = true)]
    pub passphrase_file: Option<PathBuf>,
}

impl KeyArgs {
    /// `--key` or `LAYER_PRIVATE_KEY_PATH`; an empty one (an unset CI secret) counts as none.
    pub fn path(&self) -> Option<&Path> {
        self.key.as_deref().filter(|p| !p.as_os_str().is_empty())
    }

    /// Whether a private key is configured at all (a path, or the key in the environment).
    pub fn is_configured(&self) -> bool {
        self.path().is_some() || std::env::var_os(PRIVATE_KEY_ENV).is_some_and(|v| !v.is_empty())
    }
}

/// `--allow-weak-key`, for the commands that sign.
#[derive(Debug, Clone, Args)]
pub struct WeakKeyArgs {
    /// Sign with a legacy RSA key under 2048 bits (some old dashboard keys were 1024).
    #[arg(long)]
    allow_weak_key: bool,
}

impl WeakKeyArgs {
    /// The library's setting.
    pub fn weak_keys(&self) -> WeakKeys {
        if self.allow_weak_key {
            WeakKeys::Allow
        } else {
            WeakKeys::Refuse
        }
    }
}

/// The Provider ID and Key ID the backend was given.
#[derive(Debug, Clone, Args)]
pub struct IdArgs {
    /// Provider ID (layer:///providers/<uuid>), from the Layer dashboard.
    #[arg(
        long,
        env = "LAYER_PROVIDER_ID",
        hide_env_values = true,
        value_name = "ID",
        value_parser = IdParser::OR_EMPTY,
        allow_hyphen_values = true
    )]
    provider_id: Option<String>,

    /// Key ID the public key is registered under (layer:///keys/<uuid>).
    #[arg(
        long,
        env = "LAYER_KEY_ID",
        hide_env_values = true,
        value_name = "ID",
        value_parser = IdParser::OR_EMPTY,
        allow_hyphen_values = true
    )]
    key_id: Option<String>,
}

impl IdArgs {
    /// The Provider ID; empty (an unset CI secret) counts as none.
    pub fn provider_id(&self) -> Option<String> {
        self.provider_id.clone().filter(|v| !v.is_empty())
    }

    /// The Key ID; empty counts as none.
    pub fn key_id(&self) -> Option<String> {
        self.key_id.clone().filter(|v| !v.is_empty())
    }
}

/// `--now`: the clock, for reproducible runs.
#[derive(Debug, Clone, Args)]
pub struct ClockArgs {
    /// Judge or stamp times as if it were this instant: RFC 3339, epoch seconds, or
    /// relative to the real clock (now, +11m, -2h).
    #[arg(long, value_name = "TIME", value_parser = parse_time_spec, allow_hyphen_values = true)]
    now: Option<TimeSpec>,
}

impl ClockArgs {
    /// `--now`, or the system clock (with the two below, the only places the binary reads it).
    pub fn now(&self) -> DateTime<Utc> {
        self.now_and_real().0
    }

    /// `--now` (or the system clock) and the system clock, read once: for a command that
    /// must tell whether what it stamps at `--now` still holds for others, who go by theirs.
    pub fn now_and_real(&self) -> (DateTime<Utc>, DateTime<Utc>) {
        let real = Utc::now();
        (self.now.map_or(real, |spec| spec.resolve(real)), real)
    }

    /// A clock for a whole run: `--now` resolved against the real clock each time it is read.
    pub fn source(&self) -> impl Fn() -> DateTime<Utc> + Send + Sync + 'static {
        let spec = self.now;
        move || {
            let real = Utc::now();
            spec.map_or(real, |spec| spec.resolve(real))
        }
    }
}

/// `--utc`, for the commands that show dates.
#[derive(Debug, Clone, Args)]
pub struct ZoneArgs {
    /// Show dates in UTC only; by default, when TZ is set, they are also shown in that zone.
    #[arg(long)]
    utc: bool,
}

impl ZoneArgs {
    /// How dates are shown, against `now`: with the local zone when `TZ` names one (and it
    /// is not UTC) and `--utc` is not given.
    pub fn times(&self, now: DateTime<Utc>) -> layer_auth::output::Times {
        let local = (!self.utc && zone_file(&zone()).is_some())
            .then_some(local_time as fn(DateTime<Utc>) -> String);
        layer_auth::output::Times { now, local }
    }

    /// What to tell about a `TZ` that is set but not read here (the C library and chrono
    /// would fall back to UTC while a "local" label said otherwise).
    pub fn warning(&self) -> Option<String> {
        let zone = zone();
        if self.utc || is_utc(&zone) || zone_file(&zone).is_some() {
            return None;
        }
        Some(format!(
            "TZ={} is not a time zone read here: name one under {} (e.g. Europe/Paris); dates \
             are shown in UTC only",
            crate::term::hide_key_material(&layer_auth::output::escape_capped(&zone, 40)),
            zone_dir().display()
        ))
    }
}

fn zone() -> String {
    std::env::var("TZ").unwrap_or_default().trim().to_owned()
}

fn is_utc(zone: &str) -> bool {
    [
        "",
        "UTC",
        "UTC0",
        "Etc/UTC",
        "GMT",
        "Etc/GMT",
        "Z",
        ":UTC",
        "Universal",
    ]
    .contains(&zone)
}

fn zone_dir() -> PathBuf {
    std::env::var_os("TZDIR").map_or_else(|| PathBuf::from("/usr/share/zoneinfo"), PathBuf::from)
}

/// The zone file `TZ` names, when it is one chrono can read safely: a name under the zone
/// directory (`Europe/Paris`, `:Europe/Paris`) or an absolute path, that is a regular file
/// of at most 256 KiB starting with `TZif`. Anything else (a POSIX rule such as
/// `CET-1CEST`, which chrono misreads as UTC; a device; a FIFO; a huge file) is not used.
fn zone_file(zone: &str) -> Option<PathBuf> {
    let name = zone.strip_prefix(':').unwrap_or(zone);
    if is_utc(zone) || name.is_empty() {
        return None;
    }
    let path = if name.starts_with('/') {
        PathBuf::from(name)
    } else if name.split('/').any(|part| part == ".." || part.is_empty()) {
        return None;
    } else {
        zone_dir().join(name)
    };
    let meta = std::fs::metadata(&path).ok()?;
    if !meta.is_file() || meta.len() > 256 * 1024 {
        return None;
    }
    let mut magic = [0u8; 4];
    std::io::Read::read_exact(&mut std::fs::File::open(&path).ok()?, &mut magic).ok()?;
    (&magic == b"TZif").then_some(path)
}

/// An instant in the local zone (chrono reads `TZ`), with its offset.
fn local_time(when: DateTime<Utc>) -> String {
    when.with_timezone(&chrono::Local)
        .format("%Y-%m-%d %H:%M:%S %:z")
        .to_string()
}

/// The binary's random generator: seeded from the operating system (the only place the
/// binary reads it), or from `--seed` for reproducible runs.
///
/// # Errors
/// The operating system's random source failing.
pub fn rng(seed: Option<u64>) -> anyhow::Result<rand::rngs::StdRng> {
    use rand::SeedableRng as _;
    match seed {
        Some(seed) => Ok(rand::rngs::StdRng::seed_from_u64(seed)),
        None => rand::rngs::StdRng::try_from_rng(&mut rand::rngs::SysRng)
            .map_err(|e| anyhow::anyhow!("the operating system's random source failed: {e}")),
    }
}

/// clap value parser for the short names a command signs into a token or prints: a
/// Provider ID or Key ID (and a JWK's `kid`), a user id, a nonce, an app id. It refuses a
/// value that looks like key material, and says so without echoing it: an ID variable is
/// set beside the key's in CI, and a key pasted into the wrong one would otherwise be
/// signed into a token or printed. Its errors are clap's `raw` ones, which quote nothing
/// of the value.
#[derive(Debug, Clone, Copy)]
pub struct IdParser {
    /// Whether an empty value passes (an unset CI secret, which counts as none; or a value
    /// whose command names the empty one in words of its own).
    empty: bool,
    /// What the value should be, for the message.
    should_be: &'static str,
    /// Whether only a private key beyond doubt is refused (a user id or a nonce may be
    /// long, a hash, a GUID in braces), rather than anything key-shaped (an ID).
    narrow: bool,
}

impl IdParser {
    const AN_ID: &'static str = "an ID is a short name such as layer:///keys/<uuid>";
    /// For `--key-id` / `--provider-id` with their variables: empty counts as none.
    pub const OR_EMPTY: Self = Self {
        empty: true,
        should_be: Self::AN_ID,
        narrow: false,
    };
    /// For a `kid` to write: never empty.
    pub const NON_EMPTY: Self = Self {
        empty: false,
        should_be: Self::AN_ID,
        narrow: false,
    };
    /// For `--user`, signed into `prn` and shown in reports.
    pub const USER: Self = Self {
        empty: true,
        should_be: "a user id is your app's name for the user",
        narrow: true,
    };
    /// For `--nonce`, signed into `nce`.
    pub const NONCE: Self = Self {
        empty: true,
        should_be: "a nonce is the text the service issued",
        narrow: true,
    };
    /// For `serve --app-id`, printed in the banner.
    pub const APP_ID: Self = Self {
        empty: true,
        should_be: "an app id is a short name such as layer:///apps/staging/<uuid>",
        narrow: false,
    };
}

impl clap::builder::TypedValueParser for IdParser {
    type Value = String;

    fn parse_ref(
        &self,
        _: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        let name = arg.map_or_else(
            || "the ID".to_owned(),
            |arg| {
                let flag = arg
                    .get_long()
                    .map_or_else(|| arg.get_id().to_string(), |l| format!("--{l}"));
                match arg.get_env() {
                    Some(env) => format!("{flag} (or {})", env.to_string_lossy()),
                    None => flag,
                }
            },
        );
        let refuse = |why: String| {
            clap::Error::raw(clap::error::ErrorKind::ValueValidation, format!("{why}\n"))
        };
        let Some(text) = value.to_str() else {
            return Err(refuse(format!(
                "{name} is not UTF-8 text: {}",
                self.should_be
            )));
        };
        if text.is_empty() && !self.empty {
            return Err(refuse(format!(
                "{name} is empty: give the ID the Layer dashboard shows (layer:///keys/<uuid>)"
            )));
        }
        let kind = if self.narrow {
            layer_auth::keys::key_blob_kind(text)
        } else {
            layer_auth::keys::id_material_kind(text)
        };
        if let Some(kind) = kind {
            return Err(refuse(format!(
                "{name} holds a value of {} characters that {kind}: {}, and a key goes in a \
                 key file (or LAYER_PRIVATE_KEY); the value is not shown",
                text.chars().count(),
                self.should_be
            )));
        }
        Ok(text.to_owned())
    }
}

/// clap value parser for paths that lets an empty value through (see [`KeyArgs::path`]).
fn any_path(text: &str) -> Result<PathBuf, String> {
    Ok(PathBuf::from(text))
}

/// clap value parser for durations (`90s`, `10m`, `2h`, `1d`, plain seconds).
pub fn parse_duration(text: &str) -> Result<TimeDelta, String> {
    time::parse_duration(text).map_err(|e| e.to_string())
}

/// clap value parser for a duration that must be more than none (a lifetime).
pub fn parse_lifetime(text: &str) -> Result<TimeDelta, String> {
    match parse_duration(text)? {
        d if d > TimeDelta::zero() => Ok(d),
        _ => Err("must be more than 0s: give e.g. 90s, 10m, 2h or 1d".into()),
    }
}

/// clap value parser for a count of at least one, at most `MAX_COUNT`.
pub fn parse_count(text: &str) -> Result<usize, String> {
    const MAX_COUNT: usize = 1_000_000;
    let digits = text.bytes().all(|b| b.is_ascii_digit());
    match text.parse::<usize>() {
        Ok(n @ 1..=MAX_COUNT) if digits => Ok(n),
        _ => Err(format!("give a whole number from 1 to {MAX_COUNT}")),
    }
}

/// clap value parser for spans that may be a fraction of a second (`500ms`, `2s`).
pub fn parse_span(text: &str) -> Result<std::time::Duration, String> {
    time::parse_span(text).map_err(|e| e.to_string())
}

/// clap value parser for `--now` (RFC 3339, epoch seconds, `now`, `+11m`, `-2h`).
pub fn parse_time_spec(text: &str) -> Result<TimeSpec, String> {
    time::parse_time_spec(text).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_parsers_explain_what_they_expect() {
        assert_eq!(parse_duration("2h").unwrap().num_seconds(), 7200);
        assert!(parse_duration("-1s").unwrap_err().contains("out of range"));
        assert!(parse_lifetime("0").unwrap_err().contains("more than 0s"));
        assert_eq!(parse_lifetime("1s").unwrap().num_seconds(), 1);
        assert_eq!(parse_count("1"), Ok(1));
        assert_eq!(parse_count("1000000"), Ok(1_000_000));
        for bad in ["0", "-1", "+5", "1000001", "x", "18446744073709551615"] {
            assert!(parse_count(bad).unwrap_err().contains("from 1 to"), "{bad}");
        }
        assert!(parse_time_spec("noon").unwrap_err().contains("RFC 3339"));
        assert!(
            parse_time_spec("1700000000000")
                .unwrap_err()
                .contains("milliseconds?")
        );
    }
}
