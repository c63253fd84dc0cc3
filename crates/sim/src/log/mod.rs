//! The Kafka-style log broker: topics of partitions, consumer groups with
//! their own offsets. The engine runs [`topic`] (the broker's side) and
//! [`member`] (a group member's poll loop); they are built from:
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
pub(crate) mod coordinator;
pub mod group;
pub mod idempotence;
pub(crate) mod member;
pub mod partition;
pub mod partitioner;
pub mod replication;
pub(crate) mod topic;
