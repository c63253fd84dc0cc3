//! The selected message: its whole life and its outcome.

use yew::prelude::*;

use crate::i18n::{Key, Lang, t, tf};
use crate::studio::view::MessageView;
use crate::studio::{PlaybackEvent, UiEvent};

/// Props of [`MessageCard`].
#[derive(Properties, PartialEq)]
pub struct MessageCardProps {
    /// The message, if one is selected.
    pub view: Option<MessageView>,
    /// UI language (for the empty card's hint).
    pub lang: Lang,
    /// Where actions go.
    pub on_event: Callback<UiEvent>,
}

/// The message card.
#[component]
pub fn MessageCard(p: &MessageCardProps) -> Html {
    let l = p.lang;
    let Some(v) = &p.view else {
        return html! {
            <div class="panel-body card empty" data-testid="message-card">
                <p class="hint">{ t(l, Key::NoSelection) }</p>
                <p class="intro" data-testid="intro">{ t(l, Key::Intro) }</p>
            </div>
        };
    };
    let clear = {
        let cb = p.on_event.clone();
        Callback::from(move |_| cb.emit(UiEvent::Select(None)))
    };
    html! {
        <div class="panel-body card" data-testid="message-card">
            <header>
                <h2 data-testid="message-title">{ tf(l, Key::MessageTitle, &[&v.msg]) }</h2>
                <span class="muted">{ tf(l, Key::KeyIs, &[&v.key]) }</span>
                <button class="icon" onclick={clear} title={t(l, Key::ClearSelection)} aria-label={t(l, Key::ClearSelection)}>{ super::icons::close() }</button>
            </header>
            if let Some(o) = &v.outcome {
                <p class={classes!("outcome", v.outcome_bad.then_some("bad"))} data-testid="message-outcome">{ o }</p>
            }
            <ol class="life">
                { for v.rows.iter().map(|r| {
                    let cb = p.on_event.clone();
                    let index = r.index;
                    html! {
                        <li class={classes!(r.fault.then_some("fault"), r.future.then_some("future"))}>
                            <button type="button" onclick={Callback::from(move |_| cb.emit(UiEvent::Playback(PlaybackEvent::SeekEvent(index))))}>
                                <span class="t">{ format!("{:.3} ms", r.time_ms) }</span>
                                <span>{ &r.text }</span>
                            </button>
                        </li>
                    }
                }) }
            </ol>
        </div>
    }
}
