//! View models and scenes built from the [`Studio`].

use std::rc::Rc;

use msgsim_sim::{Counts, EventKind, MsgId, NO_MSG, NO_NODE, Report, Time, TraceEvent, Verdict, time};

use super::fields::{Section, Target, sections, shown_paths};
use super::log::LogFilter;
use super::message::Life;
use super::{BottomTab, Notice, SideTab, Studio};
use crate::i18n::{Key, Lang, t, tf};
use crate::render::charts::{ChartWords, ChartsScene};
use crate::render::layout::Layout;
use crate::render::palette::{Palette, Theme};
use crate::render::sequence::SequenceScene;
use crate::render::topology::{Dot, Mark, TopologyWords, dots, marks};

/// The toolbar.
#[derive(Clone, Debug, PartialEq)]
pub struct ControlsView {
    /// `(id, name)` of every preset.
    pub presets: Rc<Vec<(String, String)>>,
    /// The loaded preset.
    pub preset: Option<String>,
    /// Playing.
    pub playing: bool,
    /// Speed.
    pub speed: f64,
    /// Seed field text.
    pub seed_text: String,
    /// The seed field does not hold a valid seed.
    pub seed_error: bool,
    /// Language.
    pub lang: Lang,
    /// Theme.
    pub theme: Theme,
    /// Compare mode is on.
    pub comparing: bool,
    /// Large text.
    pub large_text: bool,
}

/// The timeline bar.
#[derive(Clone, Debug, PartialEq)]
pub struct TimeView {
    /// Now, µs.
    pub time: Time,
    /// End of what can be shown, µs.
    pub horizon: Time,
    /// The run is fully computed.
    pub complete: bool,
    /// Events shown / recorded.
    pub cursor: usize,
    /// Events recorded.
    pub events: usize,
    /// The trace hit its cap.
    pub truncated: bool,
    /// Language.
    pub lang: Lang,
}

/// The counters and the verdict.
#[derive(Clone, Debug, PartialEq)]
pub struct CountersView {
    /// Counters at the shown moment.
    pub counts: Counts,
    /// Messages on links now.
    pub in_flight: u64,
    /// Ready messages in queues now.
    pub queue_depth: u64,
    /// Messages the scenario will produce.
    pub total: u64,
    /// The final report, once computed.
    pub report: Option<Rc<Report>>,
    /// One plain sentence on the verdict.
    pub sentence: String,
    /// Language.
    pub lang: Lang,
}

/// One row of the event log.
#[derive(Clone, Debug, PartialEq)]
pub struct LogRow {
    /// Row number.
    pub row: usize,
    /// Time, ms.
    pub time_ms: f64,
    /// Kind.
    pub kind: EventKind,
    /// Translated kind.
    pub kind_text: String,
    /// Where.
    pub node: String,
    /// The other end.
    pub peer: String,
    /// The message.
    pub msg: Option<MsgId>,
    /// Details (attempt, copy, packet, cause).
    pub detail: String,
    /// After the shown moment.
    pub future: bool,
    /// The shown moment's last event.
    pub now: bool,
    /// About the selected message.
    pub selected: bool,
    /// Something went wrong or was repaired.
    pub fault: bool,
}

/// The event log.
#[derive(Clone, Debug, PartialEq)]
pub struct LogView {
    /// Visible rows.
    pub rows: Vec<LogRow>,
    /// First visible row.
    pub first: usize,
    /// Rows in all.
    pub total: usize,
    /// Row of "now".
    pub now_row: Option<usize>,
    /// Keep "now" in view.
    pub follow: bool,
    /// Filter.
    pub filter: LogFilter,
    /// Message-id field text.
    pub msg_text: String,
    /// Node names.
    pub nodes: Rc<Vec<String>>,
    /// Language.
    pub lang: Lang,
}

