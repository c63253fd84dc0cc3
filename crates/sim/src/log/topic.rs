//! A topic on its cluster of brokers in the running engine: appends what
//! producers publish to a partition's leader, has followers copy it,
//! confirms as each producer's `acks` asks, answers each group's fetches
//! from its own cursor (up to the high watermark: what every in-sync copy
//! has), records commits, applies retention, and hands a partition to an
//! in-sync follower when its leader's broker crashes.
//!
//! The topic holds one ledger token per record its leaders keep (a record
//! read by three groups, or copied to three brokers, is still one record);
//! the groups' copies are tokens in the members' hands while they process
//! them. A record a new leader does not have is gone (cause `failover`); if
//! it had been acknowledged, it counts in `acknowledged_lost`.

use super::partition::{GroupCursor, OffsetReset, Partition, Record};
use super::partitioner::{self, Spread};
use super::replication::{Acks, Replicas};
use crate::context::Ctx;
use crate::event::{Event, Packet};
use crate::ledger::Place;
use crate::scenario::{Partitioner, ProducerAcks, TopicSpec};
use crate::service::{Cost, Server};
use crate::time::{self, Time};
use crate::trace::{Cause, EventKind, MsgId, NO_MSG, NodeId, PacketKind};

/// How one sender picks partitions.
#[derive(Clone, Debug)]
struct Sender {
    partitioner: Partitioner,
    batch: u32,
    spread: Spread,
    acks: Acks,
    /// An idempotent producer: each record is appended once.
    idempotent: bool,
}

/// A fetch the topic holds until a record arrives or its wait is over
/// (Kafka's `fetch.max.wait.ms`): no busy polling of an idle partition.
#[derive(Clone, Copy, Debug)]
struct Parked {
    member: NodeId,
    generation: u16,
    max: u16,
    reset: OffsetReset,
    /// When its wait is over (a timer of an earlier fetch, answered since,
    /// may fire before).
    until: Time,
}

/// One topic on the log broker.
#[derive(Clone, Debug)]
pub(crate) struct Topic {
    /// Its node.
    pub node: NodeId,
    /// The partitions.
    pub partitions: Vec<Partition>,
    retention_age: Option<Time>,
    retention_count: Option<u64>,
    /// Each sending node's partitioner (indexed by node id; none: by key).
    senders: Vec<Option<Sender>>,
    /// Each reading group's cursor in each partition, by the group's place
    /// among the topic's groups.
    pub cursors: Vec<Vec<GroupCursor>>,
    /// Each group's parked fetch per partition.
    parked: Vec<Vec<Option<Parked>>>,
    /// How long a group's fetch may wait for records, by the group's place.
    fetch_wait: Vec<Time>,
    /// Its index among topics.
    index: u16,
    /// Each partition's copies: leader, followers, in-sync set.
    pub replicas: Vec<Replicas>,
    /// Each partition serves nothing before this moment (a failover).
    electing_until: Vec<Time>,
    /// Each partition: followers are copying (one round at a time).
    replicating: Vec<bool>,
    /// Each partition's high watermark and in-sync set as last traced
    /// (replicated topics only: with one copy it is the log end).
    traced_hw: Vec<(u64, u32)>,
    /// Each partition: confirms waiting for every in-sync copy (`acks=all`).
    waiting: Vec<Vec<(u64, Packet)>>,
    replication: Time,
    failover: Time,
    /// Each broker: whether it is up, and its crash epoch.
    pub brokers: Vec<(bool, u32)>,
    /// Records of idempotent producers, by message id: `(partition + 1,
    /// offset)` where it is stored (0: not stored).
    stored: Vec<(u32, u32)>,
    /// Each broker's service time, and each broker as a server.
    cost: Cost,
    pub servers: Vec<Server>,
}

