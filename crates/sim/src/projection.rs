//! A projection that can be rebuilt by replaying its topic: what a group
//! reading a topic keeps so that it can throw its state away and fold the
//! log again, from zero or from its snapshots.
//!
//! The group's state is the fold of the records it applied. A **rebuild**
//! (`log.rebuild_at_ms`) drops every record's effect from some offset on in
//! each partition — the start, or the latest **snapshot** (`log.
//! snapshot_every`: every so many records applied in a partition, the
//! state up to there is saved) — and reads the log again from there. What
//! it applies again is a **replay**: the state had it before, so it is no
//! duplicate (the ledger counts effects on the business, and a replay has
//! none: nothing is published again). What the retention has removed since
//! cannot be read again: those records are **gone** from the rebuilt
//! projection (from a snapshot they need not be read: they are in it).
//!
//! The bookkeeping: per message, how many of its applications are in the
//! state now. An application while the state holds none of a message the
//! group applied before is a replay; anything else is an effect as usual
//! (the first, or a true duplicate).

use crate::time::Time;
use crate::trace::MsgId;

/// A group's rebuildable projection.
#[derive(Clone, Debug, Default)]
pub(crate) struct Projection {
    /// Per message id: its applications in the state now.
    in_state: Vec<u8>,
    /// Per partition: the latest snapshot's offset (the state holds every
    /// record below it), and records applied since.
    snapshots: Vec<(u64, u32)>,
    /// Records applied in a partition between snapshots (0: none taken).
    every: u32,
    /// When the last rebuild began.
    pub rebuilt_at: Option<Time>,
    /// The message applied last (the checker looks at it after every event).
    pub last: Option<MsgId>,
}

impl Projection {
    /// A projection over `partitions` partitions, snapshotting every
    /// `every` records applied in one (0: never).
    pub fn new(partitions: u32, every: u32) -> Self {
        Projection { snapshots: vec![(0, 0); partitions as usize], every, ..Projection::default() }
    }

    /// `msg` is applied now, and had been `before` (in the ledger): whether
    /// this is a replay (the state lost it in a rebuild). Either way the
    /// state holds one more application of it.
    pub fn apply(&mut self, msg: MsgId, before: bool) -> bool {
        let i = msg as usize;
        if self.in_state.len() <= i {
            self.in_state.resize(i + 1, 0);
        }
        let replay = before && self.in_state[i] == 0;
        self.in_state[i] = self.in_state[i].saturating_add(1);
        self.last = Some(msg);
        replay
    }

    /// The record at `offset` of `partition` was applied (or replayed): a
    /// snapshot is due after every `every`. Returns the snapshot's offset
    /// when one is taken.
    pub fn handled(&mut self, partition: u32, offset: u64) -> Option<u64> {
        let s = self.snapshots.get_mut(partition as usize).filter(|_| self.every > 0)?;
        s.1 += 1;
        if s.1 < self.every {
            return None;
        }
        s.1 = 0;
        s.0 = s.0.max(offset + 1);
        Some(s.0)
    }

    /// Where a rebuild of `partition` starts: its latest snapshot, else the start.
    pub fn start_of(&self, partition: u32) -> u64 {
        self.snapshots.get(partition as usize).map_or(0, |s| s.0)
    }

    /// The state drops one application of `msg` (its record is read again).
    pub fn drop_one(&mut self, msg: MsgId) {
        if let Some(n) = self.in_state.get_mut(msg as usize) {
            *n = n.saturating_sub(1);
        }
    }

    /// Applications of `msg` in the state now.
    pub fn held(&self, msg: MsgId) -> u8 {
        self.in_state.get(msg as usize).copied().unwrap_or(0)
    }

    /// Bytes held.
    pub fn heap_bytes(&self) -> u64 {
        crate::memory::vec_bytes::<u8>(self.in_state.capacity())
            + crate::memory::vec_bytes::<(u64, u32)>(self.snapshots.capacity())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_applied_again_after_the_state_dropped_it_is_a_replay() {
        let mut p = Projection::new(2, 0);
        assert!(!p.apply(7, false), "a first effect");
        assert!(!p.apply(7, true), "in the state already: a true duplicate");
        p.drop_one(7);
        p.drop_one(7);
        assert!(p.apply(7, true), "dropped by a rebuild: a replay");
        assert_eq!(p.held(7), 1);
        assert_eq!((p.start_of(0), p.start_of(1)), (0, 0), "no snapshots: from the start");
    }

    #[test]
    fn snapshots_come_every_so_many_records_and_only_move_forward() {
        let mut p = Projection::new(2, 3);
        let taken: Vec<_> = (0..7).map(|o| p.handled(1, o)).collect();
        assert_eq!(taken, [None, None, Some(3), None, None, Some(6), None]);
        assert_eq!((p.start_of(0), p.start_of(1)), (0, 6));
        // Records read again after a crash (offsets before the snapshot).
        for o in 0..3 {
            p.handled(1, o);
        }
        assert_eq!(p.start_of(1), 6, "a snapshot never moves back");
        assert_eq!(Projection::new(1, 0).handled(0, 5), None, "never, with every 0");
    }
}
