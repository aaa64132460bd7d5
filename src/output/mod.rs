//! Pure renderers for people: a validation report as text, coloured or plain. They write
//! into any `io::Write` and never decide colour themselves: the caller hands in a [`Paint`].
//! Every piece of text that came from outside goes through [`escape`] first, before any
//! colour is added.

mod ci;
mod escape;
mod flow;
mod report;

use std::borrow::Cow;

use chrono::{DateTime, Utc};
use colored::{ColoredString, Colorize as _};

pub use ci::{JunitCase, github_annotations, write_junit};
pub use escape::{escape, escape_capped, inert_json, is_unsafe};
use escape::{escape_message, printable_ascii};
pub use flow::{FlowReport, TimedStep, Unestablished, flow_verdict, micros, render_step};
pub use report::{Detail, push_report, render_decoded, render_report, verdict};

use crate::checks::{Check, CheckId};

/// What the command at hand adds to the library's messages, which name no flag (`flow`,
/// `serve` and Rust callers show them too): how to supply what was missing, or allow what
/// failed, in that command's terms.
pub trait Hints {
    /// A hint for one check, shown after its message ("pass --nonce NONCE").
    fn check(&self, _check: &Check) -> Option<Cow<'_, str>> {
        None
    }
    /// How to make the checks that were not made ("pass --provider-id and --key-id").
    fn not_made(&self, _ids: &[CheckId]) -> Option<Cow<'_, str>> {
        None
    }
}

/// The clock times are shown against: `now` for "in 9m 58s" and "2h ago", and the
/// caller's local zone when it wants times shown there too (the library reads neither
/// the clock nor the environment; the binary decides from `TZ` and `--utc`).
#[derive(Debug, Clone, Copy)]
pub struct Times {
    /// The instant relative times count from.
    pub now: DateTime<Utc>,
    /// Renders an instant in the local zone (`2023-11-14 23:23:20 +01:00`), if wanted.
    pub local: Option<fn(DateTime<Utc>) -> String>,
}

impl Times {
    /// UTC only.
    pub fn utc(now: DateTime<Utc>) -> Self {
        Self { now, local: None }
    }

    /// Epoch seconds as `2023-11-14T22:23:20Z (in 5m)`, with the local time between when
    /// there is a zone: `2023-11-14T22:23:20Z, 2023-11-14 23:23:20 +01:00 local (in 5m)`.
    /// `None` for seconds no date has.
    pub fn show(&self, secs: i64) -> Option<String> {
        let mut shown = String::with_capacity(40);
        self.push(&mut shown, secs).then_some(shown)
    }

    /// Pushes [`Times::show`]'s text onto `out`; `false` (and nothing pushed) for seconds
    /// no date has. Every report shows two dates, so nothing is formatted.
    pub fn push(&self, out: &mut String, secs: i64) -> bool {
        // From 1970 to 9999 digit by digit, several times quicker than chrono; chrono for
        // the rest (and for the local time, which needs the zone).
        let plain = (0..253_402_300_800).contains(&secs);
        if plain && self.local.is_none() {
            push_rfc3339(out, secs);
        } else {
            let Some(when) = DateTime::from_timestamp(secs, 0) else {
                return false;
            };
            if plain {
                push_rfc3339(out, secs);
            } else {
                use std::fmt::Write as _;
                let _ = write!(out, "{}", when.format("%Y-%m-%dT%H:%M:%SZ"));
            }
            if let Some(local) = self.local {
                out.push_str(", ");
                out.push_str(&local(when));
                out.push_str(" local");
            }
        }
        let delta = secs.saturating_sub(self.now.timestamp());
        if delta >= 0 {
            out.push_str(" (in ");
            crate::time::push_human(out, delta);
            out.push(')');
        } else {
            out.push_str(" (");
            crate::time::push_human(out, delta);
            out.push_str(" ago)");
        }
        true
    }
}

