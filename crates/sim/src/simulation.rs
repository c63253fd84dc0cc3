//! The engine: owns the nodes and the context, pops events in order and hands
//! each to the node it concerns.

use crate::broker::{QueueBroker, Taken};
use crate::consumer::Consumer;
use crate::context::Ctx;
use crate::dedup::DedupStore;
use crate::event::{Event, Packet};
use crate::ledger::{Ledger, StatusCounts};
use crate::log::coordinator::Coordinator;
use crate::log::member::Member;
use crate::log::topic::Topic;
use crate::memory;
use crate::metrics::{Latencies, Metrics};
use crate::producer::Producer;
use crate::projection::Projection;
use crate::report::{Report, ReportInputs, StopReason};
use crate::rng::SimRng;
use crate::saga::{NO_SLOT, Runner, Sagas};
use crate::scenario::{Problem, Scenario};
use crate::service::{Cost, Server};
use crate::time::{self, Time};
use crate::topology::{NodeKind, Topology};
use crate::trace::{Cause, EventKind, NO_MSG, PacketKind, TraceEvent};
use crate::trace::{MsgId, NodeId};

/// A group's planned crashes (a consumer group's own schedule, or the
/// scenario's crashes of one node), in time order (ties in file order).
#[derive(Clone, Debug)]
struct CrashPlan {
    /// The group's first node.
    first: NodeId,
    /// Nodes in the group (its instances).
    count: u32,
    /// `(at, only this instance, down for, again after a mean of … ms)`.
    entries: Vec<(Time, Option<u32>, Time, Option<f64>)>,
}

/// A packet reached a node that is down: it is dropped there.
#[cold]
#[inline(never)]
fn dropped_at_down_node(ctx: &mut Ctx, p: &Packet) {
    if p.kind.carries_message() {
        ctx.ledger.note_loss(p.msg, Cause::NodeDown);
    }
    let mut e = ctx.packet_record(EventKind::Discard, p);
    e.node = p.to;
    e.peer = p.from;
    e.cause = Cause::NodeDown;
    ctx.emit_rare(e);
}

/// Whether a saga's runner (a consumer instance's job) still runs: the
/// instance has not crashed since it took the order (a recovering
/// coordinator, with no job, since it restarted).
fn runner_alive(consumers: &[Consumer]) -> impl Fn(&Runner) -> bool + '_ {
    |r| {
        let c = &consumers[usize::from(r.consumer)];
        if r.slot == NO_SLOT { c.up_since(r.epoch) } else { c.runs(r.epoch, r.slot) }
    }
}

/// The scenario's name for the group node `n` belongs to.
fn group_name<'a>(s: &'a Scenario, n: &crate::topology::Node) -> &'a str {
    match n.kind {
        NodeKind::Producer => &s.producers[n.group].name,
        NodeKind::Exchange => &s.exchanges[n.group].name,
        NodeKind::Queue => &s.queues[n.group].name,
        NodeKind::Consumer | NodeKind::Member => &s.consumers[n.group].name,
        NodeKind::Topic => &s.topics[n.group].name,
        NodeKind::SagaService => {
            s.consumers[n.group].saga.as_ref().map_or("", |saga| saga.steps[n.instance as usize].service.as_str())
        }
    }
}

/// One run of a scenario with one seed.
///
/// Build it with [`Simulation::new`], drive it with [`step`](Self::step),
/// [`run_until`](Self::run_until) or [`run`](Self::run), and read the
/// [`trace`](Self::trace) and [`report`](Self::report) at any point.
#[derive(Clone)]
pub struct Simulation {
    ctx: Ctx,
    /// Producer instances, then the publishers of services (consumer
    /// instances that publish downstream).
    producers: Vec<Producer>,
    /// Each exchange's crash epoch (it holds nothing, it routes; whether it
    /// is up is in `down`).
    exchange_epochs: Vec<u32>,
    queues: Vec<QueueBroker>,
    consumers: Vec<Consumer>,
    /// Topics, the members of groups reading them, and those groups.
    topics: Vec<Topic>,
    /// The queue broker's service time, and the broker as a server (every
    /// queue and exchange: one node).
    queue_cost: Cost,
    queue_server: Server,
    /// Whether any broker's service takes time (else arrivals never wait).
    costed: bool,
    members: Vec<Member>,
    coordinators: Vec<Coordinator>,
    stores: Vec<DedupStore>,
    /// Each consumer group's planned crashes in time order, and its first instance.
    crash_plans: Vec<CrashPlan>,
    seed: u64,
    /// Processing slots per node (for fresh metrics).
    concurrency: Vec<u32>,
    deadline: Time,
    max_events: u64,
    /// The next event count at which to look up from the loop: the event
    /// limit, or the next memory check if sooner (one comparison per event
    /// covers both).
    look_up_at: u64,
    events: u64,
    max_pending: usize,
    /// Pending events at which the next look at memory is due (doubling).
    pending_look_up_at: usize,
    stopped: Option<StopReason>,
    /// Most bytes the run may hold (see `memory.rs`).
    budget: u64,
    /// Each consumer group's name, what it reads (a queue or a topic's
    /// name) and its subscription in the ledger (a queue's index, or a
    /// topic group's number after the queues).
    group_names: Vec<(String, String, usize)>,
    /// Producers, exchanges and queues' brokers that are down (a packet
    /// reaching one is dropped; a crashed consumer refuses packets itself).
    down: Vec<bool>,
    /// Where each kind's nodes start (nodes are producers, exchanges,
    /// queues, consumers, in that order): an arrival finds its receiver by
    /// comparing ids.
    first_exchange: NodeId,
    first_queue: NodeId,
    first_consumer: NodeId,
    /// Topics and members come after the consumers of queues.
    first_topic: NodeId,
    first_member: NodeId,
    /// Every saga: the orchestrators' durable logs and the steps' services
    /// (whose nodes come last, from `sagas.first_node`).
    sagas: Sagas,
}

