//! The timeline: a slider over the whole run, marks where the moments worth
//! showing happen, and buttons that jump to the previous or next one.

use msgsim_sim::time;
use yew::prelude::*;

use crate::i18n::{Key, t, tf};
use crate::studio::moments::Moment;
use crate::studio::view::{MARK_SLICES, TimeView};
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

/// The timeline slider, its marks and the jump controls.
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
    let choose = {
        let cb = p.on_event.clone();
        Callback::from(move |e: Event| {
            let name = e.target_unchecked_into::<web_sys::HtmlSelectElement>().value();
            if let Some(m) = Moment::named(&name) {
                cb.emit(UiEvent::Playback(PlaybackEvent::SetMoment(m)));
            }
        })
    };
    let jump = |forward: bool| {
        let cb = p.on_event.clone();
        Callback::from(move |_: MouseEvent| cb.emit(UiEvent::Playback(PlaybackEvent::Jump(forward))))
    };
    // One mark per slice and kind, drawn in SVG units (no inline styles: the CSP forbids them).
    let width = MARK_SLICES as f64;
    html! {
        <section class="timeline" aria-label={t(l, Key::Timeline)}>
            <div class="slider">
                <svg class="marks" data-testid="timeline-marks" viewBox={format!("0 0 {width} 7")} preserveAspectRatio="none" aria-hidden="true">
                    { for v.marks.iter().map(|&(slice, kind)| html! {
                        <rect class={classes!("mark", kind.name(), (kind == v.moment).then_some("chosen"))}
                            x={slice.to_string()} y={if kind == v.moment { "0" } else { "3" }} width="1" height={if kind == v.moment { "7" } else { "4" }} />
                    }) }
                </svg>
                <input type="range" data-testid="timeline" min="0" max={ms_text(v.horizon.max(1))} step="0.001"
                    value={ms_text(v.time)} oninput={seek} aria-label={t(l, Key::Timeline)} />
            </div>
            <span class="clock" data-testid="clock">
                { tf(l, Key::TimeOf, &[&format!("{:.3}", time::to_ms(v.time)), &format!("{:.1}", time::to_ms(v.horizon))]) }
            </span>
            <span class="events" data-testid="event-count">{ tf(l, Key::EventsShown, &[&v.cursor, &v.events]) }</span>
            <span class="jump" role="group" aria-label={t(l, Key::JumpTo)}>
                <button class="icon" data-testid="jump-prev" title={t(l, Key::JumpPrev)} aria-label={t(l, Key::JumpPrev)} onclick={jump(false)}>{ crate::components::icons::jump(false) }</button>
                <select data-testid="jump-kind" aria-label={t(l, Key::JumpTo)} onchange={choose}>
                    { for Moment::ALL.iter().map(|m| html! {
                        <option value={m.name()} selected={*m == v.moment}>{ t(l, m.label()) }</option>
                    }) }
                </select>
                <button class="icon" data-testid="jump-next" title={t(l, Key::JumpNext)} aria-label={t(l, Key::JumpNext)} onclick={jump(true)}>{ crate::components::icons::jump(true) }</button>
                if v.no_more {
                    <span class="badge" role="status" data-testid="no-more">{ t(l, Key::NoMoreMoments) }</span>
                }
            </span>
            if !v.complete {
                <span class="badge">{ t(l, Key::Computing) }</span>
            }
            if v.truncated {
                <span class="badge warn">{ t(l, Key::TraceTruncated) }</span>
            }
        </section>
    }
}
