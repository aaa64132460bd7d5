//! `layer-auth keys thumbprint`: the RFC 7638 thumbprint of each key in a file.

use std::io::Write as _;
use std::path::PathBuf;

use clap::Args;
use layer_auth::output::Paint;

use super::{Outcome, public_keys, read};
use crate::args::PassphraseArgs;
use crate::term;

const EXAMPLES: &str = "Examples:
  layer-auth keys thumbprint layer-key.pem
  layer-auth keys thumbprint jwks.json   # one line per key, in file order";

/// Print the RFC 7638 SHA-256 thumbprint of a key (one line per key of a JWKS).
///
/// The thumbprint names a public key whatever its format: a private key, its SPKI PEM and
/// its JWK all have the same one. keygen prints it, and validate names keys by it.
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct ThumbprintArgs {
    /// The key file (private or public), or - for stdin.
    #[arg(value_name = "KEY|-", allow_hyphen_values = true)]
    pub key: PathBuf,

    #[command(flatten)]
    pub passphrase: PassphraseArgs,
}

pub fn run(args: &ThumbprintArgs, paint: Paint) -> anyhow::Result<Outcome> {
    let key = read(&args.key, &args.passphrase, paint)?;
    let mut out = term::stdout();
    for key in public_keys(&key)? {
        writeln!(out, "{}", key.thumbprint())?;
    }
    out.flush()?;
    Ok(Outcome::Done)
}