impl Simulation {
    /// Validates `scenario` and prepares a run with `seed`, within the default
    /// memory budget ([`memory::DEFAULT_BUDGET`]). Tracing is on.
    pub fn new(scenario: &Scenario, seed: u64) -> Result<Self, Vec<Problem>> {
        scenario.validate()?;
        memory::check(scenario, 0, memory::DEFAULT_BUDGET)?;
        let topology = Topology::new(scenario);
        let mut concurrency = vec![0u32; topology.nodes.len()];
        let mut producers = Vec::new();
        let mut queues = Vec::new();
        let mut consumers = Vec::new();
        let mut topics = Vec::new();
        let mut members = Vec::new();
        let mut coordinators: Vec<Coordinator> = Vec::new();
        let (queue_cost, log_cost) = (Cost::new(&scenario.costs.queue), Cost::new(&scenario.costs.log));
        for (id, node) in topology.nodes.iter().enumerate() {
            let id = id as NodeId;
            match node.kind {
                NodeKind::Producer => {
                    let spec = &scenario.producers[node.group];
                    let targets = topology.consumers_of(node.target);
                    producers.push(Producer::new(id, producers.len() as u16, node.target, targets, spec));
                }
                NodeKind::Exchange => {}
                NodeKind::Queue => {
                    let spec = &scenario.queues[node.group];
                    queues.push(QueueBroker::new(id, queues.len() as u16, spec, topology.consumers_of(id)));
                }
                NodeKind::Consumer => {
                    let spec = &scenario.consumers[node.group];
                    let queue = &topology.nodes[usize::from(node.queue)];
                    concurrency[usize::from(id)] = spec.concurrency;
                    consumers.push(Consumer::new(
                        id,
                        consumers.len() as u16,
                        node.group,
                        queue.index as u16,
                        &scenario.queues[queue.group],
                        spec,
                    ));
                }
                NodeKind::Topic => {
                    let waits = topology
                        .log_groups
                        .iter()
                        .filter(|&&(_, t)| t == node.group)
                        .map(|&(g, _)| time::ms(scenario.consumers[g].log.fetch_wait_ms))
                        .collect();
                    topics.push(Topic::new(id, node.group as u16, &scenario.topics[node.group], waits, log_cost));
                }
                NodeKind::Member => {
                    let spec = &scenario.consumers[node.group];
                    concurrency[usize::from(id)] = 1;
                    let ordinal = topology.log_groups.iter().position(|&(g, _)| g == node.group).unwrap_or(0);
                    let topic = topology.nodes[usize::from(node.queue)].index;
                    if node.instance == 0 {
                        let place = topology.place_in_topic(ordinal);
                        let partitions = scenario.topics[topic].partitions;
                        coordinators.push(Coordinator::new(
                            ordinal as u16,
                            spec,
                            partitions,
                            topic,
                            place,
                            members.len(),
                        ));
                    }
                    let sub = scenario.queues.len() + ordinal;
                    members.push(Member::new(
                        id,
                        members.len() as u16,
                        node.group,
                        ordinal as u16,
                        sub,
                        node.queue,
                        spec,
                    ));
                }
                NodeKind::SagaService => {}
            }
        }
        let sagas = Sagas::new(scenario, topology.ids_of(NodeKind::SagaService).next().unwrap_or(NodeId::MAX));
        for c in &mut consumers {
            c.saga = sagas.orchestrates(c.group);
        }
        // Producers sending to topics spread their records by their partitioner.
        for (id, node) in topology.nodes.iter().enumerate() {
            let target = topology.nodes.get(usize::from(node.target));
            if let (NodeKind::Producer, Some(t)) = (node.kind, target.filter(|t| t.kind == NodeKind::Topic)) {
                let spec = &scenario.producers[node.group];
                topics[t.index].set_sender(id as NodeId, spec);
                if let Some(p) = producers.iter_mut().find(|p| p.node == id as NodeId) {
                    p.set_batching(spec);
                }
            }
        }
        // Services that publish: a publisher each, after the producers.
        for c in &mut consumers {
            if let Some(spec) = &scenario.consumers[c.group].publish {
                let target = topology.nodes[usize::from(c.node)].target;
                c.publisher = Some(producers.len() as u16);
                producers.push(Producer::service(c.node, producers.len() as u16, target, spec));
            }
        }
        for m in &mut members {
            if let Some(spec) = &scenario.consumers[m.group].publish {
                let target = topology.nodes[usize::from(m.node)].target;
                m.publisher = Some(producers.len() as u16);
                producers.push(Producer::service(m.node, producers.len() as u16, target, spec));
            }
        }
        for c in &mut consumers {
            c.plain = c.publisher.is_none() && !c.saga;
        }
        let node_count = topology.nodes.len();
        let first = |kind: NodeKind| {
            topology.nodes.iter().position(|n| n.kind as u8 >= kind as u8).unwrap_or(node_count) as NodeId
        };
        let firsts = [
            first(NodeKind::Exchange),
            first(NodeKind::Queue),
            first(NodeKind::Consumer),
            first(NodeKind::Topic),
            first(NodeKind::Member),
        ];
        let graph = !scenario.exchanges.is_empty()
            || !scenario.topics.is_empty()
            || scenario.consumers.iter().any(|c| c.publish.is_some());
        let subscriptions = scenario.queues.len() + coordinators.len();
        let keys = scenario.producers.iter().map(|p| p.keys).max().unwrap_or(1);
        let metrics = Metrics::new(&topology, &concurrency);
        let ledger = Ledger::new(keys, scenario.total_messages(), subscriptions, scenario.consumers.len(), graph);
        let latencies = Latencies::with_capacity(scenario.total_messages(), scenario.consumers.len() > 1);
        let mut ctx = Ctx::new(topology, SimRng::new(seed), ledger, metrics, latencies);
        ctx.graph = graph;
        ctx.sends = crate::producer::SendBook::with_capacity(scenario.total_messages());

        for p in &producers {
            p.start(&mut ctx);
        }
        // By time, ties in the order written (`order_by`: the one sort the
        // page carries).
        let plan = |first: NodeId, count: u32, list: Vec<(f64, Option<u32>, f64, Option<f64>)>| {
            let order = crate::sorted::order_by(list.len(), |i| time::ms(list[i].0));
            let entries =
                order.iter().map(|&i| (time::ms(list[i].0), list[i].1, time::ms(list[i].2), list[i].3)).collect();
            CrashPlan { first, count, entries }
        };
        let mut crash_plans = Vec::with_capacity(scenario.consumers.len());
        // The nodes of the group called `name`: the first, and how many.
        let group_nodes = |name: &str| {
            let mut nodes = ctx.topology.nodes.iter().enumerate().filter(|(_, n)| group_name(scenario, n) == name);
            match nodes.next() {
                Some((first, _)) => (first as NodeId, 1 + nodes.count() as u32),
                None => (0, 0),
            }
        };
        for spec in &scenario.consumers {
            let (first, count) = group_nodes(&spec.name);
            let list = spec.crash.schedule.iter().map(|c| (c.at_ms, c.instance, c.down_ms, c.every_ms)).collect();
            crash_plans.push(plan(first, count, list));
        }
        // The scenario's crashes of any node, a plan per node group named.
        let mut named: Vec<&str> = Vec::new();
        for c in &scenario.crashes {
            if !named.contains(&c.node.as_str()) {
                named.push(&c.node);
            }
        }
        for name in named {
            let (first, count) = group_nodes(name);
            let list = scenario
                .crashes
                .iter()
                .filter(|c| c.node == name)
                .map(|c| (c.at_ms, c.instance, c.down_ms, c.every_ms))
                .collect();
            crash_plans.push(plan(first, count, list));
        }
        for (i, p) in crash_plans.iter().enumerate() {
            if let Some(&(at, ..)) = p.entries.first() {
                ctx.scheduler.push(at, Event::PlannedCrash { group: i as u16, entry: 0, again: false });
            }
        }
        for (i, c) in coordinators.iter().enumerate() {
            ctx.scheduler.push(c.start, Event::LogStart { group: i as u16 });
        }
        // A group on a topic that can rebuild its projection, or snapshots it.
        let mut stores: Vec<DedupStore> =
            scenario.consumers.iter().map(|c| DedupStore::new(&c.idempotency, c.event_store)).collect();
        for (i, &(g, t)) in ctx.topology.log_groups.iter().enumerate() {
            let log = &scenario.consumers[g].log;
            if log.rebuild_at_ms.is_some() || log.snapshot_every.is_some() {
                let partitions = scenario.topics[t].partitions;
                stores[g].projection = Some(Box::new(Projection::new(partitions, log.snapshot_every.unwrap_or(0))));
            }
            if let Some(at) = log.rebuild_at_ms {
                ctx.scheduler.push(time::ms(at), Event::Rebuild { group: i as u16 });
            }
        }
        let mut group_names = Vec::with_capacity(scenario.consumers.len());
        for (g, c) in scenario.consumers.iter().enumerate() {
            let sub = match scenario.queues.iter().position(|q| q.name == c.from) {
                Some(q) => q,
                None => scenario.queues.len() + ctx.topology.log_groups.iter().position(|&(x, _)| x == g).unwrap_or(0),
            };
            group_names.push((c.name.clone(), c.from.clone(), sub));
        }
        Ok(Simulation {
            ctx,
            producers,
            queue_cost,
            queue_server: Server::default(),
            costed: !queue_cost.is_free() || !log_cost.is_free(),
            exchange_epochs: vec![0; scenario.exchanges.len()],
            queues,
            consumers,
            topics,
            members,
            coordinators,
            stores,
            crash_plans,
            seed,
            concurrency,
            deadline: time::ms(scenario.duration_ms),
            max_events: scenario.max_events,
            look_up_at: scenario.max_events.min(memory::CHECK_EVERY),
            events: 0,
            max_pending: 0,
            pending_look_up_at: memory::CHECK_PENDING,
            stopped: None,
            budget: memory::DEFAULT_BUDGET,
            down: vec![false; node_count],
            first_exchange: firsts[0],
            first_queue: firsts[1],
            first_consumer: firsts[2],
            first_topic: firsts[3],
            first_member: firsts[4],
            group_names,
            sagas,
        })
    }

