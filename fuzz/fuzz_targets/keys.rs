//! Arbitrary bytes as a key file (PEM, DER, private or public JWK, JWKS, encrypted PKCS#8
//! with a passphrase): reading must never panic, and a key read must write back to itself.
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
    if let Ok(key) = SigningKey::from_bytes_with(data, WeakKeys::Allow, Some(b"fuzz")) {
        let again = SigningKey::from_bytes(&key.to_pkcs1_der(), WeakKeys::Allow)
            .expect("a key read writes back as PKCS#1 that reads again");
        assert_eq!(again.public_key(), key.public_key());
    }
    if let Ok(read) = VerifyingKey::read_all(data) {
        assert!(!read.keys.is_empty(), "Ok with no key");
    }
});
