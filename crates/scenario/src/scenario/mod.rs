//! The scenario file: what a teacher writes, what the editor edits, what a
//! share link carries.
//!
//! A scenario is plain data. Every field has a default (listed in its doc
//! comment), so a file only needs what differs. Durations are milliseconds and
//! may be fractional. Names tie the parts together: a producer sends `to` a
//! queue, an exchange or a topic, an exchange's bindings name queues, a
//! consumer group reads `from` a queue or a topic (and may publish `to`
//! another queue, exchange or topic: a service in a pipeline), crashes and
//! link overrides name the groups they concern.
//!
//! [`Scenario::from_json`] parses and validates in one go and reports every
//! problem with its JSON path; [`Scenario::validate`] checks a scenario built
//! in code or edited in a form.

/// A field whose value is one of a few names (`"confirm"`): the enum with
/// its names, written once. Serialized by serde's derive (snake_case, which
/// a test checks against the names here); read by one shared function
/// instead of a derived visitor per enum (a smaller download), with serde's
/// own error for an unknown name.
macro_rules! unit_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal,)* }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vmeta])* $variant,)* }

        impl $name {
            /// Every value with its name in scenario files.
            pub const NAMED: &'static [($name, &'static str)] = &[$(($name::$variant, $text),)*];
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                const NAMES: &[&str] = &[$($text,)*];
                Ok(Self::NAMED[name_index(d, NAMES)?].0)
            }
        }
    };
}

/// Whether `v` is its type's default (a field left out of exports then:
/// the log broker's settings stay out of scenarios that have no topic).
fn is_default<T: Default + PartialEq>(v: &T) -> bool {
    *v == T::default()
}

/// Whether a sticky batch size is the default 16.
fn is_default_batch(n: &u32) -> bool {
    *n == 16
}

/// Reads a string and finds it among `names`.
fn name_index<'de, D: serde::Deserializer<'de>>(d: D, names: &'static [&'static str]) -> Result<usize, D::Error> {
    let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
    names.iter().position(|n| *n == s).ok_or_else(|| serde::de::Error::unknown_variant(&s, names))
}

mod locate;
mod numbers;
mod problem;
mod shape;
mod tagged;
mod validate;

use serde::{Deserialize, Serialize};

use crate::dist::Dist;

pub use numbers::kept_exactly as number_kept_exactly;
pub use problem::{Problem, ProblemKind, num as problem_number};
pub use tagged::{ARRIVAL_KINDS, DIST_KINDS, Kinds};
pub use validate::limits;

thread_local! {
    /// Scenario texts parsed so far on this thread (see [`parse_count`]).
    static PARSES: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// How many scenario texts this thread has parsed: a debug counter, so the
/// web UI's tests can show that drawing a frame or rendering a view parses
/// nothing (presets and lessons are parsed once and shared). Per thread, so
/// tests running side by side do not count each other's work.
pub fn parse_count() -> usize {
    PARSES.with(std::cell::Cell::get)
}

/// The scenario format version this build reads and writes.
pub const SCENARIO_VERSION: u32 = 1;

/// A complete simulation setup: topology, network, workload, and limits.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct Scenario {
    /// Format version; must be 1. Default 1.
    pub version: u32,
    /// Short title. Default "".
    pub name: String,
    /// One or two sentences on what the scenario shows. Default "".
    pub description: String,
    /// Seed used when none is given on the command line or in the UI. Default 1.
    pub seed: u64,
    /// Stop after this much simulated time, in ms. Default 3,600,000 (one hour).
    pub duration_ms: f64,
    /// Stop after this many engine events (a guard against endless retries).
    /// Default 20,000,000.
    pub max_events: u64,
    /// Link behaviour. Default: 1 ms constant latency, no faults.
    pub network: Network,
    /// Services that publish messages. Default: none (at least one is required).
    pub producers: Vec<ProducerSpec>,
    /// Brokers, one queue each. Default: none (at least one is required).
    pub queues: Vec<QueueSpec>,
    /// Exchanges that route each message they receive to their bound queues
    /// (publish/subscribe). Default: none.
    pub exchanges: Vec<ExchangeSpec>,
    /// Topics on a Kafka-style log broker: partitions of records kept after
    /// they are read, each consumer group with its own offsets. Default: none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub topics: Vec<TopicSpec>,
    /// What the brokers spend serving requests: a queue broker and each log
    /// broker serve one request at a time, so throughput saturates. Default:
    /// nothing (brokers serve instantly).
    #[serde(skip_serializing_if = "is_default")]
    pub costs: BrokerCosts,
    /// Consumer groups. Default: none (at least one is required).
    pub consumers: Vec<ConsumerSpec>,
    /// Planned outages of any node — a producer, an exchange, a queue's
    /// broker, a consumer group. Default: none.
    pub crashes: Vec<NodeCrash>,
}

impl Default for Scenario {
    fn default() -> Self {
        Scenario {
            version: SCENARIO_VERSION,
            name: String::new(),
            description: String::new(),
            seed: 1,
            duration_ms: 3_600_000.0,
            max_events: 20_000_000,
            network: Network::default(),
            producers: Vec::new(),
            queues: Vec::new(),
            exchanges: Vec::new(),
            topics: Vec::new(),
            costs: BrokerCosts::default(),
            consumers: Vec::new(),
            crashes: Vec::new(),
        }
    }
}

