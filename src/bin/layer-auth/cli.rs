//! The command-line definition: one clap tree that also feeds `--help`, the completions and
//! the man page.

use clap::Parser;

use crate::cmd::Command;
use crate::term::ColorChoice;

/// Sign, validate and exercise Layer identity tokens (RS256 JWS over a service nonce).
///
/// stdout carries only data (a PEM, a token, JSON); messages go to stderr. Exit status: 0
/// done or valid, 1 token invalid (or some batch line failed), 2 usage or input error.
#[derive(Debug, Parser)]
// clap's own colour follows CLICOLOR_FORCE and would colour --help on stdout; stdout is never
// coloured (SPEC §3), and --color governs our messages, so clap stays plain. Plain styles
// too: then the escape codes in a rendered error are the user's own (a pasted argument),
// which `term::clap_exit` shows escaped rather than lets clap strip.
#[command(
    color = clap::ColorChoice::Never,
    styles = clap::builder::Styles::plain(),
    name = "layer-auth",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    /// When to colour messages on stderr (stdout is never coloured): auto colours a terminal
    /// unless TERM=dumb or NO_COLOR is set; CLICOLOR_FORCE=1 forces it.
    #[arg(long, value_enum, global = true, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,

    #[command(subcommand)]
    pub command: Command,
}

/// The width help is wrapped at: the terminal's (or `COLUMNS`), but never under 80 columns,
/// the width every example is written to, so clap never breaks one mid-command (a
/// narrower terminal folds long lines itself), and never over 100.
pub fn help_width() -> usize {
    let detected = terminal_size::terminal_size()
        .map(|(width, _)| usize::from(width.0))
        .or_else(|| std::env::var("COLUMNS").ok()?.trim().parse().ok());
    detected.unwrap_or(100).clamp(80, 100)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory as _;

    #[test]
    fn the_clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    /// clap shows `[env: NAME=value]` unless told not to; a LAYER_PRIVATE_KEY_PATH holding
    /// the PEM itself would then print the key in `--help`.
    #[test]
    fn no_argument_read_from_the_environment_shows_its_value_in_help() {
        fn walk(command: &clap::Command, path: &str, found: &mut Vec<String>) {
            for arg in command.get_arguments() {
                if arg.get_env().is_some() && !arg.is_hide_env_values_set() {
                    found.push(format!("{path} --{}", arg.get_id()));
                }
            }
            for sub in command.get_subcommands() {
                walk(sub, &format!("{path} {}", sub.get_name()), found);
            }
        }
        let mut found = Vec::new();
        walk(&Cli::command(), "layer-auth", &mut found);
        assert!(found.is_empty(), "env values shown in help: {found:?}");
    }

    #[test]
    fn every_subcommand_help_ends_with_examples() {
        fn walk(command: &mut clap::Command, path: &str) {
            for sub in command.get_subcommands_mut() {
                if sub.get_name() == "help" {
                    continue;
                }
                let name = format!("{path} {}", sub.get_name());
                let help = sub.render_long_help().to_string();
                assert!(help.contains("Examples:"), "{name} --help has no examples");
                walk(sub, &name);
            }
        }
        walk(&mut Cli::command(), "layer-auth");
    }
}
