//! The envelope: size, three parts, base64url, JSON objects.

use super::{Check, CheckId, Context, MAX_TOKEN_BYTES, NOT_DECODED, joined};
use crate::token::PartError;

/// The token is small enough to be a token at all.
pub(super) fn size(cx: &Context<'_, '_>) -> Check {
    let id = CheckId::TokenSize;
    let bytes = cx.len;
    if bytes <= MAX_TOKEN_BYTES && cx.trimmed > 0 {
        Check::warn(
            id,
            format!(
                "{bytes} bytes, once {} bytes of whitespace around it were trimmed (a newline \
                 from a shell or a backend?): send the token alone",
                cx.trimmed
            ),
        )
    } else if bytes <= MAX_TOKEN_BYTES {
        Check::pass(id, joined(&[itoa::Buffer::new().format(bytes), " bytes"]))
    } else {
        Check::fail(
            id,
            format!(
                "{bytes} bytes, over the {} KiB limit: an identity token is under 2 KiB; is this the right input?",
                MAX_TOKEN_BYTES / 1024
            ),
        )
    }
}

/// Three `.`-separated parts: header, claims, signature.
pub(super) fn part_count(cx: &Context<'_, '_>) -> Check {
    let id = CheckId::PartCount;
    if cx.len > MAX_TOKEN_BYTES {
        return Check::skip(id, "not checked: the token is too large");
    }
    if cx.decoded.is_some() {
        return Check::pass(id, "3 parts: header.claims.signature");
    }
    let parts = cx.raw.split('.').count();
    let pieces = cx.raw.split_whitespace().count();
    let message = match parts {
        _ if cx.raw.is_empty() => "the token is empty".to_owned(),
        _ if pieces > 1 => format!(
            "{parts} parts in {pieces} pieces split by whitespace: several tokens pasted as one? \
             a token is one piece, header.claims.signature"
        ),
        1 => "no `.` at all: a JWS is header.claims.signature in base64url".to_owned(),
        2 => "2 parts: the signature part is missing (header.claims.signature)".to_owned(),
        5 => "5 parts: that is an encrypted JWE; Layer needs a signed JWS with 3 parts".to_owned(),
        n => format!("{n} parts: a JWS has exactly 3 (header.claims.signature)"),
    };
    Check::fail(id, message)
}

/// Each part is unpadded base64url.
pub(super) fn base64url(cx: &Context<'_, '_>) -> Check {
    let id = CheckId::Base64url;
    let Some(decoded) = &cx.decoded else {
        return Check::skip(id, NOT_DECODED);
    };
    let mut problems = Vec::new();
    for (part, result) in [("header", &decoded.header), ("claims", &decoded.claims)] {
        if let Err(PartError::Base64(error)) = result {
            problems.push(format!("the {part} part {error}"));
        }
    }
    if let Err(error) = &decoded.signature {
        problems.push(format!("the signature part {error}"));
    }
    Check::from_problems(id, problems, "all three parts are unpadded base64url")
}

/// Header and claims are JSON objects with each member once.
pub(super) fn json(cx: &Context<'_, '_>) -> Check {
    let id = CheckId::Json;
    let Some(decoded) = &cx.decoded else {
        return Check::skip(id, NOT_DECODED);
    };
    let mut problems = Vec::new();
    // How many parts were read as JSON, and the last of them.
    let (mut checked, mut read) = (0, "");
    for (part, result) in [("header", &decoded.header), ("claims", &decoded.claims)] {
        match result {
            Err(PartError::Json(error)) => problems.push(format!("the {part} part {error}")),
            Err(PartError::Base64(_)) => {}
            Ok(_) => (checked, read) = (checked + 1, part),
        }
    }
    if !problems.is_empty() {
        return Check::fail(id, problems.join("; "));
    }
    match checked {
        2 => Check::pass(id, "header and claims are JSON objects, each member once"),
        1 => Check::pass(
            id,
            format!(
                "the {read} is a JSON object, each member once; the other part is not base64url"
            ),
        ),
        _ => Check::skip(id, "not checked: neither part is base64url"),
    }
}

#[cfg(test)]
mod tests {
    use super::super::Status;
    use super::*;
    use crate::test_support::{HEADER, outcome, raw_token, report};

    #[test]
    fn oversized_tokens_fail_before_decoding() {
        let huge = "a".repeat(3 * 1024 * 1024);
        let r = report(&huge);
        assert_eq!(outcome(&r, CheckId::TokenSize).0, Status::Fail);
        assert_eq!(outcome(&r, CheckId::PartCount).0, Status::Skip);
        assert!(!r.valid);
    }

    #[test]
    fn part_count_names_missing_signature_and_jwe() {
        let (status, message) = outcome(&report("a.b"), CheckId::PartCount);
        assert_eq!(status, Status::Fail);
        assert!(message.contains("signature part is missing"), "{message}");
        assert!(
            outcome(&report("a.b.c.d.e"), CheckId::PartCount)
                .1
                .contains("JWE")
        );
        assert!(outcome(&report(""), CheckId::PartCount).1.contains("empty"));
    }

    #[test]
    fn base64url_names_padding_and_plain_base64_by_part() {
        let (status, message) = outcome(&report("e30=.e30.AAAA"), CheckId::Base64url);
        assert_eq!(status, Status::Fail);
        assert!(
            message.contains("header part ends in `=` padding"),
            "{message}"
        );
        let message = outcome(&report("e30.e3+.AAAA"), CheckId::Base64url).1;
        assert!(message.contains("claims part contains `+`"), "{message}");
    }

    #[test]
    fn json_names_non_objects_and_duplicates() {
        let token = raw_token(r#"["RS256"]"#, r#"{"prn":"a","prn":"b"}"#);
        let (status, message) = outcome(&report(&token), CheckId::Json);
        assert_eq!(status, Status::Fail);
        assert!(
            message.contains("the header part is an array, not a JSON object"),
            "{message}"
        );
        assert!(message.contains("\"prn\" twice"), "{message}");
        let ok = raw_token(HEADER, "{}");
        assert_eq!(outcome(&report(&ok), CheckId::Json).0, Status::Pass);
    }

    #[test]
    fn json_says_which_part_it_read_when_the_other_is_not_base64url() {
        for (token, status, wanted) in [
            (
                "e30.e3+.AAAA",
                Status::Pass,
                "the header is a JSON object, each member once",
            ),
            (
                "e3+.e30.AAAA",
                Status::Pass,
                "the claims is a JSON object, each member once",
            ),
            ("e3+.e3+.AAAA", Status::Skip, "neither part is base64url"),
            (
                "e30.e30.AAAA",
                Status::Pass,
                "header and claims are JSON objects",
            ),
        ] {
            let (got, message) = outcome(&report(token), CheckId::Json);
            assert_eq!(got, status, "{token}: {message}");
            assert!(message.contains(wanted), "{token}: {message}");
        }
    }
}
