//! The engine benchmark in the browser, exported by the on-demand module
//! (`bench` in `msgsim-sweep.js`: the page itself carries none of it): the
//! performance suite runs the standard and the log scenario with it and
//! prints the rate beside the native one. The module runs the same engine
//! code, built the same way, as the page.

use msgsim_sim::{Scenario, Simulation};

/// Runs `scenario_json` at `seed` with tracing off, its message counts scaled
/// by `scale`; returns `{"seconds", "events", "report"}` as JSON (or
/// `{"error"}`). Timing uses the page's monotonic clock.
pub fn bench(scenario_json: &str, seed: u64, scale: f64) -> String {
    let mut scenario = match Scenario::from_json(scenario_json) {
        Ok(s) => s,
        Err(p) => {
            return serde_json::json!({ "error": p.iter().map(ToString::to_string).collect::<Vec<_>>() }).to_string();
        }
    };
    scenario.scale_messages(scale);
    let Ok(sim) = Simulation::new(&scenario, seed) else { return r#"{"error":"invalid"}"#.into() };
    let mut sim = sim.without_trace();
    let clock = web_sys::window().and_then(|w| w.performance());
    let start = clock.as_ref().map_or(0.0, |p| p.now());
    sim.run_to_end();
    let ms = clock.as_ref().map_or(0.0, |p| p.now()) - start;
    serde_json::json!({ "seconds": ms / 1e3, "events": sim.events(), "report": sim.report() }).to_string()
}
