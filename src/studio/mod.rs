//! The UI's state and behaviour, with no web dependencies (the Crux shape).
//!
//! ```text
//!   shell (app.rs) ──UiEvent──▶ Studio::update ──▶ concern.update ──Cmd──▶ …
//!        ▲                           │
//!        └──────── Vec<Effect> ◀─────┘   (store, download, URL, full screen…)
//!   every frame: compute(slice) · advance(wall ms) · draw(Diagram, painter) · views
//! ```
//!
//! [`Studio`] composes one small state per concern — [`Session`] (what
//! runs), [`Playback`], [`Selection`], [`Editor`], [`LogState`],
//! [`LessonState`], [`Library`], [`Presentation`] — each with its own events,
//! its own `update` and its own tests. The root [`Studio::update`] only
//! routes an event to its concern and carries out the [`Cmd`]s a concern
//! hands back for the others (a scenario to load, a message to select); what
//! the browser must do comes back as [`Effect`] values. Drawing (`scenes.rs`)
//! and the view models (`view/`) only read. All of it is tested natively.

pub mod clock;
pub mod compare;
pub mod draft;
pub mod editor;
pub mod effect;
pub mod export;
pub mod fields;
pub mod forms;
pub mod lesson;
pub mod library;
pub mod load;
pub mod log;
pub mod message;
pub mod moments;
pub mod path;
pub mod playback;
pub mod presentation;
pub mod qr;
pub mod run;
pub mod saved;
pub mod scenes;
pub mod selection;
pub mod session;
pub mod share;
pub mod view;

#[cfg(test)]
mod tests;

use std::rc::Rc;

use msgsim_sim::{MsgId, NodeId, Scenario};

use self::compare::{CompareEvent, Reference, SideLabel};
pub use self::editor::{EditEvent, Editor, EditorSync, FocusRequest};
pub use self::effect::{Diagram, Effect, StorageKey};
pub use self::export::{Export, trace_file};
pub use self::lesson::{LessonEvent, LessonState};
pub use self::library::{Library, LibraryEvent, Notice};
use self::load::Load;
pub use self::log::{LogEvent, LogState};
pub use self::playback::{Playback, PlaybackEvent};
pub use self::presentation::{BottomTab, PresentEvent, Presentation, SideTab};
pub use self::scenes::{Canvas, Click};
pub use self::selection::Selection;
pub use self::session::{DEFAULT_PRESET, Session, SessionEvent};
use crate::render::charts::Histogram;

/// What the shell knows at start-up, sent once as the first event.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Startup {
    /// The remembered preferences, if any.
    pub prefs: Option<String>,
    /// The browser's language tag (`zh-CN`, `en-US`, …).
    pub browser_lang: Option<String>,
    /// The browser asks for reduced motion.
    pub reduced_motion: bool,
    /// The URL fragment the page was opened with (a share link, perhaps).
    pub fragment: String,
}

/// Something the user (or the browser) did, by concern.
#[derive(Clone, Debug, PartialEq)]
pub enum UiEvent {
    /// The page opened.
    Start(Box<Startup>),
    /// What runs: presets and seeds.
    Session(SessionEvent),
    /// The clock.
    Playback(PlaybackEvent),
    /// Follow a message (or none).
    Select(Option<MsgId>),
    /// A click on a canvas.
    Click(Click),
    /// The event log.
    Log(LogEvent),
    /// The scenario editor (its own module: see `crate::editor_shell`)
    /// hands back an edited scenario to run.
    Edited(Box<Scenario>),
    /// The lessons.
    Lesson(LessonEvent),
    /// Compare mode.
    Compare(CompareEvent),
    /// Saved scenarios, files and links.
    Library(LibraryEvent),
    /// How things are shown.
    Present(PresentEvent),
    /// A download.
    Export(Export),
    /// The sweep panel (its own module: see `crate::sweep`).
    Sweep(SweepEvent),
}

/// What the page tells or asks of the sweep panel.
#[derive(Clone, Debug, PartialEq)]
pub enum SweepEvent {
    /// Show the panel with this form (JSON) and run it: a lesson's sweep.
    Open(String),
    /// The panel's form (JSON) once it has been used, for the share link.
    Form(Option<String>),
}

/// The page's side of the sweep panel, which is loaded on demand and runs
/// on its own (`crate::sweep`): the form it reports, for the share link,
/// and the last request to open a sweep, numbered so each is seen once.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SweepLink {
    /// The panel's form (JSON), once used.
    pub form: Option<String>,
    /// `(number, form JSON)` of the last request to run a sweep.
    pub request: Option<(u32, String)>,
}

