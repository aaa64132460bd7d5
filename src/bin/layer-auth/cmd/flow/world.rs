//! What a `flow` run works with: the service (embedded, or at `--layer-url`), where tokens
//! come from (the embedded signer, `--backend`, or serve's sample backend), the keys they
//! must verify under, and the ids they must carry.

use std::time::Duration;

use anyhow::{Context as _, bail};
use layer_auth::flow::{EmbeddedService, EmbeddedSigner, LayerApi, TokenSource, VirtualClock};
use layer_auth::http::client::Health;
use layer_auth::http::{Backend, BackendConfig, BodyFormat, LayerClient, redact_url};
use layer_auth::ids::random_uuid;
use layer_auth::keys::{KeySet, SigningKey, VerifyingKey};
use layer_auth::output::Paint;
use layer_auth::service::{Service, ServiceConfig};
use layer_auth::token::{TokenTemplate, Typ};

use super::{FlowArgs, SESSION_TTL, parse_header};
use crate::{keysource, term};

/// What the run works with: keys, ids, and a sentence for the header line.
pub struct World {
    pub key: Option<SigningKey>,
    pub keys: KeySet,
    pub key_id: String,
    pub provider_id: String,
    /// The ids the tokens must carry: always with the embedded signer, with a backend
    /// only when known.
    pub expect_key_id: Option<String>,
    pub expect_provider_id: Option<String>,
    /// The token endpoint, when tokens come from one (`--backend`, or serve's own).
    pub backend: Option<String>,
    pub setting: String,
    /// The service at `--layer-url`, until [`World::api`] takes it.
    remote: Option<LayerClient>,
}

impl World {
    pub fn new(args: &FlowArgs, paint: Paint, clock: &VirtualClock) -> anyhow::Result<Self> {
        match &args.layer_url {
            Some(url) => Self::remote(args, paint, url, clock),
            None => Self::embedded(args, paint),
        }
    }

    fn embedded(args: &FlowArgs, paint: Paint) -> anyhow::Result<Self> {
        let key = signing_key(args, paint)?;
        let (key_id, provider_id) = ids(args, key.is_some())?;
        let known_id = if args.backend.is_some() {
            args.ids.key_id()
        } else {
            Some(key_id.clone())
        };
        let keys = trusted_keys(args, key.as_ref(), known_id, paint)?
            .context("--backend needs --public-key PATH: the public half of the key your backend signs with (or --key with its private half)")?;
        let given = (args.ids.key_id(), args.ids.provider_id());
        let setting = match &args.backend {
            Some(url) => format!("backend {}, embedded service", redact_url(url)),
            None if args.key.is_configured() => {
                format!("embedded service and signer, your key ({key_id})")
            }
            None if given.0.is_some() || given.1.is_some() => {
                format!(
                    "embedded service and signer, ephemeral key, ids {provider_id} and {key_id}"
                )
            }
            None => "embedded service and signer, ephemeral key and made-up ids".to_owned(),
        };
        let (expect_key_id, expect_provider_id) = match args.backend {
            Some(_) => given,
            None => (Some(key_id.clone()), Some(provider_id.clone())),
        };
        Ok(Self {
            key,
            keys,
            key_id,
            provider_id,
            expect_key_id,
            expect_provider_id,
            backend: args.backend.clone(),
            setting,
            remote: None,
        })
    }

    /// A service at `url`: what it says of itself (`/_emulator/health` and `/jwks`, when it
    /// is `layer-auth serve`) fills in what the command line leaves out.
    fn remote(
        args: &FlowArgs,
        paint: Paint,
        url: &str,
        clock: &VirtualClock,
    ) -> anyhow::Result<Self> {
        let (mut client, health) = connect(args, url, clock)?;
        let shown = client.shown().to_owned();
        let key = if args.backend.is_none() || args.public_key.is_empty() {
            args.key
                .is_configured()
                .then(|| load_key(args, paint))
                .transpose()?
        } else {
            None
        };
        let key_id = args.ids.key_id().or_else(|| single(health.as_ref()));
        let provider_id = args
            .ids
            .provider_id()
            .or_else(|| health.as_ref().and_then(|h| h.provider_id.clone()));
        let keys = match trusted_keys(args, key.as_ref(), key_id.clone(), paint)? {
            Some(keys) => keys,
            None => served_keys(&mut client, health.as_ref(), &shown)?,
        };
        let backend = remote_backend(args, key.is_some(), health.as_ref(), url, &shown)?;
        if backend.is_none() && (key_id.is_none() || provider_id.is_none()) {
            bail!(
                "signing here with your key needs the ids it is registered under: pass --provider-id and --key-id"
            );
        }
        let setting = match &backend {
            Some(b) => format!("backend {}, service {shown}", redact_url(b)),
            None => format!("service {shown}, signing here with your key"),
        };
        Ok(Self {
            key,
            keys,
            key_id: key_id.clone().unwrap_or_default(),
            provider_id: provider_id.clone().unwrap_or_default(),
            expect_key_id: key_id,
            expect_provider_id: provider_id,
            backend,
            setting,
            remote: Some(client),
        })
    }

