//! Mounting components and waiting for them to render.

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

/// A fresh `<div>` attached to the document body.
pub fn fresh_root() -> Element {
    let document = gloo::utils::document();
    let div = document.create_element("div").expect("create div");
    document.body().expect("body").append_child(&div).expect("append");
    div
}

/// Yields to the browser's task queue once, so Yew can run its scheduled
/// renders. Not a timed wait: a zero-delay macrotask.
pub async fn next_tick() {
    gloo::timers::future::TimeoutFuture::new(0).await;
}

/// Yields until `root` contains `selector`, at most `ticks` times.
pub async fn wait_for(root: &Element, selector: &str, ticks: u32) -> Element {
    for _ in 0..ticks {
        if let Ok(Some(el)) = root.query_selector(selector) {
            return el;
        }
        next_tick().await;
    }
    panic!("{selector} did not appear after {ticks} ticks");
}

/// Clicks an element.
pub fn click(el: &Element) {
    el.clone().dyn_into::<HtmlElement>().expect("an HTML element").click();
}

/// The text of the element matching `selector` under `root`.
pub fn text(root: &Element, selector: &str) -> String {
    root.query_selector(selector).ok().flatten().and_then(|e| e.text_content()).unwrap_or_default()
}
