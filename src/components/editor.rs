//! The scenario editor: every field in forms grouped by node and link, each
//! validation message beside its field.

use yew::prelude::*;

use super::{input_checked, input_value, select_value};
use crate::i18n::{Key, Lang, t, tf};
use crate::studio::EditEvent;
use crate::studio::draft::{FieldError, ParseError};
use crate::studio::fields::{Field, FieldKind, Label, ListBlock, Section, Target};
use crate::studio::view::EditorView;

/// Props of [`EditorPanel`].
#[derive(Properties, PartialEq)]
pub struct EditorProps {
    /// What it shows.
    pub view: EditorView,
    /// Where actions go.
    pub on_event: Callback<EditEvent>,
}

/// The label of a tagged kind (distribution or arrival process).
fn kind_label(kind: &str) -> Key {
    match kind {
        "constant" => Key::DistConstant,
        "uniform" => Key::DistUniform,
        "normal" => Key::DistNormal,
        "exponential" => Key::DistExponential,
        "log_normal" => Key::DistLogNormal,
        "fixed" => Key::ArrivalFixed,
        "poisson" => Key::ArrivalPoisson,
        _ => Key::ArrivalBursts,
    }
}

fn error_text(l: Lang, e: &FieldError) -> String {
    match e {
        FieldError::Parse(ParseError::Number) => t(l, Key::NotANumber).to_string(),
        FieldError::Parse(ParseError::Integer) => t(l, Key::NotAWholeNumber).to_string(),
        FieldError::Parse(ParseError::Numbers) => t(l, Key::NotKeyList).to_string(),
        FieldError::Parse(ParseError::Inexact) => t(l, Key::NotKeptExactly).to_string(),
        FieldError::Invalid(kind) => crate::i18n::problem_message(l, kind),
    }
}

fn field_view(v: &EditorView, f: &Field, cb: &Callback<EditEvent>) -> Html {
    let l = v.lang;
    let text = v.typing.get(&f.path).cloned().unwrap_or_else(|| v.draft.text(&f.path));
    let error = v.draft.error(&f.path);
    let edit = {
        let cb = cb.clone();
        let path = f.path.clone();
        let kind = f.kind.clone();
        move |text: String| cb.emit(EditEvent::Edit { path: path.clone(), kind: kind.clone(), text })
    };
    let path = f.path.clone();
    let input = match &f.kind {
        FieldKind::Bool | FieldKind::Toggle { .. } => {
            let on = Callback::from(move |e: Event| edit(input_checked(&e).to_string()));
            html! { <input type="checkbox" data-path={path} checked={text == "true"} onchange={on} /> }
        }
        FieldKind::Choice(options) | FieldKind::Creates { options, .. } => {
            let on = Callback::from(move |e: Event| edit(select_value(&e)));
            let creates = matches!(f.kind, FieldKind::Creates { .. });
            html! {
                <select data-path={path} onchange={on}>
                    if creates {
                        <option value="" selected={text.is_empty()}>{ t(l, Key::NoPublish) }</option>
                    }
                    { for options.iter().map(|o| html! {
                        <option value={o.value.clone()} selected={o.value == text}>{
                            match &o.label { Label::Key(k) => t(l, *k).to_string(), Label::Text(s) => s.clone() }
                        }</option>
                    }) }
                </select>
            }
        }
        FieldKind::Tagged { templates } => {
            let on = Callback::from(move |e: Event| edit(select_value(&e)));
            html! {
                <select data-path={path} onchange={on}>
                    if text.is_empty() {
                        <option value="" selected=true>{ t(l, Key::UseDefault) }</option>
                    }
                    { for templates.iter().map(|(k, _)| html! {
                        <option value={*k} selected={*k == text}>{ t(l, kind_label(k)) }</option>
                    }) }
                </select>
            }
        }
        FieldKind::Number { .. } | FieldKind::Integer { .. } | FieldKind::Text | FieldKind::Numbers => {
            let on = Callback::from(move |e: Event| edit(input_value(&e)));
            let field = f.path.clone();
            let typing = super::typing(cb, move |text| EditEvent::Typing(field.clone(), text));
            let (mode, placeholder) = match f.kind {
                FieldKind::Number { optional } | FieldKind::Integer { optional } => {
                    ("decimal", if optional { t(l, Key::NoneOrDefault) } else { "" })
                }
                FieldKind::Numbers => ("decimal", t(l, Key::NoneOrDefault)),
                _ => ("text", ""),
            };
            html! {
                <input type="text" inputmode={mode} data-path={path} value={text} onchange={on} oninput={typing}
                    placeholder={placeholder} aria-invalid={error.is_some().to_string()} />
            }
        }
    };
    // Keyed by its path: a field that appears or goes (a switch turned on)
    // leaves the others' elements in place, and the focus where it was.
    html! {
        <div key={f.path.clone()} class={classes!("field", error.is_some().then_some("invalid"))}>
            <label>
                <span class="label">{ t(l, f.label) }</span>
                <span class="input">{ input }{ for f.unit.map(|u| html! { <span class="unit">{ u }</span> }) }</span>
            </label>
            if let Some(e) = &error {
                <span class="field-error" role="alert" data-error-for={f.path.clone()}>{ error_text(l, e) }</span>
            }
        </div>
    }
}

