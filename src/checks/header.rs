//! The JOSE header: `typ`, `alg`, `cty`, `kid` present, strings, and with Layer's values.

use serde_json::Value;

use super::{Check, CheckId, Context};
use crate::ids::{KEY_ID_PREFIX, form_warning as id_form_warning};
use crate::token::{ALG, CTY, Object, kind};

const PARAMS: [&str; 4] = ["typ", "alg", "cty", "kid"];

fn header_or_skip<'a>(cx: &'a Context<'_, '_>, id: CheckId) -> Result<&'a Object, Check> {
    cx.header()
        .ok_or_else(|| Check::skip(id, "not checked: the header could not be decoded"))
}

/// `typ`, `alg`, `cty` and `kid` are all there.
pub(super) fn not_found(cx: &Context<'_, '_>) -> Check {
    let id = CheckId::HeaderParamNotFound;
    let header = match header_or_skip(cx, id) {
        Ok(header) => header,
        Err(skip) => return skip,
    };
    let missing: Vec<&str> = PARAMS
        .into_iter()
        .filter(|p| !header.contains_key(p))
        .collect();
    if missing.is_empty() {
        return Check::pass(id, "typ, alg, cty and kid are present");
    }
    Check::fail(
        id,
        format!(
            "missing {}: the header needs typ, alg, cty and kid",
            missing.join(", ")
        ),
    )
}

/// Each header parameter present is a string.
pub(super) fn wrong_type(cx: &Context<'_, '_>) -> Check {
    let id = CheckId::HeaderParamWrongType;
    let header = match header_or_skip(cx, id) {
        Ok(header) => header,
        Err(skip) => return skip,
    };
    let problems = PARAMS
        .into_iter()
        .filter_map(|p| header.get(p).filter(|v| !v.is_string()).map(|v| (p, v)))
        .map(|(p, v)| format!("{p} is {}; it must be a string", kind(&v.value())))
        .collect();
    Check::from_problems(id, problems, "every header parameter is a string")
}

/// Layer's values: `typ` JWS or JWT, `alg` RS256, `cty` layer-eit;v=1, `kid` non-empty.
pub(super) fn wrong_value(cx: &Context<'_, '_>) -> Check {
    let id = CheckId::HeaderParamWrongValue;
    let header = match header_or_skip(cx, id) {
        Ok(header) => header,
        Err(skip) => return skip,
    };
    let text = |p: &str| header.get(p).and_then(|v| v.as_str());
    let mut problems = Vec::new();
    if let Some(typ) = text("typ").filter(|t| !matches!(t.as_ref(), "JWS" | "JWT")) {
        problems.push(format!(
            "typ is {}: Layer expects \"JWS\" (or \"JWT\")",
            Value::from(typ.as_ref())
        ));
    }
    if let Some(alg) = text("alg").filter(|a| a != ALG) {
        problems.push(alg_problem(&alg));
    }
    if header.contains_key("crit") {
        problems.push(
            "crit names extensions that must be understood; Layer defines none, so a token \
             with crit is refused (RFC 7515 §4.1.11)"
                .into(),
        );
    }
    if let Some(cty) = text("cty").filter(|c| c != CTY) {
        problems.push(format!(
            "cty is {}: Layer expects \"{CTY}\"",
            Value::from(cty.as_ref())
        ));
    }
    let kid = text("kid");
    if kid.as_deref() == Some("") {
        problems.push(
            "kid is empty: use the Key ID the Layer dashboard shows (layer:///keys/<uuid>)".into(),
        );
    }
    if !problems.is_empty() {
        return Check::fail(id, problems.join("; "));
    }
    match kid.and_then(|kid| id_form_warning("kid", &kid, KEY_ID_PREFIX)) {
        Some(warning) => Check::warn(
            id,
            format!("typ, alg and cty have the values Layer accepts, but {warning}"),
        ),
        None => Check::pass(id, "typ, alg, cty and kid have the values Layer accepts"),
    }
}

fn alg_problem(alg: &str) -> String {
    let shown = Value::from(alg);
    match alg.to_ascii_uppercase().as_str() {
        "NONE" => format!("alg is {shown}: an unsigned token is never accepted; sign with RS256"),
        a if a.starts_with("HS") => format!(
            "alg is {shown} (HMAC): Layer accepts only RS256; an HMAC token keyed with the public key \
             is the classic key-confusion forgery, so it is refused outright"
        ),
        _ => format!("alg is {shown}: Layer accepts only RS256 (RSASSA-PKCS1-v1_5 with SHA-256)"),
    }
}

#[cfg(test)]
mod tests {
    use super::super::Status;
    use super::*;
    use crate::test_support::{HEADER, outcome, raw_token, report};

    const CLAIMS: &str = r#"{"iss":"layer:///providers/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee","prn":"alice","iat":1700000000,"exp":1700000600,"nce":"nonce-123"}"#;

    #[test]
    fn missing_kid_is_named() {
        let token = raw_token(
            r#"{"typ":"JWS","alg":"RS256","cty":"layer-eit;v=1"}"#,
            CLAIMS,
        );
        let (status, message) = outcome(&report(&token), CheckId::HeaderParamNotFound);
        assert_eq!(status, Status::Fail);
        assert!(message.starts_with("missing kid"), "{message}");
    }

    #[test]
    fn numeric_kid_is_a_wrong_type() {
        let header = HEADER.replace(
            r#""layer:///keys/11111111-2222-3333-4444-555555555555""#,
            "12345",
        );
        let (status, message) = outcome(
            &report(&raw_token(&header, CLAIMS)),
            CheckId::HeaderParamWrongType,
        );
        assert_eq!(status, Status::Fail);
        assert_eq!(message, "kid is the number 12345; it must be a string");
    }

    #[test]
    fn alg_none_hs256_and_rs512_are_refused_by_name() {
        for (alg, words) in [
            ("none", "unsigned"),
            ("HS256", "key-confusion"),
            ("RS512", "only RS256"),
        ] {
            let header = HEADER.replace("RS256", alg);
            let r = report(&raw_token(&header, CLAIMS));
            let (status, message) = outcome(&r, CheckId::HeaderParamWrongValue);
            assert_eq!(status, Status::Fail, "{alg}");
            assert!(message.contains(words), "{alg}: {message}");
            assert!(!r.valid);
        }
    }

    #[test]
    fn typ_jwt_passes_and_wrong_cty_fails() {
        let jwt = HEADER.replace("\"JWS\"", "\"JWT\"");
        assert_eq!(
            outcome(
                &report(&raw_token(&jwt, CLAIMS)),
                CheckId::HeaderParamWrongValue
            )
            .0,
            Status::Pass
        );
        let cty = HEADER.replace("v=1", "v=2");
        let message = outcome(
            &report(&raw_token(&cty, CLAIMS)),
            CheckId::HeaderParamWrongValue,
        )
        .1;
        assert!(message.contains("cty is \"layer-eit;v=2\""), "{message}");
    }

    #[test]
    fn bare_uuid_kid_warns_and_the_token_stays_valid() {
        let header = HEADER.replace("layer:///keys/", "");
        let r = report(&raw_token(&header, CLAIMS));
        let (status, message) = outcome(&r, CheckId::HeaderParamWrongValue);
        assert_eq!(status, Status::Warn);
        assert!(
            message.contains("kid is a bare UUID, the pre-2015 form"),
            "{message}"
        );
        assert!(r.valid);
    }
}
