//! # msgsim-sim: asynchronous messaging, simulated exactly
//!
//! A deterministic discrete-event simulator of services that talk through
//! message queues over unreliable links. It is the engine behind the msgsim
//! web app and the `msgsim` command line; it has no web dependencies.
//!
//! ## The model in one picture
//!
//! ```text
//!  producer ──publish──▶ queue ──deliver──▶ consumer ──effect──▶ ledger
//!     ▲  ◀──confirm/reject──┘  ▲ ◀───ack/nack────┘
//!     └──────────── reply (sync mode: no queue) ─────┘
//! ```
//!
//! Every arrow is a [`Link`] that can delay (any [`Dist`]), lose, duplicate and
//! partition (outage windows). Producers may retry with backoff; queues
//! redeliver what is not acknowledged and dead-letter what keeps failing;
//! consumers may crash and may keep an idempotency store. The [`Ledger`]
//! records what effect every message had, and the [`Report`] gives the verdict:
//! did every business message take effect exactly once?
//!
//! ## How the engine works
//!
//! * Time is an integer number of microseconds ([`Time`]).
//! * Pending events are ordered by time, then by insertion, so events at the
//!   same instant run in the order they were scheduled (a timing wheel for the
//!   next few milliseconds, a heap beyond; see `scheduler.rs`).
//! * One seeded Xoshiro256++ generator ([`SimRng`]) feeds every random choice, in a
//!   fixed order; floating-point functions come from `libm`. So the same
//!   scenario and seed give the same [`trace`](Simulation::trace) on every
//!   machine, natively and in WebAssembly.
//! * Each event is handled by the node it concerns; handlers act through a
//!   shared context (send a packet, set a timer, record a trace event) and never
//!   touch each other's state.
//! * Every trace event is folded into [`Metrics`], so the report is a function
//!   of the trace; the web UI folds the same events to show any moment.
//! * In debug builds, [`Simulation::check_conservation`] runs after every event:
//!   every message copy must be on a link, in a queue, or in a consumer's hands
//!   exactly as the ledger says.
//!
//! ## Example
//!
//! Fire-and-forget over a lossy link loses messages; confirms with retries
//! lose none but duplicate some; an idempotency store makes the effect exactly
//! once.
//!
//! ```
//! use msgsim_sim::{Scenario, SendMode, Simulation, Verdict};
//!
//! let mut s = msgsim_sim::presets::get("lossy-fire-and-forget").unwrap().scenario.clone();
//! let report = Simulation::new(&s, 7).unwrap().run();
//! assert!(report.counts.lost_in_transit > 0);
//! assert_eq!(report.verdict, Verdict::Losses);
//!
//! // Wait for the broker's confirm and retry on timeout.
//! s.producers[0].send.mode = SendMode::Confirm;
//! let report = Simulation::new(&s, 7).unwrap().run();
//! assert_eq!(report.never_applied, 0);
//!
//! // Same seed, same run: the trace is identical.
//! let a = Simulation::new(&s, 7).unwrap();
//! let (mut a, mut b) = (a.clone(), a);
//! a.run();
//! b.run();
//! assert_eq!(a.trace(), b.trace());
//! ```
//!
//! ## Where to start reading
//!
//! [`scenario`] (what can be configured) → [`Simulation`] (the event loop) →
//! the node handlers (`producer.rs`, `broker.rs`, `consumer.rs`) →
//! [`Ledger`] and [`Report`] (the oracle). [`sweep`] runs a scenario over a
//! range of one setting and many seeds, with derived seeds and confidence
//! intervals.

mod awaiting_ack;
mod broker;
mod consumer;
mod context;
mod dedup;
pub mod dist;
mod event;
mod event_store;
pub mod lag;
pub mod ledger;
pub mod log;
pub mod memory;
pub mod metrics;
pub mod network;
pub mod partitions;
mod producer;
mod projection;
pub mod report;
pub mod rng;
mod saga;
mod scheduler;
mod service;
mod simulation;
pub mod sorted;
pub mod sweep;
pub mod theory;
pub mod time;
pub mod timeline;
mod timers;
pub mod topology;
pub mod trace;
mod versions;

pub use msgsim_scenario::{path, presets, scenario};

pub use dist::Dist;
pub use ledger::{Ledger, MsgStatus, StatusCounts};
pub use metrics::{Counts, GroupCounts, Latencies, Metrics};
pub use report::{BrokerLoad, GroupFigures, LagFigures, LatencyStats, Report, SagaFigures, StopReason, Verdict};
pub use rng::SimRng;
pub use scenario::{
    AckMode, Arrival, AssignorKind, Backoff, BackoffKind, Binding, BrokerCosts, CommitPolicy, ConsumerSpec, CrashPoint,
    CrashSpec, EventStoreKind, ExchangeKind, ExchangeSpec, Idempotency, KeyChoice, LinkOverride, LinkSpec,
    LogGroupSpec, Network, NodeCrash, OffsetResetKind, Overflow, Partitioner, Problem, ProblemKind, ProducerAcks,
    ProducerSpec, Protocol, PublishSpec, QueueSpec, SCENARIO_VERSION, SagaSpec, SagaStep, Scenario, ScheduledCrash,
    SendMode, SendSpec, ServiceCost, TopicSpec, Window, WriteOrder, problem_number,
};
pub use simulation::Simulation;
pub use time::Time;
pub use timeline::{Fate, Sample, Timeline};
pub use topology::{Edge, EdgeKind, Link, Node, NodeKind, Topology};
pub use trace::{Cause, EventKind, MsgId, NO_MSG, NO_NODE, NodeId, PacketKind, TraceEvent, trace_hash};
