//! The browser, for the shell: storage, downloads, the URL fragment, the
//! browser's language, fullscreen. Every call reports failure instead of
//! throwing, so a locked-down browser degrades rather than breaks.

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, HtmlCanvasElement, Url};

/// Storage keys (versioned, so a future format can live beside this one).
pub const PREFS_KEY: &str = "msgsim.prefs.v1";
/// The saved scenarios.
pub const SAVED_KEY: &str = "msgsim.saved.v1";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The stored value of `key`, if storage is available and holds one.
pub fn load(key: &str) -> Option<String> {
    storage()?.get_item(key).ok().flatten()
}

/// Stores `value` under `key`; `false` if the browser refused (full, disabled).
pub fn store(key: &str, value: &str) -> bool {
    storage().is_some_and(|s| s.set_item(key, value).is_ok())
}

/// Moves the value of `key` to `key.backup` (something unreadable: kept, and
/// out of the way). If the copy cannot be made, the original stays.
pub fn set_aside(key: &str) {
    if let Some(v) = load(key)
        && store(&format!("{key}.backup"), &v)
        && let Some(s) = storage()
    {
        let _ = s.remove_item(key);
    }
}

/// Adds a named mark to the page's performance timeline (read by the
/// browser benchmark, e2e/bench/ui.mjs).
pub fn performance_mark(name: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark(name);
    }
}

/// The browser's preferred language tag (`en-US`, `zh-CN`, …).
pub fn browser_language() -> Option<String> {
    web_sys::window()?.navigator().language()
}

/// The URL fragment, without `#`.
pub fn fragment() -> String {
    web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default().trim_start_matches('#').to_string()
}

/// The page's URL without its fragment.
pub fn base_url() -> String {
    let Some(loc) = web_sys::window().map(|w| w.location()) else { return String::new() };
    let href = loc.href().unwrap_or_default();
    href.split('#').next().unwrap_or_default().to_string()
}

/// Replaces the URL fragment without adding a history entry or scrolling.
pub fn set_fragment(fragment: &str) {
    if let Some(w) = web_sys::window()
        && let Ok(h) = w.history()
    {
        let url = format!("{}#{fragment}", base_url());
        let _ = h.replace_state_with_url(&JsValue::NULL, "", Some(&url));
    }
}

/// Offers `parts` (concatenated) as a download called `name`.
pub fn download(name: &str, parts: &[String], mime: &str) -> bool {
    let array = js_sys::Array::new();
    for p in parts {
        array.push(&JsValue::from_str(p));
    }
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = Blob::new_with_str_sequence_and_options(&array, &options) else { return false };
    let Ok(url) = Url::create_object_url_with_blob(&blob) else { return false };
    let ok = download_url(name, &url);
    // Let the download start before the URL goes.
    gloo::timers::callback::Timeout::new(10_000, move || {
        let _ = Url::revoke_object_url(&url);
    })
    .forget();
    ok
}

/// Asks the on-demand module (loading it if need be) for the trace file
/// `name` of `scenario` run with `seed` (see `export_shell.rs`).
pub fn ask_export(name: &str, csv: bool, scenario: &str, seed: u64) {
    let Some(host) = gloo::utils::document().get_element_by_id(crate::export_shell::HOST_ID) else { return };
    let number = host.get_attribute("data-request").and_then(|n| n.parse::<u32>().ok()).unwrap_or(0) + 1;
    for (attribute, value) in [
        ("data-scenario", scenario),
        ("data-seed", &seed.to_string()),
        ("data-name", name),
        ("data-format", if csv { "csv" } else { "jsonl" }),
        ("data-request", &number.to_string()),
    ] {
        let _ = host.set_attribute(attribute, value);
    }
    load_module();
}

/// Offers `url` (a blob or data URL) as a download called `name`.
pub fn download_url(name: &str, url: &str) -> bool {
    let document = gloo::utils::document();
    let Some(a) = document.create_element("a").ok().and_then(|a| a.dyn_into::<HtmlAnchorElement>().ok()) else {
        return false;
    };
    a.set_href(url);
    a.set_download(name);
    let _ = a.style().set_property("display", "none");
    if document.body().and_then(|b| b.append_child(&a).ok()).is_none() {
        return false;
    }
    a.click();
    a.remove();
    true
}

/// A canvas that is not on the page, of `size` CSS pixels at `scale`.
pub fn offscreen_canvas(size: (f64, f64), scale: f64) -> Option<HtmlCanvasElement> {
    let c: HtmlCanvasElement = gloo::utils::document().create_element("canvas").ok()?.dyn_into().ok()?;
    c.set_width((size.0 * scale).round() as u32);
    c.set_height((size.1 * scale).round() as u32);
    Some(c)
}

