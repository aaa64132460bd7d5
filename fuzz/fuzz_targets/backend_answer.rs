//! Arbitrary bytes as a backend's answer body: reading the token must never panic.
#![no_main]

use layer_auth::flow::backend::token_from_answer;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(answer) = token_from_answer(data) {
        assert_eq!(answer.token, answer.token.trim(), "the token comes back trimmed");
    }
});
