//! Closed forms from queueing theory and probability that msgsim's runs
//! agree with: the theory tests hold the engine to them, and a sweep can
//! draw them beside its measurements — where the scenario meets their
//! assumptions ([`mmc_station`] says which one it does not).
//!
//! Rates are per second; times are in milliseconds, as in reports.

use crate::scenario::{AckMode, Arrival, Scenario, SendMode};
use msgsim_scenario::Dist;

/// Erlang C: the probability that an arrival must wait in an M/M/c queue
/// (arrivals at `lambda`, `c` servers of rate `mu`); 1 if it is unstable.
pub fn erlang_c(lambda: f64, mu: f64, c: u32) -> f64 {
    let a = lambda / mu;
    let rho = a / f64::from(c);
    if rho >= 1.0 {
        return 1.0;
    }
    let mut term = 1.0; // a^k / k!
    let mut sum = 0.0;
    for k in 0..c {
        sum += term;
        term *= a / f64::from(k + 1);
    }
    let top = term / (1.0 - rho);
    top / (sum + top)
}

/// M/M/c mean waiting time in the queue, ms: C / (cμ − λ); `None` if the
/// queue is unstable (λ ≥ cμ: it grows without bound).
pub fn mmc_wait_ms(lambda: f64, mu: f64, c: u32) -> Option<f64> {
    let capacity = f64::from(c) * mu;
    (lambda < capacity).then(|| 1_000.0 * erlang_c(lambda, mu, c) / (capacity - lambda))
}

/// M/M/c mean time in the system (waiting and service), ms.
pub fn mmc_time_in_system_ms(lambda: f64, mu: f64, c: u32) -> Option<f64> {
    mmc_wait_ms(lambda, mu, c).map(|wq| wq + 1_000.0 / mu)
}

/// M/D/1 mean waiting time in the queue, ms (Pollaczek–Khinchine with a
/// constant service time of `service_ms`): ρS / (2(1 − ρ)); `None` if the
/// server cannot keep up (ρ = λS ≥ 1). A broker with `costs` serving
/// records of a Poisson producer one at a time is such a queue.
pub fn md1_wait_ms(lambda: f64, service_ms: f64) -> Option<f64> {
    let rho = lambda * service_ms / 1_000.0;
    (rho < 1.0).then(|| rho * service_ms / (2.0 * (1.0 - rho)))
}

/// M/M/1/K: the probability that an arrival finds all `k` places (service
/// included) taken and is turned away, at load `rho` = λ/μ.
pub fn mm1k_blocking(rho: f64, k: u32) -> f64 {
    if (rho - 1.0).abs() < 1e-12 {
        return 1.0 / f64::from(k + 1);
    }
    (1.0 - rho) * rho.powi(k as i32) / (1.0 - rho.powi(k as i32 + 1))
}

/// The probability that a message is lost when each of `attempts`
/// independent attempts is lost with probability `p`: pᵏ.
pub fn lost_after_attempts(p: f64, attempts: u32) -> f64 {
    p.powi(attempts as i32)
}

/// A scenario that is an M/M/c station.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Station {
    /// Arrivals per second (all producers).
    pub lambda: f64,
    /// Services per second of one server.
    pub mu: f64,
    /// Servers (instances × concurrency).
    pub servers: u32,
}

/// The assumption of a closed form (M/M/c, M/M/1/K, pᵏ) a scenario does
/// not meet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotMmc {
    /// One producer group, one queue, one consumer group, nothing else
    /// (no exchanges, no services that publish, no planned crashes).
    NotOneStation,
    /// Arrivals must be Poisson.
    ArrivalsNotPoisson,
    /// Service times must be exponential.
    ServiceNotExponential,
    /// The queue must have no capacity limit and no ack timeout, acks must be
    /// manual, and a consumer must hold only what it is processing
    /// (prefetch = concurrency).
    QueueNotPlain,
    /// Links must take no time and lose or duplicate nothing.
    LinksNotPerfect,
    /// No crashes and no poison messages; producers publish to the queue
    /// (not a synchronous call).
    NotFaultFree,
    /// M/M/1/K needs one server (one consumer, concurrency 1).
    NotOneServer,
    /// M/M/1/K needs a queue capacity (K − 1 waiting places).
    NoCapacity,
    /// pᵏ needs loss only on the link from the producers to the queue (a
    /// link override), no other loss, duplication or outage.
    LossNotOnPublishLink,
}

impl NotMmc {
    /// The assumption, in English.
    pub fn english(self) -> &'static str {
        match self {
            NotMmc::NotOneStation => "one producer group, one queue and one consumer group, nothing else",
            NotMmc::ArrivalsNotPoisson => "Poisson arrivals",
            NotMmc::ServiceNotExponential => "exponential processing times",
            NotMmc::QueueNotPlain => {
                "an unbounded queue, manual acks, no ack timeout, and prefetch equal to the consumers' concurrency"
            }
            NotMmc::LinksNotPerfect => "links that take no time and lose or duplicate nothing",
            NotMmc::NotFaultFree => "no crashes, no poison messages, and no synchronous calls",
            NotMmc::NotOneServer => "one server (one consumer, concurrency 1)",
            NotMmc::NoCapacity => "a queue capacity (K − 1 waiting places)",
            NotMmc::LossNotOnPublishLink => {
                "loss only on the link from the producers to the queue (a link override), and no other loss, duplication or outage"
            }
        }
    }
}

