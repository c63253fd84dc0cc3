//! The compiled topology: node instances and the resolved link between each
//! pair that talks.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::dist::Dist;
use crate::scenario::{LinkSpec, Scenario};
use crate::time::{self, Time};
use crate::trace::NodeId;

/// The role of a node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    /// A producer instance.
    Producer,
    /// A broker holding one queue.
    Queue,
    /// A consumer instance.
    Consumer,
}

/// One node of the running system.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Node {
    /// Display name: the group name, with `-1`, `-2`, … when the group has several instances.
    pub name: String,
    /// Producer, queue or consumer.
    pub kind: NodeKind,
    /// Index of the group in the scenario's list of that kind.
    pub group: usize,
    /// Instance number within the group, from 0.
    pub instance: u32,
    /// Index among nodes of the same kind (producer 0, 1, …; queue 0, …).
    pub index: usize,
    /// For producers and consumers: the queue node they talk to.
    pub queue: NodeId,
}

/// A link with its parameters in engine units.
#[derive(Clone, Debug, PartialEq)]
pub struct Link {
    /// One-way latency.
    pub latency: Dist,
    /// Loss probability.
    pub loss: f64,
    /// Duplication probability.
    pub duplicate: f64,
    /// Outage windows `[from, to)` in µs.
    pub outages: Vec<(Time, Time)>,
}

impl Link {
    fn from_spec(s: &LinkSpec) -> Self {
        Link {
            latency: s.latency.clone(),
            loss: s.loss,
            duplicate: s.duplicate,
            outages: s.outages.iter().map(|w| (time::ms(w.from_ms), time::ms(w.to_ms))).collect(),
        }
    }

    /// Whether `t` falls in an outage window.
    pub fn is_down(&self, t: Time) -> bool {
        self.outages.iter().any(|&(a, b)| a <= t && t < b)
    }
}

/// Every node, and the link for every ordered pair of nodes.
#[derive(Clone, Debug)]
pub struct Topology {
    /// Producers first, then queues, then consumers.
    pub nodes: Vec<Node>,
    links: Vec<Link>,
    /// `link_of[from * n + to]` indexes `links`.
    link_of: Vec<u16>,
}

impl Topology {
    /// Builds the topology of a **validated** scenario.
    pub fn new(s: &Scenario) -> Self {
        let queue_base = s.producers.iter().map(|p| p.count as usize).sum::<usize>();
        let queue_id = |name: &str| {
            let i = s.queues.iter().position(|q| q.name == name).unwrap_or(0);
            (queue_base + i) as NodeId
        };
        let mut nodes = Vec::new();
        let mut groups: Vec<&str> = Vec::new(); // group name of each node
        let instance_name = |name: &str, count: u32, i: u32| {
            if count == 1 { name.to_string() } else { format!("{name}-{}", i + 1) }
        };
        let mut index = 0;
        for (g, p) in s.producers.iter().enumerate() {
            for i in 0..p.count {
                nodes.push(Node {
                    name: instance_name(&p.name, p.count, i),
                    kind: NodeKind::Producer,
                    group: g,
                    instance: i,
                    index,
                    queue: queue_id(&p.to),
                });
                groups.push(&p.name);
                index += 1;
            }
        }
        for (g, q) in s.queues.iter().enumerate() {
            let id = nodes.len() as NodeId;
            nodes.push(Node {
                name: q.name.clone(),
                kind: NodeKind::Queue,
                group: g,
                instance: 0,
                index: g,
                queue: id,
            });
            groups.push(&q.name);
        }
        index = 0;
        for (g, c) in s.consumers.iter().enumerate() {
            for i in 0..c.count {
                nodes.push(Node {
                    name: instance_name(&c.name, c.count, i),
                    kind: NodeKind::Consumer,
                    group: g,
                    instance: i,
                    index,
                    queue: queue_id(&c.from),
                });
                groups.push(&c.name);
                index += 1;
            }
        }

        // Resolve one link per distinct (from group, to group) pair.
        let n = nodes.len();
        let mut links = vec![Link::from_spec(&s.network.default)];
        let mut link_of = vec![0u16; n * n];
        let mut resolved: BTreeMap<(&str, &str), u16> = BTreeMap::new();
        for from in 0..n {
            for to in 0..n {
                let pair = (groups[from], groups[to]);
                let id = *resolved.entry(pair).or_insert_with(|| {
                    let spec = resolve(s, pair.0, pair.1);
                    if spec == s.network.default {
                        0
                    } else {
                        links.push(Link::from_spec(&spec));
                        (links.len() - 1) as u16
                    }
                });
                link_of[from * n + to] = id;
            }
        }
        Topology { nodes, links, link_of }
    }

    /// The link from `from` to `to`.
    pub fn link(&self, from: NodeId, to: NodeId) -> &Link {
        let n = self.nodes.len();
        &self.links[usize::from(self.link_of[usize::from(from) * n + usize::from(to)])]
    }

    /// Node names, indexed by [`NodeId`].
    pub fn names(&self) -> Vec<String> {
        self.nodes.iter().map(|n| n.name.clone()).collect()
    }

    /// Ids of the nodes of one kind, in order.
    pub fn ids_of(&self, kind: NodeKind) -> impl Iterator<Item = NodeId> + '_ {
        self.nodes.iter().enumerate().filter(move |(_, n)| n.kind == kind).map(|(i, _)| i as NodeId)
    }

    /// Ids of the consumer instances reading queue node `queue`.
    pub fn consumers_of(&self, queue: NodeId) -> Vec<NodeId> {
        self.ids_of(NodeKind::Consumer).filter(|&c| self.nodes[usize::from(c)].queue == queue).collect()
    }
}

/// The link spec from group `from` to group `to`: the default with every
/// matching override applied in order.
fn resolve(s: &Scenario, from: &str, to: &str) -> LinkSpec {
    let mut spec = s.network.default.clone();
    let matches = |pat: &str, name: &str| pat == "*" || pat == name;
    for o in &s.network.links {
        let forward = matches(&o.from, from) && matches(&o.to, to);
        let backward = o.both_ways && matches(&o.from, to) && matches(&o.to, from);
        if forward || backward {
            if let Some(l) = &o.latency {
                spec.latency = l.clone();
            }
            if let Some(p) = o.loss {
                spec.loss = p;
            }
            if let Some(p) = o.duplicate {
                spec.duplicate = p;
            }
            if let Some(w) = &o.outages {
                spec.outages = w.clone();
            }
        }
    }
    spec
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{ConsumerSpec, LinkOverride, ProducerSpec, QueueSpec};

    #[test]
    fn instances_and_overrides() {
        let s = Scenario {
            producers: vec![ProducerSpec { count: 2, ..Default::default() }],
            queues: vec![QueueSpec::default()],
            consumers: vec![ConsumerSpec::default()],
            network: crate::scenario::Network {
                links: vec![LinkOverride {
                    from: "queue".into(),
                    to: "inventory".into(),
                    both_ways: true,
                    loss: Some(0.5),
                    ..Default::default()
                }],
                ..Default::default()
            },
            ..Default::default()
        };
        let t = Topology::new(&s);
        let names: Vec<_> = t.nodes.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(names, ["orders-1", "orders-2", "queue", "inventory"]);
        assert_eq!(t.nodes[0].queue, 2);
        assert_eq!(t.nodes[3].queue, 2);
        assert_eq!(t.link(2, 3).loss, 0.5);
        assert_eq!(t.link(3, 2).loss, 0.5);
        assert_eq!(t.link(0, 2).loss, 0.0);
        assert_eq!(t.consumers_of(2), vec![3]);
    }
}
