//! What binds the token to this exchange: the expected nonce, user, provider and key id,
//! and the RS256 signature under a trusted key.

use serde_json::Value;

use super::{Check, CheckId, Context, NOT_DECODED};
use crate::keys::{Candidates, MIN_STRONG_BITS, VerifyingKey};
use crate::token::{ALG, KEY_ID_PREFIX, PROVIDER_ID_PREFIX};

/// Compares a claim or header value with what the caller expects.
fn expect(
    id: CheckId,
    name: &str,
    found: Option<&str>,
    wanted: Option<&str>,
    flag: &str,
    fix: &str,
) -> Check {
    let Some(wanted) = wanted else {
        return Check::skip(id, format!("not checked: no {flag} given"));
    };
    match found {
        None => Check::skip(id, format!("not checked: no usable {name} (see above)")),
        Some(found) if found == wanted => {
            Check::pass(id, format!("{name} is {}", Value::from(found)))
        }
        Some(found) => Check::fail(
            id,
            format!(
                "{name} is {} but {flag} is {}: {fix}",
                Value::from(found),
                Value::from(wanted)
            ),
        ),
    }
}

/// An id compared loosely on its `layer:///…/` prefix: a bare UUID matches its full form.
fn same_id(found: Option<&str>, wanted: Option<&str>, prefix: &str) -> Option<String> {
    let (found, wanted) = (found?, wanted?);
    let bare = |s: &'_ str| s.strip_prefix(prefix).unwrap_or(s).to_owned();
    (found != wanted && bare(found) == bare(wanted)).then(|| wanted.to_owned())
}

/// `nce` is the nonce the service issued.
pub(super) fn nonce(cx: &Context<'_, '_>) -> Check {
    expect(
        CheckId::Nonce,
        "nce",
        cx.claim_str("nce"),
        cx.policy.expect.nonce.as_deref(),
        "--nonce",
        "sign with the nonce the service issued (each nonce is single-use and lasts 10 minutes)",
    )
}

/// `prn` is the user the client asked for.
pub(super) fn user(cx: &Context<'_, '_>) -> Check {
    expect(
        CheckId::User,
        "prn",
        cx.claim_str("prn"),
        cx.policy.expect.user.as_deref(),
        "--user",
        "the backend signed for another user",
    )
}

/// `iss` is this provider (a bare UUID matches its `layer:///providers/` form).
pub(super) fn provider(cx: &Context<'_, '_>) -> Check {
    let found = cx.claim_str("iss");
    let wanted = cx.policy.expect.provider_id.as_deref();
    let found = same_id(found, wanted, PROVIDER_ID_PREFIX).or(found.map(str::to_owned));
    expect(
        CheckId::Provider,
        "iss",
        found.as_deref(),
        wanted,
        "--provider-id",
        "use the Provider ID from your Layer dashboard",
    )
}

/// `kid` is this key id (a bare UUID matches its `layer:///keys/` form).
pub(super) fn key_id(cx: &Context<'_, '_>) -> Check {
    let found = kid(cx);
    let wanted = cx.policy.expect.key_id.as_deref();
    let found = same_id(found, wanted, KEY_ID_PREFIX).or(found.map(str::to_owned));
    expect(
        CheckId::KeyId,
        "kid",
        found.as_deref(),
        wanted,
        "--key-id",
        "the token names another key; sign with the key registered under --key-id",
    )
}

fn kid<'a>(cx: &'a Context<'_, '_>) -> Option<&'a str> {
    cx.header()?.get("kid")?.as_str()
}

/// A trusted key is there for this token's `kid`.
pub(super) fn key(cx: &Context<'_, '_>) -> Check {
    let id = CheckId::KeyNotFound;
    match cx.policy.keys.candidates(kid(cx)) {
        Candidates::NoKeys => {
            Check::skip(id, "not checked: no public key given (--public-key FILE)")
        }
        Candidates::Single(key) => {
            Check::pass(id, format!("using {} (the only key given)", key.describe()))
        }
        Candidates::ByKid(keys) => match keys.as_slice() {
            [key] => Check::pass(id, format!("kid names {}", key.describe())),
            keys => Check::pass(
                id,
                format!("kid names {} keys (a rotation?); each is tried", keys.len()),
            ),
        },
        Candidates::Unnamed(keys) => Check::pass(
            id,
            format!(
                "no key carries this kid; trying the {} keys without a kid",
                keys.len()
            ),
        ),
        Candidates::NotFound { known } => Check::fail(
            id,
            format!(
                "no key has kid {}; the key set holds {}: register this key, or sign with one of those",
                cx.header()
                    .and_then(|h| h.get("kid"))
                    .map_or("(none)".to_owned(), Value::to_string),
                known.join(", ")
            ),
        ),
    }
}