    /// Gives the run a memory budget of `bytes` (the page's is smaller than
    /// the CLI's). Refused, with the estimate, if what the scenario needs
    /// whatever happens — its trace included, if capped with
    /// [`limit_trace`](Self::limit_trace) first — does not fit; otherwise the
    /// run stops with [`StopReason::MemoryLimit`] if what it holds outgrows it.
    pub fn with_memory_budget(mut self, scenario: &Scenario, bytes: u64) -> Result<Self, Vec<Problem>> {
        let trace = match &self.ctx.trace {
            Some(_) if self.ctx.trace_limit != usize::MAX => self.ctx.trace_limit as u64,
            _ => 0,
        };
        memory::check(scenario, trace, bytes)?;
        self.budget = bytes;
        Ok(self)
    }

    /// Bytes the run holds now, by the counts `memory.rs` describes.
    pub fn memory_bytes(&self) -> u64 {
        use crate::memory::vec_bytes;
        let c = &self.ctx;
        let trace = c.trace.as_ref().map_or(0, |t| vec_bytes::<TraceEvent>(t.capacity()));
        c.ledger.heap_bytes()
            + vec_bytes::<Time>(c.latencies.samples.capacity() + c.latencies.chains.capacity())
            + vec_bytes::<u16>(c.latencies.groups.capacity())
            + c.scheduler.heap_bytes()
            + trace
            + self.producers.iter().map(Producer::heap_bytes).sum::<u64>()
            + c.sends.heap_bytes()
            + self.queues.iter().map(QueueBroker::heap_bytes).sum::<u64>()
            + self.consumers.iter().map(Consumer::heap_bytes).sum::<u64>()
            + self.stores.iter().map(DedupStore::heap_bytes).sum::<u64>()
            + self.topics.iter().map(Topic::heap_bytes).sum::<u64>()
            + self.members.iter().map(Member::heap_bytes).sum::<u64>()
            + self.sagas.heap_bytes()
    }

    /// Turns tracing off (for big batch runs); the report is unaffected.
    pub fn without_trace(mut self) -> Self {
        self.ctx.trace = None;
        self
    }

    /// Keeps at most `events` trace records; the run (and its report) goes on
    /// past that, unrecorded. For memory-bounded viewers.
    pub fn limit_trace(mut self, events: usize) -> Self {
        self.ctx.trace_limit = events;
        self
    }

    /// Whether the trace stopped recording before the run ended.
    pub fn trace_truncated(&self) -> bool {
        self.ctx.trace.as_ref().is_some_and(|t| t.len() >= self.ctx.trace_limit)
    }

    /// Stops the run at `t` (µs) if that is earlier than the scenario's limit.
    pub fn stop_at(&mut self, t: Time) {
        self.deadline = self.deadline.min(t);
    }

    /// Executes the next event. Returns `false` once the run has stopped
    /// (nothing left, or a time or event limit reached).
    pub fn step(&mut self) -> bool {
        self.run_events(1) == 1
    }

    /// [`step`](Self::step)'s body. Its one inlined copy is the loop of
    /// [`run_events`](Self::run_events), which every way of running goes
    /// through: a loop of calls would pay a call per event.
    #[inline(always)]
    fn next_event(&mut self) -> bool {
        if self.stopped.is_some() {
            return false;
        }
        if self.events < self.look_up_at || self.look_up() {
            // The usual case, with one look at the scheduler.
            let pending = self.ctx.scheduler.len();
            if let Some((t, event)) = self.ctx.scheduler.pop_due(self.deadline) {
                if pending > self.max_pending {
                    self.more_pending(pending);
                }
                self.execute(t, event);
                return true;
            }
        }
        self.stop()
    }

    /// Executes one event taken from the scheduler. It and `dispatch` are
    /// the loop's body: inlined into it whole (without the attribute the
    /// compiler stops inlining when the rarer events' arms grow).
    #[inline(always)]
    fn execute(&mut self, t: Time, event: Event) {
        self.ctx.now = t;
        self.events += 1;
        self.dispatch(event);
        #[cfg(debug_assertions)]
        if let Err(e) = self.check_conservation() {
            panic!("conservation violated after event {} at {t} µs: {e}", self.events);
        }
    }

    /// Every [`memory::CHECK_EVERY`] events, and at the event limit: whether
    /// the run may go on. Past its memory budget it stops here.
    #[cold]
    #[inline(never)]
    fn look_up(&mut self) -> bool {
        if self.events >= self.max_events {
            return false;
        }
        if self.memory_bytes() > self.budget {
            self.stopped = Some(StopReason::MemoryLimit);
            return false;
        }
        self.look_up_at = self.max_events.min(self.events + memory::CHECK_EVERY);
        true
    }

