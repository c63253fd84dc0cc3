//! A producer instance: creates messages, sends them, and (in confirm and
//! sync modes) waits, times out, backs off and retries. The same machinery
//! publishes for a service: a consumer group that sends a message of its
//! own downstream for every effect it applies.
//!
//! What a producer is doing with each message — waiting for a confirm,
//! backing off, its attempt count — is producer state, kept here in a
//! [`SendBook`], not in the ledger: the ledger is the oracle that checks the
//! engine, and only knows that the producer still holds the message (a
//! token at the producer).

use std::collections::VecDeque;

use crate::context::Ctx;
use crate::event::{Event, Packet};
use crate::ledger::{Origin, Place};
use crate::scenario::{Arrival, Backoff, BackoffKind, KeyChoice, ProducerSpec, PublishSpec, SendMode, WriteOrder};
use crate::time::{self, Time};
use crate::timers::Timers;
use crate::trace::{EventKind, MsgId, NodeId, PacketKind};

/// What the producers are doing with each message, by message id (one
/// table for all of them: a message's entry belongs to the producer that
/// made it): its attempts so far, and whether its producer waits for an
/// answer, waits out a backoff, or is done with it. One byte a message.
#[derive(Clone, Debug, Default)]
pub(crate) struct SendBook {
    state: Vec<u8>,
}

/// A message's entry: 0 when its producer is done with it (or never waited);
/// else its attempts so far (1 to [`MAX_ATTEMPTS`]), with [`BACKING_OFF`]
/// set while it waits out a backoff, clear while it awaits an answer.
const BACKING_OFF: u8 = 0x80;
const ATTEMPTS: u8 = 0x7f;
const _: () = assert!(crate::scenario::limits::MAX_ATTEMPTS <= ATTEMPTS as u32);

impl SendBook {
    /// Room for `messages` entries up front (zeroed lazily by the system).
    pub fn with_capacity(messages: u64) -> Self {
        SendBook { state: vec![0; crate::ledger::per_message_capacity(messages)] }
    }

    #[inline(always)]
    fn set(&mut self, msg: MsgId, value: u8) {
        match self.state.get_mut(msg as usize) {
            Some(s) => *s = value,
            None => self.grow(msg, value),
        }
    }

    /// Makes room for `msg` (and the next messages at once: ids come in order).
    #[cold]
    #[inline(never)]
    fn grow(&mut self, msg: MsgId, value: u8) {
        let i = msg as usize;
        let len = (i + 1).max(self.state.len() * 2).max(1024);
        self.state.resize(len, 0);
        self.state[i] = value;
    }

    #[inline(always)]
    fn get(&self, msg: MsgId) -> u8 {
        self.state.get(msg as usize).copied().unwrap_or(0)
    }

    /// Whether `msg`'s producer waits for an answer to attempt `attempt`.
    #[inline(always)]
    fn awaits(&self, msg: MsgId, attempt: u16) -> bool {
        u16::from(self.get(msg)) == attempt
    }

    /// Bytes held.
    pub fn heap_bytes(&self) -> u64 {
        crate::memory::vec_bytes::<u8>(self.state.capacity())
    }
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
    /// Messages sent and not yet settled (confirmed or given up).
    outstanding: u32,
    /// Messages produced, waiting for an in-flight slot.
    backlog: VecDeque<MsgId>,
    /// Sending to a topic with `linger_ms`: how long a batch waits for more
    /// records (0: no batching), and most records in one.
    linger: Time,
    batch_size: u32,
    /// The batch being filled, and its number (a linger timer of a batch
    /// that went full is stale).
    batch: Vec<MsgId>,
    batch_seq: u32,
    /// The size of the batch being sent now (stamped on its publishes: one
    /// request to the broker); 0 outside a batch.
    sending_batch: u32,
    /// Confirm timeouts: `(message, attempt)` by deadline.
    timeouts: Timers<(MsgId, u16)>,
    /// Running (a crash stops it; arrivals while down make nothing).
    up: bool,
    /// Bumped on every crash, so a restart meant for an earlier one is ignored.
    pub epoch: u32,
    /// A service's publisher: how the service writes its change and the event.
    write: WriteOrder,
    /// With an outbox: the relay's polling interval, and the rows committed
    /// that it has not picked up yet (they survive a crash).
    relay_poll: Time,
    outbox: Vec<MsgId>,
    /// A relay poll is scheduled.
    polling: bool,
}

