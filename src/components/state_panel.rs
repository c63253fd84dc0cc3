//! Each service's own table: committed changes per key at the shown moment,
//! the keys where a service disagrees with the services it hears from first.

use yew::prelude::*;

use crate::i18n::{Key, t, tf};
use crate::studio::view::{SagaOutcome, StateView};

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
