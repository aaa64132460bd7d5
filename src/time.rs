//! Durations (`90s`, `10m`, `2h`, `1d`, plain seconds) and instants (RFC 3339, epoch seconds)
//! as the command line writes them, and the human form of a span ("9m 58s").
//!
//! Nothing here reads the clock: callers pass `now` in.

use chrono::{DateTime, TimeDelta, Utc};

/// A duration or instant that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimeError {
    /// The text is not a duration.
    #[error("`{0}` is not a duration: write 90s, 10m, 2h, 1d or plain seconds")]
    BadDuration(String),
    /// The text is not a duration, where fractions of a second are taken too.
    #[error("`{0}` is not a duration: write 250ms, 1s 500ms, 90s, 10m, 2h or plain seconds")]
    BadSpan(String),
    /// The duration is negative, zero where that makes no sense, or absurdly long.
    #[error("`{0}` is out of range: durations run from 0s to 100 years")]
    DurationOutOfRange(String),
    /// The text is not an instant.
    #[error("`{0}` is not a time: write RFC 3339 (2026-11-23T10:00:00Z) or epoch seconds")]
    BadInstant(String),
    /// The instant is outside the years 1970..=9999.
    #[error("`{0}` is out of range: times run from 1970 to 9999")]
    InstantOutOfRange(String),
    /// A fraction of a second where whole seconds belong.
    #[error("`{0}` has a fraction of a second: this takes whole seconds (1s, 90s, 2m)")]
    Fraction(String),
    /// Epoch milliseconds where seconds belong.
    #[error("`{0}` has 13 digits: milliseconds? Give epoch seconds ({1})")]
    Milliseconds(String, String),
}

/// A time as `--now` takes it: an instant, or an offset from the real clock (`now`, `+11m`,
/// `-2h`), which the caller resolves against the clock it reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeSpec {
    /// A fixed instant.
    At(DateTime<Utc>),
    /// The real clock, moved by this much.
    FromNow(TimeDelta),
}

impl TimeSpec {
    /// The instant this names, given the real clock's `now`.
    pub fn resolve(self, now: DateTime<Utc>) -> DateTime<Utc> {
        match self {
            Self::At(at) => at,
            Self::FromNow(offset) => now + offset,
        }
    }
}

/// Reads `--now`: what [`parse_instant`] reads, or `now`, `now+11m`, `+11m`, `-2h`.
///
/// # Errors
/// As [`parse_instant`] and [`parse_duration`].
///
/// ```
/// use chrono::TimeDelta;
/// use layer_auth::time::{TimeSpec, parse_time_spec};
/// assert_eq!(parse_time_spec("now").unwrap(), TimeSpec::FromNow(TimeDelta::zero()));
/// assert_eq!(parse_time_spec("-2h").unwrap(), TimeSpec::FromNow(TimeDelta::hours(-2)));
/// assert_eq!(parse_time_spec("now+11m").unwrap(), TimeSpec::FromNow(TimeDelta::minutes(11)));
/// assert!(matches!(parse_time_spec("1700000000").unwrap(), TimeSpec::At(_)));
/// ```
pub fn parse_time_spec(text: &str) -> Result<TimeSpec, TimeError> {
    let trimmed = text.trim();
    let relative = trimmed
        .strip_prefix("now")
        .map(str::trim_start)
        .or_else(|| trimmed.starts_with(['+', '-']).then_some(trimmed));
    let Some(offset) = relative else {
        return parse_instant(text).map(TimeSpec::At);
    };
    let (sign, span) = match offset.chars().next() {
        None => return Ok(TimeSpec::FromNow(TimeDelta::zero())),
        Some('+') => (1, &offset[1..]),
        Some('-') => (-1, &offset[1..]),
        Some(_) => return Err(TimeError::BadInstant(text.to_owned())),
    };
    let span = parse_duration(span).map_err(|_| TimeError::BadInstant(text.to_owned()))?;
    Ok(TimeSpec::FromNow(span * sign))
}

/// The longest duration we accept: a hundred years keeps every sum far from overflow.
const MAX_DURATION_SECS: i64 = 100 * 365 * 86_400;
/// 9999-12-31T23:59:59Z, the last instant RFC 3339 can write.
const MAX_EPOCH_SECS: i64 = 253_402_300_799;

