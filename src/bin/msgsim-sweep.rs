//! The on-demand WebAssembly module (`msgsim-sweep.js`): the sweep panel, the
//! scenario editor, the share dialog and the shortcuts, loaded by the page
//! when one is first opened, and by each sweep worker — see `msgsim_web::sweep`, `msgsim_web::editor_shell` and
//! `msgsim_web::dialog_shell`.

use wasm_bindgen::prelude::*;

fn main() {
    // In a worker there is no page: the module only runs sweep runs.
    if web_sys::window().is_none() {
        return;
    }
    msgsim_web::i18n::install_editor_words();
    let document = gloo::utils::document();
    if let Some(host) = document.get_element_by_id(msgsim_web::sweep::HOST_ID) {
        yew::Renderer::<msgsim_web::sweep::app::SweepApp>::with_root(host).render();
    }
    if let Some(host) = document.get_element_by_id(msgsim_web::editor_shell::HOST_ID) {
        yew::Renderer::<msgsim_web::editor_shell::EditorApp>::with_root(host).render();
    }
    if let Some(host) = document.get_element_by_id(msgsim_web::dialog_shell::HOST_ID) {
        yew::Renderer::<msgsim_web::dialog_shell::ShareApp>::with_root(host).render();
    }
    if let Some(host) = document.get_element_by_id(msgsim_web::dialog_shell::HELP_HOST_ID) {
        yew::Renderer::<msgsim_web::dialog_shell::HelpApp>::with_root(host).render();
    }
    if let Some(host) = document.get_element_by_id(msgsim_web::export_shell::HOST_ID) {
        yew::Renderer::<msgsim_web::export_shell::ExportApp>::with_root(host).render();
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
