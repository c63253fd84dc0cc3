//! What the engine schedules: packets arriving, timers firing, nodes crashing.

use crate::trace::{Cause, MsgId, NodeId, PacketKind};

/// One packet on a link.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Packet {
    /// What it is.
    pub kind: PacketKind,
    /// The node that sent it.
    pub from: NodeId,
    /// The node it is for.
    pub to: NodeId,
    /// The message it carries or is about.
    pub msg: MsgId,
    /// Producer attempt number.
    pub attempt: u16,
    /// Copy number of the message copy it carries or answers.
    pub copy: u16,
    /// Queue delivery count (deliveries and their acks).
    pub delivery: u16,
    /// Queue delivery tag (deliveries and their acks).
    pub tag: u32,
    /// Transmission id.
    pub tx: u32,
    /// Publish: the producer waits for a confirm or reject.
    pub confirm: bool,
}

impl Packet {
    /// A packet of `kind` about `msg`, other fields zero.
    pub fn new(kind: PacketKind, from: NodeId, to: NodeId, msg: MsgId) -> Self {
        Packet { kind, from, to, msg, attempt: 0, copy: 0, delivery: 0, tag: 0, tx: 0, confirm: false }
    }
}

/// A scheduled event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// Producer `0` creates its next message(s).
    Produce(u16),
    /// A packet reaches its receiver.
    Arrive(Packet),
    /// A packet vanishes on its link.
    Lost(Packet, Cause),
    /// A producer's earliest pending confirm timeout is due.
    ProducerTimer(u16),
    /// A producer's backoff ends: send the next attempt.
    RetryDue {
        /// Producer index.
        producer: u16,
        /// The message.
        msg: MsgId,
    },
    /// A consumer finishes processing the job in `slot` (ignored if the
    /// consumer crashed since: `epoch` no longer matches).
    ProcessDone {
        /// Consumer index.
        consumer: u16,
        /// Crash epoch when processing started.
        epoch: u32,
        /// Processing slot.
        slot: u32,
    },
    /// A queue's earliest pending ack timeout is due.
    QueueTimer(u16),
    /// Entry `entry` of crash plan `group` is due (a consumer group's own
    /// schedule, or the scenario's crashes of one node; the
    /// next entry is scheduled when this one runs: a long schedule is never
    /// all in the scheduler at once).
    PlannedCrash {
        /// Consumer group index.
        group: u16,
        /// Entry in the group's plan, in time order.
        entry: u32,
        /// A repeat of a repeating entry (the next entry was scheduled by
        /// its first occurrence).
        again: bool,
    },
    /// A consumer restarts (if still in crash `epoch`).
    Restart {
        /// Consumer index.
        consumer: u16,
        /// Crash epoch this restart ends.
        epoch: u32,
    },
    /// A producer, an exchange or a queue's broker comes back (if still in
    /// crash `epoch`).
    NodeRestart {
        /// The node.
        node: NodeId,
        /// Crash epoch this restart ends.
        epoch: u32,
    },
    /// A queue learns that a consumer's connection dropped.
    Disconnect {
        /// Queue index.
        queue: u16,
        /// The consumer node.
        consumer: NodeId,
    },
    /// A queue learns that a consumer is back.
    Connect {
        /// Queue index.
        queue: u16,
        /// The consumer node.
        consumer: NodeId,
    },
    /// A round of copying partition `partition` of topic `topic` up to
    /// offset `upto` reaches the followers.
    Replicate {
        /// Topic index.
        topic: u16,
        /// The partition.
        partition: u16,
        /// The leader's log end when the round began.
        upto: u32,
    },
    /// Broker `broker` of topic `topic`'s cluster restarts (if still in
    /// crash `epoch`).
    BrokerRestart {
        /// Topic index.
        topic: u16,
        /// The broker.
        broker: u16,
        /// Its crash epoch this restart ends.
        epoch: u32,
    },
    /// A group on a topic starts reading (its `start_ms`).
    LogStart {
        /// The group's place among groups reading topics.
        group: u16,
    },
    /// A group's rebalance to `generation` is over: members get their partitions.
    Rebalanced {
        /// The group's place among groups reading topics.
        group: u16,
        /// The generation it rebalanced to.
        generation: u32,
    },
    /// The wait of a group's fetch held by a topic is over. An idle event:
    /// alone it does not keep a run going.
    FetchExpired {
        /// Topic index.
        topic: u16,
        /// The group's place among the topic's groups.
        group: u16,
        /// The partition.
        partition: u16,
    },
    /// A member's fetch on its owned partition `slot` went unanswered (stale
    /// unless `seq` matches). An idle event: alone it does not keep a run
    /// going.
    MemberPoll {
        /// Member index.
        member: u16,
        /// Its owned partition's slot.
        slot: u16,
        /// The fetch sequence number it belongs to.
        seq: u32,
    },
    /// A member finishes processing its current record (if still in `epoch`).
    MemberDone {
        /// Member index.
        member: u16,
        /// Crash epoch when processing started.
        epoch: u32,
    },
    /// A member restarts (if still in crash `epoch`).
    MemberRestart {
        /// Member index.
        member: u16,
        /// Crash epoch this restart ends.
        epoch: u32,
    },
    /// A member's group learns it has gone (its session timed out after a
    /// crash), unless it is back from crash `epoch` by then.
    MemberLeft {
        /// Member index.
        member: u16,
        /// The crash.
        epoch: u32,
    },
    /// A request that waited for its busy broker is taken (see `service.rs`):
    /// handled as its arrival.
    Served(Packet),
    /// A producer's batch has lingered long enough: send it (unless batch
    /// `seq` went already, full).
    Linger {
        /// Producer index.
        producer: u16,
        /// The batch.
        seq: u32,
    },
    /// A service's outbox relay polls (if its publisher is still in crash
    /// `epoch`).
    RelayPoll {
        /// Producer index (the service's publisher).
        producer: u16,
        /// Crash epoch when it was scheduled.
        epoch: u32,
    },
    /// The saga of the order a saga orchestrator's instance holds in `slot`
    /// has ended: the job finishes as any consumer's does (if the instance
    /// is still in crash `epoch`).
    SagaEnded {
        /// Consumer index.
        consumer: u16,
        /// Crash epoch when processing started.
        epoch: u32,
        /// Processing slot.
        slot: u32,
    },
    /// A saga orchestrator's wait for an answer about `msg` ran out (stale
    /// unless `seq` is its latest request).
    SagaTimeout {
        /// The order.
        msg: MsgId,
        /// The request it waited for.
        seq: u32,
    },
    /// A saga service has handled a request (it serves one at a time).
    StepServed(Packet),
    /// A group on a topic rebuilds its projection (`log.rebuild_at_ms`).
    Rebuild {
        /// The group's place among groups reading topics.
        group: u16,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pending_events_stay_small() {
        // The event and its list link in the slab, plus a 16-byte heap key when
        // it is far off: inside the 64-byte budget.
        assert!(std::mem::size_of::<Event>() <= 32, "{}", std::mem::size_of::<Event>());
        assert!(crate::scheduler::Scheduler::<Event>::entry_size() <= 64);
    }
}
