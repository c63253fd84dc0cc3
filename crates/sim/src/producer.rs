//! A producer instance: creates messages, sends them, and (in confirm and
//! sync modes) waits, times out, backs off and retries.

use std::collections::VecDeque;

use crate::context::Ctx;
use crate::event::{Event, Packet};
use crate::ledger::ProducerPhase;
use crate::scenario::{Arrival, Backoff, BackoffKind, KeyChoice, ProducerSpec, SendMode};
use crate::time::{self, Time};
use crate::timers::Timers;
use crate::trace::{EventKind, MsgId, NodeId, PacketKind};

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
    /// Messages sent and not yet settled (confirmed or given up).
    outstanding: u32,
    /// Messages produced, waiting for an in-flight slot.
    backlog: VecDeque<MsgId>,
    /// Confirm timeouts: `(message, attempt)` by deadline.
    timeouts: Timers<(MsgId, u16)>,
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
            outstanding: 0,
            backlog: VecDeque::new(),
            timeouts: Timers::default(),
        }
    }

    /// Bytes this producer holds beyond its fixed size.
    pub fn heap_bytes(&self) -> u64 {
        crate::memory::vec_bytes::<MsgId>(self.backlog.capacity())
            + self.timeouts.heap_bytes()
            + crate::memory::vec_bytes::<NodeId>(self.sync_targets.capacity())
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
            self.backlog.push_back(msg);
        }
        self.pump(ctx);
        if self.remaining > 0 {
            let gap = self.gap(ctx);
            ctx.schedule_in_inline(gap, Event::Produce(self.index));
        }
    }

    /// Sends backlogged messages while the in-flight limit allows.
    fn pump(&mut self, ctx: &mut Ctx) {
        while self.outstanding < self.max_in_flight {
            let Some(msg) = self.backlog.pop_front() else { break };
            if self.mode != SendMode::FireAndForget {
                self.outstanding += 1;
            }
            self.send_attempt(ctx, msg, 1);
        }
    }

    fn send_attempt(&mut self, ctx: &mut Ctx, msg: MsgId, attempt: u16) {
        let r = ctx.ledger.get_mut(msg);
        r.attempts = attempt;
        let (kind, to) = if self.mode == SendMode::Sync {
            let to = self.sync_targets[self.next_target % self.sync_targets.len()];
            self.next_target = self.next_target.wrapping_add(1);
            (PacketKind::Request, to)
        } else {
            (PacketKind::Publish, self.queue)
        };
        if self.mode == SendMode::FireAndForget {
            r.set_phase(ProducerPhase::Done);
        } else {
            r.set_phase(ProducerPhase::AwaitConfirm);
            if let Some(at) = self.timeouts.add(ctx.now.saturating_add(self.timeout), (msg, attempt)) {
                ctx.scheduler.push(at, Event::ProducerTimer(self.index));
            }
        }
        let mut p = Packet::new(kind, self.node, to, msg);
        p.attempt = attempt;
        p.confirm = self.mode == SendMode::Confirm;
        ctx.send(p);
    }

    /// A confirm, reject, reply or fault arrived.
    pub fn on_packet(&mut self, ctx: &mut Ctx, p: Packet) {
        let r = ctx.ledger.get(p.msg);
        let waiting = matches!(r.phase(), ProducerPhase::AwaitConfirm | ProducerPhase::Backoff);
        match p.kind {
            PacketKind::Confirm | PacketKind::Reply if waiting => {
                // Any attempt's confirm will do: the message got through.
                let e = ctx.record(EventKind::Confirm, self.node, p.msg);
                ctx.emit(e);
                self.settle(ctx, p.msg);
            }
            PacketKind::Reject | PacketKind::Fault
                if r.phase() == ProducerPhase::AwaitConfirm && r.attempts == p.attempt =>
            {
                let e = ctx.record(EventKind::Nack, self.node, p.msg);
                ctx.emit_rare(e);
                self.attempt_failed(ctx, p.msg);
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
        while let Some((msg, attempt)) = self.timeouts.next_due(ctx.now) {
            self.on_timeout(ctx, msg, attempt);
        }
        let ledger = &ctx.ledger;
        let live = |&(msg, attempt): &(MsgId, u16)| {
            let r = ledger.get(msg);
            r.phase() == ProducerPhase::AwaitConfirm && r.attempts == attempt
        };
        if let Some(at) = self.timeouts.rearm(live) {
            ctx.scheduler.push(at, Event::ProducerTimer(self.index));
        }
    }

    /// The wait for `attempt` ran out (ignored if it was answered meanwhile).
    fn on_timeout(&mut self, ctx: &mut Ctx, msg: MsgId, attempt: u16) {
        let r = ctx.ledger.get(msg);
        if r.phase() == ProducerPhase::AwaitConfirm && r.attempts == attempt {
            let mut e = ctx.record(EventKind::Timeout, self.node, msg);
            e.attempt = attempt;
            ctx.emit_rare(e);
            self.attempt_failed(ctx, msg);
        }
    }

    /// The backoff ended: send the next attempt (unless confirmed meanwhile).
    pub fn on_retry_due(&mut self, ctx: &mut Ctx, msg: MsgId) {
        let r = ctx.ledger.get(msg);
        if r.phase() == ProducerPhase::Backoff {
            let next = r.attempts + 1;
            self.send_attempt(ctx, msg, next);
        }
    }

    fn attempt_failed(&mut self, ctx: &mut Ctx, msg: MsgId) {
        let attempts = ctx.ledger.get(msg).attempts;
        if attempts < self.max_attempts {
            let delay = backoff_delay(&self.backoff, attempts, ctx);
            ctx.ledger.get_mut(msg).set_phase(ProducerPhase::Backoff);
            let mut e = ctx.record(EventKind::Backoff, self.node, msg);
            e.attempt = attempts;
            e.end = ctx.now.saturating_add(delay);
            ctx.emit_rare(e);
            ctx.schedule_in(delay, Event::RetryDue { producer: self.index, msg });
        } else {
            let mut e = ctx.record(EventKind::GiveUp, self.node, msg);
            e.attempt = attempts;
            ctx.emit_rare(e);
            self.settle(ctx, msg);
        }
    }

    fn settle(&mut self, ctx: &mut Ctx, msg: MsgId) {
        ctx.ledger.get_mut(msg).set_phase(ProducerPhase::Done);
        self.outstanding -= 1;
        self.pump(ctx);
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
