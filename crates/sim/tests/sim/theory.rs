//! Long runs agree with queueing theory and probability.
//!
//! Tolerances are set from the measured seed-to-seed spread of each estimator
//! (standard deviation σ over 20 seeds, `cargo run --release -p msgsim-sim
//! --example theory_spread`), at about 4σ, so a correct engine fails with
//! negligible probability while a modelling error of a few percent is caught.
//! Every test pins its seed, so it is also exactly repeatable.

use msgsim_sim::*;

use msgsim_sim::theory::{NotMmc, Station, erlang_c, mm1k_blocking, mmc_station};

use crate::queueing::{fan_out, mmc, tandem, waited_fraction};
use crate::support::{events_of, run, single_hop};

fn within(what: &str, got: f64, want: f64, rel_tol: f64) {
    let err = (got - want).abs() / want;
    assert!(err <= rel_tol, "{what}: got {got:.5}, theory {want:.5}, relative error {err:.4} > {rel_tol}");
}

/// M/M/1 at ρ = 0.5: mean time in system W = 1/(μ − λ) = 2 ms.
/// 200,000 messages; measured σ = 0.57% of W (bias −0.07%); tolerance 3%.
/// Utilisation ρ: σ = 0.27%; tolerance 2%.
#[test]
fn mm1_mean_time_in_system() {
    let (lambda, mu) = (500.0, 1_000.0);
    let r = run(&mmc(lambda, mu, 1, 200_000), 11).report();
    within("M/M/1 W (ms)", r.latency.mean, 1_000.0 / (mu - lambda), 0.03);
    within("M/M/1 utilisation", r.consumer_utilization, lambda / mu, 0.02);
}

/// Two M/M/1 stations in tandem, a Jackson network: by Burke's theorem the
/// first station's departures are Poisson at λ, so each station behaves as
/// an M/M/1 of its own — W₁ = 1/(μ₁ − λ) = 2 ms, W₂ = 1/(μ₂ − λ) ≈ 3.333 ms
/// — and a message's end-to-end time is their sum, ≈ 5.333 ms.
/// λ = 500/s, μ₁ = 1000/s, μ₂ = 800/s, 100,000 messages; measured σ = 1.40%,
/// 1.22% and 0.99% of theory; tolerances 6%, 5% and 4%.
#[test]
fn tandem_stations_are_each_mm1_and_the_chain_adds_up() {
    let r = run(&tandem(500.0, 1_000.0, 800.0, 100_000), 15).report();
    assert_eq!(r.verdict, Verdict::Correct);
    within("tandem W1 (ms)", r.groups[0].latency.mean, 2.0, 0.06);
    within("tandem W2 (ms)", r.groups[1].latency.mean, 1_000.0 / 300.0, 0.05);
    within("tandem end to end (ms)", r.end_to_end_latency.mean, 2.0 + 1_000.0 / 300.0, 0.04);
    within("tandem ρ2", r.groups[1].utilization, 500.0 / 800.0, 0.03);
}

/// Fan-out: every subscriber group sees the whole Poisson stream and is an
/// M/M/1 station of its own, whatever the others do: W = 1/(μ − λ) = 2 ms
/// for the fast group (μ = 1000/s) and 5 ms for the slow one (μ = 700/s),
/// ρ = λ/μ ≈ 0.714 for the slow one. 100,000 messages; measured σ = 1.06%,
/// 1.87% and 0.59%; tolerances 4.5%, 8% and 2.5%.
#[test]
fn each_fanned_out_group_is_its_own_mm1_station() {
    let r = run(&fan_out(500.0, &[1_000.0, 700.0], 100_000), 16).report();
    assert_eq!(r.verdict, Verdict::Correct);
    assert_eq!(r.counts.expected, 200_000);
    within("fan-out W fast (ms)", r.groups[0].latency.mean, 2.0, 0.045);
    within("fan-out W slow (ms)", r.groups[1].latency.mean, 5.0, 0.08);
    within("fan-out slow ρ", r.groups[1].utilization, 500.0 / 700.0, 0.025);
}