/// The default link and per-link overrides.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct Network {
    /// Behaviour of every link not overridden.
    pub default: LinkSpec,
    /// Overrides, applied in order (a later match wins field by field).
    pub links: Vec<LinkOverride>,
}

/// How one directed link behaves.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct LinkSpec {
    /// One-way latency. Default constant 1 ms. Variance reorders messages.
    pub latency: Dist,
    /// Probability that a packet is lost. Default 0.
    pub loss: f64,
    /// Probability that a packet arrives twice (the copy has its own latency
    /// and may itself be lost). Default 0.
    pub duplicate: f64,
    /// Time windows in which the link drops everything (a network partition).
    /// Default none.
    pub outages: Vec<Window>,
}

impl Default for LinkSpec {
    fn default() -> Self {
        LinkSpec { latency: Dist::constant(1.0), loss: 0.0, duplicate: 0.0, outages: Vec::new() }
    }
}

/// A half-open time window `[from_ms, to_ms)`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Window {
    /// Start (inclusive).
    pub from_ms: f64,
    /// End (exclusive).
    pub to_ms: f64,
}

/// Overrides for the links from one group to another. Unset fields keep the
/// default link's value.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct LinkOverride {
    /// Sending group (producer, queue or consumer group name), or "*" for any.
    pub from: String,
    /// Receiving group, or "*" for any.
    pub to: String,
    /// Also apply to the reverse direction (acks and confirms). Default false.
    pub both_ways: bool,
    /// Latency, if different.
    pub latency: Option<Dist>,
    /// Loss probability, if different.
    pub loss: Option<f64>,
    /// Duplication probability, if different.
    pub duplicate: Option<f64>,
    /// Outage windows, if different.
    pub outages: Option<Vec<Window>>,
}

/// A group of identical producer instances (e.g. an order service).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct ProducerSpec {
    /// Group name, unique among all groups. Default "orders".
    pub name: String,
    /// Number of instances. Default 1.
    pub count: u32,
    /// Queue, exchange or topic the messages go to. Default "queue".
    pub to: String,
    /// Messages each instance produces. Default 100.
    pub messages: u32,
    /// When the first message is produced, in ms. Default 0.
    pub start_ms: f64,
    /// When messages are produced. Default every 10 ms.
    pub arrival: Arrival,
    /// Number of distinct business keys (e.g. order ids being updated);
    /// ordering is checked per key. Default 1.
    pub keys: u32,
    /// How each message picks its key. Default round robin.
    pub key_choice: KeyChoice,
    /// How messages are sent and retried. Default fire-and-forget.
    pub send: SendSpec,
    /// Most unconfirmed messages outstanding at once; the rest wait in the
    /// producer (backpressure). Default unlimited (null). Sync mode uses 1.
    pub max_in_flight: Option<u32>,
    /// Fraction of messages that are poison: every processing attempt fails.
    /// Default 0.
    pub poison_rate: f64,
    /// Sending to a topic: which partition each record goes to. Default by key.
    #[serde(skip_serializing_if = "is_default")]
    pub partitioner: Partitioner,
    /// Sending to a topic: most records in a batch — with `linger_ms`, one
    /// produce request; with the sticky partitioner, records put in one
    /// partition before moving to another. Default 16.
    #[serde(skip_serializing_if = "is_default_batch")]
    pub batch_size: u32,
    /// Sending to a topic: how long a record waits for others to fill its
    /// batch (Kafka's `linger.ms`). The producer sends a batch when it has
    /// `batch_size` records or this many ms after its first; 0 sends each
    /// record at once. A batch is one produce request to the broker, so
    /// with `costs` a longer linger spends less per record. Default 0.
    #[serde(skip_serializing_if = "is_default")]
    pub linger_ms: f64,
    /// Sending to a topic with confirms: what the confirm waits for. Default
    /// the leader.
    #[serde(skip_serializing_if = "is_default")]
    pub acks: ProducerAcks,
    /// Sending to a topic: the idempotent producer — the topic appends each
    /// record once, however often it is retried (a retry of one it has is
    /// confirmed again, not stored twice). Default false.
    #[serde(skip_serializing_if = "is_default")]
    pub idempotent: bool,
}

impl Default for ProducerSpec {
    fn default() -> Self {
        ProducerSpec {
            name: "orders".into(),
            count: 1,
            to: "queue".into(),
            messages: 100,
            start_ms: 0.0,
            arrival: Arrival::default(),
            keys: 1,
            key_choice: KeyChoice::RoundRobin,
            send: SendSpec::default(),
            max_in_flight: None,
            poison_rate: 0.0,
            partitioner: Partitioner::Key,
            batch_size: 16,
            linger_ms: 0.0,
            acks: ProducerAcks::Leader,
            idempotent: false,
        }
    }
}

/// The arrival process of a producer.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Arrival {
    /// One message every `interval_ms`.
    Fixed {
        /// Gap between messages.
        interval_ms: f64,
    },
    /// A Poisson process: exponential gaps averaging `1000 / rate_per_s` ms.
    Poisson {
        /// Mean messages per second.
        rate_per_s: f64,
    },
    /// `size` messages at once, every `every_ms`.
    Bursts {
        /// Messages per burst.
        size: u32,
        /// Gap between bursts.
        every_ms: f64,
    },
}

impl Default for Arrival {
    fn default() -> Self {
        Arrival::Fixed { interval_ms: 10.0 }
    }
}

