//! The root component: owns the [`Studio`], runs the animation loop, connects
//! it to the browser (storage, URL, files), and lays out the panels.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::events::{EventListener, EventListenerOptions};
use gloo::file::callbacks::FileReader;
use gloo::render::{AnimationFrame, request_animation_frame};
use wasm_bindgen::JsCast;
use web_sys::{HtmlCanvasElement, KeyboardEvent};
use yew::prelude::*;

use crate::components::{
    CanvasView, ComparePanel, Counters, EditorPanel, Export, FilesPanel, HelpOverlay, LessonPanel, LogPanel,
    MessageCard, NoticeBanner, SequenceTools, ShareDialog, Tabs, TimelineBar, Toolbar,
};
use crate::i18n::{Key, Lang, t};
use crate::platform;
use crate::render::canvas::CanvasPainter;
use crate::render::palette::Theme;
use crate::studio::{BottomTab, SideTab, Studio, UiEvent};

/// Wall-clock budget for computing the run in one frame, ms.
const COMPUTE_BUDGET_MS: f64 = 8.0;
/// Engine events per compute slice (between clock checks).
const COMPUTE_SLICE: u64 = 4_000;
/// While playing, the DOM (counters, log, slider) re-renders at most this often, ms.
const DOM_INTERVAL_MS: f64 = 100.0;
/// Text scale of the canvases in large-text mode.
const LARGE_TEXT: f64 = 1.35;

fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

fn canvas(node: &NodeRef) -> Option<HtmlCanvasElement> {
    node.cast::<HtmlCanvasElement>()
}

/// The canvases: topology, sequence, charts, and the reference topology.
type Canvases = [NodeRef; 4];

/// What the animation loop needs between frames.
struct Loop {
    studio: Rc<RefCell<Studio>>,
    refs: Canvases,
    rerender: Callback<()>,
    last_frame: f64,
    last_dom: f64,
    last_histogram: f64,
    rendered_revision: u64,
    handle: Option<AnimationFrame>,
}

