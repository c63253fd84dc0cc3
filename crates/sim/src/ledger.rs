//! The outcome oracle: where every message is, and what effect it had.
//!
//! Each message is tracked as a number of **tokens** by place — held by its
//! producer (a backlog, a wait for a confirm, a backoff), copies on a link,
//! copies held by a queue (ready or awaiting ack), copies in a consumer's
//! hands — plus the effects applied. The ledger knows nothing of how the
//! nodes work (a producer's attempts and phases are its own): it is the
//! oracle the engine is checked against.
//! The engine moves tokens as it works; the totals by place are compared with
//! the queues, links and consumers themselves after every event in test builds
//! (see `Simulation::check_conservation`), so a message can never silently
//! vanish.

use serde::{Deserialize, Serialize};

use crate::sorted::SortedMap;
use crate::time::Time;
use crate::trace::{Cause, MsgId, NO_MSG, NodeId};

/// Where a token (one copy of a message) is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// Held by the producer that created it (at most one token).
    Producer,
    /// On a link.
    Link,
    /// Held by a queue, ready or awaiting its ack.
    Queue,
    /// In a consumer's hands (buffered or processing).
    Consumer,
}

/// Where a message stands, as shown in the conservation table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MsgStatus {
    /// Its effect has been applied (at least once).
    Done,
    /// A copy is being processed or waits in a consumer's buffer.
    Processing,
    /// A copy is held by a queue.
    Queued,
    /// A copy is on a link.
    InFlight,
    /// The producer still holds it (backlog, awaiting confirm, or backoff).
    AtProducer,
    /// Dead-lettered and never applied.
    DeadLettered,
    /// Refused or evicted by a full queue and never applied.
    Rejected,
    /// Gone: every copy lost, and nobody will send it again.
    Lost,
}

/// Everything known about one message.
///
/// A million-message run keeps a million of these, so a record is 40 bytes:
/// the key and the small facts (phase, flags, last loss) share one word, read
/// and written through the accessors. Token counts are 32-bit: a message
/// redelivered or duplicated tens of thousands of times must not wrap them.
#[derive(Clone, Debug)]
pub struct MsgRecord {
    /// When it was produced.
    pub produced_at: Time,
    /// Its position among messages with the same key (production order).
    pub key_seq: u32,
    /// Times its effect was applied.
    pub effects: u32,
    /// The producer instance that created it.
    pub producer: NodeId,
    /// Copy numbers handed out so far (the original is copy 0).
    pub copies: u16,
    /// Tokens on links.
    pub on_link: u32,
    /// Tokens held by queues.
    pub in_queue: u32,
    /// Tokens in consumers' hands.
    pub at_consumer: u32,
    packed: Packed,
}

/// A message's key and its small facts in one word: the key in the low
/// [`Packed::KEY_BITS`] bits, then poison, dead-lettered, rejected, held by
/// its producer (one bit each) and the last loss (five bits: 0 for none,
/// else the cause's index + 1).
#[derive(Clone, Copy, PartialEq, Eq)]
struct Packed(u32);

impl Packed {
    const KEY_BITS: u32 = 20;
    const KEY_MASK: u32 = (1 << Self::KEY_BITS) - 1;
    const POISON: u32 = 1 << 20;
    const DEAD_LETTERED: u32 = 1 << 21;
    const REJECTED: u32 = 1 << 22;
    const AT_PRODUCER: u32 = 1 << 23;
    const LOSS_SHIFT: u32 = 25;
    const LOSS_BITS: u32 = 5;

    fn set(&mut self, flag: u32) {
        self.0 |= flag;
    }

    fn clear(&mut self, flag: u32) {
        self.0 &= !flag;
    }

    fn has(self, flag: u32) -> bool {
        self.0 & flag != 0
    }

    fn field(self, shift: u32, bits: u32) -> u32 {
        (self.0 >> shift) & ((1 << bits) - 1)
    }

    fn set_field(&mut self, shift: u32, bits: u32, value: u32) {
        let mask = ((1 << bits) - 1) << shift;
        self.0 = (self.0 & !mask) | ((value << shift) & mask);
    }

    fn key(self) -> u32 {
        self.0 & Self::KEY_MASK
    }

    fn last_loss(self) -> Option<Cause> {
        let i = self.field(Self::LOSS_SHIFT, Self::LOSS_BITS) as usize;
        i.checked_sub(1).and_then(|i| Cause::ALL.get(i).copied())
    }
}

// Every valid key fits, and every cause (plus "none") fits in four bits.
const _: () = assert!(crate::scenario::limits::MAX_KEYS <= 1 << Packed::KEY_BITS);
const _: () = assert!(Cause::ALL.len() < 1 << Packed::LOSS_BITS);
const _: () = assert!(Packed::LOSS_SHIFT + Packed::LOSS_BITS <= 32);

