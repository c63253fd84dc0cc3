//! The dialogs' shell, in the on-demand module (with the sweep panel and the
//! scenario editor): the share dialog with its QR code encoder, and the
//! keyboard shortcuts, are not in the page's download. The page loads the
//! module when one is first opened and marks its host: the link on
//! `#share-host` (`data-url`), `data-open` on `#help-host`, absent while
//! closed. The module draws the dialog there and tells the page it was
//! closed with a [`CLOSE_EVENT`] on the host (`detail`: the host's id).
//! (Esc closes them from the page's own shortcuts.)

use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use crate::components::{HelpOverlay, ShareDialog};
use crate::i18n::Lang;

/// The DOM id of the element the share dialog is drawn in (the page renders it).
pub const HOST_ID: &str = "share-host";

/// The DOM id of the element the shortcuts are drawn in.
pub const HELP_HOST_ID: &str = "help-host";

/// The event a dialog sends on its host when it is closed.
pub const CLOSE_EVENT: &str = "msgsim-dialog-close";

/// The link (or, for the shortcuts, "open") and language the page gives on
/// host `id`.
fn read_page(id: &str) -> (Option<String>, Lang) {
    let document = gloo::utils::document();
    let attribute = if id == HOST_ID { "data-url" } else { "data-open" };
    let url = document.get_element_by_id(id).and_then(|h| h.get_attribute(attribute));
    let lang = document
        .document_element()
        .and_then(|r| r.get_attribute("lang"))
        .and_then(|t| Lang::from_tag(&t))
        .unwrap_or_default();
    (url, lang)
}

type Seen = Rc<RefCell<(Option<String>, Lang)>>;

/// What host `id` says, kept up to date every frame, and a callback that
/// tells the page the dialog was closed.
#[hook]
fn use_host(id: &'static str) -> (Seen, Callback<MouseEvent>) {
    let seen = use_mut_ref(|| read_page(id));
    {
        let seen = seen.clone();
        crate::platform::use_each_frame(move || {
            let now = read_page(id);
            let changed = *seen.borrow() != now;
            *seen.borrow_mut() = now;
            changed
        });
    }
    let on_close = Callback::from(move |_: MouseEvent| crate::platform::announce(id, CLOSE_EVENT, &id.into()));
    (seen, on_close)
}

/// The share dialog, mounted in the page's `#share-host`.
#[component]
pub fn ShareApp() -> Html {
    let (seen, on_close) = use_host(HOST_ID);
    let (url, lang) = seen.borrow().clone();
    html! { <ShareDialog {url} {lang} {on_close} /> }
}

/// The keyboard shortcuts, mounted in the page's `#help-host`.
#[component]
pub fn HelpApp() -> Html {
    let (seen, on_close) = use_host(HELP_HOST_ID);
    let (open, lang) = seen.borrow().clone();
    if open.is_none() {
        return html! {};
    }
    html! { <HelpOverlay {lang} {on_close} /> }
}
