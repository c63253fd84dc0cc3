//! The topology view: nodes, links, and every packet in flight as a dot.

use msgsim_sim::timeline::{Fate, Timeline};
use msgsim_sim::{
    Cause, EdgeKind, EventKind, Metrics, MsgId, NodeId, NodeKind, PacketKind, Time, Topology, TraceEvent,
};

use super::Look;
use super::layout::Layout;
use super::painter::{Align, Color, Painter, Text, cross, fit, text_width};
use super::palette::Palette;

/// How a dot looks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DotStyle {
    /// A message on its first attempt and delivery.
    Message,
    /// A retry by the producer or a redelivery by the queue.
    Retry,
    /// A copy made by a duplicating link.
    Copy,
    /// An ack, confirm or reply.
    Ack,
    /// A reject, nack or fault.
    Negative,
}

impl DotStyle {
    /// The style of a packet.
    pub fn of(e: &TraceEvent) -> DotStyle {
        match e.packet {
            PacketKind::Confirm | PacketKind::Ack | PacketKind::Reply => DotStyle::Ack,
            PacketKind::Reject | PacketKind::Nack | PacketKind::Fault => DotStyle::Negative,
            // A log's requests and answers: `copy` and `delivery` carry the
            // group's generation and the partition, not copies or redeliveries.
            PacketKind::Fetch | PacketKind::CommitOffset | PacketKind::CommitAck => DotStyle::Ack,
            PacketKind::Records => DotStyle::Message,
            _ if e.copy > 0 => DotStyle::Copy,
            _ if e.attempt > 1 || e.delivery > 1 => DotStyle::Retry,
            _ => DotStyle::Message,
        }
    }

    fn color(self, p: &Palette) -> Color {
        match self {
            DotStyle::Message => p.message,
            DotStyle::Retry => p.retry,
            DotStyle::Copy => p.copy,
            DotStyle::Ack => p.ok,
            DotStyle::Negative => p.bad,
        }
    }

    /// The colour of a packet of this style about business key `key`.
    fn color_of(self, p: &Palette, look: Look, key: u32) -> Color {
        if look.by_key && !self.is_square() { p.key(key) } else { self.color(p) }
    }

    /// Message-carrying styles are circles; acks and nacks squares.
    fn is_square(self) -> bool {
        matches!(self, DotStyle::Ack | DotStyle::Negative)
    }

    /// Every style, in drawing order.
    pub const ALL: [DotStyle; 5] =
        [DotStyle::Message, DotStyle::Retry, DotStyle::Copy, DotStyle::Ack, DotStyle::Negative];
}

/// A packet on its way.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Dot {
    /// Where it is now.
    pub at: (f64, f64),
    /// Its look.
    pub style: DotStyle,
    /// The message it carries or answers.
    pub msg: MsgId,
    /// The message's business key.
    pub key: u32,
    /// Trace index of its send.
    pub send: u32,
}

/// Where each packet open at time `t` is, given the sends open there.
pub fn dots(trace: &[TraceEvent], timeline: &Timeline, open: &[u32], layout: &Layout, t: Time) -> Vec<Dot> {
    open.iter()
        .map(|&i| {
            let e = &trace[i as usize];
            let span = e.end.saturating_sub(e.time).max(1) as f64;
            let f = (t.saturating_sub(e.time) as f64 / span).clamp(0.0, 1.0);
            // A packet that will be lost dies half-way along: its `end` is the loss point.
            let f = if timeline.fate(e.tx) == Fate::Lost { f * 0.5 } else { f };
            Dot { at: layout.along(e.node, e.peer, f), style: DotStyle::of(e), msg: e.msg, key: e.key, send: i }
        })
        .collect()
}

