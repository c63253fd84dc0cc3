//! Report counters as a fold over trace events.
//!
//! The engine feeds every event it records through [`Metrics::apply`], so the
//! report is by construction a function of the trace. The UI runs the same
//! fold from a checkpoint to show the counters at any moment of a run.

use serde::{Deserialize, Serialize};

use crate::time::Time;
use crate::topology::{NodeKind, Topology};
use crate::trace::{Cause, EventKind, NO_NODE, PacketKind, TraceEvent};

/// Occurrence counters (each counts events, except where it says messages).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// Messages produced.
    pub produced: u64,
    /// Transmissions of messages by producers (first attempts and retries).
    pub sent: u64,
    /// Message-carrying packets (publish, deliver, request) lost on a link.
    pub lost_in_transit: u64,
    /// Message-carrying packets a link duplicated.
    pub duplicated_in_transit: u64,
    /// Message copies that reached a consumer (records fetched from a topic
    /// included).
    pub delivered: u64,
    /// Effects skipped because the message id was already processed.
    pub dedup_hits: u64,
    /// Effect applications, duplicates included.
    pub effects_applied: u64,
    /// Effect applications beyond the first for a message.
    pub duplicate_effects: u64,
    /// Messages whose effect has been applied at least once.
    pub unique_effects: u64,
    /// Copies moved to a dead-letter queue.
    pub dead_lettered: u64,
    /// Copies refused or evicted by a full queue.
    pub rejected: u64,
    /// Producer retransmissions (attempts after the first).
    pub retries: u64,
    /// Queue deliveries after the first for a message copy.
    pub redeliveries: u64,
    /// First applications that came after a later message with the same key.
    pub ordering_violations: u64,
    /// Acks, confirms, rejects and replies lost on a link.
    pub control_lost: u64,
    /// Timeouts (confirm waits at producers, ack waits at queues).
    pub timeouts: u64,
    /// Messages a producer stopped retrying.
    pub gave_up: u64,
    /// Message copies destroyed in a consumer's hands (crash, node down).
    pub discarded: u64,
    /// Node crashes (consumers; in a graph, producers and brokers too).
    pub crashes: u64,
    /// Messages made by services on account of another (downstream events).
    pub derived: u64,
    /// (Message, queue) pairs expected to take effect: one per message, or
    /// in a graph one per queue it was routed to (one for a message routed
    /// nowhere).
    pub expected: u64,
    /// Records appended to topics.
    pub appended: u64,
    /// Commits recorded by topics.
    pub commits: u64,
    /// Consumer group rebalances.
    pub rebalances: u64,
    /// Records a group skipped: it will never read them (retention, or a
    /// start at the latest offset). A commit before processing that a crash
    /// interrupts skips nothing here: its records count as never applied.
    pub skipped: u64,
    /// Records a producer was told were stored (`acks`) that a partition's
    /// new leader did not have: gone in a failover.
    pub acknowledged_lost: u64,
    /// Partition leader changes.
    pub failovers: u64,
    /// Retries of records a topic already had, dropped (idempotent producers).
    pub deduplicated: u64,
    /// Events lost in a dual write: a service committed its change and
    /// crashed before publishing the event about it (and no redelivery has
    /// published it since). Messages.
    #[serde(default)]
    pub events_lost: u64,
    /// Phantom events: a service published an event and crashed before
    /// committing the change it announces (and no redelivery has committed
    /// it since). Messages.
    #[serde(default)]
    pub phantom_events: u64,
    /// Events a group applying in version order held until an earlier
    /// version took effect (reordered or redelivered ones).
    #[serde(default)]
    pub held: u64,
    /// Sagas that ended with every step done.
    #[serde(default)]
    pub sagas_completed: u64,
    /// Sagas that ended with every step they did compensated.
    #[serde(default)]
    pub sagas_compensated: u64,
    /// Saga steps that failed for a business reason (nothing changed at
    /// their service).
    #[serde(default)]
    pub step_failures: u64,
    /// Saga steps undone by their compensation.
    #[serde(default)]
    pub compensations: u64,
    /// Two-phase commits that ended with every participant committed.
    #[serde(default)]
    pub tx_committed: u64,
    /// Two-phase commits that ended aborted (a vote to abort, a participant
    /// that did not answer, or a coordinator crash before the decision).
    #[serde(default)]
    pub tx_aborted: u64,
    /// Prepares refused because another transaction held the key's lock.
    #[serde(default)]
    pub lock_conflicts: u64,
    /// Appends to an event store refused: the aggregate's stream had moved
    /// on since the command read its version (the command is handled again).
    #[serde(default)]
    pub version_conflicts: u64,
    /// Blind appends decided on an old version of their aggregate: updates
    /// lost (what the events appended meanwhile changed, it never saw).
    #[serde(default)]
    pub lost_updates: u64,
    /// Records a rebuilding projection applied again (not duplicates: the
    /// rebuilt state lacked them).
    #[serde(default)]
    pub replayed: u64,
    /// Records a rebuild could not read again (retention had removed
    /// them): the rebuilt state lacks them.
    #[serde(default)]
    pub replay_gone: u64,
    /// Snapshots taken of projections.
    #[serde(default)]
    pub snapshots: u64,
}

