//! A consumer instance: buffers deliveries, processes them `concurrency` at a
//! time, applies the business effect (through the group's dedup store) —
//! and, as a service in a pipeline, publishes a message of its own for each
//! effect — acks or replies, and sometimes crashes.

use std::collections::VecDeque;

use crate::context::Ctx;
use crate::dedup::DedupStore;
use crate::dist::{Dist, Draw};
use crate::event::{Event, Packet};
use crate::event_store::Append;
use crate::ledger::Place;
use crate::producer::{Producer, Publication};
use crate::scenario::{AckMode, ConsumerSpec, CrashPoint, EventStoreKind, QueueSpec, WriteOrder};
use crate::time::{self, Time};
use crate::trace::{Cause, EventKind, NO_MSG, NodeId, PacketKind, TraceEvent};
use crate::versions::{Gate, Held, Versions};

#[derive(Clone, Debug)]
pub(crate) struct Consumer {
    pub node: NodeId,
    index: u16,
    /// Index of the consumer group (and its dedup store).
    pub group: usize,
    queue_index: u16,
    manual_ack: bool,
    processing: Dist,
    crash_probability: f64,
    crash_point: CrashPoint,
    restart: Time,
    up: bool,
    /// Bumped on every crash, so processing that started before it is ignored.
    epoch: u32,
    slots: Vec<Option<Packet>>,
    free: Vec<u32>,
    buffer: VecDeque<Packet>,
    /// Most deliveries held at once (processing plus buffered): the queue's
    /// prefetch window when acks are manual and it is limited. The queue
    /// stops delivering there, but after an ack timeout it counts the timed-out
    /// delivery as settled while the consumer may still hold it: without this
    /// bound, redeliveries would pile up in the buffer past any limit.
    hold: usize,
    /// Queue deliveries in hand now (requests from synchronous callers are
    /// not deliveries: no prefetch window limits them).
    deliveries: usize,
    /// Its publisher, if the group publishes downstream (index into the
    /// simulation's publishers).
    pub publisher: Option<u16>,
    /// The group orchestrates a saga: processing a message is only the
    /// orchestrator's own work, then its saga runs (`saga.rs`), and the
    /// job ends when the saga does.
    pub saga: bool,
    /// Neither publishes nor orchestrates: a job's end is the inlined
    /// usual case (set with `publisher` and `saga`).
    pub plain: bool,
    /// Writing an event store: the version of its aggregate each slot's
    /// command read when its processing started (empty otherwise).
    read: Vec<u32>,
}

impl Consumer {
    pub fn new(
        node: NodeId,
        index: u16,
        group: usize,
        queue_index: u16,
        queue: &QueueSpec,
        spec: &ConsumerSpec,
    ) -> Self {
        let c = spec.concurrency.max(1);
        let manual_ack = queue.ack == AckMode::Manual;
        Consumer {
            node,
            index,
            group,
            queue_index,
            manual_ack,
            processing: spec.processing.clone(),
            // In the middle of a saga, the saga rolls the dice (`saga.rs`).
            crash_probability: if spec.crash.point == CrashPoint::MidTransaction {
                0.0
            } else {
                spec.crash.probability
            },
            crash_point: spec.crash.point,
            restart: time::ms(spec.crash.restart_ms),
            up: true,
            epoch: 0,
            slots: vec![None; c as usize],
            free: (0..c).rev().collect(),
            buffer: VecDeque::new(),
            hold: if manual_ack && queue.prefetch > 0 { queue.prefetch as usize } else { usize::MAX },
            deliveries: 0,
            publisher: None,
            saga: false,
            plain: true,
            read: if spec.event_store == EventStoreKind::None { Vec::new() } else { vec![0; c as usize] },
        }
    }

    /// Whether it is running (not crashed).
    pub fn is_up(&self) -> bool {
        self.up
    }

    /// Message copies in hand: processing plus buffered.
    pub fn in_hand(&self) -> usize {
        self.slots.iter().filter(|s| s.is_some()).count() + self.buffer.len()
    }

    /// Bytes this consumer holds beyond its fixed size.
    pub fn heap_bytes(&self) -> u64 {
        use crate::memory::vec_bytes;
        vec_bytes::<Option<Packet>>(self.slots.capacity())
            + vec_bytes::<u32>(self.free.capacity())
            + vec_bytes::<Packet>(self.buffer.capacity())
    }

