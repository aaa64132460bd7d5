//! `layer-auth keys convert`: a key in another format; a private key stays private.

use std::io::{IsTerminal as _, Write as _};
use std::path::{Path, PathBuf};

use anyhow::bail;
use clap::{Args, ValueEnum};
use layer_auth::keys::SigningKey;
use layer_auth::output::{Paint, escape, json_pretty};
use zeroize::Zeroizing;

use super::{Outcome, named, read};
use crate::args::{IdParser, PassphraseArgs};
use crate::keysource::{self, AnyKey};
use crate::{keyfile, term};

const EXAMPLES: &str = "Examples:
  layer-auth keys convert old-rsa.pem --to pkcs8 --out layer-key.pem
  layer-auth keys convert layer-key.pem --to pkcs8 --encrypt --out key.p8.pem
  layer-auth keys convert key.pem --to jwk --key-id \"$KEY_ID\" --out key.jwk
  layer-auth keys convert key.pem --to der --out - | base64 -w0 > key.der.b64
  layer-auth keys convert layer-key.pub.pem --to jwk > layer-key.jwk.json";

/// Convert a key to another format.
///
/// A private key is written to --out with mode 0600, atomically, never over an existing
/// file without --force; --out - sends it to stdout, which is refused on a terminal. A
/// public key goes to stdout unless --out is given. Forms: pkcs1 (RSA PRIVATE KEY or RSA
/// PUBLIC KEY PEM), pkcs8 (PRIVATE KEY, or with --encrypt ENCRYPTED PRIVATE KEY; for a
/// public key, SPKI PUBLIC KEY PEM), der (PKCS#8 or SPKI DER), jwk.
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct ConvertArgs {
    /// The key file, or - for stdin.
    #[arg(value_name = "KEY|-", allow_hyphen_values = true)]
    pub key: PathBuf,

    /// The format to write.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub to: Form,

    /// Where to write (a private key must name a file, or - for a pipe).
    #[arg(long, value_name = "PATH|-", allow_hyphen_values = true)]
    pub out: Option<PathBuf>,

    /// Replace --out if it exists.
    #[arg(long)]
    pub force: bool,

    /// Encrypt the private key (pkcs8 or der) under the passphrase in
    /// LAYER_PRIVATE_KEY_PASSPHRASE or --passphrase-file (the one that opens KEY, if it is
    /// encrypted).
    #[arg(long)]
    pub encrypt: bool,

    /// The kid of a jwk (the Layer Key ID). Default: the key's own kid, else its thumbprint.
    #[arg(long, value_name = "ID", value_parser = IdParser::NON_EMPTY, allow_hyphen_values = true)]
    pub key_id: Option<String>,

    #[command(flatten)]
    pub passphrase: PassphraseArgs,
}

/// `--to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Form {
    /// PKCS#1 PEM: RSA PRIVATE KEY, or RSA PUBLIC KEY.
    Pkcs1,
    /// PKCS#8 PEM: PRIVATE KEY (ENCRYPTED PRIVATE KEY with --encrypt), or SPKI PUBLIC KEY.
    Pkcs8,
    /// DER: PKCS#8 (encrypted with --encrypt), or SPKI.
    Der,
    /// JSON Web Key, private or public.
    Jwk,
}

pub fn run(args: &ConvertArgs, paint: Paint) -> anyhow::Result<Outcome> {
    if args.encrypt && matches!(args.to, Form::Pkcs1 | Form::Jwk) {
        bail!(
            "--encrypt writes encrypted PKCS#8: use --to pkcs8 or --to der (encrypted PKCS#1 is \
             OpenSSL's legacy form, and a JWK has no encrypted form)"
        );
    }
    if args.key_id.is_some() && args.to != Form::Jwk {
        bail!("--key-id is the kid of a jwk, and PEM and DER have none: use --to jwk");
    }
    if let Some(out) = args.out.as_ref().filter(|out| out.as_os_str() != "-") {
        keyfile::check_out(out, args.force, "--out")?;
    }
    let key = read(&args.key, &args.passphrase, paint)?;
    match &key {
        AnyKey::Private(private) => write_private(args, private),
        AnyKey::Public(_) => write_public(args, &key),
    }?;
    Ok(Outcome::Done)
}

fn write_private(args: &ConvertArgs, key: &SigningKey) -> anyhow::Result<()> {
    let out = private_out(args)?;
    let bytes = private_bytes(args, key)?;
    if out.as_os_str() == "-" {
        let mut out = term::Stdout(std::io::stdout().lock());
        out.write_all(&bytes)?;
        out.flush()?;
    } else {
        keyfile::write_private(out, &bytes, args.force)?;
        term::say(&format!(
            "wrote the private key to {} ({}, mode 0600)",
            escape(&out.to_string_lossy()),
            describe(args.to, args.encrypt, true)
        ));
    }
    Ok(())
}

