//! The lesson panel: the list of lessons, or one lesson — its setups, the
//! answer once revealed, what to watch and what changes; and the lesson's
//! question, shown above the counters.

use yew::prelude::*;

use crate::i18n::{Key, t, tf};
use crate::studio::view::{LessonDetail, LessonView};
use crate::studio::{LessonEvent, PresentEvent, UiEvent};

/// Props of [`LessonPanel`].
#[derive(Properties, PartialEq)]
pub struct LessonPanelProps {
    /// What it shows.
    pub view: LessonView,
    /// Where actions go.
    pub on_event: Callback<UiEvent>,
}

/// The lessons.
#[component]
pub fn LessonPanel(p: &LessonPanelProps) -> Html {
    let v = &p.view;
    let l = v.lang;
    let emit = |ev: UiEvent| {
        let cb = p.on_event.clone();
        Callback::from(move |_: MouseEvent| cb.emit(ev.clone()))
    };
    let Some(d) = &v.open else {
        return html! {
            <div class="panel-body lessons" data-testid="lessons">
                <p class="intro" data-testid="intro">{ t(l, Key::Intro) }</p>
                <h2>{ t(l, Key::Lessons) }</h2>
                <p class="lesson-status" role="status" id={crate::studio::LESSON_STATUS} data-testid="lesson-status">{ v.status.clone().unwrap_or_default() }</p>
                <ol class="lesson-list">
                    { for v.list.iter().map(|(id, title)| html! {
                        <li><button class="link" data-lesson={id.clone()} onclick={emit(UiEvent::Lesson(LessonEvent::Open(Some(id.clone()))))}>{ title }</button></li>
                    }) }
                </ol>
            </div>
        };
    };
    let predict = {
        let cb = p.on_event.clone();
        Callback::from(move |e: Event| {
            let on = e.target_unchecked_into::<web_sys::HtmlInputElement>().checked();
            cb.emit(UiEvent::Present(PresentEvent::SetPredictFirst(on)));
        })
    };
    html! {
        <div class="panel-body lessons" data-testid="lesson">
            <button class="link back" onclick={emit(UiEvent::Lesson(LessonEvent::Open(None)))}>{ "← " }{ t(l, Key::AllLessons) }</button>
            { setup_buttons(d, l, &emit) }
            {
                match &d.takeaway {
                    Some(text) => html! {
                        <div class="callout takeaway" data-testid="lesson-takeaway"><strong>{ t(l, Key::Takeaway) }</strong><p>{ text }</p></div>
                    },
                    None => html! {},
                }
            }
            <p>{ &d.explain }</p>
            <div class="callout watch"><strong>{ t(l, Key::WhatToWatch) }</strong><p>{ &d.watch }</p></div>
            <div class="changes" data-testid="lesson-changes">
                <strong>{ t(l, Key::TheChange) }</strong>
                { for d.changes.iter().map(|g| html! {
                    <>
                        if d.changes.len() > 1 { <p class="pair">{ format!("{} → {}", g.from, g.to) }</p> }
                        <ul>
                            { for g.rows.iter().map(|r| html! {
                                <li><span class="what">{ &r.what }</span>{ ": " }<span class="was">{ &r.was }</span>{ " → " }<span class="now">{ &r.now }</span></li>
                            }) }
                        </ul>
                    </>
                }) }
            </div>
            if let Some(form) = &d.sweep {
                <button class="primary" data-testid="lesson-sweep"
                    onclick={emit(UiEvent::Sweep(crate::studio::SweepEvent::Open(form.clone())))}>{ t(l, Key::LessonSweep) }</button>
            }
            <label class="predict-first">
                <input type="checkbox" data-testid="predict-first" checked={d.predict_first} onchange={predict} />
                { t(l, Key::PredictFirst) }
            </label>
        </div>
    }
}

/// Props of [`LessonQuestion`].
#[derive(Properties, PartialEq)]
pub struct LessonQuestionProps {
    /// The open lesson.
    pub detail: LessonDetail,
    /// UI language.
    pub lang: crate::i18n::Lang,
}

/// The open lesson's title and question, above the counters: on screen
/// whatever panel is open, so the class keeps the question in view.
#[component]
pub fn LessonQuestion(p: &LessonQuestionProps) -> Html {
    html! {
        <section class="lesson-question" data-testid="lesson-question" aria-label={t(p.lang, Key::QuestionForClass)}>
            <h2 data-testid="lesson-title">{ &p.detail.title }</h2>
            <p><strong>{ t(p.lang, Key::QuestionForClass) }{ " · " }</strong>{ &p.detail.question }</p>
        </section>
    }
}

/// A button per setup, and one per neighbouring pair to show side by side.
fn setup_buttons(d: &LessonDetail, l: crate::i18n::Lang, emit: &dyn Fn(UiEvent) -> Callback<MouseEvent>) -> Html {
    let n = d.setups.len();
    let small = |i: usize| match (i, n) {
        (0, 2) => t(l, Key::Before).to_string(),
        (1, 2) => t(l, Key::After).to_string(),
        _ => tf(l, Key::RunN, &[&(i + 1)]),
    };
    html! {
        <div class="sides">
            { for d.setups.iter().enumerate().map(|(i, label)| {
                let active = d.side == Some(i) && d.comparing.is_none();
                html! {
                    <button class={classes!("side", active.then_some("active"))} data-testid={format!("lesson-side-{i}")}
                        aria-pressed={active.to_string()} onclick={emit(UiEvent::Lesson(LessonEvent::Side(i)))}>
                        <small>{ small(i) }</small>{ label.clone() }
                    </button>
                }
            }) }
            { for (0..n.saturating_sub(1)).map(|i| {
                let active = d.comparing == Some(i);
                let main = if n == 2 { t(l, Key::SideBySide).to_string() } else { format!("{} ↔ {}", i + 1, i + 2) };
                html! {
                    <button class={classes!("side", "pair", active.then_some("active"))} data-testid={format!("lesson-compare-{i}")}
                        aria-pressed={active.to_string()} title={tf(l, Key::SideBySideOf, &[&d.setups[i], &d.setups[i + 1]])}
                        onclick={emit(UiEvent::Lesson(LessonEvent::Compare(i)))}>
                        <small>{ t(l, Key::Compare) }</small>{ main }
                    </button>
                }
            }) }
        </div>
    }
}
