//! `layer-auth keys check`: whether a private key and a public key (or key set) form a pair.

use std::path::PathBuf;

use anyhow::bail;
use clap::Args;
use layer_auth::ids::{KEY_ID_PREFIX, same};
use layer_auth::keys::{PublicKey, VerifyingKey, quoted_capped};
use layer_auth::output::{Paint, escape};

use super::{Outcome, named, public_keys, read};
use crate::args::{IdParser, PassphraseArgs};
use crate::keysource::AnyKey;
use crate::term;

const EXAMPLES: &str = "Examples:
  layer-auth keys check layer-key.pem layer-key.pub.pem
  layer-auth keys check layer-key.pem jwks.json --key-id layer:///keys/…";

/// Check that a private key and a public key (or a JWKS) form a pair.
///
/// Exit 0 when the public half of PRIVATE is in PUBLIC (and, with --key-id, is the one key
/// PUBLIC names with that kid, as the service matches tokens); 1 otherwise, saying which
/// key is there instead (or which keys share the kid); 2 when a file cannot be read.
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
    #[arg(long, value_name = "ID", value_parser = IdParser::NON_EMPTY, allow_hyphen_values = true)]
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
    let pair = Pair {
        mine: private.public_key(),
        private_name: named(&args.private),
        public_name: named(&args.public),
    };
    let verdict = match &args.key_id {
        None => pair.anywhere(&set),
        Some(kid) => pair.by_kid(&set, kid),
    };
    Ok(show(verdict, paint))
}

/// The verdict on stderr: ✓ and done for a pair, ✗ and invalid otherwise.
fn show(verdict: Result<String, String>, paint: Paint) -> Outcome {
    match verdict {
        Ok(text) => {
            term::say(&paint.good(&format!("✓ {}", escape(&text))));
            Outcome::Done
        }
        Err(text) => {
            term::say(&paint.bad(&format!("✗ {}", escape(&text))));
            Outcome::Invalid
        }
    }
}

/// What is checked: the public half of PRIVATE, and how messages name the two files.
struct Pair<'k> {
    mine: &'k PublicKey,
    private_name: String,
    public_name: String,
}

impl Pair<'_> {
    /// Without `--key-id`: the set must hold this key, under any kid or none.
    fn anywhere(&self, set: &[VerifyingKey]) -> Result<String, String> {
        let (private_name, public_name) = (&self.private_name, &self.public_name);
        match self.position(set) {
            Some(index) => Ok(format!(
                "{private_name} and {public_name} form a pair: {} is its public half",
                describe(set, index)
            )),
            None => Err(format!(
                "not a pair: the public half of {private_name} (thumbprint {}) is not in \
                 {public_name}, which holds {}",
                self.mine.thumbprint(),
                held(set)
            )),
        }
    }

    /// With `--key-id`: the set must name this key with that kid, as the service matches it.
    fn by_kid(&self, set: &[VerifyingKey], kid: &str) -> Result<String, String> {
        let wanted = quoted_capped(kid, 80);
        let named: Vec<usize> = (0..set.len())
            .filter(|i| set[*i].kid().is_some_and(|k| same(k, kid, KEY_ID_PREFIX)))
            .collect();
        // The same key listed twice under one kid names one key still.
        let mut distinct: Vec<usize> = Vec::new();
        for i in &named {
            if !distinct
                .iter()
                .any(|d| set[*d].public_key() == set[*i].public_key())
            {
                distinct.push(*i);
            }
        }
        if distinct.len() > 1 {
            let which: Vec<String> = distinct.iter().map(|i| describe(set, *i)).collect();
            return Err(format!(
                "{} has {} different keys with kid {wanted} ({}): a Key ID names one key, so \
                 which of them a token with this kid is checked against is anyone's guess; \
                 give each key its own kid",
                self.public_name,
                distinct.len(),
                which.join(", ")
            ));
        }
        match named
            .iter()
            .copied()
            .find(|i| set[*i].public_key() == self.mine)
        {
            Some(index) => Ok(format!(
                "{} and {} form a pair under kid {wanted}: {} is its public half",
                self.private_name,
                self.public_name,
                describe(set, index)
            )),
            None => Err(self.not_named(set, &named, &wanted)),
        }
    }

    /// Why the keys `named` with the kid `wanted` are not this one: there are none, or they
    /// are another key; either way, where the set holds this key instead.
    fn not_named(&self, set: &[VerifyingKey], named: &[usize], wanted: &str) -> String {
        let (private_name, public_name) = (&self.private_name, &self.public_name);
        let elsewhere = self.elsewhere(set);
        match named.first() {
            None => format!(
                "{public_name} has no key with kid {wanted} (it holds {}){elsewhere}",
                held(set)
            ),
            Some(first) => format!(
                "the key {public_name} names {wanted} ({}) is not the public half of \
                 {private_name} (thumbprint {}){elsewhere}",
                describe(set, *first),
                self.mine.thumbprint()
            ),
        }
    }

    /// Where the set holds this key, if anywhere.
    fn position(&self, set: &[VerifyingKey]) -> Option<usize> {
        set.iter().position(|key| key.public_key() == self.mine)
    }

    /// `; its public half is there as …` when the set holds this key under another kid.
    fn elsewhere(&self, set: &[VerifyingKey]) -> String {
        self.position(set).map_or(String::new(), |index| {
            format!("; its public half is there as {}", describe(set, index))
        })
    }
}

/// `keys[1] (kid "…", thumbprint …)` by its place in the JWKS (the file's own index), or
/// `the key (thumbprint …)` for a file of one key, `a key (…)` for one of several files.
fn describe(set: &[VerifyingKey], index: usize) -> String {
    let key = &set[index];
    let kid = key
        .kid()
        .map_or(String::new(), |k| format!("kid {}, ", quoted_capped(k, 80)));
    let thumbprint = key.thumbprint();
    match key.position() {
        Some(at) => format!("keys[{at}] ({kid}thumbprint {thumbprint})"),
        None if set.len() == 1 => format!("the key ({kid}thumbprint {thumbprint})"),
        None => format!("a key ({kid}thumbprint {thumbprint})"),
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
