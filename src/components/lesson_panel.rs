//! The lesson panel: the list of lessons, or one lesson with its before/after.

use yew::prelude::*;

use crate::i18n::{Key, t};
use crate::studio::view::LessonView;
use crate::studio::{LessonEvent, UiEvent};

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
                <ol class="lesson-list">
                    { for v.list.iter().map(|(id, title)| html! {
                        <li><button class="link" data-lesson={id.clone()} onclick={emit(UiEvent::Lesson(LessonEvent::Open(Some(id.clone()))))}>{ title }</button></li>
                    }) }
                </ol>
            </div>
        };
    };
    let side_button = |after: bool, label: &str| {
        let active = d.side == Some(after) && !d.comparing;
        html! {
            <button class={classes!("side", active.then_some("active"))} data-testid={if after { "lesson-after" } else { "lesson-before" }}
                onclick={emit(UiEvent::Lesson(LessonEvent::Side(after)))}>
                <small>{ t(l, if after { Key::After } else { Key::Before }) }</small>{ label.to_string() }
            </button>
        }
    };
    html! {
        <div class="panel-body lessons" data-testid="lesson">
            <button class="link back" onclick={emit(UiEvent::Lesson(LessonEvent::Open(None)))}>{ "← " }{ t(l, Key::AllLessons) }</button>
            <h2 data-testid="lesson-title">{ &d.title }</h2>
            <p>{ &d.explain }</p>
            <div class="sides">
                { side_button(false, &d.before) }
                { side_button(true, &d.after) }
                <button class={classes!("side", d.comparing.then_some("active"))} data-testid="lesson-compare" onclick={emit(UiEvent::Lesson(LessonEvent::Compare))}>
                    <small>{ t(l, Key::Compare) }</small>{ t(l, Key::SideBySide) }
                </button>
            </div>
            <div class="changes">
                <strong>{ t(l, Key::TheChange) }</strong>
                <ul>
                    { for d.changes.iter().map(|(path, before, after)| html! {
                        <li><code>{ path }</code>{ ": " }<span class="was">{ before }</span>{ " → " }<span class="now">{ after }</span></li>
                    }) }
                </ul>
            </div>
            <div class="callout watch"><strong>{ t(l, Key::WhatToWatch) }</strong><p>{ &d.watch }</p></div>
            <div class="callout question" data-testid="lesson-question"><strong>{ t(l, Key::QuestionForClass) }</strong><p>{ &d.question }</p></div>
        </div>
    }
}
