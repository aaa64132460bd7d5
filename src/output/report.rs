//! A validation report the way a debugger shows it: decoded header and claims (times as
//! dates), one line per check with ✓ ⚠ ✗ –, and a one-line verdict that names everything
//! that was not established.

use std::io::{self, Write};

use super::{Hints, Paint, Times, escape, escape_capped};
use crate::checks::{Check, CheckId, Report, Status};
use crate::token::{Member, Object};

/// How much of a report to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// Header, claims, every check and the verdict.
    Full,
    /// The verdict line alone (`--quiet`).
    Verdict,
}

/// Writes `report` for people. `times` turns `iat`/`exp` into dates and "in 9m 58s" /
/// "2h ago"; `hints` adds the command's own words (a flag to pass) to the library's messages.
///
/// # Errors
/// Whatever `out` returns.
pub fn render_report(
    report: &Report,
    times: &Times,
    detail: Detail,
    paint: Paint,
    hints: &dyn Hints,
    out: &mut dyn Write,
) -> io::Result<()> {
    if detail == Detail::Verdict {
        return writeln!(out, "{}", verdict(report, paint, hints));
    }
    section(out, paint, "header", report.header.as_ref(), times)?;
    section(out, paint, "claims", report.claims.as_ref(), times)?;
    writeln!(out, "{}", paint.bold("checks"))?;
    let width = report
        .checks
        .iter()
        .map(|c| c.id.as_str().len())
        .max()
        .unwrap_or(0);
    // Lines are pushed, not formatted: a stream of tokens writes twenty per token.
    let mut line = String::with_capacity(256);
    for check in &report.checks {
        line.clear();
        line.push_str("  ");
        line.push_str(&mark(check.status, paint));
        line.push(' ');
        pad(&mut line, check.id.as_str(), width);
        line.push_str("  ");
        line.push_str(&message(check, paint, hints));
        line.push('\n');
        out.write_all(line.as_bytes())?;
    }
    writeln!(out, "{}", verdict(report, paint, hints))
}

/// Pushes `text` and spaces after it up to `width` characters.
fn pad(line: &mut String, text: &str, width: usize) {
    line.push_str(text);
    let chars = if text.is_ascii() {
        text.len()
    } else {
        text.chars().count()
    };
    const SPACES: &str = "                                ";
    let mut missing = width.saturating_sub(chars);
    while missing > 0 {
        let run = missing.min(SPACES.len());
        line.push_str(&SPACES[..run]);
        missing -= run;
    }
}

/// A token decoded and nothing more (`inspect`): header and claims (dates shown) and the
/// signature's length, each marked as not verified, then a line that says so.
///
/// # Errors
/// Whatever `out` returns.
pub fn render_decoded(
    header: &Object,
    claims: &Object,
    signature_bytes: usize,
    times: &Times,
    paint: Paint,
    out: &mut dyn Write,
) -> io::Result<()> {
    let unverified = paint.dim("(not verified)");
    section(
        out,
        paint,
        &format!("header {unverified}"),
        Some(header),
        times,
    )?;
    section(
        out,
        paint,
        &format!("claims {unverified}"),
        Some(claims),
        times,
    )?;
    let alg = header.get("alg").map(Member::json);
    let alg = alg.map_or(String::new(), |alg| format!(", alg {}", escape(alg)));
    writeln!(
        out,
        "{}  {signature_bytes} bytes{alg} {unverified}",
        paint.bold("signature")
    )?;
    writeln!(
        out,
        "{}",
        paint.warn(
            "– decoded only: nothing was verified (not the signature, not a single claim); \
             `layer-auth validate` checks a Layer token"
        )
    )
}

/// ✓ ⚠ ✗ –, coloured by status.
pub(super) fn mark(status: Status, paint: Paint) -> String {
    match status {
        Status::Pass => paint.good("✓"),
        Status::Warn => paint.warn("⚠"),
        Status::Fail => paint.bad("✗"),
        Status::Skip => paint.dim("–"),
    }
}

/// A check's message (escaped: it quotes the token) and the command's hint, coloured by
/// status, never by what the text says.
fn message(check: &Check, paint: Paint, hints: &dyn Hints) -> String {
    let mut text = escape(&check.message).into_owned();
    if let Some(hint) = hints.check(check) {
        text.push_str(" (");
        text.push_str(&escape(&hint));
        text.push(')');
    }
    match check.status {
        Status::Pass => text,
        Status::Warn => paint.warn(&text),
        Status::Fail => paint.bad(&text),
        Status::Skip => paint.dim(&text),
    }
}

