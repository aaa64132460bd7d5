//! Arbitrary bytes as what an HTTP client sends `serve`: every wire parser must answer with
//! a value or an error in the Layer envelope, never panic, and never accept a body with a
//! member twice.
#![no_main]

use layer_auth::http::wire;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let session = wire::session_request(data);
    if let Err(error) = &session {
        assert!((400..500).contains(&error.status), "{error:?}");
    }
    for content_type in [None, Some("application/x-www-form-urlencoded")] {
        let _ = wire::authenticate_request(content_type, data);
    }
    let _ = wire::expiry(data);
    let _ = wire::clock_advance(data);
    if let Ok(fault) = wire::fault(data) {
        assert!(fault.times >= 1);
    }
    let text = String::from_utf8_lossy(data);
    if let Ok(token) = wire::session_token(&text) {
        assert!(!token.is_empty());
    }
    let bases = ["http://127.0.0.1:7777".to_owned()];
    if let Some(rest) = wire::strip_own_prefix(&text, &bases) {
        assert!(rest.starts_with('/'));
    }
});
