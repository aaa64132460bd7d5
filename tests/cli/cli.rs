//! What holds for every command: help that ends in whole example commands, never coloured
//! help, completions that know every command, and a panic that reaches the user as one line
//! and exit 2 (SPEC §3).

use crate::util::{Outcome, layer, layer_auth, outcome_of};

/// Every command with its own help, subcommands of `keys` as `keys public`.
pub const COMMANDS: [&str; 13] = [
    "keygen",
    "sign",
    "validate",
    "flow",
    "inspect",
    "keys",
    "keys public",
    "keys convert",
    "keys check",
    "keys thumbprint",
    "serve",
    "doctor",
    "completions",
];

/// `SUB --help` for a `COMMANDS` entry (`keys public` as two words).
fn help_of(sub: &str) -> Vec<&str> {
    let mut args: Vec<&str> = sub.split_whitespace().collect();
    args.push("--help");
    args
}

/// The commands the `Commands:` section of `WORDS… --help` lists, without `help`.
fn listed_commands(words: &[&str]) -> Vec<String> {
    let r = layer(&[words, &["--help"]].concat());
    assert_eq!(r.code, 0, "{words:?}: {r:?}");
    let (_, section) = r.stdout.split_once("\nCommands:\n").unwrap_or_default();
    section
        .lines()
        .take_while(|line| !line.trim().is_empty())
        .filter(|line| line.starts_with("  ") && !line.starts_with("   "))
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(|name| [words, &[name]].concat().join(" "))
        .collect()
}

/// The lines after the last `Examples:` heading of `SUB --help`.
fn help_examples(sub: &str) -> Vec<String> {
    let r = layer(&help_of(sub));
    assert_eq!(r.code, 0, "{sub}: {r:?}");
    assert!(r.stderr.is_empty(), "{sub}: {r:?}");
    let (_, examples) = r.stdout.rsplit_once("\nExamples:\n").unwrap_or_default();
    examples
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(str::to_owned)
        .collect()
}

// ---- help ----

#[test]
fn every_subcommand_help_exits_0_and_ends_with_examples() {
    // The list is the binary's: a new command or `keys` subcommand must join it.
    let mut listed = listed_commands(&[]);
    listed.extend(listed_commands(&["keys"]));
    listed.sort();
    let mut commands = COMMANDS.map(str::to_owned).to_vec();
    commands.sort();
    assert_eq!(commands, listed, "COMMANDS names every command");
    for sub in COMMANDS {
        let examples = help_examples(sub);
        assert!(
            (2..=6).contains(&examples.len()),
            "{sub}: an Examples section of a few lines: {examples:#?}"
        );
        // Nothing after it but indented example lines (no further section).
        assert!(
            examples.iter().all(|line| line.starts_with("  ")),
            "{sub}: {examples:#?}"
        );
        assert!(
            examples.iter().any(|line| line.contains("layer-auth ")),
            "{sub}: {examples:#?}"
        );
    }
}

#[test]
fn every_help_example_line_is_a_whole_command_or_continues_one_with_a_backslash() {
    for sub in COMMANDS {
        let mut continued = false;
        for line in help_examples(sub) {
            let line = line.trim_start();
            assert!(
                continued || line.contains("layer-auth ") || line.starts_with("export "),
                "{sub}: not a whole command (wrapped?): {line:?}"
            );
            assert!(line.len() <= 80, "{sub}: over 80 columns: {line:?}");
            continued = line.ends_with(" \\");
        }
        assert!(!continued, "{sub}: the last example ends in a backslash");
    }
}

#[test]
fn help_examples_are_never_broken_mid_command_on_a_narrow_terminal() {
    for columns in ["40", "60", "80"] {
        for sub in COMMANDS {
            let r = outcome_of(
                layer_auth().env("COLUMNS", columns).args(help_of(sub)),
                None,
            );
            assert_eq!(r.code, 0, "{r:?}");
            let examples = r.stdout.split("Examples:\n").nth(1).unwrap();
            let mut continued = false;
            for line in examples.lines().filter(|l| !l.trim().is_empty()) {
                let line = line.trim_start();
                // A command, `eval "$(…)"`, or one with a variable set before it.
                let command = line
                    .split_once(' ')
                    .filter(|(first, _)| is_assignment(first))
                    .map_or(line, |(_, rest)| rest);
                assert!(
                    continued
                        || command.starts_with("layer-auth ")
                        || command.starts_with("eval \"$(layer-auth ")
                        || command.starts_with("export ")
                        || command.starts_with("printf ")
                        || command.starts_with("cat "),
                    "COLUMNS={columns} {sub}: broken mid-command: {line:?}\n{}",
                    r.stdout
                );
                continued = line.ends_with(" \\");
            }
        }
    }
}

/// `NAME=value`, as a shell line sets a variable for one command.
fn is_assignment(word: &str) -> bool {
    word.split_once('=').is_some_and(|(name, _)| {
        !name.is_empty() && name.bytes().all(|b| b.is_ascii_uppercase() || b == b'_')
    })
}

#[test]
fn help_is_never_coloured_even_when_clicolor_force_is_set() {
    let forced = |args: &[&str]| -> Outcome {
        outcome_of(layer_auth().env("CLICOLOR_FORCE", "1").args(args), None)
    };
    let r = forced(&["--color", "never", "--help"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(!r.stdout.contains('\u{1b}'), "{r:?}");
    for sub in COMMANDS {
        let r = forced(&[&["--color", "never"][..], &help_of(sub)].concat());
        assert_eq!(r.code, 0, "{sub}: {r:?}");
        assert!(!r.stdout.contains('\u{1b}'), "{sub}: {r:?}");
    }
    let r = forced(&["validate", "--bogus"]);
    assert_eq!(r.code, 2, "{r:?}");
}

// ---- completions ----

#[test]
fn completions_print_a_script_for_every_supported_shell() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell", "nushell"] {
        let r = layer(&["completions", shell]);
        assert_eq!(r.code, 0, "{shell}: {r:?}");
        assert!(r.stderr.is_empty(), "{shell}: {r:?}");
        assert!(r.stdout.contains("validate"), "{shell}: {r:?}");
        assert!(r.stdout.contains("public-key"), "{shell}: {r:?}");
        for sub in COMMANDS.iter().filter(|sub| !sub.contains(' ')) {
            assert!(r.stdout.contains(sub), "{shell} completes {sub}: {r:?}");
        }
    }
}

#[test]
fn completions_refuse_an_unknown_shell_with_exit_2() {
    let r = layer(&["completions", "tcsh"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stdout.is_empty(), "{r:?}");
    assert!(r.stderr.contains("tcsh"), "{r:?}");
}

// ---- a bug reaches the user as one line ----

#[test]
fn a_panic_ends_in_one_internal_error_line_and_exit_2_never_101() {
    let runs = std::iter::once(vec!["validate", "x"])
        .chain(COMMANDS.map(|sub| sub.split_whitespace().collect::<Vec<_>>()));
    for args in runs {
        let r = outcome_of(
            layer_auth().args(&args).env("LAYER_AUTH_DEBUG_PANIC", "1"),
            None,
        );
        assert_eq!(r.code, 2, "{args:?}: {r:?}");
        assert!(r.stdout.is_empty(), "{args:?}: {r:?}");
        assert_eq!(r.stderr.lines().count(), 1, "{args:?}: {r:?}");
        assert!(r.stderr.contains("internal error"), "{args:?}: {r:?}");
        assert!(
            !r.stderr.contains("panicked") && !r.stderr.contains("backtrace"),
            "{args:?}: {r:?}"
        );
    }
}
