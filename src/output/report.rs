//! A validation report the way a debugger shows it: decoded header and claims (times as
//! dates), one line per check with ✓ ✗ –, and a one-line verdict.

use std::io::{self, Write};

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use super::{Paint, escape};
use crate::checks::{CheckId, Report, Status};
use crate::time::human;

/// Writes `report` for people. `now` turns `iat`/`exp` into "in 9m 58s" / "2h ago".
///
/// # Errors
/// Whatever `out` returns.
pub fn render_report(
    report: &Report,
    now: DateTime<Utc>,
    paint: Paint,
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
        let mark = match check.status {
            Status::Pass => paint.good("✓"),
            Status::Fail => paint.bad("✗"),
            Status::Skip => paint.dim("–"),
        };
        // Messages quote the token's own text: escaped before any colour is added.
        let text = escape(&check.message);
        let message = match check.status {
            Status::Fail => paint.bad(&text),
            Status::Skip => paint.dim(&text),
            Status::Pass if text.contains("note:") || text.contains("weak") => paint.warn(&text),
            Status::Pass => text.into_owned(),
        };
        writeln!(out, "  {mark} {:<width$}  {message}", check.id.as_str())?;
    }
    writeln!(out, "{}", verdict(report, paint))
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

/// The one-line verdict: `valid: …`, `invalid: …` or `not verified: …`.
pub fn verdict(report: &Report, paint: Paint) -> String {
    let failed: Vec<&str> = report.failures().map(|c| c.id.as_str()).collect();
    if !failed.is_empty() {
        let count = if failed.len() == 1 {
            "1 check".to_owned()
        } else {
            format!("{} checks", failed.len())
        };
        return paint.bad(&format!(
            "✗ invalid: {count} failed ({})",
            failed.join(", ")
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
    if report.valid {
        let unverified = report
            .check(CheckId::Signature)
            .filter(|c| c.status != Status::Pass)
            .map_or("", |_| " (signature NOT checked: --skip-signature)");
        paint.good(&format!(
            "✓ valid: identity token for {user}{expiry}{unverified}"
        ))
    } else {
        paint.warn(
            "– not verified: the contents pass, but without a public key the signature was not \
             checked (pass --public-key FILE, or --skip-signature to accept contents only)",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::tests::{NOW, key, report};
    use crate::token::sign;

    fn render(report: &Report) -> String {
        let mut out = Vec::new();
        let now = DateTime::from_timestamp(NOW, 0).unwrap();
        render_report(report, now, Paint::plain(), &mut out).unwrap();
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
            text.ends_with("✓ valid: identity token for \"alice\", expires in 5m\n"),
            "{text}"
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
