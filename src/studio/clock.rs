//! The playback clock: where in the run the views are, and how fast it moves.

use msgsim_sim::{Time, TraceEvent};

/// Playback speeds offered, as simulated time per wall-clock time.
pub const SPEEDS: [f64; 13] = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 100.0, 1_000.0, 10_000.0];

/// Position and motion of playback.
///
/// The views show the run *after the first `cursor` trace events, at time
/// `time`*. Playing moves `time` and takes `cursor` along; stepping moves
/// `cursor` by one event, so events that share an instant can be seen one by one.
#[derive(Clone, Debug, PartialEq)]
pub struct Clock {
    /// Trace events shown.
    pub cursor: usize,
    /// Simulated time shown, µs.
    pub time: Time,
    /// Whether time is moving.
    pub playing: bool,
    /// Simulated time per wall-clock time.
    pub speed: f64,
    /// Fractional µs carried between frames (so slow speeds still move).
    carry: f64,
}

impl Clock {
    /// At the start, paused, at `speed`.
    pub fn new(speed: f64) -> Self {
        Clock { cursor: 0, time: 0, playing: false, speed, carry: 0.0 }
    }

    /// Moves forward by `wall_ms` of wall-clock time, no further than
    /// `horizon`; stops playing at the end of a `complete` run.
    pub fn advance(&mut self, trace: &[TraceEvent], wall_ms: f64, horizon: Time, complete: bool) {
        if !self.playing {
            return;
        }
        let step = wall_ms.max(0.0) * 1_000.0 * self.speed + self.carry;
        let whole = step.floor();
        self.carry = step - whole;
        self.time = self.time.saturating_add(whole as Time).min(horizon);
        while self.cursor < trace.len() && trace[self.cursor].time <= self.time {
            self.cursor += 1;
        }
        if complete && self.time >= horizon && self.cursor >= trace.len() {
            self.playing = false;
        }
    }

    /// Shows one more event (if it is known).
    pub fn step(&mut self, trace: &[TraceEvent]) -> bool {
        self.playing = false;
        if self.cursor < trace.len() {
            self.time = self.time.max(trace[self.cursor].time);
            self.cursor += 1;
            true
        } else {
            false
        }
    }

    /// Shows one event less (the moment of the last event still shown).
    pub fn step_back(&mut self, trace: &[TraceEvent]) -> bool {
        self.playing = false;
        self.carry = 0.0;
        if self.cursor == 0 {
            return false;
        }
        self.cursor = self.cursor.min(trace.len()).saturating_sub(1);
        self.time = self.cursor.checked_sub(1).map_or(0, |i| trace[i].time);
        true
    }

    /// Jumps to time `t` (at most `horizon`).
    pub fn seek(&mut self, trace: &[TraceEvent], t: Time, horizon: Time) {
        self.time = t.min(horizon);
        self.cursor = trace.partition_point(|e| e.time <= self.time);
        self.carry = 0.0;
    }

    /// Jumps to just after event `index`.
    pub fn seek_event(&mut self, trace: &[TraceEvent], index: usize) {
        if let Some(e) = trace.get(index) {
            self.cursor = index + 1;
            self.time = e.time;
            self.carry = 0.0;
        }
    }

    /// The offered speed nearest to `s`.
    pub fn nearest_speed(s: f64) -> f64 {
        SPEEDS.iter().copied().min_by(|a, b| (a.ln() - s.ln()).abs().total_cmp(&(b.ln() - s.ln()).abs())).unwrap_or(1.0)
    }

    /// The next faster (`up`) or slower offered speed.
    pub fn shift_speed(&mut self, up: bool) {
        let i = SPEEDS.iter().position(|&s| s == Clock::nearest_speed(self.speed)).unwrap_or(6);
        let j = if up { (i + 1).min(SPEEDS.len() - 1) } else { i.saturating_sub(1) };
        self.speed = SPEEDS[j];
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use msgsim_sim::{EventKind, TraceEvent};

    fn trace(times: &[Time]) -> Vec<TraceEvent> {
        times.iter().map(|&t| TraceEvent::at(t, EventKind::Produce, 0)).collect()
    }

    #[test]
    fn playing_moves_time_and_cursor() {
        let tr = trace(&[0, 500, 1_000, 1_000, 3_000]);
        let mut c = Clock::new(1.0);
        c.playing = true;
        c.advance(&tr, 1.0, 10_000, true); // 1 ms wall at 1× = 1,000 µs
        assert_eq!((c.time, c.cursor), (1_000, 4));
        c.advance(&tr, 5.0, 10_000, true);
        assert_eq!((c.time, c.cursor), (6_000, 5));
        c.advance(&tr, 100.0, 10_000, true);
        assert_eq!(c.time, 10_000);
        assert!(!c.playing, "stops at the end of a complete run");
    }

    #[test]
    fn slow_speeds_accumulate_fractions() {
        let tr = trace(&[0]);
        let mut c = Clock::new(0.01);
        c.playing = true;
        for _ in 0..100 {
            c.advance(&tr, 0.5, 1_000_000, false); // 5 µs of sim per 0.5 ms wall
        }
        assert_eq!(c.time, 500);
    }

    #[test]
    fn horizon_holds_back_an_incomplete_run() {
        let tr = trace(&[0, 2_000]);
        let mut c = Clock::new(1.0);
        c.playing = true;
        c.advance(&tr, 10.0, 2_000, false);
        assert_eq!(c.time, 2_000);
        assert!(c.playing, "keeps playing while the run is computed");
    }

    #[test]
    fn stepping_shows_equal_time_events_one_by_one() {
        let tr = trace(&[0, 1_000, 1_000]);
        let mut c = Clock::new(1.0);
        assert!(c.step(&tr));
        assert!(c.step(&tr));
        assert_eq!((c.cursor, c.time), (2, 1_000));
        assert!(c.step(&tr));
        assert_eq!((c.cursor, c.time), (3, 1_000));
        assert!(!c.step(&tr));
        assert!(c.step_back(&tr));
        assert_eq!((c.cursor, c.time), (2, 1_000));
        assert!(c.step_back(&tr) && c.step_back(&tr));
        assert_eq!((c.cursor, c.time), (0, 0));
        assert!(!c.step_back(&tr));
    }

    #[test]
    fn seeking_and_speeds() {
        let tr = trace(&[0, 1_000, 2_000]);
        let mut c = Clock::new(1.0);
        c.seek(&tr, 1_500, 2_000);
        assert_eq!((c.cursor, c.time), (2, 1_500));
        c.seek(&tr, 9_999, 2_000);
        assert_eq!((c.cursor, c.time), (3, 2_000));
        assert_eq!(Clock::nearest_speed(0.3), 0.2);
        c.shift_speed(true);
        assert_eq!(c.speed, 2.0);
        c.speed = 10_000.0;
        c.shift_speed(true);
        assert_eq!(c.speed, 10_000.0);
    }
}
