//! Arbitrary bytes as a key file (PEM, DER, JWK, JWKS): reading must never panic.
#![no_main]

use layer_auth::keys::{SigningKey, VerifyingKey, WeakKeys};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(key) = SigningKey::from_bytes(data, WeakKeys::Refuse) {
        assert!(
            !key.is_legacy(),
            "a legacy key accepted under WeakKeys::Refuse"
        );
    }
    // The legacy path (under 2048 bits, `--allow-weak-key`) parses with the `rsa` crate.
    let _ = SigningKey::from_bytes(data, WeakKeys::Allow);
    if let Ok(read) = VerifyingKey::read_all(data) {
        assert!(!read.keys.is_empty(), "Ok with no key");
    }
});
