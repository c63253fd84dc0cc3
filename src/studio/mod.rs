//! The UI's state and behaviour, with no web dependencies (Crux-style): the
//! shell forwards [`UiEvent`]s to [`Studio::update`], calls
//! [`Studio::compute`] and [`Studio::advance`] every animation frame, draws
//! the scenes it builds, and renders its view models. All of it is tested
//! natively.

pub mod clock;
pub mod compare;
pub mod draft;
pub mod fields;
pub mod library;
pub mod log;
pub mod message;
pub mod path;
pub mod run;
pub mod share;
pub mod view;

#[cfg(test)]
mod tests;

use std::rc::Rc;

use msgsim_sim::{MsgId, NodeKind, Scenario, SendMode, Time, presets, time};

use self::clock::Clock;
use self::compare::{Reference, SideLabel};
use self::draft::Draft;
use self::fields::{FieldKind, Target};
use self::library::{Saved, StoreError};
use self::log::{LogFilter, LogIndex};
use self::message::Life;
use self::run::Run;
use self::share::LinkError;
use crate::i18n::Lang;
use crate::render::charts::Histogram;
use crate::render::layout::Layout;
use crate::render::palette::Theme;

/// The preset shown first.
pub const DEFAULT_PRESET: &str = "acks-and-retries";

/// The panel under the topology.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum BottomTab {
    /// Sequence diagram.
    #[default]
    Sequence,
    /// Event log.
    Log,
    /// Charts.
    Charts,
    /// The comparison of two runs (in compare mode).
    Compare,
}

/// The panel beside the topology.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SideTab {
    /// Lessons: the list, or the open lesson (with what msgsim is).
    #[default]
    Lesson,
    /// The selected message (or how to select one).
    Message,
    /// The scenario editor.
    Editor,
    /// Files: import, export, the student's saved scenarios.
    Files,
}

/// A message for the user that belongs to no field.
#[derive(Clone, Debug, PartialEq)]
pub enum Notice {
    /// A share link could not be opened (the default is shown instead).
    BadLink(LinkError),
    /// An imported file is not a valid scenario (nothing was changed).
    ImportFailed {
        /// The file.
        name: String,
        /// What is wrong with it.
        problems: Vec<msgsim_sim::Problem>,
    },
    /// A file was imported.
    Imported(String),
    /// A scenario was saved in the browser.
    Saved(String),
    /// The browser's storage refused to save (full or disabled).
    StorageFull,
    /// The saved scenarios could not be read; they were left as they were.
    StorageUnreadable(StoreError),
    /// Some saved scenarios are no longer valid and are not shown.
    StorageSkipped(usize),
}

