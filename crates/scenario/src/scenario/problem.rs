//! What can be wrong with a scenario, as data: the CLI prints the English
//! sentence, the web UI renders the same kind in the reader's language.

use std::fmt;

use serde::{Deserialize, Serialize};

/// One kind of problem, with what is needed to explain it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ProblemKind {
    /// The text is not valid JSON, or a value has the wrong type (serde's words).
    Json {
        /// What the parser said.
        detail: String,
    },
    /// An older or unknown format version.
    Version {
        /// The version found.
        got: u32,
    },
    /// A newer format version than this build reads.
    NewerVersion {
        /// The version found.
        got: u32,
    },
    /// Not a probability.
    Probability {
        /// The value found.
        got: f64,
    },
    /// Not a usable number of milliseconds.
    Duration {
        /// Whether 0 is refused too.
        positive: bool,
        /// The value found.
        got: f64,
    },
    /// More milliseconds than allowed.
    TooLong {
        /// The limit, ms.
        max_ms: f64,
        /// The value found.
        got: f64,
    },
    /// Outside an inclusive range.
    Between {
        /// Lowest allowed.
        lo: f64,
        /// Highest allowed.
        hi: f64,
        /// The value found.
        got: f64,
    },
    /// Must be > 0 and at most `max`.
    PositiveAtMost {
        /// Highest allowed.
        max: f64,
        /// The value found.
        got: f64,
    },
    /// Must be at least another field's value.
    AtLeastField {
        /// The other field.
        other: String,
        /// Its value.
        bound: f64,
        /// The value found.
        got: f64,
    },
    /// Must be greater than another field's value.
    GreaterThanField {
        /// The other field.
        other: String,
        /// Its value.
        bound: f64,
        /// The value found.
        got: f64,
    },
    /// A name is empty.
    Empty,
    /// A name is too long.
    NameTooLong {
        /// Most characters allowed.
        max: u32,
    },
    /// `*` used as a name.
    Reserved,
    /// A name used twice.
    NameTaken {
        /// The name.
        name: String,
    },
    /// A reference to a queue that does not exist.
    NoQueue {
        /// The name given.
        name: String,
        /// The queues there are.
        known: Vec<String>,
    },
    /// A reference to a group that does not exist.
    NoGroup {
        /// The name given.
        name: String,
        /// The groups there are.
        known: Vec<String>,
    },
    /// A list that needs at least one entry is empty.
    NeedsOne,
    /// Sync mode towards a queue nobody reads.
    SyncNoConsumer {
        /// The queue.
        queue: String,
    },
    /// A second consumer group on a queue.
    QueueTaken {
        /// The queue.
        queue: String,
        /// The group already reading it.
        group: String,
    },
    /// A planned crash of an instance that does not exist.
    NoInstance {
        /// Instances in the group.
        count: u32,
        /// The instance given.
        got: u32,
    },
    /// Too many messages in all.
    TooManyMessages {
        /// Messages the scenario would make.
        total: u64,
        /// The limit.
        max: u64,
    },
    /// Too many nodes.
    TooManyNodes {
        /// Nodes the scenario would have.
        nodes: u64,
        /// The limit.
        max: u64,
    },
    /// A non-zero duration shorter than the engine's 1 µs resolution (it would
    /// round to 0).
    BelowResolution {
        /// Whether 0 is refused too.
        positive: bool,
        /// The value found.
        got: f64,
    },
    /// A list with more entries than allowed.
    TooManyEntries {
        /// Most entries allowed.
        max: u64,
        /// Entries found.
        got: u64,
    },
    /// More outage windows in all than allowed.
    TooManyWindows {
        /// Windows in all.
        total: u64,
        /// The limit.
        max: u64,
    },
    /// A text (name, description) longer than allowed.
    TextTooLong {
        /// Most characters allowed.
        max: u64,
        /// Characters found.
        got: u64,
    },
    /// A producer that starts after the run has ended.
    StartsAfterEnd {
        /// The run's length, ms.
        duration_ms: f64,
    },
    /// An array where an object (`{…}`) belongs, the document's root included.
    ExpectedObject,
    /// A file larger than allowed (it is not read further).
    FileTooLarge {
        /// Largest allowed, bytes.
        max_bytes: u64,
    },
    /// A number with more significant digits than a scenario keeps exactly
    /// (its JSON would give back a neighbouring number).
    InexactNumber {
        /// The number, as written.
        written: String,
    },
    /// A reference to a queue, exchange or topic that does not exist.
    NoTarget {
        /// The name given.
        name: String,
        /// The queues, exchanges and topics there are.
        known: Vec<String>,
    },
    /// Sync mode towards an exchange (a synchronous call needs one service).
    SyncToExchange {
        /// The exchange.
        exchange: String,
    },
    /// A consumer group reading a queue or topic that does not exist.
    NoSource {
        /// The name given.
        name: String,
        /// The queues and topics there are.
        known: Vec<String>,
    },
    /// Sync mode towards a topic (a synchronous call needs one service).
    SyncToTopic {
        /// The topic.
        topic: String,
    },
    /// Routing keys on a binding of a fanout exchange (it ignores keys).
    KeysNeedDirect,
    /// The same queue bound twice to one exchange.
    BoundTwice {
        /// The queue.
        queue: String,
    },
    /// A service publishing in sync mode (it publishes with fire-and-forget
    /// or confirms).
    PublishSync,
    /// The dual-write crash point on a group that does not publish (it has
    /// only one write).
    BetweenWritesNeedsPublish,
    /// The crash point in the middle of a saga on a group without one.
    MidTransactionNeedsSaga,
    /// A saga step without a compensation that can fail (nothing could undo
    /// the steps before it... nor could the saga undo it).
    StepCannotFail,
    /// A saga step without a compensation before a step that can fail.
    NeedsCompensation {
        /// The later step's service, which can fail.
        later: String,
    },
    /// A saga orchestrated by a group reading a topic (its orders come from a queue).
    SagaFromTopic,
    /// An event store written by a group reading a topic, or running a saga.
    EventStoreNeedsQueue,
    /// A rebuild of a group that applies in version order (its version
    /// table would have to be rebuilt too: not modelled).
    RebuildWithVersions,
    /// Services that publish to each other in a loop (every message would
    /// make another, forever).
    PublishCycle {
        /// The loop, e.g. `billing → shipping → billing`.
        cycle: String,
    },
    /// A crash of a node that does not exist.
    NoNode {
        /// The name given.
        name: String,
        /// The producer groups, exchanges, queues and consumer groups there are.
        known: Vec<String>,
    },
    /// The run would need more memory than its budget allows.
    OverMemoryBudget {
        /// What the run needs at least, MB.
        needs_mb: u64,
        /// The budget, MB.
        budget_mb: u64,
    },
}

