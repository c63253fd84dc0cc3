//! Queueing-theory formulas and the scenarios that realise them (shared by
//! the theory tests and the `theory_spread` example).

use msgsim_sim::*;

use crate::support::single_hop;

/// Poisson arrivals at `lambda` per second into `servers` exponential servers
/// of `mu` per second each, over zero-latency links, prefetch 1 (so a message
/// waits in the queue until a server is free: exactly M/M/c).
pub fn mmc(lambda: f64, mu: f64, servers: u32, messages: u32) -> Scenario {
    let mut s = single_hop(messages);
    s.producers[0].arrival = Arrival::Poisson { rate_per_s: lambda };
    s.queues[0].prefetch = 1;
    s.queues[0].ack_timeout_ms = None;
    s.consumers[0].count = servers;
    s.consumers[0].processing = Dist::Exponential { mean_ms: 1_000.0 / mu };
    s.max_events = 100_000_000;
    s.duration_ms = 1.0e9;
    s
}

/// Erlang C: probability that an arrival must wait in M/M/c.
pub fn erlang_c(lambda: f64, mu: f64, c: u32) -> f64 {
    let a = lambda / mu;
    let rho = a / f64::from(c);
    let mut term = 1.0; // a^k / k!
    let mut sum = 0.0;
    for k in 0..c {
        sum += term;
        term *= a / f64::from(k + 1);
    }
    let top = term / (1.0 - rho);
    top / (sum + top)
}

/// M/M/1/K blocking probability (K = places in the system, service included).
pub fn mm1k_blocking(rho: f64, k: u32) -> f64 {
    (1.0 - rho) * rho.powi(k as i32) / (1.0 - rho.powi(k as i32 + 1))
}

/// Fraction of messages whose processing started later than their enqueue.
pub fn waited_fraction(sim: &Simulation) -> f64 {
    let mut enqueued = vec![u64::MAX; sim.ledger().len()];
    let mut waited = 0u64;
    let mut started = 0u64;
    for e in sim.trace() {
        match e.kind {
            EventKind::Enqueue => enqueued[e.msg as usize] = e.time,
            EventKind::ProcessStart if e.delivery == 1 => {
                started += 1;
                waited += u64::from(e.time > enqueued[e.msg as usize]);
            }
            _ => {}
        }
    }
    waited as f64 / started as f64
}
