//! The sweep panel's WebAssembly module (`msgsim-sweep.js`), loaded by the
//! page when the Sweep tab is first opened, and by each sweep worker: see
//! `msgsim_web::sweep`.

use wasm_bindgen::prelude::*;

fn main() {
    // In a worker there is no page: the module only runs sweep runs.
    if web_sys::window().is_none() {
        return;
    }
    if let Some(host) = gloo::utils::document().get_element_by_id(msgsim_web::sweep::HOST_ID) {
        yew::Renderer::<msgsim_web::sweep::app::SweepApp>::with_root(host).render();
    }
}

/// In a worker: keeps the sweep it will run (`sweep` and `scenario` as JSON).
#[wasm_bindgen]
pub fn sweep_prepare(sweep: &str, scenario: &str) -> Result<(), String> {
    msgsim_web::sweep::workers::prepare(sweep, scenario)
}

/// In a worker: runs run `i` of the prepared sweep: `[i, figures…]`.
#[wasm_bindgen]
pub fn sweep_run(i: f64) -> Result<Vec<f64>, String> {
    msgsim_web::sweep::workers::run(i)
}
