//! The claims: the five required ones present and well typed, optional ones within limits,
//! and the token's lifetime against the clock the caller passed in.

use serde_json::Value;

use super::{Check, CheckId, Context, spanned};
use crate::ids::form_warning as id_form_warning;
use crate::time::human;
use crate::token::{
    Member, Object, PROFILE_CLAIMS, PROVIDER_ID_PREFIX, REQUIRED_CLAIMS, kind, length_problem,
    metadata_problem, profile_problem,
};

use crate::token::MAX_PLAUSIBLE_SECONDS;

fn claims_or_skip<'a>(cx: &'a Context<'_, '_>, id: CheckId) -> Result<&'a Object, Check> {
    cx.claims()
        .ok_or_else(|| Check::skip(id, "not checked: the claims could not be decoded"))
}

/// Reads integer seconds since the epoch, or says in plain words what the value is instead.
///
/// # Errors
/// The problem, phrased to follow "`iat` ".
pub(super) fn epoch_seconds(member: Member<'_>) -> Result<i64, String> {
    let Some(n) = member.as_i64() else {
        return Err(not_integer_seconds(member));
    };
    match n {
        n if n < 0 => Err(format!(
            "is {n}, before 1970; Layer needs seconds since the epoch"
        )),
        n if n >= MAX_PLAUSIBLE_SECONDS * 10 => Err(match finer_unit(n as f64) {
            Some((unit, per_second)) => format!(
                "is {n}, which is {unit}; Layer needs seconds: {} (divide by {per_second})",
                n / per_second
            ),
            None => format!("is {n}, beyond any time; Layer needs seconds since the epoch"),
        }),
        n if n >= MAX_PLAUSIBLE_SECONDS => Err(format!(
            "is {n}, past the year 5138: Layer needs seconds since the epoch"
        )),
        n => Ok(n),
    }
}

/// The unit a time this large was most likely written in — the first of milliseconds,
/// microseconds and nanoseconds that brings it under [`MAX_PLAUSIBLE_SECONDS`] — and how
/// many of it make a second; none when even nanoseconds do not.
fn finer_unit(value: f64) -> Option<(&'static str, i64)> {
    [
        ("milliseconds", 1_000),
        ("microseconds", 1_000_000),
        ("nanoseconds", 1_000_000_000),
    ]
    .into_iter()
    .find(|&(_, per_second)| (value.abs() / per_second as f64) < MAX_PLAUSIBLE_SECONDS as f64)
}

/// Why `member`, which is not an integer that fits, is not epoch seconds (a number quoted
/// as the token writes it, not as a double would).
fn not_integer_seconds(member: Member<'_>) -> String {
    let n = member.json();
    match member.value() {
        Value::String(s) if s.trim().parse::<i64>().is_ok() => format!(
            "is the string {}; Layer needs an integer: {} without quotes",
            Value::from(s.as_str()),
            s.trim()
        ),
        Value::Number(number) if number.is_f64() && is_float_lexeme(n) => {
            let f = number.as_f64().unwrap_or(0.0);
            if f.abs() < (MAX_PLAUSIBLE_SECONDS * 10) as f64 {
                return format!(
                    "is the float {n}; Layer needs whole seconds as an integer ({})",
                    f.trunc() as i64
                );
            }
            match finer_unit(f) {
                Some((unit, per_second)) => format!(
                    "is {unit} as a float {n}; Layer needs whole seconds as an integer ({})",
                    (f / per_second as f64).trunc() as i64
                ),
                None => format!("is {n}, beyond any time; Layer needs seconds since the epoch"),
            }
        }
        Value::Number(_) => format!("is {n}, beyond any time; Layer needs seconds since the epoch"),
        other => format!(
            "is {}; Layer needs integer seconds since the epoch",
            kind(&other)
        ),
    }
}

/// Whether a number is written as a float: with a fraction or an exponent, or `-0` (which
/// `serde_json`, like JavaScript, holds as the float -0.0), not as an integer too large for
/// any integer type.
fn is_float_lexeme(number: &str) -> bool {
    number == "-0" || number.contains(['.', 'e', 'E'])
}