unit_enum! {
    /// How a producer picks each message's business key.
    pub enum KeyChoice {
        /// Keys 0, 1, 2, … in turn.
        #[default]
        RoundRobin = "round_robin",
        /// A uniformly random key for each message.
        Random = "random",
    }
}

/// Send mode, timeout and retry policy of a producer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct SendSpec {
    /// Default fire-and-forget.
    pub mode: SendMode,
    /// How long to wait for a confirm (or a sync reply) before retrying, in ms.
    /// Default 200.
    pub timeout_ms: f64,
    /// Attempts in all, the first included; 1 means never retry. Default 5.
    pub max_attempts: u32,
    /// Wait between a failed attempt and the next. Default exponential from 50 ms.
    pub backoff: Backoff,
}

impl Default for SendSpec {
    fn default() -> Self {
        SendSpec { mode: SendMode::FireAndForget, timeout_ms: 200.0, max_attempts: 5, backoff: Backoff::default() }
    }
}

unit_enum! {
    /// Whether and how a producer waits for its message to be taken.
    pub enum SendMode {
        /// Send once and move on: a lost message is gone (at-most-once).
        #[default]
        FireAndForget = "fire_and_forget",
        /// Wait for the broker's confirm; on timeout or reject, retry (at-least-once).
        Confirm = "confirm",
        /// Call the consumer directly and block until it replies (no broker):
        /// the synchronous baseline.
        Sync = "sync",
    }
}

/// Backoff between attempts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct Backoff {
    /// Default exponential.
    pub kind: BackoffKind,
    /// Wait after the first failure, in ms. Default 50.
    pub base_ms: f64,
    /// Growth per attempt for the exponential kinds. Default 2.
    pub multiplier: f64,
    /// Cap on any single wait, in ms. Default 5,000.
    pub max_ms: f64,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff { kind: BackoffKind::Exponential, base_ms: 50.0, multiplier: 2.0, max_ms: 5_000.0 }
    }
}

unit_enum! {
    /// The shape of the backoff schedule.
    pub enum BackoffKind {
        /// Always `base_ms`.
        Fixed = "fixed",
        /// `base_ms · multiplier^(n−1)`, capped at `max_ms`.
        #[default]
        Exponential = "exponential",
        /// "Full jitter": uniform in `[0, exponential wait]`, which spreads retries
        /// out instead of letting them arrive in waves.
        ExponentialJitter = "exponential_jitter",
    }
}

/// A broker holding one queue (RabbitMQ-style: competing consumers, acks,
/// redelivery, dead-lettering).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct QueueSpec {
    /// Name, unique among all groups. Default "queue".
    pub name: String,
    /// Most ready (not yet delivered) messages held; null for unbounded. Default null.
    pub capacity: Option<u32>,
    /// What happens to a message arriving at a full queue. Default reject.
    pub overflow: Overflow,
    /// When the broker forgets a delivered message. Default manual.
    pub ack: AckMode,
    /// Most unacknowledged deliveries per consumer instance; 0 for no limit.
    /// Default 10.
    pub prefetch: u32,
    /// Redeliver a message whose ack has not arrived after this many ms; null
    /// to wait forever (until the consumer disconnects). Default 1,000.
    pub ack_timeout_ms: Option<f64>,
    /// Dead-letter a message after this many deliveries; null for never.
    /// Default null.
    pub max_deliveries: Option<u32>,
    /// Whether its messages survive a crash of its broker (written to disk):
    /// a durable queue keeps them and redelivers what was unacknowledged; a
    /// transient one loses them. Default true.
    pub durable: bool,
}

impl Default for QueueSpec {
    fn default() -> Self {
        QueueSpec {
            name: "queue".into(),
            capacity: None,
            overflow: Overflow::Reject,
            ack: AckMode::Manual,
            prefetch: 10,
            ack_timeout_ms: Some(1_000.0),
            max_deliveries: None,
            durable: true,
        }
    }
}

/// An exchange (RabbitMQ-style): receives messages and routes a copy to each
/// bound queue that matches — every queue (`fanout`), or by routing key
/// (`direct`). Each bound queue has its own consumer group: one event, many
/// services.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct ExchangeSpec {
    /// Name, unique among all groups, queues and exchanges. Default "events".
    pub name: String,
    /// How it routes. Default fanout.
    pub kind: ExchangeKind,
    /// For `direct`: the routing key is the message's key modulo this many
    /// classes (e.g. 2: even and odd keys); null: the key itself. Default null.
    pub classes: Option<u32>,
    /// The queues it routes to. Default none.
    pub bindings: Vec<Binding>,
}

impl Default for ExchangeSpec {
    fn default() -> Self {
        ExchangeSpec { name: "events".into(), kind: ExchangeKind::Fanout, classes: None, bindings: Vec::new() }
    }
}

unit_enum! {
    /// How an exchange chooses the queues a message goes to.
    pub enum ExchangeKind {
        /// A copy to every bound queue.
        #[default]
        Fanout = "fanout",
        /// A copy to every bound queue whose routing keys include the message's.
        Direct = "direct",
    }
}