/// Something the user did.
#[derive(Clone, Debug, PartialEq)]
pub enum UiEvent {
    /// Load a built-in scenario.
    LoadPreset(String),
    /// Play or pause.
    TogglePlay,
    /// Show one more event.
    Step,
    /// Back to the start, playing.
    Restart,
    /// Set the playback speed.
    SetSpeed(f64),
    /// One speed up (`true`) or down.
    ShiftSpeed(bool),
    /// Jump to a time, µs.
    Seek(Time),
    /// Jump to just after trace event `0`.
    SeekEvent(usize),
    /// The seed field's text.
    SeedText(String),
    /// A new random seed.
    NewSeed(u64),
    /// Select a message (or none).
    Select(Option<MsgId>),
    /// A click on the topology canvas, CSS px.
    ClickTopology(f64, f64),
    /// A click on the sequence canvas, CSS px.
    ClickSequence(f64, f64),
    /// Zoom the sequence diagram in (`true`) or out.
    ZoomSequence(bool),
    /// The log filter.
    SetLogFilter(LogFilter),
    /// The log's message-id field text.
    LogMsgText(String),
    /// The log scrolled to show row `0` first.
    LogScroll(usize),
    /// A log row was clicked.
    LogRow(usize),
    /// Text being typed into field `0` (not yet committed).
    Typing(String, String),
    /// A form field's text, committed.
    Edit {
        /// JSON path.
        path: String,
        /// Input kind.
        kind: FieldKind,
        /// Text.
        text: String,
    },
    /// Append `1` (JSON) to the list at `0`.
    AddItem(String, serde_json::Value),
    /// Remove item `1` of the list at `0`.
    RemoveItem(String, usize),
    /// Add a new group to `producers`, `queues`, `consumers` or `network.links`.
    AddGroup(String),
    /// Add an override for the link between two groups.
    AddLinkOverride(String, String),
    /// Open a lesson (its "before" setup), or the lesson list.
    OpenLesson(Option<String>),
    /// Load the open lesson's "before" (`false`) or "after" (`true`) setup.
    LessonSide(bool),
    /// Show the open lesson's before and after side by side.
    CompareLesson,
    /// Keep the current run as the reference and compare later changes with it.
    PinForCompare,
    /// Leave compare mode.
    StopCompare,
    /// Open a share link (the URL fragment).
    OpenLink(String),
    /// A scenario file was read: `(file name, text)`.
    Import(String, String),
    /// Save the current scenario in the browser under a name.
    SaveAs(String),
    /// Load saved scenario `0`.
    LoadSaved(usize),
    /// Delete saved scenario `0`.
    DeleteSaved(usize),
    /// The saved list as read from storage (`None`: nothing stored yet).
    RestoreSaved(Option<String>),
    /// Storage refused a write.
    StorageFailed,
    /// Hide the notice.
    DismissNotice,
    /// Large text for projectors.
    SetLargeText(bool),
    /// Show or hide the keyboard shortcuts.
    ShowHelp(bool),
    /// Scroll the editor to a section.
    Focus(Target),
    /// UI language.
    SetLang(Lang),
    /// Colour theme.
    SetTheme(Theme),
    /// Reduce motion (no fading or growing marks).
    SetReducedMotion(bool),
    /// Bottom panel.
    SetBottomTab(BottomTab),
    /// Side panel.
    SetSideTab(SideTab),
}

/// Canvas sizes the shell last drew at (for hit-testing clicks).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct CanvasSizes {
    /// Topology canvas.
    pub topology: (f64, f64),
    /// Sequence canvas.
    pub sequence: (f64, f64),
}

/// The whole UI state.
pub struct Studio {
    /// UI language.
    pub lang: Lang,
    /// Colour theme.
    pub theme: Theme,
    /// Reduced motion.
    pub reduced_motion: bool,
    /// Which built-in scenario is loaded, if any.
    pub preset: Option<String>,
    /// The scenario being edited.
    pub draft: Draft,
    /// The scenario running.
    pub scenario: Scenario,
    /// The seed running.
    pub seed: u64,
    /// The seed field's text.
    pub seed_text: String,
    /// The run.
    pub run: Run,
    /// Playback.
    pub clock: Clock,
    /// The selected message.
    pub selected: Option<MsgId>,
    /// Its life (cached).
    pub life: Option<Life>,
    /// The event log's rows.
    pub log: LogIndex,
    /// First log row shown.
    pub log_first: usize,
    /// The log's message-id field text.
    pub log_msg_text: String,
    /// The log keeps "now" in view while playing.
    pub log_follow: bool,
    /// The section the editor should show.
    pub focus: Option<Target>,
    /// A link the user clicked that has no override yet.
    pub suggested_link: Option<(String, String)>,
    /// Bottom panel.
    pub bottom: BottomTab,
    /// Side panel.
    pub side: SideTab,
    /// Sequence diagram window, µs.
    pub sequence_span: Time,
    /// Canvas sizes.
    pub sizes: CanvasSizes,
    /// Latency histogram (recomputed now and then).
    pub histogram: Rc<Histogram>,
    histogram_at: usize,
    /// A seek to perform once the new run has computed that far.
    pending_seek: Option<Time>,
    /// The preset the current scenario started from (share links describe
    /// the scenario as changes from it).
    pub base_preset: String,
    /// The open lesson.
    pub lesson: Option<String>,
    /// Which side of it is loaded.
    pub lesson_after: Option<bool>,
    /// The reference run of compare mode.
    pub reference: Option<Reference>,
    /// A message for the user.
    pub notice: Option<Notice>,
    /// The student's saved scenarios.
    pub saved: Vec<Saved>,
    /// The saved list changed and should be written to storage.
    pub saved_dirty: bool,
    /// Language, theme or text size changed and should be remembered.
    pub prefs_dirty: bool,
    /// Large text for projectors.
    pub large_text: bool,
    /// The keyboard shortcuts overlay is open.
    pub help: bool,
    /// Text being typed, by field id (a JSON path, or `seed`, `log-msg`), so
    /// a re-render while typing keeps what was typed.
    pub typing: std::collections::BTreeMap<String, String>,
    /// Bumped when anything the DOM shows changes.
    pub revision: u64,
}

