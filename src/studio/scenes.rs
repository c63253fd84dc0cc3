//! Drawing and hit-testing. Every picture is a pure function of the studio's
//! state and the painter's size, and a click is hit-tested against the layout
//! for the size the canvas has when clicked — nothing is remembered from the
//! last draw, so exporting a picture at another size changes nothing on screen.

use std::rc::Rc;

use msgsim_sim::{Metrics, Time};

use super::Cmd;
use super::Studio;
use super::effect::Diagram;
use super::run::Run;
use crate::i18n::{Key, t};
use crate::render::Painter;
use crate::render::charts::{ChartWords, ChartsScene, Histogram};
use crate::render::layout::Layout;
use crate::render::palette::Palette;
use crate::render::partitions::{PartitionWords, PartitionsScene};
use crate::render::sequence::SequenceScene;
use crate::render::topology::{Dot, Mark, TopologyScene, TopologyWords, dots, marks};

/// A canvas the user can click.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Canvas {
    /// The topology.
    Topology,
    /// The sequence diagram.
    Sequence,
}

/// A click on a canvas: where, in CSS px, and the canvas's size then.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Click {
    /// Which canvas.
    pub canvas: Canvas,
    /// Where, from its top-left corner.
    pub at: (f64, f64),
    /// Its size.
    pub size: (f64, f64),
}

/// The topology's moving parts at the moment shown.
pub struct TopologyFrame {
    /// Packets in flight.
    pub dots: Vec<Dot>,
    /// Recent happenings, fading.
    pub marks: Vec<Mark>,
    /// Levels and counters at that moment.
    pub metrics: Metrics,
}

/// Radius around a dot that counts as clicking it, px.
const DOT_HIT: f64 = 8.0;
/// Distance from a link that counts as clicking it, px.
const LINK_HIT: f64 = 6.0;

impl Studio {
    /// Draws `diagram` with `painter`, at the painter's size.
    pub fn draw(&self, diagram: Diagram, painter: &mut dyn Painter) {
        let s = &self.session;
        match diagram {
            Diagram::Topology => self.draw_topology_of(&s.run, self.playback.clock.cursor, painter),
            Diagram::Reference => {
                if let Some(r) = &s.reference {
                    let cursor = r.run.timeline().position_at(r.run.trace(), self.playback.clock.time);
                    self.draw_topology_of(&r.run, cursor, painter);
                }
            }
            Diagram::Sequence => crate::render::sequence::draw(&self.sequence_scene(), painter),
            Diagram::Charts => self.draw_charts(painter),
            Diagram::Partitions => {
                crate::render::partitions::draw(&self.partitions_scene(&self.partition_parts()), painter)
            }
            Diagram::Slide => self.draw_slide(painter),
        }
    }

    /// A slide: title, setup, the moment shown, the verdict (unless a lesson
    /// still hides it) and the topology below.
    fn draw_slide(&self, p: &mut dyn Painter) {
        use crate::render::painter::{Inset, fit};
        use crate::render::{Align, Text};
        let pal = self.palette();
        let (w, h) = p.size();
        let l = self.present.lang;
        p.clear(pal.background);
        let lesson = self.lesson.open.as_deref().and_then(crate::lessons::get);
        // A preset as is has a translated name; anything else, its own.
        let preset = self.session.preset.as_deref().and_then(msgsim_sim::presets::get);
        let name = match preset {
            Some(x) => crate::i18n::preset_name(l, x.id, &x.scenario.name),
            None => self.session.scenario.name.clone(),
        };
        let (title, subtitle) = match lesson {
            Some(x) => {
                let setup = self.lesson.side.and_then(|i| x.setups.get(i)).map(|s| s.label.get(l).to_string());
                (x.title.get(l).to_string(), setup.unwrap_or(name))
            }
            None => (name, String::new()),
        };
        let text = |size, color, bold| Text { size, color, align: Align::Left, bold };
        // Sizes before the text scale; fitting uses the drawn size.
        let k = self.present.text_scale();
        let width = w - 96.0;
        let mut line = |y: f64, words: &str, size: f64, color, bold| {
            p.text((48.0, y), &fit(words, width, size * k), text(size, color, bold));
        };
        line(56.0, &title, 36.0, pal.ink, true);
        line(100.0, &subtitle, 22.0, pal.muted, false);
        let clock = &self.playback.clock;
        let (at, events) = (format!("{:.1}", msgsim_sim::time::to_ms(clock.time)), self.session.run.trace().len());
        line(136.0, &crate::i18n::tf(l, Key::SlideMoment, &[&at, &clock.cursor, &events]), 18.0, pal.muted, false);
        let report = self.session.run.final_report().filter(|_| !self.outcome_hidden());
        let (verdict, sentence, color) = match report {
            Some(r) => {
                let good = r.verdict == msgsim_sim::Verdict::Correct;
                let head = crate::studio::view::verdict_text(l, r.verdict).to_string();
                (head, crate::studio::view::verdict_sentence(l, r), if good { pal.ok } else { pal.bad })
            }
            None if self.outcome_hidden() => (t(l, Key::HiddenUntilEnd).to_string(), String::new(), pal.muted),
            None => (t(l, Key::Computing).to_string(), String::new(), pal.muted),
        };
        line(176.0, &verdict, 24.0, color, true);
        line(208.0, &sentence, 17.0, pal.ink, false);
        let top = 232.0;
        let mut inset = Inset { inner: p, at: (32.0, top), size: (w - 64.0, (h - top - 24.0).max(150.0)) };
        let s = &self.session;
        self.draw_topology_of(&s.run, self.playback.clock.cursor, &mut inset);
    }