/// The M/M/c station `s` is, or the first assumption it does not meet.
pub fn mmc_station(s: &Scenario) -> Result<Station, NotMmc> {
    let ([p], [q], [c]) = (s.producers.as_slice(), s.queues.as_slice(), s.consumers.as_slice()) else {
        return Err(NotMmc::NotOneStation);
    };
    if !s.exchanges.is_empty() || c.publish.is_some() || !s.crashes.is_empty() || p.to != q.name || c.from != q.name {
        return Err(NotMmc::NotOneStation);
    }
    let Arrival::Poisson { rate_per_s } = p.arrival else { return Err(NotMmc::ArrivalsNotPoisson) };
    let Dist::Exponential { mean_ms } = c.processing else { return Err(NotMmc::ServiceNotExponential) };
    if q.capacity.is_some() || q.ack_timeout_ms.is_some() || q.ack != AckMode::Manual || q.prefetch != c.concurrency {
        return Err(NotMmc::QueueNotPlain);
    }
    let perfect = |loss: f64, duplicate: f64, latency: &Dist, outages: usize| {
        loss == 0.0 && duplicate == 0.0 && outages == 0 && *latency == Dist::Constant { ms: 0.0 }
    };
    let d = &s.network.default;
    let links_perfect = perfect(d.loss, d.duplicate, &d.latency, d.outages.len())
        && s.network.links.iter().all(|l| {
            l.loss.unwrap_or(0.0) == 0.0
                && l.duplicate.unwrap_or(0.0) == 0.0
                && l.latency.as_ref().is_none_or(|x| *x == Dist::Constant { ms: 0.0 })
                && l.outages.as_ref().is_none_or(Vec::is_empty)
        });
    if !links_perfect {
        return Err(NotMmc::LinksNotPerfect);
    }
    let crash = &c.crash;
    if crash.probability > 0.0 || !crash.schedule.is_empty() || p.poison_rate > 0.0 || p.send.mode == SendMode::Sync {
        return Err(NotMmc::NotFaultFree);
    }
    Ok(Station { lambda: f64::from(p.count) * rate_per_s, mu: 1_000.0 / mean_ms, servers: c.count * c.concurrency })
}

/// An M/M/1/K station: the M/M/1 station `s` would be without its queue's
/// capacity, and `K` = capacity + 1 (the places, service included).
pub fn mm1k_station(s: &Scenario) -> Result<(Station, u32), NotMmc> {
    let mut plain = s.clone();
    let capacity = plain.queues.first_mut().and_then(|q| q.capacity.take());
    let station = mmc_station(&plain)?;
    let capacity = capacity.ok_or(NotMmc::NoCapacity)?;
    if station.servers != 1 {
        return Err(NotMmc::NotOneServer);
    }
    Ok((station, capacity.saturating_add(1)))
}

/// A single hop whose publishes are each lost independently: what pᵏ needs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LossyPublish {
    /// The publish link's loss probability.
    pub p: f64,
    /// Attempts per message (`max_attempts` with confirms, else 1).
    pub attempts: u32,
    /// Messages produced.
    pub messages: u64,
}

/// The lossy single hop `s` is, or the first assumption it does not meet: a
/// message is never applied iff all its attempts are lost (each attempt is
/// retried only while no confirm has come back, so however short the
/// timeout, pᵏ holds).
pub fn lossy_publish(s: &Scenario) -> Result<LossyPublish, NotMmc> {
    let ([p], [q], [c]) = (s.producers.as_slice(), s.queues.as_slice(), s.consumers.as_slice()) else {
        return Err(NotMmc::NotOneStation);
    };
    if !s.exchanges.is_empty() || c.publish.is_some() || !s.crashes.is_empty() || p.to != q.name || c.from != q.name {
        return Err(NotMmc::NotOneStation);
    }
    if c.crash.probability > 0.0 || !c.crash.schedule.is_empty() || p.poison_rate > 0.0 || p.send.mode == SendMode::Sync
    {
        return Err(NotMmc::NotFaultFree);
    }
    if q.capacity.is_some() {
        return Err(NotMmc::QueueNotPlain);
    }
    let d = &s.network.default;
    let mut loss = 0.0;
    let mut clean = d.loss == 0.0 && d.duplicate == 0.0 && d.outages.is_empty();
    for l in &s.network.links {
        clean &= l.duplicate.unwrap_or(0.0) == 0.0 && l.outages.as_ref().is_none_or(Vec::is_empty);
        let l_loss = l.loss.unwrap_or(0.0);
        if l.from == p.name && l.to == q.name && !l.both_ways {
            loss = l_loss;
        } else {
            clean &= l_loss == 0.0;
        }
    }
    if !clean {
        return Err(NotMmc::LossNotOnPublishLink);
    }
    let attempts = if p.send.mode == SendMode::Confirm { p.send.max_attempts } else { 1 };
    Ok(LossyPublish { p: loss, attempts, messages: u64::from(p.count) * u64::from(p.messages) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_give_known_values() {
        // c = 1 reduces to ρ; c = 2, a = 1 gives 1/3.
        assert!((erlang_c(0.5, 1.0, 1) - 0.5).abs() < 1e-12);
        assert!((erlang_c(1.0, 1.0, 2) - 1.0 / 3.0).abs() < 1e-12);
        assert_eq!(erlang_c(2.0, 1.0, 2), 1.0, "unstable: everyone waits");
        // M/M/1 at ρ = 0.5, μ = 1000/s: W = 1/(μ − λ) = 2 ms.
        assert!((mmc_time_in_system_ms(500.0, 1_000.0, 1).unwrap() - 2.0).abs() < 1e-12);
        assert_eq!(mmc_wait_ms(1_000.0, 1_000.0, 1), None);
        assert!((mm1k_blocking(0.5, 1) - 1.0 / 3.0).abs() < 1e-12);
        assert!((mm1k_blocking(1.0, 4) - 0.2).abs() < 1e-12);
        assert!((lost_after_attempts(0.3, 3) - 0.027).abs() < 1e-12);
    }
}