/// The widest the name column is padded to.
const NAME_COLUMN: usize = 24;
/// The most of a member name shown (`…` marks the cut; `--json` has it whole).
const MAX_NAME: usize = 64;

fn section(
    out: &mut dyn Write,
    paint: Paint,
    title: &str,
    members: Option<&Object>,
    times: &Times,
) -> io::Result<()> {
    writeln!(out, "{}", paint.bold(title))?;
    let Some(members) = members else {
        return writeln!(out, "  {}", paint.dim("(could not be decoded)"));
    };
    // Names are cut and the column is kept narrow, so the report stays about the size of
    // the token: one long name must not pad every other line to its length.
    let names: Vec<String> = members
        .names()
        .map(|k| escape_capped(k, MAX_NAME))
        .collect();
    let width = names
        .iter()
        .map(|n| n.chars().count())
        .max()
        .unwrap_or(0)
        .min(NAME_COLUMN);
    let mut line = String::with_capacity(128);
    for ((name, value), shown_name) in members.iter().zip(&names) {
        line.clear();
        line.push_str("  ");
        pad(&mut line, shown_name, width);
        line.push_str("  ");
        line.push_str(&escape(value.json()));
        if matches!(name, "iat" | "exp" | "nbf")
            && let Some(shown) = value.as_i64().and_then(|secs| times.show(secs))
        {
            // The two spaces inside the dimmed text, as the report has always written it.
            line.push_str(&paint.dim(&format!("  {shown}")));
        }
        line.push('\n');
        out.write_all(line.as_bytes())?;
    }
    Ok(())
}

/// The one-line verdict: `✓ valid: …`, `✗ invalid: …` or `– not verified: …`, naming every
/// check that warned or was not made, with the command's hint for the ones not made.
pub fn verdict(report: &Report, paint: Paint, hints: &dyn Hints) -> String {
    let failed: Vec<&str> = report.failures().map(|c| c.id.as_str()).collect();
    if !failed.is_empty() {
        return paint.bad(&format!(
            "✗ invalid: {} failed ({})",
            count(failed.len(), "check"),
            failed.join(", ")
        ));
    }
    let open = unestablished(report, hints);
    if report.strict && !open.is_empty() {
        return paint.bad(&format!("✗ invalid (strict): {open}"));
    }
    let qualifier = if open.is_empty() {
        String::new()
    } else {
        format!(" with {open}")
    };
    if !report.valid {
        let hint = hints
            .not_made(&[CheckId::Signature])
            .map_or(String::new(), |h| format!(" ({})", escape(&h)));
        return paint.warn(&format!(
            "– not verified: the contents pass, but without a public key the signature was not \
             checked{hint}"
        ));
    }
    let user = report
        .claims
        .as_ref()
        .and_then(|c| c.get("prn"))
        .map_or("null", Member::json);
    let user = escape(user);
    let expiry = report
        .check(CheckId::Expired)
        .map_or(String::new(), |c| format!(", {}", escape(&c.message)));
    let unverified = if report.signature_verified() {
        ""
    } else {
        " (signature NOT checked, as asked: the token is not authenticated)"
    };
    paint.good(&format!(
        "✓ valid{qualifier}: identity token for {user}{expiry}{unverified}"
    ))
}

/// "1 warning (…) and 2 checks not made (iss, kid — hint)", or empty when everything was
/// established.
pub(super) fn unestablished(report: &Report, hints: &dyn Hints) -> String {
    let warned: Vec<&str> = report.warnings().map(|c| c.id.as_str()).collect();
    let skipped: Vec<CheckId> = report.not_checked().map(|c| c.id).collect();
    let mut parts = Vec::new();
    if !warned.is_empty() {
        parts.push(format!(
            "{} ({})",
            count(warned.len(), "warning"),
            warned.join(", ")
        ));
    }
    if !skipped.is_empty() {
        parts.push(not_made(&skipped, hints));
    }
    parts.join(" and ")
}

/// "2 checks not made (iss, kid — pass …)".
pub(super) fn not_made(ids: &[CheckId], hints: &dyn Hints) -> String {
    let mut names: Vec<&str> = ids.iter().map(|id| id.subject()).collect();
    names.dedup();
    let hint = hints
        .not_made(ids)
        .map_or(String::new(), |h| format!(" — {}", escape(&h)));
    format!(
        "{} not made ({}{hint})",
        count(names.len(), "check"),
        names.join(", ")
    )
}

