//! The trace: one compact record per thing that happened.
//!
//! Every view of a run is derived from its trace: the animation, the sequence
//! diagram, the event log, the charts and the report counters (see
//! [`Metrics`](crate::Metrics), a fold over trace events). Records are fixed
//! size and `Copy`; node ids index [`Topology::nodes`](crate::Topology).

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::time::{self, Time};

/// Index of a node (producer instance, queue, or consumer instance).
pub type NodeId = u16;
/// Index of a business message, in production order.
pub type MsgId = u32;

/// "No node" in a record that has no peer.
pub const NO_NODE: NodeId = NodeId::MAX;
/// "No message" in a record not about a message (a crash, a restart).
pub const NO_MSG: MsgId = MsgId::MAX;

macro_rules! named_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident = $s:literal,)* }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        #[repr(u8)]
        pub enum $name { $($(#[$vm])* $v,)* }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$v,)*];
            /// The snake_case name used in JSON and CSV exports.
            pub const fn name(self) -> &'static str {
                match self { $($name::$v => $s,)* }
            }
        }
    };
}

named_enum! {
    /// What happened.
    EventKind {
        /// A producer created a message (`node` = producer).
        Produce = "produce",
        /// A packet left `node` for `peer`; `end` is when it arrives or is lost.
        Send = "send",
        /// The link made an extra copy of a packet (`tx` is the copy's, `end` its arrival or loss).
        Duplicate = "duplicate",
        /// A packet vanished on the link from `node` to `peer` (`cause`: loss or outage).
        Lost = "lost",
        /// A packet reached `node` from `peer`.
        Arrive = "arrive",
        /// The queue `node` stored a message.
        Enqueue = "enqueue",
        /// The full queue `node` refused a message.
        Reject = "reject",
        /// The full queue `node` discarded its oldest ready message to make room.
        Evict = "evict",
        /// An unacknowledged message went back to the ready queue (`cause` says why).
        Requeue = "requeue",
        /// The queue gave up on a message after its last allowed delivery.
        DeadLetter = "dead_letter",
        /// A consumer started processing; `end` is when it finishes.
        ProcessStart = "process_start",
        /// The business effect was applied (`cause`: first, duplicate, or out of order).
        Effect = "effect",
        /// The consumer skipped the effect: the message id was already processed.
        DedupHit = "dedup_hit",
        /// Processing failed (a poison message).
        ProcessFail = "process_fail",
        /// The producer learned the broker (or, in sync mode, the service) has the message.
        Confirm = "confirm",
        /// The producer learned its message was refused.
        Nack = "nack",
        /// A wait ran out: a confirm at a producer, an ack at a queue.
        Timeout = "timeout",
        /// The producer waits before its next attempt; `end` is the retry time.
        Backoff = "backoff",
        /// The producer stopped retrying after its last attempt.
        GiveUp = "give_up",
        /// A late or repeated ack, confirm or reply was ignored.
        Stale = "stale",
        /// A message in a consumer's hands was destroyed (`cause`: crash, or node down on arrival).
        Discard = "discard",
        /// A consumer crashed; `end` is when it restarts.
        Crash = "crash",
        /// A consumer came back up.
        Restart = "restart",
        /// The topic `node` appended a record: `delivery` is the partition,
        /// `tx` the offset.
        Append = "append",
        /// The topic `node` recorded a commit of member `peer`'s group:
        /// `delivery` is the partition, `tx` the offset committed (the next to read).
        Commit = "commit",
        /// A consumer group rebalances on account of member `node` (it
        /// crashed, came back or joined): the group reads nothing until
        /// `end`; `attempt` is the new generation.
        Rebalance = "rebalance",
        /// Records of partition `delivery` that member `peer`'s group will
        /// never read (gone before it got to them, or before its start at the
        /// latest offset): `tx` of them, at topic `node`. Cause `rebuilt`:
        /// records its rebuild's replay could not read again (the retention
        /// removed them first).
        Skip = "skip",
        /// The topic `node` dropped a retry of a record it already has (an
        /// idempotent producer's): `delivery` is its partition, `tx` its offset.
        Deduplicated = "deduplicated",
        /// Broker `delivery` of topic `node`'s cluster crashed; `end` is when
        /// it restarts.
        BrokerCrash = "broker_crash",
        /// Broker `delivery` of topic `node`'s cluster came back.
        BrokerRestart = "broker_restart",
        /// Partition `delivery` of topic `node` changed leader: broker
        /// `attempt` leads from `end` (`u16::MAX`: none can, until a broker
        /// comes back); `tx` acknowledged records were lost; `key` is the
        /// partition's log end now (the new leader's: what it lacks is gone).
        Failover = "failover",
        /// The high watermark of partition `delivery` of replicated topic
        /// `node` moved to `tx`: every in-sync copy holds the offsets below
        /// it, which groups may read and `acks=all` confirms. `key` has a
        /// bit per in-sync replica (replica `k` is on broker
        /// `(delivery + k) % brokers`; the first leads until a failover).
        HighWatermark = "high_watermark",
        /// A service (`node`) committed the effect of `msg` and crashed
        /// before publishing the event about it (a dual write, commit
        /// first): `delivery` (message, queue) pairs downstream will never
        /// hear of it, unless a redelivery of `msg` publishes it after all.
        EventLost = "event_lost",
        /// A service (`node`) published the event about `msg` and crashed
        /// before committing its effect (a dual write, publish first): until
        /// a redelivery commits it, downstream acts on a change that never
        /// happened.
        Phantom = "phantom",
        /// A group applying in version order held `msg`: an earlier version
        /// of its key has not taken effect yet (`tx` versions are missing
        /// before it). Its effect comes when the gap fills (an `effect`
        /// record whose `peer` is its own `node`).
        Held = "held",
        /// Saga service `node` handled a request for step `delivery` of the
        /// saga of order `msg` from its orchestrator `peer`: `cause` first
        /// (the step is done), failed (a business failure: nothing
        /// changed), duplicate (a repeat, answered from its record) or
        /// cancelled (compensated before it came: refused).
        SagaStep = "saga_step",
        /// Saga service `node` handled a compensation of step `delivery` of
        /// the saga of `msg`: `cause` first (undone now), cancelled (the step
        /// had not come: a tombstone refuses it) or duplicate (nothing to undo).
        SagaUndo = "saga_undo",
        /// The orchestrator `node` ended the saga of `msg`: `cause`
        /// completed (every step done) or compensated (none in force).
        SagaEnd = "saga_end",
        /// Participant `node` of a two-phase commit handled a prepare for
        /// the transaction of order `msg` from its coordinator `peer`:
        /// `cause` first (prepared: it holds the lock on the order's key and
        /// votes to commit), failed (a business failure: votes to abort),
        /// locked (another transaction holds the key: votes to abort),
        /// cancelled (the abort came first) or duplicate (a repeat).
        TxPrepare = "tx_prepare",
        /// Participant `node` applied the decision `packet` (commit or
        /// abort) about the transaction of `msg`, releasing its lock:
        /// `cause` first, duplicate (a repeat) or cancelled (an abort before
        /// any prepare: a later prepare is refused).
        TxDecide = "tx_decide",
        /// Event-store writer `node` finished command `msg` and its append
        /// was refused: `tx` events had been appended to the command's
        /// aggregate since it read the version (optimistic concurrency). It
        /// handles the command again from the new version, until `end`.
        VersionConflict = "version_conflict",
        /// Event-store writer `node` appended the event of command `msg`
        /// blind, decided on a version `tx` events old: an update lost (the
        /// `effect` record follows).
        LostUpdate = "lost_update",
        /// The group of member `node` rebuilds its projection: it dropped
        /// what it applied of partition `delivery` of topic `peer` from
        /// offset `tx` on (its latest snapshot, or the start) and reads it
        /// again from there; `key` records in that range were gone
        /// (retention removed them): the rebuilt state lacks them.
        Rebuild = "rebuild",
        /// Member `node` applied `msg` (partition `delivery`, offset `tx`)
        /// again while its group rebuilds its projection: a replay, not a
        /// duplicate (nothing is published again).
        Replay = "replay",
        /// Member `node` snapshotted its group's projection of partition
        /// `delivery`: a rebuild starts at offset `tx`.
        Snapshot = "snapshot",
    }
}

