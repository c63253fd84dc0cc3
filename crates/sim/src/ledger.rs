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

use crate::time::Time;
use crate::trace::{Cause, MsgId, NodeId};

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
/// its producer (one bit each) and the last loss (four bits: 0 for none,
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
        let i = self.field(Self::LOSS_SHIFT, 4) as usize;
        i.checked_sub(1).and_then(|i| Cause::ALL.get(i).copied())
    }
}

// Every valid key fits, and every cause (plus "none") fits in four bits.
const _: () = assert!(crate::scenario::limits::MAX_KEYS <= 1 << Packed::KEY_BITS);
const _: () = assert!(Cause::ALL.len() < 16);

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
        self.packed.set_field(Packed::LOSS_SHIFT, 4, cause as u32 + 1);
    }

    /// Tokens anywhere.
    pub fn tokens(&self) -> u32 {
        self.on_link.saturating_add(self.in_queue).saturating_add(self.at_consumer) + u32::from(self.at_producer())
    }

    /// Where the message stands.
    pub fn status(&self) -> MsgStatus {
        if self.effects > 0 {
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

/// Room to reserve up front for `expected` per-message entries: all of them,
/// up to about a million (a bigger run grows its vectors as it goes).
pub(crate) fn per_message_capacity(expected: u64) -> usize {
    expected.min(1 << 20) as usize
}

/// Per-message records plus running totals of tokens by place.
#[derive(Clone, Debug, Default)]
pub struct Ledger {
    msgs: Vec<MsgRecord>,
    /// Next sequence number per key.
    next_key_seq: Vec<u32>,
    /// Highest key sequence applied per key (+1; 0 = none yet).
    applied_key_seq: Vec<u32>,
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
    /// A ledger for messages with keys below `keys`.
    pub fn new(keys: u32, expected_messages: u64) -> Self {
        Ledger {
            msgs: Vec::with_capacity(per_message_capacity(expected_messages)),
            next_key_seq: vec![0; keys as usize],
            applied_key_seq: vec![0; keys as usize],
            ..Ledger::default()
        }
    }

    /// Records a new message, held by the producer that created it, and
    /// returns its id.
    pub fn create(&mut self, producer: NodeId, key: u32, poison: bool, now: Time) -> MsgId {
        let seq = &mut self.next_key_seq[key as usize];
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

    /// Bytes held: the records and the per-key sequence numbers.
    pub fn heap_bytes(&self) -> u64 {
        crate::memory::vec_bytes::<MsgRecord>(self.msgs.capacity())
            + crate::memory::vec_bytes::<u32>(self.next_key_seq.capacity() + self.applied_key_seq.capacity())
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

    /// Applies the business effect of `msg`; says whether this was the first
    /// application in key order, a duplicate, or first but out of order.
    pub fn apply_effect(&mut self, msg: MsgId) -> Cause {
        let r = &mut self.msgs[msg as usize];
        r.effects += 1;
        if r.effects > 1 {
            return Cause::Duplicate;
        }
        let applied = &mut self.applied_key_seq[r.key() as usize];
        if r.key_seq + 1 < *applied {
            Cause::OutOfOrder
        } else {
            *applied = r.key_seq + 1;
            Cause::First
        }
    }

    /// Counts messages by status.
    pub fn status_counts(&self) -> StatusCounts {
        let mut c = StatusCounts::default();
        for r in &self.msgs {
            match r.status() {
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
            if r.status() == MsgStatus::Lost && r.last_loss().is_none() {
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
        let mut l = Ledger::new(1, 1);
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
        let mut l = Ledger::new(1 << 20, 1);
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
        let mut l = Ledger::new(1, 3);
        let a = l.create(0, 0, false, 0);
        let b = l.create(0, 0, false, 0);
        assert_eq!(l.apply_effect(b), Cause::First);
        assert_eq!(l.apply_effect(a), Cause::OutOfOrder);
        assert_eq!(l.apply_effect(a), Cause::Duplicate);
        assert_eq!(l.get(a).effects, 2);
    }
}
