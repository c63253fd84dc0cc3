//! Files: open a scenario (picker or drag and drop), export the scenario,
//! the trace and the diagrams, and the student's saved scenarios.

use yew::prelude::*;

use crate::i18n::{Key, t};
use crate::studio::view::FilesView;
use crate::studio::{Diagram, Export, LibraryEvent, UiEvent};

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
    let name = use_state(String::new);
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
    let on_name = {
        let name = name.clone();
        Callback::from(move |e: InputEvent| name.set(e.target_unchecked_into::<web_sys::HtmlInputElement>().value()))
    };
    let save = {
        let (cb, name) = (p.on_event.clone(), name.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            cb.emit(UiEvent::Library(LibraryEvent::SaveAs((*name).clone())));
        })
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
            <h2>{ t(l, Key::MyScenarios) }</h2>
            <form class="save-as" onsubmit={save}>
                <input type="text" data-testid="save-name" placeholder={t(l, Key::SaveName)} value={(*name).clone()} oninput={on_name} />
                <button type="submit" data-testid="save">{ t(l, Key::Save) }</button>
            </form>
            if v.saved.is_empty() {
                <p class="muted">{ t(l, Key::NoSaved) }</p>
            } else {
                <ul class="saved" data-testid="saved">
                    { for v.saved.iter().enumerate().map(|(i, n)| {
                        let (a, b) = (p.on_event.clone(), p.on_event.clone());
                        html! {
                            <li>
                                <span>{ n }</span>
                                <button class="small" onclick={Callback::from(move |_| a.emit(UiEvent::Library(LibraryEvent::LoadSaved(i))))}>{ t(l, Key::Load) }</button>
                                <button class="small" onclick={Callback::from(move |_| b.emit(UiEvent::Library(LibraryEvent::DeleteSaved(i))))}>{ t(l, Key::Remove) }</button>
                            </li>
                        }
                    }) }
                </ul>
            }
        </div>
    }
}
