//! Argument groups several subcommands share (key, ids, clock), their value parsers, and the
//! one place that reads key files and `LAYER_PRIVATE_KEY`.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use chrono::{DateTime, TimeDelta, Utc};
use clap::Args;
use layer_auth::keys::{MIN_STRONG_BITS, SigningKey, VerifyingKey, WeakKeys};
use layer_auth::output::Paint;
use layer_auth::time;

use crate::term;

/// The environment variable that holds a private key PEM itself (CI secrets).
pub const PRIVATE_KEY_ENV: &str = "LAYER_PRIVATE_KEY";

/// Where the private key comes from.
#[derive(Debug, Clone, Args)]
pub struct KeyArgs {
    /// Private key file: PKCS#1 or PKCS#8, PEM or DER. Without it, the PEM in the
    /// LAYER_PRIVATE_KEY variable is used (`\n`-escaped newlines are fine).
    #[arg(long, env = "LAYER_PRIVATE_KEY_PATH", value_name = "PATH", value_parser = any_path)]
    key: Option<PathBuf>,

    /// Sign with a legacy RSA key under 2048 bits (some old dashboard keys were 1024).
    #[arg(long)]
    pub allow_weak_key: bool,
}

impl KeyArgs {
    /// `--key` or `LAYER_PRIVATE_KEY_PATH`; an empty one (an unset CI secret) counts as none.
    pub fn path(&self) -> Option<&Path> {
        self.key.as_deref().filter(|p| !p.as_os_str().is_empty())
    }

    /// Whether a private key is configured at all (a path, or the PEM in the environment).
    pub fn is_configured(&self) -> bool {
        self.path().is_some() || std::env::var_os(PRIVATE_KEY_ENV).is_some_and(|v| !v.is_empty())
    }

    /// Reads and parses the private key once.
    pub fn load(&self, paint: Paint) -> anyhow::Result<SigningKey> {
        let weak = if self.allow_weak_key {
            WeakKeys::Allow
        } else {
            WeakKeys::Refuse
        };
        let (bytes, source) = private_key_source(self.path())?;
        let bytes = zeroize::Zeroizing::new(bytes);
        let key = SigningKey::from_bytes(&bytes, weak)
            .with_context(|| format!("reading the private key in {source}"))?;
        if let Some(path) = self.path() {
            warn_if_readable_by_others(path, paint);
        }
        if key.is_legacy() {
            term::warn(
                paint,
                &format!(
                    "signing with a {}-bit legacy key (--allow-weak-key); generate a 2048-bit key soon",
                    key.public_key().bits()
                ),
            );
        }
        Ok(key)
    }
}

/// The private key's bytes and a name for them, from `path` or `LAYER_PRIVATE_KEY`.
pub fn private_key_source(path: Option<&Path>) -> anyhow::Result<(Vec<u8>, String)> {
    if let Some(path) = path {
        let text = path.to_string_lossy();
        // The PEM itself in LAYER_PRIVATE_KEY_PATH (one `_PATH` too many) must never be echoed.
        if text.contains("-----BEGIN") || text.contains('\n') || text.len() > 4096 {
            bail!(
                "LAYER_PRIVATE_KEY_PATH (or --key) holds key material, not a file path: put the \
                 PEM itself in LAYER_PRIVATE_KEY instead"
            );
        }
        let bytes = std::fs::read(path)
            .with_context(|| format!("cannot read the private key file {}", path.display()))?;
        return Ok((bytes, path.display().to_string()));
    }
    match std::env::var(PRIVATE_KEY_ENV) {
        Ok(pem) if !pem.trim().is_empty() => Ok((pem.into_bytes(), PRIVATE_KEY_ENV.to_owned())),
        _ => bail!(
            "no private key: pass --key PATH, or set LAYER_PRIVATE_KEY_PATH (a file) or \
             LAYER_PRIVATE_KEY (the PEM itself); `layer-auth keygen --out key.pem` makes one"
        ),
    }
}