macro_rules! into_ui_event {
    ($($event:ident => $variant:ident),* $(,)?) => {
        $(impl From<$event> for UiEvent {
            fn from(e: $event) -> Self {
                UiEvent::$variant(e)
            }
        })*
    };
}

into_ui_event!(
    SessionEvent => Session,
    PlaybackEvent => Playback,
    LogEvent => Log,
    LessonEvent => Lesson,
    CompareEvent => Compare,
    LibraryEvent => Library,
    PresentEvent => Present,
    Export => Export,
    Click => Click,
    SweepEvent => Sweep,
);

/// What one concern's update asks of the others; [`Studio`] carries it out.
#[derive(Debug)]
pub enum Cmd {
    /// Something for the shell to do.
    Effect(Effect),
    /// Show another scenario (resets what belonged to the old one).
    Load(Box<Load>),
    /// Run the same scenario again (a new seed), keeping the moment shown.
    Rerun,
    /// Follow a message (or none).
    Select(Option<MsgId>),
    /// Show the editor section of a node's group.
    FocusNode(NodeId),
    /// Show the override of the link between two nodes (or offer one).
    FocusLink(NodeId, NodeId),
    /// Show the moment just after trace event `0`, paused.
    SeekEvent(usize),
    /// The log keeps "now" in view again.
    FollowLog,
    /// Open a side panel.
    ShowSide(SideTab),
    /// Compare the shown run with a reference: `(its label, the main run's
    /// label, its scenario)`.
    Compare(Box<(SideLabel, SideLabel, Scenario)>),
    /// Leave a bottom tab if it is open (its content went away).
    LeaveTab(BottomTab),
    /// Fetch the body of lesson `0`, then handle event `1` (which needs it).
    FetchLesson(String, Box<UiEvent>),
    /// Show the sweep panel with this form (JSON), and run it.
    OpenSweep(String),
}

/// The DOM id of the lesson list's status line (which lesson loads, or why
/// one could not).
pub const LESSON_STATUS: &str = "lesson-status";

/// Engine events computed right after a run starts (so the first frame has
/// something to show).
const FIRST_SLICE: u64 = 20_000;

/// The whole UI state, one part per concern.
pub struct Studio {
    /// How things are shown.
    pub present: Presentation,
    /// What runs.
    pub session: Session,
    /// Where in the run the views are.
    pub playback: Playback,
    /// The message followed.
    pub selection: Selection,
    /// The last request to open the editor at a node or link, numbered so
    /// the editor's module sees each once.
    pub editor_request: Option<(u32, FocusRequest)>,
    /// The event log.
    pub log: LogState,
    /// The open lesson.
    pub lesson: LessonState,
    /// Saved scenarios and notices.
    pub library: Library,
    /// The sweep panel's form and requests.
    pub sweep: SweepLink,
    /// The latency histogram drawn last, and for how many latencies.
    histogram: (usize, Rc<Histogram>),
    /// The URL fragment last put in the address bar.
    shown_fragment: String,
    /// An event that needs a lesson being fetched: `(lesson id, event)`,
    /// handled when the lesson arrives.
    waiting: Option<(String, UiEvent)>,
    /// Bumped when anything the DOM shows changes.
    revision: u64,
}

impl Default for Studio {
    fn default() -> Self {
        Studio::new()
    }
}

impl Studio {
    /// The studio with the default preset loaded.
    pub fn new() -> Self {
        let session = Session::new();
        let mut s = Studio {
            present: Presentation::default(),
            playback: Playback::new(&session.scenario),
            editor_request: None,
            session,
            selection: Selection::default(),
            log: LogState::default(),
            lesson: LessonState::default(),
            library: Library::default(),
            sweep: SweepLink::default(),
            histogram: (usize::MAX, Rc::default()),
            shown_fragment: String::new(),
            waiting: None,
            revision: 0,
        };
        s.present.reset_for(&s.session.scenario);
        s.compute(FIRST_SLICE);
        s
    }

    /// Opens the editor at the section of a node or link.
    fn ask_editor(&mut self, request: FocusRequest) -> Vec<Cmd> {
        let n = self.editor_request.map_or(1, |(n, _)| n.wrapping_add(1));
        self.editor_request = Some((n, request));
        vec![Cmd::ShowSide(SideTab::Editor)]
    }

    /// The bottom tab shown: the one chosen, except that a scenario without
    /// topics shows the charts for the partitions (whose tab it does not have).
    pub fn bottom_tab(&self) -> BottomTab {
        match self.present.bottom {
            BottomTab::Partitions if self.session.scenario.topics.is_empty() => BottomTab::Charts,
            BottomTab::State if !self.has_services() => BottomTab::Charts,
            b => b,
        }
    }

    /// A number that changes whenever anything the DOM shows changes (the
    /// shell re-renders only then).
    pub fn revision(&self) -> u64 {
        self.revision
    }

