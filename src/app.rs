//! The root component: owns the [`Studio`], runs the animation loop, performs
//! the effects the studio asks for (storage, downloads, the URL, full screen),
//! and lays out the panels. It changes the studio only through events.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::events::{EventListener, EventListenerOptions};
use gloo::file::callbacks::FileReader;
use gloo::render::{AnimationFrame, request_animation_frame};
use wasm_bindgen::JsCast;
use web_sys::{HtmlCanvasElement, KeyboardEvent};
use yew::prelude::*;

use crate::components::{
    CanvasView, Counters, FilesPanel, LessonPanel, LessonQuestion, LogPanel, MarkTools, MessageCard, NoticeBanner,
    SequenceTools, Tabs, TimelineBar, Toolbar,
};
use crate::i18n::{Key, t};
use crate::platform;
use crate::render::canvas::CanvasPainter;
use crate::render::palette::Theme;
use crate::studio::{
    BottomTab, Canvas, Diagram, Effect, LessonEvent, LibraryEvent, PlaybackEvent, PresentEvent, SideTab, Startup,
    StorageKey, Studio, SweepEvent, UiEvent,
};

/// Wall-clock budget for computing the run in one frame, ms.
const COMPUTE_BUDGET_MS: f64 = 8.0;
/// Engine events per compute slice (between clock checks).
const COMPUTE_SLICE: u64 = 4_000;
/// While playing, the DOM (counters, log, slider) re-renders at most this often, ms.
const DOM_INTERVAL_MS: f64 = 100.0;

/// Whether the sweep panel has runs out with its workers (it says so on its host).
fn sweep_running() -> bool {
    gloo::utils::document()
        .get_element_by_id(crate::sweep::HOST_ID)
        .is_some_and(|h| h.get_attribute("data-running").as_deref() == Some("true"))
}

fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

fn canvas(node: &NodeRef) -> Option<HtmlCanvasElement> {
    node.cast::<HtmlCanvasElement>()
}

/// The canvases: topology, sequence, charts, and the reference topology.
type Canvases = [NodeRef; 4];

/// What waits for later: elements to reveal once the next render has put
/// them on the page, and events the browser delivered between frames (a
/// fetched lesson), for the next frame to hand to the studio.
#[derive(Default)]
struct Later {
    reveals: RefCell<Vec<String>>,
    inbox: RefCell<Vec<UiEvent>>,
}

/// What the animation loop needs between frames.
struct Loop {
    studio: Rc<RefCell<Studio>>,
    later: Rc<Later>,
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
        let arrived: Vec<UiEvent> = lp.later.inbox.borrow_mut().drain(..).collect();
        for ev in arrived {
            let effects = studio.borrow_mut().update(ev);
            perform(&studio, &lp.later, effects);
        }
        let effects = {
            let mut s = studio.borrow_mut();
            let deadline = now_ms() + COMPUTE_BUDGET_MS;
            while now_ms() < deadline && s.compute(COMPUTE_SLICE) {}
            let effects = s.advance(dt);
            if now - lp.last_histogram > 250.0 && s.bottom_tab() == BottomTab::Charts {
                s.refresh_histogram();
                lp.last_histogram = now;
            }
            let scale = s.present.text_scale();
            // While a sweep runs on a paused page, the views stand still: not
            // drawing them every frame leaves the cores to the workers.
            let still = sweep_running() && !s.playback.clock.playing;
            if !still {
                paint(&lp.refs[0], scale, |p| s.draw(Diagram::Topology, p));
                if s.session.reference.is_some() {
                    paint(&lp.refs[3], scale, |p| s.draw(Diagram::Reference, p));
                }
            }
            match s.bottom_tab() {
                BottomTab::Sequence if !still => paint(&lp.refs[1], scale, |p| s.draw(Diagram::Sequence, p)),
                BottomTab::Charts if !still => paint(&lp.refs[2], scale, |p| s.draw(Diagram::Charts, p)),
                BottomTab::Partitions if !still => paint(&lp.refs[2], scale, |p| s.draw(Diagram::Partitions, p)),
                _ => {}
            }
            effects
        };
        perform(&studio, &lp.later, effects);
        let revision = studio.borrow().revision();
        // While playing, the DOM follows at most every 100 ms.
        let playing = studio.borrow().playback.clock.playing;
        if revision != lp.rendered_revision && (!playing || now - lp.last_dom >= DOM_INTERVAL_MS) {
            lp.rendered_revision = revision;
            lp.last_dom = now;
            lp.rerender.emit(());
        }
        let next = this.clone();
        lp.handle = Some(request_animation_frame(move |ts| Loop::frame(&next, ts)));
    }
}

