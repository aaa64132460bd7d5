//! `layer-auth keys check`: whether a private key and a public key (or key set) form a pair.

use std::path::PathBuf;

use anyhow::bail;
use clap::Args;
use layer_auth::ids::{KEY_ID_PREFIX, same};
use layer_auth::keys::{VerifyingKey, quoted_capped};
use layer_auth::output::{Paint, escape};

use super::{Outcome, named, public_keys, read};
use crate::args::PassphraseArgs;
use crate::keysource::AnyKey;
use crate::term;

const EXAMPLES: &str = "Examples:
  layer-auth keys check layer-key.pem layer-key.pub.pem
  layer-auth keys check layer-key.pem jwks.json --key-id layer:///keys/…";

/// Check that a private key and a public key (or a JWKS) form a pair.
///
/// Exit 0 when the public half of PRIVATE is in PUBLIC (and, with --key-id, is the key
/// PUBLIC names with that kid, as the service matches tokens); 1 otherwise, saying which
/// key is there instead; 2 when a file cannot be read.
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct CheckArgs {
    /// The private key file, or - for stdin.
    #[arg(value_name = "PRIVATE", allow_hyphen_values = true)]
    pub private: PathBuf,

    /// The public key, private key or JWKS to check it against, or - for stdin.
    #[arg(value_name = "PUBLIC|JWKS", allow_hyphen_values = true)]
    pub public: PathBuf,

    /// The Key ID the pair is registered under: PUBLIC must carry the key with this kid.
    #[arg(long, value_name = "ID", allow_hyphen_values = true)]
    pub key_id: Option<String>,

    #[command(flatten)]
    pub passphrase: PassphraseArgs,
}

pub fn run(args: &CheckArgs, paint: Paint) -> anyhow::Result<Outcome> {
    let AnyKey::Private(private) = read(&args.private, &args.passphrase, paint)? else {
        bail!(
            "{} holds a public key; PRIVATE must be the private key",
            named(&args.private)
        );
    };
    let set = public_keys(&read(&args.public, &args.passphrase, paint)?)?;
    let mine = private.public_key();
    let (private_name, public_name) = (named(&args.private), named(&args.public));
    let thumbprint = mine.thumbprint();
    let is_mine = |key: &&VerifyingKey| key.public_key() == mine;
    let verdict = match &args.key_id {
        None => match set.iter().position(|key| is_mine(&key)) {
            Some(index) => Ok(format!(
                "{private_name} and {public_name} form a pair: {} is its public half",
                describe(&set, index)
            )),
            None => Err(format!(
                "not a pair: the public half of {private_name} (thumbprint {thumbprint}) is not \
                 in {public_name}, which holds {}",
                held(&set)
            )),
        },
        Some(kid) => by_kid(&set, kid, mine, &private_name, &public_name),
    };
    match verdict {
        Ok(text) => {
            term::say(&paint.good(&format!("✓ {}", escape(&text))));
            Ok(Outcome::Done)
        }
        Err(text) => {
            term::say(&paint.bad(&format!("✗ {}", escape(&text))));
            Ok(Outcome::Invalid)
        }
    }
}

/// With `--key-id`: the set must name this key with that kid, as the service matches it.
fn by_kid(
    set: &[VerifyingKey],
    kid: &str,
    mine: &layer_auth::keys::PublicKey,
    private_name: &str,
    public_name: &str,
) -> Result<String, String> {
    let wanted = quoted_capped(kid, 80);
    let named: Vec<usize> = (0..set.len())
        .filter(|i| set[*i].kid().is_some_and(|k| same(k, kid, KEY_ID_PREFIX)))
        .collect();
    if let Some(index) = named.iter().copied().find(|i| set[*i].public_key() == mine) {
        return Ok(format!(
            "{private_name} and {public_name} form a pair under kid {wanted}: {} is its public \
             half",
            describe(set, index)
        ));
    }
    let elsewhere = set
        .iter()
        .position(|key| key.public_key() == mine)
        .map_or(String::new(), |index| {
            format!("; its public half is there as {}", describe(set, index))
        });
    if named.is_empty() {
        return Err(format!(
            "{public_name} has no key with kid {wanted} (it holds {}){elsewhere}",
            held(set)
        ));
    }
    Err(format!(
        "the key {public_name} names {wanted} ({}) is not the public half of {private_name} \
         (thumbprint {}){elsewhere}",
        describe(set, named[0]),
        mine.thumbprint()
    ))
}

/// `keys[1] (kid "…", thumbprint …)`, or `the key (thumbprint …)` for a file of one key.
fn describe(set: &[VerifyingKey], index: usize) -> String {
    let key = &set[index];
    let kid = key
        .kid()
        .map_or(String::new(), |k| format!("kid {}, ", quoted_capped(k, 80)));
    if set.len() == 1 {
        format!("the key ({kid}thumbprint {})", key.thumbprint())
    } else {
        format!("keys[{index}] ({kid}thumbprint {})", key.thumbprint())
    }
}

/// What a set holds, for a failure: each key's kid or thumbprint (at most 10).
fn held(set: &[VerifyingKey]) -> String {
    let mut shown: Vec<String> = set
        .iter()
        .take(10)
        .map(|key| match key.kid() {
            Some(kid) => format!("kid {}", quoted_capped(kid, 80)),
            None => format!("thumbprint {}", key.thumbprint()),
        })
        .collect();
    if set.len() > 10 {
        shown.push(format!("{} more", set.len() - 10));
    }
    shown.join(", ")
}
