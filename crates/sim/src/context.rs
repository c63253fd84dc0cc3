//! What every node handler acts through: the clock, the scheduler, the one
//! RNG, the network, the ledger, and the trace.

use crate::event::{Event, Packet};
use crate::ledger::{Ledger, Place};
use crate::metrics::{Latencies, Metrics};
use crate::network::{self, Fate};
use crate::rng::SimRng;
use crate::scheduler::Scheduler;
use crate::time::Time;
use crate::topology::Topology;
use crate::trace::{Cause, EventKind, MsgId, NO_MSG, NodeId, TraceEvent};

/// Shared engine state handed to node handlers.
#[derive(Clone)]
pub(crate) struct Ctx {
    pub now: Time,
    pub scheduler: Scheduler<Event>,
    pub rng: SimRng,
    pub topology: Topology,
    pub ledger: Ledger,
    pub metrics: Metrics,
    pub latencies: Latencies,
    pub trace: Option<Vec<TraceEvent>>,
    /// Recording stops once the trace holds this many events (the run goes on).
    pub trace_limit: usize,
    /// Message-carrying packets scheduled but not yet arrived or lost.
    pub data_packets_pending: u64,
    next_tx: u32,
    /// The scenario is a graph (exchanges, or services that publish):
    /// messages are routed when made, and chains are tracked.
    pub graph: bool,
    /// A reusable buffer for routing (the queues a message goes to).
    pub route: Vec<NodeId>,
    /// A reusable buffer for the subscriptions (queue or topic group
    /// indices) a new message is expected in.
    pub subs: Vec<u32>,
    /// What the producers are doing with their messages.
    pub sends: crate::producer::SendBook,
    /// Idle events in the scheduler: repeats of repeating crashes, members'
    /// poll timers. Alone they do not keep a run going: such an event is
    /// only scheduled while something else is pending ([`busy`](Self::busy)).
    pub idle_pending: usize,
}

impl Ctx {
    pub fn new(topology: Topology, rng: SimRng, ledger: Ledger, metrics: Metrics, latencies: Latencies) -> Self {
        Ctx {
            now: 0,
            scheduler: Scheduler::default(),
            rng,
            topology,
            ledger,
            metrics,
            latencies,
            trace: Some(Vec::new()),
            trace_limit: usize::MAX,
            data_packets_pending: 0,
            next_tx: 1,
            graph: false,
            route: Vec::new(),
            subs: Vec::new(),
            sends: crate::producer::SendBook::default(),
            idle_pending: 0,
        }
    }

    /// Whether anything but idle events is pending.
    pub fn busy(&self) -> bool {
        self.scheduler.len() > self.idle_pending
    }

    /// Schedules an idle event `delay` µs from now (its handler must call
    /// [`idle_fired`](Self::idle_fired)).
    pub fn schedule_idle(&mut self, delay: Time, event: Event) {
        self.idle_pending += 1;
        self.schedule_in(delay, event);
    }

    /// An idle event ran.
    pub fn idle_fired(&mut self) {
        self.idle_pending -= 1;
    }

    /// Every message derived from `root` has taken effect everywhere it
    /// should: the chain's latency is recorded.
    #[cold]
    pub fn chain_completed(&mut self, root: MsgId) {
        let born = self.ledger.get(root).produced_at;
        self.latencies.chains.push(self.now.saturating_sub(born));
    }

    /// Schedules `event` `delay` µs from now.
    pub fn schedule_in(&mut self, delay: Time, event: Event) {
        self.scheduler.push(self.now.saturating_add(delay), event);
    }

    /// [`schedule_in`](Self::schedule_in), inlined (see
    /// [`Scheduler::push_inline`]): for the events scheduled for every
    /// message (the next arrival, a processing end).
    #[inline(always)]
    pub fn schedule_in_inline(&mut self, delay: Time, event: Event) {
        self.scheduler.push_inline(self.now.saturating_add(delay), event);
    }

    /// Records an event: folds it into the metrics and, if tracing, stores it.
    ///
    /// Inlined, because at each call site the event's kind is known, so the
    /// fold's `match` on it compiles away to the few counters that kind
    /// changes (the standard benchmark: 0.41 → 0.36 s natively, 0.59 → 0.50 s
    /// in the page). Rare events go through [`emit_rare`](Self::emit_rare)
    /// instead, to keep the hot loop's code small.
    #[inline(always)]
    pub fn emit(&mut self, e: TraceEvent) {
        self.metrics.apply(&e);
        if e.kind == EventKind::Effect && e.cause != Cause::Duplicate {
            let born = self.ledger.get(e.msg).produced_at;
            let group = if self.latencies.by_group() { self.topology.nodes[usize::from(e.node)].group } else { 0 };
            self.latencies.record(e.time - born, group);
        }
        if self.trace.is_some() {
            self.keep(e);
        }
    }

