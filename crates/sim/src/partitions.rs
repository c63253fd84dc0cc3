//! The state of every topic's partitions at a moment, folded from the trace,
//! for the views: each partition's log end offset and leader, which brokers
//! are down, and which member of each group reads each partition.
//!
//! - `append` moves a partition's end to the record's offset plus one (and
//!   its high watermark, with one copy);
//! - `high_watermark` moves a replicated partition's high watermark and
//!   in-sync set;
//! - `broker_crash` / `broker_restart` mark a broker down or up;
//! - `failover` names a partition's new leader (or none) and its log end
//!   (cut to the new leader's);
//! - a member's `fetch` makes it the partition's reader in its group (the
//!   assignment as the group lives it), and a `rebalance` clears the group's
//!   readers until its members fetch again.
//!
//! Committed offsets and lag are [`Lag`](crate::lag::Lag)'s.

use crate::time::Time;
use crate::topology::{NodeKind, Topology};
use crate::trace::{EventKind, NO_NODE, NodeId, PacketKind, TraceEvent};

/// "No broker leads": every in-sync replica is down.
pub const NO_LEADER: u16 = u16::MAX;

/// One topic's partitions.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TopicState {
    /// The topic's node.
    pub node: NodeId,
    /// Each partition's log end offset (records appended).
    pub ends: Vec<u64>,
    /// Each partition's high watermark: what every in-sync copy holds.
    pub high_watermarks: Vec<u64>,
    /// Each partition's in-sync replicas, a bit each (replica `k` is on
    /// broker `(partition + k) % brokers`).
    pub in_sync: Vec<u32>,
    /// Copies of each partition.
    pub replicas: u32,
    /// Brokers in the cluster.
    pub brokers: u32,
    /// Each partition's leading broker ([`NO_LEADER`]: none)…
    pub leaders: Vec<u16>,
    /// …from this time (before it, a failover is electing it).
    pub leading_from: Vec<Time>,
    /// The cluster's brokers that are down, one bit each.
    pub down: u32,
}

/// One consumer group reading a topic.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GroupState {
    /// The consumer group (its index in the scenario).
    pub group: usize,
    /// Its topic, as an index into [`Partitions::topics`].
    pub topic: usize,
    /// The member reading each partition ([`NO_NODE`]: none yet).
    pub readers: Vec<NodeId>,
    /// The group reads nothing until then (a rebalance).
    pub paused_until: Time,
}

/// Every topic's partitions and every group's readers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Partitions {
    /// Topics, in scenario order.
    pub topics: Vec<TopicState>,
    /// Groups reading topics, in [`Topology::log_groups`] order.
    pub groups: Vec<GroupState>,
    /// Each node's position in `topics` (topics) or `groups` (members).
    slot: Vec<u16>,
}

impl Partitions {
    /// Empty partitions, each led by its first broker.
    pub fn new(t: &Topology) -> Self {
        let mut slot = vec![u16::MAX; t.nodes.len()];
        let topics: Vec<TopicState> = t
            .ids_of(NodeKind::Topic)
            .map(|node| {
                let n = &t.nodes[usize::from(node)];
                let partitions = n.capacity.unwrap_or(1) as usize;
                let brokers = n.brokers.max(1) as usize;
                let replicas = n.replicas.clamp(1, 32);
                slot[usize::from(node)] = n.index as u16;
                TopicState {
                    node,
                    ends: vec![0; partitions],
                    high_watermarks: vec![0; partitions],
                    in_sync: vec![u32::MAX >> (32 - replicas); partitions],
                    replicas,
                    brokers: brokers as u32,
                    leaders: (0..partitions).map(|p| (p % brokers) as u16).collect(),
                    leading_from: vec![0; partitions],
                    down: 0,
                }
            })
            .collect();
        let groups = t
            .log_groups
            .iter()
            .map(|&(group, topic)| GroupState {
                group,
                topic,
                readers: vec![NO_NODE; topics.get(topic).map_or(0, |x| x.ends.len())],
                paused_until: 0,
            })
            .collect();
        for (i, n) in t.nodes.iter().enumerate() {
            if n.kind == NodeKind::Member {
                slot[i] = t.log_groups.iter().position(|&(g, _)| g == n.group).unwrap_or(usize::from(u16::MAX)) as u16;
            }
        }
        Partitions { topics, groups, slot }
    }

    fn topic(&mut self, node: NodeId) -> Option<&mut TopicState> {
        let i = *self.slot.get(usize::from(node))?;
        self.topics.get_mut(usize::from(i))
    }

    fn group(&mut self, member: NodeId) -> Option<&mut GroupState> {
        let i = *self.slot.get(usize::from(member))?;
        self.groups.get_mut(usize::from(i))
    }

    /// Folds one log event (others are ignored; see
    /// [`Metrics::apply`](crate::Metrics::apply), which calls this for them).
    pub fn apply(&mut self, e: &TraceEvent) {
        let part = usize::from(e.delivery);
        match e.kind {
            EventKind::Append => {
                if let Some(t) = self.topic(e.node)
                    && part < t.ends.len()
                {
                    t.ends[part] = u64::from(e.tx) + 1;
                    if t.replicas == 1 {
                        t.high_watermarks[part] = t.ends[part];
                    }
                }
            }
            EventKind::HighWatermark => {
                if let Some(t) = self.topic(e.node)
                    && part < t.ends.len()
                {
                    t.high_watermarks[part] = u64::from(e.tx);
                    t.in_sync[part] = e.key;
                }
            }
            EventKind::BrokerCrash | EventKind::BrokerRestart => {
                if let Some(t) = self.topic(e.node) {
                    let bit = 1u32.checked_shl(u32::from(e.delivery)).unwrap_or(0);
                    if e.kind == EventKind::BrokerCrash {
                        t.down |= bit;
                    } else {
                        t.down &= !bit;
                    }
                }
            }
            EventKind::Failover => {
                if let Some(t) = self.topic(e.node)
                    && part < t.leaders.len()
                {
                    t.leaders[part] = e.attempt;
                    t.leading_from[part] = e.end;
                    t.ends[part] = u64::from(e.key);
                    t.high_watermarks[part] = t.high_watermarks[part].min(u64::from(e.key));
                }
            }
            EventKind::Send if e.packet == PacketKind::Fetch => {
                if let Some(reader) = self.group(e.node).and_then(|g| g.readers.get_mut(part)) {
                    *reader = e.node;
                }
            }
            EventKind::Rebalance => {
                if let Some(g) = self.group(e.node) {
                    g.readers.iter_mut().for_each(|r| *r = NO_NODE);
                    g.paused_until = e.end;
                }
            }
            _ => {}
        }
    }
}