/// What one consumer group did (in a graph, a message counts once in each
/// group it reaches).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupCounts {
    /// Effect applications, duplicates included.
    pub effects: u64,
    /// Applications beyond the first of a message in this group.
    pub duplicate_effects: u64,
    /// First applications (messages that took effect in this group).
    pub first: u64,
    /// Effects skipped by its idempotency store.
    pub dedup_hits: u64,
    /// Reading a topic: rebalances.
    pub rebalances: u64,
    /// Reading a topic: records it will never read.
    pub skipped: u64,
}

/// Running counters and levels (queue depth, busy slots, packets in flight)
/// with their time integrals. Cheap to clone: the UI keeps checkpoints of it.
#[derive(Clone, Debug, PartialEq)]
pub struct Metrics {
    /// The counters.
    pub counts: Counts,
    /// The first rebuild of a projection.
    pub rebuild_at: Option<Time>,
    /// The last record replayed.
    pub last_replay: Time,
    /// Time of the last event folded in.
    pub now: Time,
    /// Packets of any kind on links.
    pub packets_in_flight: u64,
    /// Message-carrying packets on links.
    pub messages_in_flight: u64,
    /// Ready messages per node (non-zero only for queues).
    pub depth: Vec<u32>,
    /// Busy processing slots per node (non-zero only for consumers).
    pub busy: Vec<u32>,
    /// Messages held at a node, waiting: at a producer, produced but not yet
    /// sent (its backlog); at a consumer, delivered but waiting for a free
    /// slot (its prefetch buffer). Queues keep theirs in `depth`.
    pub waiting: Vec<u32>,
    /// Whether each node is up (consumers crash; others never do).
    pub up: Vec<bool>,
    /// Ready messages over all queues.
    pub total_depth: u64,
    /// Highest `total_depth` seen.
    pub max_total_depth: u64,
    /// Highest depth per node.
    pub max_depth: Vec<u32>,
    /// Messages dead-lettered per node (queues).
    pub dead_letters: Vec<u32>,
    /// Busy slots over all consumers.
    pub total_busy: u64,
    /// Processing slots over all consumers (concurrency × instances).
    pub slots: u64,
    /// Most retries that reached a broker within one 10 ms window (windows
    /// aligned on the run's start): how much retries arrive in waves.
    pub retry_peak_10ms: u32,
    /// The current 10 ms window and the retries that reached brokers in it.
    retry_window: (Time, u32),
    // Time integrals of the levels, kept as `level × now − stamps`: `stamps`
    // adds the time of every unit added to the level and subtracts the time
    // of every unit taken away, so each unit counts from its arrival to its
    // departure (or to now). A change then costs one addition, not a
    // multiplication, and the integrals stay exact. (Wrapping arithmetic:
    // the stamps may dip below zero, the integrals never do.)
    depth_stamps: u128,
    busy_stamps: u128,
    node_depth_stamps: Vec<u128>,
    /// The consumer group of each node ([`NO_GROUP`] for others).
    group_of: Vec<u16>,
    /// Several consumer groups: each is counted apart (with one, its
    /// figures are the totals, and the hot path skips the bookkeeping).
    per_group: bool,
    /// What each consumer group did.
    pub groups: Vec<GroupCounts>,
    /// Busy slots, slot count and busy stamps per consumer group.
    group_busy: Vec<(u64, u64, u128)>,
    /// Consumer lag of the groups reading topics.
    pub lag: crate::lag::Lag,
    /// Partitions' ends, leaders and readers (for the views).
    pub partitions: crate::partitions::Partitions,
    /// Phantom events not yet resolved: (consumed message, service group)
    /// whose event went out before the change committed.
    phantoms: crate::sorted::SortedMap<(crate::trace::MsgId, u16), ()>,
}

