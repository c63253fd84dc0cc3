//! Yew components: each renders one view model and forwards what the user
//! does as a [`UiEvent`](crate::studio::UiEvent).

mod canvas_view;
mod compare_panel;
mod counters;
mod editor;
mod files_panel;
mod icons;
mod lesson_panel;
mod log_panel;
mod message_card;
mod overlays;
mod state_panel;
mod tabs;
mod timeline_bar;
mod toolbar;

pub use canvas_view::{CanvasView, MarkTools, SequenceTools};
pub use compare_panel::ComparePanel;
pub use counters::{Counters, CountersProps};
pub use editor::{EditorPanel, EditorProps};
pub use files_panel::FilesPanel;
pub use lesson_panel::{LessonPanel, LessonQuestion};
pub use log_panel::{LogPanel, LogPanelProps};
pub use message_card::MessageCard;
pub use overlays::{HelpOverlay, NoticeBanner, ShareDialog};
pub use state_panel::StatePanel;
pub use tabs::Tabs;
pub use timeline_bar::TimelineBar;
pub use toolbar::Toolbar;

use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement};

/// Keeps what is being typed in the model (as the event `make` builds from
/// the text), so a re-render does not undo it.
pub(crate) fn typing<T: 'static>(
    cb: &yew::Callback<T>,
    make: impl Fn(String) -> T + 'static,
) -> yew::Callback<yew::InputEvent> {
    let cb = cb.clone();
    yew::Callback::from(move |e: yew::InputEvent| {
        cb.emit(make(yew::TargetCast::target_unchecked_into::<HtmlInputElement>(&e).value()))
    })
}

/// The value of the `<input>` an event came from.
pub(crate) fn input_value(e: &yew::Event) -> String {
    e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()).map(|i| i.value()).unwrap_or_default()
}

/// Whether the checkbox an event came from is checked.
pub(crate) fn input_checked(e: &yew::Event) -> bool {
    e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()).is_some_and(|i| i.checked())
}

/// The value of the `<select>` an event came from.
pub(crate) fn select_value(e: &yew::Event) -> String {
    e.target().and_then(|t| t.dyn_into::<HtmlSelectElement>().ok()).map(|s| s.value()).unwrap_or_default()
}