impl Topic {
    /// Topic `index` of `spec`, read by groups whose fetches wait at most
    /// `fetch_wait` each, on brokers that serve requests in `cost`.
    pub fn new(node: NodeId, index: u16, spec: &TopicSpec, fetch_wait: Vec<Time>, cost: Cost) -> Self {
        let p = spec.partitions.max(1) as usize;
        let groups = fetch_wait.len();
        let brokers = spec.brokers.max(1);
        let rf = spec.replication_factor.clamp(1, brokers);
        // Partition i's copies on brokers i, i + 1, …: leaders spread out.
        let replicas = (0..p as u32)
            .map(|i| Replicas::new(&(0..rf).map(|k| (i + k) % brokers).collect::<Vec<_>>(), spec.min_insync_replicas))
            .collect();
        Topic {
            parked: vec![vec![None; p]; groups],
            fetch_wait,
            index,
            node,
            partitions: vec![Partition::default(); p],
            retention_age: spec.retention_ms.map(time::ms),
            retention_count: spec.retention_records.map(u64::from),
            senders: Vec::new(),
            cursors: vec![vec![GroupCursor::default(); p]; groups],
            replicas,
            electing_until: vec![0; p],
            replicating: vec![false; p],
            traced_hw: vec![(0, u32::MAX >> (32 - rf)); if rf > 1 { p } else { 0 }],
            waiting: vec![Vec::new(); p],
            replication: time::ms(spec.replication_ms).max(1),
            failover: time::ms(spec.failover_ms),
            brokers: vec![(true, 0); brokers as usize],
            stored: Vec::new(),
            cost,
            servers: vec![Server::default(); if cost.is_free() { 0 } else { brokers as usize }],
        }
    }

    /// Node `sender` spreads its records with `partitioner` (batches of `batch` when sticky)
    /// and confirms when `acks` says.
    /// (`idempotent`: appends each of its records once).
    pub fn set_sender(&mut self, sender: NodeId, p: &crate::scenario::ProducerSpec) {
        let (partitioner, batch, acks) = (p.partitioner, p.batch_size, p.acks);
        let i = usize::from(sender);
        if self.senders.len() <= i {
            self.senders.resize(i + 1, None);
        }
        let spread = match partitioner {
            Partitioner::Sticky => Spread::Sticky { current: 0, left: 0 },
            _ => Spread::RoundRobin(0),
        };
        let acks = if acks == ProducerAcks::All { Acks::All } else { Acks::Leader };
        self.senders[i] = Some(Sender { partitioner, batch, spread, acks, idempotent: p.idempotent });
    }

    /// Whether any of its brokers is up.
    pub fn any_up(&self) -> bool {
        self.brokers.iter().any(|b| b.0)
    }

    /// Whether partition `p` has a leader serving now.
    fn serving(&self, p: usize, now: Time) -> bool {
        self.replicas[p].leader.is_some() && now >= self.electing_until[p]
    }

    /// What every in-sync copy of partition `p` has: what groups may read.
    fn visible(&self, p: usize) -> u64 {
        if self.replicas[p].leader.is_none() { 0 } else { self.replicas[p].high_watermark() }
    }

    /// Records kept, over all partitions.
    pub fn held(&self) -> usize {
        self.partitions.iter().map(Partition::len).sum()
    }

    /// Bytes held beyond its fixed size.
    pub fn heap_bytes(&self) -> u64 {
        use crate::memory::vec_bytes;
        self.partitions.iter().map(Partition::heap_bytes).sum::<u64>()
            + vec_bytes::<GroupCursor>(self.cursors.iter().map(Vec::capacity).sum())
            + vec_bytes::<(u32, u32)>(self.stored.capacity())
    }

    /// The partition a record with `key` from `sender` goes to.
    fn partition_for(&mut self, ctx: &mut Ctx, sender: NodeId, key: u32) -> u32 {
        let n = self.partitions.len() as u32;
        match self.senders.get_mut(usize::from(sender)).and_then(Option::as_mut) {
            Some(s) if s.partitioner != Partitioner::Key => s.spread.next(n, s.batch, &mut ctx.rng),
            _ => partitioner::by_key(key, n),
        }
    }

