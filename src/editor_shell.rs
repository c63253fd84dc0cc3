//! The scenario editor's shell, in the on-demand module (`msgsim-sweep.js`,
//! with the sweep panel): the editor's forms and checks are not in the
//! page's download. The page loads the module when the Scenario tab is
//! first opened; the module mounts [`EditorApp`] in the page's
//! `#editor-host`.
//!
//! ```text
//!  page (app.rs) ── #editor-host data-scenario / data-focus ──▶ EditorApp
//!       ▲                                                        │ EditorSync
//!       └──────── "msgsim-edited" event (a scenario to run) ─────┘
//! ```
//!
//! Each animation frame the shell reads the scenario the page runs
//! (`data-scenario`, given while the tab is open), a request to open the
//! section of a node or link clicked in the page (`data-focus`: a number,
//! then [`FocusRequest::to_text`]) and the language from the root element.
//! An edit that can run goes back to the page as an [`EDITED_EVENT`] whose
//! `detail` is the scenario's JSON.

use msgsim_sim::Scenario;
use web_sys::Element;
use yew::prelude::*;

use crate::components::EditorPanel;
use crate::i18n::Lang;
use crate::studio::{EditEvent, EditorSync, FocusRequest};

/// The DOM id of the element the editor lives in (the page renders it).
pub const HOST_ID: &str = "editor-host";

/// The event the editor sends on its host with a scenario to run (`detail`:
/// its JSON).
pub const EDITED_EVENT: &str = "msgsim-edited";

/// What the shell keeps between frames.
#[derive(Default)]
struct Shell {
    /// The editor beside the page, once the page gave a scenario.
    sync: Option<EditorSync>,
    /// The page's scenario JSON as last read.
    seen: String,
    /// The last focus request handled.
    focus: u32,
    lang: Lang,
    /// DOM ids to bring into view after the next render.
    reveal: Option<String>,
    /// Bumped when what the panel shows changed.
    revision: u64,
    rendered: u64,
}

fn host() -> Option<Element> {
    gloo::utils::document().get_element_by_id(HOST_ID)
}

/// Reads the page: its scenario, a focus request, the language.
fn read_page(sh: &mut Shell) {
    let (Some(host), Some(root)) = (host(), gloo::utils::document().document_element()) else { return };
    let lang = root.get_attribute("lang").and_then(|t| Lang::from_tag(&t)).unwrap_or_default();
    if lang != sh.lang {
        sh.lang = lang;
        sh.revision += 1;
    }
    if let Some(json) = host.get_attribute("data-scenario")
        && json != sh.seen
    {
        if let Ok(s) = Scenario::from_json(&json) {
            match &mut sh.sync {
                Some(sync) => sync.page_runs(s),
                None => sh.sync = Some(EditorSync::new(s)),
            }
            sh.revision += 1;
        }
        sh.seen = json;
    }
    let request = host.get_attribute("data-focus");
    let parsed = request.as_deref().and_then(|r| {
        let (n, what) = r.split_once('\n')?;
        Some((n.parse::<u32>().ok()?, FocusRequest::parse(what)?))
    });
    if let (Some((n, what)), Some(sync)) = (parsed, &mut sh.sync)
        && n != sh.focus
    {
        sh.focus = n;
        sh.reveal = sync.focus(what);
        sh.revision += 1;
    }
}

/// Hands a scenario to the page to run.
fn tell_page(s: &Scenario) {
    crate::platform::announce(HOST_ID, EDITED_EVENT, &s.to_json().into());
}

/// The scenario editor, mounted in the page's `#editor-host`.
#[component]
pub fn EditorApp() -> Html {
    let shell = use_mut_ref(|| {
        let mut sh = Shell::default();
        read_page(&mut sh);
        sh
    });
    let update = use_force_update();
    let on_event = {
        let (shell, update) = (shell.clone(), update.clone());
        use_callback((), move |ev: EditEvent, _| {
            let mut sh = shell.borrow_mut();
            let Some(sync) = &mut sh.sync else { return };
            let (run, reveal) = sync.edit(ev);
            if let Some(s) = run {
                tell_page(&s);
            }
            if reveal.is_some() {
                sh.reveal = reveal;
            }
            update.force_update();
        })
    };
    {
        let shell = shell.clone();
        crate::platform::use_each_frame(move || {
            let mut sh = shell.borrow_mut();
            read_page(&mut sh);
            let changed = sh.revision != sh.rendered;
            sh.rendered = sh.revision;
            changed
        });
    }
    // A section asked for, once it is on the page.
    {
        let shell = shell.clone();
        use_effect(move || {
            if let Some(id) = shell.borrow_mut().reveal.take()
                && let Some(el) = gloo::utils::document().get_element_by_id(&id)
            {
                el.scroll_into_view();
            }
        });
    }
    let sh = shell.borrow();
    let Some(sync) = &sh.sync else { return html! {} };
    html! { <EditorPanel view={sync.editor.view(sh.lang)} {on_event} /> }
}
