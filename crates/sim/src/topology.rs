//! The compiled topology: node instances and the resolved link between each
//! pair that talks.

use std::sync::Arc;

use serde::Serialize;

use crate::dist::Dist;
use crate::scenario::{Scenario, Window};
use crate::time::{self, Time};
use crate::trace::{NO_NODE, NodeId};

/// The role of a node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    /// A producer instance.
    Producer,
    /// An exchange: routes what it receives to its bound queues.
    Exchange,
    /// A broker holding one queue.
    Queue,
    /// A consumer instance (a service, which may publish downstream).
    Consumer,
    /// A topic on a log broker: partitions of records, kept after reading.
    Topic,
    /// A member of a consumer group reading a topic.
    Member,
    /// The service that does one step of a saga (and its compensation).
    SagaService,
}

/// One node of the running system, with the attributes the views show.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Node {
    /// Display name: the group name, with `-1`, `-2`, … when the group has several instances.
    pub name: String,
    /// Producer, exchange, queue or consumer.
    pub kind: NodeKind,
    /// Index of the group in the scenario's list of that kind.
    pub group: usize,
    /// Instance number within the group, from 0.
    pub instance: u32,
    /// Index among nodes of the same kind (producer 0, 1, …; queue 0, …).
    pub index: usize,
    /// Consumers: the queue they read; members: their topic; queues and
    /// topics: themselves; others: [`NO_NODE`].
    pub queue: NodeId,
    /// Producers and publishing services: where they send (a queue or an
    /// exchange); a choreography's saga services: the next step's service;
    /// others: [`NO_NODE`].
    pub target: NodeId,
    /// Queues: most ready messages held (`None`: unbounded). Topics: the
    /// number of partitions.
    pub capacity: Option<u32>,
    /// Consumers: processing slots.
    pub slots: u32,
    /// Consumers: the prefetch window of their queue, with manual acks (0: none).
    pub prefetch: u32,
    /// Queues: whether messages survive a crash of the broker.
    pub durable: bool,
    /// Producers: they call the consumers of their target directly (sync mode).
    pub sync: bool,
    /// Topics: the brokers of their cluster (partition `p` is first led by
    /// broker `p % brokers`).
    pub brokers: u32,
    /// Topics: the copies of each partition (the replication factor).
    pub replicas: u32,
}

/// What an edge between two nodes carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EdgeKind {
    /// Packets over the network, both ways (messages one way, answers back).
    Link,
    /// An exchange's binding to a queue, inside the broker (no network).
    Binding,
}

/// Two nodes that talk, in the direction messages flow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Edge {
    /// Where messages come from.
    pub from: NodeId,
    /// Where they go.
    pub to: NodeId,
    /// Network link or binding.
    pub kind: EdgeKind,
}

/// An exchange's routing: the routing key's classes and each binding's queue
/// and keys.
#[derive(Clone, Debug, PartialEq)]
struct Route {
    direct: bool,
    classes: Option<u32>,
    /// `(queue node, routing keys; None: every key)`.
    bindings: Vec<(NodeId, Option<Vec<u32>>)>,
}

/// A link's outage windows as an interval index: sorted, overlapping windows
/// merged, shared (not copied) by every link that has them. Asking whether a
/// moment is in an outage is a binary search, whatever the number of windows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Outages(Arc<[(Time, Time)]>);

impl Outages {
    /// The index of `windows` (milliseconds, half-open `[from, to)`).
    pub fn new(windows: &[Window]) -> Self {
        let w: Vec<(Time, Time)> =
            windows.iter().map(|w| (time::ms(w.from_ms), time::ms(w.to_ms))).filter(|(a, b)| a < b).collect();
        let mut merged: Vec<(Time, Time)> = Vec::with_capacity(w.len());
        // By start (windows that start together merge whatever their order).
        for (a, b) in crate::sorted::order_by(w.len(), |i| w[i].0).into_iter().map(|i| w[i]) {
            match merged.last_mut() {
                Some(last) if a <= last.1 => last.1 = last.1.max(b),
                _ => merged.push((a, b)),
            }
        }
        Outages(merged.into())
    }

