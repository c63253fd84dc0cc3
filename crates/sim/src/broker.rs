//! A queue broker (RabbitMQ-style): stores messages, pushes them to competing
//! consumers within their prefetch windows, and redelivers or dead-letters
//! what is not acknowledged. Its broker can crash: a durable queue keeps its
//! messages (what was unacknowledged is delivered again), a transient one
//! loses them.

use std::collections::VecDeque;

use crate::awaiting_ack::AwaitingAck;
use crate::context::Ctx;
use crate::event::{Event, Packet};
use crate::ledger::Place;
use crate::scenario::{AckMode, Overflow, QueueSpec};
use crate::time::{self, Time};
use crate::timers::Timers;
use crate::trace::{Cause, EventKind, MsgId, NodeId, PacketKind};

/// A message copy the queue holds.
#[derive(Clone, Copy, Debug)]
struct Held {
    msg: MsgId,
    copy: u16,
    attempt: u16,
    /// Deliveries made so far.
    deliveries: u16,
}

/// A delivery awaiting its ack.
#[derive(Clone, Copy, Debug)]
struct Unacked {
    held: Held,
    /// Index into `subscribers` (u16, so the entry has one size on every
    /// platform: memory accounting agrees natively and in the page).
    sub: u16,
}

/// The queue's view of one consumer instance.
#[derive(Clone, Debug)]
struct Subscriber {
    node: NodeId,
    connected: bool,
    unacked: u32,
}

#[derive(Clone, Debug)]
pub(crate) struct QueueBroker {
    pub node: NodeId,
    index: u16,
    capacity: usize,
    overflow: Overflow,
    manual_ack: bool,
    prefetch: u32,
    ack_timeout: Option<Time>,
    /// Dead-letter after this many deliveries; `None`: never.
    max_deliveries: Option<u16>,
    ready: VecDeque<Held>,
    /// Deliveries awaiting their ack, by tag.
    unacked: AwaitingAck<Unacked>,
    subscribers: Vec<Subscriber>,
    next_sub: usize,
    /// Ack timeouts by deadline (delivery tags).
    timeouts: Timers<u32>,
    /// Messages dead-lettered, in order.
    pub dead_letters: Vec<MsgId>,
    durable: bool,
    /// The broker is running.
    up: bool,
    /// Bumped on every crash, so a restart meant for an earlier one is ignored.
    pub epoch: u32,
}

/// Whether a queue took a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Taken {
    /// Stored (and perhaps delivered at once).
    Yes,
    /// Refused: the queue is full.
    Full,
}

impl QueueBroker {
    pub fn new(node: NodeId, index: u16, spec: &QueueSpec, consumers: Vec<NodeId>) -> Self {
        QueueBroker {
            node,
            index,
            capacity: spec.capacity.map_or(usize::MAX, |c| c as usize),
            overflow: spec.overflow,
            manual_ack: spec.ack == AckMode::Manual,
            prefetch: if spec.prefetch == 0 { u32::MAX } else { spec.prefetch },
            ack_timeout: spec.ack_timeout_ms.map(time::ms),
            max_deliveries: spec.max_deliveries.map(|m| m.min(u32::from(u16::MAX)) as u16),
            ready: VecDeque::new(),
            unacked: AwaitingAck::new(1),
            subscribers: consumers.into_iter().map(|node| Subscriber { node, connected: true, unacked: 0 }).collect(),
            next_sub: 0,
            timeouts: Timers::default(),
            dead_letters: Vec::new(),
            durable: spec.durable,
            up: true,
            epoch: 0,
        }
    }

    /// Whether its broker is running.
    pub fn is_up(&self) -> bool {
        self.up
    }

    /// Message copies held: ready plus awaiting ack.
    pub fn held(&self) -> usize {
        self.ready.len() + self.unacked.len()
    }

    /// Ready (undelivered) messages.
    pub fn ready_len(&self) -> usize {
        self.ready.len()
    }

    /// Bytes this queue holds beyond its fixed size (see `memory.rs`).
    pub fn heap_bytes(&self) -> u64 {
        crate::memory::vec_bytes::<Held>(self.ready.capacity())
            + self.unacked.heap_bytes()
            + self.timeouts.heap_bytes()
            + crate::memory::vec_bytes::<MsgId>(self.dead_letters.capacity())
    }

    /// A publish, ack or nack arrived (the token is already off the link).
    pub fn on_packet(&mut self, ctx: &mut Ctx, p: Packet) {
        match p.kind {
            PacketKind::Publish => self.on_publish(ctx, p),
            PacketKind::Ack | PacketKind::Nack => self.on_settle(ctx, p),
            _ => {}
        }
    }

