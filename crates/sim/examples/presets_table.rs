//! Prints the headline figures of every preset at its own seed:
//! `cargo run --release -p msgsim-sim --example presets_table`.
use msgsim_sim::{Simulation, presets};

fn main() {
    println!(
        "{:<26} {:>5} {:>5} {:>5} {:>5} {:>5} {:>5} {:>5} {:>5} {:>6} {:>8} {:>8}  verdict",
        "preset", "prod", "sent", "lost", "dupT", "eff", "dupE", "never", "dlq", "rej", "p50", "p99"
    );
    for p in presets::all() {
        let r = Simulation::new(&p.scenario, p.scenario.seed).expect("valid preset").run();
        println!(
            "{:<26} {:>5} {:>5} {:>5} {:>5} {:>5} {:>5} {:>5} {:>5} {:>6} {:>8} {:>8}  {}",
            p.id,
            r.counts.produced,
            r.counts.sent,
            r.counts.lost_in_transit,
            r.counts.duplicated_in_transit,
            r.counts.effects_applied,
            r.counts.duplicate_effects,
            r.never_applied,
            r.counts.dead_lettered,
            r.counts.rejected,
            r.latency.p50,
            r.latency.p99,
            r.verdict.name()
        );
    }
}