/// The editor.
#[derive(Clone, Debug, PartialEq)]
pub struct EditorView {
    /// Sections.
    pub sections: Rc<Vec<Section>>,
    /// The draft (texts and errors).
    pub draft: Rc<super::draft::Draft>,
    /// Text being typed, by path.
    pub typing: Rc<std::collections::BTreeMap<String, String>>,
    /// Section to scroll to.
    pub focus: Option<Target>,
    /// A link clicked that has no override.
    pub suggested_link: Option<(String, String)>,
    /// Problems with no field of their own.
    pub general: Vec<msgsim_sim::Problem>,
    /// The draft runs.
    pub runnable: bool,
    /// Language.
    pub lang: Lang,
}

/// One line of a message's life.
#[derive(Clone, Debug, PartialEq)]
pub struct LifeRow {
    /// Trace index.
    pub index: usize,
    /// Time, ms.
    pub time_ms: f64,
    /// What happened, in words.
    pub text: String,
    /// Something went wrong here.
    pub fault: bool,
    /// After the shown moment.
    pub future: bool,
}

/// The message card.
#[derive(Clone, Debug, PartialEq)]
pub struct MessageView {
    /// The message.
    pub msg: MsgId,
    /// Its key.
    pub key: u32,
    /// Its events.
    pub rows: Vec<LifeRow>,
    /// Its outcome, in words.
    pub outcome: Option<String>,
    /// The outcome is wrong (applied twice, or never).
    pub outcome_bad: bool,
    /// Language.
    pub lang: Lang,
}

/// Rows the log renders beyond the visible ones.
pub const LOG_WINDOW: usize = 60;

/// The topology's dots and marks for one frame.
pub struct TopologyFrame {
    /// Packets in flight.
    pub dots: Vec<Dot>,
    /// Recent happenings.
    pub marks: Vec<Mark>,
    /// The state at the shown moment.
    pub metrics: msgsim_sim::Metrics,
}

fn kind_key(k: EventKind) -> Key {
    use EventKind::*;
    match k {
        Produce => Key::EvProduce,
        Send => Key::EvSend,
        Duplicate => Key::EvDuplicate,
        Lost => Key::EvLost,
        Arrive => Key::EvArrive,
        Enqueue => Key::EvEnqueue,
        Reject => Key::EvReject,
        Evict => Key::EvEvict,
        Requeue => Key::EvRequeue,
        DeadLetter => Key::EvDeadLetter,
        ProcessStart => Key::EvProcessStart,
        Effect => Key::EvEffect,
        DedupHit => Key::EvDedupHit,
        ProcessFail => Key::EvProcessFail,
        Confirm => Key::EvConfirm,
        Nack => Key::EvNack,
        Timeout => Key::EvTimeout,
        Backoff => Key::EvBackoff,
        GiveUp => Key::EvGiveUp,
        Stale => Key::EvStale,
        Discard => Key::EvDiscard,
        Crash => Key::EvCrash,
        Restart => Key::EvRestart,
    }
}

/// The translated name of an event kind.
pub fn kind_text(lang: Lang, k: EventKind) -> &'static str {
    t(lang, kind_key(k))
}

fn is_fault(e: &TraceEvent) -> bool {
    super::log::KindFilter::Faults.accepts(e)
}

/// Attempt, copy, packet and cause of an event, in words.
fn detail(lang: Lang, e: &TraceEvent) -> String {
    let mut parts: Vec<String> = Vec::new();
    if e.packet != msgsim_sim::PacketKind::None {
        parts.push(e.packet.name().to_string());
    }
    if e.attempt > 1 {
        parts.push(tf(lang, Key::AttemptN, &[&e.attempt]));
    }
    if e.copy > 0 {
        parts.push(tf(lang, Key::CopyN, &[&e.copy]));
    }
    if e.delivery > 1 {
        parts.push(tf(lang, Key::DeliveryN, &[&e.delivery]));
    }
    if e.cause != msgsim_sim::Cause::None {
        parts.push(e.cause.name().replace('_', " "));
    }
    parts.join(" · ")
}

