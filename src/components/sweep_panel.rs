//! The sweep panel: the form, the progress of a running sweep, its chart and
//! table, and the exports.

use yew::prelude::*;

use super::editor::typing;
use super::{CanvasView, input_checked};
use crate::i18n::{Key, t, tf};
use crate::studio::sweep::SweepView;
use crate::studio::{Diagram, Export, SweepEvent, SweepField, UiEvent};

/// Props of [`SweepPanel`].
#[derive(Properties, PartialEq)]
pub struct SweepPanelProps {
    /// What it shows.
    pub view: SweepView,
    /// The chart's canvas (the animation loop draws on it).
    pub canvas: NodeRef,
    /// Where actions go.
    pub on_event: Callback<UiEvent>,
}

/// One labelled input of the form, its problems below it.
fn field(v: &SweepView, cb: &Callback<UiEvent>, f: SweepField) -> Html {
    let l = v.lang;
    let (id, label, value, list) = match f {
        SweepField::Vary => ("sweep-vary", Key::SweepVary, &v.form.vary, Some("sweep-fields")),
        SweepField::From => ("sweep-from", Key::SweepFrom, &v.form.from, None),
        SweepField::To => ("sweep-to", Key::SweepTo, &v.form.to, None),
        SweepField::Steps => ("sweep-steps", Key::SweepSteps, &v.form.steps, None),
        SweepField::Series => ("sweep-series", Key::SweepSeries, &v.form.series, Some("sweep-fields")),
        SweepField::SeriesValues => ("sweep-series-values", Key::SweepSeriesValues, &v.form.series_values, None),
        SweepField::Seeds => ("sweep-seeds", Key::SweepSeeds, &v.form.seeds, None),
        SweepField::Figures => ("sweep-figures", Key::SweepFigures, &v.form.figures, Some("sweep-figure-list")),
        SweepField::Workers => ("sweep-workers", Key::SweepWorkers, &v.form.workers, None),
    };
    let errors: Vec<&str> = v.problems.iter().filter(|(at, _)| *at == Some(f)).map(|(_, e)| e.as_str()).collect();
    let invalid = !errors.is_empty();
    let err_id = format!("{id}-error");
    html! {
        <label class="sweep-field" for={id}>
            <span>{ t(l, label) }</span>
            <input {id} data-testid={id} value={value.clone()} list={list}
                aria-invalid={invalid.then_some("true")} aria-describedby={invalid.then(|| err_id.clone())}
                spellcheck="false" autocomplete="off"
                oninput={typing(cb, move |text| SweepEvent::Set(f, text).into())} />
            if invalid {
                <span class="field-error" id={err_id} role="alert">{ errors.join("; ") }</span>
            }
        </label>
    }
}

/// Fields side by side.
fn row(v: &SweepView, cb: &Callback<UiEvent>, fields: &[SweepField]) -> Html {
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
        Callback::from(move |_: MouseEvent| cb.emit(ev.clone().into()))
    };
    let onsubmit = {
        let cb = cb.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            cb.emit(SweepEvent::Start.into());
        })
    };
    let on_log = {
        let cb = cb.clone();
        Callback::from(move |e: Event| cb.emit(SweepEvent::SetLog(input_checked(&e)).into()))
    };
    let export = |x: Export| {
        let cb = cb.clone();
        Callback::from(move |_: MouseEvent| cb.emit(x.into()))
    };
    let general: Vec<&String> = v.problems.iter().filter(|(at, _)| at.is_none()).map(|(_, e)| e).collect();
    let has_rows = !v.rows.is_empty();
    html! {
        <div class="panel-body sweep" data-testid="sweep">
            <form class="sweep-form" {onsubmit} novalidate=true aria-label={t(l, Key::TabSweep)}>
                <p class="muted small">{ t(l, Key::SweepIntro) }</p>
                { row(v, cb, &[SweepField::Vary]) }
                { row(v, cb, &[SweepField::From, SweepField::To, SweepField::Steps]) }
                <label class="check"><input type="checkbox" data-testid="sweep-log" checked={v.form.log} onchange={on_log} />{ t(l, Key::SweepLog) }</label>
                { row(v, cb, &[SweepField::Series]) }
                { row(v, cb, &[SweepField::SeriesValues]) }
                { row(v, cb, &[SweepField::Seeds, SweepField::Workers]) }
                { row(v, cb, &[SweepField::Figures]) }
                <datalist id="sweep-fields">{ for v.fields.iter().map(|x| html! { <option value={x.clone()} /> }) }</datalist>
                <datalist id="sweep-figure-list">{ for v.figures.iter().map(|x| html! { <option value={x.clone()} /> }) }</datalist>
                <div class="sweep-actions">
                    <button type="submit" class="primary" data-testid="sweep-run">{ t(l, Key::SweepRun) }</button>
                    if v.running {
                        <button type="button" data-testid="sweep-cancel" onclick={send(SweepEvent::Cancel)}>{ t(l, Key::SweepCancel) }</button>
                    }
                </div>
                if !general.is_empty() {
                    <div class="problems" role="alert" data-testid="sweep-problems">
                        <p>{ t(l, Key::SweepCannot) }</p>
                        <ul>{ for general.iter().map(|e| html! { <li>{ e.as_str() }</li> }) }</ul>
                    </div>
                }
                if let Some((events, budget)) = &v.asking {
                    <div class="problems ask" role="alertdialog" data-testid="sweep-ask">
                        <p>{ tf(l, Key::SweepAsk, &[events, budget]) }</p>
                        <button type="button" data-testid="sweep-anyway" onclick={send(SweepEvent::StartAnyway)}>{ t(l, Key::SweepRunAnyway) }</button>
                        <button type="button" onclick={send(SweepEvent::KeepForm)}>{ t(l, Key::SweepKeep) }</button>
                    </div>
                }
                <p class="small">{ t(l, Key::SweepTheoryFor) }</p>
                <ul class="small theories" data-testid="sweep-theories">
                    { for v.theories.iter().map(|(name, need)| html! {
                        <li data-theory={*name} data-applies={need.is_none().to_string()}>
                            <b>{ *name }</b>{ " " }{ need.clone().unwrap_or_else(|| t(l, Key::SweepMeets).to_string()) }
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
                        <button data-testid="sweep-export-svg" onclick={export(Export::Svg(Diagram::Sweep))}>{ "SVG" }</button>
                        <button data-testid="sweep-export-png" onclick={export(Export::Png(Diagram::Sweep))}>{ "PNG" }</button>
                    </div>
                    <table class="sweep-table" data-testid="sweep-table">
                        <thead><tr>
                            <th>{ t(l, Key::SweepColSeries) }</th><th>{ t(l, Key::SweepColValue) }</th><th>{ t(l, Key::SweepFigures) }</th>
                            <th>{ t(l, Key::SweepColRuns) }</th><th>{ t(l, Key::SweepColMean) }</th><th>{ t(l, Key::SweepColCi) }</th>
                            <th>{ t(l, Key::SweepTheory) }</th>
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
