//! The harness: a hermetic `layer-auth` command, fixtures, a temp dir per test, and an
//! `openssl` runner for interop.

#![allow(dead_code, reason = "each test file uses its own part of the harness")]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use assert_cmd::cargo::CommandCargoExt as _;
use serde::Deserialize;
use serde_json::{Map, Value};

/// `layer-auth` with no `LAYER_*`, colour or terminal settings inherited.
pub fn layer_auth() -> Command {
    let mut cmd = Command::cargo_bin("layer-auth").unwrap();
    for var in [
        "LAYER_PRIVATE_KEY_PATH",
        "LAYER_PRIVATE_KEY",
        "LAYER_PROVIDER_ID",
        "LAYER_KEY_ID",
        "LAYER_PRIVATE_KEY_PASSPHRASE",
        "TZ",
        "GITHUB_ENV",
        "GITHUB_ACTIONS",
        "NO_COLOR",
        "CLICOLOR_FORCE",
        "LAYER_AUTH_DEBUG_PANIC",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("TERM", "dumb").stdin(Stdio::null());
    cmd
}

/// A path under `tests/fixtures/`.
pub fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path)
}

/// The token in `tests/fixtures/tokens/NAME.jwt`, without its newline.
pub fn token(name: &str) -> String {
    std::fs::read_to_string(fixture(&format!("tokens/{name}.jwt")))
        .unwrap()
        .trim()
        .to_owned()
}

/// Mid-life of the fixture tokens (iat 1700000000, exp 1700000600).
pub const NOW: &str = "1700000300";
/// The fixtures' ids.
pub const KEY_ID: &str = "layer:///keys/11111111-2222-3333-4444-555555555555";
pub const PROVIDER_ID: &str = "layer:///providers/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";

/// Runs `cmd` (feeding `stdin`), returning its output.
pub fn run(cmd: &mut Command, stdin: Option<&[u8]>) -> Output {
    use std::io::Write as _;
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    if stdin.is_some() {
        cmd.stdin(Stdio::piped());
    }
    let mut child = cmd.spawn().unwrap();
    if let Some(input) = stdin {
        let mut pipe = child.stdin.take().unwrap();
        let input = input.to_vec();
        std::thread::spawn(move || {
            let _ = pipe.write_all(&input);
        });
    }
    child.wait_with_output().unwrap()
}

/// What a run produced, for assertions and for a readable failure dump.
pub struct Ran {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl std::fmt::Debug for Ran {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// Runs `cmd` with `stdin` and captures code, stdout and stderr as text.
pub fn ran(cmd: &mut Command, stdin: Option<&[u8]>) -> Ran {
    let out = run(cmd, stdin);
    Ran {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `layer-auth ARGS…` with no stdin.
pub fn la(args: &[&str]) -> Ran {
    ran(layer_auth().args(args), None)
}

/// A fresh temporary directory, removed when dropped.
pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

/// Runs `openssl ARGS…`, returning its output.
pub fn openssl(args: &[&str]) -> Output {
    Command::new("openssl")
        .args(args)
        .output()
        .expect("the openssl command line is needed for interop tests")
}

/// Signing settings for the fixture key, as `sign` takes them.
pub fn sign_cmd(key: &Path) -> Command {
    let mut cmd = layer_auth();
    cmd.arg("sign")
        .arg("--key")
        .arg(key)
        .args(["--provider-id", PROVIDER_ID, "--key-id", KEY_ID]);
    cmd
}

/// The fixture key `name`, copied into `dir` with mode 0600 so no permission warning
/// muddies stderr (git does not keep the fixtures' modes).
pub fn private_key(dir: &Path, name: &str) -> PathBuf {
    let copy = dir.join(name);
    std::fs::copy(fixture(&format!("keys/{name}")), &copy).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    copy
}

/// One `--json` report (docs/report.md), read strictly: an unknown member is a failure.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Report {
    pub schema: u32,
    #[serde(default)]
    pub line: Option<usize>,
    pub valid: bool,
    pub signature_verified: bool,
    pub failed: Vec<String>,
    pub warnings: Vec<String>,
    pub not_checked: Vec<String>,
    pub header: Option<Map<String, Value>>,
    pub claims: Option<Map<String, Value>>,
    pub checks: Vec<Check>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Check {
    pub id: String,
    pub status: String,
    pub message: String,
}

impl Report {
    /// The check with this id (there must be exactly one).
    pub fn check(&self, id: &str) -> &Check {
        let found: Vec<&Check> = self.checks.iter().filter(|c| c.id == id).collect();
        assert_eq!(found.len(), 1, "one {id} check in {self:#?}");
        found[0]
    }

    /// The status of the check with this id.
    pub fn status(&self, id: &str) -> &str {
        &self.check(id).status
    }

    /// The ids of the failing checks, in report order.
    pub fn failing(&self) -> Vec<&str> {
        self.checks
            .iter()
            .filter(|c| c.status == "fail")
            .map(|c| c.id.as_str())
            .collect()
    }
}