/// "Not a consumer" in [`Metrics`]' node → group map.
const NO_GROUP: u16 = u16::MAX;

impl Metrics {
    /// Zeroed metrics for a topology; `concurrency[i]` is the slot count of node `i`.
    pub fn new(topology: &Topology, concurrency: &[u32]) -> Self {
        let n = topology.nodes.len();
        let reader = |kind: NodeKind| matches!(kind, NodeKind::Consumer | NodeKind::Member);
        let groups = topology.nodes.iter().filter(|x| reader(x.kind)).map(|x| x.group + 1).max().unwrap_or(0);
        let slots = topology
            .nodes
            .iter()
            .zip(concurrency)
            .filter(|(node, _)| reader(node.kind))
            .map(|(_, &c)| u64::from(c))
            .sum();
        Metrics {
            counts: Counts::default(),
            rebuild_at: None,
            last_replay: 0,
            now: 0,
            packets_in_flight: 0,
            messages_in_flight: 0,
            depth: vec![0; n],
            busy: vec![0; n],
            waiting: vec![0; n],
            up: vec![true; n],
            total_depth: 0,
            max_total_depth: 0,
            max_depth: vec![0; n],
            dead_letters: vec![0; n],
            total_busy: 0,
            slots,
            retry_peak_10ms: 0,
            retry_window: (0, 0),
            depth_stamps: 0,
            busy_stamps: 0,
            node_depth_stamps: vec![0; n],
            group_of: topology
                .nodes
                .iter()
                .map(|node| if reader(node.kind) { node.group as u16 } else { NO_GROUP })
                .collect(),
            per_group: groups > 1,
            groups: vec![GroupCounts::default(); groups],
            group_busy: {
                let mut v = vec![(0, 0, 0); groups];
                for (node, &c) in topology.nodes.iter().zip(concurrency) {
                    if reader(node.kind) {
                        v[node.group].1 += u64::from(c);
                    }
                }
                v
            },
            lag: crate::lag::Lag::new(topology),
            partitions: crate::partitions::Partitions::new(topology),
            phantoms: crate::sorted::SortedMap::default(),
        }
    }

    /// What consumer group `g` did (with one group, the totals).
    pub fn group(&self, g: usize) -> GroupCounts {
        if !self.per_group {
            let c = &self.counts;
            return GroupCounts {
                effects: c.effects_applied,
                duplicate_effects: c.duplicate_effects,
                first: c.unique_effects,
                dedup_hits: c.dedup_hits,
                rebalances: c.rebalances,
                skipped: c.skipped,
            };
        }
        self.groups.get(g).copied().unwrap_or_default()
    }

    /// Busy slot-time over available slot-time of consumer group `g`.
    pub fn group_utilization(&self, g: usize) -> f64 {
        if !self.per_group {
            return self.utilization();
        }
        let Some(&(level, slots, stamps)) = self.group_busy.get(g) else { return 0.0 };
        if self.now == 0 || slots == 0 {
            return 0.0;
        }
        integral(level, self.now, stamps) as f64 / (slots as f64 * self.now as f64)
    }

    /// Lets time pass to `t` with no event (the end of a time-limited run).
    pub fn advance_to(&mut self, t: Time) {
        self.now = self.now.max(t);
    }

    fn change_depth(&mut self, node: usize, up: bool) {
        let now = u128::from(self.now);
        if up {
            self.depth[node] += 1;
            self.total_depth += 1;
            self.node_depth_stamps[node] = self.node_depth_stamps[node].wrapping_add(now);
            self.depth_stamps = self.depth_stamps.wrapping_add(now);
            self.max_depth[node] = self.max_depth[node].max(self.depth[node]);
            self.max_total_depth = self.max_total_depth.max(self.total_depth);
        } else {
            if self.depth[node] > 0 {
                self.depth[node] -= 1;
                self.node_depth_stamps[node] = self.node_depth_stamps[node].wrapping_sub(now);
            }
            if self.total_depth > 0 {
                self.total_depth -= 1;
                self.depth_stamps = self.depth_stamps.wrapping_sub(now);
            }
        }
    }

