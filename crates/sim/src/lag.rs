//! Consumer lag, folded from the trace: for every group reading a topic and
//! every partition, the records appended and not yet committed by the group
//! — now, at most, and on average over time.
//!
//! An `append` raises the lag of every group reading the topic by one; a
//! `commit` lowers its group's lag by how far the committed offset moved (a
//! `rebuild` raises it by how far it went back); a
//! `failover` that cuts a partition's log lowers it by what was cut.
//! The time integral is kept as `level × now − stamps` (see
//! [`Metrics`](crate::Metrics)), so a change costs one addition.

use crate::time::Time;
use crate::topology::{NodeKind, Topology};
use crate::trace::NodeId;

/// One level with its maximum and time integral.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Level {
    /// Now.
    pub now: u64,
    /// The most it has been.
    pub max: u64,
    stamps: u128,
}

impl Level {
    fn add(&mut self, d: u64, t: Time) {
        self.now += d;
        self.max = self.max.max(self.now);
        self.stamps = self.stamps.wrapping_add(u128::from(d) * u128::from(t));
    }

    fn sub(&mut self, d: u64, t: Time) {
        let d = d.min(self.now);
        self.now -= d;
        self.stamps = self.stamps.wrapping_sub(u128::from(d) * u128::from(t));
    }

    /// The time-weighted mean over `[0, now]`.
    pub fn mean(&self, now: Time) -> f64 {
        if now == 0 {
            return 0.0;
        }
        (u128::from(self.now) * u128::from(now)).wrapping_sub(self.stamps) as f64 / now as f64
    }
}

/// Lag of every group on a topic.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Lag {
    /// The groups reading each topic (by topic node), as log-group numbers.
    readers: Vec<(NodeId, Vec<usize>)>,
    /// Each consumer group's log-group number (`usize::MAX`: reads a queue).
    log_group: Vec<usize>,
    /// Per log group: the total over its partitions, and each partition's
    /// level and committed offset.
    groups: Vec<(Level, Vec<(Level, u64)>)>,
}

impl Lag {
    /// Zero lag for the groups of `topology`.
    pub fn new(t: &Topology) -> Self {
        let consumer_groups = t.nodes.iter().filter(|n| n.kind == NodeKind::Member).map(|n| n.group + 1).max();
        let mut log_group = vec![usize::MAX; consumer_groups.unwrap_or(0)];
        let mut readers: Vec<(NodeId, Vec<usize>)> = Vec::new();
        let mut groups = Vec::new();
        for (j, &(g, topic)) in t.log_groups.iter().enumerate() {
            log_group[g] = j;
            let node = t.ids_of(NodeKind::Topic).nth(topic).unwrap_or(0);
            let partitions = t.nodes[usize::from(node)].capacity.unwrap_or(1) as usize;
            groups.push((Level::default(), vec![(Level::default(), 0); partitions]));
            match readers.iter_mut().find(|(n, _)| *n == node) {
                Some((_, list)) => list.push(j),
                None => readers.push((node, vec![j])),
            }
        }
        Lag { readers, log_group, groups }
    }

    /// A record was appended to partition `p` of topic node `topic` at `t`.
    pub fn appended(&mut self, topic: NodeId, p: usize, t: Time) {
        let Some((_, list)) = self.readers.iter().find(|(n, _)| *n == topic) else { return };
        for &j in list {
            let (total, parts) = &mut self.groups[j];
            if let Some((level, _)) = parts.get_mut(p) {
                level.add(1, t);
                total.add(1, t);
            }
        }
    }

    /// A failover cut partition `p` of topic node `topic` back to `end` at
    /// `t`: what was cut is no longer there to read (lag is the log end
    /// minus the committed offset, as Kafka reports it).
    pub fn truncated(&mut self, topic: NodeId, p: usize, end: u64, t: Time) {
        let Some((_, list)) = self.readers.iter().find(|(n, _)| *n == topic) else { return };
        for &j in list {
            let (total, parts) = &mut self.groups[j];
            if let Some((level, at)) = parts.get_mut(p) {
                let cut = (level.now + *at).saturating_sub(end.max(*at));
                level.sub(cut, t);
                total.sub(cut, t);
            }
        }
    }

    /// Consumer group `g` committed `offset` in partition `p` at `t`.
    pub fn committed(&mut self, g: usize, p: usize, offset: u64, t: Time) {
        let Some(&j) = self.log_group.get(g).filter(|&&j| j != usize::MAX) else { return };
        let (total, parts) = &mut self.groups[j];
        if let Some((level, at)) = parts.get_mut(p)
            && offset > *at
        {
            level.sub(offset - *at, t);
            total.sub(offset - *at, t);
            *at = offset;
        }
    }

    /// Consumer group `g` rebuilds: its committed offset in partition `p`
    /// went back to `offset` at `t`, and what it will read again is lag.
    pub fn rewound(&mut self, g: usize, p: usize, offset: u64, t: Time) {
        let Some(&j) = self.log_group.get(g).filter(|&&j| j != usize::MAX) else { return };
        let (total, parts) = &mut self.groups[j];
        if let Some((level, at)) = parts.get_mut(p)
            && offset < *at
        {
            level.add(*at - offset, t);
            total.add(*at - offset, t);
            *at = offset;
        }
    }

    /// Consumer group `g`'s committed offset in each partition (none if it
    /// reads a queue).
    pub fn committed_of(&self, g: usize) -> Option<Vec<u64>> {
        let j = *self.log_group.get(g).filter(|&&j| j != usize::MAX)?;
        Some(self.groups[j].1.iter().map(|&(_, at)| at).collect())
    }

    /// The lag of every group together, now.
    pub fn total(&self) -> u64 {
        self.groups.iter().map(|(total, _)| total.now).sum()
    }

    /// Each log group's lag now (the first [`LAG_LINES`] − 1 each, the rest
    /// together in the last).
    ///
    /// [`LAG_LINES`]: crate::timeline::LAG_LINES
    pub fn by_group(&self) -> [u64; crate::timeline::LAG_LINES] {
        let mut lines = [0; crate::timeline::LAG_LINES];
        for (j, (total, _)) in self.groups.iter().enumerate() {
            lines[j.min(lines.len() - 1)] += total.now;
        }
        lines
    }

    /// Consumer group `g`'s total lag and each partition's (none if it reads a queue).
    pub fn of_group(&self, g: usize) -> Option<(Level, Vec<Level>)> {
        let j = *self.log_group.get(g).filter(|&&j| j != usize::MAX)?;
        let (total, parts) = &self.groups[j];
        Some((*total, parts.iter().map(|(l, _)| *l).collect()))
    }
}