/// The RS256 signature verifies under the chosen key.
pub(super) fn signature(cx: &Context<'_, '_>) -> Check {
    let id = CheckId::Signature;
    if cx.policy.skip_signature {
        return Check::skip(
            id,
            "skipped (--skip-signature): the token is NOT authenticated",
        );
    }
    let candidates = match cx.policy.keys.candidates(kid(cx)) {
        Candidates::NoKeys => {
            return Check::skip(
                id,
                "not verified: no public key given (pass --public-key FILE, or --skip-signature \
                 to check the contents only)",
            );
        }
        Candidates::NotFound { .. } => return Check::fail(id, "not verified: no key for this kid"),
        Candidates::Single(key) => vec![key],
        Candidates::ByKid(keys) | Candidates::Unnamed(keys) => keys,
    };
    let Some(decoded) = &cx.decoded else {
        return Check::skip(id, NOT_DECODED);
    };
    let Some(header) = cx.header() else {
        return Check::skip(id, "not verified: the header could not be decoded");
    };
    match header.get("alg").and_then(Value::as_str) {
        Some(ALG) => {}
        Some(alg) => {
            return Check::fail(
                id,
                format!("not verified: alg is {}; only RS256 is", Value::from(alg)),
            );
        }
        None => return Check::fail(id, "not verified: no alg string in the header"),
    }
    let Ok(signature) = &decoded.signature else {
        return Check::fail(id, "not verified: the signature part is not base64url");
    };
    let message = decoded.signing_input.as_bytes();
    let tried = candidates.len();
    match candidates
        .into_iter()
        .enumerate()
        .find(|(_, key)| key.verify(message, signature))
    {
        Some((0, key)) if tried == 1 => Check::pass(id, verified(key)),
        Some((index, key)) => Check::pass(
            id,
            format!("{} (key {} of the {tried} tried)", verified(key), index + 1),
        ),
        None => Check::fail(
            id,
            "the signature does not verify: the token was signed with another key than the one \
             given (does kid name the key you registered?) or was altered after signing",
        ),
    }
}

fn verified(key: &VerifyingKey) -> String {
    if key.public_key().bits() < MIN_STRONG_BITS {
        format!(
            "verified with {}; accepted, but it is weak: generate a 2048-bit key, register it, \
             and retire this one",
            key.describe()
        )
    } else {
        format!("verified with {}", key.describe())
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{HEADER, key, outcome, raw_token, report, report_with, request};
    use super::super::{Expect, Status};
    use super::*;
    use crate::token::sign;

    fn token() -> String {
        sign(&request(), key()).unwrap()
    }

    #[test]
    fn expected_values_pass_or_fail_with_both_sides_named() {
        let expect = Expect {
            nonce: Some("other".into()),
            user: Some("alice".into()),
            provider_id: Some("aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee".into()),
            key_id: Some("layer:///keys/00000000-0000-0000-0000-000000000000".into()),
        };
        let r = report_with(&token(), expect);
        let (status, message) = outcome(&r, CheckId::Nonce);
        assert_eq!(status, Status::Fail);
        assert!(
            message.starts_with("nce is \"nonce-123\" but --nonce is \"other\""),
            "{message}"
        );
        assert_eq!(outcome(&r, CheckId::User).0, Status::Pass);
        assert_eq!(
            outcome(&r, CheckId::Provider).0,
            Status::Pass,
            "bare UUID matches its full form"
        );
        assert_eq!(outcome(&r, CheckId::KeyId).0, Status::Fail);
        assert!(!r.valid);
    }

    #[test]
    fn signature_fails_when_altered_or_alg_is_not_rs256() {
        let mut altered = token();
        altered.insert_str(altered.find('.').unwrap() + 1, "eyJ4IjoxfQ");
        let r = report(&altered);
        assert_eq!(outcome(&r, CheckId::Signature).0, Status::Fail);
        let hs = raw_token(&HEADER.replace("RS256", "HS256"), "{}");
        assert!(
            outcome(&report(&hs), CheckId::Signature)
                .1
                .contains("alg is \"HS256\"")
        );
        assert_eq!(
            outcome(&report(&token()), CheckId::Signature).0,
            Status::Pass
        );
    }
}