named_enum! {
    /// What travelled on a link.
    PacketKind {
        /// Not a packet event.
        None = "",
        /// Producer → queue: a message.
        Publish = "publish",
        /// Queue → producer: the message is stored.
        Confirm = "confirm",
        /// Queue → producer: the queue is full, message refused.
        Reject = "reject",
        /// Queue → consumer: a message to process.
        Deliver = "deliver",
        /// Consumer → queue: done, forget it.
        Ack = "ack",
        /// Consumer → queue: failed, redeliver it.
        Nack = "nack",
        /// Producer → consumer (sync mode): a blocking call.
        Request = "request",
        /// Consumer → producer (sync mode): the call succeeded.
        Reply = "reply",
        /// Consumer → producer (sync mode): the call failed.
        Fault = "fault",
        /// Member → topic: records of partition `delivery` from offset `tag`
        /// (`u32::MAX`: from the group's committed offset or its reset policy).
        Fetch = "fetch",
        /// Topic → member: `attempt` records of partition `delivery` from
        /// offset `tag` (`msg` is the first, if any).
        Records = "records",
        /// Member → topic: commit offset `tag` of partition `delivery`
        /// (`confirm`: it waits for the answer before processing).
        CommitOffset = "commit_offset",
        /// Topic → member: the commit of offset `tag` of partition
        /// `delivery` was recorded (`confirm` true) or refused (false: the
        /// group has rebalanced since).
        CommitAck = "commit_ack",
        /// Orchestrator → saga service: do step `delivery` of the saga of `msg`
        /// (in a choreography, the service of the step before sends it).
        Step = "step",
        /// Orchestrator → saga service: undo step `delivery` (in a
        /// choreography, the service of the step after sends it).
        Compensate = "compensate",
        /// Saga service → orchestrator: the step is done (in a choreography,
        /// the last service → the group: the saga completed).
        StepDone = "step_done",
        /// Saga service → orchestrator: the step failed (nothing changed).
        StepFailed = "step_failed",
        /// Saga service → orchestrator: the step is undone (or never will be;
        /// in a choreography, the first service → the group: the saga is
        /// compensated).
        Undone = "undone",
        /// Coordinator → participant: prepare participant `delivery`'s part
        /// of the transaction of `msg` and vote.
        Prepare = "prepare",
        /// Participant → coordinator: prepared, ready to commit.
        VoteCommit = "vote_commit",
        /// Participant → coordinator: cannot commit.
        VoteAbort = "vote_abort",
        /// Coordinator → participant: the decision is commit.
        Commit = "commit",
        /// Coordinator → participant: the decision is abort.
        Abort = "abort",
        /// Participant → coordinator: the decision is applied.
        Decided = "decided",
        /// Choreography: the receiver of a step, a compensation or a saga's
        /// outcome → its sender: handled, stop sending it.
        Received = "received",
    }
}