impl Studio {
    fn words_topology(&self) -> TopologyWords {
        let l = self.lang;
        TopologyWords {
            kinds: [t(l, Key::Producer).into(), t(l, Key::Queue).into(), t(l, Key::Consumer).into()],
            dead_letters: t(l, Key::DeadLetterShort).into(),
            down: t(l, Key::Down).into(),
            dedup: t(l, Key::DedupShort).into(),
            legend: [
                t(l, Key::LegendMessage).into(),
                t(l, Key::LegendRetry).into(),
                t(l, Key::LegendCopy).into(),
                t(l, Key::LegendAck).into(),
                t(l, Key::LegendNack).into(),
                t(l, Key::LegendLost).into(),
            ],
        }
    }

    /// The colours of the current theme.
    pub fn palette(&self) -> Palette {
        Palette::of(self.theme)
    }

    /// Dots, marks and state for the topology at the shown moment.
    pub fn topology_frame(&self, layout: &Layout) -> TopologyFrame {
        self.topology_frame_of(&self.run, self.clock.cursor, layout)
    }

    /// As [`topology_frame`](Self::topology_frame), for any run.
    fn topology_frame_of(&self, run: &super::run::Run, cursor: usize, layout: &Layout) -> TopologyFrame {
        let trace = run.trace();
        let tl = run.timeline();
        let cursor = cursor.min(trace.len());
        let open = tl.open_at(trace, cursor);
        // Marks last about 0.7 s of wall-clock time at the current speed.
        let window = ((0.7e6 * self.clock.speed) as Time).max(1);
        let mut m = marks(trace, cursor, layout, self.clock.time, window, 3_000);
        if self.reduced_motion {
            m.iter_mut().for_each(|m| m.age = 0.0);
        }
        TopologyFrame {
            dots: dots(trace, tl, &open, layout, self.clock.time),
            marks: m,
            metrics: tl.metrics_at(trace, cursor),
        }
    }

    /// Draws the topology with `painter` (whose size is remembered for clicks).
    pub fn draw_topology(&mut self, painter: &mut dyn crate::render::Painter) {
        self.sizes.topology = painter.size();
        self.draw_topology_of(&self.run, &self.scenario, self.clock.cursor, painter);
    }

    /// Draws the reference run's topology (compare mode) at the shown time.
    pub fn draw_reference(&self, painter: &mut dyn crate::render::Painter) {
        if let Some(r) = &self.reference {
            let cursor = r.run.timeline().position_at(r.run.trace(), self.clock.time);
            self.draw_topology_of(&r.run, &r.scenario, cursor, painter);
        }
    }

    fn draw_topology_of(
        &self,
        run: &super::run::Run,
        scenario: &msgsim_sim::Scenario,
        cursor: usize,
        painter: &mut dyn crate::render::Painter,
    ) {
        let (w, h) = painter.size();
        let layout = Layout::new(run.sim().topology(), w.max(200.0), h.max(150.0));
        let frame = self.topology_frame_of(run, cursor, &layout);
        let topo = run.sim().topology();
        let capacity: Vec<Option<u32>> = topo
            .nodes
            .iter()
            .map(|n| match n.kind {
                msgsim_sim::NodeKind::Queue => scenario.queues.get(n.group).and_then(|q| q.capacity),
                _ => None,
            })
            .collect();
        let concurrency: Vec<u32> = topo
            .nodes
            .iter()
            .map(|n| match n.kind {
                msgsim_sim::NodeKind::Consumer => scenario.consumers.get(n.group).map_or(1, |c| c.concurrency),
                _ => 0,
            })
            .collect();
        let words = self.words_topology();
        let links = Studio::links_of(run, scenario);
        let scene = crate::render::topology::TopologyScene {
            topology: topo,
            layout: &layout,
            palette: self.palette(),
            metrics: &frame.metrics,
            capacity: &capacity,
            concurrency: &concurrency,
            links: &links,
            dots: &frame.dots,
            marks: &frame.marks,
            selected: self.selected,
            words: &words,
        };
        crate::render::topology::draw(&scene, painter);
    }