    /// A request reached the topic and its brokers' service takes time: the
    /// broker leading the partition it concerns takes it on. Returns when
    /// it is served (`None`: it costs nothing, it arrives now). A publish
    /// picks its partition here, kept in `delivery` (+ 1); it costs its
    /// share of its batch's request (`tag` records; 0: alone) and a record.
    pub fn serve(&mut self, ctx: &mut Ctx, p: &mut Packet) -> Option<Time> {
        if self.cost.is_free() {
            return None;
        }
        let (partition, work) = match p.kind {
            PacketKind::Publish => {
                let key = ctx.ledger.get(p.msg).key();
                let partition = self.partition_for(ctx, p.from, key);
                p.delivery = (partition + 1) as u16;
                (partition as usize, self.cost.record_in_batch(u64::from(p.tag)))
            }
            PacketKind::Fetch | PacketKind::CommitOffset => (usize::from(p.delivery), self.cost.request_of(0)),
            _ => return None,
        };
        let r = self.replicas.get(partition)?;
        let broker = r.replicas[r.leader.unwrap_or(0)].broker as usize;
        Some(self.servers[broker].serve(ctx.now, work))
    }

    /// A publish arrived (its token is off the link): the partition's leader
    /// appends it and confirms it when the sender's `acks` is met — or
    /// refuses it (no leader: it is lost and the producer retries after its
    /// timeout; `acks=all` with too few in-sync copies: a reject).
    pub fn on_publish(&mut self, ctx: &mut Ctx, p: &Packet) {
        let key = ctx.ledger.get(p.msg).key();
        let partition = match p.delivery {
            0 => self.partition_for(ctx, p.from, key),
            chosen => u32::from(chosen) - 1, // when it waited for the broker
        };
        let i = partition as usize;
        if !self.serving(i, ctx.now) {
            ctx.ledger.note_loss(p.msg, Cause::NodeDown);
            let mut e = ctx.packet_record(EventKind::Discard, p);
            e.node = self.node;
            e.peer = p.from;
            e.delivery = partition as u16;
            e.cause = Cause::NodeDown;
            ctx.emit_rare(e);
            return;
        }
        let sender = self.senders.get(usize::from(p.from)).and_then(Option::as_ref);
        let acks = if !p.confirm { Acks::None } else { sender.map_or(Acks::Leader, |s| s.acks) };
        let idempotent = sender.is_some_and(|s| s.idempotent);
        if idempotent && self.already_stored(ctx, p, acks) {
            return;
        }
        let Some(offset) = self.replicas[i].append(acks) else {
            self.refuse(ctx, p, partition);
            return;
        };
        self.retain(ctx, partition);
        let at = self.partitions[i].append(Record { msg: p.msg, key, at: ctx.now });
        debug_assert_eq!(at, offset, "the log is its leader's");
        ctx.ledger.add(p.msg, Place::Queue);
        if idempotent {
            let m = p.msg as usize;
            if self.stored.len() <= m {
                self.stored.resize(m + 1, (0, 0));
            }
            self.stored[m] = (partition + 1, offset as u32);
        }
        let mut e = ctx.record(EventKind::Append, self.node, p.msg);
        e.peer = p.from;
        e.attempt = p.attempt;
        e.copy = p.copy;
        e.delivery = partition as u16;
        e.tx = offset as u32;
        ctx.emit(e);
        match acks {
            Acks::All => self.waiting[i].push((offset, *p)),
            Acks::Leader => {
                self.replicas[i].acknowledged(offset, acks);
                confirm(ctx, self.node, p);
            }
            Acks::None => {}
        }
        self.copy_soon(ctx, i);
        self.advance(ctx, i);
    }