    /// The most pending events so far grew to `pending`. Past each doubling
    /// (from [`memory::CHECK_PENDING`]) the next event looks at what the run
    /// holds: one event can schedule many (a timer that redelivers every
    /// delivery due at once), so counting events alone would not bound it.
    #[cold]
    #[inline(never)]
    fn more_pending(&mut self, pending: usize) {
        self.max_pending = pending;
        if pending >= self.pending_look_up_at {
            self.pending_look_up_at = pending.saturating_mul(2);
            self.look_up_at = self.events;
        }
    }

    /// No event can run: records why (nothing left, or a limit reached).
    fn stop(&mut self) -> bool {
        if self.stopped.is_some() {
            return false; // already stopped (its memory budget)
        }
        let Some(t) = self.ctx.scheduler.peek_time() else {
            self.stopped = Some(StopReason::Finished);
            return false;
        };
        if t > self.deadline {
            self.stopped = Some(StopReason::TimeLimit);
            // Let the clock (and the time-weighted figures) run to the limit.
            self.ctx.metrics.advance_to(self.deadline);
            return false;
        }
        self.stopped = Some(StopReason::EventLimit);
        false
    }

    #[inline(always)]
    fn dispatch(&mut self, event: Event) {
        // A request to a broker with costs waits until it is served
        // (`service.rs`), then arrives as any packet does.
        if self.costed
            && let Event::Arrive(p) = event
            && self.waits(p)
        {
            return;
        }
        let ctx = &mut self.ctx;
        match event {
            Event::Produce(i) => self.producers[usize::from(i)].on_produce(ctx),
            Event::Arrive(p) | Event::Served(p) => {
                ctx.take_off_link(&p);
                let e = ctx.packet_record(EventKind::Arrive, &p);
                ctx.emit(TraceEvent { node: p.to, peer: p.from, ..e });
                if self.down[usize::from(p.to)] {
                    dropped_at_down_node(ctx, &p);
                    return;
                }
                // By id ranges, not a jump table on the kind: the usual
                // receivers first.
                let to = p.to;
                if to >= self.first_queue {
                    if to >= self.first_topic {
                        if to >= self.sagas.first_node {
                            self.sagas.on_request(ctx, p);
                        } else {
                            self.log_arrival(p);
                        }
                    } else if to >= self.first_consumer {
                        let i = usize::from(to - self.first_consumer);
                        // Deliveries and calls (a crashed consumer refuses
                        // them itself); answers to what a service published.
                        if p.kind.carries_message() {
                            let c = &mut self.consumers[i];
                            if let Some(slot) = c.on_packet(ctx, p)
                                && c.writes_events()
                            {
                                c.read_version(ctx, slot, &self.stores[c.group]);
                            }
                        } else {
                            self.answer_to_service(i, p);
                        }
                    } else {
                        self.queues[usize::from(to - self.first_queue)].on_packet(ctx, p);
                    }
                } else if to < self.first_exchange {
                    self.producers[usize::from(to)].on_packet(ctx, p);
                } else {
                    self.route(p);
                }
            }
            Event::Linger { producer, seq } => self.producers[usize::from(producer)].on_linger(ctx, seq),
            Event::RelayPoll { producer, epoch } => self.producers[usize::from(producer)].on_relay_poll(ctx, epoch),
            Event::SagaEnded { .. } | Event::SagaTimeout { .. } | Event::StepServed(_) => self.saga_event(event),
            Event::Lost(p, cause) => {
                ctx.take_off_link(&p);
                ctx.lost(&p, cause);
            }
            Event::ProducerTimer(i) => self.producers[usize::from(i)].on_timer(ctx),
            Event::RetryDue { producer, msg } => self.producers[usize::from(producer)].on_retry_due(ctx, msg),
            Event::ProcessDone { consumer, epoch, slot } => {
                let c = &mut self.consumers[usize::from(consumer)];
                if c.plain {
                    c.on_done(ctx, epoch, slot, &mut self.stores[c.group], None);
                } else {
                    self.service_done(consumer, epoch, slot);
                }
            }
            Event::QueueTimer(i) => self.queues[usize::from(i)].on_timer(ctx),
            Event::PlannedCrash { group, entry, again } => self.planned_crash(group, entry, again),
            Event::Restart { consumer, epoch } => {
                let c = &mut self.consumers[usize::from(consumer)];
                c.on_restart(ctx, epoch);
                if c.is_up()
                    && let Some(j) = c.publisher
                {
                    self.producers[usize::from(j)].revive(ctx);
                }
                if c.is_up() && c.saga {
                    // A two-phase commit's coordinator recovers its transactions from its log.
                    let r = Runner { consumer, node: c.node, epoch: c.epoch(), slot: NO_SLOT };
                    let Simulation { ctx, consumers, sagas, .. } = self;
                    sagas.recover(ctx, r, &runner_alive(consumers));
                }
            }
            Event::NodeRestart { node, epoch } => self.restart_node(node, epoch),
            Event::Disconnect { queue, consumer } => self.queues[usize::from(queue)].on_disconnect(ctx, consumer),
            Event::Connect { queue, consumer } => self.queues[usize::from(queue)].on_connect(ctx, consumer),
            Event::MemberDone { member, epoch } => self.member_done(member, epoch),
            Event::MemberPoll { member, slot, seq } => {
                ctx.idle_fired();
                let m = &mut self.members[usize::from(member)];
                // Records past its position (a lost reply, or appends since)?
                let c = &self.coordinators[usize::from(m.log_group)];
                let topic = &self.topics[c.topic];
                let unread = m.place_of(slot).is_some_and(|(p, at)| topic.unread(c.place, p, at, c.reset));
                m.on_poll(ctx, slot, seq, unread);
            }
            Event::FetchExpired { topic, group, partition } => {
                ctx.idle_fired();
                self.topics[usize::from(topic)].on_fetch_expired(ctx, usize::from(group), u32::from(partition));
            }
            Event::Replicate { topic, partition, upto } => {
                self.topics[usize::from(topic)].on_replicate(ctx, usize::from(partition), u64::from(upto))
            }
            Event::BrokerRestart { topic, broker, epoch } => {
                self.restart_broker(usize::from(topic), usize::from(broker), epoch)
            }
            Event::LogStart { .. }
            | Event::Rebuild { .. }
            | Event::Rebalanced { .. }
            | Event::MemberRestart { .. }
            | Event::MemberLeft { .. } => self.group_event(event),
        }
    }