    /// Whether it still runs the job in `slot` it took in crash `epoch`.
    pub fn runs(&self, epoch: u32, slot: u32) -> bool {
        self.up_since(epoch) && self.slots.get(slot as usize).is_some_and(Option::is_some)
    }

    /// Whether it is up and has not crashed since crash `epoch`.
    pub fn up_since(&self, epoch: u32) -> bool {
        self.up && epoch == self.epoch
    }

    /// Its crash epoch now.
    pub fn epoch(&self) -> u32 {
        self.epoch
    }

    /// The message of the job in `slot` it took in crash `epoch`, if it still runs it.
    pub fn job(&self, epoch: u32, slot: u32) -> Option<crate::trace::MsgId> {
        if self.runs(epoch, slot) { self.slots[slot as usize].map(|p| p.msg) } else { None }
    }

    /// Writing an event store: no command in hand read a version its
    /// aggregate has not reached (checked in test builds).
    pub fn check_reads(&self, ctx: &Ctx, store: &DedupStore) -> Result<(), String> {
        let Some(events) = &store.events else { return Ok(()) };
        for (slot, p) in self.slots.iter().enumerate() {
            if let Some(p) = p {
                let key = ctx.ledger.get(p.msg).key();
                if self.read[slot] > events.version(key) {
                    return Err(format!(
                        "message {} read version {} of key {key}, which is at {}",
                        p.msg,
                        self.read[slot],
                        events.version(key)
                    ));
                }
            }
        }
        Ok(())
    }

    /// Whether the group writes an event store (its commands read a version).
    pub fn writes_events(&self) -> bool {
        !self.read.is_empty()
    }

    /// Slots processing now.
    pub fn busy(&self) -> usize {
        self.slots.len() - self.free.len()
    }

    /// A delivery or request arrived (its token is already off the link):
    /// the slot it started in, if any (an event store's writer then reads
    /// its aggregate: [`read_version`](Self::read_version)).
    pub fn on_packet(&mut self, ctx: &mut Ctx, p: Packet) -> Option<u32> {
        if !self.up {
            self.refuse(ctx, &p, Cause::NodeDown);
            return None;
        }
        if p.kind == PacketKind::Deliver {
            if self.deliveries >= self.hold {
                self.refuse(ctx, &p, Cause::BufferFull);
                return None;
            }
            self.deliveries += 1;
        }
        ctx.ledger.add(p.msg, Place::Consumer);
        match self.free.pop() {
            Some(slot) => {
                self.start(ctx, slot, p);
                Some(slot)
            }
            None => {
                self.buffer.push_back(p);
                None
            }
        }
    }

    /// Drops an arriving packet (down, or holding a full window): the queue
    /// still has it and will redeliver it after its ack timeout.
    #[cold]
    fn refuse(&mut self, ctx: &mut Ctx, p: &Packet, cause: Cause) {
        ctx.ledger.note_loss(p.msg, cause);
        let mut e = ctx.packet_record(EventKind::Discard, p);
        e.node = self.node;
        e.peer = p.from;
        e.cause = cause;
        ctx.emit_rare(e);
    }

    fn start(&mut self, ctx: &mut Ctx, slot: u32, p: Packet) {
        self.slots[slot as usize] = Some(p);
        let d = self.processing.draw(&mut ctx.rng);
        let mut e = ctx.packet_record(EventKind::ProcessStart, &p);
        e.node = self.node;
        e.peer = p.from;
        e.packet = PacketKind::None;
        e.tx = 0;
        e.end = ctx.now.saturating_add(d);
        ctx.emit(e);
        ctx.schedule_in_inline(d, Event::ProcessDone { consumer: self.index, epoch: self.epoch, slot });
    }

    fn job_record(&self, ctx: &Ctx, kind: EventKind, p: &Packet) -> crate::trace::TraceEvent {
        let mut e = ctx.record(kind, self.node, p.msg);
        e.attempt = p.attempt;
        e.copy = p.copy;
        e.delivery = p.delivery;
        e
    }

