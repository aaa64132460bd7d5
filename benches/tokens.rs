//! Criterion benches of the hot paths, with keys parsed once as the commands do:
//! signing one token, verifying one signature, and the full validation of one token
//! (every check, plus the JSON report `validate --json` writes).
//!
//! `cargo bench`; compare with `openssl speed rsa2048` on the same machine
//! (`scripts/bench.sh` does both and prints ratios).

#![allow(clippy::expect_used, reason = "a bench has no user to report to")]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use layer_auth::checks::{Policy, validate};
use layer_auth::keys::{KeySet, SigningKey, VerifyingKey, WeakKeys};
use layer_auth::token::{TokenRequest, Typ, sign};

const KEY: &[u8] = include_bytes!("../tests/fixtures/keys/rsa2048-pkcs8.pem");

fn request() -> TokenRequest {
    TokenRequest {
        key_id: "layer:///keys/11111111-2222-3333-4444-555555555555".into(),
        typ: Typ::Jws,
        provider_id: "layer:///providers/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee".into(),
        user: "alice".into(),
        nonce: "nonce-123".into(),
        issued_at: 1_700_000_000,
        expires_at: 1_700_000_600,
        extra: serde_json::Map::new(),
    }
}

fn benches(c: &mut Criterion) {
    let key = SigningKey::from_bytes(KEY, WeakKeys::Refuse).expect("fixture key");
    let request = request();
    c.bench_function("sign one token (key parsed once)", |b| {
        b.iter(|| sign(black_box(&request), &key).expect("signs"));
    });

    let token = sign(&request, &key).expect("signs");
    let verifier = VerifyingKey::new(key.public_key().clone(), None).expect("key");
    let (input, signature) = token.rsplit_once('.').expect("three parts");
    let signature = layer_auth::token::base64url(signature).expect("base64url");
    c.bench_function("verify one RS256 signature", |b| {
        b.iter(|| assert!(verifier.verify(black_box(input.as_bytes()), black_box(&signature))));
    });

    let keys = KeySet::new(vec![verifier]);
    let policy = Policy::new(
        chrono::DateTime::from_timestamp(1_700_000_300, 0).expect("time"),
        &keys,
    );
    c.bench_function("validate one token (all checks)", |b| {
        b.iter(|| assert!(validate(black_box(&token), &policy).valid));
    });
    c.bench_function("validate one token + JSON report", |b| {
        b.iter(|| serde_json::to_vec(&validate(black_box(&token), &policy)).expect("json"));
    });
}

criterion_group!(tokens, benches);
criterion_main!(tokens);