    /// Whether `t` falls in a window. (The search is out of line: most links
    /// have no outages, and every packet asks.)
    #[inline]
    pub fn contains(&self, t: Time) -> bool {
        !self.0.is_empty() && self.search(t)
    }

    #[inline(never)]
    fn search(&self, t: Time) -> bool {
        let after = self.0.partition_point(|&(a, _)| a <= t);
        after > 0 && t < self.0[after - 1].1
    }

    /// The merged windows, in order.
    pub fn windows(&self) -> &[(Time, Time)] {
        &self.0
    }
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
    /// Outage windows.
    pub outages: Outages,
}

impl Link {
    /// Whether `t` falls in an outage window.
    #[inline]
    pub fn is_down(&self, t: Time) -> bool {
        self.outages.contains(t)
    }
}

/// Every node, how they are connected, and the link for every ordered pair
/// of nodes.
#[derive(Clone, Debug)]
pub struct Topology {
    /// Producers first, then exchanges, queues and consumers.
    pub nodes: Vec<Node>,
    links: Vec<Link>,
    /// `link_of[from * n + to]` indexes `links`.
    link_of: Vec<u16>,
    /// Routing of each exchange, by exchange index.
    routes: Vec<Route>,
    edges: Vec<Edge>,
    /// Each node's layer: its distance from the producers along the way
    /// messages flow (the longest way).
    layers: Vec<u16>,
    /// The consumer group reading each queue, by queue index.
    readers: Vec<Option<usize>>,
    /// Each topic's subscriptions (see [`Topology::subscriptions`]), by topic index.
    topic_subs: Vec<Vec<u32>>,
    /// Groups reading topics, in file order: `(consumer group, topic index)`.
    pub log_groups: Vec<(usize, usize)>,
}

