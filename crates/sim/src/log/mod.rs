//! Building blocks of the Kafka-style log broker (issue #15), not yet wired
//! into the engine: which partition a record goes to ([`partitioner`]) and
//! which consumer of a group reads which partition ([`assignor`]), and a
//! partition itself with each group's place in it ([`partition`]), and its
//! replicas across brokers ([`replication`]). Each is a
//! pure function of its inputs, documented against what Kafka does, so the
//! engine, the checker and the views can rely on the same answers.

pub mod assignor;
pub mod partition;
pub mod partitioner;
pub mod replication;