    /// An idempotent producer's record the topic already has (a retry):
    /// dropped, and confirmed again once `acks` holds for the stored one.
    /// Returns whether it was a retry.
    #[cold]
    #[inline(never)]
    fn already_stored(&mut self, ctx: &mut Ctx, p: &Packet, acks: Acks) -> bool {
        let Some(&(partition, offset)) = self.stored.get(p.msg as usize).filter(|s| s.0 > 0) else { return false };
        let (i, offset) = ((partition - 1) as usize, u64::from(offset));
        let mut e = ctx.packet_record(EventKind::Deduplicated, p);
        e.node = self.node;
        e.peer = p.from;
        e.delivery = (partition - 1) as u16;
        e.tx = offset as u32;
        ctx.emit_rare(e);
        match acks {
            Acks::All if !self.replicas[i].acknowledged(offset, acks) => self.waiting[i].push((offset, *p)),
            Acks::All | Acks::Leader => confirm(ctx, self.node, p),
            Acks::None => {}
        }
        true
    }

    /// `acks=all` with fewer in-sync copies than the topic's minimum: the
    /// record is refused (Kafka's NotEnoughReplicas).
    #[cold]
    fn refuse(&mut self, ctx: &mut Ctx, p: &Packet, partition: u32) {
        ctx.ledger.note_loss(p.msg, Cause::TooFewReplicas);
        let mut e = ctx.record(EventKind::Reject, self.node, p.msg);
        e.peer = p.from;
        e.attempt = p.attempt;
        e.copy = p.copy;
        e.delivery = partition as u16;
        e.cause = Cause::TooFewReplicas;
        ctx.emit_rare(e);
        let mut a = Packet::new(PacketKind::Reject, self.node, p.from, p.msg);
        a.attempt = p.attempt;
        a.copy = p.copy;
        ctx.send(a);
    }

    /// Followers of partition `p` copy what its leader has, `replication_ms`
    /// from now (unless a round is under way, or it has no follower up).
    fn copy_soon(&mut self, ctx: &mut Ctx, p: usize) {
        let r = &self.replicas[p];
        let Some(l) = r.leader else { return };
        // A follower behind, or back from a crash and not yet in sync.
        let top = r.replicas[l].leo;
        let behind = r.replicas.iter().enumerate().any(|(i, x)| i != l && x.up && (x.leo < top || !x.in_sync));
        if behind && !self.replicating[p] {
            self.replicating[p] = true;
            let upto = r.replicas[l].leo as u32;
            ctx.schedule_in(self.replication, Event::Replicate { topic: self.index, partition: p as u16, upto });
        }
    }

    /// A round of copying partition `p` up to `upto` is done.
    pub fn on_replicate(&mut self, ctx: &mut Ctx, p: usize, upto: u64) {
        self.replicating[p] = false;
        let r = &mut self.replicas[p];
        if let Some(l) = r.leader {
            for i in 0..r.replicas.len() {
                if i != l {
                    r.fetched(i, upto);
                }
            }
        }
        self.copy_soon(ctx, p);
        self.advance(ctx, p);
    }

    /// The high watermark of partition `p` may have moved: confirm what
    /// every in-sync copy now has, and answer fetches waiting for records.
    /// (Called at every append: what it has nothing to do for is skipped
    /// first.)
    #[inline]
    fn advance(&mut self, ctx: &mut Ctx, p: usize) {
        self.trace_high_watermark(ctx, p);
        if !self.waiting[p].is_empty() {
            self.confirm_replicated(ctx, p);
        }
        if self.parked.iter().any(|g| g[p].is_some()) && self.visible(p) > 0 {
            for g in 0..self.parked.len() {
                if let Some(f) = self.parked[g][p].take() {
                    self.answer(ctx, g, p as u32, f, false);
                }
            }
        }
    }

    /// Confirms the `acks=all` appends of partition `p` that every in-sync
    /// copy now has.
    fn confirm_replicated(&mut self, ctx: &mut Ctx, p: usize) {
        let mut waiting = std::mem::take(&mut self.waiting[p]);
        let r = &mut self.replicas[p];
        waiting.retain(|(offset, publish)| {
            let done = r.acknowledged(*offset, Acks::All);
            if done {
                confirm(ctx, self.node, publish);
            }
            !done
        });
        self.waiting[p] = waiting;
    }