/// Reads a duration in whole seconds: `90s`, `10m`, `2h`, `1d`, combinations such as
/// `1h 30m`, or plain seconds (`600`).
///
/// # Errors
/// [`TimeError`] for text that is not a duration, one with a fraction of a second
/// (`1500ms`: token times are whole seconds, and rounding would change what was asked),
/// or one longer than 100 years.
///
/// ```
/// use layer_auth::time::parse_duration;
/// assert_eq!(parse_duration("10m").unwrap().num_seconds(), 600);
/// assert_eq!(parse_duration("90").unwrap().num_seconds(), 90);
/// assert_eq!(parse_duration("2000ms").unwrap().num_seconds(), 2);
/// assert!(parse_duration("300ms").is_err());
/// ```
pub fn parse_duration(text: &str) -> Result<TimeDelta, TimeError> {
    let span = parse_span(text).map_err(|e| match e {
        TimeError::BadSpan(text) => TimeError::BadDuration(text),
        other => other,
    })?;
    if span.subsec_nanos() != 0 {
        return Err(TimeError::Fraction(text.to_owned()));
    }
    let secs = i64::try_from(span.as_secs())
        .map_err(|_| TimeError::DurationOutOfRange(text.to_owned()))?;
    Ok(TimeDelta::seconds(secs))
}

/// Reads a duration to the nanosecond: what [`parse_duration`] reads, and fractions of a
/// second too (`300ms`, `1s 500ms`).
///
/// # Errors
/// [`TimeError`] for text that is not a duration, or one longer than 100 years.
///
/// ```
/// use layer_auth::time::parse_span;
/// assert_eq!(parse_span("300ms").unwrap().as_millis(), 300);
/// assert_eq!(parse_span("2").unwrap().as_secs(), 2);
/// ```
pub fn parse_span(text: &str) -> Result<std::time::Duration, TimeError> {
    let trimmed = text.trim();
    if trimmed.starts_with('-') {
        return Err(TimeError::DurationOutOfRange(text.to_owned()));
    }
    let span = if trimmed.bytes().all(|b| b.is_ascii_digit()) && !trimmed.is_empty() {
        trimmed
            .parse::<u64>()
            .map(std::time::Duration::from_secs)
            .map_err(|_| TimeError::DurationOutOfRange(text.to_owned()))?
    } else {
        humantime::parse_duration(trimmed).map_err(|_| TimeError::BadSpan(text.to_owned()))?
    };
    if span.as_secs() > MAX_DURATION_SECS.unsigned_abs() {
        return Err(TimeError::DurationOutOfRange(text.to_owned()));
    }
    Ok(span)
}

/// Reads an instant: RFC 3339 (`2026-11-23T10:00:00Z`) or seconds since the Unix epoch.
///
/// # Errors
/// [`TimeError`] for text that is neither, or a time outside 1970..=9999.
///
/// ```
/// use layer_auth::time::parse_instant;
/// let t = parse_instant("2023-11-14T22:13:20Z").unwrap();
/// assert_eq!(t.timestamp(), 1_700_000_000);
/// assert_eq!(parse_instant("1700000000").unwrap(), t);
/// ```
pub fn parse_instant(text: &str) -> Result<DateTime<Utc>, TimeError> {
    let trimmed = text.trim();
    let digits = trimmed.bytes().all(|b| b.is_ascii_digit()) && !trimmed.is_empty();
    if digits && trimmed.len() == 13 {
        let seconds = &trimmed[..10];
        return Err(TimeError::Milliseconds(text.to_owned(), seconds.to_owned()));
    }
    let secs = if digits {
        trimmed.parse::<i64>().ok()
    } else {
        let parsed = DateTime::parse_from_rfc3339(trimmed)
            .map_err(|_| TimeError::BadInstant(text.to_owned()))?;
        Some(parsed.timestamp())
    };
    secs.filter(|s| (0..=MAX_EPOCH_SECS).contains(s))
        .and_then(|s| DateTime::from_timestamp(s, 0))
        .ok_or_else(|| TimeError::InstantOutOfRange(text.to_owned()))
}

/// A span of seconds in the two largest units that matter: `9m 58s`, `2h`, `3d 4h`, `0s`.
///
/// ```
/// use layer_auth::time::human;
/// assert_eq!(human(598), "9m 58s");
/// assert_eq!(human(7200), "2h");
/// ```
pub fn human(secs: i64) -> String {
    let mut text = String::with_capacity(12);
    push_human(&mut text, secs);
    text
}

