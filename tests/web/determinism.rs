//! The wasm32 build of the core gives bit-for-bit the traces of the native
//! build: the hashes pinned by the native tests must match here.

use msgsim_sim::{Simulation, presets, trace_hash};
use wasm_bindgen_test::wasm_bindgen_test;

/// Must equal `pinned_seed()` in crates/sim/tests/sim/determinism.rs.
const PINNED_SEED: u64 = 2026;

#[wasm_bindgen_test]
fn traces_match_the_native_hashes() {
    let pinned: serde_json::Value =
        serde_json::from_str(include_str!("../../crates/sim/tests/golden/trace_hashes.json")).expect("JSON");
    let pinned = pinned.as_object().expect("object");
    assert_eq!(pinned.len(), presets::all().len());
    for (id, want) in pinned {
        let p = presets::get(id).expect("preset");
        let mut sim = Simulation::new(&p.scenario, PINNED_SEED).expect("valid");
        sim.run();
        let got = format!("{:016x}", trace_hash(sim.trace()));
        assert_eq!(Some(got.as_str()), want.as_str(), "{id}: wasm trace differs from native");
    }
}

/// The page's benchmark entry point runs the same simulation as the core: its
/// report equals a native-style run of the scaled scenario, and bad JSON is
/// answered with an error, not a panic.
#[wasm_bindgen_test]
fn the_page_benchmark_runs_the_scaled_scenario() {
    let p = presets::get("acks-and-retries").expect("preset");
    let out: serde_json::Value =
        serde_json::from_str(&msgsim_web::bench::bench(&p.scenario.to_json(), 3, 0.5)).unwrap();
    let mut scaled = p.scenario.clone();
    scaled.scale_messages(0.5);
    let want = Simulation::new(&scaled, 3).expect("valid").without_trace().run();
    assert_eq!(out["report"], serde_json::to_value(&want).unwrap());
    assert_eq!(out["events"], want.events);
    assert_eq!(out["report"]["produced"], 100);
    assert!(out["seconds"].as_f64().is_some_and(|s| s >= 0.0));

    let bad: serde_json::Value = serde_json::from_str(&msgsim_web::bench::bench("{", 1, 1.0)).unwrap();
    assert!(bad["error"].is_array(), "{bad}");
}
