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
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use anyhow::{Context as _, bail};
use layer_auth::keys::{KeyError, KeyWarning, SigningKey, VerifyingKey, WeakKeys};
use zeroize::Zeroizing;

use crate::args::{KeyArgs, PASSPHRASE_ENV, PRIVATE_KEY_ENV, PRIVATE_KEY_PATH_ENV, PassphraseArgs};

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

/// Claims stdin for `what`, or says what already read it.
fn claim_stdin(what: &str) -> anyhow::Result<()> {
    let mut taken = STDIN_READ_FOR
        .lock()
        .map_err(|_| anyhow::anyhow!("stdin bookkeeping failed"))?;
    if let Some(first) = taken.as_deref() {
        bail!(
            "stdin (-) is read once per command, and it already gave the {first}: give the \
             {what} as a file"
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
    let base64_run = text
        .split('/')
        .any(|segment| segment.len() >= 40 && segment.bytes().all(is_base64_byte));
    if text.contains("-----BEGIN") || text.contains("PRIVATE KEY") {
        Some("is a PEM key")
    } else if text.trim_start().starts_with('{') {
        Some("is JSON (a JWK?)")
    } else if text.contains(['\n', '\r']) || text.contains("\\n") {
        Some("spans several lines")
    } else if base64_run {
        Some("looks like base64 (key material?)")
    } else if text.len() > 1024 {
        Some("is far too long for a path")
    } else {
        None
    }
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

/// A key file as read for the `keys` commands: a private key, or public keys.
pub enum AnyKey {
    Private(SigningKey),
    Public(Vec<VerifyingKey>),
}

/// Whatever key `path` holds (`-`: stdin): a private key (an encrypted one opened with the
/// passphrase), else every public key in it.
///
/// # Errors
/// An unreadable file, or bytes that are no key.
pub fn any_key(path: &Path, passphrase: &PassphraseArgs) -> anyhow::Result<Loaded<AnyKey>> {
    let name = shown(path);
    let bytes = read_key_file(path, "key")?;
    let secret = self::passphrase(passphrase)?;
    match SigningKey::from_bytes_with(
        &bytes,
        WeakKeys::Allow,
        secret.as_ref().map(|s| s.as_slice()),
    ) {
        Ok(key) => Ok(private_any_key(key, path, name)),
        Err(KeyError::PublicNotPrivate) => {
            let read = VerifyingKey::read_all(&bytes)
                .with_context(|| format!("reading the key in {name}"))?;
            Ok(Loaded {
                value: AnyKey::Public(read.keys),
                warnings: key_warnings(read.warnings, &name).collect(),
            })
        }
        Err(error) => Err(anyhow::Error::new(error).context(format!("reading the key in {name}"))),
    }
}

/// A private key read by [`any_key`] from `path` (shown as `name`), with what to tell of
/// its file and its form.
fn private_any_key(key: SigningKey, path: &Path, name: String) -> Loaded<AnyKey> {
    let mut warnings: Vec<Warning> = readable_by_others(path).into_iter().collect();
    if key.is_legacy() {
        warnings.push(Warning::Key {
            source: name,
            warning: KeyWarning::Legacy {
                key: format!("this {}-bit key", key.public_key().bits()),
            },
        });
    }
    Loaded {
        value: AnyKey::Private(key),
        warnings,
    }
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

/// A private key's bytes as read, before parsing.
struct PrivateBytes<'a> {
    bytes: Zeroizing<Vec<u8>>,
    /// How messages name where they came from.
    source: String,
    /// The file, when there is one.
    path: Option<&'a Path>,
}

/// The private key's bytes and a name for their source, from `--key` /
/// `LAYER_PRIVATE_KEY_PATH` or `LAYER_PRIVATE_KEY`; `None` when neither is set.
fn private_key_bytes(args: &KeyArgs) -> anyhow::Result<Option<PrivateBytes<'_>>> {
    if let Some(path) = args.path() {
        return private_key_file(path).map(Some);
    }
    match std::env::var(PRIVATE_KEY_ENV) {
        Ok(value) if !value.trim().is_empty() => Ok(Some(PrivateBytes {
            bytes: Zeroizing::new(value.into_bytes()),
            source: PRIVATE_KEY_ENV.to_owned(),
            path: None,
        })),
        _ => Ok(None),
    }
}

/// The private key file `--key` or `LAYER_PRIVATE_KEY_PATH` names, unless the name looks
/// like key material itself (which is described, never echoed).
fn private_key_file(path: &Path) -> anyhow::Result<PrivateBytes<'_>> {
    let from = origin(path);
    let text = path.to_string_lossy();
    if let Some(kind) = key_material_kind(&text) {
        bail!(
            "{from} holds a value of {} characters that {kind}, not a file path: put the key \
             in a file and give its path, or put the key itself in {PRIVATE_KEY_ENV}",
            text.chars().count()
        );
    }
    let bytes = read_key_file(path, "private key")
        .with_context(|| format!("the private key named by {from}"))?;
    Ok(PrivateBytes {
        bytes,
        source: shown(path),
        path: Some(path),
    })
}

/// The key that signs: parsed once, with its warnings.
///
/// # Errors
/// No key configured, an unreadable file, or bytes that are not a usable private key.
pub fn signing_key(args: &KeyArgs, weak: WeakKeys) -> anyhow::Result<Loaded<SigningKey>> {
    let Some(PrivateBytes {
        bytes,
        source,
        path,
    }) = private_key_bytes(args)?
    else {
        bail!(
            "no private key: pass --key PATH, or set {PRIVATE_KEY_PATH_ENV} (a file) or \
             {PRIVATE_KEY_ENV} (the PEM itself); `layer-auth keygen --out key.pem` makes one"
        );
    };
    let secret = passphrase(&args.passphrase)?;
    let key = SigningKey::from_bytes_with(&bytes, weak, secret.as_ref().map(|s| s.as_slice()))
        .with_context(|| format!("reading the private key in {source}"))?;
    let mut warnings: Vec<Warning> = path.and_then(readable_by_others).into_iter().collect();
    if key.is_legacy() {
        warnings.push(Warning::LegacySigningKey {
            bits: key.public_key().bits(),
        });
    }
    Ok(Loaded {
        value: key,
        warnings,
    })
}

/// The public half of the configured private key; `None` when no private key is configured.
///
/// # Errors
/// As [`signing_key`], for a key that is configured but unusable.
pub fn public_half(args: &KeyArgs) -> anyhow::Result<Option<Loaded<Vec<VerifyingKey>>>> {
    let Some(PrivateBytes {
        bytes,
        source,
        path,
    }) = private_key_bytes(args)?
    else {
        return Ok(None);
    };
    let secret = passphrase(&args.passphrase)?;
    let read = VerifyingKey::read_all_with(&bytes, secret.as_ref().map(|s| s.as_slice()))
        .with_context(|| format!("reading the public half of the key in {source}"))?;
    let mut warnings: Vec<Warning> = path.and_then(readable_by_others).into_iter().collect();
    warnings.extend(key_warnings(read.warnings, &source));
    Ok(Some(Loaded {
        value: read.keys,
        warnings,
    }))
}

/// Every key in every `--public-key` file, in order.
///
/// # Errors
/// The first file that cannot be read, or holds no usable key.
pub fn public_keys(paths: &[PathBuf]) -> anyhow::Result<Loaded<Vec<VerifyingKey>>> {
    let mut loaded = Loaded {
        value: Vec::new(),
        warnings: Vec::new(),
    };
    for path in paths {
        if path.is_dir() {
            directory_keys(path, &mut loaded)?;
            continue;
        }
        let name = shown(path);
        let bytes = read_key_file(path, "public key")?;
        let read = VerifyingKey::read_all(&bytes)
            .with_context(|| format!("reading the public key in {name}"))?;
        add(&mut loaded, read, &name);
    }
    Ok(loaded)
}

fn add(loaded: &mut Loaded<Vec<VerifyingKey>>, read: layer_auth::keys::PublicKeys, name: &str) {
    loaded.value.extend(read.keys);
    loaded.warnings.extend(key_warnings(read.warnings, name));
}

/// Every key in the regular files of `dir`, by file name; hidden files are left out, and a
/// file that holds no usable key is skipped with a warning (a README beside the keys).
fn directory_keys(dir: &Path, loaded: &mut Loaded<Vec<VerifyingKey>>) -> anyhow::Result<()> {
    let name = shown(dir);
    let files = key_files(dir, &name)?;
    let before = loaded.value.len();
    for file in &files {
        add_file(loaded, file);
    }
    if loaded.value.len() == before {
        bail!(
            "no usable key in the directory {name} ({})",
            match files.len() {
                0 => "it holds no file".to_owned(),
                n => format!("{n} files, none a key"),
            }
        );
    }
    Ok(())
}

/// The keys of one file in a directory, or a warning that it was skipped.
fn add_file(loaded: &mut Loaded<Vec<VerifyingKey>>, file: &Path) {
    let file_name = shown(file);
    let read = read_key_file(file, "public key")
        .and_then(|bytes| VerifyingKey::read_all(&bytes).map_err(anyhow::Error::from));
    match read {
        Ok(read) => add(loaded, read, &file_name),
        // As an error would be shown: a key line quoted by a parser is hidden.
        Err(error) => loaded.warnings.push(Warning::SkippedFile {
            path: file_name,
            reason: crate::term::hide_key_material(&format!("{error:#}")).into_owned(),
        }),
    }
}

/// The regular, not hidden files of `dir` (shown as `name`), sorted: at most
/// [`MAX_DIR_FILES`] of them and [`MAX_DIR_BYTES`] in all.
fn key_files(dir: &Path, name: &str) -> anyhow::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read the key directory {name}"))?
        .filter_map(Result::ok)
        .filter(|entry| !entry.file_name().to_string_lossy().starts_with('.'))
        .map(|entry| entry.path())
        .filter(|path| path.is_file())
        .take(MAX_DIR_FILES + 1)
        .collect();
    if files.len() > MAX_DIR_FILES {
        bail!("the key directory {name} holds over {MAX_DIR_FILES} files; is it the right one?");
    }
    files.sort();
    within_dir_bytes(&files, name)?;
    Ok(files)
}