    /// The sequence diagram's scene.
    pub fn sequence_scene(&self) -> SequenceScene<'_> {
        SequenceScene {
            topology: self.run.sim().topology(),
            trace: self.run.trace(),
            timeline: self.run.timeline(),
            cursor: self.clock.cursor,
            time: self.clock.time,
            span: self.sequence_span,
            palette: self.palette(),
            selected: self.selected,
        }
    }

    /// Draws the sequence diagram.
    pub fn draw_sequence(&mut self, painter: &mut dyn crate::render::Painter) {
        self.sizes.sequence = painter.size();
        crate::render::sequence::draw(&self.sequence_scene(), painter);
    }

    /// Draws the charts.
    pub fn draw_charts(&self, painter: &mut dyn crate::render::Painter) {
        let l = self.lang;
        let words = ChartWords {
            titles: [
                t(l, Key::ChartQueueDepth).into(),
                t(l, Key::ChartInFlight).into(),
                t(l, Key::ChartDeliveredRate).into(),
                t(l, Key::ChartLostDup).into(),
                t(l, Key::ChartApplied).into(),
                t(l, Key::ChartLatency).into(),
            ],
            series: [t(l, Key::SeriesLost).into(), t(l, Key::SeriesDuplicateEffects).into()],
            empty: t(l, Key::NoDataYet).into(),
        };
        let scene = ChartsScene {
            samples: self.run.timeline().samples(),
            horizon: self.horizon(),
            time: self.clock.time,
            histogram: &self.histogram,
            palette: self.palette(),
            words: &words,
        };
        crate::render::charts::draw(&scene, painter);
    }

    /// The toolbar's view.
    pub fn controls_view(&self) -> ControlsView {
        ControlsView {
            presets: Rc::new(
                msgsim_sim::presets::all()
                    .into_iter()
                    .map(|p| {
                        let (name, _) = crate::i18n::preset_text(self.lang, p.id, &p.scenario.name, "");
                        (p.id.to_string(), name)
                    })
                    .collect(),
            ),
            preset: self.preset.clone(),
            playing: self.clock.playing,
            speed: self.clock.speed,
            seed_text: self.typing.get("seed").unwrap_or(&self.seed_text).clone(),
            seed_error: self.seed_text.trim().parse::<u64>().is_err(),
            lang: self.lang,
            theme: self.theme,
            comparing: self.reference.is_some(),
            large_text: self.large_text,
        }
    }

    /// The timeline's view.
    pub fn time_view(&self) -> TimeView {
        TimeView {
            time: self.clock.time,
            horizon: self.horizon(),
            complete: self.is_complete(),
            cursor: self.clock.cursor,
            events: self.run.trace().len(),
            truncated: self.run.truncated(),
            lang: self.lang,
        }
    }

    /// The counters' view.
    pub fn counters_view(&self) -> CountersView {
        let m = self.run.timeline().metrics_at(self.run.trace(), self.clock.cursor);
        let report = self.run.final_report().cloned().map(Rc::new);
        let sentence = match &report {
            Some(r) => verdict_sentence(self.lang, r),
            None => t(self.lang, Key::Computing).to_string(),
        };
        CountersView {
            counts: m.counts,
            in_flight: m.messages_in_flight,
            queue_depth: m.total_depth,
            total: self.scenario.total_messages(),
            report,
            sentence,
            lang: self.lang,
        }
    }

    /// The log's view: the visible rows around `first`.
    pub fn log_view(&self) -> LogView {
        let trace = self.run.trace();
        let names = self.run.sim().topology().names();
        let now_row = self.log.row_before(self.clock.cursor);
        let total = self.log.len();
        let first =
            if self.log_follow { now_row.map_or(0, |r| r.saturating_sub(LOG_WINDOW / 3)) } else { self.log_first }
                .min(total.saturating_sub(1));
        let name =
            |n: u16| if n == NO_NODE { String::new() } else { names.get(usize::from(n)).cloned().unwrap_or_default() };
        let rows = (first..(first + LOG_WINDOW).min(total))
            .filter_map(|row| {
                let i = self.log.event_at(row)?;
                let e = &trace[i];
                Some(LogRow {
                    row,
                    time_ms: time::to_ms(e.time),
                    kind: e.kind,
                    kind_text: kind_text(self.lang, e.kind).to_string(),
                    node: name(e.node),
                    peer: name(e.peer),
                    msg: (e.msg != NO_MSG).then_some(e.msg),
                    detail: detail(self.lang, e),
                    future: i >= self.clock.cursor,
                    now: Some(row) == now_row,
                    selected: self.selected.is_some_and(|m| m == e.msg),
                    fault: is_fault(e),
                })
            })
            .collect();
        LogView {
            rows,
            first,
            total,
            now_row,
            follow: self.log_follow,
            filter: self.log.filter,
            msg_text: self.typing.get("log-msg").unwrap_or(&self.log_msg_text).clone(),
            nodes: Rc::new(names),
            lang: self.lang,
        }
    }

    /// The editor's view.
    pub fn editor_view(&self) -> EditorView {
        let secs = sections(&self.draft);
        let shown = shown_paths(&secs);
        let general = self.draft.problems().iter().filter(|p| !shown.contains(&p.path)).cloned().collect();
        EditorView {
            sections: Rc::new(secs),
            draft: Rc::new(self.draft.clone()),
            typing: Rc::new(self.typing.clone()),
            focus: self.focus,
            suggested_link: self.suggested_link.clone(),
            general,
            runnable: self.draft.is_runnable(),
            lang: self.lang,
        }
    }

    /// The message card's view, if a message is selected.
    pub fn message_view(&self) -> Option<MessageView> {
        let life: &Life = self.life.as_ref()?;
        let trace = self.run.trace();
        let names = self.run.sim().topology().names();
        let name = |n: u16| names.get(usize::from(n)).cloned().unwrap_or_default();
        let l = self.lang;
        let rows = life
            .events
            .iter()
            .map(|&i| {
                let e = &trace[i as usize];
                let place = if e.peer != NO_NODE {
                    format!(
                        "{} → {}",
                        name(if e.kind == EventKind::Arrive { e.peer } else { e.node }),
                        name(if e.kind == EventKind::Arrive { e.node } else { e.peer })
                    )
                } else {
                    name(e.node)
                };
                let d = detail(l, e);
                LifeRow {
                    index: i as usize,
                    time_ms: time::to_ms(e.time),
                    text: if d.is_empty() {
                        format!("{} · {place}", kind_text(l, e.kind))
                    } else {
                        format!("{} · {place} · {d}", kind_text(l, e.kind))
                    },
                    fault: is_fault(e),
                    future: (i as usize) >= self.clock.cursor,
                }
            })
            .collect();
        let (outcome, bad) = match life.outcome {
            None => (None, false),
            Some(o) => {
                let text = match (o.effects, o.status) {
                    (1, _) => t(l, Key::OutcomeOnce).to_string(),
                    (n, _) if n > 1 => tf(l, Key::OutcomeTimes, &[&n]),
                    (_, msgsim_sim::MsgStatus::DeadLettered) => t(l, Key::OutcomeDeadLettered).to_string(),
                    (_, msgsim_sim::MsgStatus::Rejected) => t(l, Key::OutcomeRejected).to_string(),
                    (_, msgsim_sim::MsgStatus::Lost) => t(l, Key::OutcomeLost).to_string(),
                    _ => t(l, Key::OutcomeStuck).to_string(),
                };
                (Some(text), o.effects != 1)
            }
        };
        Some(MessageView { msg: life.msg, key: life.key, rows, outcome, outcome_bad: bad, lang: l })
    }

    /// Which tabs show.
    pub fn tabs(&self) -> (BottomTab, SideTab) {
        (self.bottom, self.side)
    }
}