    /// Traces partition `p`'s high watermark and in-sync set if either
    /// moved (replicated topics, traced runs only).
    #[inline]
    fn trace_high_watermark(&mut self, ctx: &mut Ctx, p: usize) {
        // Only the views read these records (the report does not): a run
        // without a trace (a benchmark, a sweep) skips them.
        if ctx.trace.is_some() {
            self.record_high_watermark(ctx, p);
        }
    }

    /// [`trace_high_watermark`](Self::trace_high_watermark) in a traced run.
    fn record_high_watermark(&mut self, ctx: &mut Ctx, p: usize) {
        let r = &self.replicas[p];
        let Some(traced) = self.traced_hw.get_mut(p) else { return };
        let now = (r.high_watermark(), r.in_sync_mask());
        if now != *traced {
            *traced = now;
            let mut e = ctx.record(EventKind::HighWatermark, self.node, NO_MSG);
            e.delivery = p as u16;
            e.tx = now.0 as u32;
            e.key = now.1;
            ctx.emit(e);
        }
    }

    /// The wait of group `g`'s fetch on `partition` is over: answer it
    /// (with nothing) if it is still held.
    pub fn on_fetch_expired(&mut self, ctx: &mut Ctx, g: usize, partition: u32) {
        let Some(slot) = self.parked.get_mut(g).and_then(|p| p.get_mut(partition as usize)) else { return };
        // With nothing else going on, the member would only ask again in
        // vain: the fetch is dropped in silence (the run is over).
        if let Some(f) = slot.take_if(|f| f.until <= ctx.now)
            && ctx.busy()
        {
            let at = self.cursors[g][partition as usize].position.unwrap_or(0);
            self.reply(ctx, f, partition, at..at, NO_MSG);
        }
    }

    /// Applies retention to `partition`: the records it removes give up
    /// their token.
    #[inline]
    fn retain(&mut self, ctx: &mut Ctx, partition: u32) {
        if self.retention_age.is_some() || self.retention_count.is_some() {
            self.expire(ctx, partition);
        }
    }

    /// [`retain`](Self::retain) for a topic with a retention limit.
    fn expire(&mut self, ctx: &mut Ctx, partition: u32) {
        let log = &mut self.partitions[partition as usize];
        log.retain(ctx.now, self.retention_age, self.retention_count, |r| {
            ctx.ledger.destroy(r.msg, Place::Queue, Cause::Expired);
        });
    }

    /// Group `g` rebuilds: the fetches it has parked here are forgotten (an
    /// answer would move its cursor for members that ask again anyway).
    pub fn unpark(&mut self, g: usize) {
        if let Some(parked) = self.parked.get_mut(g) {
            parked.iter_mut().for_each(|f| *f = None);
        }
    }

    /// A fetch from a member of the topic's group `g` (`current`: the
    /// fetch is of the group's current generation, which is consuming):
    /// answers with up to `max` records from the group's cursor.
    pub fn on_fetch(&mut self, ctx: &mut Ctx, p: &Packet, g: usize, reset: OffsetReset, current: bool) {
        let partition = u32::from(p.delivery);
        if !current || partition as usize >= self.partitions.len() {
            stale(ctx, self.node, p);
            return;
        }
        if !self.serving(partition as usize, ctx.now) {
            stale(ctx, self.node, p); // no leader: the member asks again after its timeout
            return;
        }
        self.cursors[g][partition as usize].position = (p.tag != u32::MAX).then_some(u64::from(p.tag));
        let until = ctx.now.saturating_add(self.fetch_wait[g]);
        let f = Parked { member: p.from, generation: p.copy, max: p.attempt, reset, until };
        self.answer(ctx, g, partition, f, true);
    }