/// Where a private key goes: `--out PATH`, or `--out -` for a pipe, never a terminal.
fn private_out(args: &ConvertArgs) -> anyhow::Result<&Path> {
    let Some(out) = &args.out else {
        bail!(
            "{} is a private key, which is written to a file: give --out PATH (mode 0600), or \
             --out - to send it down a pipe",
            named(&args.key)
        );
    };
    if out.as_os_str() == "-" && std::io::stdout().is_terminal() {
        bail!(
            "--out - would show the private key on this terminal: redirect stdout to a file or \
             a pipe, or give --out PATH"
        );
    }
    Ok(out)
}

fn write_public(args: &ConvertArgs, key: &AnyKey) -> anyhow::Result<()> {
    if args.encrypt {
        bail!(
            "--encrypt is for private keys; {} holds a public key",
            named(&args.key)
        );
    }
    let bytes = public_bytes(args, key)?;
    let Some(out) = args.out.as_ref().filter(|out| out.as_os_str() != "-") else {
        return print_public(args.to, &bytes);
    };
    keyfile::write_public(out, &bytes, args.force)?;
    term::say(&format!(
        "wrote the public key to {} ({})",
        escape(&out.to_string_lossy()),
        describe(args.to, false, false)
    ));
    Ok(())
}

/// A public key on stdout, unless it is DER and stdout a terminal.
fn print_public(form: Form, bytes: &[u8]) -> anyhow::Result<()> {
    if form == Form::Der && std::io::stdout().is_terminal() {
        bail!("DER is binary: redirect stdout to a file, or give --out PATH");
    }
    let mut out = term::stdout();
    out.write_all(bytes)?;
    out.flush()?;
    Ok(())
}

/// The private key in `--to`'s form, encrypted under the passphrase with `--encrypt`.
fn private_bytes(args: &ConvertArgs, key: &SigningKey) -> anyhow::Result<Zeroizing<Vec<u8>>> {
    let secret = if args.encrypt {
        Some(keysource::passphrase_to_encrypt(&args.passphrase)?)
    } else {
        None
    };
    Ok(match (args.to, &secret) {
        (Form::Pkcs1, _) => Zeroizing::new(key.to_pkcs1_pem().as_bytes().to_vec()),
        (Form::Pkcs8, None) => Zeroizing::new(key.to_pkcs8_pem()?.as_bytes().to_vec()),
        (Form::Pkcs8, Some(secret)) => {
            Zeroizing::new(key.to_encrypted_pkcs8_pem(secret)?.as_bytes().to_vec())
        }
        (Form::Der, None) => key.to_pkcs8_der()?,
        (Form::Der, Some(secret)) => key.to_encrypted_pkcs8_der(secret)?,
        (Form::Jwk, _) => Zeroizing::new(key.to_jwk(args.key_id.as_deref())?.as_bytes().to_vec()),
    })
}

/// The public key in `--to`'s form; a jwk's kid is `--key-id`, else the key's own.
fn public_bytes(args: &ConvertArgs, key: &AnyKey) -> anyhow::Result<Vec<u8>> {
    let (public, kid) = super::one_public(key, &args.key)?;
    Ok(match args.to {
        Form::Pkcs1 => public.to_pkcs1_pem()?.into_bytes(),
        Form::Pkcs8 => public.to_spki_pem()?.into_bytes(),
        Form::Der => public.to_spki_der()?,
        Form::Jwk => {
            let kid = args.key_id.clone().or(kid);
            json_pretty(&public.to_jwk(kid))?.into_bytes()
        }
    })
}

/// What was written, in words.
fn describe(form: Form, encrypted: bool, private: bool) -> &'static str {
    match (form, encrypted, private) {
        (Form::Pkcs1, _, true) => "PKCS#1 PEM",
        (Form::Pkcs8, false, true) => "PKCS#8 PEM",
        (Form::Pkcs8, true, _) => "encrypted PKCS#8 PEM",
        (Form::Der, false, true) => "PKCS#8 DER",
        (Form::Der, true, _) => "encrypted PKCS#8 DER",
        (Form::Jwk, _, true) => "private JWK",
        (Form::Pkcs1, _, false) => "PKCS#1 RSA PUBLIC KEY PEM",
        (Form::Pkcs8, false, false) => "SPKI PEM",
        (Form::Der, false, false) => "SPKI DER",
        (Form::Jwk, _, false) => "JWK",
    }
}