/// A topic on a Kafka-style log broker. Records are appended to one of its
/// partitions and stay there after they are read, until retention removes
/// them; every consumer group reading it keeps its own offsets, so each group
/// reads every record (one event, many services, one copy stored).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct TopicSpec {
    /// Name, unique among all groups, queues, exchanges and topics. Default "log".
    pub name: String,
    /// Partitions: records of one partition are read in order, by one member
    /// of each group. Default 3.
    pub partitions: u32,
    /// Remove a record this many ms after it was appended; null to keep it.
    /// Default null.
    pub retention_ms: Option<f64>,
    /// Keep at most this many records per partition (the oldest go first);
    /// null for no limit. Default null.
    pub retention_records: Option<u32>,
    /// Brokers in the cluster that holds the topic (crash one by its
    /// `instance`). Default 1.
    pub brokers: u32,
    /// Copies of each partition, on as many brokers: a leader that takes
    /// appends and followers that copy it. At most `brokers`. Default 1.
    pub replication_factor: u32,
    /// Fewest in-sync copies an `acks: all` append needs (else it is
    /// refused). At most `replication_factor`. Default 1.
    pub min_insync_replicas: u32,
    /// How long a follower takes to copy what the leader appended, in ms.
    /// Default 2.
    pub replication_ms: f64,
    /// After a leader's broker crashes, how long until an in-sync follower
    /// leads, in ms: the partition takes no appends and serves no reads
    /// meanwhile. Default 200.
    pub failover_ms: f64,
}

impl Default for TopicSpec {
    fn default() -> Self {
        TopicSpec {
            name: "log".into(),
            partitions: 3,
            retention_ms: None,
            retention_records: None,
            brokers: 1,
            replication_factor: 1,
            min_insync_replicas: 1,
            replication_ms: 2.0,
            failover_ms: 200.0,
        }
    }
}

/// What the brokers of each kind spend serving requests. An illustration of
/// where the time goes, not a measurement of any real broker.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct BrokerCosts {
    /// The queue broker (one server for every queue and exchange, as one
    /// RabbitMQ node): a publish costs a request and a record for each queue
    /// it lands in; an ack, a nack or a reject costs a request. Default free.
    pub queue: ServiceCost,
    /// Each broker of a topic's cluster (one server per broker, serving the
    /// partitions it leads): a produce request costs a request and a record
    /// per record in it, a fetch or an offset commit costs a request.
    /// Default free.
    pub log: ServiceCost,
}

/// A broker's service time: a fixed part per request and a part per record
/// it carries. Batching shares the per-request part among a batch's records.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct ServiceCost {
    /// Time per request, in ms. Default 0.
    pub request_ms: f64,
    /// Time per record, in ms. Default 0.
    pub record_ms: f64,
}

unit_enum! {
    /// What a producer sending to a topic with confirms waits for (Kafka's
    /// `acks`; fire-and-forget is `acks=0`).
    pub enum ProducerAcks {
        /// The partition's leader has the record (`acks=1`): lost if the
        /// leader fails before a follower copied it.
        #[default]
        Leader = "leader",
        /// Every in-sync copy has it, and there are at least
        /// `min_insync_replicas` (`acks=all`).
        All = "all",
    }
}

unit_enum! {
    /// Which partition of a topic a producer's record goes to.
    pub enum Partitioner {
        /// By the record's key, with Kafka's murmur2 hash of the key's decimal
        /// digits: the same key always lands in the same partition, so each
        /// key's records stay in order.
        #[default]
        Key = "key",
        /// Partitions in turn: even load, no order per key.
        RoundRobin = "round_robin",
        /// A batch of `batch_size` records to one partition, then another
        /// chosen at random (Kafka's default without a key).
        Sticky = "sticky",
    }
}

/// How a consumer group reads a topic (ignored for a group reading a queue).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct LogGroupSpec {
    /// How partitions are shared among the members. Default range.
    pub assignor: AssignorKind,
    /// When the group commits its offsets. Default after processing.
    pub commit: CommitPolicy,
    /// With `auto` commits: the interval, in ms. Default 5,000 (Kafka's).
    pub auto_commit_ms: f64,
    /// Most records one fetch returns. Default 100.
    pub max_poll_records: u32,
    /// How long the topic holds a fetch it has no records for, waiting for
    /// one to arrive, in ms (Kafka's `fetch.max.wait.ms`): a record
    /// appended meanwhile is sent at once. Default 500.
    pub fetch_wait_ms: f64,
    /// Fetch again if no answer came this many ms after the fetch wait (a
    /// lost request or reply). Default 500.
    pub request_timeout_ms: f64,
    /// Where the group starts in a partition it has no committed offset
    /// for. Default earliest (Kafka's default is latest).
    pub offset_reset: OffsetResetKind,
    /// When the group starts reading, in ms: a group that starts late (a new
    /// service) reads the retained history first. Default 0.
    pub start_ms: f64,
    /// How long a rebalance pauses the whole group, in ms: after a member
    /// crashes, comes back or joins. Default 500.
    pub rebalance_ms: f64,
    /// How long the group takes to notice that a member crashed, in ms (its
    /// session times out; Kafka's default is 45 s). Meanwhile its partitions
    /// are read by nobody. Default 1,000.
    pub session_timeout_ms: f64,
    /// When the group rebuilds its state by replaying the topic, in ms: it
    /// drops what it applied from each partition's latest snapshot on (from
    /// the start, without snapshots) and reads again from there. What it
    /// applies again is a replay, not a duplicate; what the retention has
    /// removed is gone from the rebuilt state. Default none.
    pub rebuild_at_ms: Option<f64>,
    /// Every so many records applied in a partition, the group snapshots
    /// its state there: a rebuild starts at the latest snapshot. Default
    /// none (no snapshots).
    pub snapshot_every: Option<u32>,
}