impl std::fmt::Debug for Packed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Packed")
            .field("key", &self.key())
            .field("poison", &self.has(Self::POISON))
            .field("dead_lettered", &self.has(Self::DEAD_LETTERED))
            .field("rejected", &self.has(Self::REJECTED))
            .field("at_producer", &self.has(Self::AT_PRODUCER))
            .field("last_loss", &self.last_loss())
            .finish()
    }
}

impl MsgRecord {
    /// Its business key.
    pub fn key(&self) -> u32 {
        self.packed.key()
    }

    /// Whether every processing attempt fails.
    pub fn poison(&self) -> bool {
        self.packed.has(Packed::POISON)
    }

    /// Whether a copy was dead-lettered.
    pub fn dead_lettered(&self) -> bool {
        self.packed.has(Packed::DEAD_LETTERED)
    }

    /// Whether a copy was refused or evicted by a full queue.
    pub fn rejected(&self) -> bool {
        self.packed.has(Packed::REJECTED)
    }

    /// Whether its producer still holds it (backlog, a wait, a backoff).
    pub fn at_producer(&self) -> bool {
        self.packed.has(Packed::AT_PRODUCER)
    }

    /// Why its most recent token was destroyed, if one was.
    pub fn last_loss(&self) -> Option<Cause> {
        self.packed.last_loss()
    }

    /// Notes that a copy was dead-lettered.
    pub fn mark_dead_lettered(&mut self) {
        self.packed.set(Packed::DEAD_LETTERED);
    }

    /// Notes that a copy was refused or evicted by a full queue.
    pub fn mark_rejected(&mut self) {
        self.packed.set(Packed::REJECTED);
    }

    fn set_last_loss(&mut self, cause: Cause) {
        self.packed.set_field(Packed::LOSS_SHIFT, Packed::LOSS_BITS, cause as u32 + 1);
    }

    /// Tokens anywhere.
    pub fn tokens(&self) -> u32 {
        self.on_link.saturating_add(self.in_queue).saturating_add(self.at_consumer) + u32::from(self.at_producer())
    }

    /// Where the message stands, if it has one subscription (see
    /// [`Ledger::status`] for any message).
    pub fn status(&self) -> MsgStatus {
        self.status_when(self.effects > 0)
    }

    /// Where the message stands, `applied` if it took effect everywhere it should.
    fn status_when(&self, applied: bool) -> MsgStatus {
        if applied {
            MsgStatus::Done
        } else if self.at_consumer > 0 {
            MsgStatus::Processing
        } else if self.in_queue > 0 {
            MsgStatus::Queued
        } else if self.on_link > 0 {
            MsgStatus::InFlight
        } else if self.at_producer() {
            MsgStatus::AtProducer
        } else if self.dead_lettered() {
            MsgStatus::DeadLettered
        } else if self.rejected() {
            MsgStatus::Rejected
        } else {
            MsgStatus::Lost
        }
    }
}

/// How many messages stand where (sums to the number produced).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusCounts {
    /// Effect applied.
    pub done: u64,
    /// In a consumer's hands.
    pub processing: u64,
    /// Held by a queue.
    pub queued: u64,
    /// On a link.
    pub in_flight: u64,
    /// Still with the producer.
    pub at_producer: u64,
    /// Dead-lettered.
    pub dead_lettered: u64,
    /// Refused by a full queue.
    pub rejected: u64,
    /// Lost for good.
    pub lost: u64,
}

impl StatusCounts {
    /// All messages counted.
    pub fn total(&self) -> u64 {
        self.done
            + self.processing
            + self.queued
            + self.in_flight
            + self.at_producer
            + self.dead_lettered
            + self.rejected
            + self.lost
    }

    /// Messages still on their way (neither applied nor finished).
    pub fn unsettled(&self) -> u64 {
        self.processing + self.queued + self.in_flight + self.at_producer
    }
}

/// The message a producer made that `msg` descends from.
fn root_of(parent: &[MsgId], mut msg: MsgId) -> MsgId {
    while let Some(&p) = parent.get(msg as usize) {
        if p == NO_MSG {
            break;
        }
        msg = p;
    }
    msg
}

/// The stream `msg` belongs to: 0 for a producer's, `1 + g` for what
/// consumer group `g` published.
fn stream_of(g: &GraphBook, msg: MsgId) -> usize {
    g.stream.get(msg as usize).map_or(0, |&s| usize::from(s & !ECHO))
}

/// High bit of [`GraphBook::stream`]: the message is an echo — published on
/// account of a duplicate effect. The business expects none of it: every
/// effect of an echo is a duplicate, and it never counts as missing.
const ECHO: u16 = 1 << 15;