    /// The colours of the current theme.
    pub fn palette(&self) -> Palette {
        Palette::of(self.present.theme)
    }

    /// The topology's layout on a canvas of `size` CSS px.
    pub fn layout(&self, size: (f64, f64)) -> Layout {
        Layout::new(self.session.run.sim().topology(), size.0.max(200.0), size.1.max(150.0), self.present.text_scale())
    }

    /// Dots, marks and state of the main run's topology at the moment shown.
    pub fn topology_frame(&self, layout: &Layout) -> TopologyFrame {
        self.topology_frame_of(&self.session.run, self.playback.clock.cursor, layout)
    }

    fn topology_frame_of(&self, run: &Run, cursor: usize, layout: &Layout) -> TopologyFrame {
        let trace = run.trace();
        let tl = run.timeline();
        let cursor = cursor.min(trace.len());
        let clock = &self.playback.clock;
        let open = tl.open_at(trace, cursor);
        // Marks last about 0.7 s of wall-clock time at the current speed.
        let window = ((0.7e6 * clock.speed) as Time).max(1);
        let mut m = marks(trace, cursor, layout, clock.time, window, 3_000);
        if self.present.reduced_motion {
            m.iter_mut().for_each(|m| m.age = 0.0);
        }
        TopologyFrame {
            dots: dots(trace, tl, &open, layout, clock.time),
            marks: m,
            metrics: tl.metrics_at(trace, cursor),
        }
    }

    fn topology_words(&self) -> TopologyWords {
        let l = self.present.lang;
        TopologyWords {
            columns: [
                t(l, Key::Producers).into(),
                t(l, Key::Queues).into(),
                t(l, Key::Consumers).into(),
                t(l, Key::Exchanges).into(),
                // Two-phase commit's services are its participants.
                t(
                    l,
                    if self.session.scenario.coordinates_by(msgsim_sim::Protocol::TwoPhaseCommit) {
                        Key::Participants
                    } else {
                        Key::SagaSteps
                    },
                )
                .into(),
            ],
            dead_letters: t(l, Key::DeadLetterShort).into(),
            down: t(l, Key::Down).into(),
            dedup: t(l, Key::DedupShort).into(),
            out_of_order: t(l, Key::OutOfOrderShort).into(),
            event_lost: t(l, Key::EventLostShort).into(),
            phantom: t(l, Key::PhantomShort).into(),
            held: t(l, Key::HeldShort).into(),
            undo: t(l, Key::UndoShort).into(),
            lost_update: t(l, Key::LostUpdateShort).into(),
            buffer: t(l, Key::BufferOf).into(),
            backlog: t(l, Key::BacklogOf).into(),
            partitions: t(l, Key::PartitionsOf).into(),
            step: t(l, Key::StepOf).into(),
            legend: [
                t(l, Key::LegendMessage).into(),
                t(l, Key::LegendRetry).into(),
                t(l, Key::LegendCopy).into(),
                t(l, Key::LegendAck).into(),
                t(l, Key::LegendNack).into(),
                t(l, Key::LegendLost).into(),
                t(l, Key::LegendRejected).into(),
            ],
        }
    }

