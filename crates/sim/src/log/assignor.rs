//! Which member of a consumer group reads which partition, after each
//! rebalance. Members are identified by their index in the group, and both
//! assignors sort them (Kafka sorts member ids), so an assignment depends only
//! on who is in the group, never on the order they joined.
//!
//! - **Range** (Kafka's `RangeAssignor`, per topic): each member gets a
//!   contiguous block of `P / C` partitions, the first `P % C` members one
//!   more.
//! - **Round robin** (`RoundRobinAssignor`): partitions dealt out one at a
//!   time to the members in turn.
//!
//! With more members than partitions, the last members get none and sit
//! idle (the views draw them grey).

/// An assignor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Assignor {
    /// Contiguous blocks.
    Range,
    /// One partition each in turn.
    RoundRobin,
}

impl Assignor {
    /// The partitions of each member in `members` (indices, any order, no
    /// repeats) for a topic of `partitions`: `(member, its partitions in
    /// increasing order)`, members in increasing order.
    pub fn assign(self, members: &[u32], partitions: u32) -> Vec<(u32, Vec<u32>)> {
        let mut sorted = members.to_vec();
        crate::sorted::sort_u32(&mut sorted);
        let c = sorted.len() as u32;
        let mut out: Vec<(u32, Vec<u32>)> = sorted.iter().map(|&m| (m, Vec::new())).collect();
        if c == 0 {
            return out;
        }
        match self {
            Assignor::Range => {
                let (each, extra) = (partitions / c, partitions % c);
                for (i, (_, mine)) in out.iter_mut().enumerate() {
                    let i = i as u32;
                    let start = i * each + i.min(extra);
                    let len = each + u32::from(i < extra);
                    mine.extend(start..start + len);
                }
            }
            Assignor::RoundRobin => {
                for p in 0..partitions {
                    out[(p % c) as usize].1.push(p);
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_gives_blocks_and_round_robin_deals() {
        let range = Assignor::Range.assign(&[2, 0, 1], 8);
        assert_eq!(range, vec![(0, vec![0, 1, 2]), (1, vec![3, 4, 5]), (2, vec![6, 7])]);
        let rr = Assignor::RoundRobin.assign(&[2, 0, 1], 8);
        assert_eq!(rr, vec![(0, vec![0, 3, 6]), (1, vec![1, 4, 7]), (2, vec![2, 5])]);
        // More members than partitions: the last sit idle.
        let idle = Assignor::Range.assign(&[0, 1, 2, 3], 2);
        assert_eq!(idle, vec![(0, vec![0]), (1, vec![1]), (2, vec![]), (3, vec![])]);
        assert!(Assignor::RoundRobin.assign(&[], 4).is_empty());
    }

    /// Every partition has exactly one owner, loads differ by at most one,
    /// and the answer does not depend on the members' order.
    #[test]
    fn every_partition_has_one_owner_and_loads_balance() {
        for assignor in [Assignor::Range, Assignor::RoundRobin] {
            for members in 1..=7u32 {
                for partitions in 0..=20 {
                    let ids: Vec<u32> = (0..members).map(|m| m * 3 + 1).collect();
                    let a = assignor.assign(&ids, partitions);
                    let mut reversed = ids.clone();
                    reversed.reverse();
                    assert_eq!(a, assignor.assign(&reversed, partitions));
                    let mut owned: Vec<u32> = a.iter().flat_map(|(_, ps)| ps.iter().copied()).collect();
                    owned.sort_unstable();
                    assert_eq!(owned, (0..partitions).collect::<Vec<_>>(), "{assignor:?} {members} {partitions}");
                    let loads: Vec<usize> = a.iter().map(|(_, ps)| ps.len()).collect();
                    let (lo, hi) = (loads.iter().min().unwrap(), loads.iter().max().unwrap());
                    assert!(hi - lo <= 1, "{assignor:?}: {loads:?}");
                }
            }
        }
    }
}
