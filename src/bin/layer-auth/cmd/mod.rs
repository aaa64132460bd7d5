//! The subcommands: each file owns its arguments, help and `run`.

mod completions;
mod flow;
mod keygen;
mod sign;
mod validate;

use clap::Subcommand;
use layer_auth::output::Paint;

/// How a command that ran to the end went: the exit status (errors are 2, in `main`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0: done, or every token valid.
    Done,
    /// Exit 1: a token invalid, or a batch line failed.
    Invalid,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Generate an RSA key pair: private key to a file (0600), public key to stdout.
    Keygen(keygen::KeygenArgs),
    /// Sign an identity token for a user over a nonce (or many, with --batch).
    Sign(sign::SignArgs),
    /// Run the authentication sequence end to end (embedded by default) and show each step.
    Flow(flow::FlowArgs),
    /// Check a token against every rule of the Layer token format, naming each failure.
    Validate(validate::ValidateArgs),
    /// Print shell completions (bash, zsh, fish, elvish, powershell, nushell).
    Completions(completions::CompletionsArgs),
}

/// Runs one subcommand.
pub fn run(command: Command, paint: Paint) -> anyhow::Result<Outcome> {
    match command {
        Command::Keygen(args) => keygen::run(&args, paint),
        Command::Sign(args) => sign::run(&args, paint),
        Command::Validate(args) => validate::run(&args, paint),
        Command::Flow(args) => flow::run(&args, paint),
        Command::Completions(args) => completions::run(&args),
    }
}
