//! The engine: owns the nodes and the context, pops events in order and hands
//! each to the node it concerns.

use crate::broker::QueueBroker;
use crate::consumer::Consumer;
use crate::context::Ctx;
use crate::dedup::DedupStore;
use crate::event::Event;
use crate::ledger::{Ledger, StatusCounts};
use crate::memory;
use crate::metrics::{Latencies, Metrics};
use crate::producer::Producer;
use crate::report::{Report, ReportInputs, StopReason};
use crate::rng::SimRng;
use crate::scenario::{Problem, Scenario};
use crate::time::{self, Time};
use crate::topology::{NodeKind, Topology};
use crate::trace::{EventKind, TraceEvent};

/// A consumer group's planned crashes, in time order (ties in file order).
#[derive(Clone, Debug)]
struct CrashPlan {
    /// Index of the group's first consumer instance.
    first: u16,
    /// Instances in the group.
    count: u32,
    /// `(at, only this instance, down for)`.
    entries: Vec<(Time, Option<u32>, Time)>,
}

/// One run of a scenario with one seed.
///
/// Build it with [`Simulation::new`], drive it with [`step`](Self::step),
/// [`run_until`](Self::run_until) or [`run`](Self::run), and read the
/// [`trace`](Self::trace) and [`report`](Self::report) at any point.
#[derive(Clone)]
pub struct Simulation {
    ctx: Ctx,
    producers: Vec<Producer>,
    queues: Vec<QueueBroker>,
    consumers: Vec<Consumer>,
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
    stopped: Option<StopReason>,
    /// Most bytes the run may hold (see `memory.rs`).
    budget: u64,
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
        for (id, node) in topology.nodes.iter().enumerate() {
            let id = id as crate::trace::NodeId;
            match node.kind {
                NodeKind::Producer => {
                    let spec = &scenario.producers[node.group];
                    let targets = topology.consumers_of(node.queue);
                    producers.push(Producer::new(id, producers.len() as u16, node.queue, targets, spec));
                }
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
            }
        }
        let keys = scenario.producers.iter().map(|p| p.keys).max().unwrap_or(1);
        let metrics = Metrics::new(&topology, &concurrency);
        let ledger = Ledger::new(keys, scenario.total_messages());
        let latencies = Latencies::with_capacity(scenario.total_messages());
        let mut ctx = Ctx::new(topology, SimRng::new(seed), ledger, metrics, latencies);

