//! The root component: owns the [`Studio`], runs the animation loop, and lays
//! out the panels.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::events::{EventListener, EventListenerOptions};
use gloo::render::{AnimationFrame, request_animation_frame};
use wasm_bindgen::JsCast;
use web_sys::{HtmlCanvasElement, KeyboardEvent};
use yew::prelude::*;

use crate::components::{
    CanvasView, Counters, EditorPanel, LogPanel, MessageCard, SequenceTools, Tabs, TimelineBar, Toolbar,
};
use crate::i18n::{Key, t};
use crate::render::canvas::CanvasPainter;
use crate::render::palette::Theme;
use crate::studio::{BottomTab, SideTab, Studio, UiEvent};

/// Wall-clock budget for computing the run in one frame, ms.
const COMPUTE_BUDGET_MS: f64 = 8.0;
/// Engine events per compute slice (between clock checks).
const COMPUTE_SLICE: u64 = 4_000;
/// While playing, the DOM (counters, log, slider) re-renders at most this often, ms.
const DOM_INTERVAL_MS: f64 = 100.0;

fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

fn canvas(node: &NodeRef) -> Option<HtmlCanvasElement> {
    node.cast::<HtmlCanvasElement>()
}

/// What the animation loop needs between frames.
struct Loop {
    studio: Rc<RefCell<Studio>>,
    refs: [NodeRef; 3],
    rerender: Callback<()>,
    last_frame: f64,
    last_dom: f64,
    last_histogram: f64,
    rendered_revision: u64,
    handle: Option<AnimationFrame>,
}

impl Loop {
    fn frame(this: &Rc<RefCell<Loop>>, now: f64) {
        let mut lp = this.borrow_mut();
        let dt = if lp.last_frame == 0.0 { 0.0 } else { (now - lp.last_frame).min(100.0) };
        lp.last_frame = now;
        let studio = lp.studio.clone();
        {
            let mut s = studio.borrow_mut();
            let deadline = now_ms() + COMPUTE_BUDGET_MS;
            while now_ms() < deadline && s.compute(COMPUTE_SLICE) {}
            s.advance(dt);
            if now - lp.last_histogram > 250.0 && s.bottom == BottomTab::Charts {
                s.refresh_histogram();
                lp.last_histogram = now;
            }
            if let Some(c) = canvas(&lp.refs[0])
                && let Some(mut p) = CanvasPainter::begin(&c)
            {
                s.draw_topology(&mut p);
            }
            match s.bottom {
                BottomTab::Sequence => {
                    if let Some(c) = canvas(&lp.refs[1])
                        && let Some(mut p) = CanvasPainter::begin(&c)
                    {
                        s.draw_sequence(&mut p);
                    }
                }
                BottomTab::Charts => {
                    if let Some(c) = canvas(&lp.refs[2])
                        && let Some(mut p) = CanvasPainter::begin(&c)
                    {
                        s.draw_charts(&mut p);
                    }
                }
                BottomTab::Log => {}
            }
        }
        let revision = lp.studio.borrow().revision;
        let playing = lp.studio.borrow().clock.playing;
        if revision != lp.rendered_revision && (!playing || now - lp.last_dom >= DOM_INTERVAL_MS) {
            lp.rendered_revision = revision;
            lp.last_dom = now;
            lp.rerender.emit(());
        }
        let next = this.clone();
        lp.handle = Some(request_animation_frame(move |ts| Loop::frame(&next, ts)));
    }
}