impl PacketKind {
    /// Whether the packet carries a business message (as opposed to an ack,
    /// confirm or reply about one).
    pub const fn carries_message(self) -> bool {
        matches!(self, PacketKind::Publish | PacketKind::Deliver | PacketKind::Request)
    }

    /// Whether it is a saga service's (or a two-phase commit participant's)
    /// answer to its orchestrator.
    pub const fn is_saga_answer(self) -> bool {
        matches!(
            self,
            PacketKind::StepDone
                | PacketKind::StepFailed
                | PacketKind::Undone
                | PacketKind::VoteCommit
                | PacketKind::VoteAbort
                | PacketKind::Decided
                | PacketKind::Received
        )
    }
}

named_enum! {
    /// Why it happened, where an event kind has several reasons.
    Cause {
        /// No particular reason.
        None = "",
        /// Random loss on the link.
        Loss = "loss",
        /// The link was in an outage window (a partition).
        Outage = "outage",
        /// The receiving node was down.
        NodeDown = "node_down",
        /// The consumer crashed with the message in hand.
        Crash = "crash",
        /// The ack did not arrive in time.
        AckTimeout = "ack_timeout",
        /// The consumer reported failure.
        Nack = "nack",
        /// The consumer disconnected (crashed) with the message unacknowledged.
        Disconnect = "disconnect",
        /// First application of a message's effect, in key order.
        First = "first",
        /// A second (or later) application: the outcome is now wrong.
        Duplicate = "duplicate",
        /// First application, but a later message with the same key was applied before it.
        OutOfOrder = "out_of_order",
        /// A poison message failed and nobody will retry it (auto-ack).
        Failed = "failed",
        /// The queue was full.
        QueueFull = "queue_full",
        /// The consumer already held its whole prefetch window (a redelivery
        /// of something it still had, after an ack timeout): it was refused.
        BufferFull = "buffer_full",
        /// An exchange had no bound queue for the message: it went nowhere.
        Unroutable = "unroutable",
        /// A topic's retention removed the record.
        Expired = "expired",
        /// A rebalance took the partition away before the member processed
        /// the batch it held.
        Revoked = "revoked",
        /// The partition's new leader did not have the record.
        Failover = "failover",
        /// `acks=all` with fewer in-sync copies than the topic's minimum.
        TooFewReplicas = "too_few_replicas",
        /// A service published an event a crash had cut off (a dual write's
        /// lost event), on a redelivery of what caused it.
        Recovered = "recovered",
        /// A group applying in version order skipped a version it had
        /// applied (or held) already.
        OldVersion = "old_version",
        /// A saga step refused, or a compensation that came before its
        /// step: the step will never happen.
        Cancelled = "cancelled",
        /// A saga ended with every step done.
        Completed = "completed",
        /// A saga ended with every step it did compensated.
        Compensated = "compensated",
        /// A two-phase commit ended with every participant committed.
        Committed = "committed",
        /// A two-phase commit ended with every participant aborted.
        Aborted = "aborted",
        /// A prepare refused: another transaction holds the key's lock.
        Locked = "locked",
        /// Held by a projection for an earlier version of its key that has
        /// not come (a gap in the stream): it takes effect when the gap
        /// fills, never if that version is lost for good.
        Gap = "gap",
        /// The record was being processed when its group began rebuilding
        /// its projection: dropped, to be read again.
        Rebuilt = "rebuilt",
    }
}

