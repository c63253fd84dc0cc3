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