impl Default for Studio {
    fn default() -> Self {
        Studio::new()
    }
}

/// A speed at which the typical hop takes about a third of a second.
fn default_speed(s: &Scenario) -> f64 {
    let latency = s.network.default.latency.mean_ms().max(0.5);
    Clock::nearest_speed(latency / 300.0).clamp(0.01, 1.0)
}

/// A sequence window showing about forty typical hops.
fn default_span(s: &Scenario) -> Time {
    time::ms((s.network.default.latency.mean_ms() * 40.0).clamp(20.0, 5_000.0))
}

impl Studio {
    /// The studio with the default preset loaded.
    pub fn new() -> Self {
        let p = presets::get(DEFAULT_PRESET).or_else(|| presets::all().into_iter().next());
        let scenario = p.map(|p| p.scenario).unwrap_or_default();
        let seed = scenario.seed;
        let run = Run::new(&scenario, seed).unwrap_or_else(|_| fallback_run());
        let mut s = Studio {
            lang: Lang::En,
            theme: Theme::Light,
            reduced_motion: false,
            preset: Some(DEFAULT_PRESET.to_string()),
            draft: Draft::new(scenario.clone()),
            clock: Clock::new(default_speed(&scenario)),
            sequence_span: default_span(&scenario),
            scenario,
            seed,
            seed_text: seed.to_string(),
            run,
            selected: None,
            life: None,
            log: LogIndex::default(),
            log_first: 0,
            log_msg_text: String::new(),
            log_follow: true,
            focus: None,
            suggested_link: None,
            bottom: BottomTab::default(),
            side: SideTab::default(),
            sizes: CanvasSizes::default(),
            histogram: Rc::new(Histogram::default()),
            histogram_at: usize::MAX,
            pending_seek: None,
            typing: Default::default(),
            base_preset: DEFAULT_PRESET.to_string(),
            lesson: None,
            lesson_after: None,
            reference: None,
            notice: None,
            saved: Vec::new(),
            saved_dirty: false,
            prefs_dirty: false,
            large_text: false,
            help: false,
            revision: 0,
        };
        s.compute(20_000);
        s
    }

    fn touch(&mut self) {
        self.revision = self.revision.wrapping_add(1);
    }

    /// Starts a new run of the current scenario and seed, keeping the shown
    /// time (the new run is shown there once computed that far).
    fn restart_run(&mut self) {
        let keep = self.clock.time;
        match Run::new(&self.scenario, self.seed) {
            Ok(run) => self.run = run,
            Err(_) => return, // the scenario was validated before; nothing to do
        }
        // The reference runs on the same seed.
        if let Some(r) = &mut self.reference
            && let Ok(run) = Run::new(&r.scenario, self.seed)
        {
            r.run = run;
        }
        self.log.reset();
        self.life = None;
        self.histogram_at = usize::MAX;
        self.clock.cursor = 0;
        self.clock.time = 0;
        self.pending_seek = (keep > 0).then_some(keep);
        self.compute(20_000);
        self.touch();
    }