    /// Processing of the job in `slot` finished. A service publishes through
    /// `publisher` for every effect it applies. Inlined: once per message.
    #[inline(always)]
    pub fn on_done(
        &mut self,
        ctx: &mut Ctx,
        epoch: u32,
        slot: u32,
        store: &mut DedupStore,
        publisher: Option<&mut Producer>,
    ) {
        if epoch != self.epoch {
            return; // crashed since it started; the crash already dealt with the job
        }
        let Some(p) = self.slots[slot as usize] else { return };
        let crash = ctx.rng.chance(self.crash_probability);
        if crash && self.crash_point == CrashPoint::BeforeEffect {
            let restart = self.restart;
            self.crash(ctx, restart);
            return;
        }
        let ok = if ctx.ledger.get(p.msg).poison() {
            // This copy is consumed without effect; whoever holds another copy
            // (a queue awaiting the nack, a retrying caller) may try again.
            ctx.ledger.note_loss(p.msg, Cause::Failed);
            let e = self.job_record(ctx, EventKind::ProcessFail, &p);
            ctx.emit_rare(e);
            false
        } else {
            if store.check_and_remember(p.msg, ctx.now) {
                let e = self.job_record(ctx, EventKind::DedupHit, &p);
                ctx.emit_rare(e);
            } else if publisher.is_none() && store.versions.is_none() && !self.writes_events() {
                // The usual consumer, inlined.
                let applied = ctx.ledger.apply_effect(p.msg, usize::from(self.queue_index), 0);
                let mut e = self.job_record(ctx, EventKind::Effect, &p);
                e.cause = applied.cause;
                ctx.emit(e);
                if let Some(root) = applied.completed {
                    ctx.chain_completed(root);
                }
            } else if self.writes_events() && !self.append(ctx, slot, &p, store) {
                return; // a version conflict: processed again
            } else {
                let cut = crash && self.crash_point == CrashPoint::BetweenWrites;
                let e = self.job_record(ctx, EventKind::Effect, &p);
                take_effect(ctx, e, usize::from(self.queue_index), self.group, store, publisher, cut);
            }
            if crash {
                // After the effect (or between a service's two writes),
                // before the ack: the queue will redeliver.
                let restart = self.restart;
                self.crash(ctx, restart);
                return;
            }
            true
        };
        self.slots[slot as usize] = None;
        if p.kind == PacketKind::Deliver {
            self.deliveries -= 1;
        }
        self.respond(ctx, &p, ok);
        ctx.ledger.remove(p.msg, Place::Consumer);
        match self.buffer.pop_front() {
            Some(next) => {
                self.start(ctx, slot, next);
                if self.writes_events() {
                    self.read_version(ctx, slot, store);
                }
            }
            None => self.free.push(slot),
        }
    }

    /// An event store's writer: the command that started in `slot` reads
    /// its aggregate's version.
    #[cold]
    #[inline(never)]
    pub fn read_version(&mut self, ctx: &Ctx, slot: u32, store: &DedupStore) {
        if let (Some(events), Some(p)) = (&store.events, self.slots[slot as usize]) {
            self.read[slot as usize] = events.version(ctx.ledger.get(p.msg).key());
        }
    }

    /// Appends the event of command `p` (in `slot`) to the group's event
    /// store, at the version it read. Refused (a conflict, expected
    /// versions): the store forgets the command, which is handled again
    /// from the version now — false. Appended (perhaps blind, an update
    /// lost): true, and the effect follows.
    #[cold]
    #[inline(never)]
    fn append(&mut self, ctx: &mut Ctx, slot: u32, p: &Packet, store: &mut DedupStore) -> bool {
        let Some(events) = &mut store.events else { return true };
        let key = ctx.ledger.get(p.msg).key();
        match events.append(key, self.read[slot as usize]) {
            Append::Appended => true,
            Append::Lost(missed) => {
                let mut e = self.job_record(ctx, EventKind::LostUpdate, p);
                e.tx = missed;
                ctx.emit_rare(e);
                true
            }
            Append::Conflict(missed) => {
                self.read[slot as usize] = events.version(key);
                store.forget(p.msg);
                let d = self.processing.draw(&mut ctx.rng);
                let mut e = self.job_record(ctx, EventKind::VersionConflict, p);
                e.tx = missed;
                e.end = ctx.now.saturating_add(d);
                ctx.emit_rare(e);
                ctx.schedule_in(d, Event::ProcessDone { consumer: self.index, epoch: self.epoch, slot });
                false
            }
        }
    }

    /// Acks, nacks or replies, as the delivery mode requires.
    fn respond(&mut self, ctx: &mut Ctx, p: &Packet, ok: bool) {
        let kind = match (p.kind, ok) {
            (PacketKind::Request, true) => PacketKind::Reply,
            (PacketKind::Request, false) => PacketKind::Fault,
            (_, true) if self.manual_ack => PacketKind::Ack,
            (_, false) if self.manual_ack => PacketKind::Nack,
            // Auto-ack: nobody to tell (and, on failure, nobody will retry).
            _ => return,
        };
        let mut r = Packet::new(kind, self.node, p.from, p.msg);
        r.attempt = p.attempt;
        r.copy = p.copy;
        r.delivery = p.delivery;
        r.tag = p.tag;
        ctx.send(r);
    }