/// A short-lived visual mark of something that just happened.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum MarkKind {
    /// A packet vanished here.
    Lost,
    /// A link made a copy (the dots split here).
    Split,
    /// A dedup hit at a consumer.
    Dedup,
    /// An effect applied once.
    Effect,
    /// An effect applied again: the outcome is now wrong.
    DuplicateEffect,
    /// A message went to the dead-letter queue.
    DeadLetter,
    /// An effect applied after a later message with the same key: order broken.
    OutOfOrder,
    /// A full queue refused a message.
    Reject,
    /// A wait timed out.
    Timeout,
    /// A service crashed between its commit and its publish: the event is lost.
    EventLost,
    /// A service crashed between its publish and its commit: a phantom event.
    Phantom,
    /// An event held until an earlier version takes effect.
    Held,
    /// A saga service undid a step (a compensation).
    Undo,
    /// An event appended on an old version of its aggregate: an update lost.
    LostUpdate,
}

/// A mark and how faded it is (0 new, 1 gone).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Mark {
    /// What happened.
    pub kind: MarkKind,
    /// Where it is drawn, CSS px.
    pub at: (f64, f64),
    /// Age in `[0, 1]`.
    pub age: f64,
    /// The message concerned.
    pub msg: MsgId,
}

/// Marks for the events in the `window` µs before `t` (at most `limit` events back).
pub fn marks(trace: &[TraceEvent], cursor: usize, layout: &Layout, t: Time, window: Time, limit: usize) -> Vec<Mark> {
    let mut out = Vec::new();
    let from = t.saturating_sub(window);
    for e in trace[..cursor].iter().rev().take(limit) {
        if e.time < from {
            break;
        }
        let age = if window == 0 { 0.0 } else { (t - e.time) as f64 / window as f64 };
        let node = layout.center(e.node);
        let kind_at = match e.kind {
            EventKind::Lost => Some((MarkKind::Lost, layout.along(e.node, e.peer, 0.5))),
            EventKind::Duplicate => Some((MarkKind::Split, layout.along(e.node, e.peer, 0.0))),
            EventKind::DedupHit => Some((MarkKind::Dedup, node)),
            EventKind::Effect if e.cause == Cause::Duplicate => Some((MarkKind::DuplicateEffect, node)),
            EventKind::Effect if e.cause == Cause::OutOfOrder => Some((MarkKind::OutOfOrder, node)),
            EventKind::Effect => Some((MarkKind::Effect, node)),
            EventKind::DeadLetter => Some((MarkKind::DeadLetter, node)),
            EventKind::Reject | EventKind::Evict => Some((MarkKind::Reject, node)),
            EventKind::Timeout => Some((MarkKind::Timeout, node)),
            EventKind::EventLost => Some((MarkKind::EventLost, node)),
            EventKind::Phantom => Some((MarkKind::Phantom, node)),
            EventKind::Held => Some((MarkKind::Held, node)),
            // An event store's append: refused (a conflict), or blind on an old version.
            EventKind::VersionConflict => Some((MarkKind::Reject, node)),
            EventKind::LostUpdate => Some((MarkKind::LostUpdate, node)),
            // A saga service: a step done, refused or undone.
            EventKind::SagaStep if e.cause == Cause::First => Some((MarkKind::Effect, node)),
            EventKind::SagaStep | EventKind::SagaUndo if matches!(e.cause, Cause::Failed | Cause::Cancelled) => {
                Some((MarkKind::Reject, node))
            }
            EventKind::SagaUndo if e.cause == Cause::First => Some((MarkKind::Undo, node)),
            // A two-phase commit's participant: refused, committed, or rolled back.
            EventKind::TxPrepare if matches!(e.cause, Cause::Failed | Cause::Cancelled | Cause::Locked) => {
                Some((MarkKind::Reject, node))
            }
            EventKind::TxDecide if e.cause == Cause::First => {
                Some((if e.packet == PacketKind::Commit { MarkKind::Effect } else { MarkKind::Undo }, node))
            }
            _ => None,
        };
        if let Some((kind, at)) = kind_at {
            out.push(Mark { kind, at, age, msg: e.msg });
        }
    }
    out
}