    /// Stores a record in the trace (unless it is full), with its message's
    /// key filled in (only the trace reads it). Out of line, so that with
    /// tracing off a call site never builds the fields only the trace reads.
    #[inline(never)]
    fn keep(&mut self, mut e: TraceEvent) {
        if let Some(t) = &mut self.trace
            && t.len() < self.trace_limit
        {
            if e.msg != NO_MSG {
                e.key = self.ledger.get(e.msg).key();
            }
            t.push(e);
        }
    }

    /// [`emit`](Self::emit), as a call: for events that are rare (timeouts,
    /// losses, crashes, dead letters...), where inlining only costs code size.
    #[inline(never)]
    pub fn emit_rare(&mut self, e: TraceEvent) {
        self.emit(e);
    }

    /// Records that `node` crashed, to be back `down` µs from now.
    #[cold]
    #[inline(never)]
    pub fn crash_record(&mut self, node: NodeId, down: Time) {
        let mut e = self.record(EventKind::Crash, node, NO_MSG);
        e.end = self.now.saturating_add(down);
        self.emit_rare(e);
    }

    /// A record of `kind` at `node` now, about `msg` ([`NO_MSG`] if none; the
    /// key is filled in if the record is kept in the trace).
    pub fn record(&self, kind: EventKind, node: NodeId, msg: MsgId) -> TraceEvent {
        TraceEvent { msg, ..TraceEvent::at(self.now, kind, node) }
    }

    /// A record of `kind` about packet `p` (node = sender, peer = receiver).
    pub fn packet_record(&self, kind: EventKind, p: &Packet) -> TraceEvent {
        TraceEvent {
            peer: p.to,
            attempt: p.attempt,
            copy: p.copy,
            delivery: p.delivery,
            tx: p.tx,
            packet: p.kind,
            ..self.record(kind, p.from, p.msg)
        }
    }

    /// Puts a packet on the link from `p.from` to `p.to`: the network decides
    /// its fate (and may make a copy), the trace records the send, and its
    /// arrival or loss is scheduled.
    pub fn send(&mut self, mut p: Packet) {
        let (fate, copy) = network::transmit(self.topology.link(p.from, p.to), self.now, &mut self.rng);
        self.put_on_link_inline(EventKind::Send, &p, fate);
        if let Some(fate) = copy {
            if p.kind.carries_message() {
                p.copy = self.ledger.next_copy(p.msg);
            }
            self.put_on_link(EventKind::Duplicate, &p, fate);
        }
    }

    /// [`put_on_link_inline`](Self::put_on_link_inline) as a call, for the
    /// rare extra copy a link makes.
    #[inline(never)]
    fn put_on_link(&mut self, kind: EventKind, p: &Packet, fate: Fate) {
        self.put_on_link_inline(kind, p, fate);
    }

    /// Schedules the arrival or loss of one copy of `p` under a new
    /// transmission id. (The id goes straight into the scheduled event: set
    /// on `p` first, the whole packet would be copied right after a narrow
    /// store, which stalls store forwarding.)
    #[inline(always)]
    fn put_on_link_inline(&mut self, kind: EventKind, p: &Packet, fate: Fate) {
        let tx = self.next_tx;
        self.next_tx = self.next_tx.wrapping_add(1);
        if p.kind.carries_message() {
            self.ledger.add(p.msg, Place::Link);
            self.data_packets_pending += 1;
        }
        let mut e = self.packet_record(kind, p);
        e.tx = tx;
        e.end = fate.time();
        self.emit(e);
        match fate {
            Fate::Arrives(t) => self.scheduler.push_inline(t, Event::Arrive(Packet { tx, ..*p })),
            Fate::Lost(t, cause) => self.scheduler.push_inline(t, Event::Lost(Packet { tx, ..*p }, cause)),
        }
    }

    /// A packet left its link (arrived or vanished): takes its token off the link.
    pub fn take_off_link(&mut self, p: &Packet) {
        if p.kind.carries_message() {
            self.ledger.remove(p.msg, Place::Link);
            self.data_packets_pending -= 1;
        }
    }

    /// Records a loss on the link (the token was taken off already).
    pub fn lost(&mut self, p: &Packet, cause: Cause) {
        if p.kind.carries_message() {
            self.ledger.note_loss(p.msg, cause);
        }
        let mut e = self.packet_record(EventKind::Lost, p);
        e.cause = cause;
        self.emit_rare(e);
    }
}