    /// A projection's rebuild, replay or snapshot (out of line: rare).
    #[cold]
    #[inline(never)]
    fn projection_event(&mut self, e: &TraceEvent) {
        let node = usize::from(e.node);
        let c = &mut self.counts;
        match e.kind {
            EventKind::Rebuild => {
                c.replay_gone += u64::from(e.key);
                self.rebuild_at.get_or_insert(e.time);
                let g = self.group_of.get(node).copied().unwrap_or(NO_GROUP);
                // It reads again from the first record still kept.
                let start = u64::from(e.tx) + u64::from(e.key);
                self.lag.rewound(usize::from(g), usize::from(e.delivery), start, e.time);
            }
            EventKind::Replay => {
                c.replayed += 1;
                self.last_replay = e.time;
                self.free_slot(node);
            }
            EventKind::Snapshot => c.snapshots += 1,
            EventKind::Skip => c.replay_gone += u64::from(e.tx),
            _ => {
                c.discarded += 1;
                self.free_slot(node);
            }
        }
    }

    fn free_slot(&mut self, node: usize) {
        if self.busy[node] > 0 {
            self.busy[node] -= 1;
            self.total_busy -= 1;
            self.busy_stamps = self.busy_stamps.wrapping_sub(u128::from(self.now));
            if self.per_group
                && let Some(g) = self.group_busy.get_mut(usize::from(self.group_of[node]))
            {
                g.0 -= 1;
                g.2 = g.2.wrapping_sub(u128::from(self.now));
            }
        }
    }

