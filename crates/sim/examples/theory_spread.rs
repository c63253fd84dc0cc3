//! Measures the seed-to-seed spread of the estimators used by the theory
//! tests, to justify their tolerances:
//! `cargo run --release -p msgsim-sim --example theory_spread`.
#[path = "../tests/sim/queueing.rs"]
mod queueing;
#[path = "../tests/sim/support.rs"]
#[allow(dead_code)]
mod support;

use msgsim_sim::Simulation;

fn spread(name: &str, theory_value: f64, xs: &[f64]) {
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let sd = (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    println!(
        "{name:<22} theory {theory_value:>9.5}  mean {mean:>9.5}  bias {:>+7.3}%  σ {:>6.3}%",
        100.0 * (mean - theory_value) / theory_value,
        100.0 * sd / theory_value
    );
}

fn main() {
    let seeds = 1..=20u64;
    let (w, u): (Vec<f64>, Vec<f64>) = seeds
        .clone()
        .map(|seed| {
            let r = Simulation::new(&queueing::mmc(500.0, 1_000.0, 1, 200_000), seed).unwrap().without_trace().run();
            (r.latency.mean, r.consumer_utilization)
        })
        .unzip();
    spread("M/M/1 W (ms)", 2.0, &w);
    spread("M/M/1 utilisation", 0.5, &u);

    let c_theory = msgsim_sim::theory::erlang_c(2_400.0, 1_000.0, 3);
    let (pw, wq): (Vec<f64>, Vec<f64>) = seeds
        .clone()
        .map(|seed| {
            let sim = support::run(&queueing::mmc(2_400.0, 1_000.0, 3, 100_000), seed);
            (queueing::waited_fraction(&sim), sim.report().latency.mean - 1.0)
        })
        .unzip();
    spread("M/M/3 P(wait)", c_theory, &pw);
    spread("M/M/3 Wq (ms)", 1_000.0 * c_theory / 600.0, &wq);

    let blocking: Vec<f64> = seeds
        .clone()
        .map(|seed| {
            let mut s = queueing::mmc(900.0, 1_000.0, 1, 200_000);
            s.queues[0].capacity = Some(4);
            let r = Simulation::new(&s, seed).unwrap().without_trace().run();
            r.counts.rejected as f64 / r.counts.produced as f64
        })
        .collect();
    spread("M/M/1/K blocking", msgsim_sim::theory::mm1k_blocking(0.9, 5), &blocking);

    // Two stations in tandem: λ = 500/s, μ = 1000/s then 800/s.
    let (mut w1, mut w2, mut e2e) = (Vec::new(), Vec::new(), Vec::new());
    for seed in seeds.clone() {
        let r = Simulation::new(&queueing::tandem(500.0, 1_000.0, 800.0, 100_000), seed).unwrap().without_trace().run();
        w1.push(r.groups[0].latency.mean);
        w2.push(r.groups[1].latency.mean);
        e2e.push(r.end_to_end_latency.mean);
    }
    spread("tandem W1 (ms)", 2.0, &w1);
    spread("tandem W2 (ms)", 1_000.0 / 300.0, &w2);
    spread("tandem end to end", 2.0 + 1_000.0 / 300.0, &e2e);

    // Fan-out to two stations: λ = 500/s, μ = 1000/s and 700/s.
    let (mut fa, mut fb, mut ub) = (Vec::new(), Vec::new(), Vec::new());
    for seed in seeds.clone() {
        let r =
            Simulation::new(&queueing::fan_out(500.0, &[1_000.0, 700.0], 100_000), seed).unwrap().without_trace().run();
        fa.push(r.groups[0].latency.mean);
        fb.push(r.groups[1].latency.mean);
        ub.push(r.groups[1].utilization);
    }
    spread("fan-out W fast (ms)", 2.0, &fa);
    spread("fan-out W slow (ms)", 5.0, &fb);
    spread("fan-out slow util", 500.0 / 700.0, &ub);
}
