//! Simulated time.
//!
//! Time is an integer count of **microseconds** since the start of the run, so
//! event ordering never depends on floating-point rounding. Scenario files speak
//! milliseconds (floats allowed); they are converted once, when a scenario is
//! compiled into a [`Simulation`](crate::Simulation).

/// A point in simulated time, or a duration, in microseconds.
pub type Time = u64;

/// Microseconds in one millisecond.
pub const MICROS_PER_MS: u64 = 1_000;

/// Microseconds in one second.
pub const MICROS_PER_SEC: u64 = 1_000_000;

/// Converts milliseconds (as written in a scenario) to [`Time`], rounding to the
/// nearest microsecond. Negative inputs and NaN become 0 (validation rejects
/// them before they get here); a duration too long for [`Time`] — a sample far
/// in a distribution's tail — saturates at [`Time::MAX`], "never".
pub fn ms(ms: f64) -> Time {
    // Below this many ms the µs value is under 2^63, where the signed
    // conversion is exact and one instruction shorter on x86 than the
    // unsigned one; the values are the same.
    const SIGNED_OK: f64 = 9.0e15;
    // Round half up by adding ½ and truncating: for non-negative values this
    // is `round()`, without a libm call on targets that lack a rounding
    // instruction (this is the hot path of every sample). Two comparisons
    // are the whole check in the usual case: both are false for NaN.
    if ms > 0.0 && ms < SIGNED_OK {
        (ms * MICROS_PER_MS as f64 + 0.5) as i64 as Time
    } else if ms >= SIGNED_OK {
        // The cast saturates at u64::MAX (infinity too).
        (ms * MICROS_PER_MS as f64 + 0.5) as Time
    } else {
        0
    }
}

/// Converts [`Time`] to milliseconds, for reports and display.
pub fn to_ms(t: Time) -> f64 {
    t as f64 / MICROS_PER_MS as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_both_ways() {
        assert_eq!(ms(1.0), 1_000);
        assert_eq!(ms(0.0004), 0);
        assert_eq!(ms(0.0006), 1);
        assert_eq!(ms(-3.0), 0);
        assert_eq!(ms(f64::NAN), 0);
        assert_eq!(ms(f64::INFINITY), u64::MAX);
        assert_eq!(ms(1.0e16), 10_000_000_000_000_000_000);
        assert_eq!(ms(1.0e300), u64::MAX);
        assert_eq!(to_ms(2_500), 2.5);
    }
}
