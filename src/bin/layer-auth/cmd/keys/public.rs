//! `layer-auth keys public`: the public half of a key, in the form asked for.

use std::io::Write as _;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use layer_auth::keys::VerifyingKey;
use layer_auth::output::{Paint, json_pretty};

use super::{Outcome, public_keys, read};
use crate::args::{IdParser, PassphraseArgs};
use crate::keysource::AnyKey;
use crate::term;

const EXAMPLES: &str = "Examples:
  layer-auth keys public layer-key.pem > layer-key.pub.pem
  layer-auth keys public key.pem --format jwks --key-id \"$KEY_ID\" > jwks.json
  layer-auth keys public jwks.json --format pem    # a JWKS of one key, as PEM";

/// Print the public half of a key (or a public key in another form) on stdout.
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct PublicArgs {
    /// The key file (private or public), or - for stdin.
    #[arg(value_name = "KEY|-", allow_hyphen_values = true)]
    pub key: PathBuf,

    /// The form to print.
    #[arg(long, value_enum, default_value_t = PublicForm::Pem)]
    pub format: PublicForm,

    /// The kid of a jwk or jwks (the Layer Key ID, layer:///keys/<uuid>). Default: the
    /// key's own kid (from a JWK), else its RFC 7638 thumbprint.
    #[arg(long, value_name = "ID", value_parser = IdParser::NON_EMPTY, allow_hyphen_values = true)]
    pub key_id: Option<String>,

    #[command(flatten)]
    pub passphrase: PassphraseArgs,
}

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PublicForm {
    /// SPKI PEM (-----BEGIN PUBLIC KEY-----), what most libraries read.
    Pem,
    /// PKCS#1 PEM (-----BEGIN RSA PUBLIC KEY-----).
    Pkcs1,
    /// A JSON Web Key.
    Jwk,
    /// A JWK Set ({"keys": [...]}); every key in a JWKS given.
    Jwks,
}

pub fn run(args: &PublicArgs, paint: Paint) -> anyhow::Result<Outcome> {
    let key = read(&args.key, &args.passphrase, paint)?;
    let keys = public_keys(&key)?;
    if keys.len() > 1 && args.key_id.is_some() {
        anyhow::bail!("--key-id names one key, and this file holds {}", keys.len());
    }
    if args.key_id.is_some() && matches!(args.format, PublicForm::Pem | PublicForm::Pkcs1) {
        anyhow::bail!("--key-id is the kid of a jwk or jwks, and a PEM has none: add --format jwk");
    }
    let text = match args.format {
        PublicForm::Jwks => jwks(args, &keys)?,
        form => one(args, &key, form)?,
    };
    let mut out = term::stdout();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(Outcome::Done)
}

/// Every key as a JWK Set, each with `--key-id` or its own kid.
fn jwks(args: &PublicArgs, keys: &[VerifyingKey]) -> anyhow::Result<String> {
    let jwks: Vec<_> = keys
        .iter()
        .map(|k| {
            let kid = args.key_id.clone().or_else(|| k.kid().map(str::to_owned));
            k.public_key().to_jwk(kid)
        })
        .collect();
    Ok(json_pretty(&serde_json::json!({ "keys": jwks }))?)
}

/// The file's one public key in `form` (PEM, PKCS#1 or JWK).
fn one(args: &PublicArgs, key: &AnyKey, form: PublicForm) -> anyhow::Result<String> {
    let (public, kid) = super::one_public(key, &args.key)?;
    let kid = args.key_id.clone().or(kid);
    Ok(match form {
        PublicForm::Pem => public.to_spki_pem()?,
        PublicForm::Pkcs1 => public.to_pkcs1_pem()?,
        _ => json_pretty(&public.to_jwk(kid))?,
    })
}
