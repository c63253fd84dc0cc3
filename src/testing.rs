//! Test helpers shared by the unit tests of the views.

use msgsim_sim::{Simulation, Timeline, presets};

/// A preset at seed 1, run until `until_us` µs (or to the end).
pub fn preset_run(preset: &str, until_us: Option<u64>) -> Simulation {
    let s = presets::get(preset).expect("a built-in preset").scenario.clone();
    let mut sim = Simulation::new(&s, 1).expect("presets are valid");
    match until_us {
        Some(t) => sim.run_until(t),
        None => {
            sim.run();
        }
    }
    sim
}

/// The timeline index over everything `sim` has traced so far.
pub fn timeline_of(sim: &Simulation) -> Timeline {
    let mut tl = Timeline::new(sim.fresh_metrics());
    tl.extend(sim.trace());
    tl
}