    fn on_publish(&mut self, ctx: &mut Ctx, p: Packet) {
        let taken = self.take(ctx, p.msg, p.copy, p.attempt);
        if p.confirm {
            let kind = if taken == Taken::Yes { PacketKind::Confirm } else { PacketKind::Reject };
            let mut a = Packet::new(kind, p.to, p.from, p.msg);
            a.attempt = p.attempt;
            a.copy = p.copy;
            ctx.send(a);
        }
        if taken == Taken::Yes {
            self.dispatch(ctx);
        }
    }

    /// A copy of `msg` arrives (published to this queue, or routed here by
    /// an exchange): stored unless the queue is full and refuses it. The
    /// caller answers the publisher, then calls [`deliver`](Self::deliver).
    #[inline(always)]
    pub fn take(&mut self, ctx: &mut Ctx, msg: MsgId, copy: u16, attempt: u16) -> Taken {
        if self.ready.len() >= self.capacity {
            match self.overflow {
                Overflow::Reject => {
                    ctx.ledger.note_loss(msg, Cause::QueueFull);
                    ctx.ledger.get_mut(msg).mark_rejected();
                    let mut e = ctx.record(EventKind::Reject, self.node, msg);
                    e.attempt = attempt;
                    e.copy = copy;
                    e.cause = Cause::QueueFull;
                    ctx.emit_rare(e);
                    return Taken::Full;
                }
                Overflow::DropOldest => {
                    if let Some(old) = self.ready.pop_front() {
                        ctx.ledger.destroy(old.msg, Place::Queue, Cause::QueueFull);
                        ctx.ledger.get_mut(old.msg).mark_rejected();
                        let mut e = self.held_record(ctx, EventKind::Evict, &old);
                        e.cause = Cause::QueueFull;
                        ctx.emit_rare(e);
                    }
                }
            }
        }
        ctx.ledger.add(msg, Place::Queue);
        let held = Held { msg, copy, attempt, deliveries: 0 };
        self.ready.push_back(held);
        let e = self.held_record(ctx, EventKind::Enqueue, &held);
        ctx.emit(e);
        Taken::Yes
    }

    /// Pushes what is ready to consumers with room (after a [`take`](Self::take)).
    pub fn deliver(&mut self, ctx: &mut Ctx) {
        self.dispatch(ctx);
    }

    /// The broker crashed: a transient queue loses everything it held; a
    /// durable one keeps it, and what was delivered but not acknowledged is
    /// ready again (those consumers' connections are gone). Every consumer
    /// is disconnected until the broker is back.
    #[cold]
    #[inline(never)]
    pub fn crash(&mut self, ctx: &mut Ctx) {
        self.up = false;
        self.epoch = self.epoch.wrapping_add(1);
        let tags = self.unacked.tags_where(|_| true);
        // Newest first, so the oldest ends up at the head of the queue.
        for tag in tags.into_iter().rev() {
            if let Some(u) = self.take_unacked(tag) {
                if self.durable {
                    self.ready.push_front(u.held);
                    let mut e = self.held_record(ctx, EventKind::Requeue, &u.held);
                    e.cause = Cause::Crash;
                    ctx.emit_rare(e);
                } else {
                    ctx.ledger.destroy(u.held.msg, Place::Queue, Cause::Crash);
                    let mut e = self.held_record(ctx, EventKind::Discard, &u.held);
                    e.cause = Cause::Crash;
                    ctx.emit_rare(e);
                }
            }
        }
        if !self.durable {
            while let Some(h) = self.ready.pop_front() {
                ctx.ledger.destroy(h.msg, Place::Queue, Cause::Crash);
                let mut e = self.held_record(ctx, EventKind::Evict, &h);
                e.cause = Cause::Crash;
                ctx.emit_rare(e);
            }
        }
        // Its ack timeouts now name no delivery: the timer drops them.
        for s in &mut self.subscribers {
            s.connected = false;
        }
    }

    /// Back up after crash `epoch`: the consumers in `up` reconnect.
    #[cold]
    #[inline(never)]
    pub fn restart(&mut self, ctx: &mut Ctx, epoch: u32, up: impl Fn(NodeId) -> bool) -> bool {
        if epoch != self.epoch || self.up {
            return false;
        }
        self.up = true;
        for s in &mut self.subscribers {
            s.connected = up(s.node);
        }
        self.dispatch(ctx);
        true
    }

    fn held_record(&self, ctx: &Ctx, kind: EventKind, h: &Held) -> crate::trace::TraceEvent {
        let mut e = ctx.record(kind, self.node, h.msg);
        e.attempt = h.attempt;
        e.copy = h.copy;
        e.delivery = h.deliveries;
        e
    }

