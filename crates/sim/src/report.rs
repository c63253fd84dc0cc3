//! The report: counters, latency, throughput, queueing figures and a verdict.

use serde::{Deserialize, Serialize};

use crate::ledger::StatusCounts;
use crate::metrics::{Counts, Latencies, Metrics};
use crate::time::{self, MICROS_PER_SEC, Time};

/// Whether every business message took effect exactly once.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Every message took effect exactly once.
    Correct,
    /// Every message took effect, some more than once.
    Duplicates,
    /// No message took effect twice, but some never did.
    Losses,
    /// Both.
    DuplicatesAndLosses,
    /// The run was cut short (time, event or memory limit, or a report taken
    /// mid-run) with messages still on their way.
    Incomplete,
    /// No message was produced: there is nothing to judge.
    NoMessages,
}

impl Verdict {
    /// The snake_case name, as in the JSON report.
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Correct => "correct",
            Verdict::Duplicates => "duplicates",
            Verdict::Losses => "losses",
            Verdict::DuplicatesAndLosses => "duplicates_and_losses",
            Verdict::Incomplete => "incomplete",
            Verdict::NoMessages => "no_messages",
        }
    }
}

/// Why a run stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    /// Nothing left to happen.
    Finished,
    /// The scenario's (or caller's) time limit.
    TimeLimit,
    /// The scenario's event limit.
    EventLimit,
    /// The run's memory budget: what it holds grew past it (see
    /// `Simulation::with_memory_budget`).
    MemoryLimit,
}

/// Latency percentiles in ms (nearest-rank method).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LatencyStats {
    /// Mean.
    pub mean: f64,
    /// Median.
    pub p50: f64,
    /// 95th percentile.
    pub p95: f64,
    /// 99th percentile.
    pub p99: f64,
    /// Largest.
    pub max: f64,
}

impl LatencyStats {
    /// Statistics of samples in µs; all zero when there are none.
    pub fn of(samples: &[Time]) -> Self {
        if samples.is_empty() {
            return LatencyStats::default();
        }
        let mut s = samples.to_vec();
        crate::sorted::sort_u64(&mut s);
        let rank = |p: f64| {
            let r = (p / 100.0 * s.len() as f64).ceil() as usize;
            round3(time::to_ms(s[r.clamp(1, s.len()) - 1]))
        };
        let sum: u128 = s.iter().map(|&x| u128::from(x)).sum();
        LatencyStats {
            mean: round3(sum as f64 / s.len() as f64 / 1_000.0),
            p50: rank(50.0),
            p95: rank(95.0),
            p99: rank(99.0),
            max: round3(time::to_ms(s[s.len() - 1])),
        }
    }
}

/// Time-weighted mean and maximum of a level.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DepthStats {
    /// Time-weighted mean.
    pub mean: f64,
    /// Maximum.
    pub max: u64,
}

/// Depth figures of one queue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QueueFigures {
    /// Queue name.
    pub name: String,
    /// Ready messages: time-weighted mean and maximum.
    pub depth: DepthStats,
}

/// What one consumer group did: in a graph a message counts once in every
/// group it is routed to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupFigures {
    /// Group name.
    pub name: String,
    /// The queue or topic it reads.
    pub queue: String,
    /// Effect applications, duplicates included.
    pub effects: u64,
    /// Applications beyond the first of a message in this group.
    pub duplicate_effects: u64,
    /// Messages routed to this group that never took effect in it.
    pub never_applied: u64,
    /// Effects skipped by its idempotency store.
    pub dedup_hits: u64,
    /// Reading a topic: rebalances of the group.
    pub rebalances: u64,
    /// Reading a topic: records it will never read (gone before it got to
    /// them, or before its start at the latest offset).
    pub skipped: u64,
    /// Reading a topic: its consumer lag (records appended and not yet
    /// committed); absent for a group reading a queue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lag: Option<LagFigures>,
    /// Produce → first effect in this group, in ms.
    pub latency: LatencyStats,
    /// Busy slot-time over available slot-time.
    pub utilization: f64,
}

/// A group's consumer lag: over all its partitions, and per partition.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LagFigures {
    /// Time-weighted mean of the total lag.
    pub mean: f64,
    /// Largest total lag.
    pub max: u64,
    /// At the end of the run.
    pub end: u64,
    /// Per partition, in partition order.
    pub partitions: Vec<DepthStats>,
}

