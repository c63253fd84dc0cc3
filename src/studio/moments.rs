//! Moments worth showing a class — a loss, a duplicate effect, a crash, a
//! redelivery, a dead letter, a broken order, a rejection — and an index of
//! where each happens in a run, kept up to date as the run is computed: the
//! playback jumps to them, the timeline marks them.

use msgsim_sim::{Cause, EventKind, PacketKind, Time, TraceEvent};

use crate::i18n::Key;

/// A kind of moment to jump to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Moment {
    /// A packet vanished on a link (a message, or an ack or confirm).
    #[default]
    Loss,
    /// A business effect applied a second time.
    DuplicateEffect,
    /// A consumer crashed.
    Crash,
    /// The queue delivered a message again.
    Redelivery,
    /// A message went to the dead-letter queue.
    DeadLetter,
    /// An effect applied after a later one with the same key.
    OutOfOrder,
    /// A full queue refused or evicted a message.
    Rejected,
    /// A service crashed between its two writes: an event lost, or a
    /// phantom event.
    DualWrite,
    /// A saga service undid a step (a compensation).
    Compensation,
    /// Two writers of an event store decided on the same version: an
    /// append refused (a conflict), or a blind one that lost an update.
    Conflict,
    /// A projection began rebuilding by replaying its topic.
    Rebuild,
}

impl Moment {
    /// Every kind, in menu order.
    pub const ALL: [Moment; 11] = [
        Moment::Loss,
        Moment::DuplicateEffect,
        Moment::Crash,
        Moment::Redelivery,
        Moment::DeadLetter,
        Moment::OutOfOrder,
        Moment::Rejected,
        Moment::DualWrite,
        Moment::Compensation,
        Moment::Conflict,
        Moment::Rebuild,
    ];

    /// The kind of moment `e` is, if any.
    pub fn of(e: &TraceEvent) -> Option<Moment> {
        Some(match e.kind {
            EventKind::Lost => Moment::Loss,
            EventKind::Effect if e.cause == Cause::Duplicate => Moment::DuplicateEffect,
            EventKind::Effect if e.cause == Cause::OutOfOrder => Moment::OutOfOrder,
            EventKind::Crash => Moment::Crash,
            EventKind::Send if e.packet == PacketKind::Deliver && e.delivery > 1 => Moment::Redelivery,
            EventKind::DeadLetter => Moment::DeadLetter,
            EventKind::Reject | EventKind::Evict => Moment::Rejected,
            EventKind::EventLost | EventKind::Phantom => Moment::DualWrite,
            EventKind::SagaUndo if e.cause == Cause::First => Moment::Compensation,
            EventKind::VersionConflict | EventKind::LostUpdate => Moment::Conflict,
            EventKind::Rebuild => Moment::Rebuild,
            _ => return None,
        })
    }

    /// Its name in the menu.
    pub fn label(self) -> Key {
        match self {
            Moment::Loss => Key::MomentLoss,
            Moment::DuplicateEffect => Key::MomentDuplicateEffect,
            Moment::Crash => Key::MomentCrash,
            Moment::Redelivery => Key::MomentRedelivery,
            Moment::DeadLetter => Key::MomentDeadLetter,
            Moment::OutOfOrder => Key::MomentOutOfOrder,
            Moment::Rejected => Key::MomentRejected,
            Moment::DualWrite => Key::MomentDualWrite,
            Moment::Compensation => Key::MomentCompensation,
            Moment::Conflict => Key::MomentConflict,
            Moment::Rebuild => Key::MomentRebuild,
        }
    }

    /// A stable name (lesson files, the DOM).
    pub fn name(self) -> &'static str {
        match self {
            Moment::Loss => "loss",
            Moment::DuplicateEffect => "duplicate_effect",
            Moment::Crash => "crash",
            Moment::Redelivery => "redelivery",
            Moment::DeadLetter => "dead_letter",
            Moment::OutOfOrder => "out_of_order",
            Moment::Rejected => "rejected",
            Moment::DualWrite => "dual_write",
            Moment::Compensation => "compensation",
            Moment::Conflict => "conflict",
            Moment::Rebuild => "rebuild",
        }
    }

    /// The kind called `name`.
    pub fn named(name: &str) -> Option<Moment> {
        Moment::ALL.into_iter().find(|m| m.name() == name)
    }

    /// The kind a lesson's key moment is, from its trace pattern (`lost`,
    /// `effect:duplicate`, …), if it is one of these.
    pub fn from_pattern(pattern: &str) -> Option<Moment> {
        Some(match pattern {
            "lost" => Moment::Loss,
            "effect:duplicate" => Moment::DuplicateEffect,
            "crash" => Moment::Crash,
            "dead_letter" => Moment::DeadLetter,
            "effect:out_of_order" => Moment::OutOfOrder,
            "reject" | "evict" => Moment::Rejected,
            "event_lost" | "phantom" => Moment::DualWrite,
            "saga_undo:first" => Moment::Compensation,
            "version_conflict" | "lost_update" => Moment::Conflict,
            "rebuild" => Moment::Rebuild,
            _ => return None,
        })
    }

    fn slot(self) -> usize {
        self as usize
    }
}

