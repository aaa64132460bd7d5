//! Pure renderers for people: a validation report as text, coloured or plain. They write
//! into any `io::Write` and never decide colour themselves: the caller hands in a [`Paint`].
//! Every piece of text that came from outside goes through [`escape`] first, before any
//! colour is added.

mod ci;
mod escape;
mod flow;
mod report;

use chrono::{DateTime, Utc};
use colored::{ColoredString, Colorize as _};

pub use ci::{JunitCase, github_annotations, write_junit};
pub use escape::{escape, escape_capped, inert_json, is_unsafe};
pub use flow::{FlowReport, TimedStep, Unestablished, flow_verdict, micros, render_step};
pub use report::{Detail, render_decoded, render_report, verdict};

use crate::checks::{Check, CheckId};

/// What the command at hand adds to the library's messages, which name no flag (`flow`,
/// `serve` and Rust callers show them too): how to supply what was missing, or allow what
/// failed, in that command's terms.
pub trait Hints {
    /// A hint for one check, shown after its message ("pass --nonce NONCE").
    fn check(&self, _check: &Check) -> Option<String> {
        None
    }
    /// How to make the checks that were not made ("pass --provider-id and --key-id").
    fn not_made(&self, _ids: &[CheckId]) -> Option<String> {
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
        let when = DateTime::from_timestamp(secs, 0)?;
        // Years 0 to 9999 in RFC 3339's own writer, several times quicker than strftime
        // (every report shows two dates); strftime for the rest.
        let mut shown = if (0..253_402_300_800).contains(&secs) {
            when.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        } else {
            when.format("%Y-%m-%dT%H:%M:%SZ").to_string()
        };
        if let Some(local) = self.local {
            shown.push_str(", ");
            shown.push_str(&local(when));
            shown.push_str(" local");
        }
        let delta = secs.saturating_sub(self.now.timestamp());
        let human = crate::time::human(delta);
        if delta >= 0 {
            for part in [" (in ", &human, ")"] {
                shown.push_str(part);
            }
        } else {
            for part in [" (", &human, " ago)"] {
                shown.push_str(part);
            }
        }
        Some(shown)
    }
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
