//! What binds the token to this exchange: the expected nonce, user, provider and key id,
//! and the RS256 signature under a trusted key.

use std::borrow::Cow;

use serde_json::Value;

use super::{Check, CheckId, Context, NOT_DECODED, joined};
use crate::ids::{KEY_ID_PREFIX, PROVIDER_ID_PREFIX, same};
use crate::keys::{Candidates, MIN_STRONG_BITS, VerifyingKey, push_quoted_capped, quoted_capped};
use crate::token::ALG;

/// What a binding check compares: the member, what the expected value is called, and the
/// fix when they differ.
struct Binding {
    id: CheckId,
    name: &'static str,
    /// The skip when nothing is expected (`not checked: no nonce to compare nce with`),
    /// and when the token has no usable value: whole texts, so a skip allocates nothing.
    skips: [&'static str; 2],
    /// What it is in a failure (`nonce the service issued`).
    expected: &'static str,
    fix: &'static str,
    /// Ids compare loosely on this prefix (a bare UUID matches its full form).
    prefix: Option<&'static str>,
}

/// Compares a claim or header value with what the caller expects.
fn expect(binding: &Binding, found: Option<&str>, wanted: Option<&str>) -> Check {
    let Binding {
        id,
        name,
        skips: [nothing_expected, unusable],
        expected,
        fix,
        prefix,
    } = *binding;
    let Some(wanted) = wanted else {
        return Check::skip(id, nothing_expected);
    };
    let matches = |found: &str| match prefix {
        Some(prefix) => same(found, wanted, prefix),
        None => found == wanted,
    };
    match found {
        None => Check::skip(id, unusable),
        Some(found) if matches(found) => {
            let mut message = String::with_capacity(name.len() + found.len() + 6);
            message.push_str(name);
            message.push_str(" is ");
            push_quoted_capped(&mut message, found, SHOWN);
            Check::pass(id, message)
        }
        Some(found) => Check::fail(
            id,
            format!(
                "{name} is {} but the {expected} is {}: {fix}",
                shown(found),
                shown(wanted)
            ),
        ),
    }
}

/// A value from the token or the command line, JSON-quoted and cut to 80 characters: a
/// message never repeats more of it (whatever was pasted there).
fn shown(value: &str) -> String {
    quoted_capped(value, SHOWN)
}

/// The most characters of a value a message shows.
const SHOWN: usize = 80;

/// `nce` is the nonce the service issued.
pub(super) fn nonce(cx: &Context<'_, '_>) -> Check {
    let binding = Binding {
        id: CheckId::Nonce,
        name: "nce",
        skips: [
            "not checked: no nonce to compare nce with",
            "not checked: no usable nce (see above)",
        ],
        expected: "nonce the service issued",
        fix: "sign with the nonce the service issued for this sign-in (each nonce is \
              single-use and lasts 10 minutes)",
        prefix: None,
    };
    expect(
        &binding,
        cx.claim_str("nce").as_deref(),
        cx.policy.expect.nonce.as_deref(),
    )
}

/// `prn` is the user the client asked for.
pub(super) fn user(cx: &Context<'_, '_>) -> Check {
    let binding = Binding {
        id: CheckId::User,
        name: "prn",
        skips: [
            "not checked: no user to compare prn with",
            "not checked: no usable prn (see above)",
        ],
        expected: "user signing in",
        fix: "the backend signed for another user",
        prefix: None,
    };
    expect(
        &binding,
        cx.claim_str("prn").as_deref(),
        cx.policy.expect.user.as_deref(),
    )
}

/// `iss` is this provider (a bare UUID matches its `layer:///providers/` form).
pub(super) fn provider(cx: &Context<'_, '_>) -> Check {
    let binding = Binding {
        id: CheckId::Provider,
        name: "iss",
        skips: [
            "not checked: no Provider ID to compare iss with",
            "not checked: no usable iss (see above)",
        ],
        expected: "Provider ID",
        fix: "use the Provider ID from your Layer dashboard",
        prefix: Some(PROVIDER_ID_PREFIX),
    };
    expect(
        &binding,
        cx.claim_str("iss").as_deref(),
        cx.policy.expect.provider_id.as_deref(),
    )
}

/// `kid` is this key id (a bare UUID matches its `layer:///keys/` form).
pub(super) fn key_id(cx: &Context<'_, '_>) -> Check {
    let binding = Binding {
        id: CheckId::KeyId,
        name: "kid",
        skips: [
            "not checked: no Key ID to compare kid with",
            "not checked: no usable kid (see above)",
        ],
        expected: "Key ID",
        fix: "the token names another key; sign with the key registered under that Key ID",
        prefix: Some(KEY_ID_PREFIX),
    };
    expect(
        &binding,
        kid(cx).as_deref(),
        cx.policy.expect.key_id.as_deref(),
    )
}

fn kid<'a>(cx: &'a Context<'_, '_>) -> Option<Cow<'a, str>> {
    cx.header()?.get("kid")?.as_str()
}

