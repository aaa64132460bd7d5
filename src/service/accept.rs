//! The `Accept` header every API request carries, read by RFC 9110's grammar (§12.5.1,
//! §5.6): a comma-separated list of media ranges, each `type/subtype` and `;`-separated
//! parameters whose values are tokens or quoted strings. Layer's media type is taken at a
//! version the service speaks, and only with a weight above zero (`q=0` means "not this").
//! Read in place, without allocating: every API request is asked this.

use super::API_VERSIONS;

/// The media type the API answers with.
const LAYER_TYPE: &str = "application/vnd.layer+json";

/// Whether `accept` (every `Accept` line of a request, joined by commas, as RFC 9110 §5.3
/// says they combine) asks for Layer's media type at one of [`API_VERSIONS`].
pub(super) fn accepts_layer(accept: &str) -> bool {
    split_outside_quotes(accept, b',').any(layer_range)
}

/// Whether one media range is Layer's type with a `version` the service speaks, no other
/// parameter than a non-zero `q`, and each parameter named once.
fn layer_range(range: &str) -> bool {
    let mut parts = split_outside_quotes(range, b';');
    let media = parts.next().unwrap_or_default().trim_matches(is_ows);
    if !media.eq_ignore_ascii_case(LAYER_TYPE) {
        return false;
    }
    let (mut version, mut weight) = (None, None);
    for param in parts.map(|p| p.trim_matches(is_ows)) {
        // RFC 9110 allows empty parameters (`;;`).
        if param.is_empty() {
            continue;
        }
        let Some((name, value)) = param.split_once('=') else {
            return false;
        };
        if !is_token(name) || !(is_token(value) || is_quoted(value)) {
            return false;
        }
        let slot = if name.eq_ignore_ascii_case("version") {
            &mut version
        } else if name.eq_ignore_ascii_case("q") {
            &mut weight
        } else {
            return false;
        };
        if slot.replace(value).is_some() {
            return false;
        }
    }
    let spoken = version.is_some_and(|v| API_VERSIONS.iter().any(|&known| unquoted_is(v, known)));
    spoken && weight.is_none_or(positive_weight)
}

/// Whether a `q` value is a weight (RFC 9110 §12.4.2: `0` to `1`, three decimals at most)
/// above zero. A weight is a token, never quoted.
fn positive_weight(q: &str) -> bool {
    let (whole, decimals) = q.split_once('.').unwrap_or((q, ""));
    let digits = decimals.len() <= 3 && decimals.bytes().all(|b| b.is_ascii_digit());
    match whole {
        "0" => digits && decimals.bytes().any(|b| b != b'0'),
        "1" => digits && decimals.bytes().all(|b| b == b'0'),
        _ => false,
    }
}

/// Whether the parameter value `value` (a token, or a quoted string with `\` escapes) reads
/// as `wanted`.
fn unquoted_is(value: &str, wanted: &str) -> bool {
    let Some(inner) = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) else {
        return value == wanted;
    };
    let mut chars = inner.chars();
    let mut unescaped = std::iter::from_fn(|| match chars.next()? {
        '\\' => chars.next(),
        c => Some(c),
    });
    unescaped.by_ref().eq(wanted.chars())
}

/// Whether `text` is an RFC 9110 token: one or more of `tchar`.
fn is_token(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Whether `text` is one whole quoted string: visible characters, spaces and tabs between
/// quotes, `\` escaping the next one.
fn is_quoted(text: &str) -> bool {
    let Some(inner) = text.strip_prefix('"') else {
        return false;
    };
    let mut bytes = inner.bytes();
    while let Some(b) = bytes.next() {
        match b {
            b'"' => return bytes.next().is_none(),
            b'\\' => {
                if !bytes.next().is_some_and(|e| e == b'\t' || e >= b' ') {
                    return false;
                }
            }
            b'\t' | b' '..=b'~' | 0x80.. => {}
            _ => return false,
        }
    }
    false
}

/// Optional whitespace (RFC 9110 §5.6.3): spaces and tabs.
fn is_ows(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// The pieces of `text` between `separator`s that are not inside a quoted string.
fn split_outside_quotes(text: &str, separator: u8) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let current = rest?;
        let (mut quoted, mut escaped) = (false, false);
        for (i, b) in current.bytes().enumerate() {
            match b {
                _ if escaped => escaped = false,
                b'\\' if quoted => escaped = true,
                b'"' => quoted = !quoted,
                _ if b == separator && !quoted => {
                    rest = Some(&current[i + 1..]);
                    return Some(&current[..i]);
                }
                _ => {}
            }
        }
        rest = None;
        Some(current)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn takes_the_versions_as_tokens_or_quoted_with_any_spacing_and_case_of_names() {
        for accept in [
            "application/vnd.layer+json; version=1.0",
            "application/vnd.layer+json;version=2.0",
            "Application/Vnd.Layer+JSON; VERSION=3.0",
            "application/vnd.layer+json; version=\"1.0\"",
            "application/vnd.layer+json; version=\"\\1.0\"",
            "application/vnd.layer+json \t; version=1.0 ;",
            "application/vnd.layer+json;; version=1.0",
            "application/vnd.layer+json; version=1.0; q=0.5",
            "application/vnd.layer+json; q=1; version=1.0",
            "application/vnd.layer+json; version=1.0; q=0.001",
            "application/json, application/vnd.layer+json; version=2.0",
            "text/plain; x=\"a,b\", application/vnd.layer+json; version=2.0",
            ",application/vnd.layer+json; version=1.0,",
        ] {
            assert!(accepts_layer(accept), "{accept}");
        }
    }

    #[test]
    fn refuses_other_types_versions_weights_parameters_and_broken_syntax() {
        for accept in [
            "",
            "*/*",
            "application/*",
            "application/json",
            "application/vnd.layer+json",
            "application/vnd.layer+json; version=4.0",
            "application/vnd.layer+json; version=1",
            "application/vnd.layer+json; version=\"1.0",
            "application/vnd.layer+json; version=\"1.0\"x",
            "application/vnd.layer+json; version = 1.0",
            "application/vnd.layer+json; version=1.0; version=2.0",
            "application/vnd.layer+json; version=1.0; q=0",
            "application/vnd.layer+json; version=1.0; q=0.000",
            "application/vnd.layer+json; version=1.0; q=1.5",
            "application/vnd.layer+json; version=1.0; q=0.0001",
            "application/vnd.layer+json; version=1.0; q=\"1\"",
            "application/vnd.layer+json; version=1.0; q=",
            "application/vnd.layer+json; version=1.0; charset=utf-8",
            "application/vnd.layer+json; version",
            "application/vnd.layer +json; version=1.0",
            "text/plain; x=\"a, application/vnd.layer+json; version=2.0\"",
        ] {
            assert!(!accepts_layer(accept), "{accept}");
        }
    }

    #[test]
    fn a_quoted_string_ends_at_its_unescaped_closing_quote() {
        assert!(is_quoted("\"a\\\"b\""));
        assert!(!is_quoted("\"a\\\""));
        assert!(!is_quoted("\"a\u{1}\""));
        assert!(!is_quoted("a"));
        assert_eq!(
            split_outside_quotes("a,\"b,\\\"c\",d", b',').collect::<Vec<_>>(),
            ["a", "\"b,\\\"c\"", "d"]
        );
    }
}
