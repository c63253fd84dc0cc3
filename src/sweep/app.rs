//! The sweep panel's shell: mounted in the page's `#sweep-host` when the
//! sweep module loads. Each animation frame it reads what it needs from the
//! page — the scenario shown (`data-scenario`), its run's engine events
//! (`data-events`), a request to run a lesson's sweep (`data-request`), and
//! the language, theme and text size from the root element — hands the
//! workers' runs to the [`SweepState`], and draws. It tells the page its
//! form with a [`FORM_EVENT`](super::FORM_EVENT) on the host (the share link
//! carries it) and whether runs are out with `data-running` (the page then
//! stops redrawing its still views, leaving the cores to the workers).

use std::cell::RefCell;
use std::rc::Rc;

use gloo::render::{AnimationFrame, request_animation_frame};
use msgsim_sim::Scenario;
use web_sys::{Element, HtmlCanvasElement};
use yew::prelude::*;

use super::panel::SweepPanel;
use super::state::{Context, EXPORT_SIZE, SweepEffect, SweepEvent, SweepState};
use super::view::Pickers;
use super::workers;
use crate::i18n::Lang;
use crate::render::canvas::CanvasPainter;
use crate::render::palette::Theme;

/// While runs come in, the panel follows at most this often, ms.
const INTERVAL_MS: f64 = 250.0;

/// What the panel keeps between frames.
struct Shell {
    state: SweepState,
    /// The page as last read: its scenario's JSON, the context and the
    /// pickers from it.
    page: Option<(String, Context, Pickers)>,
    /// Runs the workers finished, and failures, since the last frame.
    inbox: Rc<RefCell<Vec<workers::Delivery>>>,
    /// The last request number seen.
    request: u32,
    /// The form last told to the page.
    told: Option<String>,
    drawn: (u64, i32, i32),
    rendered: u64,
    last_render: f64,
    last_frame: f64,
}

fn host() -> Option<Element> {
    gloo::utils::document().get_element_by_id(super::HOST_ID)
}

/// The context from the page, re-read only when its scenario changed (the
/// page gives it only while the Sweep tab is open).
fn read_page(shell: &mut Shell) -> bool {
    let (Some(host), Some(root)) = (host(), gloo::utils::document().document_element()) else { return false };
    let Some(json) = host.get_attribute("data-scenario") else { return false };
    let lang = root.get_attribute("lang").and_then(|t| Lang::from_tag(&t)).unwrap_or_default();
    let theme = if root.get_attribute("data-theme").as_deref() == Some("dark") { Theme::Dark } else { Theme::Light };
    let large = root.get_attribute("data-text").as_deref() == Some("large");
    let text_scale = if large { crate::studio::presentation::LARGE_TEXT } else { 1.0 };
    let events_per_run = host.get_attribute("data-events").and_then(|e| e.parse().ok());
    if let Some((was, ctx, _)) = &mut shell.page
        && *was == json
    {
        let changed =
            (ctx.lang, ctx.theme, ctx.text_scale, ctx.events_per_run) != (lang, theme, text_scale, events_per_run);
        (ctx.lang, ctx.theme, ctx.text_scale, ctx.events_per_run) = (lang, theme, text_scale, events_per_run);
        return changed;
    }
    let Ok(scenario) = Scenario::from_json(&json) else { return false };
    let pickers = Pickers::of(&scenario);
    shell.page = Some((json, Context { scenario, events_per_run, lang, theme, text_scale }, pickers));
    true
}

/// Carries out the state's effects.
fn perform(shell: &Shell, effects: Vec<SweepEffect>) {
    for e in effects {
        match e {
            SweepEffect::Start { workers: n, sweep, scenario } => {
                let inbox = shell.inbox.clone();
                workers::start(n, &sweep, &scenario, move |d| inbox.borrow_mut().push(d));
            }
            SweepEffect::Assign { worker, from, to } => workers::assign(worker, from, to),
            SweepEffect::Stop => workers::stop(),
            SweepEffect::Download { name, mime, text } => {
                crate::platform::download(&name, &[text], mime);
            }
            SweepEffect::Png(name) => {
                let Some((_, ctx, _)) = &shell.page else { continue };
                let Some(c) = crate::platform::offscreen_canvas(EXPORT_SIZE, 2.0) else { continue };
                let Some(mut p) = CanvasPainter::with_size(&c, EXPORT_SIZE, 2.0, ctx.text_scale) else { continue };
                shell.state.draw(ctx, &mut p);
                if let Ok(url) = c.to_data_url_with_type("image/png") {
                    crate::platform::download_url(&name, &url);
                }
            }
        }
    }
}

/// Handles `ev` and tells the page the form if it changed.
fn handle(shell: &mut Shell, ev: SweepEvent) {
    let Some((_, ctx, _)) = &shell.page else { return };
    let effects = shell.state.update(ev, ctx);
    perform(shell, effects);
    tell_page(shell);
}

fn tell_page(shell: &mut Shell) {
    let link = shell.state.link();
    if link == shell.told {
        return;
    }
    shell.told = link.clone();
    crate::platform::announce(
        super::HOST_ID,
        super::FORM_EVENT,
        &link.map_or(wasm_bindgen::JsValue::NULL, |l| l.into()),
    );
}