/// Words drawn on the canvas, already translated.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TopologyWords {
    /// Column headings: "producers", "queues", "consumers", "exchanges", "saga steps".
    pub columns: [String; 5],
    /// Label of the dead-letter tray.
    pub dead_letters: String,
    /// Shown on a crashed consumer.
    pub down: String,
    /// Shown on a dedup hit.
    pub dedup: String,
    /// Shown where an effect broke the key order.
    pub out_of_order: String,
    /// Shown where a crash between a service's two writes lost its event.
    pub event_lost: String,
    /// Shown where a crash between a service's two writes left a phantom event.
    pub phantom: String,
    /// Shown where an event is held for an earlier version.
    pub held: String,
    /// Shown where a saga service undoes a step.
    pub undo: String,
    /// Shown where an append on an old version lost an update.
    pub lost_update: String,
    /// "buffer {0}" under a consumer: deliveries waiting for a slot.
    pub buffer: String,
    /// "to send {0}" under a producer: its backlog.
    pub backlog: String,
    /// "{0} partitions" in a topic's box.
    pub partitions: String,
    /// "step {0}" in a saga service's box.
    pub step: String,
    /// Legend entries: message, retry, copy, ack, nack, lost, rejected.
    pub legend: [String; 7],
}

/// Everything the topology view draws.
pub struct TopologyScene<'a> {
    /// The nodes.
    pub topology: &'a Topology,
    /// Their positions.
    pub layout: &'a Layout,
    /// Colours of the current theme.
    pub palette: Palette,
    /// The state at the shown moment.
    pub metrics: &'a Metrics,
    /// Packets in flight.
    pub dots: &'a [Dot],
    /// Recent happenings.
    pub marks: &'a [Mark],
    /// The selected message.
    pub selected: Option<MsgId>,
    /// Translated words.
    pub words: &'a TopologyWords,
    /// Text size and message marking.
    pub look: Look,
}

/// Draws the topology.
pub fn draw(s: &TopologyScene<'_>, p: &mut dyn Painter) {
    let pal = &s.palette;
    p.clear(pal.background);
    let l = s.layout;
    for e in s.topology.edges() {
        match e.kind {
            // A network link: messages one way, answers the other.
            EdgeKind::Link => {
                for (x, y) in [(e.from, e.to), (e.to, e.from)] {
                    let (from, to) = l.link_ends(x, y);
                    p.line(from, to, pal.link, 1.5, false);
                }
            }
            // A binding lives inside the broker: one dashed line.
            EdgeKind::Binding => {
                let (from, to) = l.centre_ends(e.from, e.to);
                p.line(from, to, pal.link, 1.5, true);
            }
        }
    }
    draw_headings(s, p);
    for (i, node) in s.topology.nodes.iter().enumerate() {
        draw_node(s, p, i, node.kind, &node.name);
    }
    draw_dots(s, p);
    draw_marks(s, p);
    draw_legend(s, p);
}