/// At most [`MAX_DIR_BYTES`] in all the `files` of the key directory shown as `name`.
fn within_dir_bytes(files: &[PathBuf], name: &str) -> anyhow::Result<()> {
    let total: u64 = files
        .iter()
        .filter_map(|file| std::fs::metadata(file).ok())
        .map(|meta| meta.len())
        .sum();
    if total > MAX_DIR_BYTES {
        bail!(
            "the key directory {name} holds {} MiB of files, over the {} MiB a key directory may \
             hold; is it the right one?",
            total >> 20,
            MAX_DIR_BYTES >> 20
        );
    }
    Ok(())
}

/// The keys tokens must verify under: `--public-key` files, else the public half of the
/// configured private key, else none.
///
/// # Errors
/// As [`public_keys`] and [`public_half`].
pub fn trusted_keys(
    public_key: &[PathBuf],
    private: &KeyArgs,
) -> anyhow::Result<Loaded<Vec<VerifyingKey>>> {
    if !public_key.is_empty() {
        return public_keys(public_key);
    }
    Ok(public_half(private)?.unwrap_or(Loaded {
        value: Vec::new(),
        warnings: Vec::new(),
    }))
}

fn readable_by_others(path: &Path) -> Option<Warning> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let meta = std::fs::metadata(path).ok()?;
        let mode = meta.permissions().mode() & 0o777;
        (meta.is_file() && mode & 0o077 != 0).then(|| Warning::ReadableByOthers {
            path: shown(path),
            mode,
        })
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
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
