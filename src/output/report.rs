//! A validation report the way a debugger shows it: decoded header and claims (times as
//! dates), one line per check with ✓ ⚠ ✗ –, and a one-line verdict that names everything
//! that was not established.

use std::io::{self, Write};

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use super::{Hints, Paint, escape};
use crate::checks::{Check, CheckId, Report, Status};
use crate::time::human;

/// Writes `report` for people. `now` turns `iat`/`exp` into "in 9m 58s" / "2h ago"; `hints`
/// adds the command's own words (a flag to pass) to the library's messages.
///
/// # Errors
/// Whatever `out` returns.
pub fn render_report(
    report: &Report,
    now: DateTime<Utc>,
    paint: Paint,
    hints: &dyn Hints,
    out: &mut dyn Write,
) -> io::Result<()> {
    section(out, paint, "header", report.header.as_ref(), now)?;
    section(out, paint, "claims", report.claims.as_ref(), now)?;
    writeln!(out, "{}", paint.bold("checks"))?;
    let width = report
        .checks
        .iter()
        .map(|c| c.id.as_str().len())
        .max()
        .unwrap_or(0);
    for check in &report.checks {
        writeln!(
            out,
            "  {} {:<width$}  {}",
            mark(check.status, paint),
            check.id.as_str(),
            message(check, paint, hints)
        )?;
    }
    writeln!(out, "{}", verdict(report, paint, hints))
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

fn section(
    out: &mut dyn Write,
    paint: Paint,
    title: &str,
    members: Option<&Map<String, Value>>,
    now: DateTime<Utc>,
) -> io::Result<()> {
    writeln!(out, "{}", paint.bold(title))?;
    let Some(members) = members else {
        return writeln!(out, "  {}", paint.dim("(could not be decoded)"));
    };
    let width = members
        .keys()
        .map(|k| escape(k).chars().count())
        .max()
        .unwrap_or(0);
    for (name, value) in members {
        let shown = value.to_string();
        let mut line = format!("  {:<width$}  {}", escape(name), escape(&shown));
        if matches!(name.as_str(), "iat" | "exp")
            && let Some(secs) = value.as_i64()
            && let Some(when) = DateTime::from_timestamp(secs, 0)
        {
            let delta = secs - now.timestamp();
            let relative = if delta >= 0 {
                format!("in {}", human(delta))
            } else {
                format!("{} ago", human(delta))
            };
            let date = when.format("%Y-%m-%dT%H:%M:%SZ");
            line.push_str(&paint.dim(&format!("  {date} ({relative})")));
        }
        writeln!(out, "{line}")?;
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
        .map_or(Value::Null, Clone::clone)
        .to_string();
    let user = escape(&user);
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
    use crate::checks::tests::{NOW, key, report};
    use crate::output::NoHints;
    use crate::token::sign;

    fn render(report: &Report) -> String {
        let mut out = Vec::new();
        let now = DateTime::from_timestamp(NOW, 0).unwrap();
        render_report(report, now, Paint::plain(), &NoHints, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn shows_decoded_parts_dates_each_check_and_the_verdict() {
        let token = sign(&crate::checks::tests::request(), key()).unwrap();
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
        let mut r = crate::checks::tests::request();
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