/// `iss`, `prn`, `iat`, `exp` and `nce` are all there.
pub(super) fn not_found(cx: &Context<'_, '_>) -> Check {
    let id = CheckId::ClaimNotFound;
    let claims = match claims_or_skip(cx, id) {
        Ok(claims) => claims,
        Err(skip) => return skip,
    };
    let missing: Vec<&str> = REQUIRED_CLAIMS
        .into_iter()
        .filter(|c| !claims.contains_key(c))
        .collect();
    if missing.is_empty() {
        return Check::pass(id, "iss, prn, iat, exp and nce are present");
    }
    Check::fail(
        id,
        format!(
            "missing {}: a Layer token carries iss, prn, iat, exp and nce",
            missing.join(", ")
        ),
    )
}

/// `iss`, `prn`, `nce` are strings; `iat`, `exp` integer seconds since the epoch.
pub(super) fn wrong_type(cx: &Context<'_, '_>) -> Check {
    let id = CheckId::ClaimWrongType;
    let claims = match claims_or_skip(cx, id) {
        Ok(claims) => claims,
        Err(skip) => return skip,
    };
    let mut problems = Vec::new();
    for name in ["iss", "prn", "nce"] {
        let Some(value) = claims.get(name).filter(|v| !v.is_string()) else {
            continue;
        };
        match value.value() {
            Value::Number(_) if name == "prn" => problems.push(format!(
                "prn is the number {n}; Layer needs the user id as a string: \"{n}\"",
                n = value.json()
            )),
            other => problems.push(format!("{name} is {}; it must be a string", kind(&other))),
        }
    }
    for name in ["iat", "exp"] {
        if let Some(Err(problem)) = claims.get(name).map(epoch_seconds) {
            problems.push(format!("{name} {problem}"));
        }
    }
    Check::from_problems(
        id,
        problems,
        "iss, prn, nce are strings; iat, exp integer seconds",
    )
}

/// `iss`, `prn`, `nce` are not empty; notes on the form of `iss`.
pub(super) fn values(cx: &Context<'_, '_>) -> Check {
    let id = CheckId::ClaimValues;
    if let Err(skip) = claims_or_skip(cx, id) {
        return skip;
    }
    let problems: Vec<String> = ["iss", "prn", "nce"]
        .into_iter()
        .filter(|name| cx.claim_str(name).is_some_and(|v| v.trim().is_empty()))
        .map(|name| match name {
            "prn" => "prn is empty: it must be the app's id for the user".to_owned(),
            "nce" => "nce is empty: copy the nonce the service issued, verbatim".to_owned(),
            _ => "iss is empty: it must be your Provider ID (layer:///providers/<uuid>)".to_owned(),
        })
        .collect();
    if !problems.is_empty() {
        return Check::fail(id, problems.join("; "));
    }
    let warning = cx
        .claim_str("iss")
        .and_then(|iss| id_form_warning("iss", &iss, PROVIDER_ID_PREFIX));
    match warning {
        Some(warning) => Check::warn(id, format!("iss, prn and nce are not empty, but {warning}")),
        None => Check::pass(id, "iss, prn and nce are not empty"),
    }
}

