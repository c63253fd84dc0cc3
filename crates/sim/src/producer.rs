//! A producer instance: creates messages, sends them, and (in confirm and
//! sync modes) waits, times out, backs off and retries.
//!
//! What it is doing with each message — waiting for a confirm, backing off,
//! its attempt count — lives here, not in the ledger: the ledger is the
//! oracle that checks the engine, and only knows that the producer still
//! holds the message (a token at the producer).

use std::collections::VecDeque;

use crate::awaiting_ack::AwaitingAck;
use crate::context::Ctx;
use crate::event::{Event, Packet};
use crate::ledger::Place;
use crate::scenario::{Arrival, Backoff, BackoffKind, KeyChoice, ProducerSpec, SendMode};
use crate::time::{self, Time};
use crate::timers::Timers;
use crate::trace::{EventKind, MsgId, NodeId, PacketKind};

/// A message sent and not yet settled: its attempts so far, and whether the
/// producer waits for an answer or out a backoff.
#[derive(Clone, Copy, Debug)]
struct Pending {
    msg: MsgId,
    attempts: u16,
    backing_off: bool,
}

#[derive(Clone, Debug)]
pub(crate) struct Producer {
    pub node: NodeId,
    index: u16,
    queue: NodeId,
    /// Consumer instances called in sync mode, in round-robin order.
    sync_targets: Vec<NodeId>,
    next_target: usize,
    arrival: Arrival,
    start: Time,
    remaining: u32,
    made: u32,
    keys: u32,
    key_choice: KeyChoice,
    mode: SendMode,
    timeout: Time,
    max_attempts: u16,
    backoff: Backoff,
    max_in_flight: u32,
    poison_rate: f64,
    /// Messages sent and not yet settled (confirmed or given up), by the
    /// producer's tag (carried by its packets and their answers).
    outstanding: AwaitingAck<Pending>,
    /// Messages produced, waiting for an in-flight slot.
    backlog: VecDeque<MsgId>,
    /// Confirm timeouts: `(tag, attempt)` by deadline.
    timeouts: Timers<(u32, u16)>,
}

impl Producer {
    pub fn new(node: NodeId, index: u16, queue: NodeId, sync_targets: Vec<NodeId>, spec: &ProducerSpec) -> Self {
        let max_in_flight = match spec.send.mode {
            SendMode::Sync => 1,
            _ => spec.max_in_flight.unwrap_or(u32::MAX),
        };
        Producer {
            node,
            index,
            queue,
            sync_targets,
            next_target: 0,
            arrival: spec.arrival.clone(),
            start: time::ms(spec.start_ms),
            remaining: spec.messages,
            made: 0,
            keys: spec.keys.max(1),
            key_choice: spec.key_choice,
            mode: spec.send.mode,
            timeout: time::ms(spec.send.timeout_ms),
            max_attempts: spec.send.max_attempts.clamp(1, u32::from(u16::MAX)) as u16,
            backoff: spec.send.backoff.clone(),
            max_in_flight,
            poison_rate: spec.poison_rate,
            outstanding: AwaitingAck::new(1),
            backlog: VecDeque::new(),
            timeouts: Timers::default(),
        }
    }

    /// Bytes this producer holds beyond its fixed size.
    pub fn heap_bytes(&self) -> u64 {
        crate::memory::vec_bytes::<MsgId>(self.backlog.capacity())
            + self.outstanding.heap_bytes()
            + self.timeouts.heap_bytes()
            + crate::memory::vec_bytes::<NodeId>(self.sync_targets.capacity())
    }

    /// Messages it holds: in its backlog or sent and not yet settled (the
    /// ledger's tokens at this producer).
    pub fn held(&self) -> usize {
        self.backlog.len() + self.outstanding.len()
    }

    /// Schedules the first arrival, if there are messages to make.
    pub fn start(&self, ctx: &mut Ctx) {
        if self.remaining == 0 {
            return;
        }
        let first = match self.arrival {
            Arrival::Poisson { rate_per_s } => {
                self.start.saturating_add(time::ms(ctx.rng.exponential(1_000.0 / rate_per_s)))
            }
            _ => self.start,
        };
        ctx.scheduler.push(first, Event::Produce(self.index));
    }