/// One plain sentence saying why the verdict is what it is.
pub fn verdict_sentence(lang: Lang, r: &Report) -> String {
    let lost_parts = || {
        let mut parts = Vec::new();
        let lost = r.status.lost;
        if lost > 0 {
            parts.push(tf(lang, Key::PartLost, &[&lost]));
        }
        if r.status.dead_lettered > 0 {
            parts.push(tf(lang, Key::PartDeadLettered, &[&r.status.dead_lettered]));
        }
        if r.status.rejected > 0 {
            parts.push(tf(lang, Key::PartRejected, &[&r.status.rejected]));
        }
        let stuck = r.status.unsettled();
        if stuck > 0 {
            parts.push(tf(lang, Key::PartStuck, &[&stuck]));
        }
        parts.join(", ")
    };
    match r.verdict {
        Verdict::Correct => tf(lang, Key::SentenceCorrect, &[&r.produced]),
        Verdict::Duplicates => tf(lang, Key::SentenceDuplicates, &[&r.duplicate_effects, &r.produced]),
        Verdict::Losses => tf(lang, Key::SentenceLosses, &[&r.never_applied, &r.produced, &lost_parts()]),
        Verdict::DuplicatesAndLosses => {
            tf(lang, Key::SentenceBoth, &[&r.duplicate_effects, &r.never_applied, &r.produced, &lost_parts()])
        }
        Verdict::Incomplete => tf(lang, Key::SentenceIncomplete, &[&r.status.unsettled(), &r.sim_time_ms]),
    }
}

