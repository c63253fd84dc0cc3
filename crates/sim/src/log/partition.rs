//! One partition of a topic: an append-only log with offsets, records kept
//! after they are read (until retention removes them), and each consumer
//! group's position and committed offset in it.
//!
//! Offsets count from 0 and never repeat. Retention (by age, by count)
//! removes the oldest records: the log then starts later (`earliest`). A
//! group that would read from before the start — it started late, or was
//! away longer than the retention — jumps to the start, as Kafka's
//! `auto.offset.reset` does. Every record a group will never read is counted
//! as **skipped** for it: those gone before it got to them, and, for a group
//! that starts at the latest offset, everything before its start. So for
//! each group, every offset is read, skipped, or still ahead of it.

use std::collections::VecDeque;

use crate::time::Time;
use crate::trace::MsgId;

/// A record in a partition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Record {
    /// The message it carries.
    pub msg: MsgId,
    /// Its business key.
    pub key: u32,
    /// When it was appended.
    pub at: Time,
}

/// Where a group starts reading a partition it has no position in: the
/// scenario's `offset_reset` (earliest: replay the retained history;
/// latest: only what is appended from then on).
pub use crate::scenario::OffsetResetKind as OffsetReset;

/// An append-only log.
#[derive(Clone, Debug, Default)]
pub struct Partition {
    /// The offset of `records[0]`.
    start: u64,
    records: VecDeque<Record>,
}

impl Partition {
    /// Appends `r`; returns its offset.
    pub fn append(&mut self, r: Record) -> u64 {
        self.records.push_back(r);
        self.end() - 1
    }

    /// The offset of the oldest record kept.
    pub fn earliest(&self) -> u64 {
        self.start
    }

    /// The offset the next record will get (the log end offset).
    pub fn end(&self) -> u64 {
        self.start + self.records.len() as u64
    }

    /// Removes records appended at or before `now − max_age` and the oldest
    /// beyond `max_count`, handing each to `gone`; returns how many.
    pub fn retain(
        &mut self,
        now: Time,
        max_age: Option<Time>,
        max_count: Option<u64>,
        mut gone: impl FnMut(Record),
    ) -> u64 {
        let before = self.start;
        while let Some(&r) = self.records.front() {
            let old = max_age.is_some_and(|age| r.at.saturating_add(age) <= now);
            let over = max_count.is_some_and(|n| self.records.len() as u64 > n);
            if !old && !over {
                break;
            }
            self.records.pop_front();
            self.start += 1;
            gone(r);
        }
        self.start - before
    }

    /// Removes the records from offset `end` on (a new leader did not have
    /// them), handing each to `gone`.
    pub fn truncate(&mut self, end: u64, mut gone: impl FnMut(Record)) {
        while self.end() > end.max(self.start) {
            if let Some(r) = self.records.pop_back() {
                gone(r);
            }
        }
    }

    /// Records kept now.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Whether no record is kept.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Bytes held.
    pub fn heap_bytes(&self) -> u64 {
        crate::memory::vec_bytes::<Record>(self.records.capacity())
    }

    /// The record at `offset`, if it is kept.
    pub fn get(&self, offset: u64) -> Option<&Record> {
        self.records.get(usize::try_from(offset.checked_sub(self.start)?).ok()?)
    }
}

/// A consumer group's place in one partition.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GroupCursor {
    /// The next offset it will read, once it has a position.
    pub position: Option<u64>,
    /// The offset it committed (the next it would read after a restart).
    pub committed: Option<u64>,
    /// Records it will never read (gone before it got to them, or before
    /// its start at the latest offset).
    pub skipped: u64,
    /// The furthest it has read or skipped to: every offset before it was
    /// read or skipped.
    pub reached: u64,
    /// After a rebuild: where its replay ends (what it had reached).
    pub replay_to: u64,
    /// How far a replay has got: every record below it was read again or
    /// counted gone.
    pub gone_mark: u64,
    /// Records a replay could not read again: the retention removed them
    /// first.
    pub gone_again: u64,
}

impl GroupCursor {
    /// Up to `max` records from where the group is (starting by `reset` if
    /// it has no position, and jumping to the log's start, counting what it
    /// skipped, if that is gone): their offsets. The position moves past them.
    pub fn poll(&mut self, log: &Partition, reset: OffsetReset, max: u64) -> std::ops::Range<u64> {
        self.poll_to(log, reset, max, log.end())
    }

    /// [`poll`](Self::poll), reading no further than `visible` (the high
    /// watermark: what every in-sync replica has).
    pub fn poll_to(&mut self, log: &Partition, reset: OffsetReset, max: u64, visible: u64) -> std::ops::Range<u64> {
        let end = visible.clamp(log.earliest(), log.end());
        let at = self.next(log, reset, end);
        // A replay jumping past records it read before: gone from it.
        if let Some(want) = self.position.or(self.committed)
            && want < self.replay_to
        {
            let to = at.min(self.replay_to);
            self.gone_again += to.saturating_sub(want.max(self.gone_mark));
            self.gone_mark = self.gone_mark.max(to);
        }
        // Jumping past offsets it never reached: those it will never read.
        self.skipped += at.saturating_sub(self.reached);
        let to = at.saturating_add(max).min(end);
        // Below it now, every record of the replay was read again or is gone.
        if self.gone_mark < self.replay_to {
            self.gone_mark = self.gone_mark.max(to);
        }
        self.position = Some(to);
        self.reached = self.reached.max(to);
        at..to
    }

