//! A consumer group's membership: members join, leave and crash; each
//! change starts a new generation with a rebalance — a pause during which
//! the group consumes nothing — after which the assignor's partitions hold.
//! Within a generation each partition has at most one owner.

use super::assignor::Assignor;
use crate::time::Time;

/// A consumer group on one topic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    /// How partitions are shared out.
    pub assignor: Assignor,
    /// The topic's partitions.
    pub partitions: u32,
    /// How long a rebalance pauses the group, µs.
    pub pause: Time,
    /// The members now (by index in the group), in order. (A sorted list,
    /// not a `BTreeSet`: a group has a few members, and the set's code
    /// costs the page's download 5 KB.)
    members: Vec<u32>,
    /// Bumped at every change of members.
    pub generation: u32,
    /// Rebalances so far.
    pub rebalances: u32,
    /// The group consumes nothing before this moment.
    pub paused_until: Time,
    /// `(member, its partitions)` of this generation.
    assignment: Vec<(u32, Vec<u32>)>,
}

impl Group {
    /// A group of `members`, assigned at once (the first generation needs no
    /// pause).
    pub fn new(assignor: Assignor, partitions: u32, pause: Time, members: impl IntoIterator<Item = u32>) -> Group {
        let mut list = Vec::new();
        for m in members {
            insert(&mut list, m);
        }
        let members = list;
        let assignment = assignor.assign(&members, partitions);
        Group { assignor, partitions, pause, members, generation: 1, rebalances: 0, paused_until: 0, assignment }
    }

    /// Member `m` joins (or comes back) at `now`: a rebalance, if it was not in.
    pub fn join(&mut self, m: u32, now: Time) -> bool {
        insert(&mut self.members, m) && self.rebalance(now)
    }

    /// Member `m` comes back before the group noticed it had gone: it joins
    /// as a new member would — a rebalance either way.
    pub fn rejoin(&mut self, m: u32, now: Time) -> bool {
        insert(&mut self.members, m);
        self.rebalance(now)
    }

    /// Member `m` leaves or crashes at `now`: a rebalance, if it was in.
    pub fn leave(&mut self, m: u32, now: Time) -> bool {
        match self.members.binary_search(&m) {
            Ok(i) => {
                self.members.remove(i);
                self.rebalance(now)
            }
            Err(_) => false,
        }
    }

    /// The members stay, but everyone starts afresh (a rebuild): a rebalance.
    pub fn restart(&mut self, now: Time) -> bool {
        self.rebalance(now)
    }

    fn rebalance(&mut self, now: Time) -> bool {
        self.assignment = self.assignor.assign(&self.members, self.partitions);
        self.generation += 1;
        self.rebalances += 1;
        self.paused_until = now.saturating_add(self.pause);
        true
    }

    /// Whether the group may consume at `now` (no rebalance under way).
    pub fn consuming(&self, now: Time) -> bool {
        now >= self.paused_until
    }

    /// The member that reads partition `p` in this generation, if any.
    pub fn owner(&self, p: u32) -> Option<u32> {
        self.assignment.iter().find(|(_, ps)| ps.contains(&p)).map(|(m, _)| *m)
    }

    /// The partitions member `m` reads in this generation (none if idle).
    pub fn partitions_of(&self, m: u32) -> &[u32] {
        self.assignment.iter().find(|(x, _)| *x == m).map_or(&[], |(_, ps)| ps.as_slice())
    }

    /// Members with no partition (more members than partitions).
    pub fn idle(&self) -> Vec<u32> {
        self.assignment.iter().filter(|(_, ps)| ps.is_empty()).map(|(m, _)| *m).collect()
    }
}

/// Inserts `m` into the sorted list `list`; whether it was not there.
fn insert(list: &mut Vec<u32>, m: u32) -> bool {
    match list.binary_search(&m) {
        Ok(_) => false,
        Err(i) => {
            list.insert(i, m);
            true
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_crash_pauses_the_group_and_hands_its_partitions_over() {
        let mut g = Group::new(Assignor::Range, 4, 3_000, [0, 1]);
        assert_eq!((g.partitions_of(0), g.partitions_of(1)), (&[0, 1][..], &[2, 3][..]));
        assert!(g.consuming(0));
        assert!(g.leave(1, 10_000));
        assert_eq!((g.generation, g.rebalances), (2, 1));
        assert!(!g.consuming(12_999) && g.consuming(13_000), "paused for the rebalance");
        assert_eq!(g.partitions_of(0), &[0, 1, 2, 3]);
        assert!(!g.leave(1, 20_000), "already gone: no rebalance");
        assert!(g.join(1, 20_000));
        assert_eq!(g.owner(3), Some(1));
        // More members than partitions: the extra ones idle.
        let mut g = Group::new(Assignor::RoundRobin, 2, 0, [0, 1, 2]);
        assert_eq!(g.idle(), vec![2]);
        g.leave(0, 5);
        assert_eq!((g.owner(0), g.owner(1), g.idle()), (Some(1), Some(2), vec![]));
    }

    /// Whatever joins and leaves: every partition has exactly one owner while
    /// the group has members, and none otherwise.
    #[test]
    fn each_partition_has_one_owner_per_generation() {
        let mut rng = crate::rng::SimRng::new(5);
        let mut g = Group::new(Assignor::Range, 6, 100, [0]);
        for step in 0..2_000u64 {
            let m = rng.below(9);
            if rng.chance(0.5) {
                g.join(m, step);
            } else {
                g.leave(m, step);
            }
            for p in 0..6 {
                let owners = (0..9).filter(|&m| g.partitions_of(m).contains(&p)).count();
                assert_eq!(owners, usize::from(!g.members.is_empty()), "partition {p} at step {step}");
            }
        }
    }
}
