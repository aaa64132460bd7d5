//! PEM armour as users actually paste it: CRLF, `\n`-escaped newlines from CI secrets,
//! newlines lost altogether, 76-column lines. Decodes to a label and DER; encodes PEM.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use zeroize::Zeroizing;

use super::KeyError;

/// One PEM block: its label (`RSA PRIVATE KEY`, `PUBLIC KEY`, …) and its DER body.
pub(crate) struct Block {
    pub label: String,
    pub der: Zeroizing<Vec<u8>>,
}

const BEGIN: &str = "-----BEGIN ";
const DASHES: &str = "-----";

/// Finds the PEM block in `text`; `Ok(None)` when there is none at all, and an error when
/// another one follows it (reading only the first would quietly drop the others).
pub(crate) fn decode(text: &str) -> Result<Option<Block>, KeyError> {
    // A CI secret often holds the PEM with its newlines written as the two characters `\n`.
    let text: Zeroizing<String> = Zeroizing::new(text.replace("\\r\\n", "\n").replace("\\n", "\n"));
    let Some(start) = text.find(BEGIN) else {
        return Ok(None);
    };
    let after_begin = &text[start + BEGIN.len()..];
    let label_end = after_begin
        .find(DASHES)
        .ok_or(KeyError::BadPem("BEGIN line not closed"))?;
    let label = after_begin[..label_end].trim().to_owned();
    let body_and_rest = &after_begin[label_end + DASHES.len()..];
    let end_marker = format!("-----END {label}-----");
    let body_end = body_and_rest
        .find(&end_marker)
        .ok_or(KeyError::BadPem("no matching END line"))?;
    let body = &body_and_rest[..body_end];
    if body_and_rest[body_end + end_marker.len()..].contains(BEGIN) {
        return Err(KeyError::SeveralPemBlocks);
    }
    if body.contains("Proc-Type:") || body.contains("DEK-Info:") {
        return Err(KeyError::LegacyEncrypted);
    }
    let base64: Zeroizing<String> = Zeroizing::new(
        body.lines()
            .filter(|line| !line.contains(':'))
            .flat_map(str::chars)
            .filter(|c| !c.is_whitespace())
            .collect(),
    );
    let der = STANDARD
        .decode(base64.as_bytes())
        .map_err(|_| KeyError::BadPem("the body is not base64"))?;
    Ok(Some(Block {
        label,
        der: Zeroizing::new(der),
    }))
}

/// PEM armour with 64-column lines and a final newline.
pub(crate) fn encode(label: &str, der: &[u8]) -> Zeroizing<String> {
    let body = Zeroizing::new(STANDARD.encode(der));
    let mut out = Zeroizing::new(String::with_capacity(body.len() + body.len() / 64 + 64));
    out.push_str(&format!("-----BEGIN {label}-----\n"));
    for line in body.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(line));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> String {
        encode(
            "RSA PRIVATE KEY",
            b"0123456789 some der bytes that span a few base64 columns ......",
        )
        .to_string()
    }

    #[test]
    fn round_trips_label_and_body() {
        let block = decode(&sample()).unwrap().unwrap();
        assert_eq!(block.label, "RSA PRIVATE KEY");
        assert!(block.der.starts_with(b"0123456789"));
    }

    #[test]
    fn tolerates_escaped_newlines_crlf_and_lost_newlines() {
        let original = decode(&sample()).unwrap().unwrap().der;
        for variant in [
            sample().replace('\n', "\\n"),
            sample().replace('\n', "\r\n"),
            sample().replace('\n', " "),
            sample().replace('\n', ""),
        ] {
            let block = decode(&variant).unwrap().unwrap();
            assert_eq!(block.der, original, "{variant}");
        }
    }

    #[test]
    fn a_second_block_refuses_the_text_whole_or_broken() {
        let two = format!("{}{}", sample(), sample());
        assert!(matches!(decode(&two), Err(KeyError::SeveralPemBlocks)));
        let broken = format!("{}-----BEGIN PUBLIC KEY-----\nAAAA", sample());
        assert!(matches!(decode(&broken), Err(KeyError::SeveralPemBlocks)));
        let words = format!("Bag Attributes\n{}trailing words\n", sample());
        assert!(matches!(decode(&words), Ok(Some(_))));
    }

    #[test]
    fn names_encrypted_and_broken_blocks() {
        let encrypted = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES\n\nAAAA\n-----END RSA PRIVATE KEY-----\n";
        assert!(matches!(decode(encrypted), Err(KeyError::LegacyEncrypted)));
        assert!(matches!(
            decode("-----BEGIN PUBLIC KEY-----\nAAAA\n"),
            Err(KeyError::BadPem(_))
        ));
        assert!(matches!(
            decode("-----BEGIN PUBLIC KEY-----\n!!!!\n-----END PUBLIC KEY-----"),
            Err(KeyError::BadPem(_))
        ));
        assert!(decode("no pem here").unwrap().is_none());
    }
}
