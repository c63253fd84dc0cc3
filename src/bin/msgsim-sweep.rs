//! The on-demand WebAssembly module (`msgsim-sweep.js`): the sweep panel, the
//! scenario editor, the saved scenarios, the State and Comparison tabs' tables, trace
//! exports, the share dialog and the shortcuts, loaded by the page
//! when one is first opened, and by each sweep worker — see `msgsim_web::sweep`, `msgsim_web::editor_shell` and
//! `msgsim_web::dialog_shell`.

use wasm_bindgen::prelude::*;

fn main() {
    // In a worker there is no page: the module only runs sweep runs.
    if web_sys::window().is_none() {
        return;
    }
    msgsim_web::i18n::install_editor_words();
    // Each panel is mounted in a task of its own (after the one that
    // instantiated the module), the editor and the sweep panel first (what a
    // person opens most): one task for all of it held the page for more than
    // 50 ms on a slow machine.
    later(|| mount::<msgsim_web::editor_shell::EditorApp>(msgsim_web::editor_shell::HOST_ID));
    later(|| mount::<msgsim_web::sweep::app::SweepApp>(msgsim_web::sweep::HOST_ID));
    later(|| {
        mount::<msgsim_web::dialog_shell::ShareApp>(msgsim_web::dialog_shell::HOST_ID);
        mount::<msgsim_web::dialog_shell::HelpApp>(msgsim_web::dialog_shell::HELP_HOST_ID);
        mount::<msgsim_web::export_shell::ExportApp>(msgsim_web::export_shell::HOST_ID);
        mount::<msgsim_web::state_shell::StateApp>(msgsim_web::state_shell::HOST_ID);
        mount::<msgsim_web::saved_shell::SavedApp>(msgsim_web::saved_shell::HOST_ID);
        mount::<msgsim_web::compare_shell::CompareApp>(msgsim_web::compare_shell::HOST_ID);
    });
}

/// Mounts app `A` in the element `host`, if the page has it.
fn mount<A: yew::BaseComponent<Properties = ()>>(host: &str) {
    if let Some(host) = gloo::utils::document().get_element_by_id(host) {
        yew::Renderer::<A>::with_root(host).render();
    }
}

/// Runs `f` in a task of its own, after the browser has had its turn.
fn later(f: impl FnOnce() + 'static) {
    gloo::timers::callback::Timeout::new(0, f).forget();
}

/// The engine benchmark (see `msgsim_web::bench`): runs `scenario_json` at
/// `seed`, its message counts scaled by `scale`, and returns the timing and
/// report as JSON.
#[wasm_bindgen]
pub fn bench(scenario_json: &str, seed: u64, scale: f64) -> String {
    msgsim_web::bench::bench(scenario_json, seed, scale)
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
