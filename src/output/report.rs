//! A validation report the way a debugger shows it: decoded header and claims (times as
//! dates), one line per check with ✓ ⚠ ✗ –, and a one-line verdict that names everything
//! that was not established.

use std::io::{self, Write};

use super::{
    Hints, Paint, Times, escape, escape_capped, escape_message, printable_ascii, push_rfc3339,
};
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
    let mut text = String::with_capacity(2560);
    push_report(report, times, detail, paint, hints, &mut text);
    out.write_all(text.as_bytes())
}

/// As [`render_report`], pushed onto `out`: a stream of tokens writes thirty lines per
/// token, none of them formatted and none copied twice.
pub fn push_report(
    report: &Report,
    times: &Times,
    detail: Detail,
    paint: Paint,
    hints: &dyn Hints,
    out: &mut String,
) {
    if detail == Detail::Full {
        section(out, paint, "header", report.header.as_ref(), times);
        section(out, paint, "claims", report.claims.as_ref(), times);
        checks(out, report, paint, hints);
    }
    push_verdict(out, report, paint, hints);
    out.push('\n');
}

/// The `checks` heading and one line per check: mark, id, message and the command's hint.
fn checks(out: &mut String, report: &Report, paint: Paint, hints: &dyn Hints) {
    paint.push(out, Paint::bold, "checks");
    out.push('\n');
    let width = report
        .checks
        .iter()
        .map(|c| c.id.as_str().len())
        .max()
        .unwrap_or(0);
    for check in &report.checks {
        match plain_prefix(check.id, check.status, width).filter(|_| !paint.is_on()) {
            Some(prefix) => out.push_str(prefix),
            None => {
                out.push_str("  ");
                push_mark(out, check.status, paint);
                out.push(' ');
                pad(out, check.id.as_str(), width);
                out.push_str("  ");
            }
        }
        push_message(out, check, paint, hints);
        out.push('\n');
    }
}

/// `  ✓ token_size   …  `, the uncoloured start of a check's line, for a report of every
/// rule (the column as wide as the longest id): made once for each id and status, so that
/// a stream of reports writes each line as one copy and its message. `None` for another
/// width (a report built by hand with fewer checks).
fn plain_prefix(id: CheckId, status: Status, width: usize) -> Option<&'static str> {
    const STATUSES: [Status; 4] = [Status::Pass, Status::Warn, Status::Fail, Status::Skip];
    static PREFIXES: std::sync::OnceLock<(usize, Vec<String>)> = std::sync::OnceLock::new();
    let (full, prefixes) = PREFIXES.get_or_init(|| {
        let full = crate::checks::check_ids()
            .map(|id| id.as_str().len())
            .max()
            .unwrap_or(0);
        let prefixes = crate::checks::check_ids()
            .flat_map(|id| STATUSES.map(|status| (id, status)))
            .map(|(id, status)| {
                let mut prefix = String::from("  ");
                push_mark(&mut prefix, status, Paint::plain());
                prefix.push(' ');
                pad(&mut prefix, id.as_str(), full);
                prefix.push_str("  ");
                prefix
            })
            .collect();
        (full, prefixes)
    });
    // The ids and statuses are listed in declaration order (a test in `checks` holds them
    // to it), so their discriminants index the table.
    (width == *full).then(|| prefixes[id as usize * STATUSES.len() + status as usize].as_str())
}

