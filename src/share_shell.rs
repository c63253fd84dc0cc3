//! The share dialog's shell, in the on-demand module (with the sweep panel
//! and the scenario editor): the QR code encoder and the dialog are not in
//! the page's download. The page loads the module when Share is first
//! pressed and writes the link on `#share-host` (`data-url`, absent when
//! the dialog is closed); the module draws the dialog there and tells the
//! page it was closed with a [`CLOSE_EVENT`] on the host. (Esc closes it
//! from the page's own shortcuts.)

use std::cell::RefCell;
use std::rc::Rc;

use gloo::render::{AnimationFrame, request_animation_frame};
use yew::prelude::*;

use crate::components::ShareDialog;
use crate::i18n::Lang;

/// The DOM id of the element the dialog is drawn in (the page renders it).
pub const HOST_ID: &str = "share-host";

/// The event the dialog sends on its host when it is closed.
pub const CLOSE_EVENT: &str = "msgsim-share-close";

/// The link and language the page gives.
fn read_page() -> (Option<String>, Lang) {
    let document = gloo::utils::document();
    let url = document.get_element_by_id(HOST_ID).and_then(|h| h.get_attribute("data-url"));
    let lang = document
        .document_element()
        .and_then(|r| r.get_attribute("lang"))
        .and_then(|t| Lang::from_tag(&t))
        .unwrap_or_default();
    (url, lang)
}

fn frame(
    seen: &Rc<RefCell<(Option<String>, Lang)>>,
    rerender: &Callback<()>,
    slot: &Rc<RefCell<Option<AnimationFrame>>>,
) {
    let now = read_page();
    if *seen.borrow() != now {
        *seen.borrow_mut() = now;
        rerender.emit(());
    }
    let (s, r, sl) = (seen.clone(), rerender.clone(), slot.clone());
    *slot.borrow_mut() = Some(request_animation_frame(move |_| frame(&s, &r, &sl)));
}

/// The share dialog, mounted in the page's `#share-host`.
#[component]
pub fn ShareApp() -> Html {
    let seen = use_mut_ref(read_page);
    let update = use_force_update();
    {
        let seen = seen.clone();
        use_effect_with((), move |_| {
            let slot: Rc<RefCell<Option<AnimationFrame>>> = Rc::default();
            let rerender = Callback::from(move |_| update.force_update());
            let (s, sl) = (seen, slot.clone());
            *slot.borrow_mut() = Some(request_animation_frame(move |_| frame(&s, &rerender, &sl)));
            move || drop(slot.borrow_mut().take())
        });
    }
    let on_close = Callback::from(|_: MouseEvent| {
        let host = gloo::utils::document().get_element_by_id(HOST_ID);
        let init = web_sys::CustomEventInit::new();
        init.set_bubbles(true);
        if let (Some(host), Ok(ev)) = (host, web_sys::CustomEvent::new_with_event_init_dict(CLOSE_EVENT, &init)) {
            let _ = host.dispatch_event(&ev);
        }
    });
    let (url, lang) = seen.borrow().clone();
    html! { <ShareDialog {url} {lang} {on_close} /> }
}