/// The outcome of a run. Field names are stable: the UI, the golden tests and
/// teachers' scripts read them. The counters come first, as one struct
/// ([`Counts`], flattened into the JSON).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Every counter (produced, sent, lost in transit, … see [`Counts`]).
    #[serde(flatten)]
    pub counts: Counts,
    /// (Message, queue) pairs that never took effect: messages never applied,
    /// or in a graph, messages never applied in some group they were routed
    /// to (an unroutable message counts once).
    pub never_applied: u64,
    /// Messages made with no queue to go to (an exchange's bindings match
    /// none): each counts as never applied.
    pub unroutable: u64,
    /// Most producer retries that reached a broker within one 10 ms window:
    /// retries that arrive in synchronised waves make this high.
    pub retry_peak_10ms: u64,
    /// Produce → first effect (in each group a message reaches), in ms.
    pub latency: LatencyStats,
    /// A producer's message → the last first effect of everything derived
    /// from it (a service's downstream messages included), in ms: equal to
    /// `latency` when nothing publishes downstream.
    pub end_to_end_latency: LatencyStats,
    /// Messages applied per simulated second.
    pub throughput: f64,
    /// Simulated time at the end of the run, in ms.
    pub sim_time_ms: f64,
    /// Engine events executed.
    pub events: u64,
    /// Ready messages over all queues.
    pub queue_depth: DepthStats,
    /// Per-queue depth.
    pub queues: Vec<QueueFigures>,
    /// Per consumer group.
    pub groups: Vec<GroupFigures>,
    /// Busy slot-time over available slot-time.
    pub consumer_utilization: f64,
    /// With `costs`: each broker's time spent serving over the run's time
    /// (1 is saturated: the knee is behind it). Empty without costs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub broker_utilization: Vec<BrokerLoad>,
    /// With a saga: how its runs ended; absent without one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sagas: Option<SagaFigures>,
    /// With a projection's rebuild: from its start to the last record
    /// replayed (the rebuilt state has caught up with the old one), in ms;
    /// absent without a rebuild.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rebuild_ms: Option<f64>,
    /// Where every message stands (sums to `produced` + `derived`).
    pub status: StatusCounts,
    /// Why the run stopped; null for a report taken mid-run.
    pub stopped: Option<StopReason>,
    /// The seed of the run.
    pub seed: u64,
    /// The verdict.
    pub verdict: Verdict,
}

/// What the sagas did (`saga.rs`): each order an orchestrator takes runs one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SagaFigures {
    /// Sagas begun (one per order taken; a redelivery resumes its order's).
    pub started: u64,
    /// Ended with every step done.
    pub completed: u64,
    /// Ended with every step they did compensated.
    pub compensated: u64,
    /// Not ended when the run stopped.
    pub open: u64,
    /// Of those, how many have some steps in force and some not: their
    /// services disagree.
    pub open_inconsistent: u64,
    /// Ended with some steps in force and some not. The checker's
    /// invariant: always 0.
    pub half_done: u64,
    /// From a saga's first change at a service to its last (its services
    /// disagree meanwhile), over the sagas that ended having changed
    /// something, in ms.
    pub inconsistency_window: LatencyStats,
    /// Two-phase commit: how long a participant held the lock on an
    /// order's key, from its vote to commit to the decision reaching it
    /// (the key was blocked meanwhile), over the locks released, in ms.
    /// Absent without two-phase commit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locks_held: Option<LatencyStats>,
    /// Two-phase commit: participants still prepared when the run stopped,
    /// holding a lock while they wait for a decision (in doubt).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub in_doubt: u64,
    /// Packets sent between the group and the services, and between the
    /// services (requests, answers, acknowledgements, with every retry):
    /// what coordinating the sagas cost the network.
    #[serde(default)]
    pub messages: u64,
}

/// How busy one broker was.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BrokerLoad {
    /// "queues" for the queue broker; a topic's name and the broker's
    /// number for a log broker ("events/0").
    pub broker: String,
    /// Time spent serving over the run's time.
    pub utilization: f64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

fn round3(x: f64) -> f64 {
    (x * 1_000.0).round() / 1_000.0
}

/// The verdict for a run's counts. A run that `finished` (nothing left to
/// happen) is never incomplete: a message still unsettled then is stuck for
/// good (e.g. awaiting an ack that will never come) and counts as never applied.
pub fn verdict(produced: u64, duplicate_effects: u64, never_applied: u64, unsettled: u64, finished: bool) -> Verdict {
    if produced == 0 && finished {
        return Verdict::NoMessages;
    }
    match (!finished && unsettled > 0, duplicate_effects > 0, never_applied > 0) {
        (true, _, _) => Verdict::Incomplete,
        (false, false, false) => Verdict::Correct,
        (false, true, false) => Verdict::Duplicates,
        (false, false, true) => Verdict::Losses,
        (false, true, true) => Verdict::DuplicatesAndLosses,
    }
}

/// What a report is built from.
pub(crate) struct ReportInputs<'a> {
    pub metrics: &'a Metrics,
    pub latencies: &'a Latencies,
    pub status: StatusCounts,
    pub queue_names: Vec<(usize, String)>,
    /// Per consumer group: `(name, queue name, pairs never applied)`.
    pub groups: Vec<(String, String, u64)>,
    pub unroutable: u64,
    /// With costs: each broker's name and time spent serving (taken on
    /// by now, so capped at the run's time).
    pub brokers: Vec<(String, Time)>,
    pub events: u64,
    pub stopped: Option<StopReason>,
    pub seed: u64,
    pub sagas: Option<crate::saga::SagaTally>,
}

