//! The rate-limit rule, with no I/O: a burst of actions at once, then one more each period
//! (the generic cell rate algorithm). A key's whole state is one number, its "theoretical
//! arrival time", so the database can update it in one atomic statement.

use std::time::Duration;

/// At most `burst` actions at once, then one more every `every`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    /// Names the counter, so two limits never share a key.
    pub name: &'static str,
    pub burst: u32,
    pub every: Duration,
}

impl Limit {
    pub(crate) fn every_ms(&self) -> i64 {
        i64::try_from(self.every.as_millis()).unwrap_or(i64::MAX)
    }

    /// How far ahead of now a key's arrival time may run.
    pub(crate) fn allowance_ms(&self) -> i64 {
        self.every_ms().saturating_mul(i64::from(self.burst))
    }

    /// Takes one action for a key whose arrival time is `tat` (milliseconds; `None` for a
    /// key never seen), at `now`: the new arrival time, or how long to wait before trying.
    pub fn take(&self, tat: Option<i64>, now: i64) -> Result<i64, Duration> {
        let next = tat.unwrap_or(now).max(now).saturating_add(self.every_ms());
        let ahead = next - now;
        if ahead <= self.allowance_ms() {
            Ok(next)
        } else {
            Err(Duration::from_millis(
                u64::try_from(ahead - self.allowance_ms()).unwrap_or(0),
            ))
        }
    }
}

/// Minutes to tell a person to wait, never "0 minutes".
pub fn minutes_to_wait(wait: Duration) -> u64 {
    wait.as_secs().div_ceil(60).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const FIVE_A_MINUTE: Limit = Limit {
        name: "test",
        burst: 5,
        every: Duration::from_secs(60),
    };

    #[test]
    fn a_burst_is_allowed_then_one_per_period() {
        let mut tat = None;
        for _ in 0..5 {
            tat = Some(FIVE_A_MINUTE.take(tat, 0).unwrap());
        }
        let wait = FIVE_A_MINUTE.take(tat, 0).unwrap_err();
        assert_eq!(wait, Duration::from_secs(60));
        assert!(FIVE_A_MINUTE.take(tat, 30_000).is_err());
        let after_a_minute = FIVE_A_MINUTE.take(tat, 60_000).unwrap();
        assert!(FIVE_A_MINUTE.take(Some(after_a_minute), 60_000).is_err());
    }

    #[test]
    fn a_quiet_key_starts_afresh() {
        let tat = Some(FIVE_A_MINUTE.take(None, 0).unwrap());
        let later = 3_600_000;
        assert_eq!(FIVE_A_MINUTE.take(tat, later), Ok(later + 60_000));
    }

    #[test]
    fn waits_are_told_in_whole_minutes() {
        assert_eq!(minutes_to_wait(Duration::from_secs(1)), 1);
        assert_eq!(minutes_to_wait(Duration::from_secs(61)), 2);
        assert_eq!(minutes_to_wait(Duration::ZERO), 1);
    }

    proptest! {
        /// However the tries are spread, no window lets more through than the burst plus one
        /// per period that passed.
        #[test]
        fn never_more_than_the_burst_plus_the_refill(gaps in proptest::collection::vec(0i64..90_000, 1..60)) {
            let mut now = 0;
            let mut tat = None;
            let mut allowed = Vec::new();
            for gap in gaps {
                now += gap;
                if let Ok(next) = FIVE_A_MINUTE.take(tat, now) {
                    tat = Some(next);
                    allowed.push(now);
                }
            }
            for (i, start) in allowed.iter().enumerate() {
                for (j, end) in allowed.iter().enumerate().skip(i) {
                    let in_window = (j - i + 1) as i64;
                    prop_assert!(in_window <= 5 + (end - start) / 60_000);
                }
            }
        }

        #[test]
        fn a_refusal_says_when_the_next_try_succeeds(now in 0i64..1_000_000, taken in 5u32..20) {
            let mut tat = None;
            for _ in 0..taken {
                if let Ok(next) = FIVE_A_MINUTE.take(tat, now) {
                    tat = Some(next);
                }
            }
            let wait = FIVE_A_MINUTE.take(tat, now).unwrap_err();
            let wait_ms = wait.as_millis() as i64;
            prop_assert!(FIVE_A_MINUTE.take(tat, now + wait_ms - 1).is_err());
            prop_assert!(FIVE_A_MINUTE.take(tat, now + wait_ms).is_ok());
        }
    }
}
