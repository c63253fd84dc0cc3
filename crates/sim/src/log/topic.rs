//! A topic's broker in the running engine: appends what producers publish to
//! a partition, answers each group's fetches from its own cursor, records
//! commits, and applies retention.
//!
//! The topic holds one ledger token per record it keeps (a record read by
//! three groups is still one record); the groups' copies are tokens in the
//! members' hands while they process them.

use super::partition::{GroupCursor, OffsetReset, Partition, Record};
use super::partitioner::{self, Spread};
use crate::context::Ctx;
use crate::event::{Event, Packet};
use crate::ledger::Place;
use crate::scenario::{OffsetResetKind, Partitioner, TopicSpec};
use crate::time::{self, Time};
use crate::trace::{Cause, EventKind, MsgId, NO_MSG, NodeId, PacketKind};

/// How one sender picks partitions.
#[derive(Clone, Debug)]
struct Sender {
    partitioner: Partitioner,
    batch: u32,
    spread: Spread,
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
    /// Whether its broker is up.
    pub up: bool,
    /// Bumped on every crash of its broker.
    pub epoch: u32,
}

impl Topic {
    /// Topic `index` of `spec`, read by groups whose fetches wait at most
    /// `fetch_wait` each.
    pub fn new(node: NodeId, index: u16, spec: &TopicSpec, fetch_wait: Vec<Time>) -> Self {
        let p = spec.partitions.max(1) as usize;
        let groups = fetch_wait.len();
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
            up: true,
            epoch: 0,
        }
    }

    /// Node `sender` spreads its records with `partitioner` (batches of `batch` when sticky).
    pub fn set_partitioner(&mut self, sender: NodeId, partitioner: Partitioner, batch: u32) {
        let i = usize::from(sender);
        if self.senders.len() <= i {
            self.senders.resize(i + 1, None);
        }
        let spread = match partitioner {
            Partitioner::Sticky => Spread::Sticky { current: 0, left: 0 },
            _ => Spread::RoundRobin(0),
        };
        self.senders[i] = Some(Sender { partitioner, batch, spread });
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
    }

    /// The partition a record with `key` from `sender` goes to.
    fn partition_for(&mut self, ctx: &mut Ctx, sender: NodeId, key: u32) -> u32 {
        let n = self.partitions.len() as u32;
        match self.senders.get_mut(usize::from(sender)).and_then(Option::as_mut) {
            Some(s) if s.partitioner != Partitioner::Key => s.spread.next(n, s.batch, &mut ctx.rng),
            _ => partitioner::by_key(key, n),
        }
    }

    /// A publish arrived (its token is off the link): append it, confirm it
    /// if asked (the leader has it: `acks=1`).
    pub fn on_publish(&mut self, ctx: &mut Ctx, p: &Packet) {
        let key = ctx.ledger.get(p.msg).key();
        let partition = self.partition_for(ctx, p.from, key);
        self.retain(ctx, partition);
        let offset = self.partitions[partition as usize].append(Record { msg: p.msg, key, at: ctx.now });
        ctx.ledger.add(p.msg, Place::Queue);
        let mut e = ctx.record(EventKind::Append, self.node, p.msg);
        e.peer = p.from;
        e.attempt = p.attempt;
        e.copy = p.copy;
        e.delivery = partition as u16;
        e.tx = offset as u32;
        ctx.emit(e);
        if p.confirm {
            let mut a = Packet::new(PacketKind::Confirm, self.node, p.from, p.msg);
            a.attempt = p.attempt;
            a.copy = p.copy;
            ctx.send(a);
        }
        for g in 0..self.parked.len() {
            if let Some(f) = self.parked[g][partition as usize].take() {
                self.answer(ctx, g, partition, f);
            }
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
    fn retain(&mut self, ctx: &mut Ctx, partition: u32) {
        if self.retention_age.is_none() && self.retention_count.is_none() {
            return;
        }
        let log = &mut self.partitions[partition as usize];
        log.retain(ctx.now, self.retention_age, self.retention_count, |r| {
            ctx.ledger.destroy(r.msg, Place::Queue, Cause::Expired);
        });
    }

    /// A fetch from a member of the topic's group `g` (`current`: the
    /// fetch is of the group's current generation, which is consuming):
    /// answers with up to `max` records from the group's cursor.
    pub fn on_fetch(&mut self, ctx: &mut Ctx, p: &Packet, g: usize, reset: OffsetResetKind, current: bool) {
        let partition = u32::from(p.delivery);
        if !current || partition as usize >= self.partitions.len() {
            stale(ctx, self.node, p);
            return;
        }
        self.cursors[g][partition as usize].position = (p.tag != u32::MAX).then_some(u64::from(p.tag));
        let reset = if reset == OffsetResetKind::Latest { OffsetReset::Latest } else { OffsetReset::Earliest };
        let until = ctx.now.saturating_add(self.fetch_wait[g]);
        let f = Parked { member: p.from, generation: p.copy, max: p.attempt, reset, until };
        self.answer(ctx, g, partition, f);
    }

    /// Answers fetch `f` of group `g` with the records from its cursor, or
    /// holds it until one is appended (or its wait is over).
    fn answer(&mut self, ctx: &mut Ctx, g: usize, partition: u32, f: Parked) {
        self.retain(ctx, partition);
        let log = &self.partitions[partition as usize];
        let cursor = &mut self.cursors[g][partition as usize];
        let skipped = cursor.skipped;
        let range = cursor.poll(log, f.reset, u64::from(f.max));
        let skipped = cursor.skipped - skipped;
        if skipped > 0 {
            let mut e = ctx.record(EventKind::Skip, self.node, NO_MSG);
            e.peer = f.member;
            e.delivery = partition as u16;
            e.tx = skipped as u32;
            ctx.emit_rare(e);
        }
        if range.is_empty() {
            // Nothing yet: hold the fetch — with a time limit while
            // anything else is going on (else nothing will ever come).
            self.parked[g][partition as usize] = Some(f);
            if ctx.busy() {
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

    /// The msg ids of partition `partition` from `offset`, `count` of them
    /// (those still kept).
    pub fn records(&self, partition: u32, offset: u64, count: u64) -> impl Iterator<Item = (u64, Record)> + '_ {
        let log = self.partitions.get(partition as usize);
        (offset..offset + count).filter_map(move |o| Some((o, *log?.get(o)?)))
    }
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