/// Profile claims are strings within their lengths; `metadata` is ≤16 string values.
pub(super) fn optional(cx: &Context<'_, '_>) -> Check {
    let id = CheckId::OptionalClaims;
    let claims = match claims_or_skip(cx, id) {
        Ok(claims) => claims,
        Err(skip) => return skip,
    };
    // Nearly every token carries the required claims alone: nothing to look up or build.
    if claims.names().all(|name| REQUIRED_CLAIMS.contains(&name)) {
        return Check::pass(id, "no profile claims");
    }
    let mut problems = Vec::new();
    for (name, max) in PROFILE_CLAIMS {
        let problem = claims.get(name).and_then(|v| match v.as_str() {
            Some(text) => length_problem(&text, max),
            None => profile_problem(&v.value(), max),
        });
        if let Some(problem) = problem {
            problems.push(format!("{name} {problem}"));
        }
    }
    let metadata = claims.get("metadata").map(Member::value);
    if let Some(problem) = metadata.as_ref().and_then(metadata_problem) {
        problems.push(format!("metadata {problem}"));
    }
    let known = |name: &str| {
        REQUIRED_CLAIMS.contains(&name)
            || name == "metadata"
            || PROFILE_CLAIMS.iter().any(|(claim, _)| *claim == name)
    };
    let present: Vec<&str> = claims
        .names()
        .filter(|n| known(n) && !REQUIRED_CLAIMS.contains(n))
        .collect();
    // JSON-quoted: names come from an untrusted token and may hold terminal escapes.
    let extra: Vec<String> = claims
        .names()
        .filter(|n| !known(n))
        .map(|n| Value::from(n).to_string())
        .collect();
    let mut ok = if present.is_empty() {
        "no profile claims".to_owned()
    } else {
        format!("{} within limits", present.join(", "))
    };
    if !extra.is_empty() {
        ok.push_str(&format!(
            "; other claims (shown, not used by Layer): {}",
            extra.join(", ")
        ));
    }
    Check::from_problems(id, problems, ok)
}

/// `exp` comes after `iat`.
pub(super) fn exp_after_iat(cx: &Context<'_, '_>) -> Check {
    let id = CheckId::ExpAfterIat;
    let (Some(iat), Some(exp)) = (cx.iat(), cx.exp()) else {
        return Check::skip(
            id,
            "not checked: no usable iat and exp (see the claim checks)",
        );
    };
    if exp > iat {
        Check::pass(id, spanned("lifetime ", exp - iat))
    } else {
        Check::fail(
            id,
            format!(
                "exp is {} before iat: set exp = iat + the lifetime you want",
                human(iat - exp)
            ),
        )
    }
}

/// `iat` is not in the future, give or take the leeway.
pub(super) fn not_before(cx: &Context<'_, '_>) -> Check {
    let id = CheckId::NotBefore;
    let Some(iat) = cx.iat() else {
        return Check::skip(id, "not checked: no usable iat (see the claim checks)");
    };
    let ahead = iat - cx.policy.now.timestamp();
    if ahead <= 0 {
        let mut message = spanned("issued ", -ahead);
        message.push_str(" ago");
        Check::pass(id, message)
    } else if ahead <= cx.policy.leeway.num_seconds() {
        Check::warn(
            id,
            format!(
                "issued {} in the future, within the allowed clock skew: the signer's clock is \
                 ahead",
                human(ahead)
            ),
        )
    } else if let Some(offset) = time_zone_offset(ahead) {
        Check::fail(
            id,
            format!(
                "iat is {} in the future, a time-zone offset: local time written as UTC. Use \
                 the epoch seconds of now ({offset})",
                human(ahead)
            ),
        )
    } else {
        Check::fail(
            id,
            format!(
                "iat is {} in the future: the signer's clock is ahead, or it wrote local time \
                 instead of UTC epoch seconds",
                human(ahead)
            ),
        )
    }
}

/// How to write now as epoch seconds, when `seconds` is within a minute of a whole
/// number of quarter hours up to 14 hours: the mark of a local time written as UTC.
fn time_zone_offset(seconds: i64) -> Option<&'static str> {
    let quarter = 15 * 60;
    let nearest = (seconds + quarter / 2) / quarter * quarter;
    ((quarter..=14 * 3600).contains(&nearest) && (seconds - nearest).abs() <= 60)
        .then_some("`int(time.time())`, `Math.floor(Date.now() / 1000)`, `time.Now().Unix()`")
}