/// Pushes `text` and spaces after it up to `width` characters.
fn pad(out: &mut String, text: &str, width: usize) {
    out.push_str(text);
    let chars = if text.is_ascii() {
        text.len()
    } else {
        text.chars().count()
    };
    const SPACES: &str = "                                ";
    let mut missing = width.saturating_sub(chars);
    while missing > 0 {
        let run = missing.min(SPACES.len());
        out.push_str(&SPACES[..run]);
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
    let mut text = String::with_capacity(1024);
    section(
        &mut text,
        paint,
        &format!("header {unverified}"),
        Some(header),
        times,
    );
    section(
        &mut text,
        paint,
        &format!("claims {unverified}"),
        Some(claims),
        times,
    );
    out.write_all(text.as_bytes())?;
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
    let mut mark = String::new();
    push_mark(&mut mark, status, paint);
    mark
}

fn push_mark(out: &mut String, status: Status, paint: Paint) {
    let (style, mark): (fn(Paint, &str) -> String, _) = match status {
        Status::Pass => (Paint::good, "✓"),
        Status::Warn => (Paint::warn, "⚠"),
        Status::Fail => (Paint::bad, "✗"),
        Status::Skip => (Paint::dim, "–"),
    };
    paint.push(out, style, mark);
}

/// A check's message (escaped: it quotes the token) and the command's hint, coloured by
/// status, never by what the text says.
fn push_message(out: &mut String, check: &Check, paint: Paint, hints: &dyn Hints) {
    let start = out.len();
    out.push_str(&escape_message(check));
    if let Some(hint) = hints.check(check) {
        out.push_str(" (");
        out.push_str(&escape(&hint));
        out.push(')');
    }
    match check.status {
        Status::Pass => {}
        Status::Warn => paint.tail(out, start, Paint::warn),
        Status::Fail => paint.tail(out, start, Paint::bad),
        Status::Skip => paint.tail(out, start, Paint::dim),
    }
}

/// The widest the name column is padded to.
const NAME_COLUMN: usize = 24;
/// The most of a member name shown (`…` marks the cut; `--json` has it whole).
const MAX_NAME: usize = 64;

fn section(out: &mut String, paint: Paint, title: &str, members: Option<&Object>, times: &Times) {
    paint.push(out, Paint::bold, title);
    out.push('\n');
    let Some(members) = members else {
        out.push_str("  ");
        paint.push(out, Paint::dim, "(could not be decoded)");
        out.push('\n');
        return;
    };
    // Names are cut and the column is kept narrow, so the report stays about the size of
    // the token: one long name must not pad every other line to its length.
    let width = members
        .names()
        .map(|k| shown_name(k).1)
        .max()
        .unwrap_or(0)
        .min(NAME_COLUMN);
    // One look at the part's whole text: when it is printable ASCII, so is every value's
    // JSON in it (a name may still decode to anything, so names keep their own look).
    let inert = printable_ascii(members.json().as_bytes());
    for (name, value) in members.iter() {
        out.push_str("  ");
        pad(out, &shown_name(name).0, width);
        out.push_str("  ");
        if inert {
            out.push_str(value.json());
        } else {
            out.push_str(&escape(value.json()));
        }
        let number = |b: &u8| b.is_ascii_digit() || *b == b'-';
        if value.json().as_bytes().first().is_some_and(number)
            && matches!(name, "iat" | "exp" | "nbf")
            && let Some(secs) = value.as_i64()
        {
            // The two spaces inside the dimmed text, as the report has always written it.
            let start = out.len();
            out.push_str("  ");
            if times.push(out, secs) {
                // 13 digits: milliseconds, a pitfall an official sample fell into (SPEC §1).
                if (1_000_000_000_000..10_000_000_000_000).contains(&secs) {
                    out.push_str(", milliseconds? as seconds that is ");
                    push_rfc3339(out, secs / 1000);
                }
                paint.tail(out, start, Paint::dim);
            } else {
                out.truncate(start);
            }
        }
        out.push('\n');
    }
}

/// A member name as a section shows it, [`escape_capped`], and its width in characters:
/// borrowed as it stands when it is short printable ASCII, as nearly every name is.
fn shown_name(name: &str) -> (std::borrow::Cow<'_, str>, usize) {
    if name.len() <= MAX_NAME && name.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return (std::borrow::Cow::Borrowed(name), name.len());
    }
    let shown = escape_capped(name, MAX_NAME);
    let width = shown.chars().count();
    (shown, width)
}

/// The one-line verdict: `✓ valid: …`, `✗ invalid: …` or `– not verified: …`, naming every
/// check that warned or was not made, with the command's hint for the ones not made.
pub fn verdict(report: &Report, paint: Paint, hints: &dyn Hints) -> String {
    let mut text = String::with_capacity(256);
    push_verdict(&mut text, report, paint, hints);
    text
}

