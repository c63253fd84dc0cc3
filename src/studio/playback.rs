//! Playback: where in the run the views are, how fast time moves, and a seek
//! that waits for the run to be computed that far.

use msgsim_sim::{Scenario, Time};

use super::Cmd;
use super::clock::Clock;
use super::moments::Moment;
use super::session::Session;

/// Something the user did to the clock.
#[derive(Clone, Debug, PartialEq)]
pub enum PlaybackEvent {
    /// Play or pause.
    TogglePlay,
    /// Show one more event.
    Step,
    /// Back to the start, playing.
    Restart,
    /// Set the playback speed.
    SetSpeed(f64),
    /// One speed up (`true`) or down.
    ShiftSpeed(bool),
    /// Jump to a time, µs.
    Seek(Time),
    /// Jump to just after trace event `0`, paused.
    SeekEvent(usize),
    /// Show one event less.
    StepBack,
    /// Choose the kind of moment the jump buttons go to.
    SetMoment(Moment),
    /// Jump to the next (`true`) or previous moment of the chosen kind, paused.
    Jump(bool),
}

/// The clock and a pending seek.
#[derive(Clone, Debug, PartialEq)]
pub struct Playback {
    /// Position and motion.
    pub clock: Clock,
    /// A moment to show once the run has been computed that far.
    pub pending_seek: Option<Time>,
    /// The kind of moment the jump buttons go to.
    pub moment: Moment,
    /// The last jump found nothing in that direction.
    pub no_more: bool,
}

/// Most engine events computed ahead while looking for the next moment.
const JUMP_LOOKAHEAD: u64 = 2_000_000;

/// A speed at which the typical hop of `s` takes about a third of a second.
pub fn default_speed(s: &Scenario) -> f64 {
    let latency = s.network.default.latency.mean_ms().max(0.5);
    Clock::nearest_speed(latency / 300.0).clamp(0.01, 1.0)
}

impl Playback {
    /// At the start of `s`, paused, at its default speed.
    pub fn new(s: &Scenario) -> Self {
        Playback { clock: Clock::new(default_speed(s)), pending_seek: None, moment: Moment::default(), no_more: false }
    }

    /// Handles one event (stepping may compute a little more of the run).
    pub fn update(&mut self, ev: PlaybackEvent, session: &mut Session) -> Vec<Cmd> {
        let horizon = session.horizon();
        self.no_more = false;
        let c = &mut self.clock;
        match ev {
            PlaybackEvent::TogglePlay => {
                if !c.playing && session.is_complete() && c.time >= horizon {
                    c.seek(session.run.trace(), 0, horizon);
                }
                c.playing = !c.playing;
            }
            PlaybackEvent::Step => {
                if c.cursor >= session.run.trace().len() {
                    session.compute(10_000);
                }
                c.step(session.run.trace());
            }
            PlaybackEvent::Restart => {
                c.seek(session.run.trace(), 0, horizon);
                c.playing = true;
            }
            PlaybackEvent::SetSpeed(s) => {
                c.speed = Clock::nearest_speed(s);
                return Vec::new();
            }
            PlaybackEvent::ShiftSpeed(up) => {
                c.shift_speed(up);
                return Vec::new();
            }
            PlaybackEvent::Seek(t) => c.seek(session.run.trace(), t, horizon),
            PlaybackEvent::SeekEvent(i) => {
                c.playing = false;
                c.seek_event(session.run.trace(), i);
            }
            PlaybackEvent::StepBack => {
                c.step_back(session.run.trace());
            }
            PlaybackEvent::SetMoment(m) => {
                self.moment = m;
                return Vec::new();
            }
            PlaybackEvent::Jump(forward) => {
                c.playing = false;
                let kind = self.moment;
                let found = if forward {
                    // The next one may not be computed yet.
                    let mut budget = JUMP_LOOKAHEAD;
                    loop {
                        let next = session.run.moments().next(kind, c.cursor);
                        if next.is_some() || session.run.is_complete() || budget == 0 {
                            break next;
                        }
                        session.compute(100_000);
                        budget = budget.saturating_sub(100_000);
                    }
                } else {
                    session.run.moments().prev(kind, c.cursor.saturating_sub(1))
                };
                match found {
                    Some(i) => c.seek_event(session.run.trace(), i),
                    None => self.no_more = true,
                }
            }
        }
        // The log keeps the new "now" in view.
        vec![Cmd::FollowLog]
    }

    /// A new run of the same scenario: shown from the start until it has been
    /// computed as far as the moment shown before.
    pub fn restart(&mut self) {
        let keep = self.clock.time;
        self.clock.cursor = 0;
        self.clock.time = 0;
        self.pending_seek = (keep > 0).then_some(keep);
    }

