//! The signing key: `--key`, `LAYER_PRIVATE_KEY_PATH` or `LAYER_PRIVATE_KEY`, decrypted when it
//! is encrypted, and its public half; and any key file, private or public (`keys` commands).

use std::path::Path;

use anyhow::{Context as _, bail};
use layer_auth::keys::{KeyError, KeyWarning, SigningKey, VerifyingKey, WeakKeys};
use zeroize::Zeroizing;

use super::{
    Loaded, Warning, key_material_kind, key_warnings, origin, passphrase, read_key_file, shown,
};
use crate::args::{KeyArgs, PRIVATE_KEY_ENV, PRIVATE_KEY_PATH_ENV, PassphraseArgs};

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
    // Held, not signed with: a key over 8192 bits converts and checks like any other.
    match SigningKey::from_bytes_to_hold(&bytes, secret.as_ref().map(|s| s.as_slice())) {
        Ok(key) => Ok(private_any_key(key, path, name)),
        // A JWKS holding private keys among others is a key set: each key's public half.
        Err(KeyError::PublicNotPrivate | KeyError::PrivateKeySet { .. }) => {
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
pub(super) fn private_any_key(key: SigningKey, path: &Path, name: String) -> Loaded<AnyKey> {
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

/// A private key's bytes as read, before parsing.
pub(super) struct PrivateBytes<'a> {
    bytes: Zeroizing<Vec<u8>>,
    /// How messages name where they came from.
    source: String,
    /// The file, when there is one.
    path: Option<&'a Path>,
}

/// The private key's bytes and a name for their source, from `--key` /
/// `LAYER_PRIVATE_KEY_PATH` or `LAYER_PRIVATE_KEY`; `None` when neither is set.
pub(super) fn private_key_bytes(args: &KeyArgs) -> anyhow::Result<Option<PrivateBytes<'_>>> {
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
pub(super) fn private_key_file(path: &Path) -> anyhow::Result<PrivateBytes<'_>> {
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
    let key_in_env =
        std::env::var_os(PRIVATE_KEY_ENV).is_some_and(|v| !v.to_string_lossy().trim().is_empty());
    if let Some(path) = path.filter(|_| key_in_env) {
        warnings.push(Warning::KeyInEnvUnused { from: origin(path) });
    }
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

/// A warning when others may read the private key file at `path`.
pub(super) fn readable_by_others(path: &Path) -> Option<Warning> {
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
