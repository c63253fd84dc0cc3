//! The sweep panel: the form, the progress of a running sweep, its chart and
//! table, and the exports.

use yew::prelude::*;

use super::form::SweepField;
use super::state::SweepEvent;
use super::view::SweepView;
use super::words::{Word, w, wf};
use crate::components::{CanvasView, input_checked};
use crate::i18n::{Key, t};

/// Props of [`SweepPanel`].
#[derive(Properties, PartialEq)]
pub struct SweepPanelProps {
    /// What it shows.
    pub view: SweepView,
    /// The chart's canvas (the animation loop draws on it).
    pub canvas: NodeRef,
    /// Where actions go.
    pub on_event: Callback<SweepEvent>,
}

/// One labelled input of the form, its problems below it.
fn field(v: &SweepView, cb: &Callback<SweepEvent>, f: SweepField) -> Html {
    let l = v.lang;
    let (id, label, value, list) = match f {
        SweepField::Vary => ("sweep-vary", Word::Vary, &v.form.vary, Some("sweep-fields")),
        SweepField::From => ("sweep-from", Word::From, &v.form.from, None),
        SweepField::To => ("sweep-to", Word::To, &v.form.to, None),
        SweepField::Steps => ("sweep-steps", Word::Steps, &v.form.steps, None),
        SweepField::Series => ("sweep-series", Word::Series, &v.form.series, Some("sweep-fields")),
        SweepField::SeriesValues => ("sweep-series-values", Word::SeriesValues, &v.form.series_values, None),
        SweepField::Seeds => ("sweep-seeds", Word::Seeds, &v.form.seeds, None),
        SweepField::Figures => ("sweep-figures", Word::Figures, &v.form.figures, Some("sweep-figure-list")),
        SweepField::Workers => ("sweep-workers", Word::Workers, &v.form.workers, None),
    };
    let errors: Vec<&str> = v.problems.iter().filter(|(at, _)| *at == Some(f)).map(|(_, e)| e.as_str()).collect();
    let invalid = !errors.is_empty();
    let err_id = format!("{id}-error");
    html! {
        <label class="sweep-field" for={id}>
            <span>{ w(l, label) }</span>
            <input {id} data-testid={id} value={value.clone()} list={list}
                aria-invalid={invalid.then_some("true")} aria-describedby={invalid.then(|| err_id.clone())}
                spellcheck="false" autocomplete="off"
                oninput={typing(cb, f)} />
            if invalid {
                <span class="field-error" id={err_id} role="alert">{ errors.join("; ") }</span>
            }
        </label>
    }
}

/// Keeps what is typed in the form (so a re-render does not undo it).
fn typing(cb: &Callback<SweepEvent>, f: SweepField) -> Callback<InputEvent> {
    let cb = cb.clone();
    Callback::from(move |e: InputEvent| {
        cb.emit(SweepEvent::Set(f, e.target_unchecked_into::<web_sys::HtmlInputElement>().value()))
    })
}

/// Fields side by side.
fn row(v: &SweepView, cb: &Callback<SweepEvent>, fields: &[SweepField]) -> Html {
    html! { <div class="sweep-row">{ for fields.iter().map(|&f| field(v, cb, f)) }</div> }
}