    fn touch(&mut self) {
        self.revision = self.revision.wrapping_add(1);
    }

    /// Handles one event: routes it to its concern, carries out what the
    /// concern asks of the others, and returns what the shell must do.
    pub fn update(&mut self, ev: UiEvent) -> Vec<Effect> {
        let cursor = self.playback.clock.cursor;
        let cmds = match ev {
            UiEvent::Lesson(LessonEvent::Fetched(id, fetched)) => return self.fetched(&id, fetched),
            UiEvent::Start(s) => self.start(*s),
            UiEvent::Session(e) => self.session.update(e),
            UiEvent::Playback(e) => self.playback.update(e, &mut self.session),
            UiEvent::Select(m) => vec![Cmd::Select(m)],
            UiEvent::Click(c) => self.click(c),
            UiEvent::Log(e) => self.log.update(e, &self.session.run, cursor),
            UiEvent::Edited(s) => {
                if *s != self.session.scenario {
                    self.session.set_scenario(*s);
                    self.rerun();
                }
                Vec::new()
            }
            UiEvent::Lesson(e) => self.lesson.update(e),
            UiEvent::Compare(e) => compare::update(e, &mut self.session),
            UiEvent::Library(e) => self.library.update(e),
            UiEvent::Present(e) => self.present.update(e).into_iter().map(Cmd::Effect).collect(),
            UiEvent::Export(x) => self.export(x).into_iter().map(Cmd::Effect).collect(),
            UiEvent::Sweep(SweepEvent::Open(form)) => vec![Cmd::OpenSweep(form)],
            UiEvent::Sweep(SweepEvent::Form(form)) => {
                self.sweep.form = form;
                Vec::new()
            }
        };
        let mut effects = self.carry_out(cmds);
        self.reveal_at_end();
        effects.extend(self.follow_url());
        self.touch();
        effects
    }

    /// The body of lesson `id` arrived (or could not be fetched): the event
    /// that waited for it is handled now — a link opens without its lesson
    /// if the lesson could not be fetched.
    fn fetched(&mut self, id: &str, fetched: Result<String, String>) -> Vec<Effect> {
        let ok = match crate::lessons::receive(id, fetched) {
            Ok(_) => true,
            Err(why) => {
                self.lesson.failed = Some((id.to_string(), why));
                false
            }
        };
        // Said above the list, which may be scrolled to the lesson clicked.
        let reveal = (!ok).then(|| Effect::Reveal(LESSON_STATUS.to_string()));
        let then = self.waiting.take_if(|(w, _)| w == id).map(|(_, ev)| ev);
        let mut effects = match then {
            Some(ev) if ok || matches!(ev, UiEvent::Library(_)) => self.update(ev),
            _ => {
                self.touch();
                self.follow_url().into_iter().collect()
            }
        };
        effects.extend(reveal);
        effects
    }

    /// The lesson being fetched, if an event waits for one.
    pub fn waiting_for_lesson(&self) -> Option<&str> {
        self.waiting.as_ref().map(|(id, _)| id.as_str())
    }

    /// A lesson's outcome shows once its run has played to the end.
    fn reveal_at_end(&mut self) {
        if self.lesson.open.is_some()
            && !self.lesson.revealed
            && self.session.is_complete()
            && self.playback.clock.time >= self.session.horizon()
        {
            self.lesson.revealed = true;
        }
    }

    fn start(&mut self, s: Startup) -> Vec<Cmd> {
        self.present.restore(s.prefs.as_deref(), s.browser_lang.as_deref());
        self.present.reduced_motion = s.reduced_motion;
        self.shown_fragment = s.fragment.clone();
        self.library.update(LibraryEvent::OpenLink(s.fragment))
    }