    fn load(&mut self, scenario: Scenario, preset: Option<String>, base: &str) {
        self.typing.clear();
        self.reference = None;
        if self.bottom == BottomTab::Compare {
            self.bottom = BottomTab::Sequence;
        }
        self.base_preset = base.to_string();
        self.seed = scenario.seed;
        self.seed_text = self.seed.to_string();
        self.clock = Clock::new(default_speed(&scenario));
        self.sequence_span = default_span(&scenario);
        self.draft = Draft::new(scenario.clone());
        self.scenario = scenario;
        self.preset = preset;
        self.selected = None;
        self.focus = None;
        self.suggested_link = None;
        self.restart_run();
        self.pending_seek = None;
    }

    /// Applies the draft if it is runnable and differs from what runs.
    fn apply_draft(&mut self) {
        if self.draft.is_runnable() && self.draft.scenario() != &self.scenario {
            self.scenario = self.draft.scenario().clone();
            self.preset = None;
            self.restart_run();
        }
        self.touch();
    }

    /// Handles one user action.
    pub fn update(&mut self, ev: UiEvent) {
        let trace_len = self.run.trace().len();
        match ev {
            UiEvent::LoadPreset(id) => {
                if let Some(p) = presets::get(&id) {
                    self.load(p.scenario, Some(id.clone()), &id);
                    self.lesson = None;
                    self.lesson_after = None;
                }
            }
            UiEvent::TogglePlay => {
                if !self.clock.playing && self.is_complete() && self.clock.time >= self.horizon() {
                    self.clock.seek(self.run.trace(), 0, self.horizon());
                }
                self.clock.playing = !self.clock.playing;
                self.log_follow = true;
            }
            UiEvent::Step => {
                if self.clock.cursor >= trace_len {
                    self.compute(10_000);
                }
                self.clock.step(self.run.trace());
                self.log_follow = true;
            }
            UiEvent::Restart => {
                self.clock.seek(self.run.trace(), 0, self.horizon());
                self.clock.playing = true;
                self.log_follow = true;
            }
            UiEvent::SetSpeed(s) => self.clock.speed = Clock::nearest_speed(s),
            UiEvent::ShiftSpeed(up) => self.clock.shift_speed(up),
            UiEvent::Seek(t) => {
                self.clock.seek(self.run.trace(), t, self.horizon());
                self.log_follow = true;
            }
            UiEvent::SeekEvent(i) => {
                self.clock.playing = false;
                self.clock.seek_event(self.run.trace(), i);
                self.log_follow = true;
            }
            UiEvent::Typing(field, text) => {
                self.typing.insert(field, text);
            }
            UiEvent::SeedText(text) => {
                self.typing.remove("seed");
                self.seed_text = text;
                if let Ok(seed) = self.seed_text.trim().parse::<u64>()
                    && seed != self.seed
                {
                    self.seed = seed;
                    self.restart_run();
                }
            }
            UiEvent::NewSeed(seed) => {
                self.seed = seed;
                self.seed_text = seed.to_string();
                self.restart_run();
            }
            UiEvent::Select(m) => self.select(m),
            UiEvent::ClickTopology(x, y) => self.click_topology(x, y),
            UiEvent::ClickSequence(x, y) => {
                let hit = {
                    let scene = self.sequence_scene();
                    crate::render::sequence::hit(&scene, self.sizes.sequence, (x, y))
                };
                self.select(hit);
            }
            UiEvent::ZoomSequence(zoom_in) => {
                let span = if zoom_in { self.sequence_span / 2 } else { self.sequence_span.saturating_mul(2) };
                self.sequence_span = span.clamp(1_000, 3_600_000_000);
            }
            UiEvent::SetLogFilter(f) => {
                self.log.set_filter(f);
                self.log.update(self.run.trace());
                self.log_follow = true;
            }
            UiEvent::LogMsgText(text) => {
                self.typing.remove("log-msg");
                let msg = text.trim().trim_start_matches('#').parse::<MsgId>().ok();
                self.log_msg_text = text;
                let f = LogFilter { msg, ..self.log.filter };
                self.log.set_filter(f);
                self.log.update(self.run.trace());
            }
            UiEvent::LogScroll(first) => {
                self.log_first = first;
                // Scrolling away from "now" stops following it.
                let now = self.log.row_before(self.clock.cursor).unwrap_or(0);
                self.log_follow = now >= first && now < first + 40;
            }
            UiEvent::LogRow(row) => {
                if let Some(i) = self.log.event_at(row) {
                    let e = self.run.trace()[i];
                    self.clock.playing = false;
                    self.clock.seek_event(self.run.trace(), i);
                    if e.msg != msgsim_sim::NO_MSG {
                        self.select(Some(e.msg));
                    }
                }
            }
            UiEvent::Edit { path, kind, text } => {
                self.typing.remove(&path);
                self.draft.edit(&path, &kind, &text);
                self.apply_draft();
            }
            UiEvent::AddItem(list, value) => {
                self.draft.push(&list, value);
                self.apply_draft();
            }
            UiEvent::RemoveItem(list, index) => {
                self.draft.remove(&list, index);
                self.focus = None;
                self.apply_draft();
            }
            UiEvent::AddGroup(list) => {
                let template = fields::new_group(&self.draft, &list);
                if self.draft.push(&list, template) {
                    let n = match list.as_str() {
                        "producers" => Target::Producer(self.draft.scenario().producers.len() - 1),
                        "queues" => Target::Queue(self.draft.scenario().queues.len() - 1),
                        "consumers" => Target::Consumer(self.draft.scenario().consumers.len() - 1),
                        _ => Target::Link(self.draft.scenario().network.links.len() - 1),
                    };
                    self.focus = Some(n);
                    self.side = SideTab::Editor;
                }
                self.apply_draft();
            }
            UiEvent::AddLinkOverride(from, to) => {
                if self.draft.push("network.links", serde_json::json!({ "from": from, "to": to, "both_ways": true })) {
                    self.focus = Some(Target::Link(self.draft.scenario().network.links.len() - 1));
                }
                self.suggested_link = None;
                self.apply_draft();
            }
            UiEvent::Focus(t) => {
                self.focus = Some(t);
                self.side = SideTab::Editor;
            }
            UiEvent::OpenLesson(id) => self.open_lesson(id),
            UiEvent::LessonSide(after) => self.lesson_side(after),
            UiEvent::CompareLesson => self.compare_lesson(),
            UiEvent::PinForCompare => {
                let label = SideLabel::Key(crate::i18n::Key::Pinned);
                let main = SideLabel::Key(crate::i18n::Key::Current);
                self.reference = Reference::new(label, main, self.scenario.clone(), self.seed);
                self.bottom = BottomTab::Compare;
                self.compute(20_000);
            }
            UiEvent::StopCompare => {
                self.reference = None;
                if self.bottom == BottomTab::Compare {
                    self.bottom = BottomTab::Sequence;
                }
            }
            UiEvent::OpenLink(fragment) => self.open_link(&fragment),
            UiEvent::Import(name, text) => match Scenario::from_json(&text) {
                Ok(s) => {
                    self.load(s, None, DEFAULT_PRESET);
                    self.lesson = None;
                    self.notice = Some(Notice::Imported(name));
                }
                Err(problems) => self.notice = Some(Notice::ImportFailed { name, problems }),
            },
            UiEvent::SaveAs(name) => {
                let name = name.trim().to_string();
                if !name.is_empty() {
                    let entry = Saved { name: name.clone(), scenario: self.scenario.clone() };
                    match self.saved.iter_mut().find(|s| s.name == name) {
                        Some(s) => *s = entry,
                        None => self.saved.push(entry),
                    }
                    self.saved_dirty = true;
                    self.notice = Some(Notice::Saved(name));
                }
            }
            UiEvent::LoadSaved(i) => {
                if let Some(s) = self.saved.get(i).cloned() {
                    self.load(s.scenario, None, DEFAULT_PRESET);
                    self.lesson = None;
                }
            }
            UiEvent::DeleteSaved(i) => {
                if i < self.saved.len() {
                    self.saved.remove(i);
                    self.saved_dirty = true;
                }
            }
            UiEvent::RestoreSaved(raw) => match raw.as_deref().map(library::parse_saved) {
                None => {}
                Some(Ok((saved, skipped))) => {
                    self.saved = saved;
                    if skipped > 0 {
                        self.notice = Some(Notice::StorageSkipped(skipped));
                    }
                }
                Some(Err(e)) => self.notice = Some(Notice::StorageUnreadable(e)),
            },
            UiEvent::StorageFailed => self.notice = Some(Notice::StorageFull),
            UiEvent::DismissNotice => self.notice = None,
            UiEvent::SetLargeText(on) => {
                self.large_text = on;
                self.prefs_dirty = true;
            }
            UiEvent::ShowHelp(on) => self.help = on,
            UiEvent::SetLang(l) => {
                self.lang = l;
                self.prefs_dirty = true;
            }
            UiEvent::SetTheme(t) => {
                self.theme = t;
                self.prefs_dirty = true;
            }
            UiEvent::SetReducedMotion(r) => self.reduced_motion = r,
            UiEvent::SetBottomTab(t) => self.bottom = t,
            UiEvent::SetSideTab(t) => self.side = t,
        }
        self.touch();
    }

