//! Where keys come from, in one place: `--key` / `LAYER_PRIVATE_KEY_PATH` (a file),
//! `LAYER_PRIVATE_KEY` (the key itself), `--public-key` files and directories, stdin (`-`,
//! once per command), and the passphrase of an encrypted key (`--passphrase-file`,
//! `LAYER_PRIVATE_KEY_PASSPHRASE`).
//!
//! Every read is bounded: at most [`MAX_KEY_FILE`] bytes, and a FIFO, pipe or device gets
//! [`READ_WAIT`] to deliver before we give up, so `--public-key /dev/zero` or a FIFO with no
//! writer cannot grow or hang the process (`<(…)` process substitution still works). A value
//! that might be key material rather than a path is described, never echoed. What is worth
//! telling but does not stop the run comes back as [`Warning`]s for the command to print.

use std::fmt;
use std::io::{IsTerminal as _, Read as _};
use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use anyhow::{Context as _, bail};
use layer_auth::keys::KeyWarning;
use zeroize::Zeroizing;

use crate::args::{PASSPHRASE_ENV, PRIVATE_KEY_ENV, PRIVATE_KEY_PATH_ENV, PassphraseArgs};

mod signing;
mod trusted;

pub use signing::{AnyKey, any_key, public_half, signing_key};
pub use trusted::{public_keys, trusted_keys};

/// The most files a `--public-key` directory may hold.
pub const MAX_DIR_FILES: usize = 1000;
/// The most bytes the files of a `--public-key` directory may hold together: four full key
/// files, about 40,000 keys.
pub const MAX_DIR_BYTES: u64 = 4 * MAX_KEY_FILE;
/// The longest passphrase file read.
const MAX_PASSPHRASE_FILE: usize = 4096;

/// What read stdin, once it has been read: it carries one thing per command.
static STDIN_READ_FOR: Mutex<Option<String>> = Mutex::new(None);

/// What stdin was read for, if it was (a command that also reads tokens from stdin asks).
pub fn stdin_read_for() -> Option<String> {
    STDIN_READ_FOR.lock().ok()?.clone()
}

/// Claims stdin for `what` before any key is read: a command whose data comes from stdin
/// says so first, so that a key also asked from stdin is refused by name rather than read
/// from the data (and blamed for not being a key).
///
/// # Errors
/// Stdin already claimed.
pub fn reserve_stdin(what: &str) -> anyhow::Result<()> {
    claim_stdin(what)
}

/// Claims stdin for `what`, or says what already read it.
fn claim_stdin(what: &str) -> anyhow::Result<()> {
    let mut taken = STDIN_READ_FOR
        .lock()
        .map_err(|_| anyhow::anyhow!("stdin bookkeeping failed"))?;
    if let Some(first) = taken.as_deref() {
        bail!(
            "stdin (-) is read once per command, and it carries the {first}: give the {what} \
             as a file"
        );
    }
    *taken = Some(what.to_owned());
    Ok(())
}

/// The largest key file read: room for a JWKS of about 10,000 RSA keys.
pub const MAX_KEY_FILE: u64 = 4 * 1024 * 1024;
/// How long a FIFO, pipe or device may take to deliver a key file.
pub const READ_WAIT: Duration = Duration::from_secs(10);

/// Something to tell about the keys that did not stop the run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Warning {
    /// A private key file that group or others can read (like `ssh`, a warning, not a
    /// refusal, so CI secrets written under a loose umask still work).
    ReadableByOthers { path: String, mode: u32 },
    /// What the library found in a key file.
    Key { source: String, warning: KeyWarning },
    /// Signing with a legacy key, as asked.
    LegacySigningKey { bits: usize },
    /// A file in a `--public-key` directory that holds no usable key.
    SkippedFile { path: String, reason: String },
    /// A key file named, and the key in `LAYER_PRIVATE_KEY` too: the file is used.
    KeyInEnvUnused { from: &'static str },
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ReadableByOthers { path, mode } => write!(
                f,
                "{path} is readable by others (mode {mode:03o}); protect it: chmod 600 {path}"
            ),
            Self::Key { source, warning } => write!(f, "{source}: {warning}"),
            Self::SkippedFile { path, reason } => write!(f, "{path}: skipped: {reason}"),
            Self::KeyInEnvUnused { from } => write!(
                f,
                "{PRIVATE_KEY_ENV} is set too, and not used: the key file {from} names wins; \
                 unset one of them"
            ),
            Self::LegacySigningKey { bits } => write!(
                f,
                "signing with a {bits}-bit legacy key (--allow-weak-key); generate a 2048-bit \
                 key and register it soon"
            ),
        }
    }
}