/// Like `ssh`: a private key others can read gets a warning (not a refusal, so CI secrets
/// written under a loose umask still work).
pub fn warn_if_readable_by_others(path: &Path, paint: Paint) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        if let Ok(meta) = std::fs::metadata(path) {
            let mode = meta.permissions().mode() & 0o777;
            if meta.is_file() && mode & 0o077 != 0 {
                term::warn(
                    paint,
                    &format!(
                        "{} is readable by others (mode {mode:03o}); protect it: chmod 600 {}",
                        path.display(),
                        path.display()
                    ),
                );
            }
        }
    }
}

/// Reads every public key in `path` (PEM, DER, JWK or JWKS), warning about legacy keys.
pub fn load_public_keys(path: &Path, paint: Paint) -> anyhow::Result<Vec<VerifyingKey>> {
    let bytes = std::fs::read(path)
        .with_context(|| format!("cannot read the public key file {}", path.display()))?;
    let keys = VerifyingKey::read_all(&bytes)
        .with_context(|| format!("reading the public key in {}", path.display()))?;
    warn_if_legacy(&keys, &path.display().to_string(), paint);
    Ok(keys)
}

/// Every `--public-key` file's keys, in order.
pub fn load_all_public_keys(paths: &[PathBuf], paint: Paint) -> anyhow::Result<Vec<VerifyingKey>> {
    let mut keys = Vec::new();
    for path in paths {
        keys.extend(load_public_keys(path, paint)?);
    }
    Ok(keys)
}

/// The public half of the private key that `LAYER_PRIVATE_KEY_PATH` or `LAYER_PRIVATE_KEY`
/// names; none when neither is set.
pub fn public_half_from_env(paint: Paint) -> anyhow::Result<Vec<VerifyingKey>> {
    let nonempty = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    let path = nonempty("LAYER_PRIVATE_KEY_PATH").map(PathBuf::from);
    if path.is_none() && nonempty(PRIVATE_KEY_ENV).is_none() {
        return Ok(Vec::new());
    }
    let (bytes, source) = private_key_source(path.as_deref())?;
    let bytes = zeroize::Zeroizing::new(bytes);
    let keys = VerifyingKey::read_all(&bytes)
        .with_context(|| format!("reading the public half of the key in {source}"))?;
    if let Some(path) = &path {
        warn_if_readable_by_others(path, paint);
    }
    warn_if_legacy(&keys, &source, paint);
    Ok(keys)
}

fn warn_if_legacy(keys: &[VerifyingKey], source: &str, paint: Paint) {
    let legacy = keys
        .iter()
        .filter(|k| k.public_key().bits() < MIN_STRONG_BITS);
    for key in legacy {
        term::warn(
            paint,
            &format!(
                "{source}: {} is under 2048 bits; accepted for validation, but generate a \
                 2048-bit key and register it",
                key.describe()
            ),
        );
    }
}

/// The Provider ID and Key ID the backend was given.
#[derive(Debug, Clone, Args)]
pub struct IdArgs {
    /// Provider ID (layer:///providers/<uuid>), from the Layer dashboard.
    #[arg(long, env = "LAYER_PROVIDER_ID", value_name = "ID")]
    provider_id: Option<String>,

    /// Key ID the public key is registered under (layer:///keys/<uuid>).
    #[arg(long, env = "LAYER_KEY_ID", value_name = "ID")]
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
    /// Judge or stamp times as if it were this instant: RFC 3339 or epoch seconds.
    #[arg(long, value_name = "TIME", value_parser = parse_instant, allow_hyphen_values = true)]
    pub now: Option<DateTime<Utc>>,
}

impl ClockArgs {
    /// `--now`, or the system clock (the only place the binary reads it).
    pub fn now(&self) -> DateTime<Utc> {
        self.now.unwrap_or_else(Utc::now)
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

/// clap value parser for instants (RFC 3339 or epoch seconds).
pub fn parse_instant(text: &str) -> Result<DateTime<Utc>, String> {
    time::parse_instant(text).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_parsers_explain_what_they_expect() {
        assert_eq!(parse_duration("2h").unwrap().num_seconds(), 7200);
        assert!(parse_duration("-1s").unwrap_err().contains("out of range"));
        assert!(parse_instant("noon").unwrap_err().contains("RFC 3339"));
    }
}