    /// The offset the group reads next: its position, else its committed
    /// offset, else where `reset` says — within what is kept, and no
    /// further than `end`.
    pub fn next(&self, log: &Partition, reset: OffsetReset, end: u64) -> u64 {
        let at = self.position.or(self.committed).unwrap_or(match reset {
            OffsetReset::Earliest => log.earliest(),
            OffsetReset::Latest => end,
        });
        at.clamp(log.earliest(), end)
    }

    /// Commits `offset` (the next to read; an offset the group has been at
    /// since it last started).
    /// Committed offsets only move forward: an older commit, arriving late,
    /// is ignored. Returns whether it moved.
    pub fn commit(&mut self, offset: u64) -> bool {
        if self.committed.is_some_and(|c| c >= offset) {
            return false;
        }
        self.committed = Some(offset);
        true
    }

    /// After a crash or a rebalance the group resumes from its committed
    /// offset: what it had read past it is read again.
    pub fn rewind(&mut self) {
        self.position = None;
    }

    /// A rebuild: the group reads again from `offset` (the one move of the
    /// committed offset backwards; every offset it had reached stays read).
    pub fn restart_at(&mut self, offset: u64) {
        self.position = None;
        self.committed = Some(offset);
        self.replay_to = self.replay_to.max(self.reached);
        self.gone_mark = offset;
    }

    /// Records appended and not yet committed: the lag.
    pub fn lag(&self, log: &Partition) -> u64 {
        log.end() - self.committed.unwrap_or(log.earliest()).clamp(log.earliest(), log.end())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn rec(i: u32, at: Time) -> Record {
        Record { msg: i, key: i % 3, at }
    }

    #[test]
    fn offsets_count_up_and_retention_moves_the_start() {
        let mut p = Partition::default();
        for i in 0..10 {
            assert_eq!(p.append(rec(i, u64::from(i) * 100)), u64::from(i));
        }
        assert_eq!(p.retain(450, Some(200), None, |_| {}), 3, "appended at 0, 100 and 200");
        assert_eq!((p.earliest(), p.end()), (3, 10));
        assert_eq!(p.retain(450, None, Some(4), |_| {}), 3);
        assert_eq!(p.get(6).map(|r| r.msg), Some(6));
        assert_eq!(p.get(5), None, "gone");
    }

    #[test]
    fn a_late_group_replays_or_skips_and_commits_only_move_forward() {
        let mut p = Partition::default();
        for i in 0..6 {
            p.append(rec(i, 0));
        }
        let mut replay = GroupCursor::default();
        assert_eq!(replay.poll(&p, OffsetReset::Earliest, 4), 0..4);
        let mut latest = GroupCursor::default();
        assert_eq!(latest.poll(&p, OffsetReset::Latest, 4), 6..6, "only what comes next");
        assert!(replay.commit(4));
        assert!(!replay.commit(2), "a late, older commit is ignored");
        assert_eq!(replay.lag(&p), 2);
        // Retention outruns a group that was away: it skips what is gone.
        p.retain(1, None, Some(1), |_| {});
        replay.rewind();
        assert_eq!(replay.poll(&p, OffsetReset::Earliest, 10), 5..6);
        assert_eq!(replay.skipped, 1, "offset 4 expired unread");
    }

    proptest! {
        /// Whatever the appends, retention, polls, commits and rewinds:
        /// committed offsets never move back, the lag never exceeds the log,
        /// and every offset the group has reached was read or skipped, never
        /// both (read ones may be read again after a rewind).
        #[test]
        fn every_record_is_read_skipped_or_ahead(
            latest in any::<bool>(),
            ops in proptest::collection::vec((0u8..5, 0u64..6), 0..200),
        ) {
            let reset = if latest { OffsetReset::Latest } else { OffsetReset::Earliest };
            let mut p = Partition::default();
            let mut g = GroupCursor::default();
            let mut read = std::collections::BTreeSet::new();
            let mut last_commit = None;
            // Commits are of offsets the group has been at since it last
            // (re)started, as every commit policy makes them.
            let mut first = None;
            for (now, (op, n)) in ops.into_iter().enumerate() {
                match op {
                    0 => { for _ in 0..n { p.append(rec(0, now as Time)); } }
                    1 => { p.retain(now as Time, Some(20), Some(n + 3), |_| {}); }
                    2 => {
                        let got = g.poll(&p, reset, n);
                        first = first.or(Some(got.start));
                        for o in got {
                            prop_assert!(p.get(o).is_some(), "read a record that is gone");
                            read.insert(o);
                        }
                    }
                    3 => {
                        if let (Some(pos), Some(first)) = (g.position, first) {
                            g.commit(pos.saturating_sub(n).max(first));
                        }
                    }
                    _ => {
                        g.rewind();
                        first = None;
                    }
                }
                prop_assert!(g.committed >= last_commit, "committed moved back");
                last_commit = g.committed;
                prop_assert!(g.lag(&p) <= p.end() - p.earliest());
                prop_assert!(g.reached <= p.end());
                prop_assert!(read.iter().all(|&o| o < g.reached));
                prop_assert_eq!(read.len() as u64 + g.skipped, g.reached, "read {:?}, skipped {}", read, g.skipped);
            }
        }
    }
}