/// A first effect, checked against the latest applied of its key in its
/// (queue, stream) table: `First`, or `OutOfOrder` if a later one of the key
/// took effect before it.
#[inline(always)]
fn in_key_order(table: Option<&mut Vec<u32>>, key: u32, key_seq: u32) -> Cause {
    let Some(t) = table else { return Cause::First };
    let applied = &mut t[key as usize];
    if key_seq + 1 < *applied {
        Cause::OutOfOrder
    } else {
        *applied = key_seq + 1;
        Cause::First
    }
}

/// Counts an effect of `msg` (which has several subscriptions) in queue
/// `queue`; whether it is that pair's first.
fn pair_effect(g: &mut GraphBook, msg: MsgId, queue: usize) -> bool {
    let at = (g.sub[msg as usize] & !SUB_MANY) as usize;
    let n = g.subs[at] as usize;
    match (0..n).find(|i| g.subs[at + 1 + 2 * i] as usize == queue) {
        Some(i) => {
            let count = &mut g.subs[at + 2 + 2 * i];
            *count += 1;
            *count == 1
        }
        None => false,
    }
}

/// Room to reserve up front for `expected` per-message entries: all of them,
/// up to about a million (a bigger run grows its vectors as it goes).
pub(crate) fn per_message_capacity(expected: u64) -> usize {
    expected.min(1 << 20) as usize
}

/// Where a message is expected to take effect, in a graph (exchanges, or
/// services that publish): one queue, several, or none.
const SUB_NONE: u32 = u32::MAX;
/// High bit of [`GraphBook::sub`]: several subscriptions, the rest is an
/// offset into [`GraphBook::subs`].
const SUB_MANY: u32 = 1 << 31;
/// High bit of [`GraphBook::pending`]: the chain completed (its latency was
/// measured then; later duplicates do not measure it again).
const CHAIN_DONE: u32 = 1 << 31;

/// What a message graph needs beyond the records, kept only when the
/// scenario has exchanges or publishing services (a plain pipeline pays
/// nothing for it).
#[derive(Clone, Debug, Default)]
struct GraphBook {
    /// Each message's parent ([`NO_MSG`] for one a producer made).
    parent: Vec<MsgId>,
    /// Each message's subscriptions: a queue index, [`SUB_NONE`], or
    /// [`SUB_MANY`] | offset into `subs`.
    sub: Vec<u32>,
    /// Several subscriptions: `[n, queue, effects, queue, effects, …]`.
    subs: Vec<u32>,
    /// For each message a producer made: its chain's (message,
    /// subscription) pairs still without an effect.
    pending: Vec<u32>,
    /// Each message's stream: 0 for a producer's, `1 + g` for what
    /// consumer group `g` published (key order is checked per stream); with
    /// [`ECHO`] set for an echo.
    stream: Vec<u16>,
    /// Dual writes a crash cut after the commit: (consumed message,
    /// publishing group) whose event was never published, and the queues
    /// the event would have gone to.
    unpublished: SortedMap<(MsgId, u32), Vec<u32>>,
    /// Dual writes a crash cut after the publish: (consumed message,
    /// publishing group) whose event went out before the change committed.
    phantoms: SortedMap<(MsgId, u32), ()>,
}

/// Where a derived message comes from: the message whose effect published
/// it, the consumer group that applied that effect, and whether the effect
/// was a duplicate (the new message is then an echo).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Origin {
    /// The consumed message.
    pub parent: MsgId,
    /// The publishing group.
    pub group: usize,
    /// Published on account of a duplicate effect.
    pub echo: bool,
}

/// What an effect was: first in key order, a repeat, or first but out of
/// order — and whether it completed its chain (every message derived from
/// the same producer's message took effect everywhere it should).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Applied {
    /// First, duplicate or out of order.
    pub cause: Cause,
    /// The chain's root, if this effect completed it.
    pub completed: Option<MsgId>,
}

/// Per-message records plus running totals of tokens by place.
#[derive(Clone, Debug, Default)]
pub struct Ledger {
    msgs: Vec<MsgRecord>,
    /// Next sequence number per key, per stream (stream 0: the producers;
    /// `1 + g`: what consumer group `g` publishes).
    next_key_seq: Vec<Vec<u32>>,
    /// Highest key sequence applied per key (+1; 0 = none yet), per
    /// (queue, stream), made on first use.
    applied_key_seq: Vec<Option<Vec<u32>>>,
    /// Keys a message can have.
    keys: u32,
    /// Streams: 1 + consumer groups.
    streams: usize,
    /// Present when the scenario is a graph.
    graph: Option<GraphBook>,
    /// Messages made by services (derived from another).
    pub derived: u64,
    /// Messages made with no queue to go to (an exchange's bindings match
    /// none): they can never take effect.
    pub unroutable: u64,
    /// Total tokens on links.
    pub on_link: u64,
    /// Total tokens held by queues.
    pub in_queue: u64,
    /// Total tokens in consumers' hands.
    pub at_consumer: u64,
    /// Total messages held by their producers.
    pub at_producer: u64,
}

