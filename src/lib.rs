//! # layer-auth
//!
//! Sign, validate and exercise Layer identity tokens: short-lived RS256 JWS that a backend
//! signs over a nonce the Layer service issued (see `SPEC.md` §1).
//!
//! The library does the work and never prints, exits, reads the environment or the clock:
//! time comes in as arguments and invalid tokens come back as a [`checks::Report`].
//!
//! - [`keys`]: read, generate and use RSA keys (PEM, DER, JWK, JWKS).
//! - [`token`]: build and sign a token; take one apart.
//! - [`checks`]: validate a token, one named check per rule.
//! - [`output`]: render a report for people.
//! - [`time`]: durations and instants as the command line writes them.
//! - [`json`]: strict JSON (no duplicate members) for everything read from outside.
//! - [`ids`]: Layer's key, provider and app ids, in their current and pre-2015 forms.
//! - [`service`]: the Layer service of SPEC §2 (nonces, sessions, its error ids), in memory
//!   and thread-safe; `serve` and `flow` host it.
//! - [`flow`]: the §2 sequence end to end, step by step, against any service and token source.
//! - [`http`]: the only module that knows HTTP: `serve`'s server and `flow`'s clients.
//!
//! ```
//! use layer_auth::checks::{Expect, Policy, validate};
//! use layer_auth::keys::{KeySet, SigningKey, VerifyingKey};
//! use layer_auth::token::{TokenRequest, Typ, sign};
//!
//! // keygen: a fresh 2048-bit key (in practice, read one with SigningKey::from_bytes).
//! let key = SigningKey::generate(2048)?;
//!
//! // sign: the backend's job, over the nonce the service issued.
//! let now = 1_700_000_000;
//! let token = sign(
//!     &TokenRequest {
//!         key_id: "layer:///keys/5f0c3a9e-0000-4000-8000-000000000001".into(),
//!         typ: Typ::Jws,
//!         provider_id: "layer:///providers/5f0c3a9e-0000-4000-8000-000000000002".into(),
//!         user: "alice".into(),
//!         nonce: "nonce-from-POST-/nonces".into(),
//!         issued_at: now,
//!         expires_at: now + 600,
//!         extra: Default::default(),
//!     },
//!     &key,
//! )?;
//!
//! // validate: every check of SPEC §1, bound to the nonce and user expected.
//! let keys = KeySet::new(vec![VerifyingKey::new(key.public_key().clone(), None)?]);
//! let report = validate(
//!     &token,
//!     &Policy {
//!         expect: Expect {
//!             nonce: Some("nonce-from-POST-/nonces".into()),
//!             user: Some("alice".into()),
//!             ..Expect::default()
//!         },
//!         ..Policy::new(chrono::DateTime::from_timestamp(now + 5, 0).unwrap(), &keys)
//!     },
//! );
//! assert!(report.valid);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![warn(missing_docs)]

pub mod checks;
pub mod flow;
pub mod http;
pub mod ids;
pub mod json;
pub mod keys;
pub mod output;
pub mod service;
pub mod time;
pub mod token;

#[cfg(test)]
mod test_support;