impl Report {
    pub(crate) fn build(i: ReportInputs<'_>) -> Report {
        let m = i.metrics;
        let c = &m.counts;
        let sim_time = m.now;
        let never_applied = c.expected.saturating_sub(c.unique_effects);
        let latency = LatencyStats::of(&i.latencies.samples);
        let one_group = i.groups.len() == 1;
        let groups = i
            .groups
            .into_iter()
            .enumerate()
            .map(|(g, (name, queue, never_applied))| {
                let k = m.group(g);
                GroupFigures {
                    name,
                    queue,
                    effects: k.effects,
                    duplicate_effects: k.duplicate_effects,
                    never_applied,
                    dedup_hits: k.dedup_hits,
                    rebalances: k.rebalances,
                    skipped: k.skipped,
                    lag: m.lag.of_group(g).map(|(total, parts)| LagFigures {
                        mean: round3(total.mean(sim_time)),
                        max: total.max,
                        end: total.now,
                        partitions: parts
                            .iter()
                            .map(|l| DepthStats { mean: round3(l.mean(sim_time)), max: l.max })
                            .collect(),
                    }),
                    // One group: its latencies are all of them (sorted once).
                    latency: if one_group { latency } else { LatencyStats::of(&i.latencies.of_group(g)) },
                    utilization: round3(m.group_utilization(g)),
                }
            })
            .collect();
        Report {
            counts: *c,
            never_applied,
            unroutable: i.unroutable,
            retry_peak_10ms: u64::from(m.retry_peak_10ms),
            rebuild_ms: m.rebuild_at.map(|at| time::to_ms(m.last_replay.saturating_sub(at))),
            end_to_end_latency: if c.derived == 0 { latency } else { LatencyStats::of(&i.latencies.chains) },
            latency,
            throughput: if sim_time == 0 {
                0.0
            } else {
                round3(c.unique_effects as f64 * MICROS_PER_SEC as f64 / sim_time as f64)
            },
            sim_time_ms: time::to_ms(sim_time),
            events: i.events,
            queue_depth: DepthStats { mean: round3(m.mean_depth()), max: m.max_total_depth },
            queues: i
                .queue_names
                .into_iter()
                .map(|(node, name)| QueueFigures {
                    name,
                    depth: DepthStats { mean: round3(m.mean_node_depth(node)), max: u64::from(m.max_depth[node]) },
                })
                .collect(),
            groups,
            consumer_utilization: round3(m.utilization()),
            broker_utilization: i
                .brokers
                .into_iter()
                .map(|(broker, busy)| BrokerLoad {
                    broker,
                    utilization: round3((busy as f64 / sim_time.max(1) as f64).min(1.0)),
                })
                .collect(),
            sagas: i.sagas.map(|t| SagaFigures {
                started: t.started,
                completed: t.completed,
                compensated: t.compensated,
                open: t.open,
                open_inconsistent: t.mixed_open,
                half_done: t.half_done,
                inconsistency_window: LatencyStats::of(&t.windows),
                locks_held: t.two_phase.then(|| LatencyStats::of(&t.held)),
                in_doubt: t.in_doubt,
                messages: t.messages,
            }),
            status: i.status,
            stopped: i.stopped,
            seed: i.seed,
            verdict: verdict(
                c.produced,
                c.duplicate_effects,
                never_applied,
                i.status.unsettled(),
                i.stopped == Some(StopReason::Finished),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let samples: Vec<Time> = (1..=100).map(|i| i * 1_000).collect();
        let s = LatencyStats::of(&samples);
        assert_eq!((s.p50, s.p95, s.p99, s.max), (50.0, 95.0, 99.0, 100.0));
        assert_eq!(s.mean, 50.5);
        assert_eq!(LatencyStats::of(&[]), LatencyStats::default());
    }

    #[test]
    fn verdicts() {
        assert_eq!(verdict(5, 0, 0, 0, true), Verdict::Correct);
        assert_eq!(verdict(5, 1, 0, 0, true), Verdict::Duplicates);
        assert_eq!(verdict(5, 0, 1, 0, true), Verdict::Losses);
        assert_eq!(verdict(5, 1, 1, 0, true), Verdict::DuplicatesAndLosses);
        assert_eq!(verdict(5, 0, 1, 3, false), Verdict::Incomplete);
        // Finished with a message stuck in a queue: it is lost, not pending.
        assert_eq!(verdict(5, 0, 1, 1, true), Verdict::Losses);
        // Nothing produced is not "correct".
        assert_eq!(verdict(0, 0, 0, 0, true), Verdict::NoMessages);
        assert_eq!(verdict(0, 0, 0, 0, false), Verdict::Correct, "a report taken before the first message");
    }
}