fn draw_node(s: &TopologyScene<'_>, p: &mut dyn Painter, i: usize, kind: NodeKind, name: &str) {
    let pal = &s.palette;
    let (cx, cy) = s.layout.centers[i];
    let (hw, hh) = s.layout.half;
    let scale = s.look.text_scale;
    let up = s.metrics.up.get(i).copied().unwrap_or(true);
    let fill = if up { pal.node } else { pal.bad.alpha(0.18) };
    let stroke = if up { pal.ink } else { pal.bad };
    let radius = match kind {
        NodeKind::Producer | NodeKind::Consumer | NodeKind::Member | NodeKind::SagaService => hh.min(10.0),
        NodeKind::Queue | NodeKind::Exchange | NodeKind::Topic => 3.0,
    };
    p.rect((cx - hw, cy - hh), (2.0 * hw, 2.0 * hh), radius, Some(fill), Some((stroke, 1.5)));
    // Font sizes before scaling; a second line only where the box has room for it.
    let label_size = (hh * 0.7 / scale).clamp(10.0, 14.0);
    let small_size = (hh * 0.55 / scale).clamp(9.0, 12.0);
    let two_lines = hh * 2.0 >= (label_size + small_size) * scale * 1.25;
    let small = Text { size: small_size, color: pal.muted, align: Align::Center, bold: false };
    let label = Text { size: label_size, color: pal.ink, align: Align::Center, bold: true };
    let inner = 2.0 * hw - 8.0;
    // A long name in a narrow column: smaller type first (down to 9 px),
    // shortened only if that is not enough.
    let wide = text_width(name, label_size * scale);
    let label_size = if wide > inner { (label_size * inner / wide).max(9.0) } else { label_size };
    let label = Text { size: label_size, ..label };
    let name = fit(name, inner, label_size * scale);
    let name_y = if two_lines && kind != NodeKind::Producer { cy - hh * 0.3 } else { cy };
    let second_y = cy + hh * 0.45;
    p.text((cx, name_y), &name, label);
    match kind {
        NodeKind::Producer => {
            let backlog = s.metrics.waiting.get(i).copied().unwrap_or(0);
            if backlog > 0 {
                under(s, p, i, &s.words.backlog.replace("{0}", &backlog.to_string()), None, pal.retry);
            }
        }
        NodeKind::Queue => {
            let depth = s.metrics.depth[i];
            let cap = s.topology.nodes[i].capacity;
            let fullness = match cap {
                Some(c) => f64::from(depth) / f64::from(c.max(1)),
                None => (f64::from(depth) + 1.0).log2() / 8.0,
            }
            .min(1.0);
            let bar_h = hh * 0.5;
            let color = if cap.is_some_and(|c| depth >= c) { pal.bad } else { pal.message };
            p.rect(
                (cx - hw + 3.0, cy + hh - bar_h - 3.0),
                ((2.0 * hw - 6.0) * fullness, bar_h),
                2.0,
                Some(color.alpha(0.35)),
                None,
            );
            if !up {
                p.text((cx, second_y), &s.words.down, Text { color: pal.bad, bold: true, ..small });
            } else if two_lines {
                let depth_text = match cap {
                    Some(c) => format!("{depth}/{c}"),
                    None => depth.to_string(),
                };
                p.text((cx, second_y), &depth_text, Text { color: pal.ink, ..small });
            }
            let dead = s.metrics.dead_letters[i];
            if dead > 0 || s.marks.iter().any(|m| m.kind == MarkKind::DeadLetter) {
                under(s, p, i, &format!("{} {dead}", s.words.dead_letters), None, pal.dead);
            }
        }
        NodeKind::Exchange => {
            if !up {
                p.text((cx, second_y), &s.words.down, Text { color: pal.bad, bold: true, ..small });
            } else if two_lines {
                let kind = if s.topology.is_direct(i as NodeId) { "direct" } else { "fanout" };
                p.text((cx, second_y), kind, small);
            }
        }
        NodeKind::Topic => {
            if !up {
                p.text((cx, second_y), &s.words.down, Text { color: pal.bad, bold: true, ..small });
            } else if two_lines {
                let n = s.topology.nodes[i].capacity.unwrap_or(1);
                p.text((cx, second_y), &s.words.partitions.replace("{0}", &n.to_string()), small);
            }
        }
        NodeKind::SagaService => {
            if two_lines {
                let step = (s.topology.nodes[i].instance + 1).to_string();
                p.text((cx, second_y), &s.words.step.replace("{0}", &step), small);
            }
        }
        NodeKind::Consumer | NodeKind::Member => {
            let slots = s.topology.nodes[i].slots.max(1);
            let busy = s.metrics.busy[i];
            if !two_lines {
            } else if !up {
                p.text((cx, second_y), &s.words.down, Text { color: pal.bad, bold: true, ..small });
            } else if slots <= 8 {
                let side = (hh * 0.35).clamp(4.0, 9.0);
                let gap = side * 0.5;
                let total = f64::from(slots) * side + f64::from(slots - 1) * gap;
                for k in 0..slots {
                    let x = cx - total / 2.0 + f64::from(k) * (side + gap);
                    let filled = k < busy;
                    p.rect(
                        (x, second_y - side / 2.0),
                        (side, side),
                        1.5,
                        filled.then_some(pal.message),
                        Some((pal.muted, 1.0)),
                    );
                }
            } else {
                p.text((cx, second_y), &format!("{busy}/{slots}"), Text { color: pal.ink, ..small });
            }
            let waiting = s.metrics.waiting.get(i).copied().unwrap_or(0);
            let window = s.topology.nodes[i].prefetch;
            if waiting > 0 || window > 0 {
                let count = if window > 0 { format!("{waiting}/{window}") } else { waiting.to_string() };
                let fullness = if window > 0 { f64::from(waiting) / f64::from(window) } else { 0.0 };
                under(s, p, i, &s.words.buffer.replace("{0}", &count), Some(fullness), pal.message);
            }
        }
    }
}