/// What a message a service publishes is to the checker.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Publication {
    /// The event about a change: expected downstream.
    Event,
    /// Published for a duplicate effect (or an event already out): expected
    /// nowhere.
    Echo,
    /// An event a dual write lost, published after all on a redelivery: its
    /// pairs were counted when it was lost.
    Recovered,
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
            linger: 0,
            batch_size: 1,
            batch: Vec::new(),
            batch_seq: 0,
            sending_batch: 0,
            timeouts: Timers::default(),
            up: true,
            epoch: 0,
            write: WriteOrder::CommitFirst,
            relay_poll: 0,
            outbox: Vec::new(),
            polling: false,
        }
    }

    /// The publisher of a service instance (`node`) sending to `target` as
    /// `spec` says: no arrivals of its own, a message per effect.
    pub fn service(node: NodeId, index: u16, target: NodeId, spec: &PublishSpec) -> Self {
        let as_producer = ProducerSpec {
            messages: 0,
            send: spec.send.clone(),
            max_in_flight: spec.max_in_flight,
            ..ProducerSpec::default()
        };
        let mut p = Producer::new(node, index, target, Vec::new(), &as_producer);
        p.write = spec.write;
        p.relay_poll = time::ms(spec.relay_poll_ms).max(1);
        p
    }

    /// How its service writes the change and the event.
    pub fn write_order(&self) -> WriteOrder {
        self.write
    }

    /// It sends to a topic: batches as `spec` says (`linger_ms`, `batch_size`).
    pub fn set_batching(&mut self, spec: &ProducerSpec) {
        self.linger = time::ms(spec.linger_ms);
        self.batch_size = spec.batch_size.max(1);
    }

    /// Bytes this producer holds beyond its fixed size.
    pub fn heap_bytes(&self) -> u64 {
        crate::memory::vec_bytes::<MsgId>(self.backlog.capacity() + self.batch.capacity() + self.outbox.capacity())
            + self.timeouts.heap_bytes()
            + crate::memory::vec_bytes::<NodeId>(self.sync_targets.capacity())
    }

    /// Messages it holds: in its backlog or sent and not yet settled (the
    /// ledger's tokens at this producer).
    pub fn held(&self) -> usize {
        self.backlog.len() + self.batch.len() + self.outbox.len() + self.outstanding as usize
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
            self.made += 1;
            self.remaining -= 1;
            if !self.up {
                continue; // a crashed producer makes nothing
            }
            let msg = if ctx.graph {
                // Into the context's buffers: no allocation per message.
                let (mut route, mut subs) = (std::mem::take(&mut ctx.route), std::mem::take(&mut ctx.subs));
                ctx.topology.subscriptions(self.queue, key, &mut route, &mut subs);
                let msg = self.create_routed(ctx, key, poison, None, &subs, false);
                (ctx.route, ctx.subs) = (route, subs);
                msg
            } else {
                let msg = ctx.ledger.create(self.node, key, poison, ctx.now);
                let e = ctx.record(EventKind::Produce, self.node, msg);
                ctx.emit(e);
                msg
            };
            // One message with room to go leaves at once; a burst is made
            // whole before any of it is sent.
            if self.linger > 0 {
                self.add_to_batch(ctx, msg);
            } else if n == 1 && self.backlog.is_empty() && self.has_room() {
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

    /// Puts `msg` in the batch being filled: sent when full, or when the
    /// linger of its first record is over.
    #[cold]
    #[inline(never)]
    fn add_to_batch(&mut self, ctx: &mut Ctx, msg: MsgId) {
        self.batch.push(msg);
        if self.batch.len() >= self.batch_size as usize {
            self.send_batch(ctx);
        } else if self.batch.len() == 1 {
            ctx.schedule_in(self.linger, Event::Linger { producer: self.index, seq: self.batch_seq });
        }
    }

    /// The linger of batch `seq` is over: send it, if it has not gone.
    #[cold]
    #[inline(never)]
    pub fn on_linger(&mut self, ctx: &mut Ctx, seq: u32) {
        if seq == self.batch_seq && !self.batch.is_empty() {
            self.send_batch(ctx);
        }
    }

    /// Sends the batch (as far as the in-flight limit allows; the rest
    /// waits in the backlog, sent one by one as room frees up).
    #[inline(never)]
    fn send_batch(&mut self, ctx: &mut Ctx) {
        self.batch_seq = self.batch_seq.wrapping_add(1);
        self.sending_batch = self.batch.len() as u32;
        self.backlog.extend(self.batch.drain(..));
        self.pump(ctx);
        self.sending_batch = 0;
    }

    /// The queues (by index) a message with `key` sent to this producer's
    /// target ends up in (none: unroutable).
    pub fn queues_for(&self, ctx: &mut Ctx, key: u32) -> Vec<u32> {
        let (mut route, mut queues) = (std::mem::take(&mut ctx.route), Vec::new());
        ctx.topology.subscriptions(self.queue, key, &mut route, &mut queues);
        ctx.route = route;
        queues
    }

    /// In a graph: creates a message (on account of `origin`'s parent, if
    /// any) expected in `queues`, and records its making: the `Produce`
    /// record names the target (`peer`), the queues it is expected in
    /// (`delivery`) and its parent (`tx`: the parent's id + 1, 0 for none);
    /// `recovered` for an event a dual write had lost.
    #[cold]
    #[inline(never)]
    fn create_routed(
        &mut self,
        ctx: &mut Ctx,
        key: u32,
        poison: bool,
        origin: Option<Origin>,
        queues: &[u32],
        recovered: bool,
    ) -> MsgId {
        let msg = ctx.ledger.create_in_graph(self.node, key, poison, ctx.now, origin, queues);
        let mut e = ctx.record(EventKind::Produce, self.node, msg);
        e.peer = self.queue;
        e.delivery = queues.len().max(1) as u16;
        e.tx = origin.map_or(0, |o| o.parent + 1);
        if origin.is_some_and(|o| o.echo) {
            e.cause = crate::trace::Cause::Duplicate; // expected nowhere
        } else if recovered {
            e.cause = crate::trace::Cause::Recovered; // expected since it was lost
        }
        ctx.emit(e);
        msg
    }

    /// When the relay's next poll comes: the next multiple of its interval
    /// (it polls on a fixed beat, whether or not there are rows).
    fn next_poll(&self, now: Time) -> Time {
        (now / self.relay_poll).saturating_add(1).saturating_mul(self.relay_poll)
    }

    /// Makes sure the relay's next poll is scheduled.
    fn poll_soon(&mut self, ctx: &mut Ctx) {
        if !self.polling && self.up {
            self.polling = true;
            let at = self.next_poll(ctx.now);
            ctx.scheduler.push(at, Event::RelayPoll { producer: self.index, epoch: self.epoch });
        }
    }

    /// The outbox relay polls: it publishes every row it finds (as far as
    /// the in-flight limit allows; the rest waits in the backlog).
    #[cold]
    #[inline(never)]
    pub fn on_relay_poll(&mut self, ctx: &mut Ctx, epoch: u32) {
        if epoch != self.epoch || !self.up {
            return;
        }
        self.polling = false;
        self.backlog.extend(self.outbox.drain(..));
        self.pump(ctx);
    }

    /// A service applied the effect of `parent`: publish a message of its
    /// own (same key) downstream, expected in `queues` (from
    /// [`queues_for`](Self::queues_for)) — an echo if that effect was a
    /// duplicate.
    #[cold]
    #[inline(never)]
    pub fn publish_derived(
        &mut self,
        ctx: &mut Ctx,
        parent: MsgId,
        group: usize,
        publication: Publication,
        queues: &[u32],
    ) {
        if !self.up {
            return;
        }
        let key = ctx.ledger.get(parent).key();
        let echo = publication == Publication::Echo;
        let origin = Origin { parent, group, echo };
        let msg = self.create_routed(ctx, key, false, Some(origin), queues, publication == Publication::Recovered);
        if self.write == WriteOrder::Outbox {
            // A row, committed with the change: the relay publishes it.
            self.outbox.push(msg);
            self.poll_soon(ctx);
        } else if self.backlog.is_empty() && self.has_room() {
            self.launch(ctx, msg);
        } else {
            self.backlog.push_back(msg);
        }
    }

    /// The instance crashed: what it held is gone (its backlog and the
    /// messages it was waiting on: an in-memory retry state does not survive)
    /// — unless its service writes through an outbox, whose rows stay.
    #[cold]
    #[inline(never)]
    pub fn crash(&mut self, ctx: &mut Ctx) {
        self.up = false;
        self.epoch = self.epoch.wrapping_add(1);
        if self.write == WriteOrder::Outbox {
            self.crash_keeping_outbox(ctx);
            return;
        }
        let mut held: Vec<MsgId> = std::mem::take(&mut self.backlog).into();
        held.append(&mut self.batch);
        self.batch_seq = self.batch_seq.wrapping_add(1);
        held.append(&mut self.forget_sent(ctx));
        for msg in held {
            ctx.ledger.destroy(msg, Place::Producer, crate::trace::Cause::Crash);
            let mut e = ctx.record(EventKind::Discard, self.node, msg);
            e.cause = crate::trace::Cause::Crash;
            ctx.emit_rare(e);
        }
    }

    /// A crash of a service with an outbox: every row not yet confirmed is
    /// still in the outbox (the relay's memory of what it sent is not), and
    /// the relay publishes it again after the restart.
    fn crash_keeping_outbox(&mut self, ctx: &mut Ctx) {
        self.polling = false;
        self.timeouts.clear();
        let mut rows: Vec<MsgId> = std::mem::take(&mut self.backlog).into();
        rows.append(&mut self.forget_sent(ctx));
        rows.append(&mut self.outbox);
        // In the order they were committed (message ids are made in order).
        crate::sorted::sort_u32(&mut rows);
        self.outbox = rows;
    }

    /// On a crash: the messages it sent and still awaited or was backing
    /// off on, whose in-memory state is gone (a rare scan of the book: only
    /// its own entries are live).
    fn forget_sent(&mut self, ctx: &mut Ctx) -> Vec<MsgId> {
        let mut sent = Vec::new();
        for m in 0..ctx.sends.state.len() as MsgId {
            if ctx.sends.get(m) != 0 && ctx.ledger.get(m).producer == self.node && ctx.ledger.get(m).at_producer() {
                ctx.sends.set(m, 0);
                sent.push(m);
            }
        }
        self.outstanding = 0;
        sent
    }

    /// Back up after crash `epoch` (ignored if it crashed again since).
    pub fn restart(&mut self, epoch: u32) -> bool {
        if epoch != self.epoch || self.up {
            return false;
        }
        self.up = true;
        true
    }

    /// Whether it is running.
    pub fn is_up(&self) -> bool {
        self.up
    }

    /// Back up with its service instance (which restarted): an outbox
    /// relay polls again.
    pub fn revive(&mut self, ctx: &mut Ctx) {
        self.up = true;
        if !self.outbox.is_empty() {
            self.poll_soon(ctx);
        }
    }

    /// Whether the in-flight limit lets one more message go.
    #[inline]
    fn has_room(&self) -> bool {
        self.outstanding < self.max_in_flight
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
            self.send_attempt(ctx, msg, 1);
            ctx.ledger.remove(msg, Place::Producer);
        } else {
            self.outstanding += 1;
            self.send_attempt(ctx, msg, 1);
        }
    }

    fn send_attempt(&mut self, ctx: &mut Ctx, msg: MsgId, attempt: u16) {
        let (kind, to) = if self.mode == SendMode::Sync {
            let to = self.sync_targets[self.next_target % self.sync_targets.len()];
            self.next_target = self.next_target.wrapping_add(1);
            (PacketKind::Request, to)
        } else {
            (PacketKind::Publish, self.queue)
        };
        if self.mode != SendMode::FireAndForget {
            ctx.sends.set(msg, attempt as u8);
            if let Some(at) = self.timeouts.add(ctx.now.saturating_add(self.timeout), (msg, attempt)) {
                ctx.scheduler.push(at, Event::ProducerTimer(self.index));
            }
        }
        let mut p = Packet::new(kind, self.node, to, msg);
        p.attempt = attempt;
        p.tag = self.sending_batch;
        p.confirm = self.mode == SendMode::Confirm;
        ctx.send(p);
    }

    /// A confirm, reject, reply or fault arrived.
    #[inline(always)]
    pub fn on_packet(&mut self, ctx: &mut Ctx, p: Packet) {
        let state = ctx.sends.get(p.msg);
        match p.kind {
            PacketKind::Confirm | PacketKind::Reply if state != 0 => {
                // Any attempt's confirm will do: the message got through.
                let e = ctx.record(EventKind::Confirm, self.node, p.msg);
                ctx.emit(e);
                self.settle(ctx, p.msg);
            }
            PacketKind::Reject | PacketKind::Fault if ctx.sends.awaits(p.msg, p.attempt) => {
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
        let sends = &ctx.sends;
        if let Some(at) = self.timeouts.rearm(|&(msg, attempt)| sends.awaits(msg, attempt)) {
            ctx.scheduler.push(at, Event::ProducerTimer(self.index));
        }
    }

    /// The wait for `attempt` ran out (ignored if it was answered meanwhile).
    fn on_timeout(&mut self, ctx: &mut Ctx, msg: MsgId, attempt: u16) {
        if ctx.sends.awaits(msg, attempt) {
            let mut e = ctx.record(EventKind::Timeout, self.node, msg);
            e.attempt = attempt;
            ctx.emit_rare(e);
            self.attempt_failed(ctx, msg);
        }
    }

    /// The backoff ended: send the next attempt (unless confirmed meanwhile).
    pub fn on_retry_due(&mut self, ctx: &mut Ctx, msg: MsgId) {
        let state = ctx.sends.get(msg);
        if state & BACKING_OFF != 0 {
            let next = u16::from(state & ATTEMPTS) + 1;
            self.send_attempt(ctx, msg, next);
        }
    }

    fn attempt_failed(&mut self, ctx: &mut Ctx, msg: MsgId) {
        let attempts = u16::from(ctx.sends.get(msg) & ATTEMPTS);
        if attempts < self.max_attempts {
            ctx.sends.set(msg, BACKING_OFF | attempts as u8);
            let delay = backoff_delay(&self.backoff, attempts, ctx);
            let mut e = ctx.record(EventKind::Backoff, self.node, msg);
            e.attempt = attempts;
            e.end = ctx.now.saturating_add(delay);
            ctx.emit_rare(e);
            ctx.schedule_in(delay, Event::RetryDue { producer: self.index, msg });
        } else if self.write == WriteOrder::Outbox {
            // A relay never gives up on a row: it stays in the outbox for the
            // next poll.
            let mut e = ctx.record(EventKind::Backoff, self.node, msg);
            e.attempt = attempts;
            e.end = self.next_poll(ctx.now);
            ctx.emit_rare(e);
            ctx.sends.set(msg, 0);
            self.outstanding -= 1;
            self.outbox.push(msg);
            self.poll_soon(ctx);
        } else {
            let mut e = ctx.record(EventKind::GiveUp, self.node, msg);
            e.attempt = attempts;
            ctx.emit_rare(e);
            self.settle(ctx, msg);
        }
    }

    /// Done with `msg` (confirmed, or given up): it leaves the producer, and
    /// the backlog may move.
    #[inline(always)]
    fn settle(&mut self, ctx: &mut Ctx, msg: MsgId) {
        ctx.sends.set(msg, 0);
        self.outstanding -= 1;
        ctx.ledger.remove(msg, Place::Producer);
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
