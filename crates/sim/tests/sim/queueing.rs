//! The scenarios that realise queueing-theory models (shared by the theory
//! tests and the `theory_spread` example); the formulas are the engine's own
//! (`msgsim_sim::theory`), the ones a sweep's theory overlay draws.

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

/// A station of a network: a queue (prefetch 1, no ack timeout) read by
/// one exponential server of rate `mu`.
fn station(s: &mut Scenario, name: &str, mu: f64) {
    s.queues.push(QueueSpec { name: format!("{name}-q"), prefetch: 1, ack_timeout_ms: None, ..Default::default() });
    s.consumers.push(ConsumerSpec {
        name: name.into(),
        from: format!("{name}-q"),
        processing: Dist::Exponential { mean_ms: 1_000.0 / mu },
        ..Default::default()
    });
}

/// Two M/M/1 stations in tandem (a Jackson network): Poisson arrivals at
/// `lambda` into a station of rate `mu1`, whose service publishes each
/// message on (fire and forget, no network delay) to a station of rate `mu2`.
pub fn tandem(lambda: f64, mu1: f64, mu2: f64, messages: u32) -> Scenario {
    let mut s = mmc(lambda, mu1, 1, messages);
    s.queues.clear();
    s.consumers.clear();
    s.producers[0].to = "a-q".into();
    station(&mut s, "a", mu1);
    station(&mut s, "b", mu2);
    s.consumers[0].publish = Some(PublishSpec { to: "b-q".into(), ..Default::default() });
    s
}

/// Poisson arrivals at `lambda` published to a fanout exchange bound to one
/// M/M/1 station per rate in `mus`.
pub fn fan_out(lambda: f64, mus: &[f64], messages: u32) -> Scenario {
    let mut s = mmc(lambda, mus[0], 1, messages);
    s.queues.clear();
    s.consumers.clear();
    s.producers[0].to = "x".into();
    let names: Vec<String> = (0..mus.len()).map(|i| format!("s{i}")).collect();
    for (name, &mu) in names.iter().zip(mus) {
        station(&mut s, name, mu);
    }
    s.exchanges.push(ExchangeSpec {
        name: "x".into(),
        bindings: names.iter().map(|n| Binding { queue: format!("{n}-q"), keys: None }).collect(),
        ..Default::default()
    });
    s
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