        for p in &producers {
            p.start(&mut ctx);
        }
        let mut crash_plans = Vec::with_capacity(scenario.consumers.len());
        let mut first = 0u16;
        for (g, spec) in scenario.consumers.iter().enumerate() {
            // By time, ties in the order written (an unstable sort on (time,
            // position): a stable sort would add its own code to the download).
            let mut order: Vec<(Time, usize)> =
                spec.crash.schedule.iter().enumerate().map(|(i, s)| (time::ms(s.at_ms), i)).collect();
            order.sort_unstable();
            let entries: Vec<(Time, Option<u32>, Time)> = order
                .iter()
                .map(|&(at, i)| (at, spec.crash.schedule[i].instance, time::ms(spec.crash.schedule[i].down_ms)))
                .collect();
            if let Some(&(at, _, _)) = entries.first() {
                ctx.scheduler.push(at, Event::PlannedCrash { group: g as u16, entry: 0 });
            }
            crash_plans.push(CrashPlan { first, count: spec.count, entries });
            first += spec.count as u16;
        }
        Ok(Simulation {
            ctx,
            producers,
            queues,
            consumers,
            stores: scenario.consumers.iter().map(|c| DedupStore::new(&c.idempotency)).collect(),
            crash_plans,
            seed,
            concurrency,
            deadline: time::ms(scenario.duration_ms),
            max_events: scenario.max_events,
            look_up_at: scenario.max_events.min(memory::CHECK_EVERY),
            events: 0,
            max_pending: 0,
            stopped: None,
            budget: memory::DEFAULT_BUDGET,
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
            + vec_bytes::<Time>(c.latencies.samples.capacity())
            + c.scheduler.heap_bytes()
            + trace
            + self.producers.iter().map(Producer::heap_bytes).sum::<u64>()
            + self.queues.iter().map(QueueBroker::heap_bytes).sum::<u64>()
            + self.consumers.iter().map(Consumer::heap_bytes).sum::<u64>()
            + self.stores.iter().map(DedupStore::heap_bytes).sum::<u64>()
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
                self.max_pending = self.max_pending.max(pending);
                self.execute(t, event);
                return true;
            }
        }
        self.stop()
    }

    /// Executes one event taken from the scheduler.
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

    fn dispatch(&mut self, event: Event) {
        let ctx = &mut self.ctx;
        match event {
            Event::Produce(i) => self.producers[usize::from(i)].on_produce(ctx),
            Event::Arrive(p) => {
                ctx.take_off_link(&p);
                let e = ctx.packet_record(EventKind::Arrive, &p);
                ctx.emit(TraceEvent { node: p.to, peer: p.from, ..e });
                let node = &ctx.topology.nodes[usize::from(p.to)];
                let i = node.index;
                match node.kind {
                    NodeKind::Producer => self.producers[i].on_packet(ctx, p),
                    NodeKind::Queue => self.queues[i].on_packet(ctx, p),
                    NodeKind::Consumer => self.consumers[i].on_packet(ctx, p),
                }
            }
            Event::Lost(p, cause) => {
                ctx.take_off_link(&p);
                ctx.lost(&p, cause);
            }
            Event::ProducerTimer(i) => self.producers[usize::from(i)].on_timer(ctx),
            Event::RetryDue { producer, tag } => self.producers[usize::from(producer)].on_retry_due(ctx, tag),
            Event::ProcessDone { consumer, epoch, slot } => {
                let c = &mut self.consumers[usize::from(consumer)];
                c.on_done(ctx, epoch, slot, &mut self.stores[c.group]);
            }
            Event::QueueTimer(i) => self.queues[usize::from(i)].on_timer(ctx),
            Event::PlannedCrash { group, entry } => {
                let plan = &self.crash_plans[usize::from(group)];
                let Some(&(_, only, down)) = plan.entries.get(entry as usize) else { return };
                for i in 0..plan.count {
                    if only.is_none_or(|o| o == i) {
                        self.consumers[usize::from(plan.first) + i as usize].on_crash(ctx, down);
                    }
                }
                if let Some(&(at, _, _)) = plan.entries.get(entry as usize + 1) {
                    ctx.scheduler.push(at, Event::PlannedCrash { group, entry: entry + 1 });
                }
            }
            Event::Restart { consumer, epoch } => self.consumers[usize::from(consumer)].on_restart(ctx, epoch),
            Event::Disconnect { queue, consumer } => self.queues[usize::from(queue)].on_disconnect(ctx, consumer),
            Event::Connect { queue, consumer } => self.queues[usize::from(queue)].on_connect(ctx, consumer),
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
        let names = self
            .queues
            .iter()
            .map(|q| (usize::from(q.node), self.ctx.topology.nodes[usize::from(q.node)].name.clone()));
        Report::build(ReportInputs {
            metrics: &self.ctx.metrics,
            latencies: &self.ctx.latencies,
            status: self.ctx.ledger.status_counts(),
            queue_names: names.collect(),
            events: self.events,
            stopped: self.stopped,
            seed: self.seed,
        })
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
        let held: u64 = self.queues.iter().map(|q| q.held() as u64).sum();
        if l.in_queue != held {
            return Err(format!("{} tokens in queues but queues hold {held}", l.in_queue));
        }
        let in_hand: u64 = self.consumers.iter().map(|c| c.in_hand() as u64).sum();
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
        }
        if m.counts.produced != l.len() as u64 {
            return Err(format!("{} Produce events but {} messages", m.counts.produced, l.len()));
        }
        Ok(())
    }
}