impl Topology {
    /// Builds the topology of a **validated** scenario.
    pub fn new(s: &Scenario) -> Self {
        let producers = s.producers.iter().map(|p| p.count as usize).sum::<usize>();
        let exchange_base = producers;
        let queue_base = exchange_base + s.exchanges.len();
        let queue_id = |name: &str| s.queues.iter().position(|q| q.name == name).map(|i| (queue_base + i) as NodeId);
        let consumers = s.consumers.iter().filter(|c| queue_id(&c.from).is_some()).map(|c| c.count as usize);
        let topic_base = queue_base + s.queues.len() + consumers.sum::<usize>();
        let topic_index = |name: &str| s.topics.iter().position(|t| t.name == name);
        let target_id = |name: &str| {
            queue_id(name)
                .or_else(|| s.exchanges.iter().position(|x| x.name == name).map(|i| (exchange_base + i) as NodeId))
                .or_else(|| topic_index(name).map(|i| (topic_base + i) as NodeId))
        };
        let mut nodes = Vec::new();
        let mut groups: Vec<&str> = Vec::new(); // group name of each node
        let instance_name = |name: &str, count: u32, i: u32| {
            if count == 1 { name.to_string() } else { format!("{name}-{}", i + 1) }
        };
        let blank = |name: String, kind, group, instance, index| Node {
            name,
            kind,
            group,
            instance,
            index,
            queue: NO_NODE,
            target: NO_NODE,
            capacity: None,
            slots: 0,
            prefetch: 0,
            durable: false,
            sync: false,
            brokers: 0,
            replicas: 0,
        };
        let mut index = 0;
        for (g, p) in s.producers.iter().enumerate() {
            for i in 0..p.count {
                nodes.push(Node {
                    target: target_id(&p.to).unwrap_or(NO_NODE),
                    sync: p.send.mode == crate::scenario::SendMode::Sync,
                    ..blank(instance_name(&p.name, p.count, i), NodeKind::Producer, g, i, index)
                });
                groups.push(&p.name);
                index += 1;
            }
        }
        for (g, x) in s.exchanges.iter().enumerate() {
            nodes.push(blank(x.name.clone(), NodeKind::Exchange, g, 0, g));
            groups.push(&x.name);
        }
        for (g, q) in s.queues.iter().enumerate() {
            let id = nodes.len() as NodeId;
            nodes.push(Node {
                queue: id,
                capacity: q.capacity,
                durable: q.durable,
                ..blank(q.name.clone(), NodeKind::Queue, g, 0, g)
            });
            groups.push(&q.name);
        }
        index = 0;
        for (g, c) in s.consumers.iter().enumerate() {
            let queue = s.queues.iter().find(|q| q.name == c.from);
            if queue.is_none() {
                continue; // a group on a topic: its members come last
            }
            for i in 0..c.count {
                nodes.push(Node {
                    queue: queue_id(&c.from).unwrap_or(NO_NODE),
                    target: c.publish.as_ref().and_then(|p| target_id(&p.to)).unwrap_or(NO_NODE),
                    slots: c.concurrency,
                    prefetch: queue.filter(|q| q.ack == crate::scenario::AckMode::Manual).map_or(0, |q| q.prefetch),
                    ..blank(instance_name(&c.name, c.count, i), NodeKind::Consumer, g, i, index)
                });
                groups.push(&c.name);
                index += 1;
            }
        }
        for (t, topic) in s.topics.iter().enumerate() {
            let id = nodes.len() as NodeId;
            nodes.push(Node {
                queue: id,
                capacity: Some(topic.partitions),
                brokers: topic.brokers,
                replicas: topic.replication_factor.clamp(1, topic.brokers.max(1)),
                durable: true,
                ..blank(topic.name.clone(), NodeKind::Topic, t, 0, t)
            });
            groups.push(&topic.name);
        }
        index = 0;
        let mut log_groups = Vec::new();
        for (g, c) in s.consumers.iter().enumerate() {
            let Some(t) = topic_index(&c.from) else { continue };
            log_groups.push((g, t));
            for i in 0..c.count {
                nodes.push(Node {
                    queue: (topic_base + t) as NodeId,
                    target: c.publish.as_ref().and_then(|p| target_id(&p.to)).unwrap_or(NO_NODE),
                    slots: 1,
                    ..blank(instance_name(&c.name, c.count, i), NodeKind::Member, g, i, index)
                });
                groups.push(&c.name);
                index += 1;
            }
        }
        // Each saga step's service, after everything else.
        index = 0;
        for (g, c) in s.consumers.iter().enumerate() {
            let Some(saga) = &c.saga else { continue };
            let chained = saga.protocol == crate::scenario::Protocol::Choreography;
            for (j, step) in saga.steps.iter().enumerate() {
                // In a choreography each service passes the saga to the next.
                let next = (chained && j + 1 < saga.steps.len()).then(|| nodes.len() as NodeId + 1);
                nodes.push(Node {
                    target: next.unwrap_or(NO_NODE),
                    ..blank(step.service.clone(), NodeKind::SagaService, g, j as u32, index)
                });
                groups.push(&step.service);
                index += 1;
            }
        }
        // A topic's subscriptions: one per group reading it, numbered after
        // the queues (a record takes effect once in each group).
        let mut topic_subs = vec![Vec::new(); s.topics.len()];
        for (j, &(_, t)) in log_groups.iter().enumerate() {
            topic_subs[t].push((s.queues.len() + j) as u32);
        }
        let routes = s
            .exchanges
            .iter()
            .map(|x| Route {
                direct: x.kind == crate::scenario::ExchangeKind::Direct,
                classes: x.classes,
                bindings: x.bindings.iter().filter_map(|b| Some((queue_id(&b.queue)?, b.keys.clone()))).collect(),
            })
            .collect();
        let readers = s.queues.iter().map(|q| s.consumers.iter().position(|c| c.from == q.name)).collect();

        let (links, link_of) = resolve_links(s, &groups);
        let mut t = Topology {
            nodes,
            links,
            link_of,
            routes,
            edges: Vec::new(),
            layers: Vec::new(),
            readers,
            topic_subs,
            log_groups,
        };
        t.edges = t.find_edges();
        t.layers = t.find_layers();
        t
    }

