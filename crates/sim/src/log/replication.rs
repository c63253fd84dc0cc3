//! A partition's replicas on a cluster of brokers: the leader takes appends,
//! followers copy its log, and the in-sync replicas (ISR) decide what is
//! committed — the high watermark, the lowest log end among them. What a
//! producer's `acks` waits for:
//!
//! - `acks=0`: nothing (the record may not even have reached the leader);
//! - `acks=1`: the leader has it (lost if the leader fails before a follower
//!   copied it);
//! - `acks=all`: every in-sync replica has it, and there are at least
//!   `min_insync` of them (else the append is refused) — with a replication
//!   factor of 2 or more, one broker's crash loses nothing acknowledged.
//!
//! A leader that fails hands the partition to an in-sync follower (after a
//! failover delay the engine schedules); records beyond the new leader's log
//! end are gone, and any that had been acknowledged are counted as lost. With
//! no in-sync follower up, the partition has no leader (no unclean election)
//! until the failed leader's broker is back: its log survives on its disk.

/// What a producer waits for before a record counts as acknowledged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Acks {
    /// Nothing.
    None,
    /// The leader.
    Leader,
    /// Every in-sync replica.
    All,
}

/// One replica of the partition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Replica {
    /// The broker it lives on.
    pub broker: u32,
    /// Its log end offset: it holds offsets `0..leo`.
    pub leo: u64,
    /// In the in-sync set.
    pub in_sync: bool,
    /// Its broker is up.
    pub up: bool,
}

/// A partition's replicas.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Replicas {
    /// Every replica; `leader` indexes it.
    pub replicas: Vec<Replica>,
    /// The leader, if any replica can lead.
    pub leader: Option<usize>,
    /// Fewest in-sync replicas an `acks=all` append needs.
    pub min_insync: u32,
    /// The highest offset acknowledged to a producer, plus one.
    pub acked_end: u64,
    /// Acknowledged records lost in a failover.
    pub lost_acked: u64,
    /// The leader that failed with no in-sync replica to take over.
    offline_leader: Option<usize>,
}

impl Replicas {
    /// Replicas on `brokers` (the first leads), all in sync, empty.
    pub fn new(brokers: &[u32], min_insync: u32) -> Replicas {
        let replicas = brokers.iter().map(|&broker| Replica { broker, leo: 0, in_sync: true, up: true }).collect();
        let leader = (!brokers.is_empty()).then_some(0);
        Replicas { replicas, leader, min_insync, acked_end: 0, lost_acked: 0, offline_leader: None }
    }

    fn in_sync(&self) -> impl Iterator<Item = &Replica> {
        self.replicas.iter().filter(|r| r.in_sync && r.up)
    }

    /// The in-sync replicas that are up, a bit each (replica `k`: bit `k`).
    pub fn in_sync_mask(&self) -> u32 {
        self.replicas.iter().enumerate().filter(|(_, r)| r.in_sync && r.up).fold(0, |m, (k, _)| m | 1 << k)
    }

    /// The high watermark: what every in-sync replica holds.
    pub fn high_watermark(&self) -> u64 {
        self.in_sync().map(|r| r.leo).min().unwrap_or(0)
    }

    /// The leader appends a record: its offset, or `None` if there is no
    /// leader, or `acks=all` finds too few in-sync replicas.
    pub fn append(&mut self, acks: Acks) -> Option<u64> {
        let l = self.leader?;
        if acks == Acks::All && (self.in_sync().count() as u32) < self.min_insync {
            return None;
        }
        let r = &mut self.replicas[l];
        r.leo += 1;
        Some(r.leo - 1)
    }

    /// Follower `i` has copied the leader's log up to `leo`.
    pub fn fetched(&mut self, i: usize, leo: u64) {
        let Some(l) = self.leader else { return };
        let top = self.replicas[l].leo;
        let r = &mut self.replicas[i];
        if r.up {
            r.leo = r.leo.max(leo.min(top));
            // Caught up again: back in the in-sync set.
            if r.leo == top {
                r.in_sync = true;
            }
        }
    }

    /// A follower that lags too long leaves the in-sync set.
    pub fn drop_from_isr(&mut self, i: usize) {
        if Some(i) != self.leader {
            self.replicas[i].in_sync = false;
        }
    }

    /// Whether the record at `offset` is acknowledged under `acks` (the
    /// engine asks when it may confirm); an acknowledged record is counted.
    pub fn acknowledged(&mut self, offset: u64, acks: Acks) -> bool {
        let done = match acks {
            Acks::None => true,
            Acks::Leader => self.leader.is_some_and(|l| self.replicas[l].leo > offset),
            // Kafka's NotEnoughReplicasAfterAppend: the in-sync set may have
            // shrunk since the append.
            Acks::All => self.high_watermark() > offset && self.in_sync().count() as u32 >= self.min_insync,
        };
        if done {
            self.acked_end = self.acked_end.max(offset + 1);
        }
        done
    }

