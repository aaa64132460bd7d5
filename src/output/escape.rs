//! The one gate between untrusted text and a terminal. Anything that came from a token, a key
//! file, a backend, an HTTP client or the command line passes through [`escape`] before it
//! is written for people, so no input can move the cursor, clear a line, reorder what is
//! shown (bidi controls) or hide text (invisible format characters), and so no input can
//! forge a verdict. JSON output stays exact: [`inert_json`] writes the same characters as
//! `\uXXXX` escapes, which every JSON parser reads back as the same value.

use std::borrow::Cow;
use std::fmt::Write as _;

use crate::checks::Check;

/// Whether `c` must not reach a terminal as itself: C0 and C1 controls, DEL, bidi embeddings,
/// overrides, marks and isolates, line and paragraph separators, the other invisible
/// format characters (Unicode category Cf, plus the Hangul fillers that render as nothing),
/// and U+FFFE and U+FFFF.
pub fn is_unsafe(c: char) -> bool {
    matches!(
        c,
        '\u{0}'..='\u{1f}'
            | '\u{7f}'..='\u{9f}'
            | '\u{ad}'
            | '\u{600}'..='\u{605}'
            | '\u{61c}'
            | '\u{6dd}'
            | '\u{70f}'
            | '\u{890}'..='\u{891}'
            | '\u{8e2}'
            | '\u{115f}'..='\u{1160}'
            | '\u{17b4}'..='\u{17b5}'
            | '\u{180e}'
            | '\u{200b}'..='\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2060}'..='\u{206f}'
            | '\u{3164}'
            | '\u{feff}'
            | '\u{ffa0}'
            | '\u{fff9}'..='\u{fffb}'
            // Noncharacters, which XML 1.0 forbids outright (a JUnit file with one is refused).
            | '\u{fffe}'..='\u{ffff}'
            | '\u{110bd}'
            | '\u{110cd}'
            | '\u{13430}'..='\u{1343f}'
            | '\u{1bca0}'..='\u{1bca3}'
            | '\u{1d173}'..='\u{1d17a}'
            | '\u{e0001}'
            | '\u{e0020}'..='\u{e007f}'
    )
}

