//! The committed completion scripts complete in real shells: bash (always there), and fish
//! and zsh when they are installed (`.ci/run` installs them).

use crate::util::{fixture, stdout_of, tempdir};

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
    stdout_of(std::process::Command::new("bash").args(["--norc", "--noprofile", "-c", &script]))
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
        ["pem", "jwk", "jwks"]
    );
    assert_eq!(
        bash_complete(&["layer-auth", "keygen", "--bits", ""]),
        ["2048", "3072", "4096"]
    );
    let subcommands = bash_complete(&["layer-auth", "se"]);
    assert!(subcommands.contains(&"serve".to_owned()), "{subcommands:?}");
    let flow = bash_complete(&["layer-auth", "flow", "--lay"]);
    assert_eq!(flow, ["--layer-url"]);
}

/// Drives an interactive bash on a pseudo-terminal (python3's `pty`, as the zsh test uses
/// `zpty`): sources the script `$1` in the directory `$2`, and for each line after them
/// types it, a Tab, then `x`, and runs what readline made of it as `printf '[%s]'`'s
/// arguments, so each word shows as bash parsed it. Prints those lines.
const BASH_PTY: &str = r#"
import os, pty, select, sys, time
script, cwd, lines = sys.argv[1], sys.argv[2], sys.argv[3:]
pid, fd = pty.fork()
if pid == 0:
    os.chdir(cwd)
    env = {"PATH": os.environ["PATH"], "HOME": cwd, "TERM": "dumb", "PS1": "$ "}
    os.execve("/bin/bash", ["bash", "--norc", "--noprofile", "-i"], env)
def drain(seconds):
    out, end = b"", time.time() + seconds
    while time.time() < end:
        if select.select([fd], [], [], 0.05)[0]:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
    return out
def send(text):
    os.write(fd, text.encode())
send("bind 'set enable-bracketed-paste off' 2>/dev/null; source '%s'\n" % script)
drain(0.5)
out = b""
for line in lines:
    send(line + "\t")
    drain(0.5)
    send("x\x01printf '[%s]' \x05; echo\n")
    out += drain(0.5)
send("exit\n")
drain(0.3)
for shown in out.decode(errors="replace").splitlines():
    if shown.startswith("[layer-auth]"):
        print(shown.rstrip())
"#;

/// File arguments complete to whole names, however odd: one candidate a file, quoted by
/// readline, a directory ending in `/` so the path goes on (clap_complete's own script split
/// `with space.pem` in two and left `quo'te.pem` an open quote).
#[test]
fn bash_completes_odd_file_names_whole_and_quoted_and_directories_with_a_slash() {
    let dir = tempdir();
    std::fs::create_dir(dir.path().join("keysdir")).unwrap();
    for name in ["with space.pem", "quo'te.pem", "glob*.pem", "globe.pem"] {
        std::fs::write(dir.path().join(name), "").unwrap();
    }
    let script = completion("layer-auth.bash");
    let offered = |word: &str| -> Vec<String> {
        let source = format!(
            "cd '{}'; source '{script}'; COMP_WORDS=(layer-auth sign --key '{word}'); \
             COMP_CWORD=3; _layer__auth layer-auth '{word}' --key; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
            dir.path().display()
        );
        stdout_of(std::process::Command::new("bash").args(["--norc", "--noprofile", "-c", &source]))
            .lines()
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(offered("wi"), ["with space.pem"]);
    assert_eq!(offered("quo"), ["quo'te.pem"]);
    let mut globs = offered("glob");
    globs.sort();
    assert_eq!(globs, ["glob*.pem", "globe.pem"]);
    // Through readline, as a person at a terminal gets it.
    let typed = [
        "layer-auth sign --key wi",
        "layer-auth validate --public-key quo",
        "layer-auth sign --key keysd",
        "layer-auth keygen --bits 30",
    ];
    let shown = stdout_of(
        std::process::Command::new("timeout")
            .args(["30", "python3", "-c", BASH_PTY, &script])
            .arg(dir.path())
            .args(typed),
    );
    assert_eq!(
        shown.lines().collect::<Vec<_>>(),
        [
            "[layer-auth][sign][--key][with space.pem][x]",
            "[layer-auth][validate][--public-key][quo'te.pem][x]",
            "[layer-auth][sign][--key][keysdir/x]",
            "[layer-auth][keygen][--bits][3072][x]",
        ],
        "{shown}"
    );
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

/// Drives an interactive `zsh -f` on a pseudo-terminal (`zsh/zpty`): loads the completion
/// system with `$1` (the completions directory) first on `fpath`, wraps `compadd` so every
/// candidate the real completion functions add (after zsh's own matching) is appended to the
/// file `$2`, types `$3` and a Tab, and exits once that completion is done. `compadd` calls
/// that only ask for matches (`-O`, `-A`, `-D`) are passed through untouched.
const ZSH_CAPTURE: &str = r#"
zmodload zsh/zpty || exit 3
zpty z zsh -f -i || exit 4
zpty -w z "fpath=(${(q)1} \$fpath); layer_auth_candidates=${(q)2}"
zpty -w z 'PROMPT= RPROMPT=; autoload -U compinit; compinit -u -D'
zpty -w z 'compadd() {
  if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return; fi
  local -a __hits; builtin compadd -O __hits "$@"
  (( $#__hits )) && print -rl -- $__hits >>$layer_auth_candidates
  builtin compadd "$@"
}'
zpty -w z 'comppostfuncs=(exit); bindkey "^I" complete-word'
zpty -w -n z "$3"$'\t'
while zpty -r z chunk; do :; done
"#;

/// What zsh offers (sorted, each once) when Tab is pressed after `line`, or `None` when zsh
/// is not installed.
fn zsh_complete(line: &str) -> Option<Vec<String>> {
    if std::process::Command::new("zsh")
        .args(["-f", "-c", "true"])
        .output()
        .is_err()
    {
        return None;
    }
    let dir = tempdir();
    let out_file = dir.path().join("candidates");
    std::fs::write(&out_file, "").unwrap();
    let completions = fixture("../../completions");
    // `timeout` bounds the run: a shell that never reaches the completion is killed (124).
    let out = std::process::Command::new("timeout")
        .args(["20", "zsh", "-f", "-c", ZSH_CAPTURE, "zsh"])
        .arg(&completions)
        .arg(&out_file)
        .arg(line)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "zsh completing {line:?}: {} (124 = timed out)\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let mut candidates: Vec<String> = std::fs::read_to_string(&out_file)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    candidates.sort();
    candidates.dedup();
    Some(candidates)
}

#[test]
fn zsh_completes_a_subcommands_options_when_zsh_is_installed() {
    let Some(options) = zsh_complete("layer-auth validate --pub") else {
        assert!(
            std::env::var_os("LAYER_AUTH_CI").is_none(),
            "LAYER_AUTH_CI is set but zsh is not installed"
        );
        return;
    };
    assert_eq!(options, ["--public-key"]);
    assert_eq!(
        zsh_complete("layer-auth keygen --format ").unwrap(),
        ["jwk", "jwks", "pem"]
    );
}