    /// Answers fetch `f` of group `g` with the records from its cursor, or
    /// holds it until one is readable (or its wait is over; a `fresh` fetch
    /// sets its timer).
    fn answer(&mut self, ctx: &mut Ctx, g: usize, partition: u32, f: Parked, fresh: bool) {
        self.retain(ctx, partition);
        let visible = self.visible(partition as usize);
        let log = &self.partitions[partition as usize];
        let cursor = &mut self.cursors[g][partition as usize];
        let (skipped, gone) = (cursor.skipped, cursor.gone_again);
        let range = cursor.poll_to(log, f.reset, u64::from(f.max), visible);
        let (skipped, gone) = (cursor.skipped - skipped, cursor.gone_again - gone);
        for (n, cause) in [(skipped, Cause::None), (gone, Cause::Rebuilt)] {
            if n > 0 {
                let mut e = ctx.record(EventKind::Skip, self.node, NO_MSG);
                e.peer = f.member;
                e.delivery = partition as u16;
                e.tx = n as u32;
                e.cause = cause;
                ctx.emit_rare(e);
            }
        }
        if range.is_empty() {
            // Nothing yet: hold the fetch — with a time limit while
            // anything else is going on (else nothing will ever come).
            self.parked[g][partition as usize] = Some(f);
            if fresh && ctx.busy() {
                let event = Event::FetchExpired { topic: self.index, group: g as u16, partition: partition as u16 };
                ctx.schedule_idle(self.fetch_wait[g], event);
            }
            return;
        }
        let first = log.get(range.start).map_or(NO_MSG, |r| r.msg);
        self.reply(ctx, f, partition, range, first);
    }

    fn reply(&self, ctx: &mut Ctx, f: Parked, partition: u32, range: std::ops::Range<u64>, first: MsgId) {
        let mut r = Packet::new(PacketKind::Records, self.node, f.member, first);
        r.delivery = partition as u16;
        r.tag = range.start as u32;
        r.attempt = (range.end - range.start) as u16;
        r.copy = f.generation;
        ctx.send(r);
    }

    /// A commit from a member of group `g` (`current`: of the group's
    /// current generation; a commit from before a rebalance is refused, as
    /// Kafka refuses it).
    pub fn on_commit(&mut self, ctx: &mut Ctx, p: &Packet, g: usize, current: bool) {
        let partition = usize::from(p.delivery);
        if !current || partition >= self.partitions.len() {
            stale(ctx, self.node, p);
            if p.confirm {
                answer_commit(ctx, self.node, p, false);
            }
            return;
        }
        if self.cursors[g][partition].commit(u64::from(p.tag)) {
            let mut e = ctx.record(EventKind::Commit, self.node, NO_MSG);
            e.peer = p.from;
            e.delivery = p.delivery;
            e.tx = p.tag;
            ctx.emit_rare(e);
        }
        if p.confirm {
            answer_commit(ctx, self.node, p, true);
        }
    }

    /// Broker `b` crashes: its copies leave the in-sync sets; each partition
    /// it led goes to an in-sync follower after the failover delay, cut to
    /// that follower's log (none up: the partition waits for the broker).
    /// Returns whether it was up.
    pub fn crash_broker(&mut self, ctx: &mut Ctx, b: usize, down: Time) -> bool {
        let Some(broker) = self.brokers.get_mut(b).filter(|x| x.0) else { return false };
        broker.0 = false;
        broker.1 = broker.1.wrapping_add(1);
        let epoch = broker.1;
        let mut e = ctx.record(EventKind::BrokerCrash, self.node, NO_MSG);
        e.delivery = b as u16;
        e.end = ctx.now.saturating_add(down);
        ctx.emit_rare(e);
        for p in 0..self.replicas.len() {
            let Some(i) = self.replicas[p].replicas.iter().position(|r| r.broker == b as u32) else { continue };
            let led = self.replicas[p].leader == Some(i);
            let lost = self.replicas[p].fail(i);
            if led {
                self.hand_over(ctx, p, lost);
            } else {
                self.advance(ctx, p);
            }
        }
        ctx.schedule_in(down, Event::BrokerRestart { topic: self.index, broker: b as u16, epoch });
        true
    }