impl Default for LogGroupSpec {
    fn default() -> Self {
        LogGroupSpec {
            assignor: AssignorKind::Range,
            commit: CommitPolicy::AfterProcessing,
            auto_commit_ms: 5_000.0,
            max_poll_records: 100,
            fetch_wait_ms: 500.0,
            request_timeout_ms: 500.0,
            offset_reset: OffsetResetKind::Earliest,
            start_ms: 0.0,
            rebalance_ms: 500.0,
            session_timeout_ms: 1_000.0,
            rebuild_at_ms: None,
            snapshot_every: None,
        }
    }
}

unit_enum! {
    /// How a group's partitions are shared among its members.
    pub enum AssignorKind {
        /// Consecutive runs of partitions, the first members one more
        /// (Kafka's RangeAssignor).
        #[default]
        Range = "range",
        /// Partitions dealt out in turn (Kafka's RoundRobinAssignor).
        RoundRobin = "round_robin",
    }
}

unit_enum! {
    /// When a consumer group commits its offsets.
    pub enum CommitPolicy {
        /// Every `auto_commit_ms`, the position of the records processed so
        /// far (a crash reprocesses what came after the last commit).
        Auto = "auto",
        /// After processing each fetched batch: a crash means reprocessing
        /// (duplicates), never skipping.
        #[default]
        AfterProcessing = "after_processing",
        /// As soon as a batch arrives, before processing it: a crash means
        /// the rest of the batch is never processed (losses), never
        /// reprocessing.
        BeforeProcessing = "before_processing",
    }
}

unit_enum! {
    /// Where a group starts in a partition it has no committed offset for.
    pub enum OffsetResetKind {
        /// The oldest record kept: replay the retained history.
        #[default]
        Earliest = "earliest",
        /// After the newest: only what is appended from then on (what was
        /// there before counts as skipped).
        Latest = "latest",
    }
}

/// A queue bound to an exchange.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct Binding {
    /// The queue. Default "queue".
    pub queue: String,
    /// For a `direct` exchange: the routing keys this queue takes; null for
    /// every key. Default null.
    pub keys: Option<Vec<u32>>,
}

/// Where a service (a consumer group) publishes a message of its own for
/// every effect it applies — a downstream event. The new message keeps the
/// consumed one's key and records it as its parent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct PublishSpec {
    /// A queue, an exchange or a topic. Default "queue".
    pub to: String,
    /// Send mode (fire-and-forget or confirm), timeout and retries. Default
    /// fire-and-forget.
    pub send: SendSpec,
    /// With confirms, most unconfirmed messages per instance; null for no
    /// limit. Default null.
    pub max_in_flight: Option<u32>,
    /// How the service writes its two things — its own change and the event
    /// about it: commit first, publish first (a dual write either way), or
    /// through a transactional outbox. Default commit first.
    pub write: WriteOrder,
    /// With an outbox: how often its relay looks for new rows, in ms.
    /// Default 100.
    pub relay_poll_ms: f64,
}

/// The outbox relay's default polling interval, in ms.
pub const DEFAULT_RELAY_POLL_MS: f64 = 100.0;

impl Default for PublishSpec {
    fn default() -> Self {
        PublishSpec {
            to: "queue".into(),
            send: SendSpec::default(),
            max_in_flight: None,
            write: WriteOrder::default(),
            relay_poll_ms: DEFAULT_RELAY_POLL_MS,
        }
    }
}

unit_enum! {
    /// How a service writes its local change and the event about it.
    pub enum WriteOrder {
        /// Commit the change, then publish the event: a crash between the
        /// two loses the event (a dual write).
        #[default]
        CommitFirst = "commit_first",
        /// Publish the event, then commit the change: a crash between the
        /// two leaves a phantom event for a change that never committed (a
        /// dual write).
        PublishFirst = "publish_first",
        /// Commit the change and the event's outbox row in one local
        /// transaction; a relay polls the outbox and publishes, and the rows
        /// survive a crash: nothing is lost, an event may go twice.
        Outbox = "outbox",
    }
}

/// A planned outage of a node: a producer or consumer group (one instance or
/// all), an exchange, a queue's broker, or a topic's brokers (one by its
/// `instance`, or all).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct NodeCrash {
    /// The producer group, exchange, queue, topic or consumer group. Default "".
    pub node: String,
    /// Which instance of a group, or broker of a topic (0-based); null for
    /// every one. Default null.
    pub instance: Option<u32>,
    /// When it crashes, in ms.
    pub at_ms: f64,
    /// How long it stays down, in ms.
    pub down_ms: f64,
    /// Crash again and again: the mean time from coming back to the next
    /// crash, in ms (exponential, drawn from the run's seed: random
    /// failures, a mean time between failures). Null for one outage at
    /// `at_ms`, the first of the series otherwise. Default null.
    pub every_ms: Option<f64>,
}

unit_enum! {
    /// Overflow policy of a bounded queue.
    pub enum Overflow {
        /// Refuse the new message (a confirming producer gets a nack and retries).
        #[default]
        Reject = "reject",
        /// Accept it and discard the oldest ready message.
        DropOldest = "drop_oldest",
    }
}

unit_enum! {
    /// Acknowledgement mode of a queue.
    pub enum AckMode {
        /// The consumer acks after processing; unacked messages are redelivered
        /// (at-least-once).
        #[default]
        Manual = "manual",
        /// The broker forgets a message as soon as it sends it (at-most-once).
        Auto = "auto",
    }
}