    /// A random crash at a point outside its own processing (in the middle
    /// of a saga): down for its restart time.
    pub fn crash_now(&mut self, ctx: &mut Ctx) {
        let restart = self.restart;
        self.on_crash(ctx, restart);
    }

    /// A scheduled crash.
    pub fn on_crash(&mut self, ctx: &mut Ctx, down: Time) {
        if self.up {
            self.crash(ctx, down);
        }
    }

    fn crash(&mut self, ctx: &mut Ctx, down: Time) {
        self.up = false;
        self.epoch = self.epoch.wrapping_add(1);
        ctx.crash_record(self.node, down);
        let in_hand: Vec<Packet> =
            self.slots.iter_mut().filter_map(Option::take).chain(self.buffer.drain(..)).collect();
        self.free = (0..self.slots.len() as u32).rev().collect();
        self.deliveries = 0;
        for p in in_hand {
            ctx.ledger.destroy(p.msg, Place::Consumer, Cause::Crash);
            let mut e = self.job_record(ctx, EventKind::Discard, &p);
            e.cause = Cause::Crash;
            ctx.emit_rare(e);
        }
        ctx.schedule_in(0, Event::Disconnect { queue: self.queue_index, consumer: self.node });
        ctx.schedule_in(down, Event::Restart { consumer: self.index, epoch: self.epoch });
    }

    /// The restart after crash `epoch` is due.
    pub fn on_restart(&mut self, ctx: &mut Ctx, epoch: u32) {
        if epoch == self.epoch && !self.up {
            self.up = true;
            let e = ctx.record(EventKind::Restart, self.node, NO_MSG);
            ctx.emit_rare(e);
            ctx.schedule_in(0, Event::Connect { queue: self.queue_index, consumer: self.node });
        }
    }
}

/// Applies the effect of `e.msg` in subscription `sub` and records it (`e`
/// is its `Effect` record; the cause is filled in). A service — consumer
/// group `group` publishing through `out` — publishes a message of its own
/// for it: that message's (message, subscription) pairs count into the chain
/// now, as the effect lands (an unroutable message counts one; none while
/// the publisher is down: it publishes nothing). For the consumers of
/// queues that publish and for the members of groups on topics.
///
/// `cut`: the service crashes between its two writes (a dual write): commit
/// first, the event is lost; publish first, the event goes out and the
/// change never commits. Returns whether the change committed (if not, the
/// caller's idempotency store must forget the message: its record was part
/// of the transaction that never happened).
#[inline(never)]
fn apply_effect(
    ctx: &mut Ctx,
    mut e: TraceEvent,
    sub: usize,
    group: usize,
    out: Option<&mut Producer>,
    cut: bool,
) -> bool {
    let out = out.filter(|o| o.is_up());
    let queues = out.as_ref().map(|o| o.queues_for(ctx, ctx.ledger.get(e.msg).key()));
    let children = queues.as_ref().map_or(0, |q| q.len().max(1) as u32);
    if let (Some(out), Some(queues)) = (out, queues) {
        return apply_and_publish(ctx, e, sub, group, out, &queues, cut);
    }
    let applied = ctx.ledger.apply_effect(e.msg, sub, children);
    e.cause = applied.cause;
    ctx.emit(e);
    if let Some(root) = applied.completed {
        ctx.chain_completed(root);
    }
    true
}

/// The effect `e` records, as the group's store says — in version order
/// or as it comes — for a service or a group with versions (the members of
/// a group on a topic, every time). If a crash between a service's writes
/// kept the change from committing, the store forgets the message: its
/// record was part of that transaction.
#[inline]
pub(crate) fn take_effect(
    ctx: &mut Ctx,
    e: TraceEvent,
    sub: usize,
    group: usize,
    store: &mut DedupStore,
    out: Option<&mut Producer>,
    cut: bool,
) {
    let msg = e.msg;
    let committed = match &mut store.versions {
        Some(versions) => apply_in_version_order(ctx, e, sub, group, versions, out, cut),
        None => apply_effect(ctx, e, sub, group, out, cut),
    };
    if !committed {
        store.forget(msg);
    }
}

