//! The committed completion scripts complete in real shells: bash (always there), and fish
//! when it is installed (`.ci/run` installs it).

use crate::util::fixture;

fn completion(file: &str) -> String {
    fixture(&format!("../../completions/{file}"))
        .display()
        .to_string()
}

/// What bash offers for the words typed so far (the last one being completed).
fn bash_complete(words: &[&str]) -> Vec<String> {
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let script = format!(
        "source '{}'\n\
         COMP_WORDS=({})\n\
         COMP_CWORD={}\n\
         COMP_LINE=\"${{COMP_WORDS[*]}}\"; COMP_POINT=${{#COMP_LINE}}\n\
         _layer__auth layer-auth \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"\n\
         printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        completion("layer-auth.bash"),
        quoted.join(" "),
        words.len() - 1
    );
    let out = std::process::Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &script])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn bash_completes_a_subcommands_options_and_their_values() {
    assert_eq!(
        bash_complete(&["layer-auth", "validate", "--pub"]),
        ["--public-key"]
    );
    assert_eq!(
        bash_complete(&["layer-auth", "keygen", "--format", ""]),
        ["pem", "jwk"]
    );
    let subcommands = bash_complete(&["layer-auth", "se"]);
    assert!(subcommands.contains(&"serve".to_owned()), "{subcommands:?}");
    let flow = bash_complete(&["layer-auth", "flow", "--lay"]);
    assert_eq!(flow, ["--layer-url"]);
}

#[test]
fn fish_completes_a_subcommands_options_when_fish_is_installed() {
    let Ok(out) = std::process::Command::new("fish")
        .arg("-c")
        .arg(format!(
            "source '{}'; complete -C 'layer-auth validate --pub'",
            completion("layer-auth.fish")
        ))
        .output()
    else {
        assert!(
            std::env::var_os("LAYER_AUTH_CI").is_none(),
            "LAYER_AUTH_CI is set but fish is not installed"
        );
        return;
    };
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.lines().any(|l| l.starts_with("--public-key")),
        "{text}"
    );
}
