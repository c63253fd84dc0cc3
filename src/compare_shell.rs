//! The Comparison tab's table, in the on-demand module (with the sweep
//! panel, the editor and the dialogs): the page carries neither the table
//! nor the figures behind it. While the tab is open the page gives
//! `#compare-host` both runs — the reference's scenario (`data-before`) and
//! the main one's (`data-after`), JSON, on one seed (`data-seed`) — their
//! names (`data-before-label`, `data-after-label`) and whether a lesson
//! still hides the outcome (`data-hidden`). The module runs both once (a
//! run is deterministic: the same reports as the page's) and lists every
//! figure before → after.

use msgsim_sim::{Report, Scenario};
use yew::prelude::*;

use crate::components::ComparePanel;
use crate::i18n::Lang;
use crate::studio::compare::rows;
use crate::studio::run::Run;

/// The DOM id of the element the page gives the runs on.
pub const HOST_ID: &str = "compare-host";

/// What the page shows now: both scenarios (JSON), the seed, both names,
/// whether the outcome is hidden, and the language.
#[derive(Clone, Debug, PartialEq)]
struct Shown {
    before: String,
    after: String,
    seed: u64,
    labels: (String, String),
    hidden: bool,
    lang: Lang,
}

fn read() -> Option<Shown> {
    let host = gloo::utils::document().get_element_by_id(HOST_ID)?;
    let root = gloo::utils::document().document_element()?;
    let lang = root.get_attribute("lang").and_then(|t| Lang::from_tag(&t)).unwrap_or_default();
    Some(Shown {
        before: host.get_attribute("data-before")?,
        after: host.get_attribute("data-after")?,
        seed: host.get_attribute("data-seed")?.parse().ok()?,
        labels: (host.get_attribute("data-before-label")?, host.get_attribute("data-after-label")?),
        hidden: host.get_attribute("data-hidden").is_some(),
        lang,
    })
}

/// The final report of `json` at `seed`, run as the page runs it (its
/// trace cap and memory budget).
fn report_of(json: &str, seed: u64) -> Option<Report> {
    let scenario = Scenario::from_json(json).ok()?;
    let mut run = Run::new(&scenario, seed).ok()?;
    while run.compute(1 << 20) {}
    run.final_report().cloned()
}

/// Both runs: the scenarios (JSON) and the seed.
type Runs = (String, String, u64);

/// The two reports of the runs compared (none if either could not run).
type Reports = Option<(Runs, Option<(Report, Report)>)>;

/// Follows the page's Comparison tab and draws the table.
#[component]
pub fn CompareApp() -> Html {
    let shown = crate::platform::use_page(read);
    let reports = use_mut_ref(Reports::default);
    let Some(shown) = shown else { return html! {} };
    let key = (shown.before.clone(), shown.after.clone(), shown.seed);
    let mut reports = reports.borrow_mut();
    if !shown.hidden && reports.as_ref().is_none_or(|(k, _)| *k != key) {
        let both = report_of(&shown.before, shown.seed).zip(report_of(&shown.after, shown.seed));
        *reports = Some((key, both));
    }
    let rows = match &*reports {
        Some((_, Some((a, b)))) if !shown.hidden => Some(rows(a, b, shown.lang)),
        _ => None,
    };
    let (before, after) = shown.labels;
    html! { <ComparePanel {before} {after} {rows} hidden={shown.hidden} lang={shown.lang} /> }
}
