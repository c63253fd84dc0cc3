//! The toolbar: preset menu, playback controls, speed, seed, theme, language.

use yew::prelude::*;

use super::{input_value, select_value};
use crate::i18n::{Key, Lang, t};
use crate::render::palette::Theme;
use crate::studio::clock::SPEEDS;
use crate::studio::compare::CompareEvent;
use crate::studio::view::ControlsView;
use crate::studio::{PlaybackEvent, PresentEvent, SessionEvent, UiEvent};

/// Props of [`Toolbar`].
#[derive(Properties, PartialEq)]
pub struct ToolbarProps {
    /// What it shows.
    pub view: ControlsView,
    /// Where actions go.
    pub on_event: Callback<UiEvent>,
    /// Open the share dialog.
    pub on_share: Callback<MouseEvent>,
    /// Enter or leave fullscreen.
    pub on_fullscreen: Callback<MouseEvent>,
}

fn speed_label(s: f64) -> String {
    format!("{s}×")
}

/// A fresh seed from the browser's randomness (a 53-bit integer).
fn random_seed() -> u64 {
    (js_sys::Math::random() * 9_007_199_254_740_992.0) as u64
}

/// The toolbar.
#[component]
pub fn Toolbar(p: &ToolbarProps) -> Html {
    let v = &p.view;
    let l = v.lang;
    let emit = |ev: UiEvent| {
        let cb = p.on_event.clone();
        Callback::from(move |_: MouseEvent| cb.emit(ev.clone()))
    };
    let on_preset = {
        let cb = p.on_event.clone();
        Callback::from(move |e: Event| cb.emit(UiEvent::Session(SessionEvent::LoadPreset(select_value(&e)))))
    };
    let on_speed = {
        let cb = p.on_event.clone();
        Callback::from(move |e: Event| {
            if let Some(s) = crate::i18n::parse_number(&select_value(&e)) {
                cb.emit(UiEvent::Playback(PlaybackEvent::SetSpeed(s)))
            }
        })
    };
    let on_seed = {
        let cb = p.on_event.clone();
        Callback::from(move |e: Event| cb.emit(UiEvent::Session(SessionEvent::SeedText(input_value(&e)))))
    };
    let on_new_seed = {
        let cb = p.on_event.clone();
        Callback::from(move |_: MouseEvent| cb.emit(UiEvent::Session(SessionEvent::NewSeed(random_seed()))))
    };
    let other_theme = if v.theme == Theme::Dark { Theme::Light } else { Theme::Dark };
    let on_lang = {
        let cb = p.on_event.clone();
        Callback::from(move |e: Event| {
            if let Some(lang) = Lang::from_tag(&select_value(&e)) {
                cb.emit(UiEvent::Present(PresentEvent::SetLang(lang)))
            }
        })
    };
    html! {
        <header class="toolbar">
            <h1 class="brand" title={t(l, Key::Tagline)}><span class="logo" aria-hidden="true"></span>{ "msgsim" }
                <small class="tagline">{ t(l, Key::Tagline) }</small></h1>
            <label class="control preset">
                <span class="sr-only">{ t(l, Key::Scenario) }</span>
                <select data-testid="preset" onchange={on_preset} aria-label={t(l, Key::Scenario)}>
                    if v.preset.is_none() {
                        <option value="" selected=true>{ t(l, Key::CustomScenario) }</option>
                    }
                    { for v.presets.iter().map(|(id, name)| html! {
                        <option value={id.clone()} selected={v.preset.as_deref() == Some(id.as_str())}>{ name }</option>
                    }) }
                </select>
            </label>
            <div class="transport" role="group" aria-label={t(l, Key::Playback)}>
                <button class="primary play" data-testid="play" onclick={emit(UiEvent::Playback(PlaybackEvent::TogglePlay))}
                    title={format!("{} (Space)", t(l, if v.playing { Key::Pause } else { Key::Play }))}>
                    { if v.playing { super::icons::pause() } else { super::icons::play() } }{ t(l, if v.playing { Key::Pause } else { Key::Play }) }
                </button>
                <button data-testid="step-back" onclick={emit(UiEvent::Playback(PlaybackEvent::StepBack))} title={format!("{} (←)", t(l, Key::StepBackShort))} aria-label={t(l, Key::StepBackShort)}>{ super::icons::step_back() }</button>
                <button data-testid="step" onclick={emit(UiEvent::Playback(PlaybackEvent::Step))} title={format!("{} (→)", t(l, Key::Step))} aria-label={t(l, Key::Step)}>{ super::icons::step() }<span class="label">{ t(l, Key::Step) }</span></button>
                <button data-testid="restart" onclick={emit(UiEvent::Playback(PlaybackEvent::Restart))} title={format!("{} (Home)", t(l, Key::Restart))} aria-label={t(l, Key::Restart)}>{ super::icons::restart() }<span class="label">{ t(l, Key::Restart) }</span></button>
            </div>
            <label class="control">
                <span>{ t(l, Key::Speed) }</span>
                <select data-testid="speed" onchange={on_speed} title={t(l, Key::SpeedHelp)}>
                    { for SPEEDS.iter().map(|&s| html! {
                        <option value={s.to_string()} selected={s == v.speed}>{ speed_label(s) }</option>
                    }) }
                </select>
            </label>
            <label class={classes!("control", "seed", v.seed_error.then_some("invalid"))}>
                <span>{ t(l, Key::Seed) }</span>
                <input data-testid="seed" type="text" inputmode="numeric" value={v.seed_text.clone()} onchange={on_seed}
                    placeholder={t(l, Key::Seed)} aria-label={t(l, Key::Seed)}
                    oninput={super::typing(&p.on_event, |t| SessionEvent::SeedTyping(t).into())}
                    aria-invalid={v.seed_error.to_string()} />
                <button class="icon" data-testid="new-seed" onclick={on_new_seed} title={t(l, Key::NewSeed)} aria-label={t(l, Key::NewSeed)}>{ super::icons::dice() }</button>
                if v.seed_error {
                    <span class="field-error" role="alert">{ t(l, Key::SeedInvalid) }</span>
                }
            </label>
            <button data-testid="compare" onclick={emit(if v.comparing { UiEvent::Compare(CompareEvent::Stop) } else { UiEvent::Compare(CompareEvent::Pin) })}
                title={t(l, Key::CompareHelp)} class={classes!(v.comparing.then_some("active"))}>
                { t(l, if v.comparing { Key::StopCompare } else { Key::PinCompare }) }
            </button>
            <button data-testid="share" onclick={p.on_share.clone()} title={t(l, Key::ShareLink)}>{ t(l, Key::Share) }</button>
            <div class="spacer" />
            <button class={classes!("icon", v.large_text.then_some("active"))} data-testid="large-text"
                onclick={emit(UiEvent::Present(PresentEvent::SetLargeText(!v.large_text)))} title={t(l, Key::LargeText)} aria-label={format!("A+ {}", t(l, Key::LargeText))}
                aria-pressed={v.large_text.to_string()}>{ "A+" }</button>
            <button class="icon" onclick={p.on_fullscreen.clone()} title={t(l, Key::Fullscreen)} aria-label={t(l, Key::Fullscreen)}>{ super::icons::fullscreen() }</button>
            <button class="icon" data-testid="help" onclick={emit(UiEvent::Present(PresentEvent::ShowHelp(true)))} title={t(l, Key::Shortcuts)} aria-label={t(l, Key::Shortcuts)}>{ "?" }</button>
            <select class="lang" aria-label={t(l, Key::Language)} onchange={on_lang} data-testid="lang">
                { for Lang::ALL.iter().map(|&x| html! { <option value={x.tag()} selected={x == l}>{ x.native_name() }</option> }) }
            </select>
            <button class="icon" data-testid="theme" onclick={emit(UiEvent::Present(PresentEvent::SetTheme(other_theme)))}
                title={t(l, Key::ToggleTheme)} aria-label={t(l, Key::ToggleTheme)}>
                { if v.theme == Theme::Dark { super::icons::sun() } else { super::icons::moon() } }
            </button>
        </header>
    }
}