    /// Partition `p` lost its leader: the new one (if any) serves after the
    /// failover delay; what it lacks is gone.
    fn hand_over(&mut self, ctx: &mut Ctx, p: usize, lost_acked: u64) {
        self.electing_until[p] = ctx.now.saturating_add(self.failover);
        let r = &self.replicas[p];
        let leader = r.leader.map(|l| (r.replicas[l].broker, r.replicas[l].leo));
        if let Some((_, end)) = leader {
            let stored = &mut self.stored;
            self.partitions[p].truncate(end, |rec| {
                ctx.ledger.destroy(rec.msg, Place::Queue, Cause::Failover);
                if let Some(s) = stored.get_mut(rec.msg as usize) {
                    *s = (0, 0); // gone: a retry is stored again
                }
            });
            self.waiting[p].retain(|(offset, _)| *offset < end);
        }
        let mut e = ctx.record(EventKind::Failover, self.node, NO_MSG);
        e.delivery = p as u16;
        e.attempt = leader.map_or(u16::MAX, |(b, _)| b as u16);
        e.tx = lost_acked as u32;
        e.key = self.partitions[p].end() as u32;
        e.end = self.electing_until[p];
        ctx.emit_rare(e);
        self.trace_high_watermark(ctx, p);
    }

    /// Broker `b` is back after crash `epoch`: its copies catch up (out of
    /// the in-sync sets until they have), or lead again a partition that
    /// waited for it. Returns whether it came back.
    pub fn restart_broker(&mut self, ctx: &mut Ctx, b: usize, epoch: u32) -> bool {
        let Some(broker) = self.brokers.get_mut(b).filter(|x| !x.0 && x.1 == epoch) else { return false };
        broker.0 = true;
        let mut e = ctx.record(EventKind::BrokerRestart, self.node, NO_MSG);
        e.delivery = b as u16;
        ctx.emit_rare(e);
        for p in 0..self.replicas.len() {
            let Some(i) = self.replicas[p].replicas.iter().position(|r| r.broker == b as u32) else { continue };
            let had_leader = self.replicas[p].leader.is_some();
            self.replicas[p].recover(i);
            if !had_leader && self.replicas[p].leader.is_some() {
                self.hand_over(ctx, p, 0);
            }
            self.copy_soon(ctx, p);
        }
        true
    }

    /// Whether group `g` has records to read in `partition` past `position`
    /// (its member's; `None`: from its committed offset, or by `reset`).
    pub fn unread(&self, g: usize, partition: u32, position: Option<u64>, reset: OffsetReset) -> bool {
        let log = &self.partitions[partition as usize];
        let cursor = GroupCursor { position, ..self.cursors[g][partition as usize] };
        cursor.next(log, reset, log.end()) < log.end()
    }

    /// The msg ids of partition `partition` from `offset`, `count` of them
    /// (those still kept).
    pub fn records(&self, partition: u32, offset: u64, count: u64) -> impl Iterator<Item = (u64, Record)> + '_ {
        let log = self.partitions.get(partition as usize);
        (offset..offset + count).filter_map(move |o| Some((o, *log?.get(o)?)))
    }
}

/// Confirms `publish` to its sender.
fn confirm(ctx: &mut Ctx, node: NodeId, publish: &Packet) {
    let mut a = Packet::new(PacketKind::Confirm, node, publish.from, publish.msg);
    a.attempt = publish.attempt;
    a.copy = publish.copy;
    ctx.send(a);
}

/// Tells a member waiting on its commit whether it was recorded.
fn answer_commit(ctx: &mut Ctx, node: NodeId, p: &Packet, recorded: bool) {
    let mut a = Packet::new(PacketKind::CommitAck, node, p.from, NO_MSG);
    a.delivery = p.delivery;
    a.tag = p.tag;
    a.copy = p.copy;
    a.confirm = recorded;
    ctx.send(a);
}

/// A request or reply that no longer applies was ignored.
#[cold]
#[inline(never)]
pub(crate) fn stale(ctx: &mut Ctx, node: NodeId, p: &Packet) {
    let mut e = ctx.packet_record(EventKind::Stale, p);
    e.node = node;
    e.peer = p.from;
    ctx.emit_rare(e);
}
