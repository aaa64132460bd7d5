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
use escape::printable_ascii;
pub use escape::{escape, escape_capped, inert_json, is_unsafe};
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
        let Some(when) = DateTime::from_timestamp(secs, 0) else {
            return false;
        };
        // From 1970 to 9999 digit by digit, several times quicker than strftime; strftime
        // for the rest.
        if (0..253_402_300_800).contains(&secs) {
            push_rfc3339(out, &when);
        } else {
            use std::fmt::Write as _;
            let _ = write!(out, "{}", when.format("%Y-%m-%dT%H:%M:%SZ"));
        }
        if let Some(local) = self.local {
            out.push_str(", ");
            out.push_str(&local(when));
            out.push_str(" local");
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

/// `2023-11-14T22:23:20Z` for an instant in years 0 to 9999 (the caller's are 1970 on).
fn push_rfc3339(out: &mut String, when: &DateTime<Utc>) {
    use chrono::{Datelike as _, Timelike as _};
    let digits = |out: &mut String, value: u32, width: usize| {
        let mut buffer = itoa::Buffer::new();
        let text = buffer.format(value);
        for _ in text.len()..width {
            out.push('0');
        }
        out.push_str(text);
    };
    // The caller keeps the year within 0..=9999.
    digits(out, u32::try_from(when.year()).unwrap_or(0), 4);
    for (separator, value) in [
        ('-', when.month()),
        ('-', when.day()),
        ('T', when.hour()),
        (':', when.minute()),
        (':', when.second()),
    ] {
        out.push(separator);
        digits(out, value, 2);
    }
    out.push('Z');
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
