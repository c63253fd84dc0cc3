//! Memory: what a run holds, estimated before it starts and watched while it
//! runs, so that every accepted scenario stays within a budget.
//!
//! * **Before the run** ([`static_bytes`]): what grows with the scenario's
//!   size — one ledger record and one latency per message, the per-key
//!   sequence numbers, the idempotency bitsets, the link table, the outage
//!   index — and the trace, if it is kept. A scenario whose estimate exceeds
//!   the budget is refused by `Simulation::new` with that estimate, never
//!   started.
//! * **During the run** ([`Simulation::memory_bytes`](crate::Simulation)):
//!   what grows with what happens — pending events, queues, buffers,
//!   backlogs, timers, deliveries awaiting an ack. Every
//!   [`CHECK_EVERY`] events the engine adds it up, and whenever the pending
//!   events pass [`CHECK_PENDING`] or double again (one event can schedule
//!   many: a timer redelivering every delivery due at once); past the budget
//!   the run stops with [`StopReason::MemoryLimit`](crate::StopReason), its
//!   report intact. Between two checks the run holds at most about twice
//!   what it held at the last, so the overshoot is bounded too.
//!
//! The counts are of capacities (what is really allocated) and of
//! fixed-size types (the same on every platform), so the check is
//! deterministic: the same scenario, seed and budget stop at the same event.

use crate::scenario::{Problem, ProblemKind, Scenario};
use crate::trace::TraceEvent;

/// The budget of a run unless its caller sets another (the CLI's): 2 GiB.
pub const DEFAULT_BUDGET: u64 = 2 << 30;

/// Events between two looks at what the run holds (a power of two).
pub const CHECK_EVERY: u64 = 1 << 16;
const _: () = assert!(CHECK_EVERY.is_power_of_two());

/// Pending events past which (and past each doubling of which) the engine
/// also looks, however few events ran: one event may schedule many.
pub const CHECK_PENDING: usize = 1 << 16;

/// Bytes of `n` values of `T` (a vector's capacity, or a count of entries).
pub(crate) fn vec_bytes<T>(n: usize) -> u64 {
    (n as u64).saturating_mul(std::mem::size_of::<T>() as u64)
}

/// Bytes a message costs for the whole run: its ledger record, its latency
/// and its producer's send state.
pub const PER_MESSAGE: u64 = 40 + 8 + 1;

/// What a message graph adds per message (parent, subscriptions, pending
/// pairs, stream) and per (message, subscribing queue) pair (its effect
/// count, and a latency with its group).
pub const PER_GRAPH_MESSAGE: u64 = 4 + 4 + 4 + 2;
/// See [`PER_GRAPH_MESSAGE`].
pub const PER_SUBSCRIPTION: u64 = 8 + 8 + 2;

/// Bytes a kept trace record costs, the UI's index over it included.
pub const PER_TRACE_RECORD: u64 = std::mem::size_of::<TraceEvent>() as u64 + 16;

/// What a run of `s` holds whatever happens in it, in bytes, when it keeps up
/// to `trace` records.
pub fn static_bytes(s: &Scenario, trace: u64) -> u64 {
    let messages = s.total_messages();
    let keys = s.producers.iter().map(|p| u64::from(p.keys)).max().unwrap_or(1);
    let groups_with_dedup = s.consumers.iter().filter(|c| c.idempotency.enabled).count() as u64;
    let nodes = s.producers.iter().map(|p| u64::from(p.count)).sum::<u64>()
        + s.exchanges.len() as u64
        + s.queues.len() as u64
        + s.consumers.iter().map(|c| u64::from(c.count)).sum::<u64>();
    let windows = s.network.default.outages.len() as u64
        + s.network.links.iter().map(|o| o.outages.as_ref().map_or(0, Vec::len) as u64).sum::<u64>();
    // A producer's message fans out to at most every queue; what services
    // publish grows with the run and is watched while it runs.
    let graph = !s.exchanges.is_empty() || s.consumers.iter().any(|c| c.publish.is_some());
    let fan_out = s.exchanges.iter().map(|x| x.bindings.len() as u64).max().unwrap_or(1).max(1);
    let graph_bytes =
        if graph { messages.saturating_mul(PER_GRAPH_MESSAGE + fan_out.saturating_mul(PER_SUBSCRIPTION)) } else { 0 };
    messages.saturating_mul(PER_MESSAGE)
        + graph_bytes
        + keys * 8
        + groups_with_dedup * messages.div_ceil(8)
        + nodes * nodes * 2
        + windows * 16
        + trace.saturating_mul(PER_TRACE_RECORD)
}

/// Refuses `s` if what it needs whatever happens (with up to `trace` records
/// kept) exceeds `budget` bytes, saying how much it needs.
pub fn check(s: &Scenario, trace: u64, budget: u64) -> Result<(), Vec<Problem>> {
    let needs = static_bytes(s, trace);
    if needs <= budget {
        return Ok(());
    }
    let kind = ProblemKind::OverMemoryBudget { needs_mb: mb(needs), budget_mb: mb(budget) };
    Err(vec![Problem::new("", kind)])
}

/// Whole megabytes, rounded up (for messages).
pub fn mb(bytes: u64) -> u64 {
    bytes.div_ceil(1 << 20)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_estimate_grows_with_messages_and_the_trace() {
        let s = crate::presets::get("acks-and-retries").unwrap().scenario.clone();
        let small = static_bytes(&s, 0);
        assert!(small >= s.total_messages() * PER_MESSAGE);
        assert!(static_bytes(&s, 1_000_000) > small + 60_000_000);
        assert_eq!(mb(1), 1);
        assert_eq!(mb(1 << 20), 1);
    }
}