/// A heading over each column: the kind of the nodes in it (the first
/// node's, where a column mixes kinds).
fn draw_headings(s: &TopologyScene<'_>, p: &mut dyn Painter) {
    let t = Text { size: 11.0, color: s.palette.muted, align: Align::Center, bold: true };
    let columns = s.layout.columns.max(1);
    let width = (s.layout.size.0 * 0.74 / columns as f64).clamp(60.0, s.layout.size.0 * 0.3);
    let mut done: Vec<u64> = Vec::new();
    for (i, n) in s.topology.nodes.iter().enumerate() {
        let x = s.layout.centers[i].0;
        let key = x.to_bits();
        if done.contains(&key) {
            continue;
        }
        done.push(key);
        let k = match n.kind {
            NodeKind::Producer => 0,
            NodeKind::Queue | NodeKind::Topic => 1,
            NodeKind::Consumer | NodeKind::Member => 2,
            NodeKind::Exchange => 3,
            NodeKind::SagaService => 4,
        };
        p.text((x, s.layout.heading_y), &fit(&s.words.columns[k], width, 11.0 * s.look.text_scale), t);
    }
}

/// A line under a node's box (what it holds), with a fullness bar, if the
/// layout leaves room for it.
fn under(s: &TopologyScene<'_>, p: &mut dyn Painter, node: usize, text: &str, bar: Option<f64>, color: Color) {
    let (cx, cy) = s.layout.centers[node];
    let (hw, hh) = s.layout.half;
    let scale = s.look.text_scale;
    let size = 10.0;
    // Room for the line above the box below.
    if s.layout.below.get(node).copied().unwrap_or(0.0) < size * scale * 1.2 + 6.0 {
        return;
    }
    let y = cy + hh + 3.0 + size * scale * 0.6;
    if let Some(f) = bar {
        p.rect(
            (cx - hw, y - size * scale * 0.6),
            (2.0 * hw, size * scale * 1.2),
            3.0,
            Some(s.palette.node),
            Some((color, 1.0)),
        );
        p.rect(
            (cx - hw + 1.0, y - size * scale * 0.6 + 1.0),
            ((2.0 * hw - 2.0) * f.clamp(0.0, 1.0), size * scale * 1.2 - 2.0),
            2.0,
            Some(color.alpha(0.3)),
            None,
        );
    }
    let t = Text { size, color: s.palette.ink, align: Align::Center, bold: false };
    p.text((cx, y), &fit(text, 2.0 * hw - 4.0, size * scale), t);
}

