//! The UI's behaviour, natively: the flows a student goes through, by concern.

mod canvas_text;
mod editing;
#[cfg(not(target_arch = "wasm32"))]
mod fuzz;
mod library;
mod playback;
mod views;

pub(super) use msgsim_sim::{EventKind, Verdict};

pub(super) use super::fields::{FieldKind, Target};
pub(super) use super::log::{KindFilter, LogFilter};
pub(super) use super::*;
pub(super) use crate::i18n::Lang;
pub(super) use crate::render::painter::Recorder;
pub(super) use crate::render::palette::Theme;

/// The topology canvas size the click tests use.
pub(super) const SIZE: (f64, f64) = (900.0, 480.0);

pub(super) fn studio_with(preset: &str) -> Studio {
    let mut s = Studio::new();
    s.update(SessionEvent::LoadPreset(preset.into()).into());
    while s.compute(50_000) {}
    s
}

pub(super) fn draw(s: &Studio, diagram: Diagram, size: (f64, f64)) -> Recorder {
    let mut r = Recorder { size, ..Default::default() };
    s.draw(diagram, &mut r);
    r
}

/// The editor beside the studio, as the editor's module keeps it.
pub(super) fn editor_of(s: &Studio) -> EditorSync {
    EditorSync::new(s.session.scenario.clone())
}

/// An edit in the editor; what it hands back runs in the studio, as the
/// page does with the module's event.
pub(super) fn edit(s: &mut Studio, e: &mut EditorSync, path: &str, kind: FieldKind, text: &str) {
    let (run, _) = e.edit(EditEvent::Edit { path: path.into(), kind, text: text.into() });
    if let Some(scenario) = run {
        s.update(UiEvent::Edited(Box::new(scenario)));
    }
    e.page_runs(s.session.scenario.clone());
}

/// What the editor shows.
pub(super) fn editor_view(e: &EditorSync) -> crate::studio::view::EditorView {
    e.editor.view(Lang::En)
}

/// The section the studio asked the editor to open (`None`: no request).
pub(super) fn focus_asked(s: &Studio, e: &mut EditorSync) -> Option<String> {
    e.focus(s.editor_request?.1)
}

pub(super) fn click(s: &mut Studio, at: (f64, f64)) {
    s.update(Click { canvas: Canvas::Topology, at, size: SIZE }.into());
}
