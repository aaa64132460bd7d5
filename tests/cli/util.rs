//! The harness: a hermetic `layer-auth` command and the runs that capture it, fixtures, a temp
//! dir per test, an `openssl` runner for interop, and the strict `--json` report types that
//! every file reads reports with.

#![allow(dead_code, reason = "each test file uses its own part of the harness")]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use assert_cmd::cargo::CommandCargoExt as _;
use serde::Deserialize;
use serde_json::{Map, Value};

/// `layer-auth` with no `LAYER_*`, colour or terminal settings inherited.
pub fn layer_auth() -> Command {
    let mut cmd = Command::cargo_bin("layer-auth").unwrap();
    hermetic(&mut cmd).env("TERM", "dumb").stdin(Stdio::null());
    cmd
}

/// The settings `sign`, `validate` and `flow` read from the environment (SPEC §3).
pub const LAYER_SETTINGS: [&str; 4] = [
    "LAYER_PRIVATE_KEY_PATH",
    "LAYER_PRIVATE_KEY",
    "LAYER_PROVIDER_ID",
    "LAYER_KEY_ID",
];

/// Removes what no test may inherit from `cmd`'s environment: [`LAYER_SETTINGS`], the
/// passphrase, time zone, GitHub's variables, colour settings and the panic switch.
pub fn hermetic(cmd: &mut Command) -> &mut Command {
    let others = [
        "LAYER_PRIVATE_KEY_PASSPHRASE",
        "TZ",
        "GITHUB_ENV",
        "GITHUB_ACTIONS",
        "NO_COLOR",
        "CLICOLOR_FORCE",
        "LAYER_AUTH_DEBUG_PANIC",
    ];
    for var in LAYER_SETTINGS.iter().chain(&others) {
        cmd.env_remove(var);
    }
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
/// The fixtures' ids as the flags `sign`, `validate` and `flow` take them.
pub const IDS: [&str; 4] = ["--provider-id", PROVIDER_ID, "--key-id", KEY_ID];
/// Every value `validate` can be told to expect, as the fixture tokens carry them.
pub const EXPECTED: [&str; 8] = [
    "--nonce",
    "nonce-123",
    "--user",
    "alice",
    "--provider-id",
    PROVIDER_ID,
    "--key-id",
    KEY_ID,
];

/// The fixture tokens' header and claims as raw JSON, for tests that build tokens of their own.
pub const HEADER: &str = r#"{"typ":"JWS","alg":"RS256","cty":"layer-eit;v=1","kid":"layer:///keys/11111111-2222-3333-4444-555555555555"}"#;
pub const CLAIMS: &str = r#"{"iss":"layer:///providers/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee","prn":"alice","iat":1700000000,"exp":1700000600,"nce":"nonce-123"}"#;

/// Runs `cmd`, feeding it `stdin`, and returns its raw output.
pub fn output_of(cmd: &mut Command, stdin: Option<&[u8]>) -> Output {
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
pub struct Outcome {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl std::fmt::Debug for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// Runs `cmd`, feeding it `stdin`, and returns its exit code, stdout and stderr as text.
pub fn outcome_of(cmd: &mut Command, stdin: Option<&[u8]>) -> Outcome {
    let out = output_of(cmd, stdin);
    Outcome {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs `layer-auth ARGS…` (hermetic, no stdin) and returns its outcome.
pub fn layer(args: &[&str]) -> Outcome {
    outcome_of(layer_auth().args(args), None)
}

/// Runs `cmd`, a program that is not ours (bash, python3), which must succeed; returns its
/// stdout.
pub fn stdout_of(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{cmd:?}: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
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

/// Runs `openssl ARGS…`, which must succeed; returns its stdout.
pub fn openssl_ok(args: &[&str]) -> Vec<u8> {
    let out = openssl(args);
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 EXTRA… -out dir/name`.
pub fn openssl_rsa_with(dir: &Path, name: &str, extra: &[&str]) -> PathBuf {
    let key = dir.join(name);
    let genpkey = [
        "genpkey",
        "-algorithm",
        "RSA",
        "-pkeyopt",
        "rsa_keygen_bits:2048",
    ];
    openssl_ok(&[&genpkey[..], extra, &["-out", path(&key)]].concat());
    key
}

/// An unencrypted PKCS#8 RSA-2048 key from [`openssl_rsa_with`].
pub fn openssl_rsa(dir: &Path, name: &str) -> PathBuf {
    openssl_rsa_with(dir, name, &[])
}

/// A path as a command-line argument.
pub fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Signing settings for the fixture key, as `sign` takes them.
pub fn sign_cmd(key: &Path) -> Command {
    let mut cmd = layer_auth();
    cmd.arg("sign").arg("--key").arg(key).args(IDS);
    cmd
}

/// A token from `sign --key KEY ARGS…`, which must succeed; whatever of the fixtures' ids,
/// `--nonce nonce-123`, `--user alice` and `--now 1700000000` ARGS does not set is added.
pub fn signed_token(key: &Path, args: &[&str]) -> String {
    let mut cmd = layer_auth();
    cmd.arg("sign").arg("--key").arg(key).args(args);
    for [flag, value] in [
        ["--provider-id", PROVIDER_ID],
        ["--key-id", KEY_ID],
        ["--nonce", "nonce-123"],
        ["--user", "alice"],
        ["--now", "1700000000"],
    ] {
        if !args.contains(&flag) {
            cmd.args([flag, value]);
        }
    }
    let r = outcome_of(&mut cmd, None);
    assert_eq!(r.code, 0, "{r:?}");
    r.stdout.trim_end().to_owned()
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

/// The run failed with exit 2, nothing on stdout and one `error:` line on stderr (and a
/// `hint:` line when the command line knows the fix); returns stderr.
pub fn one_error_line(r: &Outcome) -> &str {
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stdout.is_empty(), "{r:?}");
    let lines: Vec<&str> = r.stderr.lines().collect();
    let hinted = lines.len() == 2 && lines[1].starts_with("hint: ");
    assert!(lines.len() == 1 || hinted, "one line: {r:?}");
    assert!(r.stderr.starts_with("error: "), "{r:?}");
    &r.stderr
}

/// `sign --nonce n --user u` with a 0600 copy of the fixture key `name` and the fixtures'
/// ids, which must end in [`one_error_line`]; returns the run.
pub fn sign_error(name: &str) -> Outcome {
    let dir = tempdir();
    let key = private_key(dir.path(), name);
    let r = outcome_of(sign_cmd(&key).args(["--nonce", "n", "--user", "u"]), None);
    one_error_line(&r);
    r
}

/// Runs `validate TOKEN --public-key KEY --now NOW --json EXTRA…` (read the report with
/// [`report_of`]).
pub fn validate_json_with(key: impl AsRef<Path>, token: &str, extra: &[&str]) -> Outcome {
    outcome_of(
        layer_auth()
            .args(["validate", token, "--public-key"])
            .arg(key.as_ref())
            .args(["--now", NOW, "--json"])
            .args(extra),
        None,
    )
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

/// One entry of a report's `checks`, read strictly.
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

/// The `--json` reports on stdout, one per line.
pub fn reports_of(r: &Outcome) -> Vec<Report> {
    r.stdout
        .lines()
        .map(|line| {
            serde_json::from_str(line)
                .unwrap_or_else(|e| unreachable!("not a report ({e}): {line}\n{r:?}"))
        })
        .collect()
}

/// The single `--json` report on stdout.
pub fn report_of(r: &Outcome) -> Report {
    let mut all = reports_of(r);
    assert_eq!(all.len(), 1, "one report: {r:?}");
    all.remove(0)
}