    fn gap(&self, ctx: &mut Ctx) -> Time {
        match self.arrival {
            Arrival::Fixed { interval_ms } => time::ms(interval_ms),
            Arrival::Poisson { rate_per_s } => time::ms(ctx.rng.exponential(1_000.0 / rate_per_s)),
            Arrival::Bursts { every_ms, .. } => time::ms(every_ms),
        }
    }

    /// An arrival: make the next message (or burst), send what the in-flight
    /// limit allows, schedule the next arrival.
    pub fn on_produce(&mut self, ctx: &mut Ctx) {
        let n = match self.arrival {
            Arrival::Bursts { size, .. } => size.min(self.remaining),
            _ => 1.min(self.remaining),
        };
        for _ in 0..n {
            let key = match self.key_choice {
                KeyChoice::RoundRobin => self.made % self.keys,
                KeyChoice::Random => ctx.rng.below(self.keys),
            };
            let poison = ctx.rng.chance(self.poison_rate);
            let msg = ctx.ledger.create(self.node, key, poison, ctx.now);
            self.made += 1;
            self.remaining -= 1;
            let e = ctx.record(EventKind::Produce, self.node, msg);
            ctx.emit(e);
            // One message with room to go leaves at once; a burst is made
            // whole before any of it is sent.
            if n == 1 && self.backlog.is_empty() && self.has_room() {
                self.launch(ctx, msg);
            } else {
                self.backlog.push_back(msg);
            }
        }
        if n > 1 {
            self.pump(ctx);
        }
        if self.remaining > 0 {
            let gap = self.gap(ctx);
            ctx.schedule_in_inline(gap, Event::Produce(self.index));
        }
    }

    /// Whether the in-flight limit lets one more message go.
    #[inline]
    fn has_room(&self) -> bool {
        (self.outstanding.len() as u32) < self.max_in_flight
    }

    /// Sends backlogged messages while the in-flight limit allows.
    fn pump(&mut self, ctx: &mut Ctx) {
        while self.has_room() {
            let Some(msg) = self.backlog.pop_front() else { break };
            self.launch(ctx, msg);
        }
    }

    /// Sends a message's first attempt; fire-and-forget is done with it then.
    #[inline]
    fn launch(&mut self, ctx: &mut Ctx, msg: MsgId) {
        if self.mode == SendMode::FireAndForget {
            self.send_attempt(ctx, msg, 1, 0);
            ctx.ledger.remove(msg, Place::Producer);
        } else {
            let tag = self.outstanding.push(Pending { msg, attempts: 1, backing_off: false });
            self.send_attempt(ctx, msg, 1, tag);
        }
    }

    fn send_attempt(&mut self, ctx: &mut Ctx, msg: MsgId, attempt: u16, tag: u32) {
        let (kind, to) = if self.mode == SendMode::Sync {
            let to = self.sync_targets[self.next_target % self.sync_targets.len()];
            self.next_target = self.next_target.wrapping_add(1);
            (PacketKind::Request, to)
        } else {
            (PacketKind::Publish, self.queue)
        };
        if self.mode != SendMode::FireAndForget
            && let Some(at) = self.timeouts.add(ctx.now.saturating_add(self.timeout), (tag, attempt))
        {
            ctx.scheduler.push(at, Event::ProducerTimer(self.index));
        }
        let mut p = Packet::new(kind, self.node, to, msg);
        p.attempt = attempt;
        p.tag = tag;
        p.confirm = self.mode == SendMode::Confirm;
        ctx.send(p);
    }

