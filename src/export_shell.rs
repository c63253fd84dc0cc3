//! Trace exports, in the on-demand module (with the sweep panel, the editor
//! and the dialogs): the page carries no trace writer. The page asks on
//! `#export-host`: `data-scenario` (JSON), `data-seed`, `data-name` and
//! `data-format` (`csv` or `jsonl`), with `data-request` bumped for each
//! export; the module runs the same scenario and seed again (a run is
//! deterministic: the same trace as the page's) and offers the file.

use yew::prelude::*;

/// The DOM id of the element the page asks on.
pub const HOST_ID: &str = "export-host";

/// An export the page asked for: its number, scenario, seed, file name and
/// whether it is CSV.
#[derive(Clone, Debug, PartialEq)]
struct Request {
    number: String,
    scenario: String,
    seed: u64,
    name: String,
    csv: bool,
}

/// What the host asks for now, if anything.
fn read_request() -> Option<Request> {
    let host = gloo::utils::document().get_element_by_id(HOST_ID)?;
    let get = |a: &str| host.get_attribute(a);
    Some(Request {
        number: get("data-request")?,
        scenario: get("data-scenario")?,
        seed: get("data-seed")?.parse().ok()?,
        name: get("data-name")?,
        csv: get("data-format")? == "csv",
    })
}

/// Watches the host and writes each export asked for once.
#[component]
pub fn ExportApp() -> Html {
    let done = use_mut_ref(|| None::<String>);
    crate::platform::use_each_frame(move || {
        let Some(r) = read_request() else { return false };
        if done.borrow().as_ref() == Some(&r.number) {
            return false;
        }
        *done.borrow_mut() = Some(r.number.clone());
        if let Ok(parts) = crate::studio::trace_file(&r.scenario, r.seed, r.csv) {
            let mime = if r.csv { "text/csv" } else { "application/x-ndjson" };
            crate::platform::download(&r.name, &parts, mime);
        }
        false
    });
    html! {}
}
