//! `layer-auth keygen`: a new RSA key; the private half written safely, the public half
//! printed.

use std::io::{IsTerminal as _, Write as _};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use clap::{Args, ValueEnum};
use layer_auth::keys::{GENERATE_BITS, MIN_STRONG_BITS, SigningKey};
use layer_auth::output::{Paint, escape};

use super::Outcome;
use crate::term;

const EXAMPLES: &str = "Examples:
  layer-auth keygen --out layer-key.pem > layer-key.pub.pem
  layer-auth keygen --bits 4096 --out prod.pem --format jwk > prod.jwk.json
  layer-auth keygen --out layer-key.pem --force   # replace an existing key";

/// Generate an RSA key pair for signing identity tokens.
///
/// Writes the private key as PKCS#8 PEM to --out with mode 0600, atomically, and never over
/// an existing file without --force. Prints the public key on stdout (SPKI PEM, or a JWK
/// whose kid is the RFC 7638 thumbprint) for you to register in the Layer dashboard.
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct KeygenArgs {
    /// Key size in bits: 2048, 3072 or 4096.
    #[arg(long, default_value_t = MIN_STRONG_BITS, value_name = "N")]
    pub bits: usize,

    /// Where to write the private key.
    #[arg(long, default_value = "layer-private-key.pem", value_name = "PATH")]
    pub out: PathBuf,

    /// Replace --out if it exists (the old key is gone for good).
    #[arg(long)]
    pub force: bool,

    /// How to print the public key.
    #[arg(long, value_enum, default_value_t = PublicFormat::Pem)]
    pub format: PublicFormat,
}

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PublicFormat {
    /// SPKI PEM (-----BEGIN PUBLIC KEY-----).
    Pem,
    /// A JSON Web Key with kid = RFC 7638 thumbprint.
    Jwk,
}

pub fn run(args: &KeygenArgs, paint: Paint) -> anyhow::Result<Outcome> {
    if !GENERATE_BITS.contains(&args.bits) {
        bail!(
            "--bits {}: choose 2048 (the default), 3072 or 4096{}",
            args.bits,
            if args.bits < MIN_STRONG_BITS {
                "; keys under 2048 bits are too weak"
            } else {
                ""
            }
        );
    }
    check_out(&args.out, args.force)?;
    let key = SigningKey::generate(args.bits)?;
    let public = key.public_key();
    let printed = match args.format {
        PublicFormat::Pem => public.to_spki_pem()?,
        PublicFormat::Jwk => serde_json::to_string_pretty(&public.to_jwk(None))? + "\n",
    };
    write_private(&args.out, key.to_pkcs8_pem()?.as_bytes(), args.force)?;
    let mut out = term::stdout();
    out.write_all(printed.as_bytes())?;
    out.flush()?;
    let out_path = escape(&args.out.to_string_lossy()).into_owned();
    term::say(&format!(
        "{} wrote a {}-bit RSA private key to {out_path} (PKCS#8 PEM, mode 0600)\n  \
         thumbprint (RFC 7638, SHA-256): {}\n  next: register the public key {} in the Layer \
         dashboard, then\n        layer-auth sign --key {out_path} --provider-id … --key-id … \
         --nonce … --user …",
        paint.good("✓"),
        args.bits,
        public.thumbprint(),
        where_stdout_went(),
    ));
    Ok(Outcome::Done)
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

/// Refuses an `--out` that keygen must not write: stdout (`-`: a private key is never
/// printed), a directory, an existing file without `--force`, and with or without it
/// anything but a regular file (a device, a FIFO, a symbolic link).
fn check_out(out: &Path, force: bool) -> anyhow::Result<()> {
    let shown = out.display();
    if out.as_os_str() == "-" {
        bail!(
            "--out - would print the private key, and keygen never does: give a file path, e.g. \
             --out layer-key.pem (the public key is what goes to stdout)"
        );
    }
    let Ok(meta) = std::fs::symlink_metadata(out) else {
        return Ok(()); // nothing there yet
    };
    let kind = meta.file_type();
    if kind.is_dir() {
        bail!("{shown} is a directory: give --out a file path, e.g. --out layer-key.pem");
    }
    if !kind.is_file() {
        let what = if kind.is_symlink() {
            "a symbolic link"
        } else {
            "not a regular file (a device, FIFO or socket)"
        };
        bail!(
            "{shown} is {what}; keygen writes a private key only to a regular file, even with --force"
        );
    }
    if !force {
        bail!(
            "{shown} already exists; keeping it. Choose another --out, or pass --force to replace \
             it (the old key is then lost)"
        );
    }
    Ok(())
}

/// Writes `pem` to `path` with mode 0600: a temporary file in the same directory, synced,
/// then renamed into place (refusing to replace unless `force`), so a reader never sees a
/// partial key and a failed write leaves nothing behind.
fn write_private(path: &Path, pem: &[u8], force: bool) -> anyhow::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".layer-auth-key-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        builder.permissions(std::fs::Permissions::from_mode(0o600));
    }
    // tempfile's own message names its random file; say it in our words.
    let mut file = builder
        .tempfile_in(dir)
        .map_err(|e| anyhow::anyhow!("cannot create a file in {}: {}", dir.display(), e.kind()))?;
    file.write_all(pem)
        .and_then(|()| file.as_file().sync_all())
        .context("writing the private key")?;
    let persisted = if force {
        file.persist(path)
    } else {
        file.persist_noclobber(path)
    };
    let hint = if force {
        ""
    } else {
        " (if it exists, --force replaces it)"
    };
    persisted
        .map_err(|e| e.error)
        .with_context(|| format!("cannot write {}{hint}", path.display()))?;
    Ok(())
}