    /// Every pair of nodes that talk, in the direction messages flow: each
    /// producer to its target (or, calling synchronously, to each consumer
    /// it calls), each exchange to its bound queues, each queue to its
    /// consumers, each publishing service to its target.
    fn find_edges(&self) -> Vec<Edge> {
        let mut out = Vec::new();
        let link = |from: usize, to: NodeId| Edge { from: from as NodeId, to, kind: EdgeKind::Link };
        for (i, n) in self.nodes.iter().enumerate() {
            match n.kind {
                NodeKind::Producer if n.sync => out.extend(self.consumers_of(n.target).into_iter().map(|c| link(i, c))),
                NodeKind::Producer if n.target != NO_NODE => out.push(link(i, n.target)),
                NodeKind::Exchange => out.extend(self.routes[n.index].bindings.iter().map(|&(q, _)| Edge {
                    from: i as NodeId,
                    to: q,
                    kind: EdgeKind::Binding,
                })),
                NodeKind::Consumer | NodeKind::Member => {
                    if n.queue != NO_NODE {
                        out.push(Edge { from: n.queue, to: i as NodeId, kind: EdgeKind::Link });
                    }
                    if n.target != NO_NODE {
                        out.push(link(i, n.target));
                    }
                }
                // Every instance of its orchestrating group asks it — in a
                // choreography only the first; each service asks the next.
                NodeKind::SagaService => {
                    let passed_on =
                        self.nodes.iter().any(|m| m.kind == NodeKind::SagaService && m.target == i as NodeId);
                    if !passed_on {
                        out.extend(
                            self.ids_of(NodeKind::Consumer)
                                .filter(|&c| self.nodes[usize::from(c)].group == n.group)
                                .map(|c| Edge { from: c, to: i as NodeId, kind: EdgeKind::Link }),
                        );
                    }
                    if n.target != NO_NODE {
                        out.push(link(i, n.target));
                    }
                }
                _ => {}
            }
        }
        out
    }