    /// The service: the one at `--layer-url`, or a fresh embedded one registering the
    /// trusted keys and, when known, the provider.
    pub fn api(&mut self, clock: &VirtualClock) -> anyhow::Result<Box<dyn LayerApi>> {
        if let Some(client) = self.remote.take() {
            return Ok(Box::new(client));
        }
        let mut rng = crate::args::rng(None)?;
        let app_id = format!("layer:///apps/staging/{}", random_uuid(&mut rng));
        let service = Service::new(
            ServiceConfig {
                app_id,
                keys: self.keys.clone(),
                provider_id: self.expect_provider_id.clone(),
                session_ttl: SESSION_TTL,
            },
            clock.clone(),
            Box::new(rng),
        );
        Ok(Box::new(EmbeddedService::new(service)))
    }

    /// The backend, or the embedded signer with the run's key and ids.
    pub fn source<'k>(
        &'k self,
        args: &FlowArgs,
        clock: &VirtualClock,
    ) -> anyhow::Result<Box<dyn TokenSource + 'k>> {
        if let Some(url) = &self.backend {
            let timeout = args.timeout.to_std().unwrap_or(Duration::from_secs(10));
            let mut config = BackendConfig::new(url, timeout);
            if args.form {
                config.format = BodyFormat::Form;
            }
            config.headers = args
                .headers
                .iter()
                .map(|h| parse_header(h))
                .collect::<anyhow::Result<_>>()?;
            config.user_field.clone_from(&args.user_field);
            config.nonce_field.clone_from(&args.nonce_field);
            return Ok(Box::new(Backend::new(config)));
        }
        let key = self
            .key
            .as_ref()
            .context("the embedded signer has no key")?;
        Ok(Box::new(EmbeddedSigner {
            key,
            template: TokenTemplate {
                key_id: self.key_id.clone(),
                provider_id: self.provider_id.clone(),
                typ: Typ::Jws,
                ttl: args.ttl.num_seconds(),
                extra: serde_json::Map::new(),
            },
            clock: clock.clone(),
        }))
    }
}

fn single(health: Option<&Health>) -> Option<String> {
    match health?.key_ids.as_slice() {
        [only] => Some(only.clone()),
        _ => None,
    }
}

/// The keys `serve` registered, from its `/_emulator/jwks`.
fn served_keys(
    client: &mut LayerClient,
    health: Option<&Health>,
    shown: &str,
) -> anyhow::Result<KeySet> {
    if health.is_none() {
        bail!(
            "the service at {shown} does not publish its keys: pass --public-key (the key the tokens must verify under)"
        );
    }
    let jwks = client
        .jwks()
        .with_context(|| format!("reading the keys of {shown}"))?;
    let read = VerifyingKey::read_all(&jwks)
        .with_context(|| format!("reading the keys {shown} published"))?;
    Ok(KeySet::new(read.keys))
}

fn load_key(args: &FlowArgs, paint: Paint) -> anyhow::Result<SigningKey> {
    let loaded = keysource::signing_key(&args.key, args.weak.weak_keys())?;
    term::warnings(paint, &loaded.warnings);
    Ok(loaded.value)
}

/// The key the embedded signer uses: --key or the environment, else a fresh ephemeral one.
/// With --backend no signing key is needed (its public half may still serve as the check).
fn signing_key(args: &FlowArgs, paint: Paint) -> anyhow::Result<Option<SigningKey>> {
    match (&args.backend, args.key.is_configured()) {
        (Some(_), true) if args.public_key.is_empty() => load_key(args, paint).map(Some),
        (Some(_), _) => Ok(None),
        (None, true) => load_key(args, paint).map(Some),
        (None, false) => Ok(Some(SigningKey::generate(2048)?)),
    }
}