    /// A confirm, reject, reply or fault arrived.
    pub fn on_packet(&mut self, ctx: &mut Ctx, p: Packet) {
        let pending = self.outstanding.get(p.tag).copied().filter(|x| x.msg == p.msg);
        match (p.kind, pending) {
            (PacketKind::Confirm | PacketKind::Reply, Some(_)) => {
                // Any attempt's confirm will do: the message got through.
                let e = ctx.record(EventKind::Confirm, self.node, p.msg);
                ctx.emit(e);
                self.settle(ctx, p.tag);
            }
            (PacketKind::Reject | PacketKind::Fault, Some(x)) if !x.backing_off && x.attempts == p.attempt => {
                let e = ctx.record(EventKind::Nack, self.node, p.msg);
                ctx.emit_rare(e);
                self.attempt_failed(ctx, p.tag);
            }
            _ => {
                let mut e = ctx.record(EventKind::Stale, self.node, p.msg);
                e.packet = p.kind;
                e.attempt = p.attempt;
                ctx.emit_rare(e);
            }
        }
    }

    /// Confirm timeouts are due: handles each that still matters.
    pub fn on_timer(&mut self, ctx: &mut Ctx) {
        while let Some((tag, attempt)) = self.timeouts.next_due(ctx.now) {
            self.on_timeout(ctx, tag, attempt);
        }
        let outstanding = &self.outstanding;
        let live = |&(tag, attempt): &(u32, u16)| {
            outstanding.get(tag).is_some_and(|x| !x.backing_off && x.attempts == attempt)
        };
        if let Some(at) = self.timeouts.rearm(live) {
            ctx.scheduler.push(at, Event::ProducerTimer(self.index));
        }
    }

    /// The wait for `attempt` ran out (ignored if it was answered meanwhile).
    fn on_timeout(&mut self, ctx: &mut Ctx, tag: u32, attempt: u16) {
        if let Some(x) = self.outstanding.get(tag).copied()
            && !x.backing_off
            && x.attempts == attempt
        {
            let mut e = ctx.record(EventKind::Timeout, self.node, x.msg);
            e.attempt = attempt;
            ctx.emit_rare(e);
            self.attempt_failed(ctx, tag);
        }
    }

    /// The backoff ended: send the next attempt (unless confirmed meanwhile).
    pub fn on_retry_due(&mut self, ctx: &mut Ctx, tag: u32) {
        let Some(x) = self.outstanding.get_mut(tag) else { return };
        if x.backing_off {
            x.backing_off = false;
            x.attempts += 1;
            let (msg, attempt) = (x.msg, x.attempts);
            self.send_attempt(ctx, msg, attempt, tag);
        }
    }

    fn attempt_failed(&mut self, ctx: &mut Ctx, tag: u32) {
        let Some(x) = self.outstanding.get_mut(tag) else { return };
        let (msg, attempts) = (x.msg, x.attempts);
        if attempts < self.max_attempts {
            x.backing_off = true;
            let delay = backoff_delay(&self.backoff, attempts, ctx);
            let mut e = ctx.record(EventKind::Backoff, self.node, msg);
            e.attempt = attempts;
            e.end = ctx.now.saturating_add(delay);
            ctx.emit_rare(e);
            ctx.schedule_in(delay, Event::RetryDue { producer: self.index, tag });
        } else {
            let mut e = ctx.record(EventKind::GiveUp, self.node, msg);
            e.attempt = attempts;
            ctx.emit_rare(e);
            self.settle(ctx, tag);
        }
    }

    /// Done with the message of `tag` (confirmed, or given up): it leaves
    /// the producer, and the backlog may move.
    fn settle(&mut self, ctx: &mut Ctx, tag: u32) {
        if let Some(x) = self.outstanding.take(tag) {
            ctx.ledger.remove(x.msg, Place::Producer);
        }
        if !self.backlog.is_empty() {
            self.pump(ctx);
        }
    }
}

/// The wait after failed attempt number `failed` (from 1).
fn backoff_delay(b: &Backoff, failed: u16, ctx: &mut Ctx) -> Time {
    // Repeated multiplication rather than powf, so every platform rounds alike.
    let mut wait = b.base_ms;
    for _ in 1..failed {
        wait *= b.multiplier;
        if wait >= b.max_ms {
            break;
        }
    }
    let wait = wait.min(b.max_ms);
    time::ms(match b.kind {
        BackoffKind::Fixed => b.base_ms.min(b.max_ms),
        BackoffKind::Exponential => wait,
        BackoffKind::ExponentialJitter => wait * ctx.rng.unit(),
    })
}