    /// A request reached a broker whose service takes time: it waits on its
    /// link until the broker has served it (`Served`). Returns whether it
    /// waits (what costs nothing arrives at once).
    #[cold]
    #[inline(never)]
    fn waits(&mut self, mut p: Packet) -> bool {
        let ctx = &mut self.ctx;
        let to = usize::from(p.to);
        let done = match ctx.topology.nodes[to].kind {
            _ if self.down[to] => return false,
            NodeKind::Queue | NodeKind::Exchange if !self.queue_cost.is_free() => {
                let work = match p.kind {
                    PacketKind::Publish if to >= usize::from(self.first_queue) => self.queue_cost.request_of(1),
                    PacketKind::Publish => {
                        let mut route = std::mem::take(&mut ctx.route);
                        ctx.topology.route_into(p.to, ctx.ledger.get(p.msg).key(), &mut route);
                        let copies = route.len() as u64;
                        ctx.route = route;
                        self.queue_cost.request_of(copies)
                    }
                    PacketKind::Ack | PacketKind::Nack => self.queue_cost.request_of(0),
                    _ => return false,
                };
                self.queue_server.serve(ctx.now, work)
            }
            NodeKind::Topic => match self.topics[usize::from(p.to - self.first_topic)].serve(ctx, &mut p) {
                Some(done) => done,
                None => return false,
            },
            _ => return false,
        };
        ctx.scheduler.push(done, Event::Served(p));
        true
    }

    /// A packet reached a topic or a member: a publish, a fetch or a commit
    /// at the topic; records, or an answer to what it published, at a member.
    #[cold]
    #[inline(never)]
    fn log_arrival(&mut self, p: Packet) {
        let ctx = &mut self.ctx;
        if p.to >= self.first_member {
            let m = &mut self.members[usize::from(p.to - self.first_member)];
            match p.kind {
                PacketKind::Records => {
                    let topic = &self.topics[ctx.topology.nodes[usize::from(p.from)].index];
                    let records = topic.records(u32::from(p.delivery), u64::from(p.tag), u64::from(p.attempt));
                    m.on_records(ctx, &p, records.map(|(o, r)| (o, r.msg)));
                }
                PacketKind::CommitAck => m.on_commit_ack(ctx, &p),
                _ => match m.publisher {
                    Some(j) if self.producers[usize::from(j)].is_up() => {
                        self.producers[usize::from(j)].on_packet(ctx, p)
                    }
                    _ => dropped_at_down_node(ctx, &p),
                },
            }
            return;
        }
        let topic = &mut self.topics[usize::from(p.to - self.first_topic)];
        match p.kind {
            PacketKind::Publish => topic.on_publish(ctx, &p),
            PacketKind::Fetch | PacketKind::CommitOffset => {
                let Some(m) = self.members.get(usize::from(p.from.wrapping_sub(self.first_member))) else { return };
                let c = &self.coordinators[usize::from(m.log_group)];
                let current = c.current(&p, ctx.now);
                if p.kind == PacketKind::Fetch {
                    topic.on_fetch(ctx, &p, c.place, c.reset, current);
                } else {
                    topic.on_commit(ctx, &p, c.place, current);
                }
            }
            _ => crate::log::topic::stale(ctx, p.to, &p),
        }
    }

    /// A member finished processing a record (publishing downstream if its
    /// group does).
    fn member_done(&mut self, member: u16, epoch: u32) {
        let Simulation { ctx, members, producers, stores, .. } = self;
        let m = &mut members[usize::from(member)];
        let publisher = m.publisher.map(|j| &mut producers[usize::from(j)]);
        let was_up = m.is_up();
        m.on_done(ctx, epoch, &mut stores[m.group], publisher);
        if was_up
            && !m.is_up()
            && let Some(j) = m.publisher
        {
            producers[usize::from(j)].crash(ctx);
        }
    }

    /// A group on a topic starts, rebalances, loses or regains a member.
    #[cold]
    #[inline(never)]
    fn group_event(&mut self, event: Event) {
        let Simulation { ctx, members, coordinators, producers, topics, stores, .. } = self;
        match event {
            Event::LogStart { group } => coordinators[usize::from(group)].start(ctx, members),
            Event::Rebuild { group } => {
                let c = &mut coordinators[usize::from(group)];
                let store = &mut stores[members[c.first_member].group];
                c.rebuild(ctx, members, &mut topics[c.topic], store);
            }
            Event::Rebalanced { group, generation } => {
                coordinators[usize::from(group)].rebalanced(ctx, generation, members)
            }
            Event::MemberLeft { member, epoch } if members[usize::from(member)].down_since(epoch) => {
                let c = &mut coordinators[usize::from(members[usize::from(member)].log_group)];
                let m = usize::from(member) - c.first_member;
                c.member_left(ctx, m, members);
            }
            Event::MemberRestart { member, epoch } => {
                let i = usize::from(member);
                if members[i].on_restart(ctx, epoch) {
                    if let Some(j) = members[i].publisher {
                        producers[usize::from(j)].revive(ctx);
                    }
                    let c = &mut coordinators[usize::from(members[i].log_group)];
                    let m = i - c.first_member;
                    c.member_back(ctx, m, members);
                }
            }
            _ => {}
        }
    }

    /// A service finished processing (out of line: the usual consumer
    /// publishes nothing and runs no saga). A saga's orchestrator has done
    /// its own work: the saga begins, and its end finishes the job
    /// ([`job_done`](Self::job_done)).
    #[inline(never)]
    fn service_done(&mut self, consumer: u16, epoch: u32, slot: u32) {
        let Simulation { ctx, consumers, sagas, .. } = self;
        let c = &consumers[usize::from(consumer)];
        if c.saga {
            if let Some(msg) = c.job(epoch, slot) {
                let r = Runner { consumer, node: c.node, epoch, slot };
                sagas.begin(ctx, c.group, r, msg, &runner_alive(consumers));
            }
            return;
        }
        self.job_done(consumer, epoch, slot);
    }

    /// [`Consumer::on_done`], publishing through the service's producer if it has one.
    fn job_done(&mut self, consumer: u16, epoch: u32, slot: u32) {
        let Simulation { ctx, consumers, producers, stores, .. } = self;
        let c = &mut consumers[usize::from(consumer)];
        let was_up = c.is_up();
        // One inlined copy of `on_done` for both (a saga's orchestrator may
        // publish nothing).
        let publisher = c.publisher.map(|j| &mut producers[usize::from(j)]);
        c.on_done(ctx, epoch, slot, &mut stores[c.group], publisher);
        if was_up
            && !c.is_up()
            && let Some(j) = c.publisher
        {
            // A crash: its in-memory publishing state goes with it.
            producers[usize::from(j)].crash(ctx);
        }
    }

    /// Entry `entry` of crash plan `group` is due (`again`: a repeat of a
    /// repeating entry). A repeating entry schedules its next crash a random
    /// gap after coming back — while anything else is left to happen: a
    /// series of failures does not keep a finished run going.
    #[cold]
    #[inline(never)]
    fn planned_crash(&mut self, group: u16, entry: u32, again: bool) {
        if again {
            self.ctx.idle_fired();
        }
        let ctx = &mut self.ctx;
        let plan = &self.crash_plans[usize::from(group)];
        let Some(&(_, only, down, every)) = plan.entries.get(entry as usize) else { return };
        let (first, count) = (plan.first, plan.count);
        if let (false, Some(&(at, ..))) = (again, plan.entries.get(entry as usize + 1)) {
            ctx.scheduler.push(at, Event::PlannedCrash { group, entry: entry + 1, again: false });
        }
        if let Some(mean) = every
            && ctx.busy()
        {
            let gap = time::ms(ctx.rng.exponential(mean));
            let delay = down.saturating_add(gap.max(1));
            ctx.schedule_idle(delay, Event::PlannedCrash { group, entry, again: true });
        }
        if let Some(t) = self.topic_at(first) {
            self.crash_brokers(t, only, down);
            return;
        }
        for i in 0..count {
            if only.is_none_or(|o| o == i) {
                self.crash_node(first + i as NodeId, down);
            }
        }
    }