/// `text` with every [`is_unsafe`] character written as `\u{…}` (lowercase hex), so it is
/// visible and inert. Borrowed when there is nothing to escape (the common case).
///
/// ```
/// use layer_auth::output::escape;
/// assert_eq!(escape("alice"), "alice");
/// assert_eq!(escape("\u{1b}[2J\r✓ valid"), "\\u{1b}[2J\\u{d}✓ valid");
/// assert_eq!(escape("evil\u{202e}gnp.exe"), "evil\\u{202e}gnp.exe");
/// ```
pub fn escape(text: &str) -> Cow<'_, str> {
    // Printable ASCII, the common case, is settled eight bytes at a time.
    if printable_ascii(text.as_bytes()) || !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_unsafe(c) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A check's message as people see it: a fixed text of ours (borrowed `'static`: nothing
/// read from a token, key file or server lives that long, and nothing here leaks a string)
/// as it stands, anything else [`escape`]d. A report shows twenty messages per token, nearly
/// all fixed; debug builds (every test) still hold each fixed text to [`escape`].
pub(crate) fn escape_message(check: &Check) -> Cow<'_, str> {
    match &check.message {
        Cow::Borrowed(fixed) => {
            debug_assert!(!fixed.chars().any(is_unsafe), "{fixed:?}");
            Cow::Borrowed(fixed)
        }
        Cow::Owned(found) => escape(found),
    }
}

/// Whether every byte is printable ASCII (0x20 to 0x7e), eight at a time in a `u64`. It may
/// say no for some printable text (then the caller looks closer), never yes for other text.
pub(crate) fn printable_ascii(bytes: &[u8]) -> bool {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    // The high bit of a byte under 0x20, of 0x7f (which + 1 sets it), or of 0x80 up.
    let flagged = |chunk: &[u8]| {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_ne_bytes(word);
        (x.wrapping_sub(ONES * 0x20) & !x) | x | x.wrapping_add(ONES)
    };
    // Two words to a test: half the branches of one.
    let mut pairs = bytes.chunks_exact(16);
    for pair in &mut pairs {
        if (flagged(&pair[..8]) | flagged(&pair[8..])) & HIGHS != 0 {
            return false;
        }
    }
    let mut words = pairs.remainder().chunks_exact(8);
    words.by_ref().all(|word| flagged(word) & HIGHS == 0)
        && words.remainder().iter().all(|b| (0x20..0x7f).contains(b))
}

/// JSON text with every [`is_unsafe`] character other than a line end written as a `\uXXXX`
/// escape (a surrogate pair past U+FFFF): the same JSON value for any parser, but inert on a
/// terminal. serde_json escapes C0 controls inside strings itself; outside strings JSON has
/// only ASCII, so what this escapes is always inside a string.
///
/// ```
/// use layer_auth::output::inert_json;
/// let json = serde_json::json!({ "kid": "a\u{202e}b\u{9b}c" }).to_string();
/// assert_eq!(inert_json(&json), r#"{"kid":"a\u202eb\u009bc"}"#);
/// let back: serde_json::Value = serde_json::from_str(&inert_json(&json)).unwrap();
/// assert_eq!(back["kid"], "a\u{202e}b\u{9b}c");
/// ```
pub fn inert_json(json: &str) -> Cow<'_, str> {
    if json.is_ascii() || !json.chars().any(|c| c != '\n' && is_unsafe(c)) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if c != '\n' && is_unsafe(c) {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                let _ = write!(out, "\\u{unit:04x}");
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// [`escape`]d and cut to at most `max` characters (`…` marks the cut), for names that a
/// hostile file could make arbitrarily long: a JWKS `kid`, a PEM label.
///
/// ```
/// use layer_auth::output::escape_capped;
/// assert_eq!(escape_capped("abcdef", 4), "abc…");
/// assert_eq!(escape_capped("ab", 4), "ab");
/// ```
pub fn escape_capped(text: &str, max: usize) -> Cow<'_, str> {
    let escaped = escape(text);
    let short = if escaped.is_ascii() {
        escaped.len() <= max
    } else {
        escaped.chars().count() <= max
    };
    if short {
        return escaped;
    }
    let mut cut: String = escaped.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    Cow::Owned(cut)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_is_escaped_unless_it_is_one_of_our_fixed_texts() {
        use crate::checks::CheckId;
        let fixed = Check::pass(CheckId::Base64url, "all three parts are unpadded base64url");
        assert!(matches!(escape_message(&fixed), Cow::Borrowed(_)));
        assert_eq!(escape_message(&fixed), fixed.message);
        // What quotes a token is owned, and shown inert.
        let quoting = Check::fail(CheckId::User, format!("prn is {}", "\u{1b}[2J\u{202e}x"));
        assert_eq!(escape_message(&quoting), r"prn is \u{1b}[2J\u{202e}x");
    }

    #[test]
    fn every_control_bidi_and_invisible_class_is_made_visible() {
        for c in [
            '\u{0}',
            '\u{7}',
            '\u{8}',
            '\t',
            '\n',
            '\r',
            '\u{1b}',
            '\u{7f}',
            '\u{85}',
            '\u{9b}',
            '\u{ad}',
            '\u{61c}',
            '\u{200b}',
            '\u{200e}',
            '\u{200f}',
            '\u{2028}',
            '\u{2029}',
            '\u{202a}',
            '\u{202b}',
            '\u{202c}',
            '\u{202d}',
            '\u{202e}',
            '\u{2066}',
            '\u{2067}',
            '\u{2068}',
            '\u{2069}',
            '\u{2060}',
            '\u{feff}',
            '\u{fffe}',
            '\u{ffff}',
            '\u{e0041}',
        ] {
            let text = format!("a{c}b");
            let shown = escape(&text);
            assert!(!shown.chars().any(is_unsafe), "{c:?} → {shown}");
            assert_eq!(shown, format!("a\\u{{{:x}}}b", u32::from(c)));
        }
    }

    #[test]
    fn ordinary_text_is_untouched_and_borrowed() {
        for text in [
            "alice",
            "Ålice Liddell",
            "日本語",
            "emoji ❤️ 👍🏽",
            "a\\u{1b}b",
            "",
        ] {
            assert!(
                matches!(escape(text), Cow::Borrowed(t) if t == text),
                "{text}"
            );
        }
    }

    #[test]
    fn printable_ascii_never_passes_a_byte_outside_it() {
        // Every place of every length up to three blocks: pairs of words, a lone word, bytes.
        for b in 0..=255u8 {
            for len in 1..=48 {
                for at in 0..len {
                    let mut text = vec![b'a'; len];
                    text[at] = b;
                    let printable = (0x20..0x7f).contains(&b);
                    assert_eq!(
                        printable_ascii(&text),
                        printable,
                        "byte {b:#x} at {at} of {len}"
                    );
                }
            }
        }
        assert!(printable_ascii(
            b"typ, alg, cty and kid are present: ~ {} [] ! 0-9"
        ));
    }

    #[test]
    fn capping_counts_characters_after_escaping() {
        assert_eq!(escape_capped("\u{1b}abc", 6), "\\u{1b…");
        assert_eq!(escape_capped(&"k".repeat(500), 10).chars().count(), 10);
    }
}