/// Pushes [`human`]'s text onto `out` (every report says three durations).
pub fn push_human(out: &mut String, secs: i64) {
    let secs = secs.unsigned_abs();
    let units = [(86_400, "d"), (3_600, "h"), (60, "m"), (1, "s")];
    let Some(first) = units.iter().position(|(size, _)| secs >= *size) else {
        out.push_str("0s");
        return;
    };
    let (size, unit) = units[first];
    let mut number = itoa::Buffer::new();
    out.push_str(number.format(secs / size));
    out.push_str(unit);
    if let Some((next, next_unit)) = units.get(first + 1) {
        let rest = (secs % size) / next;
        if rest > 0 {
            out.push(' ');
            out.push_str(number.format(rest));
            out.push_str(next_unit);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_every_documented_form() {
        for (text, secs) in [
            ("90s", 90),
            ("10m", 600),
            ("2h", 7200),
            ("1d", 86_400),
            ("0", 0),
        ] {
            assert_eq!(parse_duration(text).unwrap().num_seconds(), secs, "{text}");
        }
        assert_eq!(parse_duration("1h 30m").unwrap().num_seconds(), 5400);
    }

    #[test]
    fn durations_reject_nonsense_negative_and_overflow() {
        assert!(matches!(
            parse_duration("soon"),
            Err(TimeError::BadDuration(_))
        ));
        assert!(matches!(parse_duration(""), Err(TimeError::BadDuration(_))));
        // Each names the forms it takes: fractions only where they are taken.
        let whole = parse_duration("soon").unwrap_err().to_string();
        let span = parse_span("soon").unwrap_err().to_string();
        assert!(!whole.contains("ms") && whole.contains("90s"), "{whole}");
        assert!(span.contains("250ms") && span.contains("90s"), "{span}");
        assert!(matches!(
            parse_duration("-5s"),
            Err(TimeError::DurationOutOfRange(_))
        ));
        assert!(matches!(
            parse_duration("99999999999999999999"),
            Err(TimeError::DurationOutOfRange(_))
        ));
        assert!(matches!(
            parse_duration("200years"),
            Err(TimeError::DurationOutOfRange(_))
        ));
    }

    #[test]
    fn whole_second_durations_refuse_a_fraction_and_spans_keep_it() {
        // Rounding would change what was asked: 300ms used to become 0s, 1500ms 1s.
        for text in ["300ms", "1500ms", "1s 1ns"] {
            assert!(
                matches!(parse_duration(text), Err(TimeError::Fraction(_))),
                "{text}"
            );
        }
        assert_eq!(parse_duration("3000ms").unwrap().num_seconds(), 3);
        assert_eq!(parse_span("300ms").unwrap().as_millis(), 300);
        assert_eq!(parse_span("1s 500ms").unwrap().as_millis(), 1500);
        assert!(matches!(
            parse_span("-1ms"),
            Err(TimeError::DurationOutOfRange(_))
        ));
        assert!(matches!(
            parse_span("200years"),
            Err(TimeError::DurationOutOfRange(_))
        ));
    }

    #[test]
    fn instants_read_rfc3339_with_offset_and_epoch() {
        let t = parse_instant("2023-11-15T00:13:20+02:00").unwrap();
        assert_eq!(t.timestamp(), 1_700_000_000);
        assert!(matches!(
            parse_instant("yesterday"),
            Err(TimeError::BadInstant(_))
        ));
        assert!(matches!(
            parse_instant("99999999999999"),
            Err(TimeError::InstantOutOfRange(_))
        ));
    }

    #[test]
    fn now_takes_relative_times_and_names_milliseconds() {
        let real = parse_instant("1700000000").unwrap();
        for (text, secs) in [
            ("now", 0),
            ("+11m", 660),
            ("-2h", -7200),
            ("now - 90s", -90),
        ] {
            let spec = parse_time_spec(text).unwrap();
            assert_eq!(
                spec.resolve(real).timestamp(),
                1_700_000_000 + secs,
                "{text}"
            );
        }
        assert_eq!(
            parse_time_spec("1700000000123").unwrap_err().to_string(),
            "`1700000000123` has 13 digits: milliseconds? Give epoch seconds (1700000000)"
        );
        assert!(parse_time_spec("now+soon").is_err());
        assert!(parse_time_spec("nowish").is_err());
    }

    #[test]
    fn human_shows_two_largest_units() {
        assert_eq!(human(0), "0s");
        assert_eq!(human(59), "59s");
        assert_eq!(human(60), "1m");
        assert_eq!(human(3_661), "1h 1m");
        assert_eq!(human(-7_200), "2h");
        assert_eq!(human(90_061), "1d 1h");
    }
}