/// A group of identical consumer instances competing on one queue (e.g. an
/// inventory service), or the members of a consumer group on a topic. The
/// group shares one dedup store (its database). Each queue is read by at
/// most one group; a topic by any number, each reading every record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct ConsumerSpec {
    /// Group name, unique among all groups. Default "inventory".
    pub name: String,
    /// Number of instances. Default 1.
    pub count: u32,
    /// Queue or topic consumed. Default "queue".
    pub from: String,
    /// Messages each instance processes at once. Default 1. (A member of a
    /// group on a topic processes one record at a time, in partition order.)
    pub concurrency: u32,
    /// Processing time per message. Default constant 5 ms.
    pub processing: Dist,
    /// Crashes and restarts. Default never.
    pub crash: CrashSpec,
    /// The idempotency (dedup) store. Default off.
    pub idempotency: Idempotency,
    /// A message to publish downstream for every effect applied (a service
    /// in a pipeline); null for none. Default null.
    pub publish: Option<PublishSpec>,
    /// Reading a topic: assignment, commits, fetching, start and rebalances.
    /// Default: see its fields.
    #[serde(skip_serializing_if = "is_default")]
    pub log: LogGroupSpec,
    /// The group orchestrates a saga: for each message it takes (an order),
    /// it asks each step's service in turn over the network and, when a step
    /// fails, asks the services of the steps done to compensate, in reverse.
    /// The message's effect (the order's final state) is applied when the
    /// saga ends, all done or all compensated. Null for none. Default null.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub saga: Option<SagaSpec>,
    /// The group writes an event store: each message (a command) appends an
    /// event to its key's stream (an aggregate), read when its processing
    /// starts. `expected_version`: the append names the version read, and
    /// finding another there (an instance appended meanwhile) is a conflict:
    /// the command is processed again from the new version. `blind`: it
    /// appends anyway, and a command decided on an old version is a lost
    /// update. Commands from a queue, without a saga. Default `none`.
    pub event_store: EventStoreKind,
}

unit_enum! {
    /// How a group appends to its event store.
    pub enum EventStoreKind {
        /// No event store.
        #[default]
        None = "none",
        /// Appends whatever version it read: updates can be lost.
        Blind = "blind",
        /// Appends only at the version it read (optimistic concurrency).
        ExpectedVersion = "expected_version",
    }
}

/// A saga: the steps of one business transaction, run in order by the
/// orchestrating group, each by a service of its own (with `protocol`
/// `choreography`, passed on by the services themselves) — or, with
/// `two_phase_commit`, the same services as participants of a distributed
/// transaction, for contrast.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct SagaSpec {
    /// How the steps are coordinated. Default `saga`.
    pub protocol: Protocol,
    /// The steps, in order. Default none (at least one is required).
    pub steps: Vec<SagaStep>,
    /// How long the orchestrator waits for a service's answer before it asks
    /// again (in a choreography: how long a sender waits for its event's
    /// acknowledgement), in ms; the wait doubles after each retry (at most
    /// 64×). Default 50.
    pub timeout_ms: f64,
    /// Requests for a step before the orchestrator counts it failed and
    /// compensates (the step may have happened: its compensation runs too).
    /// A step without a compensation, and every compensation, is asked until
    /// it answers. Default 3.
    pub max_attempts: u32,
    /// Whether each service remembers a compensation that came before its
    /// step (a tombstone) and refuses the step when it comes. Without, the
    /// compensation finds nothing to undo and the late step happens anyway:
    /// a saga ended compensated can end up with a step in force, half done.
    /// Sagas only. Default true.
    pub tombstones: bool,
}

impl Default for SagaSpec {
    fn default() -> Self {
        SagaSpec { protocol: Protocol::Saga, steps: Vec::new(), timeout_ms: 50.0, max_attempts: 3, tombstones: true }
    }
}

unit_enum! {
    /// How a business transaction's steps are coordinated.
    pub enum Protocol {
        /// One step after another, each a local transaction; a failure is
        /// undone by compensations, last first.
        #[default]
        Saga = "saga",
        /// Two-phase commit: the coordinator asks every service to prepare
        /// (each locks the order's key and votes), then tells all to commit,
        /// or to abort if any voted no or did not answer in `max_attempts`
        /// tries. A prepared service holds its lock until the decision
        /// reaches it; a prepare for a key another transaction holds is
        /// refused (a vote to abort). The decision is logged durably: after
        /// a coordinator crash, the order's redelivery finishes it (with no
        /// decision logged, it aborts). Compensations play no part.
        TwoPhaseCommit = "two_phase_commit",
        /// A saga without an orchestrator: the group sends the first step's
        /// request; each service, its step done, sends the next one the
        /// request, and the last tells the group. A failed step sends the
        /// service before it a compensation, which passes it on, last first,
        /// to the group. Each of these events is kept by its sender (like an
        /// outbox row: a crash loses none) and sent until its receiver
        /// acknowledges it, every `timeout_ms` (doubling): no step is ever
        /// given up on, so `max_attempts` plays no part.
        Choreography = "choreography",
    }
}