    fn select(&mut self, m: Option<MsgId>) {
        self.selected = m;
        self.life = None;
        if m.is_some() {
            self.side = SideTab::Message;
            self.refresh_life();
        }
    }

    fn refresh_life(&mut self) {
        if let Some(m) = self.selected {
            let complete = self.run.is_complete();
            self.life = message::life(self.run.sim(), self.run.trace(), m, complete);
        }
    }

    /// The group names of a node: the scenario's producer, queue or consumer
    /// group it belongs to.
    fn group_name(&self, node: msgsim_sim::NodeId) -> Option<(NodeKind, usize, String)> {
        let n = self.run.sim().topology().nodes.get(usize::from(node))?;
        let name = match n.kind {
            NodeKind::Producer => self.scenario.producers.get(n.group)?.name.clone(),
            NodeKind::Queue => self.scenario.queues.get(n.group)?.name.clone(),
            NodeKind::Consumer => self.scenario.consumers.get(n.group)?.name.clone(),
        };
        Some((n.kind, n.group, name))
    }

    fn click_topology(&mut self, x: f64, y: f64) {
        let layout = self.layout();
        // A dot first: the nearest packet within 8 px.
        let scene = self.topology_frame(&layout);
        if let Some(d) = scene
            .dots
            .iter()
            .map(|d| (((d.at.0 - x).powi(2) + (d.at.1 - y).powi(2)).sqrt(), d.msg))
            .filter(|(dist, _)| *dist <= 8.0)
            .min_by(|a, b| a.0.total_cmp(&b.0))
        {
            self.select(Some(d.1));
            return;
        }
        if let Some(node) = layout.node_at((x, y)) {
            if let Some((kind, group, _)) = self.group_name(node) {
                let target = match kind {
                    NodeKind::Producer => Target::Producer(group),
                    NodeKind::Queue => Target::Queue(group),
                    NodeKind::Consumer => Target::Consumer(group),
                };
                self.update(UiEvent::Focus(target));
            }
            return;
        }
        // A link: focus its override, or offer to add one.
        let links = self.drawn_links();
        let near = links
            .iter()
            .flat_map(|&(a, b)| [(a, b), (b, a)])
            .map(|(a, b)| {
                let (from, to) = layout.link_ends(a, b);
                (Layout::distance_to_segment((x, y), from, to), a, b)
            })
            .filter(|(d, _, _)| *d <= 6.0)
            .min_by(|a, b| a.0.total_cmp(&b.0));
        if let Some((_, a, b)) = near
            && let (Some((_, _, from)), Some((_, _, to))) = (self.group_name(a), self.group_name(b))
        {
            let links = &self.draft.scenario().network.links;
            let existing = links
                .iter()
                .position(|l| (l.from == from && l.to == to) || (l.both_ways && l.from == to && l.to == from));
            match existing {
                Some(i) => self.update(UiEvent::Focus(Target::Link(i))),
                None => {
                    self.suggested_link = Some((from, to));
                    self.update(UiEvent::Focus(Target::Network));
                }
            }
        } else {
            self.select(None);
        }
    }