/// `exp` lies ahead of now, give or take the leeway.
pub(super) fn expiry(cx: &Context<'_, '_>) -> Check {
    let id = CheckId::Expired;
    let Some(exp) = cx.exp() else {
        return Check::skip(id, "not checked: no usable exp (see the claim checks)");
    };
    let late = cx.policy.now.timestamp() - exp;
    if late < 0 {
        Check::pass(id, spanned("expires in ", -late))
    } else if late < cx.policy.leeway.num_seconds() {
        // RFC 7519: now must be before exp; leeway L accepts now < exp + L.
        Check::warn(
            id,
            format!(
                "expired {} ago, within the allowed clock skew",
                human(late.max(1))
            ),
        )
    } else {
        Check::fail(
            id,
            format!(
                "expired {} ago: sign a new token with a fresh nonce",
                human(late)
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::super::Status;
    use super::*;
    use crate::test_support::{HEADER, outcome, raw_token, report};

    /// The base claims with `changes` applied (a `null` removes a claim), every value kept
    /// as written: a `Value` would round a number no double holds.
    fn claims(changes: &str) -> String {
        let mut members: Vec<(String, String)> = [
            (
                "iss",
                r#""layer:///providers/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee""#,
            ),
            ("prn", r#""alice""#),
            ("iat", "1700000000"),
            ("exp", "1700000600"),
            ("nce", r#""nonce-123""#),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .into();
        let changes: std::collections::BTreeMap<String, Box<serde_json::value::RawValue>> =
            serde_json::from_str(changes).unwrap();
        for (name, value) in changes {
            let at = members.iter().position(|(k, _)| *k == name);
            match (at, value.get()) {
                (Some(at), "null") => drop(members.remove(at)),
                (None, "null") => {}
                (Some(at), json) => members[at].1 = json.to_owned(),
                (None, json) => members.push((name, json.to_owned())),
            }
        }
        let written: Vec<String> = members
            .iter()
            .map(|(k, v)| format!("{}:{v}", Value::from(k.as_str())))
            .collect();
        format!("{{{}}}", written.join(","))
    }

    fn check(changes: &str, id: CheckId) -> (Status, String) {
        outcome(&report(&raw_token(HEADER, &claims(changes))), id)
    }

    #[test]
    fn epoch_pitfalls_get_their_own_words() {
        let (status, message) = check(r#"{"iat":"1700000000"}"#, CheckId::ClaimWrongType);
        assert_eq!(status, Status::Fail);
        assert_eq!(
            message,
            "iat is the string \"1700000000\"; Layer needs an integer: 1700000000 without quotes"
        );
        let message = check(r#"{"exp":1700000600.5}"#, CheckId::ClaimWrongType).1;
        assert!(
            message.contains("exp is the float 1700000600.5"),
            "{message}"
        );
        let message = check(
            r#"{"iat":1700000000000,"exp":1700000600000}"#,
            CheckId::ClaimWrongType,
        )
        .1;
        assert!(
            message.contains("iat is 1700000000000, which is milliseconds"),
            "{message}"
        );
        assert!(
            message.contains("exp is 1700000600000, which is milliseconds"),
            "{message}"
        );
        for (claims, said) in [
            (
                r#"{"exp":1700000600000000}"#,
                "exp is 1700000600000000, which is microseconds; Layer needs seconds: \
                 1700000600 (divide by 1000000)",
            ),
            (
                r#"{"exp":1700000600000000000}"#,
                "exp is 1700000600000000000, which is nanoseconds; Layer needs seconds: \
                 1700000600 (divide by 1000000000)",
            ),
            (
                r#"{"exp":1700000600000.0}"#,
                "exp is milliseconds as a float 1700000600000.0; Layer needs whole seconds \
                 as an integer (1700000600)",
            ),
            (
                r#"{"exp":170000060000000000000000}"#,
                "exp is 170000060000000000000000, beyond any time",
            ),
            (
                r#"{"iat":-0}"#,
                "iat is the float -0; Layer needs whole seconds as an integer (0)",
            ),
            (
                r#"{"exp":1.7E9}"#,
                "exp is the float 1.7E9; Layer needs whole seconds as an integer (1700000000)",
            ),
        ] {
            let message = check(claims, CheckId::ClaimWrongType).1;
            assert!(message.contains(said), "{claims}: {message}");
        }
    }

    #[test]
    fn missing_and_mistyped_required_claims() {
        let (status, message) = check(r#"{"nce":null}"#, CheckId::ClaimNotFound);
        assert_eq!(status, Status::Fail);
        assert!(message.starts_with("missing nce"), "{message}");
        let message = check(r#"{"prn":42}"#, CheckId::ClaimWrongType).1;
        assert!(message.contains("prn is the number 42"), "{message}");
        // Quoted as the token has it, not as a double would round it.
        let message = check(
            r#"{"prn":12345678901234567890123}"#,
            CheckId::ClaimWrongType,
        )
        .1;
        assert!(
            message.contains(
                "prn is the number 12345678901234567890123; Layer needs the user id as a \
                 string: \"12345678901234567890123\""
            ),
            "{message}"
        );
    }

    #[test]
    fn an_app_id_or_bare_uuid_as_iss_warns() {
        let (status, message) = check(
            r#"{"iss":"layer:///apps/staging/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"}"#,
            CheckId::ClaimValues,
        );
        assert_eq!(status, Status::Warn);
        assert!(message.contains("iss is an App ID"), "{message}");
        let (status, message) = check(
            r#"{"iss":"aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"}"#,
            CheckId::ClaimValues,
        );
        assert_eq!(status, Status::Warn);
        assert!(message.contains("iss is a bare UUID"), "{message}");
    }

    #[test]
    fn empty_prn_fails_claim_values() {
        let (status, message) = check(r#"{"prn":""}"#, CheckId::ClaimValues);
        assert_eq!(status, Status::Fail);
        assert!(message.contains("prn is empty"), "{message}");
    }

    #[test]
    fn optional_claims_are_limited_and_extras_shown() {
        let long = format!(r#"{{"display_name":"{}"}}"#, "x".repeat(129));
        assert_eq!(check(&long, CheckId::OptionalClaims).0, Status::Fail);
        assert_eq!(
            check(r#"{"metadata":{"n":1}}"#, CheckId::OptionalClaims).0,
            Status::Fail
        );
        let (status, message) = check(
            r#"{"first_name":"Al","metadata":{"a":"b"},"x":1}"#,
            CheckId::OptionalClaims,
        );
        assert_eq!(status, Status::Pass);
        assert!(
            message.contains("first_name, metadata within limits"),
            "{message}"
        );
        assert!(message.contains("not used by Layer): \"x\""), "{message}");
    }

    #[test]
    fn lifetime_expiry_and_future_iat_against_now() {
        assert_eq!(
            check("{}", CheckId::Expired),
            (Status::Pass, "expires in 5m".to_owned())
        );
        let (status, message) = check(r#"{"iat":1699990000,"exp":1699990600}"#, CheckId::Expired);
        assert_eq!(status, Status::Fail);
        assert!(message.starts_with("expired 2h 41m ago"), "{message}");
        let (status, message) = check(r#"{"iat":1700003900,"exp":1700004500}"#, CheckId::NotBefore);
        assert_eq!(status, Status::Fail);
        assert!(
            message.starts_with(
                "iat is 1h in the future, a time-zone offset: local time written as UTC"
            ),
            "{message}"
        );
        assert!(
            message.contains("`int(time.time())`, `Math.floor(Date.now() / 1000)`"),
            "{message}"
        );
        let (_, message) = check(r#"{"iat":1700002000,"exp":1700004500}"#, CheckId::NotBefore);
        assert_eq!(
            message,
            "iat is 28m 20s in the future: the signer's clock is ahead, or it wrote local time instead of UTC epoch seconds"
        );
        let (status, _) = check(r#"{"exp":1699999000}"#, CheckId::ExpAfterIat);
        assert_eq!(status, Status::Fail);
        assert_eq!(
            check(r#"{"iat":"x"}"#, CheckId::ExpAfterIat).0,
            Status::Skip
        );
    }
}