/// The lesson panel.
#[derive(Clone, Debug, PartialEq)]
pub struct LessonView {
    /// `(id, title)` of every lesson.
    pub list: Rc<Vec<(String, String)>>,
    /// The open lesson.
    pub open: Option<LessonDetail>,
    /// Language.
    pub lang: Lang,
}

/// An open lesson.
#[derive(Clone, Debug, PartialEq)]
pub struct LessonDetail {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Explanation.
    pub explain: String,
    /// What to watch.
    pub watch: String,
    /// Question for the class.
    pub question: String,
    /// Label of the "before" setup.
    pub before: String,
    /// Label of the "after" setup.
    pub after: String,
    /// Which is loaded (`true`: after), if either.
    pub side: Option<bool>,
    /// What changes from before to after: `(path, before, after)`.
    pub changes: Vec<(String, String, String)>,
    /// Before and after are shown side by side.
    pub comparing: bool,
}

/// The comparison panel (compare mode).
#[derive(Clone, Debug, PartialEq)]
pub struct CompareView {
    /// The reference side's name.
    pub before: String,
    /// The main side's name.
    pub after: String,
    /// The rows, once both runs are computed.
    pub rows: Option<Vec<super::compare::CompareRow>>,
    /// Language.
    pub lang: Lang,
}

/// The files panel.
#[derive(Clone, Debug, PartialEq)]
pub struct FilesView {
    /// Names of the saved scenarios.
    pub saved: Vec<String>,
    /// The run is complete (its trace can be exported).
    pub complete: bool,
    /// Language.
    pub lang: Lang,
}

/// The notice banner.
#[derive(Clone, Debug, PartialEq)]
pub struct NoticeView {
    /// The headline.
    pub title: String,
    /// Details, one per line.
    pub lines: Vec<String>,
    /// Bad news (an error) rather than a confirmation.
    pub bad: bool,
}

impl Studio {
    /// The lesson panel's view.
    pub fn lesson_view(&self) -> LessonView {
        let l = self.lang;
        let open = self.lesson.as_deref().and_then(crate::lessons::get).map(|lesson| {
            let before = lesson.before.scenario().map(|s| s.to_value()).unwrap_or_default();
            let changes = lesson
                .key_changes()
                .into_iter()
                .map(|(path, after)| {
                    let was = super::path::get(&before, &path).map(|v| v.to_string()).unwrap_or_default();
                    (path, was, after)
                })
                .collect();
            LessonDetail {
                id: lesson.id.clone(),
                title: lesson.title.get(l).to_string(),
                explain: lesson.explain.get(l).to_string(),
                watch: lesson.watch.get(l).to_string(),
                question: lesson.question.get(l).to_string(),
                before: lesson.before.label.get(l).to_string(),
                after: lesson.after.label.get(l).to_string(),
                side: self.lesson_after,
                changes,
                comparing: self.reference.is_some(),
            }
        });
        LessonView { list: Rc::new(crate::lessons::titles(l)), open, lang: l }
    }

    /// The comparison's view, in compare mode.
    pub fn compare_view(&self) -> Option<CompareView> {
        let r = self.reference.as_ref()?;
        let rows = match (r.run.final_report(), self.run.final_report()) {
            (Some(a), Some(b)) => Some(super::compare::rows(a, b)),
            _ => None,
        };
        Some(CompareView {
            before: r.label.text(self.lang),
            after: r.main_label.text(self.lang),
            rows,
            lang: self.lang,
        })
    }