    /// Computes up to `max_events` more of the run. Returns whether more remains.
    pub fn compute(&mut self, max_events: u64) -> bool {
        let reference_more = match &mut self.reference {
            Some(r) if !r.run.is_complete() => {
                let more = r.run.compute(max_events);
                self.touch();
                more
            }
            _ => false,
        };
        let mut more = false;
        if !self.run.is_complete() {
            let before = self.run.trace().len();
            more = self.run.compute(max_events);
            if self.run.trace().len() != before || !more {
                self.log.update(self.run.trace());
                if !more {
                    self.refresh_life();
                }
                self.touch();
            }
        }
        if let Some(t) = self.pending_seek
            && (self.run.horizon() >= t || self.run.is_complete())
        {
            self.clock.seek(self.run.trace(), t, self.horizon());
            self.pending_seek = None;
            self.touch();
        }
        more || reference_more
    }

    /// The latest time that can be shown (in compare mode, of either run).
    pub fn horizon(&self) -> Time {
        let r = self.reference.as_ref().map_or(0, |r| r.run.horizon());
        self.run.horizon().max(r)
    }

    /// Whether every run shown is fully computed.
    pub fn is_complete(&self) -> bool {
        self.run.is_complete() && self.reference.as_ref().is_none_or(|r| r.run.is_complete())
    }

