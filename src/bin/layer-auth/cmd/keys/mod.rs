//! `layer-auth keys`: the public half of a key, conversions between key formats, whether a
//! private and a public key form a pair, and thumbprints. One file per subcommand.

mod check;
mod convert;
mod public;
mod thumbprint;

use std::path::Path;

use clap::{Args, Subcommand};
use layer_auth::keys::{PublicKey, VerifyingKey};
use layer_auth::output::{Paint, escape};

use super::Outcome;
use crate::args::PassphraseArgs;
use crate::keysource::{self, AnyKey};
use crate::term;

const EXAMPLES: &str = "Examples:
  layer-auth keys public layer-key.pem > layer-key.pub.pem
  layer-auth keys convert old-rsa.pem --to pkcs8 --out layer-key.pem
  layer-auth keys check layer-key.pem jwks.json --key-id layer:///keys/…
  layer-auth keys thumbprint layer-key.pub.pem";

/// Work with key files: public half, format conversion, pair check, thumbprint.
///
/// Every KEY is a file (or - for stdin, once per command) holding a private key (PKCS#1 or
/// PKCS#8, PEM or DER, encrypted PKCS#8 with LAYER_PRIVATE_KEY_PASSPHRASE or
/// --passphrase-file, or a private JWK) or public keys (SPKI or PKCS#1 PEM or DER, JWK,
/// JWKS). A private key is never printed on a terminal.
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct KeysArgs {
    #[command(subcommand)]
    pub command: KeysCommand,
}

/// The `keys` subcommands.
#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    Public(public::PublicArgs),
    Convert(convert::ConvertArgs),
    Check(check::CheckArgs),
    Thumbprint(thumbprint::ThumbprintArgs),
}

pub fn run(args: &KeysArgs, paint: Paint) -> anyhow::Result<Outcome> {
    match &args.command {
        KeysCommand::Public(args) => public::run(args, paint),
        KeysCommand::Convert(args) => convert::run(args, paint),
        KeysCommand::Check(args) => check::run(args, paint),
        KeysCommand::Thumbprint(args) => thumbprint::run(args, paint),
    }
}

/// A key file read, its warnings printed.
fn read(path: &Path, passphrase: &PassphraseArgs, paint: Paint) -> anyhow::Result<AnyKey> {
    let loaded = keysource::any_key(path, passphrase)?;
    term::warnings(paint, &loaded.warnings);
    Ok(loaded.value)
}

/// The public keys a key file stands for: the public half of a private key (with its
/// JWK's kid, if it had one), or every public key in it.
fn public_keys(key: &AnyKey) -> anyhow::Result<Vec<VerifyingKey>> {
    Ok(match key {
        AnyKey::Private(private) => vec![VerifyingKey::new(
            private.public_key().clone(),
            private.kid().map(str::to_owned),
        )?],
        AnyKey::Public(keys) => keys.clone(),
    })
}

/// The one public key a command that takes one key works on.
fn one_public(key: &AnyKey, name: &Path) -> anyhow::Result<(PublicKey, Option<String>)> {
    let keys = public_keys(key)?;
    match keys.as_slice() {
        [one] => Ok((one.public_key().clone(), one.kid().map(str::to_owned))),
        many => anyhow::bail!(
            "{} holds {} keys, and this takes one; `layer-auth keys public {} --format jwks` \
             prints them all",
            keysource::shown(name),
            many.len(),
            keysource::shown(name)
        ),
    }
}

/// How messages name a key file.
fn named(path: &Path) -> String {
    escape(&keysource::shown(path)).into_owned()
}