/// "1 check", "2 checks".
pub(super) fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::NoHints;
    use crate::test_support::{NOW, key, report};
    use crate::token::sign;

    fn render_with(report: &Report, times: &Times, detail: Detail) -> String {
        let mut out = Vec::new();
        render_report(report, times, detail, Paint::plain(), &NoHints, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn render(report: &Report) -> String {
        let now = chrono::DateTime::from_timestamp(NOW, 0).unwrap();
        render_with(report, &Times::utc(now), Detail::Full)
    }

    #[test]
    fn one_long_member_name_does_not_pad_every_line_to_its_length() {
        let mut header = serde_json::Map::new();
        header.insert("n".repeat(20_000), 1.into());
        for i in 0..2_000 {
            header.insert(format!("m{i}"), 1.into());
        }
        let header = serde_json::Value::Object(header).to_string();
        let token = crate::test_support::raw_token(&header, "{}");
        let text = render(&report(&token));
        assert!(
            text.len() < 4 * token.len(),
            "{} bytes shown for a {}-byte token",
            text.len(),
            token.len()
        );
        assert!(
            text.contains(&format!("  {}…  1\n", "n".repeat(63))),
            "the long name is cut"
        );
    }

    #[test]
    fn shows_local_times_when_asked_and_only_the_verdict_when_quiet() {
        let token = sign(&crate::test_support::request(), key()).unwrap();
        let report = report(&token);
        let times = Times {
            now: chrono::DateTime::from_timestamp(NOW, 0).unwrap(),
            local: Some(|when| when.format("%H:%M +00:00").to_string()),
        };
        let text = render_with(&report, &times, Detail::Full);
        assert!(
            text.contains("  exp  1700000600  2023-11-14T22:23:20Z, 22:23 +00:00 local (in 5m)\n"),
            "{text}"
        );
        let quiet = render_with(&report, &times, Detail::Verdict);
        assert_eq!(quiet.lines().count(), 1, "{quiet}");
        assert!(quiet.starts_with("✓ valid"), "{quiet}");
    }

    #[test]
    fn shows_decoded_parts_dates_each_check_and_the_verdict() {
        let token = sign(&crate::test_support::request(), key()).unwrap();
        let text = render(&report(&token));
        assert!(
            text.starts_with("header\n  typ  \"JWS\"\n  alg  \"RS256\"\n"),
            "{text}"
        );
        assert!(
            text.contains("  exp  1700000600  2023-11-14T22:23:20Z (in 5m)\n"),
            "{text}"
        );
        assert!(text.contains("  ✓ eit_expired "), "{text}");
        assert!(text.contains("  – eit_nonce_not_found "), "{text}");
        assert!(
            text.ends_with(
                "✓ valid with 4 checks not made (nce, prn, iss, kid): identity token for \"alice\", expires in 5m\n"
            ),
            "{text}"
        );
    }

    #[test]
    fn the_verdict_names_warnings_and_unmade_checks_with_the_commands_hint_and_fails_them_when_strict()
     {
        struct Flags;
        impl Hints for Flags {
            fn not_made(&self, ids: &[CheckId]) -> Option<String> {
                Some(format!("pass {} flags", ids.len()))
            }
        }
        let mut r = crate::test_support::request();
        r.key_id = "11111111-2222-3333-4444-555555555555".into();
        let token = sign(&r, key()).unwrap();
        let mut report = report(&token);
        assert_eq!(
            verdict(&report, Paint::plain(), &Flags),
            "✓ valid with 1 warning (eit_header_param_wrong_value) and 4 checks not made (nce, prn, iss, kid — pass 4 flags): identity token for \"alice\", expires in 5m"
        );
        report.strict = true;
        report.valid = false;
        assert!(
            verdict(&report, Paint::plain(), &Flags).starts_with("✗ invalid (strict): 1 warning"),
        );
        let lines = render(&report);
        assert!(
            lines.contains("  ⚠ eit_header_param_wrong_value "),
            "{lines}"
        );
        assert!(
            lines.contains("but kid is a bare UUID, the pre-2015 form"),
            "{lines}"
        );
    }

    #[test]
    fn invalid_verdict_lists_failed_ids() {
        let text = render(&report("a.b"));
        assert!(
            text.contains("claims\n  (could not be decoded)\n"),
            "{text}"
        );
        assert!(
            text.ends_with("✗ invalid: 1 check failed (eit_wrong_jws_part_count)\n"),
            "{text}"
        );
    }
}