/// A number as problem messages show it: whole numbers without a decimal
/// point (shared with the translations in the web app).
pub fn num(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 { format!("{}", x as i64) } else { format!("{x}") }
}

impl ProblemKind {
    /// The problem in plain English.
    pub fn english(&self) -> String {
        use ProblemKind::*;
        match self {
            Json { detail } => detail.clone(),
            Version { got } => format!("must be {}, got {got}", super::SCENARIO_VERSION),
            NewerVersion { got } => format!(
                "this scenario was written by a newer msgsim (format version {got}); this one reads version {}",
                super::SCENARIO_VERSION
            ),
            Probability { got } => format!("must be a probability between 0 and 1, got {}", num(*got)),
            Duration { positive, got } => {
                format!("must be a number of milliseconds {}, got {}", if *positive { "> 0" } else { "≥ 0" }, num(*got))
            }
            TooLong { max_ms, got } => format!("must be at most {} ms, got {}", num(*max_ms), num(*got)),
            Between { lo, hi, got } => format!("must be between {} and {}, got {}", num(*lo), num(*hi), num(*got)),
            PositiveAtMost { max, got } => format!("must be > 0 and at most {}, got {}", num(*max), num(*got)),
            AtLeastField { other, bound, got } => format!("must be ≥ {other} ({}), got {}", num(*bound), num(*got)),
            GreaterThanField { other, bound, got } => {
                format!("must be greater than {other} ({}), got {}", num(*bound), num(*got))
            }
            Empty => "must not be empty".into(),
            NameTooLong { max } => format!("must be at most {max} characters"),
            Reserved => "\"*\" is reserved for link overrides".into(),
            NameTaken { name } => {
                format!("\"{name}\" is already used by another producer, exchange, queue, topic or consumer group")
            }
            NoQueue { name, known } if known.is_empty() => {
                format!("no queue is named \"{name}\" (no queues are defined)")
            }
            NoQueue { name, known } => format!("no queue is named \"{name}\" (queues: {})", known.join(", ")),
            NoGroup { name, known } => format!(
                "no producer, queue or consumer group is named \"{name}\" (known: {}, or \"*\")",
                known.join(", ")
            ),
            NeedsOne => "needs at least one entry".into(),
            SyncNoConsumer { queue } => {
                format!("sync calls a consumer of \"{queue}\" directly, but no consumer group reads it")
            }
            QueueTaken { queue, group } => format!(
                "queue \"{queue}\" is already read by group \"{group}\"; a queue's competing consumers form one group (raise its count instead)"
            ),
            NoInstance { count, got } => {
                format!("the group has {count} instance(s), numbered from 0; got {got}")
            }
            TooManyMessages { total, max } => format!("produce {total} messages in all; the limit is {max}"),
            TooManyNodes { nodes, max } => format!("the topology has {nodes} nodes; the limit is {max}"),
            BelowResolution { positive: true, got } => {
                format!("must be at least 0.001 ms (1 µs, the engine's resolution), got {}", num(*got))
            }
            BelowResolution { positive: false, got } => {
                format!("must be 0 or at least 0.001 ms (1 µs, the engine's resolution), got {}", num(*got))
            }
            TooManyEntries { max, got } => format!("has {got} entries; must be ≤ {max}"),
            TooManyWindows { total, max } => format!("the scenario has {total} outage windows in all; must be ≤ {max}"),
            TextTooLong { max, got } => format!("has {got} characters; must be ≤ {max}"),
            StartsAfterEnd { duration_ms } => {
                format!("starts after the run ends (duration_ms is {}): it would produce nothing", num(*duration_ms))
            }
            ExpectedObject => "must be a JSON object ({…}), not an array".into(),
            FileTooLarge { max_bytes } => format!("the file is larger than {max_bytes} bytes; must be ≤ {max_bytes}"),
            InexactNumber { written } => format!(
                "{written} cannot be kept exactly: write it with at most 15 significant digits, between 1e-22 and 1e14"
            ),
            NoTarget { name, known } => {
                format!("no queue, exchange or topic is named \"{name}\" (known: {})", known.join(", "))
            }
            SyncToExchange { exchange } => format!(
                "sync calls one service directly; \"{exchange}\" is an exchange (send to it with confirm or fire_and_forget)"
            ),
            NoSource { name, known } => {
                format!("no queue or topic is named \"{name}\" (known: {})", known.join(", "))
            }
            SyncToTopic { topic } => format!(
                "sync calls one service directly; \"{topic}\" is a topic (send to it with confirm or fire_and_forget)"
            ),
            KeysNeedDirect => {
                "a fanout exchange routes every message to every bound queue; keys need kind direct".into()
            }
            BoundTwice { queue } => format!("queue \"{queue}\" is bound to this exchange twice"),
            PublishSync => "a service publishes with fire_and_forget or confirm, not sync".into(),
            BetweenWritesNeedsPublish => {
                "between_writes is a crash between a service's commit and its publish: this group publishes nothing (set publish, or choose before_effect or after_effect)".into()
            }
            MidTransactionNeedsSaga => {
                "mid_transaction is a crash in the middle of a saga or two-phase commit: this group runs none (set saga, or choose another point)".into()
            }
            StepCannotFail => "a step without a compensation must not fail: set fail_probability to 0, or give it a compensation".into(),
            NeedsCompensation { later } => format!(
                "this step needs a compensation: a later step (\"{later}\") can fail, and then this one must be undone"
            ),
            SagaFromTopic => {
                "a saga's orchestrator takes its orders from a queue, not from a topic".into()
            }
            EventStoreNeedsQueue => {
                "an event store is written by a group that takes its commands from a queue and runs no saga".into()
            }
            RebuildWithVersions => {
                "a group that applies in version order cannot be rebuilt here: turn off idempotency.versions, or the rebuild".into()
            }
            PublishCycle { cycle } => {
                format!(
                    "these services publish to each other in a loop ({cycle}): every message would make another, forever"
                )
            }
            NoNode { name, known } => format!(
                "no producer group, exchange, queue, topic, consumer group or saga service is named \"{name}\" (known: {})",
                known.join(", ")
            ),
            OverMemoryBudget { needs_mb, budget_mb } => format!(
                "this run needs at least {needs_mb} MB, more than its {budget_mb} MB budget (fewer messages, keys or groups will fit)"
            ),
        }
    }
}

/// One thing wrong with a scenario.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Problem {
    /// JSON path of the offending field, e.g. `producers[0].arrival.rate_per_s`;
    /// empty for the document as a whole.
    pub path: String,
    /// What is wrong, in plain English.
    pub message: String,
    /// What is wrong, as data (for translation).
    pub kind: ProblemKind,
}

impl Problem {
    /// A problem of `kind` at `path`.
    pub fn new(path: impl Into<String>, kind: ProblemKind) -> Self {
        Problem { path: path.into(), message: kind.english(), kind }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() { write!(f, "{}", self.message) } else { write!(f, "{}: {}", self.path, self.message) }
    }
}