    fn open_lesson(&mut self, id: Option<String>) {
        self.side = SideTab::Lesson;
        match id.and_then(|id| crate::lessons::get(&id)) {
            Some(l) => {
                self.lesson = Some(l.id.clone());
                self.lesson_side(false);
            }
            None => {
                self.lesson = None;
                self.lesson_after = None;
            }
        }
    }

    fn lesson_setup(&self, after: bool) -> Option<(crate::lessons::Lesson, Scenario)> {
        let lesson = crate::lessons::get(self.lesson.as_deref()?)?;
        let scenario = lesson.setup(after).scenario().ok()?;
        Some((lesson, scenario))
    }

    fn lesson_side(&mut self, after: bool) {
        let Some((lesson, scenario)) = self.lesson_setup(after) else { return };
        let setup = lesson.setup(after);
        let preset = setup.patch.is_empty().then(|| setup.preset.clone());
        let lesson_id = self.lesson.clone();
        self.load(scenario, preset, &setup.preset.clone());
        self.lesson = lesson_id;
        self.lesson_after = Some(after);
        self.side = SideTab::Lesson;
    }

    fn compare_lesson(&mut self) {
        let Some((lesson, before)) = self.lesson_setup(false) else { return };
        self.lesson_side(true);
        let label = SideLabel::Lesson(lesson.before.label.clone());
        let main = SideLabel::Lesson(lesson.after.label.clone());
        self.reference = Reference::new(label, main, before, self.seed);
        self.bottom = BottomTab::Compare;
        self.compute(20_000);
    }

    /// The share link (URL fragment, without `#`) for what is shown now.
    pub fn share_fragment(&self) -> String {
        let mut link = share::link_to(&self.base_preset, &self.scenario, self.seed);
        link.time_ms = (self.clock.time > 0).then(|| time::to_ms(self.clock.time));
        link.lesson = self.lesson.clone();
        link.after = self.lesson_after;
        share::encode(&link)
    }