/// Whether keyboard shortcuts should leave this key to a form control.
fn typing_in_a_field() -> bool {
    gloo::utils::document()
        .active_element()
        .is_some_and(|e| matches!(e.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA"))
}

/// The whole app.
#[component]
pub fn App() -> Html {
    let studio = use_mut_ref(Studio::new);
    let update = use_force_update();
    let refs = [use_node_ref(), use_node_ref(), use_node_ref()];

    let dispatch = {
        let studio = studio.clone();
        let update = update.clone();
        Callback::from(move |ev: UiEvent| {
            studio.borrow_mut().update(ev);
            update.force_update();
        })
    };

    // The animation loop, for the life of the app.
    {
        let studio = studio.clone();
        let refs = refs.clone();
        let update = update.clone();
        use_effect_with((), move |_| {
            let lp = Rc::new(RefCell::new(Loop {
                studio,
                refs,
                rerender: Callback::from(move |_| update.force_update()),
                last_frame: 0.0,
                last_dom: 0.0,
                last_histogram: 0.0,
                rendered_revision: 0,
                handle: None,
            }));
            let first = lp.clone();
            lp.borrow_mut().handle = Some(request_animation_frame(move |ts| Loop::frame(&first, ts)));
            move || {
                lp.borrow_mut().handle = None;
            }
        });
    }

    // Keyboard shortcuts and the reduced-motion preference.
    {
        let dispatch = dispatch.clone();
        use_effect_with((), move |_| {
            if let Some(w) = web_sys::window()
                && let Ok(Some(q)) = w.match_media("(prefers-reduced-motion: reduce)")
            {
                dispatch.emit(UiEvent::SetReducedMotion(q.matches()));
            }
            let options = EventListenerOptions::enable_prevent_default();
            let listener = EventListener::new_with_options(&gloo::utils::window(), "keydown", options, move |e| {
                let Some(e) = e.dyn_ref::<KeyboardEvent>() else { return };
                if typing_in_a_field() || e.ctrl_key() || e.meta_key() || e.alt_key() {
                    return;
                }
                let ev = match e.key().as_str() {
                    " " => UiEvent::TogglePlay,
                    "ArrowRight" => UiEvent::Step,
                    "+" | "=" => UiEvent::ShiftSpeed(true),
                    "-" | "_" => UiEvent::ShiftSpeed(false),
                    "Home" => UiEvent::Restart,
                    "Escape" => UiEvent::Select(None),
                    _ => return,
                };
                e.prevent_default();
                dispatch.emit(ev);
            });
            move || drop(listener)
        });
    }

    let s = studio.borrow();
    let lang = s.lang;
    // Theme on the document, so the page background follows too.
    if let Some(root) = gloo::utils::document().document_element() {
        let _ = root.set_attribute("data-theme", if s.theme == Theme::Dark { "dark" } else { "light" });
        let _ = root.set_attribute("lang", lang.tag());
    }
    let (bottom, side) = s.tabs();
    let on = |ev: UiEvent| {
        let d = dispatch.clone();
        Callback::from(move |_| d.emit(ev.clone()))
    };
    let click = |make: fn(f64, f64) -> UiEvent| {
        let d = dispatch.clone();
        Callback::from(move |(x, y): (f64, f64)| d.emit(make(x, y)))
    };

    html! {
        <div class="app">
            <Toolbar view={s.controls_view()} on_event={dispatch.clone()} />
            <TimelineBar view={s.time_view()} on_event={dispatch.clone()} />
            <main class="workspace">
                <section class="stage" aria-label={t(lang, Key::TopologyView)}>
                    <CanvasView node_ref={refs[0].clone()} class="topology" label={t(lang, Key::TopologyView)}
                        on_click={click(UiEvent::ClickTopology)} testid="topology" />
                    <div class="bottom">
                        <Tabs<BottomTab> lang={lang} current={bottom}
                            items={vec![(BottomTab::Sequence, Key::TabSequence), (BottomTab::Log, Key::TabLog), (BottomTab::Charts, Key::TabCharts)]}
                            on_select={{ let d = dispatch.clone(); Callback::from(move |b| d.emit(UiEvent::SetBottomTab(b))) }} />
                        {
                            match bottom {
                                BottomTab::Sequence => html! {
                                    <div class="panel-body sequence-body">
                                        <SequenceTools lang={lang} on_zoom_in={on(UiEvent::ZoomSequence(true))} on_zoom_out={on(UiEvent::ZoomSequence(false))} />
                                        <CanvasView node_ref={refs[1].clone()} class="sequence" label={t(lang, Key::TabSequence)}
                                            on_click={click(UiEvent::ClickSequence)} testid="sequence" />
                                    </div>
                                },
                                BottomTab::Log => html! { <LogPanel view={s.log_view()} on_event={dispatch.clone()} /> },
                                BottomTab::Charts => html! {
                                    <div class="panel-body">
                                        <CanvasView node_ref={refs[2].clone()} class="charts" label={t(lang, Key::TabCharts)}
                                            on_click={Callback::noop()} testid="charts" />
                                    </div>
                                },
                            }
                        }
                    </div>
                </section>
                <aside class="side">
                    <Counters view={s.counters_view()} />
                    <Tabs<SideTab> lang={lang} current={side}
                        items={vec![(SideTab::Editor, Key::TabEditor), (SideTab::Message, Key::TabMessage)]}
                        on_select={{ let d = dispatch.clone(); Callback::from(move |x| d.emit(UiEvent::SetSideTab(x))) }} />
                    {
                        match side {
                            SideTab::Editor => html! { <EditorPanel view={s.editor_view()} on_event={dispatch.clone()} /> },
                            SideTab::Message => html! { <MessageCard view={s.message_view()} lang={lang} on_event={dispatch.clone()} /> },
                        }
                    }
                </aside>
            </main>
        </div>
    }
}