    /// Carries out commands in order (a command may lead to more).
    fn carry_out(&mut self, cmds: Vec<Cmd>) -> Vec<Effect> {
        let mut effects = Vec::new();
        let mut queue = std::collections::VecDeque::from(cmds);
        while let Some(cmd) = queue.pop_front() {
            let more = match cmd {
                Cmd::Effect(e) => {
                    effects.push(e);
                    Vec::new()
                }
                Cmd::Load(l) => {
                    self.load(*l);
                    Vec::new()
                }
                Cmd::Rerun => {
                    self.rerun();
                    Vec::new()
                }
                Cmd::Select(m) => {
                    self.selection.select(m, &self.session.run);
                    if m.is_some() { vec![Cmd::ShowSide(SideTab::Message)] } else { Vec::new() }
                }
                Cmd::FocusNode(n) => self.ask_editor(FocusRequest::Node(n)),
                Cmd::FocusLink(a, b) => self.ask_editor(FocusRequest::Link(a, b)),
                Cmd::SeekEvent(i) => self.playback.update(PlaybackEvent::SeekEvent(i), &mut self.session),
                Cmd::FollowLog => {
                    self.log.follow = true;
                    Vec::new()
                }
                Cmd::ShowSide(t) => {
                    self.present.side = t;
                    Vec::new()
                }
                Cmd::Compare(c) => {
                    let (label, main, scenario) = *c;
                    self.session.reference = Reference::new(label, main, scenario, self.session.seed);
                    self.present.bottom = BottomTab::Compare;
                    self.compute(FIRST_SLICE);
                    Vec::new()
                }
                Cmd::LeaveTab(t) => {
                    if self.present.bottom == t {
                        self.present.bottom = BottomTab::Sequence;
                    }
                    Vec::new()
                }
                Cmd::OpenSweep(form) => {
                    let n = self.sweep.request.as_ref().map_or(1, |(n, _)| n + 1);
                    self.sweep.form = Some(form.clone());
                    self.sweep.request = Some((n, form));
                    self.present.bottom = BottomTab::Sweep;
                    Vec::new()
                }
                Cmd::FetchLesson(id, then) => {
                    effects.push(Effect::FetchLesson { url: crate::lessons::url(&id), id: id.clone() });
                    self.waiting = Some((id, *then));
                    Vec::new()
                }
            };
            queue.extend(more);
        }
        effects
    }

    /// Shows another scenario: every concern forgets the old one.
    fn load(&mut self, l: Load) {
        self.session.load(&l);
        self.editor_request = None;
        self.playback = Playback::new(&l.scenario);
        if let Some(speed) = l.speed {
            self.playback.clock.speed = clock::Clock::nearest_speed(speed);
        }
        self.present.reset_for(&l.scenario);
        self.selection.clear();
        self.lesson.follow(&l);
        if let Some((id, _)) = &l.lesson {
            self.present.side = SideTab::Lesson;
            if let Some(m) = crate::lessons::get(id).and_then(|x| moments::Moment::from_pattern(&x.moment)) {
                self.playback.moment = m;
            }
        }
        self.rerun();
        self.playback.pending_seek = l.seek;
        self.compute(FIRST_SLICE);
    }

    /// Runs the scenario again from the start, showing the same moment once
    /// it is computed that far.
    fn rerun(&mut self) {
        self.session.rerun();
        self.log.reset();
        self.selection.refresh(&self.session.run);
        self.histogram.0 = usize::MAX;
        self.playback.restart();
        self.compute(FIRST_SLICE);
    }

    /// The address bar follows what is shown, except while playing.
    fn follow_url(&mut self) -> Option<Effect> {
        // While a link waits for its lesson, the address bar keeps the link.
        if self.playback.clock.playing || self.waiting.is_some() {
            return None;
        }
        let fragment = self.share_fragment();
        (fragment != self.shown_fragment).then(|| {
            self.shown_fragment = fragment.clone();
            Effect::SetFragment(fragment)
        })
    }

    /// Computes up to `max_events` more of the runs (the frame loop calls this
    /// within its time budget). Returns whether more remains.
    pub fn compute(&mut self, max_events: u64) -> bool {
        let c = self.session.compute(max_events);
        if c.changed {
            self.log.index.update(self.session.run.trace());
            if c.finished {
                self.selection.refresh(&self.session.run);
            }
            self.touch();
        }
        if self.playback.catch_up(&self.session) {
            self.touch();
        }
        c.more
    }

    /// Moves playback on by `wall_ms` of wall-clock time (once a frame).
    pub fn advance(&mut self, wall_ms: f64) -> Vec<Effect> {
        if !self.playback.advance(wall_ms, &self.session) {
            return Vec::new();
        }
        self.reveal_at_end();
        self.touch();
        self.follow_url().into_iter().collect()
    }

    /// The share link (URL fragment, without `#`) for what is shown now.
    pub fn share_fragment(&self) -> String {
        let s = &self.session;
        let mut link = share::link_to(&s.base_preset, &s.scenario, s.seed);
        let t = self.playback.pending_seek.unwrap_or(self.playback.clock.time);
        link.time_ms = (t > 0).then(|| msgsim_sim::time::to_ms(t));
        link.lesson = self.lesson.open.clone();
        link.sweep = self.sweep.form.clone();
        let lesson = self.lesson.open.as_deref().and_then(crate::lessons::get);
        link.side = lesson.zip(self.lesson.side).map(|(l, i)| crate::lessons::side_name(i, l.setups.len()).to_string());
        share::encode(&link)
    }

    /// Node names of the run shown, indexed by node id.
    pub fn node_names(&self) -> Rc<Vec<String>> {
        self.session.run.names()
    }
}
