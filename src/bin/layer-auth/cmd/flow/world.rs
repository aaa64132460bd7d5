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
        let setting = embedded_setting(args, &key_id, &provider_id);
        let (expect_key_id, expect_provider_id) = match args.backend {
            Some(_) => (args.ids.key_id(), args.ids.provider_id()),
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
        let mut remote = Remote::connect(args, url, clock)?;
        let key = remote_key(args, paint)?;
        let (key_id, provider_id) = remote.ids(args);
        let keys = match trusted_keys(args, key.as_ref(), key_id.clone(), paint)? {
            Some(keys) => keys,
            None => remote.served_keys()?,
        };
        let ids_known = key_id.is_some() && provider_id.is_some();
        let (backend, setting) = remote.source(args, key.is_some(), ids_known)?;
        Ok(Self {
            key,
            keys,
            key_id: key_id.clone().unwrap_or_default(),
            provider_id: provider_id.clone().unwrap_or_default(),
            expect_key_id: key_id,
            expect_provider_id: provider_id,
            backend,
            setting,
            remote: Some(remote.client),
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
            return Ok(Box::new(Backend::new(backend_config(args, url)?)));
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

/// `--timeout` for each HTTP call (checked to be more than 0s).
fn timeout(args: &FlowArgs) -> Duration {
    args.timeout
}

/// How to ask the backend at `url` for tokens: the timeout, body format, headers and field
/// names of the command line.
fn backend_config(args: &FlowArgs, url: &str) -> anyhow::Result<BackendConfig> {
    let timeout = timeout(args);
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
    Ok(config)
}

/// The header line's words for an embedded service: whose tokens, signed with which key and
/// ids.
fn embedded_setting(args: &FlowArgs, key_id: &str, provider_id: &str) -> String {
    let given = args.ids.key_id().is_some() || args.ids.provider_id().is_some();
    match &args.backend {
        Some(url) => format!("backend {}, embedded service", redact_url(url)),
        None if args.key.is_configured() => {
            format!("embedded service and signer, your key ({key_id})")
        }
        None if given => {
            format!("embedded service and signer, ephemeral key, ids {provider_id} and {key_id}")
        }
        None => "embedded service and signer, ephemeral key and made-up ids".to_owned(),
    }
}

/// The service at `--layer-url`, and what it says of itself (`None` when it is not
/// `layer-auth serve`).
struct Remote<'u> {
    client: LayerClient,
    health: Option<Health>,
    url: &'u str,
}

impl<'u> Remote<'u> {
    /// A client for the service at `url`, with the app id it is to present (`--app-id`,
    /// else the one the service's health says).
    fn connect(args: &FlowArgs, url: &'u str, clock: &VirtualClock) -> anyhow::Result<Self> {
        let timeout = timeout(args);
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
        Ok(Self {
            client,
            health,
            url,
        })
    }

    /// The service's URL as it may be shown.
    fn shown(&self) -> &str {
        self.client.shown()
    }

    /// The Key ID and Provider ID: given, else the ones the service says (the Key ID when it
    /// has only one key).
    fn ids(&self, args: &FlowArgs) -> (Option<String>, Option<String>) {
        let health = self.health.as_ref();
        let single = health.and_then(|h| match h.key_ids.as_slice() {
            [only] => Some(only.clone()),
            _ => None,
        });
        let key_id = args.ids.key_id().or(single);
        let provider_id = args
            .ids
            .provider_id()
            .or_else(|| health.and_then(|h| h.provider_id.clone()));
        (key_id, provider_id)
    }

    /// The keys `serve` registered, from its `/_emulator/jwks`.
    fn served_keys(&mut self) -> anyhow::Result<KeySet> {
        let shown = self.shown().to_owned();
        if self.health.is_none() {
            bail!(
                "the service at {shown} does not publish its keys: pass --public-key (the key the tokens must verify under)"
            );
        }
        let jwks = self
            .client
            .jwks()
            .with_context(|| format!("reading the keys of {shown}"))?;
        let read = VerifyingKey::read_all(&jwks)
            .with_context(|| format!("reading the keys {shown} published"))?;
        Ok(KeySet::new(read.keys))
    }

    /// Where tokens come from (see [`Remote::backend`]) and the header line's words for it;
    /// signing here needs both ids.
    fn source(
        &self,
        args: &FlowArgs,
        signing_here: bool,
        ids_known: bool,
    ) -> anyhow::Result<(Option<String>, String)> {
        let backend = self.backend(args, signing_here)?;
        if backend.is_none() && !ids_known {
            bail!(
                "signing here with your key needs the ids it is registered under: pass --provider-id and --key-id"
            );
        }
        let shown = self.shown();
        let setting = match &backend {
            Some(b) => format!("backend {}, service {shown}", redact_url(b)),
            None => format!("service {shown}, signing here with your key"),
        };
        Ok((backend, setting))
    }

    /// Where tokens come from: `--backend`, none when signing here with `--key`, else the
    /// service's own sample backend.
    fn backend(&self, args: &FlowArgs, signing_here: bool) -> anyhow::Result<Option<String>> {
        match (&args.backend, signing_here, &self.health) {
            (Some(url), _, _) => Ok(Some(url.clone())),
            (None, true, _) => Ok(None),
            (None, false, Some(h)) if h.sample_backend => {
                Ok(Some(format!("{}/authenticate", self.url)))
            }
            (None, false, _) => bail!(
                "the service at {} has no sample backend: pass --backend URL (your token \
                 endpoint) or --key (to sign here)",
                self.shown()
            ),
        }
    }
}

fn load_key(args: &FlowArgs, paint: Paint) -> anyhow::Result<SigningKey> {
    let loaded = keysource::signing_key(&args.key, args.weak.weak_keys())?;
    term::warnings(paint, &loaded.warnings);
    Ok(loaded.value)
}

/// The key that signs here against a remote service: --key, unless --backend signs and
/// --public-key checks (then the key is not needed even for the check).
fn remote_key(args: &FlowArgs, paint: Paint) -> anyhow::Result<Option<SigningKey>> {
    if args.backend.is_some() && !args.public_key.is_empty() {
        return Ok(None);
    }
    args.key
        .is_configured()
        .then(|| load_key(args, paint))
        .transpose()
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
