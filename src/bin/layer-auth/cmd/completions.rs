//! `layer-auth completions`: shell completions from the same clap tree as `--help`. The
//! generated files and the man page are committed under `completions/`; a test keeps them
//! current (`UPDATE_COMPLETIONS=1 cargo test` rewrites them).

use std::io::Write as _;

use clap::{Args, ValueEnum};
use clap_complete::Shell as Builtin;

use super::Outcome;
use crate::term;

const EXAMPLES: &str = "Examples:
  layer-auth completions bash > /etc/bash_completion.d/layer-auth
  layer-auth completions zsh > \"${fpath[1]}/_layer-auth\"
  layer-auth completions fish > ~/.config/fish/completions/layer-auth.fish";

/// Print shell completions for layer-auth on stdout.
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// Shells we generate completions for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Elvish,
    Powershell,
    Nushell,
}

impl Shell {
    #[cfg(test)]
    const ALL: [Self; 6] = [
        Self::Bash,
        Self::Zsh,
        Self::Fish,
        Self::Elvish,
        Self::Powershell,
        Self::Nushell,
    ];

    /// The completion script for `command` (the whole command line's definition).
    fn generate(self, mut command: clap::Command) -> Vec<u8> {
        let command = &mut command;
        let mut out = Vec::new();
        let name = "layer-auth";
        match self {
            Self::Bash => {
                clap_complete::generate(Builtin::Bash, command, name, &mut out);
                return fix_bash(&out);
            }
            Self::Zsh => clap_complete::generate(Builtin::Zsh, command, name, &mut out),
            Self::Fish => clap_complete::generate(Builtin::Fish, command, name, &mut out),
            Self::Elvish => clap_complete::generate(Builtin::Elvish, command, name, &mut out),
            Self::Powershell => {
                clap_complete::generate(Builtin::PowerShell, command, name, &mut out);
            }
            Self::Nushell => {
                clap_complete::generate(clap_complete_nushell::Nushell, command, name, &mut out);
            }
        }
        out
    }

    /// The file name under `completions/`.
    #[cfg(test)]
    fn file_name(self) -> &'static str {
        match self {
            Self::Bash => "layer-auth.bash",
            Self::Zsh => "_layer-auth",
            Self::Fish => "layer-auth.fish",
            Self::Elvish => "layer-auth.elv",
            Self::Powershell => "_layer-auth.ps1",
            Self::Nushell => "layer-auth.nu",
        }
    }
}

/// What bash completes a file argument with: one candidate per name (clap_complete's
/// `COMPREPLY=($(compgen -f "${cur}"))` splits names on spaces and expands globs in them),
/// and readline told they are file names, so that it quotes them and ends a directory with
/// `/` rather than a space. `compopt` is bash 4's; bash 3 goes without it.
const BASH_FILES: &str = r#"_layer__auth_files() {
    local file
    COMPREPLY=()
    while IFS= read -r file; do
        COMPREPLY+=("$file")
    done < <(compgen -f -- "$1")
    compopt -o filenames 2>/dev/null
    return 0
}

"#;

/// clap_complete's bash script, mended twice:
/// - for a hyphenated name it dispatches to `layer__auth__subcmd__…` but names its case
///   arms `layer__subcmd__auth__subcmd__…`, so no subcommand's options ever complete
///   (clap-rs/clap#6421, open); the arms are renamed to match;
/// - file arguments complete through [`BASH_FILES`].
fn fix_bash(script: &[u8]) -> Vec<u8> {
    let script = String::from_utf8_lossy(script)
        .replace("layer__subcmd__auth__", "layer__auth__")
        .replace(
            r#"COMPREPLY=($(compgen -f "${cur}"))"#,
            r#"_layer__auth_files "${cur}""#,
        );
    format!("{BASH_FILES}{script}").into_bytes()
}

pub fn run(args: &CompletionsArgs, command: clap::Command) -> anyhow::Result<Outcome> {
    let mut out = term::stdout();
    out.write_all(&args.shell.generate(command))?;
    out.flush()?;
    Ok(Outcome::Done)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::Cli;
    use clap::CommandFactory as _;
    use std::path::Path;

    /// Each committed file equals what the binary generates now; UPDATE_COMPLETIONS=1 rewrites.
    #[test]
    fn committed_completions_and_man_pages_are_current() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
        let mut expected: Vec<(String, Vec<u8>)> = Shell::ALL
            .iter()
            .map(|s| (s.file_name().to_owned(), s.generate(Cli::command())))
            .collect();
        expected.extend(crate::man::pages(Cli::command()).unwrap());
        let update = std::env::var_os("UPDATE_COMPLETIONS").is_some();
        let mut stale = Vec::new();
        for (name, content) in expected {
            let path = dir.join(&name);
            if update {
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(&path, &content).unwrap();
            } else if std::fs::read(&path).ok().as_deref() != Some(content.as_slice()) {
                stale.push(name);
            }
        }
        assert!(
            stale.is_empty(),
            "stale in completions/: {stale:?}; run UPDATE_COMPLETIONS=1 cargo test"
        );
    }
}