/// One trace record (48 bytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceEvent {
    /// When, in µs.
    pub time: Time,
    /// For sends, duplicates, processing, backoff and crashes: when the thing
    /// begun here ends (arrival or loss, processing end, retry, restart). Else 0.
    pub end: Time,
    /// The message, or [`NO_MSG`].
    pub msg: MsgId,
    /// Transmission id linking a send or duplicate with its arrival or loss; 0 if none.
    pub tx: u32,
    /// The message's business key (0 when there is no message).
    pub key: u32,
    /// Where it happened (for link events, the sender).
    pub node: NodeId,
    /// The other end, or [`NO_NODE`].
    pub peer: NodeId,
    /// Producer attempt number, from 1 (0 when not about a message).
    pub attempt: u16,
    /// Copy number: 0 for the original, 1.. for copies made by duplicating links.
    pub copy: u16,
    /// How many times the queue has delivered this message, counting this one.
    pub delivery: u16,
    /// What happened.
    pub kind: EventKind,
    /// What travelled, for link events.
    pub packet: PacketKind,
    /// Why it happened, where the kind has several reasons.
    pub cause: Cause,
}

impl TraceEvent {
    /// A record with only time, kind and node set.
    pub const fn at(time: Time, kind: EventKind, node: NodeId) -> Self {
        TraceEvent {
            time,
            end: 0,
            msg: NO_MSG,
            tx: 0,
            key: 0,
            node,
            peer: NO_NODE,
            attempt: 0,
            copy: 0,
            delivery: 0,
            kind,
            packet: PacketKind::None,
            cause: Cause::None,
        }
    }

    /// A producer's retry (attempt 2 or later) reaching its broker.
    #[inline]
    pub fn is_retry_arrival(&self) -> bool {
        self.kind == EventKind::Arrive && self.packet == PacketKind::Publish && self.attempt > 1
    }
}

/// FNV-1a, 64 bit: a tiny, fully specified hash, so the same trace hashes the
/// same natively and in wasm, in every Rust version.
#[derive(Clone, Debug)]
pub struct TraceHasher(u64);

impl Default for TraceHasher {
    fn default() -> Self {
        TraceHasher(0xcbf2_9ce4_8422_2325)
    }
}