impl Ledger {
    /// A ledger for messages with keys below `keys`, read from `queues`
    /// queues, published by producers and `groups` consumer groups; `graph`
    /// when messages may fan out or be derived from others.
    pub fn new(keys: u32, expected_messages: u64, queues: usize, groups: usize, graph: bool) -> Self {
        let streams = 1 + groups;
        let mut next_key_seq = vec![Vec::new(); streams];
        next_key_seq[0] = vec![0; keys as usize];
        let mut applied_key_seq = vec![None; queues.max(1) * streams];
        if !graph {
            // Producers' messages only: each queue's table, made now so an
            // effect need not ask.
            for t in applied_key_seq.iter_mut().step_by(streams) {
                *t = Some(vec![0; keys as usize]);
            }
        }
        Ledger {
            msgs: Vec::with_capacity(per_message_capacity(expected_messages)),
            next_key_seq,
            applied_key_seq,
            keys,
            streams,
            graph: graph.then(GraphBook::default),
            ..Ledger::default()
        }
    }

    /// A plain ledger (one stream, one queue), for tests.
    #[cfg(test)]
    pub fn plain(keys: u32, expected_messages: u64) -> Self {
        Ledger::new(keys, expected_messages, 1, 0, false)
    }

    /// Records a new message, held by the producer that created it, and
    /// returns its id.
    #[inline]
    pub fn create(&mut self, producer: NodeId, key: u32, poison: bool, now: Time) -> MsgId {
        self.make(producer, key, poison, now, 0)
    }

    #[inline(always)]
    fn make(&mut self, producer: NodeId, key: u32, poison: bool, now: Time, stream: usize) -> MsgId {
        let keys = self.keys as usize;
        let seqs = &mut self.next_key_seq[stream];
        if seqs.is_empty() {
            seqs.resize(keys, 0);
        }
        let seq = &mut seqs[key as usize];
        let key_seq = *seq;
        *seq += 1;
        debug_assert!(key <= Packed::KEY_MASK, "key {key} beyond the validated limit");
        let mut packed = Packed(key & Packed::KEY_MASK);
        packed.set(Packed::AT_PRODUCER);
        if poison {
            packed.set(Packed::POISON);
        }
        self.at_producer += 1;
        self.msgs.push(MsgRecord {
            produced_at: now,
            key_seq,
            effects: 0,
            producer,
            copies: 1,
            on_link: 0,
            in_queue: 0,
            at_consumer: 0,
            packed,
        });
        (self.msgs.len() - 1) as MsgId
    }

    /// In a graph: records a new message made by `producer` (a producer, or
    /// a service: consumer group `group` publishing on behalf of `parent`),
    /// expected to take effect once in each of `queues` (queue indices;
    /// none: it is unroutable and can only count as lost).
    pub fn create_in_graph(
        &mut self,
        producer: NodeId,
        key: u32,
        poison: bool,
        now: Time,
        origin: Option<Origin>,
        queues: &[u32],
    ) -> MsgId {
        let parent = origin.map(|o| (o.parent, o.group));
        let echo = origin.is_some_and(|o| o.echo);
        let stream = parent.map_or(0, |(_, g)| 1 + g);
        let msg = self.make(producer, key, poison, now, stream);
        let Some(g) = &mut self.graph else { return msg };
        g.stream.push(stream as u16 | if echo { ECHO } else { 0 });
        let sub = match queues {
            [] => {
                self.unroutable += 1;
                SUB_NONE
            }
            [q] => *q,
            many => {
                let at = g.subs.len() as u32;
                g.subs.push(many.len() as u32);
                for &q in many {
                    g.subs.extend([q, 0]);
                }
                SUB_MANY | at
            }
        };
        g.sub.push(sub);
        // Expected pairs: one per queue; an unroutable message still expects
        // one (it never takes effect: a loss).
        let pairs = queues.len().max(1) as u32;
        match parent {
            None => {
                g.parent.push(NO_MSG);
                g.pending.push(pairs);
            }
            Some((p, _)) => {
                // Its pairs were counted into the chain when its parent's
                // effect was applied (see `apply_effect`'s `children`); an
                // echo's never were.
                g.parent.push(p);
                g.pending.push(0);
                self.derived += 1;
            }
        }
        msg
    }

    /// The message `msg` was derived from (published by a service on its
    /// account), if any.
    pub fn parent(&self, msg: MsgId) -> Option<MsgId> {
        self.graph.as_ref().and_then(|g| g.parent.get(msg as usize).copied()).filter(|&p| p != NO_MSG)
    }

    /// The message a producer made that `msg` descends from (itself if it has no parent).
    pub fn root(&self, msg: MsgId) -> MsgId {
        self.graph.as_ref().map_or(msg, |g| root_of(&g.parent, msg))
    }

