//! The verdict banner and the live counters.

use yew::prelude::*;

use crate::i18n::{Key, t};
use crate::studio::view::{CountersView, verdict_text};

/// Props of [`Counters`].
#[derive(Properties, PartialEq)]
pub struct CountersProps {
    /// What it shows.
    pub view: CountersView,
    /// Reveal a hidden outcome.
    pub on_reveal: Callback<MouseEvent>,
}

/// The verdict and counters.
#[component]
pub fn Counters(p: &CountersProps) -> Html {
    let v = &p.view;
    let l = v.lang;
    html! {
        <section class="metrics" aria-label={t(l, Key::Outcome)}>
            {
                match &v.report {
                    Some(r) => {
                        let class = r.verdict.name();
                        html! {
                            <div class={classes!("verdict", class)} data-testid="verdict" data-verdict={class} role="status">
                                if let Some(side) = &v.side { <span class="verdict-side">{ side }{ ": " }</span> }
                                <strong>{ verdict_text(l, r.verdict) }</strong>
                                <p data-testid="verdict-sentence">{ &v.sentence }</p>
                                <p class="figures">
                                    { format!("{}: p50 {} ms · p95 {} ms · p99 {} ms · {}: {:.0}/s",
                                        t(l, Key::LatencyShort), r.latency.p50, r.latency.p95, r.latency.p99,
                                        t(l, Key::ThroughputShort), r.throughput) }
                                </p>
                                if !r.broker_utilization.is_empty() {
                                    <p class="figures" data-testid="broker-busy">
                                        { format!("{}: {}", t(l, Key::BrokersBusy), r.broker_utilization.iter()
                                            .map(|b| format!("{} {:.1}%", b.broker, b.utilization * 100.0))
                                            .collect::<Vec<_>>().join(" · ")) }
                                    </p>
                                }
                                if let Some(g) = &r.sagas {
                                    <p class="figures" data-testid="sagas">
                                        { match &g.locks_held {
                                            Some(h) => crate::i18n::tf(l, Key::TxFigures, &[&g.completed, &g.compensated,
                                                &g.open, &g.half_done, &h.p50, &h.max, &g.in_doubt]),
                                            None => crate::i18n::tf(l, Key::SagaFigures, &[&g.completed, &g.compensated,
                                                &g.open, &g.half_done, &g.inconsistency_window.p50, &g.inconsistency_window.p99,
                                                &g.messages]),
                                        } }
                                    </p>
                                }
                                // A projection's rebuild: what it replayed and what it could not.
                                if let Some(took) = r.rebuild_ms {
                                    <p class={classes!("figures", (r.counts.replay_gone > 0).then_some("warn"))} data-testid="rebuild">
                                        { crate::i18n::tf(l, Key::RebuildFigures, &[&r.counts.replayed, &r.counts.replay_gone, &took]) }
                                    </p>
                                }
                                // An event store's appends: the messages' verdict cannot see a lost update.
                                if r.counts.lost_updates > 0 || r.counts.version_conflicts > 0 {
                                    <p class={classes!("figures", (r.counts.lost_updates > 0).then_some("warn"))} data-testid="event-store">
                                        { crate::i18n::tf(l, Key::EventStoreFigures, &[&r.counts.lost_updates, &r.counts.version_conflicts]) }
                                    </p>
                                }
                                if r.counts.derived > 0 {
                                    <p class="figures" data-testid="end-to-end">
                                        { format!("{}: p50 {} ms · p99 {} ms", t(l, Key::EndToEnd),
                                            r.end_to_end_latency.p50, r.end_to_end_latency.p99) }
                                    </p>
                                }
                            </div>
                        }
                    }
                    None if v.hidden => html! {
                        <div class="verdict pending hidden-outcome" data-testid="verdict" data-verdict="hidden" role="status">
                            <strong>{ &v.sentence }</strong>
                            <button class="reveal" data-testid="reveal-outcome" onclick={p.on_reveal.clone()}>{ t(l, Key::Reveal) }</button>
                        </div>
                    },
                    None => html! {
                        <div class="verdict pending" data-testid="verdict" data-verdict="pending" role="status">
                            <strong>{ &v.sentence }</strong>
                        </div>
                    },
                }
            }
            if !v.groups.is_empty() {
                <table class="groups" data-testid="groups">
                    <caption>{ t(l, Key::PerGroup) }</caption>
                    <thead><tr>
                        <th scope="col">{ t(l, Key::GroupName) }</th>
                        <th scope="col">{ t(l, Key::EffectsShort) }</th>
                        <th scope="col">{ t(l, Key::DuplicatesShort) }</th>
                        <th scope="col">{ t(l, Key::NeverShort) }</th>
                        <th scope="col">{ "p50 / p99 ms" }</th>
                        <th scope="col">{ t(l, Key::BusyShort) }</th>
                    </tr></thead>
                    <tbody>
                        { for v.groups.iter().map(|g| html! {
                            <tr class={classes!(g.bad.then_some("bad"))}>
                                <th scope="row">{ &g.name }</th>
                                <td>{ &g.effects }</td>
                                <td>{ &g.duplicates }</td>
                                <td>{ &g.never }</td>
                                <td>{ &g.latency }</td>
                                <td>{ &g.busy }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            }
            <h2 class="counters-title">{ t(l, Key::SoFar) }</h2>
            <dl class="counters" data-testid="counters">
                { for v.rows.iter().map(|r| html! {
                    <div class={classes!("counter", r.bad.then_some("bad"))}>
                        <dt>{ t(l, r.label) }</dt>
                        <dd data-testid={r.id}>{ &r.value }</dd>
                    </div>
                }) }
            </dl>
        </section>
    }
}