/// Where each kind of moment happens: trace indices, in order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MomentIndex {
    seen: usize,
    at: [Vec<u32>; 11],
}

impl MomentIndex {
    /// Indexes the events of `trace` not seen yet (`trace` extends the last one).
    pub fn update(&mut self, trace: &[TraceEvent]) {
        for (i, e) in trace.iter().enumerate().skip(self.seen) {
            if let Some(m) = Moment::of(e) {
                self.at[m.slot()].push(i as u32);
            }
        }
        self.seen = self.seen.max(trace.len());
    }

    /// The first `kind` at trace index `from` or later.
    pub fn next(&self, kind: Moment, from: usize) -> Option<usize> {
        let v = &self.at[kind.slot()];
        v.get(v.partition_point(|&i| (i as usize) < from)).map(|&i| i as usize)
    }

    /// The last `kind` before trace index `before`.
    pub fn prev(&self, kind: Moment, before: usize) -> Option<usize> {
        let v = &self.at[kind.slot()];
        let k = v.partition_point(|&i| (i as usize) < before);
        k.checked_sub(1).map(|k| v[k] as usize)
    }

    /// How many of `kind` the indexed trace holds.
    pub fn count(&self, kind: Moment) -> usize {
        self.at[kind.slot()].len()
    }

    /// Timeline marks: for each of `bins` equal slices of `[0, horizon]`,
    /// the kinds that happen in it up to time `until` — `(bin, kind)`. Costs
    /// a binary search per bin and kind, however many moments there are.
    pub fn marks(&self, trace: &[TraceEvent], horizon: Time, until: Time, bins: usize) -> Vec<(usize, Moment)> {
        let mut out = Vec::new();
        let bins = bins.max(1);
        let slice = horizon.max(1) as f64 / bins as f64;
        let time = |i: u32| trace.get(i as usize).map_or(Time::MAX, |e| e.time);
        for kind in Moment::ALL {
            let at = &self.at[kind.slot()];
            for b in 0..bins {
                let (start, end) = ((b as f64 * slice).ceil() as Time, ((b + 1) as f64 * slice).ceil() as Time);
                let k = at.partition_point(|&i| time(i) < start);
                let Some(&i) = at.get(k) else { break };
                let t = time(i);
                if t > until {
                    break;
                }
                if t < end || b + 1 == bins {
                    out.push((b, kind));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::preset_run;

    #[test]
    fn the_index_finds_every_moment_in_order_and_marks_them() {
        let sim = preset_run("crash-before-ack", None);
        let trace = sim.trace();
        let mut idx = MomentIndex::default();
        idx.update(&trace[..trace.len() / 2]);
        idx.update(trace);
        let crashes: Vec<usize> =
            trace.iter().enumerate().filter(|(_, e)| e.kind == EventKind::Crash).map(|(i, _)| i).collect();
        assert!(crashes.len() > 2);
        assert_eq!(idx.count(Moment::Crash), crashes.len(), "indexing in parts finds each once");
        assert_eq!(idx.next(Moment::Crash, 0), Some(crashes[0]));
        assert_eq!(idx.next(Moment::Crash, crashes[0] + 1), Some(crashes[1]));
        assert_eq!(idx.prev(Moment::Crash, crashes[1]), Some(crashes[0]));
        assert_eq!(idx.prev(Moment::Crash, crashes[0]), None);
        assert_eq!(idx.next(Moment::Crash, trace.len()), None);
        let horizon = trace.last().unwrap().time;
        let all = idx.marks(trace, horizon, horizon, 100);
        assert!(all.iter().any(|&(_, k)| k == Moment::Crash) && all.iter().all(|&(b, _)| b < 100));
        let early = idx.marks(trace, horizon, trace[crashes[0]].time, 100);
        assert_eq!(early.iter().filter(|&&(_, k)| k == Moment::Crash).count(), 1, "nothing after `until`");
        for m in Moment::ALL {
            assert_eq!(Moment::named(m.name()), Some(m));
        }
    }
}