    /// The files panel's view.
    pub fn files_view(&self) -> FilesView {
        FilesView {
            saved: self.saved.iter().map(|s| s.name.clone()).collect(),
            complete: self.run.is_complete(),
            lang: self.lang,
        }
    }

    /// The notice's view.
    pub fn notice_view(&self) -> Option<NoticeView> {
        use super::share::LinkError;
        let l = self.lang;
        let n = self.notice.as_ref()?;
        let plain = |k: Key, bad| NoticeView { title: t(l, k).to_string(), lines: vec![], bad };
        Some(match n {
            Notice::BadLink(e) => NoticeView {
                title: t(l, Key::LinkFailed).to_string(),
                lines: vec![match e {
                    LinkError::FutureVersion(v) => tf(l, Key::LinkNewer, &[v]),
                    LinkError::Damaged(part) => tf(l, Key::LinkDamaged, &[part]),
                    LinkError::UnknownPreset(p) => tf(l, Key::LinkUnknownPreset, &[p]),
                    LinkError::Invalid(ps) => {
                        ps.iter().map(|p| crate::i18n::problem_line(l, p)).collect::<Vec<_>>().join("; ")
                    }
                }],
                bad: true,
            },
            Notice::ImportFailed { name, problems } => NoticeView {
                title: tf(l, Key::ImportFailed, &[name]),
                lines: problems.iter().map(|p| crate::i18n::problem_line(l, p)).collect(),
                bad: true,
            },
            Notice::Imported(name) => NoticeView { title: tf(l, Key::Imported, &[name]), lines: vec![], bad: false },
            Notice::Saved(name) => NoticeView { title: tf(l, Key::SavedAs, &[name]), lines: vec![], bad: false },
            Notice::StorageFull => plain(Key::StorageFull, true),
            Notice::StorageUnreadable(e) => NoticeView {
                title: t(l, Key::StorageUnreadable).to_string(),
                lines: vec![match e {
                    super::library::StoreError::Corrupt => t(l, Key::StorageCorrupt).to_string(),
                    super::library::StoreError::Newer(v) => tf(l, Key::StorageNewer, &[v]),
                }],
                bad: true,
            },
            Notice::StorageSkipped(n) => {
                NoticeView { title: tf(l, Key::StorageSkipped, &[n]), lines: vec![], bad: true }
            }
        })
    }

    /// The scenario as a file: `(file name, JSON)`.
    pub fn export_scenario(&self) -> (String, String) {
        (format!("{}.json", super::library::file_stem(&self.scenario.name, self.seed)), self.scenario.to_json())
    }

    /// The trace as a file, `(file name, pieces)`, once the run is complete.
    pub fn export_trace(&self, csv: bool) -> Option<(String, Vec<String>)> {
        self.run.is_complete().then(|| {
            let names = self.run.sim().topology().names();
            let ext = if csv { "csv" } else { "jsonl" };
            let stem = super::library::file_stem(&self.scenario.name, self.seed);
            (format!("{stem}-trace.{ext}"), super::library::trace_chunks(self.run.trace(), &names, csv))
        })
    }

    /// A diagram as SVG, `(file name, document)`, at the given size.
    pub fn export_svg(&mut self, diagram: BottomTab, topology: bool, size: (f64, f64)) -> (String, String) {
        let mut p = crate::render::svg::SvgPainter::new(size);
        let kind = if topology {
            let keep = self.sizes.topology;
            self.draw_topology(&mut p);
            self.sizes.topology = keep;
            "topology"
        } else if diagram == BottomTab::Charts {
            self.refresh_histogram();
            self.draw_charts(&mut p);
            "charts"
        } else {
            let keep = self.sizes.sequence;
            self.draw_sequence(&mut p);
            self.sizes.sequence = keep;
            "sequence"
        };
        (format!("{}-{kind}.svg", super::library::file_stem(&self.scenario.name, self.seed)), p.finish())
    }
}