/// A value and the warnings found while getting it.
#[derive(Debug)]
pub struct Loaded<T> {
    pub value: T,
    pub warnings: Vec<Warning>,
}

/// How to show a path given for a key: as typed when it looks like a path, else a
/// description (what it looks like, how long it is), never its content.
pub fn shown(path: &Path) -> String {
    let text = path.to_string_lossy();
    match key_material_kind(&text) {
        Some(kind) => format!("a value of {} characters that {kind}", text.chars().count()),
        None => text.into_owned(),
    }
}

/// What `text` looks like when it is more likely key material than a file path.
fn key_material_kind(text: &str) -> Option<&'static str> {
    let base64_segment = text
        .split('/')
        .any(|segment| segment.len() >= 40 && segment.bytes().all(is_base64_byte));
    layer_auth::keys::material_kind(text, base64_segment)
}

fn is_base64_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'=' | b'-' | b'_')
}

/// Where `path` came from: the flag, or the variable that holds the same value.
fn origin(path: &Path) -> &'static str {
    match std::env::var_os(PRIVATE_KEY_PATH_ENV) {
        Some(value) if Path::new(&value) == path => PRIVATE_KEY_PATH_ENV,
        _ => "--key",
    }
}

/// Reads a key file, bounded in size and, for FIFOs, pipes and devices, in time.
///
/// # Errors
/// Naming the file (or describing the value) and why: missing, a directory, too large,
/// nothing arriving in time.
pub fn read_key_file(path: &Path, what: &str) -> anyhow::Result<Zeroizing<Vec<u8>>> {
    if path.as_os_str() == "-" {
        return read_stdin(what);
    }
    let name = shown(path);
    let meta =
        std::fs::metadata(path).with_context(|| format!("cannot read the {what} file {name}"))?;
    if meta.is_dir() {
        bail!("the {what} file {name} is a directory; give a file");
    }
    if meta.is_file() && meta.len() > MAX_KEY_FILE {
        bail!(too_large(what, &name, meta.len()));
    }
    let bytes = if meta.is_file() {
        read_capped(path).map_err(anyhow::Error::from)
    } else {
        read_within(path, READ_WAIT)
    }
    .with_context(|| format!("cannot read the {what} file {name}"))?;
    if bytes.len() as u64 > MAX_KEY_FILE {
        bail!(too_large(what, &name, bytes.len() as u64));
    }
    Ok(bytes)
}

fn too_large(what: &str, name: &str, bytes: u64) -> String {
    let more = if bytes > MAX_KEY_FILE {
        format!("{bytes} bytes")
    } else {
        "more".to_owned()
    };
    format!(
        "the {what} file {name} holds {more}, over the {} MiB a key file may have (room for \
         about 10,000 keys in a JWKS); is it the right file?",
        MAX_KEY_FILE / (1024 * 1024)
    )
}

