//! The outcome oracle: where every message is, and what effect it had.
//!
//! Each message is tracked as a number of **tokens** by place — copies on a
//! link, copies held by a queue (ready or awaiting ack), copies in a consumer's
//! hands — plus what the producer is doing with it and the effects applied.
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
    /// On a link.
    Link,
    /// Held by a queue, ready or awaiting its ack.
    Queue,
    /// In a consumer's hands (buffered or processing).
    Consumer,
}

/// What the producer is doing with a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProducerPhase {
    /// Waiting in the producer for an in-flight slot.
    Backlog,
    /// Sent; waiting for a confirm or reply.
    AwaitConfirm,
    /// Waiting out a backoff before the next attempt.
    Backoff,
    /// Nothing more to do: confirmed, gave up, or fire-and-forget.
    Done,
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
#[derive(Clone, Debug)]
pub struct MsgRecord {
    /// The producer instance that created it.
    pub producer: NodeId,
    /// Its business key.
    pub key: u32,
    /// Its position among messages with the same key (production order).
    pub key_seq: u32,
    /// When it was produced.
    pub produced_at: Time,
    /// Whether every processing attempt fails.
    pub poison: bool,
    /// The producer's latest attempt number.
    pub attempts: u16,
    /// What the producer is doing with it.
    pub phase: ProducerPhase,
    /// Copy numbers handed out so far (the original is copy 0).
    pub copies: u16,
    /// Tokens on links.
    pub on_link: u16,
    /// Tokens held by queues.
    pub in_queue: u16,
    /// Tokens in consumers' hands.
    pub at_consumer: u16,
    /// Times its effect was applied.
    pub effects: u32,
    /// Whether a copy was dead-lettered.
    pub dead_lettered: bool,
    /// Whether a copy was refused or evicted by a full queue.
    pub rejected: bool,
    /// Why its most recent token was destroyed, if one was.
    pub last_loss: Option<Cause>,
}

impl MsgRecord {
    /// Tokens anywhere.
    pub fn tokens(&self) -> u32 {
        u32::from(self.on_link) + u32::from(self.in_queue) + u32::from(self.at_consumer)
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
        } else if self.phase != ProducerPhase::Done {
            MsgStatus::AtProducer
        } else if self.dead_lettered {
            MsgStatus::DeadLettered
        } else if self.rejected {
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

    /// Records a new message and returns its id.
    pub fn create(&mut self, producer: NodeId, key: u32, poison: bool, now: Time) -> MsgId {
        let seq = &mut self.next_key_seq[key as usize];
        let key_seq = *seq;
        *seq += 1;
        self.msgs.push(MsgRecord {
            producer,
            key,
            key_seq,
            produced_at: now,
            poison,
            attempts: 0,
            phase: ProducerPhase::Backlog,
            copies: 1,
            on_link: 0,
            in_queue: 0,
            at_consumer: 0,
            effects: 0,
            dead_lettered: false,
            rejected: false,
            last_loss: None,
        });
        (self.msgs.len() - 1) as MsgId
    }

    /// The record of `msg`.
    pub fn get(&self, msg: MsgId) -> &MsgRecord {
        &self.msgs[msg as usize]
    }

    /// The record of `msg`, for changing producer-side fields.
    pub fn get_mut(&mut self, msg: MsgId) -> &mut MsgRecord {
        &mut self.msgs[msg as usize]
    }

    /// All records, indexed by [`MsgId`].
    pub fn records(&self) -> &[MsgRecord] {
        &self.msgs
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

    fn slot(&mut self, msg: MsgId, place: Place) -> (&mut u16, &mut u64) {
        let r = &mut self.msgs[msg as usize];
        match place {
            Place::Link => (&mut r.on_link, &mut self.on_link),
            Place::Queue => (&mut r.in_queue, &mut self.in_queue),
            Place::Consumer => (&mut r.at_consumer, &mut self.at_consumer),
        }
    }

    /// A new token of `msg` appears at `place`.
    pub fn add(&mut self, msg: MsgId, place: Place) {
        let (one, all) = self.slot(msg, place);
        *one += 1;
        *all += 1;
    }

    /// A token of `msg` leaves `place` (consumed, acked, or destroyed).
    pub fn remove(&mut self, msg: MsgId, place: Place) {
        let (one, all) = self.slot(msg, place);
        debug_assert!(*one > 0 && *all > 0, "message {msg} has no token at {place:?}");
        *one = one.saturating_sub(1);
        *all = all.saturating_sub(1);
    }

    /// A token of `msg` moves from one place to another.
    pub fn transfer(&mut self, msg: MsgId, from: Place, to: Place) {
        self.remove(msg, from);
        self.add(msg, to);
    }

    /// A token of `msg` at `place` is destroyed for `cause`.
    pub fn destroy(&mut self, msg: MsgId, place: Place, cause: Cause) {
        self.remove(msg, place);
        self.msgs[msg as usize].last_loss = Some(cause);
    }

    /// Records that a token of `msg` (already removed) was lost for `cause`.
    pub fn note_loss(&mut self, msg: MsgId, cause: Cause) {
        self.msgs[msg as usize].last_loss = Some(cause);
    }

    /// Applies the business effect of `msg`; says whether this was the first
    /// application in key order, a duplicate, or first but out of order.
    pub fn apply_effect(&mut self, msg: MsgId) -> Cause {
        let r = &mut self.msgs[msg as usize];
        r.effects += 1;
        if r.effects > 1 {
            return Cause::Duplicate;
        }
        let applied = &mut self.applied_key_seq[r.key as usize];
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
        let (mut link, mut queue, mut consumer) = (0u64, 0u64, 0u64);
        for (id, r) in self.msgs.iter().enumerate() {
            link += u64::from(r.on_link);
            queue += u64::from(r.in_queue);
            consumer += u64::from(r.at_consumer);
            if r.status() == MsgStatus::Lost && r.last_loss.is_none() {
                return Err(format!("message {id} is gone but nothing recorded losing it"));
            }
        }
        if (link, queue, consumer) != (self.on_link, self.in_queue, self.at_consumer) {
            return Err(format!(
                "token totals drifted: records say link {link}, queue {queue}, consumer {consumer}; \
                 running totals say {}, {}, {}",
                self.on_link, self.in_queue, self.at_consumer
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
        l.get_mut(m).phase = ProducerPhase::Done;
        l.add(m, Place::Link);
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
        assert!(std::mem::size_of::<MsgRecord>() <= 40, "{}", std::mem::size_of::<MsgRecord>());
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
