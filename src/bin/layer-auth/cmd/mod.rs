//! The subcommands: each file owns its arguments, help and `run`.

mod completions;
mod doctor;
mod flow;
mod inspect;
mod keygen;
mod keys;
mod serve;
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
    /// The exit status of the command `serve -- CMD` ran.
    Exit(u8),
}

/// The subcommands; each one's help is its `<Sub>Args` doc comment.
#[derive(Debug, Subcommand)]
pub enum Command {
    Keygen(keygen::KeygenArgs),
    Sign(sign::SignArgs),
    Flow(flow::FlowArgs),
    Validate(validate::ValidateArgs),
    Inspect(inspect::InspectArgs),
    Keys(keys::KeysArgs),
    Serve(serve::ServeArgs),
    Doctor(doctor::DoctorArgs),
    Completions(completions::CompletionsArgs),
}

/// Runs one subcommand; `definition` is the whole command line's clap definition (for
/// `completions`, which prints it as shell scripts).
pub fn run(
    command: Command,
    paint: Paint,
    definition: impl FnOnce() -> clap::Command,
) -> anyhow::Result<Outcome> {
    match command {
        Command::Keygen(args) => keygen::run(&args, paint),
        Command::Sign(args) => sign::run(&args, paint),
        Command::Validate(args) => validate::run(&args, paint),
        Command::Flow(args) => flow::run(&args, paint),
        Command::Inspect(args) => inspect::run(&args, paint),
        Command::Keys(args) => keys::run(&args, paint),
        Command::Serve(args) => serve::run(&args, paint),
        Command::Doctor(args) => doctor::run(&args, paint),
        Command::Completions(args) => completions::run(&args, definition()),
    }
}