/// A key (or passphrase) from stdin, bounded like a file; refused on a terminal, where
/// typing or pasting it would show it on the screen.
fn read_stdin(what: &str) -> anyhow::Result<Zeroizing<Vec<u8>>> {
    if std::io::stdin().is_terminal() {
        bail!(
            "the {what} is to come from stdin (-), but stdin is a terminal, where it would show \
             on the screen: pipe it in (… < FILE) or give the file"
        );
    }
    claim_stdin(what)?;
    let mut bytes = Zeroizing::new(Vec::new());
    std::io::stdin()
        .lock()
        .take(MAX_KEY_FILE + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot read the {what} from stdin"))?;
    if bytes.len() as u64 > MAX_KEY_FILE {
        bail!(too_large(what, "on stdin", bytes.len() as u64));
    }
    Ok(bytes)
}

/// The passphrase for an encrypted private key: the first line of `--passphrase-file`,
/// else `LAYER_PRIVATE_KEY_PASSPHRASE`; `None` when neither is given.
///
/// # Errors
/// An unreadable or empty passphrase file.
pub fn passphrase(args: &PassphraseArgs) -> anyhow::Result<Option<Zeroizing<Vec<u8>>>> {
    let Some(path) = &args.passphrase_file else {
        return Ok(std::env::var_os(PASSPHRASE_ENV)
            .filter(|v| !v.is_empty())
            .map(|v| Zeroizing::new(v.into_encoded_bytes())));
    };
    // A command reads its passphrase file once (it may be stdin) and keeps what it held.
    static READ: Mutex<Option<Zeroizing<Vec<u8>>>> = Mutex::new(None);
    let mut read = READ
        .lock()
        .map_err(|_| anyhow::anyhow!("passphrase bookkeeping failed"))?;
    if let Some(line) = read.as_ref() {
        return Ok(Some(line.clone()));
    }
    let line = passphrase_file(path)?;
    *read = Some(line.clone());
    Ok(Some(line))
}

/// The first line of a passphrase file, without its line ending.
fn passphrase_file(path: &Path) -> anyhow::Result<Zeroizing<Vec<u8>>> {
    let bytes = read_key_file(path, "passphrase")?;
    if bytes.len() > MAX_PASSPHRASE_FILE {
        bail!(
            "the passphrase file {} holds {} bytes; a passphrase file holds one line",
            shown(path),
            bytes.len()
        );
    }
    let line = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if line.is_empty() {
        bail!(
            "the passphrase file {} starts with an empty line: its first line is the passphrase",
            shown(path)
        );
    }
    Ok(Zeroizing::new(line.to_vec()))
}

/// The passphrase `--encrypt` writes a key under: as [`passphrase`], but required.
///
/// # Errors
/// As [`passphrase`], and no passphrase at all.
pub fn passphrase_to_encrypt(args: &PassphraseArgs) -> anyhow::Result<Zeroizing<Vec<u8>>> {
    passphrase(args)?.ok_or_else(|| {
        anyhow::anyhow!(
            "--encrypt needs a passphrase: put it in {PASSPHRASE_ENV}, or in a file named by \
             --passphrase-file (never on the command line itself)"
        )
    })
}

/// What the library found in a key file, as warnings naming `source`.
fn key_warnings(warnings: Vec<KeyWarning>, source: &str) -> impl Iterator<Item = Warning> {
    warnings.into_iter().map(|warning| Warning::Key {
        source: source.to_owned(),
        warning,
    })
}

/// Up to one byte past [`MAX_KEY_FILE`], so that "too large" is seen without reading more.
fn read_capped(path: &Path) -> std::io::Result<Zeroizing<Vec<u8>>> {
    let mut bytes = Zeroizing::new(Vec::new());
    std::fs::File::open(path)?
        .take(MAX_KEY_FILE + 1)
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// [`read_capped`] on a thread, waiting at most `wait`: opening a FIFO blocks until a writer
/// comes, and a device may never stop. On timeout the thread is left behind (it holds no
/// lock and the process is about to report the error).
fn read_within(path: &Path, wait: Duration) -> anyhow::Result<Zeroizing<Vec<u8>>> {
    let (tx, rx) = std::sync::mpsc::channel();
    let owned = path.to_owned();
    std::thread::spawn(move || {
        let _ = tx.send(read_capped(&owned));
    });
    match rx.recv_timeout(wait) {
        Ok(read) => Ok(read?),
        Err(_) => bail!(
            "nothing arrived within {}s (a FIFO with no writer?)",
            wait.as_secs()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_shown_and_key_material_is_described() {
        for path in [
            "layer-key.pem",
            "/home/runner/work/my-org/my-repository/secrets/layer-private-key.pem",
            "C:/keys/key.pem",
        ] {
            assert_eq!(shown(Path::new(path)), path);
        }
        let base64 = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7".repeat(30);
        for (value, kind) in [
            (
                "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----",
                "is a PEM key",
            ),
            (r#"{"kty":"RSA","d":"x"}"#, "is JSON (a JWK?)"),
            (base64.as_str(), "looks like base64 (key material?)"),
            ("abc\\ndef", "spans several lines"),
        ] {
            let text = shown(Path::new(value));
            assert!(text.ends_with(kind), "{text}");
            assert!(!text.contains("MII") && !text.contains("kty"), "{text}");
        }
    }

    #[test]
    fn a_fifo_with_no_writer_times_out_instead_of_hanging() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.unwrap().success(), "mkfifo (coreutils) is needed");
        let error = read_within(&fifo, Duration::from_millis(200)).unwrap_err();
        assert!(error.to_string().contains("no writer"), "{error}");
    }
}