    /// The topic (its index) at node `node`, if it is one.
    fn topic_at(&self, node: NodeId) -> Option<usize> {
        let n = self.ctx.topology.nodes.get(usize::from(node))?;
        (n.kind == NodeKind::Topic).then_some(n.index)
    }

    /// Broker `only` of topic `t`'s cluster (a topic's instances are its
    /// brokers), or every one, crashes for `down` µs.
    fn crash_brokers(&mut self, t: usize, only: Option<u32>, down: Time) {
        for b in 0..self.topics[t].brokers.len() {
            if only.is_none_or(|o| o as usize == b) {
                self.crash_broker(t, b, down);
            }
        }
    }

    /// Broker `b` of topic `t`'s cluster crashes for `down` µs. With every
    /// broker down, the topic is down: packets reaching it are lost.
    #[cold]
    #[inline(never)]
    fn crash_broker(&mut self, t: usize, b: usize, down: Time) {
        let topic = &mut self.topics[t];
        if topic.crash_broker(&mut self.ctx, b, down) && !topic.any_up() {
            // Every broker is down: so is the topic (its broker crashes are
            // counted already).
            self.down[usize::from(topic.node)] = true;
            let mut e = self.ctx.record(EventKind::Crash, topic.node, NO_MSG);
            e.end = self.ctx.now.saturating_add(down);
            e.cause = Cause::NodeDown;
            self.ctx.emit_rare(e);
        }
    }

    /// Broker `b` of topic `t`'s cluster is back after crash `epoch`.
    #[cold]
    #[inline(never)]
    fn restart_broker(&mut self, t: usize, b: usize, epoch: u32) {
        let topic = &mut self.topics[t];
        let was_down = !topic.any_up();
        if topic.restart_broker(&mut self.ctx, b, epoch) && was_down {
            self.down[usize::from(topic.node)] = false;
            let e = self.ctx.record(EventKind::Restart, topic.node, NO_MSG);
            self.ctx.emit_rare(e);
        }
    }

    /// A publish reached a running exchange: a copy into every bound queue
    /// its routing key matches. With confirms, the publisher hears `confirm`
    /// if every queue took its copy, `reject` if any refused (full, or its
    /// broker down) — a retry then puts a second copy in the queues that did.
    #[cold]
    #[inline(never)]
    fn route(&mut self, p: Packet) {
        let ctx = &mut self.ctx;
        let mut route = std::mem::take(&mut ctx.route);
        let key = ctx.ledger.get(p.msg).key();
        ctx.topology.route_into(p.to, key, &mut route);
        let mut all = true;
        let mut took = Vec::new();
        if route.is_empty() && p.kind == PacketKind::Publish {
            ctx.ledger.mark_unroutable(p.msg);
            let mut e = ctx.record(EventKind::Discard, p.to, p.msg);
            e.cause = Cause::Unroutable;
            e.attempt = p.attempt;
            e.copy = p.copy;
            ctx.emit_rare(e);
        }
        for &q in &route {
            let queue = &mut self.queues[ctx.topology.nodes[usize::from(q)].index];
            if !queue.is_up() {
                ctx.ledger.note_loss(p.msg, Cause::NodeDown);
                let mut e = ctx.record(EventKind::Discard, q, p.msg);
                e.cause = Cause::NodeDown;
                e.peer = p.to;
                ctx.emit_rare(e);
                all = false;
            } else if queue.take(ctx, p.msg, p.copy, p.attempt) == Taken::Full {
                all = false;
            } else {
                took.push(ctx.topology.nodes[usize::from(q)].index);
            }
        }
        ctx.route = route;
        if p.confirm {
            let mut a = Packet::new(if all { PacketKind::Confirm } else { PacketKind::Reject }, p.to, p.from, p.msg);
            a.attempt = p.attempt;
            a.copy = p.copy;
            ctx.send(a);
        }
        for q in took {
            self.queues[q].deliver(ctx);
        }
    }

    /// A saga's event: one ended (its orchestrator's job finishes), a wait
    /// for an answer ran out, a step's service has handled a request.
    #[cold]
    #[inline(never)]
    fn saga_event(&mut self, event: Event) {
        if let Event::SagaEnded { consumer, epoch, slot } = event {
            self.job_done(consumer, epoch, slot);
            return;
        }
        let Simulation { ctx, consumers, sagas, .. } = self;
        match event {
            Event::SagaTimeout { msg, seq } => sagas.on_timeout(ctx, msg, seq, &runner_alive(consumers)),
            Event::StepServed(p) => sagas.on_served(ctx, p),
            _ => {}
        }
    }

    /// A confirm or reject for what service instance `i` published, or a
    /// saga service's answer to orchestrator instance `i`.
    #[cold]
    #[inline(never)]
    fn answer_to_service(&mut self, i: usize, p: Packet) {
        if p.kind.is_saga_answer() {
            let Simulation { ctx, consumers, sagas, .. } = self;
            let up = consumers[i].is_up();
            if sagas.on_answer(ctx, p, &runner_alive(consumers), up) {
                consumers[i].crash_now(ctx);
            }
            return;
        }
        match self.consumers[i].publisher {
            Some(j) if self.producers[usize::from(j)].is_up() => {
                self.producers[usize::from(j)].on_packet(&mut self.ctx, p)
            }
            _ => dropped_at_down_node(&mut self.ctx, &p),
        }
    }

