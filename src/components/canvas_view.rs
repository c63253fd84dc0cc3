//! A canvas the animation loop draws on, forwarding clicks (and its size at
//! the time) in CSS pixels.

use web_sys::HtmlCanvasElement;
use yew::prelude::*;

use crate::i18n::{Key, Lang, t};

/// Props of [`CanvasView`].
#[derive(Properties, PartialEq)]
pub struct CanvasViewProps {
    /// Where the loop finds the element.
    pub node_ref: NodeRef,
    /// CSS class.
    pub class: AttrValue,
    /// Accessible name.
    pub label: AttrValue,
    /// Clicks: where, and the canvas's size then, in CSS pixels.
    pub on_click: Callback<((f64, f64), (f64, f64))>,
    /// `data-testid`.
    pub testid: AttrValue,
}

/// A canvas element.
#[component]
pub fn CanvasView(p: &CanvasViewProps) -> Html {
    let onclick = {
        let node = p.node_ref.clone();
        let cb = p.on_click.clone();
        Callback::from(move |e: MouseEvent| {
            if let Some(c) = node.cast::<HtmlCanvasElement>() {
                let r = c.get_bounding_client_rect();
                let at = (f64::from(e.client_x()) - r.left(), f64::from(e.client_y()) - r.top());
                cb.emit((at, (r.width(), r.height())));
            }
        })
    };
    html! {
        <canvas ref={p.node_ref.clone()} class={classes!("view", p.class.to_string())} role="img"
            aria-label={p.label.clone()} data-testid={p.testid.clone()} {onclick} />
    }
}

/// Props of [`SequenceTools`].
#[derive(Properties, PartialEq)]
pub struct SequenceToolsProps {
    /// UI language of the buttons' names.
    pub lang: Lang,
    /// Show less time.
    pub on_zoom_in: Callback<MouseEvent>,
    /// Show more time.
    pub on_zoom_out: Callback<MouseEvent>,
}

/// Zoom buttons for the sequence diagram (beside its tab).
#[component]
pub fn SequenceTools(p: &SequenceToolsProps) -> Html {
    html! {
        <div class="tab-tools" role="group" aria-label={t(p.lang, Key::TabSequence)}>
            <button class="icon" title={t(p.lang, Key::ZoomIn)} aria-label={t(p.lang, Key::ZoomIn)} onclick={p.on_zoom_in.clone()}>{ super::icons::plus() }</button>
            <button class="icon" title={t(p.lang, Key::ZoomOut)} aria-label={t(p.lang, Key::ZoomOut)} onclick={p.on_zoom_out.clone()}>{ super::icons::minus() }</button>
        </div>
    }
}

/// Props of [`MarkTools`].
#[derive(Properties, PartialEq)]
pub struct MarkToolsProps {
    /// UI language.
    pub lang: Lang,
    /// Ids are shown.
    pub ids: bool,
    /// Colours are by key.
    pub by_key: bool,
    /// Where the changes go.
    pub on_event: Callback<crate::studio::UiEvent>,
}

/// How the diagrams mark messages: their ids, colours by business key.
#[component]
pub fn MarkTools(p: &MarkToolsProps) -> Html {
    use crate::studio::{PresentEvent, UiEvent};
    let toggle = |make: fn(bool) -> PresentEvent| {
        let cb = p.on_event.clone();
        Callback::from(move |e: Event| {
            let on = e.target_unchecked_into::<web_sys::HtmlInputElement>().checked();
            cb.emit(UiEvent::Present(make(on)));
        })
    };
    html! {
        <div class="tab-tools marks-tools">
            <label title={t(p.lang, Key::ShowIdsHelp)}>
                <input type="checkbox" data-testid="show-ids" checked={p.ids} onchange={toggle(PresentEvent::SetShowIds)} />
                { t(p.lang, Key::ShowIds) }
            </label>
            <label title={t(p.lang, Key::ColourByKeyHelp)}>
                <input type="checkbox" data-testid="colour-by-key" checked={p.by_key} onchange={toggle(PresentEvent::SetColourByKey)} />
                { t(p.lang, Key::ColourByKey) }
            </label>
        </div>
    }
}