/// One step of a saga and the service that does it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct SagaStep {
    /// The service that does the step (a name of its own, unique among all
    /// groups; drawn as a node). Default "payment".
    pub service: String,
    /// The service's time for the step or its compensation. Default constant 1 ms.
    pub processing: Dist,
    /// Probability that the step fails for a business reason (a declined
    /// card, no stock): nothing changes at the service, and the saga
    /// compensates the steps before it. Default 0.
    pub fail_probability: f64,
    /// Whether the step can be undone (a refund, releasing stock). A step
    /// without one cannot fail, and every step before a step that can fail
    /// needs one. Default true.
    pub compensation: bool,
}

impl Default for SagaStep {
    fn default() -> Self {
        SagaStep {
            service: "payment".into(),
            processing: Dist::constant(1.0),
            fail_probability: 0.0,
            compensation: true,
        }
    }
}

impl Default for ConsumerSpec {
    fn default() -> Self {
        ConsumerSpec {
            name: "inventory".into(),
            count: 1,
            from: "queue".into(),
            concurrency: 1,
            processing: Dist::constant(5.0),
            crash: CrashSpec::default(),
            idempotency: Idempotency::default(),
            publish: None,
            log: LogGroupSpec::default(),
            saga: None,
            event_store: EventStoreKind::None,
        }
    }
}

/// Random and scheduled consumer crashes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct CrashSpec {
    /// Probability that handling a message crashes the instance. Default 0.
    pub probability: f64,
    /// Where in the handling a random crash strikes. Default after the effect,
    /// before the ack (the case that causes a redelivery).
    pub point: CrashPoint,
    /// Time from a random crash to the restart, in ms. Default 1,000.
    pub restart_ms: f64,
    /// Planned outages. Default none.
    pub schedule: Vec<ScheduledCrash>,
}

impl Default for CrashSpec {
    fn default() -> Self {
        CrashSpec { probability: 0.0, point: CrashPoint::AfterEffect, restart_ms: 1_000.0, schedule: Vec::new() }
    }
}

unit_enum! {
    /// Where a random crash strikes.
    pub enum CrashPoint {
        /// After processing, before the business effect is written.
        BeforeEffect = "before_effect",
        /// After the effect is written, before the ack is sent.
        #[default]
        AfterEffect = "after_effect",
        /// A service's dual write: between its local commit and its publish
        /// (or, publishing first, between the publish and the commit). Only
        /// for a group that publishes.
        BetweenWrites = "between_writes",
        /// In the middle of a business transaction, once per transaction at
        /// most: a saga's orchestrator when its first step is done, before
        /// it asks for the second; a two-phase commit's coordinator when it
        /// has logged its decision, before it tells anyone. Only for a group
        /// with a saga.
        MidTransaction = "mid_transaction",
    }
}

/// A planned consumer outage.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct ScheduledCrash {
    /// Which instance (0-based); null for every instance of the group. Default null.
    pub instance: Option<u32>,
    /// When it crashes, in ms.
    pub at_ms: f64,
    /// How long it stays down, in ms.
    pub down_ms: f64,
    /// Crash again and again: the mean time from coming back to the next
    /// crash, in ms (exponential, drawn from the run's seed: random
    /// failures, a mean time between failures). Null for one outage at
    /// `at_ms`, the first of the series otherwise. Default null.
    pub every_ms: Option<f64>,
}

/// The consumer group's store of processed idempotency keys.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct Idempotency {
    /// Skip the effect for a message id already processed. Default false.
    pub enabled: bool,
    /// Keep at most this many keys (oldest forgotten first); null for all.
    /// Default null.
    pub capacity: Option<u32>,
    /// Forget a key this many ms after it was stored; null for never. Default null.
    pub ttl_ms: Option<f64>,
    /// Version order, as a projection of an event stream applies events:
    /// each key's messages carry versions (their order of making, per
    /// publisher stream); one that arrives ahead of a gap is held until the
    /// gap fills, and a version already applied is skipped. Default false.
    pub versions: bool,
}

impl Scenario {
    /// Parses scenario JSON and validates it. On failure returns every problem
    /// found, each with its JSON path (`producers[0].arrival.rate_per_s`).
    pub fn from_json(text: &str) -> Result<Scenario, Vec<Problem>> {
        let scenario = Scenario::parse(text)?;
        scenario.validate()?;
        Ok(scenario)
    }

    /// As [`from_json`](Self::from_json), from a parsed JSON value.
    pub fn from_value(value: serde_json::Value) -> Result<Scenario, Vec<Problem>> {
        Scenario::from_json(&value.to_string())
    }

    /// Reads a JSON value as a scenario without validating it: only wrong
    /// types, unknown fields and the like are problems here.
    pub fn parse_value(value: serde_json::Value) -> Result<Scenario, Vec<Problem>> {
        Scenario::parse(&value.to_string())
    }

