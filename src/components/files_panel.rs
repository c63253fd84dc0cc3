//! Files: open a scenario (picker or drag and drop), export the scenario,
//! the trace and the diagrams. (The student's saved scenarios follow, drawn
//! by the on-demand module: `crate::saved_shell`.)

use yew::prelude::*;

use crate::i18n::{Key, t};
use crate::studio::view::FilesView;
use crate::studio::{Diagram, Export, UiEvent};

/// Props of [`FilesPanel`].
#[derive(Properties, PartialEq)]
pub struct FilesPanelProps {
    /// What it shows.
    pub view: FilesView,
    /// Where actions go.
    pub on_event: Callback<UiEvent>,
    /// Files chosen in the picker.
    pub on_files: Callback<web_sys::FileList>,
}

/// The files panel.
#[component]
pub fn FilesPanel(p: &FilesPanelProps) -> Html {
    let v = &p.view;
    let l = v.lang;
    let on_pick = {
        let cb = p.on_files.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            if let Some(files) = input.files() {
                cb.emit(files);
            }
            input.set_value("");
        })
    };
    let export = |x: Export| {
        let cb = p.on_event.clone();
        Callback::from(move |_: MouseEvent| cb.emit(x.into()))
    };
    html! {
        <div class="panel-body files" data-testid="files">
            <h2>{ t(l, Key::OpenScenario) }</h2>
            <label class="file-drop">
                <input type="file" accept=".json,application/json" data-testid="import" onchange={on_pick} />
                <span>{ t(l, Key::OpenOrDrop) }</span>
            </label>
            <h2>{ t(l, Key::Export) }</h2>
            <div class="export-grid">
                <span>{ t(l, Key::TabEditor) }</span>
                <button data-testid="export-scenario" onclick={export(Export::Scenario)}>{ "JSON" }</button>
                <span></span>
                <span>{ t(l, Key::Trace) }</span>
                <button data-testid="export-jsonl" disabled={!v.complete} onclick={export(Export::Trace(false))}>{ "JSON Lines" }</button>
                <button data-testid="export-csv" disabled={!v.complete} onclick={export(Export::Trace(true))}>{ "CSV" }</button>
                { for [(Diagram::Topology, Key::Topology, "topology"), (Diagram::Sequence, Key::TabSequence, "sequence"), (Diagram::Charts, Key::TabCharts, "charts")]
                    .into_iter().map(|(which, key, id)| html! {
                        <>
                            <span>{ t(l, key) }</span>
                            <button data-testid={format!("export-{id}-svg")} onclick={export(Export::Svg(which))}>{ "SVG" }</button>
                            <button data-testid={format!("export-{id}-png")} onclick={export(Export::Png(which))}>{ "PNG" }</button>
                        </>
                    }) }
                <span>{ t(l, Key::Slide) }</span>
                <span></span>
                <button data-testid="export-slide-png" onclick={export(Export::Png(Diagram::Slide))}>{ "PNG" }</button>
            </div>
        </div>
    }
}