/// Enters or leaves fullscreen.
pub fn toggle_fullscreen() {
    let document = gloo::utils::document();
    if document.fullscreen_element().is_some() {
        document.exit_fullscreen();
    } else if let Some(root) = document.document_element() {
        let _ = root.request_fullscreen();
    }
}

/// Fetches `url` (relative to the page) as text and hands the text, or why
/// it could not be had (offline, not found), to `done`, later. (An
/// XMLHttpRequest and an event listener: no promise machinery in the download.)
pub fn fetch_text(url: &str, done: impl FnOnce(Result<String, String>) + 'static) {
    let Ok(xhr) = web_sys::XmlHttpRequest::new() else { return done(Err("no XMLHttpRequest".into())) };
    if xhr.open("GET", url).is_err() {
        return done(Err(format!("bad address {url}")));
    }
    let request = xhr.clone();
    // Fires once, whatever the outcome; the browser then drops the listener
    // (its few bytes on the Rust side are left: a lesson is fetched once).
    gloo::events::EventListener::once(&xhr, "loadend", move |_| {
        done(match request.status().unwrap_or(0) {
            200..=299 => request.response_text().ok().flatten().ok_or_else(|| "unreadable".to_string()),
            0 => Err("offline?".into()),
            status => Err(format!("HTTP {status}")),
        })
    })
    .forget();
    // A refused send ends in "loadend" too.
    let _ = xhr.send();
}

#[wasm_bindgen::prelude::wasm_bindgen(inline_js = "export function import_sweep(glue, wasm) {
  import(glue).then((m) => m.default({ module_or_path: wasm })).catch((e) => {
    for (const id of ['sweep-host', 'editor-host']) {
      const h = document.getElementById(id);
      if (h) h.dataset.failed = String(e);
    }
  });
}")]
extern "C" {
    fn import_sweep(glue: &str, wasm: &str);
}

thread_local! {
    static SWEEP_LOADING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Loads the on-demand module (`msgsim-sweep.js`, beside the page) once: it
/// mounts the sweep panel in `#sweep-host` and the scenario editor in
/// `#editor-host`. A failure is written on the hosts (`data-failed`), where
/// the page's style shows it.
pub fn load_module() {
    if SWEEP_LOADING.with(|l| l.replace(true)) {
        return;
    }
    if let Some((glue, wasm, _)) = crate::sweep::workers::module_urls() {
        import_sweep(&glue, &wasm);
    }
}

/// Tells the page something from a panel of the on-demand module: a
/// bubbling event `name` on the element `host_id`, with `detail`.
pub fn announce(host_id: &str, name: &str, detail: &JsValue) {
    let Some(host) = gloo::utils::document().get_element_by_id(host_id) else { return };
    let init = web_sys::CustomEventInit::new();
    init.set_bubbles(true);
    init.set_detail(detail);
    if let Ok(ev) = web_sys::CustomEvent::new_with_event_init_dict(name, &init) {
        let _ = host.dispatch_event(&ev);
    }
}

/// A panel of the on-demand module follows the page: `read` runs every
/// animation frame (reading the host's attributes) and the component
/// renders again when it says something changed.
#[yew::hook]
pub fn use_each_frame(read: impl Fn() -> bool + 'static) {
    use std::cell::RefCell;
    use std::rc::Rc;

    use gloo::render::{AnimationFrame, request_animation_frame};

    type Slot = Rc<RefCell<Option<AnimationFrame>>>;
    fn next(read: Rc<dyn Fn() -> bool>, update: yew::functional::UseForceUpdateHandle, slot: Slot) {
        let s = slot.clone();
        *slot.borrow_mut() = Some(request_animation_frame(move |_| {
            if read() {
                update.force_update();
            }
            next(read, update, s);
        }));
    }
    let update = yew::functional::use_force_update();
    yew::functional::use_effect_with((), move |_| {
        let slot: Slot = Rc::default();
        next(Rc::new(read), update, slot.clone());
        move || drop(slot.borrow_mut().take())
    });
}

/// What the page shows a panel of the on-demand module, as `read` finds it
/// (the host's attributes): read every animation frame, and the panel
/// renders again when it changes.
#[yew::hook]
pub fn use_page<T: PartialEq + Clone + 'static>(read: fn() -> T) -> T {
    let shown = yew::functional::use_mut_ref(read);
    {
        let shown = shown.clone();
        use_each_frame(move || {
            let now = read();
            let changed = now != *shown.borrow();
            if changed {
                *shown.borrow_mut() = now;
            }
            changed
        });
    }
    shown.borrow().clone()
}