    /// Reads scenario text without validating it. (Every scenario is read
    /// through here, so the deserializing code exists once in the program.)
    fn parse(text: &str) -> Result<Scenario, Vec<Problem>> {
        PARSES.with(|n| n.set(n.get() + 1));
        let json = |path: String, detail: String| Problem::new(path, ProblemKind::Json { detail });
        // A byte-order mark (some editors write one) is not part of the JSON.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        if text.len() > validate::limits::MAX_FILE_BYTES {
            let max_bytes = validate::limits::MAX_FILE_BYTES as u64;
            return Err(vec![Problem::new("", ProblemKind::FileTooLarge { max_bytes })]);
        }
        // Syntax first, then the shape (objects where objects belong), then
        // the tagged objects (whose problems need their field's path), then
        // everything else, located by its position.
        let doc: serde_json::Value =
            serde_json::from_str(text).map_err(|e| vec![json(String::new(), validate::explain_serde_error(&e))])?;
        let arrays = shape::arrays_for_objects(&doc);
        if !arrays.is_empty() {
            return Err(arrays.into_iter().map(|path| Problem::new(path, ProblemKind::ExpectedObject)).collect());
        }
        let tagged = tagged::problems(&doc);
        if !tagged.is_empty() {
            return Err(tagged.into_iter().map(|(path, why)| json(path, why)).collect());
        }
        let inexact = numbers::inexact(text);
        if !inexact.is_empty() {
            let offsets: Vec<usize> = inexact.iter().map(|&(at, _)| at).collect();
            let problem = |(path, (_, written)): (String, (usize, &str))| {
                Problem::new(path, ProblemKind::InexactNumber { written: written.to_string() })
            };
            return Err(locate::paths_at(text, &offsets).into_iter().zip(inexact).map(problem).collect());
        }
        serde_json::from_str(text).map_err(|e| {
            let path = locate::path_at(text, locate::offset_of(text, e.line(), e.column()));
            vec![json(path, validate::explain_serde_error(&e))]
        })
    }

    /// The scenario as a JSON value.
    pub fn to_value(&self) -> serde_json::Value {
        // Serializing plain data with string keys cannot fail.
        serde_json::to_value(self).unwrap_or_default()
    }

    /// The scenario as pretty JSON (the export format).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.to_value()).unwrap_or_default()
    }

    /// For each consumer group (by index), the groups that read what it
    /// publishes: the readers of its `publish.to` queue or topic, or of the
    /// queues bound to that exchange (empty for a group that publishes
    /// nothing).
    pub fn publish_reaches(&self) -> Vec<Vec<usize>> {
        let readers = |source: &str| -> Vec<usize> {
            self.consumers.iter().enumerate().filter(|(_, g)| g.from == source).map(|(i, _)| i).collect()
        };
        let reaches = |target: &str| -> Vec<usize> {
            match self.exchanges.iter().find(|x| x.name == target) {
                Some(x) => x.bindings.iter().flat_map(|b| readers(&b.queue)).collect(),
                None => readers(target),
            }
        };
        self.consumers.iter().map(|g| g.publish.as_ref().map(|p| reaches(&p.to)).unwrap_or_default()).collect()
    }

    /// Whether some consumer group coordinates its steps by `protocol`.
    pub fn coordinates_by(&self, protocol: Protocol) -> bool {
        self.consumers.iter().any(|g| g.saga.as_ref().is_some_and(|s| s.protocol == protocol))
    }

    /// The services of every saga's steps, in file order (each is a node
    /// of its own).
    pub fn saga_services(&self) -> impl Iterator<Item = &str> + '_ {
        self.consumers.iter().flat_map(|g| g.saga.iter().flat_map(|s| s.steps.iter().map(|st| st.service.as_str())))
    }

    /// Total messages the producers will create.
    pub fn total_messages(&self) -> u64 {
        self.producers.iter().map(|p| u64::from(p.count) * u64::from(p.messages)).sum()
    }

    /// Scales every producer group's message count by `factor` (rounded, at
    /// least 1): a quick version of a big benchmark.
    pub fn scale_messages(&mut self, factor: f64) {
        for p in &mut self.producers {
            p.messages = ((f64::from(p.messages) * factor).round() as u32).max(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each name a unit enum reads is the one serde writes, and an unknown
    /// name is refused with the names allowed.
    #[test]
    fn unit_enums_read_the_names_they_write() {
        fn check<T: Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug + Copy>(named: &[(T, &str)]) {
            for &(value, name) in named {
                assert_eq!(serde_json::to_value(value).unwrap(), serde_json::Value::from(name));
                assert_eq!(serde_json::from_str::<T>(&format!("\"{name}\"")).unwrap(), value);
            }
            let e = serde_json::from_str::<T>("\"no_such\"").unwrap_err().to_string();
            assert!(e.starts_with("unknown variant `no_such`, expected ") && e.contains(named[0].1), "{e}");
            assert!(serde_json::from_str::<T>("3").is_err());
        }
        check(KeyChoice::NAMED);
        check(SendMode::NAMED);
        check(BackoffKind::NAMED);
        check(ExchangeKind::NAMED);
        check(Overflow::NAMED);
        check(AckMode::NAMED);
        check(CrashPoint::NAMED);
        check(WriteOrder::NAMED);
        check(Partitioner::NAMED);
        check(AssignorKind::NAMED);
        check(CommitPolicy::NAMED);
        check(OffsetResetKind::NAMED);
        check(ProducerAcks::NAMED);
    }

    /// A file full of numbers that cannot be kept exactly names each with its
    /// path, in one walk (100,000 of them; a walk per number would take
    /// minutes).
    #[test]
    fn every_inexact_number_is_named_with_its_path() {
        let list = vec!["0.30000000000000004"; 100_000].join(",");
        let text = format!(r#"{{"producers": [{{"name": "p", "junk": [{list}]}}]}}"#);
        let problems = Scenario::parse(&text).unwrap_err();
        assert_eq!(problems.len(), 100_000);
        assert_eq!(problems[0].path, "producers[0].junk[0]");
        assert_eq!(problems[99_999].path, "producers[0].junk[99999]");
    }
}
