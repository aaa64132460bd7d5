//! Files that hold keys: written atomically (a temporary file in the same directory,
//! synced, renamed into place), never over an existing file without `--force`, private keys
//! with mode 0600.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use layer_auth::output::escape;

/// Refuses an `--out` a private key must not be written to: a directory, an existing file
/// without `--force`, and with or without it anything but a regular file (a device, a FIFO,
/// a symbolic link). Stdout (`-`) is the caller's to handle.
pub fn check_out(out: &Path, force: bool, flag: &str) -> anyhow::Result<()> {
    let shown = escape(&out.to_string_lossy()).into_owned();
    let Ok(meta) = std::fs::symlink_metadata(out) else {
        return Ok(()); // nothing there yet
    };
    let kind = meta.file_type();
    if kind.is_dir() {
        bail!("{shown} is a directory: give {flag} a file path, e.g. {flag} layer-key.pem");
    }
    if !kind.is_file() {
        let what = if kind.is_symlink() {
            "a symbolic link"
        } else {
            "not a regular file (a device, FIFO or socket)"
        };
        bail!("{shown} is {what}; a key is written only to a regular file, even with --force");
    }
    if !force {
        bail!(
            "{shown} already exists; keeping it. Choose another {flag}, or pass --force to \
             replace it (what it holds is then lost)"
        );
    }
    Ok(())
}

/// Writes `pem` to `path` with mode 0600: a temporary file in the same directory, synced,
/// then renamed into place (refusing to replace unless `force`), so a reader never sees a
/// partial key and a failed write leaves nothing behind.
pub fn write_private(path: &Path, pem: &[u8], force: bool) -> anyhow::Result<()> {
    Staged::private(path, pem, force)?.persist()
}

/// Writes a public file (a public key) the same way, readable by all (0644).
pub fn write_public(path: &Path, bytes: &[u8], force: bool) -> anyhow::Result<()> {
    Staged::public(path, bytes, force)?.persist()
}

/// A file written in full to a temporary file beside its place, waiting to be renamed
/// there: a command that writes two files stages both before it puts either in place, so a
/// full disk or an unwritable directory leaves neither.
pub struct Staged {
    file: tempfile::NamedTempFile,
    path: PathBuf,
    force: bool,
}

impl Staged {
    /// A private key's file (mode 0600).
    pub fn private(path: &Path, bytes: &[u8], force: bool) -> anyhow::Result<Self> {
        Self::new(path, bytes, force, 0o600)
    }

    /// A public file (mode 0644).
    pub fn public(path: &Path, bytes: &[u8], force: bool) -> anyhow::Result<Self> {
        Self::new(path, bytes, force, 0o644)
    }

    fn new(path: &Path, bytes: &[u8], force: bool, mode: u32) -> anyhow::Result<Self> {
        let dir = parent_dir(path);
        // tempfile's own message names its random file; say it in our words.
        let mut file = temp_builder(mode).tempfile_in(dir).map_err(|e| {
            let dir = escape(&dir.to_string_lossy()).into_owned();
            anyhow::anyhow!("cannot create a file in {dir}: {}", e.kind())
        })?;
        file.write_all(bytes)
            .and_then(|()| file.as_file().sync_all())
            .with_context(|| format!("writing {}", escape(&path.to_string_lossy())))?;
        Ok(Self {
            file,
            path: path.to_owned(),
            force,
        })
    }

    /// Renames the file into place (over an existing one only with `force`).
    pub fn persist(self) -> anyhow::Result<()> {
        let Self { file, path, force } = self;
        let persisted = if force {
            file.persist(&path)
        } else {
            file.persist_noclobber(&path)
        };
        let hint = if force {
            ""
        } else {
            " (if it exists, --force replaces it)"
        };
        persisted
            .map_err(|e| e.error)
            .with_context(|| format!("cannot write {}{hint}", escape(&path.to_string_lossy())))?;
        Ok(())
    }
}

/// How a key's temporary file is made: hidden, and with `mode` from the start.
fn temp_builder(mode: u32) -> tempfile::Builder<'static, 'static> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(".layer-auth-key-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        builder.permissions(std::fs::Permissions::from_mode(mode));
    }
    #[cfg(not(unix))]
    let _ = mode;
    builder
}

/// The directory `path` is in: `.` for a bare file name.
pub fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

/// Whether two paths name the same file once resolved (`./k.pem`, `a/../k.pem` and a
/// symbolic link to the directory are all `k.pem`), whether or not the file exists yet.
pub fn same_file(a: &Path, b: &Path) -> bool {
    let resolve = |path: &Path| {
        let dir = std::fs::canonicalize(parent_dir(path)).ok()?;
        Some(dir.join(path.file_name()?))
    };
    match (resolve(a), resolve(b)) {
        (Some(a), Some(b)) => a == b,
        _ => a == b,
    }
}