/// The keys to try for this token, as the policy chooses them: by `kid` only when the
/// policy requires it (the service's rule), else also a lone key whatever the `kid`.
fn candidates<'k>(cx: &Context<'_, 'k>) -> Candidates<'k> {
    let keys: &'k crate::keys::KeySet = cx.policy.keys;
    let kid = kid(cx);
    match keys.candidates(kid.as_deref()) {
        Candidates::Single(key) if cx.policy.require_kid => {
            let named = match (key.kid(), kid.as_deref()) {
                (Some(have), Some(wanted)) => same(have, wanted, KEY_ID_PREFIX),
                _ => false,
            };
            if named {
                Candidates::Single(key)
            } else {
                Candidates::NotFound {
                    known: key.kid().into_iter().collect(),
                }
            }
        }
        Candidates::Unnamed(_) if cx.policy.require_kid => Candidates::NotFound {
            known: keys.keys().iter().filter_map(VerifyingKey::kid).collect(),
        },
        other => other,
    }
}

/// A trusted key is there for this token's `kid`.
pub(super) fn key(cx: &Context<'_, '_>) -> Check {
    let id = CheckId::KeyNotFound;
    if cx.policy.require_kid && cx.header().is_none() {
        return Check::skip(id, "not checked: the header could not be decoded");
    }
    match candidates(cx) {
        Candidates::NoKeys => Check::skip(id, "not checked: no public key to verify with"),
        Candidates::Single(key) if cx.policy.require_kid => {
            Check::pass(id, joined(&["kid names ", key.describe()]))
        }
        Candidates::Single(key) => Check::pass(
            id,
            joined(&["using ", key.describe(), " (the only key given)"]),
        ),
        Candidates::ByKid(keys) => match keys.as_slice() {
            [key] => Check::pass(id, joined(&["kid names ", key.describe()])),
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
        Candidates::NotFound { known } => {
            let kid = cx
                .header()
                .and_then(|h| h.get("kid"))
                .map_or("(none)".to_owned(), |kid| match kid.as_str() {
                    Some(text) => shown(&text),
                    None => kid.json().chars().take(80).collect(),
                });
            let mut held: Vec<String> = known.iter().take(10).map(|k| shown(k)).collect();
            if known.len() > 10 {
                held.push(format!("{} more", known.len() - 10));
            }
            let held = match held.len() {
                0 => "no key with a kid".to_owned(),
                _ => held.join(", "),
            };
            Check::fail(
                id,
                format!(
                    "no registered key has kid {kid}; the key set holds {held}: register this \
                     key, or sign with one of those"
                ),
            )
        }
    }
}

/// The RS256 signature verifies under the chosen key.
pub(super) fn signature(cx: &Context<'_, '_>) -> Check {
    let id = CheckId::Signature;
    if cx.policy.skip_signature {
        return Check::skip(id, super::SIGNATURE_SKIPPED_ON_REQUEST);
    }
    if cx.policy.require_kid && cx.header().is_none() {
        return Check::skip(id, "not verified: the header could not be decoded");
    }
    let chosen = candidates(cx);
    let candidates: &[&VerifyingKey] = match &chosen {
        Candidates::NoKeys => {
            return Check::skip(id, "not verified: no public key to verify with");
        }
        // No key carries this kid: none is tried as the service would, but the others are,
        // to say which key did sign.
        Candidates::NotFound { .. } => &[],
        // Borrowed where it stands: one key is every token's case, and needs no list.
        Candidates::Single(key) => std::slice::from_ref(key),
        Candidates::ByKid(keys) | Candidates::Unnamed(keys) => keys,
    };
    let Some(decoded) = &cx.decoded else {
        return Check::skip(id, NOT_DECODED);
    };
    let Some(header) = cx.header() else {
        return Check::skip(id, "not verified: the header could not be decoded");
    };
    match header.get("alg").and_then(|alg| alg.as_str()).as_deref() {
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
    let found = candidates
        .iter()
        .enumerate()
        .find(|(_, key)| key.verify(message, signature));
    let Some((index, key)) = found else {
        return wrong_key(cx, candidates, message, signature);
    };
    let which = if tried == 1 {
        String::new()
    } else {
        format!(" (key {} of the {tried} tried)", index + 1)
    };
    if key.public_key().bits() < MIN_STRONG_BITS {
        Check::warn(
            id,
            format!(
                "verified with {}{which}, but it is a legacy key: generate a 2048-bit key, \
                 register it, and retire this one",
                key.describe()
            ),
        )
    } else {
        Check::pass(id, joined(&["verified with ", key.describe(), &which]))
    }
}

/// At most this many keys outside the candidates are tried to say which key signed a
/// token that failed (a set of thousands would otherwise cost a second per bad token).
const MAX_OTHER_KEYS: usize = 64;

/// The failure when no candidate verifies: naming the key in the set that does verify, if
/// one does (the token's `kid` names the wrong key), so the message tells the fix.
fn wrong_key(
    cx: &Context<'_, '_>,
    tried: &[&VerifyingKey],
    message: &[u8],
    signature: &[u8],
) -> Check {
    let id = CheckId::Signature;
    let others: Vec<&VerifyingKey> = cx
        .policy
        .keys
        .keys()
        .iter()
        .filter(|key| !tried.iter().any(|t| std::ptr::eq(*t, *key)))
        .collect();
    let kid = kid(cx).map(|kid| shown(&kid));
    if let Some(signer) = others
        .iter()
        .take(MAX_OTHER_KEYS)
        .find(|key| key.verify(message, signature))
    {
        let named = match signer.kid() {
            Some(_) => format!("{} (thumbprint {})", signer.describe(), signer.thumbprint()),
            None => signer.describe().to_owned(),
        };
        let fix = match (signer.kid(), &kid) {
            (Some(theirs), Some(kid)) => format!(
                "sign with kid {} in the header, or register this key under {kid}",
                shown(theirs)
            ),
            (Some(theirs), None) => format!("sign with kid {} in the header", shown(theirs)),
            (None, Some(kid)) => {
                format!("register this key under {kid}, or sign with the key that is")
            }
            (None, None) => "give the key a kid and put it in the header".to_owned(),
        };
        let names = kid.as_ref().map_or_else(
            || "the header names no kid".to_owned(),
            |kid| format!("kid names {kid}"),
        );
        return Check::fail(
            id,
            format!("the signature verifies with {named}, but {names}: {fix}"),
        );
    }
    let unchecked = others.len().saturating_sub(MAX_OTHER_KEYS);
    let rest = match unchecked {
        0 => String::new(),
        n => format!(" ({n} more keys in the set were not tried)"),
    };
    if tried.is_empty() {
        let all = match others.len().min(MAX_OTHER_KEYS) {
            1 => "the one key given does not verify it either".to_owned(),
            n if unchecked > 0 => format!("none of the {n} keys tried verifies it either"),
            n => format!("none of the {n} keys given verifies it either"),
        };
        let missing = if kid.is_some() {
            "no key carries this kid"
        } else {
            "the header names no kid"
        };
        return Check::fail(id, format!("not verified: {missing}, and {all}{rest}"));
    }
    Check::fail(
        id,
        format!(
            "the signature does not verify: the token was signed with another key than the one \
             given (does kid name the key you registered?) or was altered after signing{rest}"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::super::{Expect, Status};
    use super::*;
    use crate::test_support::{HEADER, key, outcome, raw_token, report, report_with, request};
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
            message
                .starts_with("nce is \"nonce-123\" but the nonce the service issued is \"other\""),
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

    fn policy_for<'k>(
        keys: &'k crate::keys::KeySet,
        require_kid: bool,
    ) -> super::super::Policy<'k> {
        let mut policy = super::super::Policy::new(
            chrono::DateTime::from_timestamp(crate::test_support::NOW, 0).unwrap(),
            keys,
        );
        policy.require_kid = require_kid;
        policy
    }

    #[test]
    fn when_kid_names_the_wrong_key_the_failure_names_the_key_that_signed() {
        let other = crate::keys::SigningKey::generate(2048).unwrap();
        let ours = key().public_key().clone();
        let a = VerifyingKey::new(other.public_key().clone(), Some("layer:///keys/A".into()));
        let b = VerifyingKey::new(ours, Some("layer:///keys/B".into()));
        let keys = crate::keys::KeySet::new(vec![a.unwrap(), b.unwrap()]);
        for (kid, require_kid) in [("layer:///keys/A", false), ("layer:///keys/C", true)] {
            let mut request = request();
            request.key_id = kid.into();
            let token = sign(&request, key()).unwrap();
            let report = super::super::validate(&token, &policy_for(&keys, require_kid));
            let (status, message) = outcome(&report, CheckId::Signature);
            assert_eq!(status, Status::Fail, "{message}");
            assert!(
                message.starts_with(
                    "the signature verifies with the 2048-bit key \"layer:///keys/B\" (thumbprint "
                ),
                "{message}"
            );
            assert!(
                message.contains(&format!(
                    "but kid names \"{kid}\": sign with kid \"layer:///keys/B\""
                )),
                "{message}"
            );
            assert!(!report.valid);
        }
        let stranger = crate::keys::SigningKey::generate(2048).unwrap();
        let mut request = request();
        request.key_id = "layer:///keys/C".into();
        let token = sign(&request, &stranger).unwrap();
        let report = super::super::validate(&token, &policy_for(&keys, true));
        let (_, message) = outcome(&report, CheckId::Signature);
        assert_eq!(
            message,
            "not verified: no key carries this kid, and none of the 2 keys given verifies it either"
        );
    }
}
