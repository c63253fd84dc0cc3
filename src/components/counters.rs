//! The verdict banner and the live counters.

use yew::prelude::*;

use crate::i18n::{Key, t};
use crate::studio::view::{CountersView, verdict_text};

/// Props of [`Counters`].
#[derive(Properties, PartialEq)]
pub struct CountersProps {
    /// What it shows.
    pub view: CountersView,
}

/// The verdict and counters.
#[component]
pub fn Counters(p: &CountersProps) -> Html {
    let v = &p.view;
    let l = v.lang;
    let c = &v.counts;
    let cell = |key: Key, value: String, id: &'static str, bad: bool| {
        html! {
            <div class={classes!("counter", bad.then_some("bad"))}>
                <dt>{ t(l, key) }</dt>
                <dd data-testid={id}>{ value }</dd>
            </div>
        }
    };
    let not_yet = c.produced.saturating_sub(c.unique_effects);
    html! {
        <section class="metrics" aria-label={t(l, Key::Outcome)}>
            {
                match &v.report {
                    Some(r) => {
                        let class = r.verdict.name();
                        html! {
                            <div class={classes!("verdict", class)} data-testid="verdict" data-verdict={class} role="status">
                                <strong>{ verdict_text(l, r.verdict) }</strong>
                                <p data-testid="verdict-sentence">{ &v.sentence }</p>
                                <p class="figures">
                                    { format!("{}: p50 {} ms · p95 {} ms · p99 {} ms · {}: {:.0}/s",
                                        t(l, Key::LatencyShort), r.latency.p50, r.latency.p95, r.latency.p99,
                                        t(l, Key::ThroughputShort), r.throughput) }
                                </p>
                            </div>
                        }
                    }
                    None => html! {
                        <div class="verdict pending" data-testid="verdict" data-verdict="pending" role="status">
                            <strong>{ &v.sentence }</strong>
                        </div>
                    },
                }
            }
            <h2 class="counters-title">{ t(l, Key::SoFar) }</h2>
            <dl class="counters" data-testid="counters">
                { cell(Key::Produced, format!("{} / {}", c.produced, v.total), "c-produced", false) }
                { cell(Key::Sent, c.sent.to_string(), "c-sent", false) }
                { cell(Key::Retries, c.retries.to_string(), "c-retries", false) }
                { cell(Key::LostInTransit, c.lost_in_transit.to_string(), "c-lost", c.lost_in_transit > 0) }
                { cell(Key::DuplicatedInTransit, c.duplicated_in_transit.to_string(), "c-duplicated", false) }
                { cell(Key::Delivered, c.delivered.to_string(), "c-delivered", false) }
                { cell(Key::Redeliveries, c.redeliveries.to_string(), "c-redeliveries", false) }
                { cell(Key::DedupHits, c.dedup_hits.to_string(), "c-dedup", false) }
                { cell(Key::EffectsApplied, c.effects_applied.to_string(), "c-effects", false) }
                { cell(Key::DuplicateEffects, c.duplicate_effects.to_string(), "c-duplicate-effects", c.duplicate_effects > 0) }
                { cell(Key::NotYetApplied, not_yet.to_string(), "c-not-applied", false) }
                { cell(Key::DeadLettered, c.dead_lettered.to_string(), "c-dead", c.dead_lettered > 0) }
                { cell(Key::Rejected, c.rejected.to_string(), "c-rejected", c.rejected > 0) }
                { cell(Key::OrderingViolations, c.ordering_violations.to_string(), "c-ordering", c.ordering_violations > 0) }
                { cell(Key::InFlightNow, v.in_flight.to_string(), "c-in-flight", false) }
                { cell(Key::QueuedNow, v.queue_depth.to_string(), "c-queued", false) }
            </dl>
        </section>
    }
}
