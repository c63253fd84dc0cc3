//! The student's saved scenarios, in the on-demand module (with the sweep
//! panel, the editor and the dialogs): the page carries neither the list
//! nor its stored form. The page loads the module when the Files tab is
//! first opened and, while it is open, gives `#saved-host` the scenario it
//! runs (`data-scenario`, JSON), the one "Save" keeps. The list lives in the
//! browser's storage; opening a saved scenario goes back to the page as an
//! [`OPEN_EVENT`] whose `detail` is its JSON.
//!
//! ```text
//!  page (app.rs) ── #saved-host data-scenario ──▶ SavedApp ◀──▶ localStorage
//!       ▲                                            │
//!       └──────── "msgsim-open" (a saved scenario) ──┘
//! ```

use msgsim_sim::Scenario;
use yew::prelude::*;

use crate::i18n::{Key, Lang, t, tf};
use crate::platform;
use crate::studio::effect::StorageKey;
use crate::studio::saved::{MAX_SAVED_BYTES, SavedCmd, SavedEvent, SavedList, SavedNotice, StoreError};

/// The DOM id of the element the list lives in (the page renders it).
pub const HOST_ID: &str = "saved-host";

/// The event the list sends on its host with a saved scenario to open
/// (`detail`: its JSON).
pub const OPEN_EVENT: &str = "msgsim-open";

/// What the page shows now: the scenario it runs, and the language.
fn read_page() -> (Option<String>, Lang) {
    let document = gloo::utils::document();
    let lang = document
        .document_element()
        .and_then(|root| root.get_attribute("lang"))
        .and_then(|tag| Lang::from_tag(&tag))
        .unwrap_or_default();
    (document.get_element_by_id(HOST_ID).and_then(|h| h.get_attribute("data-scenario")), lang)
}

/// Does what the list asks of the browser; a refused write comes back as
/// an event.
fn perform(list: &mut SavedList, cmd: Option<SavedCmd>) {
    let key = StorageKey::Saved.name();
    match cmd {
        Some(SavedCmd::Store(value)) if !platform::store(key, &value) => {
            list.update(SavedEvent::StorageFailed);
        }
        Some(SavedCmd::SetAside) => platform::set_aside(key),
        _ => {}
    }
}

/// The notice's words: a title, perhaps a second line, and whether it is bad news.
fn notice_text(l: Lang, n: &SavedNotice) -> (String, Option<String>, bool) {
    match n {
        SavedNotice::Saved(name) => (tf(l, Key::SavedAs, &[name]), None, false),
        SavedNotice::StorageFull => (t(l, Key::StorageFull).into(), None, true),
        SavedNotice::StorageUnreadable(e) => {
            let why = match e {
                StoreError::Corrupt => t(l, Key::StorageCorrupt).to_string(),
                StoreError::Newer(v) => tf(l, Key::StorageNewer, &[v]),
                StoreError::TooLarge => tf(l, Key::StorageTooLarge, &[&MAX_SAVED_BYTES]),
            };
            (t(l, Key::StorageUnreadable).into(), Some(why), true)
        }
        SavedNotice::StorageSkipped(n) => (tf(l, Key::StorageSkipped, &[n]), None, true),
    }
}

/// The saved scenarios, mounted in the page's `#saved-host`.
#[component]
pub fn SavedApp() -> Html {
    let list = use_mut_ref(|| {
        let mut list = SavedList::default();
        let cmd = list.update(SavedEvent::Restore(platform::load(StorageKey::Saved.name())));
        perform(&mut list, cmd);
        list
    });
    let (scenario, lang) = platform::use_page(read_page);
    let name = use_state(String::new);
    let update = use_force_update();
    let act = {
        let (list, update) = (list.clone(), update.clone());
        move |ev: SavedEvent| {
            let mut l = list.borrow_mut();
            let cmd = l.update(ev);
            perform(&mut l, cmd);
            update.force_update();
        }
    };
    let l = lang;
    let on_name = {
        let name = name.clone();
        Callback::from(move |e: InputEvent| name.set(e.target_unchecked_into::<web_sys::HtmlInputElement>().value()))
    };
    let save = {
        let (act, name) = (act.clone(), name.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Some(s) = scenario.as_deref().and_then(|json| Scenario::from_json(json).ok()) {
                act(SavedEvent::SaveAs((*name).clone(), Box::new(s)));
            }
        })
    };
    let list = list.borrow();
    html! {
        <div class="panel-body files saved-list">
            <h2>{ t(l, Key::MyScenarios) }</h2>
            <form class="save-as" onsubmit={save}>
                <input type="text" data-testid="save-name" placeholder={t(l, Key::SaveName)} value={(*name).clone()} oninput={on_name} />
                <button type="submit" data-testid="save">{ t(l, Key::Save) }</button>
            </form>
            if let Some(n) = &list.notice {
                { notice(l, n) }
            }
            if list.saved.is_empty() {
                <p class="muted">{ t(l, Key::NoSaved) }</p>
            } else {
                <ul class="saved" data-testid="saved">
                    { for list.saved.iter().enumerate().map(|(i, s)| {
                        let json = s.scenario.to_json();
                        let open = Callback::from(move |_| platform::announce(HOST_ID, OPEN_EVENT, &json.clone().into()));
                        let act = act.clone();
                        let remove = Callback::from(move |_| act(SavedEvent::Delete(i)));
                        html! {
                            <li>
                                <span>{ &s.name }</span>
                                <button class="small" onclick={open}>{ t(l, Key::Load) }</button>
                                <button class="small" onclick={remove}>{ t(l, Key::Remove) }</button>
                            </li>
                        }
                    }) }
                </ul>
            }
        </div>
    }
}

/// The notice under the form.
fn notice(l: Lang, n: &SavedNotice) -> Html {
    let (title, line, bad) = notice_text(l, n);
    html! {
        <div class={classes!("saved-notice", bad.then_some("bad"))} role="status" data-testid="saved-notice">
            <strong>{ title }</strong>
            if let Some(line) = line {
                <span>{ " " }{ line }</span>
            }
        </div>
    }
}
