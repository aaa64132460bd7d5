//! From flags to a running service: its keys, ids, randomness and the sample backend.

use std::sync::Arc;

use layer_auth::http::server::SampleBackend;
use layer_auth::ids::random_uuid;
use layer_auth::keys::{KeySet, SigningKey, VerifyingKey};
use layer_auth::output::Paint;
use layer_auth::service::{Clock, Service, ServiceConfig};
use layer_auth::token::{TokenTemplate, Typ};

use super::{ServeArgs, Setup};
use crate::{keysource, term};

/// Keys, ids, the service and its sample backend, from the arguments.
pub(super) fn setup(args: &ServeArgs, paint: Paint) -> anyhow::Result<Setup> {
    let mut rng = service_rng(args, paint)?;
    let ids = Ids::from_args(args, rng.as_mut());
    let (signing, mut keys, mut shown) = signing_key(args, &ids.key_id, paint)?;
    let named = public_keys(args, &ids.key_id, signing.is_none(), rng.as_mut(), paint)?;
    shown.extend(named.iter().map(|key| key.describe().to_owned()));
    keys.extend(named);
    let backend = signing.map(|key| sample_backend(key, &ids));
    let config = ServiceConfig {
        app_id: ids.app_id,
        keys: KeySet::new(keys),
        provider_id: Some(ids.provider_id.clone()),
        session_ttl: args.session_ttl,
    };
    let clock = Clock::new(args.clock.source());
    Ok(Setup {
        service: Arc::new(Service::new(config, clock, rng)),
        backend,
        keys: shown,
        key_id: ids.key_id,
        provider_id: ids.provider_id,
    })
}

/// The service's randomness: from `--seed` (with a warning: it makes nonces, tokens and ids
/// predictable), else from the system.
pub(super) fn service_rng(
    args: &ServeArgs,
    paint: Paint,
) -> anyhow::Result<Box<dyn rand::Rng + Send>> {
    if let Some(seed) = args.seed {
        term::warn(
            paint,
            &format!(
                "--seed {seed}: nonces, session tokens and made-up ids are predictable; for tests only"
            ),
        );
    }
    Ok(Box::new(crate::args::rng(args.seed)?))
}

/// The sample backend: tokens signed with `key` for the service's ids, for 10 minutes.
pub(super) fn sample_backend(key: SigningKey, ids: &Ids) -> SampleBackend {
    SampleBackend {
        key,
        template: TokenTemplate {
            key_id: ids.key_id.clone(),
            provider_id: ids.provider_id.clone(),
            typ: Typ::Jws,
            ttl: 600,
            extra: serde_json::Map::new(),
        },
    }
}

/// The service's ids: as given, or made up.
pub(super) struct Ids {
    key_id: String,
    provider_id: String,
    app_id: String,
}

impl Ids {
    fn from_args(args: &ServeArgs, rng: &mut (dyn rand::Rng + Send)) -> Self {
        let mut made_up = |prefix: &str| format!("{prefix}{}", random_uuid(&mut *rng));
        Self {
            key_id: args
                .ids
                .key_id()
                .unwrap_or_else(|| made_up("layer:///keys/")),
            provider_id: args
                .ids
                .provider_id()
                .unwrap_or_else(|| made_up("layer:///providers/")),
            app_id: args
                .app_id
                .clone()
                .filter(|a| !a.is_empty())
                .unwrap_or_else(|| made_up("layer:///apps/staging/")),
        }
    }
}

/// The `--public-key` keys, each with an id: its own (JWK), `key_id` for the first without
/// one when no signing key took it, else a made-up one.
pub(super) fn public_keys(
    args: &ServeArgs,
    key_id: &str,
    key_id_free: bool,
    rng: &mut (dyn rand::Rng + Send),
    paint: Paint,
) -> anyhow::Result<Vec<VerifyingKey>> {
    let loaded = keysource::public_keys(&args.public_key)?;
    term::warnings(paint, &loaded.warnings);
    let mut first_unnamed = key_id_free;
    let mut named = Vec::with_capacity(loaded.value.len());
    for key in loaded.value {
        if key.kid().is_some() {
            named.push(key);
            continue;
        }
        let id = if std::mem::take(&mut first_unnamed) {
            key_id.to_owned()
        } else {
            format!("layer:///keys/{}", random_uuid(&mut *rng))
        };
        named.push(VerifyingKey::new(key.public_key().clone(), Some(id))?);
    }
    Ok(named)
}

/// The sample backend's key: `--key` (or the environment), else an ephemeral one when no
/// `--public-key` is given; its public half registered under `key_id`.
pub(super) fn signing_key(
    args: &ServeArgs,
    key_id: &str,
    paint: Paint,
) -> anyhow::Result<(Option<SigningKey>, Vec<VerifyingKey>, Vec<String>)> {
    let key = if args.key.is_configured() {
        let loaded = keysource::signing_key(&args.key, args.weak.weak_keys())?;
        term::warnings(paint, &loaded.warnings);
        Some((loaded.value, "your key"))
    } else if args.public_key.is_empty() {
        Some((SigningKey::generate(2048)?, "ephemeral"))
    } else {
        None
    };
    let Some((key, kind)) = key else {
        return Ok((None, Vec::new(), Vec::new()));
    };
    let public = VerifyingKey::new(key.public_key().clone(), Some(key_id.to_owned()))?;
    let shown = format!("{} ({kind})", public.describe());
    Ok((Some(key), vec![public], vec![shown]))
}