fn paint(node: &NodeRef, scale: f64, draw: impl FnOnce(&mut CanvasPainter)) {
    if let Some(c) = canvas(node)
        && let Some(mut p) = CanvasPainter::begin(&c, scale)
    {
        draw(&mut p);
    }
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
            let scale = if s.large_text { LARGE_TEXT } else { 1.0 };
            paint(&lp.refs[0], scale, |p| s.draw_topology(p));
            if s.reference.is_some() {
                paint(&lp.refs[3], scale, |p| s.draw_reference(p));
            }
            match s.bottom {
                BottomTab::Sequence => paint(&lp.refs[1], scale, |p| s.draw_sequence(p)),
                BottomTab::Charts => paint(&lp.refs[2], scale, |p| s.draw_charts(p)),
                BottomTab::Log | BottomTab::Compare => {}
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

/// Writes what the studio wants remembered; reports a refused write.
fn persist(studio: &Rc<RefCell<Studio>>) {
    let (saved, prefs) = {
        let mut s = studio.borrow_mut();
        let saved = std::mem::take(&mut s.saved_dirty).then(|| crate::studio::library::saved_json(&s.saved));
        let prefs = std::mem::take(&mut s.prefs_dirty).then(|| s.prefs_json());
        (saved, prefs)
    };
    let mut ok = true;
    if let Some(json) = saved {
        ok &= platform::store(platform::SAVED_KEY, &json);
    }
    if let Some(json) = prefs {
        ok &= platform::store(platform::PREFS_KEY, &json);
    }
    if !ok {
        studio.borrow_mut().update(UiEvent::StorageFailed);
    }
}

/// Carries out an export request.
fn export(studio: &Rc<RefCell<Studio>>, what: Export) {
    let mut s = studio.borrow_mut();
    let diagram_size = |tab: Option<BottomTab>| match tab {
        None => (1280.0, 560.0),
        Some(_) => (1280.0, 720.0),
    };
    match what {
        Export::Scenario => {
            let (name, json) = s.export_scenario();
            platform::download(&name, &[json], "application/json");
        }
        Export::Trace(csv) => {
            if let Some((name, parts)) = s.export_trace(csv) {
                platform::download(&name, &parts, if csv { "text/csv" } else { "application/x-ndjson" });
            }
        }
        Export::Svg(tab) => {
            let (name, svg) = s.export_svg(tab.unwrap_or(BottomTab::Sequence), tab.is_none(), diagram_size(tab));
            platform::download(&name, &[svg], "image/svg+xml");
        }
        Export::Png(tab) => {
            let size = diagram_size(tab);
            let Some(c) = platform::offscreen_canvas(size, 2.0) else { return };
            let Some(mut p) = CanvasPainter::with_size(&c, size, 2.0, 1.0) else { return };
            let (name, _) = s.export_svg(tab.unwrap_or(BottomTab::Sequence), tab.is_none(), (1.0, 1.0));
            match tab {
                None => s.draw_topology(&mut p),
                Some(BottomTab::Charts) => {
                    s.refresh_histogram();
                    s.draw_charts(&mut p);
                }
                Some(_) => s.draw_sequence(&mut p),
            }
            if let Ok(url) = c.to_data_url_with_type("image/png") {
                platform::download_url(&name.replace(".svg", ".png"), &url);
            }
        }
    }
}

/// The whole app.
#[component]
pub fn App() -> Html {
    let studio = use_mut_ref(Studio::new);
    let update = use_force_update();
    let refs: Canvases = [use_node_ref(), use_node_ref(), use_node_ref(), use_node_ref()];
    let readers: Rc<RefCell<Vec<FileReader>>> = use_mut_ref(Vec::new);
    let share_url = use_state(|| None::<String>);

    let dispatch = {
        let studio = studio.clone();
        let update = update.clone();
        Callback::from(move |ev: UiEvent| {
            studio.borrow_mut().update(ev);
            persist(&studio);
            update.force_update();
        })
    };

    // Start-up: remembered preferences (or the browser's language), the saved
    // scenarios, and a share link in the URL.
    {
        let dispatch = dispatch.clone();
        let studio = studio.clone();
        use_effect_with((), move |_| {
            match platform::load(platform::PREFS_KEY) {
                Some(json) => studio.borrow_mut().apply_prefs(&json),
                None => {
                    if let Some(lang) = platform::browser_language().as_deref().and_then(Lang::from_tag) {
                        studio.borrow_mut().lang = lang;
                    }
                }
            }
            if let Some(w) = web_sys::window()
                && let Ok(Some(q)) = w.match_media("(prefers-reduced-motion: reduce)")
            {
                studio.borrow_mut().reduced_motion = q.matches();
            }
            let raw = platform::load(platform::SAVED_KEY);
            dispatch.emit(UiEvent::RestoreSaved(raw));
            if studio.borrow().notice.is_some() {
                // Unreadable: keep a copy before anything can overwrite it.
                platform::back_up(platform::SAVED_KEY);
            }
            dispatch.emit(UiEvent::OpenLink(platform::fragment()));
            // The first render is done: the controls are usable.
            platform::performance_mark("msgsim:ready");
            || ()
        });
    }

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

    // Keyboard shortcuts.
    {
        let dispatch = dispatch.clone();
        let studio = studio.clone();
        use_effect_with((), move |_| {
            let options = EventListenerOptions::enable_prevent_default();
            let listener = EventListener::new_with_options(&gloo::utils::window(), "keydown", options, move |e| {
                let Some(e) = e.dyn_ref::<KeyboardEvent>() else { return };
                if typing_in_a_field() || e.ctrl_key() || e.meta_key() || e.alt_key() {
                    return;
                }
                let (help, large) = {
                    let s = studio.borrow();
                    (s.help, s.large_text)
                };
                let ev = match e.key().as_str() {
                    " " => UiEvent::TogglePlay,
                    "ArrowRight" => UiEvent::Step,
                    "+" | "=" => UiEvent::ShiftSpeed(true),
                    "-" | "_" => UiEvent::ShiftSpeed(false),
                    "Home" => UiEvent::Restart,
                    "Escape" if help => UiEvent::ShowHelp(false),
                    "Escape" => UiEvent::Select(None),
                    "?" => UiEvent::ShowHelp(!help),
                    "l" | "L" => UiEvent::SetLargeText(!large),
                    "f" | "F" => {
                        platform::toggle_fullscreen();
                        return;
                    }
                    _ => return,
                };
                e.prevent_default();
                dispatch.emit(ev);
            });
            move || drop(listener)
        });
    }

    let on_files = {
        let (dispatch, readers) = (dispatch.clone(), readers.clone());
        Callback::from(move |files: web_sys::FileList| {
            let Some(file) = files.get(0) else { return };
            let file = gloo::file::File::from(file);
            let name = file.name();
            let d = dispatch.clone();
            let reader = gloo::file::callbacks::read_as_text(&file, move |res| {
                let text = res.unwrap_or_default();
                d.emit(UiEvent::Import(name, text));
            });
            readers.borrow_mut().push(reader);
        })
    };
    let on_export = {
        let studio = studio.clone();
        Callback::from(move |what: Export| export(&studio, what))
    };
    let on_drop = {
        let on_files = on_files.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            if let Some(files) = e.data_transfer().and_then(|d| d.files()) {
                on_files.emit(files);
            }
        })
    };

    // The URL follows what is shown (not while playing). Read from the studio
    // inside the effect: on the first render the start-up effect above has
    // just opened the incoming link, and the fragment computed for this render
    // would still be the default's.
    {
        let studio = studio.clone();
        let key = {
            let s = studio.borrow();
            (!s.clock.playing).then(|| s.share_fragment())
        };
        use_effect_with(key, move |key| {
            if key.is_some() {
                let fragment = studio.borrow().share_fragment();
                if platform::fragment() != fragment {
                    platform::set_fragment(&fragment);
                }
            }
        });
    }

    let s = studio.borrow();
    let lang = s.lang;
    // Theme, language and text size on the document; the URL follows what is shown.
    if let Some(root) = gloo::utils::document().document_element() {
        let _ = root.set_attribute("data-theme", if s.theme == Theme::Dark { "dark" } else { "light" });
        let _ = root.set_attribute("lang", lang.tag());
        let _ = root.set_attribute("data-text", if s.large_text { "large" } else { "normal" });
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
    let open_share = {
        let (share_url, studio) = (share_url.clone(), studio.clone());
        Callback::from(move |_| {
            let fragment = studio.borrow().share_fragment();
            platform::set_fragment(&fragment);
            share_url.set(Some(format!("{}#{fragment}", platform::base_url())));
        })
    };
    let close_share = {
        let share_url = share_url.clone();
        Callback::from(move |_| share_url.set(None))
    };
    let comparing = s.reference.is_some();
    let mut bottom_tabs = vec![
        (BottomTab::Sequence, Key::TabSequence),
        (BottomTab::Log, Key::TabLog),
        (BottomTab::Charts, Key::TabCharts),
    ];
    if comparing {
        bottom_tabs.push((BottomTab::Compare, Key::TabCompare));
    }
    let compare_view = s.compare_view();

    html! {
        <div class={classes!("app", s.large_text.then_some("large"))} ondragover={Callback::from(|e: DragEvent| e.prevent_default())} ondrop={on_drop}>
            <Toolbar view={s.controls_view()} on_event={dispatch.clone()} on_share={open_share}
                on_fullscreen={Callback::from(|_| platform::toggle_fullscreen())} />
            <TimelineBar view={s.time_view()} on_event={dispatch.clone()} />
            <NoticeBanner view={s.notice_view()} lang={lang} on_dismiss={on(UiEvent::DismissNotice)} />
            <main class="workspace">
                <section class="stage" aria-label={t(lang, Key::TopologyView)}>
                    <div class={classes!("stage-top", comparing.then_some("split"))}>
                        if let Some(cv) = &compare_view {
                            <figure class="side-view">
                                <figcaption><span class="tag before">{ t(lang, Key::Before) }</span>{ &cv.before }</figcaption>
                                <CanvasView node_ref={refs[3].clone()} class="topology" label={cv.before.clone()}
                                    on_click={Callback::noop()} testid="topology-reference" />
                            </figure>
                        }
                        <figure class="side-view">
                            if let Some(cv) = &compare_view {
                                <figcaption>
                                    <span class="tag after">{ t(lang, Key::After) }</span>{ &cv.after }
                                </figcaption>
                            }
                            <CanvasView node_ref={refs[0].clone()} class="topology" label={t(lang, Key::TopologyView)}
                                on_click={click(UiEvent::ClickTopology)} testid="topology" />
                        </figure>
                    </div>
                    <div class="bottom">
                        <Tabs<BottomTab> lang={lang} current={bottom} items={bottom_tabs}
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
                                BottomTab::Compare => match compare_view.clone() {
                                    Some(view) => html! { <ComparePanel {view} /> },
                                    None => html! {},
                                },
                            }
                        }
                    </div>
                </section>
                <aside class="side">
                    <Counters view={s.counters_view()} />
                    <Tabs<SideTab> lang={lang} current={side}
                        items={vec![(SideTab::Lesson, Key::TabLesson), (SideTab::Message, Key::TabMessage), (SideTab::Editor, Key::TabEditor), (SideTab::Files, Key::TabFiles)]}
                        on_select={{ let d = dispatch.clone(); Callback::from(move |x| d.emit(UiEvent::SetSideTab(x))) }} />
                    {
                        match side {
                            SideTab::Lesson => html! { <LessonPanel view={s.lesson_view()} on_event={dispatch.clone()} /> },
                            SideTab::Message => html! { <MessageCard view={s.message_view()} lang={lang} on_event={dispatch.clone()} /> },
                            SideTab::Editor => html! { <EditorPanel view={s.editor_view()} on_event={dispatch.clone()} /> },
                            SideTab::Files => html! {
                                <FilesPanel view={s.files_view()} on_event={dispatch.clone()} on_files={on_files.clone()} on_export={on_export.clone()} />
                            },
                        }
                    }
                </aside>
            </main>
            <ShareDialog url={(*share_url).clone()} lang={lang} on_close={close_share} />
            if s.help {
                <HelpOverlay lang={lang} on_close={on(UiEvent::ShowHelp(false))} />
            }
        </div>
    }
}