/// M/M/3 at ρ = 0.8: Erlang C P(wait) ≈ 0.6472 and mean wait in queue
/// Wq = C/(cμ − λ) ≈ 1.079 ms. 100,000 messages; measured σ = 1.02% (P) and
/// 5.4% (Wq, a noisier estimator: a small difference of two means);
/// tolerances 5% and 21%.
#[test]
fn mmc_probability_of_waiting_is_erlang_c() {
    let (lambda, mu, c) = (2_400.0, 1_000.0, 3);
    let sim = run(&mmc(lambda, mu, c, 100_000), 12);
    let p_wait = erlang_c(lambda, mu, c);
    within("M/M/3 P(wait)", waited_fraction(&sim), p_wait, 0.05);
    let wq_ms = 1_000.0 * p_wait / (f64::from(c) * mu - lambda);
    within("M/M/3 Wq (ms)", sim.report().latency.mean - 1_000.0 / mu, wq_ms, 0.21);
}

/// M/M/1/K at ρ = 0.9, K = 5 (4 queue places + 1 in service): the fraction of
/// arrivals rejected is P_K ≈ 0.1260. 200,000 messages; measured σ = 1.1%;
/// tolerance 6%.
#[test]
fn mm1k_blocking_probability() {
    let (lambda, mu, k) = (900.0, 1_000.0, 5);
    let mut s = mmc(lambda, mu, 1, 200_000);
    s.queues[0].capacity = Some(k - 1);
    let r = run(&s, 13).report();
    within(
        "M/M/1/K blocking",
        r.counts.rejected as f64 / r.counts.produced as f64,
        mm1k_blocking(lambda / mu, k),
        0.06,
    );
}

/// Confirmed sends over a link losing p = 0.3 of publishes, at most k = 3
/// attempts: a message is lost iff all k are lost, P = p^k = 0.027.
/// 100,000 messages: binomial σ = √(n·P(1−P)) ≈ 51 ≈ 1.9% of the mean;
/// tolerance 8% (≈ 4σ). Confirms are lossless and timeouts exceed the round
/// trip, so no message is ever published twice.
#[test]
fn loss_after_k_independent_attempts() {
    let (p, k, n) = (0.3, 3u32, 100_000u32);
    let mut s = single_hop(n);
    s.network.default.latency = Dist::constant(1.0);
    s.network.links.push(LinkOverride { from: "p".into(), to: "q".into(), loss: Some(p), ..Default::default() });
    s.producers[0].arrival = Arrival::Fixed { interval_ms: 0.1 };
    s.producers[0].send = SendSpec {
        mode: SendMode::Confirm,
        timeout_ms: 10.0,
        max_attempts: k,
        backoff: Backoff { kind: BackoffKind::Fixed, base_ms: 1.0, ..Default::default() },
    };
    s.consumers[0].processing = Dist::constant(0.0);
    let r = run(&s, 14).report();
    within("lost after k attempts", r.never_applied as f64 / f64::from(n), p.powi(k as i32), 0.08);
    assert_eq!(r.counts.duplicate_effects, 0);
    // Each attempt is a Bernoulli(p) loss: lost_in_transit / sent ≈ p.
    within("per-attempt loss", r.counts.lost_in_transit as f64 / r.counts.sent as f64, p, 0.02);
    // Expected attempts per message: (1 − p^k)/(1 − p).
    within("attempts per message", r.counts.sent as f64 / f64::from(n), (1.0 - p.powi(k as i32)) / (1.0 - p), 0.01);
}

/// Duplication: a link duplicating with probability d makes d·n extra copies.
#[test]
fn duplication_rate() {
    let (d, n) = (0.2, 50_000u32);
    let mut s = single_hop(n);
    s.network.links.push(LinkOverride { from: "p".into(), to: "q".into(), duplicate: Some(d), ..Default::default() });
    s.producers[0].arrival = Arrival::Fixed { interval_ms: 0.1 };
    s.consumers[0].processing = Dist::constant(0.0);
    let sim = run(&s, 15);
    let r = sim.report();
    // Binomial σ = √(n·d(1−d)) ≈ 89 ≈ 0.9%; tolerance 4%.
    within("duplicates in transit", r.counts.duplicated_in_transit as f64, d * f64::from(n), 0.04);
    assert_eq!(r.counts.duplicate_effects, r.counts.duplicated_in_transit, "without dedup every copy takes effect");
    assert_eq!(events_of(&sim, EventKind::Duplicate).len() as u64, r.counts.duplicated_in_transit);
}

