//! The root component.

use msgsim_sim::{Report, Simulation, presets};
use yew::prelude::*;

use crate::i18n::{Key, Lang, t};

/// The preset the Run button runs.
pub const DEMO_PRESET: &str = "lossy-fire-and-forget";

/// Runs the demo preset at its own seed.
pub fn run_demo() -> Option<Report> {
    let p = presets::get(DEMO_PRESET)?;
    let mut sim = Simulation::new(&p.scenario, p.scenario.seed).ok()?.without_trace();
    Some(sim.run())
}

/// The whole app.
#[component]
pub fn App() -> Html {
    let report = use_state(|| None::<Report>);
    let lang = Lang::En;
    let onclick = {
        let report = report.clone();
        Callback::from(move |_| report.set(run_demo()))
    };
    html! {
        <main class="landing">
            <h1>{ t(lang, Key::AppTitle) }<small>{ t(lang, Key::Tagline) }</small></h1>
            <p class="intro">{ t(lang, Key::Intro) }</p>
            <button class="primary" data-testid="run" {onclick}>{ t(lang, Key::Run) }</button>
            if let Some(r) = &*report {
                <dl class="counts" data-testid="counts">
                    <dt>{ t(lang, Key::Sent) }</dt><dd data-testid="sent">{ r.sent }</dd>
                    <dt>{ t(lang, Key::Lost) }</dt><dd data-testid="lost">{ r.lost_in_transit }</dd>
                    <dt>{ t(lang, Key::Delivered) }</dt><dd data-testid="delivered">{ r.delivered }</dd>
                    <dt>{ t(lang, Key::Verdict) }</dt><dd data-testid="verdict">{ r.verdict.name() }</dd>
                </dl>
            }
        </main>
    }
}