    fn draw_topology_of(&self, run: &Run, cursor: usize, painter: &mut dyn Painter) {
        let (w, h) = painter.size();
        let layout = Layout::new(run.sim().topology(), w.max(200.0), h.max(150.0), self.present.text_scale());
        let frame = self.topology_frame_of(run, cursor, &layout);
        let topo = run.sim().topology();
        let words = self.topology_words();
        let scene = TopologyScene {
            topology: topo,
            layout: &layout,
            palette: self.palette(),
            metrics: &frame.metrics,
            dots: &frame.dots,
            marks: &frame.marks,
            selected: self.selection.msg,
            words: &words,
            look: self.present.look(),
        };
        crate::render::topology::draw(&scene, painter);
    }

    /// The sequence diagram's scene.
    pub fn sequence_scene(&self) -> SequenceScene<'_> {
        let run = &self.session.run;
        SequenceScene {
            topology: run.sim().topology(),
            trace: run.trace(),
            timeline: run.timeline(),
            cursor: self.playback.clock.cursor,
            time: self.playback.clock.time,
            span: self.present.sequence_span,
            palette: self.palette(),
            selected: self.selection.msg,
            look: self.present.look(),
        }
    }

    fn draw_charts(&self, painter: &mut dyn Painter) {
        let l = self.present.lang;
        let words = ChartWords {
            titles: [
                t(l, Key::ChartLevels).into(),
                t(l, Key::ChartDeliveredRate).into(),
                t(l, Key::ChartLostDup).into(),
                t(l, Key::ChartApplied).into(),
                t(l, Key::ChartRetryWaves).into(),
                t(l, Key::ChartLatency).into(),
            ],
            series: [
                t(l, Key::SeriesLost).into(),
                t(l, Key::SeriesDuplicateEffects).into(),
                t(l, Key::SeriesQueued).into(),
                t(l, Key::SeriesOnLinks).into(),
                t(l, Key::SeriesLag).into(),
            ],
            peak: t(l, Key::PeakOf).into(),
            empty: t(l, Key::NoDataYet).into(),
        };
        let histogram = self.histogram();
        // A lag line per group reading a topic, named, coloured by its place
        // among its topic's groups (as in the partitions view).
        let topology = self.session.run.sim().topology();
        let groups = &topology.log_groups;
        let lines = msgsim_sim::timeline::LAG_LINES;
        let lag_lines: Vec<(String, usize)> = groups
            .iter()
            .enumerate()
            .take(lines)
            .map(|(j, &(g, _))| {
                let name = match self.session.scenario.consumers.get(g) {
                    _ if j == lines - 1 && groups.len() > lines => format!("+{}", groups.len() - j),
                    Some(c) => c.name.clone(),
                    None => String::new(),
                };
                (format!("{} · {name}", words.series[4]), topology.place_in_topic(j))
            })
            .collect();
        let scene = ChartsScene {
            samples: self.session.run.timeline().samples(),
            horizon: self.session.horizon(),
            time: self.playback.clock.time,
            histogram: &histogram,
            retry_windows: self.session.run.timeline().retry_windows(),
            future: !self.outcome_hidden(),
            lag_lines: &lag_lines,
            text_scale: self.present.text_scale(),
            palette: self.palette(),
            words: &words,
        };
        crate::render::charts::draw(&scene, painter);
    }

    /// What the partitions view needs at the moment shown: the fold, the
    /// groups' names and the words.
    pub fn partition_parts(&self) -> (Metrics, Vec<String>, PartitionWords) {
        let run = &self.session.run;
        let l = self.present.lang;
        let words = PartitionWords {
            topic: t(l, Key::PartTopic).into(),
            brokers: t(l, Key::PartBrokers).into(),
            down: t(l, Key::PartDown).into(),
            leader: t(l, Key::PartLeader).into(),
            electing: t(l, Key::PartElecting).into(),
            no_leader: t(l, Key::PartNoLeader).into(),
            lag: t(l, Key::PartLag).into(),
            rebalancing: t(l, Key::PartRebalancing).into(),
            idle: t(l, Key::PartIdle).into(),
            member_down: t(l, Key::PartMemberDown).into(),
            high_watermark: t(l, Key::PartHighWatermark).into(),
            more: t(l, Key::PartMore).into(),
            empty: t(l, Key::PartNoTopic).into(),
        };
        let names = self.session.scenario.consumers.iter().map(|c| c.name.clone()).collect();
        (run.timeline().metrics_at(run.trace(), self.playback.clock.cursor), names, words)
    }

    /// The partitions view's scene, from [`partition_parts`](Self::partition_parts).
    pub fn partitions_scene<'a>(&'a self, parts: &'a (Metrics, Vec<String>, PartitionWords)) -> PartitionsScene<'a> {
        PartitionsScene {
            topology: self.session.run.sim().topology(),
            metrics: &parts.0,
            time: self.playback.clock.time,
            group_names: &parts.1,
            palette: self.palette(),
            text_scale: self.present.text_scale(),
            words: &parts.2,
        }
    }

    /// Latencies of the messages applied by the moment shown.
    fn applied_so_far(&self) -> usize {
        let run = &self.session.run;
        let m = run.timeline().metrics_at(run.trace(), self.playback.clock.cursor);
        (m.counts.unique_effects as usize).min(run.sim().latencies().len())
    }

    /// The latency histogram at the moment shown: the cached one if it is
    /// current, else computed afresh (nothing is stored).
    fn histogram(&self) -> Rc<Histogram> {
        let n = self.applied_so_far();
        match &self.histogram {
            (at, h) if *at == n => h.clone(),
            _ => Rc::new(Histogram::of(&self.session.run.sim().latencies()[..n])),
        }
    }

    /// Brings the cached latency histogram up to the moment shown (the frame
    /// loop calls this a few times a second while the charts are visible: it
    /// sorts the latencies so far).
    pub fn refresh_histogram(&mut self) {
        let n = self.applied_so_far();
        if self.histogram.0 != n {
            self.histogram = (n, Rc::new(Histogram::of(&self.session.run.sim().latencies()[..n])));
        }
    }

    /// What a click on a canvas asks for: follow a message, edit a node's
    /// group or a link's override, or clear the selection.
    pub(super) fn click(&self, c: Click) -> Vec<Cmd> {
        match c.canvas {
            Canvas::Sequence => {
                vec![Cmd::Select(crate::render::sequence::hit(&self.sequence_scene(), c.size, c.at))]
            }
            Canvas::Topology => self.click_topology(c.at, c.size),
        }
    }

    fn click_topology(&self, (x, y): (f64, f64), size: (f64, f64)) -> Vec<Cmd> {
        let layout = self.layout(size);
        let distance = |p: (f64, f64)| ((p.0 - x).powi(2) + (p.1 - y).powi(2)).sqrt();
        // A dot first: the nearest packet.
        let frame = self.topology_frame(&layout);
        let dot = frame
            .dots
            .iter()
            .map(|d| (distance(d.at), d.msg))
            .filter(|(d, _)| *d <= DOT_HIT)
            .min_by(|a, b| a.0.total_cmp(&b.0));
        if let Some((_, msg)) = dot {
            return vec![Cmd::Select(Some(msg))];
        }
        if let Some(node) = layout.node_at((x, y)) {
            return vec![Cmd::FocusNode(node)];
        }
        let near = self
            .session
            .run
            .sim()
            .topology()
            .edges()
            .iter()
            .flat_map(|e| [(e.from, e.to), (e.to, e.from)])
            .map(|(a, b)| {
                let (from, to) = layout.link_ends(a, b);
                (Layout::distance_to_segment((x, y), from, to), a, b)
            })
            .filter(|(d, _, _)| *d <= LINK_HIT)
            .min_by(|a, b| a.0.total_cmp(&b.0));
        match near {
            Some((_, a, b)) => vec![Cmd::FocusLink(a, b)],
            None => vec![Cmd::Select(None)],
        }
    }
}
