//! The State tab's table, in the on-demand module (with the sweep panel,
//! the editor and the dialogs): the page carries neither the table nor the
//! fold behind it. While the tab is open the page gives `#state-host` its
//! scenario (`data-scenario`, JSON), seed (`data-seed`) and the shown
//! moment (`data-cursor`, an index into the trace); the module runs the
//! same scenario and seed once (a run is deterministic: the same trace as
//! the page's) and folds the trace up to the cursor each time it moves.

use msgsim_sim::Scenario;
use yew::prelude::*;

use crate::components::StatePanel;
use crate::i18n::Lang;
use crate::studio::run::Run;
use crate::studio::view::{ConsistencySeries, consistency_series, state_view};

/// The DOM id of the element the page gives the run on.
pub const HOST_ID: &str = "state-host";

/// What the page shows now: the scenario JSON, the seed, the cursor and
/// the language.
type Shown = (String, u64, usize, Lang);

/// Points of the consistency chart.
const CHART_POINTS: usize = 240;

/// The run of the page's scenario (its JSON, its seed), and its
/// consistency over time.
type PageRun = Option<(String, u64, Scenario, Run, std::rc::Rc<ConsistencySeries>)>;

fn read() -> Option<Shown> {
    let host = gloo::utils::document().get_element_by_id(HOST_ID)?;
    let root = gloo::utils::document().document_element()?;
    let lang = root.get_attribute("lang").and_then(|t| Lang::from_tag(&t)).unwrap_or_default();
    Some((
        host.get_attribute("data-scenario")?,
        host.get_attribute("data-seed")?.parse().ok()?,
        host.get_attribute("data-cursor")?.parse().ok()?,
        lang,
    ))
}

/// Follows the page's State tab and draws the services' tables.
#[component]
pub fn StateApp() -> Html {
    let shown = crate::platform::use_page(read);
    let run = use_mut_ref(PageRun::default);
    let Some((json, seed, cursor, lang)) = shown else { return html! {} };
    let mut page_run = run.borrow_mut();
    if page_run.as_ref().is_none_or(|(j, sd, ..)| *j != json || *sd != seed) {
        // The page's own run (its trace cap and memory budget): the same trace.
        *page_run = Scenario::from_json(&json).ok().and_then(|scenario| {
            let mut run = Run::new(&scenario, seed).ok()?;
            while run.compute(1 << 20) {}
            let series = consistency_series(&scenario, run.sim().topology(), run.trace(), CHART_POINTS);
            Some((json.clone(), seed, scenario, run, std::rc::Rc::new(series)))
        });
    }
    let Some((_, _, scenario, run, series)) = &*page_run else { return html! {} };
    let trace = run.trace();
    let mut view = state_view(scenario, run.sim().topology(), &trace[..cursor.min(trace.len())], lang);
    view.consistency = Some(series.clone());
    html! { <StatePanel {view} /> }
}