/// The ids the embedded signer writes: given, or made up for an ephemeral key. A key of
/// the user's own signs only with the user's ids, as `sign` does.
fn ids(args: &FlowArgs, has_key: bool) -> anyhow::Result<(String, String)> {
    let (key_id, provider_id) = (args.ids.key_id(), args.ids.provider_id());
    if args.backend.is_none() && args.key.is_configured() && has_key {
        let missing: Vec<&str> = [
            (provider_id.is_none(), "--provider-id (LAYER_PROVIDER_ID)"),
            (key_id.is_none(), "--key-id (LAYER_KEY_ID)"),
        ]
        .into_iter()
        .filter_map(|(missing, what)| missing.then_some(what))
        .collect();
        if !missing.is_empty() {
            bail!(
                "your key signs only with your ids: pass {} (the Layer dashboard shows them), \
                 or leave the key out to run with an ephemeral key and made-up ids",
                missing.join(" and ")
            );
        }
    }
    let mut entropy = crate::args::rng(None)?;
    Ok((
        key_id.unwrap_or_else(|| format!("layer:///keys/{}", random_uuid(&mut entropy))),
        provider_id.unwrap_or_else(|| format!("layer:///providers/{}", random_uuid(&mut entropy))),
    ))
}

/// The keys tokens must verify under (the service trusts them, the client checks with
/// them), registered under the Key ID when it is known; `None` when nothing was given.
fn trusted_keys(
    args: &FlowArgs,
    key: Option<&SigningKey>,
    known_id: Option<String>,
    paint: Paint,
) -> anyhow::Result<Option<KeySet>> {
    let keys = match key {
        _ if !args.public_key.is_empty() => {
            let loaded = keysource::public_keys(&args.public_key)?;
            term::warnings(paint, &loaded.warnings);
            loaded
                .value
                .into_iter()
                .map(|k| match (&known_id, k.kid()) {
                    (Some(id), None) => VerifyingKey::new(k.public_key().clone(), Some(id.clone())),
                    _ => Ok(k),
                })
                .collect::<Result<Vec<_>, _>>()?
        }
        Some(key) => vec![VerifyingKey::new(key.public_key().clone(), known_id)?],
        None => return Ok(None),
    };
    Ok(Some(KeySet::new(keys)))
}

/// A client for the service at `url`, with the app id it is to present (`--app-id`, else
/// the one the service's health says), and what the service says of itself.
fn connect(
    args: &FlowArgs,
    url: &str,
    clock: &VirtualClock,
) -> anyhow::Result<(LayerClient, Option<Health>)> {
    let timeout = args.timeout.to_std().unwrap_or(Duration::from_secs(10));
    let token = std::env::var("LAYER_AUTH_CONTROL_TOKEN")
        .ok()
        .filter(|t| !t.is_empty());
    let mut client = LayerClient::new(url, timeout, clock.clone(), token);
    let shown = client.shown().to_owned();
    let health = client
        .health()
        .with_context(|| format!("asking the service at {shown} what it is"))?;
    let app_id = args
        .app_id
        .clone()
        .filter(|a| !a.is_empty())
        .or_else(|| health.as_ref().map(|h| h.app_id.clone()))
        .filter(|a| !a.is_empty())
        .with_context(|| {
            format!("the service at {shown} does not say its app id: pass --app-id (or set LAYER_APP_ID)")
        })?;
    client.set_app_id(app_id);
    Ok((client, health))
}

/// Where tokens come from against a remote service: `--backend`, none when signing here
/// with `--key`, else the service's own sample backend.
fn remote_backend(
    args: &FlowArgs,
    signing_here: bool,
    health: Option<&Health>,
    url: &str,
    shown: &str,
) -> anyhow::Result<Option<String>> {
    match (&args.backend, signing_here, health) {
        (Some(url), _, _) => Ok(Some(url.clone())),
        (None, true, _) => Ok(None),
        (None, false, Some(h)) if h.sample_backend => Ok(Some(format!("{url}/authenticate"))),
        (None, false, _) => bail!(
            "the service at {shown} has no sample backend: pass --backend URL (your token \
             endpoint) or --key (to sign here)"
        ),
    }
}