    /// Pushes ready messages to connected consumers with room in their
    /// prefetch window, round robin.
    fn dispatch(&mut self, ctx: &mut Ctx) {
        let n = self.subscribers.len();
        while !self.ready.is_empty() {
            let Some(i) = (0..n).map(|k| (self.next_sub + k) % n).find(|&i| {
                let s = &self.subscribers[i];
                s.connected && (!self.manual_ack || s.unacked < self.prefetch)
            }) else {
                break;
            };
            self.next_sub = (i + 1) % n;
            let Some(mut held) = self.ready.pop_front() else { break };
            held.deliveries = held.deliveries.saturating_add(1);
            let mut p = Packet::new(PacketKind::Deliver, self.node, self.subscribers[i].node, held.msg);
            p.attempt = held.attempt;
            p.copy = held.copy;
            p.delivery = held.deliveries;
            if self.manual_ack {
                // The queue keeps its copy until the ack arrives.
                p.tag = self.unacked.push(Unacked { held, sub: i as u16 });
                self.subscribers[i].unacked += 1;
                if let Some(t) = self.ack_timeout
                    && let Some(at) = self.timeouts.add(ctx.now.saturating_add(t), p.tag)
                {
                    ctx.scheduler.push(at, Event::QueueTimer(self.index));
                }
            } else {
                // Auto-ack: forgotten the moment it is sent.
                ctx.ledger.remove(held.msg, Place::Queue);
            }
            ctx.send(p);
        }
    }

    fn take_unacked(&mut self, tag: u32) -> Option<Unacked> {
        let u = self.unacked.take(tag)?;
        self.subscribers[usize::from(u.sub)].unacked -= 1;
        Some(u)
    }

    fn on_settle(&mut self, ctx: &mut Ctx, p: Packet) {
        match self.take_unacked(p.tag) {
            Some(u) if p.kind == PacketKind::Ack => ctx.ledger.remove(u.held.msg, Place::Queue),
            Some(u) => self.requeue_or_dead_letter(ctx, u.held, Cause::Nack),
            None => {
                // Its delivery was already requeued (timeout, disconnect): a late ack.
                let mut e = ctx.record(EventKind::Stale, self.node, p.msg);
                e.packet = p.kind;
                e.delivery = p.delivery;
                e.copy = p.copy;
                ctx.emit_rare(e);
                return;
            }
        }
        self.dispatch(ctx);
    }

    /// Ack timeouts are due: requeues what is still unacknowledged.
    pub fn on_timer(&mut self, ctx: &mut Ctx) {
        while let Some(tag) = self.timeouts.next_due(ctx.now) {
            self.on_ack_timeout(ctx, tag);
        }
        let unacked = &self.unacked;
        if let Some(at) = self.timeouts.rearm(|&tag| unacked.contains(tag)) {
            ctx.scheduler.push(at, Event::QueueTimer(self.index));
        }
    }

    /// The ack of delivery `tag` is overdue (ignored if it came meanwhile).
    fn on_ack_timeout(&mut self, ctx: &mut Ctx, tag: u32) {
        if let Some(u) = self.take_unacked(tag) {
            let e = self.held_record(ctx, EventKind::Timeout, &u.held);
            ctx.emit_rare(e);
            self.requeue_or_dead_letter(ctx, u.held, Cause::AckTimeout);
            self.dispatch(ctx);
        }
    }

    fn requeue_or_dead_letter(&mut self, ctx: &mut Ctx, held: Held, cause: Cause) {
        if self.max_deliveries.is_some_and(|max| held.deliveries >= max) {
            ctx.ledger.remove(held.msg, Place::Queue);
            ctx.ledger.get_mut(held.msg).mark_dead_lettered();
            self.dead_letters.push(held.msg);
            let mut e = self.held_record(ctx, EventKind::DeadLetter, &held);
            e.cause = cause;
            ctx.emit_rare(e);
        } else {
            // Back to the head, as RabbitMQ does where it can.
            self.ready.push_front(held);
            let mut e = self.held_record(ctx, EventKind::Requeue, &held);
            e.cause = cause;
            ctx.emit_rare(e);
        }
    }

    /// A consumer's connection dropped: everything it had unacked is requeued.
    pub fn on_disconnect(&mut self, ctx: &mut Ctx, consumer: NodeId) {
        if !self.up {
            return; // the crash dealt with its deliveries
        }
        let Some(i) = self.subscribers.iter().position(|s| s.node == consumer) else { return };
        self.subscribers[i].connected = false;
        let tags = self.unacked.tags_where(|u| usize::from(u.sub) == i);
        // Newest first, so the oldest ends up at the head of the queue.
        for tag in tags.into_iter().rev() {
            if let Some(u) = self.take_unacked(tag) {
                self.requeue_or_dead_letter(ctx, u.held, Cause::Disconnect);
            }
        }
        self.dispatch(ctx);
    }

    /// A consumer is back (while the broker is down, it will connect when
    /// the broker returns).
    pub fn on_connect(&mut self, ctx: &mut Ctx, consumer: NodeId) {
        if !self.up {
            return;
        }
        if let Some(s) = self.subscribers.iter_mut().find(|s| s.node == consumer) {
            s.connected = true;
        }
        self.dispatch(ctx);
    }
}