/// A group that applies in version order ([`Versions`]): applies the event
/// `e` is the effect record of if it is its key's next version (and then
/// the held events that follow it), holds it if an earlier version is
/// missing, skips it if its version was applied. Returns false only if a
/// crash between a service's writes kept its change from committing.
#[cold]
#[inline(never)]
fn apply_in_version_order(
    ctx: &mut Ctx,
    mut e: TraceEvent,
    sub: usize,
    group: usize,
    versions: &mut Versions,
    mut out: Option<&mut Producer>,
    cut: bool,
) -> bool {
    let (agg, seq) = ctx.ledger.version(e.msg);
    match versions.gate(agg, seq) {
        Gate::Stale => {
            e.kind = EventKind::DedupHit;
            e.cause = Cause::OldVersion;
            ctx.emit_rare(e);
        }
        Gate::Hold => {
            versions.hold(agg, seq, Held { msg: e.msg, attempt: e.attempt, copy: e.copy, delivery: e.delivery });
            // Until the gap fills, this is why it has not taken effect.
            ctx.ledger.note_loss(e.msg, Cause::Gap);
            e.kind = EventKind::Held;
            e.tx = versions.missing_before(agg, seq);
            ctx.emit_rare(e);
        }
        Gate::Apply => {
            let node = e.node;
            if !apply_effect(ctx, e, sub, group, out.as_deref_mut(), cut) {
                return false;
            }
            versions.applied(agg, seq);
            // The held events it unblocks, in version order, each its own
            // local transaction (its record's peer is the node itself: no
            // processing ends there).
            while let Some((version, h)) = versions.release(agg) {
                let mut r = ctx.record(EventKind::Effect, node, h.msg);
                r.peer = node;
                r.attempt = h.attempt;
                r.copy = h.copy;
                r.delivery = h.delivery;
                apply_effect(ctx, r, sub, group, out.as_deref_mut(), false);
                versions.applied(agg, version);
            }
        }
    }
    true
}

/// A service's two writes: its change (the effect) and the event about it,
/// in the order its publisher's `write` says, cut by a crash if `cut`.
#[cold]
#[inline(never)]
fn apply_and_publish(
    ctx: &mut Ctx,
    mut e: TraceEvent,
    sub: usize,
    group: usize,
    out: &mut Producer,
    queues: &[u32],
    cut: bool,
) -> bool {
    let children = queues.len().max(1) as u32;
    let msg = e.msg;
    let first_write_only = cut && out.write_order() != WriteOrder::Outbox;
    if first_write_only && out.write_order() == WriteOrder::PublishFirst {
        // The event goes out; the crash comes before the commit.
        if ctx.ledger.applied_in(msg, sub) || ctx.ledger.is_phantom(msg, group) {
            out.publish_derived(ctx, msg, group, Publication::Echo, queues);
        } else {
            ctx.ledger.note_phantom(msg, group, children);
            out.publish_derived(ctx, msg, group, Publication::Event, queues);
            let mut p = ctx.record(EventKind::Phantom, e.node, msg);
            p.attempt = e.attempt;
            p.copy = e.copy;
            p.delivery = e.delivery;
            ctx.emit_rare(p);
        }
        return false;
    }
    // The commit. After a phantom, its event is out already.
    let announced = ctx.ledger.take_phantom(msg, group);
    let applied = ctx.ledger.apply_effect(msg, sub, if announced { 0 } else { children });
    e.cause = applied.cause;
    ctx.emit_rare(e); // a service: off the hot path
    if let Some(root) = applied.completed {
        ctx.chain_completed(root);
    }
    let duplicate = applied.cause == Cause::Duplicate;
    if first_write_only {
        // Committed, and the crash comes before the publish.
        if !duplicate && !announced {
            ctx.ledger.note_unpublished(msg, group, queues);
            let mut lost = ctx.record(EventKind::EventLost, e.node, msg);
            lost.attempt = e.attempt;
            lost.copy = e.copy;
            lost.delivery = children.min(u32::from(u16::MAX)) as u16;
            ctx.emit_rare(lost);
        }
        return true;
    }
    let publication = if announced {
        Publication::Echo
    } else if duplicate {
        if ctx.ledger.take_unpublished(msg, group) { Publication::Recovered } else { Publication::Echo }
    } else {
        Publication::Event
    };
    out.publish_derived(ctx, msg, group, publication, queues);
    true
}