    /// Folds one event in. Events must come in trace order.
    #[inline(always)]
    pub fn apply(&mut self, e: &TraceEvent) {
        self.now = e.time;
        let c = &mut self.counts;
        let node = usize::from(e.node);
        let carries = e.packet.carries_message();
        match e.kind {
            EventKind::Produce => {
                // A graph's records say how many queues the message is
                // expected in (`delivery`) and its parent (`tx`).
                // An echo (published for a duplicate effect) is expected
                // nowhere; a lost event published after all was expected
                // when it was lost.
                match e.cause {
                    Cause::Duplicate => {}
                    Cause::Recovered => c.events_lost = c.events_lost.saturating_sub(1),
                    _ => c.expected += u64::from(e.delivery.max(1)),
                }
                if e.tx == 0 {
                    c.produced += 1;
                    self.waiting[node] += 1;
                } else {
                    c.derived += 1;
                }
            }
            EventKind::Send | EventKind::Duplicate => {
                self.packets_in_flight += 1;
                self.messages_in_flight += u64::from(carries);
                if e.kind == EventKind::Duplicate {
                    c.duplicated_in_transit += u64::from(carries);
                } else if matches!(e.packet, PacketKind::Publish | PacketKind::Request) {
                    c.sent += 1;
                    c.retries += u64::from(e.attempt > 1);
                    if e.attempt <= 1 && self.group_of[node] == NO_GROUP {
                        self.waiting[node] = self.waiting[node].saturating_sub(1);
                    }
                } else if e.packet == PacketKind::Deliver {
                    c.redeliveries += u64::from(e.delivery > 1);
                    // A delivery leaves the ready queue (auto-ack too).
                    self.change_depth(node, false);
                } else if e.packet == PacketKind::Fetch {
                    self.partitions.apply(e);
                }
            }
            EventKind::Lost | EventKind::Arrive => {
                self.packets_in_flight = self.packets_in_flight.saturating_sub(1);
                self.messages_in_flight = self.messages_in_flight.saturating_sub(u64::from(carries));
                if e.kind == EventKind::Lost {
                    if carries {
                        c.lost_in_transit += 1;
                    } else {
                        c.control_lost += 1;
                    }
                } else if matches!(e.packet, PacketKind::Deliver | PacketKind::Request) {
                    c.delivered += 1;
                    self.waiting[node] += 1;
                } else if e.is_retry_arrival() {
                    self.retry_arrived(e.time);
                } else if e.packet == PacketKind::Records {
                    c.delivered += u64::from(e.attempt);
                }
            }
            EventKind::Enqueue | EventKind::Requeue => self.change_depth(node, true),
            EventKind::Evict => {
                // A full queue's eviction, or a transient queue losing its
                // messages in a crash.
                c.rejected += u64::from(e.cause != Cause::Crash);
                self.change_depth(node, false);
            }
            EventKind::Reject => c.rejected += 1,
            EventKind::DeadLetter => {
                c.dead_lettered += 1;
                self.dead_letters[node] += 1;
            }
            EventKind::ProcessStart => {
                self.waiting[node] = self.waiting[node].saturating_sub(1);
                self.busy[node] += 1;
                self.total_busy += 1;
                self.busy_stamps = self.busy_stamps.wrapping_add(u128::from(self.now));
                if self.per_group
                    && let Some(g) = self.group_busy.get_mut(usize::from(self.group_of[node]))
                {
                    g.0 += 1;
                    g.2 = g.2.wrapping_add(u128::from(self.now));
                }
            }
            EventKind::Effect => {
                c.effects_applied += 1;
                let g = if self.per_group { self.groups.get_mut(usize::from(self.group_of[node])) } else { None };
                match e.cause {
                    Cause::Duplicate => {
                        c.duplicate_effects += 1;
                        if let Some(g) = g {
                            g.effects += 1;
                            g.duplicate_effects += 1;
                        }
                    }
                    cause => {
                        c.ordering_violations += u64::from(cause == Cause::OutOfOrder);
                        c.unique_effects += 1;
                        if !self.phantoms.is_empty() && self.phantoms.remove(&(e.msg, self.group_of[node])).is_some() {
                            // The change a phantom event announced commits at last.
                            c.phantom_events -= 1;
                        }
                        if let Some(g) = g {
                            g.effects += 1;
                            g.first += 1;
                        }
                    }
                }
                // An event released from a version hold ends no processing.
                if e.peer != e.node {
                    self.free_slot(node);
                }
            }
            EventKind::SagaStep => c.step_failures += u64::from(e.cause == Cause::Failed),
            EventKind::SagaUndo => c.compensations += u64::from(e.cause == Cause::First),
            EventKind::SagaEnd => match e.cause {
                Cause::Completed => c.sagas_completed += 1,
                Cause::Committed => c.tx_committed += 1,
                Cause::Aborted => c.tx_aborted += 1,
                _ => c.sagas_compensated += 1,
            },
            EventKind::TxPrepare => c.lock_conflicts += u64::from(e.cause == Cause::Locked),
            // The slot stays busy: the command is processed again.
            EventKind::VersionConflict => c.version_conflicts += 1,
            EventKind::LostUpdate => c.lost_updates += 1,
            EventKind::Held => {
                c.held += 1;
                self.free_slot(node);
            }
            EventKind::DedupHit => {
                c.dedup_hits += 1;
                if self.per_group
                    && let Some(g) = self.groups.get_mut(usize::from(self.group_of[node]))
                {
                    g.dedup_hits += 1;
                }
                self.free_slot(node);
            }
            EventKind::ProcessFail => self.free_slot(node),
            EventKind::Timeout => c.timeouts += 1,
            EventKind::GiveUp => c.gave_up += 1,
            // The record being processed, dropped by a rebuild.
            EventKind::Discard if e.cause == Cause::Rebuilt => self.projection_event(e),
            EventKind::Discard => {
                c.discarded += 1;
                // Refused on arrival (down, or a full window); a crash's
                // discards were cleared by the crash.
                if matches!(e.cause, Cause::NodeDown | Cause::BufferFull) {
                    self.waiting[node] = self.waiting[node].saturating_sub(1);
                }
            }
            EventKind::Crash => {
                // A topic whose every broker is down (`node_down`): counted
                // as its brokers' crashes.
                c.crashes += u64::from(e.cause != Cause::NodeDown);
                self.waiting[node] = 0;
                let lost = u64::from(self.busy[node]);
                self.busy_stamps = self.busy_stamps.wrapping_sub(area(lost, self.now));
                self.total_busy -= lost;
                if self.per_group
                    && let Some(g) = self.group_busy.get_mut(usize::from(self.group_of[node]))
                {
                    g.0 -= lost;
                    g.2 = g.2.wrapping_sub(area(lost, self.now));
                }
                self.busy[node] = 0;
                self.up[node] = false;
            }
            EventKind::Restart => self.up[node] = true,
            EventKind::Append => {
                c.appended += 1;
                self.lag.appended(e.node, usize::from(e.delivery), e.time);
                self.partitions.apply(e);
            }
            EventKind::Rebuild | EventKind::Replay | EventKind::Snapshot => self.projection_event(e),
            EventKind::Commit => {
                c.commits += 1;
                let g = self.group_of.get(usize::from(e.peer)).copied().unwrap_or(NO_GROUP);
                self.lag.committed(usize::from(g), usize::from(e.delivery), u64::from(e.tx), e.time);
            }
            EventKind::Rebalance => {
                c.rebalances += 1;
                self.partitions.apply(e);
                if let Some(g) = self.groups.get_mut(usize::from(self.group_of[node])) {
                    g.rebalances += 1;
                }
            }
            EventKind::BrokerCrash => {
                c.crashes += 1;
                self.partitions.apply(e);
            }
            EventKind::Deduplicated => c.deduplicated += 1,
            EventKind::BrokerRestart => self.partitions.apply(e),
            EventKind::HighWatermark => self.partitions.apply(e),
            EventKind::Failover => {
                self.partitions.apply(e);
                self.lag.truncated(e.node, usize::from(e.delivery), u64::from(e.key), e.time);
                c.failovers += 1;
                c.acknowledged_lost += u64::from(e.tx);
            }
            // Records a rebuild's replay could not read again.
            EventKind::Skip if e.cause == Cause::Rebuilt => self.projection_event(e),
            EventKind::Skip => {
                c.skipped += u64::from(e.tx);
                let peer = usize::from(e.peer);
                if let Some(g) = self.group_of.get(peer).and_then(|&g| self.groups.get_mut(usize::from(g))) {
                    g.skipped += u64::from(e.tx);
                }
            }
            EventKind::EventLost => {
                c.events_lost += 1;
                c.expected += u64::from(e.delivery.max(1));
            }
            EventKind::Phantom => {
                if self.phantoms.insert((e.msg, self.group_of[node]), ()) {
                    c.phantom_events += 1;
                }
            }
            EventKind::Confirm | EventKind::Nack | EventKind::Backoff | EventKind::Stale | EventKind::TxDecide => {}
        }
        debug_assert!(e.node == NO_NODE || node < self.depth.len());
    }