/// The scenarios these tests run are the M/M/c stations the theory overlay
/// recognises — and one changed assumption is named.
#[test]
fn the_overlay_recognises_exactly_these_stations() {
    let s = mmc(2_400.0, 1_000.0, 3, 1_000);
    assert_eq!(mmc_station(&s), Ok(Station { lambda: 2_400.0, mu: 1_000.0, servers: 3 }));
    type Change = fn(&mut Scenario);
    let changed: [(Change, NotMmc); 6] = [
        (|s| s.network.default.loss = 0.01, NotMmc::LinksNotPerfect),
        (|s| s.network.default.latency = Dist::constant(1.0), NotMmc::LinksNotPerfect),
        (|s| s.producers[0].arrival = Arrival::Fixed { interval_ms: 1.0 }, NotMmc::ArrivalsNotPoisson),
        (|s| s.consumers[0].processing = Dist::constant(1.0), NotMmc::ServiceNotExponential),
        (|s| s.queues[0].prefetch = 10, NotMmc::QueueNotPlain),
        (|s| s.consumers[0].crash.probability = 0.01, NotMmc::NotFaultFree),
    ];
    for (change, why) in changed {
        let mut t = s.clone();
        change(&mut t);
        assert_eq!(mmc_station(&t), Err(why), "{}", why.english());
    }
    assert_eq!(mmc_station(&tandem(500.0, 1_000.0, 800.0, 10)), Err(NotMmc::NotOneStation));
}

/// The sweep's theory overlay is offered for exactly the scenarios the tests
/// above hold the engine to, with the same formulas: M/M/1/K blocking (as an
/// expected count of rejected messages) and pᵏ (an expected count never
/// applied); a changed assumption is named.
#[test]
fn the_overlay_gives_the_tests_formulas_for_blocking_and_retries() {
    use msgsim_sim::sweep::closed_form;
    let mut s = mmc(900.0, 1_000.0, 1, 200_000);
    s.queues[0].capacity = Some(4);
    let want = 200_000.0 * mm1k_blocking(0.9, 5);
    assert_eq!(closed_form(&s, "rejected"), Some(Ok(Some(want))));
    s.consumers[0].concurrency = 2;
    s.queues[0].prefetch = 2;
    assert_eq!(closed_form(&s, "rejected"), Some(Err(("M/M/1/K", NotMmc::NotOneServer))));

    let mut s = single_hop(1_000);
    s.network.links.push(LinkOverride { from: "p".into(), to: "q".into(), loss: Some(0.3), ..Default::default() });
    s.producers[0].send.mode = SendMode::Confirm;
    s.producers[0].send.max_attempts = 3;
    assert_eq!(closed_form(&s, "never_applied"), Some(Ok(Some(1_000.0 * 0.3f64.powi(3)))));
    s.producers[0].send.mode = SendMode::FireAndForget;
    assert_eq!(closed_form(&s, "never_applied"), Some(Ok(Some(1_000.0 * 0.3))), "one attempt without confirms");
    s.network.default.loss = 0.01;
    assert_eq!(closed_form(&s, "never_applied"), Some(Err(("pᵏ", NotMmc::LossNotOnPublishLink))));
    assert_eq!(closed_form(&s, "throughput"), None, "no closed form for that figure");
}

/// A topic of one partition read by a group of one member, over instant
/// links, is a single-server FIFO queue: the member takes the records in
/// offset order, fetching what has arrived whenever it is done (an idle
/// member's fetch is held and answered as a record arrives). So M/M/1:
/// W = 1/(μ − λ) = 2 ms and ρ = 0.5, as for the queue above (same λ, μ,
/// messages and seed; tolerances as there).
#[test]
fn a_partition_read_by_one_member_is_an_mm1_station() {
    let (lambda, mu) = (500.0, 1_000.0);
    let mut s = mmc(lambda, mu, 1, 200_000);
    s.queues.clear();
    s.topics = vec![TopicSpec { name: "q".into(), partitions: 1, ..Default::default() }];
    s.consumers[0].log.max_poll_records = 10_000;
    let sim = run(&s, 11);
    let r = sim.report();
    assert_eq!(sim.topology().nodes.iter().filter(|n| n.kind == NodeKind::Topic).count(), 1);
    within("log M/M/1 W (ms)", r.latency.mean, 1_000.0 / (mu - lambda), 0.03);
    within("log M/M/1 utilisation", r.consumer_utilization, lambda / mu, 0.02);
}