    /// The (message, queue) pairs `msg` is expected to take effect in: how
    /// many, and how many it has.
    pub fn pairs(&self, msg: MsgId) -> (u32, u32) {
        let r = &self.msgs[msg as usize];
        let Some(g) = &self.graph else { return (1, u32::from(r.effects > 0)) };
        if g.stream[msg as usize] & ECHO != 0 {
            return (0, 0);
        }
        match g.sub[msg as usize] {
            SUB_NONE => (1, 0),
            s if s & SUB_MANY != 0 => {
                let at = (s & !SUB_MANY) as usize;
                let n = g.subs[at] as usize;
                let done = (0..n).filter(|i| g.subs[at + 2 + 2 * i] > 0).count() as u32;
                (n as u32, done)
            }
            _ => (1, u32::from(r.effects > 0)),
        }
    }

    /// Notes that `msg` reached an exchange that routes it nowhere.
    pub fn mark_unroutable(&mut self, msg: MsgId) {
        self.msgs[msg as usize].set_last_loss(Cause::Unroutable);
    }

    /// The record of `msg`.
    pub fn get(&self, msg: MsgId) -> &MsgRecord {
        &self.msgs[msg as usize]
    }

    /// The record of `msg`, to mark it (dead-lettered, rejected).
    pub fn get_mut(&mut self, msg: MsgId) -> &mut MsgRecord {
        &mut self.msgs[msg as usize]
    }

    /// All records, indexed by [`MsgId`].
    pub fn records(&self) -> &[MsgRecord] {
        &self.msgs
    }

    /// Bytes held: the records, the per-key sequence numbers, and in a
    /// graph each message's parent and subscriptions.
    pub fn heap_bytes(&self) -> u64 {
        use crate::memory::vec_bytes;
        let tables = |v: &[Vec<u32>]| v.iter().map(|t| vec_bytes::<u32>(t.capacity())).sum::<u64>();
        let applied = self.applied_key_seq.iter().flatten().map(|t| vec_bytes::<u32>(t.capacity())).sum::<u64>();
        let graph = self.graph.as_ref().map_or(0, |g| {
            vec_bytes::<u32>(g.parent.capacity() + g.sub.capacity() + g.subs.capacity() + g.pending.capacity())
                + vec_bytes::<u16>(g.stream.capacity())
        });
        vec_bytes::<MsgRecord>(self.msgs.capacity()) + tables(&self.next_key_seq) + applied + graph
    }

    /// Number of messages produced.
    pub fn len(&self) -> usize {
        self.msgs.len()
    }

    /// Whether no message has been produced yet.
    pub fn is_empty(&self) -> bool {
        self.msgs.is_empty()
    }

    /// A new copy number for `msg`.
    pub fn next_copy(&mut self, msg: MsgId) -> u16 {
        let r = &mut self.msgs[msg as usize];
        let c = r.copies;
        r.copies = r.copies.saturating_add(1);
        c
    }

    fn slot(&mut self, msg: MsgId, place: Place) -> (&mut u32, &mut u64) {
        let r = &mut self.msgs[msg as usize];
        match place {
            Place::Link => (&mut r.on_link, &mut self.on_link),
            Place::Queue => (&mut r.in_queue, &mut self.in_queue),
            Place::Consumer => (&mut r.at_consumer, &mut self.at_consumer),
            Place::Producer => unreachable!("the producer's token is a flag"),
        }
    }

    /// A new token of `msg` appears at `place`.
    #[inline]
    pub fn add(&mut self, msg: MsgId, place: Place) {
        if place == Place::Producer {
            let r = &mut self.msgs[msg as usize];
            debug_assert!(!r.at_producer(), "message {msg} is already at its producer");
            r.packed.set(Packed::AT_PRODUCER);
            self.at_producer += 1;
            return;
        }
        let (one, all) = self.slot(msg, place);
        *one += 1;
        *all += 1;
    }

    /// A token of `msg` leaves `place` (consumed, acked, or destroyed).
    #[inline]
    pub fn remove(&mut self, msg: MsgId, place: Place) {
        if place == Place::Producer {
            let r = &mut self.msgs[msg as usize];
            debug_assert!(r.at_producer(), "message {msg} is not at its producer");
            r.packed.clear(Packed::AT_PRODUCER);
            self.at_producer = self.at_producer.saturating_sub(1);
            return;
        }
        let (one, all) = self.slot(msg, place);
        debug_assert!(*one > 0 && *all > 0, "message {msg} has no token at {place:?}");
        *one = one.saturating_sub(1);
        *all = all.saturating_sub(1);
    }

    /// A token of `msg` moves from one place to another.
    #[cfg(test)]
    pub fn transfer(&mut self, msg: MsgId, from: Place, to: Place) {
        self.remove(msg, from);
        self.add(msg, to);
    }