/// A request from the page to run a sweep: `number\nform JSON`.
fn take_request(shell: &mut Shell) -> Option<SweepEvent> {
    let text = host()?.get_attribute("data-request")?;
    let (n, form) = text.split_once('\n')?;
    let n: u32 = n.parse().ok()?;
    if n == shell.request {
        return None;
    }
    shell.request = n;
    Some(SweepEvent::Open(form.to_string()))
}

fn frame(
    shell: &Rc<RefCell<Shell>>,
    canvas: &NodeRef,
    rerender: &Callback<()>,
    handle_slot: &Rc<RefCell<Option<AnimationFrame>>>,
    now: f64,
) {
    {
        let mut sh = shell.borrow_mut();
        let dt = if sh.last_frame == 0.0 { 0.0 } else { (now - sh.last_frame).min(100.0) };
        sh.last_frame = now;
        // Before this frame's events: a sweep started in the last frame (or
        // by a click) gets its theory in a task of its own.
        sh.state.prepare_theory();
        if read_page(&mut sh) {
            sh.state.revision = sh.state.revision.wrapping_add(1);
        }
        if let Some(ev) = take_request(&mut sh) {
            handle(&mut sh, ev);
        }
        let arrived: Vec<workers::Delivery> = sh.inbox.borrow_mut().drain(..).collect();
        let (mut runs, mut failed) = (Vec::new(), None);
        for (w, got) in arrived {
            match got {
                Ok(values) => runs.push((w, values)),
                Err(why) => failed = Some(why),
            }
        }
        if !runs.is_empty() {
            let effects = sh.state.ran(runs);
            perform(&sh, effects);
        }
        if let Some(why) = failed {
            handle(&mut sh, SweepEvent::Failed(why));
        }
        sh.state.tick(dt);
        let running = sh.state.running();
        if let Some(h) = host() {
            let flag = if running { "true" } else { "false" };
            if h.get_attribute("data-running").as_deref() != Some(flag) {
                let _ = h.set_attribute("data-running", flag);
            }
        }
        let due = !running || now - sh.last_render >= INTERVAL_MS;
        if let (Some(c), Some((_, ctx, _))) = (canvas.cast::<HtmlCanvasElement>(), &sh.page) {
            let key = (sh.state.revision, c.client_width(), c.client_height());
            if key != sh.drawn && due {
                let dpr = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio()).clamp(1.0, 3.0);
                let size = (f64::from(key.1), f64::from(key.2));
                if let Some(mut p) = CanvasPainter::with_size(&c, size, dpr, ctx.text_scale) {
                    sh.state.draw(ctx, &mut p);
                }
                sh.drawn = key;
            }
        }
        // The time left moves while runs are out.
        if running && due {
            sh.state.revision = sh.state.revision.wrapping_add(1);
        }
        if sh.state.revision != sh.rendered && due {
            sh.rendered = sh.state.revision;
            sh.last_render = now;
            rerender.emit(());
        }
    }
    let (next, canvas, rerender, slot) = (shell.clone(), canvas.clone(), rerender.clone(), handle_slot.clone());
    *handle_slot.borrow_mut() = Some(request_animation_frame(move |ts| frame(&next, &canvas, &rerender, &slot, ts)));
}

/// The sweep panel, mounted in the page's `#sweep-host`.
#[component]
pub fn SweepApp() -> Html {
    let shell = use_mut_ref(|| {
        let cores = web_sys::window().map_or(2.0, |w| w.navigator().hardware_concurrency()) as u32;
        let mut sh = Shell {
            state: SweepState::new(cores),
            page: None,
            inbox: Rc::default(),
            request: 0,
            told: None,
            drawn: (u64::MAX, 0, 0),
            rendered: 0,
            last_render: 0.0,
            last_frame: 0.0,
        };
        read_page(&mut sh);
        if let Some(ev) = take_request(&mut sh) {
            handle(&mut sh, ev);
        }
        sh
    });
    let update = use_force_update();
    let canvas = use_node_ref();
    let dispatch = {
        let (shell, update) = (shell.clone(), update.clone());
        use_callback((), move |ev: SweepEvent, _| {
            handle(&mut shell.borrow_mut(), ev);
            update.force_update();
        })
    };
    {
        let (shell, canvas) = (shell.clone(), canvas.clone());
        use_effect_with((), move |_| {
            let slot: Rc<RefCell<Option<AnimationFrame>>> = Rc::default();
            let rerender = Callback::from(move |_| update.force_update());
            let (s, c, r, sl) = (shell, canvas, rerender, slot.clone());
            *slot.borrow_mut() = Some(request_animation_frame(move |ts| frame(&s, &c, &r, &sl, ts)));
            move || drop(slot.borrow_mut().take())
        });
    }
    let sh = shell.borrow();
    let Some((_, ctx, pickers)) = &sh.page else { return html! {} };
    html! { <SweepPanel view={sh.state.view(ctx, pickers)} canvas={canvas} on_event={dispatch} /> }
}