    /// A retry reached a broker at `t`: counts it in its 10 ms window.
    #[inline(never)]
    fn retry_arrived(&mut self, t: Time) {
        let window = t / RETRY_WINDOW;
        if self.retry_window.0 == window {
            self.retry_window.1 += 1;
        } else {
            self.retry_window = (window, 1);
        }
        self.retry_peak_10ms = self.retry_peak_10ms.max(self.retry_window.1);
    }

    /// Time-weighted mean of the total queue depth over `[0, now]`.
    pub fn mean_depth(&self) -> f64 {
        if self.now == 0 {
            return 0.0;
        }
        integral(self.total_depth, self.now, self.depth_stamps) as f64 / self.now as f64
    }

    /// Time-weighted mean depth of one node over `[0, now]`.
    pub fn mean_node_depth(&self, node: usize) -> f64 {
        if self.now == 0 {
            return 0.0;
        }
        integral(u64::from(self.depth[node]), self.now, self.node_depth_stamps[node]) as f64 / self.now as f64
    }

    /// Busy slot-time over available slot-time, in `[0, 1]`.
    pub fn utilization(&self) -> f64 {
        if self.now == 0 || self.slots == 0 {
            return 0.0;
        }
        integral(self.total_busy, self.now, self.busy_stamps) as f64 / (self.slots as f64 * self.now as f64)
    }
}

/// The window of [`Metrics::retry_peak_10ms`], µs.
pub const RETRY_WINDOW: Time = 10_000;

/// The time integral of a level over `[0, now]`, from its stamps (see
/// [`Metrics`]' fields).
fn integral(level: u64, now: Time, stamps: u128) -> u128 {
    area(level, now).wrapping_sub(stamps)
}

/// `level × dt` without overflow. When both fit in 32 bits (almost always)
/// the product fits in 64, and a 64-bit multiply is one instruction in
/// WebAssembly too, where a 128-bit one is a call into compiler-rt.
fn area(level: u64, dt: u64) -> u128 {
    if (level | dt) >> 32 == 0 { u128::from(level * dt) } else { u128::from(level) * u128::from(dt) }
}

/// Latencies: each message's produce → first effect in each queue it was
/// routed to (a hop), and, in a graph, each producer's message → the last
/// first effect of everything derived from it (its whole chain).
#[derive(Clone, Debug, Default)]
pub struct Latencies {
    /// Hop latencies in µs, in the order the effects happened.
    pub samples: Vec<Time>,
    /// The consumer group of each sample, when there are several groups.
    pub groups: Vec<u16>,
    /// Whole-chain latencies in µs (a graph only; otherwise a chain is one
    /// hop and `samples` says it).
    pub chains: Vec<Time>,
    /// Keep `groups`.
    by_group: bool,
}