    /// Node `node` crashes for `down` µs (if it is up).
    #[cold]
    #[inline(never)]
    fn crash_node(&mut self, node: NodeId, down: Time) {
        let ctx = &mut self.ctx;
        let n = &ctx.topology.nodes[usize::from(node)];
        let i = n.index;
        let epoch = match n.kind {
            NodeKind::Consumer | NodeKind::Member => {
                // A service's in-memory publishing state goes with it.
                let (was_up, publisher) = if n.kind == NodeKind::Consumer {
                    let c = &mut self.consumers[i];
                    let was_up = c.is_up();
                    c.on_crash(ctx, down);
                    (was_up, c.publisher)
                } else {
                    let m = &mut self.members[i];
                    let was_up = m.is_up();
                    m.on_crash(ctx, down);
                    (was_up, m.publisher)
                };
                if was_up && let Some(j) = publisher {
                    self.producers[usize::from(j)].crash(ctx);
                }
                return;
            }
            NodeKind::Producer if self.producers[i].is_up() => {
                self.down[usize::from(node)] = true;
                ctx.crash_record(node, down);
                self.producers[i].crash(ctx);
                self.producers[i].epoch
            }
            NodeKind::Exchange if !self.down[usize::from(node)] => {
                self.down[usize::from(node)] = true;
                ctx.crash_record(node, down);
                let epoch = &mut self.exchange_epochs[i];
                *epoch = epoch.wrapping_add(1);
                *epoch
            }
            NodeKind::Queue if self.queues[i].is_up() => {
                self.down[usize::from(node)] = true;
                ctx.crash_record(node, down);
                self.queues[i].crash(ctx);
                self.queues[i].epoch
            }
            NodeKind::Topic => {
                self.crash_brokers(i, None, down);
                return;
            }
            NodeKind::SagaService if !self.down[usize::from(node)] => {
                self.down[usize::from(node)] = true;
                ctx.crash_record(node, down);
                self.sagas.crash_service(node)
            }
            _ => return,
        };
        ctx.schedule_in(down, Event::NodeRestart { node, epoch });
    }

    /// Node `node` (a producer, an exchange or a queue's broker) comes back
    /// after crash `epoch`.
    #[cold]
    #[inline(never)]
    fn restart_node(&mut self, node: NodeId, epoch: u32) {
        let Simulation { ctx, producers, exchange_epochs, queues, consumers, down, first_consumer, sagas, .. } = self;
        let n = &ctx.topology.nodes[usize::from(node)];
        let (i, kind) = (n.index, n.kind);
        let back = match kind {
            NodeKind::Producer => producers[i].restart(epoch),
            NodeKind::Exchange => exchange_epochs[i] == epoch && down[usize::from(node)],
            NodeKind::Queue => {
                // Consumer nodes come last, in instance order.
                let up = |c: NodeId| {
                    consumers.get(usize::from(c.wrapping_sub(*first_consumer))).is_some_and(Consumer::is_up)
                };
                queues[i].restart(ctx, epoch, up)
            }
            NodeKind::SagaService => sagas.service_in(node, epoch) && down[usize::from(node)],
            NodeKind::Consumer | NodeKind::Member | NodeKind::Topic => false,
        };
        if back {
            down[usize::from(node)] = false;
            let e = ctx.record(EventKind::Restart, node, NO_MSG);
            ctx.emit_rare(e);
            if kind == NodeKind::SagaService {
                sagas.service_back(ctx, node, &runner_alive(consumers));
            }
        }
    }

    /// Executes every event up to and including time `t` (µs).
    pub fn run_until(&mut self, t: Time) {
        while self.ctx.scheduler.peek_time().is_some_and(|next| next <= t) && self.step() {}
    }

    /// Executes at most `budget` events; returns how many ran. For callers that
    /// must yield regularly (the browser).
    pub fn run_events(&mut self, budget: u64) -> u64 {
        let mut n = 0;
        while n < budget && self.next_event() {
            n += 1;
        }
        n
    }

    /// Runs to the end (or to a limit).
    pub fn run_to_end(&mut self) {
        self.run_events(u64::MAX);
    }

    /// Runs to the end and returns the report.
    pub fn run(&mut self) -> Report {
        self.run_to_end();
        self.report()
    }

    /// The report as of now.
    pub fn report(&self) -> Report {
        let t = &self.ctx.topology;
        let names = self.queues.iter().map(|q| (usize::from(q.node), t.nodes[usize::from(q.node)].name.clone()));
        // A message made by a producer outside a graph is expected in its target queue.
        let queue_of = |producer: NodeId| {
            let target = t.nodes.get(usize::from(producer))?.target;
            t.nodes.get(usize::from(target)).filter(|n| n.kind == NodeKind::Queue).map(|n| n.index)
        };
        let never = self.ctx.ledger.never_applied_by_queue(self.queues.len() + self.coordinators.len(), queue_of);
        let groups = self
            .group_names
            .iter()
            .map(|(name, from, sub)| (name.clone(), from.clone(), never.get(*sub).copied().unwrap_or(0)));
        Report::build(ReportInputs {
            metrics: &self.ctx.metrics,
            latencies: &self.ctx.latencies,
            status: self.ctx.ledger.status_counts(),
            queue_names: names.collect(),
            groups: groups.collect(),
            unroutable: self.ctx.ledger.unroutable,
            brokers: self.broker_loads(),
            events: self.events,
            stopped: self.stopped,
            seed: self.seed,
            sagas: self.sagas.any().then(|| self.sagas.figures()),
        })
    }

    /// Checks every saga: one that ended is all done or all compensated,
    /// and its log agrees with its services' records.
    pub fn check_sagas(&self) -> Result<(), String> {
        self.sagas.check()
    }

    /// Each group on a topic that keeps a rebuildable projection: its
    /// coordinator, its first member and the projection.
    fn projections(&self) -> impl Iterator<Item = (&Coordinator, &Member, &Projection)> {
        self.coordinators.iter().filter_map(|c| {
            let m = &self.members[c.first_member];
            Some((c, m, self.stores[m.group].projection.as_deref()?))
        })
    }

    /// A projection's state holds none of `msgs` that its group (member
    /// `m`'s) never applied.
    fn check_projection_holds(
        &self,
        m: &Member,
        state: &Projection,
        msgs: impl IntoIterator<Item = MsgId>,
    ) -> Result<(), String> {
        let ledger = &self.ctx.ledger;
        match msgs.into_iter().find(|&msg| state.held(msg) > 0 && !ledger.applied_in(msg, m.sub())) {
            Some(msg) => {
                Err(format!("projection {} holds message {msg}, which it never applied", self.group_names[m.group].0))
            }
            None => Ok(()),
        }
    }