fn push_verdict(out: &mut String, report: &Report, paint: Paint, hints: &dyn Hints) {
    let start = out.len();
    let failed = report.failures().count();
    if failed > 0 {
        out.push_str("✗ invalid: ");
        push_count(out, failed, "check");
        out.push_str(" failed (");
        push_joined(out, report.failures().map(|c| c.id.as_str()));
        out.push(')');
        return paint.tail(out, start, Paint::bad);
    }
    let open = !is_established(report);
    if report.strict && open {
        out.push_str("✗ invalid (strict): ");
        push_unestablished(out, report, hints);
        return paint.tail(out, start, Paint::bad);
    }
    if !report.valid {
        out.push_str(
            "– not verified: the contents pass, but without a public key the signature was not \
             checked",
        );
        if let Some(hint) = hints.not_made(&[CheckId::Signature]) {
            out.push_str(" (");
            out.push_str(&escape(&hint));
            out.push(')');
        }
        return paint.tail(out, start, Paint::warn);
    }
    out.push_str("✓ valid");
    if open {
        out.push_str(" with ");
        push_unestablished(out, report, hints);
    }
    out.push_str(": identity token for ");
    let user = report.claims.as_ref().and_then(|c| c.get("prn"));
    out.push_str(&escape(user.map_or("null", Member::json)));
    if let Some(expiry) = report.check(CheckId::Expired) {
        out.push_str(", ");
        out.push_str(&escape_message(expiry));
    }
    if !report.signature_verified() {
        out.push_str(" (signature NOT checked, as asked: the token is not authenticated)");
    }
    paint.tail(out, start, Paint::good);
}

/// Whether nothing warned and every check was made.
fn is_established(report: &Report) -> bool {
    report.warnings().next().is_none() && report.not_checked().next().is_none()
}

/// "1 warning (…) and 2 checks not made (iss, kid — hint)".
fn push_unestablished(out: &mut String, report: &Report, hints: &dyn Hints) {
    let warned = report.warnings().count();
    if warned > 0 {
        push_count(out, warned, "warning");
        out.push_str(" (");
        push_joined(out, report.warnings().map(|c| c.id.as_str()));
        out.push(')');
    }
    let skipped: Vec<CheckId> = report.not_checked().map(|c| c.id).collect();
    if !skipped.is_empty() {
        if warned > 0 {
            out.push_str(" and ");
        }
        push_not_made(out, &skipped, hints);
    }
}

/// "2 checks not made (iss, kid — pass …)".
pub(super) fn not_made(ids: &[CheckId], hints: &dyn Hints) -> String {
    let mut text = String::new();
    push_not_made(&mut text, ids, hints);
    text
}

fn push_not_made(out: &mut String, ids: &[CheckId], hints: &dyn Hints) {
    let subjects = || {
        let mut last = None;
        ids.iter().map(|id| id.subject()).filter(move |subject| {
            let new = last != Some(*subject);
            last = Some(*subject);
            new
        })
    };
    push_count(out, subjects().count(), "check");
    out.push_str(" not made (");
    push_joined(out, subjects());
    if let Some(hint) = hints.not_made(ids) {
        out.push_str(" — ");
        out.push_str(&escape(&hint));
    }
    out.push(')');
}

/// Pushes the items with ", " between them.
fn push_joined<'a>(out: &mut String, items: impl Iterator<Item = &'a str>) {
    for (i, item) in items.enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(item);
    }
}

/// Pushes "1 check" or "2 checks".
fn push_count(out: &mut String, n: usize, what: &str) {
    out.push_str(itoa::Buffer::new().format(n));
    out.push(' ');
    out.push_str(what);
    if n != 1 {
        out.push('s');
    }
}

/// "1 check", "2 checks".
pub(super) fn count(n: usize, what: &str) -> String {
    let mut text = String::new();
    push_count(&mut text, n, what);
    text
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
    fn a_check_line_starts_the_same_from_the_table_as_built_piece_by_piece() {
        let width = crate::checks::check_ids()
            .map(|id| id.as_str().len())
            .max()
            .unwrap();
        for id in crate::checks::check_ids() {
            for status in [Status::Pass, Status::Warn, Status::Fail, Status::Skip] {
                let mut built = String::from("  ");
                push_mark(&mut built, status, Paint::plain());
                built.push(' ');
                pad(&mut built, id.as_str(), width);
                built.push_str("  ");
                assert_eq!(plain_prefix(id, status, width), Some(built.as_str()));
                assert_eq!(plain_prefix(id, status, width + 1), None);
            }
        }
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
            fn not_made(&self, ids: &[CheckId]) -> Option<std::borrow::Cow<'_, str>> {
                Some(format!("pass {} flags", ids.len()).into())
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