impl Latencies {
    /// Room for `messages` samples up front (a big run then never copies
    /// them); `by_group` to remember each sample's group.
    pub fn with_capacity(messages: u64, by_group: bool) -> Self {
        let n = crate::ledger::per_message_capacity(messages);
        Latencies {
            samples: Vec::with_capacity(n),
            groups: if by_group { Vec::with_capacity(n) } else { Vec::new() },
            chains: Vec::new(),
            by_group,
        }
    }

    /// Records one first effect in consumer group `group`, `latency` µs
    /// after its message was produced.
    #[inline]
    pub fn record(&mut self, latency: Time, group: usize) {
        self.samples.push(latency);
        if self.by_group {
            self.groups.push(group as u16);
        }
    }

    /// Whether each sample's group is kept.
    #[inline]
    pub fn by_group(&self) -> bool {
        self.by_group
    }

    /// The samples of consumer group `group` (all of them with one group).
    pub fn of_group(&self, group: usize) -> Vec<Time> {
        if !self.by_group {
            return self.samples.clone();
        }
        self.samples.iter().zip(&self.groups).filter(|(_, g)| usize::from(**g) == group).map(|(&t, _)| t).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::{NodeId, PacketKind};

    /// Levels changed by a pseudo-random run of events: the time-weighted
    /// means match a step-by-step sum of level × duration.
    #[test]
    fn integrals_match_a_step_by_step_reference() {
        let scenario = crate::presets::get("reliable-queue").expect("preset").scenario.clone();
        let topology = Topology::new(&scenario);
        let node_of = |kind| topology.nodes.iter().position(|n| n.kind == kind).expect("node");
        let (queue, consumer) = (node_of(NodeKind::Queue), node_of(NodeKind::Consumer));
        let concurrency: Vec<u32> = topology.nodes.iter().map(|_| 3).collect();
        let mut m = Metrics::new(&topology, &concurrency);
        let slots = m.slots;
        let (mut depth, mut busy, mut last) = (0u64, 0u64, 0u64);
        let (mut depth_area, mut busy_area) = (0u128, 0u128);
        let mut seed = 12_345u64;
        let mut t = 0;
        for _ in 0..5_000 {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            t += (seed >> 33) % 40;
            depth_area += u128::from(depth) * u128::from(t - last);
            busy_area += u128::from(busy) * u128::from(t - last);
            last = t;
            let at = |kind, node: usize| TraceEvent::at(t, kind, node as NodeId);
            let e = match (seed >> 20) % 6 {
                0 | 1 => {
                    depth += 1;
                    at(EventKind::Enqueue, queue)
                }
                2 => {
                    depth = depth.saturating_sub(1);
                    TraceEvent { packet: PacketKind::Deliver, ..at(EventKind::Send, queue) }
                }
                3 => {
                    busy += 1;
                    at(EventKind::ProcessStart, consumer)
                }
                4 => {
                    busy = busy.saturating_sub(1);
                    at(EventKind::Effect, consumer)
                }
                _ => {
                    busy = 0;
                    at(EventKind::Crash, consumer)
                }
            };
            m.apply(&e);
            if t > 0 {
                assert_eq!(m.mean_depth(), depth_area as f64 / t as f64, "total depth at {t}");
                assert_eq!(m.mean_node_depth(queue), depth_area as f64 / t as f64, "queue depth at {t}");
                assert_eq!(m.utilization(), busy_area as f64 / (slots as f64 * t as f64), "busy at {t}");
            }
        }
        // Time passing with no event still counts.
        m.advance_to(t + 1_000);
        let end = depth_area + u128::from(depth) * 1_000;
        assert_eq!(m.mean_depth(), end as f64 / (t + 1_000) as f64);
    }

    #[test]
    fn area_is_the_exact_product_on_both_paths() {
        for (level, dt) in
            [(0, 0), (3, 7), (u32::MAX as u64, u32::MAX as u64), (1 << 32, 5), (7, u64::MAX), (u64::MAX, u64::MAX)]
        {
            assert_eq!(area(level, dt), u128::from(level) * u128::from(dt), "{level} × {dt}");
        }
    }
}