fn draw_dots(s: &TopologyScene<'_>, p: &mut dyn Painter) {
    let pal = &s.palette;
    let many = s.dots.len() > 4_000;
    // Dots grow with the nodes, so they stay visible on a projector.
    let r = if many { 2.0 } else { (s.layout.half.1 * 0.17).clamp(3.5, 6.5) };
    let dim = s.selected.is_some();
    let mut batch: Vec<(f64, f64)> = Vec::with_capacity(s.dots.len());
    // One batch per colour: by style, or by key when colouring by key.
    let mut colours: Vec<(DotStyle, Color)> = Vec::new();
    for style in DotStyle::ALL {
        for d in s.dots.iter().filter(|d| d.style == style) {
            let c = (style, style.color_of(pal, s.look, d.key));
            if !colours.contains(&c) {
                colours.push(c);
            }
        }
    }
    for (style, color) in colours {
        batch.clear();
        batch.extend(
            s.dots
                .iter()
                .filter(|d| {
                    d.style == style && d.style.color_of(pal, s.look, d.key) == color && Some(d.msg) != s.selected
                })
                .map(|d| d.at),
        );
        let color = if dim { color.alpha(0.35) } else { color };
        if style.is_square() {
            p.squares(&batch, r * 1.5, color);
        } else {
            p.dots(&batch, r, color);
        }
    }
    p.flush();
    if let Some(sel) = s.selected {
        for d in s.dots.iter().filter(|d| d.msg == sel) {
            p.circle(d.at, 7.5, Some(d.style.color_of(pal, s.look, d.key)), Some((pal.highlight, 2.5)));
        }
    }
    // Ids beside message dots, while few enough to read.
    if s.look.ids {
        let carrying: Vec<&Dot> = s.dots.iter().filter(|d| !d.style.is_square()).collect();
        if carrying.len() <= MAX_ID_LABELS {
            let t = Text { size: 9.0, color: pal.ink, align: Align::Left, bold: false };
            for d in carrying {
                p.text((d.at.0 + r + 1.5, d.at.1 - r - 3.0), &format!("#{}", d.msg), t);
            }
        }
    }
}

/// Most message ids written beside dots (beyond that they are a smudge).
pub const MAX_ID_LABELS: usize = 120;

fn draw_marks(s: &TopologyScene<'_>, p: &mut dyn Painter) {
    let pal = &s.palette;
    let (hw, hh) = s.layout.half;
    for m in s.marks {
        let a = (1.0 - m.age).clamp(0.0, 1.0);
        let emphasis = if Some(m.msg) == s.selected { 1.6 } else { 1.0 };
        match m.kind {
            MarkKind::Lost => cross(p, m.at, 6.0 * emphasis, pal.bad.alpha(a), 2.5),
            MarkKind::Split => p.circle(m.at, 4.0 + 10.0 * m.age, None, Some((pal.copy.alpha(a), 2.0))),
            MarkKind::Dedup => {
                ring(p, m.at, (hw, hh), 4.0, (pal.dedup.alpha(a), 3.5));
                let t = Text { size: 11.0, color: pal.dedup.alpha(a), align: Align::Right, bold: true };
                p.text((m.at.0 - hw - 9.0, m.at.1), &s.words.dedup, t);
            }
            MarkKind::Effect => ring(p, m.at, (hw, hh), 3.0, (pal.ok.alpha(a * 0.8), 2.0)),
            MarkKind::DuplicateEffect => {
                ring(p, m.at, (hw, hh), 5.0, (pal.bad.alpha(a), 3.5));
                let t = Text { size: 13.0, color: pal.bad.alpha(a), align: Align::Right, bold: true };
                p.text((m.at.0 - hw - 9.0, m.at.1 - hh * 0.6), "×2", t);
            }
            MarkKind::DeadLetter => {
                p.circle((m.at.0, m.at.1 + hh + 14.0 - 10.0 * m.age), 5.0, Some(pal.dead.alpha(a)), None)
            }
            MarkKind::OutOfOrder => {
                ring(p, m.at, (hw, hh), 7.0, (pal.copy.alpha(a), 3.0));
                ring(p, m.at, (hw, hh), 11.0, (pal.copy.alpha(a * 0.6), 2.0));
                let t = Text { size: 12.0, color: pal.copy.alpha(a), align: Align::Right, bold: true };
                p.text((m.at.0 - hw - 13.0, m.at.1 + hh * 0.6), &s.words.out_of_order, t);
            }
            MarkKind::Reject => barred(p, (m.at.0 - hw - 10.0, m.at.1), 6.0, pal.bad.alpha(a)),
            MarkKind::Timeout => {
                p.circle((m.at.0 + hw, m.at.1 - hh), 4.0 + 4.0 * m.age, None, Some((pal.retry.alpha(a), 2.0)))
            }
            MarkKind::Held | MarkKind::Undo => {
                ring(p, m.at, (hw, hh), 4.0, (pal.retry.alpha(a), 2.5));
                let t = Text { size: 11.0, color: pal.retry.alpha(a), align: Align::Right, bold: true };
                let word = if m.kind == MarkKind::Held { &s.words.held } else { &s.words.undo };
                p.text((m.at.0 - hw - 9.0, m.at.1 + hh * 0.6), word, t);
            }
            // Beside the instance, not under it: a group's instances stand in a column.
            MarkKind::LostUpdate => {
                ring(p, m.at, (hw, hh), 5.0, (pal.bad.alpha(a), 3.0));
                let t = Text { size: 12.0, color: pal.bad.alpha(a), align: Align::Right, bold: true };
                p.text((m.at.0 - hw - 9.0, m.at.1), &s.words.lost_update, t);
            }
            MarkKind::EventLost | MarkKind::Phantom => {
                let word = if m.kind == MarkKind::EventLost { &s.words.event_lost } else { &s.words.phantom };
                let t = Text { size: 12.0, color: pal.bad.alpha(a), align: Align::Center, bold: true };
                p.text((m.at.0, m.at.1 + hh + 26.0), word, t);
            }
        }
    }
}