    /// Layers by the longest way from a producer (the graph has no loops:
    /// validation refuses services that publish in a circle).
    fn find_layers(&self) -> Vec<u16> {
        let n = self.nodes.len();
        let mut layer = vec![0u16; n];
        // At most n rounds of relaxation settle every longest path.
        for _ in 0..n {
            let mut changed = false;
            // A synchronous caller's queue sits between it and the consumers
            // it calls, as it would if the caller sent through it.
            let sync = self
                .nodes
                .iter()
                .enumerate()
                .filter(|(_, p)| p.kind == NodeKind::Producer && p.sync && p.target != NO_NODE)
                .map(|(i, p)| (i as NodeId, p.target));
            // A choreography's services stand in one column, as an
            // orchestrator's do: the saga passing between them is no layer.
            let chained = |from: NodeId, to: NodeId| {
                self.nodes[usize::from(from)].kind == NodeKind::SagaService
                    && self.nodes[usize::from(to)].kind == NodeKind::SagaService
            };
            for (from, to) in self.edges.iter().map(|e| (e.from, e.to)).chain(sync) {
                let want = layer[usize::from(from)].saturating_add(u16::from(!chained(from, to)));
                if layer[usize::from(to)] < want && want < n as u16 + 1 {
                    layer[usize::from(to)] = want;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        layer
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

    /// Every pair of nodes that talk, in the direction messages flow.
    pub fn edges(&self) -> &[Edge] {
        &self.edges
    }

    /// A node's layer: how far from the producers messages reach it.
    pub fn layer(&self, node: NodeId) -> u16 {
        self.layers.get(usize::from(node)).copied().unwrap_or(0)
    }

    /// Whether node `node` is a direct exchange (routes by key).
    pub fn is_direct(&self, node: NodeId) -> bool {
        self.nodes
            .get(usize::from(node))
            .is_some_and(|n| n.kind == NodeKind::Exchange && self.routes.get(n.index).is_some_and(|r| r.direct))
    }

    /// How many layers the graph has (the deepest node's layer + 1).
    pub fn depth(&self) -> u16 {
        self.layers.iter().copied().max().map_or(0, |d| d + 1)
    }

    /// Ids of the members of groups reading topic node `topic`.
    pub fn members_of(&self, topic: NodeId) -> Vec<NodeId> {
        self.ids_of(NodeKind::Member).filter(|&c| self.nodes[usize::from(c)].queue == topic).collect()
    }

    /// Fills `out` with where a message sent to `target` is expected to
    /// take effect, as the ledger numbers subscriptions: a queue's index for each queue it ends
    /// up in (see [`route_into`](Self::route_into)); for a topic, one per
    /// group reading it (numbered after the queues, in the order of
    /// [`log_groups`](Self::log_groups)).
    pub fn subscriptions(&self, target: NodeId, key: u32, route: &mut Vec<NodeId>, out: &mut Vec<u32>) {
        out.clear();
        match self.nodes.get(usize::from(target)) {
            Some(n) if n.kind == NodeKind::Topic => out.extend_from_slice(&self.topic_subs[n.index]),
            _ => {
                self.route_into(target, key, route);
                out.extend(route.iter().map(|&q| self.nodes[usize::from(q)].index as u32));
            }
        }
    }

    /// Log group `j`'s place among the groups reading its topic (its
    /// cursors in the topic, its colour in the views).
    pub fn place_in_topic(&self, j: usize) -> usize {
        let Some(&(_, topic)) = self.log_groups.get(j) else { return 0 };
        self.log_groups[..j].iter().filter(|&&(_, t)| t == topic).count()
    }

    /// The consumer group reading queue node `queue`, if any.
    pub fn reader_group(&self, queue: NodeId) -> Option<usize> {
        let n = self.nodes.get(usize::from(queue))?;
        if n.kind != NodeKind::Queue {
            return None;
        }
        self.readers.get(n.index).copied().flatten()
    }

    /// The queues a message with `key` sent to `target` ends up in: the
    /// target itself if it is a queue, else the exchange's bound queues its
    /// routing key matches (none: unroutable).
    pub fn route_into(&self, target: NodeId, key: u32, out: &mut Vec<NodeId>) {
        out.clear();
        let Some(n) = self.nodes.get(usize::from(target)) else { return };
        match n.kind {
            NodeKind::Queue => out.push(target),
            NodeKind::Exchange => {
                let r = &self.routes[n.index];
                let routing = r.classes.map_or(key, |c| key % c.max(1));
                out.extend(
                    r.bindings
                        .iter()
                        .filter(|(_, keys)| !r.direct || keys.as_ref().is_none_or(|k| k.contains(&routing)))
                        .map(|&(q, _)| q),
                );
            }
            _ => {}
        }
    }
}

/// One link per distinct *set of matching overrides*, and the link of every
/// ordered node pair. Overrides are matched per group pair with integer
/// compares (a scenario has at most 64 overrides, so the set is a `u64`
/// mask), each distinct set is resolved once, and outage windows are indexed
/// once per override and shared: the work and memory grow with the groups and
/// the windows, never with their product.
fn resolve_links(s: &Scenario, groups: &[&str]) -> (Vec<Link>, Vec<u16>) {
    let group_names: Vec<&str> = {
        // Through a set, inserted one by one (validation's sets of names are
        // the same type: no sort of strings of its own).
        let mut g = std::collections::BTreeSet::new();
        for &name in groups {
            g.insert(name);
        }
        g.iter().copied().collect()
    };
    let index = |name: &str| group_names.binary_search(&name).ok();
    // Each override's ends as group indices (None: "*"), and its windows, indexed once.
    let ends: Vec<(Option<usize>, Option<usize>)> = s
        .network
        .links
        .iter()
        .map(|o| (if o.from == "*" { None } else { index(&o.from) }, if o.to == "*" { None } else { index(&o.to) }))
        .collect();
    let outages: Vec<Option<Outages>> =
        s.network.links.iter().map(|o| o.outages.as_deref().map(Outages::new)).collect();
    let default = Link {
        latency: s.network.default.latency.clone(),
        loss: s.network.default.loss,
        duplicate: s.network.default.duplicate,
        outages: Outages::new(&s.network.default.outages),
    };
    let matches = |pat: Option<usize>, g: usize| pat.is_none_or(|p| p == g);
    let g = group_names.len();
    let mut pair_link = vec![0u16; g * g];
    let mut links = vec![default.clone()];
    // The link of each distinct mask, in a list: there are a few (at most
    // one per override set in use), and a map type's code is 2 KB of the page.
    let mut by_mask: Vec<(u64, u16)> = vec![(0, 0)];
    for from in 0..g {
        for to in 0..g {
            let mut mask = 0u64;
            for (i, o) in s.network.links.iter().enumerate().take(64) {
                let (a, b) = ends[i];
                let forward = matches(a, from) && matches(b, to);
                let backward = o.both_ways && matches(a, to) && matches(b, from);
                if forward || backward {
                    mask |= 1 << i;
                }
            }
            if let Some(&(_, l)) = by_mask.iter().find(|(m, _)| *m == mask) {
                pair_link[from * g + to] = l;
                continue;
            }
            let l = {
                let mut link = default.clone();
                for (i, o) in s.network.links.iter().enumerate().take(64) {
                    if mask & (1 << i) == 0 {
                        continue;
                    }
                    if let Some(l) = &o.latency {
                        link.latency = l.clone();
                    }
                    if let Some(p) = o.loss {
                        link.loss = p;
                    }
                    if let Some(p) = o.duplicate {
                        link.duplicate = p;
                    }
                    if let Some(w) = &outages[i] {
                        link.outages = w.clone();
                    }
                }
                if link == default {
                    0
                } else {
                    links.push(link);
                    (links.len() - 1) as u16
                }
            };
            by_mask.push((mask, l));
            pair_link[from * g + to] = l;
        }
    }
    let group_of: Vec<usize> = groups.iter().map(|name| index(name).unwrap_or(0)).collect();
    let n = groups.len();
    let mut link_of = vec![0u16; n * n];
    for from in 0..n {
        for to in 0..n {
            link_of[from * n + to] = pair_link[group_of[from] * g + group_of[to]];
        }
    }
    (links, link_of)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{
        Binding, ConsumerSpec, ExchangeKind, ExchangeSpec, LinkOverride, ProducerSpec, PublishSpec, QueueSpec,
    };

    #[test]
    fn exchanges_route_and_layers_follow_the_flow() {
        let q = |name: &str| QueueSpec { name: name.into(), ..Default::default() };
        let c = |name: &str, from: &str| ConsumerSpec { name: name.into(), from: from.into(), ..Default::default() };
        let s = Scenario {
            producers: vec![ProducerSpec { to: "events".into(), ..Default::default() }],
            exchanges: vec![ExchangeSpec {
                name: "events".into(),
                kind: ExchangeKind::Direct,
                classes: Some(2),
                bindings: vec![
                    Binding { queue: "even".into(), keys: Some(vec![0]) },
                    Binding { queue: "all".into(), keys: None },
                ],
            }],
            queues: vec![q("even"), q("all"), q("next")],
            consumers: vec![
                c("evens", "even"),
                ConsumerSpec {
                    publish: Some(PublishSpec { to: "next".into(), ..Default::default() }),
                    ..c("alls", "all")
                },
                c("last", "next"),
            ],
            ..Default::default()
        };
        s.validate().unwrap();
        let t = Topology::new(&s);
        let id = |name: &str| t.nodes.iter().position(|n| n.name == name).unwrap() as NodeId;
        let mut out = Vec::new();
        t.route_into(id("events"), 4, &mut out);
        assert_eq!(out, vec![id("even"), id("all")]);
        t.route_into(id("events"), 3, &mut out);
        assert_eq!(out, vec![id("all")], "an odd key: only the binding for every key");
        t.route_into(id("next"), 3, &mut out);
        assert_eq!(out, vec![id("next")], "a queue is its own route");
        let layers: Vec<u16> =
            ["orders", "events", "even", "alls", "next", "last"].iter().map(|n| t.layer(id(n))).collect();
        assert_eq!(layers[1..], [1, 2, 3, 4, 5]);
        assert_eq!(t.reader_group(id("next")), Some(2));
        assert!(t.edges().iter().any(|e| e.from == id("events") && e.to == id("all") && e.kind == EdgeKind::Binding));
        assert!(t.edges().iter().any(|e| e.from == id("alls") && e.to == id("next") && e.kind == EdgeKind::Link));
    }

    #[test]
    fn a_choreography_s_services_pass_the_saga_on_and_stand_in_one_column() {
        use crate::scenario::{Protocol, SagaSpec, SagaStep};
        let step = |name: &str| SagaStep { service: name.into(), ..Default::default() };
        let saga = |protocol| SagaSpec {
            protocol,
            steps: vec![step("pay"), step("stock"), step("ship")],
            ..Default::default()
        };
        let s = |protocol| Scenario {
            producers: vec![ProducerSpec { to: "q".into(), ..Default::default() }],
            queues: vec![QueueSpec { name: "q".into(), ..Default::default() }],
            consumers: vec![ConsumerSpec {
                name: "orders".into(),
                from: "q".into(),
                count: 2,
                saga: Some(saga(protocol)),
                ..Default::default()
            }],
            ..Default::default()
        };
        for (protocol, chained) in [(Protocol::Saga, false), (Protocol::Choreography, true)] {
            let t = Topology::new(&s(protocol));
            let id = |name: &str| t.nodes.iter().position(|n| n.name == name).unwrap() as NodeId;
            let into = |to: &str| t.edges().iter().filter(|e| e.to == id(to)).map(|e| e.from).collect::<Vec<_>>();
            let instances = vec![id("orders-1"), id("orders-2")];
            assert_eq!(into("pay"), instances);
            assert_eq!(into("stock"), if chained { vec![id("pay")] } else { instances.clone() });
            assert_eq!(into("ship"), if chained { vec![id("stock")] } else { instances.clone() });
            let layers: Vec<u16> = ["orders-1", "pay", "stock", "ship"].iter().map(|n| t.layer(id(n))).collect();
            assert_eq!(layers, [2, 3, 3, 3], "{protocol:?}");
        }
    }

    #[test]
    fn outage_windows_are_merged_and_searched() {
        let w = |from_ms, to_ms| Window { from_ms, to_ms };
        let o = Outages::new(&[w(5.0, 6.0), w(1.0, 2.0), w(1.5, 3.0), w(3.0, 4.0), w(8.0, 8.0)]);
        assert_eq!(
            o.windows(),
            &[(1_000, 4_000), (5_000, 6_000)],
            "sorted, touching and overlapping merged, empty dropped"
        );
        for (t, down) in
            [(0, false), (999, false), (1_000, true), (3_999, true), (4_000, false), (5_500, true), (6_000, false)]
        {
            assert_eq!(o.contains(t), down, "at {t}");
        }
        assert!(!Outages::default().contains(0));
    }

    #[test]
    fn many_windows_on_every_pair_are_stored_once() {
        // One `*` → `*` override with 10,000 windows over 60 groups: every pair
        // shares the override's one index (before, each pair had a copy).
        let windows: Vec<Window> =
            (0..10_000).map(|i| Window { from_ms: f64::from(i) * 10.0, to_ms: f64::from(i) * 10.0 + 5.0 }).collect();
        let s = Scenario {
            producers: (0..20).map(|i| ProducerSpec { name: format!("p{i}"), ..Default::default() }).collect(),
            queues: (0..20).map(|i| QueueSpec { name: format!("q{i}"), ..Default::default() }).collect(),
            consumers: (0..20)
                .map(|i| ConsumerSpec { name: format!("c{i}"), from: format!("q{i}"), ..Default::default() })
                .collect(),
            network: crate::scenario::Network {
                links: vec![LinkOverride {
                    from: "*".into(),
                    to: "*".into(),
                    outages: Some(windows),
                    ..Default::default()
                }],
                ..Default::default()
            },
            ..Default::default()
        };
        let t = Topology::new(&s);
        assert_eq!(t.links.len(), 2, "the default and one resolved link");
        assert!(t.link(0, 25).is_down(50_001) && !t.link(0, 25).is_down(55_000));
        assert!(Arc::ptr_eq(&t.link(3, 4).outages.0, &t.link(40, 2).outages.0));
    }

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
        assert_eq!(t.nodes[0].target, 2);
        assert_eq!(t.nodes[3].queue, 2);
        assert_eq!(t.link(2, 3).loss, 0.5);
        assert_eq!(t.link(3, 2).loss, 0.5);
        assert_eq!(t.link(0, 2).loss, 0.0);
        assert_eq!(t.consumers_of(2), vec![3]);
    }
}