    /// Performs the pending seek once the run is computed far enough;
    /// returns whether it did.
    pub fn catch_up(&mut self, session: &Session) -> bool {
        let Some(t) = self.pending_seek else { return false };
        if session.run.horizon() >= t || session.run.is_complete() {
            self.clock.seek(session.run.trace(), t, session.horizon());
            self.pending_seek = None;
            return true;
        }
        false
    }

    /// Moves playback on by `wall_ms` of wall-clock time; returns whether
    /// anything shown moved.
    pub fn advance(&mut self, wall_ms: f64, session: &Session) -> bool {
        if !self.clock.playing {
            return false;
        }
        let before = (self.clock.time, self.clock.cursor);
        self.clock.advance(session.run.trace(), wall_ms, session.horizon(), session.is_complete());
        (self.clock.time, self.clock.cursor) != before || !self.clock.playing
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::studio::load::Load;

    fn session(preset: &str) -> Session {
        let mut s = Session::new();
        s.load(&Load::preset(msgsim_sim::presets::get(preset).unwrap()));
        s.rerun();
        while s.compute(50_000).more {}
        s
    }

    #[test]
    fn play_step_seek_and_play_again_from_the_end() {
        let mut s = session("reliable-queue");
        let mut p = Playback::new(&s.scenario);
        p.update(PlaybackEvent::SetSpeed(1.0), &mut s);
        p.update(PlaybackEvent::TogglePlay, &mut s);
        assert!(p.advance(50.0, &s));
        assert_eq!(p.clock.time, 50_000);
        p.update(PlaybackEvent::TogglePlay, &mut s);
        assert!(!p.advance(50.0, &s), "paused");
        let shown = p.clock.cursor;
        p.update(PlaybackEvent::Step, &mut s);
        assert_eq!(p.clock.cursor, shown + 1);
        let end = s.horizon();
        p.update(PlaybackEvent::Seek(end), &mut s);
        p.update(PlaybackEvent::TogglePlay, &mut s);
        assert_eq!(p.clock.time, 0, "play at the end starts over");
        p.update(PlaybackEvent::SeekEvent(3), &mut s);
        assert_eq!((p.clock.cursor, p.clock.playing), (4, false));
    }

    #[test]
    fn jumps_go_to_each_moment_of_the_kind_and_back() {
        let mut s = session("crash-before-ack");
        let crashes: Vec<usize> = s
            .run
            .trace()
            .iter()
            .enumerate()
            .filter(|(_, e)| e.kind == msgsim_sim::EventKind::Crash)
            .map(|(i, _)| i)
            .collect();
        let mut p = Playback::new(&s.scenario);
        p.update(PlaybackEvent::SetMoment(Moment::Crash), &mut s);
        p.update(PlaybackEvent::Jump(true), &mut s);
        assert_eq!(p.clock.cursor, crashes[0] + 1, "just after the first crash");
        assert_eq!(p.clock.time, s.run.trace()[crashes[0]].time);
        p.update(PlaybackEvent::Jump(true), &mut s);
        assert_eq!(p.clock.cursor, crashes[1] + 1);
        p.update(PlaybackEvent::Jump(false), &mut s);
        assert_eq!(p.clock.cursor, crashes[0] + 1);
        p.update(PlaybackEvent::Jump(false), &mut s);
        assert!(p.no_more && p.clock.cursor == crashes[0] + 1, "nothing before the first: stays");
        p.update(PlaybackEvent::StepBack, &mut s);
        assert_eq!(p.clock.cursor, crashes[0]);
    }

    #[test]
    fn a_jump_computes_ahead_to_find_the_next_moment() {
        let mut s = Session::new();
        s.load(&Load::preset(msgsim_sim::presets::get("poison-to-dlq").unwrap()));
        s.rerun();
        s.compute(10);
        let mut p = Playback::new(&s.scenario);
        p.update(PlaybackEvent::SetMoment(Moment::DeadLetter), &mut s);
        p.update(PlaybackEvent::Jump(true), &mut s);
        let e = s.run.trace()[p.clock.cursor - 1];
        assert_eq!(e.kind, msgsim_sim::EventKind::DeadLetter);
    }

    #[test]
    fn a_restart_returns_to_the_moment_shown_once_computed() {
        let mut s = session("acks-and-retries");
        let mut p = Playback::new(&s.scenario);
        p.update(PlaybackEvent::Seek(700_000), &mut s);
        p.restart();
        s.rerun();
        assert_eq!((p.clock.time, p.pending_seek), (0, Some(700_000)));
        while s.compute(1_000).more && !p.catch_up(&s) {}
        assert_eq!(p.clock.time, 700_000);
        assert!(p.pending_seek.is_none());
    }
}
