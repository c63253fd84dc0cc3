//! Building blocks of the Kafka-style log broker (issue #15), not yet wired
//! into the engine:
//!
//! - [`partitioner`]: which partition a record goes to (Kafka's murmur2 by
//!   key, round robin, sticky batches);
//! - [`partition`]: a partition's log — offsets, retention — and each
//!   group's cursor in it (reset, commits, lag, skipped records);
//! - [`assignor`]: which member of a group reads which partition;
//! - [`group`]: a group's members, generations and rebalance pauses;
//! - [`replication`]: a partition's replicas, in-sync set, high watermark,
//!   `acks` and failover;
//! - [`idempotence`]: the idempotent producer's sequence numbers.
//!
//! Each is a pure state machine with its invariants tested, documented
//! against what Kafka does, so the engine, the checker and the views can
//! rely on the same answers.

pub mod assignor;
pub mod group;
pub mod idempotence;
pub mod partition;
pub mod partitioner;
pub mod replication;