    fn open_link(&mut self, fragment: &str) {
        if !share::is_link(fragment) {
            return;
        }
        let opened = share::decode(fragment).and_then(|link| Ok((share::scenario(&link)?, link)));
        match opened {
            Ok((scenario, link)) => {
                let preset = link.patch.is_empty().then(|| link.preset.clone());
                self.load(scenario, preset, &link.preset);
                self.lesson = link.lesson.filter(|id| crate::lessons::get(id).is_some());
                self.lesson_after = self.lesson.as_ref().and(link.after);
                if self.lesson.is_some() {
                    self.side = SideTab::Lesson;
                }
                if link.seed != self.seed {
                    self.seed = link.seed;
                    self.seed_text = link.seed.to_string();
                    self.restart_run();
                }
                self.pending_seek = link.time_ms.map(time::ms);
                self.compute(20_000);
            }
            Err(e) => self.notice = Some(Notice::BadLink(e)),
        }
    }

    /// Moves playback on by `wall_ms` of wall-clock time.
    pub fn advance(&mut self, wall_ms: f64) {
        if !self.clock.playing {
            return;
        }
        let before = (self.clock.time, self.clock.cursor);
        let (horizon, complete) = (self.horizon(), self.is_complete());
        self.clock.advance(self.run.trace(), wall_ms, horizon, complete);
        if (self.clock.time, self.clock.cursor) != before || !self.clock.playing {
            self.touch();
        }
    }

    /// Recomputes the latency histogram if the shown moment moved (callers
    /// throttle this: it sorts the latencies so far).
    pub fn refresh_histogram(&mut self) {
        let m = self.run.timeline().metrics_at(self.run.trace(), self.clock.cursor);
        let n = (m.counts.unique_effects as usize).min(self.run.sim().latencies().len());
        if n != self.histogram_at {
            self.histogram = Rc::new(Histogram::of(&self.run.sim().latencies()[..n]));
            self.histogram_at = n;
        }
    }

    /// The links the topology of `run` (of `scenario`) draws.
    pub fn links_of(run: &Run, scenario: &Scenario) -> Vec<(msgsim_sim::NodeId, msgsim_sim::NodeId)> {
        let topo = run.sim().topology();
        let sync: Vec<bool> = topo
            .nodes
            .iter()
            .map(|n| {
                n.kind == NodeKind::Producer
                    && scenario.producers.get(n.group).is_some_and(|p| p.send.mode == SendMode::Sync)
            })
            .collect();
        crate::render::topology::links(topo, &sync)
    }

    /// The links the topology draws.
    pub fn drawn_links(&self) -> Vec<(msgsim_sim::NodeId, msgsim_sim::NodeId)> {
        Studio::links_of(&self.run, &self.scenario)
    }

    /// The topology layout at the last drawn size.
    pub fn layout(&self) -> Layout {
        let (w, h) = self.sizes.topology;
        Layout::new(self.run.sim().topology(), w.max(200.0), h.max(150.0))
    }
}

/// Remembered preferences (the shell keeps them in the browser's storage).
#[derive(serde::Serialize, serde::Deserialize)]
struct Prefs {
    lang: String,
    theme: String,
    large_text: bool,
}

impl Studio {
    /// The preferences to remember, as JSON.
    pub fn prefs_json(&self) -> String {
        let p = Prefs {
            lang: self.lang.tag().to_string(),
            theme: if self.theme == Theme::Dark { "dark" } else { "light" }.to_string(),
            large_text: self.large_text,
        };
        serde_json::to_string(&p).unwrap_or_default()
    }

    /// Restores remembered preferences; anything unreadable is ignored.
    pub fn apply_prefs(&mut self, json: &str) {
        if let Ok(p) = serde_json::from_str::<Prefs>(json) {
            if let Some(l) = Lang::from_tag(&p.lang) {
                self.lang = l;
            }
            self.theme = if p.theme == "dark" { Theme::Dark } else { Theme::Light };
            self.large_text = p.large_text;
            self.touch();
        }
    }
}

fn fallback_run() -> Run {
    // The built-in default: used only if every preset failed to load, which
    // the tests rule out.
    let s = Scenario {
        producers: vec![Default::default()],
        queues: vec![Default::default()],
        consumers: vec![Default::default()],
        ..Default::default()
    };
    Run::new(&s, 1).unwrap_or_else(|_| unreachable!("the default scenario is valid"))
}