/// What event `name`, announced by a panel of the on-demand module
/// ([`platform::announce`]) with `detail`, means for the studio.
fn announced(name: &str, detail: Option<String>) -> Option<UiEvent> {
    if name == crate::sweep::FORM_EVENT {
        Some(UiEvent::Sweep(SweepEvent::Form(detail)))
    } else if name == crate::editor_shell::EDITED_EVENT {
        let scenario = msgsim_sim::Scenario::from_json(&detail?).ok()?;
        Some(UiEvent::Edited(Box::new(scenario)))
    } else if name == crate::saved_shell::OPEN_EVENT {
        let scenario = msgsim_sim::Scenario::from_json(&detail?).ok()?;
        Some(LibraryEvent::OpenSaved(Box::new(scenario)).into())
    } else {
        let help = detail.as_deref() == Some(crate::dialog_shell::HELP_HOST_ID);
        Some(if help { PresentEvent::ShowHelp(false) } else { PresentEvent::ShowShare(false) }.into())
    }
}

/// Whether keyboard shortcuts should leave this key to a form control.
fn typing_in_a_field() -> bool {
    gloo::utils::document()
        .active_element()
        .is_some_and(|e| matches!(e.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA"))
}

/// Draws `diagram` at `size` on an off-screen canvas at twice the resolution
/// and offers it as a PNG.
fn download_png(studio: &Studio, name: &str, diagram: Diagram, size: (f64, f64)) {
    let Some(c) = platform::offscreen_canvas(size, 2.0) else { return };
    let Some(mut p) = CanvasPainter::with_size(&c, size, 2.0, studio.present.text_scale()) else { return };
    studio.draw(diagram, &mut p);
    if let Ok(url) = c.to_data_url_with_type("image/png") {
        platform::download_url(name, &url);
    }
}

/// Performs the studio's effects. Element reveals wait for the next render
/// (the element may only appear then); a refused storage write is reported
/// back as an event.
fn perform(studio: &Rc<RefCell<Studio>>, later: &Rc<Later>, effects: Vec<Effect>) {
    for effect in effects {
        match effect {
            // The preferences: a browser that refuses them only forgets
            // them (the saved scenarios are the module's, which says so).
            Effect::Store { key, value } => {
                platform::store(key.name(), &value);
            }
            Effect::Download { name, mime, parts } => {
                platform::download(&name, &parts, mime);
            }
            Effect::ExportTrace { name, csv } => {
                let s = studio.borrow();
                platform::ask_export(&name, csv, &s.session.scenario.to_json(), s.session.seed);
            }
            Effect::DownloadPng { name, diagram, size } => download_png(&studio.borrow(), &name, diagram, size),
            Effect::SetFragment(f) => platform::set_fragment(&f),
            Effect::ToggleFullscreen => platform::toggle_fullscreen(),
            Effect::Reveal(id) => later.reveals.borrow_mut().push(id),
            Effect::FetchLesson { id, url } => {
                let later = later.clone();
                platform::fetch_text(&url, move |text| {
                    later.inbox.borrow_mut().push(LessonEvent::Fetched(id, text).into());
                });
            }
        }
    }
}

/// The studio, started with what the browser remembers and the link it was
/// opened with: the very first event, before anything can be clicked.
fn start(later: &Rc<Later>) -> Studio {
    let reduced_motion = web_sys::window()
        .and_then(|w| w.match_media("(prefers-reduced-motion: reduce)").ok().flatten())
        .is_some_and(|q| q.matches());
    let studio = Rc::new(RefCell::new(Studio::new()));
    let effects = studio.borrow_mut().update(UiEvent::Start(Box::new(Startup {
        prefs: platform::load(StorageKey::Prefs.name()),
        browser_lang: platform::browser_language(),
        reduced_motion,
        fragment: platform::fragment(),
    })));
    perform(&studio, later, effects);
    Rc::try_unwrap(studio).map(RefCell::into_inner).unwrap_or_default()
}

/// The key a shortcut sends, if it is one.
fn shortcut(key: &str, s: &Studio) -> Option<UiEvent> {
    Some(match key {
        " " => PlaybackEvent::TogglePlay.into(),
        "ArrowRight" => PlaybackEvent::Step.into(),
        "ArrowLeft" => PlaybackEvent::StepBack.into(),
        "[" => PlaybackEvent::Jump(false).into(),
        "]" => PlaybackEvent::Jump(true).into(),
        "+" | "=" => PlaybackEvent::ShiftSpeed(true).into(),
        "-" | "_" => PlaybackEvent::ShiftSpeed(false).into(),
        "Home" => PlaybackEvent::Restart.into(),
        "Escape" if s.present.dialog_open() => PresentEvent::CloseDialogs.into(),
        "Escape" => UiEvent::Select(None),
        "?" => PresentEvent::ShowHelp(!s.present.help).into(),
        "l" | "L" => PresentEvent::SetLargeText(!s.present.large_text).into(),
        "f" | "F" => PresentEvent::ToggleFullscreen.into(),
        _ => return None,
    })
}

/// The whole app.
#[component]
pub fn App() -> Html {
    let later: Rc<Later> = use_memo((), |_| Later::default());
    let studio = {
        let later = later.clone();
        use_mut_ref(move || start(&later))
    };
    let update = use_force_update();
    let refs: Canvases = [use_node_ref(), use_node_ref(), use_node_ref(), use_node_ref()];
    let readers: Rc<RefCell<Vec<FileReader>>> = use_mut_ref(Vec::new);

    // One callback for the life of the app: a component whose view did not
    // change is not rendered again (its props compare equal).
    let dispatch = {
        let (studio, later, update) = (studio.clone(), later.clone(), update.clone());
        use_callback((), move |ev: UiEvent, _| {
            let effects = studio.borrow_mut().update(ev);
            perform(&studio, &later, effects);
            update.force_update();
        })
    };

    // The first render is done: the controls are usable.
    use_effect_with((), |_| platform::performance_mark("msgsim:ready"));

    // Elements the studio asked to reveal, once they are on the page.
    {
        let later = later.clone();
        use_effect(move || {
            for id in later.reveals.borrow_mut().drain(..) {
                if let Some(el) = gloo::utils::document().get_element_by_id(&id) {
                    el.scroll_into_view();
                }
            }
        });
    }

    // The animation loop, for the life of the app.
    {
        let (studio, later) = (studio.clone(), later.clone());
        let refs = refs.clone();
        let update = update.clone();
        use_effect_with((), move |_| {
            let lp = Rc::new(RefCell::new(Loop {
                studio,
                later,
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

    // What the on-demand module's panels tell the page: the sweep panel its
    // form (for the share link), the editor a scenario to run, the saved
    // list one to open, a dialog that it was closed (which: the detail).
    {
        let dispatch = dispatch.clone();
        use_effect_with((), move |_| {
            let names = [
                crate::sweep::FORM_EVENT,
                crate::editor_shell::EDITED_EVENT,
                crate::saved_shell::OPEN_EVENT,
                crate::dialog_shell::CLOSE_EVENT,
            ];
            let listeners: Vec<EventListener> = names
                .into_iter()
                .map(|name| {
                    let d = dispatch.clone();
                    EventListener::new(&gloo::utils::document(), name, move |e| {
                        let detail = e.dyn_ref::<web_sys::CustomEvent>().and_then(|e| e.detail().as_string());
                        if let Some(ev) = announced(name, detail) {
                            d.emit(ev);
                        }
                    })
                })
                .collect();
            move || drop(listeners)
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
                // Esc closes a dialog even from the field inside it (the share link).
                let closes_dialog = e.key() == "Escape" && studio.borrow().present.dialog_open();
                if !closes_dialog && (typing_in_a_field() || e.ctrl_key() || e.meta_key() || e.alt_key()) {
                    return;
                }
                let Some(ev) = shortcut(&e.key(), &studio.borrow()) else { return };
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
                d.emit(LibraryEvent::Import(name, text).into());
            });
            readers.borrow_mut().push(reader);
        })
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

    let s = studio.borrow();
    let lang = s.present.lang;
    // Theme, language and text size on the document.
    // Set only when they change: setting an attribute of the root element,
    // even to the value it has, makes the browser restyle the whole page.
    if let Some(root) = gloo::utils::document().document_element() {
        let set = |name: &str, value: &str| {
            if root.get_attribute(name).as_deref() != Some(value) {
                let _ = root.set_attribute(name, value);
            }
        };
        set("data-theme", if s.present.theme == Theme::Dark { "dark" } else { "light" });
        set("lang", lang.tag());
        set("data-text", if s.present.large_text { "large" } else { "normal" });
    }
    let (bottom, side) = (s.bottom_tab(), s.present.side);
    let on = |ev: UiEvent| {
        let d = dispatch.clone();
        Callback::from(move |_| d.emit(ev.clone()))
    };
    let click = |canvas: Canvas| {
        let d = dispatch.clone();
        Callback::from(move |(at, size): ((f64, f64), (f64, f64))| {
            d.emit(crate::studio::Click { canvas, at, size }.into())
        })
    };
    let share_url = s.present.share.then(|| format!("{}#{}", platform::base_url(), s.share_fragment()));
    if share_url.is_some() || s.present.help {
        platform::load_module();
    }
    let comparing = s.session.reference.is_some();
    let mut bottom_tabs = vec![
        (BottomTab::Sequence, Key::TabSequence),
        (BottomTab::Log, Key::TabLog),
        (BottomTab::Charts, Key::TabCharts),
        (BottomTab::Sweep, Key::TabSweep),
    ];
    let has_topics = !s.session.scenario.topics.is_empty();
    if has_topics {
        bottom_tabs.insert(3, (BottomTab::Partitions, Key::TabPartitions));
    }
    if s.has_services() {
        bottom_tabs.insert(bottom_tabs.len() - 1, (BottomTab::State, Key::TabState));
    }
    if comparing {
        bottom_tabs.push((BottomTab::Compare, Key::TabCompare));
    }
    let compare_view = s.compare_view();
    // So is the comparison's table, given both runs while its tab is open.
    let compare_open = comparing && bottom == BottomTab::Compare;
    if compare_open {
        platform::load_module();
    }
    // The sweep panel is loaded when first wanted (its tab, or a request,
    // which opens its tab), and is given the scenario while its tab is open.
    let sweep_open = bottom == BottomTab::Sweep;
    if sweep_open {
        platform::load_module();
    }
    let sweep_scenario = sweep_open.then(|| s.session.scenario.to_json());
    // So is the State tab's table: the module gets the run while it is open.
    let state_open = bottom == BottomTab::State;
    if state_open {
        platform::load_module();
    }
    let state_scenario = state_open.then(|| s.session.scenario.to_json());
    // The scenario editor is in the same module, given the scenario while
    // its tab is open (and any node or link clicked, to open its section).
    let editor_open = side == SideTab::Editor;
    if editor_open {
        platform::load_module();
    }
    let editor_scenario = editor_open.then(|| s.session.scenario.to_json());
    // So are the saved scenarios, under the Files tab (the scenario given
    // is the one "Save" keeps).
    let files_open = side == SideTab::Files;
    if files_open {
        platform::load_module();
    }
    let files_scenario = files_open.then(|| s.session.scenario.to_json());
    let editor_focus = s.editor_request.map(|(n, r)| format!("{n}\n{}", r.to_text()));
    let counters = s.counters_view();
    let lesson_view = s.lesson_view();
    let topology_label = counters.summary.clone();

    html! {
        <div class={classes!("app", s.present.large_text.then_some("large"))} ondragover={Callback::from(|e: DragEvent| e.prevent_default())} ondrop={on_drop}>
            <Toolbar view={s.controls_view()} on_event={dispatch.clone()} on_share={on(PresentEvent::ShowShare(true).into())}
                on_fullscreen={on(PresentEvent::ToggleFullscreen.into())} />
            <TimelineBar view={s.time_view()} on_event={dispatch.clone()} />
            <NoticeBanner view={s.notice_view()} lang={lang} on_dismiss={on(LibraryEvent::DismissNotice.into())} />
            <main class="workspace">
                <section class="stage" aria-label={t(lang, Key::TopologyView)}>
                    <div class={classes!("stage-top", comparing.then_some("split"))}>
                        if let Some(cv) = &compare_view {
                            <figure class="side-view">
                                <figcaption>
                                    <span class="tag before">{ t(lang, Key::Before) }</span>{ &cv.before }
                                    { verdict_badge(cv.before_verdict) }
                                </figcaption>
                                <CanvasView node_ref={refs[3].clone()} class="topology" label={cv.before.clone()}
                                    on_click={Callback::noop()} testid="topology-reference" />
                            </figure>
                        }
                        <figure class="side-view">
                            if let Some(cv) = &compare_view {
                                <figcaption>
                                    <span class="tag after">{ t(lang, Key::After) }</span>{ &cv.after }
                                    { verdict_badge(cv.after_verdict) }
                                </figcaption>
                            }
                            <CanvasView node_ref={refs[0].clone()} class="topology" label={topology_label}
                                on_click={click(Canvas::Topology)} testid="topology" />
                        </figure>
                    </div>
                    <div class="bottom">
                        <div class="tab-row">
                            <Tabs<BottomTab> lang={lang} current={bottom} items={bottom_tabs}
                                on_select={{ let d = dispatch.clone(); Callback::from(move |b| d.emit(PresentEvent::SetBottomTab(b).into())) }} />
                            <MarkTools lang={lang} ids={s.present.show_ids} by_key={s.present.colour_by_key} on_event={dispatch.clone()} />
                            if bottom == BottomTab::Sequence {
                                <SequenceTools lang={lang} on_zoom_in={on(PresentEvent::ZoomSequence(true).into())} on_zoom_out={on(PresentEvent::ZoomSequence(false).into())} />
                            }
                        </div>
                        {
                            match bottom {
                                BottomTab::Sequence => html! {
                                    <div class="panel-body sequence-body">
                                        <CanvasView node_ref={refs[1].clone()} class="sequence" label={t(lang, Key::TabSequence)}
                                            on_click={click(Canvas::Sequence)} testid="sequence" />
                                    </div>
                                },
                                BottomTab::Log => html! { <LogPanel view={s.log_view()} on_event={dispatch.clone()} /> },
                                BottomTab::Charts => html! {
                                    <div class="panel-body">
                                        <CanvasView node_ref={refs[2].clone()} class="charts" label={t(lang, Key::TabCharts)}
                                            on_click={Callback::noop()} testid="charts" />
                                    </div>
                                },
                                // One canvas with the charts (the tabs never show together).
                                BottomTab::Partitions => {
                                    let parts = s.partition_parts();
                                    let label = crate::render::partitions::summary(&s.partitions_scene(&parts));
                                    html! {
                                        <div class="panel-body">
                                            <CanvasView node_ref={refs[2].clone()} class="charts" {label}
                                                on_click={Callback::noop()} testid="partitions" />
                                        </div>
                                    }
                                }
                                // The state table lives in its host, below.
                                BottomTab::State => html! {},
                                // The sweep panel lives in its host, below.
                                BottomTab::Sweep => html! {},
                                // The comparison's table lives in its host, below.
                                BottomTab::Compare => html! {},
                            }
                        }
                        // The sweep panel's own module draws in here once loaded
                        // (crate::sweep); it reads the scenario and requests from
                        // these attributes.
                        <div id={crate::sweep::HOST_ID} class="panel-body sweep-host" data-testid="sweep-host"
                            hidden={bottom != BottomTab::Sweep} data-scenario={sweep_scenario}
                            data-events={s.session.run.final_report().map(|r| r.events.to_string())}
                            data-request={s.sweep.request.as_ref().map(|(n, form)| format!("{n}\n{form}"))}
                            data-loading={t(lang, Key::SweepLoading)} />
                        // The State tab's table, drawn by the module (crate::state_shell).
                        <div id={crate::state_shell::HOST_ID} class="panel-body state-host" data-testid="state-host"
                            hidden={bottom != BottomTab::State} data-scenario={state_scenario}
                            data-seed={state_open.then(|| s.session.seed.to_string())}
                            data-cursor={state_open.then(|| s.playback.clock.cursor.to_string())}
                            data-loading={t(lang, Key::StateLoading)} />
                        // The Comparison tab's table, drawn by the module (crate::compare_shell).
                        <div id={crate::compare_shell::HOST_ID} class="panel-body compare-host" data-testid="compare-host"
                            hidden={!compare_open}
                            data-before={compare_open.then(|| s.session.reference.as_ref().map(|r| r.scenario.to_json())).flatten()}
                            data-after={compare_open.then(|| s.session.scenario.to_json())}
                            data-seed={compare_open.then(|| s.session.seed.to_string())}
                            data-before-label={compare_view.as_ref().filter(|_| compare_open).map(|v| v.before.clone())}
                            data-after-label={compare_view.as_ref().filter(|_| compare_open).map(|v| v.after.clone())}
                            data-hidden={compare_view.as_ref().filter(|v| compare_open && v.hidden).map(|_| "true")}
                            data-loading={t(lang, Key::Computing)} />
                    </div>
                </section>
                <aside class="side">
                    if let Some(d) = &lesson_view.open {
                        <LessonQuestion detail={d.clone()} lang={lang} />
                    }
                    <Counters view={counters} on_reveal={on(LessonEvent::Reveal.into())} />
                    <Tabs<SideTab> lang={lang} current={side}
                        items={vec![(SideTab::Lesson, Key::TabLesson), (SideTab::Message, Key::TabMessage), (SideTab::Editor, Key::TabEditor), (SideTab::Files, Key::TabFiles)]}
                        on_select={{ let d = dispatch.clone(); Callback::from(move |x| d.emit(PresentEvent::SetSideTab(x).into())) }} />
                    {
                        match side {
                            SideTab::Lesson => {
                                // Keyed by lesson: a newly opened lesson starts scrolled to its top.
                                let key = lesson_view.open.as_ref().map_or_else(String::new, |d| d.id.clone());
                                html! { <LessonPanel {key} view={lesson_view.clone()} on_event={dispatch.clone()} /> }
                            }
                            SideTab::Message => html! { <MessageCard view={s.message_view()} lang={lang} on_event={dispatch.clone()} /> },
                            // The editor lives in its host, below.
                            SideTab::Editor => html! {},
                            SideTab::Files => html! {
                                <FilesPanel view={s.files_view()} on_event={dispatch.clone()} on_files={on_files.clone()} />
                            },
                        }
                    }
                    // The scenario editor's module draws in here once loaded
                    // (crate::editor_shell); it stays while other tabs show, so
                    // nothing typed is lost.
                    <div id={crate::editor_shell::HOST_ID} class="editor-host" data-testid="editor-host"
                        hidden={!editor_open} data-scenario={editor_scenario} data-focus={editor_focus}
                        data-loading={t(lang, Key::EditorLoading)} />
                    // The saved scenarios' module draws in here (crate::saved_shell),
                    // under the Files panel; it too stays, with what was typed.
                    <div id={crate::saved_shell::HOST_ID} class="saved-host" data-testid="saved-host"
                        hidden={!files_open} data-scenario={files_scenario} />
                </aside>
            </main>
            // The share dialog's module draws it in here (crate::dialog_shell).
            <div id={crate::dialog_shell::HOST_ID} data-url={share_url} />
            <div id={crate::dialog_shell::HELP_HOST_ID} data-open={s.present.help.then_some("true")} />
            <div id={crate::export_shell::HOST_ID} hidden=true />
        </div>
    }
}

/// A run's verdict beside its pane's caption (compare mode).
fn verdict_badge(v: Option<(&'static str, &'static str)>) -> Html {
    match v {
        Some((class, text)) => {
            html! { <span class={classes!("badge", class)} data-testid="pane-verdict" data-verdict={class}>{ text }</span> }
        }
        None => html! {},
    }
}