/// A barred circle ⊘ (a refusal), centred at `at`.
pub fn barred(p: &mut dyn Painter, at: (f64, f64), r: f64, color: Color) {
    p.circle(at, r, None, Some((color, 2.0)));
    let d = r * std::f64::consts::FRAC_1_SQRT_2;
    p.line((at.0 - d, at.1 + d), (at.0 + d, at.1 - d), color, 2.0, false);
}

/// An outline `pad` px around the node box centred at `at` with half-size `half`.
fn ring(p: &mut dyn Painter, at: (f64, f64), half: (f64, f64), pad: f64, stroke: (Color, f64)) {
    let (hw, hh) = (half.0 + pad, half.1 + pad);
    p.rect((at.0 - hw, at.1 - hh), (2.0 * hw, 2.0 * hh), 8.0, None, Some(stroke));
}

fn draw_legend(s: &TopologyScene<'_>, p: &mut dyn Painter) {
    let pal = &s.palette;
    let (_, h) = p.size();
    let scale = s.look.text_scale;
    let y = h - 6.0 - 6.0 * scale;
    let mut x = 12.0;
    let t = Text { size: 11.0, color: pal.muted, align: Align::Left, bold: false };
    let advance = |k: usize| 22.0 + text_width(&s.words.legend[k], 11.0 * scale);
    for (k, style) in
        [DotStyle::Message, DotStyle::Retry, DotStyle::Copy, DotStyle::Ack, DotStyle::Negative].iter().enumerate()
    {
        if style.is_square() {
            p.squares(&[(x, y)], 7.0, style.color(pal));
        } else {
            p.dots(&[(x, y)], 4.0, style.color(pal));
        }
        p.text((x + 8.0, y), &s.words.legend[k], t);
        x += advance(k);
    }
    cross(p, (x, y), 4.0, pal.bad, 2.0);
    p.text((x + 8.0, y), &s.words.legend[5], t);
    x += advance(5);
    barred(p, (x, y), 4.5, pal.bad);
    p.text((x + 8.0, y), &s.words.legend[6], t);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::painter::Recorder;
    use crate::render::palette::Theme;
    use crate::testing::{preset_run, timeline_of};

    #[test]
    fn dots_follow_their_links_and_losses_stop_half_way() {
        let sim = preset_run("lossy-fire-and-forget", None);
        let trace = sim.trace();
        let tl = timeline_of(&sim);
        let layout = Layout::new(sim.topology(), 900.0, 500.0, 1.0);
        let lost = trace.iter().find(|e| e.kind == EventKind::Lost).unwrap();
        let send = tl.send_of(lost.tx).unwrap();
        let t = lost.time; // the moment it vanishes: half-way along
        let pos = tl.position_at(trace, t - 1);
        let open = tl.open_at(trace, pos);
        assert!(open.contains(&(send as u32)));
        let d = dots(trace, &tl, &open, &layout, t).into_iter().find(|d| d.send == send as u32).unwrap();
        let mid = layout.along(lost.node, lost.peer, 0.5);
        assert!((d.at.0 - mid.0).abs() < 1.0 && (d.at.1 - mid.1).abs() < 1.0, "{:?} vs {mid:?}", d.at);
        let m = marks(trace, tl.position_at(trace, t), &layout, t, 1_000, 100);
        assert!(m.iter().any(|m| m.kind == MarkKind::Lost && m.msg == lost.msg));
    }

    #[test]
    fn a_lost_update_is_marked_beside_its_instance_clear_of_the_others() {
        let sim = preset_run("event-store", None);
        let trace = sim.trace();
        let tl = timeline_of(&sim);
        let topo = sim.topology();
        let layout = Layout::new(topo, 900.0, 500.0, 1.0);
        let lost = trace.iter().position(|e| e.kind == EventKind::LostUpdate).unwrap();
        let t = trace[lost].time;
        let m = marks(trace, tl.position_at(trace, t), &layout, t, 1_000, 100);
        assert!(m.iter().any(|m| m.kind == MarkKind::LostUpdate && m.msg == trace[lost].msg));
        let words = TopologyWords { lost_update: "update lost".into(), ..Default::default() };
        let metrics = tl.head().clone();
        let scene = TopologyScene {
            topology: topo,
            layout: &layout,
            palette: Palette::of(Theme::Light),
            metrics: &metrics,
            dots: &[],
            marks: &m,
            selected: None,
            words: &words,
            look: Look::default(),
        };
        let mut rec = Recorder { size: (900.0, 500.0), ..Default::default() };
        draw(&scene, &mut rec);
        let (_, left, top, right, bottom) = rec.boxes.iter().find(|b| b.0 == "update lost").cloned().unwrap();
        let instance = layout.center(trace[lost].node);
        assert!(right < instance.0 && top < instance.1 && bottom > instance.1, "left of its instance, at its height");
        for n in 0..topo.nodes.len() as NodeId {
            let c = layout.center(n);
            assert!(!(left < c.0 && c.0 < right && top < c.1 && c.1 < bottom), "over node {n}");
        }
    }

    #[test]
    fn draws_every_node_and_the_dots() {
        let sim = preset_run("crash-before-ack", Some(500_000));
        let trace = sim.trace();
        let tl = timeline_of(&sim);
        let topo = sim.topology();
        let layout = Layout::new(topo, 900.0, 500.0, 1.0);
        let open = tl.open_at(trace, trace.len());
        let ds = dots(trace, &tl, &open, &layout, sim.now());
        let words = TopologyWords { down: "down".into(), ..Default::default() };
        let m = tl.head().clone();
        let scene = TopologyScene {
            topology: topo,
            layout: &layout,
            palette: Palette::of(Theme::Light),
            metrics: &m,
            dots: &ds,
            marks: &[],
            selected: None,
            words: &words,
            look: Look::default(),
        };
        let mut rec = Recorder { size: (900.0, 500.0), ..Default::default() };
        draw(&scene, &mut rec);
        for node in &topo.nodes {
            assert!(rec.texts.contains(&node.name), "{} not drawn", node.name);
        }
        assert_eq!(rec.points, ds.len() + 5, "every dot, plus the legend's five");
    }
}