    /// Checks every rebuildable projection: its state holds nothing its
    /// group never applied, and every record the group has committed
    /// (still in the log, not poison) is in its state — after a rebuild
    /// too: the state is the fold of its stream. (A group that commits
    /// before processing may lose records: not checked.)
    pub fn check_projections(&self) -> Result<(), String> {
        let ledger = &self.ctx.ledger;
        for (c, m, state) in self.projections() {
            self.check_projection_holds(m, state, 0..ledger.len() as u32)?;
            let name = &self.group_names[m.group].0;
            if m.commits_first() {
                continue;
            }
            let topic = &self.topics[c.topic];
            for (p, log) in topic.partitions.iter().enumerate() {
                let committed = topic.cursors[c.place][p].committed.unwrap_or(0).min(log.end());
                for offset in log.earliest()..committed {
                    let Some(r) = log.get(offset) else { continue };
                    if !ledger.get(r.msg).poison() && state.held(r.msg) == 0 {
                        return Err(format!(
                            "projection {name} lacks message {} (partition {p}, offset {offset}), committed",
                            r.msg
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    /// With costs: each broker's name and time spent serving.
    fn broker_loads(&self) -> Vec<(String, Time)> {
        let mut loads = Vec::new();
        if !self.costed {
            return loads;
        }
        if !self.queue_cost.is_free() && !self.queues.is_empty() {
            loads.push(("queues".to_string(), self.queue_server.busy));
        }
        for t in &self.topics {
            let name = &self.ctx.topology.nodes[usize::from(t.node)].name;
            for (b, server) in t.servers.iter().enumerate() {
                loads.push((format!("{name}/{b}"), server.busy));
            }
        }
        loads
    }

    /// End-to-end latencies (µs) of the messages applied so far, in the
    /// order their first effects happened.
    pub fn latencies(&self) -> &[Time] {
        &self.ctx.latencies.samples
    }

    /// Takes the records traced since the last call, for a caller that writes
    /// the trace out as the run goes (so it never sits in memory whole).
    pub fn drain_trace(&mut self) -> impl Iterator<Item = TraceEvent> + '_ {
        self.ctx.trace.iter_mut().flat_map(|t| t.drain(..))
    }

    /// The trace so far (empty when tracing is off).
    pub fn trace(&self) -> &[TraceEvent] {
        self.ctx.trace.as_deref().unwrap_or(&[])
    }

    /// The nodes and links.
    pub fn topology(&self) -> &Topology {
        &self.ctx.topology
    }

    /// The per-message outcome records.
    pub fn ledger(&self) -> &Ledger {
        &self.ctx.ledger
    }

    /// Metrics as they were before the first event (the start of a fold over
    /// the trace, e.g. for a [`Timeline`](crate::Timeline)).
    pub fn fresh_metrics(&self) -> Metrics {
        Metrics::new(&self.ctx.topology, &self.concurrency)
    }

    /// The running counters.
    pub fn metrics(&self) -> &Metrics {
        &self.ctx.metrics
    }

    /// Simulated time of the last event.
    pub fn now(&self) -> Time {
        self.ctx.now
    }

    /// Time of the next event, if any.
    pub fn next_time(&self) -> Option<Time> {
        self.ctx.scheduler.peek_time()
    }

    /// Engine events executed so far.
    pub fn events(&self) -> u64 {
        self.events
    }

    /// Events waiting in the scheduler.
    pub fn pending_events(&self) -> usize {
        self.ctx.scheduler.len()
    }

    /// The most events ever waiting in the scheduler at once.
    pub fn max_pending_events(&self) -> usize {
        self.max_pending
    }

    /// Bytes of scheduler storage per pending event.
    pub const fn bytes_per_pending_event() -> usize {
        crate::scheduler::Scheduler::<Event>::entry_size()
    }

    /// Why the run stopped, once it has.
    pub fn stopped(&self) -> Option<StopReason> {
        self.stopped
    }

    /// The seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Messages dead-lettered per queue, in queue order.
    pub fn dead_letters(&self) -> Vec<&[crate::trace::MsgId]> {
        self.queues.iter().map(|q| q.dead_letters.as_slice()).collect()
    }

    /// Where every message stands.
    pub fn status_counts(&self) -> StatusCounts {
        self.ctx.ledger.status_counts()
    }

    /// The log broker's invariants: within a generation each partition has
    /// at most one owner in a group; a group's committed offset never passes
    /// what the partition has appended (commits only move forward: the
    /// cursor refuses any other).
    fn check_log(&self) -> Result<(), String> {
        for c in &self.coordinators {
            let topic = &self.topics[c.topic];
            let mut owner = vec![usize::MAX; topic.partitions.len()];
            for (m, member) in self.members[c.first_member..c.first_member + c.count].iter().enumerate() {
                if member.generation == 0 {
                    continue;
                }
                for p in member.partitions() {
                    let o = &mut owner[p as usize];
                    if *o != usize::MAX {
                        return Err(format!("partition {p} owned by members {} and {m} of one group", *o));
                    }
                    *o = m;
                }
            }
            for (p, cursor) in topic.cursors[c.place].iter().enumerate() {
                if cursor.committed.is_some_and(|o| o > topic.partitions[p].end()) {
                    return Err(format!("a commit in partition {p} beyond its end"));
                }
            }
        }
        Ok(())
    }

    /// Checks that every message copy the ledger accounts for is really where
    /// it says — on a link, in a queue, in a consumer's hands — and that the
    /// metrics fold agrees with the engine. Runs after every event in debug
    /// builds (so in every test).
    pub fn check_conservation(&self) -> Result<(), String> {
        let ctx = &self.ctx;
        let l = &ctx.ledger;
        if l.on_link != ctx.data_packets_pending {
            return Err(format!(
                "{} tokens on links but {} message packets scheduled",
                l.on_link, ctx.data_packets_pending
            ));
        }
        let held: u64 = self.queues.iter().map(|q| q.held() as u64).sum::<u64>()
            + self.topics.iter().map(|t| t.held() as u64).sum::<u64>();
        if l.in_queue != held {
            return Err(format!("{} tokens in queues but queues hold {held}", l.in_queue));
        }
        let in_hand: u64 = self.consumers.iter().map(|c| c.in_hand() as u64).sum::<u64>()
            + self.members.iter().map(|m| m.in_hand() as u64).sum::<u64>();
        if l.at_consumer != in_hand {
            return Err(format!("{} tokens at consumers but consumers hold {in_hand}", l.at_consumer));
        }
        let at_producers: u64 = self.producers.iter().map(|p| p.held() as u64).sum();
        if l.at_producer != at_producers {
            return Err(format!("{} tokens at producers but producers hold {at_producers}", l.at_producer));
        }
        let m = &ctx.metrics;
        if m.messages_in_flight != ctx.data_packets_pending {
            return Err(format!(
                "metrics count {} messages in flight, engine {}",
                m.messages_in_flight, ctx.data_packets_pending
            ));
        }
        for q in &self.queues {
            let node = usize::from(q.node);
            if m.depth[node] as usize != q.ready_len() {
                return Err(format!(
                    "metrics depth {} at node {node}, queue holds {} ready",
                    m.depth[node],
                    q.ready_len()
                ));
            }
        }
        for c in &self.consumers {
            let node = usize::from(c.node);
            if m.busy[node] as usize != c.busy() {
                return Err(format!("metrics busy {} at node {node}, consumer has {} busy", m.busy[node], c.busy()));
            }
            c.check_reads(ctx, &self.stores[c.group])?;
        }
        for c in &self.members {
            let node = usize::from(c.node);
            if m.busy[node] as usize != c.busy() {
                return Err(format!("metrics busy {} at node {node}, member has {} busy", m.busy[node], c.busy()));
            }
        }
        self.check_log()?;
        self.sagas.check_last()?;
        // A projection's last application: its state holds only what its
        // group applied (the whole state is checked at the end of a test).
        for (_, m, state) in self.projections() {
            self.check_projection_holds(m, state, state.last)?;
        }
        if m.counts.produced + m.counts.derived != l.len() as u64 {
            return Err(format!("{} Produce events but {} messages", m.counts.produced + m.counts.derived, l.len()));
        }
        Ok(())
    }
}