    /// A token of `msg` at `place` is destroyed for `cause`.
    pub fn destroy(&mut self, msg: MsgId, place: Place, cause: Cause) {
        self.remove(msg, place);
        self.msgs[msg as usize].set_last_loss(cause);
    }

    /// Records that a token of `msg` (already removed) was lost for `cause`.
    pub fn note_loss(&mut self, msg: MsgId, cause: Cause) {
        self.msgs[msg as usize].set_last_loss(cause);
    }

    /// Applies the business effect of `msg` read from queue `queue` (its
    /// index); says whether this was the first application in key order for
    /// that queue, a duplicate, or first but out of order — and whether it
    /// completed its chain. `children`: the (message, queue) pairs of the
    /// message the service publishes for this effect (0 if it publishes
    /// nothing), counted into the chain now, before the message exists.
    #[inline(always)]
    pub fn apply_effect(&mut self, msg: MsgId, queue: usize, children: u32) -> Applied {
        if self.graph.is_none() {
            return self.apply_plain(msg, queue);
        }
        self.apply_in_graph(msg, queue, children)
    }

    /// No fan-out, no derived messages: the first effect counts, in key
    /// order per queue.
    #[inline(always)]
    fn apply_plain(&mut self, msg: MsgId, queue: usize) -> Applied {
        let r = &mut self.msgs[msg as usize];
        r.effects += 1;
        if r.effects != 1 {
            return Applied { cause: Cause::Duplicate, completed: None };
        }
        let (key, key_seq) = (r.key(), r.key_seq);
        let table = self.applied_key_seq.get_mut(queue * self.streams).and_then(Option::as_mut);
        Applied { cause: in_key_order(table, key, key_seq), completed: None }
    }

    #[inline(never)]
    fn apply_in_graph(&mut self, msg: MsgId, queue: usize, children: u32) -> Applied {
        let r = &mut self.msgs[msg as usize];
        r.effects += 1;
        let (key, key_seq) = (r.key(), r.key_seq);
        let first = match &mut self.graph {
            Some(g) if g.sub[msg as usize] != SUB_NONE && g.sub[msg as usize] & SUB_MANY != 0 => {
                pair_effect(g, msg, queue)
            }
            _ => r.effects == 1,
        };
        let echo = self.graph.as_ref().is_some_and(|g| g.stream[msg as usize] & ECHO != 0);
        if !first || echo {
            // What it publishes now is an echo: its chain expects nothing more.
            return Applied { cause: Cause::Duplicate, completed: None };
        }
        let stream = self.graph.as_ref().map_or(0, |g| stream_of(g, msg));
        let slot = queue * self.streams + stream;
        let keys = self.keys as usize;
        let table = self.applied_key_seq.get_mut(slot).map(|t| t.get_or_insert_with(|| vec![0; keys]));
        let cause = in_key_order(table, key, key_seq);
        let completed = self.graph.as_mut().and_then(|g| {
            let root = root_of(&g.parent, msg);
            let left = &mut g.pending[root as usize];
            if *left & CHAIN_DONE != 0 {
                return None; // completed once already: measured then
            }
            *left = (*left + children).saturating_sub(1);
            (*left == 0).then(|| {
                *left = CHAIN_DONE;
                root
            })
        });
        Applied { cause, completed }
    }

    /// `msg`'s aggregate (its stream and key) and its version in it: its
    /// place among the stream's messages with that key.
    pub fn version(&self, msg: MsgId) -> ((u16, u32), u32) {
        let r = &self.msgs[msg as usize];
        let stream = self.graph.as_ref().map_or(0, |g| stream_of(g, msg)) as u16;
        ((stream, r.key()), r.key_seq)
    }

    /// Whether `msg` has taken effect in subscription `queue` already.
    pub fn applied_in(&self, msg: MsgId, queue: usize) -> bool {
        let effects = self.msgs[msg as usize].effects;
        match &self.graph {
            Some(g) if g.sub[msg as usize] != SUB_NONE && g.sub[msg as usize] & SUB_MANY != 0 => {
                let at = (g.sub[msg as usize] & !SUB_MANY) as usize;
                let n = g.subs[at] as usize;
                (0..n).any(|i| g.subs[at + 1 + 2 * i] as usize == queue && g.subs[at + 2 + 2 * i] > 0)
            }
            _ => effects > 0,
        }
    }

    /// A service's dual write, commit first, was cut by a crash: group
    /// `group` committed the effect of `msg` and never published the event
    /// it would have sent to `queues`.
    #[cold]
    pub fn note_unpublished(&mut self, msg: MsgId, group: usize, queues: &[u32]) {
        if let Some(g) = &mut self.graph {
            g.unpublished.insert((msg, group as u32), queues.to_vec());
        }
    }