/// The sweep panel.
#[component]
pub fn SweepPanel(p: &SweepPanelProps) -> Html {
    let v = &p.view;
    let l = v.lang;
    let cb = &p.on_event;
    let send = |ev: SweepEvent| {
        let cb = cb.clone();
        Callback::from(move |_: MouseEvent| cb.emit(ev.clone()))
    };
    let onsubmit = {
        let cb = cb.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            cb.emit(SweepEvent::Start);
        })
    };
    let on_log = {
        let cb = cb.clone();
        Callback::from(move |e: Event| cb.emit(SweepEvent::SetLog(input_checked(&e))))
    };
    let general: Vec<&String> = v.problems.iter().filter(|(at, _)| at.is_none()).map(|(_, e)| e).collect();
    let has_rows = !v.rows.is_empty();
    html! {
        <div class="panel-body sweep" data-testid="sweep">
            <form class="sweep-form" {onsubmit} novalidate=true aria-label={t(l, Key::TabSweep)}>
                <p class="muted small">{ w(l, Word::Intro) }</p>
                { row(v, cb, &[SweepField::Vary]) }
                { row(v, cb, &[SweepField::From, SweepField::To, SweepField::Steps]) }
                <label class="check"><input type="checkbox" data-testid="sweep-log" checked={v.form.log} onchange={on_log} />{ w(l, Word::Log) }</label>
                { row(v, cb, &[SweepField::Series]) }
                { row(v, cb, &[SweepField::SeriesValues]) }
                { row(v, cb, &[SweepField::Seeds, SweepField::Workers]) }
                { row(v, cb, &[SweepField::Figures]) }
                <datalist id="sweep-fields">{ for v.fields.iter().map(|x| html! { <option value={x.clone()} /> }) }</datalist>
                <datalist id="sweep-figure-list">{ for v.figures.iter().map(|x| html! { <option value={x.clone()} /> }) }</datalist>
                <div class="sweep-actions">
                    <button type="submit" class="primary" data-testid="sweep-run">{ w(l, Word::Run) }</button>
                    if v.running {
                        <button type="button" data-testid="sweep-cancel" onclick={send(SweepEvent::Cancel)}>{ w(l, Word::Cancel) }</button>
                    }
                </div>
                if !general.is_empty() {
                    <div class="problems" role="alert" data-testid="sweep-problems">
                        <p>{ w(l, Word::Cannot) }</p>
                        <ul>{ for general.iter().map(|e| html! { <li>{ e.as_str() }</li> }) }</ul>
                    </div>
                }
                if let Some((events, budget)) = &v.asking {
                    <div class="problems ask" role="alertdialog" data-testid="sweep-ask">
                        <p>{ wf(l, Word::Ask, &[events, budget]) }</p>
                        <button type="button" data-testid="sweep-anyway" onclick={send(SweepEvent::StartAnyway)}>{ w(l, Word::RunAnyway) }</button>
                        <button type="button" onclick={send(SweepEvent::KeepForm)}>{ w(l, Word::Keep) }</button>
                    </div>
                }
                <p class="small">{ w(l, Word::TheoryFor) }</p>
                <ul class="small theories" data-testid="sweep-theories">
                    { for v.theories.iter().map(|(name, need)| html! {
                        <li data-theory={*name} data-applies={need.is_none().to_string()}>
                            <b>{ *name }</b>{ " " }{ need.clone().unwrap_or_else(|| w(l, Word::Meets).to_string()) }
                        </li>
                    }) }
                </ul>
            </form>
            <div class="sweep-results">
                <div class="sweep-status" aria-live="polite">
                    if let Some((done, total)) = v.progress {
                        <progress max={total.to_string()} value={done.to_string()} data-testid="sweep-progress" />
                    }
                    <span data-testid="sweep-status">{ &v.status }</span>
                    if let Some(why) = &v.no_theory {
                        <span class="muted small" data-testid="sweep-no-theory">{ why }</span>
                    }
                </div>
                <CanvasView node_ref={p.canvas.clone()} class="sweep-chart" label={t(l, Key::TabSweep)}
                    on_click={Callback::noop()} testid="sweep-chart" />
                if has_rows {
                    <div class="sweep-exports">
                        <span>{ t(l, Key::Export) }</span>
                        <button data-testid="sweep-export-csv" onclick={send(SweepEvent::ExportCsv)}>{ "CSV" }</button>
                        <button data-testid="sweep-export-svg" onclick={send(SweepEvent::ExportSvg)}>{ "SVG" }</button>
                        <button data-testid="sweep-export-png" onclick={send(SweepEvent::ExportPng)}>{ "PNG" }</button>
                    </div>
                    <table class="sweep-table" data-testid="sweep-table">
                        <thead><tr>
                            <th>{ w(l, Word::ColSeries) }</th><th>{ w(l, Word::ColValue) }</th><th>{ w(l, Word::ColFigure) }</th>
                            <th>{ w(l, Word::ColRuns) }</th><th>{ w(l, Word::ColMean) }</th><th>{ w(l, Word::ColCi) }</th>
                            <th>{ w(l, Word::Theory) }</th>
                        </tr></thead>
                        <tbody>
                            { for v.rows.iter().take(500).map(|r| html! {
                                <tr>{ for r.iter().map(|c| html! { <td>{ c }</td> }) }</tr>
                            }) }
                        </tbody>
                    </table>
                }
            </div>
        </div>
    }
}
