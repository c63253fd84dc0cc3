//! The timeline: a slider over the whole run.

use msgsim_sim::time;
use yew::prelude::*;

use crate::i18n::{Key, t, tf};
use crate::studio::view::TimeView;
use crate::studio::{PlaybackEvent, UiEvent};

/// Props of [`TimelineBar`].
#[derive(Properties, PartialEq)]
pub struct TimelineBarProps {
    /// What it shows.
    pub view: TimeView,
    /// Where actions go.
    pub on_event: Callback<UiEvent>,
}

fn ms_text(t: u64) -> String {
    format!("{:.3}", time::to_ms(t))
}

/// The timeline slider.
#[component]
pub fn TimelineBar(p: &TimelineBarProps) -> Html {
    let v = &p.view;
    let l = v.lang;
    let seek = {
        let cb = p.on_event.clone();
        Callback::from(move |e: InputEvent| {
            let text = e.target_unchecked_into::<web_sys::HtmlInputElement>().value();
            if let Some(ms) = crate::i18n::parse_number(&text) {
                cb.emit(UiEvent::Playback(PlaybackEvent::Seek(time::ms(ms))));
            }
        })
    };
    html! {
        <section class="timeline" aria-label={t(l, Key::Timeline)}>
            <input type="range" data-testid="timeline" min="0" max={ms_text(v.horizon.max(1))} step="0.001"
                value={ms_text(v.time)} oninput={seek} aria-label={t(l, Key::Timeline)} />
            <span class="clock" data-testid="clock">
                { tf(l, Key::TimeOf, &[&format!("{:.3}", time::to_ms(v.time)), &format!("{:.1}", time::to_ms(v.horizon))]) }
            </span>
            <span class="events" data-testid="event-count">{ tf(l, Key::EventsShown, &[&v.cursor, &v.events]) }</span>
            if !v.complete {
                <span class="badge">{ t(l, Key::Computing) }</span>
            }
            if v.truncated {
                <span class="badge warn">{ t(l, Key::TraceTruncated) }</span>
            }
        </section>
    }
}
