//! The man pages, one per command (`layer-auth.1`, `layer-auth-sign.1`, …), generated from
//! the same clap definition as `--help` and committed under `completions/` (the drift test in
//! `cmd/completions.rs` keeps them current). Each has clap_mangen's sections and ours: EXIT
//! STATUS, ENVIRONMENT (every variable the tool reads) and EXAMPLES (the `--help` ones).

use clap_mangen::Man;
use roff::{Roff, bold, roman};

/// Every variable the tool reads, and what for.
const ENVIRONMENT: [(&str, &str); 13] = [
    (
        "LAYER_PRIVATE_KEY_PATH",
        "The private key file, as --key (sign, flow, serve; validate uses its public half).",
    ),
    (
        "LAYER_PRIVATE_KEY",
        "The private key itself (PEM, \\n-escaped PEM, or base64 of the PEM or DER), when no \
         file is named. Never printed.",
    ),
    (
        "LAYER_PRIVATE_KEY_PASSPHRASE",
        "The passphrase of an encrypted private key (ENCRYPTED PRIVATE KEY), unless \
         --passphrase-file names a file; keygen --encrypt and keys convert --encrypt use it.",
    ),
    ("LAYER_PROVIDER_ID", "The Provider ID, as --provider-id."),
    ("LAYER_KEY_ID", "The Key ID, as --key-id."),
    (
        "LAYER_URL",
        "A Layer-compatible service for flow (--layer-url); set by serve -- CMD.",
    ),
    (
        "LAYER_APP_ID",
        "The app id flow presents to it (--app-id); set by serve -- CMD.",
    ),
    (
        "LAYER_AUTH_CONTROL_TOKEN",
        "The bearer token serve's /_emulator/ routes need off loopback (--control-token).",
    ),
    (
        "NO_COLOR",
        "When set and not empty, no colour (unless --color always).",
    ),
    (
        "CLICOLOR_FORCE",
        "When 1, colour even when stderr is not a terminal.",
    ),
    ("TERM", "dumb means no colour."),
    (
        "TZ",
        "When set (and not UTC), validate and inspect show dates in that zone too (--utc: UTC only).",
    ),
    (
        "COLUMNS",
        "The width help text is wrapped at (never under 80).",
    ),
];

const EXIT_STATUS: [(&str, &str); 3] = [
    (
        "0",
        "Done: every token valid, the flow passed, the key written.",
    ),
    (
        "1",
        "A token invalid (with --strict, also one with a warning or a check not made), a flow \
         step failed, or a batch line could not be signed. serve -- CMD exits with CMD's status.",
    ),
    (
        "2",
        "A usage or input error: a bad flag, an unreadable or malformed key, a bad value. A bug \
         ends with one line asking for a report, and 2.",
    ),
];

/// `(file name, page)` for the top command and each subcommand.
pub fn pages(command: clap::Command) -> std::io::Result<Vec<(String, Vec<u8>)>> {
    let mut command = command;
    command.build();
    let mut pages = Vec::new();
    add(&command, "layer-auth", &mut pages)?;
    Ok(pages)
}

/// The page for `command`, named `name`, and one for each of its subcommands
/// (`layer-auth-keys-public`).
fn add(
    command: &clap::Command,
    name: &str,
    pages: &mut Vec<(String, Vec<u8>)>,
) -> std::io::Result<()> {
    pages.push((format!("{name}.1"), page(command, name)?));
    for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
        add(sub, &format!("{name}-{}", sub.get_name()), pages)?;
    }
    Ok(())
}

fn page(command: &clap::Command, name: &str) -> std::io::Result<Vec<u8>> {
    let man = Man::new(command.clone()).title(name.to_ascii_uppercase());
    let mut out = Vec::new();
    man.render_title(&mut out)?;
    man.render_name_section(&mut out)?;
    man.render_synopsis_section(&mut out)?;
    man.render_description_section(&mut out)?;
    man.render_options_section(&mut out)?;
    if command.get_subcommands().next().is_some() {
        man.render_subcommands_section(&mut out)?;
    }
    let mut roff = Roff::new();
    section(&mut roff, "EXIT STATUS", &EXIT_STATUS);
    section(&mut roff, "ENVIRONMENT", &ENVIRONMENT);
    if let Some(examples) = command.get_after_help() {
        roff.control("SH", ["EXAMPLES"]);
        roff.control("nf", []);
        for line in examples.to_string().lines().skip(1) {
            roff.text([roman(line.strip_prefix("  ").unwrap_or(line))]);
        }
        roff.control("fi", []);
    }
    roff.to_writer(&mut out)?;
    man.render_version_section(&mut out)?;
    Ok(out)
}

fn section(roff: &mut Roff, title: &str, items: &[(&str, &str)]) {
    roff.control("SH", [title]);
    for (name, text) in items {
        roff.control("TP", []);
        roff.text([bold(*name)]);
        roff.text([roman(*text)]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::Cli;
    use clap::CommandFactory as _;

    #[test]
    fn every_command_has_a_page_with_exit_status_environment_and_examples() {
        let pages = pages(Cli::command()).unwrap();
        let names: Vec<&str> = pages.iter().map(|(n, _)| n.as_str()).collect();
        for sub in [
            "keygen",
            "sign",
            "validate",
            "flow",
            "inspect",
            "keys",
            "keys-public",
            "keys-convert",
            "keys-check",
            "keys-thumbprint",
            "serve",
            "doctor",
            "completions",
        ] {
            assert!(
                names.contains(&format!("layer-auth-{sub}.1").as_str()),
                "{names:?}"
            );
        }
        for (name, page) in &pages {
            let text = String::from_utf8_lossy(page);
            for heading in [
                "EXIT STATUS",
                "ENVIRONMENT",
                "LAYER_PRIVATE_KEY_PATH",
                "LAYER_URL",
            ] {
                assert!(text.contains(heading), "{name}: no {heading}");
            }
            if name != "layer-auth.1" {
                assert!(text.contains(".SH EXAMPLES"), "{name}: no EXAMPLES");
            }
        }
    }
}
