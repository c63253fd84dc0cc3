//! Each service's own table: committed changes per key at the shown moment,
//! the keys where a service disagrees with the services it hears from first.

use yew::prelude::*;

use crate::i18n::{Key, t, tf};
use crate::studio::view::{ConsistencySeries, SagaOutcome, StateView};

/// Props of [`StatePanel`].
#[derive(Properties, PartialEq)]
pub struct StatePanelProps {
    /// What it shows.
    pub view: StateView,
}

/// The services' tables, one column each.
#[component]
pub fn StatePanel(p: &StatePanelProps) -> Html {
    let v = &p.view;
    let l = v.lang;
    let more = v.keys.saturating_sub(v.rows.len());
    html! {
        <div class="panel-body state" data-testid="state" tabindex="0" role="region" aria-label={t(l, Key::TabState)}>
            if let Some(c) = &v.consistency {
                { consistency_chart(c, v) }
            }
            if let Some(s) = &v.sagas {
                <h3>{ t(l, if s.two_phase { Key::TxTimelineTitle } else { Key::SagaTimelineTitle }) }</h3>
                <p class="muted">{ t(l, Key::SagaTimelineIntro) }</p>
                <p data-testid="saga-summary">{ &s.summary }</p>
                <table class="sagas" data-testid="saga-timeline">
                    <thead>
                        <tr>
                            <th>{ t(l, Key::SagaOrder) }</th>
                            <th>{ t(l, Key::StateKey) }</th>
                            { for s.steps.iter().map(|n| html! { <th>{ n }</th> }) }
                            <th>{ t(l, Key::SagaOutcomeHead) }</th>
                        </tr>
                    </thead>
                    <tbody>
                        { for s.rows.iter().map(|r| {
                            let (class, word) = match r.outcome {
                                SagaOutcome::Open => ("open", Key::SagaOpen),
                                SagaOutcome::Completed => ("completed", Key::SagaCompleted),
                                SagaOutcome::Compensated => ("compensated", Key::SagaCompensated),
                                SagaOutcome::Committed => ("completed", Key::TxCommitted),
                                SagaOutcome::Aborted => ("compensated", Key::TxAborted),
                            };
                            html! {
                                <tr class={class} data-msg={r.msg.to_string()}>
                                    <th>{ format!("#{}", r.msg) }</th>
                                    <td>{ r.key }</td>
                                    { for r.cells.iter().map(|c| html! {
                                        <td class={c.name()} data-mark={c.name()} title={t(l, c.label())}>{ c.symbol() }</td>
                                    }) }
                                    <td class="outcome-cell">{ t(l, word) }</td>
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
            }
            <p class="muted">{ t(l, Key::StateIntro) }</p>
            <p data-testid="state-summary">{ &v.summary }</p>
            <table>
                <thead>
                    <tr>
                        <th>{ t(l, Key::StateKey) }</th>
                        { for v.services.iter().map(|s| html! { <th>{ s }</th> }) }
                    </tr>
                </thead>
                <tbody>
                    { for v.rows.iter().map(|r| html! {
                        <tr data-key={r.key.to_string()}>
                            <th>{ r.key }</th>
                            { for r.cells.iter().map(|c| {
                                let class = classes!(c.differs().then_some("differs"), c.last.then_some("last"));
                                let title = c.upstream.map(|u| tf(l, Key::StateUpstream, &[&u]));
                                html! { <td class={class} {title}>{ c.count }</td> }
                            }) }
                        </tr>
                    }) }
                </tbody>
            </table>
            if more > 0 {
                <p class="muted">{ tf(l, Key::StateMore, &[&more]) }</p>
            }
        </div>
    }
}

/// The run's consistency over time: keys where a service disagrees, and
/// sagas whose services disagree, with a line at the shown moment.
fn consistency_chart(c: &ConsistencySeries, v: &StateView) -> Html {
    const W: f64 = 600.0;
    const H: f64 = 60.0;
    let l = v.lang;
    let end = c.times.last().copied().unwrap_or(1).max(1) as f64;
    let max_keys = c.keys.iter().copied().max().unwrap_or(0);
    let max_sagas = c.sagas.iter().copied().max().unwrap_or(0);
    let top = f64::from(max_keys.max(max_sagas).max(1));
    let line = |ys: &[u32]| {
        c.times
            .iter()
            .zip(ys)
            .map(|(&t, &y)| format!("{:.1},{:.1}", t as f64 / end * W, H - f64::from(y) / top * (H - 4.0)))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let x = (v.now as f64 / end * W).clamp(0.0, W);
    let label = tf(l, Key::ConsistencyChart, &[&max_keys, &max_sagas]);
    html! {
        <figure class="consistency" data-testid="consistency-chart" data-max-keys={max_keys.to_string()}
            data-last-keys={c.keys.last().copied().unwrap_or(0).to_string()} data-max-sagas={max_sagas.to_string()}>
            <svg viewBox={format!("0 0 {W} {H}")} preserveAspectRatio="none" role="img" aria-label={label.clone()}>
                <polyline class="keys" fill="none" points={line(&c.keys)} />
                if !c.sagas.is_empty() {
                    <polyline class="sagas" fill="none" points={line(&c.sagas)} />
                }
                <line class="now" x1={format!("{x:.1}")} x2={format!("{x:.1}")} y1="0" y2={H.to_string()} />
            </svg>
            <figcaption class="muted">{ label }</figcaption>
        </figure>
    }
}
