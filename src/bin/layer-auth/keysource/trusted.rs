//! The keys a token is verified with: `--public-key` files and directories, or the public
//! half of the signing key.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use layer_auth::keys::VerifyingKey;

use super::{
    Loaded, MAX_DIR_BYTES, MAX_DIR_FILES, Warning, key_warnings, public_half, read_key_file, shown,
};
use crate::args::KeyArgs;

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

pub(super) fn add(
    loaded: &mut Loaded<Vec<VerifyingKey>>,
    read: layer_auth::keys::PublicKeys,
    name: &str,
) {
    loaded.value.extend(read.keys);
    loaded.warnings.extend(key_warnings(read.warnings, name));
}

/// Every key in the regular files of `dir`, by file name; hidden files are left out, and a
/// file that holds no usable key is skipped with a warning (a README beside the keys).
pub(super) fn directory_keys(
    dir: &Path,
    loaded: &mut Loaded<Vec<VerifyingKey>>,
) -> anyhow::Result<()> {
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
pub(super) fn add_file(loaded: &mut Loaded<Vec<VerifyingKey>>, file: &Path) {
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
pub(super) fn key_files(dir: &Path, name: &str) -> anyhow::Result<Vec<PathBuf>> {
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
pub(super) fn within_dir_bytes(files: &[PathBuf], name: &str) -> anyhow::Result<()> {
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
