//! The service's clock: a time source the caller supplies (the system clock, or a fixed or
//! relative `--now`) plus an offset that only moves forward when told, so tests and the
//! challenge can make sessions and nonces expire. Cloned, it is shared (by the embedded
//! service and signer, by the server's threads); the library itself never reads a clock.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, TimeDelta, Utc};

/// The furthest a clock is ever moved in all: a hundred years (beyond that it stays put,
/// so no sum of moves can overflow a date).
pub const MAX_OFFSET: TimeDelta = TimeDelta::days(36_525);

/// A shared clock: `source()` plus an offset moved by [`Clock::advance`].
#[derive(Clone)]
pub struct Clock {
    source: Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>,
    /// Milliseconds added to the source.
    offset: Arc<AtomicI64>,
}

impl Clock {
    /// A clock reading `source`.
    pub fn new(source: impl Fn() -> DateTime<Utc> + Send + Sync + 'static) -> Self {
        Self {
            source: Arc::new(source),
            offset: Arc::new(AtomicI64::new(0)),
        }
    }

    /// A clock stopped at `at` (for tests), movable with [`Clock::advance`].
    pub fn fixed(at: DateTime<Utc>) -> Self {
        Self::new(move || at)
    }

    /// What it shows.
    pub fn now(&self) -> DateTime<Utc> {
        let source = (self.source)();
        source.checked_add_signed(self.offset()).unwrap_or(source)
    }

    /// Moves it forward by `by` (a negative span is ignored: time never runs back), at most
    /// to 100 years in all.
    pub fn advance(&self, by: TimeDelta) {
        let ms = by.num_milliseconds().max(0);
        let max = MAX_OFFSET.num_milliseconds();
        let _ = self
            .offset
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |now| {
                Some(now.saturating_add(ms).min(max))
            });
    }

    /// How far it has been moved, in all.
    pub fn offset(&self) -> TimeDelta {
        TimeDelta::milliseconds(self.offset.load(Ordering::Relaxed))
    }

    /// Sets the offset (restoring a saved state), within 0 and 100 years.
    pub fn set_offset(&self, offset: TimeDelta) {
        let ms = offset
            .num_milliseconds()
            .clamp(0, MAX_OFFSET.num_milliseconds());
        self.offset.store(ms, Ordering::Relaxed);
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Clock({}, offset {}s)",
            self.now(),
            self.offset().num_seconds()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advancing_moves_every_clone_forward_and_never_back() {
        let start = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        let clock = Clock::fixed(start);
        let shared = clock.clone();
        clock.advance(TimeDelta::seconds(90));
        assert_eq!(shared.now(), start + TimeDelta::seconds(90));
        clock.advance(TimeDelta::seconds(-1000));
        assert_eq!(shared.now(), start + TimeDelta::seconds(90));
    }

    #[test]
    fn no_number_of_moves_overflows_the_date() {
        let clock = Clock::fixed(DateTime::from_timestamp(1_700_000_000, 0).unwrap());
        for _ in 0..5000 {
            clock.advance(TimeDelta::days(36_500));
        }
        assert_eq!(clock.offset(), MAX_OFFSET);
        let _ = clock.now();
        clock.set_offset(TimeDelta::milliseconds(i64::MAX));
        assert_eq!(clock.offset(), MAX_OFFSET);
        clock.set_offset(TimeDelta::milliseconds(-i64::MAX));
        assert_eq!(clock.offset(), TimeDelta::zero());
    }
}