fn list_view(v: &EditorView, list: &ListBlock, cb: &Callback<EditEvent>) -> Html {
    let l = v.lang;
    let add = {
        let cb = cb.clone();
        let (path, template) = (list.path.clone(), list.template.clone());
        Callback::from(move |_| cb.emit(EditEvent::AddItem(path.clone(), template.clone())))
    };
    html! {
        <fieldset class="list">
            <legend>{ t(l, list.label) }</legend>
            { for list.rows.iter().enumerate().map(|(i, row)| {
                let cb2 = cb.clone();
                let path = list.path.clone();
                html! {
                    <div class="row">
                        // Their own fragment: a list of keyed fields (see `field_view`).
                        <>{ for row.iter().map(|f| field_view(v, f, cb)) }</>
                        <button class="icon" title={t(l, Key::Remove)} aria-label={t(l, Key::Remove)}
                            onclick={Callback::from(move |_| cb2.emit(EditEvent::RemoveItem(path.clone(), i)))}>{ super::icons::close() }</button>
                    </div>
                }
            }) }
            <button class="small" onclick={add}>{ "+ " }{ t(l, Key::Add) }</button>
        </fieldset>
    }
}

fn section_view(v: &EditorView, s: &Section, cb: &Callback<EditEvent>) -> Html {
    let l = v.lang;
    let remove = s.target.list_item().map(|(list, i)| {
        let cb = cb.clone();
        Callback::from(move |_| cb.emit(EditEvent::RemoveItem(list.to_string(), i)))
    });
    let focused = v.focus == Some(s.target);
    html! {
        <section id={s.target.dom_id()} class={classes!("form-section", focused.then_some("focused"))}>
            <header>
                <h3>{ tf(l, s.title, &[&s.name]) }</h3>
                if let Some(on) = remove {
                    <button class="icon" title={t(l, Key::Remove)} aria-label={t(l, Key::Remove)} onclick={on}>{ super::icons::trash() }</button>
                }
            </header>
            // Their own fragment: a list of keyed fields (see `field_view`).
            <>{ for s.fields.iter().map(|f| field_view(v, f, cb)) }</>
            { for s.lists.iter().map(|list| list_view(v, list, cb)) }
        </section>
    }
}

/// The editor.
#[component]
pub fn EditorPanel(p: &EditorProps) -> Html {
    let v = &p.view;
    let l = v.lang;
    let cb = &p.on_event;
    let add = |list: &'static str| {
        let cb = cb.clone();
        Callback::from(move |_| cb.emit(EditEvent::AddGroup(list.to_string())))
    };
    let of = |f: fn(&Target) -> bool| v.sections.iter().filter(move |s| f(&s.target));
    html! {
        <div class="panel-body editor" data-testid="editor">
            if !v.runnable {
                <p class="notice bad" role="alert" data-testid="editor-blocked">
                    { tf(l, Key::FixToRun, &[&v.draft.error_count()]) }
                </p>
            }
            { for v.general.iter().map(|g| html! { <p class="field-error" role="alert">{ crate::i18n::problem_line(l, g) }</p> }) }
            { for of(|t| matches!(t, Target::Run | Target::Network)).map(|s| section_view(v, s, cb)) }
            { for of(|t| matches!(t, Target::NewLink)).map(|s| html! {
                <>
                    <p class="notice" data-testid="new-link-note">{ t(l, Key::NewLinkNote) }</p>
                    { section_view(v, s, cb) }
                </>
            }) }
            { for of(|t| matches!(t, Target::Link(_))).map(|s| section_view(v, s, cb)) }
            <button class="small" onclick={add("network.links")}>{ "+ " }{ t(l, Key::AddLinkOverride) }</button>
            <h2>{ t(l, Key::Producers) }</h2>
            { for of(|t| matches!(t, Target::Producer(_))).map(|s| section_view(v, s, cb)) }
            <button class="small" onclick={add("producers")}>{ "+ " }{ t(l, Key::AddProducer) }</button>
            <h2>{ t(l, Key::Queues) }</h2>
            { for of(|t| matches!(t, Target::Queue(_))).map(|s| section_view(v, s, cb)) }
            <button class="small" onclick={add("queues")}>{ "+ " }{ t(l, Key::AddQueue) }</button>
            <h2>{ t(l, Key::Exchanges) }</h2>
            { for of(|t| matches!(t, Target::Exchange(_))).map(|s| section_view(v, s, cb)) }
            <button class="small" onclick={add("exchanges")}>{ "+ " }{ t(l, Key::AddExchange) }</button>
            <h2>{ t(l, Key::Topics) }</h2>
            { for of(|t| matches!(t, Target::Topic(_))).map(|s| section_view(v, s, cb)) }
            <button class="small" onclick={add("topics")}>{ "+ " }{ t(l, Key::AddTopic) }</button>
            <h2>{ t(l, Key::Consumers) }</h2>
            { for of(|t| matches!(t, Target::Consumer(_))).map(|s| section_view(v, s, cb)) }
            <button class="small" onclick={add("consumers")}>{ "+ " }{ t(l, Key::AddConsumer) }</button>
            { for of(|t| matches!(t, Target::Outages)).map(|s| section_view(v, s, cb)) }
        </div>
    }
}