    /// The broker of replica `i` fails: it leaves the in-sync set (its log
    /// stays on its disk); if it led, the first in-sync replica still up
    /// leads, and every replica's log is cut to the new leader's end. Returns
    /// the acknowledged records lost.
    pub fn fail(&mut self, i: usize) -> u64 {
        self.replicas[i].up = false;
        self.replicas[i].in_sync = false;
        if self.leader != Some(i) {
            return 0;
        }
        self.leader = self.replicas.iter().position(|r| r.in_sync && r.up);
        let Some(l) = self.leader else {
            self.offline_leader = Some(i);
            return 0;
        };
        let end = self.replicas[l].leo;
        for r in &mut self.replicas {
            r.leo = r.leo.min(end);
        }
        let lost = self.acked_end.saturating_sub(end);
        self.acked_end = self.acked_end.min(end);
        self.lost_acked += lost;
        lost
    }

    /// The broker of replica `i` is back. If it was the leader the partition
    /// waited for, it leads again; else it drops what the leader does not
    /// have and copies from it, out of the in-sync set until it catches up.
    pub fn recover(&mut self, i: usize) {
        if self.replicas[i].up {
            return;
        }
        self.replicas[i].up = true;
        if self.leader.is_none() && self.offline_leader == Some(i) {
            self.offline_leader = None;
            self.leader = Some(i);
            self.replicas[i].in_sync = true;
            return;
        }
        let end = self.leader.map_or(0, |l| self.replicas[l].leo);
        let r = &mut self.replicas[i];
        r.leo = r.leo.min(end);
        r.in_sync = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn acks_1_loses_what_the_followers_had_not_copied_and_acks_all_loses_nothing() {
        let mut r = Replicas::new(&[0, 1, 2], 2);
        for _ in 0..5 {
            let o = r.append(Acks::Leader).unwrap();
            assert!(r.acknowledged(o, Acks::Leader));
        }
        r.fetched(1, 3);
        r.fetched(2, 2);
        assert_eq!(r.high_watermark(), 2);
        assert_eq!(r.fail(0), 2, "offsets 3 and 4 were acknowledged and only the leader had them");
        assert_eq!(r.leader, Some(1));

        let mut r = Replicas::new(&[0, 1], 2);
        let o = r.append(Acks::All).unwrap();
        assert!(!r.acknowledged(o, Acks::All), "not until the follower has it");
        r.fetched(1, 1);
        assert!(r.acknowledged(o, Acks::All));
        r.append(Acks::All).unwrap();
        assert_eq!(r.fail(0), 0, "only the unacknowledged record is gone");
        assert_eq!(r.append(Acks::All), None, "one in-sync replica left, two needed");

        // No in-sync follower up: no leader (no unclean election), until the
        // old leader's broker is back with its log.
        let mut r = Replicas::new(&[0, 1], 1);
        for _ in 0..3 {
            let o = r.append(Acks::All).unwrap();
            r.fetched(1, o + 1);
            assert!(r.acknowledged(o, Acks::All));
        }
        r.drop_from_isr(1);
        r.append(Acks::All).unwrap();
        assert!(r.acknowledged(3, Acks::All), "min in-sync 1: the leader alone suffices");
        assert_eq!(r.fail(0), 0);
        assert_eq!((r.leader, r.append(Acks::Leader)), (None, None), "offline");
        r.recover(1);
        assert_eq!(r.leader, None, "an out-of-sync follower does not lead");
        r.recover(0);
        assert_eq!((r.leader, r.replicas[0].leo), (Some(0), 4), "the leader is back with its whole log");
        assert_eq!(r.lost_acked, 0);
    }

    proptest! {
        /// With acks=all, a replication factor of 2 or 3, followers falling
        /// out of the in-sync set and any one broker failing at any moment
        /// (and perhaps coming back), nothing acknowledged is lost (min
        /// in-sync replicas 2).
        #[test]
        fn acks_all_survives_any_one_crash(
            rf in 2usize..=3,
            ops in proptest::collection::vec((0u8..5, 0usize..3, 0u64..4), 0..120),
            crash in 0usize..3,
            at in 0usize..120,
        ) {
            let brokers: Vec<u32> = (0..rf as u32).collect();
            let mut r = Replicas::new(&brokers, 2);
            let mut pending = Vec::new();
            for (step, (op, who, n)) in ops.into_iter().enumerate() {
                if step == at {
                    r.fail(crash % rf);
                }
                match op {
                    0 => pending.extend(r.append(Acks::All)),
                    1 => {
                        let top = r.leader.map_or(0, |l| r.replicas[l].leo);
                        let i = who % rf;
                        r.fetched(i, top.saturating_sub(n));
                    }
                    2 => pending.retain(|&o| !r.acknowledged(o, Acks::All)),
                    3 => r.drop_from_isr(who % rf),
                    _ => r.recover(who % rf),
                }
            }
            prop_assert_eq!(r.lost_acked, 0);
        }
    }
}