    /// Whether group `group`'s event about `msg` was lost in a dual write
    /// (and is now being published after all: it is no longer lost).
    #[cold]
    pub fn take_unpublished(&mut self, msg: MsgId, group: usize) -> bool {
        self.graph.as_mut().is_some_and(|g| g.unpublished.remove(&(msg, group as u32)).is_some())
    }

    /// A service's dual write, publish first, was cut by a crash: group
    /// `group` published the event about `msg`, expected in `children`
    /// pairs, and never committed the change. The pairs count into the
    /// chain now (the commit, when it comes, counts none).
    #[cold]
    pub fn note_phantom(&mut self, msg: MsgId, group: usize, children: u32) {
        let Some(g) = &mut self.graph else { return };
        if g.phantoms.insert((msg, group as u32), ()) {
            let root = root_of(&g.parent, msg);
            let left = &mut g.pending[root as usize];
            if *left & CHAIN_DONE == 0 {
                *left += children;
            }
        }
    }

    /// Whether group `group` published the event about `msg` before
    /// committing it (a phantom until now).
    pub fn is_phantom(&self, msg: MsgId, group: usize) -> bool {
        self.graph.as_ref().is_some_and(|g| !g.phantoms.is_empty() && g.phantoms.contains_key(&(msg, group as u32)))
    }

    /// The change behind a phantom event commits: it is a phantom no more.
    #[cold]
    pub fn take_phantom(&mut self, msg: MsgId, group: usize) -> bool {
        self.graph.as_mut().is_some_and(|g| g.phantoms.remove(&(msg, group as u32)).is_some())
    }

    /// Where `msg` stands: done once it took effect in every queue it was
    /// routed to.
    pub fn status(&self, msg: MsgId) -> MsgStatus {
        let (pairs, done) = self.pairs(msg);
        let r = &self.msgs[msg as usize];
        if pairs == 0 {
            return r.status_when(r.effects > 0); // an echo: done once applied
        }
        r.status_when(done == pairs && done > 0)
    }

    /// (Message, queue) pairs expected in all, and pairs never applied.
    pub fn pair_totals(&self) -> (u64, u64) {
        let mut expected = 0;
        let mut never = 0;
        for m in 0..self.msgs.len() as MsgId {
            let (n, done) = self.pairs(m);
            expected += u64::from(n);
            never += u64::from(n - done);
        }
        (expected, never)
    }

    /// Per queue (by index): the messages routed to it that never took
    /// effect there. Outside a graph a message's queue is its producer's
    /// target, which `queue_of` says.
    pub fn never_applied_by_queue(&self, queues: usize, queue_of: impl Fn(NodeId) -> Option<usize>) -> Vec<u64> {
        let mut out = vec![0u64; queues];
        let mut count = |q: usize| {
            if let Some(n) = out.get_mut(q) {
                *n += 1;
            }
        };
        for (m, r) in self.msgs.iter().enumerate() {
            match &self.graph {
                None => {
                    if r.effects == 0
                        && let Some(q) = queue_of(r.producer)
                    {
                        count(q);
                    }
                }
                Some(g) if g.stream[m] & ECHO != 0 => {}
                Some(g) => match g.sub[m] {
                    SUB_NONE => {}
                    s if s & SUB_MANY != 0 => {
                        let at = (s & !SUB_MANY) as usize;
                        for i in 0..g.subs[at] as usize {
                            if g.subs[at + 2 + 2 * i] == 0 {
                                count(g.subs[at + 1 + 2 * i] as usize);
                            }
                        }
                    }
                    q => {
                        if r.effects == 0 {
                            count(q as usize);
                        }
                    }
                },
            }
        }
        // Events a dual write lost never reach the queues they were for.
        for (_, queues) in self.graph.iter().flat_map(|g| g.unpublished.iter()) {
            for &q in queues {
                count(q as usize);
            }
        }
        out
    }

    /// Counts messages by status.
    pub fn status_counts(&self) -> StatusCounts {
        let mut c = StatusCounts::default();
        for m in 0..self.msgs.len() as MsgId {
            match self.status(m) {
                MsgStatus::Done => c.done += 1,
                MsgStatus::Processing => c.processing += 1,
                MsgStatus::Queued => c.queued += 1,
                MsgStatus::InFlight => c.in_flight += 1,
                MsgStatus::AtProducer => c.at_producer += 1,
                MsgStatus::DeadLettered => c.dead_lettered += 1,
                MsgStatus::Rejected => c.rejected += 1,
                MsgStatus::Lost => c.lost += 1,
            }
        }
        c
    }