/// `2023-11-14T22:23:20Z` for `secs` from 1970 to the end of 9999 (the caller keeps it
/// there): the civil date from the day count by Howard Hinnant's `civil_from_days`, each
/// field written into place.
pub(crate) fn push_rfc3339(out: &mut String, secs: i64) {
    let (days, time) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Days from 0000-03-01, in 400-year eras of 146,097 days (the caller's are all in era 4).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153; // 0 is March
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    let mut text = *b"0000-00-00T00:00:00Z";
    let mut put = |at: usize, width: usize, mut value: i64| {
        for slot in text[at..at + width].iter_mut().rev() {
            // Each digit is 0 to 9: the cast cannot truncate.
            *slot = b'0' + u8::try_from(value % 10).unwrap_or(0);
            value /= 10;
        }
    };
    put(0, 4, year);
    put(5, 2, month);
    put(8, 2, day);
    put(11, 2, time / 3_600);
    put(14, 2, time / 60 % 60);
    put(17, 2, time % 60);
    out.push_str(std::str::from_utf8(&text).unwrap_or("0000-00-00T00:00:00Z"));
}

/// `value` as one line of JSON, [`inert_json`]: what every command prints on stdout.
///
/// # Errors
/// serde_json's, for a value that is not JSON (a map with non-string keys).
pub fn json_line(value: &impl serde::Serialize) -> serde_json::Result<String> {
    Ok(inert_json(&serde_json::to_string(value)?).into_owned() + "\n")
}

/// As [`json_line`], indented over several lines (a JWK or JWKS for people to keep).
///
/// # Errors
/// As [`json_line`].
pub fn json_pretty(value: &impl serde::Serialize) -> serde_json::Result<String> {
    Ok(inert_json(&serde_json::to_string_pretty(value)?).into_owned() + "\n")
}

/// No hints: the library's messages alone.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoHints;

impl Hints for NoHints {}

/// Colour for one stream, decided by the caller: when off, every method returns plain text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paint {
    on: bool,
}

impl Paint {
    /// Colours when `on`; plain text otherwise. The caller must also have enabled `colored`
    /// globally (`colored::control::set_override(true)`), since it decides per process.
    pub fn new(on: bool) -> Self {
        Self { on }
    }

    /// Plain text, whatever the terminal.
    pub fn plain() -> Self {
        Self { on: false }
    }

    /// Whether this paint colours.
    pub fn is_on(self) -> bool {
        self.on
    }

    fn apply(self, text: &str, style: fn(&str) -> ColoredString) -> String {
        if self.on {
            style(text).to_string()
        } else {
            text.to_owned()
        }
    }

    /// Success.
    pub fn good(self, text: &str) -> String {
        self.apply(text, |t| t.green())
    }
    /// Failure.
    pub fn bad(self, text: &str) -> String {
        self.apply(text, |t| t.red())
    }
    /// Warnings and notes.
    pub fn warn(self, text: &str) -> String {
        self.apply(text, |t| t.yellow())
    }
    /// Less important text.
    pub fn dim(self, text: &str) -> String {
        self.apply(text, |t| t.dimmed())
    }
    /// Headings.
    pub fn bold(self, text: &str) -> String {
        self.apply(text, |t| t.bold())
    }

    /// Pushes `text` onto `out` painted with `style` (one of the methods above): a report
    /// writes dozens of pieces per token, and plain text needs no copy of its own.
    pub fn push(self, out: &mut String, style: fn(Self, &str) -> String, text: &str) {
        if self.on {
            out.push_str(&style(self, text));
        } else {
            out.push_str(text);
        }
    }

    /// Paints what was pushed onto `out` since `start` with `style`, for text built in
    /// pieces.
    pub fn tail(self, out: &mut String, start: usize, style: fn(Self, &str) -> String) {
        if self.on && start < out.len() {
            let text = out.split_off(start);
            out.push_str(&style(self, &text));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_written_as_strftime_writes_them_in_every_year() {
        let now = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        let times = Times::utc(now);
        for secs in [
            0,
            59,
            1_700_000_000,
            1_700_000_600,
            1_699_999_000,
            253_402_300_799,
            253_402_300_800,
            99_999_999_999,
            -1,
        ] {
            let when = DateTime::from_timestamp(secs, 0).unwrap();
            let shown = times.show(secs).unwrap();
            let date = when.format("%Y-%m-%dT%H:%M:%SZ").to_string();
            assert!(shown.starts_with(&format!("{date} (")), "{secs}: {shown}");
        }
        // Every year's end of February and start of March (leap days, centuries, 2000),
        // and a second in each month across the range.
        let mut checked = 0;
        let leap_days = (1970..=9999).flat_map(|year| {
            let march = chrono::NaiveDate::from_ymd_opt(year, 3, 1).unwrap();
            let secs = march.and_hms_opt(0, 0, 0).unwrap().and_utc().timestamp();
            [secs - 86_401, secs - 1, secs, secs + 86_399]
        });
        for secs in leap_days.chain((0..253_402_300_800).step_by(2_534_023)) {
            let mut shown = String::new();
            push_rfc3339(&mut shown, secs);
            let when = DateTime::from_timestamp(secs, 0).unwrap();
            assert_eq!(
                shown,
                when.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
                "{secs}"
            );
            checked += 1;
        }
        assert!(checked > 100_000, "{checked}");
        assert_eq!(
            times.show(1_700_000_600).unwrap(),
            "2023-11-14T22:23:20Z (in 10m)"
        );
        assert_eq!(
            times.show(1_699_999_000).unwrap(),
            "2023-11-14T21:56:40Z (16m 40s ago)"
        );
    }
}