impl TraceHasher {
    fn bytes(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    /// Adds one record (every field, little-endian).
    pub fn add(&mut self, e: &TraceEvent) {
        self.bytes(&e.time.to_le_bytes());
        self.bytes(&e.end.to_le_bytes());
        self.bytes(&e.msg.to_le_bytes());
        self.bytes(&e.tx.to_le_bytes());
        self.bytes(&e.key.to_le_bytes());
        self.bytes(&e.node.to_le_bytes());
        self.bytes(&e.peer.to_le_bytes());
        self.bytes(&e.attempt.to_le_bytes());
        self.bytes(&e.copy.to_le_bytes());
        self.bytes(&e.delivery.to_le_bytes());
        self.bytes(&[e.kind as u8, e.packet as u8, e.cause as u8]);
    }

    /// The hash so far.
    pub fn finish(&self) -> u64 {
        self.0
    }
}

/// Hash of a whole trace (see [`TraceHasher`]).
pub fn trace_hash(trace: &[TraceEvent]) -> u64 {
    let mut h = TraceHasher::default();
    trace.iter().for_each(|e| h.add(e));
    h.finish()
}

/// Column names of the CSV export, in order.
pub const CSV_HEADER: &str = "time_ms,kind,node,peer,msg,key,attempt,copy,delivery,packet,cause,tx,end_ms";

fn opt_node(names: &[String], id: NodeId) -> &str {
    names.get(usize::from(id)).map(String::as_str).unwrap_or("")
}

/// One record as a CSV line (no newline), with node names from `names`.
pub fn csv_line(e: &TraceEvent, names: &[String]) -> String {
    let mut s = String::with_capacity(96);
    let msg = if e.msg == NO_MSG { String::new() } else { e.msg.to_string() };
    let end = if e.end == 0 { String::new() } else { time::to_ms(e.end).to_string() };
    // Names are validated to be plain; quote anyway so a comma cannot split a field.
    let _ = write!(
        s,
        "{},{},\"{}\",\"{}\",{},{},{},{},{},{},{},{},{}",
        time::to_ms(e.time),
        e.kind.name(),
        opt_node(names, e.node).replace('"', "\"\""),
        opt_node(names, e.peer).replace('"', "\"\""),
        msg,
        e.key,
        e.attempt,
        e.copy,
        e.delivery,
        e.packet.name(),
        e.cause.name(),
        e.tx,
        end
    );
    s
}

/// One record as a JSON object (one line of the JSON Lines export).
pub fn json_line(e: &TraceEvent, names: &[String]) -> String {
    let mut v = serde_json::json!({
        "time_ms": time::to_ms(e.time),
        "kind": e.kind.name(),
        "node": opt_node(names, e.node),
    });
    let o = v.as_object_mut().expect("json! object");
    if e.peer != NO_NODE {
        o.insert("peer".into(), opt_node(names, e.peer).into());
    }
    if e.msg != NO_MSG {
        o.insert("msg".into(), e.msg.into());
        o.insert("key".into(), e.key.into());
        o.insert("attempt".into(), e.attempt.into());
        o.insert("copy".into(), e.copy.into());
        if e.delivery > 0 {
            o.insert("delivery".into(), e.delivery.into());
        }
    }
    if e.packet != PacketKind::None {
        o.insert("packet".into(), e.packet.name().into());
        o.insert("tx".into(), e.tx.into());
    }
    if e.cause != Cause::None {
        o.insert("cause".into(), e.cause.name().into());
    }
    if e.end != 0 {
        o.insert("end_ms".into(), time::to_ms(e.end).into());
    }
    v.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_stays_small() {
        assert_eq!(std::mem::size_of::<TraceEvent>(), 48);
    }

    #[test]
    fn hash_sees_every_field() {
        let base = TraceEvent::at(5, EventKind::Send, 1);
        let h = trace_hash(&[base]);
        for changed in [
            TraceEvent { end: 9, ..base },
            TraceEvent { copy: 1, ..base },
            TraceEvent { cause: Cause::Loss, ..base },
            TraceEvent { packet: PacketKind::Ack, ..base },
        ] {
            assert_ne!(trace_hash(&[changed]), h);
        }
        assert_eq!(trace_hash(&[base]), h);
    }

    #[test]
    fn exports_name_nodes() {
        let names = vec!["orders".to_string(), "queue".to_string()];
        let e = TraceEvent {
            msg: 3,
            peer: 1,
            packet: PacketKind::Publish,
            end: 2_500,
            ..TraceEvent::at(1_000, EventKind::Send, 0)
        };
        assert_eq!(csv_line(&e, &names), "1,send,\"orders\",\"queue\",3,0,0,0,0,publish,,0,2.5");
        let j: serde_json::Value = serde_json::from_str(&json_line(&e, &names)).unwrap();
        assert_eq!(j["peer"], "queue");
        assert_eq!(j["end_ms"], 2.5);
        assert_eq!(CSV_HEADER.split(',').count(), csv_line(&e, &names).split(',').count());
    }
}