    /// Checks each record is self-consistent; returns the first violation.
    pub fn check_records(&self) -> Result<(), String> {
        let (mut link, mut queue, mut consumer, mut producer) = (0u64, 0u64, 0u64, 0u64);
        for (id, r) in self.msgs.iter().enumerate() {
            link += u64::from(r.on_link);
            queue += u64::from(r.in_queue);
            consumer += u64::from(r.at_consumer);
            producer += u64::from(r.at_producer());
            if self.status(id as MsgId) == MsgStatus::Lost && r.last_loss().is_none() {
                return Err(format!("message {id} is gone but nothing recorded losing it"));
            }
        }
        if (link, queue, consumer, producer) != (self.on_link, self.in_queue, self.at_consumer, self.at_producer) {
            return Err(format!(
                "token totals drifted: records say link {link}, queue {queue}, consumer {consumer}, producer \
                 {producer}; running totals say {}, {}, {}, {}",
                self.on_link, self.in_queue, self.at_consumer, self.at_producer
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_move_and_status_follows() {
        let mut l = Ledger::plain(1, 1);
        let m = l.create(0, 0, false, 0);
        assert_eq!(l.get(m).status(), MsgStatus::AtProducer);
        l.add(m, Place::Link);
        l.remove(m, Place::Producer);
        assert_eq!(l.get(m).status(), MsgStatus::InFlight);
        l.transfer(m, Place::Link, Place::Queue);
        assert_eq!(l.get(m).status(), MsgStatus::Queued);
        l.destroy(m, Place::Queue, Cause::Loss);
        assert_eq!(l.get(m).status(), MsgStatus::Lost);
        assert_eq!(l.check_records(), Ok(()));
        assert_eq!(l.status_counts().lost, 1);
    }

    #[test]
    fn a_record_stays_small() {
        // A million-message run keeps a million of these (40 MB).
        assert_eq!(std::mem::size_of::<MsgRecord>(), 40);
    }

    #[test]
    fn packed_facts_are_independent() {
        let mut l = Ledger::plain(1 << 20, 1);
        let key = (1 << 20) - 1;
        let m = l.create(3, key, true, 7);
        let r = l.get_mut(m);
        assert_eq!((r.key(), r.poison(), r.at_producer(), r.last_loss()), (key, true, true, None));
        for &cause in Cause::ALL {
            r.set_last_loss(cause);
            assert_eq!(r.last_loss(), Some(cause));
        }
        r.mark_rejected();
        assert!(r.rejected() && !r.dead_lettered());
        r.mark_dead_lettered();
        l.remove(m, Place::Producer);
        let r = l.get(m);
        assert!(r.rejected() && r.dead_lettered() && r.poison() && !r.at_producer());
        assert_eq!((r.key(), r.last_loss()), (key, Cause::ALL.last().copied()));
    }

    #[test]
    fn effects_classify_duplicates_and_order() {
        let mut l = Ledger::plain(1, 3);
        let a = l.create(0, 0, false, 0);
        let b = l.create(0, 0, false, 0);
        assert_eq!(l.apply_effect(b, 0, 0).cause, Cause::First);
        assert_eq!(l.apply_effect(a, 0, 0).cause, Cause::OutOfOrder);
        assert_eq!(l.apply_effect(a, 0, 0).cause, Cause::Duplicate);
        assert_eq!(l.get(a).effects, 2);
    }

    /// In a graph a message counts once per queue it was routed to: once in
    /// each of three is correct, not a duplicate; its chain completes when
    /// every message derived from it took effect everywhere.
    #[test]
    fn effects_count_per_subscription_and_chains_complete() {
        let mut l = Ledger::new(2, 4, 3, 2, true);
        let root = l.create_in_graph(0, 1, false, 0, None, &[0, 1]);
        assert_eq!(l.pairs(root), (2, 0));
        // Group 0 publishes on its account: one more pair to wait for.
        assert_eq!(l.apply_effect(root, 0, 1), Applied { cause: Cause::First, completed: None });
        let child = l.create_in_graph(5, 1, false, 10, Some(Origin { parent: root, group: 0, echo: false }), &[2]);
        assert_eq!((l.parent(child), l.root(child)), (Some(root), root));
        assert_eq!(l.apply_effect(root, 1, 0), Applied { cause: Cause::First, completed: None }, "not a duplicate");
        assert_eq!(l.apply_effect(root, 1, 0).cause, Cause::Duplicate, "twice in the same queue is");
        assert_eq!(l.apply_effect(child, 2, 0).completed, Some(root), "the last pair completes the chain");
        assert_eq!(l.apply_effect(child, 2, 0).completed, None, "once");
        assert_eq!(l.status(root), MsgStatus::Done);
        assert_eq!(l.pair_totals(), (3, 0));
        assert_eq!(l.derived, 1);
        // Nowhere to go: one pair, never applied.
        let lost = l.create_in_graph(0, 0, false, 0, None, &[]);
        l.mark_unroutable(lost);
        l.remove(lost, Place::Producer);
        assert_eq!((l.pairs(lost), l.status(lost)), ((1, 0), MsgStatus::Lost));
        assert_eq!(l.check_records(), Ok(()));
    }
}
